package decode

import (
	"encoding/binary"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kubeharden/kubeharden/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// blockToJSON is convertBlock without the index and depth.
func blockToJSON(dst, raw []byte) ([]byte, bool) {
	out, _, _, ok := convertBlock(dst, raw)
	return out, ok
}

// checkBlockConversion: whenever the direct converter answers, the text is
// valid YAML for go-yaml and the JSON holds the values sigs.k8s.io/yaml
// gives. Texts with duplicate keys are out of its contract (the caller
// proves uniqueness first). It reports whether the converter answered.
func checkBlockConversion(t *testing.T, name string, raw []byte) bool {
	t.Helper()
	if !utf8.Valid(raw) {
		return false
	}
	got, idx, depth, ok := convertBlock(nil, raw)
	if !ok {
		return false
	}
	checkConverterIndex(t, name, raw, got, idx, depth)
	if _, err := yaml.YAMLToJSONStrict(raw); err != nil && strings.Contains(err.Error(), "already set in map") {
		return true
	}
	want, err := yaml.YAMLToJSON(raw)
	if !assert.NoError(t, err, "%s: %q: the direct converter accepted what sigs.k8s.io/yaml rejects; it gave %s", name, raw, got) {
		return true
	}
	assert.True(t, json.Valid(got), "%s: %q: invalid JSON %s", name, raw, got)
	assert.True(t, sameJSON(t, got, want), "%s: %q:\ndirect %s\nsigs   %s", name, raw, got, want)
	return true
}

func TestBlockToJSON(t *testing.T) {
	answered := []string{
		"a: 1\n",
		"a: yes\nb: no\nc: on\nd: ~\ne: 1_000\nf: 0x1F\ng: 012\nh: 1e6\ni: 1.5e-7\nj: Off\nk: 08\nl: 0b101\nm: -0b11\nplus: +12\no: 0o17\np: .5\nq: 1.\n",
		"a: 9223372036854775807\nb: 18446744073709551615\nc: -9223372036854775808\nd: 99999999999999999999\ne: 1e400\nf: 1000000.0\ng: -0\n",
		"a: 2001-12-14\nb: 2001-12-14 21:59:43.10\nc: 500m\nd: 256Mi\ne: 1.2.3\nf: 1e\ng: 0x\nh: -x\n",
		"a: \"line\\nbreak \\\" quote \\u00e9 \\x41 \\U0001F600 <tag> &amp;\\ttab \\N \\_ \\L \\P \\' \\\\\"\n",
		"a: 'it''s'\nb: ''\nc: \"\"\nd: '#not a comment'\ne: \"x\" # comment\n",
		"a: b # comment\nc: d#e\nf: http://x:80/y\ng: a, b [c] {d}\n",
		"a: [1, 2.5, x, null, true, \"q\", 'r', [], [a, [b]]]\nb: []\nc: [ -1 , a b ]\n",
		"a: {}\nb: {c: 1, d: [x]}\n",
		"- a\n- b\n-\n- - c\n  - d\n- e: 1\n  f: 2\n-   g: 3\n    h:\n    - i\n",
		"a:\n- b\n- c\nd:\n  - e\n  -\n    f: g\n",
		"a:\n  b:\n    c: d\n  e: f\n\n# comment\ng: h\n",
		"a: |\n  line 1\n\n  line 3\n\nb: x\n",
		"a: |-\n  x\n  y\n\n\nb: |+\n  x\n\n\nc: >\n  folded\n  text\n\n  para\n\nd: >-\n  x\n  y\n",
		"a: |\n\n  leading\n  # not a comment\n    indented\n",
		"a: |\n    text\n  # comment\nb: 1\n",
		"  a: 1\n  b: 2\n",
		"\"quoted key\": 1\n'single': 2\n",
		"a: b\n    # deep comment\nc: d\n",
		"a: x\r\nb: y\r\n",
	}
	declined := []string{
		"",
		"# only a comment\n",
		"just a scalar\n",
		"a: &x 1\nb: *x\n",
		"a: !!str 1\n",
		"<<: {a: 1}\n",
		"a: .inf\n", "a: .nan\n", "a: -.Inf\n",
		"a: b: c\n",
		"a: b\n  c\n",
		"a: 'multi\n  line'\n",
		"a: [1,\n  2]\n",
		"a:\tb\n",
		"1: a\n",
		"yes: a\n",
		"a: |2\n   x\n",
		"a: >\n  x\n    more\n  y\n",
		"a: |\n  x",
		"a: [a, ]\n",
		"a: [0?]\n", // go-yaml v2 ends flow plain scalars at '?'
		"a: {b?: 1}\n",
		"a: [a: b]\n",
		"a: {a: 1, a: 2}\n",
		"a: \"\\q\"\n",
		"a: \"\\/\"\n", // YAML 1.2 only
		"a: \"\\ud800\"\n",
		"a: -- b\n- c\n",
		"a: 1\n- b\n",
		"- a\nb: 1\n",
		"a:\n  - b\n c: 1\n",
		"---\na: 1\n",
		"a: 1\n...\n",
		"%YAML 1.1\na: 1\n",
		"a: \x01\n",
		"a: \u0085\n",
		"\ufeffa: 1\n",
		"a: x\rb: y\n",
		"a: `x`\n",
		"a: @x\n",
		"a: - b\n",
		"? a\n: b\n",
		"a: 'x' y\n",
		"a: [x] y\n",
		"a:\n  plain\n",
	}
	for _, in := range answered {
		assert.True(t, checkBlockConversion(t, in, []byte(in)), "declined %q", in)
	}
	for _, in := range declined {
		out, ok := blockToJSON(nil, []byte(in))
		assert.False(t, ok, "%q: accepted as %s", in, out)
	}
}

// The converter must agree with sigs.k8s.io/yaml on every document of the
// shared corpus it accepts, and accept most of them.
func TestBlockToJSONOnCorpus(t *testing.T) {
	answered, total := 0, 0
	eachCorpusFile(t, 1<<20, yamlExts, func(path string, data []byte) {
		frames, _ := Frames(data, path, Options{})
		for _, f := range frames {
			total++
			if checkBlockConversion(t, path, f.Raw) {
				answered++
			}
		}
	})
	t.Logf("direct conversion answered %d of %d documents", answered, total)
	assert.Greater(t, answered, total/2)
}

// eachCorpusFile calls fn with the contents of every file of the shared
// corpus that ends in one of exts and holds at most maxSize bytes; it skips
// (or fails, under KUBEHARDEN_REQUIRE_SHARED) when the corpus is absent.
func eachCorpusFile(t *testing.T, maxSize int64, exts []string, fn func(path string, data []byte)) {
	t.Helper()
	dir := testutil.SharedDir(t, "corpus")
	require.NoError(t, filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || info.Size() > maxSize || !slices.Contains(exts, filepath.Ext(path)) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		fn(path, data)
		return nil
	}))
}

