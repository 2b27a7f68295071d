package apiserver

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden"
)

// Each test in this file is one semantic rule of how the control plane
// resolves its settings; kube-bench gets each of them wrong (cis.md 9.5).

func TestScenarioRepeatedScalarLastWins(t *testing.T) {
	// kube-bench reads the first --profiling (false) and passes 1.2.15.
	r := scanOne(t, APIServer, nil, "--profiling=false", "--authorization-mode=Node,RBAC", "--profiling")
	f := verdict(t, r, "APIServerProfiling")
	assert.False(t, f.Passed)
	assert.Contains(t, f.Message, "last of 2 occurrences")
	assert.Equal(t, 14, f.Position.Line, "points at the last --profiling (line 14 of the manifest)")
	assert.Equal(t, 7, f.Position.Column)

	r = scanOne(t, APIServer, nil, "--profiling", "--profiling=0")
	assert.True(t, verdict(t, r, "APIServerProfiling").Passed, "ParseBool accepts 0 as false")
}

func TestScenarioRepeatedListAccumulates(t *testing.T) {
	// kube-bench sees only the first --authorization-mode and passes 1.2.6.
	r := scanOne(t, APIServer, nil, "--authorization-mode=Node,RBAC", "--authorization-mode=AlwaysAllow")
	assert.False(t, verdict(t, r, "AuthorizationNotAlwaysAllow").Passed)
	assert.True(t, verdict(t, r, "AuthorizationNode").Passed)
	assert.True(t, verdict(t, r, "AuthorizationRBAC").Passed)
	assert.Contains(t, verdict(t, r, "AuthorizationNotAlwaysAllow").Message, "[Node,RBAC,AlwaysAllow]")

	r = scanOne(t, APIServer, nil, "--enable-admission-plugins=NodeRestriction", "--enable-admission-plugins", "AlwaysPullImages")
	assert.True(t, verdict(t, r, "AdmissionNodeRestriction").Passed)
	assert.True(t, verdict(t, r, "AdmissionAlwaysPullImages").Passed)
}

func TestScenarioSplitArgv(t *testing.T) {
	// "--flag value" is valid for non-boolean flags (kube-bench reads "true").
	r := scanOne(t, APIServer, nil, "--authorization-mode", "Node,RBAC", "--audit-log-maxage", "30")
	assert.True(t, verdict(t, r, "AuthorizationNode").Passed)
	assert.True(t, verdict(t, r, "AuditLogMaxAge").Passed)
	assert.Empty(t, findings(r, "InvalidCommandLine"))

	// "--profiling false" does not set false: "false" is a positional
	// argument, which kube-apiserver rejects; profiling stays true.
	r = scanOne(t, APIServer, nil, "--profiling", "false")
	assert.False(t, verdict(t, r, "APIServerProfiling").Passed)
	require.NotEmpty(t, findings(r, "InvalidCommandLine"))
	assert.Contains(t, findings(r, "InvalidCommandLine")[0].Message, "positional")

	// The next element is taken as the value even if it starts with --.
	r = scanOne(t, APIServer, nil, "--authorization-mode", "--anonymous-auth=false")
	assert.False(t, verdict(t, r, "AuthorizationNode").Passed)
	assert.Contains(t, findings(r, "InvalidCommandLine")[0].Message, `unknown mode "--anonymous-auth=false"`)

	// Binary in command, flags split between command and args.
	data := []byte(`apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  containers:
  - name: apiserver
    image: registry.k8s.io/kube-apiserver:v1.37.2
    command: [kube-apiserver, --authorization-mode]
    args: [Node, --profiling=false]
`)
	reps, err := Scan("split.yaml", data, Options{})
	require.NoError(t, err)
	assert.True(t, verdict(t, reps[0], "AuthorizationNode").Passed)
	assert.True(t, verdict(t, reps[0], "APIServerProfiling").Passed)
	assert.Contains(t, verdict(t, reps[0], "APIServerProfiling").Message, "args[1]")
}

