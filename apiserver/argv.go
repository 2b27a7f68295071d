package apiserver

import (
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Component names a control-plane component.
type Component string

// The components this package evaluates.
const (
	APIServer         Component = "kube-apiserver"
	ControllerManager Component = "kube-controller-manager"
	Scheduler         Component = "kube-scheduler"
	Etcd              Component = "etcd"
)

// Argument-vector budgets: a real control-plane command line has well under
// a hundred elements of a few hundred bytes.
const (
	maxArgs     = 4096
	maxArgBytes = 64 << 10
)

// Sentinel errors for command-line problems (wrapped in ArgProblem.Err).
var (
	ErrMissingValue   = errors.New("flag needs an argument")
	ErrPositional     = errors.New("unexpected positional argument (the component accepts none and will not start)")
	ErrShorthand      = errors.New("single-dash flag is a shorthand, not the long flag")
	ErrBadBool        = errors.New("invalid boolean value")
	ErrBadMap         = errors.New("invalid key=bool pair")
	ErrBadList        = errors.New("invalid comma-separated list")
	ErrTooManyArgs    = errors.New("command line exceeds the argument budget")
	ErrUnknownFlagArg = errors.New("flag not known to this analyzer; value read heuristically")
)

// flagKind is how a component's flag parser treats one flag.
type flagKind uint8

const (
	kString flagKind = iota // scalar taking a value: last occurrence wins
	kBool                   // boolean: bare form means true, "--f false" does not work
	kList                   // string slice: CSV split, occurrences accumulate
	kArray                  // string array: no split, occurrences accumulate
	kMap                    // key=bool map: pairs merge, last per key wins
)

// valueFlags are scalar flags that take a value, per component; with the
// kinds in flagKinds they let "--flag value" be read exactly as pflag does.
var valueFlags = map[Component]string{
	APIServer: "advertise-address secure-port bind-address token-auth-file kubelet-client-certificate kubelet-client-key " +
		"kubelet-certificate-authority authorization-config authentication-config authorization-policy-file " +
		"authorization-webhook-config-file authorization-webhook-version authorization-webhook-cache-authorized-ttl " +
		"authorization-webhook-cache-unauthorized-ttl admission-control-config-file audit-log-path audit-log-maxage " +
		"audit-log-maxbackup audit-log-maxsize audit-policy-file audit-log-format audit-log-mode audit-webhook-config-file " +
		"audit-webhook-mode audit-log-version audit-webhook-version request-timeout service-account-signing-key-file " +
		"service-account-max-token-expiration etcd-certfile etcd-keyfile etcd-cafile etcd-prefix tls-cert-file " +
		"tls-private-key-file tls-min-version client-ca-file encryption-provider-config service-cluster-ip-range " +
		"service-node-port-range proxy-client-cert-file proxy-client-key-file requestheader-client-ca-file cert-dir " +
		"runtime-config emulated-version cloud-provider cloud-config min-request-timeout max-requests-inflight " +
		"max-mutating-requests-inflight storage-backend storage-media-type default-not-ready-toleration-seconds " +
		"default-unreachable-toleration-seconds oidc-issuer-url oidc-client-id oidc-username-claim oidc-username-prefix " +
		"oidc-groups-claim oidc-groups-prefix oidc-ca-file event-ttl endpoint-reconciler-type external-hostname " +
		"shutdown-delay-duration goaway-chance livez-grace-period tracing-config-file egress-selector-config-file " +
		"authentication-token-webhook-config-file authentication-token-webhook-cache-ttl kubelet-timeout " +
		"delete-collection-workers watch-cache-sizes etcd-compaction-interval etcd-healthcheck-timeout " +
		"apiserver-count lease-reuse-duration-seconds peer-ca-file peer-advertise-ip peer-advertise-port",
	ControllerManager: "bind-address secure-port kubeconfig authentication-kubeconfig authorization-kubeconfig client-ca-file " +
		"cluster-cidr cluster-name cluster-signing-cert-file cluster-signing-key-file cluster-signing-duration root-ca-file " +
		"service-account-private-key-file terminated-pod-gc-threshold requestheader-client-ca-file service-cluster-ip-range " +
		"node-cidr-mask-size cert-dir tls-cert-file tls-private-key-file tls-min-version node-monitor-grace-period " +
		"node-monitor-period cloud-provider cloud-config leader-elect-lease-duration leader-elect-renew-deadline " +
		"leader-elect-retry-period leader-elect-resource-lock leader-elect-resource-name leader-elect-resource-namespace " +
		"kube-api-qps kube-api-burst kube-api-content-type concurrent-deployment-syncs concurrent-replicaset-syncs " +
		"concurrent-service-syncs concurrent-gc-syncs master horizontal-pod-autoscaler-sync-period",
	Scheduler: "bind-address secure-port kubeconfig authentication-kubeconfig authorization-kubeconfig config cert-dir " +
		"client-ca-file tls-cert-file tls-private-key-file tls-min-version master write-config-to kube-api-qps " +
		"kube-api-burst kube-api-content-type leader-elect-lease-duration leader-elect-renew-deadline " +
		"leader-elect-retry-period leader-elect-resource-lock leader-elect-resource-name leader-elect-resource-namespace " +
		"requestheader-client-ca-file pod-max-in-unschedulable-pods-duration",
	Etcd: "name data-dir wal-dir listen-peer-urls advertise-client-urls initial-advertise-peer-urls " +
		"initial-cluster initial-cluster-state initial-cluster-token cert-file key-file trusted-ca-file peer-cert-file " +
		"peer-key-file peer-trusted-ca-file config-file snapshot-count listen-metrics-urls quota-backend-bytes " +
		"heartbeat-interval election-timeout log-level logger log-outputs auto-compaction-retention " +
		"auto-compaction-mode max-request-bytes tls-min-version tls-max-version discovery metrics " +
		"experimental-watch-progress-notify-interval watch-progress-notify-interval max-snapshots max-wals",
}

// commonValueFlags take a value on every Kubernetes component.
const commonValueFlags = "v vmodule log-flush-frequency logging-format log-text-info-buffer-size log-json-info-buffer-size " +
	"show-hidden-metrics-for-version allow-metric-labels allow-metric-labels-manifest"

// flagSpecs are the flags whose kind matters for parsing and evaluation,
// built on first use. Flags not listed are read heuristically (a value is
// taken only when the next element does not look like a flag).
var flagSpecs = sync.OnceValue(func() map[Component]map[string]flagKind {
	specs := map[Component]map[string]flagKind{}
	for comp, kinds := range flagKinds {
		m := make(map[string]flagKind, len(kinds)+64)
		names := valueFlags[comp]
		if comp != Etcd {
			names += " " + commonValueFlags
		}
		for _, n := range strings.Fields(names) {
			m[n] = kString
		}
		for n, k := range kinds {
			m[n] = k
		}
		specs[comp] = m
	}
	return specs
})

// flagKinds are the non-scalar and boolean flags per component.
var flagKinds = map[Component]map[string]flagKind{
	APIServer: {
		"anonymous-auth": kBool, "profiling": kBool, "contention-profiling": kBool,
		"service-account-lookup": kBool, "service-account-extend-token-expiration": kBool,
		"allow-privileged": kBool, "enable-aggregator-routing": kBool, "enable-bootstrap-token-auth": kBool,
		"audit-log-compress": kBool, "enable-priority-and-fairness": kBool, "enable-garbage-collector": kBool,
		"encryption-provider-config-automatic-reload": kBool, "enable-logs-handler": kBool, "watch-cache": kBool,
		"permit-port-sharing": kBool, "permit-address-sharing": kBool, "audit-log-truncate-enabled": kBool,
		"audit-webhook-truncate-enabled": kBool, "audit-log-batch-throttle-enable": kBool,
		"audit-webhook-batch-throttle-enable": kBool, "aggregator-reject-forwarding-redirect": kBool,
		"log-json-split-stream": kBool, "log-text-split-stream": kBool, "help": kBool, "version": kBool,
		"shutdown-send-retry-after": kBool, "disable-http2-serving": kBool, "cloud-provider-gce-lb-src-cidrs": kList,
		"authorization-mode": kList, "enable-admission-plugins": kList, "disable-admission-plugins": kList,
		"admission-control": kList, "tls-cipher-suites": kList, "etcd-servers": kList, "etcd-servers-overrides": kList,
		"api-audiences": kList, "service-account-issuer": kArray, "service-account-key-file": kArray,
		"requestheader-allowed-names": kList, "requestheader-username-headers": kList,
		"requestheader-group-headers": kList, "requestheader-extra-headers-prefix": kList,
		"requestheader-uid-headers": kList, "cors-allowed-origins": kList, "kubelet-preferred-address-types": kList,
		"oidc-signing-algs": kList, "tls-sni-cert-key": kArray, "feature-gates": kMap,
		"strict-transport-security-directives": kList, "disabled-metrics": kList,
	},
	ControllerManager: {
		"profiling": kBool, "contention-profiling": kBool, "use-service-account-credentials": kBool,
		"allocate-node-cidrs": kBool, "configure-cloud-routes": kBool, "enable-garbage-collector": kBool,
		"enable-hostpath-provisioner": kBool, "enable-dynamic-provisioning": kBool, "leader-elect": kBool,
		"permit-port-sharing": kBool, "permit-address-sharing": kBool, "enable-taint-manager": kBool,
		"log-json-split-stream": kBool, "log-text-split-stream": kBool, "help": kBool, "version": kBool,
		"disable-http2-serving": kBool,
		"controllers":           kList, "tls-cipher-suites": kList, "feature-gates": kMap,
		"requestheader-allowed-names": kList, "requestheader-username-headers": kList,
		"requestheader-group-headers": kList, "requestheader-extra-headers-prefix": kList,
		"authorization-always-allow-paths": kList, "authentication-skip-lookup": kBool,
		"authentication-tolerate-lookup-failure": kBool, "tls-sni-cert-key": kArray, "disabled-metrics": kList,
	},
	Scheduler: {
		"profiling": kBool, "contention-profiling": kBool, "leader-elect": kBool,
		"permit-port-sharing": kBool, "permit-address-sharing": kBool,
		"log-json-split-stream": kBool, "log-text-split-stream": kBool, "help": kBool, "version": kBool,
		"disable-http2-serving": kBool, "authentication-skip-lookup": kBool,
		"authentication-tolerate-lookup-failure": kBool,
		"tls-cipher-suites":                      kList, "feature-gates": kMap, "authorization-always-allow-paths": kList,
		"requestheader-allowed-names": kList, "requestheader-username-headers": kList,
		"requestheader-group-headers": kList, "requestheader-extra-headers-prefix": kList,
		"tls-sni-cert-key": kArray, "disabled-metrics": kList,
	},
	Etcd: {
		"client-cert-auth": kBool, "peer-client-cert-auth": kBool, "auto-tls": kBool, "peer-auto-tls": kBool,
		"enable-pprof": kBool, "strict-reconfig-check": kBool, "force-new-cluster": kBool, "pre-vote": kBool,
		"enable-grpc-gateway": kBool, "debug": kBool, "version": kBool, "help": kBool,
		"client-crl-file": kString, "peer-crl-file": kString, "enable-v2": kBool,
		"experimental-initial-corrupt-check": kBool, "initial-corrupt-check": kBool,
		"experimental-enable-distributed-tracing": kBool, "self-signed-cert-validity": kString,
		"cipher-suites": kList, "listen-client-urls": kString, "enable-log-rotation": kBool,
		"experimental-peer-skip-client-san-verification": kBool, "peer-skip-client-san-verification": kBool,
		"socket-reuse-port": kBool, "socket-reuse-address": kBool, "unsafe-no-fsync": kBool,
	},
}

func (c Component) kind(name string) (flagKind, bool) {
	k, ok := flagSpecs()[c][name]
	return k, ok
}

// Occurrence is one flag as written on the command line.
type Occurrence struct {
	// Name is the normalised flag name without dashes ("anonymous-auth").
	Name string
	// Value is the value as given; "true" for a bare boolean flag.
	Value string
	// Arg is the index in the argument vector of the element holding the
	// flag name; ValueArg that of its value (equal to Arg for "--f=v").
	Arg, ValueArg int
	// Env is set when the value came from an environment variable (etcd's
	// ETCD_* variables) rather than the command line.
	Env string
}

// ArgProblem is a command-line defect: the component would refuse to start
// or would not read the flag the way its author meant.
type ArgProblem struct {
	Arg  int // index in the argument vector
	Flag string
	Err  error
}

func (p ArgProblem) Error() string {
	if p.Flag != "" {
		return fmt.Sprintf("argument %d (--%s): %v", p.Arg, p.Flag, p.Err)
	}
	return fmt.Sprintf("argument %d: %v", p.Arg, p.Err)
}

func (p ArgProblem) Unwrap() error { return p.Err }

// Flags is a parsed command line of one component: every occurrence of every
// flag in order, with accessors that apply the component's own rules
// (last-wins scalars, accumulating lists, merging maps).
type Flags struct {
	Component Component
	// Argv is the argument vector that was parsed (argv[0] is the binary).
	Argv []string
	occ  map[string][]Occurrence
	// Positional holds non-flag arguments after argv[0].
	Positional []string
	// Problems lists defects of the command line in argv order.
	Problems []ArgProblem
}

// ParseArgs parses argv (argv[0] is the program) with the grammar the
// component uses: spf13/pflag for the Kubernetes binaries (long flags only,
// underscores normalised to dashes, "--f value" for non-boolean flags,
// "--" ending the flags) and Go's flag package for etcd (one or two dashes,
// parsing stops at the first positional argument). It never fails: defects
// are collected in Flags.Problems.
func ParseArgs(c Component, argv []string) *Flags {
	f := &Flags{Component: c, Argv: argv, occ: map[string][]Occurrence{}}
	if len(argv) > maxArgs {
		f.Problems = append(f.Problems, ArgProblem{Arg: maxArgs, Err: fmt.Errorf("%w (%d elements)", ErrTooManyArgs, maxArgs)})
		argv = argv[:maxArgs]
	}
	stdlib := c == Etcd
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		if len(a) > maxArgBytes {
			f.Problems = append(f.Problems, ArgProblem{Arg: i, Err: fmt.Errorf("%w (an element exceeds %d bytes)", ErrTooManyArgs, maxArgBytes)})
			continue
		}
		if a == "--" {
			for j := i + 1; j < len(argv); j++ {
				f.Positional = append(f.Positional, argv[j])
				f.Problems = append(f.Problems, ArgProblem{Arg: j, Err: ErrPositional})
			}
			break
		}
		if len(a) < 2 || a[0] != '-' {
			f.Positional = append(f.Positional, a)
			f.Problems = append(f.Problems, ArgProblem{Arg: i, Err: fmt.Errorf("%w: %q", ErrPositional, a)})
			if stdlib {
				// Go's flag package stops at the first non-flag argument.
				for j := i + 1; j < len(argv); j++ {
					f.Positional = append(f.Positional, argv[j])
				}
				break
			}
			continue
		}
		body := ""
		switch {
		case strings.HasPrefix(a, "--"):
			body = a[2:]
		case stdlib:
			body = a[1:]
		default:
			f.Problems = append(f.Problems, ArgProblem{Arg: i, Err: fmt.Errorf("%w: %q", ErrShorthand, a)})
			// A shorthand such as -v takes a value only in the "-v=N" or
			// "-vN" forms we do not need; "-v 2" consumes the next word.
			if !strings.Contains(a, "=") && len(a) == 2 && i+1 < len(argv) && !strings.HasPrefix(argv[i+1], "-") {
				i++
			}
			continue
		}
		name, value, hasValue := strings.Cut(body, "=")
		if !stdlib {
			name = strings.ReplaceAll(name, "_", "-")
		}
		kind, known := c.kind(name)
		o := Occurrence{Name: name, Arg: i, ValueArg: i}
		switch {
		case hasValue:
			o.Value = value
		case kind == kBool && known:
			o.Value = "true"
		case !known && (i+1 >= len(argv) || strings.HasPrefix(argv[i+1], "-")):
			// Unknown to us and nothing that looks like a value follows:
			// most likely a boolean.
			o.Value = "true"
		case i+1 < len(argv):
			i++
			o.Value, o.ValueArg = argv[i], i
			if !known {
				f.Problems = append(f.Problems, ArgProblem{Arg: o.Arg, Flag: name, Err: ErrUnknownFlagArg})
			}
		default:
			f.Problems = append(f.Problems, ArgProblem{Arg: i, Flag: name, Err: ErrMissingValue})
			continue
		}
		if kind == kBool && known {
			if _, err := strconv.ParseBool(o.Value); err != nil {
				f.Problems = append(f.Problems, ArgProblem{Arg: i, Flag: name, Err: fmt.Errorf("%w %q", ErrBadBool, o.Value)})
			}
		}
		f.occ[name] = append(f.occ[name], o)
	}
	return f
}

