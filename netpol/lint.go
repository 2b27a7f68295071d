package netpol

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	kubeharden "github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
)

const helpBase = "https://kubernetes.io/docs/concepts/services-networking/network-policies/"

// Lint rules. IDs are stable.
var (
	ruleInvalidPolicy = kubeharden.Rule{
		ID: "netpol/InvalidPolicy", Title: "NetworkPolicy the API server rejects",
		Description: "The policy fails API validation (invalid CIDR or selector, ipBlock combined with selectors, except outside cidr, endPort without a numeric port or below port, bad protocol). It cannot exist in a cluster and is left out of the analysis.",
		Kind:        kubeharden.KindCheck, Severity: kubeharden.SeverityHigh, Points: -10,
		Remediation: "fix the field so that the API server accepts the policy", HelpURL: helpBase,
	}
	ruleEmptyPeer = kubeharden.Rule{
		ID: "netpol/EmptyPeer", Title: "Peer without podSelector, namespaceSelector or ipBlock",
		Description: "A from/to entry `{}` sets nothing; the API server rejects it. The author probably meant \"every pod in the namespace\" (podSelector: {}) or \"every source\" (omit from/to).",
		Kind:        kubeharden.KindCheck, Severity: kubeharden.SeverityHigh, Points: -10,
		Remediation: "write podSelector: {} for every pod of the namespace, or drop the from/to list to admit everything", HelpURL: helpBase,
	}
	ruleDuplicateName = kubeharden.Rule{
		ID: "netpol/DuplicateName", Title: "Two policies with the same namespace and name",
		Description: "Only one object of a name can exist; applying the input keeps the last one and silently drops the other.",
		Kind:        kubeharden.KindCheck, Severity: kubeharden.SeverityMedium, Points: -3,
		Refs:        []string{"cyclonus CheckSourceDuplicatePolicyName"},
		Remediation: "rename one of the policies or merge their rules", HelpURL: helpBase,
	}
	rulePolicySelectsNoPods = kubeharden.Rule{
		ID: "netpol/PolicySelectsNoPods", Title: "Policy selects no pods",
		Description: "spec.podSelector matches no pod of the policy's namespace in the input, so the policy has no effect. An empty podSelector is never reported (it selects future pods too); run with Options.Partial when the input is not the whole namespace.",
		Kind:        kubeharden.KindCheck, Severity: kubeharden.SeverityLow, Points: -1,
		Refs:        []string{"kube-linter dangling-networkpolicy", "kube-score networkpolicy-targets-pod"},
		Remediation: "fix spec.podSelector to match the pods' labels, or delete the policy", HelpURL: helpBase,
	}
	rulePeerSelectsNoPods = kubeharden.Rule{
		ID: "netpol/PeerSelectsNoPods", Title: "Rule peer selects no pods",
		Description: "A podSelector/namespaceSelector peer matches no pod in the input, so it admits nothing. hostNetwork pods do not count: selectors cannot match them.",
		Kind:        kubeharden.KindCheck, Severity: kubeharden.SeverityLow, Points: -1,
		Refs:        []string{"kube-linter dangling-networkpolicypeer-podselector"},
		Remediation: "fix the selector to match the intended pods and namespaces (namespaces carry kubernetes.io/metadata.name)", HelpURL: helpBase,
	}
	ruleAllowAllCIDR = kubeharden.Rule{
		ID: "netpol/AllowAllCIDR", Title: "ipBlock admits every address (0.0.0.0/0 or ::/0)",
		Description: "An ipBlock with a /0 cidr admits the whole Internet (and, in engines that match ipBlocks against pod IPs, every pod).",
		Kind:        kubeharden.KindCheck, Severity: kubeharden.SeverityMedium, Points: -5,
		Remediation: "narrow the cidr to the addresses that need access", HelpURL: helpBase,
	}
	ruleAnyNamespace = kubeharden.Rule{
		ID: "netpol/AnyNamespace", Title: "namespaceSelector: {} admits every namespace",
		Description: "An empty namespaceSelector matches all namespaces, present and future (not external IPs). With no or an empty podSelector it admits every pod of the cluster.",
		Kind:        kubeharden.KindCheck, Severity: kubeharden.SeverityMedium, Points: -3,
		Remediation: "select namespaces by label, e.g. kubernetes.io/metadata.name: <ns>", HelpURL: helpBase,
	}
	ruleDefaultDenyIngress = kubeharden.Rule{
		ID: "netpol/DefaultDenyIngress", Title: "Namespace has a default-deny ingress policy",
		Description: "A policy with an empty podSelector and Ingress in policyTypes isolates every pod of the namespace for ingress, so only explicitly allowed traffic reaches them.",
		Kind:        kubeharden.KindCheck, Severity: kubeharden.SeverityMedium, Points: -5,
		Refs:        []string{"kubeaudit MissingDefaultDenyIngressNetworkPolicy", "NSA/CISA Kubernetes Hardening Guide"},
		Remediation: "add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress]", HelpURL: helpBase + "#default-deny-all-ingress-traffic",
	}
	ruleDefaultDenyEgress = kubeharden.Rule{
		ID: "netpol/DefaultDenyEgress", Title: "Namespace has a default-deny egress policy",
		Description: "A policy with an empty podSelector and Egress in policyTypes isolates every pod of the namespace for egress.",
		Kind:        kubeharden.KindCheck, Severity: kubeharden.SeverityLow, Points: -3,
		Refs:        []string{"kubeaudit MissingDefaultDenyEgressNetworkPolicy", "NSA/CISA Kubernetes Hardening Guide"},
		Remediation: "add a NetworkPolicy with podSelector: {} and policyTypes: [Egress], plus an egress rule for DNS (UDP and TCP 53)", HelpURL: helpBase + "#default-deny-all-egress-traffic",
	}
	ruleEgressBlocksDNS = kubeharden.Rule{
		ID: "netpol/EgressBlocksDNS", Title: "Egress isolation blocks DNS",
		Description: "Pods the policy isolates for egress cannot reach DNS on UDP 53 and TCP 53 (kube-dns, a pod serving port 53, or 8.8.8.8), so name resolution fails or falls back badly for large answers.",
		Kind:        kubeharden.KindCheck, Severity: kubeharden.SeverityMedium, Points: -1,
		Refs:        []string{"cyclonus CheckDNSBlockedOnUDP", "cyclonus CheckDNSBlockedOnTCP"},
		Remediation: "add an egress rule to namespaceSelector kubernetes.io/metadata.name: kube-system, podSelector k8s-app: kube-dns on UDP 53 and TCP 53", HelpURL: helpBase,
	}
	ruleUnresolvedNamedPort = kubeharden.Rule{
		ID: "netpol/UnresolvedNamedPort", Title: "Named port no destination pod defines",
		Description: "A named port resolves on the destination pod (the selected pod for ingress, the peer for egress) by name and protocol; no such pod in the input defines it, so the port entry admits nothing.",
		Kind:        kubeharden.KindCheck, Severity: kubeharden.SeverityLow, Points: -1,
		Remediation: "use the containerPort name (and protocol) the destination pods declare, or a port number", HelpURL: helpBase,
	}
	ruleNamedPortIPBlock = kubeharden.Rule{
		ID: "netpol/NamedPortIPBlock", Title: "Named port on an egress rule with ipBlock peers",
		Description: "A name cannot be resolved on an IP outside the cluster, so the port entry admits nothing towards the ipBlock.",
		Kind:        kubeharden.KindCheck, Severity: kubeharden.SeverityLow, Points: -1,
		Remediation: "use a port number for ipBlock destinations", HelpURL: helpBase,
	}
	ruleIgnoredRules = kubeharden.Rule{
		ID: "netpol/IgnoredRules", Title: "Rules for a policy type not in policyTypes",
		Description: "policyTypes is set and does not list the direction these rules are for, so the API ignores them and the pods are not isolated in that direction.",
		Kind:        kubeharden.KindCheck, Severity: kubeharden.SeverityMedium, Points: -3,
		Remediation: "add the direction to spec.policyTypes, or delete the rules", HelpURL: helpBase,
	}
	rulePolicyTypesOmitted = kubeharden.Rule{
		ID: "netpol/PolicyTypesOmitted", Title: "policyTypes omitted with a surprising default",
		Description: "Without policyTypes the API server sets [Ingress] plus Egress only when egress rules exist: an egress-only policy also makes its pods ingress deny-all, and `egress: []` alone isolates nothing.",
		Kind:        kubeharden.KindCheck, Severity: kubeharden.SeverityLow, Points: -1,
		Refs:        []string{"cyclonus CheckSourceMissingPolicyTypes"},
		Remediation: "set spec.policyTypes explicitly", HelpURL: helpBase,
	}
	ruleMissingNamespace = kubeharden.Rule{
		ID: "netpol/MissingNamespace", Title: "Policy without metadata.namespace",
		Description: "The policy lands in whatever namespace it is applied to (usually default), not necessarily next to the pods it is meant for.",
		Kind:        kubeharden.KindCheck, Severity: kubeharden.SeverityLow, Points: 0,
		Refs:        []string{"cyclonus CheckSourceMissingNamespace"},
		Remediation: "set metadata.namespace", HelpURL: helpBase,
	}
	ruleHostNetworkSelected = kubeharden.Rule{
		ID: "netpol/HostNetworkSelected", Title: "Policy selects a hostNetwork pod (ineffective)",
		Description: "Most CNIs cannot tell hostNetwork pods from node traffic: policies selecting them are not enforced and peer selectors do not match them.",
		Kind:        kubeharden.KindCheck, Severity: kubeharden.SeverityMedium, Points: -2,
		Remediation: "do not rely on NetworkPolicy for hostNetwork pods; avoid hostNetwork or restrict with host firewalling", HelpURL: helpBase,
	}
	ruleAllowAll = kubeharden.Rule{
		ID: "netpol/AllowAll", Title: "Rule admits all traffic",
		Description: "The rule has no port restriction and admits every peer (no from/to, or peers covering every pod and address), e.g. `ingress: [{}]`.",
		Kind:        kubeharden.KindCheck, Severity: kubeharden.SeverityMedium, Points: -5,
		Refs:        []string{"kubeaudit AllowAllIngressNetworkPolicyExists", "cyclonus CheckTargetAllIngressAllowed"},
		Remediation: "restrict the rule with from/to peers and ports", HelpURL: helpBase,
	}
	ruleHiddenAllowAll = kubeharden.Rule{
		ID: "netpol/HiddenAllowAll", Title: "Allow-all rule hidden in a restrictive-looking policy",
		Description: "One rule admits all traffic, so the policy's other, restrictive rules and peers have no effect: policies are a union.",
		Kind:        kubeharden.KindCheck, Severity: kubeharden.SeverityHigh, Points: -10,
		Remediation: "remove the allow-all rule or give it peers and ports", HelpURL: helpBase,
	}
)

