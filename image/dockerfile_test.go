package image

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/image/dockerfile"
)

// good wraps body in a clean single-stage Dockerfile on a pinned minimal
// base that ends as a non-root numeric user with a health check.
func good(body string) string {
	return "FROM alpine:3.20\n" + body + "\nHEALTHCHECK CMD [\"/app\", \"health\"]\nUSER 10001:10001\n"
}

func failsOf(t *testing.T, src string, opts DockerfileOptions) map[string][]kubeharden.Finding {
	t.Helper()
	rep, err := ScanDockerfile("Dockerfile", []byte(src), opts)
	require.NoError(t, err)
	out := map[string][]kubeharden.Finding{}
	for _, f := range rep.Findings {
		if !f.Passed {
			out[f.RuleID] = append(out[f.RuleID], f)
		}
	}
	return out
}

func TestDockerfileRules(t *testing.T) {
	allow := DockerfileOptions{Policy: Policy{AllowedRegistries: []string{"docker.io/library", "gcr.io/distroless"}}}
	tests := []struct {
		rule kubeharden.Rule
		name string
		src  string
		opts DockerfileOptions
		fail bool
	}{
		// DF001 root user
		{RuleDockerfileRootUser, "no USER", "FROM alpine:3.20\nRUN echo\n", DockerfileOptions{}, true},
		{RuleDockerfileRootUser, "USER root", good("USER root"), DockerfileOptions{}, false},
		{RuleDockerfileRootUser, "last USER root", "FROM alpine:3.20\nUSER 1000\nUSER root:root\n", DockerfileOptions{}, true},
		{RuleDockerfileRootUser, "USER 0:0", "FROM alpine:3.20\nUSER 0:0\n", DockerfileOptions{}, true},
		{RuleDockerfileRootUser, "non-root", good(""), DockerfileOptions{}, false},
		{RuleDockerfileRootUser, "USER in base stage inherited", "FROM alpine:3.20 AS base\nUSER 1000\nFROM base\nRUN echo\n", DockerfileOptions{}, false},
		{RuleDockerfileRootUser, "USER only in build stage", "FROM alpine:3.20 AS b\nUSER 1000\nFROM scratch\nCOPY --from=b /a /a\n", DockerfileOptions{}, true},
		{RuleDockerfileRootUser, "distroless nonroot", "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY a /a\n", DockerfileOptions{}, false},
		{RuleDockerfileRootUser, "variable user", "FROM alpine:3.20\nARG U=1000\nUSER $U\n", DockerfileOptions{}, false},
		// DF002 non-numeric
		{RuleDockerfileNonNumericUser, "named user", "FROM alpine:3.20\nUSER app\n", DockerfileOptions{}, true},
		{RuleDockerfileNonNumericUser, "numeric", good(""), DockerfileOptions{}, false},
		// DF003 base pinning
		{RuleDockerfileUnpinnedBase, "untagged", "FROM alpine\nUSER 1\n", DockerfileOptions{}, true},
		{RuleDockerfileUnpinnedBase, "latest", "FROM alpine:latest\nUSER 1\n", DockerfileOptions{}, true},
		{RuleDockerfileUnpinnedBase, "latest expanded from ARG", "ARG TAG=latest\nFROM alpine:${TAG}\nUSER 1\n", DockerfileOptions{}, true},
		{RuleDockerfileUnpinnedBase, "build arg overrides", "ARG TAG=latest\nFROM alpine:${TAG}\nUSER 1\n", DockerfileOptions{BuildArgs: map[string]string{"TAG": "3.20"}}, false},
		{RuleDockerfileUnpinnedBase, "latest with digest", "FROM alpine:latest@" + testDigest + "\nUSER 1\n", DockerfileOptions{}, false},
		{RuleDockerfileUnpinnedBase, "tagged", good(""), DockerfileOptions{}, false},
		{RuleDockerfileUnpinnedBase, "digest required", good(""), DockerfileOptions{Policy: Policy{RequireDigest: true}}, true},
		{RuleDockerfileUnpinnedBase, "scratch and stage alias", "FROM alpine:3.20 AS b\nFROM scratch AS s\nFROM b\nUSER 1\n", DockerfileOptions{}, false},
		{RuleDockerfileUnpinnedBase, "unresolved variable skipped", "ARG BASE\nFROM $BASE\nUSER 1\n", DockerfileOptions{}, false},
		{RuleDockerfileUnpinnedBase, "invalid reference", "FROM Alpine:3.20\nUSER 1\n", DockerfileOptions{}, true},
		// DF004 registries
		{RuleDockerfileUntrustedRegistry, "FROM allowed", good(""), allow, false},
		{RuleDockerfileUntrustedRegistry, "FROM refused", "FROM quay.io/org/app:1\nUSER 1\n", allow, true},
		{RuleDockerfileUntrustedRegistry, "FROM bitnami not under library", "FROM bitnami/nginx:1.25\nUSER 1\n", allow, true},
		{RuleDockerfileUntrustedRegistry, "COPY --from image", good("COPY --from=ghcr.io/evil/tools:1 /bin/x /x"), allow, true},
		{RuleDockerfileUntrustedRegistry, "COPY --from stage", "FROM alpine:3.20 AS b\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=b /a /a\n", allow, false},
		{RuleDockerfileUntrustedRegistry, "RUN --mount from image", good("RUN --mount=type=bind,from=ghcr.io/evil/x:1,target=/x ls /x"), allow, true},
		{RuleDockerfileUntrustedRegistry, "no allow-list", "FROM quay.io/org/app:1\nUSER 1\n", DockerfileOptions{}, false},
		// DF005 recommends
		{RuleDockerfileInstallRecommends, "apt without flag", good("RUN apt-get update && apt-get install -y curl=8.0 && rm -rf /var/lib/apt/lists/*"), DockerfileOptions{}, true},
		{RuleDockerfileInstallRecommends, "apt with flag", good("RUN apt-get update && apt-get install -y --no-install-recommends curl=8.0 && rm -rf /var/lib/apt/lists/*"), DockerfileOptions{}, false},
		{RuleDockerfileInstallRecommends, "apt -o option", good("RUN apt-get -o APT::Install-Recommends=false install -y curl=8.0"), DockerfileOptions{}, false},
		{RuleDockerfileInstallRecommends, "build stage only", "FROM debian:12 AS b\nRUN apt-get install -y gcc\nFROM scratch\nCOPY --from=b /a /a\nUSER 1\n", DockerfileOptions{}, false},
		// DF006 caches
		{RuleDockerfilePackageCache, "apt lists kept", good("RUN apt-get update && apt-get install -y --no-install-recommends curl=8.0"), DockerfileOptions{}, true},
		{RuleDockerfilePackageCache, "apt lists removed", good("RUN apt-get update && apt-get install -y --no-install-recommends curl=8.0 && rm -rf /var/lib/apt/lists/*"), DockerfileOptions{}, false},
		{RuleDockerfilePackageCache, "apt cache mount", good("RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends curl=8.0"), DockerfileOptions{}, false},
		{RuleDockerfilePackageCache, "apk without no-cache", good("RUN apk add curl=8.0-r0"), DockerfileOptions{}, true},
		{RuleDockerfilePackageCache, "apk no-cache", good("RUN apk add --no-cache curl=8.0-r0"), DockerfileOptions{}, false},
		{RuleDockerfilePackageCache, "dnf without clean", good("RUN dnf install -y httpd-2.4"), DockerfileOptions{}, true},
		{RuleDockerfilePackageCache, "dnf clean all", good("RUN dnf install -y httpd-2.4 && dnf clean all"), DockerfileOptions{}, false},
		{RuleDockerfilePackageCache, "zypper without clean", good("RUN zypper install -y vim-9"), DockerfileOptions{}, true},
		{RuleDockerfilePackageCache, "zypper clean", good("RUN zypper install -y vim-9 && zypper clean"), DockerfileOptions{}, false},
		{RuleDockerfilePackageCache, "pip cache", good("RUN pip install flask==3.0"), DockerfileOptions{}, true},
		{RuleDockerfilePackageCache, "pip no-cache-dir", good("RUN pip install --no-cache-dir flask==3.0"), DockerfileOptions{}, false},
		{RuleDockerfilePackageCache, "pip ENV", good("ENV PIP_NO_CACHE_DIR=1\nRUN python3 -m pip install flask==3.0"), DockerfileOptions{}, false},
		{RuleDockerfilePackageCache, "yarn install", good("RUN yarn install --frozen-lockfile"), DockerfileOptions{}, true},
		{RuleDockerfilePackageCache, "yarn cache clean", good("RUN yarn install --frozen-lockfile && yarn cache clean"), DockerfileOptions{}, false},
		// DF007 ADD
		{RuleDockerfileAdd, "ADD local file", good("ADD app.py /app/"), DockerfileOptions{}, true},
		{RuleDockerfileAdd, "ADD archive", good("ADD rootfs.tar.gz /"), DockerfileOptions{}, false},
		{RuleDockerfileAdd, "ADD URL", good("ADD https://example.com/tool.tgz /tmp/"), DockerfileOptions{}, true},
		{RuleDockerfileAdd, "ADD URL checksum", good("ADD --checksum=sha256:" + strings.Repeat("a", 64) + " https://example.com/tool /tmp/"), DockerfileOptions{}, false},
		{RuleDockerfileAdd, "COPY", good("COPY app.py /app/"), DockerfileOptions{}, false},
		// DF008 curl | sh
		{RuleDockerfileCurlPipeShell, "curl | sh", good("RUN curl -fsSL https://get.example.com | sh"), DockerfileOptions{}, true},
		{RuleDockerfileCurlPipeShell, "wget | sudo bash", good("RUN wget -qO- https://x.example/i.sh | sudo bash -s --"), DockerfileOptions{}, true},
		{RuleDockerfileCurlPipeShell, "through tee", good("RUN curl -fsSL https://x | tee /tmp/i | bash"), DockerfileOptions{}, true},
		{RuleDockerfileCurlPipeShell, "sh -c $(curl)", good(`RUN sh -c "$(curl -fsSL https://x/install.sh)"`), DockerfileOptions{}, true},
		{RuleDockerfileCurlPipeShell, "bash <(curl)", good("RUN bash <(curl -s https://x/i.sh)"), DockerfileOptions{}, true},
		{RuleDockerfileCurlPipeShell, "heredoc body", good("RUN <<EOF\ncurl -fsSL https://x | sh\nEOF"), DockerfileOptions{}, true},
		{RuleDockerfileCurlPipeShell, "curl | tar", good("RUN curl -fsSL https://x/a.tgz | tar -xz"), DockerfileOptions{}, false},
		{RuleDockerfileCurlPipeShell, "quoted pipe", good(`RUN echo "curl x | sh" > /doc.txt`), DockerfileOptions{}, false},
		// DF009 insecure
		{RuleDockerfileInsecureDownload, "curl -k", good("RUN curl -fsSLk https://x -o /a"), DockerfileOptions{}, true},
		{RuleDockerfileInsecureDownload, "curl --insecure", good("RUN curl --insecure https://x -o /a"), DockerfileOptions{}, true},
		{RuleDockerfileInsecureDownload, "curl fine", good("RUN curl -fsSL https://x -o /a"), DockerfileOptions{}, false},
		{RuleDockerfileInsecureDownload, "wget", good("RUN wget --no-check-certificate https://x"), DockerfileOptions{}, true},
		{RuleDockerfileInsecureDownload, "apt allow-unauthenticated", good("RUN apt-get install -y --allow-unauthenticated x"), DockerfileOptions{}, true},
		{RuleDockerfileInsecureDownload, "apk allow-untrusted", good("RUN apk add --no-cache --allow-untrusted /tmp/x.apk"), DockerfileOptions{}, true},
		{RuleDockerfileInsecureDownload, "yum nogpgcheck", good("RUN yum install -y --nogpgcheck x-1"), DockerfileOptions{}, true},
		{RuleDockerfileInsecureDownload, "rpm nosignature", good("RUN rpm -i --nosignature x.rpm"), DockerfileOptions{}, true},
		{RuleDockerfileInsecureDownload, "pip trusted-host", good("RUN pip install --trusted-host pypi.example x==1"), DockerfileOptions{}, true},
		{RuleDockerfileInsecureDownload, "ENV GIT_SSL_NO_VERIFY", good("ENV GIT_SSL_NO_VERIFY=true"), DockerfileOptions{}, true},
		{RuleDockerfileInsecureDownload, "ENV NODE_TLS", good("ENV NODE_TLS_REJECT_UNAUTHORIZED=0"), DockerfileOptions{}, true},
		{RuleDockerfileInsecureDownload, "ENV NODE_TLS=1", good("ENV NODE_TLS_REJECT_UNAUTHORIZED=1"), DockerfileOptions{}, false},
		{RuleDockerfileInsecureDownload, "inline PYTHONHTTPSVERIFY", good("RUN PYTHONHTTPSVERIFY=0 python3 fetch.py"), DockerfileOptions{}, true},
		{RuleDockerfileInsecureDownload, "npm strict-ssl", good("RUN npm config set strict-ssl false"), DockerfileOptions{}, true},
		{RuleDockerfileInsecureDownload, "git sslVerify", good("RUN git config --global http.sslVerify false"), DockerfileOptions{}, true},
		{RuleDockerfileInsecureDownload, "repo gpgcheck=0", good("RUN echo 'gpgcheck=0' >> /etc/yum.repos.d/x.repo"), DockerfileOptions{}, true},
		{RuleDockerfileInsecureDownload, "GOINSECURE arg", good("ARG GOINSECURE=example.com"), DockerfileOptions{}, true},
		// DF010 secrets
		{RuleDockerfileSecret, "ENV password", good("ENV DB_PASSWORD=hunter2"), DockerfileOptions{}, true},
		{RuleDockerfileSecret, "ARG token", good("ARG GITHUB_TOKEN"), DockerfileOptions{}, true},
		{RuleDockerfileSecret, "ENV AWS key", good("ENV AWS_SECRET_ACCESS_KEY=x"), DockerfileOptions{}, true},
		{RuleDockerfileSecret, "ENV key file path", good("ENV API_KEY_FILE=/run/secrets/key"), DockerfileOptions{}, false},
		{RuleDockerfileSecret, "ENV public key", good("ENV PUBLIC_KEY=abc"), DockerfileOptions{}, false},
		{RuleDockerfileSecret, "ENV keyboard", good("ENV KEYBOARD=us"), DockerfileOptions{}, false},
		{RuleDockerfileSecret, "build stage ARG", "FROM alpine:3.20 AS b\nARG NPM_TOKEN\nRUN echo\nFROM scratch\nCOPY --from=b /a /a\nUSER 1\n", DockerfileOptions{}, false},
		{RuleDockerfileSecret, "aws configure", good("RUN aws configure set aws_secret_access_key $KEY"), DockerfileOptions{}, true},
		{RuleDockerfileSecret, "aws configure with secret mount", good("RUN --mount=type=secret,id=aws aws configure set aws_secret_access_key $(cat /run/secrets/aws)"), DockerfileOptions{}, false},
		{RuleDockerfileSecret, "docker login -p", good("RUN docker login -u u -p pw registry.example"), DockerfileOptions{}, true},
		{RuleDockerfileSecret, "COPY id_rsa", good("COPY id_rsa /root/.ssh/id_rsa"), DockerfileOptions{}, true},
		{RuleDockerfileSecret, "COPY .env", good("COPY .env /app/.env"), DockerfileOptions{}, true},
		{RuleDockerfileSecret, "COPY key.pem", good("COPY tls/server-key.pem /tls/"), DockerfileOptions{}, true},
		{RuleDockerfileSecret, "COPY ca cert pem", good("COPY certs/ca-cert.pem /tls/"), DockerfileOptions{}, false},
		{RuleDockerfileSecret, "COPY .env.example", good("COPY .env.example /app/"), DockerfileOptions{}, false},
		// DF011 sudo
		{RuleDockerfileSudo, "sudo", good("RUN sudo apk add --no-cache x=1"), DockerfileOptions{}, true},
		{RuleDockerfileSudo, "sudo after &&", good("RUN echo && DEBIAN_FRONTEND=x sudo ls"), DockerfileOptions{}, true},
		{RuleDockerfileSudo, "no sudo", good("RUN echo pseudo"), DockerfileOptions{}, false},
		// DF012 SSH
		{RuleDockerfileSSH, "EXPOSE 22", good("EXPOSE 22"), DockerfileOptions{}, true},
		{RuleDockerfileSSH, "EXPOSE range with 22", good("EXPOSE 20-30/tcp"), DockerfileOptions{}, true},
		{RuleDockerfileSSH, "openssh-server", good("RUN apt-get install -y --no-install-recommends openssh-server=1"), DockerfileOptions{}, true},
		{RuleDockerfileSSH, "openssh-client", good("RUN apk add --no-cache openssh-client=9-r0"), DockerfileOptions{}, false},
		{RuleDockerfileSSH, "EXPOSE 8080", good("EXPOSE 8080"), DockerfileOptions{}, false},
		// DF013 healthcheck
		{RuleDockerfileNoHealthcheck, "none", "FROM alpine:3.20\nUSER 1\n", DockerfileOptions{}, true},
		{RuleDockerfileNoHealthcheck, "HEALTHCHECK NONE", "FROM alpine:3.20\nHEALTHCHECK NONE\nUSER 1\n", DockerfileOptions{}, true},
		{RuleDockerfileNoHealthcheck, "present", good(""), DockerfileOptions{}, false},
		// DF014 build tools / non-minimal
		{RuleDockerfileBuildToolsInFinal, "gcc single stage", good("RUN apk add --no-cache gcc=13-r0"), DockerfileOptions{}, true},
		{RuleDockerfileBuildToolsInFinal, "non-minimal base", "FROM ubuntu:24.04\nUSER 1\n", DockerfileOptions{}, true},
		{RuleDockerfileBuildToolsInFinal, "toolchain base", "FROM golang:1.23\nRUN go build -o /app .\nUSER 1\n", DockerfileOptions{}, true},
		{RuleDockerfileBuildToolsInFinal, "multi-stage distroless", "FROM golang:1.23 AS b\nRUN apt-get install -y gcc\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=b /a /a\n", DockerfileOptions{}, false},
		{RuleDockerfileBuildToolsInFinal, "custom minimal base", "FROM myacr.azurecr.io/base/runtime:1\nUSER 1\n", DockerfileOptions{Policy: Policy{MinimalBases: []string{"myacr.azurecr.io/base"}}}, false},
		// DF015 unpinned packages
		{RuleDockerfileUnpinnedPackages, "apt unpinned", good("RUN apt-get install -y --no-install-recommends curl"), DockerfileOptions{}, true},
		{RuleDockerfileUnpinnedPackages, "apt pinned", good("RUN apt-get install -y --no-install-recommends curl=8.5.0-2"), DockerfileOptions{}, false},
		{RuleDockerfileUnpinnedPackages, "apk virtual name is not a package", good("RUN apk add --no-cache --virtual .deps curl=8-r0"), DockerfileOptions{}, false},
		{RuleDockerfileUnpinnedPackages, "apk unpinned", good("RUN apk add --no-cache curl"), DockerfileOptions{}, true},
		{RuleDockerfileUnpinnedPackages, "pip unpinned", good("RUN pip install --no-cache-dir flask"), DockerfileOptions{}, true},
		{RuleDockerfileUnpinnedPackages, "pip requirements", good("RUN pip install --no-cache-dir -r requirements.txt"), DockerfileOptions{}, false},
		{RuleDockerfileUnpinnedPackages, "npm unpinned", good("RUN npm install -g @angular/cli"), DockerfileOptions{}, true},
		{RuleDockerfileUnpinnedPackages, "npm pinned scoped", good("RUN npm install -g @angular/cli@17.0.0"), DockerfileOptions{}, false},
		{RuleDockerfileUnpinnedPackages, "npm from package.json", good("RUN npm ci && npm install"), DockerfileOptions{}, false},
		{RuleDockerfileUnpinnedPackages, "go install latest", good("RUN go install golang.org/x/tools/gopls@latest"), DockerfileOptions{}, true},
		{RuleDockerfileUnpinnedPackages, "go install version", good("RUN go install golang.org/x/tools/gopls@v0.16.0"), DockerfileOptions{}, false},
		{RuleDockerfileUnpinnedPackages, "gem", good("RUN gem install bundler"), DockerfileOptions{}, true},
		{RuleDockerfileUnpinnedPackages, "gem -v", good("RUN gem install bundler -v 2.5.0"), DockerfileOptions{}, false},
		{RuleDockerfileUnpinnedPackages, "yum", good("RUN yum install -y httpd && yum clean all"), DockerfileOptions{}, true},
		{RuleDockerfileUnpinnedPackages, "yum pinned", good("RUN yum install -y httpd-2.4.6 && yum clean all"), DockerfileOptions{}, false},
		// DF016 upgrade
		{RuleDockerfileUpgrade, "apt-get upgrade", good("RUN apt-get update && apt-get upgrade -y"), DockerfileOptions{}, true},
		{RuleDockerfileUpgrade, "apt-get dist-upgrade", good("RUN apt-get -y dist-upgrade"), DockerfileOptions{}, true},
		{RuleDockerfileUpgrade, "update alone", good("RUN apt-get update"), DockerfileOptions{}, true},
		{RuleDockerfileUpgrade, "yum update all", good("RUN yum update -y"), DockerfileOptions{}, true},
		{RuleDockerfileUpgrade, "zypper dup", good("RUN zypper dup -y"), DockerfileOptions{}, true},
		{RuleDockerfileUpgrade, "update with install", good("RUN apt-get update && apt-get install -y --no-install-recommends a=1 && rm -rf /var/lib/apt/lists/*"), DockerfileOptions{}, false},
		// DF017 layers
		{RuleDockerfileLayers, "four RUNs", good("RUN a\nRUN b\nRUN c\nRUN d"), DockerfileOptions{}, true},
		{RuleDockerfileLayers, "three RUNs", good("RUN a\nRUN b\nRUN c"), DockerfileOptions{}, false},
		{RuleDockerfileLayers, "threshold", good("RUN a\nRUN b"), DockerfileOptions{MaxConsecutiveRuns: 1}, true},
		{RuleDockerfileLayers, "COPY / /", "FROM alpine:3.20 AS b\nFROM scratch\nCOPY --from=b / /\nUSER 1\n", DockerfileOptions{}, true},
		// DF018 dangerous fs
		{RuleDockerfileDangerousFS, "WORKDIR /proc", good("WORKDIR /proc/self"), DockerfileOptions{}, true},
		{RuleDockerfileDangerousFS, "chmod 777", good("RUN chmod -R 777 /app"), DockerfileOptions{}, true},
		{RuleDockerfileDangerousFS, "chmod u+s", good("RUN chmod u+s /bin/x"), DockerfileOptions{}, true},
		{RuleDockerfileDangerousFS, "chmod 4755", good("RUN chmod 4755 /bin/x"), DockerfileOptions{}, true},
		{RuleDockerfileDangerousFS, "COPY --chmod=777", good("COPY --chmod=777 a /a"), DockerfileOptions{}, true},
		{RuleDockerfileDangerousFS, "chpasswd", good("RUN echo 'root:x' | chpasswd"), DockerfileOptions{}, true},
		{RuleDockerfileDangerousFS, "chmod 755", good("RUN chmod 755 /app && chmod +x /app/run"), DockerfileOptions{}, false},
		// DF019 shell form on shell-less base
		{RuleDockerfileShellFormNoShell, "distroless shell CMD", "FROM gcr.io/distroless/static:nonroot\nCMD /app --serve\n", DockerfileOptions{}, true},
		{RuleDockerfileShellFormNoShell, "scratch ENTRYPOINT", "FROM scratch\nENTRYPOINT /app\nUSER 1\n", DockerfileOptions{}, true},
		{RuleDockerfileShellFormNoShell, "exec form", "FROM scratch\nENTRYPOINT [\"/app\"]\nUSER 1\n", DockerfileOptions{}, false},
		{RuleDockerfileShellFormNoShell, "alpine has a shell", good("CMD /app"), DockerfileOptions{}, false},
		// DF020 shell in minimal
		{RuleDockerfileShellInMinimal, "bash on alpine", good("RUN apk add --no-cache bash=5-r0"), DockerfileOptions{}, true},
		{RuleDockerfileShellInMinimal, "debug distroless", "FROM gcr.io/distroless/base-debian12:debug\nUSER 1\n", DockerfileOptions{}, true},
		{RuleDockerfileShellInMinimal, "busybox copied", "FROM busybox:1.36 AS b\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=b /bin/busybox /bin/busybox\n", DockerfileOptions{}, true},
		{RuleDockerfileShellInMinimal, "bash on ubuntu", "FROM ubuntu:24.04\nRUN apt-get install -y bash\nUSER 1\n", DockerfileOptions{}, false},
		{RuleDockerfileShellInMinimal, "clean", good("RUN apk add --no-cache curl=8-r0"), DockerfileOptions{}, false},
		// validation
		{RuleDockerfileRelativeWorkdir, "relative", good("WORKDIR app"), DockerfileOptions{}, true},
		{RuleDockerfileRelativeWorkdir, "absolute", good("WORKDIR /app"), DockerfileOptions{}, false},
		{RuleDockerfileRelativeWorkdir, "windows", "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nWORKDIR C:\\app\nUSER 1\n", DockerfileOptions{}, false},
		{RuleDockerfileInvalidPort, "too big", good("EXPOSE 70000"), DockerfileOptions{}, true},
		{RuleDockerfileInvalidPort, "bad proto", good("EXPOSE 80/http"), DockerfileOptions{}, true},
		{RuleDockerfileInvalidPort, "ok", good("EXPOSE 80/tcp 443 53/udp 8000-8100"), DockerfileOptions{}, false},
		{RuleDockerfileMultipleInstructions, "two CMD", good("CMD [\"a\"]\nCMD [\"b\"]"), DockerfileOptions{}, true},
		{RuleDockerfileMultipleInstructions, "one each", good("CMD [\"a\"]\nENTRYPOINT [\"b\"]"), DockerfileOptions{}, false},
		{RuleDockerfileCopyDestination, "two sources no slash", good("COPY a b /dst"), DockerfileOptions{}, true},
		{RuleDockerfileCopyDestination, "two sources slash", good("COPY a b /dst/"), DockerfileOptions{}, false},
		{RuleDockerfileCopyDestination, "JSON form", good(`COPY ["a", "b", "/dst"]`), DockerfileOptions{}, true},
		{RuleDockerfileCopyFromStage, "self", "FROM alpine:3.20 AS a\nCOPY --from=a /x /y\nUSER 1\n", DockerfileOptions{}, true},
		{RuleDockerfileCopyFromStage, "forward index", "FROM alpine:3.20\nCOPY --from=1 /x /y\nFROM scratch\nUSER 1\n", DockerfileOptions{}, true},
		{RuleDockerfileCopyFromStage, "earlier", "FROM alpine:3.20 AS a\nFROM scratch\nCOPY --from=a /x /y\nUSER 1\n", DockerfileOptions{}, false},
		{RuleDockerfileDuplicateStage, "dup", "FROM alpine:3.20 AS a\nFROM alpine:3.20 AS A\nUSER 1\n", DockerfileOptions{}, true},
		{RuleDockerfileDuplicateStage, "unique", "FROM alpine:3.20 AS a\nFROM alpine:3.20 AS b\nUSER 1\n", DockerfileOptions{}, false},
		{RuleDockerfileMaintainer, "present", good("MAINTAINER me"), DockerfileOptions{}, true},
		{RuleDockerfileMaintainer, "absent", good("LABEL org.opencontainers.image.authors=me"), DockerfileOptions{}, false},
		{RuleDockerfileInstructionBeforeFrom, "RUN before FROM", "RUN x\n" + good(""), DockerfileOptions{}, true},
		{RuleDockerfileInstructionBeforeFrom, "ARG before FROM", "ARG X=1\n" + good(""), DockerfileOptions{}, false},
		{RuleDockerfilePipefail, "pipe", good("RUN curl -fsSL https://x | tar -xz"), DockerfileOptions{}, true},
		{RuleDockerfilePipefail, "pipefail shell", good("SHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN curl -fsSL https://x | tar -xz"), DockerfileOptions{}, false},
		{RuleDockerfilePipefail, "or is not a pipe", good("RUN a || b"), DockerfileOptions{}, false},
	}
	covered := map[string][2]bool{}
	for _, tt := range tests {
		t.Run(strings.TrimPrefix(tt.rule.ID, "image/")+"/"+tt.name, func(t *testing.T) {
			fails := failsOf(t, tt.src, tt.opts)
			if tt.fail {
				require.NotEmpty(t, fails[tt.rule.ID], "expected %s to fail; failures: %v", tt.rule.ID, keys(fails))
				f := fails[tt.rule.ID][0]
				assert.Equal(t, "Dockerfile", f.Position.File)
				assert.Positive(t, f.Position.Line)
				assert.NotEmpty(t, f.Message)
			} else {
				assert.Empty(t, fails[tt.rule.ID], "expected %s to pass", tt.rule.ID)
			}
		})
		c := covered[tt.rule.ID]
		if tt.fail {
			c[0] = true
		} else {
			c[1] = true
		}
		covered[tt.rule.ID] = c
	}
	for _, r := range DockerfileRules() {
		assert.Equal(t, [2]bool{true, true}, covered[r.ID], "%s needs a failing and a passing case", r.ID)
	}
}

