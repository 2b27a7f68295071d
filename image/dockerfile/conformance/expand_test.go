package conformance

import (
	"testing"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/kubeharden/kubeharden/image/dockerfile"
)

var expandEnv = map[string]string{"A": "alpha", "E": "", "P": "registry.example/app:1.0", "TAG": "22.04"}

// compareExpand checks dockerfile.Expand against BuildKit's shell lexer,
// which BuildKit uses to expand meta ARGs in FROM. Inputs BuildKit rejects
// (bad substitutions) are skipped: Expand never fails.
func compareExpand(t *testing.T, word string) {
	t.Helper()
	var env []string
	for k, v := range expandEnv {
		env = append(env, k+"="+v)
	}
	lex := shell.NewLex('\\')
	res, err := lex.ProcessWordWithMatches(word, shell.EnvsFromSlice(env))
	if err != nil || !utf8.ValidString(word) {
		return
	}
	got, _ := dockerfile.Expand(word, expandEnv, '\\')
	if got != res.Result {
		t.Errorf("Expand(%q) = %q, BuildKit %q", word, got, res.Result)
	}
}

func TestExpandMatchesBuildKit(t *testing.T) {
	for _, w := range expandSeeds {
		compareExpand(t, w)
	}
}

var expandSeeds = []string{
	"$A", "${A}-x", "${U:-def}", "${E:-def}", "${E-def}", "${U-def}", "${A:+set}", "${U:+set}", "${A+set}",
	"${U:-${A}}", "${U:-$A/x}", "$U", "'$A'", `"$A"`, `\$A`, "${P#*/}", "${P%:*}", "${P##*.}", "${P%%.*}",
	"$", "cost$5", "${REGISTRY:-docker.io}/library/nginx:${TAG:-latest}", "golang:${GO}-alpine", "a'b'c", `a"b"c`,
}

func FuzzExpandMatchesBuildKit(f *testing.F) {
	for _, w := range expandSeeds {
		f.Add(w)
	}
	f.Fuzz(compareExpand)
}
