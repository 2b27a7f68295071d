package seccomp

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/kubeharden/kubeharden"
)

// ReportKind is the Report.Kind of profile reports.
const ReportKind = "SeccompProfile"

// Analyze validates, evaluates and scores a parsed profile for one target
// and returns the report. It is pure and deterministic.
func Analyze(p *Profile, t Target) kubeharden.Report {
	t = t.normalize()
	e := Evaluate(p, t)
	a := &analysis{p: p, e: e, t: t}
	a.validate()
	a.runtimeChecks()
	a.score()
	a.summariseCapped()
	r := kubeharden.Report{
		Source:   p.Source,
		Object:   fmt.Sprintf("%s/%s (%s)", ReportKind, profileName(p.Source), t),
		Kind:     ReportKind,
		Findings: a.findings,
	}
	kubeharden.SortFindings(r.Findings)
	r.ComputeScore()
	return r
}

// summariseCapped adds one finding per rule whose findings were capped.
func (a *analysis) summariseCapped() {
	for _, r := range catalogue {
		if n := a.perRule[r.ID]; n > maxPerRule {
			f := r.Fail(fmt.Sprintf("%d more findings of this rule are not listed", n-maxPerRule), "")
			f.Points = 0
			a.add(f, -1)
		}
	}
}

func profileName(source string) string {
	if source == "" || source == "-" {
		return "profile"
	}
	return path.Base(strings.ReplaceAll(source, "\\", "/"))
}

type analysis struct {
	p        *Profile
	e        *Effective
	t        Target
	findings []kubeharden.Finding
	declared []specs.Arch
	// perRule counts failed findings per rule; beyond maxPerRule they are
	// summarised, so a hostile profile cannot produce millions of findings.
	perRule     map[string]int
	suggestions int
}

// maxPerRule caps the failed findings one rule reports for one profile.
const maxPerRule = 100

func (a *analysis) add(f kubeharden.Finding, off int) {
	switch {
	case off >= 0:
		f.Position = a.p.position(off)
	case off <= -2:
		f.Position = a.p.position(-off - 2)
		f.Position.Exact = false
	default:
		f.Position = kubeharden.Position{File: a.p.Source}
	}
	a.findings = append(a.findings, detach(f))
}

func (a *analysis) fail(r kubeharden.Rule, off int, path, fix, format string, args ...any) {
	if a.perRule == nil {
		a.perRule = map[string]int{}
	}
	a.perRule[r.ID]++
	if a.perRule[r.ID] > maxPerRule {
		return
	}
	f := r.Fail(fmt.Sprintf(format, args...), path)
	if fix != "" {
		f.Fix = fix
	}
	a.add(f, off)
}

func (a *analysis) pass(r kubeharden.Rule, path, format string, args ...any) {
	a.add(r.Pass(fmt.Sprintf(format, args...), path), -1)
}

// topOff returns the offset of a top-level field's value; for a missing
// field, the profile's opening brace marked inexact (see inexact).
func (a *analysis) topOff(keys ...string) int {
	for _, key := range keys {
		if off, ok := a.p.offs[key]; ok {
			return off
		}
	}
	return a.rootOff()
}

func (a *analysis) rootOff() int {
	if off, ok := a.p.offs[""]; ok {
		return inexact(off)
	}
	return -1
}

// inexact encodes an offset whose position is that of the nearest
// existing ancestor of what the finding is about: add() decodes it into a
// Position with Exact false.
func inexact(off int) int { return -off - 2 }

func offAt(offs []int, i int) int {
	if i < len(offs) {
		return offs[i]
	}
	return -1
}

