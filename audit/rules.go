package audit

import (
	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
)

const (
	refCIS321 = "CIS 3.2.1"
	refCIS322 = "CIS 3.2.2"
	helpURL   = "https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/"
)

func rule(name, title, desc string, kind kubeharden.RuleKind, sev kubeharden.Severity, points int, remediation string, refs ...string) kubeharden.Rule {
	return kubeharden.Rule{ID: "audit/" + name, Title: title, Description: desc, Kind: kind, Severity: sev,
		Points: points, Refs: refs, Remediation: remediation, HelpURL: helpURL}
}

const (
	check = kubeharden.KindCheck
	risk  = kubeharden.KindRisk
	info  = kubeharden.SeverityInfo
	low   = kubeharden.SeverityLow
	med   = kubeharden.SeverityMedium
	high  = kubeharden.SeverityHigh
	crit  = kubeharden.SeverityCritical
)

// Validation rules: the API server refuses to start with a policy that
// fails any of them.
var (
	ruleAPIVersion = rule("APIVersion", "Policy is not audit.k8s.io/v1",
		"The API server accepts only apiVersion audit.k8s.io/v1 and kind Policy; v1alpha1 and v1beta1 policies make it fail to start.",
		check, crit, 0, "set apiVersion: audit.k8s.io/v1 and kind: Policy")
	ruleNoRules = rule("NoRules", "Policy has no rules",
		"The API server rejects a policy with zero rules (\"loaded illegal policy with 0 rules\").",
		check, crit, 0, "add rules, ending with a catch-all such as `- level: Metadata`", refCIS321)
	ruleInvalidLevel = rule("InvalidLevel", "Rule level missing or unknown",
		"Every rule needs a level of None, Metadata, Request or RequestResponse; the API server rejects anything else.",
		check, crit, 0, "set level to None, Metadata, Request or RequestResponse")
	ruleInvalidStage = rule("InvalidStage", "Unknown stage in omitStages",
		"omitStages entries must be RequestReceived, ResponseStarted, ResponseComplete or Panic; the API server rejects anything else (a misspelt stage keeps the policy from loading).",
		check, crit, 0, "spell the stage as RequestReceived, ResponseStarted, ResponseComplete or Panic")
	ruleInvalidURL = rule("InvalidNonResourceURL", "Malformed nonResourceURLs entry",
		"A nonResourceURLs entry must be \"*\" or start with '/', and '*' may only be its last character; the API server rejects anything else.",
		check, crit, 0, "write paths such as /healthz or /api* (the '*' only at the end)")
	ruleMixed = rule("MixedResourceAndURL", "Rule mixes resources and nonResourceURLs",
		"A rule cannot apply to both regular resources (resources, namespaces) and non-resource URLs; the API server rejects it.",
		check, crit, 0, "split the rule into a resource rule and a nonResourceURLs rule")
	ruleInvalidGroup = rule("InvalidGroup", "Invalid API group",
		"A resources group must be \"\" (core), \"*\" or a lower-case DNS subdomain, written without a version: `apps`, not `apps/v1`. The API server rejects anything else.",
		check, crit, 0, "write the group without its version (apps, rbac.authorization.k8s.io, \"\" for core)")
	ruleNamesNoResources = rule("ResourceNamesWithoutResources", "resourceNames without resources",
		"Using resourceNames requires at least one resource in the same entry; the API server rejects it.",
		check, crit, 0, "list the resources the names belong to")
)

