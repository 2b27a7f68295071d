package seccomp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	mobyseccomp "github.com/moby/profiles/seccomp"
	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// corpusWant is the expected outcome on one runtime (amd64, the runtime's
// default capabilities, current kernel): the report's score and the number
// of x86_64 syscalls allowed for every call and for some argument values.
type corpusWant struct{ score, always, some int }

// corpusGolden lists every JSON profile of ../shared/corpus/seccomp, its
// dialect (as given in the corpus README) and its outcome on containerd,
// CRI-O and Docker. The allow counts were checked by hand against the
// profiles; independent anchors: fine-grained.json allows its 54 names,
// containerd's default 309 (reference §1.4), LOG/ALLOW defaults allow all
// 385 x86_64 syscalls, block-all profiles none; see also
// TestRuntimeDefaultCounts and TestMobyDefaultFailsOpenOnContainerd.
var corpusGolden = []struct {
	file    string
	dialect Dialect
	want    [3]corpusWant // containerd, cri-o, docker
}{
	{"containerd/runtime-default-amd64-defaultcaps.json", DialectOCI, [3]corpusWant{{-4, 309, 3}, {-9, 309, 3}, {-9, 309, 3}}},
	{"containers-common/fixture-example.json", DialectDocker, [3]corpusWant{{-83, 303, 1}, {-25, 273, 2}, {-32, 274, 2}}},
	{"containers-common/seccomp.json", DialectContainers, [3]corpusWant{{-88, 332, 1}, {-37, 311, 2}, {-37, 313, 1}}},
	{"kubernetes-docs/audit.json", DialectOCI, [3]corpusWant{{-96, 385, 0}, {-96, 385, 0}, {-96, 385, 0}}},
	{"kubernetes-docs/fine-grained.json", DialectOCI, [3]corpusWant{{3, 54, 0}, {3, 54, 0}, {3, 54, 0}}},
	{"kubernetes-docs/violation.json", DialectOCI, [3]corpusWant{{3, 0, 0}, {3, 0, 0}, {3, 0, 0}}},
	{"moby/default.HEAD.json", DialectDocker, [3]corpusWant{{-83, 349, 2}, {-2, 305, 3}, {-4, 306, 3}}},
	{"moby/default.json", DialectDocker, [3]corpusWant{{-83, 349, 2}, {-2, 305, 3}, {-4, 306, 3}}},
	{"moby/fixture-conditional_include.json", DialectDocker, [3]corpusWant{{-20, 3, 0}, {3, 2, 0}, {3, 2, 0}}},
	{"moby/fixture-default-old-format.json", DialectDocker, [3]corpusWant{{3, 0, 0}, {-12, 267, 2}, {-12, 267, 2}}},
	{"moby/fixture-example.json", DialectDocker, [3]corpusWant{{3, 0, 0}, {3, 2, 1}, {3, 2, 1}}},
	{"security-profiles-operator/bpf-recorder.json", DialectDocker, [3]corpusWant{{-18, 76, 0}, {-18, 76, 0}, {-18, 76, 0}}},
	{"security-profiles-operator/extracted-from-crds/baseprofile-crun--crun-v1.26.json", DialectOCI, [3]corpusWant{{-14, 53, 0}, {-14, 53, 0}, {-14, 53, 0}}},
	{"security-profiles-operator/extracted-from-crds/baseprofile-runc--runc-v1.4.2.json", DialectOCI, [3]corpusWant{{3, 40, 0}, {3, 40, 0}, {3, 40, 0}}},
	{"security-profiles-operator/extracted-from-crds/seccompprofile--profile-allow-unsafe.json", DialectOCI, [3]corpusWant{{-96, 385, 0}, {-96, 385, 0}, {-96, 385, 0}}},
	{"security-profiles-operator/extracted-from-crds/seccompprofile--profile-block-all.json", DialectOCI, [3]corpusWant{{3, 0, 0}, {3, 0, 0}, {3, 0, 0}}},
	{"security-profiles-operator/extracted-from-crds/seccompprofile--profile-complain-block-high-risk.json", DialectOCI, [3]corpusWant{{-48, 339, 0}, {-48, 339, 0}, {-48, 339, 0}}},
	{"security-profiles-operator/extracted-from-crds/seccompprofile--profile-complain-unsafe.json", DialectOCI, [3]corpusWant{{-96, 385, 0}, {-96, 385, 0}, {-96, 385, 0}}},
	{"security-profiles-operator/extracted-from-crds/seccompprofile-allowed-syscalls-change--profile-allowed-syscalls.json", DialectOCI, [3]corpusWant{{3, 4, 0}, {3, 4, 0}, {3, 4, 0}}},
	{"security-profiles-operator/extracted-from-crds/seccompprofile-allowed-syscalls-validation--profile-allow-all-syscalls.json", DialectOCI, [3]corpusWant{{-96, 385, 0}, {-96, 385, 0}, {-96, 385, 0}}},
	{"security-profiles-operator/extracted-from-crds/seccompprofile-allowed-syscalls-validation--profile-allowed-syscalls.json", DialectOCI, [3]corpusWant{{3, 4, 0}, {3, 4, 0}, {3, 4, 0}}},
	{"security-profiles-operator/extracted-from-crds/seccompprofile-allowed-syscalls-validation--profile-block-all-syscalls.json", DialectOCI, [3]corpusWant{{3, 0, 0}, {3, 0, 0}, {3, 0, 0}}},
	{"security-profiles-operator/extracted-from-crds/seccompprofile-allowed-syscalls-validation--profile-denied-syscalls.json", DialectOCI, [3]corpusWant{{-10, 5, 0}, {-10, 5, 0}, {-10, 5, 0}}},
	{"security-profiles-operator/security-profiles-operator.json", DialectDocker, [3]corpusWant{{-12, 72, 0}, {-7, 72, 0}, {-12, 72, 0}}},
}

