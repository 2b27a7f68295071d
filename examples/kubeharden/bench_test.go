package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/kubeharden/kubeharden/internal/testutil"
	"github.com/kubeharden/kubeharden/report"
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
// Run it with -cpu 1 for the figure per core, -cpu 2 for the machine.
func BenchmarkScan1000SmallDeployments(b *testing.B) {
	p := smallDeployments(b, 1000)
	benchScan(b, p, 1000)
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
	benchScan(b, p, 1000)
}

// benchScan scans path (n documents) the way the CLI does for its default
// text output, reports aside, and reports documents per second of wall
// time and per second of CPU time (the figure that depends least on how
// busy the shared machine is).
func benchScan(b *testing.B, path string, n int) {
	defer cliGC()()
	s := &settings{jobs: runtime.GOMAXPROCS(0), maxBytes: 32 << 20, format: report.FormatText}
	b.ReportAllocs()
	cpu := testutil.CPUTime()
	for b.Loop() {
		res := scanPaths(context.Background(), []string{path}, nil, s)
		if len(res.Reports) != n || len(res.Errors) != 0 {
			b.Fatalf("%d reports, %v", len(res.Reports), res.Errors)
		}
	}
	reportRates(b, n, testutil.CPUTime()-cpu)
}

// cliGC applies the garbage collector settings of the kubeharden command
// (tuneGC) for a benchmark, and returns the function that restores the
// test binary's.
func cliGC() (restore func()) {
	gc := debug.SetGCPercent(gcPercent)
	limit := debug.SetMemoryLimit(gcMemoryLimit)
	return func() {
		debug.SetGCPercent(gc)
		debug.SetMemoryLimit(limit)
	}
}

func reportRates(b *testing.B, n int, cpu time.Duration) {
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "docs/s")
	if cpu > 0 {
		b.ReportMetric(float64(b.N*n)/cpu.Seconds(), "docs/cpu-s")
	}
}

// realisticDeployments writes n copies of a 2.7 KB production-style
// Deployment (the decode package's sample with two more env entries),
// each with its own name.
func realisticDeployments(tb testing.TB, n int) string {
	tb.Helper()
	root, err := testutil.RepoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	base, err := os.ReadFile(filepath.Join(root, "internal", "decode", "testdata", "deployment.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	doc := strings.Replace(string(base), "        env:\n", "        env:\n"+
		"        - name: FEATURE_FLAGS\n          value: checkout-v2,recommendations,search-suggest,loyalty-points\n"+
		"        - name: OTEL_EXPORTER_OTLP_ENDPOINT\n          value: http://otel-collector.observability.svc:4317\n", 1)
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString("---\n")
		}
		b.WriteString(strings.Replace(doc, "name: storefront\n", fmt.Sprintf("name: storefront-%d\n", i), 1))
	}
	p := filepath.Join(tb.TempDir(), "realistic.yaml")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkScan1000RealisticDeployments: 1,000 realistic (2.7 KB)
// Deployments in one file.
func BenchmarkScan1000RealisticDeployments(b *testing.B) {
	benchScan(b, realisticDeployments(b, 1000), 1000)
}

// BenchmarkCLI1000 runs the whole scan command, rendering included, on
// 1,000 documents, for each output format that matters for speed. The
// process start (about 10 ms) is not included.
func BenchmarkCLI1000(b *testing.B) {
	for _, input := range []struct {
		name string
		path func(testing.TB, int) string
	}{{"small", smallDeployments}, {"realistic", realisticDeployments}} {
		p := input.path(b, 1000)
		for _, format := range []string{"text", "json"} {
			b.Run(input.name+"/"+format, func(b *testing.B) {
				defer cliGC()()
				cpu := testutil.CPUTime()
				for b.Loop() {
					if code := run(context.Background(), []string{"scan", "--format", format, "--fail-on", "none", p}, nil, io.Discard, io.Discard); code != 0 {
						b.Fatalf("exit %d", code)
					}
				}
				reportRates(b, 1000, testutil.CPUTime()-cpu)
			})
		}
	}
}
