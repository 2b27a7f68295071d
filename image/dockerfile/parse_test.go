package dockerfile

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMultiStageLinesAndExpansion(t *testing.T) {
	src := `# syntax=docker/dockerfile:1
# escape=\
ARG REGISTRY=myacr.azurecr.io
ARG TAG
ARG GO=1.23
FROM --platform=$BUILDPLATFORM golang:${GO}-alpine AS Build
WORKDIR /src
# a comment
RUN apk add --no-cache git \
    # comment inside the continuation
    make \

    gcc
COPY . .
FROM ${REGISTRY}/base:${TAG:-22.04}
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app", "--serve"]
`
	f, err := Parse([]byte(src))
	require.NoError(t, err)
	assert.Equal(t, '\\', f.Escape)
	require.Len(t, f.Directives, 2)
	assert.Equal(t, Directive{Name: "syntax", Value: "docker/dockerfile:1", Line: 1}, f.Directives[0])
	require.Len(t, f.MetaArgs, 3)
	require.Len(t, f.Stages, 2)

	b := f.Stages[0]
	assert.Equal(t, "build", b.Name)
	assert.Equal(t, "golang:${GO}-alpine", b.BaseName)
	assert.Equal(t, "golang:1.23-alpine", b.Base)
	assert.Equal(t, "$BUILDPLATFORM", b.Platform)
	assert.Equal(t, -1, b.BaseStage)
	assert.Equal(t, 6, b.From.StartLine)

	run := b.Instructions[1]
	assert.Equal(t, "RUN", run.Cmd)
	assert.Equal(t, 9, run.StartLine)
	assert.Equal(t, 13, run.EndLine)
	assert.Equal(t, []string{"apk add --no-cache git     make     gcc"}, run.Args)
	assert.False(t, run.JSON)

	fin := f.Final()
	assert.Equal(t, "myacr.azurecr.io/base:22.04", fin.Base)
	assert.Empty(t, fin.Unresolved, "TAG has a :- default")
	cp := fin.Instructions[0]
	v, ok := cp.Flag("from")
	assert.True(t, ok)
	assert.Equal(t, "build", v)
	assert.Equal(t, []string{"/out/app", "/app"}, cp.Args)
	ep := fin.Instructions[2]
	assert.True(t, ep.JSON)
	assert.Equal(t, []string{"/app", "--serve"}, ep.Args)
	assert.Equal(t, 18, ep.StartLine)
	assert.Same(t, b, f.StageByName("BUILD", 1))
	assert.Same(t, b, f.StageByName("0", 1))
	assert.Nil(t, f.StageByName("1", 1))
}

func TestParseBuildArgsOverride(t *testing.T) {
	src := "ARG BASE=alpine:3.20\nARG UNDECLARED_IS_IGNORED\nFROM $BASE\n"
	f, err := ParseWithOptions([]byte(src), Options{BuildArgs: map[string]string{"BASE": "debian:12", "OTHER": "x"}})
	require.NoError(t, err)
	assert.Equal(t, "debian:12", f.Final().Base)
	assert.Empty(t, f.Final().Unresolved)
}

func TestParseStageReference(t *testing.T) {
	f, err := Parse([]byte("FROM alpine:3.20 AS base\nFROM base\nFROM Base AS second\nFROM second\n"))
	require.NoError(t, err)
	assert.Equal(t, 0, f.Stages[1].BaseStage)
	assert.Equal(t, 0, f.Stages[2].BaseStage)
	assert.Equal(t, 2, f.Stages[3].BaseStage)
}

