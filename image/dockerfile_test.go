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
		{ruleDockerfileRootUser, "no USER", "FROM alpine:3.20\nRUN echo\n", DockerfileOptions{}, true},
		{ruleDockerfileRootUser, "USER root", good("USER root"), DockerfileOptions{}, false},
		{ruleDockerfileRootUser, "last USER root", "FROM alpine:3.20\nUSER 1000\nUSER root:root\n", DockerfileOptions{}, true},
		{ruleDockerfileRootUser, "USER 0:0", "FROM alpine:3.20\nUSER 0:0\n", DockerfileOptions{}, true},
		{ruleDockerfileRootUser, "non-root", good(""), DockerfileOptions{}, false},
		{ruleDockerfileRootUser, "USER in base stage inherited", "FROM alpine:3.20 AS base\nUSER 1000\nFROM base\nRUN echo\n", DockerfileOptions{}, false},
		{ruleDockerfileRootUser, "USER only in build stage", "FROM alpine:3.20 AS b\nUSER 1000\nFROM scratch\nCOPY --from=b /a /a\n", DockerfileOptions{}, true},
		{ruleDockerfileRootUser, "distroless nonroot", "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY a /a\n", DockerfileOptions{}, false},
		{ruleDockerfileRootUser, "USER 0000", "FROM alpine:3.20\nUSER 0000\n", DockerfileOptions{}, true},
		{ruleDockerfileRootUser, "chainguard default nonroot", "FROM cgr.dev/chainguard/static:latest@" + testDigest + "\nCOPY a /a\n", DockerfileOptions{}, false},
		{ruleDockerfileRootUser, "chainguard dev variant not assumed non-root", "FROM cgr.dev/chainguard/go:latest-dev\nCOPY a /a\n", DockerfileOptions{}, true},
		{ruleDockerfileRootUser, "other nonroot-named image", "FROM example.com/nonroot/app:1\nCOPY a /a\n", DockerfileOptions{}, true},
		{ruleDockerfileRootUser, "variable user", "FROM alpine:3.20\nARG U=1000\nUSER $U\n", DockerfileOptions{}, false},
		// DF002 non-numeric
		{ruleDockerfileNonNumericUser, "named user", "FROM alpine:3.20\nUSER app\n", DockerfileOptions{}, true},
		{ruleDockerfileNonNumericUser, "numeric", good(""), DockerfileOptions{}, false},
		// DF003 base pinning
		{ruleDockerfileUnpinnedBase, "untagged", "FROM alpine\nUSER 1\n", DockerfileOptions{}, true},
		{ruleDockerfileUnpinnedBase, "latest", "FROM alpine:latest\nUSER 1\n", DockerfileOptions{}, true},
		{ruleDockerfileUnpinnedBase, "latest expanded from ARG", "ARG TAG=latest\nFROM alpine:${TAG}\nUSER 1\n", DockerfileOptions{}, true},
		{ruleDockerfileUnpinnedBase, "build arg overrides", "ARG TAG=latest\nFROM alpine:${TAG}\nUSER 1\n", DockerfileOptions{BuildArgs: map[string]string{"TAG": "3.20"}}, false},
		{ruleDockerfileUnpinnedBase, "latest with digest", "FROM alpine:latest@" + testDigest + "\nUSER 1\n", DockerfileOptions{}, false},
		{ruleDockerfileUnpinnedBase, "tagged", good(""), DockerfileOptions{}, false},
		{ruleDockerfileUnpinnedBase, "digest required", good(""), DockerfileOptions{Policy: Policy{RequireDigest: true}}, true},
		{ruleDockerfileUnpinnedBase, "scratch and stage alias", "FROM alpine:3.20 AS b\nFROM scratch AS s\nFROM b\nUSER 1\n", DockerfileOptions{}, false},
		{ruleDockerfileUnpinnedBase, "unresolved variable skipped", "ARG BASE\nFROM $BASE\nUSER 1\n", DockerfileOptions{}, false},
		{ruleDockerfileUnpinnedBase, "invalid reference", "FROM Alpine:3.20\nUSER 1\n", DockerfileOptions{}, true},
		// DF004 registries
		{ruleDockerfileUntrustedRegistry, "FROM allowed", good(""), allow, false},
		{ruleDockerfileUntrustedRegistry, "FROM refused", "FROM quay.io/org/app:1\nUSER 1\n", allow, true},
		{ruleDockerfileUntrustedRegistry, "FROM bitnami not under library", "FROM bitnami/nginx:1.25\nUSER 1\n", allow, true},
		{ruleDockerfileUntrustedRegistry, "COPY --from image", good("COPY --from=ghcr.io/evil/tools:1 /bin/x /x"), allow, true},
		{ruleDockerfileUntrustedRegistry, "COPY --from stage", "FROM alpine:3.20 AS b\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=b /a /a\n", allow, false},
		{ruleDockerfileUntrustedRegistry, "RUN --mount from image", good("RUN --mount=type=bind,from=ghcr.io/evil/x:1,target=/x ls /x"), allow, true},
		{ruleDockerfileUntrustedRegistry, "no allow-list", "FROM quay.io/org/app:1\nUSER 1\n", DockerfileOptions{}, false},
		// DF005 recommends
		{ruleDockerfileInstallRecommends, "apt without flag", good("RUN apt-get update && apt-get install -y curl=8.0 && rm -rf /var/lib/apt/lists/*"), DockerfileOptions{}, true},
		{ruleDockerfileInstallRecommends, "apt with flag", good("RUN apt-get update && apt-get install -y --no-install-recommends curl=8.0 && rm -rf /var/lib/apt/lists/*"), DockerfileOptions{}, false},
		{ruleDockerfileInstallRecommends, "apt -o option", good("RUN apt-get -o APT::Install-Recommends=false install -y curl=8.0"), DockerfileOptions{}, false},
		{ruleDockerfileInstallRecommends, "build stage only", "FROM debian:12 AS b\nRUN apt-get install -y gcc\nFROM scratch\nCOPY --from=b /a /a\nUSER 1\n", DockerfileOptions{}, false},
		// DF006 caches
		{ruleDockerfilePackageCache, "apt lists kept", good("RUN apt-get update && apt-get install -y --no-install-recommends curl=8.0"), DockerfileOptions{}, true},
		{ruleDockerfilePackageCache, "apt lists removed", good("RUN apt-get update && apt-get install -y --no-install-recommends curl=8.0 && rm -rf /var/lib/apt/lists/*"), DockerfileOptions{}, false},
		{ruleDockerfilePackageCache, "apt cache mount", good("RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends curl=8.0"), DockerfileOptions{}, false},
		{ruleDockerfilePackageCache, "apk without no-cache", good("RUN apk add curl=8.0-r0"), DockerfileOptions{}, true},
		{ruleDockerfilePackageCache, "apk no-cache", good("RUN apk add --no-cache curl=8.0-r0"), DockerfileOptions{}, false},
		{ruleDockerfilePackageCache, "dnf without clean", good("RUN dnf install -y httpd-2.4"), DockerfileOptions{}, true},
		{ruleDockerfilePackageCache, "dnf clean all", good("RUN dnf install -y httpd-2.4 && dnf clean all"), DockerfileOptions{}, false},
		{ruleDockerfilePackageCache, "zypper without clean", good("RUN zypper install -y vim-9"), DockerfileOptions{}, true},
		{ruleDockerfilePackageCache, "zypper clean", good("RUN zypper install -y vim-9 && zypper clean"), DockerfileOptions{}, false},
		{ruleDockerfilePackageCache, "pip cache", good("RUN pip install flask==3.0"), DockerfileOptions{}, true},
		{ruleDockerfilePackageCache, "pip no-cache-dir", good("RUN pip install --no-cache-dir flask==3.0"), DockerfileOptions{}, false},
		{ruleDockerfilePackageCache, "pip ENV", good("ENV PIP_NO_CACHE_DIR=1\nRUN python3 -m pip install flask==3.0"), DockerfileOptions{}, false},
		{ruleDockerfilePackageCache, "yarn install", good("RUN yarn install --frozen-lockfile"), DockerfileOptions{}, true},
		{ruleDockerfilePackageCache, "yarn cache clean", good("RUN yarn install --frozen-lockfile && yarn cache clean"), DockerfileOptions{}, false},
		// DF007 ADD
		{ruleDockerfileAdd, "ADD local file", good("ADD app.py /app/"), DockerfileOptions{}, true},
		{ruleDockerfileAdd, "ADD archive", good("ADD rootfs.tar.gz /"), DockerfileOptions{}, false},
		{ruleDockerfileAdd, "ADD URL", good("ADD https://example.com/tool.tgz /tmp/"), DockerfileOptions{}, true},
		{ruleDockerfileAdd, "ADD URL checksum", good("ADD --checksum=sha256:" + strings.Repeat("a", 64) + " https://example.com/tool /tmp/"), DockerfileOptions{}, false},
		{ruleDockerfileAdd, "COPY", good("COPY app.py /app/"), DockerfileOptions{}, false},
		// DF008 curl | sh
		{ruleDockerfileCurlPipeShell, "curl | sh", good("RUN curl -fsSL https://get.example.com | sh"), DockerfileOptions{}, true},
		{ruleDockerfileCurlPipeShell, "wget | sudo bash", good("RUN wget -qO- https://x.example/i.sh | sudo bash -s --"), DockerfileOptions{}, true},
		{ruleDockerfileCurlPipeShell, "through tee", good("RUN curl -fsSL https://x | tee /tmp/i | bash"), DockerfileOptions{}, true},
		{ruleDockerfileCurlPipeShell, "sh -c $(curl)", good(`RUN sh -c "$(curl -fsSL https://x/install.sh)"`), DockerfileOptions{}, true},
		{ruleDockerfileCurlPipeShell, "bash <(curl)", good("RUN bash <(curl -s https://x/i.sh)"), DockerfileOptions{}, true},
		{ruleDockerfileCurlPipeShell, "heredoc body", good("RUN <<EOF\ncurl -fsSL https://x | sh\nEOF"), DockerfileOptions{}, true},
		{ruleDockerfileCurlPipeShell, "curl | tar", good("RUN curl -fsSL https://x/a.tgz | tar -xz"), DockerfileOptions{}, false},
		{ruleDockerfileCurlPipeShell, "quoted pipe", good(`RUN echo "curl x | sh" > /doc.txt`), DockerfileOptions{}, false},
		// DF009 insecure
		{ruleDockerfileInsecureDownload, "curl -k", good("RUN curl -fsSLk https://x -o /a"), DockerfileOptions{}, true},
		{ruleDockerfileInsecureDownload, "curl --insecure", good("RUN curl --insecure https://x -o /a"), DockerfileOptions{}, true},
		{ruleDockerfileInsecureDownload, "curl fine", good("RUN curl -fsSL https://x -o /a"), DockerfileOptions{}, false},
		{ruleDockerfileInsecureDownload, "wget", good("RUN wget --no-check-certificate https://x"), DockerfileOptions{}, true},
		{ruleDockerfileInsecureDownload, "apt allow-unauthenticated", good("RUN apt-get install -y --allow-unauthenticated x"), DockerfileOptions{}, true},
		{ruleDockerfileInsecureDownload, "apk allow-untrusted", good("RUN apk add --no-cache --allow-untrusted /tmp/x.apk"), DockerfileOptions{}, true},
		{ruleDockerfileInsecureDownload, "yum nogpgcheck", good("RUN yum install -y --nogpgcheck x-1"), DockerfileOptions{}, true},
		{ruleDockerfileInsecureDownload, "rpm nosignature", good("RUN rpm -i --nosignature x.rpm"), DockerfileOptions{}, true},
		{ruleDockerfileInsecureDownload, "pip trusted-host", good("RUN pip install --trusted-host pypi.example x==1"), DockerfileOptions{}, true},
		{ruleDockerfileInsecureDownload, "ENV GIT_SSL_NO_VERIFY", good("ENV GIT_SSL_NO_VERIFY=true"), DockerfileOptions{}, true},
		{ruleDockerfileInsecureDownload, "ENV NODE_TLS", good("ENV NODE_TLS_REJECT_UNAUTHORIZED=0"), DockerfileOptions{}, true},
		{ruleDockerfileInsecureDownload, "ENV NODE_TLS=1", good("ENV NODE_TLS_REJECT_UNAUTHORIZED=1"), DockerfileOptions{}, false},
		{ruleDockerfileInsecureDownload, "inline PYTHONHTTPSVERIFY", good("RUN PYTHONHTTPSVERIFY=0 python3 fetch.py"), DockerfileOptions{}, true},
		{ruleDockerfileInsecureDownload, "npm strict-ssl", good("RUN npm config set strict-ssl false"), DockerfileOptions{}, true},
		{ruleDockerfileInsecureDownload, "git sslVerify", good("RUN git config --global http.sslVerify false"), DockerfileOptions{}, true},
		{ruleDockerfileInsecureDownload, "repo gpgcheck=0", good("RUN echo 'gpgcheck=0' >> /etc/yum.repos.d/x.repo"), DockerfileOptions{}, true},
		{ruleDockerfileInsecureDownload, "GOINSECURE arg", good("ARG GOINSECURE=example.com"), DockerfileOptions{}, true},
		// DF010 secrets
		{ruleDockerfileSecret, "ENV password", good("ENV DB_PASSWORD=hunter2"), DockerfileOptions{}, true},
		{ruleDockerfileSecret, "ARG token", good("ARG GITHUB_TOKEN"), DockerfileOptions{}, true},
		{ruleDockerfileSecret, "ENV AWS key", good("ENV AWS_SECRET_ACCESS_KEY=x"), DockerfileOptions{}, true},
		{ruleDockerfileSecret, "ENV AWS key id", good("ENV AWS_ACCESS_KEY_ID=AKIA"), DockerfileOptions{}, true},
		{ruleDockerfileSecret, "ENV front-end prefixed", good("ENV VITE_STRIPE_SECRET_KEY=sk"), DockerfileOptions{}, true},
		{ruleDockerfileSecret, "ENV DBPASSWORD", good("ENV DBPASSWORD=x"), DockerfileOptions{}, true},
		{ruleDockerfileSecret, "ENV password file", good("ENV POSTGRES_PASSWORD_FILE=/run/secrets/pg"), DockerfileOptions{}, false},
		{ruleDockerfileSecret, "ENV key file path", good("ENV API_KEY_FILE=/run/secrets/key"), DockerfileOptions{}, false},
		{ruleDockerfileSecret, "ENV public key", good("ENV PUBLIC_KEY=abc"), DockerfileOptions{}, false},
		{ruleDockerfileSecret, "ENV keyboard", good("ENV KEYBOARD=us"), DockerfileOptions{}, false},
		{ruleDockerfileSecret, "build stage ARG (BuildKit checks every stage)", "FROM alpine:3.20 AS b\nARG NPM_TOKEN\nRUN echo\nFROM scratch\nCOPY --from=b /a /a\nUSER 1\n", DockerfileOptions{}, true},
		{ruleDockerfileSecret, "meta ARG", "ARG REGISTRY_PASSWORD\n" + good(""), DockerfileOptions{}, true},
		{ruleDockerfileSecret, "build stage COPY of a key is not in the final image", "FROM alpine:3.20 AS b\nCOPY id_rsa /root/.ssh/\nFROM scratch\nCOPY --from=b /a /a\nUSER 1\n", DockerfileOptions{}, false},
		{ruleDockerfileSecret, "aws configure", good("RUN aws configure set aws_secret_access_key $KEY"), DockerfileOptions{}, true},
		{ruleDockerfileSecret, "aws configure with secret mount", good("RUN --mount=type=secret,id=aws aws configure set aws_secret_access_key $(cat /run/secrets/aws)"), DockerfileOptions{}, false},
		{ruleDockerfileSecret, "docker login -p", good("RUN docker login -u u -p pw registry.example"), DockerfileOptions{}, true},
		{ruleDockerfileSecret, "COPY id_rsa", good("COPY id_rsa /root/.ssh/id_rsa"), DockerfileOptions{}, true},
		{ruleDockerfileSecret, "COPY .env", good("COPY .env /app/.env"), DockerfileOptions{}, true},
		{ruleDockerfileSecret, "COPY key.pem", good("COPY tls/server-key.pem /tls/"), DockerfileOptions{}, true},
		{ruleDockerfileSecret, "COPY ca cert pem", good("COPY certs/ca-cert.pem /tls/"), DockerfileOptions{}, false},
		{ruleDockerfileSecret, "COPY .env.example", good("COPY .env.example /app/"), DockerfileOptions{}, false},
		// DF011 sudo
		{ruleDockerfileSudo, "sudo", good("RUN sudo apk add --no-cache x=1"), DockerfileOptions{}, true},
		{ruleDockerfileSudo, "sudo after &&", good("RUN echo && DEBIAN_FRONTEND=x sudo ls"), DockerfileOptions{}, true},
		{ruleDockerfileSudo, "no sudo", good("RUN echo pseudo"), DockerfileOptions{}, false},
		// DF012 SSH
		{ruleDockerfileSSH, "EXPOSE 22", good("EXPOSE 22"), DockerfileOptions{}, true},
		{ruleDockerfileSSH, "EXPOSE range with 22", good("EXPOSE 20-30/tcp"), DockerfileOptions{}, true},
		{ruleDockerfileSSH, "openssh-server", good("RUN apt-get install -y --no-install-recommends openssh-server=1"), DockerfileOptions{}, true},
		{ruleDockerfileSSH, "openssh-client", good("RUN apk add --no-cache openssh-client=9-r0"), DockerfileOptions{}, false},
		{ruleDockerfileSSH, "EXPOSE 8080", good("EXPOSE 8080"), DockerfileOptions{}, false},
		// DF013 healthcheck
		{ruleDockerfileNoHealthcheck, "none", "FROM alpine:3.20\nUSER 1\n", DockerfileOptions{}, true},
		{ruleDockerfileNoHealthcheck, "HEALTHCHECK NONE", "FROM alpine:3.20\nHEALTHCHECK NONE\nUSER 1\n", DockerfileOptions{}, true},
		{ruleDockerfileNoHealthcheck, "present", good(""), DockerfileOptions{}, false},
		// DF014 build tools / non-minimal
		{ruleDockerfileBuildToolsInFinal, "gcc single stage", good("RUN apk add --no-cache gcc=13-r0"), DockerfileOptions{}, true},
		{ruleDockerfileBuildToolsInFinal, "non-minimal base", "FROM ubuntu:24.04\nUSER 1\n", DockerfileOptions{}, true},
		{ruleDockerfileBuildToolsInFinal, "toolchain base", "FROM golang:1.23\nRUN go build -o /app .\nUSER 1\n", DockerfileOptions{}, true},
		{ruleDockerfileBuildToolsInFinal, "multi-stage distroless", "FROM golang:1.23 AS b\nRUN apt-get install -y gcc\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=b /a /a\n", DockerfileOptions{}, false},
		{ruleDockerfileBuildToolsInFinal, "custom minimal base", "FROM myacr.azurecr.io/base/runtime:1\nUSER 1\n", DockerfileOptions{Policy: Policy{MinimalBases: []string{"myacr.azurecr.io/base"}}}, false},
		// DF015 unpinned packages
		{ruleDockerfileUnpinnedPackages, "apt unpinned", good("RUN apt-get install -y --no-install-recommends curl"), DockerfileOptions{}, true},
		{ruleDockerfileUnpinnedPackages, "apt pinned", good("RUN apt-get install -y --no-install-recommends curl=8.5.0-2"), DockerfileOptions{}, false},
		{ruleDockerfileUnpinnedPackages, "apk virtual name is not a package", good("RUN apk add --no-cache --virtual .deps curl=8-r0"), DockerfileOptions{}, false},
		{ruleDockerfileUnpinnedPackages, "apk unpinned", good("RUN apk add --no-cache curl"), DockerfileOptions{}, true},
		{ruleDockerfileUnpinnedPackages, "pip unpinned", good("RUN pip install --no-cache-dir flask"), DockerfileOptions{}, true},
		{ruleDockerfileUnpinnedPackages, "pip requirements", good("RUN pip install --no-cache-dir -r requirements.txt"), DockerfileOptions{}, false},
		{ruleDockerfileUnpinnedPackages, "npm unpinned", good("RUN npm install -g @angular/cli"), DockerfileOptions{}, true},
		{ruleDockerfileUnpinnedPackages, "npm pinned scoped", good("RUN npm install -g @angular/cli@17.0.0"), DockerfileOptions{}, false},
		{ruleDockerfileUnpinnedPackages, "npm from package.json", good("RUN npm ci && npm install"), DockerfileOptions{}, false},
		{ruleDockerfileUnpinnedPackages, "go install latest", good("RUN go install golang.org/x/tools/gopls@latest"), DockerfileOptions{}, true},
		{ruleDockerfileUnpinnedPackages, "go install version", good("RUN go install golang.org/x/tools/gopls@v0.16.0"), DockerfileOptions{}, false},
		{ruleDockerfileUnpinnedPackages, "gem", good("RUN gem install bundler"), DockerfileOptions{}, true},
		{ruleDockerfileUnpinnedPackages, "gem -v", good("RUN gem install bundler -v 2.5.0"), DockerfileOptions{}, false},
		{ruleDockerfileUnpinnedPackages, "yum", good("RUN yum install -y httpd && yum clean all"), DockerfileOptions{}, true},
		{ruleDockerfileUnpinnedPackages, "yum pinned", good("RUN yum install -y httpd-2.4.6 && yum clean all"), DockerfileOptions{}, false},
		// DF016 upgrade
		{ruleDockerfileUpgrade, "apt-get upgrade", good("RUN apt-get update && apt-get upgrade -y"), DockerfileOptions{}, true},
		{ruleDockerfileUpgrade, "apt-get dist-upgrade", good("RUN apt-get -y dist-upgrade"), DockerfileOptions{}, true},
		{ruleDockerfileUpgrade, "update alone", good("RUN apt-get update"), DockerfileOptions{}, true},
		{ruleDockerfileUpgrade, "yum update all", good("RUN yum update -y"), DockerfileOptions{}, true},
		{ruleDockerfileUpgrade, "zypper dup", good("RUN zypper dup -y"), DockerfileOptions{}, true},
		{ruleDockerfileUpgrade, "update with install", good("RUN apt-get update && apt-get install -y --no-install-recommends a=1 && rm -rf /var/lib/apt/lists/*"), DockerfileOptions{}, false},
		// DF017 layers
		{ruleDockerfileLayers, "four RUNs", good("RUN a\nRUN b\nRUN c\nRUN d"), DockerfileOptions{}, true},
		{ruleDockerfileLayers, "three RUNs", good("RUN a\nRUN b\nRUN c"), DockerfileOptions{}, false},
		{ruleDockerfileLayers, "threshold", good("RUN a\nRUN b"), DockerfileOptions{MaxConsecutiveRuns: 1}, true},
		{ruleDockerfileLayers, "COPY / /", "FROM alpine:3.20 AS b\nFROM scratch\nCOPY --from=b / /\nUSER 1\n", DockerfileOptions{}, true},
		// DF018 dangerous fs
		{ruleDockerfileDangerousFS, "WORKDIR /proc", good("WORKDIR /proc/self"), DockerfileOptions{}, true},
		{ruleDockerfileDangerousFS, "chmod 777", good("RUN chmod -R 777 /app"), DockerfileOptions{}, true},
		{ruleDockerfileDangerousFS, "chmod u+s", good("RUN chmod u+s /bin/x"), DockerfileOptions{}, true},
		{ruleDockerfileDangerousFS, "chmod 4755", good("RUN chmod 4755 /bin/x"), DockerfileOptions{}, true},
		{ruleDockerfileDangerousFS, "COPY --chmod=777", good("COPY --chmod=777 a /a"), DockerfileOptions{}, true},
		{ruleDockerfileDangerousFS, "chpasswd", good("RUN echo 'root:x' | chpasswd"), DockerfileOptions{}, true},
		{ruleDockerfileDangerousFS, "chmod 755", good("RUN chmod 755 /app && chmod +x /app/run"), DockerfileOptions{}, false},
		// DF019 shell form on shell-less base
		{ruleDockerfileShellFormNoShell, "distroless shell CMD", "FROM gcr.io/distroless/static:nonroot\nCMD /app --serve\n", DockerfileOptions{}, true},
		{ruleDockerfileShellFormNoShell, "scratch ENTRYPOINT", "FROM scratch\nENTRYPOINT /app\nUSER 1\n", DockerfileOptions{}, true},
		{ruleDockerfileShellFormNoShell, "exec form", "FROM scratch\nENTRYPOINT [\"/app\"]\nUSER 1\n", DockerfileOptions{}, false},
		{ruleDockerfileShellFormNoShell, "alpine has a shell", good("CMD /app"), DockerfileOptions{}, false},
		// DF020 shell in minimal
		{ruleDockerfileShellInMinimal, "bash on alpine", good("RUN apk add --no-cache bash=5-r0"), DockerfileOptions{}, true},
		{ruleDockerfileShellInMinimal, "debug distroless", "FROM gcr.io/distroless/base-debian12:debug\nUSER 1\n", DockerfileOptions{}, true},
		{ruleDockerfileShellInMinimal, "busybox copied", "FROM busybox:1.36 AS b\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=b /bin/busybox /bin/busybox\n", DockerfileOptions{}, true},
		{ruleDockerfileShellInMinimal, "bash on ubuntu", "FROM ubuntu:24.04\nRUN apt-get install -y bash\nUSER 1\n", DockerfileOptions{}, false},
		{ruleDockerfileShellInMinimal, "clean", good("RUN apk add --no-cache curl=8-r0"), DockerfileOptions{}, false},
		// validation
		{ruleDockerfileRelativeWorkdir, "relative", good("WORKDIR app"), DockerfileOptions{}, true},
		{ruleDockerfileRelativeWorkdir, "absolute", good("WORKDIR /app"), DockerfileOptions{}, false},
		{ruleDockerfileRelativeWorkdir, "windows", "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nWORKDIR C:\\app\nUSER 1\n", DockerfileOptions{}, false},
		{ruleDockerfileInvalidPort, "too big", good("EXPOSE 70000"), DockerfileOptions{}, true},
		{ruleDockerfileInvalidPort, "bad proto", good("EXPOSE 80/http"), DockerfileOptions{}, true},
		{ruleDockerfileInvalidPort, "ok", good("EXPOSE 80/tcp 443 53/udp 8000-8100"), DockerfileOptions{}, false},
		{ruleDockerfileMultipleInstructions, "two CMD", good("CMD [\"a\"]\nCMD [\"b\"]"), DockerfileOptions{}, true},
		{ruleDockerfileMultipleInstructions, "one each", good("CMD [\"a\"]\nENTRYPOINT [\"b\"]"), DockerfileOptions{}, false},
		{ruleDockerfileCopyDestination, "two sources no slash", good("COPY a b /dst"), DockerfileOptions{}, true},
		{ruleDockerfileCopyDestination, "two sources slash", good("COPY a b /dst/"), DockerfileOptions{}, false},
		{ruleDockerfileCopyDestination, "JSON form", good(`COPY ["a", "b", "/dst"]`), DockerfileOptions{}, true},
		{ruleDockerfileCopyFromStage, "self", "FROM alpine:3.20 AS a\nCOPY --from=a /x /y\nUSER 1\n", DockerfileOptions{}, true},
		{ruleDockerfileCopyFromStage, "forward index", "FROM alpine:3.20\nCOPY --from=1 /x /y\nFROM scratch\nUSER 1\n", DockerfileOptions{}, true},
		{ruleDockerfileCopyFromStage, "earlier", "FROM alpine:3.20 AS a\nFROM scratch\nCOPY --from=a /x /y\nUSER 1\n", DockerfileOptions{}, false},
		{ruleDockerfileDuplicateStage, "dup", "FROM alpine:3.20 AS a\nFROM alpine:3.20 AS A\nUSER 1\n", DockerfileOptions{}, true},
		{ruleDockerfileDuplicateStage, "unique", "FROM alpine:3.20 AS a\nFROM alpine:3.20 AS b\nUSER 1\n", DockerfileOptions{}, false},
		{ruleDockerfileMaintainer, "present", good("MAINTAINER me"), DockerfileOptions{}, true},
		{ruleDockerfileMaintainer, "absent", good("LABEL org.opencontainers.image.authors=me"), DockerfileOptions{}, false},
		{ruleDockerfileInstructionBeforeFrom, "RUN before FROM", "RUN x\n" + good(""), DockerfileOptions{}, true},
		{ruleDockerfileInstructionBeforeFrom, "ARG before FROM", "ARG X=1\n" + good(""), DockerfileOptions{}, false},
		{ruleDockerfilePipefail, "pipe", good("RUN curl -fsSL https://x | tar -xz"), DockerfileOptions{}, true},
		{ruleDockerfilePipefail, "pipefail shell", good("SHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN curl -fsSL https://x | tar -xz"), DockerfileOptions{}, false},
		{ruleDockerfilePipefail, "SHELL inherited from base stage", "FROM alpine:3.20 AS base\nSHELL [\"/bin/ash\", \"-o\", \"pipefail\", \"-c\"]\nFROM base\nRUN a | b\nUSER 1\n", DockerfileOptions{}, false},
		{ruleDockerfilePipefail, "SHELL not inherited from an unrelated stage", "FROM alpine:3.20 AS a\nSHELL [\"/bin/ash\", \"-o\", \"pipefail\", \"-c\"]\nFROM alpine:3.20\nRUN a | b\nUSER 1\n", DockerfileOptions{}, true},
		{ruleDockerfilePipefail, "or is not a pipe", good("RUN a || b"), DockerfileOptions{}, false},
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
	require.Len(t, fails[ruleDockerfileRootUser.ID], 1)
	assert.Contains(t, fails[ruleDockerfileRootUser.ID][0].Message, "sets no USER")
	assert.Equal(t, 1, fails[ruleDockerfileRootUser.ID][0].Position.Line)
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
	want := ruleDockerfileRootUser.Points + ruleDockerfileUnpinnedBase.Points + ruleDockerfileCurlPipeShell.Points +
		ruleDockerfileInsecureDownload.Points + ruleDockerfileSecret.Points + ruleDockerfileBuildToolsInFinal.Points
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
	assert.NotEmpty(t, fails[ruleDockerfileSecret.ID])
	fails = failsOf(t, good(`ADD "app.py" /app/`), DockerfileOptions{})
	assert.NotEmpty(t, fails[ruleDockerfileAdd.ID])
}
