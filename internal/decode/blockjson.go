package decode

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// convertBlock converts the block-style YAML of nearly every Kubernetes
// manifest straight to JSON text, with the values sigs.k8s.io/yaml's
// YAMLToJSON produces (go-yaml v2, YAML 1.1 scalars) but without building
// a token stream, a node tree, Go maps or sorted keys. It appends to dst.
// On the way it builds the position index of the text (the same nodes
// buildBlockIndex records, so lookups answer alike) and measures the
// nesting depth of the JSON; it returns both.
//
// It handles block mappings and sequences (including compact ones),
// plain, single- and double-quoted scalars on one line, literal and folded
// block scalars, and flow collections closed on their line. Keys must be
// strings that cannot resolve to anything else. It declines (ok false) on
// everything else — anchors, aliases, tags, merge keys, multi-line flow or
// quoted scalars, tabs, directives, unusual characters — and on any text
// it cannot prove valid; the caller then uses the general converter,
// which also produces the error message for invalid YAML. Keys come out in
// document order: the caller only uses the result when that index proves
// them unique (flow mappings it checks itself).
// A differential test and a fuzz target hold it to sigs.k8s.io/yaml.
func convertBlock(dst, raw []byte) (out []byte, idx *blockIndex, depth int, ok bool) {
	if !plainText(raw) {
		return dst, nil, 0, false
	}
	c := &blockConv{raw: raw, out: dst, posLine: 1, idx: &blockIndex{nodes: make([]bnode, 0, 64)}}
	l, found := c.peek()
	if !found {
		return dst, nil, 0, false // empty documents are null
	}
	c.idx.rootLine, c.idx.rootCol = l.num, l.indent+1 // a root sequence sits at its first dash
	if !c.node(l, l.indent, -1) {
		return dst, nil, 0, false
	}
	if _, more := c.peek(); more {
		return dst, nil, 0, false // something less indented than the root
	}
	return c.out, c.idx.link(), c.maxOpen, true
}

// maxBlockDepth bounds recursion; deeper documents take the general path.
const maxBlockDepth = 100

type blockConv struct {
	raw     []byte
	out     []byte
	pos     int // start of the first line not consumed yet
	posLine int // its 1-based line number
	depth   int
	idx     *blockIndex
	open    int // containers open in out
	maxOpen int
	// last is the line read last: a dedent is peeked at by every
	// enclosing collection in turn.
	last   cline
	cached bool
}

// cline is one line with content: raw[start:end] without its break.
type cline struct {
	start, end, next int
	indent           int
	num              int // 1-based line number
}

func (l cline) at(raw []byte, col int) byte {
	if l.start+col < l.end {
		return raw[l.start+col]
	}
	return 0
}

// plainText reports whether raw is free of the characters the fast path
// does not model: tabs, lone CR, and everything go-yaml rejects as
// non-printable or treats as a line break (C0 and C1 controls, DEL, BOM,
// U+FFFE, U+FFFF, NEL, LS, PS). raw is valid UTF-8.
func plainText(raw []byte) bool {
	for i := 0; i < len(raw); i++ {
		// Eight printable ASCII bytes or LFs at a time.
		for i+8 <= len(raw) && plainWord(load8(raw, i)) {
			i += 8
		}
		if i >= len(raw) {
			break
		}
		c := raw[i]
		switch {
		case c >= 0x20 && c < 0x7f:
		case c == '\n':
		case c == '\r':
			if i+1 >= len(raw) || raw[i+1] != '\n' {
				return false
			}
		case c == 0xc2:
			if i+1 < len(raw) && raw[i+1] < 0xa0 {
				return false // U+0080..U+009F
			}
		case c == 0xe2:
			if i+2 < len(raw) && raw[i+1] == 0x80 && (raw[i+2] == 0xa8 || raw[i+2] == 0xa9) {
				return false // LS, PS
			}
		case c == 0xef:
			if i+2 < len(raw) && ((raw[i+1] == 0xbb && raw[i+2] == 0xbf) || (raw[i+1] == 0xbf && raw[i+2] >= 0xbe)) {
				return false // BOM, U+FFFE, U+FFFF
			}
		case c >= 0x80:
		default:
			return false
		}
	}
	return true
}

