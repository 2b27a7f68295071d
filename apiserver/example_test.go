package apiserver_test

import (
	"fmt"
	"strings"
	"testing/fstest"

	"github.com/kubeharden/kubeharden/apiserver"
)

// Scan a kube-apiserver static pod: the repeated --authorization-mode
// accumulates, so AlwaysAllow is in the chain even though the first
// occurrence looks right.
func ExampleScan() {
	manifest := `apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.37.2
    command:
    - kube-apiserver
    - --authorization-mode=Node,RBAC
    - --authorization-mode
    - AlwaysAllow
    - --profiling=false
`
	reports, err := apiserver.Scan("kube-apiserver.yaml", []byte(manifest), apiserver.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range reports[0].Findings {
		switch f.RuleID {
		case "apiserver/AuthorizationNotAlwaysAllow", "apiserver/APIServerProfiling":
			fmt.Printf("%s %v %s: %s\n", f.Refs[0], f.Passed, f.Position, f.Message)
		}
	}
	// Output:
	// CIS 1.2.6 false kube-apiserver.yaml:11:7: effective authorizers [Node,RBAC,AlwaysAllow] from --authorization-mode (2 occurrences, accumulated); AlwaysAllow authorizes every request that reaches it
	// CIS 1.2.15 true kube-apiserver.yaml:13:7: --profiling=false (command[4])
}

// Scan an EncryptionConfiguration on its own: identity first means new
// secrets are written in plaintext, whatever follows.
func ExampleScan_encryptionConfiguration() {
	cfg := `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: [secrets]
  providers:
  - identity: {}
  - aescbc: {keys: [{name: k1, secret: c2VjcmV0IGlzIHNlY3VyZQ==}]}
`
	reports, _ := apiserver.Scan("enc.yaml", []byte(cfg), apiserver.Options{})
	for _, f := range reports[0].Failed() {
		if f.RuleID == "apiserver/EncryptionIdentityFirst" {
			fmt.Println(f.Position, f.Message)
		}
	}
	// Output:
	// enc.yaml:6:5 identity is the first provider for secrets: new secrets are written in plaintext; aescbc at resources[0].providers[1] only decrypts existing data
}

// Assess a copied control-plane node (report.WriteKubeBench renders the
// reports in kube-bench's JSON layout).
func ExampleAssessControlPlane() {
	node := fstest.MapFS{
		"etc/kubernetes/manifests/kube-scheduler.yaml": {Mode: 0o600, Data: []byte(`apiVersion: v1
kind: Pod
metadata: {name: kube-scheduler, namespace: kube-system}
spec:
  containers:
  - name: kube-scheduler
    image: registry.k8s.io/kube-scheduler:v1.37.2
    command: [kube-scheduler, --profiling=false]
`)},
	}
	reports, err := apiserver.AssessControlPlane(node, apiserver.NodeOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range reports[0].Findings {
		if len(f.Refs) > 0 && strings.HasPrefix(f.Refs[0], "CIS ") {
			fmt.Println(f.Refs[0], f.Passed, f.Message)
		}
	}
	// Output:
	// CIS 1.4.2 false --bind-address is not set, so the default 0.0.0.0 (every interface) applies
	// CIS 1.1.5 true /etc/kubernetes/manifests/kube-scheduler.yaml has permissions 0600
	// CIS 1.4.1 true --profiling=false (command[1])
}
