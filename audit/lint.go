package audit

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/kubeharden/kubeharden"
)

// Options tune Lint and Scan. The zero value is the recommended policy.
type Options struct {
	// SensitiveResources adds resources that must not be audited above
	// Metadata, on top of secrets, configmaps, serviceaccounts/token,
	// authentication.k8s.io tokenreviews and OpenShift OAuth tokens.
	// Resource is "name" or "name/subresource".
	SensitiveResources []GroupResource
	// AllowConfigMapBodies accepts ConfigMaps above Metadata (Falco's
	// k8saudit rules want their bodies; CIS 3.2.2 does not).
	AllowConfigMapBodies bool
}

// GroupResource names a resource in an API group ("" is the core group).
type GroupResource struct {
	Group    string
	Resource string
}

func (g GroupResource) String() string {
	if g.Group == "" {
		return g.Resource
	}
	base, sub, has := strings.Cut(g.Resource, "/")
	if has {
		return base + "." + g.Group + "/" + sub
	}
	return g.Resource + "." + g.Group
}

var defaultSensitive = []GroupResource{
	{"", "secrets"}, {"", "configmaps"}, {"", "serviceaccounts/token"}, {"authentication.k8s.io", "tokenreviews"},
	{"oauth.openshift.io", "oauthaccesstokens"}, {"oauth.openshift.io", "oauthauthorizetokens"},
	{"oauth.openshift.io", "oauthclients"}, {"oauth.openshift.io", "useroauthaccesstokens"},
}

var resourceVerbs = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"}

type linter struct {
	p      *Policy
	opts   Options
	out    []kubeharden.Finding
	failed map[string]bool
	// dead marks rules that can never apply (unreachable or shadowed).
	dead []bool
	// budget bounds the work (rule evaluations) of the whole Lint call.
	budget int
	// allPools holds the literals of every rule, for covers.
	allPools *pools
}

// eval is Evaluate charged to the budget; ok is false once it is spent.
func (l *linter) eval(r Request) (Decision, bool) {
	l.budget -= len(l.p.Rules) + 1
	if l.budget < 0 {
		return Decision{}, false
	}
	return Evaluate(l.p, r), true
}

func (l *linter) fail(r kubeharden.Rule, path, format string, args ...any) *kubeharden.Finding {
	l.failed[r.ID] = true
	l.out = append(l.out, r.Fail(fmt.Sprintf(format, args...), path))
	return &l.out[len(l.out)-1]
}

// Lint checks p for ordering, coverage, sensitive-data, stage, volume and
// correctness problems (the audit/* lint rules of Rules, excluding
// decoding and validation, which Parse reports). Every lint rule yields
// either failed findings or one passed finding. Positions are filled when
// p came from Parse.
func Lint(p *Policy, opts Options) []kubeharden.Finding {
	if p == nil {
		p = &Policy{}
	}
	l := &linter{p: p, opts: opts, failed: map[string]bool{}, dead: make([]bool, len(p.Rules)), budget: defaultBudget}
	pl, n := literalPools(p.Rules, &PolicyRule{})
	l.allPools = &pl
	l.budget -= 10 * n
	l.fields()
	l.reachability()
	l.sensitive()
	l.coverage()
	l.broadNone()
	l.stages()
	l.volume()
	l.subresources()
	for _, r := range lintRules() {
		if !l.failed[r.ID] {
			l.out = append(l.out, r.Pass(passMessage(r), ""))
		}
	}
	if p.doc != nil {
		p.doc.Positioned(l.out)
	}
	return l.out
}

func passMessage(r kubeharden.Rule) string {
	switch r.ID {
	case ruleCIS322.ID:
		return "the policy audits the requests CIS 3.2.2 names at the expected levels"
	case ruleShadowed.ID:
		return "no rule is shadowed by earlier rules"
	case ruleMissingCatchAll.ID:
		return "every request reaches a rule"
	case ruleSensitive.ID:
		return "secrets, configmaps and tokens are audited at Metadata at most"
	}
	return "no problem found: " + strings.ToLower(r.Title[:1]) + r.Title[1:] + " does not apply"
}

