package manifest

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/yaml"
)

const restrictedSC = `"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},` +
	`"containers":[{"name":"c","image":"nginx:1.27","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]`

var pssCases = []ruleCase{
	{"restricted pod passes baseline", "manifest/PSSBaseline", pod(restrictedSC), 0, true, nil},
	{"hostNetwork fails baseline", "manifest/PSSBaseline", pod(`"hostNetwork":true,` + restrictedSC), 1, false, []string{"spec"}},
	{"hostPath and hostPort fail baseline twice", "manifest/PSSBaseline",
		pod(`"volumes":[{"name":"v","hostPath":{"path":"/data"}}],"containers":[{"name":"c","image":"x:1","ports":[{"containerPort":80,"hostPort":80}]}]`), 2, false,
		[]string{"spec.volumes", "spec.containers"}},
	{"restricted pod passes restricted", "manifest/PSSRestricted", pod(restrictedSC), 0, true, nil},
	{"source-less volume is an emptyDir", "manifest/PSSRestricted", pod(`"volumes":[{"name":"v"}],` + restrictedSC), 0, true, nil},
	{"runAsNonRoot missing fails restricted", "manifest/PSSRestricted",
		pod(`"securityContext":{"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"c","image":"x:1","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]`), 1, false,
		[]string{"spec.securityContext.runAsNonRoot"}},
}

// TestPSSCorpus evaluates every fixture of the PSS corpus (v1.37, the
// newest rules of pod-security-admission v0.37.2) and compares the verdict
// with the fixture's directory and the denying checks at both levels with
// index-checks.tsv. It also cross-checks the verdict against the library's
// own evaluator.
func TestPSSCorpus(t *testing.T) {
	dir := testutil.SharedDir(t, "corpus", "pss")
	f, err := os.Open(filepath.Join(dir, "index-checks.tsv"))
	require.NoError(t, err)
	defer f.Close()
	eval, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	require.NoError(t, err)
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	n := 0
	for sc.Scan() {
		col := strings.Split(sc.Text(), "\t")
		require.GreaterOrEqual(t, len(col), 8, sc.Text())
		path, level, expected := col[0], col[1], col[2]
		want := [2][]string{splitChecks(col[6]), splitChecks(col[7])}
		data, err := os.ReadFile(filepath.Join(dir, path))
		require.NoError(t, err)
		for _, version := range []string{"", "v1.37", "v1.99"} {
			reports, errs := Scan(path, data, Options{PSSVersion: version})
			require.Empty(t, errs, path)
			require.Len(t, reports, 1, path)
			var got [2][]string
			for i, id := range []string{"manifest/PSSBaseline", "manifest/PSSRestricted"} {
				fails := byRule(&reports[0], id, false)
				for _, fd := range fails {
					require.Len(t, fd.Refs, 1)
					got[i] = append(got[i], strings.TrimPrefix(fd.Refs[0], "PSS "+[]string{"baseline", "restricted"}[i]+" "))
				}
				assert.Equal(t, len(fails) == 0, len(byRule(&reports[0], id, true)) == 1, "%s %s verdict finding", path, id)
			}
			slices.Sort(got[0])
			slices.Sort(got[1])
			assert.Equal(t, want, got, "%s (version %q)", path, version)
			idx := 0
			if level == "restricted" {
				idx = 1
			}
			assert.Equal(t, expected == "pass", len(got[idx]) == 0, "%s: expected %s at %s", path, expected, level)
		}
		// Differential: the library's evaluator on the defaulted spec.
		var p corev1.Pod
		require.NoError(t, yaml.Unmarshal(data, &p))
		for i, lvl := range []psaapi.Level{psaapi.LevelBaseline, psaapi.LevelRestricted} {
			agg := policy.AggregateCheckResults(eval.EvaluatePod(psaapi.LevelVersion{Level: lvl, Version: psaapi.LatestVersion()}, &p.ObjectMeta, pssSpec(&p.Spec)))
			assert.Equal(t, agg.Allowed, len(want[i]) == 0, "%s at %s", path, lvl)
		}
		n++
	}
	require.NoError(t, sc.Err())
	assert.Equal(t, 148, n)
}

func splitChecks(s string) []string {
	if s == "" || s == "-" {
		return nil
	}
	out := strings.Split(s, ",")
	slices.Sort(out)
	return out
}

