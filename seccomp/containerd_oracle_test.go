package seccomp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ociDecode is exactly what containerd's CRI plugin does with a Localhost
// profile: a plain json.Unmarshal into the runtime-spec type.
func ociDecode(data []byte) (*specs.LinuxSeccomp, error) {
	var s specs.LinuxSeccomp
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// checkContainerdView compares our containerd evaluation with the OCI
// decode: same default action and errno, same architectures, and the same
// rules in the same order.
func checkContainerdView(t *testing.T, name string, data []byte, p *Profile) {
	t.Helper()
	want, err := ociDecode(data)
	if err != nil {
		return // the oracle rejects it; nothing to compare
	}
	e := Evaluate(p, Target{Runtime: RuntimeContainerd})
	if e.Disabled {
		assert.True(t, want.DefaultAction == "" && len(want.Syscalls) == 0, "%s: disabled", name)
		return
	}
	assert.Equal(t, want.DefaultAction, p.DefaultAction, name)
	assert.Equal(t, want.DefaultErrnoRet, p.DefaultErrnoRet, name)
	assert.Equal(t, nilIfEmpty(want.Architectures), nilIfEmpty(p.Architectures), name)
	assert.Equal(t, nilIfEmpty(want.Flags), nilIfEmpty(p.Flags), name)
	assert.Equal(t, want.ListenerPath, p.ListenerPath, name)
	require.Len(t, e.Rules, len(want.Syscalls), name)
	for i, w := range want.Syscalls {
		g := e.Rules[i]
		assert.Equal(t, nilIfEmpty(w.Names), nilIfEmpty(g.Names), "%s rule %d", name, i)
		assert.Equal(t, w.Action, g.Action, "%s rule %d", name, i)
		assert.Equal(t, w.ErrnoRet, g.ErrnoRet, "%s rule %d", name, i)
		require.Len(t, g.Args, len(w.Args), "%s rule %d", name, i)
		for j, wa := range w.Args {
			ga := g.Args[j]
			assert.Equal(t, wa, specs.LinuxSeccompArg{Index: ga.Index, Value: ga.Value, ValueTwo: ga.ValueTwo, Op: ga.Op}, "%s rule %d arg %d", name, i, j)
		}
	}
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// TestDifferentialContainerdDecode checks, on every corpus profile and on
// inputs that exercise Go's key matching, that our containerd view equals
// a plain OCI decode (which drops archMap, includes, excludes, name).
func TestDifferentialContainerdDecode(t *testing.T) {
	root, files := corpusFiles(t)
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(root, rel))
		require.NoError(t, err)
		p, err := Parse(rel, data)
		require.NoError(t, err)
		checkContainerdView(t, rel, data, p)
	}
	extra := []string{
		`{"DefaultAction":"SCMP_ACT_ERRNO","SYSCALLS":[{"NAMES":["read"],"Action":"SCMP_ACT_ALLOW"}]}`,
		`{"defaultAction":"SCMP_ACT_ALLOW","defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["a"]},{"names":["b"],"names":["c"]}]}`,
		`{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[null,{"name":"read","action":"SCMP_ACT_ALLOW"}]}`,
		`{"defaultAction":"SCMP_ACT_ERRNO","architectures":null,"flags":[],"syscalls":[{"names":["x"],"errnoRet":null,"args":[{"index":3,"valuetwo":7,"op":"SCMP_CMP_MASKED_EQ"}]}]}`,
	}
	for i, s := range extra {
		p, err := Parse("extra.json", []byte(s))
		require.NoError(t, err, i)
		checkContainerdView(t, s, []byte(s), p)
	}
}
