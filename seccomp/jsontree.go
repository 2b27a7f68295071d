package seccomp

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// Budgets applied by the parser. A profile larger or deeper than these is
// rejected with an error instead of being decoded.
const (
	// DefaultMaxBytes is the default size limit of one profile (3 MiB, the
	// API server's request limit; real profiles are under 30 KiB).
	DefaultMaxBytes = 3 << 20
	// maxDepth bounds JSON nesting. A valid profile nests 5 levels deep.
	maxDepth = 64
)

// Sentinel errors. Parse errors wrap one of these and are returned as
// *kubeharden.InputError with the line and column.
var (
	// ErrSyntax reports malformed JSON.
	ErrSyntax = errors.New("invalid JSON")
	// ErrTooLarge reports input beyond the size budget.
	ErrTooLarge = errors.New("profile too large")
	// ErrTooDeep reports nesting beyond the depth budget.
	ErrTooDeep = errors.New("JSON nested too deeply")
	// ErrType reports a JSON value of the wrong type for its field.
	ErrType = errors.New("wrong JSON type")
	// ErrNotProfile reports a document that is not a JSON object.
	ErrNotProfile = errors.New("not a seccomp profile")
)

type jkind uint8

const (
	jNull jkind = iota
	jBool
	jNumber
	jString
	jArray
	jObject
)

func (k jkind) String() string {
	return [...]string{"null", "bool", "number", "string", "array", "object"}[k]
}

// jnode is one JSON value with the byte offset where it starts.
type jnode struct {
	kind    jkind
	off     int
	str     string // decoded string, or number literal
	b       bool
	elems   []*jnode
	members []jmember
}

type jmember struct {
	key    string
	keyOff int
	val    *jnode
}

// internTable holds the strings a profile repeats: syscall names, field
// names, actions, operators and architectures. Built on first use.
var internTable = sync.OnceValue(func() map[string]string {
	m := make(map[string]string, len(syscallTable)+64)
	for _, e := range syscallTable {
		m[e.name] = e.name
	}
	for a := range validActions {
		m[string(a)] = string(a)
	}
	for o := range validOperators {
		m[string(o)] = string(o)
	}
	for a := range archTable {
		m[string(a)] = string(a)
	}
	for c := range validCaps {
		m[c] = c
	}
	for _, fs := range [][]fieldSpec{topFields, syscallFields, argFields, filterFields, archMapFields} {
		for _, f := range fs {
			m[f.name] = f.name
		}
	}
	return m
})

// syntaxError carries the byte offset of a parse problem.
type syntaxError struct {
	off int
	err error
	msg string
}

func (e *syntaxError) Error() string { return e.msg }
func (e *syntaxError) Unwrap() error { return e.err }

type jparser struct {
	data  []byte
	pos   int
	depth int
	slab  []jnode
	// Scratch stacks: members and elements of the objects and arrays
	// being parsed collect here and are copied out at exact size.
	mstack []jmember
	estack []*jnode
	// Final member and element lists are carved out of these slabs.
	mslab []jmember
	eslab []*jnode
}

func (p *jparser) members(src []jmember) []jmember {
	k := len(src)
	if cap(p.mslab)-len(p.mslab) < k {
		p.mslab = make([]jmember, 0, max(k, 512))
	}
	l := len(p.mslab)
	p.mslab = append(p.mslab, src...)
	return p.mslab[l : l+k : l+k]
}

func (p *jparser) elems(src []*jnode) []*jnode {
	k := len(src)
	if cap(p.eslab)-len(p.eslab) < k {
		p.eslab = make([]*jnode, 0, max(k, 1024))
	}
	l := len(p.eslab)
	p.eslab = append(p.eslab, src...)
	return p.eslab[l : l+k : l+k]
}

// node allocates a jnode from a slab, so a profile costs a few
// allocations instead of one per value.
func (p *jparser) node(k jkind, off int) *jnode {
	if len(p.slab) == cap(p.slab) {
		p.slab = make([]jnode, 0, 256)
	}
	p.slab = append(p.slab, jnode{kind: k, off: off})
	return &p.slab[len(p.slab)-1]
}

// parseJSON parses one JSON value that must span data (surrounding
// whitespace allowed). It never panics and runs in time linear in len(data).
func parseJSON(data []byte) (*jnode, error) {
	// One slab sized for the input (profiles average a value per ~16
	// bytes) avoids most chunk allocations; more chunks come as needed.
	p := &jparser{data: data, slab: make([]jnode, 0, min(len(data)/16+8, 4096))}
	p.skipWS()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipWS()
	if p.pos != len(p.data) {
		return nil, p.errf("unexpected data after the top-level value")
	}
	return v, nil
}

func (p *jparser) errf(format string, args ...any) error {
	return &syntaxError{off: p.pos, err: ErrSyntax, msg: fmt.Sprintf("%s: %s", ErrSyntax, fmt.Sprintf(format, args...))}
}

func (p *jparser) skipWS() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jparser) value() (*jnode, error) {
	if p.pos >= len(p.data) {
		return nil, p.errf("unexpected end of input")
	}
	start := p.pos
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.string()
		if err != nil {
			return nil, err
		}
		n := p.node(jString, start)
		n.str = s
		return n, nil
	case c == 't':
		n, err := p.literal("true", p.node(jBool, start))
		if n != nil {
			n.b = true
		}
		return n, err
	case c == 'f':
		return p.literal("false", p.node(jBool, start))
	case c == 'n':
		return p.literal("null", p.node(jNull, start))
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		if c < 0x20 || c >= 0x7f {
			return nil, p.errf("unexpected byte 0x%02x", c)
		}
		return nil, p.errf("unexpected character %q", c)
	}
}

