package image

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Test vectors from GNU coreutils sha512sum (shared/reference/image.md §3.3).
const (
	helloSHA512 = "e7c22b994c59d9cf2b48e549b1e24666636045930d3da7c1acb299d1c3b7f931f94aae41edda2c2b207a36e10f8bcb8d45223e54878f5b316e7ce3b6bc019629"
	xSHA512     = "a4abd4448c49562d828115d13a1fccea927f52b4d5459297f8b43e42da89238bc13626e43dcb38ddb082488927ec904fb42057443983e88585179d50551afe62"
	// sha256 of "hello\n" (sha256sum).
	helloSHA256 = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
	// Kubernetes v1.34.7 CHANGELOG vectors.
	k8sClientDarwin = "5b2e7a2d0d0548176196c2a4a040a72bedb3e180a64aed245aabfd7e94589cba2e445aa6518262e6f94192ee22ef9ea127c505b9135668c760e4f7867c2427f9"
	k8sClientLinux  = "a9de2b5a5b71a5d52b712940a268f643fb57edc25889f4e7fd52b04aadc56c2ae06c2e002c3f40cbb10dc1c4e459dce84f62879f12517c27ec53b4b71b2f871d"
	k8sNodeLinux    = "75db53a192c4f81e6810e4544675ba474a39fb3381b20cbeceb175091a217387d73df6d648034be4c7c07c294d97985d77204b6b54b0ed9bedb89fb879c56f3e"
)

const changelog = `<!-- BEGIN MUNGE: GENERATED_TOC -->
- [v1.34.7](#v1347)
<!-- END MUNGE: GENERATED_TOC -->

# v1.34.7

[Documentation](https://docs.k8s.io)

## Downloads for v1.34.7

### Source Code

filename | sha512 hash
-------- | -----------
[kubernetes.tar.gz](https://dl.k8s.io/v1.34.7/kubernetes.tar.gz) | ` + "`" + `0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000a` + "`" + `

### Client Binaries

filename | sha512 hash
-------- | -----------
[kubernetes-client-darwin-amd64.tar.gz](https://dl.k8s.io/v1.34.7/kubernetes-client-darwin-amd64.tar.gz) | ` + k8sClientDarwin + `
[kubernetes-client-linux-amd64.tar.gz](https://dl.k8s.io/v1.34.7/kubernetes-client-linux-amd64.tar.gz) | ` + k8sClientLinux + `

### Node Binaries

filename | sha512 hash
-------- | -----------
[kubernetes-node-linux-amd64.tar.gz](https://dl.k8s.io/v1.34.7/kubernetes-node-linux-amd64.tar.gz) | ` + k8sNodeLinux + `
[hello](https://dl.k8s.io/v1.34.7/hello) | ` + helloSHA512 + `

### Container Images

name | architectures
---- | -------------
[registry.k8s.io/kube-apiserver:v1.34.7](https://console.cloud.google.com/gcr/images/k8s-artifacts-prod/us/kube-apiserver) | [amd64](https://console.cloud.google.com/gcr/images/k8s-artifacts-prod/us/kube-apiserver-amd64), [arm64](https://x)

Some prose with a digest-looking line that is not a table row:
` + helloSHA256 + `  notes.txt

# v1.34.6

## Downloads for v1.34.6

### Node Binaries

filename | sha512 hash
-------- | -----------
[hello](https://dl.k8s.io/v1.34.6/hello) | ` + xSHA512 + `
`

func TestParseSumsChangelog(t *testing.T) {
	l, err := ParseSums("CHANGELOG-1.34.md", strings.NewReader(changelog))
	require.NoError(t, err)
	require.Len(t, l.Entries, 6)
	assert.Empty(t, l.Problems)
	e := l.Entries[1]
	assert.Equal(t, SumEntry{Name: "kubernetes-client-darwin-amd64.tar.gz", Algorithm: SHA512, Digest: k8sClientDarwin, Format: FormatChangelog,
		Source: "CHANGELOG-1.34.md", Line: 21, URL: "https://dl.k8s.io/v1.34.7/kubernetes-client-darwin-amd64.tar.gz", Release: "v1.34.7"}, e)
	assert.Equal(t, "v1.34.6", l.Entries[5].Release)
	assert.Equal(t, "hello", l.Entries[5].Name)
}

func TestParseSumsOldChangelogSHA256(t *testing.T) {
	src := "filename | sha256 hash\n-------- | -----------\n[kubernetes.tar.gz](https://dl.k8s.io/v1.8.2/kubernetes.tar.gz) | `" + helloSHA256 + "`\n"
	l, err := ParseSums("CHANGELOG-1.8.md", strings.NewReader(src))
	require.NoError(t, err)
	require.Len(t, l.Entries, 1)
	assert.Equal(t, SHA256, l.Entries[0].Algorithm)
	assert.Equal(t, helloSHA256, l.Entries[0].Digest)
}

