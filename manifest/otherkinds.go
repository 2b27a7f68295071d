package manifest

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	nodev1 "k8s.io/api/node/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Rules on kinds without a pod template: ServiceAccount, Secret, Service,
// Ingress, RuntimeClass and Istio PeerAuthentication.

const (
	helpService        = "https://kubernetes.io/docs/concepts/services-networking/service/"
	helpIngress        = "https://kubernetes.io/docs/concepts/services-networking/ingress/"
	helpIngressNginx   = "https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations-risk/"
	helpRuntimeClass   = "https://kubernetes.io/docs/concepts/containers/runtime-class/"
	helpPeerAuth       = "https://istio.io/latest/docs/reference/config/security/peer_authentication/"
	helpLegacyTokens   = "https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#auto-generated-legacy-serviceaccount-token-clean-up"
	defaultMeshRootNS  = "istio-system"
	nginxAnnotationPfx = "nginx.ingress.kubernetes.io/"
)

var (
	ruleServiceAccountAutomount = rule("ServiceAccountAutomount", "ServiceAccount mounts tokens by default", risk, low, -1, helpServiceAccounts,
		"A ServiceAccount (above all a namespace's default one) without automountServiceAccountToken: false gives every pod that uses it an API token, whether the pod needs one or not. A pod's own automountServiceAccountToken overrides it.",
		"set automountServiceAccountToken: false on the ServiceAccount and mount a token only in pods that call the API server")
	ruleLegacyServiceAccountToken = rule("LegacyServiceAccountToken", "Long-lived service account token", risk, medium, -3, helpLegacyTokens,
		"A Secret of type kubernetes.io/service-account-token, or a ServiceAccount listing secrets, holds a non-expiring API token (not auto-created since v1.24). Anyone who can read the Secret acts as the ServiceAccount forever.",
		"delete the token Secret and use short-lived tokens (TokenRequest, projected serviceAccountToken volumes, kubectl create token)")
	ruleSecretManifestCommitted = rule("SecretManifestCommitted", "Secret values in a manifest", check, info, 0, helpSecrets,
		"A Secret with non-empty data or stringData in a scanned manifest means secret material is stored with the manifests (base64 is not encryption).",
		"keep secret values out of the repository: use an external secret store, sealed or encrypted secrets, or create the Secret at deploy time")
	ruleServiceNodePort = rule("ServiceNodePort", "Service opens a port on every node", risk, medium, -3, helpService,
		"type: NodePort (and LoadBalancer, unless allocateLoadBalancerNodePorts: false) opens the service port on every node's addresses, bypassing whatever fronts the cluster.",
		"use type ClusterIP behind an Ingress or Gateway, or set allocateLoadBalancerNodePorts: false on a LoadBalancer")
	ruleServiceLoadBalancerOpen = rule("ServiceLoadBalancerUnrestricted", "LoadBalancer open to any source", risk, medium, -3, helpService,
		"type: LoadBalancer without spec.loadBalancerSourceRanges accepts traffic from any address the load balancer is reachable from (usually the Internet).",
		"set spec.loadBalancerSourceRanges to the client CIDRs that need access")
	ruleServiceExternalIPs = rule("ServiceExternalIPs", "Service sets externalIPs", risk, high, -9, helpService,
		"spec.externalIPs makes kube-proxy capture traffic to those addresses on every node: whoever can create such a Service can intercept cluster traffic to any IP (CVE-2020-8554), unless the DenyServiceExternalIPs admission plugin is on.",
		"remove spec.externalIPs and use a LoadBalancer or an Ingress", "CVE-2020-8554")
	ruleIngressNoTLS = rule("IngressNoTLS", "Ingress host served without TLS", risk, medium, -3, helpIngress,
		"The Ingress has no spec.tls, or a rule host is not covered by any spec.tls[].hosts entry (a wildcard *.example.com covers exactly one more DNS label), so that host is served over plain HTTP.",
		"add a spec.tls entry whose hosts cover every rule host, with a kubernetes.io/tls Secret")
	ruleIngressTLSNoSecret = rule("IngressTLSNoSecret", "Ingress TLS entry without a Secret", check, low, 0, helpIngress,
		"A spec.tls entry without secretName falls back to the controller's default certificate, which rarely matches the host.",
		"set spec.tls[].secretName to a kubernetes.io/tls Secret for the hosts")
	ruleIngressWildcardHost = rule("IngressWildcardHost", "Ingress wildcard or catch-all host", check, low, 0, helpIngress,
		"A rule host starting with *. or a rule without host matches many (or all) Host headers, exposing the backend under names nobody reviewed.",
		"name each host explicitly in spec.rules[].host")
	ruleIngressClassMissing = rule("IngressClassMissing", "Ingress without ingressClassName", check, low, 0, helpIngress,
		"Without spec.ingressClassName the Ingress is served by the cluster's default IngressClass, or by every controller that watches class-less Ingresses (the kubernetes.io/ingress.class annotation was never formally specified).",
		"set spec.ingressClassName")
	ruleIngressNginxSnippet = rule("IngressNginxSnippetAnnotation", "ingress-nginx snippet annotation", risk, high, -9, helpIngressNginx,
		"A *-snippet annotation (configuration-snippet, server-snippet, auth-snippet, modsecurity-snippet, stream-snippet; Critical risk in ingress-nginx) injects raw NGINX configuration: whoever can write Ingresses can read the controller's token and every Secret it can see.",
		"remove the snippet annotation; keep allow-snippet-annotations: \"false\" (the default since controller v1.9.0) in the controller ConfigMap",
		"CVE-2021-25742", "CVE-2023-5043")
	ruleIngressNginxRisky = rule("IngressNginxRiskyAnnotation", "ingress-nginx high-risk annotation", risk, high, -9, helpIngressNginx,
		"An annotation ingress-nginx rates High risk (auth-url, auth-signin, auth-tls-match-cn, auth-tls-error-page, mirror-host, mirror-target, server-alias, modsecurity-transaction-id, proxy-ssl-name, upstream-hash-by) was the vector of configuration-injection CVEs fixed in controller v1.11.5/v1.12.1; it is Critical when its value contains injection characters. The project is retired (no fixes after March 2026).",
		"remove the annotation or check its value; run controller v1.12.1 or later with --enable-annotation-validation, or migrate off ingress-nginx",
		"CVE-2025-24514", "CVE-2025-1097", "CVE-2025-1098", "CVE-2025-1974", "CVE-2021-25746")
	ruleIngressNginxRedirect = rule("IngressNginxRedirectInjection", "ingress-nginx redirect or rewrite injection", risk, high, -9, helpIngressNginx,
		"permanent-redirect, temporal-redirect, rewrite-target or app-root carries characters that are not part of a clean URL or path (; { } quotes, newline, $ other than $1..$9): NGINX directive injection.",
		"use a plain URL or path as the annotation value", "CVE-2023-5044")
	ruleIngressSensitivePath = rule("IngressSensitivePath", "Ingress path points at sensitive files or uses regex with Exact/Prefix", risk, high, -9, helpIngressNginx,
		"A path containing /var/run/secrets or serviceaccount can expose the controller's token through alias/root tricks (CVE-2021-25745); regex characters in an Exact or Prefix path bypass path sanitisation (CVE-2022-4886).",
		"use plain paths of letters, digits, - _ and /", "CVE-2021-25745", "CVE-2022-4886")
	ruleRuntimeClassInvalidHandler = rule("RuntimeClassInvalidHandler", "RuntimeClass handler invalid", check, medium, 0, helpRuntimeClass,
		"handler must be a lower-case DNS-1123 label naming a CRI runtime; the API server rejects anything else.",
		"set handler to the CRI runtime name (runsc, kata, ...)")
	ruleSandboxRuntimeClassNoNodeSelector = rule("SandboxRuntimeClassNoNodeSelector", "Sandbox RuntimeClass without nodeSelector", check, low, 0, helpRuntimeClass,
		"A RuntimeClass for a sandboxed runtime (gVisor runsc, Kata) without scheduling.nodeSelector lets its pods land on nodes that lack the handler, where they fail to start.",
		"set scheduling.nodeSelector to the label of the nodes that have the runtime")
	rulePeerAuthDisabled = rule("PeerAuthDisabled", "Istio mTLS disabled", risk, high, -9, helpPeerAuth,
		"A PeerAuthentication with mtls.mode DISABLE (policy-wide or on a port) accepts plaintext only: no workload identity, no encryption.",
		"set mtls.mode: STRICT")
	rulePeerAuthPermissive = rule("PeerAuthPermissive", "Istio mTLS permissive", risk, medium, -3, helpPeerAuth,
		"mtls.mode PERMISSIVE (or UNSET/no mtls at mesh or namespace level, which means PERMISSIVE) accepts plaintext besides mTLS, so a caller outside the mesh bypasses identity checks.",
		"set mtls.mode: STRICT once every client is in the mesh")
	rulePeerAuthMeshStrict = rule("PeerAuthMeshStrict", "Istio mTLS STRICT mesh-wide", hardening, low, 1, helpPeerAuth,
		"A selector-less PeerAuthentication in the mesh root namespace (Options.MeshRootNamespace, istio-system by default) with mtls.mode STRICT requires mTLS for the whole mesh.",
		"create a PeerAuthentication named default in the root namespace with spec.mtls.mode: STRICT")
	rulePeerAuthInvalid = rule("PeerAuthInvalid", "Istio PeerAuthentication invalid", check, medium, 0, helpPeerAuth,
		"portLevelMtls requires a selector, ports must be 1-65535 and modes one of UNSET, DISABLE, PERMISSIVE, STRICT; Istio rejects or ignores such policies.",
		"fix the PeerAuthentication as Istio's validation requires")
)

