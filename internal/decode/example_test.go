package decode_test

import (
	"fmt"

	"github.com/kubeharden/kubeharden/internal/decode"
	corev1 "k8s.io/api/core/v1"
)

// Split frames a stream like kubectl, and Into decodes like the API
// server: here the lower-case variant is ignored (the API server drops it)
// and reported as a problem, with its line.
func ExampleSplit() {
	stream := []byte(`apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx:1.27
    securityContext:
      allowPrivilegeEscalation: true
      allowprivilegeescalation: false
`)
	docs, errs := decode.Split(stream, "pod.yaml", decode.Options{})
	fmt.Println(len(docs), "document,", len(errs), "errors")
	var pod corev1.Pod
	problems, err := docs[0].Into(&pod)
	if err != nil {
		panic(err)
	}
	fmt.Println("allowPrivilegeEscalation:", *pod.Spec.Containers[0].SecurityContext.AllowPrivilegeEscalation)
	for _, p := range problems {
		pos := docs[0].Position(p.Path)
		fmt.Printf("%s:%d:%d %s (canonical %q)\n", pos.File, pos.Line, pos.Column, p.Kind, p.Canonical)
	}
	// Output:
	// 1 document, 0 errors
	// allowPrivilegeEscalation: true
	// pod.yaml:11:7 case-variant key (canonical "allowPrivilegeEscalation")
}
