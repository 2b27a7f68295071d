package rbac

import (
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Request is one authorization request as the RBAC authorizer sees it: a
// verb on a resource (with an optional subresource) of an API group, with
// the object name when the request carries one. Create requests for a
// top-level resource, deletecollection and unfiltered list/watch requests
// carry no name; requests on a subresource carry the parent object's name
// (pods/exec of pod "web" has Name "web").
type Request struct {
	Verb        string
	APIGroup    string
	Resource    string
	Subresource string
	Name        string
}

// NonResourceRequest is a request for a non-resource URL ("/healthz").
type NonResourceRequest struct {
	Verb string
	Path string
}

// RuleAllows reports whether the policy rule grants the request, with the
// RBAC authorizer's semantics (RuleAllows in kubernetes/kubernetes
// pkg/apis/rbac/v1/evaluation_helpers.go): verbs, apiGroups, resources and
// resourceNames must all match. "*" matches every verb and every group;
// resources "*" matches every resource and every subresource; a plain
// resource ("pods") matches only itself, never "pods/exec"; "*/exec" matches
// the exec subresource of any resource; "pods/*" is not a pattern and only
// matches a resource literally named so. An empty resourceNames matches
// every name; otherwise the request's name must be listed, so a nameless
// request (create, deletecollection, unfiltered list) is not granted unless
// the empty string is listed.
func RuleAllows(r *rbacv1.PolicyRule, q Request) bool {
	if !verbMatches(r.Verbs, q.Verb) || !groupMatches(r.APIGroups, q.APIGroup) {
		return false
	}
	if !resourceMatches(r.Resources, q.Resource, q.Subresource) {
		return false
	}
	return len(r.ResourceNames) == 0 || slices.Contains(r.ResourceNames, q.Name)
}

// NonResourceRuleAllows reports whether the rule grants a non-resource
// request: "*" matches every path and a trailing "*" is a prefix match.
func NonResourceRuleAllows(r *rbacv1.PolicyRule, q NonResourceRequest) bool {
	if !verbMatches(r.Verbs, q.Verb) {
		return false
	}
	for _, u := range r.NonResourceURLs {
		if u == rbacv1.NonResourceAll || u == q.Path {
			return true
		}
		if strings.HasSuffix(u, "*") && strings.HasPrefix(q.Path, u[:len(u)-1]) {
			return true
		}
	}
	return false
}

func verbMatches(verbs []string, verb string) bool {
	for _, v := range verbs {
		if v == rbacv1.VerbAll || v == verb {
			return true
		}
	}
	return false
}

func groupMatches(groups []string, group string) bool {
	for _, g := range groups {
		if g == rbacv1.APIGroupAll || g == group {
			return true
		}
	}
	return false
}

func resourceMatches(resources []string, resource, sub string) bool {
	return resourceIndex(resources, resource, sub) >= 0
}

// resourceIndex returns the index of the first entry of resources that
// matches resource[/sub], or -1.
func resourceIndex(resources []string, resource, sub string) int {
	for i, r := range resources {
		if r == rbacv1.ResourceAll {
			return i
		}
		if sub == "" {
			if r == resource {
				return i
			}
			continue
		}
		// resource/sub exactly, or */sub.
		if len(r) == len(resource)+1+len(sub) && strings.HasPrefix(r, resource) && r[len(resource)] == '/' && strings.HasSuffix(r, sub) {
			return i
		}
		if len(r) == 2+len(sub) && strings.HasPrefix(r, "*/") && strings.HasSuffix(r, sub) {
			return i
		}
	}
	return -1
}

func verbIndex(verbs []string, verb string) int {
	for i, v := range verbs {
		if v == rbacv1.VerbAll || v == verb {
			return i
		}
	}
	return -1
}

// access is how far a policy rule grants a request template.
type access int

const (
	accessNone access = iota
	// accessNamed: only for the objects listed in resourceNames.
	accessNamed
	// accessAll: for every object.
	accessAll
)

// nameless reports whether requests of this verb on resource[/sub] carry no
// object name: create of a top-level resource and deletecollection. (list
// and watch carry a name only with a metadata.name field selector; they are
// treated as named, which is what a rule with resourceNames grants.)
func nameless(verb, sub string) bool {
	return (verb == "create" && sub == "") || verb == "deletecollection"
}

// grants evaluates a request template (verb, group, resource, sub; any
// name) against one policy rule.
func grants(r *rbacv1.PolicyRule, verb, group, resource, sub string) access {
	if !verbMatches(r.Verbs, verb) || !groupMatches(r.APIGroups, group) || !resourceMatches(r.Resources, resource, sub) {
		return accessNone
	}
	if len(r.ResourceNames) == 0 {
		return accessAll
	}
	if nameless(verb, sub) {
		if slices.Contains(r.ResourceNames, "") {
			return accessNamed
		}
		return accessNone
	}
	return accessNamed
}

// grantsAnySub reports whether the rule grants verb on some subresource of
// resource (userextras/<key>: any key).
func grantsAnySub(r *rbacv1.PolicyRule, verb, group, resource string) access {
	if !verbMatches(r.Verbs, verb) || !groupMatches(r.APIGroups, group) {
		return accessNone
	}
	ok := false
	for _, res := range r.Resources {
		if res == rbacv1.ResourceAll || strings.HasPrefix(res, "*/") || strings.HasPrefix(res, resource+"/") {
			ok = true
			break
		}
	}
	if !ok {
		return accessNone
	}
	if len(r.ResourceNames) == 0 {
		return accessAll
	}
	return accessNamed
}