// plainWord reports whether all eight bytes of w are printable ASCII
// (0x20..0x7e) or LF.
func plainWord(w uint64) bool {
	const ones, highs uint64 = 0x0101010101010101, 0x8080808080808080
	if w&highs != 0 {
		return false
	}
	// Per byte, exactly (seven-bit bytes never carry into the next):
	// the high bit is set where a byte is >= 0x20, where it is 0x7f and
	// where it is LF.
	printable := ((w & ^highs) + 0x60*ones) & highs
	del := w ^ (0x7f * ones)
	isDel := ^((del + ^highs) | del) & highs
	lf := w ^ ('\n' * ones)
	isLF := ^((lf + ^highs) | lf) & highs
	return (printable|isLF)&^isDel == highs
}

// line reads the line starting at c.pos.
func (c *blockConv) line() cline {
	pos := c.pos
	if c.cached && c.last.start == pos {
		return c.last
	}
	end := bytes.IndexByte(c.raw[pos:], '\n')
	next := len(c.raw)
	if end < 0 {
		end = len(c.raw)
	} else {
		end += pos
		next = end + 1
	}
	if end > pos && c.raw[end-1] == '\r' {
		end--
	}
	ind := 0
	for pos+ind < end && c.raw[pos+ind] == ' ' {
		ind++
	}
	c.last, c.cached = cline{start: pos, end: end, next: next, indent: ind, num: c.posLine}, true
	return c.last
}

// consume moves past line l (the line at c.pos).
func (c *blockConv) consume(l cline) {
	c.pos, c.posLine = l.next, l.num+1
}

// openC and closeC write a container's brackets, tracking the depth.
func (c *blockConv) openC(b byte) {
	c.out = append(c.out, b)
	c.open++
	c.maxOpen = max(c.maxOpen, c.open)
}

func (c *blockConv) closeC(b byte) {
	c.out = append(c.out, b)
	c.open--
}

// addNode records a key or sequence item in the index.
func (c *blockConv) addNode(n bnode) (int32, bool) {
	if len(c.idx.nodes) >= maxIndexNodes {
		return -1, false
	}
	c.idx.nodes = append(c.idx.nodes, n)
	return int32(len(c.idx.nodes) - 1), true
}

// peek returns the next line with content, skipping blank and comment
// lines (and consuming them); found is false at the end.
func (c *blockConv) peek() (cline, bool) {
	for c.pos < len(c.raw) {
		l := c.line()
		if l.start+l.indent < l.end && c.raw[l.start+l.indent] != '#' {
			return l, true
		}
		c.consume(l)
	}
	return cline{}, false
}

// isDash reports a block sequence entry indicator at col.
func (c *blockConv) isDash(l cline, col int) bool {
	return l.at(c.raw, col) == '-' && (l.start+col+1 >= l.end || c.raw[l.start+col+1] == ' ')
}

// node converts the block node whose content starts at column col of l
// (a mapping or a sequence; a lone scalar line declines).
func (c *blockConv) node(l cline, col int, owner int32) bool {
	if c.depth++; c.depth > maxBlockDepth {
		return false
	}
	defer func() { c.depth-- }()
	if c.isDash(l, col) {
		return c.sequence(l, col, owner)
	}
	if _, _, isKey, ok := c.key(l, col); ok && isKey {
		return c.mapping(l, col, owner)
	}
	return false
}

