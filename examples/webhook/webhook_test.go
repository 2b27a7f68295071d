package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/manifest"
)

func quietLog() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

// defaultPolicy is the policy the flags give when none is set.
func defaultPolicy(t testing.TB) policy {
	t.Helper()
	cfg, err := parseArgs([]string{"--tls-cert-file", "c", "--tls-key-file", "k"}, io.Discard)
	require.NoError(t, err)
	return cfg.pol
}

func readReview(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// post sends body to the handler and decodes the response review.
func post(t *testing.T, h http.Handler, body []byte) (*httptest.ResponseRecorder, *admissionv1.AdmissionReview) {
	t.Helper()
	req := httptest.NewRequest("POST", "/validate", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		return rec, nil
	}
	var out admissionv1.AdmissionReview
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out), rec.Body.String())
	return rec, &out
}

// want describes the expected answer to a review.
type want struct {
	allowed  bool
	code     int32    // status code when denied
	message  []string // substrings of the status message
	warnings []string // prefixes that some warning must have
	noWarn   bool
}

func checkResponse(t *testing.T, in []byte, out *admissionv1.AdmissionReview, w want) {
	t.Helper()
	var req admissionv1.AdmissionReview
	require.NoError(t, json.Unmarshal(in, &req))
	require.NotNil(t, out.Response)
	assert.Equal(t, "admission.k8s.io/v1", out.APIVersion)
	assert.Equal(t, "AdmissionReview", out.Kind)
	assert.Nil(t, out.Request, "the response carries no request")
	assert.Equal(t, req.Request.UID, out.Response.UID, "uid copied verbatim")
	assert.Equal(t, w.allowed, out.Response.Allowed)
	if !w.allowed {
		require.NotNil(t, out.Response.Result)
		assert.Equal(t, w.code, out.Response.Result.Code)
		for _, m := range w.message {
			assert.Contains(t, out.Response.Result.Message, m)
		}
		assert.LessOrEqual(t, len(out.Response.Result.Message), maxMessageLen)
	} else {
		assert.Nil(t, out.Response.Result)
	}
	total := 0
	for _, s := range out.Response.Warnings {
		assert.LessOrEqual(t, len(s), maxWarningLen, s)
		assert.NotContains(t, s, "\n")
		assert.False(t, strings.HasPrefix(s, "Warning:"), s)
		total += len(s)
	}
	assert.LessOrEqual(t, total, maxWarningsTotal)
	if w.noWarn {
		assert.Empty(t, out.Response.Warnings)
	}
	for _, p := range w.warnings {
		found := false
		for _, s := range out.Response.Warnings {
			found = found || strings.HasPrefix(s, p)
		}
		assert.True(t, found, "no warning starts with %q in %q", p, out.Response.Warnings)
	}
}

// reviewCases are the captured-shape reviews in testdata and what the
// default policy (deny critical findings, warn from medium) answers.
var reviewCases = []struct {
	file string
	want want
}{
	{"pod-create-privileged.json", want{code: 403, message: []string{"kubeharden denied Pod/debug.default", "privileged"},
		warnings: []string{"spec.containers[0].securityContext.privileged: "}}},
	{"pod-create-hardened.json", want{allowed: true, noWarn: true}},
	// Dry-run requests are judged exactly like real ones.
	{"pod-create-dryrun.json", want{code: 403, warnings: []string{"spec.containers[0].securityContext.privileged: "}}},
	// hostNetwork is high, not critical: allowed with a warning.
	{"deployment-update.json", want{allowed: true, warnings: []string{"spec.template.spec.hostNetwork: "}}},
	// DELETE is allowed without analysis, even of a privileged oldObject.
	{"pod-delete.json", want{allowed: true, noWarn: true}},
	// Status updates do not change the pod template.
	{"deployment-status.json", want{allowed: true, noWarn: true}},
	// RBAC: binding system:anonymous is critical.
	{"rolebinding-create.json", want{code: 403, message: []string{"RoleBinding/anyone.shop", "system:anonymous"}, warnings: []string{"subjects[0]"}}},
	// Kinds kubeharden does not analyse are allowed.
	{"service-create.json", want{allowed: true, noWarn: true}},
	// kubectl debug adds an ephemeral container through a subresource.
	{"pod-ephemeralcontainers.json", want{code: 403, warnings: []string{"spec.ephemeralContainers[0].securityContext.privileged: "}}},
}

