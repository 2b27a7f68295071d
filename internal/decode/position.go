package decode

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	yaml3 "go.yaml.in/yaml/v3"
)

type node = yaml3.Node

func (p *positioner) parse() (*node, error) {
	p.once.Do(func() {
		var n yaml3.Node
		if err := yaml3.Unmarshal(p.raw, &n); err != nil {
			p.err = err
			return
		}
		if n.Kind == yaml3.DocumentNode && len(n.Content) > 0 {
			p.root = n.Content[0]
		} else {
			p.root = &n
		}
	})
	return p.root, p.err
}

// expandedSize returns the size of the document with every alias expanded
// (bytes of scalars plus one per node), stopping as soon as budget is
// exceeded; -1 when yaml.v3 cannot parse the text. Sizes are memoised per
// node so the scan stays linear however aliases are nested.
func (p *positioner) expandedSize(budget int) (int, error) {
	root, err := p.parse()
	if err != nil || root == nil {
		return -1, nil
	}
	memo := map[*node]int{}
	var size func(n *node, depth int) int
	size = func(n *node, depth int) int {
		if n == nil || depth > 20000 {
			return 0
		}
		if v, ok := memo[n]; ok {
			return v
		}
		memo[n] = 0 // guards against cycles
		total := 1 + len(n.Value)
		if n.Kind == yaml3.AliasNode {
			total = 1 + size(n.Alias, depth+1)
		}
		for _, c := range n.Content {
			total += size(c, depth+1)
			if total > budget {
				break
			}
		}
		if total > budget {
			total = budget + 1
		}
		memo[n] = total
		return total
	}
	n := size(root, 0)
	if n > budget {
		return n, fmt.Errorf("%w: aliases expand to more than %d bytes", ErrAliasBudget, budget)
	}
	return n, nil
}

// segment is one step of a field path: a key or a sequence index.
type segment struct {
	key   string
	index int // -1 for keys
}

// parsePath splits "a.b[0].c[x.y/z]" into segments.
func parsePath(path string) []segment {
	var segs []segment
	for it := (pathIter{path: path}); ; {
		s, ok := it.next()
		if !ok {
			return segs
		}
		segs = append(segs, s)
	}
}

// pathIter yields the segments of a path without allocating.
type pathIter struct {
	path string
	i    int
}

func (it *pathIter) next() (segment, bool) {
	path := it.path
	for it.i < len(path) {
		i := it.i
		switch path[i] {
		case '.':
			it.i++
		case '[':
			j := strings.IndexByte(path[i:], ']')
			if j < 0 {
				it.i = len(path)
				return segment{key: path[i+1:], index: -1}, true
			}
			inner := path[i+1 : i+j]
			it.i = i + j + 1
			if n, ok := atoi(inner); ok {
				return segment{index: n}, true
			}
			return segment{key: strings.Trim(inner, `"'`), index: -1}, true
		default:
			j := strings.IndexAny(path[i:], ".[")
			if j < 0 {
				j = len(path) - i
			}
			it.i = i + j
			return segment{key: path[i : i+j], index: -1}, true
		}
	}
	return segment{}, false
}

// atoi parses a non-negative decimal index.
func atoi(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func lastSegment(path string) string {
	segs := parsePath(path)
	if len(segs) == 0 {
		return path
	}
	s := segs[len(segs)-1]
	if s.index >= 0 {
		return strconv.Itoa(s.index)
	}
	return s.key
}

// lookup returns the 1-based line and column of path in the source.
func (p *positioner) lookup(path string) (line, col int, exact, ok bool) {
	p.blockOnce.Do(func() {
		if p.root != nil || p.err != nil {
			return // already parsed for the alias check
		}
		if t := bytes.TrimSpace(p.raw); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
			if idx, _, verdict := indexJSON(p.raw); verdict == jsonValid {
				p.json = &jsonLocator{raw: p.raw, idx: idx}
				return
			}
		}
		p.block = buildBlockIndex(p.raw)
	})
	if p.json != nil {
		l, c, e, ok := p.json.lookup(path)
		if ok {
			return l + p.base - 1, c, e, true
		}
	}
	if p.block != nil {
		if l, c, e, ok := p.block.lookup(p.raw, path); ok {
			return l + p.base - 1, c, e, true
		}
	}
	return p.lookupTree(path)
}

// lookupTree resolves a path on the yaml.v3 node tree.
func (p *positioner) lookupTree(path string) (line, col int, exact, ok bool) {
	root, err := p.parse()
	if err != nil || root == nil {
		return 0, 0, false, false
	}
	cur := deref(root)
	at := root // the node whose position we report
	for it := (pathIter{path: path}); ; {
		s, more := it.next()
		if !more {
			break
		}
		var next, keyNode *node
		if s.index >= 0 {
			if cur.Kind == yaml3.SequenceNode && s.index < len(cur.Content) {
				next = cur.Content[s.index]
				keyNode = next
			}
		} else if cur.Kind == yaml3.MappingNode {
			keyNode, next = mapLookup(cur, s.key, 0)
		}
		if next == nil {
			return at.Line + p.base - 1, at.Column, false, true
		}
		at = keyNode
		cur = deref(next)
	}
	return at.Line + p.base - 1, at.Column, true, true
}

func deref(n *node) *node {
	for i := 0; n != nil && n.Kind == yaml3.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml3.DocumentNode && len(n.Content) > 0 {
		return deref(n.Content[0])
	}
	return n
}

// mapLookup finds key in a mapping: explicit keys first (the last duplicate
// wins, as in the API server), then "<<" merges in order.
func mapLookup(m *node, key string, depth int) (k, v *node) {
	if depth > 50 {
		return nil, nil
	}
	for i := len(m.Content) - 2; i >= 0; i -= 2 {
		if m.Content[i].Value == key && m.Content[i].Tag != "!!merge" {
			return m.Content[i], m.Content[i+1]
		}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != "<<" {
			continue
		}
		src := deref(m.Content[i+1])
		var srcs []*node
		if src != nil && src.Kind == yaml3.SequenceNode {
			srcs = src.Content
		} else {
			srcs = []*node{src}
		}
		for _, s := range srcs {
			s = deref(s)
			if s != nil && s.Kind == yaml3.MappingNode {
				if k, v := mapLookup(s, key, depth+1); v != nil {
					return k, v
				}
			}
		}
	}
	return nil, nil
}
