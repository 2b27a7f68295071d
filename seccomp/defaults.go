package seccomp

import (
	"slices"
	"sync"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// profileFacts is a runtime default profile as data (generated into
// zdefaults.go by internal/gen): the default action and errno, the
// architectures, and the rules in the order the runtime loads them (order
// matters: libseccomp keeps the first unconditional rule for a syscall).
type profileFacts struct {
	dialect         Dialect
	defaultAction   specs.LinuxSeccompAction
	defaultErrnoRet int    // -1: not set
	defaultErrno    string // containers/common errno name
	arches          []specs.Arch
	// archMap lists, per native architecture, the architecture followed
	// by its sub-architectures.
	archMap [][]specs.Arch
	rules   []ruleFacts
}

// ruleFacts is one rule: the action the named syscalls get, and when the
// runtime applies it.
type ruleFacts struct {
	action   specs.LinuxSeccompAction
	errnoRet int    // -1: not set
	errno    string // containers/common errno name
	args     []argFacts
	when     condFacts // includes: all must hold
	unless   condFacts // excludes: any one drops the rule
	names    []string
}

type argFacts struct {
	index           uint
	value, valueTwo uint64
	op              specs.LinuxSeccompOperator
}

type condFacts struct {
	caps, arches []string
	minKernel    string
}

func errnoPtr(v int) *uint {
	if v < 0 {
		return nil
	}
	u := uint(v)
	return &u
}

func (c condFacts) filter() *Filter {
	if len(c.caps) == 0 && len(c.arches) == 0 && c.minKernel == "" {
		return nil
	}
	f := &Filter{Caps: slices.Clone(c.caps), Arches: slices.Clone(c.arches), MinKernelRaw: c.minKernel, off: -1, minKernelOff: -1}
	if c.minKernel != "" {
		if kv, err := ParseKernelVersion(c.minKernel); err == nil {
			f.MinKernel = &kv
		}
	}
	return f
}

// profile builds a fresh Profile from the facts; nothing is shared with
// the tables, so callers may modify it.
func (pf *profileFacts) profile(source string) *Profile {
	p := &Profile{
		Source:          source,
		Dialect:         pf.dialect,
		DefaultAction:   pf.defaultAction,
		DefaultErrnoRet: errnoPtr(pf.defaultErrnoRet),
		DefaultErrno:    pf.defaultErrno,
		Architectures:   slices.Clone(pf.arches),
		Syscalls:        make([]Syscall, len(pf.rules)),
	}
	for _, am := range pf.archMap {
		p.ArchMap = append(p.ArchMap, ArchMapEntry{Arch: am[0], SubArches: slices.Clone(am[1:]), off: -1})
	}
	for i, r := range pf.rules {
		s := Syscall{
			Names:     slices.Clone(r.names),
			Action:    r.action,
			ErrnoRet:  errnoPtr(r.errnoRet),
			Errno:     r.errno,
			Includes:  r.when.filter(),
			Excludes:  r.unless.filter(),
			off:       -1,
			nameOff:   -1,
			actionOff: -1,
			errnoOff:  -1,
		}
		for _, a := range r.args {
			s.Args = append(s.Args, Arg{Index: a.index, Value: a.value, ValueTwo: a.valueTwo, Op: a.op, off: -1})
		}
		p.Syscalls[i] = s
	}
	return p
}

// The runtime default profiles are built from the fact tables on first
// use only, and shared read-only by RuntimeDefault.
var (
	mobyDefault       = sync.OnceValue(func() *Profile { return mobyDefaultFacts.profile(mobyDefaultSource) })
	containerdDefault = sync.OnceValue(func() *Profile { return containerdDefaultFacts.profile(containerdDefaultSource) })
	crioDefault       = sync.OnceValue(func() *Profile { return crioDefaultFacts.profile(crioDefaultSource) })
)

// Source names of the default profiles (what findings on them report as
// the file).
const (
	mobyDefaultSource       = "moby/default.json"
	containerdDefaultSource = "containerd/runtime-default-amd64.json"
	crioDefaultSource       = "containers-common/seccomp.json"
)

// DefaultProfile returns the runtime's RuntimeDefault profile as shipped:
// moby's default.json (v0.3.0) for Docker, containers/common's
// seccomp.json for CRI-O, and for containerd its built-in default
// expanded for amd64 with the default capabilities (containerd ships no
// JSON file; see RuntimeDefault for other targets). The profiles are
// rebuilt from generated fact tables; each call returns a new Profile the
// caller may modify. It has no source text, so positions in findings on
// it carry the file name only.
func DefaultProfile(r Runtime) *Profile {
	switch r {
	case RuntimeDocker:
		return mobyDefaultFacts.profile(mobyDefaultSource)
	case RuntimeCRIO:
		return crioDefaultFacts.profile(crioDefaultSource)
	case RuntimeContainerd:
		return containerdDefaultFacts.profile(containerdDefaultSource)
	}
	return nil
}

// RuntimeDefault resolves what Kubernetes' RuntimeDefault means on the
// target: the runtime's own default profile, evaluated for the target's
// architecture and capabilities. containerd builds its default in Go from
// the same rules as moby's; for amd64 with the default capabilities the
// facts of its expanded profile are used, for other targets moby's
// default.json with moby's includes/excludes semantics stands in for it.
func RuntimeDefault(t Target) *Effective {
	t = t.normalize()
	switch t.Runtime {
	case RuntimeContainerd:
		if t.Arch == specs.ArchX86_64 && sameSet(t.Caps, DefaultCaps()) {
			return Evaluate(containerdDefault(), t)
		}
		dt := t
		dt.Runtime = RuntimeDocker
		e := Evaluate(mobyDefault(), dt)
		e.Target = t
		return e
	case RuntimeCRIO:
		return Evaluate(crioDefault(), t)
	default:
		return Evaluate(mobyDefault(), t)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// ArchDiff is what a profile allows beyond a baseline on one architecture.
type ArchDiff struct {
	Arch specs.Arch
	// Extra are syscalls the profile allows unconditionally that the
	// baseline does not.
	Extra []string
	// ExtraConditional are syscalls the profile allows for some argument
	// values that the baseline denies entirely.
	ExtraConditional []string
}

// Diff compares what e allows with what base allows, per architecture of
// e's filter.
func Diff(e, base *Effective) []ArchDiff {
	var out []ArchDiff
	for _, arch := range e.Arches {
		always, some := e.Allowed(arch)
		bAlways, bSome := base.Allowed(arch)
		var d ArchDiff
		d.Arch = arch
		for _, n := range always {
			if _, ok := slices.BinarySearch(bAlways, n); !ok {
				d.Extra = append(d.Extra, n)
			}
		}
		for _, n := range some {
			_, ok1 := slices.BinarySearch(bAlways, n)
			_, ok2 := slices.BinarySearch(bSome, n)
			if !ok1 && !ok2 {
				d.ExtraConditional = append(d.ExtraConditional, n)
			}
		}
		out = append(out, d)
	}
	return out
}

// DiffRuntimeDefault compares a profile with the RuntimeDefault of the
// target's runtime, per architecture of the profile's filter.
func DiffRuntimeDefault(p *Profile, t Target) []ArchDiff {
	return Diff(Evaluate(p, t), RuntimeDefault(t))
}
