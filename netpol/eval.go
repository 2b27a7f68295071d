package netpol

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// ErrBadQuery is returned by Eval and ParsePort for malformed arguments or
// pods the model does not hold.
var ErrBadQuery = errors.New("bad query")

// Endpoint is one end of a connection: a pod of the model, or an IP address
// outside it (Pod nil). For a pod, IP optionally names the address used
// (default: any of the pod's IPs).
type Endpoint struct {
	Pod *Pod
	IP  netip.Addr
}

// String renders the pod ID or the IP.
func (e Endpoint) String() string {
	if e.Pod != nil {
		return e.Pod.ID()
	}
	if !e.IP.IsValid() {
		return "<unknown>"
	}
	return e.IP.String()
}

// PodEndpoint and IPEndpoint are shorthands.
func PodEndpoint(p *Pod) Endpoint { return Endpoint{Pod: p} }

// IPEndpoint returns the endpoint of an external address.
func IPEndpoint(a netip.Addr) Endpoint { return Endpoint{IP: a.Unmap()} }

// Admission names the rule and peer of a policy that admitted a connection.
type Admission struct {
	Policy string // "ns/name"
	// Rule is the index in spec.ingress or spec.egress.
	Rule int
	// Peer is the index in from/to, or -1 when the rule has no peers (all).
	Peer int
	// Port is the index in ports, or -1 when the rule has no ports (all).
	Port int
	// Path is the field path of the peer (or of the rule): "spec.ingress[0].from[1]".
	Path string
}

// Direction is the outcome of one side of a connection: the source's egress
// or the destination's ingress.
type Direction struct {
	Type networkingv1.PolicyType
	// Endpoint is the pod whose policies apply ("" for an external IP).
	Endpoint string
	// External is true when the endpoint is an IP outside the model: no
	// policy applies to it.
	External bool
	// HostNetwork is true when the pod uses the host network and the model
	// treats it as node traffic (policies selecting it have no effect).
	HostNetwork bool
	// Isolated is true when at least one policy selects the pod for Type.
	Isolated bool
	// Selecting lists the policies ("ns/name") that select the pod for Type.
	Selecting []string
	// Admitted lists every rule and peer that admits the connection.
	Admitted []Admission
	Allowed  bool
}

// Verdict is the answer to one Allowed query.
type Verdict struct {
	From, To string
	Port     int
	Protocol corev1.Protocol
	Allowed  bool
	// Loopback is true for a pod talking to itself, which policies cannot block.
	Loopback bool
	Egress   Direction
	Ingress  Direction
}

// String explains the verdict on a few lines.
func (v Verdict) String() string {
	var b strings.Builder
	word := "denied"
	if v.Allowed {
		word = "allowed"
	}
	fmt.Fprintf(&b, "%s => %s %d/%s: %s\n", v.From, v.To, v.Port, v.Protocol, word)
	if v.Loopback {
		b.WriteString("  loopback traffic of a pod to itself cannot be blocked by NetworkPolicy\n")
		return b.String()
	}
	for _, d := range []Direction{v.Egress, v.Ingress} {
		side := "egress of " + d.Endpoint
		if d.Type == networkingv1.PolicyTypeIngress {
			side = "ingress of " + d.Endpoint
		}
		switch {
		case d.External:
			fmt.Fprintf(&b, "  %s: external IP, no policy applies\n", strings.TrimSuffix(side, " "))
		case d.HostNetwork:
			fmt.Fprintf(&b, "  %s: hostNetwork pod, NetworkPolicies do not apply (treated as node traffic)\n", side)
		case !d.Isolated:
			fmt.Fprintf(&b, "  %s: not isolated (no NetworkPolicy selects it for %s), allowed\n", side, d.Type)
		case d.Allowed:
			fmt.Fprintf(&b, "  %s: isolated by %s; admitted by", side, strings.Join(d.Selecting, ", "))
			for i, a := range d.Admitted {
				if i > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, " %s %s", a.Policy, a.Path)
				if a.Port >= 0 {
					fmt.Fprintf(&b, ".ports[%d]", a.Port)
				}
			}
			b.WriteString("\n")
		default:
			fmt.Fprintf(&b, "  %s: isolated by %s; no rule admits it, denied\n", side, strings.Join(d.Selecting, ", "))
		}
	}
	return b.String()
}

