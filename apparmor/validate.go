package apparmor

import (
	"sort"
	"strconv"
	"strings"
)

// checker runs the semantic checks after parsing.
type checker struct {
	st    *parseState
	vars  map[string][]string
	bools map[string]bool
	// declared tracks how a variable was created ("=", "?=", ":=", "cond").
	declared map[string]string
	// unresolved is true when includes could not be read (nil FS): then
	// undefined variables are not reported.
	unresolved bool
	expanding  map[string]bool
	unknown    []UnknownVar
	spent      int
}

// UnknownVar is a variable reference that no assignment in the parsed text
// defines while includes were not resolved (it may come from a tunable the
// node has, or be a mistake).
type UnknownVar struct {
	Pos  Pos
	Name string
}

func (ck *checker) errorf(p Pos, sentinel error, format string, args ...any) {
	ck.st.errorf(p, sentinel, format, args...)
}

func (st *parseState) check(f *File) *checker {
	ck := &checker{st: st, vars: map[string][]string{}, bools: map[string]bool{}, declared: map[string]string{}, expanding: map[string]bool{}}
	if st.opts.FS == nil {
		walkItems(f.Items, func(n Node) bool {
			if _, ok := n.(*Include); ok {
				ck.unresolved = true
			}
			return true
		})
	}
	ck.preamble(f.Items)
	// Top-level profile names must be unique per namespace.
	ck.checkSiblings(f.Profiles())
	for _, p := range f.Profiles() {
		ck.profile(p)
	}
	return ck
}

// preamble processes variable and boolean assignments and conditionals at
// the top level, in order.
func (ck *checker) preamble(items []Node) {
	for _, n := range items {
		switch v := n.(type) {
		case *Include:
			ck.preamble(v.Items)
		case *Variable:
			ck.assign(v)
		case *BoolVariable:
			ck.assignBool(v)
		case *Conditional:
			taken := ck.evalCond(v)
			v.Taken = &taken
			if taken {
				ck.preamble(v.Then)
			} else {
				ck.preamble(v.Else)
			}
		}
	}
}

func (ck *checker) assign(v *Variable) {
	if _, isBool := ck.bools[v.Name]; isBool {
		ck.errorf(v.Pos, ErrInvalid, "@{%s} is already a boolean", v.Name)
		return
	}
	old, exists := ck.vars[v.Name]
	switch v.Op {
	case "=":
		if exists {
			ck.errorf(v.Pos, ErrInvalid, "variable @{%s} redefined", v.Name)
			return
		}
		ck.vars[v.Name] = append([]string(nil), v.Values...)
		ck.declared[v.Name] = "="
	case "+=":
		if !exists {
			ck.errorf(v.Pos, ErrUndefinedVariable, "@{%s} += before any assignment", v.Name)
			return
		}
		ck.vars[v.Name] = append(old, v.Values...)
	case "?=":
		if !exists {
			ck.vars[v.Name] = append([]string(nil), v.Values...)
			ck.declared[v.Name] = "?="
		}
	case ":=":
		ck.vars[v.Name] = append([]string(nil), v.Values...)
		ck.declared[v.Name] = ":="
	}
}

func (ck *checker) assignBool(v *BoolVariable) {
	if _, isSet := ck.vars[v.Name]; isSet {
		ck.errorf(v.Pos, ErrInvalid, "$%s is already a set variable", v.Name)
		return
	}
	_, exists := ck.bools[v.Name]
	switch v.Op {
	case "=":
		if exists {
			ck.errorf(v.Pos, ErrInvalid, "boolean $%s redefined", v.Name)
			return
		}
		ck.bools[v.Name] = v.Value
	case "?=":
		if !exists {
			ck.bools[v.Name] = v.Value
		}
	case ":=":
		ck.bools[v.Name] = v.Value
	}
}

