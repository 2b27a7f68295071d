package manifest_test

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/kubeharden/kubeharden/manifest"
)

const privileged = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: nginx:1.27
          securityContext:
            privileged: true
`

func ExampleScan() {
	reports, errs := manifest.Scan("web.yaml", []byte(privileged), manifest.Options{})
	for _, e := range errs {
		fmt.Println("error:", e)
	}
	for _, r := range reports {
		fmt.Println(r.Object, "score", r.Score)
		for _, f := range r.Critical() {
			fmt.Printf("%s line %d: %s\n  fix: %s\n", f.RuleID, f.Position.Line, f.Message, f.Fix)
		}
	}
	// Output:
	// Deployment/web.shop score -30
	// manifest/PrivilegedContainer line 17: container "app" runs privileged
	//   fix: remove spec.template.spec.containers[0].securityContext.privileged (or set it to false) and add only the capabilities it needs
}

func ExampleScan_kubesec() {
	reports, _ := manifest.Scan("web.yaml", []byte(privileged), manifest.Options{Compat: manifest.CompatKubesec})
	r := reports[0]
	fmt.Println(manifest.KubesecMessage(&r))
	for _, f := range r.Critical() {
		fmt.Println(manifest.KubesecID(f), f.Points, f.Path)
	}
	// Output:
	// Failed with a score of -30 points
	// Privileged -30 containers[] .securityContext .privileged == true
}

func ExampleKubesecReports() {
	reports, _ := manifest.Scan("pod.yaml", []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"hostIPC":true,"containers":[{"name":"a","image":"x"}]}}`),
		manifest.Options{Compat: manifest.CompatKubesec})
	out := manifest.KubesecReports(reports, "")
	out[0].Scoring.Advise = out[0].Scoring.Advise[:1] // keep the example short
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
	// Output:
	// [
	//   {
	//     "object": "Pod/p.default",
	//     "valid": true,
	//     "fileName": "pod.yaml",
	//     "message": "Failed with a score of -9 points",
	//     "score": -9,
	//     "scoring": {
	//       "critical": [
	//         {
	//           "id": "HostIPC",
	//           "selector": ".spec .hostIPC == true",
	//           "reason": "Sharing the host's IPC namespace allows container processes to communicate with processes on the host",
	//           "points": -9
	//         }
	//       ],
	//       "advise": [
	//         {
	//           "id": "ApparmorAny",
	//           "selector": ".spec .securityContext .appArmorProfile .type | .spec .containers[] .securityContext .appArmorProfile .type | .spec .initContainers[] .securityContext .appArmorProfile .type | .spec .ephemeralContainers[] .securityContext .appArmorProfile .type",
	//           "reason": "Well defined AppArmor policies may provide greater protection from unknown threats.",
	//           "points": 3
	//         }
	//       ]
	//     }
	//   }
	// ]
}

func ExampleScanObject() {
	// An admission webhook has the object as raw JSON.
	raw := []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"dev"},"spec":{"hostPID":true,"containers":[{"name":"a","image":"busybox:1.36"}]}}`)
	r, err := manifest.ScanObject(raw, manifest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range r.Failed() {
		if f.RuleID == "manifest/HostPID" {
			fmt.Println(r.Object, f.Path, f.Severity)
		}
	}
	// Output:
	// Pod/p.dev spec.hostPID high
}

func ExampleRules() {
	for _, r := range manifest.Rules() {
		if r.ID == "manifest/PrivilegedContainer" {
			fmt.Println(r.ID, r.Severity, r.Points, r.Refs)
		}
	}
	// Output:
	// manifest/PrivilegedContainer critical -30 [kubesec Privileged PSS baseline privileged]
}
