package decode

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/kubeharden/kubeharden"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// Meta is the part of an object every analyzer dispatches on.
type Meta struct {
	APIVersion  string
	Kind        string
	Name        string
	Namespace   string
	Labels      map[string]string
	Annotations map[string]string
}

// Document is one decoded document (or one item of a List document).
type Document struct {
	Source string
	// Index is the 0-based index of the document in its stream, counting
	// empty and comment-only documents as kubectl's reader returns them.
	Index int
	// Item is the index inside a List document, or -1.
	Item int
	// Line is the 1-based line where the document starts in the source.
	Line int
	// Raw is the document as written (YAML or JSON). For List items it is
	// the List document's text.
	Raw []byte
	// JSON is the document as the API server sees it: YAML 1.1 scalars,
	// merge keys applied, the last of duplicate keys kept.
	JSON []byte
	// Meta holds apiVersion, kind and metadata, decoded case-sensitively.
	Meta Meta
	// MetaErr is set when apiVersion, kind or metadata has the wrong type
	// (metadata.name: 1): the API server rejects such an object. Meta then
	// holds the fields that could be read; Into reports the same error with
	// its position. Callers that only dispatch on Meta should report it.
	MetaErr *kubeharden.InputError
	// Problems are duplicate keys found while converting YAML to JSON;
	// Into adds unknown and case-variant fields.
	Problems []FieldProblem

	pos    *positioner // shared by the items of one List
	prefix string      // path prefix of a List item ("items[2]")
}

// Object names the document kubesec-style: "Kind/name.namespace" (namespace
// "default" when unset), or "Kind/name" for cluster-scoped callers that
// pass clusterScoped, or the kind alone when the object has no name.
func (d *Document) Object(clusterScoped bool) string {
	kind := d.Meta.Kind
	if kind == "" {
		kind = "Object"
	}
	if d.Meta.Name == "" {
		return kind
	}
	if clusterScoped {
		return kind + "/" + d.Meta.Name
	}
	ns := d.Meta.Namespace
	if ns == "" {
		ns = "default"
	}
	return kind + "/" + d.Meta.Name + "." + ns
}

// Error wraps err as an InputError positioned at path (which may be empty).
func (d *Document) Error(err error, path string) *kubeharden.InputError {
	e := &kubeharden.InputError{Source: d.Source, Document: d.Index, Line: d.Line, Err: err}
	if path != "" {
		if p := d.Position(path); p.IsValid() {
			e.Line, e.Column = p.Line, p.Column
		}
	}
	return e
}

// ProblemKind classifies a FieldProblem.
type ProblemKind int

const (
	// UnknownField: the key is not a field of the target type; the API
	// server drops it.
	UnknownField ProblemKind = iota
	// DuplicateKey: the key appears twice in one mapping; the API server
	// keeps the last value.
	DuplicateKey
	// CaseVariantKey: the key differs from a real field only in case
	// (allowprivilegeescalation); the API server drops it, while
	// case-insensitive tools read it.
	CaseVariantKey
)

func (k ProblemKind) String() string {
	switch k {
	case UnknownField:
		return "unknown field"
	case DuplicateKey:
		return "duplicate key"
	case CaseVariantKey:
		return "case-variant key"
	}
	return "problem"
}

// FieldProblem is a strict-decoding problem that does not stop analysis.
type FieldProblem struct {
	Kind ProblemKind
	// Path is the field path of the offending key
	// ("spec.containers[0].securityContext.privilegd").
	Path string
	// Canonical is the real field name for a CaseVariantKey.
	Canonical string
	// Line is set when the converter reported it (duplicate YAML keys).
	Line    int
	Message string
}

var (
	reYAMLLine  = regexp.MustCompile(`line (\d+):`)
	reDupKey    = regexp.MustCompile(`line (\d+): key (".*?"|\S+) already set in map`)
	reStrictMsg = regexp.MustCompile(`^(?:json: )?(unknown|duplicate) field "(.*)"$`)
	reTypeErr   = regexp.MustCompile(`into Go struct field [^.\s]+\.(\S+) of type`)
	reJSONValue = regexp.MustCompile(`^json: cannot unmarshal (\S+(?: \S+)?) into`)
)

