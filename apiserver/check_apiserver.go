package apiserver

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/audit"
)

// StrongCipherSuites returns the CIS 1.2.29 allow-list.
func StrongCipherSuites() []string { return slices.Clone(strongCipherSuites) }

var strongCipherSuites = []string{
	"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
}

var validModes = map[string]bool{"AlwaysAllow": true, "AlwaysDeny": true, "ABAC": true, "Webhook": true, "RBAC": true, "Node": true}

// authzState is the effective authorizer chain.
type authzState struct {
	modes []string
	// source describes where the chain came from.
	source string
	occ    *Occurrence
	// known is false when the --authorization-config file could not be
	// read: the chain is unknown.
	known bool
	// fromConfig is true when --authorization-config decides.
	fromConfig bool
	// modeFlagAlwaysAllow: AlwaysAllow is in the --authorization-mode list
	// (or its default), which resets anonymous auth.
	modeFlagAlwaysAllow bool
}

func (c *evalCtx) authorization() authzState {
	st := authzState{known: true}
	if c.f.Has("authorization-config") {
		if c.f.Has("authorization-mode") {
			o, _ := c.f.Last("authorization-mode")
			c.emit(RuleInvalidCommandLine, false, "--authorization-config and --authorization-mode are mutually exclusive: kube-apiserver will not start", "--authorization-mode", &o, "remove --authorization-mode and keep the chain in the --authorization-config file")
		}
		st.fromConfig = true
		rf, _ := c.readRef("authorization-config")
		st.occ = &rf.occ
		st.source = "--authorization-config " + rf.container
		if rf.err != nil {
			st.known = false
			return st
		}
		cfg, d, problems, err := ParseAuthorizationConfiguration(rf.host, rf.data)
		if err != nil {
			c.inputError(rf, err)
			st.known = false
			return st
		}
		c.fieldProblems(d, problems)
		c.configProblems(rf, "AuthorizationConfiguration", cfg.Validate(), d)
		st.modes = cfg.Types()
		return st
	}
	modes, ok, _ := c.f.List("authorization-mode")
	if !ok {
		st.modes, st.source = []string{"AlwaysAllow"}, "default (neither --authorization-mode nor --authorization-config is set)"
		st.modeFlagAlwaysAllow = true
		return st
	}
	o, _ := c.f.Last("authorization-mode")
	st.occ = &o
	st.source = "--authorization-mode"
	if n := len(c.f.Occurrences("authorization-mode")); n > 1 {
		st.source += fmt.Sprintf(" (%d occurrences, accumulated)", n)
	}
	seen := map[string]bool{}
	for _, m := range modes {
		switch {
		case !validModes[m]:
			c.emit(RuleInvalidCommandLine, false, fmt.Sprintf("--authorization-mode: unknown mode %q: kube-apiserver will not start", m), "--authorization-mode", &o, "use Node,RBAC without spaces")
		case seen[m]:
			c.emit(RuleInvalidCommandLine, false, fmt.Sprintf("--authorization-mode: mode %q named twice: kube-apiserver will not start", m), "--authorization-mode", &o, "name each mode once")
		}
		seen[m] = true
	}
	if seen["ABAC"] && !c.f.Has("authorization-policy-file") {
		c.emit(RuleInvalidCommandLine, false, "--authorization-mode has ABAC but --authorization-policy-file is not set: kube-apiserver will not start", "--authorization-mode", &o, "")
	}
	if seen["Webhook"] && !c.f.Has("authorization-webhook-config-file") {
		c.emit(RuleInvalidCommandLine, false, "--authorization-mode has Webhook but --authorization-webhook-config-file is not set: kube-apiserver will not start", "--authorization-mode", &o, "")
	}
	st.modes = modes
	st.modeFlagAlwaysAllow = seen["AlwaysAllow"]
	return st
}

