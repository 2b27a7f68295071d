package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// BenchmarkScanDeployment measures server time for one single-Deployment
// POST /scan: routing, body read, decode, analysis, rendering and the log
// line (to io.Discard), without the network.
//
//	go test ./examples/kubesec-server -run '^$' -bench ScanDeployment -benchmem -cpu 2
//
// cpuTime returns the CPU time (user + system) the process has used, read
// from /proc/self/stat (Linux; ok is false elsewhere), so that figures do
// not depend on how busy the shared machine is.
func cpuTime() (time.Duration, bool) {
	data, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0, false
	}
	// Fields after the command name (which is in parentheses).
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	const ticksPerSecond = 100 // USER_HZ
	return time.Duration(ut+st) * time.Second / ticksPerSecond, true
}

func BenchmarkScanDeployment(b *testing.B) {
	for _, target := range []string{"/scan", "/scan?compat=none", "/scan?compat=none&format=json", "/scan?format=sarif"} {
		b.Run(strings.TrimPrefix(target, "/scan?"), func(b *testing.B) {
			defer debug.SetGCPercent(debug.SetGCPercent(defaultGCPercent)) // as the binary runs
			s := newServer(testConfig(b), quietLog())
			body := []byte(hardenedDeployment)
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			cpu0, cpuOK := cpuTime()
			for b.Loop() {
				req := httptest.NewRequest("POST", target, bytes.NewReader(body))
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
			if cpu1, ok := cpuTime(); ok && cpuOK {
				b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

// BenchmarkLoopback measures requests per second through a real loopback
// socket with keep-alive clients (GOMAXPROCS × 4 goroutines); client and
// server share the CPUs.
//
//	go test ./examples/kubesec-server -run '^$' -bench Loopback -cpu 2 -benchtime 3000x
func BenchmarkLoopback(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(defaultGCPercent)) // as the binary runs
	url := start(b, testConfig(b)) + "/scan"
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	body := []byte(hardenedDeployment)
	b.SetParallelism(4)
	b.ResetTimer()
	begin := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := c.Post(url, "application/yaml", bytes.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(begin).Seconds(), "req/s")
}

// TestLoadLoopback is the load generator: clients on keep-alive
// connections post a Deployment to a real server on 127.0.0.1 for a
// bounded number of requests and a bounded time, every answer is checked,
// and the throughput, latency and peak heap are logged (run with -v). The
// throughput is asserted only when KUBEHARDEN_LOAD_MIN_RPS is set (shared
// CI machines vary too much for a fixed figure). With KUBESEC_SERVER_URL
// set it loads that server instead of an in-process one.
//
//	go test ./examples/kubesec-server -run LoadLoopback -v -cpu 2
func TestLoadLoopback(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	const (
		clients     = 8
		maxRequests = 6000
		maxTime     = 6 * time.Second
	)
	defer debug.SetGCPercent(debug.SetGCPercent(defaultGCPercent)) // as the binary runs
	// KUBESEC_SERVER_URL points the generator at a server running as its
	// own process (measure that process's CPU time from outside).
	url := os.Getenv("KUBESEC_SERVER_URL")
	if url == "" {
		url = start(t, testConfig(t))
	}
	url += "/scan"
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	body := []byte(hardenedDeployment)

	var peakHeap atomic.Uint64
	stop := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Go(func() {
		var ms runtime.MemStats
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peakHeap.Load() {
				peakHeap.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})

	want := []byte(`"score": 19,`)
	var sent, failed atomic.Int64
	lat := make([][]time.Duration, clients)
	deadline := time.Now().Add(maxTime)
	cpu0, cpuOK := cpuTime()
	begin := time.Now()
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			for sent.Add(1) <= maxRequests && time.Now().Before(deadline) {
				t0 := time.Now()
				resp, err := c.Post(url, "application/yaml", bytes.NewReader(body))
				if err != nil {
					failed.Add(1)
					continue
				}
				out, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				lat[i] = append(lat[i], time.Since(t0))
				if err != nil || resp.StatusCode != 200 || bytes.Count(out, want) != 1 {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(begin)
	cpu1, _ := cpuTime()
	close(stop)
	sampler.Wait()

	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	require.NotEmpty(t, all)
	slices.Sort(all)
	n := len(all)
	rps := float64(n) / elapsed.Seconds()
	t.Logf("%d requests from %d clients in %v on GOMAXPROCS=%d: %.0f req/s; latency p50 %v p99 %v; peak heap in use %.1f MiB",
		n, clients, elapsed.Round(time.Millisecond), runtime.GOMAXPROCS(0), rps, all[n/2], all[n*99/100],
		float64(peakHeap.Load())/(1<<20))
	if cpuOK {
		perReq := (cpu1 - cpu0) / time.Duration(n)
		t.Logf("process CPU (client + server) %v per request: %.0f req/s per CPU-second, %.0f req/s on %d CPUs if they were ours alone",
			perReq, float64(time.Second)/float64(perReq), float64(runtime.GOMAXPROCS(0))*float64(time.Second)/float64(perReq), runtime.GOMAXPROCS(0))
	}
	assert.Zero(t, failed.Load(), "failed or wrong answers")
	if v := os.Getenv("KUBEHARDEN_LOAD_MIN_RPS"); v != "" {
		min, err := strconv.ParseFloat(v, 64)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, rps, min)
	}
	assert.Less(t, peakHeap.Load(), uint64(256<<20), "memory stays bounded")
}
