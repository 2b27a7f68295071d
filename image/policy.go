package image

import (
	"fmt"
	"strings"

	"github.com/kubeharden/kubeharden"
)

// Policy says which images are acceptable. The zero value is the
// recommended policy: every registry is allowed, a digest is not required,
// and untagged or ":latest" references are reported.
//
// Registry entries (AllowedRegistries, MinimalBases) have the form
//
//	registry[/path-prefix]
//
// where registry is a host with an optional port, compared exactly and
// case-insensitively ("quay.io" does not match "quay.io:443"), or
// "*.suffix" for any host ending in ".suffix", or "*" for every registry.
// A path prefix matches on "/" boundaries: "ghcr.io/team" allows
// "ghcr.io/team/app" but not "ghcr.io/teamx/app". Bare names such as
// "nginx" belong to "docker.io" (as "docker.io/library/nginx"), and
// "index.docker.io" is read as "docker.io". Nothing is a raw string
// prefix: "myacr.azurecr.io.evil.com/x" does not match "myacr.azurecr.io".
type Policy struct {
	// AllowedRegistries lists the registries (and optional repository
	// prefixes) images may come from. Empty allows every registry.
	AllowedRegistries []string `json:"allowedRegistries,omitempty"`
	// RequireDigest reports references without an "@sha256:" digest.
	RequireDigest bool `json:"requireDigest,omitempty"`
	// AllowLatest accepts an explicit ":latest" tag without a digest.
	AllowLatest bool `json:"allowLatest,omitempty"`
	// AllowUntagged accepts references with neither tag nor digest
	// (implicitly ":latest").
	AllowUntagged bool `json:"allowUntagged,omitempty"`
	// MinimalBases adds entries to the built-in list of minimal base images
	// (scratch, distroless, Chainguard, *-alpine and *-slim tags, ...).
	MinimalBases []string `json:"minimalBases,omitempty"`
}

// registryEntry is a parsed AllowedRegistries / MinimalBases entry.
type registryEntry struct {
	any    bool   // "*"
	suffix string // ".gcr.io" for "*.gcr.io"
	host   string // exact host[:port], lower case
	path   string // repository path prefix without trailing "/"
}

func parseEntry(s string) registryEntry {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, "/*")
	s = strings.TrimRight(s, "/")
	if s == "*" {
		return registryEntry{any: true}
	}
	host, p, _ := strings.Cut(s, "/")
	host = strings.ToLower(host)
	switch host {
	case "index.docker.io", "registry-1.docker.io", "hub.docker.com":
		host = "docker.io"
	}
	e := registryEntry{host: host, path: p}
	if strings.HasPrefix(host, "*.") {
		e.host, e.suffix = "", host[1:]
	}
	return e
}

func (e registryEntry) match(r Reference) bool {
	if e.any {
		return true
	}
	domain := strings.ToLower(r.Domain)
	if e.suffix != "" {
		// "*.gcr.io" matches "eu.gcr.io" and "eu.gcr.io:443", never "gcr.io".
		host, _, _ := strings.Cut(domain, ":")
		if strings.HasPrefix(domain, "[") {
			host = domain
		}
		if !strings.HasSuffix(host, e.suffix) {
			return false
		}
	} else if domain != e.host {
		return false
	}
	return pathHasPrefix(r.Path, e.path)
}

// pathHasPrefix reports whether prefix is "" or a whole-component prefix
// of p.
func pathHasPrefix(p, prefix string) bool {
	if prefix == "" {
		return true
	}
	return p == prefix || strings.HasPrefix(p, prefix+"/")
}

// RegistryAllowed reports whether r comes from an allowed registry.
func (p Policy) RegistryAllowed(r Reference) bool {
	if len(p.AllowedRegistries) == 0 {
		return true
	}
	for _, s := range p.AllowedRegistries {
		if parseEntry(s).match(r) {
			return true
		}
	}
	return false
}

