package decode

import (
	"os"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

func loadDeployment(b *testing.B) []byte {
	data, err := os.ReadFile("testdata/deployment.yaml")
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkAPIServerDecode is the baseline: the API server's decode path.
func BenchmarkAPIServerDecode(b *testing.B) {
	data := loadDeployment(b)
	b.ReportAllocs()
	for b.Loop() {
		js, err := yaml.YAMLToJSON(data)
		if err != nil {
			b.Fatal(err)
		}
		var d appsv1.Deployment
		if err := kjson.UnmarshalCaseSensitivePreserveInts(js, &d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSplitInto is our path: framing, budgets, conversion with
// duplicate detection, metadata, strict typed decode.
func BenchmarkSplitInto(b *testing.B) {
	data := loadDeployment(b)
	b.ReportAllocs()
	for b.Loop() {
		docs, errs := Split(data, "d.yaml", Options{})
		if len(errs) > 0 || len(docs) != 1 {
			b.Fatal(errs)
		}
		var d appsv1.Deployment
		if _, err := docs[0].Into(&d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPosition(b *testing.B) {
	data := loadDeployment(b)
	b.ReportAllocs()
	for b.Loop() {
		docs, _ := Split(data, "d.yaml", Options{})
		p := docs[0].Position("spec.template.spec.containers[1].securityContext.readOnlyRootFilesystem")
		if p.Line == 0 {
			b.Fatal("no line")
		}
	}
}

func BenchmarkSplitJSONStream(b *testing.B) {
	data := loadDeployment(b)
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		b.Fatal(err)
	}
	stream := []byte(strings.Repeat(string(js)+"\n", 100))
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		docs, errs := Split(stream, "d.json", Options{})
		if len(errs) > 0 || len(docs) != 100 {
			b.Fatal(errs)
		}
	}
}

func BenchmarkPositionsBlockIndex(b *testing.B) {
	data := loadDeployment(b)
	b.ReportAllocs()
	for b.Loop() {
		bi := buildBlockIndex(data)
		if _, _, _, ok := bi.lookup(data, "spec.template.spec.containers[1].securityContext.readOnlyRootFilesystem"); !ok {
			b.Fatal("declined")
		}
	}
}

func BenchmarkPositionsYAMLTree(b *testing.B) {
	data := loadDeployment(b)
	b.ReportAllocs()
	for b.Loop() {
		p := newPositioner(data, 1)
		if _, _, _, ok := p.lookupTree("spec.template.spec.containers[1].securityContext.readOnlyRootFilesystem"); !ok {
			b.Fatal("no answer")
		}
	}
}
