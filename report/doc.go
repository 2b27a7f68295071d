// Package report renders kubeharden reports: human text (grouped by file
// and object, coloured only when asked), the native JSON contract of
// DESIGN.md, kubesec's `kubesec scan` JSON schema, SARIF 2.1.0 for GitHub
// code scanning, JUnit XML for CI test tabs, RFC 6902 patches, and
// kube-bench's --json layout for the CIS Kubernetes Benchmark findings of
// any analyzer (WriteKubeBench; its check table, zcis.go, is generated from
// ../shared/reference/cis-checks.json by internal/gencis: go generate).
//
// It imports only the root package, so any tool built on a single analyzer
// can render its results without pulling in the others.
package report
