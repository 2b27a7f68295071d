// Command webhook is a Kubernetes ValidatingAdmissionWebhook
// (admission.k8s.io/v1) that scores workloads and RBAC bindings with
// kubeharden's manifest analyzer and allows or denies them by policy.
//
// # Protocol
//
// POST /validate (or /) with an AdmissionReview v1, Content-Type
// application/json, at most --max-body bytes (7 MiB: object and oldObject
// are each at most 3 MiB; 413 beyond). The review is decoded with the API
// server's case-sensitive decoder (sigs.k8s.io/json); a body that is not
// an admission.k8s.io/v1 AdmissionReview with a request and a uid gets 400.
// Otherwise the answer is 200 with an AdmissionReview of the same
// apiVersion and kind whose response.uid is the request's uid.
//
// # Decisions
//
//   - CREATE and UPDATE: request.object is decoded through kubeharden's
//     decoder (budgets, API-server semantics) and analysed in kubeharden's
//     default mode: RBAC objects (Role, ClusterRole, RoleBinding,
//     ClusterRoleBinding) by manifest/rbac, everything else by
//     manifest.ScanDocument (manifest.Kinds(): Pod and every workload kind,
//     Argo Rollouts, OpenShift DeploymentConfigs, and whatever kinds the
//     package adds). Objects of kinds neither analyses are allowed.
//   - DELETE: allowed without analysis. Removing an object cannot make the
//     cluster less secure, and denying the removal of an insecure object
//     would be perverse; the oldObject is not analysed.
//   - CONNECT: allowed. Subresources other than pods/ephemeralcontainers
//     (status, scale, binding, ...) are allowed: they do not change the pod
//     template, and denying a controller's status update of an existing
//     object would wedge it. pods/ephemeralcontainers (kubectl debug) is
//     analysed, since it adds containers.
//   - Dry-run requests are evaluated exactly like real ones: the webhook has
//     no side effects (the sample configuration declares sideEffects: None).
//
// The policy denies an object (allowed: false, status 403 Forbidden, the
// violations in the message) when
//
//   - a failed, unsuppressed finding reaches --fail-on (default critical:
//     privileged containers, dangerous capabilities, the container runtime
//     socket, bindings to system:anonymous or system:masters, ...);
//   - one of the --forbid rules fails (kubeharden rule IDs such as
//     manifest/HostNetwork or kubesec ids such as HostNetwork);
//   - its score is below --min-score (off by default: a plain Pod scores a
//     little below zero in kubeharden's model, and kubesec's own score lets
//     hardening points offset critical risks, so severity is the safer
//     default gate);
//   - --pss-level baseline or restricted is set and the pod template
//     violates that Pod Security Standards level (at --pss-version), as
//     k8s.io/pod-security-admission's checks decide through the manifest
//     package (manifest.Options.PSSLevel).
//
// With the default --fail-on critical, RBAC grants kubeharden rates
// critical (bindings to cluster-admin, admin or edit, roles that read
// Secrets or grant wildcards, ...) are denied as well; use --fail-on off
// with --forbid to deny only chosen rules.
//
// Failed findings at or above --warn-on (default medium) are returned as
// warnings "path.to.field: message", each at most 120 characters, most
// severe first, at most --max-warnings of them and well under the API
// server's 4,096-character total. Unknown, duplicate and case-variant keys
// of the object (manifest/UnknownField, DuplicateKey, CaseVariantKey) are
// always warned: the API server drops such keys, so what the author wrote
// is not what runs. Unknown fields of the review envelope itself are only
// logged (a newer API server may send fields this build does not know).
// The response's auditAnnotations carry the score.
//
// An object the webhook cannot analyse (a value of the wrong type, a
// missing kind, a decoding budget exceeded, an analyzer panic) is an
// internal error: denied with status 500 by default, or allowed with a
// warning under --fail-open. The API server's failurePolicy governs what
// happens when the webhook cannot be reached at all.
//
// # Serving
//
// HTTPS only (TLS 1.2+), with the certificate and key read from
// --tls-cert-file and --tls-key-file and read again when either file's
// modification time or size changes (checked on handshakes, at most every
// --tls-check-interval); a failed reload keeps the previous pair. Read,
// header, write and idle timeouts, graceful shutdown on SIGTERM, one JSON
// log line per review (log/slog). /healthz and /readyz answer "ok".
//
// deploy/ holds a sample Deployment (with its ServiceAccount and Service)
// and ValidatingWebhookConfiguration; kubeharden scores the Deployment at
// the top of its scale (see deploy_test.go).
package main
