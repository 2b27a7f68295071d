package apiserver

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden"
)

func TestDetect(t *testing.T) {
	for name, tc := range map[string]struct {
		data string
		want bool
	}{
		"apiserver pod":   {string(manifest(APIServer, "registry.k8s.io/kube-apiserver:v1.37.2")), true},
		"etcd pod":        {string(manifest(Etcd, "registry.k8s.io/etcd:3.6.4-0")), true},
		"encryption":      {encSecretbox, true},
		"admission":       {admERL, true},
		"legacy policy":   {imagePolicyClosed, true},
		"authn":           {authnHeader + "anonymous: {enabled: false}\n", true},
		"authz":           {authzHeader + "authorizers: []\n", true},
		"nginx pod":       {"apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: web, image: nginx}]\n", false},
		"deployment":      {"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: kube-apiserver}\n", false},
		"kubelet config":  {"apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n", false},
		"garbage":         {"{{{", false},
		"image by repo":   {"apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{name: c, image: 'registry.k8s.io/kube-scheduler:v1.37.2', args: [--profiling=false]}]\n", true},
		"command by path": {"apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{name: c, image: busybox, command: [/usr/local/bin/etcd]}]\n", true},
	} {
		assert.Equal(t, tc.want, Detect(name, []byte(tc.data)), name)
	}
}

func TestScanUnsupportedAndErrors(t *testing.T) {
	_, err := Scan("web.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"), Options{})
	assert.ErrorIs(t, err, ErrUnsupportedInput)
	var ie *kubeharden.InputError
	require.True(t, errors.As(err, &ie))
	assert.Equal(t, "web.yaml", ie.Source)

	_, err = Scan("bad.yaml", []byte("a: [\n"), Options{})
	require.Error(t, err)

	// A broken document next to a good one: the report carries the error.
	data := append(manifest(Scheduler, "registry.k8s.io/kube-scheduler:v1.37.2", "--profiling=false"), "---\na: [\n"...)
	reps, err := Scan("two.yaml", data, Options{})
	require.NoError(t, err)
	require.Len(t, reps, 1)
	assert.NotEmpty(t, reps[0].Errors)

	// A wrong type in the pod is an input error naming file and line.
	_, err = Scan("wrongtype.yaml", []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n  - name: etcd\n    command: 5\n"), Options{})
	require.True(t, errors.As(err, &ie))
	assert.GreaterOrEqual(t, ie.Line, 5, "at the containers list or the field (decode positions the nearest node it resolves)")
	assert.Contains(t, err.Error(), "wrongtype.yaml")
}

func TestScanStandaloneConfigFiles(t *testing.T) {
	reps, err := Scan("enc.yaml", []byte(encIdentity), Options{})
	require.NoError(t, err)
	require.Len(t, reps, 1)
	assert.Equal(t, "EncryptionConfiguration", reps[0].Kind)
	assert.False(t, verdict(t, reps[0], "EncryptionProviders").Passed)
	assert.True(t, ruleFailed(reps[0], "EncryptionIdentityFirst"))
	assert.Less(t, reps[0].Score, 0)
	f := verdict(t, reps[0], "EncryptionProviders")
	assert.Equal(t, 6, f.Position.Line, "points at the identity provider")

	reps, err = Scan("enc.yaml", []byte(encSecretbox+"unknownField: 1\n"), Options{})
	require.NoError(t, err)
	assert.True(t, verdict(t, reps[0], "EncryptionProviders").Passed)
	assert.True(t, ruleFailed(reps[0], "UnknownField"))

	reps, err = Scan("/etc/kubernetes/admission.yaml", []byte(admERL), Options{FS: mapFS(checkFiles)})
	require.NoError(t, err)
	assert.Equal(t, "AdmissionConfiguration", reps[0].Kind)
	assert.False(t, ruleFailed(reps[0], "ImagePolicyFailOpen"), "imagepolicy.yaml read relative to the file")
	assert.NotEmpty(t, findings(reps[0], "ImagePolicyFailOpen"))
	assert.False(t, ruleFailed(reps[0], "ConfigInvalid"))

	reps, err = Scan("ipw.yaml", []byte(imagePolicyOpen), Options{})
	require.NoError(t, err)
	assert.True(t, ruleFailed(reps[0], "ImagePolicyFailOpen"))

	reps, err = Scan("authn.yaml", []byte(authnHeader+"anonymous: {enabled: true}\n"), Options{})
	require.NoError(t, err)
	assert.False(t, verdict(t, reps[0], "AnonymousAuth").Passed)

	reps, err = Scan("authz.yaml", []byte(authzHeader+"authorizers:\n- {type: Node, name: node}\n- {type: RBAC, name: rbac}\n"), Options{})
	require.NoError(t, err)
	assert.True(t, verdict(t, reps[0], "AuthorizationNode").Passed)
	assert.True(t, verdict(t, reps[0], "AuthorizationNotAlwaysAllow").Passed)
}

func TestScanNoFS(t *testing.T) {
	// Without a file system, checks that need a referenced file say so.
	reps, err := Scan("api.yaml", manifest(APIServer, "registry.k8s.io/kube-apiserver:v1.37.2", "--encryption-provider-config=/etc/kubernetes/enc.yaml"), Options{})
	require.NoError(t, err)
	f := verdict(t, reps[0], "EncryptionProviders")
	assert.False(t, f.Passed)
	assert.Contains(t, f.Message, "could not evaluate")
	assert.Contains(t, messages(findings(reps[0], "ConfigUnreadable")), ErrNoFS.Error())
}
