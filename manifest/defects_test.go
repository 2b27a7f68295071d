package manifest

import (
	"errors"
	"testing"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests named after kubesec's known defects (reference kubesec.md §13).
// Each runs the input in both modes: CompatKubesec keeps kubesec's verdict
// (because reproducing kubesec is that mode's purpose), the default mode
// shows the fix.

func compat(t *testing.T, doc string) *kubeharden.Report {
	t.Helper()
	reports, errs := Scan("test.yaml", []byte(doc), Options{Compat: CompatKubesec})
	require.Empty(t, errs)
	require.Len(t, reports, 1)
	return &reports[0]
}

// kubesecFired: the kubesec rule id matched (critical or passed list).
func kubesecFired(r *kubeharden.Report, id string) bool {
	for _, f := range r.Findings {
		if KubesecID(f) == id {
			return (f.Points < 0) != f.Passed
		}
	}
	return false
}

func failedCount(r *kubeharden.Report, id string) int { return len(byRule(r, id, false)) }

func hostPathPod(p string) string {
	return pod(ctrs(`{}`) + `,"volumes":[{"name":"v","hostPath":{"path":"` + p + `"}}]`)
}

func TestDefect_ProcSubstring(t *testing.T) {
	for _, p := range []string{"/data/processed", "/var/log/procurement"} {
		assert.True(t, kubesecFired(compat(t, hostPathPod(p)), "ProcMount"), "kubesec flags %s", p)
		assert.Zero(t, failedCount(scanOne(t, hostPathPod(p)), "manifest/SensitiveHostPath"), p)
	}
	for _, p := range []string{"/proc", "/proc/", "//proc/./sys", "/"} {
		assert.Equal(t, 1, failedCount(scanOne(t, hostPathPod(p)), "manifest/SensitiveHostPath"), p)
	}
}

func TestDefect_DockerSockOnlyVarRun(t *testing.T) {
	for _, p := range []string{"/run/docker.sock", "/var/run", "/run", "/run/containerd/containerd.sock", "/var/run/crio/crio.sock",
		"/var/run/cri-dockerd.sock", "/run/podman/podman.sock", "/", "/var/run/", "//run//containerd/./"} {
		assert.False(t, kubesecFired(compat(t, hostPathPod(p)), "DockerSock"), "kubesec misses %s", p)
		assert.Equal(t, 1, failedCount(scanOne(t, hostPathPod(p)), "manifest/ContainerRuntimeSocket"), p)
	}
	assert.Zero(t, failedCount(scanOne(t, hostPathPod("/var/log")), "manifest/ContainerRuntimeSocket"))
}

func TestDefect_CapSysAdminCase(t *testing.T) {
	for _, c := range []string{"sys_admin", "ALL", "cap_sys_admin", "all"} {
		doc := pod(ctrs(`{"capabilities":{"add":["` + c + `"]}}`))
		assert.False(t, kubesecFired(compat(t, doc), "CapSysAdmin"), "kubesec misses %s", c)
		fs := byRule(scanOne(t, doc), "manifest/DangerousCapability", false)
		require.Len(t, fs, 1, c)
		assert.Equal(t, kubeharden.SeverityCritical, fs[0].Severity)
		assert.Equal(t, -30, fs[0].Points)
	}
}

func TestDefect_DangerousCapsUnchecked(t *testing.T) {
	doc := pod(ctrs(`{"capabilities":{"add":["NET_ADMIN","SYS_PTRACE","SYS_MODULE","NET_RAW","BPF","SYS_TIME"]}}`))
	assert.Zero(t, compat(t, doc).Score, "kubesec checks none of them")
	r := scanOne(t, doc)
	dangerous := byRule(r, "manifest/DangerousCapability", false)
	assert.Len(t, dangerous, 5)
	for _, f := range dangerous {
		assert.Equal(t, kubeharden.SeverityHigh, f.Severity)
	}
	assert.Equal(t, 1, failedCount(r, "manifest/NonDefaultCapability"), "SYS_TIME")
}

func TestDefect_CapDropAllSubstring(t *testing.T) {
	for _, doc := range []string{
		pod(ctrs(`{"capabilities":{"drop":["CALL"]}}`)),
		pod(ctrs(`{"capabilities":{"drop":["ALL"],"add":["SYS_TIME"]}}`)),
	} {
		assert.True(t, kubesecFired(compat(t, doc), "CapDropAll"))
		assert.Equal(t, 1, failedCount(scanOne(t, doc), "manifest/CapabilitiesNotDroppedAll"))
	}
	// `all` is what the runtime accepts; kubeharden accepts it too (PSS
	// restricted would not: that is a PSS check, issue 3).
	assert.Len(t, byRule(scanOne(t, pod(ctrs(`{"capabilities":{"drop":["all"]}}`))), "manifest/CapabilitiesNotDroppedAll", true), 1)
}

func TestDefect_ServiceAccountNameDefault(t *testing.T) {
	for _, sa := range []string{`"default"`, `""`} {
		doc := pod(`"serviceAccountName":` + sa + `,` + ctrs(`{}`))
		assert.True(t, kubesecFired(compat(t, doc), "ServiceAccountName"), "kubesec gives +3 for %s", sa)
		r := scanOne(t, doc)
		assert.Empty(t, byRule(r, "manifest/DefaultServiceAccount", true))
		assert.Len(t, byRule(r, "manifest/DefaultServiceAccount", false), 1, "a finding, no credit")
	}
}

func TestDefect_HostAliasesEmpty(t *testing.T) {
	doc := pod(`"hostAliases":[],` + ctrs(`{}`))
	assert.True(t, kubesecFired(compat(t, doc), "HostAliases"))
	assert.Zero(t, failedCount(scanOne(t, doc), "manifest/HostAliases"))
}

func TestDefect_PrivilegeEscalationUnset(t *testing.T) {
	doc := pod(ctrs(`{}`, `{"allowPrivilegeEscalation":false}`, `{"privileged":true}`))
	assert.False(t, kubesecFired(compat(t, doc), "AllowPrivilegeEscalation"))
	fs := byRule(scanOne(t, doc), "manifest/PrivilegeEscalationAllowed", false)
	require.Len(t, fs, 1, "only the unset container; the privileged one is reported as privileged")
	assert.Equal(t, "spec.containers[0].securityContext.allowPrivilegeEscalation", fs[0].Path)
	assert.Equal(t, kubeharden.SeverityMedium, fs[0].Severity)
}

func TestDefect_RootUserIgnored(t *testing.T) {
	doc := pod(`"securityContext":{"runAsUser":0,"runAsGroup":0},` + ctrs(`{}`, `{"runAsNonRoot":false,"runAsUser":5}`))
	assert.Zero(t, compat(t, doc).Score, "kubesec neither rewards nor penalises")
	r := scanOne(t, doc)
	assert.Equal(t, 1, failedCount(r, "manifest/RunAsRoot"), "container 0 inherits runAsUser 0; container 1 overrides it")
	assert.Equal(t, 2, failedCount(r, "manifest/RootGroup"))
	// in a user namespace root is mapped: lower severity
	un := scanOne(t, pod(`"hostUsers":false,"securityContext":{"runAsUser":0},`+ctrs(`{}`)))
	fs := byRule(un, "manifest/RunAsRoot", false)
	require.Len(t, fs, 1)
	assert.Equal(t, kubeharden.SeverityLow, fs[0].Severity)
}

func TestDefect_AnyContainerCredit(t *testing.T) {
	doc := pod(`"containers":[{"name":"app","image":"x:1","resources":{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"1","memory":"1Gi"}}},` +
		`{"name":"side","image":"x:1","securityContext":{"readOnlyRootFilesystem":true}},{"name":"p1","image":"x:1","securityContext":{"privileged":true}},{"name":"p2","image":"x:1","securityContext":{"privileged":true}}]`)
	c := compat(t, doc)
	for _, id := range []string{"ReadOnlyRootFilesystem", "LimitsCPU", "LimitsMemory", "RequestsCPU", "RequestsMemory"} {
		assert.True(t, kubesecFired(c, id), "kubesec credits %s for one container", id)
	}
	assert.Equal(t, -30+5, c.Score, "two privileged containers cost as much as one")
	r := scanOne(t, doc)
	for _, id := range []string{"manifest/ReadOnlyRootFilesystemMissing", "manifest/CPULimitMissing", "manifest/MemoryLimitMissing", "manifest/CPURequestMissing", "manifest/MemoryRequestMissing"} {
		assert.Empty(t, byRule(r, id, true), id)
	}
	assert.Equal(t, 3, failedCount(r, "manifest/ReadOnlyRootFilesystemMissing"), "each container without it is reported")
	assert.Equal(t, 2, failedCount(r, "manifest/PrivilegedContainer"), "each privileged container is reported and counted")
}

func TestDefect_ResourcesSkipInit(t *testing.T) {
	doc := pod(`"initContainers":[{"name":"i","image":"x:1"}],"containers":[{"name":"a","image":"x:1","resources":{"limits":{"cpu":"1"}}}]`)
	assert.True(t, kubesecFired(compat(t, doc), "LimitsCPU"))
	fs := byRule(scanOne(t, doc), "manifest/CPULimitMissing", false)
	require.Len(t, fs, 1)
	assert.Equal(t, "spec.initContainers[0].resources.limits.cpu", fs[0].Path)
}

func TestDefect_ProcMountFieldIgnored(t *testing.T) {
	doc := pod(ctrs(`{"procMount":"Unmasked"}`))
	assert.False(t, kubesecFired(compat(t, doc), "ProcMount"))
	assert.Equal(t, 1, failedCount(scanOne(t, doc), "manifest/ProcMountUnmasked"))
}

func TestDefect_BaselineGapsUnchecked(t *testing.T) {
	doc := pod(`"securityContext":{"sysctls":[{"name":"kernel.msgmax","value":"1"}],"seLinuxOptions":{"type":"spc_t"},"windowsOptions":{"hostProcess":true}},` +
		`"containers":[{"name":"a","image":"nginx","ports":[{"containerPort":80,"hostPort":80}],"readinessProbe":{"tcpSocket":{"host":"1.2.3.4","port":80}}}]`)
	assert.Zero(t, compat(t, doc).Score, "kubesec checks none of these")
	r := scanOne(t, doc)
	for _, id := range []string{"manifest/UnsafeSysctl", "manifest/SELinuxCustomOptions", "manifest/WindowsHostProcess",
		"manifest/HostPort", "manifest/ProbeOrLifecycleHost", "manifest/ImageTagMissing"} {
		assert.Equal(t, 1, failedCount(r, id), id)
	}
}

func TestDefect_ProfileTypeUnvalidated(t *testing.T) {
	for _, sc := range []string{`{"seccompProfile":{"type":"Localhost"}}`, `{"seccompProfile":{"type":"RuntimeDefualt"}}`} {
		doc := pod(ctrs(sc))
		assert.True(t, kubesecFired(compat(t, doc), "SeccompAny"), "kubesec accepts %s", sc)
		r := scanOne(t, doc)
		assert.Equal(t, 1, failedCount(r, "manifest/SeccompProfileInvalid"), sc)
		assert.Empty(t, byRule(r, "manifest/SeccompProfileMissing", true), sc)
	}
}

func TestDefect_LegacyAnnotationsIgnored(t *testing.T) {
	doc := `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"},"annotations":{` +
		`"container.apparmor.security.beta.kubernetes.io/c0":"unconfined","seccomp.security.alpha.kubernetes.io/pod":"runtime/default"}},"spec":{` + ctrs(`{}`) + `}}}}`
	c := compat(t, doc)
	assert.False(t, kubesecFired(c, "ApparmorUnconfined"))
	assert.False(t, kubesecFired(c, "SeccompAny"))
	r := scanOne(t, doc)
	fs := byRule(r, "manifest/AppArmorUnconfined", false)
	require.Len(t, fs, 1, "the annotation is honoured")
	assert.Equal(t, "spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/c0]", fs[0].Path)
	assert.Len(t, byRule(r, "manifest/SeccompProfileMissing", true), 1, "the pod annotation is read as a fallback")
	assert.Equal(t, 1, failedCount(r, "manifest/SeccompDeprecatedAnnotation"))
	assert.Equal(t, 1, failedCount(r, "manifest/AppArmorDeprecatedAnnotation"))
}

func TestDefect_StatefulSetFreePoints(t *testing.T) {
	doc := `{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"s"},"spec":{"selector":{"matchLabels":{"a":"b"}},"serviceName":"s","template":{"metadata":{"labels":{"a":"b"}},"spec":{` + ctrs(`{}`) + `}}}}`
	c := compat(t, doc)
	assert.True(t, kubesecFired(c, "VolumeClaimAccessModeReadWriteOnce"))
	assert.True(t, kubesecFired(c, "VolumeClaimRequestsStorage"))
	r := scanOne(t, doc)
	for _, id := range []string{"manifest/VolumeClaimAccessModeReadWriteOnce", "manifest/VolumeClaimRequestsStorage"} {
		assert.Empty(t, byRule(r, id, true), id)
		assert.Empty(t, byRule(r, id, false), id)
	}
	mixed := sts(`[{"metadata":{"name":"a"},"spec":{"accessModes":["ReadWriteOncePod"],"resources":{"requests":{"storage":"1Gi"}}}}]`)
	assert.False(t, kubesecFired(compat(t, mixed), "VolumeClaimAccessModeReadWriteOnce"), "kubesec wants exactly [ReadWriteOnce]")
	assert.Len(t, byRule(scanOne(t, mixed), "manifest/VolumeClaimAccessModeReadWriteOnce", true), 1, "ReadWriteOncePod is single-node too")
}

func TestDefect_AnonymousBindingOnly(t *testing.T) {
	b := func(subjects string) string {
		return `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"b"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"r"},"subjects":` + subjects + `}`
	}
	missed := b(`[{"kind":"Group","name":"system:unauthenticated"},{"kind":"Group","name":"system:authenticated"}]`)
	assert.False(t, kubesecFired(compat(t, missed), "BindingsToSystemAnonymous"))
	assert.Equal(t, 2, failedCount(scanOne(t, missed), "manifest/BindingAnonymous"))
	bogus := b(`[{"kind":"User","name":"system:anonymous-foo"}]`)
	assert.True(t, kubesecFired(compat(t, bogus), "BindingsToSystemAnonymous"))
	assert.Zero(t, failedCount(scanOne(t, bogus), "manifest/BindingAnonymous"))
	masters := b(`[{"kind":"Group","name":"system:masters"}]`)
	assert.Equal(t, 1, failedCount(scanOne(t, masters), "manifest/BindingMasters"))
	assert.Equal(t, "ClusterRoleBinding/b", scanOne(t, masters).Object, "cluster-scoped: no namespace")
}

func TestDefect_WrongTypeAsUnset(t *testing.T) {
	doc := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: x:1\n    securityContext:\n      runAsUser: \"20000\"\n"
	r := compat(t, doc)
	assert.False(t, kubesecFired(r, "RunAsUser"), "kubesec treats the string as unset")
	reports, errs := Scan("t.yaml", []byte(doc), Options{})
	assert.Empty(t, reports)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], decode.ErrType)
	// The decoder's type errors name the field without list indexes, so
	// the line is that of the nearest locatable ancestor (containers).
	assert.GreaterOrEqual(t, errs[0].Line, 6, "the error names a line inside the document")
	assert.Contains(t, errs[0].Error(), "runAsUser")
}

