package rbac

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// SubjectKind is the Report.Kind of Analyze's reports.
const SubjectKind = "RBACSubject"

// ErrBudget is reported in a subject report's Errors when Analyze stopped
// adding findings because the set yields more than MaxFindings.
var ErrBudget = errors.New("finding budget exhausted")

// MaxFindings bounds the findings Analyze produces over all subjects (a
// binding with many subjects of a role with many rules multiplies them).
const MaxFindings = 1 << 17

// maxAggregationDepth bounds the resolution of ClusterRoles that aggregate
// aggregated ClusterRoles.
const maxAggregationDepth = 16

// set is the scanned RBAC objects, indexed.
type set struct {
	roles    map[string]*object // "ns/name"
	croles   map[string]*object // name
	cnames   []string           // ClusterRole names, sorted
	bindings []*object
	// resolved caches effective ClusterRole rules.
	resolved map[string]*effective
	evals    map[evalKey][]roleFinding
}

type evalKey struct {
	role    string // "Role ns/name" or "ClusterRole name"
	cluster bool
	ns      string
}

// effective is a role's rules as the API server sees them, with a label
// naming where each rule comes from.
type effective struct {
	rules  []rbacv1.PolicyRule
	labels []string
	// notes qualify the result (incomplete aggregation, built-in role).
	notes []string
}

// Analyze evaluates a set of documents together and returns one report per
// subject (User, Group or ServiceAccount) named by a RoleBinding or
// ClusterRoleBinding of the set, in order of first appearance. Each report
// (Kind SubjectKind, Object "User/alice", "Group/devs" or
// "ServiceAccount/name.namespace") lists, as manifest/
// BindingGrantsRiskyPermission findings, every risky permission the subject
// receives: through which binding, from which role rule, and in which scope
// (a RoleBinding scopes even a ClusterRole to its namespace). Findings are
// positioned on the subject entry of the binding (path "subjects[i]"), so a
// report may point into several files.
//
// roleRef is resolved within the set: a RoleBinding to a Role of its
// namespace or to a ClusterRole, a ClusterRoleBinding to a ClusterRole.
// Aggregated ClusterRoles (aggregationRule) take the union of the set's
// ClusterRoles matching their selectors, and the built-in roles
// cluster-admin, admin, edit and view are known without their objects
// (plus any ClusterRole of the set labelled aggregate-to-admin/edit/view).
// A roleRef that cannot be resolved yields a manifest/BindingRoleMissing
// finding. ServiceAccounts written as users (system:serviceaccount:ns:name)
// are the same subject as the ServiceAccount. A binding's suppression
// annotations (see ScanDocument) apply to the findings it produces. Documents that are not RBAC
// objects, or that fail to decode, are ignored (ScanDocument reports
// them). Analyze returns nil when the set has no binding.
func Analyze(docs []*decode.Document) []kubeharden.Report {
	s := &set{roles: map[string]*object{}, croles: map[string]*object{}, resolved: map[string]*effective{}, evals: map[evalKey][]roleFinding{}}
	for _, d := range docs {
		if d == nil || !isRBAC(d) {
			continue
		}
		o, err := decodeObject(d)
		if err != nil {
			continue
		}
		switch {
		case o.role != nil:
			s.roles[nsOr(o.role.Namespace)+"/"+o.role.Name] = o
		case o.crole != nil:
			if _, dup := s.croles[o.crole.Name]; !dup {
				s.cnames = append(s.cnames, o.crole.Name)
			}
			s.croles[o.crole.Name] = o
		default:
			s.bindings = append(s.bindings, o)
		}
	}
	if len(s.bindings) == 0 {
		return nil
	}
	sort.Strings(s.cnames)
	var (
		order    []string
		reports  = map[string]*kubeharden.Report{}
		groups   = map[string][]groupGrant{}
		subjects = map[string]subjectInfo{}
		held     = map[string][]heldGrant{}
		total    int
	)
	add := func(r *kubeharden.Report, b *object, sp string, fs []kubeharden.Finding) bool {
		if total+len(fs) > MaxFindings {
			r.Errors = append(r.Errors, *b.doc.Error(fmt.Errorf("%w: more than %d findings; %s and later subjects are not fully reported", ErrBudget, MaxFindings, sp), sp))
			return false
		}
		total += len(fs)
		r.Findings = append(r.Findings, fs...)
		return true
	}
	for _, b := range s.bindings {
		ref, subs, ns, cluster := b.bindingParts()
		grant := s.grant(b, ref, ns, cluster)
		for i, sub := range subs {
			key, obj := subjectKey(sub, ns)
			if key == "" {
				continue
			}
			r := reports[key]
			if r == nil {
				r = &kubeharden.Report{Source: b.doc.Source, Document: b.doc.Index, Object: obj, Kind: SubjectKind}
				reports[key] = r
				order = append(order, key)
				subjects[key] = subjectInfoOf(sub, ns)
			}
			sp := "subjects[" + strconv.Itoa(i) + "]"
			if sub.Kind == rbacv1.GroupKind {
				groups[sub.Name] = append(groups[sub.Name], groupGrant{g: grant, sp: sp})
			}
			held[key] = append(held[key], heldGrant{g: grant, sp: sp})
			if !add(r, b, sp, grant.fn(obj, sp)) {
				return finish(order, reports)
			}
		}
	}
	// Members of the groups every service account, or every authenticated
	// user, belongs to receive those groups' permissions too.
	for _, key := range order {
		info := subjects[key]
		r := reports[key]
		for _, g := range info.groups {
			for _, gg := range groups[g] {
				held[key] = append(held[key], heldGrant{g: gg.g, sp: gg.sp, group: g})
				fs := gg.g.fn(r.Object+" as a member of group "+g, gg.sp)
				kept := fs[:0]
				for _, f := range fs {
					if f.RuleID == ruleBindingRisky.ID {
						kept = append(kept, f)
					}
				}
				if !add(r, gg.g.b, gg.sp, kept) {
					return finish(order, reports)
				}
			}
		}
		// Permissions that need two grants (get + patch on bindings, CSR
		// approval + signer approve) may come from different bindings.
		if fs := combined(r.Object, held[key]); len(fs) > 0 && !add(r, held[key][0].g.b, held[key][0].sp, fs) {
			return finish(order, reports)
		}
	}
	return finish(order, reports)
}

