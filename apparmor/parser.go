package apparmor

import (
	"fmt"

	"strconv"
	"strings"
)

// Budgets that keep hostile input bounded.
const (
	maxFileSize     = 4 << 20 // bytes per source file
	maxTotalSize    = 64 << 20
	maxDepth        = 256 // nesting of blocks and profiles
	maxIncludeDepth = 32
	maxIncludes     = 4096
	maxErrors       = 200
	maxTokens       = 1 << 16 // tokens per statement
)

// parseState is shared by a file and everything it includes.
type parseState struct {
	opts  *ParseOptions
	errs  ErrorList
	stack []string // include stack for cycle detection
	// scopes hold the files already included in the current scope (the
	// file's preamble, or one profile): apparmor_parser skips a
	// duplicate include there.
	scopes []map[string]bool
	// sawProfile is set once a top-level profile has been parsed.
	sawProfile bool
	nIncludes  int
	total      int
	cache      map[string][]byte
}

func (st *parseState) errorf(p Pos, sentinel error, format string, args ...any) {
	if len(st.errs) >= maxErrors {
		return
	}
	st.errs = append(st.errs, &Error{Pos: p, Msg: fmt.Sprintf(format, args...), Err: sentinel})
}

// parser parses one source file.
type parser struct {
	lx        lexer
	st        *parseState
	depth     int
	inProfile bool
}

func (p *parser) pos(off int) Pos { return p.lx.pos(off) }

func (p *parser) errorf(off int, sentinel error, format string, args ...any) {
	p.st.errorf(p.pos(off), sentinel, format, args...)
}

// parseSource parses data as a sequence of items. inProfile selects the
// body grammar (rules) or the top-level grammar (preamble + profiles).
func (st *parseState) parseSource(name string, data []byte, inProfile bool, parent *Profile, depth int) []Node {
	p := &parser{lx: lexer{source: newSource(name, data)}, st: st, depth: depth, inProfile: inProfile}
	items, closed := p.parseItems(parent)
	if closed {
		p.errorf(p.lx.off, ErrSyntax, "unexpected '}'")
	}
	return items
}

// parseItems parses until '}' (consumed; closed=true) or end of input.
func (p *parser) parseItems(parent *Profile) (items []Node, closed bool) {
	if p.depth > maxDepth {
		p.errorf(p.lx.off, ErrLimit, "nesting deeper than %d levels", maxDepth)
		p.lx.off = len(p.lx.src)
		return nil, false
	}
	for {
		if len(p.st.errs) >= maxErrors {
			p.lx.off = len(p.lx.src)
			return items, false
		}
		p.lx.skipSpace()
		if p.lx.off >= len(p.lx.src) {
			return items, false
		}
		c := p.lx.peekByte()
		if c == '}' {
			p.lx.off++
			return items, true
		}
		if n := p.parseItem(parent, &items); n != nil {
			items = append(items, n)
		}
	}
}

func (p *parser) wordAt(off int) string {
	e := off
	for e < len(p.lx.src) && (isIdentByte(p.lx.src[e]) || p.lx.src[e] == '#') {
		e++
	}
	return string(p.lx.src[off:e])
}

// parseItem parses one statement at p.lx.off and reports preamble items
// that follow a profile (apparmor_parser's grammar puts the preamble
// first).
func (p *parser) parseItem(parent *Profile, items *[]Node) Node {
	n := p.parseItem1(parent, items)
	if p.inProfile || n == nil {
		return n
	}
	switch v := n.(type) {
	case *Profile:
		p.st.sawProfile = true
	case *Variable, *BoolVariable, *Alias, *ABI:
		if p.st.sawProfile {
			p.st.errorf(v.Position(), ErrSyntax, "%s after a profile: the preamble must come first", preambleKind(v))
		}
	}
	return n
}

func preambleKind(n Node) string {
	switch n.(type) {
	case *Variable:
		return "variable assignment"
	case *BoolVariable:
		return "boolean assignment"
	case *Alias:
		return "alias"
	}
	return "abi"
}

