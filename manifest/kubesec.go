package manifest

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
)

// This file is the kubesec-compatible mode (CompatKubesec): kubesec HEAD's
// 30 rules (controlplaneio/kubesec a59caad), evaluated the way kubesec
// evaluates them — on the untyped JSON value of each document, with Go %v
// text matching where kubesec uses it — and mapped onto kubeharden findings.
//
// Mapping of one kubesec rule result onto a kubeharden.Finding (this is the
// contract the report package relies on to print kubesec's JSON):
//
//	kubesec entry "id"       -> the Finding.Refs element "kubesec <id>" (KubesecID)
//	kubesec entry "selector" -> Finding.Path
//	kubesec entry "reason"   -> Finding.Message
//	kubesec entry "points"   -> Finding.Points
//	scoring.critical         -> findings with Passed == false and Points < 0  (Report.Critical)
//	scoring.advise           -> findings with Passed == false and Points >= 0 (Report.Advise)
//	scoring.passed           -> findings with Passed == true and Points >= 0
//	(not listed)             -> findings with Passed == true and Points < 0: a
//	                            risk rule that applied but did not match
//	object                   -> Report.Object
//	score                    -> Report.Score
//	message                  -> KubesecMessage(report)
//	fileName                 -> Report.Source
//	valid                    -> always true (rules-only mode has no validation)
//
// The findings of a compat report are in kubesec's output order already
// (critical, passed, advise lists each sorted as kubesec sorts them, then the
// unlisted ones), so a renderer can filter them in order.

// ksRule is one kubesec rule: its output strings, points, kinds and predicate.
type ksRule struct {
	id       string
	points   int
	kinds    []string
	selector string
	reason   string
	// rule is the kubeharden catalogue entry the result is reported under.
	rule *kubeharden.Rule
	// count returns kubesec's match count for the document (the object
	// value) and its pod spec (nil when the path does not lead to an
	// object).
	count func(obj, spec map[string]any) int
}

var (
	kindsW       = []string{"Pod", "Deployment", "StatefulSet", "DaemonSet"}
	kindsSTS     = []string{"StatefulSet"}
	kindsSecrets = []string{"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"}
	kindsBinding = []string{"RoleBinding", "ClusterRoleBinding"}
)

const (
	selSeccomp  = ".spec .securityContext .seccompProfile .type | .spec .containers[] .securityContext .seccompProfile .type | .spec .initContainers[] .securityContext .seccompProfile .type | .spec .ephemeralContainers[] .securityContext .seccompProfile .type"
	selAppArmor = ".spec .securityContext .appArmorProfile .type | .spec .containers[] .securityContext .appArmorProfile .type | .spec .initContainers[] .securityContext .appArmorProfile .type | .spec .ephemeralContainers[] .securityContext .appArmorProfile .type"
	selSecrets  = ".spec .containers[] .env[] .valueFrom .secretKeyRef | .spec .initContainers[] .env[] .valueFrom .secretKeyRef | .spec .ephemeralContainers[] .env[] .valueFrom .secretKeyRef | .spec .containers[] .envFrom[] .secretRef | .spec .initContainers[] .envFrom[] .secretRef | .spec .ephemeralContainers[] .envFrom[] .secretRef"
)