func rulePath(i int) string { return fmt.Sprintf("rules[%d]", i) }

// fields checks individual values: literal '*', unknown verbs, resources
// in the wrong group, resourceNames with collection verbs.
func (l *linter) fields() {
	for i, r := range l.p.Rules {
		rp := rulePath(i)
		for _, f := range []struct {
			name string
			vals []string
		}{{"users", r.Users}, {"userGroups", r.UserGroups}, {"verbs", r.Verbs}, {"namespaces", r.Namespaces}} {
			for k, v := range f.vals {
				if v == "*" {
					l.fail(ruleLiteralWildcard, fmt.Sprintf("%s.%s[%d]", rp, f.name, k),
						"%s: \"*\" is not a wildcard in %s; it only matches the literal value \"*\". Omit %s to match everything",
						rp, f.name, f.name)
				}
			}
		}
		for k, v := range r.Verbs {
			if v != "*" && !requestVerbs[v] {
				l.fail(ruleUnknownVerb, fmt.Sprintf("%s.verbs[%d]", rp, k), "%s: verb %q never appears on a request, so it matches nothing", rp, v)
			}
		}
		for j, gr := range r.Resources {
			known, builtin := builtinGroups[gr.Group]
			for k, res := range gr.Resources {
				base, _, _ := strings.Cut(res, "/")
				if !builtin || base == "*" || slices.Contains(known, base) {
					continue
				}
				groups := resourceGroups()[base]
				if len(groups) == 0 && closedGroups[gr.Group] {
					msg := fmt.Sprintf("%s: %s serves no resource %q, so this entry never matches anything", rp, groupName(gr.Group), base)
					if known := base + "s"; slices.Contains(builtinGroups[gr.Group], known) {
						msg += fmt.Sprintf(" (did you mean %q?)", known)
					}
					l.fail(ruleUnknownResource, fmt.Sprintf("%s.resources[%d].resources[%d]", rp, j, k), "%s", msg)
				}
				if len(groups) > 0 {
					f := l.fail(ruleWrongGroup, fmt.Sprintf("%s.resources[%d].resources[%d]", rp, j, k),
						"%s: %q is listed under %s but lives in %s, so this entry never matches it", rp, res, groupName(gr.Group), groupNames(groups))
					f.Fix = fmt.Sprintf("move %q to a resources entry with group %q", res, groups[0])
				}
			}
			if len(gr.ResourceNames) > 0 {
				var bad []string
				for _, v := range r.Verbs {
					if v == "list" || v == "watch" || v == "create" || v == "deletecollection" {
						bad = append(bad, v)
					}
				}
				if len(bad) > 0 {
					l.fail(ruleNamesCollection, fmt.Sprintf("%s.resources[%d].resourceNames", rp, j),
						"%s: resourceNames never match %s requests (they carry no object name)", rp, strings.Join(bad, ", "))
				}
			}
		}
	}
}

// closedGroups are the groups whose resource lists are fixed and fully
// known, so an unknown name there is a mistake rather than a newer API.
var closedGroups = map[string]bool{"": true, "apps": true, "batch": true, "rbac.authorization.k8s.io": true}

func groupNames(gs []string) string {
	names := make([]string, len(gs))
	for i, g := range gs {
		names[i] = groupName(g)
	}
	sort.Strings(names)
	return strings.Join(names, " or ")
}