func (c *evalCtx) checkAPIServer() {
	az := c.authorization()
	c.checkAnonymous(az)
	c.checkAbsent(cisRule("TokenAuthFile"), "token-auth-file")
	adm := EffectiveAdmission(c.f)
	for _, e := range adm.Errors {
		c.emit(RuleInvalidCommandLine, false, e.Error(), "--enable-admission-plugins", nil, "")
	}
	c.checkPlugin(adm, cisRule("DenyServiceExternalIPs"), "DenyServiceExternalIPs", true)
	c.checkPresent(cisRule("KubeletClientCertificate"), "kubelet-client-certificate", "kubelet-client-key")
	c.checkPresent(cisRule("KubeletCertificateAuthority"), "kubelet-certificate-authority")
	c.checkAuthorizers(az)
	admCfg := c.admissionConfig()
	c.checkEventRateLimit(adm, admCfg)
	c.checkPlugin(adm, cisRule("AdmissionAlwaysAdmit"), "AlwaysAdmit", false)
	c.checkPlugin(adm, cisRule("AdmissionAlwaysPullImages"), "AlwaysPullImages", true)
	c.checkPlugin(adm, cisRule("AdmissionServiceAccount"), "ServiceAccount", true)
	c.checkPlugin(adm, cisRule("AdmissionNamespaceLifecycle"), "NamespaceLifecycle", true)
	c.checkPlugin(adm, cisRule("AdmissionNodeRestriction"), "NodeRestriction", true)
	c.checkBool(cisRule("APIServerProfiling"), "profiling", true, false)
	c.checkAuditLog()
	if v, o := c.describe("request-timeout", "1m0s"); true {
		c.manual(cisRule("RequestTimeout"), v+": review whether it suits the cluster (manual check)", "--request-timeout", o)
	}
	c.checkBool(cisRule("ServiceAccountLookup"), "service-account-lookup", true, true)
	c.checkPresent(cisRule("ServiceAccountKeyFile"), "service-account-key-file")
	c.checkPresent(cisRule("EtcdClientCertificate"), "etcd-certfile", "etcd-keyfile")
	c.checkPresent(cisRule("APIServerTLS"), "tls-cert-file", "tls-private-key-file")
	c.checkPresent(cisRule("ClientCAFile"), "client-ca-file")
	c.checkPresent(cisRule("EtcdCAFile"), "etcd-cafile")
	c.checkPresent(cisRule("EncryptionProviderConfig"), "encryption-provider-config")
	c.checkEncryption()
	c.checkCiphers(cisRule("APIServerCipherSuites"), "tls-cipher-suites", strongCipherSuites)
	c.checkBool(cisRule("ServiceAccountExtendTokenExpiration"), "service-account-extend-token-expiration", true, false)
	c.checkAuditPolicy()
	c.checkImagePolicy(adm, admCfg)
}

func (c *evalCtx) checkAbsent(r kubeharden.Rule, flag string) {
	desc, o := c.describe(flag, "")
	fix := ""
	if o != nil {
		fix = fmt.Sprintf("remove --%s from %s", flag, c.argLabel(o.Arg))
	}
	c.emit(r, o == nil, desc, "--"+flag, o, fix)
}

func (c *evalCtx) checkAnonymous(az authzState) {
	r := cisRule("AnonymousAuth")
	if c.f.Has("authentication-config") {
		rf, _ := c.readRef("authentication-config")
		if rf.err == nil {
			cfg, d, problems, err := ParseAuthenticationConfiguration(rf.host, rf.data)
			if err != nil {
				c.inputError(rf, err)
			} else {
				c.fieldProblems(d, problems)
				c.configProblems(rf, "AuthenticationConfiguration", cfg.Validate(), d)
				if a := cfg.Anonymous; a != nil {
					if c.f.Has("anonymous-auth") {
						o, _ := c.f.Last("anonymous-auth")
						c.emit(RuleInvalidCommandLine, false, "--anonymous-auth cannot be set when the --authentication-config file has an anonymous block: kube-apiserver will not start", "--anonymous-auth", &o, "remove --anonymous-auth")
					}
					pos := d.Position("anonymous.enabled")
					var f kubeharden.Finding
					switch {
					case !a.Enabled:
						f = r.Pass(fmt.Sprintf("anonymous.enabled is false in %s", rf.host), "--authentication-config")
					case len(a.Conditions) > 0 && healthOnly(a.Conditions):
						f = r.Pass(fmt.Sprintf("anonymous requests are enabled in %s only for %s", rf.host, condPaths(a.Conditions)), "--authentication-config")
						h := RuleAnonymousConditions.Pass(f.Message, "--authentication-config")
						h.Position = d.Position("anonymous.conditions")
						c.findings = append(c.findings, h)
					case len(a.Conditions) > 0:
						f = r.Fail(fmt.Sprintf("anonymous requests are enabled in %s for %s, beyond the health endpoints", rf.host, condPaths(a.Conditions)), "--authentication-config")
						f.Fix = "limit anonymous.conditions to /healthz, /livez and /readyz, or set anonymous.enabled: false"
					default:
						f = r.Fail(fmt.Sprintf("anonymous.enabled is true in %s, for every path", rf.host), "--authentication-config")
						f.Fix = "set anonymous.enabled: false (or add conditions for the health endpoints only)"
					}
					f.Position = pos
					c.findings = append(c.findings, f)
					return
				}
			}
		}
	}
	if az.modeFlagAlwaysAllow {
		desc, o := c.describe("anonymous-auth", "true")
		c.emit(r, true, desc+"; but AlwaysAllow is an authorization mode ("+az.source+"), so kube-apiserver resets anonymous authentication to false (CIS 1.2.6 reports the real problem)", "--anonymous-auth", o, "")
		return
	}
	c.checkBool(r, "anonymous-auth", true, false)
}

