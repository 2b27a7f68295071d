package dockerfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentinel errors; ParseError wraps them with a line number.
var (
	ErrTooLarge            = errors.New("dockerfile exceeds the size budget")
	ErrTooManyInstructions = errors.New("dockerfile exceeds the instruction budget")
	ErrNoInstructions      = errors.New("file with no instructions")
	ErrUnknownInstruction  = errors.New("unknown instruction")
	ErrUnterminatedHeredoc = errors.New("unterminated heredoc")
	ErrInvalidDirective    = errors.New("invalid parser directive")
	ErrSyntax              = errors.New("syntax error")
)

// ParseError locates a parse failure.
type ParseError struct {
	Line int // 1-based; 0 when the error concerns the whole file
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	return e.Err.Error()
}

func (e *ParseError) Unwrap() error { return e.Err }

// Default budgets.
const (
	DefaultMaxBytes        = 8 << 20
	DefaultMaxInstructions = 50000
)

// Options bound the parser. The zero value uses the defaults.
type Options struct {
	// MaxBytes rejects larger inputs (default DefaultMaxBytes).
	MaxBytes int
	// MaxInstructions rejects files with more instructions
	// (default DefaultMaxInstructions).
	MaxInstructions int
	// BuildArgs override meta-ARG defaults when FROM is expanded, like
	// docker build --build-arg.
	BuildArgs map[string]string
}

// Directive is a parser directive from the top of the file
// ("# syntax=docker/dockerfile:1", "# escape=`", "# check=skip=...").
type Directive struct {
	Name  string // lower case
	Value string
	Line  int
}

// Heredoc is a here-document attached to RUN, COPY or ADD.
type Heredoc struct {
	// Name is the delimiter word.
	Name string
	// Content is the body as written, each line ending in "\n" (a CR of
	// a CRLF file is kept, as BuildKit keeps it); with Chomp, leading tabs
	// are to be removed when the content is used.
	Content string
	// Expand is false when the delimiter was quoted (<<'EOF'): the body is
	// taken literally.
	Expand bool
	// Chomp is true for "<<-".
	Chomp bool
	// FileDescriptor is the number before "<<" ("3<<EOF"), 0 when absent.
	FileDescriptor int
	// StartLine and EndLine span the body and the terminator line.
	StartLine, EndLine int
}

// KeyValue is one ENV, LABEL or ARG pair with quotes removed.
type KeyValue struct {
	Key   string
	Value string
	// HasValue is false for "ARG NAME" without a default.
	HasValue bool
}

// Instruction is one Dockerfile instruction with its continuation lines
// joined.
type Instruction struct {
	// Cmd is the keyword in upper case ("RUN").
	Cmd string
	// Flags are the leading --options with quotes removed ("--from=build",
	// "--mount=type=cache,target=/root/.cache").
	Flags []string
	// Args are the arguments after the flags: the JSON array's elements
	// when JSON is true; the whole command line as one element for
	// shell-form RUN, CMD, ENTRYPOINT and SHELL; whitespace-separated
	// words for FROM, COPY, ADD, EXPOSE and VOLUME; "CMD"/"NONE" followed
	// by the command for HEALTHCHECK; the rest of the line for the others.
	Args []string
	// JSON reports the exec (JSON array) form.
	JSON bool
	// KeyValues holds the pairs of ENV, LABEL and ARG.
	KeyValues []KeyValue
	// Text is the argument text after the keyword (flags included), with
	// continuation lines joined.
	Text     string
	Heredocs []Heredoc
	// StartLine is the keyword's line, EndLine the last line (continuation
	// or heredoc terminator); Column is the keyword's 1-based column.
	StartLine, EndLine, Column int
}

// Flag returns the value of the last --name=value flag ("" and true for a
// bare --name).
func (in *Instruction) Flag(name string) (string, bool) {
	vals := in.FlagValues(name)
	if len(vals) == 0 {
		return "", false
	}
	return vals[len(vals)-1], true
}

// FlagValues returns the values of every --name flag (--mount may repeat).
func (in *Instruction) FlagValues(name string) []string {
	var out []string
	for _, f := range in.Flags {
		k, v, _ := strings.Cut(strings.TrimPrefix(f, "--"), "=")
		if strings.EqualFold(k, name) {
			out = append(out, v)
		}
	}
	return out
}

