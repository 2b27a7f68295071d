package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/kubeharden/kubeharden"
)

// The native JSON contract (DESIGN.md "Native JSON output"). It changes only
// additively.
type jsonOutput struct {
	Tool    jsonTool     `json:"tool"`
	Reports []jsonReport `json:"reports"`
	Errors  []jsonError  `json:"errors"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonReport struct {
	Source   string        `json:"source"`
	Document int           `json:"document"`
	Object   string        `json:"object"`
	Kind     string        `json:"kind"`
	Score    int           `json:"score"`
	Findings []jsonFinding `json:"findings"`
	Errors   []jsonError   `json:"errors,omitempty"`
}

type jsonFinding struct {
	Rule           string               `json:"rule"`
	Severity       string               `json:"severity"`
	Points         int                  `json:"points"`
	Passed         bool                 `json:"passed"`
	Message        string               `json:"message"`
	Path           string               `json:"path,omitempty"`
	Line           int                  `json:"line,omitempty"`
	Column         int                  `json:"column,omitempty"`
	Fix            string               `json:"fix,omitempty"`
	Refs           []string             `json:"refs,omitempty"`
	Patch          []kubeharden.PatchOp `json:"patch,omitempty"`
	Suppressed     bool                 `json:"suppressed"`
	SuppressReason string               `json:"suppressReason,omitempty"`
}

type jsonError struct {
	Source   string `json:"source"`
	Document int    `json:"document"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	Message  string `json:"message"`
}

func toJSONError(e *kubeharden.InputError) jsonError {
	msg := ""
	if e.Err != nil {
		msg = e.Err.Error()
	}
	return jsonError{Source: e.Source, Document: e.Document, Line: e.Line, Column: e.Column, Message: msg}
}

// WriteJSON renders the native JSON contract: one object with the tool,
// every report with every finding (passed ones included, so kubesec's three
// lists can be derived), and the input errors. Reports are encoded one at a
// time, so memory does not grow with the size of the output.
func WriteJSON(w io.Writer, res Result, opts Options) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	tool, err := json.Marshal(jsonTool{Name: nonEmpty(opts.Tool.Name, "kubeharden"), Version: nonEmpty(opts.Tool.Version, "dev")})
	if err != nil {
		return err
	}
	var ind bytes.Buffer
	if err := json.Indent(&ind, tool, "  ", "  "); err != nil {
		return err
	}
	bw.WriteString("{\n  \"tool\": ")
	bw.Write(ind.Bytes())
	bw.WriteString(",\n  \"reports\": [")
	reports := sortedReports(res.Reports)
	const chunk = 16 // reports rendered together
	err = renderOrdered(bw, (len(reports)+chunk-1)/chunk, func(k int, b []byte) ([]byte, error) {
		var jr jsonReport
		var fs []*kubeharden.Finding
		for i := k * chunk; i < min(len(reports), (k+1)*chunk); i++ {
			r := &reports[i]
			jr = jsonReport{Source: r.Source, Document: r.Document, Object: r.Object, Kind: r.Kind, Score: r.Score,
				Findings: jr.Findings[:0]}
			fs = sortedFindings(fs, r)
			for _, f := range fs {
				jr.Findings = append(jr.Findings, jsonFinding{
					Rule: f.RuleID, Severity: f.Severity.String(), Points: f.Points, Passed: f.Passed,
					Message: f.Message, Path: f.Path, Line: f.Position.Line, Column: f.Position.Column,
					Fix: f.Fix, Refs: f.Refs, Patch: f.Patch, Suppressed: f.Suppressed, SuppressReason: f.SuppressReason,
				})
			}
			for j := range r.Errors {
				jr.Errors = append(jr.Errors, toJSONError(&r.Errors[j]))
			}
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, "\n    "...)
			var err error
			if b, err = appendReport(b, &jr); err != nil {
				return nil, err
			}
		}
		return b, nil
	})
	if err != nil {
		return err
	}
	if len(res.Reports) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("],\n  \"errors\": ")
	errs := make([]jsonError, 0, len(res.Errors))
	for _, e := range res.Errors {
		errs = append(errs, toJSONError(e))
	}
	b, err := json.MarshalIndent(errs, "  ", "  ")
	if err != nil {
		return err
	}
	bw.Write(b)
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// sortedFindings returns pointers to r's findings in SortFindings order,
// reusing dst.
func sortedFindings(dst []*kubeharden.Finding, r *kubeharden.Report) []*kubeharden.Finding {
	dst = dst[:0]
	for j := range r.Findings {
		dst = append(dst, &r.Findings[j])
	}
	slices.SortStableFunc(dst, kubeharden.CompareFindings)
	return dst
}