// evalCond evaluates a conditional's expression.
func (ck *checker) evalCond(c *Conditional) bool {
	lx := lexer{source: newSource("", []byte(c.Cond))}
	var toks []token
	for {
		t, ok, _ := lx.nextToken(false, false)
		if !ok {
			break
		}
		toks = append(toks, t)
	}
	i := 0
	var expr func() bool
	var operand func() bool
	operand = func() bool {
		if i >= len(toks) {
			return false
		}
		t := toks[i]
		i++
		switch {
		case t.isWord("not"):
			return !operand()
		case t.is("("):
			v := expr()
			if i < len(toks) && toks[i].is(")") {
				i++
			}
			return v
		case t.isWord("defined"):
			if i >= len(toks) {
				return false
			}
			n := toks[i].text
			i++
			if strings.HasPrefix(n, "@") {
				_, ok := ck.vars[strings.TrimSuffix(strings.TrimPrefix(n[1:], "{"), "}")]
				return ok
			}
			name, _, _ := boolRef([]byte(n), 0)
			_, ok := ck.bools[name]
			return ok
		case t.isWord("true"):
			return true
		case t.isWord("false"):
			return false
		case strings.HasPrefix(t.text, "$"):
			name, _, _ := boolRef([]byte(t.text), 0)
			v, ok := ck.bools[name]
			if !ok {
				if _, isSet := ck.vars[name]; isSet {
					ck.errorf(c.Pos, ErrInvalid, "$%s is not a boolean", name)
				} else {
					ck.errorf(c.Pos, ErrUndefinedVariable, "boolean $%s is not defined", name)
				}
			}
			return v
		case strings.HasPrefix(t.text, "@{"):
			lhs := ck.expandVarList(c.Pos, t.text)
			if i < len(toks) {
				op := toks[i].text
				switch op {
				case "in", "==", "!=", ">", ">=", "<", "<=", "=":
					i++
					if op == "=" && i < len(toks) && toks[i].is("=") {
						i++
						op = "=="
					}
					if i >= len(toks) {
						return false
					}
					rhs := ck.expandVarList(c.Pos, toks[i].text)
					i++
					return compareSets(op, lhs, rhs)
				}
			}
			return len(lhs) > 0
		}
		return false
	}
	expr = func() bool {
		v := operand()
		for i < len(toks) && (toks[i].isWord("and") || toks[i].isWord("or")) {
			op := toks[i].text
			i++
			w := operand()
			if op == "and" {
				v = v && w
			} else {
				v = v || w
			}
		}
		return v
	}
	return expr()
}

func compareSets(op string, a, b []string) bool {
	switch op {
	case "in":
		m := set(b...)
		for _, x := range a {
			if !m[x] {
				return false
			}
		}
		return true
	case "==":
		return strings.Join(sortedCopy(a), "\x00") == strings.Join(sortedCopy(b), "\x00")
	case "!=":
		return strings.Join(sortedCopy(a), "\x00") != strings.Join(sortedCopy(b), "\x00")
	}
	if len(a) != 1 || len(b) != 1 {
		return false
	}
	x, err1 := strconv.Atoi(a[0])
	y, err2 := strconv.Atoi(b[0])
	if err1 != nil || err2 != nil {
		return false
	}
	switch op {
	case ">":
		return x > y
	case ">=":
		return x >= y
	case "<":
		return x < y
	case "<=":
		return x <= y
	}
	return false
}