func TestDefect_HostNamespacePanic(t *testing.T) {
	doc := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: \"1\"\n  containers:\n  - name: a\n    image: x:1\n---\n" + pod(`"hostPID":true,`+ctrs(`{}`)) + "\n"
	for _, mode := range []Compat{CompatNone, CompatKubesec} {
		reports, errs := Scan("t.yaml", []byte(doc), Options{Compat: mode})
		require.Len(t, errs, 1, mode)
		assert.ErrorIs(t, errs[0], decode.ErrType)
		assert.Equal(t, 6, errs[0].Line)
		require.Len(t, reports, 1, "the next document is still scanned (%s)", mode)
		assert.Equal(t, 0, errs[0].Document)
	}
}

func deployment(name, kind, path string) string {
	return `{"apiVersion":"apps/v1","kind":"` + kind + `","metadata":{"name":"` + name + `"},"spec":` + path + `}`
}

func TestDefect_WorkloadKindsBarelyScored(t *testing.T) {
	tmpl := `{"spec":{"hostNetwork":true,` + ctrs(`{"privileged":true}`) + `}}`
	doc := `{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"c"},"spec":{"schedule":"* * * * *","jobTemplate":{"spec":{"template":` + tmpl + `}}}}`
	assert.Zero(t, compat(t, doc).Score, "kubesec only checks secrets in env for CronJobs")
	r := scanOne(t, doc)
	fs := byRule(r, "manifest/PrivilegedContainer", false)
	require.Len(t, fs, 1)
	assert.Equal(t, "spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged", fs[0].Path)
	assert.Equal(t, 1, failedCount(r, "manifest/HostNetwork"))
	for _, kind := range []string{"ReplicaSet", "Job"} {
		apiVersion := map[string]string{"ReplicaSet": "apps/v1", "Job": "batch/v1"}[kind]
		d := `{"apiVersion":"` + apiVersion + `","kind":"` + kind + `","metadata":{"name":"x"},"spec":{"template":` + tmpl + `}}`
		assert.Equal(t, 1, failedCount(scanOne(t, d), "manifest/PrivilegedContainer"), kind)
	}
}

