package apparmor

import (
	"sort"
	"strings"
)

// source is one file's bytes with a line table for positions.
type source struct {
	name  string
	src   []byte
	lines []int // offsets of line starts
}

func newSource(name string, data []byte) *source {
	s := &source{name: name, src: data, lines: []int{0}}
	for i, c := range data {
		if c == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	return s
}

func (s *source) pos(off int) Pos {
	if off > len(s.src) {
		off = len(s.src)
	}
	i := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return Pos{File: s.name, Offset: off, Line: i + 1, Column: off - s.lines[i] + 1}
}

type tokKind int

const (
	tWord tokKind = iota
	tPunct
)

type token struct {
	kind   tokKind
	text   string
	off    int
	quoted bool
}

func (t token) is(p string) bool     { return t.kind == tPunct && t.text == p }
func (t token) isWord(w string) bool { return t.kind == tWord && !t.quoted && t.text == w }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isIdentByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.'
}

func identLike(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdentByte(s[i]) {
			return false
		}
	}
	return true
}

// lexer scans one source.
type lexer struct {
	*source
	off int
}

// hashInclude reports whether a '#' at off starts an #include directive.
func (l *lexer) hashInclude(off int) bool {
	rest := l.src[off:]
	if !strings.HasPrefix(string(rest[:min(len(rest), 8)]), "#include") {
		return false
	}
	if len(rest) == 8 {
		return true
	}
	c := rest[8]
	return isSpace(c) || c == '<' || c == '"'
}

// skipSpace skips whitespace and comments (not #include).
func (l *lexer) skipSpace() {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case isSpace(c):
			l.off++
		case c == '#' && !l.hashInclude(l.off):
			for l.off < len(l.src) && l.src[l.off] != '\n' {
				l.off++
			}
		default:
			return
		}
	}
}

// skipBlank skips spaces and tabs but not newlines.
func (l *lexer) skipBlank() {
	for l.off < len(l.src) && (l.src[l.off] == ' ' || l.src[l.off] == '\t' || l.src[l.off] == '\r') {
		l.off++
	}
}

func (l *lexer) peekByte() byte {
	if l.off < len(l.src) {
		return l.src[l.off]
	}
	return 0
}

// readQuoted reads a "…" string starting at l.off (which is '"'); it
// returns the unescaped content and false when unterminated.
func (l *lexer) readQuoted() (string, bool) {
	var b strings.Builder
	l.off++
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == '"':
			l.off++
			return b.String(), true
		case c == '\\' && l.off+1 < len(l.src):
			n := l.src[l.off+1]
			switch n {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case '"', '\\':
				b.WriteByte(n)
			default:
				b.WriteByte('\\')
				b.WriteByte(n)
			}
			l.off += 2
		case c == '\n':
			return b.String(), false
		default:
			b.WriteByte(c)
			l.off++
		}
	}
	return b.String(), false
}

// blockOpen reports whether a '{' at off opens a block rather than an
// AARE alternation.
func (l *lexer) blockOpen(off int) bool {
	if off > 0 {
		p := l.src[off-1]
		if !isSpace(p) && p != ')' {
			return false
		}
	}
	if off+1 >= len(l.src) {
		return true
	}
	n := l.src[off+1]
	return isSpace(n) || n == '}' || n == '#'
}

// nextToken scans one token of a statement. parenDepth lets the caller
// decide whether ',' terminates. ok is false at end of input.
func (l *lexer) nextToken(stmtStart, value bool) (token, bool, string) {
	l.skipSpace()
	if l.off >= len(l.src) {
		return token{}, false, ""
	}
	start := l.off
	c := l.src[l.off]
	switch c {
	case '(', ')', ',', '=':
		l.off++
		return token{kind: tPunct, text: string(c), off: start}, true, ""
	case '}':
		return token{kind: tPunct, text: "}", off: start}, true, ""
	case '{':
		if !stmtStart && l.blockOpen(start) {
			l.off++
			return token{kind: tPunct, text: "{", off: start}, true, ""
		}
	case '-':
		if l.off+1 < len(l.src) && l.src[l.off+1] == '>' {
			l.off += 2
			return token{kind: tPunct, text: "->", off: start}, true, ""
		}
	case '<':
		if l.off+1 < len(l.src) && l.src[l.off+1] == '=' {
			l.off += 2
			return token{kind: tPunct, text: "<=", off: start}, true, ""
		}
	case '+':
		if l.off+1 < len(l.src) && l.src[l.off+1] == '=' {
			l.off += 2
			return token{kind: tPunct, text: "+=", off: start}, true, ""
		}
	}
	var b strings.Builder
	depth := 0
	quotedOnly := true
	var errMsg string
	for l.off < len(l.src) {
		c := l.src[l.off]
		if c == '"' {
			s, ok := l.readQuoted()
			if !ok {
				errMsg = "unterminated quoted string"
			}
			b.WriteString(s)
			continue
		}
		if isSpace(c) || c == '(' || c == ')' {
			break
		}
		if c == ',' && depth <= 0 {
			// After `key=` an unparenthesised list may continue with
			// ",next" (mount's fstype=ext3,ext4).
			pathWord := l.src[start] == '/' || l.src[start] == '@'
			if !(value || pathWord) || l.off+1 >= len(l.src) || isSpace(l.src[l.off+1]) || l.src[l.off+1] == ',' || l.src[l.off+1] == '}' {
				break
			}
		}
		if c == '}' && depth <= 0 && !(l.src[start] == '/' || l.src[start] == '@') {
			break
		}
		if c == '=' && depth == 0 && identLike(b.String()) {
			break
		}
		quotedOnly = false
		if c == '{' {
			depth++
		} else if c == '}' {
			depth--
		}
		if c == '\\' && l.off+1 < len(l.src) {
			b.WriteByte(c)
			b.WriteByte(l.src[l.off+1])
			l.off += 2
			continue
		}
		b.WriteByte(c)
		l.off++
	}
	if l.off == start {
		// A lone character that cannot start a word: consume it.
		l.off++
		return token{kind: tWord, text: string(c), off: start}, true, ""
	}
	return token{kind: tWord, text: b.String(), off: start, quoted: quotedOnly && l.src[start] == '"'}, true, errMsg
}
