package dockerfile

import "strings"

// maxExpansion bounds the output of Expand and its nesting depth, so that
// hostile ${A:-${A:-...}} chains or huge values cannot blow up.
const (
	maxExpansion = 64 << 10
	maxDepth     = 32
	maxSteps     = 1000 // variable substitutions per Expand call
	maxTrimInput = 256  // pattern removal is quadratic: skip longer values
)

// Expand performs the shell-style variable substitution BuildKit applies
// to FROM and other instructions: $VAR, ${VAR}, ${VAR:-word}, ${VAR-word},
// ${VAR:+word}, ${VAR+word}, ${VAR:?msg}, ${VAR?msg}, and the pattern
// removals ${VAR#p}, ${VAR##p}, ${VAR%p}, ${VAR%%p}. Single quotes are
// literal; quotes are removed. It returns the result and the names used
// without a value (their expansion is empty).
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
	if !ok {
		for _, u := range e.unresolved {
			if u == name {
				return "", false
			}
		}
		e.unresolved = append(e.unresolved, name)
	}
	return v, ok
}

func (e *expander) word(s string, depth int) string {
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
		case c == e.esc && i+1 < len(s):
			i++
			b.WriteByte(s[i])
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
		n := 0
		for n < len(s) && (s[n] == '_' || isAlnum(s[n])) {
			n++
		}
		if n == 0 {
			return 0, ""
		}
		v, _ := e.lookup(s[:n])
		return n, v
	}
	// ${...}: find the matching brace, honouring nesting.
	level, end := 0, -1
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == e.esc:
			i++
		case s[i] == '{':
			level++
		case s[i] == '}':
			level--
			if level == 0 {
				end = i
			}
		}
		if end >= 0 {
			break
		}
	}
	if end < 0 {
		return 0, ""
	}
	body := s[1:end]
	n := 0
	for n < len(body) && (body[n] == '_' || isAlnum(body[n])) {
		n++
	}
	name, op := body[:n], body[n:]
	if name == "" {
		return end + 1, ""
	}
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
	case strings.HasPrefix(op, "##"):
		val = trimPrefixPattern(e.value(name), word(op[2:]), true)
	case strings.HasPrefix(op, "#"):
		val = trimPrefixPattern(e.value(name), word(op[1:]), false)
	case strings.HasPrefix(op, "%%"):
		val = trimSuffixPattern(e.value(name), word(op[2:]), true)
	case strings.HasPrefix(op, "%"):
		val = trimSuffixPattern(e.value(name), word(op[1:]), false)
	default:
		val, _ = e.lookup(name)
	}
	return end + 1, val
}

func (e *expander) value(name string) string {
	v, _ := e.lookup(name)
	return v
}

func isAlnum(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// matchGlob matches a shell pattern where "*" matches any string ("/"
// included, unlike path.Match), "?" one byte, and "\\" quotes the next
// byte. Other bytes, "[" included, are literal.
func matchGlob(pattern, s string) bool {
	px, sx := 0, 0
	nextPx, nextSx := -1, -1
	for px < len(pattern) || sx < len(s) {
		if px < len(pattern) {
			c := pattern[px]
			switch {
			case c == '*':
				nextPx, nextSx = px, sx+1
				px++
				continue
			case c == '?' && sx < len(s):
				px++
				sx++
				continue
			case c == '\\' && px+1 < len(pattern) && sx < len(s) && pattern[px+1] == s[sx]:
				px += 2
				sx++
				continue
			case c != '?' && c != '\\' && sx < len(s) && s[sx] == c:
				px++
				sx++
				continue
			}
		}
		if nextSx > 0 && nextSx <= len(s) {
			px, sx = nextPx, nextSx
			continue
		}
		return false
	}
	return true
}

func trimPrefixPattern(v, pattern string, longest bool) string {
	if len(v) > maxTrimInput {
		return v
	}
	if longest {
		for i := len(v); i >= 0; i-- {
			if matchGlob(pattern, v[:i]) {
				return v[i:]
			}
		}
		return v
	}
	for i := 0; i <= len(v); i++ {
		if matchGlob(pattern, v[:i]) {
			return v[i:]
		}
	}
	return v
}

func trimSuffixPattern(v, pattern string, longest bool) string {
	if len(v) > maxTrimInput {
		return v
	}
	if longest {
		for i := 0; i <= len(v); i++ {
			if matchGlob(pattern, v[i:]) {
				return v[:i]
			}
		}
		return v
	}
	for i := len(v); i >= 0; i-- {
		if matchGlob(pattern, v[i:]) {
			return v[:i]
		}
	}
	return v
}
