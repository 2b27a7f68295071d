package audit

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden"
)

// good is a sound policy: it passes every lint rule.
const good = header + `omitStages: [RequestReceived]
omitManagedFields: true
rules:
- level: None
  nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/metrics"]
- level: None
  resources: [{group: "", resources: [events]}, {group: events.k8s.io, resources: [events]}]
- level: Metadata
  resources:
  - {group: "", resources: [secrets, configmaps, serviceaccounts/token]}
  - {group: authentication.k8s.io, resources: [tokenreviews]}
  - {group: oauth.openshift.io}
- level: Request
  verbs: [get, list, watch]
  resources: [{group: "*"}]
- level: RequestResponse
  resources:
  - {group: "", resources: ["pods", "pods/*", namespaces, serviceaccounts]}
  - {group: apps}
  - {group: rbac.authorization.k8s.io}
  - {group: admissionregistration.k8s.io}
  - {group: apiextensions.k8s.io}
  - {group: certificates.k8s.io}
- level: Metadata
`

func lintYAML(t *testing.T, y string, opts Options) []string {
	t.Helper()
	p, fs, err := Parse("p.yaml", []byte(y))
	require.NoError(t, err)
	require.Empty(t, ruleIDs(fs), "test policies must be valid")
	return ruleIDs(Lint(p, opts))
}

func TestGoodPolicyIsClean(t *testing.T) {
	assert.Empty(t, lintYAML(t, good, Options{}))
}

