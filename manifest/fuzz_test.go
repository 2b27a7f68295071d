package manifest

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzScan feeds arbitrary bytes to Scan in both modes. Seeds
// (testdata/fuzz/FuzzScan) cover every hostile case of parsing.md: alias
// bombs, scalar-alias amplification, deep nesting, invalid UTF-8, NUL
// bytes, duplicate and case-variant keys, wrong types, merge keys, Lists,
// CRLF and JSON arrays. Scan must not panic, every error must name the
// source, and every report must be consistent.
func FuzzScan(f *testing.F) {
	f.Add([]byte(pod(ctrs(`{"privileged":true}`))))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, mode := range []Compat{CompatNone, CompatKubesec} {
			reports, errs := Scan("fuzz.yaml", data, Options{Compat: mode})
			for _, e := range errs {
				require.NotNil(t, e)
				require.Equal(t, "fuzz.yaml", e.Source)
				require.NotEmpty(t, e.Error())
			}
			for i := range reports {
				r := &reports[i]
				score := r.Score
				require.Equal(t, score, r.ComputeScore())
				require.NotEmpty(t, r.Object)
				for _, fd := range r.Findings {
					require.NotEmpty(t, fd.RuleID)
					require.NotEmpty(t, fd.Message)
					if mode == CompatKubesec {
						require.NotEmpty(t, KubesecID(fd))
					}
					for _, op := range fd.Patch {
						require.Contains(t, []string{"add", "remove", "replace"}, op.Op)
						require.True(t, strings.HasPrefix(op.Path, "/"), op.Path)
					}
				}
			}
		}
	})
}

// TestHostileInputs runs the large hostile inputs of parsing.md §4, too big
// for seed files, with a time and memory budget.
func TestHostileInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	aliases := func(scalar, n int) string {
		var b strings.Builder
		b.WriteString("apiVersion: v1\nkind: Pod\nmetadata: {name: amp}\nx-anchor: &s \"" + strings.Repeat("x", scalar) + "\"\nx-list: [")
		for k := range n {
			if k > 0 {
				b.WriteString(",")
			}
			b.WriteString("*s")
		}
		b.WriteString("]\nspec: {containers: [{name: a, image: x}]}\n")
		return b.String()
	}
	cases := []struct {
		name string
		data string
		want error
	}{
		{"1KiB scalar x 100k aliases", aliases(1024, 100000), decode.ErrAliasBudget},
		{"64KiB scalar x 200k aliases", aliases(64<<10, 200000), decode.ErrAliasBudget},
		{"100k [", strings.Repeat("[", 100000), nil},
		{"100k nested block sequences", "kind: Pod\nspec:\n" + strings.Repeat("- ", 100000) + "x\n", nil},
		{"4 MiB document", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  a: \"" + strings.Repeat("y", 4<<20) + "\"\n", decode.ErrDocumentTooLarge},
		{"hostNetwork string", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: \"1\"\n  containers: [{name: a, image: x}]\n", decode.ErrType},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, mode := range []Compat{CompatNone, CompatKubesec} {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				start := time.Now()
				reports, errs := Scan("hostile.yaml", []byte(tc.data), Options{Compat: mode})
				elapsed := time.Since(start)
				runtime.ReadMemStats(&after)
				assert.Less(t, elapsed, 5*time.Second, "bounded time")
				assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(400<<20), "bounded allocation")
				require.NotEmpty(t, errs, "a clear error")
				assert.Empty(t, reports)
				assert.Equal(t, "hostile.yaml", errs[0].Source)
				if tc.want != nil {
					assert.True(t, errors.Is(errs[0], tc.want), "%v", errs[0])
				}
				var ie *kubeharden.InputError
				assert.ErrorAs(t, errs[0], &ie)
			}
		})
	}
}