func TestScenarioUnderscoreNormalised(t *testing.T) {
	r := scanOne(t, APIServer, nil, "--authorization_mode=Node,RBAC")
	assert.True(t, verdict(t, r, "AuthorizationNode").Passed)
	r = scanOne(t, APIServer, nil, "--service_account_extend_token_expiration=false")
	assert.True(t, verdict(t, r, "ServiceAccountExtendTokenExpiration").Passed)
}

func TestScenarioAlwaysAllowResetsAnonymous(t *testing.T) {
	// No authorization flags: the mode defaults to AlwaysAllow and the
	// server forces anonymous auth off, so 1.2.1 passes and 1.2.6 fails.
	r := scanOne(t, APIServer, nil, "--anonymous-auth=true")
	assert.True(t, verdict(t, r, "AnonymousAuth").Passed)
	assert.Contains(t, verdict(t, r, "AnonymousAuth").Message, "resets anonymous authentication")
	assert.False(t, verdict(t, r, "AuthorizationNotAlwaysAllow").Passed)

	// The reset looks only at --authorization-mode, not at the types in an
	// --authorization-config file.
	files := map[string]string{"etc/kubernetes/authz.yaml": "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\nauthorizers:\n- {type: AlwaysAllow, name: allow}\n"}
	r = scanOne(t, APIServer, files, "--authorization-config=/etc/kubernetes/authz.yaml")
	assert.False(t, verdict(t, r, "AnonymousAuth").Passed)
	assert.False(t, verdict(t, r, "AuthorizationNotAlwaysAllow").Passed)
}

const authnHeader = "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\n"

func TestScenarioStructuredAuthentication(t *testing.T) {
	files := map[string]string{
		"etc/kubernetes/off.yaml":     authnHeader + "anonymous: {enabled: false}\n",
		"etc/kubernetes/health.yaml":  authnHeader + "anonymous:\n  enabled: true\n  conditions: [{path: /healthz}, {path: /readyz}]\n",
		"etc/kubernetes/wide.yaml":    authnHeader + "anonymous:\n  enabled: true\n  conditions: [{path: /healthz}, {path: /api}]\n",
		"etc/kubernetes/on.yaml":      authnHeader + "anonymous: {enabled: true}\n",
		"etc/kubernetes/jwt.yaml":     authnHeader + "jwt: []\n",
		"etc/kubernetes/invalid.yaml": authnHeader + "anonymous:\n  enabled: false\n  conditions: [{path: /healthz}]\n",
	}
	cases := []struct {
		name  string
		args  []string
		want  bool
		extra string
	}{
		{"disabled in file", []string{"--authentication-config=/etc/kubernetes/off.yaml"}, true, ""},
		{"health paths only", []string{"--authentication-config=/etc/kubernetes/health.yaml"}, true, "AnonymousAuthConditions"},
		{"paths beyond health", []string{"--authentication-config=/etc/kubernetes/wide.yaml"}, false, ""},
		{"enabled everywhere", []string{"--authentication-config=/etc/kubernetes/on.yaml"}, false, ""},
		{"file wins over the flag (and the pair is invalid)", []string{"--authentication-config=/etc/kubernetes/off.yaml", "--anonymous-auth=true"}, true, "InvalidCommandLine"},
		{"no anonymous block: the flag decides", []string{"--authentication-config=/etc/kubernetes/jwt.yaml", "--anonymous-auth=false"}, true, ""},
		{"no anonymous block, default true", []string{"--authentication-config=/etc/kubernetes/jwt.yaml"}, false, ""},
		{"conditions need enabled: true", []string{"--authentication-config=/etc/kubernetes/invalid.yaml"}, true, "ConfigInvalid"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := scanOne(t, APIServer, files, append([]string{modesNodeRBAC}, tc.args...)...)
			f := verdict(t, r, "AnonymousAuth")
			assert.Equal(t, tc.want, f.Passed, f.Message)
			if tc.extra != "" {
				assert.NotEmpty(t, findings(r, tc.extra))
			}
		})
	}
}