// kubesecRules lists kubesec's rules in its definition order. The table is
// never mutated.
var kubesecRules = []ksRule{
	{"HostNetwork", -9, kindsW, ".spec .hostNetwork == true",
		"Sharing the host's network namespace permits processes in the pod to communicate with processes bound to the host's loopback adapter",
		&ruleHostNetwork, podBool("hostNetwork", true)},
	{"HostPID", -9, kindsW, ".spec .hostPID == true",
		"Sharing the host's PID namespace allows visibility of processes on the host, potentially leaking information such as environment variables and configuration",
		&ruleHostPID, podBool("hostPID", true)},
	{"HostIPC", -9, kindsW, ".spec .hostIPC == true",
		"Sharing the host's IPC namespace allows container processes to communicate with processes on the host",
		&ruleHostIPC, podBool("hostIPC", true)},
	{"ReadOnlyRootFilesystem", 1, kindsW, "containers[] .securityContext .readOnlyRootFilesystem == true",
		"An immutable root filesystem can prevent malicious binaries being added to PATH and increase attack cost",
		&ruleReadOnlyRootFilesystem, containerSC(func(sc map[string]any) bool { return sc["readOnlyRootFilesystem"] == true })},
	{"RunAsNonRoot", 1, kindsW, ".spec, .spec.containers[] | .securityContext .runAsNonRoot == true",
		"Force the running image to run as a non-root user to ensure least privilege",
		&ruleRunAsNonRoot, inherited(func(v any) (bool, bool) { b, ok := v.(bool); return b, ok }, "runAsNonRoot")},
	{"RunAsUser", 1, kindsW, ".spec, .spec.containers[] | .securityContext .runAsUser -gt 10000",
		"Run as a high-UID user to avoid conflicts with the host's users",
		&ruleRunAsHighUID, inherited(numAbove10000, "runAsUser")},
	{"RunAsGroup", 1, kindsW, ".spec, .spec.containers[] | .securityContext .runAsGroup -gt 10000",
		"Run as a high-UID group to avoid conflicts with the host's groups",
		&ruleRunAsHighGID, inherited(numAbove10000, "runAsGroup")},
	{"Privileged", -30, kindsW, "containers[] .securityContext .privileged == true",
		"Privileged containers can allow almost completely unrestricted host access",
		&rulePrivileged, containerSC(func(sc map[string]any) bool { return sc["privileged"] == true })},
	{"CapSysAdmin", -30, kindsW, "containers[] .securityContext .capabilities .add == SYS_ADMIN",
		"CAP_SYS_ADMIN is the most privileged capability and should always be avoided",
		&ruleDangerousCapability, containerSC(func(sc map[string]any) bool {
			add, ok := obj(sc["capabilities"])["add"]
			return ok && add != nil && strings.Contains(fmt.Sprint(add), "SYS_ADMIN")
		})},
	{"CapDropAny", 1, kindsW, "containers[] .securityContext .capabilities .drop",
		"Reducing kernel capabilities available to a container limits its attack surface",
		&ruleCapDropAny, containerSC(func(sc map[string]any) bool {
			drop, ok := obj(sc["capabilities"])["drop"].([]any)
			return ok && len(drop) > 0 && !slices.Contains(drop, nil)
		})},
	{"CapDropAll", 1, kindsW, `containers[] .securityContext .capabilities .drop | index("ALL")`,
		"Drop all capabilities and add only those required to reduce syscall attack surface",
		&ruleCapDropAll, containerSC(func(sc map[string]any) bool {
			drop, ok := obj(sc["capabilities"])["drop"]
			return ok && drop != nil && strings.Contains(strings.ToUpper(fmt.Sprint(drop)), "ALL")
		})},
	{"DockerSock", -9, kindsW, "volumes[] .hostPath .path == /var/run/docker.sock",
		"Mounting the docker.socket leaks information about other containers and can allow container breakout",
		&ruleContainerRuntimeSocket, hostPathText("/var/run/docker.sock")},
	{"ProcMount", -9, kindsW, "volumes[] .hostPath .path == /proc",
		"Mounting the proc directory from the host system into a container gives access to information about other containers running on the same host and can allow container breakout",
		&ruleSensitiveHostPath, hostPathText("/proc")},
	{"RequestsCPU", 1, kindsW, "containers[] .resources .requests .cpu",
		"Enforcing CPU requests aids a fair balancing of resources across the cluster",
		&ruleRequestsCPU, resourceKey("requests", "cpu")},
	{"LimitsCPU", 1, kindsW, "containers[] .resources .limits .cpu",
		"Enforcing CPU limits prevents DOS via resource exhaustion",
		&ruleLimitsCPU, resourceKey("limits", "cpu")},
	{"RequestsMemory", 1, kindsW, "containers[] .resources .requests .memory",
		"Enforcing memory requests aids a fair balancing of resources across the cluster",
		&ruleRequestsMemory, resourceKey("requests", "memory")},
	{"LimitsMemory", 1, kindsW, "containers[] .resources .limits .memory",
		"Enforcing memory limits prevents DOS via resource exhaustion",
		&ruleLimitsMemory, resourceKey("limits", "memory")},
	{"ServiceAccountName", 3, kindsW, ".spec .serviceAccountName",
		"Service accounts restrict Kubernetes API access and should be configured with least privilege",
		&ruleServiceAccountName, podNonNull("serviceAccountName")},
	{"HostAliases", -3, kindsW, ".spec .hostAliases",
		"Managing /etc/hosts aliases can prevent the container from modifying the file after a pod's containers have already been started. DNS should be managed by the orchestrator",
		&ruleHostAliases, podNonNull("hostAliases")},
	{"SeccompAny", 1, kindsW, selSeccomp,
		"Seccomp profiles set minimum privilege and secure against unknown threats",
		&ruleSeccompProfile, inherited(profileType(false), "seccompProfile", "type")},
	{"SeccompUnconfined", -1, kindsW, selSeccomp,
		"Unconfined Seccomp profiles have full system call access",
		&ruleSeccompUnconfined, inherited(profileType(true), "seccompProfile", "type")},
	{"ApparmorAny", 3, kindsW, selAppArmor,
		"Well defined AppArmor policies may provide greater protection from unknown threats.",
		&ruleAppArmorProfile, inherited(profileType(false), "appArmorProfile", "type")},
	{"ApparmorUnconfined", -1, kindsW, selAppArmor,
		"Unconfined AppArmor profiles disable AppArmor enforcement on the workloads",
		&ruleAppArmorUnconfined, inherited(profileType(true), "appArmorProfile", "type")},
	{"VolumeClaimAccessModeReadWriteOnce", 1, kindsSTS, `.spec .volumeClaimTemplates[] .spec .accessModes | index("ReadWriteOnce")`,
		"Setting the access mode of ReadWriteOnce on volumeClaimTemplates (if any exist) allows only one node to mount the persistentVolume",
		&ruleVolumeClaimAccessMode, claimTemplates(func(spec map[string]any) bool {
			modes, ok := spec["accessModes"].([]any)
			return ok && len(modes) == 1 && modes[0] == "ReadWriteOnce"
		})},
	{"VolumeClaimRequestsStorage", 1, kindsSTS, ".spec .volumeClaimTemplates[] .spec .resources .requests .storage",
		"Setting a storage request on volumeClaimTemplates (if any exist) allows for the StatefulSet's PVCs to be bound to appropriately sized PVs.",
		&ruleVolumeClaimRequestsStorage, claimTemplates(func(spec map[string]any) bool {
			_, ok := obj(obj(spec["resources"])["requests"])["storage"]
			return ok
		})},
	{"AllowPrivilegeEscalation", -7, kindsW, "containers[] .securityContext .allowPrivilegeEscalation == true",
		"Ensure a non-root process can not gain more privileges",
		&rulePrivilegeEscalation, containerSC(func(sc map[string]any) bool { return sc["allowPrivilegeEscalation"] == true })},
	{"AutomountServiceAccountToken", 1, kindsW, ".spec .automountServiceAccountToken == false",
		"Disabling the automounting of Service Account Token reduces the attack surface of the API server",
		&ruleAutomountServiceAccountToken, podBool("automountServiceAccountToken", false)},
	{"HostUsers", 1, kindsW, ".spec .hostUsers == false",
		"A user namespace for a Pod is enabled by setting the hostUsers field of Pod .spec, which can prevent various attacks",
		&ruleUserNamespace, podBool("hostUsers", false)},
	{"SecretsAsEnvironmentVariables", -5, kindsSecrets, selSecrets,
		"Secrets passed as environment variables can be easily exposed through application logs, crash dumps, and system process inspection",
		&ruleSecretInEnv, containersMatching(func(c map[string]any) bool {
			for _, e := range arr(c["env"]) {
				if obj(obj(e)["valueFrom"])["secretKeyRef"] != nil {
					return true
				}
			}
			for _, e := range arr(c["envFrom"]) {
				if obj(e)["secretRef"] != nil {
					return true
				}
			}
			return false
		})},
	{"BindingsToSystemAnonymous", -30, kindsBinding, `.subjects[] .name == "system:anonymous"`,
		"Binding a Role or a ClusterRole to user system:anonymous gives any unauthenticated user the permissions granted by that role",
		&ruleBindingAnonymous, func(o, _ map[string]any) int {
			var names []any
			for _, s := range arr(o["subjects"]) {
				if n, ok := obj(s)["name"]; ok {
					names = append(names, n)
				}
			}
			if strings.Contains(fmt.Sprint(names), "system:anonymous") {
				return 1
			}
			return 0
		}},
}

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }
func arr(v any) []any          { a, _ := v.([]any); return a }

