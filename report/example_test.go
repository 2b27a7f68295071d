package report_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/kubelet"
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

// WriteKubeBench renders the CIS findings of any analyzer in kube-bench's
// --json layout: here the CIS 4.2 checks of a KubeletConfiguration that
// sets nothing, so the kubelet's defaults are judged.
func ExampleWriteKubeBench() {
	reports, err := kubelet.Scan("config.yaml", []byte("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"), kubelet.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	var b strings.Builder
	if err := report.WriteKubeBench(&b, report.Result{Reports: reports}, report.Options{Rules: kubelet.Rules()}); err != nil {
		fmt.Println(err)
		return
	}
	out := b.String()
	fmt.Println(strings.Contains(out, `"test_number":"4.2.1","test_desc":"Ensure that the --anonymous-auth argument is set to false (Automated)"`))
	fmt.Print(out[strings.Index(out, `"Totals"`):])
	// Output:
	// true
	// "Totals":{"total_pass":8,"total_fail":2,"total_warn":4,"total_info":0}}
}
