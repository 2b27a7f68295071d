package seccomp

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
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

// corpusProfile is an independent decode of a profile file (encoding/json,
// all three dialects' fields) used to check the generated fact tables.
type corpusProfile struct {
	DefaultAction   specs.LinuxSeccompAction `json:"defaultAction"`
	DefaultErrnoRet *uint                    `json:"defaultErrnoRet"`
	DefaultErrno    string                   `json:"defaultErrno"`
	Architectures   []specs.Arch             `json:"architectures"`
	ArchMap         []struct {
		Architecture     specs.Arch   `json:"architecture"`
		SubArchitectures []specs.Arch `json:"subArchitectures"`
	} `json:"archMap"`
	Syscalls []struct {
		Names    []string                 `json:"names"`
		Name     string                   `json:"name"`
		Action   specs.LinuxSeccompAction `json:"action"`
		ErrnoRet *uint                    `json:"errnoRet"`
		Errno    string                   `json:"errno"`
		Args     []specs.LinuxSeccompArg  `json:"args"`
		Includes *corpusFilter            `json:"includes"`
		Excludes *corpusFilter            `json:"excludes"`
	} `json:"syscalls"`
}

type corpusFilter struct {
	Caps      []string `json:"caps"`
	Arches    []string `json:"arches"`
	MinKernel string   `json:"minKernel"`
}

// filterView is a comparable form of an includes/excludes condition; an
// empty condition and an absent one mean the same.
func filterView(caps, arches []string, minKernel string) []string {
	if len(caps) == 0 && len(arches) == 0 && minKernel == "" {
		return nil
	}
	return []string{strings.Join(caps, ","), strings.Join(arches, ","), minKernel}
}

// TestEmbeddedDefaults checks the generated default-profile fact tables
// against the corpus copies read in place (moby v0.3.0 default.json,
// containers/common seccomp.json, containerd's derived default): same
// default action and errno, architectures, and the same rules in the same
// order with the same names (as a set), action, errno, arguments and
// conditions. Run `go generate ./seccomp` when it fails.
func TestEmbeddedDefaults(t *testing.T) {
	root := testutil.SharedDir(t, "corpus", "seccomp")
	for file, c := range map[string]struct {
		rt      Runtime
		dialect Dialect
	}{
		"moby/default.json":                                 {RuntimeDocker, DialectDocker},
		"containers-common/seccomp.json":                    {RuntimeCRIO, DialectContainers},
		"containerd/runtime-default-amd64-defaultcaps.json": {RuntimeContainerd, DialectOCI},
	} {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(root, file))
			require.NoError(t, err)
			var want corpusProfile
			require.NoError(t, json.Unmarshal(data, &want))
			got := DefaultProfile(c.rt)
			require.NotNil(t, got)
			assert.Equal(t, c.dialect, got.Dialect)
			assert.Equal(t, want.DefaultAction, got.DefaultAction)
			assert.Equal(t, want.DefaultErrnoRet, got.DefaultErrnoRet)
			assert.Equal(t, want.DefaultErrno, got.DefaultErrno)
			assert.Equal(t, nilIfEmpty(want.Architectures), nilIfEmpty(got.Architectures))
			require.Len(t, got.ArchMap, len(want.ArchMap))
			for i, am := range want.ArchMap {
				assert.Equal(t, am.Architecture, got.ArchMap[i].Arch, "archMap[%d]", i)
				assert.Equal(t, nilIfEmpty(am.SubArchitectures), nilIfEmpty(got.ArchMap[i].SubArches), "archMap[%d]", i)
			}
			require.Len(t, got.Syscalls, len(want.Syscalls))
			for i, w := range want.Syscalls {
				g := got.Syscalls[i]
				names := w.Names
				if w.Name != "" {
					names = append(names, w.Name)
				}
				assert.ElementsMatch(t, names, g.allNames(), "rule %d", i)
				assert.Equal(t, w.Action, g.Action, "rule %d", i)
				assert.Equal(t, w.ErrnoRet, g.ErrnoRet, "rule %d", i)
				assert.Equal(t, w.Errno, g.Errno, "rule %d", i)
				require.Len(t, g.Args, len(w.Args), "rule %d", i)
				for j, wa := range w.Args {
					ga := g.Args[j]
					assert.Equal(t, wa, specs.LinuxSeccompArg{Index: ga.Index, Value: ga.Value, ValueTwo: ga.ValueTwo, Op: ga.Op}, "rule %d arg %d", i, j)
				}
				for _, f := range []struct {
					w *corpusFilter
					g *Filter
				}{{w.Includes, g.Includes}, {w.Excludes, g.Excludes}} {
					var wv, gv []string
					if f.w != nil {
						wv = filterView(f.w.Caps, f.w.Arches, f.w.MinKernel)
					}
					if f.g != nil {
						gv = filterView(f.g.Caps, f.g.Arches, f.g.MinKernelRaw)
					}
					assert.Equal(t, wv, gv, "rule %d conditions", i)
				}
			}
			// The built profile loads on its runtime as shipped.
			assert.Empty(t, Evaluate(got, Target{Runtime: c.rt}).LoadError)
		})
	}
	for _, rt := range Runtimes() {
		p := DefaultProfile(rt)
		require.NotNil(t, p, rt)
		assert.Empty(t, Evaluate(p, Target{Runtime: rt}).LoadError, rt)
	}
	assert.Nil(t, DefaultProfile("rkt"))
}

// TestDefaultProfileIsACopy: DefaultProfile hands out a new profile each
// time, so a caller editing it changes neither later calls nor
// RuntimeDefault.
func TestDefaultProfileIsACopy(t *testing.T) {
	before, _ := RuntimeDefault(Target{Runtime: RuntimeDocker}).Allowed(specs.ArchX86_64)
	p := DefaultProfile(RuntimeDocker)
	require.NotEmpty(t, p.Syscalls)
	n0 := len(p.Syscalls[0].Names)
	p.DefaultAction = specs.ActAllow
	p.Syscalls[0].Names[0] = "mount"
	p.Syscalls[0].Names = append(p.Syscalls[0].Names, "bpf")
	p.ArchMap[0].SubArches[0] = specs.ArchPPC
	q := DefaultProfile(RuntimeDocker)
	assert.Equal(t, specs.ActErrno, q.DefaultAction)
	assert.NotContains(t, q.Syscalls[0].Names, "mount")
	assert.Len(t, q.Syscalls[0].Names, n0)
	assert.Equal(t, specs.ArchX86, q.ArchMap[0].SubArches[0])
	after, _ := RuntimeDefault(Target{Runtime: RuntimeDocker}).Allowed(specs.ArchX86_64)
	assert.Equal(t, before, after)
	assert.NotContains(t, after, "mount")
}
