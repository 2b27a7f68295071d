package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubeharden/kubeharden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xeipuuv/gojsonschema"

	// The SARIF 2.1.0 schema ships inside go-sarif; importing the package
	// keeps the module (and so the schema file) in go.sum for this test.
	_ "github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

// validateSARIFSchema checks raw output against the OASIS SARIF 2.1.0 JSON
// schema, read from the go-sarif module's source in the module cache.
func validateSARIFSchema(t *testing.T, out []byte) {
	t.Helper()
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/owenrumney/go-sarif/v3")
	dir, err := cmd.Output()
	require.NoError(t, err, "locating go-sarif in the module cache")
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), "pkg", "report", "v210", "sarif", "schema.go"))
	require.NoError(t, err)
	start := bytes.IndexByte(src, '`')
	end := bytes.LastIndexByte(src, '`')
	require.Greater(t, end, start)
	result, err := gojsonschema.Validate(gojsonschema.NewBytesLoader(src[start+1:end]), gojsonschema.NewBytesLoader(out))
	require.NoError(t, err)
	for _, e := range result.Errors() {
		t.Errorf("SARIF schema: %s", e)
	}
	assert.True(t, result.Valid())
}

var (
	privileged = kubeharden.Rule{ID: "manifest/Privileged", Title: "Privileged container", Description: "Privileged containers can reach the host.",
		Kind: kubeharden.KindRisk, Severity: kubeharden.SeverityCritical, Points: -30, Refs: []string{"kubesec Privileged"},
		Remediation: "set securityContext.privileged to false"}
	readOnly = kubeharden.Rule{ID: "manifest/ReadOnlyRootFilesystem", Title: "Read-only root filesystem",
		Kind: kubeharden.KindHardening, Severity: kubeharden.SeverityLow, Points: 1, Refs: []string{"kubesec ReadOnlyRootFilesystem"}}
	hostHint = kubeharden.Rule{ID: "manifest/HostPort", Title: "hostPort", Kind: kubeharden.KindRisk, Severity: kubeharden.SeverityMedium, Points: -2}
)

func sample() Result {
	f1 := privileged.Fail(`container "app" runs privileged`, "spec.template.spec.containers[0].securityContext.privileged")
	f1.Position = kubeharden.Position{File: "deploy/web.yaml", Line: 42, Column: 13, Exact: true}
	f1.Refs = append(append([]string(nil), f1.Refs...), "kubesec-selector containers[] .securityContext .privileged == true")
	f1.Message = "Privileged containers can allow almost completely unrestricted host access"
	f1.Patch = []kubeharden.PatchOp{{Op: "replace", Path: "/spec/template/spec/containers/0/securityContext/privileged", Value: false}}
	f2 := readOnly.Fail("Root filesystem is writable", "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem")
	f3 := hostHint.Fail(`container "app" binds hostPort 80`, "spec.template.spec.containers[0].ports[0].hostPort")
	f3.Suppressed, f3.SuppressReason = true, "needed for the ingress controller"
	r1 := kubeharden.Report{Source: "deploy/web.yaml", Document: 0, Object: "Deployment/web.shop", Kind: "Deployment",
		Findings: []kubeharden.Finding{f2, f1, f3}}
	r1.ComputeScore()
	r2 := kubeharden.Report{Source: "deploy/web.yaml", Document: 1, Object: "Pod/ok.default", Kind: "Pod",
		Findings: []kubeharden.Finding{readOnly.Pass("read-only root", "spec.containers[0].securityContext.readOnlyRootFilesystem")}}
	r2.ComputeScore()
	return Result{
		Reports: []kubeharden.Report{r2, r1},
		Errors:  []*kubeharden.InputError{{Source: "deploy/bad.yaml", Document: 2, Line: 7, Err: errors.New("syntax error: mapping values are not allowed")}},
	}
}

func render(t *testing.T, f Format, opts Options) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, Write(&b, f, sample(), opts))
	return b.String()
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats() {
		got, err := ParseFormat(string(f))
		require.NoError(t, err)
		assert.Equal(t, f, got)
	}
	_, err := ParseFormat("yaml")
	assert.Error(t, err)
}

