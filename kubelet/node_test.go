package kubelet

import (
	"io/fs"
	"os"
	"testing"
	"testing/fstest"

	"github.com/kubeharden/kubeharden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func failedIDs(r kubeharden.Report) []string {
	var out []string
	for _, f := range r.Findings {
		if !f.Passed {
			out = append(out, f.RuleID)
		}
	}
	return out
}

func TestHardenedNodeLayout(t *testing.T) {
	fsys := os.DirFS("testdata/nodes/hardened")
	n, err := LoadNode(fsys, NodeOptions{})
	require.NoError(t, err)
	assert.Equal(t, "v1.33.4", n.KubeletVersion, "read from /var/lib/dpkg/status")
	assert.Equal(t, ModeConfigFile, n.Effective.Mode)
	assert.Equal(t, "/var/lib/kubelet/config.yaml", n.Effective.ConfigFile)
	r := n.Report(NodeOptions{})
	assert.Empty(t, failedIDs(r))
	assert.Empty(t, r.Errors)
	assert.Equal(t, "/usr/lib/systemd/system/kubelet.service", r.Source)
	assert.Equal(t, 0, r.Score)
}

func TestInsecureNodeLayout(t *testing.T) {
	r, err := AssessNode(os.DirFS("testdata/nodes/insecure"), NodeOptions{})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{
		"kubelet/CaseVariantKey", // makeIPTablesUtilchains is ignored by the kubelet
		"kubelet/AnonymousAuth", "kubelet/AuthorizationMode", "kubelet/ClientCAFile", "kubelet/ReadOnlyPort",
		"kubelet/HostnameOverride", "kubelet/TLSCertificate", "kubelet/RotateCertificates", "kubelet/RotateServerCertificates",
		"kubelet/TLSCipherSuites", "kubelet/PodPidsLimit", "kubelet/SeccompDefault",
	}, failedIDs(r))
	authz := findingOf(t, r.Findings, "kubelet/AuthorizationMode")
	assert.Contains(t, authz.Message, "--authorization-mode AlwaysAllow from $KUBELET_EXTRA_ARGS set in /etc/default/kubelet:2")
	assert.Equal(t, kubeharden.Position{File: "/etc/default/kubelet", Line: 2}, authz.Position)
	// the file's streamingConnectionIdleTimeout: 0s is re-defaulted to 4h
	assert.True(t, findingOf(t, r.Findings, "kubelet/StreamingConnectionIdleTimeout").Passed)
	assert.Equal(t, -30, r.Score)
}

func TestFlagsOnlyNodeLayout(t *testing.T) {
	n, err := LoadNode(os.DirFS("testdata/nodes/flagsonly"), NodeOptions{})
	require.NoError(t, err)
	assert.Equal(t, ModeFlagsOnly, n.Effective.Mode)
	r := n.Report(NodeOptions{})
	// ${KUBELET_ARGS} is substituted as one word, so "--seccomp-default
	// --feature-gates=..." is a single (invalid) flag: the kubelet refuses
	// it and seccompDefault stays false.
	assert.ElementsMatch(t, []string{"kubelet/InvalidCommandLine", "kubelet/AnonymousAuth", "kubelet/AuthorizationMode",
		"kubelet/ReadOnlyPort", "kubelet/RotateCertificates", "kubelet/TLSCipherSuites", "kubelet/SeccompDefault"}, failedIDs(r))
	assert.True(t, findingOf(t, r.Findings, "kubelet/PodPidsLimit").Passed)
}

func TestConfigDirNodeLayout(t *testing.T) {
	n, err := LoadNode(os.DirFS("testdata/nodes/configdir"), NodeOptions{})
	require.NoError(t, err)
	e := n.Effective
	assert.Equal(t, []string{"/etc/kubernetes/kubelet.conf.d/10-base.conf", "/etc/kubernetes/kubelet.conf.d/50-site/00-gates.conf", "/etc/kubernetes/kubelet.conf.d/90-override.conf"}, e.DropIns)
	assert.Equal(t, int64(0), e.Get("readOnlyPort").V)
	assert.Equal(t, int64(0), e.Get("podPidsLimit").V)
	assert.True(t, e.Gate("RotateKubeletServerCertificate", false).Enabled)
	assert.True(t, e.Gate("SomeOtherGate", false).Enabled)
}

