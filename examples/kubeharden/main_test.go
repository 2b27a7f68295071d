package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubeharden/kubeharden/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

const privilegedPod = `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    image: nginx:1.27
    securityContext:
      privileged: true
`

const plainPod = `apiVersion: v1
kind: Pod
metadata:
  name: plain
spec:
  containers:
  - name: c
    image: nginx:1.27
`

const cleanPod = `apiVersion: v1
kind: Pod
metadata:
  name: ok
spec:
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 20000
    runAsGroup: 20000
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: c
    image: nginx:1.27
    securityContext:
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      capabilities: {drop: [ALL]}
`

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
	}{
		{"no command", "", nil, exitUsage},
		{"unknown command", "", []string{"frobnicate"}, exitUsage},
		{"no path", "", []string{"scan"}, exitUsage},
		{"bad format", "", []string{"scan", "--format", "yaml", "-"}, exitUsage},
		{"bad severity", "", []string{"scan", "--fail-on", "severe", "-"}, exitUsage},
		{"unknown rule pattern", "", []string{"scan", "--disable", "manifest/NoSuchRule", "-"}, exitUsage},
		{"missing file", "", []string{"scan", "/does/not/exist.yaml"}, exitUsage},
		{"privileged fails the default policy", privilegedPod, []string{"scan", "-"}, exitPolicy},
		{"fail-on none passes", privilegedPod, []string{"scan", "--fail-on", "none", "-"}, exitClean},
		{"flags after the path", privilegedPod, []string{"scan", "-", "--fail-on", "none"}, exitClean},
		{"disabling the rule passes", privilegedPod, []string{"scan", "--disable", "manifest/PrivilegedContainer", "--fail-on", "critical", "-"}, exitClean},
		{"min-score fails", cleanPod, []string{"scan", "--fail-on", "none", "--min-score", "100", "-"}, exitPolicy},
		{"clean pod passes", cleanPod, []string{"scan", "--fail-on", "high", "-"}, exitClean},
		{"unparseable document is an input error", "kind: Pod\nspec: [\n", []string{"scan", "--fail-on", "none", "-"}, exitUsage},
		{"version", "", []string{"version"}, exitClean},
		{"pss restricted fails a plain pod", plainPod, []string{"scan", "--pss", "restricted", "-"}, exitPolicy},
		{"pss baseline admits a plain pod", plainPod, []string{"scan", "--pss", "baseline", "-"}, exitClean},
		{"a hardened pod meets restricted", cleanPod, []string{"scan", "--pss", "restricted", "-"}, exitClean},
		{"unknown pss level", "", []string{"scan", "--pss", "bogus", "-"}, exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.stdin, tt.args...)
			assert.Equal(t, tt.code, code, stderr)
		})
	}
}

func TestScanSamplesAllFormats(t *testing.T) {
	dir := filepath.Join("..", "testdata")
	for _, f := range []string{"text", "json", "kubesec", "sarif", "junit", "patch"} {
		code, out, stderr := runCLI(t, "", "scan", "--format", f, "--color", "never", "--fail-on", "none", dir)
		assert.Equal(t, exitClean, code, "the README's first command succeeds: %s", stderr)
		assert.NotEmpty(t, out, f)
	}
	code, out, _ := runCLI(t, "", "scan", "--format", "json", dir)
	require.Equal(t, exitPolicy, code, "the insecure samples fail the default policy")
	var got struct {
		Reports []struct {
			Source, Object string
			Score          int
		}
		Errors []struct {
			Source   string
			Document int
			Line     int
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	kinds := map[string]bool{}
	for _, r := range got.Reports {
		kinds[filepath.Ext(r.Source)] = true
		if r.Object == "Deployment/legacy-billing.payments" {
			assert.Less(t, r.Score, -50)
		}
		if r.Object == "Deployment/storefront.shop" {
			assert.Greater(t, r.Score, 10)
		}
	}
	assert.True(t, kinds[".yaml"] && kinds[".json"] && kinds[".apparmor"] && kinds[""], "manifests, seccomp, AppArmor and the Dockerfile are all scanned: %v", kinds)
	assert.Empty(t, got.Errors)
}

func TestBadDocumentDoesNotStopTheRest(t *testing.T) {
	in := privilegedPod + "---\nkind: [broken\n---\n" + cleanPod
	code, out, _ := runCLI(t, in, "scan", "--format", "json", "--fail-on", "none", "-")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, out, `"Pod/p.default"`)
	assert.Contains(t, out, `"Pod/ok.default"`)
	assert.Contains(t, out, `"document": 1`)
}

func TestCompatKubesec(t *testing.T) {
	code, out, stderr := runCLI(t, privilegedPod, "scan", "--compat", "kubesec", "--format", "kubesec", "--fail-on", "none", "-")
	require.Equal(t, exitClean, code, stderr)
	var got []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Len(t, got, 1)
	assert.Equal(t, "Pod/p.default", got[0]["object"])
	assert.Equal(t, "STDIN", got[0]["fileName"])
	crit := got[0]["scoring"].(map[string]any)["critical"].([]any)
	assert.Equal(t, "Privileged", crit[0].(map[string]any)["id"])
}

func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pod.yaml"), []byte(privilegedPod), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, ConfigFileName), []byte("failOn: critical\nrules:\n  disable: [manifest/PrivilegedContainer]\n"), 0o644))
	code, out, stderr := runCLI(t, "", "scan", dir)
	assert.Equal(t, exitClean, code, stderr)
	assert.NotContains(t, out, "PrivilegedContainer")
	// --no-config ignores it.
	code, _, _ = runCLI(t, "", "scan", "--no-config", dir)
	assert.Equal(t, exitPolicy, code)
	// A misspelt key is an error, not a silently weaker gate.
	require.NoError(t, os.WriteFile(filepath.Join(dir, ConfigFileName), []byte("failon: critical\n"), 0o644))
	code, _, stderr = runCLI(t, "", "scan", dir)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "failon")
}

