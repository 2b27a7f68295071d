package image

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/kubeharden/kubeharden"
)

// Algorithm names a digest algorithm of a checksum list.
type Algorithm string

// Supported algorithms. MD5, SHA-1 and SHA-224 lines are recognised and
// reported as unsupported: they do not protect against substitution.
const (
	SHA256 Algorithm = "sha256"
	SHA384 Algorithm = "sha384"
	SHA512 Algorithm = "sha512"
)

func (a Algorithm) new() hash.Hash {
	switch a {
	case SHA256:
		return sha256.New()
	case SHA384:
		return sha512.New384()
	default:
		return sha512.New()
	}
}

func (a Algorithm) hexLen() int {
	switch a {
	case SHA256:
		return 64
	case SHA384:
		return 96
	case SHA512:
		return 128
	}
	return 0
}

func algorithmForHexLen(n int) (Algorithm, bool) {
	switch n {
	case 64:
		return SHA256, true
	case 96:
		return SHA384, true
	case 128:
		return SHA512, true
	}
	return "", false
}

// SumFormat is the syntax a checksum entry was written in.
type SumFormat int

// Checksum list formats.
const (
	// FormatText is "<hex>  <name>" (sha512sum's default text mode).
	FormatText SumFormat = iota
	// FormatBinary is "<hex> *<name>" (sha512sum -b).
	FormatBinary
	// FormatTag is "SHA512 (<name>) = <hex>" (sha512sum --tag, BSD).
	FormatTag
	// FormatBare is a file holding only the digest (dl.k8s.io's
	// kubectl.sha512); the name comes from the list's file name.
	FormatBare
	// FormatChangelog is a row of a Kubernetes CHANGELOG
	// "filename | sha512 hash" table.
	FormatChangelog
)

func (f SumFormat) String() string {
	switch f {
	case FormatText:
		return "text"
	case FormatBinary:
		return "binary"
	case FormatTag:
		return "tag"
	case FormatBare:
		return "bare"
	case FormatChangelog:
		return "changelog"
	}
	return fmt.Sprintf("format(%d)", int(f))
}

// SumEntry is one file's published digest.
type SumEntry struct {
	Name      string
	Algorithm Algorithm
	// Digest is lower-case hex.
	Digest string
	Format SumFormat
	Source string
	Line   int
	// URL is the download link of a CHANGELOG row.
	URL string
	// Release is the CHANGELOG release the row belongs to ("v1.34.7").
	Release string
}

// SumProblem is a line of a checksum list that could not be used.
type SumProblem struct {
	Line   int
	Reason string
}

// SumList is a parsed checksum list.
type SumList struct {
	Source  string
	Entries []SumEntry
	// Problems lists improperly formatted or unsupported lines (at most
	// maxProblems; Dropped counts the rest). Lines of a Markdown file
	// outside its checksum tables are not problems.
	Problems []SumProblem
	Dropped  int
}

// Checksum-list budgets and errors.
const (
	maxSumLine    = 1 << 20
	maxSumEntries = 200000
	maxProblems   = 100
	maxSumName    = 4096 // PATH_MAX: bounds the memory an entry holds
)

var (
	// ErrNoChecksums is returned when a list holds no usable entry.
	ErrNoChecksums = errors.New("no checksum entries found")
	// ErrChecksumList wraps read and budget failures of a list.
	ErrChecksumList = errors.New("invalid checksum list")
)

var (
	reChangelogHeader = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^filename\s*\|\s*(sha512|sha256) hash\s*\|?\s*$`)
	})
	reTableSeparator = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\|?\s*:?-+:?\s*\|\s*:?-+:?\s*\|?\s*$`)
	})
	reRelease = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^#{1,3}\s+(?:Downloads for\s+)?(v\d+\.\d+\.\d+\S*)\s*$`)
	})
)