func TestNodeWithoutUnitFallsBackToKubeadmConfig(t *testing.T) {
	fsys := fstest.MapFS{"var/lib/kubelet/config.yaml": {Data: []byte(cfgHeader)}}
	n, err := LoadNode(fsys, NodeOptions{})
	require.NoError(t, err)
	require.Len(t, n.Errors, 1)
	assert.ErrorIs(t, &n.Errors[0], ErrNoUnit)
	assert.Equal(t, ModeConfigFile, n.Effective.Mode)

	_, err = AssessNode(fstest.MapFS{}, NodeOptions{})
	assert.ErrorIs(t, err, ErrNoUnit)
}

func TestNodeOptionsArgv(t *testing.T) {
	fsys := fstest.MapFS{"cfg.yaml": {Data: []byte(cfgHeader + "readOnlyPort: 10255\n")}}
	r, err := AssessNode(fsys, NodeOptions{Argv: []string{"kubelet", "--config=/cfg.yaml", "--kubeconfig=/kc"}})
	require.NoError(t, err)
	assert.False(t, findingOf(t, r.Findings, "kubelet/ReadOnlyPort").Passed)
	assert.Equal(t, "kubelet", r.Source)
}

// CIS 4.1: pass and fail per check from given modes and owners; absent
// inputs (no file) are not applicable; missing metadata cannot be judged.
func TestCIS41FileChecks(t *testing.T) {
	fsys := os.DirFS("testdata/nodes/hardened")
	good := FileInfo{Mode: 0o600}
	files := map[string]FileInfo{
		"/usr/lib/systemd/system/kubelet.service":                   {Mode: 0o644},
		"/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf": good,
		"/etc/kubernetes/kubelet.conf":                              {Mode: 0o600, UID: 1000, GID: 0},
		"/etc/kubernetes/pki/ca.crt":                                {Mode: 0o644},
		"/var/lib/kubelet/config.yaml":                              {Mode: 0o400},
	}
	r, err := AssessNode(fsys, NodeOptions{Files: files})
	require.NoError(t, err)
	byPath := map[string]map[string]bool{}
	for _, f := range r.Findings {
		if f.Refs == nil || f.Refs[0] >= "CIS 4.2" {
			continue
		}
		if byPath[f.RuleID] == nil {
			byPath[f.RuleID] = map[string]bool{}
		}
		byPath[f.RuleID][f.Path] = f.Passed
	}
	assert.Equal(t, map[string]map[string]bool{
		"kubelet/ServiceFilePermissions":     {"/usr/lib/systemd/system/kubelet.service": false, "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf": true},
		"kubelet/ServiceFileOwnership":       {"/usr/lib/systemd/system/kubelet.service": true, "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf": true},
		"kubelet/ProxyKubeconfigPermissions": {"": true},
		"kubelet/ProxyKubeconfigOwnership":   {"": true},
		"kubelet/KubeconfigPermissions":      {"/etc/kubernetes/kubelet.conf": true},
		"kubelet/KubeconfigOwnership":        {"/etc/kubernetes/kubelet.conf": false},
		"kubelet/ClientCAFilePermissions":    {"/etc/kubernetes/pki/ca.crt": true},
		"kubelet/ClientCAFileOwnership":      {"/etc/kubernetes/pki/ca.crt": true},
		"kubelet/ConfigFilePermissions":      {"/var/lib/kubelet/config.yaml": true},
		"kubelet/ConfigFileOwnership":        {"/var/lib/kubelet/config.yaml": true},
	}, byPath)
	f := findingOf(t, r.Findings, "kubelet/KubeconfigOwnership")
	assert.Equal(t, "chown root:root /etc/kubernetes/kubelet.conf", f.Fix)

	// missing metadata: informational "cannot evaluate"; a present proxy kubeconfig is checked
	files = map[string]FileInfo{"/var/lib/kube-proxy/kubeconfig": {Mode: 0o666}}
	r, err = AssessNode(fsys, NodeOptions{Files: files})
	require.NoError(t, err)
	var sawCannot bool
	for _, f := range r.Findings {
		if f.RuleID == "kubelet/ConfigFilePermissions" {
			assert.False(t, f.Passed)
			assert.Equal(t, kubeharden.SeverityInfo, f.Severity)
			sawCannot = true
		}
	}
	assert.True(t, sawCannot)
	assert.False(t, findingOf(t, r.Findings, "kubelet/ProxyKubeconfigPermissions").Passed)
	assert.Equal(t, "chmod 600 /var/lib/kube-proxy/kubeconfig", findingOf(t, r.Findings, "kubelet/ProxyKubeconfigPermissions").Fix)

	// without Files the 4.1 checks do not run
	r, err = AssessNode(fsys, NodeOptions{})
	require.NoError(t, err)
	assert.False(t, hasRule(r.Findings, "kubelet/ConfigFilePermissions"))
}

