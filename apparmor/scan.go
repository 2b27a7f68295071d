package apparmor

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	kubeharden "github.com/kubeharden/kubeharden"
)

// Options configure Scan. The zero value validates for AppArmor 4.x and
// analyses a self-contained profile: includes are not read and the usual
// tunables (@{PROC}, @{sys}, @{HOME} …) take Debian's values.
type Options struct {
	// FS holds the files includes name, rooted at "/" (os.DirFS("/") on a
	// node, or a copied tree). Nil leaves includes unresolved.
	FS fs.FS
	// BaseDir, IncludeDirs and WorkDir: see ParseOptions.
	BaseDir     string
	IncludeDirs []string
	WorkDir     string
	// Cache shares include files between Scan calls (see ParseOptions).
	Cache *FileCache
	// Target is the apparmor_parser syntax level the nodes run (zero:
	// Target4). Use Target3 for Debian 12 nodes.
	Target Target
}

func (o Options) parseOptions() *ParseOptions {
	return &ParseOptions{FS: o.FS, BaseDir: o.BaseDir, IncludeDirs: o.IncludeDirs, WorkDir: o.WorkDir, Target: o.Target, Cache: o.Cache}
}

// ErrNoProfile is returned by Scan when the input defines no profile.
var ErrNoProfile = errors.New("no AppArmor profile in input")

// ReportKind is the Report.Kind of AppArmor profile reports.
const ReportKind = "AppArmorProfile"

// Scan parses an AppArmor profile file and returns one report per profile
// (children and hats included, named as `apparmor_parser -N` prints them).
// Valid text without any profile (a tunables file) gives no report and no
// error; text that defines no profile and does not parse gives a report
// carrying the errors and an error wrapping ErrNoProfile.
// Problems that would stop apparmor_parser are reported as apparmor/Invalid
// findings and as Report.Errors; the analysis still runs on what parsed.
func Scan(source string, data []byte, opts Options) ([]kubeharden.Report, error) {
	f, perr := Parse(source, data, opts.parseOptions())
	var errs ErrorList
	if perr != nil {
		errors.As(perr, &errs)
	}
	var reports []kubeharden.Report
	idx := 0
	var walk func(p *Profile)
	walk = func(p *Profile) {
		reports = append(reports, analyzeProfile(source, idx, f, p, errs))
		idx++
		for _, c := range p.Children() {
			walk(c)
		}
	}
	for _, p := range f.Profiles() {
		walk(p)
	}
	if len(reports) == 0 && len(errs) == 0 {
		// Valid policy text without a profile: a tunables file or an
		// abstraction-free preamble. Nothing to score.
		return nil, nil
	}
	if len(reports) == 0 {
		r := kubeharden.Report{Source: source, Document: 0, Object: source, Kind: ReportKind}
		for _, e := range errs {
			r.Errors = append(r.Errors, inputError(source, e))
		}
		if len(errs) == 0 {
			r.Errors = append(r.Errors, kubeharden.InputError{Source: source, Document: -1, Err: ErrNoProfile})
		}
		return []kubeharden.Report{r}, fmt.Errorf("%s: %w", source, ErrNoProfile)
	}
	return reports, nil
}

func inputError(source string, e *Error) kubeharden.InputError {
	return kubeharden.InputError{Source: source, Document: 0, Line: e.Pos.Line, Column: e.Pos.Column, Err: e}
}

func position(p Pos) kubeharden.Position {
	return kubeharden.Position{File: p.File, Line: p.Line, Column: p.Column, Exact: true}
}

// analysis collects the findings for one profile.
type analysis struct {
	report *kubeharden.Report
	view   *profileView
	seen   map[string]bool
}

func (a *analysis) add(f kubeharden.Finding, p Pos) {
	key := f.RuleID + "\x00" + f.Path + "\x00" + f.Message
	if a.seen[key] {
		return
	}
	a.seen[key] = true
	f.Position = position(p)
	a.report.Findings = append(a.report.Findings, f)
}

