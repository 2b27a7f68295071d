package kubeharden

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSeverity(t *testing.T) {
	tests := []struct {
		in      string
		want    Severity
		wantErr bool
	}{
		{"info", SeverityInfo, false},
		{"LOW", SeverityLow, false},
		{" medium ", SeverityMedium, false},
		{"warning", SeverityMedium, false},
		{"High", SeverityHigh, false},
		{"critical", SeverityCritical, false},
		{"severe", SeverityInfo, true},
		{"", SeverityInfo, true},
	}
	for _, tt := range tests {
		got, err := ParseSeverity(tt.in)
		if tt.wantErr {
			assert.ErrorIs(t, err, ErrUnknownSeverity, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
		// Round trip through text.
		var back Severity
		require.NoError(t, back.UnmarshalText([]byte(got.String())))
		assert.Equal(t, got, back)
	}
}

func TestSeverityLevels(t *testing.T) {
	assert.Equal(t, "error", SeverityCritical.SARIFLevel())
	assert.Equal(t, "error", SeverityHigh.SARIFLevel())
	assert.Equal(t, "warning", SeverityMedium.SARIFLevel())
	assert.Equal(t, "warning", SeverityLow.SARIFLevel())
	assert.Equal(t, "note", SeverityInfo.SARIFLevel())
	assert.Equal(t, "severity(9)", Severity(9).String())
}

func TestScoreFollowsKubesec(t *testing.T) {
	priv := Rule{ID: "manifest/Privileged", Kind: KindRisk, Severity: SeverityCritical, Points: -30}
	ro := Rule{ID: "manifest/ReadOnlyRootFilesystem", Kind: KindHardening, Severity: SeverityLow, Points: 1}
	limits := Rule{ID: "manifest/LimitsCPU", Kind: KindHardening, Severity: SeverityLow, Points: 1}
	check := Rule{ID: "kubelet/AnonymousAuth", Kind: KindCheck, Severity: SeverityHigh}

	r := Report{Object: "Pod/x.default", Findings: []Finding{
		priv.Fail("container \"a\" runs privileged", "spec.containers[0].securityContext.privileged"),
		ro.Pass("read-only root", "spec.containers[0].securityContext.readOnlyRootFilesystem"),
		limits.Fail("no cpu limit", "spec.containers[0].resources.limits.cpu"),
		check.Fail("anonymous auth enabled", "--anonymous-auth"),
	}}
	assert.Equal(t, -29, r.ComputeScore())
	assert.Len(t, r.Critical(), 2, "the fired risk and the high-severity check")
	assert.Len(t, r.Advise(), 1)
	assert.Equal(t, "manifest/LimitsCPU", r.Advise()[0].RuleID)
	assert.Len(t, r.Passed(), 1)

	// A suppressed risk neither counts nor fails.
	r.Findings[0].Suppressed = true
	assert.Equal(t, 1, r.ComputeScore())
	assert.Len(t, r.Critical(), 1)
}

func TestPolicyViolations(t *testing.T) {
	high := SeverityHigh
	min := 0
	rule := Rule{ID: "x/Y", Severity: SeverityCritical, Points: -10}
	bad := Report{Object: "Pod/a", Findings: []Finding{rule.Fail("bad", "p")}}
	bad.ComputeScore()
	good := Report{Object: "Pod/b", Findings: []Finding{rule.Pass("fine", "p")}}
	good.ComputeScore()

	p := Policy{FailOn: &high, MinScore: &min}
	assert.Len(t, p.Violations(&bad), 2)
	assert.Empty(t, p.Violations(&good))
	assert.Empty(t, Policy{}.Violations(&bad), "the zero policy fails on nothing")
}

func TestInputError(t *testing.T) {
	e := &InputError{Source: "a.yaml", Document: 2, Line: 7, Err: fs.ErrNotExist}
	assert.Equal(t, "a.yaml: document 2: line 7: file does not exist", e.Error())
	assert.True(t, errors.Is(e, fs.ErrNotExist))
	whole := &InputError{Source: "b", Document: -1, Err: errors.New("too big")}
	assert.Equal(t, "b: too big", whole.Error())
}

func TestSortFindings(t *testing.T) {
	fs := []Finding{
		{RuleID: "b", Severity: SeverityLow},
		{RuleID: "a", Severity: SeverityLow, Passed: true},
		{RuleID: "c", Severity: SeverityCritical},
		{RuleID: "a", Severity: SeverityLow},
	}
	SortFindings(fs)
	got := []string{}
	for _, f := range fs {
		got = append(got, f.RuleID)
	}
	assert.Equal(t, []string{"c", "a", "b", "a"}, got)
	assert.True(t, fs[3].Passed)
}

func TestPositionString(t *testing.T) {
	assert.Equal(t, "a.yaml:3:5", Position{File: "a.yaml", Line: 3, Column: 5}.String())
	assert.Equal(t, "a.yaml", Position{File: "a.yaml"}.String())
	assert.False(t, Position{}.IsValid())
}

func TestFindingRefsAreCopies(t *testing.T) {
	r := Rule{ID: "x/Y", Refs: []string{"CIS 1.2.3"}}
	f := r.Fail("m", "p")
	f.Refs[0] = "changed"
	assert.Equal(t, "CIS 1.2.3", r.Refs[0])
}
