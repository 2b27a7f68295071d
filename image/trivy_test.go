package image

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden"
)

const trivySample = `{
  "SchemaVersion": 2,
  "CreatedAt": "2026-11-20T10:00:00Z",
  "ArtifactName": "registry.example/app:1.0",
  "ArtifactType": "container_image",
  "Metadata": {
    "OS": {"Family": "debian", "Name": "12.7"},
    "ImageID": "sha256:1111111111111111111111111111111111111111111111111111111111111111",
    "RepoTags": ["registry.example/app:1.0"],
    "RepoDigests": ["registry.example/app@` + testDigest + `"],
    "SomethingNew": {"x": 1}
  },
  "Results": [
    {"Target": "registry.example/app:1.0 (debian 12.7)", "Class": "os-pkgs", "Type": "debian",
     "Vulnerabilities": [
      {"VulnerabilityID": "CVE-2024-0001", "PkgName": "openssl", "InstalledVersion": "3.0.1", "FixedVersion": "3.0.2", "Status": "fixed", "Severity": "CRITICAL", "Title": "bad"},
      {"VulnerabilityID": "CVE-2024-0002", "PkgName": "zlib", "InstalledVersion": "1.2", "Status": "affected", "Severity": "CRITICAL"},
      {"VulnerabilityID": "CVE-2024-0003", "PkgName": "curl", "InstalledVersion": "8.0", "FixedVersion": "8.1", "Status": "fixed", "Severity": "HIGH"},
      {"VulnerabilityID": "CVE-2024-0004", "PkgName": "glibc", "InstalledVersion": "2.36", "Status": "will_not_fix", "Severity": "CRITICAL"},
      {"VulnerabilityID": "CVE-2024-0001", "PkgName": "openssl", "InstalledVersion": "3.0.1", "FixedVersion": "3.0.2", "Status": "fixed", "Severity": "CRITICAL"}
     ]},
    {"Target": "app/go.mod", "Class": "lang-pkgs", "Type": "gomod",
     "Vulnerabilities": [
      {"VulnerabilityID": "GHSA-xxxx", "PkgName": "golang.org/x/net", "InstalledVersion": "0.1.0", "FixedVersion": "0.2.0", "Severity": "MEDIUM"},
      {"VulnerabilityID": "CVE-2024-0005", "PkgName": "old", "InstalledVersion": "1", "Severity": ""}
     ]}
  ]
}`

func sevPtr(s kubeharden.Severity) *kubeharden.Severity { return &s }

func failedVulns(r kubeharden.Report) []string {
	var out []string
	for _, f := range r.Failed() {
		if f.RuleID == ruleVulnerability.ID {
			out = append(out, f.Refs[0])
		}
	}
	return out
}

var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func TestGateTrivyVerifiedExample(t *testing.T) {
	// image.md §4.2: "no CRITICAL, ignore unfixed" gives 1 violation,
	// without ignore-unfixed 3.
	rep, err := GateTrivy("trivy.json", []byte(trivySample), TrivyPolicy{FailOn: sevPtr(kubeharden.SeverityCritical), IgnoreUnfixed: true}, now)
	require.NoError(t, err)
	assert.Equal(t, []string{"CVE-2024-0001"}, failedVulns(rep))
	rep, err = GateTrivy("trivy.json", []byte(trivySample), TrivyPolicy{FailOn: sevPtr(kubeharden.SeverityCritical)}, now)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"CVE-2024-0001", "CVE-2024-0002", "CVE-2024-0004"}, failedVulns(rep))
	assert.Equal(t, "TrivyReport/registry.example/app:1.0", rep.Object)
}