var healthPaths = map[string]bool{"/healthz": true, "/livez": true, "/readyz": true}

func healthOnly(cs []AnonymousCondition) bool {
	for _, c := range cs {
		if !healthPaths[c.Path] {
			return false
		}
	}
	return true
}

func condPaths(cs []AnonymousCondition) string {
	ps := make([]string, len(cs))
	for i, c := range cs {
		ps[i] = c.Path
	}
	return strings.Join(ps, ", ")
}

func (c *evalCtx) checkAuthorizers(az authzState) {
	chain := strings.Join(az.modes, ",")
	flag := "--authorization-mode"
	if az.fromConfig {
		flag = "--authorization-config"
	}
	fix := "use --authorization-mode=Node,RBAC (or Node and RBAC authorizers in --authorization-config)"
	for _, x := range []struct {
		rule kubeharden.Rule
		mode string
		want bool
	}{
		{cisRule("AuthorizationNotAlwaysAllow"), "AlwaysAllow", false},
		{cisRule("AuthorizationNode"), "Node", true},
		{cisRule("AuthorizationRBAC"), "RBAC", true},
	} {
		if !az.known {
			c.emit(x.rule, false, fmt.Sprintf("authorizer chain unknown: %s could not be read", az.source), flag, az.occ, "")
			continue
		}
		has := contains(az.modes, x.mode)
		msg := fmt.Sprintf("effective authorizers [%s] from %s", chain, az.source)
		if x.want {
			if !has {
				msg += "; " + x.mode + " is missing"
			}
		} else if has {
			msg += "; AlwaysAllow authorizes every request that reaches it"
		}
		c.emit(x.rule, has == x.want, msg, flag, az.occ, fix)
	}
}

func (c *evalCtx) checkPlugin(adm *AdmissionSet, r kubeharden.Rule, plugin string, want bool) {
	st := adm.State(plugin)
	var msg string
	switch {
	case st.FromFlag && st.Enabled:
		msg = fmt.Sprintf("%s is enabled by %s (%s)", plugin, st.Source, c.where(st.Occurrence))
	case st.FromFlag:
		msg = fmt.Sprintf("%s is disabled by %s (%s)", plugin, st.Source, c.where(st.Occurrence))
	case adm.Legacy:
		msg = fmt.Sprintf("%s is not in the --admission-control list, which replaces the whole plugin set", plugin)
	case st.Enabled:
		msg = fmt.Sprintf("%s is enabled by default", plugin)
	default:
		msg = fmt.Sprintf("%s is off by default and not enabled", plugin)
	}
	var o *Occurrence
	if st.FromFlag {
		o = &st.Occurrence
	}
	fix := fmt.Sprintf("add %s to --enable-admission-plugins", plugin)
	if !want {
		fix = fmt.Sprintf("remove %s from the admission plugin flags", plugin)
	} else if st.FromFlag && !st.Enabled {
		fix = fmt.Sprintf("remove %s from --disable-admission-plugins", plugin)
	}
	c.emit(r, st.Enabled == want, msg, "--enable-admission-plugins", o, fix)
}