func sortedCopy(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

// expandVarList expands "@{x}" or a literal into its values.
func (ck *checker) expandVarList(p Pos, s string) []string {
	out, _ := ck.expand(p, s, nil, 0)
	return out
}

const (
	maxExpansions      = 4096   // values of one expanded field
	maxTotalExpansions = 200000 // expanded values checked per parse
)

// expand replaces every @{var} in s with each of its values (the
// cartesian product), reporting undefined variables and recursion.
// builtins supplies per-profile variables such as profile_name.
func (ck *checker) expand(p Pos, s string, builtins map[string][]string, depth int) ([]string, bool) {
	i := strings.Index(s, "@{")
	if i < 0 {
		return []string{s}, true
	}
	j := strings.IndexByte(s[i:], '}')
	if j < 0 {
		ck.errorf(p, ErrSyntax, "unterminated variable reference in %q", s)
		return []string{s}, false
	}
	name := s[i+2 : i+j]
	rest := s[i+j+1:]
	var vals []string
	if v, ok := builtins[name]; ok {
		vals = v
	} else if v, ok := ck.vars[name]; ok {
		vals = v
	} else {
		if !validVarName(name) {
			// Not a variable reference (e.g. an abstract socket name
			// "@{a,b}"): literal text.
			tails, ok := ck.expand(p, rest, builtins, depth)
			for k := range tails {
				tails[k] = s[:i+j+1] + tails[k]
			}
			return tails, ok
		}
		if !ck.unresolved {
			ck.errorf(p, ErrUndefinedVariable, "variable @{%s} is used but never declared", name)
		} else if _, std := defaultTunables[name]; !std && len(ck.unknown) < 100 {
			ck.unknown = append(ck.unknown, UnknownVar{Pos: p, Name: name})
		}
		return []string{s}, false
	}
	if len(vals) == 0 {
		ck.errorf(p, ErrInvalid, "variable @{%s} has no value", name)
		return []string{s}, false
	}
	if depth > 16 || ck.expanding[name] {
		ck.errorf(p, ErrInvalid, "variable @{%s} is defined recursively", name)
		return []string{s}, false
	}
	ok := true
	var out []string
	tails, okT := ck.expand(p, rest, builtins, depth)
	ok = ok && okT
	for _, v := range vals {
		ck.expanding[name] = true
		vs, okV := ck.expand(p, v, builtins, depth+1)
		delete(ck.expanding, name)
		ok = ok && okV
		for _, x := range vs {
			for _, t := range tails {
				if len(out) >= maxExpansions {
					return out, ok
				}
				out = append(out, s[:i]+x+t)
			}
		}
	}
	if len(vals) == 0 {
		for _, t := range tails {
			out = append(out, s[:i]+t)
		}
	}
	return out, ok
}

// checkVarDefs reports recursive variable definitions.
func (ck *checker) checkVarDefs(p Pos) {
	names := make([]string, 0, len(ck.vars))
	for n := range ck.vars {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		ck.expand(p, "@{"+n+"}", nil, 0)
	}
}

func (ck *checker) checkSiblings(ps []*Profile) {
	seen := map[string]*Profile{}
	for _, p := range ps {
		key := p.Namespace + "\x00" + p.Name
		if _, dup := seen[key]; dup {
			ck.errorf(p.Pos, ErrInvalid, "profile %q is defined more than once", p.FullName())
			continue
		}
		seen[key] = p
	}
}

// profile checks one profile and its children.
func (ck *checker) profile(p *Profile) {
	ck.checkFlags(p)
	builtins := map[string][]string{"profile_name": {p.Name}}
	if !p.IsHat() && (p.Attachment != "" || strings.HasPrefix(p.Name, "/")) && ck.st.opts.target() >= Target4 {
		att := p.Attachment
		if att == "" {
			att = p.Name
		}
		builtins["attach_path"] = []string{att}
		builtins["exec_path"] = []string{att}
	}
	// Name expansion.
	if strings.Contains(p.Name, "@{") {
		for _, ref := range varRefs(p.Name) {
			if v, ok := ck.vars[ref]; ok && len(v) == 0 {
				ck.errorf(p.Pos, ErrInvalid, "profile name %q uses @{%s}, which has no value", p.Name, ref)
			}
		}
		vals, _ := ck.expand(p.Pos, p.Name, nil, 0)
		for _, v := range vals {
			if v == "" {
				ck.errorf(p.Pos, ErrInvalid, "profile name %q expands to an empty name", p.Name)
				break
			}
			if p.Keyword == "" && !strings.HasPrefix(v, "/") {
				ck.errorf(p.Pos, ErrInvalid, "profile name %q expands to %q: a name without the profile keyword must start with '/'", p.Name, v)
				break
			}
		}
	}
	if p.Keyword == "" && !strings.HasPrefix(p.Name, "/") && !strings.HasPrefix(p.Name, "@{") && p.Namespace == "" {
		ck.errorf(p.Pos, ErrSyntax, "profile name %q without the profile keyword must start with '/'", p.Name)
	}
	if p.Attachment != "" {
		vals, _ := ck.expand(p.Pos, p.Attachment, builtins, 0)
		for _, v := range vals {
			if !strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "*") {
				ck.errorf(p.Pos, ErrInvalid, "attachment %q is not an absolute path", p.Attachment)
				break
			}
		}
	}
	ck.body(p, p.Items, builtins)
	ck.checkSiblings(p.Children())
	ck.checkExecConflicts(p)
	ck.checkChangeProfile(p)
	for _, c := range p.Children() {
		ck.profile(c)
	}
}

