package seccomp

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/testutil"
)

// FuzzParse feeds arbitrary bytes through Parse, Detect, Evaluate and
// Analyze on every runtime: nothing may panic, and errors must carry the
// source name.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"defaultAction":"SCMP_ACT_ERRNO"}`))
	// The head of moby's default.json, read in place from the shared corpus
	// when it is there (a truncated, hence invalid, real profile).
	if root, err := testutil.RepoRoot(); err == nil {
		if data, err := os.ReadFile(filepath.Join(filepath.Dir(root), "shared", "corpus", "seccomp", "moby", "default.json")); err == nil && len(data) > 2000 {
			f.Add(data[:2000])
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = Detect("f.json", data)
		p, err := ParseWithOptions("f.json", data, ParseOptions{MaxBytes: 1 << 16})
		if err != nil {
			ie, ok := err.(*kubeharden.InputError)
			if !ok || ie.Source != "f.json" {
				t.Fatalf("error %v (%T) does not name the source", err, err)
			}
			return
		}
		// Differential: where a plain OCI decode (containerd's) also
		// succeeds on valid UTF-8, our containerd view must match it.
		if utf8.Valid(data) {
			checkContainerdView(t, "fuzz", data, p)
		}
		for _, rt := range Runtimes() {
			r := Analyze(p, Target{Runtime: rt})
			for _, fd := range r.Findings {
				if fd.RuleID == "" {
					t.Fatal("finding without rule ID")
				}
			}
		}
	})
}