func TestLintRules(t *testing.T) {
	const catchAll = "- level: Metadata\n"
	cases := []struct {
		rule       string
		fail, pass string // complete policies
		opts       Options
	}{
		{"audit/LiteralWildcard",
			header + "rules:\n- level: None\n  verbs: ['*']\n  resources: [{group: '', resources: [events]}]\n" + catchAll,
			header + "rules:\n- level: None\n  resources: [{group: '', resources: [events]}]\n" + catchAll, Options{}},
		{"audit/LiteralWildcard",
			header + "rules:\n- level: None\n  namespaces: ['*']\n  resources: [{group: '', resources: [events]}]\n" + catchAll,
			header + "rules:\n- level: None\n  namespaces: [kube-system]\n  resources: [{group: '', resources: [events]}]\n" + catchAll, Options{}},
		{"audit/UnknownVerb",
			header + "rules:\n- level: None\n  verbs: [get, lsit]\n  resources: [{group: '', resources: [endpoints]}]\n" + catchAll,
			header + "rules:\n- level: None\n  verbs: [get, list]\n  resources: [{group: '', resources: [endpoints]}]\n" + catchAll, Options{}},
		{"audit/UnreachableRule",
			header + "rules:\n- level: None\n  verbs: [use, bind]\n" + catchAll,
			header + "rules:\n- level: None\n  verbs: [get]\n  resources: [{group: '', resources: [endpoints]}]\n" + catchAll, Options{}},
		{"audit/UnreachableRule",
			header + "rules:\n- level: RequestResponse\n  resources: [{group: '', resources: [deployments, daemonsets]}]\n" + catchAll,
			header + "rules:\n- level: RequestResponse\n  verbs: [create]\n  resources: [{group: apps, resources: [deployments, daemonsets]}]\n" + catchAll, Options{}},
		{"audit/ShadowedRule",
			header + "rules:\n- level: None\n  verbs: [get, list]\n  resources: [{group: ''}]\n- level: None\n  verbs: [get]\n  resources: [{group: '', resources: [endpoints]}]\n" + catchAll,
			header + "rules:\n- level: None\n  verbs: [get]\n  resources: [{group: '', resources: [endpoints]}]\n- level: None\n  verbs: [get, list]\n  resources: [{group: ''}]\n" + catchAll, Options{}},
		{"audit/ShadowedRule", // covered by the union of two earlier rules
			header + "rules:\n- level: None\n  verbs: [get]\n  resources: [{group: ''}]\n- level: None\n  verbs: [list]\n  resources: [{group: ''}]\n- level: None\n  verbs: [get, list]\n  resources: [{group: '', resources: [endpoints]}]\n" + catchAll,
			header + "rules:\n- level: None\n  verbs: [get]\n  resources: [{group: ''}]\n- level: None\n  verbs: [list]\n  resources: [{group: ''}]\n- level: None\n  verbs: [get, watch]\n  resources: [{group: '', resources: [endpoints]}]\n" + catchAll, Options{}},
		{"audit/MissingCatchAll",
			header + "rules:\n- level: Metadata\n  resources: [{group: '*'}]\n",
			header + "rules:\n- level: Metadata\n  resources: [{group: '*'}]\n- level: Metadata\n  nonResourceURLs: ['*']\n", Options{}},
		{"audit/MisplacedCatchAll",
			header + "rules:\n- level: Metadata\n- level: None\n  nonResourceURLs: [/healthz]\n",
			header + "rules:\n- level: None\n  nonResourceURLs: [/healthz]\n- level: Metadata\n", Options{}},
		{"audit/CatchAllNone",
			header + "rules:\n- level: Metadata\n  resources: [{group: '', resources: [secrets]}]\n- level: None\n",
			header + "rules:\n- level: Metadata\n  resources: [{group: '', resources: [secrets]}]\n- level: Metadata\n", Options{}},
		{"audit/SensitiveDataLogged", // through group "*" and resources "*"
			header + "rules:\n- level: Request\n  resources: [{group: '*', resources: ['*']}]\n" + catchAll,
			header + "rules:\n- level: Metadata\n  resources: [{group: '', resources: [secrets, configmaps, serviceaccounts/token]}, {group: authentication.k8s.io, resources: [tokenreviews]}, {group: oauth.openshift.io}]\n- level: Request\n  resources: [{group: '*', resources: ['*']}]\n" + catchAll, Options{}},
		{"audit/SensitiveDataLogged", // an extra sensitive resource from Options
			header + "rules:\n- level: RequestResponse\n  resources: [{group: vault.example.com}]\n" + catchAll,
			header + "rules:\n- level: RequestResponse\n  resources: [{group: vault.example.com}]\n" + catchAll, Options{}},
		{"audit/SecretAccessNotLogged",
			header + "rules:\n- level: None\n  resources: [{group: '', resources: [secrets]}]\n" + catchAll,
			header + "rules:\n- level: Metadata\n  resources: [{group: '', resources: [secrets]}]\n" + catchAll, Options{}},
		{"audit/ExecNotLogged",
			header + "rules:\n- level: None\n  resources: [{group: '*', resources: ['*/exec']}]\n" + catchAll,
			header + "rules:\n- level: None\n  resources: [{group: '*', resources: ['*/log']}]\n" + catchAll, Options{}},
		{"audit/ChangesNotLogged",
			header + "rules:\n- level: None\n  resources: [{group: rbac.authorization.k8s.io}]\n" + catchAll,
			header + "rules:\n- level: None\n  verbs: [get]\n  resources: [{group: rbac.authorization.k8s.io}]\n" + catchAll, Options{}},
		{"audit/ChangesBelowRequest",
			header + "rules:\n- level: Metadata\n",
			good, Options{}},
		{"audit/FailedAuthNotLogged", // system:unauthenticated does not catch failed authentication
			header + "rules:\n- level: Metadata\n  userGroups: [system:authenticated, system:unauthenticated]\n",
			header + "rules:\n- level: Metadata\n", Options{}},
		{"audit/AnonymousNotLogged",
			header + "rules:\n- level: None\n  users: [system:anonymous]\n" + catchAll,
			header + "rules:\n- level: None\n  users: [system:anonymous]\n  nonResourceURLs: [/healthz]\n" + catchAll, Options{}},
		{"audit/BroadNoneRule",
			header + "rules:\n- level: None\n  userGroups: [system:serviceaccounts]\n" + catchAll,
			header + "rules:\n- level: None\n  userGroups: [system:serviceaccounts]\n  verbs: [watch]\n  resources: [{group: '', resources: [endpoints]}]\n" + catchAll, Options{}},
		{"audit/BroadNoneRule",
			header + "rules:\n- level: None\n  namespaces: [kube-system]\n" + catchAll,
			header + "rules:\n- level: None\n  namespaces: [kube-system]\n  resources: [{group: coordination.k8s.io, resources: [leases]}]\n" + catchAll, Options{}},
		{"audit/BroadNoneRule",
			header + "rules:\n- level: None\n  resources: [{group: '', resources: ['pods/*']}]\n" + catchAll,
			header + "rules:\n- level: None\n  resources: [{group: '', resources: ['pods/log']}]\n" + catchAll, Options{}},
		{"audit/RequestReceivedNotOmitted",
			header + "rules:\n- level: Metadata\n",
			header + "rules:\n- level: Metadata\n  omitStages: [RequestReceived]\n", Options{}},
		{"audit/ResponseCompleteOmitted",
			header + "omitStages: [RequestReceived, ResponseComplete]\nrules:\n- level: Metadata\n",
			header + "omitStages: [RequestReceived]\nrules:\n- level: Metadata\n", Options{}},
		{"audit/ResponseStartedOmitted",
			header + "omitStages: [RequestReceived]\nrules:\n- level: Metadata\n  omitStages: [ResponseStarted]\n",
			header + "omitStages: [RequestReceived]\nrules:\n- level: None\n  omitStages: [ResponseStarted]\n  nonResourceURLs: [/healthz]\n- level: Metadata\n", Options{}},
		{"audit/PanicOmitted",
			header + "omitStages: [RequestReceived, Panic]\nrules:\n- level: Metadata\n",
			header + "omitStages: [RequestReceived]\nrules:\n- level: Metadata\n", Options{}},
		{"audit/RequestResponseCatchAll",
			header + "rules:\n- level: RequestResponse\n",
			header + "rules:\n- level: RequestResponse\n  verbs: [create]\n  resources: [{group: apps}]\n" + catchAll, Options{}},
		{"audit/RequestResponseOnReads",
			header + "rules:\n- level: RequestResponse\n  resources: [{group: apps}]\n" + catchAll,
			header + "rules:\n- level: Request\n  verbs: [get, list, watch]\n  resources: [{group: apps}]\n- level: RequestResponse\n  resources: [{group: apps}]\n" + catchAll, Options{}},
		{"audit/HealthNotDropped",
			header + "rules:\n- level: None\n  nonResourceURLs: [/healthz]\n" + catchAll,
			header + "rules:\n- level: None\n  nonResourceURLs: [/healthz*, /livez*, /readyz*, /metrics]\n" + catchAll, Options{}},
		{"audit/EventsNotDropped",
			header + "rules:\n- level: None\n  resources: [{group: '', resources: [events]}]\n" + catchAll,
			header + "rules:\n- level: None\n  resources: [{group: '*', resources: [events]}]\n" + catchAll, Options{}},
		{"audit/OmitManagedFields",
			header + "rules:\n- level: Request\n  verbs: [create]\n  resources: [{group: apps}]\n" + catchAll,
			header + "rules:\n- level: Request\n  omitManagedFields: true\n  verbs: [create]\n  resources: [{group: apps}]\n" + catchAll, Options{}},
		{"audit/WrongGroup",
			header + "rules:\n- level: Request\n  resources: [{group: '', resources: [pods, deployments]}]\n" + catchAll,
			header + "rules:\n- level: Request\n  resources: [{group: '', resources: [pods]}, {group: apps, resources: [deployments]}, {group: example.com, resources: [deployments]}]\n" + catchAll, Options{}},
		{"audit/UnknownResource",
			header + "rules:\n- level: Metadata\n  resources: [{group: '', resources: [secret, 'pod/exec']}]\n" + catchAll,
			header + "rules:\n- level: Metadata\n  resources: [{group: '', resources: [secrets, 'pods/exec', '*/scale', '*']}, {group: example.com, resources: [widgets]}]\n" + catchAll, Options{}},
		{"audit/SubresourceNotCovered",
			header + "rules:\n- level: RequestResponse\n  resources: [{group: '', resources: [pods]}]\n" + catchAll,
			header + "rules:\n- level: RequestResponse\n  resources: [{group: '', resources: [pods, 'pods/*']}]\n" + catchAll, Options{}},
		{"audit/ResourceNamesWithCollectionVerbs",
			header + "rules:\n- level: None\n  verbs: [get, list]\n  resources: [{group: '', resources: [configmaps], resourceNames: [leader]}]\n" + catchAll,
			header + "rules:\n- level: None\n  verbs: [get, update]\n  resources: [{group: '', resources: [configmaps], resourceNames: [leader]}]\n" + catchAll, Options{}},
		{"audit/CIS322",
			header + "rules:\n- level: None\n  resources: [{group: '', resources: [pods/portforward]}]\n" + catchAll,
			header + "rules:\n- level: None\n  resources: [{group: '', resources: [pods/log]}]\n" + catchAll, Options{}},
	}
	tested := map[string]bool{}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			tested[c.rule] = true
			opts := c.opts
			if c.rule == "audit/SensitiveDataLogged" && c.fail == c.pass {
				// Same policy: the resource is sensitive only when the
				// caller says so.
				assert.Contains(t, lintYAML(t, c.fail, Options{SensitiveResources: []GroupResource{{"vault.example.com", "vaultsecrets"}}}), c.rule)
				assert.NotContains(t, lintYAML(t, c.pass, opts), c.rule)
				return
			}
			assert.Contains(t, lintYAML(t, c.fail, opts), c.rule, "fail case")
			assert.NotContains(t, lintYAML(t, c.pass, opts), c.rule, "pass case")
			p, _, err := Parse("p.yaml", []byte(c.pass))
			require.NoError(t, err)
			passed := false
			for _, f := range Lint(p, opts) {
				if f.RuleID == c.rule && f.Passed {
					passed = true
				}
			}
			assert.True(t, passed, "a passed finding is reported")
		})
	}
	for _, r := range lintRules() {
		assert.True(t, tested[r.ID], "%s has no pass/fail test", r.ID)
	}
}