// ksPodSpec returns the pod spec kubesec reads for kind.
func ksPodSpec(kind string, o map[string]any) map[string]any {
	spec := obj(o["spec"])
	switch kind {
	case "Pod":
		return spec
	case "CronJob":
		return obj(obj(obj(obj(obj(spec["jobTemplate"])["spec"])["template"])["spec"]))
	}
	return obj(obj(spec["template"])["spec"])
}

// ksContainers returns container set A (init, regular, ephemeral).
func ksContainers(spec map[string]any) []map[string]any {
	var out []map[string]any
	for _, k := range [...]string{"initContainers", "containers", "ephemeralContainers"} {
		for _, c := range arr(spec[k]) {
			out = append(out, obj(c))
		}
	}
	return out
}

func podBool(field string, want bool) func(_, spec map[string]any) int {
	return func(_, spec map[string]any) int {
		if b, ok := spec[field].(bool); ok && b == want {
			return 1
		}
		return 0
	}
}

func podNonNull(field string) func(_, spec map[string]any) int {
	return func(_, spec map[string]any) int {
		if spec[field] != nil {
			return 1
		}
		return 0
	}
}

func containersMatching(pred func(c map[string]any) bool) func(_, spec map[string]any) int {
	return func(_, spec map[string]any) int {
		n := 0
		for _, c := range ksContainers(spec) {
			if pred(c) {
				n++
			}
		}
		return n
	}
}