// key parses "key:" at column col of l. It returns the key's JSON text
// appended to c.out (only when isKey) and the column where the value starts.
func (c *blockConv) key(l cline, col int) (valCol int, quoted, isKey, ok bool) {
	s := c.raw[l.start+col : l.end]
	if len(s) == 0 {
		return 0, false, false, false
	}
	switch s[0] {
	case '"', '\'':
		end, ok := quotedEnd(s)
		if !ok {
			return 0, false, false, false
		}
		j := end
		for j < len(s) && s[j] == ' ' {
			j++
		}
		if j < len(s) && s[j] == ':' && (j+1 == len(s) || s[j+1] == ' ') {
			return col + j + 1, true, true, true
		}
		return 0, true, false, true
	case '{', '[', '&', '*', '!', '|', '>', '%', '@', '`', ',', ']', '}', '#', '?', ':', '-':
		return 0, false, false, true // not a plain key (or one the fast path leaves alone)
	}
	for off := 0; ; {
		j := bytes.IndexByte(s[off:], ':')
		if j < 0 {
			return 0, false, false, true
		}
		i := off + j
		if i+1 == len(s) || s[i+1] == ' ' {
			if bytes.Contains(s[:i], []byte(" #")) {
				return 0, false, false, true // a comment starts before it
			}
			return col + i + 1, false, true, true
		}
		off = i + 1
	}
}

// emitKey writes the JSON key for the key at column col of l and records
// it in the index under owner. Quoted keys with escapes are declined: the
// index compares keys as written.
func (c *blockConv) emitKey(l cline, col, valCol int, quoted bool, owner int32) (int32, bool) {
	s := c.raw[l.start+col : l.start+valCol-1]
	start := l.start + col
	if quoted {
		end, _ := quotedEnd(s)
		body := s[1 : end-1]
		if bytes.IndexByte(body, '\\') >= 0 && s[0] == '"' || bytes.IndexByte(body, '\'') >= 0 && s[0] == '\'' {
			return -1, false
		}
		c.out = appendJSONText(c.out, body)
		s = body
		start++
	} else {
		s = bytes.TrimRight(s, " ")
		if len(s) > 1000 || mayResolveNonString(s) || (len(s) == 2 && s[0] == '<' && s[1] == '<') {
			return -1, false
		}
		c.out = appendJSONText(c.out, s)
	}
	c.out = append(c.out, ':')
	return c.addNode(bnode{keyStart: int32(start), keyEnd: int32(start + len(s)), parent: owner,
		line: int32(l.num), col: int32(col + 1)})
}

// mapping converts a block mapping whose first key is at column col of l;
// later keys are lines indented exactly col.
func (c *blockConv) mapping(l cline, col int, owner int32) bool {
	c.openC('{')
	for first := true; ; first = false {
		valCol, quoted, isKey, ok := c.key(l, col)
		if !ok || !isKey {
			return false
		}
		if !first {
			c.out = append(c.out, ',')
		}
		k, ok := c.emitKey(l, col, valCol, quoted, owner)
		if !ok {
			return false
		}
		v := valCol
		for l.start+v < l.end && c.raw[l.start+v] == ' ' {
			v++
		}
		if l.start+v >= l.end || c.raw[l.start+v] == '#' {
			// The value is on the next lines: nested, a compact sequence
			// at the key's own indentation, or null.
			c.consume(l)
			nl, found := c.peek()
			switch {
			case found && nl.indent > col:
				if !c.node(nl, nl.indent, k) {
					return false
				}
			case found && nl.indent == col && c.isDash(nl, col):
				if c.depth++; c.depth > maxBlockDepth || !c.sequence(nl, col, k) {
					return false
				}
				c.depth--
			default:
				c.out = append(c.out, "null"...)
			}
		} else if !c.inlineEntry(l, v, col, k) {
			return false
		}
		nl, more, ok := c.nextEntry(col)
		if !ok {
			return false
		}
		if !more {
			break
		}
		l = nl
	}
	c.closeC('}')
	return true
}