// Rules returns the package's rule catalogue.
func Rules() []kubeharden.Rule {
	return append([]kubeharden.Rule{
		ruleInvalidPolicy, ruleEmptyPeer, ruleDuplicateName, rulePolicySelectsNoPods, rulePeerSelectsNoPods,
		ruleAllowAllCIDR, ruleAnyNamespace, ruleDefaultDenyIngress, ruleDefaultDenyEgress, ruleEgressBlocksDNS,
		ruleUnresolvedNamedPort, ruleNamedPortIPBlock, ruleIgnoredRules, rulePolicyTypesOmitted, ruleMissingNamespace,
		ruleHostNetworkSelected, ruleAllowAll, ruleHiddenAllowAll,
	}, decode.ProblemRules("netpol")...)
}

// Lint checks every policy and namespace of the model and returns one
// report per policy (Object "NetworkPolicy/name.namespace") and per
// namespace that has pods or a Namespace object ("Namespace/name"), in
// input order, policies first. Findings carry field paths and positions.
func Lint(m *Model) []kubeharden.Report {
	var out []kubeharden.Report
	all := append(append(append([]*Policy{}, m.Policies...), m.Rejected...), m.Shadowed...)
	slices.SortStableFunc(all, func(a, b *Policy) int {
		if c := strings.Compare(a.Origin.Source, b.Origin.Source); c != 0 {
			return c
		}
		return a.Origin.Document - b.Origin.Document
	})
	shadowed := map[*Policy]bool{}
	for _, p := range m.Shadowed {
		shadowed[p] = true
	}
	rejected := map[*Policy]bool{}
	for _, p := range m.Rejected {
		rejected[p] = true
	}
	for _, p := range all {
		r := kubeharden.Report{Source: p.Origin.Source, Document: p.Origin.Document, Object: "NetworkPolicy/" + p.Name() + "." + p.Namespace(), Kind: "NetworkPolicy"}
		if p.doc != nil {
			r.Findings = append(r.Findings, decode.ProblemFindings("netpol", p.doc, p.Problems)...)
		}
		switch {
		case rejected[p]:
			r.Findings = append(r.Findings, lintRejected(p)...)
		case shadowed[p]:
			r.Findings = append(r.Findings, ruleDuplicateName.Fail(fmt.Sprintf("NetworkPolicy %s is defined again later in the input; only the last definition takes effect", p.ID()), "metadata.name"))
		default:
			r.Findings = append(r.Findings, m.lintPolicy(p)...)
			for _, s := range m.Shadowed {
				if s.ID() == p.ID() {
					r.Findings = append(r.Findings, ruleDuplicateName.Fail(fmt.Sprintf("NetworkPolicy %s replaces an earlier definition in %s document %d", p.ID(), s.Origin.Source, s.Origin.Document), "metadata.name"))
				}
			}
		}
		if p.doc != nil {
			p.doc.Positioned(r.Findings)
		}
		kubeharden.SortFindings(r.Findings)
		r.ComputeScore()
		out = append(out, r)
	}
	iso := m.Isolation()
	for _, ni := range iso.Namespaces {
		ns := m.nsIdx[ni.Namespace]
		if ns.Synthesized && ni.Pods == 0 {
			continue
		}
		r := kubeharden.Report{Source: ns.Origin.Source, Document: ns.Origin.Document, Object: "Namespace/" + ni.Namespace, Kind: "Namespace"}
		if ni.DefaultDenyIngress {
			r.Findings = append(r.Findings, ruleDefaultDenyIngress.Pass("default-deny ingress by "+strings.Join(ni.IngressPolicies, ", "), ""))
		} else {
			f := ruleDefaultDenyIngress.Fail(fmt.Sprintf("namespace %s has no policy isolating every pod for ingress (%d pods)", ni.Namespace, ni.Pods), "")
			f.Fix = fmt.Sprintf("apply: {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: default-deny-ingress, namespace: %s}, spec: {podSelector: {}, policyTypes: [Ingress]}}", ni.Namespace)
			r.Findings = append(r.Findings, f)
		}
		if ni.DefaultDenyEgress {
			r.Findings = append(r.Findings, ruleDefaultDenyEgress.Pass("default-deny egress by "+strings.Join(ni.EgressPolicies, ", "), ""))
		} else {
			f := ruleDefaultDenyEgress.Fail(fmt.Sprintf("namespace %s has no policy isolating every pod for egress (%d pods)", ni.Namespace, ni.Pods), "")
			f.Fix = fmt.Sprintf("apply: {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: default-deny-egress, namespace: %s}, spec: {podSelector: {}, policyTypes: [Egress], egress: [{ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]}]}}", ni.Namespace)
			r.Findings = append(r.Findings, f)
		}
		if ns.Origin.Source != "" {
			for i := range r.Findings {
				r.Findings[i].Position = kubeharden.Position{File: ns.Origin.Source, Line: ns.Origin.Line}
			}
		}
		kubeharden.SortFindings(r.Findings)
		r.ComputeScore()
		out = append(out, r)
	}
	return out
}

