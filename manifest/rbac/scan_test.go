package rbac

import (
	"errors"
	"strings"
	"testing"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func scanOne(t testing.TB, src string) *kubeharden.Report {
	t.Helper()
	docs, errs := decode.Split([]byte(src), "rbac.yaml", decode.Options{})
	require.Empty(t, errs)
	require.Len(t, docs, 1)
	r, err := ScanDocument(docs[0])
	require.Nil(t, err)
	return r
}

func failed(r *kubeharden.Report, id string) []kubeharden.Finding {
	if r == nil {
		return nil
	}
	var out []kubeharden.Finding
	for _, f := range r.Findings {
		if f.RuleID == id && !f.Passed {
			out = append(out, f)
		}
	}
	return out
}

// role renders a Role (ns != "") or ClusterRole with the given rules block
// (YAML flow sequences of rules).
func role(kind, rules string) string {
	md := "metadata: {name: r, namespace: team}"
	if kind == "ClusterRole" {
		md = "metadata: {name: r}"
	}
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: " + kind + "\n" + md + "\nrules:\n" + rules
}

type ruleCase struct {
	name  string
	kind  string // Role or ClusterRole
	rules string
	id    string
	want  int                 // failed findings of id
	path  string              // path of the first one
	sev   kubeharden.Severity // severity of the first one
}

func runRuleCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := scanOne(t, role(c.kind, c.rules))
			got := failed(r, c.id)
			require.Len(t, got, c.want, "findings: %+v", r.Findings)
			if c.want > 0 {
				assert.Equal(t, c.path, got[0].Path)
				assert.Equal(t, c.sev, got[0].Severity)
				assert.Equal(t, pointsFor(c.sev), got[0].Points)
				assert.NotEmpty(t, got[0].Fix)
				assert.True(t, got[0].Position.IsValid(), "position of %s", got[0].Path)
			}
		})
	}
}

func TestWildcardRules(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"all wildcards cluster", "ClusterRole", `- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}`, "manifest/RBACWildcardAll", 1, "rules[0]", critical},
		{"all wildcards role", "Role", `- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}`, "manifest/RBACWildcardAll", 1, "rules[0]", critical},
		{"core group only is not all", "ClusterRole", `- {apiGroups: [""], resources: ["*"], verbs: ["*"]}`, "manifest/RBACWildcardAll", 0, "", 0},
		{"all wildcards suppresses the rest", "ClusterRole", `- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}`, "manifest/RBACSecretsRead", 0, "", 0},
		{"verb star on secrets", "ClusterRole", `- {apiGroups: [""], resources: ["configmaps", "secrets"], verbs: ["*"]}`, "manifest/RBACWildcardVerb", 1, "rules[0].verbs[0]", critical},
		{"verb star on secrets in a role", "Role", `- {apiGroups: [""], resources: ["secrets"], verbs: ["get", "*"]}`, "manifest/RBACWildcardVerb", 1, "rules[0].verbs[1]", critical},
		{"verb star on configmaps", "ClusterRole", `- {apiGroups: [""], resources: ["configmaps"], verbs: ["*"]}`, "manifest/RBACWildcardVerb", 0, "", 0},
		{"verb star wrong group", "ClusterRole", `- {apiGroups: ["apps"], resources: ["secrets"], verbs: ["*"]}`, "manifest/RBACWildcardVerb", 0, "", 0},
		{"verb star named", "ClusterRole", `- {apiGroups: [""], resources: ["secrets"], resourceNames: [a], verbs: ["*"]}`, "manifest/RBACWildcardVerb", 1, "rules[0].verbs[0]", high},
		{"resource star read", "ClusterRole", `- {apiGroups: [""], resources: ["*"], verbs: ["get"]}`, "manifest/RBACWildcardResource", 1, "rules[0].resources[0]", critical},
		{"resource star role", "Role", `- {apiGroups: ["apps"], resources: ["deployments", "*"], verbs: ["list"]}`, "manifest/RBACWildcardResource", 1, "rules[0].resources[1]", medium},
		{"resource star core role", "Role", `- {apiGroups: ["apps", ""], resources: ["*"], verbs: ["list"]}`, "manifest/RBACWildcardResource", 1, "rules[0].resources[0]", high},
		{"resource star apps cluster", "ClusterRole", `- {apiGroups: ["apps"], resources: ["*"], verbs: ["patch"]}`, "manifest/RBACWildcardResource", 1, "rules[0].resources[0]", high},
		{"verb star on users in a Role grants nothing", "Role", `- {apiGroups: [""], resources: ["users"], verbs: ["*"]}`, "manifest/RBACWildcardVerb", 0, "", 0},
		{"resource star other verb", "ClusterRole", `- {apiGroups: [""], resources: ["*"], verbs: ["use"]}`, "manifest/RBACWildcardResource", 0, "", 0},
		{"no resource star", "ClusterRole", `- {apiGroups: [""], resources: ["pods"], verbs: ["get"]}`, "manifest/RBACWildcardResource", 0, "", 0},
		{"non-resource star", "ClusterRole", `- {nonResourceURLs: ["/healthz", "/debug/*"], verbs: ["get"]}`, "manifest/RBACNonResourceWildcard", 1, "rules[0].nonResourceURLs[1]", low},
		{"non-resource exact", "ClusterRole", `- {nonResourceURLs: ["/healthz"], verbs: ["get"]}`, "manifest/RBACNonResourceWildcard", 0, "", 0},
	})
}