var otherKindRules = []*kubeharden.Rule{
	&ruleServiceAccountAutomount, &ruleLegacyServiceAccountToken, &ruleSecretManifestCommitted,
	&ruleServiceNodePort, &ruleServiceLoadBalancerOpen, &ruleServiceExternalIPs,
	&ruleIngressNoTLS, &ruleIngressTLSNoSecret, &ruleIngressWildcardHost, &ruleIngressClassMissing,
	&ruleIngressNginxSnippet, &ruleIngressNginxRisky, &ruleIngressNginxRedirect, &ruleIngressSensitivePath,
	&ruleRuntimeClassInvalidHandler, &ruleSandboxRuntimeClassNoNodeSelector,
	&rulePeerAuthDisabled, &rulePeerAuthPermissive, &rulePeerAuthMeshStrict, &rulePeerAuthInvalid,
}

// kindChecks are the extractors of the kinds above (merged into kindTable).
var kindChecks = map[string]extractor{
	"ServiceAccount": typed(func(o *corev1.ServiceAccount) *object {
		return &object{meta: &o.ObjectMeta, check: func(s *scanner) { checkServiceAccountObject(s, o) }}
	}),
	"Secret": typed(func(o *corev1.Secret) *object {
		return &object{meta: &o.ObjectMeta, check: func(s *scanner) { checkSecret(s, o) }}
	}),
	"Service": typed(func(o *corev1.Service) *object {
		return &object{meta: &o.ObjectMeta, check: func(s *scanner) { checkService(s, o) }}
	}),
	"Ingress": func(d *decode.Document) (*object, []decode.FieldProblem, error) {
		if d.Meta.APIVersion != "networking.k8s.io/v1" {
			return nil, nil, nil // older API versions have another schema
		}
		return typed(func(o *networkingv1.Ingress) *object {
			return &object{meta: &o.ObjectMeta, check: func(s *scanner) { checkIngress(s, o) }}
		})(d)
	},
	"RuntimeClass": func(d *decode.Document) (*object, []decode.FieldProblem, error) {
		if d.Meta.APIVersion != "node.k8s.io/v1" {
			return nil, nil, nil
		}
		return typed(func(o *nodev1.RuntimeClass) *object {
			return &object{meta: &o.ObjectMeta, check: func(s *scanner) { checkRuntimeClass(s, o) }, clusterScoped: true}
		})(d)
	},
	"PeerAuthentication": extractPeerAuth,
}

