package manifest

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPointer(t *testing.T) {
	for in, want := range map[string]string{
		"spec.containers[0].securityContext":                             "/spec/containers/0/securityContext",
		"metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]": "/metadata/annotations/seccomp.security.alpha.kubernetes.io~1pod",
		"metadata.annotations[a~b/c]":                                    "/metadata/annotations/a~0b~1c",
		"spec.template.metadata.annotations[x][0]":                       "/spec/template/metadata/annotations/x/0",
		"automountServiceAccountToken":                                   "/automountServiceAccountToken",
		"":                                                               "",
	} {
		assert.Equal(t, want, pointer(in), in)
	}
}

// applyPatch is a strict RFC 6902 applier for add, remove and replace:
// "add" needs the parent to exist, "remove" and "replace" the target.
func applyPatch(doc any, ops []kubeharden.PatchOp) (any, error) {
	// Round-trip the ops through JSON, as a consumer would read them.
	js, err := json.Marshal(ops)
	if err != nil {
		return nil, err
	}
	var decoded []struct {
		Op    string `json:"op"`
		Path  string `json:"path"`
		Value any    `json:"value"`
	}
	if err := json.Unmarshal(js, &decoded); err != nil {
		return nil, err
	}
	for _, op := range decoded {
		if !strings.HasPrefix(op.Path, "/") {
			return nil, fmt.Errorf("bad pointer %q", op.Path)
		}
		toks := strings.Split(op.Path[1:], "/")
		for i, t := range toks {
			toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
		}
		doc, err = applyOp(doc, toks, op.Op, op.Value)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", op.Op, op.Path, err)
		}
	}
	return doc, nil
}

var errMissing = errors.New("path does not exist")

func applyOp(node any, toks []string, op string, value any) (any, error) {
	tok := toks[0]
	last := len(toks) == 1
	switch n := node.(type) {
	case map[string]any:
		child, ok := n[tok]
		if last {
			switch op {
			case "add":
				n[tok] = value
			case "replace":
				if !ok {
					return nil, errMissing
				}
				n[tok] = value
			case "remove":
				if !ok {
					return nil, errMissing
				}
				delete(n, tok)
			default:
				return nil, fmt.Errorf("unsupported op %q", op)
			}
			return n, nil
		}
		if !ok {
			return nil, errMissing
		}
		c, err := applyOp(child, toks[1:], op, value)
		if err != nil {
			return nil, err
		}
		n[tok] = c
		return n, nil
	case []any:
		if last && op == "add" && tok == "-" {
			return append(n, value), nil
		}
		i, err := strconv.Atoi(tok)
		if err != nil || i < 0 || i > len(n) || (i == len(n) && !(last && op == "add")) {
			return nil, errMissing
		}
		if last {
			switch op {
			case "add":
				n = append(n[:i], append([]any{value}, n[i:]...)...)
			case "replace":
				n[i] = value
			case "remove":
				n = append(n[:i], n[i+1:]...)
			}
			return n, nil
		}
		c, err := applyOp(n[i], toks[1:], op, value)
		if err != nil {
			return nil, err
		}
		n[i] = c
		return n, nil
	}
	return nil, errMissing
}

func failedOf(r *kubeharden.Report, id string) int {
	n := 0
	for _, f := range r.Failed() {
		if f.RuleID == id {
			n++
		}
	}
	return n
}

var patchDocs = []string{
	`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"ns"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"},"annotations":{` +
		`"seccomp.security.alpha.kubernetes.io/pod":"runtime/default","container.apparmor.security.beta.kubernetes.io/app":"localhost/k8s-nginx","container.seccomp.security.alpha.kubernetes.io/side":"unconfined"}},` +
		`"spec":{"hostNetwork":true,"hostPID":true,"hostIPC":true,"hostAliases":[{"ip":"1.2.3.4","hostnames":["x"]}],"volumes":[{"name":"h","hostPath":{"path":"/data"}}],"containers":[` +
		`{"name":"app","image":"nginx:1.27","ports":[{"containerPort":80,"hostPort":80}],"volumeMounts":[{"name":"h","mountPath":"/h"}]},` +
		`{"name":"side","image":"busybox:1","imagePullPolicy":"IfNotPresent","securityContext":{"privileged":true,"procMount":"Unmasked","capabilities":{"add":["NET_BIND_SERVICE"]}}},` +
		`{"name":"third","image":"busybox:1","securityContext":{"runAsNonRoot":false,"allowPrivilegeEscalation":true,"capabilities":{"drop":["NET_RAW"]},"seccompProfile":{"type":"Unconfined"}}}]}}}}`,
	`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","annotations":{"container.apparmor.security.beta.kubernetes.io/c":"unconfined"}},"spec":{"securityContext":{"runAsUser":20000},` +
		`"containers":[{"name":"c","image":"x:1","securityContext":{}}],"initContainers":[{"name":"i","image":"x:1","securityContext":{"capabilities":{}}}]}}`,
	`{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"default","namespace":"ns"}}`,
}

