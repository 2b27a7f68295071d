package image

import (
	"errors"
	"strings"
	"testing"

	"github.com/distribution/reference"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden"
)

const testDigest = "sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31"

func TestParseReferenceNormalisation(t *testing.T) {
	tests := []struct {
		in, str, domain, path, tag, digest, familiar string
	}{
		{"nginx", "docker.io/library/nginx", "docker.io", "library/nginx", "", "", "nginx"},
		{"nginx:1.25", "docker.io/library/nginx:1.25", "docker.io", "library/nginx", "1.25", "", "nginx:1.25"},
		{"docker.io/library/nginx@" + testDigest, "docker.io/library/nginx@" + testDigest, "docker.io", "library/nginx", "", testDigest, "nginx@" + testDigest},
		{"nginx:1.25@" + testDigest, "docker.io/library/nginx:1.25@" + testDigest, "docker.io", "library/nginx", "1.25", testDigest, "nginx:1.25@" + testDigest},
		{"myacr.azurecr.io/app:v1", "myacr.azurecr.io/app:v1", "myacr.azurecr.io", "app", "v1", "", "myacr.azurecr.io/app:v1"},
		{"localhost:5000/x", "localhost:5000/x", "localhost:5000", "x", "", "", "localhost:5000/x"},
		{"localhost/x", "localhost/x", "localhost", "x", "", "", "localhost/x"},
		{"registry.k8s.io/kube-apiserver:v1.31.0", "registry.k8s.io/kube-apiserver:v1.31.0", "registry.k8s.io", "kube-apiserver", "v1.31.0", "", "registry.k8s.io/kube-apiserver:v1.31.0"},
		{"index.docker.io/bitnami/nginx", "docker.io/bitnami/nginx", "docker.io", "bitnami/nginx", "", "", "bitnami/nginx"},
		{"docker.io/nginx", "docker.io/library/nginx", "docker.io", "library/nginx", "", "", "nginx"},
		{"example/nginx", "docker.io/example/nginx", "docker.io", "example/nginx", "", "", "example/nginx"},
		{"my_registry/app", "docker.io/my_registry/app", "docker.io", "my_registry/app", "", "", "my_registry/app"},
		{"quay.io:443/org/app:1.0", "quay.io:443/org/app:1.0", "quay.io:443", "org/app", "1.0", "", "quay.io:443/org/app:1.0"},
		{"[::1]:5000/foo:bar", "[::1]:5000/foo:bar", "[::1]:5000", "foo", "bar", "", "[::1]:5000/foo:bar"},
		{"Docker.io/library/nginx", "Docker.io/library/nginx", "Docker.io", "library/nginx", "", "", "Docker.io/library/nginx"},
		{"docker.io/library/a/b", "docker.io/library/a/b", "docker.io", "library/a/b", "", "", "library/a/b"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r, err := ParseReference(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.str, r.String())
			assert.Equal(t, tt.domain, r.Domain)
			assert.Equal(t, tt.path, r.Path)
			assert.Equal(t, tt.tag, r.Tag)
			assert.Equal(t, tt.digest, r.Digest)
			assert.Equal(t, tt.familiar, r.Familiar())
			// Differential: our String and Familiar agree with the library's.
			n, err := reference.ParseNormalizedNamed(tt.in)
			require.NoError(t, err)
			assert.Equal(t, n.String(), r.String())
			assert.Equal(t, reference.FamiliarString(n), r.Familiar())
		})
	}
}

// The blank import of crypto/sha256 is what makes digests validate: without
// it go-digest reports "unsupported digest algorithm".
func TestParseReferenceDigestAlgorithmsLinked(t *testing.T) {
	_, err := ParseReference("nginx@" + testDigest)
	require.NoError(t, err)
	_, err = ParseReference("nginx@sha512:" + strings.Repeat("ab", 64))
	require.NoError(t, err)
	_, err = ParseReference("nginx@md5:" + strings.Repeat("ab", 16))
	require.Error(t, err)
}