func checkServiceAccountObject(s *scanner, o *corev1.ServiceAccount) {
	if v := o.AutomountServiceAccountToken; v != nil && !*v {
		s.pass(&ruleServiceAccountAutomount, "the ServiceAccount does not mount tokens by default", "automountServiceAccountToken")
	} else {
		msg := "the ServiceAccount mounts its token into every pod that uses it (automountServiceAccountToken is not false)"
		if o.Name == "default" {
			msg = "the namespace's default ServiceAccount mounts its token into every pod that does not choose another account"
		}
		f := s.fail(&ruleServiceAccountAutomount, msg, "automountServiceAccountToken", "set automountServiceAccountToken: false")
		s.patch(f, kubeharden.PatchOp{Op: "add", Path: "/automountServiceAccountToken", Value: false})
	}
	if len(o.Secrets) > 0 {
		names := make([]string, 0, len(o.Secrets))
		for _, r := range o.Secrets {
			names = append(names, strconv.Quote(r.Name))
		}
		s.fail(&ruleLegacyServiceAccountToken, "the ServiceAccount lists secrets ("+strings.Join(names, ", ")+"), the legacy long-lived token mechanism", "secrets",
			"remove secrets from the ServiceAccount and delete the token Secrets; pods get short-lived projected tokens")
	}
}

