package apiserver

import (
	"os"
	"testing"
	"testing/fstest"
)

// loadLayout copies a layout into memory so the benchmark measures
// analysis, not the disk.
func loadLayout(b *testing.B, layout string) fstest.MapFS {
	b.Helper()
	src := os.DirFS("testdata/" + layout)
	m := fstest.MapFS{}
	files := []string{
		"etc/kubernetes/manifests/kube-apiserver.yaml", "etc/kubernetes/manifests/kube-controller-manager.yaml",
		"etc/kubernetes/manifests/kube-scheduler.yaml", "etc/kubernetes/manifests/etcd.yaml",
		"etc/kubernetes/enc/encryption.yaml", "etc/kubernetes/admission/admission.yaml",
		"etc/kubernetes/admission/eventratelimit.yaml", "etc/kubernetes/audit/policy.yaml",
		"etc/kubernetes/authn/authentication.yaml", "etc/kubernetes/admin.conf", "etc/kubernetes/scheduler.conf",
		"etc/kubernetes/controller-manager.conf", "etc/kubernetes/pki/ca.crt", "etc/kubernetes/pki/ca.key",
		"etc/kubernetes/pki/apiserver.crt", "etc/kubernetes/pki/apiserver.key", "etc/passwd", "etc/group",
	}
	for _, f := range files {
		data, err := readFS(src, f)
		if err != nil {
			continue
		}
		m[f] = &fstest.MapFile{Data: data, Mode: 0o600}
	}
	return m
}

// BenchmarkAssessControlPlane assesses the hardened kubeadm layout: four
// static pods, the encryption, admission (with an EventRateLimit path
// file), authentication and audit files, kubeconfigs and PKI modes.
func BenchmarkAssessControlPlane(b *testing.B) {
	fsys := loadLayout(b, "hardened")
	opts := NodeOptions{Options: Options{KubeletVersion: "v1.36.1"}, Owner: func(string) (int, int, bool) { return 0, 0, true }}
	b.ReportAllocs()
	for b.Loop() {
		reps, err := AssessControlPlane(fsys, opts)
		if err != nil || len(reps) != 5 {
			b.Fatal(err, len(reps))
		}
	}
}

// BenchmarkScanAPIServer scans the kube-apiserver manifest alone, with its
// referenced files.
func BenchmarkScanAPIServer(b *testing.B) {
	fsys := loadLayout(b, "hardened")
	data := fsys["etc/kubernetes/manifests/kube-apiserver.yaml"].Data
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Scan("kube-apiserver.yaml", data, Options{FS: fsys}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseArgs(b *testing.B) {
	argv := []string{"kube-apiserver"}
	for range 40 {
		argv = append(argv, "--authorization-mode=Node,RBAC", "--audit-log-path", "/var/log/audit.log", "--profiling=false")
	}
	b.ReportAllocs()
	for b.Loop() {
		f := ParseArgs(APIServer, argv)
		_ = EffectiveAdmission(f)
	}
}
