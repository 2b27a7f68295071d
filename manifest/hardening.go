package manifest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kubeharden/kubeharden"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const helpDashboard = "https://github.com/kubernetes-retired/dashboard/blob/master/docs/common/dashboard-arguments.md"

var (
	ruleWritableHostPath = rule("WritableHostPath", "Container mounts a hostPath writable", risk, medium, -3, helpPSS,
		"A container mounts a hostPath volume without readOnly: true, so it can modify files on the node (plant binaries, alter configuration, fill the disk).",
		"set readOnly: true on the volumeMount, or replace the hostPath volume")
	ruleSandboxedRuntime = rule("SandboxedRuntime", "Runs in a sandboxed runtime", hardening, info, 1, helpRuntimeClass,
		"spec.runtimeClassName names a sandboxed runtime (gVisor runsc, Kata Containers), which puts a user-space or VM kernel between the pod and the node's kernel. Credit only: pods on the default runtime get no finding. The RuntimeClass itself is usually not in the input, so the name is matched: runsc, gvisor (anywhere in the name), a kata prefix, or Options.SandboxRuntimeClasses.",
		"run untrusted workloads with spec.runtimeClassName set to a gVisor or Kata RuntimeClass")
	ruleLocalhostProfile = rule("LocalhostProfile", "Localhost seccomp/AppArmor profile named", check, info, 0, helpSeccomp,
		"A Localhost seccomp or AppArmor profile must name the profile (localhostProfile, or localhost/<name> in the legacy annotations). Passed findings name each container's profile so that the profile itself can be analysed.",
		"set localhostProfile to the profile's name")
	ruleDashboardDeployed = rule("DashboardDeployed", "Kubernetes Dashboard deployed", check, info, 0, helpDashboard,
		"The workload runs the Kubernetes Dashboard, which was archived in January 2026 (kubernetes-retired/dashboard) and no longer gets fixes; Headlamp is the recommended replacement.",
		"replace the dashboard with a maintained UI, or restrict it to kubectl proxy / port-forward access")
	ruleDashboardSkipLogin = rule("DashboardSkipLogin", "Dashboard login can be skipped", risk, high, -9, helpDashboard,
		"--enable-skip-login shows a Skip button: anyone who reaches the UI acts with the dashboard's own ServiceAccount.",
		"remove --enable-skip-login")
	ruleDashboardInsecureLogin = rule("DashboardInsecureLogin", "Dashboard login over plain HTTP", risk, high, -9, helpDashboard,
		"--enable-insecure-login allows logging in over HTTP, and an --insecure-bind-address other than 127.0.0.1 serves the insecure port beyond localhost: tokens travel in clear text.",
		"remove --enable-insecure-login and --insecure-bind-address; serve the UI over TLS only")
	ruleDashboardWeakAuth = rule("DashboardWeakAuth", "Dashboard authentication weakened", risk, medium, -3, helpDashboard,
		"--token-ttl=0 (tokens never expire), --disable-settings-authorizer, --disable-csrf-protection or --authentication-mode with basic weaken the dashboard's authentication.",
		"remove the flag")
	ruleDashboardExposed = rule("DashboardExposed", "Dashboard exposed outside the cluster", risk, high, -9, helpDashboard,
		"A Service selecting the Kubernetes Dashboard is of type NodePort or LoadBalancer or has externalIPs: the UI is reachable from outside the cluster.",
		"use type ClusterIP and reach the dashboard through kubectl port-forward or an authenticating proxy", "kubescape C-0014")
	ruleDashboardAdminBinding = rule("DashboardAdminBinding", "Dashboard bound to an admin role", risk, critical, -30, helpDashboard,
		"The dashboard's ServiceAccount (kubernetes-dashboard) is bound to cluster-admin, admin or edit: with skip-login or a stolen session, the UI administers the cluster.",
		"bind the dashboard's ServiceAccount only to the minimal Role of the recommended install and let users log in with their own tokens", "kubescape C-0014")
)

var hardeningRules = []*kubeharden.Rule{
	&ruleWritableHostPath, &ruleSandboxedRuntime, &ruleLocalhostProfile,
	&ruleDashboardDeployed, &ruleDashboardSkipLogin, &ruleDashboardInsecureLogin, &ruleDashboardWeakAuth,
	&ruleDashboardExposed, &ruleDashboardAdminBinding,
}

func checkWritableHostPath(s *scanner, r *kubeharden.Rule, p *podCtx) {
	var hostVols []string
	for i := range p.spec.Volumes {
		if p.spec.Volumes[i].HostPath != nil {
			hostVols = append(hostVols, p.spec.Volumes[i].Name)
		}
	}
	if len(hostVols) == 0 {
		return
	}
	for i := range p.containers {
		c := &p.containers[i]
		for j, m := range c.mounts {
			if m.ReadOnly || !slices.Contains(hostVols, m.Name) {
				continue
			}
			mp := c.path + ".volumeMounts[" + strconv.Itoa(j) + "]"
			f := s.fail(r, fmt.Sprintf("container %s mounts the hostPath volume %q at %s writable", c, m.Name, m.MountPath), mp+".readOnly",
				"set "+mp+".readOnly: true")
			s.patch(f, kubeharden.PatchOp{Op: "add", Path: pointer(mp) + "/readOnly", Value: true})
		}
	}
}

// checkSandboxedRuntime gives credit for a sandboxed runtime. A pod on the
// default runtime gets no finding: sandboxing is advice for untrusted
// workloads, not a requirement for every workload.
func checkSandboxedRuntime(s *scanner, r *kubeharden.Rule, p *podCtx) {
	rc := p.spec.RuntimeClassName
	if rc != nil && (sandboxHandler(*rc) || (s.opts != nil && slices.Contains(s.opts.sandboxes, *rc))) {
		s.pass(r, "the pod runs in the sandboxed runtime class "+strconv.Quote(*rc), p.path+".runtimeClassName")
	}
}

