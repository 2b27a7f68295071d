package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/image"
	"github.com/kubeharden/kubeharden/internal/decode"
)

// ConfigFileName is looked up from the scanned path upwards.
const ConfigFileName = ".kubeharden.yaml"

// Config is the .kubeharden.yaml file. Flags override it.
type Config struct {
	// FailOn is the lowest severity that fails the run ("none" disables).
	FailOn string `json:"failOn,omitempty"`
	// MinScore fails any object scoring below it.
	MinScore *int `json:"minScore,omitempty"`
	// Compat selects "kubesec" compatibility mode.
	Compat string `json:"compat,omitempty"`
	// PSS turns Pod Security Standards failures at this level ("baseline",
	// "restricted") into policy failures.
	PSS string `json:"pss,omitempty"`
	// PSSVersion is the Pod Security Standards version ("v1.33"; default latest).
	PSSVersion string      `json:"pssVersion,omitempty"`
	Rules      RulesConfig `json:"rules,omitempty"`
	// Image is the image policy applied to every container image and
	// Dockerfile base: allowed registries and repository prefixes (matched
	// on "/" boundaries), digests, latest, minimal bases.
	Image image.Policy `json:"image,omitempty"`
	// Trivy gates Trivy JSON reports found in the scan: maximum severity,
	// unfixed vulnerabilities, allow-listed CVEs with expiry dates.
	Trivy image.TrivyPolicy `json:"trivy,omitempty"`
	// Severity overrides rule severities by rule ID.
	Severity map[string]string `json:"severity,omitempty"`
}

// RulesConfig enables and disables rules by ID, "package/*" glob or
// package name. With a non-empty Enable list only those rules run.
type RulesConfig struct {
	Enable  []string `json:"enable,omitempty"`
	Disable []string `json:"disable,omitempty"`
}

// findConfig looks for ConfigFileName in dir and its parents.
func findConfig(start string) (string, error) {
	abs, err := filepath.Abs(start)
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
		abs = filepath.Dir(abs)
	}
	for {
		p := filepath.Join(abs, ConfigFileName)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return "", nil
		}
		abs = parent
	}
}

// loadConfig reads and strictly decodes a config file: unknown keys are
// errors, because a misspelt policy key silently weakens the gate.
func loadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	docs, errs := decode.Split(data, path, decode.Options{MaxDocuments: 1})
	if len(errs) > 0 {
		return nil, fmt.Errorf("config: %w", errs[0])
	}
	var c Config
	if len(docs) == 0 {
		return &c, nil
	}
	problems, err := docs[0].Into(&c)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if len(problems) > 0 {
		var msgs []string
		for _, p := range problems {
			pos := docs[0].Position(p.Path)
			if p.Line > 0 {
				pos.Line = p.Line
			}
			msgs = append(msgs, fmt.Sprintf("%s: %s", pos, p.Message))
		}
		return nil, fmt.Errorf("config: %s", strings.Join(msgs, "; "))
	}
	for id, s := range c.Severity {
		if _, err := kubeharden.ParseSeverity(s); err != nil {
			return nil, fmt.Errorf("config %s: severity of %s: %w", path, id, err)
		}
	}
	return &c, nil
}

// ruleMatches reports whether rule ID id is selected by pattern: an exact
// ID, "pkg/*" or a bare package name.
func ruleMatches(pattern, id string) bool {
	if pattern == id || pattern == "*" {
		return true
	}
	if prefix, ok := strings.CutSuffix(pattern, "/*"); ok {
		return strings.HasPrefix(id, prefix+"/")
	}
	if !strings.Contains(pattern, "/") {
		return strings.HasPrefix(id, pattern+"/")
	}
	if m, err := filepath.Match(pattern, id); err == nil && m {
		return true
	}
	return false
}

// ruleFilter decides which findings to keep.
type ruleFilter struct {
	enable, disable []string
	severity        map[string]kubeharden.Severity
}

func (f ruleFilter) keep(id string) bool {
	if len(f.enable) > 0 {
		ok := false
		for _, p := range f.enable {
			if ruleMatches(p, id) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	for _, p := range f.disable {
		if ruleMatches(p, id) {
			return false
		}
	}
	return true
}

// apply drops disabled findings, overrides severities and recomputes the
// score of each report.
func (f ruleFilter) apply(rs []kubeharden.Report) {
	if len(f.enable) == 0 && len(f.disable) == 0 && len(f.severity) == 0 {
		return
	}
	for i := range rs {
		kept := rs[i].Findings[:0]
		for _, fd := range rs[i].Findings {
			if !f.keep(fd.RuleID) {
				continue
			}
			if s, ok := f.severity[fd.RuleID]; ok {
				fd.Severity = s
			}
			kept = append(kept, fd)
		}
		rs[i].Findings = kept
		rs[i].ComputeScore()
	}
}