// TestReviews runs every captured review through the handler.
func TestReviews(t *testing.T) {
	h := newHandler(defaultPolicy(t), 7<<20, quietLog())
	for _, tc := range reviewCases {
		t.Run(tc.file, func(t *testing.T) {
			in := readReview(t, tc.file)
			rec, out := post(t, h, in)
			require.Equal(t, 200, rec.Code, rec.Body.String())
			assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
			checkResponse(t, in, out, tc.want)
		})
	}
}

// objectReview wraps a Pod (JSON) in a CREATE review.
func objectReview(obj string) []byte {
	return fmt.Appendf(nil, `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1",`+
		`"kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},`+
		`"name":"p","namespace":"ns","operation":"CREATE","userInfo":{"username":"alice"},"object":%s,"oldObject":null,"dryRun":false}}`, obj)
}

const plainPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"ns"},"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}`

// TestPolicy covers each policy knob with an object that passes and one
// that fails it.
func TestPolicy(t *testing.T) {
	hostNetworkIDs := []string{"HostNetwork"} // kubesec's id
	for _, r := range manifest.Rules() {
		if manifest.KubesecID(kubeharden.Finding{Refs: r.Refs}) == "HostNetwork" {
			hostNetworkIDs = append(hostNetworkIDs, r.ID) // and kubeharden's
		}
	}
	require.Len(t, hostNetworkIDs, 2)
	hostNet := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"hostNetwork":true,"containers":[{"name":"app","image":"nginx:1.27"}]}}`
	hardened := readReview(t, "pod-create-hardened.json")
	minScore := func(v int) *int { return &v }
	off := func(p policy) policy { p.failOn = nil; return p }
	tests := []struct {
		name string
		pol  func(policy) policy
		in   []byte
		want want
	}{
		{"min score met", func(p policy) policy { p.minScore = minScore(10); return p }, hardened, want{allowed: true}},
		{"min score missed", func(p policy) policy { p.minScore = minScore(100); return p }, hardened,
			want{code: 403, message: []string{"is below the minimum 100"}}},
		{"plain pod scores below 0", func(p policy) policy { p.minScore = minScore(0); return p }, objectReview(plainPod),
			want{code: 403, message: []string{"is below the minimum 0"}}},
		{"fail-on off allows privileged", off, readReview(t, "pod-create-privileged.json"),
			want{allowed: true, warnings: []string{"spec.containers[0].securityContext.privileged: "}}},
		{"fail-on high denies hostNetwork", func(p policy) policy { h := kubeharden.SeverityHigh; p.failOn = &h; return p },
			objectReview(hostNet), want{code: 403, message: []string{"(high)"}}},
		{"forbid by kubesec id", func(p policy) policy { p.forbid = hostNetworkIDs[:1]; return p }, objectReview(hostNet),
			want{code: 403, message: []string{"(forbidden)"}}},
		{"forbid by kubeharden id", func(p policy) policy { p.forbid = hostNetworkIDs[1:]; return p }, objectReview(hostNet),
			want{code: 403, message: []string{hostNetworkIDs[1] + " (forbidden)"}}},
		{"forbidden rule that passes", func(p policy) policy { p.forbid = hostNetworkIDs; return p }, hardened, want{allowed: true}},
		{"warn-on critical keeps medium quiet", func(p policy) policy { p.warnOn = kubeharden.SeverityCritical; return p },
			objectReview(hostNet), want{allowed: true, noWarn: true}},
		{"warn-on low shows hardening advice", func(p policy) policy { p.warnOn = kubeharden.SeverityLow; return p },
			objectReview(plainPod), want{allowed: true, warnings: []string{"spec.containers[0].resources.limits.cpu: "}}},
		// The API server drops a case-variant key: the pod is not
		// privileged, so it is allowed, and the key is reported.
		{"case-variant key is a warning, not a privileged pod", func(p policy) policy { return p },
			objectReview(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"app","image":"nginx:1.27","securityContext":{"Privileged":true}}]}}`),
			want{allowed: true, warnings: []string{"spec.containers[0].securityContext.Privileged: "}}},
		{"unknown field is a warning even under warn-on critical", func(p policy) policy { p.warnOn = kubeharden.SeverityCritical; return p },
			objectReview(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"app","image":"nginx:1.27","securityContext":{"privilegd":true}}]}}`),
			want{allowed: true, warnings: []string{"spec.containers[0].securityContext.privilegd: "}}},
		{"undecodable object fails closed", func(p policy) policy { return p },
			objectReview(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":7}}`),
			want{code: 500, message: []string{"could not analyse", "spec.containers"}}},
		{"undecodable object with fail-open", func(p policy) policy { p.failOpen = true; return p },
			objectReview(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":7}}`),
			want{allowed: true, warnings: []string{"kubeharden could not analyse the object: "}}},
		{"object without kind fails closed", func(p policy) policy { return p }, objectReview(`{"metadata":{"name":"p"}}`),
			want{code: 500}},
		{"null object is allowed", func(p policy) policy { return p }, objectReview(`null`), want{allowed: true, noWarn: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHandler(tc.pol(defaultPolicy(t)), 7<<20, quietLog())
			rec, out := post(t, h, tc.in)
			require.Equal(t, 200, rec.Code, rec.Body.String())
			checkResponse(t, tc.in, out, tc.want)
		})
	}
}

