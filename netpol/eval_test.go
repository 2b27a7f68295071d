package netpol

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

const evalBase = `apiVersion: v1
kind: Namespace
metadata: {name: a, labels: {team: x}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: a, labels: {app: web}}
spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
status: {podIP: 10.0.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: a, labels: {app: db}}
spec: {containers: [{name: c, ports: [{name: http, containerPort: 5432}, {name: dns, containerPort: 53, protocol: UDP}]}]}
status: {podIP: 10.0.0.2}
---
apiVersion: v1
kind: Pod
metadata: {name: cli, namespace: b, labels: {app: web}}
spec: {containers: [{name: c}]}
status: {podIP: 10.9.0.3}
---
apiVersion: v1
kind: Pod
metadata: {name: node-agent, namespace: a, labels: {app: agent}}
spec: {hostNetwork: true, containers: [{name: c}]}
status: {podIP: 192.168.0.5}
---
`

func evalModel(t *testing.T, policies string, opts Options) *Model {
	t.Helper()
	m, errs := LoadWith(context.Background(), opts, Input{Source: "m.yaml", Data: []byte(evalBase + policies)})
	require.Empty(t, errs)
	return m
}

func mustEval(t *testing.T, m *Model, from, to, port string) Verdict {
	t.Helper()
	v, err := Eval(m, from, to, port)
	require.NoError(t, err)
	return v
}

const policyHead = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"