func (c *evalCtx) checkAuditLog() {
	note := ""
	if !c.f.Has("audit-policy-file") {
		note = "; note: without --audit-policy-file the server records no audit events at all"
	}
	desc, o := c.describe("audit-log-path", "")
	v, _ := c.f.String("audit-log-path", "")
	if v == "-" {
		desc += " (standard output)"
	}
	c.emit(cisRule("AuditLogPath"), v != "", desc+note, "--audit-log-path", o, c.addFix("audit-log-path", "/var/log/kubernetes/audit/audit.log"))
	if v != "" && v != "-" && c.cp.Pod != nil && path.IsAbs(v) {
		if _, ok := c.cp.mountedPath(v); !ok {
			c.emit(RuleFileNotMounted, false, fmt.Sprintf("--audit-log-path=%s is not under any hostPath volumeMount: the log is written inside the container and lost with it", v), "--audit-log-path", o,
				fmt.Sprintf("mount %s from the host", path.Dir(v)))
		}
	}
	sentinel := ": 0 is the log library's sentinel (no removal by age or count, rotation at 100 MB), so retention is unbounded rather than short, but CIS asks for an explicit value"
	c.checkIntGTE(cisRule("AuditLogMaxAge"), "audit-log-maxage", 0, 30, sentinel)
	c.checkIntGTE(cisRule("AuditLogMaxBackup"), "audit-log-maxbackup", 0, 10, sentinel)
	c.checkIntGTE(cisRule("AuditLogMaxSize"), "audit-log-maxsize", 0, 100, sentinel)
}

func (c *evalCtx) checkCiphers(r kubeharden.Rule, flag string, allowed []string) {
	list, ok, err := c.f.List(flag)
	desc, o := c.describe(flag, "Go's crypto/tls defaults")
	fix := fmt.Sprintf("set --%s to a subset of: %s", flag, strings.Join(allowed, ","))
	if !ok {
		c.emit(r, false, desc+", which include suites outside the CIS list", "--"+flag, o, fix)
		return
	}
	var bad []string
	for _, s := range list {
		if !contains(allowed, s) {
			bad = append(bad, s)
		}
	}
	if err != nil {
		bad = append(bad, err.Error())
	}
	if len(list) == 0 {
		bad = append(bad, "(empty list: Go defaults)")
	}
	if len(bad) > 0 {
		desc += "; not in the CIS list: " + strings.Join(bad, ", ")
	}
	c.emit(r, len(bad) == 0, desc, "--"+flag, o, fix)
}

// admissionConfig reads --admission-control-config-file.
type admissionCfg struct {
	cfg  *AdmissionConfiguration
	rf   refFile
	read func(string) ([]byte, error)
}

func (c *evalCtx) admissionConfig() *admissionCfg {
	rf, ok := c.readRef("admission-control-config-file")
	if !ok || rf.err != nil {
		return nil
	}
	cfg, d, problems, err := ParseAdmissionConfiguration(rf.host, rf.data)
	if err != nil {
		c.inputError(rf, err)
		return nil
	}
	c.fieldProblems(d, problems)
	dir := path.Dir(rf.host)
	return &admissionCfg{cfg: cfg, rf: rf, read: func(p string) ([]byte, error) {
		// A path in the AdmissionConfiguration is a container path too.
		host := p
		if h, ok := c.cp.mountedPath(p); ok {
			host = h
		} else if !path.IsAbs(p) {
			host = path.Join(dir, p)
		}
		return readFS(c.opts.FS, host)
	}}
}

func (c *evalCtx) pluginConfig(ac *admissionCfg, name string) (PluginConfig, bool) {
	if ac == nil {
		return PluginConfig{}, false
	}
	return ac.cfg.Plugin(name, path.Dir(ac.rf.container), ac.read)
}

