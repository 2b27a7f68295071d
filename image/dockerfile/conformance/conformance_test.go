// Package conformance compares kubeharden's Dockerfile parser with
// BuildKit's on BuildKit's own parser test files and on inline cases. It is
// a separate module so that BuildKit (and its go 1.26.8 directive) never
// becomes a dependency of kubeharden itself.
package conformance

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	bkparser "github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/kubeharden/kubeharden/image/dockerfile"
)

// inline cases exercise heredocs, escapes and forms the test files lack.
var inline = map[string]string{
	"heredoc":       "FROM alpine\nRUN <<EOF\necho a\necho b\nEOF\nCOPY <<-'X' /a\n\tbody $V\n\tX\nRUN python3 <<PY 3<<D\nprint(1)\nPY\nd\nD\nUSER 1\n",
	"heredoc-cont":  "FROM alpine\nRUN cat <<EOF \\\n  > /out\nline\nEOF\n",
	"backtick":      "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir c:\\ `\n    && echo done\nCOPY a.txt c:\\app\\\n",
	"comments-cont": "FROM alpine\nRUN apk add \\\n  # a comment\n  curl \\\n\n  git\n",
	"flags":         "FROM --platform=$BUILDPLATFORM golang:1.23 AS build\nRUN --mount=type=cache,target=/root/.cache --network=none go build\nCOPY --from=build --chown=1:1 /a /b\nHEALTHCHECK --interval=30s CMD [\"/app\", \"health\"]\n",
	"env":           "FROM alpine\nENV A=1 B=\"two words\" C='x y'\nENV LEGACY some value here\nLABEL a=b \"c d\"=e\nARG X Y=2\n",
	"json":          "FROM alpine\nCMD [\"a\", \"b\"]\nCMD [not json\nENTRYPOINT []\nSHELL [\"/bin/bash\", \"-c\"]\nVOLUME [\"/a\", \"/b\"]\nVOLUME /c /d\n",
	"crlf-bom":      "\xef\xbb\xbfFROM alpine\r\nRUN echo \\\r\n  hi\r\nUSER 1\r\n",
	"directives":    "# syntax=docker/dockerfile:1\n# check=skip=all\n# escape=`\nFROM alpine\nRUN a `\n b\n",
	"late-escape":   "\n# escape=`\nFROM alpine\nRUN echo a \\\n b\n",
	"lowercase":     "from alpine as Build\nrun echo\ncopy --from=build a b\n",
	"eof-cont":      "FROM alpine\nRUN echo \\",
	"expose":        "FROM alpine\nEXPOSE 80/tcp 443\nSTOPSIGNAL SIGTERM\nWORKDIR /app\nUSER app:app\nONBUILD RUN echo hi\n",
}

func buildkitDir(t *testing.T) string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/moby/buildkit").Output()
	if err != nil {
		t.Skipf("locating the buildkit module: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func TestParserMatchesBuildKit(t *testing.T) {
	cases := map[string][]byte{}
	for k, v := range inline {
		cases["inline/"+k] = []byte(v)
	}
	root := filepath.Join(buildkitDir(t), "frontend", "dockerfile", "parser")
	for _, dir := range []string{"testfiles", "testfiles-negative"} {
		entries, err := os.ReadDir(filepath.Join(root, dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(root, dir, e.Name(), "Dockerfile"))
			if err == nil {
				cases[dir+"/"+e.Name()] = b
			}
		}
	}
	if len(cases) < 30 {
		t.Fatalf("only %d cases found", len(cases))
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			compare(t, data)
		})
	}
}

