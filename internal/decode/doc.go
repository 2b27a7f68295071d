// Package decode is kubeharden's single entry point for YAML and JSON: it
// frames streams exactly as kubectl does, converts each document with the
// API server's semantics (YAML 1.1 scalars and merge keys through go-yaml v2,
// case-sensitive field matching through sigs.k8s.io/json), turns unknown,
// duplicate and case-variant keys into FieldProblems instead of dropping
// them, enforces budgets (bytes per document, documents per stream, nesting
// depth, alias expansion) with typed errors, and resolves field paths to
// line and column lazily, only for documents that need positions.
//
// The facts behind each choice are in ../shared/reference/parsing.md.
package decode
