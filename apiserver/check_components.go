package apiserver

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
)

func (c *evalCtx) checkControllerManager() {
	r := cisRule("TerminatedPodGCThreshold")
	if v, set, err := c.f.Int("terminated-pod-gc-threshold", 12500); !set {
		desc, o := c.describe("terminated-pod-gc-threshold", "12500")
		c.emit(r, false, desc+"; CIS asks for a value chosen for the cluster", "--terminated-pod-gc-threshold", o, c.addFix("terminated-pod-gc-threshold", "10"))
	} else {
		desc, o := c.describe("terminated-pod-gc-threshold", "")
		switch {
		case err != nil:
			c.emit(r, false, desc+": "+err.Error(), "--terminated-pod-gc-threshold", o, "")
		case v <= 0:
			c.emit(r, false, desc+": a value of 0 or less disables the terminated-pod garbage collector", "--terminated-pod-gc-threshold", o, c.addFix("terminated-pod-gc-threshold", "10"))
		default:
			c.emit(r, true, desc, "--terminated-pod-gc-threshold", o, "")
		}
	}
	c.checkBool(cisRule("ControllerManagerProfiling"), "profiling", true, false)
	c.checkBool(cisRule("UseServiceAccountCredentials"), "use-service-account-credentials", false, true)
	c.checkPresent(cisRule("ServiceAccountPrivateKeyFile"), "service-account-private-key-file")
	c.checkPresent(cisRule("RootCAFile"), "root-ca-file")
	c.checkGate(cisRule("RotateKubeletServerCertificate"), "RotateKubeletServerCertificate", true)
	c.checkLoopback(cisRule("ControllerManagerBindAddress"), "bind-address", "0.0.0.0")
}

func (c *evalCtx) checkGate(r kubeharden.Rule, gate string, def bool) {
	m, _, err := c.f.Map("feature-gates")
	o, found := c.f.MapSource("feature-gates", gate)
	v, ok := m[gate]
	fix := fmt.Sprintf("remove %s=false from --feature-gates", gate)
	switch {
	case found && ok:
		c.emit(r, v == def, fmt.Sprintf("--feature-gates sets %s=%v (%s)", gate, v, c.where(o)), "--feature-gates", &o, fix)
	case found:
		c.emit(r, false, fmt.Sprintf("--feature-gates has an invalid %s entry (%s): %v", gate, c.where(o), err), "--feature-gates", &o, fix)
	default:
		var op *Occurrence
		if lo, ok := c.f.Last("feature-gates"); ok {
			op = &lo
		}
		c.emit(r, def, fmt.Sprintf("%s is not set in --feature-gates, so its default %v applies", gate, def), "--feature-gates", op, fix)
	}
}

