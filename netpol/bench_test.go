package netpol_test

import (
	"context"
	"fmt"
	"github.com/kubeharden/kubeharden/internal/testutil"
	"math/rand/v2"
	"net/netip"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kubeharden/kubeharden/netpol"
)

// bigCluster builds a realistic cluster: nns namespaces of podsPerNS pods
// (8 apps, 3 tiers, two versions, a unique pod-template-hash and pod name
// label each, unique IPs, named ports) and policiesPerNS policies per
// namespace (default deny both ways, DNS egress, app-to-app allows with
// numeric and named ports, cross-namespace allows by team, ipBlocks with
// excepts).
func bigCluster(tb testing.TB, nns, podsPerNS, policiesPerNS int) *netpol.Model {
	r := rand.New(rand.NewPCG(1, 2))
	var nss []*netpol.Namespace
	var pods []*netpol.Pod
	var pols []*networkingv1.NetworkPolicy
	tiers := []string{"frontend", "backend", "db"}
	tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
	port := func(p intstr.IntOrString, proto *corev1.Protocol) networkingv1.NetworkPolicyPort {
		return networkingv1.NetworkPolicyPort{Port: &p, Protocol: proto}
	}
	for n := range nns {
		ns := fmt.Sprintf("ns%02d", n)
		nss = append(nss, &netpol.Namespace{Name: ns, Labels: map[string]string{"team": fmt.Sprintf("t%d", n%10), "env": []string{"prod", "dev"}[n%2]}})
		for i := range podsPerNS {
			app := i % 8
			pods = append(pods, &netpol.Pod{
				Namespace: ns, Name: fmt.Sprintf("app%d-%d", app, i), Kind: "Pod",
				Labels: map[string]string{
					"app": fmt.Sprintf("app%d", app), "tier": tiers[app%3], "version": fmt.Sprintf("v%d", (i/8)%2),
					"pod-template-hash": fmt.Sprintf("%x", r.Uint32()), "statefulset.kubernetes.io/pod-name": fmt.Sprintf("p%d", i),
				},
				IPs:   []netip.Addr{netip.AddrFrom4([4]byte{10, byte(n), byte(i / 200), byte(i % 200)})},
				Ports: []netpol.ContainerPort{{Name: "http", Port: int32(8000 + app), Protocol: tcp}, {Name: "metrics", Port: 9100, Protocol: tcp}},
			})
		}
		for k := range policiesPerNS {
			np := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("np%d", k), Namespace: ns}}
			app := fmt.Sprintf("app%d", k%8)
			switch k {
			case 0:
				np.Spec.PolicyTypes = []networkingv1.PolicyType{"Ingress", "Egress"}
			case 1:
				np.Spec.PolicyTypes = []networkingv1.PolicyType{"Egress"}
				np.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{
					To:    []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{}, PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "app7"}}}},
					Ports: []networkingv1.NetworkPolicyPort{port(intstr.FromInt32(53), &udp), port(intstr.FromInt32(53), &tcp)},
				}}
			default:
				np.Spec.PodSelector = metav1.LabelSelector{MatchLabels: map[string]string{"app": app}}
				np.Spec.PolicyTypes = []networkingv1.PolicyType{"Ingress", "Egress"}
				np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{
					{From: []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"tier": tiers[k%3]}}}},
						Ports: []networkingv1.NetworkPolicyPort{port(intstr.FromString("http"), nil)}},
					{From: []networkingv1.NetworkPolicyPeer{{
						NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": fmt.Sprintf("t%d", (n+k)%10)}},
						PodSelector:       &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "version", Operator: "NotIn", Values: []string{"v0"}}}},
					}}, Ports: []networkingv1.NetworkPolicyPort{port(intstr.FromInt32(9100), nil)}},
					{From: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "192.168.0.0/16", Except: []string{"192.168.1.0/24"}}}}},
				}
				end := int32(8100)
				np.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{
					{To: []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": fmt.Sprintf("app%d", (k+1)%8)}}}},
						Ports: []networkingv1.NetworkPolicyPort{{Port: ptr(intstr.FromInt32(8000)), EndPort: &end}}},
					{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "0.0.0.0/0", Except: []string{"10.0.0.0/8"}}}},
						Ports: []networkingv1.NetworkPolicyPort{port(intstr.FromInt32(443), nil)}},
				}
			}
			pols = append(pols, np)
		}
	}
	m, errs := netpol.New(netpol.Options{}, nss, pods, pols)
	if len(errs) > 0 {
		tb.Fatal(errs)
	}
	return m
}

func ptr[T any](v T) *T { return &v }

// BenchmarkMatrix2000 is the figure: 2,000 pods in 50 namespaces
// under 500 policies (run with -cpu 1).
func BenchmarkMatrix2000(b *testing.B) {
	m := bigCluster(b, 50, 40, 10)
	if len(m.Pods) != 2000 || len(m.Policies) != 500 {
		b.Fatalf("%d pods, %d policies", len(m.Pods), len(m.Policies))
	}
	ctx := context.Background()
	var x *netpol.ConnMatrix
	start := testutil.CPUTime()
	for b.Loop() {
		var err error
		x, err = netpol.Matrix(ctx, m, netpol.MatrixOptions{External: []string{"0.0.0.0/0"}})
		if err != nil {
			b.Fatal(err)
		}
	}
	if cpu := testutil.CPUTime() - start; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
	b.ReportMetric(float64(x.Classes()), "classes")
	b.ReportMetric(float64(len(x.Endpoints)), "endpoints")
}

// BenchmarkAllowed measures one explained query on the same cluster.
func BenchmarkAllowed(b *testing.B) {
	m := bigCluster(b, 50, 40, 10)
	src, dst := netpol.PodEndpoint(m.Pods[3]), netpol.PodEndpoint(m.Pods[1204])
	for b.Loop() {
		_ = m.Allowed(src, dst, 8004, corev1.ProtocolTCP)
	}
}

// BenchmarkMatrix2000Distinct is the worst case for equivalence classes: a
// policy selects on a per-pod label, so every pod is its own class.
func BenchmarkMatrix2000Distinct(b *testing.B) {
	base := bigCluster(b, 50, 40, 10)
	pol := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "per-pod", Namespace: "ns00"}}
	pol.Spec.PodSelector = metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "statefulset.kubernetes.io/pod-name", Operator: "In", Values: []string{"p1"}}}}
	var pols []*networkingv1.NetworkPolicy
	for _, p := range base.Policies {
		pols = append(pols, p.Raw)
	}
	m, errs := netpol.New(netpol.Options{}, base.Namespaces, base.Pods, append(pols, pol))
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	ctx := context.Background()
	var x *netpol.ConnMatrix
	start := testutil.CPUTime()
	for b.Loop() {
		var err error
		if x, err = netpol.Matrix(ctx, m, netpol.MatrixOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	if cpu := testutil.CPUTime() - start; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
	b.ReportMetric(float64(x.Classes()), "classes")
}

// BenchmarkLint lints the 2,000-pod cluster.
func BenchmarkLint(b *testing.B) {
	m := bigCluster(b, 50, 40, 10)
	start := testutil.CPUTime()
	n := 0
	for b.Loop() {
		n = len(netpol.Lint(m))
	}
	if cpu := testutil.CPUTime() - start; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
	b.ReportMetric(float64(n), "reports")
}
