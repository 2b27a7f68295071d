package seccomp

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// Errors a runtime raises when it loads a profile. They wrap into
// Effective.LoadError.
var (
	// ErrRejected: the runtime refuses the profile; the container does not
	// start.
	ErrRejected = errors.New("runtime rejects the profile")
	// ErrConflict: two rules give one syscall different actions; libseccomp
	// returns EEXIST and the container does not start.
	ErrConflict = errors.New("conflicting actions for one syscall")
)

// Target describes where a profile runs. The zero value is containerd on
// amd64 with containerd's default capabilities and a current kernel.
type Target struct {
	// Runtime decodes the profile; "" means containerd.
	Runtime Runtime
	// Arch is the native architecture (SCMP_ARCH_*, moby native name or
	// GOARCH); "" means SCMP_ARCH_X86_64.
	Arch specs.Arch
	// Caps is the container's bounding set; nil means the runtime's
	// default set (DefaultCapsFor). Use an empty non-nil slice for no
	// capabilities.
	Caps []string
	// Kernel is the host kernel; the zero value means a current kernel
	// that meets every minKernel condition.
	Kernel KernelVersion
}

func (t Target) normalize() Target {
	if t.Runtime == "" {
		t.Runtime = RuntimeContainerd
	}
	if t.Arch == "" {
		t.Arch = specs.ArchX86_64
	} else if a, ok := ParseArch(string(t.Arch)); ok {
		t.Arch = a
	}
	if t.Caps == nil {
		t.Caps = DefaultCapsFor(t.Runtime)
	}
	return t
}

// String renders "containerd/SCMP_ARCH_X86_64".
func (t Target) String() string {
	t = t.normalize()
	return fmt.Sprintf("%s/%s", t.Runtime, t.Arch)
}

// EffectiveRule is a rule as the runtime hands it to libseccomp.
type EffectiveRule struct {
	// Index is the rule's index in Profile.Syscalls.
	Index    int
	Names    []string
	Action   specs.LinuxSeccompAction
	ErrnoRet *uint
	Args     []Arg
	// Redundant rules have the default action and errno; runc skips them.
	Redundant bool
}

// Decision is the outcome for one syscall on one architecture.
type Decision struct {
	// Action applies to every call when Conditional is false; otherwise
	// it is the action for calls no argument filter matches.
	Action specs.LinuxSeccompAction
	Errno  uint
	// Conditional is set when argument-filtered rules change the outcome
	// for some argument values; CondActions lists their actions.
	Conditional bool
	CondActions []specs.LinuxSeccompAction
	// Rules are the indexes (in Profile.Syscalls) of the rules naming the
	// syscall.
	Rules []int
	// Conflict is set when identical argument filters disagree (the
	// runtime then refuses the whole profile).
	Conflict bool
}

// Allows reports whether every call of the syscall is let through.
func (d Decision) Allows() bool { return !d.Conditional && allowing(d.Action) }

// AllowsSome reports whether at least some calls are let through.
func (d Decision) AllowsSome() bool {
	if allowing(d.Action) {
		return true
	}
	return slices.ContainsFunc(d.CondActions, allowing)
}

func allowing(a specs.LinuxSeccompAction) bool { return a == specs.ActAllow || a == specs.ActLog }

// Effective is a profile resolved for a target.
type Effective struct {
	Profile *Profile
	Target  Target
	// Disabled means the runtime runs the container without seccomp
	// (`{}`, or no defaultAction and no rules).
	Disabled bool
	// LoadError is set when the runtime would refuse the profile.
	LoadError error
	// DefaultAction and DefaultErrno as the runtime applies them.
	DefaultAction specs.LinuxSeccompAction
	DefaultErrno  uint
	// Arches are the filter's architectures; the native one comes first.
	Arches []specs.Arch
	// Rules are the rules that survive the runtime's decoding and
	// includes/excludes expansion.
	Rules []EffectiveRule
	// Conflicts lists syscalls whose identical argument filters carry
	// different actions (a load failure).
	Conflicts []string
	// Shadowed lists later unconditional rules libseccomp drops because
	// an earlier unconditional rule already decided the syscall.
	Shadowed []Shadow
	// Unknown lists names libseccomp does not know (runc skips them).
	Unknown []string

	// byName maps a syscall to the first of its rule links; links chain
	// the indexes into Rules that name it, in order.
	byName map[string]int32
	links  []ruleLink
}

