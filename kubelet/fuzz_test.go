package kubelet

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParseUnit: the unit parser and the ExecStart expansion never panic,
// and every directive has a section, a key without '=' and a line.
func FuzzParseUnit(f *testing.F) {
	f.Add([]byte("[Service]\nExecStart=/usr/bin/kubelet $A ${B} \\\n --x='y z'\nEnvironment=\"A=1 2\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		u, err := ParseUnit("fuzz.service", data)
		if err != nil {
			return
		}
		lines := bytes.Count(data, []byte{'\n'}) + 1
		for _, d := range u.Directives {
			if d.Section == "" || strings.Contains(d.Key, "=") || d.Line < 1 || d.Line > lines {
				t.Fatalf("bad directive %+v", d)
			}
		}
		s, _ := BuildService("kubelet.service", []*Unit{u}, func(string) ([]byte, error) { return []byte("A=--a=1 --b\n"), nil }, nil)
		if s != nil && len(s.Argv) > MaxArgs+1 {
			t.Fatalf("argv budget exceeded: %d", len(s.Argv))
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("slow input: %v", time.Since(start))
		}
	})
}

// FuzzParseEnvFile: names are always valid variable names, values valid
// UTF-8 when the input is, lines within the file.
func FuzzParseEnvFile(f *testing.F) {
	f.Add([]byte("KUBELET_EXTRA_ARGS=\"--a=1 \\\"b\\\"\" \n# c\nX='y'\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		vars, err := ParseEnvFile("/etc/default/kubelet", data)
		if err != nil {
			return
		}
		lines := bytes.Count(data, []byte{'\n'}) + 1
		for _, v := range vars {
			if !validEnvName(v.Name) || v.Line < 1 || v.Line > lines {
				t.Fatalf("bad variable %+v", v)
			}
			if !utf8.ValidString(v.Value) {
				t.Fatalf("invalid UTF-8 value %q", v.Value)
			}
			if len(v.Value) > len(data) {
				t.Fatalf("value longer than input")
			}
		}
	})
}

// FuzzParseCommandLine: the argv is given as NUL-separated words; parsing
// and resolution never panic, flags are normalised, and every flag's index
// is inside argv.
func FuzzParseCommandLine(f *testing.F) {
	f.Add([]byte("kubelet\x00--config\x00/c\x00--anonymous-auth\x00false\x00--feature-gates=A=true,B\x00--tls-cipher-suites=\"a,b\",c"))
	f.Fuzz(func(t *testing.T, data []byte) {
		words := strings.Split(string(data), "\x00")
		if len(words) > MaxArgs {
			return
		}
		c := ParseCommandLine(Args(words...))
		for _, fl := range c.Flags {
			if fl.Index < 1 || fl.Index >= len(words) || strings.Contains(fl.Name, "_") || strings.HasPrefix(fl.Name, "-") {
				t.Fatalf("bad flag %+v", fl)
			}
		}
		e := Resolve(nil, c, "/")
		_ = Evaluate(e, Options{})
	})
}

// FuzzParseConfig: hostile KubeletConfiguration documents give an error or
// a result, never a panic.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(cfgHeader + "readOnlyPort: 0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		reports, err := Scan("fuzz.yaml", data, Options{})
		if err == nil && len(reports) != 1 {
			t.Fatalf("want one report, got %d", len(reports))
		}
	})
}