func checkSecret(s *scanner, o *corev1.Secret) {
	if o.Type == corev1.SecretTypeServiceAccountToken {
		sa := o.Annotations[corev1.ServiceAccountNameKey]
		s.fail(&ruleLegacyServiceAccountToken, fmt.Sprintf("the Secret is a long-lived token of the ServiceAccount %q (type kubernetes.io/service-account-token)", sa), "type",
			"delete this Secret and use short-lived tokens (TokenRequest)")
	}
	var keys []string
	path := ""
	for k := range o.Data {
		keys = append(keys, k)
		path = "data"
	}
	for k := range o.StringData {
		keys = append(keys, k)
		if path == "" {
			path = "stringData"
		}
	}
	if len(keys) > 0 {
		sort.Strings(keys)
		s.fail(&ruleSecretManifestCommitted, fmt.Sprintf("the manifest carries values of the Secret (keys %s)", strings.Join(keys, ", ")), path, "")
	}
}

func checkService(s *scanner, o *corev1.Service) {
	switch o.Spec.Type {
	case corev1.ServiceTypeNodePort:
		s.fail(&ruleServiceNodePort, "type: NodePort opens the port on every node", "spec.type", "use type: ClusterIP behind an Ingress or Gateway")
	case corev1.ServiceTypeLoadBalancer:
		if v := o.Spec.AllocateLoadBalancerNodePorts; v == nil || *v {
			f := s.fail(&ruleServiceNodePort, "type: LoadBalancer also allocates a node port on every node (allocateLoadBalancerNodePorts is not false)", "spec.type",
				"set spec.allocateLoadBalancerNodePorts: false if the load balancer routes to pods directly")
			f.Severity, f.Points = low, -1
		}
		if len(o.Spec.LoadBalancerSourceRanges) == 0 && o.Annotations["service.beta.kubernetes.io/load-balancer-source-ranges"] == "" {
			s.fail(&ruleServiceLoadBalancerOpen, "type: LoadBalancer without loadBalancerSourceRanges accepts any source address", "spec.type",
				"set spec.loadBalancerSourceRanges to the client CIDRs")
		}
	}
	dashboardService(s, o)
	if len(o.Spec.ExternalIPs) > 0 {
		s.fail(&ruleServiceExternalIPs, "spec.externalIPs "+strings.Join(o.Spec.ExternalIPs, ", ")+" lets the Service capture traffic to those addresses", "spec.externalIPs",
			"remove spec.externalIPs")
	}
}