// Has reports whether the flag appears at least once.
func (f *Flags) Has(name string) bool { return len(f.occ[name]) > 0 }

// Occurrences returns every occurrence of the flag in order.
func (f *Flags) Occurrences(name string) []Occurrence { return f.occ[name] }

// Names returns the flags present, in order of first appearance.
func (f *Flags) Names() []string {
	type first struct {
		name string
		arg  int
	}
	var fs []first
	for n, o := range f.occ {
		fs = append(fs, first{n, o[0].Arg})
	}
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].arg < fs[j-1].arg; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
	out := make([]string, len(fs))
	for i, x := range fs {
		out[i] = x.name
	}
	return out
}

// Last returns the effective occurrence of a scalar flag: the last one.
func (f *Flags) Last(name string) (Occurrence, bool) {
	o := f.occ[name]
	if len(o) == 0 {
		return Occurrence{}, false
	}
	return o[len(o)-1], true
}

// String returns the effective value of a scalar flag, or def when absent.
func (f *Flags) String(name, def string) (string, bool) {
	if o, ok := f.Last(name); ok {
		return o.Value, true
	}
	return def, false
}

// Bool returns the effective value of a boolean flag (strconv.ParseBool, as
// pflag), def when absent. An unparsable last value is an error.
func (f *Flags) Bool(name string, def bool) (val, set bool, err error) {
	o, ok := f.Last(name)
	if !ok {
		return def, false, nil
	}
	b, err := strconv.ParseBool(o.Value)
	if err != nil {
		return def, true, fmt.Errorf("--%s: %w %q", name, ErrBadBool, o.Value)
	}
	return b, true, nil
}

