package manifest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func dash(args string) string {
	return `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"kubernetes-dashboard","namespace":"kubernetes-dashboard"},"spec":{"selector":{"matchLabels":{"k8s-app":"kubernetes-dashboard"}},` +
		`"template":{"metadata":{"labels":{"k8s-app":"kubernetes-dashboard"}},"spec":{"containers":[{"name":"kubernetes-dashboard","image":"kubernetesui/dashboard:v2.7.0","args":[` + args + `]}]}}}}`
}

func binding(role, subject string) string {
	return `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"b"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"` + role +
		`"},"subjects":[{"kind":"ServiceAccount","name":"` + subject + `","namespace":"kubernetes-dashboard"}]}`
}

var hardeningCases = []ruleCase{
	{"pod-level runAsUser 0 overridden everywhere", "manifest/RunAsRoot", pod(`"securityContext":{"runAsUser":0,"runAsNonRoot":false},` + ctrs(`{"runAsUser":20000,"runAsNonRoot":true}`)), 2, false,
		[]string{"spec.securityContext.runAsUser", "spec.securityContext.runAsNonRoot"}},
	{"pod-level non-root", "manifest/RunAsRoot", pod(`"securityContext":{"runAsUser":1000},` + ctrs(`{"runAsUser":20000}`)), 0, false, nil},
	{"sysctl safe only from v1.37", "manifest/UnsafeSysctl", pod(`"securityContext":{"sysctls":[{"name":"net.ipv4.tcp_notsent_lowat","value":"1"}]},` + ctrs(`{}`)), 0, false, nil},
	{"writable hostPath", "manifest/WritableHostPath",
		pod(`"volumes":[{"name":"h","hostPath":{"path":"/data"}},{"name":"e","emptyDir":{}}],"containers":[{"name":"c","image":"x:1","volumeMounts":[{"name":"h","mountPath":"/h"},{"name":"e","mountPath":"/e"}]},{"name":"d","image":"x:1","volumeMounts":[{"name":"h","mountPath":"/h"}]}]`),
		2, false, []string{"spec.containers[0].volumeMounts[0].readOnly", "spec.containers[1].volumeMounts[0].readOnly"}},
	{"read-only hostPath", "manifest/WritableHostPath",
		pod(`"volumes":[{"name":"h","hostPath":{"path":"/data"}}],"containers":[{"name":"c","image":"x:1","volumeMounts":[{"name":"h","mountPath":"/h","readOnly":true}]}]`), 0, false, nil},
	{"gVisor", "manifest/SandboxedRuntime", pod(`"runtimeClassName":"gvisor",` + ctrs(`{}`)), 0, true, nil},
	{"kata", "manifest/SandboxedRuntime", pod(`"runtimeClassName":"kata-qemu",` + ctrs(`{}`)), 0, true, nil},
	{"runc", "manifest/SandboxedRuntime", pod(`"runtimeClassName":"runc",` + ctrs(`{}`)), 0, false, nil},
	{"no runtime class", "manifest/SandboxedRuntime", pod(ctrs(`{}`)), 0, false, nil},
	{"Localhost seccomp named", "manifest/LocalhostProfile", pod(ctrs(`{"seccompProfile":{"type":"Localhost","localhostProfile":"profiles/audit.json"}}`)), 0, true, nil},
	{"Localhost seccomp unnamed", "manifest/LocalhostProfile", pod(ctrs(`{"seccompProfile":{"type":"Localhost"}}`)), 1, false, []string{"spec.containers[0].securityContext.seccompProfile"}},
	{"dashboard", "manifest/DashboardDeployed", dash(`"--auto-generate-certificates"`), 1, false, []string{"spec.template.spec"}},
	{"not a dashboard", "manifest/DashboardDeployed", pod(ctrs(`{}`)), 0, false, nil},
	{"skip login", "manifest/DashboardSkipLogin", dash(`"--auto-generate-certificates","--enable-skip-login"`), 1, false, []string{"spec.template.spec.containers[0].args[1]"}},
	{"skip login false", "manifest/DashboardSkipLogin", dash(`"--enable-skip-login=false"`), 0, false, nil},
	{"insecure login", "manifest/DashboardInsecureLogin", dash(`"--enable-insecure-login","--insecure-bind-address=0.0.0.0"`), 2, false, nil},
	{"insecure loopback", "manifest/DashboardInsecureLogin", dash(`"--insecure-bind-address=127.0.0.1"`), 0, false, nil},
	{"weak auth", "manifest/DashboardWeakAuth", dash(`"--token-ttl=0","--authentication-mode=token,basic","--disable-settings-authorizer"`), 3, false, nil},
	{"token auth", "manifest/DashboardWeakAuth", dash(`"--token-ttl=900","--authentication-mode=token"`), 0, false, nil},
	{"dashboard NodePort", "manifest/DashboardExposed", `{"apiVersion":"v1","kind":"Service","metadata":{"name":"kubernetes-dashboard"},"spec":{"type":"NodePort","selector":{"k8s-app":"kubernetes-dashboard"},"ports":[{"port":443}]}}`, 1, false, []string{"spec.type"}},
	{"dashboard ClusterIP", "manifest/DashboardExposed", `{"apiVersion":"v1","kind":"Service","metadata":{"name":"kubernetes-dashboard"},"spec":{"selector":{"k8s-app":"kubernetes-dashboard"},"ports":[{"port":443}]}}`, 0, true, nil},
	{"dashboard cluster-admin", "manifest/DashboardAdminBinding", binding("cluster-admin", "kubernetes-dashboard"), 1, false, []string{"subjects[0]"}},
	{"dashboard view", "manifest/DashboardAdminBinding", binding("view", "kubernetes-dashboard"), 0, false, nil},
	{"other SA cluster-admin", "manifest/DashboardAdminBinding", binding("cluster-admin", "ci"), 0, false, nil},
}

