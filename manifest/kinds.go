package manifest

import (
	"strings"

	"github.com/kubeharden/kubeharden/internal/decode"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// object is what the extraction layer hands to the checks: the pod spec of
// any workload kind (with its field path), plus the kind-specific parts
// some rules read. Issue-3 rules (PSS, RBAC, Services, ...) add fields here
// and entries to kindTable.
type object struct {
	kind string
	meta *metav1.ObjectMeta
	// pod is set for every kind with a pod template.
	pod *podView
	// claims are a StatefulSet's volumeClaimTemplates (path
	// "spec.volumeClaimTemplates").
	claims   []corev1.PersistentVolumeClaim
	hasClaim bool
	// subjects and roleRef are a binding's (DashboardAdminBinding; the
	// RBAC rules are manifest/rbac's).
	subjects []rbacv1.Subject
	roleRef  rbacv1.RoleRef
	// check runs the rules of kinds without a pod template.
	check func(*scanner)
	// clusterScoped objects are named without a namespace.
	clusterScoped bool
}

// podView is a pod spec located in its object.
type podView struct {
	spec *corev1.PodSpec
	// meta is the pod template's metadata (the object's own for a Pod):
	// legacy seccomp/AppArmor annotations are read from it.
	meta *metav1.ObjectMeta
	// path is the field path of the pod spec ("spec.template.spec").
	path string
}

// extractor decodes a document into its typed object and locates the parts
// the checks read. problems are strict-decoding problems to report.
type extractor func(d *decode.Document) (*object, []decode.FieldProblem, error)

// kindTable dispatches on kind. It is never mutated.
var kindTable = map[string]extractor{
	"Pod": typed(func(o *corev1.Pod) *object {
		return &object{meta: &o.ObjectMeta, pod: &podView{spec: &o.Spec, meta: &o.ObjectMeta, path: "spec"}}
	}),
	"Deployment": typed(func(o *appsv1.Deployment) *object {
		return &object{meta: &o.ObjectMeta, pod: template(&o.Spec.Template, "spec.template")}
	}),
	"StatefulSet": typed(func(o *appsv1.StatefulSet) *object {
		return &object{meta: &o.ObjectMeta, pod: template(&o.Spec.Template, "spec.template"),
			claims: o.Spec.VolumeClaimTemplates, hasClaim: true}
	}),
	"DaemonSet": typed(func(o *appsv1.DaemonSet) *object {
		return &object{meta: &o.ObjectMeta, pod: template(&o.Spec.Template, "spec.template")}
	}),
	"ReplicaSet": typed(func(o *appsv1.ReplicaSet) *object {
		return &object{meta: &o.ObjectMeta, pod: template(&o.Spec.Template, "spec.template")}
	}),
	"Job": typed(func(o *batchv1.Job) *object {
		return &object{meta: &o.ObjectMeta, pod: template(&o.Spec.Template, "spec.template")}
	}),
	"CronJob": typed(func(o *batchv1.CronJob) *object {
		return &object{meta: &o.ObjectMeta, pod: template(&o.Spec.JobTemplate.Spec.Template, "spec.jobTemplate.spec.template")}
	}),
	"ReplicationController": typed(func(o *corev1.ReplicationController) *object {
		if o.Spec.Template == nil {
			o.Spec.Template = &corev1.PodTemplateSpec{}
		}
		return &object{meta: &o.ObjectMeta, pod: template(o.Spec.Template, "spec.template")}
	}),
	"PodTemplate": typed(func(o *corev1.PodTemplate) *object {
		return &object{meta: &o.ObjectMeta, pod: template(&o.Template, "template")}
	}),
	// Custom resources whose spec.template is a pod template.
	"Rollout":          customTemplate("argoproj.io/"),
	"DeploymentConfig": customTemplate("apps.openshift.io/"),
}

func template(t *corev1.PodTemplateSpec, path string) *podView {
	return &podView{spec: &t.Spec, meta: &t.ObjectMeta, path: path + ".spec"}
}

// typed builds an extractor that decodes into T with API-server semantics.
func typed[T any](locate func(*T) *object) extractor {
	return func(d *decode.Document) (*object, []decode.FieldProblem, error) {
		var v T
		problems, err := d.Into(&v)
		if err != nil {
			return nil, nil, err
		}
		return locate(&v), problems, nil
	}
}

// customTemplate handles a custom resource of the given API group prefix
// whose spec.template is a pod template. Only the template is decoded
// strictly: fields elsewhere belong to the CRD's schema, which we do not
// know, so problems outside spec.template are dropped.
func customTemplate(groupPrefix string) extractor {
	return func(d *decode.Document) (*object, []decode.FieldProblem, error) {
		if !strings.HasPrefix(d.Meta.APIVersion, groupPrefix) {
			return nil, nil, nil
		}
		var v struct {
			metav1.TypeMeta   `json:",inline"`
			metav1.ObjectMeta `json:"metadata,omitempty"`
			Spec              struct {
				Template corev1.PodTemplateSpec `json:"template"`
			} `json:"spec"`
		}
		problems, err := d.Into(&v)
		if err != nil {
			return nil, nil, err
		}
		kept := problems[:0]
		for _, p := range problems {
			if strings.HasPrefix(p.Path, "spec.template.") || p.Kind == decode.DuplicateKey {
				kept = append(kept, p)
			}
		}
		return &object{meta: &v.ObjectMeta, pod: template(&v.Spec.Template, "spec.template")}, kept, nil
	}
}

// podSpecPath is the pod spec's field path for a kind, as kubesec reads it.
func podSpecPath(kind string) string {
	switch kind {
	case "Pod":
		return "spec"
	case "CronJob":
		return "spec.jobTemplate.spec.template.spec"
	case "PodTemplate":
		return "template.spec"
	}
	return "spec.template.spec"
}

// Kinds lists the kinds the default mode analyses (Role, ClusterRole,
// RoleBinding and ClusterRoleBinding of rbac.authorization.k8s.io through
// package manifest/rbac; custom resources:
// argoproj.io Rollout, apps.openshift.io DeploymentConfig and
// security.istio.io PeerAuthentication; Ingress only as
// networking.k8s.io/v1 and RuntimeClass only as node.k8s.io/v1).
func Kinds() []string {
	return []string{"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob",
		"ReplicationController", "PodTemplate", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "Rollout", "DeploymentConfig",
		"ServiceAccount", "Secret", "Service", "Ingress", "RuntimeClass", "PeerAuthentication"}
}
