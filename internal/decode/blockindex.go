package decode

import (
	"bytes"
)

// blockIndex is a fast position index for the block-style YAML that nearly
// every Kubernetes manifest is written in. It records each mapping key and
// sequence item with its line and column in one pass over the lines,
// without building values, at a small fraction of a full YAML parse.
// Whenever it meets a construct it does not model exactly (anchors,
// aliases, tags, merge keys, flow collections spanning lines, multi-line
// quoted scalars, escapes in keys, tabs, directives) it declines, and the
// yaml.v3 tree is used instead. A differential test holds it to the same
// answers as the yaml.v3 lookup.
type blockIndex struct {
	nodes []bnode
	// mayHideDuplicates is set when the text has constructs whose keys
	// the index does not see or compare exactly: flow mappings, and plain
	// keys that YAML 1.1 may resolve to something other than a string
	// (numbers, booleans, null), where distinct spellings can be equal.
	mayHideDuplicates bool
	// rootLine and rootCol position the root container when they differ
	// from its first entry (a JSON object starts at its brace).
	rootLine, rootCol int
	// first[p+1] is the first child of node p (p = -1: the root) and
	// sibling[c] the next child of the same parent; -1 ends a chain.
	first, sibling []int32
}

type bnode struct {
	keyStart, keyEnd int32 // key bytes in raw; -1 for sequence items
	parent           int32 // -1 for the root container
	line, col        int32 // 1-based, relative to raw
	item             bool
	flow             bool // the value is an inline flow collection
}

type bframe struct {
	indent int
	seq    bool
	owner  int32
}

