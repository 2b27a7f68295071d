package dockerfile

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxExpansion bounds the output of Expand and its nesting depth, so that
// hostile ${A:-${A:-...}} chains or huge values cannot blow up.
const (
	maxExpansion = 64 << 10
	maxDepth     = 32
	maxSteps     = 1000 // variable substitutions per Expand call
)

// Expand performs the shell-style variable substitution BuildKit applies
// to FROM and other instructions: $VAR, ${VAR}, ${VAR:-word}, ${VAR-word},
// ${VAR:+word}, ${VAR+word}, ${VAR:?msg}, ${VAR?msg}, the pattern
// removals ${VAR#p}, ${VAR##p}, ${VAR%p}, ${VAR%%p} and the replacements
// ${VAR/p/r}, ${VAR//p/r}, with BuildKit's reading of names ($1, $@) and
// patterns. Single quotes are literal; quotes are removed. It returns the
// result and the names used without a value (their expansion is empty).
// The differential fuzzer in the conformance module holds it to BuildKit's
// shell lexer wherever that lexer accepts the input; where BuildKit
// reports a bad substitution, Expand still returns a best-effort string.
func Expand(s string, vars map[string]string, esc byte) (string, []string) {
	e := expander{vars: vars, esc: esc}
	out := e.word(s, 0)
	return out, e.unresolved
}

type expander struct {
	vars       map[string]string
	esc        byte
	unresolved []string
	steps      int
}

func (e *expander) lookup(name string) (string, bool) {
	v, ok := e.vars[name]
	if !ok && name != "" {
		for _, u := range e.unresolved {
			if u == name {
				return "", false
			}
		}
		e.unresolved = append(e.unresolved, name)
	}
	return v, ok
}

func (e *expander) word(s string, depth int) string { return e.wordRaw(s, depth, false) }

// wordRaw expands s; with rawEsc the escape character and the character it
// protects are both kept (BuildKit keeps them in patterns so that "\*" stays
// a literal star).
func (e *expander) wordRaw(s string, depth int, rawEsc bool) string {
	if depth > maxDepth {
		return ""
	}
	var b strings.Builder
	var quote byte
	for i := 0; i < len(s) && b.Len() < maxExpansion; i++ {
		c := s[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			} else {
				b.WriteByte(c)
			}
		case c == e.esc:
			// A trailing escape character is dropped, as BuildKit does.
			if i+1 < len(s) {
				i++
				if rawEsc {
					b.WriteByte(c)
				}
				b.WriteByte(s[i])
			}
		case c == '"':
			if quote == '"' {
				quote = 0
			} else {
				quote = '"'
			}
		case c == '\'' && quote == 0:
			quote = '\''
		case c == '$' && i+1 < len(s):
			e.steps++
			if e.steps > maxSteps {
				return b.String()
			}
			n, val := e.variable(s[i+1:], depth)
			if n == 0 {
				b.WriteByte(c)
				continue
			}
			b.WriteString(val)
			i += n
		default:
			b.WriteByte(c)
		}
	}
	out := b.String()
	if len(out) > maxExpansion {
		out = out[:maxExpansion]
	}
	return out
}

// variable expands the variable at the start of s (just after '$') and
// returns the number of bytes consumed.
func (e *expander) variable(s string, depth int) (int, string) {
	if s[0] != '{' {
		n := scanName(s)
		if n == 0 {
			return 0, ""
		}
		v, _ := e.lookup(s[:n])
		return n, v
	}
	// ${...}: find the closing brace like BuildKit's lexer: nested ${...}
	// and quoted text are skipped, a plain "{" does not nest.
	end := closeBrace(s, e.esc, 0)
	if end < 0 {
		return 0, ""
	}
	body := s[1:end]
	n := scanName(body)
	name, op := body[:n], body[n:]
	val, set := e.vars[name]
	word := func(w string) string { return e.word(w, depth+1) }
	switch {
	case op == "":
		val, _ = e.lookup(name)
	case strings.HasPrefix(op, ":-"):
		if !set || val == "" {
			val = word(op[2:])
		}
	case strings.HasPrefix(op, "-"):
		if !set {
			val = word(op[1:])
		}
	case strings.HasPrefix(op, ":+"):
		if set && val != "" {
			val = word(op[2:])
		} else {
			val = ""
		}
	case strings.HasPrefix(op, "+"):
		if set {
			val = word(op[1:])
		}
	case strings.HasPrefix(op, ":?"), strings.HasPrefix(op, "?"):
		if !set || (op[0] == ':' && val == "") {
			e.lookup(name)
			val = ""
		}
	case op[0] == '#' || op[0] == '%':
		// %/# remove the shortest match, %%/## the longest.
		pat := e.wordRaw(op[1:], depth+1, true)
		greedy := strings.HasPrefix(pat, op[:1])
		if greedy {
			pat = pat[1:]
		}
		if op[0] == '#' {
			val = trimPrefixRE(e.value(name), pat, greedy)
		} else {
			val = trimSuffixRE(e.value(name), pat, greedy)
		}
	case op[0] == '/':
		// ${VAR/pattern/replacement}, ${VAR//pattern/replacement} (all).
		rest := op[1:]
		all := strings.HasPrefix(rest, "/")
		if all {
			rest = rest[1:]
		}
		val = e.value(name)
		k := topLevelIndex(rest, '/', e.esc)
		if k < 0 {
			break
		}
		pat := e.wordRaw(rest[:k], depth+1, true)
		repl := e.wordRaw(rest[k+1:], depth+1, true)
		re, ok := shellPatternRE(pat, true, false)
		if !ok {
			break
		}
		if all {
			val = re.ReplaceAllString(val, repl)
		} else if idx := re.FindStringIndex(val); idx != nil {
			val = val[:idx[0]] + repl + val[idx[1]:]
		}
	default:
		val, _ = e.lookup(name)
	}
	return end + 1, val
}