// heldGrant is a grant a subject holds, directly or through group.
type heldGrant struct {
	g     *grantInfo
	sp    string
	group string
}

// combined evaluates the combination checks over the union of the roles a
// subject holds in one scope, and reports the combinations no single role
// grants.
func combined(obj string, hs []heldGrant) []kubeharden.Finding {
	type scope struct {
		cluster bool
		ns      string
	}
	byScope := map[scope][]heldGrant{}
	var scopes []scope
	for _, h := range hs {
		if h.g.eff == nil {
			continue
		}
		sc := scope{h.g.cluster, h.g.ns}
		if _, ok := byScope[sc]; !ok {
			scopes = append(scopes, sc)
		}
		byScope[sc] = append(byScope[sc], h)
	}
	var out []kubeharden.Finding
	for _, sc := range scopes {
		group := byScope[sc]
		if len(group) < 2 {
			continue
		}
		ctx := evalCtx{cluster: sc.cluster, namespace: sc.ns, prefix: "rules"}
		// A combination counts as new when no single role yields the same
		// rule with the same permission (the partial CSR finding differs).
		type comboKey struct {
			rule  *kubeharden.Rule
			short string
		}
		single := map[comboKey]bool{}
		var rules []rbacv1.PolicyRule
		var labels, vias []string
		seen := map[*effective]bool{}
		for _, h := range group {
			via := h.g.via
			if h.group != "" {
				via += " (as a member of group " + h.group + ")"
			}
			if !has(vias, via) {
				vias = append(vias, via)
			}
			if seen[h.g.eff] {
				continue
			}
			seen[h.g.eff] = true
			for _, rf := range roleLevelChecks(nil, h.g.eff.rules, evalCtx{cluster: sc.cluster, namespace: sc.ns, prefix: "rules", labels: h.g.eff.labels}) {
				single[comboKey{rf.rule, rf.short}] = true
			}
			rules = append(rules, h.g.eff.rules...)
			labels = append(labels, h.g.eff.labels...)
		}
		if len(seen) < 2 {
			continue
		}
		ctx.labels = labels
		for _, rf := range roleLevelChecks(nil, rules, ctx) {
			if single[comboKey{rf.rule, rf.short}] {
				continue
			}
			h := group[0]
			f := ruleBindingRisky.Fail(obj+" gets "+rf.short+" "+scopeText(sc.cluster, sc.ns)+" by combining "+strings.Join(vias, " and ")+": "+rf.msg+": "+rf.rule.Title+" ["+rf.rule.ID+"]", h.sp)
			f.Severity, f.Points = rf.sev, pointsFor(rf.sev)
			f.Fix = "remove the subject from one of " + strings.Join(vias, ", ") + ", or narrow one of the roles: " + rf.fix
			f.Refs = append([]string{rf.rule.ID}, ruleBindingRisky.Refs...)
			f.Position = h.g.b.doc.Position(h.sp)
			out = append(out, f)
		}
	}
	return out
}

