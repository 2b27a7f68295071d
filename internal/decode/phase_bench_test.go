package decode

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
)

func BenchmarkPhaseBlockIndex(b *testing.B) {
	data := loadDeployment(b)
	for b.Loop() {
		bi := buildBlockIndex(data)
		bi.duplicateFree(data)
	}
}

func BenchmarkPhaseBlockToJSON(b *testing.B) {
	data := loadDeployment(b)
	buf := make([]byte, 0, 2*len(data))
	for b.Loop() {
		if _, ok := blockToJSON(buf[:0], data); !ok {
			b.Fatal("declined")
		}
	}
}

func BenchmarkPhaseIntoFast(b *testing.B) {
	data := loadDeployment(b)
	js, _ := blockToJSON(nil, data)
	for b.Loop() {
		var d appsv1.Deployment
		if !intoFast(js, &d) {
			b.Fatal("declined")
		}
	}
}

func BenchmarkPhaseMeta(b *testing.B) {
	data := loadDeployment(b)
	js, _ := blockToJSON(nil, data)
	for b.Loop() {
		var m Meta
		decodeMetaOnce(js, &m, true)
	}
}
