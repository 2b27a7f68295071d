package audit

import "strings"

// This file decides whether every request a rule can match is matched by
// earlier rules. Rule matching only compares request attributes with the
// literals written in the policy (equality, a few fixed wildcard forms, path
// prefixes), so the request space splits into finitely many classes: per
// attribute, each literal of the policy plus one value equal to none of
// them. Enumerating one representative per class that the rule matches is
// an exact check, bounded by a budget.

// other is a value no policy literal equals or extends.
const other = "\uffff"

// defaultBudget bounds the work of one Lint call, in rule evaluations
// (about a second on a slow machine); analyses that would exceed it are
// skipped rather than reported.
const defaultBudget = 40_000_000

type coverResult int

const (
	coverNo coverResult = iota
	coverYes
	coverUnknown // the budget ran out
	coverEmpty   // the rule matches no request at all
)

// covers reports whether earlier rules together match every request rule
// matches. With coverYes it lists the earlier rules that decide the
// representatives; with coverNo it returns a request rule matches and no
// earlier rule does.
// budget is decremented by the rule evaluations spent; coverUnknown is
// returned when it runs out. pools may be nil, or hold the literals of a
// superset of the rules involved (any superset keeps the check exact).
func covers(earlier []PolicyRule, rule *PolicyRule, pl *pools, budget *int) (coverResult, []int, *Request) {
	if *budget <= 0 {
		return coverUnknown, nil, nil
	}
	if len(earlier) == 0 {
		if w := firstMatch(rule); w != nil {
			return coverNo, nil, w
		}
		return coverEmpty, nil, nil
	}
	// Cheap structural subsumption first.
	*budget -= len(earlier)
	for i := range earlier {
		if subsumes(&earlier[i], rule) {
			return coverYes, []int{i}, nil
		}
	}
	if pl == nil {
		p, n := literalPools(earlier, rule)
		*budget -= 10 * n // a map operation costs about ten rule evaluations
		pl = &p
	}
	pools := *pl
	matched := false
	firsts := map[int]bool{}
	res := coverYes
	var witness *Request
	visit := func(r *Request) bool {
		*budget--
		if *budget < 0 {
			res = coverUnknown
			return false
		}
		if !ruleMatches(rule, r) {
			return true
		}
		matched = true
		*budget -= len(earlier)
		for i := range earlier {
			if ruleMatches(&earlier[i], r) {
				firsts[i] = true
				return true
			}
		}
		res = coverNo
		w := *r
		witness = &w
		return false
	}
	enumerate(rule, pools, visit)
	if res == coverYes && !matched {
		return coverEmpty, nil, nil
	}
	if res != coverYes {
		return res, nil, witness
	}
	var idx []int
	for i := range earlier {
		if firsts[i] {
			idx = append(idx, i)
		}
	}
	return coverYes, idx, nil
}

// firstMatch returns a request rule matches, or nil when it matches none.
func firstMatch(rule *PolicyRule) *Request {
	var found *Request
	p, _ := literalPools(nil, rule)
	enumerate(rule, p, func(r *Request) bool {
		if ruleMatches(rule, r) {
			w := *r
			found = &w
			return false
		}
		return true
	})
	return found
}

type pools struct {
	users, verbs, namespaces, groups, resources, subs, names, paths []string
}