// validate reports what makes runtimes refuse or misread the profile.
func (a *analysis) validate() {
	p := a.p
	for _, pr := range p.Problems {
		switch pr.Kind {
		case ProblemUnknownField:
			if pr.KnownTo == 0 {
				a.fail(ruleUnknownField, pr.off, pr.Path, "", "%v; no runtime reads it", pr.Err)
			}
		case ProblemDuplicateKey, ProblemCaseVariantKey:
			a.fail(ruleDuplicateKey, pr.off, pr.Path, "", "%v", pr.Err)
		case ProblemInvalidValue:
			r := ruleInvalidValue
			if strings.HasSuffix(pr.Path, "minKernel") {
				r = ruleInvalidMinKernel
			}
			a.fail(r, pr.off, pr.Path, "", "%v (refused by runtimes reading the %s format)", pr.Err, pr.Dialects)
		}
	}
	if p.Empty {
		return
	}
	switch {
	case p.DefaultAction == "":
		a.fail(ruleInvalidDefaultAction, a.rootOff(), "defaultAction", "", "defaultAction is missing")
	case !validActions[p.DefaultAction]:
		a.fail(ruleInvalidDefaultAction, a.topOff("defaultAction"), "defaultAction", "", "defaultAction %q is not a seccomp action", p.DefaultAction)
	case p.DefaultAction == specs.ActNotify:
		a.fail(ruleInvalidDefaultAction, a.topOff("defaultAction"), "defaultAction", "", "SCMP_ACT_NOTIFY cannot be the default action")
	}
	if p.DefaultErrnoRet != nil && !takesErrno(p.DefaultAction) && validActions[p.DefaultAction] {
		a.fail(ruleErrnoWithoutErrnoAction, a.topOff("defaultErrnoRet"), "defaultErrnoRet", "", "defaultErrnoRet is set but defaultAction %s returns no errno", p.DefaultAction)
	}
	if p.DefaultErrno != "" {
		if _, ok := errnoValue(p.DefaultErrno); !ok {
			a.fail(ruleInvalidErrno, a.topOff("defaultErrno"), "defaultErrno", "", "defaultErrno %q is not a Linux errno name", p.DefaultErrno)
		} else if !takesErrno(p.DefaultAction) && validActions[p.DefaultAction] {
			a.fail(ruleErrnoWithoutErrnoAction, a.topOff("defaultErrno"), "defaultErrno", "", "defaultErrno is set but defaultAction %s returns no errno", p.DefaultAction)
		}
	}
	if p.ListenerMetadata != "" && p.ListenerPath == "" {
		a.fail(ruleNotifyWithoutListener, a.topOff("listenerMetadata"), "listenerMetadata", "", "listenerMetadata is set without listenerPath")
	}
	for i, arch := range p.Architectures {
		if _, ok := archTable[arch]; !ok && arch != archNative {
			a.fail(ruleInvalidArchitecture, offAt(p.archOffs, i), fmt.Sprintf("architectures[%d]", i), "", "%q is not an SCMP_ARCH_* architecture", arch)
		} else if arch == archNative && a.t.Runtime.Dialect() != DialectContainers {
			a.fail(ruleInvalidArchitecture, offAt(p.archOffs, i), fmt.Sprintf("architectures[%d]", i), "", "SCMP_ARCH_NATIVE is only understood by containers/common (CRI-O, Podman); %s refuses it", a.t.Runtime)
		}
	}
	for i, am := range p.ArchMap {
		for j, arch := range append([]specs.Arch{am.Arch}, am.SubArches...) {
			if _, ok := archTable[arch]; !ok {
				path := fmt.Sprintf("archMap[%d].architecture", i)
				if j > 0 {
					path = fmt.Sprintf("archMap[%d].subArchitectures[%d]", i, j-1)
				}
				a.fail(ruleInvalidArchitecture, am.off, path, "", "%q is not an SCMP_ARCH_* architecture", arch)
			}
		}
	}
	if len(p.Architectures) > 0 && len(p.ArchMap) > 0 {
		a.fail(ruleArchitecturesAndArchMap, a.topOff("archMap"), "archMap", "", "both architectures and archMap are set; Docker and CRI-O refuse the profile")
	}
	for i, f := range p.Flags {
		if !validFlags[f] {
			a.fail(ruleInvalidFlag, a.topOff("flags"), fmt.Sprintf("flags[%d]", i), "", "%q is not a seccomp filter flag", f)
		}
	}
	for i := range p.Syscalls {
		a.validateRule(i, &p.Syscalls[i])
	}
}