func containerSC(pred func(sc map[string]any) bool) func(_, spec map[string]any) int {
	return containersMatching(func(c map[string]any) bool { return pred(obj(c["securityContext"])) })
}

// inherited implements kubesec's pod-level inheritance for the field at
// path inside securityContext: valid reports (result, value has the
// expected JSON type).
func inherited(valid func(any) (bool, bool), path ...string) func(_, spec map[string]any) int {
	get := func(sc map[string]any) any {
		var v any = sc
		for _, p := range path {
			v = obj(v)[p]
		}
		return v
	}
	return func(_, spec map[string]any) int {
		podOK, _ := valid(get(obj(spec["securityContext"])))
		n := 0
		for _, c := range ksContainers(spec) {
			ok, typed := valid(get(obj(c["securityContext"])))
			if (typed && ok) || (!typed && podOK) {
				n++
			}
		}
		return n
	}
}

func numAbove10000(v any) (bool, bool) {
	f, ok := v.(float64)
	return ok && f > 10000, ok
}

func profileType(unconfined bool) func(any) (bool, bool) {
	return func(v any) (bool, bool) {
		s, ok := v.(string)
		return ok && (s == "Unconfined") == unconfined, ok
	}
}

func hostPathText(needle string) func(_, spec map[string]any) int {
	return func(_, spec map[string]any) int {
		var paths []any
		for _, v := range arr(spec["volumes"]) {
			if hp, ok := obj(v)["hostPath"].(map[string]any); ok {
				if p, ok := hp["path"]; ok {
					paths = append(paths, p)
				}
			}
		}
		if strings.Contains(fmt.Sprint(paths), needle) {
			return 1
		}
		return 0
	}
}

