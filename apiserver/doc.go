// Package apiserver evaluates a Kubernetes control plane against the CIS
// Kubernetes Benchmark v1.12 (sections 1.1, 1.2, 1.3, 1.4, 2, 3.2 and
// 5.5.1) from static input: the static pod manifests of kube-apiserver,
// kube-controller-manager, kube-scheduler and etcd, and the files their
// flags reference. Nothing is executed and nothing is contacted.
//
// # Effective configuration
//
// Verdicts are computed on the value each component really runs with,
// not on the text of one flag (kube-bench's approach, and the cause of
// most of its wrong verdicts):
//
//   - The argument vector is the container's command followed by its
//     args, with Kubernetes' $(VAR) expansion from env; a "sh -c" wrapper
//     is split with shell-word rules as a best effort.
//   - Flags are parsed with each binary's grammar: pflag for the
//     Kubernetes components ("--flag=value" and "--flag value" for
//     non-boolean flags, "--flag false" is a positional argument and an
//     error, underscores normalised to dashes, "--" ends the flags) and
//     Go's flag package for etcd (one or two dashes, ETCD_* variables
//     used only for flags not on the command line, --config-file replacing
//     both).
//   - Scalars: the last occurrence wins. String lists
//     (--authorization-mode, --enable-admission-plugins, ...) are CSV-split
//     and accumulate. --feature-gates merges key=bool pairs per key.
//     Integers are read with base prefixes (030 is 24, as the binaries do).
//   - Defaults apply when a flag is absent: --bind-address 0.0.0.0 for the
//     controller manager and scheduler, --profiling true, --anonymous-auth
//     true, authorization [AlwaysAllow] when neither --authorization-mode
//     nor --authorization-config is given, the default-on admission
//     plugins (DefaultOnAdmissionPlugins), and kube-apiserver's reset of
//     anonymous authentication when AlwaysAllow is an authorization mode.
//   - The effective admission set is (default-on ∪ enabled) − disabled, or
//     exactly the deprecated --admission-control list.
//   - --authentication-config (anonymous.enabled with conditions) and
//     --authorization-config (the authorizer chain) replace the legacy
//     flags; the two forms together are reported as an invalid command
//     line.
//
// Each finding's message names the effective value and where it came from
// (the argv element such as "command[7]", the environment variable, the
// configuration file and key, or the default), and Position points at
// that element of the manifest or file.
//
// # Referenced files
//
// Files are read through Options.FS (AssessControlPlane uses the node file
// system it is given). A flag's path is a container path: it is mapped to
// the node path through the pod's hostPath volume mounts, and a path that
// no mount covers is reported (the component would crash-loop). The
// package reads EncryptionConfiguration (provider order per resource with
// exact, "*.<group>" and "*.*" lookup, identity first meaning plaintext,
// key lengths for aescbc/aesgcm/secretbox, KMS v1 versus v2, the server's
// validation), AdmissionConfiguration (first entry per plugin, inline
// configuration over path, relative paths, the legacy imagePolicy file;
// ImagePolicyWebhook defaultAllow fail-open and TTL/backoff ranges;
// EventRateLimit limits), AuthenticationConfiguration,
// AuthorizationConfiguration, KubeSchedulerConfiguration (enableProfiling
// under --config) and etcd's --config-file. The audit policy is handed to
// the audit package (audit.Parse and audit.Evaluate) for CIS 3.2.1 and
// the automated view attached to the manual check 3.2.2.
//
// These configuration files are decoded through internal/decode into the
// package's own small structs (EncryptionConfiguration,
// AdmissionConfiguration, AuthenticationConfiguration,
// AuthorizationConfiguration, ImagePolicyConfig, EventRateLimitConfig)
// rather than k8s.io/apiserver's types, which would pull the API
// machinery's scheme, CEL and validation packages into every user of this
// package for a handful of fields. Static pods decode into
// k8s.io/api/core/v1.Pod.
//
// # File permissions (CIS 1.1)
//
// AssessControlPlane judges permissions from fs.Stat and ownership from
// NodeOptions.Owner or, on Unix, from the stat result of os.DirFS, with
// names from the node's etc/passwd and etc/group. A copy of a node keeps
// modes and owners only if it was made with them preserved (cp -a, tar
// -p as root); git keeps neither, so the layouts under testdata are
// assessed in tests through an overlay that sets them.
//
// # Version hygiene
//
// The image tags of the Kubernetes components ("registry.k8s.io/
// kube-apiserver:v1.33.4") and an optional kubelet version are compared
// with a dated release table (DefaultReleases, replaceable through
// Options.Releases): release lines outside support on the table's date,
// patch releases the table knows to be superseded, and version skew (no
// component newer than kube-apiserver, the controller manager and
// scheduler at most one minor older, the kubelet at most three).
//
// # Output
//
// Reports use the shared finding model: CIS checks are KindCheck rules
// whose Refs hold "CIS 1.2.6"; unscored checks have low severity and
// manual ones info, so that they read as kube-bench's WARN. Rules outside
// the benchmark (plaintext secrets, fail-open image policy, invalid
// configuration files, version hygiene) carry kubesec-scale points.
// report.WriteKubeBench (report.FormatKubeBench) renders the CIS findings
// in kube-bench's JSON layout.
package apiserver