func (c *evalCtx) checkEventRateLimit(adm *AdmissionSet, ac *admissionCfg) {
	r := cisRule("AdmissionEventRateLimit")
	st := adm.State("EventRateLimit")
	pc, configured := c.pluginConfig(ac, "EventRateLimit")
	var o *Occurrence
	if st.FromFlag {
		o = &st.Occurrence
	}
	if !st.Enabled {
		c.emit(r, false, "EventRateLimit is not in the effective admission plugin set", "--enable-admission-plugins", o, "add EventRateLimit to --enable-admission-plugins and configure it in --admission-control-config-file")
		if configured {
			c.emit(RuleAdmissionPluginUnconfigured, false, "EventRateLimit is configured in "+ac.rf.host+" but not enabled: the configuration does nothing", "--admission-control-config-file", &ac.rf.occ, "add EventRateLimit to --enable-admission-plugins")
		}
		return
	}
	if !configured {
		msg := "EventRateLimit is enabled but has no configuration in --admission-control-config-file: kube-apiserver will not start"
		if ac == nil && c.f.Has("admission-control-config-file") {
			msg = "EventRateLimit is enabled; its configuration could not be read"
		} else {
			c.emit(RuleAdmissionPluginUnconfigured, false, msg, "--enable-admission-plugins", o, "add an EventRateLimit entry to the AdmissionConfiguration")
		}
		c.emit(r, false, msg, "--enable-admission-plugins", o, "")
		return
	}
	if pc.Err != nil {
		c.emit(r, false, fmt.Sprintf("EventRateLimit configuration %s cannot be read: %v", pc.File, pc.Err), "--admission-control-config-file", &ac.rf.occ, "")
		return
	}
	src := pc.File
	if pc.Inline {
		src = ac.rf.host
	}
	erl, problems, err := ParseEventRateLimit(src, pc.Data)
	if err != nil {
		c.inputError(ac.rf, err)
		c.emit(r, false, "EventRateLimit is enabled but its configuration does not decode", "--admission-control-config-file", &ac.rf.occ, "")
		return
	}
	_ = problems
	ps := erl.Validate()
	for _, p := range ps {
		c.emit(RuleConfigInvalid, false, fmt.Sprintf("EventRateLimit configuration %s: %s", src, p.Error()), "--admission-control-config-file", &ac.rf.occ, "")
	}
	c.emit(r, len(ps) == 0, fmt.Sprintf("EventRateLimit is enabled (%s) with %d limit(s) configured in %s", st.Source, len(erl.Limits), src), "--enable-admission-plugins", o, "")
}

func (c *evalCtx) checkImagePolicy(adm *AdmissionSet, ac *admissionCfg) {
	r := cisRule("ImagePolicyWebhook")
	st := adm.State("ImagePolicyWebhook")
	pc, configured := c.pluginConfig(ac, "ImagePolicyWebhook")
	var o *Occurrence
	if st.FromFlag {
		o = &st.Occurrence
	}
	if !st.Enabled {
		c.emit(r, false, "ImagePolicyWebhook is not in the effective admission plugin set: image provenance is not enforced by admission", "--enable-admission-plugins", o, "")
		if configured {
			c.emit(RuleAdmissionPluginUnconfigured, false, "ImagePolicyWebhook is configured in "+ac.rf.host+" but not enabled: the configuration does nothing", "--admission-control-config-file", &ac.rf.occ, "add ImagePolicyWebhook to --enable-admission-plugins")
		}
		return
	}
	if !configured || pc.Err != nil {
		msg := "ImagePolicyWebhook is enabled without a configuration: kube-apiserver will not start"
		if pc.Err != nil {
			msg = fmt.Sprintf("ImagePolicyWebhook configuration %s cannot be read: %v", pc.File, pc.Err)
		} else if ac == nil && c.f.Has("admission-control-config-file") {
			msg = "ImagePolicyWebhook is enabled; its configuration could not be read"
		} else {
			c.emit(RuleAdmissionPluginUnconfigured, false, msg, "--enable-admission-plugins", o, "add an ImagePolicyWebhook entry to the AdmissionConfiguration")
		}
		c.emit(r, false, msg, "--enable-admission-plugins", o, "")
		return
	}
	src := pc.File
	if pc.Inline {
		src = ac.rf.host
	}
	ip, err := ParseImagePolicy(src, pc.Data)
	if err != nil {
		c.inputError(ac.rf, err)
		c.emit(r, false, "ImagePolicyWebhook configuration does not decode", "--admission-control-config-file", &ac.rf.occ, "")
		return
	}
	if pc.BothSet {
		c.emit(RuleConfigInvalid, false, fmt.Sprintf("%s: ImagePolicyWebhook entry %s has both path and configuration; the inline configuration wins", ac.rf.host, pc.Entry), "--admission-control-config-file", &ac.rf.occ, "keep only one of path and configuration")
	}
	ps := ip.Validate()
	for _, p := range ps {
		c.emit(RuleConfigInvalid, false, fmt.Sprintf("ImagePolicyWebhook configuration %s: %s", src, p.Error()), "--admission-control-config-file", &ac.rf.occ, "")
	}
	c.emit(RuleImagePolicyFailOpen, !ip.DefaultAllow, fmt.Sprintf("imagePolicy.defaultAllow is %v in %s", ip.DefaultAllow, src), "--admission-control-config-file", &ac.rf.occ, "")
	if ip.KubeConfigFile != "" && path.IsAbs(ip.KubeConfigFile) && c.opts.FS != nil {
		if data, err := ac.read(ip.KubeConfigFile); err != nil {
			c.emit(RuleConfigUnreadable, false, fmt.Sprintf("ImagePolicyWebhook kubeConfigFile %s: %v", ip.KubeConfigFile, err), "--admission-control-config-file", &ac.rf.occ, "")
		} else {
			ok, msg := webhookBackendSecure(ip.KubeConfigFile, data)
			c.emit(RuleImagePolicyInsecureBackend, ok, msg, "--admission-control-config-file", &ac.rf.occ, "")
		}
	}
	if ip.AllowTTL >= 600 {
		c.emit(RuleImagePolicySlowRevocation, false, fmt.Sprintf("imagePolicy.allowTTL is %d seconds in %s", ip.AllowTTL, src), "--admission-control-config-file", &ac.rf.occ, "")
	}
	ok := !ip.DefaultAllow && len(ps) == 0
	msg := fmt.Sprintf("ImagePolicyWebhook is enabled (%s) and configured in %s with defaultAllow: %v", st.Source, src, ip.DefaultAllow)
	if !ok && len(ps) > 0 {
		msg += "; the configuration is invalid"
	}
	c.emit(r, ok, msg, "--enable-admission-plugins", o, "set imagePolicy.defaultAllow: false")
}

