package manifest

import (
	"strings"

	"github.com/kubeharden/kubeharden"
)

// suppress marks the findings of the rules the object's SuppressAnnotation
// names ("manifest/HostNetwork, RunAsRoot; reason").
func suppress(annotations map[string]string, fs []kubeharden.Finding) {
	v, ok := annotations[SuppressAnnotation]
	if !ok {
		return
	}
	list, reason, _ := strings.Cut(v, ";")
	reason = strings.TrimSpace(reason)
	if reason == "" {
		reason = "suppressed by the annotation " + SuppressAnnotation
	}
	var names []string
	for _, n := range strings.Split(list, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, strings.TrimPrefix(n, "manifest/"))
		}
	}
	for i := range fs {
		name := strings.TrimPrefix(fs[i].RuleID, "manifest/")
		for _, n := range names {
			if n == name || n == "*" {
				fs[i].Suppressed, fs[i].SuppressReason = true, reason
			}
		}
	}
}
