// Command kubesec-server is a drop-in replacement for `kubesec http PORT`:
// an HTTP server that scores Kubernetes manifests posted to it, built on
// kubeharden's manifest analyzer and renderers.
//
// # API (kubesec compatible)
//
//	POST /scan, POST /        body: raw YAML or JSON, one or many documents
//	                          (a leading "file=" is stripped, as kubesec does
//	                          for the kubesec.io form). Any method other than
//	                          GET and HEAD scans, as in kubesec.
//	  200 application/json    kubesec's pretty-printed report array, with
//	                          "fileName": "API"
//	  400 text/plain          unparseable input (the error text, one line per
//	                          error), "Invalid input" for an empty body or a
//	                          body without any document, "invalid rule IDs
//	                          requested: A, B" for unknown ?rule= ids
//	  413 text/plain          the body exceeds --max-body (default 3 MiB)
//	  503 text/plain          every scan slot stayed busy for --queue-timeout
//	GET /, GET /scan          303 redirect to https://kubesec.io
//	GET /healthz              200 "OK"
//
// Query parameters:
//
//	rule=ID        repeatable (or comma-separated): run only these rules. In
//	               kubesec mode the ids are kubesec's (Privileged,
//	               RunAsNonRoot, ...); in kubeharden mode kubesec ids and
//	               kubeharden rule IDs (manifest/PrivilegedContainer) are
//	               accepted. The score is recomputed from the selected rules.
//	compat=kubesec|none
//	               kubesec (the default, see --compat) reproduces kubesec's
//	               30 rules and scores exactly (kubesec's rules-only mode);
//	               none is kubeharden's own analysis: every workload kind,
//	               every container, kubesec's known defects fixed, positions.
//	               In this mode a bad document does not abort the request:
//	               the good ones are reported and the bad ones are listed
//	               (valid: false entries, or "errors" in JSON); 400 only
//	               when nothing could be analysed. Kinds it does not analyse
//	               yield no report (a lone custom resource answers []).
//	format=kubesec|json|sarif
//	               kubesec (default) is kubesec's array; json is kubeharden's
//	               native JSON contract; sarif is SARIF 2.1.0
//	               (application/sarif+json).
//
// # Load handling
//
// Request bodies are capped (--max-body, 413 beyond; a Content-Length over
// the cap is refused before reading). Connections have read (5 s), write
// (60 s) and idle (15 s) timeouts, kubesec's values, plus a header timeout,
// so slow clients that trickle headers or bodies are cut off. Admission has
// two stages: at most --max-reading requests (default 64) may read and hold
// a body, and at most --max-concurrent of those (default 2 per CPU) may
// scan at a time; a request that finds no place within --queue-timeout
// (default 2 s, one deadline for both waits) gets 503 with Retry-After: 1.
// Slow senders therefore hold a reading place (for at most the read
// timeout) but never a scan slot, and memory is bounded by about
// max-reading × max-body plus max-concurrent scan working sets. Every
// document goes through kubeharden's decoder with its budgets (document
// size, document count --max-documents, nesting depth, YAML alias
// expansion), so alias bombs and deeply nested documents are rejected with
// 400 in bounded time.
// The process runs with GOGC=400 unless $GOGC is set (--gc-percent): a scan
// keeps a live heap of a few MiB and produces short-lived garbage, so this
// trades about 10 MiB for a quarter less CPU; --memory-limit sets a soft
// limit. SIGTERM or SIGINT stops accepting connections and waits up to
// --shutdown-timeout for in-flight requests. Every request is logged as one
// JSON line (log/slog) on standard error.
//
// # Intentional differences from kubesec
//
//   - No schema validation (kubesec downloads a JSON schema per document):
//     reports are kubesec's rules-only results, so "valid" is always true.
//   - Documents are framed as kubectl frames them ("--- # comment", CRLF,
//     List kinds and JSON streams are split), so an input can yield more
//     reports than kubesec gives; comment-only documents are skipped rather
//     than reported as "Unknown".
//   - Error texts name the document and line ("API: document 1: line 3:
//     syntax error: ..."), and kubesec's crashes on non-boolean hostNetwork,
//     hostPID or hostIPC are 400 answers.
//   - No ?in-toto=1 signing and no /metrics endpoint.
package main
