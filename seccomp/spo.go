package seccomp

import (
	"errors"
	"fmt"

	"github.com/kubeharden/kubeharden"
)

// SPOGroup is the API group of the Security Profiles Operator, whose
// SeccompProfile objects carry a profile in their spec.
const SPOGroup = "security-profiles-operator.x-k8s.io"

// Embedded is a seccomp profile held inside another document, such as the
// spec of a Security Profiles Operator SeccompProfile. The caller decodes
// the enclosing document (YAML or JSON) and passes the profile as JSON.
type Embedded struct {
	// Source, Document and Object identify the enclosing document in
	// reports ("SeccompProfile/web.shop").
	Source   string
	Document int
	Object   string
	// JSON is the profile object.
	JSON []byte
	// Position maps a path inside the profile ("syscalls[0].names[1]", ""
	// for the profile itself) to a place in Source; nil leaves findings
	// with the file name only.
	Position func(path string) kubeharden.Position
}

// spoFields are the SeccompProfile spec fields that are not profile
// fields.
var spoFields = []string{"baseProfileName", "disabled"}

// ScanSPOSpec analyses the spec of a Security Profiles Operator
// SeccompProfile. The operator writes the spec as an OCI profile under the
// kubelet seccomp root, so the analysis is that of a profile file, with
// positions mapped into the enclosing document. A spec that names a
// baseProfileName is installed merged with that base profile: the allow
// set reported is then a lower bound, which a finding says.
func ScanSPOSpec(e Embedded, opts Options) ([]kubeharden.Report, error) {
	p, err := ParseWithOptions(e.Source, e.JSON, ParseOptions{MaxBytes: opts.MaxBytes, ExtraFields: spoFields})
	if err != nil {
		ie := &kubeharden.InputError{Source: e.Source, Document: e.Document, Err: err}
		var inner *kubeharden.InputError
		if errors.As(err, &inner) {
			ie.Err = inner.Err
		}
		if e.Position != nil {
			pos := e.Position("")
			ie.Line, ie.Column = pos.Line, pos.Column
		}
		r := kubeharden.Report{Source: e.Source, Document: e.Document, Object: e.Object, Kind: ReportKind, Errors: []kubeharden.InputError{*ie}}
		return []kubeharden.Report{r}, ie
	}
	var out []kubeharden.Report
	for _, t := range opts.targets() {
		r := Analyze(p, t)
		r.Source, r.Document = e.Source, e.Document
		r.Object = fmt.Sprintf("%s (%s)", e.Object, t.normalize())
		if base := p.Extra["baseProfileName"]; base != "" {
			r.Findings = append(r.Findings, detach(ruleSPOBaseProfile.Fail(
				fmt.Sprintf("the operator merges this profile with base profile %q; the installed profile allows at least the base profile's syscalls too", base), "baseProfileName")))
		}
		for i := range r.Findings {
			f := &r.Findings[i]
			if e.Position != nil && (f.Position.IsValid() || f.Path != "") {
				f.Position = e.Position(f.Path)
			} else {
				f.Position = kubeharden.Position{File: e.Source}
			}
		}
		kubeharden.SortFindings(r.Findings)
		r.ComputeScore()
		out = append(out, r)
	}
	return out, nil
}