func TestAllowConfigMapBodies(t *testing.T) {
	y := header + "rules:\n- level: Metadata\n  resources: [{group: '', resources: [secrets]}]\n- level: RequestResponse\n  verbs: [create, update, patch]\n  resources: [{group: '', resources: [configmaps]}]\n- level: Metadata\n"
	assert.Contains(t, lintYAML(t, y, Options{}), "audit/SensitiveDataLogged")
	assert.NotContains(t, lintYAML(t, y, Options{AllowConfigMapBodies: true}), "audit/SensitiveDataLogged")
}

func TestLintNilPolicy(t *testing.T) {
	fs := Lint(nil, Options{})
	assert.Contains(t, ruleIDs(fs), "audit/SecretAccessNotLogged")
}

func TestRulesCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		assert.False(t, seen[r.ID], "duplicate %s", r.ID)
		seen[r.ID] = true
		assert.Equal(t, "audit", r.Package())
		assert.NotEmpty(t, r.Title)
		assert.NotEmpty(t, r.Description)
		assert.NotEmpty(t, r.Remediation)
	}
	assert.True(t, seen["audit/UnknownField"])
}

// TestSensitiveOnlyWhereBodiesLeak documents a deliberate choice: Request
// level on get/list/watch/delete writes no body (those requests have none),
// so SensitiveDataLogged does not fire, while the CIS 3.2.2 check, which
// asks for Metadata only, still does.
func TestSensitiveOnlyWhereBodiesLeak(t *testing.T) {
	y := header + "rules:\n- level: Request\n  verbs: [get, list, watch, delete, deletecollection]\n  resources: [{group: '', resources: [secrets]}]\n- level: Metadata\n"
	ids := lintYAML(t, y, Options{})
	assert.NotContains(t, ids, "audit/SensitiveDataLogged")
	assert.Contains(t, ids, "audit/CIS322")
	y = header + "rules:\n- level: Request\n  verbs: [patch]\n  resources: [{group: '', resources: [secrets]}]\n- level: Metadata\n"
	assert.Contains(t, lintYAML(t, y, Options{}), "audit/SensitiveDataLogged")
	y = header + "rules:\n- level: RequestResponse\n  verbs: [get]\n  resources: [{group: '', resources: [secrets]}]\n- level: Metadata\n"
	assert.Contains(t, lintYAML(t, y, Options{}), "audit/SensitiveDataLogged")
}

