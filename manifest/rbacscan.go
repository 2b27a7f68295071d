package manifest

import (
	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
	"github.com/kubeharden/kubeharden/manifest/rbac"
	rbacv1 "k8s.io/api/rbac/v1"
)

// rbacKinds are analysed by package manifest/rbac in the default mode.
var rbacKinds = map[string]bool{"Role": true, "ClusterRole": true, "RoleBinding": true, "ClusterRoleBinding": true}

// scanRBAC hands an RBAC object to manifest/rbac (which reports the
// manifest/RBAC..., manifest/Binding... and decoding rules, suppressions
// included) and adds this package's DashboardAdminBinding to bindings. It
// returns a nil report for objects that are not rbac.authorization.k8s.io.
func scanRBAC(d *decode.Document, opts Options) (*kubeharden.Report, *kubeharden.InputError) {
	r, err := rbac.ScanDocument(d)
	if err != nil || r == nil {
		return r, err
	}
	if d.Meta.Kind == "RoleBinding" || d.Meta.Kind == "ClusterRoleBinding" {
		var b struct {
			RoleRef  rbacv1.RoleRef   `json:"roleRef"`
			Subjects []rbacv1.Subject `json:"subjects,omitempty"`
		}
		// rbac decoded the same document without error; its problems
		// (unknown keys) are already reported.
		if _, err := d.Into(&b); err == nil {
			s := scanner{}
			dashboardBinding(&s, &object{subjects: b.Subjects, roleRef: b.RoleRef})
			if len(s.findings) > 0 {
				suppress(d.Meta.Annotations, s.findings)
				position(d, s.findings)
				r.Findings = append(r.Findings, s.findings...)
			}
		}
	}
	if opts.IgnoreAnnotation {
		for i := range r.Findings {
			r.Findings[i].Suppressed, r.Findings[i].SuppressReason = false, ""
		}
	}
	r.ComputeScore()
	return r, nil
}
