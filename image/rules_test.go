package image

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kubeharden/kubeharden"
)

func TestRulesCatalogue(t *testing.T) {
	refFormat := regexp.MustCompile(`^(hadolint DL\d{4}|Trivy (DS|KSV)-\d{4}|Checkov CKV2?_DOCKER_\d+|BuildKit [A-Za-z]+|kubescape C-\d{4}|Polaris [A-Za-z]+|CKS .+)$`)
	seen := map[string]bool{}
	for _, r := range Rules() {
		assert.False(t, seen[r.ID], "duplicate %s", r.ID)
		seen[r.ID] = true
		assert.True(t, strings.HasPrefix(r.ID, "image/"), r.ID)
		assert.Equal(t, "image", r.Package())
		assert.NotEmpty(t, r.Title, r.ID)
		assert.NotEmpty(t, r.Description, r.ID)
		assert.NotEmpty(t, r.Remediation, r.ID)
		switch r.Kind {
		case kubeharden.KindRisk:
			assert.Negative(t, r.Points, "%s: risks have negative points", r.ID)
		case kubeharden.KindCheck:
			assert.Zero(t, r.Points, r.ID)
		}
		for _, ref := range r.Refs {
			assert.Regexp(t, refFormat, ref, r.ID)
		}
	}
	assert.Len(t, DockerfileRules(), 29)
}

// Every rule ID a scan emits is in the catalogue.
func TestFindingsUseCatalogue(t *testing.T) {
	ids := map[string]bool{}
	for _, r := range Rules() {
		ids[r.ID] = true
	}
	rep, err := ScanDockerfile("Dockerfile", []byte("FROM ubuntu\nRUN sudo apt-get update\nUSER app\n"), DockerfileOptions{})
	assert.NoError(t, err)
	for _, f := range rep.Findings {
		assert.True(t, ids[f.RuleID], f.RuleID)
	}
	for _, f := range (Policy{RequireDigest: true, AllowedRegistries: []string{"x.io"}}).Check("nginx") {
		assert.True(t, ids[f.RuleID], f.RuleID)
	}
}
