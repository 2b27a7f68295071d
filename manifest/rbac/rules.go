package rbac

import (
	"github.com/kubeharden/kubeharden"
)

const (
	helpRBAC       = "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"
	helpRBACRef    = "https://kubernetes.io/docs/reference/access-authn-authz/rbac/"
	helpEscalation = "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks"

	risk = kubeharden.KindRisk

	info     = kubeharden.SeverityInfo
	low      = kubeharden.SeverityLow
	medium   = kubeharden.SeverityMedium
	high     = kubeharden.SeverityHigh
	critical = kubeharden.SeverityCritical
)

// pointsFor is the kubesec-scale weight of a risk at a severity; findings
// whose severity depends on scope carry the points of their severity.
func pointsFor(s kubeharden.Severity) int {
	switch s {
	case kubeharden.SeverityCritical:
		return -30
	case kubeharden.SeverityHigh:
		return -9
	case kubeharden.SeverityMedium:
		return -3
	case kubeharden.SeverityLow:
		return -1
	}
	return 0
}

func rule(name, title string, sev kubeharden.Severity, help, desc, remediation string, refs ...string) kubeharden.Rule {
	return kubeharden.Rule{ID: "manifest/" + name, Title: title, Description: desc, Kind: risk, Severity: sev,
		Points: pointsFor(sev), Refs: refs, Remediation: remediation, HelpURL: help}
}

