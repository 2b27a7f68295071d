package netpol

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	kubeharden "github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
)

// Input is one file (or stream) to load: its name and bytes.
type Input struct {
	Source string
	Data   []byte
}

// Load decodes every input with internal/decode and builds a model with the
// zero Options. See LoadWith.
func Load(ctx context.Context, inputs ...Input) (*Model, []*kubeharden.InputError) {
	return LoadWith(ctx, Options{}, inputs...)
}

// LoadWith decodes every input (YAML streams, JSON, List kinds) and builds a
// model: Namespaces (with kubernetes.io/metadata.name synthesized), Pods,
// the pod templates of Deployments, StatefulSets, DaemonSets, ReplicaSets,
// Jobs, CronJobs, ReplicationControllers and PodTemplates (one
// representative pod per workload), Services and networking.k8s.io/v1
// NetworkPolicies. Other kinds are ignored. Documents that fail to decode
// and policies the API server would reject come back as positioned input
// errors; the rest of the input is still used. Loading stops early, with
// ctx.Err() among the errors, when ctx is cancelled.
func LoadWith(ctx context.Context, opts Options, inputs ...Input) (*Model, []*kubeharden.InputError) {
	m := &Model{opts: opts}
	var errs []*kubeharden.InputError
	seen := map[string]int{} // policy ID -> index in m.Policies
	for _, in := range inputs {
		if err := ctx.Err(); err != nil {
			errs = append(errs, &kubeharden.InputError{Source: in.Source, Document: -1, Err: err})
			break
		}
		docs, derrs := decode.Split(in.Data, in.Source, decode.Options{})
		errs = append(errs, derrs...)
		for _, d := range docs {
			errs = append(errs, m.addDocument(d, seen)...)
		}
	}
	m.finish()
	return m, errs
}

// New builds a model from already-decoded objects (for callers that hold
// typed objects, and for tests). Policies are defaulted and validated like
// Load does; invalid ones are returned as errors and left out.
func New(opts Options, namespaces []*Namespace, pods []*Pod, policies []*networkingv1.NetworkPolicy) (*Model, []error) {
	m := &Model{opts: opts, Namespaces: namespaces, Pods: pods}
	var errs []error
	for _, p := range policies {
		pol, verrs := newPolicy(p, Origin{}, nil)
		for _, e := range verrs {
			errs = append(errs, fmt.Errorf("NetworkPolicy %s/%s: %w", pol.Defaulted.Namespace, pol.Defaulted.Name, e.err))
		}
		if !invalid(verrs) {
			m.Policies = append(m.Policies, pol)
		}
	}
	for _, p := range pods {
		for i := range p.Ports {
			if p.Ports[i].Protocol == "" {
				p.Ports[i].Protocol = corev1.ProtocolTCP
			}
		}
		if p.Namespace == "" {
			p.Namespace = DefaultNamespace
		}
	}
	m.finish()
	return m, errs
}

func invalid(verrs []validationError) bool { return len(verrs) > 0 }

func newPolicy(raw *networkingv1.NetworkPolicy, o Origin, d *decode.Document) (*Policy, []validationError) {
	def := defaultPolicy(raw)
	c, verrs := compilePolicy(def)
	return &Policy{Raw: raw, Defaulted: def, Origin: o, doc: d, c: c}, verrs
}

