package report_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/apiserver"
	"github.com/kubeharden/kubeharden/kubelet"
	"github.com/kubeharden/kubeharden/report"
)

// The analyzers are imported by this external test package only: report
// itself imports nothing but the root package.

type kbOut struct {
	Controls []struct {
		ID       string `json:"id"`
		Version  string `json:"version"`
		Text     string `json:"text"`
		NodeType string `json:"node_type"`
		Tests    []struct {
			Section string `json:"section"`
			Type    string `json:"type"`
			Desc    string `json:"desc"`
			Pass    int    `json:"pass"`
			Fail    int    `json:"fail"`
			Warn    int    `json:"warn"`
			Info    int    `json:"info"`
			Results []kbResult
		} `json:"tests"`
		TotalPass int `json:"total_pass"`
		TotalFail int `json:"total_fail"`
		TotalWarn int `json:"total_warn"`
		TotalInfo int `json:"total_info"`
	}
	Totals map[string]int
}

type kbResult struct {
	TestNumber     string   `json:"test_number"`
	TestDesc       string   `json:"test_desc"`
	Audit          string   `json:"audit"`
	AuditEnv       string   `json:"AuditEnv"`
	AuditConfig    string   `json:"AuditConfig"`
	IsMultiple     bool     `json:"IsMultiple"`
	Type           string   `json:"type"`
	Remediation    string   `json:"remediation"`
	TestInfo       []string `json:"test_info"`
	Status         string   `json:"status"`
	ActualValue    string   `json:"actual_value"`
	Scored         bool     `json:"scored"`
	ExpectedResult string   `json:"expected_result"`
	Reason         string   `json:"reason"`
}

// Keys of each object, in kube-bench's order (cis.md 10.2).
var (
	controlsKeys = []string{"id", "version", "text", "node_type", "tests", "total_pass", "total_fail", "total_warn", "total_info"}
	groupKeys    = []string{"section", "type", "pass", "fail", "warn", "info", "desc", "results"}
	checkKeys    = []string{"test_number", "test_desc", "audit", "AuditEnv", "AuditConfig", "type", "remediation", "test_info", "status", "actual_value", "scored", "IsMultiple", "expected_result"}
)

func render(t *testing.T, res report.Result, opts report.Options) (string, kbOut) {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, report.WriteKubeBench(&buf, res, opts))
	var out kbOut
	dec := json.NewDecoder(bytes.NewReader(buf.Bytes()))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&out), "%.300s", buf.String())
	assertKeys(t, buf.Bytes())
	return buf.String(), out
}

// assertKeys checks every object's key set and order against kube-bench's.
func assertKeys(t *testing.T, raw []byte) {
	t.Helper()
	var top struct {
		Controls []json.RawMessage
		Totals   json.RawMessage
	}
	require.NoError(t, json.Unmarshal(raw, &top))
	assert.Equal(t, []string{"total_pass", "total_fail", "total_warn", "total_info"}, keyOrder(t, top.Totals))
	for _, c := range top.Controls {
		assert.Equal(t, controlsKeys, keyOrder(t, c))
		var ctl struct{ Tests []json.RawMessage }
		require.NoError(t, json.Unmarshal(c, &ctl))
		for _, g := range ctl.Tests {
			assert.Equal(t, groupKeys, keyOrder(t, g))
			var grp struct{ Results []json.RawMessage }
			require.NoError(t, json.Unmarshal(g, &grp))
			for _, r := range grp.Results {
				keys := keyOrder(t, r)
				if len(keys) == len(checkKeys)+1 {
					assert.Equal(t, "reason", keys[len(keys)-1])
					keys = keys[:len(keys)-1]
				}
				assert.Equal(t, checkKeys, keys)
			}
		}
	}
}

func keyOrder(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	var keys []string
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok)
	for dec.More() {
		k, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, k.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return keys
}

func results(out kbOut) map[string]kbResult {
	m := map[string]kbResult{}
	for _, c := range out.Controls {
		for _, g := range c.Tests {
			for _, r := range g.Results {
				m[r.TestNumber] = r
			}
		}
	}
	return m
}

