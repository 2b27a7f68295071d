package rbac

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kubeharden/kubeharden/internal/decode"
)

// realisticSet renders n roles (half Roles in 50 namespaces, half
// ClusterRoles, a tenth of those aggregated) and n bindings (four fifths
// RoleBindings, some to ClusterRoles and built-ins; the rest
// ClusterRoleBindings), with rules shaped like those of common operators.
func realisticSet(n int) []byte {
	var b strings.Builder
	rules := []string{
		`- {apiGroups: [""], resources: [pods, pods/log, services, endpoints, configmaps], verbs: [get, list, watch]}`,
		`- {apiGroups: [apps], resources: [deployments, statefulsets, daemonsets], verbs: [get, list, watch, update, patch]}`,
		`- {apiGroups: [""], resources: [secrets], resourceNames: [tls-%d], verbs: [get]}`,
		`- {apiGroups: [""], resources: [pods/exec, pods/portforward], verbs: [create]}`,
		`- {apiGroups: [batch], resources: [jobs, cronjobs], verbs: [create, delete, get, list]}`,
		`- {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [get, create, update]}`,
		`- {apiGroups: [""], resources: [events], verbs: [create, patch]}`,
		`- {apiGroups: [networking.k8s.io], resources: [ingresses, networkpolicies], verbs: ["*"]}`,
	}
	for i := range n {
		ns := fmt.Sprintf("team-%d", i%50)
		body := ""
		for j := range 3 + i%5 {
			r := rules[(i+j)%len(rules)]
			if strings.Contains(r, "%d") {
				r = fmt.Sprintf(r, i)
			}
			body += r + "\n"
		}
		if i%2 == 0 {
			fmt.Fprintf(&b, "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: role-%d\n  namespace: %s\nrules:\n%s", i, ns, body)
			continue
		}
		agg := ""
		if i%20 == 1 {
			agg = fmt.Sprintf("aggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {agg: g%d}\n", i%7)
		}
		fmt.Fprintf(&b, "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: crole-%d\n  labels: {agg: g%d}\n%srules:\n%s", i, i%7, agg, body)
	}
	for i := range n {
		ns := fmt.Sprintf("team-%d", i%50)
		subjects := fmt.Sprintf("- {kind: ServiceAccount, name: sa-%d, namespace: %s}\n- {kind: Group, name: group-%d, apiGroup: rbac.authorization.k8s.io}\n", i%80, ns, i%30)
		if i%25 == 0 {
			subjects += "- {kind: ServiceAccount, name: default, namespace: " + ns + "}\n"
		}
		switch {
		case i%5 == 4:
			fmt.Fprintf(&b, "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: crb-%d}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: crole-%d}\nsubjects:\n%s", i, (i|1)%n, subjects)
		case i%5 == 3:
			ref := []string{"edit", "view", "admin", fmt.Sprintf("crole-%d", (i|1)%n)}[i%4]
			fmt.Fprintf(&b, "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb-%d, namespace: %s}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: %s}\nsubjects:\n%s", i, ns, ref, subjects)
		default:
			fmt.Fprintf(&b, "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb-%d, namespace: %s}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: role-%d}\nsubjects:\n%s", i, ns, (i&^1)%n, subjects)
		}
	}
	return []byte(b.String())
}

func benchDocs(b *testing.B) []*decode.Document {
	docs, errs := decode.Split(realisticSet(500), "set.yaml", decode.Options{})
	if len(errs) > 0 || len(docs) != 1000 {
		b.Fatalf("%d docs, errors %v", len(docs), errs)
	}
	return docs
}

// BenchmarkDecode is the baseline: splitting and converting the set.
func BenchmarkDecode(b *testing.B) {
	data := realisticSet(500)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		decode.Split(data, "set.yaml", decode.Options{})
	}
}

// BenchmarkScanDocument scans the 1000 documents one by one (fresh
// documents each round, so positions are resolved as in a real scan).
func BenchmarkScanDocument(b *testing.B) {
	data := realisticSet(500)
	for b.Loop() {
		b.StopTimer()
		docs, _ := decode.Split(data, "set.yaml", decode.Options{})
		b.StartTimer()
		for _, d := range docs {
			if _, err := ScanDocument(d); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkAnalyze evaluates the whole set: 500 roles, 500 bindings.
func BenchmarkAnalyze(b *testing.B) {
	docs := benchDocs(b)
	subjects, findings := 0, 0
	for b.Loop() {
		rs := Analyze(docs)
		subjects, findings = len(rs), 0
		for _, r := range rs {
			findings += len(r.Findings)
		}
	}
	b.ReportMetric(float64(subjects), "subjects")
	b.ReportMetric(float64(findings), "findings")
}

func TestRealisticSet(t *testing.T) {
	docs, errs := decode.Split(realisticSet(60), "set.yaml", decode.Options{})
	if len(errs) > 0 || len(docs) != 120 {
		t.Fatalf("%d docs, errors %v", len(docs), errs)
	}
	for _, d := range docs {
		r, err := ScanDocument(d)
		if err != nil || r == nil {
			t.Fatalf("%s: %v", d.Meta.Name, err)
		}
		for _, f := range r.Findings {
			if strings.HasSuffix(f.RuleID, "UnknownField") {
				t.Fatalf("generator writes an unknown field: %+v", f)
			}
		}
	}
	if len(Analyze(docs)) == 0 {
		t.Fatal("no subject reports")
	}
}

// BenchmarkRulesOnly is the rules' own cost over the 1000 objects, without
// decoding and positions: compare with BenchmarkDecode.
func BenchmarkRulesOnly(b *testing.B) {
	docs := benchDocs(b)
	objs := make([]*object, 0, len(docs))
	for _, d := range docs {
		o, err := decodeObject(d)
		if err != nil {
			b.Fatal(err)
		}
		objs = append(objs, o)
	}
	n := 0
	for b.Loop() {
		n = 0
		for _, o := range objs {
			switch {
			case o.role != nil:
				n += len(evalRole(o.role.Rules, evalCtx{namespace: o.role.Namespace, prefix: "rules"}))
			case o.crole != nil:
				n += len(evalRole(o.crole.Rules, evalCtx{cluster: true, unbound: true, prefix: "rules"}))
			case o.binding != nil:
				n += len(bindingFindings(nil, o.binding.RoleRef, o.binding.Subjects, o.binding.Namespace, false))
			default:
				n += len(bindingFindings(nil, o.cbinding.RoleRef, o.cbinding.Subjects, "", true))
			}
		}
	}
	b.ReportMetric(float64(n), "findings")
}
