package rbac_test

import (
	"fmt"

	"github.com/kubeharden/kubeharden/internal/decode"
	"github.com/kubeharden/kubeharden/manifest/rbac"
	rbacv1 "k8s.io/api/rbac/v1"
)

const exampleSet = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ops
rules:
- apiGroups: [""]
  resources: ["pods", "pods/exec"]
  verbs: ["get", "create"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ops
  namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: ops
subjects:
- kind: ServiceAccount
  name: default
  namespace: shop
`

func ExampleScanDocument() {
	docs, _ := decode.Split([]byte(exampleSet), "rbac.yaml", decode.Options{})
	for _, d := range docs {
		r, err := rbac.ScanDocument(d)
		if err != nil || r == nil {
			continue
		}
		fmt.Println(r.Object, r.Score)
		for _, f := range r.Findings {
			fmt.Printf("  %s %s %s (line %d)\n", f.Severity, f.RuleID, f.Path, f.Position.Line)
		}
	}
	// Output:
	// ClusterRole/ops -48
	//   high manifest/RBACCreateWorkloads rules[0].resources[0] (line 7)
	//   high manifest/RBACPodExec rules[0].resources[1] (line 7)
	//   critical manifest/RBACSecretsRead rules[1].resources[0] (line 10)
	// RoleBinding/ops.shop -3
	//   medium manifest/BindingDefaultServiceAccount subjects[0].name (line 24)
}

func ExampleAnalyze() {
	docs, _ := decode.Split([]byte(exampleSet), "rbac.yaml", decode.Options{})
	for _, r := range rbac.Analyze(docs) {
		fmt.Println(r.Object, r.Score)
		for _, f := range r.Findings {
			fmt.Printf("  %s %s\n", f.Severity, f.Message)
		}
	}
	// Output:
	// ServiceAccount/default.shop -21
	//   high ServiceAccount/default.shop gets create on pods in namespace shop through RoleBinding shop/ops (roleRef ClusterRole ops; ClusterRole ops rules[0]): Role can create pods or workloads [manifest/RBACCreateWorkloads]
	//   high ServiceAccount/default.shop gets create, get on pods/exec in namespace shop through RoleBinding shop/ops (roleRef ClusterRole ops; ClusterRole ops rules[0]): Role can run commands in pods [manifest/RBACPodExec]
	//   medium ServiceAccount/default.shop gets list on secrets in namespace shop through RoleBinding shop/ops (roleRef ClusterRole ops; ClusterRole ops rules[1]): Role can read Secrets [manifest/RBACSecretsRead]
}

func ExampleRuleAllows() {
	rule := &rbacv1.PolicyRule{Verbs: []string{"create"}, APIGroups: []string{""}, Resources: []string{"pods", "*/attach"}}
	for _, q := range []rbac.Request{
		{Verb: "create", Resource: "pods"},
		{Verb: "create", Resource: "pods", Subresource: "exec", Name: "web"},
		{Verb: "create", Resource: "pods", Subresource: "attach", Name: "web"},
	} {
		fmt.Println(q.Resource, q.Subresource, rbac.RuleAllows(rule, q))
	}
	// Output:
	// pods  true
	// pods exec false
	// pods attach true
}