func order(out kbOut) []string {
	var ids []string
	for _, c := range out.Controls {
		for _, g := range c.Tests {
			for _, r := range g.Results {
				ids = append(ids, r.TestNumber)
			}
		}
	}
	return ids
}

// assertCounters checks that group, control and overall counters are the
// sums of the statuses listed.
func assertCounters(t *testing.T, out kbOut) {
	t.Helper()
	var tp, tf, tw, ti int
	for _, c := range out.Controls {
		var cp, cf, cw, ci int
		for _, g := range c.Tests {
			n := map[string]int{}
			for _, r := range g.Results {
				n[r.Status]++
			}
			assert.Equal(t, []int{n["PASS"], n["FAIL"], n["WARN"], n["INFO"]}, []int{g.Pass, g.Fail, g.Warn, g.Info}, "group %s", g.Section)
			assert.Equal(t, len(g.Results), g.Pass+g.Fail+g.Warn+g.Info, "group %s: unknown status", g.Section)
			cp, cf, cw, ci = cp+g.Pass, cf+g.Fail, cw+g.Warn, ci+g.Info
		}
		assert.Equal(t, []int{cp, cf, cw, ci}, []int{c.TotalPass, c.TotalFail, c.TotalWarn, c.TotalInfo}, "control %s", c.ID)
		tp, tf, tw, ti = tp+cp, tf+cf, tw+cw, ti+ci
	}
	assert.Equal(t, map[string]int{"total_pass": tp, "total_fail": tf, "total_warn": tw, "total_info": ti}, out.Totals)
}

func cisRule(id, cis string, sev kubeharden.Severity) kubeharden.Rule {
	return kubeharden.Rule{ID: id, Title: "rule " + id, Kind: kubeharden.KindCheck, Severity: sev,
		Refs: []string{"CIS " + cis}, Remediation: "fix " + id}
}

func suppressed(f kubeharden.Finding, why string) kubeharden.Finding {
	f.Suppressed, f.SuppressReason = true, why
	return f
}