// TestWarningLimits builds a pod with many failing containers: warnings
// stay within the count, per-warning and total limits and say how many
// were left out.
func TestWarningLimits(t *testing.T) {
	var cs []string
	for i := range 60 {
		cs = append(cs, fmt.Sprintf(`{"name":"container-with-a-rather-long-name-%02d","image":"nginx:1.27","securityContext":{"privileged":true,"allowPrivilegeEscalation":true}}`, i))
	}
	in := objectReview(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[` + strings.Join(cs, ",") + `]}}`)
	pol := defaultPolicy(t)
	h := newHandler(pol, 7<<20, quietLog())
	rec, out := post(t, h, in)
	require.Equal(t, 200, rec.Code)
	checkResponse(t, in, out, want{code: 403})
	ws := out.Response.Warnings
	require.Len(t, ws, pol.maxWarnings+1)
	assert.Regexp(t, `^kubeharden: \d+ more findings not shown$`, ws[len(ws)-1])
	assert.LessOrEqual(t, len(out.Response.Result.Message), maxMessageLen)
	assert.Contains(t, out.Response.Result.Message, "more")
}

// TestBadRequests covers the HTTP-level refusals.
func TestBadRequests(t *testing.T) {
	h := newHandler(defaultPolicy(t), 64<<10, quietLog())
	good := readReview(t, "pod-create-hardened.json")
	tests := []struct {
		name, method, path, ctype string
		body                      []byte
		status                    int
	}{
		{"GET", "GET", "/validate", "application/json", nil, 405},
		{"text body", "POST", "/validate", "text/plain", good, 415},
		{"no content type", "POST", "/validate", "", good, 415},
		{"json with charset", "POST", "/validate", "application/json; charset=utf-8", good, 200},
		{"root path", "POST", "/", "application/json", good, 200},
		{"unknown path", "POST", "/mutate", "application/json", good, 404},
		{"too large", "POST", "/validate", "application/json", bytes.Repeat([]byte(" "), 70<<10), 413},
		{"not JSON", "POST", "/validate", "application/json", []byte("kind: AdmissionReview\n"), 400},
		{"v1beta1", "POST", "/validate", "application/json",
			bytes.Replace(good, []byte(`"admission.k8s.io/v1"`), []byte(`"admission.k8s.io/v1beta1"`), 1), 400},
		{"no request", "POST", "/validate", "application/json", []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`), 400},
		// The decoder is case-sensitive, like the API server: "Request" is
		// not "request".
		{"case-variant request key", "POST", "/validate", "application/json",
			[]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","Request":{"uid":"x","operation":"CREATE"}}`), 400},
		{"empty uid", "POST", "/validate", "application/json", []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":""}}`), 400},
		{"healthz", "GET", "/healthz", "", nil, 200},
		{"readyz", "GET", "/readyz", "", nil, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, bytes.NewReader(tc.body))
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			assert.Equal(t, tc.status, rec.Code, rec.Body.String())
		})
	}
}

// TestClip checks the length and character rules of warnings.
func TestClip(t *testing.T) {
	tests := []struct{ in, want string }{
		{"short", "short"},
		{strings.Repeat("a", 120), strings.Repeat("a", 120)},
		{strings.Repeat("a", 121), strings.Repeat("a", 117) + "..."},
		{"line\nbreak\ttab", "line break tab"},
		{strings.Repeat("a", 116) + "日本", strings.Repeat("a", 116) + "..."}, // 122 bytes, cut before the rune
		{"bad \xff byte", "bad ? byte"},
	}
	for _, tc := range tests {
		got := clip(tc.in, maxWarningLen)
		assert.Equal(t, tc.want, got)
		assert.LessOrEqual(t, len(got), maxWarningLen)
	}
}