func TestSecretsRead(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"get secrets cluster", "ClusterRole", `- {apiGroups: [""], resources: ["pods", "secrets"], verbs: ["get"]}`, "manifest/RBACSecretsRead", 1, "rules[0].resources[1]", critical},
		{"list secrets role", "Role", `- {apiGroups: [""], resources: ["secrets"], verbs: ["list"]}`, "manifest/RBACSecretsRead", 1, "rules[0].resources[0]", medium},
		{"watch via group star", "Role", `- {apiGroups: ["*"], resources: ["secrets"], verbs: ["watch"]}`, "manifest/RBACSecretsRead", 1, "rules[0].resources[0]", medium},
		{"named secret", "Role", `- {apiGroups: [""], resources: ["secrets"], resourceNames: ["tls"], verbs: ["get"]}`, "manifest/RBACSecretsRead", 1, "rules[0].resources[0]", low},
		{"write only", "Role", `- {apiGroups: [""], resources: ["secrets"], verbs: ["create", "delete"]}`, "manifest/RBACSecretsRead", 1, "rules[0].resources[0]", low},
		{"read and write is one finding", "ClusterRole", `- {apiGroups: [""], resources: ["secrets"], verbs: ["get", "update"]}`, "manifest/RBACSecretsRead", 1, "rules[0].resources[0]", critical},
		{"secrets in apps group", "ClusterRole", `- {apiGroups: ["apps"], resources: ["secrets"], verbs: ["get"]}`, "manifest/RBACSecretsRead", 0, "", 0},
		{"configmaps", "ClusterRole", `- {apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"]}`, "manifest/RBACSecretsRead", 0, "", 0},
		{"two rules two findings", "ClusterRole", "- {apiGroups: [\"\"], resources: [\"secrets\"], verbs: [\"get\"]}\n- {apiGroups: [\"\"], resources: [\"*\"], verbs: [\"list\"]}", "manifest/RBACSecretsRead", 2, "rules[0].resources[0]", critical},
	})
}