func TestDefect_KindsUnsupported(t *testing.T) {
	tmpl := `{"spec":{` + ctrs(`{"privileged":true}`) + `}}`
	docs := map[string]string{
		"ReplicationController": `{"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"x"},"spec":{"template":` + tmpl + `}}`,
		"PodTemplate":           `{"apiVersion":"v1","kind":"PodTemplate","metadata":{"name":"x"},"template":` + tmpl + `}`,
		"Rollout":               `{"apiVersion":"argoproj.io/v1alpha1","kind":"Rollout","metadata":{"name":"x"},"spec":{"strategy":{"canary":{}},"template":` + tmpl + `}}`,
		"DeploymentConfig":      `{"apiVersion":"apps.openshift.io/v1","kind":"DeploymentConfig","metadata":{"name":"x"},"spec":{"replicas":1,"template":` + tmpl + `}}`,
	}
	for kind, doc := range docs {
		c := compat(t, doc)
		assert.Equal(t, KubesecUnsupported, KubesecMessage(c), kind)
		r := scanOne(t, doc)
		assert.Equal(t, 1, failedCount(r, "manifest/PrivilegedContainer"), kind)
		assert.Zero(t, failedCount(r, "manifest/UnknownField"), "%s: CRD fields outside the template are not unknown", kind)
	}
	// a Rollout of another API group is not analysed
	reports, errs := Scan("t", []byte(`{"apiVersion":"example.com/v1","kind":"Rollout","metadata":{"name":"x"},"spec":{"template":`+tmpl+`}}`), Options{})
	assert.Empty(t, reports)
	assert.Empty(t, errs)
}