func kobj(apiVersion, kind, rest string) string {
	return `{"apiVersion":"` + apiVersion + `","kind":"` + kind + `","metadata":{"name":"o","namespace":"ns"` + rest
}

func svc(spec string) string { return kobj("v1", "Service", `},"spec":{`+spec+`}}`) }

func ing(annotations, spec string) string {
	return kobj("networking.k8s.io/v1", "Ingress", `,"annotations":{`+annotations+`}},"spec":{`+spec+`}}`)
}

const backend = `"http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"s","port":{"number":80}}}}]}`

func peer(ns, spec string) string {
	return `{"apiVersion":"security.istio.io/v1","kind":"PeerAuthentication","metadata":{"name":"default","namespace":"` + ns + `"},"spec":{` + spec + `}}`
}

var kindCases = []ruleCase{
	{"SA automount unset", "manifest/ServiceAccountAutomount", kobj("v1", "ServiceAccount", `}}`), 1, false, []string{"automountServiceAccountToken"}},
	{"SA automount false", "manifest/ServiceAccountAutomount", kobj("v1", "ServiceAccount", `},"automountServiceAccountToken":false}`), 0, true, nil},
	{"SA with secrets", "manifest/LegacyServiceAccountToken", kobj("v1", "ServiceAccount", `},"secrets":[{"name":"tok"}]}`), 1, false, []string{"secrets"}},
	{"SA without secrets", "manifest/LegacyServiceAccountToken", kobj("v1", "ServiceAccount", `}}`), 0, false, nil},
	{"token Secret", "manifest/LegacyServiceAccountToken", kobj("v1", "Secret", `,"annotations":{"kubernetes.io/service-account.name":"ci"}},"type":"kubernetes.io/service-account-token"}`), 1, false, []string{"type"}},
	{"opaque Secret", "manifest/LegacyServiceAccountToken", kobj("v1", "Secret", `},"type":"Opaque"}`), 0, false, nil},
	{"Secret with data", "manifest/SecretManifestCommitted", kobj("v1", "Secret", `},"data":{"password":"aHVudGVyMg=="}}`), 1, false, []string{"data"}},
	{"Secret with stringData", "manifest/SecretManifestCommitted", kobj("v1", "Secret", `},"stringData":{"password":"x"}}`), 1, false, []string{"stringData"}},
	{"Secret without data", "manifest/SecretManifestCommitted", kobj("v1", "Secret", `}}`), 0, false, nil},
	{"NodePort", "manifest/ServiceNodePort", svc(`"type":"NodePort","ports":[{"port":80}]`), 1, false, []string{"spec.type"}},
	{"LoadBalancer allocates node ports", "manifest/ServiceNodePort", svc(`"type":"LoadBalancer","ports":[{"port":80}]`), 1, false, nil},
	{"LoadBalancer without node ports", "manifest/ServiceNodePort", svc(`"type":"LoadBalancer","allocateLoadBalancerNodePorts":false,"ports":[{"port":80}]`), 0, false, nil},
	{"ClusterIP", "manifest/ServiceNodePort", svc(`"ports":[{"port":80}]`), 0, false, nil},
	{"LoadBalancer open", "manifest/ServiceLoadBalancerUnrestricted", svc(`"type":"LoadBalancer","ports":[{"port":80}]`), 1, false, []string{"spec.type"}},
	{"LoadBalancer with ranges", "manifest/ServiceLoadBalancerUnrestricted", svc(`"type":"LoadBalancer","loadBalancerSourceRanges":["10.0.0.0/8"],"ports":[{"port":80}]`), 0, false, nil},
	{"externalIPs", "manifest/ServiceExternalIPs", svc(`"externalIPs":["1.2.3.4"],"ports":[{"port":80}]`), 1, false, []string{"spec.externalIPs"}},
	{"no externalIPs", "manifest/ServiceExternalIPs", svc(`"ports":[{"port":80}]`), 0, false, nil},

	{"Ingress without TLS", "manifest/IngressNoTLS", ing(``, `"ingressClassName":"nginx","rules":[{"host":"a.example.com",`+backend+`}]`), 1, false, []string{"spec"}},
	{"host not covered", "manifest/IngressNoTLS", ing(``, `"tls":[{"hosts":["*.example.com"],"secretName":"t"}],"rules":[{"host":"a.b.example.com",`+backend+`},{"host":"b.example.com",`+backend+`}]`), 1, false,
		[]string{"spec.rules[0].host"}},
	{"wildcard covers one label", "manifest/IngressNoTLS", ing(``, `"tls":[{"hosts":["*.example.com"],"secretName":"t"}],"rules":[{"host":"a.example.com",`+backend+`}]`), 0, true, nil},
	{"TLS without secret", "manifest/IngressTLSNoSecret", ing(``, `"tls":[{"hosts":["a.example.com"]}],"rules":[{"host":"a.example.com",`+backend+`}]`), 1, false, []string{"spec.tls[0]"}},
	{"TLS with secret", "manifest/IngressTLSNoSecret", ing(``, `"tls":[{"hosts":["a.example.com"],"secretName":"t"}],"rules":[{"host":"a.example.com",`+backend+`}]`), 0, false, nil},
	{"wildcard and catch-all hosts", "manifest/IngressWildcardHost", ing(``, `"rules":[{"host":"*.example.com",`+backend+`},{`+backend+`}]`), 2, false,
		[]string{"spec.rules[0].host", "spec.rules[1]"}},
	{"named host", "manifest/IngressWildcardHost", ing(``, `"rules":[{"host":"a.example.com",`+backend+`}]`), 0, false, nil},
	{"class missing", "manifest/IngressClassMissing", ing(`"kubernetes.io/ingress.class":"nginx"`, `"rules":[{"host":"a.example.com",`+backend+`}]`), 1, false, []string{"spec"}},
	{"class set", "manifest/IngressClassMissing", ing(``, `"ingressClassName":"nginx","rules":[{"host":"a.example.com",`+backend+`}]`), 0, true, nil},
	{"configuration-snippet", "manifest/IngressNginxSnippetAnnotation", ing(`"nginx.ingress.kubernetes.io/configuration-snippet":"more_set_headers \"X: y\";","nginx.ingress.kubernetes.io/server-snippet":"x"`, `"rules":[]`), 2, false,
		[]string{"metadata.annotations[nginx.ingress.kubernetes.io/configuration-snippet]", "metadata.annotations[nginx.ingress.kubernetes.io/server-snippet]"}},
	{"no snippet", "manifest/IngressNginxSnippetAnnotation", ing(`"nginx.ingress.kubernetes.io/ssl-redirect":"true"`, `"rules":[]`), 0, false, nil},
	{"auth-url", "manifest/IngressNginxRiskyAnnotation", ing(`"nginx.ingress.kubernetes.io/auth-url":"http://auth.example.com/check"`, `"rules":[]`), 1, false, nil},
	{"risky annotation absent", "manifest/IngressNginxRiskyAnnotation", ing(`"nginx.ingress.kubernetes.io/proxy-body-size":"8m"`, `"rules":[]`), 0, false, nil},
	{"permanent-redirect injection", "manifest/IngressNginxRedirectInjection", ing(`"nginx.ingress.kubernetes.io/permanent-redirect":"https://x.example.com;}location ~* ^/a {"`, `"rules":[]`), 1, false, nil},
	{"clean rewrite-target", "manifest/IngressNginxRedirectInjection", ing(`"nginx.ingress.kubernetes.io/rewrite-target":"/$2"`, `"rules":[]`), 0, false, nil},
	{"path to token", "manifest/IngressSensitivePath", ing(``, `"rules":[{"host":"a.example.com","http":{"paths":[{"path":"/var/run/secrets/kubernetes.io/serviceaccount/token","pathType":"ImplementationSpecific","backend":{"service":{"name":"s","port":{"number":80}}}}]}}]`), 1, false,
		[]string{"spec.rules[0].http.paths[0].path"}},
	{"regex in Prefix", "manifest/IngressSensitivePath", ing(``, `"rules":[{"host":"a.example.com","http":{"paths":[{"path":"/a(/|$)(.*)","pathType":"Prefix","backend":{"service":{"name":"s","port":{"number":80}}}}]}}]`), 1, false, nil},
	{"plain path", "manifest/IngressSensitivePath", ing(``, `"rules":[{"host":"a.example.com",`+backend+`}]`), 0, false, nil},

	{"handler upper case", "manifest/RuntimeClassInvalidHandler", `{"apiVersion":"node.k8s.io/v1","kind":"RuntimeClass","metadata":{"name":"g"},"handler":"RunSC"}`, 1, false, []string{"handler"}},
	{"handler runsc", "manifest/RuntimeClassInvalidHandler", `{"apiVersion":"node.k8s.io/v1","kind":"RuntimeClass","metadata":{"name":"g"},"handler":"runsc"}`, 0, true, nil},
	{"sandbox without nodeSelector", "manifest/SandboxRuntimeClassNoNodeSelector", `{"apiVersion":"node.k8s.io/v1","kind":"RuntimeClass","metadata":{"name":"k"},"handler":"kata-qemu"}`, 1, false, nil},
	{"sandbox with nodeSelector", "manifest/SandboxRuntimeClassNoNodeSelector", `{"apiVersion":"node.k8s.io/v1","kind":"RuntimeClass","metadata":{"name":"g"},"handler":"runsc","scheduling":{"nodeSelector":{"sandbox":"gvisor"}}}`, 0, true, nil},

	{"DISABLE", "manifest/PeerAuthDisabled", peer("ns", `"mtls":{"mode":"DISABLE"}`), 1, false, []string{"spec.mtls.mode"}},
	{"port DISABLE", "manifest/PeerAuthDisabled", peer("ns", `"selector":{"matchLabels":{"app":"a"}},"mtls":{"mode":"STRICT"},"portLevelMtls":{"8080":{"mode":"DISABLE"}}`), 1, false,
		[]string{"spec.portLevelMtls[8080].mode"}},
	{"STRICT", "manifest/PeerAuthDisabled", peer("ns", `"mtls":{"mode":"STRICT"}`), 0, false, nil},
	{"PERMISSIVE", "manifest/PeerAuthPermissive", peer("ns", `"mtls":{"mode":"PERMISSIVE"}`), 1, false, nil},
	{"namespace without mtls", "manifest/PeerAuthPermissive", peer("ns", ``), 1, false, []string{"spec"}},
	{"STRICT namespace", "manifest/PeerAuthPermissive", peer("ns", `"mtls":{"mode":"STRICT"}`), 0, false, nil},
	{"mesh STRICT", "manifest/PeerAuthMeshStrict", peer("istio-system", `"mtls":{"mode":"STRICT"}`), 0, true, nil},
	{"mesh PERMISSIVE", "manifest/PeerAuthMeshStrict", peer("istio-system", `"mtls":{"mode":"PERMISSIVE"}`), 1, false, nil},
	{"portLevelMtls without selector", "manifest/PeerAuthInvalid", peer("ns", `"mtls":{"mode":"STRICT"},"portLevelMtls":{"8080":{"mode":"STRICT"}}`), 1, false, []string{"spec.portLevelMtls"}},
	{"unknown mode and bad port", "manifest/PeerAuthInvalid", peer("ns", `"selector":{"matchLabels":{"app":"a"}},"mtls":{"mode":"strict"},"portLevelMtls":{"0":{"mode":"STRICT"}}`), 2, false, nil},
	{"valid policy", "manifest/PeerAuthInvalid", peer("ns", `"mtls":{"mode":"STRICT"}`), 0, true, nil},
}

