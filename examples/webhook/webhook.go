package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kjson "sigs.k8s.io/json"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
	"github.com/kubeharden/kubeharden/manifest"
	"github.com/kubeharden/kubeharden/manifest/rbac"
)

// Limits of the admission protocol (outputs.md §3).
const (
	// maxWarningLen is the recommended maximum length of one warning.
	maxWarningLen = 120
	// maxWarningsTotal is where the API server starts dropping warnings.
	maxWarningsTotal = 4096
	// maxMessageLen bounds the denial message shown to the user.
	maxMessageLen = 1024
	// maxObjectBytes is the API server's limit for one object.
	maxObjectBytes = 3 << 20
)

// policy decides which objects are denied and which findings are warned.
type policy struct {
	// minScore denies objects scoring below it (nil: off).
	minScore *int
	// failOn denies objects with a failed finding at or above this
	// severity (nil: off).
	failOn *kubeharden.Severity
	// forbid denies objects on which any of these rules fails (kubeharden
	// rule IDs or kubesec ids).
	forbid []string
	// warnOn turns failed findings at or above this severity into
	// warnings; decoding problems (unknown, duplicate and case-variant
	// keys) are always warned.
	warnOn kubeharden.Severity
	// maxWarnings bounds the warnings of one response.
	maxWarnings int
	// failOpen allows objects that could not be analysed (internal
	// errors) instead of denying them.
	failOpen bool
	// pssLevel is the Pod Security Standards level enforced ("" or
	// "privileged": none). The manifest package raises the findings of
	// the enforced levels to high; those deny.
	pssLevel, pssVersion string
}

// pssRules are the manifest rules that carry Pod Security Standards
// verdicts (manifest/PSSBaseline, manifest/PSSRestricted).
var pssRules = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, r := range manifest.Rules() {
		if strings.HasPrefix(r.ID, "manifest/PSS") {
			m[r.ID] = true
		}
	}
	return m
})

// enforcesPSS reports whether the policy enforces a PSS level.
func (p *policy) enforcesPSS() bool { return p.pssLevel != "" && p.pssLevel != "privileged" }

// violations returns why r is denied (empty: allowed).
func (p *policy) violations(r *kubeharden.Report) []string {
	var out []string
	if p.minScore != nil && r.Score < *p.minScore {
		out = append(out, fmt.Sprintf("score %d is below the minimum %d", r.Score, *p.minScore))
	}
	for _, f := range r.Findings {
		if f.Passed || f.Suppressed {
			continue
		}
		forbidden := len(p.forbid) > 0 && (slices.Contains(p.forbid, f.RuleID) || slices.Contains(p.forbid, manifest.KubesecID(f)))
		pss := p.enforcesPSS() && pssRules()[f.RuleID] && f.Severity >= kubeharden.SeverityHigh
		switch {
		case forbidden:
			out = append(out, fmt.Sprintf("%s (forbidden): %s", f.RuleID, f.Message))
		case pss:
			out = append(out, fmt.Sprintf("%s (PSS %s enforced): %s", f.RuleID, p.pssLevel, f.Message))
		case p.failOn != nil && f.Severity >= *p.failOn:
			out = append(out, fmt.Sprintf("%s (%s): %s", f.RuleID, f.Severity, f.Message))
		}
	}
	return out
}

// handler answers AdmissionReview requests.
type handler struct {
	pol      policy
	log      *slog.Logger
	maxBody  int64
	problems map[string]bool // the decoding rules of manifest
	budget   decode.Options
	opts     manifest.Options
}

func newHandler(pol policy, maxBody int64, log *slog.Logger) *handler {
	h := &handler{pol: pol, log: log, maxBody: maxBody, problems: map[string]bool{},
		budget: decode.Options{MaxDocumentBytes: maxObjectBytes, MaxDocuments: 1},
		opts:   manifest.Options{PSSLevel: pol.pssLevel, PSSVersion: pol.pssVersion}}
	for _, r := range decode.ProblemRules("manifest") {
		h.problems[r.ID] = true
	}
	if h.pol.maxWarnings <= 0 {
		h.pol.maxWarnings = 20
	}
	return h
}

// ServeHTTP routes /validate (and /) and the health endpoints.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/healthz", "/readyz":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	case "/validate", "/":
		h.validate(w, r)
	default:
		http.NotFound(w, r)
	}
}

