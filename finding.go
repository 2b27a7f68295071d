package kubeharden

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Severity orders findings from informational to critical.
type Severity int

// Severities, lowest first. The zero value is SeverityInfo.
const (
	SeverityInfo Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// String returns the lower-case name used in JSON output ("info" … "critical").
func (s Severity) String() string {
	if s < SeverityInfo || s > SeverityCritical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ErrUnknownSeverity is returned by ParseSeverity for an unrecognised name.
var ErrUnknownSeverity = errors.New("unknown severity")

// ParseSeverity accepts a severity name in any case ("info", "low",
// "medium", "high", "critical"; "warning" is read as medium and "none" as
// info for convenience).
func ParseSeverity(name string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "info", "none", "note":
		return SeverityInfo, nil
	case "low":
		return SeverityLow, nil
	case "medium", "warning", "moderate":
		return SeverityMedium, nil
	case "high":
		return SeverityHigh, nil
	case "critical":
		return SeverityCritical, nil
	}
	return SeverityInfo, fmt.Errorf("%w %q (want info, low, medium, high or critical)", ErrUnknownSeverity, name)
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// SARIFLevel maps the severity to a SARIF result level.
func (s Severity) SARIFLevel() string {
	switch {
	case s >= SeverityHigh:
		return "error"
	case s >= SeverityLow:
		return "warning"
	default:
		return "note"
	}
}

// SecuritySeverity returns the SARIF "security-severity" property GitHub
// code scanning uses to bucket alerts (>9 critical, 7–8.9 high, 4–6.9
// medium, 0.1–3.9 low).
func (s Severity) SecuritySeverity() string {
	switch s {
	case SeverityCritical:
		return "9.5"
	case SeverityHigh:
		return "8.0"
	case SeverityMedium:
		return "5.5"
	case SeverityLow:
		return "3.0"
	default:
		return "0.1"
	}
}

// RuleKind says how a rule's outcome feeds the score.
type RuleKind int

const (
	// KindRisk rules describe something dangerous. When they fire the
	// finding is not passed and its (negative) points count.
	KindRisk RuleKind = iota
	// KindHardening rules describe a protection. When it is present the
	// finding passes and its (positive) points count; when absent the
	// finding is advice.
	KindHardening
	// KindCheck rules are benchmark checks (CIS, PSS, lint) that pass or
	// fail; their points count when they fail with negative points or pass
	// with positive points, exactly like the other kinds.
	KindCheck
)

// String returns "risk", "hardening" or "check".
func (k RuleKind) String() string {
	switch k {
	case KindRisk:
		return "risk"
	case KindHardening:
		return "hardening"
	case KindCheck:
		return "check"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Rule is one catalogue entry.
type Rule struct {
	// ID is stable: "<package>/<Name>", e.g. "manifest/PrivilegedContainer".
	ID          string
	Title       string
	Description string
	Kind        RuleKind
	Severity    Severity
	// Points follows kubesec: negative for risks, positive for hardening.
	Points int
	// Refs cross-reference other catalogues: "CIS 4.2.1",
	// "PSS baseline privileged", "kubesec Privileged", "CVE-2021-25742".
	Refs        []string
	Remediation string
	HelpURL     string
}

// Package returns the part of the ID before the slash.
func (r Rule) Package() string {
	p, _, _ := strings.Cut(r.ID, "/")
	return p
}

// Fail returns a not-passed finding of this rule.
func (r Rule) Fail(message, path string) Finding {
	return r.finding(false, message, path)
}

// Pass returns a passed finding of this rule.
func (r Rule) Pass(message, path string) Finding {
	return r.finding(true, message, path)
}

func (r Rule) finding(passed bool, message, path string) Finding {
	return Finding{
		RuleID:   r.ID,
		Severity: r.Severity,
		Points:   r.Points,
		Passed:   passed,
		Message:  message,
		Path:     path,
		Fix:      r.Remediation,
		// A copy: callers may edit a finding's refs without touching the
		// catalogue the rule came from.
		Refs: append([]string(nil), r.Refs...),
	}
}

// Position is a place in an input file. Line and Column are 1-based; zero
// means unknown. Exact is false when the position is that of the nearest
// existing ancestor of a missing field.
type Position struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	Exact  bool   `json:"exact,omitempty"`
}

// IsValid reports whether the position names a line.
func (p Position) IsValid() bool { return p.Line > 0 }

// String renders "file:line:column", omitting unknown parts.
func (p Position) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		if b.Len() > 0 {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, "%d", p.Line)
		if p.Column > 0 {
			fmt.Fprintf(&b, ":%d", p.Column)
		}
	}
	return b.String()
}

// PatchOp is one RFC 6902 JSON Patch operation that fixes a finding.
type PatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	From  string `json:"from,omitempty"`
	Value any    `json:"value,omitempty"`
}

// Finding is one rule's outcome on one object.
type Finding struct {
	RuleID   string
	Severity Severity
	Points   int
	// Passed is true when the rule is satisfied: a risk that did not fire,
	// hardening that is present, a benchmark check that passes.
	Passed  bool
	Message string
	// Path locates the finding inside the object: a field path
	// ("spec.template.spec.containers[0].securityContext.privileged"), a
	// flag ("--anonymous-auth") or a profile element.
	Path     string
	Position Position
	Fix      string
	Refs     []string
	// Patch is an RFC 6902 patch against the object, when the fix is
	// mechanical.
	Patch []PatchOp
	// Suppressed findings stay in the report but count neither towards the
	// score nor towards a failure policy.
	Suppressed     bool
	SuppressReason string
}

