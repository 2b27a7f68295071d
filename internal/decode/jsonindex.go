package decode

import "unicode/utf8"

// jsonLocator resolves field paths directly on JSON text: the JSON
// counterpart of blockIndex, so JSON documents never pay for a YAML parse
// to get positions. indexJSON records every key and array element with its
// line and column (columns count characters, as yaml.v3 does) while it
// validates the text; lookups then walk the index. There is no index for
// texts with escaped keys it would have to decode: the yaml.v3 tree
// answers those documents.
type jsonLocator struct {
	raw []byte
	idx *blockIndex
}

// lookup returns the 1-based line and column of path.
func (j *jsonLocator) lookup(path string) (line, col int, exact, ok bool) {
	if j.idx == nil {
		return 0, 0, false, false
	}
	return j.idx.lookup(j.raw, path)
}

// jsonVerdict is what indexJSON found.
type jsonVerdict int

const (
	jsonInvalid jsonVerdict = iota // not one JSON value (maybe YAML)
	jsonValid                      // exactly one valid JSON value
	jsonUnsure                     // nested too deeply to scan here
)

// maxIndexDepth bounds the indexer's recursion; deeper texts are left to
// encoding/json.
const maxIndexDepth = 10000

// indexJSON validates raw as one JSON value (the grammar json.Valid
// accepts; raw is valid UTF-8) and indexes it in the same pass. It also
// returns the value's nesting depth. idx is nil when the text is not
// valid, or has escaped keys the index would have to decode.
func indexJSON(raw []byte) (idx *blockIndex, depth int, verdict jsonVerdict) {
	s := &jsonIndexer{raw: raw, line: 1, col: 1, idx: &blockIndex{nodes: make([]bnode, 0, 64)}}
	s.ws()
	if s.i >= len(raw) {
		return nil, 0, jsonInvalid
	}
	s.idx.rootLine, s.idx.rootCol = s.line, s.column()
	ok := s.value(-1)
	if s.tooDeep {
		return nil, 0, jsonUnsure
	}
	if !ok {
		return nil, 0, jsonInvalid
	}
	s.ws()
	if s.i < len(raw) {
		return nil, 0, jsonInvalid
	}
	if s.escapedKey || s.full {
		return nil, s.maxDepth, jsonValid
	}
	return s.idx.link(), s.maxDepth, jsonValid
}

type jsonIndexer struct {
	raw        []byte
	i          int
	line       int
	colPos     int // col is the 1-based column of raw[colPos]
	col        int
	idx        *blockIndex
	depth      int
	maxDepth   int
	escapedKey bool
	tooDeep    bool
	closed     bool // the last next() closed its container
	full       bool // the index reached maxIndexNodes and stopped growing
}

// maxIndexNodes bounds the index of one document (about 7 MB with its
// links); larger documents are still validated, and their positions come
// from the yaml.v3 tree if they are ever asked for.
const maxIndexNodes = 1 << 18

// node records a key or element unless the index is full.
func (s *jsonIndexer) node(n bnode) int32 {
	if len(s.idx.nodes) >= maxIndexNodes {
		s.full = true
		return -1
	}
	s.idx.nodes = append(s.idx.nodes, n)
	return int32(len(s.idx.nodes) - 1)
}

// ws skips JSON whitespace, counting lines (CRLF once, a lone CR as a
// break, as in YAML). Line breaks occur nowhere else in valid JSON.
func (s *jsonIndexer) ws() {
	for s.i < len(s.raw) {
		switch s.raw[s.i] {
		case ' ', '\t':
			s.i++
		case '\n':
			s.i++
			s.newline()
		case '\r':
			s.i++
			if s.i < len(s.raw) && s.raw[s.i] == '\n' {
				s.i++
			}
			s.newline()
		default:
			return
		}
	}
}

func (s *jsonIndexer) newline() {
	s.line++
	s.colPos, s.col = s.i, 1
}

// column is the character column of raw[i], counted on from the last one.
func (s *jsonIndexer) column() int {
	s.col += utf8.RuneCount(s.raw[s.colPos:s.i])
	s.colPos = s.i
	return s.col
}

func (s *jsonIndexer) open() bool {
	s.depth++
	if s.depth > maxIndexDepth {
		s.tooDeep = true
		return false
	}
	s.maxDepth = max(s.maxDepth, s.depth)
	s.i++
	s.ws()
	return true
}

