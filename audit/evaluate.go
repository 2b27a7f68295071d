package audit

import "strings"

// Evaluate returns the audit configuration the API server applies to r
// under p, reproducing k8s.io/apiserver's policy evaluator exactly: rules
// are tried in order and the first match wins; with no match the level is
// None. A nil p behaves like a policy with no rules. Evaluate does not
// allocate and never modifies p.
//
// Unlike the API server, Evaluate does not require p to be valid: unknown
// levels are returned as written and unknown stages are left out of
// Decision.OmitStages.
func Evaluate(p *Policy, r Request) Decision {
	if p == nil {
		return Decision{Level: LevelNone, Rule: -1}
	}
	policyStages := StageSetOf(p.OmitStages...)
	for i := range p.Rules {
		rule := &p.Rules[i]
		if ruleMatches(rule, &r) {
			omf := p.OmitManagedFields
			if rule.OmitManagedFields != nil {
				omf = *rule.OmitManagedFields
			}
			return Decision{
				Level:             rule.Level,
				OmitStages:        policyStages | StageSetOf(rule.OmitStages...),
				OmitManagedFields: omf,
				Rule:              i,
			}
		}
	}
	return Decision{Level: LevelNone, OmitStages: policyStages, OmitManagedFields: p.OmitManagedFields, Rule: -1}
}

// Matches reports whether rule matches r on its own (ignoring the rules
// before it).
func (rule *PolicyRule) Matches(r Request) bool { return ruleMatches(rule, &r) }

func ruleMatches(rule *PolicyRule, r *Request) bool {
	if len(rule.Users) > 0 {
		if r.User == nil || !contains(rule.Users, r.User.Name) {
			return false
		}
	}
	if len(rule.UserGroups) > 0 {
		if r.User == nil {
			return false
		}
		matched := false
		for _, g := range r.User.Groups {
			if contains(rule.UserGroups, g) {
				matched = true
				break
			}
		}
		if !matched {
			return false
		}
	}
	if len(rule.Verbs) > 0 && !contains(rule.Verbs, r.Verb) {
		return false
	}
	if len(rule.Namespaces) > 0 || len(rule.Resources) > 0 {
		return matchesResource(rule, r)
	}
	if len(rule.NonResourceURLs) > 0 {
		if r.ResourceRequest {
			return false
		}
		for _, spec := range rule.NonResourceURLs {
			if pathMatches(r.Path, spec) {
				return true
			}
		}
		return false
	}
	return true
}

// pathMatches applies a nonResourceURLs entry: "*", an exact path, or a
// prefix followed by trailing '*'s.
func pathMatches(path, spec string) bool {
	if spec == "*" || spec == path {
		return true
	}
	return strings.HasSuffix(spec, "*") && strings.HasPrefix(path, strings.TrimRight(spec, "*"))
}

func matchesResource(rule *PolicyRule, r *Request) bool {
	if !r.ResourceRequest {
		return false
	}
	if len(rule.Namespaces) > 0 && !contains(rule.Namespaces, r.Namespace) {
		return false
	}
	if len(rule.Resources) == 0 {
		return true
	}
	for gi := range rule.Resources {
		gr := &rule.Resources[gi]
		if gr.Group != r.APIGroup && gr.Group != "*" {
			continue
		}
		if len(gr.Resources) == 0 {
			return true
		}
		if len(gr.ResourceNames) > 0 && !contains(gr.ResourceNames, r.Name) {
			continue
		}
		for _, res := range gr.Resources {
			if resourceMatches(res, r.Resource, r.Subresource) {
				return true
			}
		}
	}
	return false
}

// resourceMatches applies one resources entry to resource and subresource:
// "*", "res", "res/sub", "*/sub" and "res/*" (which includes res itself).
func resourceMatches(res, resource, sub string) bool {
	if res == "*" {
		return true
	}
	if sub == "" {
		if res == resource {
			return true
		}
	} else if len(res) == len(resource)+1+len(sub) && strings.HasPrefix(res, resource) && res[len(resource)] == '/' && strings.HasSuffix(res, sub) {
		return true
	}
	if sub != "" && strings.HasPrefix(res, "*/") && res[2:] == sub {
		return true
	}
	return strings.HasSuffix(res, "/*") && res[:len(res)-2] == resource
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}
