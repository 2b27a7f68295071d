package decode

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yaml3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"
)

// checkJSONAgainstTree compares the JSON locator with the yaml.v3 lookup
// on every path of a JSON text; it returns how many paths it compared.
func checkJSONAgainstTree(t *testing.T, name string, raw []byte) int {
	t.Helper()
	p := newPositioner(raw, 1)
	root, err := p.parse()
	if err != nil || root == nil {
		return 0
	}
	var paths []string
	allPaths(root, "", &paths)
	if len(paths) > 300 { // each lookup scans from the start: sample big documents
		step := len(paths) / 300
		sampled := paths[:0]
		for i := 0; i < len(paths); i += step {
			sampled = append(sampled, paths[i])
		}
		paths = sampled
	}
	for _, path := range paths {
		paths = append(paths, path+".doesNotExist", path+"[3]")
	}
	paths = append(paths, "")
	j := newJSONLocator(raw)
	n := 0
	for _, path := range paths {
		gl, gc, ge, ok := j.lookup(path)
		if !ok {
			continue
		}
		wl, wc, we, _ := p.lookupTree(path)
		if !assert.Equal(t, [3]any{wl, wc, we}, [3]any{gl, gc, ge}, "%s: %q", name, path) {
			return n
		}
		n++
	}
	return n
}

func TestJSONLocatorAgreesWithYAMLTree(t *testing.T) {
	for _, in := range []string{
		`{"a": 1, "b": {"c": [1, {"d": true}], "a": 2}, "a": 3}`,
		"{\n  \"metadata\": {\n    \"annotations\": {\"x.y/z\": \"v\"}\n  },\n  \"spec\": {\"containers\": [\n    {\"name\": \"é\", \"image\": \"ü\"}\n  ]}\n}",
		`[{"kind":"Pod"},{"kind":"Service","spec":{"ports":[{"port":80}]}}]`,
		"{\r\n  \"a\": {\r\n    \"b\": 1\r\n  }\r\n}",
	} {
		assert.Positive(t, checkJSONAgainstTree(t, in, []byte(in)), in)
	}
	// Escaped keys are left to the tree.
	_, _, _, ok := newJSONLocator([]byte(`{"a\u0062": 1}`)).lookup("ab")
	assert.False(t, ok)
}

// Every YAML document of the corpora, rendered as indented and as compact
// JSON: the locator gives the yaml.v3 answer for every path.
func TestJSONLocatorOnCorpus(t *testing.T) {
	compared := 0
	eachCorpusFile(t, 64<<10, yamlExts, func(path string, data []byte) {
		frames, _ := Frames(data, path, Options{})
		for _, f := range frames {
			var n yaml3.Node
			if yaml3.Unmarshal(f.Raw, &n) != nil {
				continue
			}
			js, err := yaml.YAMLToJSON(f.Raw)
			if err != nil || len(js) == 0 || js[0] != '{' {
				continue
			}
			var ind bytes.Buffer
			if json.Indent(&ind, js, "", "  ") != nil {
				continue
			}
			compared += checkJSONAgainstTree(t, fmt.Sprintf("%s#%d", path, f.Index), ind.Bytes())
			compared += checkJSONAgainstTree(t, fmt.Sprintf("%s#%d compact", path, f.Index), js)
		}
	})
	t.Logf("%d paths compared", compared)
	assert.Greater(t, compared, 1000)
}

func TestIndexJSONVerdicts(t *testing.T) {
	for _, in := range []string{
		`{}`, `[]`, ` {"a":1} `, `{"a":[1,2,{"b":null}],"c":"\u00e9\"\\\/\b\f\n\r\t"}`, `[-0, 0.5, 1e9, -1E-2, 2e+3, true, false, null]`,
		`{`, `}`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `[,1]`, `{"a":1 "b":2}`, `[01]`, `[1.]`, `[.5]`, `[1e]`, `[-]`, `[+1]`,
		`["a\x"]`, `["\u12G4"]`, "[\"a\tb\"]", `[tru]`, `[nul]`, `{"a":1}{"b":2}`, `{"a":1} x`, `[NaN]`, `{'a':1}`, `{a:1}`,
		"{\"a\":\r\n1}", `[[[[[]]]]]`, `"x"`, `1`,
	} {
		data := []byte(in)
		_, depth, verdict := indexJSON(data)
		assert.Equal(t, json.Valid(data), verdict == jsonValid, in)
		if verdict == jsonValid {
			assert.Equal(t, jsonDepth(data), depth, in)
		}
	}
	deep := []byte(strings.Repeat("[", maxIndexDepth+1) + strings.Repeat("]", maxIndexDepth+1))
	_, _, verdict := indexJSON(deep)
	assert.Equal(t, jsonUnsure, verdict, "texts nested beyond the indexer's bound are left to encoding/json")
}

// A document with more keys and elements than the index holds is still
// validated; its positions come from the yaml.v3 tree.
func TestIndexJSONBoundsItsSize(t *testing.T) {
	big := []byte("[" + strings.Repeat("1,", maxIndexNodes) + "1]")
	idx, depth, verdict := indexJSON(big)
	assert.Equal(t, jsonValid, verdict)
	assert.Nil(t, idx)
	assert.Equal(t, 1, depth)
	bad := []byte("[" + strings.Repeat("1,", maxIndexNodes) + "]")
	_, _, verdict = indexJSON(bad)
	assert.Equal(t, jsonInvalid, verdict)
	docs, errs := Split([]byte(`{"kind":"Pod","spec":{"x":[`+strings.Repeat("1,", maxIndexNodes)+`1]}}`), "big.json", Options{})
	require.Empty(t, errs)
	require.Len(t, docs, 1)
	assert.Equal(t, 1, docs[0].Position("spec.x").Line)
}