func TestGateTrivyPolicies(t *testing.T) {
	tests := []struct {
		name   string
		policy TrivyPolicy
		want   []string
	}{
		{"default high", TrivyPolicy{}, []string{"CVE-2024-0001", "CVE-2024-0002", "CVE-2024-0003", "CVE-2024-0004"}},
		{"medium", TrivyPolicy{FailOn: sevPtr(kubeharden.SeverityMedium)}, []string{"CVE-2024-0001", "CVE-2024-0002", "CVE-2024-0003", "CVE-2024-0004", "GHSA-xxxx"}},
		{"unknown", TrivyPolicy{FailOn: sevPtr(kubeharden.SeverityCritical), FailOnUnknown: true}, []string{"CVE-2024-0001", "CVE-2024-0002", "CVE-2024-0004", "CVE-2024-0005"}},
		{"ignore unfixed falls back to FixedVersion", TrivyPolicy{FailOn: sevPtr(kubeharden.SeverityLow), IgnoreUnfixed: true}, []string{"CVE-2024-0001", "CVE-2024-0003", "GHSA-xxxx"}},
		{"allow-list", TrivyPolicy{Allow: []AllowedVulnerability{{ID: "cve-2024-0001", Expires: now.Add(time.Hour), Reason: "patched in runtime"}, {ID: "CVE-2024-0002"}}},
			[]string{"CVE-2024-0003", "CVE-2024-0004"}},
		{"allow-list other package", TrivyPolicy{Allow: []AllowedVulnerability{{ID: "CVE-2024-0001", Package: "libssl"}}},
			[]string{"CVE-2024-0001", "CVE-2024-0002", "CVE-2024-0003", "CVE-2024-0004"}},
		{"ignore packages", TrivyPolicy{IgnorePackages: []string{"glibc", "zlib"}}, []string{"CVE-2024-0001", "CVE-2024-0003"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := GateTrivy("trivy.json", []byte(trivySample), tt.policy, now)
			require.NoError(t, err)
			assert.ElementsMatch(t, tt.want, failedVulns(rep))
			// Every distinct vulnerability is reported (the duplicate once).
			n := 0
			for _, f := range rep.Findings {
				if f.RuleID == ruleVulnerability.ID {
					n++
				}
			}
			assert.Equal(t, 6, n)
		})
	}
}

func TestGateTrivyAllowlistExpiry(t *testing.T) {
	p := TrivyPolicy{Allow: []AllowedVulnerability{{ID: "CVE-2024-0001", Expires: now}}}
	rep, err := GateTrivy("t", []byte(trivySample), p, now)
	require.NoError(t, err)
	assert.Contains(t, failedVulns(rep), "CVE-2024-0001", "an exception expiring now no longer applies")
	var expired []kubeharden.Finding
	for _, f := range rep.Failed() {
		if f.RuleID == ruleTrivyAllowlistExpired.ID {
			expired = append(expired, f)
		}
	}
	require.Len(t, expired, 1)

	rep, err = GateTrivy("t", []byte(trivySample), p, now.Add(-time.Second))
	require.NoError(t, err)
	assert.NotContains(t, failedVulns(rep), "CVE-2024-0001")
	for _, f := range rep.Findings {
		if f.RuleID == ruleVulnerability.ID && f.Refs[0] == "CVE-2024-0001" {
			assert.True(t, f.Suppressed)
			assert.Contains(t, f.SuppressReason, "allow-listed until 2026-11-25T12:00:00Z")
		}
		if f.RuleID == ruleTrivyAllowlistExpired.ID {
			assert.True(t, f.Passed)
		}
	}
}

func TestGateTrivyDigestEOSLAge(t *testing.T) {
	other := "sha256:" + strings.Repeat("b", 64)
	tests := []struct {
		name   string
		policy TrivyPolicy
		data   string
		rule   kubeharden.Rule
		fail   bool
	}{
		{"digest match", TrivyPolicy{Image: "registry.example/app:1.0@" + testDigest}, trivySample, ruleTrivyDigestMismatch, false},
		{"digest via mirror name", TrivyPolicy{Image: "mirror.example/app@" + testDigest}, trivySample, ruleTrivyDigestMismatch, false},
		{"digest differs", TrivyPolicy{Image: "registry.example/app@" + other}, trivySample, ruleTrivyDigestMismatch, true},
		{"deployed by tag", TrivyPolicy{Image: "registry.example/app:1.0"}, trivySample, ruleTrivyDigestMismatch, true},
		{"no digests in report", TrivyPolicy{Image: "registry.example/app@" + testDigest}, strings.Replace(trivySample, `"RepoDigests": ["registry.example/app@`+testDigest+`"],`, "", 1), ruleTrivyDigestMismatch, true},
		{"artifact name digest", TrivyPolicy{Image: "x.example/app@" + other}, strings.Replace(trivySample, `"ArtifactName": "registry.example/app:1.0"`, `"ArtifactName": "registry.example/app@`+other+`"`, 1), ruleTrivyDigestMismatch, false},
		{"eosl", TrivyPolicy{}, strings.Replace(trivySample, `"Name": "12.7"}`, `"Name": "9", "EOSL": true}`, 1), ruleTrivyOSEndOfLife, true},
		{"eosl allowed", TrivyPolicy{AllowEOSL: true}, strings.Replace(trivySample, `"Name": "12.7"}`, `"Name": "9", "EOSL": true}`, 1), ruleTrivyOSEndOfLife, false},
		{"supported os", TrivyPolicy{}, trivySample, ruleTrivyOSEndOfLife, false},
		{"fresh", TrivyPolicy{MaxAge: 7 * 24 * time.Hour}, trivySample, ruleTrivyReportStale, false},
		{"stale", TrivyPolicy{MaxAge: 24 * time.Hour}, trivySample, ruleTrivyReportStale, true},
		{"no CreatedAt", TrivyPolicy{MaxAge: 24 * time.Hour}, strings.Replace(trivySample, `"CreatedAt": "2026-11-20T10:00:00Z",`, "", 1), ruleTrivyReportStale, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := GateTrivy("t", []byte(tt.data), tt.policy, now)
			require.NoError(t, err)
			var got []kubeharden.Finding
			for _, f := range rep.Findings {
				if f.RuleID == tt.rule.ID {
					got = append(got, f)
				}
			}
			require.Len(t, got, 1)
			assert.Equal(t, !tt.fail, got[0].Passed, got[0].Message)
		})
	}
}

