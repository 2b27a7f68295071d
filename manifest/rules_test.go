package manifest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/manifest/rbac"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pod wraps pod-spec JSON members into a Pod document.
func pod(spec string) string {
	return `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"ns"},"spec":{` + spec + `}}`
}

// ctrs builds a containers list from securityContext JSON objects.
func ctrs(scs ...string) string {
	var parts []string
	for i, sc := range scs {
		parts = append(parts, fmt.Sprintf(`{"name":"c%d","image":"nginx:1.27","securityContext":%s}`, i, sc))
	}
	return `"containers":[` + strings.Join(parts, ",") + `]`
}

func scanOne(t *testing.T, doc string) *kubeharden.Report {
	t.Helper()
	reports, errs := Scan("test.yaml", []byte(doc), Options{})
	require.Empty(t, errs)
	require.Len(t, reports, 1)
	return &reports[0]
}

func byRule(r *kubeharden.Report, id string, passed bool) []kubeharden.Finding {
	var out []kubeharden.Finding
	for _, f := range r.Findings {
		if f.RuleID == id && f.Passed == passed {
			out = append(out, f)
		}
	}
	return out
}

// ruleCase: for input doc, rule id must have exactly fails failed findings
// (at the given paths when paths is set) and, when pass is true, a passed
// finding.
type ruleCase struct {
	name  string
	rule  string
	doc   string
	fails int
	pass  bool
	paths []string
}