// ParseSums reads a checksum list in any published format, detected per
// line: sha512sum/sha256sum text ("<hex>  name") and binary ("<hex> *name")
// lines, --tag lines ("SHA512 (name) = <hex>"), escaped names (a leading
// backslash, "\\" and "\n" in the name), --zero NUL-terminated lists, a
// bare digest file (the name is source without its .sha512/.sha256
// extension), and Kubernetes CHANGELOG Markdown tables
// ("filename | sha512 hash"; old CHANGELOGs use sha256 with the digest in
// backticks). In a Markdown file only table rows count. The input is
// streamed: memory grows with the number of entries, not the input size.
func ParseSums(source string, r io.Reader) (*SumList, error) {
	list := &SumList{Source: source}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxSumLine)
	zero := -1 // unknown until the first terminator
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if zero < 0 {
			// sha512sum --zero ends records with NUL (names may then hold
			// newlines); text lists never contain NUL.
			switch {
			case bytes.IndexByte(data, 0) >= 0:
				zero = 1
			case atEOF || len(data) >= 4096:
				zero = 0
			default:
				return 0, nil, nil
			}
		}
		sep := byte('\n')
		if zero == 1 {
			sep = 0
		}
		if i := bytes.IndexByte(data, sep); i >= 0 {
			return i + 1, data[:i], nil
		}
		if atEOF && len(data) > 0 {
			return len(data), data, nil
		}
		return 0, nil, nil
	})

	var (
		lineNo    int
		tableAlg  Algorithm
		inTable   bool
		release   string
		markdown  bool
		bare      []SumEntry
		plainSeen bool
	)
	problem := func(reason string) {
		if len(list.Problems) < maxProblems {
			list.Problems = append(list.Problems, SumProblem{Line: lineNo, Reason: reason})
		} else {
			list.Dropped++
		}
	}
	add := func(e SumEntry) error {
		if len(e.Name) > maxSumName || len(e.URL) > maxSumName {
			problem(fmt.Sprintf("file name or URL longer than %d bytes", maxSumName))
			return nil
		}
		if len(list.Entries) >= maxSumEntries {
			return fmt.Errorf("%w: %s: more than %d entries", ErrChecksumList, source, maxSumEntries)
		}
		e.Source, e.Line, e.Digest = source, lineNo, strings.ToLower(e.Digest)
		list.Entries = append(list.Entries, e)
		return nil
	}
	for sc.Scan() {
		lineNo++
		raw := sc.Text()
		// Names may end in blanks, so sha512sum lines are not trimmed; a
		// CRLF list loses its CR.
		line := strings.TrimSuffix(raw, "\r")
		trimmed := strings.TrimSpace(line)
		// Cheap first-byte tests keep the regular expressions off most
		// lines of a large CHANGELOG.
		if strings.HasPrefix(trimmed, "#") {
			if m := reRelease().FindStringSubmatch(trimmed); m != nil {
				release, markdown = m[1], true
				inTable = false
				continue
			}
		}
		if len(trimmed) >= 8 && strings.EqualFold(trimmed[:8], "filename") {
			if m := reChangelogHeader().FindStringSubmatch(strings.ToLower(trimmed)); m != nil {
				tableAlg, inTable, markdown = Algorithm(m[1]), true, true
				continue
			}
		}
		if inTable {
			if c := trimmed[0:min(1, len(trimmed))]; (c == "-" || c == "|" || c == ":") && reTableSeparator().MatchString(trimmed) {
				continue
			}
			if m := changelogRow(trimmed); m != nil {
				if len(m[3]) != tableAlg.hexLen() {
					problem(fmt.Sprintf("%d hex digits in a %s table", len(m[3]), tableAlg))
					continue
				}
				if err := add(SumEntry{Name: m[1], URL: m[2], Algorithm: tableAlg, Digest: m[3], Format: FormatChangelog, Release: release}); err != nil {
					return nil, err
				}
				continue
			}
			inTable = false
		}
		if trimmed == "" {
			continue
		}
		if e, ok, reason := parseSumLine(line); ok {
			plainSeen = true
			if err := add(e); err != nil {
				return nil, err
			}
			continue
		} else if reason != "" {
			problem(reason)
			continue
		}
		if len(trimmed) <= 128 && isHex(trimmed) {
			if alg, ok := algorithmForHexLen(len(trimmed)); ok {
				bare = append(bare, SumEntry{Name: bareName(source), Algorithm: alg, Digest: trimmed, Format: FormatBare, Line: lineNo})
				continue
			}
			problem(fmt.Sprintf("bare digest of %d hex digits matches no supported algorithm", len(trimmed)))
			continue
		}
		if !markdown {
			problem("improperly formatted checksum line")
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %s: line %d: %w", ErrChecksumList, source, lineNo+1, err)
	}
	if markdown {
		// A Markdown file: only its tables are checksum lists; drop lines
		// that merely looked like sha512sum output and the problems of
		// prose lines.
		kept := list.Entries[:0]
		for _, e := range list.Entries {
			if e.Format == FormatChangelog {
				kept = append(kept, e)
			}
		}
		list.Entries = kept
		list.Problems, list.Dropped = nil, 0
	} else {
		for _, b := range bare {
			lineNo = b.Line
			switch {
			case plainSeen || len(bare) > 1:
				problem("bare digest in a list of named entries")
			case b.Name == "":
				problem("bare digest, but the list's name does not end in .sha256, .sha384 or .sha512 to say which file it covers")
			default:
				if err := add(b); err != nil {
					return nil, err
				}
			}
		}
	}
	if len(list.Entries) == 0 {
		return list, fmt.Errorf("%w in %s", ErrNoChecksums, source)
	}
	return list, nil
}

