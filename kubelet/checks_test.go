package kubelet

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const strongList = "[TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]"

// TestCIS42 covers every 4.2 check with a passing input, a failing input
// and the absent-with-default case (in both modes where the defaults
// differ). Expected verdicts follow cis.md section 2.6 ("effective if absent").
func TestCIS42(t *testing.T) {
	type tc struct {
		name string
		e    func(t *testing.T) *Effective
		rule string
		pass bool
		msg  string // substring of the message
	}
	cases := []tc{
		// 4.2.1
		{"anon file false", func(t *testing.T) *Effective {
			return withConfig(t, "authentication:\n  anonymous:\n    enabled: false\n")
		}, "kubelet/AnonymousAuth", true, cfgPath + " key authentication.anonymous.enabled"},
		{"anon file true", func(t *testing.T) *Effective {
			return withConfig(t, "authentication:\n  anonymous:\n    enabled: true\n")
		}, "kubelet/AnonymousAuth", false, "enabled=true"},
		{"anon flag true", func(t *testing.T) *Effective { return withConfig(t, "", "--anonymous-auth=true") }, "kubelet/AnonymousAuth", false, "flag --anonymous-auth=true"},
		{"anon absent config mode", func(t *testing.T) *Effective { return withConfig(t, "") }, "kubelet/AnonymousAuth", true, "default in config-file mode"},
		{"anon absent flags-only", func(t *testing.T) *Effective { return flagsOnly(t) }, "kubelet/AnonymousAuth", false, "default in flags-only mode"},
		// 4.2.2
		{"authz webhook", func(t *testing.T) *Effective { return withConfig(t, "authorization:\n  mode: Webhook\n") }, "kubelet/AuthorizationMode", true, "Webhook"},
		{"authz alwaysallow file", func(t *testing.T) *Effective { return withConfig(t, "authorization:\n  mode: AlwaysAllow\n") }, "kubelet/AuthorizationMode", false, "AlwaysAllow"},
		{"authz invalid", func(t *testing.T) *Effective { return withConfig(t, "authorization:\n  mode: RBAC\n") }, "kubelet/AuthorizationMode", false, "will not start"},
		{"authz empty string redefaulted", func(t *testing.T) *Effective { return withConfig(t, "authorization:\n  mode: \"\"\n") }, "kubelet/AuthorizationMode", true, "zero value replaced"},
		{"authz absent config mode", func(t *testing.T) *Effective { return withConfig(t, "") }, "kubelet/AuthorizationMode", true, "default in config-file mode"},
		{"authz absent flags-only", func(t *testing.T) *Effective { return flagsOnly(t) }, "kubelet/AuthorizationMode", false, "default in flags-only mode"},
		// 4.2.3
		{"client ca set", func(t *testing.T) *Effective {
			return withConfig(t, "authentication:\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n")
		}, "kubelet/ClientCAFile", true, "/etc/kubernetes/pki/ca.crt"},
		{"client ca flag", func(t *testing.T) *Effective { return flagsOnly(t, "--client-ca-file", "/ca.crt") }, "kubelet/ClientCAFile", true, "flag --client-ca-file /ca.crt"},
		{"client ca empty", func(t *testing.T) *Effective {
			return withConfig(t, "authentication:\n  x509:\n    clientCAFile: \"\"\n")
		}, "kubelet/ClientCAFile", false, "no client CA"},
		{"client ca absent", func(t *testing.T) *Effective { return withConfig(t, "") }, "kubelet/ClientCAFile", false, "default in config-file mode"},
		// 4.2.4
		{"ro port 0", func(t *testing.T) *Effective { return withConfig(t, "readOnlyPort: 0\n") }, "kubelet/ReadOnlyPort", true, "readOnlyPort=0"},
		{"ro port 10255", func(t *testing.T) *Effective { return withConfig(t, "readOnlyPort: 10255\n") }, "kubelet/ReadOnlyPort", false, "10255"},
		{"ro port absent config mode", func(t *testing.T) *Effective { return withConfig(t, "") }, "kubelet/ReadOnlyPort", true, "default in config-file mode"},
		{"ro port absent flags-only", func(t *testing.T) *Effective { return flagsOnly(t) }, "kubelet/ReadOnlyPort", false, "kube-bench passes"},
		// 4.2.5
		{"idle 5m", func(t *testing.T) *Effective { return withConfig(t, "streamingConnectionIdleTimeout: 5m\n") }, "kubelet/StreamingConnectionIdleTimeout", true, "5m0s"},
		{"idle 0 flag", func(t *testing.T) *Effective { return withConfig(t, "", "--streaming-connection-idle-timeout=0m0s") }, "kubelet/StreamingConnectionIdleTimeout", false, "never time out"},
		{"idle 0s in file re-defaulted", func(t *testing.T) *Effective { return withConfig(t, "streamingConnectionIdleTimeout: 0s\n") }, "kubelet/StreamingConnectionIdleTimeout", true, "4h0m0s"},
		{"idle absent", func(t *testing.T) *Effective { return flagsOnly(t) }, "kubelet/StreamingConnectionIdleTimeout", true, "4h0m0s"},
		// 4.2.6
		{"iptables true", func(t *testing.T) *Effective { return withConfig(t, "makeIPTablesUtilChains: true\n") }, "kubelet/MakeIPTablesUtilChains", true, "true"},
		{"iptables false", func(t *testing.T) *Effective { return withConfig(t, "makeIPTablesUtilChains: false\n") }, "kubelet/MakeIPTablesUtilChains", false, "false"},
		{"iptables absent", func(t *testing.T) *Effective { return withConfig(t, "") }, "kubelet/MakeIPTablesUtilChains", true, "default"},
		// 4.2.7
		{"hostname override set", func(t *testing.T) *Effective { return flagsOnly(t, "--hostname-override=node-a") }, "kubelet/HostnameOverride", false, "node-a"},
		{"hostname override empty", func(t *testing.T) *Effective { return flagsOnly(t, "--hostname-override=") }, "kubelet/HostnameOverride", true, "empty"},
		{"hostname override absent", func(t *testing.T) *Effective { return flagsOnly(t) }, "kubelet/HostnameOverride", true, "not set"},
		// 4.2.8
		{"qps 0 unlimited", func(t *testing.T) *Effective { return withConfig(t, "eventRecordQPS: 0\n") }, "kubelet/EventRecordQPS", true, "unlimited"},
		{"qps negative", func(t *testing.T) *Effective { return withConfig(t, "", "--event-qps=-1") }, "kubelet/EventRecordQPS", false, "invalid"},
		{"qps absent", func(t *testing.T) *Effective { return withConfig(t, "") }, "kubelet/EventRecordQPS", true, "50"},
		// 4.2.9
		{"tls both", func(t *testing.T) *Effective {
			return withConfig(t, "tlsCertFile: /a.crt\ntlsPrivateKeyFile: /a.key\n")
		}, "kubelet/TLSCertificate", true, "/a.key"},
		{"tls key missing", func(t *testing.T) *Effective { return withConfig(t, "tlsCertFile: /a.crt\n") }, "kubelet/TLSCertificate", false, "tlsPrivateKeyFile"},
		{"tls absent with bootstrap note", func(t *testing.T) *Effective { return withConfig(t, "serverTLSBootstrap: true\n") }, "kubelet/TLSCertificate", false, "serverTLSBootstrap is true"},
		// 4.2.10
		{"rotate true", func(t *testing.T) *Effective { return withConfig(t, "rotateCertificates: true\n") }, "kubelet/RotateCertificates", true, "on"},
		{"rotate flag false overrides file", func(t *testing.T) *Effective {
			return withConfig(t, "rotateCertificates: true\n", "--rotate-certificates=false")
		}, "kubelet/RotateCertificates", false, "flag --rotate-certificates=false"},
		{"rotate absent", func(t *testing.T) *Effective { return withConfig(t, "") }, "kubelet/RotateCertificates", false, "defaults to false"},
		// 4.2.11
		{"gate true", func(t *testing.T) *Effective {
			return withConfig(t, "featureGates:\n  RotateKubeletServerCertificate: true\n")
		}, "kubelet/RotateServerCertificates", true, "featureGates.RotateKubeletServerCertificate"},
		{"gate false flag", func(t *testing.T) *Effective {
			return withConfig(t, "", "--feature-gates=RotateKubeletServerCertificate=false")
		}, "kubelet/RotateServerCertificates", false, "flag --feature-gates"},
		{"gate absent", func(t *testing.T) *Effective { return flagsOnly(t) }, "kubelet/RotateServerCertificates", true, "built-in feature gate default"},
		// 4.2.12
		{"ciphers strong", func(t *testing.T) *Effective { return withConfig(t, "tlsCipherSuites: "+strongList+"\n") }, "kubelet/TLSCipherSuites", true, "only strong"},
		{"ciphers weak", func(t *testing.T) *Effective {
			return withConfig(t, "tlsCipherSuites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_RSA_WITH_3DES_EDE_CBC_SHA]\n")
		}, "kubelet/TLSCipherSuites", false, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"},
		{"ciphers TLS 1.3 name not in CIS list", func(t *testing.T) *Effective {
			return flagsOnly(t, "--tls-cipher-suites=TLS_AES_128_GCM_SHA256")
		}, "kubelet/TLSCipherSuites", false, "TLS_AES_128_GCM_SHA256"},
		{"ciphers absent", func(t *testing.T) *Effective { return withConfig(t, "") }, "kubelet/TLSCipherSuites", false, "Go's defaults"},
		// 4.2.13: kube-bench passes any present value; we compare.
		{"pids 4096", func(t *testing.T) *Effective { return withConfig(t, "podPidsLimit: 4096\n") }, "kubelet/PodPidsLimit", true, "4096"},
		{"pids -1 present", func(t *testing.T) *Effective { return withConfig(t, "podPidsLimit: -1\n") }, "kubelet/PodPidsLimit", false, "kube-bench passes"},
		{"pids 0 flag", func(t *testing.T) *Effective { return flagsOnly(t, "--pod-max-pids", "0") }, "kubelet/PodPidsLimit", false, "podPidsLimit=0"},
		{"pids absent", func(t *testing.T) *Effective { return withConfig(t, "") }, "kubelet/PodPidsLimit", false, "podPidsLimit=-1 (default"},
		// 4.2.14: kube-bench passes seccompDefault: false; we compare.
		{"seccomp true", func(t *testing.T) *Effective { return withConfig(t, "seccompDefault: true\n") }, "kubelet/SeccompDefault", true, "RuntimeDefault"},
		{"seccomp bare flag", func(t *testing.T) *Effective { return flagsOnly(t, "--seccomp-default") }, "kubelet/SeccompDefault", true, "flag --seccomp-default"},
		{"seccomp false present", func(t *testing.T) *Effective { return withConfig(t, "seccompDefault: false\n") }, "kubelet/SeccompDefault", false, "kube-bench passes"},
		{"seccomp absent", func(t *testing.T) *Effective { return withConfig(t, "") }, "kubelet/SeccompDefault", false, "default in config-file mode"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := findingOf(t, Evaluate(c.e(t), Options{}), c.rule)
			assert.Equal(t, c.pass, f.Passed, f.Message)
			assert.Contains(t, f.Message, c.msg)
			if !f.Passed {
				assert.NotEmpty(t, f.Fix)
			}
		})
	}
}

