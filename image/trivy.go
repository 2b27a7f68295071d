package image

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kubeharden/kubeharden"
)

// TrivyReport is the part of Trivy's JSON report (schema version 2) the
// gate reads. Unknown fields are ignored, as Trivy adds fields over time.
type TrivyReport struct {
	SchemaVersion int           `json:"SchemaVersion"`
	CreatedAt     time.Time     `json:"CreatedAt"`
	ArtifactName  string        `json:"ArtifactName"`
	ArtifactType  string        `json:"ArtifactType"`
	Metadata      TrivyMetadata `json:"Metadata"`
	Results       []TrivyResult `json:"Results"`
}

// TrivyMetadata describes the scanned artifact.
type TrivyMetadata struct {
	OS          *TrivyOS `json:"OS"`
	ImageID     string   `json:"ImageID"`
	RepoTags    []string `json:"RepoTags"`
	RepoDigests []string `json:"RepoDigests"`
}

// TrivyOS is the detected operating system.
type TrivyOS struct {
	Family string `json:"Family"`
	Name   string `json:"Name"`
	EOSL   bool   `json:"EOSL"`
}

// TrivyResult is one scan target (an OS package database, a lock file).
type TrivyResult struct {
	Target          string               `json:"Target"`
	Class           string               `json:"Class"`
	Type            string               `json:"Type"`
	Vulnerabilities []TrivyVulnerability `json:"Vulnerabilities"`
}

// TrivyVulnerability is one detected vulnerability.
type TrivyVulnerability struct {
	VulnerabilityID  string `json:"VulnerabilityID"`
	PkgID            string `json:"PkgID"`
	PkgName          string `json:"PkgName"`
	PkgPath          string `json:"PkgPath"`
	InstalledVersion string `json:"InstalledVersion"`
	FixedVersion     string `json:"FixedVersion"`
	Status           string `json:"Status"`
	Severity         string `json:"Severity"`
	Title            string `json:"Title"`
	PrimaryURL       string `json:"PrimaryURL"`
}

// Fixed reports whether a fix exists: Status "fixed", or for reports
// without Status (older Trivy) a non-empty FixedVersion.
func (v TrivyVulnerability) Fixed() bool {
	if v.Status != "" {
		return v.Status == "fixed"
	}
	return v.FixedVersion != ""
}

// Trivy gate errors.
var (
	ErrTrivySchema   = errors.New("unsupported Trivy report schema")
	ErrTrivyReport   = errors.New("invalid Trivy report")
	ErrTrivyTooLarge = errors.New("Trivy report exceeds the size budget")
)

// MaxTrivyReportBytes bounds the report GateTrivy accepts.
const MaxTrivyReportBytes = 256 << 20

// ParseTrivy decodes a Trivy JSON report and checks its schema version.
func ParseTrivy(data []byte) (*TrivyReport, error) {
	if len(data) > MaxTrivyReportBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTrivyTooLarge, len(data), MaxTrivyReportBytes)
	}
	var r TrivyReport
	if err := json.Unmarshal(data, &r); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, fmt.Errorf("%w: line %d: %w", ErrTrivyReport, lineAt(data, se.Offset), err)
		case errors.As(err, &te):
			return nil, fmt.Errorf("%w: line %d: %w", ErrTrivyReport, lineAt(data, te.Offset), err)
		}
		return nil, fmt.Errorf("%w: %w", ErrTrivyReport, err)
	}
	if r.SchemaVersion != 2 {
		return nil, fmt.Errorf("%w: SchemaVersion %d (want 2)", ErrTrivySchema, r.SchemaVersion)
	}
	return &r, nil
}

func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// AllowedVulnerability is an accepted risk.
type AllowedVulnerability struct {
	// ID is the vulnerability id ("CVE-2024-1234", "GHSA-..."), compared
	// case-insensitively.
	ID string `json:"id"`
	// Package limits the exception to one package name; empty means any.
	Package string `json:"package,omitempty"`
	// Expires is the instant the exception stops applying (Trivy's
	// expired_at); the zero time never expires.
	Expires time.Time `json:"expires,omitempty"`
	Reason  string    `json:"reason,omitempty"`
}