func TestWriteKubeBenchStatuses(t *testing.T) {
	var (
		authz    = cisRule("apiserver/AuthorizationNotAlwaysAllow", "1.2.6", kubeharden.SeverityCritical) // scored
		pull     = cisRule("apiserver/AdmissionAlwaysPullImages", "1.2.11", kubeharden.SeverityLow)       // unscored
		timeout  = cisRule("apiserver/RequestTimeout", "1.2.20", kubeharden.SeverityInfo)                 // manual
		webhook  = cisRule("apiserver/ImagePolicyWebhook", "5.5.1", kubeharden.SeverityLow)               // manual in kube-bench
		anon     = cisRule("kubelet/AnonymousAuth", "4.2.1", kubeharden.SeverityHigh)                     // scored
		ro       = cisRule("kubelet/ReadOnlyPort", "4.2.4", kubeharden.SeverityLow)                       // unscored
		svcPerm  = cisRule("kubelet/ServiceFilePermissions", "4.1.1", kubeharden.SeverityMedium)          // scored, file check
		future   = cisRule("kubelet/Future", "4.2.99", kubeharden.SeverityMedium)                         // outside the inventory
		futureLo = cisRule("kubelet/FutureLow", "4.3.1", kubeharden.SeverityLow)                          // outside, unscored
		etcdNew  = cisRule("apiserver/EtcdNew", "2.42", kubeharden.SeverityHigh)                          // outside, etcd group
		wildcard = kubeharden.Rule{ID: "manifest/rbac/Wildcard", Severity: kubeharden.SeverityHigh, Points: -10,
			Refs: []string{"kubesec X", "CIS 5.1.3", "Trivy KSV-0044"}} // CIS ref not first; unscored in CIS
	)
	opts := report.Options{Rules: []kubeharden.Rule{future, futureLo, etcdNew}}
	tests := []struct {
		name     string
		reports  []kubeharden.Report
		id       string
		status   string
		typ      string
		scored   bool
		desc     string
		group    string
		reason   string
		actual   string
		remedies string
	}{
		{name: "scored check not met", id: "1.2.6", status: "FAIL", scored: true, group: "1.2",
			desc:    "Ensure that the --authorization-mode argument is not set to AlwaysAllow (Automated)",
			reports: []kubeharden.Report{{Source: "a.yaml", Findings: []kubeharden.Finding{authz.Fail("AlwaysAllow is in the chain", "--authorization-mode")}}},
			reason:  "AlwaysAllow is in the chain", actual: "AlwaysAllow is in the chain", remedies: "fix apiserver/AuthorizationNotAlwaysAllow"},
		{name: "unscored check not met", id: "1.2.11", status: "WARN", group: "1.2",
			desc:    "Ensure that the admission control plugin AlwaysPullImages is set (Manual)",
			reports: []kubeharden.Report{{Source: "a.yaml", Findings: []kubeharden.Finding{pull.Fail("not enabled", "")}}},
			reason:  "not enabled", actual: "not enabled", remedies: "fix apiserver/AdmissionAlwaysPullImages"},
		{name: "manual check to review", id: "1.2.20", status: "WARN", typ: "manual", group: "1.2",
			desc:    "Ensure that the --request-timeout argument is set as appropriate (Manual)",
			reports: []kubeharden.Report{{Source: "a.yaml", Findings: []kubeharden.Finding{timeout.Fail("default 1m0s", "")}}},
			reason:  "default 1m0s", actual: "default 1m0s", remedies: "fix apiserver/RequestTimeout"},
		// kube-bench always WARNs a manual check because it cannot run it;
		// an analyzer that evaluated it from static input and found it met
		// is reported as PASS (apiserver evaluates 5.5.1 from the
		// AdmissionConfiguration).
		{name: "manual check evaluated and met", id: "5.5.1", status: "PASS", typ: "manual", group: "5.5",
			desc:    "Configure Image Provenance using ImagePolicyWebhook admission controller (Manual)",
			reports: []kubeharden.Report{{Source: "a.yaml", Findings: []kubeharden.Finding{webhook.Pass("fail-closed", "")}}},
			actual:  "fail-closed", remedies: "fix apiserver/ImagePolicyWebhook"},
		{name: "suppressed is INFO", id: "1.2.6", status: "INFO", scored: true, group: "1.2",
			desc:    "Ensure that the --authorization-mode argument is not set to AlwaysAllow (Automated)",
			reports: []kubeharden.Report{{Source: "a.yaml", Findings: []kubeharden.Finding{suppressed(authz.Fail("AlwaysAllow", ""), "lab cluster")}}},
			reason:  "lab cluster", actual: "AlwaysAllow", remedies: "fix apiserver/AuthorizationNotAlwaysAllow"},
		{name: "passed", id: "4.2.1", status: "PASS", scored: true, group: "4.2",
			desc:    "Ensure that the --anonymous-auth argument is set to false (Automated)",
			reports: []kubeharden.Report{{Source: "config.yaml", Findings: []kubeharden.Finding{anon.Pass("anonymous auth is off", "authentication.anonymous.enabled")}}},
			actual:  "anonymous auth is off", remedies: "fix kubelet/AnonymousAuth"},
		{name: "one failure among passes fails the check", id: "4.2.1", status: "FAIL", scored: true, group: "4.2",
			desc: "Ensure that the --anonymous-auth argument is set to false (Automated)",
			reports: []kubeharden.Report{
				{Source: "n1/kubelet.service", Object: "node n1", Findings: []kubeharden.Finding{anon.Pass("off", "")}},
				{Source: "n2/kubelet.service", Object: "node n2", Findings: []kubeharden.Finding{anon.Fail("on (default)", "")}},
			},
			reason: "on (default)", actual: "node n2: on (default)\nnode n1: off", remedies: "fix kubelet/AnonymousAuth"},
		{name: "suppressed failure and a pass is INFO", id: "4.2.4", status: "INFO", group: "4.2",
			desc:    "Verify that if defined, the --read-only-port argument is set to 0 (Manual)",
			reports: []kubeharden.Report{{Source: "k", Findings: []kubeharden.Finding{ro.Pass("0", ""), suppressed(ro.Fail("10255", ""), "accepted")}}},
			reason:  "accepted", actual: "10255\n0", remedies: "fix kubelet/ReadOnlyPort"},
		{name: "file check outside cis-checks.json", id: "4.1.1", status: "FAIL", scored: true, group: "4.1",
			desc:    "Ensure that the kubelet service file permissions are set to 600 or more restrictive (Automated)",
			reports: []kubeharden.Report{{Source: "k", Findings: []kubeharden.Finding{svcPerm.Fail("0644", "")}}},
			reason:  "0644", actual: "0644", remedies: "fix kubelet/ServiceFilePermissions"},
		{name: "unknown id takes the rule's title; medium is scored", id: "4.2.99", status: "FAIL", scored: true, group: "4.2",
			desc:    "rule kubelet/Future",
			reports: []kubeharden.Report{{Source: "k", Findings: []kubeharden.Finding{future.Fail("bad", "")}}},
			reason:  "bad", actual: "bad", remedies: "fix kubelet/Future"},
		{name: "unknown id, low severity is unscored", id: "4.3.1", status: "WARN", group: "4.3",
			desc:    "rule kubelet/FutureLow",
			reports: []kubeharden.Report{{Source: "k", Findings: []kubeharden.Finding{futureLo.Fail("bad", "")}}},
			reason:  "bad", actual: "bad", remedies: "fix kubelet/FutureLow"},
		{name: "unknown etcd id joins the etcd group", id: "2.42", status: "FAIL", scored: true, group: "2",
			desc:    "rule apiserver/EtcdNew",
			reports: []kubeharden.Report{{Source: "etcd.yaml", Findings: []kubeharden.Finding{etcdNew.Fail("bad", "")}}},
			reason:  "bad", actual: "bad", remedies: "fix apiserver/EtcdNew"},
		{name: "CIS ref after other refs; fix without remediation falls back to empty", id: "5.1.3", status: "WARN", typ: "", group: "5.1",
			desc:    "Minimize wildcard use in Roles and ClusterRoles (Manual)",
			reports: []kubeharden.Report{{Source: "rbac.yaml", Object: "ClusterRole/x", Findings: []kubeharden.Finding{wildcard.Fail(`verbs: ["*"]`, "rules[0].verbs")}}},
			reason:  `verbs: ["*"]`, actual: `verbs: ["*"]`, remedies: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, out := render(t, report.Result{Reports: tc.reports}, opts)
			assertCounters(t, out)
			require.Len(t, out.Controls, 1)
			require.Len(t, out.Controls[0].Tests, 1)
			g := out.Controls[0].Tests[0]
			require.Len(t, g.Results, 1)
			r := g.Results[0]
			assert.Equal(t, tc.group, g.Section)
			assert.Equal(t, tc.id, r.TestNumber)
			assert.Equal(t, tc.status, r.Status)
			assert.Equal(t, tc.typ, r.Type)
			assert.Equal(t, tc.scored, r.Scored)
			assert.Equal(t, tc.desc, r.TestDesc)
			assert.Equal(t, tc.reason, r.Reason)
			assert.Equal(t, tc.actual, r.ActualValue)
			assert.Equal(t, tc.remedies, r.Remediation)
			assert.Equal(t, []string{tc.remedies}, r.TestInfo)
			assert.Equal(t, "cis-1.12", out.Controls[0].Version)
		})
	}
}

