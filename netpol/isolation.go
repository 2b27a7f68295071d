package netpol

import (
	"fmt"
	"io"
	"strings"
)

// PodIsolation says whether a pod is isolated in each direction and by
// which policies.
type PodIsolation struct {
	Pod string
	// HostNetwork is true when the pod uses the host network and is treated
	// as node traffic: policies that select it have no effect.
	HostNetwork     bool
	IngressIsolated bool
	EgressIsolated  bool
	IngressPolicies []string
	EgressPolicies  []string
}

// NamespaceIsolation says whether a namespace has a default-deny policy per
// direction: a policy with an empty podSelector (every pod, present and
// future) whose policyTypes include the direction. DenyAll is stricter: such
// a policy also has no rule for the direction.
type NamespaceIsolation struct {
	Namespace          string
	Pods               int
	DefaultDenyIngress bool
	DefaultDenyEgress  bool
	DenyAllIngress     bool
	DenyAllEgress      bool
	// IngressPolicies and EgressPolicies name the default-deny policies.
	IngressPolicies []string
	EgressPolicies  []string
}

// IsolationReport is the isolation of every pod and namespace of a model.
type IsolationReport struct {
	Pods       []PodIsolation
	Namespaces []NamespaceIsolation
}

// WithoutDefaultDeny returns the namespaces lacking a default-deny policy
// for ingress or egress.
func (r IsolationReport) WithoutDefaultDeny() []NamespaceIsolation {
	var out []NamespaceIsolation
	for _, n := range r.Namespaces {
		if !n.DefaultDenyIngress || !n.DefaultDenyEgress {
			out = append(out, n)
		}
	}
	return out
}

// Isolation computes the isolation report.
func (m *Model) Isolation() IsolationReport {
	var r IsolationReport
	podsIn := map[string]int{}
	for _, p := range m.Pods {
		podsIn[p.Namespace]++
		pi := PodIsolation{Pod: p.ID(), HostNetwork: m.effectiveHostNetwork(p)}
		if !pi.HostNetwork {
			for _, pol := range m.byNS[p.Namespace] {
				if !pol.c.sel.matches(p.Labels) {
					continue
				}
				if pol.c.ingress {
					pi.IngressIsolated = true
					pi.IngressPolicies = append(pi.IngressPolicies, pol.ID())
				}
				if pol.c.egress {
					pi.EgressIsolated = true
					pi.EgressPolicies = append(pi.EgressPolicies, pol.ID())
				}
			}
		}
		r.Pods = append(r.Pods, pi)
	}
	for _, n := range m.Namespaces {
		ni := NamespaceIsolation{Namespace: n.Name, Pods: podsIn[n.Name]}
		for _, pol := range m.byNS[n.Name] {
			if !pol.c.sel.empty() {
				continue
			}
			if pol.c.ingress {
				ni.DefaultDenyIngress = true
				ni.DenyAllIngress = ni.DenyAllIngress || len(pol.c.in) == 0
				ni.IngressPolicies = append(ni.IngressPolicies, pol.ID())
			}
			if pol.c.egress {
				ni.DefaultDenyEgress = true
				ni.DenyAllEgress = ni.DenyAllEgress || len(pol.c.eg) == 0
				ni.EgressPolicies = append(ni.EgressPolicies, pol.ID())
			}
		}
		r.Namespaces = append(r.Namespaces, ni)
	}
	return r
}

// WriteText renders the report: one line per pod, then one per namespace.
func (r IsolationReport) WriteText(w io.Writer) error {
	var b strings.Builder
	b.WriteString("Pods:\n")
	for _, p := range r.Pods {
		fmt.Fprintf(&b, "  %s: ingress %s, egress %s", p.Pod, isoWord(p.IngressIsolated, p.IngressPolicies), isoWord(p.EgressIsolated, p.EgressPolicies))
		if p.HostNetwork {
			b.WriteString(" (hostNetwork: policies do not apply)")
		}
		b.WriteString("\n")
	}
	b.WriteString("Namespaces:\n")
	for _, n := range r.Namespaces {
		fmt.Fprintf(&b, "  %s (%d pods): default-deny ingress %s, egress %s\n", n.Namespace, n.Pods, ddWord(n.DefaultDenyIngress, n.IngressPolicies), ddWord(n.DefaultDenyEgress, n.EgressPolicies))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func isoWord(iso bool, by []string) string {
	if !iso {
		return "open"
	}
	return "isolated by " + strings.Join(by, ", ")
}

func ddWord(ok bool, by []string) string {
	if !ok {
		return "missing"
	}
	return "by " + strings.Join(by, ", ")
}
