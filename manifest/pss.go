package manifest

import (
	"errors"
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// Pod Security Standards. The verdicts come from
// k8s.io/pod-security-admission's own checks (policy.DefaultChecks), run one
// by one so that every denial is attributed to its check ID (the library's
// evaluator returns results without IDs).

var (
	rulePSSBaseline = rule("PSSBaseline", "Pod Security Standards: baseline", check, low, 0, helpPSS,
		"The pod template passes every check of the Pod Security Standards baseline level at the chosen policy version, as the pod-security-admission library evaluates it. One finding per denying check names the check; Options.PSSLevel baseline or restricted turns these findings into policy failures (severity high).",
		"change the pod template so that the named check allows it", "PSS baseline")
	rulePSSRestricted = rule("PSSRestricted", "Pod Security Standards: restricted", check, info, 0, helpPSS,
		"The pod template passes every check of the Pod Security Standards restricted level (the restricted checks and the baseline checks they do not override) at the chosen policy version. One finding per denying check names the check; Options.PSSLevel restricted turns these findings into policy failures (severity high).",
		"change the pod template so that the named check allows it", "PSS restricted")
)

// ErrInvalidPSS is returned for an unusable Options.PSSLevel or PSSVersion.
var ErrInvalidPSS = errors.New("invalid Pod Security option")

// pssEnforcedSeverity is the severity of PSS findings at levels the policy
// enforces (Options.PSSLevel): high, so that they are in Report.Critical()
// and fail a kubeharden.Policy with FailOn at high or below.
const pssEnforcedSeverity = high

// pssLevel reads Options.PSSLevel: "" and "privileged" enforce nothing (0),
// "baseline" 1, "restricted" 2.
func pssLevel(s string) (int, error) {
	switch s {
	case "", string(psaapi.LevelPrivileged):
		return 0, nil
	case string(psaapi.LevelBaseline):
		return 1, nil
	case string(psaapi.LevelRestricted):
		return 2, nil
	}
	return 0, fmt.Errorf("%w: PSSLevel %q (want privileged, baseline or restricted)", ErrInvalidPSS, s)
}

// pssVersion reads Options.PSSVersion ("" or "latest", or "v1.N"; "1.N" is
// accepted too) and returns the minor version index into the check table
// (versions newer than the library's newest rules use the newest rules).
func pssVersion(s string) (minor int, label string, err error) {
	t := pssTable()
	if s == "" || s == psaapi.VersionLatest {
		return t.newest, "latest", nil
	}
	if s[0] != 'v' {
		s = "v" + s
	}
	v, perr := psaapi.ParseVersion(s)
	if perr != nil || v.Latest() {
		return 0, "", fmt.Errorf("%w: PSSVersion %q (want latest or v1.N): %w", ErrInvalidPSS, s, perr)
	}
	m := v.Minor()
	if m > t.newest {
		m = t.newest
	}
	return m, v.String(), nil
}

// Validate reports an unusable option (ErrInvalidPSS). Scan reports the
// same error as an input error for every pod template it meets.
func (o Options) Validate() error {
	if _, err := pssLevel(o.PSSLevel); err != nil {
		return err
	}
	_, _, err := pssVersion(o.PSSVersion)
	return err
}

// activeCheck is one check implementation active at a level and version.
type activeCheck struct {
	id    policy.CheckID
	level psaapi.Level
	fn    policy.CheckPodFn
}

type pssChecks struct {
	newest int
	// baseline[m] and restricted[m] are the checks active at v1.m, in
	// the library's evaluation order (baseline IDs, then restricted IDs).
	baseline, restricted [][]activeCheck
}

// pssTable builds, once, the active checks of every level and version from
// policy.DefaultChecks() (pod-security.md §4).
var pssTable = sync.OnceValue(func() *pssChecks {
	checks := policy.DefaultChecks()
	t := &pssChecks{}
	for _, c := range checks {
		for _, v := range c.Versions {
			if v.MinimumVersion.Major() == 1 && v.MinimumVersion.Minor() > t.newest {
				t.newest = v.MinimumVersion.Minor()
			}
		}
	}
	for m := 0; m <= t.newest; m++ {
		ver := psaapi.MajorMinorVersion(1, m)
		pick := func(c policy.Check) *policy.VersionedCheck {
			var out *policy.VersionedCheck
			for i := range c.Versions {
				if !ver.Older(c.Versions[i].MinimumVersion) {
					out = &c.Versions[i]
				}
			}
			return out
		}
		var base, restr []activeCheck
		overridden := map[policy.CheckID]bool{}
		for _, c := range checks {
			if c.Level != psaapi.LevelRestricted {
				continue
			}
			if vc := pick(c); vc != nil {
				restr = append(restr, activeCheck{c.ID, c.Level, vc.CheckPod})
				for _, o := range vc.OverrideCheckIDs {
					overridden[o] = true
				}
			}
		}
		var restrAll []activeCheck
		for _, c := range checks {
			if c.Level != psaapi.LevelBaseline {
				continue
			}
			if vc := pick(c); vc != nil {
				base = append(base, activeCheck{c.ID, c.Level, vc.CheckPod})
				if !overridden[c.ID] {
					restrAll = append(restrAll, activeCheck{c.ID, c.Level, vc.CheckPod})
				}
			}
		}
		sortChecks(base)
		sortChecks(restrAll)
		sortChecks(restr)
		t.baseline = append(t.baseline, base)
		t.restricted = append(t.restricted, append(restrAll, restr...))
	}
	return t
})

func sortChecks(cs []activeCheck) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].id < cs[j-1].id; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// pssPaths locates each check's subject in the pod spec (relative path).
var pssPaths = map[policy.CheckID]string{
	"hostNamespaces":             "",
	"privileged":                 "containers",
	"capabilities_baseline":      "containers",
	"capabilities_restricted":    "containers",
	"hostPathVolumes":            "volumes",
	"restrictedVolumes":          "volumes",
	"hostPorts":                  "containers",
	"appArmorProfile":            "securityContext",
	"seLinuxOptions":             "securityContext",
	"procMount":                  "containers",
	"procMount_restricted":       "containers",
	"seccompProfile_baseline":    "securityContext",
	"seccompProfile_restricted":  "securityContext.seccompProfile",
	"sysctls":                    "securityContext.sysctls",
	"windowsHostProcess":         "securityContext",
	"hostProbesAndHostLifecycle": "containers",
	"allowPrivilegeEscalation":   "containers",
	"runAsNonRoot":               "securityContext.runAsNonRoot",
	"runAsUser":                  "securityContext",
}