func TestWorkloadAndExecRules(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"create pods", "ClusterRole", `- {apiGroups: [""], resources: ["pods"], verbs: ["create"]}`, "manifest/RBACCreateWorkloads", 1, "rules[0].resources[0]", high},
		{"patch deployments role", "Role", `- {apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"]}`, "manifest/RBACCreateWorkloads", 1, "rules[0].resources[0]", high},
		{"cronjobs", "Role", `- {apiGroups: ["batch"], resources: ["cronjobs"], verbs: ["create"]}`, "manifest/RBACCreateWorkloads", 1, "rules[0].resources[0]", high},
		{"update pods is not create", "ClusterRole", `- {apiGroups: [""], resources: ["pods"], verbs: ["update", "delete"]}`, "manifest/RBACCreateWorkloads", 0, "", 0},
		{"create pods with names grants nothing", "ClusterRole", `- {apiGroups: [""], resources: ["pods"], resourceNames: [a], verbs: ["create"]}`, "manifest/RBACCreateWorkloads", 0, "", 0},
		// extensions/v1beta1 workloads are no longer served (Kubernetes
		// 1.16): a rule for that group grants nothing on a current cluster.
		{"deployments in extensions", "ClusterRole", `- {apiGroups: ["extensions"], resources: ["deployments"], verbs: ["create"]}`, "manifest/RBACCreateWorkloads", 0, "", 0},
		{"read only", "ClusterRole", `- {apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list", "watch"]}`, "manifest/RBACCreateWorkloads", 0, "", 0},
		{"pods/exec create", "Role", `- {apiGroups: [""], resources: ["pods", "pods/exec"], verbs: ["create"]}`, "manifest/RBACPodExec", 1, "rules[0].resources[1]", high},
		{"pods/exec get (websocket)", "Role", `- {apiGroups: [""], resources: ["pods/exec"], verbs: ["get"]}`, "manifest/RBACPodExec", 1, "rules[0].resources[0]", high},
		{"*/attach", "Role", `- {apiGroups: [""], resources: ["*/attach"], verbs: ["create"]}`, "manifest/RBACPodExec", 1, "rules[0].resources[0]", high},
		{"portforward", "Role", `- {apiGroups: [""], resources: ["pods/portforward"], verbs: ["create"]}`, "manifest/RBACPodExec", 1, "rules[0].resources[0]", high},
		{"ephemeral containers", "Role", `- {apiGroups: [""], resources: ["pods/ephemeralcontainers"], verbs: ["patch"]}`, "manifest/RBACPodExec", 1, "rules[0].resources[0]", high},
		{"exec on a named pod", "Role", `- {apiGroups: [""], resources: ["pods/exec"], resourceNames: [debug], verbs: ["create"]}`, "manifest/RBACPodExec", 1, "rules[0].resources[0]", medium},
		{"plain pods does not cover exec", "Role", `- {apiGroups: [""], resources: ["pods"], verbs: ["create", "get"]}`, "manifest/RBACPodExec", 0, "", 0},
		{"pods/* is not a wildcard", "Role", `- {apiGroups: [""], resources: ["pods/*"], verbs: ["create", "get"]}`, "manifest/RBACPodExec", 0, "", 0},
		{"pods/log get", "Role", `- {apiGroups: [""], resources: ["pods/log"], verbs: ["get"]}`, "manifest/RBACPodExec", 0, "", 0},
		{"nodes/proxy get", "ClusterRole", `- {apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get"]}`, "manifest/RBACNodesProxy", 1, "rules[0].resources[0]", high},
		{"nodes/proxy in a Role is never granted", "Role", `- {apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get"]}`, "manifest/RBACNodesProxy", 0, "", 0},
		{"nodes get", "ClusterRole", `- {apiGroups: [""], resources: ["nodes"], verbs: ["get"]}`, "manifest/RBACNodesProxy", 0, "", 0},
	})
}