func TestText(t *testing.T) {
	out := render(t, FormatText, Options{})
	assert.NotContains(t, out, "\x1b[", "no colour unless asked")
	assert.Contains(t, out, "deploy/web.yaml\n")
	assert.Contains(t, out, "Deployment/web.shop  score -30")
	assert.Contains(t, out, "CRITICAL manifest/Privileged 42:13")
	assert.Contains(t, out, "fix: set securityContext.privileged to false")
	assert.Contains(t, out, "SUPPRESSED manifest/HostPort")
	assert.Contains(t, out, "deploy/bad.yaml: document 2: line 7: syntax error")
	assert.Contains(t, out, "2 objects, 2 failed findings (1 critical, 0 high, 0 medium, 1 low, 0 info), 1 passed, 1 suppressed, 1 input errors")
	// Critical findings come before low ones within an object.
	assert.Less(t, strings.Index(out, "manifest/Privileged"), strings.Index(out, "manifest/ReadOnlyRootFilesystem"))
	colour := render(t, FormatText, Options{Color: true, ShowPassed: true})
	assert.Contains(t, colour, "\x1b[31m")
	assert.Contains(t, colour, "PASS")
}

func TestJSONContract(t *testing.T) {
	out := render(t, FormatJSON, Options{Tool: Tool{Name: "kubeharden", Version: "v0.1.0"}})
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, map[string]any{"name": "kubeharden", "version": "v0.1.0"}, got["tool"])
	reports := got["reports"].([]any)
	require.Len(t, reports, 2)
	web := reports[0].(map[string]any)
	assert.Equal(t, "Deployment/web.shop", web["object"])
	assert.Equal(t, float64(-30), web["score"])
	f := web["findings"].([]any)[0].(map[string]any)
	want := map[string]any{
		"rule": "manifest/Privileged", "severity": "critical", "points": float64(-30), "passed": false,
		"message": "Privileged containers can allow almost completely unrestricted host access",
		"path":    "spec.template.spec.containers[0].securityContext.privileged", "line": float64(42), "column": float64(13),
		"fix": "set securityContext.privileged to false", "suppressed": false,
		"refs":  []any{"kubesec Privileged", "kubesec-selector containers[] .securityContext .privileged == true"},
		"patch": []any{map[string]any{"op": "replace", "path": "/spec/template/spec/containers/0/securityContext/privileged", "value": false}},
	}
	assert.Equal(t, want, f)
	errs := got["errors"].([]any)
	require.Len(t, errs, 1)
	assert.Equal(t, map[string]any{"source": "deploy/bad.yaml", "document": float64(2), "line": float64(7), "message": "syntax error: mapping values are not allowed"}, errs[0])
}

func TestKubesecSchema(t *testing.T) {
	out := render(t, FormatKubesec, Options{})
	// Key order and indentation are kubesec's.
	assert.True(t, strings.HasPrefix(out, "[\n  {\n    \"object\": \"Pod/ok.default\",\n    \"valid\": true,\n    \"fileName\": \"deploy/web.yaml\",\n    \"message\": \"Passed with a score of 1 points\",\n    \"score\": 1,\n    \"scoring\": {\n      \"passed\": ["), out)
	var got []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Len(t, got, 3)
	web := got[1]
	assert.Equal(t, "Failed with a score of -30 points", web["message"])
	scoring := web["scoring"].(map[string]any)
	crit := scoring["critical"].([]any)
	require.Len(t, crit, 1, "the suppressed hostPort finding is not listed")
	assert.Equal(t, map[string]any{"id": "Privileged", "selector": "containers[] .securityContext .privileged == true",
		"reason": "Privileged containers can allow almost completely unrestricted host access", "points": float64(-30)}, crit[0])
	assert.Len(t, scoring["advise"], 1)
	assert.NotContains(t, scoring, "passed", "empty lists are omitted")
	bad := got[2]
	assert.Equal(t, false, bad["valid"])
	assert.Equal(t, map[string]any{}, bad["scoring"])
}

func TestKubesecSortOrder(t *testing.T) {
	l := []kubesecRule{{ID: "a", Points: 1, Selector: "b"}, {ID: "b", Points: 3, Selector: "z"}, {ID: "c", Points: 1, Selector: "a"}}
	sortKubesec(l)
	assert.Equal(t, []string{"b", "c", "a"}, []string{l[0].ID, l[1].ID, l[2].ID})
	n := []kubesecRule{{ID: "x", Points: -1}, {ID: "y", Points: -30}, {ID: "z", Points: -7}}
	sortKubesec(n)
	assert.Equal(t, []string{"y", "z", "x"}, []string{n[0].ID, n[1].ID, n[2].ID})
}