// buildBlockIndex returns nil when the text needs the full parser.
func buildBlockIndex(raw []byte) *blockIndex {
	if hasUnusualBreaks(raw) || bytes.IndexByte(raw, '\t') >= 0 {
		return nil
	}
	idx := &blockIndex{nodes: make([]bnode, 0, 64)}
	var stack []bframe
	lastOpen := int32(-1)    // newest node that may own a nested block
	lastOpenIndent := -1     // the column of its key or dash
	pendingItem := int32(-1) // item whose position is its first content
	skipAbove := -1          // lines indented more than this belong to a scalar
	line := 0
	for pos := 0; pos < len(raw); {
		end := bytes.IndexByte(raw[pos:], '\n')
		next := len(raw)
		if end >= 0 {
			next = pos + end + 1
		} else {
			end = len(raw) - pos
		}
		l := raw[pos : pos+end]
		lineStart := pos
		pos = next
		line++
		if n := len(l); n > 0 && l[n-1] == '\r' {
			l = l[:n-1]
		}
		ind := 0
		for ind < len(l) && l[ind] == ' ' {
			ind++
		}
		if ind < len(l) && l[ind] == '\t' {
			if skipAbove >= 0 && ind > skipAbove {
				continue
			}
			return nil
		}
		if ind == len(l) {
			continue // blank
		}
		if len(idx.nodes) >= maxIndexNodes {
			return nil // too big to index: the full parser answers, on demand
		}
		if skipAbove >= 0 {
			if ind > skipAbove {
				continue
			}
			skipAbove = -1
		}
		if l[ind] == '#' {
			continue
		}
		if line == 1 || ind == 0 {
			if l[0] == '%' || bytes.HasPrefix(l, []byte("---")) || bytes.HasPrefix(l, []byte("...")) {
				return nil
			}
		}
		col := ind
		// Sequence dashes, possibly several on one line ("- - a").
		for col < len(l) && l[col] == '-' && (col+1 == len(l) || l[col+1] == ' ') {
			for len(stack) > 0 && stack[len(stack)-1].indent > col {
				stack = stack[:len(stack)-1]
			}
			switch {
			case len(stack) > 0 && stack[len(stack)-1].indent == col && stack[len(stack)-1].seq:
			case len(stack) > 0 && stack[len(stack)-1].indent == col:
				// A compact sequence under the map's last key.
				if lastOpen < 0 || lastOpenIndent != col || idx.nodes[lastOpen].item {
					return nil
				}
				stack = append(stack, bframe{indent: col, seq: true, owner: lastOpen})
			default:
				if len(stack) == 0 && len(idx.nodes) > 0 {
					return nil
				}
				if len(stack) > 0 && (lastOpen < 0 || col <= lastOpenIndent) {
					return nil
				}
				stack = append(stack, bframe{indent: col, seq: true, owner: lastOpen})
			}
			owner := stack[len(stack)-1].owner
			if pendingItem >= 0 && owner == pendingItem {
				// An item whose content is a sequence starts at its dash.
				idx.nodes[pendingItem].line, idx.nodes[pendingItem].col = int32(line), int32(col+1)
			}
			// A null item sits just after its dash until content claims it.
			idx.nodes = append(idx.nodes, bnode{keyStart: -1, keyEnd: -1, parent: owner, item: true,
				line: int32(line), col: int32(col + 2)})
			it := int32(len(idx.nodes) - 1)
			pendingItem = it
			lastOpen, lastOpenIndent = it, col
			col++
			for col < len(l) && l[col] == ' ' {
				col++
			}
			if col >= len(l) || l[col] == '#' {
				break
			}
			// The item's content starts here: it is the item's position.
			idx.nodes[it].line, idx.nodes[it].col = int32(line), int32(col+1)
			pendingItem = -1
		}
		if col >= len(l) || l[col] == '#' {
			continue
		}
		rest := l[col:]
		switch rest[0] {
		case '&', '*', '!', '?', '%', '@', '`':
			return nil
		}
		keyStart, keyEnd, valStart, isKey, ok := splitKey(rest)
		if !ok {
			return nil
		}
		if !isKey {
			// A scalar or flow value as a sequence item.
			if len(stack) == 0 || !stack[len(stack)-1].seq || !inlineValueOK(rest) {
				return nil
			}
			if pendingItem >= 0 { // the item's content starts on a later line
				if lastOpen != pendingItem || col <= lastOpenIndent {
					return nil
				}
				idx.nodes[pendingItem].line, idx.nodes[pendingItem].col = int32(line), int32(col+1)
				pendingItem = -1
			}
			if lastOpen >= 0 && idx.nodes[lastOpen].item {
				idx.nodes[lastOpen].flow = rest[0] == '{' || rest[0] == '['
			}
			if (rest[0] == '{' || rest[0] == '[') && bytes.IndexByte(rest, '{') >= 0 {
				idx.mayHideDuplicates = true
			}
			lastOpen = -1
			skipAbove = col - 1
			continue
		}
		for len(stack) > 0 && stack[len(stack)-1].indent > col {
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 && stack[len(stack)-1].indent == col && stack[len(stack)-1].seq {
			stack = stack[:len(stack)-1] // a compact sequence ended
		}
		if len(stack) == 0 && len(idx.nodes) > 0 {
			return nil // the root container was closed: not a plain manifest
		}
		if len(stack) == 0 || stack[len(stack)-1].indent < col {
			if len(stack) > 0 && (lastOpen < 0 || col <= lastOpenIndent) {
				return nil
			}
			stack = append(stack, bframe{indent: col, owner: lastOpen})
		} else if stack[len(stack)-1].seq {
			return nil
		}
		top := stack[len(stack)-1]
		key := rest[keyStart:keyEnd]
		if len(key) == 2 && key[0] == '<' && key[1] == '<' {
			return nil
		}
		if rest[0] != '"' && rest[0] != '\'' && mayResolveNonString(key) {
			idx.mayHideDuplicates = true
		}
		ks := int32(lineStart + col + keyStart) // quoted keys are stored unquoted
		idx.nodes = append(idx.nodes, bnode{keyStart: ks, keyEnd: ks + int32(len(key)), parent: top.owner,
			line: int32(line), col: int32(col + 1)})
		k := int32(len(idx.nodes) - 1)
		if pendingItem >= 0 && top.owner == pendingItem {
			idx.nodes[pendingItem].line, idx.nodes[pendingItem].col = int32(line), int32(col+1)
			pendingItem = -1
		}
		val := bytes.TrimSpace(rest[valStart:])
		if len(val) == 0 || val[0] == '#' {
			lastOpen, lastOpenIndent = k, col
			continue
		}
		lastOpen = -1
		switch val[0] {
		case '|', '>':
			skipAbove = col
			continue
		case '&', '*', '!':
			return nil
		}
		if !inlineValueOK(val) {
			return nil
		}
		idx.nodes[k].flow = val[0] == '{' || val[0] == '['
		if idx.nodes[k].flow && bytes.IndexByte(val, '{') >= 0 {
			idx.mayHideDuplicates = true
		}
		skipAbove = col
	}
	return idx.link()
}

// link chains every node's children in document order (slot 0 of first
// stands for the root container), so that lookups walk only the children
// of each node on the path.
func (b *blockIndex) link() *blockIndex {
	n := len(b.nodes)
	b.first = make([]int32, n+1)
	b.sibling = make([]int32, n)
	last := make([]int32, n+1)
	for i := range last {
		last[i], b.first[i] = -1, -1
	}
	for i := range b.nodes {
		b.sibling[i] = -1
		p := b.nodes[i].parent + 1
		if last[p] >= 0 {
			b.sibling[last[p]] = int32(i)
		} else {
			b.first[p] = int32(i)
		}
		last[p] = int32(i)
	}
	return b
}

// splitKey finds "key:" at the start of s. isKey is false when s is a plain
// or flow scalar; ok is false when the line needs the full parser.
func splitKey(s []byte) (keyStart, keyEnd, valStart int, isKey, ok bool) {
	if s[0] == '"' || s[0] == '\'' {
		q := s[0]
		i := 1
		for i < len(s) && s[i] != q {
			if s[i] == '\\' && q == '"' {
				return 0, 0, 0, false, false
			}
			i++
		}
		if i >= len(s) {
			return 0, 0, 0, false, false // multi-line quoted scalar
		}
		if q == '\'' && i+1 < len(s) && s[i+1] == '\'' {
			return 0, 0, 0, false, false // escaped quote in a key or value
		}
		j := i + 1
		for j < len(s) && s[j] == ' ' {
			j++
		}
		if j < len(s) && s[j] == ':' && (j+1 == len(s) || s[j+1] == ' ') {
			return 1, i, j + 1, true, true
		}
		return 0, 0, 0, false, true
	}
	if s[0] == '{' || s[0] == '[' {
		return 0, 0, 0, false, true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ':':
			if i+1 == len(s) || s[i+1] == ' ' {
				k := bytes.TrimRight(s[:i], " ")
				return 0, len(k), i + 1, true, true
			}
		case '#':
			if i > 0 && s[i-1] == ' ' {
				return 0, 0, 0, false, true
			}
		}
	}
	return 0, 0, 0, false, true
}