func TestEvalSemantics(t *testing.T) {
	tests := []struct {
		name      string
		policies  string
		opts      Options
		from, to  string
		port      string
		want      bool
		wantInExp string
	}{
		{"no policies", "", Options{}, "a/web", "a/db", "5432/TCP", true, "not isolated"},
		{"deny all ingress", policyHead + "metadata: {name: deny, namespace: a}\nspec: {podSelector: {}}\n", Options{}, "a/web", "a/db", "5432/TCP", false, "isolated by a/deny; no rule admits"},
		{"egress-only rules default to Ingress+Egress", policyHead + "metadata: {name: e, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  egress: [{}]\n", Options{}, "a/web", "a/db", "5432/TCP", false, "ingress of a/db: isolated by a/e"},
		{"ingress [{}] allows all", policyHead + "metadata: {name: all, namespace: a}\nspec:\n  podSelector: {}\n  ingress: [{}]\n", Options{}, "b/cli", "a/db", "9999/SCTP", true, "admitted by a/all spec.ingress[0]"},
		{"AND within a peer", policyHead + "metadata: {name: and, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {team: x}}, podSelector: {matchLabels: {app: web}}}]\n", Options{}, "b/cli", "a/db", "5432/TCP", false, ""},
		{"AND within a peer admits a/web", policyHead + "metadata: {name: and, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {team: x}}, podSelector: {matchLabels: {app: web}}}]\n", Options{}, "a/web", "a/db", "5432/TCP", true, "spec.ingress[0].from[0]"},
		{"OR across peers", policyHead + "metadata: {name: or, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: b}}}, {podSelector: {matchLabels: {app: web}}}]\n", Options{}, "b/cli", "a/db", "5432/TCP", true, "spec.ingress[0].from[0]"},
		{"lone podSelector is the policy namespace", policyHead + "metadata: {name: ps, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]\n", Options{}, "b/cli", "a/db", "5432/TCP", false, ""},
		{"namespaceSelector {} excludes external IPs", policyHead + "metadata: {name: ns, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - from: [{namespaceSelector: {}}]\n", Options{}, "203.0.113.9", "a/db", "5432/TCP", false, ""},
		{"empty from admits external IPs", policyHead + "metadata: {name: ns, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - ports: [{port: 5432}]\n", Options{}, "203.0.113.9", "a/db", "5432/TCP", true, ""},
		{"ipBlock except", policyHead + "metadata: {name: ip, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - from: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.0/28]}}]\n", Options{}, "203.0.113.9", "a/db", "5432/TCP", false, ""},
		{"ipBlock outside except", policyHead + "metadata: {name: ip, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - from: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.0/28]}}]\n", Options{}, "203.0.113.99", "a/db", "5432/TCP", true, "spec.ingress[0].from[0]"},
		{"ipBlock matches pod IP by default", policyHead + "metadata: {name: ip, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{ipBlock: {cidr: 10.0.0.0/24}}]\n", Options{}, "a/web", "a/db", "5432/TCP", true, ""},
		{"ipBlock ignores pod IP with the option", policyHead + "metadata: {name: ip, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{ipBlock: {cidr: 10.0.0.0/24}}]\n", Options{IPBlockIgnoresPodIPs: true}, "a/web", "a/db", "5432/TCP", false, ""},
		{"endPort inclusive", policyHead + "metadata: {name: r, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - ports: [{port: 5000, endPort: 5432}]\n", Options{}, "a/web", "a/db", "5432/TCP", true, ".ports[0]"},
		{"endPort above", policyHead + "metadata: {name: r, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - ports: [{port: 5000, endPort: 5431}]\n", Options{}, "a/web", "a/db", "5432/TCP", false, ""},
		{"named port resolves on the destination", policyHead + "metadata: {name: named, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - ports: [{port: http}]\n", Options{}, "a/web", "a/db", "5432/TCP", true, ""},
		{"named port number differs per pod", policyHead + "metadata: {name: named, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - ports: [{port: http}]\n", Options{}, "a/web", "a/db", "8080/TCP", false, ""},
		{"named port needs the protocol", policyHead + "metadata: {name: named, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - ports: [{port: dns}]\n", Options{}, "a/web", "a/db", "53/TCP", false, ""},
		{"named port UDP", policyHead + "metadata: {name: named, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - ports: [{port: dns, protocol: UDP}]\n", Options{}, "a/web", "a/db", "53/UDP", true, ""},
		{"egress named port on the peer", policyHead + "metadata: {name: named, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Egress]\n  egress:\n  - ports: [{port: http}]\n", Options{}, "a/web", "a/db", "5432/TCP", true, "egress of a/web: isolated"},
		{"SCTP allowed denies TCP", policyHead + "metadata: {name: s, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - ports: [{protocol: SCTP}]\n", Options{}, "a/web", "a/db", "5432/TCP", false, ""},
		{"SCTP allowed", policyHead + "metadata: {name: s, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - ports: [{protocol: SCTP}]\n", Options{}, "a/web", "a/db", "5432/SCTP", true, ""},
		{"NotIn matches a missing key", policyHead + "metadata: {name: x, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - from: [{podSelector: {matchExpressions: [{key: tier, operator: NotIn, values: [be]}]}}]\n", Options{}, "a/web", "a/db", "5432/TCP", true, ""},
		{"DoesNotExist matches a missing key", policyHead + "metadata: {name: x, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - from: [{podSelector: {matchExpressions: [{key: tier, operator: DoesNotExist}]}}]\n", Options{}, "a/web", "a/db", "5432/TCP", true, ""},
		{"Exists needs the key", policyHead + "metadata: {name: x, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - from: [{podSelector: {matchExpressions: [{key: tier, operator: Exists}]}}]\n", Options{}, "a/web", "a/db", "5432/TCP", false, ""},
		{"policyTypes Egress ignores ingress rules", policyHead + "metadata: {name: x, namespace: a}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{}]\n  ingress: []\n", Options{}, "b/cli", "a/db", "5432/TCP", true, "not isolated"},
		{"union: deny plus allow", policyHead + "metadata: {name: deny, namespace: a}\nspec: {podSelector: {}}\n---\n" + policyHead + "metadata: {name: allow, namespace: a}\nspec: {podSelector: {}, ingress: [{}]}\n", Options{}, "a/web", "a/db", "5432/TCP", true, "isolated by a/deny, a/allow; admitted by a/allow"},
		{"policy on a hostNetwork pod has no effect", policyHead + "metadata: {name: deny, namespace: a}\nspec: {podSelector: {}}\n", Options{}, "a/web", "a/node-agent", "80/TCP", true, "hostNetwork pod"},
		{"hostNetwork as pod", policyHead + "metadata: {name: deny, namespace: a}\nspec: {podSelector: {}}\n", Options{HostNetworkAsPod: true}, "a/web", "a/node-agent", "80/TCP", false, ""},
		{"hostNetwork peer not matched by selectors", policyHead + "metadata: {name: p, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress: [{from: [{podSelector: {}}]}]\n", Options{}, "a/node-agent", "a/db", "5432/TCP", false, ""},
		{"hostNetwork peer matched by ipBlock even when ipBlocks ignore pods", policyHead + "metadata: {name: p, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress: [{from: [{ipBlock: {cidr: 192.168.0.0/24}}]}]\n", Options{IPBlockIgnoresPodIPs: true}, "a/node-agent", "a/db", "5432/TCP", true, ""},
		{"loopback", policyHead + "metadata: {name: deny, namespace: a}\nspec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n", Options{}, "a/db", "a/db", "5432/TCP", true, "loopback"},
		{"pod IP as destination is the pod", policyHead + "metadata: {name: deny, namespace: a}\nspec: {podSelector: {}}\n", Options{}, "b/cli", "10.0.0.2", "5432/TCP", false, "a/db"},
		{"egress to external", policyHead + "metadata: {name: e, namespace: a}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 443}]}]\n", Options{}, "a/web", "1.1.1.1", "443/TCP", true, "external IP"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := evalModel(t, tc.policies, tc.opts)
			v := mustEval(t, m, tc.from, tc.to, tc.port)
			assert.Equal(t, tc.want, v.Allowed, v.String())
			if tc.wantInExp != "" {
				assert.Contains(t, v.String(), tc.wantInExp)
			}
		})
	}
}