// Stage is one build stage: its FROM and the instructions up to the next
// FROM.
type Stage struct {
	Index int
	// Name is the "AS" name in lower case (stage names are
	// case-insensitive), "" when absent.
	Name string
	From *Instruction
	// BaseName is the image as written ("${REGISTRY}/app:${TAG}").
	BaseName string
	// Base is BaseName after meta-ARG expansion.
	Base string
	// Unresolved lists variables used in BaseName that have no value.
	Unresolved []string
	// BaseStage is the index of the earlier stage Base names, or -1 when
	// Base is an image.
	BaseStage int
	// Platform is the --platform flag as written.
	Platform     string
	Instructions []*Instruction
}

// File is a parsed Dockerfile.
type File struct {
	// Escape is the escape character: '\\' or '`'.
	Escape     rune
	Directives []Directive
	// Instructions lists every instruction in file order.
	Instructions []*Instruction
	// MetaArgs are the ARG instructions before the first FROM.
	MetaArgs []*Instruction
	// Orphans are instructions other than ARG before the first FROM (an
	// error for BuildKit).
	Orphans []*Instruction
	Stages  []*Stage

	// stageNames maps each stage name to its first stage's index.
	stageNames map[string]int
}

// Final returns the last stage (the image docker build produces without
// --target), or nil.
func (f *File) Final() *Stage {
	if len(f.Stages) == 0 {
		return nil
	}
	return f.Stages[len(f.Stages)-1]
}

// StageByName returns the stage named name (case-insensitive) or a
// numeric index, looking only at stages before limit.
func (f *File) StageByName(name string, limit int) *Stage {
	name = strings.ToLower(name)
	if i, ok := f.stageNames[name]; ok && i < min(limit, len(f.Stages)) {
		return f.Stages[i]
	}
	if n, ok := atoi(name); ok && n < min(limit, len(f.Stages)) {
		return f.Stages[n]
	}
	return nil
}