const authzHeader = "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\n"

func TestScenarioStructuredAuthorization(t *testing.T) {
	files := map[string]string{
		"etc/kubernetes/good.yaml": authzHeader + "authorizers:\n- {type: Node, name: node}\n- {type: RBAC, name: rbac}\n",
		"etc/kubernetes/webhook-then-allow.yaml": authzHeader + `authorizers:
- type: Webhook
  name: opa.example.com
  webhook:
    timeout: 3s
    subjectAccessReviewVersion: v1
    matchConditionSubjectAccessReviewVersion: v1
    failurePolicy: NoOpinion
    connectionInfo: {type: KubeConfigFile, kubeConfigFile: /etc/kubernetes/opa.kubeconfig}
- {type: Node, name: node}
- {type: RBAC, name: rbac}
- {type: AlwaysAllow, name: fallback}
`,
		"etc/kubernetes/invalid.yaml": authzHeader + "authorizers:\n- {type: RBAC, name: rbac}\n- {type: RBAC, name: dup}\n- {type: Node, name: Bad_Name}\n- {type: Webhook, name: w}\n",
	}
	r := scanOne(t, APIServer, files, "--authorization-config=/etc/kubernetes/good.yaml")
	for _, n := range []string{"AuthorizationNotAlwaysAllow", "AuthorizationNode", "AuthorizationRBAC"} {
		assert.True(t, verdict(t, r, n).Passed, n)
	}
	// kube-bench fails all three here: it reads only --authorization-mode.
	assert.Empty(t, findings(r, "InvalidCommandLine"))

	r = scanOne(t, APIServer, files, "--authorization-config=/etc/kubernetes/webhook-then-allow.yaml")
	assert.False(t, verdict(t, r, "AuthorizationNotAlwaysAllow").Passed, "AlwaysAllow anywhere in the chain fails 1.2.6")
	assert.True(t, verdict(t, r, "AuthorizationNode").Passed)
	assert.Empty(t, findings(r, "ConfigInvalid"))

	r = scanOne(t, APIServer, files, "--authorization-config=/etc/kubernetes/good.yaml", "--authorization-mode=AlwaysAllow")
	assert.True(t, ruleFailed(r, "InvalidCommandLine"), "the two are mutually exclusive")
	assert.True(t, verdict(t, r, "AuthorizationNotAlwaysAllow").Passed, "the config file decides")

	r = scanOne(t, APIServer, files, "--authorization-config=/etc/kubernetes/invalid.yaml")
	msgs := messages(findings(r, "ConfigInvalid"))
	assert.Contains(t, msgs, "may appear only once")
	assert.Contains(t, msgs, "not a DNS-1123 subdomain")
	assert.Contains(t, msgs, "webhook is required")

	r = scanOne(t, APIServer, files, "--authorization-config=/etc/kubernetes/missing.yaml")
	f := verdict(t, r, "AuthorizationNode")
	assert.False(t, f.Passed)
	assert.Contains(t, f.Message, "could not be read")
	assert.True(t, ruleFailed(r, "ConfigUnreadable"))
}

func messages(fs []kubeharden.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Message)
		b.WriteByte('\n')
	}
	return b.String()
}

const encHeader = "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\n"