func TestDefect_ListNotExpanded(t *testing.T) {
	doc := "apiVersion: v1\nkind: List\nitems:\n- " + pod(`"hostPID":true,`+ctrs(`{}`)) + "\n- " + pod(`"hostIPC":true,`+ctrs(`{}`)) + "\n"
	reports, errs := Scan("t.yaml", []byte(doc), Options{})
	require.Empty(t, errs)
	require.Len(t, reports, 2, "each item is reported")
	assert.Equal(t, 1, failedCount(&reports[0], "manifest/HostPID"))
	assert.Equal(t, 5, byRule(&reports[1], "manifest/HostIPC", false)[0].Position.Line, "item positions are in the List's file")
	// Compat mode differs from kubesec here on purpose: document framing
	// (List expansion included) is internal/decode's in both modes, since
	// kubesec's "List is not supported" hides every item from review. The
	// items get kubesec's verdicts.
	c, errs := Scan("t.yaml", []byte(doc), Options{Compat: CompatKubesec})
	require.Empty(t, errs)
	require.Len(t, c, 2)
	assert.True(t, kubesecFired(&c[0], "HostPID"))
	assert.True(t, kubesecFired(&c[1], "HostIPC"))
}

func TestDefect_JSONArrayOneDocument(t *testing.T) {
	doc := "[" + pod(`"hostPID":true,`+ctrs(`{}`)) + "," + pod(`"hostIPC":true,`+ctrs(`{}`)) + "]"
	reports, errs := Scan("t.json", []byte(doc), Options{})
	require.Empty(t, errs)
	assert.Len(t, reports, 2)
	// As for Lists, compat mode uses the same framing (kubesec would report
	// one "Unknown" document); each element gets kubesec's verdict.
	c, errs := Scan("t.json", []byte(doc), Options{Compat: CompatKubesec})
	require.Empty(t, errs)
	require.Len(t, c, 2)
	assert.Equal(t, "Pod/p.ns", c[0].Object)
}