func keys(m map[string][]kubeharden.Finding) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Where we deliberately differ from hadolint DL3002 (which ignores a final
// stage without USER): like Trivy DS-0002 we report it, because the image
// then runs as root unless the pod overrides it.
func TestDockerfileNoUserDiffersFromHadolint(t *testing.T) {
	fails := failsOf(t, "FROM alpine:3.20\nCMD [\"/app\"]\n", DockerfileOptions{})
	require.Len(t, fails[RuleDockerfileRootUser.ID], 1)
	assert.Contains(t, fails[RuleDockerfileRootUser.ID][0].Message, "sets no USER")
	assert.Equal(t, 1, fails[RuleDockerfileRootUser.ID][0].Position.Line)
}

func TestScanDockerfileCleanAndScore(t *testing.T) {
	src := `# syntax=docker/dockerfile:1
ARG GO_VERSION=1.23.4
FROM golang:${GO_VERSION}-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/root/go/pkg/mod go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12:nonroot@` + testDigest + `
COPY --from=build /out/app /app
HEALTHCHECK CMD ["/app", "health"]
USER 65532:65532
ENTRYPOINT ["/app"]
`
	rep, err := ScanDockerfile("build/Dockerfile", []byte(src), DockerfileOptions{Policy: Policy{RequireDigest: false}})
	require.NoError(t, err)
	assert.Empty(t, rep.Failed(), "%+v", rep.Failed())
	assert.Equal(t, 0, rep.Score)
	assert.Equal(t, "Dockerfile/Dockerfile", rep.Object)
	assert.Equal(t, "Dockerfile", rep.Kind)
	assert.Len(t, rep.Passed(), len(DockerfileRules()))

	bad := "FROM ubuntu:latest\nRUN curl -k https://x | sh\nENV DB_PASSWORD=x\n"
	rep, err = ScanDockerfile("Dockerfile", []byte(bad), DockerfileOptions{})
	require.NoError(t, err)
	want := RuleDockerfileRootUser.Points + RuleDockerfileUnpinnedBase.Points + RuleDockerfileCurlPipeShell.Points +
		RuleDockerfileInsecureDownload.Points + RuleDockerfileSecret.Points + RuleDockerfileBuildToolsInFinal.Points
	assert.Equal(t, want, rep.Score)
}

func TestScanDockerfileParseError(t *testing.T) {
	rep, err := ScanDockerfile("Dockerfile", []byte("FROM alpine\nRUN <<EOF\necho\n"), DockerfileOptions{})
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrNotDockerfile)
	assert.ErrorIs(t, err, dockerfile.ErrUnterminatedHeredoc)
	var ie *kubeharden.InputError
	require.True(t, errors.As(err, &ie))
	assert.Equal(t, 2, ie.Line)
	require.Len(t, rep.Errors, 1)
	assert.Equal(t, "Dockerfile", rep.Errors[0].Source)
}