func TestScenarioMultiResourceEncryption(t *testing.T) {
	cases := []struct {
		name     string
		file     string
		want     bool
		contains string
		also     map[string]bool // rule -> failed
	}{
		{"events identity after secrets (kube-bench WARNs on the last block)", encHeader + `resources:
- resources: [secrets, configmaps]
  providers:
  - secretbox: {keys: [{name: k, secret: MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=}]}
- resources: [events]
  providers:
  - identity: {}
`, true, "secretbox", map[string]bool{"EncryptionOtherResourcesPlaintext": true, "EncryptionIdentityFirst": false}},
		{"identity first with aescbc later", encHeader + `resources:
- resources: [secrets]
  providers:
  - identity: {}
  - aescbc: {keys: [{name: k, secret: c2VjcmV0IGlzIHNlY3VyZQ==}]}
`, false, "identity", map[string]bool{"EncryptionIdentityFirst": true}},
		{"secrets in two entries: the first entry writes", encHeader + `resources:
- resources: [secrets]
  providers:
  - aesgcm: {keys: [{name: k, secret: c2VjcmV0IGlzIHNlY3VyZQ==}]}
- resources: [secrets]
  providers:
  - kms: {apiVersion: v2, name: kms1, endpoint: "unix:///kms.sock"}
`, false, "aesgcm", map[string]bool{"EncryptionWeakProvider": true}},
		{"only the *.* wildcard covers secrets", encHeader + `resources:
- resources: ["*.*"]
  providers:
  - kms: {apiVersion: v2, name: kms1, endpoint: "unix:///kms.sock"}
`, true, `"*.*"`, map[string]bool{"EncryptionWeakProvider": false}},
		{"*. (core group) wins over *.*", encHeader + `resources:
- resources: ["*."]
  providers:
  - identity: {}
- resources: ["*.*"]
  providers:
  - secretbox: {keys: [{name: k, secret: MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=}]}
`, false, `"*."`, nil},
		{"secrets masked by an earlier wildcard: invalid", encHeader + `resources:
- resources: ["*.*"]
  providers:
  - secretbox: {keys: [{name: k, secret: MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=}]}
- resources: [secrets]
  providers:
  - identity: {}
`, false, "invalid", map[string]bool{"ConfigInvalid": true}},
		{"secrets not covered", encHeader + `resources:
- resources: [configmaps]
  providers:
  - secretbox: {keys: [{name: k, secret: MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=}]}
`, false, "no entry covers secrets", map[string]bool{"EncryptionIdentityFirst": true}},
		{"KMS v1 without the KMSv1 gate", encHeader + `resources:
- resources: [secrets]
  providers:
  - kms: {name: kms1, endpoint: "unix:///kms.sock", cachesize: 100}
`, false, "kms v1", map[string]bool{"ConfigInvalid": true, "EncryptionWeakProvider": true}},
		{"JSON file", `{"apiVersion":"apiserver.config.k8s.io/v1","kind":"EncryptionConfiguration","resources":[{"resources":["secrets"],"providers":[{"aescbc":{"keys":[{"name":"k","secret":"c2VjcmV0IGlzIHNlY3VyZQ=="}]}}]}]}`,
			true, "aescbc", map[string]bool{"EncryptionWeakProvider": true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := scanOne(t, APIServer, map[string]string{"etc/kubernetes/enc.yaml": tc.file}, "--encryption-provider-config=/etc/kubernetes/enc.yaml")
			f := verdict(t, r, "EncryptionProviders")
			assert.Equal(t, tc.want, f.Passed, f.Message)
			assert.Contains(t, f.Message, tc.contains)
			assert.Equal(t, "/etc/kubernetes/enc.yaml", f.Position.File, "positioned in the encryption file")
			for rule, failed := range tc.also {
				assert.Equal(t, failed, ruleFailed(r, rule), rule)
			}
		})
	}
	// With the KMSv1 gate on, v1 is valid (but still weak).
	r := scanOne(t, APIServer, map[string]string{"etc/kubernetes/enc.yaml": encHeader + "resources:\n- resources: [secrets]\n  providers:\n  - kms: {name: kms1, endpoint: \"unix:///kms.sock\"}\n"},
		"--encryption-provider-config=/etc/kubernetes/enc.yaml", "--feature-gates=KMSv1=true")
	assert.True(t, verdict(t, r, "EncryptionProviders").Passed)
	assert.False(t, ruleFailed(r, "ConfigInvalid"))
	assert.True(t, ruleFailed(r, "EncryptionWeakProvider"))
}

