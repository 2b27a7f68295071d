package rbac

import (
	rbacv1 "k8s.io/api/rbac/v1"
)

// The user-facing built-in ClusterRoles, written from the bootstrap policy
// of kube-apiserver (plugin/pkg/auth/authorizer/rbac/bootstrappolicy). They
// are aggregated: view's rules are part of edit's, edit's of admin's, and
// ClusterRoles labelled rbac.authorization.k8s.io/aggregate-to-<role>:
// "true" add theirs. These tables hold each role's own part; effective
// rules are assembled in resolve. The tables are never mutated.

var (
	rwVerbs = []string{"create", "delete", "deletecollection", "patch", "update"}
	roVerbs = []string{"get", "list", "watch"}
)

func pr(verbs []string, group string, resources ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: verbs, APIGroups: []string{group}, Resources: resources}
}

var builtinView = []rbacv1.PolicyRule{
	pr(roVerbs, "", "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status",
		"endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "configmaps"),
	pr(roVerbs, "", "limitranges", "resourcequotas", "bindings", "events", "pods/status", "resourcequotas/status", "namespaces/status",
		"replicationcontrollers/status", "pods/log"),
	pr(roVerbs, "", "namespaces"),
	pr(roVerbs, "discovery.k8s.io", "endpointslices"),
	pr(roVerbs, "apps", "controllerrevisions", "statefulsets", "statefulsets/scale", "statefulsets/status", "daemonsets", "daemonsets/status",
		"deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "replicasets/status"),
	pr(roVerbs, "autoscaling", "horizontalpodautoscalers", "horizontalpodautoscalers/status"),
	pr(roVerbs, "batch", "cronjobs", "cronjobs/status", "jobs", "jobs/status"),
	pr(roVerbs, "policy", "poddisruptionbudgets", "poddisruptionbudgets/status"),
	pr(roVerbs, "networking.k8s.io", "ingresses", "ingresses/status", "networkpolicies"),
}

var builtinEdit = []rbacv1.PolicyRule{
	pr([]string{"impersonate"}, "", "serviceaccounts"),
	pr(rwVerbs, "", "pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"),
	pr([]string{"create"}, "", "pods/eviction"),
	pr(rwVerbs, "", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/proxy",
		"persistentvolumeclaims", "configmaps", "secrets"),
	pr([]string{"create"}, "", "serviceaccounts/token"),
	pr(rwVerbs, "apps", "statefulsets", "statefulsets/scale", "daemonsets", "deployments", "deployments/scale", "deployments/rollback",
		"replicasets", "replicasets/scale"),
	pr(rwVerbs, "autoscaling", "horizontalpodautoscalers"),
	pr(rwVerbs, "batch", "cronjobs", "jobs"),
	pr(rwVerbs, "policy", "poddisruptionbudgets"),
	pr(rwVerbs, "networking.k8s.io", "ingresses", "networkpolicies"),
	pr(roVerbs, "", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets", "services/proxy"),
}

var builtinAdmin = []rbacv1.PolicyRule{
	pr([]string{"create"}, "authorization.k8s.io", "localsubjectaccessreviews"),
	pr(append(append([]string{}, rwVerbs...), roVerbs...), "rbac.authorization.k8s.io", "rolebindings", "roles"),
}

var builtinClusterAdmin = []rbacv1.PolicyRule{
	{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}},
	{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}},
}

// builtinParent is the built-in role whose rules a built-in role includes
// through aggregation.
var builtinParent = map[string]string{"admin": "edit", "edit": "view"}

func builtinRules(name string) ([]rbacv1.PolicyRule, bool) {
	switch name {
	case "cluster-admin":
		return builtinClusterAdmin, true
	case "admin":
		return builtinAdmin, true
	case "edit":
		return builtinEdit, true
	case "view":
		return builtinView, true
	}
	return nil, false
}
