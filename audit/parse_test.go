package audit

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apiserver/pkg/audit/policy"

	"github.com/kubeharden/kubeharden"
)

const header = "apiVersion: audit.k8s.io/v1\nkind: Policy\n"

func ruleIDs(fs []kubeharden.Finding) []string {
	var out []string
	for _, f := range fs {
		if !f.Passed {
			out = append(out, f.RuleID)
		}
	}
	return out
}

// TestValidationMatchesAPIServer checks every validation rule with a
// failing and a passing input, and that the API server's loader rejects
// exactly the inputs we report as invalid.
func TestValidationMatchesAPIServer(t *testing.T) {
	cases := []struct {
		name string
		yaml string
		want []string // failed rule IDs; nil = valid
	}{
		{"valid minimal", header + "rules:\n- level: Metadata\n", nil},
		{"v1beta1", "apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules:\n- level: Metadata\n", []string{"audit/APIVersion"}},
		{"no rules", header + "rules: []\n", []string{"audit/NoRules"}},
		{"rules missing", header + "omitStages: [RequestReceived]\n", []string{"audit/NoRules"}},
		{"level missing", header + "rules:\n- verbs: [get]\n", []string{"audit/InvalidLevel"}},
		{"level unknown", header + "rules:\n- level: Everything\n", []string{"audit/InvalidLevel"}},
		{"level wrong case", header + "rules:\n- level: metadata\n", []string{"audit/InvalidLevel"}},
		{"all levels", header + "rules:\n- level: None\n  verbs: [get]\n- level: Request\n  verbs: [list]\n- level: RequestResponse\n  verbs: [create]\n- level: Metadata\n", nil},
		{"policy stage typo", header + "omitStages: [RequestRecieved]\nrules:\n- level: Metadata\n", []string{"audit/InvalidStage"}},
		{"rule stage typo", header + "rules:\n- level: Metadata\n  omitStages: [ResponseCompleted]\n", []string{"audit/InvalidStage"}},
		{"all stages", header + "omitStages: [RequestReceived, ResponseStarted, ResponseComplete, Panic]\nrules:\n- level: Metadata\n", nil},
		{"url without slash", header + "rules:\n- level: None\n  nonResourceURLs: [healthz]\n", []string{"audit/InvalidNonResourceURL"}},
		{"url inner star", header + "rules:\n- level: None\n  nonResourceURLs: ['/api/*/x']\n", []string{"audit/InvalidNonResourceURL"}},
		{"url empty", header + "rules:\n- level: None\n  nonResourceURLs: ['']\n", []string{"audit/InvalidNonResourceURL"}},
		{"url double star", header + "rules:\n- level: None\n  nonResourceURLs: ['/healthz**']\n", []string{"audit/InvalidNonResourceURL"}},
		{"url both errors", header + "rules:\n- level: None\n  nonResourceURLs: ['a*b']\n", []string{"audit/InvalidNonResourceURL", "audit/InvalidNonResourceURL"}},
		{"url star forms", header + "rules:\n- level: None\n  nonResourceURLs: ['*', '/api*', '/healthz*', '/']\n- level: Metadata\n", nil},
		{"mixed resources", header + "rules:\n- level: None\n  nonResourceURLs: [/healthz]\n  resources: [{group: ''}]\n", []string{"audit/MixedResourceAndURL"}},
		{"mixed namespaces", header + "rules:\n- level: None\n  nonResourceURLs: [/healthz]\n  namespaces: [default]\n", []string{"audit/MixedResourceAndURL"}},
		{"group with version", header + "rules:\n- level: None\n  resources: [{group: apps/v1, resources: [deployments]}]\n", []string{"audit/InvalidGroup"}},
		{"group upper case", header + "rules:\n- level: None\n  resources: [{group: Apps}]\n", []string{"audit/InvalidGroup"}},
		{"group too long", header + "rules:\n- level: None\n  resources: [{group: " + strings.Repeat("a.", 127) + "a}]\n", []string{"audit/InvalidGroup"}},
		{"group forms", header + "rules:\n- level: None\n  resources: [{group: ''}, {group: '*'}, {group: apps}, {group: rbac.authorization.k8s.io}, {group: a-b.example.com}]\n", nil},
		{"names without resources", header + "rules:\n- level: None\n  resources: [{group: '', resourceNames: [x]}]\n", []string{"audit/ResourceNamesWithoutResources"}},
		{"names with resources", header + "rules:\n- level: None\n  resources: [{group: '', resources: [configmaps], resourceNames: [x]}]\n", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, fs, err := Parse("policy.yaml", []byte(c.yaml))
			require.NoError(t, err)
			assert.Equal(t, c.want, ruleIDs(fs))
			_, oracleErr := policy.LoadPolicyFromBytes([]byte(c.yaml))
			verr := Validate(p)
			if c.want == nil {
				assert.NoError(t, oracleErr, "the API server rejects it")
				assert.NoError(t, verr)
			} else {
				assert.Error(t, oracleErr, "the API server accepts it")
				require.Error(t, verr)
				assert.True(t, errors.Is(verr, ErrInvalidPolicy))
			}
			for _, f := range fs {
				assert.True(t, f.Position.IsValid(), "%s has no position", f.RuleID)
			}
		})
	}
}