func lintRejected(p *Policy) []kubeharden.Finding {
	var fs []kubeharden.Finding
	for _, e := range p.Invalid {
		msg := e.Err.Error()
		if strings.Contains(msg, "a peer must set") {
			fs = append(fs, ruleEmptyPeer.Fail(fmt.Sprintf("NetworkPolicy %s: %s is an empty peer {}; the API server rejects the policy", p.ID(), e.Path), e.Path))
			continue
		}
		fs = append(fs, ruleInvalidPolicy.Fail(strings.TrimPrefix(msg, ErrInvalidPolicy.Error()+": "), e.Path))
	}
	return fs
}

func (m *Model) lintPolicy(p *Policy) []kubeharden.Finding {
	var fs []kubeharden.Finding
	raw, c := p.Raw, p.c
	if raw.Namespace == "" {
		fs = append(fs, ruleMissingNamespace.Fail(fmt.Sprintf("NetworkPolicy %s has no metadata.namespace and lands in the namespace it is applied to (here %s)", p.Name(), DefaultNamespace), "metadata.namespace"))
	}
	if len(raw.Spec.PolicyTypes) == 0 {
		if len(raw.Spec.Egress) > 0 && len(raw.Spec.Ingress) == 0 {
			fs = append(fs, rulePolicyTypesOmitted.Fail("policyTypes is omitted and the policy has only egress rules: it defaults to [Ingress, Egress], so the selected pods also become ingress deny-all", "spec.policyTypes"))
		}
		if raw.Spec.Egress != nil && len(raw.Spec.Egress) == 0 {
			fs = append(fs, rulePolicyTypesOmitted.Fail("`egress: []` without policyTypes isolates nothing: policyTypes defaults to [Ingress]; add Egress to deny all egress", "spec.egress"))
		}
	} else {
		if !c.ingress && len(raw.Spec.Ingress) > 0 {
			fs = append(fs, ruleIgnoredRules.Fail(fmt.Sprintf("%d ingress rule(s) are ignored: policyTypes does not include Ingress", len(raw.Spec.Ingress)), "spec.ingress"))
		}
		if !c.egress && len(raw.Spec.Egress) > 0 {
			fs = append(fs, ruleIgnoredRules.Fail(fmt.Sprintf("%d egress rule(s) are ignored: policyTypes does not include Egress", len(raw.Spec.Egress)), "spec.egress"))
		}
	}
	// Selected pods.
	var selected []*Pod
	for _, pod := range m.Pods {
		if m.selects(p, pod) {
			selected = append(selected, pod)
			if pod.HostNetwork {
				fs = append(fs, ruleHostNetworkSelected.Fail(fmt.Sprintf("selects hostNetwork pod %s: most CNIs do not enforce NetworkPolicy on it", pod.ID()), "spec.podSelector"))
			}
		}
	}
	if len(selected) == 0 && !c.sel.empty() && !m.opts.Partial {
		fs = append(fs, rulePolicySelectsNoPods.Fail(fmt.Sprintf("spec.podSelector matches no pod of namespace %s in the input", p.Namespace()), "spec.podSelector"))
	}
	for _, dir := range []struct {
		name, peers string
		rules       []crule
		active      bool
	}{{"ingress", "from", c.in, c.ingress}, {"egress", "to", c.eg, c.egress}} {
		allowAll := -1
		for i := range dir.rules {
			r := &dir.rules[i]
			rp := fmt.Sprintf("spec.%s[%d]", dir.name, i)
			for j := range r.peers {
				pr := &r.peers[j]
				pp := fmt.Sprintf("%s.%s[%d]", rp, dir.peers, j)
				switch pr.kind {
				case peerIPBlock:
					if pr.block.cidr.Bits() == 0 {
						f := ruleAllowAllCIDR.Fail(fmt.Sprintf("%s %s admits every %s address%s", dir.name, pr.block.cidr, family(pr.block.cidr), exceptNote(pr.block)), pp+".ipBlock.cidr")
						if dir.name == "ingress" {
							f.Severity = kubeharden.SeverityHigh
						}
						fs = append(fs, f)
					}
				case peerSelectors:
					if pr.ns != nil && pr.ns.empty() {
						what := "every pod of every namespace"
						if pr.pod != nil && !pr.pod.empty() {
							what = "pods matching the podSelector in every namespace"
						}
						fs = append(fs, ruleAnyNamespace.Fail(fmt.Sprintf("namespaceSelector: {} admits %s", what), pp+".namespaceSelector"))
					}
					if !m.opts.Partial && !(pr.ns != nil && pr.ns.empty() && (pr.pod == nil || pr.pod.empty())) {
						if !m.peerSelectsSomePod(pr, p.Namespace()) {
							fs = append(fs, rulePeerSelectsNoPods.Fail(fmt.Sprintf("%s peer selects no pod in the input", dir.name), pp))
						}
					}
				}
			}
			if ruleAdmitsAll(r) {
				if allowAll < 0 {
					allowAll = i
				}
			}
			fs = append(fs, m.lintNamedPorts(p, r, dir.name == "ingress", rp, selected)...)
		}
		if allowAll >= 0 && dir.active {
			rp := fmt.Sprintf("spec.%s[%d]", dir.name, allowAll)
			if len(dir.rules) > 1 || len(dir.rules[allowAll].peers) > 0 {
				fs = append(fs, ruleHiddenAllowAll.Fail(fmt.Sprintf("%s admits all %s traffic, so the policy's other %d rule(s) and its peers restrict nothing", rp, dir.name, len(dir.rules)-1), rp))
			} else {
				fs = append(fs, ruleAllowAll.Fail(fmt.Sprintf("%s admits all %s traffic to the selected pods", rp, dir.name), rp))
			}
		}
	}
	if c.egress {
		var noUDP, noTCP []string
		for _, pod := range selected {
			if m.effectiveHostNetwork(pod) {
				continue
			}
			if !m.dnsAllowed(pod, corev1.ProtocolUDP) {
				noUDP = append(noUDP, pod.ID())
			}
			if !m.dnsAllowed(pod, corev1.ProtocolTCP) {
				noTCP = append(noTCP, pod.ID())
			}
		}
		if len(noUDP)+len(noTCP) > 0 {
			var parts []string
			if len(noUDP) > 0 {
				parts = append(parts, "UDP 53 from "+strings.Join(noUDP, ", "))
			}
			if len(noTCP) > 0 {
				parts = append(parts, "TCP 53 from "+strings.Join(noTCP, ", "))
			}
			fs = append(fs, ruleEgressBlocksDNS.Fail("egress isolation blocks DNS: "+strings.Join(parts, "; "), "spec.policyTypes"))
		}
	}
	return fs
}

