package kubelet

import (
	"errors"
	"fmt"
	"strings"
)

// ErrCommandLine is wrapped by every command-line problem that would stop
// the kubelet at start-up.
var ErrCommandLine = errors.New("invalid kubelet command line")

// boolFlags are the kubelet's boolean flags: "--name" alone means true and
// "--name false" does not set false (pflag NoOptDefVal semantics).
var boolFlags = map[string]bool{
	"add-dir-header": true, "alsologtostderr": true, "anonymous-auth": true,
	"authentication-token-webhook": true, "cgroups-per-qos": true, "contention-profiling": true,
	"cpu-cfs-quota": true, "enable-controller-attach-detach": true, "enable-debugging-handlers": true,
	"enable-server": true, "exit-on-lock-contention": true,
	"experimental-check-node-capabilities-before-mount": true, "fail-cgroupv1": true, "fail-swap-on": true,
	"help": true, "kernel-memcg-notification": true, "keep-terminated-pod-volumes": true,
	"local-storage-capacity-isolation": true, "log-json-split-stream": true, "log-text-split-stream": true,
	"logtostderr": true, "make-iptables-util-chains": true, "one-output": true,
	"protect-kernel-defaults": true, "register-node": true, "register-schedulable": true,
	"rotate-certificates": true, "rotate-server-certificates": true, "runonce": true,
	"seccomp-default": true, "serialize-image-pulls": true, "skip-headers": true,
	"skip-log-headers": true, "version": true,
}

// valueFlags are kubelet flags known to take a value: "--name value"
// consumes the next element even when it starts with a dash, as pflag does.
var valueFlags = map[string]bool{
	"address": true, "allowed-unsafe-sysctls": true, "authentication-token-webhook-cache-ttl": true,
	"authorization-mode": true, "authorization-webhook-cache-authorized-ttl": true,
	"authorization-webhook-cache-unauthorized-ttl": true, "bootstrap-kubeconfig": true,
	"cert-dir": true, "cgroup-driver": true, "cgroup-root": true, "client-ca-file": true,
	"cloud-config": true, "cloud-provider": true, "cluster-dns": true, "cluster-domain": true,
	"config": true, "config-dir": true, "container-runtime-endpoint": true, "event-burst": true,
	"event-qps": true, "eviction-hard": true, "feature-gates": true, "healthz-bind-address": true,
	"healthz-port": true, "hostname-override": true, "image-service-endpoint": true,
	"kube-reserved": true, "kubeconfig": true, "max-pods": true, "node-ip": true,
	"node-labels": true, "pod-infra-container-image": true, "pod-manifest-path": true,
	"pod-max-pids": true, "port": true, "provider-id": true, "read-only-port": true,
	"register-with-taints": true, "resolv-conf": true, "root-dir": true,
	"runtime-request-timeout": true, "streaming-connection-idle-timeout": true,
	"system-reserved": true, "tls-cert-file": true, "tls-cipher-suites": true,
	"tls-min-version": true, "tls-private-key-file": true, "v": true, "vmodule": true,
}

// Flag is one flag occurrence.
type Flag struct {
	// Name is normalised: no leading dashes, underscores turned into
	// dashes ("read-only-port").
	Name string
	// Value is the flag's value ("true" for a bare boolean flag).
	Value string
	// HasValue is false for a bare flag ("--rotate-certificates").
	HasValue bool
	// Written is the flag as it appeared ("--read_only_port=10255",
	// "--authorization-mode Webhook").
	Written string
	// Index is the position of the flag in argv.
	Index int
	// Origin locates the flag's text (File/Line/Variable); Key is Written.
	Origin Origin
}

// CommandLine is a kubelet argv parsed with pflag's rules.
type CommandLine struct {
	Executable string
	Flags      []Flag
	// Positional holds arguments that are not flags; the kubelet refuses
	// to start with any ("unknown command").
	Positional []Arg
	// Problems are errors that stop the kubelet at start-up.
	Problems []error
}

// NormalizeFlagName strips leading dashes and turns underscores into
// dashes, as the kubelet's flag set does (cliflag.WordSepNormalizeFunc).
func NormalizeFlagName(name string) string {
	return strings.ReplaceAll(strings.TrimLeft(name, "-"), "_", "-")
}

