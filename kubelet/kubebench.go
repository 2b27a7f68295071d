package kubelet

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

// cisCheck is one CIS check as kube-bench lists it.
type cisCheck struct {
	id, section, sectionTitle, target, title string
	scored                                   bool
	kbType                                   string
}

// cis41 adds the worker-node file checks, which cis-checks.json leaves out
// (they need stat on the node). Titles and scoring as in kube-bench's
// cfg/cis-1.12/node.yaml.
var cis41 = []cisCheck{
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

var cisIndex = sync.OnceValue(func() map[string]cisCheck {
	m := make(map[string]cisCheck, len(cisChecksTable)+len(cis41))
	for _, c := range cisChecksTable {
		m[c.id] = c
	}
	for _, c := range cis41 {
		m[c.id] = c
	}
	return m
})

// kube-bench's top-level controls.
var kbControls = map[string][2]string{
	"1": {"Control Plane Security Configuration", "master"},
	"2": {"Etcd Node Configuration", "etcd"},
	"3": {"Control Plane Configuration", "controlplane"},
	"4": {"Worker Node Security Configuration", "node"},
	"5": {"Kubernetes Policies", "policies"},
}

var kbGroups = map[string]string{
	"1.1": "Control Plane Node Configuration Files", "3.1": "Authentication and Authorization",
	"4.1": "Worker Node Configuration Files", "4.3": "kube-proxy",
}

// kube-bench JSON layout (cmd/common.go, check/controls.go): key order and
// capitalised keys as kube-bench emits them.
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

type kbControlsJSON struct {
	ID              string     `json:"id"`
	Version         string     `json:"version"`
	DetectedVersion string     `json:"detected_version,omitempty"`
	Text            string     `json:"text"`
	Type            string     `json:"node_type"`
	Groups          []*kbGroup `json:"tests"`
	kbTotals
}

// cisRef returns the CIS id of a finding ("4.2.1"), or "".
func cisRef(f kubeharden.Finding) string {
	for _, r := range f.Refs {
		if id, ok := strings.CutPrefix(r, "CIS "); ok {
			return id
		}
	}
	return ""
}

// lessID orders dotted numeric ids ("4.2.10" after "4.2.9").
func lessID(a, b string) bool {
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

// WriteKubeBenchJSON renders the CIS findings of reports (those whose Refs
// hold "CIS <id>") in kube-bench's --json layout: {"Controls": [...],
// "Totals": {...}}, one Controls object per benchmark target (master,
// etcd, controlplane, node, policies), checks sorted by id. Several
// findings for one check (one per file, one per report) are folded into
// one result: FAIL (scored) or WARN (unscored) when any unsuppressed
// finding failed, INFO when only suppressed findings failed, PASS
// otherwise. actual_value lists every finding's message, so the effective
// value and its origin are kept; test_number and status are what
// dashboards key on.
func WriteKubeBenchJSON(w io.Writer, reports []kubeharden.Report) error {
	type acc struct {
		meta     cisCheck
		failed   []kubeharden.Finding
		suppr    []kubeharden.Finding
		passed   []kubeharden.Finding
		sources  []string
		fallback string
	}
	checks := map[string]*acc{}
	idx := cisIndex()
	for _, r := range reports {
		for _, f := range r.Findings {
			id := cisRef(f)
			if id == "" {
				continue
			}
			a := checks[id]
			if a == nil {
				meta, ok := idx[id]
				if !ok {
					sec := id
					if i := strings.LastIndexByte(id, '.'); i > 0 {
						sec = id[:i]
					}
					meta = cisCheck{id: id, section: sec, title: f.Message, scored: f.Severity >= kubeharden.SeverityMedium}
				}
				a = &acc{meta: meta}
				checks[id] = a
			}
			switch {
			case f.Passed:
				a.passed = append(a.passed, f)
			case f.Suppressed:
				a.suppr = append(a.suppr, f)
			default:
				a.failed = append(a.failed, f)
			}
			if len(a.sources) == 0 || a.sources[len(a.sources)-1] != r.Source {
				a.sources = append(a.sources, r.Source)
			}
		}
	}
	ids := make([]string, 0, len(checks))
	for id := range checks {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return lessID(ids[i], ids[j]) })

	var controls []*kbControlsJSON
	byControl := map[string]*kbControlsJSON{}
	groups := map[string]*kbGroup{}
	var total kbTotals
	for _, id := range ids {
		a := checks[id]
		top, _, _ := strings.Cut(id, ".")
		c := byControl[top]
		if c == nil {
			meta := kbControls[top]
			c = &kbControlsJSON{ID: top, Version: cisBenchmarkID, Text: meta[0], Type: meta[1], Groups: []*kbGroup{}}
			byControl[top] = c
			controls = append(controls, c)
		}
		g := groups[a.meta.section]
		if g == nil {
			title := a.meta.sectionTitle
			if title == "" {
				title = kbGroups[a.meta.section]
			}
			g = &kbGroup{ID: a.meta.section, Text: title, Checks: []*kbCheck{}}
			groups[a.meta.section] = g
			c.Groups = append(c.Groups, g)
		}
		ck := &kbCheck{ID: id, Text: a.meta.title, Type: a.meta.kbType, Scored: a.meta.scored,
			Audit: "kubeharden effective configuration: " + strings.Join(a.sources, ", ")}
		ck.ExpectedResult = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(a.meta.title, "(Automated)"), "(Manual)"))
		var msgs []string
		for _, set := range [][]kubeharden.Finding{a.failed, a.suppr, a.passed} {
			for _, f := range set {
				msgs = append(msgs, f.Message)
			}
		}
		ck.ActualValue = strings.Join(msgs, "\n")
		switch {
		case len(a.failed) > 0:
			ck.Status = "WARN"
			if a.meta.scored {
				ck.Status = "FAIL"
			}
			ck.Reason = a.failed[0].Message
			ck.Remediation = a.failed[0].Fix
		case len(a.suppr) > 0:
			ck.Status = "INFO"
			ck.Reason = a.suppr[0].SuppressReason
			ck.Remediation = a.suppr[0].Fix
		default:
			ck.Status = "PASS"
			ck.Remediation = a.passed[0].Fix
		}
		ck.TestInfo = []string{ck.Remediation}
		counters := []*int{&g.Pass, &c.Pass, &total.Pass}
		switch ck.Status {
		case "FAIL":
			counters = []*int{&g.Fail, &c.Fail, &total.Fail}
		case "WARN":
			counters = []*int{&g.Warn, &c.Warn, &total.Warn}
		case "INFO":
			counters = []*int{&g.Info, &c.Info, &total.Info}
		}
		for _, p := range counters {
			*p++
		}
		g.Checks = append(g.Checks, ck)
	}
	if controls == nil {
		controls = []*kbControlsJSON{}
	}
	enc := json.NewEncoder(w)
	return enc.Encode(struct {
		Controls []*kbControlsJSON `json:"Controls"`
		Totals   kbTotals          `json:"Totals"`
	}{controls, total})
}