// TestPatchesFixFindings applies each finding's patch, alone, to the
// object and rescans: the patch must be valid against the object as
// written, and the rule must fire less often afterwards.
func TestPatchesFixFindings(t *testing.T) {
	patched := map[string]int{}
	for di, doc := range patchDocs {
		reports, errs := Scan("p.json", []byte(doc), Options{})
		require.Empty(t, errs)
		require.Len(t, reports, 1)
		before := &reports[0]
		for _, f := range before.Failed() {
			if f.Patch == nil {
				continue
			}
			var obj any
			require.NoError(t, json.Unmarshal([]byte(doc), &obj))
			out, err := applyPatch(obj, f.Patch)
			require.NoError(t, err, "doc %d %s %s %+v", di, f.RuleID, f.Path, f.Patch)
			js, err := json.Marshal(out)
			require.NoError(t, err)
			after, errs := Scan("p.json", js, Options{})
			require.Empty(t, errs, "%s", js)
			require.Len(t, after, 1)
			assert.Less(t, failedOf(&after[0], f.RuleID), failedOf(before, f.RuleID), "doc %d %s %s %+v", di, f.RuleID, f.Path, f.Patch)
			if f.RuleID == ruleSeccompDeprecatedAnnotation.ID || f.RuleID == ruleAppArmorDeprecatedAnnotation.ID {
				// migrating keeps the profile in force
				for _, id := range []string{ruleSeccompProfile.ID, ruleAppArmorProfile.ID, ruleSeccompUnconfined.ID, ruleAppArmorUnconfined.ID} {
					assert.Equal(t, failedOf(before, id), failedOf(&after[0], id), "%s after migrating %s", id, f.Path)
				}
			}
			patched[f.RuleID]++
		}
	}
	for _, id := range []string{"HostNetwork", "HostPID", "HostIPC", "HostAliases", "PrivilegedContainer", "HostPort", "ProcMountUnmasked",
		"PrivilegeEscalationAllowed", "ReadOnlyRootFilesystemMissing", "CapDropAny", "CapabilitiesNotDroppedAll", "RunAsNonRoot",
		"SeccompProfileMissing", "AppArmorProfileMissing", "SeccompUnconfined", "AppArmorUnconfined", "SeccompDeprecatedAnnotation",
		"AppArmorDeprecatedAnnotation", "ServiceAccountTokenAutomount", "UserNamespace", "ImagePullPolicy", "WritableHostPath", "ServiceAccountAutomount"} {
		assert.Positive(t, patched["manifest/"+id], "no patch tested for %s", id)
	}
}

// A patch never reaches through a missing parent: every "add" path's
// parent exists in the object.
func TestPatchParentsExist(t *testing.T) {
	for _, doc := range patchDocs {
		docs, _ := decode.Split([]byte(doc), "p.json", decode.Options{})
		r, err := ScanDocument(docs[0], Options{})
		require.Nil(t, err)
		var obj any
		require.NoError(t, json.Unmarshal([]byte(doc), &obj))
		for _, f := range r.Findings {
			for _, op := range f.Patch {
				parent := op.Path[:strings.LastIndexByte(op.Path, '/')]
				if parent == "" {
					continue
				}
				_, err := applyPatch(obj, []kubeharden.PatchOp{{Op: "replace", Path: parent, Value: "probe"}})
				assert.NoError(t, err, "%s: parent of %s missing", f.RuleID, op.Path)
				require.NoError(t, json.Unmarshal([]byte(doc), &obj))
			}
		}
	}
}

// NoPatches drops every patch and changes nothing else.
func TestNoPatches(t *testing.T) {
	withPatches := 0
	for _, doc := range patchDocs {
		full, errs := Scan("p.json", []byte(doc), Options{})
		require.Empty(t, errs)
		bare, errs := Scan("p.json", []byte(doc), Options{NoPatches: true})
		require.Empty(t, errs)
		require.Len(t, bare, len(full))
		for i := range full {
			for j := range full[i].Findings {
				if full[i].Findings[j].Patch != nil {
					withPatches++
				}
				full[i].Findings[j].Patch = nil
				assert.Nil(t, bare[i].Findings[j].Patch, "%s", bare[i].Findings[j].RuleID)
			}
			assert.Equal(t, full[i], bare[i])
		}
	}
	assert.Positive(t, withPatches)
}

// Findings come out in the same order on every scan (annotations used to
// be visited in map order).
func TestScanIsDeterministic(t *testing.T) {
	for di, doc := range patchDocs {
		first, _ := Scan("p.json", []byte(doc), Options{})
		for range 30 {
			again, _ := Scan("p.json", []byte(doc), Options{})
			require.Equal(t, first, again, "doc %d", di)
		}
	}
}