func compare(t *testing.T, data []byte) {
	t.Helper()
	bk, bkErr := bkparser.Parse(bytes.NewReader(data))
	ours, err := dockerfile.Parse(data)
	if bkErr != nil {
		if err == nil && !utf8.Valid(data) {
			return // BuildKit's lexer turns invalid bytes into U+FFFD (e.g. in heredoc names); we keep them
		}
		if err == nil {
			t.Fatalf("BuildKit fails (%v) but we parse", bkErr)
		}
		return
	}
	if err != nil {
		// Documented difference: we reject unknown instructions and a
		// malformed FROM at parse time, BuildKit in its instructions package.
		if errors.Is(err, dockerfile.ErrUnknownInstruction) || errors.Is(err, dockerfile.ErrSyntax) || (errors.Is(err, dockerfile.ErrNoInstructions) && onlyEmpty(bk.AST)) {
			t.Logf("stricter than BuildKit's parser: %v", err)
			return
		}
		t.Fatalf("we fail (%v) but BuildKit parses", err)
	}
	if rune(bk.EscapeToken) != ours.Escape {
		t.Errorf("escape %q, BuildKit %q", ours.Escape, bk.EscapeToken)
	}
	if len(bk.AST.Children) != len(ours.Instructions) {
		t.Fatalf("%d instructions, BuildKit %d", len(ours.Instructions), len(bk.AST.Children))
	}
	for i, n := range bk.AST.Children {
		in := ours.Instructions[i]
		if !strings.EqualFold(n.Value, in.Cmd) {
			t.Errorf("#%d: %s, BuildKit %s", i, in.Cmd, n.Value)
			continue
		}
		if n.StartLine != in.StartLine || n.EndLine != in.EndLine {
			t.Errorf("#%d %s: lines %d-%d, BuildKit %d-%d", i, in.Cmd, in.StartLine, in.EndLine, n.StartLine, n.EndLine)
		}
		// BuildKit turns each byte of a flag into a rune, mangling
		// non-ASCII text; we keep the bytes. Compare ASCII flags only.
		if isASCII(strings.Join(in.Flags, "")) && strings.Join(n.Flags, "\x00") != strings.Join(in.Flags, "\x00") {
			t.Errorf("#%d %s: flags %q, BuildKit %q", i, in.Cmd, in.Flags, n.Flags)
		}
		if !utf8.Valid(data) || !isASCII(in.Text) {
			// BuildKit decodes words rune by rune and replaces invalid
			// bytes, and reads flag bytes as runes (so the bytes 0x85 and
			// 0xA0 of UTF-8 text split words); we keep bytes. Compare
			// structure only.
			continue
		}
		var args []string
		for a := n.Next; a != nil; a = a.Next {
			args = append(args, a.Value)
		}
		switch in.Cmd {
		case "ENV", "LABEL":
			var keys []string
			for j := 0; j+2 < len(args)+1 && j < len(args); j += 3 {
				keys = append(keys, args[j])
			}
			var ourKeys []string
			for _, kv := range in.KeyValues {
				ourKeys = append(ourKeys, kv.Key)
			}
			if in.Cmd == "LABEL" {
				for j := range keys {
					keys[j] = strings.Trim(keys[j], `"`)
				}
			}
			if strings.Join(keys, "\x00") != strings.Join(ourKeys, "\x00") && !(in.Cmd == "LABEL" && strings.ContainsAny(strings.Join(ourKeys, ""), `"'\\`)) {
				// LABEL keys are unquoted by us and kept raw by BuildKit's
				// parser: only unquoted keys compare directly.
				t.Errorf("#%d %s: keys %q, BuildKit %q", i, in.Cmd, ourKeys, keys)
			}
		case "ARG":
			var ourWords []string
			for _, kv := range in.KeyValues {
				ourWords = append(ourWords, kv.Key)
			}
			var keys []string
			for _, a := range args {
				k, _, _ := strings.Cut(a, "=")
				keys = append(keys, k)
			}
			if strings.Join(keys, "\x00") != strings.Join(ourWords, "\x00") {
				t.Errorf("#%d ARG: %q, BuildKit %q", i, ourWords, keys)
			}
		case "ONBUILD":
			// BuildKit parses the inner instruction; we keep its text.
		case "HEALTHCHECK":
			if len(args) > 0 && (len(in.Args) == 0 || !strings.EqualFold(args[0], in.Args[0])) {
				t.Errorf("#%d HEALTHCHECK: %q, BuildKit %q", i, in.Args, args)
			}
		default:
			if n.Attributes["json"] != in.JSON {
				t.Errorf("#%d %s: json %v, BuildKit %v", i, in.Cmd, in.JSON, n.Attributes["json"])
			}
			if strings.Join(args, "\x00") != strings.Join(in.Args, "\x00") {
				t.Errorf("#%d %s: args %q, BuildKit %q", i, in.Cmd, in.Args, args)
			}
		}
		if len(n.Heredocs) != len(in.Heredocs) {
			t.Errorf("#%d %s: %d heredocs, BuildKit %d", i, in.Cmd, len(in.Heredocs), len(n.Heredocs))
			continue
		}
		for j, h := range n.Heredocs {
			o := in.Heredocs[j]
			if h.Name != o.Name || h.Content != o.Content || h.Expand != o.Expand || h.Chomp != o.Chomp || int(h.FileDescriptor) != o.FileDescriptor {
				t.Errorf("#%d heredoc %d: %+v, BuildKit %+v", i, j, o, h)
			}
		}
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// onlyEmpty reports a BuildKit AST whose instructions all have an empty
// keyword (a lone continuation character gives one); its instructions
// package rejects them, we report a file with no instructions.
func onlyEmpty(ast *bkparser.Node) bool {
	for _, n := range ast.Children {
		if n.Value != "" {
			return false
		}
	}
	return true
}

// FuzzParserMatchesBuildKit runs the same comparison on fuzzed input.
func FuzzParserMatchesBuildKit(f *testing.F) {
	for _, v := range inline {
		f.Add([]byte(v))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		compare(t, data)
	})
}