// value scans the value at s.i, owned by node owner.
func (s *jsonIndexer) value(owner int32) bool {
	if s.i >= len(s.raw) {
		return false
	}
	switch s.raw[s.i] {
	case '{':
		if !s.open() {
			return false
		}
		if s.i < len(s.raw) && s.raw[s.i] == '}' {
			s.i++
			s.depth--
			return true
		}
		for {
			if s.i >= len(s.raw) || s.raw[s.i] != '"' {
				return false
			}
			line, col := s.line, s.column()
			start := s.i + 1
			end, escaped, ok := s.str()
			if !ok {
				return false
			}
			s.escapedKey = s.escapedKey || escaped
			k := s.node(bnode{keyStart: int32(start), keyEnd: int32(end), parent: owner, line: int32(line), col: int32(col)})
			s.ws()
			if s.i >= len(s.raw) || s.raw[s.i] != ':' {
				return false
			}
			s.i++
			s.ws()
			if !s.value(k) {
				return false
			}
			if !s.next('}') {
				return s.done()
			}
		}
	case '[':
		if !s.open() {
			return false
		}
		if s.i < len(s.raw) && s.raw[s.i] == ']' {
			s.i++
			s.depth--
			return true
		}
		for {
			it := s.node(bnode{keyStart: -1, keyEnd: -1, parent: owner, item: true, line: int32(s.line), col: int32(s.column())})
			if !s.value(it) {
				return false
			}
			if !s.next(']') {
				return s.done()
			}
		}
	case '"':
		_, _, ok := s.str()
		return ok
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	}
	return s.number()
}

// next moves past the separator after a member or element: true when
// another one follows, false when the container closed with closer (or
// the text is broken: then closed is unset).
func (s *jsonIndexer) next(closer byte) bool {
	s.ws()
	s.closed = false
	if s.i >= len(s.raw) {
		return false
	}
	switch s.raw[s.i] {
	case ',':
		s.i++
		s.ws()
		return true
	case closer:
		s.i++
		s.depth--
		s.closed = true
	}
	return false
}

// done reports whether the container closed properly.
func (s *jsonIndexer) done() bool { return s.closed }

// str moves past the string at s.i and returns the index of its closing
// quote; escaped tells whether it had escapes.
func (s *jsonIndexer) str() (end int, escaped, ok bool) {
	r := s.raw
	for i := s.i + 1; i < len(r); {
		for i+8 <= len(r) && !strStopWord(load8(r, i)) {
			i += 8
		}
		if i >= len(r) {
			break
		}
		c := r[i]
		switch {
		case c == '"':
			s.i = i + 1
			return i, escaped, true
		case c == '\\':
			escaped = true
			if i+1 >= len(r) {
				return 0, false, false
			}
			switch r[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(r) || !isHex(r[i+2]) || !isHex(r[i+3]) || !isHex(r[i+4]) || !isHex(r[i+5]) {
					return 0, false, false
				}
				i += 6
			default:
				return 0, false, false
			}
		case c < 0x20:
			return 0, false, false
		default:
			i++
		}
	}
	return 0, false, false
}

// strStopWord reports whether any of the eight bytes of w ends a plain run
// inside a JSON string: '"', '\\' or a control character.
func strStopWord(w uint64) bool {
	const ones, highs uint64 = 0x0101010101010101, 0x8080808080808080
	hasZero := func(x uint64) uint64 { return (x - ones) & ^x & highs }
	return ((w-0x20*ones)&^w&highs)|hasZero(w^('"'*ones))|hasZero(w^('\\'*ones)) != 0
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func (s *jsonIndexer) literal(lit string) bool {
	if len(s.raw)-s.i < len(lit) || string(s.raw[s.i:s.i+len(lit)]) != lit {
		return false
	}
	s.i += len(lit)
	return true
}

// number moves past -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?
func (s *jsonIndexer) number() bool {
	r, i := s.raw, s.i
	digits := func() int {
		n := 0
		for i < len(r) && r[i] >= '0' && r[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(r) && r[i] == '-' {
		i++
	}
	switch {
	case i < len(r) && r[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(r) && r[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(r) && (r[i] == 'e' || r[i] == 'E') {
		i++
		if i < len(r) && (r[i] == '+' || r[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	s.i = i
	return true
}

// newJSONLocator indexes raw for lookups.
func newJSONLocator(raw []byte) *jsonLocator {
	idx, _, _ := indexJSON(raw)
	return &jsonLocator{raw: raw, idx: idx}
}