func TestVerdictExplanation(t *testing.T) {
	m := evalModel(t, policyHead+"metadata: {name: p, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{ipBlock: {cidr: 1.0.0.0/8}}, {podSelector: {matchLabels: {app: web}}}]\n    ports: [{port: 80}, {port: 5432}]\n", Options{})
	v := mustEval(t, m, "a/web", "a/db", "5432")
	require.True(t, v.Allowed)
	assert.False(t, v.Egress.Isolated)
	assert.Equal(t, []string{"a/p"}, v.Ingress.Selecting)
	assert.Equal(t, []Admission{{Policy: "a/p", Rule: 0, Peer: 1, Port: 1, Path: "spec.ingress[0].from[1]"}}, v.Ingress.Admitted)
	assert.Equal(t, "a/web => a/db 5432/TCP: allowed\n"+
		"  egress of a/web: not isolated (no NetworkPolicy selects it for Egress), allowed\n"+
		"  ingress of a/db: isolated by a/p; admitted by a/p spec.ingress[0].from[1].ports[1]\n", v.String())
}

func TestEvalErrors(t *testing.T) {
	m := evalModel(t, "", Options{})
	for _, q := range [][3]string{
		{"a/nope", "a/db", "80"}, {"a/web", "a/db", "80/ICMP"}, {"a/web", "a/db", "0"}, {"a/web", "a/db", "x/TCP"},
		{"1.1.1.1", "2.2.2.2", "80"}, {"web", "a/db", "80"},
	} {
		_, err := Eval(m, q[0], q[1], q[2])
		assert.True(t, errors.Is(err, ErrBadQuery), "%v: %v", q, err)
	}
}

func TestWorkloadExpansion(t *testing.T) {
	tmpl := "  template:\n    metadata: {labels: {app: %s}}\n    spec: {containers: [{name: c, ports: [{name: p, containerPort: 80}]}]}\n"
	var b strings.Builder
	for _, k := range []struct{ api, kind, path string }{
		{"apps/v1", "Deployment", ""}, {"apps/v1", "StatefulSet", ""}, {"apps/v1", "DaemonSet", ""}, {"apps/v1", "ReplicaSet", ""},
		{"batch/v1", "Job", ""}, {"v1", "ReplicationController", ""},
	} {
		b.WriteString("apiVersion: " + k.api + "\nkind: " + k.kind + "\nmetadata: {name: w, namespace: ns}\nspec:\n" + strings.ReplaceAll(tmpl, "%s", strings.ToLower(k.kind)) + "---\n")
	}
	b.WriteString("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: w, namespace: ns}\nspec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n" + indent(strings.ReplaceAll(tmpl, "%s", "cronjob"), "    ") + "---\n")
	b.WriteString("apiVersion: v1\nkind: PodTemplate\nmetadata: {name: w, namespace: ns}\n" + strings.TrimPrefix(strings.ReplaceAll(strings.ReplaceAll(tmpl, "%s", "podtemplate"), "\n  ", "\n"), "  "))
	m, errs := Load(context.Background(), Input{Source: "w.yaml", Data: []byte(b.String())})
	require.Empty(t, errs)
	var got []string
	for _, p := range m.Pods {
		got = append(got, p.ID()+" app="+p.Labels["app"])
		assert.Equal(t, []ContainerPort{{Name: "p", Port: 80, Protocol: corev1.ProtocolTCP}}, p.Ports)
	}
	assert.Equal(t, []string{
		"ns/w[Deployment] app=deployment", "ns/w[StatefulSet] app=statefulset", "ns/w[DaemonSet] app=daemonset",
		"ns/w[ReplicaSet] app=replicaset", "ns/w[Job] app=job", "ns/w[ReplicationController] app=replicationcontroller",
		"ns/w[CronJob] app=cronjob", "ns/w[PodTemplate] app=podtemplate",
	}, got)
	require.NotNil(t, m.Namespace("ns"))
	assert.True(t, m.Namespace("ns").Synthesized)
	assert.Equal(t, map[string]string{NamespaceNameLabel: "ns"}, m.Namespace("ns").Labels)
}

