package manifest

import (
	"bytes"
	"context"
	"github.com/kubeharden/kubeharden/internal/testutil"
	"os"
	"testing"
	"time"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
	appsv1 "k8s.io/api/apps/v1"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

func readTestdata(b testing.TB, name string) []byte {
	b.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkDecodeAPIServer is the baseline: what the API server does with
// the same bytes (YAML to JSON, then case-sensitive decoding into the typed
// object), parsing.md §1.
func BenchmarkDecodeAPIServer(b *testing.B) {
	data := readTestdata(b, "deployment.yaml")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		js, err := yaml.YAMLToJSON(data)
		if err != nil {
			b.Fatal(err)
		}
		var d appsv1.Deployment
		if err := kjson.UnmarshalCaseSensitivePreserveInts(js, &d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScanDeployment scans the same bytes (target: at most 1.15x
// BenchmarkDecodeAPIServer).
func BenchmarkScanDeployment(b *testing.B) {
	data := readTestdata(b, "deployment.yaml")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		reports, errs := Scan("deployment.yaml", data, Options{})
		if len(reports) != 1 || len(errs) != 0 {
			b.Fatal(reports, errs)
		}
	}
}

// BenchmarkScanDeploymentKubesec is the compat mode on the same bytes.
func BenchmarkScanDeploymentKubesec(b *testing.B) {
	data := readTestdata(b, "deployment.yaml")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		reports, errs := Scan("deployment.yaml", data, Options{Compat: CompatKubesec})
		if len(reports) != 1 || len(errs) != 0 {
			b.Fatal(reports, errs)
		}
	}
}

// BenchmarkScanStream1000 scans one stream of 1,000 small (~700 B)
// Deployments on one goroutine and reports documents per second.
func BenchmarkScanStream1000(b *testing.B) {
	one := readTestdata(b, "small-deployment.yaml")
	var buf bytes.Buffer
	for i := range 1000 {
		if i > 0 {
			buf.WriteString("---\n")
		}
		buf.Write(one)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu := testutil.CPUTime()
	for b.Loop() {
		reports, errs := Scan("stream.yaml", data, Options{})
		if len(reports) != 1000 || len(errs) != 0 {
			b.Fatal(len(reports), errs)
		}
	}
	b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "docs/s")
	if c := testutil.CPUTime() - cpu; c > 0 {
		b.ReportMetric(float64(b.N)*1000/c.Seconds(), "docs/cpu-s")
	}
}

// BenchmarkScanVsDecode interleaves the two benchmarks above in small
// blocks so that both see the same machine load (the CI machine is
// shared), and reports the ratio of their per-document times
// ("scan/decode"; target <= 1.15).
func BenchmarkScanVsDecode(b *testing.B) {
	data := readTestdata(b, "deployment.yaml")
	// tSplit is internal/decode alone (Split + Into), to tell the decoding
	// layer's overhead from the analysis's.
	var tDecode, tScan, tSplit time.Duration
	const block = 20
	var cDecode, cScan, cSplit time.Duration
	for b.Loop() {
		start, c0 := time.Now(), testutil.CPUTime()
		for range block {
			js, err := yaml.YAMLToJSON(data)
			if err != nil {
				b.Fatal(err)
			}
			var d appsv1.Deployment
			if err := kjson.UnmarshalCaseSensitivePreserveInts(js, &d); err != nil {
				b.Fatal(err)
			}
		}
		mid, c1 := time.Now(), testutil.CPUTime()
		for range block {
			if reports, errs := Scan("deployment.yaml", data, Options{}); len(reports) != 1 || len(errs) != 0 {
				b.Fatal(reports, errs)
			}
		}
		mid2, c2 := time.Now(), testutil.CPUTime()
		for range block {
			docs, errs := decode.Split(data, "deployment.yaml", decode.Options{})
			if len(docs) != 1 || len(errs) != 0 {
				b.Fatal(errs)
			}
			var d appsv1.Deployment
			if _, err := docs[0].Into(&d); err != nil {
				b.Fatal(err)
			}
		}
		tDecode += mid.Sub(start)
		tScan += mid2.Sub(mid)
		tSplit += time.Since(mid2)
		c3 := testutil.CPUTime()
		cDecode += c1 - c0
		cScan += c2 - c1
		cSplit += c3 - c2
	}
	if cDecode > 0 {
		b.ReportMetric(float64(cScan)/float64(cDecode), "cpu-scan/decode")
		b.ReportMetric(float64(cSplit)/float64(cDecode), "cpu-decodepkg/decode")
	}
	n := float64(b.N * block)
	b.ReportMetric(float64(tSplit)/float64(tDecode), "decodepkg/decode")
	b.ReportMetric(float64(tDecode.Nanoseconds())/n, "decode-ns/doc")
	b.ReportMetric(float64(tScan.Nanoseconds())/n, "scan-ns/doc")
	b.ReportMetric(float64(tScan)/float64(tDecode), "scan/decode")
}

// BenchmarkScanStream1000Parallel is BenchmarkScanStream1000 with
// ScanParallel on every core.
func BenchmarkScanStream1000Parallel(b *testing.B) {
	one := readTestdata(b, "small-deployment.yaml")
	var buf bytes.Buffer
	for i := range 1000 {
		if i > 0 {
			buf.WriteString("---\n")
		}
		buf.Write(one)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		reports, errs := ScanParallel(context.Background(), "stream.yaml", data, Options{}, 0)
		if len(reports) != 1000 || len(errs) != 0 {
			b.Fatal(len(reports), errs)
		}
	}
	b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkAddedRulesVsDecode measures what issue 3 added to a Deployment's
// analysis — Pod Security verdicts at both levels (19 checks), the
// WritableHostPath, SandboxedRuntime and Dashboard checks and the JSON
// Patches of the failed findings — against decoding the same bytes
// (internal/decode Split + Into, and the API server's YAMLToJSON + typed
// decode), interleaved in small blocks so that both see the same load.
// Target: added/decode below 0.10.
func BenchmarkAddedRulesVsDecode(b *testing.B) {
	for _, name := range []string{"deployment.yaml", "small-deployment.yaml"} {
		b.Run(name, func(b *testing.B) { benchAdded(b, readTestdata(b, name)) })
	}
}

func benchAdded(b *testing.B, data []byte) {
	docs, errs := decode.Split(data, "deployment.yaml", decode.Options{})
	if len(docs) != 1 || len(errs) != 0 {
		b.Fatal(errs)
	}
	o, _, err := kindTable["Deployment"](docs[0])
	if err != nil {
		b.Fatal(err)
	}
	so, _ := resolve(Options{})
	p := newPodCtx(o.pod)
	base := scanner{opts: &so}
	for i := range podChecks {
		if r := podChecks[i].rule; r != &ruleWritableHostPath && r != &ruleSandboxedRuntime {
			podChecks[i].run(&base, r, p)
		}
	}
	buf := make([]kubeharden.Finding, 0, 2*len(base.findings)+32)
	added := func() int {
		s := scanner{findings: append(buf[:0], base.findings...), opts: &so}
		checkWritableHostPath(&s, &ruleWritableHostPath, p)
		checkSandboxedRuntime(&s, &ruleSandboxedRuntime, p)
		s.patchPod(p, 0)
		checkDashboard(&s, p, o.meta)
		s.checkPSS(o.pod, &so)
		return len(s.findings)
	}
	if added() == len(base.findings) {
		b.Fatal("the added rules produced no findings")
	}
	const block = 20
	var tDecode, tAPI, tAdded time.Duration
	for b.Loop() {
		t0 := time.Now()
		for range block {
			ds, _ := decode.Split(data, "deployment.yaml", decode.Options{})
			var d appsv1.Deployment
			if _, err := ds[0].Into(&d); err != nil {
				b.Fatal(err)
			}
		}
		t1 := time.Now()
		for range block {
			js, _ := yaml.YAMLToJSON(data)
			var d appsv1.Deployment
			if err := kjson.UnmarshalCaseSensitivePreserveInts(js, &d); err != nil {
				b.Fatal(err)
			}
		}
		t2 := time.Now()
		for range block {
			added()
		}
		tDecode += t1.Sub(t0)
		tAPI += t2.Sub(t1)
		tAdded += time.Since(t2)
	}
	n := float64(b.N * block)
	b.ReportMetric(float64(tDecode.Nanoseconds())/n, "decode-ns/doc")
	b.ReportMetric(float64(tAdded.Nanoseconds())/n, "added-ns/doc")
	b.ReportMetric(float64(tAdded)/float64(tDecode), "added/decode")
	b.ReportMetric(float64(tAdded)/float64(tAPI), "added/apiserver-decode")
}