// changelogRow matches a CHANGELOG table row; it returns nil or the
// whole row, the file name, the URL and the hex digest. It accepts
// "[name](url) | hex" with optional outer pipes and a digest in backticks.
func changelogRow(s string) []string {
	s = strings.TrimSpace(strings.TrimPrefix(s, "|"))
	if !strings.HasPrefix(s, "[") {
		return nil
	}
	end := strings.IndexByte(s, ']')
	if end < 2 || !strings.HasPrefix(s[end+1:], "(") || strings.Contains(s[1:end], "[") {
		return nil
	}
	name := s[1:end]
	rest := s[end+2:]
	closeURL := strings.IndexByte(rest, ')')
	if closeURL < 1 {
		return nil
	}
	url := rest[:closeURL]
	rest = strings.TrimSpace(rest[closeURL+1:])
	rest, ok := strings.CutPrefix(rest, "|")
	if !ok {
		return nil
	}
	rest = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "|"))
	if strings.HasPrefix(rest, "`") {
		if !strings.HasSuffix(rest, "`") || len(rest) < 2 {
			return nil
		}
		rest = rest[1 : len(rest)-1]
	}
	if rest == "" || !isHex(rest) {
		return nil
	}
	return []string{s, name, url, rest}
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
			return false
		}
	}
	return true
}

// bareName derives the file a bare digest file covers: "kubectl.sha512"
// covers "kubectl".
func bareName(source string) string {
	base := path.Base(strings.ReplaceAll(source, "\\", "/"))
	for _, ext := range []string{".sha512", ".sha384", ".sha256", ".sha512sum", ".sha256sum"} {
		if n, ok := strings.CutSuffix(strings.ToLower(base), ext); ok && n != "" {
			return base[:len(n)]
		}
	}
	return ""
}

var tagAlgorithms = map[string]Algorithm{"SHA512": SHA512, "SHA384": SHA384, "SHA256": SHA256, "SHA2-512": SHA512, "SHA2-256": SHA256, "SHA2-384": SHA384}

