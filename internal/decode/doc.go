// Package decode is kubeharden's single entry point for YAML and JSON: it
// frames streams exactly as kubectl does, converts each document with the
// API server's semantics (YAML 1.1 scalars and merge keys through go-yaml v2,
// case-sensitive field matching through sigs.k8s.io/json), turns unknown,
// duplicate and case-variant keys into FieldProblems instead of dropping
// them, enforces budgets (bytes per document, documents per stream, nesting
// depth, alias expansion) with typed errors, and resolves field paths to
// line and column lazily, only for documents that need positions.
//
// # Fast paths
//
// The common document takes paths that give the same answers for a
// fraction of the cost, and each declines to the exact path whenever it
// cannot prove it agrees:
//
//   - block YAML is indexed for positions in one pass over its lines; the
//     index also proves that no mapping has a duplicate key;
//   - such documents are converted straight to JSON text (blockToJSON),
//     with go-yaml v2's scalar resolution, without a token stream or tree;
//   - JSON documents are validated, indexed and measured in one pass;
//   - Document.Into decodes fresh k8s.io/api objects with the JSON v2
//     decoder (github.com/go-json-experiment/json) when the text has no
//     null and decodes with no unknown, duplicate or case-variant member;
//     any failure falls back to sigs.k8s.io/json, which reports problems.
//
// Differential tests over the shared corpora and fuzz targets
// (FuzzBlockJSON, FuzzBlockIndex, FuzzJSONIndex, FuzzIntoFast) hold each
// fast path to sigs.k8s.io/yaml, yaml.v3 positions, encoding/json and
// sigs.k8s.io/json respectively.
//
// The facts behind each choice are in ../shared/reference/parsing.md.
package decode
