package report

//go:generate go run ./internal/gencis -i ../../shared/reference/cis-checks.json -o zcis.go

import (
	"encoding/json"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/kubeharden/kubeharden"
)

// cisCheck is one CIS Kubernetes Benchmark check as kube-bench lists it.
type cisCheck struct {
	id, section, sectionTitle, target, title string
	scored                                   bool
	kbType                                   string // kube-bench check type: "", "manual" or "skip"
}

// cisFileChecks are the node file checks (CIS 1.1 and 4.1) that
// cis-checks.json leaves out because they need stat on the node. Titles
// and scoring are the benchmark's, as kube-bench's cfg/cis-1.12 lists them
// (1.1.9 and 1.1.10, the CNI files, are not evaluated by any analyzer).
var cisFileChecks = [...]cisCheck{
	{"1.1.1", "1.1", "Control Plane Node Configuration Files", "master", "Ensure that the API server pod specification file permissions are set to 600 or more restrictive (Automated)", true, ""},
	{"1.1.2", "1.1", "Control Plane Node Configuration Files", "master", "Ensure that the API server pod specification file ownership is set to root:root (Automated)", true, ""},
	{"1.1.3", "1.1", "Control Plane Node Configuration Files", "master", "Ensure that the controller manager pod specification file permissions are set to 600 or more restrictive (Automated)", true, ""},
	{"1.1.4", "1.1", "Control Plane Node Configuration Files", "master", "Ensure that the controller manager pod specification file ownership is set to root:root (Automated)", true, ""},
	{"1.1.5", "1.1", "Control Plane Node Configuration Files", "master", "Ensure that the scheduler pod specification file permissions are set to 600 or more restrictive (Automated)", true, ""},
	{"1.1.6", "1.1", "Control Plane Node Configuration Files", "master", "Ensure that the scheduler pod specification file ownership is set to root:root (Automated)", true, ""},
	{"1.1.7", "1.1", "Control Plane Node Configuration Files", "master", "Ensure that the etcd pod specification file permissions are set to 600 or more restrictive (Automated)", true, ""},
	{"1.1.8", "1.1", "Control Plane Node Configuration Files", "master", "Ensure that the etcd pod specification file ownership is set to root:root (Automated)", true, ""},
	{"1.1.11", "1.1", "Control Plane Node Configuration Files", "master", "Ensure that the etcd data directory permissions are set to 700 or more restrictive (Automated)", true, ""},
	{"1.1.12", "1.1", "Control Plane Node Configuration Files", "master", "Ensure that the etcd data directory ownership is set to etcd:etcd (Automated)", true, ""},
	{"1.1.13", "1.1", "Control Plane Node Configuration Files", "master", "Ensure that the default administrative credential file permissions are set to 600 (Automated)", true, ""},
	{"1.1.14", "1.1", "Control Plane Node Configuration Files", "master", "Ensure that the default administrative credential file ownership is set to root:root (Automated)", true, ""},
	{"1.1.15", "1.1", "Control Plane Node Configuration Files", "master", "Ensure that the scheduler.conf file permissions are set to 600 or more restrictive (Automated)", true, ""},
	{"1.1.16", "1.1", "Control Plane Node Configuration Files", "master", "Ensure that the scheduler.conf file ownership is set to root:root (Automated)", true, ""},
	{"1.1.17", "1.1", "Control Plane Node Configuration Files", "master", "Ensure that the controller-manager.conf file permissions are set to 600 or more restrictive (Automated)", true, ""},
	{"1.1.18", "1.1", "Control Plane Node Configuration Files", "master", "Ensure that the controller-manager.conf file ownership is set to root:root (Automated)", true, ""},
	{"1.1.19", "1.1", "Control Plane Node Configuration Files", "master", "Ensure that the Kubernetes PKI directory and file ownership is set to root:root (Automated)", true, ""},
	{"1.1.20", "1.1", "Control Plane Node Configuration Files", "master", "Ensure that the Kubernetes PKI certificate file permissions are set to 600 or more restrictive (Manual)", false, ""},
	{"1.1.21", "1.1", "Control Plane Node Configuration Files", "master", "Ensure that the Kubernetes PKI key file permissions are set to 600 (Manual)", false, ""},
	{"4.1.1", "4.1", "Worker Node Configuration Files", "node", "Ensure that the kubelet service file permissions are set to 600 or more restrictive (Automated)", true, ""},
	{"4.1.2", "4.1", "Worker Node Configuration Files", "node", "Ensure that the kubelet service file ownership is set to root:root (Automated)", true, ""},
	{"4.1.3", "4.1", "Worker Node Configuration Files", "node", "If proxy kubeconfig file exists ensure permissions are set to 600 or more restrictive (Manual)", false, ""},
	{"4.1.4", "4.1", "Worker Node Configuration Files", "node", "If proxy kubeconfig file exists ensure ownership is set to root:root (Manual)", false, ""},
	{"4.1.5", "4.1", "Worker Node Configuration Files", "node", "Ensure that the --kubeconfig kubelet.conf file permissions are set to 600 or more restrictive (Automated)", true, ""},
	{"4.1.6", "4.1", "Worker Node Configuration Files", "node", "Ensure that the --kubeconfig kubelet.conf file ownership is set to root:root (Automated)", true, ""},
	{"4.1.7", "4.1", "Worker Node Configuration Files", "node", "Ensure that the certificate authorities file permissions are set to 644 or more restrictive (Manual)", false, ""},
	{"4.1.8", "4.1", "Worker Node Configuration Files", "node", "Ensure that the client certificate authorities file ownership is set to root:root (Manual)", false, ""},
	{"4.1.9", "4.1", "Worker Node Configuration Files", "node", "If the kubelet config.yaml configuration file is being used validate permissions set to 600 or more restrictive (Automated)", true, ""},
	{"4.1.10", "4.1", "Worker Node Configuration Files", "node", "If the kubelet config.yaml configuration file is being used validate file ownership is set to root:root (Automated)", true, ""},
}