// parseSumLine parses a GNU text/binary or BSD tag line. ok is false when
// the line is not in these formats; reason is set when it is, but cannot
// be used.
func parseSumLine(line string) (SumEntry, bool, string) {
	escaped := strings.HasPrefix(line, "\\")
	body := line
	if escaped {
		body = line[1:]
	}
	// BSD tag: "SHA512 (name) = hex".
	if sp := strings.Index(body, " ("); sp > 0 && sp <= 10 {
		algName := body[:sp]
		if i := strings.LastIndex(body, ") = "); i > sp {
			name, hexd := body[sp+2:i], body[i+4:]
			alg, known := tagAlgorithms[algName]
			switch {
			case !isHex(hexd):
			case !known:
				return SumEntry{}, false, fmt.Sprintf("unsupported algorithm %s", algName)
			case len(hexd) != alg.hexLen():
				return SumEntry{}, false, fmt.Sprintf("%s digest with %d hex digits", algName, len(hexd))
			default:
				if escaped {
					name = unescapeName(name)
				}
				if name == "" {
					return SumEntry{}, false, "empty file name"
				}
				return SumEntry{Name: name, Algorithm: alg, Digest: hexd, Format: FormatTag}, true, ""
			}
		}
	}
	// GNU: "hex  name" or "hex *name".
	sp := strings.IndexByte(body, ' ')
	if sp < 32 || sp > 128 || len(body) < sp+3 || !isHex(body[:sp]) {
		return SumEntry{}, false, ""
	}
	hexd, mode, name := body[:sp], body[sp+1], body[sp+2:]
	if mode != ' ' && mode != '*' {
		return SumEntry{}, false, ""
	}
	alg, ok := algorithmForHexLen(len(hexd))
	if !ok {
		return SumEntry{}, false, fmt.Sprintf("%d hex digits: md5, sha1 and sha224 lists are not supported", len(hexd))
	}
	if escaped {
		name = unescapeName(name)
	}
	f := FormatText
	if mode == '*' {
		f = FormatBinary
	}
	return SumEntry{Name: name, Algorithm: alg, Digest: hexd, Format: f}, true, ""
}

// unescapeName undoes coreutils' escaping of "\\", "\n" and "\r".
func unescapeName(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case '\\':
				b.WriteByte('\\')
				i++
				continue
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			case 'r':
				b.WriteByte('\r')
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// FileStatus is the outcome of verifying one file.
type FileStatus int

// Verification outcomes.
const (
	StatusMatch FileStatus = iota
	StatusMismatch
	// StatusNotListed: the file exists but no list names it.
	StatusNotListed
	// StatusListedAbsent: a list names the file but it is not there.
	StatusListedAbsent
	// StatusError: the file could not be read (or its listed name is
	// unsafe to open: absolute, or with "..").
	StatusError
)

func (s FileStatus) String() string {
	switch s {
	case StatusMatch:
		return "match"
	case StatusMismatch:
		return "mismatch"
	case StatusNotListed:
		return "not-listed"
	case StatusListedAbsent:
		return "listed-absent"
	case StatusError:
		return "error"
	}
	return fmt.Sprintf("status(%d)", int(s))
}

// FileResult is the verdict for one file.
type FileResult struct {
	Name   string
	Status FileStatus
	// Entry is the list entry that matched, or the first candidate.
	Entry *SumEntry
	// Candidates are all entries listed for the file.
	Candidates []SumEntry
	// Actual maps each computed algorithm to the file's hex digest.
	Actual map[Algorithm]string
	Size   int64
	Err    error
}

// VerifyReport is the outcome of Verify.
type VerifyReport struct {
	Files []FileResult
	// IgnoreMissing is copied from the options: listed-absent files do not
	// fail OK and are left out of Report.
	IgnoreMissing bool
}

// OK reports whether every file matched.
func (r VerifyReport) OK() bool {
	for _, f := range r.Files {
		if f.Status == StatusMatch || (f.Status == StatusListedAbsent && r.IgnoreMissing) {
			continue
		}
		return false
	}
	return len(r.Files) > 0
}

// VerifyOptions configure Verify. The zero value is the strict policy.
type VerifyOptions struct {
	// IgnoreMissing treats listed files that are absent as not an error
	// (sha512sum --ignore-missing).
	IgnoreMissing bool
	// BufferSize is the read buffer per file (default 1 MiB).
	BufferSize int
}

// Verify checks files read through fsys against the checksum lists.
//
// With names, each named file (a slash path valid for fsys) is hashed and
// compared with every entry listing it: by exact path first, else by base
// name, so "bin/kubectl" matches a list entry "kubectl". A file matches
// when one of its entries' digests equals its digest and no plain
// (sha512sum or bare) entry contradicts it; CHANGELOG tables list the same
// file name once per release, so any release may match. Without names,
// every listed file is checked, like sha512sum --check.
//
// Files are streamed through the hashes the entries need, with one buffer
// per call, so memory stays constant whatever the file sizes.
func Verify(ctx context.Context, fsys fs.FS, names []string, lists []*SumList, opts VerifyOptions) (VerifyReport, error) {
	rep := VerifyReport{IgnoreMissing: opts.IgnoreMissing}
	if fsys == nil {
		return rep, errors.New("image.Verify: nil fs.FS")
	}
	bufSize := opts.BufferSize
	if bufSize <= 0 {
		bufSize = 1 << 20
	}
	buf := make([]byte, bufSize)
	idx := indexEntries(lists)
	if len(names) == 0 {
		for _, n := range idx.order {
			names = append(names, n)
		}
	}
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		cands := idx.lookup(name)
		clean := cleanName(name)
		res := FileResult{Name: name, Candidates: cands}
		if len(cands) > 0 {
			res.Entry = &res.Candidates[0]
		}
		if !fs.ValidPath(clean) {
			res.Status, res.Err = StatusError, fmt.Errorf("unsafe file name %q: absolute or containing ..", name)
			rep.Files = append(rep.Files, res)
			continue
		}
		f, err := fsys.Open(clean)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && len(cands) > 0 {
				res.Status = StatusListedAbsent
			} else {
				res.Status, res.Err = StatusError, err
			}
			rep.Files = append(rep.Files, res)
			continue
		}
		res = verifyStream(ctx, name, f, cands, buf)
		f.Close()
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		rep.Files = append(rep.Files, res)
	}
	return rep, nil
}