// unreachableReason explains why a rule matches no real request, or "".
func unreachableReason(r *PolicyRule) string {
	if len(r.Verbs) > 0 && !slices.ContainsFunc(r.Verbs, func(v string) bool { return requestVerbs[v] }) {
		return fmt.Sprintf("none of its verbs %v is a request verb", r.Verbs)
	}
	if len(r.Namespaces) > 0 && !slices.ContainsFunc(r.Namespaces, func(n string) bool { return n == "" || (len(n) <= 63 && isDNSLabel(n)) }) {
		return fmt.Sprintf("none of its namespaces %v can exist", r.Namespaces)
	}
	if len(r.Resources) > 0 {
		live := false
		for _, gr := range r.Resources {
			known, builtin := builtinGroups[gr.Group]
			if !builtin || len(gr.Resources) == 0 {
				live = true
				break
			}
			for _, res := range gr.Resources {
				base, _, _ := strings.Cut(res, "/")
				if base == "*" || slices.Contains(known, base) || (len(resourceGroups()[base]) == 0 && !closedGroups[gr.Group]) {
					live = true
				}
			}
		}
		if !live {
			return "every resource it lists belongs to another API group or does not exist"
		}
	}
	return ""
}

func isUnconditional(r *PolicyRule) bool {
	return len(r.Users) == 0 && len(r.UserGroups) == 0 && len(r.Verbs) == 0 && len(r.Resources) == 0 &&
		len(r.Namespaces) == 0 && len(r.NonResourceURLs) == 0
}

func (l *linter) reachability() {
	rules := l.p.Rules
	firstCatchAll := -1
	// The catch-all question comes first: it is cheap (an uncovered
	// request is found at once) and matters most.
	if len(rules) > 0 {
		if res, _, w := covers(rules, &PolicyRule{}, l.allPools, &l.budget); res == coverNo {
			var examples []string
			for _, row := range Coverage(l.p).Rows {
				if row.Decision.Rule < 0 && len(examples) < 3 {
					examples = append(examples, row.Description)
				}
			}
			if len(examples) == 0 && w != nil {
				examples = append(examples, strings.ReplaceAll(w.String(), other, "<other>"))
			}
			f := l.fail(ruleMissingCatchAll, "rules", "no rule matches every request, and requests no rule matches are not audited (for example: %s)", strings.Join(examples, "; "))
			f.Fix = "append `- level: Metadata` as the last rule"
			f.Patch = []kubeharden.PatchOp{{Op: "add", Path: "/rules/-", Value: map[string]any{"level": "Metadata"}}}
		}
	}
	for j := range rules {
		r := &rules[j]
		if isUnconditional(r) && firstCatchAll < 0 {
			firstCatchAll = j
		}
		if why := unreachableReason(r); why != "" {
			l.dead[j] = true
			l.fail(ruleUnreachable, rulePath(j), "%s can never match: %s", rulePath(j), why)
			continue
		}
		res, by, _ := covers(rules[:j], r, l.allPools, &l.budget)
		switch res {
		case coverEmpty:
			l.dead[j] = true
			l.fail(ruleUnreachable, rulePath(j), "%s can never match a request", rulePath(j))
		case coverYes:
			l.dead[j] = true
			names := make([]string, len(by))
			levels := map[Level]bool{}
			for k, i := range by {
				names[k] = rulePath(i)
				levels[rules[i].Level] = true
			}
			effect := ""
			if !levels[r.Level] || len(levels) > 1 {
				var ls []string
				for _, lv := range Levels() {
					if levels[lv] {
						ls = append(ls, string(lv))
					}
				}
				effect = fmt.Sprintf("; its requests are audited at %s instead of %s", strings.Join(ls, "/"), r.Level)
			}
			f := l.fail(ruleShadowed, rulePath(j), "%s (level %s) never applies: every request it matches is already matched by %s%s",
				rulePath(j), r.Level, strings.Join(names, ", "), effect)
			f.Fix = fmt.Sprintf("move %s before %s, or delete it", rulePath(j), names[0])
		}
	}
	if firstCatchAll >= 0 && firstCatchAll != len(rules)-1 {
		l.fail(ruleMisplacedCatchAll, rulePath(firstCatchAll), "%s matches every request, so the %d rule(s) after it never apply",
			rulePath(firstCatchAll), len(rules)-1-firstCatchAll)
	}
	if firstCatchAll >= 0 && rules[firstCatchAll].Level == LevelNone {
		l.fail(ruleCatchAllNone, rulePath(firstCatchAll)+".level", "%s is an unconditional None rule: every request not matched before it is dropped", rulePath(firstCatchAll))
	}
}

