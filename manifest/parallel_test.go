package manifest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kubeharden/kubeharden/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScanParallelMatchesScan: same reports and errors as Scan, in order.
func TestScanParallelMatchesScan(t *testing.T) {
	dir := testutil.SharedDir(t, "corpus", "kubesec")
	inputs := map[string][]byte{}
	err := filepath.WalkDir(filepath.Join(dir, "asset"), func(p string, de os.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		inputs[p] = b
		return err
	})
	require.NoError(t, err)
	var stream bytes.Buffer
	for i := range 50 {
		if i > 0 {
			stream.WriteString("---\n")
		}
		stream.Write(readTestdata(t, "small-deployment.yaml"))
		stream.WriteString("---\nkind: Pod\nspec: [broken\n")
	}
	inputs["stream"] = stream.Bytes()
	for name, data := range inputs {
		for _, mode := range []Compat{CompatNone, CompatKubesec} {
			want, wantErrs := Scan(name, data, Options{Compat: mode})
			got, gotErrs := ScanParallel(context.Background(), name, data, Options{Compat: mode}, 3)
			assert.Equal(t, want, got, name)
			assert.Equal(t, len(wantErrs), len(gotErrs), name)
			for i := range min(len(wantErrs), len(gotErrs)) {
				assert.Equal(t, wantErrs[i].Error(), gotErrs[i].Error(), name)
			}
		}
	}
}

func TestScanParallelCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	reports, errs := ScanParallel(ctx, "s", readTestdata(t, "small-deployment.yaml"), Options{}, 0)
	assert.Empty(t, reports)
	require.NotEmpty(t, errs)
	assert.ErrorIs(t, errs[len(errs)-1], context.Canceled)
}