func (ck *checker) body(p *Profile, items []Node, builtins map[string][]string) {
	for _, n := range items {
		switch v := n.(type) {
		case *Rule:
			ck.rule(v, builtins)
		case *Block:
			ck.body(p, v.Items, builtins)
		case *Include:
			ck.body(p, v.Items, builtins)
		case *Conditional:
			taken := ck.evalCond(v)
			v.Taken = &taken
			ck.body(p, v.Then, builtins)
			ck.body(p, v.Else, builtins)
		case *Variable:
			ck.errorf(v.Pos, ErrSyntax, "variable @{%s} assigned inside a profile", v.Name)
		case *BoolVariable:
			ck.errorf(v.Pos, ErrSyntax, "boolean $%s assigned inside a profile", v.Name)
		}
	}
}

func (ck *checker) rule(r *Rule, builtins map[string][]string) {
	fields := []string{r.Path, r.Target}
	for _, c := range r.Conds {
		fields = append(fields, c.Values...)
	}
	for _, c := range r.PeerConds {
		fields = append(fields, c.Values...)
	}
	for _, f := range fields {
		if !strings.Contains(f, "@{") {
			continue
		}
		if ck.spent > maxTotalExpansions {
			// Budget spent: only check that the variables exist.
			for _, name := range varRefs(f) {
				_, isVar := ck.vars[name]
				_, isBuiltin := builtins[name]
				if !isVar && !isBuiltin && validVarName(name) && !ck.unresolved {
					ck.errorf(r.Pos, ErrUndefinedVariable, "variable @{%s} is used but never declared", name)
				}
			}
			continue
		}
		vals, ok := ck.expand(r.Pos, f, builtins, 0)
		if !ok {
			continue
		}
		ck.spent += len(vals)
		for _, v := range vals {
			if msg := checkAARE(v); msg != "" {
				ck.errorf(r.Pos, ErrInvalid, "%q expands to %q: %s", f, v, msg)
				break
			}
		}
	}
}