var ruleCases = []ruleCase{
	{"hostNetwork true", "manifest/HostNetwork", pod(`"hostNetwork":true,` + ctrs(`{}`)), 1, false, []string{"spec.hostNetwork"}},
	{"hostNetwork false", "manifest/HostNetwork", pod(`"hostNetwork":false,` + ctrs(`{}`)), 0, false, nil},
	{"hostPID true", "manifest/HostPID", pod(`"hostPID":true,` + ctrs(`{}`)), 1, false, []string{"spec.hostPID"}},
	{"hostPID unset", "manifest/HostPID", pod(ctrs(`{}`)), 0, false, nil},
	{"hostIPC true", "manifest/HostIPC", pod(`"hostIPC":true,` + ctrs(`{}`)), 1, false, []string{"spec.hostIPC"}},
	{"hostIPC unset", "manifest/HostIPC", pod(ctrs(`{}`)), 0, false, nil},
	{"privileged in two containers", "manifest/PrivilegedContainer", pod(ctrs(`{"privileged":true}`, `{"privileged":true}`)), 2, false,
		[]string{"spec.containers[0].securityContext.privileged", "spec.containers[1].securityContext.privileged"}},
	{"privileged false", "manifest/PrivilegedContainer", pod(ctrs(`{"privileged":false}`)), 0, false, nil},
	{"privileged init container", "manifest/PrivilegedContainer", pod(`"initContainers":[{"name":"i","image":"x","securityContext":{"privileged":true}}],` + ctrs(`{}`)), 1, false,
		[]string{"spec.initContainers[0].securityContext.privileged"}},
	{"SYS_ADMIN lower case", "manifest/DangerousCapability", pod(ctrs(`{"capabilities":{"add":["sys_admin"]}}`)), 1, false,
		[]string{"spec.containers[0].securityContext.capabilities.add[0]"}},
	{"CAP_ prefix and ALL", "manifest/DangerousCapability", pod(ctrs(`{"capabilities":{"add":["CAP_SYS_ADMIN","all","NET_RAW"]}}`)), 3, false, nil},
	{"baseline capability only", "manifest/DangerousCapability", pod(ctrs(`{"capabilities":{"add":["CHOWN"]}}`)), 0, false, nil},
	{"non-default capability", "manifest/NonDefaultCapability", pod(ctrs(`{"capabilities":{"add":["SYS_TIME","CHOWN"]}}`)), 1, false,
		[]string{"spec.containers[0].securityContext.capabilities.add[0]"}},
	{"baseline capability is default", "manifest/NonDefaultCapability", pod(ctrs(`{"capabilities":{"add":["NET_BIND_SERVICE"]}}`)), 0, false, nil},
	{"docker socket", "manifest/ContainerRuntimeSocket", pod(ctrs(`{}`) + `,"volumes":[{"name":"d","hostPath":{"path":"/var/run/docker.sock"}}]`), 1, false,
		[]string{"spec.volumes[0].hostPath.path"}},
	{"containerd socket dir", "manifest/ContainerRuntimeSocket", pod(ctrs(`{}`) + `,"volumes":[{"name":"d","hostPath":{"path":"/run/containerd/"}}]`), 1, false, nil},
	{"unrelated hostPath", "manifest/ContainerRuntimeSocket", pod(ctrs(`{}`) + `,"volumes":[{"name":"d","hostPath":{"path":"/data/docker.sock.bak"}}]`), 0, false, nil},
	{"proc", "manifest/SensitiveHostPath", pod(ctrs(`{}`) + `,"volumes":[{"name":"d","hostPath":{"path":"/proc/sys/"}}]`), 1, false, []string{"spec.volumes[0].hostPath.path"}},
	{"processed is not proc", "manifest/SensitiveHostPath", pod(ctrs(`{}`) + `,"volumes":[{"name":"d","hostPath":{"path":"/data/processed"}}]`), 0, false, nil},
	{"hostAliases", "manifest/HostAliases", pod(ctrs(`{}`) + `,"hostAliases":[{"ip":"10.0.0.1","hostnames":["a"]}]`), 1, false, []string{"spec.hostAliases"}},
	{"hostAliases empty", "manifest/HostAliases", pod(ctrs(`{}`) + `,"hostAliases":[]`), 0, false, nil},
	{"allowPrivilegeEscalation true and unset", "manifest/PrivilegeEscalationAllowed", pod(ctrs(`{"allowPrivilegeEscalation":true}`, `{}`)), 2, false,
		[]string{"spec.containers[0].securityContext.allowPrivilegeEscalation", "spec.containers[1].securityContext.allowPrivilegeEscalation"}},
	{"allowPrivilegeEscalation false", "manifest/PrivilegeEscalationAllowed", pod(ctrs(`{"allowPrivilegeEscalation":false}`)), 0, false, nil},
	{"runAsUser 0 inherited", "manifest/RunAsRoot", pod(`"securityContext":{"runAsUser":0},` + ctrs(`{}`, `{"runAsUser":20000}`)), 1, false,
		[]string{"spec.securityContext.runAsUser"}},
	{"runAsNonRoot false", "manifest/RunAsRoot", pod(ctrs(`{"runAsNonRoot":false}`)), 1, false, []string{"spec.containers[0].securityContext.runAsNonRoot"}},
	{"non-root", "manifest/RunAsRoot", pod(ctrs(`{"runAsUser":1000}`)), 0, false, nil},
	{"root group", "manifest/RootGroup", pod(`"securityContext":{"fsGroup":0,"supplementalGroups":[5,0]},` + ctrs(`{"runAsGroup":0}`)), 3, false, nil},
	{"non-root group", "manifest/RootGroup", pod(`"securityContext":{"fsGroup":20000},` + ctrs(`{"runAsGroup":20000}`)), 0, false, nil},
	{"procMount Unmasked", "manifest/ProcMountUnmasked", pod(ctrs(`{"procMount":"Unmasked"}`)), 1, false, []string{"spec.containers[0].securityContext.procMount"}},
	{"procMount Default", "manifest/ProcMountUnmasked", pod(ctrs(`{"procMount":"Default"}`)), 0, false, nil},
	{"seccomp unconfined container", "manifest/SeccompUnconfined", pod(`"securityContext":{"seccompProfile":{"type":"RuntimeDefault"}},` + ctrs(`{"seccompProfile":{"type":"Unconfined"}}`, `{}`)), 1, false,
		[]string{"spec.containers[0].securityContext.seccompProfile"}},
	{"seccomp runtime default", "manifest/SeccompUnconfined", pod(`"securityContext":{"seccompProfile":{"type":"RuntimeDefault"}},` + ctrs(`{}`)), 0, false, nil},
	{"apparmor unconfined pod", "manifest/AppArmorUnconfined", pod(`"securityContext":{"appArmorProfile":{"type":"Unconfined"}},` + ctrs(`{}`)), 1, false,
		[]string{"spec.securityContext.appArmorProfile"}},
	{"apparmor unset", "manifest/AppArmorUnconfined", pod(ctrs(`{}`)), 0, false, nil},
	{"seccomp localhost without profile", "manifest/SeccompProfileInvalid", pod(ctrs(`{"seccompProfile":{"type":"Localhost"}}`)), 1, false, nil},
	{"seccomp localhost with profile", "manifest/SeccompProfileInvalid", pod(ctrs(`{"seccompProfile":{"type":"Localhost","localhostProfile":"p.json"}}`)), 0, false, nil},
	{"apparmor typo", "manifest/AppArmorProfileInvalid", pod(ctrs(`{"appArmorProfile":{"type":"runtimedefault"}}`)), 1, false, nil},
	{"apparmor ok", "manifest/AppArmorProfileInvalid", pod(ctrs(`{"appArmorProfile":{"type":"RuntimeDefault"}}`)), 0, false, nil},
	{"seccomp annotation", "manifest/SeccompDeprecatedAnnotation",
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","annotations":{"seccomp.security.alpha.kubernetes.io/pod":"runtime/default"}},"spec":{` + ctrs(`{}`) + `}}`, 1, false,
		[]string{"metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]"}},
	{"no seccomp annotation", "manifest/SeccompDeprecatedAnnotation", pod(ctrs(`{}`)), 0, false, nil},
	{"apparmor annotation", "manifest/AppArmorDeprecatedAnnotation",
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","annotations":{"container.apparmor.security.beta.kubernetes.io/c0":"runtime/default"}},"spec":{` + ctrs(`{}`) + `}}`, 1, false, nil},
	{"no apparmor annotation", "manifest/AppArmorDeprecatedAnnotation", pod(ctrs(`{}`)), 0, false, nil},
	{"secret env", "manifest/SecretInEnv", pod(`"containers":[{"name":"a","image":"x","env":[{"name":"A","value":"1"},{"name":"P","valueFrom":{"secretKeyRef":{"name":"s","key":"k"}}}]}]`), 1, false,
		[]string{"spec.containers[0].env[1].valueFrom.secretKeyRef"}},
	{"secret envFrom", "manifest/SecretInEnv", pod(`"containers":[{"name":"a","image":"x","envFrom":[{"secretRef":{"name":"s"}}]}]`), 1, false, []string{"spec.containers[0].envFrom[0].secretRef"}},
	{"configmap env", "manifest/SecretInEnv", pod(`"containers":[{"name":"a","image":"x","envFrom":[{"configMapRef":{"name":"s"}}]}]`), 0, false, nil},
	{"anonymous user", "manifest/BindingAnonymous", `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"b"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"},"subjects":[{"kind":"User","name":"system:anonymous"},{"kind":"Group","name":"system:unauthenticated"},{"kind":"Group","name":"system:authenticated"}]}`, 3, false,
		[]string{"subjects[0].name", "subjects[1].name", "subjects[2].name"}},
	{"anonymous-like user", "manifest/BindingAnonymous", `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"b"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"r"},"subjects":[{"kind":"User","name":"system:anonymous-x"},{"kind":"ServiceAccount","name":"system:anonymous","namespace":"x"}]}`, 0, false, nil},
	{"masters", "manifest/BindingMasters", `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"b"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"r"},"subjects":[{"kind":"Group","name":"system:masters"}]}`, 1, false, nil},
	{"no masters", "manifest/BindingMasters", `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"b"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"r"},"subjects":[{"kind":"Group","name":"devs"}]}`, 0, false, nil},
	{"hostPort", "manifest/HostPort", pod(`"containers":[{"name":"a","image":"x","ports":[{"containerPort":80},{"containerPort":443,"hostPort":443}]}]`), 1, false, []string{"spec.containers[0].ports[1].hostPort"}},
	{"containerPort only", "manifest/HostPort", pod(`"containers":[{"name":"a","image":"x","ports":[{"containerPort":80}]}]`), 0, false, nil},
	{"unsafe sysctl", "manifest/UnsafeSysctl", pod(`"securityContext":{"sysctls":[{"name":"net.ipv4.tcp_syncookies","value":"1"},{"name":"kernel.msgmax","value":"1"}]},` + ctrs(`{}`)), 1, false,
		[]string{"spec.securityContext.sysctls[1]"}},
	{"safe sysctl", "manifest/UnsafeSysctl", pod(`"securityContext":{"sysctls":[{"name":"net.ipv4.ip_local_port_range","value":"1024 65000"}]},` + ctrs(`{}`)), 0, false, nil},
	{"selinux user and type", "manifest/SELinuxCustomOptions", pod(ctrs(`{"seLinuxOptions":{"user":"system_u","type":"spc_t"}}`)), 2, false, nil},
	{"selinux level only", "manifest/SELinuxCustomOptions", pod(ctrs(`{"seLinuxOptions":{"level":"s0:c1,c2","type":"container_t"}}`)), 0, false, nil},
	{"hostProcess", "manifest/WindowsHostProcess", pod(`"securityContext":{"windowsOptions":{"hostProcess":true}},` + ctrs(`{}`)), 1, false, nil},
	{"no hostProcess", "manifest/WindowsHostProcess", pod(`"securityContext":{"windowsOptions":{"hostProcess":false}},` + ctrs(`{}`)), 0, false, nil},
	{"probe host", "manifest/ProbeOrLifecycleHost", pod(`"containers":[{"name":"a","image":"x","livenessProbe":{"httpGet":{"host":"10.0.0.1","port":80}},"lifecycle":{"preStop":{"tcpSocket":{"host":"h","port":1}}}}]`), 2, false,
		[]string{"spec.containers[0].livenessProbe.httpGet.host", "spec.containers[0].lifecycle.preStop.tcpSocket.host"}},
	{"probe without host", "manifest/ProbeOrLifecycleHost", pod(`"containers":[{"name":"a","image":"x","livenessProbe":{"httpGet":{"port":80}}}]`), 0, false, nil},
	{"image without tag", "manifest/ImageTagMissing", pod(`"containers":[{"name":"a","image":"nginx"}]`), 1, false, []string{"spec.containers[0].image"}},
	{"image with tag", "manifest/ImageTagMissing", pod(`"containers":[{"name":"a","image":"nginx:1.27"}]`), 0, false, nil},
	{"image latest", "manifest/ImageLatestTag", pod(`"containers":[{"name":"a","image":"ghcr.io/x/y:latest"}]`), 1, false, nil},
	{"image latest with digest", "manifest/ImageLatestTag", pod(`"containers":[{"name":"a","image":"nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}]`), 0, false, nil},
	{"mutable tag, IfNotPresent by default", "manifest/ImagePullPolicy", pod(`"containers":[{"name":"a","image":"nginx:1.27"}]`), 1, false, []string{"spec.containers[0].imagePullPolicy"}},
	{"mutable tag, Always", "manifest/ImagePullPolicy", pod(`"containers":[{"name":"a","image":"nginx:1.27","imagePullPolicy":"Always"}]`), 0, false, nil},
	{"invalid image", "manifest/ImageReferenceInvalid", pod(`"containers":[{"name":"a","image":"Nginx:1.27"}]`), 1, false, nil},
	{"valid image", "manifest/ImageReferenceInvalid", pod(`"containers":[{"name":"a","image":"nginx:1.27"}]`), 0, false, nil},

	{"read-only root fs everywhere", "manifest/ReadOnlyRootFilesystemMissing", pod(ctrs(`{"readOnlyRootFilesystem":true}`, `{"readOnlyRootFilesystem":true}`)), 0, true, nil},
	{"read-only root fs in one of two", "manifest/ReadOnlyRootFilesystemMissing", pod(ctrs(`{"readOnlyRootFilesystem":true}`, `{}`)), 1, false, []string{"spec.containers[1].securityContext"}},
	{"runAsNonRoot inherited", "manifest/RunAsNonRoot", pod(`"securityContext":{"runAsNonRoot":true},` + ctrs(`{}`, `{}`)), 0, true, nil},
	{"runAsNonRoot overridden", "manifest/RunAsNonRoot", pod(`"securityContext":{"runAsNonRoot":true},` + ctrs(`{"runAsNonRoot":false}`)), 1, false, nil},
	{"high uid", "manifest/RunAsHighUID", pod(`"securityContext":{"runAsUser":10001},` + ctrs(`{}`)), 0, true, nil},
	{"uid 10000 is not high", "manifest/RunAsHighUID", pod(ctrs(`{"runAsUser":10000}`)), 1, false, nil},
	{"high gid", "manifest/RunAsHighGID", pod(ctrs(`{"runAsGroup":20000}`)), 0, true, nil},
	{"no gid", "manifest/RunAsHighGID", pod(ctrs(`{}`)), 1, false, nil},
	{"drop any", "manifest/CapDropAny", pod(ctrs(`{"capabilities":{"drop":["NET_RAW"]}}`)), 0, true, nil},
	{"drop empty", "manifest/CapDropAny", pod(ctrs(`{"capabilities":{"drop":[]}}`)), 1, false, nil},
	{"drop all", "manifest/CapabilitiesNotDroppedAll", pod(ctrs(`{"capabilities":{"drop":["ALL"],"add":["NET_BIND_SERVICE"]}}`)), 0, true, nil},
	{"drop CALL is not ALL", "manifest/CapabilitiesNotDroppedAll", pod(ctrs(`{"capabilities":{"drop":["CALL"]}}`)), 1, false, nil},
	{"drop all, add back", "manifest/CapabilitiesNotDroppedAll", pod(ctrs(`{"capabilities":{"drop":["ALL"],"add":["CHOWN"]}}`)), 1, false, nil},
	{"cpu requests incl. init", "manifest/CPURequestMissing", pod(`"initContainers":[{"name":"i","image":"x","resources":{"requests":{"cpu":"10m"}}}],"containers":[{"name":"a","image":"x","resources":{"requests":{"cpu":"1"}}}]`), 0, true, nil},
	{"cpu request missing in init", "manifest/CPURequestMissing", pod(`"initContainers":[{"name":"i","image":"x"}],"containers":[{"name":"a","image":"x","resources":{"requests":{"cpu":"1"}}}]`), 1, false,
		[]string{"spec.initContainers[0].resources.requests.cpu"}},
	{"cpu limit", "manifest/CPULimitMissing", pod(`"containers":[{"name":"a","image":"x","resources":{"limits":{"cpu":"1"}}}]`), 0, true, nil},
	{"no cpu limit", "manifest/CPULimitMissing", pod(`"containers":[{"name":"a","image":"x","resources":{"limits":{"memory":"1Gi"}}}]`), 1, false, nil},
	{"memory request", "manifest/MemoryRequestMissing", pod(`"containers":[{"name":"a","image":"x","resources":{"requests":{"memory":"1Gi"}}}]`), 0, true, nil},
	{"no memory request", "manifest/MemoryRequestMissing", pod(`"containers":[{"name":"a","image":"x"}]`), 1, false, nil},
	{"memory limit", "manifest/MemoryLimitMissing", pod(`"containers":[{"name":"a","image":"x","resources":{"limits":{"memory":"1Gi"}}}]`), 0, true, nil},
	{"no memory limit", "manifest/MemoryLimitMissing", pod(`"containers":[{"name":"a","image":"x"}]`), 1, false, nil},
	{"dedicated service account", "manifest/DefaultServiceAccount", pod(`"serviceAccountName":"web",` + ctrs(`{}`)), 0, true, nil},
	{"default service account", "manifest/DefaultServiceAccount", pod(`"serviceAccountName":"default",` + ctrs(`{}`)), 1, false, nil},
	{"automount false", "manifest/ServiceAccountTokenAutomount", pod(`"automountServiceAccountToken":false,` + ctrs(`{}`)), 0, true, nil},
	{"automount unset", "manifest/ServiceAccountTokenAutomount", pod(ctrs(`{}`)), 1, false, nil},
	{"hostUsers false", "manifest/UserNamespace", pod(`"hostUsers":false,` + ctrs(`{}`)), 0, true, nil},
	{"hostUsers true", "manifest/UserNamespace", pod(`"hostUsers":true,` + ctrs(`{}`)), 1, false, nil},
	{"seccomp everywhere", "manifest/SeccompProfileMissing", pod(`"securityContext":{"seccompProfile":{"type":"RuntimeDefault"}},` + ctrs(`{}`, `{"seccompProfile":{"type":"Localhost","localhostProfile":"a.json"}}`)), 0, true, nil},
	{"seccomp missing", "manifest/SeccompProfileMissing", pod(ctrs(`{}`)), 1, false, nil},
	{"apparmor everywhere", "manifest/AppArmorProfileMissing", pod(`"securityContext":{"appArmorProfile":{"type":"RuntimeDefault"}},` + ctrs(`{}`)), 0, true, nil},
	{"apparmor missing", "manifest/AppArmorProfileMissing", pod(ctrs(`{}`)), 1, false, nil},
	{"claim RWO", "manifest/VolumeClaimAccessModeReadWriteOnce", sts(`[{"metadata":{"name":"d"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]`), 0, true, nil},
	{"claim RWO+ROX", "manifest/VolumeClaimAccessModeReadWriteOnce", sts(`[{"metadata":{"name":"d"},"spec":{"accessModes":["ReadWriteOnce","ReadOnlyMany"]}}]`), 1, false,
		[]string{"spec.volumeClaimTemplates[0].spec.accessModes"}},
	{"claim storage", "manifest/VolumeClaimRequestsStorage", sts(`[{"metadata":{"name":"d"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]`), 0, true, nil},
	{"claim without storage", "manifest/VolumeClaimRequestsStorage", sts(`[{"metadata":{"name":"d"},"spec":{"accessModes":["ReadWriteOnce"]}}]`), 1, false, nil},
	{"unknown field", "manifest/UnknownField", pod(ctrs(`{"privilegd":true}`)), 1, false, []string{"spec.containers[0].securityContext.privilegd"}},
	{"no unknown field", "manifest/UnknownField", pod(ctrs(`{"privileged":false}`)), 0, false, nil},
	{"case-variant key", "manifest/CaseVariantKey", pod(ctrs(`{"Privileged":true}`)), 1, false, nil},
	{"no case-variant key", "manifest/CaseVariantKey", pod(ctrs(`{}`)), 0, false, nil},
	{"duplicate key", "manifest/DuplicateKey", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: true\n  hostNetwork: false\n  containers:\n  - name: a\n    image: x\n", 1, false, nil},
	{"no duplicate key", "manifest/DuplicateKey", pod(ctrs(`{}`)), 0, false, nil},
}

func sts(claims string) string {
	return `{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"s"},"spec":{"selector":{"matchLabels":{"a":"b"}},"serviceName":"s","template":{"metadata":{"labels":{"a":"b"}},"spec":{` +
		ctrs(`{}`) + `}},"volumeClaimTemplates":` + claims + `}}`
}

// allRuleCases joins the case tables of the package's test files.
func allRuleCases() []ruleCase {
	var out []ruleCase
	for _, t := range [][]ruleCase{ruleCases, pssCases, hardeningCases, kindCases} {
		out = append(out, t...)
	}
	return out
}

func TestRules(t *testing.T) {
	for _, tc := range allRuleCases() {
		t.Run(tc.rule+"/"+tc.name, func(t *testing.T) {
			r := scanOne(t, tc.doc)
			fails := byRule(r, tc.rule, false)
			assert.Len(t, fails, tc.fails, "%+v", fails)
			if tc.paths != nil {
				var got []string
				for _, f := range fails {
					got = append(got, f.Path)
				}
				assert.Equal(t, tc.paths, got)
			}
			for _, f := range fails {
				assert.NotEmpty(t, f.Message)
				assert.NotEmpty(t, f.Fix, "every finding has a fix")
				assert.NotEmpty(t, f.Path)
				assert.True(t, f.Position.IsValid(), "every finding has a line: %+v", f)
			}
			assert.Equal(t, tc.pass, len(byRule(r, tc.rule, true)) > 0, "passed finding")
		})
	}
}

// TestRulesCovered: every catalogue rule has a failing and a non-failing
// case in the table.
func TestRulesCovered(t *testing.T) {
	failing, clean := map[string]bool{}, map[string]bool{}
	for _, tc := range allRuleCases() {
		if tc.fails > 0 {
			failing[tc.rule] = true
		} else {
			clean[tc.rule] = true
		}
	}
	// manifest/rbac's rules are tested in their package.
	owned := map[string]bool{}
	for _, r := range rbac.Rules() {
		owned[r.ID] = true
	}
	for _, r := range Rules() {
		if owned[r.ID] {
			continue
		}
		// SandboxedRuntime only gives credit: it never fails.
		assert.True(t, failing[r.ID] || r.ID == ruleSandboxedRuntime.ID, "%s has no failing case", r.ID)
		assert.True(t, clean[r.ID], "%s has no passing case", r.ID)
	}
}

func TestCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		assert.False(t, seen[r.ID], "duplicate ID %s", r.ID)
		seen[r.ID] = true
		assert.Equal(t, "manifest", r.Package())
		assert.NotEmpty(t, r.Title, r.ID)
		assert.NotEmpty(t, r.Description, r.ID)
		assert.NotEmpty(t, r.Remediation, r.ID)
		if slices.ContainsFunc(rbac.Rules(), func(o kubeharden.Rule) bool { return o.ID == r.ID }) {
			continue // manifest/rbac's own catalogue conventions
		}
		switch r.Kind {
		case kubeharden.KindRisk:
			assert.Negative(t, r.Points, r.ID)
		case kubeharden.KindHardening:
			assert.Positive(t, r.Points, r.ID)
		}
	}
	// every kubesec rule maps to a catalogue rule that cites it
	for _, kr := range kubesecRules {
		assert.True(t, seen[kr.rule.ID], kr.id)
		assert.Contains(t, kr.rule.Refs, "kubesec "+kr.id)
	}
	// Rules returns copies
	rs := Rules()
	rs[0].Refs[0] = "changed"
	assert.NotEqual(t, "changed", Rules()[0].Refs[0])
}