func (m *Model) addDocument(d *decode.Document, seen map[string]int) []*kubeharden.InputError {
	o := Origin{Source: d.Source, Document: d.Index, Line: d.Line}
	if d.Meta.Kind == "" && d.Item >= 0 {
		// Items of API list responses (PodList, NamespaceList, ...) carry
		// no kind of their own; internal/decode does not hand down the
		// list's kind, so infer it from the item's shape.
		d.Meta.APIVersion, d.Meta.Kind = inferItemKind(d)
	}
	group, _, _ := strings.Cut(d.Meta.APIVersion, "/")
	if !strings.Contains(d.Meta.APIVersion, "/") {
		group = ""
	}
	ns := d.Meta.Namespace
	if ns == "" {
		ns = DefaultNamespace
	}
	var tmpl *corev1.PodTemplateSpec
	kind := d.Meta.Kind
	switch {
	case group == "" && kind == "Namespace":
		var obj corev1.Namespace
		if _, err := d.Into(&obj); err != nil {
			return []*kubeharden.InputError{asInputError(d, err)}
		}
		labels := map[string]string{}
		for k, v := range obj.Labels {
			labels[k] = v
		}
		m.Namespaces = append(m.Namespaces, &Namespace{Name: obj.Name, Labels: labels, Origin: o})
		return nil
	case group == "" && kind == "Pod":
		var obj corev1.Pod
		if _, err := d.Into(&obj); err != nil {
			return []*kubeharden.InputError{asInputError(d, err)}
		}
		p := podFromSpec(ns, obj.Name, "Pod", obj.Labels, &obj.Spec, o)
		for _, ref := range obj.OwnerReferences {
			if ref.Controller != nil && *ref.Controller {
				p.Owner = ref.Kind + "/" + ref.Name
			}
		}
		for _, s := range append([]string{obj.Status.PodIP}, podIPs(obj.Status.PodIPs)...) {
			if a, err := netip.ParseAddr(s); err == nil && !containsAddr(p.IPs, a) {
				p.IPs = append(p.IPs, a.Unmap())
			}
		}
		m.Pods = append(m.Pods, p)
		return nil
	case group == "" && kind == "Service":
		var obj corev1.Service
		if _, err := d.Into(&obj); err != nil {
			return []*kubeharden.InputError{asInputError(d, err)}
		}
		m.Services = append(m.Services, &Service{Namespace: ns, Name: obj.Name, Selector: obj.Spec.Selector, Ports: obj.Spec.Ports, Origin: o})
		return nil
	case group == "networking.k8s.io" && kind == "NetworkPolicy":
		if d.Meta.APIVersion != "networking.k8s.io/v1" {
			return nil
		}
		var obj networkingv1.NetworkPolicy
		problems, err := d.Into(&obj)
		if err != nil {
			return []*kubeharden.InputError{asInputError(d, err)}
		}
		pol, verrs := newPolicy(&obj, o, d)
		pol.Problems = problems
		var errs []*kubeharden.InputError
		for _, v := range verrs {
			errs = append(errs, d.Error(fmt.Errorf("NetworkPolicy %s: %w", pol.ID(), v.err), v.path))
		}
		if invalid(verrs) {
			for _, v := range verrs {
				pol.Invalid = append(pol.Invalid, FieldError{Path: v.path, Err: v.err})
			}
			m.Rejected = append(m.Rejected, pol)
			return errs
		}
		for i, r := range pol.c.eg {
			if !r.hasNamed {
				continue
			}
			for j, p := range r.peers {
				if p.kind == peerIPBlock {
					errs = append(errs, d.Error(fmt.Errorf("NetworkPolicy %s: %w: spec.egress[%d] names a port, which cannot resolve on an IP destination", pol.ID(), ErrNamedPortIPBlock, i), fmt.Sprintf("spec.egress[%d].to[%d]", i, j)))
					break
				}
			}
		}
		if k, ok := seen[pol.ID()]; ok {
			prev := m.Policies[k]
			errs = append(errs, d.Error(fmt.Errorf("%w %s (also in %s document %d); the last one is used", ErrDuplicatePolicy, pol.ID(), prev.Origin.Source, prev.Origin.Document), "metadata.name"))
			m.Policies[k] = pol
			m.Shadowed = append(m.Shadowed, prev)
			return errs
		}
		seen[pol.ID()] = len(m.Policies)
		m.Policies = append(m.Policies, pol)
		return errs
	case group == "" && kind == "ReplicationController":
		var obj corev1.ReplicationController
		if _, err := d.Into(&obj); err != nil {
			return []*kubeharden.InputError{asInputError(d, err)}
		}
		tmpl = obj.Spec.Template
		o.Path = "spec.template"
	case group == "" && kind == "PodTemplate":
		var obj corev1.PodTemplate
		if _, err := d.Into(&obj); err != nil {
			return []*kubeharden.InputError{asInputError(d, err)}
		}
		tmpl = &obj.Template
		o.Path = "template"
	case group == "apps":
		o.Path = "spec.template"
		var err error
		switch kind {
		case "Deployment":
			var obj appsv1.Deployment
			_, err = d.Into(&obj)
			tmpl = &obj.Spec.Template
		case "StatefulSet":
			var obj appsv1.StatefulSet
			_, err = d.Into(&obj)
			tmpl = &obj.Spec.Template
		case "DaemonSet":
			var obj appsv1.DaemonSet
			_, err = d.Into(&obj)
			tmpl = &obj.Spec.Template
		case "ReplicaSet":
			var obj appsv1.ReplicaSet
			_, err = d.Into(&obj)
			tmpl = &obj.Spec.Template
		default:
			return nil
		}
		if err != nil {
			return []*kubeharden.InputError{asInputError(d, err)}
		}
	case group == "batch":
		var err error
		switch kind {
		case "Job":
			var obj batchv1.Job
			_, err = d.Into(&obj)
			tmpl = &obj.Spec.Template
			o.Path = "spec.template"
		case "CronJob":
			var obj batchv1.CronJob
			_, err = d.Into(&obj)
			tmpl = &obj.Spec.JobTemplate.Spec.Template
			o.Path = "spec.jobTemplate.spec.template"
		default:
			return nil
		}
		if err != nil {
			return []*kubeharden.InputError{asInputError(d, err)}
		}
	default:
		return nil
	}
	if tmpl == nil {
		return nil
	}
	m.Pods = append(m.Pods, podFromSpec(ns, d.Meta.Name, kind, tmpl.Labels, &tmpl.Spec, o))
	return nil
}

