package audit

import (
	"bytes"
	"testing"
	"time"
)

// FuzzParse runs the whole pipeline on arbitrary input: it must never
// panic, and must stay within a bounded time.
func FuzzParse(f *testing.F) {
	f.Add([]byte(header + "rules:\n- level: Metadata\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		p, fs, err := Parse("fuzz.yaml", data)
		if err == nil {
			if p == nil {
				t.Fatal("nil policy without error")
			}
			_ = Validate(p)
			_ = append(fs, Lint(p, Options{})...)
			var buf bytes.Buffer
			if err := Coverage(p).WriteText(&buf); err != nil {
				t.Fatal(err)
			}
			for _, r := range []Request{{Verb: "get", Path: "/healthz"}, resReq(newAlice(), "get", "", "secrets", "", "default", "x")} {
				d := Evaluate(p, r)
				if d.Rule >= len(p.Rules) {
					t.Fatalf("rule index %d out of range", d.Rule)
				}
			}
		}
		_, _ = Scan("fuzz.yaml", data, Options{})
		_ = Detect("fuzz.yaml", data)
		if el := time.Since(start); el > 20*time.Second {
			t.Fatalf("took %v", el)
		}
	})
}
