//go:build linux

package decode

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

const hostileEnv = "KUBEHARDEN_HOSTILE_CASE"

// hostileCases builds the inputs of parsing.md §4 that exhaust memory or
// time in unguarded decoders.
func hostileCases() map[string]func() []byte {
	return map[string]func() []byte{
		// Expands to about 13 GB through sigs.k8s.io/yaml: a fatal OOM.
		"scalar-alias-64KiBx200k": func() []byte {
			var b strings.Builder
			b.WriteString("apiVersion: v1\nkind: ConfigMap\nx-anchor: &s " + strings.Repeat("A", 64<<10) + "\nx-list:\n")
			for i := 0; i < 200000; i++ {
				b.WriteString("- *s\n")
			}
			return []byte(b.String())
		},
		"configmap-500k-keys": func() []byte {
			var b strings.Builder
			b.WriteString("apiVersion: v1\nkind: ConfigMap\ndata:\n")
			for i := 0; i < 500000; i++ {
				fmt.Fprintf(&b, "  key%07d: value-%07d-%s\n", i, i, strings.Repeat("x", 70))
			}
			return []byte(b.String())
		},
		"single-line-50MiB": func() []byte {
			return []byte("apiVersion: v1\nkind: ConfigMap\ndata:\n  a: " + strings.Repeat("z", 50<<20) + "\n")
		},
		"deep-100k": func() []byte { return []byte(strings.Repeat("[", 100000)) },
		"block-deep-100k": func() []byte {
			return []byte(strings.Repeat("- ", 100000) + "x\n")
		},
	}
}

// TestHostileInputsInChildProcess runs each hostile input in a child
// process capped at 4 GiB of address space and 20 s (and 1 GiB resident):
// the decoder must
// answer with an error (not crash, not be killed) well within the caps.
func TestHostileInputsInChildProcess(t *testing.T) {
	if name := os.Getenv(hostileEnv); name != "" {
		t.Skip("child mode")
	}
	if testing.Short() {
		t.Skip("-short")
	}
	for name := range hostileCases() {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			// The shell caps the child's address space (ulimit -v, KiB)
			// before it starts, as the Go runtime cannot run under a cap
			// set after its own start.
			cmd := exec.CommandContext(ctx, "/bin/sh", "-c", `ulimit -v 4194304 && exec "$0" "$@"`,
				os.Args[0], "-test.run=^TestHostileChild$", "-test.v")
			cmd.Env = append(os.Environ(), hostileEnv+"="+name)
			start := time.Now()
			out, err := cmd.CombinedOutput()
			elapsed := time.Since(start)
			if ctx.Err() != nil {
				t.Fatalf("timed out after %v", elapsed)
			}
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				t.Fatalf("child failed (%v) after %v:\n%s", err, elapsed, tail(string(out)))
			}
			if !strings.Contains(string(out), "HOSTILE-REJECTED") {
				t.Fatalf("input was not rejected:\n%s", tail(string(out)))
			}
			t.Logf("rejected in %v", elapsed)
		})
	}
}

func TestHostileChild(t *testing.T) {
	name := os.Getenv(hostileEnv)
	if name == "" {
		t.Skip("only runs as the child of TestHostileInputsInChildProcess")
	}
	data := hostileCases()[name]()
	docs, errs := Split(data, name, Options{})
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	if ru.Maxrss > 1<<20 { // KiB: more than 1 GiB resident
		t.Fatalf("peak RSS %d KiB", ru.Maxrss)
	}
	if len(docs) == 0 && len(errs) > 0 {
		fmt.Printf("HOSTILE-REJECTED (peak RSS %d MiB): %v\n", ru.Maxrss>>10, errs[0])
		return
	}
	t.Fatalf("accepted %d documents, errors %v", len(docs), errs)
}

func tail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}