func podIPs(ips []corev1.PodIP) []string {
	out := make([]string, 0, len(ips))
	for _, ip := range ips {
		out = append(out, ip.IP)
	}
	return out
}

func containsAddr(as []netip.Addr, a netip.Addr) bool {
	for _, x := range as {
		if x == a.Unmap() {
			return true
		}
	}
	return false
}

func podFromSpec(ns, name, kind string, labels map[string]string, spec *corev1.PodSpec, o Origin) *Pod {
	p := &Pod{Namespace: ns, Name: name, Kind: kind, Labels: map[string]string{}, HostNetwork: spec.HostNetwork, Origin: o}
	for k, v := range labels {
		p.Labels[k] = v
	}
	for _, c := range spec.Containers {
		for _, cp := range c.Ports {
			proto := cp.Protocol
			if proto == "" {
				proto = corev1.ProtocolTCP
			}
			p.Ports = append(p.Ports, ContainerPort{Name: cp.Name, Port: cp.ContainerPort, Protocol: proto})
		}
	}
	return p
}

func asInputError(d *decode.Document, err error) *kubeharden.InputError {
	if ie, ok := err.(*kubeharden.InputError); ok {
		return ie
	}
	return d.Error(err, "")
}

// inferItemKind classifies a kind-less List item by shape: a spec with
// containers is a Pod, a spec with podSelector a NetworkPolicy, and an
// object with Namespace finalizers or phase a Namespace.
func inferItemKind(d *decode.Document) (apiVersion, kind string) {
	var probe struct {
		Spec *struct {
			Containers  []json.RawMessage `json:"containers"`
			PodSelector json.RawMessage   `json:"podSelector"`
			Finalizers  []string          `json:"finalizers"`
		} `json:"spec"`
		Status *struct {
			Phase string `json:"phase"`
		} `json:"status"`
	}
	if err := json.Unmarshal(d.JSON, &probe); err != nil {
		return "", ""
	}
	switch {
	case probe.Spec != nil && len(probe.Spec.Containers) > 0:
		return "v1", "Pod"
	case probe.Spec != nil && probe.Spec.PodSelector != nil:
		return "networking.k8s.io/v1", "NetworkPolicy"
	case probe.Spec != nil && len(probe.Spec.Finalizers) > 0, probe.Status != nil && (probe.Status.Phase == "Active" || probe.Status.Phase == "Terminating"):
		return "v1", "Namespace"
	}
	return "", ""
}
