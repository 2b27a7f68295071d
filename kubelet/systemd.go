package kubelet

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Budgets for the text formats this package parses. systemd itself caps a
// line at 1 MiB; the file budgets keep hostile inputs cheap.
const (
	// MaxUnitBytes bounds a unit file or drop-in.
	MaxUnitBytes = 1 << 20
	// MaxEnvFileBytes bounds an EnvironmentFile=.
	MaxEnvFileBytes = 1 << 20
	// MaxArgs bounds the number of argv elements after expansion.
	MaxArgs = 10000
	// MaxArgvBytes bounds the total size of the expanded argv (Linux
	// itself refuses an exec beyond about 2 MiB).
	MaxArgvBytes = 4 << 20
)

// Sentinel errors; every error this package returns for an input wraps one
// of them inside a *kubeharden.InputError naming file and line.
var (
	ErrTooLarge    = errors.New("input exceeds the size budget")
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	ErrNUL         = errors.New("NUL byte in text file")
	ErrNoExecStart = errors.New("the kubelet unit has no ExecStart= command")
	ErrExecStart   = errors.New("invalid ExecStart=")
	ErrNoUnit      = errors.New("kubelet.service unit not found")
	ErrTooManyArgs = errors.New("command line exceeds the argument count or size budget")
)

// Directive is one "Key=Value" assignment of a unit file, after line
// continuations were joined.
type Directive struct {
	Section string
	Key     string
	Value   string
	// Line is the 1-based line where the assignment starts.
	Line int
}

// Unit is a parsed unit file or drop-in.
type Unit struct {
	Source     string
	Directives []Directive
}

// checkText applies the shared budgets to a text input.
func checkText(source string, data []byte, limit int) error {
	if len(data) > limit {
		return inputErr(source, 0, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), limit))
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return inputErr(source, 1+bytes.Count(data[:i], []byte{'\n'}), ErrNUL)
	}
	if !utf8.Valid(data) {
		line := 1
		for rest := data; len(rest) > 0; {
			r, n := utf8.DecodeRune(rest)
			if r == utf8.RuneError && n <= 1 {
				break
			}
			if r == '\n' {
				line++
			}
			rest = rest[n:]
		}
		return inputErr(source, line, ErrInvalidUTF8)
	}
	return nil
}

// ParseUnit parses a systemd unit file or drop-in the way systemd's
// configuration parser does: comments start with '#' or ';' (also inside a
// continuation), a trailing unescaped backslash joins the next line with a
// space, "[Section]" headers, "Key=Value" with surrounding whitespace
// removed. Assignments outside a section and lines without '=' are ignored,
// as systemd ignores them (with a warning).
func ParseUnit(source string, data []byte) (*Unit, error) {
	if err := checkText(source, data, MaxUnitBytes); err != nil {
		return nil, err
	}
	u := &Unit{Source: source}
	section := ""
	var cont strings.Builder
	contLine := 0
	inCont := false
	lineNo := 0
	for rest := string(data); len(rest) > 0; {
		var raw string
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			raw, rest = rest[:i], rest[i+1:]
		} else {
			raw, rest = rest, ""
		}
		lineNo++
		raw = strings.TrimSuffix(raw, "\r")
		trimmed := strings.TrimLeft(raw, " \t")
		if trimmed != "" && (trimmed[0] == '#' || trimmed[0] == ';') {
			continue
		}
		if !inCont {
			contLine = lineNo
		}
		// The joined text ends where raw ends, so the escape test looks at
		// raw only: joining stays linear in the file size.
		if endsWithEscape(raw) {
			cont.WriteString(raw[:len(raw)-1])
			cont.WriteByte(' ')
			inCont = true
			if rest != "" {
				continue
			}
		} else {
			cont.WriteString(raw)
		}
		s := cont.String()
		cont.Reset()
		inCont = false
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if s[0] == '[' {
			if end := strings.IndexByte(s, ']'); end == len(s)-1 {
				section = s[1:end]
			}
			continue
		}
		key, value, ok := strings.Cut(s, "=")
		if !ok || section == "" {
			continue
		}
		u.Directives = append(u.Directives, Directive{
			Section: section, Key: strings.TrimSpace(key), Value: strings.TrimSpace(value), Line: contLine,
		})
	}
	return u, nil
}