func TestParseEscapeBacktick(t *testing.T) {
	src := "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir c:\\ `\n    && echo done\nCOPY a.txt c:\\app\\\n"
	f, err := Parse([]byte(src))
	require.NoError(t, err)
	assert.Equal(t, '`', f.Escape)
	run := f.Final().Instructions[0]
	assert.Equal(t, []string{`dir c:\     && echo done`}, run.Args)
	assert.Equal(t, 3, run.StartLine)
	assert.Equal(t, 4, run.EndLine)
	cp := f.Final().Instructions[1]
	assert.Equal(t, []string{"a.txt", `c:\app\`}, cp.Args)
}

func TestParseDirectivesOnlyAtTop(t *testing.T) {
	// An empty line ends the directives: the later "# escape=`" is a comment.
	f, err := Parse([]byte("\n# escape=`\nFROM alpine:3.20\nRUN echo a \\\n b\n"))
	require.NoError(t, err)
	assert.Empty(t, f.Directives)
	assert.Equal(t, '\\', f.Escape)
	assert.Equal(t, []string{"echo a  b"}, f.Final().Instructions[0].Args)

	_, err = Parse([]byte("# escape=x\nFROM alpine\n"))
	assert.ErrorIs(t, err, ErrInvalidDirective)
	_, err = Parse([]byte("# escape=`\n# escape=\\\nFROM alpine\n"))
	assert.ErrorIs(t, err, ErrInvalidDirective)
}

func TestParseHeredocs(t *testing.T) {
	src := "FROM alpine:3.20\n" +
		"RUN <<EOF\n" +
		"apk add --no-cache curl\n" +
		"echo $HOME\n" +
		"EOF\n" +
		"COPY <<-'CONF' /etc/app.conf\n" +
		"\tkey=value\n" +
		"\tCONF\n" +
		"RUN python3 <<PY 3<<DATA > /out\n" +
		"print('hi')\n" +
		"PY\n" +
		"payload\n" +
		"DATA\n" +
		"USER 1000\n"
	f, err := Parse([]byte(src))
	require.NoError(t, err)
	ins := f.Final().Instructions
	require.Len(t, ins, 4)
	require.Len(t, ins[0].Heredocs, 1)
	assert.Equal(t, Heredoc{Name: "EOF", Content: "apk add --no-cache curl\necho $HOME\n", Expand: true, StartLine: 3, EndLine: 5}, ins[0].Heredocs[0])
	assert.Equal(t, 2, ins[0].StartLine)
	assert.Equal(t, 5, ins[0].EndLine)
	assert.Equal(t, Heredoc{Name: "CONF", Content: "\tkey=value\n", Chomp: true, StartLine: 7, EndLine: 8}, ins[1].Heredocs[0])
	require.Len(t, ins[2].Heredocs, 2)
	assert.Equal(t, "print('hi')\n", ins[2].Heredocs[0].Content)
	assert.Equal(t, "payload\n", ins[2].Heredocs[1].Content)
	assert.Equal(t, 3, ins[2].Heredocs[1].FileDescriptor)
	assert.Equal(t, 13, ins[2].EndLine)
	assert.Equal(t, "USER", ins[3].Cmd)
	assert.Equal(t, 14, ins[3].StartLine)

	_, err = Parse([]byte("FROM alpine\nRUN <<EOF\necho\n"))
	assert.ErrorIs(t, err, ErrUnterminatedHeredoc)
	var pe *ParseError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, 2, pe.Line)

	// Here-strings and heredocs in other instructions are not heredocs.
	f, err = Parse([]byte("FROM alpine\nRUN cat <<<word\nENV A=<<EOF\n"))
	require.NoError(t, err)
	assert.Empty(t, f.Final().Instructions[0].Heredocs)
}

func TestParseEnvLabelArg(t *testing.T) {
	src := `FROM alpine
ENV A=1 B="two words" C='x y' D=a\ b
ENV LEGACY some value here
LABEL "org.opencontainers.image.title"="app" version=1
ARG X Y=2 Z="q r"
`
	f, err := Parse([]byte(src))
	require.NoError(t, err)
	ins := f.Final().Instructions
	assert.Equal(t, []KeyValue{{"A", "1", true}, {"B", "two words", true}, {"C", "x y", true}, {"D", "a b", true}}, ins[0].KeyValues)
	assert.Equal(t, []KeyValue{{"LEGACY", "some value here", true}}, ins[1].KeyValues)
	assert.Equal(t, []KeyValue{{"org.opencontainers.image.title", "app", true}, {"version", "1", true}}, ins[2].KeyValues)
	assert.Equal(t, []KeyValue{{"X", "", false}, {"Y", "2", true}, {"Z", "q r", true}}, ins[3].KeyValues)

	_, err = Parse([]byte("FROM alpine\nENV A=1 B\n"))
	assert.ErrorIs(t, err, ErrSyntax)
	_, err = Parse([]byte("FROM alpine\nENV A\n"))
	assert.ErrorIs(t, err, ErrSyntax)
}

func TestParseFormsAndFlags(t *testing.T) {
	src := "from alpine\n" +
		"run --mount=type=cache,target=/var/cache/apk --mount=type=secret,id=tok apk add curl\n" +
		"cmd [\"a\", \"b\"]\n" +
		"CMD [not json\n" +
		"HEALTHCHECK --interval=30s CMD [\"/app\", \"health\"]\n" +
		"HEALTHCHECK NONE\n" +
		"ONBUILD RUN echo hi\n" +
		"SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n" +
		"EXPOSE 80/tcp 443\n"
	f, err := Parse([]byte(src))
	require.NoError(t, err)
	ins := f.Final().Instructions
	assert.Equal(t, "RUN", ins[0].Cmd)
	assert.Equal(t, []string{"type=cache,target=/var/cache/apk", "type=secret,id=tok"}, ins[0].FlagValues("mount"))
	assert.Equal(t, []string{"apk add curl"}, ins[0].Args)
	assert.True(t, ins[1].JSON)
	assert.False(t, ins[2].JSON)
	assert.Equal(t, []string{"[not json"}, ins[2].Args)
	assert.Equal(t, []string{"CMD", "/app", "health"}, ins[3].Args)
	assert.Equal(t, []string{"--interval=30s"}, ins[3].Flags)
	assert.Equal(t, []string{"NONE"}, ins[4].Args)
	assert.Equal(t, []string{"RUN echo hi"}, ins[5].Args)
	assert.Equal(t, []string{"80/tcp", "443"}, ins[7].Args)
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want error
		line int
	}{
		{"empty", "", ErrNoInstructions, 0},
		{"comments only", "# hello\n\n   # x\n", ErrNoInstructions, 0},
		{"unknown", "FROM alpine\nFOO bar\n", ErrUnknownInstruction, 2},
		{"from args", "FROM a b\n", ErrSyntax, 1},
		{"from empty", "FROM\n", ErrSyntax, 1},
		{"too large", strings.Repeat("#", DefaultMaxBytes+1), ErrTooLarge, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.src))
			require.ErrorIs(t, err, tt.want)
			var pe *ParseError
			require.True(t, errors.As(err, &pe))
			assert.Equal(t, tt.line, pe.Line)
		})
	}
	_, err := ParseWithOptions([]byte("FROM a\nRUN a\nRUN b\n"), Options{MaxInstructions: 2})
	assert.ErrorIs(t, err, ErrTooManyInstructions)
}

