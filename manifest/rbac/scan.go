package rbac

import (
	"errors"
	"strconv"
	"strings"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
	rbacv1 "k8s.io/api/rbac/v1"
)

// Group is the RBAC API group.
const Group = "rbac.authorization.k8s.io"

// isRBAC reports whether the document is one of the four RBAC kinds of
// rbac.authorization.k8s.io/v1 (v1beta1, removed in Kubernetes 1.22, has
// the same schema and is read too).
func isRBAC(d *decode.Document) bool {
	switch d.Meta.APIVersion {
	case Group + "/v1", Group + "/v1beta1":
	default:
		return false
	}
	switch d.Meta.Kind {
	case "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding":
		return true
	}
	return false
}

// object is one decoded RBAC object.
type object struct {
	doc      *decode.Document
	kind     string
	role     *rbacv1.Role
	crole    *rbacv1.ClusterRole
	binding  *rbacv1.RoleBinding
	cbinding *rbacv1.ClusterRoleBinding
	problems []decode.FieldProblem
}

func decodeObject(d *decode.Document) (*object, *kubeharden.InputError) {
	o := &object{doc: d, kind: d.Meta.Kind}
	var (
		problems []decode.FieldProblem
		err      error
	)
	switch d.Meta.Kind {
	case "Role":
		o.role = &rbacv1.Role{}
		problems, err = d.Into(o.role)
	case "ClusterRole":
		o.crole = &rbacv1.ClusterRole{}
		problems, err = d.Into(o.crole)
	case "RoleBinding":
		o.binding = &rbacv1.RoleBinding{}
		problems, err = d.Into(o.binding)
	case "ClusterRoleBinding":
		o.cbinding = &rbacv1.ClusterRoleBinding{}
		problems, err = d.Into(o.cbinding)
	}
	if err != nil {
		var ie *kubeharden.InputError
		if errors.As(err, &ie) {
			return nil, ie
		}
		return nil, d.Error(err, "")
	}
	o.problems = problems
	return o, nil
}

func (o *object) name() string {
	return o.doc.Object(o.kind == "ClusterRole" || o.kind == "ClusterRoleBinding")
}

// ScanDocument analyses one Role, ClusterRole, RoleBinding or
// ClusterRoleBinding (rbac.authorization.k8s.io/v1) on its own. It returns a
// nil report for other kinds, and an error with a nil report when the
// object cannot be decoded (a value of the wrong type). Unknown, duplicate
// and case-variant keys are findings of the manifest decoding rules.
//
// A Role is evaluated in its namespace (cluster-scoped resources such as
// nodes or users are never granted by a Role); a ClusterRole as if bound by
// a ClusterRoleBinding, the worst case, with messages saying so. Bindings
// are checked for their roleRef (cluster-admin, admin, edit) and subjects
// (system:anonymous, system:unauthenticated, system:authenticated,
// system:masters, service-account groups, default service accounts); what
// the subjects actually receive needs the roles too: see Analyze.
//
// The object annotations kubeharden.io/suppress ("RULE, RULE; reason") and
// kubeharden.io/ignore ("RULE: reason" per line) suppress the named rules
// for the object, as in package manifest: the findings stay in the report,
// marked Suppressed with the reason, and do not count.
func ScanDocument(d *decode.Document) (*kubeharden.Report, *kubeharden.InputError) {
	if !isRBAC(d) {
		return nil, nil
	}
	o, err := decodeObject(d)
	if err != nil {
		return nil, err
	}
	var fs []kubeharden.Finding
	if len(o.problems) > 0 {
		fs = decode.ProblemFindings("manifest", d, o.problems)
	}
	switch {
	case o.role != nil:
		ctx := evalCtx{namespace: o.role.Namespace, prefix: "rules"}
		for _, f := range evalRole(o.role.Rules, ctx) {
			fs = append(fs, f.finding())
		}
	case o.crole != nil:
		ctx := evalCtx{cluster: true, unbound: true, prefix: "rules"}
		note := aggregatedInto(o.crole.Labels)
		if o.crole.AggregationRule != nil {
			note += "; this ClusterRole is aggregated: the controller replaces its rules with those of the ClusterRoles its selectors match (Analyze resolves them within a set)"
		}
		for _, f := range evalRole(o.crole.Rules, ctx) {
			ff := f.finding()
			ff.Message += note
			fs = append(fs, ff)
		}
	case o.binding != nil:
		fs = bindingFindings(fs, o.binding.RoleRef, o.binding.Subjects, o.binding.Namespace, false)
	case o.cbinding != nil:
		fs = bindingFindings(fs, o.cbinding.RoleRef, o.cbinding.Subjects, "", true)
	}
	if len(d.Meta.Annotations) > 0 {
		suppress(d.Meta.Annotations, fs)
	}
	d.Positioned(fs)
	r := &kubeharden.Report{Source: d.Source, Document: d.Index, Object: o.name(), Kind: d.Meta.Kind, Findings: fs}
	r.ComputeScore()
	return r, nil
}

// aggregateLabels are the labels that aggregate a ClusterRole into the
// built-in user-facing roles.
var aggregateLabels = []struct{ label, role string }{
	{"rbac.authorization.k8s.io/aggregate-to-admin", "admin"},
	{"rbac.authorization.k8s.io/aggregate-to-edit", "edit"},
	{"rbac.authorization.k8s.io/aggregate-to-view", "view"},
}

// aggregatedInto notes that a ClusterRole's rules flow into built-in roles.
func aggregatedInto(labels map[string]string) string {
	var roles []string
	for _, a := range aggregateLabels {
		if labels[a.label] == "true" {
			roles = append(roles, a.role)
		}
	}
	if len(roles) == 0 {
		return ""
	}
	return "; the role is aggregated into the built-in ClusterRole(s) " + strings.Join(roles, ", ") + ", so every subject bound to them receives it"
}

