package rbac

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kubeharden/kubeharden"
	rbacv1 "k8s.io/api/rbac/v1"
)

// API groups.
const (
	core         = ""
	apps         = "apps"
	batch        = "batch"
	rbacGroup    = "rbac.authorization.k8s.io"
	authnGroup   = "authentication.k8s.io"
	certsGroup   = "certificates.k8s.io"
	admissionGrp = "admissionregistration.k8s.io"
	networking   = "networking.k8s.io"
	discovery    = "discovery.k8s.io"
	eventsGroup  = "events.k8s.io"
)

// perm is a request template: a verb set on group/resource[/sub].
type perm struct {
	group, resource, sub string
	// verbs overrides the check's verbs for this resource.
	verbs []string
	// cluster marks a cluster-scoped resource: a Role, or a ClusterRole
	// granted through a RoleBinding, never grants it.
	cluster bool
	// anySub: any subresource of resource (userextras/<key>).
	anySub bool
}

func (p perm) String() string {
	s := p.resource
	if p.anySub {
		s += "/*"
	} else if p.sub != "" {
		s += "/" + p.sub
	}
	if p.group != core {
		s += " (" + p.group + ")"
	}
	return s
}

// permCheck flags a policy rule that grants any of its verbs on any of its
// resources.
type permCheck struct {
	rule                   *kubeharden.Rule
	verbs                  []string
	perms                  []perm
	clusterSev, namespaced kubeharden.Severity
	// what completes "rules[i] grants <verbs> on <resources>: ...".
	what string
	// skipIf is the index (in permChecks) of a check that, when it fired
	// on the same policy rule, makes this one redundant; -1 for none.
	skipIf int
	// kubeSystem: the check applies only where the role takes effect in
	// kube-system (RBACKubeSystemConfigMaps).
	kubeSystem bool
}

var (
	readVerbs  = []string{"get", "list", "watch"}
	writeVerbs = []string{"create", "update", "patch", "delete", "deletecollection"}
)