func (ck *checker) checkFlags(p *Profile) {
	mode := ""
	seen := map[string]string{}
	for _, f := range p.Flags {
		name := f.Name
		switch {
		case profileModes[name]:
			if mode != "" && mode != name {
				ck.errorf(f.Pos, ErrInvalid, "conflicting profile modes %s and %s", mode, name)
			}
			mode = name
			if profileFlags4[name] && ck.st.opts.target() < Target4 {
				ck.errorf(f.Pos, ErrVersion, "flag %s needs AppArmor 4", name)
			}
			if f.HasEq {
				ck.errorf(f.Pos, ErrInvalid, "flag %s takes no value", name)
			}
		case name == "kill.signal":
			if ck.st.opts.target() < Target4 {
				ck.errorf(f.Pos, ErrVersion, "flag %s needs AppArmor 4", name)
			}
			if !signalNames[f.Value] && !validRtmin(f.Value) {
				ck.errorf(f.Pos, ErrInvalid, "invalid kill.signal %q", f.Value)
			}
		case name == "error":
			if ck.st.opts.target() < Target4 {
				ck.errorf(f.Pos, ErrVersion, "flag %s needs AppArmor 4", name)
			}
			if !errnoNames[f.Value] {
				ck.errorf(f.Pos, ErrInvalid, "invalid error code %q", f.Value)
			}
		case name == "attach_disconnected.path" || name == "attach_disconnected.ipc":
			if ck.st.opts.target() < Target4 {
				ck.errorf(f.Pos, ErrVersion, "flag %s needs AppArmor 4", name)
			}
			if f.HasEq && !(strings.HasPrefix(f.Value, "/") || strings.HasPrefix(f.Value, "@{")) {
				ck.errorf(f.Pos, ErrInvalid, "%s needs an absolute path", name)
			}
			if name == "attach_disconnected.path" && !f.HasEq {
				ck.errorf(f.Pos, ErrInvalid, "%s needs a value", name)
			}
			if old, ok := seen[name]; ok && old != f.Value {
				ck.errorf(f.Pos, ErrInvalid, "conflicting %s values", name)
			}
		case profileFlags3[name] || profileFlags4[name]:
			if profileFlags4[name] && ck.st.opts.target() < Target4 {
				ck.errorf(f.Pos, ErrVersion, "flag %s needs AppArmor 4", name)
			}
			if f.HasEq {
				ck.errorf(f.Pos, ErrInvalid, "flag %s takes no value", name)
			}
		default:
			ck.errorf(f.Pos, ErrInvalid, "invalid profile flag %q", name)
		}
		seen[name] = f.Value
	}
	for _, pr := range [][2]string{{"mediate_deleted", "delegate_deleted"}, {"attach_disconnected", "no_attach_disconnected"},
		{"attach_disconnected.ipc", "no_attach_disconnected"}, {"attach_disconnected.path", "no_attach_disconnected"},
		{"namespace_relative", "chroot_relative"}, {"chroot_attach", "chroot_no_attach"}} {
		if _, a := seen[pr[0]]; a {
			if _, b := seen[pr[1]]; b {
				ck.errorf(p.Pos, ErrInvalid, "conflicting flags %s and %s", pr[0], pr[1])
			}
		}
	}
	for _, f := range p.Flags {
		if (f.Name == "attach_disconnected.path" || f.Name == "attach_disconnected.ipc") && strings.Contains(f.Value, "@{") {
			vals, _ := ck.expand(f.Pos, f.Value, nil, 0)
			for _, v := range vals {
				if !strings.HasPrefix(v, "/") {
					ck.errorf(f.Pos, ErrInvalid, "%s=%s expands to %q, which is not absolute", f.Name, f.Value, v)
					break
				}
			}
		}
	}
	for _, x := range p.Xattrs {
		if !x.HasEq && x.Name == "" {
			ck.errorf(x.Pos, ErrSyntax, "bad xattr")
		}
	}
}

// varRefs lists the variable names referenced in s.
func varRefs(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "@{")
		if i < 0 {
			return out
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return out
		}
		out = append(out, s[i+2:i+j])
		s = s[i+j+1:]
	}
}

func validRtmin(s string) bool {
	if !strings.HasPrefix(s, "rtmin+") {
		return false
	}
	n, err := strconv.Atoi(s[6:])
	return err == nil && n >= 0 && n <= 32
}

// execRule is an allow rule with an exec transition, expanded.
type execRule struct {
	r    *Rule
	pat  string
	mode string
}

