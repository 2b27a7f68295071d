package decode

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	nodev1 "k8s.io/api/node/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	kjson "sigs.k8s.io/json"
)

// apiTypes are the k8s.io/api types the analyzers decode into.
var apiTypes = map[string]func() any{
	"Pod": func() any { return &corev1.Pod{} }, "PodTemplate": func() any { return &corev1.PodTemplate{} },
	"ReplicationController": func() any { return &corev1.ReplicationController{} },
	"Deployment":            func() any { return &appsv1.Deployment{} }, "StatefulSet": func() any { return &appsv1.StatefulSet{} },
	"DaemonSet": func() any { return &appsv1.DaemonSet{} }, "ReplicaSet": func() any { return &appsv1.ReplicaSet{} },
	"Job": func() any { return &batchv1.Job{} }, "CronJob": func() any { return &batchv1.CronJob{} },
	"Service": func() any { return &corev1.Service{} }, "ServiceAccount": func() any { return &corev1.ServiceAccount{} },
	"Secret": func() any { return &corev1.Secret{} }, "ConfigMap": func() any { return &corev1.ConfigMap{} },
	"Namespace": func() any { return &corev1.Namespace{} }, "Role": func() any { return &rbacv1.Role{} },
	"ClusterRole": func() any { return &rbacv1.ClusterRole{} }, "RoleBinding": func() any { return &rbacv1.RoleBinding{} },
	"ClusterRoleBinding": func() any { return &rbacv1.ClusterRoleBinding{} },
	"NetworkPolicy":      func() any { return &networkingv1.NetworkPolicy{} }, "Ingress": func() any { return &networkingv1.Ingress{} },
	"RuntimeClass": func() any { return &nodev1.RuntimeClass{} },
}

// checkIntoFast: whenever the fast decoder answers, the exact decoder
// decodes the same text without error or strict problem to an equal value.
func checkIntoFast(t *testing.T, name string, js []byte, newV func() any) bool {
	t.Helper()
	fast := newV()
	if !intoFast(js, fast) {
		assert.True(t, reflect.ValueOf(fast).Elem().IsZero(), "%s: a declined decode must leave the value zero", name)
		return false
	}
	exact := newV()
	strict, err := kjson.UnmarshalStrict(js, exact)
	if !assert.NoError(t, err, "%s: the fast decoder accepted %s", name, js) {
		return true
	}
	assert.Empty(t, strict, "%s: the fast decoder missed strict problems in %s", name, js)
	assert.True(t, reflect.DeepEqual(fast, exact), "%s: values differ for %s\nfast  %+v\nexact %+v", name, js, fast, exact)
	return true
}

