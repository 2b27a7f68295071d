package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// smallDeployments writes n ~600-byte Deployments (the size of kubesec's
// test assets) into one multi-document file.
func smallDeployments(tb testing.TB, n int) string {
	tb.Helper()
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString("---\n")
		}
		fmt.Fprintf(&b, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%[1]d
  namespace: team-%[2]d
  labels:
    app: app-%[1]d
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app-%[1]d
  template:
    metadata:
      labels:
        app: app-%[1]d
    spec:
      containers:
      - name: app
        image: registry.example.com/app-%[1]d:1.%[2]d.0
        ports:
        - containerPort: 8080
        securityContext:
          runAsNonRoot: true
          readOnlyRootFilesystem: %[3]v
          allowPrivilegeEscalation: false
        resources:
          limits:
            cpu: 500m
            memory: 256Mi
`, i, i%7, i%2 == 1)
	}
	p := filepath.Join(tb.TempDir(), "deployments.yaml")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkScan1000SmallDeployments is the CLI's scan of one file of 1,000
// small Deployments, all formats aside (the report is built, not printed).
// docs/s = 1000 / (ns/op / 1e9).
func BenchmarkScan1000SmallDeployments(b *testing.B) {
	p := smallDeployments(b, 1000)
	s := &settings{jobs: 2, maxBytes: 32 << 20}
	b.ReportAllocs()
	for b.Loop() {
		res := scanPaths(context.Background(), []string{p}, nil, s)
		if len(res.Reports) != 1000 || len(res.Errors) != 0 {
			b.Fatalf("%d reports, %v", len(res.Reports), res.Errors)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkScan1000SmallDeploymentsJSON is the same stream as JSON
// documents, one per line.
func BenchmarkScan1000SmallDeploymentsJSON(b *testing.B) {
	src := smallDeployments(b, 1000)
	data, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	var out strings.Builder
	for _, doc := range strings.Split(string(data), "---\n") {
		js, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			b.Fatal(err)
		}
		out.Write(js)
		out.WriteByte('\n')
	}
	p := filepath.Join(b.TempDir(), "deployments.json")
	if err := os.WriteFile(p, []byte(out.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	s := &settings{jobs: 2, maxBytes: 32 << 20}
	b.ReportAllocs()
	for b.Loop() {
		res := scanPaths(context.Background(), []string{p}, nil, s)
		if len(res.Reports) != 1000 || len(res.Errors) != 0 {
			b.Fatalf("%d reports, %v", len(res.Reports), res.Errors)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "docs/s")
}