func TestSARIFAcceptedByGitHub(t *testing.T) {
	opts := Options{Tool: Tool{Version: "v0.1.0"}, Rules: []kubeharden.Rule{privileged, readOnly, hostHint}, BaseDir: "."}
	out := render(t, FormatSARIF, opts)
	// Validate the bytes against the official SARIF 2.1.0 JSON schema.
	validateSARIFSchema(t, []byte(out))

	var got sarifLog
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, "2.1.0", got.Version)
	require.Len(t, got.Runs, 1)
	run := got.Runs[0]
	assert.Equal(t, "0.1.0", run.Tool.Driver.SemanticVersion)
	for _, r := range run.Tool.Driver.Rules {
		assert.NotEmpty(t, r.ShortDescription.Text, r.ID)
		assert.NotEmpty(t, r.FullDescription.Text, r.ID)
		assert.NotEmpty(t, r.Help.Text, r.ID)
		assert.NotEmpty(t, r.Properties.SecuritySeverity, r.ID)
	}
	require.Len(t, run.Results, 3)
	for _, res := range run.Results {
		assert.NotEmpty(t, res.Message.Text)
		assert.Equal(t, res.RuleID, run.Tool.Driver.Rules[res.RuleIndex].ID)
		loc := res.Locations[0].PhysicalLocation
		assert.Equal(t, "deploy/web.yaml", loc.ArtifactLocation.URI, "repo-relative URI")
		assert.GreaterOrEqual(t, loc.Region.StartLine, 1)
		assert.GreaterOrEqual(t, loc.Region.StartColumn, 1)
		assert.Len(t, res.PartialFingerprints["primaryLocationLineHash"], 32)
	}
	priv := run.Results[0]
	assert.Equal(t, "manifest/Privileged", priv.RuleID)
	assert.Equal(t, "error", priv.Level)
	assert.Equal(t, sarifRegion{StartLine: 42, StartColumn: 13, EndLine: 42, EndColumn: 14}, priv.Locations[0].PhysicalLocation.Region)
	var suppressed int
	for _, res := range run.Results {
		suppressed += len(res.Suppressions)
	}
	assert.Equal(t, 1, suppressed)
}

func TestFingerprintIgnoresLinesAndMessages(t *testing.T) {
	a := sample()
	b := sample()
	b.Reports[1].Findings[1].Position.Line = 99
	b.Reports[1].Findings[1].Message = "reworded"
	var ba, bb bytes.Buffer
	require.NoError(t, WriteSARIF(&ba, a, Options{}))
	require.NoError(t, WriteSARIF(&bb, b, Options{}))
	var la, lb sarifLog
	require.NoError(t, json.Unmarshal(ba.Bytes(), &la))
	require.NoError(t, json.Unmarshal(bb.Bytes(), &lb))
	for i := range la.Runs[0].Results {
		assert.Equal(t, la.Runs[0].Results[i].PartialFingerprints, lb.Runs[0].Results[i].PartialFingerprints)
	}
	assert.NotEqual(t, Fingerprint("r", "a.yaml", "Pod/a", "p"), Fingerprint("r", "b.yaml", "Pod/a", "p"))
}

func TestJUnit(t *testing.T) {
	out := render(t, FormatJUnit, Options{})
	var got junitSuites
	require.NoError(t, xml.Unmarshal([]byte(out), &got))
	assert.Equal(t, 5, got.Tests)
	assert.Equal(t, 2, got.Failures)
	assert.Equal(t, 1, got.Errors)
	require.Len(t, got.Suites, 3)
	web := got.Suites[0]
	assert.Equal(t, "deploy/web.yaml: Deployment/web.shop", web.Name, "document 0 first")
	require.NotNil(t, web.Cases[0].Failure)
	assert.Equal(t, "critical", web.Cases[0].Failure.Type)
	assert.Contains(t, web.Cases[0].Failure.Text, "at deploy/web.yaml:42:13")
	var skipped int
	for _, c := range web.Cases {
		if c.Skipped != nil {
			skipped++
			assert.Contains(t, c.Name, "manifest/HostPort")
		}
	}
	assert.Equal(t, 1, skipped)
}

func TestPatch(t *testing.T) {
	out := render(t, FormatPatch, Options{})
	var got []patchEntry
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Len(t, got, 1)
	assert.Equal(t, "Deployment/web.shop", got[0].Object)
	assert.Equal(t, []string{"manifest/Privileged"}, got[0].Rules)
	assert.Equal(t, "replace", got[0].Patch[0].Op)
}

func TestArtifactURI(t *testing.T) {
	assert.Equal(t, "stdin", artifactURI("-", ""))
	assert.Equal(t, "a/b.yaml", artifactURI("./a/b.yaml", ""))
	assert.Equal(t, "a/b.yaml", artifactURI("a/b.yaml", "."))
}