func TestDefect_CRLFDropsDocuments(t *testing.T) {
	doc := "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: a\r\nspec:\r\n  containers: [{name: a, image: 'x:1'}]\r\n---\r\napiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: b\r\nspec:\r\n  containers: [{name: a, image: 'x:1'}]\r\n"
	// Framing is kubectl's in both modes: kubesec would silently drop the
	// second document, which no compatibility justifies.
	for _, mode := range []Compat{CompatNone, CompatKubesec} {
		reports, errs := Scan("t.yaml", []byte(doc), Options{Compat: mode})
		require.Empty(t, errs)
		require.Len(t, reports, 2, mode)
		assert.Equal(t, "Pod/b.default", reports[1].Object)
	}
}

func TestDefect_SeparatorCommentDropsDocuments(t *testing.T) {
	doc := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers: [{name: a, image: 'x:1'}]\n--- # second\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\nspec:\n  containers: [{name: a, image: 'x:1'}]\n---   \napiVersion: v1\nkind: Pod\nmetadata:\n  name: c\nspec:\n  containers: [{name: a, image: 'x:1'}]\n"
	for _, mode := range []Compat{CompatNone, CompatKubesec} {
		reports, errs := Scan("t.yaml", []byte(doc), Options{Compat: mode})
		require.Empty(t, errs)
		assert.Len(t, reports, 3, mode)
	}
}

