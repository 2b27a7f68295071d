package decode

// jsonLocator resolves field paths directly on JSON text: the JSON
// counterpart of blockIndex, so JSON documents never pay for a YAML parse
// to get positions. One pass indexes every key and array element with its
// line and column (columns count characters, as yaml.v3 does); lookups then
// walk the index. It declines (nil index) on escaped keys it would have to
// decode, and the yaml.v3 tree answers those documents.
type jsonLocator struct {
	raw   []byte
	built bool
	idx   *blockIndex
}

// lookup returns the 1-based line and column of path.
func (j *jsonLocator) lookup(path string) (line, col int, exact, ok bool) {
	if !j.built {
		j.idx, j.built = buildJSONIndex(j.raw), true
	}
	if j.idx == nil {
		return 0, 0, false, false
	}
	return j.idx.lookup(j.raw, path)
}

// jsonScanner tracks line and character column while it walks JSON.
type jsonScanner struct {
	raw       []byte
	i         int
	line, col int
}

func (s *jsonScanner) advance(n int) {
	end := min(s.i+n, len(s.raw))
	for ; s.i < end; s.i++ {
		c := s.raw[s.i]
		switch {
		case c == '\n':
			s.line++
			s.col = 1
		case c == '\r':
			// CRLF counts once (at the LF); a lone CR breaks the line, as
			// in YAML.
			if s.i+1 >= len(s.raw) || s.raw[s.i+1] != '\n' {
				s.line++
				s.col = 1
			}
		case c&0xC0 != 0x80:
			s.col++
		}
	}
}

func (s *jsonScanner) skipSpace() {
	for s.i < len(s.raw) {
		switch s.raw[s.i] {
		case ' ', '\t', '\r', '\n':
			s.advance(1)
		default:
			return
		}
	}
}

// skipString moves past a string starting at s.i; escaped reports whether
// it contained escapes.
func (s *jsonScanner) skipString() (start, end int, escaped, ok bool) {
	start = s.i + 1
	for k := start; k < len(s.raw); k++ {
		switch s.raw[k] {
		case '\\':
			escaped = true
			k++
		case '"':
			s.advance(k + 1 - s.i)
			return start, k, escaped, true
		}
	}
	return 0, 0, false, false
}

// buildJSONIndex indexes a JSON value; nil when it cannot.
func buildJSONIndex(raw []byte) *blockIndex {
	s := &jsonScanner{raw: raw, line: 1, col: 1}
	idx := &blockIndex{nodes: make([]bnode, 0, 64)}
	type frame struct {
		arr   bool
		owner int32
	}
	var stack []frame
	owner := int32(-1) // owner of the next value in an object
	expectKey := false
	s.skipSpace()
	if s.i >= len(raw) {
		return nil
	}
	idx.rootLine, idx.rootCol = s.line, s.col
	for {
		s.skipSpace()
		if s.i >= len(raw) {
			if len(stack) == 0 {
				return idx
			}
			return nil
		}
		c := raw[s.i]
		switch {
		case expectKey && c == '"':
			line, col := s.line, s.col
			start, end, escaped, ok := s.skipString()
			if !ok || escaped {
				return nil
			}
			idx.nodes = append(idx.nodes, bnode{keyStart: int32(start), keyEnd: int32(end), parent: stack[len(stack)-1].owner,
				line: int32(line), col: int32(col)})
			owner = int32(len(idx.nodes) - 1)
			s.skipSpace()
			if s.i >= len(raw) || raw[s.i] != ':' {
				return nil
			}
			s.advance(1)
			expectKey = false
			continue
		case c == '}' || c == ']':
			if len(stack) == 0 {
				return nil
			}
			stack = stack[:len(stack)-1]
			s.advance(1)
			expectKey = false
			if len(stack) == 0 {
				s.skipSpace()
				if s.i < len(raw) {
					return nil
				}
				return idx
			}
			continue
		case c == ',':
			if len(stack) == 0 {
				return nil
			}
			s.advance(1)
			expectKey = !stack[len(stack)-1].arr
			continue
		case expectKey:
			return nil
		}
		// A value starts here.
		valueOwner := owner
		if len(stack) > 0 && stack[len(stack)-1].arr {
			idx.nodes = append(idx.nodes, bnode{keyStart: -1, keyEnd: -1, parent: stack[len(stack)-1].owner, item: true,
				line: int32(s.line), col: int32(s.col)})
			valueOwner = int32(len(idx.nodes) - 1)
		}
		switch c {
		case '{', '[':
			stack = append(stack, frame{arr: c == '[', owner: valueOwner})
			s.advance(1)
			expectKey = c == '{'
			if expectKey {
				// An empty object closes at once.
				s.skipSpace()
				if s.i < len(raw) && raw[s.i] == '}' {
					expectKey = false
				}
			}
		case '"':
			if _, _, _, ok := s.skipString(); !ok {
				return nil
			}
		default:
			n, err := valueEnd(raw[s.i:], 1)
			if err != nil || n == 0 {
				return nil
			}
			s.advance(n)
		}
		if len(stack) == 0 {
			s.skipSpace()
			if s.i < len(raw) {
				return nil
			}
			return idx
		}
	}
}
