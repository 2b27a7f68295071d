package audit

import (
	"fmt"
	"io"
	"strings"
)

// Status is the verdict of one coverage row.
type Status string

// Coverage statuses.
const (
	// StatusOK: the level is within the expected range.
	StatusOK Status = "ok"
	// StatusBelowRecommended: audited, but with less detail than
	// recommended (e.g. a Pod change without its body).
	StatusBelowRecommended Status = "below-recommended"
	// StatusNotLogged: the level is below the minimum (usually None).
	StatusNotLogged Status = "not-logged"
	// StatusTooDetailed: the level exposes sensitive bodies (above Max).
	StatusTooDetailed Status = "too-detailed"
)

// Concern groups coverage rows by the security question they answer.
type Concern string

// Concerns of the coverage table.
const (
	ConcernSecrets   Concern = "secrets"   // secret access
	ConcernSensitive Concern = "sensitive" // configmaps, tokens
	ConcernExec      Concern = "exec"      // exec, attach, port-forward, proxy
	ConcernWorkloads Concern = "workloads" // pod and deployment changes
	ConcernAccess    Concern = "access"    // RBAC, webhooks, CRDs, CSRs, namespaces, service accounts
	ConcernAuthn     Concern = "authn"     // failed authentication, anonymous requests
)

// CoverageRow is one security-relevant request and how the policy audits
// it.
type CoverageRow struct {
	Concern     Concern
	Description string
	Request     Request
	Decision    Decision
	// Min is the lowest acceptable level, Recommended the level to aim
	// for, Max the highest acceptable level ("" = no upper bound).
	Min, Recommended, Max Level
	Status                Status
	// CIS is true for the requests CIS 3.2.2 names.
	CIS bool
}

// CoverageTable is the result of Coverage.
type CoverageTable struct {
	Rows []CoverageRow
}

type coverageCase struct {
	concern       Concern
	desc          string
	req           Request
	min, rec, max Level
	cis           bool
}

// newAlice returns an ordinary authenticated user; newAnonymous the
// identity of unauthenticated requests when anonymous auth is enabled.
// Fresh values each time: callers may modify what they get.
func newAlice() *User { return &User{Name: "alice", Groups: []string{"system:authenticated"}} }

func newAnonymous() *User {
	return &User{Name: "system:anonymous", Groups: []string{"system:unauthenticated"}}
}

func resReq(u *User, verb, group, resource, sub, ns, name string) Request {
	return Request{User: u, Verb: verb, ResourceRequest: true, APIGroup: group, Resource: resource, Subresource: sub, Namespace: ns, Name: name}
}

