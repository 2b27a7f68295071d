package netpol

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// ServiceTarget is one backend of a Service port: a selected pod and the
// container port the traffic reaches on it.
type ServiceTarget struct {
	Pod      *Pod
	Port     int
	Protocol corev1.Protocol
}

// Service returns the Service called "ns/name", or nil.
func (m *Model) Service(id string) *Service {
	for _, s := range m.Services {
		if s.Namespace+"/"+s.Name == id {
			return s
		}
	}
	return nil
}

// ServiceTargets resolves port/proto of Service "ns/name" to its backends:
// the pods of the namespace matching spec.selector, each with the
// targetPort (a number, or a name resolved on that pod's container ports
// with the same protocol; default: the service port). Pods that do not
// define a named targetPort are left out, as the endpoints controller does.
// A Service without a selector has no backends in a static model.
func (m *Model) ServiceTargets(id string, port int, proto corev1.Protocol) ([]ServiceTarget, error) {
	s := m.Service(id)
	if s == nil {
		return nil, fmt.Errorf("%w: no Service %q in the input", ErrBadQuery, id)
	}
	var sp *corev1.ServicePort
	for i := range s.Ports {
		p := &s.Ports[i]
		pp := p.Protocol
		if pp == "" {
			pp = corev1.ProtocolTCP
		}
		if int(p.Port) == port && pp == proto {
			sp = p
			break
		}
	}
	if sp == nil {
		return nil, fmt.Errorf("%w: Service %s has no port %d/%s", ErrBadQuery, id, port, proto)
	}
	if len(s.Selector) == 0 {
		return nil, nil
	}
	var out []ServiceTarget
	for _, p := range m.Pods {
		if p.Namespace != s.Namespace || !labelsMatch(s.Selector, p.Labels) {
			continue
		}
		switch {
		case sp.TargetPort.Type == intstr.String && sp.TargetPort.StrVal != "":
			for _, cp := range p.Ports {
				if cp.Name == sp.TargetPort.StrVal && cp.Protocol == proto {
					out = append(out, ServiceTarget{Pod: p, Port: int(cp.Port), Protocol: proto})
					break
				}
			}
		case sp.TargetPort.Type == intstr.Int && sp.TargetPort.IntVal != 0:
			out = append(out, ServiceTarget{Pod: p, Port: int(sp.TargetPort.IntVal), Protocol: proto})
		default:
			out = append(out, ServiceTarget{Pod: p, Port: port, Protocol: proto})
		}
	}
	return out, nil
}

func labelsMatch(sel, labels map[string]string) bool {
	for k, v := range sel {
		if lv, ok := labels[k]; !ok || lv != v {
			return false
		}
	}
	return true
}

// EvalService answers a query towards a Service, "ns/name" and its port
// ("80/TCP"): one verdict per backend pod, on the backend's target port
// (NetworkPolicies see the pod and target port after the Service's DNAT).
func EvalService(m *Model, from, service, port string) ([]Verdict, error) {
	src, err := m.ParseEndpoint(from)
	if err != nil {
		return nil, err
	}
	n, proto, err := ParsePort(port)
	if err != nil {
		return nil, err
	}
	targets, err := m.ServiceTargets(service, n, proto)
	if err != nil {
		return nil, err
	}
	out := make([]Verdict, 0, len(targets))
	for _, t := range targets {
		out = append(out, m.Allowed(src, PodEndpoint(t.Pod), t.Port, t.Protocol))
	}
	return out, nil
}
