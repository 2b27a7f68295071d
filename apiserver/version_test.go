package apiserver

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden"
)

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]Version{
		"v1.33.4":          {1, 33, 4, ""},
		"1.33.4":           {1, 33, 4, ""},
		"v1.34.0-rc.1":     {1, 34, 0, "rc.1"},
		"v1.30.2-eks-1234": {1, 30, 2, "eks-1234"},
		"v1.32":            {1, 32, -1, ""},
		"v1.31.1+k3s1":     {1, 31, 1, ""},
	} {
		got, ok := ParseVersion(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "latest", "v1", "1.2.3.4", "v1.x.2", "v1.-1.0"} {
		_, ok := ParseVersion(bad)
		assert.False(t, ok, bad)
	}
	assert.Equal(t, "v1.33.4", imageVersion("registry.k8s.io/kube-apiserver:v1.33.4"))
	assert.Equal(t, "v1.33.4", imageVersion("registry.k8s.io/kube-apiserver:v1.33.4@sha256:0123abcd"))
	assert.Equal(t, "", imageVersion("localhost:5000/kube-apiserver"))
	assert.Equal(t, "", imageVersion("registry.k8s.io/etcd:3.6.4-0"), "etcd tags carry no v prefix and are not Kubernetes versions")
}

var testTable = &ReleaseTable{AsOf: "2026-01-15", Releases: []Release{
	{Minor: "1.31", Released: "2024-08-13", EndOfLife: "2025-10-28", LatestPatch: 14},
	{Minor: "1.32", Released: "2024-12-11", EndOfLife: "2026-02-28", LatestPatch: 11},
	{Minor: "1.33", Released: "2025-04-23", EndOfLife: "2026-06-28", LatestPatch: 7},
	{Minor: "1.34", Released: "2025-08-27", EndOfLife: "2026-10-27", LatestPatch: 3},
	{Minor: "1.35", Released: "2025-12-17", EndOfLife: "2027-02-28", LatestPatch: 1},
}}

func versionReports(t *testing.T, opts Options, images map[Component]string) map[Component]kubeharden.Report {
	t.Helper()
	var data []byte
	order := []Component{APIServer, ControllerManager, Scheduler}
	for _, c := range order {
		if img, ok := images[c]; ok {
			data = append(append(data, "---\n"...), manifest(c, img)...)
		}
	}
	reps, err := Scan("cp.yaml", data, opts)
	require.NoError(t, err)
	out := map[Component]kubeharden.Report{}
	for _, r := range reps {
		for _, c := range order {
			if r.Object == "Pod/"+string(c)+".kube-system" {
				out[c] = r
			}
		}
	}
	return out
}

func TestVersionHygiene(t *testing.T) {
	opts := Options{Releases: testTable, KubeletVersion: "v1.30.9"}
	reps := versionReports(t, opts, map[Component]string{
		APIServer:         "registry.k8s.io/kube-apiserver:v1.34.3",
		ControllerManager: "registry.k8s.io/kube-controller-manager:v1.35.0",
		Scheduler:         "registry.k8s.io/kube-scheduler:v1.32.11",
	})
	api := reps[APIServer]
	assert.True(t, verdict(t, api, "UnsupportedVersion").Passed, "1.34 is supported on 2026-01-15")
	assert.True(t, verdict(t, api, "SupersededPatch").Passed, "1.34.3 is the newest known patch")
	kubelet := verdict(t, api, "VersionSkew")
	assert.False(t, kubelet.Passed, "kubelet 1.30 is four minors older than 1.34")
	assert.Contains(t, kubelet.Message, "4 minor versions older")

	cm := reps[ControllerManager]
	assert.False(t, verdict(t, cm, "VersionSkew").Passed, "newer than kube-apiserver")
	assert.False(t, verdict(t, cm, "SupersededPatch").Passed, "1.35.0 is superseded by 1.35.1")

	s := reps[Scheduler]
	assert.False(t, verdict(t, s, "VersionSkew").Passed, "two minors older")
	assert.True(t, verdict(t, s, "UnsupportedVersion").Passed, "1.32 is still supported on 2026-01-15")

	// Within skew: one minor older scheduler, kubelet three older.
	reps = versionReports(t, Options{Releases: testTable, KubeletVersion: "1.31.0"}, map[Component]string{
		APIServer: "registry.k8s.io/kube-apiserver:v1.34.3",
		Scheduler: "registry.k8s.io/kube-scheduler:v1.33.7",
	})
	assert.True(t, verdict(t, reps[Scheduler], "VersionSkew").Passed)
	assert.True(t, verdict(t, reps[APIServer], "VersionSkew").Passed)

	// Out of support and unknown lines; a version newer than the table.
	reps = versionReports(t, Options{Releases: testTable}, map[Component]string{APIServer: "registry.k8s.io/kube-apiserver:v1.31.14"})
	assert.False(t, verdict(t, reps[APIServer], "UnsupportedVersion").Passed)
	reps = versionReports(t, Options{Releases: testTable}, map[Component]string{APIServer: "registry.k8s.io/kube-apiserver:v1.28.0"})
	assert.False(t, verdict(t, reps[APIServer], "UnsupportedVersion").Passed)
	reps = versionReports(t, Options{Releases: testTable}, map[Component]string{APIServer: "registry.k8s.io/kube-apiserver:v1.36.0"})
	assert.True(t, verdict(t, reps[APIServer], "UnsupportedVersion").Passed)
	assert.Contains(t, verdict(t, reps[APIServer], "UnsupportedVersion").Message, "newer than the release table")

	// The built-in table and SkipVersions.
	reps = versionReports(t, Options{}, map[Component]string{APIServer: "registry.k8s.io/kube-apiserver:v1.33.4"})
	assert.False(t, verdict(t, reps[APIServer], "UnsupportedVersion").Passed, "1.33 reached end of life before the built-in table's date")
	reps = versionReports(t, Options{SkipVersions: true}, map[Component]string{APIServer: "registry.k8s.io/kube-apiserver:v1.20.0"})
	assert.Empty(t, findings(reps[APIServer], "UnsupportedVersion"))
}

func TestDefaultReleasesSupportsThreeMinors(t *testing.T) {
	tab := DefaultReleases()
	n := 0
	for _, r := range tab.Releases {
		v, ok := ParseVersion(r.Minor + ".0")
		require.True(t, ok)
		if sup, _, _ := tab.Support(v); sup {
			n++
		}
	}
	assert.Equal(t, 3, n, "three minor releases are supported on %s", tab.AsOf)
}
