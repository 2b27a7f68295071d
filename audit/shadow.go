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

const coverBudget = 400_000

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
func covers(earlier []PolicyRule, rule *PolicyRule) (coverResult, []int, *Request) {
	if len(earlier) == 0 {
		if w := firstMatch(rule); w != nil {
			return coverNo, nil, w
		}
		return coverEmpty, nil, nil
	}
	// Cheap structural subsumption first.
	for i := range earlier {
		if subsumes(&earlier[i], rule) {
			return coverYes, []int{i}, nil
		}
	}
	pools := literalPools(earlier, rule)
	budget := coverBudget
	matched := false
	firsts := map[int]bool{}
	res := coverYes
	var witness *Request
	visit := func(r *Request) bool {
		if !ruleMatches(rule, r) {
			return true
		}
		matched = true
		budget--
		if budget < 0 {
			res = coverUnknown
			return false
		}
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
	enumerate(rule, literalPools(nil, rule), func(r *Request) bool {
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

// literalPools collects the literals of all rules involved, "other" first
// so that an uncovered request is usually found at once.
func literalPools(earlier []PolicyRule, rule *PolicyRule) pools {
	p := pools{
		users: []string{other}, verbs: []string{other}, namespaces: []string{other, ""},
		groups: []string{other, ""}, resources: []string{other}, subs: []string{"", other},
		names: []string{"", other}, paths: []string{"/" + other, other},
	}
	add := func(r *PolicyRule) {
		p.users = addUnique(p.users, r.Users...)
		p.verbs = addUnique(p.verbs, r.Verbs...)
		p.namespaces = addUnique(p.namespaces, r.Namespaces...)
		for _, gr := range r.Resources {
			if gr.Group != "*" {
				p.groups = addUnique(p.groups, gr.Group)
			}
			p.names = addUnique(p.names, gr.ResourceNames...)
			for _, res := range gr.Resources {
				a, b, has := strings.Cut(res, "/")
				if a != "*" {
					p.resources = addUnique(p.resources, a)
				}
				if has && b != "*" {
					p.subs = addUnique(p.subs, b)
				}
			}
		}
		for _, u := range r.NonResourceURLs {
			base := strings.TrimRight(u, "*")
			p.paths = addUnique(p.paths, u, base, base+other)
		}
	}
	for i := range earlier {
		add(&earlier[i])
	}
	add(rule)
	return p
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
	tuples := resourceTuples(rule, p)
	var r Request
	for _, u := range users {
		for _, v := range verbs {
			if !urlKind {
				for _, ns := range nss {
					for _, t := range tuples {
						for _, name := range t.names {
							r = Request{User: u, Verb: v, ResourceRequest: true, Namespace: ns,
								APIGroup: t.group, Resource: t.resource, Subresource: t.sub, Name: name}
							if !visit(&r) {
								return
							}
						}
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

type resTuple struct {
	group, resource, sub string
	names                []string
}

// resourceTuples lists the (group, resource, subresource, names) classes a
// rule's resources can match; every combination of the pools when the rule
// does not restrict resources.
func resourceTuples(rule *PolicyRule, p pools) []resTuple {
	var out []resTuple
	all := func(groups, resources, subs, names []string) {
		for _, g := range groups {
			for _, res := range resources {
				for _, sub := range subs {
					out = append(out, resTuple{g, res, sub, names})
				}
			}
		}
	}
	if len(rule.Resources) == 0 {
		all(p.groups, p.resources, p.subs, p.names)
		return out
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
			all(groups, p.resources, p.subs, names)
			continue
		}
		for _, res := range e.Resources {
			a, b, hasSub := strings.Cut(res, "/")
			switch {
			case res == "*":
				all(groups, p.resources, p.subs, names)
			case a == "*" && hasSub:
				all(groups, p.resources, []string{b}, names)
			case hasSub && b == "*":
				all(groups, []string{a}, p.subs, names)
			default:
				all(groups, []string{a}, []string{b}, names)
			}
		}
	}
	return out
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
