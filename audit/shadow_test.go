package audit

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCoversRandom checks the coverage decision on random policies in
// both directions: a "not covered" answer comes with a witness that we
// verify, and a "covered" answer is checked against thousands of sampled
// requests.
func TestCoversRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	stats := map[coverResult]int{}
	for i := 0; i < 400; i++ {
		p := randomPolicy(rng)
		space := baseSpace()
		space.add(p)
		for j := range p.Rules {
			res, _, w := covers(p.Rules[:j], &p.Rules[j], nil, ptr(defaultBudget))
			stats[res]++
			switch res {
			case coverNo:
				require.NotNil(t, w)
				require.True(t, p.Rules[j].Matches(*w), "witness must match the rule")
				for k := 0; k < j; k++ {
					require.False(t, p.Rules[k].Matches(*w), "witness matched earlier rule %d", k)
				}
			case coverYes, coverEmpty:
				for n := 0; n < 300; n++ {
					r := space.request(rng)
					if !p.Rules[j].Matches(r) {
						continue
					}
					require.NotEqual(t, coverEmpty, res, "rule %d said empty but matches %+v", j, r)
					d := Evaluate(p, r)
					require.Less(t, d.Rule, j, "rule %d said covered, but %+v reaches it (policy %+v)", j, r, p.Rules)
				}
			}
		}
	}
	t.Logf("cover results: %v", stats)
	assert.Positive(t, stats[coverYes])
	assert.Positive(t, stats[coverNo])
	assert.Zero(t, stats[coverUnknown])
}

func TestCoversCases(t *testing.T) {
	res := func(rs ...PolicyRule) []PolicyRule { return rs }
	gr := func(group string, resources ...string) GroupResources {
		return GroupResources{Group: group, Resources: resources}
	}
	cases := []struct {
		name    string
		earlier []PolicyRule
		rule    PolicyRule
		want    coverResult
	}{
		{"catch-all before", res(PolicyRule{Level: LevelMetadata}), PolicyRule{Level: LevelNone, NonResourceURLs: []string{"/healthz"}}, coverYes},
		{"verbs split", res(PolicyRule{Verbs: []string{"get"}}, PolicyRule{Verbs: []string{"list"}}), PolicyRule{Verbs: []string{"get", "list"}}, coverYes},
		{"verbs partial", res(PolicyRule{Verbs: []string{"get"}}), PolicyRule{Verbs: []string{"get", "list"}}, coverNo},
		{"resource and url split", res(PolicyRule{Resources: []GroupResources{{Group: "*"}}}, PolicyRule{NonResourceURLs: []string{"*"}}), PolicyRule{}, coverYes},
		{"namespaces do not cover cluster scope", res(PolicyRule{Resources: []GroupResources{{Group: "*"}}, Namespaces: []string{"a"}}), PolicyRule{Resources: []GroupResources{gr("", "secrets")}}, coverNo},
		{"pods does not cover pods/exec", res(PolicyRule{Resources: []GroupResources{gr("", "pods")}}), PolicyRule{Resources: []GroupResources{gr("", "pods/exec")}}, coverNo},
		{"pods/* covers pods", res(PolicyRule{Resources: []GroupResources{gr("", "pods/*")}}), PolicyRule{Resources: []GroupResources{gr("", "pods", "pods/exec")}}, coverYes},
		{"*/exec covers pods/exec", res(PolicyRule{Resources: []GroupResources{gr("*", "*/exec")}}), PolicyRule{Resources: []GroupResources{gr("", "pods/exec")}}, coverYes},
		{"user rule does not cover failed auth", res(PolicyRule{UserGroups: []string{"system:authenticated", "system:unauthenticated"}}), PolicyRule{}, coverNo},
		{"url prefix", res(PolicyRule{NonResourceURLs: []string{"/api*"}}), PolicyRule{NonResourceURLs: []string{"/apis", "/api/v1*"}}, coverYes},
		{"url prefix partial", res(PolicyRule{NonResourceURLs: []string{"/api*"}}), PolicyRule{NonResourceURLs: []string{"/apis", "/healthz"}}, coverNo},
		{"union of groups", res(PolicyRule{Resources: []GroupResources{{Group: ""}}}, PolicyRule{Resources: []GroupResources{{Group: "apps"}}}), PolicyRule{Resources: []GroupResources{gr("", "pods"), gr("apps", "deployments")}}, coverYes},
		{"resourceNames narrower", res(PolicyRule{Resources: []GroupResources{{Group: "", Resources: []string{"configmaps"}, ResourceNames: []string{"a"}}}}), PolicyRule{Resources: []GroupResources{gr("", "configmaps")}}, coverNo},
		{"unmatchable rule", nil, PolicyRule{Resources: []GroupResources{gr("", "pods")}, NonResourceURLs: []string{"/x"}}, coverNo},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _, _ := covers(c.earlier, &c.rule, nil, ptr(defaultBudget))
			assert.Equal(t, c.want, got)
		})
	}
}

func ptr[T any](v T) *T { return &v }