// TestHelp checks that --help documents the flags and that the TLS files
// are required.
func TestHelp(t *testing.T) {
	var out bytes.Buffer
	_, err := parseArgs([]string{"--help"}, &out)
	require.ErrorIs(t, err, flag.ErrHelp)
	for _, f := range []string{"-tls-cert-file", "-tls-key-file", "-min-score", "-fail-on", "-forbid", "-warn-on",
		"-fail-open", "-max-body", "DELETE", "RoleBinding"} {
		assert.Contains(t, out.String(), f)
	}
	_, err = parseArgs(nil, io.Discard)
	assert.ErrorContains(t, err, "--tls-cert-file and --tls-key-file are required")
	_, err = parseArgs([]string{"--tls-cert-file", "c", "--tls-key-file", "k", "--fail-on", "severe"}, io.Discard)
	assert.Error(t, err)
	cfg, err := parseArgs([]string{"--tls-cert-file", "c", "--tls-key-file", "k", "--fail-on", "off", "--forbid", "HostPID, manifest/HostIPC", "--min-score", "-5"}, io.Discard)
	require.NoError(t, err)
	assert.Nil(t, cfg.pol.failOn)
	assert.Equal(t, []string{"HostPID", "manifest/HostIPC"}, cfg.pol.forbid)
	assert.Equal(t, -5, *cfg.pol.minScore)
	assert.False(t, cfg.pol.failOpen, "--fail-open is off by default")
}

// privilegedSpec is a pod spec with a privileged container.
const privilegedSpec = `{"containers":[{"name":"app","image":"nginx:1.27","securityContext":{"privileged":true}}]}`

// kindObjects holds, for each kind the manifest package analyses, an object
// that must be denied under the default policy.
var kindObjects = map[string]string{
	"Pod":                   `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"o"},"spec":` + privilegedSpec + `}`,
	"Deployment":            `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"o"},"spec":{"selector":{},"template":{"spec":` + privilegedSpec + `}}}`,
	"StatefulSet":           `{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"o"},"spec":{"selector":{},"template":{"spec":` + privilegedSpec + `}}}`,
	"DaemonSet":             `{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"o"},"spec":{"selector":{},"template":{"spec":` + privilegedSpec + `}}}`,
	"ReplicaSet":            `{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"o"},"spec":{"selector":{},"template":{"spec":` + privilegedSpec + `}}}`,
	"Job":                   `{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"o"},"spec":{"template":{"spec":` + privilegedSpec + `}}}`,
	"CronJob":               `{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"o"},"spec":{"schedule":"@daily","jobTemplate":{"spec":{"template":{"spec":` + privilegedSpec + `}}}}}`,
	"ReplicationController": `{"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"o"},"spec":{"template":{"spec":` + privilegedSpec + `}}}`,
	"PodTemplate":           `{"apiVersion":"v1","kind":"PodTemplate","metadata":{"name":"o"},"template":{"spec":` + privilegedSpec + `}}`,
	"Rollout":               `{"apiVersion":"argoproj.io/v1alpha1","kind":"Rollout","metadata":{"name":"o"},"spec":{"template":{"spec":` + privilegedSpec + `}}}`,
	"DeploymentConfig":      `{"apiVersion":"apps.openshift.io/v1","kind":"DeploymentConfig","metadata":{"name":"o"},"spec":{"template":{"spec":` + privilegedSpec + `}}}`,
	"RoleBinding":           `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"o","namespace":"ns"},"subjects":[{"kind":"User","name":"system:anonymous"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"}}`,
	"ClusterRoleBinding":    `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"o"},"subjects":[{"kind":"Group","name":"system:masters"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"}}`,
}

// TestEveryKind sends an object of every kind manifest.Kinds() lists: the
// known dangerous ones are denied; kinds added to the manifest package
// after this test was written must at least be answered without an
// internal error.
func TestEveryKind(t *testing.T) {
	h := newHandler(defaultPolicy(t), 7<<20, quietLog())
	for _, kind := range manifest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			obj, ok := kindObjects[kind]
			if !ok {
				obj = `{"apiVersion":"v1","kind":"` + kind + `","metadata":{"name":"o"}}`
			}
			in := objectReview(obj)
			rec, out := post(t, h, in)
			require.Equal(t, 200, rec.Code)
			require.NotNil(t, out.Response)
			if !ok {
				if out.Response.Result != nil {
					assert.NotEqual(t, int32(500), out.Response.Result.Code, out.Response.Result.Message)
				}
				return
			}
			checkResponse(t, in, out, want{code: 403})
		})
	}
}