func (c *evalCtx) checkScheduler() {
	r := cisRule("SchedulerProfiling")
	if c.f.Has("config") {
		ignored := []string{}
		for _, fl := range []string{"profiling", "contention-profiling", "kubeconfig", "kube-api-qps", "kube-api-burst", "kube-api-content-type"} {
			if c.f.Has(fl) {
				ignored = append(ignored, "--"+fl)
			}
		}
		if len(ignored) > 0 {
			o, _ := c.f.Last(strings.TrimPrefix(ignored[0], "--"))
			c.emit(RuleSchedulerConfigProfiling, false, fmt.Sprintf("kube-scheduler runs with --config, so %s %s ignored", strings.Join(ignored, ", "), plural(len(ignored), "is", "are")), ignored[0], &o, "")
		}
		rf, _ := c.readRef("config")
		if rf.err != nil {
			c.emit(r, false, fmt.Sprintf("could not evaluate: kube-scheduler runs with --config=%s, which decides profiling, and the file could not be read", rf.container), "--config", &rf.occ, "")
		} else {
			enabled, line, err := schedulerProfiling(rf.host, rf.data)
			switch {
			case err != nil:
				c.inputError(rf, err)
			case enabled:
				c.emit(r, false, fmt.Sprintf("enableProfiling is %s in the KubeSchedulerConfiguration %s (--profiling is ignored under --config)", line, rf.host), "--config", &rf.occ, "set enableProfiling: false in "+rf.host)
			default:
				c.emit(r, true, fmt.Sprintf("enableProfiling is false in the KubeSchedulerConfiguration %s", rf.host), "--config", &rf.occ, "")
			}
		}
	} else {
		c.checkBool(r, "profiling", true, false)
	}
	c.checkLoopback(cisRule("SchedulerBindAddress"), "bind-address", "0.0.0.0")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// schedulerProfiling reads enableProfiling (default true) from a
// KubeSchedulerConfiguration.
func schedulerProfiling(source string, data []byte) (bool, string, error) {
	d, err := singleDoc(source, data)
	if err != nil {
		return true, "", err
	}
	if d.Meta.Kind != "KubeSchedulerConfiguration" {
		return true, "", d.Error(fmt.Errorf("%w: want KubeSchedulerConfiguration, found %q", ErrWrongKind, d.Meta.Kind), "kind")
	}
	var v struct {
		EnableProfiling *bool `json:"enableProfiling"`
	}
	if err := json.Unmarshal(d.JSON, &v); err != nil {
		return true, "", d.Error(fmt.Errorf("%w: %w", decode.ErrType, err), "enableProfiling")
	}
	if v.EnableProfiling == nil {
		return true, "absent (default true)", nil
	}
	return *v.EnableProfiling, fmt.Sprint(*v.EnableProfiling), nil
}

// etcdConfigKeys maps etcd --config-file keys to flag names.
var etcdConfigKeys = map[string]map[string]string{
	"client-transport-security": {"cert-file": "cert-file", "key-file": "key-file", "client-cert-auth": "client-cert-auth", "trusted-ca-file": "trusted-ca-file", "auto-tls": "auto-tls"},
	"peer-transport-security":   {"cert-file": "peer-cert-file", "key-file": "peer-key-file", "client-cert-auth": "peer-client-cert-auth", "trusted-ca-file": "peer-trusted-ca-file", "auto-tls": "peer-auto-tls"},
}

// etcdFromConfigFile replaces the flags with the values of --config-file:
// when it is given etcd ignores other flags and ETCD_* variables.
func (c *evalCtx) etcdFromConfigFile() {
	rf, ok := c.readRef("config-file")
	if !ok || rf.err != nil {
		return
	}
	d, err := singleDoc(rf.host, rf.data)
	if err != nil {
		c.inputError(rf, err)
		return
	}
	var m map[string]any
	if err := json.Unmarshal(d.JSON, &m); err != nil {
		c.inputError(rf, d.Error(fmt.Errorf("%w: %w", decode.ErrType, err), ""))
		return
	}
	nf := &Flags{Component: Etcd, Argv: c.f.Argv, occ: map[string][]Occurrence{}, Problems: c.f.Problems}
	nf.occ["config-file"] = c.f.occ["config-file"]
	src := "config-file " + rf.host
	set := func(name, key string, v any) {
		s := ""
		switch x := v.(type) {
		case string:
			s = x
		case bool:
			s = fmt.Sprint(x)
		case float64:
			s = fmt.Sprint(x)
		default:
			return
		}
		nf.occ[name] = []Occurrence{{Name: name, Value: s, Arg: -1, ValueArg: -1, Env: src + " key " + key}}
	}
	for k, v := range m {
		if sub, ok := etcdConfigKeys[k]; ok {
			if mm, ok := v.(map[string]any); ok {
				for sk, sv := range mm {
					if name, ok := sub[sk]; ok {
						set(name, k+"."+sk, sv)
					}
				}
			}
			continue
		}
		set(k, k, v)
	}
	c.f = nf
}

func (c *evalCtx) checkEtcd() {
	if c.f.Has("config-file") {
		c.etcdFromConfigFile()
	}
	urls, _ := c.f.String("listen-client-urls", "http://localhost:2379")
	desc, o := c.describe("listen-client-urls", "http://localhost:2379")
	var plain []string
	for _, u := range strings.Split(urls, ",") {
		if strings.HasPrefix(strings.TrimSpace(u), "http://") {
			plain = append(plain, strings.TrimSpace(u))
		}
	}
	n := len(c.findings)
	c.checkPresent(cisRule("EtcdCertFile"), "cert-file", "key-file")
	if len(plain) > 0 {
		// Certificates apply to https URLs only (CIS 2.1 effective
		// expectation: both files set and clients served over https).
		f := &c.findings[n]
		f.Message += "; but " + desc + " serves plaintext on " + strings.Join(plain, ", ")
		if f.Passed {
			f.Passed = false
			f.Fix = "use https:// for every --listen-client-urls entry"
		}
		c.emit(RuleEtcdPlaintextClientURL, false, desc+"; plaintext listener(s): "+strings.Join(plain, ", "), "--listen-client-urls", o, "")
	} else {
		c.emit(RuleEtcdPlaintextClientURL, true, desc, "--listen-client-urls", o, "")
	}
	c.checkBool(cisRule("EtcdClientCertAuth"), "client-cert-auth", false, true)
	c.checkBool(cisRule("EtcdAutoTLS"), "auto-tls", false, false)
	c.checkPresent(cisRule("EtcdPeerCertFile"), "peer-cert-file", "peer-key-file")
	c.checkBool(cisRule("EtcdPeerClientCertAuth"), "peer-client-cert-auth", false, true)
	c.checkBool(cisRule("EtcdPeerAutoTLS"), "peer-auto-tls", false, false)
	r := cisRule("EtcdUniqueCA")
	ca, set := c.f.String("trusted-ca-file", "")
	desc, o = c.describe("trusted-ca-file", "")
	switch {
	case !set || ca == "":
		c.emit(r, false, desc+": etcd trusts no client CA", "--trusted-ca-file", o, c.addFix("trusted-ca-file", "/etc/kubernetes/pki/etcd/ca.crt"))
	case c.apiClientCAKnown && c.apiClientCA == ca:
		c.emit(r, false, desc+": the same file as kube-apiserver's --client-ca-file, so every cluster client certificate can reach etcd", "--trusted-ca-file", o, "give etcd its own CA (kubeadm: /etc/kubernetes/pki/etcd/ca.crt)")
	case c.apiClientCAKnown:
		c.emit(r, true, desc+fmt.Sprintf(", distinct from kube-apiserver's --client-ca-file %s", c.apiClientCA), "--trusted-ca-file", o, "")
	default:
		c.emit(r, true, desc+" (not compared with kube-apiserver's --client-ca-file: that manifest is not part of this scan)", "--trusted-ca-file", o, "")
	}
}