// The streaming writer produces exactly what encoding the whole value at
// once with two-space indentation would.
func TestJSONStreamingMatchesWholeEncoding(t *testing.T) {
	for _, res := range []Result{sample(), {}, {Errors: sample().Errors}} {
		var streamed bytes.Buffer
		require.NoError(t, WriteJSON(&streamed, res, Options{}))
		var v any
		require.NoError(t, json.Unmarshal(streamed.Bytes(), &v))
		var whole bytes.Buffer
		enc := json.NewEncoder(&whole)
		enc.SetIndent("", "  ")
		// Re-encode through a struct with the same field order.
		var o struct {
			Tool    json.RawMessage   `json:"tool"`
			Reports []json.RawMessage `json:"reports"`
			Errors  []json.RawMessage `json:"errors"`
		}
		require.NoError(t, json.Unmarshal(streamed.Bytes(), &o))
		require.NoError(t, enc.Encode(o))
		var compactA, compactB bytes.Buffer
		require.NoError(t, json.Compact(&compactA, streamed.Bytes()))
		require.NoError(t, json.Compact(&compactB, whole.Bytes()))
		assert.Equal(t, compactB.String(), compactA.String())
		if o.Reports == nil {
			assert.Contains(t, streamed.String(), `"reports": []`)
		}
	}
}

// The hand-written report encoder produces exactly json.MarshalIndent's
// bytes, escapes and all.
func TestAppendReportMatchesMarshalIndent(t *testing.T) {
	jr := jsonReport{Source: "a<b>&c.yaml", Document: 3, Object: "Pod/x.y", Kind: "Pod", Score: -7,
		Findings: []jsonFinding{
			{Rule: "r/One", Severity: "high", Points: -7, Message: "quote \" backslash \\ tab \t nl \n ctl \x01 bs \b ff \f é \u2028 \xff end",
				Path: "spec.containers[0]", Line: 4, Column: 7, Fix: "do <this> & that", Refs: []string{"CIS 1.2.3", "kubesec X"},
				Patch: []kubeharden.PatchOp{{Op: "add", Path: "/spec/x", Value: map[string]any{"a": []int{1}}}}, Suppressed: true, SuppressReason: "why"},
			{Rule: "r/Two", Severity: "low", Points: 1, Passed: true, Message: "ok"},
			{Rule: "r/Three", Severity: "medium", Message: "patch shapes", Patch: []kubeharden.PatchOp{
				{Op: "replace", Path: "/a", Value: "x<y>&z"},
				{Op: "add", Path: "/b", Value: map[string]any{"z": true, "a": []any{1, "two", map[string]any{}, []string{}, nil,
					map[string]any{"n": int64(-3), "f": 1.5, "s": []string{"ALL", "NET_RAW"}}}, "m": map[string]string{"k": "v"}}},
				{Op: "move", Path: "/c", From: "/d"},
				{Op: "add", Path: "/e", Value: []string(nil)},
				{Op: "add", Path: "/f", Value: map[string]any(nil)},
				{Op: "add", Path: "/g", Value: []any{}},
				{Op: "add", Path: "/h", Value: false},
				{Op: "add", Path: "/i", Value: 1e21},
				{Op: "add", Path: "/j", Value: struct {
					A int `json:"a"`
				}{7}},
			}},
		},
		Errors: []jsonError{{Source: "s", Document: 1, Line: 2, Message: "m"}},
	}
	for _, r := range []jsonReport{jr, {Source: "empty", Findings: []jsonFinding{}}} {
		want, err := json.MarshalIndent(r, "    ", "  ")
		require.NoError(t, err)
		got, err := appendReport(nil, &r)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
	}
}

// appendString quotes every string as encoding/json does, whatever falls
// on the eight-byte boundaries of its fast scan.
func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	specials := []string{"a", "\"", "\\", "<", ">", "&", "\x00", "\x1f", "\x7f", "é", "\u2028", "\u2029", "\xff", "\n", " ", "~"}
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 5000; n++ {
		var sb strings.Builder
		for k := rng.IntN(40); k > 0; k-- {
			if rng.IntN(4) == 0 {
				sb.WriteString(specials[rng.IntN(len(specials))])
			} else {
				sb.WriteByte(byte('a' + rng.IntN(26)))
			}
		}
		s := sb.String()
		want, err := json.Marshal(s)
		require.NoError(t, err)
		require.Equal(t, string(want), string(appendString(nil, s)), "%q", s)
	}
}