// groupGrant is a binding's grant to a group subject.
type groupGrant struct {
	g  *grantInfo
	sp string
}

// subjectInfo lists the implicit groups of a subject.
type subjectInfo struct{ groups []string }

// subjectInfoOf returns the groups the authenticator always adds: every
// service account is in system:serviceaccounts, system:serviceaccounts:<ns>
// and system:authenticated; every other user except system:anonymous is in
// system:authenticated.
func subjectInfoOf(sub rbacv1.Subject, bindingNS string) subjectInfo {
	if ns, _, ok := serviceAccount(sub, bindingNS); ok {
		return subjectInfo{groups: []string{"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"}}
	}
	if sub.Kind == rbacv1.UserKind && sub.Name != "system:anonymous" {
		return subjectInfo{groups: []string{"system:authenticated"}}
	}
	return subjectInfo{}
}

func finish(order []string, reports map[string]*kubeharden.Report) []kubeharden.Report {
	out := make([]kubeharden.Report, 0, len(order))
	for _, k := range order {
		r := reports[k]
		r.ComputeScore()
		out = append(out, *r)
	}
	return out
}

func (o *object) bindingParts() (rbacv1.RoleRef, []rbacv1.Subject, string, bool) {
	if o.binding != nil {
		return o.binding.RoleRef, o.binding.Subjects, nsOr(o.binding.Namespace), false
	}
	return o.cbinding.RoleRef, o.cbinding.Subjects, "", true
}

func (o *object) bindingLabel() string {
	if o.binding != nil {
		return "RoleBinding " + nsOr(o.binding.Namespace) + "/" + o.binding.Name
	}
	return "ClusterRoleBinding " + o.cbinding.Name
}

// subjectKey normalises a subject: ServiceAccounts (also written as users)
// by namespace and name. It returns the map key and the report's Object.
func subjectKey(s rbacv1.Subject, bindingNS string) (string, string) {
	if s.Name == "" {
		return "", "" // rejected by the API server
	}
	if ns, name, ok := serviceAccount(s, bindingNS); ok {
		return "sa\x00" + ns + "\x00" + name, "ServiceAccount/" + name + "." + ns
	}
	switch s.Kind {
	case rbacv1.UserKind:
		return "user\x00" + s.Name, "User/" + s.Name
	case rbacv1.GroupKind:
		return "group\x00" + s.Name, "Group/" + s.Name
	}
	return "", ""
}

// specialSubject describes identities whose reach is not obvious.
func specialSubject(obj string) string {
	switch obj {
	case "User/system:anonymous", "Group/system:unauthenticated":
		return " (anyone who can reach the API server)"
	case "Group/system:authenticated":
		return " (anyone with any valid credential)"
	case "Group/system:serviceaccounts":
		return " (every service account of the cluster)"
	case "Group/system:masters":
		return " (members bypass RBAC anyway)"
	}
	if strings.HasPrefix(obj, "Group/system:serviceaccounts:") {
		return " (every service account of namespace " + strings.TrimPrefix(obj, "Group/system:serviceaccounts:") + ")"
	}
	return ""
}

// grant returns a function producing a binding's findings for one subject.
// grantInfo is what one binding grants: the resolved role (nil when it
// cannot be resolved) in the binding's scope, and a function producing the
// findings for one of its subjects.
type grantInfo struct {
	b        *object
	via      string
	roleName string
	eff      *effective
	cluster  bool
	ns       string
	fn       func(obj, sp string) []kubeharden.Finding
}

