package apiserver

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden"
)

// manifest builds a static pod for comp whose command is the binary
// followed by args, with /etc/kubernetes mounted from the host.
func manifest(comp Component, image string, args ...string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\n  namespace: kube-system\nspec:\n  containers:\n  - name: %s\n    image: %s\n    command:\n    - %s\n", comp, comp, image, comp)
	for _, a := range args {
		q, _ := json.Marshal(a)
		fmt.Fprintf(&b, "    - %s\n", q)
	}
	b.WriteString("    volumeMounts:\n    - {name: k8s, mountPath: /etc/kubernetes}\n  volumes:\n  - {name: k8s, hostPath: {path: /etc/kubernetes}}\n")
	return []byte(b.String())
}

func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for k, v := range files {
		m[k] = &fstest.MapFile{Data: []byte(v), Mode: 0o600}
	}
	return m
}

// scanOne scans a manifest of comp and returns its single report.
func scanOne(t *testing.T, comp Component, files map[string]string, args ...string) kubeharden.Report {
	t.Helper()
	img := "registry.k8s.io/" + string(comp) + ":v1.37.2"
	if comp == Etcd {
		img = "registry.k8s.io/etcd:3.6.4-0"
	}
	reps, err := Scan(string(comp)+".yaml", manifest(comp, img, args...), Options{FS: mapFS(files)})
	require.NoError(t, err)
	require.Len(t, reps, 1)
	return reps[0]
}

// findings returns the findings of rule name ("AnonymousAuth").
func findings(r kubeharden.Report, name string) []kubeharden.Finding {
	var out []kubeharden.Finding
	for _, f := range r.Findings {
		if f.RuleID == "apiserver/"+name {
			out = append(out, f)
		}
	}
	return out
}

// verdict requires exactly one finding of rule name and returns it.
func verdict(t *testing.T, r kubeharden.Report, name string) kubeharden.Finding {
	t.Helper()
	fs := findings(r, name)
	require.Len(t, fs, 1, "findings of %s in %s: %+v", name, r.Object, fs)
	return fs[0]
}

// ruleFailed reports whether any finding of rule name failed.
func ruleFailed(r kubeharden.Report, name string) bool {
	for _, f := range findings(r, name) {
		if !f.Passed {
			return true
		}
	}
	return false
}