func (a *analysis) validateRule(i int, s *Syscall) {
	base := fmt.Sprintf("syscalls[%d]", i)
	if len(s.Names) == 0 && s.Name == "" {
		a.fail(ruleInvalidRuleNames, s.off, base+".names", "", "rule %d names no syscall", i)
	}
	if len(s.Names) > 0 && s.Name != "" {
		a.fail(ruleInvalidRuleNames, s.nameOff, base+".name", "", "rule %d sets both name and names; Docker and CRI-O refuse the profile", i)
	}
	if !validActions[s.Action] {
		a.fail(ruleInvalidAction, s.actionOff, base+".action", "", "rule %d: action %q is not a seccomp action", i, s.Action)
	}
	if (s.ErrnoRet != nil || s.Errno != "") && !takesErrno(s.Action) && validActions[s.Action] {
		a.fail(ruleErrnoWithoutErrnoAction, s.errnoOff, base+".errnoRet", "", "rule %d sets an errno but its action %s returns none", i, s.Action)
	}
	if s.Errno != "" {
		if _, ok := errnoValue(s.Errno); !ok {
			a.fail(ruleInvalidErrno, s.errnoOff, base+".errno", "", "rule %d: errno %q is not a Linux errno name", i, s.Errno)
		}
	}
	names := s.allNames()
	if s.Action == specs.ActNotify {
		if a.p.ListenerPath == "" {
			a.fail(ruleNotifyWithoutListener, s.actionOff, base+".action", "", "rule %d uses SCMP_ACT_NOTIFY but listenerPath is not set", i)
		}
		if slices.Contains(names, "write") {
			a.fail(ruleNotifyWithoutListener, s.actionOff, base+".action", "", "rule %d uses SCMP_ACT_NOTIFY on write, which runc refuses", i)
		}
	}
	seenIdx := map[uint]int{}
	for j, arg := range s.Args {
		ap := fmt.Sprintf("%s.args[%d]", base, j)
		if arg.Index > 5 {
			a.fail(ruleArgIndexOutOfRange, arg.off, ap+".index", "", "rule %d: argument index %d is outside 0-5", i, arg.Index)
		}
		if !validOperators[arg.Op] {
			a.fail(ruleInvalidOperator, arg.off, ap+".op", "", "rule %d: %q is not an SCMP_CMP_* operator", i, arg.Op)
		}
		if arg.Op == specs.OpMaskedEqual && arg.Value == 0 {
			always := "always true"
			if arg.ValueTwo != 0 {
				always = "never true"
			}
			a.fail(ruleMaskedEqZeroMask, arg.off, ap+".value", "", "rule %d: SCMP_CMP_MASKED_EQ with mask 0 is %s", i, always)
		}
		seenIdx[arg.Index]++
		if seenIdx[arg.Index] == 2 {
			a.fail(ruleSameArgIndexOR, arg.off, ap, "", "rule %d compares argument %d more than once; runc ORs these comparisons instead of ANDing them", i, arg.Index)
		}
	}
	deny := !allowing(s.Action)
	defaultAllows := allowing(a.p.DefaultAction)
	for j, n := range names {
		off := offAt(s.namesOffs, j)
		np := fmt.Sprintf("%s.names[%d]", base, j)
		if s.Name != "" && len(s.Names) == 0 {
			off, np = s.nameOff, base+".name"
		}
		if !KnownSyscall(n) {
			fix := ""
			if a.suggestions < 32 { // spelling suggestions cost a table scan each
				a.suggestions++
				if sug := closestSyscall(n); sug != "" {
					fix = fmt.Sprintf("did you mean %q?", sug)
				}
			}
			if deny && defaultAllows {
				a.fail(ruleTypoFailsOpen, off, np, fix, "%q is not a syscall libseccomp knows; runc skips it, so the %s rule does not apply and the call stays allowed", n, s.Action)
			} else {
				a.fail(ruleUnknownSyscall, off, np, fix, "%q is not a syscall libseccomp knows; runc skips it", n)
			}
			continue
		}
		if declared := a.declaredArches(); len(declared) > 0 && !slices.ContainsFunc(declared, func(ar specs.Arch) bool { return SyscallOnArch(n, ar) }) {
			a.fail(ruleSyscallNotOnArch, off, np, "", "%q does not exist on any declared architecture %v", n, declared)
		}
	}
	for _, fl := range []struct {
		f    *Filter
		kind string
	}{{s.Includes, "includes"}, {s.Excludes, "excludes"}} {
		if fl.f == nil {
			continue
		}
		for j, c := range fl.f.Caps {
			if !validCaps[c] {
				a.fail(ruleInvalidCapability, offAt(fl.f.capsOffs, j), fmt.Sprintf("%s.%s.caps[%d]", base, fl.kind, j), "", "%q is not a Linux capability, so this %s condition never matches", c, fl.kind)
			}
		}
		for j, ar := range fl.f.Arches {
			if !validFilterArch(ar) {
				fix := ""
				if sa, ok := ParseArch(ar); ok {
					fix = fmt.Sprintf("write %q", archToNative(sa))
				}
				a.fail(ruleInvalidFilterArch, offAt(fl.f.archesOffs, j), fmt.Sprintf("%s.%s.arches[%d]", base, fl.kind, j), fix, "%q is not a native architecture name, so this %s condition never matches", ar, fl.kind)
			}
		}
	}
}

