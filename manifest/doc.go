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
// ReplicationController, PodTemplate and the pod templates of argoproj.io
// Rollouts and apps.openshift.io DeploymentConfigs. Role, ClusterRole,
// RoleBinding and ClusterRoleBinding (rbac.authorization.k8s.io) are
// handed to package manifest/rbac in the default mode, which reports the
// manifest/RBAC... and manifest/Binding... rules (including BindingAnonymous
// and BindingMasters); this package adds DashboardAdminBinding. The
// compat mode keeps kubesec's BindingsToSystemAnonymous. A per-kind dispatch table decodes each kind
// into its k8s.io/api type and hands the checks a pod-spec view with the
// field path of the pod spec, so every rule works on every workload kind.
//
// Other kinds: ServiceAccount (token automount, legacy token secrets),
// Secret (legacy service-account tokens; values committed in the manifest,
// info), Service (NodePort, LoadBalancer without source ranges,
// externalIPs, an exposed Kubernetes Dashboard), networking.k8s.io/v1
// Ingress (no TLS or hosts not covered by TLS with one-label wildcard
// matching, wildcard and catch-all hosts, TLS without Secret, missing
// ingressClassName, ingress-nginx snippet and high-risk annotations with
// their CVEs, redirect injection, sensitive or regex paths), node.k8s.io/v1
// RuntimeClass, and Istio security.istio.io PeerAuthentication (DISABLE,
// PERMISSIVE, invalid policies, STRICT mesh-wide as hardening; the root
// namespace is Options.MeshRootNamespace, istio-system by default; decoded
// into the package's own partial struct, so unknown fields of the CRD are
// not reported). Kubernetes Dashboard workloads (image, the label k8s-app:
// kubernetes-dashboard or its ServiceAccount) get DashboardSkipLogin,
// DashboardInsecureLogin and DashboardWeakAuth from their command and
// args, and bindings of its ServiceAccount to cluster-admin, admin or edit
// are DashboardAdminBinding. Objects of other kinds yield no report in the
// default mode.
//
// # Pod Security Standards
//
// Every pod template gets the verdicts of the baseline and the restricted
// level (rules manifest/PSSBaseline and manifest/PSSRestricted) at
// Options.PSSVersion ("" or "latest" = the newest rules of
// k8s.io/pod-security-admission v0.37.2, i.e. v1.37; or "v1.N"). The
// library's own checks (policy.DefaultChecks) are the engine; they are run
// one by one at the active implementation for the version, with the
// restricted overrides applied, so each denial is one finding naming its
// check (Refs "PSS <level> <checkID>", the library's reason and detail in
// the message). The API-server default the checks expect is applied first:
// a volume without a source is an emptyDir. A level without denials gets a
// passed finding. [EvaluatePSS] exposes the same evaluation for a pod spec.
//
// PSS findings are advice by default (baseline low, restricted info, zero
// points). Options.PSSLevel turns them into policy failures: "baseline"
// raises the manifest/PSSBaseline findings, "restricted" both rules'
// findings, to severity high (the message ends in "[enforced: PSSLevel
// ...]"). They then appear in Report.Critical() and fail a
// kubeharden.Policy whose FailOn is high or lower. The CLI flag
// --pss LEVEL maps to Options{PSSLevel: LEVEL} (and --pss-version V to
// PSSVersion); unless the user chose a stricter --fail-on, the CLI should
// then set Policy.FailOn to high so that any PSS denial fails the run.
// [Options.Validate] reports unusable values (ErrInvalidPSS); Scan reports
// them as an input error per analysed object.
//
// Import weight: the policy and api packages of pod-security-admission add
// seven packages to what k8s.io/api/core/v1 already pulls in
// (k8s.io/api/admission/v1, k8s.io/api/authentication/v1,
// apimachinery's util/version and version, k8s.io/component-base/version,
// and the two PSA packages), no client-go, no Prometheus; klog/v2 was
// already a dependency of apimachinery. The admission package
// (client-go, component-base metrics) is not imported. The check table is
// built once, on first use (sync.OnceValue), not at init.
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
// # Suppressions and patches
//
// Two object annotations suppress rules for that object:
// kubeharden.io/suppress ("manifest/HostNetwork, RunAsRoot; reason", see
// [SuppressAnnotation]) and kubeharden.io/ignore, one entry per line
// ("manifest/HostPort: needed for the ingress controller", see
// [IgnoreAnnotation]). Rule IDs may omit "manifest/"; "*" names every rule.
// Suppressed findings stay in the report with Suppressed and
// SuppressReason set and count neither towards the score nor a policy.
// Options.IgnoreAnnotation disables both.
//
// Findings whose fix is mechanical carry Finding.Patch, an RFC 6902 JSON
// Patch against the object as written: removing hostNetwork/hostPID/
// hostIPC, privileged, hostPort, procMount, hostAliases; setting
// allowPrivilegeEscalation: false, readOnlyRootFilesystem: true,
// capabilities.drop [ALL] (unless capabilities are added back),
// runAsNonRoot: true, RuntimeDefault seccomp/AppArmor profiles,
// automountServiceAccountToken: false (pods and ServiceAccounts),
// hostUsers: false, imagePullPolicy: Always, readOnly hostPath mounts; and
// migrating legacy seccomp/AppArmor annotations to the fields. A missing
// parent (a container without securityContext) is added as a whole
// object, since "add" cannot create intermediate members; annotation keys
// are escaped (~0, ~1). Each patch is valid on its own; patches of one
// report may overlap (several add the same pod securityContext), so apply
// one finding's patch, or merge them, rather than concatenating all.
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
