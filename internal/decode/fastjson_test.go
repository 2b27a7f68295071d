package decode

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"sigs.k8s.io/yaml"
)

// sameJSON compares two JSON texts as values (numbers kept exact).
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	da := json.NewDecoder(bytes.NewReader(a))
	da.UseNumber()
	db := json.NewDecoder(bytes.NewReader(b))
	db.UseNumber()
	if da.Decode(&va) != nil || db.Decode(&vb) != nil {
		return false
	}
	return assert.ObjectsAreEqual(va, vb)
}

// checkFastConversion: when the fast path answers, it answers what
// sigs.k8s.io/yaml does (same values, same error or success).
func checkFastConversion(t *testing.T, name string, raw []byte) bool {
	t.Helper()
	got, err := yamlToJSONFast(raw)
	if err == errFastPath {
		return false
	}
	want, werr := yaml.YAMLToJSON(raw)
	if werr != nil || err != nil {
		assert.Equal(t, werr != nil, err != nil, "%s: fast %v, sigs %v", name, err, werr)
		return true
	}
	assert.True(t, sameJSON(t, got, want), "%s:\nfast %s\nsigs %s", name, got, want)
	return true
}

func TestFastConversionAgreesWithSigsYAML(t *testing.T) {
	for _, in := range []string{
		"a: yes\nb: no\nc: on\nd: ~\ne: 1_000\nf: 0x1F\ng: 012\nh: 1e6\ni: 1.5e-7\nj: .inf\n",
		"a: 2001-12-14\nb: '2001-12-14'\nc: !!str 12\nd: !!binary aGVsbG8=\n",
		"a: \"line\\nbreak \\\" quote \\u00e9 <tag> &amp;\"\nb: |\n  text\n  more\n",
		"a: 9223372036854775807\nb: 18446744073709551615\nc: -9223372036854775808\nd: 1000000\ne: 1000000.0\n",
		"a: [1, 2.5, x, null, true]\nb: {c: {d: []}}\nc: {}\n",
		"a: .nan\n",
		"- a\n- b\n",
		"just a scalar\n",
		"1: a\n",
		"a: &x 1\nb: *x\n",
	} {
		checkFastConversion(t, in, []byte(in))
	}
}

func TestFastConversionOnCorpus(t *testing.T) {
	answered := 0
	eachCorpusFile(t, 1<<20, yamlExts, func(path string, data []byte) {
		frames, _ := Frames(data, path, Options{})
		for _, f := range frames {
			bi := buildBlockIndex(f.Raw)
			if bi == nil || !bi.duplicateFree(f.Raw) {
				continue
			}
			if checkFastConversion(t, path, f.Raw) {
				answered++
			}
		}
	})
	t.Logf("fast conversion answered %d documents", answered)
	assert.Greater(t, answered, 300)
}

func BenchmarkYAMLToJSONSigs(b *testing.B) {
	data := loadDeployment(b)
	for b.Loop() {
		if _, err := yaml.YAMLToJSON(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkYAMLToJSONFast(b *testing.B) {
	data := loadDeployment(b)
	for b.Loop() {
		if _, err := yamlToJSONFast(data); err != nil {
			b.Fatal(err)
		}
	}
}
