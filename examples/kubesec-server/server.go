package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
	"github.com/kubeharden/kubeharden/manifest"
	"github.com/kubeharden/kubeharden/report"
)

// apiFileName is what kubesec prints as fileName for HTTP requests.
const apiFileName = "API"

// redirectURL is where kubesec redirects GET / and GET /scan.
const redirectURL = "https://kubesec.io"

// config is the server configuration; see newFlagSet for the flags.
type config struct {
	addr              string
	maxBody           int64
	readTimeout       time.Duration
	readHeaderTimeout time.Duration
	writeTimeout      time.Duration
	idleTimeout       time.Duration
	maxConcurrent     int
	maxReading        int
	queueTimeout      time.Duration
	shutdownTimeout   time.Duration
	compat            manifest.Compat
	maxDocuments      int
	maxDepth          int
	maxAliasBytes     int
	gcPercent         int
	memoryLimit       int64
}

// server answers kubesec's HTTP API.
type server struct {
	cfg config
	log *slog.Logger
	// reading bounds the requests whose bodies are being read or held
	// (memory); slots bounds the scans running (CPU).
	reading chan struct{}
	slots   chan struct{}
	budget  decode.Options
	// kubesecIDs and ruleIDs are the ids ?rule= accepts (never mutated).
	kubesecIDs map[string]bool
	ruleIDs    map[string]bool
	rules      []kubeharden.Rule
	bufs       sync.Pool
}

func newServer(cfg config, log *slog.Logger) *server {
	if cfg.maxConcurrent <= 0 {
		cfg.maxConcurrent = 1
	}
	if cfg.maxReading < cfg.maxConcurrent {
		cfg.maxReading = cfg.maxConcurrent
	}
	s := &server{
		cfg:        cfg,
		log:        log,
		reading:    make(chan struct{}, cfg.maxReading),
		slots:      make(chan struct{}, cfg.maxConcurrent),
		kubesecIDs: map[string]bool{},
		ruleIDs:    map[string]bool{},
		rules:      manifest.Rules(),
		budget: decode.Options{
			MaxStreamBytes:   cfg.maxBody,
			MaxDocumentBytes: int(cfg.maxBody),
			MaxDocuments:     cfg.maxDocuments,
			MaxDepth:         cfg.maxDepth,
			MaxAliasBytes:    cfg.maxAliasBytes,
		},
	}
	for _, r := range s.rules {
		s.ruleIDs[r.ID] = true
		for _, ref := range r.Refs {
			if id, ok := strings.CutPrefix(ref, report.KubesecRefPrefix); ok {
				s.kubesecIDs[id] = true
			}
		}
	}
	s.bufs.New = func() any { return new(bytes.Buffer) }
	return s
}

// newHTTPServer wraps the handler with the configured timeouts.
func newHTTPServer(cfg config, h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Addr:              cfg.addr,
		Handler:           h,
		ReadTimeout:       cfg.readTimeout,
		ReadHeaderTimeout: cfg.readHeaderTimeout,
		WriteTimeout:      cfg.writeTimeout,
		IdleTimeout:       cfg.idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// requestLog collects what the access log line reports.
type requestLog struct {
	http.ResponseWriter
	status  int
	bytes   int
	reports int
	errors  int
	waited  time.Duration
	note    string
}

func (l *requestLog) WriteHeader(code int) {
	if l.status == 0 {
		l.status = code
	}
	l.ResponseWriter.WriteHeader(code)
}

func (l *requestLog) Write(b []byte) (int, error) {
	if l.status == 0 {
		l.status = http.StatusOK
	}
	n, err := l.ResponseWriter.Write(b)
	l.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (l *requestLog) Unwrap() http.ResponseWriter { return l.ResponseWriter }

// ServeHTTP routes kubesec's endpoints and logs one line per request.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rl := &requestLog{ResponseWriter: w}
	defer func() {
		if p := recover(); p != nil {
			// The analyzer must never panic; if it does, answer 500 and keep serving.
			rl.note = fmt.Sprint("panic: ", p)
			if rl.status == 0 {
				http.Error(rl, "internal error", http.StatusInternalServerError)
			}
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rl.status),
			slog.Int("bytes", rl.bytes),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("remote", r.RemoteAddr),
		}
		if r.ContentLength >= 0 {
			attrs = append(attrs, slog.Int64("request_bytes", r.ContentLength))
		}
		if rl.reports > 0 || rl.errors > 0 {
			attrs = append(attrs, slog.Int("reports", rl.reports), slog.Int("input_errors", rl.errors))
		}
		if rl.waited > time.Millisecond {
			attrs = append(attrs, slog.Float64("queued_ms", float64(rl.waited.Microseconds())/1000))
		}
		if rl.note != "" {
			attrs = append(attrs, slog.String("note", rl.note))
		}
		level := slog.LevelInfo
		if rl.status >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "request", attrs...)
	}()
	switch r.URL.Path {
	case "/healthz":
		rl.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(rl, "OK\n")
	case "/", "/scan":
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			http.Redirect(rl, r, redirectURL, http.StatusSeeOther)
			return
		}
		s.scan(rl, r)
	default:
		http.NotFound(rl, r)
	}
}