// tlsCovers reports whether a TLS host entry covers a rule host: equal,
// or a wildcard *.d covering exactly one more label.
func tlsCovers(tlsHost, host string) bool {
	tlsHost, host = strings.ToLower(tlsHost), strings.ToLower(host)
	if tlsHost == host {
		return true
	}
	if d, ok := strings.CutPrefix(tlsHost, "*."); ok {
		label, rest, found := strings.Cut(host, ".")
		return found && label != "" && label != "*" && rest == d
	}
	return false
}

var (
	nginxSnippets = []string{"configuration-snippet", "server-snippet", "auth-snippet", "modsecurity-snippet", "stream-snippet"}
	nginxHighRisk = map[string]string{
		"auth-url": "CVE-2025-24514", "auth-tls-match-cn": "CVE-2025-1097", "mirror-target": "CVE-2025-1098", "mirror-host": "CVE-2025-1098",
		"auth-signin": "", "auth-tls-error-page": "", "server-alias": "", "modsecurity-transaction-id": "", "proxy-ssl-name": "", "upstream-hash-by": "",
	}
	nginxRedirects = []string{"permanent-redirect", "temporal-redirect", "rewrite-target", "app-root"}
	// The injection patterns Trivy KCV-0093 uses for URL-valued and CN
	// annotations.
	injectURL      = regexp.MustCompile("https?://[^\\s<>\"{}|^`\\\\\\r\\n]*[\\r\\n<>\"{}|^`\\\\][^\\s]*")
	injectCN       = regexp.MustCompile(`CN=.*[\r\n#{};|].*`)
	blocklistWords = []string{"load_module", "lua_package", "_by_lua", "location", "root", "proxy_pass", "serviceaccount", "{", "}", "'", "\""}
	cleanPath      = regexp.MustCompile(`^[A-Za-z0-9\-_/.]*$`)
)

func annotationFieldPath(key string) string { return "metadata.annotations[" + key + "]" }

