// Package audit analyses Kubernetes audit policies (audit.k8s.io/v1
// Policy, the file given to kube-apiserver --audit-policy-file).
//
// Parse decodes a policy exactly as the API server does and reports what
// the API server would silently drop (unknown, duplicate and case-variant
// fields) or refuse (invalid levels, stages, URLs and groups). Evaluate
// answers "what level does this request get?" with the API server's own
// matching semantics, verified differentially against k8s.io/apiserver's
// evaluator: first match wins, a request that failed authentication (no
// user) never matches a rule with users or userGroups, `pods` does not cover
// `pods/exec`, `pods/*` does cover `pods`, verbs and namespaces have no
// wildcards.
//
// Coverage evaluates a fixed set of security-relevant requests (secret
// reads, exec, RBAC changes, webhooks, CRDs, failed authentication, ...)
// and renders them as a table; Lint reports shadowed and unreachable
// rules, missing catch-alls, sensitive data logged above Metadata, stage
// and volume problems and CIS 3.2.2 expectations. Scan runs everything on
// a file and returns one kubeharden.Report per policy document.
//
// The package has no dependency on k8s.io/apiserver: the policy types are
// small local mirrors of the v1 types.
package audit
