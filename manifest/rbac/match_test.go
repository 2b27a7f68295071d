package rbac

import (
	"testing"

	"github.com/stretchr/testify/assert"
	rbacv1 "k8s.io/api/rbac/v1"
)

// The expectations below are the RBAC authorizer's documented behaviour
// (kubernetes/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go), written
// out by hand.
func TestRuleAllows(t *testing.T) {
	pr := func(verbs, groups, resources, names []string) *rbacv1.PolicyRule {
		return &rbacv1.PolicyRule{Verbs: verbs, APIGroups: groups, Resources: resources, ResourceNames: names}
	}
	s := func(v ...string) []string { return v }
	cases := []struct {
		name string
		rule *rbacv1.PolicyRule
		req  Request
		want bool
	}{
		{"exact", pr(s("get"), s(""), s("pods"), nil), Request{Verb: "get", Resource: "pods"}, true},
		{"other verb", pr(s("get"), s(""), s("pods"), nil), Request{Verb: "list", Resource: "pods"}, false},
		{"verb star covers special verbs", pr(s("*"), s(""), s("roles"), nil), Request{Verb: "escalate", Resource: "roles"}, true},
		{"group core does not match apps", pr(s("get"), s(""), s("deployments"), nil), Request{Verb: "get", APIGroup: "apps", Resource: "deployments"}, false},
		{"group star matches apps", pr(s("get"), s("*"), s("deployments"), nil), Request{Verb: "get", APIGroup: "apps", Resource: "deployments"}, true},
		{"group star matches core", pr(s("get"), s("*"), s("secrets"), nil), Request{Verb: "get", Resource: "secrets"}, true},
		{"no groups matches nothing", pr(s("get"), nil, s("secrets"), nil), Request{Verb: "get", Resource: "secrets"}, false},
		{"resource star covers subresources", pr(s("create"), s(""), s("*"), nil), Request{Verb: "create", Resource: "pods", Subresource: "exec", Name: "web"}, true},
		{"pods does not cover pods/exec", pr(s("create"), s(""), s("pods"), nil), Request{Verb: "create", Resource: "pods", Subresource: "exec", Name: "web"}, false},
		{"pods/exec exact", pr(s("create"), s(""), s("pods/exec"), nil), Request{Verb: "create", Resource: "pods", Subresource: "exec", Name: "web"}, true},
		{"*/exec covers pods/exec", pr(s("create"), s(""), s("*/exec"), nil), Request{Verb: "create", Resource: "pods", Subresource: "exec", Name: "web"}, true},
		{"*/exec does not cover pods", pr(s("create"), s(""), s("*/exec"), nil), Request{Verb: "create", Resource: "pods"}, false},
		{"*/exec does not cover pods/execx", pr(s("create"), s(""), s("*/exec"), nil), Request{Verb: "create", Resource: "pods", Subresource: "execx"}, false},
		{"*/scale covers deployments/scale", pr(s("update"), s("apps"), s("*/scale"), nil), Request{Verb: "update", APIGroup: "apps", Resource: "deployments", Subresource: "scale"}, true},
		// Kubernetes has no resource/* pattern: "pods/*" is compared as a
		// literal resource name and never matches a real subresource.
		{"pods/* is not a pattern", pr(s("create"), s(""), s("pods/*"), nil), Request{Verb: "create", Resource: "pods", Subresource: "exec"}, false},
		{"pods/exec does not cover nodes/exec", pr(s("create"), s(""), s("pods/exec"), nil), Request{Verb: "create", Resource: "nodes", Subresource: "exec"}, false},
		{"podsx/exec prefix", pr(s("create"), s(""), s("pod/exec"), nil), Request{Verb: "create", Resource: "pods", Subresource: "exec"}, false},
		{"names restrict get", pr(s("get"), s(""), s("secrets"), s("a")), Request{Verb: "get", Resource: "secrets", Name: "b"}, false},
		{"names allow the named", pr(s("get"), s(""), s("secrets"), s("a")), Request{Verb: "get", Resource: "secrets", Name: "a"}, true},
		{"names never grant create", pr(s("create"), s(""), s("pods"), s("a")), Request{Verb: "create", Resource: "pods"}, false},
		{"names never grant unfiltered list", pr(s("list"), s(""), s("secrets"), s("a")), Request{Verb: "list", Resource: "secrets"}, false},
		{"names grant list filtered by name", pr(s("list"), s(""), s("secrets"), s("a")), Request{Verb: "list", Resource: "secrets", Name: "a"}, true},
		{"names grant subresource create on the parent", pr(s("create"), s(""), s("serviceaccounts/token"), s("builder")), Request{Verb: "create", Resource: "serviceaccounts", Subresource: "token", Name: "builder"}, true},
		{"empty name listed grants nameless", pr(s("create"), s(""), s("pods"), s("")), Request{Verb: "create", Resource: "pods"}, true},
		{"case sensitive", pr(s("GET"), s(""), s("Secrets"), nil), Request{Verb: "get", Resource: "secrets"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, RuleAllows(c.rule, c.req))
		})
	}
}

func TestNonResourceRuleAllows(t *testing.T) {
	cases := []struct {
		urls []string
		path string
		want bool
	}{
		{[]string{"*"}, "/metrics", true},
		{[]string{"/healthz"}, "/healthz", true},
		{[]string{"/healthz"}, "/healthz/etcd", false},
		{[]string{"/healthz/*"}, "/healthz/etcd", true},
		{[]string{"/healthz/*"}, "/healthz", false},
		{[]string{"/healthz*"}, "/healthzx", true},
		{[]string{"/logs"}, "/metrics", false},
	}
	for _, c := range cases {
		r := &rbacv1.PolicyRule{Verbs: []string{"get"}, NonResourceURLs: c.urls}
		assert.Equal(t, c.want, NonResourceRuleAllows(r, NonResourceRequest{Verb: "get", Path: c.path}), "%v %s", c.urls, c.path)
		assert.False(t, NonResourceRuleAllows(r, NonResourceRequest{Verb: "post", Path: c.path}))
	}
}

func TestGrantsAccessLevels(t *testing.T) {
	named := &rbacv1.PolicyRule{Verbs: []string{"get", "create"}, APIGroups: []string{""}, Resources: []string{"secrets", "serviceaccounts/token"}, ResourceNames: []string{"x"}}
	assert.Equal(t, accessNamed, grants(named, "get", "", "secrets", ""))
	assert.Equal(t, accessNone, grants(named, "create", "", "secrets", ""), "create carries no name")
	assert.Equal(t, accessNamed, grants(named, "create", "", "serviceaccounts", "token"), "a subresource request names its parent")
	all := &rbacv1.PolicyRule{Verbs: []string{"impersonate"}, APIGroups: []string{"authentication.k8s.io"}, Resources: []string{"userextras/scopes"}}
	assert.Equal(t, accessAll, grantsAnySub(all, "impersonate", "authentication.k8s.io", "userextras"))
	assert.Equal(t, accessNone, grantsAnySub(all, "impersonate", "authentication.k8s.io", "uids"))
}
