package manifest

var hardeningCases = []ruleCase{}

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