func (p *parser) parseItem1(parent *Profile, items *[]Node) Node {
	start := p.lx.off
	src := p.lx.src
	w := p.wordAt(start)
	after := start + len(w)
	sepAfter := after >= len(src) || isSpace(src[after]) || src[after] == '<' || src[after] == '"'
	switch {
	case (w == "#include" || w == "include") && sepAfter:
		return p.parseInclude(parent)
	case w == "abi" && after < len(src) && (isSpace(src[after]) || src[after] == '<' || src[after] == '"'):
		return p.parseABIRaw()
	case w == "if" && after < len(src) && (isSpace(src[after]) || src[after] == '('):
		return p.parseConditional(parent)
	case w == "else" && (after >= len(src) || isSpace(src[after]) || src[after] == '{'):
		p.errorf(start, ErrSyntax, "else without a preceding if")
		p.lx.off = after
		return nil
	case src[start] == '@' && start+1 < len(src) && src[start+1] == '{':
		if n, ok := p.tryVariable(); ok {
			return n
		}
	case src[start] == '@' && start+1 < len(src) && (src[start+1] >= 'a' && src[start+1] <= 'z' || src[start+1] >= 'A' && src[start+1] <= 'Z'):
		if n, ok := p.tryBareVariable(); ok {
			return n
		}
	case src[start] == '$':
		if n, ok := p.tryBool(); ok {
			return n
		}
	}
	toks, term, termOff := p.collect()
	if len(toks) == 0 {
		switch term {
		case ",":
			p.errorf(termOff, ErrSyntax, "empty rule")
		case "{":
			p.errorf(termOff, ErrSyntax, "block without a header")
			var dummy Profile
			p.depth++
			p.parseItems(&dummy)
			p.depth--
		}
		return nil
	}
	switch term {
	case "{":
		return p.parseBlockHeader(toks, parent)
	case ",":
		return p.parseStatement(toks, parent)
	case "}":
		p.errorf(toks[len(toks)-1].off, ErrSyntax, "missing ',' at the end of the rule %q%s", joinToks(toks), braceHint(toks))
		p.parseStatement(toks, parent)
		return nil
	default:
		p.errorf(toks[0].off, ErrSyntax, "unexpected end of input after %q (missing ',' or '{')", joinToks(toks))
		return nil
	}
}

// collect gathers a statement's tokens up to its terminator: "," (at
// parenthesis depth 0, consumed), "{" (block open, consumed), "}" (not
// consumed) or "" (end of input).
func (p *parser) collect() (toks []token, term string, termOff int) {
	depth := 0
	for {
		t, ok, msg := p.lx.nextToken(len(toks) == 0, depth == 0 && len(toks) > 0 && toks[len(toks)-1].is("="))
		if !ok {
			return toks, "", p.lx.off
		}
		if msg != "" {
			p.errorf(t.off, ErrSyntax, "%s", msg)
		}
		if t.kind == tPunct {
			switch t.text {
			case "(":
				depth++
			case ")":
				depth--
			case ",":
				if depth <= 0 {
					return toks, ",", t.off
				}
			case "{":
				return toks, "{", t.off
			case "}":
				return toks, "}", t.off
			}
		}
		if len(toks) >= maxTokens {
			p.errorf(t.off, ErrLimit, "statement longer than %d tokens", maxTokens)
			p.lx.off = len(p.lx.src)
			return nil, "", p.lx.off
		}
		toks = append(toks, t)
	}
}

// braceHint explains a '{' glued to the word before it.
func braceHint(toks []token) string {
	if len(toks) > 0 && strings.HasSuffix(toks[len(toks)-1].text, "{") {
		return " (a '{' that opens a block needs white space before it)"
	}
	return ""
}

func joinToks(toks []token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 && !t.is(",") && !t.is(")") && !t.is("=") && !toks[i-1].is("(") && !toks[i-1].is("=") {
			b.WriteByte(' ')
		}
		if t.quoted {
			b.WriteString(strconv.Quote(t.text))
		} else {
			b.WriteString(t.text)
		}
	}
	return b.String()
}

// --- preamble -----------------------------------------------------------

func (p *parser) restOfLine() (string, int) {
	start := p.lx.off
	for p.lx.off < len(p.lx.src) && p.lx.src[p.lx.off] != '\n' {
		p.lx.off++
	}
	return string(p.lx.src[start:p.lx.off]), start
}

