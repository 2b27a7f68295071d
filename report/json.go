package report

import (
	"bufio"
	"bytes"
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
// lists can be derived), and the input errors. Reports are encoded one at a
// time, so memory does not grow with the size of the output.
func WriteJSON(w io.Writer, res Result, opts Options) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	tool, err := json.Marshal(jsonTool{Name: nonEmpty(opts.Tool.Name, "kubeharden"), Version: nonEmpty(opts.Tool.Version, "dev")})
	if err != nil {
		return err
	}
	var ind bytes.Buffer
	if err := json.Indent(&ind, tool, "  ", "  "); err != nil {
		return err
	}
	bw.WriteString("{\n  \"tool\": ")
	bw.Write(ind.Bytes())
	bw.WriteString(",\n  \"reports\": [")
	for i, r := range sortedReports(res.Reports) {
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
		for j := range r.Errors {
			jr.Errors = append(jr.Errors, toJSONError(&r.Errors[j]))
		}
		b, err := json.MarshalIndent(jr, "    ", "  ")
		if err != nil {
			return err
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    ")
		bw.Write(b)
	}
	if len(res.Reports) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("],\n  \"errors\": ")
	errs := make([]jsonError, 0, len(res.Errors))
	for _, e := range res.Errors {
		errs = append(errs, toJSONError(e))
	}
	b, err := json.MarshalIndent(errs, "  ", "  ")
	if err != nil {
		return err
	}
	bw.Write(b)
	bw.WriteString("\n}\n")
	return bw.Flush()
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