func TestParseOrphansAndCRLFAndBOM(t *testing.T) {
	f, err := Parse([]byte("\xef\xbb\xbfARG A=1\r\nRUN echo\r\nFROM alpine:3.20\r\nUSER 1\r\n"))
	require.NoError(t, err)
	require.Len(t, f.Orphans, 1)
	assert.Equal(t, "RUN", f.Orphans[0].Cmd)
	assert.Equal(t, "alpine:3.20", f.Final().Base)
	assert.Equal(t, []string{"1"}, f.Final().Instructions[0].Args)
}

func TestExpand(t *testing.T) {
	vars := map[string]string{"A": "alpha", "E": "", "P": "registry.example/app:1.0"}
	tests := []struct {
		in, want   string
		unresolved []string
	}{
		{"$A", "alpha", nil},
		{"${A}-x", "alpha-x", nil},
		{"${U:-def}", "def", nil},
		{"${E:-def}", "def", nil},
		{"${E-def}", "", nil},
		{"${U-def}", "def", nil},
		{"${A:+set}", "set", nil},
		{"${U:+set}", "", nil},
		{"${A+set}", "set", nil},
		{"${U:-${A}}", "alpha", nil},
		{"${U:-$A/x}", "alpha/x", nil},
		{"$U", "", []string{"U"}},
		{"${U}${U}", "", []string{"U"}},
		{"'$A'", "$A", nil},
		{`"$A"`, "alpha", nil},
		{`\$A`, "$A", nil},
		{"${P#*/}", "app:1.0", nil},
		{"${P%:*}", "registry.example/app", nil},
		{"${P##*.}", "0", nil},
		{"${P%%.*}", "registry", nil},
		{"$", "$", nil},
		{"${A", "${A", nil},
		{"cost$5", "cost", nil},
	}
	for _, tt := range tests {
		got, unresolved := Expand(tt.in, vars, '\\')
		assert.Equal(t, tt.want, got, tt.in)
		if tt.in != "cost$5" {
			assert.Equal(t, tt.unresolved, unresolved, tt.in)
		}
	}
	// Budgets: deep nesting and many substitutions end quickly.
	deep := strings.Repeat("${U:-", 10000) + "x" + strings.Repeat("}", 10000)
	out, _ := Expand(deep, nil, '\\')
	assert.LessOrEqual(t, len(out), maxExpansion, "nesting beyond the budget is left unexpanded, bounded")
	big := map[string]string{"B": strings.Repeat("b", 60000)}
	out, _ = Expand(strings.Repeat("$B", 1000), big, '\\')
	assert.LessOrEqual(t, len(out), maxExpansion)
}