// permChecks are evaluated per policy rule, in report order. The table is
// never mutated.
var permChecks = []permCheck{
	/* 0 */ {rule: &ruleSecretsRead, verbs: readVerbs, perms: []perm{{group: core, resource: "secrets"}},
		clusterSev: critical, namespaced: medium, what: "it can read the contents of Secrets, service-account tokens included", skipIf: -1},
	/* 1 */ {rule: &ruleSecretsRead, verbs: writeVerbs, perms: []perm{{group: core, resource: "secrets"}},
		clusterSev: medium, namespaced: low, what: "it can overwrite or delete Secrets, and create service-account token Secrets", skipIf: 0},
	/* 2 */ {rule: &ruleCreateWorkloads, verbs: []string{"create", "update", "patch"}, perms: []perm{
		{group: core, resource: "pods", verbs: []string{"create"}},
		{group: apps, resource: "deployments"}, {group: apps, resource: "daemonsets"}, {group: apps, resource: "statefulsets"},
		{group: apps, resource: "replicasets"}, {group: core, resource: "replicationcontrollers"},
		{group: batch, resource: "jobs"}, {group: batch, resource: "cronjobs"}},
		clusterSev: high, namespaced: high, what: "it can run pods that mount any Secret, ConfigMap or service account of the namespace", skipIf: -1},
	/* 3 */ {rule: &rulePodExec, verbs: []string{"create", "get"}, perms: []perm{
		{group: core, resource: "pods", sub: "exec"}, {group: core, resource: "pods", sub: "attach"}, {group: core, resource: "pods", sub: "portforward"},
		{group: core, resource: "pods", sub: "ephemeralcontainers", verbs: []string{"update", "patch"}}},
		clusterSev: high, namespaced: high, what: "it can run commands in, attach to or tunnel into running pods", skipIf: -1},
	/* 4 */ {rule: &ruleEscalateBind, verbs: []string{"escalate", "bind"}, perms: []perm{
		{group: rbacGroup, resource: "roles"}, {group: rbacGroup, resource: "clusterroles", verbs: []string{"bind"}},
		{group: rbacGroup, resource: "clusterroles", verbs: []string{"escalate"}, cluster: true}},
		clusterSev: critical, namespaced: critical, what: "it can grant permissions it does not hold", skipIf: -1},
	/* 5 */ {rule: &ruleImpersonate, verbs: []string{"impersonate"}, perms: []perm{
		{group: core, resource: "users", cluster: true}, {group: core, resource: "groups", cluster: true},
		{group: core, resource: "serviceaccounts"},
		{group: authnGroup, resource: "uids", cluster: true, verbs: []string{"impersonate", "impersonate:user-info"}},
		{group: authnGroup, resource: "userextras", anySub: true, cluster: true, verbs: []string{"impersonate", "impersonate:user-info"}},
		// Constrained impersonation (KEP-5284): impersonate:<mode> on the
		// identity, checked in authentication.k8s.io, plus
		// impersonate-on:<mode>:<verb> on what is done as it.
		{group: authnGroup, resource: "users", cluster: true, verbs: []string{"impersonate:user-info"}},
		{group: authnGroup, resource: "groups", cluster: true, verbs: []string{"impersonate:user-info"}},
		{group: authnGroup, resource: "serviceaccounts", verbs: []string{"impersonate:serviceaccount"}},
		{group: authnGroup, resource: "nodes", cluster: true, verbs: []string{"impersonate:arbitrary-node"}}},
		clusterSev: critical, namespaced: critical, what: "it can act as other identities", skipIf: -1},
	/* 6 */ {rule: &ruleNodesProxy, verbs: []string{"get", "create"}, perms: []perm{{group: core, resource: "nodes", sub: "proxy", cluster: true}},
		clusterSev: high, namespaced: high, what: "it can call the kubelet API (exec in any pod of the node) without audit or admission", skipIf: -1},
	/* 7 */ {rule: &ruleTokenRequest, verbs: []string{"create"}, perms: []perm{{group: core, resource: "serviceaccounts", sub: "token"}},
		clusterSev: critical, namespaced: critical, what: "it can mint tokens for service accounts and act as them", skipIf: -1},
	/* 8 */ {rule: &ruleWebhookConfig, verbs: writeVerbs, perms: []perm{
		{group: admissionGrp, resource: "mutatingwebhookconfigurations", cluster: true},
		{group: admissionGrp, resource: "validatingwebhookconfigurations", cluster: true},
		{group: admissionGrp, resource: "mutatingadmissionpolicies", cluster: true},
		{group: admissionGrp, resource: "mutatingadmissionpolicybindings", cluster: true},
		{group: admissionGrp, resource: "validatingadmissionpolicies", cluster: true},
		{group: admissionGrp, resource: "validatingadmissionpolicybindings", cluster: true}},
		clusterSev: critical, namespaced: critical, what: "it can intercept or rewrite objects sent to the API server, or switch admission control off", skipIf: -1},
	/* 9 */ {rule: &rulePersistentVolume, verbs: []string{"create"}, perms: []perm{{group: core, resource: "persistentvolumes", cluster: true}},
		clusterSev: high, namespaced: high, what: "it can create hostPath PersistentVolumes that pods can claim", skipIf: -1},
	/* 10 */ {rule: &ruleStatusPatch, verbs: []string{"update", "patch"}, perms: []perm{
		{group: core, resource: "namespaces"}, {group: core, resource: "nodes", cluster: true}},
		clusterSev: medium, namespaced: low, what: "it can change Pod Security labels, NetworkPolicy selectors or node labels", skipIf: -1},
	/* 11 */ {rule: &ruleStatusPatch, verbs: []string{"update", "patch"}, perms: []perm{
		{group: core, resource: "nodes", sub: "status", cluster: true}, {group: core, resource: "pods", sub: "status"},
		{group: core, resource: "services", sub: "status"}},
		clusterSev: low, namespaced: low, what: "it can forge object status (load-balancer IPs: CVE-2020-8554)", skipIf: 10},
	/* 12 */ {rule: &ruleKubeSystemConfigMaps, verbs: writeVerbs, perms: []perm{{group: core, resource: "configmaps"}},
		clusterSev: high, namespaced: high, what: "it can rewrite cluster configuration in kube-system (aws-auth, kube-proxy, coredns)", skipIf: -1, kubeSystem: true},
	/* 13 */ {rule: &ruleDeleteLogs, verbs: []string{"delete", "deletecollection"}, perms: []perm{
		{group: core, resource: "events"}, {group: eventsGroup, resource: "events"}, {group: core, resource: "pods", sub: "log"}},
		clusterSev: medium, namespaced: medium, what: "it can erase the traces of its actions", skipIf: -1},
	/* 14 */ {rule: &ruleNetworkingWrite, verbs: writeVerbs, perms: []perm{
		{group: core, resource: "services"}, {group: core, resource: "endpoints"}, {group: discovery, resource: "endpointslices"},
		{group: networking, resource: "networkpolicies"}, {group: networking, resource: "ingresses"}},
		clusterSev: medium, namespaced: medium, what: "it can redirect traffic or remove network isolation", skipIf: -1},
}

