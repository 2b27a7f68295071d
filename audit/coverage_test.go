package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustParse(t testing.TB, y string) *Policy {
	t.Helper()
	p, _, err := Parse("p.yaml", []byte(y))
	require.NoError(t, err)
	return p
}

func rowByDesc(t *testing.T, tab CoverageTable, desc string) CoverageRow {
	t.Helper()
	for _, r := range tab.Rows {
		if r.Description == desc {
			return r
		}
	}
	t.Fatalf("no row %q", desc)
	return CoverageRow{}
}

func TestCoverageStatuses(t *testing.T) {
	p := mustParse(t, header+`rules:
- level: None
  resources: [{group: "", resources: [pods/exec]}]
- level: RequestResponse
  resources: [{group: "", resources: [secrets]}]
- level: Request
  resources: [{group: rbac.authorization.k8s.io}]
- level: Metadata
  userGroups: [system:authenticated, system:unauthenticated]
`)
	tab := Coverage(p)
	cases := []struct {
		desc   string
		level  Level
		rule   int
		status Status
	}{
		{"exec into a Pod (POST)", LevelNone, 0, StatusNotLogged},
		{"get a Secret", LevelRequestResponse, 1, StatusTooDetailed},
		{"create a ClusterRoleBinding", LevelRequest, 2, StatusOK},
		{"create a Pod", LevelMetadata, 3, StatusBelowRecommended},
		{"attach to a Pod", LevelMetadata, 3, StatusOK},
		{"failed authentication: GET /api", LevelNone, -1, StatusNotLogged},
		{"anonymous: list Pods", LevelMetadata, 3, StatusOK},
	}
	for _, c := range cases {
		r := rowByDesc(t, tab, c.desc)
		assert.Equal(t, c.level, r.Decision.Level, c.desc)
		assert.Equal(t, c.rule, r.Decision.Rule, c.desc)
		assert.Equal(t, c.status, r.Status, c.desc)
	}
}

func TestCoverageRender(t *testing.T) {
	p := mustParse(t, header+"rules:\n- level: Metadata\n  resources: [{group: '', resources: [pods]}]\n")
	tab := Coverage(p)
	var text bytes.Buffer
	require.NoError(t, tab.WriteText(&text))
	lines := strings.Split(strings.TrimRight(text.String(), "\n"), "\n")
	require.Len(t, lines, len(tab.Rows)+1)
	assert.Regexp(t, `^concern\s+check\s+request\s+level\s+rule\s+expected\s+status$`, lines[0])
	assert.Contains(t, text.String(), "get a Secret [CIS 3.2.2]")
	assert.Contains(t, text.String(), "alice: get secrets db-pass -n default")
	assert.Regexp(t, `create a Pod \[CIS 3\.2\.2\]\s+alice: create pods -n default\s+Metadata\s+rules\[0\]\s+>= Metadata \(Request\)\s+below-recommended`, text.String())
	assert.Regexp(t, `<failed authentication>: get /api\s+None\s+no match`, text.String())

	var md bytes.Buffer
	require.NoError(t, tab.WriteMarkdown(&md))
	mdLines := strings.Split(strings.TrimRight(md.String(), "\n"), "\n")
	require.Len(t, mdLines, len(tab.Rows)+2)
	assert.Equal(t, "| concern | check | request | level | rule | expected | status |", mdLines[0])
	assert.Equal(t, "| --- | --- | --- | --- | --- | --- | --- |", mdLines[1])
	assert.Contains(t, md.String(), "| secrets | get a Secret [CIS 3.2.2] | alice: get secrets db-pass -n default | None | no match | Metadata exactly | not-logged |")
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestCoverageWriteError(t *testing.T) {
	tab := Coverage(nil)
	assert.Error(t, tab.WriteText(failWriter{}))
	assert.Error(t, tab.WriteMarkdown(failWriter{}))
}

func TestRequestString(t *testing.T) {
	assert.Equal(t, "alice: create deployments.apps/scale web -n prod",
		resReq(newAlice(), "create", "apps", "deployments", "scale", "prod", "web").String())
	assert.Equal(t, "<failed authentication>: get /healthz", Request{Verb: "get", Path: "/healthz"}.String())
}

func TestLevelsAndStages(t *testing.T) {
	assert.Equal(t, []int{0, 1, 2, 3, -1}, []int{LevelNone.Rank(), LevelMetadata.Rank(), LevelRequest.Rank(), LevelRequestResponse.Rank(), Level("metadata").Rank()})
	s := StageSetOf(StagePanic, StageRequestReceived, "Bogus")
	assert.Equal(t, []Stage{StageRequestReceived, StagePanic}, s.List())
	assert.Equal(t, "RequestReceived,Panic", s.String())
	assert.Equal(t, "-", StageSet(0).String())
	assert.False(t, s.Has("Bogus"))
	assert.True(t, s.Has(StagePanic))
	b, err := json.Marshal(Decision{Level: LevelMetadata, OmitStages: s, Rule: 2})
	require.NoError(t, err)
	assert.JSONEq(t, `{"Level":"Metadata","OmitStages":["RequestReceived","Panic"],"OmitManagedFields":false,"Rule":2}`, string(b))
	b, err = json.Marshal(StageSet(0))
	require.NoError(t, err)
	assert.Equal(t, "[]", string(b))
}
