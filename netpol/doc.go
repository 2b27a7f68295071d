// Package netpol analyzes Kubernetes NetworkPolicies (networking.k8s.io/v1)
// statically: it builds a model of a cluster from manifests, answers
// reachability queries with explanations, reports isolation, computes a
// connectivity matrix and lints the policies. No cluster is needed.
//
// # Model
//
// Load (or LoadWith) reads YAML/JSON streams through kubeharden's decoder
// and keeps Namespaces (every namespace gets the immutable
// kubernetes.io/metadata.name label, and namespaces that pods or policies
// refer to are synthesized), Pods, one representative pod per workload pod
// template (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
// ReplicationController, PodTemplate), Services and NetworkPolicies. Each
// policy is kept as written (Policy.Raw, for lint) and after the API
// server's defaulting (Policy.Defaulted): policyTypes becomes [Ingress] plus
// Egress when egress rules exist, and port protocols become TCP, as do
// container-port protocols. Policies the API server would reject (invalid
// CIDRs or selectors, a peer with both ipBlock and selectors, an empty peer,
// excepts outside the cidr, a bad endPort) are returned as positioned input
// errors wrapping ErrInvalidPolicy and take no part in evaluation.
//
// # Semantics
//
// Model.Allowed and Eval decide whether a source may open a connection to
// a destination on a port and protocol: the source's egress and the
// destination's ingress must both allow it. A pod is isolated in a
// direction when a policy of its namespace selects it with that type; an
// isolated direction allows only what some rule of some selecting policy
// admits (policies are a union; there are no deny rules). Within a rule,
// ports and peers must both match; an absent or empty from/to admits every
// peer including external IPs, and absent ports admit every port and
// protocol. A peer's podSelector and namespaceSelector are ANDed, peers are
// ORed; a podSelector alone means the policy's namespace and
// namespaceSelector: {} means every namespace (but no external IP). Named
// ports resolve on the destination pod by name and protocol, endPort is
// inclusive, SCTP is a protocol like the others, and NotIn/DoesNotExist
// match pods lacking the key. The Verdict names the policies that select
// each side and the rule, peer and port entry that admitted the connection,
// or says that nothing admits it.
//
// Two points the API leaves open are explicit Options: whether ipBlocks
// match pod IPs (by default they do, as in kube-network-policies and
// cyclonus; IPBlockIgnoresPodIPs gives netpol-analyzer's reading) and how
// hostNetwork pods behave (by default as node traffic: policies selecting
// them have no effect and selectors never match them; HostNetworkAsPod
// treats them like other pods). A pod talking to itself is always allowed.
//
// The semantics are checked against the 4,998-row three-engine table of
// the shared corpus, the netpol-analyzer goldens, and a randomized
// differential test against sigs.k8s.io/kube-network-policies.
//
// # Matrix, isolation and lint
//
// Matrix computes the connections between every pair of pods and the
// external ranges chosen in MatrixOptions. It groups pods into equivalence
// classes by what policies can observe (namespace, the label keys selectors
// read, the named ports rules use, hostNetwork, the ipBlocks containing the
// pod's IPs), so a 2,000-pod cluster under 500 policies takes a fraction of
// a second. The result renders as text, JSON, CSV, Markdown and Graphviz
// DOT. Model.Isolation reports per pod whether it is isolated in each
// direction and by which policies, and per namespace whether a
// default-deny policy exists. Lint returns kubeharden reports with findings
// of the rules listed by Rules.
package netpol