func (a *analysis) fail(r kubeharden.Rule, p Pos, path, fix, format string, args ...any) {
	f := r.Fail(fmt.Sprintf(format, args...), path)
	if fix != "" {
		f.Fix = fix
	}
	a.add(f, p)
}

func ruleText(r *Rule) string {
	q := r.Qual.String()
	if q != "" && !strings.HasPrefix(r.Text, q) {
		return q + " " + r.Text
	}
	return r.Text
}

// analyzeProfile scores one profile.
func analyzeProfile(source string, doc int, f *File, p *Profile, errs ErrorList) kubeharden.Report {
	rep := kubeharden.Report{Source: source, Document: doc, Object: p.FullName(), Kind: ReportKind}
	a := &analysis{report: &rep, view: newProfileView(f, p), seen: map[string]bool{}}
	// Input problems: those inside this profile's text, or outside every
	// profile (preamble, includes) for every report.
	for _, e := range errs {
		if inProfile(e.Pos, p) || !inAnyProfile(e.Pos, f) {
			rep.Errors = append(rep.Errors, inputError(source, e))
			if errors.Is(e, ErrUndefinedVariable) {
				a.fail(ruleUndefinedVar, e.Pos, "", "", "%s", e.Msg)
			} else {
				a.fail(ruleInvalid, e.Pos, "", "", "%s", e.Msg)
			}
		}
	}
	for _, u := range f.UnknownVars {
		if inProfile(u.Pos, p) {
			a.fail(ruleUndefinedVar, u.Pos, "@{"+u.Name+"}", "", "variable @{%s} is not defined in the file nor a standard tunable (includes were not resolved)", u.Name)
		}
	}
	a.mode(p)
	a.structure(f, p)
	a.rules()
	a.fileProbes()
	a.network()
	a.runtimeDefault()
	kubeharden.SortFindings(rep.Findings)
	rep.ComputeScore()
	return rep
}

func inProfile(pos Pos, p *Profile) bool {
	return pos.File == p.Pos.File && pos.Offset >= p.Pos.Offset && (p.End.Offset == 0 || pos.Offset <= p.End.Offset) && p.End.File == p.Pos.File
}

func inAnyProfile(pos Pos, f *File) bool {
	for _, p := range f.Profiles() {
		if inProfile(pos, p) {
			return true
		}
	}
	return false
}

func (a *analysis) mode(p *Profile) {
	switch p.Mode() {
	case "unconfined":
		a.fail(ruleUnconfined, p.Pos, "flags", "", "profile %q has flags=(unconfined)", p.FullName())
	case "complain":
		a.fail(ruleComplain, p.Pos, "flags", "", "profile %q has flags=(complain)", p.FullName())
	case "prompt", "default_allow":
		a.fail(rulePrompt, p.Pos, "flags", "", "profile %q has flags=(%s)", p.FullName(), p.Mode())
	default:
		a.add(ruleEnforce.Pass(fmt.Sprintf("profile %q is in %s mode", p.FullName(), p.Mode()), "flags"), p.Pos)
	}
	if p.HasFlag("attach_disconnected") {
		a.fail(ruleAttachDisconnected, p.Pos, "flags", "", "profile %q sets attach_disconnected", p.FullName())
	}
	if p.Attachment != "" || (p.Keyword == "" && strings.HasPrefix(p.Name, "/")) {
		att := p.Attachment
		if att == "" {
			att = p.Name
		}
		a.fail(rulePathAttached, p.Pos, "attachment", "", "profile %q attaches to executables matching %s", p.FullName(), att)
	}
}