func TestEscalationRules(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"escalate roles", "ClusterRole", `- {apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["escalate"]}`, "manifest/RBACEscalateBind", 1, "rules[0].resources[0]", critical},
		{"bind clusterroles in a Role", "Role", `- {apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["bind"]}`, "manifest/RBACEscalateBind", 1, "rules[0].resources[0]", critical},
		{"escalate clusterroles in a Role", "Role", `- {apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["escalate"]}`, "manifest/RBACEscalateBind", 0, "", 0},
		{"create rolebindings alone", "Role", `- {apiGroups: ["rbac.authorization.k8s.io"], resources: ["rolebindings"], verbs: ["create"]}`, "manifest/RBACEscalateBind", 0, "", 0},
		{"bind on the wrong group", "ClusterRole", `- {apiGroups: [""], resources: ["roles"], verbs: ["bind"]}`, "manifest/RBACEscalateBind", 0, "", 0},
		{"impersonate users", "ClusterRole", `- {apiGroups: [""], resources: ["users", "groups"], verbs: ["impersonate"]}`, "manifest/RBACImpersonate", 1, "rules[0].resources[0]", critical},
		{"impersonate userextras", "ClusterRole", `- {apiGroups: ["authentication.k8s.io"], resources: ["userextras/scopes"], verbs: ["impersonate"]}`, "manifest/RBACImpersonate", 1, "rules[0].resources", critical},
		{"impersonate uids", "ClusterRole", `- {apiGroups: ["authentication.k8s.io"], resources: ["uids"], verbs: ["impersonate"]}`, "manifest/RBACImpersonate", 1, "rules[0].resources[0]", critical},
		{"impersonate serviceaccounts in a Role", "Role", `- {apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"]}`, "manifest/RBACImpersonate", 1, "rules[0].resources[0]", critical},
		{"impersonate users in a Role is never granted", "Role", `- {apiGroups: [""], resources: ["users"], verbs: ["impersonate"]}`, "manifest/RBACImpersonate", 0, "", 0},
		{"get users", "ClusterRole", `- {apiGroups: [""], resources: ["users"], verbs: ["get"]}`, "manifest/RBACImpersonate", 0, "", 0},
		{"token request", "ClusterRole", `- {apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"]}`, "manifest/RBACTokenRequest", 1, "rules[0].resources[0]", critical},
		{"token request for one SA", "Role", `- {apiGroups: [""], resources: ["serviceaccounts/token"], resourceNames: [builder], verbs: ["create"]}`, "manifest/RBACTokenRequest", 1, "rules[0].resources[0]", high},
		{"serviceaccounts create is not token", "Role", `- {apiGroups: [""], resources: ["serviceaccounts"], verbs: ["create"]}`, "manifest/RBACTokenRequest", 0, "", 0},
		{"csr approval", "ClusterRole", "- {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests], verbs: [create]}\n- {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}\n- {apiGroups: [certificates.k8s.io], resources: [signers], resourceNames: [kubernetes.io/kube-apiserver-client], verbs: [approve]}", "manifest/RBACApproveCSR", 1, "rules[1].resources", critical},
		{"csr approval without signer", "ClusterRole", "- {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}", "manifest/RBACApproveCSR", 1, "rules[0].resources", medium},
		{"signer approve without approval", "ClusterRole", "- {apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve]}", "manifest/RBACApproveCSR", 0, "", 0},
		{"csr create only", "ClusterRole", "- {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests], verbs: [create, get]}", "manifest/RBACApproveCSR", 0, "", 0},
		{"webhook write", "ClusterRole", `- {apiGroups: ["admissionregistration.k8s.io"], resources: ["validatingwebhookconfigurations"], verbs: ["delete"]}`, "manifest/RBACWebhookConfig", 1, "rules[0].resources[0]", critical},
		{"webhook read", "ClusterRole", `- {apiGroups: ["admissionregistration.k8s.io"], resources: ["mutatingwebhookconfigurations"], verbs: ["get", "list"]}`, "manifest/RBACWebhookConfig", 0, "", 0},
		{"pv create", "ClusterRole", `- {apiGroups: [""], resources: ["persistentvolumes"], verbs: ["create"]}`, "manifest/RBACPersistentVolumeCreate", 1, "rules[0].resources[0]", high},
		{"pvc create", "ClusterRole", `- {apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["create"]}`, "manifest/RBACPersistentVolumeCreate", 0, "", 0},
	})
}

