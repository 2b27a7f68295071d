package seccomp

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/kubeharden/kubeharden/internal/testutil"
)

func mobyDefaultFile(b *testing.B) []byte {
	b.Helper()
	data, err := os.ReadFile(filepath.Join(testutil.SharedDir(b, "corpus", "seccomp"), "moby", "default.json"))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkParseEvaluateMobyDefault: parse moby's default.json (18 KB,
// pretty-printed) and resolve it for containerd on amd64, including the
// effective allow set. The budget is 1 ms.
func BenchmarkParseEvaluateMobyDefault(b *testing.B) {
	data := mobyDefaultFile(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu0 := testutil.CPUTime()
	for b.Loop() {
		p, err := Parse("default.json", data)
		if err != nil {
			b.Fatal(err)
		}
		e := Evaluate(p, Target{Runtime: RuntimeContainerd})
		if a, _ := e.Allowed(specs.ArchX86_64); len(a) == 0 {
			b.Fatal("nothing allowed")
		}
	}
	if cpu := testutil.CPUTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkScanMobyDefault: the whole Scan (parse, then validate, evaluate,
// score and diff against RuntimeDefault for all three runtimes).
func BenchmarkScanMobyDefault(b *testing.B) {
	data := mobyDefaultFile(b)
	RuntimeDefault(Target{}) // build the default profiles from their fact tables outside the loop
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu0 := testutil.CPUTime()
	for b.Loop() {
		if _, err := Scan("default.json", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	if cpu := testutil.CPUTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkDefaultProfile: building a runtime default Profile from its
// generated fact table (what DefaultProfile pays per call, and
// RuntimeDefault once per process).
func BenchmarkDefaultProfile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, rt := range Runtimes() {
			if p := DefaultProfile(rt); len(p.Syscalls) == 0 {
				b.Fatal("empty default profile")
			}
		}
	}
}
