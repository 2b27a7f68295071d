package main

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
	"github.com/kubeharden/kubeharden/manifest"
)

func readDeploy(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("deploy", name))
	require.NoError(t, err)
	return b
}

// TestDeployScoresTop scans the sample manifests with kubeharden itself:
// no finding above info fails on any object (the ServiceAccount and
// Service included, when the manifest package analyses them), every
// hardening rule is met, and in kubesec
// mode the Deployment gets 19, the most kubesec gives a Deployment
// (kubesec.md §3: Pod, Deployment, DaemonSet range −122 … +19).
func TestDeployScoresTop(t *testing.T) {
	entries, err := os.ReadDir("deploy")
	require.NoError(t, err)
	workloads := 0
	for _, e := range entries {
		data := readDeploy(t, e.Name())
		src := "deploy/" + e.Name()
		reports, errs := manifest.Scan(src, data, manifest.Options{})
		require.Empty(t, errs, src)
		for _, r := range reports {
			for _, f := range r.Findings {
				assert.False(t, f.Suppressed, "%s: no suppressions needed: %s", r.Object, f.RuleID)
				if f.Passed {
					continue
				}
				assert.LessOrEqual(t, f.Severity, kubeharden.SeverityInfo, "%s: %s fails at %s: %s", r.Object, f.RuleID, f.Path, f.Message)
				assert.LessOrEqual(t, f.Points, 0, "%s: hardening %s is missing", r.Object, f.RuleID)
			}
			if r.Kind == "Deployment" {
				workloads++
				assert.GreaterOrEqual(t, r.Score, 19, r.Object)
			}
		}
		compat, errs := manifest.Scan(src, data, manifest.Options{Compat: manifest.CompatKubesec})
		require.Empty(t, errs, src)
		for _, r := range compat {
			if r.Kind == "Deployment" {
				assert.Equal(t, 19, r.Score, "kubesec score of %s", r.Object)
				assert.Empty(t, r.Advise(), "kubesec advice for %s", r.Object)
			}
		}
	}
	assert.Equal(t, 1, workloads, "the Deployment is analysed")
}

// TestDeployConfiguration decodes the samples with the API types and
// checks the registration conventions, that every registered resource is
// a kind the webhook analyses (manifest's kinds and manifest/rbac's), and that the Deployment's arguments are
// flags the webhook accepts.
func TestDeployConfiguration(t *testing.T) {
	docs, errs := decode.Split(readDeploy(t, "webhook.yaml"), "webhook.yaml", decode.Options{})
	require.Empty(t, errs)
	require.Len(t, docs, 1)
	var vwc admissionregistrationv1.ValidatingWebhookConfiguration
	problems, err := docs[0].Into(&vwc)
	require.NoError(t, err)
	require.Empty(t, problems)
	kindOf := map[string]string{"pods": "Pod", "pods/ephemeralcontainers": "Pod", "replicationcontrollers": "ReplicationController",
		"podtemplates": "PodTemplate", "deployments": "Deployment", "statefulsets": "StatefulSet", "daemonsets": "DaemonSet",
		"replicasets": "ReplicaSet", "jobs": "Job", "cronjobs": "CronJob", "rolebindings": "RoleBinding", "clusterrolebindings": "ClusterRoleBinding", "roles": "Role", "clusterroles": "ClusterRole"}
	analysed := append(manifest.Kinds(), "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding") // manifest/rbac
	require.Len(t, vwc.Webhooks, 2)
	for _, w := range vwc.Webhooks {
		assert.Equal(t, []string{"v1"}, w.AdmissionReviewVersions)
		require.NotNil(t, w.SideEffects)
		assert.Equal(t, admissionregistrationv1.SideEffectClassNone, *w.SideEffects)
		require.NotNil(t, w.MatchPolicy)
		assert.Equal(t, admissionregistrationv1.Equivalent, *w.MatchPolicy)
		require.NotNil(t, w.TimeoutSeconds)
		assert.True(t, *w.TimeoutSeconds >= 1 && *w.TimeoutSeconds <= 30)
		require.NotNil(t, w.FailurePolicy)
		require.NotNil(t, w.ClientConfig.Service)
		assert.Equal(t, "/validate", *w.ClientConfig.Service.Path)
		for _, r := range w.Rules {
			assert.NotContains(t, r.Operations, admissionregistrationv1.Delete)
			for _, res := range r.Resources {
				kind, ok := kindOf[res]
				require.True(t, ok, "unexpected resource %s", res)
				assert.Contains(t, analysed, kind, res)
			}
		}
	}

	docs, errs = decode.Split(readDeploy(t, "deployment.yaml"), "deployment.yaml", decode.Options{})
	require.Empty(t, errs)
	var dep appsv1.Deployment
	for _, d := range docs {
		if d.Meta.Kind == "Deployment" {
			problems, err := d.Into(&dep)
			require.NoError(t, err)
			require.Empty(t, problems)
		}
	}
	require.Len(t, dep.Spec.Template.Spec.Containers, 1)
	args := dep.Spec.Template.Spec.Containers[0].Args
	cfg, err := parseArgs(args, io.Discard)
	require.NoError(t, err, "%v", args)
	assert.True(t, strings.HasPrefix(cfg.certFile, dep.Spec.Template.Spec.Containers[0].VolumeMounts[0].MountPath))
	assert.False(t, cfg.pol.failOpen)
	assert.True(t, slices.ContainsFunc(dep.Spec.Template.Spec.Containers[0].Ports, func(p corev1.ContainerPort) bool { return p.ContainerPort == 8443 }))
}