// Evaluate resolves the profile for the target the way the target's
// runtime loads it, then the way runc applies it through libseccomp.
func Evaluate(p *Profile, t Target) *Effective {
	t = t.normalize()
	e := &Effective{Profile: p, Target: t}
	if p == nil {
		e.Disabled = true
		return e
	}
	dialect := t.Runtime.Dialect()
	for _, pr := range p.Problems {
		if pr.Kind == ProblemInvalidValue && pr.Dialects&dialect != 0 {
			e.fail(fmt.Errorf("%w: %w", ErrRejected, pr.Err))
			break
		}
	}
	oci := dialect == DialectOCI
	hasRules := len(p.Syscalls) > 0
	if p.DefaultAction == "" && !hasRules {
		e.Disabled = true
		return e
	}

	// Architectures.
	native := t.Arch
	arches := []specs.Arch{native}
	addArch := func(a specs.Arch) {
		if a == archNative && dialect == DialectContainers {
			a = native
		}
		if _, ok := archTable[a]; !ok {
			e.fail(fmt.Errorf("%w: unknown architecture %q", ErrRejected, a))
			return
		}
		if !slices.Contains(arches, a) {
			arches = append(arches, a)
		}
	}
	for _, a := range p.Architectures {
		addArch(a)
	}
	if !oci {
		if len(p.Architectures) > 0 && len(p.ArchMap) > 0 {
			e.fail(fmt.Errorf("%w: both architectures and archMap are set", ErrRejected))
		}
		for _, am := range p.ArchMap {
			if am.Arch == native {
				addArch(am.Arch)
				for _, s := range am.SubArches {
					addArch(s)
				}
				break
			}
		}
	}
	e.Arches = arches

	// Default action.
	e.DefaultAction = p.DefaultAction
	e.DefaultErrno = 1 // EPERM, runc's default
	if p.DefaultErrnoRet != nil {
		e.DefaultErrno = *p.DefaultErrnoRet
	}
	if dialect == DialectContainers && p.DefaultErrno != "" {
		if v, ok := errnoValue(p.DefaultErrno); ok {
			e.DefaultErrno = v
		} else {
			e.fail(fmt.Errorf("%w: unknown errno name %q", ErrRejected, p.DefaultErrno))
		}
	}
	switch {
	case !validActions[p.DefaultAction]:
		e.fail(fmt.Errorf("%w: invalid defaultAction %q", ErrRejected, p.DefaultAction))
	case p.DefaultAction == specs.ActNotify:
		e.fail(fmt.Errorf("%w: SCMP_ACT_NOTIFY cannot be the default action", ErrRejected))
	case p.DefaultErrnoRet != nil && !takesErrno(p.DefaultAction):
		e.fail(fmt.Errorf("%w: defaultErrnoRet is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE", ErrRejected))
	}
	for _, f := range p.Flags {
		if !validFlags[f] {
			e.fail(fmt.Errorf("%w: unknown flag %q", ErrRejected, f))
		}
	}
	if p.ListenerMetadata != "" && p.ListenerPath == "" && dialect != DialectContainers {
		e.fail(fmt.Errorf("%w: listenerMetadata without listenerPath", ErrRejected))
	}

	nativeName := archToNative(native)
	var unknown map[string]bool
	for i := range p.Syscalls {
		s := &p.Syscalls[i]
		names := s.Names
		if !oci {
			both := s.Name != "" && len(s.Names) > 0
			// moby checks name/names before includes/excludes;
			// containers/common only for rules that apply.
			if both && dialect == DialectDocker {
				e.fail(fmt.Errorf("%w: syscalls[%d] sets both name and names", ErrRejected, i))
			}
			if !e.included(s, nativeName, dialect) {
				continue
			}
			if both && dialect == DialectContainers {
				e.fail(fmt.Errorf("%w: syscalls[%d] sets both name and names", ErrRejected, i))
			}
			names = s.allNames()
		}
		r := EffectiveRule{Index: i, Names: names, Action: s.Action, ErrnoRet: s.ErrnoRet, Args: s.Args}
		if dialect == DialectContainers && s.Errno != "" {
			if v, ok := errnoValue(s.Errno); ok {
				r.ErrnoRet = &v
			} else {
				e.fail(fmt.Errorf("%w: syscalls[%d]: unknown errno name %q", ErrRejected, i, s.Errno))
			}
		}
		if !validActions[s.Action] {
			e.fail(fmt.Errorf("%w: syscalls[%d]: invalid action %q", ErrRejected, i, s.Action))
		}
		if r.ErrnoRet != nil && !takesErrno(s.Action) {
			e.fail(fmt.Errorf("%w: syscalls[%d]: errnoRet is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE", ErrRejected, i))
		}
		if s.Action == specs.ActNotify && p.ListenerPath == "" {
			e.fail(fmt.Errorf("%w: syscalls[%d]: SCMP_ACT_NOTIFY needs listenerPath", ErrRejected, i))
		}
		if s.Action == specs.ActNotify && slices.Contains(names, "write") {
			e.fail(fmt.Errorf("%w: syscalls[%d]: runc refuses SCMP_ACT_NOTIFY on write", ErrRejected, i))
		}
		for j, a := range s.Args {
			if a.Index > 5 {
				e.fail(fmt.Errorf("%w: syscalls[%d].args[%d]: index %d is not 0-5", ErrRejected, i, j, a.Index))
			}
			if !validOperators[a.Op] {
				e.fail(fmt.Errorf("%w: syscalls[%d].args[%d]: invalid operator %q", ErrRejected, i, j, a.Op))
			}
		}
		errno := uint(1)
		if r.ErrnoRet != nil {
			errno = *r.ErrnoRet
		}
		r.Redundant = s.Action == e.DefaultAction && (!takesErrno(s.Action) || errno == e.DefaultErrno)
		idx := len(e.Rules)
		e.Rules = append(e.Rules, r)
		for _, n := range names {
			if !KnownSyscall(n) {
				if unknown == nil {
					unknown = map[string]bool{}
				}
				if !unknown[n] {
					unknown[n] = true
					e.Unknown = append(e.Unknown, n)
				}
				continue
			}
			e.link(n, idx)
		}
	}
	sort.Strings(e.Unknown)
	// Rule interplay, as libseccomp's rule database resolves it: the first
	// unconditional rule for a syscall wins and later rules for it are
	// dropped silently (Shadowed); an unconditional rule replaces earlier
	// argument filters; two argument filters with identical comparisons
	// but different actions make seccomp_rule_add fail with EEXIST.
	for n, head := range e.byName {
		var first *EffectiveRule
		var conds []*EffectiveRule
		for l := head; l >= 0; l = e.links[l].next {
			r := &e.Rules[e.links[l].rule]
			if r.Redundant {
				continue
			}
			if len(r.Args) == 0 {
				if first == nil {
					first = r
				} else if first.Action != r.Action || errnoOf(first) != errnoOf(r) {
					e.Shadowed = append(e.Shadowed, Shadow{Name: n, Winner: first.Index, Dropped: r.Index})
				}
				continue
			}
			if first == nil {
				conds = append(conds, r)
			}
		}
		if first != nil || len(conds) < 2 {
			continue
		}
		seen := make(map[string]*EffectiveRule, len(conds))
		for _, r := range conds {
			k := argsKey(r.Args)
			if prev, ok := seen[k]; !ok {
				seen[k] = r
			} else if prev.Action != r.Action || errnoOf(prev) != errnoOf(r) {
				e.Conflicts = append(e.Conflicts, n)
				break
			}
		}
	}
	sort.Strings(e.Conflicts)
	sort.Slice(e.Shadowed, func(i, j int) bool {
		if e.Shadowed[i].Name != e.Shadowed[j].Name {
			return e.Shadowed[i].Name < e.Shadowed[j].Name
		}
		return e.Shadowed[i].Dropped < e.Shadowed[j].Dropped
	})
	if len(e.Conflicts) > 0 {
		e.fail(fmt.Errorf("%w: %v (identical argument filters with different actions: libseccomp returns EEXIST and the container does not start)", ErrConflict, e.Conflicts))
	}
	return e
}

