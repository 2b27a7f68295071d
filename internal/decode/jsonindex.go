package decode

import (
	"bytes"
	"sort"
	"unicode/utf8"
)

// jsonLocator resolves field paths directly on JSON text: the JSON
// counterpart of blockIndex, so JSON documents never pay for a YAML parse
// to get positions. It declines (ok false) on escaped keys it would have
// to decode; the yaml.v3 tree answers those.
type jsonLocator struct {
	raw        []byte
	lineStarts []int // lazily built offsets of line starts
}

// lookup returns the 1-based line and column (in characters) of path.
func (j *jsonLocator) lookup(path string) (line, col int, exact, ok bool) {
	raw := j.raw
	off := skipSpace(raw)
	if off >= len(raw) {
		return 0, 0, false, false
	}
	at := off // position reported: the key, the item, or the root value
	for it := (pathIter{path: path}); ; {
		s, more := it.next()
		if !more {
			break
		}
		if off >= len(raw) {
			return 0, 0, false, false
		}
		switch {
		case s.index >= 0 && raw[off] == '[':
			p, found, good := j.arrayItem(off, s.index)
			if !good {
				return 0, 0, false, false
			}
			if !found {
				l, c := j.position(at)
				return l, c, false, true
			}
			off, at = p, p
		case s.index < 0 && raw[off] == '{':
			keyAt, valAt, found, good := j.member(off, s.key)
			if !good {
				return 0, 0, false, false
			}
			if !found {
				l, c := j.position(at)
				return l, c, false, true
			}
			off, at = valAt, keyAt
		default:
			l, c := j.position(at)
			return l, c, false, true
		}
	}
	l, c := j.position(at)
	return l, c, true, true
}

// member finds the last member named key of the object at off; it returns
// the offsets of its key and value.
func (j *jsonLocator) member(off int, key string) (keyAt, valAt int, found, ok bool) {
	raw := j.raw
	i := off + 1
	for {
		i += skipSpace(raw[i:])
		if i >= len(raw) {
			return 0, 0, false, false
		}
		switch raw[i] {
		case '}':
			return keyAt, valAt, found, true
		case ',':
			i++
			continue
		case '"':
		default:
			return 0, 0, false, false
		}
		start := i
		end := i + 1
		for end < len(raw) && raw[end] != '"' {
			if raw[end] == '\\' {
				return 0, 0, false, false
			}
			end++
		}
		if end >= len(raw) {
			return 0, 0, false, false
		}
		k := raw[start+1 : end]
		i = end + 1
		i += skipSpace(raw[i:])
		if i >= len(raw) || raw[i] != ':' {
			return 0, 0, false, false
		}
		i++
		i += skipSpace(raw[i:])
		n, err := valueEnd(raw[i:], 100000)
		if err != nil || n == 0 {
			return 0, 0, false, false
		}
		if string(k) == key {
			keyAt, valAt, found = start, i, true // the last duplicate wins
		}
		i += n
	}
}

// arrayItem returns the offset of element n of the array at off.
func (j *jsonLocator) arrayItem(off, n int) (at int, found, ok bool) {
	raw := j.raw
	i := off + 1
	for idx := 0; ; idx++ {
		i += skipSpace(raw[i:])
		if i >= len(raw) {
			return 0, false, false
		}
		if raw[i] == ']' {
			return 0, false, true
		}
		if raw[i] == ',' {
			i++
			i += skipSpace(raw[i:])
		}
		if i >= len(raw) {
			return 0, false, false
		}
		if idx == n {
			return i, true, true
		}
		m, err := valueEnd(raw[i:], 100000)
		if err != nil || m == 0 {
			return 0, false, false
		}
		i += m
	}
}

// position converts a byte offset into a 1-based line and a 1-based column
// counted in characters, as yaml.v3 reports them.
func (j *jsonLocator) position(off int) (line, col int) {
	if j.lineStarts == nil {
		j.lineStarts = append(j.lineStarts, 0)
		for i, c := range j.raw {
			if c == '\n' {
				j.lineStarts = append(j.lineStarts, i+1)
			}
		}
	}
	l := sort.SearchInts(j.lineStarts, off+1) - 1
	start := j.lineStarts[l]
	return l + 1, utf8.RuneCount(bytes.TrimSuffix(j.raw[start:off], []byte{'\r'})) + 1
}