// Lint rules.
var (
	ruleLiteralWildcard = rule("LiteralWildcard", "'*' where no wildcard exists",
		"In users, userGroups, verbs and namespaces, \"*\" is not a wildcard: it only matches a value that is literally \"*\", so the rule matches (almost) nothing.",
		check, med, 0, "remove the field to match everything, or list the values")
	ruleUnknownVerb = rule("UnknownVerb", "Verb the API server never produces",
		"Audit rules see the request verb: get, list, watch, create, update, patch, delete, deletecollection for resources, and lower-case HTTP methods (get, post, put, ...) for non-resource URLs. RBAC-only verbs (use, bind, escalate, impersonate) and typos never match.",
		check, low, 0, "fix the verb's spelling or remove it")
	ruleUnreachable = rule("UnreachableRule", "Rule can never match",
		"The rule matches no real request on its own, whatever comes before it (for example every verb is unknown, or every resource sits in a group where it does not exist).",
		check, med, 0, "fix the rule's constraints or delete it")
	ruleShadowed = rule("ShadowedRule", "Rule is shadowed by earlier rules",
		"Every request this rule could match is already matched by an earlier rule (first match wins), so it never applies. A shadowed None rule means noise is logged; a shadowed detailed rule means less is logged than intended.",
		check, med, 0, "move the rule before the rules that shadow it, or delete it")
	ruleMissingCatchAll = rule("MissingCatchAll", "No catch-all rule",
		"Requests that match no rule are not audited at all (level None): without a final unconditional rule, exec, RBAC changes, secret access and failed authentication can go unlogged.",
		risk, high, -10, "end the policy with `- level: Metadata`", refCIS322)
	ruleMisplacedCatchAll = rule("MisplacedCatchAll", "Catch-all rule is not last",
		"An unconditional rule matches every request, so every rule after it is dead.",
		check, high, 0, "move the unconditional rule to the end of the policy", refCIS322)
	ruleCatchAllNone = rule("CatchAllNone", "Catch-all level is None",
		"The final unconditional rule drops every request no earlier rule matched; the catch-all should be at least Metadata.",
		risk, high, -5, "set the catch-all level to Metadata", refCIS322)
	ruleSensitive = rule("SensitiveDataLogged", "Sensitive resources logged above Metadata",
		"Secrets, ConfigMaps, TokenReviews, ServiceAccount tokens (and OpenShift OAuth tokens) must be audited at Metadata at most: Request writes secret data and tokens from request bodies into the log, RequestResponse also from responses. Checked by evaluating the policy, so `*` resources and group \"*\" rules count.",
		risk, high, -10, "add a Metadata rule for secrets, configmaps, serviceaccounts/token and authentication.k8s.io tokenreviews before any Request or RequestResponse rule", refCIS322)
	ruleSecretsNotLogged = rule("SecretAccessNotLogged", "Secret access not audited",
		"Reading or changing Secrets must be audited at Metadata: CIS 3.2.2 and detections such as Falco's \"K8s Secret Get\" rely on it.",
		risk, high, -5, "add a Metadata rule for secrets before any None rule that matches them", refCIS322)
	ruleExecNotLogged = rule("ExecNotLogged", "exec, attach, port-forward or proxy not audited",
		"pods/exec, pods/attach, pods/portforward, pods/proxy, services/proxy, nodes/proxy and pods/ephemeralcontainers are how people get into workloads; they must be audited at Metadata at least (the exec command is in the URI, recorded at Metadata).",
		risk, high, -5, "make sure the subresources reach a rule at Metadata or above (list them explicitly or as */exec, pods/*)", refCIS322)
	ruleChangesBelowRequest = rule("ChangesBelowRequest", "Security-relevant changes logged without bodies",
		"Changes to Pods and Deployments, RBAC, admission webhooks, CRDs, CSR approvals, namespaces and service accounts should be audited at Request or above, so the log shows what was changed; Falco's k8saudit rules need the requestObject.",
		check, low, 0, "log these changes at Request (add a Request rule for the groups or resources)", refCIS322)
	ruleChangesNotLogged = rule("ChangesNotLogged", "Security-relevant changes not audited",
		"Changes to Pods and Deployments, RBAC, admission webhooks, CRDs, CSR approvals, namespaces or service accounts reach a None rule, so nobody can tell who changed them.",
		risk, high, -5, "audit these changes at Request (Metadata at least)", refCIS322)
	ruleFailedAuthNotLogged = rule("FailedAuthNotLogged", "Failed authentication not audited",
		"Requests that fail authentication are audited with no user; they only match rules without users or userGroups (a rule on system:unauthenticated does not catch them). They must reach a rule at Metadata or above.",
		risk, med, -3, "add an unconditional Metadata rule at the end", refCIS322)
	ruleAnonymousNotLogged = rule("AnonymousNotLogged", "Anonymous requests not audited",
		"Requests by system:anonymous must be audited at Metadata at least.",
		risk, med, -3, "make sure anonymous requests reach a Metadata rule (a catch-all does it)", refCIS322)
	ruleBroadNone = rule("BroadNoneRule", "Broad None rule is a blind spot",
		"A None rule keyed only on a broad group (system:authenticated, system:serviceaccounts), on a whole namespace, or on every subresource of pods (pods/*, which also covers pods themselves) hides security-relevant activity.",
		check, med, 0, "narrow the None rule with verbs and resources (for example get/list/watch of endpoints)", refCIS322)
	ruleRequestReceived = rule("RequestReceivedNotOmitted", "RequestReceived stage not omitted",
		"Without omitStages: [RequestReceived] every request is logged twice (at RequestReceived and ResponseComplete), roughly doubling the volume with no added information.",
		check, low, 0, "add `omitStages: [RequestReceived]` at the policy level")
	ruleResponseComplete = rule("ResponseCompleteOmitted", "ResponseComplete stage omitted",
		"ResponseComplete carries the response status and, at RequestResponse, the body; omitting it loses most events, and Falco sees nothing.",
		check, high, 0, "remove ResponseComplete from omitStages")
	ruleResponseStarted = rule("ResponseStartedOmitted", "ResponseStarted stage omitted",
		"ResponseStarted is the only event of long-running requests (watch, exec, attach, port-forward) until they end; Falco's exec detection uses it.",
		check, med, 0, "remove ResponseStarted from omitStages")
	rulePanic = rule("PanicOmitted", "Panic stage omitted",
		"Panic events record requests that crashed a handler; dropping them hides failures and possible attacks.",
		check, med, 0, "remove Panic from omitStages")
	ruleRRCatchAll = rule("RequestResponseCatchAll", "RequestResponse for everything",
		"A RequestResponse catch-all logs every response body, including tokens and secret data, at very high volume.",
		check, med, 0, "use Metadata for the catch-all and RequestResponse only for selected writes")
	ruleRROnReads = rule("RequestResponseOnReads", "RequestResponse on get, list or watch",
		"Read responses can be very large (whole lists); GKE's policy deliberately logs reads at Request.",
		check, low, 0, "log get, list and watch at Request or Metadata")
	ruleHealthNotDropped = rule("HealthNotDropped", "Health and metrics endpoints are logged",
		"/healthz, /livez, /readyz and /metrics are polled constantly; logging them is noise. The docs, GKE and OpenShift policies drop them.",
		check, info, 0, "add `- level: None` with nonResourceURLs [/healthz*, /livez*, /readyz*, /metrics] early in the policy")
	ruleEventsNotDropped = rule("EventsNotDropped", "Events are logged",
		"Event objects are high-volume and low-value in the audit log; the docs, GKE and OpenShift policies drop them.",
		check, info, 0, "add `- level: None` for resources events (core group and events.k8s.io) early in the policy")
	ruleOmitManagedFields = rule("OmitManagedFields", "Managed fields logged with bodies",
		"Request and RequestResponse bodies include metadata.managedFields, which is bulky and rarely useful; omitManagedFields: true drops it.",
		check, info, 0, "set `omitManagedFields: true` at the policy level")
	ruleWrongGroup = rule("WrongGroup", "Resource listed under the wrong API group",
		"A built-in resource listed under a group it does not belong to never matches (group is compared exactly): `deployments` under \"\" does not cover apps/deployments.",
		check, high, 0, "move the resource to its group (deployments → apps, roles → rbac.authorization.k8s.io, ...)")
	ruleUnknownResource = rule("UnknownResource", "Resource that does not exist in its group",
		"The resource is not served by the group it is listed under (checked for the core, apps, batch and RBAC groups, whose resources are fixed): usually a typo or a singular (`secret` for `secrets`), so the rule silently misses the resource it was written for.",
		check, med, 0, "use the plural resource name as served by the API (kubectl api-resources)")
	ruleSubresources = rule("SubresourceNotCovered", "Parent resource listed without its subresources",
		"Listing `pods` does not cover pods/exec, pods/log or other subresources: they must be listed explicitly or through pods/* or */exec. Here a subresource gets a lower level than the parent rule suggests.",
		check, low, 0, "list the subresources you mean (pods/exec, pods/attach, ...) or use pods/*")
	ruleNamesCollection = rule("ResourceNamesWithCollectionVerbs", "resourceNames with list, watch or create",
		"Collection requests (list, watch, deletecollection, create without a name) have no object name, so a rule restricted by resourceNames never matches them.",
		check, low, 0, "drop list, watch, create and deletecollection from a rule with resourceNames, or drop resourceNames")
	ruleCIS322 = rule("CIS322", "Audit policy covers key security concerns",
		"CIS 3.2.2 (manual): the policy should log access to Secrets (at Metadata only, as ConfigMaps and TokenReviews), Pod and Deployment changes, and pods/exec, pods/portforward, pods/proxy and services/proxy, with Metadata as the minimum for most requests. Evaluated on the coverage table.",
		check, med, 0, "see the coverage table (kubeharden audit coverage POLICY) and the individual findings", refCIS322)
)

