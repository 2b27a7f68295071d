package kubelet

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/kubeharden/kubeharden"
)

// Options tunes the evaluation. The zero value is the recommended policy.
type Options struct {
	// KubeletVersion ("v1.34.1"), when known, adds version-specific notes
	// (streamingConnectionIdleTimeout has no effect from 1.34).
	KubeletVersion string
}

// strongCiphers is the CIS 4.2.12 allow-list.
var strongCiphers = []string{
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
}

// Evaluate runs the CIS 4.2 checks on an effective configuration and
// returns one finding per check, plus the decoding and command-line
// problems met while resolving it. Each message names the effective value
// and where it came from.
func Evaluate(e *Effective, opts Options) []kubeharden.Finding {
	out := append([]kubeharden.Finding(nil), e.Findings...)
	add := func(r kubeharden.Rule, pass bool, v Value, msg, fix string) {
		out = append(out, e.finding(r, pass, v, msg, fix))
	}

	v := e.Get("authentication.anonymous.enabled")
	add(ruleAnonymousAuth, !v.Bool(), v, ternary(v.Bool(), "anonymous requests to the kubelet API are allowed: ", "anonymous authentication is disabled: ")+v.describe("authentication.anonymous.enabled"),
		e.fix(v, "authentication.anonymous.enabled: false", "--anonymous-auth=false"))

	v = e.Get("authorization.mode")
	switch mode := v.Str(); mode {
	case "AlwaysAllow":
		add(ruleAuthorizationMode, false, v, "every request to the kubelet API is authorized: "+v.describe("authorization.mode"),
			e.fix(v, "authorization.mode: Webhook", "--authorization-mode=Webhook"))
	case "Webhook":
		add(ruleAuthorizationMode, true, v, "kubelet API requests are authorized by the API server: "+v.describe("authorization.mode"), "")
	default:
		add(ruleAuthorizationMode, false, v, fmt.Sprintf("%q is not a kubelet authorization mode (AlwaysAllow or Webhook): the kubelet will not start: %s", mode, v.describe("authorization.mode")),
			e.fix(v, "authorization.mode: Webhook", "--authorization-mode=Webhook"))
	}

	v = e.Get("authentication.x509.clientCAFile")
	if v.Str() != "" {
		add(ruleClientCAFile, true, v, "client certificates are verified: "+v.describe("authentication.x509.clientCAFile"), "")
	} else {
		add(ruleClientCAFile, false, v, "no client CA file: client certificates are not authenticated: "+v.describe("authentication.x509.clientCAFile"),
			e.fix(v, "authentication.x509.clientCAFile: /etc/kubernetes/pki/ca.crt", "--client-ca-file=/etc/kubernetes/pki/ca.crt"))
	}

	v = e.Get("readOnlyPort")
	if v.Int() == 0 {
		add(ruleReadOnlyPort, true, v, "the unauthenticated read-only port is off: "+v.describe("readOnlyPort"), "")
	} else {
		msg := "the unauthenticated read-only API listens on port " + v.String() + ": " + v.describe("readOnlyPort")
		if !v.Set {
			msg += "; kube-bench passes this check because the port is not \"defined\", but 10255 is the flags-only default"
		}
		add(ruleReadOnlyPort, false, v, msg, e.fix(v, "readOnlyPort: 0", "--read-only-port=0"))
	}

	v = e.Get("streamingConnectionIdleTimeout")
	note := ""
	if minor := versionMinor(opts.KubeletVersion); minor >= 34 {
		note = "; note: the field is deprecated and has no effect from Kubernetes 1.34"
	}
	if v.Duration() != 0 {
		add(ruleStreamingConnectionIdleTimeout, true, v, "idle streaming connections time out: "+v.describe("streamingConnectionIdleTimeout")+note, "")
	} else {
		add(ruleStreamingConnectionIdleTimeout, false, v, "idle streaming connections never time out: "+v.describe("streamingConnectionIdleTimeout")+note,
			e.fix(v, "streamingConnectionIdleTimeout: 4h", "--streaming-connection-idle-timeout=4h"))
	}

	v = e.Get("makeIPTablesUtilChains")
	add(ruleMakeIPTablesUtilChains, v.Bool(), v, ternary(v.Bool(), "the kubelet manages its iptables chains: ", "the kubelet does not manage its iptables chains: ")+v.describe("makeIPTablesUtilChains"),
		e.fix(v, "makeIPTablesUtilChains: true", "--make-iptables-util-chains=true"))

	v = e.Get("--hostname-override")
	if v.Str() == "" {
		msg := "--hostname-override is not set"
		if v.Set {
			msg = "--hostname-override is empty, so the kubelet uses the host name: " + v.Origin.String()
		}
		add(ruleHostnameOverride, true, v, msg, "")
	} else {
		add(ruleHostnameOverride, false, v, "the node name is overridden: "+v.describe("--hostname-override"),
			"remove "+v.Origin.Key+" ("+v.Origin.String()+")")
	}

	v = e.Get("eventRecordQPS")
	switch q := v.Int(); {
	case q < 0:
		add(ruleEventRecordQPS, false, v, "negative event QPS is invalid; the kubelet will not start: "+v.describe("eventRecordQPS"), e.fix(v, "eventRecordQPS: 50", "--event-qps=50"))
	case q == 0:
		add(ruleEventRecordQPS, true, v, "event creation is not rate limited (0 = unlimited), so every event is recorded: "+v.describe("eventRecordQPS"), "")
	default:
		add(ruleEventRecordQPS, true, v, "events are rate limited at "+v.String()+" per second: "+v.describe("eventRecordQPS"), "")
	}

	cert, key := e.Get("tlsCertFile"), e.Get("tlsPrivateKeyFile")
	bootstrap := e.Get("serverTLSBootstrap")
	switch {
	case cert.Str() != "" && key.Str() != "":
		add(ruleTLSCertificate, true, cert, "serving certificate "+cert.describe("tlsCertFile")+", key "+key.describe("tlsPrivateKeyFile"), "")
	default:
		missing := cert
		name := "tlsCertFile"
		if cert.Str() != "" {
			missing, name = key, "tlsPrivateKeyFile"
		}
		msg := "the kubelet serves a self-signed certificate: " + missing.describe(name)
		if bootstrap.Bool() {
			msg += "; note: serverTLSBootstrap is true (" + bootstrap.Origin.String() + "), so the serving certificate is requested through the CSR API: a legitimate alternative if the CSRs are approved"
		}
		add(ruleTLSCertificate, false, missing, msg, e.fix(missing, name+": /var/lib/kubelet/pki/kubelet.crt", "--"+settingFlag(name)+"=<file>"))
	}

	v = e.Get("rotateCertificates")
	if v.Bool() {
		add(ruleRotateCertificates, true, v, "client certificate rotation is on: "+v.describe("rotateCertificates"), "")
	} else {
		msg := "client certificate rotation is off: " + v.describe("rotateCertificates")
		if !v.Set {
			msg += " (the field defaults to false; kube-bench passes an absent value because kubeadm writes true)"
		}
		add(ruleRotateCertificates, false, v, msg, e.fix(v, "rotateCertificates: true", "--rotate-certificates=true"))
	}

	g := e.Gate("RotateKubeletServerCertificate", true)
	gv := Value{Name: "featureGates.RotateKubeletServerCertificate", V: g.Enabled, Set: g.Set, Origin: g.Origin}
	if g.Enabled {
		add(ruleRotateServerCertificates, true, gv, "serving certificate rotation is allowed: "+gv.describe("featureGates.RotateKubeletServerCertificate"), "")
	} else {
		fix := "remove RotateKubeletServerCertificate=false (" + g.Origin.String() + ")"
		add(ruleRotateServerCertificates, false, gv, "the RotateKubeletServerCertificate gate is off: "+gv.describe("featureGates.RotateKubeletServerCertificate"), fix)
	}

	v = e.Get("tlsCipherSuites")
	var weak []string
	for _, c := range v.List() {
		if !slices.Contains(strongCiphers, c) {
			weak = append(weak, c)
		}
	}
	switch {
	case len(v.List()) == 0:
		add(ruleTLSCipherSuites, false, v, "no cipher suites are configured, so Go's defaults apply: "+v.describe("tlsCipherSuites"),
			e.fix(v, "tlsCipherSuites: ["+strings.Join(strongCiphers, ", ")+"]", "--tls-cipher-suites="+strings.Join(strongCiphers, ",")))
	case len(weak) > 0:
		add(ruleTLSCipherSuites, false, v, "cipher suites outside the CIS list: "+strings.Join(weak, ", ")+": "+v.describe("tlsCipherSuites"),
			e.fix(v, "tlsCipherSuites without "+strings.Join(weak, ", "), "--tls-cipher-suites without "+strings.Join(weak, ", ")))
	default:
		add(ruleTLSCipherSuites, true, v, "only strong cipher suites: "+v.describe("tlsCipherSuites"), "")
	}

	v = e.Get("podPidsLimit")
	if v.Int() > 0 {
		add(rulePodPidsLimit, true, v, "pods are limited to "+v.String()+" PIDs: "+v.describe("podPidsLimit"), "")
	} else {
		msg := "pods have no PID limit: " + v.describe("podPidsLimit")
		if v.Set {
			msg += " (a value below 1 means unlimited; kube-bench passes any value that is present)"
		}
		add(rulePodPidsLimit, false, v, msg, e.fix(v, "podPidsLimit: 4096", "--pod-max-pids=4096"))
	}

	v = e.Get("seccompDefault")
	if v.Bool() {
		add(ruleSeccompDefault, true, v, "containers without a seccomp profile get RuntimeDefault: "+v.describe("seccompDefault"), "")
	} else {
		msg := "containers without a seccomp profile run unconfined: " + v.describe("seccompDefault")
		if v.Set {
			msg += " (kube-bench passes any value that is present)"
		}
		add(ruleSeccompDefault, false, v, msg, e.fix(v, "seccompDefault: true", "--seccomp-default=true"))
	}
	return out
}

