package manifest

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/kubeharden/kubeharden"
	corev1 "k8s.io/api/core/v1"
)

// scanner collects the findings of one object.
type scanner struct {
	findings []kubeharden.Finding
	opts     *scanOpts
}

// patch attaches a JSON Patch to f unless the caller asked for none.
func (s *scanner) patch(f *kubeharden.Finding, ops ...kubeharden.PatchOp) {
	if !s.opts.noPatches {
		f.Patch = ops
	}
}

func (s *scanner) fail(r *kubeharden.Rule, msg, path, fix string) *kubeharden.Finding {
	f := r.Fail(msg, path)
	if fix != "" {
		f.Fix = fix
	}
	s.findings = append(s.findings, f)
	return &s.findings[len(s.findings)-1]
}

func (s *scanner) pass(r *kubeharden.Rule, msg, path string) {
	s.findings = append(s.findings, r.Pass(msg, path))
}

// podCheck is one rule's check over a pod spec; container checks get the
// pod's containers (init, regular and ephemeral) with effective values.
type podCheck struct {
	rule *kubeharden.Rule
	run  func(s *scanner, r *kubeharden.Rule, p *podCtx)
}

// podChecks are the rules on pod templates, in report order. The table is
// never mutated.
var podChecks = []podCheck{
	{&ruleHostNetwork, hostNamespace("hostNetwork", func(p *corev1.PodSpec) bool { return p.HostNetwork })},
	{&ruleHostPID, hostNamespace("hostPID", func(p *corev1.PodSpec) bool { return p.HostPID })},
	{&ruleHostIPC, hostNamespace("hostIPC", func(p *corev1.PodSpec) bool { return p.HostIPC })},
	{&rulePrivileged, checkPrivileged},
	{&ruleDangerousCapability, checkCapabilities},
	{&ruleContainerRuntimeSocket, checkHostPaths},
	{&ruleWritableHostPath, checkWritableHostPath},
	{&ruleHostAliases, checkHostAliases},
	{&rulePrivilegeEscalation, checkPrivilegeEscalation},
	{&ruleRunAsRoot, checkRunAsRoot},
	{&ruleRootGroup, checkRootGroup},
	{&ruleProcMountUnmasked, checkProcMount},
	{&ruleSeccompUnconfined, checkSeccomp},
	{&ruleAppArmorUnconfined, checkAppArmor},
	{&ruleSecretInEnv, checkSecretEnv},
	{&ruleHostPort, checkHostPort},
	{&ruleUnsafeSysctl, checkSysctls},
	{&ruleSELinuxOptions, checkSELinux},
	{&ruleWindowsHostProcess, checkHostProcess},
	{&ruleProbeHost, checkProbeHosts},
	{&ruleImageTagMissing, checkImages},
	{&ruleReadOnlyRootFilesystem, allContainers(func(c *ctr, _ *podCtx) (bool, string) {
		return c.sc != nil && c.sc.ReadOnlyRootFilesystem != nil && *c.sc.ReadOnlyRootFilesystem, "does not set readOnlyRootFilesystem: true"
	}, func(c *ctr, _ *podCtx) string {
		return "set " + c.scPath + ".readOnlyRootFilesystem: true"
	})},
	{&ruleRunAsNonRoot, allContainers(func(c *ctr, p *podCtx) (bool, string) {
		if v, _ := c.runAsNonRoot(p); v != nil && *v {
			return true, ""
		}
		if v, _ := c.runAsUser(p); v != nil && *v > 0 {
			return true, ""
		}
		return false, "may run as root: neither runAsNonRoot: true nor a non-zero runAsUser applies to it"
	}, func(_ *ctr, p *podCtx) string { return "set " + p.path + ".securityContext.runAsNonRoot: true" })},
	{&ruleRunAsHighUID, allContainers(func(c *ctr, p *podCtx) (bool, string) {
		v, _ := c.runAsUser(p)
		if v != nil && *v > 10000 {
			return true, ""
		}
		return false, "does not run with a runAsUser above 10000" + valueNote(v)
	}, func(_ *ctr, p *podCtx) string {
		return "set " + p.path + ".securityContext.runAsUser to a UID above 10000"
	})},
	{&ruleRunAsHighGID, allContainers(func(c *ctr, p *podCtx) (bool, string) {
		v, _ := c.runAsGroup(p)
		if v != nil && *v > 10000 {
			return true, ""
		}
		return false, "does not run with a runAsGroup above 10000" + valueNote(v)
	}, func(_ *ctr, p *podCtx) string {
		return "set " + p.path + ".securityContext.runAsGroup to a GID above 10000"
	})},
	{&ruleCapDropAny, allContainers(func(c *ctr, _ *podCtx) (bool, string) {
		if c.sc != nil && c.sc.Capabilities != nil && slices.ContainsFunc(c.sc.Capabilities.Drop, func(x corev1.Capability) bool { return x != "" }) {
			return true, ""
		}
		return false, "drops no capability"
	}, func(c *ctr, _ *podCtx) string { return "set " + c.scPath + ".capabilities.drop: [ALL]" })},
	{&ruleCapDropAll, allContainers(func(c *ctr, _ *podCtx) (bool, string) {
		if c.sc == nil || c.sc.Capabilities == nil || !slices.ContainsFunc(c.sc.Capabilities.Drop, func(x corev1.Capability) bool { return normCap(x) == "ALL" }) {
			return false, "does not drop ALL capabilities"
		}
		var back []string
		for _, a := range c.sc.Capabilities.Add {
			if normCap(a) != "NET_BIND_SERVICE" {
				back = append(back, string(a))
			}
		}
		if len(back) > 0 {
			return false, "drops ALL capabilities but adds back " + strings.Join(back, ", ")
		}
		return true, ""
	}, func(c *ctr, _ *podCtx) string {
		return "set " + c.scPath + ".capabilities.drop: [ALL] and add back only NET_BIND_SERVICE if needed"
	})},
	{&ruleRequestsCPU, resourceCheck(false, corev1.ResourceCPU)},
	{&ruleLimitsCPU, resourceCheck(true, corev1.ResourceCPU)},
	{&ruleRequestsMemory, resourceCheck(false, corev1.ResourceMemory)},
	{&ruleLimitsMemory, resourceCheck(true, corev1.ResourceMemory)},
	{&ruleServiceAccountName, checkServiceAccount},
	{&ruleSandboxedRuntime, checkSandboxedRuntime},
	{&ruleAutomountServiceAccountToken, func(s *scanner, r *kubeharden.Rule, p *podCtx) {
		if v := p.spec.AutomountServiceAccountToken; v != nil && !*v {
			s.pass(r, "the service account token is not mounted", p.path+".automountServiceAccountToken")
			return
		}
		s.fail(r, "the pod mounts a service account token (automountServiceAccountToken is not false)", p.path+".automountServiceAccountToken",
			"set "+p.path+".automountServiceAccountToken: false")
	}},
	{&ruleUserNamespace, func(s *scanner, r *kubeharden.Rule, p *podCtx) {
		if v := p.spec.HostUsers; v != nil && !*v {
			s.pass(r, "the pod runs in a user namespace", p.path+".hostUsers")
			return
		}
		s.fail(r, "the pod shares the host's user namespace (hostUsers is not false)", p.path+".hostUsers", "set "+p.path+".hostUsers: false")
	}},
}