// Counts reports whether the finding contributes its points to the score:
// negative points count when the finding did not pass (a risk fired),
// positive points count when it passed (hardening is present).
func (f Finding) Counts() bool {
	if f.Suppressed {
		return false
	}
	switch {
	case f.Points < 0:
		return !f.Passed
	case f.Points > 0:
		return f.Passed
	}
	return false
}

// Report is the outcome for one object or one input: a Deployment, a
// kubelet, a seccomp profile.
type Report struct {
	// Source is the file name (or "-" for standard input).
	Source string
	// Document is the 0-based document index within Source.
	Document int
	// Object names the object: "Kind/name.namespace" for API objects
	// (kubesec's convention), the profile name for profiles.
	Object string
	// Kind is the API kind or input type ("Deployment", "SeccompProfile").
	Kind     string
	Score    int
	Findings []Finding
	// Errors are decode problems met in this input that did not stop it.
	Errors []InputError
}

// ComputeScore sets r.Score from the findings (see Finding.Counts) and
// returns it.
func (r *Report) ComputeScore() int {
	s := 0
	for _, f := range r.Findings {
		if f.Counts() {
			s += f.Points
		}
	}
	r.Score = s
	return s
}

// Critical returns the findings kubesec lists as "critical": failed,
// unsuppressed findings of rules with negative points, or of zero-point rules
// at high severity or above.
func (r *Report) Critical() []Finding {
	return r.filter(func(f Finding) bool {
		return !f.Passed && !f.Suppressed && (f.Points < 0 || (f.Points == 0 && f.Severity >= SeverityHigh))
	})
}

// Advise returns failed, unsuppressed findings that are not Critical:
// hardening that is missing and lower-severity checks.
func (r *Report) Advise() []Finding {
	return r.filter(func(f Finding) bool {
		return !f.Passed && !f.Suppressed && f.Points >= 0 && !(f.Points == 0 && f.Severity >= SeverityHigh)
	})
}

// Passed returns the findings that passed.
func (r *Report) Passed() []Finding {
	return r.filter(func(f Finding) bool { return f.Passed })
}

// Failed returns every failed, unsuppressed finding.
func (r *Report) Failed() []Finding {
	return r.filter(func(f Finding) bool { return !f.Passed && !f.Suppressed })
}

func (r *Report) filter(keep func(Finding) bool) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if keep(f) {
			out = append(out, f)
		}
	}
	return out
}

// SortFindings orders findings deterministically: failed before passed,
// then by severity (highest first), rule ID and path.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int { return CompareFindings(&a, &b) })
}

// CompareFindings is the order of SortFindings as a comparison function
// (negative when a comes first), for sorting pointers or indexes to
// findings without moving them.
func CompareFindings(a, b *Finding) int {
	if a.Passed != b.Passed {
		if !a.Passed {
			return -1
		}
		return 1
	}
	if a.Severity != b.Severity {
		return cmp.Compare(b.Severity, a.Severity)
	}
	if c := strings.Compare(a.RuleID, b.RuleID); c != 0 {
		return c
	}
	return strings.Compare(a.Path, b.Path)
}

// InputError is a problem with an input that stopped one document (or one
// file) from being analysed. It names the source, the document and the line.
type InputError struct {
	Source   string
	Document int // 0-based; -1 when the error concerns the whole input
	Line     int // 1-based; 0 when unknown
	Column   int
	Err      error
}

// Error renders "source: document N: line L: message".
func (e *InputError) Error() string {
	var b strings.Builder
	if e.Source != "" {
		b.WriteString(e.Source)
		b.WriteString(": ")
	}
	if e.Document >= 0 {
		fmt.Fprintf(&b, "document %d: ", e.Document)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("invalid input")
	}
	return b.String()
}

// Unwrap returns the underlying error so errors.Is finds sentinel errors.
func (e *InputError) Unwrap() error { return e.Err }

// Policy decides whether a set of reports fails a CI gate. The zero value
// fails on nothing.
type Policy struct {
	// FailOn fails a report with any failed, unsuppressed finding at or
	// above this severity. Nil disables the check.
	FailOn *Severity
	// MinScore fails a report whose score is below it. Nil disables it.
	MinScore *int
	// FailOnErrors fails when any input error was met.
	FailOnErrors bool
}

// Violations returns one human-readable reason per policy violation of r.
func (p Policy) Violations(r *Report) []string {
	var out []string
	if p.MinScore != nil && r.Score < *p.MinScore {
		out = append(out, fmt.Sprintf("%s: score %d is below the minimum %d", r.Object, r.Score, *p.MinScore))
	}
	if p.FailOn != nil {
		for _, f := range r.Failed() {
			if f.Severity >= *p.FailOn {
				out = append(out, fmt.Sprintf("%s: %s (%s) %s", r.Object, f.RuleID, f.Severity, f.Message))
			}
		}
	}
	if p.FailOnErrors && len(r.Errors) > 0 {
		out = append(out, fmt.Sprintf("%s: %d input error(s)", r.Object, len(r.Errors)))
	}
	return out
}
