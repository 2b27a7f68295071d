// Package kubelet assesses a kubelet against the CIS Kubernetes Benchmark
// v1.12 (sections 4.1 and 4.2) on the configuration the kubelet really
// runs with, not on the text of one file.
//
// A kubelet's settings come from four places, and this package reads all of
// them with the kubelet's and systemd's own rules:
//
//   - the systemd unit and its drop-ins (FindService, ParseUnit,
//     BuildService): unit search path and drop-in masking, empty
//     ExecStart= resets, Environment= and EnvironmentFile= (a leading "-"
//     makes the file optional; file variables override Environment=),
//     "$VAR" split into words and "${VAR}" substituted in place, quoting
//     and line continuations. LoadService assembles the argv, each element
//     tagged with the file and line its text came from;
//   - the command line (ParseCommandLine): pflag's grammar ("--f=v",
//     "--f v" for value flags, bare booleans, "--bool false" as an error,
//     underscores normalised);
//   - the --config KubeletConfiguration (ParseConfig, through
//     internal/decode into k8s.io/kubelet's v1beta1 types, unknown and
//     duplicate keys reported);
//   - the --config-dir drop-ins, *.conf files merged in lexical order.
//
// Resolve combines them as cmd/kubelet does: the baseline defaults depend on
// the mode (with --config: anonymous auth off, webhook authentication,
// Webhook authorization, read-only port 0; without it the legacy values
// true, false, AlwaysAllow and 10255), the config file replaces the
// baseline (a zero authorization mode or idle timeout is re-defaulted), the
// drop-ins merge over it, and every flag on the command line wins over the
// files: the last occurrence of a scalar flag, all occurrences of a list
// flag accumulated, feature gates merged per key.
//
// Evaluate turns the effective configuration into one finding per CIS 4.2
// check; each message states the effective value and its origin ("default
// in flags-only mode", "/var/lib/kubelet/config.yaml key readOnlyPort",
// "flag --read-only-port=10255 from $KUBELET_EXTRA_ARGS set in
// /etc/default/kubelet:1"), and the fix names the place to edit. Where
// kube-bench's verdict differs (absent read-only port without --config,
// absent rotateCertificates, presence-only PID limit and seccompDefault),
// the message says so.
//
// Entry points: Scan (a KubeletConfiguration file alone), Detect,
// AssessNode (a copied node root: systemd units, config files, and with
// NodeOptions.Files the CIS 4.1 mode and ownership checks), Rules, and
// WriteKubeBenchJSON (kube-bench's --json layout for CIS findings).
package kubelet
