package decode

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/kubeharden/kubeharden"
)

// Options are the decoding budgets. The zero value uses the defaults.
type Options struct {
	// MaxStreamBytes bounds a whole input read through Read (default 256 MiB;
	// the CLI lowers it to 32 MiB).
	MaxStreamBytes int64
	// MaxDocumentBytes bounds one document (default 3 MiB, the API server's
	// request body limit).
	MaxDocumentBytes int
	// MaxDocuments bounds the documents in one stream, List items included
	// (default 10,000).
	MaxDocuments int
	// MaxDepth bounds the nesting of one document (default 1,000; go-yaml
	// and encoding/json stop at 10,000 on their own).
	MaxDepth int
	// MaxAliasBytes bounds what YAML aliases may expand to, in bytes of
	// scalars plus nodes. Zero means max(1 MiB, 10 × the document size).
	MaxAliasBytes int
}

// Defaults for Options.
const (
	DefaultMaxStreamBytes   = 256 << 20
	DefaultMaxDocumentBytes = 3 << 20
	DefaultMaxDocuments     = 10000
	DefaultMaxDepth         = 1000
)

func (o Options) withDefaults() Options {
	if o.MaxStreamBytes <= 0 {
		o.MaxStreamBytes = DefaultMaxStreamBytes
	}
	if o.MaxDocumentBytes <= 0 {
		o.MaxDocumentBytes = DefaultMaxDocumentBytes
	}
	if o.MaxDocuments <= 0 {
		o.MaxDocuments = DefaultMaxDocuments
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	return o
}

// Read reads a whole stream (bounded by MaxStreamBytes) and splits it like
// Split.
func Read(r io.Reader, source string, opts Options) ([]*Document, []*kubeharden.InputError) {
	opts = opts.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, opts.MaxStreamBytes+1))
	if err != nil {
		return nil, []*kubeharden.InputError{{Source: source, Document: -1, Err: fmt.Errorf("reading input: %w", err)}}
	}
	if int64(len(data)) > opts.MaxStreamBytes {
		return nil, []*kubeharden.InputError{{Source: source, Document: -1,
			Err: fmt.Errorf("%w (%d bytes)", ErrStreamTooLarge, opts.MaxStreamBytes)}}
	}
	return Split(data, source, opts)
}

// Split frames data into documents the way kubectl does
// (k8s.io/apimachinery's YAMLReader: a line starting with "---" followed by
// nothing but blanks or a comment separates documents; CRLF is accepted) or,
// when the input starts with '{' or '[', as a stream of JSON values. Each
// document is converted with API-server semantics; `kind: List` and
// "...List" kinds are expanded into their items. Empty and comment-only
// documents are skipped but counted, so Document.Index matches what users
// see. Errors name the source, document and line; a bad document does not
// stop the others. The returned documents keep references into data.
func Split(data []byte, source string, opts Options) ([]*Document, []*kubeharden.InputError) {
	opts = opts.withDefaults()
	s := &splitter{source: source, opts: opts}
	if isJSONStream(data) {
		s.splitJSON(data)
	} else {
		s.splitYAML(data)
	}
	return s.docs, s.errs
}

// Frame is one framed, not yet converted document: the cheap part of
// Split. Converting frames is independent work, so callers with many
// documents can convert them in parallel (Frame.Decode) and still get the
// same documents and errors Split returns.
type Frame struct {
	Source string
	Index  int
	Line   int
	Raw    []byte
	opts   Options
}

// Frames frames data like Split without converting the documents. Errors
// are framing errors (separators, sizes, the document budget); conversion
// errors come from Frame.Decode.
func Frames(data []byte, source string, opts Options) ([]Frame, []*kubeharden.InputError) {
	opts = opts.withDefaults()
	s := &splitter{source: source, opts: opts, frameOnly: true}
	if isJSONStream(data) {
		s.splitJSON(data)
	} else {
		s.splitYAML(data)
	}
	return s.frames, s.errs
}

// Decode converts one frame into its document (or List items).
func (f Frame) Decode() ([]*Document, []*kubeharden.InputError) {
	s := &splitter{source: f.Source, opts: f.opts}
	s.count = 0
	s.convert(f.Raw, f.Index, f.Line)
	return s.docs, s.errs
}

type splitter struct {
	source string
	opts   Options
	docs   []*Document
	errs   []*kubeharden.InputError
	count  int // documents produced, List items included
	index  int // next document index
	full   bool

	frameOnly bool
	frames    []Frame
}

// handle converts a framed document, or records the frame.
func (s *splitter) handle(raw []byte, idx, line int) {
	if s.frameOnly {
		s.frames = append(s.frames, Frame{Source: s.source, Index: idx, Line: line, Raw: raw, opts: s.opts})
		return
	}
	s.convert(raw, idx, line)
}

func (s *splitter) fail(doc, line int, err error) {
	s.errs = append(s.errs, &kubeharden.InputError{Source: s.source, Document: doc, Line: line, Err: err})
}

func isJSONStream(data []byte) bool {
	for _, c := range data {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '{', '[':
			return true
		}
		return false
	}
	return false
}

