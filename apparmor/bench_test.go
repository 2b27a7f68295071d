package apparmor

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/kubeharden/kubeharden/internal/testutil"
)

type benchFile struct {
	path string
	data []byte
}

func debianBenchSet(b *testing.B) []benchFile {
	profiles, _, _ := debianProfiles(b)
	var out []benchFile
	for _, p := range profiles {
		data, err := os.ReadFile(p)
		if err != nil || !Detect(p, data) {
			continue
		}
		out = append(out, benchFile{p, data})
	}
	return out
}

// BenchmarkParseDebianSet parses and validates every installed Debian
// profile, reading its includes (tunables, abstractions) from disk.
func BenchmarkParseDebianSet(b *testing.B) {
	set := debianBenchSet(b)
	opts := debianOptions()
	opts.Target = Target3
	if os.Getenv("AA_BENCH_CACHE") != "" {
		opts.Cache = &FileCache{}
	}
	b.ReportAllocs()
	cpu0, n := testutil.CPUTime(), 0
	for b.Loop() {
		for _, f := range set {
			if _, err := Parse(f.path, f.data, opts); err != nil {
				b.Fatal(err)
			}
		}
		n++
	}
	b.ReportMetric(float64(len(set)), "profiles")
	// Comparable with BenchmarkApparmorParserDebianSet's cpu-s/op (the
	// process total includes the GC's background work).
	b.ReportMetric((testutil.CPUTime()-cpu0).Seconds()/float64(n), "cpu-s/op")
}

// BenchmarkScanDebianSet parses and scores every installed profile.
func BenchmarkScanDebianSet(b *testing.B) {
	set := debianBenchSet(b)
	opts := Options{FS: os.DirFS("/"), Target: Target3}
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range set {
			if _, err := Scan(f.path, f.data, opts); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkApparmorParserDebianSet runs `apparmor_parser -Q -K` once on
// the same files (one process for the whole set), for comparison. Run it
// with -benchtime=1x: one iteration takes tens of seconds.
func BenchmarkApparmorParserDebianSet(b *testing.B) {
	set := debianBenchSet(b)
	bin, err := exec.LookPath("apparmor_parser")
	if err != nil {
		bin = "/usr/sbin/apparmor_parser"
	}
	if _, err := os.Stat(bin); err != nil {
		b.Skip("apparmor_parser is not installed")
	}
	args := []string{"-Q", "-K"}
	if _, err := os.Stat("/usr/share/apparmor-features/features"); err == nil {
		args = append(args, "-M", "/usr/share/apparmor-features/features")
	}
	for _, f := range set {
		args = append(args, f.path)
	}
	var cpu time.Duration
	n := 0
	for b.Loop() {
		cmd := exec.Command(bin, args...)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v: %s", err, out)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		n++
	}
	// CPU seconds are comparable across loaded machines, wall time is not.
	b.ReportMetric(cpu.Seconds()/float64(n), "cpu-s/op")
}

// BenchmarkScanDockerDefault scores the docker-default profile (no
// include resolution), the common case of a CLI scan.
func BenchmarkScanDockerDefault(b *testing.B) {
	dir := testutil.SharedDir(b, "corpus", "apparmor", "runtime-profiles")
	data, err := os.ReadFile(filepath.Join(dir, "docker-default.apparmor"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Scan("docker-default", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