// closeBrace returns the index of the "}" closing the "${" whose "{" is
// s[0], or -1.
func closeBrace(s string, esc byte, depth int) int {
	if depth > maxDepth {
		return -1
	}
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == esc:
			i++
		case c == '\'':
			k := strings.IndexByte(s[i+1:], '\'')
			if k < 0 {
				return -1
			}
			i += k + 1
		case c == '$' && i+1 < len(s) && s[i+1] == '{':
			k := closeBrace(s[i+1:], esc, depth+1)
			if k < 0 {
				return -1
			}
			i += k + 1
		case c == '$':
			i += scanName(s[i+1:]) // "$$", "$1", "$NAME" are one token
		case c == '}':
			return i
		}
	}
	return -1
}

func (e *expander) value(name string) string {
	v, _ := e.lookup(name)
	return v
}

// scanName returns the length of the variable name at the start of s, as
// BuildKit's lexer reads it: a run of digits ($10), one special parameter
// character ($@, $*, $#, $?, $-, $$, $!), or letters, digits and
// underscores.
func scanName(s string) int {
	if s == "" {
		return 0
	}
	if s[0] >= '0' && s[0] <= '9' {
		n := 0
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		return n
	}
	switch s[0] {
	case '@', '*', '#', '?', '-', '$', '!':
		return 1
	}
	n := 0
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_') {
			break
		}
		n += size
	}
	return n
}

// shellPatternRE converts a shell pattern to a regular expression the way
// BuildKit does: "*" is ".*" (or ".*?" when not greedy), "?" is ".", "\\"
// quotes "*", "?" or "\\" (and is dropped before "}" and "/"); ok is false
// for patterns BuildKit rejects.
func shellPatternRE(pattern string, greedy, anchored bool) (*regexp.Regexp, bool) {
	var b strings.Builder
	if anchored {
		b.WriteByte('^')
	}
	star := ".*?"
	if greedy {
		star = ".*"
	}
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch r {
		case '*':
			b.WriteString(star)
			continue
		case '?':
			b.WriteByte('.')
			continue
		case '\\':
			if i+1 < len(rs) && (rs[i+1] == '}' || rs[i+1] == '/') {
				continue
			}
			if i+1 >= len(rs) || (rs[i+1] != '*' && rs[i+1] != '?' && rs[i+1] != '\\') {
				return nil, false
			}
			i++
			b.WriteByte('\\')
			r = rs[i]
		case '[', ']', '{', '}', '.', '+', '(', ')', '|', '^', '$':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	re, err := regexp.Compile(b.String())
	return re, err == nil
}

func trimPrefixRE(v, pattern string, greedy bool) string {
	re, ok := shellPatternRE(pattern, greedy, true)
	if !ok {
		return v
	}
	if idx := re.FindStringIndex(v); idx != nil {
		return v[idx[1]:]
	}
	return v
}

// trimSuffixRE reverses pattern and value so that the shortest or
// longest suffix becomes a leftmost prefix match, as BuildKit does.
func trimSuffixRE(v, pattern string, greedy bool) string {
	return reverseString(trimPrefixRE(reverseString(v), reversePattern(pattern), greedy))
}

func reverseString(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// reversePattern reverses a pattern keeping "\\x" escapes in order.
func reversePattern(p string) string {
	rs := []rune(p)
	out := make([]rune, len(rs))
	last := len(rs) - 1
	for i := 0; i <= last; {
		o := last - i
		if rs[i] == '\\' && i != last {
			out[o-1] = rs[i]
			out[o] = rs[i+1]
			i += 2
		} else {
			out[o] = rs[i]
			i++
		}
	}
	return string(out)
}

// topLevelIndex finds sep in s outside quotes, escapes and nested ${...}.
func topLevelIndex(s string, sep, esc byte) int {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == esc:
			i++
		case c == '\'':
			k := strings.IndexByte(s[i+1:], '\'')
			if k < 0 {
				return -1
			}
			i += k + 1
		case c == '$' && i+1 < len(s) && s[i+1] == '{':
			k := closeBrace(s[i+1:], esc, 0)
			if k < 0 {
				return -1
			}
			i += k + 1
		case c == '$':
			i += scanName(s[i+1:])
		case c == sep:
			return i
		}
	}
	return -1
}
