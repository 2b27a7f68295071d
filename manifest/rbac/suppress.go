package rbac

import (
	"strings"

	"github.com/kubeharden/kubeharden"
)

// The suppression annotations, as package manifest reads them:
// kubeharden.io/suppress holds "RULE[, RULE...][; reason]" and
// kubeharden.io/ignore one "RULE[, RULE...]: reason" entry per line. Rule
// IDs may omit the "manifest/" prefix; "*" names every rule.
const (
	suppressAnnotation = "kubeharden.io/suppress"
	ignoreAnnotation   = "kubeharden.io/ignore"
)

// suppress marks the findings of the rules the object's annotations name;
// they stay in the report, count neither towards the score nor towards a
// failure policy, and carry the reason.
func suppress(annotations map[string]string, fs []kubeharden.Finding) {
	type entry struct{ name, reason string }
	var list []entry
	add := func(names, reason, key string) {
		reason = strings.TrimSpace(reason)
		if reason == "" {
			reason = "suppressed by the annotation " + key
		}
		for n := range strings.SplitSeq(names, ",") {
			if n = strings.TrimSpace(n); n != "" {
				list = append(list, entry{strings.TrimPrefix(n, "manifest/"), reason})
			}
		}
	}
	if v, ok := annotations[suppressAnnotation]; ok {
		names, reason, _ := strings.Cut(v, ";")
		add(names, reason, suppressAnnotation)
	}
	if v, ok := annotations[ignoreAnnotation]; ok {
		for line := range strings.SplitSeq(v, "\n") {
			names, reason, _ := strings.Cut(line, ":")
			add(names, reason, ignoreAnnotation)
		}
	}
	if len(list) == 0 {
		return
	}
	for i := range fs {
		name := strings.TrimPrefix(fs[i].RuleID, "manifest/")
		for _, e := range list {
			if e.name == name || e.name == "*" {
				fs[i].Suppressed, fs[i].SuppressReason = true, e.reason
				break
			}
		}
	}
}
