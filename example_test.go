package kubeharden_test

import (
	"fmt"

	"github.com/kubeharden/kubeharden"
)

// A report's score is kubesec's: risks that fire subtract their points,
// hardening that is present adds its points, advice (missing hardening)
// adds nothing.
func ExampleReport_ComputeScore() {
	privileged := kubeharden.Rule{ID: "manifest/PrivilegedContainer", Kind: kubeharden.KindRisk,
		Severity: kubeharden.SeverityCritical, Points: -30}
	readOnly := kubeharden.Rule{ID: "manifest/ReadOnlyRootFilesystem", Kind: kubeharden.KindHardening,
		Severity: kubeharden.SeverityLow, Points: 1}
	limits := kubeharden.Rule{ID: "manifest/LimitsCPU", Kind: kubeharden.KindHardening,
		Severity: kubeharden.SeverityLow, Points: 1}

	r := kubeharden.Report{Object: "Pod/web.shop", Findings: []kubeharden.Finding{
		privileged.Fail(`container "app" runs privileged`, "spec.containers[0].securityContext.privileged"),
		readOnly.Pass(`container "app" has a read-only root filesystem`, "spec.containers[0].securityContext.readOnlyRootFilesystem"),
		limits.Fail(`container "app" sets no cpu limit`, "spec.containers[0].resources.limits.cpu"),
	}}
	fmt.Println("score:", r.ComputeScore())
	fmt.Println("critical:", len(r.Critical()), "advise:", len(r.Advise()), "passed:", len(r.Passed()))
	// Output:
	// score: -29
	// critical: 1 advise: 1 passed: 1
}

// A Policy turns reports into a CI verdict.
func ExamplePolicy_Violations() {
	high := kubeharden.SeverityHigh
	minScore := 0
	policy := kubeharden.Policy{FailOn: &high, MinScore: &minScore}

	hostPID := kubeharden.Rule{ID: "manifest/HostPID", Severity: kubeharden.SeverityHigh, Points: -9}
	r := kubeharden.Report{Object: "Pod/agent.kube-system", Findings: []kubeharden.Finding{
		hostPID.Fail("the pod sets hostPID: true", "spec.hostPID"),
	}}
	r.ComputeScore()
	for _, v := range policy.Violations(&r) {
		fmt.Println(v)
	}
	// Output:
	// Pod/agent.kube-system: score -9 is below the minimum 0
	// Pod/agent.kube-system: manifest/HostPID (high) the pod sets hostPID: true
}
