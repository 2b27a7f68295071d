// Package image checks container images before they are deployed: image
// references against a registry policy, Dockerfiles against footprint and
// security rules, platform binaries against their published checksums,
// and existing Trivy reports against a vulnerability gate. Everything is
// pure and offline: no registry, daemon, vulnerability database or clock
// is consulted; files are read through an fs.FS or io.Reader the caller
// passes, and the current time is a parameter.
//
// # References and policy
//
// ParseReference normalises a reference the way the Docker CLI and the
// kubelet do, with github.com/distribution/reference (bare "nginx" is
// "docker.io/library/nginx"; a tag and a digest may both be present). The
// package links crypto/sha256 and crypto/sha512, without which go-digest
// rejects every digest as an unsupported algorithm.
//
// A Policy lists allowed registries and repository prefixes, matched on
// the normalised domain (exactly, port-aware, or "*.suffix") and on "/"
// boundaries of the path, never as raw string prefixes; it says whether a
// digest is required and whether ":latest" or untagged references are
// accepted, and which bases count as minimal. Policy.Check returns the
// findings of the image/InvalidReference, ImageTagMissing, ImageLatestTag,
// ImageNotDigestPinned, UntrustedRegistry, DebugVariant and NonMinimalBase
// rules for one reference, with the Path left empty for the caller (the
// manifest package) to fill; Policy.Evaluate returns the same verdict as
// plain booleans, and Policy.CheckPullPolicy judges a container's
// imagePullPolicy against the reference (image/ImagePullPolicy: a mutable
// tag whose effective policy is not Always).
//
// # Dockerfiles
//
// ScanDockerfile parses a Dockerfile with the sub-package
// image/dockerfile and applies the image/Dockerfile* rules, cross-referenced
// to hadolint, Trivy (DS-*), Checkov (CKV_DOCKER_*, CKV2_DOCKER_*) and
// BuildKit check ids: root or name-only final USER, unpinned or
// disallowed base images (after meta-ARG expansion, skipping scratch and
// stage names), apt recommends and package caches, ADD of local files or
// unverified URLs, curl|sh, disabled TLS or signature checks, secrets in
// ENV/ARG/RUN/COPY, sudo, SSH, build tools or a large base in the final
// image, unpinned packages, upgrades, layer bloat, dangerous file-system
// changes, shell-form commands on shell-less bases, shells added back to
// minimal images, and the correctness checks (relative WORKDIR, invalid
// ports, repeated CMD, COPY destinations and stages, duplicate stage
// names, MAINTAINER, instructions before FROM, pipes without pipefail).
// Rules about the final image look at the last stage and the stages it is
// built FROM, since other build stages only feed artefacts; secret names
// in ARG and ENV are the exception and count in every stage (they reach
// build history and provenance), as BuildKit's SecretsUsedInArgOrEnv does.
// DetectDockerfile recognises Dockerfiles by name or content.
//
// The parser is our own rather than BuildKit's: importing
// github.com/moby/buildkit/frontend/dockerfile/parser costs 35 non-standard
// packages from 6 modules (protocol buffers among them), and recent
// BuildKit releases raise the importing module's go directive to 1.26.3 or
// 1.26.8. kubeharden is built by its users' Go toolchains as a pre-commit
// hook, so that cost would reach every user, and the few hundred lines of
// grammar the linter needs (directives, escape character, continuations,
// heredocs, JSON and shell forms, flags, ENV/LABEL/ARG pairs, variable
// expansion, stages) are tested here directly, fuzzed, and compared with
// BuildKit's parser and shell lexer by differential tests and fuzzers in
// the nested module image/dockerfile/conformance, which keeps BuildKit out
// of kubeharden's own dependencies. The parser lives in its own
// sub-package, importing only the standard library, so that tools that
// need only the AST do not pull in the rules or distribution/reference.
//
// # Checksums
//
// ParseSums reads checksum lists in every published format — sha512sum or
// sha256sum text and binary lines, --tag (BSD) lines, escaped names,
// --zero lists, bare .sha512/.sha256 files and the "filename | sha512 hash"
// tables of Kubernetes CHANGELOG files — streaming, line by line. Verify
// hashes each file once through the algorithms its entries need, in
// constant memory, and reports match, mismatch, not listed or listed but
// absent per file; VerifyReport.Report turns that into findings
// (image/ChecksumMismatch, ChecksumNotListed, ChecksumListedAbsent).
//
// # Trivy reports
//
// GateTrivy gates a Trivy JSON report (schema version 2) that CI already
// produced: a severity threshold, ignore-unfixed (by Status, falling back
// to FixedVersion for older reports), allow-listed ids with expiry dates
// judged against the time passed in, package ignores, an end-of-life OS,
// report age, and a check that the report covers the digest the manifest
// deploys. Misconfiguration, secret and licence results of the report are
// not gated. Scanning itself needs Trivy's vulnerability database and is
// out of scope.
package image