// Int returns the effective value of an integer flag, parsed like pflag
// (strconv.ParseInt with base 0, so 0x1e is 30 and 030 is 24).
func (f *Flags) Int(name string, def int64) (val int64, set bool, err error) {
	o, ok := f.Last(name)
	if !ok {
		return def, false, nil
	}
	n, err := strconv.ParseInt(o.Value, 0, 64)
	if err != nil {
		return def, true, fmt.Errorf("--%s: invalid integer %q: %w", name, o.Value, err)
	}
	return n, true, nil
}

// List returns the accumulated elements of a list flag: each occurrence is
// split on commas with CSV rules and appended. ok is false when the flag is
// absent (the component's default applies).
func (f *Flags) List(name string) (elems []string, ok bool, err error) {
	occ := f.occ[name]
	if len(occ) == 0 {
		return nil, false, nil
	}
	kind, _ := f.Component.kind(name)
	for _, o := range occ {
		if kind == kArray {
			elems = append(elems, o.Value)
			continue
		}
		parts, perr := splitCSV(o.Value)
		if perr != nil && err == nil {
			err = fmt.Errorf("--%s: %w: %w", name, ErrBadList, perr)
		}
		elems = append(elems, parts...)
	}
	return elems, true, err
}

func splitCSV(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	if !strings.ContainsAny(s, "\"\r\n") {
		return strings.Split(s, ","), nil // what the CSV reader yields without quotes
	}
	r := csv.NewReader(strings.NewReader(s))
	r.LazyQuotes = false
	rec, err := r.Read()
	if err != nil {
		return strings.Split(s, ","), err
	}
	return rec, nil
}