func resourceKey(section, key string) func(_, spec map[string]any) int {
	return func(_, spec map[string]any) int {
		n := 0
		for _, c := range arr(spec["containers"]) {
			if _, ok := obj(obj(obj(c)["resources"])[section])[key]; ok {
				n++
			}
		}
		return n
	}
}

func claimTemplates(pred func(spec map[string]any) bool) func(o, _ map[string]any) int {
	return func(o, _ map[string]any) int {
		n, withSpec := 0, 0
		for _, t := range arr(obj(o["spec"])["volumeClaimTemplates"]) {
			spec, ok := obj(t)["spec"]
			if !ok {
				continue
			}
			withSpec++
			if pred(obj(spec)) {
				n++
			}
		}
		if withSpec == 0 {
			return 1
		}
		return n
	}
}

// ErrKubesecPanic marks documents kubesec HEAD crashes on (a non-boolean
// hostNetwork, hostPID or hostIPC); compat mode reports them as input errors
// instead of crashing.
var ErrKubesecPanic = errors.New("kubesec would panic on this document")

// ErrNoDocuments is returned in compat mode for an input without any
// document; kubesec answers "Invalid input".
var ErrNoDocuments = errors.New("invalid input: no documents")

// Messages kubesec prints in a report's "message" field.
const (
	KubesecUnsupported = "This resource kind is not supported by kubesec"
	kubesecPassed      = "Passed with a score of %d points"
	kubesecFailed      = "Failed with a score of %d points"
)

// KubesecMessage returns the "message" kubesec prints for a report produced
// in CompatKubesec mode: "This resource kind is not supported by kubesec"
// when no rule applied (the report has no findings), otherwise "Passed with
// a score of N points" (score >= 0) or "Failed with a score of N points".
func KubesecMessage(r *kubeharden.Report) string {
	if len(r.Findings) == 0 {
		return KubesecUnsupported
	}
	if r.Score >= 0 {
		return fmt.Sprintf(kubesecPassed, r.Score)
	}
	return fmt.Sprintf(kubesecFailed, r.Score)
}

// KubesecID returns the kubesec rule id of a compat-mode finding (from its
// "kubesec <id>" reference), or "".
func KubesecID(f kubeharden.Finding) string {
	for _, r := range f.Refs {
		if id, ok := strings.CutPrefix(r, "kubesec "); ok {
			return id
		}
	}
	return ""
}

// kubesecObjectName renders kubesec's object name with Go %v semantics.
func kubesecObjectName(v any) string {
	o, isObj := v.(map[string]any)
	kind, hasKind := o["kind"]
	if !isObj || !hasKind || kind == nil {
		return "Unknown"
	}
	md := obj(o["metadata"])
	name, ns := any("undefined"), any("default")
	if n, ok := md["name"]; ok && n != nil {
		name = n
	}
	if n, ok := md["namespace"]; ok && n != nil {
		ns = n
	}
	return fmt.Sprintf("%v/%v.%v", kind, name, ns)
}

// scanKubesec evaluates one document in compat mode.
func scanKubesec(d *decode.Document) (*kubeharden.Report, *kubeharden.InputError) {
	var v any
	if err := json.Unmarshal(d.JSON, &v); err != nil {
		return nil, d.Error(fmt.Errorf("%w: %w", decode.ErrSyntax, err), "")
	}
	r := &kubeharden.Report{Source: d.Source, Document: d.Index, Object: kubesecObjectName(v), Kind: d.Meta.Kind}
	o, _ := v.(map[string]any)
	kind, hasKind := o["kind"]
	if kind == nil {
		hasKind = false
	}
	kindStr, _ := kind.(string)
	spec := ksPodSpec(kindStr, o)
	if hasKind && slices.Contains(kindsW, kindStr) {
		for _, f := range [...]string{"hostNetwork", "hostPID", "hostIPC"} {
			if x := spec[f]; x != nil {
				if _, ok := x.(bool); !ok {
					path := podSpecPath(kindStr) + "." + f
					return nil, d.Error(fmt.Errorf("%w: %s is %s, not a boolean (%w)", decode.ErrType, path, jsonTypeName(x), ErrKubesecPanic), path)
				}
			}
		}
	}
	pos := kubeharden.Position{File: d.Source, Line: d.Line}
	for i := range kubesecRules {
		kr := &kubesecRules[i]
		count := 0
		if hasKind {
			if !slices.Contains(kr.kinds, kindStr) {
				continue
			}
			count = kr.count(o, spec)
		}
		f := kubeharden.Finding{RuleID: kr.rule.ID, Severity: kr.rule.Severity, Points: kr.points,
			Passed: count > 0, Message: kr.reason, Path: kr.selector, Position: pos,
			Fix: kr.rule.Remediation, Refs: []string{"kubesec " + kr.id}}
		if kr.points < 0 {
			f.Passed = count == 0 // a risk that fired fails; one that did not is not listed
		}
		r.Findings = append(r.Findings, f)
	}
	r.ComputeScore()
	sortKubesec(r.Findings)
	return r, nil
}