func atoi(s string) (int, bool) {
	if s == "" || len(s) > 6 {
		return 0, false
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

var knownInstructions = map[string]bool{
	"ADD": true, "ARG": true, "CMD": true, "COPY": true, "ENTRYPOINT": true, "ENV": true, "EXPOSE": true,
	"FROM": true, "HEALTHCHECK": true, "LABEL": true, "MAINTAINER": true, "ONBUILD": true, "RUN": true,
	"SHELL": true, "STOPSIGNAL": true, "USER": true, "VOLUME": true, "WORKDIR": true,
}

// Parse parses a Dockerfile with the default budgets.
func Parse(data []byte) (*File, error) { return ParseWithOptions(data, Options{}) }

type lineReader struct {
	lines [][]byte
	next  int // index of the next line; line number is next+1 after reading
}

func (r *lineReader) read() ([]byte, int, bool) {
	if r.next >= len(r.lines) {
		return nil, 0, false
	}
	l := r.lines[r.next]
	r.next++
	return bytes.TrimSuffix(l, []byte("\r")), r.next, true
}

// trimLeft drops leading white space as BuildKit does (unicode.IsSpace).
func trimLeft(b []byte) []byte { return bytes.TrimLeftFunc(b, unicode.IsSpace) }

// ParseWithOptions parses a Dockerfile.
func ParseWithOptions(data []byte, o Options) (*File, error) {
	maxBytes := o.MaxBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	maxInstr := o.MaxInstructions
	if maxInstr <= 0 {
		maxInstr = DefaultMaxInstructions
	}
	if len(data) > maxBytes {
		return nil, &ParseError{Err: fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), maxBytes)}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	f := &File{Escape: '\\'}
	lines := bytes.Split(data, []byte("\n"))
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1] // the newline ends the last line, it does not start one
	}
	r := &lineReader{lines: lines}

	// Parser directives: only at the very top, each "# key=value"; any
	// other line (an empty one included) ends them.
	seen := map[string]bool{}
	for r.next < len(r.lines) {
		raw := bytes.TrimSuffix(r.lines[r.next], []byte("\r"))
		name, value, ok := directive(raw)
		if !ok {
			break
		}
		line := r.next + 1
		if seen[name] {
			return nil, &ParseError{Line: line, Err: fmt.Errorf("%w: only one %s parser directive can be used", ErrInvalidDirective, name)}
		}
		seen[name] = true
		if name == "escape" {
			switch value {
			case "\\":
				f.Escape = '\\'
			case "`":
				f.Escape = '`'
			default:
				return nil, &ParseError{Line: line, Err: fmt.Errorf("%w: escape must be ` or \\, not %q", ErrInvalidDirective, value)}
			}
		}
		f.Directives = append(f.Directives, Directive{Name: name, Value: value, Line: line})
		r.next++
	}
	esc := byte(f.Escape)

	var stage *Stage
	for {
		raw, lineNo, ok := r.read()
		if !ok {
			break
		}
		trimmed := trimLeft(raw)
		if len(trimmed) == 0 || trimmed[0] == '#' {
			continue
		}
		column := len(raw) - len(trimmed) + 1
		var b strings.Builder
		part, cont := trimContinuation(trimmed, esc)
		b.Write(part)
		end := lineNo
		for cont {
			raw, n, ok := r.read()
			if !ok {
				break // a continuation at end of file simply ends the instruction
			}
			end = n
			t := trimLeft(raw)
			if len(t) > 0 && t[0] == '#' {
				continue // comment lines inside a continuation are dropped
			}
			if len(t) == 0 {
				continue // empty continuation line (BuildKit warns, still joins)
			}
			part, cont = trimContinuation(raw, esc)
			b.Write(part)
		}
		line := b.String()
		if strings.TrimSpace(line) == "" {
			// Only a continuation character: BuildKit makes an instruction
			// with no keyword of it, which the build then rejects.
			return nil, &ParseError{Line: lineNo, Err: fmt.Errorf("%w: line continuation without an instruction", ErrSyntax)}
		}
		if len(f.Instructions) >= maxInstr {
			return nil, &ParseError{Line: lineNo, Err: fmt.Errorf("%w: more than %d instructions", ErrTooManyInstructions, maxInstr)}
		}
		in, err := parseInstruction(line, esc)
		if err != nil {
			return nil, &ParseError{Line: lineNo, Err: err}
		}
		in.StartLine, in.EndLine, in.Column = lineNo, end, column
		if in.Cmd == "RUN" || in.Cmd == "COPY" || in.Cmd == "ADD" {
			if err := readHeredocs(in, r); err != nil {
				return nil, err
			}
		}
		f.Instructions = append(f.Instructions, in)
		switch {
		case in.Cmd == "FROM":
			st, err := newStage(f, in, o.BuildArgs)
			if err != nil {
				return nil, &ParseError{Line: lineNo, Err: err}
			}
			f.Stages = append(f.Stages, st)
			if st.Name != "" {
				if f.stageNames == nil {
					f.stageNames = map[string]int{}
				}
				if _, dup := f.stageNames[st.Name]; !dup {
					f.stageNames[st.Name] = st.Index
				}
			}
			stage = st
		case stage != nil:
			stage.Instructions = append(stage.Instructions, in)
		case in.Cmd == "ARG":
			f.MetaArgs = append(f.MetaArgs, in)
		default:
			f.Orphans = append(f.Orphans, in)
		}
	}
	if len(f.Instructions) == 0 {
		return nil, &ParseError{Err: ErrNoInstructions}
	}
	return f, nil
}

// directive recognises "# name=value" with a known name.
func directive(line []byte) (name, value string, ok bool) {
	// BuildKit: after "#" and blanks, ^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$
	s := strings.TrimLeftFunc(string(line), unicode.IsSpace)
	rest, ok := strings.CutPrefix(s, "#")
	if !ok {
		return "", "", false
	}
	rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
	k, v, ok := strings.Cut(rest, "=")
	if !ok {
		return "", "", false
	}
	k = strings.TrimRightFunc(k, unicode.IsSpace)
	for i, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return "", "", false
		}
	}
	k = strings.ToLower(k)
	switch k {
	case "syntax", "escape", "check":
	default:
		return "", "", false
	}
	if v == "" {
		return "", "", false
	}
	if t := strings.TrimFunc(v, unicode.IsSpace); t != "" {
		v = t
	} else {
		// Only blanks: the lazy (.+?) still takes one of them.
		_, size := utf8.DecodeLastRuneInString(v)
		v = v[len(v)-size:]
	}
	return k, v, true
}

// trimContinuation removes a trailing escape character (followed only by
// blanks) and reports whether the instruction continues. As in BuildKit,
// an escape character preceded by another one ("path\\") does not
// continue the line.
func trimContinuation(b []byte, esc byte) ([]byte, bool) {
	t := bytes.TrimRight(b, " \t")
	n := len(t)
	if n > 0 && t[n-1] == esc && (n == 1 || t[n-2] != esc) {
		return t[:n-1], true
	}
	return b, false
}

