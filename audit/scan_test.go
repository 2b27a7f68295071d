package audit

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/internal/decode"
)

func TestScan(t *testing.T) {
	data := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n" +
		header + "metadata: {name: strict}\nrules:\n- level: Metadata\n  resources: [{group: '', resources: [pods]}]\n---\n" +
		"apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules:\n- level: Metadata\n---\n" +
		header + "rules:\n- level: [x]\n"
	reps, err := Scan("policies.yaml", []byte(data), Options{})
	require.NoError(t, err)
	require.Len(t, reps, 3)

	assert.Equal(t, "Policy/strict", reps[0].Object)
	assert.Equal(t, 1, reps[0].Document)
	assert.Contains(t, ruleIDs(reps[0].Findings), "audit/MissingCatchAll")
	assert.Negative(t, reps[0].Score)
	assert.False(t, reps[0].Findings[0].Passed, "failed findings sort first")
	assert.True(t, reps[0].Findings[len(reps[0].Findings)-1].Passed)

	assert.Contains(t, ruleIDs(reps[1].Findings), "audit/APIVersion")

	require.Len(t, reps[2].Errors, 1)
	assert.ErrorIs(t, &reps[2].Errors[0], decode.ErrType)
	assert.Empty(t, reps[2].Findings)
}

func TestScanNotPolicy(t *testing.T) {
	_, err := Scan("cm.yaml", []byte("apiVersion: v1\nkind: ConfigMap\n"), Options{})
	assert.ErrorIs(t, err, ErrNotPolicy)
	_, err = Scan("bad.yaml", []byte("a: [\n"), Options{})
	assert.ErrorIs(t, err, ErrNotPolicy)
	assert.ErrorIs(t, err, decode.ErrSyntax)
}

func TestScanHostileInputs(t *testing.T) {
	deep := header + "rules:\n- level: Metadata\n  users: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n"
	_, err := Scan("deep.yaml", []byte(deep), Options{})
	assert.Error(t, err)
	huge := header + "rules:\n" + strings.Repeat("- level: Metadata\n  verbs: [get]\n  resources: [{group: '', resources: [pods]}]\n", 3000)
	reps, err := Scan("huge.yaml", []byte(huge), Options{})
	require.NoError(t, err)
	require.Len(t, reps, 1)
	assert.Contains(t, ruleIDs(reps[0].Findings), "audit/ShadowedRule")
	var b strings.Builder
	b.WriteString(header + "rules:\n")
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&b, "- level: Request\n  users: [u%d]\n  verbs: [v%d, get]\n  namespaces: [n%d]\n  resources: [{group: g%d.io, resources: [r%d, '*/s%d'], resourceNames: [x%d]}]\n", i, i, i, i, i, i, i)
	}
	start := time.Now()
	reps, err = Scan("distinct.yaml", []byte(b.String()), Options{})
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 20*time.Second)
	assert.True(t, hasFinding(reps[0].Findings, want{rule: "audit/MissingCatchAll"}))
	nul := header + "rules:\n- level: \"Meta\\0data\"\n"
	reps, err = Scan("nul.yaml", []byte(nul), Options{})
	require.NoError(t, err)
	assert.Contains(t, ruleIDs(reps[0].Findings), "audit/InvalidLevel")
}