// ParseCommandLine parses argv (argv[0] is the executable) the way the
// kubelet's pflag set does: "--name=value" always, "--name value" for
// every flag that takes a value (the next element is taken even if it
// starts with "--"), a bare boolean flag means true and "--bool false"
// leaves "false" as a positional argument, "--" ends the flags, single-dash
// shorthands exist only for -v and -h.
func ParseCommandLine(argv []Arg) *CommandLine {
	c := &CommandLine{}
	if len(argv) == 0 {
		return c
	}
	c.Executable = argv[0].Value
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		s := a.Value
		switch {
		case s == "--":
			c.Positional = append(c.Positional, argv[i+1:]...)
			for _, p := range argv[i+1:] {
				c.problem(p, fmt.Errorf("%w: argument %q after \"--\": the kubelet accepts no positional arguments", ErrCommandLine, p.Value))
			}
			return c
		case strings.HasPrefix(s, "--") && len(s) > 2:
			body := s[2:]
			name, val, hasEq := strings.Cut(body, "=")
			f := Flag{Name: NormalizeFlagName(name), Value: val, HasValue: hasEq, Written: s, Index: i, Origin: a.Origin}
			if !validFlagName(f.Name) {
				c.problem(a, fmt.Errorf("%w: unknown flag %q (a flag name cannot contain %q; was a ${VAR} holding several flags expanded as one word?)", ErrCommandLine, "--"+name, badFlagChars(f.Name)))
				continue
			}
			if !hasEq {
				isBool := boolFlags[f.Name]
				takesNext := !isBool && i+1 < len(argv) && (valueFlags[f.Name] || !strings.HasPrefix(argv[i+1].Value, "-"))
				switch {
				case isBool:
					f.Value = "true"
				case takesNext:
					i++
					f.Value, f.HasValue = argv[i].Value, true
					f.Written = s + " " + argv[i].Value
				case valueFlags[f.Name]:
					c.problem(a, fmt.Errorf("%w: flag needs an argument: %s", ErrCommandLine, s))
					continue
				default:
					f.Value = "true"
				}
			}
			f.Origin.Kind = OriginFlag
			f.Origin.Key = f.Written
			c.Flags = append(c.Flags, f)
		case strings.HasPrefix(s, "-") && len(s) > 1:
			short := s[1:2]
			if short != "v" && short != "h" {
				c.problem(a, fmt.Errorf("%w: unknown shorthand flag %q in %q (long flags need two dashes)", ErrCommandLine, short, s))
				continue
			}
			f := Flag{Name: short, Written: s, Index: i, Origin: a.Origin}
			f.Origin.Kind, f.Origin.Key = OriginFlag, s
			if short == "h" {
				f.Name, f.Value = "help", "true"
			} else {
				rest := strings.TrimPrefix(s[2:], "=")
				if rest == "" && i+1 < len(argv) {
					i++
					rest = argv[i].Value
				}
				f.Value, f.HasValue = rest, true
			}
			c.Flags = append(c.Flags, f)
		default:
			c.Positional = append(c.Positional, a)
			msg := fmt.Errorf("%w: unexpected argument %q: the kubelet accepts no positional arguments and refuses to start (\"unknown command\")", ErrCommandLine, s)
			if i > 1 && (s == "true" || s == "false") {
				if prev := argv[i-1].Value; strings.HasPrefix(prev, "--") && !strings.Contains(prev, "=") {
					msg = fmt.Errorf("%w: %q after the boolean flag %s is not its value (write %s=%s); the kubelet refuses to start", ErrCommandLine, s, prev, prev, s)
				}
			}
			c.problem(a, msg)
		}
	}
	return c
}

func validFlagName(n string) bool {
	return n != "" && badFlagChars(n) == ""
}

// badFlagChars returns the first character that cannot be part of a flag name.
func badFlagChars(n string) string {
	for _, r := range n {
		if !(r == '-' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')) {
			return string(r)
		}
	}
	return ""
}

func (c *CommandLine) problem(a Arg, err error) {
	if a.Origin.File != "" {
		err = inputErr(a.Origin.File, a.Origin.Line, err)
	}
	c.Problems = append(c.Problems, err)
}

// All returns every occurrence of the flag (name with or without dashes,
// any word separator), in order.
func (c *CommandLine) All(name string) []Flag {
	name = NormalizeFlagName(name)
	var out []Flag
	for _, f := range c.Flags {
		if f.Name == name {
			out = append(out, f)
		}
	}
	return out
}

// Lookup returns the last occurrence of the flag: for scalar flags the
// last occurrence wins.
func (c *CommandLine) Lookup(name string) (Flag, bool) {
	name = NormalizeFlagName(name)
	for i := len(c.Flags) - 1; i >= 0; i-- {
		if c.Flags[i].Name == name {
			return c.Flags[i], true
		}
	}
	return Flag{}, false
}

// String renders the parsed flags as a command line.
func (c *CommandLine) String() string {
	var b strings.Builder
	b.WriteString(c.Executable)
	for _, f := range c.Flags {
		b.WriteByte(' ')
		b.WriteString(f.Written)
	}
	return b.String()
}
