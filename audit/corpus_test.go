package audit

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden"
)

type want struct {
	rule, path, msg string // msg: substring of the message
}

func hasFinding(fs []kubeharden.Finding, w want) bool {
	for _, f := range fs {
		if !f.Passed && f.RuleID == w.rule && (w.path == "" || f.Path == w.path) && strings.Contains(f.Message, w.msg) {
			return true
		}
	}
	return false
}

// TestCorpusDefects checks that every real policy yields the defects
// ../shared/reference/audit.md §6 and the corpus README list for it, and
// not the ones it does not have. Expectations are written from those
// documents, not from our output.
func TestCorpusDefects(t *testing.T) {
	files := corpusFiles(t)
	cases := []struct {
		file      string
		want, not []want
	}{
		{file: "aks-engine-audit-policy.yaml",
			want: []want{
				// secrets logged at Request: the explicit secrets rule.
				{"audit/SensitiveDataLogged", "rules[5].level", "secrets at Request"},
				// configmaps and sa/token through the core-group Request rule.
				{"audit/SensitiveDataLogged", "rules[6].level", "serviceaccounts/token"},
				{"audit/CIS322", "", "get a Secret: Request"},
				{"audit/SubresourceNotCovered", "rules[0]", "pods/exec → Request (rules[6])"},
			},
			not: []want{{"audit/MissingCatchAll", "", ""}, {"audit/ShadowedRule", "", ""}}},
		{file: "falco-k8saudit-audit-policy.yaml",
			want: []want{
				{"audit/WrongGroup", "rules[0].resources[0].resources[1]", `"deployments" is listed under the core group`},
				{"audit/ChangesBelowRequest", "rules[10]", "patch a Deployment → Metadata"},
				// configmaps outside kube-system at RequestResponse, against CIS.
				{"audit/SensitiveDataLogged", "rules[7].level", "configmaps at RequestResponse"},
				{"audit/CIS322", "", "update a ConfigMap: RequestResponse"},
			},
			not: []want{{"audit/MissingCatchAll", "", ""}, {"audit/UnreachableRule", "", ""}}},
		{file: "rke2-cis-minimal-2020.yaml",
			want: []want{
				{"audit/MissingCatchAll", "rules", "for example: get a Secret; list Secrets; watch Secrets in all namespaces"},
				{"audit/SecretAccessNotLogged", "", "get a Secret → None"},
				{"audit/ExecNotLogged", "", "exec into a Pod (POST) → None"},
				{"audit/ChangesNotLogged", "", "create a ClusterRoleBinding → None"},
				{"audit/FailedAuthNotLogged", "", "failed authentication: list Secrets → None"},
				{"audit/CIS322", "", "create a TokenReview: None"},
				{"audit/SubresourceNotCovered", "rules[0]", "pods/exec → None"},
			},
			not: []want{{"audit/SensitiveDataLogged", "", ""}}},
		{file: "kube-hetzner-pr1825-example.yaml",
			want: []want{
				{"audit/ShadowedRule", "rules[2]", "already matched by rules[1]; its requests are audited at Metadata instead of None"},
				{"audit/MisplacedCatchAll", "rules[1]", ""},
			},
			not: []want{{"audit/MissingCatchAll", "", ""}}},
		{file: "openshift-allrequestbodies.yaml",
			want: []want{
				{"audit/RequestResponseCatchAll", "rules[5].level", ""},
				{"audit/SensitiveDataLogged", "rules[5].level", "tokenreviews.authentication.k8s.io"},
			},
			not: []want{{"audit/SecretAccessNotLogged", "", ""}, {"audit/SensitiveDataLogged", "", "secrets"}}},
		{file: "openshift-writerequestbodies.yaml",
			want: []want{{"audit/SensitiveDataLogged", "rules[5].level", "configmaps"}},
			not:  []want{{"audit/RequestResponseCatchAll", "", ""}, {"audit/SensitiveDataLogged", "", "secrets"}}},
		{file: "openshift-default.yaml",
			not: []want{{"audit/SensitiveDataLogged", "", ""}, {"audit/MissingCatchAll", "", ""}, {"audit/ShadowedRule", "", ""}}},
		{file: "k8s-docs-audit-policy.yaml",
			want: []want{
				// "/healthz is not dropped": noisy.
				{"audit/HealthNotDropped", "", "/healthz"},
			},
			not: []want{{"audit/ExecNotLogged", "", ""}, {"audit/MissingCatchAll", "", ""}, {"audit/SensitiveDataLogged", "", "secrets"}}},
		{file: "k8s-docs-minimal-metadata.yaml",
			want: []want{{"audit/RequestReceivedNotOmitted", "omitStages", ""}},
			not:  []want{{"audit/MissingCatchAll", "", ""}, {"audit/CIS322", "", ""}, {"audit/SensitiveDataLogged", "", ""}}},
		{file: "gce-gke-kube-up-audit-policy.yaml",
			// GKE's policy is the reference for secrets at Metadata, reads at
			// Request and RequestReceived omitted on every rule.
			not: []want{{"audit/SensitiveDataLogged", "", ""}, {"audit/CIS322", "", ""}, {"audit/RequestReceivedNotOmitted", "", ""},
				{"audit/RequestResponseOnReads", "", ""}, {"audit/ShadowedRule", "", ""}, {"audit/MissingCatchAll", "", ""}}},
		{file: "eks-anywhere-audit-policy.yaml",
			not: []want{{"audit/SensitiveDataLogged", "", "secrets"}, {"audit/MissingCatchAll", "", ""}}},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			data, ok := files[c.file]
			require.True(t, ok)
			seen[c.file] = true
			reps, err := Scan(c.file, data, Options{})
			require.NoError(t, err)
			require.Len(t, reps, 1)
			fs := reps[0].Findings
			for _, w := range c.want {
				assert.True(t, hasFinding(fs, w), "missing %+v", w)
			}
			for _, w := range c.not {
				assert.False(t, hasFinding(fs, w), "unexpected %+v", w)
			}
			for _, f := range fs {
				if !f.Passed {
					assert.True(t, f.Position.IsValid(), "%s %s has no position", f.RuleID, f.Path)
				}
			}
		})
	}
	assert.Len(t, seen, len(files), "every corpus file has expectations")
}