func TestDefect_BadDocumentAbortsFile(t *testing.T) {
	doc := "# first\n" + pod(ctrs(`{}`)) + "\n---\nkind: Pod\nspec: [unclosed\n---\n" + pod(`"hostPID":true,`+ctrs(`{}`)) + "\n"
	for _, mode := range []Compat{CompatNone, CompatKubesec} {
		reports, errs := Scan("t.yaml", []byte(doc), Options{Compat: mode})
		require.Len(t, errs, 1)
		assert.Equal(t, 1, errs[0].Document)
		assert.Equal(t, "t.yaml", errs[0].Source)
		assert.Positive(t, errs[0].Line)
		assert.Len(t, reports, 2, "both good documents are reported (%s)", mode)
	}
}

func TestDefect_CommentOnlyDocumentReported(t *testing.T) {
	doc := "# just a comment\n---\n" + pod(ctrs(`{}`)) + "\n---\n# trailing\n"
	// Skipped in both modes: kubesec's bogus "Unknown" report for a
	// comment is an artefact of its splitter, not a verdict.
	for _, mode := range []Compat{CompatNone, CompatKubesec} {
		reports, errs := Scan("t.yaml", []byte(doc), Options{Compat: mode})
		require.Empty(t, errs)
		require.Len(t, reports, 1, mode)
		assert.Equal(t, "Pod/p.ns", reports[0].Object)
	}
}

func TestDefect_MissingKindUnknown(t *testing.T) {
	doc := `{"metadata":{"name":"x"},"spec":{}}`
	c := compat(t, doc)
	assert.Equal(t, "Unknown", c.Object)
	assert.Len(t, c.Advise(), 17, "kubesec advises every positive rule")
	reports, errs := Scan("t.json", []byte(doc), Options{})
	assert.Empty(t, reports)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrMissingKind)
}

func TestDefect_OnlyFirstFileScanned(t *testing.T) {
	// File handling is the CLI's; the library scans whatever it is given,
	// every document of it.
	a, _ := Scan("a.yaml", []byte(pod(ctrs(`{}`))), Options{})
	b, _ := Scan("b.yaml", []byte(pod(ctrs(`{}`))), Options{})
	assert.Equal(t, "a.yaml", a[0].Source)
	assert.Equal(t, "b.yaml", b[0].Source)
}

