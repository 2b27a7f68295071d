package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kubeharden/kubeharden/internal/testutil"
	"github.com/kubeharden/kubeharden/manifest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testConfig is the default configuration with a quiet address.
func testConfig(t testing.TB) config {
	t.Helper()
	cfg, err := parseArgs([]string{"127.0.0.1:0"}, func(string) string { return "" }, io.Discard)
	require.NoError(t, err)
	return cfg
}

func quietLog() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

const privilegedPod = `apiVersion: v1
kind: Pod
metadata:
  name: priv
spec:
  containers:
  - name: app
    image: nginx:1.27
    securityContext:
      privileged: true
`

const hardenedDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: web
      automountServiceAccountToken: false
      hostUsers: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        seccompProfile: {type: RuntimeDefault}
        appArmorProfile: {type: RuntimeDefault}
      containers:
      - name: app
        image: registry.example/web:1.2.3
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {drop: [ALL]}
        resources:
          requests: {cpu: 100m, memory: 64Mi}
          limits: {cpu: 500m, memory: 128Mi}
`

const wrongType = "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: 7\n"

// kubesecOut is the part of kubesec's report array the tests read.
type kubesecOut struct {
	Object   string `json:"object"`
	Valid    bool   `json:"valid"`
	FileName string `json:"fileName"`
	Message  string `json:"message"`
	Score    int    `json:"score"`
	Scoring  struct {
		Critical []struct{ ID string } `json:"critical"`
		Passed   []struct{ ID string } `json:"passed"`
		Advise   []struct{ ID string } `json:"advise"`
	} `json:"scoring"`
}

func ids(l []struct{ ID string }) []string {
	out := []string{}
	for _, e := range l {
		out = append(out, e.ID)
	}
	return out
}

func decodeKubesec(t *testing.T, body []byte) []kubesecOut {
	t.Helper()
	var out []kubesecOut
	require.NoError(t, json.Unmarshal(body, &out), string(body))
	return out
}

// TestHandler drives the handler directly: routing, status codes, content
// types and kubesec's response details. Expected scores are kubesec's
// (kubesec.md §2–§4): Privileged is -30; the hardened Deployment earns all
// 19 points kubesec gives a Deployment.
func TestHandler(t *testing.T) {
	cfg := testConfig(t)
	cfg.maxBody = 4096
	s := newServer(cfg, quietLog())
	priv := kubehardenID(t, "Privileged") // manifest/PrivilegedContainer
	tests := []struct {
		name, method, target, body string
		status                     int
		ctype                      string
		check                      func(t *testing.T, rec *httptest.ResponseRecorder)
	}{
		{name: "GET / redirects", method: "GET", target: "/", status: 303, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
			assert.Equal(t, "https://kubesec.io", rec.Header().Get("Location"))
		}},
		{name: "GET /scan redirects", method: "GET", target: "/scan", status: 303},
		{name: "HEAD /scan redirects", method: "HEAD", target: "/scan", status: 303},
		{name: "healthz", method: "GET", target: "/healthz", status: 200, ctype: "text/plain; charset=utf-8", check: bodyIs("OK\n")},
		{name: "unknown path", method: "POST", target: "/nope", body: privilegedPod, status: 404},
		{name: "empty body", method: "POST", target: "/scan", status: 400, ctype: "text/plain; charset=utf-8", check: bodyIs("Invalid input\n")},
		{name: "blank body", method: "POST", target: "/scan", body: "\n  \n", status: 400, check: bodyIs("Invalid input\n")},
		{name: "separators only", method: "POST", target: "/scan", body: "---\n---\n", status: 400, check: bodyIs("Invalid input\n")},
		{name: "file= and nothing", method: "POST", target: "/scan", body: "file=", status: 400, check: bodyIs("Invalid input\n")},
		{name: "syntax error", method: "POST", target: "/scan", body: "kind: Pod\nspec: [\n", status: 400, ctype: "text/plain; charset=utf-8",
			check: bodyContains("API: document 0: line ")},
		{name: "unknown rule", method: "POST", target: "/scan?rule=Privileged&rule=Foo&rule=Bar", body: privilegedPod, status: 400,
			ctype: "text/plain; charset=utf-8", check: bodyIs("invalid rule IDs requested: Foo, Bar\n")},
		{name: "kubeharden ID is not a kubesec id", method: "POST", target: "/scan?rule=" + priv, body: privilegedPod,
			status: 400, check: bodyIs("invalid rule IDs requested: " + priv + "\n")},
		{name: "unknown format", method: "POST", target: "/scan?format=yaml", body: privilegedPod, status: 400, check: bodyContains("unknown format")},
		{name: "unknown compat", method: "POST", target: "/scan?compat=kube-score", body: privilegedPod, status: 400, check: bodyContains("unknown compatibility mode")},
		{name: "too large", method: "POST", target: "/scan", body: strings.Repeat("#", 5000), status: 413},
		{name: "privileged pod", method: "POST", target: "/scan", body: privilegedPod, status: 200, ctype: "application/json",
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				out := decodeKubesec(t, rec.Body.Bytes())
				require.Len(t, out, 1)
				assert.Equal(t, "Pod/priv.default", out[0].Object)
				assert.Equal(t, "API", out[0].FileName)
				assert.True(t, out[0].Valid)
				assert.Equal(t, -30, out[0].Score)
				assert.Equal(t, "Failed with a score of -30 points", out[0].Message)
				assert.Equal(t, []string{"Privileged"}, ids(out[0].Scoring.Critical))
				assert.True(t, strings.HasPrefix(rec.Body.String(), "[\n  {\n    \"object\": "), "kubesec's two-space indentation")
				assert.True(t, strings.HasSuffix(rec.Body.String(), "}\n]\n"))
			}},
		{name: "PUT scans like POST (kubesec: any method but GET)", method: "PUT", target: "/", body: privilegedPod, status: 200},
		{name: "file= prefix stripped", method: "POST", target: "/", body: "file=" + privilegedPod, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				assert.Equal(t, "Pod/priv.default", decodeKubesec(t, rec.Body.Bytes())[0].Object)
			}},
		{name: "hardened deployment scores the kubesec maximum", method: "POST", target: "/scan", body: hardenedDeployment, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				out := decodeKubesec(t, rec.Body.Bytes())
				require.Len(t, out, 1)
				assert.Equal(t, 19, out[0].Score)
				assert.Empty(t, out[0].Scoring.Advise)
				assert.Empty(t, out[0].Scoring.Critical)
			}},
		{name: "rule selection", method: "POST", target: "/scan?rule=RunAsNonRoot", body: privilegedPod, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				out := decodeKubesec(t, rec.Body.Bytes())
				assert.Equal(t, 0, out[0].Score)
				assert.Equal(t, "Passed with a score of 0 points", out[0].Message)
				assert.Empty(t, out[0].Scoring.Critical)
				assert.Equal(t, []string{"RunAsNonRoot"}, ids(out[0].Scoring.Advise))
			}},
		{name: "rule selection, comma list", method: "POST", target: "/scan?rule=Privileged,RunAsNonRoot", body: privilegedPod, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				out := decodeKubesec(t, rec.Body.Bytes())
				assert.Equal(t, -30, out[0].Score)
				assert.Equal(t, []string{"Privileged"}, ids(out[0].Scoring.Critical))
				assert.Equal(t, []string{"RunAsNonRoot"}, ids(out[0].Scoring.Advise))
			}},
		{name: "selected rule not applicable", method: "POST", target: "/scan?rule=BindingsToSystemAnonymous", body: privilegedPod, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				assert.Equal(t, manifest.KubesecUnsupported, decodeKubesec(t, rec.Body.Bytes())[0].Message)
			}},
		{name: "unsupported kind", method: "POST", target: "/scan", body: "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n", status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				out := decodeKubesec(t, rec.Body.Bytes())
				require.Len(t, out, 1)
				assert.Equal(t, "Service/s.default", out[0].Object)
				assert.Equal(t, manifest.KubesecUnsupported, out[0].Message)
				assert.Contains(t, rec.Body.String(), `"scoring": {}`)
			}},
		{name: "unanalysed kind, kubeharden mode: empty array", method: "POST", target: "/scan?compat=none",
			body: "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n", status: 200, check: bodyIs("[]\n")},
		{name: "multi-document", method: "POST", target: "/scan", body: privilegedPod + "---\n" + hardenedDeployment, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				out := decodeKubesec(t, rec.Body.Bytes())
				require.Len(t, out, 2)
				assert.Equal(t, []int{-30, 19}, []int{out[0].Score, out[1].Score})
			}},
		{name: "bad document aborts in kubesec mode", method: "POST", target: "/scan", body: privilegedPod + "---\nkind: Pod\nspec: [\n", status: 400,
			check: bodyContains("document 1")},
		{name: "kubesec would panic on a string hostNetwork", method: "POST", target: "/scan",
			body: "kind: Pod\nmetadata: {name: x}\nspec:\n  hostNetwork: \"sure\"\n  containers: []\n", status: 400, check: bodyContains("not a boolean")},
		{name: "wrong type: kubesec scores what it can read", method: "POST", target: "/scan", body: wrongType, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				assert.Equal(t, 0, decodeKubesec(t, rec.Body.Bytes())[0].Score)
			}},
		{name: "wrong type: an error in kubeharden mode", method: "POST", target: "/scan?compat=none", body: wrongType, status: 400,
			check: bodyContains("spec.containers")},
		{name: "bad document listed in kubeharden mode", method: "POST", target: "/scan?compat=none", body: privilegedPod + "---\nkind: Pod\nspec: [\n", status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				out := decodeKubesec(t, rec.Body.Bytes())
				require.Len(t, out, 2)
				assert.True(t, out[0].Valid)
				assert.False(t, out[1].Valid)
				assert.Contains(t, out[1].Message, "syntax error")
			}},
		{name: "kubeharden mode, native JSON with rule selection", method: "POST", target: "/scan?compat=none&format=json&rule=" + priv,
			body: privilegedPod, status: 200, ctype: "application/json", check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				var out struct {
					Tool    struct{ Name string }
					Reports []struct {
						Score    int
						Findings []struct {
							Rule   string
							Passed bool
							Line   int
						}
					}
				}
				require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
				assert.Equal(t, "kubeharden", out.Tool.Name)
				require.Len(t, out.Reports, 1)
				assert.Equal(t, -30, out.Reports[0].Score)
				require.Len(t, out.Reports[0].Findings, 1)
				assert.Equal(t, priv, out.Reports[0].Findings[0].Rule)
				assert.Equal(t, 10, out.Reports[0].Findings[0].Line)
			}},
		{name: "kubeharden mode accepts kubesec ids", method: "POST", target: "/scan?compat=none&rule=Privileged", body: privilegedPod, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				out := decodeKubesec(t, rec.Body.Bytes())
				assert.Equal(t, -30, out[0].Score)
				assert.Equal(t, []string{"Privileged"}, ids(out[0].Scoring.Critical))
			}},
		{name: "SARIF", method: "POST", target: "/scan?format=sarif", body: privilegedPod, status: 200, ctype: "application/sarif+json",
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				var out struct {
					Version string
					Runs    []struct{ Results []struct{ RuleID string } }
				}
				require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
				assert.Equal(t, "2.1.0", out.Version)
				require.Len(t, out.Runs, 1)
				assert.NotEmpty(t, out.Runs[0].Results)
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			assert.Equal(t, tc.status, rec.Code, rec.Body.String())
			if tc.ctype != "" {
				assert.Equal(t, tc.ctype, rec.Header().Get("Content-Type"))
			}
			if tc.check != nil {
				tc.check(t, rec)
			}
		})
	}
}

// kubehardenID returns the ID of the kubeharden rule that carries the
// kubesec id as a reference.
func kubehardenID(t *testing.T, kubesecID string) string {
	t.Helper()
	for _, r := range manifest.Rules() {
		if slices.Contains(r.Refs, "kubesec "+kubesecID) {
			return r.ID
		}
	}
	t.Fatalf("no rule refers to kubesec %s", kubesecID)
	return ""
}

func bodyIs(want string) func(*testing.T, *httptest.ResponseRecorder) {
	return func(t *testing.T, rec *httptest.ResponseRecorder) { assert.Equal(t, want, rec.Body.String()) }
}

func bodyContains(want string) func(*testing.T, *httptest.ResponseRecorder) {
	return func(t *testing.T, rec *httptest.ResponseRecorder) { assert.Contains(t, rec.Body.String(), want) }
}

// TestScanSlotsBusy fills every scan slot: a request reads its body, waits
// for the queue timeout and gets 503 with Retry-After.
func TestScanSlotsBusy(t *testing.T) {
	cfg := testConfig(t)
	cfg.maxConcurrent = 2
	cfg.queueTimeout = 50 * time.Millisecond
	s := newServer(cfg, quietLog())
	s.slots <- struct{}{}
	s.slots <- struct{}{}
	rec := httptest.NewRecorder()
	begin := time.Now()
	s.ServeHTTP(rec, httptest.NewRequest("POST", "/scan", strings.NewReader(privilegedPod)))
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	assert.Equal(t, "1", rec.Header().Get("Retry-After"))
	assert.GreaterOrEqual(t, time.Since(begin), 50*time.Millisecond)
	assert.Empty(t, s.reading, "the reading place was given back")
	<-s.slots
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("POST", "/scan", strings.NewReader(privilegedPod)))
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Len(t, s.slots, 1, "the scan slot was given back")
}

// TestRuleIDsMatchKubesec checks that ?rule= accepts exactly kubesec's 30
// rule ids in kubesec mode (the list printed by kubesec print-rules).
func TestRuleIDsMatchKubesec(t *testing.T) {
	path := filepath.Join(testutil.SharedDir(t, "reference"), "kubesec-rules.json")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var ref struct{ Rules []struct{ ID string } }
	require.NoError(t, json.Unmarshal(data, &ref))
	var want []string
	for _, r := range ref.Rules {
		want = append(want, r.ID)
	}
	require.Len(t, want, 30)
	s := newServer(testConfig(t), quietLog())
	var got []string
	for id := range s.kubesecIDs {
		got = append(got, id)
	}
	slices.Sort(want)
	slices.Sort(got)
	assert.Equal(t, want, got)
}

// TestParseArgs covers the address sources and flag validation.
func TestParseArgs(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		args []string
		env  map[string]string
		want string
		err  bool
	}{
		{args: nil, want: ":8080"},
		{args: []string{"9090"}, want: ":9090"},
		{args: []string{"127.0.0.1:9090"}, want: "127.0.0.1:9090"},
		{args: []string{"--addr", "127.0.0.1:1"}, want: "127.0.0.1:1"},
		{env: map[string]string{"KUBESEC_ADDR": "0.0.0.0:7000"}, want: "0.0.0.0:7000"},
		{env: map[string]string{"KUBESEC_ADDR": ":7000", "PORT": "7001"}, want: ":7001"},
		{args: []string{"1", "2"}, err: true},
		{args: []string{"--compat", "polaris"}, err: true},
		{args: []string{"--max-body", "0"}, err: true},
	}
	for _, tc := range tests {
		cfg, err := parseArgs(tc.args, env(tc.env), io.Discard)
		if tc.err {
			assert.Error(t, err, "%v", tc.args)
			continue
		}
		require.NoError(t, err, "%v", tc.args)
		assert.Equal(t, tc.want, cfg.addr, "%v %v", tc.args, tc.env)
		assert.Equal(t, manifest.CompatKubesec, cfg.compat, "kubesec scoring is the default")
	}
}

// TestHelp checks that --help documents the flags and exits 0.
func TestHelp(t *testing.T) {
	var out bytes.Buffer
	code := run(context.Background(), []string{"--help"}, &out)
	assert.Equal(t, 0, code)
	for _, f := range []string{"-max-body", "-read-timeout", "-write-timeout", "-idle-timeout", "-max-concurrent",
		"-queue-timeout", "-shutdown-timeout", "-compat", "-max-documents", "POST /scan", "/healthz"} {
		assert.Contains(t, out.String(), f)
	}
	assert.Equal(t, 2, run(context.Background(), []string{"--bogus"}, io.Discard))
}

// TestServeGracefulShutdown cancels the serving context while a request
// is in flight: the request completes, serve returns nil, and the
// listener is closed.
func TestServeGracefulShutdown(t *testing.T) {
	ln := listen(t)
	cfg := testConfig(t)
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&syncWriter{w: &logs}, nil))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, cfg, log) }()
	url := "http://" + ln.Addr().String() + "/scan"

	pr, pw := io.Pipe()
	respc := make(chan *http.Response, 1)
	go func() {
		resp, err := http.Post(url, "application/yaml", pr)
		if err != nil {
			t.Error(err)
			close(respc)
			return
		}
		respc <- resp
	}()
	io.WriteString(pw, privilegedPod[:20])
	time.Sleep(300 * time.Millisecond) // the request is being read
	cancel()
	time.Sleep(100 * time.Millisecond)
	io.WriteString(pw, privilegedPod[20:])
	pw.Close()
	resp := <-respc
	require.NotNil(t, resp)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode, string(body))
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not return after shutdown")
	}
	_, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	assert.Error(t, err, "the listener is closed")
	assert.Contains(t, logs.String(), `"msg":"stopped"`)
	assert.Contains(t, logs.String(), `"status":200`)
}

// TestWriteKubesecCompat compares the hand-written kubesec encoder with
// encoding/json (Marshal, then Indent with two spaces, then a newline:
// what kubesec does) on reports with awkward strings.
func TestWriteKubesecCompat(t *testing.T) {
	inputs := []string{
		privilegedPod,
		hardenedDeployment,
		privilegedPod + "---\n" + hardenedDeployment + "---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n",
		"kind: Pod\nmetadata:\n  name: \"<script>&amp;\\u2028\\t\\\"q\\\"\\\\\"\n  namespace: \"ns-é-日本\"\nspec: {containers: [{name: a, image: b}]}\n",
		"kind: RoleBinding\nmetadata: {name: rb}\nsubjects: [{kind: User, name: bob}]\n",
		"kind: RoleBinding\nmetadata: {name: rb}\nsubjects: [{kind: User, name: \"system:anonymous\"}]\n",
		"metadata: {name: nokind}\n",
	}
	for _, in := range inputs {
		reports, errs := manifest.Scan(apiFileName, []byte(in), manifest.Options{Compat: manifest.CompatKubesec})
		require.Empty(t, errs, in)
		raw, err := json.Marshal(manifest.KubesecReports(reports, apiFileName))
		require.NoError(t, err)
		var want bytes.Buffer
		require.NoError(t, json.Indent(&want, raw, "", "  "))
		want.WriteByte('\n')
		var got bytes.Buffer
		require.NoError(t, writeKubesecCompat(&got, reports))
		assert.Equal(t, want.String(), got.String(), in)
	}
	var got bytes.Buffer
	require.NoError(t, writeKubesecCompat(&got, nil))
	assert.Equal(t, "[]\n", got.String())

	for _, s := range []string{"plain", "", "a<b>c&d", "é", "\xff", "\u2028", "tab\there", `q"\`} {
		var b bytes.Buffer
		jsonString(&b, s)
		want, _ := json.Marshal(s)
		assert.Equal(t, string(want), b.String(), "%q", s)
	}
}

// TestRequestLog checks the structured log line of a scan.
func TestRequestLog(t *testing.T) {
	var buf bytes.Buffer
	s := newServer(testConfig(t), slog.New(slog.NewJSONHandler(&buf, nil)))
	req := httptest.NewRequest("POST", "/scan", strings.NewReader(privilegedPod))
	req.RemoteAddr = "192.0.2.7:4242"
	s.ServeHTTP(httptest.NewRecorder(), req)
	var line map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &line), buf.String())
	assert.Equal(t, "request", line["msg"])
	assert.Equal(t, "INFO", line["level"])
	assert.Equal(t, "POST", line["method"])
	assert.Equal(t, "/scan", line["path"])
	assert.Equal(t, float64(200), line["status"])
	assert.Equal(t, float64(1), line["reports"])
	assert.Equal(t, float64(len(privilegedPod)), line["request_bytes"])
	assert.Equal(t, "192.0.2.7:4242", line["remote"])
	assert.Contains(t, line, "duration_ms")
}