func TestScenarioDisableAdmissionPlugins(t *testing.T) {
	r := scanOne(t, APIServer, nil, "--disable-admission-plugins=NamespaceLifecycle,ServiceAccount")
	assert.False(t, verdict(t, r, "AdmissionNamespaceLifecycle").Passed)
	assert.False(t, verdict(t, r, "AdmissionServiceAccount").Passed)
	assert.Contains(t, verdict(t, r, "AdmissionServiceAccount").Fix, "--disable-admission-plugins")

	// Enabled and disabled at once: kube-apiserver refuses to start.
	r = scanOne(t, APIServer, nil, "--enable-admission-plugins=NodeRestriction", "--disable-admission-plugins=NodeRestriction")
	assert.Contains(t, messages(findings(r, "InvalidCommandLine")), "both enabled and disabled")

	// --admission-control replaces the whole set: ServiceAccount is off
	// (kube-bench ignores the flag and passes 1.2.12).
	r = scanOne(t, APIServer, nil, "--admission-control=NamespaceLifecycle,NodeRestriction")
	assert.False(t, verdict(t, r, "AdmissionServiceAccount").Passed)
	assert.True(t, verdict(t, r, "AdmissionNodeRestriction").Passed)
	assert.True(t, verdict(t, r, "AdmissionNamespaceLifecycle").Passed)

	r = scanOne(t, APIServer, nil, "--admission-control=NodeRestriction", "--enable-admission-plugins=AlwaysPullImages")
	assert.Contains(t, messages(findings(r, "InvalidCommandLine")), "cannot be combined")

	r = scanOne(t, APIServer, nil, "--enable-admission-plugins=NodeRestriction, AlwaysPullImages")
	assert.Contains(t, messages(findings(r, "InvalidCommandLine")), `" AlwaysPullImages"`, "CSV elements keep their spaces")
	assert.False(t, verdict(t, r, "AdmissionAlwaysPullImages").Passed)
}

func TestScenarioAdmissionConfiguration(t *testing.T) {
	adm := func(body string) string {
		return "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n" + body
	}
	files := map[string]string{
		"etc/kubernetes/adm/first-wins.yaml":  adm("- name: ImagePolicyWebhook\n  path: open.yaml\n- name: ImagePolicyWebhook\n  path: closed.yaml\n"),
		"etc/kubernetes/adm/inline-wins.yaml": adm("- name: ImagePolicyWebhook\n  path: open.yaml\n  configuration:\n    imagePolicy: {kubeConfigFile: /k, defaultAllow: false}\n"),
		"etc/kubernetes/adm/ranges.yaml":      adm("- name: ImagePolicyWebhook\n  configuration:\n    imagePolicy: {kubeConfigFile: /k, allowTTL: 1801, denyTTL: -2, retryBackoff: 300001}\n"),
		"etc/kubernetes/adm/string-ttl.yaml":  adm("- name: ImagePolicyWebhook\n  configuration:\n    imagePolicy: {kubeConfigFile: /k, allowTTL: 50s}\n"),
		"etc/kubernetes/adm/erl-empty.yaml":   adm("- name: EventRateLimit\n  configuration:\n    apiVersion: eventratelimit.admission.k8s.io/v1alpha1\n    kind: Configuration\n    limits: []\n"),
		"etc/kubernetes/adm/open.yaml":        imagePolicyOpen,
		"etc/kubernetes/adm/closed.yaml":      imagePolicyClosed,
		"etc/kubernetes/legacy.yaml":          imagePolicyClosed,
	}
	enable := "--enable-admission-plugins=ImagePolicyWebhook,EventRateLimit"
	scan := func(file string) kubeharden.Report {
		return scanOne(t, APIServer, files, enable, "--admission-control-config-file="+file)
	}

	r := scan("/etc/kubernetes/adm/first-wins.yaml")
	assert.True(t, ruleFailed(r, "ImagePolicyFailOpen"), "the first entry (open) is used")

	r = scan("/etc/kubernetes/adm/inline-wins.yaml")
	assert.False(t, ruleFailed(r, "ImagePolicyFailOpen"), "inline configuration wins over path")
	assert.Contains(t, messages(findings(r, "ConfigInvalid")), "both path and configuration")

	r = scan("/etc/kubernetes/adm/ranges.yaml")
	msgs := messages(findings(r, "ConfigInvalid"))
	for _, field := range []string{"allowTTL is 1801", "denyTTL is -2", "retryBackoff is 300001"} {
		assert.Contains(t, msgs, field)
	}
	assert.False(t, verdict(t, r, "ImagePolicyWebhook").Passed)

	r = scan("/etc/kubernetes/adm/string-ttl.yaml")
	assert.False(t, verdict(t, r, "ImagePolicyWebhook").Passed, "a duration string does not decode")
	assert.NotEmpty(t, r.Errors)

	r = scan("/etc/kubernetes/adm/erl-empty.yaml")
	assert.False(t, verdict(t, r, "AdmissionEventRateLimit").Passed)
	assert.Contains(t, messages(findings(r, "ConfigInvalid")), "at least one limit")

	// Legacy form: the file itself is the ImagePolicyWebhook configuration.
	r = scanOne(t, APIServer, files, "--enable-admission-plugins=ImagePolicyWebhook", "--admission-control-config-file=/etc/kubernetes/legacy.yaml")
	assert.True(t, verdict(t, r, "ImagePolicyWebhook").Passed)

	// Configured but not enabled: inert.
	r = scanOne(t, APIServer, files, "--admission-control-config-file=/etc/kubernetes/adm/first-wins.yaml")
	assert.Contains(t, messages(findings(r, "AdmissionPluginUnconfigured")), "not enabled")
}