func checkIngress(s *scanner, o *networkingv1.Ingress) {
	if o.Spec.IngressClassName == nil || *o.Spec.IngressClassName == "" {
		msg := "the Ingress sets no spec.ingressClassName"
		if c := o.Annotations["kubernetes.io/ingress.class"]; c != "" {
			msg += " (only the legacy annotation kubernetes.io/ingress.class: " + c + ")"
		}
		s.fail(&ruleIngressClassMissing, msg, "spec", "set spec.ingressClassName")
	} else {
		s.pass(&ruleIngressClassMissing, "the Ingress names its class", "spec.ingressClassName")
	}
	for i, t := range o.Spec.TLS {
		if t.SecretName == "" {
			s.fail(&ruleIngressTLSNoSecret, fmt.Sprintf("TLS entry %d has no secretName (the controller's default certificate is served)", i),
				"spec.tls["+strconv.Itoa(i)+"]", "set spec.tls["+strconv.Itoa(i)+"].secretName")
		}
	}
	if len(o.Spec.TLS) == 0 {
		s.fail(&ruleIngressNoTLS, "the Ingress has no spec.tls: every host is served over plain HTTP", "spec", "add spec.tls with the hosts and a kubernetes.io/tls Secret")
	}
	noTLS := len(o.Spec.TLS) == 0
	uncovered := false
	for i, r := range o.Spec.Rules {
		fp := "spec.rules[" + strconv.Itoa(i) + "]"
		switch {
		case r.Host == "":
			s.fail(&ruleIngressWildcardHost, fmt.Sprintf("rule %d has no host: it matches every Host header", i), fp, "set "+fp+".host")
		case strings.HasPrefix(r.Host, "*."):
			s.fail(&ruleIngressWildcardHost, fmt.Sprintf("rule %d matches the wildcard host %s", i, r.Host), fp+".host", "name the hosts explicitly")
		}
		if !noTLS && r.Host != "" && !slices.ContainsFunc(o.Spec.TLS, func(t networkingv1.IngressTLS) bool {
			return slices.ContainsFunc(t.Hosts, func(h string) bool { return tlsCovers(h, r.Host) })
		}) {
			uncovered = true
			s.fail(&ruleIngressNoTLS, fmt.Sprintf("host %s is not covered by any spec.tls hosts entry: it is served over plain HTTP", r.Host), fp+".host",
				"add "+r.Host+" to spec.tls[].hosts")
		}
		if r.HTTP != nil {
			for j, p := range r.HTTP.Paths {
				pp := fp + ".http.paths[" + strconv.Itoa(j) + "].path"
				low := strings.ToLower(p.Path)
				if strings.Contains(low, "/var/run/secrets") || strings.Contains(low, "serviceaccount") {
					f := s.fail(&ruleIngressSensitivePath, fmt.Sprintf("path %q refers to service account token files", p.Path), pp, "remove the path")
					f.Refs = []string{"CVE-2021-25745"}
				} else if p.PathType != nil && (*p.PathType == networkingv1.PathTypeExact || *p.PathType == networkingv1.PathTypePrefix) && !cleanPath.MatchString(p.Path) {
					f := s.fail(&ruleIngressSensitivePath, fmt.Sprintf("path %q of pathType %s contains characters outside [A-Za-z0-9-_/.]", p.Path, *p.PathType), pp,
						"use pathType ImplementationSpecific for regex paths, or a plain path")
					f.Severity, f.Points = medium, -3
					f.Refs = []string{"CVE-2022-4886"}
				}
			}
		}
	}
	if !noTLS && !uncovered {
		s.pass(&ruleIngressNoTLS, "every host is covered by TLS", "spec.tls")
	}
	// ingress-nginx annotations, in a stable order.
	keys := make([]string, 0, len(o.Annotations))
	for k := range o.Annotations {
		if strings.HasPrefix(k, nginxAnnotationPfx) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		name, v := strings.TrimPrefix(k, nginxAnnotationPfx), o.Annotations[k]
		fp := annotationFieldPath(k)
		switch {
		case slices.Contains(nginxSnippets, name):
			s.fail(&ruleIngressNginxSnippet, "the annotation "+k+" injects raw NGINX configuration (Critical risk in ingress-nginx)", fp, "remove the annotation "+k)
		case func() bool { _, ok := nginxHighRisk[name]; return ok }():
			msg := "the annotation " + k + " is High risk in ingress-nginx"
			if cve := nginxHighRisk[name]; cve != "" {
				msg += " (" + cve + ")"
			}
			f := s.fail(&ruleIngressNginxRisky, msg, fp, "remove the annotation or validate its value; run ingress-nginx v1.12.1 or later")
			if cve := nginxHighRisk[name]; cve != "" {
				f.Refs = []string{cve, "CVE-2025-1974"}
			}
			if injectURL.MatchString(v) || injectCN.MatchString(v) || containsBlocked(v) {
				f.Severity, f.Points = critical, -30
				f.Message += "; its value contains configuration-injection characters"
			}
		case slices.Contains(nginxRedirects, name):
			if !cleanRedirect(v) {
				s.fail(&ruleIngressNginxRedirect, fmt.Sprintf("the annotation %s has the value %q, which is not a clean URL or path", k, v), fp, "use a plain URL or path")
			}
		}
	}
}

