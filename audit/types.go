package audit

import (
	"encoding/json"
	"strings"

	"github.com/kubeharden/kubeharden/internal/decode"
)

// APIVersion is the only group/version the API server (v1.24 and later)
// accepts for an audit policy.
const APIVersion = "audit.k8s.io/v1"

// Level is an audit level: how much of a request is written to the log.
type Level string

// The four audit levels, least to most detailed.
const (
	LevelNone            Level = "None"
	LevelMetadata        Level = "Metadata"
	LevelRequest         Level = "Request"
	LevelRequestResponse Level = "RequestResponse"
)

// Levels lists the valid levels, least detailed first.
func Levels() []Level {
	return []Level{LevelNone, LevelMetadata, LevelRequest, LevelRequestResponse}
}

// Rank orders levels: None 0, Metadata 1, Request 2, RequestResponse 3. An
// unknown level ranks -1.
func (l Level) Rank() int {
	switch l {
	case LevelNone:
		return 0
	case LevelMetadata:
		return 1
	case LevelRequest:
		return 2
	case LevelRequestResponse:
		return 3
	}
	return -1
}

// Valid reports whether l is one of the four levels.
func (l Level) Valid() bool { return l.Rank() >= 0 }

// Stage is a stage of request handling at which an audit event is emitted.
type Stage string

// The four stages.
const (
	StageRequestReceived  Stage = "RequestReceived"
	StageResponseStarted  Stage = "ResponseStarted"
	StageResponseComplete Stage = "ResponseComplete"
	StagePanic            Stage = "Panic"
)

// Stages lists the valid stages in the order the API server documents them.
func Stages() []Stage {
	return []Stage{StageRequestReceived, StageResponseStarted, StageResponseComplete, StagePanic}
}

func (s Stage) bit() StageSet {
	switch s {
	case StageRequestReceived:
		return 1
	case StageResponseStarted:
		return 2
	case StageResponseComplete:
		return 4
	case StagePanic:
		return 8
	}
	return 0
}

// Valid reports whether s is one of the four stages.
func (s Stage) Valid() bool { return s.bit() != 0 }

// StageSet is a set of stages. The zero value is empty. Unknown stage names
// (which the API server rejects when loading) are not representable.
type StageSet uint8

// StageSetOf returns the set of the known stages in ss.
func StageSetOf(ss ...Stage) StageSet {
	var s StageSet
	for _, st := range ss {
		s |= st.bit()
	}
	return s
}

// Has reports whether st is in the set.
func (s StageSet) Has(st Stage) bool { b := st.bit(); return b != 0 && s&b == b }

// List returns the stages in the set in canonical order.
func (s StageSet) List() []Stage {
	var out []Stage
	for _, st := range Stages() {
		if s.Has(st) {
			out = append(out, st)
		}
	}
	return out
}

// String renders the stages comma-separated ("RequestReceived,Panic"), or
// "-" for the empty set.
func (s StageSet) String() string {
	if s == 0 {
		return "-"
	}
	l := s.List()
	parts := make([]string, len(l))
	for i, st := range l {
		parts[i] = string(st)
	}
	return strings.Join(parts, ",")
}

// MarshalJSON renders the set as a JSON array of stage names in canonical
// order.
func (s StageSet) MarshalJSON() ([]byte, error) {
	l := s.List()
	if l == nil {
		l = []Stage{}
	}
	return json.Marshal(l)
}

// Policy mirrors audit.k8s.io/v1 Policy. It is decoded with the API
// server's field names; only the fields the API server knows exist here.
type Policy struct {
	APIVersion string     `json:"apiVersion,omitempty"`
	Kind       string     `json:"kind,omitempty"`
	Metadata   ObjectMeta `json:"metadata,omitempty"`
	// Rules are tried in order; the first match decides.
	Rules []PolicyRule `json:"rules"`
	// OmitStages applies to every rule (it is unioned with the rule's own).
	OmitStages []Stage `json:"omitStages,omitempty"`
	// OmitManagedFields is the default for rules that do not set it.
	OmitManagedFields bool `json:"omitManagedFields,omitempty"`

	doc *decode.Document // set by Parse, for finding positions
}

