package audit

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
)

// Sentinel errors.
var (
	// ErrNotPolicy: the input holds no audit.k8s.io Policy document.
	ErrNotPolicy = errors.New("no audit.k8s.io Policy document")
	// ErrInvalidPolicy: the policy breaks a rule the API server enforces
	// when loading it (see Validate).
	ErrInvalidPolicy = errors.New("invalid audit policy")
)

const auditGroup = "audit.k8s.io"

func isPolicyMeta(m decode.Meta) bool {
	g, _, ok := strings.Cut(m.APIVersion, "/")
	return ok && g == auditGroup && m.Kind == "Policy"
}

// Detect reports whether data holds an audit.k8s.io Policy document (any
// version, so that outdated v1beta1 policies are reported rather than
// ignored).
func Detect(source string, data []byte) bool {
	docs, _ := decode.Split(data, source, decode.Options{})
	for _, d := range docs {
		if isPolicyMeta(d.Meta) {
			return true
		}
	}
	return false
}

// Parse decodes the first audit Policy document in data the way the API
// server does (case-sensitive fields, YAML 1.1, last duplicate wins) and
// returns it with findings for unknown, duplicate and case-variant fields
// (the API server drops such fields with only a log warning: a typo such as
// `namespace:` silently widens a rule) and for everything the API server's
// validation rejects. Findings carry positions. The error is an
// *kubeharden.InputError for input that cannot be decoded, or wraps
// ErrNotPolicy.
func Parse(source string, data []byte) (*Policy, []kubeharden.Finding, error) {
	docs, errs := decode.Split(data, source, decode.Options{})
	for _, d := range docs {
		if !isPolicyMeta(d.Meta) {
			continue
		}
		return parseDoc(d)
	}
	if len(errs) > 0 {
		return nil, nil, errs[0]
	}
	return nil, nil, &kubeharden.InputError{Source: source, Document: -1, Err: ErrNotPolicy}
}

func parseDoc(d *decode.Document) (*Policy, []kubeharden.Finding, error) {
	p := &Policy{}
	problems, err := d.Into(p)
	if err != nil {
		return nil, nil, err
	}
	p.doc = d
	fs := decode.ProblemFindings("audit", d, problems)
	for _, v := range validate(p) {
		fs = append(fs, v.rule.Fail(v.msg, v.path))
	}
	d.Positioned(fs)
	return p, fs, nil
}

type violation struct {
	rule kubeharden.Rule
	path string
	msg  string
}

// ValidationError lists everything the API server would reject in a
// policy. It wraps ErrInvalidPolicy.
type ValidationError struct {
	// Problems are "path: message" strings in policy order.
	Problems []string
}

func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return ErrInvalidPolicy.Error() + ": " + e.Problems[0]
	}
	return ErrInvalidPolicy.Error() + ": [" + strings.Join(e.Problems, ", ") + "]"
}

// Unwrap returns ErrInvalidPolicy.
func (e *ValidationError) Unwrap() error { return ErrInvalidPolicy }

// Validate applies the API server's load-time checks (group/version and
// kind, k8s.io/apiserver's ValidatePolicy, at least one rule) and returns a
// *ValidationError when the API server would refuse the policy, nil
// otherwise. Fields unknown to the API server are not an error here (the
// API server only warns); Parse reports them as findings.
func Validate(p *Policy) error {
	vs := validate(p)
	if len(vs) == 0 {
		return nil
	}
	e := &ValidationError{}
	for _, v := range vs {
		e.Problems = append(e.Problems, v.path+": "+v.msg)
	}
	return e
}

// isDNSLabel reports whether s matches [a-z0-9]([-a-z0-9]*[a-z0-9])?.
func isDNSLabel(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && i > 0 && i < len(s)-1:
		default:
			return false
		}
	}
	return true
}

// isDNSSubdomain is apimachinery's IsDNS1123Subdomain: dot-separated
// labels, at most 253 characters.
func isDNSSubdomain(s string) bool {
	if len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if !isDNSLabel(label) {
			return false
		}
	}
	return true
}

func validStagesText() string {
	return "allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic"
}

func validate(p *Policy) []violation {
	var out []violation
	add := func(r kubeharden.Rule, path, format string, args ...any) {
		out = append(out, violation{r, path, fmt.Sprintf(format, args...)})
	}
	if p.APIVersion != APIVersion || p.Kind != "Policy" {
		add(ruleAPIVersion, "apiVersion", "apiVersion %q, kind %q: the API server only loads apiVersion %s, kind Policy", p.APIVersion, p.Kind, APIVersion)
	}
	stages := func(ss []Stage, path string) {
		for i, s := range ss {
			if !s.Valid() {
				add(ruleInvalidStage, fmt.Sprintf("%s[%d]", path, i), "invalid value %q: %s", s, validStagesText())
			}
		}
	}
	stages(p.OmitStages, "omitStages")
	for i := range p.Rules {
		r := &p.Rules[i]
		rp := fmt.Sprintf("rules[%d]", i)
		switch {
		case r.Level == "":
			add(ruleInvalidLevel, rp+".level", "level is required")
		case !r.Level.Valid():
			add(ruleInvalidLevel, rp+".level", "unsupported value %q: supported values: \"None\", \"Metadata\", \"Request\", \"RequestResponse\"", r.Level)
		}
		for j, u := range r.NonResourceURLs {
			if u == "*" {
				continue
			}
			path := fmt.Sprintf("%s.nonResourceURLs[%d]", rp, j)
			if !strings.HasPrefix(u, "/") {
				add(ruleInvalidURL, path, "invalid value %q: non-resource URL rules must begin with a '/' character", u)
			}
			if u != "" && strings.ContainsRune(u[:len(u)-1], '*') {
				add(ruleInvalidURL, path, "invalid value %q: non-resource URL wildcards '*' must be the final character of the rule", u)
			}
		}
		for j, gr := range r.Resources {
			path := fmt.Sprintf("%s.resources[%d]", rp, j)
			if gr.Group != "" && gr.Group != "*" {
				if !isDNSSubdomain(gr.Group) {
					msg := "must be \"\", \"*\" or a lower-case DNS subdomain"
					if strings.Contains(gr.Group, "/") {
						g, _, _ := strings.Cut(gr.Group, "/")
						msg = fmt.Sprintf("a group is written without its version (%q)", g)
					}
					add(ruleInvalidGroup, path+".group", "invalid value %q: %s", gr.Group, msg)
				}
			}
			if len(gr.ResourceNames) > 0 && len(gr.Resources) == 0 {
				add(ruleNamesNoResources, path+".resourceNames", "using resourceNames requires at least one resource")
			}
		}
		stages(r.OmitStages, rp+".omitStages")
		if len(r.NonResourceURLs) > 0 && (len(r.Resources) > 0 || len(r.Namespaces) > 0) {
			add(ruleMixed, rp+".nonResourceURLs", "rules cannot apply to both regular resources and non-resource URLs")
		}
	}
	if len(p.Rules) == 0 {
		add(ruleNoRules, "rules", "the policy has no rules; the API server refuses to load it")
	}
	return out
}