func TestEveryCheckHasATest(t *testing.T) {
	// Each CIS 4.2 rule appears in TestCIS42 with both verdicts; this guards
	// against adding a rule without wiring it into Evaluate.
	fs := Evaluate(withConfig(t, ""), Options{})
	for _, r := range cisRules {
		if r.Refs[0] < "CIS 4.2" {
			continue
		}
		assert.True(t, hasRule(fs, r.ID), r.ID)
	}
}

func TestFixNamesTheFileToEdit(t *testing.T) {
	e := withConfig(t, "readOnlyPort: 10255\n")
	f := findingOf(t, Evaluate(e, Options{}), "kubelet/ReadOnlyPort")
	assert.Equal(t, "set readOnlyPort: 0 in "+cfgPath, f.Fix)
	assert.Equal(t, cfgPath, f.Position.File)
	assert.Equal(t, 3, f.Position.Line)

	e = flagsOnly(t)
	f = findingOf(t, Evaluate(e, Options{}), "kubelet/AnonymousAuth")
	assert.Contains(t, f.Fix, "run the kubelet with --config")
}

func TestStreamingTimeoutNoteFor134(t *testing.T) {
	f := findingOf(t, Evaluate(withConfig(t, ""), Options{KubeletVersion: "v1.34.2"}), "kubelet/StreamingConnectionIdleTimeout")
	assert.Contains(t, f.Message, "no effect from Kubernetes 1.34")
	f = findingOf(t, Evaluate(withConfig(t, ""), Options{KubeletVersion: "v1.33.0"}), "kubelet/StreamingConnectionIdleTimeout")
	assert.NotContains(t, f.Message, "1.34")
	require.Equal(t, 34, versionMinor("1.34"))
	require.Equal(t, -1, versionMinor("garbage"))
}

