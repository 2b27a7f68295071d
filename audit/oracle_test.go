package audit

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apiserver/pkg/audit/policy"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"

	"github.com/kubeharden/kubeharden/internal/testutil"
)

// The differential tests compare Evaluate and Validate with
// k8s.io/apiserver v0.37.2's loader and evaluator, which stay test-only.

func loadOracle(t testing.TB, data []byte) func(Request) (Level, StageSet, bool) {
	t.Helper()
	ip, err := policy.LoadPolicyFromBytes(data)
	require.NoError(t, err)
	ev := policy.NewPolicyRuleEvaluator(ip)
	return func(r Request) (Level, StageSet, bool) {
		attrs := authorizer.AttributesRecord{
			Verb: r.Verb, Namespace: r.Namespace, APIGroup: r.APIGroup, APIVersion: r.APIVersion,
			Resource: r.Resource, Subresource: r.Subresource, Name: r.Name,
			ResourceRequest: r.ResourceRequest, Path: r.Path,
		}
		if r.User != nil {
			attrs.User = &user.DefaultInfo{Name: r.User.Name, Groups: r.User.Groups}
		}
		c := ev.EvaluatePolicyRule(attrs)
		var s StageSet
		for _, st := range c.OmitStages {
			b := Stage(st).bit()
			if b == 0 {
				t.Fatalf("oracle returned unknown stage %q", st)
			}
			s |= b
		}
		return Level(c.Level), s, c.OmitManagedFields
	}
}

// requestSpace is the pool of attribute values requests are drawn from: a
// base set plus every literal of the policy under test (so rules are hit),
// plus near misses.
type requestSpace struct {
	users                                     []*User
	verbs, groups, resources, subs, ns, names []string
	paths                                     []string
}

func baseSpace() *requestSpace {
	return &requestSpace{
		users: []*User{nil,
			{Name: "alice", Groups: []string{"system:authenticated"}},
			{Name: "system:anonymous", Groups: []string{"system:unauthenticated"}},
			{Name: "system:kube-proxy", Groups: []string{"system:authenticated"}},
			{Name: "kubelet", Groups: []string{"system:authenticated"}},
			{Name: "system:node:n1", Groups: []string{"system:nodes", "system:authenticated"}},
			{Name: "system:serviceaccount:kube-system:endpoint-controller", Groups: []string{"system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"}},
			{Name: "nogroups"},
		},
		verbs:     []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "*", "post", "put", "head"},
		groups:    []string{"", "apps", "rbac.authorization.k8s.io", "authentication.k8s.io", "extensions", "metrics.k8s.io", "apiextensions.k8s.io", "example.com", "*"},
		resources: []string{"pods", "secrets", "configmaps", "deployments", "endpoints", "services", "nodes", "namespaces", "events", "serviceaccounts", "tokenreviews", "clusterroles", "*", "pods/exec"},
		subs:      []string{"", "", "", "exec", "log", "status", "token", "finalize", "approval", "*", "scale"},
		ns:        []string{"", "default", "kube-system", "other"},
		names:     []string{"", "", "db-pass", "controller-leader"},
		paths:     []string{"", "/", "/api", "/api/v1", "/apis", "/apis/apps/v1", "/healthz", "/healthz/etcd", "/version", "/versions", "/metrics", "/livez", "/readyz", "/swagger.json", "/openapi/v2", "*"},
	}
}

