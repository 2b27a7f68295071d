package image_test

import (
	"context"
	"fmt"
	"strings"
	"testing/fstest"
	"time"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/image"
)

func ExampleParseReference() {
	r, err := image.ParseReference("nginx:1.25")
	if err != nil {
		panic(err)
	}
	fmt.Println(r.String())
	fmt.Println(r.Domain, r.Path, r.Tag)
	fmt.Println(r.DefaultPullPolicy())
	// Output:
	// docker.io/library/nginx:1.25
	// docker.io library/nginx 1.25
	// IfNotPresent
}

func ExamplePolicy_Check() {
	p := image.Policy{AllowedRegistries: []string{"myacr.azurecr.io/team"}, RequireDigest: true}
	for _, ref := range []string{"myacr.azurecr.io.evil.com/team/app:1", "myacr.azurecr.io/team/app:latest"} {
		for _, f := range p.Check(ref) {
			if !f.Passed {
				fmt.Println(f.RuleID)
			}
		}
	}
	// Output:
	// image/ImageNotDigestPinned
	// image/UntrustedRegistry
	// image/NonMinimalBase
	// image/ImageLatestTag
	// image/ImageNotDigestPinned
	// image/NonMinimalBase
}

func ExampleScanDockerfile() {
	src := `ARG TAG=latest
FROM ubuntu:${TAG}
RUN curl -fsSL https://example.com/install.sh | sh
USER root
`
	rep, err := image.ScanDockerfile("Dockerfile", []byte(src), image.DockerfileOptions{})
	if err != nil {
		panic(err)
	}
	for _, f := range rep.Critical() {
		fmt.Printf("%s line %d: %s\n", f.RuleID, f.Position.Line, f.Message)
	}
	// Output:
	// image/DockerfileCurlPipeShell line 3: RUN pipes curl output into sh
	// image/DockerfileRootUser line 4: the final stage's last USER is "root"
	// image/DockerfileBuildToolsInFinal line 2: the final image builds on ubuntu:latest, which is not a minimal base
	// image/DockerfileUnpinnedBase line 2: FROM ubuntu:latest uses the latest tag without a digest
}

func ExampleVerify() {
	// sha512 of "hello\n", as sha512sum prints it.
	sums := "e7c22b994c59d9cf2b48e549b1e24666636045930d3da7c1acb299d1c3b7f931f94aae41edda2c2b207a36e10f8bcb8d45223e54878f5b316e7ce3b6bc019629  kubectl\n"
	list, err := image.ParseSums("SHA512SUMS", strings.NewReader(sums))
	if err != nil {
		panic(err)
	}
	files := fstest.MapFS{"kubectl": {Data: []byte("hello\n")}, "kubelet": {Data: []byte("x")}}
	rep, err := image.Verify(context.Background(), files, []string{"kubectl", "kubelet"}, []*image.SumList{list}, image.VerifyOptions{})
	if err != nil {
		panic(err)
	}
	for _, f := range rep.Files {
		fmt.Println(f.Name, f.Status)
	}
	fmt.Println("ok:", rep.OK())
	// Output:
	// kubectl match
	// kubelet not-listed
	// ok: false
}

func ExampleGateTrivy() {
	report := `{"SchemaVersion": 2, "ArtifactName": "app:1",
	  "Results": [{"Target": "debian", "Vulnerabilities": [
	    {"VulnerabilityID": "CVE-2024-1", "PkgName": "openssl", "InstalledVersion": "3.0.1", "FixedVersion": "3.0.2", "Status": "fixed", "Severity": "CRITICAL"},
	    {"VulnerabilityID": "CVE-2024-2", "PkgName": "glibc", "InstalledVersion": "2.36", "Status": "will_not_fix", "Severity": "CRITICAL"},
	    {"VulnerabilityID": "CVE-2024-3", "PkgName": "curl", "InstalledVersion": "8.0", "FixedVersion": "8.1", "Status": "fixed", "Severity": "HIGH"}]}]}`
	critical := kubeharden.SeverityCritical
	policy := image.TrivyPolicy{
		FailOn:        &critical,
		IgnoreUnfixed: true,
		Allow:         []image.AllowedVulnerability{{ID: "CVE-2024-1", Expires: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}},
	}
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) // the exception has expired
	rep, err := image.GateTrivy("trivy.json", []byte(report), policy, now)
	if err != nil {
		panic(err)
	}
	for _, f := range rep.Failed() {
		fmt.Println(f.RuleID, f.Message)
	}
	// Output:
	// image/Vulnerability CVE-2024-1 (CRITICAL) in openssl 3.0.1
	// image/TrivyAllowlistExpired the exception for CVE-2024-1 expired on 2026-01-01T00:00:00Z
}

func ExampleParseSums() {
	changelog := "# v1.34.7\n\n## Downloads for v1.34.7\n\n### Client Binaries\n\n" +
		"filename | sha512 hash\n-------- | -----------\n" +
		"[kubernetes-client-linux-amd64.tar.gz](https://dl.k8s.io/v1.34.7/kubernetes-client-linux-amd64.tar.gz) | " +
		"a9de2b5a5b71a5d52b712940a268f643fb57edc25889f4e7fd52b04aadc56c2ae06c2e002c3f40cbb10dc1c4e459dce84f62879f12517c27ec53b4b71b2f871d\n"
	list, err := image.ParseSums("CHANGELOG-1.34.md", strings.NewReader(changelog))
	if err != nil {
		panic(err)
	}
	for _, e := range list.Entries {
		fmt.Println(e.Name, e.Algorithm, e.Release, e.Format, e.Line)
	}
	// Output:
	// kubernetes-client-linux-amd64.tar.gz sha512 v1.34.7 changelog 9
}

func ExampleDetectDockerfile() {
	fmt.Println(image.DetectDockerfile("build/Dockerfile.prod", nil))
	fmt.Println(image.DetectDockerfile("notes.txt", []byte("# syntax=docker/dockerfile:1\nARG V=1\nFROM alpine:3.20\n")))
	fmt.Println(image.DetectDockerfile("deploy.yaml", []byte("apiVersion: v1\nkind: Pod\n")))
	// Output:
	// true
	// true
	// false
}
