package apiserver

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/testutil"
)

func TestRulesCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		assert.False(t, seen[r.ID], "duplicate rule %s", r.ID)
		seen[r.ID] = true
		assert.True(t, strings.HasPrefix(r.ID, "apiserver/"), r.ID)
		assert.NotEmpty(t, r.Title, r.ID)
		assert.NotEmpty(t, r.Description, r.ID)
		if c, ok := cisByRule(r.ID); ok {
			assert.Equal(t, []string{"CIS " + c.ID}, r.Refs)
			assert.Equal(t, kubeharden.KindCheck, r.Kind)
			if !c.Scored {
				assert.LessOrEqual(t, r.Severity, kubeharden.SeverityLow, "unscored %s reads as WARN", c.ID)
			}
		}
	}
	// Every finding the layouts produce names a catalogued rule (or one of
	// the audit package's, which 3.2.1 passes through).
	for _, layout := range []string{"hardened", "insecure"} {
		reps, err := AssessControlPlane(os.DirFS(filepath.Join("testdata", layout)), NodeOptions{})
		require.NoError(t, err)
		for _, r := range reps {
			for _, f := range r.Findings {
				assert.True(t, seen[f.RuleID] || strings.HasPrefix(f.RuleID, "audit/"), "%s: uncatalogued rule %s", layout, f.RuleID)
			}
		}
	}
}

// TestCISInventoryMatchesReference checks titles and scoring against the
// shared machine-readable inventory (cis-checks.json).
func TestCISInventoryMatchesReference(t *testing.T) {
	dir := testutil.SharedDir(t, "reference")
	data, err := os.ReadFile(filepath.Join(dir, "cis-checks.json"))
	require.NoError(t, err)
	var ref struct {
		Checks []struct {
			ID        string `json:"id"`
			Title     string `json:"title"`
			Scored    bool   `json:"scored"`
			Package   string `json:"package"`
			KubeBench struct {
				Type string `json:"type"`
			} `json:"kube_bench"`
		} `json:"checks"`
	}
	require.NoError(t, json.Unmarshal(data, &ref))
	ours := map[string]*cisCheck{}
	for i := range cisChecks {
		ours[cisChecks[i].ID] = &cisChecks[i]
	}
	n := 0
	for _, c := range ref.Checks {
		if c.Package != "apiserver" {
			continue
		}
		n++
		got, ok := ours[c.ID]
		if !assert.True(t, ok, "CIS %s missing", c.ID) {
			continue
		}
		assert.Equal(t, c.Title, got.Title, c.ID)
		assert.Equal(t, c.Scored, got.Scored, c.ID)
		if c.ID == "5.5.1" {
			// kube-bench marks 5.5.1 manual (it never reads the
			// AdmissionConfiguration); the plugin set and its
			// configuration are static input here, so it is evaluated:
			// PASS needs ImagePolicyWebhook enabled and configured
			// fail-closed.
			assert.False(t, got.Manual)
			continue
		}
		assert.Equal(t, c.KubeBench.Type == "manual", got.Manual, c.ID)
	}
	assert.Equal(t, 49, n)
}