func (c *evalCtx) checkEncryption() {
	r := cisRule("EncryptionProviders")
	rf, ok := c.readRef("encryption-provider-config")
	if !ok {
		c.emit(r, false, "--encryption-provider-config is not set: secrets are stored in plaintext", "--encryption-provider-config", nil, c.addFix("encryption-provider-config", "/etc/kubernetes/enc/encryption-config.yaml"))
		c.emit(RuleEncryptionIdentityFirst, false, "no EncryptionConfiguration: secrets are stored in plaintext in etcd", "--encryption-provider-config", nil, "")
		return
	}
	if rf.err != nil {
		c.emit(r, false, fmt.Sprintf("could not evaluate: %s cannot be read", rf.container), "--encryption-provider-config", &rf.occ, "")
		return
	}
	cfg, d, problems, err := ParseEncryptionConfiguration(rf.host, rf.data)
	if err != nil {
		c.inputError(rf, err)
		c.emit(r, false, "the EncryptionConfiguration does not decode: kube-apiserver will not start", "--encryption-provider-config", &rf.occ, "")
		return
	}
	c.fieldProblems(d, problems)
	gates, _, _ := c.f.Map("feature-gates")
	findings := evaluateEncryption(cfg, d, rf.host, gates["KMSv1"])
	c.findings = append(c.findings, findings...)
}

