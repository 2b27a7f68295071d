package rbac

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func analyze(t testing.TB, src string) map[string]kubeharden.Report {
	t.Helper()
	docs, errs := decode.Split([]byte(src), "set.yaml", decode.Options{})
	require.Empty(t, errs)
	out := map[string]kubeharden.Report{}
	for _, r := range Analyze(docs) {
		_, dup := out[r.Object]
		require.False(t, dup, "one report per subject: %s", r.Object)
		out[r.Object] = r
	}
	return out
}

// grantsOf lists "ruleID@severity" for the subject's risky-permission
// findings, with the underlying role rule from the finding's refs.
func grantsOf(r kubeharden.Report) []string {
	var out []string
	for _, f := range r.Findings {
		if f.RuleID == "manifest/BindingGrantsRiskyPermission" && !f.Passed {
			out = append(out, f.Refs[0]+"@"+f.Severity.String())
		}
	}
	return out
}

const setBasic = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: debugger, namespace: team}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get, list]}
- {apiGroups: [""], resources: [pods/exec], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: read-all}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
- {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-team, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
- {kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}
- {kind: ServiceAccount, name: ci, namespace: team}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: debug, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: debugger}
subjects:
- {kind: User, name: "system:serviceaccount:team:ci"}
- {kind: User, name: bob}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ghost, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: missing}
subjects:
- {kind: User, name: carol}
`

func TestAnalyzeSubjects(t *testing.T) {
	got := analyze(t, setBasic)
	require.Len(t, got, 5)

	alice := got["User/alice"]
	assert.Equal(t, []string{"manifest/RBACSecretsRead@critical"}, grantsOf(alice))
	assert.Contains(t, alice.Findings[0].Message, "in every namespace through ClusterRoleBinding read-all")
	assert.Contains(t, alice.Findings[0].Message, "ClusterRole secret-reader rules[0]")
	assert.Equal(t, "subjects[0]", alice.Findings[0].Path)
	assert.Equal(t, kubeharden.Position{File: "set.yaml", Line: 20, Column: 3, Exact: true}, alice.Findings[0].Position)
	assert.Equal(t, -30, alice.Score)
	assert.Equal(t, SubjectKind, alice.Kind)

	// A RoleBinding scopes the ClusterRole to its namespace.
	devs := got["Group/devs"]
	assert.Equal(t, []string{"manifest/RBACSecretsRead@medium"}, grantsOf(devs), "Secrets of one namespace")
	assert.Contains(t, devs.Findings[0].Message, "in namespace team through RoleBinding team/read-team")

	// The ServiceAccount written as a user is the same subject.
	ci := got["ServiceAccount/ci.team"]
	assert.ElementsMatch(t, []string{"manifest/RBACSecretsRead@medium", "manifest/RBACPodExec@high"}, grantsOf(ci))

	assert.Equal(t, []string{"manifest/RBACPodExec@high"}, grantsOf(got["User/bob"]))

	carol := got["User/carol"]
	require.Len(t, carol.Findings, 1)
	assert.Equal(t, "manifest/BindingRoleMissing", carol.Findings[0].RuleID)
	assert.Contains(t, carol.Findings[0].Message, "Role team/missing")
	assert.Equal(t, 0, carol.Score)
}

func TestAnalyzeBuiltinsAndScope(t *testing.T) {
	src := `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: admins}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: Group, name: system:authenticated}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: editors, namespace: web}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: ServiceAccount, name: default, namespace: web}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: viewers, namespace: web}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: User, name: vic}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: nodes}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:node}