// errBadReview marks requests that are not a well-formed AdmissionReview v1.
var errBadReview = errors.New("not an admission.k8s.io/v1 AdmissionReview")

// validate decodes the review, evaluates it and answers 200 with the
// response review; malformed requests get 4xx.
func (h *handler) validate(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "only POST is accepted", http.StatusMethodNotAllowed)
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		http.Error(w, "Content-Type must be application/json", http.StatusUnsupportedMediaType)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, fmt.Sprintf("request body exceeds %d bytes", h.maxBody), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "reading the request body: "+err.Error(), http.StatusBadRequest)
		return
	}
	review, strict, err := decodeReview(body)
	if len(strict) > 0 {
		// Fields this build does not know (a newer API server) are not the
		// user's problem: log them, do not warn.
		h.log.Warn("admission review has unknown fields", "problems", fmt.Sprint(strict))
	}
	if err != nil {
		h.log.Warn("bad request", "err", err.Error(), "remote", r.RemoteAddr)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req := review.Request
	resp, outcome := h.review(req)
	out := admissionv1.AdmissionReview{TypeMeta: review.TypeMeta, Response: resp}
	buf, err := json.Marshal(&out)
	if err != nil {
		http.Error(w, "encoding the response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(buf)
	attrs := []slog.Attr{
		slog.String("uid", string(req.UID)),
		slog.String("operation", string(req.Operation)),
		slog.String("kind", req.Kind.Kind),
		slog.String("namespace", req.Namespace),
		slog.String("name", req.Name),
		slog.String("user", req.UserInfo.Username),
		slog.Bool("dry_run", req.DryRun != nil && *req.DryRun),
		slog.Bool("allowed", resp.Allowed),
		slog.String("outcome", outcome),
		slog.Int("warnings", len(resp.Warnings)),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
	}
	if s, ok := resp.AuditAnnotations["score"]; ok {
		attrs = append(attrs, slog.String("score", s))
	}
	h.log.LogAttrs(r.Context(), slog.LevelInfo, "review", attrs...)
}

// decodeReview reads an AdmissionReview with the API server's
// case-sensitive decoder (sigs.k8s.io/json) and checks its type and
// request. strict lists unknown, duplicate and case-variant fields of the
// envelope; those of request.object become findings when it is analysed.
func decodeReview(body []byte) (review *admissionv1.AdmissionReview, strict []error, err error) {
	review = new(admissionv1.AdmissionReview)
	strict, err = kjson.UnmarshalStrict(body, review, kjson.DisallowDuplicateFields, kjson.DisallowUnknownFields)
	if err != nil {
		return nil, strict, fmt.Errorf("%w: %w", errBadReview, err)
	}
	if review.APIVersion != admissionv1.SchemeGroupVersion.String() || review.Kind != "AdmissionReview" {
		return nil, strict, fmt.Errorf("%w: apiVersion %q, kind %q", errBadReview, review.APIVersion, review.Kind)
	}
	if review.Request == nil {
		return nil, strict, fmt.Errorf("%w: no request", errBadReview)
	}
	if review.Request.UID == "" {
		return nil, strict, fmt.Errorf("%w: request.uid is empty", errBadReview)
	}
	return review, strict, nil
}

// review evaluates one request. outcome names the path taken, for logs.
func (h *handler) review(req *admissionv1.AdmissionRequest) (resp *admissionv1.AdmissionResponse, outcome string) {
	resp = &admissionv1.AdmissionResponse{UID: req.UID, Allowed: true}
	defer func() {
		if p := recover(); p != nil {
			resp, outcome = h.internalError(req, fmt.Errorf("analyzer panic: %v", p))
		}
	}()
	switch {
	case req.Operation == admissionv1.Delete:
		// Removing an object cannot make the cluster less secure; the old
		// object is not analysed (its kind and name are in the log line).
		return resp, "delete"
	case req.Operation == admissionv1.Connect:
		return resp, "connect"
	case req.SubResource != "" && req.SubResource != "ephemeralcontainers":
		// status, scale, binding, ...: not a change of the pod template.
		return resp, "subresource"
	case len(bytes.TrimSpace(req.Object.Raw)) == 0 || string(bytes.TrimSpace(req.Object.Raw)) == "null":
		return resp, "no object"
	}
	docs, errs := decode.Split(req.Object.Raw, "request.object", h.budget)
	if len(errs) > 0 {
		return h.internalError(req, errs[0])
	}
	if len(docs) != 1 {
		return h.internalError(req, fmt.Errorf("request.object holds %d objects, want 1", len(docs)))
	}
	rep, ierr := scanObject(docs[0], h.opts)
	if ierr != nil {
		return h.internalError(req, ierr)
	}
	if rep == nil {
		return resp, "not analysed"
	}
	resp.AuditAnnotations = map[string]string{"score": strconv.Itoa(rep.Score)}
	resp.Warnings = h.warnings(rep)
	if v := h.pol.violations(rep); len(v) > 0 {
		resp.Allowed = false
		resp.Result = &metav1.Status{Status: metav1.StatusFailure, Code: http.StatusForbidden, Reason: metav1.StatusReasonForbidden,
			Message: denyMessage(rep.Object, v)}
		return resp, "denied"
	}
	return resp, "allowed"
}

// scanObject analyses one object: RBAC objects (Role, ClusterRole and
// their bindings) with manifest/rbac, everything else with manifest.
func scanObject(d *decode.Document, opts manifest.Options) (*kubeharden.Report, *kubeharden.InputError) {
	if r, err := rbac.ScanDocument(d); r != nil || err != nil {
		return r, err
	}
	return manifest.ScanDocument(d, opts)
}

// internalError answers a request the webhook could not analyse: denied
// with 500 by default, allowed with a warning under --fail-open.
func (h *handler) internalError(req *admissionv1.AdmissionRequest, err error) (*admissionv1.AdmissionResponse, string) {
	h.log.Error("analysis failed", "uid", string(req.UID), "kind", req.Kind.Kind, "namespace", req.Namespace,
		"name", req.Name, "err", err.Error(), "fail_open", h.pol.failOpen)
	resp := &admissionv1.AdmissionResponse{UID: req.UID}
	msg := "kubeharden could not analyse the object: " + err.Error()
	if h.pol.failOpen {
		resp.Allowed = true
		resp.Warnings = []string{clip(msg, maxWarningLen)}
		return resp, "error, fail-open"
	}
	resp.Result = &metav1.Status{Status: metav1.StatusFailure, Code: http.StatusInternalServerError,
		Reason: metav1.StatusReasonInternalError, Message: clip(msg, maxMessageLen)}
	return resp, "error"
}

// denyMessage lists the violations, bounded in length.
func denyMessage(object string, v []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "kubeharden denied %s: ", object)
	for i, s := range v {
		if i > 0 {
			b.WriteString("; ")
		}
		if b.Len()+len(s) > maxMessageLen-40 {
			fmt.Fprintf(&b, "and %d more", len(v)-i)
			break
		}
		b.WriteString(s)
	}
	return clip(b.String(), maxMessageLen)
}

// warnings renders the failed findings worth a warning as "path: message",
// each at most 120 characters, most severe first, bounded in number and
// total size.
func (h *handler) warnings(r *kubeharden.Report) []string {
	var fs []kubeharden.Finding
	for _, f := range r.Findings {
		if !f.Passed && !f.Suppressed && (f.Severity >= h.pol.warnOn || h.problems[f.RuleID]) {
			fs = append(fs, f)
		}
	}
	if len(fs) == 0 {
		return nil
	}
	kubeharden.SortFindings(fs)
	out := make([]string, 0, min(len(fs), h.pol.maxWarnings))
	total := 0
	for i, f := range fs {
		w := warning(f)
		if i >= h.pol.maxWarnings || total+len(w) > maxWarningsTotal-maxWarningLen {
			out = append(out, fmt.Sprintf("kubeharden: %d more findings not shown", len(fs)-i))
			break
		}
		total += len(w)
		out = append(out, w)
	}
	return out
}

// warning renders one finding as "path.to.field: message".
func warning(f kubeharden.Finding) string {
	where := f.Path
	if where == "" {
		_, where, _ = strings.Cut(f.RuleID, "/")
	}
	return clip(where+": "+f.Message, maxWarningLen)
}

// clip replaces control characters with spaces and shortens s to at most n
// bytes (so also n characters) on a rune boundary, ending with "...".
func clip(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	if len(s) <= n {
		return s
	}
	cut := n - 3
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