// convert turns one framed document into a Document (or List items).
func (s *splitter) convert(raw []byte, idx, line int) {
	if !utf8.Valid(raw) {
		s.fail(idx, line+invalidUTF8Line(raw)-1, ErrInvalidUTF8)
		return
	}
	var pos *positioner
	var problems []FieldProblem
	var js []byte
	depth := -1       // unknown
	metaOnce := false // the top level holds apiVersion, kind and metadata once at most
	if t := bytes.TrimSpace(raw); len(t) > 0 && (t[0] == '{' || t[0] == '[') && isJSON(raw, t, line, &pos, &depth) {
		js = t
		metaOnce = pos != nil && pos.json != nil && pos.json.idx != nil && pos.json.idx.onceAtTop(raw, "apiVersion", "kind", "metadata")
	} else {
		if bytes.IndexByte(raw, '&') >= 0 {
			// Anchors exist: measure what the aliases expand to before
			// go-yaml and json.Marshal copy them (parsing.md §4.2).
			budget := s.opts.MaxAliasBytes
			if budget <= 0 {
				budget = max(1<<20, 10*len(raw))
			}
			p := newPositioner(raw, line)
			if n, err := p.expandedSize(budget); err != nil {
				s.fail(idx, line, err)
				return
			} else if n < 0 {
				p = nil // yaml.v3 could not parse it; go-yaml v2 decides below
			}
			pos = p
		}
		var err error
		var bi *blockIndex
		if pos == nil {
			// Plain block YAML: one pass converts it and indexes its
			// positions, and the index proves its keys unique (otherwise
			// the strict converter below reports the duplicates).
			if out, ci, d, ok := convertBlock(make([]byte, 0, len(raw)+len(raw)/4), raw); ok && ci.duplicateFree(raw) {
				js, depth, metaOnce = out, d, true
				pos = newPositioner(raw, line)
				pos.blockOnce.Do(func() { pos.block = ci })
			} else if bi = buildBlockIndex(raw); bi != nil {
				// The position index doubles as a duplicate-key check:
				// when it proves the document has none, the cheaper
				// non-strict conversion gives the same JSON.
				pos = newPositioner(raw, line)
				pos.blockOnce.Do(func() { pos.block = bi })
			}
		}
		switch {
		case js != nil:
			// converted and indexed above
		case bi != nil && bi.duplicateFree(raw):
			metaOnce = true
			// Unique string keys: go-yaml v2's scalars, ordered mappings
			// written directly, the same values as sigs.k8s.io/yaml.
			js, err = yamlToJSONFast(raw)
			if errors.Is(err, errFastPath) {
				js, err = yaml.YAMLToJSON(raw)
			}
			if err != nil {
				s.fail(idx, line+yamlErrLine(err)-1, fmt.Errorf("%w: %s", ErrSyntax, cleanYAMLErr(err)))
				return
			}
		default:
			if js, err = yaml.YAMLToJSONStrict(raw); err == nil {
				break
			}
			dups := reDupKey.FindAllStringSubmatch(err.Error(), -1)
			if len(dups) == 0 {
				s.fail(idx, line+yamlErrLine(err)-1, fmt.Errorf("%w: %s", ErrSyntax, cleanYAMLErr(err)))
				return
			}
			for _, m := range dups {
				l, _ := strconv.Atoi(m[1])
				key := strings.Trim(m[2], `"`)
				problems = append(problems, FieldProblem{Kind: DuplicateKey, Path: key, Line: line + l - 1,
					Message: fmt.Sprintf("key %q appears more than once in one mapping; the API server keeps the last value", key)})
			}
			js, err = yaml.YAMLToJSON(raw)
			if err != nil {
				s.fail(idx, line+yamlErrLine(err)-1, fmt.Errorf("%w: %s", ErrSyntax, cleanYAMLErr(err)))
				return
			}
		}
	}
	if bytes.Equal(js, []byte("null")) {
		return
	}
	if depth < 0 {
		depth = jsonDepth(js)
	}
	if d := depth; d > s.opts.MaxDepth {
		s.fail(idx, line, fmt.Errorf("%w (%d levels, limit %d)", ErrTooDeep, d, s.opts.MaxDepth))
		return
	}
	if pos == nil {
		pos = newPositioner(raw, line)
	}
	if js[0] == '[' {
		s.expand(js, raw, idx, line, pos, problems)
		return
	}
	if js[0] != '{' {
		s.fail(idx, line, fmt.Errorf("%w: found %s", ErrNotObject, truncate(string(js), 30)))
		return
	}
	d := &Document{Source: s.source, Index: idx, Item: -1, Line: line, Raw: raw, JSON: js, Problems: problems, pos: pos}
	if err := decodeMetaOnce(js, &d.Meta, metaOnce); err != nil {
		// Keep the document: a typed decode reports the same problem with
		// its position, and kubesec-compatible callers still name it.
		d.MetaErr = d.Error(err, "metadata")
	}
	if d.MetaErr == nil && isList(d.Meta.Kind) {
		var l struct {
			Items json.RawMessage `json:"items"`
		}
		if err := kjson.UnmarshalCaseSensitivePreserveInts(js, &l); err == nil && len(l.Items) > 0 && l.Items[0] == '[' {
			s.count-- // the List itself does not count, its items do
			s.expandItems(l.Items, d, "items")
			return
		}
	}
	s.docs = append(s.docs, d)
}

