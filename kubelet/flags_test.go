package kubelet

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseCommandLine(t *testing.T) {
	type flag struct{ name, value string }
	cases := []struct {
		name     string
		argv     []string
		flags    []flag
		problems int
	}{
		{"equals form", []string{"k", "--read-only-port=0"}, []flag{{"read-only-port", "0"}}, 0},
		{"separate value", []string{"k", "--read-only-port", "0"}, []flag{{"read-only-port", "0"}}, 0},
		{"value flag takes a dash-led value", []string{"k", "--authorization-mode", "--x"}, []flag{{"authorization-mode", "--x"}}, 0},
		{"bare bool", []string{"k", "--rotate-certificates", "--seccomp-default=false"}, []flag{{"rotate-certificates", "true"}, {"seccomp-default", "false"}}, 0},
		{"bool with separate false", []string{"k", "--anonymous-auth", "false"}, []flag{{"anonymous-auth", "true"}}, 1},
		{"underscores normalised", []string{"k", "--read_only_port=1"}, []flag{{"read-only-port", "1"}}, 0},
		{"double dash ends flags", []string{"k", "--a=1", "--", "--b=2"}, []flag{{"a", "1"}}, 1},
		{"shorthand v", []string{"k", "-v", "4", "-v=2"}, []flag{{"v", "4"}, {"v", "2"}}, 0},
		{"single dash long flag", []string{"k", "-anonymous-auth=false"}, nil, 1},
		{"value flag at the end", []string{"k", "--config"}, nil, 1},
		{"unknown flag before a flag is bare", []string{"k", "--unknown-bool", "--read-only-port=0"}, []flag{{"unknown-bool", "true"}, {"read-only-port", "0"}}, 0},
		{"positional argument", []string{"k", "run"}, nil, 1},
		{"flag name with a space", []string{"k", "--seccomp-default --feature-gates=A=true"}, nil, 1},
		{"empty value", []string{"k", "--hostname-override="}, []flag{{"hostname-override", ""}}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cl := ParseCommandLine(Args(c.argv...))
			var got []flag
			for _, f := range cl.Flags {
				got = append(got, flag{f.Name, f.Value})
			}
			assert.Equal(t, c.flags, got)
			assert.Len(t, cl.Problems, c.problems)
			for _, p := range cl.Problems {
				assert.True(t, errors.Is(p, ErrCommandLine), p.Error())
			}
		})
	}
}

func TestLookupLastOccurrence(t *testing.T) {
	cl := ParseCommandLine(Args("k", "--config=/a", "--config", "/b"))
	f, ok := cl.Lookup("--config")
	require.True(t, ok)
	assert.Equal(t, "/b", f.Value)
	assert.Equal(t, "--config /b", f.Written)
	assert.Len(t, cl.All("config"), 2)
	_, ok = cl.Lookup("missing")
	assert.False(t, ok)
	assert.Equal(t, "k --config=/a --config /b", cl.String())
}

func TestProblemsCarryTheFileThatHoldsTheFlag(t *testing.T) {
	argv := []Arg{{Value: "k"}, {Value: "--anonymous-auth", Origin: Origin{File: "/etc/default/kubelet", Line: 2}}, {Value: "false", Origin: Origin{File: "/etc/default/kubelet", Line: 2}}}
	cl := ParseCommandLine(argv)
	require.Len(t, cl.Problems, 1)
	assert.Contains(t, cl.Problems[0].Error(), "/etc/default/kubelet: line 2")
}
