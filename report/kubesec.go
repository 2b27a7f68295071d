package report

import (
	"bytes"
	"encoding/json"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/kubeharden/kubeharden"
)

// Kubesec reference conventions used by WriteKubesec. An analyzer that
// wants byte-compatible kubesec output records, in a finding's Refs, the
// kubesec rule id as "kubesec <id>" and kubesec's selector as
// "kubesec-selector <selector>"; the finding's Message is kubesec's reason.
const (
	KubesecRefPrefix      = "kubesec "
	KubesecSelectorPrefix = "kubesec-selector "
)

type kubesecRule struct {
	ID       string `json:"id"`
	Selector string `json:"selector"`
	Reason   string `json:"reason"`
	Points   int    `json:"points"`
}

type kubesecScoring struct {
	Critical []kubesecRule `json:"critical,omitempty"`
	Passed   []kubesecRule `json:"passed,omitempty"`
	Advise   []kubesecRule `json:"advise,omitempty"`
}

type kubesecReport struct {
	Object   string         `json:"object"`
	Valid    bool           `json:"valid"`
	FileName string         `json:"fileName"`
	Message  string         `json:"message,omitempty"`
	Score    int            `json:"score"`
	Scoring  kubesecScoring `json:"scoring"`
}

// KubesecFileName is what kubesec prints as fileName for standard input.
const KubesecFileName = "STDIN"

// WriteKubesec renders kubesec's `kubesec scan` JSON schema: an array of
// {object, valid, fileName, message, score, scoring{critical, passed,
// advise}} with kubesec's key order, list order and two-space indentation.
// One entry is listed per rule (kubesec counts a rule once, however many
// containers match). Input errors become entries with valid false.
func WriteKubesec(w io.Writer, res Result, opts Options) error {
	out := make([]kubesecReport, 0, len(res.Reports)+len(res.Errors))
	for _, r := range res.Reports {
		out = append(out, toKubesec(r))
	}
	for _, e := range res.Errors {
		msg := ""
		if e.Err != nil {
			msg = e.Err.Error()
		}
		out = append(out, kubesecReport{Object: "Unknown", Valid: false, FileName: kubesecFile(e.Source), Message: msg})
	}
	raw, err := json.Marshal(out)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err = w.Write(buf.Bytes())
	return err
}

func kubesecFile(src string) string {
	if src == "" || src == "-" || src == "/dev/stdin" {
		return KubesecFileName
	}
	return src
}

func toKubesec(r kubeharden.Report) kubesecReport {
	kr := kubesecReport{Object: r.Object, Valid: len(r.Errors) == 0, FileName: kubesecFile(r.Source), Score: r.Score}
	if kr.Object == "" {
		kr.Object = "Unknown"
	}
	if !kr.Valid {
		kr.Message = r.Errors[0].Error()
		kr.Score = 0
		return kr
	}
	seen := map[string]bool{}
	for _, f := range r.Findings {
		if f.Suppressed {
			continue
		}
		e := kubesecEntry(f)
		if seen[e.ID] {
			continue
		}
		seen[e.ID] = true
		switch {
		case f.Passed && f.Points > 0:
			kr.Scoring.Passed = append(kr.Scoring.Passed, e)
		case !f.Passed && f.Points < 0:
			kr.Scoring.Critical = append(kr.Scoring.Critical, e)
		case !f.Passed && f.Points >= 0:
			kr.Scoring.Advise = append(kr.Scoring.Advise, e)
		}
	}
	if len(r.Findings) == 0 {
		kr.Message = "This resource kind is not supported by kubesec"
	} else if kr.Score >= 0 {
		kr.Message = "Passed with a score of " + strconv.Itoa(kr.Score) + " points"
	} else {
		kr.Message = "Failed with a score of " + strconv.Itoa(kr.Score) + " points"
	}
	for _, l := range [][]kubesecRule{kr.Scoring.Critical, kr.Scoring.Passed, kr.Scoring.Advise} {
		sortKubesec(l)
	}
	return kr
}

func kubesecEntry(f kubeharden.Finding) kubesecRule {
	e := kubesecRule{Reason: f.Message, Points: f.Points, Selector: f.Path}
	for _, ref := range f.Refs {
		switch {
		case strings.HasPrefix(ref, KubesecSelectorPrefix):
			e.Selector = strings.TrimPrefix(ref, KubesecSelectorPrefix)
		case strings.HasPrefix(ref, KubesecRefPrefix):
			e.ID = strings.TrimPrefix(ref, KubesecRefPrefix)
		}
	}
	if e.ID == "" {
		_, name, _ := strings.Cut(f.RuleID, "/")
		e.ID = name
	}
	return e
}

// sortKubesec applies kubesec's order: higher points first when either is
// positive, more negative first when both are ≤ 0, then selector bytes.
func sortKubesec(l []kubesecRule) {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.Points != b.Points {
			if a.Points > 0 || b.Points > 0 {
				return a.Points > b.Points
			}
			return a.Points < b.Points
		}
		return a.Selector < b.Selector
	})
}