func TestParseSumsFormats(t *testing.T) {
	tests := []struct {
		name, source, data string
		want               []SumEntry
		problems           int
	}{
		{"text", "SHA512SUMS", helloSHA512 + "  kubectl\n", []SumEntry{{Name: "kubectl", Algorithm: SHA512, Digest: helloSHA512, Format: FormatText, Line: 1}}, 0},
		{"binary", "SHA512SUMS", helloSHA512 + " *kubectl\n", []SumEntry{{Name: "kubectl", Algorithm: SHA512, Digest: helloSHA512, Format: FormatBinary, Line: 1}}, 0},
		{"tag", "SUMS", "SHA512 (kubectl) = " + helloSHA512 + "\n", []SumEntry{{Name: "kubectl", Algorithm: SHA512, Digest: helloSHA512, Format: FormatTag, Line: 1}}, 0},
		{"tag sha256", "SUMS", "SHA256 (a b) = " + strings.ToUpper(helloSHA256) + "\r\n", []SumEntry{{Name: "a b", Algorithm: SHA256, Digest: helloSHA256, Format: FormatTag, Line: 1}}, 0},
		{"escaped text", "SUMS", "\\" + xSHA512 + "  we\\\\ird\\nname\n", []SumEntry{{Name: "we\\ird\nname", Algorithm: SHA512, Digest: xSHA512, Format: FormatText, Line: 1}}, 0},
		{"escaped tag", "SUMS", "\\SHA512 (we\\\\ird) = " + xSHA512 + "\n", []SumEntry{{Name: "we\\ird", Algorithm: SHA512, Digest: xSHA512, Format: FormatTag, Line: 1}}, 0},
		{"zero", "SUMS", helloSHA512 + "  a\nb\x00" + xSHA512 + "  c\x00", []SumEntry{
			{Name: "a\nb", Algorithm: SHA512, Digest: helloSHA512, Format: FormatText, Line: 1},
			{Name: "c", Algorithm: SHA512, Digest: xSHA512, Format: FormatText, Line: 2}}, 0},
		{"bare", "kubectl.sha512", helloSHA512, []SumEntry{{Name: "kubectl", Algorithm: SHA512, Digest: helloSHA512, Format: FormatBare, Line: 1}}, 0},
		{"bare sha256 newline", "dl/kubectl.sha256", helloSHA256 + "\n", []SumEntry{{Name: "kubectl", Algorithm: SHA256, Digest: helloSHA256, Format: FormatBare, Line: 1}}, 0},
		{"mixed with problems", "SUMS", helloSHA512 + "  a\ngarbage line\n" + strings.Repeat("ab", 16) + "  md5file\nMD5 (f) = " + strings.Repeat("ab", 16) + "\n" + xSHA512 + "\n",
			[]SumEntry{{Name: "a", Algorithm: SHA512, Digest: helloSHA512, Format: FormatText, Line: 1}}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := ParseSums(tt.source, strings.NewReader(tt.data))
			require.NoError(t, err)
			for i := range tt.want {
				tt.want[i].Source = tt.source
			}
			assert.Equal(t, tt.want, l.Entries)
			assert.Len(t, l.Problems, tt.problems, "%+v", l.Problems)
		})
	}
}

func TestParseSumsErrors(t *testing.T) {
	_, err := ParseSums("x", strings.NewReader(""))
	assert.ErrorIs(t, err, ErrNoChecksums)
	_, err = ParseSums("digest.txt", strings.NewReader(helloSHA512))
	assert.ErrorIs(t, err, ErrNoChecksums, "a bare digest needs a .sha512 list name")
	_, err = ParseSums("x", strings.NewReader(strings.Repeat("a", maxSumLine+10)))
	assert.ErrorIs(t, err, ErrChecksumList)
	assert.Contains(t, err.Error(), "line 1")
	_, err = ParseSums("x", iotestErr{})
	assert.ErrorIs(t, err, ErrChecksumList)
}