// One check, the whole document: key order, capitalised keys, omitted
// detected_version and reason, and encoding/json's HTML escaping, as
// kube-bench writes them.
func TestWriteKubeBenchExactLayout(t *testing.T) {
	r := cisRule("apiserver/APIServerProfiling", "1.2.15", kubeharden.SeverityMedium)
	f := r.Pass("--profiling=false (command[3]) <ok> & done", "--profiling")
	f.Fix = "Set --profiling=false on kube-apiserver."
	raw, _ := render(t, report.Result{Reports: []kubeharden.Report{{Source: "etc/kubernetes/manifests/kube-apiserver.yaml", Findings: []kubeharden.Finding{f}}}}, report.Options{})
	want := `{"Controls":[{"id":"1","version":"cis-1.12","text":"Control Plane Security Configuration","node_type":"master","tests":[` +
		`{"section":"1.2","type":"","pass":1,"fail":0,"warn":0,"info":0,"desc":"API Server","results":[` +
		`{"test_number":"1.2.15","test_desc":"Ensure that the --profiling argument is set to false (Automated)",` +
		`"audit":"kubeharden effective configuration: etc/kubernetes/manifests/kube-apiserver.yaml","AuditEnv":"","AuditConfig":"","type":"",` +
		`"remediation":"Set --profiling=false on kube-apiserver.","test_info":["Set --profiling=false on kube-apiserver."],"status":"PASS",` +
		`"actual_value":"--profiling=false (command[3]) \u003cok\u003e \u0026 done","scored":true,"IsMultiple":false,` +
		`"expected_result":"the --profiling argument is set to false"}]}],` +
		`"total_pass":1,"total_fail":0,"total_warn":0,"total_info":0}],` +
		`"Totals":{"total_pass":1,"total_fail":0,"total_warn":0,"total_info":0}}` + "\n"
	assert.Equal(t, want, raw)
}

