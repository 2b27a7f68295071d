package kubelet

import (
	"io/fs"
	"os"
	"testing"
	"testing/fstest"
)

// memNode loads a testdata node layout into memory so the benchmark
// measures parsing and evaluation, not the disk.
func memNode(b *testing.B, dir string) fstest.MapFS {
	b.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(os.DirFS(dir), p)
		m[p] = &fstest.MapFile{Data: data, Mode: 0o600}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkAssessNode evaluates a realistic kubeadm node: unit, kubeadm
// drop-in, two environment files, a full config.yaml, the 4.1 file checks.
func BenchmarkAssessNode(b *testing.B) {
	for _, name := range []string{"hardened", "insecure", "configdir"} {
		fsys := memNode(b, "testdata/nodes/"+name)
		files := map[string]FileInfo{}
		for p := range fsys {
			files["/"+p] = FileInfo{Mode: 0o600}
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r, err := AssessNode(fsys, NodeOptions{Files: files})
				if err != nil || len(r.Findings) == 0 {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkScan evaluates a config file alone.
func BenchmarkScan(b *testing.B) {
	data, err := os.ReadFile("testdata/nodes/hardened/var/lib/kubelet/config.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Scan("config.yaml", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadService measures the systemd side alone.
func BenchmarkLoadService(b *testing.B) {
	fsys := memNode(b, "testdata/nodes/hardened")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadService(fsys, ""); err != nil {
			b.Fatal(err)
		}
	}
}
