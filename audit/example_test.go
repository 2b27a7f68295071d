package audit_test

import (
	"fmt"
	"os"

	"github.com/kubeharden/kubeharden/audit"
)

const examplePolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  users: [system:kube-proxy]
  verbs: [watch]
  resources: [{group: "", resources: [endpoints, services]}]
- level: Metadata
  resources: [{group: "", resources: [secrets, configmaps]}]
- level: RequestResponse
  resources: [{group: "", resources: [pods]}]
- level: Metadata
`

func ExampleEvaluate() {
	p, _, err := audit.Parse("policy.yaml", []byte(examplePolicy))
	if err != nil {
		panic(err)
	}
	alice := &audit.User{Name: "alice", Groups: []string{"system:authenticated"}}
	for _, r := range []audit.Request{
		{User: alice, Verb: "get", ResourceRequest: true, Resource: "secrets", Namespace: "default", Name: "db-pass"},
		{User: alice, Verb: "create", ResourceRequest: true, Resource: "pods", Namespace: "default"},
		// "pods" does not cover the exec subresource.
		{User: alice, Verb: "create", ResourceRequest: true, Resource: "pods", Subresource: "exec", Namespace: "default", Name: "web"},
		// A request that failed authentication has no user.
		{Verb: "get", Path: "/api"},
	} {
		d := audit.Evaluate(p, r)
		fmt.Printf("%-45s %-15s rule %d, omit %s\n", r, d.Level, d.Rule, d.OmitStages)
	}
	// Output:
	// alice: get secrets db-pass -n default         Metadata        rule 1, omit RequestReceived
	// alice: create pods -n default                 RequestResponse rule 2, omit RequestReceived
	// alice: create pods/exec web -n default        Metadata        rule 3, omit RequestReceived
	// <failed authentication>: get /api             Metadata        rule 3, omit RequestReceived
}

func ExampleParse() {
	data := []byte(`apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: None
  namespace: [kube-system]
  resources: [{group: "", resources: [secrets]}]
- level: Everything
`)
	_, findings, err := audit.Parse("policy.yaml", data)
	if err != nil {
		panic(err)
	}
	for _, f := range findings {
		fmt.Printf("%s line %d: %s\n", f.RuleID, f.Position.Line, f.Message)
	}
	// Output:
	// audit/UnknownField line 5: unknown field "rules[0].namespace": the API server drops it, so whatever it was meant to set is not set
	// audit/InvalidLevel line 7: unsupported value "Everything": supported values: "None", "Metadata", "Request", "RequestResponse"
}

func ExampleCoverage() {
	p, _, err := audit.Parse("policy.yaml", []byte(`apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: Metadata
  resources: [{group: "", resources: [pods]}]
`))
	if err != nil {
		panic(err)
	}
	t := audit.Coverage(p)
	t.Rows = t.Rows[:2] // the first rows: secret access
	if err := t.WriteMarkdown(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// | concern | check | request | level | rule | expected | status |
	// | --- | --- | --- | --- | --- | --- | --- |
	// | secrets | get a Secret [CIS 3.2.2] | alice: get secrets db-pass -n default | None | no match | Metadata exactly | not-logged |
	// | secrets | list Secrets [CIS 3.2.2] | alice: list secrets -n default | None | no match | Metadata exactly | not-logged |
}

func ExampleScan() {
	reports, err := audit.Scan("policy.yaml", []byte(`apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: Metadata
  resources: [{group: "", resources: [pods]}]
`), audit.Options{})
	if err != nil {
		panic(err)
	}
	for _, r := range reports {
		fmt.Println(r.Object, "score", r.Score)
		for _, f := range r.Failed() {
			if f.Points < 0 {
				fmt.Printf("  %s (%d)\n", f.RuleID, f.Points)
			}
		}
	}
	// Output:
	// Policy score -31
	//   audit/ChangesNotLogged (-5)
	//   audit/ExecNotLogged (-5)
	//   audit/MissingCatchAll (-10)
	//   audit/SecretAccessNotLogged (-5)
	//   audit/AnonymousNotLogged (-3)
	//   audit/FailedAuthNotLogged (-3)
}

func ExampleLint() {
	p, _, err := audit.Parse("policy.yaml", []byte(`apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
- level: None
  nonResourceURLs: [/healthz*, /livez*, /readyz*]
`))
	if err != nil {
		panic(err)
	}
	for _, f := range audit.Lint(p, audit.Options{}) {
		if !f.Passed && (f.RuleID == "audit/ShadowedRule" || f.RuleID == "audit/MisplacedCatchAll") {
			fmt.Printf("%s line %d: %s\n", f.RuleID, f.Position.Line, f.Message)
		}
	}
	// Output:
	// audit/ShadowedRule line 6: rules[1] (level None) never applies: every request it matches is already matched by rules[0]; its requests are audited at Metadata instead of None
	// audit/MisplacedCatchAll line 5: rules[0] matches every request, so the 1 rule(s) after it never apply
}

func ExampleDetect() {
	fmt.Println(audit.Detect("a.yaml", []byte("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []\n")))
	fmt.Println(audit.Detect("b.yaml", []byte("apiVersion: v1\nkind: ConfigMap\n")))
	// Output:
	// true
	// false
}