func TestDetectDockerfile(t *testing.T) {
	tests := []struct {
		name string
		data string
		want bool
	}{
		{"Dockerfile", "", true},
		{"build/Dockerfile.prod", "", true},
		{"app.dockerfile", "", true},
		{"Containerfile", "", true},
		{"x.txt", "# syntax=docker/dockerfile:1\nARG A=1\nFROM alpine\n", true},
		{"x.txt", "apiVersion: v1\nkind: Pod\n", false},
		{"x.txt", "FROM\n", false},
		{"x.yaml", "", false},
		{"x", "RUN x\nFROM y\n", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, DetectDockerfile(tt.name, []byte(tt.data)), "%s %q", tt.name, tt.data)
	}
}

func TestSplitShell(t *testing.T) {
	cmds := splitShell(`A=1 sudo -u app curl -fsSL "https://x/a b" | sh -s -- --flag && echo 'x | y'; (cd /x && make) 2>&1 || true ` + "\\\n  && ls # trailing | comment")
	var got [][]string
	var pipes []bool
	for _, c := range cmds {
		got = append(got, c.words)
		pipes = append(pipes, c.pipeIn)
	}
	assert.Equal(t, [][]string{
		{"A=1", "sudo", "-u", "app", "curl", "-fsSL", "https://x/a b"},
		{"sh", "-s", "--", "--flag"},
		{"echo", "x | y"},
		{"cd", "/x"},
		{"make"},
		{"2>&1"},
		{"true"},
		{"ls"},
	}, got)
	assert.Equal(t, []bool{false, true, false, false, false, false, false, false}, pipes)
	name, args := cmds[0].name()
	assert.Equal(t, "curl", name)
	assert.Equal(t, []string{"-fsSL", "https://x/a b"}, args)
}

func TestDockerfileQuotedCopySource(t *testing.T) {
	fails := failsOf(t, good(`COPY ".env" /app/`), DockerfileOptions{})
	assert.NotEmpty(t, fails[RuleDockerfileSecret.ID])
	fails = failsOf(t, good(`ADD "app.py" /app/`), DockerfileOptions{})
	assert.NotEmpty(t, fails[RuleDockerfileAdd.ID])
}