func (p *jparser) literal(word string, n *jnode) (*jnode, error) {
	if len(p.data)-p.pos < len(word) || string(p.data[p.pos:p.pos+len(word)]) != word {
		return nil, p.errf("invalid literal (want %s)", word)
	}
	p.pos += len(word)
	return n, nil
}

func (p *jparser) number() (*jnode, error) {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if p.pos < len(p.data) && p.data[p.pos] == '0' {
		p.pos++
	} else if digits() == 0 {
		return nil, p.errf("invalid number")
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return nil, p.errf("invalid number")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return nil, p.errf("invalid number")
		}
	}
	n := p.node(jNumber, start)
	n.str = string(p.data[start:p.pos])
	return n, nil
}

func (p *jparser) string() (string, error) {
	p.pos++ // opening quote
	start := p.pos
	// Fast path: no escapes.
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if c == '"' {
			s := p.data[start:p.pos]
			p.pos++
			// Syscall names, actions and the like are shared strings.
			if v, ok := internTable()[string(s)]; ok {
				return v, nil
			}
			if !utf8.Valid(s) {
				p.pos--
				return "", p.errf("invalid UTF-8 in string")
			}
			return string(s), nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", p.errf("control character 0x%02x in string", c)
		}
		p.pos++
	}
	buf := append([]byte(nil), p.data[start:p.pos]...)
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			if !utf8.Valid(buf) {
				return "", p.errf("invalid UTF-8 in string")
			}
			p.pos++
			return string(buf), nil
		case c < 0x20:
			return "", p.errf("control character 0x%02x in string", c)
		case c == '\\':
			escStart := p.pos
			p.pos++
			if p.pos >= len(p.data) {
				return "", p.errf("unterminated string")
			}
			e := p.data[p.pos]
			p.pos++
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					p.pos = escStart
					return "", p.errf("invalid \\u escape")
				}
				if utf16.IsSurrogate(r) {
					r2 := utf8.RuneError
					if p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
						save := p.pos
						p.pos += 2
						if lo, ok := p.hex4(); ok {
							r2 = utf16.DecodeRune(r, lo)
						}
						if r2 == utf8.RuneError {
							p.pos = save
						}
					}
					r = r2
				}
				buf = utf8.AppendRune(buf, r)
			default:
				p.pos = escStart
				return "", p.errf("invalid escape \\%c", e)
			}
		default:
			buf = append(buf, c)
			p.pos++
		}
	}
	return "", p.errf("unterminated string")
}

func (p *jparser) hex4() (rune, bool) {
	if len(p.data)-p.pos < 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(string(p.data[p.pos:p.pos+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	p.pos += 4
	return rune(v), true
}

func (p *jparser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return &syntaxError{off: p.pos, err: ErrTooDeep, msg: fmt.Sprintf("%s (more than %d levels)", ErrTooDeep, maxDepth)}
	}
	return nil
}

func (p *jparser) object() (*jnode, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	n := p.node(jObject, p.pos)
	p.pos++
	p.skipWS()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		p.depth--
		return n, nil
	}
	base := len(p.mstack)
	defer func() { p.mstack = p.mstack[:base] }()
	for {
		p.skipWS()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.errf("expected a string key")
		}
		keyOff := p.pos
		k, err := p.string()
		if err != nil {
			return nil, err
		}
		p.skipWS()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.errf("expected ':' after key %q", k)
		}
		p.pos++
		p.skipWS()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		p.mstack = append(p.mstack, jmember{key: k, keyOff: keyOff, val: v})
		p.skipWS()
		if p.pos >= len(p.data) {
			return nil, p.errf("unterminated object")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			p.depth--
			n.members = p.members(p.mstack[base:])
			return n, nil
		default:
			return nil, p.errf("expected ',' or '}' in object")
		}
	}
}

func (p *jparser) array() (*jnode, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	n := p.node(jArray, p.pos)
	p.pos++
	p.skipWS()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		p.depth--
		return n, nil
	}
	base := len(p.estack)
	defer func() { p.estack = p.estack[:base] }()
	for {
		p.skipWS()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		p.estack = append(p.estack, v)
		p.skipWS()
		if p.pos >= len(p.data) {
			return nil, p.errf("unterminated array")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			p.depth--
			n.elems = p.elems(p.estack[base:])
			return n, nil
		default:
			return nil, p.errf("expected ',' or ']' in array")
		}
	}
}

// lineIndex converts byte offsets into 1-based line and column numbers.
// Columns count Unicode code points, so a tab or a multi-byte character is
// one column.
type lineIndex struct {
	data   []byte
	starts []int
}

func newLineIndex(data []byte) *lineIndex {
	starts := make([]int, 1, 64)
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		starts = append(starts, i)
	}
	return &lineIndex{data: data, starts: starts}
}

func (li *lineIndex) lineCol(off int) (int, int) {
	if li == nil || off < 0 {
		return 0, 0
	}
	if off > len(li.data) {
		off = len(li.data)
	}
	i := sort.Search(len(li.starts), func(i int) bool { return li.starts[i] > off }) - 1
	col := utf8.RuneCount(li.data[li.starts[i]:off]) + 1
	return i + 1, col
}