// Map returns the merged key=bool pairs of a map flag (--feature-gates):
// later occurrences add pairs, the last value per key wins, spaces around
// keys and values are trimmed. Invalid pairs are reported in err and
// skipped.
func (f *Flags) Map(name string) (m map[string]bool, ok bool, err error) {
	occ := f.occ[name]
	if len(occ) == 0 {
		return nil, false, nil
	}
	m = map[string]bool{}
	for _, o := range occ {
		if strings.TrimSpace(o.Value) == "" {
			continue
		}
		for _, pair := range strings.Split(o.Value, ",") {
			k, v, found := strings.Cut(pair, "=")
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			b, perr := strconv.ParseBool(v)
			if !found || k == "" || perr != nil {
				if err == nil {
					err = fmt.Errorf("--%s: %w %q", name, ErrBadMap, pair)
				}
				continue
			}
			m[k] = b
		}
	}
	return m, true, err
}

// MapSource returns the last occurrence that set key in a map flag.
func (f *Flags) MapSource(name, key string) (Occurrence, bool) {
	occ := f.occ[name]
	for i := len(occ) - 1; i >= 0; i-- {
		for _, pair := range strings.Split(occ[i].Value, ",") {
			k, _, _ := strings.Cut(pair, "=")
			if strings.TrimSpace(k) == key {
				return occ[i], true
			}
		}
	}
	return Occurrence{}, false
}

// setEnv records an environment-provided value for a flag that is not on the
// command line (etcd's ETCD_* variables).
func (f *Flags) setEnv(name, env, value string) {
	if f.Has(name) {
		return
	}
	f.occ[name] = []Occurrence{{Name: name, Value: value, Arg: -1, ValueArg: -1, Env: env}}
}
