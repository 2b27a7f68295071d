package netpol

import (
	"net/netip"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/kubeharden/kubeharden/internal/decode"
)

// NamespaceNameLabel is the immutable label the API server puts on every
// namespace (Kubernetes 1.22+). The model synthesizes it.
const NamespaceNameLabel = "kubernetes.io/metadata.name"

// DefaultNamespace is where namespaced objects without metadata.namespace land.
const DefaultNamespace = "default"

// Protocols the NetworkPolicy API knows, in the order the package renders them.
var protocols = [...]corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}

// Origin locates the object a model element came from.
type Origin struct {
	Source   string // file name
	Document int    // 0-based document index in Source
	Line     int    // 1-based line where the document starts
	// Path is the field path of the pod template inside the object
	// ("spec.template", "spec.jobTemplate.spec.template"), empty for Pods.
	Path string
}

// Namespace is one namespace of the model.
type Namespace struct {
	Name string
	// Labels include kubernetes.io/metadata.name=Name.
	Labels map[string]string
	// Synthesized is true when no Namespace object was in the input and the
	// namespace exists only because a pod or policy refers to it.
	Synthesized bool
	Origin      Origin
}

// ContainerPort is a port a pod's container declares (protocol defaulted to TCP).
type ContainerPort struct {
	Name     string
	Port     int32
	Protocol corev1.Protocol
}

// Pod is a pod of the model: a Pod object, or the representative pod of a
// workload's pod template.
type Pod struct {
	Namespace string
	Name      string
	// Kind is "Pod" for Pod objects and the workload kind (Deployment,
	// StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
	// ReplicationController, PodTemplate) for template representatives.
	Kind   string
	Labels map[string]string
	// IPs are the pod IPs from status.podIP/podIPs; empty when unknown
	// (always for templates).
	IPs         []netip.Addr
	HostNetwork bool
	// Ports are the ports of spec.containers (init containers are not
	// looked at, as in kube-network-policies).
	Ports []ContainerPort
	// Owner is the controller owning a Pod object, "Kind/name" (from
	// metadata.ownerReferences), empty otherwise.
	Owner  string
	Origin Origin
}

// Workload names the pod's owner the way netpol-analyzer groups pods:
// "ns/owner[Kind]" for controlled Pods, "ns/name[Kind]" otherwise (Kind
// "Pod" for bare pods).
func (p *Pod) Workload() string {
	if k, n, ok := strings.Cut(p.Owner, "/"); ok {
		return p.Namespace + "/" + n + "[" + k + "]"
	}
	kind := p.Kind
	if kind == "" {
		kind = "Pod"
	}
	return p.Namespace + "/" + p.Name + "[" + kind + "]"
}

// ID names the pod: "ns/name" for Pod objects, "ns/name[Kind]" for workload
// representatives (netpol-analyzer's notation).
func (p *Pod) ID() string {
	if p.Kind == "" || p.Kind == "Pod" {
		return p.Namespace + "/" + p.Name
	}
	return p.Namespace + "/" + p.Name + "[" + p.Kind + "]"
}

// Service is a Service of the model, kept to resolve service ports to the
// target ports of the pods it selects.
type Service struct {
	Namespace string
	Name      string
	Selector  map[string]string
	Ports     []corev1.ServicePort
	Origin    Origin
}

// Policy is one NetworkPolicy of the model.
type Policy struct {
	// Raw is the policy as written (after decoding).
	Raw *networkingv1.NetworkPolicy
	// Defaulted is the policy after API-server defaulting: namespace set,
	// policyTypes filled, port protocols set to TCP.
	Defaulted *networkingv1.NetworkPolicy
	Origin    Origin
	// Problems are unknown, duplicate and case-variant keys of the document.
	Problems []decode.FieldProblem

	// Invalid lists the reasons the API server would reject the policy
	// (only for policies in Model.Rejected).
	Invalid []FieldError

	doc *decode.Document
	c   *cpolicy
}

// FieldError is a validation error at a field path of an object.
type FieldError struct {
	Path string
	Err  error
}

// Namespace returns the namespace the policy applies to.
func (p *Policy) Namespace() string { return p.Defaulted.Namespace }

// Name returns the policy name.
func (p *Policy) Name() string { return p.Defaulted.Name }

// ID returns "ns/name".
func (p *Policy) ID() string { return p.Defaulted.Namespace + "/" + p.Defaulted.Name }

// HasType reports whether the defaulted policyTypes include t.
func (p *Policy) HasType(t networkingv1.PolicyType) bool {
	if t == networkingv1.PolicyTypeIngress {
		return p.c.ingress
	}
	return p.c.egress
}