func (s *set) grant(b *object, ref rbacv1.RoleRef, ns string, cluster bool) *grantInfo {
	g := &grantInfo{b: b, via: b.bindingLabel(), cluster: cluster, ns: ns}
	var missing string
	g.eff, g.roleName, missing = s.resolve(ref, ns, cluster)
	g.fn = s.grantFn(g, missing)
	return g
}

func (s *set) grantFn(g *grantInfo, missing string) func(obj, sp string) []kubeharden.Finding {
	b, via, eff, roleName, cluster, ns := g.b, g.via, g.eff, g.roleName, g.cluster, g.ns
	where := scopeText(cluster, ns)
	if missing != "" {
		return func(obj, sp string) []kubeharden.Finding {
			f := ruleBindingRoleMissing.Fail(obj+" is granted "+roleName+" through "+via+", but "+missing, sp)
			f.Fix = "scan " + roleName + " together with " + via
			f.Position = b.doc.Position(sp)
			return []kubeharden.Finding{f}
		}
	}
	key := evalKey{role: roleName, cluster: cluster, ns: ns}
	rfs, ok := s.evals[key]
	if !ok {
		rfs = evalRole(eff.rules, evalCtx{cluster: cluster, namespace: ns, prefix: "rules", labels: eff.labels})
		s.evals[key] = rfs
	}
	note := ""
	if len(eff.notes) > 0 {
		note = "; " + strings.Join(eff.notes, "; ")
	}
	return func(obj, sp string) []kubeharden.Finding {
		if len(rfs) == 0 {
			return nil
		}
		pos := b.doc.Position(sp)
		out := make([]kubeharden.Finding, 0, len(rfs))
		for _, rf := range rfs {
			f := ruleBindingRisky.Fail(obj+specialSubject(obj)+" gets "+rf.short+" "+where+" through "+via+" (roleRef "+roleName+"; "+ruleRef(rf)+note+"): "+rf.rule.Title+" ["+rf.rule.ID+"]", sp)
			f.Severity, f.Points = rf.sev, pointsFor(rf.sev)
			f.Fix = "remove " + sp + " from " + via + ", or narrow " + roleName + ": " + rf.fix
			f.Refs = append([]string{rf.rule.ID}, ruleBindingRisky.Refs...)
			f.Position = pos
			out = append(out, f)
		}
		if ann := b.doc.Meta.Annotations; len(ann) > 0 {
			suppress(ann, out)
		}
		return out
	}
}

func scopeText(cluster bool, ns string) string {
	if cluster {
		return "in every namespace"
	}
	return "in namespace " + ns
}

// ruleRef is the rule label a role finding starts with ("rules[2]").
func ruleRef(rf roleFinding) string {
	if i := strings.Index(rf.msg, " grants "); i > 0 {
		return rf.msg[:i]
	}
	return rf.path
}

// resolve finds the rules a roleRef grants. missing explains why it
// cannot be evaluated.
func (s *set) resolve(ref rbacv1.RoleRef, ns string, cluster bool) (eff *effective, name, missing string) {
	name = ref.Kind + " " + ref.Name
	if ref.APIGroup != Group {
		return nil, name, "its roleRef.apiGroup is " + strconv.Quote(ref.APIGroup) + ", not " + Group + " (the API server rejects the binding)"
	}
	switch ref.Kind {
	case "Role":
		if cluster {
			return nil, name, "a ClusterRoleBinding can only refer to a ClusterRole (the API server rejects it)"
		}
		name = "Role " + ns + "/" + ref.Name
		if e, ok := s.resolved["role\x00"+name]; ok {
			return e, name, ""
		}
		o := s.roles[ns+"/"+ref.Name]
		if o == nil {
			return nil, name, "the Role is not in the scanned set"
		}
		e := &effective{}
		e.add(o.role.Rules, name)
		s.resolved["role\x00"+name] = e
		return e, name, ""
	case "ClusterRole":
		e := s.clusterRole(ref.Name, 0)
		if e == nil {
			why := "the ClusterRole is not in the scanned set"
			if strings.HasPrefix(ref.Name, "system:") {
				why = "it is a built-in system role kubeharden does not model; check it with kubectl describe clusterrole " + ref.Name
			}
			return nil, name, why
		}
		return e, name, ""
	}
	return nil, name, "roleRef.kind " + strconv.Quote(ref.Kind) + " is neither Role nor ClusterRole"
}