// sequence converts a block sequence whose first dash is at column col of
// l; later entries are lines indented exactly col that start with a dash.
// It ends at the first line that is not such an entry.
func (c *blockConv) sequence(l cline, col int, owner int32) bool {
	c.openC('[')
	for first := true; ; first = false {
		if !first {
			c.out = append(c.out, ',')
		}
		// An item is positioned at its content; a null item just after
		// its dash.
		it, ok := c.addNode(bnode{keyStart: -1, keyEnd: -1, parent: owner, item: true, line: int32(l.num), col: int32(col + 2)})
		if !ok {
			return false
		}
		v := col + 1
		for l.start+v < l.end && c.raw[l.start+v] == ' ' {
			v++
		}
		if l.start+v >= l.end || c.raw[l.start+v] == '#' {
			c.consume(l)
			nl, found := c.peek()
			if found && nl.indent > col {
				c.idx.nodes[it].line, c.idx.nodes[it].col = int32(nl.num), int32(nl.indent+1)
				if !c.node(nl, nl.indent, it) {
					return false
				}
			} else {
				c.out = append(c.out, "null"...)
			}
		} else {
			c.idx.nodes[it].col = int32(v + 1)
			if c.isDash(l, v) {
				if !c.node(l, v, it) { // "- - a": a nested compact sequence
					return false
				}
			} else if _, _, isKey, ok := c.key(l, v); !ok {
				return false
			} else if isKey {
				if !c.node(l, v, it) { // "- name: a": a compact mapping
					return false
				}
			} else if !c.inlineEntry(l, v, col, it) {
				return false
			}
		}
		nl, more, ok := c.nextEntry(col)
		if !ok {
			return false
		}
		if !more || !c.isDash(nl, col) {
			break // the sequence ended (a compact one, at its key's next sibling)
		}
		l = nl
	}
	c.closeC(']')
	return true
}

// inlineEntry converts the value of node n written on its own line at
// column v, noting a flow collection in the index.
func (c *blockConv) inlineEntry(l cline, v, ind int, n int32) bool {
	c.idx.nodes[n].flow = c.raw[l.start+v] == '[' || c.raw[l.start+v] == '{'
	return c.inlineValue(l, v, ind)
}

// nextEntry peeks at the line after an entry of a collection indented
// col: more reports a line at that indentation; ok is false when the line
// is indented deeper (a continuation or misplaced content).
func (c *blockConv) nextEntry(col int) (nl cline, more, ok bool) {
	nl, found := c.peek()
	if !found || nl.indent < col {
		return nl, false, true
	}
	return nl, nl.indent == col, nl.indent == col
}

// inlineValue converts the value starting at column v of l, in a
// collection indented ind, and consumes its lines.
func (c *blockConv) inlineValue(l cline, v, ind int) bool {
	s := c.raw[l.start+v : l.end]
	c.consume(l)
	var rest []byte
	switch s[0] {
	case '"', '\'':
		end, ok := quotedEnd(s)
		if !ok {
			return false
		}
		if c.out, ok = appendQuoted(c.out, s[:end]); !ok {
			return false
		}
		rest = s[end:]
	case '[', '{':
		n, ok := c.flow(s, 0, 0)
		if !ok {
			return false
		}
		rest = s[n:]
	case '|', '>':
		return c.blockScalar(s, ind)
	case '&', '*', '!', '%', '@', '`', ',', ']', '}', '#':
		return false
	case '-', '?', ':':
		if len(s) == 1 || s[1] == ' ' {
			return false
		}
		fallthrough
	default:
		end := len(s)
		for i := 1; i < len(s); i++ {
			if s[i] == '#' && s[i-1] == ' ' {
				end = i
				break
			}
			if s[i] == ':' && (i+1 == len(s) || s[i+1] == ' ') {
				return false // "a: b: c" is not YAML
			}
		}
		var ok bool
		c.out, ok = appendPlain(c.out, bytes.TrimRight(s[:end], " "))
		return ok
	}
	// After a quoted scalar or a flow collection: only a comment.
	i := 0
	for i < len(rest) && rest[i] == ' ' {
		i++
	}
	return i == len(rest) || (i > 0 && rest[i] == '#')
}

