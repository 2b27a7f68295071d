package image

import (
	// go-digest only accepts an algorithm whose hash is linked into the
	// binary: without these imports every "@sha256:" reference fails with
	// "unsupported digest algorithm".
	_ "crypto/sha256"
	_ "crypto/sha512"

	"errors"
	"fmt"
	"strings"

	"github.com/distribution/reference"
)

// ErrInvalidReference wraps every error ParseReference returns; the
// distribution/reference error (ErrNameContainsUppercase, ...) stays
// reachable through errors.Is as well.
var ErrInvalidReference = errors.New("invalid image reference")

// maxReferenceLen bounds the input before the grammar's regular
// expressions run (names are limited to 255 bytes, tags to 128 and digests
// are at most a few hundred bytes).
const maxReferenceLen = 1024

// Reference is a parsed, normalised image reference.
type Reference struct {
	// Original is the string as written.
	Original string
	// Name is the fully qualified repository name ("docker.io/library/nginx").
	Name string
	// Domain is the registry host[:port] ("docker.io", "localhost:5000").
	Domain string
	// Path is the repository path within the registry ("library/nginx").
	Path string
	// Tag is the tag as written, "" when absent (no implicit "latest").
	Tag string
	// Digest is "algorithm:hex" when the reference is pinned, else "".
	Digest string
}

// ParseReference parses s the way the Docker CLI and the kubelet do
// (distribution/reference's ParseNormalizedNamed): bare names gain
// "docker.io/" and "library/", "index.docker.io" becomes "docker.io", a tag
// and a digest may both be present, and no ":latest" is added.
func ParseReference(s string) (Reference, error) {
	if len(s) > maxReferenceLen {
		return Reference{}, fmt.Errorf("%w %.40q...: longer than %d bytes", ErrInvalidReference, s, maxReferenceLen)
	}
	n, err := reference.ParseNormalizedNamed(s)
	if err != nil {
		return Reference{}, fmt.Errorf("%w %q: %w", ErrInvalidReference, s, err)
	}
	r := Reference{
		Original: s,
		Name:     n.Name(),
		Domain:   reference.Domain(n),
		Path:     reference.Path(n),
	}
	if t, ok := n.(reference.Tagged); ok {
		r.Tag = t.Tag()
	}
	if d, ok := n.(reference.Digested); ok {
		r.Digest = d.Digest().String()
	}
	return r, nil
}

// String returns the normalised form, "docker.io/library/nginx:1.25@sha256:…".
func (r Reference) String() string {
	var b strings.Builder
	b.WriteString(r.Name)
	if r.Tag != "" {
		b.WriteByte(':')
		b.WriteString(r.Tag)
	}
	if r.Digest != "" {
		b.WriteByte('@')
		b.WriteString(r.Digest)
	}
	return b.String()
}

// Familiar returns the short form the Docker UI shows ("nginx:1.25",
// "bitnami/nginx").
func (r Reference) Familiar() string {
	name := r.Name
	if r.Domain == "docker.io" {
		name = strings.TrimPrefix(r.Path, "library/")
		// "library/x/y" keeps its prefix: only single-component official
		// images are shortened.
		if strings.Contains(name, "/") && strings.HasPrefix(r.Path, "library/") {
			name = r.Path
		}
	}
	var b strings.Builder
	b.WriteString(name)
	if r.Tag != "" {
		b.WriteByte(':')
		b.WriteString(r.Tag)
	}
	if r.Digest != "" {
		b.WriteByte('@')
		b.WriteString(r.Digest)
	}
	return b.String()
}

// IsNameOnly reports a reference with neither tag nor digest, which the
// runtime resolves as ":latest".
func (r Reference) IsNameOnly() bool { return r.Tag == "" && r.Digest == "" }

// IsDigested reports a digest-pinned reference. With both a tag and a
// digest the runtime pulls by digest and ignores the tag.
func (r Reference) IsDigested() bool { return r.Digest != "" }

// IsMutable reports whether the reference can resolve to different
// content over time: no digest.
func (r Reference) IsMutable() bool { return r.Digest == "" }

// IsLatest reports a reference that resolves to the moving "latest" tag:
// tag "latest" or no tag, and no digest.
func (r Reference) IsLatest() bool {
	return r.Digest == "" && (r.Tag == "" || r.Tag == "latest")
}

// DefaultPullPolicy returns the imagePullPolicy Kubernetes defaults to for
// this reference: "Always" for ":latest" or no tag, "IfNotPresent"
// otherwise (a digest with no tag counts as tagged).
func (r Reference) DefaultPullPolicy() string {
	if r.Tag == "latest" || (r.Tag == "" && r.Digest == "") {
		return "Always"
	}
	return "IfNotPresent"
}
