package seccomp

import (
	"testing"
	"unicode/utf8"

	"github.com/kubeharden/kubeharden"
)

// FuzzParse feeds arbitrary bytes through Parse, Detect, Evaluate and
// Analyze on every runtime: nothing may panic, and errors must carry the
// source name.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"defaultAction":"SCMP_ACT_ERRNO"}`))
	f.Add([]byte(mobyDefaultJSON[:2000]))
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