func (a *analysis) structure(f *File, p *Profile) {
	if p.Parent == nil {
		hasABI := false
		walkItems(f.Items, func(n Node) bool {
			if _, ok := n.(*ABI); ok {
				hasABI = true
			}
			_, isProf := n.(*Profile)
			return !isProf
		})
		if !hasABI {
			a.fail(ruleMissingABI, p.Pos, "abi", "add `abi <abi/3.0>,` before the profile", "file has no abi line")
		}
	}
	check := func(items []Node) {
		walkItems(items, func(n Node) bool {
			inc, ok := n.(*Include)
			if !ok {
				_, isProf := n.(*Profile)
				return !isProf
			}
			if !inc.IfExists && (inc.Missing || strings.HasPrefix(inc.Path, "local/")) {
				a.fail(ruleIncludeNoIfExists, inc.Pos, quoteInc(inc), "write `include if exists "+quoteInc(inc)+"`",
					"include %s has no `if exists`", quoteInc(inc))
			}
			return true
		})
	}
	if p.Parent == nil {
		check(f.Items)
	}
	check(p.Items)
}

// rules examines each effective rule.
func (a *analysis) rules() {
	v := a.view
	capsDenied := map[string]bool{}
	allCapsDenied := false
	for _, r := range v.rules {
		if r.Kind == RuleCapability && r.Qual.Deny {
			if r.Bare {
				allCapsDenied = true
			}
			for _, n := range r.Names {
				capsDenied[n] = true
			}
		}
	}
	var denyMount, denyUserns bool
	for _, r := range v.rules {
		if r.Qual.Deny && r.Bare && (r.Kind == RuleMount || r.Kind == RuleAll) {
			denyMount = true
		}
		if r.Qual.Deny && r.Kind == RuleUserns {
			denyUserns = true
		}
	}
	for _, r := range v.rules {
		if r.Qual.Deny {
			continue
		}
		txt := ruleText(r)
		switch r.Kind {
		case RuleAll:
			a.fail(ruleAllRule, r.Pos, txt, "", "rule %q allows everything", txt)
		case RuleCapability:
			if allCapsDenied {
				continue
			}
			if r.Bare {
				a.fail(ruleBareCapability, r.Pos, txt, "", "rule %q allows every capability", txt)
				continue
			}
			for _, c := range r.Names {
				if capsDenied[c] {
					continue
				}
				fix := fmt.Sprintf("remove %s from %q", c, txt)
				switch risk := capabilityRisk[c]; {
				case risk >= 10:
					a.fail(ruleCapCritical, r.Pos, txt, fix, "capability %s is allowed (severity %d/10)", c, risk)
				case risk == 9:
					a.fail(ruleCapHigh, r.Pos, txt, fix, "capability %s is allowed (severity %d/10)", c, risk)
				case risk >= 7:
					a.fail(ruleCapMedium, r.Pos, txt, fix, "capability %s is allowed (severity %d/10)", c, risk)
				}
			}
		case RuleFile:
			if r.Bare {
				a.fail(ruleBareFile, r.Pos, txt, "", "rule %q allows access to every file", txt)
				continue
			}
			a.fileRule(r, txt)
		case RuleNetwork:
			if r.Bare {
				a.fail(ruleBareNetwork, r.Pos, txt, "", "rule %q allows every socket", txt)
			}
		case RuleMount, RuleRemount:
			if denyMount {
				continue
			}
			if r.Bare {
				a.fail(ruleBareMount, r.Pos, txt, "", "rule %q allows any %s", txt, r.Kind)
				continue
			}
			if _, ok := r.Cond("fstype"); !ok {
				if _, ok := r.Cond("options"); !ok {
					a.fail(ruleMountLoose, r.Pos, txt, "", "rule %q names neither fstype nor options", txt)
				}
			}
		case RulePivotRoot:
			if r.Bare {
				a.fail(ruleBareMount, r.Pos, txt, "", "rule %q allows any pivot_root", txt)
			}
		case RuleUmount:
			if r.Bare || r.Target == "" {
				a.fail(ruleUmountAny, r.Pos, txt, "", "rule %q allows unmounting anything", txt)
			}
		case RulePtrace:
			if r.Bare {
				a.fail(rulePtraceAny, r.Pos, txt, "", "rule %q allows unrestricted ptrace", txt)
				continue
			}
			if hasAccess(r, "trace", "read", "r", "w", "rw", "write") && peerMatches(r, "unconfined") {
				a.fail(ruleUnconfinedPeer, r.Pos, txt, "", "rule %q allows ptrace of unconfined processes", txt)
			}
		case RuleSignal:
			if set, ok := r.Cond("set"); ok && len(set) == 1 && set[0] == "exists" {
				continue // signal 0 only probes for existence
			}
			if hasAccess(r, "send", "w", "write", "rw") && peerMatches(r, "unconfined") {
				a.fail(ruleUnconfinedPeer, r.Pos, txt, "", "rule %q allows sending signals to unconfined processes", txt)
			}
		case RuleChangeProfile:
			if r.Bare || r.Target == "" || peerTargetAny(r.Target) {
				a.fail(ruleChangeProfileAny, r.Pos, txt, "", "rule %q allows changing to any profile, unconfined included", txt)
			}
		case RuleUserns:
			if !denyUserns {
				a.fail(ruleUserns, r.Pos, txt, "", "rule %q allows creating user namespaces", txt)
			}
		case RuleIOUring:
			a.fail(ruleIOUring, r.Pos, txt, "", "rule %q allows io_uring", txt)
		case RuleMqueue:
			a.fail(ruleMqueue, r.Pos, txt, "", "rule %q allows message queues", txt)
		case RuleUnix, RuleDbus:
			if r.Bare {
				a.fail(ruleBareIPC, r.Pos, txt, "", "rule %q is unrestricted", txt)
			}
		}
	}
	a.writableExec()
}