// maxGrid bounds each dimension of the evaluation grids (identities,
// namespaces, names, verbs) taken from the policy's literals.
const maxGrid = 32

// userGrid returns the identities the evaluation-based checks try:
// ordinary users, service accounts, nodes, anonymous, failed
// authentication, and everyone the policy names.
func (l *linter) userGrid() []*User {
	users := []*User{newAlice(), newAnonymous(), nil,
		{Name: "system:serviceaccount:default:app", Groups: []string{"system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"}},
		{Name: "system:node:node-1", Groups: []string{"system:nodes", "system:authenticated"}},
	}
	seen := map[string]bool{}
	for _, r := range l.p.Rules {
		if len(users) >= maxGrid {
			break
		}
		for _, u := range r.Users {
			if !seen["u:"+u] && len(users) < maxGrid {
				seen["u:"+u] = true
				users = append(users, &User{Name: u, Groups: []string{"system:authenticated"}})
			}
		}
		for _, g := range r.UserGroups {
			if !seen["g:"+g] && len(users) < maxGrid {
				seen["g:"+g] = true
				users = append(users, &User{Name: "member-of:" + g, Groups: []string{g, "system:authenticated"}})
			}
		}
	}
	return users
}

func (l *linter) literals(field func(*PolicyRule) []string, base ...string) []string {
	out := append([]string(nil), base...)
	for i := range l.p.Rules {
		if len(out) >= maxGrid {
			break
		}
		for _, v := range field(&l.p.Rules[i]) {
			if len(out) < maxGrid {
				out = addUnique(out, v)
			}
		}
	}
	return out
}

type leak struct {
	resources map[string]bool
	verbs     map[string]bool
	level     Level
}

// sensitive evaluates every sensitive resource for every verb, identity,
// namespace and name the policy distinguishes.
func (l *linter) sensitive() {
	sens := append([]GroupResource(nil), defaultSensitive...)
	if l.opts.AllowConfigMapBodies {
		sens = slices.DeleteFunc(sens, func(g GroupResource) bool { return g.Group == "" && g.Resource == "configmaps" })
	}
	sens = append(sens, l.opts.SensitiveResources...)
	users := l.userGrid()
	nss := l.literals(func(r *PolicyRule) []string { return r.Namespaces }, "default", "kube-system", "")
	names := []string{"", "x"}
	for i := 0; i < len(l.p.Rules) && len(names) < maxGrid; i++ {
		for _, gr := range l.p.Rules[i].Resources {
			for _, n := range gr.ResourceNames {
				if len(names) < maxGrid {
					names = addUnique(names, n)
				}
			}
		}
	}
	verbs := l.literals(func(r *PolicyRule) []string { return r.Verbs }, resourceVerbs...)
	found := map[int]*leak{}
	for _, s := range sens {
		res, sub, _ := strings.Cut(s.Resource, "/")
		for _, u := range users {
			for _, v := range verbs {
				if !slices.Contains(resourceVerbs, v) || (v != "create" && createOnly(s)) {
					continue
				}
				for _, ns := range nss {
					for _, name := range names {
						d, ok := l.eval(resReq(u, v, s.Group, res, sub, ns, name))
						if !ok {
							break
						}
						if !leaks(d.Level, v) {
							continue
						}
						lk := found[d.Rule]
						if lk == nil {
							lk = &leak{resources: map[string]bool{}, verbs: map[string]bool{}, level: d.Level}
							found[d.Rule] = lk
						}
						lk.resources[s.String()] = true
						lk.verbs[v] = true
					}
				}
			}
		}
	}
	for _, i := range sortedInts(found) {
		lk := found[i]
		what := "request bodies (secret data, tokens in TokenReview specs)"
		if lk.level == LevelRequestResponse {
			what = "request and response bodies (secret data returned by get, list and watch, issued tokens)"
		}
		f := l.fail(ruleSensitive, rulePath(i)+".level", "%s audits %s at %s (verbs %s): %s are written to the audit log",
			rulePath(i), strings.Join(sortedKeys(lk.resources), ", "), lk.level, strings.Join(orderVerbs(lk.verbs), ", "), what)
		f.Fix = fmt.Sprintf("add a Metadata rule for %s before %s", strings.Join(sortedKeys(lk.resources), ", "), rulePath(i))
	}
}