func ternary(c bool, a, b string) string {
	if c {
		return a
	}
	return b
}

func settingFlag(key string) string {
	if s, ok := settingByName(key); ok {
		return s.flag
	}
	return key
}

// finding builds a finding located at the value's origin.
func (e *Effective) finding(r kubeharden.Rule, pass bool, v Value, msg, fix string) kubeharden.Finding {
	var f kubeharden.Finding
	p := v.Name
	if v.Origin.Kind == OriginFlag {
		if s, ok := settingByName(v.Name); ok && s.flag != "" {
			p = "--" + s.flag
		} else if strings.HasPrefix(v.Name, "featureGates.") {
			p = "--feature-gates"
		}
	}
	msg += e.kubeBenchNote(v)
	if pass {
		f = r.Pass(msg, p)
	} else {
		f = r.Fail(msg, p)
		if fix != "" {
			f.Fix = fix
		}
		f.Position = e.position(v)
		if !f.Position.IsValid() && v.Origin.Kind == OriginDefault && e.ConfigFile != "" && len(e.Docs) > 0 && e.Docs[0].Source == e.ConfigFile && !strings.HasPrefix(v.Name, "--") {
			f.Position = e.Docs[0].doc.Position(v.Name)
		}
	}
	return f
}

// kubeBenchConfigPaths are the files kube-bench tries, in order, as the
// kubelet config ($kubeletconf); it never follows --config (cis.md 9.1).
var kubeBenchConfigPaths = []string{
	"/etc/kubernetes/kubelet-config.yaml", "/etc/kubernetes/kubelet/kubelet-config.json", "/var/lib/kubelet/config.yaml",
	"/etc/kubernetes/azure.json", "/var/lib/kubelet/config.yml", "/etc/kubernetes/kubelet/config.json",
	"/etc/kubernetes/kubelet/config", "/home/kubernetes/kubelet-config.yaml", "/home/kubernetes/kubelet-config.yml",
	"/etc/default/kubeletconfig.json", "/etc/kubernetes/kubelet.yaml",
}