// plain answers a text/plain error with a trailing newline, as kubesec.
func plain(w http.ResponseWriter, code int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	io.WriteString(w, msg+"\n")
}

// query is a parsed scan request's query string.
type query struct {
	compat manifest.Compat
	format report.Format
	rules  []string
}

func (s *server) parseQuery(r *http.Request) (query, error) {
	q := query{compat: s.cfg.compat, format: report.FormatKubesec}
	v := r.URL.Query()
	if c := v.Get("compat"); c != "" {
		cm, err := manifest.ParseCompat(c)
		if err != nil {
			return q, err
		}
		q.compat = cm
	}
	switch f := v.Get("format"); f {
	case "", "kubesec":
	case "json":
		q.format = report.FormatJSON
	case "sarif":
		q.format = report.FormatSARIF
	default:
		return q, fmt.Errorf("unknown format %q (want kubesec, json or sarif)", f)
	}
	for _, rv := range v["rule"] {
		for p := range strings.SplitSeq(rv, ",") {
			if p = strings.TrimSpace(p); p != "" {
				q.rules = append(q.rules, p)
			}
		}
	}
	var bad []string
	for _, id := range q.rules {
		if !s.kubesecIDs[id] && (q.compat == manifest.CompatKubesec || !s.ruleIDs[id]) {
			bad = append(bad, id)
		}
	}
	if len(bad) > 0 {
		return q, fmt.Errorf("invalid rule IDs requested: %s", strings.Join(bad, ", "))
	}
	return q, nil
}

// acquire takes a place in sem, waiting at most until deadline.
func acquire(r *http.Request, sem chan struct{}, deadline time.Time) bool {
	select {
	case sem <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case sem <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-r.Context().Done():
		return false
	}
}

func busy(w *requestLog) {
	w.Header().Set("Retry-After", "1")
	plain(w, http.StatusServiceUnavailable, "server busy, retry later")
}

// maxPooled bounds the buffers kept for reuse, so one large request does
// not pin its memory.
const maxPooled = 256 << 10

func (s *server) getBuf() *bytes.Buffer { return s.bufs.Get().(*bytes.Buffer) }

func (s *server) putBuf(b *bytes.Buffer) {
	if b.Cap() <= maxPooled {
		b.Reset()
		s.bufs.Put(b)
	}
}

