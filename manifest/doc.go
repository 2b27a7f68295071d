// Package manifest analyses Kubernetes workload manifests for security
// risks and hardening, kubesec-style, without a cluster.
//
// [Scan] reads a YAML or JSON stream (any number of documents; List kinds
// and top-level JSON arrays are expanded) through kubeharden's API-server
// exact decoder and returns one [kubeharden.Report] per analysed object and
// the input errors met. [ScanDocument] analyses one already split document
// and [ScanObject] one already decoded object (an admission webhook's
// request.object).
//
// # Kinds
//
// Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
// ReplicationController, PodTemplate, the pod templates of argoproj.io
// Rollouts and apps.openshift.io DeploymentConfigs, and RoleBinding /
// ClusterRoleBinding subjects. A per-kind dispatch table decodes each kind
// into its k8s.io/api type and hands the checks a pod-spec view with the
// field path of the pod spec, so every rule works on every workload kind.
// Objects of other kinds yield no report in the default mode.
//
// # Rules and scoring
//
// [Rules] lists the catalogue (IDs "manifest/<Name>"). Risk rules carry
// negative points and fire once per offending container, volume or
// subject; hardening rules carry positive points, earned only when every
// container (init and ephemeral ones included) has the protection, and
// otherwise reported for each container that lacks it. A report's score is
// the sum of the points that count (see kubeharden.Finding.Counts). Every
// finding has a field path ("spec.template.spec.containers[0].
// securityContext.privileged"), a position and a concrete fix. Unknown,
// duplicate and case-variant keys are findings too (manifest/UnknownField,
// manifest/DuplicateKey, manifest/CaseVariantKey), and a value of the wrong
// type is an input error naming the field and line.
//
// The annotation kubeharden.io/suppress on an object suppresses rules for
// that object (see [SuppressAnnotation]).
//
// # kubesec compatibility
//
// With Options{Compat: CompatKubesec} the package reproduces kubesec HEAD
// (controlplaneio/kubesec a59caad) in its rules-only mode: the same 30
// rules, evaluated on the untyped document the way kubesec evaluates them
// (including its known defects), the same score, lists, ids, selectors,
// reasons, object names and messages. [KubesecReports] and
// [KubesecMessage] turn such reports into kubesec's JSON output; the
// mapping onto findings is documented in kubesec.go. Document framing is
// internal/decode's in both modes (kubectl's rules): unlike kubesec, CRLF
// input and "--- # comment" separators never lose documents, comment-only
// documents are skipped rather than reported as "Unknown", List items and
// top-level JSON arrays are scored item by item, and a document that does
// not parse is an input error that does not stop the others. Outside that mode
// the defects listed in the kubesec reference ("Known defects") are fixed:
// every container is evaluated, capability names are normalised, host
// paths are cleaned and compared by component, the default service account
// earns nothing, absent claim templates earn nothing, wrong types are
// errors rather than silently ignored, and every pod template kind gets the
// full rule set.
package manifest
