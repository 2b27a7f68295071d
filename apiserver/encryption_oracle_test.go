package apiserver

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	apiserverapi "k8s.io/apiserver/pkg/apis/apiserver"
	"k8s.io/apiserver/pkg/apis/apiserver/install"
	"k8s.io/apiserver/pkg/apis/apiserver/validation"
)

const k32 = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // 32 bytes
const k16 = "c2VjcmV0IGlzIHNlY3VyZQ=="                     // 16 bytes
const k24 = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3"             // 24 bytes
const k20 = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM="                 // 20 bytes
const k31 = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZQ==" // 31 bytes

// encryptionCorpus holds EncryptionConfiguration bodies (after the header)
// covering each validation rule, valid and invalid.
var encryptionCorpus = map[string]string{
	"valid secretbox":       "resources:\n- resources: [secrets]\n  providers:\n  - secretbox: {keys: [{name: k, secret: " + k32 + "}]}\n",
	"secretbox 31 bytes":    "resources:\n- resources: [secrets]\n  providers:\n  - secretbox: {keys: [{name: k, secret: " + k31 + "}]}\n",
	"secretbox 16 bytes":    "resources:\n- resources: [secrets]\n  providers:\n  - secretbox: {keys: [{name: k, secret: " + k16 + "}]}\n",
	"aescbc 16":             "resources:\n- resources: [secrets]\n  providers:\n  - aescbc: {keys: [{name: k, secret: " + k16 + "}]}\n",
	"aescbc 24":             "resources:\n- resources: [secrets]\n  providers:\n  - aescbc: {keys: [{name: k, secret: " + k24 + "}]}\n",
	"aesgcm 32":             "resources:\n- resources: [secrets]\n  providers:\n  - aesgcm: {keys: [{name: k, secret: " + k32 + "}]}\n",
	"aesgcm 20":             "resources:\n- resources: [secrets]\n  providers:\n  - aesgcm: {keys: [{name: k, secret: " + k20 + "}]}\n",
	"bad base64":            "resources:\n- resources: [secrets]\n  providers:\n  - aescbc: {keys: [{name: k, secret: \"not base64!\"}]}\n",
	"no keys":               "resources:\n- resources: [secrets]\n  providers:\n  - aescbc: {keys: []}\n",
	"key without name":      "resources:\n- resources: [secrets]\n  providers:\n  - aescbc: {keys: [{secret: " + k16 + "}]}\n",
	"two providers one elt": "resources:\n- resources: [secrets]\n  providers:\n  - aescbc: {keys: [{name: k, secret: " + k16 + "}]}\n    identity: {}\n",
	"empty provider elt":    "resources:\n- resources: [secrets]\n  providers:\n  - {}\n",
	"no providers":          "resources:\n- resources: [secrets]\n  providers: []\n",
	"no resources":          "resources:\n- resources: []\n  providers:\n  - identity: {}\n",
	"empty list":            "resources: []\n",
	"upper case":            "resources:\n- resources: [Secrets]\n  providers:\n  - identity: {}\n",
	"bare star":             "resources:\n- resources: [\"*\"]\n  providers:\n  - identity: {}\n",
	"resource.star":         "resources:\n- resources: [\"secrets.*\"]\n  providers:\n  - identity: {}\n",
	"events.k8s.io":         "resources:\n- resources: [events.events.k8s.io]\n  providers:\n  - identity: {}\n",
	"extensions":            "resources:\n- resources: [deployments.extensions]\n  providers:\n  - identity: {}\n",
	"serviceipallocations":  "resources:\n- resources: [serviceipallocations]\n  providers:\n  - identity: {}\n",
	"duplicate resource":    "resources:\n- resources: [secrets, secrets]\n  providers:\n  - identity: {}\n",
	"overlap core wildcard": "resources:\n- resources: [secrets, \"*.\"]\n  providers:\n  - identity: {}\n",
	"overlap star star":     "resources:\n- resources: [\"*.*\", configmaps]\n  providers:\n  - identity: {}\n",
	"masked repeated star":  "resources:\n- resources: [\"*.*\"]\n  providers:\n  - identity: {}\n- resources: [\"*.*\"]\n  providers:\n  - identity: {}\n",
	"masked":                "resources:\n- resources: [\"*.\"]\n  providers:\n  - identity: {}\n- resources: [secrets]\n  providers:\n  - identity: {}\n",
	"masked group":          "resources:\n- resources: [\"*.*\"]\n  providers:\n  - identity: {}\n- resources: [\"*.apps\"]\n  providers:\n  - identity: {}\n",
	"not masked other grp":  "resources:\n- resources: [\"*.apps\"]\n  providers:\n  - identity: {}\n- resources: [secrets]\n  providers:\n  - identity: {}\n",
	"kms v2 valid":          "resources:\n- resources: [secrets]\n  providers:\n  - kms: {apiVersion: v2, name: a, endpoint: \"unix:///k.sock\"}\n",
	"kms v2 cachesize":      "resources:\n- resources: [secrets]\n  providers:\n  - kms: {apiVersion: v2, name: a, endpoint: \"unix:///k.sock\", cachesize: 10}\n",
	"kms v1 cachesize 0":    "resources:\n- resources: [secrets]\n  providers:\n  - kms: {name: a, endpoint: \"unix:///k.sock\", cachesize: 0}\n",
	"kms v1 valid":          "resources:\n- resources: [secrets]\n  providers:\n  - kms: {apiVersion: v1, name: a, endpoint: \"unix:///k.sock\", cachesize: 100}\n",
	"kms tcp endpoint":      "resources:\n- resources: [secrets]\n  providers:\n  - kms: {apiVersion: v2, name: a, endpoint: \"tcp://1.2.3.4:80\"}\n",
	"kms no endpoint":       "resources:\n- resources: [secrets]\n  providers:\n  - kms: {apiVersion: v2, name: a}\n",
	"kms no name":           "resources:\n- resources: [secrets]\n  providers:\n  - kms: {apiVersion: v2, endpoint: \"unix:///k.sock\"}\n",
	"kms colon name":        "resources:\n- resources: [secrets]\n  providers:\n  - kms: {apiVersion: v2, name: \"a:b\", endpoint: \"unix:///k.sock\"}\n",
	"kms dup name":          "resources:\n- resources: [secrets]\n  providers:\n  - kms: {apiVersion: v2, name: a, endpoint: \"unix:///k.sock\"}\n- resources: [configmaps]\n  providers:\n  - kms: {apiVersion: v2, name: a, endpoint: \"unix:///k.sock\"}\n",
	"kms negative timeout":  "resources:\n- resources: [secrets]\n  providers:\n  - kms: {apiVersion: v2, name: a, endpoint: \"unix:///k.sock\", timeout: -3s}\n",
	"kms v3":                "resources:\n- resources: [secrets]\n  providers:\n  - kms: {apiVersion: v3, name: a, endpoint: \"unix:///k.sock\"}\n",
	"multi entry valid":     "resources:\n- resources: [secrets, configmaps]\n  providers:\n  - aescbc: {keys: [{name: k, secret: " + k32 + "}]}\n  - identity: {}\n- resources: [events]\n  providers:\n  - identity: {}\n- resources: [\"*.apps\"]\n  providers:\n  - secretbox: {keys: [{name: k, secret: " + k32 + "}]}\n",
}