// endsWithEscape reports whether s ends in an odd run of backslashes.
func endsWithEscape(s string) bool {
	n := 0
	for i := len(s) - 1; i >= 0 && s[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// EnvVar is one assignment of an environment file or Environment= line.
type EnvVar struct {
	Name  string
	Value string
	// File and Line locate the assignment.
	File string
	Line int
}

// ParseEnvFile parses an EnvironmentFile= the way systemd does: one
// NAME=value per line, blank lines and lines starting with '#' or ';'
// ignored, lines without '=' ignored, surrounding whitespace removed,
// single-quoted values verbatim, double-quoted values with backslash
// escapes for \" \\ \` \$ and backslash-newline continuation, unquoted
// values with backslash escapes and backslash-newline continuation. Names
// that are not valid environment variable names are ignored. A later
// assignment of a name wins.
func ParseEnvFile(source string, data []byte) ([]EnvVar, error) {
	if err := checkText(source, data, MaxEnvFileBytes); err != nil {
		return nil, err
	}
	const (
		preKey = iota
		key
		preValue
		value
		valueEsc
		sq
		dq
		dqEsc
		comment
	)
	var (
		out       []EnvVar
		state     = preKey
		k, v      strings.Builder
		trailWS   int // trailing whitespace length of an unquoted value
		line      = 1
		startLine = 1
	)
	emit := func() {
		name := strings.TrimRight(k.String(), " \t")
		val := v.String()
		if trailWS > 0 && trailWS <= len(val) {
			val = val[:len(val)-trailWS]
		}
		if validEnvName(name) {
			out = append(out, EnvVar{Name: name, Value: val, File: source, Line: startLine})
		}
		k.Reset()
		v.Reset()
		trailWS = 0
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch state {
		case preKey:
			switch {
			case c == '#' || c == ';':
				state = comment
			case c == ' ' || c == '\t' || c == '\r':
			case c == '\n':
				line++
			default:
				startLine = line
				state = key
				k.WriteByte(c)
			}
		case key:
			switch c {
			case '\n':
				k.Reset()
				state = preKey
				line++
			case '=':
				state = preValue
			default:
				k.WriteByte(c)
			}
		case preValue:
			switch c {
			case '\n':
				emit()
				state = preKey
				line++
			case '\'':
				state = sq
			case '"':
				state = dq
			case '\\':
				state = valueEsc
			case ' ', '\t', '\r':
			default:
				state = value
				v.WriteByte(c)
			}
		case value:
			switch {
			case c == '\n':
				emit()
				state = preKey
				line++
			case c == '\\':
				state = valueEsc
				trailWS = 0
			default:
				if c == ' ' || c == '\t' || c == '\r' {
					trailWS++
				} else {
					trailWS = 0
				}
				v.WriteByte(c)
			}
		case valueEsc:
			state = value
			if c == '\n' {
				line++
			} else {
				v.WriteByte(c)
			}
		case sq:
			if c == '\'' {
				state = preValue
			} else {
				if c == '\n' {
					line++
				}
				v.WriteByte(c)
			}
		case dq:
			switch c {
			case '"':
				state = preValue
			case '\\':
				state = dqEsc
			default:
				if c == '\n' {
					line++
				}
				v.WriteByte(c)
			}
		case dqEsc:
			state = dq
			switch c {
			case '"', '\\', '`', '$':
				v.WriteByte(c)
			case '\n':
				line++
			default:
				v.WriteByte('\\')
				v.WriteByte(c)
			}
		case comment:
			if c == '\n' {
				state = preKey
				line++
			}
		}
	}
	switch state {
	case preValue, value, valueEsc, sq, dq, dqEsc:
		emit()
	}
	return out, nil
}

// validEnvName reports whether name is an acceptable variable name
// (letters, digits and underscores, not starting with a digit).
func validEnvName(name string) bool {
	if name == "" || len(name) > 4096 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'):
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// splitWords splits s into words with systemd's extract_first_word rules:
// whitespace separates words, single and double quotes group (anywhere in
// a word), and backslash escapes. With cunescape, C escapes (\n, \t, \xNN,
// ...) are decoded; without it a backslash takes the next character
// literally. relax accepts an unterminated quote or trailing backslash.
func splitWords(s string, cunescape, relax bool) ([]string, error) {
	var out []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				out = append(out, w.String())
				w.Reset()
				inWord = false
			}
			i++
		case c == '\'' || c == '"':
			inWord = true
			q := c
			i++
			closed := false
			for i < len(s) {
				if s[i] == q {
					closed = true
					i++
					break
				}
				if s[i] == '\\' && (q == '"' || cunescape) {
					n, err := unescape(s[i:], &w, cunescape, relax)
					if err != nil {
						return nil, err
					}
					i += n
					continue
				}
				w.WriteByte(s[i])
				i++
			}
			if !closed && !relax {
				return nil, fmt.Errorf("unterminated quote %c", q)
			}
		case c == '\\':
			inWord = true
			n, err := unescape(s[i:], &w, cunescape, relax)
			if err != nil {
				return nil, err
			}
			i += n
		default:
			inWord = true
			w.WriteByte(c)
			i++
		}
		if len(out) > MaxArgs {
			return nil, ErrTooManyArgs
		}
	}
	if inWord {
		out = append(out, w.String())
	}
	return out, nil
}