func TestDefect_CriticalOffsetByHardening(t *testing.T) {
	doc := pod(`"serviceAccountName":"web","automountServiceAccountToken":false,"hostUsers":false,"securityContext":{"runAsNonRoot":true,"runAsUser":20000,"runAsGroup":20000,"seccompProfile":{"type":"RuntimeDefault"},"appArmorProfile":{"type":"RuntimeDefault"}},` +
		`"containers":[{"name":"a","image":"x:1","securityContext":{"allowPrivilegeEscalation":true,"readOnlyRootFilesystem":true,"capabilities":{"drop":["ALL"]}},"resources":{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"1","memory":"1Gi"}}}]`)
	c := compat(t, doc)
	assert.Positive(t, c.Score, "kubesec: hardening points offset the critical finding")
	r := scanOne(t, doc)
	// The score is kept (it is still positive), but the finding is High, so a
	// severity policy (--fail-on high) fails the object regardless.
	fs := byRule(r, "manifest/PrivilegeEscalationAllowed", false)
	require.Len(t, fs, 1)
	assert.GreaterOrEqual(t, fs[0].Severity, kubeharden.SeverityHigh)
	high := kubeharden.SeverityHigh
	assert.NotEmpty(t, kubeharden.Policy{FailOn: &high}.Violations(r))
}

func TestDefect_ExitCodeOnZeroScore(t *testing.T) {
	// Unsupported kinds (ConfigMap) yield no report in the default mode; a
	// ClusterIP Service and a binding without risky subjects yield reports
	// with no failed findings.
	doc := "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports: [{port: 80}]\n---\n" +
		`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"b"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"},"subjects":[{"kind":"User","name":"alice"}]}` + "\n"
	reports, errs := Scan("t.yaml", []byte(doc), Options{})
	require.Empty(t, errs)
	require.Len(t, reports, 2)
	assert.Empty(t, reports[0].Failed())
	assert.Empty(t, reports[1].Failed())
	compatReports, _ := Scan("t.yaml", []byte(doc), Options{Compat: CompatKubesec})
	require.Len(t, compatReports, 2, "kubesec reports the Service as unsupported")
	assert.Equal(t, KubesecUnsupported, KubesecMessage(&compatReports[0]))
	assert.Equal(t, "Passed with a score of 0 points", KubesecMessage(&compatReports[1]))
}

func TestDefect_NoSuppressions(t *testing.T) {
	doc := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","annotations":{"kubeharden.io/suppress":"manifest/HostNetwork, PrivilegedContainer; CNI agent"}},"spec":{"hostNetwork":true,` + ctrs(`{"privileged":true}`) + `}}`
	r := scanOne(t, doc)
	for _, id := range []string{"manifest/HostNetwork", "manifest/PrivilegedContainer"} {
		fs := byRule(r, id, false)
		require.Len(t, fs, 1, id)
		assert.True(t, fs[0].Suppressed, id)
		assert.Equal(t, "CNI agent", fs[0].SuppressReason)
	}
	assert.Empty(t, r.Critical(), "suppressed findings are not critical")
	assert.Zero(t, failedCount(r, "manifest/HostNetwork")-1)
	off, _ := Scan("t", []byte(doc), Options{IgnoreAnnotation: true})
	assert.False(t, byRule(&off[0], "manifest/HostNetwork", false)[0].Suppressed)
	assert.False(t, compat(t, doc).Findings[0].Suppressed, "kubesec has no suppressions")
}

func TestDefect_UnusedAdviseWeights(t *testing.T) {
	// Every number the catalogue shows is used: a finding carries its
	// rule's points (or documented per-finding points) and they all feed
	// the score.
	r := scanOne(t, pod(ctrs(`{"privileged":true}`)))
	sum := 0
	for _, f := range r.Findings {
		if f.Counts() {
			sum += f.Points
		}
	}
	assert.Equal(t, sum, r.Score)
}

func TestDefect_NetworkAtScanTime(t *testing.T) {
	// Nothing in this package does I/O: Scan is a pure function of its
	// input. Scanning twice gives identical reports.
	doc := []byte(pod(ctrs(`{}`)))
	a, _ := Scan("t", doc, Options{})
	b, _ := Scan("t", doc, Options{})
	assert.Equal(t, a, b)
	assert.False(t, errors.Is(nil, ErrNoDocuments))
}