// builtinRisk is the risk of binding a well-known built-in ClusterRole.
func builtinRisk(name string) (kubeharden.Severity, string, bool) {
	switch name {
	case "cluster-admin":
		return critical, "every permission", true
	case "admin":
		return high, "Secrets read and write, pods/exec, workloads, roles and role bindings", true
	case "edit":
		return high, "Secrets read and write, pods/exec, workloads and service-account impersonation", true
	}
	return 0, "", false
}

// bindingFindings checks a binding's roleRef and subjects.
func bindingFindings(fs []kubeharden.Finding, ref rbacv1.RoleRef, subjects []rbacv1.Subject, ns string, cluster bool) []kubeharden.Finding {
	if ref.Kind == "ClusterRole" {
		if sev, what, ok := builtinRisk(ref.Name); ok {
			scope := "cluster-wide (ClusterRoleBinding)"
			if !cluster {
				scope = "in namespace " + nsOr(ns) + " only (a RoleBinding scopes the ClusterRole to its namespace)"
				if ref.Name == "cluster-admin" {
					what = "full control of the namespace, Secrets and role bindings included"
				}
			}
			f := ruleBindingClusterAdmin.Fail("the binding grants the built-in ClusterRole "+ref.Name+" ("+what+") "+scope, "roleRef.name")
			f.Severity, f.Points = sev, pointsFor(sev)
			f.Fix = "replace roleRef " + ref.Name + " with a role that grants only what the subjects need"
			fs = append(fs, f)
		}
	}
	viewOnly := ref.Kind == "ClusterRole" && ref.Name == "view"
	for i, s := range subjects {
		sp := "subjects[" + strconv.Itoa(i) + "]"
		fix := "remove " + sp + " from the binding"
		n := len(fs)
		switch {
		case s.Kind == rbacv1.UserKind && s.Name == "system:anonymous":
			fs = append(fs, failWith(&ruleBindingAnonymous, "the binding grants its role to the user system:anonymous (any unauthenticated request)", sp+".name", fix, critical))
		case s.Kind == rbacv1.GroupKind && s.Name == "system:unauthenticated":
			fs = append(fs, failWith(&ruleBindingAnonymous, "the binding grants its role to the group system:unauthenticated (any unauthenticated request)", sp+".name", fix, critical))
		case s.Kind == rbacv1.GroupKind && s.Name == "system:authenticated":
			fs = append(fs, failWith(&ruleBindingAnonymous, "the binding grants its role to the group system:authenticated (anyone with any valid credential)", sp+".name", fix, high))
		case s.Kind == rbacv1.GroupKind && s.Name == "system:masters":
			fs = append(fs, failWith(&ruleBindingMasters, "the binding names the group system:masters, whose members bypass RBAC", sp+".name", fix, critical))
		case s.Kind == rbacv1.GroupKind && (s.Name == "system:serviceaccounts" || strings.HasPrefix(s.Name, "system:serviceaccounts:")):
			who := "every service account of the cluster"
			if s.Name != "system:serviceaccounts" {
				who = "every service account of namespace " + strings.TrimPrefix(s.Name, "system:serviceaccounts:")
			}
			fs = append(fs, failWith(&ruleBindingAllServiceAccounts, "the binding grants its role to the group "+s.Name+" ("+who+")", sp+".name",
				"replace "+sp+" with the ServiceAccount that needs the role", high))
		default:
			sns, name, ok := serviceAccount(s, ns)
			if !ok || name != "default" || viewOnly {
				continue
			}
			p := sp + ".name"
			fs = append(fs, failWith(&ruleBindingDefaultSA, "the binding grants "+refString(ref)+" to the default ServiceAccount of namespace "+sns+
				": every pod there that names no service account receives it", p,
				"create a dedicated ServiceAccount, bind it instead of "+sp+" and set serviceAccountName in the pods that need the role", medium))
			continue
		}
		if len(fs) > n {
			ptr := "/subjects/" + strconv.Itoa(i)
			fs[n].Patch = []kubeharden.PatchOp{{Op: "test", Path: ptr + "/name", Value: s.Name}, {Op: "remove", Path: ptr}}
		}
	}
	return fs
}

func failWith(r *kubeharden.Rule, msg, path, fix string, sev kubeharden.Severity) kubeharden.Finding {
	f := r.Fail(msg, path)
	f.Fix, f.Severity, f.Points = fix, sev, pointsFor(sev)
	return f
}

func nsOr(ns string) string {
	if ns == "" {
		return "default"
	}
	return ns
}

func refString(ref rbacv1.RoleRef) string {
	return ref.Kind + " " + ref.Name
}

// serviceAccount returns the namespace and name of a ServiceAccount
// subject, or of a User subject named system:serviceaccount:<ns>:<name>.
// A ServiceAccount subject without namespace takes the binding's.
func serviceAccount(s rbacv1.Subject, bindingNS string) (string, string, bool) {
	switch s.Kind {
	case rbacv1.ServiceAccountKind:
		ns := s.Namespace
		if ns == "" {
			ns = nsOr(bindingNS)
		}
		return ns, s.Name, true
	case rbacv1.UserKind:
		rest, ok := strings.CutPrefix(s.Name, "system:serviceaccount:")
		if !ok {
			return "", "", false
		}
		ns, name, ok := strings.Cut(rest, ":")
		if !ok || ns == "" || name == "" || strings.Contains(name, ":") {
			return "", "", false
		}
		return ns, name, true
	}
	return "", "", false
}
