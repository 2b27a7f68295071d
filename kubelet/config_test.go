package kubelet

import (
	"errors"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Scenario: flags override the config file (cis.md 4.1 step 4).
func TestPrecedenceFlagOverridesFile(t *testing.T) {
	e := withConfig(t, "readOnlyPort: 0\nauthentication:\n  anonymous:\n    enabled: false\n", "--read-only-port=10255")
	v := e.Get("readOnlyPort")
	assert.Equal(t, int64(10255), v.V)
	assert.Equal(t, OriginFlag, v.Origin.Kind)
	assert.Equal(t, "--read-only-port=10255", v.Origin.Key)
	// keys the flags do not touch keep the file's value
	assert.Equal(t, OriginConfigFile, e.Get("authentication.anonymous.enabled").Origin.Kind)
}

// Scenario: the last occurrence of a scalar flag wins (kube-bench reads the first).
func TestRepeatedScalarFlagLastWins(t *testing.T) {
	e := flagsOnly(t, "--read-only-port=10255", "--anonymous-auth=false", "--read-only-port=0", "--anonymous-auth")
	assert.Equal(t, int64(0), e.Get("readOnlyPort").V)
	assert.Equal(t, true, e.Get("authentication.anonymous.enabled").V, "a bare boolean flag means true")
	assert.Contains(t, e.Get("readOnlyPort").Origin.Note, "last of 2 occurrences")
}

// Scenario: list flags accumulate and replace the file's list.
func TestListFlagsAccumulate(t *testing.T) {
	e := withConfig(t, "tlsCipherSuites: [TLS_RSA_WITH_AES_128_CBC_SHA]\n",
		"--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "--tls-cipher-suites", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305")
	assert.Equal(t, []string{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305"}, e.Get("tlsCipherSuites").V)
	f := findingOf(t, Evaluate(e, Options{}), "kubelet/TLSCipherSuites")
	assert.True(t, f.Passed, "the file's weak suite is replaced by the flags: %s", f.Message)
}

// Scenario: "--flag value" (split argv) is a valid form for value flags,
// and the next element is taken even when it starts with "--".
func TestSplitArgv(t *testing.T) {
	e := withConfig(t, "", "--authorization-mode", "AlwaysAllow")
	assert.Equal(t, "AlwaysAllow", e.Get("authorization.mode").V)
	assert.False(t, findingOf(t, Evaluate(e, Options{}), "kubelet/AuthorizationMode").Passed)

	e = flagsOnly(t, "--authorization-mode", "--anonymous-auth=false")
	assert.Equal(t, "--anonymous-auth=false", e.Get("authorization.mode").V, "pflag takes the next element as the value")
	assert.Equal(t, true, e.Get("authentication.anonymous.enabled").V, "so --anonymous-auth was never set")
}

// Scenario: a boolean flag followed by a separate "false" does not set false.
func TestBoolFlagSeparateValueIsAnError(t *testing.T) {
	e := flagsOnly(t, "--anonymous-auth", "false")
	assert.Equal(t, true, e.Get("authentication.anonymous.enabled").V)
	f := findingOf(t, e.Findings, "kubelet/InvalidCommandLine")
	assert.Contains(t, f.Message, "--anonymous-auth=false")
}

// Scenario: feature gates merge per key between file, drop-ins and flags.
func TestFeatureGateMerge(t *testing.T) {
	e := withConfig(t, "featureGates:\n  RotateKubeletServerCertificate: false\n  A: true\n", "--feature-gates=SomeOtherGate=true")
	assert.False(t, e.Gate("RotateKubeletServerCertificate", true).Enabled, "a flag naming other gates does not reset the file's gate")
	assert.True(t, e.Gate("A", false).Enabled)
	assert.True(t, e.Gate("SomeOtherGate", false).Enabled)

	e = withConfig(t, "featureGates:\n  RotateKubeletServerCertificate: false\n",
		"--feature-gates=RotateKubeletServerCertificate=true, Other=false", "--feature-gates", "Third=1")
	g := e.Gate("RotateKubeletServerCertificate", true)
	assert.True(t, g.Enabled)
	assert.Equal(t, OriginFlag, g.Origin.Kind)
	assert.False(t, e.Gate("Other", true).Enabled, "spaces around pairs are trimmed")
	assert.True(t, e.Gate("Third", false).Enabled, "later occurrences add pairs; ParseBool forms accepted")

	e = flagsOnly(t, "--feature-gates=RotateKubeletServerCertificate=false", "--feature-gates=RotateKubeletServerCertificate=True")
	assert.True(t, e.Gate("RotateKubeletServerCertificate", false).Enabled, "last value per key wins")

	e = flagsOnly(t, "--feature-gates=Broken")
	assert.True(t, hasRule(e.Findings, "kubelet/InvalidCommandLine"))
}

// Scenario: the two default modes (cis.md 4.2).
func TestDefaultModes(t *testing.T) {
	cfg := withConfig(t, "")
	fl := flagsOnly(t)
	assert.Equal(t, ModeConfigFile, cfg.Mode)
	assert.Equal(t, ModeFlagsOnly, fl.Mode)
	want := map[string][2]any{
		"authentication.anonymous.enabled": {false, true},
		"authentication.webhook.enabled":   {true, false},
		"authorization.mode":               {"Webhook", "AlwaysAllow"},
		"readOnlyPort":                     {int64(0), int64(10255)},
		"rotateCertificates":               {false, false},
		"podPidsLimit":                     {int64(-1), int64(-1)},
		"eventRecordQPS":                   {int64(50), int64(50)},
		"streamingConnectionIdleTimeout":   {4 * time.Hour, 4 * time.Hour},
	}
	for k, w := range want {
		assert.Equal(t, w[0], cfg.Get(k).V, "config-file mode %s", k)
		assert.Equal(t, w[1], fl.Get(k).V, "flags-only mode %s", k)
		assert.False(t, cfg.Get(k).Set)
	}
}

func dropinFS(main string, dropins map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	if main != "" {
		fsys["etc/kubelet/config.yaml"] = &fstest.MapFile{Data: []byte(cfgHeader + main)}
	}
	for name, body := range dropins {
		fsys["etc/kubelet/conf.d/"+name] = &fstest.MapFile{Data: []byte(body)}
	}
	return fsys
}

// Scenario: --config-dir drop-ins merge in lexical order over the file;
// lists are replaced whole; zeros in drop-ins stay; flags still win.
func TestConfigDirMerge(t *testing.T) {
	fsys := dropinFS("readOnlyPort: 10255\ntlsCipherSuites: [A, B]\nstreamingConnectionIdleTimeout: 1h\nfeatureGates:\n  G1: true\n  G2: true\n", map[string]string{
		"20-b.conf":      cfgHeader + "readOnlyPort: 2\nfeatureGates:\n  G2: false\n",
		"10-a.conf":      cfgHeader + "readOnlyPort: 1\ntlsCipherSuites: [C]\nstreamingConnectionIdleTimeout: 0s\n",
		"sub/15-x.conf":  cfgHeader + "podPidsLimit: 7\n",
		"30-c.yaml":      cfgHeader + "readOnlyPort: 99\n", // not *.conf: ignored
		"25-null.conf":   cfgHeader + "seccompDefault: null\n",
		"05-first.conf":  cfgHeader + "seccompDefault: true\n",
		"zz-flags.conf":  cfgHeader + "rotateCertificates: true\n",
		"zz-flagz2.conf": cfgHeader + "eventRecordQPS: 0\n",
	})
	cmd := ParseCommandLine(Args("kubelet", "--config", cfgPath, "--config-dir=/etc/kubelet/conf.d", "--rotate-certificates=false"))
	e := Resolve(fsys, cmd, "/")
	require.Empty(t, e.Errors)
	assert.Equal(t, []string{"/etc/kubelet/conf.d/05-first.conf", "/etc/kubelet/conf.d/10-a.conf", "/etc/kubelet/conf.d/20-b.conf",
		"/etc/kubelet/conf.d/25-null.conf", "/etc/kubelet/conf.d/sub/15-x.conf", "/etc/kubelet/conf.d/zz-flags.conf", "/etc/kubelet/conf.d/zz-flagz2.conf"}, e.DropIns)
	assert.Equal(t, int64(2), e.Get("readOnlyPort").V)
	assert.Equal(t, "/etc/kubelet/conf.d/20-b.conf", e.Get("readOnlyPort").Origin.File)
	assert.Equal(t, OriginDropIn, e.Get("readOnlyPort").Origin.Kind)
	assert.Equal(t, []string{"C"}, e.Get("tlsCipherSuites").V, "lists are replaced as a whole")
	assert.Equal(t, time.Duration(0), e.Get("streamingConnectionIdleTimeout").V, "drop-ins merge after defaulting: a zero stays zero")
	assert.Equal(t, int64(7), e.Get("podPidsLimit").V, "sub-directories are walked")
	assert.Equal(t, true, e.Get("seccompDefault").V, "null in a later drop-in leaves the earlier value")
	assert.Equal(t, false, e.Get("rotateCertificates").V, "flags override drop-ins")
	assert.Equal(t, int64(0), e.Get("eventRecordQPS").V)
	assert.True(t, e.Gate("G1", false).Enabled, "gates merge per key")
	assert.False(t, e.Gate("G2", true).Enabled)
}

// Scenario: --config-dir without --config keeps the flags-only defaults
// for every key the drop-ins do not set.
func TestConfigDirWithoutConfigKeepsLegacyDefaults(t *testing.T) {
	fsys := dropinFS("", map[string]string{"10.conf": cfgHeader + "readOnlyPort: 0\n"})
	e := Resolve(fsys, ParseCommandLine(Args("kubelet", "--config-dir=/etc/kubelet/conf.d")), "/")
	assert.Equal(t, ModeFlagsOnly, e.Mode)
	assert.Equal(t, int64(0), e.Get("readOnlyPort").V)
	assert.Equal(t, true, e.Get("authentication.anonymous.enabled").V)
	assert.Equal(t, "AlwaysAllow", e.Get("authorization.mode").V)
}

func TestRelativeConfigResolvesAgainstWorkingDirectory(t *testing.T) {
	fsys := fstest.MapFS{"srv/kubelet/cfg.yaml": {Data: []byte(cfgHeader + "readOnlyPort: 0\n")}}
	e := Resolve(fsys, ParseCommandLine(Args("kubelet", "--config=kubelet/cfg.yaml")), "/srv")
	require.Empty(t, e.Errors)
	assert.Equal(t, "/srv/kubelet/cfg.yaml", e.ConfigFile)
}

func TestMissingConfigFile(t *testing.T) {
	e := Resolve(fstest.MapFS{}, ParseCommandLine(Args("kubelet", "--config=/var/lib/kubelet/config.yaml")), "/")
	require.Len(t, e.Errors, 1)
	assert.Equal(t, "/var/lib/kubelet/config.yaml", e.Errors[0].Source)
	assert.True(t, hasRule(e.Findings, "kubelet/ConfigError"))
	assert.Equal(t, ModeConfigFile, e.Mode, "the kubelet would not start; verdicts use the config-file defaults")
}

func TestBadDropInIsReported(t *testing.T) {
	fsys := dropinFS("", map[string]string{"10.conf": "apiVersion: v1\nkind: ConfigMap\n"})
	e := Resolve(fsys, ParseCommandLine(Args("kubelet", "--config-dir=/etc/kubelet/conf.d")), "/")
	require.Len(t, e.Errors, 1)
	assert.True(t, errors.Is(&e.Errors[0], ErrNotKubeletConfig))
}

func TestUnderscoreFlagNamesAreNormalised(t *testing.T) {
	e := flagsOnly(t, "--read_only_port=0", "--anonymous_auth=false")
	assert.Equal(t, int64(0), e.Get("readOnlyPort").V)
	assert.Equal(t, false, e.Get("authentication.anonymous.enabled").V)
}

func TestIntegerFlagsHonourBasePrefixes(t *testing.T) {
	e := flagsOnly(t, "--pod-max-pids=0x10", "--event-qps=010")
	assert.Equal(t, int64(16), e.Get("podPidsLimit").V)
	assert.Equal(t, int64(8), e.Get("eventRecordQPS").V, "a leading zero means octal, as strconv.ParseInt(s, 0, 32)")
}

func TestInvalidFlagValueIsReportedAndIgnored(t *testing.T) {
	e := withConfig(t, "readOnlyPort: 0\n", "--read-only-port=abc", "--anonymous-auth=maybe")
	assert.Equal(t, int64(0), e.Get("readOnlyPort").V)
	n := 0
	for _, f := range e.Findings {
		if f.RuleID == "kubelet/InvalidCommandLine" {
			n++
		}
	}
	assert.Equal(t, 2, n)
}

func TestDuplicateAndUnknownKeys(t *testing.T) {
	e := withConfig(t, "readOnlyPort: 10255\nreadOnlyPort: 0\nreadonlyport: 5\nseccompDefualt: true\n")
	assert.Equal(t, int64(0), e.Get("readOnlyPort").V, "last duplicate wins")
	assert.True(t, hasRule(e.Findings, "kubelet/DuplicateKey"))
	assert.True(t, hasRule(e.Findings, "kubelet/CaseVariantKey"))
	assert.True(t, hasRule(e.Findings, "kubelet/UnknownField"))
	assert.Equal(t, false, e.Get("seccompDefault").V, "a misspelt key sets nothing")
}