func validationRules() []kubeharden.Rule {
	return []kubeharden.Rule{ruleAPIVersion, ruleNoRules, ruleInvalidLevel, ruleInvalidStage, ruleInvalidURL,
		ruleMixed, ruleInvalidGroup, ruleNamesNoResources}
}

func lintRules() []kubeharden.Rule {
	return []kubeharden.Rule{ruleLiteralWildcard, ruleUnknownVerb, ruleUnreachable, ruleShadowed, ruleMissingCatchAll,
		ruleMisplacedCatchAll, ruleCatchAllNone, ruleSensitive, ruleSecretsNotLogged, ruleExecNotLogged,
		ruleChangesBelowRequest, ruleChangesNotLogged, ruleFailedAuthNotLogged, ruleAnonymousNotLogged, ruleBroadNone,
		ruleRequestReceived, ruleResponseComplete, ruleResponseStarted, rulePanic, ruleRRCatchAll, ruleRROnReads,
		ruleHealthNotDropped, ruleEventsNotDropped, ruleOmitManagedFields, ruleWrongGroup, ruleUnknownResource, ruleSubresources,
		ruleNamesCollection, ruleCIS322}
}

// Rules returns the package's full rule catalogue: decoding problems,
// validation (what the API server rejects) and lint.
func Rules() []kubeharden.Rule {
	out := decode.ProblemRules("audit")
	out = append(out, validationRules()...)
	return append(out, lintRules()...)
}