func peerTargetAny(t string) bool {
	for _, pat := range expandBraces([]string{t}, maxPatternsPerRule) {
		if matchAARE(pat, "unconfined") || pat == "**" {
			return true
		}
	}
	return false
}

func (a *analysis) fileRule(r *Rule, txt string) {
	switch r.Exec {
	case "ux", "Ux", "pux", "PUx", "pUx", "Pux", "cux", "CUx", "cUx", "Cux":
		a.fail(ruleUnconfinedExec, r.Pos, txt, "", "rule %q can run %s unconfined (%s)", txt, r.Path, r.Exec)
	case "px", "cx", "pix", "cix":
		if r.ExecSafety != "safe" {
			a.fail(ruleUnscrubbedExec, r.Pos, txt, fmt.Sprintf("use %s%s", strings.ToUpper(r.Exec[:1]), r.Exec[1:]),
				"rule %q does not scrub the environment (%s)", txt, r.Exec)
		}
	}
	if r.Target != "" && !strings.ContainsAny(r.Exec, "pcPC") && r.Kind == RuleFile && !strings.Contains(r.Perms, "l") {
		a.fail(ruleTargetIgnored, r.Pos, txt, "", "rule %q has a target but no p or c transition", txt)
	}
	for _, pat := range a.view.patsOf[r] {
		if pat == "/**" || pat == "/**/" || pat == "**" {
			if permHas(r, 'w') || permHas(r, 'r') {
				a.fail(ruleBareFile, r.Pos, txt, "", "rule %q covers every path", txt)
			}
			break
		}
	}
}