func TestWriteKubeBenchEmpty(t *testing.T) {
	const empty = `{"Controls":[],"Totals":{"total_pass":0,"total_fail":0,"total_warn":0,"total_info":0}}` + "\n"
	raw, _ := render(t, report.Result{}, report.Options{})
	assert.Equal(t, empty, raw)
	// Findings without a CIS id and input errors are left out.
	res := report.Result{
		Reports: []kubeharden.Report{{Source: "a.yaml", Findings: []kubeharden.Finding{
			apiserver.RuleVersionSkew.Fail("kubelet is newer", "kubelet"),
			{RuleID: "x/Y", Refs: []string{"CIS Docker 4.1"}},
		}}},
		Errors: []*kubeharden.InputError{{Source: "b.yaml", Err: errors.New("bad")}},
	}
	raw, _ = render(t, res, report.Options{})
	assert.Equal(t, empty, raw)
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestWriteKubeBenchWriterError(t *testing.T) {
	err := report.WriteKubeBench(failWriter{}, report.Result{}, report.Options{})
	assert.ErrorIs(t, err, io.ErrClosedPipe)
}

func TestFormatKubeBench(t *testing.T) {
	f, err := report.ParseFormat("kube-bench")
	require.NoError(t, err)
	assert.Equal(t, report.FormatKubeBench, f)
	assert.Contains(t, report.Formats(), report.FormatKubeBench)
	_, err = report.ParseFormat("kubebench")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "kube-bench")

	res := report.Result{Reports: []kubeharden.Report{{Source: "k", Findings: []kubeharden.Finding{
		cisRule("kubelet/AnonymousAuth", "4.2.1", kubeharden.SeverityHigh).Fail("on", "")}}}}
	var a, b bytes.Buffer
	require.NoError(t, report.Write(&a, report.FormatKubeBench, res, report.Options{}))
	require.NoError(t, report.WriteKubeBench(&b, res, report.Options{}))
	assert.Equal(t, b.String(), a.String())
}