// sensitive are the resources RBACWildcardVerb looks for.
var sensitive = []perm{
	{group: core, resource: "secrets"}, {group: core, resource: "pods"},
	{group: apps, resource: "deployments"}, {group: apps, resource: "daemonsets"}, {group: apps, resource: "statefulsets"},
	{group: apps, resource: "replicasets"}, {group: core, resource: "replicationcontrollers"},
	{group: batch, resource: "jobs"}, {group: batch, resource: "cronjobs"},
	{group: rbacGroup, resource: "roles"}, {group: rbacGroup, resource: "clusterroles"},
	{group: rbacGroup, resource: "rolebindings"}, {group: rbacGroup, resource: "clusterrolebindings", cluster: true},
	{group: core, resource: "users", cluster: true}, {group: core, resource: "groups", cluster: true}, {group: core, resource: "serviceaccounts"},
}

// wildcardResourceVerbs are the verbs RBACWildcardResource looks for.
var wildcardResourceVerbs = []string{"create", "update", "patch", "delete", "deletecollection", "impersonate", "get", "list", "watch"}

// evalCtx is where a role takes effect.
type evalCtx struct {
	// cluster: cluster-scoped resources are granted (a ClusterRole, which
	// a ClusterRoleBinding may grant everywhere).
	cluster bool
	// namespace is the namespace the role applies in when not cluster.
	namespace string
	// unbound: a ClusterRole scanned on its own (its scope depends on the
	// binding).
	unbound bool
	// prefix is the field path of the rules ("rules").
	prefix string
	// labels, when set, name each rule instead of prefix[i] (rules
	// assembled from several roles by aggregation).
	labels []string
}

// rp names rule i.
func (c evalCtx) rp(i int) string {
	if i < len(c.labels) {
		return c.labels[i]
	}
	return c.prefix + "[" + strconv.Itoa(i) + "]"
}

func (c evalCtx) where() string {
	switch {
	case c.unbound:
		return "wherever it is bound (every namespace through a ClusterRoleBinding)"
	case c.cluster:
		return "in every namespace"
	case c.namespace != "":
		return "in namespace " + c.namespace
	}
	return "in its namespace"
}

// roleFinding is one risky permission a role grants.
type roleFinding struct {
	rule *kubeharden.Rule
	sev  kubeharden.Severity
	msg  string
	path string
	fix  string
	// short names the permission for the subject view ("get, list on
	// secrets").
	short string
	// patch removes the offending entry from the role (ScanDocument only).
	patch []kubeharden.PatchOp
}

func (f roleFinding) finding() kubeharden.Finding {
	out := f.rule.Fail(f.msg, f.path)
	out.Severity, out.Points = f.sev, pointsFor(f.sev)
	if f.fix != "" {
		out.Fix = f.fix
	}
	out.Patch = f.patch
	return out
}

// removeOp is a JSON Patch that removes the array element at ptr, guarded
// by a test of its value so that it never removes another element.
func removeOp(ptr string, value string) []kubeharden.PatchOp {
	return []kubeharden.PatchOp{{Op: "test", Path: ptr, Value: value}, {Op: "remove", Path: ptr}}
}