// kubeBenchNote says where kube-bench would read this value differently.
func (e *Effective) kubeBenchNote(v Value) string {
	switch v.Origin.Kind {
	case OriginDropIn:
		return "; kube-bench does not read --config-dir drop-ins"
	case OriginConfigFile:
		if e.Command != nil && e.Command.Executable != "" && !slices.Contains(kubeBenchConfigPaths, v.Origin.File) {
			return "; kube-bench does not read this file (it never follows --config)"
		}
	case OriginFlag:
		s, ok := settingByName(v.Name)
		if !ok || s.flag == "" || e.Command == nil {
			return ""
		}
		occ := e.Command.All(s.flag)
		if len(occ) == 0 {
			return ""
		}
		first := occ[0]
		name, _, _ := strings.Cut(first.Written, "=")
		switch {
		case strings.Contains(name, "_"):
			return fmt.Sprintf("; kube-bench does not recognise %s (underscores)", name)
		case first.HasValue && !strings.Contains(first.Written, "=") && s.kind != kindBool:
			return fmt.Sprintf("; kube-bench reads %q as true", first.Written)
		case len(occ) > 1 && first.Value != occ[len(occ)-1].Value:
			return fmt.Sprintf("; kube-bench reads the first occurrence (%s)", first.Written)
		}
	}
	return ""
}