// PolicyRule mirrors audit.k8s.io/v1 PolicyRule.
type PolicyRule struct {
	Level           Level            `json:"level"`
	Users           []string         `json:"users,omitempty"`
	UserGroups      []string         `json:"userGroups,omitempty"`
	Verbs           []string         `json:"verbs,omitempty"`
	Resources       []GroupResources `json:"resources,omitempty"`
	Namespaces      []string         `json:"namespaces,omitempty"`
	NonResourceURLs []string         `json:"nonResourceURLs,omitempty"`
	OmitStages      []Stage          `json:"omitStages,omitempty"`
	// OmitManagedFields overrides the policy-level value when set.
	OmitManagedFields *bool `json:"omitManagedFields,omitempty"`
}

// GroupResources mirrors audit.k8s.io/v1 GroupResources.
type GroupResources struct {
	// Group is the API group without a version; "" is the core group and
	// "*" every group.
	Group string `json:"group,omitempty"`
	// Resources: "pods", "pods/log", "*", "*/scale", "pods/*". Empty means
	// every resource of the group.
	Resources []string `json:"resources,omitempty"`
	// ResourceNames restricts the rule to objects with these names.
	ResourceNames []string `json:"resourceNames,omitempty"`
}

// ObjectMeta mirrors the fields of metav1.ObjectMeta, so that a policy
// carrying ordinary metadata yields no unknown-field findings. Values the
// analysis never reads are kept raw.
type ObjectMeta struct {
	Name                       string            `json:"name,omitempty"`
	GenerateName               string            `json:"generateName,omitempty"`
	Namespace                  string            `json:"namespace,omitempty"`
	SelfLink                   string            `json:"selfLink,omitempty"`
	UID                        string            `json:"uid,omitempty"`
	ResourceVersion            string            `json:"resourceVersion,omitempty"`
	Generation                 int64             `json:"generation,omitempty"`
	CreationTimestamp          json.RawMessage   `json:"creationTimestamp,omitempty"`
	DeletionTimestamp          json.RawMessage   `json:"deletionTimestamp,omitempty"`
	DeletionGracePeriodSeconds *int64            `json:"deletionGracePeriodSeconds,omitempty"`
	Labels                     map[string]string `json:"labels,omitempty"`
	Annotations                map[string]string `json:"annotations,omitempty"`
	OwnerReferences            json.RawMessage   `json:"ownerReferences,omitempty"`
	Finalizers                 []string          `json:"finalizers,omitempty"`
	ManagedFields              json.RawMessage   `json:"managedFields,omitempty"`
}

// User is an authenticated identity, as the authenticator produced it.
type User struct {
	Name   string
	Groups []string
}

// Request describes one API request by the attributes the audit policy
// matches on (a mirror of authorizer.AttributesRecord).
type Request struct {
	// User is nil for a request that failed authentication: the API server
	// audits it with no user, so it never matches rules with users or
	// userGroups.
	User *User
	// Verb is the Kubernetes verb for resource requests (get, list, watch,
	// create, update, patch, delete, deletecollection) or the lower-case
	// HTTP method for non-resource requests (get, post, put, ...).
	Verb string
	// ResourceRequest is true for requests to /api and /apis resources;
	// false for non-resource URLs such as /healthz.
	ResourceRequest bool
	APIGroup        string // "" is the core group
	APIVersion      string
	Resource        string
	Subresource     string
	Namespace       string // "" for cluster-scoped requests
	Name            string // "" for list, watch and create-without-name
	// Path is the request path of non-resource requests ("/healthz").
	Path string
}

// Decision is the audit configuration the API server applies to a request.
type Decision struct {
	Level Level
	// OmitStages is the union of the policy's and the matched rule's
	// omitStages (the policy's alone when no rule matched).
	OmitStages        StageSet
	OmitManagedFields bool
	// Rule is the index of the first matching rule in Policy.Rules, or -1
	// when no rule matched (the level is then None).
	Rule int
}
