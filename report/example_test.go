package report_test

import (
	"os"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/report"
)

func ExampleWrite() {
	rule := kubeharden.Rule{ID: "manifest/HostNetwork", Title: "Host network", Severity: kubeharden.SeverityHigh, Points: -9,
		Remediation: "remove spec.hostNetwork"}
	f := rule.Fail("the pod sets hostNetwork: true", "spec.hostNetwork")
	f.Position = kubeharden.Position{File: "pod.yaml", Line: 6, Column: 3}
	r := kubeharden.Report{Source: "pod.yaml", Object: "Pod/agent.default", Kind: "Pod", Findings: []kubeharden.Finding{f}}
	r.ComputeScore()
	_ = report.Write(os.Stdout, report.FormatText, report.Result{Reports: []kubeharden.Report{r}}, report.Options{})
	// Output:
	// pod.yaml
	//   Pod/agent.default  score -9  (1 failed of 1)
	//     HIGH     manifest/HostNetwork 6:3  the pod sets hostNetwork: true (-9)
	//              at spec.hostNetwork
	//              fix: remove spec.hostNetwork
	//
	// 1 objects, 1 failed findings (0 critical, 1 high, 0 medium, 0 low, 0 info), 0 passed, 0 suppressed, 0 input errors
}