// evaluateEncryption applies 1.2.28 and the encryption rules to a parsed
// EncryptionConfiguration; findings are positioned in its file.
func evaluateEncryption(cfg *EncryptionConfiguration, d interface {
	Position(string) kubeharden.Position
}, file string, kmsv1 bool) []kubeharden.Finding {
	var out []kubeharden.Finding
	add := func(f kubeharden.Finding, p string) {
		if d != nil {
			f.Position = d.Position(p)
		}
		out = append(out, f)
	}
	r := cisRule("EncryptionProviders")
	ps := cfg.Validate(kmsv1)
	for _, p := range ps {
		add(RuleConfigInvalid.Fail(fmt.Sprintf("EncryptionConfiguration %s: %s", file, p.Error()), p.Path), p.Path)
	}
	provs := cfg.ProvidersFor("secrets")
	if len(provs) == 0 {
		add(r.Fail("no entry covers secrets (neither \"secrets\", \"*.\" nor \"*.*\"): secrets are stored in plaintext", "resources"), "resources")
		add(RuleEncryptionIdentityFirst.Fail("secrets are not covered by any entry of "+file, "resources"), "resources")
		return out
	}
	first := provs[0]
	t, _ := first.Provider.Type()
	via := ""
	if first.Selector != "secrets" {
		via = fmt.Sprintf(" (through the %q entry)", first.Selector)
	}
	msg := fmt.Sprintf("the first provider for secrets%s is %s at %s", via, t, first.Path)
	if t == "kms" {
		msg = fmt.Sprintf("the first provider for secrets%s is kms %s at %s", via, first.Provider.KMSVersion(), first.Path)
	}
	switch {
	case len(ps) > 0:
		add(r.Fail(msg+"; but the file is invalid, so kube-apiserver will not start", first.Path), first.Path)
	case t == "aescbc" || t == "kms" || t == "secretbox":
		add(r.Pass(msg, first.Path), first.Path)
	default:
		f := r.Fail(msg+"; CIS accepts aescbc, kms or secretbox", first.Path)
		f.Fix = "move a kms (apiVersion: v2), secretbox or aescbc provider to the top of the secrets providers"
		add(f, first.Path)
	}
	if t == "identity" {
		later := ""
		for _, p := range provs[1:] {
			if pt, _ := p.Provider.Type(); pt != "identity" {
				later = fmt.Sprintf("; %s at %s only decrypts existing data", pt, p.Path)
				break
			}
		}
		add(RuleEncryptionIdentityFirst.Fail("identity is the first provider for secrets: new secrets are written in plaintext"+later, first.Path), first.Path)
	} else {
		add(RuleEncryptionIdentityFirst.Pass(msg, first.Path), first.Path)
	}
	switch {
	case t == "aescbc":
		add(RuleEncryptionWeakProvider.Fail("secrets are encrypted with aescbc, which Kubernetes no longer recommends (CBC padding oracles)", first.Path), first.Path)
	case t == "aesgcm":
		add(RuleEncryptionWeakProvider.Fail("secrets are encrypted with aesgcm: keys must be rotated every 200,000 writes", first.Path), first.Path)
	case t == "kms" && first.Provider.KMSVersion() == "v1":
		add(RuleEncryptionWeakProvider.Fail("secrets use KMS v1, deprecated since 1.28 and disabled by default from 1.29; use apiVersion: v2", first.Path+".kms"), first.Path+".kms")
	case t == "kms" || t == "secretbox":
		add(RuleEncryptionWeakProvider.Pass(msg, first.Path), first.Path)
	}
	// Other resources written in plaintext on purpose.
	var plain []string
	for ei, e := range cfg.Resources {
		if len(e.Providers) == 0 {
			continue
		}
		if pt, _ := e.Providers[0].Type(); pt == "identity" {
			for _, res := range e.Resources {
				if res == "secrets" {
					continue
				}
				if refs := cfg.ProvidersFor(strings.TrimSuffix(res, ".")); len(refs) > 0 && refs[0].Entry == ei {
					plain = append(plain, res)
				}
			}
		}
	}
	if len(plain) > 0 {
		sort.Strings(plain)
		add(RuleEncryptionOtherPlaintext.Fail("these resources are written in plaintext (identity first): "+strings.Join(plain, ", "), "resources"), "resources")
	}
	return out
}

func (c *evalCtx) checkAuditPolicy() {
	r := cisRule("AuditPolicyFile")
	cov := cisRule("AuditPolicyCoverage")
	rf, ok := c.readRef("audit-policy-file")
	if !ok {
		c.emit(r, false, "--audit-policy-file is not set: kube-apiserver records no audit events", "--audit-policy-file", nil, c.addFix("audit-policy-file", "/etc/kubernetes/audit-policy.yaml"))
		c.manual(cov, "no audit policy: nothing is audited (manual check)", "--audit-policy-file", nil)
		return
	}
	if rf.err != nil {
		c.emit(r, false, fmt.Sprintf("--audit-policy-file=%s is set but the file could not be read: %v", rf.container, rf.err), "--audit-policy-file", &rf.occ, "")
		c.manual(cov, "the audit policy could not be read (manual check)", "--audit-policy-file", &rf.occ)
		return
	}
	pol, fs, err := audit.Parse(rf.host, rf.data)
	if err != nil {
		c.inputError(rf, err)
		c.emit(r, false, fmt.Sprintf("--audit-policy-file=%s does not parse as an audit.k8s.io/v1 Policy", rf.container), "--audit-policy-file", &rf.occ, "")
		c.manual(cov, "the audit policy does not parse (manual check)", "--audit-policy-file", &rf.occ)
		return
	}
	failed := 0
	for _, f := range fs {
		if !f.Passed {
			failed++
		}
	}
	c.findings = append(c.findings, fs...)
	msg := fmt.Sprintf("--audit-policy-file=%s parses as an audit Policy with %d rule(s)", rf.container, len(pol.Rules))
	if failed > 0 {
		msg += fmt.Sprintf(" and %d problem(s) reported by the audit package", failed)
	}
	c.emit(r, len(pol.Rules) > 0, msg, "--audit-policy-file", &rf.occ, "")
	// The audit package's lint is the automated side of 3.2.2: its failed
	// findings are added as extra findings (positioned in the policy).
	lintFailed := 0
	for _, f := range audit.Lint(pol, audit.Options{}) {
		if !f.Passed {
			lintFailed++
			c.findings = append(c.findings, f)
		}
	}
	c.manual(cov, fmt.Sprintf("review the policy (manual check); automated view: %s; the audit package's lint reports %d problem(s)", auditCoverage(pol), lintFailed), "--audit-policy-file", &rf.occ)
}

