package dockerfile_test

import (
	"fmt"

	"github.com/kubeharden/kubeharden/image/dockerfile"
)

func ExampleParse() {
	src := `ARG BASE=alpine:3.20
FROM golang:1.23 AS build
RUN <<EOF
go build -o /app .
EOF
FROM ${BASE}
COPY --from=build /app /app
USER 65532
`
	f, err := dockerfile.Parse([]byte(src))
	if err != nil {
		panic(err)
	}
	for _, s := range f.Stages {
		fmt.Printf("stage %d %q FROM %s (line %d)\n", s.Index, s.Name, s.Base, s.From.StartLine)
		for _, in := range s.Instructions {
			fmt.Printf("  %s lines %d-%d\n", in.Cmd, in.StartLine, in.EndLine)
		}
	}
	// Output:
	// stage 0 "build" FROM golang:1.23 (line 2)
	//   RUN lines 3-5
	// stage 1 "" FROM alpine:3.20 (line 6)
	//   COPY lines 7-7
	//   USER lines 8-8
}
