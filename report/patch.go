package report

import (
	"encoding/json"
	"io"

	"github.com/kubeharden/kubeharden"
)

type patchEntry struct {
	Source   string               `json:"source"`
	Document int                  `json:"document"`
	Object   string               `json:"object"`
	Rules    []string             `json:"rules"`
	Patch    []kubeharden.PatchOp `json:"patch"`
}

// WritePatch prints, for every object with mechanical fixes, one RFC 6902
// JSON Patch that applies all of them (operations in finding order), as a
// JSON array of {source, document, object, rules, patch}.
func WritePatch(w io.Writer, res Result, _ Options) error {
	out := []patchEntry{}
	for _, r := range sortedReports(res.Reports) {
		e := patchEntry{Source: r.Source, Document: r.Document, Object: r.Object}
		for _, f := range r.Findings {
			if f.Passed || f.Suppressed || len(f.Patch) == 0 {
				continue
			}
			e.Rules = append(e.Rules, f.RuleID)
			e.Patch = append(e.Patch, f.Patch...)
		}
		if len(e.Patch) > 0 {
			out = append(out, e)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
