package manifest_test

import (
	"encoding/json"
	"fmt"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/manifest"
	corev1 "k8s.io/api/core/v1"
)

// With PSSLevel "restricted" (the CLI's --pss restricted) every Pod
// Security denial is a high finding, so a FailOn-high policy fails it.
func ExampleOptions_pssLevel() {
	reports, _ := manifest.Scan("web.yaml", []byte(privileged), manifest.Options{PSSLevel: "restricted", PSSVersion: "v1.37"})
	r := reports[0]
	for _, f := range r.Failed() {
		if f.RuleID == "manifest/PSSBaseline" || f.RuleID == "manifest/PSSRestricted" {
			fmt.Println(f.Severity, f.Refs[0])
		}
	}
	high := kubeharden.SeverityHigh
	fmt.Println("policy violations:", len(kubeharden.Policy{FailOn: &high}.Violations(&r)) > 0)
	// Output:
	// high PSS baseline privileged
	// high PSS restricted privileged
	// high PSS restricted allowPrivilegeEscalation
	// high PSS restricted capabilities_restricted
	// high PSS restricted runAsNonRoot
	// high PSS restricted seccompProfile_restricted
	// policy violations: true
}

// Findings with a mechanical fix carry an RFC 6902 JSON Patch against the
// object.
func Example_patch() {
	reports, _ := manifest.Scan("web.yaml", []byte(privileged), manifest.Options{})
	for _, f := range reports[0].Failed() {
		if f.RuleID == "manifest/PrivilegedContainer" || f.RuleID == "manifest/ReadOnlyRootFilesystemMissing" {
			js, _ := json.Marshal(f.Patch)
			fmt.Println(f.RuleID, string(js))
		}
	}
	// Output:
	// manifest/PrivilegedContainer [{"op":"remove","path":"/spec/template/spec/containers/0/securityContext/privileged"}]
	// manifest/ReadOnlyRootFilesystemMissing [{"op":"add","path":"/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem","value":true}]
}

// A pod spec evaluated with the pod-security-admission library at a chosen
// policy version, one denial per check.
func ExampleEvaluatePSS() {
	yes := true
	spec := &corev1.PodSpec{HostNetwork: true, Containers: []corev1.Container{{Name: "app", Image: "nginx:1.27",
		SecurityContext: &corev1.SecurityContext{Privileged: &yes}}}}
	res, err := manifest.EvaluatePSS(nil, spec, "v1.25")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range res[0].Denials {
		fmt.Println(res[0].Level, res[0].Version, d.Check, "-", d.Detail)
	}
	// Output:
	// baseline v1.25 hostNamespaces - hostNetwork=true
	// baseline v1.25 privileged - container "app" must not set securityContext.privileged=true
}
