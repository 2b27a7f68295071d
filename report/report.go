package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/kubeharden/kubeharden"
)

// Format names an output format.
type Format string

// The supported formats.
const (
	FormatText    Format = "text"
	FormatJSON    Format = "json"
	FormatKubesec Format = "kubesec"
	FormatSARIF   Format = "sarif"
	FormatJUnit   Format = "junit"
	FormatPatch   Format = "patch"
	// FormatKubeBench is kube-bench's --json layout for the CIS findings
	// (WriteKubeBench).
	FormatKubeBench Format = "kube-bench"
)

// Formats lists every supported format, for help texts.
func Formats() []Format {
	return []Format{FormatText, FormatJSON, FormatKubesec, FormatSARIF, FormatJUnit, FormatPatch, FormatKubeBench}
}

// ParseFormat validates a format name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats() {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, 0, len(Formats()))
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return "", fmt.Errorf("unknown format %q (want one of %s)", s, strings.Join(names, ", "))
}

// Tool identifies the program in JSON and SARIF output.
type Tool struct {
	Name    string
	Version string
	URI     string
}

// Result is everything one run produced.
type Result struct {
	Reports []kubeharden.Report
	// Errors are inputs (or documents) that could not be analysed at all.
	Errors []*kubeharden.InputError
}

// Options tune the renderers. The zero value renders plain text without
// colour and without passed findings.
type Options struct {
	Tool Tool
	// Rules is the catalogue used for SARIF rule metadata and help texts.
	Rules []kubeharden.Rule
	// Color enables ANSI colours in text output (set it only for terminals).
	Color bool
	// ShowPassed lists passed findings in text output.
	ShowPassed bool
	// BaseDir makes SARIF artifact URIs relative to it (the repository root).
	BaseDir string
}

// Write renders res in the given format.
func Write(w io.Writer, f Format, res Result, opts Options) error {
	switch f {
	case FormatText, "":
		return WriteText(w, res, opts)
	case FormatJSON:
		return WriteJSON(w, res, opts)
	case FormatKubesec:
		return WriteKubesec(w, res, opts)
	case FormatSARIF:
		return WriteSARIF(w, res, opts)
	case FormatJUnit:
		return WriteJUnit(w, res, opts)
	case FormatPatch:
		return WritePatch(w, res, opts)
	case FormatKubeBench:
		return WriteKubeBench(w, res, opts)
	}
	return fmt.Errorf("unknown format %q", f)
}

// sortedReports orders reports by source, document and object without
// modifying the caller's slice.
func sortedReports(rs []kubeharden.Report) []kubeharden.Report {
	out := append([]kubeharden.Report(nil), rs...)
	slices.SortStableFunc(out, func(a, b kubeharden.Report) int {
		if c := strings.Compare(a.Source, b.Source); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Document, b.Document); c != 0 {
			return c
		}
		return strings.Compare(a.Object, b.Object)
	})
	return out
}

func ruleIndex(rules []kubeharden.Rule) map[string]kubeharden.Rule {
	m := make(map[string]kubeharden.Rule, len(rules))
	for _, r := range rules {
		m[r.ID] = r
	}
	return m
}

// firstSentence returns s up to its first full stop followed by a space.
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i > 0 {
		return s[:i+1]
	}
	return s
}