func TestScenarioEtcdSources(t *testing.T) {
	pod := func(env string, args ...string) []byte {
		m := string(manifest(Etcd, "registry.k8s.io/etcd:3.6.4-0", args...))
		return []byte(strings.Replace(m, "    volumeMounts:", "    env:\n"+env+"    volumeMounts:", 1))
	}
	scan := func(data []byte) kubeharden.Report {
		reps, err := Scan("etcd.yaml", data, Options{FS: mapFS(checkFiles)})
		require.NoError(t, err)
		return reps[0]
	}
	// The variable applies when the flag is absent...
	r := scan(pod("    - {name: ETCD_CLIENT_CERT_AUTH, value: \"true\"}\n"))
	f := verdict(t, r, "EtcdClientCertAuth")
	assert.True(t, f.Passed)
	assert.Contains(t, f.Message, "ETCD_CLIENT_CERT_AUTH")
	// ...and the flag shadows it.
	r = scan(pod("    - {name: ETCD_CLIENT_CERT_AUTH, value: \"true\"}\n", "--client-cert-auth=false"))
	assert.False(t, verdict(t, r, "EtcdClientCertAuth").Passed)
	// Go's flag package accepts a single dash.
	r = scanOne(t, Etcd, nil, "-client-cert-auth")
	assert.True(t, verdict(t, r, "EtcdClientCertAuth").Passed)
	// --config-file replaces flags and variables.
	r = scanOne(t, Etcd, checkFiles, "--config-file=/etc/kubernetes/etcd-config-tls.yaml", "--client-cert-auth=false")
	assert.True(t, verdict(t, r, "EtcdClientCertAuth").Passed)
	assert.True(t, verdict(t, r, "EtcdCertFile").Passed)
	// Certificates do not protect an http listener (including the default).
	r = scanOne(t, Etcd, nil, "--cert-file=/s.crt", "--key-file=/s.key")
	assert.False(t, verdict(t, r, "EtcdCertFile").Passed)
	assert.True(t, ruleFailed(r, "EtcdPlaintextClientURL"))
}