// writableExec reports paths both writable and executable.
func (a *analysis) writableExec() {
	type pr struct {
		r   *Rule
		pat string
	}
	var ws, xs []pr
	for _, fr := range a.view.files {
		r := fr.r
		if r.Qual.Deny || fr.bare {
			continue
		}
		w := permHas(r, 'w') || permHas(r, 'a')
		x := (r.Exec != "" && r.Exec != "x") || permHas(r, 'm')
		for _, pat := range fr.pats {
			if w && len(ws) < 400 {
				ws = append(ws, pr{r, pat})
			}
			if x && len(xs) < 400 {
				xs = append(xs, pr{r, pat})
			}
		}
	}
	// One finding per profile: the first overlap gives the position,
	// the message lists up to five.
	done := map[[2]*Rule]bool{}
	var first *Rule
	var examples []string
	n := 0
	for _, w := range ws {
		for _, x := range xs {
			if done[[2]*Rule{w.r, x.r}] || !globsOverlap(w.pat, x.pat) {
				continue
			}
			done[[2]*Rule{w.r, x.r}] = true
			n++
			if first == nil {
				first = x.r
			}
			if len(examples) < 5 {
				if w.r == x.r {
					examples = append(examples, fmt.Sprintf("%s (rule %q)", w.pat, ruleText(w.r)))
				} else {
					examples = append(examples, fmt.Sprintf("%s (write: %q, exec: %q)", w.pat, ruleText(w.r), ruleText(x.r)))
				}
			}
		}
	}
	if first == nil {
		return
	}
	more := ""
	if n > len(examples) {
		more = fmt.Sprintf(" and %d more", n-len(examples))
	}
	a.fail(ruleWritableExec, first.Pos, ruleText(first), "", "writable and executable: %s%s", strings.Join(examples, "; "), more)
}

// probe is a concrete access a rule is tested with.
type probe struct {
	rule kubeharden.Rule
	path string
	perm byte
	what string
}

var fileProbes = []probe{
	{ruleProcSysWrite, "/proc/sys/kernel/core_pattern", 'w', "write"},
	{ruleProcSysWrite, "/proc/sysrq-trigger", 'w', "write"},
	{ruleProcSysWrite, "/proc/kcore", 'r', "read"},
	{ruleProcSysWrite, "/sys/kernel/mm/transparent_hugepage/enabled", 'w', "write"},
	{ruleProcSysWrite, "/sys/firmware/efi/efivars/x", 'w', "write"},
	{ruleProcSysWrite, "/sys/kernel/security/apparmor/.remove", 'w', "write"},
	{ruleProcSysWrite, "/dev/mem", 'w', "write"},
	{ruleProcSysWrite, "/dev/kmem", 'w', "write"},
	{ruleShadowWrite, "/etc/shadow", 'w', "write"},
	{ruleRuntimeSocket, "/var/run/docker.sock", 'w', "connect to"},
	{ruleRuntimeSocket, "/run/containerd/containerd.sock", 'w', "connect to"},
	{ruleRuntimeSocket, "/var/run/crio/crio.sock", 'w', "connect to"},
	{ruleKubeletPaths, "/var/lib/kubelet/pki/kubelet-client-current.pem", 'w', "write"},
	{ruleKubeletPaths, "/etc/kubernetes/manifests/evil.yaml", 'w', "write"},
}

// fileProbes reports, per rule, the probe accesses the profile allows
// (one finding per rule, listing every allowed probe).
func (a *analysis) fileProbes() {
	type hit struct {
		first *Rule
		what  []string
		fixes []string
	}
	hits := map[string]*hit{}
	var order []kubeharden.Rule
	for _, pb := range fileProbes {
		r, ok := a.view.fileAllowed(pb.path, pb.perm)
		if !ok {
			continue
		}
		h := hits[pb.rule.ID]
		if h == nil {
			h = &hit{first: r}
			hits[pb.rule.ID] = h
			order = append(order, pb.rule)
		}
		h.what = append(h.what, fmt.Sprintf("%s %s (rule %q)", pb.what, pb.path, ruleText(r)))
		h.fixes = append(h.fixes, fmt.Sprintf("deny %s %c,", pb.path, pb.perm))
	}
	for _, rl := range order {
		h := hits[rl.ID]
		a.fail(rl, h.first.Pos, ruleText(h.first), "add "+strings.Join(h.fixes, " "), "profile allows: %s", strings.Join(h.what, "; "))
	}
}

