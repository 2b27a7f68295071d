package netpol

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Sentinel errors for policies the API server would reject (wrapped in
// *kubeharden.InputError by Load). Policies failing with ErrInvalidPolicy are
// left out of the model, since they cannot exist in a cluster.
var (
	ErrInvalidPolicy = errors.New("invalid NetworkPolicy")
	// ErrDuplicatePolicy: two policies share a namespace and name; the model
	// keeps the last one (what kubectl apply of the stream leaves).
	ErrDuplicatePolicy = errors.New("duplicate NetworkPolicy")
	// ErrNamedPortIPBlock: an egress rule combines a named port with an
	// ipBlock peer; the name can never resolve on an external IP. The API
	// server accepts it, so the policy stays in the model.
	ErrNamedPortIPBlock = errors.New("named port with an ipBlock peer")
)

// selector is a compiled metav1.LabelSelector.
type selector struct {
	reqs []requirement
}

type selOp uint8

const (
	opIn selOp = iota
	opNotIn
	opExists
	opDoesNotExist
)

type requirement struct {
	key    string
	op     selOp
	values []string
}

// compileSelector validates s as the API server does and compiles it. A nil
// s compiles to nil.
func compileSelector(s *metav1.LabelSelector) (*selector, error) {
	if s == nil {
		return nil, nil
	}
	if _, err := metav1.LabelSelectorAsSelector(s); err != nil {
		return nil, err
	}
	out := &selector{}
	for k, v := range s.MatchLabels {
		out.reqs = append(out.reqs, requirement{key: k, op: opIn, values: []string{v}})
	}
	for _, e := range s.MatchExpressions {
		r := requirement{key: e.Key, values: slices.Clone(e.Values)}
		switch e.Operator {
		case metav1.LabelSelectorOpIn:
			r.op = opIn
		case metav1.LabelSelectorOpNotIn:
			r.op = opNotIn
		case metav1.LabelSelectorOpExists:
			r.op = opExists
		case metav1.LabelSelectorOpDoesNotExist:
			r.op = opDoesNotExist
		default:
			return nil, fmt.Errorf("%q is not a valid label selector operator", e.Operator)
		}
		out.reqs = append(out.reqs, r)
	}
	slices.SortFunc(out.reqs, func(a, b requirement) int { return strings.Compare(a.key, b.key) })
	return out, nil
}

// matches reports whether labels satisfy every requirement (an empty
// selector matches everything). NotIn and DoesNotExist match a missing key.
func (s *selector) matches(labels map[string]string) bool {
	for i := range s.reqs {
		r := &s.reqs[i]
		v, ok := labels[r.key]
		switch r.op {
		case opIn:
			if !ok || !slices.Contains(r.values, v) {
				return false
			}
		case opNotIn:
			if ok && slices.Contains(r.values, v) {
				return false
			}
		case opExists:
			if !ok {
				return false
			}
		case opDoesNotExist:
			if ok {
				return false
			}
		}
	}
	return true
}

func (s *selector) empty() bool { return len(s.reqs) == 0 }

// ipBlock is a compiled ipBlock: cidr minus the excepts.
type ipBlock struct {
	cidr   netip.Prefix
	except []netip.Prefix
}

func (b *ipBlock) contains(a netip.Addr) bool {
	a = a.Unmap()
	if !b.cidr.Contains(a) {
		return false
	}
	for _, e := range b.except {
		if e.Contains(a) {
			return false
		}
	}
	return true
}

// String renders the block as "cidr except a,b" (its identity).
func (b *ipBlock) String() string {
	var sb strings.Builder
	sb.WriteString(b.cidr.String())
	for i, e := range b.except {
		if i == 0 {
			sb.WriteString(" except ")
		} else {
			sb.WriteByte(',')
		}
		sb.WriteString(e.String())
	}
	return sb.String()
}

// parseCIDR parses a CIDR the way net.ParseCIDR does (host bits allowed and
// masked off).
func parseCIDR(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	if p.Addr().Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("zone not allowed in %q", s)
	}
	return p.Masked(), nil
}