func TestScenarioEtcdUniqueCAAcrossManifests(t *testing.T) {
	api := manifest(APIServer, "registry.k8s.io/kube-apiserver:v1.37.2", "--client-ca-file=/etc/kubernetes/pki/ca.crt")
	for _, tc := range []struct {
		ca   string
		want bool
	}{{"/etc/kubernetes/pki/ca.crt", false}, {"/etc/kubernetes/pki/etcd/ca.crt", true}} {
		etcd := manifest(Etcd, "registry.k8s.io/etcd:3.6.4-0", "--trusted-ca-file="+tc.ca)
		reps, err := Scan("cp.yaml", append(append(api, "---\n"...), etcd...), Options{})
		require.NoError(t, err)
		require.Len(t, reps, 2)
		assert.Equal(t, tc.want, verdict(t, reps[1], "EtcdUniqueCA").Passed, tc.ca)
	}
}

func TestScenarioSchedulerConfigFile(t *testing.T) {
	r := scanOne(t, Scheduler, checkFiles, "--config=/etc/kubernetes/sched-noprof.yaml", "--profiling=true")
	assert.True(t, verdict(t, r, "SchedulerProfiling").Passed, "enableProfiling in the file decides")
	assert.True(t, ruleFailed(r, "SchedulerIgnoredFlags"))
	r = scanOne(t, Scheduler, checkFiles, "--config=/etc/kubernetes/sched-default.yaml", "--profiling=false")
	assert.False(t, verdict(t, r, "SchedulerProfiling").Passed, "enableProfiling defaults to true; the flag is ignored")
}

func TestScenarioFeatureGatesMerge(t *testing.T) {
	r := scanOne(t, ControllerManager, nil, "--feature-gates=RotateKubeletServerCertificate=false", "--feature-gates=SomeOther=true")
	assert.False(t, verdict(t, r, "RotateKubeletServerCertificate").Passed, "later occurrences add keys, earlier keys survive")
	r = scanOne(t, ControllerManager, nil, "--feature-gates=RotateKubeletServerCertificate=false,Other=true", "--feature-gates", " RotateKubeletServerCertificate = true ")
	assert.True(t, verdict(t, r, "RotateKubeletServerCertificate").Passed, "last value per key wins, spaces trimmed")
	r = scanOne(t, ControllerManager, nil, "--feature-gates=RotateKubeletServerCertificate=False")
	assert.False(t, verdict(t, r, "RotateKubeletServerCertificate").Passed, "kube-bench misses =False")
}

func TestScenarioIntegerBases(t *testing.T) {
	r := scanOne(t, APIServer, nil, "--audit-log-maxage=0x1e")
	assert.True(t, verdict(t, r, "AuditLogMaxAge").Passed, "0x1e is 30")
	r = scanOne(t, APIServer, nil, "--audit-log-maxage=030")
	assert.False(t, verdict(t, r, "AuditLogMaxAge").Passed, "030 is octal 24")
	r = scanOne(t, APIServer, nil, "--audit-log-maxage=thirty")
	assert.False(t, verdict(t, r, "AuditLogMaxAge").Passed)
}

func TestScenarioVariablesAndShell(t *testing.T) {
	data := []byte(`apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.37.2
    env:
    - {name: MODES, value: "Node,RBAC"}
    - {name: SECRET, valueFrom: {secretKeyRef: {name: s, key: k}}}
    command: [kube-apiserver, "--authorization-mode=$(MODES)", "--token-auth-file=$(SECRET)", "--etcd-prefix=$$(MODES)"]
`)
	reps, err := Scan("vars.yaml", data, Options{})
	require.NoError(t, err)
	assert.True(t, verdict(t, reps[0], "AuthorizationNode").Passed)
	assert.Contains(t, messages(findings(reps[0], "InvalidCommandLine")), "SECRET")

	data = []byte(`apiVersion: v1
kind: Pod
metadata: {name: kube-scheduler, namespace: kube-system}
spec:
  containers:
  - name: sched
    image: registry.k8s.io/kube-scheduler:v1.37.2
    command: ["/bin/sh", "-c", "exec /usr/local/bin/kube-scheduler --bind-address='127.0.0.1' --profiling=false"]
`)
	reps, err = Scan("shell.yaml", data, Options{})
	require.NoError(t, err)
	assert.True(t, verdict(t, reps[0], "SchedulerBindAddress").Passed)
	assert.True(t, verdict(t, reps[0], "SchedulerProfiling").Passed)
	assert.Contains(t, messages(findings(reps[0], "InvalidCommandLine")), "shell")
}

