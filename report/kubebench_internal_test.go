package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// zcis.go must match ../shared/reference/cis-checks.json (go generate).
func TestCISTableMatchesReference(t *testing.T) {
	dir := testutil.SharedDir(t, "reference")
	data, err := os.ReadFile(filepath.Join(dir, "cis-checks.json"))
	require.NoError(t, err)
	var doc struct {
		Benchmark struct {
			KubeBenchID string `json:"kube_bench_id"`
		}
		Checks []struct {
			ID, Section, Title, Target string
			SectionTitle               string `json:"section_title"`
			Scored                     bool
			KubeBench                  struct{ Type string } `json:"kube_bench"`
		}
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	assert.Equal(t, doc.Benchmark.KubeBenchID, cisBenchmarkID)
	require.Len(t, cisChecksTable, len(doc.Checks))
	for i, c := range doc.Checks {
		assert.Equal(t, cisCheck{c.ID, c.Section, c.SectionTitle, c.Target, c.Title, c.Scored, c.KubeBench.Type}, cisChecksTable[i])
	}
}

// The hand-written file checks complete the inventory without overlapping
// it, and follow its conventions: a (Manual) title is unscored, the
// section is the id without its last component, the target matches the
// top-level control.
func TestCISFileChecks(t *testing.T) {
	inTable := map[string]bool{}
	for _, c := range cisChecksTable {
		inTable[c.id] = true
	}
	seen := map[string]bool{}
	for _, c := range cisFileChecks {
		assert.False(t, inTable[c.id], "%s is in cis-checks.json", c.id)
		assert.False(t, seen[c.id], "duplicate %s", c.id)
		seen[c.id] = true
		assert.True(t, validCISID(c.id), c.id)
		assert.Equal(t, c.id[:3], c.section, c.id)
		top := c.id[:1]
		assert.Equal(t, kbTargets[top].nodeType, c.target, c.id)
		assert.Equal(t, kbGroupTitles[c.section], c.sectionTitle, c.id)
		manual := len(c.title) > len("(Manual)") && c.title[len(c.title)-len("(Manual)"):] == "(Manual)"
		assert.Equal(t, !manual, c.scored, c.id)
	}
	assert.Len(t, cisIndex(), len(cisChecksTable)+len(cisFileChecks))
	// Every target of the inventory is a known control.
	for _, c := range cisChecksTable {
		top := c.id[:1]
		assert.Equal(t, kbTargets[top].nodeType, c.target, c.id)
	}
}

func TestLessCISID(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"4.2.9", "4.2.10", true},
		{"4.2.10", "4.2.9", false},
		{"1.2.1", "1.10.1", true},
		{"2.7", "3.2.1", true},
		{"1.1", "1.1.1", true},
		{"1.1.1", "1.1", false},
		{"5.1.1", "5.1.1", false},
	} {
		assert.Equal(t, tc.want, lessCISID(tc.a, tc.b), "%s < %s", tc.a, tc.b)
	}
}

func TestCISID(t *testing.T) {
	for _, tc := range []struct {
		refs []string
		want string
	}{
		{[]string{"CIS 4.2.1"}, "4.2.1"},
		{[]string{"kubesec Privileged", "CIS 5.1.3", "Trivy KSV-0044"}, "5.1.3"},
		{[]string{"CIS 2.1"}, "2.1"},
		{[]string{"CIS 4.2"}, "4.2"},
		{[]string{"CIS 4"}, ""},
		{[]string{"CIS Docker 1.2.3"}, ""},
		{[]string{"CIS 1..2"}, ""},
		{[]string{"CIS 1.2.x"}, ""},
		{[]string{"CIS 99999.1"}, ""},
		{[]string{"CIS 04.2.1"}, ""},
		{[]string{"CIS 5.0.1"}, "5.0.1"},
		{[]string{"CIS ", "cis 1.2.1"}, ""},
		{nil, ""},
	} {
		f := kubeharden.Finding{Refs: tc.refs}
		assert.Equal(t, tc.want, cisID(&f), "%q", tc.refs)
	}
}

func TestExpectedResult(t *testing.T) {
	for in, want := range map[string]string{
		"Ensure that the --profiling argument is set to false (Automated)":                               "the --profiling argument is set to false",
		"Ensure that a minimal audit policy is created (Manual)":                                         "a minimal audit policy is created",
		"Ensure encryption providers are appropriately configured (Manual)":                              "encryption providers are appropriately configured",
		"If proxy kubeconfig file exists ensure permissions are set to 600 or more restrictive (Manual)": "If proxy kubeconfig file exists ensure permissions are set to 600 or more restrictive",
		"free text": "free text",
	} {
		assert.Equal(t, want, expectedResult(in), in)
	}
}
