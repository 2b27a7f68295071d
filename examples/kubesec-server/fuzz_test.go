package main

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"
)

// FuzzScan posts arbitrary bodies to the handler in both modes: the answer
// is always 200 with a JSON array, 400 or 413 — never a panic (500) or a
// hang.
func FuzzScan(f *testing.F) {
	for _, s := range []string{privilegedPod, hardenedDeployment, "", "file=kind: Pod\n", "---\n---\n", "kind: Pod\nspec: [\n",
		"a: &a [*a]\n", "{\"kind\":\"List\",\"items\":[{\"kind\":\"Pod\"}]}", "kind: Pod\nspec:\n  hostNetwork: 1\n"} {
		f.Add([]byte(s))
	}
	cfg := testConfig(f)
	cfg.maxBody = 256 << 10
	s := newServer(cfg, quietLog())
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, target := range []string{"/scan", "/scan?compat=none"} {
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest("POST", target, bytes.NewReader(body)))
			switch rec.Code {
			case 200:
				var out []json.RawMessage
				if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
					t.Fatalf("%s: 200 with a body that is not a JSON array: %v", target, err)
				}
			case 400, 413:
			default:
				t.Fatalf("%s: status %d: %s", target, rec.Code, rec.Body)
			}
		}
	})
}