func family(p netip.Prefix) string {
	if p.Addr().Is4() {
		return "IPv4"
	}
	return "IPv6"
}

func exceptNote(b ipBlock) string {
	if len(b.except) == 0 {
		return ""
	}
	return fmt.Sprintf(" except %d range(s)", len(b.except))
}

// ruleAdmitsAll reports whether r admits every peer on every port: no
// ports (or every protocol without a port) and no peers (or peers covering
// every pod of every namespace and every IPv4 and IPv6 address).
func ruleAdmitsAll(r *crule) bool {
	if len(r.ports) > 0 {
		var all [3]bool
		for _, p := range r.ports {
			if p.all || (p.name == "" && p.lo <= minPort && p.hi >= maxPort) {
				all[protoIndex(p.proto)] = true
			}
		}
		if !all[0] || !all[1] || !all[2] {
			return false
		}
	}
	if len(r.peers) == 0 {
		return true
	}
	var pods, v4, v6 bool
	for _, pr := range r.peers {
		switch pr.kind {
		case peerSelectors:
			pods = pods || (pr.ns != nil && pr.ns.empty() && (pr.pod == nil || pr.pod.empty()))
		case peerIPBlock:
			if pr.block.cidr.Bits() == 0 && len(pr.block.except) == 0 {
				if pr.block.cidr.Addr().Is4() {
					v4 = true
				} else {
					v6 = true
				}
			}
		}
	}
	return pods && v4 && v6
}