func TestScenarioFileNotMounted(t *testing.T) {
	data := []byte(`apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.37.2
    command: [kube-apiserver, --encryption-provider-config=/etc/kubernetes/enc/enc.yaml]
    volumeMounts: [{name: pki, mountPath: /etc/kubernetes/pki}]
  volumes: [{name: pki, hostPath: {path: /etc/kubernetes/pki}}]
`)
	reps, err := Scan("m.yaml", data, Options{FS: mapFS(map[string]string{"etc/kubernetes/enc/enc.yaml": encSecretbox})})
	require.NoError(t, err)
	assert.True(t, ruleFailed(reps[0], "FileNotMounted"))

	// The mount maps a container path to another node path.
	data = []byte(strings.Replace(string(data), "mountPath: /etc/kubernetes/pki}]", "mountPath: /etc/kubernetes/enc}]", 1))
	data = []byte(strings.Replace(string(data), "hostPath: {path: /etc/kubernetes/pki}", "hostPath: {path: /srv/enc}", 1))
	reps, err = Scan("m.yaml", data, Options{FS: mapFS(map[string]string{"srv/enc/enc.yaml": encSecretbox})})
	require.NoError(t, err)
	assert.False(t, ruleFailed(reps[0], "FileNotMounted"))
	assert.True(t, verdict(t, reps[0], "EncryptionProviders").Passed)
}

func TestWebhookBackendSecure(t *testing.T) {
	for _, tc := range []struct {
		name, kubeconfig string
		want             bool
	}{
		{"https with CA", "clusters:\n- name: a\n  cluster: {server: \"https://x:8443\", certificate-authority: /ca.crt}\n", true},
		{"http", "clusters:\n- name: a\n  cluster: {server: \"http://x:8080\"}\n", false},
		{"skip verify", "clusters:\n- name: a\n  cluster: {server: \"https://x\", insecure-skip-tls-verify: true}\n", false},
		{"no clusters", "clusters: []\n", false},
		{"not yaml", "clusters: [\n", false},
	} {
		ok, msg := webhookBackendSecure("/k", []byte("apiVersion: v1\nkind: Config\n"+tc.kubeconfig))
		assert.Equal(t, tc.want, ok, "%s: %s", tc.name, msg)
	}
	r := scanOne(t, APIServer, checkFiles, "--enable-admission-plugins=ImagePolicyWebhook", "--admission-control-config-file=/etc/kubernetes/admission.yaml")
	assert.True(t, verdict(t, r, "ImagePolicyInsecureBackend").Passed)
}

func TestAuditLogPathMounted(t *testing.T) {
	r := scanOne(t, APIServer, nil, "--audit-log-path=/var/log/audit.log")
	assert.True(t, ruleFailed(r, "FileNotMounted"), "/var/log is not mounted in the test manifest")
	r = scanOne(t, APIServer, nil, "--audit-log-path=/etc/kubernetes/audit.log")
	assert.False(t, ruleFailed(r, "FileNotMounted"))
	r = scanOne(t, APIServer, nil, "--audit-log-path=-")
	assert.True(t, verdict(t, r, "AuditLogPath").Passed, "- writes to standard output")
	assert.False(t, ruleFailed(r, "FileNotMounted"))
}