// checkExecConflicts reports different exec transitions for overlapping
// paths: two identical plain paths, or two overlapping globs (a plain path
// beats a glob, so that pair does not conflict).
func (ck *checker) checkExecConflicts(p *Profile) {
	var xs []execRule
	for _, r := range p.Rules() {
		if r.Kind != RuleFile || r.Exec == "" || r.Qual.Deny {
			continue
		}
		mode := effectiveExec(r) + "->" + r.Target
		for _, v := range expandBraces(ck.expandQuiet(r.Path), 64) {
			xs = append(xs, execRule{r: r, pat: v, mode: mode})
		}
		if len(xs) > 2048 {
			return
		}
	}
	for i := 0; i < len(xs); i++ {
		for j := i + 1; j < len(xs); j++ {
			a, b := xs[i], xs[j]
			if a.mode == b.mode {
				continue
			}
			ga, gb := isGlob(a.pat), isGlob(b.pat)
			conflict := false
			switch {
			case !ga && !gb:
				conflict = a.pat == b.pat
			case ga && gb:
				conflict = globsOverlap(a.pat, b.pat)
			}
			if conflict {
				ck.errorf(b.r.Pos, ErrInvalid, "exec modes conflict: %q %s and %q %s", a.r.Path, a.r.Exec, b.r.Path, b.r.Exec)
				return
			}
		}
	}
}

// effectiveExec applies a safe/unsafe prefix to the exec mode: unsafe
// turns off environment scrubbing, safe turns it on.
func effectiveExec(r *Rule) string {
	m := strings.ReplaceAll(r.Exec, "I", "i")
	switch r.ExecSafety {
	case "unsafe":
		return strings.ToLower(m)
	case "safe":
		if len(m) > 1 && m[0] != 'i' {
			return strings.ToUpper(m[:1]) + m[1:]
		}
	}
	return m
}

// checkChangeProfile reports the same change_profile rule given as both
// safe and unsafe.
func (ck *checker) checkChangeProfile(p *Profile) {
	seen := map[string]string{}
	for _, r := range p.Rules() {
		if r.Kind != RuleChangeProfile || r.Path == "" || r.Qual.Deny {
			continue
		}
		k := r.Path + "\x00" + r.Target
		s := r.ExecSafety
		if s == "" {
			s = "safe"
		}
		if old, ok := seen[k]; ok && old != s {
			ck.errorf(r.Pos, ErrInvalid, "change_profile %s -> %s is both safe and unsafe", r.Path, r.Target)
			return
		}
		seen[k] = s
	}
}

// expandQuiet expands variables without reporting anything.
func (ck *checker) expandQuiet(s string) []string {
	if !strings.Contains(s, "@{") {
		return []string{s}
	}
	saved := len(ck.st.errs)
	out, _ := ck.expand(Pos{}, s, nil, 0)
	ck.st.errs = ck.st.errs[:saved]
	return out
}

func isGlob(s string) bool { return strings.ContainsAny(s, "*?[") }

// expandBraces expands {a,b} alternations, up to limit results.
func expandBraces(in []string, limit int) []string {
	var out []string
	var rec func(s string)
	rec = func(s string) {
		if len(out) >= limit {
			return
		}
		start := -1
		depth := 0
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case '{':
				if depth == 0 {
					start = i
				}
				depth++
			case '}':
				depth--
				if depth == 0 && start >= 0 {
					body := s[start+1 : i]
					var parts []string
					d, last := 0, 0
					for k := 0; k < len(body); k++ {
						switch body[k] {
						case '{':
							d++
						case '}':
							d--
						case ',':
							if d == 0 {
								parts = append(parts, body[last:k])
								last = k + 1
							}
						}
					}
					parts = append(parts, body[last:])
					for _, p := range parts {
						rec(s[:start] + p + s[i+1:])
					}
					return
				}
			}
		}
		out = append(out, s)
	}
	for _, s := range in {
		rec(s)
	}
	return out
}

type atom struct {
	kind byte // 'c' char, '?' any but '/', '*' star, '#' double star, '[' class
	ch   byte
	cls  *[256]bool
}