// blockScalar converts a literal (|) or folded (>) scalar whose header is
// s, in a collection indented ind; its content lines follow.
func (c *blockConv) blockScalar(s []byte, ind int) bool {
	folded := s[0] == '>'
	chomp := byte(0)
	i := 1
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		chomp = s[i]
		i++
	}
	if i < len(s) && s[i] != ' ' {
		return false // explicit indentation (or junk): the general path
	}
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i < len(s) && s[i] != '#' {
		return false
	}
	// Leading empty lines, then the first text line fixes the indentation.
	var text cline
	leading, maxLead := 0, 0
	for {
		if c.pos >= len(c.raw) {
			return false // empty block scalars take the general path
		}
		l := c.line()
		if l.start+l.indent < l.end {
			text = l
			break
		}
		if l.next == l.end {
			return false // unterminated last line
		}
		maxLead = max(maxLead, l.indent)
		leading++
		c.consume(l)
	}
	n := text.indent
	if n <= ind || maxLead > n {
		return false
	}
	var val []byte
	for range leading {
		val = append(val, '\n')
	}
	trailing := 0 // empty lines after the last text line
	lastText := false
	for c.pos < len(c.raw) {
		l := c.line()
		if l.start+l.indent >= l.end {
			if l.indent > n {
				return false // spaces beyond the indentation are content: leave it
			}
			if l.next == l.end {
				return false // unterminated last line
			}
			trailing++
			c.consume(l)
			continue
		}
		if l.indent < n {
			break
		}
		if l.next == l.end {
			return false // last line without a break
		}
		line := c.raw[l.start+n : l.end]
		if folded && line[0] == ' ' {
			return false // more-indented lines keep their breaks: leave them
		}
		if lastText {
			switch {
			case folded && trailing == 0:
				val = append(val, ' ')
			case folded:
				for range trailing {
					val = append(val, '\n')
				}
			default:
				for range trailing + 1 {
					val = append(val, '\n')
				}
			}
		} else {
			for range trailing {
				val = append(val, '\n')
			}
		}
		trailing = 0
		val = append(val, line...)
		lastText = true
		c.consume(l)
	}
	switch chomp {
	case 0:
		val = append(val, '\n')
	case '+':
		for range trailing + 1 {
			val = append(val, '\n')
		}
	}
	c.out = appendJSONText(c.out, val)
	return true
}

// flow converts the flow collection at s[i] ('[' or '{'), which must
// close on its line, and returns the index after it.
func (c *blockConv) flow(s []byte, i, depth int) (int, bool) {
	if depth > maxBlockDepth {
		return 0, false
	}
	open := s[i]
	closer := byte(']')
	if open == '{' {
		closer = '}'
	}
	c.openC(open)
	i++
	var keys [][]byte // a flow mapping's keys, to refuse duplicates
	for n := 0; ; n++ {
		i = skipBlanks(s, i)
		if i >= len(s) {
			return 0, false
		}
		if s[i] == closer {
			if n > 0 {
				return 0, false // a trailing comma: leave it
			}
			c.closeC(closer)
			return i + 1, true
		}
		if n > 0 {
			c.out = append(c.out, ',')
		}
		if open == '{' {
			start := len(c.out)
			var ok bool
			if i, ok = c.flowScalar(s, i, true); !ok {
				return 0, false
			}
			k := c.out[start:len(c.out):len(c.out)]
			for _, prev := range keys {
				if bytes.Equal(prev, k) {
					return 0, false
				}
			}
			keys = append(keys, k)
			i = skipBlanks(s, i)
			if i+1 >= len(s) || s[i] != ':' || s[i+1] != ' ' {
				return 0, false
			}
			c.out = append(c.out, ':')
			i = skipBlanks(s, i+1)
			if i >= len(s) {
				return 0, false
			}
		}
		var ok bool
		if s[i] == '[' || s[i] == '{' {
			i, ok = c.flow(s, i, depth+1)
		} else {
			i, ok = c.flowScalar(s, i, false)
		}
		if !ok {
			return 0, false
		}
		i = skipBlanks(s, i)
		if i >= len(s) {
			return 0, false
		}
		if s[i] == closer {
			c.closeC(closer)
			return i + 1, true
		}
		if s[i] != ',' {
			return 0, false // "[a: b]", "{a: b c}" and the like
		}
		i++
	}
}

