package audit

import (
	"math/rand/v2"
	"testing"

	"github.com/kubeharden/kubeharden/internal/testutil"
)

func gkePolicy(b *testing.B) (*Policy, []byte) {
	data := corpusFiles(b)["gce-gke-kube-up-audit-policy.yaml"]
	p, _, err := Parse("gke.yaml", data)
	if err != nil {
		b.Fatal(err)
	}
	return p, data
}

// BenchmarkEvaluateGKE measures Evaluate on the GKE policy over a mix of
// realistic requests (most fall through many rules: the catch-all is 17th).
func BenchmarkEvaluateGKE(b *testing.B) {
	_ = testutil.SharedDir(b, "corpus", "audit")
	p, _ := gkePolicy(b)
	space := baseSpace()
	space.add(p)
	rng := rand.New(rand.NewPCG(1, 1))
	reqs := make([]Request, 1024)
	for i := range reqs {
		reqs[i] = space.request(rng)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		_ = Evaluate(p, reqs[i&1023])
	}
}

// BenchmarkEvaluateGKEWorstCase: a request that matches only the final
// catch-all, checked against every rule.
func BenchmarkEvaluateGKEWorstCase(b *testing.B) {
	p, _ := gkePolicy(b)
	r := Request{User: &User{Name: "system:kube-proxy", Groups: []string{"system:nodes", "system:authenticated"}}, Verb: "get", Path: "/apis/example.com/v1"}
	if d := Evaluate(p, r); d.Rule != len(p.Rules)-1 {
		b.Fatalf("rule %d", d.Rule)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = Evaluate(p, r)
	}
}

func BenchmarkScanGKE(b *testing.B) {
	_, data := gkePolicy(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Scan("gke.yaml", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCoverageGKE(b *testing.B) {
	p, _ := gkePolicy(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = Coverage(p)
	}
}
