package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/kubeharden/kubeharden"
)

func cmdRules(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("rules", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "text, json or markdown")
	if _, err := parseInterleaved(fs, args); err != nil {
		return exitUsage, nil
	}
	rules := allRules()
	switch *format {
	case "text":
		for _, r := range rules {
			fmt.Fprintf(stdout, "%-48s %-8s %4d  %s\n", r.ID, r.Severity, r.Points, r.Title)
		}
	case "json":
		type jr struct {
			ID          string   `json:"id"`
			Title       string   `json:"title"`
			Description string   `json:"description,omitempty"`
			Kind        string   `json:"kind"`
			Severity    string   `json:"severity"`
			Points      int      `json:"points"`
			Refs        []string `json:"refs,omitempty"`
			Remediation string   `json:"remediation,omitempty"`
			HelpURL     string   `json:"helpUrl,omitempty"`
		}
		out := make([]jr, 0, len(rules))
		for _, r := range rules {
			out = append(out, jr{r.ID, r.Title, r.Description, r.Kind.String(), r.Severity.String(), r.Points, r.Refs, r.Remediation, r.HelpURL})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return exitClean, enc.Encode(out)
	case "markdown":
		return exitClean, writeRulesMarkdown(stdout, rules)
	default:
		return exitUsage, fmt.Errorf("%w: --format must be text, json or markdown", errUsage)
	}
	return exitClean, nil
}

// writeRulesMarkdown renders the rule reference (docs/rules.md), one table
// per package, in catalogue order.
func writeRulesMarkdown(w io.Writer, rules []kubeharden.Rule) error {
	byPkg := map[string][]kubeharden.Rule{}
	var pkgs []string
	for _, r := range rules {
		p := r.Package()
		if _, ok := byPkg[p]; !ok {
			pkgs = append(pkgs, p)
		}
		byPkg[p] = append(byPkg[p], r)
	}
	sort.Strings(pkgs)
	var b strings.Builder
	b.WriteString("# Rule reference\n\n")
	b.WriteString("Generated from the packages' `Rules()` catalogues by `go run ./examples/kubeharden rules --format markdown > docs/rules.md`;\n")
	b.WriteString("a test fails when this file is stale. Points follow kubesec: negative for risks that fire, positive for hardening that is present.\n\n")
	fmt.Fprintf(&b, "%d rules in %d packages.\n", len(rules), len(pkgs))
	for _, p := range pkgs {
		fmt.Fprintf(&b, "\n## %s (%d rules)\n\n", p, len(byPkg[p]))
		b.WriteString("| ID | Severity | Points | Title | References |\n|---|---|---|---|---|\n")
		for _, r := range byPkg[p] {
			fmt.Fprintf(&b, "| `%s` | %s | %d | %s | %s |\n", r.ID, r.Severity, r.Points, mdCell(r.Title), mdCell(strings.Join(r.Refs, ", ")))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}
