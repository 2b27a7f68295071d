// Package rbac analyses Kubernetes RBAC objects — Role, ClusterRole,
// RoleBinding and ClusterRoleBinding of rbac.authorization.k8s.io/v1 —
// for risky permissions, statically, without a cluster.
//
// # Entry points
//
// [ScanDocument] analyses one decoded document on its own and returns a
// report of findings whose rule IDs belong to the manifest catalogue
// ("manifest/RBACSecretsRead", "manifest/BindingClusterAdmin", ...; see
// [Rules]). [Analyze] takes a whole set of documents and answers the
// question a single object cannot: which subject receives which risky
// permission, through which binding, in which scope.
//
// # Matching semantics
//
// Permissions are matched exactly as the RBAC authorizer matches them
// ([RuleAllows]; RuleAllows in kubernetes/kubernetes
// pkg/apis/rbac/v1/evaluation_helpers.go):
//
//   - verbs "*" matches every verb, the special ones included (escalate,
//     bind, impersonate, approve, use); apiGroups "*" matches every group
//     and "" is the core group;
//   - resources "*" matches every resource and every subresource; a plain
//     resource matches only itself ("pods" does not grant "pods/exec"); a
//     subresource is granted by its exact name or by "*/<sub>" ("*/exec");
//     "pods/*" is not a pattern in Kubernetes and grants nothing real;
//   - resourceNames restricts every verb to the named objects. Requests
//     that carry no name — create of a top-level resource and
//     deletecollection — are never granted by a rule with resourceNames,
//     so create-based risks (create pods) do not fire on such rules. A
//     request on a subresource carries the parent's name, so
//     "create serviceaccounts/token" with resourceNames still mints tokens
//     for the named service accounts;
//   - nonResourceURLs: "*" matches every path, a trailing "*" is a prefix
//     match;
//   - a Role, and a ClusterRole granted through a RoleBinding, apply in one
//     namespace and never grant cluster-scoped resources (nodes/proxy,
//     users and groups for impersonation, persistentvolumes, webhook
//     configurations, CSR approval); "bind" on clusterroles is the
//     exception, because binding a ClusterRole from a RoleBinding is
//     authorized in the binding's namespace.
//
// # Scope and severity
//
// A Role is evaluated in its namespace. A ClusterRole scanned on its own
// is evaluated as if a ClusterRoleBinding granted it everywhere (the worst
// case), and its messages say so; [Analyze] evaluates it in the scope of
// each binding instead. Rules with two severities use the higher one
// cluster-wide and the lower one in a namespace; points follow the
// severity (critical -30, high -9, medium -3, low -1). When a rule grants
// every verb on every resource of every group (RBACWildcardAll) the other
// findings on that rule are not repeated.
//
// Risks granted only for named objects are reported one level lower,
// except bind, escalate and impersonate limited to names that are enough on
// their own (cluster-admin, admin, edit, system:masters).
//
// # The subject view
//
// [Analyze] returns one report per subject (Kind [SubjectKind]; Object
// "User/alice", "Group/devs", "ServiceAccount/name.namespace"), not per
// binding: a reviewer asks "what can this identity do", and one identity is
// often named by several bindings. Each manifest/BindingGrantsRiskyPermission
// finding names the binding, the roleRef, the role rule that grants the
// permission and the scope ("in namespace shop" for a RoleBinding, even to a
// ClusterRole; "in every namespace" for a ClusterRoleBinding), carries the
// severity of the role finding in that scope and is positioned on the
// subject entry of the binding. roleRefs resolve to Roles (in the binding's
// namespace) and ClusterRoles of the set; aggregated ClusterRoles take the
// union of the set's ClusterRoles their selectors match (transitively,
// cycles and depth bounded) and say when nothing matched; cluster-admin,
// admin, edit and view are known from the bootstrap policy when absent, plus
// the set's ClusterRoles labelled aggregate-to-admin/edit/view. Other
// roleRefs yield manifest/BindingRoleMissing. A service account written as
// the user system:serviceaccount:<ns>:<name> is the same subject, and every
// service account also receives what the set grants to system:serviceaccounts,
// system:serviceaccounts:<ns> and system:authenticated (every user other than
// system:anonymous: system:authenticated). Permissions that need two grants
// (get plus patch on role bindings, CSR approval plus approve on a signer)
// are also evaluated over the union of the roles a subject holds in one
// scope, and reported "by combining" the bindings when no single role
// grants them. The output is bounded by
// [MaxFindings]; beyond it a report carries an [ErrBudget] error.
//
// # Bindings
//
// Bindings are checked for their roleRef (cluster-admin, admin, edit) and
// their subjects: the user system:anonymous and the groups
// system:unauthenticated and system:authenticated (manifest/
// BindingAnonymous), system:masters (manifest/BindingMasters; both rules
// are catalogued by package manifest), system:serviceaccounts[:<ns>]
// and default service accounts, also when written as the user
// system:serviceaccount:<ns>:default.
package rbac