// sortKubesec orders compat findings as kubesec's JSON lists them: critical,
// passed, advise, then the unlisted ones; each list in kubesec's order.
func sortKubesec(fs []kubeharden.Finding) {
	list := func(f kubeharden.Finding) int {
		switch {
		case !f.Passed && f.Points < 0:
			return 0
		case f.Passed && f.Points >= 0:
			return 1
		case !f.Passed:
			return 2
		}
		return 3
	}
	slices.SortStableFunc(fs, func(a, b kubeharden.Finding) int {
		if la, lb := list(a), list(b); la != lb {
			return la - lb
		}
		if a.Points != b.Points {
			if a.Points > 0 || b.Points > 0 {
				return b.Points - a.Points
			}
			return a.Points - b.Points
		}
		return cmp.Compare(a.Path, b.Path)
	})
}

func jsonTypeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case float64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// KubesecReport is one element of kubesec's JSON output array (`kubesec
// scan`, `POST /scan`), with kubesec's key order and omissions.
type KubesecReport struct {
	Object   string         `json:"object"`
	Valid    bool           `json:"valid"`
	FileName string         `json:"fileName"`
	Message  string         `json:"message,omitempty"`
	Score    int            `json:"score"`
	Scoring  KubesecScoring `json:"scoring"`
}

// KubesecScoring holds kubesec's three lists; empty lists are omitted.
type KubesecScoring struct {
	Critical []KubesecEntry `json:"critical,omitempty"`
	Passed   []KubesecEntry `json:"passed,omitempty"`
	Advise   []KubesecEntry `json:"advise,omitempty"`
}

// KubesecEntry is one rule result in a kubesec list.
type KubesecEntry struct {
	ID       string `json:"id"`
	Selector string `json:"selector"`
	Reason   string `json:"reason"`
	Points   int    `json:"points"`
}

// KubesecReports converts CompatKubesec reports to kubesec's output shape,
// using only Report and Finding fields (the mapping documented at the top
// of this file), so a renderer that does not import this package can do
// the same. fileName overrides Report.Source when not empty (kubesec prints
// "STDIN" for standard input and "API" over HTTP). Marshal the slice with
// encoding/json and indent it with two spaces, then add a newline, to get
// kubesec's bytes.
func KubesecReports(reports []kubeharden.Report, fileName string) []KubesecReport {
	out := make([]KubesecReport, 0, len(reports))
	for i := range reports {
		r := &reports[i]
		kr := KubesecReport{Object: r.Object, Valid: true, FileName: r.Source, Message: KubesecMessage(r), Score: r.Score}
		if fileName != "" {
			kr.FileName = fileName
		}
		for _, f := range r.Findings {
			e := KubesecEntry{ID: KubesecID(f), Selector: f.Path, Reason: f.Message, Points: f.Points}
			switch {
			case !f.Passed && f.Points < 0:
				kr.Scoring.Critical = append(kr.Scoring.Critical, e)
			case f.Passed && f.Points >= 0:
				kr.Scoring.Passed = append(kr.Scoring.Passed, e)
			case !f.Passed:
				kr.Scoring.Advise = append(kr.Scoring.Advise, e)
			}
		}
		out = append(out, kr)
	}
	return out
}
