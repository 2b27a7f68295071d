package kubelet

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/kubeharden/kubeharden/internal/decode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubeletv1beta1 "k8s.io/kubelet/config/v1beta1"
)

// shape flattens a type into JSON paths and leaf kinds, the way a strict
// JSON decoder sees it.
func shape(t reflect.Type, prefix string, out map[string]string, depth int) {
	if depth > 12 {
		return
	}
	unm := reflect.TypeFor[json.Unmarshaler]()
	switch {
	case t == reflect.TypeFor[metav1.Duration]() || t == reflect.TypeFor[duration]():
		out[prefix] = "duration"
		return
	case t == reflect.TypeFor[json.RawMessage]():
		out[prefix] = "raw"
		return
	case t.Kind() == reflect.Struct && reflect.PointerTo(t).Implements(unm),
		t.Kind() != reflect.Struct && t.Kind() != reflect.Pointer && t.Kind() != reflect.Slice && t.Kind() != reflect.Map && reflect.PointerTo(t).Implements(unm):
		out[prefix] = "raw"
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		shape(t.Elem(), prefix, out, depth+1)
	case reflect.Slice:
		shape(t.Elem(), prefix+"[]", out, depth+1)
	case reflect.Map:
		shape(t.Elem(), prefix+"{}", out, depth+1)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if f.Anonymous && name == "" {
				if f.Type == reflect.TypeFor[metav1.TypeMeta]() {
					out[prefix+".apiVersion"], out[prefix+".kind"] = "string", "string"
					continue
				}
				shape(f.Type, prefix, out, depth+1)
				continue
			}
			shape(f.Type, prefix+"."+name, out, depth+1)
		}
	default:
		out[prefix] = t.Kind().String()
	}
}

// The generated mirror must accept exactly the fields (and value kinds) of
// k8s.io/kubelet's KubeletConfiguration; regenerate with go generate when
// the module is upgraded.
func TestConfigMirrorMatchesKubeletTypes(t *testing.T) {
	real, mirror := map[string]string{}, map[string]string{}
	shape(reflect.TypeFor[kubeletv1beta1.KubeletConfiguration](), "", real, 0)
	shape(reflect.TypeFor[cfgKubeletConfiguration](), "", mirror, 0)
	require.Greater(t, len(real), 100)
	assert.Equal(t, real, mirror)
}

// Differential test: decoding into the mirror reports the same problems
// and type errors as decoding into the real type.
func TestConfigMirrorDecodesLikeKubeletTypes(t *testing.T) {
	inputs := []string{
		cfgHeader + "readOnlyPort: 0\nauthentication:\n  anonymous:\n    enabled: false\n  x509:\n    clientCAFile: /ca\n",
		cfgHeader + "readonlyPort: 0\nseccompDefualt: true\nauthentication:\n  anonymous:\n    Enabled: false\n",
		cfgHeader + "readOnlyPort: 1\nreadOnlyPort: 2\n",
		cfgHeader + "readOnlyPort: \"0\"\n",
		cfgHeader + "streamingConnectionIdleTimeout: 5\n",
		cfgHeader + "streamingConnectionIdleTimeout: 5x\n",
		cfgHeader + "evictionHard:\n  memory.available: 100Mi\nkubeReserved: {cpu: 100m}\nregisterWithTaints:\n- key: a\n  effect: NoSchedule\n  bogus: 1\n",
		cfgHeader + "logging:\n  format: json\n  verbosity: 3\nshutdownGracePeriodByPodPriority:\n- priority: 1\n  shutdownGracePeriodSeconds: 10\n",
		cfgHeader + "featureGates:\n  A: true\n  B: \"yes\"\n",
		cfgHeader + "tlsCipherSuites: notalist\n",
	}
	for _, in := range inputs {
		docs, errs := decode.Split([]byte(in), "c.yaml", decode.Options{})
		require.Empty(t, errs)
		var r kubeletv1beta1.KubeletConfiguration
		var m cfgKubeletConfiguration
		pr, er := docs[0].Into(&r)
		pm, em := docs[0].Into(&m)
		assert.Equal(t, er == nil, em == nil, "%s\nreal: %v\nmirror: %v", in, er, em)
		key := func(ps []decode.FieldProblem) []string {
			var out []string
			for _, p := range ps {
				out = append(out, p.Kind.String()+" "+p.Path)
			}
			return out
		}
		assert.Equal(t, key(pr), key(pm), in)
	}
}