// Where our verdict differs from kube-bench's on purpose, the message says why.
func TestKubeBenchDisagreementNotes(t *testing.T) {
	cases := []struct {
		e    func(t *testing.T) *Effective
		rule string
		note string
	}{
		{func(t *testing.T) *Effective { return flagsOnly(t, "--read-only-port=0", "--read-only-port=10255") }, "kubelet/ReadOnlyPort", "kube-bench reads the first occurrence (--read-only-port=0)"},
		{func(t *testing.T) *Effective { return flagsOnly(t, "--authorization-mode", "AlwaysAllow") }, "kubelet/AuthorizationMode", `kube-bench reads "--authorization-mode AlwaysAllow" as true`},
		{func(t *testing.T) *Effective { return flagsOnly(t, "--anonymous_auth=true") }, "kubelet/AnonymousAuth", "kube-bench does not recognise --anonymous_auth"},
		{func(t *testing.T) *Effective { return withConfig(t, "readOnlyPort: 10255\n") }, "kubelet/ReadOnlyPort", "kube-bench does not read this file"},
	}
	for _, c := range cases {
		f := findingOf(t, Evaluate(c.e(t), Options{}), c.rule)
		assert.False(t, f.Passed)
		assert.Contains(t, f.Message, c.note)
	}
	fsys := dropinFS("", map[string]string{"10.conf": cfgHeader + "podPidsLimit: 0\n"})
	e := Resolve(fsys, ParseCommandLine(Args("kubelet", "--config-dir=/etc/kubelet/conf.d")), "/")
	assert.Contains(t, findingOf(t, Evaluate(e, Options{}), "kubelet/PodPidsLimit").Message, "kube-bench does not read --config-dir drop-ins")
}

func TestRulesCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		assert.False(t, seen[r.ID], "duplicate %s", r.ID)
		seen[r.ID] = true
		assert.Equal(t, "kubelet", r.Package())
		assert.NotEmpty(t, r.Title, r.ID)
		assert.NotEmpty(t, r.Description, r.ID)
		assert.NotEmpty(t, r.Remediation, r.ID)
	}
	assert.Len(t, cisRules, 24, "10 CIS 4.1 checks and 14 CIS 4.2 checks")
}