// podCtx is a pod spec with its containers resolved.
type podCtx struct {
	spec *corev1.PodSpec
	psc  *corev1.PodSecurityContext // never nil
	path string
	// annotations of the pod template (legacy seccomp/AppArmor).
	annotations map[string]string
	labels      map[string]string
	containers  []ctr
}

type ctrKind uint8

const (
	initContainer ctrKind = iota
	regularContainer
	ephemeralContainer
)

// ctr is one container of any of the three lists.
type ctr struct {
	kind      ctrKind
	name      string
	label     string // `"app"`, `"init" (init container)`
	path      string // "spec.containers[0]"
	scPath    string // path + ".securityContext"
	sc        *corev1.SecurityContext
	resources *corev1.ResourceRequirements
	env       []corev1.EnvVar
	envFrom   []corev1.EnvFromSource
	ports     []corev1.ContainerPort
	probes    [3]*corev1.Probe
	lifecycle *corev1.Lifecycle
	image     string
	pull      corev1.PullPolicy
	command   []string
	args      []string
	mounts    []corev1.VolumeMount
}

func (c *ctr) String() string { return c.label }

func containerLabel(kind ctrKind, name string) string {
	switch kind {
	case initContainer:
		return strconv.Quote(name) + " (init container)"
	case ephemeralContainer:
		return strconv.Quote(name) + " (ephemeral container)"
	}
	return strconv.Quote(name)
}

var emptyPSC corev1.PodSecurityContext

func newPodCtx(v *podView) *podCtx {
	p := &podCtx{spec: v.spec, psc: v.spec.SecurityContext, path: v.path, annotations: v.meta.Annotations, labels: v.meta.Labels}
	if p.psc == nil {
		p.psc = &emptyPSC
	}
	n := len(v.spec.InitContainers) + len(v.spec.Containers) + len(v.spec.EphemeralContainers)
	p.containers = make([]ctr, 0, n)
	add := func(kind ctrKind, list string, i int, c *corev1.Container) {
		path := v.path + "." + list + "[" + strconv.Itoa(i) + "]"
		p.containers = append(p.containers, ctr{kind: kind, name: c.Name, label: containerLabel(kind, c.Name), path: path, scPath: path + ".securityContext",
			sc: c.SecurityContext, resources: &c.Resources, env: c.Env, envFrom: c.EnvFrom, ports: c.Ports,
			probes: [3]*corev1.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe}, lifecycle: c.Lifecycle,
			image: c.Image, pull: c.ImagePullPolicy, command: c.Command, args: c.Args, mounts: c.VolumeMounts})
	}
	for i := range v.spec.InitContainers {
		add(initContainer, "initContainers", i, &v.spec.InitContainers[i])
	}
	for i := range v.spec.Containers {
		add(regularContainer, "containers", i, &v.spec.Containers[i])
	}
	for i := range v.spec.EphemeralContainers {
		c := (*corev1.Container)(&v.spec.EphemeralContainers[i].EphemeralContainerCommon)
		add(ephemeralContainer, "ephemeralContainers", i, c)
	}
	return p
}

// Effective values: the container's own field wins; otherwise the pod's.
// The second result is the field path the value came from ("" if unset).

// source is where an effective value comes from; path renders its field
// path only when a finding needs it.
type source struct {
	base, field string
}

func (s source) path() string { return s.base + ".securityContext." + s.field }

func (c *ctr) runAsUser(p *podCtx) (*int64, source) {
	if c.sc != nil && c.sc.RunAsUser != nil {
		return c.sc.RunAsUser, source{c.path, "runAsUser"}
	}
	return p.psc.RunAsUser, source{p.path, "runAsUser"}
}

