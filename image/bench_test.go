package image

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"github.com/kubeharden/kubeharden/internal/testutil"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeLargeFile writes size pseudo-random bytes and returns the directory
// and the file's sha512 (computed with crypto/sha512 directly).
func writeLargeFile(b *testing.B, size int64) (string, string) {
	b.Helper()
	dir := b.TempDir()
	f, err := os.Create(filepath.Join(dir, "kubelet"))
	if err != nil {
		b.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range chunk {
		chunk[i] = byte(rng.Uint32())
	}
	h := sha512.New()
	w := io.MultiWriter(f, h)
	for written := int64(0); written < size; written += int64(len(chunk)) {
		chunk[0]++
		if _, err := w.Write(chunk); err != nil {
			b.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return dir, hex.EncodeToString(h.Sum(nil))
}

// BenchmarkHashLargeFile compares Verify with plain crypto/sha512 over the
// same file in the same run. The 1 GiB case only runs when the -bench
// pattern names it: go test ./image -run '^$' -bench 'HashLargeFile/1GiB'.
func BenchmarkHashLargeFile(b *testing.B) {
	sizes := []struct {
		name string
		size int64
	}{{"256MiB", 256 << 20}, {"1GiB", 1 << 30}}
	pattern := ""
	if f := flag.Lookup("test.bench"); f != nil {
		pattern = f.Value.String()
	}
	for _, s := range sizes {
		if s.name == "1GiB" && !strings.Contains(pattern, "1GiB") {
			continue
		}
		b.Run(s.name, func(b *testing.B) {
			dir, sum := writeLargeFile(b, s.size)
			list, err := ParseSums("SHA512SUMS", strings.NewReader(sum+"  kubelet\n"))
			if err != nil {
				b.Fatal(err)
			}
			b.Run("crypto-sha512", func(b *testing.B) {
				b.SetBytes(s.size)
				buf := make([]byte, 1<<20)
				for b.Loop() {
					f, err := os.Open(filepath.Join(dir, "kubelet"))
					if err != nil {
						b.Fatal(err)
					}
					h := sha512.New()
					if _, err := io.CopyBuffer(struct{ io.Writer }{h}, struct{ io.Reader }{f}, buf); err != nil {
						b.Fatal(err)
					}
					f.Close()
					if hex.EncodeToString(h.Sum(nil)) != sum {
						b.Fatal("digest differs")
					}
				}
			})
			// Interleaved: each iteration hashes with crypto/sha512 and
			// then verifies, so machine load hits both alike; reports the
			// ratio of wall and CPU time (1.00 = sha512 speed).
			b.Run("interleaved", func(b *testing.B) {
				buf := make([]byte, 1<<20)
				fsys := os.DirFS(dir)
				var shaWall, verWall, shaCPU, verCPU time.Duration
				for b.Loop() {
					w0, c0 := time.Now(), testutil.CPUTime()
					f, err := os.Open(filepath.Join(dir, "kubelet"))
					if err != nil {
						b.Fatal(err)
					}
					h := sha512.New()
					if _, err := io.CopyBuffer(struct{ io.Writer }{h}, struct{ io.Reader }{f}, buf); err != nil {
						b.Fatal(err)
					}
					f.Close()
					_ = h.Sum(nil)
					w1, c1 := time.Now(), testutil.CPUTime()
					rep, err := Verify(context.Background(), fsys, []string{"kubelet"}, []*SumList{list}, VerifyOptions{})
					if err != nil || !rep.OK() {
						b.Fatal("verify failed")
					}
					w2, c2 := time.Now(), testutil.CPUTime()
					shaWall += w1.Sub(w0)
					verWall += w2.Sub(w1)
					shaCPU += c1 - c0
					verCPU += c2 - c1
				}
				b.ReportMetric(float64(verWall)/float64(shaWall), "wall-ratio")
				if shaCPU > 0 {
					b.ReportMetric(float64(verCPU)/float64(shaCPU), "cpu-ratio")
				}
				b.ReportMetric(float64(s.size)*float64(b.N)/shaWall.Seconds()/1e6, "sha512-MB/s")
				b.ReportMetric(float64(s.size)*float64(b.N)/verWall.Seconds()/1e6, "verify-MB/s")
			})
			b.Run("Verify", func(b *testing.B) {
				b.SetBytes(s.size)
				fsys := os.DirFS(dir)
				for b.Loop() {
					rep, err := Verify(context.Background(), fsys, []string{"kubelet"}, []*SumList{list}, VerifyOptions{})
					if err != nil || !rep.OK() {
						b.Fatalf("verify failed: %v %+v", err, rep.Files)
					}
				}
			})
		})
	}
}

const benchDockerfile = `# syntax=docker/dockerfile:1
ARG GO_VERSION=1.23.4
ARG REGISTRY=docker.io
FROM ${REGISTRY}/golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends git=1:2.39.5-0 make=4.3-4.1 \
    && rm -rf /var/lib/apt/lists/*
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/root/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app ./cmd/app
RUN <<EOF
set -eu
go vet ./...
go test ./... | tee /out/test.log
set -eu
go vet ./...
go test ./... | tee /out/test.log
EOF

FROM node:22-bookworm AS web
WORKDIR /web
COPY web/package.json web/yarn.lock ./
RUN yarn install --frozen-lockfile && yarn cache clean
COPY web/ .
RUN yarn build

FROM gcr.io/distroless/static-debian12:nonroot@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31
LABEL org.opencontainers.image.title="app" org.opencontainers.image.source="https://example.com/app"
COPY --from=build /out/app /app
COPY --from=web /web/dist /static/
EXPOSE 8080/tcp
HEALTHCHECK --interval=30s CMD ["/app", "health"]
USER 65532:65532
ENTRYPOINT ["/app"]
CMD ["--serve"]
`

func BenchmarkScanDockerfile(b *testing.B) {
	data := []byte(benchDockerfile)
	opts := DockerfileOptions{Policy: Policy{AllowedRegistries: []string{"docker.io", "gcr.io"}}}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ScanDockerfile("Dockerfile", data, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseSumsChangelog(b *testing.B) {
	// A CHANGELOG-sized input: 40 releases of 4 tables, with prose.
	var sb strings.Builder
	for r := 40; r > 0; r-- {
		fmt.Fprintf(&sb, "# v1.34.%d\n\n## Changelog since v1.34.%d\n\n- Fixed a bug in the scheduler ([#12345](https://github.com/kubernetes/kubernetes/pull/12345), [@someone](https://github.com/someone))\n\n## Downloads for v1.34.%d\n\n", r, r-1, r)
		for _, sec := range []string{"Source Code", "Client Binaries", "Server Binaries", "Node Binaries"} {
			fmt.Fprintf(&sb, "### %s\n\nfilename | sha512 hash\n-------- | -----------\n", sec)
			for i := 0; i < 6; i++ {
				fmt.Fprintf(&sb, "[kubernetes-%d.tar.gz](https://dl.k8s.io/v1.34.%d/kubernetes-%d.tar.gz) | %s\n", i, r, i, helloSHA512)
			}
			sb.WriteString("\n")
		}
	}
	data := sb.String()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		l, err := ParseSums("CHANGELOG-1.34.md", strings.NewReader(data))
		if err != nil || len(l.Entries) != 40*4*6 {
			b.Fatal(err)
		}
	}
}

func BenchmarkGateTrivy(b *testing.B) {
	type vuln struct {
		VulnerabilityID, PkgName, InstalledVersion, FixedVersion, Status, Severity string
	}
	sevs := []string{"LOW", "MEDIUM", "HIGH", "CRITICAL", "UNKNOWN"}
	stats := []string{"fixed", "affected", "will_not_fix"}
	var vs []vuln
	for i := 0; i < 2000; i++ {
		vs = append(vs, vuln{fmt.Sprintf("CVE-2024-%05d", i), fmt.Sprintf("pkg%d", i%300), "1.0", "1.1", stats[i%3], sevs[i%5]})
	}
	data, err := json.Marshal(map[string]any{
		"SchemaVersion": 2, "ArtifactName": "registry.example/app:1.0", "CreatedAt": now.Add(-time.Hour),
		"Metadata": map[string]any{"RepoDigests": []string{"registry.example/app@" + testDigest}},
		"Results":  []any{map[string]any{"Target": "os", "Vulnerabilities": vs}},
	})
	if err != nil {
		b.Fatal(err)
	}
	p := TrivyPolicy{IgnoreUnfixed: true, Image: "registry.example/app@" + testDigest, Allow: []AllowedVulnerability{{ID: "CVE-2024-00003"}}}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := GateTrivy("trivy.json", data, p, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPolicyCheck(b *testing.B) {
	p := Policy{AllowedRegistries: []string{"myacr.azurecr.io/team", "*.gcr.io", "docker.io/library"}, RequireDigest: true}
	for b.Loop() {
		_ = p.Check("myacr.azurecr.io/team/app:1.0@" + testDigest)
	}
}