// createOnly: the resource exists only as a create request.
func createOnly(g GroupResource) bool {
	return (g.Group == "" && g.Resource == "serviceaccounts/token") || (g.Group == "authentication.k8s.io" && g.Resource == "tokenreviews")
}

// leaks reports whether level writes bodies that can hold sensitive data
// for a request with verb: Request logs request bodies (create, update,
// patch); RequestResponse also logs response bodies, which every verb
// returns.
func leaks(level Level, verb string) bool {
	switch level {
	case LevelRequestResponse:
		return true
	case LevelRequest:
		return verb == "create" || verb == "update" || verb == "patch"
	}
	return false
}

func orderVerbs(m map[string]bool) []string {
	var out []string
	for _, v := range resourceVerbs {
		if m[v] {
			out = append(out, v)
		}
	}
	return out
}

func sortedInts[V any](m map[int]V) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// coverage turns the coverage table into findings.
func (l *linter) coverage() {
	t := Coverage(l.p)
	type group struct {
		rule kubeharden.Rule
		rows []CoverageRow
	}
	var groups []*group
	byID := map[string]*group{}
	add := func(r kubeharden.Rule, row CoverageRow) {
		g := byID[r.ID]
		if g == nil {
			g = &group{rule: r}
			byID[r.ID] = g
			groups = append(groups, g)
		}
		g.rows = append(g.rows, row)
	}
	var cisFail []string
	for _, row := range t.Rows {
		if row.CIS && (row.Status == StatusNotLogged || row.Status == StatusTooDetailed) {
			cisFail = append(cisFail, fmt.Sprintf("%s: %s", row.Description, row.Decision.Level))
		}
		switch {
		case row.Status == StatusNotLogged && row.Concern == ConcernSecrets:
			add(ruleSecretsNotLogged, row)
		case row.Status == StatusNotLogged && row.Concern == ConcernExec:
			add(ruleExecNotLogged, row)
		case row.Status == StatusNotLogged && (row.Concern == ConcernWorkloads || row.Concern == ConcernAccess):
			add(ruleChangesNotLogged, row)
		case row.Status == StatusBelowRecommended && (row.Concern == ConcernWorkloads || row.Concern == ConcernAccess || row.Concern == ConcernExec):
			add(ruleChangesBelowRequest, row)
		case row.Status == StatusNotLogged && row.Concern == ConcernAuthn && row.Request.User == nil:
			add(ruleFailedAuthNotLogged, row)
		case row.Status == StatusNotLogged && row.Concern == ConcernAuthn:
			add(ruleAnonymousNotLogged, row)
		}
	}
	for _, g := range groups {
		var parts []string
		path := "rules"
		for _, row := range g.rows {
			parts = append(parts, fmt.Sprintf("%s → %s (%s)", row.Description, row.Decision.Level, row.ruleText()))
			if row.Decision.Rule >= 0 && path == "rules" {
				path = rulePath(row.Decision.Rule)
			}
		}
		msg := strings.Join(parts, "; ")
		if g.rule.ID == ruleFailedAuthNotLogged.ID && l.mentionsGroup("system:unauthenticated") {
			msg += ". Note: a rule on userGroups system:unauthenticated matches anonymous requests, not failed authentication (no user)"
		}
		l.fail(g.rule, path, "%s", msg)
	}
	if len(cisFail) > 0 {
		l.fail(ruleCIS322, "rules", "CIS 3.2.2 expectations not met: %s", strings.Join(cisFail, "; "))
	}
}