// flowScalar converts a quoted or plain scalar inside a flow collection.
// Keys must be strings.
func (c *blockConv) flowScalar(s []byte, i int, isKey bool) (int, bool) {
	switch s[i] {
	case '"', '\'':
		end, ok := quotedEnd(s[i:])
		if !ok {
			return 0, false
		}
		if c.out, ok = appendQuoted(c.out, s[i:i+end]); !ok {
			return 0, false
		}
		return i + end, true
	case '&', '*', '!', '%', '@', '`', ',', ']', '}', '[', '{', '#', '|', '>', '?', ':':
		return 0, false
	case '-':
		if i+1 >= len(s) || !(s[i+1] >= '0' && s[i+1] <= '9' || s[i+1] >= 'a' && s[i+1] <= 'z' || s[i+1] >= 'A' && s[i+1] <= 'Z') {
			return 0, false
		}
	}
	j := i
	for ; j < len(s); j++ {
		ch := s[j]
		if ch == ',' || ch == ']' || ch == '}' || ch == '[' || ch == '{' || ch == '?' {
			break // go-yaml v2 ends a flow plain scalar at '?' too
		}
		if ch == ':' {
			break // a key's end, or something the fast path leaves alone
		}
		if ch == '#' && s[j-1] == ' ' {
			return 0, false
		}
	}
	if j < len(s) && (s[j] == '[' || s[j] == '{' || s[j] == '?') {
		return 0, false
	}
	plain := bytes.TrimRight(s[i:j], " ")
	if isKey {
		if mayResolveNonString(plain) || len(plain) == 2 && plain[0] == '<' && plain[1] == '<' {
			return 0, false
		}
		c.out = appendJSONText(c.out, plain)
		return j, true
	}
	var ok bool
	c.out, ok = appendPlain(c.out, plain)
	return j, ok
}

func skipBlanks(s []byte, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// quotedEnd returns the index just after the closing quote of the
// single-line quoted scalar at s[0].
func quotedEnd(s []byte) (int, bool) {
	q := s[0]
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if q == '"' {
				i++
			}
		case q:
			if q == '\'' && i+1 < len(s) && s[i+1] == '\'' {
				i++
				continue
			}
			return i + 1, true
		}
	}
	return 0, false
}

// yamlEscapes are go-yaml v2's one-character escapes in double-quoted
// scalars and what they stand for.
var yamlEscapes = [256]string{
	'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", 'n': "\n", 'v': "\v", 'f': "\f", 'r': "\r", 'e': "\x1b",
	' ': " ", '"': "\"", '\'': "'", '\\': "\\", 'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029",
}

// appendQuoted writes the quoted scalar s (quotes included) as a JSON
// string, declining escapes the fast path does not model.
func appendQuoted(b, s []byte) ([]byte, bool) {
	body := s[1 : len(s)-1]
	if s[0] == '\'' {
		if bytes.IndexByte(body, '\'') < 0 {
			return appendJSONText(b, body), true
		}
		return appendJSONText(b, bytes.ReplaceAll(body, []byte("''"), []byte("'"))), true
	}
	if bytes.IndexByte(body, '\\') < 0 {
		return appendJSONText(b, body), true
	}
	var val []byte
	for i := 0; i < len(body); i++ {
		ch := body[i]
		if ch != '\\' {
			val = append(val, ch)
			continue
		}
		i++
		if i >= len(body) {
			return b, false
		}
		if e := yamlEscapes[body[i]]; e != "" {
			val = append(val, e...)
			continue
		}
		switch body[i] {
		case 'x', 'u', 'U':
			n := 2
			if body[i] == 'u' {
				n = 4
			} else if body[i] == 'U' {
				n = 8
			}
			if i+1+n > len(body) {
				return b, false
			}
			r, err := strconv.ParseUint(string(body[i+1:i+1+n]), 16, 32)
			if err != nil || (r >= 0xd800 && r <= 0xdfff) || r > 0x10ffff {
				return b, false
			}
			val = utf8.AppendRune(val, rune(r))
			i += n
		default:
			return b, false
		}
	}
	return appendJSONText(b, val), true
}

// jsonSpecialWord reports whether any of the eight bytes of w needs an
// escape in a JSON string: a control character, '"' or '\\'. Bytes of
// multi-byte characters count too (they are copied by the slow loop).
func jsonSpecialWord(w uint64) bool {
	const ones, highs uint64 = 0x0101010101010101, 0x8080808080808080
	hasZero := func(x uint64) uint64 { return (x - ones) & ^x & highs }
	return (w&highs)|((w-0x20*ones)&^w&highs)|hasZero(w^('"'*ones))|hasZero(w^('\\'*ones)) != 0
}