func (p *parser) parseInclude(parent *Profile) Node {
	start := p.lx.off
	inc := &Include{Pos: p.pos(start)}
	if p.lx.src[start] == '#' {
		inc.Hash = true
		p.lx.off += len("#include")
	} else {
		p.lx.off += len("include")
	}
	p.lx.skipBlank()
	if strings.HasPrefix(string(p.lx.src[p.lx.off:min(len(p.lx.src), p.lx.off+2)]), "if") {
		save := p.lx.off
		p.lx.off += 2
		p.lx.skipBlank()
		if strings.HasPrefix(string(p.lx.src[p.lx.off:min(len(p.lx.src), p.lx.off+6)]), "exists") {
			p.lx.off += 6
			inc.IfExists = true
			p.lx.skipBlank()
		} else {
			p.lx.off = save
		}
	}
	switch p.lx.peekByte() {
	case '<':
		e := p.lx.off + 1
		for e < len(p.lx.src) && p.lx.src[e] != '>' && p.lx.src[e] != '\n' {
			e++
		}
		if e >= len(p.lx.src) || p.lx.src[e] != '>' {
			p.errorf(p.lx.off, ErrSyntax, "include: missing '>'")
			p.restOfLine()
			return nil
		}
		inc.Path = string(p.lx.src[p.lx.off+1 : e])
		inc.Magic = true
		if len(inc.Path) >= 2 && inc.Path[0] == '"' && inc.Path[len(inc.Path)-1] == '"' {
			inc.Path = inc.Path[1 : len(inc.Path)-1]
		}
		p.lx.off = e + 1
	case '"':
		s, ok := p.lx.readQuoted()
		if !ok {
			p.errorf(start, ErrSyntax, "include: unterminated quoted path")
		}
		inc.Path = s
	default:
		// An unquoted path: up to white space.
		e := p.lx.off
		for e < len(p.lx.src) && !isSpace(p.lx.src[e]) {
			e++
		}
		inc.Path = string(p.lx.src[p.lx.off:e])
		p.lx.off = e
		if inc.Path == "" {
			p.errorf(start, ErrSyntax, "include: missing path")
			return nil
		}
	}
	if inc.Magic && (strings.TrimSpace(inc.Path) != inc.Path || inc.Path == "") {
		p.errorf(start, ErrSyntax, "include: bad path <%s>", inc.Path)
	}
	p.st.resolveInclude(p, inc, parent)
	return inc
}

// tryVariable parses `@{NAME} op values` when an assignment follows.
func (p *parser) tryVariable() (Node, bool) {
	start := p.lx.off
	src := p.lx.src
	e := start + 2
	for e < len(src) && src[e] != '}' && src[e] != '\n' && !isSpace(src[e]) {
		e++
	}
	if e >= len(src) || src[e] != '}' {
		return nil, false
	}
	name := string(src[start+2 : e])
	o := e + 1
	for o < len(src) && (src[o] == ' ' || src[o] == '\t') {
		o++
	}
	var op string
	switch {
	case o < len(src) && src[o] == '=':
		op = "="
	case o+1 < len(src) && src[o+1] == '=' && (src[o] == '+' || src[o] == '?' || src[o] == ':'):
		op = string(src[o : o+2])
	default:
		return nil, false
	}
	v := &Variable{Pos: p.pos(start), Name: name, Op: op}
	if !validVarName(name) {
		p.errorf(start, ErrSyntax, "invalid variable name @{%s}", name)
	}
	if p.inProfile {
		p.errorf(start, ErrSyntax, "variable @{%s} assigned inside a profile", name)
	}
	if op != "=" && op != "+=" {
		if p.st.opts.target() < Target4 {
			p.errorf(start, ErrVersion, "variable operator %s needs AppArmor 4", op)
		}
	}
	p.lx.off = o + len(op)
	v.Values = p.lineValues(start)
	return v, true
}

// tryBareVariable parses the `@NAME = values` spelling.
func (p *parser) tryBareVariable() (Node, bool) {
	start := p.lx.off
	src := p.lx.src
	e := start + 1
	for e < len(src) && (isIdentByte(src[e]) && src[e] != '.') {
		e++
	}
	name := string(src[start+1 : e])
	o := e
	for o < len(src) && (src[o] == ' ' || src[o] == '\t') {
		o++
	}
	if o >= len(src) || src[o] != '=' {
		return nil, false
	}
	v := &Variable{Pos: p.pos(start), Name: name, Op: "="}
	if p.inProfile {
		p.errorf(start, ErrSyntax, "variable @%s assigned inside a profile", name)
	}
	p.lx.off = o + 1
	v.Values = p.lineValues(start)
	return v, true
}

// lineValues reads white-space separated values to the end of the line;
// a backslash before the newline continues the list.
func (p *parser) lineValues(stmt int) []string {
	var vals []string
	src := p.lx.src
	for {
		p.lx.skipBlank()
		if p.lx.off+1 < len(src) && src[p.lx.off] == '\\' && (src[p.lx.off+1] == '\n' || src[p.lx.off+1] == '\r') {
			p.lx.off += 2
			continue
		}
		if p.lx.off >= len(src) || src[p.lx.off] == '\n' {
			break
		}
		if src[p.lx.off] == '#' {
			p.restOfLine()
			break
		}
		ws := p.lx.off
		var b strings.Builder
		depth := 0
		quoted := false
		for p.lx.off < len(src) && !isSpace(src[p.lx.off]) {
			c := src[p.lx.off]
			switch c {
			case '"':
				s, ok := p.lx.readQuoted()
				if !ok {
					p.errorf(ws, ErrSyntax, "unterminated quoted string in variable value")
					p.restOfLine()
					return vals
				}
				b.WriteString(s)
				quoted = true
				continue
			case '{':
				depth++
			case '}':
				depth--
			case '!':
				p.errorf(p.lx.off, ErrSyntax, "unexpected %q in variable value", string(c))
			}
			b.WriteByte(c)
			p.lx.off++
		}
		val := b.String()
		if !quoted && (strings.HasSuffix(val, ",") && depth == 0 || val == ",") {
			p.errorf(ws, ErrSyntax, "variable value %q ends with a comma", val)
		}
		vals = append(vals, val)
	}
	return vals
}