func (l *linter) mentionsGroup(g string) bool {
	for _, r := range l.p.Rules {
		if contains(r.UserGroups, g) {
			return true
		}
	}
	return false
}

var broadGroups = map[string]bool{"system:authenticated": true, "system:serviceaccounts": true, "system:unauthenticated": true}

var securityGroups = map[string]bool{"": true, "*": true, "apps": true, "rbac.authorization.k8s.io": true,
	"admissionregistration.k8s.io": true, "apiextensions.k8s.io": true, "certificates.k8s.io": true, "batch": true}

// broadNone flags None rules that hide whole populations or namespaces.
func (l *linter) broadNone() {
	for i, r := range l.p.Rules {
		if r.Level != LevelNone || l.dead[i] || isUnconditional(&r) {
			continue
		}
		readOnly := len(r.Verbs) > 0 && !slices.ContainsFunc(r.Verbs, func(v string) bool { return v != "get" && v != "list" && v != "watch" })
		narrowed := len(r.Users) > 0 || readOnly
		rp := rulePath(i)
		var why string
		switch {
		case len(r.UserGroups) > 0 && len(r.Verbs) == 0 && len(r.Resources) == 0 && len(r.Namespaces) == 0 && len(r.NonResourceURLs) == 0:
			for _, g := range r.UserGroups {
				if broadGroups[g] {
					why = fmt.Sprintf("drops every request by members of %s", g)
					break
				}
			}
		case narrowed:
		case len(r.Namespaces) > 0 && len(r.Resources) == 0:
			why = fmt.Sprintf("drops every request in namespace(s) %s", strings.Join(r.Namespaces, ", "))
		default:
			for _, gr := range r.Resources {
				if !securityGroups[gr.Group] {
					continue
				}
				if len(gr.Resources) == 0 && len(gr.ResourceNames) == 0 {
					why = fmt.Sprintf("drops every resource of %s", groupName(gr.Group))
					break
				}
				if len(gr.ResourceNames) > 0 {
					continue
				}
				for _, res := range gr.Resources {
					if res == "*" || res == "pods/*" {
						why = fmt.Sprintf("drops %q under %s (pods/* also matches pods itself, and exec)", res, groupName(gr.Group))
						break
					}
				}
			}
		}
		if why != "" {
			l.fail(ruleBroadNone, rp, "%s %s", rp, why)
		}
	}
}

func (l *linter) stages() {
	p := l.p
	check := func(ss []Stage, path string) {
		for k, s := range ss {
			at := fmt.Sprintf("%s[%d]", path, k)
			switch s {
			case StageResponseComplete:
				l.fail(ruleResponseComplete, at, "%s omits ResponseComplete: completed requests produce no event", path)
			case StageResponseStarted:
				l.fail(ruleResponseStarted, at, "%s omits ResponseStarted: long-running requests (watch, exec, port-forward) are only logged when they end", path)
			case StagePanic:
				l.fail(rulePanic, at, "%s omits Panic: requests that crash a handler leave no trace", path)
			}
		}
	}
	check(p.OmitStages, "omitStages")
	var noRR []string
	for i, r := range p.Rules {
		if r.Level == LevelNone || !r.Level.Valid() || l.dead[i] {
			continue
		}
		check(r.OmitStages, rulePath(i)+".omitStages")
		if !StageSetOf(append(append([]Stage(nil), p.OmitStages...), r.OmitStages...)...).Has(StageRequestReceived) {
			noRR = append(noRR, rulePath(i))
		}
	}
	if len(noRR) > 0 {
		f := l.fail(ruleRequestReceived, "omitStages", "RequestReceived is not omitted for %s: every such request is logged twice", strings.Join(noRR, ", "))
		if len(p.OmitStages) == 0 {
			f.Patch = []kubeharden.PatchOp{{Op: "add", Path: "/omitStages", Value: []string{string(StageRequestReceived)}}}
		} else {
			f.Patch = []kubeharden.PatchOp{{Op: "add", Path: "/omitStages/-", Value: string(StageRequestReceived)}}
		}
	}
}