func TestIntoFastAgreesWithAPIServerDecoder(t *testing.T) {
	pod := func() any { return &corev1.Pod{} }
	dep := func() any { return &appsv1.Deployment{} }
	for _, c := range []struct {
		js     string
		newV   func() any
		answer bool
	}{
		{`{"kind":"Pod","spec":{"containers":[{"name":"a","image":"b","resources":{"limits":{"cpu":"500m"}}}]}}`, pod, true},
		{`{"kind":"Deployment","spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80}]}]}}}}`, dep, true},
		{`{"spec":{"ports":[{"port":80,"targetPort":"http"},{"port":81,"targetPort":8081}]}}`, func() any { return &corev1.Service{} }, true},
		{`{"metadata":{"creationTimestamp":"2024-01-02T03:04:05Z","labels":{"a":"b"}}}`, pod, true},
		{`{"spec":{"hostNetwork":true,"securityContext":{"runAsUser":0}}}`, pod, true},
		{`{"data":{"k":"aGVsbG8="}}`, func() any { return &corev1.Secret{} }, true},
		{`{"spec":{"hostNetwork":null}}`, pod, false},                     // null: left to the exact decoder
		{`{"spec":{"hostnetwork":true}}`, pod, false},                     // case variant
		{`{"spec":{"bogus":1}}`, pod, false},                              // unknown
		{`{"spec":{"hostNetwork":true,"hostNetwork":false}}`, pod, false}, // duplicate
		{`{"spec":{"hostNetwork":"1"}}`, pod, false},                      // wrong type
		{`{"spec":{"securityContext":{"runAsUser":1.0}}}`, pod, false},    // fraction
		{`{"spec":{"securityContext":{"runAsUser":1e3}}}`, pod, false},    // exponent
		{`{"spec":{"securityContext":{"runAsUser":99999999999999999999}}}`, pod, false},
		{"{\"metadata\":{\"name\":\"\xff\"}}", pod, false}, // invalid UTF-8
		{`{"metadata":{"name":"\ud800"}}`, pod, false},     // lone surrogate
		{`{"data":{"k":"aGVs\nbG8="}}`, func() any { return &corev1.Secret{} }, false},
	} {
		got := checkIntoFast(t, c.js, []byte(c.js), c.newV)
		if c.answer {
			assert.True(t, got, "%s: declined", c.js)
		}
		// Into itself gives the exact decoder's verdict either way.
		d := &Document{JSON: []byte(c.js)}
		v := c.newV()
		_, err := d.Into(v)
		exact := c.newV()
		_, werr := kjson.UnmarshalStrict([]byte(c.js), exact)
		assert.Equal(t, werr == nil, err == nil, "%s", c.js)
		if werr == nil {
			assert.True(t, reflect.DeepEqual(v, exact), "%s", c.js)
		}
	}
	// Base64 corner cases ([]byte fields): whatever the fast decoder
	// accepts, the API server's decoder accepts with the same bytes.
	for _, v := range []string{`"aGVsbG8"`, `"aGVs-G8="`, `"aGVs_G8="`, `"aGVsbG8=="`, `"a"`, `""`, `"aGVs bG8="`, `"YR=="`, `"YQ"`} {
		checkIntoFast(t, v, []byte(`{"data":{"k":`+v+`}}`), func() any { return &corev1.Secret{} })
	}
	// Other targets never take the fast path.
	var m map[string]any
	assert.False(t, intoFast([]byte(`{"a":1}`), &m))
	filled := &corev1.Pod{Spec: corev1.PodSpec{HostNetwork: true}}
	assert.False(t, intoFast([]byte(`{"kind":"Pod"}`), filled), "a value that is not fresh")
}

func TestIntoFastOnCorpus(t *testing.T) {
	answered, typed := 0, 0
	eachCorpusFile(t, 1<<20, []string{".yaml", ".yml", ".json"}, func(path string, data []byte) {
		docs, _ := Split(data, path, Options{})
		for _, d := range docs {
			newV, ok := apiTypes[d.Meta.Kind]
			if !ok {
				continue
			}
			typed++
			if checkIntoFast(t, path, d.JSON, newV) {
				answered++
			}
		}
	})
	t.Logf("fast typed decode answered %d of %d API objects", answered, typed)
	assert.Greater(t, answered, typed/2)
}

// FuzzIntoFast holds the fast typed decode to the API server's decoder.
func FuzzIntoFast(f *testing.F) {
	f.Add([]byte(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","labels":{"x":"y"}},"spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"c","image":"i:1","securityContext":{"privileged":true,"capabilities":{"drop":["ALL"]}},"resources":{"limits":{"memory":"1Gi"}}}]}}}}`))
	f.Add([]byte(`{"kind":"Pod","spec":{"securityContext":{"runAsUser":0,"sysctls":[{"name":"a","value":"1"}]},"volumes":[{"name":"v","hostPath":{"path":"/"}}]}}`))
	f.Add([]byte(`{"kind":"CronJob","spec":{"schedule":"* * * * *","jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c","ports":[{"containerPort":1}]}]}}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return
		}
		for _, k := range []string{"Pod", "Deployment", "CronJob", "Secret", "ClusterRole"} {
			checkIntoFast(t, "fuzz "+k, data, apiTypes[k])
		}
	})
}
