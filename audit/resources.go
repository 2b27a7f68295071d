package audit

import (
	"slices"
	"sync"
)

// builtinGroups maps each built-in group to its resources (Kubernetes
// 1.37, plus the legacy extensions group and metrics.k8s.io). It is used to
// spot resources written under a group they do not belong to.
var builtinGroups = map[string][]string{
	"": {"bindings", "componentstatuses", "configmaps", "endpoints", "events", "limitranges", "namespaces", "nodes",
		"persistentvolumeclaims", "persistentvolumes", "pods", "podtemplates", "replicationcontrollers", "resourcequotas",
		"secrets", "serviceaccounts", "services"},
	"admissionregistration.k8s.io": {"mutatingadmissionpolicies", "mutatingadmissionpolicybindings", "mutatingwebhookconfigurations",
		"validatingadmissionpolicies", "validatingadmissionpolicybindings", "validatingwebhookconfigurations"},
	"apiextensions.k8s.io":         {"customresourcedefinitions"},
	"apiregistration.k8s.io":       {"apiservices"},
	"apps":                         {"controllerrevisions", "daemonsets", "deployments", "replicasets", "statefulsets"},
	"authentication.k8s.io":        {"selfsubjectreviews", "tokenreviews"},
	"authorization.k8s.io":         {"localsubjectaccessreviews", "selfsubjectaccessreviews", "selfsubjectrulesreviews", "subjectaccessreviews"},
	"autoscaling":                  {"horizontalpodautoscalers"},
	"batch":                        {"cronjobs", "jobs"},
	"certificates.k8s.io":          {"certificatesigningrequests", "clustertrustbundles", "podcertificaterequests"},
	"coordination.k8s.io":          {"leases", "leasecandidates"},
	"discovery.k8s.io":             {"endpointslices"},
	"events.k8s.io":                {"events"},
	"extensions":                   {"daemonsets", "deployments", "ingresses", "networkpolicies", "podsecuritypolicies", "replicasets", "replicationcontrollers"},
	"flowcontrol.apiserver.k8s.io": {"flowschemas", "prioritylevelconfigurations"},
	"internal.apiserver.k8s.io":    {"storageversions"},
	"metrics.k8s.io":               {"nodes", "pods"},
	"networking.k8s.io":            {"clustercidrs", "ingressclasses", "ingresses", "ipaddresses", "networkpolicies", "servicecidrs"},
	"node.k8s.io":                  {"runtimeclasses"},
	"policy":                       {"poddisruptionbudgets", "podsecuritypolicies"},
	"rbac.authorization.k8s.io":    {"clusterrolebindings", "clusterroles", "rolebindings", "roles"},
	"resource.k8s.io": {"deviceclasses", "resourceclaims", "resourceclaimtemplates", "resourceslices", "devicetaintrules",
		"podschedulingcontexts", "resourceclasses", "resourceclaimparameters", "resourceclassparameters"},
	"scheduling.k8s.io":       {"priorityclasses"},
	"storage.k8s.io":          {"csidrivers", "csinodes", "csistoragecapacities", "storageclasses", "volumeattachments", "volumeattributesclasses"},
	"storagemigration.k8s.io": {"storageversionmigrations"},
}

// resourceGroups is the inverse of builtinGroups, built on first use.
// Each resource's groups are sorted, so messages and fixes do not depend on
// map order ("deployments": apps before extensions).
var resourceGroups = sync.OnceValue(func() map[string][]string {
	m := map[string][]string{}
	for g, rs := range builtinGroups {
		for _, r := range rs {
			m[r] = append(m[r], g)
		}
	}
	for _, gs := range m {
		slices.Sort(gs)
	}
	return m
})

// groupName renders a group for messages: "the core group" for "".
func groupName(g string) string {
	if g == "" {
		return `the core group ""`
	}
	return "group " + quote(g)
}

func quote(s string) string { return `"` + s + `"` }

// Request verbs the API server produces: Kubernetes verbs for resource
// requests, lower-case HTTP methods for non-resource requests.
var requestVerbs = map[string]bool{
	"get": true, "list": true, "watch": true, "create": true, "update": true, "patch": true, "delete": true,
	"deletecollection": true, "post": true, "put": true, "head": true, "options": true, "connect": true, "trace": true,
}