func TestGateTrivyErrors(t *testing.T) {
	tests := []struct {
		data string
		want error
		msg  string
	}{
		{`{"SchemaVersion": 1}`, ErrTrivySchema, "SchemaVersion 1"},
		{`{}`, ErrTrivySchema, "SchemaVersion 0"},
		{"{\n\"SchemaVersion\": 2,\n\"Results\": [\n}", ErrTrivyReport, "line 4"},
		{`{"SchemaVersion": "2"}`, ErrTrivyReport, "line 1"},
		{`[]`, ErrTrivyReport, ""},
		{"", ErrTrivyReport, ""},
	}
	for _, tt := range tests {
		rep, err := GateTrivy("trivy.json", []byte(tt.data), TrivyPolicy{}, now)
		require.Error(t, err, tt.data)
		assert.ErrorIs(t, err, tt.want, tt.data)
		assert.Contains(t, err.Error(), tt.msg)
		assert.Contains(t, err.Error(), "trivy.json")
		assert.Len(t, rep.Errors, 1)
	}
	_, err := ParseTrivy(make([]byte, MaxTrivyReportBytes+1))
	assert.ErrorIs(t, err, ErrTrivyTooLarge)
}

func TestGateTrivyScoreAndFix(t *testing.T) {
	rep, err := GateTrivy("t", []byte(trivySample), TrivyPolicy{FailOn: sevPtr(kubeharden.SeverityCritical), IgnoreUnfixed: true}, now)
	require.NoError(t, err)
	assert.Equal(t, -10, rep.Score, "only the gating CRITICAL counts")
	f := rep.Failed()[0]
	assert.Equal(t, "upgrade openssl from 3.0.1 to 3.0.2", f.Fix)
	assert.Equal(t, kubeharden.SeverityCritical, f.Severity)
	assert.Equal(t, fmt.Sprintf("%s %s", "registry.example/app:1.0 (debian 12.7)", "openssl"), f.Path)
}

func TestAllowedVulnerabilityJSON(t *testing.T) {
	var p TrivyPolicy
	err := json.Unmarshal([]byte(`{"ignoreUnfixed": true, "allow": [
	  {"id": "CVE-2024-1", "expires": "2026-12-31", "reason": "not reachable"},
	  {"id": "CVE-2024-2", "expires": "2026-12-31T12:00:00+01:00", "package": "openssl"},
	  {"id": "CVE-2024-3"}]}`), &p)
	require.NoError(t, err)
	assert.True(t, p.IgnoreUnfixed)
	assert.Equal(t, []AllowedVulnerability{
		{ID: "CVE-2024-1", Expires: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), Reason: "not reachable"},
		{ID: "CVE-2024-2", Package: "openssl", Expires: time.Date(2026, 12, 31, 11, 0, 0, 0, time.UTC)},
		{ID: "CVE-2024-3"},
	}, normalise(p.Allow))
	err = json.Unmarshal([]byte(`{"allow": [{"id": "X", "expires": "next week"}]}`), &p)
	assert.ErrorContains(t, err, "next week")
}

func normalise(in []AllowedVulnerability) []AllowedVulnerability {
	for i := range in {
		if !in[i].Expires.IsZero() {
			in[i].Expires = in[i].Expires.UTC()
		}
	}
	return in
}

func TestGateTrivyCleanPasses(t *testing.T) {
	rep, err := GateTrivy("t", []byte(`{"SchemaVersion": 2, "Results": [{"Target": "x", "Vulnerabilities": [
	  {"VulnerabilityID": "CVE-1", "PkgName": "a", "Severity": "LOW"}]}]}`), TrivyPolicy{}, now)
	require.NoError(t, err)
	assert.Empty(t, rep.Failed())
	var passed []string
	for _, f := range rep.Passed() {
		passed = append(passed, f.RuleID)
	}
	assert.Equal(t, []string{"image/Vulnerability"}, passed)
	assert.Equal(t, 0, rep.Score)
}