func validVarName(name string) bool {
	if name == "" {
		return false
	}
	c := name[0]
	if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		return false
	}
	for i := 1; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// tryBool parses `$NAME = true|false` or `${NAME} = …`.
func (p *parser) tryBool() (Node, bool) {
	start := p.lx.off
	src := p.lx.src
	name, e, ok := boolRef(src, start)
	if !ok {
		return nil, false
	}
	o := e
	for o < len(src) && (src[o] == ' ' || src[o] == '\t') {
		o++
	}
	var op string
	switch {
	case o < len(src) && src[o] == '=':
		op = "="
	case o+1 < len(src) && src[o+1] == '=' && (src[o] == '?' || src[o] == ':' || src[o] == '+'):
		op = string(src[o : o+2])
	default:
		return nil, false
	}
	b := &BoolVariable{Pos: p.pos(start), Name: name, Op: op}
	if p.inProfile {
		p.errorf(start, ErrSyntax, "boolean $%s assigned inside a profile", name)
	}
	if op == "+=" {
		p.errorf(start, ErrSyntax, "boolean $%s cannot be appended to", name)
	}
	if (op == "?=" || op == ":=") && p.st.opts.target() < Target4 {
		p.errorf(start, ErrVersion, "boolean operator %s needs AppArmor 4", op)
	}
	p.lx.off = o + len(op)
	vals := p.lineValues(start)
	switch {
	case len(vals) == 1 && strings.EqualFold(vals[0], "true"):
		b.Value = true
	case len(vals) == 1 && strings.EqualFold(vals[0], "false"):
	default:
		p.errorf(start, ErrSyntax, "boolean $%s must be true or false, not %q", name, strings.Join(vals, " "))
	}
	return b, true
}

// boolRef reads `$NAME` or `${NAME}` at off.
func boolRef(src []byte, off int) (name string, end int, ok bool) {
	if off >= len(src) || src[off] != '$' {
		return "", off, false
	}
	if off+1 < len(src) && src[off+1] == '{' {
		e := off + 2
		for e < len(src) && src[e] != '}' && !isSpace(src[e]) {
			e++
		}
		if e >= len(src) || src[e] != '}' {
			return "", off, false
		}
		name = string(src[off+2 : e])
		return name, e + 1, validVarName(name)
	}
	e := off + 1
	for e < len(src) && (isIdentByte(src[e]) && src[e] != '.') {
		e++
	}
	name = string(src[off+1 : e])
	return name, e, validVarName(name)
}

// parseConditional parses `if COND { … } [else …]`.
func (p *parser) parseConditional(parent *Profile) Node {
	start := p.lx.off
	p.lx.off += 2
	toks, term, termOff := p.collect()
	c := &Conditional{Pos: p.pos(start), Cond: joinToks(toks)}
	if p.st.opts.target() < Target4 && condNeeds4(toks) {
		p.errorf(start, ErrVersion, "condition %q needs AppArmor 4", c.Cond)
	}
	if term != "{" {
		// The statement ended at ',', '}' or the end of input: resume
		// there.
		p.errorf(termOff, ErrSyntax, "if: expected '{' after the condition %q", c.Cond)
		return nil
	}
	if len(toks) == 0 {
		p.errorf(start, ErrSyntax, "if: missing condition")
	}
	p.checkCondSyntax(toks)
	p.depth++
	then, closed := p.parseItems(parent)
	p.depth--
	c.Then = then
	if !closed {
		p.errorf(start, ErrSyntax, "if: missing '}'")
		return c
	}
	// else?
	save := p.lx.off
	p.lx.skipSpace()
	if w := p.wordAt(p.lx.off); w == "else" {
		p.lx.off += 4
		p.lx.skipSpace()
		if p.wordAt(p.lx.off) == "if" {
			if n := p.parseConditional(parent); n != nil {
				c.Else = []Node{n}
			}
			return c
		}
		if p.lx.peekByte() != '{' {
			p.errorf(p.lx.off, ErrSyntax, "else: expected '{' or 'if'")
			return c
		}
		p.lx.off++
		p.depth++
		els, closed := p.parseItems(parent)
		p.depth--
		c.Else = els
		if !closed {
			p.errorf(start, ErrSyntax, "else: missing '}'")
		}
		return c
	}
	p.lx.off = save
	return c
}

