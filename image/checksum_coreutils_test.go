package image

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVerifyAgainstCoreutils is differential: GNU sha512sum/sha256sum
// write the lists (text, binary, --tag, --zero, escaped names) and Verify
// must accept every file they list, and reject a file changed afterwards.
// It is skipped where coreutils are not installed.
func TestVerifyAgainstCoreutils(t *testing.T) {
	for _, tool := range []string{"sha512sum", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	dir := t.TempDir()
	files := map[string]string{"kubectl": "hello\n", "we\\ird": "x", "new\nline": "y", "sp ace ": "z", "-dash": "d"}
	var names []string
	for n, c := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte(c), 0o600))
		names = append(names, "./"+n)
	}
	variants := []struct {
		tool string
		args []string
	}{
		{"sha512sum", nil}, {"sha512sum", []string{"-b"}}, {"sha512sum", []string{"--tag"}}, {"sha512sum", []string{"--zero"}},
		{"sha256sum", nil}, {"sha256sum", []string{"--tag"}},
	}
	for _, v := range variants {
		t.Run(v.tool+fmtArgs(v.args), func(t *testing.T) {
			cmd := exec.Command(v.tool, append(append(v.args, "--"), names...)...)
			cmd.Dir = dir
			out, err := cmd.Output()
			require.NoError(t, err)
			list, err := ParseSums("SUMS", bytes.NewReader(out))
			require.NoError(t, err)
			assert.Empty(t, list.Problems)
			require.Len(t, list.Entries, len(files))
			rep, err := Verify(context.Background(), os.DirFS(dir), nil, []*SumList{list}, VerifyOptions{})
			require.NoError(t, err)
			for _, f := range rep.Files {
				assert.Equal(t, StatusMatch, f.Status, "%q: %v", f.Name, f.Err)
			}
			assert.True(t, rep.OK())

			// Flip the content of one file: exactly that one mismatches.
			p := filepath.Join(dir, "kubectl")
			require.NoError(t, os.WriteFile(p, []byte("hellO\n"), 0o600))
			defer func() { require.NoError(t, os.WriteFile(p, []byte("hello\n"), 0o600)) }()
			rep, err = Verify(context.Background(), os.DirFS(dir), nil, []*SumList{list}, VerifyOptions{})
			require.NoError(t, err)
			bad := 0
			for _, f := range rep.Files {
				if f.Status != StatusMatch {
					bad++
					assert.Equal(t, "kubectl", f.Name)
					assert.Equal(t, StatusMismatch, f.Status)
				}
			}
			assert.Equal(t, 1, bad)
		})
	}
}

func fmtArgs(a []string) string {
	s := ""
	for _, x := range a {
		s += " " + x
	}
	return s
}