// builtinMinimal is the heuristic list of minimal (small, few packages)
// base images. registry.k8s.io hosts the distroless-based control-plane
// images.
var builtinMinimal = []string{
	"gcr.io/distroless",
	"cgr.dev/chainguard",
	"docker.io/library/alpine",
	"docker.io/library/busybox",
	"mcr.microsoft.com/cbl-mariner/distroless",
	"mcr.microsoft.com/azurelinux/distroless",
	"registry.access.redhat.com/ubi8/ubi-micro",
	"registry.access.redhat.com/ubi9/ubi-micro",
	"registry.k8s.io",
}

// IsMinimal reports whether the image is a minimal base: "scratch", a
// built-in or Policy.MinimalBases entry, or a tag that names an Alpine,
// slim, distroless or static variant ("python:3.13-slim", "node:22-alpine").
func (p Policy) IsMinimal(ref string) bool {
	if IsScratch(ref) {
		return true
	}
	r, err := ParseReference(ref)
	if err != nil {
		return false
	}
	for _, s := range builtinMinimal {
		if parseEntry(s).match(r) {
			return true
		}
	}
	for _, s := range p.MinimalBases {
		if parseEntry(s).match(r) {
			return true
		}
	}
	return minimalTag(r.Tag)
}

// minimalTag reports a tag one of whose "-"-separated components names a
// minimal variant, optionally followed by a version: "22-alpine",
// "3.12-alpine3.20", "bookworm-slim", "nonroot-static".
func minimalTag(tag string) bool {
	for _, c := range strings.Split(strings.ToLower(tag), "-") {
		for _, v := range []string{"alpine", "slim", "distroless", "static", "minimal", "micro"} {
			rest, ok := strings.CutPrefix(c, v)
			if ok && strings.Trim(rest, "0123456789.") == "" {
				return true
			}
		}
	}
	return false
}

// IsScratch reports the empty base image "scratch" (any case, as BuildKit
// accepts it).
func IsScratch(ref string) bool { return strings.EqualFold(strings.TrimSpace(ref), "scratch") }

// IsShellless reports an image known to ship no shell: scratch, distroless
// (not its ":debug" variants) and Chainguard images other than "-dev".
func IsShellless(ref string) bool {
	if IsScratch(ref) {
		return true
	}
	r, err := ParseReference(ref)
	if err != nil {
		return false
	}
	switch {
	case parseEntry("gcr.io/distroless").match(r),
		parseEntry("mcr.microsoft.com/cbl-mariner/distroless").match(r),
		parseEntry("mcr.microsoft.com/azurelinux/distroless").match(r):
		return !isDebugTag(r.Tag)
	case parseEntry("cgr.dev/chainguard").match(r):
		return !strings.HasSuffix(r.Tag, "-dev") && r.Tag != "dev"
	}
	return false
}

func isDebugTag(tag string) bool {
	return tag == "debug" || strings.HasPrefix(tag, "debug-") || strings.HasSuffix(tag, "-debug") || strings.Contains(tag, "-debug-")
}

// IsDebugVariant reports a distroless ":debug" tag, which adds a busybox
// shell to an otherwise shell-less image.
func IsDebugVariant(r Reference) bool {
	return (parseEntry("gcr.io/distroless").match(r) ||
		parseEntry("mcr.microsoft.com/cbl-mariner/distroless").match(r) ||
		parseEntry("mcr.microsoft.com/azurelinux/distroless").match(r)) && isDebugTag(r.Tag)
}

// Decision is the policy's verdict on one reference, for callers that map
// it to their own rules (the manifest package does).
type Decision struct {
	Ref Reference
	// Err is the parse error; the other fields are meaningless when set.
	Err             error
	Untagged        bool // neither tag nor digest
	Latest          bool // tag "latest" and no digest
	Digested        bool
	RegistryAllowed bool
	DebugVariant    bool
	Minimal         bool
}

// Evaluate applies the policy to one reference string.
func (p Policy) Evaluate(ref string) Decision {
	r, err := ParseReference(ref)
	if err != nil {
		return Decision{Err: err}
	}
	return Decision{
		Ref:             r,
		Untagged:        r.IsNameOnly(),
		Latest:          r.Tag == "latest" && r.Digest == "",
		Digested:        r.IsDigested(),
		RegistryAllowed: p.RegistryAllowed(r),
		DebugVariant:    IsDebugVariant(r),
		Minimal:         p.IsMinimal(ref),
	}
}