// yamlExts are the corpus files read as YAML streams.
var yamlExts = []string{".yaml", ".yml"}

// FuzzBlockJSON holds the direct converter to sigs.k8s.io/yaml on any
// text it accepts.
func FuzzBlockJSON(f *testing.F) {
	f.Add([]byte("a:\n- b: 1\n  c: [1, 2]\n- d\ne: |\n  x\n"))
	f.Add([]byte("spec:\n  containers:\n    - name: a\n      securityContext:\n        privileged: true\n"))
	f.Add([]byte("a: yes\nb: 0x1F\nc: 1e6\nd: 2001-12-14\nf: .5\ng: \"\\u00e9<&>\"\nh: [1, 2.5, ~]\ni: {j: k}\n"))
	f.Add([]byte("a: >-\n  x\n\n  y\nb: |+\n  z\n\n"))
	f.Add([]byte("- - a\n  - b\n- c: 'it''s'\n  d: e # f\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return
		}
		checkBlockConversion(t, "fuzz", data)
	})
}

// The eight-byte checks agree with their byte-by-byte definitions.
func TestWordChecks(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	interesting := []byte{0, 1, '\t', '\n', '\r', 0x1f, ' ', '!', '"', '\\', '~', 0x7f, 0x80, 0xc2, 0xff, 'a', '#'}
	for n := 0; n < 200000; n++ {
		var b [8]byte
		for i := range b {
			if rng.IntN(2) == 0 {
				b[i] = interesting[rng.IntN(len(interesting))]
			} else {
				b[i] = byte(rng.IntN(256))
			}
		}
		w := binary.LittleEndian.Uint64(b[:])
		plain, special, stop := true, false, false
		for _, c := range b {
			plain = plain && (c >= 0x20 && c < 0x7f || c == '\n')
			special = special || c < 0x20 || c == '"' || c == '\\' || c >= 0x80
			stop = stop || c < 0x20 || c == '"' || c == '\\'
		}
		require.Equal(t, plain, plainWord(w), "%q", b)
		require.Equal(t, special, jsonSpecialWord(w), "%q", b)
		require.Equal(t, stop, strStopWord(w), "%q", b)
	}
}

// checkConverterIndex: the index the converter builds on the way is the
// block index's (same nodes, in the same order), answers every path as the
// yaml.v3 tree does, and the depth is the JSON's.
func checkConverterIndex(t *testing.T, name string, raw, js []byte, idx *blockIndex, depth int) {
	t.Helper()
	assert.Equal(t, jsonDepth(js), depth, "%s: %q", name, raw)
	if bi := buildBlockIndex(raw); bi != nil {
		if !assert.Equal(t, bi.nodes, idx.nodes, "%s: %q", name, raw) {
			return
		}
	}
	p := newPositioner(raw, 1)
	root, err := p.parse()
	if err != nil || root == nil {
		return
	}
	var paths []string
	allPaths(root, "", &paths)
	if len(paths) > 400 {
		paths = paths[:400]
	}
	for _, path := range append(paths, "", "nope", "a.b[3]") {
		wl, wc, we, _ := p.lookupTree(path)
		gl, gc, ge, ok := idx.lookup(raw, path)
		if ok && !assert.Equal(t, [3]any{wl, wc, we}, [3]any{gl, gc, ge}, "%s: %q: path %q", name, raw, path) {
			return
		}
	}
}

// appendJSONText writes what encoding/json decodes back to the same text,
// for strings and byte slices alike.
func TestAppendJSONText(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"a", "é", "\u2028", "\"", "\\", "\n", "\t", "\x01", "\x7f", "<>&", "\xff", "\xe2\x80", "0123456789"}
	for n := 0; n < 3000; n++ {
		var sb strings.Builder
		for k := rng.IntN(12); k > 0; k-- {
			sb.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := sb.String()
		want, err := json.Marshal(s)
		require.NoError(t, err)
		var w, g1, g2 string
		require.NoError(t, json.Unmarshal(want, &w))
		require.NoError(t, json.Unmarshal(appendJSONText(nil, s), &g1), "%q", s)
		require.NoError(t, json.Unmarshal(appendJSONText(nil, []byte(s)), &g2), "%q", s)
		require.Equal(t, w, g1, "%q", s)
		require.Equal(t, w, g2, "%q", s)
	}
}
