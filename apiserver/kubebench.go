package apiserver

import (
	"encoding/json"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/kubeharden/kubeharden"
)

// kube-bench JSON schema (cmd/common.go at a73ce378; cis.md section 10.2).

type kbControls struct {
	ID              string    `json:"id"`
	Version         string    `json:"version"`
	DetectedVersion string    `json:"detected_version,omitempty"`
	Text            string    `json:"text"`
	NodeType        string    `json:"node_type"`
	Tests           []kbGroup `json:"tests"`
	TotalPass       int       `json:"total_pass"`
	TotalFail       int       `json:"total_fail"`
	TotalWarn       int       `json:"total_warn"`
	TotalInfo       int       `json:"total_info"`
}

type kbGroup struct {
	Section string    `json:"section"`
	Type    string    `json:"type"`
	Pass    int       `json:"pass"`
	Fail    int       `json:"fail"`
	Warn    int       `json:"warn"`
	Info    int       `json:"info"`
	Desc    string    `json:"desc"`
	Results []kbCheck `json:"results"`
}

type kbCheck struct {
	TestNumber     string   `json:"test_number"`
	TestDesc       string   `json:"test_desc"`
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

type kbTotals struct {
	Pass int `json:"total_pass"`
	Fail int `json:"total_fail"`
	Warn int `json:"total_warn"`
	Info int `json:"total_info"`
}

var kbTargets = map[string]struct{ text, nodeType string }{
	"1": {"Control Plane Security Configuration", "master"},
	"2": {"Etcd Node Configuration", "etcd"},
	"3": {"Control Plane Configuration", "controlplane"},
	"5": {"Kubernetes Policies", "policies"},
}

var kbGroups = map[string]string{
	"1.1": "Control Plane Node Configuration Files",
	"1.2": "API Server",
	"1.3": "Controller Manager",
	"1.4": "Scheduler",
	"2":   "Etcd Node Configuration",
	"3.2": "Logging",
	"5.5": "Extensible Admission Control",
}

// kubeBenchStatus maps a CIS finding to kube-bench's verdict: PASS, FAIL
// for scored checks not met, WARN for unscored or manual ones, INFO for
// suppressed (skipped) ones.
func kubeBenchStatus(c *cisCheck, f kubeharden.Finding) string {
	switch {
	case f.Suppressed:
		return "INFO"
	case f.Passed:
		return "PASS"
	case c.Scored && !c.Manual:
		return "FAIL"
	}
	return "WARN"
}

func cisNumLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		x, _ := strconv.Atoi(pa[i])
		y, _ := strconv.Atoi(pb[i])
		if x != y {
			return x < y
		}
	}
	return len(pa) < len(pb)
}

// WriteKubeBenchJSON renders the CIS findings of reports in kube-bench's
// JSON layout ({"Controls": [...], "Totals": {...}}, benchmark cis-1.12),
// so dashboards that read kube-bench output keep working. Findings of
// rules outside the CIS inventory are left out; each CIS finding becomes
// one result whose audit names the input, whose actual_value is the
// finding's message (the effective value and its origin) and whose status
// follows kube-bench's vocabulary.
func WriteKubeBenchJSON(w io.Writer, reports []kubeharden.Report) error {
	controls := map[string]*kbControls{}
	groups := map[string]*kbGroup{}
	var totals kbTotals
	for _, r := range reports {
		for _, f := range r.Findings {
			c, ok := cisByRule(f.RuleID)
			if !ok {
				continue
			}
			target := c.ID[:1]
			section := c.ID[:strings.LastIndexByte(c.ID, '.')]
			if target == "2" {
				section = "2"
			}
			ctl := controls[target]
			if ctl == nil {
				t := kbTargets[target]
				ctl = &kbControls{ID: target, Version: "cis-1.12", Text: t.text, NodeType: t.nodeType}
				controls[target] = ctl
			}
			g := groups[section]
			if g == nil {
				g = &kbGroup{Section: section, Desc: kbGroups[section], Results: []kbCheck{}}
				groups[section] = g
			}
			typ := ""
			if c.Manual {
				typ = "manual"
			}
			audit := r.Source
			if f.Path != "" {
				audit += " " + f.Path
			}
			chk := kbCheck{
				TestNumber: c.ID, TestDesc: c.Title, Audit: audit, Type: typ,
				Remediation: f.Fix, TestInfo: []string{f.Fix}, Status: kubeBenchStatus(c, f),
				ActualValue: f.Message, Scored: c.Scored, ExpectedResult: expectation(c.Title),
			}
			if f.Suppressed {
				chk.Reason = f.SuppressReason
			}
			switch chk.Status {
			case "PASS":
				g.Pass++
				ctl.TotalPass++
				totals.Pass++
			case "FAIL":
				g.Fail++
				ctl.TotalFail++
				totals.Fail++
			case "WARN":
				g.Warn++
				ctl.TotalWarn++
				totals.Warn++
			default:
				g.Info++
				ctl.TotalInfo++
				totals.Info++
			}
			g.Results = append(g.Results, chk)
		}
	}
	for section, g := range groups {
		sort.SliceStable(g.Results, func(i, j int) bool { return cisNumLess(g.Results[i].TestNumber, g.Results[j].TestNumber) })
		target := section[:1]
		controls[target].Tests = append(controls[target].Tests, *g)
	}
	out := struct {
		Controls []kbControls `json:"Controls"`
		Totals   kbTotals     `json:"Totals"`
	}{Controls: []kbControls{}, Totals: totals}
	for _, ctl := range controls {
		sort.Slice(ctl.Tests, func(i, j int) bool { return cisNumLess(ctl.Tests[i].Section, ctl.Tests[j].Section) })
		out.Controls = append(out.Controls, *ctl)
	}
	sort.Slice(out.Controls, func(i, j int) bool { return cisNumLess(out.Controls[i].ID, out.Controls[j].ID) })
	enc := json.NewEncoder(w)
	return enc.Encode(out)
}

// expectation turns a CIS title into kube-bench's expected_result style
// text: "Ensure that the --profiling argument is set to false (Automated)"
// becomes "the --profiling argument is set to false".
func expectation(title string) string {
	s := strings.TrimPrefix(title, "Ensure that ")
	s = strings.TrimPrefix(s, "Ensure ")
	if i := strings.LastIndex(s, " ("); i > 0 {
		s = s[:i]
	}
	return s
}