subjects: [{kind: User, name: kubelet}]
`
	got := analyze(t, src)
	auth := got["Group/system:authenticated"]
	assert.Equal(t, []string{"manifest/RBACWildcardAll@critical", "manifest/RBACNonResourceWildcard@low"}, grantsOf(auth), "cluster-admin also has nonResourceURLs *")
	assert.Contains(t, auth.Findings[0].Message, "anyone with any valid credential")

	sa := grantsOf(got["ServiceAccount/default.web"])
	for _, want := range []string{"manifest/RBACSecretsRead@medium", "manifest/RBACSecretsRead@low", "manifest/RBACPodExec@high",
		"manifest/RBACCreateWorkloads@high", "manifest/RBACImpersonate@critical", "manifest/RBACTokenRequest@critical"} {
		assert.Contains(t, sa, want)
	}
	for _, f := range got["User/vic"].Findings {
		assert.NotContains(t, f.Message, "viewers", "view reads no Secrets and runs nothing")
		// but every authenticated user is cluster-admin here.
		assert.Contains(t, f.Message, "User/vic as a member of group system:authenticated gets")
	}
	assert.Equal(t, []string{"manifest/RBACWildcardAll@critical", "manifest/RBACNonResourceWildcard@low"}, grantsOf(got["User/vic"]))

	kubelet := got["User/kubelet"]
	require.Len(t, kubelet.Findings, 3)
	assert.Equal(t, "manifest/BindingRoleMissing", kubelet.Findings[0].RuleID)
	assert.Contains(t, kubelet.Findings[0].Message, "built-in system role")
	// The default service account inherits through system:authenticated
	// too, positioned on the group's subject entry.
	inherited := 0
	for _, f := range got["ServiceAccount/default.web"].Findings {
		if strings.Contains(f.Message, "as a member of group system:authenticated") {
			inherited++
			assert.Equal(t, 6, f.Position.Line)
		}
	}
	assert.Equal(t, 2, inherited)
}

func TestAnalyzeGroupMembership(t *testing.T) {
	src := `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: exec}
rules: [{apiGroups: [""], resources: [pods/exec], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: all-sa, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: exec}
subjects: [{kind: Group, name: "system:serviceaccounts:ci"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: other, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: builder, namespace: ci}, {kind: ServiceAccount, name: web, namespace: prod}, {kind: User, name: system:anonymous}]
`
	got := analyze(t, src)
	assert.Equal(t, []string{"manifest/RBACPodExec@high"}, grantsOf(got["Group/system:serviceaccounts:ci"]))
	assert.Contains(t, got["Group/system:serviceaccounts:ci"].Findings[0].Message, "every service account of namespace ci")
	builder := got["ServiceAccount/builder.ci"]
	assert.Equal(t, []string{"manifest/RBACPodExec@high"}, grantsOf(builder))
	assert.Contains(t, builder.Findings[0].Message, "ServiceAccount/builder.ci as a member of group system:serviceaccounts:ci gets create on pods/exec in namespace ci")
	assert.Empty(t, grantsOf(got["ServiceAccount/web.prod"]), "another namespace's service accounts are not members")
	assert.Empty(t, grantsOf(got["User/system:anonymous"]))
}

func TestAnalyzeBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: big}\nrules:\n")
	for i := range 100 {
		fmt.Fprintf(&b, "- {apiGroups: [\"\"], resources: [secrets], resourceNames: [s%d], verbs: [get]}\n", i)
	}
	b.WriteString("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: many}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: big}\nsubjects:\n")
	n := MaxFindings/100 + 10
	for i := range n {
		fmt.Fprintf(&b, "- {kind: User, name: u%d}\n", i)
	}
	docs, errs := decode.Split([]byte(b.String()), "big.yaml", decode.Options{})
	require.Empty(t, errs)
	reports := Analyze(docs)
	total, budgetErrs := 0, 0
	for _, r := range reports {
		total += len(r.Findings)
		for _, e := range r.Errors {
			assert.ErrorIs(t, &e, ErrBudget)
			budgetErrs++
		}
	}
	assert.LessOrEqual(t, total, MaxFindings)
	assert.Equal(t, 1, budgetErrs)
	assert.Less(t, len(reports), n)
}

func TestAnalyzeAggregation(t *testing.T) {
	src := `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: monitoring}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {example.com/aggregate-to-monitoring: "true"}
  - matchExpressions: [{key: tier, operator: In, values: [ops]}]
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: part-a, labels: {example.com/aggregate-to-monitoring: "true"}}
rules:
- {apiGroups: [""], resources: [pods/portforward], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: part-b, labels: {tier: ops}}
rules:
- {apiGroups: [""], resources: [nodes/proxy], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: unrelated, labels: {tier: dev}}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: leaks-into-view, labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: empty-agg}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {nothing: matches}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: mon}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: monitoring}
subjects: [{kind: ServiceAccount, name: prom, namespace: mon}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: mon, namespace: mon}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: monitoring}
subjects: [{kind: User, name: ns-only}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: v, namespace: mon}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: User, name: viewer}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: e}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: empty-agg}
subjects: [{kind: User, name: nobody}]
`
	got := analyze(t, src)
	prom := got["ServiceAccount/prom.mon"]
	assert.ElementsMatch(t, []string{"manifest/RBACPodExec@high", "manifest/RBACNodesProxy@high"}, grantsOf(prom))
	for _, f := range prom.Findings {
		assert.Contains(t, f.Message, "aggregated from 2 ClusterRole(s)")
	}
	// Through a RoleBinding the cluster-scoped nodes/proxy is not granted.
	assert.Equal(t, []string{"manifest/RBACPodExec@high"}, grantsOf(got["User/ns-only"]))
	// A role labelled aggregate-to-view adds Secrets to the built-in view.
	viewer := got["User/viewer"]
	assert.Equal(t, []string{"manifest/RBACSecretsRead@medium"}, grantsOf(viewer))
	assert.Contains(t, viewer.Findings[0].Message, "ClusterRole leaks-into-view rules[0]")
	assert.Empty(t, grantsOf(got["User/nobody"]))
}

func TestAnalyzeEdgeCases(t *testing.T) {
	assert.Nil(t, Analyze(nil))
	// Roles only: no subject to report.
	docs, _ := decode.Split([]byte(role("ClusterRole", `- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}`)), "r.yaml", decode.Options{})
	assert.Nil(t, Analyze(docs))
	// A cycle of aggregated roles terminates.
	src := `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: a, labels: {x: a}}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {x: b}}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: b, labels: {x: b}}
