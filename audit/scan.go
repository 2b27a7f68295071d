package audit

import (
	"errors"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
)

// Scan parses every audit Policy document in data and returns one report
// per policy: decoding problems, validation (what the API server rejects)
// and Lint findings, sorted, with positions and a score. Documents that
// are not audit policies are ignored. A document that cannot be decoded
// yields a report carrying the InputError. The error wraps ErrNotPolicy
// when data holds no audit policy at all (with the first input error, if
// any, joined).
func Scan(source string, data []byte, opts Options) ([]kubeharden.Report, error) {
	docs, errs := decode.Split(data, source, decode.Options{})
	var reports []kubeharden.Report
	for _, d := range docs {
		if !isPolicyMeta(d.Meta) {
			continue
		}
		rep := kubeharden.Report{Source: source, Document: d.Index, Object: d.Object(true), Kind: "Policy"}
		p, fs, err := parseDoc(d)
		if err != nil {
			var ie *kubeharden.InputError
			if errors.As(err, &ie) {
				rep.Errors = append(rep.Errors, *ie)
			} else {
				rep.Errors = append(rep.Errors, kubeharden.InputError{Source: source, Document: d.Index, Line: d.Line, Err: err})
			}
			reports = append(reports, rep)
			continue
		}
		rep.Findings = append(fs, Lint(p, opts)...)
		kubeharden.SortFindings(rep.Findings)
		rep.ComputeScore()
		reports = append(reports, rep)
	}
	if len(reports) == 0 {
		err := &kubeharden.InputError{Source: source, Document: -1, Err: ErrNotPolicy}
		if len(errs) > 0 {
			return nil, errors.Join(err, errs[0])
		}
		return nil, err
	}
	// Input errors in documents we could not classify are attached to the
	// first report, so they are not lost.
	for _, e := range errs {
		reports[0].Errors = append(reports[0].Errors, *e)
	}
	return reports, nil
}
