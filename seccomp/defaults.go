package seccomp

import (
	"slices"
	"sync"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// The runtime default profiles are parsed on first use only.
var (
	mobyDefault       = sync.OnceValue(func() *Profile { return mustParse("moby/default.json", mobyDefaultJSON) })
	containerdDefault = sync.OnceValue(func() *Profile {
		return mustParse("containerd/runtime-default-amd64.json", containerdDefaultJSON)
	})
	crioDefault = sync.OnceValue(func() *Profile { return mustParse("containers-common/seccomp.json", crioDefaultJSON) })
)

func mustParse(name, body string) *Profile {
	p, err := Parse(name, []byte(body))
	if err != nil {
		panic("seccomp: embedded default profile " + name + ": " + err.Error()) // generated data; covered by tests
	}
	return p
}

// DefaultProfile returns the runtime's RuntimeDefault profile as shipped:
// moby's default.json (v0.3.0) for Docker, containers/common's
// seccomp.json for CRI-O, and for containerd its built-in default
// marshalled for amd64 with the default capabilities (containerd ships no
// JSON file; see RuntimeDefault for other targets). The returned profile
// is shared: do not modify it.
func DefaultProfile(r Runtime) *Profile {
	switch r {
	case RuntimeDocker:
		return mobyDefault()
	case RuntimeCRIO:
		return crioDefault()
	case RuntimeContainerd:
		return containerdDefault()
	}
	return nil
}

// RuntimeDefault resolves what Kubernetes' RuntimeDefault means on the
// target: the runtime's own default profile, evaluated for the target's
// architecture and capabilities. containerd builds its default in Go from
// the same rules as moby's; for amd64 with the default capabilities the
// exact marshalled profile is used, for other targets moby's default.json
// with moby's includes/excludes semantics stands in for it.
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