func TestIgnoreAnnotation(t *testing.T) {
	doc := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","annotations":{"kubeharden.io/ignore":"manifest/HostPort: needed for the ingress controller\nHostNetwork, manifest/PrivilegedContainer:\n"}},` +
		`"spec":{"hostNetwork":true,"containers":[{"name":"c","image":"x:1","securityContext":{"privileged":true},"ports":[{"containerPort":80,"hostPort":80}]}]}}`
	r := scanOne(t, doc)
	for id, reason := range map[string]string{
		"manifest/HostPort":            "needed for the ingress controller",
		"manifest/HostNetwork":         "suppressed by the annotation kubeharden.io/ignore",
		"manifest/PrivilegedContainer": "suppressed by the annotation kubeharden.io/ignore",
	} {
		fs := byRule(r, id, false)
		require.Len(t, fs, 1, id)
		assert.True(t, fs[0].Suppressed, id)
		assert.Equal(t, reason, fs[0].SuppressReason, id)
	}
	other := byRule(r, "manifest/ReadOnlyRootFilesystemMissing", false)
	require.Len(t, other, 1)
	assert.False(t, other[0].Suppressed, "rules not named stay unsuppressed")
	// IgnoreAnnotation option turns both off.
	reports, _ := Scan("t.yaml", []byte(doc), Options{IgnoreAnnotation: true})
	for _, f := range reports[0].Findings {
		assert.False(t, f.Suppressed, f.RuleID)
	}
	// Both annotations together; non-pod kinds too.
	svcDoc := `{"apiVersion":"v1","kind":"Service","metadata":{"name":"s","annotations":{"kubeharden.io/suppress":"ServiceNodePort; lab","kubeharden.io/ignore":"manifest/ServiceExternalIPs: metallb"}},"spec":{"type":"NodePort","externalIPs":["1.2.3.4"],"ports":[{"port":80}]}}`
	r = scanOne(t, svcDoc)
	assert.Equal(t, "lab", byRule(r, "manifest/ServiceNodePort", false)[0].SuppressReason)
	assert.Equal(t, "metallb", byRule(r, "manifest/ServiceExternalIPs", false)[0].SuppressReason)
	assert.Empty(t, r.Failed())
}