func (c *ctr) runAsGroup(p *podCtx) (*int64, source) {
	if c.sc != nil && c.sc.RunAsGroup != nil {
		return c.sc.RunAsGroup, source{c.path, "runAsGroup"}
	}
	return p.psc.RunAsGroup, source{p.path, "runAsGroup"}
}

func (c *ctr) runAsNonRoot(p *podCtx) (*bool, source) {
	if c.sc != nil && c.sc.RunAsNonRoot != nil {
		return c.sc.RunAsNonRoot, source{c.path, "runAsNonRoot"}
	}
	return p.psc.RunAsNonRoot, source{p.path, "runAsNonRoot"}
}

func valueNote(v *int64) string {
	if v == nil {
		return " (unset)"
	}
	return " (it is " + strconv.FormatInt(*v, 10) + ")"
}

func (s *scanner) run(o *object) {
	if o.pod != nil {
		p := newPodCtx(o.pod)
		from := len(s.findings)
		for i := range podChecks {
			podChecks[i].run(s, podChecks[i].rule, p)
		}
		if !s.opts.noPatches {
			s.patchPod(p, from)
		}
		checkDashboard(s, p, o.meta)
		s.checkPSS(o.pod, s.opts)
	}
	if o.hasClaim {
		checkClaims(s, o.claims)
	}
	if o.check != nil {
		o.check(s)
	}
}

func hostNamespace(field string, get func(*corev1.PodSpec) bool) func(*scanner, *kubeharden.Rule, *podCtx) {
	return func(s *scanner, r *kubeharden.Rule, p *podCtx) {
		if get(p.spec) {
			s.fail(r, "the pod sets "+field+": true", p.path+"."+field, "remove "+p.path+"."+field+" (or set it to false)")
		}
	}
}

// allContainers builds a hardening check that passes when every container
// satisfies ok, and otherwise reports each container that does not.
func allContainers(ok func(*ctr, *podCtx) (bool, string), fix func(*ctr, *podCtx) string) func(*scanner, *kubeharden.Rule, *podCtx) {
	return func(s *scanner, r *kubeharden.Rule, p *podCtx) {
		if len(p.containers) == 0 {
			s.fail(r, "the pod has no containers", p.path+".containers", "")
			return
		}
		failed := false
		for i := range p.containers {
			c := &p.containers[i]
			if good, why := ok(c, p); !good {
				failed = true
				s.fail(r, "container "+c.String()+" "+why, c.scPath, fix(c, p))
			}
		}
		if !failed {
			s.pass(r, "every container: "+r.Title, p.path)
		}
	}
}

func checkPrivileged(s *scanner, r *kubeharden.Rule, p *podCtx) {
	for i := range p.containers {
		c := &p.containers[i]
		if c.sc != nil && c.sc.Privileged != nil && *c.sc.Privileged {
			s.fail(r, "container "+c.String()+" runs privileged", c.scPath+".privileged",
				"remove "+c.scPath+".privileged (or set it to false) and add only the capabilities it needs")
		}
	}
}

// normCap normalises a capability name the way container runtimes do:
// upper case, without the CAP_ prefix.
func normCap(c corev1.Capability) string {
	s := strings.ToUpper(strings.TrimSpace(string(c)))
	return strings.TrimPrefix(s, "CAP_")
}