// VerifyReader verifies one stream (standard input, an open file) named
// name against the lists.
func VerifyReader(ctx context.Context, name string, r io.Reader, lists ...*SumList) FileResult {
	return verifyStream(ctx, name, r, indexEntries(lists).lookup(name), make([]byte, 1<<20))
}

func verifyStream(ctx context.Context, name string, r io.Reader, cands []SumEntry, buf []byte) FileResult {
	res := FileResult{Name: name, Candidates: cands}
	algs := map[Algorithm]hash.Hash{}
	for _, c := range cands {
		if algs[c.Algorithm] == nil {
			algs[c.Algorithm] = c.Algorithm.new()
		}
	}
	if len(algs) == 0 {
		algs[SHA512] = SHA512.new() // report the digest of an unlisted file
	}
	hs := make([]hash.Hash, 0, len(algs))
	for _, h := range algs {
		hs = append(hs, h)
	}
	var w io.Writer = hs[0]
	if len(hs) > 1 {
		ws := make([]io.Writer, len(hs))
		for i, h := range hs {
			ws[i] = h
		}
		w = io.MultiWriter(ws...)
	}
	n, err := copyCtx(ctx, w, r, buf)
	res.Size = n
	if err != nil {
		res.Status, res.Err = StatusError, fmt.Errorf("reading %s: %w", name, err)
		return res
	}
	res.Actual = map[Algorithm]string{}
	sums := map[Algorithm][]byte{}
	for a, h := range algs {
		sums[a] = h.Sum(nil)
		res.Actual[a] = hex.EncodeToString(sums[a])
	}
	if len(cands) == 0 {
		res.Status = StatusNotListed
		return res
	}
	matched, contradicted := -1, false
	for i, c := range cands {
		want, err := hex.DecodeString(c.Digest)
		ok := err == nil && subtle.ConstantTimeCompare(want, sums[c.Algorithm]) == 1
		if ok && matched < 0 {
			matched = i
		}
		if !ok && c.Format != FormatChangelog {
			contradicted = true
		}
	}
	switch {
	case matched >= 0 && !contradicted:
		res.Status, res.Entry = StatusMatch, &res.Candidates[matched]
	default:
		res.Status, res.Entry = StatusMismatch, &res.Candidates[0]
		for i, c := range res.Candidates {
			if c.Format != FormatChangelog && res.Actual[c.Algorithm] != c.Digest {
				res.Entry = &res.Candidates[i]
				break
			}
		}
	}
	return res
}