// cport is a compiled NetworkPolicyPort.
type cport struct {
	proto  corev1.Protocol
	all    bool // no port: every port of proto
	lo, hi int  // numeric range (inclusive)
	name   string
}

type peerKind uint8

const (
	peerSelectors peerKind = iota
	peerIPBlock
	peerEmpty // invalid; matches nothing
)

type cpeer struct {
	kind  peerKind
	pod   *selector // nil: absent
	ns    *selector // nil: absent
	block ipBlock
}

type crule struct {
	ports    []cport // empty: every port and protocol
	peers    []cpeer // empty: every peer, external IPs included
	hasNamed bool
}

type cpolicy struct {
	ns              string
	sel             *selector
	ingress, egress bool
	in, eg          []crule
}

// defaultPolicy returns a deep copy of p with the API server's defaults:
// namespace, policyTypes and port protocols.
func defaultPolicy(p *networkingv1.NetworkPolicy) *networkingv1.NetworkPolicy {
	d := p.DeepCopy()
	if d.Namespace == "" {
		d.Namespace = DefaultNamespace
	}
	if len(d.Spec.PolicyTypes) == 0 {
		d.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
		if len(d.Spec.Egress) > 0 {
			d.Spec.PolicyTypes = append(d.Spec.PolicyTypes, networkingv1.PolicyTypeEgress)
		}
	}
	tcp := corev1.ProtocolTCP
	for i := range d.Spec.Ingress {
		for j := range d.Spec.Ingress[i].Ports {
			if d.Spec.Ingress[i].Ports[j].Protocol == nil {
				d.Spec.Ingress[i].Ports[j].Protocol = &tcp
			}
		}
	}
	for i := range d.Spec.Egress {
		for j := range d.Spec.Egress[i].Ports {
			if d.Spec.Egress[i].Ports[j].Protocol == nil {
				d.Spec.Egress[i].Ports[j].Protocol = &tcp
			}
		}
	}
	return d
}

// validationError is one reason the API server rejects a policy, with the
// field path.
type validationError struct {
	path string
	err  error
}

// compilePolicy validates the defaulted policy d and compiles it. Errors are
// returned per field; a policy with errors must not be evaluated.
func compilePolicy(d *networkingv1.NetworkPolicy) (*cpolicy, []validationError) {
	var errs []validationError
	add := func(path string, format string, args ...any) {
		errs = append(errs, validationError{path: path, err: fmt.Errorf("%w: %s: %s", ErrInvalidPolicy, path, fmt.Sprintf(format, args...))})
	}
	c := &cpolicy{ns: d.Namespace}
	sel, err := compileSelector(&d.Spec.PodSelector)
	if err != nil {
		add("spec.podSelector", "%v", err)
		sel = &selector{}
	}
	c.sel = sel
	for i, t := range d.Spec.PolicyTypes {
		switch t {
		case networkingv1.PolicyTypeIngress:
			c.ingress = true
		case networkingv1.PolicyTypeEgress:
			c.egress = true
		default:
			add(fmt.Sprintf("spec.policyTypes[%d]", i), "unsupported policy type %q (want Ingress or Egress)", t)
		}
	}
	if len(d.Spec.PolicyTypes) > 2 {
		add("spec.policyTypes", "may hold at most 2 entries")
	}
	for i, r := range d.Spec.Ingress {
		path := fmt.Sprintf("spec.ingress[%d]", i)
		cr := crule{}
		cr.ports, cr.hasNamed = compilePorts(r.Ports, path+".ports", add)
		cr.peers = compilePeers(r.From, path+".from", add)
		c.in = append(c.in, cr)
	}
	for i, r := range d.Spec.Egress {
		path := fmt.Sprintf("spec.egress[%d]", i)
		cr := crule{}
		cr.ports, cr.hasNamed = compilePorts(r.Ports, path+".ports", add)
		cr.peers = compilePeers(r.To, path+".to", add)
		c.eg = append(c.eg, cr)
	}
	return c, errs
}