// Allowed evaluates whether src may open a connection to dst on port/proto:
// the source's egress and the destination's ingress must both allow it. At
// least one side must be a pod. A pod talking to itself is always allowed.
func (m *Model) Allowed(src, dst Endpoint, port int, proto corev1.Protocol) Verdict {
	v := Verdict{From: src.String(), To: dst.String(), Port: port, Protocol: proto}
	if src.Pod != nil && src.Pod == dst.Pod {
		v.Allowed, v.Loopback = true, true
		return v
	}
	v.Egress = m.direction(networkingv1.PolicyTypeEgress, src, dst, port, proto, true)
	v.Ingress = m.direction(networkingv1.PolicyTypeIngress, dst, src, port, proto, true)
	v.Allowed = v.Egress.Allowed && v.Ingress.Allowed
	return v
}

// effectiveHostNetwork reports whether p is treated as node traffic.
func (m *Model) effectiveHostNetwork(p *Pod) bool {
	return p != nil && p.HostNetwork && !m.opts.HostNetworkAsPod
}

// selects reports whether policy pol applies to pod p (same namespace,
// podSelector matches).
func (m *Model) selects(pol *Policy, p *Pod) bool {
	return pol.c.ns == p.Namespace && pol.c.sel.matches(p.Labels)
}

// direction evaluates one side. self is the pod whose policies apply (for
// egress the source, for ingress the destination); peer is the other end.
func (m *Model) direction(t networkingv1.PolicyType, self, peer Endpoint, port int, proto corev1.Protocol, explain bool) Direction {
	d := Direction{Type: t, Endpoint: self.String()}
	if self.Pod == nil {
		d.External, d.Allowed = true, true
		return d
	}
	if m.effectiveHostNetwork(self.Pod) {
		d.HostNetwork, d.Allowed = true, true
		return d
	}
	ingress := t == networkingv1.PolicyTypeIngress
	// The pod on which named ports resolve: the destination of the connection.
	dstPod := peer.Pod
	if ingress {
		dstPod = self.Pod
	}
	for _, pol := range m.byNS[self.Pod.Namespace] {
		if !(ingress && pol.c.ingress || !ingress && pol.c.egress) || !pol.c.sel.matches(self.Pod.Labels) {
			continue
		}
		d.Isolated = true
		d.Selecting = append(d.Selecting, pol.ID())
		rules, kind, peers := pol.c.eg, "egress", "to"
		if ingress {
			rules, kind, peers = pol.c.in, "ingress", "from"
		}
		for i := range rules {
			r := &rules[i]
			pi := m.matchPorts(r, dstPod, port, proto)
			if pi == -2 {
				continue
			}
			if len(r.peers) == 0 {
				d.Allowed = true
				d.Admitted = append(d.Admitted, Admission{Policy: pol.ID(), Rule: i, Peer: -1, Port: pi, Path: fmt.Sprintf("spec.%s[%d]", kind, i)})
				continue
			}
			for j := range r.peers {
				if m.matchPeer(&r.peers[j], pol.c.ns, peer) {
					d.Allowed = true
					d.Admitted = append(d.Admitted, Admission{Policy: pol.ID(), Rule: i, Peer: j, Port: pi, Path: fmt.Sprintf("spec.%s[%d].%s[%d]", kind, i, peers, j)})
					break
				}
			}
		}
	}
	if !d.Isolated {
		d.Allowed = true
	}
	return d
}

// matchPorts returns -1 when the rule has no ports, the index of the first
// matching port entry, or -2 when none matches. Named ports resolve on dst
// (nil for an external IP: never).
func (m *Model) matchPorts(r *crule, dst *Pod, port int, proto corev1.Protocol) int {
	if len(r.ports) == 0 {
		return -1
	}
	for k := range r.ports {
		p := &r.ports[k]
		if p.proto != proto {
			continue
		}
		switch {
		case p.all:
			return k
		case p.name != "":
			if dst != nil && podDefinesPort(dst, p.name, proto, port) {
				return k
			}
		case port >= p.lo && port <= p.hi:
			return k
		}
	}
	return -2
}

