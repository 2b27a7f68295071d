package decode

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yaml3 "go.yaml.in/yaml/v3"
)

// allPaths lists every key and index path of a yaml.v3 tree (following
// nothing through aliases: the block index declines those documents).
func allPaths(n *yaml3.Node, prefix string, out *[]string) {
	switch n.Kind {
	case yaml3.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			var p string
			if strings.ContainsAny(k, ".[]") {
				p = prefix + "[" + k + "]"
			} else if prefix == "" {
				p = k
			} else {
				p = prefix + "." + k
			}
			if strings.Contains(k, "]") {
				continue
			}
			*out = append(*out, p)
			allPaths(n.Content[i+1], p, out)
		}
	case yaml3.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", prefix, i)
			*out = append(*out, p)
			allPaths(c, p, out)
		}
	}
}

// checkAgainstTree compares the block index with the yaml.v3 lookup on
// every path of raw (plus missing ones) and reports whether the index
// answered.
func checkAgainstTree(t *testing.T, name string, raw []byte) bool {
	t.Helper()
	bi := buildBlockIndex(raw)
	if bi == nil {
		return false
	}
	checkDuplicateClaim(t, bi, raw)
	p := newPositioner(raw, 1)
	root, err := p.parse()
	require.NoError(t, err, name)
	var paths []string
	allPaths(root, "", &paths)
	for _, path := range paths {
		paths = append(paths, path+".doesNotExist")
	}
	paths = append(paths, "", "spec.template.spec.containers[7].securityContext")
	for _, path := range paths {
		wl, wc, we, _ := p.lookupTree(path)
		gl, gc, ge, ok := bi.lookup(raw, path)
		if !ok {
			continue // the positioner falls back to the tree here
		}
		if !assert.Equal(t, [3]any{wl, wc, we}, [3]any{gl, gc, ge}, "%s: %s", name, path) {
			return true
		}
	}
	return true
}

func TestBlockIndexAgreesWithYAMLTree(t *testing.T) {
	cases := map[string]string{
		"compact sequences":        "a:\n- x: 1\n  y: [1, 2]\n- z\nb:\n  c:\n  - d: {e: 1}\n    f: |\n      text\n        - not: structure\n    g: >-\n      folded\n",
		"indented sequences":       "spec:\n  containers:\n    - name: a\n      image: b\n    -\n      name: c\n",
		"quoted keys and comments": "\"a.b\": 1 # c\n'c d': 2\n# only comment\nmetadata:\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/app: runtime/default\n",
		"nested dashes":            "m:\n- - a\n  - b\n- - c: 1\n    d: 2\n",
		"plain continuation":       "a: this is\n  continued\n  on lines\nb: 2\n",
		"duplicate keys":           "a: 1\nb: 2\na: 3\n",
		"CRLF":                     "a:\r\n  b: 1\r\n  c:\r\n  - d\r\n",
		"empty values":             "a:\nb: ~\nc:\n  d:\n",
	}
	for name, in := range cases {
		assert.True(t, checkAgainstTree(t, name, []byte(in)), "%s: the block index declined", name)
	}
	for name, in := range map[string]string{
		"anchor":       "a: &x 1\nb: *x\n",
		"merge":        "a:\n  <<: {b: 1}\n",
		"flow multi":   "a: [1,\n  2]\n",
		"quoted multi": "a: \"x\n  y\"\n",
		"tag":          "a: !!str 1\n",
		"json":         "{\"a\": 1}",
		"tab indent":   "a:\n\tb: 1\n",
	} {
		assert.Nil(t, buildBlockIndex([]byte(in)), name)
	}
}

// Every YAML document of the shared corpora: the block index either
// declines or gives exactly the yaml.v3 answer for every path.
func TestBlockIndexOnCorpus(t *testing.T) {
	answered, declined := 0, 0
	eachCorpusFile(t, 1<<20, yamlExts, func(path string, data []byte) {
		frames, _ := Frames(data, path, Options{})
		for _, f := range frames {
			var n yaml3.Node
			if yaml3.Unmarshal(f.Raw, &n) != nil {
				continue
			}
			if checkAgainstTree(t, fmt.Sprintf("%s#%d", path, f.Index), f.Raw) {
				answered++
			} else {
				declined++
			}
		}
	})
	t.Logf("block index answered %d documents, declined %d", answered, declined)
	assert.Greater(t, answered, 100)
}

func TestDuplicateFree(t *testing.T) {
	tests := []struct {
		in   string
		free bool
	}{
		{"a: 1\nb: 2\nc:\n  a: 3\n", true},
		{"a: 1\nb: 2\na: 3\n", false},
		{"x:\n- a: 1\n  a: 2\n", false},
		{"x:\n- a: 1\n- a: 2\n", true},
		{"'a': 1\na: 2\n", false},
		{"x: {a: 1, a: 2}\n", false}, // flow mappings are left to go-yaml
		{"1: a\n01: b\n", false},     // both are the integer 1
		{"yes: a\ntrue: b\n", false}, // both are the boolean true
		{"data:\n" + strings.Repeat("", 0) + manyKeys(40, false), true},
		{"data:\n" + manyKeys(40, true), false},
	}
	for _, tt := range tests {
		bi := buildBlockIndex([]byte(tt.in))
		require.NotNil(t, bi, tt.in)
		assert.Equal(t, tt.free, bi.duplicateFree([]byte(tt.in)), tt.in)
		checkDuplicateClaim(t, bi, []byte(tt.in))
	}
}

func manyKeys(n int, dup bool) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  key%c%c: v\n", 'a'+i%26, 'a'+i/26)
	}
	if dup {
		b.WriteString("  keyaa: again\n")
	}
	return b.String()
}

// The block index declines documents with more keys than it holds.
func TestBlockIndexBoundsItsSize(t *testing.T) {
	var b strings.Builder
	for i := 0; i <= maxIndexNodes; i++ {
		fmt.Fprintf(&b, "k%d: 1\n", i)
	}
	assert.Nil(t, buildBlockIndex([]byte(b.String())))
	assert.NotNil(t, buildBlockIndex([]byte("a: 1\nb: [1, 2]\n")))
}