// isJSON reports whether the document t (raw without surrounding space) is
// one JSON value. The common case is validated and indexed for positions
// in one pass, which also measures its depth; texts the indexer cannot
// decide are left to encoding/json.
func isJSON(raw, t []byte, line int, pos **positioner, depth *int) bool {
	idx, d, verdict := indexJSON(raw)
	switch verdict {
	case jsonValid:
		p := newPositioner(raw, line)
		p.blockOnce.Do(func() { p.json = &jsonLocator{raw: raw, idx: idx} })
		*pos, *depth = p, d
		return true
	case jsonUnsure:
		return json.Valid(t)
	}
	return len(t) != len(bytes.Trim(raw, " \t\r\n")) && json.Valid(t) // odd surrounding space
}

// expand treats a top-level array as a list of objects.
func (s *splitter) expand(js, raw []byte, idx, line int, pos *positioner, problems []FieldProblem) {
	parent := &Document{Source: s.source, Index: idx, Item: -1, Line: line, Raw: raw, Problems: problems, pos: pos}
	s.count--
	s.expandItems(js, parent, "")
}

func (s *splitter) expandItems(arr []byte, parent *Document, prefix string) {
	var items []json.RawMessage
	if err := json.Unmarshal(arr, &items); err != nil {
		s.fail(parent.Index, parent.Line, fmt.Errorf("%w: list items: %w", ErrSyntax, err))
		return
	}
	for i, it := range items {
		p := fmt.Sprintf("%s[%d]", prefix, i)
		it = bytes.TrimSpace(it)
		if bytes.Equal(it, []byte("null")) {
			continue
		}
		if !s.reserve(parent.Index, parent.Line) {
			return
		}
		d := &Document{Source: s.source, Index: parent.Index, Item: i, Line: parent.Line, Raw: parent.Raw,
			JSON: it, pos: parent.pos, prefix: p}
		if i == 0 {
			d.Problems = parent.Problems
		}
		if len(it) == 0 || it[0] != '{' {
			s.fail(parent.Index, d.Position("").Line, fmt.Errorf("%w: item %d of the list", ErrNotObject, i))
			continue
		}
		if err := decodeMeta(it, &d.Meta); err != nil {
			d.MetaErr = d.Error(fmt.Errorf("item %d: %w", i, err), "metadata")
		}
		// Items of a typed list (PodList from an API response) may omit
		// their kind: it is the list's kind without "List".
		if d.Meta.Kind == "" && parent.Meta.Kind != "List" && isList(parent.Meta.Kind) {
			d.Meta.Kind = strings.TrimSuffix(parent.Meta.Kind, "List")
			if d.Meta.APIVersion == "" {
				d.Meta.APIVersion = parent.Meta.APIVersion
			}
		}
		s.docs = append(s.docs, d)
	}
}

func isList(kind string) bool {
	return kind == "List" || (strings.HasSuffix(kind, "List") && len(kind) > 4)
}

func decodeMeta(js []byte, m *Meta) error {
	return decodeMetaOnce(js, m, false)
}

// decodeMetaOnce is decodeMeta for a document whose top level is known to
// hold apiVersion, kind and metadata at most once each: the scan then
// stops as soon as it has all three, without walking the spec.
func decodeMetaOnce(js []byte, m *Meta, once bool) error {
	if fastMeta(js, m, once) {
		return nil
	}
	*m = Meta{}
	return slowMeta(js, m)
}