// TestPSSAllVersions runs the fixtures the module ships for every policy
// version v1.0 … v1.37 (test/testdata in the module cache) at their level
// and version: pass fixtures are allowed, fail fixtures denied, and a
// fail fixture is denied by the check its file name names or by the check
// overriding it. Skipped when the module source is not in the cache.
func TestPSSAllVersions(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Skip("go env:", err)
	}
	root := filepath.Join(strings.TrimSpace(string(out)), "k8s.io", "pod-security-admission@v0.37.2", "test", "testdata")
	if _, err := os.Stat(root); err != nil {
		t.Skip("pod-security-admission test data not in the module cache:", err)
	}
	n := 0
	for _, level := range []string{"baseline", "restricted"} {
		versions, err := os.ReadDir(filepath.Join(root, level))
		require.NoError(t, err)
		for _, v := range versions {
			for _, verdict := range []string{"pass", "fail"} {
				files, _ := filepath.Glob(filepath.Join(root, level, v.Name(), verdict, "*.yaml"))
				for _, file := range files {
					data, err := os.ReadFile(file)
					require.NoError(t, err)
					reports, errs := Scan(file, data, Options{PSSVersion: v.Name()})
					require.Empty(t, errs, file)
					require.Len(t, reports, 1, file)
					id := "manifest/PSSBaseline"
					if level == "restricted" {
						id = "manifest/PSSRestricted"
					}
					fails := byRule(&reports[0], id, false)
					assert.Equal(t, verdict == "pass", len(fails) == 0, "%s: %v", file, fails)
					if verdict == "fail" && !strings.HasPrefix(filepath.Base(file), "base") {
						// the check the file is named after (or the
						// restricted check overriding it) denies it
						named := strings.TrimRight(strings.TrimSuffix(filepath.Base(file), ".yaml"), "0123456789")
						accept := []string{named, overriddenBy[named]}
						found := false
						for _, f := range fails {
							check := f.Refs[0][strings.LastIndexByte(f.Refs[0], ' ')+1:]
							found = found || slices.Contains(accept, strings.ToLower(check))
						}
						assert.True(t, found, "%s: not denied by %s: %v", file, named, fails)
					}
					n++
				}
			}
		}
	}
	assert.Equal(t, 4537, n)
}

var overriddenBy = map[string]string{"capabilities_baseline": "capabilities_restricted", "hostpathvolumes": "restrictedvolumes",
	"procmount": "procmount_restricted", "seccompprofile_baseline": "seccompprofile_restricted"}

func TestPSSOptions(t *testing.T) {
	doc := pod(`"hostNetwork":true,"containers":[{"name":"c","image":"x:1"}]`)
	sev := func(opts Options, id string) []kubeharden.Severity {
		reports, errs := Scan("p.yaml", []byte(doc), opts)
		require.Empty(t, errs)
		var out []kubeharden.Severity
		for _, f := range byRule(&reports[0], id, false) {
			out = append(out, f.Severity)
		}
		return out
	}
	assert.Equal(t, []kubeharden.Severity{kubeharden.SeverityLow}, sev(Options{}, "manifest/PSSBaseline"))
	assert.Equal(t, []kubeharden.Severity{kubeharden.SeverityHigh}, sev(Options{PSSLevel: "baseline"}, "manifest/PSSBaseline"))
	for _, s := range sev(Options{PSSLevel: "baseline"}, "manifest/PSSRestricted") {
		assert.Equal(t, kubeharden.SeverityInfo, s, "baseline does not enforce restricted")
	}
	for _, s := range sev(Options{PSSLevel: "restricted"}, "manifest/PSSRestricted") {
		assert.Equal(t, kubeharden.SeverityHigh, s)
	}
	// An enforced finding fails a FailOn-high gate.
	reports, _ := Scan("p.yaml", []byte(doc), Options{PSSLevel: "restricted"})
	high := kubeharden.SeverityHigh
	assert.NotEmpty(t, kubeharden.Policy{FailOn: &high}.Violations(&reports[0]))

	_, errs := Scan("p.yaml", []byte(doc), Options{PSSLevel: "strict"})
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrInvalidPSS)
	_, errs = Scan("p.yaml", []byte(doc), Options{PSSVersion: "2.0x"})
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrInvalidPSS)
	assert.NoError(t, Options{PSSLevel: "restricted", PSSVersion: "1.25"}.Validate())
	assert.ErrorIs(t, Options{PSSVersion: "latest-ish"}.Validate(), ErrInvalidPSS)
}

// At v1.25 restricted has no procMount_restricted and baseline procMount
// still runs; at v1.34 hostProbesAndHostLifecycle appears.
func TestPSSVersionSelection(t *testing.T) {
	spec := &corev1.PodSpec{Containers: []corev1.Container{{Name: "c", LivenessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
		TCPSocket: &corev1.TCPSocketAction{Host: "10.0.0.1"}}}}}}
	res, err := EvaluatePSS(nil, spec, "v1.33")
	require.NoError(t, err)
	assert.True(t, res[0].Allowed)
	res, err = EvaluatePSS(nil, spec, "v1.34")
	require.NoError(t, err)
	require.False(t, res[0].Allowed)
	assert.Equal(t, "hostProbesAndHostLifecycle", res[0].Denials[0].Check)
	assert.Equal(t, "v1.34", res[0].Version)
	assert.Len(t, pssTable().restricted[25], 14)
	assert.Len(t, pssTable().restricted[37], 15)
	assert.Len(t, pssTable().baseline[37], 12)
}

func TestUnsafeSysctlVersion(t *testing.T) {
	doc := pod(`"securityContext":{"sysctls":[{"name":"net.ipv4.tcp_notsent_lowat","value":"1"},{"name":"net/ipv4/tcp_rmem","value":"1"}]},` + ctrs(`{}`))
	count := func(version string) int {
		reports, errs := Scan("p.yaml", []byte(doc), Options{PSSVersion: version})
		require.Empty(t, errs)
		return len(byRule(&reports[0], "manifest/UnsafeSysctl", false))
	}
	assert.Equal(t, 0, count(""))
	assert.Equal(t, 1, count("v1.36"))
	assert.Equal(t, 2, count("v1.31"))
}