func TestCorpus(t *testing.T) {
	root, files := corpusFiles(t)
	require.Len(t, corpusGolden, len(files), "every corpus profile has an expectation")
	for _, g := range corpusGolden {
		t.Run(g.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(root, g.file))
			require.NoError(t, err)
			require.True(t, Detect(g.file, data), "Detect")
			p, err := Parse(g.file, data)
			require.NoError(t, err)
			assert.Equal(t, g.dialect, p.Dialect)
			for i, rt := range Runtimes() {
				tg := Target{Runtime: rt}
				r := Analyze(p, tg)
				always, some := Evaluate(p, tg).Allowed(specs.ArchX86_64)
				got := corpusWant{r.Score, len(always), len(some)}
				assert.Equal(t, g.want[i], got, "%s", rt)
				for _, f := range r.Findings {
					// Every corpus name resolves in libseccomp's table
					// (reference §3): no typos.
					assert.NotEqual(t, ruleUnknownSyscall.ID, f.RuleID)
					assert.NotEqual(t, ruleTypoFailsOpen.ID, f.RuleID)
					assert.Equal(t, g.file, f.Position.File, f.RuleID)
					if !f.Passed && f.Position.Exact {
						assert.Positive(t, f.Position.Line, f.RuleID)
					}
				}
			}
		})
	}
}

// TestCorpusStrictDecode compares our per-dialect unknown-field detection
// with a strict decode (DisallowUnknownFields) into moby's type: a file
// fails it exactly when it has fields the Docker format does not define
// (only containers-common/seccomp.json, for defaultErrno and errno).
func TestCorpusStrictDecode(t *testing.T) {
	root, files := corpusFiles(t)
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(root, rel))
		require.NoError(t, err)
		dec := json.NewDecoder(bytesReader(data))
		dec.DisallowUnknownFields()
		var m mobyseccomp.Seccomp
		strictErr := dec.Decode(&m)
		p, err := Parse(rel, data)
		require.NoError(t, err)
		unknownToDocker := false
		for _, pr := range p.Problems {
			if pr.Kind == ProblemUnknownField && pr.Dialects&DialectDocker != 0 {
				unknownToDocker = true
			}
		}
		assert.Equal(t, strictErr != nil, unknownToDocker, "%s: strict decode error %v", rel, strictErr)
	}
}