func (s *requestSpace) add(p *Policy) {
	for _, r := range p.Rules {
		for _, u := range r.Users {
			s.users = append(s.users, &User{Name: u}, &User{Name: u, Groups: []string{"system:authenticated"}})
		}
		for _, g := range r.UserGroups {
			s.users = append(s.users, &User{Name: "member-of-" + g, Groups: []string{"x", g}})
		}
		s.verbs = append(s.verbs, r.Verbs...)
		s.ns = append(s.ns, r.Namespaces...)
		for _, gr := range r.Resources {
			s.groups = append(s.groups, gr.Group)
			s.names = append(s.names, gr.ResourceNames...)
			for _, res := range gr.Resources {
				a, b, _ := strings.Cut(res, "/")
				s.resources = append(s.resources, a, res)
				if b != "" {
					s.subs = append(s.subs, b)
				}
			}
		}
		for _, u := range r.NonResourceURLs {
			base := strings.TrimRight(u, "*")
			s.paths = append(s.paths, u, base, base+"x", base+"/y")
		}
	}
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func (s *requestSpace) request(rng *rand.Rand) Request {
	r := Request{User: pick(rng, s.users), Verb: pick(rng, s.verbs)}
	if rng.IntN(4) == 0 {
		r.Path = pick(rng, s.paths)
		return r
	}
	r.ResourceRequest = true
	r.APIGroup = pick(rng, s.groups)
	r.Resource = pick(rng, s.resources)
	if strings.Contains(r.Resource, "/") && rng.IntN(2) == 0 {
		r.Resource, r.Subresource, _ = strings.Cut(r.Resource, "/")
	} else {
		r.Subresource = pick(rng, s.subs)
	}
	r.Namespace = pick(rng, s.ns)
	r.Name = pick(rng, s.names)
	return r
}

func compareWithOracle(t *testing.T, name string, data []byte, rng *rand.Rand, n int) {
	t.Helper()
	ours, fs, err := Parse(name, data)
	require.NoError(t, err)
	for _, f := range fs {
		require.NotContains(t, []string{"audit/APIVersion", "audit/NoRules", "audit/InvalidLevel", "audit/InvalidStage",
			"audit/InvalidNonResourceURL", "audit/MixedResourceAndURL", "audit/InvalidGroup", "audit/ResourceNamesWithoutResources"},
			f.RuleID, "%s: the API server loads this policy, but we report %s", name, f.Message)
	}
	want := loadOracle(t, data)
	space := baseSpace()
	space.add(ours)
	disagreements := 0
	for i := 0; i < n; i++ {
		r := space.request(rng)
		lvl, st, omf := want(r)
		d := Evaluate(ours, r)
		if d.Level != lvl || d.OmitStages != st || d.OmitManagedFields != omf {
			disagreements++
			if disagreements <= 5 {
				t.Errorf("%s: request %+v (user %+v): apiserver says %s/%s/%v, Evaluate says %s/%s/%v (rule %d)",
					name, r, r.User, lvl, st, omf, d.Level, d.OmitStages, d.OmitManagedFields, d.Rule)
			}
		}
		// Decision.Rule must point at the first matching rule.
		if d.Rule >= 0 {
			require.True(t, ours.Rules[d.Rule].Matches(r))
			for k := 0; k < d.Rule; k++ {
				require.False(t, ours.Rules[k].Matches(r))
			}
		}
	}
	require.Zero(t, disagreements, "%s: disagreements with k8s.io/apiserver", name)
}

func corpusFiles(t testing.TB) map[string][]byte {
	dir := testutil.SharedDir(t, "corpus", "audit")
	matches, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	require.NoError(t, err)
	require.Len(t, matches, 11)
	out := map[string][]byte{}
	for _, m := range matches {
		b, err := os.ReadFile(m)
		require.NoError(t, err)
		out[filepath.Base(m)] = b
	}
	return out
}

func TestDifferentialCorpus(t *testing.T) {
	files := corpusFiles(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, name := range sortedKeys(files) {
		t.Run(name, func(t *testing.T) {
			compareWithOracle(t, name, files[name], rng, 5000)
		})
	}
}

// randomPolicy builds a valid policy from the same value pools, with
// wildcards in every position the evaluator treats specially.
func randomPolicy(rng *rand.Rand) *Policy {
	some := func(xs []string, max int) []string {
		n := rng.IntN(max + 1)
		var out []string
		for i := 0; i < n; i++ {
			out = append(out, pick(rng, xs))
		}
		return out
	}
	stages := func() []Stage {
		var out []Stage
		for _, s := range Stages() {
			if rng.IntN(4) == 0 {
				out = append(out, s)
			}
		}
		return out
	}
	p := &Policy{APIVersion: APIVersion, Kind: "Policy", OmitStages: stages(), OmitManagedFields: rng.IntN(2) == 0}
	n := 1 + rng.IntN(8)
	for i := 0; i < n; i++ {
		r := PolicyRule{Level: pick(rng, Levels()), OmitStages: stages()}
		if rng.IntN(3) == 0 {
			r.Users = some([]string{"alice", "system:anonymous", "kubelet", "system:kube-proxy", "*"}, 2)
		}
		if rng.IntN(3) == 0 {
			r.UserGroups = some([]string{"system:authenticated", "system:unauthenticated", "system:nodes", "system:serviceaccounts"}, 2)
		}
		if rng.IntN(2) == 0 {
			r.Verbs = some([]string{"get", "list", "watch", "create", "update", "patch", "delete", "*"}, 3)
		}
		if rng.IntN(3) == 0 {
			b := rng.IntN(2) == 0
			r.OmitManagedFields = &b
		}
		switch rng.IntN(4) {
		case 0:
			r.NonResourceURLs = some([]string{"*", "/api*", "/apis", "/healthz*", "/version", "/", "/metrics", "/*"}, 3)
		case 1:
			if rng.IntN(2) == 0 {
				r.Namespaces = some([]string{"", "default", "kube-system"}, 2)
			}
			for k := rng.IntN(3); k > 0; k-- {
				gr := GroupResources{Group: pick(rng, []string{"", "", "apps", "*", "rbac.authorization.k8s.io", "authentication.k8s.io"})}
				gr.Resources = some([]string{"pods", "pods/*", "*/exec", "*", "secrets", "configmaps", "pods/exec", "deployments", "*/status", "tokenreviews", "serviceaccounts/token", "deployments/scale"}, 3)
				if len(gr.Resources) > 0 && rng.IntN(4) == 0 {
					gr.ResourceNames = some([]string{"db-pass", "controller-leader", ""}, 2)
				}
				r.Resources = append(r.Resources, gr)
			}
		}
		p.Rules = append(p.Rules, r)
	}
	return p
}

func TestDifferentialRandomPolicies(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for i := 0; i < 300; i++ {
		p := randomPolicy(rng)
		data, err := json.Marshal(p)
		require.NoError(t, err)
		compareWithOracle(t, fmt.Sprintf("random-%d", i), data, rng, 300)
	}
}

// TestDifferentialValidation generates policies with invalid values in
// every validated position and checks that Validate rejects exactly what
// the API server's loader rejects.
func TestDifferentialValidation(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 17))
	levels := []Level{LevelNone, LevelMetadata, LevelRequest, LevelRequestResponse, "", "metadata", "Everything"}
	stages := []Stage{StageRequestReceived, StageResponseStarted, StageResponseComplete, StagePanic, "RequestRecieved", ""}
	urls := []string{"*", "/api*", "/healthz", "healthz", "/a*b", "", "/**", "/x/*", "**"}
	groups := []string{"", "*", "apps", "apps/v1", "Apps", "a_b.io", "-a.io", "rbac.authorization.k8s.io", "a..b"}
	rejected := 0
	for i := 0; i < 2000; i++ {
		p := &Policy{APIVersion: APIVersion, Kind: "Policy"}
		if rng.IntN(20) == 0 {
			p.APIVersion = "audit.k8s.io/v1beta1"
		}
		if rng.IntN(3) == 0 {
			p.OmitStages = []Stage{pick(rng, stages)}
		}
		for n := rng.IntN(4); n > 0; n-- {
			r := PolicyRule{Level: pick(rng, levels)}
			if rng.IntN(3) == 0 {
				r.OmitStages = []Stage{pick(rng, stages)}
			}
			switch rng.IntN(3) {
			case 0:
				r.NonResourceURLs = []string{pick(rng, urls)}
				if rng.IntN(4) == 0 {
					r.Namespaces = []string{"default"}
				}
			case 1:
				gr := GroupResources{Group: pick(rng, groups)}
				if rng.IntN(2) == 0 {
					gr.Resources = []string{"pods"}
				}
				if rng.IntN(3) == 0 {
					gr.ResourceNames = []string{"x"}
				}
				r.Resources = []GroupResources{gr}
			}
			p.Rules = append(p.Rules, r)
		}
		data, err := json.Marshal(p)
		require.NoError(t, err)
		_, oracleErr := policy.LoadPolicyFromBytes(data)
		parsed, _, err := Parse("p.json", data)
		require.NoError(t, err)
		ours := Validate(parsed)
		require.Equal(t, oracleErr == nil, ours == nil, "policy %s: apiserver %v, Validate %v", data, oracleErr, ours)
		if ours != nil {
			rejected++
		}
	}
	assert.Greater(t, rejected, 500)
	assert.Less(t, rejected, 1900)
}
