package main

import (
	"encoding/json"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNodeCommandOnSampleLayouts(t *testing.T) {
	nodes := filepath.Join("..", "testdata", "nodes")
	code, out, stderr := runCLI(t, "", "node", "--root", filepath.Join(nodes, "hardened"), "--format", "json")
	require.Equal(t, exitClean, code, stderr)
	var got struct {
		Reports []struct {
			Object   string
			Findings []struct {
				Rule     string
				Severity string
				Passed   bool
				Refs     []string
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.GreaterOrEqual(t, len(got.Reports), 5, "kubelet + four control-plane components")
	var cis41, cis11 int
	for _, r := range got.Reports {
		for _, f := range r.Findings {
			if !f.Passed {
				assert.Equal(t, "info", f.Severity, "%s %s: the hardened layout fails only manual checks", r.Object, f.Rule)
			}
			for _, ref := range f.Refs {
				cis41 += boolInt(strings.HasPrefix(ref, "CIS 4.1.") && f.Passed)
				cis11 += boolInt(strings.HasPrefix(ref, "CIS 1.1.") && f.Passed)
			}
		}
	}
	assert.Greater(t, cis41, 5, "file checks judged from the stat list")
	assert.Greater(t, cis11, 5)

	code, _, stderr = runCLI(t, "", "node", "--root", filepath.Join(nodes, "insecure"))
	assert.Equal(t, exitPolicy, code, stderr)
	code, out, _ = runCLI(t, "", "node", "--root", filepath.Join(nodes, "insecure"), "--kube-bench-json", "--fail-on", "none")
	assert.Equal(t, exitClean, code)
	assert.Contains(t, out, `"Controls"`)
	code, _, _ = runCLI(t, "", "node")
	assert.Equal(t, exitUsage, code)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestParseStatList(t *testing.T) {
	good := "# comment\n600 0 0 /etc/kubernetes/admin.conf\n\n700 996 996 /var/lib/etcd\n644 0 0 /path/with spaces\n"
	m, err := parseStatList(strings.NewReader(good), "stat")
	require.NoError(t, err)
	assert.Equal(t, statEntry{perm: 0o600}, m["/etc/kubernetes/admin.conf"])
	assert.Equal(t, statEntry{perm: 0o700, uid: 996, gid: 996}, m["/var/lib/etcd"])
	assert.Contains(t, m, "/path/with spaces")
	for _, bad := range []string{"600 0 /x\n", "999 0 0 /x\n", "600 a 0 /x\n", "600 0 0 relative\n", "-rw-r--r-- 0 0 /x\n"} {
		_, err := parseStatList(strings.NewReader(bad), "stat")
		assert.Error(t, err, bad)
	}
}

func TestStatFSOverlay(t *testing.T) {
	base := fstest.MapFS{
		"etc/kubernetes/admin.conf": {Data: []byte("x"), Mode: 0o644},
		"var/lib/etcd":              {Mode: fs.ModeDir | 0o755},
	}
	s := statFS{FS: base, stat: map[string]statEntry{
		"/etc/kubernetes/admin.conf": {perm: 0o600},
		"/var/lib/etcd":              {perm: 0o700, uid: 996, gid: 996},
	}}
	fi, err := fs.Stat(s, "etc/kubernetes/admin.conf")
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o600), fi.Mode())
	f, err := s.Open("var/lib/etcd")
	require.NoError(t, err)
	fi, err = f.Stat()
	require.NoError(t, err)
	assert.Equal(t, fs.ModeDir|0o700, fi.Mode())
	des, err := fs.ReadDir(s, "etc/kubernetes")
	require.NoError(t, err)
	info, err := des[0].Info()
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o600), info.Mode())
	uid, gid, ok := s.owner("/var/lib/etcd")
	assert.True(t, ok)
	assert.Equal(t, [2]int{996, 996}, [2]int{uid, gid})
	files := s.kubeletFiles()
	assert.Equal(t, fs.ModeDir|0o700, files["/var/lib/etcd"].Mode)
}
