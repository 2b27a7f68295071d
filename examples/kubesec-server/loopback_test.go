package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kubeharden/kubeharden/internal/testutil"
	"github.com/kubeharden/kubeharden/manifest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests talk to a real server on a loopback socket with net/http
// clients (and raw connections for the misbehaving ones).

func listen(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return ln
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}

// start serves cfg on a fresh loopback listener until the test ends and
// returns the base URL.
func start(t testing.TB, cfg config) string {
	t.Helper()
	ln := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, cfg, quietLog()) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// startServer is start for tests that look inside the server: it serves
// the handler on a loopback listener without serve's shutdown handling.
func startServer(t testing.TB, cfg config) (*server, string) {
	t.Helper()
	ln := listen(t)
	s := newServer(cfg, quietLog())
	srv := newHTTPServer(cfg, s, quietLog())
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s, "http://" + ln.Addr().String()
}

// waitFor polls cond for up to 5 s.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting until %s", what)
}

func post(t testing.TB, c *http.Client, url string, body []byte) (int, []byte) {
	t.Helper()
	resp, err := c.Post(url, "application/yaml", bytes.NewReader(body))
	if err != nil {
		t.Errorf("POST %s: %v", url, err)
		return 0, nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Errorf("reading the response: %v", err)
	}
	return resp.StatusCode, b
}

// corpusCase is one kubesec corpus input with kubesec's own output.
type corpusCase struct {
	name string
	in   []byte
	want string // kubesec's JSON with fileName "API"
}

var reFileName = regexp.MustCompile(`"fileName": "[^"]*"`)

// kubesecCorpus loads the inputs for which kubesec's rules-only output is
// stored, except those decode rejects on purpose (manifest's corpus test
// documents them).
func kubesecCorpus(t testing.TB) []corpusCase {
	dir := testutil.SharedDir(t, "corpus", "kubesec")
	var out []corpusCase
	err := filepath.WalkDir(filepath.Join(dir, "expected-json"), func(p string, de os.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(filepath.Join(dir, "expected-json"), p)
		src := strings.TrimSuffix(filepath.ToSlash(rel), ".json")
		want, err := os.ReadFile(p)
		require.NoError(t, err)
		in, err := os.ReadFile(filepath.Join(dir, src))
		require.NoError(t, err)
		if _, errs := manifest.Scan(src, in, manifest.Options{Compat: manifest.CompatKubesec}); len(errs) > 0 {
			return nil
		}
		out = append(out, corpusCase{name: src, in: in, want: reFileName.ReplaceAllString(string(want), `"fileName": "API"`)})
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, out)
	return out
}

// TestKubesecCorpusOverHTTP posts every kubesec corpus input and compares
// the response byte for byte with kubesec's own output (fileName "API", as
// kubesec's server prints).
func TestKubesecCorpusOverHTTP(t *testing.T) {
	cases := kubesecCorpus(t)
	url := start(t, testConfig(t)) + "/scan"
	for _, c := range cases {
		code, body := post(t, http.DefaultClient, url, c.in)
		assert.Equal(t, 200, code, c.name)
		assert.Equal(t, c.want, string(body), c.name)
	}
	assert.GreaterOrEqual(t, len(cases), 80)
}

// TestConcurrentClients runs many clients at once, each posting corpus
// inputs on keep-alive connections; every answer must be kubesec's.
func TestConcurrentClients(t *testing.T) {
	cases := kubesecCorpus(t)
	cfg := testConfig(t)
	cfg.maxConcurrent = 2
	cfg.queueTimeout = 30 * time.Second // queue, never reject, in this test
	url := start(t, cfg) + "/scan"
	const clients, perClient = 16, 12
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			defer c.CloseIdleConnections()
			for j := range perClient {
				cc := cases[(i*perClient+j)%len(cases)]
				code, body := post(t, c, url, cc.in)
				if code != 200 || string(body) != cc.want {
					t.Errorf("client %d request %d (%s): status %d, body differs: %v", i, j, cc.name, code, string(body) != cc.want)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestOversizedBodies sends bodies over the limit with and without a
// Content-Length; both get 413 and the server keeps serving.
func TestOversizedBodies(t *testing.T) {
	cfg := testConfig(t)
	cfg.maxBody = 64 << 10
	base := start(t, cfg)
	big := bytes.Repeat([]byte("# comment line\n"), 10000) // 150 kB

	code, _ := post(t, http.DefaultClient, base+"/scan", big)
	assert.Equal(t, http.StatusRequestEntityTooLarge, code, "with Content-Length")

	// Chunked: the size is only known while reading.
	req, err := http.NewRequest("POST", base+"/scan", io.MultiReader(bytes.NewReader(big)))
	require.NoError(t, err)
	req.ContentLength = -1
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, string(body))

	// Exactly at the limit is accepted (a comment-only body: Invalid input).
	at := append(bytes.Repeat([]byte("#"), int(cfg.maxBody)-1), '\n')
	code, body = post(t, http.DefaultClient, base+"/scan", at)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, "Invalid input\n", string(body))

	code, body = post(t, http.DefaultClient, base+"/scan", []byte(privilegedPod))
	assert.Equal(t, 200, code, string(body))
}

// TestSlowClients opens raw connections that trickle headers or a body
// (slowloris) and checks that the server's timeouts cut them off while
// well-formed requests keep being answered.
func TestSlowClients(t *testing.T) {
	cfg := testConfig(t)
	cfg.readHeaderTimeout = 200 * time.Millisecond
	cfg.readTimeout = 400 * time.Millisecond
	cfg.maxConcurrent = 4
	base := start(t, cfg)
	addr := strings.TrimPrefix(base, "http://")

	trickle := func(t *testing.T, head string, drip string) time.Duration {
		conn, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer conn.Close()
		start := time.Now()
		_, err = io.WriteString(conn, head)
		require.NoError(t, err)
		closed := make(chan struct{})
		go func() {
			// The server answers (408) or closes; either ends the read.
			io.Copy(io.Discard, conn)
			close(closed)
		}()
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-closed:
				return time.Since(start)
			case <-tick.C:
				conn.Write([]byte{drip[i%len(drip)]})
			case <-time.After(5 * time.Second):
				t.Fatal("the server kept a trickling connection open for 5 s")
			}
		}
	}

	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			d := trickle(t, "POST /scan HTTP/1.1\r\nHost: x\r\n", "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n")
			assert.Less(t, d, 2*time.Second, "header trickle")
		})
		wg.Go(func() {
			d := trickle(t, "POST /scan HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n", "# slow\n")
			assert.Less(t, d, 2*time.Second, "body trickle")
		})
	}
	// Meanwhile a normal client is served.
	for range 5 {
		code, body := post(t, http.DefaultClient, base+"/scan", []byte(privilegedPod))
		assert.Equal(t, 200, code, string(body))
		time.Sleep(50 * time.Millisecond)
	}
	wg.Wait()
	code, _ := post(t, http.DefaultClient, base+"/scan", []byte(hardenedDeployment))
	assert.Equal(t, 200, code)
}