// TestShadowedNeedsEveryRequest: a rule is only shadowed when every request
// it matches is matched before; authenticated users always carry
// system:authenticated in a real cluster, but the analysis does not assume
// it, so it never claims a shadow that depends on authenticator behaviour.
func TestShadowedNeedsEveryRequest(t *testing.T) {
	y := header + "rules:\n- level: None\n  userGroups: [system:authenticated]\n  nonResourceURLs: [/version]\n- level: None\n  users: [alice]\n  nonResourceURLs: [/version]\n- level: Metadata\n"
	assert.NotContains(t, lintYAML(t, y, Options{}), "audit/ShadowedRule")
	y = header + "rules:\n- level: None\n  nonResourceURLs: [/version]\n- level: None\n  users: [alice]\n  nonResourceURLs: [/version]\n- level: Metadata\n"
	assert.Contains(t, lintYAML(t, y, Options{}), "audit/ShadowedRule")
}

func TestMissingCatchAllExample(t *testing.T) {
	p := mustParse(t, header+"rules:\n- level: Metadata\n  resources: [{group: '*'}]\n- level: Metadata\n  nonResourceURLs: ['/api*']\n")
	for _, f := range Lint(p, Options{}) {
		if f.RuleID == "audit/MissingCatchAll" {
			require.False(t, f.Passed)
			assert.Contains(t, f.Message, "(for example: <failed authentication>: <other> /<other>)")
			return
		}
	}
	t.Fatal("no MissingCatchAll finding")
}