func addUnique(list []string, vs ...string) []string {
	for _, v := range vs {
		if !contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

type uniq struct {
	list []string
	seen map[string]bool
}

func newUniq(vs ...string) *uniq {
	u := &uniq{seen: map[string]bool{}}
	u.add(vs...)
	return u
}

func (u *uniq) add(vs ...string) {
	for _, v := range vs {
		if !u.seen[v] {
			u.seen[v] = true
			u.list = append(u.list, v)
		}
	}
}

// literalPools collects the literals of all rules involved, "other" first
// so that an uncovered request is usually found at once.
// n counts the literals read.
func literalPools(earlier []PolicyRule, rule *PolicyRule) (_ pools, n int) {
	users, verbs, nss := newUniq(other), newUniq(other), newUniq(other, "")
	groups, resources, subs := newUniq(other, ""), newUniq(other), newUniq("", other)
	names, paths := newUniq("", other), newUniq("/"+other, other)
	add := func(r *PolicyRule) {
		n += len(r.Users) + len(r.Verbs) + len(r.Namespaces) + len(r.Resources) + len(r.NonResourceURLs)
		for _, gr := range r.Resources {
			n += len(gr.Resources) + len(gr.ResourceNames)
		}
		users.add(r.Users...)
		verbs.add(r.Verbs...)
		nss.add(r.Namespaces...)
		for _, gr := range r.Resources {
			if gr.Group != "*" {
				groups.add(gr.Group)
			}
			names.add(gr.ResourceNames...)
			for _, res := range gr.Resources {
				a, b, has := strings.Cut(res, "/")
				if a != "*" {
					resources.add(a)
				}
				if has && b != "*" {
					subs.add(b)
				}
			}
		}
		for _, u := range r.NonResourceURLs {
			base := strings.TrimRight(u, "*")
			paths.add(u, base, base+other)
		}
	}
	for i := range earlier {
		add(&earlier[i])
	}
	add(rule)
	return pools{users: users.list, verbs: verbs.list, namespaces: nss.list, groups: groups.list,
		resources: resources.list, subs: subs.list, names: names.list, paths: paths.list}, n
}

// enumerate calls visit with representative requests for the classes rule
// can match, until visit returns false.
func enumerate(rule *PolicyRule, p pools, visit func(*Request) bool) {
	var users []*User
	if len(rule.Users) == 0 && len(rule.UserGroups) == 0 {
		users = append(users, nil)
	}
	names := p.users
	if len(rule.Users) > 0 {
		names = rule.Users
	}
	// Matching is monotone in the user's groups, so the smallest group
	// sets the rule accepts are the hardest to cover.
	groupSets := [][]string{nil}
	if len(rule.UserGroups) > 0 {
		groupSets = groupSets[:0]
		for _, g := range rule.UserGroups {
			groupSets = append(groupSets, []string{g})
		}
	}
	for _, n := range names {
		for _, gs := range groupSets {
			users = append(users, &User{Name: n, Groups: gs})
		}
	}
	verbs := p.verbs
	if len(rule.Verbs) > 0 {
		verbs = rule.Verbs
	}
	resourceKind := len(rule.Namespaces) > 0 || len(rule.Resources) > 0
	urlKind := !resourceKind && len(rule.NonResourceURLs) > 0
	nss := p.namespaces
	if len(rule.Namespaces) > 0 {
		nss = rule.Namespaces
	}
	var r Request
	for _, u := range users {
		for _, v := range verbs {
			if !urlKind {
				for _, ns := range nss {
					ok := eachResource(rule, p, func(g, res, sub string, names []string) bool {
						for _, name := range names {
							r = Request{User: u, Verb: v, ResourceRequest: true, Namespace: ns,
								APIGroup: g, Resource: res, Subresource: sub, Name: name}
							if !visit(&r) {
								return false
							}
						}
						return true
					})
					if !ok {
						return
					}
				}
			}
			if !resourceKind {
				for _, path := range p.paths {
					r = Request{User: u, Verb: v, Path: path}
					if !visit(&r) {
						return
					}
				}
			}
		}
	}
}

// eachResource calls f for the (group, resource, subresource, names)
// classes a rule's resources can match (every combination of the pools
// when the rule does not restrict resources) until f returns false. It is
// lazy: the combinations are never materialised.
func eachResource(rule *PolicyRule, p pools, f func(g, res, sub string, names []string) bool) bool {
	all := func(groups, resources, subs, names []string) bool {
		for _, g := range groups {
			for _, res := range resources {
				for _, sub := range subs {
					if !f(g, res, sub, names) {
						return false
					}
				}
			}
		}
		return true
	}
	if len(rule.Resources) == 0 {
		return all(p.groups, p.resources, p.subs, p.names)
	}
	for _, e := range rule.Resources {
		groups := []string{e.Group}
		if e.Group == "*" {
			groups = p.groups
		}
		names := p.names
		if len(e.ResourceNames) > 0 {
			names = e.ResourceNames
		}
		if len(e.Resources) == 0 {
			if !all(groups, p.resources, p.subs, names) {
				return false
			}
			continue
		}
		for _, res := range e.Resources {
			a, b, hasSub := strings.Cut(res, "/")
			var ok bool
			switch {
			case res == "*":
				ok = all(groups, p.resources, p.subs, names)
			case a == "*" && hasSub:
				ok = all(groups, p.resources, []string{b}, names)
			case hasSub && b == "*":
				ok = all(groups, []string{a}, p.subs, names)
			default:
				ok = all(groups, []string{a}, []string{b}, names)
			}
			if !ok {
				return false
			}
		}
	}
	return true
}

// subsumes reports (soundly, not completely) whether a matches every
// request b matches.
func subsumes(a, b *PolicyRule) bool {
	if !superset(a.Users, b.Users) || !superset(a.UserGroups, b.UserGroups) || !superset(a.Verbs, b.Verbs) {
		return false
	}
	aRes := len(a.Namespaces) > 0 || len(a.Resources) > 0
	bRes := len(b.Namespaces) > 0 || len(b.Resources) > 0
	aURL := !aRes && len(a.NonResourceURLs) > 0
	bURL := !bRes && len(b.NonResourceURLs) > 0
	switch {
	case !aRes && !aURL:
		return true
	case aRes:
		if !bRes || !superset(a.Namespaces, b.Namespaces) {
			return false
		}
		if len(a.Resources) == 0 {
			return true
		}
		if len(b.Resources) == 0 {
			return false
		}
		for _, e := range b.Resources {
			ok := false
			for _, f := range a.Resources {
				if groupResourcesSubsumes(f, e) {
					ok = true
					break
				}
			}
			if !ok {
				return false
			}
		}
		return true
	default: // a is a URL rule
		if !bURL {
			return false
		}
		for _, spec := range b.NonResourceURLs {
			ok := false
			for _, as := range a.NonResourceURLs {
				if as == "*" || as == spec || (strings.HasSuffix(as, "*") && spec != "*" && strings.HasPrefix(spec, strings.TrimRight(as, "*"))) {
					ok = true
					break
				}
			}
			if !ok {
				return false
			}
		}
		return true
	}
}

// superset: an empty constraint matches everything; otherwise b must be
// constrained to a subset of a.
func superset(a, b []string) bool {
	if len(a) == 0 {
		return true
	}
	if len(b) == 0 {
		return false
	}
	for _, v := range b {
		if !contains(a, v) {
			return false
		}
	}
	return true
}

func groupResourcesSubsumes(f, e GroupResources) bool {
	if f.Group != "*" && f.Group != e.Group {
		return false
	}
	if len(f.Resources) == 0 {
		return true
	}
	if len(e.Resources) == 0 || !superset(f.ResourceNames, e.ResourceNames) {
		return false
	}
	for _, res := range e.Resources {
		if !resourcePatternSubsumes(f.Resources, res) {
			return false
		}
	}
	return true
}

func resourcePatternSubsumes(fs []string, res string) bool {
	a, b, hasSub := strings.Cut(res, "/")
	for _, f := range fs {
		switch {
		case f == "*" || f == res:
			return true
		case strings.HasSuffix(f, "/*") && a != "*" && f[:len(f)-2] == a:
			// r/* covers r, r/x and r/*.
			return true
		case strings.HasPrefix(f, "*/") && hasSub && b != "*" && f[2:] == b && a != "":
			// */s covers r/s and */s.
			return true
		}
	}
	return false
}
