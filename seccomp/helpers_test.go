package seccomp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/internal/testutil"
)

// corpusFiles returns every JSON profile of the shared corpus, relative to
// its root.
func corpusFiles(t *testing.T) (string, []string) {
	t.Helper()
	root := testutil.SharedDir(t, "corpus", "seccomp")
	var files []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if rel == "reference" {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".json") && filepath.Base(path) != "INDEX.json" {
			files = append(files, rel)
		}
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return root, files
}

func bytesReader(b []byte) *strings.Reader { return strings.NewReader(string(b)) }
