package netpol_test

import (
	"context"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubeharden/kubeharden/netpol"
)

// TestMatrixAgreesWithAllowed checks that the equivalence-class matrix gives,
// for every pair of endpoints and a set of probes, the verdict of Allowed on
// random models, under every combination of options.
func TestMatrixAgreesWithAllowed(t *testing.T) {
	models := 400
	if testing.Short() {
		models = 60
	}
	r := rand.New(rand.NewPCG(7, 11))
	ctx := context.Background()
	var nAllowed, nDenied, nPartial int
	for mi := range models {
		g := generate(r)
		var pods []*netpol.Pod
		for _, p := range g.pods {
			np := &netpol.Pod{Namespace: p.Namespace, Name: p.Name, Kind: "Pod", Labels: p.Labels, HostNetwork: p.Spec.HostNetwork}
			if a, err := netip.ParseAddr(p.Status.PodIP); err == nil {
				np.IPs = []netip.Addr{a}
			}
			for _, cp := range p.Spec.Containers[0].Ports {
				np.Ports = append(np.Ports, netpol.ContainerPort{Name: cp.Name, Port: cp.ContainerPort, Protocol: cp.Protocol})
			}
			pods = append(pods, np)
		}
		opts := netpol.Options{IPBlockIgnoresPodIPs: mi%2 == 1, HostNetworkAsPod: mi%3 == 1}
		m, errs := netpol.New(opts, g.namespaces, pods, g.policies)
		require.Empty(t, errs)
		x, err := netpol.Matrix(ctx, m, netpol.MatrixOptions{External: []string{"0.0.0.0/0", "::/0"}})
		require.NoError(t, err)
		probes := []int{1, 53, 80, 81, 8080, 65535, 1 + r.IntN(65535)}
		for i, a := range x.Endpoints {
			for j, b := range x.Endpoints {
				if i == j || (a.Pod == nil && b.Pod == nil) {
					continue
				}
				cs := x.Conns(i, j)
				switch {
				case cs.IsAll():
					nAllowed++
				case cs.IsEmpty():
					nDenied++
				default:
					nPartial++
				}
				for _, ea := range endpointsOf(a) {
					for _, eb := range endpointsOf(b) {
						for _, port := range probes {
							for _, proto := range []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP} {
								v := m.Allowed(ea, eb, port, proto)
								if v.Allowed != cs.Contains(port, proto) {
									t.Fatalf("model %d %+v: %s => %s %d/%s: Allowed %v, matrix %q\n%s", mi, opts, a.Name, b.Name, port, proto, v.Allowed, cs, v)
								}
							}
						}
					}
				}
			}
		}
	}
	t.Logf("cells: %d all, %d none, %d partial", nAllowed, nDenied, nPartial)
	require.Positive(t, nAllowed)
	require.Positive(t, nDenied)
	require.Positive(t, nPartial)
}

func endpointsOf(e netpol.MatrixEndpoint) []netpol.Endpoint {
	if e.Pod != nil {
		return []netpol.Endpoint{netpol.PodEndpoint(e.Pod)}
	}
	return []netpol.Endpoint{netpol.IPEndpoint(e.First), netpol.IPEndpoint(e.Last)}
}
