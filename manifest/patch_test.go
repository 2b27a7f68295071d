package manifest

import (
	"testing"

	"github.com/stretchr/testify/assert"
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