func lower(s kubeharden.Severity) kubeharden.Severity {
	if s > kubeharden.SeverityLow {
		return s - 1
	}
	return s
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

func isWildcardAll(r *rbacv1.PolicyRule) bool {
	return has(r.Verbs, rbacv1.VerbAll) && has(r.APIGroups, rbacv1.APIGroupAll) && has(r.Resources, rbacv1.ResourceAll)
}

func has(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func indexOf(ss []string, s string) int {
	for i, x := range ss {
		if x == s {
			return i
		}
	}
	return -1
}

// evalRole returns the risky permissions the policy rules grant in ctx.
func evalRole(rules []rbacv1.PolicyRule, ctx evalCtx) []roleFinding {
	var out []roleFinding
	anyAll := false
	fired := make([]bool, len(permChecks))
	for i := range rules {
		r := &rules[i]
		rp := ctx.rp(i)
		if isWildcardAll(r) {
			anyAll = true
			sev := critical
			msg := rp + " grants every verb on every resource of every API group " + ctx.where()
			if len(r.ResourceNames) > 0 {
				sev = lower(sev)
				msg += ", for the objects named " + quoteList(r.ResourceNames)
			}
			out = append(out, roleFinding{rule: &ruleWildcardAll, sev: sev, msg: msg + " (cluster-admin equivalent)", path: rp,
				fix: "replace " + rp + " with rules listing only the verbs, apiGroups and resources needed", short: "every permission (wildcard)"})
			continue
		}
		out = wildcardChecks(out, r, rp, ctx)
		clear(fired)
		for ci := range permChecks {
			c := &permChecks[ci]
			if c.skipIf >= 0 && fired[c.skipIf] {
				continue
			}
			if c.kubeSystem && !ctx.cluster && !ctx.unbound && ctx.namespace != "kube-system" {
				continue
			}
			if f, ok := c.eval(r, i, rp, ctx); ok {
				fired[ci] = true
				out = append(out, f)
			}
		}
		if f, ok := nonResourceCheck(r, rp); ok {
			out = append(out, f)
		}
	}
	if !anyAll {
		out = roleLevelChecks(out, rules, ctx)
		// bind is exploited by creating bindings: say when the role can.
		for i := range out {
			if out[i].rule != &ruleEscalateBind || !strings.Contains(out[i].short, "bind") {
				continue
			}
			for _, res := range []string{"rolebindings", "clusterrolebindings"} {
				if res == "clusterrolebindings" && !ctx.cluster {
					continue
				}
				if k := firstGrant(rules, "create", rbacGroup, res, ""); k >= 0 {
					out[i].msg += "; with create on " + res + " (" + ctx.rp(k) + ") it can bind any role it may bind to anyone, itself included"
					break
				}
			}
		}
	}
	return out
}

// eval applies one permCheck to one policy rule.
func (c *permCheck) eval(r *rbacv1.PolicyRule, idx int, rp string, ctx evalCtx) (roleFinding, bool) {
	var verbs, resources []string
	best := accessNone
	resIdx := -1
	for _, p := range c.perms {
		if p.cluster && !ctx.cluster {
			continue
		}
		vs := c.verbs
		if p.verbs != nil {
			vs = p.verbs
		}
		matched := false
		for _, v := range vs {
			var a access
			if p.anySub {
				a = grantsAnySub(r, v, p.group, p.resource)
			} else {
				a = grants(r, v, p.group, p.resource, p.sub)
			}
			if a == accessNone {
				continue
			}
			matched = true
			best = max(best, a)
			if !has(verbs, v) {
				verbs = append(verbs, v)
			}
		}
		if matched {
			resources = append(resources, p.String())
			if resIdx < 0 && !p.anySub {
				resIdx = resourceIndex(r.Resources, p.resource, p.sub)
			}
		}
	}
	if best == accessNone {
		return roleFinding{}, false
	}
	sev := c.namespaced
	if ctx.cluster {
		sev = c.clusterSev
	}
	if c.kubeSystem && ctx.unbound {
		sev = medium
	}
	short := strings.Join(verbs, ", ") + " on " + strings.Join(resources, ", ")
	msg := rp + " grants " + short + " " + ctx.where() + ": " + c.what
	if c.kubeSystem && ctx.unbound {
		msg += " (when bound in kube-system or by a ClusterRoleBinding)"
	}
	if best == accessNamed {
		if p := powerfulName(r.ResourceNames); p != "" && (c.rule == &ruleEscalateBind || c.rule == &ruleImpersonate) {
			msg += "; limited to the objects named " + quoteList(r.ResourceNames) + ", but " + strconv.Quote(p) + " is all it takes"
		} else {
			sev = lower(sev)
			msg += "; limited to the objects named " + quoteList(r.ResourceNames)
		}
		short += " (named " + quoteList(r.ResourceNames) + ")"
	}
	path := rp + ".resources"
	var (
		fix   string
		patch []kubeharden.PatchOp
	)
	if resIdx >= 0 {
		path = rp + ".resources[" + strconv.Itoa(resIdx) + "]"
		entry := r.Resources[resIdx]
		if entry == rbacv1.ResourceAll {
			fix = "replace \"*\" in " + path + " with the resources needed, excluding " + strings.Join(resources, ", ")
		} else {
			fix = "remove " + strconv.Quote(entry) + " from " + rp + ".resources, or drop " + quoteList(verbs) + " from " + rp + ".verbs"
			if ctx.labels == nil {
				patch = removeOp("/"+ctx.prefix+"/"+strconv.Itoa(idx)+"/resources/"+strconv.Itoa(resIdx), entry)
			}
		}
	}
	if fix == "" {
		fix = c.rule.Remediation
	}
	return roleFinding{rule: c.rule, sev: sev, msg: msg, path: path, fix: fix, short: short, patch: patch}, true
}

// wildcardChecks reports verbs "*" on sensitive resources and resources "*".
func wildcardChecks(out []roleFinding, r *rbacv1.PolicyRule, rp string, ctx evalCtx) []roleFinding {
	named := len(r.ResourceNames) > 0
	if vi := indexOf(r.Verbs, rbacv1.VerbAll); vi >= 0 {
		var hit []string
		for _, p := range sensitive {
			if p.cluster && !ctx.cluster {
				continue
			}
			if groupMatches(r.APIGroups, p.group) && resourceMatches(r.Resources, p.resource, "") {
				hit = append(hit, p.String())
			}
		}
		if len(hit) > 0 {
			sev := critical
			msg := rp + " grants every verb (including escalate, bind and impersonate) on " + strings.Join(hit, ", ") + " " + ctx.where()
			if named {
				sev = lower(sev)
				msg += "; limited to the objects named " + quoteList(r.ResourceNames)
			}
			p := rp + ".verbs[" + strconv.Itoa(vi) + "]"
			out = append(out, roleFinding{rule: &ruleWildcardVerb, sev: sev, msg: msg, path: p,
				fix: "replace \"*\" in " + p + " with the verbs needed (for example \"get\", \"list\", \"watch\")", short: "every verb on " + strings.Join(hit, ", ")})
		}
	}
	if ri := indexOf(r.Resources, rbacv1.ResourceAll); ri >= 0 {
		var verbs []string
		for _, v := range wildcardResourceVerbs {
			if verbMatches(r.Verbs, v) {
				verbs = append(verbs, v)
			}
		}
		if len(verbs) > 0 && len(r.APIGroups) > 0 {
			sev := high
			if ctx.cluster {
				sev = critical
			}
			// Without the core group (or "*") no Secret, pod or service
			// account is reached: one level lower.
			if !has(r.APIGroups, core) && !has(r.APIGroups, rbacv1.APIGroupAll) {
				sev = lower(sev)
			}
			groups := quoteList(r.APIGroups)
			msg := rp + " grants " + strings.Join(verbs, ", ") + " on every resource and subresource of the API groups " + groups + " " + ctx.where()
			if named {
				sev = lower(sev)
				msg += "; limited to the objects named " + quoteList(r.ResourceNames)
			}
			p := rp + ".resources[" + strconv.Itoa(ri) + "]"
			out = append(out, roleFinding{rule: &ruleWildcardResource, sev: sev, msg: msg, path: p,
				fix: "replace \"*\" in " + p + " with the resources needed", short: strings.Join(verbs, ", ") + " on every resource of " + groups})
		}
	}
	return out
}

func nonResourceCheck(r *rbacv1.PolicyRule, rp string) (roleFinding, bool) {
	for i, u := range r.NonResourceURLs {
		if !strings.HasSuffix(u, "*") || len(r.Verbs) == 0 {
			continue
		}
		p := rp + ".nonResourceURLs[" + strconv.Itoa(i) + "]"
		what := "every non-resource path"
		if u != "*" {
			what = "every non-resource path starting with " + strconv.Quote(u[:len(u)-1])
		}
		return roleFinding{rule: &ruleNonResourceWildcard, sev: low, msg: fmt.Sprintf("%s grants %s on %s", rp, strings.Join(r.Verbs, ", "), what), path: p,
			fix: "replace " + strconv.Quote(u) + " in " + p + " with the exact paths needed", short: strings.Join(r.Verbs, ", ") + " on " + u}, true
	}
	return roleFinding{}, false
}

// firstGrant returns the index of the first policy rule granting verb on
// group/resource[/sub], or -1.
func firstGrant(rules []rbacv1.PolicyRule, verb, group, resource, sub string) int {
	for i := range rules {
		if grants(&rules[i], verb, group, resource, sub) != accessNone {
			return i
		}
	}
	return -1
}

// roleLevelChecks are the combinations spread over several policy rules.
func roleLevelChecks(out []roleFinding, rules []rbacv1.PolicyRule, ctx evalCtx) []roleFinding {
	rp := ctx.rp
	// get + update/patch on role bindings.
	for _, res := range []string{"rolebindings", "clusterrolebindings"} {
		if res == "clusterrolebindings" && !ctx.cluster {
			continue
		}
		g := firstGrant(rules, "get", rbacGroup, res, "")
		if g < 0 {
			continue
		}
		w, verb := firstGrant(rules, "patch", rbacGroup, res, ""), "patch"
		if w < 0 {
			w, verb = firstGrant(rules, "update", rbacGroup, res, ""), "update"
		}
		if w < 0 {
			continue
		}
		msg := fmt.Sprintf("%s grants get and %s grants %s on %s %s: it can add subjects to existing bindings", rp(g), rp(w), verb, res, ctx.where())
		out = append(out, roleFinding{rule: &ruleRoleBindingPatch, sev: low, msg: msg, path: rp(w) + ".verbs",
			fix: "remove \"update\" and \"patch\" from " + rp(w) + ".verbs", short: "get, " + verb + " on " + res})
	}
	// CSR approval needs update on the approval subresource and approve
	// on the signer.
	if ctx.cluster {
		a := firstGrant(rules, "update", certsGroup, "certificatesigningrequests", "approval")
		if a < 0 {
			a = firstGrant(rules, "patch", certsGroup, "certificatesigningrequests", "approval")
		}
		s := firstGrant(rules, "approve", certsGroup, "signers", "")
		if a >= 0 && s < 0 {
			// Half of the permission: the CertificateApproval admission
			// plugin also requires approve on the signer, which another
			// role may grant the same subject.
			msg := fmt.Sprintf("%s grants update on certificatesigningrequests/approval %s; without approve on signers (which another role may grant) approvals are refused by the CertificateApproval admission plugin", rp(a), ctx.where())
			out = append(out, roleFinding{rule: &ruleApproveCSR, sev: medium, msg: msg, path: rp(a) + ".resources",
				fix: "remove certificatesigningrequests/approval from " + rp(a) + ".resources", short: "update certificatesigningrequests/approval (no signer)"})
		}
		if a >= 0 && s >= 0 {
			msg := fmt.Sprintf("%s grants update on certificatesigningrequests/approval and %s grants approve on signers %s", rp(a), rp(s), ctx.where())
			if n := rules[s].ResourceNames; len(n) > 0 {
				msg += " (signers " + quoteList(n) + ")"
			}
			if c := firstGrant(rules, "create", certsGroup, "certificatesigningrequests", ""); c >= 0 {
				msg += fmt.Sprintf(", and %s grants create on certificatesigningrequests", rp(c))
			}
			msg += ": it can approve certificates, including its own client certificate for any user or group"
			out = append(out, roleFinding{rule: &ruleApproveCSR, sev: critical, msg: msg, path: rp(a) + ".resources",
				fix: "remove certificatesigningrequests/approval from " + rp(a) + ".resources and approve from " + rp(s) + ".verbs", short: "approve certificate signing requests"})
		}
	}
	return out
}

// powerfulName returns the first name that makes a name restriction on
// bind, escalate or impersonate moot: the built-in roles that grant
// Secrets and exec, and the group that bypasses RBAC.
func powerfulName(names []string) string {
	for _, n := range names {
		switch n {
		case "cluster-admin", "admin", "edit", "system:masters":
			return n
		}
	}
	return ""
}