// pssFixes are the remediations per check.
var pssFixes = map[policy.CheckID]string{
	"hostNamespaces":             "remove hostNetwork, hostPID and hostIPC (or set them to false)",
	"privileged":                 "remove securityContext.privileged from every container",
	"capabilities_baseline":      "add only capabilities of the baseline set (exact upper-case names without CAP_)",
	"capabilities_restricted":    "set securityContext.capabilities.drop: [ALL] on every container and add back at most NET_BIND_SERVICE",
	"hostPathVolumes":            "replace hostPath volumes with configMap, secret, emptyDir or persistentVolumeClaim volumes",
	"restrictedVolumes":          "use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes",
	"hostPorts":                  "remove ports[].hostPort and expose the port through a Service",
	"appArmorProfile":            "use AppArmor profile type RuntimeDefault or Localhost (no Unconfined, no unconfined annotation)",
	"seLinuxOptions":             "remove seLinuxOptions.user and .role and use an allowed seLinuxOptions.type (container_t)",
	"procMount":                  "remove securityContext.procMount (or set it to Default)",
	"procMount_restricted":       "remove securityContext.procMount (or set it to Default)",
	"seccompProfile_baseline":    "use seccomp profile type RuntimeDefault or Localhost, never Unconfined",
	"seccompProfile_restricted":  "set spec.securityContext.seccompProfile.type: RuntimeDefault (and no container override other than RuntimeDefault or Localhost)",
	"sysctls":                    "remove the unsafe sysctls from spec.securityContext.sysctls",
	"windowsHostProcess":         "remove windowsOptions.hostProcess",
	"hostProbesAndHostLifecycle": "remove the host field of probes and lifecycle handlers",
	"allowPrivilegeEscalation":   "set securityContext.allowPrivilegeEscalation: false on every container",
	"runAsNonRoot":               "set spec.securityContext.runAsNonRoot: true (and no container runAsNonRoot: false)",
	"runAsUser":                  "remove runAsUser: 0 from the pod and its containers",
}

