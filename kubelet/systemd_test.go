package kubelet

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseUnit(t *testing.T) {
	src := "# comment\nIgnored=outside a section\n[Service]\r\n  ExecStart = /usr/bin/kubelet \\\n" +
		"# a comment inside the continuation is skipped\n" +
		"   --a=1 \\\n ; another\n   --b=2\nEnvironment=X=1\nnot an assignment\n[Install]\nWantedBy=multi-user.target\n" +
		"[Service]\nExecStart=/bin/escaped\\\\\n"
	u, err := ParseUnit("u.service", []byte(src))
	require.NoError(t, err)
	want := []Directive{
		{Section: "Service", Key: "ExecStart", Value: "/usr/bin/kubelet     --a=1     --b=2", Line: 4},
		{Section: "Service", Key: "Environment", Value: "X=1", Line: 9},
		{Section: "Install", Key: "WantedBy", Value: "multi-user.target", Line: 12},
		{Section: "Service", Key: "ExecStart", Value: `/bin/escaped\\`, Line: 14},
	}
	assert.Empty(t, cmp.Diff(want, u.Directives))
}

func TestParseUnitRejectsHostileInput(t *testing.T) {
	_, err := ParseUnit("x.conf", []byte("[Service]\nA=1\nB=\x00\n"))
	require.ErrorIs(t, err, ErrNUL)
	assert.Contains(t, err.Error(), "x.conf: line 3")
	_, err = ParseUnit("x.conf", []byte("[Service]\n\xff\n"))
	require.ErrorIs(t, err, ErrInvalidUTF8)
	assert.Contains(t, err.Error(), "line 2")
	_, err = ParseUnit("x.conf", []byte(strings.Repeat("a", MaxUnitBytes+1)))
	require.ErrorIs(t, err, ErrTooLarge)
}

func TestParseEnvFile(t *testing.T) {
	src := `# comment
; also a comment
KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10"
  PLAIN = value with  inner spaces   
SINGLE='it''s $HOME \n'
DQ="a \"q\" \$x \n b"
CONT=first \
second
DQCONT="one \
two"
lines without equals sign
1BAD=x
export EXPORTED=x
EMPTY=
OVER=1
OVER=2
ESC=a\ b\\c
`
	vars, err := ParseEnvFile("/etc/default/kubelet", []byte(src))
	require.NoError(t, err)
	got := map[string]string{}
	lines := map[string]int{}
	for _, v := range vars {
		got[v.Name] = v.Value
		lines[v.Name] = v.Line
	}
	want := map[string]string{
		"KUBELET_KUBEADM_ARGS": "--container-runtime-endpoint=unix:///run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10",
		"PLAIN":                "value with  inner spaces",
		"SINGLE":               `its $HOME \n`,
		"DQ":                   `a "q" $x \n b`,
		"CONT":                 "first second",
		"DQCONT":               "one two",
		"EMPTY":                "",
		"OVER":                 "2",
		"ESC":                  `a b\c`,
	}
	assert.Empty(t, cmp.Diff(want, got))
	assert.Equal(t, 3, lines["KUBELET_KUBEADM_ARGS"])
	assert.Equal(t, 7, lines["CONT"])
	assert.Equal(t, 9, lines["DQCONT"])
}

