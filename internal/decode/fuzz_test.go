package decode

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// FuzzSplit feeds arbitrary bytes through framing, conversion, typed decode
// and position lookup with small budgets. It must never panic or hang, and
// every error must name its source.
func FuzzSplit(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    securityContext: {privileged: true}\n"))
	f.Add([]byte(`{"kind":"List","items":[{"kind":"Pod","spec":{"hostNetwork":"1"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := Options{MaxDocumentBytes: 64 << 10, MaxDocuments: 50, MaxAliasBytes: 64 << 10, MaxDepth: 200}
		docs, errs := Split(data, "fuzz.yaml", opts)
		for _, e := range errs {
			if e.Source != "fuzz.yaml" || e.Err == nil {
				t.Fatalf("error without source or cause: %#v", e)
			}
		}
		for _, d := range docs {
			var p corev1.Pod
			ps, err := d.Into(&p)
			if err == nil {
				_ = ProblemFindings("fuzz", d, ps)
			}
			_ = d.Position("spec.containers[0].securityContext.privileged")
			_ = d.Position("metadata.annotations[a.b/c]")
		}
	})
}
