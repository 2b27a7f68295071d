package kubelet

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

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
		Checks []struct {
			ID, Section, Title, Target string
			SectionTitle               string `json:"section_title"`
			Scored                     bool
			KubeBench                  struct{ Type string } `json:"kube_bench"`
		}
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	require.Len(t, cisChecksTable, len(doc.Checks))
	for i, c := range doc.Checks {
		assert.Equal(t, cisCheck{c.ID, c.Section, c.SectionTitle, c.Target, c.Title, c.Scored, c.KubeBench.Type}, cisChecksTable[i])
	}
	// every kubelet CIS rule maps to a check title and the scored flag
	// agrees with the rule's severity convention (scored: medium or above)
	idx := cisIndex()
	for _, r := range cisRules {
		c, ok := idx[r.Refs[0][len("CIS "):]]
		require.True(t, ok, r.ID)
		assert.Equal(t, c.scored, r.Severity >= sevMed, r.ID)
	}
}