// The catalogue. Severities are those of the worst case (a ClusterRole,
// which a ClusterRoleBinding can grant everywhere); findings on a namespaced
// Role, or on a ClusterRole granted through a RoleBinding, carry the lower
// severity the rule's description names, with matching points.
var (
	ruleWildcardAll = rule("RBACWildcardAll", "Role grants every permission", critical, helpRBAC,
		"A rule with verbs, apiGroups and resources all \"*\" grants every action on every resource and subresource, present and future: it is cluster-admin (or namespace owner, in a Role). Other findings on that rule are not repeated.",
		"list the verbs, apiGroups and resources the workload actually needs", "CIS 5.1.3", "Trivy KSV-0044", "kube-linter wildcard-in-rules")
	ruleWildcardVerb = rule("RBACWildcardVerb", "Role grants every verb on a sensitive resource", critical, helpRBAC,
		"verbs: [\"*\"] on secrets, pods, workload controllers, roles, role bindings, service accounts, users or groups grants every verb, including escalate, bind and impersonate and verbs added in later releases.",
		"replace \"*\" with the verbs needed (for example get, list, watch)", "CIS 5.1.3", "Trivy KSV-0045")
	ruleWildcardResource = rule("RBACWildcardResource", "Role grants a verb on every resource", critical, helpRBAC,
		"resources: [\"*\"] matches every resource and every subresource of the listed groups (secrets, pods/exec, serviceaccounts/token, ...), including resources defined later by CRDs (High in one namespace; one level lower when the groups include neither the core group nor \"*\").",
		"list the resources needed instead of \"*\"", "CIS 5.1.3", "Trivy KSV-0046", "Trivy KSV-0112", "kube-linter wildcard-in-rules")
	ruleSecretsRead = rule("RBACSecretsRead", "Role can read Secrets", critical, helpRBAC,
		"get, list or watch on secrets returns Secret contents (list and watch too, not just get): service-account tokens, TLS keys, registry and cloud credentials. Critical where granted cluster-wide (a ClusterRole), Medium in one namespace (a Role, or a ClusterRole through a RoleBinding), one level lower when limited by resourceNames; write verbs alone are a lesser finding, Medium / Low (creating a kubernetes.io/service-account-token Secret mints a token).",
		"remove secrets from the rule, or restrict it to the named Secrets the workload needs with resourceNames and the get verb", "CIS 5.1.2", "Trivy KSV-0041", "Trivy KSV-0113", "kube-linter access-to-secrets")
	ruleCreateWorkloads = rule("RBACCreateWorkloads", "Role can create pods or workloads", high, helpRBAC,
		"create on pods, or create/update/patch on deployments, daemonsets, statefulsets, replicasets, replicationcontrollers, jobs or cronjobs lets the holder run a pod that mounts any Secret, ConfigMap or ServiceAccount token of the namespace, or a hostPath unless admission forbids it.",
		"remove the create/update/patch verbs on pods and workload resources; deploy through a pipeline identity instead", "CIS 5.1.4", "Trivy KSV-0048", "kube-linter access-to-create-pods")
	rulePodExec = rule("RBACPodExec", "Role can run commands in pods", high, helpRBAC,
		"pods/exec, pods/attach or pods/portforward with create or get (WebSocket upgrades are GET requests), or pods/ephemeralcontainers with update/patch, gives a shell or a network tunnel into running pods and their credentials. Only \"*\" or an entry naming the subresource (pods/exec, */exec) grants it: plain \"pods\" does not.",
		"remove the pods/exec, pods/attach, pods/portforward and pods/ephemeralcontainers entries", "Trivy KSV-0053", "Trivy KSV-0054", "Polaris clusterrolePodExecAttach")
	ruleEscalateBind = rule("RBACEscalateBind", "Role can escalate or bind roles", critical, helpEscalation,
		"escalate on roles/clusterroles lets the holder add any permission to a role; bind lets it create bindings to roles with permissions it does not hold itself. Both bypass RBAC's escalation prevention.",
		"remove the escalate and bind verbs", "Trivy KSV-0050", "Trivy KSV-0051", "Trivy KSV-0052")
	ruleImpersonate = rule("RBACImpersonate", "Role can impersonate identities", critical, helpEscalation,
		"impersonate on users, groups, serviceaccounts, uids or userextras lets the holder act as another identity, for groups including system:masters.",
		"remove the impersonate verb, or restrict it with resourceNames to the identities needed", "Trivy KSV-0043")
	ruleNodesProxy = rule("RBACNodesProxy", "Role can reach the kubelet API through nodes/proxy", high, helpEscalation,
		"get (WebSocket) or create on nodes/proxy reaches the kubelet API, including exec in every pod of the node, bypassing audit logging and admission control.",
		"remove nodes/proxy from the rule", "Trivy KSV-0047")
	ruleTokenRequest = rule("RBACTokenRequest", "Role can mint service-account tokens", critical, helpEscalation,
		"create on serviceaccounts/token issues tokens for the service accounts it covers (all of the namespace, or cluster-wide), acting as them.",
		"remove create on serviceaccounts/token, or restrict it with resourceNames to one service account")
	ruleApproveCSR = rule("RBACApproveCSR", "Role can approve certificate signing requests", critical, helpEscalation,
		"update on certificatesigningrequests/approval together with approve on signers lets the holder approve its own CSR, for example a client certificate for the kube-apiserver-client signer naming any user or group. The approval subresource without approve on signers is reported as Medium: the other half may come from another role.",
		"remove update on certificatesigningrequests/approval and approve on signers")
	ruleWebhookConfig = rule("RBACWebhookConfig", "Role can change admission control", critical, helpEscalation,
		"write verbs on mutating/validating webhook configurations or admission policies let the holder intercept and rewrite every object sent to the API server (Secrets included), or switch validation off.",
		"remove write verbs on admissionregistration.k8s.io resources", "Trivy KSV-0114")
	rulePersistentVolume = rule("RBACPersistentVolumeCreate", "Role can create PersistentVolumes", high, helpEscalation,
		"create on persistentvolumes allows a hostPath volume that a pod in any namespace can then claim, bypassing restrictions on hostPath in pod specs.",
		"remove create on persistentvolumes; provision through a StorageClass")
	ruleStatusPatch = rule("RBACStatusOrNamespacePatch", "Role can modify namespaces, nodes or object status", medium, helpRBAC,
		"update/patch on namespaces changes Pod Security Admission labels and NetworkPolicy selectors; on nodes and nodes/status, labels that steer scheduling; on pods/status and services/status, load-balancer IPs (CVE-2020-8554). Medium cluster-wide, Low in one namespace and for the status subresources.",
		"remove update and patch on namespaces, nodes and status subresources")
	ruleKubeSystemConfigMaps = rule("RBACKubeSystemConfigMaps", "Role can write ConfigMaps in kube-system", high, helpRBAC,
		"Write verbs on configmaps in kube-system reach cluster configuration such as EKS's aws-auth (which maps IAM identities to groups, system:masters included) and kube-proxy's or CoreDNS's config (Medium for a ClusterRole, which reaches kube-system only through a ClusterRoleBinding or a RoleBinding there).",
		"remove write verbs on configmaps from roles that apply in kube-system", "Trivy KSV-0049", "Trivy KSV-0115")
	ruleDeleteLogs = rule("RBACDeleteLogsOrEvents", "Role can delete events", medium, helpRBAC,
		"delete or deletecollection on events (core or events.k8s.io) or pods/log lets the holder cover its tracks.",
		"remove delete and deletecollection on events", "Trivy KSV-0042")
	ruleRoleBindingPatch = rule("RBACRoleBindingPatch", "Role can modify role bindings", low, helpRBAC,
		"get plus update/patch on rolebindings or clusterrolebindings lets the holder add subjects (itself) to existing bindings of roles it already holds.",
		"remove update and patch on role bindings", "Trivy KSV-0055")
	ruleNetworkingWrite = rule("RBACNetworkingWrite", "Role can modify network configuration", medium, helpRBAC,
		"Write verbs on services, endpoints, endpointslices, networkpolicies or ingresses can redirect traffic or remove network isolation.",
		"remove write verbs on networking resources", "Trivy KSV-0056")
	ruleNonResourceWildcard = rule("RBACNonResourceWildcard", "Role grants wildcard non-resource URLs", low, helpRBACRef,
		"nonResourceURLs \"*\" or a trailing-\"*\" prefix grants every API-server path under it (/debug/pprof, /metrics, /logs, ...). Only meaningful in a ClusterRole; in a Role the field is rejected.",
		"list the exact paths needed (for example /healthz, /version)")

	ruleBindingClusterAdmin = rule("BindingClusterAdmin", "Binding to a high-privilege built-in role", critical, helpRBAC,
		"roleRef names the ClusterRole cluster-admin (Critical: everything, cluster-wide through a ClusterRoleBinding or everything in the namespace through a RoleBinding), or admin or edit (High: Secrets, exec and workloads; cluster-wide through a ClusterRoleBinding).",
		"bind a role that grants only the permissions the subjects need", "CIS 5.1.1", "Trivy KSV-0111", "kube-linter cluster-admin-role-binding")
	ruleBindingAllServiceAccounts = rule("BindingAllServiceAccounts", "Binding to every service account", high, helpRBAC,
		"A subject Group system:serviceaccounts (every service account of the cluster) or system:serviceaccounts:<ns> (every one of a namespace) grants the role to every pod that mounts a token.",
		"bind the specific ServiceAccount instead of the group")
	ruleBindingDefaultSA = rule("BindingDefaultServiceAccount", "Binding to a default ServiceAccount", medium, "https://kubernetes.io/docs/concepts/security/service-accounts/",
		"A subject ServiceAccount named default (or the user system:serviceaccount:<ns>:default): every pod of the namespace that does not name another service account gets the role's permissions.",
		"create a dedicated ServiceAccount for the workload, bind the role to it and set serviceAccountName in its pods")
	ruleBindingRisky = rule("BindingGrantsRiskyPermission", "Subject receives a risky permission", critical, helpRBAC,
		"The subject receives, through a binding resolved within the scanned set, a permission that a role rule flags (secrets read, exec, escalate, ...). Severity and points are those of the role's finding in the binding's scope.",
		"remove the subject from the binding or bind a narrower role", "Polaris clusterrolebindingPodExecAttach", "kube-linter access-to-secrets")
	ruleBindingRoleMissing = rule("BindingRoleMissing", "Bound role not in the scanned set", info, helpRBACRef,
		"roleRef names a Role or ClusterRole that is neither in the scanned set nor a known built-in role: what the subjects receive cannot be evaluated.",
		"scan the role together with its bindings")
)

