package seccomp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
	"github.com/kubeharden/kubeharden/internal/testutil"
)

// spoEmbedded decodes a SeccompProfile document the way the CLI does and
// returns its spec as an Embedded profile.
func spoEmbedded(t *testing.T, d *decode.Document) Embedded {
	t.Helper()
	var obj struct {
		Spec json.RawMessage `json:"spec"`
	}
	require.NoError(t, json.Unmarshal(d.JSON, &obj))
	return Embedded{
		Source: d.Source, Document: d.Index, Object: d.Object(false), JSON: obj.Spec,
		Position: func(path string) kubeharden.Position {
			if path == "" {
				return d.Position("spec")
			}
			return d.Position("spec." + path)
		},
	}
}

// TestSPOCRDs scans the SeccompProfile specs of the corpus's SPO CRD
// files and checks that each scores exactly as its extracted JSON (see
// corpusGolden), with positions in the YAML file.
func TestSPOCRDs(t *testing.T) {
	root := testutil.SharedDir(t, "corpus", "seccomp")
	idx, err := os.ReadFile(filepath.Join(root, "security-profiles-operator", "extracted-from-crds", "INDEX.json"))
	require.NoError(t, err)
	var index []struct {
		File   string `json:"file"`
		Source string `json:"source"`
		Doc    int    `json:"doc_index"`
	}
	require.NoError(t, json.Unmarshal(idx, &index))
	require.NotEmpty(t, index)
	golden := map[string][3]corpusWant{}
	for _, g := range corpusGolden {
		golden[g.file] = g.want
	}
	for _, ent := range index {
		t.Run(ent.File, func(t *testing.T) {
			crd := filepath.Join(root, "security-profiles-operator", "crd-"+strings.TrimPrefix(ent.Source, "examples/"))
			data, err := os.ReadFile(crd)
			require.NoError(t, err)
			docs, errs := decode.Split(data, crd, decode.Options{})
			require.Empty(t, errs)
			var profiles []*decode.Document
			for _, d := range docs {
				if d.Meta.Kind == "SeccompProfile" && strings.HasPrefix(d.Meta.APIVersion, SPOGroup+"/") {
					profiles = append(profiles, d)
				}
			}
			require.Greater(t, len(profiles), ent.Doc)
			reports, err := ScanSPOSpec(spoEmbedded(t, profiles[ent.Doc]), Options{})
			require.NoError(t, err)
			want, ok := golden["security-profiles-operator/extracted-from-crds/"+ent.File]
			require.True(t, ok)
			for i, r := range reports {
				assert.Equal(t, want[i].score, r.Score, r.Object)
				for _, f := range r.Failed() {
					assert.Equal(t, crd, f.Position.File, f.RuleID)
					assert.Positive(t, f.Position.Line, f.RuleID)
				}
			}
		})
	}
}

func TestScanSPOSpecBaseProfile(t *testing.T) {
	cases := []struct {
		spec  string
		fires bool
	}{
		{`{"baseProfileName":"runc-v1.4.2","defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}`, true},
		{`{"disabled":false,"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}`, false},
	}
	for _, c := range cases {
		rs, err := ScanSPOSpec(Embedded{Source: "crd.yaml", Object: "SeccompProfile/p.default", JSON: []byte(c.spec)}, Options{Runtimes: []Runtime{RuntimeCRIO}})
		require.NoError(t, err)
		require.Len(t, rs, 1)
		_, fired := failedFinding(rs[0], ruleSPOBaseProfile.ID)
		assert.Equal(t, c.fires, fired)
		_, unknown := failedFinding(rs[0], ruleUnknownField.ID)
		assert.False(t, unknown, "SPO fields are not unknown")
		assert.Equal(t, "SeccompProfile/p.default (cri-o/SCMP_ARCH_X86_64)", rs[0].Object)
	}
	_, err := ScanSPOSpec(Embedded{Source: "crd.yaml", JSON: []byte(`{"defaultAction":`)}, Options{})
	assert.ErrorIs(t, err, ErrSyntax)
}