func TestInputsAreNotModified(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "pod.yaml")
	require.NoError(t, os.WriteFile(p, []byte(privilegedPod), 0o644))
	before, _ := os.Stat(p)
	runCLI(t, "", "scan", "--format", "patch", dir)
	after, _ := os.Stat(p)
	data, _ := os.ReadFile(p)
	assert.Equal(t, privilegedPod, string(data))
	assert.Equal(t, before.ModTime(), after.ModTime())
}

func TestRulesCommand(t *testing.T) {
	code, out, _ := runCLI(t, "", "rules")
	require.Equal(t, exitClean, code)
	for _, pkg := range []string{"manifest/", "kubelet/", "apiserver/", "netpol/", "seccomp/", "apparmor/", "audit/", "image/"} {
		assert.Contains(t, out, pkg)
	}
	code, out, _ = runCLI(t, "", "rules", "--format", "json")
	require.Equal(t, exitClean, code)
	var rules []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rules))
	ids := map[string]bool{}
	for _, r := range rules {
		id := r["id"].(string)
		assert.False(t, ids[id], "duplicate rule ID %s", id)
		ids[id] = true
	}
}

// The rule reference in docs/rules.md is generated from the catalogues;
// regenerate with: go run ./examples/kubeharden rules --format markdown > docs/rules.md
func TestRuleReferenceUpToDate(t *testing.T) {
	code, out, _ := runCLI(t, "", "rules", "--format", "markdown")
	require.Equal(t, exitClean, code)
	want, err := os.ReadFile(filepath.Join("..", "..", "docs", "rules.md"))
	require.NoError(t, err)
	if line, w, g := firstDiff(string(want), out); line > 0 {
		t.Fatalf("docs/rules.md is stale (first difference at line %d: have %q, want %q); regenerate with: go run ./examples/kubeharden rules --format markdown > docs/rules.md", line, w, g)
	}
}

func TestRuleMatches(t *testing.T) {
	assert.True(t, ruleMatches("manifest/HostPort", "manifest/HostPort"))
	assert.True(t, ruleMatches("manifest/*", "manifest/HostPort"))
	assert.True(t, ruleMatches("manifest", "manifest/HostPort"))
	assert.True(t, ruleMatches("manifest/Host*", "manifest/HostPort"))
	assert.False(t, ruleMatches("manifest/Host", "manifest/HostPort"))
	assert.False(t, ruleMatches("kubelet", "manifest/HostPort"))
}