// TestKindsDispatch: every kind Kinds lists is analysed (a report, or an
// error for an incomplete object), and nothing else is.
func TestKindsDispatch(t *testing.T) {
	for _, k := range Kinds() {
		_, inTable := kindTable[k]
		_, inChecks := kindChecks[k]
		assert.True(t, inTable || inChecks || rbacKinds[k], k)
	}
	for k := range kindChecks {
		assert.Contains(t, Kinds(), k)
	}
	for k := range kindTable {
		assert.Contains(t, Kinds(), k)
	}
}

func TestSandboxRuntimeClassesOption(t *testing.T) {
	doc := pod(`"runtimeClassName":"secure",` + ctrs(`{}`))
	reports, _ := Scan("p.yaml", []byte(doc), Options{})
	assert.Empty(t, byRule(&reports[0], "manifest/SandboxedRuntime", true))
	reports, _ = Scan("p.yaml", []byte(doc), Options{SandboxRuntimeClasses: []string{"secure"}})
	assert.Len(t, byRule(&reports[0], "manifest/SandboxedRuntime", true), 1)
}

// RBAC kinds go to manifest/rbac in the default mode; suppressions and
// Options.IgnoreAnnotation apply to its findings too.
func TestRBACDispatch(t *testing.T) {
	role := `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"god","annotations":{"kubeharden.io/ignore":"manifest/RBACWildcardAll: break-glass"}},"rules":[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}]}`
	r := scanOne(t, role)
	assert.Equal(t, "ClusterRole/god", r.Object)
	fs := byRule(r, "manifest/RBACWildcardAll", false)
	require.NotEmpty(t, fs)
	assert.True(t, fs[0].Suppressed)
	assert.Equal(t, "break-glass", fs[0].SuppressReason)
	reports, errs := Scan("r.yaml", []byte(role), Options{IgnoreAnnotation: true})
	require.Empty(t, errs)
	for _, f := range reports[0].Findings {
		assert.False(t, f.Suppressed, f.RuleID)
	}
	// not the RBAC API group: not analysed
	reports, errs = Scan("r.yaml", []byte(`{"apiVersion":"example.com/v1","kind":"Role","metadata":{"name":"x"}}`), Options{})
	assert.Empty(t, errs)
	assert.Empty(t, reports)
	// compat mode keeps kubesec's own binding rule
	anon := `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"b"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"},"subjects":[{"kind":"User","name":"system:anonymous"}]}`
	compat, _ := Scan("b.yaml", []byte(anon), Options{Compat: CompatKubesec})
	require.Len(t, compat, 1)
	assert.True(t, kubesecFired(&compat[0], "BindingsToSystemAnonymous"))
}