// Model is the set of namespaces, pods, services and policies analysed
// together. Build it with Load or New; it is read-only afterwards and safe
// for concurrent queries.
type Model struct {
	Namespaces []*Namespace
	Pods       []*Pod
	Services   []*Service
	Policies   []*Policy
	// Rejected are policies the API server would reject; they take no part
	// in evaluation (Lint reports them).
	Rejected []*Policy
	// Shadowed are policies replaced by a later policy of the same
	// namespace and name in the input.
	Shadowed []*Policy

	opts  Options
	nsIdx map[string]*Namespace
	// policies per namespace, in model order.
	byNS map[string][]*Policy
}

// Options are evaluation choices the NetworkPolicy API leaves open. The zero
// value is the recommended, over-approximating policy for exposure analysis.
type Options struct {
	// IPBlockIgnoresPodIPs makes ipBlock peers match only non-pod IPs
	// (np-guard/netpol-analyzer's model). By default ipBlocks match pod IPs
	// too, as sigs.k8s.io/kube-network-policies and cyclonus do; that
	// over-approximates reachability, the safer reading for an exposure
	// report. Pods whose IP is unknown (templates) are never matched by an
	// ipBlock either way.
	IPBlockIgnoresPodIPs bool
	// HostNetworkAsPod treats hostNetwork pods like other pods: policies
	// select them and peer selectors match them (what the pure
	// kube-network-policies evaluator does). By default they are treated as
	// node traffic, as most CNIs do: policies selecting them have no effect,
	// selectors never match them as peers, and only ipBlocks match their
	// (node) IPs.
	HostNetworkAsPod bool
	// Partial says the input is only part of the cluster: lint then does not
	// report policies or peers that select no pods.
	Partial bool
}

// Options returns the options the model evaluates with.
func (m *Model) Options() Options { return m.opts }

// WithOptions returns a shallow copy of m that evaluates with opts.
func (m *Model) WithOptions(opts Options) *Model {
	c := *m
	c.opts = opts
	return &c
}

// Namespace returns the namespace called name, or nil.
func (m *Model) Namespace(name string) *Namespace { return m.nsIdx[name] }

// PoliciesIn returns the policies of namespace ns.
func (m *Model) PoliciesIn(ns string) []*Policy { return m.byNS[ns] }

// Pod finds a pod by ID ("ns/name", "ns/name[Kind]") or by "ns/name" when
// exactly one pod or workload of that name exists in ns.
func (m *Model) Pod(id string) *Pod {
	var cand *Pod
	n := 0
	for _, p := range m.Pods {
		if p.ID() == id {
			return p
		}
		if p.Namespace+"/"+p.Name == id || p.Namespace+"/"+p.Kind+"/"+p.Name == id {
			cand = p
			n++
		}
	}
	if n == 1 {
		return cand
	}
	return nil
}

// nsLabels returns the labels of namespace ns (synthesized when unknown).
func (m *Model) nsLabels(ns string) map[string]string {
	if n := m.nsIdx[ns]; n != nil {
		return n.Labels
	}
	return map[string]string{NamespaceNameLabel: ns}
}

// finish indexes the model, synthesizes missing namespaces and compiles the
// policies. It is called once by New and Load.
func (m *Model) finish() {
	m.nsIdx = make(map[string]*Namespace, len(m.Namespaces))
	for _, n := range m.Namespaces {
		if n.Labels == nil {
			n.Labels = map[string]string{}
		}
		n.Labels[NamespaceNameLabel] = n.Name
		m.nsIdx[n.Name] = n
	}
	need := func(ns string) {
		if _, ok := m.nsIdx[ns]; !ok {
			n := &Namespace{Name: ns, Labels: map[string]string{NamespaceNameLabel: ns}, Synthesized: true}
			m.Namespaces = append(m.Namespaces, n)
			m.nsIdx[ns] = n
		}
	}
	for _, p := range m.Pods {
		need(p.Namespace)
	}
	m.byNS = map[string][]*Policy{}
	for _, p := range m.Policies {
		need(p.Namespace())
		m.byNS[p.Namespace()] = append(m.byNS[p.Namespace()], p)
	}
	sort.SliceStable(m.Namespaces, func(i, j int) bool { return m.Namespaces[i].Name < m.Namespaces[j].Name })
}

func splitID(id string) (ns, name string, ok bool) {
	ns, name, ok = strings.Cut(id, "/")
	return ns, name, ok && ns != "" && name != ""
}