// loadTimeOnly names corpus entries rejected when the server loads the
// file (encryptionconfig's masking check) rather than by
// ValidateEncryptionConfiguration; Validate reports both.
var loadTimeOnly = map[string]bool{"masked": true, "masked group": true, "masked repeated star": true}

// TestEncryptionValidationOracle compares Validate with k8s.io/apiserver's
// ValidateEncryptionConfiguration on every corpus entry (the KMSv1 gate
// is checked outside that function, so it is passed as enabled here).
func TestEncryptionValidationOracle(t *testing.T) {
	scheme := runtime.NewScheme()
	install.Install(scheme)
	decoder := serializer.NewCodecFactory(scheme).UniversalDecoder()
	for name, body := range encryptionCorpus {
		t.Run(name, func(t *testing.T) {
			data := []byte(encHeader + body)
			ours, _, _, err := ParseEncryptionConfiguration("enc.yaml", data)
			require.NoError(t, err)
			obj, _, err := decoder.Decode(data, nil, nil)
			require.NoError(t, err)
			theirs := validation.ValidateEncryptionConfiguration(obj.(*apiserverapi.EncryptionConfiguration), false)
			problems := ours.Validate(true)
			if loadTimeOnly[name] {
				require.Empty(t, theirs)
				require.Len(t, problems, 1)
				assert.Contains(t, problems[0].Message, "masked")
				return
			}
			assert.Equal(t, len(theirs) == 0, len(problems) == 0, "ours: %v\nk8s.io/apiserver: %v", problems, theirs)
		})
	}
}

func TestProvidersFor(t *testing.T) {
	c, _, _, err := ParseEncryptionConfiguration("enc.yaml", []byte(encHeader+encryptionCorpus["multi entry valid"]))
	require.NoError(t, err)
	for _, tc := range []struct {
		resource, first, selector string
	}{
		{"secrets", "aescbc", "secrets"},
		{"configmaps", "aescbc", "configmaps"},
		{"events", "identity", "events"},
		{"deployments.apps", "secretbox", "*.apps"},
		{"pods", "", ""},
	} {
		ps := c.ProvidersFor(tc.resource)
		if tc.first == "" {
			assert.Empty(t, ps, tc.resource)
			continue
		}
		require.NotEmpty(t, ps, tc.resource)
		typ, n := ps[0].Provider.Type()
		assert.Equal(t, tc.first, typ, tc.resource)
		assert.Equal(t, 1, n)
		assert.Equal(t, tc.selector, ps[0].Selector)
	}
	assert.Len(t, c.ProvidersFor("secrets"), 2, "every provider of the entry is tried on read")
}
