package image

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func FuzzParseSums(f *testing.F) {
	f.Add("SHA512SUMS", []byte(helloSHA512+"  kubectl\n"))
	f.Fuzz(func(t *testing.T, source string, data []byte) {
		l, err := ParseSums(source, bytes.NewReader(data))
		if err != nil {
			return
		}
		if len(l.Entries) == 0 {
			t.Fatal("no error but no entries")
		}
		for _, e := range l.Entries {
			if len(e.Digest) != e.Algorithm.hexLen() || e.Name == "" || e.Line < 1 {
				t.Fatalf("bad entry %+v", e)
			}
		}
		// Verifying against the parsed list never panics, whatever the names.
		fsys := fstest.MapFS{"kubectl": {Data: []byte("hello\n")}}
		rep, err := Verify(context.Background(), fsys, nil, []*SumList{l}, VerifyOptions{BufferSize: 7})
		if err != nil {
			t.Fatal(err)
		}
		_ = rep.Report(source)
	})
}

func FuzzScanDockerfile(f *testing.F) {
	f.Add([]byte("FROM alpine:3.20\nRUN apk add curl | sh\nUSER 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := ScanDockerfile("Dockerfile", data, DockerfileOptions{Policy: Policy{AllowedRegistries: []string{"docker.io"}, RequireDigest: true}})
		if err != nil {
			if len(rep.Errors) != 1 {
				t.Fatalf("error without InputError: %v", err)
			}
			return
		}
		for _, fd := range rep.Findings {
			if !fd.Passed && fd.Position.Line < 1 {
				t.Fatalf("failed finding without a line: %+v", fd)
			}
		}
		_ = DetectDockerfile("x", data)
	})
}

func FuzzGateTrivy(f *testing.F) {
	f.Add([]byte(trivySample))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := GateTrivy("t.json", data, TrivyPolicy{IgnoreUnfixed: true, Image: "nginx@" + testDigest, MaxAge: time.Hour,
			Allow: []AllowedVulnerability{{ID: "CVE-2024-0001", Expires: now}}}, now)
		if err != nil {
			return
		}
		for _, fd := range rep.Findings {
			if fd.Suppressed && fd.SuppressReason == "" {
				t.Fatal("suppressed without reason")
			}
		}
	})
}

func FuzzPolicyCheck(f *testing.F) {
	f.Add("nginx:1.25@" + testDigest)
	f.Fuzz(func(t *testing.T, ref string) {
		fs := Policy{AllowedRegistries: []string{"*.gcr.io", "docker.io/library"}, RequireDigest: true}.Check(ref)
		if len(fs) == 0 {
			t.Fatal("no findings")
		}
		if r, err := ParseReference(ref); err == nil {
			if r2, err := ParseReference(r.String()); err != nil || r2.String() != r.String() {
				t.Fatalf("normalised form %q does not round-trip: %v", r.String(), err)
			}
			_ = strings.ToLower(r.Familiar())
		}
	})
}