// UnmarshalJSON accepts "expires" as an RFC 3339 time or a plain date
// ("2026-12-31", read as midnight UTC, as Trivy reads expired_at), so
// policies can be written by hand in .kubeharden.yaml.
func (a *AllowedVulnerability) UnmarshalJSON(b []byte) error {
	var raw struct {
		ID      string `json:"id"`
		Package string `json:"package"`
		Expires string `json:"expires"`
		Reason  string `json:"reason"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*a = AllowedVulnerability{ID: raw.ID, Package: raw.Package, Reason: raw.Reason}
	if raw.Expires == "" {
		return nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, raw.Expires); err == nil {
			a.Expires = t
			return nil
		}
	}
	return fmt.Errorf("allow-list entry %s: expires %q is neither a date (2006-01-02) nor an RFC 3339 time", raw.ID, raw.Expires)
}

// TrivyPolicy decides which vulnerabilities fail the gate. The zero value
// fails on HIGH and CRITICAL vulnerabilities, fixed or not, and checks
// nothing else but end-of-life operating systems.
type TrivyPolicy struct {
	// FailOn is the lowest severity that fails; nil means High.
	FailOn *kubeharden.Severity `json:"failOn,omitempty"`
	// FailOnUnknown also fails on vulnerabilities of UNKNOWN severity.
	FailOnUnknown bool `json:"failOnUnknown,omitempty"`
	// IgnoreUnfixed suppresses vulnerabilities without a fix, like trivy
	// --ignore-unfixed: every Status but "fixed", or no FixedVersion when
	// the report has no Status.
	IgnoreUnfixed bool `json:"ignoreUnfixed,omitempty"`
	// Allow lists accepted vulnerabilities with optional expiry.
	Allow []AllowedVulnerability `json:"allow,omitempty"`
	// IgnorePackages suppresses vulnerabilities of these package names.
	IgnorePackages []string `json:"ignorePackages,omitempty"`
	// Image is the reference a manifest deploys. When set, the report's
	// RepoDigests (or a digest in ArtifactName) must contain its digest.
	Image string `json:"image,omitempty"`
	// MaxAge fails reports created longer ago than this; 0 disables it.
	MaxAge time.Duration `json:"maxAge,omitempty"`
	// AllowEOSL accepts an operating system past its end of life.
	AllowEOSL bool `json:"allowEOSL,omitempty"`
}

// TrivySeverity maps Trivy's severity names to kubeharden's scale; it
// returns false for UNKNOWN, empty or unrecognised names (mapped to Info).
func TrivySeverity(s string) (kubeharden.Severity, bool) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "CRITICAL":
		return kubeharden.SeverityCritical, true
	case "HIGH":
		return kubeharden.SeverityHigh, true
	case "MEDIUM":
		return kubeharden.SeverityMedium, true
	case "LOW":
		return kubeharden.SeverityLow, true
	}
	return kubeharden.SeverityInfo, false
}

func vulnPoints(s kubeharden.Severity) int {
	switch s {
	case kubeharden.SeverityCritical:
		return -10
	case kubeharden.SeverityHigh:
		return -5
	case kubeharden.SeverityMedium:
		return -2
	case kubeharden.SeverityLow:
		return -1
	}
	return 0
}

// GateTrivy gates an existing Trivy JSON report by policy. now is the
// current time, passed in so that the analysis stays pure: allow-list
// expiry and report age are judged against it.
//
// Every distinct vulnerability (Trivy's de-duplication key: id, package
// id, name, installed version and path) becomes an image/Vulnerability
// finding at its own severity; those the policy lets through are kept as
// suppressed findings with the reason, so the report shows everything
// and fails only on what the policy forbids (Report.Failed()).
func GateTrivy(source string, data []byte, p TrivyPolicy, now time.Time) (kubeharden.Report, error) {
	rep := kubeharden.Report{Source: source, Kind: "TrivyReport", Object: "TrivyReport/" + source}
	tr, err := ParseTrivy(data)
	if err != nil {
		ie := &kubeharden.InputError{Source: source, Document: -1, Err: err}
		rep.Errors = append(rep.Errors, *ie)
		return rep, ie
	}
	if tr.ArtifactName != "" {
		rep.Object = "TrivyReport/" + tr.ArtifactName
	}
	failOn := kubeharden.SeverityHigh
	if p.FailOn != nil {
		failOn = *p.FailOn
	}
	ignoredPkg := map[string]bool{}
	for _, n := range p.IgnorePackages {
		ignoredPkg[n] = true
	}
	expiredReported := map[int]bool{}
	seen := map[string]bool{}
	for _, res := range tr.Results {
		for _, v := range res.Vulnerabilities {
			key := strings.Join([]string{v.VulnerabilityID, v.PkgID, v.PkgName, v.InstalledVersion, v.PkgPath}, "/")
			if seen[key] {
				continue
			}
			seen[key] = true
			sev, known := TrivySeverity(v.Severity)
			sevName := strings.ToUpper(v.Severity)
			if sevName == "" {
				sevName = "UNKNOWN"
			}
			msg := fmt.Sprintf("%s (%s) in %s %s", v.VulnerabilityID, sevName, v.PkgName, v.InstalledVersion)
			if v.Title != "" {
				msg += ": " + v.Title
			}
			loc := res.Target
			if v.PkgPath != "" {
				loc = v.PkgPath
			}
			f := ruleVulnerability.Fail(msg, loc+" "+v.PkgName)
			f.Severity, f.Points = sev, vulnPoints(sev)
			f.Refs = []string{v.VulnerabilityID}
			if v.PrimaryURL != "" {
				f.Refs = append(f.Refs, v.PrimaryURL)
			}
			if v.FixedVersion != "" {
				f.Fix = fmt.Sprintf("upgrade %s from %s to %s", v.PkgName, v.InstalledVersion, v.FixedVersion)
			} else {
				f.Fix = fmt.Sprintf("no fixed version of %s yet: mitigate, replace the package or allow-list with an expiry", v.PkgName)
			}
			gates := known && sev >= failOn || !known && p.FailOnUnknown
			switch {
			case ignoredPkg[v.PkgName]:
				f.Suppressed, f.SuppressReason = true, fmt.Sprintf("package %s is ignored by policy", v.PkgName)
			case !gates:
				f.Suppressed, f.SuppressReason = true, fmt.Sprintf("severity %s is below the gate (%s)", sevName, strings.ToUpper(failOn.String()))
			case p.IgnoreUnfixed && !v.Fixed():
				status := v.Status
				if status == "" {
					status = "no FixedVersion"
				}
				f.Suppressed, f.SuppressReason = true, fmt.Sprintf("unfixed (%s) and the policy ignores unfixed vulnerabilities", status)
			}
			if !f.Suppressed {
				for i, a := range p.Allow {
					if !strings.EqualFold(a.ID, v.VulnerabilityID) || (a.Package != "" && a.Package != v.PkgName) {
						continue
					}
					if !a.Expires.IsZero() && !now.Before(a.Expires) {
						if !expiredReported[i] {
							expiredReported[i] = true
							e := ruleTrivyAllowlistExpired.Fail(fmt.Sprintf("the exception for %s expired on %s", a.ID, a.Expires.UTC().Format(time.RFC3339)), "allow["+a.ID+"]")
							rep.Findings = append(rep.Findings, e)
						}
						continue
					}
					f.Suppressed = true
					f.SuppressReason = "allow-listed"
					if !a.Expires.IsZero() {
						f.SuppressReason += " until " + a.Expires.UTC().Format(time.RFC3339)
					}
					if a.Reason != "" {
						f.SuppressReason += ": " + a.Reason
					}
					break
				}
			}
			rep.Findings = append(rep.Findings, f)
		}
	}
	gating := 0
	for _, f := range rep.Findings {
		if f.RuleID == ruleVulnerability.ID && !f.Suppressed {
			gating++
		}
	}
	if gating == 0 {
		rep.Findings = append(rep.Findings, ruleVulnerability.Pass(fmt.Sprintf("no vulnerability fails the gate (%d found, all below %s, unfixed, ignored or allow-listed)",
			len(seen), strings.ToUpper(failOn.String())), "Results"))
	}
	if len(p.Allow) > 0 && len(expiredReported) == 0 {
		rep.Findings = append(rep.Findings, ruleTrivyAllowlistExpired.Pass("no allow-list entry that applies has expired", "allow"))
	}
	if tr.Metadata.OS != nil {
		name := strings.TrimSpace(tr.Metadata.OS.Family + " " + tr.Metadata.OS.Name)
		if tr.Metadata.OS.EOSL && !p.AllowEOSL {
			rep.Findings = append(rep.Findings, ruleTrivyOSEndOfLife.Fail(fmt.Sprintf("%s is past its end of service life", name), "Metadata.OS"))
		} else {
			rep.Findings = append(rep.Findings, ruleTrivyOSEndOfLife.Pass(fmt.Sprintf("%s is supported", name), "Metadata.OS"))
		}
	}
	if p.Image != "" {
		rep.Findings = append(rep.Findings, digestFinding(tr, p.Image))
	}
	if p.MaxAge > 0 {
		switch age := now.Sub(tr.CreatedAt); {
		case tr.CreatedAt.IsZero():
			rep.Findings = append(rep.Findings, ruleTrivyReportStale.Fail("the report has no CreatedAt, so its age is unknown", "CreatedAt"))
		case age > p.MaxAge:
			rep.Findings = append(rep.Findings, ruleTrivyReportStale.Fail(fmt.Sprintf("the report was created %s ago, more than the allowed %s", age.Round(time.Minute), p.MaxAge), "CreatedAt"))
		default:
			rep.Findings = append(rep.Findings, ruleTrivyReportStale.Pass(fmt.Sprintf("the report is %s old", age.Round(time.Minute)), "CreatedAt"))
		}
	}
	kubeharden.SortFindings(rep.Findings)
	rep.ComputeScore()
	return rep, nil
}

// digestFinding checks that the report covers the deployed image digest.
// Content is identified by digest, so the same digest under another
// repository name (a mirror) counts as a match.
func digestFinding(tr *TrivyReport, image string) kubeharden.Finding {
	r, err := ParseReference(image)
	if err != nil {
		return ruleTrivyDigestMismatch.Fail(fmt.Sprintf("deployed image %q does not parse: %v", image, err), "image")
	}
	if r.Digest == "" {
		f := ruleTrivyDigestMismatch.Fail(fmt.Sprintf("deployed image %s has no digest, so the report cannot be tied to it", r.Familiar()), "image")
		f.Fix = "deploy the image by digest (image@sha256:...) and scan that digest"
		return f
	}
	var found []string
	candidates := append([]string{tr.ArtifactName}, tr.Metadata.RepoDigests...)
	for _, c := range candidates {
		_, d, ok := strings.Cut(c, "@")
		if !ok {
			continue
		}
		found = append(found, d)
		if strings.EqualFold(d, r.Digest) {
			return ruleTrivyDigestMismatch.Pass(fmt.Sprintf("the report covers %s (%s)", r.Digest, c), "Metadata.RepoDigests")
		}
	}
	sort.Strings(found)
	if len(found) == 0 {
		return ruleTrivyDigestMismatch.Fail(fmt.Sprintf("the report names no digest (ArtifactName %q, no RepoDigests); deployed %s", tr.ArtifactName, r.Digest), "Metadata.RepoDigests")
	}
	return ruleTrivyDigestMismatch.Fail(fmt.Sprintf("deployed %s@%s is not the scanned image (report digests: %s)", r.Name, r.Digest, strings.Join(found, ", ")), "Metadata.RepoDigests")
}