func podDefinesPort(p *Pod, name string, proto corev1.Protocol, port int) bool {
	for _, cp := range p.Ports {
		if cp.Name == name && cp.Protocol == proto && int(cp.Port) == port {
			return true
		}
	}
	return false
}

// matchPeer reports whether peer admits the endpoint e for a policy in
// namespace ns.
func (m *Model) matchPeer(pr *cpeer, ns string, e Endpoint) bool {
	switch pr.kind {
	case peerIPBlock:
		if e.Pod == nil {
			return e.IP.IsValid() && pr.block.contains(e.IP)
		}
		if m.opts.IPBlockIgnoresPodIPs && !m.effectiveHostNetwork(e.Pod) {
			return false
		}
		if e.IP.IsValid() {
			return pr.block.contains(e.IP)
		}
		for _, a := range e.Pod.IPs {
			if pr.block.contains(a) {
				return true
			}
		}
		return false
	case peerSelectors:
		if e.Pod == nil || m.effectiveHostNetwork(e.Pod) {
			return false
		}
		return m.matchSelectors(pr, ns, e.Pod.Namespace, e.Pod.Labels)
	}
	return false
}

func (m *Model) matchSelectors(pr *cpeer, policyNS, podNS string, podLabels map[string]string) bool {
	if pr.pod != nil && !pr.pod.matches(podLabels) {
		return false
	}
	if pr.ns == nil {
		return podNS == policyNS
	}
	return pr.ns.matches(m.nsLabels(podNS))
}

// ParsePort parses "80/TCP", "53/udp" or "8080" (TCP) into a port number
// and protocol.
func ParsePort(s string) (int, corev1.Protocol, error) {
	num, proto, found := strings.Cut(strings.TrimSpace(s), "/")
	p := corev1.ProtocolTCP
	if found {
		p = corev1.Protocol(strings.ToUpper(proto))
	}
	switch p {
	case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
	default:
		return 0, "", fmt.Errorf("%w: protocol %q (want TCP, UDP or SCTP)", ErrBadQuery, proto)
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > 65535 {
		return 0, "", fmt.Errorf("%w: port %q (want 1-65535)", ErrBadQuery, num)
	}
	return n, p, nil
}

// ParseEndpoint resolves "ns/pod", "ns/name[Kind]" or an IP address.
func (m *Model) ParseEndpoint(s string) (Endpoint, error) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		for _, p := range m.Pods {
			if containsAddr(p.IPs, a) {
				return Endpoint{Pod: p, IP: a.Unmap()}, nil
			}
		}
		return IPEndpoint(a), nil
	}
	if p := m.Pod(s); p != nil {
		return PodEndpoint(p), nil
	}
	if _, _, ok := splitID(s); !ok {
		return Endpoint{}, fmt.Errorf("%w: %q is neither ns/pod nor an IP address", ErrBadQuery, s)
	}
	return Endpoint{}, fmt.Errorf("%w: no pod or workload %q in the input (or the name is ambiguous: use ns/name[Kind])", ErrBadQuery, s)
}

// Eval answers one query written as the CLI takes it: from and to are
// "ns/pod", "ns/name[Kind]" or an IP address, port is "80/TCP".
func Eval(m *Model, from, to, port string) (Verdict, error) {
	src, err := m.ParseEndpoint(from)
	if err != nil {
		return Verdict{}, err
	}
	dst, err := m.ParseEndpoint(to)
	if err != nil {
		return Verdict{}, err
	}
	if src.Pod == nil && dst.Pod == nil {
		return Verdict{}, fmt.Errorf("%w: at least one side must be a pod", ErrBadQuery)
	}
	n, proto, err := ParsePort(port)
	if err != nil {
		return Verdict{}, err
	}
	return m.Allowed(src, dst, n, proto), nil
}