// TestFalcoDeploymentPatchFallsThrough pins the effect audit.md describes:
// patch of an apps Deployment misses the RequestResponse rule.
func TestCorpusWorkedExamples(t *testing.T) {
	files := corpusFiles(t)
	parse := func(name string) *Policy {
		p, _, err := Parse(name, files[name])
		require.NoError(t, err)
		return p
	}
	falco := parse("falco-k8saudit-audit-policy.yaml")
	d := Evaluate(falco, resReq(newAlice(), "patch", "apps", "deployments", "", "default", "web"))
	assert.Equal(t, LevelMetadata, d.Level)
	assert.Equal(t, 10, d.Rule)

	aks := parse("aks-engine-audit-policy.yaml")
	assert.Equal(t, LevelRequest, Evaluate(aks, resReq(nil, "list", "", "secrets", "", "default", "")).Level, "nil-user list secrets")
	assert.Equal(t, LevelRequest, Evaluate(aks, resReq(newAlice(), "create", "", "secrets", "", "default", "")).Level)

	rke2 := parse("rke2-cis-minimal-2020.yaml")
	assert.Equal(t, LevelMetadata, Evaluate(rke2, resReq(newAlice(), "create", "", "pods", "", "default", "")).Level)
	assert.Equal(t, Decision{Level: LevelNone, Rule: -1}, Evaluate(rke2, resReq(newAlice(), "get", "", "secrets", "", "default", "x")))

	// The worked example of audit.md §2 on the docs policy.
	docs := parse("k8s-docs-audit-policy.yaml")
	auth := func(name string) *User { return &User{Name: name, Groups: []string{"system:authenticated"}} }
	cases := []struct {
		req  Request
		want Level
	}{
		{resReq(auth("alice"), "get", "", "secrets", "", "default", "db-pass"), LevelMetadata},
		{resReq(auth("alice"), "create", "", "pods", "exec", "default", "web"), LevelRequest},
		{resReq(auth("alice"), "update", "", "configmaps", "", "kube-system", "x"), LevelRequest},
		{resReq(auth("system:kube-proxy"), "watch", "", "endpoints", "", "", ""), LevelNone},
		{Request{User: auth("alice"), Verb: "get", Path: "/version"}, LevelNone},
		{Request{User: newAnonymous(), Verb: "get", Path: "/healthz"}, LevelMetadata},
		{resReq(auth("kubelet"), "create", "authentication.k8s.io", "tokenreviews", "", "", ""), LevelMetadata},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Evaluate(docs, c.req).Level, c.req.String())
	}
}
