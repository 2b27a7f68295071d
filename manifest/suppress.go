package manifest

import (
	"strings"

	"github.com/kubeharden/kubeharden"
)

// IgnoreAnnotation is the second suppression annotation, one entry per
// line: "RULE[, RULE...]: reason" ("manifest/HostPort: needed for the
// ingress controller"). Rule IDs may omit the "manifest/" prefix; "*"
// names every rule. It is honoured together with SuppressAnnotation; an
// entry without a reason gets a generic one.
const IgnoreAnnotation = "kubeharden.io/ignore"

// suppression is one rule name and its reason.
type suppression struct{ name, reason string }

// suppressions reads both annotations.
func suppressions(annotations map[string]string) []suppression {
	var out []suppression
	add := func(list, reason, key string) {
		reason = strings.TrimSpace(reason)
		if reason == "" {
			reason = "suppressed by the annotation " + key
		}
		for _, n := range strings.Split(list, ",") {
			if n = strings.TrimSpace(n); n != "" {
				out = append(out, suppression{strings.TrimPrefix(n, "manifest/"), reason})
			}
		}
	}
	if v, ok := annotations[SuppressAnnotation]; ok {
		list, reason, _ := strings.Cut(v, ";")
		add(list, reason, SuppressAnnotation)
	}
	if v, ok := annotations[IgnoreAnnotation]; ok {
		for _, line := range strings.Split(v, "\n") {
			list, reason, _ := strings.Cut(line, ":")
			add(list, reason, IgnoreAnnotation)
		}
	}
	return out
}

// suppress marks the findings of the rules the object's SuppressAnnotation
// ("manifest/HostNetwork, RunAsRoot; reason") or IgnoreAnnotation
// ("manifest/HostPort: reason") names.
func suppress(annotations map[string]string, fs []kubeharden.Finding) {
	if len(annotations) == 0 {
		return
	}
	list := suppressions(annotations)
	if len(list) == 0 {
		return
	}
	for i := range fs {
		name := strings.TrimPrefix(fs[i].RuleID, "manifest/")
		for _, s := range list {
			if s.name == name || s.name == "*" {
				fs[i].Suppressed, fs[i].SuppressReason = true, s.reason
				break
			}
		}
	}
}