func (m *Model) peerSelectsSomePod(pr *cpeer, ns string) bool {
	for _, pod := range m.Pods {
		if !m.effectiveHostNetwork(pod) && m.matchSelectors(pr, ns, pod.Namespace, pod.Labels) {
			return true
		}
	}
	return false
}

func (m *Model) lintNamedPorts(p *Policy, r *crule, ingress bool, rp string, selected []*Pod) []kubeharden.Finding {
	if !r.hasNamed || m.opts.Partial {
		return nil
	}
	var fs []kubeharden.Finding
	// Destination pods: the selected pods (ingress) or the peer pods (egress).
	dests := selected
	if !ingress {
		dests = nil
		for _, pod := range m.Pods {
			if len(r.peers) == 0 {
				dests = append(dests, pod)
				continue
			}
			for j := range r.peers {
				if r.peers[j].kind == peerSelectors && m.matchPeer(&r.peers[j], p.Namespace(), PodEndpoint(pod)) {
					dests = append(dests, pod)
					break
				}
			}
		}
		for j := range r.peers {
			if r.peers[j].kind == peerIPBlock {
				fs = append(fs, ruleNamedPortIPBlock.Fail(fmt.Sprintf("%s names a port but %s.to[%d] is an ipBlock: the name cannot resolve on an IP", rp, rp, j), fmt.Sprintf("%s.to[%d]", rp, j)))
				break
			}
		}
	}
	if len(dests) == 0 {
		return fs
	}
	for k, cp := range r.ports {
		if cp.name == "" {
			continue
		}
		found := false
		for _, d := range dests {
			for _, pp := range d.Ports {
				if pp.Name == cp.name && pp.Protocol == cp.proto {
					found = true
				}
			}
		}
		if !found {
			who := "the selected pods"
			if !ingress {
				who = "the destination pods"
			}
			fs = append(fs, ruleUnresolvedNamedPort.Fail(fmt.Sprintf("named port %q/%s is not defined by any of %s (%d pods); the entry admits nothing", cp.name, cp.proto, who, len(dests)), fmt.Sprintf("%s.ports[%d].port", rp, k)))
		}
	}
	return fs
}