// kubelet's insecure node layout (testdata of the kubelet package).
func TestWriteKubeBenchKubeletNode(t *testing.T) {
	r, err := kubelet.AssessNode(os.DirFS("../kubelet/testdata/nodes/insecure"), kubelet.NodeOptions{Files: map[string]kubelet.FileInfo{}})
	require.NoError(t, err)
	_, out := render(t, report.Result{Reports: []kubeharden.Report{r}}, report.Options{Rules: kubelet.Rules()})
	assertCounters(t, out)
	require.Len(t, out.Controls, 1)
	c := out.Controls[0]
	assert.Equal(t, "4", c.ID)
	assert.Equal(t, "cis-1.12", c.Version)
	assert.Equal(t, "node", c.NodeType)
	assert.Equal(t, "Worker Node Security Configuration", c.Text)
	require.Len(t, c.Tests, 2)
	assert.Equal(t, "4.1", c.Tests[0].Section)
	assert.Equal(t, "Worker Node Configuration Files", c.Tests[0].Desc)
	assert.Equal(t, "4.2", c.Tests[1].Section)
	assert.Equal(t, "Kubelet", c.Tests[1].Desc)
	rs := results(out)
	status := func(id string) string { return rs[id].Status }
	assert.Equal(t, "FAIL", status("4.2.1"), "scored")
	assert.Equal(t, "WARN", status("4.2.4"), "unscored")
	assert.Equal(t, "PASS", status("4.2.6"))
	assert.Equal(t, "PASS", status("4.1.3"), "no proxy kubeconfig: not applicable")
	assert.Equal(t, "FAIL", status("4.1.9"), "no metadata given: cannot evaluate")
	assert.Len(t, rs, 24)
	assert.Equal(t, c.TotalFail, out.Totals["total_fail"])
	ids := order(out)
	assert.Equal(t, []string{"4.1.1", "4.1.2", "4.1.3"}, ids[:3])
	assert.Equal(t, "4.2.10", ids[10+9], "numeric order: 4.2.10 after 4.2.9")
	for id, res := range rs {
		assert.Equal(t, "kubeharden effective configuration: "+r.Source, res.Audit, id)
		assert.NotEmpty(t, res.ActualValue, id)
		assert.NotEqual(t, res.ActualValue, res.TestDesc, "%s: title from the inventory", id)
	}
}

// modeFS gives every file of a layout 0600 and directories 0700 (git keeps
// no modes), what a hardened kubeadm node has for the files CIS 1.1 names.
type modeFS struct{ fs.FS }

type modeInfo struct{ fs.FileInfo }

func (m modeInfo) Mode() fs.FileMode {
	if m.IsDir() {
		return fs.ModeDir | 0o700
	}
	return 0o600
}

func (m modeFS) Stat(name string) (fs.FileInfo, error) {
	fi, err := fs.Stat(m.FS, name)
	if err != nil {
		return nil, err
	}
	return modeInfo{fi}, nil
}

type modeEntry struct {
	fs.DirEntry
	m    modeFS
	name string
}

func (e modeEntry) Info() (fs.FileInfo, error) { return e.m.Stat(e.name) }

func (m modeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	es, err := fs.ReadDir(m.FS, name)
	if err != nil {
		return nil, err
	}
	out := make([]fs.DirEntry, len(es))
	for i, e := range es {
		out[i] = modeEntry{e, m, name + "/" + e.Name()}
	}
	return out, nil
}

// etcdOwner: root owns everything but the etcd data directory.
func etcdOwner(name string) (int, int, bool) {
	if strings.HasPrefix(name, "var/lib/etcd") {
		return 996, 996, true
	}
	return 0, 0, true
}

func controlPlane(t testing.TB, layout string) []kubeharden.Report {
	t.Helper()
	reps, err := apiserver.AssessControlPlane(modeFS{os.DirFS("../apiserver/testdata/" + layout)}, apiserver.NodeOptions{Owner: etcdOwner})
	require.NoError(t, err)
	return reps
}

