package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/kubeharden/kubeharden"
)

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiGreen  = "\x1b[32m"
	ansiDim    = "\x1b[2m"
)

// WriteText renders a human report grouped by file, then object: failed
// findings by severity with their position and fix, the score, and a
// summary line. Passed findings are listed with Options.ShowPassed.
func WriteText(w io.Writer, res Result, opts Options) error {
	bw := bufio.NewWriter(w)
	paint := func(code, s string) string {
		if !opts.Color {
			return s
		}
		return code + s + ansiReset
	}
	var objects, failed, suppressed, passed int
	bySev := map[kubeharden.Severity]int{}
	lastSource := "\x00"
	for _, r := range sortedReports(res.Reports) {
		objects++
		if r.Source != lastSource {
			if lastSource != "\x00" {
				fmt.Fprintln(bw)
			}
			src := r.Source
			if src == "" {
				src = "(input)"
			}
			fmt.Fprintln(bw, paint(ansiBold, src))
			lastSource = r.Source
		}
		fs := append([]kubeharden.Finding(nil), r.Findings...)
		kubeharden.SortFindings(fs)
		var nf int
		for _, f := range fs {
			if !f.Passed && !f.Suppressed {
				nf++
			}
		}
		scoreCol := ansiGreen
		if r.Score < 0 {
			scoreCol = ansiRed
		}
		fmt.Fprintf(bw, "  %s  score %s  (%d failed of %d)\n", paint(ansiBold, objectName(r)), paint(scoreCol, fmt.Sprint(r.Score)), nf, len(fs))
		for _, f := range fs {
			switch {
			case f.Suppressed:
				suppressed++
				fmt.Fprintf(bw, "    %s %s  %s%s\n", paint(ansiDim, "SUPPRESSED"), f.RuleID, f.Message, reasonSuffix(f.SuppressReason))
				continue
			case f.Passed:
				passed++
				if opts.ShowPassed {
					fmt.Fprintf(bw, "    %s %s  %s\n", paint(ansiGreen, "PASS"), f.RuleID, f.Message)
				}
				continue
			}
			failed++
			bySev[f.Severity]++
			sev := strings.ToUpper(f.Severity.String())
			col := ansiCyan
			switch {
			case f.Severity >= kubeharden.SeverityHigh:
				col = ansiRed
			case f.Severity >= kubeharden.SeverityMedium:
				col = ansiYellow
			}
			loc := ""
			if f.Position.Line > 0 {
				loc = fmt.Sprintf(" %d:%d", f.Position.Line, f.Position.Column)
			}
			fmt.Fprintf(bw, "    %-8s %s%s  %s", paint(col, sev), f.RuleID, paint(ansiDim, loc), f.Message)
			if f.Points != 0 {
				fmt.Fprintf(bw, " (%+d)", f.Points)
			}
			fmt.Fprintln(bw)
			if f.Path != "" {
				fmt.Fprintf(bw, "             at %s\n", f.Path)
			}
			if f.Fix != "" {
				fmt.Fprintf(bw, "             fix: %s\n", f.Fix)
			}
		}
		for _, e := range r.Errors {
			fmt.Fprintf(bw, "    %s %s\n", paint(ansiRed, "ERROR"), e.Error())
		}
	}
	if len(res.Errors) > 0 {
		if objects > 0 {
			fmt.Fprintln(bw)
		}
		fmt.Fprintln(bw, paint(ansiBold, "Input errors"))
		for _, e := range res.Errors {
			fmt.Fprintf(bw, "  %s %s\n", paint(ansiRed, "ERROR"), e.Error())
		}
	}
	fmt.Fprintln(bw)
	fmt.Fprintf(bw, "%d objects, %d failed findings (%d critical, %d high, %d medium, %d low, %d info), %d passed, %d suppressed, %d input errors\n",
		objects, failed, bySev[kubeharden.SeverityCritical], bySev[kubeharden.SeverityHigh], bySev[kubeharden.SeverityMedium],
		bySev[kubeharden.SeverityLow], bySev[kubeharden.SeverityInfo], passed, suppressed, len(res.Errors))
	return bw.Flush()
}

func reasonSuffix(r string) string {
	if r == "" {
		return ""
	}
	return " (" + r + ")"
}

func objectName(r kubeharden.Report) string {
	if r.Object != "" {
		return r.Object
	}
	if r.Kind != "" {
		return r.Kind
	}
	return fmt.Sprintf("document %d", r.Document)
}