// unescape decodes the escape at the start of s (s[0] == '\\') into w and
// returns the number of bytes consumed.
func unescape(s string, w *strings.Builder, cunescape, relax bool) (int, error) {
	if len(s) < 2 {
		if relax {
			w.WriteByte('\\')
			return 1, nil
		}
		return 0, errors.New("trailing backslash")
	}
	c := s[1]
	if !cunescape {
		w.WriteByte(c)
		return 2, nil
	}
	switch c {
	case 'a':
		w.WriteByte('\a')
	case 'b':
		w.WriteByte('\b')
	case 'f':
		w.WriteByte('\f')
	case 'n':
		w.WriteByte('\n')
	case 'r':
		w.WriteByte('\r')
	case 't':
		w.WriteByte('\t')
	case 'v':
		w.WriteByte('\v')
	case 's':
		w.WriteByte(' ')
	case 'x':
		if len(s) >= 4 && isHex(s[2]) && isHex(s[3]) {
			b := hexVal(s[2])<<4 | hexVal(s[3])
			if b == 0 {
				return 0, errors.New(`\x00 is not allowed`)
			}
			w.WriteByte(b)
			return 4, nil
		}
		if !relax {
			return 0, fmt.Errorf("invalid escape %q", s[:2])
		}
		w.WriteString(s[:2])
	default:
		w.WriteByte(c)
	}
	return 2, nil
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func hexVal(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// expandSpecifiers resolves the unit specifiers systemd expands in
// ExecStart=, Environment= and EnvironmentFile= for the kubelet service.
// "%%" is a literal percent sign; unknown specifiers are kept verbatim.
func expandSpecifiers(s, unitName string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	prefix := strings.TrimSuffix(unitName, ".service")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case '%':
			b.WriteByte('%')
		case 'n':
			b.WriteString(unitName)
		case 'N', 'p', 'P':
			b.WriteString(prefix)
		case 'i', 'I', 'j', 'J':
		case 't':
			b.WriteString("/run")
		case 'S':
			b.WriteString("/var/lib")
		case 'C':
			b.WriteString("/var/cache")
		case 'L':
			b.WriteString("/var/log")
		case 'E':
			b.WriteString("/etc")
		case 'T':
			b.WriteString("/tmp")
		case 'V':
			b.WriteString("/var/tmp")
		case 'h':
			b.WriteString("/root")
		case 'u':
			b.WriteString("root")
		case 'U':
			b.WriteString("0")
		default:
			b.WriteByte('%')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// envValue is a variable's value with the place that assigned it.
type envValue struct {
	Value string
	File  string
	Line  int
}

// expandWord replaces ${NAME} (also ${NAME:-default} and ${NAME:+alt})
// inside one word with the exact value and "$$" with "$", as systemd's
// replace_env does. A "$" followed by anything else is kept. It returns
// the names of the variables it used.
func expandWord(w string, env map[string]envValue) (string, []string) {
	if !strings.Contains(w, "$") {
		return w, nil
	}
	var b strings.Builder
	var used []string
	for i := 0; i < len(w); i++ {
		if w[i] != '$' || i+1 == len(w) {
			b.WriteByte(w[i])
			continue
		}
		switch w[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '{':
			end := strings.IndexByte(w[i+2:], '}')
			if end < 0 {
				b.WriteString(w[i:])
				return b.String(), used
			}
			expr := w[i+2 : i+2+end]
			name, alt, op := expr, "", ""
			if j := strings.Index(expr, ":-"); j >= 0 {
				name, alt, op = expr[:j], expr[j+2:], "-"
			} else if j := strings.Index(expr, ":+"); j >= 0 {
				name, alt, op = expr[:j], expr[j+2:], "+"
			}
			ev, ok := env[name]
			set := ok && ev.Value != ""
			switch {
			case op == "-" && !set:
				b.WriteString(alt)
			case op == "+":
				if set {
					b.WriteString(alt)
				}
			default:
				b.WriteString(ev.Value)
			}
			if ok {
				used = append(used, name)
			}
			i += 2 + end
		default:
			b.WriteByte('$')
		}
	}
	return b.String(), used
}
