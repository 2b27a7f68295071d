package seccomp

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAnalyzePod(t *testing.T) {
	root := fstest.MapFS{
		"profiles/audit.json":  {Data: []byte(`{"defaultAction":"SCMP_ACT_LOG"}`)},
		"profiles/strict.json": {Data: []byte(`{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38,"syscalls":[{"names":["read","write","exit_group"],"action":"SCMP_ACT_ALLOW"}]}`)},
		"profiles/broken.json": {Data: []byte(`{"defaultAction":`)},
		"profiles/docker.json": {Data: []byte(`{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["mount"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}}]}`)},
		"profiles/dir/x.json":  {Data: []byte(`{}`)},
	}
	cases := []struct {
		name      string
		ref       PodProfile
		rt        Runtime
		fail      []string // rule IDs that must fail
		pass      []string // rule IDs that must pass
		score     int
		wantError bool
	}{
		{"unset, no SeccompDefault", PodProfile{}, "", []string{rulePodUnconfined.ID}, nil, -10, false},
		{"unset, SeccompDefault", PodProfile{KubeletSeccompDefault: true}, "", nil, []string{rulePodUnconfined.ID}, 0, false},
		{"unconfined", PodProfile{Type: ProfileUnconfined}, "", []string{rulePodUnconfined.ID}, nil, -10, false},
		{"privileged overrides", PodProfile{Type: ProfileRuntimeDefault, Privileged: true}, "", []string{rulePodUnconfined.ID}, nil, -10, false},
		{"runtime default", PodProfile{Type: ProfileRuntimeDefault}, "", nil, []string{rulePodUnconfined.ID}, 0, false},
		{"localhost strict", PodProfile{Type: ProfileLocalhost, LocalhostProfile: "profiles/strict.json"}, "",
			nil, []string{rulePodUnconfined.ID, ruleAllowList.ID}, 3, false},
		{"localhost audit", PodProfile{Type: ProfileLocalhost, LocalhostProfile: "profiles/audit.json"}, "",
			[]string{ruleDefaultLog.ID}, []string{rulePodUnconfined.ID}, -96, false},
		{"localhost docker profile on containerd", PodProfile{Type: ProfileLocalhost, LocalhostProfile: "profiles/docker.json"}, RuntimeContainerd,
			[]string{ruleDroppedByRuntime.ID, ruleAllowsNamespaceOps.ID}, nil, -22, false},
		{"localhost docker profile on cri-o", PodProfile{Type: ProfileLocalhost, LocalhostProfile: "profiles/docker.json"}, RuntimeCRIO,
			nil, []string{ruleAllowsNamespaceOps.ID}, 3, false},
		{"missing file", PodProfile{Type: ProfileLocalhost, LocalhostProfile: "profiles/nope.json"}, "", []string{ruleLocalhostProfileMissing.ID}, nil, 0, false},
		{"directory", PodProfile{Type: ProfileLocalhost, LocalhostProfile: "profiles/dir"}, "", nil, nil, 0, true},
		{"escape", PodProfile{Type: ProfileLocalhost, LocalhostProfile: "../../etc/passwd"}, "", []string{ruleLocalhostPathInvalid.ID}, nil, 0, false},
		{"absolute", PodProfile{Type: ProfileLocalhost, LocalhostProfile: "/var/lib/kubelet/seccomp/x.json"}, "", []string{ruleLocalhostPathInvalid.ID}, nil, 0, false},
		{"empty localhost", PodProfile{Type: ProfileLocalhost}, "", []string{ruleLocalhostPathInvalid.ID}, nil, 0, false},
		{"valid path", PodProfile{Type: ProfileLocalhost, LocalhostProfile: "./profiles/strict.json"}, "", nil, []string{ruleLocalhostPathInvalid.ID, rulePodUnconfined.ID}, 3, false},
		{"broken profile", PodProfile{Type: ProfileLocalhost, LocalhostProfile: "profiles/broken.json"}, "", []string{ruleRejectedByRuntime.ID}, nil, 0, false},
		{"unknown type", PodProfile{Type: "Bogus"}, "", nil, nil, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := AnalyzePod(c.ref, root, Target{Runtime: c.rt})
			if c.wantError {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			for _, id := range c.fail {
				_, ok := failedFinding(r, id)
				assert.True(t, ok, "%s should fail: %+v", id, r.Findings)
			}
			for _, id := range c.pass {
				_, ok := failedFinding(r, id)
				assert.False(t, ok, "%s should not fail", id)
			}
			assert.Equal(t, c.score, r.Score)
		})
	}
	// The broken profile's decode error is carried with its line.
	r, err := AnalyzePod(PodProfile{Type: ProfileLocalhost, LocalhostProfile: "profiles/broken.json"}, root, Target{})
	require.NoError(t, err)
	require.Len(t, r.Errors, 1)
	assert.Equal(t, 1, r.Errors[0].Line)
}