func condNeeds4(toks []token) bool {
	for _, t := range toks {
		if t.kind == tWord && !t.quoted {
			switch t.text {
			case "and", "or", "in", ">", ">=", "<", "==", "!=", "true", "false":
				return true
			}
		}
		if t.is("(") || t.is("<=") || t.is("=") {
			return true
		}
	}
	return false
}

// checkCondSyntax validates a condition: operands are $bool, ${bool},
// @{set}, literals, with not/and/or/defined and comparison operators.
func (p *parser) checkCondSyntax(toks []token) {
	i := 0
	var expr func() bool
	var operand func() bool
	operand = func() bool {
		if i >= len(toks) {
			return false
		}
		t := toks[i]
		switch {
		case t.isWord("not"):
			i++
			return operand()
		case t.is("("):
			i++
			if !expr() || i >= len(toks) || !toks[i].is(")") {
				return false
			}
			i++
			return true
		case t.isWord("defined"):
			i++
			if i >= len(toks) || !(strings.HasPrefix(toks[i].text, "$") || strings.HasPrefix(toks[i].text, "@")) {
				return false
			}
			i++
			return true
		case t.isWord("true") || t.isWord("false"):
			i++
			return true
		case t.kind == tWord && strings.HasPrefix(t.text, "$"):
			if _, e, ok := boolRef([]byte(t.text), 0); !ok || e != len(t.text) {
				return false
			}
			i++
			return true
		case t.kind == tWord && strings.HasPrefix(t.text, "@{"):
			i++
			// comparison
			if i < len(toks) && (toks[i].isWord("in") || toks[i].is("<=") || toks[i].is("=") || toks[i].isWord("==") || toks[i].isWord("!=") || toks[i].isWord(">") || toks[i].isWord(">=") || toks[i].isWord("<")) {
				if toks[i].is("=") && i+1 < len(toks) && toks[i+1].is("=") {
					i++
				}
				i++
				if i >= len(toks) || toks[i].kind != tWord {
					return false
				}
				i++
			}
			return true
		case t.kind == tWord && !t.quoted && isNumberish(t.text):
			i++
			if i < len(toks) && (toks[i].isWord("==") || toks[i].isWord("!=") || toks[i].isWord(">") || toks[i].isWord(">=") || toks[i].isWord("<") || toks[i].is("<=") || toks[i].isWord("in")) {
				i++
				if i >= len(toks) {
					return false
				}
				i++
			}
			return true
		}
		return false
	}
	expr = func() bool {
		if !operand() {
			return false
		}
		for i < len(toks) && (toks[i].isWord("and") || toks[i].isWord("or")) {
			i++
			if !operand() {
				return false
			}
		}
		return true
	}
	if !expr() || i != len(toks) {
		off := 0
		if len(toks) > 0 {
			off = toks[min(i, len(toks)-1)].off
		}
		p.errorf(off, ErrSyntax, "bad condition %q", joinToks(toks))
	}
}