// isDashboard recognises the Kubernetes Dashboard by image, the label
// k8s-app: kubernetes-dashboard or its ServiceAccount name.
func isDashboard(p *podCtx, objLabels map[string]string) bool {
	if p.labels["k8s-app"] == "kubernetes-dashboard" || objLabels["k8s-app"] == "kubernetes-dashboard" ||
		p.spec.ServiceAccountName == "kubernetes-dashboard" {
		return true
	}
	for i := range p.containers {
		if dashboardImage(p.containers[i].image) {
			return true
		}
	}
	return false
}

func dashboardImage(image string) bool {
	return strings.Contains(image, "kubernetesui/dashboard") || strings.Contains(image, "/kubernetes-dashboard")
}

// flagValue splits "--name=value" or "--name".
func flagValue(arg string) (name, value string, hasValue bool) {
	name, value, hasValue = strings.Cut(arg, "=")
	return name, value, hasValue
}

func truthy(value string, hasValue bool) bool {
	if !hasValue {
		return true
	}
	b, err := strconv.ParseBool(value)
	return err == nil && b
}

func checkDashboard(s *scanner, p *podCtx, objMeta *metav1.ObjectMeta) {
	var objLabels map[string]string
	if objMeta != nil {
		objLabels = objMeta.Labels
	}
	if !isDashboard(p, objLabels) {
		return
	}
	s.fail(&ruleDashboardDeployed, "the workload runs the archived Kubernetes Dashboard", p.path, "")
	for i := range p.containers {
		c := &p.containers[i]
		for _, l := range [2]struct {
			list string
			vals []string
		}{{"command", c.command}, {"args", c.args}} {
			for j, a := range l.vals {
				dashboardFlag(s, c, a, c.path+"."+l.list+"["+strconv.Itoa(j)+"]", c.path+"."+l.list)
			}
		}
	}
}

func dashboardFlag(s *scanner, c *ctr, a, fp, list string) {
	name, value, hasValue := flagValue(a)
	switch name {
	case "--enable-skip-login":
		if truthy(value, hasValue) {
			s.fail(&ruleDashboardSkipLogin, "container "+c.String()+" runs the dashboard with "+a, fp, "remove "+a+" from "+list)
		}
	case "--enable-insecure-login":
		if truthy(value, hasValue) {
			s.fail(&ruleDashboardInsecureLogin, "container "+c.String()+" runs the dashboard with "+a, fp, "remove "+a+" from "+list)
		}
	case "--insecure-bind-address":
		if value != "127.0.0.1" && value != "localhost" && value != "::1" {
			s.fail(&ruleDashboardInsecureLogin, "container "+c.String()+" serves the dashboard's HTTP port on "+strconv.Quote(value), fp, "remove "+a+" from "+list)
		}
	case "--token-ttl":
		if value == "0" {
			s.fail(&ruleDashboardWeakAuth, "container "+c.String()+": --token-ttl=0 makes login tokens never expire", fp, "remove "+a+" from "+list)
		}
	case "--disable-settings-authorizer", "--disable-csrf-protection":
		if truthy(value, hasValue) {
			s.fail(&ruleDashboardWeakAuth, "container "+c.String()+" runs the dashboard with "+a, fp, "remove "+a+" from "+list)
		}
	case "--authentication-mode":
		if slices.Contains(strings.Split(value, ","), "basic") {
			s.fail(&ruleDashboardWeakAuth, "container "+c.String()+" enables basic authentication ("+a+")", fp, "use --authentication-mode=token")
		}
	}
}

// dashboardService reports a Service that exposes the dashboard outside
// the cluster.
func dashboardService(s *scanner, o *corev1.Service) {
	if o.Spec.Selector["k8s-app"] != "kubernetes-dashboard" && !strings.Contains(o.Name, "kubernetes-dashboard") {
		return
	}
	switch {
	case o.Spec.Type == corev1.ServiceTypeNodePort || o.Spec.Type == corev1.ServiceTypeLoadBalancer:
		s.fail(&ruleDashboardExposed, "the Service exposes the Kubernetes Dashboard as type "+string(o.Spec.Type), "spec.type", "set spec.type: ClusterIP")
	case len(o.Spec.ExternalIPs) > 0:
		s.fail(&ruleDashboardExposed, "the Service exposes the Kubernetes Dashboard on externalIPs", "spec.externalIPs", "remove spec.externalIPs")
	default:
		s.pass(&ruleDashboardExposed, "the dashboard's Service is cluster-internal", "spec.type")
	}
}

var adminRoles = []string{"cluster-admin", "admin", "edit"}

// dashboardBinding reports the dashboard's ServiceAccount bound to an
// admin role.
func dashboardBinding(s *scanner, o *object) {
	if o.roleRef.Kind != "ClusterRole" || !slices.Contains(adminRoles, o.roleRef.Name) {
		return
	}
	for i, sub := range o.subjects {
		if sub.Kind == "ServiceAccount" && sub.Name == "kubernetes-dashboard" {
			s.fail(&ruleDashboardAdminBinding, fmt.Sprintf("the binding gives the dashboard's ServiceAccount %s/%s the ClusterRole %s", sub.Namespace, sub.Name, o.roleRef.Name),
				"subjects["+strconv.Itoa(i)+"]", "remove subjects["+strconv.Itoa(i)+"] and grant the dashboard only its own minimal Role")
		}
	}
}