func compilePorts(ps []networkingv1.NetworkPolicyPort, path string, add func(string, string, ...any)) ([]cport, bool) {
	out := make([]cport, 0, len(ps))
	named := false
	for j, p := range ps {
		pp := fmt.Sprintf("%s[%d]", path, j)
		cp := cport{proto: corev1.ProtocolTCP}
		if p.Protocol != nil {
			cp.proto = *p.Protocol
		}
		switch cp.proto {
		case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
		default:
			add(pp+".protocol", "unsupported protocol %q (want TCP, UDP or SCTP)", cp.proto)
		}
		switch {
		case p.Port == nil:
			cp.all = true
			if p.EndPort != nil {
				add(pp+".endPort", "may not be set without port")
			}
		case p.Port.Type == intstr.String:
			cp.name = p.Port.StrVal
			named = true
			if msgs := validation.IsValidPortName(cp.name); len(msgs) > 0 {
				add(pp+".port", "invalid port name %q: %s", cp.name, strings.Join(msgs, "; "))
			}
			if p.EndPort != nil {
				add(pp+".endPort", "may not be set when port is a named port")
			}
		default:
			cp.lo = int(p.Port.IntVal)
			cp.hi = cp.lo
			if cp.lo < 1 || cp.lo > 65535 {
				add(pp+".port", "port %d must be between 1 and 65535", cp.lo)
			}
			if p.EndPort != nil {
				cp.hi = int(*p.EndPort)
				if cp.hi < cp.lo || cp.hi > 65535 {
					add(pp+".endPort", "endPort %d must be between port %d and 65535", cp.hi, cp.lo)
				}
			}
		}
		out = append(out, cp)
	}
	return out, named
}

func compilePeers(ps []networkingv1.NetworkPolicyPeer, path string, add func(string, string, ...any)) []cpeer {
	out := make([]cpeer, 0, len(ps))
	for j, p := range ps {
		pp := fmt.Sprintf("%s[%d]", path, j)
		var cp cpeer
		switch {
		case p.IPBlock != nil:
			cp.kind = peerIPBlock
			if p.PodSelector != nil || p.NamespaceSelector != nil {
				add(pp, "may not set ipBlock together with podSelector or namespaceSelector")
			}
			cidr, err := parseCIDR(p.IPBlock.CIDR)
			if err != nil {
				add(pp+".ipBlock.cidr", "invalid CIDR %q: %v", p.IPBlock.CIDR, err)
			}
			cp.block.cidr = cidr
			for k, e := range p.IPBlock.Except {
				ep := fmt.Sprintf("%s.ipBlock.except[%d]", pp, k)
				ex, err := parseCIDR(e)
				if err != nil {
					add(ep, "invalid CIDR %q: %v", e, err)
					continue
				}
				if cidr.IsValid() && (ex.Addr().Is4() != cidr.Addr().Is4() || ex.Bits() <= cidr.Bits() || !cidr.Contains(ex.Addr())) {
					add(ep, "%q must be strictly within cidr %q", e, p.IPBlock.CIDR)
				}
				cp.block.except = append(cp.block.except, ex)
			}
		case p.PodSelector == nil && p.NamespaceSelector == nil:
			cp.kind = peerEmpty
			add(pp, "a peer must set podSelector, namespaceSelector or ipBlock")
		default:
			var err error
			if cp.pod, err = compileSelector(p.PodSelector); err != nil {
				add(pp+".podSelector", "%v", err)
			}
			if cp.ns, err = compileSelector(p.NamespaceSelector); err != nil {
				add(pp+".namespaceSelector", "%v", err)
			}
		}
		out = append(out, cp)
	}
	return out
}