func isNumberish(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// --- blocks and profiles --------------------------------------------------

func (p *parser) parseQualifiers(toks []token) (Qualifiers, int, bool) {
	var q Qualifiers
	i := 0
	ok := true
	if i+2 < len(toks) && toks[i].isWord("priority") && toks[i+1].is("=") {
		n, err := strconv.Atoi(toks[i+2].text)
		if err != nil {
			p.errorf(toks[i+2].off, ErrSyntax, "priority: %q is not an integer", toks[i+2].text)
			ok = false
		} else {
			if n < -1000 || n > 1000 {
				p.errorf(toks[i+2].off, ErrInvalid, "priority %d out of range (-1000..1000)", n)
				ok = false
			}
			q.Priority = &n
		}
		if p.st.opts.target() < Target4 {
			p.errorf(toks[i].off, ErrVersion, "priority= needs AppArmor 4")
		}
		i += 3
	}
	if i < len(toks) && toks[i].isWord("audit") {
		q.Audit = true
		i++
	}
	if i < len(toks) && (toks[i].isWord("allow") || toks[i].isWord("deny")) {
		q.Allow = toks[i].text == "allow"
		q.Deny = !q.Allow
		i++
	}
	if i < len(toks) && (toks[i].isWord("owner") || toks[i].isWord("other")) {
		q.Owner = toks[i].text == "owner"
		q.Other = !q.Owner
		i++
	}
	return q, i, ok
}

func (p *parser) parseBlockHeader(toks []token, parent *Profile) Node {
	start := toks[0].off
	q, i, _ := p.parseQualifiers(toks)
	if i == len(toks) {
		// Qualifier block.
		b := &Block{Pos: p.pos(start), Qual: q}
		if !p.inProfile || parent == nil {
			p.errorf(start, ErrSyntax, "qualifier block outside a profile")
		}
		if q.Deny {
			p.errorf(start, ErrSyntax, "deny prefix not allowed on a block")
		}
		p.depth++
		items, closed := p.parseItems(parent)
		p.depth--
		b.Items = items
		if !closed {
			p.errorf(start, ErrSyntax, "missing '}' for the block opened here")
		}
		return b
	}
	if i > 0 {
		p.errorf(start, ErrSyntax, "qualifiers %q cannot prefix a profile", joinToks(toks[:i]))
	}
	return p.parseProfile(toks[i:], parent)
}

func (p *parser) parseProfile(toks []token, parent *Profile) Node {
	start := toks[0].off
	prof := &Profile{Pos: p.pos(start), Parent: parent}
	i := 0
	t := toks[0]
	switch {
	case t.isWord("profile"):
		prof.Keyword = "profile"
		i = 1
		if i >= len(toks) || toks[i].kind != tWord {
			p.errorf(start, ErrSyntax, "profile: missing name")
			return p.skipBody(prof)
		}
		prof.Name = toks[i].text
		i++
	case t.isWord("hat"):
		prof.Keyword = "hat"
		i = 1
		if i >= len(toks) || toks[i].kind != tWord {
			p.errorf(start, ErrSyntax, "hat: missing name")
			return p.skipBody(prof)
		}
		prof.Name = toks[i].text
		i++
	case t.kind == tWord && !t.quoted && strings.HasPrefix(t.text, "^"):
		prof.Keyword = "^"
		prof.Name = t.text[1:]
		if prof.Name == "" {
			p.errorf(start, ErrSyntax, "hat: missing name after '^'")
		}
		i = 1
	case t.kind == tWord && !t.quoted && (strings.HasPrefix(t.text, "/") || strings.HasPrefix(t.text, "@{") || strings.HasPrefix(t.text, ":")):
		prof.Name = t.text
		i = 1
		if strings.Contains(t.text, "!") || strings.Contains(strings.ReplaceAll(t.text, "[^", ""), "^") {
			p.errorf(start, ErrSyntax, "bad profile name %q", t.text)
		}
	case t.kind == tWord && t.quoted && (strings.HasPrefix(t.text, "/") || strings.HasPrefix(t.text, "@{") || strings.HasPrefix(t.text, ":")):
		prof.Name = t.text
		i = 1
	default:
		p.errorf(start, ErrSyntax, "unexpected %q: a profile needs the profile keyword or a name starting with '/'", joinToks(toks))
		return p.skipBody(prof)
	}
	// A hat at the top level is accepted by apparmor_parser (it loads as
	// a profile of that name).
	if parent != nil && prof.Keyword == "" {
		// A bare path inside a profile followed by '{' is a child profile
		// only with the profile keyword.
		p.errorf(start, ErrSyntax, "child profile %q needs the profile keyword", prof.Name)
	}
	// Namespace ":ns:name" or ":ns://name".
	if strings.HasPrefix(prof.Name, ":") && prof.Keyword != "^" && prof.Keyword != "hat" {
		rest := prof.Name[1:]
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			p.errorf(start, ErrSyntax, "namespace %q needs a terminating ':'", prof.Name)
		} else {
			prof.Namespace = rest[:j]
			prof.Name = strings.TrimPrefix(rest[j+1:], "//")
			if prof.Namespace == "" {
				p.errorf(start, ErrSyntax, "empty namespace in %q", t.text)
			}
			if prof.Name == "" {
				p.errorf(start, ErrSyntax, "namespace %q without a profile name", prof.Namespace)
			}
		}
	}
	if prof.Name == "" && prof.Keyword != "^" {
		p.errorf(start, ErrSyntax, "empty profile name")
	}
	// Attachment.
	if i < len(toks) && toks[i].kind == tWord && !toks[i].isWord("flags") && !toks[i].isWord("xattrs") && !toks[i].isWord("+") && !(i+1 < len(toks) && toks[i+1].is("=")) {
		prof.Attachment = toks[i].text
		if prof.IsHat() {
			p.errorf(toks[i].off, ErrSyntax, "hats cannot have an attachment")
		}
		i++
	}
	sawFlags := false
	for i < len(toks) {
		t := toks[i]
		key := ""
		if t.isWord("+") && i+1 < len(toks) && toks[i+1].isWord("identities") {
			key = "identities"
			i += 2
			if i < len(toks) && toks[i].is("=") {
				i++
			}
		} else if t.isWord("flags") || t.isWord("xattrs") {
			key = t.text
			i++
			if i < len(toks) && toks[i].is("=") {
				i++
			} else {
				p.errorf(t.off, ErrSyntax, "%s: expected '='", key)
				break
			}
		} else if t.is("(") {
			key = "flags"
		} else {
			p.errorf(t.off, ErrSyntax, "unexpected %q in profile header", t.text)
			break
		}
		if i >= len(toks) || !toks[i].is("(") {
			p.errorf(t.off, ErrSyntax, "%s: expected '('", key)
			break
		}
		j := i + 1
		var list []token
		for j < len(toks) && !toks[j].is(")") {
			list = append(list, toks[j])
			j++
		}
		if j >= len(toks) {
			p.errorf(t.off, ErrSyntax, "%s: missing ')'", key)
			break
		}
		i = j + 1
		if len(list) == 0 {
			p.errorf(t.off, ErrSyntax, "%s: empty list", key)
		}
		if key == "identities" {
			if p.st.opts.target() < Target4 {
				p.errorf(t.off, ErrVersion, "identities need AppArmor 4")
			}
			for _, it := range list {
				if it.is(",") {
					continue
				}
				if it.kind != tWord || strings.Contains(it.text, "\\") || it.text == "" || strings.ContainsAny(it.text, " \t") && !strings.HasPrefix(it.text, "/") {
					p.errorf(it.off, ErrSyntax, "invalid identity %q", it.text)
				}
				prof.Identities = append(prof.Identities, it.text)
			}
			continue
		}
		fl := p.parseFlagList(list, key)
		if key == "flags" {
			if sawFlags {
				p.errorf(t.off, ErrSyntax, "flags given twice")
			}
			sawFlags = true
			prof.Flags = append(prof.Flags, fl...)
		} else {
			if sawFlags {
				p.errorf(t.off, ErrSyntax, "xattrs must come before flags")
			}
			if prof.IsHat() {
				p.errorf(t.off, ErrSyntax, "hats cannot have xattrs")
			}
			prof.Xattrs = append(prof.Xattrs, fl...)
		}
	}
	p.depth++
	save := p.inProfile
	p.inProfile = true
	p.st.scopes = append(p.st.scopes, map[string]bool{})
	items, closed := p.parseItems(prof)
	p.st.scopes = p.st.scopes[:len(p.st.scopes)-1]
	p.inProfile = save
	p.depth--
	prof.Items = items
	prof.End = p.pos(p.lx.off)
	if !closed {
		p.errorf(start, ErrSyntax, "profile %q: missing '}'", prof.Name)
	}
	return prof
}