// coverageCases is the fixed request set. Requests are made by "alice"
// (an ordinary authenticated user) unless the row is about identity.
func coverageCases() []coverageCase {
	const (
		M = LevelMetadata
		R = LevelRequest
	)
	c := func(con Concern, desc string, req Request, min, rec, max Level, cis bool) coverageCase {
		return coverageCase{con, desc, req, min, rec, max, cis}
	}
	alice, anonymous := newAlice(), newAnonymous()
	return []coverageCase{
		c(ConcernSecrets, "get a Secret", resReq(alice, "get", "", "secrets", "", "default", "db-pass"), M, M, M, true),
		c(ConcernSecrets, "list Secrets", resReq(alice, "list", "", "secrets", "", "default", ""), M, M, M, true),
		c(ConcernSecrets, "watch Secrets in all namespaces", resReq(alice, "watch", "", "secrets", "", "", ""), M, M, M, true),
		c(ConcernSecrets, "create a Secret", resReq(alice, "create", "", "secrets", "", "default", ""), M, M, M, true),
		c(ConcernSecrets, "patch a Secret in kube-system", resReq(alice, "patch", "", "secrets", "", "kube-system", "bootstrap-token-abc"), M, M, M, true),
		c(ConcernSensitive, "update a ConfigMap", resReq(alice, "update", "", "configmaps", "", "default", "app-config"), M, M, M, true),
		c(ConcernSensitive, "create a TokenReview", resReq(alice, "create", "authentication.k8s.io", "tokenreviews", "", "", ""), M, M, M, true),
		c(ConcernSensitive, "request a service account token", resReq(alice, "create", "", "serviceaccounts", "token", "default", "app"), M, M, M, false),
		c(ConcernExec, "exec into a Pod (POST)", resReq(alice, "create", "", "pods", "exec", "default", "web-0"), M, M, "", true),
		c(ConcernExec, "exec into a Pod (websocket GET)", resReq(alice, "get", "", "pods", "exec", "default", "web-0"), M, M, "", true),
		c(ConcernExec, "attach to a Pod", resReq(alice, "create", "", "pods", "attach", "default", "web-0"), M, M, "", false),
		c(ConcernExec, "port-forward to a Pod", resReq(alice, "create", "", "pods", "portforward", "default", "web-0"), M, M, "", true),
		c(ConcernExec, "proxy to a Pod", resReq(alice, "get", "", "pods", "proxy", "default", "web-0"), M, M, "", true),
		c(ConcernExec, "proxy to a Service", resReq(alice, "get", "", "services", "proxy", "default", "web"), M, M, "", true),
		c(ConcernExec, "proxy to a Node (kubelet API)", resReq(alice, "get", "", "nodes", "proxy", "", "node-1"), M, M, "", false),
		c(ConcernExec, "add an ephemeral container", resReq(alice, "patch", "", "pods", "ephemeralcontainers", "default", "web-0"), M, R, "", false),
		c(ConcernWorkloads, "create a Pod", resReq(alice, "create", "", "pods", "", "default", ""), M, R, "", true),
		c(ConcernWorkloads, "delete a Pod", resReq(alice, "delete", "", "pods", "", "default", "web-0"), M, R, "", true),
		c(ConcernWorkloads, "create a Deployment", resReq(alice, "create", "apps", "deployments", "", "default", ""), M, R, "", true),
		c(ConcernWorkloads, "patch a Deployment", resReq(alice, "patch", "apps", "deployments", "", "default", "web"), M, R, "", true),
		c(ConcernWorkloads, "update a DaemonSet", resReq(alice, "update", "apps", "daemonsets", "", "kube-system", "agent"), M, R, "", false),
		c(ConcernAccess, "create a ClusterRoleBinding", resReq(alice, "create", "rbac.authorization.k8s.io", "clusterrolebindings", "", "", ""), M, R, "", false),
		c(ConcernAccess, "update a ClusterRole", resReq(alice, "update", "rbac.authorization.k8s.io", "clusterroles", "", "", "admin"), M, R, "", false),
		c(ConcernAccess, "create a RoleBinding", resReq(alice, "create", "rbac.authorization.k8s.io", "rolebindings", "", "default", ""), M, R, "", false),
		c(ConcernAccess, "create a validating webhook", resReq(alice, "create", "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", "", ""), M, R, "", false),
		c(ConcernAccess, "delete a mutating webhook", resReq(alice, "delete", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "", "", "policy-agent"), M, R, "", false),
		c(ConcernAccess, "create a CustomResourceDefinition", resReq(alice, "create", "apiextensions.k8s.io", "customresourcedefinitions", "", "", ""), M, R, "", false),
		c(ConcernAccess, "approve a CertificateSigningRequest", resReq(alice, "update", "certificates.k8s.io", "certificatesigningrequests", "approval", "", "csr-1"), M, R, "", false),
		c(ConcernAccess, "delete a Namespace", resReq(alice, "delete", "", "namespaces", "", "", "prod"), M, R, "", false),
		c(ConcernAccess, "create a ServiceAccount", resReq(alice, "create", "", "serviceaccounts", "", "default", ""), M, R, "", false),
		c(ConcernAuthn, "failed authentication: list Secrets", resReq(nil, "list", "", "secrets", "", "default", ""), M, M, M, false),
		c(ConcernAuthn, "failed authentication: GET /api", Request{Verb: "get", Path: "/api"}, M, M, "", false),
		c(ConcernAuthn, "anonymous: list Pods", resReq(anonymous, "list", "", "pods", "", "default", ""), M, M, "", false),
		c(ConcernAuthn, "anonymous: get a Secret", resReq(anonymous, "get", "", "secrets", "", "kube-system", "admin-token"), M, M, M, false),
	}
}

