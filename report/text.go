package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

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
	reports := sortedReports(res.Reports)
	for i := range reports {
		objects++
		for j := range reports[i].Findings {
			f := &reports[i].Findings[j]
			switch {
			case f.Suppressed:
				suppressed++
			case f.Passed:
				passed++
			default:
				failed++
				bySev[f.Severity]++
			}
		}
	}
	const chunk = 32 // reports rendered together
	err := renderOrdered(bw, (len(reports)+chunk-1)/chunk, func(k int, b []byte) ([]byte, error) {
		var fs []*kubeharden.Finding
		for i := k * chunk; i < min(len(reports), (k+1)*chunk); i++ {
			r := &reports[i]
			if i == 0 || reports[i-1].Source != r.Source {
				if i > 0 {
					b = append(b, '\n')
				}
				src := r.Source
				if src == "" {
					src = "(input)"
				}
				b = append(b, paint(ansiBold, src)...)
				b = append(b, '\n')
			}
			fs = sortedFindings(fs, r)
			nf := 0
			for _, f := range fs {
				if !f.Passed && !f.Suppressed {
					nf++
				}
			}
			scoreCol := ansiGreen
			if r.Score < 0 {
				scoreCol = ansiRed
			}
			b = append(b, "  "...)
			b = append(b, paint(ansiBold, objectName(*r))...)
			b = append(b, "  score "...)
			b = append(b, paint(scoreCol, strconv.Itoa(r.Score))...)
			b = append(b, "  ("...)
			b = strconv.AppendInt(b, int64(nf), 10)
			b = append(b, " failed of "...)
			b = strconv.AppendInt(b, int64(len(fs)), 10)
			b = append(b, ")\n"...)
			for _, f := range fs {
				switch {
				case f.Suppressed:
					b = append(b, "    "...)
					b = append(b, paint(ansiDim, "SUPPRESSED")...)
					b = append(b, ' ')
					b = append(b, f.RuleID...)
					b = append(b, "  "...)
					b = append(b, f.Message...)
					b = append(b, reasonSuffix(f.SuppressReason)...)
					b = append(b, '\n')
					continue
				case f.Passed:
					if opts.ShowPassed {
						b = append(b, "    "...)
						b = append(b, paint(ansiGreen, "PASS")...)
						b = append(b, ' ')
						b = append(b, f.RuleID...)
						b = append(b, "  "...)
						b = append(b, f.Message...)
						b = append(b, '\n')
					}
					continue
				}
				col := ansiCyan
				switch {
				case f.Severity >= kubeharden.SeverityHigh:
					col = ansiRed
				case f.Severity >= kubeharden.SeverityMedium:
					col = ansiYellow
				}
				b = append(b, "    "...)
				sev := paint(col, strings.ToUpper(f.Severity.String()))
				b = append(b, sev...)
				for n := utf8.RuneCountInString(sev); n < 8; n++ {
					b = append(b, ' ')
				}
				b = append(b, ' ')
				b = append(b, f.RuleID...)
				if f.Position.Line > 0 {
					loc := " " + strconv.Itoa(f.Position.Line) + ":" + strconv.Itoa(f.Position.Column)
					b = append(b, paint(ansiDim, loc)...)
				} else {
					b = append(b, paint(ansiDim, "")...)
				}
				b = append(b, "  "...)
				b = append(b, f.Message...)
				if f.Points != 0 {
					b = append(b, " ("...)
					if f.Points > 0 {
						b = append(b, '+')
					}
					b = strconv.AppendInt(b, int64(f.Points), 10)
					b = append(b, ')')
				}
				b = append(b, '\n')
				if f.Path != "" {
					b = append(b, "             at "...)
					b = append(b, f.Path...)
					b = append(b, '\n')
				}
				if f.Fix != "" {
					b = append(b, "             fix: "...)
					b = append(b, f.Fix...)
					b = append(b, '\n')
				}
			}
			for _, e := range r.Errors {
				b = append(b, "    "...)
				b = append(b, paint(ansiRed, "ERROR")...)
				b = append(b, ' ')
				b = append(b, e.Error()...)
				b = append(b, '\n')
			}
		}
		return b, nil
	})
	if err != nil {
		return err
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