// Behaviours found by the BuildKit differential fuzzer (conformance/).
func TestParseBuildKitQuirks(t *testing.T) {
	// An escaped escape character at the end does not continue the line.
	f, err := Parse([]byte("FROM alpine\nENV C trailing\\\\backslash\\\\\nENV D next\n"))
	require.NoError(t, err)
	require.Len(t, f.Final().Instructions, 2)
	assert.Equal(t, 2, f.Final().Instructions[0].EndLine)

	// A continuation on the last line does not count a phantom line.
	f, err = Parse([]byte("FROM alpine\nRUN echo \\\n"))
	require.NoError(t, err)
	run := f.Final().Instructions[0]
	assert.Equal(t, []string{"echo"}, run.Args)
	assert.Equal(t, 2, run.EndLine)

	// "<< EOF" with a blank is a heredoc, "<<- EOF" is not.
	f, err = Parse([]byte("FROM alpine\nRUN cat << EOF\nx\nEOF\n"))
	require.NoError(t, err)
	require.Len(t, f.Final().Instructions[0].Heredocs, 1)
	f, err = Parse([]byte("FROM alpine\nRUN cat <<- EOF\nRUN x\n"))
	require.NoError(t, err)
	assert.Empty(t, f.Final().Instructions[0].Heredocs)

	// An unterminated quote on the line disables heredoc detection.
	f, err = Parse([]byte("FROM alpine\nRUN <<EOF \"x\nRUN y\n"))
	require.NoError(t, err)
	assert.Len(t, f.Final().Instructions, 2)

	// A JSON array of non-strings is an error, not shell form.
	_, err = Parse([]byte("FROM alpine\nCMD [\"a\", [\"b\"]]\n"))
	assert.ErrorIs(t, err, ErrSyntax)

	// A lone continuation character makes no instruction.
	_, err = Parse([]byte("FROM alpine\n  \\"))
	assert.ErrorIs(t, err, ErrSyntax)

	// COPY words split on blanks only; quotes stay.
	f, err = Parse([]byte("FROM alpine\nCOPY \"a b\" /c\n"))
	require.NoError(t, err)
	assert.Equal(t, []string{`"a`, `b"`, "/c"}, f.Final().Instructions[0].Args)
}