// Shadow is a rule that libseccomp silently drops for one syscall.
type Shadow struct {
	Name    string
	Winner  int // index in Profile.Syscalls of the rule that decides
	Dropped int // index in Profile.Syscalls of the dropped rule
}

// argsKey renders a rule's comparisons in a canonical order, so rules
// with the same comparisons get the same key.
func argsKey(args []Arg) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = fmt.Sprintf("%d/%s/%d/%d", a.Index, a.Op, a.Value, a.ValueTwo)
	}
	sort.Strings(parts)
	return strings.Join(parts, ";")
}

type ruleLink struct {
	rule, next int32 // next is -1 at the end of a chain
	last       int32 // only meaningful on a chain's head
}

// link appends rule idx to the chain of name (once per rule).
func (e *Effective) link(name string, idx int) {
	if e.byName == nil {
		e.byName = make(map[string]int32, 512)
		e.links = make([]ruleLink, 0, 512)
	}
	n := int32(len(e.links))
	head, ok := e.byName[name]
	if !ok {
		e.byName[name] = n
		e.links = append(e.links, ruleLink{rule: int32(idx), next: -1, last: n})
		return
	}
	last := e.links[head].last
	if e.links[last].rule == int32(idx) {
		return
	}
	e.links = append(e.links, ruleLink{rule: int32(idx), next: -1})
	e.links[last].next = n
	e.links[head].last = n
}