// inlineValueOK accepts single-line scalars and flow collections that
// close on their line without anchors, aliases or tags inside.
func inlineValueOK(v []byte) bool {
	switch v[0] {
	case '"', '\'':
		q := v[0]
		for i := 1; i < len(v); i++ {
			if v[i] == '\\' && q == '"' {
				i++
				continue
			}
			if v[i] == q {
				if q == '\'' && i+1 < len(v) && v[i+1] == '\'' {
					i++
					continue
				}
				return true
			}
		}
		return false
	case '{', '[':
		depth := 0
		var quote byte
		for i := 0; i < len(v); i++ {
			c := v[i]
			if quote != 0 {
				if c == '\\' && quote == '"' {
					i++
				} else if c == quote {
					quote = 0
				}
				continue
			}
			switch c {
			case '"', '\'':
				quote = c
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return true
				}
			case '&', '*', '!':
				return false
			}
		}
		return false
	}
	return true
}

// lookup resolves a path like positioner.lookup; ok is false when the
// index cannot answer (the path goes into an inline flow collection).
func (b *blockIndex) lookup(raw []byte, path string) (line, col int, exact, ok bool) {
	cur := int32(-1)
	atLine, atCol := 1, 1
	if b.rootLine > 0 {
		atLine, atCol = b.rootLine, b.rootCol
	} else if len(b.nodes) > 0 {
		atLine, atCol = int(b.nodes[0].line), int(b.nodes[0].col)
	}
	for it := (pathIter{path: path}); ; {
		s, more := it.next()
		if !more {
			break
		}
		if cur >= 0 && b.nodes[cur].flow {
			return 0, 0, false, false
		}
		next := int32(-1)
		if s.index >= 0 {
			n := 0
			for i := b.first[cur+1]; i >= 0; i = b.sibling[i] {
				if b.nodes[i].item {
					if n == s.index {
						next = i
						break
					}
					n++
				}
			}
		} else {
			for i := b.first[cur+1]; i >= 0; i = b.sibling[i] {
				nd := &b.nodes[i]
				if !nd.item && string(raw[nd.keyStart:nd.keyEnd]) == s.key {
					next = i // the last duplicate wins, as in the API server
				}
			}
		}
		if next < 0 {
			return atLine, atCol, false, true
		}
		cur = next
		atLine, atCol = int(b.nodes[cur].line), int(b.nodes[cur].col)
	}
	return atLine, atCol, true, true
}

