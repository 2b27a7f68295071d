package main

import (
	"bytes"
	"net/http/httptest"
	"testing"
)

// BenchmarkReview measures one review through the handler (decode of the
// review and the object, analysis, policy, response encoding, log line).
//
//	go test ./examples/webhook -run '^$' -bench Review -benchmem -cpu 2
func BenchmarkReview(b *testing.B) {
	for _, file := range []string{"pod-create-privileged.json", "deployment-update.json", "pod-delete.json"} {
		b.Run(file, func(b *testing.B) {
			in := readReview(b, file)
			h := newHandler(defaultPolicy(b), 7<<20, quietLog())
			b.ReportAllocs()
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				req := httptest.NewRequest("POST", "/validate", bytes.NewReader(in))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}
