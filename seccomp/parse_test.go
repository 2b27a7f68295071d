package seccomp

import (
	"errors"
	"strings"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden"
)

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name       string
		in         string
		wantErr    error
		line, col  int
		msgContain string
	}{
		{"trailing comma", "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n}", ErrSyntax, 3, 1, "string key"},
		{"unterminated", "{\"defaultAction\": \"SCMP", ErrSyntax, 1, 24, "unterminated"},
		{"garbage after", "{}\n{}", ErrSyntax, 2, 1, "after the top-level"},
		{"NUL byte", "{\"defaultAction\":\x00}", ErrSyntax, 1, 18, "0x00"},
		{"invalid UTF-8", "{\"defaultAction\":\"\xff\"}", ErrSyntax, 1, 20, "UTF-8"},
		{"control char in string", "{\"a\":\"x\ny\"}", ErrSyntax, 1, 8, "control character"},
		{"array top level", "[1,2]", ErrNotProfile, 1, 1, "array"},
		{"wrong type everywhere", "{\n\"defaultAction\": 5}", ErrType, 2, 18, "want a string"},
		{"names not an array", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\n \"syscalls\":[{\"names\":\"read\"}]}", ErrType, 2, 23, "array of strings"},
		{"negative errno", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":-1}", ErrType, 1, 53, "unsigned"},
		{"float index", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"x\"],\"args\":[{\"index\":1.5}]}]}", ErrType, 1, 79, "unsigned"},
		{"huge value", "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"x\"],\"args\":[{\"value\":18446744073709551616}]}]}", ErrType, 1, 79, "unsigned"},
		{"bad escape", `{"a":"\q"}`, ErrSyntax, 1, 7, "escape"},
		{"bad literal", `{"a":tru}`, ErrSyntax, 1, 6, "literal"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("p.json", []byte(c.in))
			require.Error(t, err)
			assert.ErrorIs(t, err, c.wantErr)
			var ie *kubeharden.InputError
			require.True(t, errors.As(err, &ie))
			assert.Equal(t, "p.json", ie.Source)
			assert.Equal(t, c.line, ie.Line, "line")
			assert.Equal(t, c.col, ie.Column, "column")
			assert.Contains(t, err.Error(), c.msgContain)
			assert.Contains(t, err.Error(), "p.json")
		})
	}
}

func TestParseBudgets(t *testing.T) {
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	_, err := Parse("deep.json", []byte(`{"a":`+deep+`}`))
	assert.ErrorIs(t, err, ErrTooDeep)

	big := []byte(`{"defaultAction":"SCMP_ACT_ERRNO","x":"` + strings.Repeat("a", 2000) + `"}`)
	_, err = ParseWithOptions("big.json", big, ParseOptions{MaxBytes: 1000})
	assert.ErrorIs(t, err, ErrTooLarge)
	_, err = Parse("big.json", big)
	assert.NoError(t, err)
}

func TestParseValues(t *testing.T) {
	in := `{
  "defaultAction": "SCMP_ACT_ERRNO",
  "defaultErrnoRet": 38,
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
  "flags": ["SECCOMP_FILTER_FLAG_LOG"],
  "listenerPath": "/run/agent.sock",
  "syscalls": [
    {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
     "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}],
     "comment": "s\u00e9curit\u00e9 \ud83d\ude00"},
    {"name": "ptrace", "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8", "caps": ["CAP_SYS_PTRACE"]}, "excludes": {"arches": ["s390x"]}},
    {"names": ["value"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 1, "value": 18446744073709551615, "op": "SCMP_CMP_EQ"}]}
  ]
}`
	p, err := Parse("v.json", []byte(in))
	require.NoError(t, err)
	assert.Equal(t, DialectDocker, p.Dialect)
	assert.Equal(t, specs.ActErrno, p.DefaultAction)
	require.NotNil(t, p.DefaultErrnoRet)
	assert.Equal(t, uint(38), *p.DefaultErrnoRet)
	assert.Equal(t, []specs.Arch{specs.ArchX86_64, specs.ArchX86}, p.Architectures)
	assert.Equal(t, []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagLog}, p.Flags)
	assert.Equal(t, "/run/agent.sock", p.ListenerPath)
	require.Len(t, p.Syscalls, 3)
	assert.Equal(t, Arg{Index: 0, Value: 0x7E020000, ValueTwo: 0, Op: specs.OpMaskedEqual, off: p.Syscalls[0].Args[0].off}, p.Syscalls[0].Args[0])
	assert.Equal(t, "sécurité 😀", p.Syscalls[0].Comment)
	assert.Equal(t, "ptrace", p.Syscalls[1].Name)
	assert.Equal(t, &KernelVersion{4, 8}, p.Syscalls[1].Includes.MinKernel)
	assert.Equal(t, []string{"CAP_SYS_PTRACE"}, p.Syscalls[1].Includes.Caps)
	assert.Equal(t, []string{"s390x"}, p.Syscalls[1].Excludes.Arches)
	assert.Equal(t, uint64(18446744073709551615), p.Syscalls[2].Args[0].Value)
	// Positions: line and column of the third name element and the action.
	pos := p.position(p.Syscalls[1].nameOff)
	assert.Equal(t, kubeharden.Position{File: "v.json", Line: 11, Column: 14, Exact: true}, pos)
}