// scan answers POST /scan.
func (s *server) scan(w *requestLog, r *http.Request) {
	q, err := s.parseQuery(r)
	if err != nil {
		plain(w, http.StatusBadRequest, err.Error())
		return
	}
	if r.ContentLength > s.cfg.maxBody {
		w.Header().Set("Connection", "close")
		plain(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body exceeds the limit of %d bytes", s.cfg.maxBody))
		return
	}
	// Two stages: a bounded number of requests may read (and hold) their
	// bodies, so slow senders cannot starve the scanners, and a smaller
	// number may scan. One queue deadline covers both waits.
	start := time.Now()
	deadline := start.Add(s.cfg.queueTimeout)
	if !acquire(r, s.reading, deadline) {
		w.waited = time.Since(start)
		busy(w)
		return
	}
	defer func() { <-s.reading }()
	w.waited = time.Since(start)

	in := s.getBuf()
	defer s.putBuf(in)
	if r.ContentLength > 0 {
		in.Grow(int(r.ContentLength))
	}
	_, err = in.ReadFrom(http.MaxBytesReader(w, r.Body, s.cfg.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			plain(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body exceeds the limit of %d bytes", s.cfg.maxBody))
			return
		}
		w.note = err.Error()
		w.Header().Set("Connection", "close")
		plain(w, http.StatusRequestTimeout, "reading the request body: "+err.Error())
		return
	}
	body := bytes.TrimPrefix(in.Bytes(), []byte("file="))

	t0 := time.Now()
	if !acquire(r, s.slots, deadline) {
		w.waited += time.Since(t0)
		busy(w)
		return
	}
	defer func() { <-s.slots }()
	w.waited += time.Since(t0)

	docs, reports, errs := s.analyse(body, q.compat)
	w.reports, w.errors = len(reports), len(errs)
	if docs == 0 && len(errs) == 0 {
		plain(w, http.StatusBadRequest, "Invalid input")
		return
	}
	// kubesec aborts on any document it cannot read; kubeharden's own mode
	// reports the good documents and lists the errors, unless nothing at
	// all could be analysed.
	if len(errs) > 0 && (q.compat == manifest.CompatKubesec || len(reports) == 0) {
		plain(w, http.StatusBadRequest, errorText(errs))
		return
	}
	if len(q.rules) > 0 {
		selectRules(reports, q.rules)
	}

	out := s.getBuf()
	defer s.putBuf(out)
	ctype := "application/json"
	switch {
	case q.format == report.FormatKubesec && q.compat == manifest.CompatKubesec:
		err = writeKubesecCompat(out, reports)
	default:
		if q.format == report.FormatSARIF {
			ctype = "application/sarif+json"
		}
		err = report.Write(out, q.format, report.Result{Reports: reports, Errors: errs},
			report.Options{Tool: report.Tool{Name: "kubeharden", Version: version, URI: toolURI}, Rules: s.rules})
	}
	if err != nil {
		panic(fmt.Sprintf("rendering %s: %v", q.format, err))
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", fmt.Sprint(out.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(out.Bytes())
}

// toolURI is reported in SARIF output.
const toolURI = "https://github.com/kubeharden/kubeharden"

// analyse splits body with the server's budgets and scans every document;
// it returns the number of documents found, the reports and the errors.
func (s *server) analyse(body []byte, compat manifest.Compat) (int, []kubeharden.Report, []*kubeharden.InputError) {
	docs, errs := decode.Split(body, apiFileName, s.budget)
	reports := make([]kubeharden.Report, 0, len(docs))
	opts := manifest.Options{Compat: compat}
	for _, d := range docs {
		rep, err := manifest.ScanDocument(d, opts)
		if err != nil {
			errs = append(errs, err)
		}
		if rep != nil {
			reports = append(reports, *rep)
		}
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Document < errs[j].Document })
	return len(docs), reports, errs
}

// maxErrorLines bounds the 400 body.
const maxErrorLines = 20

func errorText(errs []*kubeharden.InputError) string {
	var b strings.Builder
	for i, e := range errs {
		if i == maxErrorLines {
			fmt.Fprintf(&b, "\n... and %d more errors", len(errs)-i)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// selectRules keeps only the findings of the selected rules (kubesec ids,
// or kubeharden rule IDs) and recomputes each score, as kubesec runs only
// the selected rules.
func selectRules(reports []kubeharden.Report, ids []string) {
	for i := range reports {
		r := &reports[i]
		kept := r.Findings[:0]
		for _, f := range r.Findings {
			if slices.Contains(ids, f.RuleID) || slices.Contains(ids, manifest.KubesecID(f)) {
				kept = append(kept, f)
			}
		}
		r.Findings = kept
		r.ComputeScore()
	}
}

// writeKubesecCompat prints compat-mode reports exactly as kubesec does
// (json.Marshal output indented by two spaces, then a newline), written
// directly: it is a third of the cost of a scan through encoding/json.
// TestKubesecCorpusOverHTTP and TestWriteKubesecCompat compare it with
// kubesec's bytes and with encoding/json.
func writeKubesecCompat(w *bytes.Buffer, reports []kubeharden.Report) error {
	krs := manifest.KubesecReports(reports, apiFileName)
	if len(krs) == 0 {
		w.WriteString("[]\n")
		return nil
	}
	w.WriteString("[\n")
	for i := range krs {
		kr := &krs[i]
		w.WriteString("  {\n    \"object\": ")
		jsonString(w, kr.Object)
		if kr.Valid {
			w.WriteString(",\n    \"valid\": true,\n    \"fileName\": ")
		} else {
			w.WriteString(",\n    \"valid\": false,\n    \"fileName\": ")
		}
		jsonString(w, kr.FileName)
		if kr.Message != "" {
			w.WriteString(",\n    \"message\": ")
			jsonString(w, kr.Message)
		}
		w.WriteString(",\n    \"score\": ")
		w.WriteString(strconv.Itoa(kr.Score))
		w.WriteString(",\n    \"scoring\": {")
		lists := [...]struct {
			name    string
			entries []manifest.KubesecEntry
		}{{"critical", kr.Scoring.Critical}, {"passed", kr.Scoring.Passed}, {"advise", kr.Scoring.Advise}}
		first := true
		for _, l := range lists {
			if len(l.entries) == 0 {
				continue
			}
			if !first {
				w.WriteByte(',')
			}
			first = false
			w.WriteString("\n      \"")
			w.WriteString(l.name)
			w.WriteString("\": [")
			for j, e := range l.entries {
				if j > 0 {
					w.WriteByte(',')
				}
				w.WriteString("\n        {\n          \"id\": ")
				jsonString(w, e.ID)
				w.WriteString(",\n          \"selector\": ")
				jsonString(w, e.Selector)
				w.WriteString(",\n          \"reason\": ")
				jsonString(w, e.Reason)
				w.WriteString(",\n          \"points\": ")
				w.WriteString(strconv.Itoa(e.Points))
				w.WriteString("\n        }")
			}
			w.WriteString("\n      ]")
		}
		if !first {
			w.WriteString("\n    ")
		}
		w.WriteString("}\n  }")
		if i < len(krs)-1 {
			w.WriteByte(',')
		}
		w.WriteByte('\n')
	}
	w.WriteString("]\n")
	return nil
}

// jsonString writes s as encoding/json does (HTML-safe escaping): plain
// ASCII directly, anything else through encoding/json.
func jsonString(w *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s) // a string always marshals
			w.Write(b)
			return
		}
	}
	w.WriteByte('"')
	w.WriteString(s)
	w.WriteByte('"')
}