// directiveWord finds the blocklist words "root" and "location" used as
// NGINX directives (a whole word followed by a blank): plain URLs and names
// often contain them otherwise.
var directiveWord = regexp.MustCompile(`(^|[^A-Za-z0-9_])(root|location)[ \t]`)

func containsBlocked(v string) bool {
	for _, w := range blocklistWords {
		if w == "root" || w == "location" {
			continue
		}
		if strings.Contains(v, w) {
			return true
		}
	}
	return directiveWord.MatchString(v)
}

// cleanRedirect: no ; { } quotes, newlines, backquotes or $ other than
// $1..$9 capture references.
func cleanRedirect(v string) bool {
	if strings.ContainsAny(v, ";{}'\"`\r\n\\ ") {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] == '$' && (i+1 >= len(v) || v[i+1] < '1' || v[i+1] > '9') {
			return false
		}
	}
	return true
}

var dns1123Label = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// sandboxHandler reports whether a RuntimeClass handler or name denotes a
// sandboxed runtime: gVisor (runsc, gvisor) or Kata Containers (kata*).
func sandboxHandler(h string) bool {
	h = strings.ToLower(h)
	return h == "runsc" || strings.Contains(h, "gvisor") || strings.HasPrefix(h, "kata") || strings.HasPrefix(h, "runsc-")
}

func checkRuntimeClass(s *scanner, o *nodev1.RuntimeClass) {
	if len(o.Handler) > 63 || !dns1123Label.MatchString(o.Handler) {
		s.fail(&ruleRuntimeClassInvalidHandler, fmt.Sprintf("handler %q is not a lower-case DNS-1123 label", o.Handler), "handler", "")
	} else {
		s.pass(&ruleRuntimeClassInvalidHandler, "handler "+o.Handler+" is a valid DNS label", "handler")
	}
	if sandboxHandler(o.Handler) {
		if o.Scheduling == nil || len(o.Scheduling.NodeSelector) == 0 {
			s.fail(&ruleSandboxRuntimeClassNoNodeSelector, "the sandbox RuntimeClass (handler "+o.Handler+") has no scheduling.nodeSelector", "handler", "")
		} else {
			s.pass(&ruleSandboxRuntimeClassNoNodeSelector, "the sandbox RuntimeClass selects its nodes", "scheduling.nodeSelector")
		}
	}
}

// peerAuthentication is the part of Istio's security.istio.io
// PeerAuthentication the rules read (v1 and v1beta1 share the schema).
type peerAuthentication struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		Selector *struct {
			MatchLabels map[string]string `json:"matchLabels,omitempty"`
		} `json:"selector,omitempty"`
		Mtls *struct {
			Mode string `json:"mode,omitempty"`
		} `json:"mtls,omitempty"`
		PortLevelMtls map[string]struct {
			Mode string `json:"mode,omitempty"`
		} `json:"portLevelMtls,omitempty"`
	} `json:"spec"`
}

func extractPeerAuth(d *decode.Document) (*object, []decode.FieldProblem, error) {
	if !strings.HasPrefix(d.Meta.APIVersion, "security.istio.io/") {
		return nil, nil, nil
	}
	var v peerAuthentication
	problems, err := d.Into(&v)
	if err != nil {
		return nil, nil, err
	}
	// Our struct is a subset of the CRD's schema: keep only duplicate keys.
	kept := problems[:0]
	for _, p := range problems {
		if p.Kind == decode.DuplicateKey {
			kept = append(kept, p)
		}
	}
	return &object{meta: &v.ObjectMeta, check: func(s *scanner) { checkPeerAuth(s, &v) }}, kept, nil
}

var peerAuthModes = []string{"", "UNSET", "DISABLE", "PERMISSIVE", "STRICT"}

