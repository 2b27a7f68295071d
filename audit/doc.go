// Package audit analyses Kubernetes audit policies (audit.k8s.io/v1
// Policy, the file given to kube-apiserver --audit-policy-file) without a
// cluster.
//
// # Parsing and validation
//
// Parse decodes a policy exactly as the API server does (case-sensitive
// fields, YAML 1.1 scalars, last duplicate key wins) and reports what the
// API server silently drops (unknown, duplicate and case-variant fields: a
// typo such as `namespace:` turns a kube-system-only None rule into one for
// every namespace) and what it refuses to load (wrong apiVersion, no rules,
// invalid levels, stages, non-resource URLs and groups, resourceNames
// without resources). Validate returns the same verdict as an error.
//
// # Evaluation
//
// Evaluate answers "what does the API server log for this request?": the
// level, the omitted stages (the union of the policy's and the matching
// rule's) and omitManagedFields, plus which rule decided. It reproduces
// k8s.io/apiserver's evaluator, which the tests use as a differential
// oracle: the first matching rule wins and no match means None; a request
// that failed authentication has no user and never matches a rule with
// users or userGroups (a rule on system:unauthenticated catches anonymous
// requests, not failed ones); verbs, users and namespaces have no
// wildcards; "pods" does not match pods/exec, while "pods/*" matches pods
// itself as well as every subresource; "*/exec" matches exec of any
// resource; group "*" matches every group; resourceNames never match
// collection requests. Evaluate does not allocate.
//
// # Coverage and lint
//
// Coverage evaluates a fixed set of security-relevant requests (secret
// access, exec, attach, port-forward and proxy, Pod and Deployment changes,
// RBAC, webhooks, CRDs, CSR approval, token requests, failed
// authentication, anonymous requests) and renders them as a text or
// Markdown table with the expected level of each (CIS 3.2.2 rows marked).
//
// Lint reports ordering problems (rules shadowed by earlier ones, computed
// exactly over the classes of requests the policy's literals distinguish;
// unreachable rules; a missing, misplaced or None catch-all), sensitive
// data (secrets, configmaps, tokens) logged above Metadata, found by
// evaluating the policy rather than by reading rule text, so `*` and group
// "*" rules count; key events not logged or logged without bodies; stage
// problems; volume problems (RequestResponse catch-alls and reads, health
// endpoints and events not dropped, managed fields); and correctness
// problems (resources under the wrong group, parent resources assumed to
// cover subresources, resourceNames with list or watch). Lint's work is
// bounded: on pathological policies the exact shadowing analysis stops
// after a fixed budget rather than reporting guesses.
//
// Scan runs Parse and Lint on every policy document of a file and returns
// one kubeharden.Report per policy; Rules lists the catalogue.
//
// The package does not import k8s.io/apiserver: the policy types are small
// local mirrors of the v1 types, and the API server's code is used only in
// tests.
package audit