func (p *parser) skipBody(prof *Profile) Node {
	p.depth++
	save := p.inProfile
	p.inProfile = true
	p.parseItems(prof)
	p.inProfile = save
	p.depth--
	return nil
}

func (p *parser) parseFlagList(list []token, key string) []Flag {
	var out []Flag
	for k := 0; k < len(list); k++ {
		t := list[k]
		if t.is(",") {
			if k == 0 || k == len(list)-1 || list[k-1].is(",") {
				p.errorf(t.off, ErrSyntax, "%s: empty entry", key)
			}
			continue
		}
		if t.kind != tWord {
			p.errorf(t.off, ErrSyntax, "%s: unexpected %q", key, t.text)
			continue
		}
		f := Flag{Pos: p.pos(t.off), Name: t.text}
		if k+1 < len(list) && list[k+1].is("=") {
			f.HasEq = true
			k++
			if k+1 < len(list) && list[k+1].kind == tWord {
				f.Value = list[k+1].text
				k++
			}
		}
		out = append(out, f)
	}
	return out
}

// --- rules ---------------------------------------------------------------

// parseStatement handles a comma-terminated statement: abi, alias or a rule.
func (p *parser) parseStatement(toks []token, parent *Profile) Node {
	start := toks[0].off
	switch {
	case toks[0].isWord("abi"):
		return p.parseABI(toks)
	case toks[0].isWord("alias"):
		a := &Alias{Pos: p.pos(start)}
		if len(toks) != 4 || !toks[2].is("->") || toks[1].kind != tWord || toks[3].kind != tWord {
			p.errorf(start, ErrSyntax, "alias: expected 'alias /from -> /to,'")
			return nil
		}
		a.From, a.To = toks[1].text, toks[3].text
		if !strings.HasPrefix(a.From, "/") || !strings.HasPrefix(a.To, "/") {
			p.errorf(start, ErrInvalid, "alias: both paths must be absolute")
		}
		if p.inProfile {
			p.errorf(start, ErrSyntax, "alias inside a profile")
		}
		return a
	}
	if !p.inProfile || parent == nil {
		p.errorf(start, ErrSyntax, "rule %q outside a profile%s", joinToks(toks), braceHint(toks))
		return nil
	}
	r := p.parseRule(toks)
	if r == nil {
		return nil
	}
	return r
}