func parseInstruction(line string, esc byte) (*Instruction, error) {
	line = strings.TrimSpace(line)
	const blanks = " \t\v\f\r" // BuildKit's [\t\v\f\r ]+
	i := strings.IndexAny(line, blanks)
	kw, rest := line, ""
	if i >= 0 {
		kw, rest = line[:i], strings.TrimLeft(line[i:], blanks)
	}
	cmd := strings.ToUpper(kw)
	if !knownInstructions[cmd] {
		if !utf8.ValidString(kw) || len(kw) > 40 {
			kw = fmt.Sprintf("%.40q", kw)
		}
		return nil, fmt.Errorf("%w %s", ErrUnknownInstruction, kw)
	}
	in := &Instruction{Cmd: cmd, Text: rest}
	flags, args := extractFlags(rest, esc)
	args = strings.TrimSpace(args)
	in.Flags = flags
	var jsonErr error
	switch cmd {
	case "RUN", "CMD", "ENTRYPOINT", "SHELL":
		if a, ok, err := jsonArray(args); ok {
			in.Args, in.JSON = a, true
		} else if err != nil {
			jsonErr = err
		} else if args != "" {
			in.Args = []string{args}
		}
	case "COPY", "ADD", "VOLUME":
		// Shell-form words are split on blanks only, quotes kept, as
		// BuildKit's parser does (quotes do not group words here).
		if a, ok, err := jsonArray(args); ok {
			in.Args, in.JSON = a, true
		} else if err != nil {
			jsonErr = err
		} else {
			in.Args = strings.Fields(args)
		}
	case "FROM", "EXPOSE":
		in.Args = strings.Fields(args)
	case "HEALTHCHECK":
		w, r := splitFirst(args)
		if w != "" {
			in.Args = []string{strings.ToUpper(w)}
			if a, ok, err := jsonArray(r); ok {
				in.Args, in.JSON = append(in.Args, a...), true
			} else if err != nil {
				jsonErr = err
			} else if r != "" {
				in.Args = append(in.Args, r)
			}
		}
	case "ENV", "LABEL":
		kv, err := parseNameVal(cmd, args, esc)
		if err != nil {
			return nil, err
		}
		in.KeyValues = kv
	case "ARG":
		for _, w := range splitWords(args, esc) {
			k, v, has := strings.Cut(w, "=")
			in.KeyValues = append(in.KeyValues, KeyValue{Key: k, Value: unquote(v, esc), HasValue: has})
		}
		if len(in.KeyValues) == 0 {
			return nil, fmt.Errorf("%w: ARG requires at least one argument", ErrSyntax)
		}
	default:
		if args != "" {
			in.Args = []string{args}
		}
	}
	if jsonErr != nil {
		return nil, jsonErr
	}
	return in, nil
}

// splitFirst splits off the first word at ASCII blanks (BuildKit's
// [\t\v\f\r ]+).
func splitFirst(s string) (string, string) {
	const blanks = " \t\v\f\r"
	s = strings.TrimLeft(s, blanks)
	i := strings.IndexAny(s, blanks)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimLeft(s[i:], blanks)
}

// jsonArray parses the exec form: a JSON array of strings. Text that is
// not a JSON array is shell form (ok false, no error); a JSON array with
// other elements than strings is an error, as in BuildKit.
func jsonArray(s string) ([]string, bool, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "[") {
		return nil, false, nil
	}
	var raw []any
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil, false, nil
	}
	out := make([]string, 0, len(raw))
	for _, v := range raw {
		str, ok := v.(string)
		if !ok {
			return nil, false, fmt.Errorf("%w: when using JSON array syntax, arrays must be comprised of strings only", ErrSyntax)
		}
		out = append(out, str)
	}
	return out, true, nil
}

