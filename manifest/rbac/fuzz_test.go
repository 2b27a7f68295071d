package rbac

import (
	"strings"
	"testing"

	"github.com/kubeharden/kubeharden/internal/decode"
)

// FuzzScan runs ScanDocument over every document of the input and Analyze
// over the set: neither may panic or hang, every finding belongs to the
// manifest catalogue and has a path, and reports name their object.
func FuzzScan(f *testing.F) {
	f.Add([]byte(setBasic))
	f.Add([]byte(role("ClusterRole", `- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		docs, _ := decode.Split(data, "fuzz.yaml", decode.Options{})
		for _, d := range docs {
			r, err := ScanDocument(d)
			if r != nil && err != nil {
				t.Fatalf("both a report and an error: %v", err)
			}
			if r == nil {
				continue
			}
			if r.Object == "" {
				t.Fatal("report without object")
			}
			for _, fd := range r.Findings {
				if !strings.HasPrefix(fd.RuleID, "manifest/") {
					t.Fatalf("rule %q outside the manifest catalogue", fd.RuleID)
				}
			}
		}
		total := 0
		for _, r := range Analyze(docs) {
			if r.Kind != SubjectKind || r.Object == "" {
				t.Fatalf("bad subject report %q %q", r.Kind, r.Object)
			}
			for _, fd := range r.Findings {
				total++
				if fd.Path == "" || !strings.HasPrefix(fd.RuleID, "manifest/Binding") {
					t.Fatalf("bad finding %+v", fd)
				}
			}
		}
		if total > MaxFindings {
			t.Fatalf("%d findings exceed the budget", total)
		}
	})
}