func copyCtx(ctx context.Context, w io.Writer, r io.Reader, buf []byte) (int64, error) {
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		k, err := r.Read(buf)
		if k > 0 {
			if _, werr := w.Write(buf[:k]); werr != nil {
				return n, werr
			}
			n += int64(k)
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// cleanName drops leading "./". Backslashes stay: on POSIX systems they
// are ordinary file-name characters (sha512sum escapes them as "\\").
func cleanName(n string) string {
	for strings.HasPrefix(n, "./") {
		n = n[2:]
	}
	return n
}

type entryIndex struct {
	byName map[string][]SumEntry
	byBase map[string][]SumEntry
	order  []string
}

func indexEntries(lists []*SumList) entryIndex {
	idx := entryIndex{byName: map[string][]SumEntry{}, byBase: map[string][]SumEntry{}}
	for _, l := range lists {
		if l == nil {
			continue
		}
		for _, e := range l.Entries {
			n := cleanName(e.Name)
			if _, seen := idx.byName[n]; !seen {
				idx.order = append(idx.order, n)
			}
			idx.byName[n] = append(idx.byName[n], e)
			b := path.Base(n)
			idx.byBase[b] = append(idx.byBase[b], e)
		}
	}
	sort.Strings(idx.order)
	return idx
}

func (idx entryIndex) lookup(name string) []SumEntry {
	n := cleanName(name)
	if c := idx.byName[n]; len(c) > 0 {
		return c
	}
	return idx.byBase[path.Base(n)]
}

// Report turns the verification into findings (one per file) for the
// renderers; source names the checksum lists or the command.
func (r VerifyReport) Report(source string) kubeharden.Report {
	rep := kubeharden.Report{Source: source, Object: "Checksums/" + source, Kind: "ChecksumVerification"}
	for _, f := range r.Files {
		where := ""
		if f.Entry != nil {
			where = fmt.Sprintf("%s:%d", f.Entry.Source, f.Entry.Line)
			if f.Entry.Release != "" {
				where += " (" + f.Entry.Release + ")"
			}
		}
		pos := kubeharden.Position{File: f.Name}
		switch f.Status {
		case StatusMatch:
			fd := ruleChecksumMismatch.Pass(fmt.Sprintf("%s: OK, %s matches %s", f.Name, f.Entry.Algorithm, where), f.Name)
			fd.Position = pos
			rep.Findings = append(rep.Findings, fd)
		case StatusMismatch:
			fd := ruleChecksumMismatch.Fail(fmt.Sprintf("%s: FAILED, %s %s differs from %s listed at %s", f.Name, f.Entry.Algorithm,
				f.Actual[f.Entry.Algorithm], f.Entry.Digest, where), f.Name)
			fd.Position = pos
			rep.Findings = append(rep.Findings, fd)
		case StatusNotListed:
			fd := ruleChecksumNotListed.Fail(fmt.Sprintf("%s: not in any checksum list (sha512 %s)", f.Name, f.Actual[SHA512]), f.Name)
			fd.Position = pos
			rep.Findings = append(rep.Findings, fd)
		case StatusListedAbsent:
			if r.IgnoreMissing {
				continue
			}
			fd := ruleChecksumListedAbsent.Fail(fmt.Sprintf("%s: listed at %s but absent", f.Name, where), f.Name)
			fd.Position = pos
			rep.Findings = append(rep.Findings, fd)
		case StatusError:
			rep.Errors = append(rep.Errors, kubeharden.InputError{Source: f.Name, Document: -1, Err: f.Err})
		}
	}
	rep.ComputeScore()
	return rep
}