// extractFlags splits the leading "--name[=value]" words from the
// arguments the way BuildKit does: words end at ASCII white space, quotes
// group and are removed, the escape character protects the next byte
// (inside quotes too), and a "--" word ends the flags.
func extractFlags(line string, esc byte) ([]string, string) {
	const (
		inSpaces = iota
		inWord
		inQuote
	)
	var (
		words   []string
		sb      strings.Builder
		phase   = inSpaces
		quote   byte
		blankOK bool
	)
	for pos := 0; pos <= len(line); pos++ {
		var ch byte
		if pos != len(line) {
			ch = line[pos]
		}
		if phase == inSpaces {
			if pos == len(line) {
				break
			}
			if asciiSpace(ch) {
				continue
			}
			if ch != '-' || pos+1 == len(line) || line[pos+1] != '-' {
				return words, line[pos:]
			}
			phase = inWord
		}
		if pos == len(line) {
			if w := sb.String(); w != "--" && (blankOK || w != "") {
				words = append(words, w)
			}
			break
		}
		if phase == inWord {
			switch {
			case asciiSpace(ch):
				w := sb.String()
				phase = inSpaces
				if w == "--" {
					return words, line[pos:]
				}
				if blankOK || w != "" {
					words = append(words, w)
				}
				sb.Reset()
				blankOK = false
				continue
			case ch == '\'' || ch == '"':
				quote, blankOK, phase = ch, true, inQuote
				continue
			case ch == esc:
				if pos+1 == len(line) {
					continue
				}
				pos++
				ch = line[pos]
			}
			sb.WriteByte(ch)
			continue
		}
		// inQuote
		if ch == quote {
			phase = inWord
			continue
		}
		if ch == esc {
			if pos+1 == len(line) {
				phase = inWord
				continue
			}
			pos++
			ch = line[pos]
		}
		sb.WriteByte(ch)
	}
	return words, ""
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// wordEnd returns the end of the first shell word of s, honouring quotes
// and the escape character.
func wordEnd(s string, esc byte) int {
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == esc && quote != '\'':
			i++
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case isSpaceAt(s, i) > 0:
			return i
		}
	}
	return len(s)
}

// splitWords splits s into shell words, keeping quotes.
func splitWords(s string, esc byte) []string {
	var out []string
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if s == "" {
			return out
		}
		end := min(wordEnd(s, esc), len(s))
		out = append(out, s[:end])
		s = s[end:]
	}
}

// unquote removes shell quoting: single quotes are literal, the escape
// character protects the next character outside single quotes.
func unquote(s string, esc byte) string {
	if strings.IndexByte(s, '\'') < 0 && strings.IndexByte(s, '"') < 0 && strings.IndexByte(s, esc) < 0 {
		return s
	}
	var b strings.Builder
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			} else {
				b.WriteByte(c)
			}
		case c == esc && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case quote == '"':
			if c == '"' {
				quote = 0
			} else {
				b.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote = c
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// parseNameVal parses ENV and LABEL: "k=v k2=v2" or the legacy "k v".
func parseNameVal(cmd, s string, esc byte) ([]KeyValue, error) {
	words := splitWords(s, esc)
	if len(words) == 0 {
		return nil, fmt.Errorf("%w: %s requires at least one argument", ErrSyntax, cmd)
	}
	if !strings.Contains(words[0], "=") {
		k, v := splitFirst(s)
		if v == "" {
			return nil, fmt.Errorf("%w: %s %s must have two arguments", ErrSyntax, cmd, k)
		}
		return []KeyValue{{Key: k, Value: unquote(strings.TrimRight(v, " \t"), esc), HasValue: true}}, nil
	}
	out := make([]KeyValue, 0, len(words))
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%w: can't find = in %.60q, it must be of the form name=value", ErrSyntax, w)
		}
		if cmd == "LABEL" {
			k = unquote(k, esc) // label keys may be quoted; ENV names are taken as written, like BuildKit
		}
		out = append(out, KeyValue{Key: k, Value: unquote(v, esc), HasValue: true})
	}
	return out, nil
}

// heredocSpec is one "<<WORD" found on an instruction line.
type heredocSpec struct {
	name   string
	expand bool
	chomp  bool
	fd     int
}

// findHeredocs finds "<<WORD" words the way BuildKit does: the line is
// split into shell words (quotes kept, backslash escapes); a word that
// starts with optional digits and "<<" names a heredoc whose delimiter is
// the rest of the word with quotes removed. A line with an unterminated
// quote has no heredocs.
func findHeredocs(in *Instruction) []heredocSpec {
	if in.JSON || !strings.Contains(in.Text, "<<") {
		return nil
	}
	words, ok := shellWords(in.Text)
	if !ok {
		return nil
	}
	var out []heredocSpec
	for wi := 0; wi < len(words); wi++ {
		w := words[wi].text
		fd, j := 0, 0
		for j < len(w) && w[j] >= '0' && w[j] <= '9' {
			if fd < 1<<20 {
				fd = fd*10 + int(w[j]-'0')
			}
			j++
		}
		rest, ok := strings.CutPrefix(w[j:], "<<")
		if !ok {
			continue
		}
		h := heredocSpec{fd: fd, expand: true}
		if strings.HasPrefix(rest, "-") {
			h.chomp = true
			rest = rest[1:]
		}
		if rest == "" && !h.chomp && wi+1 < len(words) && strings.Trim(in.Text[words[wi].end:words[wi+1].start], " \t\r") == "" {
			// "<< EOF": the delimiter may follow after blanks, tabs or CRs
			// (BuildKit allows neither "<<- EOF" nor other white space).
			wi++
			rest = words[wi].text
		}
		if rest == "" || strings.Contains(rest, "<") {
			continue
		}
		h.name = unquote(rest, '\\')
		h.expand = strings.Count(h.name, "'")+strings.Count(h.name, "\"") == strings.Count(rest, "'")+strings.Count(rest, "\"")
		if h.name == "" {
			continue
		}
		out = append(out, h)
	}
	return out
}