// appendJSONText quotes s as a JSON string: control characters, '"' and
// '\\' escaped, invalid UTF-8 replaced by U+FFFD byte by byte (as
// encoding/json does), plain runs skipped eight bytes at a time.
func appendJSONText[T string | []byte](b []byte, s T) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		for i+8 <= len(s) && !jsonSpecialWord(load8(s, i)) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		ch := s[i]
		if ch >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
			if r == utf8.RuneError && size == 1 {
				b = append(b, s[start:i]...)
				b = append(b, `\ufffd`...)
				start = i + 1
			}
			i += size
			continue
		}
		if ch >= 0x20 && ch != '"' && ch != '\\' {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		switch ch {
		case '"', '\\':
			b = append(b, '\\', ch)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[ch>>4], hexDigits[ch&0xF])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// load8 reads eight bytes of s from i, little-endian.
func load8[T string | []byte](s T, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// appendPlain resolves a plain scalar as go-yaml v2 does (YAML 1.1: null,
// booleans, integers in every base, floats; timestamps stay strings) and
// writes its JSON. It declines the NaN and infinities (which JSON cannot
// hold, so sigs.k8s.io/yaml fails) and the merge key.
func appendPlain(b, s []byte) ([]byte, bool) {
	switch string(s) {
	case "", "~", "null", "Null", "NULL":
		return append(b, "null"...), true
	case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
		return append(b, "true"...), true
	case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
		return append(b, "false"...), true
	case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<":
		return b, false
	}
	switch ch := s[0]; {
	case ch == '.':
		if !onlyBytes(s, "0123456789.eE+-_") {
			break
		}
		if f, err := strconv.ParseFloat(string(s), 64); err == nil {
			out, err := appendJSONFloat(b, f)
			return out, err == nil
		}
	case ch >= '0' && ch <= '9' || ch == '+' || ch == '-':
		if v, ok := smallDecimal(s); ok {
			return strconv.AppendInt(b, v, 10), true
		}
		if !onlyBytes(s, "0123456789abcdefABCDEFxXoO.+-_") {
			break
		}
		plain := string(bytes.ReplaceAll(s, []byte("_"), nil))
		if v, err := strconv.ParseInt(plain, 0, 64); err == nil {
			return strconv.AppendInt(b, v, 10), true
		}
		if v, err := strconv.ParseUint(plain, 0, 64); err == nil {
			return strconv.AppendUint(b, v, 10), true
		}
		if yamlFloat(plain) {
			if f, err := strconv.ParseFloat(plain, 64); err == nil {
				out, err := appendJSONFloat(b, f)
				return out, err == nil
			}
		}
		if len(plain) > 2 && plain[0] == '0' && plain[1] == 'b' {
			if v, err := strconv.ParseInt(plain[2:], 2, 64); err == nil {
				return strconv.AppendInt(b, v, 10), true
			}
			if v, err := strconv.ParseUint(plain[2:], 2, 64); err == nil {
				return strconv.AppendUint(b, v, 10), true
			}
		} else if len(plain) > 3 && plain[:3] == "-0b" {
			if v, err := strconv.ParseInt("-"+plain[3:], 2, 64); err == nil {
				return strconv.AppendInt(b, v, 10), true
			}
		}
	}
	return appendJSONText(b, s), true
}

// smallDecimal parses [-+]?[1-9][0-9]{0,17} or 0 without allocating.
func smallDecimal(s []byte) (int64, bool) {
	i := 0
	neg := false
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		i++
	}
	if i >= len(s) || len(s)-i > 18 || (s[i] == '0' && len(s)-i > 1) {
		return 0, false
	}
	var v int64
	for ; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = v*10 + int64(s[i]-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

func onlyBytes(s []byte, set string) bool {
	for _, ch := range s {
		if strings.IndexByte(set, ch) < 0 {
			return false
		}
	}
	return true
}

// yamlFloat matches go-yaml v2's float syntax:
// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
func yamlFloat(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	} else {
		if digits() == 0 {
			return false
		}
		if i < len(s) && s[i] == '.' {
			i++
			digits()
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}