// auditCoverage summarises the levels the policy applies to the 3.2.2
// concerns, with the audit package's evaluator.
func auditCoverage(p *audit.Policy) string {
	user := &audit.User{Name: "alice", Groups: []string{"system:authenticated"}}
	probes := []struct {
		label string
		req   audit.Request
	}{
		{"get secrets", audit.Request{User: user, Verb: "get", ResourceRequest: true, APIVersion: "v1", Resource: "secrets", Namespace: "default"}},
		{"get configmaps", audit.Request{User: user, Verb: "get", ResourceRequest: true, APIVersion: "v1", Resource: "configmaps", Namespace: "default"}},
		{"create tokenreviews", audit.Request{User: user, Verb: "create", ResourceRequest: true, APIGroup: "authentication.k8s.io", APIVersion: "v1", Resource: "tokenreviews"}},
		{"create pods", audit.Request{User: user, Verb: "create", ResourceRequest: true, APIVersion: "v1", Resource: "pods", Namespace: "default"}},
		{"update deployments", audit.Request{User: user, Verb: "update", ResourceRequest: true, APIGroup: "apps", APIVersion: "v1", Resource: "deployments", Namespace: "default"}},
		{"pods/exec", audit.Request{User: user, Verb: "create", ResourceRequest: true, APIVersion: "v1", Resource: "pods", Subresource: "exec", Namespace: "default"}},
		{"pods/portforward", audit.Request{User: user, Verb: "create", ResourceRequest: true, APIVersion: "v1", Resource: "pods", Subresource: "portforward", Namespace: "default"}},
		{"pods/proxy", audit.Request{User: user, Verb: "get", ResourceRequest: true, APIVersion: "v1", Resource: "pods", Subresource: "proxy", Namespace: "default"}},
		{"services/proxy", audit.Request{User: user, Verb: "get", ResourceRequest: true, APIVersion: "v1", Resource: "services", Subresource: "proxy", Namespace: "default"}},
	}
	parts := make([]string, 0, len(probes))
	for _, pr := range probes {
		d := audit.Evaluate(p, pr.req)
		s := fmt.Sprintf("%s=%s", pr.label, d.Level)
		if pr.req.Resource == "secrets" && (d.Level == audit.LevelRequest || d.Level == audit.LevelRequestResponse) {
			s += " (secret values end up in the log)"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// webhookBackendSecure reads a webhook kubeconfig: every cluster server
// must be https and TLS verification must stay on.
func webhookBackendSecure(file string, data []byte) (bool, string) {
	d, err := singleDoc(file, data)
	if err != nil {
		return false, fmt.Sprintf("the kubeconfig %s does not decode: %v", file, err)
	}
	var kc struct {
		Clusters []struct {
			Name    string `json:"name"`
			Cluster struct {
				Server                string `json:"server"`
				InsecureSkipTLSVerify bool   `json:"insecure-skip-tls-verify"`
			} `json:"cluster"`
		} `json:"clusters"`
	}
	if err := json.Unmarshal(d.JSON, &kc); err != nil {
		return false, fmt.Sprintf("the kubeconfig %s does not decode: %v", file, err)
	}
	if len(kc.Clusters) == 0 {
		return false, fmt.Sprintf("the kubeconfig %s names no cluster (backend)", file)
	}
	var bad []string
	for _, cl := range kc.Clusters {
		if !strings.HasPrefix(cl.Cluster.Server, "https://") {
			bad = append(bad, fmt.Sprintf("server %q is not https", cl.Cluster.Server))
		}
		if cl.Cluster.InsecureSkipTLSVerify {
			bad = append(bad, fmt.Sprintf("cluster %q sets insecure-skip-tls-verify", cl.Name))
		}
	}
	if len(bad) > 0 {
		return false, fmt.Sprintf("image policy backend in %s: %s", file, strings.Join(bad, "; "))
	}
	return true, fmt.Sprintf("image policy backend in %s is reached over verified https", file)
}