// pssSpec applies the API-server default the checks expect: a volume
// without a source is an emptyDir (core/v1 SetDefaults_Volume). The input
// is not modified; a copy is made only when a default applies.
func pssSpec(spec *corev1.PodSpec) *corev1.PodSpec {
	var vols []corev1.Volume
	for i := range spec.Volumes {
		if spec.Volumes[i].VolumeSource == (corev1.VolumeSource{}) {
			if vols == nil {
				vols = append([]corev1.Volume(nil), spec.Volumes...)
			}
			vols[i].VolumeSource = corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}
		}
	}
	if vols == nil {
		return spec
	}
	c := *spec
	c.Volumes = vols
	return &c
}

// PSSResult is the verdict of one Pod Security level.
type PSSResult struct {
	Level   string // "baseline" or "restricted"
	Version string // "latest" or "v1.N"
	Allowed bool
	Denials []PSSDenial
}

// PSSDenial is one check that denies the pod.
type PSSDenial struct {
	Check  string // the check ID, e.g. "runAsNonRoot"
	Reason string // the library's ForbiddenReason
	Detail string // the library's ForbiddenDetail (may be empty)
}

// EvaluatePSS evaluates a pod's metadata and spec at the baseline and the
// restricted level of version ("" or "latest", or "v1.N") with the
// pod-security-admission library, check by check, after applying the
// API-server defaults the checks expect. The inputs are not modified.
func EvaluatePSS(meta *metav1.ObjectMeta, spec *corev1.PodSpec, version string) ([2]PSSResult, error) {
	m, label, err := pssVersion(version)
	if err != nil {
		return [2]PSSResult{}, err
	}
	return evaluatePSS(meta, spec, m, label), nil
}

func evaluatePSS(meta *metav1.ObjectMeta, spec *corev1.PodSpec, minor int, label string) [2]PSSResult {
	t := pssTable()
	spec = pssSpec(spec)
	if meta == nil {
		meta = &metav1.ObjectMeta{}
	}
	out := [2]PSSResult{{Level: "baseline", Version: label, Allowed: true}, {Level: "restricted", Version: label, Allowed: true}}
	// Baseline checks that restricted keeps run once: both levels use the
	// same implementation at a given version.
	var baseRes [24]policy.CheckResult
	base := t.baseline[minor]
	for i, set := range [2][]activeCheck{base, t.restricted[minor]} {
		for j, c := range set {
			var res policy.CheckResult
			switch {
			case i == 0 && j < len(baseRes):
				res = c.fn(meta, spec)
				baseRes[j] = res
			case i == 1 && c.level == psaapi.LevelBaseline:
				if k := baseIndex(base, c.id); k >= 0 && k < len(baseRes) {
					res = baseRes[k]
				} else {
					res = c.fn(meta, spec)
				}
			default:
				res = c.fn(meta, spec)
			}
			if res.Allowed {
				continue
			}
			out[i].Allowed = false
			reason := res.ForbiddenReason
			if reason == "" {
				reason = policy.UnknownForbiddenReason
			}
			out[i].Denials = append(out[i].Denials, PSSDenial{Check: string(c.id), Reason: reason, Detail: res.ForbiddenDetail})
		}
	}
	return out
}

func baseIndex(cs []activeCheck, id policy.CheckID) int {
	for i := range cs {
		if cs[i].id == id {
			return i
		}
	}
	return -1
}

// checkPSS reports the verdicts of both levels for a pod template.
func (s *scanner) checkPSS(v *podView, opts *scanOpts) {
	res := evaluatePSS(v.meta, v.spec, opts.pssMinor, opts.pssLabel)
	for i, r := range res {
		rl := &rulePSSBaseline
		if i == 1 {
			rl = &rulePSSRestricted
		}
		enforced := opts.pssEnforce > i
		if r.Allowed {
			s.pass(rl, "the pod template passes Pod Security "+r.Level+" ("+r.Version+")", v.path)
			continue
		}
		for _, d := range r.Denials {
			msg := "Pod Security " + r.Level + " (" + r.Version + "): check " + d.Check + " denies the pod: " + d.Reason
			if d.Detail != "" {
				msg += " (" + d.Detail + ")"
			}
			p := v.path
			if rel := pssPaths[policy.CheckID(d.Check)]; rel != "" {
				p += "." + rel
			}
			f := s.fail(rl, msg, p, pssFixes[policy.CheckID(d.Check)])
			f.Refs = []string{"PSS " + r.Level + " " + d.Check}
			if enforced {
				f.Severity = pssEnforcedSeverity
				f.Message += " [enforced: PSSLevel " + opts.pssLevelName + "]"
			}
		}
	}
}

// PSSLevels lists the values of Options.PSSLevel.
func PSSLevels() []string { return []string{"privileged", "baseline", "restricted"} }