var (
	criticalCaps = []string{"ALL", "SYS_ADMIN"}
	highCaps     = []string{"SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "SYS_BOOT", "DAC_READ_SEARCH", "NET_ADMIN", "BPF", "PERFMON", "MAC_ADMIN", "MAC_OVERRIDE", "NET_RAW"}
	baselineCaps = []string{"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}
)

func checkCapabilities(s *scanner, r *kubeharden.Rule, p *podCtx) {
	for i := range p.containers {
		c := &p.containers[i]
		if c.sc == nil || c.sc.Capabilities == nil {
			continue
		}
		for j, a := range c.sc.Capabilities.Add {
			n := normCap(a)
			fp := c.scPath + ".capabilities.add[" + strconv.Itoa(j) + "]"
			fix := "remove " + strconv.Quote(string(a)) + " from " + c.scPath + ".capabilities.add"
			switch {
			case slices.Contains(criticalCaps, n):
				what := "SYS_ADMIN"
				if n == "ALL" {
					what = "every capability, SYS_ADMIN included"
				}
				s.fail(r, fmt.Sprintf("container %s adds %q: %s", c, a, what), fp, fix)
			case slices.Contains(highCaps, n):
				f := s.fail(r, fmt.Sprintf("container %s adds the dangerous capability %q", c, a), fp, fix)
				f.Severity, f.Points = high, -9
			case !slices.Contains(baselineCaps, n):
				s.fail(&ruleNonDefaultCapability, fmt.Sprintf("container %s adds %q, which is outside the Pod Security baseline set", c, a), fp, fix)
			}
		}
	}
}

// Host paths. /var/run is a symlink to /run on every current distribution.
var (
	runtimeSockets = []string{"docker.sock", "containerd.sock", "crio.sock", "cri-dockerd.sock", "podman.sock", "dockershim.sock"}
	// known socket locations (after /var/run -> /run): a hostPath that is
	// one of them or an ancestor of one exposes the socket.
	socketPaths = []string{"/run/docker.sock", "/run/containerd/containerd.sock", "/run/crio/crio.sock",
		"/run/cri-dockerd.sock", "/run/podman/podman.sock", "/run/dockershim.sock", "/run/k3s/containerd/containerd.sock",
		"/var/run/docker.sock", "/var/run/containerd/containerd.sock", "/var/run/crio/crio.sock", "/var/run/cri-dockerd.sock"}
	sensitivePaths = []string{"/etc", "/root", "/home", "/proc", "/sys", "/dev", "/boot", "/lib", "/usr", "/var/lib/kubelet", "/etc/kubernetes"}
	criticalPaths  = []string{"/", "/etc/kubernetes", "/var/lib/kubelet"}
)

// cleanHostPath normalises a hostPath path: absolute, no "//", ".", ".."
// or trailing "/".
func cleanHostPath(p string) string {
	return path.Clean("/" + strings.TrimSpace(p))
}

// under reports whether p is dir or below it (by path component).
func under(p, dir string) bool {
	return p == dir || dir == "/" || strings.HasPrefix(p, dir+"/")
}

func isRuntimeSocket(p string) bool {
	q := p
	if under(p, "/var/run") {
		q = "/run" + strings.TrimPrefix(p, "/var/run")
	}
	if under(q, "/run") && slices.Contains(runtimeSockets, path.Base(q)) {
		return true
	}
	for _, s := range socketPaths {
		if under(s, p) {
			return true
		}
	}
	return false
}

func checkHostPaths(s *scanner, r *kubeharden.Rule, p *podCtx) {
	for i := range p.spec.Volumes {
		v := &p.spec.Volumes[i]
		if v.HostPath == nil {
			continue
		}
		hp := cleanHostPath(v.HostPath.Path)
		fp := p.path + ".volumes[" + strconv.Itoa(i) + "].hostPath.path"
		fix := "remove the hostPath volume " + strconv.Quote(v.Name) + " (" + p.path + ".volumes[" + strconv.Itoa(i) + "])"
		if isRuntimeSocket(hp) {
			s.fail(r, fmt.Sprintf("volume %q mounts %s from the host, which exposes a container runtime socket", v.Name, hp), fp,
				fix+"; never give a workload the runtime's API")
		}
		if hp == "/" || slices.ContainsFunc(sensitivePaths, func(d string) bool { return under(hp, d) }) {
			f := s.fail(&ruleSensitiveHostPath, fmt.Sprintf("volume %q mounts the sensitive host path %s", v.Name, hp), fp,
				fix+" or replace it with a configMap, secret, emptyDir or persistentVolumeClaim")
			if slices.ContainsFunc(criticalPaths, func(d string) bool { return under(hp, d) && (d != "/" || hp == "/") }) {
				f.Severity = critical
			}
		}
	}
}

func checkHostAliases(s *scanner, r *kubeharden.Rule, p *podCtx) {
	if len(p.spec.HostAliases) > 0 {
		s.fail(r, fmt.Sprintf("the pod sets %d hostAliases entries", len(p.spec.HostAliases)), p.path+".hostAliases",
			"remove "+p.path+".hostAliases and publish the names through DNS")
	}
}

func checkPrivilegeEscalation(s *scanner, r *kubeharden.Rule, p *podCtx) {
	for i := range p.containers {
		c := &p.containers[i]
		if c.sc != nil && c.sc.Privileged != nil && *c.sc.Privileged {
			continue // reported as PrivilegedContainer, which implies it
		}
		fp := c.scPath + ".allowPrivilegeEscalation"
		fix := "set " + fp + ": false"
		switch {
		case c.sc == nil || c.sc.AllowPrivilegeEscalation == nil:
			f := s.fail(r, "container "+c.String()+" does not set allowPrivilegeEscalation: false, so privilege escalation is allowed", fp, fix)
			f.Severity, f.Points = medium, -3
		case *c.sc.AllowPrivilegeEscalation:
			s.fail(r, "container "+c.String()+" sets allowPrivilegeEscalation: true", fp, fix)
		}
	}
}

func checkRunAsRoot(s *scanner, r *kubeharden.Rule, p *podCtx) {
	userNS := p.spec.HostUsers != nil && !*p.spec.HostUsers
	for i := range p.containers {
		c := &p.containers[i]
		var f *kubeharden.Finding
		uid, uidSrc := c.runAsUser(p)
		nonRoot, nrSrc := c.runAsNonRoot(p)
		switch {
		case uid != nil && *uid == 0:
			uidPath := uidSrc.path()
			f = s.fail(r, "container "+c.String()+" runs as UID 0 (root)", uidPath, "set "+uidPath+" to a non-zero UID (above 10000) and runAsNonRoot: true")
		case nonRoot != nil && !*nonRoot && uid == nil:
			nrPath := nrSrc.path()
			f = s.fail(r, "container "+c.String()+" sets runAsNonRoot: false, so the image may run it as root", nrPath, "set "+nrPath+": true")
		}
		if f != nil && userNS {
			f.Severity = low
			f.Message += " (mapped to an unprivileged host user: hostUsers is false)"
		}
	}
	// A root pod-level default that every container overrides is still
	// reported (as Pod Security's runAsUser check does): a container
	// added later inherits it.
	inherits := func(own func(*corev1.SecurityContext) bool) bool {
		for i := range p.containers {
			if c := &p.containers[i]; c.sc == nil || !own(c.sc) {
				return true
			}
		}
		return false
	}
	if v := p.psc.RunAsUser; v != nil && *v == 0 && !inherits(func(sc *corev1.SecurityContext) bool { return sc.RunAsUser != nil }) && len(p.containers) > 0 {
		fp := p.path + ".securityContext.runAsUser"
		f := s.fail(r, "the pod-level runAsUser is 0 (root); every container overrides it, but a container added later would inherit it", fp, "set "+fp+" to a non-zero UID")
		f.Severity, f.Points = low, -1
	}
	if v := p.psc.RunAsNonRoot; v != nil && !*v && !inherits(func(sc *corev1.SecurityContext) bool { return sc.RunAsNonRoot != nil }) && len(p.containers) > 0 {
		fp := p.path + ".securityContext.runAsNonRoot"
		f := s.fail(r, "the pod-level runAsNonRoot is false; every container overrides it, but a container added later would inherit it", fp, "set "+fp+": true")
		f.Severity, f.Points = low, -1
	}
}

func checkRootGroup(s *scanner, r *kubeharden.Rule, p *podCtx) {
	for i := range p.containers {
		c := &p.containers[i]
		if gid, src := c.runAsGroup(p); gid != nil && *gid == 0 {
			fp := src.path()
			s.fail(r, "container "+c.String()+" runs with GID 0 (root group)", fp, "set "+fp+" to a non-zero GID")
		}
	}
	if g := p.psc.FSGroup; g != nil && *g == 0 {
		fp := p.path + ".securityContext.fsGroup"
		s.fail(r, "the pod's fsGroup is 0 (root group)", fp, "set "+fp+" to a non-zero GID")
	}
	for j, g := range p.psc.SupplementalGroups {
		if g == 0 {
			fp := p.path + ".securityContext.supplementalGroups[" + strconv.Itoa(j) + "]"
			s.fail(r, "the pod's supplementalGroups contain 0 (root group)", fp, "remove 0 from "+p.path+".securityContext.supplementalGroups")
		}
	}
}

func checkProcMount(s *scanner, r *kubeharden.Rule, p *podCtx) {
	userNS := p.spec.HostUsers != nil && !*p.spec.HostUsers
	for i := range p.containers {
		c := &p.containers[i]
		if c.sc != nil && c.sc.ProcMount != nil && *c.sc.ProcMount != corev1.DefaultProcMount {
			fp := c.scPath + ".procMount"
			f := s.fail(r, fmt.Sprintf("container %s sets procMount: %s", c, *c.sc.ProcMount), fp, "remove "+fp+" (or set it to Default)")
			if userNS {
				f.Severity = medium
			}
		}
	}
}

// profile is an effective seccomp or AppArmor profile.
type profile struct {
	typ   string // RuntimeDefault, Localhost, Unconfined or what was written
	named bool   // Localhost with a profile name
	name  string // the Localhost profile's name
	path  string
	set   bool
}

func annotationProfile(v, key string) profile {
	switch {
	case v == "runtime/default" || v == "docker/default":
		return profile{typ: "RuntimeDefault", path: "metadata.annotations[" + key + "]", set: true}
	case v == "unconfined":
		return profile{typ: "Unconfined", path: "metadata.annotations[" + key + "]", set: true}
	case strings.HasPrefix(v, "localhost/"):
		return profile{typ: "Localhost", named: len(v) > len("localhost/"), name: v[len("localhost/"):], path: "metadata.annotations[" + key + "]", set: true}
	}
	return profile{typ: v, path: "metadata.annotations[" + key + "]", set: true}
}

func seccompOf(sp *corev1.SeccompProfile, fp string) profile {
	if sp == nil {
		return profile{}
	}
	pr := profile{typ: string(sp.Type), path: fp, set: true}
	if sp.LocalhostProfile != nil {
		pr.named, pr.name = *sp.LocalhostProfile != "", *sp.LocalhostProfile
	}
	return pr
}

func appArmorOf(ap *corev1.AppArmorProfile, fp string) profile {
	if ap == nil {
		return profile{}
	}
	pr := profile{typ: string(ap.Type), path: fp, set: true}
	if ap.LocalhostProfile != nil {
		pr.named, pr.name = *ap.LocalhostProfile != "", *ap.LocalhostProfile
	}
	return pr
}

const (
	seccompPodAnnotation       = "seccomp.security.alpha.kubernetes.io/pod"
	seccompContainerAnnotation = "container.seccomp.security.alpha.kubernetes.io/"
	appArmorAnnotation         = "container.apparmor.security.beta.kubernetes.io/"
)

func (p *podCtx) annotationPath(key string) string {
	base := strings.TrimSuffix(p.path, ".spec") // spec.template or the Pod's root
	if p.path == "spec" {
		base = ""
	}
	if base == "" {
		return "metadata.annotations[" + key + "]"
	}
	return base + ".metadata.annotations[" + key + "]"
}

// annotationKeys returns the keys of m sorted, so that findings come out in
// the same order on every run.
func annotationKeys(m map[string]string) []string {
	if len(m) == 0 {
		return nil
	}
	return slices.Sorted(maps.Keys(m))
}

func checkSeccomp(s *scanner, r *kubeharden.Rule, p *podCtx) {
	for _, k := range annotationKeys(p.annotations) {
		if k == seccompPodAnnotation || strings.HasPrefix(k, seccompContainerAnnotation) {
			s.fail(&ruleSeccompDeprecatedAnnotation, "the annotation "+k+" is deprecated and ignored by current clusters", p.annotationPath(k),
				"move the profile to securityContext.seccompProfile and delete the annotation "+k)
		}
	}
	pod := seccompOf(p.psc.SeccompProfile, p.path+".securityContext.seccompProfile")
	if !pod.set {
		if v, ok := p.annotations[seccompPodAnnotation]; ok {
			pod = annotationProfile(v, seccompPodAnnotation)
			pod.path = p.annotationPath(seccompPodAnnotation)
		}
	}
	profiles(s, r, &ruleSeccompProfile, &ruleSeccompProfileInvalid, p, "seccomp", pod, func(c *ctr) profile {
		if c.sc != nil && c.sc.SeccompProfile != nil {
			return seccompOf(c.sc.SeccompProfile, c.scPath+".seccompProfile")
		}
		if v, ok := p.annotations[seccompContainerAnnotation+c.name]; ok {
			pr := annotationProfile(v, seccompContainerAnnotation+c.name)
			pr.path = p.annotationPath(seccompContainerAnnotation + c.name)
			return pr
		}
		return profile{}
	}, "seccompProfile")
}

func checkAppArmor(s *scanner, r *kubeharden.Rule, p *podCtx) {
	for _, k := range annotationKeys(p.annotations) {
		if strings.HasPrefix(k, appArmorAnnotation) {
			s.fail(&ruleAppArmorDeprecatedAnnotation, "the annotation "+k+" is deprecated since v1.30", p.annotationPath(k),
				"move the profile to securityContext.appArmorProfile and delete the annotation "+k)
		}
	}
	pod := appArmorOf(p.psc.AppArmorProfile, p.path+".securityContext.appArmorProfile")
	profiles(s, r, &ruleAppArmorProfile, &ruleAppArmorProfileInvalid, p, "AppArmor", pod, func(c *ctr) profile {
		if c.sc != nil && c.sc.AppArmorProfile != nil {
			return appArmorOf(c.sc.AppArmorProfile, c.scPath+".appArmorProfile")
		}
		// The annotation overrides nothing set in fields but applies
		// when no field does (the kubelet still honours it).
		if v, ok := p.annotations[appArmorAnnotation+c.name]; ok && !pod.set {
			pr := annotationProfile(v, appArmorAnnotation+c.name)
			pr.path = p.annotationPath(appArmorAnnotation + c.name)
			return pr
		}
		return profile{}
	}, "appArmorProfile")
}

// profiles reports, per container, the effective profile: Unconfined (risk
// rule r), invalid (rule bad) or missing (hardening rule hard fails).
func profiles(s *scanner, r, hard, bad *kubeharden.Rule, p *podCtx, what string, pod profile, own func(*ctr) profile, field string) {
	if len(p.containers) == 0 {
		return
	}
	seenInvalid := map[string]bool{}
	allGood := true
	for i := range p.containers {
		c := &p.containers[i]
		pr := own(c)
		if !pr.set {
			pr = pod
		}
		podFix := "set " + p.path + ".securityContext." + field + ".type: RuntimeDefault"
		switch {
		case !pr.set:
			allGood = false
			s.fail(hard, "container "+c.String()+" has no "+what+" profile", c.scPath+"."+field, podFix)
		case pr.typ == "Unconfined":
			allGood = false
			s.fail(r, "container "+c.String()+" runs "+what+"-unconfined", pr.path, "set "+pr.path+" to RuntimeDefault (type: RuntimeDefault)")
		case pr.typ == "Localhost" && pr.named:
			// Name the profile so that it can be checked (packages
			// seccomp and apparmor analyse profiles by name).
			lp := pr.path
			if !strings.Contains(lp, "annotations[") {
				lp += ".localhostProfile"
			}
			s.pass(&ruleLocalhostProfile, fmt.Sprintf("container %s uses the Localhost %s profile %q", c, what, pr.name), lp)
		case pr.typ == "RuntimeDefault":
		default:
			allGood = false
			msg := fmt.Sprintf("%s profile type %q is not RuntimeDefault, Localhost or Unconfined", what, pr.typ)
			if pr.typ == "Localhost" {
				msg = what + " profile type Localhost names no profile (localhostProfile is empty)"
			}
			if !seenInvalid[pr.path] {
				seenInvalid[pr.path] = true
				s.fail(bad, msg, pr.path, "use type RuntimeDefault, or Localhost with localhostProfile set")
				if pr.typ == "Localhost" {
					s.fail(&ruleLocalhostProfile, "container "+c.String()+": the Localhost "+what+" profile has no name", pr.path,
						"set localhostProfile to the profile's path relative to the kubelet's seccomp directory (or the AppArmor profile name)")
				}
			}
			s.fail(hard, "container "+c.String()+" has no valid "+what+" profile", pr.path, podFix)
		}
	}
	if allGood {
		s.pass(hard, "every container runs with a "+what+" profile", p.path)
	}
}

func checkSecretEnv(s *scanner, r *kubeharden.Rule, p *podCtx) {
	for i := range p.containers {
		c := &p.containers[i]
		var names []string
		first := ""
		for j := range c.env {
			if vf := c.env[j].ValueFrom; vf != nil && vf.SecretKeyRef != nil {
				names = append(names, c.env[j].Name)
				if first == "" {
					first = c.path + ".env[" + strconv.Itoa(j) + "].valueFrom.secretKeyRef"
				}
			}
		}
		for j := range c.envFrom {
			if c.envFrom[j].SecretRef != nil {
				names = append(names, "envFrom secret "+strconv.Quote(c.envFrom[j].SecretRef.Name))
				if first == "" {
					first = c.path + ".envFrom[" + strconv.Itoa(j) + "].secretRef"
				}
			}
		}
		if len(names) > 0 {
			s.fail(r, "container "+c.String()+" reads Secrets into its environment: "+strings.Join(names, ", "), first,
				"mount the Secret as a read-only volume in "+c.path+".volumeMounts and read the value from the file")
		}
	}
}

func checkHostPort(s *scanner, r *kubeharden.Rule, p *podCtx) {
	for i := range p.containers {
		c := &p.containers[i]
		for j, port := range c.ports {
			if port.HostPort != 0 {
				fp := c.path + ".ports[" + strconv.Itoa(j) + "].hostPort"
				s.fail(r, fmt.Sprintf("container %s binds host port %d", c, port.HostPort), fp, "remove "+fp+" and expose the port through a Service")
			}
		}
	}
}

// safeSysctls are the Pod Security baseline's safe sysctls with the policy
// minor version that allows them (pod-security.md, check sysctls).
var safeSysctls = map[string]int{"kernel.shm_rmid_forced": 0, "net.ipv4.ip_local_port_range": 0, "net.ipv4.tcp_syncookies": 0,
	"net.ipv4.ping_group_range": 0, "net.ipv4.ip_unprivileged_port_start": 0, "net.ipv4.ip_local_reserved_ports": 27,
	"net.ipv4.tcp_keepalive_time": 29, "net.ipv4.tcp_fin_timeout": 29, "net.ipv4.tcp_keepalive_intvl": 29, "net.ipv4.tcp_keepalive_probes": 29,
	"net.ipv4.tcp_rmem": 32, "net.ipv4.tcp_wmem": 32, "net.ipv4.tcp_slow_start_after_idle": 37, "net.ipv4.tcp_notsent_lowat": 37}

// checkSysctls reports sysctls outside the safe set of the chosen policy
// version (Options.PSSVersion; the newest by default). Names are compared
// after turning the "/" separator into ".", as the kubelet does.
func checkSysctls(s *scanner, r *kubeharden.Rule, p *podCtx) {
	minor := 1 << 30
	if s.opts != nil {
		minor = s.opts.pssMinor
	}
	for j, sc := range p.psc.Sysctls {
		if since, ok := safeSysctls[strings.ReplaceAll(sc.Name, "/", ".")]; !ok || since > minor {
			fp := p.path + ".securityContext.sysctls[" + strconv.Itoa(j) + "]"
			msg := fmt.Sprintf("the pod sets the unsafe sysctl %s", sc.Name)
			if ok {
				msg += fmt.Sprintf(" (safe only from Kubernetes v1.%d)", since)
			}
			s.fail(r, msg, fp, "remove the sysctl "+sc.Name+" from "+p.path+".securityContext.sysctls")
		}
	}
}

var selinuxTypes = []string{"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}

func checkSELinux(s *scanner, r *kubeharden.Rule, p *podCtx) {
	one := func(o *corev1.SELinuxOptions, fp, who string) {
		if o == nil {
			return
		}
		if !slices.Contains(selinuxTypes, o.Type) {
			s.fail(r, fmt.Sprintf("%s sets the SELinux type %q", who, o.Type), fp+".type", "remove "+fp+".type or use container_t")
		}
		if o.User != "" {
			s.fail(r, fmt.Sprintf("%s sets the SELinux user %q", who, o.User), fp+".user", "remove "+fp+".user")
		}
		if o.Role != "" {
			s.fail(r, fmt.Sprintf("%s sets the SELinux role %q", who, o.Role), fp+".role", "remove "+fp+".role")
		}
	}
	one(p.psc.SELinuxOptions, p.path+".securityContext.seLinuxOptions", "the pod")
	for i := range p.containers {
		c := &p.containers[i]
		if c.sc != nil {
			one(c.sc.SELinuxOptions, c.scPath+".seLinuxOptions", "container "+c.String())
		}
	}
}

func checkHostProcess(s *scanner, r *kubeharden.Rule, p *podCtx) {
	if w := p.psc.WindowsOptions; w != nil && w.HostProcess != nil && *w.HostProcess {
		fp := p.path + ".securityContext.windowsOptions.hostProcess"
		s.fail(r, "the pod runs as Windows HostProcess containers", fp, "remove "+fp)
	}
	for i := range p.containers {
		c := &p.containers[i]
		if c.sc != nil && c.sc.WindowsOptions != nil && c.sc.WindowsOptions.HostProcess != nil && *c.sc.WindowsOptions.HostProcess {
			fp := c.scPath + ".windowsOptions.hostProcess"
			s.fail(r, "container "+c.String()+" is a Windows HostProcess container", fp, "remove "+fp)
		}
	}
}

var probeNames = [3]string{"livenessProbe", "readinessProbe", "startupProbe"}

func checkProbeHosts(s *scanner, r *kubeharden.Rule, p *podCtx) {
	handler := func(c *ctr, base string, h *corev1.HTTPGetAction, t *corev1.TCPSocketAction) {
		if h != nil && h.Host != "" {
			fp := base + ".httpGet.host"
			s.fail(r, fmt.Sprintf("container %s: %s targets host %q", c, base[len(c.path)+1:], h.Host), fp, "remove "+fp)
		}
		if t != nil && t.Host != "" {
			fp := base + ".tcpSocket.host"
			s.fail(r, fmt.Sprintf("container %s: %s targets host %q", c, base[len(c.path)+1:], t.Host), fp, "remove "+fp)
		}
	}
	for i := range p.containers {
		c := &p.containers[i]
		for k, pr := range c.probes {
			if pr != nil {
				handler(c, c.path+"."+probeNames[k], pr.HTTPGet, pr.TCPSocket)
			}
		}
		if l := c.lifecycle; l != nil {
			if l.PostStart != nil {
				handler(c, c.path+".lifecycle.postStart", l.PostStart.HTTPGet, l.PostStart.TCPSocket)
			}
			if l.PreStop != nil {
				handler(c, c.path+".lifecycle.preStop", l.PreStop.HTTPGet, l.PreStop.TCPSocket)
			}
		}
	}
}

func resourceCheck(limits bool, name corev1.ResourceName) func(*scanner, *kubeharden.Rule, *podCtx) {
	section := "requests"
	if limits {
		section = "limits"
	}
	return func(s *scanner, r *kubeharden.Rule, p *podCtx) {
		failed, seen := false, false
		for i := range p.containers {
			c := &p.containers[i]
			if c.kind == ephemeralContainer {
				continue // the API forbids resources on ephemeral containers
			}
			seen = true
			list := c.resources.Requests
			if limits {
				list = c.resources.Limits
			}
			if _, ok := list[name]; !ok {
				failed = true
				fp := c.path + ".resources." + section + "." + string(name)
				s.fail(r, fmt.Sprintf("container %s sets no %s %s", c, string(name), strings.TrimSuffix(section, "s")), fp, "set "+fp)
			}
		}
		if !seen {
			s.fail(r, "the pod has no containers", p.path+".containers", "")
		} else if !failed {
			s.pass(r, "every container sets resources."+section+"."+string(name), p.path)
		}
	}
}

func checkServiceAccount(s *scanner, r *kubeharden.Rule, p *podCtx) {
	name, fp := p.spec.ServiceAccountName, p.path+".serviceAccountName"
	if name == "" && p.spec.DeprecatedServiceAccount != "" {
		name, fp = p.spec.DeprecatedServiceAccount, p.path+".serviceAccount"
	}
	if name != "" && name != "default" {
		s.pass(r, "the pod runs as the service account "+strconv.Quote(name), fp)
		return
	}
	msg := "the pod runs as the namespace's default service account"
	if name == "default" {
		msg += " (serviceAccountName: default)"
	}
	s.fail(r, msg, fp, "create a ServiceAccount for this workload and set "+p.path+".serviceAccountName to it")
}

func checkClaims(s *scanner, claims []corev1.PersistentVolumeClaim) {
	if len(claims) == 0 {
		return // nothing to rate: absence earns no points
	}
	modesOK, storageOK := true, true
	for i := range claims {
		c := &claims[i]
		base := "spec.volumeClaimTemplates[" + strconv.Itoa(i) + "].spec"
		ok := len(c.Spec.AccessModes) > 0
		for _, m := range c.Spec.AccessModes {
			if m != corev1.ReadWriteOnce && m != corev1.ReadWriteOncePod {
				ok = false
			}
		}
		if !ok {
			modesOK = false
			s.fail(&ruleVolumeClaimAccessMode, fmt.Sprintf("claim template %q asks for access modes %v, not only single-node ones", c.Name, c.Spec.AccessModes),
				base+".accessModes", "set "+base+".accessModes: [ReadWriteOnce]")
		}
		if _, ok := c.Spec.Resources.Requests[corev1.ResourceStorage]; !ok {
			storageOK = false
			s.fail(&ruleVolumeClaimRequestsStorage, fmt.Sprintf("claim template %q requests no storage size", c.Name),
				base+".resources.requests.storage", "set "+base+".resources.requests.storage")
		}
	}
	if modesOK {
		s.pass(&ruleVolumeClaimAccessMode, "every claim template is single-node", "spec.volumeClaimTemplates")
	}
	if storageOK {
		s.pass(&ruleVolumeClaimRequestsStorage, "every claim template requests storage", "spec.volumeClaimTemplates")
	}
}

func checkImages(s *scanner, _ *kubeharden.Rule, p *podCtx) {
	for i := range p.containers {
		c := &p.containers[i]
		fp := c.path + ".image"
		ref, err := parseImage(c.image)
		if err != nil {
			s.fail(&ruleImageReferenceInvalid, fmt.Sprintf("container %s: %v", c, err), fp, "set "+fp+" to a valid reference such as registry.example/app:1.2.3")
			continue
		}
		switch {
		case ref.nameOnly():
			s.fail(&ruleImageTagMissing, fmt.Sprintf("container %s uses %q without a tag or digest (implicitly :latest)", c, c.image), fp,
				"pin "+fp+" to a version tag or, better, a digest ("+c.image+"@sha256:...)")
		case ref.latest():
			s.fail(&ruleImageLatestTag, fmt.Sprintf("container %s uses the moving tag :latest (%q)", c, c.image), fp,
				"pin "+fp+" to a version tag or a digest instead of :latest")
		}
		policy := string(c.pull)
		if policy == "" {
			policy = ref.defaultPullPolicy()
		}
		if ref.mutable() && policy != string(corev1.PullAlways) {
			pp := c.path + ".imagePullPolicy"
			s.fail(&ruleImagePullPolicy, "container "+c.label+" uses the mutable reference "+strconv.Quote(c.image)+" with imagePullPolicy "+policy+
				": a node may run a stale or tampered cached image", pp,
				"set "+pp+": Always, or pin "+fp+" to a digest")
		}
	}
}
