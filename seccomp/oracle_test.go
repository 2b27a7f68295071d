//go:build linux

package seccomp

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	mobyseccomp "github.com/moby/profiles/seccomp"
	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDifferentialMobyLoadProfile compares our Docker-runtime expansion
// with moby's own LoadProfile (linux/amd64, Docker's default capabilities,
// the host kernel) on every corpus profile.
func TestDifferentialMobyLoadProfile(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("the oracle expands for the host architecture; fixtures are checked on linux/amd64")
	}
	root, files := corpusFiles(t)
	spec := &specs.Spec{Process: &specs.Process{Capabilities: &specs.LinuxCapabilities{Bounding: DefaultCaps()}}}
	for _, rel := range files {
		t.Run(rel, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(root, rel))
			require.NoError(t, err)
			want, werr := mobyseccomp.LoadProfile(string(data), spec)
			p, err := Parse(rel, data)
			require.NoError(t, err)
			e := Evaluate(p, Target{Runtime: RuntimeDocker, Arch: specs.ArchX86_64})
			if werr != nil {
				assert.Error(t, e.LoadError, "moby rejects: %v", werr)
				return
			}
			if want == nil {
				assert.True(t, e.Disabled, "moby disables seccomp for this profile")
				return
			}
			assert.False(t, e.Disabled)
			assert.Equal(t, want.DefaultAction, e.DefaultAction)
			wantArches := slices.Clone(want.Architectures)
			gotArches := e.Arches
			if len(wantArches) == 0 {
				wantArches = []specs.Arch{specs.ArchX86_64} // libseccomp adds the native arch
			}
			assert.ElementsMatch(t, wantArches, gotArches)
			require.Len(t, e.Rules, len(want.Syscalls))
			for i, w := range want.Syscalls {
				g := e.Rules[i]
				assert.Equal(t, w.Names, g.Names, "rule %d", i)
				assert.Equal(t, w.Action, g.Action, "rule %d", i)
				assert.Equal(t, w.ErrnoRet, g.ErrnoRet, "rule %d", i)
				require.Len(t, g.Args, len(w.Args), "rule %d", i)
				for j, wa := range w.Args {
					ga := g.Args[j]
					assert.Equal(t, wa, specs.LinuxSeccompArg{Index: ga.Index, Value: ga.Value, ValueTwo: ga.ValueTwo, Op: ga.Op}, "rule %d arg %d", i, j)
				}
			}
		})
	}
}

// TestDefaultProfileMatchesMobyModule compares the generated moby fact
// table with the profile moby builds in Go (seccomp.DefaultProfile of the
// module version in go.mod, linux only), rule by rule. A go.mod upgrade
// of moby/profiles without `go generate ./seccomp` fails here.
func TestDefaultProfileMatchesMobyModule(t *testing.T) {
	want := mobyseccomp.DefaultProfile()
	got := DefaultProfile(RuntimeDocker)
	assert.Equal(t, want.DefaultAction, got.DefaultAction)
	assert.Equal(t, want.DefaultErrnoRet, got.DefaultErrnoRet)
	assert.Equal(t, nilIfEmpty(want.Architectures), nilIfEmpty(got.Architectures))
	require.Len(t, got.ArchMap, len(want.ArchMap))
	for i, am := range want.ArchMap {
		assert.Equal(t, am.Arch, got.ArchMap[i].Arch, "archMap[%d]", i)
		assert.Equal(t, nilIfEmpty(am.SubArches), nilIfEmpty(got.ArchMap[i].SubArches), "archMap[%d]", i)
	}
	require.Len(t, got.Syscalls, len(want.Syscalls))
	for i, w := range want.Syscalls {
		g := got.Syscalls[i]
		assert.ElementsMatch(t, w.Names, g.Names, "rule %d", i)
		assert.Equal(t, w.Action, g.Action, "rule %d", i)
		assert.Equal(t, w.ErrnoRet, g.ErrnoRet, "rule %d", i)
		require.Len(t, g.Args, len(w.Args), "rule %d", i)
		for j, wa := range w.Args {
			ga := g.Args[j]
			assert.Equal(t, wa, specs.LinuxSeccompArg{Index: ga.Index, Value: ga.Value, ValueTwo: ga.ValueTwo, Op: ga.Op}, "rule %d arg %d", i, j)
		}
		for _, f := range []struct {
			w *mobyseccomp.Filter
			g *Filter
		}{{w.Includes, g.Includes}, {w.Excludes, g.Excludes}} {
			var wv, gv []string
			if f.w != nil {
				mk := ""
				if f.w.MinKernel != nil {
					mk = f.w.MinKernel.String()
				}
				wv = filterView(f.w.Caps, f.w.Arches, mk)
			}
			if f.g != nil {
				gv = filterView(f.g.Caps, f.g.Arches, f.g.MinKernelRaw)
			}
			assert.Equal(t, wv, gv, "rule %d conditions", i)
		}
	}
}
