package decode

import (
	"fmt"

	"github.com/kubeharden/kubeharden"
)

// ProblemRule returns the catalogue entry for FieldProblems of kind k in
// package pkg ("manifest" → "manifest/UnknownField", "manifest/DuplicateKey",
// "manifest/CaseVariantKey"). Analyzers list these in their Rules().
func ProblemRule(pkg string, k ProblemKind) kubeharden.Rule {
	switch k {
	case DuplicateKey:
		return kubeharden.Rule{ID: pkg + "/DuplicateKey", Title: "Duplicate key",
			Description: "A key appears twice in one mapping. The API server keeps the last value, so a reviewer reading the first one is misled; kubectl --validate=strict rejects the object.",
			Kind:        kubeharden.KindCheck, Severity: kubeharden.SeverityMedium,
			Remediation: "remove all but one occurrence of the key"}
	case CaseVariantKey:
		return kubeharden.Rule{ID: pkg + "/CaseVariantKey", Title: "Key differs from a field only in case",
			Description: "The API server matches field names case-sensitively and drops this key, while case-insensitive scanners read it: the object is not configured the way it looks (a known scanner-evasion trick).",
			Kind:        kubeharden.KindCheck, Severity: kubeharden.SeverityHigh,
			Remediation: "spell the field exactly as the API defines it and remove the variant"}
	default:
		return kubeharden.Rule{ID: pkg + "/UnknownField", Title: "Unknown field",
			Description: "The field is not part of the object's schema. The API server drops it (with a warning), so a setting the author believes is in force is not: a typo in a security field silently disables the control.",
			Kind:        kubeharden.KindCheck, Severity: kubeharden.SeverityMedium,
			Remediation: "fix the spelling or remove the field"}
	}
}

// ProblemRules lists the three decoding rules of pkg.
func ProblemRules(pkg string) []kubeharden.Rule {
	return []kubeharden.Rule{ProblemRule(pkg, UnknownField), ProblemRule(pkg, DuplicateKey), ProblemRule(pkg, CaseVariantKey)}
}

// ProblemFindings turns FieldProblems into failed findings of pkg's
// decoding rules, positioned in d.
func ProblemFindings(pkg string, d *Document, ps []FieldProblem) []kubeharden.Finding {
	out := make([]kubeharden.Finding, 0, len(ps))
	for _, p := range ps {
		r := ProblemRule(pkg, p.Kind)
		f := r.Fail(p.Message, p.Path)
		switch p.Kind {
		case CaseVariantKey:
			f.Fix = fmt.Sprintf("rename %q to %q (or remove it if %q is already set)", lastSegment(p.Path), p.Canonical, p.Canonical)
		case DuplicateKey:
			f.Fix = fmt.Sprintf("keep one %q key", lastSegment(p.Path))
		}
		if p.Line > 0 {
			f.Position = kubeharden.Position{File: d.Source, Line: p.Line}
		} else {
			f.Position = d.Position(p.Path)
		}
		out = append(out, f)
	}
	return out
}