// TestReviewLog checks the structured log line of a review.
func TestReviewLog(t *testing.T) {
	var buf bytes.Buffer
	h := newHandler(defaultPolicy(t), 7<<20, slog.New(slog.NewJSONHandler(&buf, nil)))
	rec, _ := post(t, h, readReview(t, "pod-create-dryrun.json"))
	require.Equal(t, 200, rec.Code)
	var line map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &line), buf.String())
	assert.Equal(t, "review", line["msg"])
	assert.Equal(t, "c0ffee00-1111-4222-8333-444455556666", line["uid"])
	assert.Equal(t, "CREATE", line["operation"])
	assert.Equal(t, "Pod", line["kind"])
	assert.Equal(t, true, line["dry_run"])
	assert.Equal(t, false, line["allowed"])
	assert.Equal(t, "denied", line["outcome"])
	assert.Equal(t, "kubernetes-admin", line["user"])
}

// TestRunExitCodes checks run's exit codes for --help and usage errors.
func TestRunExitCodes(t *testing.T) {
	var out bytes.Buffer
	assert.Equal(t, 0, run(t.Context(), []string{"--help"}, &out))
	assert.Contains(t, out.String(), "-tls-cert-file")
	assert.Equal(t, 2, run(t.Context(), []string{"--bogus"}, io.Discard))
	assert.Equal(t, 2, run(t.Context(), nil, io.Discard), "TLS files are required")
}

// TestPSSLevel checks --pss-level: the Pod Security Standards verdicts of
// k8s.io/pod-security-admission (through the manifest package) deny pod
// templates that violate the enforced level and nothing else.
func TestPSSLevel(t *testing.T) {
	hostPath := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"app","image":"nginx:1.27"}],"volumes":[{"name":"d","hostPath":{"path":"/srv/data"}}]}}`
	restricted := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},` +
		`"containers":[{"name":"app","image":"nginx:1.27","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}}`
	tests := []struct {
		level, obj string
		want       want
	}{
		{"", hostPath, want{allowed: true}},
		{"privileged", hostPath, want{allowed: true}},
		// PSS baseline forbids every hostPath volume (kubeharden's own
		// rules only flag sensitive host paths).
		{"baseline", hostPath, want{code: 403, message: []string{"(PSS baseline enforced)", "hostPath"}}},
		{"baseline", plainPod, want{allowed: true}},
		{"restricted", plainPod, want{code: 403, message: []string{"(PSS restricted enforced)"}}},
		{"restricted", restricted, want{allowed: true}},
	}
	for _, tc := range tests {
		t.Run(tc.level+"/"+tc.obj[:20], func(t *testing.T) {
			pol := defaultPolicy(t)
			pol.pssLevel = tc.level
			h := newHandler(pol, 7<<20, quietLog())
			in := objectReview(tc.obj)
			rec, out := post(t, h, in)
			require.Equal(t, 200, rec.Code)
			checkResponse(t, in, out, tc.want)
		})
	}
	_, err := parseArgs([]string{"--tls-cert-file", "c", "--tls-key-file", "k", "--pss-level", "strict"}, io.Discard)
	assert.ErrorIs(t, err, manifest.ErrInvalidPSS)
	_, err = parseArgs([]string{"--tls-cert-file", "c", "--tls-key-file", "k", "--pss-level", "restricted", "--pss-version", "v1.30"}, io.Discard)
	assert.NoError(t, err)
}

// TestRBACObjects checks that Roles and ClusterRoles are analysed (by
// manifest/rbac): a ClusterRole granting everything is denied, a narrow
// Role is allowed.
func TestRBACObjects(t *testing.T) {
	h := newHandler(defaultPolicy(t), 7<<20, quietLog())
	wild := `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"everything"},"rules":[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}]}`
	narrow := `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"reader","namespace":"ns"},"rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get"]}]}`
	in := objectReview(wild)
	rec, out := post(t, h, in)
	require.Equal(t, 200, rec.Code)
	checkResponse(t, in, out, want{code: 403, message: []string{"ClusterRole/everything"}, warnings: []string{"rules[0]"}})
	in = objectReview(narrow)
	rec, out = post(t, h, in)
	require.Equal(t, 200, rec.Code)
	checkResponse(t, in, out, want{allowed: true, noWarn: true})
}