func (a *analysis) network() {
	type np struct{ domain, typ, what string }
	var first *Rule
	var whats, fixes []string
	for _, pb := range []np{
		{"inet", "raw", "raw IPv4 sockets"}, {"inet6", "raw", "raw IPv6 sockets"}, {"packet", "", "packet sockets"},
		{"alg", "", "AF_ALG sockets"}, {"vsock", "", "vsock sockets"}, {"netlink", "raw", "raw netlink sockets"},
	} {
		r, ok := a.view.networkAllowed(pb.domain, pb.typ)
		if !ok {
			continue
		}
		if first == nil {
			first = r
		}
		whats = append(whats, fmt.Sprintf("%s (rule %q)", pb.what, ruleText(r)))
		fixes = append(fixes, strings.TrimSpace("deny network "+pb.domain+" "+pb.typ)+",")
	}
	if first != nil {
		a.fail(ruleRiskySocket, first.Pos, ruleText(first), "add "+strings.Join(fixes, " "), "profile allows %s", strings.Join(whats, ", "))
	}
}

// runtimeDefaultDenies are accesses both docker-default and containerd's
// default profile deny (checked against the corpus copies in tests).
var runtimeDefaultDenies = []probe{
	{ruleRuntimeDefault, "/proc/sysrq-trigger", 'w', "sysrq-trigger"},
	{ruleRuntimeDefault, "/proc/kcore", 'r', "kcore"},
	{ruleRuntimeDefault, "/proc/sys/kernel/core_pattern", 'w', "/proc/sys writes"},
	{ruleRuntimeDefault, "/proc/sys/fs/binfmt_misc/register", 'w', "/proc/sys writes"},
	{ruleRuntimeDefault, "/proc/timer_list", 'w', "write"},
	{ruleRuntimeDefault, "/sys/kernel/mm/ksm/run", 'w', "/sys writes"},
	{ruleRuntimeDefault, "/sys/firmware/efi/efivars/x", 'r', "/sys/firmware"},
	{ruleRuntimeDefault, "/sys/kernel/security/apparmor/profiles", 'r', "securityfs"},
	{ruleRuntimeDefault, "/sys/devices/virtual/powercap/intel-rapl/intel-rapl:0/energy_uj", 'r', "powercap"},
}

func (a *analysis) runtimeDefault() {
	var missing []string
	var at *Rule
	for _, pb := range runtimeDefaultDenies {
		r, ok := a.view.fileAllowed(pb.path, pb.perm)
		if !ok {
			continue
		}
		if at == nil {
			at = r
		}
		missing = append(missing, fmt.Sprintf("%s (%c %s)", pb.what, pb.perm, pb.path))
	}
	if r, ok := a.view.ruleAllowed(RuleMount, func(r *Rule) bool { return true }); ok {
		if at == nil {
			at = r
		}
		missing = append(missing, "mount")
	}
	if len(missing) == 0 {
		return
	}
	pos := a.view.p.Pos
	if at != nil {
		pos = at.Pos
	}
	sort.Strings(missing)
	missing = dedupe(missing)
	a.fail(ruleRuntimeDefault, pos, "", "", "profile %q allows what docker-default and containerd's default deny: %s",
		a.view.p.FullName(), strings.Join(missing, ", "))
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// LocalhostName turns a pod's profile reference into the profile name:
// it accepts securityContext.appArmorProfile.localhostProfile values and
// the annotation form "localhost/NAME".
func LocalhostName(ref string) string {
	return strings.TrimPrefix(strings.TrimSpace(ref), "localhost/")
}

// FindReport returns the report of the profile a pod's localhostProfile
// (or "localhost/NAME" annotation value) names.
func FindReport(reports []kubeharden.Report, localhostProfile string) (kubeharden.Report, bool) {
	name := LocalhostName(localhostProfile)
	for _, r := range reports {
		if r.Kind == ReportKind && r.Object == name {
			return r, true
		}
	}
	return kubeharden.Report{}, false
}
