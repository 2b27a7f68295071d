package netpol

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kubeharden "github.com/kubeharden/kubeharden"
)

const lintBase = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  containers:
  - name: c
    ports: [{name: http, containerPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: shop}
spec:
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: c
        ports: [{name: pg, containerPort: 5432}]
---
apiVersion: v1
kind: Pod
metadata: {name: dns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  containers:
  - name: c
    ports: [{name: dns, containerPort: 53, protocol: UDP}, {name: dns-tcp, containerPort: 53}]
---
`

func lintFindings(t *testing.T, policies string, opts Options) ([]kubeharden.Report, []*kubeharden.InputError) {
	t.Helper()
	m, errs := LoadWith(context.Background(), opts, Input{Source: "test.yaml", Data: []byte(lintBase + policies)})
	return Lint(m), errs
}

func failed(reports []kubeharden.Report, rule string) []kubeharden.Finding {
	var out []kubeharden.Finding
	for _, r := range reports {
		for _, f := range r.Findings {
			if f.RuleID == rule && !f.Passed {
				out = append(out, f)
			}
		}
	}
	return out
}

func TestLintRules(t *testing.T) {
	np := func(spec string) string {
		return "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n" + spec + "\n"
	}
	deny := np("  podSelector: {}\n  policyTypes: [Ingress, Egress]\n  egress:\n  - ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]")
	tests := []struct {
		name     string
		rule     string
		input    string
		opts     Options
		wantFail bool
		wantPath string
	}{
		{"selects no pods", "netpol/PolicySelectsNoPods", np("  podSelector: {matchLabels: {app: nope}}"), Options{}, true, "spec.podSelector"},
		{"selects no pods, partial input", "netpol/PolicySelectsNoPods", np("  podSelector: {matchLabels: {app: nope}}"), Options{Partial: true}, false, ""},
		{"empty podSelector never selects nothing", "netpol/PolicySelectsNoPods", np("  podSelector: {}"), Options{}, false, ""},
		{"selects a workload template", "netpol/PolicySelectsNoPods", np("  podSelector: {matchLabels: {app: db}}"), Options{}, false, ""},
		{"peer selects nothing", "netpol/PeerSelectsNoPods", np("  podSelector: {}\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: ghost}}}]"), Options{}, true, "spec.ingress[0].from[0]"},
		{"peer selects web", "netpol/PeerSelectsNoPods", np("  podSelector: {}\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]"), Options{}, false, ""},
		{"peer namespace by metadata.name", "netpol/PeerSelectsNoPods", np("  podSelector: {}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]"), Options{}, false, ""},
		{"0.0.0.0/0", "netpol/AllowAllCIDR", np("  podSelector: {}\n  ingress:\n  - from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]"), Options{}, true, "spec.ingress[0].from[0].ipBlock.cidr"},
		{"::/0", "netpol/AllowAllCIDR", np("  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{ipBlock: {cidr: '::/0'}}]"), Options{}, true, "spec.egress[0].to[0].ipBlock.cidr"},
		{"narrow cidr", "netpol/AllowAllCIDR", np("  podSelector: {}\n  ingress:\n  - from: [{ipBlock: {cidr: 192.0.2.0/24}}]"), Options{}, false, ""},
		{"namespaceSelector {}", "netpol/AnyNamespace", np("  podSelector: {}\n  ingress:\n  - from: [{namespaceSelector: {}}]"), Options{}, true, "spec.ingress[0].from[0].namespaceSelector"},
		{"namespaceSelector by label", "netpol/AnyNamespace", np("  podSelector: {}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {team: a}}}]"), Options{}, false, ""},
		{"no default deny ingress", "netpol/DefaultDenyIngress", "", Options{}, true, ""},
		{"default deny ingress", "netpol/DefaultDenyIngress", deny, Options{}, false, ""},
		{"no default deny egress", "netpol/DefaultDenyEgress", np("  podSelector: {}\n  policyTypes: [Ingress]"), Options{}, true, ""},
		{"default deny egress", "netpol/DefaultDenyEgress", deny, Options{}, false, ""},
		{"egress deny without DNS", "netpol/EgressBlocksDNS", np("  podSelector: {}\n  policyTypes: [Egress]"), Options{}, true, "spec.policyTypes"},
		{"egress deny with UDP only", "netpol/EgressBlocksDNS", np("  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - ports: [{port: 53, protocol: UDP}]"), Options{}, true, "spec.policyTypes"},
		{"egress deny with DNS", "netpol/EgressBlocksDNS", deny, Options{}, false, ""},
		{"DNS to kube-dns by named ports", "netpol/EgressBlocksDNS", np("  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]\n    ports: [{port: dns, protocol: UDP}, {port: dns-tcp}]"), Options{}, false, ""},
		{"named port unresolved", "netpol/UnresolvedNamedPort", np("  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - ports: [{port: grpc}]"), Options{}, true, "spec.ingress[0].ports[0].port"},
		{"named port wrong protocol", "netpol/UnresolvedNamedPort", np("  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - ports: [{port: http, protocol: UDP}]"), Options{}, true, "spec.ingress[0].ports[0].port"},
		{"named port resolved", "netpol/UnresolvedNamedPort", np("  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - ports: [{port: http}]"), Options{}, false, ""},
		{"egress named port resolved on peer", "netpol/UnresolvedNamedPort", np("  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Egress]\n  egress:\n  - to: [{podSelector: {matchLabels: {app: db}}}]\n    ports: [{port: pg}]"), Options{}, false, ""},
		{"egress named port not on peer", "netpol/UnresolvedNamedPort", np("  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Egress]\n  egress:\n  - to: [{podSelector: {matchLabels: {app: db}}}]\n    ports: [{port: http}]"), Options{}, true, "spec.egress[0].ports[0].port"},
		{"named port with ipBlock", "netpol/NamedPortIPBlock", np("  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{ipBlock: {cidr: 0.0.0.0/0}}]\n    ports: [{port: http}]"), Options{}, true, "spec.egress[0].to[0]"},
		{"numeric port with ipBlock", "netpol/NamedPortIPBlock", np("  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{ipBlock: {cidr: 0.0.0.0/0}}]\n    ports: [{port: 443}]"), Options{}, false, ""},
		{"ingress ignored", "netpol/IgnoredRules", np("  podSelector: {}\n  policyTypes: [Egress]\n  ingress:\n  - {}"), Options{}, true, "spec.ingress"},
		{"ingress listed", "netpol/IgnoredRules", np("  podSelector: {}\n  policyTypes: [Egress, Ingress]\n  ingress:\n  - {}"), Options{}, false, ""},
		{"policyTypes omitted with egress only", "netpol/PolicyTypesOmitted", np("  podSelector: {}\n  egress:\n  - {}"), Options{}, true, "spec.policyTypes"},
		{"policyTypes omitted egress []", "netpol/PolicyTypesOmitted", np("  podSelector: {}\n  egress: []"), Options{}, true, "spec.egress"},
		{"policyTypes omitted, ingress only", "netpol/PolicyTypesOmitted", np("  podSelector: {}\n  ingress:\n  - {}"), Options{}, false, ""},
		{"no namespace", "netpol/MissingNamespace", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec: {podSelector: {}}\n", Options{}, true, "metadata.namespace"},
		{"namespace set", "netpol/MissingNamespace", np("  podSelector: {}"), Options{}, false, ""},
		{"host network selected", "netpol/HostNetworkSelected", "apiVersion: v1\nkind: Pod\nmetadata: {name: h, namespace: shop, labels: {app: h}}\nspec: {hostNetwork: true, containers: [{name: c}]}\n---\n" + np("  podSelector: {matchLabels: {app: h}}"), Options{}, true, "spec.podSelector"},
		{"host network not selected", "netpol/HostNetworkSelected", "apiVersion: v1\nkind: Pod\nmetadata: {name: h, namespace: shop, labels: {app: h}}\nspec: {hostNetwork: true, containers: [{name: c}]}\n---\n" + np("  podSelector: {matchLabels: {app: web}}"), Options{}, false, ""},
		{"allow all ingress", "netpol/AllowAll", np("  podSelector: {}\n  ingress:\n  - {}"), Options{}, true, "spec.ingress[0]"},
		{"restricted ingress", "netpol/AllowAll", np("  podSelector: {}\n  ingress:\n  - ports: [{port: 80}]"), Options{}, false, ""},
		{"hidden allow all", "netpol/HiddenAllowAll", np("  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]\n    ports: [{port: 5432}]\n  - {}"), Options{}, true, "spec.ingress[1]"},
		{"hidden allow all by covering peers", "netpol/HiddenAllowAll", np("  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{namespaceSelector: {}}, {ipBlock: {cidr: 0.0.0.0/0}}, {ipBlock: {cidr: '::/0'}}]"), Options{}, true, "spec.ingress[0]"},
		{"no hidden allow all", "netpol/HiddenAllowAll", np("  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]\n  - ports: [{port: 5432}]"), Options{}, false, ""},
		{"empty peer", "netpol/EmptyPeer", np("  podSelector: {}\n  ingress:\n  - from: [{}]"), Options{}, true, "spec.ingress[0].from[0]"},
		{"invalid cidr", "netpol/InvalidPolicy", np("  podSelector: {}\n  ingress:\n  - from: [{ipBlock: {cidr: 10.0.0.0/33}}]"), Options{}, true, "spec.ingress[0].from[0].ipBlock.cidr"},
		{"endPort below port", "netpol/InvalidPolicy", np("  podSelector: {}\n  ingress:\n  - ports: [{port: 10, endPort: 1}]"), Options{}, true, "spec.ingress[0].ports[0].endPort"},
		{"valid endPort", "netpol/InvalidPolicy", np("  podSelector: {}\n  ingress:\n  - ports: [{port: 10, endPort: 20}]"), Options{}, false, ""},
		{"duplicate", "netpol/DuplicateName", np("  podSelector: {}") + "---\n" + np("  podSelector: {matchLabels: {app: web}}"), Options{}, true, "metadata.name"},
		{"unknown field", "netpol/UnknownField", np("  podSelector: {}\n  ingres: []"), Options{}, true, "spec.ingres"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reports, _ := lintFindings(t, tc.input, tc.opts)
			fs := failed(reports, tc.rule)
			if strings.HasPrefix(tc.rule, "netpol/DefaultDeny") {
				fs = slices.DeleteFunc(fs, func(f kubeharden.Finding) bool { return !strings.Contains(f.Message, "namespace shop ") })
			}
			if !tc.wantFail {
				assert.Empty(t, fs)
				return
			}
			require.NotEmpty(t, fs, "want %s to fail", tc.rule)
			assert.Equal(t, tc.wantPath, fs[0].Path)
			assert.NotEmpty(t, fs[0].Message)
			if tc.wantPath != "" {
				assert.True(t, fs[0].Position.IsValid(), "finding should be positioned: %+v", fs[0])
			}
		})
	}
}

func TestRulesCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		assert.True(t, strings.HasPrefix(r.ID, "netpol/"), r.ID)
		assert.False(t, seen[r.ID], "duplicate %s", r.ID)
		seen[r.ID] = true
		assert.NotEmpty(t, r.Title)
		assert.NotEmpty(t, r.Description)
		assert.NotEmpty(t, r.Remediation)
	}
}

func TestLoadRejectsInvalid(t *testing.T) {
	in := lintBase + `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bad, namespace: shop}
spec:
  podSelector: {}
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]
`
	m, errs := Load(context.Background(), Input{Source: "x.yaml", Data: []byte(in)})
	require.Len(t, errs, 1)
	assert.True(t, errors.Is(errs[0], ErrInvalidPolicy))
	assert.Equal(t, "x.yaml", errs[0].Source)
	assert.Equal(t, 38, errs[0].Line) // the line of the offending peer
	assert.Empty(t, m.Policies)
	require.Len(t, m.Rejected, 1)
}