func TestParseKeySemantics(t *testing.T) {
	// Go's encoding/json matches keys case-insensitively and keeps the last
	// duplicate; runtimes decode with it, so we do the same and report it.
	p, err := Parse("k.json", []byte(`{"defaultAction":"SCMP_ACT_ALLOW","DEFAULTACTION":"SCMP_ACT_ERRNO","Syscalls":[{"Names":["read"],"ACTION":"SCMP_ACT_ALLOW"}]}`))
	require.NoError(t, err)
	assert.Equal(t, specs.ActErrno, p.DefaultAction)
	require.Len(t, p.Syscalls, 1)
	assert.Equal(t, []string{"read"}, p.Syscalls[0].Names)
	kinds := map[ProblemKind]int{}
	for _, pr := range p.Problems {
		kinds[pr.Kind]++
	}
	assert.Equal(t, 1, kinds[ProblemDuplicateKey])
	assert.Equal(t, 4, kinds[ProblemCaseVariantKey])
}

func TestDialectUnknownFields(t *testing.T) {
	p, err := Parse("d.json", []byte(`{"defaultAction":"SCMP_ACT_ERRNO","defaultErrno":"ENOSYS","listenerPath":"/x","bogus":1,
		"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"4.8"}}]}`))
	require.NoError(t, err)
	got := map[string]Dialect{}
	for _, pr := range p.Problems {
		if pr.Kind == ProblemUnknownField {
			got[pr.Path] = pr.Dialects
		}
	}
	assert.Equal(t, map[string]Dialect{
		"defaultErrno":                   DialectOCI | DialectDocker,
		"listenerPath":                   DialectContainers,
		"bogus":                          allDialects,
		"syscalls[0].includes":           DialectOCI,
		"syscalls[0].includes.minKernel": DialectContainers,
	}, got)
}

func TestParseKernelVersion(t *testing.T) {
	for in, want := range map[string]KernelVersion{"4.8": {4, 8}, "5.15.0-91-generic": {5, 15}, "6.1": {6, 1}} {
		got, err := ParseKernelVersion(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "4", "0.0", "256.1", "a.b", "4.x"} {
		_, err := ParseKernelVersion(in)
		assert.Error(t, err, in)
	}
}

func TestDetect(t *testing.T) {
	cases := map[string]bool{
		`{"defaultAction":"SCMP_ACT_ERRNO"}`:                                      true,
		"\ufeff  {\n \"syscalls\": [], \"archMap\": []}":                          true,
		`{"apiVersion":"v1","kind":"Pod","spec":{"defaultAction":"x"}}`:           false,
		`{"spec":{"defaultAction":"SCMP_ACT_ERRNO"}}`:                             false,
		`{"syscalls":[{"names":["read"]}]}`:                                       false,
		`[{"defaultAction":"SCMP_ACT_ERRNO"}]`:                                    false,
		`defaultAction: SCMP_ACT_ERRNO`:                                           false,
		`{"a":"\"defaultAction\"","defaultAction":"SCMP_ACT_LOG"}`:                true,
		`{"a":"\"defaultAction\""}`:                                               false,
		`{"nested":{"x":[{"defaultAction":1}]},"architectures":[],"syscalls":[]}`: true,
	}
	for in, want := range cases {
		assert.Equal(t, want, Detect("x.json", []byte(in)), in)
	}
}

func TestSyscallTable(t *testing.T) {
	// Per-arch counts published for libseccomp 90d3f7d in
	// ../shared/reference/seccomp.md §3.
	want := map[specs.Arch]int{
		specs.ArchX86: 461, specs.ArchX86_64: 385, specs.ArchX32: 374, specs.ArchARM: 430, specs.ArchAARCH64: 327,
		specs.ArchLOONGARCH64: 323, specs.ArchM68K: 443, specs.ArchMIPS: 437, specs.ArchMIPS64: 373,
		specs.ArchMIPS64N32: 397, specs.ArchPARISC: 407, specs.ArchPARISC64: 386, specs.ArchPPC: 452,
		specs.ArchPPC64: 424, specs.ArchRISCV64: 328, specs.ArchS390: 440, specs.ArchS390X: 390, specs.ArchSH: 436,
		specs.ArchPPC64LE: 424, specs.ArchMIPSEL: 437, specs.ArchSHEB: 436,
	}
	for a, n := range want {
		assert.Len(t, SyscallsOnArch(a), n, a)
	}
	assert.Len(t, syscallTable, 508)
	assert.True(t, SyscallOnArch("socketcall", specs.ArchX86))
	assert.False(t, SyscallOnArch("socketcall", specs.ArchX86_64))
	assert.False(t, KnownSyscall("mmount"))
	assert.Equal(t, "mount", closestSyscall("mmount"))
	assert.Contains(t, SyscallTableVersion(), "libseccomp")
	v, ok := errnoValue("ENOSYS")
	assert.True(t, ok)
	assert.Equal(t, uint(38), v)
}

func TestFindingPositions(t *testing.T) {
	p, err := Parse("pos.json", []byte("\n  {\n \"syscalls\": [\n  {\"names\": [\"read\", \"mmount\"], \"action\": \"SCMP_ACT_ALLOW\"}]}"))
	require.NoError(t, err)
	r := Analyze(p, Target{})
	f, ok := failedFinding(r, ruleInvalidDefaultAction.ID)
	require.True(t, ok)
	assert.Equal(t, kubeharden.Position{File: "pos.json", Line: 2, Column: 3, Exact: false}, f.Position, "missing field: nearest ancestor, inexact")
	f, ok = failedFinding(r, ruleUnknownSyscall.ID)
	require.True(t, ok)
	assert.Equal(t, kubeharden.Position{File: "pos.json", Line: 4, Column: 22, Exact: true}, f.Position)
	assert.Equal(t, "syscalls[0].names[1]", f.Path)
	assert.Equal(t, `did you mean "mount"?`, f.Fix)
}