// declaredArches lists every architecture the profile names in
// architectures or anywhere in archMap (memoised).
func (a *analysis) declaredArches() []specs.Arch {
	if a.declared != nil {
		return a.declared
	}
	out := []specs.Arch{}
	add := func(x specs.Arch) {
		if _, ok := archTable[x]; ok && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	for _, x := range a.p.Architectures {
		add(x)
	}
	for _, am := range a.p.ArchMap {
		add(am.Arch)
		for _, x := range am.SubArches {
			add(x)
		}
	}
	a.declared = out
	return out
}

// validFilterArch accepts moby's native names and libseccomp's arch
// names (what containers/common compares with).
func validFilterArch(s string) bool {
	if _, ok := nativeToArch[s]; ok {
		return true
	}
	switch s {
	case "x32", "mips", "mipsel64n32", "parisc", "parisc64", "loong64", "m68k", "sh", "sheb":
		return true
	}
	return false
}

// closestSyscall suggests the known name nearest to a misspelt one.
func closestSyscall(n string) string {
	if len(n) > 64 {
		return ""
	}
	best, bestD := "", 3
	for _, e := range syscallTable {
		if d := editDistance(n, e.name, bestD); d < bestD {
			best, bestD = e.name, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance, or limit when it is larger.
func editDistance(a, b string, limit int) int {
	if abs(len(a)-len(b)) >= limit {
		return limit
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// runtimeChecks reports what happens when the target runtime loads the
// profile.
func (a *analysis) runtimeChecks() {
	e, p := a.e, a.p
	if e.LoadError != nil && !e.Disabled {
		a.fail(ruleRejectedByRuntime, a.rootOff(), "", "", "%s refuses the profile: %v", a.t.Runtime, e.LoadError)
	}
	for _, n := range e.Conflicts {
		off := -1
		for _, r := range e.RulesFor(n) {
			if !r.Redundant && len(r.Args) > 0 {
				off = p.Syscalls[r.Index].off
				break
			}
		}
		a.fail(ruleConflictingActions, off, "syscalls", "", "%s: %q has identical argument filters with different actions; libseccomp returns EEXIST and the container does not start", a.t.Runtime, n)
	}
	for _, sh := range e.Shadowed {
		w, d := &p.Syscalls[sh.Winner], &p.Syscalls[sh.Dropped]
		a.fail(ruleConflictingActions, d.actionOff, fmt.Sprintf("syscalls[%d]", sh.Dropped), "",
			"%s: %q is decided by rule %d (%s); rule %d (%s) is dropped silently", a.t.Runtime, sh.Name, sh.Winner, w.Action, sh.Dropped, d.Action)
	}
	if e.Disabled {
		return
	}
	for _, r := range e.Rules {
		if r.Redundant {
			a.fail(ruleRedundantRule, p.Syscalls[r.Index].actionOff, fmt.Sprintf("syscalls[%d]", r.Index), "", "rule %d has the default action %s; runc skips it", r.Index, r.Action)
		}
	}
	// Duplicate unconditional listings with the same action.
	type key struct {
		name   string
		action specs.LinuxSeccompAction
	}
	seen := map[key]int{}
	for _, r := range e.Rules {
		if r.Redundant || len(r.Args) > 0 {
			continue
		}
		for _, n := range r.Names {
			k := key{n, r.Action}
			if first, ok := seen[k]; ok && first != r.Index {
				a.fail(ruleDuplicateSyscall, p.Syscalls[r.Index].off, fmt.Sprintf("syscalls[%d]", r.Index), "", "%q is already listed with %s in rule %d", n, r.Action, first)
				continue
			}
			seen[k] = r.Index
		}
	}
	// Dialect mismatch.
	a.droppedFields()
	// Architectures.
	native := a.t.Arch
	if len(p.Architectures) > 0 && !slices.Contains(p.Architectures, native) && !slices.Contains(p.Architectures, archNative) {
		a.fail(ruleMissingNativeArch, a.topOff("architectures"), "architectures", "", "architectures %v does not list the target's %s", p.Architectures, native)
	}
	if len(e.Arches) > 1 {
		a.fail(ruleCompatArch, a.topOff("architectures", "archMap"), "architectures", "", "calls from %v are filtered and reachable besides the native %s", e.Arches[1:], native)
	}
	if e.DefaultAction == specs.ActErrno && e.DefaultErrno == 1 {
		a.fail(ruleEpermDefault, a.topOff("defaultErrnoRet", "defaultAction"), "defaultErrnoRet", "", "unlisted syscalls fail with EPERM; ENOSYS (38) lets libc fall back from syscalls newer than the profile")
	}
	for _, r := range e.Rules {
		if r.Redundant || len(r.Args) > 0 {
			continue
		}
		switch r.Action {
		case specs.ActKill, specs.ActKillThread, specs.ActKillProcess, specs.ActTrap:
			for j, n := range r.Names {
				if commonSyscalls[n] {
					s := &p.Syscalls[r.Index]
					a.fail(ruleKillOnCommonSyscall, offAt(s.namesOffs, j), fmt.Sprintf("syscalls[%d].names[%d]", r.Index, j), "",
						"%s on %q: the workload crashes instead of seeing an error", r.Action, n)
				}
			}
		}
	}
	trace := e.DefaultAction == specs.ActTrace
	for _, r := range e.Rules {
		trace = trace || r.Action == specs.ActTrace
	}
	if trace {
		a.fail(ruleTraceWithoutTracer, a.topOff("defaultAction"), "", "", "SCMP_ACT_TRACE is used; without a tracer attached these calls fail with ENOSYS")
	}
}

// droppedFields reports fields the runtime ignores and what that costs.
func (a *analysis) droppedFields() {
	d := a.t.Runtime.Dialect()
	var dropped []string
	firstOff := -1
	relevant := false
	for _, pr := range a.p.Problems {
		if pr.Kind != ProblemUnknownField || pr.Dialects&d == 0 || pr.KnownTo == 0 {
			continue
		}
		field := pr.Path
		if i := strings.LastIndexByte(field, '.'); i >= 0 {
			field = field[i+1:]
		}
		if field == "comment" {
			continue
		}
		relevant = true
		if !slices.Contains(dropped, field) {
			dropped = append(dropped, field)
		}
		if firstOff < 0 {
			firstOff = pr.off
		}
	}
	if !relevant {
		return
	}
	// What the profile allows where its own dialect is read, vs here.
	own := RuntimeDocker
	if a.p.Dialect == DialectContainers {
		own = RuntimeCRIO
	}
	if own == a.t.Runtime {
		own = RuntimeDocker
		if a.t.Runtime == RuntimeDocker {
			own = RuntimeCRIO
		}
	}
	ot := a.t
	ot.Runtime = own
	oe := Evaluate(a.p, ot)
	here, _ := a.e.Allowed(a.t.Arch)
	there, _ := oe.Allowed(a.t.Arch)
	var failOpen []string
	for _, n := range here {
		if _, ok := slices.BinarySearch(there, n); !ok {
			failOpen = append(failOpen, n)
		}
	}
	f := ruleDroppedByRuntime.Fail("", "")
	if len(failOpen) > 0 {
		f.Message = fmt.Sprintf("%s ignores %s; as a result it allows %d syscall(s) that %s denies here: %s",
			a.t.Runtime, strings.Join(dropped, ", "), len(failOpen), own, strings.Join(failOpen, ", "))
	} else {
		f.Severity, f.Points = kubeharden.SeverityLow, 0
		f.Message = fmt.Sprintf("%s ignores %s; the allowed set on %s does not grow, but the profile does not mean what it says", a.t.Runtime, strings.Join(dropped, ", "), a.t.Arch)
	}
	if a.t.Runtime == RuntimeContainerd {
		f.Fix = "containerd reads plain OCI LinuxSeccomp: expand archMap into architectures and includes/excludes into plain rules for the target (or use CRI-O)"
	}
	a.add(f, firstOff)
}

// score applies the style, danger, bypass and baseline rules.
func (a *analysis) score() {
	e, p := a.e, a.p
	if e.Disabled {
		off := -1
		if root, ok := p.offs[""]; ok {
			off = root
		}
		a.fail(ruleSeccompDisabled, off, "", "", "%s runs the container without a seccomp filter: the profile has neither defaultAction nor rules", a.t.Runtime)
	} else {
		a.pass(ruleSeccompDisabled, "", "the profile enables a seccomp filter")
	}
	def := e.DefaultAction
	switch {
	case e.Disabled:
	case def == specs.ActAllow:
		a.fail(ruleDefaultAllow, a.topOff("defaultAction"), "defaultAction", "", "defaultAction SCMP_ACT_ALLOW: a deny list that allows every syscall it does not name")
	case def == specs.ActLog:
		a.fail(ruleDefaultLog, a.topOff("defaultAction"), "defaultAction", "", "defaultAction SCMP_ACT_LOG only logs: nothing is enforced")
	}
	if !e.Disabled && (def == specs.ActErrno || def == specs.ActKill || def == specs.ActKillProcess || def == specs.ActKillThread || def == specs.ActTrap || def == specs.ActTrace) {
		a.pass(ruleAllowList, "defaultAction", "defaultAction %s: only listed syscalls run", def)
	} else {
		a.add(ruleAllowList.Fail(fmt.Sprintf("defaultAction %q does not deny unlisted syscalls", def), "defaultAction"), a.topOff("defaultAction"))
	}
	// Danger classes, over every architecture the filter lets through.
	arches := e.Arches
	if e.Disabled || len(arches) == 0 {
		arches = []specs.Arch{a.t.Arch}
	}
	for _, c := range dangerClasses {
		var hits []string
		off := -1
		path := ""
		for _, dc := range c.calls {
			for _, arch := range arches {
				if !SyscallOnArch(dc.name, arch) {
					continue
				}
				dec := e.Decide(dc.name, arch)
				if !dec.Allows() {
					continue
				}
				if safe, ok := safeFromKernel[dc.name]; ok && (a.t.Kernel == (KernelVersion{}) || a.t.Kernel.AtLeast(safe)) {
					continue
				}
				where := ""
				if arch != a.t.Arch {
					where = " on " + string(arch)
				}
				hits = append(hits, fmt.Sprintf("%s%s: %s", dc.name, where, dc.why))
				if off < 0 {
					off, path = a.ruleOffset(dec.Rules, dc.name)
				}
				break
			}
		}
		if len(hits) > 0 {
			a.fail(c.rule, off, path, "", "allowed: %s", strings.Join(hits, "; "))
		} else {
			a.pass(c.rule, "", "none of %s is allowed", c.rule.Title)
		}
	}
	if e.Disabled {
		return
	}
	native := a.t.Arch
	// clone / clone3.
	clone := e.Decide("clone", native)
	clone3 := e.Decide("clone3", native)
	if SyscallOnArch("clone3", native) && clone.Conditional && !allowing(clone.Action) && clone3.AllowsSome() {
		off, path := a.ruleOffset(clone3.Rules, "clone3")
		a.fail(ruleCloneFlagsBypass, off, path, "", "clone is filtered by its flags but clone3 is allowed (%s): namespace flags pass unchecked through clone3", clone3.Action)
	} else {
		a.pass(ruleCloneFlagsBypass, "", "no clone filter can be bypassed through clone3")
	}
	// socket / socketcall.
	sock := e.Decide("socket", native)
	bypass := ""
	if sock.Conditional && !allowing(sock.Action) {
		for _, arch := range e.Arches {
			if SyscallOnArch("socketcall", arch) && e.Decide("socketcall", arch).AllowsSome() {
				bypass = string(arch)
				break
			}
		}
	}
	if bypass != "" {
		off, path := a.ruleOffset(e.Decide("socketcall", specs.Arch(bypass)).Rules, "socketcall")
		a.fail(ruleSocketcallBypass, off, path, "", "socket is filtered by address family but socketcall is allowed on %s, which passes socket's arguments through a pointer seccomp cannot read", bypass)
	} else {
		a.pass(ruleSocketcallBypass, "", "no socket filter can be bypassed through socketcall")
	}
	// Baseline: the runtime's default.
	base := RuntimeDefault(a.t)
	var parts []string
	dangerous := false
	for _, d := range Diff(e, base) {
		if len(d.Extra) > 0 {
			parts = append(parts, fmt.Sprintf("%s: %s", d.Arch, strings.Join(d.Extra, ", ")))
			dangerous = dangerous || slices.ContainsFunc(d.Extra, isDangerous)
		}
	}
	if len(parts) > 0 {
		f := ruleWeakerThanDefault.Fail(fmt.Sprintf("allowed beyond %s's RuntimeDefault — %s", a.t.Runtime, strings.Join(parts, "; ")), "syscalls")
		if !dangerous {
			// Only syscalls outside every danger class: usually a newer
			// profile than the runtime's default. Worth knowing, not a risk.
			f.Severity, f.Points = kubeharden.SeverityLow, 0
		}
		a.add(f, a.topOff("syscalls"))
	} else {
		a.pass(ruleWeakerThanDefault, "", "allows nothing %s's RuntimeDefault denies", a.t.Runtime)
	}
}

// ruleOffset returns the position of name in the first rule naming it.
func (a *analysis) ruleOffset(rules []int, name string) (int, string) {
	for _, i := range rules {
		s := &a.p.Syscalls[i]
		if j := slices.Index(s.Names, name); j >= 0 {
			return offAt(s.namesOffs, j), fmt.Sprintf("syscalls[%d].names[%d]", i, j)
		}
		if s.Name == name {
			return s.nameOff, fmt.Sprintf("syscalls[%d].name", i)
		}
	}
	return a.topOff("defaultAction"), "defaultAction"
}
