package apiserver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation/field"
	apiserverapi "k8s.io/apiserver/pkg/apis/apiserver"
	"k8s.io/apiserver/pkg/apis/apiserver/install"
	"k8s.io/apiserver/pkg/apis/apiserver/validation"
	authorizationcel "k8s.io/apiserver/pkg/authorization/cel"
)

// TestAuthorizationValidationOracle compares Validate with
// k8s.io/apiserver's ValidateAuthorizationConfiguration (kube-apiserver's
// known and repeatable types). KUBECONFIG in the corpus is replaced by an
// existing absolute file, since the server stats it.
func TestAuthorizationValidationOracle(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	require.NoError(t, os.WriteFile(kubeconfig, []byte("apiVersion: v1\nkind: Config\n"), 0o600))
	webhook := func(extra string) string {
		return "- type: Webhook\n  name: w\n  webhook:\n" + extra
	}
	full := "    timeout: 3s\n    subjectAccessReviewVersion: v1\n    failurePolicy: Deny\n    connectionInfo: {type: KubeConfigFile, kubeConfigFile: KUBECONFIG}\n"
	corpus := map[string]string{
		"node rbac":             "- {type: Node, name: node}\n- {type: RBAC, name: rbac}\n",
		"empty":                 "[]\n",
		"unknown type":          "- {type: Magic, name: m}\n",
		"empty type":            "- {name: m}\n",
		"duplicate type":        "- {type: RBAC, name: a}\n- {type: RBAC, name: b}\n",
		"duplicate name":        "- {type: RBAC, name: a}\n- {type: Node, name: a}\n",
		"bad name":              "- {type: RBAC, name: Not_DNS}\n",
		"missing name":          "- {type: RBAC}\n",
		"webhook on rbac":       "- {type: RBAC, name: a, webhook: {timeout: 3s}}\n",
		"webhook missing":       "- {type: Webhook, name: w}\n",
		"webhook full":          webhook(full),
		"two webhooks":          webhook(full) + strings.Replace(webhook(full), "name: w", "name: w2", 1),
		"webhook no timeout":    webhook(strings.Replace(full, "    timeout: 3s\n", "", 1)),
		"webhook long timeout":  webhook(strings.Replace(full, "3s", "31s", 1)),
		"webhook v1beta1":       webhook(strings.Replace(full, "Version: v1", "Version: v1beta1", 1)),
		"webhook v2":            webhook(strings.Replace(full, "Version: v1", "Version: v2", 1)),
		"webhook no policy":     webhook(strings.Replace(full, "    failurePolicy: Deny\n", "", 1)),
		"webhook bad policy":    webhook(strings.Replace(full, "Deny", "Allow", 1)),
		"webhook noopinion":     webhook(strings.Replace(full, "Deny", "NoOpinion", 1)),
		"webhook in cluster":    webhook(strings.Replace(full, "{type: KubeConfigFile, kubeConfigFile: KUBECONFIG}", "{type: InClusterConfig}", 1)),
		"in cluster with file":  webhook(strings.Replace(full, "type: KubeConfigFile,", "type: InClusterConfig,", 1)),
		"relative kubeconfig":   webhook(strings.Replace(full, "KUBECONFIG", "relative/kubeconfig", 1)),
		"no connection type":    webhook(strings.Replace(full, "type: KubeConfigFile, ", "", 1)),
		"negative ttl":          webhook(full + "    authorizedTTL: -5m\n"),
		"ttls":                  webhook(full + "    authorizedTTL: 1m\n    unauthorizedTTL: 10s\n"),
		"conditions no sar":     webhook(full + "    matchConditions: [{expression: \"request.resourceAttributes.namespace == 'kube-system'\"}]\n"),
		"conditions with sar":   webhook(full + "    matchConditionSubjectAccessReviewVersion: v1\n    matchConditions: [{expression: \"request.resourceAttributes.namespace == 'kube-system'\"}]\n"),
		"condition sar v1beta1": webhook(full + "    matchConditionSubjectAccessReviewVersion: v1beta1\n"),
	}
	scheme := runtime.NewScheme()
	install.Install(scheme)
	decoder := serializer.NewCodecFactory(scheme).UniversalDecoder()
	known := sets.New("AlwaysAllow", "AlwaysDeny", "ABAC", "Webhook", "RBAC", "Node")
	repeatable := sets.New("Webhook")
	compiler := authorizationcel.NewDefaultCompiler()
	for name, body := range corpus {
		t.Run(name, func(t *testing.T) {
			data := []byte(authzHeader + "authorizers:\n" + strings.ReplaceAll(body, "KUBECONFIG", kubeconfig))
			if body == "[]\n" {
				data = []byte(authzHeader + "authorizers: []\n")
			}
			ours, _, _, err := ParseAuthorizationConfiguration("authz.yaml", data)
			require.NoError(t, err)
			obj, _, err := decoder.Decode(data, nil, nil)
			require.NoError(t, err)
			theirs := validation.ValidateAuthorizationConfiguration(compiler, field.NewPath(""), obj.(*apiserverapi.AuthorizationConfiguration), known, repeatable)
			problems := ours.Validate()
			assert.Equal(t, len(theirs) == 0, len(problems) == 0, "ours: %v\nk8s.io/apiserver: %v", problems, theirs)
		})
	}
}
