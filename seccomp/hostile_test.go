package seccomp

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden"
)

// TestHostileProfile: a profile near the size budget, made of thousands of
// misspelt names and argument filters on one syscall, is scanned in
// bounded time with a bounded number of findings.
func TestHostileProfile(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[`)
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&b, `{"names":["x%dabcdefghijklmnop","mount"],"action":"SCMP_ACT_ERRNO"},`, i)
	}
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&b, `{"names":["socket"],"action":"SCMP_ACT_LOG","args":[{"index":0,"value":%d,"op":"SCMP_CMP_EQ"}]},`, i)
	}
	b.WriteString(`{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}`)
	data := []byte(b.String())
	require.Less(t, len(data), DefaultMaxBytes)
	start := time.Now()
	reports, err := Scan("hostile.json", data, Options{})
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 20*time.Second)
	for _, r := range reports {
		assert.Less(t, len(r.Findings), 30*maxPerRule, r.Object)
		_, ok := failedFinding(r, ruleTypoFailsOpen.ID)
		assert.True(t, ok)
	}
}

// TestConcurrentScan: profiles, the default profiles built from the fact
// tables and the other lazily built tables are shared between goroutines
// (run with -race).
func TestConcurrentScan(t *testing.T) {
	p, err := Parse("c.json", []byte(`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mmount"],"action":"SCMP_ACT_ERRNO"}]}`))
	require.NoError(t, err)
	done := make(chan kubeharden.Report, 8)
	for i := 0; i < 8; i++ {
		go func() { done <- Analyze(p, Target{Runtime: Runtimes()[i%3]}) }()
	}
	for i := 0; i < 8; i++ {
		r := <-done
		_, ok := failedFinding(r, ruleTypoFailsOpen.ID)
		assert.True(t, ok)
		assert.Positive(t, r.Findings[0].Position.Line)
	}
}
