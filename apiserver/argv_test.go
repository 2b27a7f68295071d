package apiserver

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseArgsForms(t *testing.T) {
	f := ParseArgs(APIServer, []string{"kube-apiserver",
		"--authorization-mode=Node", "--secure-port", "6443", "--profiling", "--anonymous_auth=false",
		"--enable-admission-plugins", "--weird", "--audit-log-path=",
	})
	assert.Empty(t, f.Problems)
	v, ok := f.String("secure-port", "")
	assert.True(t, ok)
	assert.Equal(t, "6443", v)
	o, _ := f.Last("secure-port")
	assert.Equal(t, 2, o.Arg)
	assert.Equal(t, 3, o.ValueArg)
	b, set, err := f.Bool("profiling", false)
	require.NoError(t, err)
	assert.True(t, b && set)
	b, set, err = f.Bool("anonymous-auth", true)
	require.NoError(t, err)
	assert.False(t, b)
	assert.True(t, set, "underscores normalise to dashes")
	plugins, ok, _ := f.List("enable-admission-plugins")
	assert.True(t, ok)
	assert.Equal(t, []string{"--weird"}, plugins, "a value flag takes the next element even if it starts with --")
	v, ok = f.String("audit-log-path", "x")
	assert.True(t, ok)
	assert.Empty(t, v)
	assert.Equal(t, []string{"authorization-mode", "secure-port", "profiling", "anonymous-auth", "enable-admission-plugins", "audit-log-path"}, f.Names())
}

func TestParseArgsProblems(t *testing.T) {
	cases := []struct {
		name string
		comp Component
		argv []string
		want error
	}{
		{"bool with separate false", APIServer, []string{"x", "--profiling", "false"}, ErrPositional},
		{"value flag at the end", APIServer, []string{"x", "--audit-log-path"}, ErrMissingValue},
		{"single dash long flag", APIServer, []string{"x", "-anonymous-auth=false"}, ErrShorthand},
		{"bad bool", ControllerManager, []string{"x", "--profiling=nope"}, ErrBadBool},
		{"double dash ends flags", Scheduler, []string{"x", "--", "--profiling=false"}, ErrPositional},
		{"etcd positional stops parsing", Etcd, []string{"etcd", "extra", "--auto-tls"}, ErrPositional},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := ParseArgs(tc.comp, tc.argv)
			require.NotEmpty(t, f.Problems)
			assert.True(t, errors.Is(f.Problems[0], tc.want), "%v", f.Problems)
		})
	}
	f := ParseArgs(Scheduler, []string{"x", "--", "--profiling=false"})
	assert.False(t, f.Has("profiling"), "nothing after -- is a flag")
	f = ParseArgs(Etcd, []string{"etcd", "extra", "--auto-tls"})
	assert.False(t, f.Has("auto-tls"), "Go's flag package stops at the first positional argument")
	f = ParseArgs(APIServer, []string{"x", "-v", "2", "--profiling=false"})
	b, _, _ := f.Bool("profiling", true)
	assert.False(t, b, "-v 2 consumes its value")
}

func TestFlagsListMapInt(t *testing.T) {
	f := ParseArgs(APIServer, []string{"x",
		"--tls-cipher-suites=A,B", "--tls-cipher-suites", `"C,D",E`,
		"--feature-gates=A=true,B=false", "--feature-gates=B=true, C = false ,bad",
		"--audit-log-maxage=0x1e", "--audit-log-maxbackup=010", "--audit-log-maxsize=1e3",
		"--service-account-key-file=a,b", "--service-account-key-file=c",
	})
	l, ok, err := f.List("tls-cipher-suites")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, []string{"A", "B", "C,D", "E"}, l, "CSV: a quoted element keeps its comma; occurrences accumulate")
	m, ok, err := f.Map("feature-gates")
	assert.True(t, ok)
	assert.ErrorIs(t, err, ErrBadMap)
	assert.Equal(t, map[string]bool{"A": true, "B": true, "C": false}, m)
	src, ok := f.MapSource("feature-gates", "B")
	assert.True(t, ok)
	assert.Equal(t, 5, src.Arg)
	n, _, err := f.Int("audit-log-maxage", 0)
	require.NoError(t, err)
	assert.Equal(t, int64(30), n)
	n, _, _ = f.Int("audit-log-maxbackup", 0)
	assert.Equal(t, int64(8), n, "leading zero is octal, as strconv.ParseInt base 0")
	_, _, err = f.Int("audit-log-maxsize", 0)
	assert.Error(t, err)
	arr, _, _ := f.List("service-account-key-file")
	assert.Equal(t, []string{"a,b", "c"}, arr, "string arrays are not comma-split")
}

func TestEffectiveAdmission(t *testing.T) {
	set := EffectiveAdmission(ParseArgs(APIServer, []string{"x", "--enable-admission-plugins=NodeRestriction", "--disable-admission-plugins=PodSecurity"}))
	assert.Empty(t, set.Errors)
	assert.True(t, set.Enabled("NodeRestriction"))
	assert.True(t, set.Enabled("ServiceAccount"))
	assert.False(t, set.Enabled("PodSecurity"))
	assert.False(t, set.Enabled("AlwaysPullImages"))
	assert.Len(t, set.List(), len(DefaultOnAdmissionPlugins()))

	set = EffectiveAdmission(ParseArgs(APIServer, []string{"x", "--enable-admission-plugins=NoSuchPlugin"}))
	require.Len(t, set.Errors, 1)
	assert.ErrorIs(t, set.Errors[0], ErrUnknownPlugin)
}

func TestExpandVars(t *testing.T) {
	env := map[string]string{"A": "1", "B": "x y"}
	for in, want := range map[string]string{
		"$(A)":      "1",
		"$(B)-$(A)": "x y-1",
		"$$(A)":     "$(A)",
		"$(C)":      "$(C)",
		"$(A":       "$(A",
		"a$":        "a$",
		"$x":        "$x",
	} {
		assert.Equal(t, want, expandVars(in, env, nil), in)
	}
}

func TestShellWords(t *testing.T) {
	w, err := shellWords(`exec kube-apiserver --a='x y' --b="q\"z" c\ d; echo no`)
	require.NoError(t, err)
	assert.Equal(t, []string{"exec", "kube-apiserver", "--a=x y", `--b=q"z`, "c d"}, w)
	_, err = shellWords(`kube-apiserver --a='x`)
	assert.ErrorIs(t, err, ErrUnbalancedQuot)
}