func (l *linter) volume() {
	p := l.p
	omf := false
	for i := range p.Rules {
		r := p.Rules[i]
		if l.dead[i] || r.Level != LevelRequestResponse {
			continue
		}
		rp := rulePath(i)
		if len(r.Users) == 0 && len(r.UserGroups) == 0 && len(r.Verbs) == 0 && len(r.Namespaces) == 0 && len(r.NonResourceURLs) == 0 {
			all := len(r.Resources) == 0
			for _, gr := range r.Resources {
				if gr.Group == "*" && (len(gr.Resources) == 0 || contains(gr.Resources, "*")) && len(gr.ResourceNames) == 0 {
					all = true
				}
			}
			if all {
				l.fail(ruleRRCatchAll, rp+".level", "%s logs every request and response body (tokens, secret data, whole lists)", rp)
			}
		}
		// Does a read reach this rule?
		if len(r.NonResourceURLs) > 0 && len(r.Resources) == 0 && len(r.Namespaces) == 0 {
			continue
		}
		reads := []string{"get", "list", "watch"}
		if len(r.Verbs) > 0 {
			reads = slices.DeleteFunc(slices.Clone(r.Verbs), func(v string) bool { return v != "get" && v != "list" && v != "watch" })
		}
		if len(reads) == 0 {
			continue
		}
		probe := r
		probe.Verbs = reads
		if len(probe.Resources) == 0 && len(probe.Namespaces) == 0 {
			probe.Resources = []GroupResources{{Group: "*"}}
		}
		if res, _, w := covers(p.Rules[:i], &probe, l.allPools, &l.budget); res == coverNo && w != nil {
			l.fail(ruleRROnReads, rp+".level", "%s logs %s responses at RequestResponse: read responses (whole lists) can be very large", rp, w.Verb)
		}
	}
	for i, r := range p.Rules {
		if l.dead[i] || r.Level.Rank() < LevelRequest.Rank() {
			continue
		}
		eff := p.OmitManagedFields
		if r.OmitManagedFields != nil {
			eff = *r.OmitManagedFields
		}
		if !eff {
			omf = true
		}
	}
	if omf {
		f := l.fail(ruleOmitManagedFields, "omitManagedFields", "bodies are logged at Request or RequestResponse with metadata.managedFields; set omitManagedFields: true")
		f.Patch = []kubeharden.PatchOp{{Op: "add", Path: "/omitManagedFields", Value: true}}
	}
	// Health endpoints and events.
	node := &User{Name: "system:node:node-1", Groups: []string{"system:nodes", "system:authenticated"}}
	monitor := &User{Name: "system:serviceaccount:monitoring:prometheus", Groups: []string{"system:serviceaccounts", "system:serviceaccounts:monitoring", "system:authenticated"}}
	var health []string
	healthRule := -1
	for _, path := range []string{"/healthz", "/livez", "/readyz", "/metrics"} {
		for _, u := range []*User{node, monitor, newAnonymous()} {
			if d := Evaluate(p, Request{User: u, Verb: "get", Path: path}); d.Level != LevelNone {
				health = append(health, path)
				if healthRule < 0 {
					healthRule = d.Rule
				}
				break
			}
		}
	}
	if len(health) > 0 {
		l.fail(ruleHealthNotDropped, rulePath(healthRule), "%s polled by probes and monitoring are audited (first by %s)", strings.Join(health, ", "), rulePath(healthRule))
	}
	ctrl := &User{Name: "system:serviceaccount:kube-system:replicaset-controller", Groups: []string{"system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"}}
	for _, g := range []string{"", "events.k8s.io"} {
		for _, u := range []*User{node, ctrl} {
			if d := Evaluate(p, resReq(u, "create", g, "events", "", "default", "")); d.Level != LevelNone {
				l.fail(ruleEventsNotDropped, rulePath(d.Rule), "events (%s) are audited at %s by %s", groupName(g), d.Level, rulePath(d.Rule))
				return
			}
		}
	}
}