// splitYAML walks the lines of data without copying.
func (s *splitter) splitYAML(data []byte) {
	start, startLine := 0, 1 // start of the current document buffer
	line := 1
	badSep := false // the current document started with an invalid separator
	pos := 0
	for pos < len(data) && !s.full {
		end := bytes.IndexByte(data[pos:], '\n')
		next := len(data)
		if end >= 0 {
			next = pos + end + 1
		}
		l := data[pos:next]
		if bytes.HasPrefix(l, sep) {
			rest := bytes.TrimSpace(l[3:])
			if len(rest) > 0 && rest[0] != '#' {
				// kubectl stops the whole stream here; we report the
				// document that this line opens and go on with the next.
				s.emit(data[start:pos], startLine, badSep)
				badSep = true
				s.fail(s.index, line, fmt.Errorf("%w: %q (content may not follow \"---\" on its line)", ErrSeparator, truncate(string(rest), 40)))
			} else {
				s.emit(data[start:pos], startLine, badSep)
				badSep = false
			}
			start, startLine = next, line+1
		}
		pos = next
		line++
	}
	if !s.full {
		s.emit(data[start:], startLine, badSep)
	}
}

var sep = []byte("---")

// emit handles one framed YAML document buffer.
func (s *splitter) emit(buf []byte, line int, skip bool) {
	if len(buf) == 0 {
		return // YAMLReader never returns an empty buffer
	}
	idx := s.index
	s.index++
	if skip {
		return // its error was reported with the separator
	}
	if blankOrComments(buf) {
		return
	}
	if !s.reserve(idx, line) {
		return
	}
	if len(buf) > s.opts.MaxDocumentBytes {
		s.fail(idx, line, fmt.Errorf("%w: %d bytes, limit %d", ErrDocumentTooLarge, len(buf), s.opts.MaxDocumentBytes))
		return
	}
	s.handle(buf, idx, line)
}

// reserve counts one more document against the budget.
func (s *splitter) reserve(idx, line int) bool {
	if s.count >= s.opts.MaxDocuments {
		if !s.full {
			s.fail(idx, line, fmt.Errorf("%w (%d documents)", ErrTooManyDocuments, s.opts.MaxDocuments))
			s.full = true
		}
		return false
	}
	s.count++
	return true
}

func blankOrComments(buf []byte) bool {
	for len(buf) > 0 {
		var l []byte
		if i := bytes.IndexByte(buf, '\n'); i >= 0 {
			l, buf = buf[:i], buf[i+1:]
		} else {
			l, buf = buf, nil
		}
		l = bytes.TrimSpace(l)
		if len(l) > 0 && l[0] != '#' {
			return false
		}
	}
	return true
}

// splitJSON handles a stream of JSON values; a top-level array is read as a
// list of objects.
func (s *splitter) splitJSON(data []byte) {
	off := 0
	line, counted := 1, 0 // line of data[counted]
	for !s.full {
		off += skipSpace(data[off:])
		if off >= len(data) {
			return
		}
		idx := s.index
		s.index++
		line += bytes.Count(data[counted:off], nl)
		counted = off
		n, err := valueEnd(data[off:], s.opts.MaxDepth)
		if err != nil {
			s.fail(idx, line+bytes.Count(data[off:off+n], nl), err)
			return // a broken JSON stream cannot be re-synchronised
		}
		v := data[off : off+n]
		off += n
		if !s.reserve(idx, line) {
			return
		}
		if len(v) > s.opts.MaxDocumentBytes {
			s.fail(idx, line, fmt.Errorf("%w: %d bytes, limit %d", ErrDocumentTooLarge, len(v), s.opts.MaxDocumentBytes))
			continue
		}
		s.handle(v, idx, line)
	}
}

var nl = []byte{'\n'}

func skipSpace(b []byte) int {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

var errJSONEnd = errors.New("unexpected end of JSON input")

// valueEnd returns the length of the JSON value at the start of b, checking
// nesting depth, without validating it fully (conversion does that).
func valueEnd(b []byte, maxDepth int) (int, error) {
	depth := 0
	inStr := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inStr {
			switch c {
			case '\\':
				i++
			case '"':
				inStr = false
				if depth == 0 {
					return i + 1, nil
				}
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
			if depth > maxDepth {
				return i, fmt.Errorf("%w (%d levels)", ErrTooDeep, maxDepth)
			}
		case '}', ']':
			if depth == 0 && i > 0 {
				return i, nil // the end of a scalar inside an enclosing container
			}
			depth--
			if depth < 0 {
				return i, fmt.Errorf("%w: unexpected %q", ErrSyntax, c)
			}
			if depth == 0 {
				return i + 1, nil
			}
		case ' ', '\t', '\r', '\n', ',':
			if depth == 0 && i > 0 {
				return i, nil
			}
		}
	}
	if depth == 0 && !inStr && len(b) > 0 {
		return len(b), nil
	}
	return len(b), fmt.Errorf("%w: %w", ErrSyntax, errJSONEnd)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