// fix says where to change a value: the flag that set it, the file that
// set it, or (for defaults) the config file or the command line.
func (e *Effective) fix(v Value, configKV, flagKV string) string {
	o := v.Origin
	switch o.Kind {
	case OriginFlag:
		where := o.String()
		return fmt.Sprintf("replace %s with %s where it is set (%s); flags override the config file", o.Key, flagKV, strings.TrimPrefix(where, "flag "+o.Key+" "))
	case OriginConfigFile, OriginDropIn:
		return fmt.Sprintf("set %s in %s", configKV, o.File)
	}
	if e.Mode == ModeConfigFile && e.ConfigFile != "" {
		return fmt.Sprintf("set %s in %s", configKV, e.ConfigFile)
	}
	if strings.HasPrefix(v.Name, "--") {
		return "add " + flagKV + " to the kubelet command line"
	}
	return fmt.Sprintf("run the kubelet with --config and set %s there (or add %s to the command line)", configKV, flagKV)
}

// versionMinor extracts the minor version from "v1.34.1" (or "1.34"); -1
// when unknown.
func versionMinor(v string) int {
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 || parts[0] != "1" {
		return -1
	}
	m := parts[1]
	if i := strings.IndexFunc(m, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		m = m[:i]
	}
	n, err := strconv.Atoi(m)
	if err != nil {
		return -1
	}
	return n
}

// FileInfo is the mode and ownership of a node file (from stat, or a
// tarball's headers), for the CIS 4.1 checks.
type FileInfo struct {
	Mode fs.FileMode
	UID  int
	GID  int
}

// fileCheck evaluates a permission and an ownership rule on one path.
func fileChecks(files map[string]FileInfo, p, what string, maxPerm fs.FileMode, permRule, ownRule kubeharden.Rule) []kubeharden.Finding {
	info, ok := files[p]
	if !ok {
		msg := fmt.Sprintf("%s %s: no mode and owner given, cannot evaluate", what, p)
		a, b := permRule.Fail(msg, p), ownRule.Fail(msg, p)
		a.Severity, b.Severity = sevInfo, sevInfo
		a.Fix, b.Fix = "pass the file's mode, uid and gid in NodeOptions.Files", "pass the file's mode, uid and gid in NodeOptions.Files"
		return []kubeharden.Finding{a, b}
	}
	var out []kubeharden.Finding
	perm := info.Mode.Perm()
	if perm&^maxPerm == 0 {
		out = append(out, permRule.Pass(fmt.Sprintf("%s %s has mode %04o", what, p, perm), p))
	} else {
		f := permRule.Fail(fmt.Sprintf("%s %s has mode %04o, more permissive than %04o", what, p, perm, maxPerm), p)
		f.Fix = fmt.Sprintf("chmod %o %s", perm&maxPerm, p)
		out = append(out, f)
	}
	if info.UID == 0 && info.GID == 0 {
		out = append(out, ownRule.Pass(fmt.Sprintf("%s %s is owned by root:root", what, p), p))
	} else {
		f := ownRule.Fail(fmt.Sprintf("%s %s is owned by %d:%d, not root:root (0:0)", what, p, info.UID, info.GID), p)
		f.Fix = "chown root:root " + p
		out = append(out, f)
	}
	return out
}

