package manifest

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/kubeharden/kubeharden/internal/decode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestScanObjectTyped(t *testing.T) {
	priv := true
	d := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: "d", Namespace: "x"},
		Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{
			{Name: "a", Image: "x:1", SecurityContext: &corev1.SecurityContext{Privileged: &priv}},
		}}}},
	}
	r, err := ScanObject(d, Options{})
	require.NoError(t, err)
	require.NotNil(t, r)
	assert.Equal(t, "Deployment/d.x", r.Object)
	assert.Equal(t, 1, failedCount(r, "manifest/PrivilegedContainer"))

	r, err = ScanObject(d, Options{Compat: CompatKubesec})
	require.NoError(t, err)
	assert.True(t, kubesecFired(r, "Privileged"))

	// no kind: an error in the default mode
	d.TypeMeta = metav1.TypeMeta{}
	_, err = ScanObject(d, Options{})
	assert.ErrorIs(t, err, ErrMissingKind)

	// unsupported kind: no report, no error
	r, err = ScanObject([]byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"s"}}`), Options{})
	assert.NoError(t, err)
	assert.Nil(t, r)

	_, err = ScanObject([]byte(`[1,2]`), Options{})
	assert.Error(t, err)
}

func TestScanDocument(t *testing.T) {
	docs, errs := decode.Split([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n"+pod(ctrs(`{}`))+"\n"), "f.yaml", decode.Options{})
	require.Empty(t, errs)
	require.Len(t, docs, 2)
	r, err := ScanDocument(docs[0], Options{})
	assert.Nil(t, err)
	assert.Nil(t, r, "ConfigMaps are not analysed")
	r, err = ScanDocument(docs[1], Options{})
	assert.Nil(t, err)
	require.NotNil(t, r)
	assert.Equal(t, 1, r.Document)
	assert.Equal(t, "f.yaml", r.Source)
	assert.Equal(t, "Pod", r.Kind)
	c, err := ScanDocument(docs[0], Options{Compat: CompatKubesec})
	assert.Nil(t, err)
	require.NotNil(t, c)
	assert.Equal(t, KubesecUnsupported, KubesecMessage(c))
	assert.Equal(t, "ConfigMap/c.default", c.Object)
}

func TestPositions(t *testing.T) {
	doc := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n      - name: a\n        image: x:1\n        securityContext:\n          privileged: true\n"
	r := scanOne(t, doc)
	hn := byRule(r, "manifest/HostNetwork", false)
	require.Len(t, hn, 1)
	assert.Equal(t, 8, hn[0].Position.Line)
	assert.Equal(t, 7, hn[0].Position.Column)
	assert.Equal(t, "test.yaml", hn[0].Position.File)
	pr := byRule(r, "manifest/PrivilegedContainer", false)
	require.Len(t, pr, 1)
	assert.Equal(t, 13, pr[0].Position.Line)
	// a missing field points at its nearest ancestor
	ro := byRule(r, "manifest/ReadOnlyRootFilesystemMissing", false)
	require.Len(t, ro, 1)
	assert.Equal(t, 12, ro[0].Position.Line)
	sa := byRule(r, "manifest/DefaultServiceAccount", false)
	require.Len(t, sa, 1)
	assert.Equal(t, "spec.template.spec.serviceAccountName", sa[0].Path)
	assert.Equal(t, 7, sa[0].Position.Line, "the missing field's parent")
	assert.False(t, sa[0].Position.Exact)
}

func TestParseCompat(t *testing.T) {
	for in, want := range map[string]Compat{"": CompatNone, "none": CompatNone, "kubesec": CompatKubesec} {
		got, err := ParseCompat(in)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	_, err := ParseCompat("kube-score")
	assert.ErrorIs(t, err, ErrUnknownCompat)
	assert.Equal(t, "kubesec", CompatKubesec.String())
	assert.Equal(t, "none", CompatNone.String())
}

func TestKubesecObjectName(t *testing.T) {
	cases := map[string]string{
		`{"kind":"Pod","metadata":{"name":1000000,"namespace":true}}`: "Pod/1e+06.true",
		`{"kind":"Pod"}`:            "Pod/undefined.default",
		`{"metadata":{"name":"x"}}`: "Unknown",
		`{"kind":"ConfigMap","metadata":{"name":1,"namespace":2}}`: "ConfigMap/1.2",
	}
	for in, want := range cases {
		var v any
		require.NoError(t, jsonUnmarshal([]byte(in), &v))
		assert.Equal(t, want, kubesecObjectName(v), in)
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// TestManyContainers: a pod with 300 containers is scanned in bounded time
// with every finding positioned (the map path of position).
func TestManyContainers(t *testing.T) {
	var scs []string
	for range 300 {
		scs = append(scs, `{"privileged":true}`)
	}
	r := scanOne(t, pod(ctrs(scs...)))
	fs := byRule(r, "manifest/PrivilegedContainer", false)
	require.Len(t, fs, 300)
	for i, f := range fs {
		assert.Equal(t, "spec.containers["+strconv.Itoa(i)+"].securityContext.privileged", f.Path)
		assert.True(t, f.Position.IsValid())
	}
	assert.Equal(t, fs[0].Position.Line, fs[299].Position.Line, "a one-line JSON document")
	assert.Less(t, fs[0].Position.Column, fs[299].Position.Column)
}