func indent(s, pre string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	for i := range lines {
		lines[i] = pre + lines[i]
	}
	return strings.Join(lines, "\n") + "\n"
}

func TestNamespaceLabelSynthesized(t *testing.T) {
	// A Namespace object without the label still gets it (the API server
	// sets it on every namespace).
	m := evalModel(t, "", Options{})
	assert.Equal(t, "a", m.Namespace("a").Labels[NamespaceNameLabel])
	assert.Equal(t, "x", m.Namespace("a").Labels["team"])
	assert.Equal(t, "b", m.Namespace("b").Labels[NamespaceNameLabel])
}

func TestDefaulting(t *testing.T) {
	raw := &networkingv1.NetworkPolicy{}
	raw.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{Ports: []networkingv1.NetworkPolicyPort{{}}}}
	d := defaultPolicy(raw)
	assert.Equal(t, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}, d.Spec.PolicyTypes)
	assert.Equal(t, corev1.ProtocolTCP, *d.Spec.Egress[0].Ports[0].Protocol)
	assert.Equal(t, DefaultNamespace, d.Namespace)
	assert.Nil(t, raw.Spec.PolicyTypes, "the raw policy is kept as written")
	assert.Nil(t, raw.Spec.Egress[0].Ports[0].Protocol)

	raw2 := &networkingv1.NetworkPolicy{}
	raw2.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{}
	assert.Equal(t, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}, defaultPolicy(raw2).Spec.PolicyTypes, "egress: [] alone does not add Egress")
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m, errs := Load(ctx, Input{Source: "x", Data: []byte(evalBase)})
	require.NotEmpty(t, errs)
	assert.True(t, errors.Is(errs[0], context.Canceled))
	_, err := Matrix(ctx, m, MatrixOptions{})
	assert.True(t, errors.Is(err, context.Canceled))
}

func TestConnSet(t *testing.T) {
	var c ConnSet
	assert.Equal(t, "No Connections", c.String())
	c.add(protoIndex(corev1.ProtocolTCP), 80, 80)
	c.add(protoIndex(corev1.ProtocolTCP), 81, 90)
	c.add(protoIndex(corev1.ProtocolTCP), 100, 100)
	c.add(protoIndex(corev1.ProtocolUDP), 53, 53)
	assert.Equal(t, "TCP 80-90,100,UDP 53", c.String())
	assert.True(t, c.Contains(85, corev1.ProtocolTCP))
	assert.False(t, c.Contains(95, corev1.ProtocolTCP))
	assert.False(t, c.Contains(53, corev1.ProtocolSCTP))
	assert.Equal(t, "All Connections", AllConns().String())
	assert.True(t, c.Union(AllConns()).IsAll())
	assert.True(t, c.Intersect(AllConns()).Equal(c))
	var d ConnSet
	d.add(protoIndex(corev1.ProtocolTCP), 85, 120)
	assert.Equal(t, "TCP 85-90,100", c.Intersect(d).String())
	assert.Equal(t, "TCP 80-120,UDP 53", c.Union(d).String())
	var s ConnSet
	s.add(protoIndex(corev1.ProtocolSCTP), 1, 65535)
	assert.Equal(t, "SCTP 1-65535", s.String())
}

func TestSplitExternal(t *testing.T) {
	m := evalModel(t, policyHead+"metadata: {name: ip, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 172.21.0.0/16]}}]\n    ports: [{port: 5432}]\n", Options{IPBlockIgnoresPodIPs: true})
	x, err := Matrix(context.Background(), m, MatrixOptions{External: []string{"0.0.0.0/0"}})
	require.NoError(t, err)
	var ext []string
	for _, e := range x.Endpoints {
		if e.Pod == nil {
			ext = append(ext, e.Name)
		}
	}
	// The excepts cut the space; neighbours with the same treatment merge.
	assert.Equal(t, []string{
		"0.0.0.0-9.255.255.255[External]", "10.0.0.0-10.255.255.255[External]", "11.0.0.0-172.20.255.255[External]",
		"172.21.0.0-172.21.255.255[External]", "172.22.0.0-255.255.255.255[External]",
	}, ext)
	db := x.Index("a/db")
	assert.Equal(t, "TCP 5432", x.Conns(x.Index("0.0.0.0-9.255.255.255[External]"), db).String())
	assert.True(t, x.Conns(x.Index("10.0.0.0-10.255.255.255[External]"), db).IsEmpty())
	assert.Equal(t, netip.MustParseAddr("172.22.0.0"), x.Endpoints[x.Index("172.22.0.0-255.255.255.255[External]")].First)
	_, err = Matrix(context.Background(), m, MatrixOptions{External: []string{"nope"}})
	assert.True(t, errors.Is(err, ErrBadCIDR))
	_, err = Matrix(context.Background(), m, MatrixOptions{MaxClasses: 2})
	assert.True(t, errors.Is(err, ErrTooManyClasses))
}

