package decode

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"sigs.k8s.io/yaml"

	corev1 "k8s.io/api/core/v1"
)

// FuzzSplit feeds arbitrary bytes through framing, conversion, typed decode
// and position lookup with small budgets. It must never panic or hang, and
// every error must name its source.
func FuzzSplit(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    securityContext: {privileged: true}\n"))
	f.Add([]byte(`{"kind":"List","items":[{"kind":"Pod","spec":{"hostNetwork":"1"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := Options{MaxDocumentBytes: 64 << 10, MaxDocuments: 50, MaxAliasBytes: 64 << 10, MaxDepth: 200}
		docs, errs := Split(data, "fuzz.yaml", opts)
		for _, e := range errs {
			if e.Source != "fuzz.yaml" || e.Err == nil {
				t.Fatalf("error without source or cause: %#v", e)
			}
		}
		for _, d := range docs {
			var p corev1.Pod
			ps, err := d.Into(&p)
			if err == nil {
				_ = ProblemFindings("fuzz", d, ps)
			}
			_ = d.Position("spec.containers[0].securityContext.privileged")
			_ = d.Position("metadata.annotations[a.b/c]")
		}
	})
}

// FuzzBlockIndex holds the fast position index to the yaml.v3 answers on
// any text both accept.
func FuzzBlockIndex(f *testing.F) {
	f.Add([]byte("a:\n- b: 1\n  c: [1, 2]\n- d\ne: |\n  x\n"))
	f.Add([]byte("spec:\n  containers:\n    - name: a\n      securityContext:\n        privileged: true\n"))
	f.Add([]byte("'a': 1\n\"b\": {c: 1}\nd: x\n  y\n"))
	f.Add([]byte("a: yes\nb: 0x1F\nc: 1e6\nd: 2001-12-14\ne: !!binary aGVsbG8=\nf: .nan\ng: \"\\u00e9<&>\"\nh: [1, 2.5, ~]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return
		}
		bi := buildBlockIndex(data)
		if bi == nil {
			return
		}
		checkDuplicateClaim(t, bi, data)
		if bi.duplicateFree(data) {
			checkFastConversion(t, "fuzz", data)
			checkBlockConversion(t, "fuzz", data)
		}
		p := newPositioner(data, 1)
		root, err := p.parse()
		if err != nil || root == nil {
			return
		}
		var paths []string
		allPaths(root, "", &paths)
		for _, path := range paths {
			wl, wc, we, _ := p.lookupTree(path)
			gl, gc, ge, ok := bi.lookup(data, path)
			if ok && (wl != gl || wc != gc || we != ge) {
				t.Fatalf("%q: path %s: tree %d:%d %v, index %d:%d %v", data, path, wl, wc, we, gl, gc, ge)
			}
		}
	})
}

// checkDuplicateClaim: when the index proves a document free of duplicate
// keys, go-yaml's strict decoder must agree.
func checkDuplicateClaim(t *testing.T, bi *blockIndex, data []byte) {
	t.Helper()
	if !bi.duplicateFree(data) {
		return
	}
	if _, err := yaml.YAMLToJSONStrict(data); err != nil && strings.Contains(err.Error(), "already set in map") {
		t.Fatalf("%q: index claims no duplicate keys, go-yaml says %v", data, err)
	}
}

// FuzzJSONIndex holds the JSON locator to the yaml.v3 answers on any valid
// JSON text.
func FuzzJSONIndex(f *testing.F) {
	f.Add([]byte(`{"a":{"b":[1,{"c":"d"}],"e":{}},"f":[[],[2]]}`))
	f.Add([]byte("{\n  \"x\": \"é\",\n  \"y\": [ true , null ]\n}"))
	f.Add([]byte(`[1, -0.5e+3, "\u00e9\n", true, false, null, {}, [], {"a": {"b": [0]}}]`))
	f.Add([]byte(`{"a": 01}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return
		}
		checkJSONVerdict(t, data)
		if !json.Valid(data) {
			return
		}
		checkJSONAgainstTree(t, "fuzz", data)
	})
}

// checkJSONVerdict: the indexer's validity verdict is json.Valid's, and
// its depth is jsonDepth's.
func checkJSONVerdict(t *testing.T, data []byte) {
	t.Helper()
	if !utf8.Valid(data) {
		return
	}
	_, depth, verdict := indexJSON(data)
	if verdict == jsonUnsure {
		return
	}
	if valid := json.Valid(data); valid != (verdict == jsonValid) {
		t.Fatalf("%q: json.Valid %v, indexer %v", data, valid, verdict)
	}
	if verdict == jsonValid && depth != jsonDepth(data) {
		t.Fatalf("%q: depth %d, jsonDepth %d", data, depth, jsonDepth(data))
	}
}