// kubeDNS is the probe destination for DNS checks: what a cluster's DNS pods
// look like when the input does not contain them.
var kubeDNS = &Pod{Namespace: "kube-system", Name: "kube-dns", Kind: "Pod",
	Labels: map[string]string{"k8s-app": "kube-dns"},
	Ports:  []ContainerPort{{Name: "dns", Port: 53, Protocol: corev1.ProtocolUDP}, {Name: "dns-tcp", Port: 53, Protocol: corev1.ProtocolTCP}}}

var publicDNS = netip.MustParseAddr("8.8.8.8")

// dnsAllowed reports whether pod's egress admits port 53/proto towards
// kube-dns, any pod of the model serving 53/proto, or 8.8.8.8.
func (m *Model) dnsAllowed(pod *Pod, proto corev1.Protocol) bool {
	eg := networkingv1.PolicyTypeEgress
	if m.direction(eg, PodEndpoint(pod), PodEndpoint(kubeDNS), 53, proto, false).Allowed {
		return true
	}
	if m.direction(eg, PodEndpoint(pod), IPEndpoint(publicDNS), 53, proto, false).Allowed {
		return true
	}
	for _, d := range m.Pods {
		for _, cp := range d.Ports {
			if cp.Port == 53 && cp.Protocol == proto && d != pod && m.direction(eg, PodEndpoint(pod), PodEndpoint(d), 53, proto, false).Allowed {
				return true
			}
		}
	}
	return false
}