func TestRelativeClientCAResolvesAgainstConfigDir(t *testing.T) {
	fsys := fstest.MapFS{"etc/kubelet/config.yaml": {Data: []byte(cfgHeader + "authentication:\n  x509:\n    clientCAFile: pki/ca.crt\n")}}
	files := map[string]FileInfo{"/etc/kubelet/pki/ca.crt": {Mode: 0o644}}
	r, err := AssessNode(fsys, NodeOptions{Argv: []string{"kubelet", "--config=/etc/kubelet/config.yaml"}, Files: files})
	require.NoError(t, err)
	f := findingOf(t, r.Findings, "kubelet/ClientCAFilePermissions")
	assert.True(t, f.Passed, f.Message)
	assert.Equal(t, "/etc/kubelet/pki/ca.crt", f.Path)
}

func TestScanAndDetect(t *testing.T) {
	data, err := os.ReadFile("testdata/nodes/insecure/var/lib/kubelet/config.yaml")
	require.NoError(t, err)
	assert.True(t, Detect("config.yaml", data))
	assert.False(t, Detect("pod.yaml", []byte("apiVersion: v1\nkind: Pod\n")))
	assert.False(t, Detect("x", []byte("kind: KubeletConfiguration\napiVersion: other.io/v1\n")))
	reports, err := Scan("config.yaml", data, Options{})
	require.NoError(t, err)
	require.Len(t, reports, 1)
	r := reports[0]
	assert.Equal(t, "KubeletConfiguration", r.Kind)
	assert.False(t, findingOf(t, r.Findings, "kubelet/AnonymousAuth").Passed)
	assert.True(t, findingOf(t, r.Findings, "kubelet/ReadOnlyPort").Passed, "alone, the file's readOnlyPort: 0 is in effect")
	assert.Equal(t, kubeharden.Position{File: "config.yaml", Line: 5, Column: 5, Exact: true}, findingOf(t, r.Findings, "kubelet/AnonymousAuth").Position)

	for name, in := range map[string]string{
		"empty":      "",
		"wrong kind": "apiVersion: v1\nkind: ConfigMap\n",
		"wrong type": cfgHeader + "readOnlyPort: \"ten\"\n",
		"bad dur":    cfgHeader + "streamingConnectionIdleTimeout: 4d\n",
		"two docs":   cfgHeader + "---\n" + cfgHeader,
		"bad utf8":   cfgHeader + "tlsCertFile: \"\xff\"\n",
	} {
		_, err := Scan("bad.yaml", []byte(in), Options{})
		var ie *kubeharden.InputError
		require.ErrorAs(t, err, &ie, name)
		assert.Equal(t, "bad.yaml", ie.Source, name)
	}
}

var _ fs.FS = fstest.MapFS{}

// CIS 4.1 on a kubelet without --config, --kubeconfig or a client CA:
// those file checks are not applicable and pass.
func TestCIS41AbsentFilesAreNotApplicable(t *testing.T) {
	fsys := fstest.MapFS{"etc/systemd/system/kubelet.service": {Data: []byte("[Service]\nExecStart=/usr/bin/kubelet --read-only-port=0\n")}}
	r, err := AssessNode(fsys, NodeOptions{Files: map[string]FileInfo{"/etc/systemd/system/kubelet.service": {Mode: 0o600}}})
	require.NoError(t, err)
	for _, id := range []string{"kubelet/KubeconfigPermissions", "kubelet/KubeconfigOwnership", "kubelet/ClientCAFilePermissions",
		"kubelet/ClientCAFileOwnership", "kubelet/ConfigFilePermissions", "kubelet/ConfigFileOwnership", "kubelet/ServiceFilePermissions"} {
		f := findingOf(t, r.Findings, id)
		assert.True(t, f.Passed, "%s: %s", id, f.Message)
	}
	assert.Contains(t, findingOf(t, r.Findings, "kubelet/ConfigFilePermissions").Message, "not applicable")
}

func TestInstalledVersion(t *testing.T) {
	mk := func(s string) fstest.MapFS { return fstest.MapFS{"var/lib/dpkg/status": {Data: []byte(s)}} }
	assert.Equal(t, "v1.32.1", InstalledVersion(mk("Package: kubelet\nStatus: install ok installed\nVersion: 1:1.32.1-1.1\n")))
	assert.Equal(t, "", InstalledVersion(mk("Package: kubelet\nStatus: deinstall ok config-files\nVersion: 1.30.0-1.1\n\nPackage: kubectl\nStatus: install ok installed\nVersion: 1.33.0-1.1\n")))
	assert.Equal(t, "", InstalledVersion(fstest.MapFS{}))
}
