package report

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kubeharden/kubeharden"
)

// A small, hand-written SARIF 2.1.0 model: only what GitHub code scanning
// reads, without the placeholder noise generic libraries emit.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	ColumnKind string        `json:"columnKind"`
	Results    []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	InformationURI  string      `json:"informationUri,omitempty"`
	Rules           []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name,omitempty"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           sarifRuleProps `json:"properties"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags             []string `json:"tags,omitempty"`
	Precision        string   `json:"precision"`
	SecuritySeverity string   `json:"security-severity"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical  `json:"physicalLocation"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName,omitempty"`
	Kind               string `json:"kind,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

// SARIFSchema is the schema URI written into the log.
const SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"

// WriteSARIF renders a SARIF 2.1.0 log that GitHub code scanning accepts:
// rules with help and security-severity, one result per failed finding
// (suppressed findings carry a SARIF suppression), repo-relative URIs
// (relative to Options.BaseDir), 1-based start line and column (columns
// count Unicode code points), and stable fingerprints that ignore line
// numbers and message text.
func WriteSARIF(w io.Writer, res Result, opts Options) error {
	catalogue := ruleIndex(opts.Rules)
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:            nonEmpty(opts.Tool.Name, "kubeharden"),
			SemanticVersion: strings.TrimPrefix(opts.Tool.Version, "v"),
			InformationURI:  nonEmpty(opts.Tool.URI, "https://github.com/kubeharden/kubeharden"),
			Rules:           []sarifRule{},
		}},
		ColumnKind: "unicodeCodePoints",
		Results:    []sarifResult{},
	}
	index := map[string]int{}
	ruleFor := func(f kubeharden.Finding) int {
		if i, ok := index[f.RuleID]; ok {
			return i
		}
		r, ok := catalogue[f.RuleID]
		if !ok {
			r = kubeharden.Rule{ID: f.RuleID, Title: f.RuleID, Severity: f.Severity, Refs: f.Refs, Remediation: f.Fix}
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, toSARIFRule(r))
		index[f.RuleID] = len(run.Tool.Driver.Rules) - 1
		return index[f.RuleID]
	}
	reports := sortedReports(res.Reports)
	// Register rules in a stable order first (GitHub keys on ruleId, but
	// byte-stable output helps golden tests and diffs).
	var ids []kubeharden.Finding
	for _, r := range reports {
		for _, f := range r.Findings {
			if !f.Passed {
				ids = append(ids, f)
			}
		}
	}
	sort.SliceStable(ids, func(i, j int) bool { return ids[i].RuleID < ids[j].RuleID })
	for _, f := range ids {
		ruleFor(f)
	}
	// Everything but the results is known now: write it, then stream the
	// results one by one so memory does not grow with the output.
	bw := bufio.NewWriterSize(w, 64<<10)
	head, err := json.MarshalIndent(struct {
		Tool       sarifTool `json:"tool"`
		ColumnKind string    `json:"columnKind"`
	}{run.Tool, run.ColumnKind}, "    ", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(bw, "{\n  \"$schema\": %q,\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    ", SARIFSchema)
	bw.Write(head[:len(head)-len("\n    }")]) // reopen the object to append results
	bw.WriteString(",\n      \"results\": [")
	n := 0
	for _, r := range reports {
		uri := artifactURI(r.Source, opts.BaseDir)
		fs := append([]kubeharden.Finding(nil), r.Findings...)
		kubeharden.SortFindings(fs)
		for _, f := range fs {
			if f.Passed {
				continue
			}
			line, col := f.Position.Line, f.Position.Column
			if line <= 0 {
				line = 1
			}
			if col <= 0 {
				col = 1
			}
			msg := f.Message
			if f.Fix != "" {
				msg += ". Fix: " + f.Fix
			}
			res := sarifResult{
				RuleID:    f.RuleID,
				RuleIndex: ruleFor(f),
				Level:     f.Severity.SARIFLevel(),
				Message:   sarifText{Text: msg},
				Locations: []sarifLocation{{
					PhysicalLocation: sarifPhysical{
						ArtifactLocation: sarifArtifact{URI: uri},
						Region:           sarifRegion{StartLine: line, StartColumn: col, EndLine: line, EndColumn: col + 1},
					},
				}},
				PartialFingerprints: map[string]string{"primaryLocationLineHash": Fingerprint(f.RuleID, uri, r.Object, f.Path)},
			}
			if r.Object != "" || f.Path != "" {
				res.Locations[0].LogicalLocations = []sarifLogical{{Name: nonEmpty(f.Path, r.Object), FullyQualifiedName: strings.TrimSuffix(r.Object+"/"+f.Path, "/"), Kind: "object"}}
			}
			if f.Suppressed {
				res.Suppressions = []sarifSuppression{{Kind: "inSource", Justification: f.SuppressReason}}
			}
			b, err := json.MarshalIndent(res, "        ", "  ")
			if err != nil {
				return err
			}
			if n > 0 {
				bw.WriteByte(',')
			}
			bw.WriteString("\n        ")
			bw.Write(b)
			n++
		}
	}
	if n > 0 {
		bw.WriteString("\n      ")
	}
	bw.WriteString("]\n    }\n  ]\n}\n")
	return bw.Flush()
}

func toSARIFRule(r kubeharden.Rule) sarifRule {
	title := nonEmpty(r.Title, r.ID)
	desc := nonEmpty(r.Description, title)
	var help strings.Builder
	help.WriteString(desc)
	if r.Remediation != "" {
		help.WriteString("\n\nRemediation: " + r.Remediation)
	}
	if len(r.Refs) > 0 {
		help.WriteString("\n\nReferences: " + strings.Join(r.Refs, ", "))
	}
	tags := []string{"security", "kubernetes"}
	if p := r.Package(); p != "" {
		tags = append(tags, p)
	}
	return sarifRule{
		ID:                   r.ID,
		Name:                 strings.ReplaceAll(r.ID, "/", "."),
		ShortDescription:     sarifText{Text: clip(title, 1024)},
		FullDescription:      sarifText{Text: clip(desc, 1024)},
		Help:                 sarifText{Text: help.String(), Markdown: help.String()},
		HelpURI:              r.HelpURL,
		DefaultConfiguration: sarifConfig{Level: r.Severity.SARIFLevel()},
		Properties:           sarifRuleProps{Tags: tags, Precision: "high", SecuritySeverity: r.Severity.SecuritySeverity()},
	}
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

// artifactURI makes source relative to base with forward slashes; standard
// input becomes "stdin".
func artifactURI(source, base string) string {
	if source == "" || source == "-" {
		return "stdin"
	}
	p := source
	if base != "" {
		if abs, err := filepath.Abs(source); err == nil {
			if absBase, err := filepath.Abs(base); err == nil {
				if rel, err := filepath.Rel(absBase, abs); err == nil && !strings.HasPrefix(rel, "..") {
					p = rel
				}
			}
		}
	}
	p = filepath.ToSlash(p)
	return strings.TrimPrefix(p, "./")
}

// Fingerprint is a stable identity for a finding across runs: a truncated
// SHA-256 of the rule, the repo-relative file, the object and the field
// path. It never includes line numbers, message text or the tool version.
func Fingerprint(ruleID, uri, object, path string) string {
	h := sha256.Sum256([]byte(ruleID + "\x00" + uri + "\x00" + object + "\x00" + path))
	return hex.EncodeToString(h[:16])
}
