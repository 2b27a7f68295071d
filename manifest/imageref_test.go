package manifest

import (
	"testing"

	"github.com/kubeharden/kubeharden/image"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var imageSeeds = []string{
	"nginx", "nginx:1.27", "nginx:latest", "library/nginx", "docker.io/library/nginx:1.27",
	"registry.example.com:5000/team/app:v1.2.3-rc.1", "localhost/app", "localhost:5000/app:x",
	"ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	"app:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	"a__b", "a___b", "a--b", "a-_b", "a..b", "-a", "a-", "Nginx", "nginx:", ":tag", "a/", "/a", "a//b",
	"my-registry.local/x", "reg-.io/x", "1.2.3.4:80/x", "[::1]:5000/app", "REG.io/app", "app:" + string(make([]byte, 129)),
	"app@sha512:" + "ab", "x:.bad", "x:_ok", "x:-bad", "a.b.c", "a.b.c/d", "a:1/b",
}

// TestParseImage compares the fast path with distribution/reference (via
// the image package) on tricky references.
func TestParseImage(t *testing.T) {
	for _, s := range imageSeeds {
		checkImageAgreement(t, s)
	}
	r, err := parseImage("nginx:1.27")
	require.NoError(t, err)
	assert.Equal(t, imageRef{tag: "1.27"}, r)
	_, ok := fastImage("nginx:1.27")
	assert.True(t, ok, "the common case takes the fast path")
}

func checkImageAgreement(t *testing.T, s string) {
	t.Helper()
	fast, ok := fastImage(s)
	ref, err := image.ParseReference(s)
	if ok {
		require.NoError(t, err, "fast path accepted %q, the reference grammar rejects it", s)
		require.Equal(t, ref.Tag, fast.tag, s)
		require.Equal(t, ref.Digest, fast.digest, s)
	}
	got, gerr := parseImage(s)
	require.Equal(t, err == nil, gerr == nil, s)
	if err == nil {
		require.Equal(t, imageRef{tag: ref.Tag, digest: ref.Digest}, got, s)
		require.Equal(t, ref.DefaultPullPolicy(), got.defaultPullPolicy(), s)
		require.Equal(t, ref.IsLatest(), got.latest(), s)
		require.Equal(t, ref.IsNameOnly(), got.nameOnly(), s)
	}
}

// FuzzParseImage: the fast path never accepts what distribution/reference
// rejects, and never disagrees on tag or digest.
func FuzzParseImage(f *testing.F) {
	for _, s := range imageSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkImageAgreement(t, s) })
}