// hasUnusualBreaks reports line breaks other than LF and CRLF: a lone CR,
// NEL, LS or PS, which go-yaml also treats as breaks.
func hasUnusualBreaks(raw []byte) bool {
	for i := bytes.IndexByte(raw, '\r'); i >= 0; {
		if i+1 >= len(raw) || raw[i+1] != '\n' {
			return true
		}
		j := bytes.IndexByte(raw[i+1:], '\r')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return bytes.Contains(raw, []byte("\u0085")) || bytes.Contains(raw, []byte("\u2028")) || bytes.Contains(raw, []byte("\u2029"))
}

// mayResolveNonString reports whether a plain YAML 1.1 scalar might not be
// a string: numbers, timestamps, booleans, null (checked generously).
func mayResolveNonString(k []byte) bool {
	if len(k) == 0 {
		return true
	}
	switch k[0] {
	case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '+', '-', '.', '~', '=':
		return true
	}
	if len(k) > 5 {
		return false
	}
	for _, w := range [...]string{"y", "yes", "n", "no", "true", "false", "on", "off", "null"} {
		if foldEqual(k, w) {
			return true
		}
	}
	return false
}

// foldEqual compares k with the lower-case ASCII word w, ignoring case.
func foldEqual(k []byte, w string) bool {
	if len(k) != len(w) {
		return false
	}
	for i := range k {
		if k[i]|0x20 != w[i] {
			return false
		}
	}
	return true
}

// duplicateFree reports whether the index proves that no mapping of the
// document has a duplicate key. False means "not proven": the caller then
// lets go-yaml's strict decoder decide.
func (b *blockIndex) duplicateFree(raw []byte) bool {
	if b.mayHideDuplicates {
		return false
	}
	next, first := b.sibling, b.first
	var seen map[string]struct{}
	for p := range first {
		count := 0
		for c := first[p]; c >= 0; c = next[c] {
			if !b.nodes[c].item {
				count++
			}
		}
		if count < 2 {
			continue
		}
		if count <= 16 {
			for a := first[p]; a >= 0; a = next[a] {
				ka := raw[b.nodes[a].keyStart:b.nodes[a].keyEnd]
				for c := next[a]; c >= 0; c = next[c] {
					if bytes.Equal(ka, raw[b.nodes[c].keyStart:b.nodes[c].keyEnd]) {
						return false
					}
				}
			}
			continue
		}
		if seen == nil {
			seen = make(map[string]struct{}, count)
		} else {
			clear(seen)
		}
		for c := first[p]; c >= 0; c = next[c] {
			k := string(raw[b.nodes[c].keyStart:b.nodes[c].keyEnd])
			if _, dup := seen[k]; dup {
				return false
			}
			seen[k] = struct{}{}
		}
	}
	return true
}

// onceAtTop reports whether none of keys appears more than once at the top
// level of the indexed document.
func (b *blockIndex) onceAtTop(raw []byte, keys ...string) bool {
	var counts [8]int
	for i := b.first[0]; i >= 0; i = b.sibling[i] {
		nd := &b.nodes[i]
		if nd.item {
			return false
		}
		for k, key := range keys {
			if string(raw[nd.keyStart:nd.keyEnd]) == key {
				if counts[k]++; counts[k] > 1 {
					return false
				}
			}
		}
	}
	return len(keys) <= len(counts)
}