// parseABIRaw parses `abi <path>,` or `abi "path",` from the source text.
func (p *parser) parseABIRaw() Node {
	start := p.lx.off
	a := &ABI{Pos: p.pos(start)}
	p.lx.off += 3
	p.lx.skipSpace()
	src := p.lx.src
	switch p.lx.peekByte() {
	case '<':
		e := p.lx.off + 1
		for e < len(src) && src[e] != '>' && src[e] != '\n' && src[e] != ',' {
			e++
		}
		if e >= len(src) || src[e] != '>' {
			p.errorf(p.lx.off, ErrSyntax, "abi: missing '>'")
			p.restOfLine()
			return nil
		}
		a.Path = strings.TrimSpace(string(src[p.lx.off+1 : e]))
		a.Magic = true
		if len(a.Path) >= 2 && a.Path[0] == '"' && a.Path[len(a.Path)-1] == '"' {
			a.Path = a.Path[1 : len(a.Path)-1]
		}
		p.lx.off = e + 1
	case '"':
		s, ok := p.lx.readQuoted()
		if !ok {
			p.errorf(start, ErrSyntax, "abi: unterminated quoted path")
			return nil
		}
		a.Path = s
	default:
		e := p.lx.off
		for e < len(src) && !isSpace(src[e]) && src[e] != ',' {
			e++
		}
		a.Path = string(src[p.lx.off:e])
		p.lx.off = e
		if a.Path == "" {
			p.errorf(p.lx.off, ErrSyntax, "abi: expected <path> or \"path\"")
			p.restOfLine()
			return nil
		}
	}
	if a.Magic && (a.Path == "kernel" || a.Path == "default") && p.st.opts.target() < Target4 {
		p.errorf(start, ErrVersion, "abi <%s> needs AppArmor 4", a.Path)
	}
	if a.Path == "" || strings.ContainsAny(a.Path, "\"\n") {
		p.errorf(start, ErrSyntax, "abi: bad path %q", a.Path)
	}
	p.lx.skipSpace()
	if p.lx.peekByte() != ',' {
		p.errorf(p.lx.off, ErrSyntax, "abi: missing ','")
		return a
	}
	p.lx.off++
	p.st.resolveABI(p, a)
	return a
}

func (p *parser) parseABI(toks []token) Node {
	start := toks[0].off
	a := &ABI{Pos: p.pos(start)}
	if p.inProfile {
		p.errorf(start, ErrSyntax, "abi inside a profile")
	}
	// Re-read the raw text between the keyword and the comma.
	if len(toks) < 2 {
		p.errorf(start, ErrSyntax, "abi: missing path")
		return nil
	}
	t := toks[1]
	switch {
	case t.quoted && len(toks) == 2:
		a.Path = t.text
		if !strings.HasPrefix(a.Path, "/") {
			p.errorf(t.off, ErrInvalid, "abi: quoted path %q must be absolute", a.Path)
		}
	case !t.quoted && strings.HasPrefix(t.text, "<") && strings.HasSuffix(t.text, ">") && len(toks) == 2:
		a.Path = t.text[1 : len(t.text)-1]
		a.Magic = true
		if a.Path == "" || strings.ContainsAny(a.Path, "\" ") {
			p.errorf(t.off, ErrSyntax, "abi: bad path %s", t.text)
		}
	default:
		p.errorf(t.off, ErrSyntax, "abi: expected <path> or \"path\", got %q", joinToks(toks[1:]))
		return nil
	}
	p.st.resolveABI(p, a)
	return a
}

// resolveABI checks that the abi file exists when a file system is given.
func (st *parseState) resolveABI(p *parser, a *ABI) {
	if st.opts.FS == nil || st.opts.SkipABICheck {
		return
	}
	if a.Magic && (a.Path == "kernel" || a.Path == "default") {
		return
	}
	if _, ok := st.lookup(a.Path, a.Magic); !ok {
		p.errorf(a.Pos.Offset, ErrInclude, "abi file %q not found", a.Path)
	}
}
