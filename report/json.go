package report

import (
	"encoding/json"
	"io"

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
// lists can be derived), and the input errors.
func WriteJSON(w io.Writer, res Result, opts Options) error {
	out := jsonOutput{
		Tool:    jsonTool{Name: nonEmpty(opts.Tool.Name, "kubeharden"), Version: nonEmpty(opts.Tool.Version, "dev")},
		Reports: make([]jsonReport, 0, len(res.Reports)),
		Errors:  make([]jsonError, 0, len(res.Errors)),
	}
	for _, r := range sortedReports(res.Reports) {
		jr := jsonReport{Source: r.Source, Document: r.Document, Object: r.Object, Kind: r.Kind, Score: r.Score,
			Findings: make([]jsonFinding, 0, len(r.Findings))}
		fs := append([]kubeharden.Finding(nil), r.Findings...)
		kubeharden.SortFindings(fs)
		for _, f := range fs {
			jr.Findings = append(jr.Findings, jsonFinding{
				Rule: f.RuleID, Severity: f.Severity.String(), Points: f.Points, Passed: f.Passed,
				Message: f.Message, Path: f.Path, Line: f.Position.Line, Column: f.Position.Column,
				Fix: f.Fix, Refs: f.Refs, Patch: f.Patch, Suppressed: f.Suppressed, SuppressReason: f.SuppressReason,
			})
		}
		for i := range r.Errors {
			jr.Errors = append(jr.Errors, toJSONError(&r.Errors[i]))
		}
		out.Reports = append(out.Reports, jr)
	}
	for _, e := range res.Errors {
		out.Errors = append(out.Errors, toJSONError(e))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