aggregationRule: {clusterRoleSelectors: [{matchLabels: {x: a}}]}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: c}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: a}
subjects: [{kind: User, name: u}, {kind: Unknown, name: z}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: d}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: a}
subjects: [{kind: User, name: w}]
`
	got := analyze(t, src)
	require.Len(t, got, 2, "the unknown subject kind is skipped")
	require.Len(t, got["User/u"].Findings, 1)
	assert.True(t, strings.Contains(got["User/u"].Findings[0].Message, "can only refer to a ClusterRole"))
	_ = got["User/w"] // resolves without hanging
}

func TestAnalyzeBindingSuppression(t *testing.T) {
	src := `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ci
  namespace: ci
  annotations: {kubeharden.io/ignore: "BindingGrantsRiskyPermission: the runner needs it"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: ServiceAccount, name: runner, namespace: ci}]
`
	r := analyze(t, src)["ServiceAccount/runner.ci"]
	require.NotEmpty(t, r.Findings)
	for _, f := range r.Findings {
		assert.True(t, f.Suppressed)
		assert.Equal(t, "the runner needs it", f.SuppressReason)
	}
	assert.Equal(t, 0, r.Score)
}

func TestAnalyzeCombinedGrants(t *testing.T) {
	src := `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: csr-approver}
rules: [{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: signer}
rules: [{apiGroups: [certificates.k8s.io], resources: [signers], resourceNames: [kubernetes.io/kube-apiserver-client], verbs: [approve]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: csr-approver}
subjects: [{kind: User, name: mallory}, {kind: User, name: half}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: signer}
subjects: [{kind: Group, name: approvers}, {kind: User, name: mallory}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: c, namespace: x}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: signer}
subjects: [{kind: User, name: half}]
`
	got := analyze(t, src)
	mallory := got["User/mallory"]
	assert.ElementsMatch(t, []string{"manifest/RBACApproveCSR@medium", "manifest/RBACApproveCSR@critical"}, grantsOf(mallory))
	var combo *kubeharden.Finding
	for i, f := range mallory.Findings {
		if f.Severity == kubeharden.SeverityCritical {
			combo = &mallory.Findings[i]
		}
	}
	require.NotNil(t, combo)
	assert.Contains(t, combo.Message, "by combining ClusterRoleBinding a and ClusterRoleBinding b")
	assert.Equal(t, "subjects[0]", combo.Path)
	// Different scopes do not combine: the signer grant is namespaced
	// (and signers are cluster-scoped, so a RoleBinding grants nothing).
	assert.Equal(t, []string{"manifest/RBACApproveCSR@medium"}, grantsOf(got["User/half"]))
}
