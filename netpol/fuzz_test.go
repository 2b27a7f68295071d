package netpol

import (
	"context"
	"io"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// FuzzLoad feeds arbitrary bytes through Load and every analysis: none may
// panic or hang, whatever the input.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(evalBase + policyHead + "metadata: {name: p, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}, {namespaceSelector: {}, podSelector: {matchExpressions: [{key: x, operator: NotIn, values: [y]}]}}]\n    ports: [{port: http}, {port: 1, endPort: 65535, protocol: SCTP}]\n"))
	f.Add([]byte(lintBase))
	f.Add([]byte(`{"kind":"PodList","apiVersion":"v1","items":[{"metadata":{"name":"a"},"spec":{"containers":[{"name":"c"}]}}]}`))
	f.Add([]byte("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec: {podSelector: {matchLabels: {'a@b': c}}, ingress: [{from: [{}]}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		m, _ := Load(ctx, Input{Source: "fuzz.yaml", Data: data})
		_ = Lint(m)
		_ = m.Isolation().WriteText(io.Discard)
		if len(m.Pods) <= 64 {
			x, err := Matrix(ctx, m, MatrixOptions{External: []string{"0.0.0.0/0", "::/0"}})
			if err == nil {
				_ = x.WriteDOT(io.Discard)
				_ = x.WriteJSON(io.Discard)
			}
		}
		for i, p := range m.Pods {
			if i > 8 {
				break
			}
			for _, q := range m.Pods[:min(len(m.Pods), 8)] {
				_ = m.Allowed(PodEndpoint(p), PodEndpoint(q), 53, corev1.ProtocolUDP).String()
			}
		}
	})
}