// clusterRole returns the effective rules of a ClusterRole: its own, or,
// for an aggregated one, the union of the set's ClusterRoles its selectors
// match; built-in roles absent from the set come from the bootstrap
// tables plus the set's roles labelled to aggregate into them.
func (s *set) clusterRole(name string, depth int) *effective {
	if e, ok := s.resolved[name]; ok {
		return e
	}
	if depth > maxAggregationDepth {
		return &effective{notes: []string{"aggregation nested too deeply to resolve"}}
	}
	// Mark in progress: a cycle resolves to the rules gathered so far.
	s.resolved[name] = &effective{notes: []string{"aggregation cycle"}}
	var e *effective
	if o := s.croles[name]; o != nil {
		e = s.aggregate(o, depth)
	} else if rules, ok := builtinRules(name); ok {
		e = &effective{notes: []string{"built-in role as defined by the bootstrap policy"}}
		e.add(rules, "built-in "+name)
		if parent, ok := builtinParent[name]; ok {
			if p := s.clusterRole(parent, depth+1); p != nil {
				e.rules = append(e.rules, p.rules...)
				e.labels = append(e.labels, p.labels...)
			}
		}
		if name != "cluster-admin" {
			sel := labels.SelectorFromSet(labels.Set{"rbac.authorization.k8s.io/aggregate-to-" + name: "true"})
			s.addMatching(e, name, []labels.Selector{sel}, depth)
		}
	}
	if e == nil {
		delete(s.resolved, name)
		return nil
	}
	s.resolved[name] = e
	return e
}

func (e *effective) add(rules []rbacv1.PolicyRule, label string) {
	for i := range rules {
		e.rules = append(e.rules, rules[i])
		e.labels = append(e.labels, label+" rules["+strconv.Itoa(i)+"]")
	}
}

func (s *set) aggregate(o *object, depth int) *effective {
	cr := o.crole
	e := &effective{}
	if cr.AggregationRule == nil {
		e.add(cr.Rules, "ClusterRole "+cr.Name)
		return e
	}
	var sels []labels.Selector
	for i := range cr.AggregationRule.ClusterRoleSelectors {
		sel, err := metav1.LabelSelectorAsSelector(&cr.AggregationRule.ClusterRoleSelectors[i])
		if err != nil {
			e.notes = append(e.notes, "aggregationRule.clusterRoleSelectors["+strconv.Itoa(i)+"] is invalid: "+err.Error())
			continue
		}
		if sel.Empty() {
			// The controller treats an empty selector as matching
			// everything; the API server's validation rejects it in
			// practice, so say so rather than grant every role.
			e.notes = append(e.notes, "aggregationRule.clusterRoleSelectors["+strconv.Itoa(i)+"] is empty")
			continue
		}
		sels = append(sels, sel)
	}
	if n := s.addMatching(e, cr.Name, sels, depth); n == 0 {
		e.notes = append(e.notes, "aggregated role: no ClusterRole of the scanned set matches its selectors, so its rules are incomplete")
		// The rules field as written is what the controller last filled
		// in, if anything.
		e.add(cr.Rules, "ClusterRole "+cr.Name)
	} else {
		e.notes = append(e.notes, "aggregated from "+strconv.Itoa(n)+" ClusterRole(s) of the scanned set; roles in the cluster may add more")
	}
	return e
}

// addMatching adds the rules of the set's ClusterRoles (other than self)
// whose labels match any selector, and returns how many matched.
func (s *set) addMatching(e *effective, self string, sels []labels.Selector, depth int) int {
	n := 0
	for _, name := range s.cnames {
		if name == self {
			continue
		}
		o := s.croles[name]
		ls := labels.Set(o.crole.Labels)
		for _, sel := range sels {
			if sel.Matches(ls) {
				n++
				sub := s.clusterRole(name, depth+1)
				if sub != nil {
					e.rules = append(e.rules, sub.rules...)
					e.labels = append(e.labels, sub.labels...)
				}
				break
			}
		}
	}
	return n
}