func TestParseUnknownFields(t *testing.T) {
	// `namespace:` is a typo for `namespaces:`: the API server drops it with
	// a log warning and the None rule then covers secrets everywhere.
	y := header + "rules:\n- level: None\n  namespace: [kube-system]\n  resources: [{group: '', resources: [secrets]}]\n- level: Metadata\n  level: Request\n"
	_, oracleErr := policy.LoadPolicyFromBytes([]byte(y))
	require.NoError(t, oracleErr, "the API server only warns")
	p, fs, err := Parse("p.yaml", []byte(y))
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"audit/UnknownField", "audit/DuplicateKey"}, ruleIDs(fs))
	for _, f := range fs {
		if f.RuleID == "audit/UnknownField" {
			assert.Equal(t, 5, f.Position.Line)
			assert.Equal(t, "rules[0].namespace", f.Path)
		}
	}
	assert.Equal(t, LevelRequest, p.Rules[1].Level, "last duplicate wins")
	d := Evaluate(p, Request{User: &User{Name: "a"}, Verb: "get", ResourceRequest: true, Resource: "secrets", Namespace: "prod"})
	assert.Equal(t, LevelNone, d.Level)
}

func TestParseMetadataIsKnown(t *testing.T) {
	y := header + "metadata:\n  name: p\n  creationTimestamp: null\n  labels: {a: b}\n  annotations: {c: d}\nrules:\n- level: Metadata\n"
	_, fs, err := Parse("p.yaml", []byte(y))
	require.NoError(t, err)
	assert.Empty(t, fs)
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, yaml string
		is         error
	}{
		{"not a policy", "apiVersion: v1\nkind: ConfigMap\n", ErrNotPolicy},
		{"empty", "", ErrNotPolicy},
		{"no apiVersion", "kind: Policy\nrules: []\n", ErrNotPolicy},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := Parse("x.yaml", []byte(c.yaml))
			require.Error(t, err)
			assert.ErrorIs(t, err, c.is)
			var ie *kubeharden.InputError
			assert.ErrorAs(t, err, &ie)
		})
	}
	_, _, err := Parse("x.yaml", []byte(header+"rules:\n- level: [Metadata]\n"))
	require.Error(t, err)
	var ie *kubeharden.InputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "x.yaml", ie.Source)
	assert.Positive(t, ie.Line) // decode positions type errors at the nearest indexed ancestor
	_, _, err = Parse("x.yaml", []byte(header+"rules: [\n"))
	require.Error(t, err)
}

func TestDetect(t *testing.T) {
	assert.True(t, Detect("p", []byte(header+"rules:\n- level: Metadata\n")))
	assert.True(t, Detect("p", []byte("apiVersion: v1\nkind: ConfigMap\n---\napiVersion: audit.k8s.io/v1beta1\nkind: Policy\n")))
	assert.False(t, Detect("p", []byte("apiVersion: v1\nkind: Policy\n")))
	assert.False(t, Detect("p", []byte("apiVersion: audit.k8s.io/v1\nkind: Event\n")))
	assert.False(t, Detect("p", []byte("{{{")))
}

func TestCorpusLoads(t *testing.T) {
	counts := map[string]int{
		"k8s-docs-audit-policy.yaml": 9, "k8s-docs-minimal-metadata.yaml": 1, "gce-gke-kube-up-audit-policy.yaml": 17,
		"aks-engine-audit-policy.yaml": 8, "eks-anywhere-audit-policy.yaml": 17, "falco-k8saudit-audit-policy.yaml": 11,
		"openshift-default.yaml": 5, "openshift-writerequestbodies.yaml": 7, "openshift-allrequestbodies.yaml": 6,
		"rke2-cis-minimal-2020.yaml": 1, "kube-hetzner-pr1825-example.yaml": 3,
	}
	for name, data := range corpusFiles(t) {
		p, fs, err := Parse(name, data)
		require.NoError(t, err, name)
		assert.Empty(t, ruleIDs(fs), name)
		assert.NoError(t, Validate(p), name)
		assert.Len(t, p.Rules, counts[name], name)
	}
}

func TestDNSNames(t *testing.T) {
	for s, want := range map[string]bool{
		"apps": true, "rbac.authorization.k8s.io": true, "a-b.c": true, "0.1": true,
		"": false, "-a": false, "a-": false, "a..b": false, ".a": false, "a.": false, "A": false, "a_b": false, "apps/v1": false,
		strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 61): true,
		strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 62): false,
	} {
		assert.Equal(t, want, isDNSSubdomain(s), s)
	}
}

func TestParseCaseVariantKey(t *testing.T) {
	// The API server ignores `nonResourceUrls` (wrong case): the rule
	// becomes an unconditional None rule.
	y := header + "rules:\n- level: None\n  nonResourceUrls: [/healthz]\n- level: Metadata\n"
	_, oracleErr := policy.LoadPolicyFromBytes([]byte(y))
	require.NoError(t, oracleErr)
	p, fs, err := Parse("p.yaml", []byte(y))
	require.NoError(t, err)
	require.Equal(t, []string{"audit/CaseVariantKey"}, ruleIDs(fs))
	assert.Contains(t, fs[0].Fix, `"nonResourceURLs"`)
	assert.Equal(t, LevelNone, Evaluate(p, resReq(newAlice(), "get", "", "secrets", "", "default", "x")).Level)
	assert.Contains(t, ruleIDs(Lint(p, Options{})), "audit/CatchAllNone")
}