// cisIndex maps check ids to their entry; built on first use.
var cisIndex = sync.OnceValue(func() map[string]*cisCheck {
	m := make(map[string]*cisCheck, len(cisChecksTable)+len(cisFileChecks))
	for i := range cisChecksTable {
		m[cisChecksTable[i].id] = &cisChecksTable[i]
	}
	for i := range cisFileChecks {
		m[cisFileChecks[i].id] = &cisFileChecks[i]
	}
	return m
})

// kbTargets are kube-bench's top-level controls (one per benchmark
// target), keyed by the first component of a check id.
var kbTargets = map[string]struct{ text, nodeType string }{
	"1": {"Control Plane Security Configuration", "master"},
	"2": {"Etcd Node Configuration", "etcd"},
	"3": {"Control Plane Configuration", "controlplane"},
	"4": {"Worker Node Security Configuration", "node"},
	"5": {"Kubernetes Policies", "policies"},
}

// kbGroupTitles names the groups that hold no check of cis-checks.json.
var kbGroupTitles = map[string]string{
	"1.1": "Control Plane Node Configuration Files",
	"3.1": "Authentication and Authorization",
	"4.1": "Worker Node Configuration Files",
	"4.3": "kube-proxy",
}

// kube-bench's --json layout (cmd/common.go, check/controls.go and
// check/check.go upstream): key order as kube-bench emits it, including
// the capitalised keys of fields that have no json tag there.
type kbCheck struct {
	ID             string   `json:"test_number"`
	Text           string   `json:"test_desc"`
	Audit          string   `json:"audit"`
	AuditEnv       string   `json:"AuditEnv"`
	AuditConfig    string   `json:"AuditConfig"`
	Type           string   `json:"type"`
	Remediation    string   `json:"remediation"`
	TestInfo       []string `json:"test_info"`
	Status         string   `json:"status"`
	ActualValue    string   `json:"actual_value"`
	Scored         bool     `json:"scored"`
	IsMultiple     bool     `json:"IsMultiple"`
	ExpectedResult string   `json:"expected_result"`
	Reason         string   `json:"reason,omitempty"`
}

type kbGroup struct {
	ID     string     `json:"section"`
	Type   string     `json:"type"`
	Pass   int        `json:"pass"`
	Fail   int        `json:"fail"`
	Warn   int        `json:"warn"`
	Info   int        `json:"info"`
	Text   string     `json:"desc"`
	Checks []*kbCheck `json:"results"`
}

type kbTotals struct {
	Pass int `json:"total_pass"`
	Fail int `json:"total_fail"`
	Warn int `json:"total_warn"`
	Info int `json:"total_info"`
}

type kbControls struct {
	ID              string     `json:"id"`
	Version         string     `json:"version"`
	DetectedVersion string     `json:"detected_version,omitempty"`
	Text            string     `json:"text"`
	Type            string     `json:"node_type"`
	Groups          []*kbGroup `json:"tests"`
	kbTotals
}