// parentSubresources are the subresources people forget when they list
// the parent, with the verb that typically reaches them.
var parentSubresources = map[GroupResource][][2]string{
	{"", "pods"}: {{"exec", "create"}, {"attach", "create"}, {"portforward", "create"}, {"proxy", "get"},
		{"ephemeralcontainers", "patch"}, {"log", "get"}, {"status", "update"}, {"binding", "create"}, {"eviction", "create"}},
	{"", "services"}:        {{"proxy", "get"}, {"status", "update"}},
	{"", "nodes"}:           {{"proxy", "get"}, {"status", "patch"}},
	{"", "serviceaccounts"}: {{"token", "create"}},
	{"apps", "deployments"}: {{"scale", "update"}, {"status", "update"}},
	{"certificates.k8s.io", "certificatesigningrequests"}: {{"approval", "update"}, {"status", "update"}},
}

// subresources flags rules that list a parent resource at some level while
// its subresources get a lower one from a later rule.
func (l *linter) subresources() {
	for i, r := range l.p.Rules {
		if l.dead[i] || r.Level.Rank() <= LevelNone.Rank() {
			continue
		}
		for _, gr := range r.Resources {
			if gr.Group == "*" {
				continue
			}
			for _, res := range gr.Resources {
				subs, ok := parentSubresources[GroupResource{gr.Group, res}]
				if !ok {
					continue
				}
				var lower []string
				for _, sv := range subs {
					covered := false
					for _, pat := range gr.Resources {
						if resourceMatches(pat, res, sv[0]) {
							covered = true
						}
					}
					if covered {
						continue
					}
					req := l.probeFor(&r, gr, res, sv[0], sv[1])
					d := Evaluate(l.p, req)
					if d.Level.Rank() < r.Level.Rank() && !l.namesExplicitly(d.Rule, gr.Group, res+"/"+sv[0]) {
						at := "no rule"
						if d.Rule >= 0 {
							at = rulePath(d.Rule)
						}
						lower = append(lower, fmt.Sprintf("%s/%s → %s (%s)", res, sv[0], d.Level, at))
					}
				}
				if len(lower) > 0 {
					l.fail(ruleSubresources, rulePath(i), "%s audits %s at %s, but its subresources are not included: %s",
						rulePath(i), res, r.Level, strings.Join(lower, ", "))
				}
			}
		}
	}
}

// namesExplicitly reports whether rule i lists group/resource verbatim:
// the author then chose its level deliberately.
func (l *linter) namesExplicitly(i int, group, resource string) bool {
	if i < 0 {
		return false
	}
	for _, gr := range l.p.Rules[i].Resources {
		if (gr.Group == group || gr.Group == "*") && contains(gr.Resources, resource) {
			return true
		}
	}
	return false
}

func (l *linter) probeFor(r *PolicyRule, gr GroupResources, res, sub, verb string) Request {
	u := newAlice()
	if len(r.Users) > 0 {
		u = &User{Name: r.Users[0], Groups: []string{"system:authenticated"}}
	}
	if len(r.UserGroups) > 0 {
		u = &User{Name: u.Name, Groups: []string{r.UserGroups[0], "system:authenticated"}}
	}
	if len(r.Verbs) > 0 && !contains(r.Verbs, verb) {
		verb = r.Verbs[0]
	}
	ns := "default"
	if res == "nodes" || res == "certificatesigningrequests" {
		ns = ""
	}
	if len(r.Namespaces) > 0 {
		ns = r.Namespaces[0]
	}
	name := "x"
	if len(gr.ResourceNames) > 0 {
		name = gr.ResourceNames[0]
	}
	return resReq(u, verb, gr.Group, res, sub, ns, name)
}