// fastMeta reads apiVersion, kind and metadata from the top level of a
// JSON object without decoding the rest (which the analyzer decodes once,
// typed). It declines (false) on anything unusual — escaped keys, non-string
// values — so that slowMeta gives the exact API-server reading and error.
// Like encoding/json, the last of duplicate keys wins.
func fastMeta(js []byte, m *Meta, once bool) bool {
	var out Meta
	seen, done := 0, false
	ok := eachMember(js, func(key, val []byte) bool {
		switch string(key) {
		case "apiVersion":
			if !jsonString(val, &out.APIVersion) {
				return false
			}
		case "kind":
			if !jsonString(val, &out.Kind) {
				return false
			}
		case "metadata":
			out.Name, out.Namespace, out.Labels, out.Annotations = "", "", nil, nil
			if val[0] == 'n' {
				if string(val) != "null" {
					return false
				}
				break
			}
			if !eachMember(val, func(k, v []byte) bool {
				switch string(k) {
				case "name":
					return jsonString(v, &out.Name)
				case "namespace":
					return jsonString(v, &out.Namespace)
				case "labels":
					return stringMap(v, &out.Labels)
				case "annotations":
					return stringMap(v, &out.Annotations)
				}
				return true
			}) {
				return false
			}
		default:
			return true
		}
		seen++
		done = once && seen == 3 // the rest cannot change the answer
		return !done
	})
	if ok || done {
		*m = out
	}
	return ok || done
}

// eachMember calls fn for every member of the JSON object js, with the raw
// key (unescaped keys only) and raw value. It returns false when js is not
// a plain object or fn declines.
func eachMember(js []byte, fn func(key, val []byte) bool) bool {
	i := skipSpace(js)
	if i >= len(js) || js[i] != '{' {
		return false
	}
	i++
	for {
		i += skipSpace(js[i:])
		if i >= len(js) {
			return false
		}
		switch js[i] {
		case '}':
			return true
		case ',':
			i++
			continue
		case '"':
		default:
			return false
		}
		end := i + 1
		for end < len(js) && js[end] != '"' {
			if js[end] == '\\' {
				return false
			}
			end++
		}
		if end >= len(js) {
			return false
		}
		key := js[i+1 : end]
		i = end + 1
		i += skipSpace(js[i:])
		if i >= len(js) || js[i] != ':' {
			return false
		}
		i++
		i += skipSpace(js[i:])
		n, err := valueEnd(js[i:], 10000)
		if err != nil || n == 0 {
			return false
		}
		if !fn(key, js[i:i+n]) {
			return false
		}
		i += n
	}
}

// jsonString reads a JSON string or null without escapes.
func jsonString(val []byte, dst *string) bool {
	if string(val) == "null" {
		*dst = ""
		return true
	}
	if len(val) < 2 || val[0] != '"' || bytes.IndexByte(val, '\\') >= 0 {
		return false
	}
	*dst = string(val[1 : len(val)-1])
	return true
}

func stringMap(val []byte, dst *map[string]string) bool {
	if string(val) == "null" {
		*dst = nil
		return true
	}
	m := map[string]string{}
	ok := eachMember(val, func(k, v []byte) bool {
		var s string
		if !jsonString(v, &s) {
			return false
		}
		m[string(k)] = s
		return true
	})
	if ok {
		*dst = m
	}
	return ok
}

func slowMeta(js []byte, m *Meta) error {
	var tm struct {
		APIVersion any `json:"apiVersion"`
		Kind       any `json:"kind"`
		Metadata   *struct {
			Name        any               `json:"name"`
			Namespace   any               `json:"namespace"`
			Labels      map[string]string `json:"labels"`
			Annotations map[string]string `json:"annotations"`
		} `json:"metadata"`
	}
	if err := kjson.UnmarshalCaseSensitivePreserveInts(js, &tm); err != nil {
		return fmt.Errorf("%w: metadata: %s", ErrType, strings.TrimPrefix(err.Error(), "json: "))
	}
	var err error
	str := func(field string, v any) string {
		switch x := v.(type) {
		case nil:
			return ""
		case string:
			return x
		}
		if err == nil {
			err = fmt.Errorf("%w: %s must be a string, found %v", ErrType, field, v)
		}
		return ""
	}
	m.APIVersion = str("apiVersion", tm.APIVersion)
	m.Kind = str("kind", tm.Kind)
	if tm.Metadata != nil {
		m.Name = str("metadata.name", tm.Metadata.Name)
		m.Namespace = str("metadata.namespace", tm.Metadata.Namespace)
		m.Labels = tm.Metadata.Labels
		m.Annotations = tm.Metadata.Annotations
	}
	return err
}