// Check applies the policy to one image reference and returns one finding
// per applicable rule, passed or failed, with an empty Path for the caller
// to fill (for example "spec.containers[0].image"). A reference that does
// not parse yields a single image/InvalidReference finding.
func (p Policy) Check(ref string) []kubeharden.Finding {
	d := p.Evaluate(ref)
	if d.Err != nil {
		return []kubeharden.Finding{ruleInvalidReference.Fail(d.Err.Error(), "")}
	}
	name := d.Ref.Familiar()
	out := make([]kubeharden.Finding, 0, 6)
	add := func(rule kubeharden.Rule, failed bool, failMsg, passMsg, fix string) {
		if failed {
			f := rule.Fail(failMsg, "")
			if fix != "" {
				f.Fix = fix
			}
			out = append(out, f)
		} else {
			out = append(out, rule.Pass(passMsg, ""))
		}
	}
	out = append(out, ruleInvalidReference.Pass(fmt.Sprintf("image %q parses as %s", ref, d.Ref.String()), ""))
	add(ruleImageTagMissing, d.Untagged && !p.AllowUntagged,
		fmt.Sprintf("image %q has neither tag nor digest and resolves to :latest", name),
		fmt.Sprintf("image %q names a tag or digest", name),
		fmt.Sprintf("pin %q to a version tag and digest (%s:<version>@sha256:<digest>)", name, d.Ref.Familiar()))
	add(ruleImageLatestTag, d.Latest && !p.AllowLatest,
		fmt.Sprintf("image %q uses the mutable tag latest without a digest", name),
		fmt.Sprintf("image %q does not rely on :latest", name), "")
	if p.RequireDigest {
		add(ruleImageNotDigestPinned, !d.Digested,
			fmt.Sprintf("image %q is not pinned by digest", name),
			fmt.Sprintf("image %q is pinned by digest", name),
			fmt.Sprintf("append the digest the tag resolves to: %s@sha256:<digest>", name))
	}
	if len(p.AllowedRegistries) > 0 {
		add(ruleUntrustedRegistry, !d.RegistryAllowed,
			fmt.Sprintf("image %q comes from %s, which is not in the allowed registries (%s)", name, d.Ref.Domain+"/"+d.Ref.Path, strings.Join(p.AllowedRegistries, ", ")),
			fmt.Sprintf("image %q comes from an allowed registry", name), "")
	}
	add(ruleDebugVariant, d.DebugVariant,
		fmt.Sprintf("image %q is a debug variant that ships a busybox shell", name),
		fmt.Sprintf("image %q is not a debug variant", name),
		fmt.Sprintf("drop the debug tag of %q", name))
	add(ruleNonMinimalBase, !d.Minimal,
		fmt.Sprintf("image %q is not a known minimal image (distroless, scratch, Chainguard, alpine, slim)", name),
		fmt.Sprintf("image %q is a minimal image", name), "")
	return out
}

// CheckPullPolicy judges a container's imagePullPolicy ("" for unset) for
// image ref: a mutable reference (no digest) whose effective policy is not
// Always fails image/ImagePullPolicy. The Path is left for the caller. ok
// is false when ref does not parse (Check reports that).
func (p Policy) CheckPullPolicy(ref, pullPolicy string) (f kubeharden.Finding, ok bool) {
	r, err := ParseReference(ref)
	if err != nil {
		return kubeharden.Finding{}, false
	}
	effective, how := pullPolicy, "set to"
	if effective == "" {
		effective, how = r.DefaultPullPolicy(), "defaulted to"
	}
	name := r.Familiar()
	if r.IsMutable() && effective != "Always" {
		f = ruleImagePullPolicy.Fail(fmt.Sprintf("image %q is a mutable tag and imagePullPolicy is %s %s", name, how, effective), "")
		f.Fix = fmt.Sprintf("pin %s by digest or set imagePullPolicy: Always", name)
		return f, true
	}
	return ruleImagePullPolicy.Pass(fmt.Sprintf("image %q: imagePullPolicy %s %s", name, how, effective), ""), true
}