func TestSplitWords(t *testing.T) {
	cases := []struct {
		in        string
		cunescape bool
		want      []string
	}{
		{`/usr/bin/kubelet --a=1  "--b=x y" --c='p q' --d="v w"z`, true, []string{"/usr/bin/kubelet", "--a=1", "--b=x y", "--c=p q", "--d=v wz"}},
		{`a\tb "c\nd" e\ f`, true, []string{"a\tb", "c\nd", "e f"}},
		{`--x="quoted value" plain`, false, []string{"--x=quoted value", "plain"}},
		{`  `, false, nil},
	}
	for _, c := range cases {
		got, err := splitWords(c.in, c.cunescape, false)
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
	_, err := splitWords(`"open`, true, false)
	assert.Error(t, err)
	got, err := splitWords(`"open`, false, true)
	require.NoError(t, err)
	assert.Equal(t, []string{"open"}, got)
}

// kubeadmNode builds the files of cis.md section 5.5's worked example.
func kubeadmNode(extra string) fstest.MapFS {
	fsys := fstest.MapFS{
		"usr/lib/systemd/system/kubelet.service": {Data: []byte("[Service]\nExecStart=/usr/bin/kubelet\nRestart=always\n")},
		"usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf": {Data: []byte(`[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`)},
		"var/lib/kubelet/kubeadm-flags.env": {Data: []byte(`KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/containerd/containerd.sock --node-ip=10.0.0.5"` + "\n")},
		"var/lib/kubelet/config.yaml":       {Data: []byte(cfgHeader + "readOnlyPort: 0\nrotateCertificates: true\n")},
	}
	if extra != "" {
		fsys["etc/default/kubelet"] = &fstest.MapFile{Data: []byte(extra)}
	}
	return fsys
}

func argvStrings(a []Arg) []string {
	out := make([]string, len(a))
	for i, x := range a {
		out[i] = x.Value
	}
	return out
}

// Scenario: cis.md 5.5, the argv systemd builds on a kubeadm node.
func TestWorkedExampleKubeadmArgv(t *testing.T) {
	fsys := kubeadmNode("KUBELET_EXTRA_ARGS=--read-only-port=10255 --rotate-certificates=false\n")
	svc, err := LoadService(fsys, "")
	require.NoError(t, err)
	assert.Equal(t, []string{
		"/usr/bin/kubelet",
		"--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf",
		"--kubeconfig=/etc/kubernetes/kubelet.conf",
		"--config=/var/lib/kubelet/config.yaml",
		"--container-runtime-endpoint=unix:///run/containerd/containerd.sock",
		"--node-ip=10.0.0.5",
		"--read-only-port=10255",
		"--rotate-certificates=false",
	}, argvStrings(svc.Argv))
	o := svc.Argv[6].Origin
	assert.Equal(t, "/etc/default/kubelet", o.File)
	assert.Equal(t, 1, o.Line)
	assert.Equal(t, "KUBELET_EXTRA_ARGS", o.Variable)
	assert.Equal(t, "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf:7", o.ExecStart)

	r, err := AssessNode(fsys, NodeOptions{})
	require.NoError(t, err)
	ro := findingOf(t, r.Findings, "kubelet/ReadOnlyPort")
	assert.False(t, ro.Passed, "the extra flag overrides readOnlyPort: 0 in config.yaml")
	assert.Contains(t, ro.Message, "/etc/default/kubelet")
	assert.False(t, findingOf(t, r.Findings, "kubelet/RotateCertificates").Passed)

	// without /etc/default/kubelet, $KUBELET_EXTRA_ARGS contributes nothing
	svc, err = LoadService(kubeadmNode(""), "")
	require.NoError(t, err)
	assert.Len(t, svc.Argv, 6)
	assert.Empty(t, svc.Problems, "the file is optional ('-' prefix)")
}

func build(t *testing.T, units map[string]string, env map[string]string) (*Service, error) {
	t.Helper()
	var parsed []*Unit
	for _, name := range []string{"unit", "a.conf", "b.conf"} {
		if src, ok := units[name]; ok {
			u, err := ParseUnit(name, []byte(src))
			require.NoError(t, err)
			parsed = append(parsed, u)
		}
	}
	return BuildService("kubelet.service", parsed, func(p string) ([]byte, error) {
		if s, ok := env[p]; ok {
			return []byte(s), nil
		}
		return nil, fs.ErrNotExist
	}, nil)
}

func TestBuildServiceSemantics(t *testing.T) {
	t.Run("ExecStart reset then one command", func(t *testing.T) {
		s, err := build(t, map[string]string{"unit": "[Service]\nExecStart=/old --x\n", "a.conf": "[Service]\nExecStart=\nExecStart=/new --y\n"}, nil)
		require.NoError(t, err)
		assert.Equal(t, []string{"/new", "--y"}, argvStrings(s.Argv))
		assert.Equal(t, "a.conf", s.ExecStartFile)
	})
	t.Run("two ExecStart without reset is refused", func(t *testing.T) {
		_, err := build(t, map[string]string{"unit": "[Service]\nExecStart=/old\n", "a.conf": "[Service]\nExecStart=/new\n"}, nil)
		require.ErrorIs(t, err, ErrExecStart)
		assert.Contains(t, err.Error(), "a.conf: line 2")
	})
	t.Run("no ExecStart", func(t *testing.T) {
		_, err := build(t, map[string]string{"unit": "[Service]\nExecStart=/old\n", "a.conf": "[Service]\nExecStart=\n"}, nil)
		require.ErrorIs(t, err, ErrNoExecStart)
	})
	t.Run("$VAR splits, ${VAR} is one word", func(t *testing.T) {
		s, err := build(t, map[string]string{"unit": `[Service]
Environment="A=--x=1 --y='two words'" B=--z
ExecStart=/k $A ${A} --w=${B}/suffix $UNSET ${UNSET} $$literal
`}, nil)
		require.NoError(t, err)
		assert.Equal(t, []string{"/k", "--x=1", "--y=two words", "--x=1 --y='two words'", "--w=--z/suffix", "", "$literal"}, argvStrings(s.Argv))
	})
	t.Run("EnvironmentFile overrides Environment whatever the order", func(t *testing.T) {
		s, err := build(t, map[string]string{"unit": "[Service]\nEnvironmentFile=/env\nEnvironment=A=from-environment\nExecStart=/k $A\n"},
			map[string]string{"/env": "A=from-file\n"})
		require.NoError(t, err)
		assert.Equal(t, []string{"/k", "from-file"}, argvStrings(s.Argv))
		assert.Equal(t, "/env", s.Argv[1].Origin.File)
	})
	t.Run("later files win, empty directives reset", func(t *testing.T) {
		s, err := build(t, map[string]string{
			"unit":   "[Service]\nEnvironment=A=1 B=1\nEnvironmentFile=/e1\nExecStart=/k $A $B $C\n",
			"a.conf": "[Service]\nEnvironment=\nEnvironment=C=3\nEnvironmentFile=\nEnvironmentFile=-/e2\nEnvironmentFile=-/missing\n",
		}, map[string]string{"/e1": "A=e1\n", "/e2": "B=e2\n"})
		require.NoError(t, err)
		assert.Equal(t, []string{"/k", "e2", "3"}, argvStrings(s.Argv))
		assert.Empty(t, s.Problems)
	})
	t.Run("missing non-optional EnvironmentFile is a problem", func(t *testing.T) {
		s, err := build(t, map[string]string{"unit": "[Service]\nEnvironmentFile=/etc/default/kubelet\nExecStart=/k\n"}, nil)
		require.NoError(t, err)
		require.Len(t, s.Problems, 1)
		assert.True(t, errors.Is(s.Problems[0], fs.ErrNotExist))
	})
	t.Run("colon prefix disables substitution, @ sets argv0", func(t *testing.T) {
		s, err := build(t, map[string]string{"unit": "[Service]\nEnvironment=A=1\nExecStart=:/k $A\n", "a.conf": ""}, nil)
		require.NoError(t, err)
		assert.Equal(t, []string{"/k", "$A"}, argvStrings(s.Argv))
		s, err = build(t, map[string]string{"unit": "[Service]\nExecStart=-@/usr/bin/kubelet kubelet-name --a=1\n"}, nil)
		require.NoError(t, err)
		assert.Equal(t, []string{"/usr/bin/kubelet", "--a=1"}, argvStrings(s.Argv))
	})
	t.Run("specifiers", func(t *testing.T) {
		s, err := build(t, map[string]string{"unit": "[Service]\nExecStart=/k --root-dir=%S/%N --pct=100%%\n"}, nil)
		require.NoError(t, err)
		assert.Equal(t, []string{"/k", "--root-dir=/var/lib/kubelet", "--pct=100%"}, argvStrings(s.Argv))
	})
	t.Run("quoting and continuation in ExecStart", func(t *testing.T) {
		s, err := build(t, map[string]string{"unit": "[Service]\nExecStart=/k \\\n  \"--node-labels=a=b c\" \\\n  --x='y z'\n"}, nil)
		require.NoError(t, err)
		assert.Equal(t, []string{"/k", "--node-labels=a=b c", "--x=y z"}, argvStrings(s.Argv))
	})
}

func TestFindServicePriorityAndDropInOrder(t *testing.T) {
	fsys := fstest.MapFS{
		"usr/lib/systemd/system/kubelet.service":                {Data: []byte("[Service]\nExecStart=/vendor\n")},
		"etc/systemd/system/kubelet.service":                    {Data: []byte("[Service]\nExecStart=/admin\n")},
		"usr/lib/systemd/system/kubelet.service.d/10-a.conf":    {Data: []byte("")},
		"etc/systemd/system/kubelet.service.d/10-a.conf":        {Data: []byte("")},
		"run/systemd/system/kubelet.service.d/05-b.conf":        {Data: []byte("")},
		"lib/systemd/system/kubelet.service.d/20-c.conf":        {Data: []byte("")},
		"usr/lib/systemd/system/service.d/15-type.conf":         {Data: []byte("")},
		"etc/systemd/system/kubelet.service.d/ignored.conf.bak": {Data: []byte("")},
	}
	unit, dropIns, err := FindService(fsys, "kubelet.service")
	require.NoError(t, err)
	assert.Equal(t, "/etc/systemd/system/kubelet.service", unit)
	assert.Equal(t, []string{
		"/run/systemd/system/kubelet.service.d/05-b.conf",
		"/etc/systemd/system/kubelet.service.d/10-a.conf",
		"/usr/lib/systemd/system/service.d/15-type.conf",
		"/lib/systemd/system/kubelet.service.d/20-c.conf",
	}, dropIns)

	_, _, err = FindService(fstest.MapFS{}, "kubelet.service")
	assert.ErrorIs(t, err, ErrNoUnit)
}

func TestHostileUnitsStayBounded(t *testing.T) {
	// 300k continuation lines: joining must stay linear.
	src := "[Service]\nExecStart=/k " + strings.Repeat("a\\\n", 300000) + "\n"
	u, err := ParseUnit("big.conf", []byte(src))
	require.NoError(t, err)
	require.Len(t, u.Directives, 1)

	// a 1 MiB variable expanded many times hits the argv size budget
	big := "A=" + strings.Repeat("x", 1<<20-16) + "\n"
	_, err = build(t, map[string]string{"unit": "[Service]\nEnvironmentFile=/env\nExecStart=/k" + strings.Repeat(" ${A}", 50) + "\n"}, map[string]string{"/env": big})
	require.ErrorIs(t, err, ErrTooManyArgs)
	_, err = build(t, map[string]string{"unit": "[Service]\nEnvironment=\"A=" + strings.Repeat("w ", MaxArgs+10) + "\"\nExecStart=/k $A\n"}, nil)
	require.ErrorIs(t, err, ErrTooManyArgs)
}

func TestExpandWord(t *testing.T) {
	env := map[string]envValue{"A": {Value: "x y"}, "E": {Value: ""}}
	cases := map[string]string{
		"${A}":           "x y",
		"--f=${A}/z":     "--f=x y/z",
		"${E:-dflt}":     "dflt",
		"${UNSET:-d}":    "d",
		"${A:-d}":        "x y",
		"${A:+alt}":      "alt",
		"${E:+alt}":      "",
		"$$A":            "$A",
		"a$A":            "a$A",
		"${unterminated": "${unterminated",
		"100%":           "100%",
	}
	for in, want := range cases {
		got, _ := expandWord(in, env)
		assert.Equal(t, want, got, in)
	}
	assert.Equal(t, "kubelet.service kubelet %Z /run", expandSpecifiers("%n %N %Z %t", "kubelet.service"))
}

func TestDetectUnit(t *testing.T) {
	assert.True(t, DetectUnit("/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf", nil))
	assert.True(t, DetectUnit("my.service", []byte("[Service]\nExecStart=-/opt/bin/kubelet --v=2\n")))
	assert.False(t, DetectUnit("my.service", []byte("[Service]\nExecStart=/usr/bin/containerd\n")))
	assert.False(t, DetectUnit("x.yaml", []byte("apiVersion: v1\n")))
}