func TestOtherRoleRules(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"patch namespaces", "ClusterRole", `- {apiGroups: [""], resources: ["namespaces"], verbs: ["patch"]}`, "manifest/RBACStatusOrNamespacePatch", 1, "rules[0].resources[0]", medium},
		{"services/status", "Role", `- {apiGroups: [""], resources: ["services/status"], verbs: ["update"]}`, "manifest/RBACStatusOrNamespacePatch", 1, "rules[0].resources[0]", low},
		{"patch namespaces in a Role", "Role", `- {apiGroups: [""], resources: ["namespaces"], verbs: ["patch"]}`, "manifest/RBACStatusOrNamespacePatch", 1, "rules[0].resources[0]", low},
		{"get namespaces", "ClusterRole", `- {apiGroups: [""], resources: ["namespaces"], verbs: ["get"]}`, "manifest/RBACStatusOrNamespacePatch", 0, "", 0},
		{"kube-system configmaps", "Role", "- {apiGroups: [\"\"], resources: [configmaps], resourceNames: [aws-auth], verbs: [update]}", "manifest/RBACKubeSystemConfigMaps", 0, "", 0}, // namespace team
		{"configmaps cluster role", "ClusterRole", "- {apiGroups: [\"\"], resources: [configmaps], verbs: [update]}", "manifest/RBACKubeSystemConfigMaps", 1, "rules[0].resources[0]", medium},
		{"delete events", "ClusterRole", `- {apiGroups: ["events.k8s.io"], resources: ["events"], verbs: ["deletecollection"]}`, "manifest/RBACDeleteLogsOrEvents", 1, "rules[0].resources[0]", medium},
		{"create events", "ClusterRole", `- {apiGroups: [""], resources: ["events"], verbs: ["create", "patch"]}`, "manifest/RBACDeleteLogsOrEvents", 0, "", 0},
		{"get and patch rolebindings", "Role", "- {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [get]}\n- {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [patch]}", "manifest/RBACRoleBindingPatch", 1, "rules[1].verbs", low},
		{"patch without get", "Role", "- {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [patch]}", "manifest/RBACRoleBindingPatch", 0, "", 0},
		{"services write cluster", "ClusterRole", `- {apiGroups: [""], resources: ["services"], verbs: ["create"]}`, "manifest/RBACNetworkingWrite", 1, "rules[0].resources[0]", medium},
		{"networkpolicies write role", "Role", `- {apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["delete"]}`, "manifest/RBACNetworkingWrite", 1, "rules[0].resources[0]", medium},
		{"services read", "ClusterRole", `- {apiGroups: [""], resources: ["services"], verbs: ["get"]}`, "manifest/RBACNetworkingWrite", 0, "", 0},
	})
}

func TestKubeSystemConfigMapsRole(t *testing.T) {
	src := "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: kube-system}\nrules:\n- {apiGroups: [\"\"], resources: [configmaps], resourceNames: [aws-auth], verbs: [update]}\n"
	got := failed(scanOne(t, src), "manifest/RBACKubeSystemConfigMaps")
	require.Len(t, got, 1)
	assert.Equal(t, medium, got[0].Severity, "limited to a named object: one level lower than High")
	assert.Contains(t, got[0].Message, `"aws-auth"`)
}

func binding(kind, ref, subjects string) string {
	md := "metadata: {name: b, namespace: team}"
	if kind == "ClusterRoleBinding" {
		md = "metadata: {name: b}"
	}
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: " + kind + "\n" + md + "\nroleRef: " + ref + "\nsubjects:\n" + subjects
}

