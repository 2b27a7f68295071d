package apiserver

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"time"

	"github.com/kubeharden/kubeharden/internal/decode"
)

// AuthenticationConfiguration is apiserver.config.k8s.io
// AuthenticationConfiguration (v1, v1beta1, v1alpha1), reduced to what the
// CIS checks need: the anonymous block. JWT authenticators are kept raw.
type AuthenticationConfiguration struct {
	APIVersion string            `json:"apiVersion,omitempty"`
	Kind       string            `json:"kind,omitempty"`
	JWT        []json.RawMessage `json:"jwt,omitempty"`
	Anonymous  *AnonymousAuth    `json:"anonymous,omitempty"`
}

// AnonymousAuth is the anonymous block. With conditions, anonymous requests
// are allowed only for the listed paths.
type AnonymousAuth struct {
	Enabled    bool                 `json:"enabled"`
	Conditions []AnonymousCondition `json:"conditions,omitempty"`
}

// AnonymousCondition names one path anonymous requests may reach.
type AnonymousCondition struct {
	Path string `json:"path"`
}

// AuthorizationConfiguration is apiserver.config.k8s.io
// AuthorizationConfiguration: an ordered chain of authorizers.
type AuthorizationConfiguration struct {
	APIVersion  string            `json:"apiVersion,omitempty"`
	Kind        string            `json:"kind,omitempty"`
	Authorizers []AuthorizerEntry `json:"authorizers"`
}

// AuthorizerEntry is one authorizer of the chain.
type AuthorizerEntry struct {
	Type    string             `json:"type"`
	Name    string             `json:"name"`
	Webhook *WebhookAuthorizer `json:"webhook,omitempty"`
}

// WebhookAuthorizer holds the webhook settings the checks look at; the
// rest is kept for strict decoding.
type WebhookAuthorizer struct {
	AuthorizedTTL                            string           `json:"authorizedTTL,omitempty"`
	UnauthorizedTTL                          string           `json:"unauthorizedTTL,omitempty"`
	CacheAuthorizedRequests                  *bool            `json:"cacheAuthorizedRequests,omitempty"`
	CacheUnauthorizedRequests                *bool            `json:"cacheUnauthorizedRequests,omitempty"`
	Timeout                                  string           `json:"timeout,omitempty"`
	SubjectAccessReviewVersion               string           `json:"subjectAccessReviewVersion,omitempty"`
	MatchConditionSubjectAccessReviewVersion string           `json:"matchConditionSubjectAccessReviewVersion,omitempty"`
	FailurePolicy                            string           `json:"failurePolicy,omitempty"`
	ConnectionInfo                           ConnectionInfo   `json:"connectionInfo"`
	MatchConditions                          []MatchCondition `json:"matchConditions,omitempty"`
}

// ConnectionInfo says how the API server reaches an authorization webhook.
type ConnectionInfo struct {
	Type           string  `json:"type"`
	KubeConfigFile *string `json:"kubeConfigFile,omitempty"`
}

// MatchCondition is a CEL expression selecting requests for the webhook
// (compiled by the server; not compiled here).
type MatchCondition struct {
	Expression string `json:"expression"`
}

func isStructuredConfig(m decode.Meta, kind string) bool {
	if m.Kind != kind {
		return false
	}
	switch m.APIVersion {
	case "apiserver.config.k8s.io/v1", "apiserver.config.k8s.io/v1beta1", "apiserver.config.k8s.io/v1alpha1":
		return true
	}
	return false
}

// ParseAuthenticationConfiguration decodes an AuthenticationConfiguration.
func ParseAuthenticationConfiguration(source string, data []byte) (*AuthenticationConfiguration, *decode.Document, []decode.FieldProblem, error) {
	d, err := singleDoc(source, data)
	if err != nil {
		return nil, nil, nil, err
	}
	if !isStructuredConfig(d.Meta, "AuthenticationConfiguration") {
		return nil, d, nil, d.Error(fmt.Errorf("%w: want apiserver.config.k8s.io/v1 AuthenticationConfiguration, found %q %q", ErrWrongKind, d.Meta.APIVersion, d.Meta.Kind), "kind")
	}
	var c AuthenticationConfiguration
	problems, err := d.Into(&c)
	if err != nil {
		return nil, d, nil, err
	}
	return &c, d, problems, nil
}

// ParseAuthorizationConfiguration decodes an AuthorizationConfiguration.
func ParseAuthorizationConfiguration(source string, data []byte) (*AuthorizationConfiguration, *decode.Document, []decode.FieldProblem, error) {
	d, err := singleDoc(source, data)
	if err != nil {
		return nil, nil, nil, err
	}
	if !isStructuredConfig(d.Meta, "AuthorizationConfiguration") {
		return nil, d, nil, d.Error(fmt.Errorf("%w: want apiserver.config.k8s.io/v1 AuthorizationConfiguration, found %q %q", ErrWrongKind, d.Meta.APIVersion, d.Meta.Kind), "kind")
	}
	var c AuthorizationConfiguration
	problems, err := d.Into(&c)
	if err != nil {
		return nil, d, nil, err
	}
	return &c, d, problems, nil
}

// Validate applies the server's checks of the anonymous block. JWT
// authenticators are not validated here (their CEL expressions need the
// server's compiler).
func (c *AuthenticationConfiguration) Validate() []ConfigProblem {
	if a := c.Anonymous; a != nil && !a.Enabled && len(a.Conditions) > 0 {
		return []ConfigProblem{{Path: "anonymous.conditions", Message: "enabled should be set to true when conditions are defined"}}
	}
	return nil
}