// renderOrdered renders n pieces on all cores and writes them in order.
// At most a few pieces wait in memory at a time, so the output of a large
// scan is never held whole. render receives a buffer to reuse.
func renderOrdered(w io.Writer, n int, render func(k int, buf []byte) ([]byte, error)) error {
	write := func(b []byte) error {
		_, err := w.Write(b)
		return err
	}
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 || n < 2 {
		var buf []byte
		for k := 0; k < n; k++ {
			b, err := render(k, buf[:0])
			if err != nil {
				return err
			}
			if err := write(b); err != nil {
				return err
			}
			buf = b
		}
		return nil
	}
	type result struct {
		b   []byte
		err error
	}
	pending := make(chan chan result, 2*workers)
	free := make(chan []byte, 2*workers+2)
	stop := make(chan struct{})
	go func() {
		defer close(pending)
		for k := 0; k < n; k++ {
			ch := make(chan result, 1)
			select {
			case pending <- ch:
			case <-stop:
				return
			}
			var buf []byte
			select {
			case buf = <-free:
			default:
			}
			go func() {
				b, err := render(k, buf[:0])
				ch <- result{b, err}
			}()
		}
	}()
	var err error
	for ch := range pending {
		r := <-ch
		if err == nil {
			if err = r.err; err == nil {
				err = write(r.b)
			}
			if err != nil {
				close(stop)
			}
		}
		select {
		case free <- r.b:
		default:
		}
	}
	return err
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// appendReport writes jr exactly as json.MarshalIndent(jr, "    ", "  ")
// would, without reflection: the JSON output of a large scan is dominated
// by findings, and this is several times faster.
func appendReport(b []byte, jr *jsonReport) ([]byte, error) {
	const in1, in2, in3, in4 = "\n      ", "\n        ", "\n          ", "\n            "
	b = append(b, '{')
	b = appendKey(b, in1, "source", false)
	b = appendString(b, jr.Source)
	b = appendKey(b, in1, "document", true)
	b = strconv.AppendInt(b, int64(jr.Document), 10)
	b = appendKey(b, in1, "object", true)
	b = appendString(b, jr.Object)
	b = appendKey(b, in1, "kind", true)
	b = appendString(b, jr.Kind)
	b = appendKey(b, in1, "score", true)
	b = strconv.AppendInt(b, int64(jr.Score), 10)
	b = appendKey(b, in1, "findings", true)
	if len(jr.Findings) == 0 {
		b = append(b, "[]"...)
	} else {
		b = append(b, '[')
		for i := range jr.Findings {
			f := &jr.Findings[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, in2...)
			b = append(b, '{')
			b = appendKey(b, in3, "rule", false)
			b = appendString(b, f.Rule)
			b = appendKey(b, in3, "severity", true)
			b = appendString(b, f.Severity)
			b = appendKey(b, in3, "points", true)
			b = strconv.AppendInt(b, int64(f.Points), 10)
			b = appendKey(b, in3, "passed", true)
			b = strconv.AppendBool(b, f.Passed)
			b = appendKey(b, in3, "message", true)
			b = appendString(b, f.Message)
			if f.Path != "" {
				b = appendKey(b, in3, "path", true)
				b = appendString(b, f.Path)
			}
			if f.Line != 0 {
				b = appendKey(b, in3, "line", true)
				b = strconv.AppendInt(b, int64(f.Line), 10)
			}
			if f.Column != 0 {
				b = appendKey(b, in3, "column", true)
				b = strconv.AppendInt(b, int64(f.Column), 10)
			}
			if f.Fix != "" {
				b = appendKey(b, in3, "fix", true)
				b = appendString(b, f.Fix)
			}
			if len(f.Refs) > 0 {
				b = appendKey(b, in3, "refs", true)
				b = append(b, '[')
				for j, r := range f.Refs {
					if j > 0 {
						b = append(b, ',')
					}
					b = append(b, in4...)
					b = appendString(b, r)
				}
				b = append(b, in3...)
				b = append(b, ']')
			}
			if len(f.Patch) > 0 {
				b = appendKey(b, in3, "patch", true)
				var err error
				if b, err = appendPatch(b, f.Patch, in3[1:]); err != nil {
					return nil, err
				}
			}
			b = appendKey(b, in3, "suppressed", true)
			b = strconv.AppendBool(b, f.Suppressed)
			if f.SuppressReason != "" {
				b = appendKey(b, in3, "suppressReason", true)
				b = appendString(b, f.SuppressReason)
			}
			b = append(b, in2...)
			b = append(b, '}')
		}
		b = append(b, in1...)
		b = append(b, ']')
	}
	if len(jr.Errors) > 0 {
		b = appendKey(b, in1, "errors", true)
		e, err := json.MarshalIndent(jr.Errors, in1[1:], "  ")
		if err != nil {
			return nil, err
		}
		b = append(b, e...)
	}
	b = append(b, "\n    }"...)
	return b, nil
}

// appendPatch writes ops exactly as json.MarshalIndent(ops, prefix, "  ").
func appendPatch(b []byte, ops []kubeharden.PatchOp, prefix string) ([]byte, error) {
	b = append(b, '[')
	for i := range ops {
		op := &ops[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = appendNewline(b, prefix, 1)
		b = append(b, '{')
		b = appendNewline(b, prefix, 2)
		b = append(b, `"op": `...)
		b = appendString(b, op.Op)
		b = append(b, ',')
		b = appendNewline(b, prefix, 2)
		b = append(b, `"path": `...)
		b = appendString(b, op.Path)
		if op.From != "" {
			b = append(b, ',')
			b = appendNewline(b, prefix, 2)
			b = append(b, `"from": `...)
			b = appendString(b, op.From)
		}
		if op.Value != nil {
			b = append(b, ',')
			b = appendNewline(b, prefix, 2)
			b = append(b, `"value": `...)
			var err error
			if b, err = appendValue(b, op.Value, prefix, 2); err != nil {
				return nil, err
			}
		}
		b = appendNewline(b, prefix, 1)
		b = append(b, '}')
	}
	b = appendNewline(b, prefix, 0)
	return append(b, ']'), nil
}

func appendNewline(b []byte, prefix string, depth int) []byte {
	b = append(b, '\n')
	b = append(b, prefix...)
	for range depth {
		b = append(b, ' ', ' ')
	}
	return b
}

// appendValue writes v as json.MarshalIndent would at the given depth; the
// value shapes of patches are written directly, anything else through
// encoding/json.
func appendValue(b []byte, v any, prefix string, depth int) ([]byte, error) {
	var err error
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case []string:
		return appendList(b, x, prefix, depth, func(b []byte, e string) ([]byte, error) { return appendString(b, e), nil })
	case []any:
		return appendList(b, x, prefix, depth, func(b []byte, e any) ([]byte, error) { return appendValue(b, e, prefix, depth+1) })
	case map[string]any:
		if x == nil {
			return append(b, "null"...), nil
		}
		if len(x) == 0 {
			return append(b, "{}"...), nil
		}
		b = append(b, '{')
		for i, k := range slices.Sorted(maps.Keys(x)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendNewline(b, prefix, depth+1)
			b = appendString(b, k)
			b = append(b, ':', ' ')
			if b, err = appendValue(b, x[k], prefix, depth+1); err != nil {
				return nil, err
			}
		}
		b = appendNewline(b, prefix, depth)
		return append(b, '}'), nil
	}
	in := prefix
	for range depth {
		in += "  "
	}
	p, err := json.MarshalIndent(v, in, "  ")
	if err != nil {
		return nil, err
	}
	return append(b, p...), nil
}

// appendList writes a slice as json.MarshalIndent would at depth.
func appendList[E any](b []byte, x []E, prefix string, depth int, elem func([]byte, E) ([]byte, error)) ([]byte, error) {
	if x == nil {
		return append(b, "null"...), nil
	}
	if len(x) == 0 {
		return append(b, "[]"...), nil
	}
	b = append(b, '[')
	var err error
	for i, e := range x {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendNewline(b, prefix, depth+1)
		if b, err = elem(b, e); err != nil {
			return nil, err
		}
	}
	b = appendNewline(b, prefix, depth)
	return append(b, ']'), nil
}

func appendKey(b []byte, indent, key string, comma bool) []byte {
	if comma {
		b = append(b, ',')
	}
	b = append(b, indent...)
	b = append(b, '"')
	b = append(b, key...)
	return append(b, '"', ':', ' ')
}

const hexDigits = "0123456789abcdef"

// needsEscape reports whether any byte of w (eight bytes of a string) is
// not plain ASCII that encoding/json writes as is: a control character,
// '"', '\\', '<', '>', '&', or a byte of a multi-byte character.
func needsEscape(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	hasZero := func(x uint64) uint64 { return (x - ones) & ^x & highs }
	return (w&highs)|((w-0x20*ones)&^w&highs)|hasZero(w^('"'*ones))|hasZero(w^('\\'*ones))|
		hasZero(w^('<'*ones))|hasZero(w^('>'*ones))|hasZero(w^('&'*ones)) != 0
}

func load8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// safeASCII marks with '1' the ASCII bytes encoding/json writes unescaped.
const safeASCII = "00000000000000000000000000000000110111011111111111111111111101011111111111111111111111111111011111111111111111111111111111111111"

// appendString quotes s exactly as encoding/json does (HTML-safe escapes,
// U+2028 and U+2029 escaped, invalid UTF-8 replaced by U+FFFD).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		// Skip eight plain bytes at a time.
		for i+8 <= len(s) && !needsEscape(load8(s, i)) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if safeASCII[c] == '1' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