func TestNetpolAndAuditCommands(t *testing.T) {
	dir := t.TempDir()
	np := `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: nginx:1.27, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop, labels: {app: client}}
spec: {containers: [{name: c, image: curl:8}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: client}}}]
    ports: [{port: 80}]
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "np.yaml"), []byte(np), 0o644))
	code, out, stderr := runCLI(t, "", "netpol", "eval", "--from", "shop/client", "--to", "shop/web", "--port", "80/TCP", dir)
	assert.Equal(t, exitClean, code, stderr)
	assert.Contains(t, out, "allowed")
	code, out, _ = runCLI(t, "", "netpol", "eval", "--from", "shop/client", "--to", "shop/web", "--port", "81/TCP", dir)
	assert.Equal(t, exitPolicy, code)
	assert.Contains(t, out, "denied")
	code, out, stderr = runCLI(t, "", "netpol", "matrix", "--format", "csv", dir)
	assert.Equal(t, exitClean, code, stderr)
	assert.Contains(t, out, "shop/client")

	policy := "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "audit.yaml"), []byte(policy), 0o644))
	code, out, stderr = runCLI(t, "", "audit", "coverage", filepath.Join(dir, "audit.yaml"))
	assert.Equal(t, exitClean, code, stderr)
	assert.Contains(t, out, "Metadata")
}

func TestVerifyCommand(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "kubectl")
	require.NoError(t, os.WriteFile(bin, []byte("binary"), 0o755))
	// sha512 of "binary"
	sum := "6a0d84ba3bbca6c3d47e42fc5f0e2e1b8d7d6f5c1e8f8b1b0f1a5a0e6c5f4e0b1d3b2b3f9f2a5c8e2d1a0f7e6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "SUMS"), []byte(sum+"  kubectl\n"), 0o644))
	code, out, _ := runCLI(t, "", "verify", "--sums", filepath.Join(dir, "SUMS"), bin)
	assert.Equal(t, exitPolicy, code, "a wrong digest fails")
	assert.NotEmpty(t, out)
}

// The CLI in kubesec-compatible mode prints kubesec's exact bytes for every
// golden file of the kubesec corpus.
func TestKubesecCorpusThroughCLI(t *testing.T) {
	dir := testutil.SharedDir(t, "corpus", "kubesec")
	wd, err := os.Getwd()
	require.NoError(t, err)
	require.NoError(t, os.Chdir(dir))
	defer func() { require.NoError(t, os.Chdir(wd)) }()
	var golden []string
	require.NoError(t, filepath.WalkDir("expected-json", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			golden = append(golden, p)
		}
		return err
	}))
	require.NotEmpty(t, golden)
	for _, g := range golden {
		src := strings.TrimSuffix(strings.TrimPrefix(g, "expected-json"+string(filepath.Separator)), ".json")
		want, err := os.ReadFile(g)
		require.NoError(t, err)
		_, out, _ := runCLI(t, "", "scan", "--compat", "kubesec", "--format", "kubesec", "--fail-on", "none", "--no-config", src)
		if line, w, g := firstDiff(string(want), out); line > 0 {
			t.Errorf("%s: output differs from kubesec's at line %d: have %q, want %q", src, line, g, w)
		}
	}
}

// firstDiff returns the first differing line (1-based) of two texts, or 0.
func firstDiff(want, got string) (line int, w, g string) {
	if want == got {
		return 0, "", ""
	}
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; ; i++ {
		w, g = "", ""
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g || (i >= len(wl) && i >= len(gl)) {
			return i + 1, w, g
		}
	}
}

func TestLocalhostSeccompProfileAnalysedForItsContainer(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "profiles"), 0o755))
	pod := `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  securityContext:
    seccompProfile: {type: Localhost, localhostProfile: profiles/allow-all.json}
  containers:
  - name: app
    image: nginx:1.27
  - name: side
    image: nginx:1.27
    securityContext:
      seccompProfile: {type: RuntimeDefault}
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pod.yaml"), []byte(pod), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "profiles", "allow-all.json"), []byte(`{"defaultAction":"SCMP_ACT_ALLOW"}`), 0o644))
	_, out, stderr := runCLI(t, "", "scan", "--format", "json", "--fail-on", "none", dir)
	var got struct {
		Reports []struct {
			Source, Object string
			Findings       []struct {
				Rule   string
				Passed bool
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got), stderr)
	var linked []string
	for _, r := range got.Reports {
		if strings.Contains(r.Object, `container "`) {
			linked = append(linked, r.Object)
			assert.True(t, strings.HasSuffix(r.Source, "pod.yaml"))
			failed := false
			for _, f := range r.Findings {
				failed = failed || (!f.Passed && strings.HasPrefix(f.Rule, "seccomp/"))
			}
			assert.True(t, failed, "the allow-all profile fails for %s", r.Object)
		}
	}
	require.Len(t, linked, 1, "only the container that uses the Localhost profile: %v", linked)
	assert.Contains(t, linked[0], `container "app"`)
}

func TestRBACSubjectsAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	role := `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: secret-reader, namespace: shop}
rules:
- apiGroups: [""]
  resources: [secrets]
  verbs: [get, list]
`
	binding := `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ci-reads-secrets, namespace: shop}
subjects:
- kind: ServiceAccount
  name: ci
  namespace: shop
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: secret-reader}
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "role.yaml"), []byte(role), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "binding.yaml"), []byte(binding), 0o644))
	_, out, stderr := runCLI(t, "", "scan", "--format", "json", "--fail-on", "none", dir)
	var got struct {
		Reports []struct {
			Object, Kind string
			Findings     []struct {
				Rule    string
				Passed  bool
				Message string
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got), stderr)
	var subject bool
	for _, r := range got.Reports {
		if strings.Contains(r.Object, "ci") && r.Kind == "RBACSubject" {
			subject = true
			var secrets bool
			for _, f := range r.Findings {
				secrets = secrets || (!f.Passed && f.Rule == "manifest/BindingGrantsRiskyPermission" && strings.Contains(f.Message, "RBACSecretsRead"))
			}
			assert.True(t, secrets, "the service account reads secrets through the binding in another file")
		}
	}
	assert.True(t, subject, "a report for the subject: %s", out)
}

func TestImagePolicyFromConfigAndFlags(t *testing.T) {
	dir := t.TempDir()
	pod := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: ok
    image: registry.example.com/team/app@sha256:4b0f4b2f0e4c8a6b7d9e2f1a3c5b7d9e1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e
  - name: bad
    image: registry.example.com.evil.io/team/app:1.0
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pod.yaml"), []byte(pod), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM docker.io/library/alpine:3.20\nUSER 10001\n"), 0o644))
	find := func(out string) map[string][]string {
		var got struct {
			Reports []struct {
				Findings []struct {
					Rule, Path string
					Passed     bool
				}
			}
		}
		require.NoError(t, json.Unmarshal([]byte(out), &got))
		m := map[string][]string{}
		for _, r := range got.Reports {
			for _, f := range r.Findings {
				if !f.Passed && strings.Contains(f.Rule, "UntrustedRegistry") || (!f.Passed && f.Rule == "image/ImageNotDigestPinned") {
					m[f.Rule] = append(m[f.Rule], f.Path)
				}
			}
		}
		return m
	}
	// No policy: no registry findings.
	_, out, _ := runCLI(t, "", "scan", "--format", "json", "--fail-on", "none", "--no-config", dir)
	assert.Empty(t, find(out))
	// Flags.
	_, out, _ = runCLI(t, "", "scan", "--format", "json", "--fail-on", "none", "--no-config", "--allowed-registries", "registry.example.com/team", "--require-digest", dir)
	got := find(out)
	assert.Equal(t, []string{"spec.containers[1].image"}, got["image/UntrustedRegistry"], "prefix matching on / boundaries refuses the look-alike host")
	assert.Equal(t, []string{"spec.containers[1].image"}, got["image/ImageNotDigestPinned"])
	assert.NotEmpty(t, got["image/DockerfileUntrustedRegistry"], "the Dockerfile base is judged by the same policy")
	// Config file.
	require.NoError(t, os.WriteFile(filepath.Join(dir, ConfigFileName), []byte("image:\n  allowedRegistries: [registry.example.com/team]\n"), 0o644))
	_, out, _ = runCLI(t, "", "scan", "--format", "json", "--fail-on", "none", dir)
	got = find(out)
	assert.Equal(t, []string{"spec.containers[1].image"}, got["image/UntrustedRegistry"])
	assert.Empty(t, got["image/ImageNotDigestPinned"])
}

func TestTrivyReportGated(t *testing.T) {
	dir := t.TempDir()
	rep := `{"SchemaVersion": 2, "ArtifactName": "registry.example.com/app:1.0", "ArtifactType": "container_image",
 "Metadata": {"RepoDigests": ["registry.example.com/app@sha256:4b0f4b2f0e4c8a6b7d9e2f1a3c5b7d9e1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e"]},
 "Results": [{"Target": "app", "Class": "os-pkgs", "Type": "debian", "Vulnerabilities": [
  {"VulnerabilityID": "CVE-2024-0001", "PkgName": "openssl", "InstalledVersion": "3.0.1", "FixedVersion": "3.0.2", "Status": "fixed", "Severity": "CRITICAL"},
  {"VulnerabilityID": "CVE-2024-0002", "PkgName": "zlib", "InstalledVersion": "1.2", "Status": "affected", "Severity": "HIGH"}]}]}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "trivy.json"), []byte(rep), 0o644))
	code, out, stderr := runCLI(t, "", "scan", "--format", "json", "--no-config", filepath.Join(dir, "trivy.json"))
	assert.Equal(t, exitPolicy, code, stderr)
	assert.Contains(t, out, "CVE-2024-0001")
	// Allow-list the fixed one and ignore unfixed ones: the gate passes.
	cfg := "trivy:\n  ignoreUnfixed: true\n  allow:\n  - id: CVE-2024-0001\n    expires: 2099-01-01\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, ConfigFileName), []byte(cfg), 0o644))
	code, _, stderr = runCLI(t, "", "scan", "--format", "json", filepath.Join(dir, "trivy.json"))
	assert.Equal(t, exitClean, code, stderr)
}