func rowStatus(l, min, rec, max Level) Status {
	switch {
	case max != "" && l.Rank() > max.Rank():
		return StatusTooDetailed
	case l.Rank() < min.Rank():
		return StatusNotLogged
	case l.Rank() < rec.Rank():
		return StatusBelowRecommended
	}
	return StatusOK
}

// Coverage evaluates a fixed set of security-relevant requests (secret
// access, exec and proxy, workload and RBAC changes, webhooks, CRDs, CSR
// approval, token requests, failed authentication and anonymous requests)
// against p.
func Coverage(p *Policy) CoverageTable {
	cases := coverageCases()
	t := CoverageTable{Rows: make([]CoverageRow, 0, len(cases))}
	for _, c := range cases {
		d := Evaluate(p, c.req)
		t.Rows = append(t.Rows, CoverageRow{Concern: c.concern, Description: c.desc, Request: c.req, Decision: d,
			Min: c.min, Recommended: c.rec, Max: c.max, Status: rowStatus(d.Level, c.min, c.rec, c.max), CIS: c.cis})
	}
	return t
}

// String renders the request kubectl-style: "alice: create pods/exec
// web-0 -n default", "<failed authentication>: get /api".
func (r Request) String() string {
	var b strings.Builder
	switch {
	case r.User == nil:
		b.WriteString("<failed authentication>")
	default:
		b.WriteString(r.User.Name)
	}
	b.WriteString(": ")
	b.WriteString(r.Verb)
	b.WriteByte(' ')
	if !r.ResourceRequest {
		b.WriteString(r.Path)
		return b.String()
	}
	b.WriteString(r.Resource)
	if r.APIGroup != "" {
		b.WriteByte('.')
		b.WriteString(r.APIGroup)
	}
	if r.Subresource != "" {
		b.WriteByte('/')
		b.WriteString(r.Subresource)
	}
	if r.Name != "" {
		b.WriteByte(' ')
		b.WriteString(r.Name)
	}
	if r.Namespace != "" {
		b.WriteString(" -n ")
		b.WriteString(r.Namespace)
	}
	return b.String()
}

func (row CoverageRow) ruleText() string {
	if row.Decision.Rule < 0 {
		return "no match"
	}
	return fmt.Sprintf("rules[%d]", row.Decision.Rule)
}

func (row CoverageRow) expected() string {
	switch {
	case row.Max != "" && row.Min == row.Max:
		return string(row.Min) + " exactly"
	case row.Recommended != row.Min:
		return ">= " + string(row.Min) + " (" + string(row.Recommended) + ")"
	}
	return ">= " + string(row.Min)
}

var tableHeader = []string{"concern", "check", "request", "level", "rule", "expected", "status"}

func (t CoverageTable) cells() [][]string {
	out := make([][]string, 0, len(t.Rows))
	for _, row := range t.Rows {
		desc := row.Description
		if row.CIS {
			desc += " [CIS 3.2.2]"
		}
		out = append(out, []string{string(row.Concern), desc, row.Request.String(), string(row.Decision.Level), row.ruleText(), row.expected(), string(row.Status)})
	}
	return out
}

// WriteText renders the table with aligned columns.
func (t CoverageTable) WriteText(w io.Writer) error {
	rows := append([][]string{tableHeader}, t.cells()...)
	widths := make([]int, len(tableHeader))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], len(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			if i == len(r)-1 {
				b.WriteString(c)
				break
			}
			b.WriteString(c)
			b.WriteString(strings.Repeat(" ", widths[i]-len(c)+2))
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMarkdown renders the table as a GitHub-flavoured Markdown table.
func (t CoverageTable) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	line := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" ")
			b.WriteString(strings.ReplaceAll(c, "|", `\|`))
			b.WriteString(" |")
		}
		b.WriteByte('\n')
	}
	line(tableHeader)
	sep := make([]string, len(tableHeader))
	for i := range sep {
		sep[i] = "---"
	}
	line(sep)
	for _, c := range t.cells() {
		line(c)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