func TestParseReferenceInvalid(t *testing.T) {
	tests := []struct {
		in      string
		wantErr error
		msg     string
	}{
		{"", reference.ErrNameEmpty, ""},
		{"NGINX", nil, "must be lowercase"},
		{"ghcr.io/Org/app", nil, "(Org/app)"},
		{"nginx:", reference.ErrReferenceInvalidFormat, ""},
		{"nginx:-bad", reference.ErrReferenceInvalidFormat, ""},
		{"nginx:tag with space", reference.ErrReferenceInvalidFormat, ""},
		{" nginx", reference.ErrReferenceInvalidFormat, ""},
		{"a/b//c", reference.ErrReferenceInvalidFormat, ""},
		{"http://registry/nginx", reference.ErrReferenceInvalidFormat, ""},
		{"nginx:" + strings.Repeat("t", 129), reference.ErrReferenceInvalidFormat, ""},
		{"nginx@sha256:abc", reference.ErrReferenceInvalidFormat, ""},
		{"nginx@sha256:" + strings.Repeat("a", 32), nil, "invalid checksum digest length"},
		{strings.Repeat("ab", 32), nil, "64-byte hexadecimal"},
		{strings.Repeat("a", 5000), nil, "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseReference(tt.in)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidReference)
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) && tt.in != "" {
				t.Errorf("error %v is not %v", err, tt.wantErr)
			}
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestReferencePredicates(t *testing.T) {
	tests := []struct {
		in                         string
		nameOnly, latest, digested bool
		pull                       string
	}{
		{"nginx", true, true, false, "Always"},
		{"nginx:latest", false, true, false, "Always"},
		{"nginx:1.25", false, false, false, "IfNotPresent"},
		{"nginx@" + testDigest, false, false, true, "IfNotPresent"},
		{"nginx:latest@" + testDigest, false, false, true, "Always"},
	}
	for _, tt := range tests {
		r, err := ParseReference(tt.in)
		require.NoError(t, err)
		assert.Equal(t, tt.nameOnly, r.IsNameOnly(), tt.in)
		assert.Equal(t, tt.latest, r.IsLatest(), tt.in)
		assert.Equal(t, tt.digested, r.IsDigested(), tt.in)
		assert.Equal(t, !tt.digested, r.IsMutable(), tt.in)
		assert.Equal(t, tt.pull, r.DefaultPullPolicy(), tt.in)
	}
}

func TestRegistryAllowed(t *testing.T) {
	tests := []struct {
		allowed []string
		image   string
		want    bool
	}{
		{nil, "anything.example/x", true},
		{[]string{"myacr.azurecr.io"}, "myacr.azurecr.io/team/app:v1", true},
		{[]string{"myacr.azurecr.io"}, "myacr.azurecr.io.evil.com/x", false},
		{[]string{"MyACR.azurecr.io"}, "myacr.azurecr.io/app", true},
		{[]string{"myacr.azurecr.io/*"}, "myacr.azurecr.io/team/app:v1", true},
		{[]string{"docker.io"}, "nginx", true},
		{[]string{"index.docker.io"}, "nginx", true},
		{[]string{"docker.io/library"}, "nginx:1.25", true},
		{[]string{"docker.io/library"}, "bitnami/nginx", false},
		{[]string{"ghcr.io/team"}, "ghcr.io/team/app", true},
		{[]string{"ghcr.io/team/"}, "ghcr.io/team/app", true},
		{[]string{"ghcr.io/team"}, "ghcr.io/teamx/app", false},
		{[]string{"ghcr.io/team"}, "ghcr.io/team", true},
		{[]string{"quay.io"}, "quay.io:443/org/app", false},
		{[]string{"quay.io:443"}, "quay.io:443/org/app", true},
		{[]string{"*.gcr.io"}, "eu.gcr.io/p/app", true},
		{[]string{"*.gcr.io"}, "gcr.io/p/app", false},
		{[]string{"*.gcr.io"}, "evilgcr.io/p/app", false},
		{[]string{"*"}, "evil.example/x", true},
		{[]string{"registry.k8s.io"}, "nginx", false},
		{[]string{"localhost:5000"}, "localhost:5000/x", true},
		{[]string{"localhost:5000"}, "localhost/x", false},
	}
	for _, tt := range tests {
		r, err := ParseReference(tt.image)
		require.NoError(t, err)
		assert.Equal(t, tt.want, Policy{AllowedRegistries: tt.allowed}.RegistryAllowed(r), "%v %s", tt.allowed, tt.image)
	}
}

func TestIsMinimalAndShellless(t *testing.T) {
	tests := []struct {
		image              string
		minimal, shellless bool
	}{
		{"scratch", true, true},
		{"SCRATCH", true, true},
		{"gcr.io/distroless/static-debian12:nonroot", true, true},
		{"gcr.io/distroless/base-debian12:debug", true, false},
		{"gcr.io/distroless/base-debian12:debug-nonroot", true, false},
		{"cgr.dev/chainguard/go:latest", true, true},
		{"cgr.dev/chainguard/go:latest-dev", true, false},
		{"alpine:3.20", true, false},
		{"node:22-alpine", true, false},
		{"python:3.12-alpine3.20", true, false},
		{"python:3.13-slim", true, false},
		{"debian:bookworm-slim", true, false},
		{"registry.k8s.io/kube-apiserver:v1.31.0", true, false},
		{"ubuntu:24.04", false, false},
		{"node:22", false, false},
		{"golang:1.23-bookworm", false, false},
		{"myslim/app:1", false, false},
		{"not a ref", false, false},
	}
	p := Policy{}
	for _, tt := range tests {
		assert.Equal(t, tt.minimal, p.IsMinimal(tt.image), "minimal %s", tt.image)
		assert.Equal(t, tt.shellless, IsShellless(tt.image), "shellless %s", tt.image)
	}
	assert.True(t, Policy{MinimalBases: []string{"myacr.azurecr.io/base"}}.IsMinimal("myacr.azurecr.io/base/runtime:1"))
	assert.False(t, Policy{MinimalBases: []string{"myacr.azurecr.io/base"}}.IsMinimal("myacr.azurecr.io/basement:1"))
}

func failedIDs(fs []kubeharden.Finding) []string {
	var out []string
	for _, f := range fs {
		if !f.Passed {
			out = append(out, f.RuleID)
		}
	}
	return out
}

func TestPolicyCheck(t *testing.T) {
	pinned := "myacr.azurecr.io/app:1.0@" + testDigest
	tests := []struct {
		name   string
		policy Policy
		image  string
		failed []string
	}{
		{"invalid", Policy{}, "NGINX", []string{"image/InvalidReference"}},
		{"untagged", Policy{}, "nginx", []string{"image/ImageTagMissing", "image/NonMinimalBase"}},
		{"untagged allowed", Policy{AllowUntagged: true}, "alpine", nil},
		{"latest", Policy{}, "alpine:latest", []string{"image/ImageLatestTag"}},
		{"latest allowed", Policy{AllowLatest: true}, "alpine:latest", nil},
		{"latest pinned", Policy{}, "alpine:latest@" + testDigest, nil},
		{"tagged", Policy{}, "alpine:3.20", nil},
		{"digest required", Policy{RequireDigest: true}, "alpine:3.20", []string{"image/ImageNotDigestPinned"}},
		{"digest present", Policy{RequireDigest: true}, "alpine@" + testDigest, nil},
		{"registry refused", Policy{AllowedRegistries: []string{"myacr.azurecr.io"}}, "alpine:3.20", []string{"image/UntrustedRegistry"}},
		{"registry allowed", Policy{AllowedRegistries: []string{"myacr.azurecr.io"}, RequireDigest: true, MinimalBases: []string{"myacr.azurecr.io"}}, pinned, nil},
		{"debug", Policy{}, "gcr.io/distroless/base:debug", []string{"image/DebugVariant"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := tt.policy.Check(tt.image)
			assert.ElementsMatch(t, tt.failed, failedIDs(fs))
			for _, f := range fs {
				assert.Empty(t, f.Path)
				assert.NotEmpty(t, f.Message)
			}
		})
	}
}

func TestCheckPullPolicy(t *testing.T) {
	tests := []struct {
		ref, policy string
		fail, ok    bool
	}{
		{"nginx:1.25", "", true, true},             // default IfNotPresent on a mutable tag
		{"nginx:1.25", "IfNotPresent", true, true}, // explicit
		{"nginx:1.25", "Never", true, true},        // never pulls: whatever the node has
		{"nginx:1.25", "Always", false, true},      // re-resolved at each start
		{"nginx", "", false, true},                 // untagged defaults to Always
		{"nginx:latest", "", false, true},          // latest defaults to Always
		{"nginx@" + testDigest, "", false, true},   // digest: immutable
		{"nginx:1@" + testDigest, "Never", false, true},
		{"NGINX", "", false, false},
	}
	for _, tt := range tests {
		f, ok := Policy{}.CheckPullPolicy(tt.ref, tt.policy)
		assert.Equal(t, tt.ok, ok, tt.ref)
		if ok {
			assert.Equal(t, "image/ImagePullPolicy", f.RuleID)
			assert.Equal(t, !tt.fail, f.Passed, "%s %q: %s", tt.ref, tt.policy, f.Message)
		}
	}
}