// kube-bench's statuses.
const (
	kbPass = "PASS"
	kbFail = "FAIL"
	kbWarn = "WARN"
	kbInfo = "INFO"
)

// cisID returns the CIS check id a finding refers to ("4.2.1" for the ref
// "CIS 4.2.1"), or "" when no ref is a dotted numeric CIS id.
func cisID(f *kubeharden.Finding) string {
	for _, r := range f.Refs {
		if id, ok := strings.CutPrefix(r, "CIS "); ok && validCISID(id) {
			return id
		}
	}
	return ""
}

// validCISID accepts "2.1", "4.2.10": dot-separated decimal numbers
// without leading zeros, of at least two components, each short enough to
// compare as an int.
func validCISID(id string) bool {
	parts := strings.Split(id, ".")
	if len(parts) < 2 || len(parts) > 6 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 4 || (p[0] == '0' && len(p) > 1) {
			return false
		}
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return false
			}
		}
	}
	return true
}

// lessCISID orders dotted numeric ids numerically ("4.2.10" after "4.2.9").
func lessCISID(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, e1 := strconv.Atoi(as[i])
		y, e2 := strconv.Atoi(bs[i])
		if e1 != nil || e2 != nil {
			if as[i] != bs[i] {
				return as[i] < bs[i]
			}
			continue
		}
		if x != y {
			return x < y
		}
	}
	return len(as) < len(bs)
}

// expectedResult turns a CIS title into the expectation it states:
// "Ensure that the --profiling argument is set to false (Automated)"
// becomes "the --profiling argument is set to false".
func expectedResult(title string) string {
	s := strings.TrimPrefix(title, "Ensure that ")
	s = strings.TrimPrefix(s, "Ensure ")
	for _, suffix := range []string{"(Automated)", "(Manual)"} {
		s = strings.TrimSuffix(s, suffix)
	}
	return strings.TrimSpace(s)
}

// fallbackCheck describes a CIS id outside the inventory (a newer
// benchmark's check, or one an analyzer added) from the rule behind the
// finding: its title, and scored when its severity is medium or above
// (the convention every analyzer follows for CIS rules).
func fallbackCheck(id string, f *kubeharden.Finding, rules map[string]kubeharden.Rule) *cisCheck {
	c := &cisCheck{id: id, section: id[:strings.LastIndexByte(id, '.')], title: f.Message, scored: f.Severity >= kubeharden.SeverityMedium}
	top, _, _ := strings.Cut(id, ".")
	if top == "2" {
		c.section = "2" // the etcd checks form one group
	}
	c.target = kbTargets[top].nodeType
	if r, ok := rules[f.RuleID]; ok && r.Title != "" {
		c.title = r.Title
	}
	return c
}

type kbFinding struct {
	f      *kubeharden.Finding
	origin string // the report's object, or its source
}