func TestBindingRules(t *testing.T) {
	const ca = "{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}"
	const edit = "{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}"
	const view = "{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}"
	const mine = "{apiGroup: rbac.authorization.k8s.io, kind: Role, name: cluster-admin}"
	const alice = "- {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}"
	cases := []struct {
		name, kind, ref, subjects, id string
		want                          int
		path                          string
		sev                           kubeharden.Severity
		msg                           string
	}{
		{"cluster-admin crb", "ClusterRoleBinding", ca, alice, "manifest/BindingClusterAdmin", 1, "roleRef.name", critical, "cluster-wide"},
		{"cluster-admin rb", "RoleBinding", ca, alice, "manifest/BindingClusterAdmin", 1, "roleRef.name", critical, "in namespace team only"},
		{"edit crb", "ClusterRoleBinding", edit, alice, "manifest/BindingClusterAdmin", 1, "roleRef.name", high, "edit"},
		// Polaris (rolebindingClusterAdminRole) flags a Role that merely
		// has this name; we judge the Role by its rules instead (ScanDocument
		// on the Role, Analyze on the set), as names carry no permissions.
		{"a Role named cluster-admin", "RoleBinding", mine, alice, "manifest/BindingClusterAdmin", 0, "", 0, ""},
		{"view", "ClusterRoleBinding", view, alice, "manifest/BindingClusterAdmin", 0, "", 0, ""},
		{"anonymous", "ClusterRoleBinding", view, alice + "\n- {kind: User, name: system:anonymous}", "manifest/BindingAnonymous", 1, "subjects[1].name", critical, "system:anonymous"},
		{"unauthenticated", "RoleBinding", view, "- {kind: Group, name: system:unauthenticated}", "manifest/BindingAnonymous", 1, "subjects[0].name", critical, "unauthenticated"},
		{"authenticated", "RoleBinding", view, "- {kind: Group, name: system:authenticated}", "manifest/BindingAnonymous", 1, "subjects[0].name", high, "any valid credential"},
		{"anonymous as a group is no identity", "RoleBinding", view, "- {kind: Group, name: system:anonymous}", "manifest/BindingAnonymous", 0, "", 0, ""},
		{"masters", "ClusterRoleBinding", view, "- {kind: Group, name: system:masters}", "manifest/BindingMasters", 1, "subjects[0].name", critical, "bypass RBAC"},
		{"masters as a user", "ClusterRoleBinding", view, "- {kind: User, name: system:masters}", "manifest/BindingMasters", 0, "", 0, ""},
		{"all service accounts", "ClusterRoleBinding", edit, "- {kind: Group, name: system:serviceaccounts}", "manifest/BindingAllServiceAccounts", 1, "subjects[0].name", high, "every service account of the cluster"},
		{"namespace service accounts", "RoleBinding", edit, "- {kind: Group, name: \"system:serviceaccounts:ci\"}", "manifest/BindingAllServiceAccounts", 1, "subjects[0].name", high, "namespace ci"},
		{"default SA", "RoleBinding", edit, alice + "\n- {kind: ServiceAccount, name: default, namespace: team}", "manifest/BindingDefaultServiceAccount", 1, "subjects[1].name", medium, "namespace team"},
		{"default SA as user", "ClusterRoleBinding", edit, "- {kind: User, name: \"system:serviceaccount:web:default\"}", "manifest/BindingDefaultServiceAccount", 1, "subjects[0].name", medium, "namespace web"},
		{"default SA bound to view", "RoleBinding", view, "- {kind: ServiceAccount, name: default, namespace: team}", "manifest/BindingDefaultServiceAccount", 0, "", 0, ""},
		{"named SA", "RoleBinding", edit, "- {kind: ServiceAccount, name: builder, namespace: team}", "manifest/BindingDefaultServiceAccount", 0, "", 0, ""},
		{"user named default", "RoleBinding", edit, "- {kind: User, name: default}", "manifest/BindingDefaultServiceAccount", 0, "", 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := scanOne(t, binding(c.kind, c.ref, c.subjects))
			got := failed(r, c.id)
			require.Len(t, got, c.want, "findings: %+v", r.Findings)
			if c.want > 0 {
				assert.Equal(t, c.path, got[0].Path)
				assert.Equal(t, c.sev, got[0].Severity)
				assert.Contains(t, got[0].Message, c.msg)
				assert.True(t, got[0].Position.IsValid())
			}
		})
	}
}

func TestScanDocumentKindsAndErrors(t *testing.T) {
	docs, errs := decode.Split([]byte("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules: 3\n---\napiVersion: example.com/v1\nkind: Role\nmetadata: {name: x}\n"), "in.yaml", decode.Options{})
	require.Empty(t, errs)
	require.Len(t, docs, 3)
	r, err := ScanDocument(docs[0])
	assert.Nil(t, r)
	assert.Nil(t, err)
	r, err = ScanDocument(docs[1])
	assert.Nil(t, r)
	require.NotNil(t, err)
	assert.True(t, errors.Is(err, decode.ErrType), "%v", err)
	assert.Equal(t, 8, err.Line)
	r, err = ScanDocument(docs[2])
	assert.Nil(t, r, "a Role of another API group is not RBAC")
	assert.Nil(t, err)
}

func TestScanDocumentReport(t *testing.T) {
	src := "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n  labels: {rbac.authorization.k8s.io/aggregate-to-view: \"true\"}\nrules:\n- apiGroups: [\"\"]\n  resources: [\"secrets\"]\n  verbz: [\"get\"]\n  verbs: [\"get\"]\n"
	r := scanOne(t, src)
	assert.Equal(t, "ClusterRole/reader", r.Object)
	assert.Equal(t, "ClusterRole", r.Kind)
	unk := failed(r, "manifest/UnknownField")
	require.Len(t, unk, 1)
	assert.Equal(t, "rules[0].verbz", unk[0].Path)
	sec := failed(r, "manifest/RBACSecretsRead")
	require.Len(t, sec, 1)
	assert.Equal(t, kubeharden.Position{File: "rbac.yaml", Line: 8, Column: 15, Exact: true}, sec[0].Position)
	assert.Contains(t, sec[0].Message, "aggregated into the built-in ClusterRole(s) view")
	assert.Equal(t, -30, r.Score, "decoding findings carry no points")
}

func TestRulesCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		assert.True(t, strings.HasPrefix(r.ID, "manifest/"), r.ID)
		assert.False(t, seen[r.ID], "duplicate %s", r.ID)
		seen[r.ID] = true
		assert.NotEmpty(t, r.Title)
		assert.NotEmpty(t, r.Description)
		assert.NotEmpty(t, r.Remediation)
		assert.NotEmpty(t, r.HelpURL)
		assert.Equal(t, pointsFor(r.Severity), r.Points)
	}
	for _, owned := range []string{"manifest/BindingAnonymous", "manifest/BindingMasters", "manifest/UnknownField"} {
		assert.False(t, seen[owned], "%s belongs to package manifest's catalogue", owned)
	}
	// Every rule this package reports on is catalogued here or by manifest.
	for _, c := range permChecks {
		assert.True(t, seen[c.rule.ID], c.rule.ID)
	}
}

func TestConstrainedImpersonation(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"user-info mode", "ClusterRole", `- {apiGroups: ["authentication.k8s.io"], resources: ["users", "groups"], verbs: ["impersonate:user-info"]}`, "manifest/RBACImpersonate", 1, "rules[0].resources[0]", critical},
		{"serviceaccount mode in a Role", "Role", `- {apiGroups: ["authentication.k8s.io"], resources: ["serviceaccounts"], verbs: ["impersonate:serviceaccount"]}`, "manifest/RBACImpersonate", 1, "rules[0].resources[0]", critical},
		{"arbitrary node", "ClusterRole", `- {apiGroups: ["authentication.k8s.io"], resources: ["nodes"], verbs: ["impersonate:arbitrary-node"]}`, "manifest/RBACImpersonate", 1, "rules[0].resources[0]", critical},
		{"legacy verb on the authentication group users", "ClusterRole", `- {apiGroups: ["authentication.k8s.io"], resources: ["users"], verbs: ["impersonate"]}`, "manifest/RBACImpersonate", 0, "", 0},
		{"impersonate-on alone", "ClusterRole", `- {apiGroups: [""], resources: ["pods"], verbs: ["impersonate-on:user-info:list"]}`, "manifest/RBACImpersonate", 0, "", 0},
	})
}

func TestEscalateBindMessage(t *testing.T) {
	r := scanOne(t, role("Role", "- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [cluster-admin]}\n- {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create]}"))
	got := failed(r, "manifest/RBACEscalateBind")
	require.Len(t, got, 1)
	assert.Equal(t, critical, got[0].Severity, "named, but binding cluster-admin is all it takes")
	assert.Contains(t, got[0].Message, `limited to the objects named "cluster-admin", but "cluster-admin" is all it takes`)
	assert.Contains(t, got[0].Message, "with create on rolebindings (rules[1])")
}

func TestNamedPermissionsSeverity(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"bind a harmless role", "Role", `- {apiGroups: [rbac.authorization.k8s.io], resources: [roles], resourceNames: [reader], verbs: [bind]}`, "manifest/RBACEscalateBind", 1, "rules[0].resources[0]", high},
		{"impersonate system:masters", "ClusterRole", `- {apiGroups: [""], resources: [groups], resourceNames: ["system:masters"], verbs: [impersonate]}`, "manifest/RBACImpersonate", 1, "rules[0].resources[0]", critical},
		{"impersonate one user", "ClusterRole", `- {apiGroups: [""], resources: [users], resourceNames: [jane], verbs: [impersonate]}`, "manifest/RBACImpersonate", 1, "rules[0].resources[0]", high},
	})
}

func TestPatches(t *testing.T) {
	r := scanOne(t, role("Role", "- {apiGroups: [\"\"], resources: [configmaps, secrets], verbs: [get]}\n- {apiGroups: [\"\"], resources: [\"*\"], verbs: [list]}"))
	got := failed(r, "manifest/RBACSecretsRead")
	require.Len(t, got, 2)
	assert.Equal(t, []kubeharden.PatchOp{{Op: "test", Path: "/rules/0/resources/1", Value: "secrets"}, {Op: "remove", Path: "/rules/0/resources/1"}}, got[0].Patch)
	assert.Nil(t, got[1].Patch, "replacing a wildcard is not mechanical")

	b := scanOne(t, binding("RoleBinding", "{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}", "- {kind: User, name: a}\n- {kind: Group, name: system:unauthenticated}\n- {kind: ServiceAccount, name: default, namespace: team}"))
	anon := failed(b, "manifest/BindingAnonymous")
	require.Len(t, anon, 1)
	assert.Equal(t, []kubeharden.PatchOp{{Op: "test", Path: "/subjects/1/name", Value: "system:unauthenticated"}, {Op: "remove", Path: "/subjects/1"}}, anon[0].Patch)
}

