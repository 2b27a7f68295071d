package main

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
)

// FuzzReview posts arbitrary bodies as AdmissionReviews: the handler
// answers 200 with a response carrying the request's uid, or 400/413 —
// never a panic or a hang.
func FuzzReview(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"CREATE","object":{"kind":"Pod","spec":{"containers":[{"securityContext":{"privileged":"yes"}}]}}}}`))
	h := newHandler(defaultPolicy(f), 1<<20, quietLog())
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest("POST", "/validate", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case 200:
			in, _, err := decodeReview(body)
			if err != nil {
				t.Fatalf("200 for a body the decoder rejects: %v", err)
			}
			var out admissionv1.AdmissionReview
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Response == nil {
				t.Fatalf("200 without a response review: %v %s", err, rec.Body)
			}
			if out.Response.UID != in.Request.UID {
				t.Fatalf("uid %q, want %q", out.Response.UID, in.Request.UID)
			}
			for _, w := range out.Response.Warnings {
				if len(w) > maxWarningLen {
					t.Fatalf("warning of %d bytes: %q", len(w), w)
				}
			}
		case 400, 413:
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	})
}