func TestPatches(t *testing.T) {
	p := mustParse(t, header+"omitStages: [Panic]\nrules:\n- level: Request\n  resources: [{group: '', resources: [pods]}]\n")
	patches := map[string][]kubeharden.PatchOp{}
	for _, f := range Lint(p, Options{}) {
		if !f.Passed && f.Patch != nil {
			patches[f.RuleID] = f.Patch
		}
	}
	assert.Equal(t, map[string][]kubeharden.PatchOp{
		"audit/MissingCatchAll":           {{Op: "add", Path: "/rules/-", Value: map[string]any{"level": "Metadata"}}},
		"audit/RequestReceivedNotOmitted": {{Op: "add", Path: "/omitStages/-", Value: "RequestReceived"}},
		"audit/OmitManagedFields":         {{Op: "add", Path: "/omitManagedFields", Value: true}},
	}, patches)
}

func TestUnknownResourceMessage(t *testing.T) {
	p := mustParse(t, header+"rules:\n- level: Metadata\n  resources: [{group: '', resources: [secret]}]\n- level: Metadata\n")
	var msgs []string
	for _, f := range Lint(p, Options{}) {
		if !f.Passed && (f.RuleID == "audit/UnknownResource" || f.RuleID == "audit/UnreachableRule") {
			msgs = append(msgs, f.RuleID+": "+f.Message)
		}
	}
	assert.Equal(t, []string{
		`audit/UnknownResource: rules[0]: the core group "" serves no resource "secret", so this entry never matches anything (did you mean "secrets"?)`,
		"audit/UnreachableRule: rules[0] can never match: every resource it lists belongs to another API group or does not exist",
	}, msgs)
}

// The WrongGroup fix names the same group on every run: resources served by
// several groups list them sorted (map order used to decide).
func TestWrongGroupFixIsStable(t *testing.T) {
	policy := []byte("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Request\n  resources: [{group: '', resources: [deployments]}]\n- level: Metadata\n")
	for range 20 {
		reports, errs := Scan("p.yaml", policy, Options{})
		require.Empty(t, errs)
		found := false
		for _, f := range reports[0].Findings {
			if f.RuleID == "audit/WrongGroup" && !f.Passed {
				found = true
				assert.Equal(t, `move "deployments" to a resources entry with group "apps"`, f.Fix)
			}
		}
		require.True(t, found)
	}
	for r, gs := range resourceGroups() {
		assert.True(t, slices.IsSorted(gs), "%s: %v", r, gs)
	}
}