// TestSaturation holds the only reading place with a slow body and checks
// that a second request gets 503 with Retry-After after the queue timeout,
// and that the place is usable again afterwards.
func TestSaturation(t *testing.T) {
	cfg := testConfig(t)
	cfg.maxConcurrent = 1
	cfg.maxReading = 1
	cfg.queueTimeout = 100 * time.Millisecond
	s, base := startServer(t, cfg)

	pr, pw := io.Pipe()
	first := make(chan int, 1)
	go func() {
		resp, err := http.Post(base+"/scan", "application/yaml", pr)
		if err != nil {
			first <- 0
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	io.WriteString(pw, privilegedPod[:30])
	waitFor(t, "the first request holds the reading place", func() bool { return len(s.reading) == 1 })

	resp, err := http.Post(base+"/scan", "application/yaml", strings.NewReader(privilegedPod))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, string(body))
	assert.Equal(t, "1", resp.Header.Get("Retry-After"))

	io.WriteString(pw, privilegedPod[30:])
	pw.Close()
	assert.Equal(t, 200, <-first)
	code, _ := post(t, http.DefaultClient, base+"/scan", []byte(privilegedPod))
	assert.Equal(t, 200, code)
}

// TestSlowBodyDoesNotHoldScanSlot checks the two admission stages: with
// one scan slot, a client trickling its body does not stop another
// client's scan.
func TestSlowBodyDoesNotHoldScanSlot(t *testing.T) {
	cfg := testConfig(t)
	cfg.maxConcurrent = 1
	cfg.maxReading = 4
	cfg.queueTimeout = 100 * time.Millisecond
	s, base := startServer(t, cfg)
	pr, pw := io.Pipe()
	first := make(chan int, 1)
	go func() {
		resp, err := http.Post(base+"/scan", "application/yaml", pr)
		if err != nil {
			first <- 0
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	io.WriteString(pw, privilegedPod[:30])
	waitFor(t, "the slow request is reading", func() bool { return len(s.reading) == 1 })
	code, body := post(t, http.DefaultClient, base+"/scan", []byte(privilegedPod))
	assert.Equal(t, 200, code, string(body))
	io.WriteString(pw, privilegedPod[30:])
	pw.Close()
	assert.Equal(t, 200, <-first)
}

// TestHostileYAML posts inputs built to exhaust parsers. Each is refused
// with 400 in bounded time and the server answers the next request.
func TestHostileYAML(t *testing.T) {
	base := start(t, testConfig(t))
	var bomb strings.Builder
	bomb.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		fmt.Fprintf(&bomb, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	bomb.WriteString("kind: Pod\n")
	cases := map[string]string{
		"alias bomb":             bomb.String(),
		"deep nesting (flow)":    "kind: Pod\nspec: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n",
		"deep nesting (block)":   "kind: Pod\nspec:\n" + deepBlock(1500),
		"deep JSON":              `{"kind":"Pod","spec":` + strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000) + "}",
		"invalid UTF-8":          "kind: Pod\nmetadata:\n  name: \xff\xfe\n",
		"NUL bytes":              "kind: Pod\x00\nmetadata: {name: a}\n",
		"too many documents":     strings.Repeat("kind: Pod\n---\n", 1500),
		"huge anchor fan-out":    "a: &a " + strings.Repeat("x", 100000) + "\nb: [" + strings.Repeat("*a, ", 200) + "*a]\nkind: Pod\n",
		"unterminated quote":     "kind: Pod\nmetadata: {name: \"abc\n",
		"tab indentation":        "kind: Pod\nspec:\n\tcontainers: []\n",
		"duplicate merge target": "kind: Pod\n<<: [*nope]\n",
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			code, body := post(t, http.DefaultClient, base+"/scan", []byte(in))
			assert.Less(t, time.Since(start), 5*time.Second)
			assert.Equal(t, 400, code, "%.300s", body)
			code, body = post(t, http.DefaultClient, base+"/scan?compat=none", []byte(in))
			assert.Contains(t, []int{200, 400}, code, "%.300s", body)
			code, _ = post(t, http.DefaultClient, base+"/scan", []byte(privilegedPod))
			assert.Equal(t, 200, code, "the server still answers")
		})
	}
}

func deepBlock(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat(" ", i+1))
		b.WriteString("a:\n")
	}
	return b.String()
}