type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestVerify(t *testing.T) {
	fsys := fstest.MapFS{
		"kubectl":     {Data: []byte("hello\n")},
		"bin/kubelet": {Data: []byte("x")},
		"tampered":    {Data: []byte("hello!\n")},
		"extra":       {Data: []byte("hello\n")},
		"hello":       {Data: []byte("hello\n")},
	}
	sums, err := ParseSums("SHA512SUMS", strings.NewReader(
		helloSHA512+"  kubectl\n"+xSHA512+" *kubelet\n"+helloSHA512+"  tampered\n"+helloSHA512+"  kube-proxy\n"))
	require.NoError(t, err)
	cl, err := ParseSums("CHANGELOG-1.34.md", strings.NewReader(changelog))
	require.NoError(t, err)
	bare, err := ParseSums("extra.sha256", strings.NewReader(helloSHA256))
	require.NoError(t, err)

	rep, err := Verify(context.Background(), fsys, []string{"kubectl", "bin/kubelet", "tampered", "extra", "nope", "hello", "kube-proxy", "../etc/passwd"},
		[]*SumList{sums, cl, bare}, VerifyOptions{})
	require.NoError(t, err)
	got := map[string]FileStatus{}
	for _, f := range rep.Files {
		got[f.Name] = f.Status
	}
	assert.Equal(t, map[string]FileStatus{
		"kubectl": StatusMatch, "bin/kubelet": StatusMatch, "tampered": StatusMismatch, "extra": StatusMatch,
		"nope": StatusError, "hello": StatusMatch, "kube-proxy": StatusListedAbsent, "../etc/passwd": StatusError,
	}, got)
	assert.False(t, rep.OK())
	// The CHANGELOG lists "hello" for two releases; v1.34.7 matches.
	hello := rep.Files[5]
	assert.Equal(t, "v1.34.7", hello.Entry.Release)
	assert.Len(t, hello.Candidates, 2)
	assert.Equal(t, int64(6), hello.Size)
	tampered := rep.Files[2]
	assert.Equal(t, helloSHA512, tampered.Entry.Digest)
	assert.NotEqual(t, helloSHA512, tampered.Actual[SHA512])

	r := rep.Report("SHA512SUMS")
	byRule := map[string]int{}
	for _, f := range r.Findings {
		if !f.Passed {
			byRule[f.RuleID]++
		}
	}
	assert.Equal(t, map[string]int{ruleChecksumMismatch.ID: 1, ruleChecksumListedAbsent.ID: 1}, byRule)
	assert.Len(t, r.Errors, 2)
	assert.Equal(t, ruleChecksumMismatch.Points+ruleChecksumListedAbsent.Points, r.Score)
}

func TestVerifyNotListedAndContradiction(t *testing.T) {
	fsys := fstest.MapFS{"hello": {Data: []byte("hello\n")}, "unlisted": {Data: []byte("x")}}
	cl, err := ParseSums("CHANGELOG.md", strings.NewReader(changelog))
	require.NoError(t, err)
	// A plain list that contradicts the CHANGELOG wins: mismatch.
	plain, err := ParseSums("SUMS", strings.NewReader(xSHA512+"  hello\n"))
	require.NoError(t, err)
	rep, err := Verify(context.Background(), fsys, []string{"hello", "unlisted"}, []*SumList{cl, plain}, VerifyOptions{})
	require.NoError(t, err)
	assert.Equal(t, StatusMismatch, rep.Files[0].Status)
	assert.Equal(t, "SUMS", rep.Files[0].Entry.Source)
	assert.Equal(t, StatusNotListed, rep.Files[1].Status)
	assert.Equal(t, xSHA512, rep.Files[1].Actual[SHA512])
	r := rep.Report("x")
	assert.Len(t, r.Failed(), 2)
}

func TestVerifyCheckAll(t *testing.T) {
	fsys := fstest.MapFS{"a": {Data: []byte("hello\n")}, "dir/b": {Data: []byte("x")}}
	sums, err := ParseSums("SUMS", strings.NewReader(helloSHA512+"  ./a\n"+xSHA512+"  dir/b\n"+xSHA512+"  gone\n"+xSHA512+"  /etc/shadow\n"))
	require.NoError(t, err)
	rep, err := Verify(context.Background(), fsys, nil, []*SumList{sums}, VerifyOptions{IgnoreMissing: true})
	require.NoError(t, err)
	got := map[string]FileStatus{}
	for _, f := range rep.Files {
		got[f.Name] = f.Status
	}
	assert.Equal(t, map[string]FileStatus{"a": StatusMatch, "dir/b": StatusMatch, "gone": StatusListedAbsent, "/etc/shadow": StatusError}, got)
	assert.False(t, rep.OK(), "the unsafe name is an error")

	sums, err = ParseSums("SUMS", strings.NewReader(helloSHA512+"  a\n"+xSHA512+"  gone\n"))
	require.NoError(t, err)
	rep, err = Verify(context.Background(), fsys, nil, []*SumList{sums}, VerifyOptions{IgnoreMissing: true})
	require.NoError(t, err)
	assert.True(t, rep.OK())
	okRep := rep.Report("SUMS")
	assert.Empty(t, okRep.Failed())
	rep.IgnoreMissing = false
	assert.False(t, rep.OK())
}

func TestVerifyReaderAndCancel(t *testing.T) {
	sums, err := ParseSums("SUMS", strings.NewReader(helloSHA256+"  kubectl\n"))
	require.NoError(t, err)
	res := VerifyReader(context.Background(), "kubectl", strings.NewReader("hello\n"), sums)
	assert.Equal(t, StatusMatch, res.Status)
	assert.Equal(t, helloSHA256, res.Actual[SHA256])

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res = VerifyReader(ctx, "kubectl", strings.NewReader("hello\n"), sums)
	assert.Equal(t, StatusError, res.Status)
	assert.ErrorIs(t, res.Err, context.Canceled)

	_, err = Verify(ctx, fstest.MapFS{}, []string{"a"}, nil, VerifyOptions{})
	assert.ErrorIs(t, err, context.Canceled)

	res = VerifyReader(context.Background(), "kubectl", io.MultiReader(strings.NewReader("hel"), iotestErr{}), sums)
	assert.Equal(t, StatusError, res.Status)
	var pe *fs.PathError
	assert.False(t, errors.As(res.Err, &pe))
}