// catalogue lists the rules in reference order. It is never mutated.
var catalogue = []*kubeharden.Rule{
	&ruleWildcardAll, &ruleWildcardVerb, &ruleWildcardResource, &ruleSecretsRead, &ruleCreateWorkloads,
	&rulePodExec, &ruleEscalateBind, &ruleImpersonate, &ruleNodesProxy, &ruleTokenRequest, &ruleApproveCSR,
	&ruleWebhookConfig, &rulePersistentVolume, &ruleStatusPatch, &ruleKubeSystemConfigMaps, &ruleDeleteLogs,
	&ruleRoleBindingPatch, &ruleNetworkingWrite, &ruleNonResourceWildcard,
	&ruleBindingClusterAdmin, &ruleBindingAllServiceAccounts, &ruleBindingDefaultSA, &ruleBindingRisky, &ruleBindingRoleMissing,
}

// Rules returns the RBAC rules of the manifest catalogue (IDs
// "manifest/RBAC..." and "manifest/Binding..."). It does not repeat the
// decoding rules (manifest/UnknownField, ...) nor manifest/BindingAnonymous
// and manifest/BindingMasters, which package manifest catalogues; ScanDocument
// reports findings of those rules too, with the same IDs and weights.
func Rules() []kubeharden.Rule {
	out := make([]kubeharden.Rule, len(catalogue))
	for i, r := range catalogue {
		out[i] = *r
		out[i].Refs = append([]string(nil), r.Refs...)
	}
	return out
}

// Rules owned by package manifest that ScanDocument also reports on
// bindings; their ID, severity and points mirror manifest's catalogue.
var (
	ruleBindingAnonymous = rule("BindingAnonymous", "Role bound to unauthenticated users", critical, helpRBAC,
		"A RoleBinding or ClusterRoleBinding grants its role to the user system:anonymous or the group system:unauthenticated (anyone who can reach the API server), or to the group system:authenticated (anyone with any valid credential).",
		"remove the subject from the binding", "kubesec BindingsToSystemAnonymous")
	ruleBindingMasters = rule("BindingMasters", "Binding to the system:masters group", critical, helpRBAC,
		"Members of system:masters bypass RBAC and authorization webhooks entirely; a binding naming the group is a sign that it is used as an ordinary group.",
		"remove the subject from the binding")
)