// apiserver's insecure control-plane layout.
func TestWriteKubeBenchControlPlane(t *testing.T) {
	reps := controlPlane(t, "insecure")
	_, out := render(t, report.Result{Reports: reps}, report.Options{Rules: apiserver.Rules()})
	assertCounters(t, out)
	var ids, types []string
	for _, c := range out.Controls {
		ids = append(ids, c.ID)
		types = append(types, c.NodeType)
	}
	assert.Equal(t, []string{"1", "2", "3", "5"}, ids)
	assert.Equal(t, []string{"master", "etcd", "controlplane", "policies"}, types)
	var sections []string
	for _, g := range out.Controls[0].Tests {
		sections = append(sections, g.Section)
	}
	assert.Equal(t, []string{"1.1", "1.2", "1.3", "1.4"}, sections)
	assert.Equal(t, "2", out.Controls[1].Tests[0].Section, "etcd checks form one group")
	rs := results(out)
	assert.Equal(t, "FAIL", rs["1.2.6"].Status, "scored check not met")
	assert.Equal(t, "WARN", rs["1.2.11"].Status, "unscored check not met")
	assert.Equal(t, "WARN", rs["1.2.20"].Status, "manual check")
	assert.Equal(t, "manual", rs["1.2.20"].Type)
	assert.Equal(t, "PASS", rs["1.2.1"].Status, "anonymous auth reset by AlwaysAllow")
	assert.Equal(t, "FAIL", rs["1.3.7"].Status, "bind address default 0.0.0.0 (kube-bench passes it)")
	assert.Equal(t, "the --profiling argument is set to false", rs["1.2.15"].ExpectedResult)
	assert.Contains(t, rs["1.2.6"].Audit, "kube-apiserver.yaml")
	sum := out.Totals["total_pass"] + out.Totals["total_fail"] + out.Totals["total_warn"] + out.Totals["total_info"]
	assert.Equal(t, len(rs), sum, "one result per check")
	assert.Greater(t, sum, 40)
	ids = order(out)
	for i := 1; i < len(ids); i++ {
		assert.NotEqual(t, ids[i-1], ids[i], "one result per check")
	}

	// A suppressed CIS finding is INFO; non-CIS findings are left out.
	var profiling kubeharden.Rule
	for _, r := range apiserver.Rules() {
		if r.ID == "apiserver/APIServerProfiling" {
			profiling = r
		}
	}
	require.NotEmpty(t, profiling.ID)
	r := kubeharden.Report{Findings: []kubeharden.Finding{
		suppressed(profiling.Fail("x", "--profiling"), "accepted"),
		apiserver.RuleVersionSkew.Fail("y", "kubelet"),
	}}
	raw, _ := render(t, report.Result{Reports: []kubeharden.Report{r}}, report.Options{})
	assert.Contains(t, raw, `"status":"INFO"`)
	assert.NotContains(t, raw, "kubelet")
	assert.Contains(t, raw, `"Totals":{"total_pass":0,"total_fail":0,"total_warn":0,"total_info":1}`)
}

// A whole node (kubelet and control plane): every target in order, each
// check once, totals over both analyzers.
func TestWriteKubeBenchWholeNode(t *testing.T) {
	for _, layout := range []string{"hardened", "insecure"} {
		t.Run(layout, func(t *testing.T) {
			kr, err := kubelet.AssessNode(os.DirFS("../kubelet/testdata/nodes/"+layout), kubelet.NodeOptions{})
			require.NoError(t, err)
			reps := append(controlPlane(t, layout), kr)
			_, out := render(t, report.Result{Reports: reps}, report.Options{})
			assertCounters(t, out)
			var ids []string
			for _, c := range out.Controls {
				ids = append(ids, c.ID)
			}
			assert.Equal(t, []string{"1", "2", "3", "4", "5"}, ids)
			order := order(out)
			seen := map[string]bool{}
			for i, id := range order {
				assert.False(t, seen[id], "%s listed twice", id)
				seen[id] = true
				if i > 0 {
					assert.True(t, numLess(order[i-1], id), "%s before %s", order[i-1], id)
				}
			}
			if layout == "hardened" {
				for id, r := range results(out) {
					assert.NotEqual(t, "FAIL", r.Status, "%s on the hardened node: %s", id, r.ActualValue)
				}
				assert.Equal(t, "PASS", results(out)["5.5.1"].Status, "manual in kube-bench, evaluated here")
				assert.Equal(t, "WARN", results(out)["1.2.20"].Status, "manual, left to review")
			}
		})
	}
}