// TestKeepAliveReuse checks that a client can send many requests on one
// connection (the response is fully written with a Content-Length).
func TestKeepAliveReuse(t *testing.T) {
	base := start(t, testConfig(t))
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	br := bufio.NewReader(conn)
	for i := range 20 {
		req, _ := http.NewRequest("POST", base+"/scan", strings.NewReader(privilegedPod))
		require.NoError(t, req.Write(conn))
		resp, err := http.ReadResponse(br, req)
		require.NoError(t, err, "request %d", i)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode)
		assert.Contains(t, string(body), `"score": -30`)
	}
}

// TestKubesecRegressionInputs posts the inputs of kubesec's own HTTP
// regression tests (test/2_regression.bats, listed in the corpus's
// scores.tsv) and checks kubesec's expectations: the form prefix "file="
// is stripped from YAML and JSON, "not-file=" is not (a JSON body then
// fails to parse: 400), an empty file is "Invalid input".
func TestKubesecRegressionInputs(t *testing.T) {
	dir := testutil.SharedDir(t, "corpus", "kubesec", "asset")
	url := start(t, testConfig(t)) + "/scan"
	tests := []struct {
		file   string
		status int
		object string
		score  int
	}{
		{"form-prefix-file.yml", 200, "Pod/nginx-apparmor.default", 0},
		{"form-prefix-file.json", 200, "Pod/nginx-apparmor.default", 0},
		{"form-prefix-not-file.yml", 200, "Pod/nginx-apparmor.default", 0},
		{"form-prefix-not-file.json", 400, "", 0},
		{"empty-file", 400, "", 0},
	}
	for _, tc := range tests {
		in, err := os.ReadFile(filepath.Join(dir, tc.file))
		require.NoError(t, err)
		code, body := post(t, http.DefaultClient, url, in)
		require.Equal(t, tc.status, code, "%s: %s", tc.file, body)
		if code != 200 {
			if len(in) == 0 {
				assert.Equal(t, "Invalid input\n", string(body))
			}
			continue
		}
		var out []struct {
			Object string
			Score  int
		}
		require.NoError(t, json.Unmarshal(body, &out), tc.file)
		require.Len(t, out, 1, tc.file)
		assert.Equal(t, tc.object, out[0].Object, tc.file)
		assert.Equal(t, tc.score, out[0].Score, tc.file)
	}
}