// isSpaceAt returns the byte length of the white-space rune at s[i], or 0.
func isSpaceAt(s string, i int) int {
	r, size := utf8.DecodeRuneInString(s[i:])
	if r != utf8.RuneError && unicode.IsSpace(r) {
		return size
	}
	return 0
}

// shellWord is a word of shellWords with its byte range in the line.
type shellWord struct {
	text       string
	start, end int
}

// shellWords splits s on white space (unicode.IsSpace, as BuildKit's
// lexer) outside quotes, keeping quotes and escapes; ok is false when a
// quote is not closed.
func shellWords(s string) ([]shellWord, bool) {
	var out []shellWord
	start, quote := -1, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			}
		case c == '\\':
			if start < 0 {
				start = i
			}
			i++
		case quote == '"':
			if c == '"' {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
			if start < 0 {
				start = i
			}
		case isSpaceAt(s, i) > 0:
			if start >= 0 {
				out = append(out, shellWord{s[start:i], start, i})
				start = -1
			}
			i += isSpaceAt(s, i) - 1
		default:
			if start < 0 {
				start = i
			}
		}
	}
	if quote != 0 {
		return nil, false
	}
	if start >= 0 {
		out = append(out, shellWord{s[start:], start, len(s)})
	}
	return out, true
}

func readHeredocs(in *Instruction, r *lineReader) error {
	for _, h := range findHeredocs(in) {
		var b strings.Builder
		start := r.next + 1
		done := false
		for {
			raw, n, ok := r.read()
			if !ok {
				break
			}
			in.EndLine = n
			l := string(raw)
			if h.chomp {
				l = strings.TrimLeft(l, "\t")
			}
			if l == h.name {
				done = true
				break
			}
			// The body is kept as written (BuildKit strips the tabs of
			// "<<-" later, when it uses the content).
			b.Write(r.lines[n-1])
			b.WriteByte('\n')
		}
		if !done {
			return &ParseError{Line: in.StartLine, Err: fmt.Errorf("%w %q", ErrUnterminatedHeredoc, h.name)}
		}
		in.Heredocs = append(in.Heredocs, Heredoc{
			Name: h.name, Content: b.String(), Expand: h.expand, Chomp: h.chomp,
			FileDescriptor: h.fd, StartLine: start, EndLine: in.EndLine,
		})
	}
	return nil
}

func newStage(f *File, in *Instruction, buildArgs map[string]string) (*Stage, error) {
	st := &Stage{Index: len(f.Stages), From: in, BaseStage: -1}
	st.Platform, _ = in.Flag("platform")
	switch {
	case len(in.Args) == 1:
	case len(in.Args) == 3 && strings.EqualFold(in.Args[1], "AS"):
		st.Name = strings.ToLower(in.Args[2])
	default:
		return nil, fmt.Errorf("%w: FROM requires either one or three arguments (image [AS name])", ErrSyntax)
	}
	st.BaseName = in.Args[0]
	vars := map[string]string{}
	for _, a := range f.MetaArgs {
		for _, kv := range a.KeyValues {
			if kv.HasValue {
				v, _ := Expand(kv.Value, vars, byte(f.Escape))
				vars[kv.Key] = v
			} else if _, ok := vars[kv.Key]; !ok {
				vars[kv.Key] = "\x00unset"
			}
		}
	}
	for k, v := range buildArgs {
		if _, declared := vars[k]; declared {
			vars[k] = v
		}
	}
	for k, v := range vars {
		if v == "\x00unset" {
			delete(vars, k)
		}
	}
	base, unresolved := Expand(st.BaseName, vars, byte(f.Escape))
	st.Base, st.Unresolved = base, unresolved
	if prev := f.StageByName(st.Base, st.Index); prev != nil && prev.Name == strings.ToLower(st.Base) {
		st.BaseStage = prev.Index
	}
	return st, nil
}
