package seccomp

import (
	"bytes"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/kubeharden/kubeharden"
)

// Options configures Scan. The zero value analyses the profile for every
// modelled runtime (containerd, CRI-O, Docker) on amd64 with each runtime's
// default capabilities and a current kernel.
type Options struct {
	// Runtimes to analyse for, one report each; nil means Runtimes().
	Runtimes []Runtime
	// Arch is the node architecture ("" means SCMP_ARCH_X86_64).
	Arch specs.Arch
	// Caps is the container's capability set; nil means each runtime's
	// default set (DefaultCapsFor).
	Caps []string
	// Kernel is the node kernel; zero means a current kernel.
	Kernel KernelVersion
	// MaxBytes caps the input size; 0 means DefaultMaxBytes.
	MaxBytes int
}

func (o Options) targets() []Target {
	rs := o.Runtimes
	if len(rs) == 0 {
		rs = Runtimes()
	}
	out := make([]Target, 0, len(rs))
	for _, r := range rs {
		out = append(out, Target{Runtime: r, Arch: o.Arch, Caps: o.Caps, Kernel: o.Kernel})
	}
	return out
}

// Scan parses a profile and returns one report per target runtime. A
// profile that cannot be parsed yields a single report carrying the
// *kubeharden.InputError, and the same error.
func Scan(source string, data []byte, opts Options) ([]kubeharden.Report, error) {
	p, err := ParseWithOptions(source, data, ParseOptions{MaxBytes: opts.MaxBytes})
	if err != nil {
		ie, _ := err.(*kubeharden.InputError)
		r := kubeharden.Report{Source: source, Object: ReportKind + "/" + profileName(source), Kind: ReportKind}
		if ie != nil {
			r.Errors = []kubeharden.InputError{*ie}
		}
		return []kubeharden.Report{r}, err
	}
	ts := opts.targets()
	out := make([]kubeharden.Report, 0, len(ts))
	for _, t := range ts {
		out = append(out, Analyze(p, t))
	}
	return out, nil
}

// Detect reports whether data looks like a seccomp profile: a JSON object
// whose top-level keys include defaultAction, or syscalls together with
// architectures or archMap. It reads at most the first 64 KiB, and only
// top-level keys count (a Kubernetes object mentioning defaultAction
// deeper down is not a profile).
func Detect(source string, data []byte) bool {
	_ = source
	data = bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(data) == 0 || data[0] != '{' {
		return false
	}
	if len(data) > 64<<10 {
		data = data[:64<<10]
	}
	keys := topLevelKeys(data)
	has := func(k string) bool { _, ok := keys[k]; return ok }
	if has("apiVersion") || has("kind") {
		return false
	}
	return has("defaultAction") || (has("syscalls") && (has("architectures") || has("archMap")))
}

// topLevelKeys scans the keys of the outermost object without building a
// tree, tolerating a truncated input.
func topLevelKeys(data []byte) map[string]struct{} {
	keys := map[string]struct{}{}
	depth := 0
	expectKey := false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '{', '[':
			depth++
			expectKey = c == '{' && depth == 1
		case '}', ']':
			depth--
		case ',':
			if depth == 1 {
				expectKey = true
			}
		case '"':
			j := i + 1
			for j < len(data) && data[j] != '"' {
				if data[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(data) {
				return keys
			}
			if depth == 1 && expectKey {
				keys[string(data[i+1:j])] = struct{}{}
				expectKey = false
			}
			i = j
		}
	}
	return keys
}
