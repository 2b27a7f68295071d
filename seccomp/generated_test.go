package seccomp

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/internal/testutil"
)

// TestGeneratedSyscallTable re-reads libseccomp's syscalls.csv from the
// shared corpus and checks that the checked-in zsyscalls.go is current
// (run `go generate ./seccomp` when it is not).
func TestGeneratedSyscallTable(t *testing.T) {
	root := testutil.SharedDir(t, "corpus", "seccomp")
	f, err := os.Open(filepath.Join(root, "reference", "libseccomp-syscalls.csv"))
	require.NoError(t, err)
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	require.NoError(t, err)
	var cols []int
	var arches []string
	for i, h := range recs[0][1:] {
		if !strings.HasSuffix(h, "_kver") {
			cols = append(cols, i+1)
			arches = append(arches, h)
		}
	}
	require.Equal(t, tableArches[:], arches)
	want := map[string]uint32{}
	for _, rec := range recs[1:] {
		var m uint32
		for j, c := range cols {
			if rec[c] != "PNR" {
				m |= 1 << j
			}
		}
		want[rec[0]] = m
	}
	got := map[string]uint32{}
	for _, e := range syscallTable {
		got[e.name] = e.arches
	}
	assert.Equal(t, want, got)
	assert.Contains(t, syscallTableVersion, strings.TrimPrefix(recs[0][0], "#syscall "))
}

// TestEmbeddedDefaults checks the generated default profiles against the
// corpus copies (moby v0.3.0 default.json, containers/common seccomp.json,
// containerd's derived default).
func TestEmbeddedDefaults(t *testing.T) {
	root := testutil.SharedDir(t, "corpus", "seccomp")
	for file, embedded := range map[string]string{
		"moby/default.json":                                 mobyDefaultJSON,
		"containers-common/seccomp.json":                    crioDefaultJSON,
		"containerd/runtime-default-amd64-defaultcaps.json": containerdDefaultJSON,
	} {
		data, err := os.ReadFile(filepath.Join(root, file))
		require.NoError(t, err)
		var buf bytes.Buffer
		require.NoError(t, json.Compact(&buf, data))
		assert.Equal(t, buf.String(), embedded, file)
	}
	for _, rt := range Runtimes() {
		p := DefaultProfile(rt)
		require.NotNil(t, p, rt)
		assert.Empty(t, Evaluate(p, Target{Runtime: rt}).LoadError, rt)
	}
	assert.Nil(t, DefaultProfile("rkt"))
}