var dnsName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// Validate applies the server's structural validation of the chain.
func (c *AuthorizationConfiguration) Validate() []ConfigProblem {
	var ps []ConfigProblem
	if len(c.Authorizers) == 0 {
		ps = append(ps, ConfigProblem{Path: "authorizers", Message: "at least one authorizer is required"})
	}
	types, names := map[string]bool{}, map[string]bool{}
	for i, a := range c.Authorizers {
		p := fmt.Sprintf("authorizers[%d]", i)
		switch a.Type {
		case "Node", "RBAC", "ABAC", "AlwaysAllow", "AlwaysDeny":
			if types[a.Type] {
				ps = append(ps, ConfigProblem{p + ".type", fmt.Sprintf("authorizer type %q may appear only once", a.Type)})
				continue
			}
			if a.Webhook != nil {
				ps = append(ps, ConfigProblem{p + ".webhook", "webhook is allowed only for type Webhook"})
			}
		case "Webhook":
			if a.Webhook == nil {
				ps = append(ps, ConfigProblem{p + ".webhook", "webhook is required for type Webhook"})
			} else {
				ps = append(ps, a.Webhook.validate(p+".webhook")...)
			}
		case "":
			ps = append(ps, ConfigProblem{p + ".type", "type is required"})
			continue
		default:
			ps = append(ps, ConfigProblem{p + ".type", fmt.Sprintf("unknown authorizer type %q", a.Type)})
			continue
		}
		types[a.Type] = true
		switch {
		case a.Name == "":
			ps = append(ps, ConfigProblem{p + ".name", "name is required"})
		case len(a.Name) > 253 || !dnsName.MatchString(a.Name):
			ps = append(ps, ConfigProblem{p + ".name", fmt.Sprintf("name %q is not a DNS-1123 subdomain", a.Name)})
		case names[a.Name]:
			ps = append(ps, ConfigProblem{p + ".name", fmt.Sprintf("duplicate authorizer name %q", a.Name)})
		}
		names[a.Name] = true
	}
	return ps
}

// Types returns the authorizer types in chain order.
func (c *AuthorizationConfiguration) Types() []string {
	out := make([]string, len(c.Authorizers))
	for i, a := range c.Authorizers {
		out[i] = a.Type
	}
	return out
}

// validate applies the server's webhook checks (ValidateWebhookConfiguration)
// except compiling the CEL match conditions and statting kubeConfigFile,
// which need the server's environment.
func (w *WebhookAuthorizer) validate(p string) []ConfigProblem {
	var ps []ConfigProblem
	add := func(field, format string, args ...any) {
		ps = append(ps, ConfigProblem{Path: p + "." + field, Message: fmt.Sprintf(format, args...)})
	}
	if w.Timeout == "" {
		add("timeout", "timeout is required")
	} else if d, err := time.ParseDuration(w.Timeout); err != nil || d <= 0 || d > 30*time.Second {
		add("timeout", "timeout %q must be > 0s and <= 30s", w.Timeout)
	}
	for _, ttl := range [...]struct{ field, v string }{{"authorizedTTL", w.AuthorizedTTL}, {"unauthorizedTTL", w.UnauthorizedTTL}} {
		field, v := ttl.field, ttl.v
		if v == "" {
			continue // defaulted to 5m and 30s
		}
		if d, err := time.ParseDuration(v); err != nil || d < 0 {
			add(field, "%s %q must be > 0s", field, v)
		}
	}
	switch w.SubjectAccessReviewVersion {
	case "v1", "v1beta1":
	case "":
		add("subjectAccessReviewVersion", "subjectAccessReviewVersion is required")
	default:
		add("subjectAccessReviewVersion", "subjectAccessReviewVersion %q is not v1 or v1beta1", w.SubjectAccessReviewVersion)
	}
	switch w.MatchConditionSubjectAccessReviewVersion {
	case "v1":
	case "":
		if len(w.MatchConditions) > 0 {
			add("matchConditionSubjectAccessReviewVersion", "matchConditionSubjectAccessReviewVersion is required when matchConditions are set")
		}
	default:
		add("matchConditionSubjectAccessReviewVersion", "matchConditionSubjectAccessReviewVersion %q is not v1", w.MatchConditionSubjectAccessReviewVersion)
	}
	switch w.FailurePolicy {
	case "NoOpinion", "Deny":
	case "":
		add("failurePolicy", "failurePolicy is required")
	default:
		add("failurePolicy", "failurePolicy %q is not NoOpinion or Deny", w.FailurePolicy)
	}
	ci := w.ConnectionInfo
	switch ci.Type {
	case "InClusterConfig":
		if ci.KubeConfigFile != nil {
			add("connectionInfo.kubeConfigFile", "kubeConfigFile can only be set when type is KubeConfigFile")
		}
	case "KubeConfigFile":
		switch {
		case ci.KubeConfigFile == nil || *ci.KubeConfigFile == "":
			add("connectionInfo.kubeConfigFile", "kubeConfigFile is required")
		case !path.IsAbs(*ci.KubeConfigFile):
			add("connectionInfo.kubeConfigFile", "kubeConfigFile %q must be an absolute path", *ci.KubeConfigFile)
		}
	case "":
		add("connectionInfo.type", "connectionInfo.type is required")
	default:
		add("connectionInfo.type", "connectionInfo.type %q is not InClusterConfig or KubeConfigFile", ci.Type)
	}
	for i, mc := range w.MatchConditions {
		if mc.Expression == "" {
			add(fmt.Sprintf("matchConditions[%d].expression", i), "expression is required")
		}
	}
	return ps
}