func TestEvalService(t *testing.T) {
	svc := `apiVersion: v1
kind: Service
metadata: {name: db, namespace: a}
spec:
  selector: {app: db}
  ports:
  - {name: pg, port: 80, targetPort: http}
  - {name: dns, port: 53, protocol: UDP, targetPort: dns}
  - {name: raw, port: 9000, targetPort: 9001}
  - {name: same, port: 7000}
---
apiVersion: v1
kind: Service
metadata: {name: manual, namespace: a}
spec:
  ports: [{port: 80}]
---
`
	m := evalModel(t, svc+policyHead+"metadata: {name: p, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress: [{ports: [{port: 5432}, {port: 53, protocol: UDP}]}]\n", Options{})
	vs, err := EvalService(m, "a/web", "a/db", "80/TCP")
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.Equal(t, "a/db", vs[0].To)
	assert.Equal(t, 5432, vs[0].Port, "named targetPort resolved on the pod")
	assert.True(t, vs[0].Allowed, vs[0].String())

	vs, err = EvalService(m, "a/web", "a/db", "53/UDP")
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.True(t, vs[0].Allowed)

	for port, want := range map[string]int{"9000/TCP": 9001, "7000/TCP": 7000} {
		vs, err = EvalService(m, "a/web", "a/db", port)
		require.NoError(t, err)
		require.Len(t, vs, 1)
		assert.Equal(t, want, vs[0].Port)
		assert.False(t, vs[0].Allowed)
	}
	vs, err = EvalService(m, "a/web", "a/manual", "80/TCP")
	require.NoError(t, err)
	assert.Empty(t, vs, "a Service without selector has no static backends")
	_, err = EvalService(m, "a/web", "a/db", "81/TCP")
	assert.True(t, errors.Is(err, ErrBadQuery))
	_, err = EvalService(m, "a/web", "a/none", "80/TCP")
	assert.True(t, errors.Is(err, ErrBadQuery))
}

func TestIsolationReport(t *testing.T) {
	m := evalModel(t, policyHead+"metadata: {name: deny, namespace: a}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n---\n"+
		policyHead+"metadata: {name: eg, namespace: a}\nspec: {podSelector: {}, policyTypes: [Egress], egress: [{ports: [{port: 53, protocol: UDP}]}]}\n---\n"+
		policyHead+"metadata: {name: web, namespace: b}\nspec: {podSelector: {matchLabels: {app: web}}, ingress: [{}]}\n", Options{})
	r := m.Isolation()
	byPod := map[string]PodIsolation{}
	for _, p := range r.Pods {
		byPod[p.Pod] = p
	}
	assert.Equal(t, PodIsolation{Pod: "a/web", IngressIsolated: true, EgressIsolated: true, IngressPolicies: []string{"a/deny"}, EgressPolicies: []string{"a/eg"}}, byPod["a/web"])
	assert.Equal(t, PodIsolation{Pod: "a/node-agent", HostNetwork: true}, byPod["a/node-agent"])
	assert.Equal(t, PodIsolation{Pod: "b/cli", IngressIsolated: true, IngressPolicies: []string{"b/web"}}, byPod["b/cli"])
	assert.Equal(t, []NamespaceIsolation{
		{Namespace: "a", Pods: 3, DefaultDenyIngress: true, DefaultDenyEgress: true, DenyAllIngress: true, IngressPolicies: []string{"a/deny"}, EgressPolicies: []string{"a/eg"}},
		{Namespace: "b", Pods: 1},
	}, r.Namespaces)
	assert.Equal(t, []NamespaceIsolation{{Namespace: "b", Pods: 1}}, r.WithoutDefaultDeny())
}

func TestLoadBadDocumentKeepsTheRest(t *testing.T) {
	in := "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: 5\n---\n" + evalBase
	m, errs := Load(context.Background(), Input{Source: "bad.yaml", Data: []byte(in)})
	require.Len(t, errs, 1)
	assert.Equal(t, "bad.yaml", errs[0].Source)
	assert.Equal(t, 0, errs[0].Document)
	assert.Equal(t, 5, errs[0].Line)
	assert.Contains(t, errs[0].Error(), "podSelector")
	assert.Len(t, m.Pods, 4)
	assert.Empty(t, m.Policies)
}