// WriteKubeBench renders the CIS findings of res (findings whose Refs hold
// "CIS <id>", from any analyzer) in kube-bench's --json layout, so
// dashboards and scripts that read kube-bench output keep working:
//
//	{"Controls": [...], "Totals": {"total_pass", "total_fail", "total_warn", "total_info"}}
//
// There is one Controls object per benchmark target present (1 master,
// 2 etcd, 3 controlplane, 4 node, 5 policies), one group per CIS section,
// and one result per check, in numeric id order. Titles, groups and the
// scored flag come from the CIS Kubernetes Benchmark v1.12 inventory
// (zcis.go, generated from cis-checks.json); ids outside it take the
// title of their rule in opts.Rules.
//
// Every finding of one check (one per file, per component or per object)
// is folded into its result, with kube-bench's verdicts:
//   - FAIL: a scored check with an unsuppressed failed finding;
//   - WARN: an unscored or manual check with an unsuppressed failed finding
//     (analyzers report manual checks as failed findings to review);
//   - INFO: only suppressed findings failed (kube-bench's --skip), or the
//     check's kube-bench type is "skip";
//   - PASS: every finding passed.
//
// A manual check that an analyzer evaluated statically and found met is
// PASS, where kube-bench, which cannot evaluate it, always says WARN.
// actual_value lists every finding's message (the effective value and
// where it came from), audit names the inputs, remediation is the first
// failed finding's fix. Input errors have no place in the layout; render
// them with another format. Non-CIS findings are left out.
func WriteKubeBench(w io.Writer, res Result, opts Options) error {
	type acc struct {
		meta                  *cisCheck
		failed, suppr, passed []kbFinding
		sources               []string
		seen                  map[string]bool // sources
		origins               map[string]bool
	}
	checks := map[string]*acc{}
	idx := cisIndex()
	var rules map[string]kubeharden.Rule
	for ri := range res.Reports {
		r := &res.Reports[ri]
		origin := r.Object
		if origin == "" {
			origin = r.Source
		}
		for fi := range r.Findings {
			f := &r.Findings[fi]
			id := cisID(f)
			if id == "" {
				continue
			}
			a := checks[id]
			if a == nil {
				meta := idx[id]
				if meta == nil {
					if rules == nil {
						rules = ruleIndex(opts.Rules)
					}
					meta = fallbackCheck(id, f, rules)
				}
				a = &acc{meta: meta, seen: map[string]bool{}, origins: map[string]bool{}}
				checks[id] = a
			}
			kf := kbFinding{f, origin}
			switch {
			case f.Passed:
				a.passed = append(a.passed, kf)
			case f.Suppressed:
				a.suppr = append(a.suppr, kf)
			default:
				a.failed = append(a.failed, kf)
			}
			if r.Source != "" && !a.seen[r.Source] {
				a.seen[r.Source] = true
				a.sources = append(a.sources, r.Source)
			}
			a.origins[origin] = true
		}
	}
	ids := make([]string, 0, len(checks))
	for id := range checks {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return lessCISID(ids[i], ids[j]) })

	controls := []*kbControls{}
	byTarget := map[string]*kbControls{}
	groups := map[string]*kbGroup{}
	var total kbTotals
	for _, id := range ids {
		a := checks[id]
		top, _, _ := strings.Cut(id, ".")
		c := byTarget[top]
		if c == nil {
			t := kbTargets[top]
			c = &kbControls{ID: top, Version: cisBenchmarkID, Text: t.text, Type: t.nodeType, Groups: []*kbGroup{}}
			byTarget[top] = c
			controls = append(controls, c)
		}
		g := groups[a.meta.section]
		if g == nil {
			title := a.meta.sectionTitle
			if title == "" {
				title = kbGroupTitles[a.meta.section]
			}
			g = &kbGroup{ID: a.meta.section, Text: title, Checks: []*kbCheck{}}
			groups[a.meta.section] = g
			c.Groups = append(c.Groups, g)
		}
		ck := &kbCheck{
			ID: id, Text: a.meta.title, Type: a.meta.kbType, Scored: a.meta.scored,
			Audit:          "kubeharden effective configuration: " + strings.Join(a.sources, ", "),
			ExpectedResult: expectedResult(a.meta.title),
		}
		prefix := len(a.origins) > 1
		var msgs []string
		for _, set := range [][]kbFinding{a.failed, a.suppr, a.passed} {
			for _, kf := range set {
				if prefix {
					msgs = append(msgs, kf.origin+": "+kf.f.Message)
				} else {
					msgs = append(msgs, kf.f.Message)
				}
			}
		}
		ck.ActualValue = strings.Join(msgs, "\n")
		var first *kubeharden.Finding
		switch {
		case a.meta.kbType == "skip":
			ck.Status = kbInfo
			ck.Reason = "the check is marked skip"
		case len(a.failed) > 0:
			first = a.failed[0].f
			ck.Status = kbWarn
			if a.meta.scored && a.meta.kbType != "manual" {
				ck.Status = kbFail
			}
			ck.Reason = first.Message
		case len(a.suppr) > 0:
			first = a.suppr[0].f
			ck.Status = kbInfo
			ck.Reason = first.SuppressReason
		default:
			first = a.passed[0].f
			ck.Status = kbPass
		}
		if first != nil {
			ck.Remediation = first.Fix
			if ck.Remediation == "" {
				if rules == nil {
					rules = ruleIndex(opts.Rules)
				}
				ck.Remediation = rules[first.RuleID].Remediation
			}
		}
		ck.TestInfo = []string{ck.Remediation}
		switch ck.Status {
		case kbPass:
			g.Pass++
			c.Pass++
			total.Pass++
		case kbFail:
			g.Fail++
			c.Fail++
			total.Fail++
		case kbWarn:
			g.Warn++
			c.Warn++
			total.Warn++
		default:
			g.Info++
			c.Info++
			total.Info++
		}
		g.Checks = append(g.Checks, ck)
	}
	return json.NewEncoder(w).Encode(struct {
		Controls []*kbControls `json:"Controls"`
		Totals   kbTotals      `json:"Totals"`
	}{controls, total})
}