// Into decodes the document into v exactly as the API server does
// (case-sensitive field names, ints preserved). Unknown, duplicate and
// case-variant fields are returned as FieldProblems (together with the
// duplicates found during YAML conversion) and never stop the decode; a type
// mismatch is an error (wrapping ErrType) positioned at the field.
func (d *Document) Into(v any) ([]FieldProblem, error) {
	if intoFast(d.JSON, v) {
		return append([]FieldProblem(nil), d.Problems...), nil
	}
	strict, err := kjson.UnmarshalStrict(d.JSON, v)
	if err != nil {
		msg := err.Error()
		path := ""
		if m := reTypeErr.FindStringSubmatch(msg); m != nil {
			path = m[1]
			what := "a value of another type"
			found := ""
			if mv := reJSONValue.FindStringSubmatch(msg); mv != nil {
				what = "a " + mv[1]
				found, _, _ = strings.Cut(mv[1], " ")
			}
			// The decoder's path has no sequence indices ("rules.level"):
			// find the element that holds the offending value.
			path = indexedPath(d.JSON, path, found)
			tail := msg[strings.LastIndex(msg, " of type ")+len(" of type "):]
			return nil, d.Error(fmt.Errorf("%w: %s: found %s, want %s", ErrType, path, what, tail), path)
		}
		if ok, _ := kjson.SyntaxErrorOffset(err); ok {
			return nil, d.Error(fmt.Errorf("%w: %w", ErrSyntax, err), "")
		}
		return nil, d.Error(fmt.Errorf("%w: %s", ErrType, strings.TrimPrefix(msg, "json: ")), "")
	}
	problems := append([]FieldProblem(nil), d.Problems...)
	for _, se := range strict {
		m := reStrictMsg.FindStringSubmatch(se.Error())
		if m == nil {
			problems = append(problems, FieldProblem{Kind: UnknownField, Message: se.Error()})
			continue
		}
		path := m[2]
		if m[1] == "duplicate" {
			if d.hasDuplicate(path) {
				continue
			}
			problems = append(problems, FieldProblem{Kind: DuplicateKey, Path: path,
				Message: fmt.Sprintf("field %q appears more than once; the API server keeps the last value", path)})
			continue
		}
		if canon := caseVariant(v, path); canon != "" {
			problems = append(problems, FieldProblem{Kind: CaseVariantKey, Path: path, Canonical: canon,
				Message: fmt.Sprintf("key %q differs from the field %q only in case: the API server ignores it, while case-insensitive tools read it", lastSegment(path), canon)})
			continue
		}
		problems = append(problems, FieldProblem{Kind: UnknownField, Path: path,
			Message: fmt.Sprintf("unknown field %q: the API server drops it, so whatever it was meant to set is not set", path)})
	}
	return problems, nil
}

// intoFast decodes the common case with the JSON v2 decoder, which is
// about twice as fast as the API server's, and reports whether it did.
// It only answers where the two provably agree: the target is a fresh
// object of a Kubernetes API type (k8s.io/api), the text has no null
// (whose treatment differs between the decoders), and the decode succeeds
// with no unknown, duplicate or case-variant member and no invalid UTF-8.
// Everything else, including any failure, is left to the exact decoder on
// a zeroed value. A differential test and a fuzz target compare the two.
func intoFast(js []byte, v any) bool {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct ||
		!strings.HasPrefix(rv.Elem().Type().PkgPath(), "k8s.io/api/") || !rv.Elem().IsZero() ||
		bytes.Contains(js, []byte("null")) {
		return false
	}
	if err := jsonv2.Unmarshal(js, v, jsonv2.RejectUnknownMembers(true)); err != nil {
		rv.Elem().SetZero()
		return false
	}
	return true
}