// numLess is an independent numeric order on dotted ids for the tests.
func numLess(a, b string) bool {
	pad := func(s string) string {
		var out []string
		for _, p := range strings.Split(s, ".") {
			out = append(out, strings.Repeat("0", 4-len(p))+p)
		}
		return strings.Join(out, ".")
	}
	return pad(a) < pad(b)
}

// Every CIS rule of the node analyzers is in the inventory, and the
// severity of the rules that implement a check agrees with its scored flag
// (scored: medium or above, so a failure is FAIL; unscored: low or info,
// so it is WARN). Those are all of kubelet's CIS rules and apiserver's
// rules titled as their check; apiserver's other rules with a CIS ref
// (plaintext secrets, fail-open image policy, ignored scheduler flags)
// carry their own severity and fold into the check's result.
func TestAnalyzerCISRulesInInventory(t *testing.T) {
	n := 0
	for _, pkg := range []struct {
		name  string
		rules []kubeharden.Rule
	}{{"kubelet", kubelet.Rules()}, {"apiserver", apiserver.Rules()}} {
		for _, r := range pkg.rules {
			cis := ""
			for _, ref := range r.Refs {
				if id, ok := strings.CutPrefix(ref, "CIS "); ok {
					cis = id
				}
			}
			if cis == "" {
				continue
			}
			const msg = "a message no title has"
			_, out := render(t, report.Result{Reports: []kubeharden.Report{{Source: "x", Findings: []kubeharden.Finding{r.Fail(msg, "")}}}}, report.Options{})
			res, ok := results(out)[cis]
			require.True(t, ok, r.ID)
			assert.NotEqual(t, msg, res.TestDesc, "%s: CIS %s is not in the inventory", r.ID, cis)
			want := "WARN"
			if res.Scored {
				want = "FAIL"
			}
			assert.Equal(t, want, res.Status, r.ID)
			if pkg.name == "apiserver" && r.Title != res.TestDesc {
				continue
			}
			n++
			assert.Equal(t, res.Scored, r.Severity >= kubeharden.SeverityMedium, "%s (CIS %s): severity %s", r.ID, cis, r.Severity)
		}
	}
	assert.Greater(t, n, 80, "kubelet 4.1/4.2 and apiserver 1.x/2/3.2/5.5.1 checks")
}

func BenchmarkWriteKubeBench(b *testing.B) {
	kr, err := kubelet.AssessNode(os.DirFS("../kubelet/testdata/nodes/insecure"), kubelet.NodeOptions{Files: map[string]kubelet.FileInfo{}})
	if err != nil {
		b.Fatal(err)
	}
	res := report.Result{Reports: append(controlPlane(b, "insecure"), kr)}
	b.ReportAllocs()
	for b.Loop() {
		if err := report.WriteKubeBench(io.Discard, res, report.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzWriteKubeBench: findings with arbitrary refs and messages (one per
// line: "ref<TAB>message<TAB>flags", flags holding p for passed and s for
// suppressed) always render valid JSON whose counters add up.
func FuzzWriteKubeBench(f *testing.F) {
	f.Add([]byte("CIS 4.2.1\tanonymous on\t\nCIS 4.2.1\toff\tp\nCIS 1.2.20\ttimeout\ts\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r kubeharden.Report
		for i, line := range strings.Split(string(data), "\n") {
			if i > 200 {
				break
			}
			parts := strings.SplitN(line, "\t", 3)
			for len(parts) < 3 {
				parts = append(parts, "")
			}
			r.Findings = append(r.Findings, kubeharden.Finding{RuleID: "x/Y", Refs: []string{parts[0]}, Message: parts[1],
				Passed: strings.Contains(parts[2], "p"), Suppressed: strings.Contains(parts[2], "s"), Severity: kubeharden.Severity(len(parts[2]) % 5)})
		}
		var buf bytes.Buffer
		require.NoError(t, report.WriteKubeBench(&buf, report.Result{Reports: []kubeharden.Report{r}}, report.Options{}))
		var out kbOut
		require.NoError(t, json.Unmarshal(buf.Bytes(), &out))
		assertCounters(t, out)
	})
}