func checkPeerAuth(s *scanner, o *peerAuthentication) {
	root := s.opts.meshRoot
	hasSelector := o.Spec.Selector != nil && len(o.Spec.Selector.MatchLabels) > 0
	meshWide := o.Namespace == root && !hasSelector
	mode := ""
	if o.Spec.Mtls != nil {
		mode = o.Spec.Mtls.Mode
	}
	scope := "namespace " + strconv.Quote(o.Namespace)
	switch {
	case meshWide:
		scope = "the whole mesh"
	case hasSelector:
		scope = "the selected workloads"
	}
	invalid := false
	if !slices.Contains(peerAuthModes, mode) {
		invalid = true
		s.fail(&rulePeerAuthInvalid, fmt.Sprintf("unknown mtls.mode %q", mode), "spec.mtls.mode", "use UNSET, DISABLE, PERMISSIVE or STRICT")
	}
	if len(o.Spec.PortLevelMtls) > 0 && !hasSelector {
		invalid = true
		s.fail(&rulePeerAuthInvalid, "portLevelMtls requires a selector", "spec.portLevelMtls", "add spec.selector.matchLabels or remove spec.portLevelMtls")
	}
	if hasSelector && o.Namespace == root {
		invalid = true
		s.fail(&rulePeerAuthInvalid, "a selector policy in the mesh root namespace "+root+" is ambiguous (Istio's documentation contradicts itself on whether it applies)", "spec.selector",
			"move the policy to the workloads' namespace")
	}
	switch mode {
	case "DISABLE":
		s.fail(&rulePeerAuthDisabled, "mtls.mode DISABLE turns mTLS off for "+scope, "spec.mtls.mode", "set spec.mtls.mode: STRICT")
	case "PERMISSIVE":
		s.fail(&rulePeerAuthPermissive, "mtls.mode PERMISSIVE accepts plaintext for "+scope, "spec.mtls.mode", "set spec.mtls.mode: STRICT")
	case "", "UNSET":
		if !hasSelector {
			fp := "spec.mtls.mode"
			if o.Spec.Mtls == nil {
				fp = "spec"
			}
			s.fail(&rulePeerAuthPermissive, "no mtls.mode at "+scope+" level: inherited, PERMISSIVE when nothing else applies", fp, "set spec.mtls.mode: STRICT")
		}
	}
	ports := make([]string, 0, len(o.Spec.PortLevelMtls))
	for p := range o.Spec.PortLevelMtls {
		ports = append(ports, p)
	}
	sort.Strings(ports)
	for _, p := range ports {
		pm := o.Spec.PortLevelMtls[p]
		fp := "spec.portLevelMtls[" + p + "].mode"
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			invalid = true
			s.fail(&rulePeerAuthInvalid, fmt.Sprintf("port %q is not in 1-65535", p), "spec.portLevelMtls["+p+"]", "use a container port number")
		}
		switch pm.Mode {
		case "DISABLE":
			s.fail(&rulePeerAuthDisabled, "mtls.mode DISABLE on port "+p, fp, "set the port's mode to STRICT")
		case "PERMISSIVE":
			f := s.fail(&rulePeerAuthPermissive, "mtls.mode PERMISSIVE on port "+p, fp, "set the port's mode to STRICT")
			f.Severity, f.Points = low, -1
		default:
			if !slices.Contains(peerAuthModes, pm.Mode) {
				invalid = true
				s.fail(&rulePeerAuthInvalid, fmt.Sprintf("unknown mode %q on port %s", pm.Mode, p), fp, "use UNSET, DISABLE, PERMISSIVE or STRICT")
			}
		}
	}
	if !invalid {
		s.pass(&rulePeerAuthInvalid, "the PeerAuthentication is valid", "spec")
	}
	if meshWide {
		if mode == "STRICT" {
			s.pass(&rulePeerAuthMeshStrict, "mTLS is STRICT mesh-wide", "spec.mtls.mode")
		} else {
			s.fail(&rulePeerAuthMeshStrict, "the mesh-wide PeerAuthentication is not STRICT", "spec", "set spec.mtls.mode: STRICT")
		}
	}
}