// indexedPath turns a field path without sequence indices, as the JSON
// decoder reports type errors, into the path of the first value it can
// denote whose JSON kind is found ("string", "number", "bool", "array",
// "object"); it returns path unchanged when nothing matches.
func indexedPath(js []byte, path, found string) string {
	var root any
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	if dec.Decode(&root) != nil {
		return path
	}
	segs := parsePath(path)
	var walk func(v any, i int, prefix string) (string, bool)
	walk = func(v any, i int, prefix string) (string, bool) {
		if arr, ok := v.([]any); ok {
			for j, el := range arr {
				if p, ok := walk(el, i, fmt.Sprintf("%s[%d]", prefix, j)); ok {
					return p, true
				}
			}
			return "", false
		}
		if i == len(segs) {
			return prefix, found == "" || jsonKind(v) == found
		}
		obj, ok := v.(map[string]any)
		if !ok || segs[i].index >= 0 {
			return "", false
		}
		child, ok := obj[segs[i].key]
		if !ok {
			return "", false
		}
		next := segs[i].key
		if prefix != "" {
			next = prefix + "." + next
		}
		if i+1 == len(segs) {
			// The offending value itself may be an array ("found an array").
			if found == "" || jsonKind(child) == found {
				return next, true
			}
		}
		return walk(child, i+1, next)
	}
	if p, ok := walk(root, 0, ""); ok {
		return p
	}
	return path
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "null"
}

func (d *Document) hasDuplicate(path string) bool {
	last := lastSegment(path)
	for _, p := range d.Problems {
		if p.Kind == DuplicateKey && (p.Path == path || p.Path == last) {
			return true
		}
	}
	return false
}

// Position returns the line and column of path (a field path such as
// "spec.containers[0].securityContext.privileged"; map keys with dots go in
// brackets: "metadata.annotations[a.b/c]"). Aliases and merge keys are
// followed. A missing field yields its deepest existing ancestor with Exact
// false. The YAML node tree is built on first use only.
func (d *Document) Position(path string) kubeharden.Position {
	if d.prefix != "" {
		if path == "" {
			path = d.prefix
		} else {
			path = d.prefix + "." + path
		}
	}
	if d.prefix != "" && d.prefix[0] == '[' {
		path = strings.TrimPrefix(path, ".")
	}
	p := kubeharden.Position{File: d.Source, Line: d.Line}
	if d.pos == nil {
		return p
	}
	line, col, exact, ok := d.pos.lookup(path)
	if !ok {
		return p
	}
	p.Line, p.Column, p.Exact = line, col, exact
	return p
}

// Positioned returns findings with Position filled from their Path; it is
// a no-op on documents without findings that need one.
func (d *Document) Positioned(fs []kubeharden.Finding) {
	for i := range fs {
		if fs[i].Position.IsValid() {
			continue
		}
		fs[i].Position = d.Position(fs[i].Path)
	}
}

// positioner resolves field paths on a lazily parsed yaml.v3 tree.
type positioner struct {
	raw  []byte
	base int // line of raw's first line in the source
	once sync.Once
	root *node
	err  error

	blockOnce sync.Once
	block     *blockIndex
	json      *jsonLocator
}

func newPositioner(raw []byte, line int) *positioner { return &positioner{raw: raw, base: line} }

func yamlErrLine(err error) int {
	if m := reYAMLLine.FindStringSubmatch(err.Error()); m != nil {
		if n, e := strconv.Atoi(m[1]); e == nil {
			return n
		}
	}
	return 1
}

func cleanYAMLErr(err error) string {
	s := strings.TrimPrefix(err.Error(), "error converting YAML to JSON: ")
	s = strings.TrimPrefix(s, "yaml: ")
	// The caller reports the absolute line; drop go-yaml's relative one.
	if m := reYAMLLine.FindStringIndex(s); m != nil && m[0] == 0 {
		s = strings.TrimSpace(s[m[1]:])
	}
	return strings.ReplaceAll(s, "\n", " ")
}

func invalidUTF8Line(b []byte) int {
	line := 1
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if b[i] == '\n' {
			line++
		}
		i += size
	}
	return line
}

// jsonDepth returns the maximum nesting depth of a JSON text.
func jsonDepth(b []byte) int {
	depth, maxd := 0, 0
	inStr := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inStr {
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
			if depth > maxd {
				maxd = depth
			}
		case '}', ']':
			depth--
		}
	}
	return maxd
}