func TestDecodingSemantics(t *testing.T) {
	// The API server drops a case-variant key: the rule has no verbs and
	// grants nothing, whatever a case-insensitive reader believes.
	r := scanOne(t, role("ClusterRole", `- {apiGroups: [""], resources: [secrets], Verbs: [get]}`))
	assert.Empty(t, failed(r, "manifest/RBACSecretsRead"))
	cv := failed(r, "manifest/CaseVariantKey")
	require.Len(t, cv, 1)
	assert.Equal(t, "rules[0].Verbs", cv[0].Path)

	// Duplicate keys: the last value wins.
	r = scanOne(t, role("ClusterRole", "- apiGroups: [\"\"]\n  resources: [secrets]\n  verbs: [get]\n  verbs: [create]\n"))
	sec := failed(r, "manifest/RBACSecretsRead")
	require.Len(t, sec, 1)
	assert.Equal(t, medium, sec[0].Severity, "only create survives")
	assert.Len(t, failed(r, "manifest/DuplicateKey"), 1)

	// v1beta1 has the same schema and is read too.
	r = scanOne(t, strings.Replace(role("Role", `- {apiGroups: [""], resources: [secrets], verbs: [get]}`), "/v1\n", "/v1beta1\n", 1))
	assert.Len(t, failed(r, "manifest/RBACSecretsRead"), 1)
}

func TestListItems(t *testing.T) {
	src := `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleList
items:
- apiVersion: rbac.authorization.k8s.io/v1
  kind: Role
  metadata: {name: a, namespace: x}
  rules: []
- apiVersion: rbac.authorization.k8s.io/v1
  kind: Role
  metadata: {name: b, namespace: x}
  rules:
  - apiGroups: [""]
    resources: [pods/exec]
    verbs: [create]
`
	docs, errs := decode.Split([]byte(src), "list.yaml", decode.Options{})
	require.Empty(t, errs)
	require.Len(t, docs, 2)
	r, err := ScanDocument(docs[1])
	require.Nil(t, err)
	assert.Equal(t, "Role/b.x", r.Object)
	ex := failed(r, "manifest/RBACPodExec")
	require.Len(t, ex, 1)
	assert.Equal(t, "rules[0].resources[0]", ex[0].Path)
	assert.Equal(t, 13, ex[0].Position.Line)
}

func TestSuppressionAnnotations(t *testing.T) {
	src := "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: agent\n  annotations:\n    kubeharden.io/suppress: \"manifest/RBACSecretsRead; the agent syncs certificates\"\n    kubeharden.io/ignore: \"RBACPodExec, RBACNodesProxy: debugging agent\"\nrules:\n- {apiGroups: [\"\"], resources: [secrets, pods/exec, nodes/proxy, persistentvolumes], verbs: [get, create]}\n"
	r := scanOne(t, src)
	reasons := map[string]string{}
	for _, f := range r.Findings {
		if f.Suppressed {
			reasons[f.RuleID] = f.SuppressReason
		}
	}
	assert.Equal(t, map[string]string{
		"manifest/RBACSecretsRead": "the agent syncs certificates",
		"manifest/RBACPodExec":     "debugging agent",
		"manifest/RBACNodesProxy":  "debugging agent",
	}, reasons)
	assert.Equal(t, -9, r.Score, "only the PersistentVolume finding counts")
}

func TestAggregatedClusterRoleNote(t *testing.T) {
	src := "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: agg}\naggregationRule: {clusterRoleSelectors: [{matchLabels: {a: b}}]}\nrules:\n- {apiGroups: [\"\"], resources: [secrets], verbs: [get]}\n"
	got := failed(scanOne(t, src), "manifest/RBACSecretsRead")
	require.Len(t, got, 1)
	assert.Contains(t, got[0].Message, "this ClusterRole is aggregated")
}