// proxyKubeconfigs are where kube-proxy kubeconfigs live on nodes that run
// kube-proxy from systemd (kubeadm runs it as a DaemonSet with no file).
var proxyKubeconfigs = []string{
	"/etc/kubernetes/proxy.conf", "/etc/kubernetes/kube-proxy.kubeconfig", "/var/lib/kube-proxy/kubeconfig",
	"/var/lib/kube-proxy/kubeconfig.conf", "/etc/kubernetes/kubeconfig/kube-proxy.kubeconfig",
}

// evaluateFiles runs the CIS 4.1 checks.
func evaluateFiles(fsys fs.FS, svc *Service, e *Effective, opts NodeOptions) []kubeharden.Finding {
	files := opts.Files
	var out []kubeharden.Finding
	if svc != nil {
		for _, p := range append([]string{svc.Unit}, svc.DropIns...) {
			out = append(out, fileChecks(files, p, "kubelet service file", 0o600, ruleServiceFilePermissions, ruleServiceFileOwnership)...)
		}
	}
	proxy := opts.ProxyKubeconfig
	if proxy == "" {
		for _, p := range proxyKubeconfigs {
			if _, ok := files[p]; ok || exists(fsys, p) {
				proxy = p
				break
			}
		}
	}
	if proxy == "" {
		out = append(out,
			ruleProxyKubeconfigPermissions.Pass("no kube-proxy kubeconfig file on this node (kubeadm runs kube-proxy as a DaemonSet): not applicable", ""),
			ruleProxyKubeconfigOwnership.Pass("no kube-proxy kubeconfig file on this node: not applicable", ""))
	} else {
		out = append(out, fileChecks(files, proxy, "kube-proxy kubeconfig", 0o600, ruleProxyKubeconfigPermissions, ruleProxyKubeconfigOwnership)...)
	}
	if kc := e.Get("--kubeconfig"); kc.Str() != "" {
		out = append(out, fileChecks(files, absPath(e.WorkingDirectory, kc.Str()), "kubelet kubeconfig", 0o600, ruleKubeconfigPermissions, ruleKubeconfigOwnership)...)
	} else {
		out = append(out,
			ruleKubeconfigPermissions.Pass("no --kubeconfig: the kubelet runs standalone: not applicable", "--kubeconfig"),
			ruleKubeconfigOwnership.Pass("no --kubeconfig: the kubelet runs standalone: not applicable", "--kubeconfig"))
	}
	if ca := e.Get("authentication.x509.clientCAFile"); ca.Str() != "" {
		base := e.WorkingDirectory
		if ca.Origin.Kind == OriginConfigFile || ca.Origin.Kind == OriginDropIn {
			base = path.Dir(ca.Origin.File) // relative paths in a config file resolve against its directory
		}
		out = append(out, fileChecks(files, absPath(base, ca.Str()), "client CA file", 0o644, ruleClientCAFilePermissions, ruleClientCAFileOwnership)...)
	} else {
		out = append(out,
			ruleClientCAFilePermissions.Pass("no client CA file configured (see 4.2.3): not applicable", "authentication.x509.clientCAFile"),
			ruleClientCAFileOwnership.Pass("no client CA file configured (see 4.2.3): not applicable", "authentication.x509.clientCAFile"))
	}
	if e.ConfigFile != "" || len(e.DropIns) > 0 {
		cfgs := e.DropIns
		if e.ConfigFile != "" {
			cfgs = append([]string{e.ConfigFile}, cfgs...)
		}
		for _, p := range cfgs {
			out = append(out, fileChecks(files, p, "kubelet config file", 0o600, ruleConfigFilePermissions, ruleConfigFileOwnership)...)
		}
	} else {
		out = append(out,
			ruleConfigFilePermissions.Pass("no --config file (flags-only mode): not applicable", "--config"),
			ruleConfigFileOwnership.Pass("no --config file (flags-only mode): not applicable", "--config"))
	}
	return out
}

func absPath(base, p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	return path.Join(base, p)
}

func exists(fsys fs.FS, p string) bool {
	if fsys == nil {
		return false
	}
	_, err := fs.Stat(fsys, fsPath(p))
	return err == nil
}