func globAtoms(s string) []atom {
	var out []atom
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			if i+1 < len(s) {
				i++
				out = append(out, atom{kind: 'c', ch: s[i]})
			}
		case '?':
			out = append(out, atom{kind: '?'})
		case '*':
			if i+1 < len(s) && s[i+1] == '*' {
				for i+1 < len(s) && s[i+1] == '*' {
					i++
				}
				out = append(out, atom{kind: '#'})
			} else {
				out = append(out, atom{kind: '*'})
			}
		case '[':
			j := strings.IndexByte(s[i+1:], ']')
			if j < 0 {
				out = append(out, atom{kind: 'c', ch: c})
				continue
			}
			body := s[i+1 : i+1+j]
			var cls [256]bool
			neg := strings.HasPrefix(body, "^")
			if neg {
				body = body[1:]
			}
			for k := 0; k < len(body); k++ {
				if k+2 < len(body) && body[k+1] == '-' {
					for x := int(body[k]); x <= int(body[k+2]); x++ {
						cls[x] = true
					}
					k += 2
					continue
				}
				cls[body[k]] = true
			}
			if neg {
				for x := range cls {
					cls[x] = !cls[x]
				}
				cls['/'] = false
			}
			out = append(out, atom{kind: '[', cls: &cls})
			i += j + 1
		default:
			out = append(out, atom{kind: 'c', ch: c})
		}
	}
	return out
}

// atomHas reports whether atom a matches byte c.
func atomHas(a atom, c byte) bool {
	switch a.kind {
	case 'c':
		return c == a.ch
	case '?', '*':
		return c != '/'
	case '#':
		return true
	default:
		return a.cls[c]
	}
}

func compatible(a, b atom) bool {
	switch {
	case a.kind == 'c':
		return atomHas(b, a.ch)
	case b.kind == 'c':
		return atomHas(a, b.ch)
	case a.kind == '#' || b.kind == '#':
		if a.kind == '[' {
			return anyIn(a.cls, false)
		}
		if b.kind == '[' {
			return anyIn(b.cls, false)
		}
		return true
	case a.kind == '[' && b.kind == '[':
		for c := 1; c < 256; c++ {
			if a.cls[c] && b.cls[c] {
				return true
			}
		}
		return false
	case a.kind == '[':
		return anyIn(a.cls, true)
	case b.kind == '[':
		return anyIn(b.cls, true)
	}
	return true // ?, * against ?, *
}

func anyIn(cls *[256]bool, noSlash bool) bool {
	for c := 1; c < 256; c++ {
		if cls[c] && !(noSlash && c == '/') {
			return true
		}
	}
	return false
}

// literalPrefix returns the part of a glob before its first special
// character.
func literalPrefix(s string) string {
	if i := strings.IndexAny(s, "*?[\\{"); i >= 0 {
		return s[:i]
	}
	return s
}

// globsOverlap reports whether two AARE globs match a common string.
func globsOverlap(x, y string) bool {
	px, py := literalPrefix(x), literalPrefix(y)
	if !strings.HasPrefix(px, py) && !strings.HasPrefix(py, px) {
		return false
	}
	if px == x && py == y {
		return x == y
	}
	return atomsOverlap(globAtoms(x), globAtoms(y))
}

// atomsOverlap reports whether two compiled globs match a common string.
func atomsOverlap(a, b []atom) bool {
	w := len(b) + 1
	seen := make([]bool, (len(a)+1)*w)
	var rec func(i, j int) bool
	rec = func(i, j int) bool {
		k := i*w + j
		if seen[k] {
			return false
		}
		seen[k] = true
		if i == len(a) && j == len(b) {
			return true
		}
		if i < len(a) && (a[i].kind == '*' || a[i].kind == '#') {
			if rec(i+1, j) {
				return true
			}
			if j < len(b) && compatible(a[i], b[j]) && rec(i, j+1) {
				return true
			}
		}
		if j < len(b) && (b[j].kind == '*' || b[j].kind == '#') {
			if rec(i, j+1) {
				return true
			}
			if i < len(a) && compatible(a[i], b[j]) && rec(i+1, j) {
				return true
			}
		}
		if i < len(a) && j < len(b) && a[i].kind != '*' && a[i].kind != '#' && b[j].kind != '*' && b[j].kind != '#' {
			if compatible(a[i], b[j]) && rec(i+1, j+1) {
				return true
			}
		}
		return false
	}
	return rec(0, 0)
}
