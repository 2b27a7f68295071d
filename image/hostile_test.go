package image

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Hostile inputs near the budgets finish in bounded time and memory. The
// time limits are generous (a loaded CI machine), they catch quadratic
// blow-ups, not slowness.
func TestHostileInputsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	var b strings.Builder
	for i := 0; i < 6000; i++ {
		fmt.Fprintf(&b, "FROM alpine:3.20 AS s%d\nCOPY --from=s%d /a /b\nRUN pip install x && curl -k https://x | sh\n", i, i/2)
	}
	start := time.Now()
	rep, err := ScanDockerfile("Dockerfile", []byte(b.String()), DockerfileOptions{})
	require.NoError(t, err)
	assert.NotEmpty(t, rep.Failed())
	assert.Less(t, time.Since(start), 60*time.Second)

	// One RUN with a huge script and deep substitutions.
	huge := "FROM alpine\nRUN " + strings.Repeat("$(echo \"$(a | b) ", 5000) + strings.Repeat("x", 1<<20) + "\n"
	start = time.Now()
	_, err = ScanDockerfile("Dockerfile", []byte(huge), DockerfileOptions{})
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 60*time.Second)

	// A checksum list of long names stays within the name budget.
	var sums bytes.Buffer
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&sums, "%s  %s\n", helloSHA512, strings.Repeat("n", 100000))
	}
	fmt.Fprintf(&sums, "%s  ok\n", helloSHA512)
	l, err := ParseSums("SUMS", &sums)
	require.NoError(t, err)
	assert.Len(t, l.Entries, 1)
	assert.NotEmpty(t, l.Problems)
}