// rulesOf returns the indexes into Rules naming the syscall, in order.
func (e *Effective) rulesOf(name string) []int {
	head, ok := e.byName[name]
	if !ok {
		return nil
	}
	var out []int
	for i := head; i >= 0; i = e.links[i].next {
		out = append(out, int(e.links[i].rule))
	}
	return out
}

func errnoOf(r *EffectiveRule) uint {
	if r.ErrnoRet == nil || !takesErrno(r.Action) {
		return 1
	}
	return *r.ErrnoRet
}

func takesErrno(a specs.LinuxSeccompAction) bool { return a == specs.ActErrno || a == specs.ActTrace }

func (e *Effective) fail(err error) {
	if e.LoadError == nil {
		e.LoadError = err
	}
}

// included applies Docker's and containers/common's includes/excludes.
func (e *Effective) included(s *Syscall, nativeName string, dialect Dialect) bool {
	caps := e.Target.Caps
	kernelOK := func(k *KernelVersion) bool {
		return e.Target.Kernel == (KernelVersion{}) || e.Target.Kernel.AtLeast(*k)
	}
	if x := s.Excludes; x != nil {
		if len(x.Arches) > 0 && slices.Contains(x.Arches, nativeName) {
			return false
		}
		for _, c := range x.Caps {
			if slices.Contains(caps, c) {
				return false
			}
		}
		if dialect == DialectDocker && x.MinKernel != nil && kernelOK(x.MinKernel) {
			return false
		}
	}
	if in := s.Includes; in != nil {
		if len(in.Arches) > 0 && !slices.Contains(in.Arches, nativeName) {
			return false
		}
		for _, c := range in.Caps {
			if !slices.Contains(caps, c) {
				return false
			}
		}
		if dialect == DialectDocker && in.MinKernel != nil && !kernelOK(in.MinKernel) {
			return false
		}
	}
	return true
}

// Decide returns the outcome for one syscall on one of the filter's
// architectures. A syscall that does not exist on arch gets the default
// action (the kernel never sees it).
func (e *Effective) Decide(name string, arch specs.Arch) Decision {
	if e.Disabled {
		return Decision{Action: specs.ActAllow}
	}
	if !SyscallOnArch(name, arch) {
		return Decision{Action: e.DefaultAction, Errno: e.DefaultErrno}
	}
	return e.decide(name, true)
}

// decide resolves a syscall known to exist on the architecture; withRules
// fills Decision.Rules.
func (e *Effective) decide(name string, withRules bool) Decision {
	d := Decision{Action: e.DefaultAction, Errno: e.DefaultErrno}
	decided := false
	head, ok := e.byName[name]
	if !ok {
		head = -1
	}
	for l := head; l >= 0; l = e.links[l].next {
		r := &e.Rules[e.links[l].rule]
		if withRules {
			d.Rules = append(d.Rules, r.Index)
		}
		if r.Redundant || decided {
			// Rules after the first unconditional one are dropped.
			continue
		}
		if len(r.Args) == 0 {
			// An unconditional rule replaces earlier argument filters.
			d.Action, d.Errno, decided = r.Action, errnoOf(r), true
			d.CondActions = nil
			continue
		}
		if r.Action != d.Action && !slices.Contains(d.CondActions, r.Action) {
			d.CondActions = append(d.CondActions, r.Action)
		}
	}
	d.Conflict = slices.Contains(e.Conflicts, name)
	d.Conditional = len(d.CondActions) > 0
	return d
}

// Allowed returns, sorted, the syscalls of arch that every call may make
// (ALLOW or LOG without argument conditions), and those allowed only for
// some argument values.
func (e *Effective) Allowed(arch specs.Arch) (always, some []string) {
	bit, ok := tableBit(arch)
	if !ok || (!e.Disabled && !slices.Contains(e.Arches, arch)) {
		// Calls from an architecture outside the filter are killed.
		return nil, nil
	}
	for _, ent := range syscallTable {
		if ent.arches&bit == 0 {
			continue
		}
		if e.Disabled {
			always = append(always, ent.name)
			continue
		}
		if _, listed := e.byName[ent.name]; !listed && !allowing(e.DefaultAction) {
			continue
		}
		d := e.decide(ent.name, false)
		switch {
		case d.Allows():
			always = append(always, ent.name)
		case d.AllowsSome():
			some = append(some, ent.name)
		}
	}
	return always, some
}

// RulesFor returns the effective rules that name the syscall.
func (e *Effective) RulesFor(name string) []EffectiveRule {
	var out []EffectiveRule
	for _, i := range e.rulesOf(name) {
		out = append(out, e.Rules[i])
	}
	return out
}
