package image

import "github.com/kubeharden/kubeharden"

func rule(name, title, desc string, kind kubeharden.RuleKind, sev kubeharden.Severity, points int, remediation string, refs ...string) kubeharden.Rule {
	return kubeharden.Rule{
		ID: "image/" + name, Title: title, Description: desc, Kind: kind, Severity: sev,
		Points: points, Refs: refs, Remediation: remediation,
	}
}

const (
	risk  = kubeharden.KindRisk
	check = kubeharden.KindCheck
	info  = kubeharden.SeverityInfo
	low   = kubeharden.SeverityLow
	med   = kubeharden.SeverityMedium
	high  = kubeharden.SeverityHigh
	crit  = kubeharden.SeverityCritical
)

// Image reference rules (Policy.Check).
var (
	ruleInvalidReference = rule("InvalidReference", "Image reference does not parse",
		"The image reference does not follow the distribution reference grammar (upper-case repository, empty or malformed tag, short digest, 64-hex name); the runtime cannot pull it.",
		risk, med, -3, "write the reference as registry/repository:tag@sha256:digest in lower case")
	ruleImageTagMissing = rule("ImageTagMissing", "Image has neither tag nor digest",
		"A reference without tag or digest resolves to :latest, so the image can change under the same manifest.",
		risk, med, -3, "pin the image to a version tag and its digest",
		"hadolint DL3006", "Trivy KSV-0013", "Polaris tagNotSpecified")
	ruleImageLatestTag = rule("ImageLatestTag", "Image uses the latest tag",
		"The latest tag moves; without a digest the deployed content is not reproducible.",
		risk, med, -3, "replace :latest with a version tag and pin its digest",
		"hadolint DL3007", "Trivy KSV-0013", "Trivy DS-0001", "Checkov CKV_DOCKER_7", "kubescape C-0075")
	ruleImageNotDigestPinned = rule("ImageNotDigestPinned", "Image is not pinned by digest",
		"Policy requires an @sha256: digest: tags are mutable, digests name content.",
		risk, low, -1, "append @sha256:<digest> to the reference")
	ruleUntrustedRegistry = rule("UntrustedRegistry", "Image registry not allowed",
		"The image's registry (and repository prefix) is not in the allow-list; the normalised domain is compared exactly and a bare name counts as docker.io.",
		risk, med, -5, "mirror the image into an allowed registry and reference it there",
		"hadolint DL3026", "Trivy KSV-0125", "Trivy KSV-0034", "kubescape C-0001", "kubescape C-0078")
	ruleDebugVariant = rule("DebugVariant", "Distroless debug variant",
		"A :debug distroless tag adds a busybox shell to an image meant to have none.",
		risk, low, -1, "use the non-debug tag in production")
	ruleImagePullPolicy = rule("ImagePullPolicy", "Mutable tag not pulled Always",
		"The image is referenced by a tag without digest and its effective imagePullPolicy (explicit, or the Kubernetes default IfNotPresent for tags other than latest) is not Always, so nodes may run different content under the same tag.",
		risk, low, -1, "pin the image by digest, or set imagePullPolicy: Always",
		"Polaris pullPolicyNotAlways", "kubescape C-0075")
	ruleNonMinimalBase = rule("NonMinimalBase", "Image is not a minimal image",
		"Heuristic: the image is not scratch, distroless, Chainguard, Alpine or a slim variant; larger images carry more packages to patch and more tools for an attacker.",
		check, info, 0, "build on a minimal base (distroless, scratch, Chainguard) with a multi-stage build")
)

// Dockerfile rules (ScanDockerfile).
var (
	ruleDockerfileRootUser = rule("DockerfileRootUser", "Final stage runs as root",
		"The final stage's last USER is root or 0 (with any group), or the final stage sets no USER and inherits root from the base.",
		risk, high, -10, "add USER with a non-root numeric UID (USER 65532:65532) at the end of the final stage",
		"hadolint DL3002", "Trivy DS-0002", "Checkov CKV_DOCKER_3", "Checkov CKV_DOCKER_8")
	ruleDockerfileNonNumericUser = rule("DockerfileNonNumericUser", "Final USER is not numeric",
		"Kubernetes runAsNonRoot can only verify a numeric UID; a user name makes the kubelet refuse to start the container.",
		risk, low, -1, "use a numeric UID (and GID) in USER", "hadolint DL3066")
	ruleDockerfileUnpinnedBase = rule("DockerfileUnpinnedBase", "Base image not pinned",
		"FROM names an image without tag, with :latest, or (when the policy requires it) without a digest; checked after meta-ARG expansion, scratch and stage names excepted.",
		risk, med, -3, "pin FROM to a version tag and digest",
		"hadolint DL3006", "hadolint DL3007", "Trivy DS-0001", "Checkov CKV_DOCKER_7")
	ruleDockerfileUntrustedRegistry = rule("DockerfileUntrustedRegistry", "Image from a registry that is not allowed",
		"FROM, COPY --from=<image> or RUN --mount=from=<image> names an image outside the allowed registries.",
		risk, high, -5, "pull base images from an allowed registry",
		"hadolint DL3026")
	ruleDockerfileInstallRecommends = rule("DockerfileInstallRecommends", "apt-get install pulls recommended packages",
		"apt-get install without --no-install-recommends installs recommended packages the image does not need.",
		risk, low, -1, "add --no-install-recommends to apt-get install",
		"hadolint DL3015", "Trivy DS-0029")
	ruleDockerfilePackageCache = rule("DockerfilePackageCache", "Package manager cache left in the layer",
		"apt lists not removed in the same RUN, apk add without --no-cache, yum/dnf/microdnf/zypper without clean, pip install without --no-cache-dir.",
		risk, low, -1, "clean the package cache in the same RUN (rm -rf /var/lib/apt/lists/*, apk add --no-cache, dnf clean all, pip --no-cache-dir) or use a cache mount",
		"hadolint DL3009", "hadolint DL3019", "hadolint DL3032", "hadolint DL3036", "hadolint DL3040", "hadolint DL3042", "hadolint DL3060",
		"Trivy DS-0015", "Trivy DS-0019", "Trivy DS-0020", "Trivy DS-0025", "Trivy DS-0027")
	ruleDockerfileAdd = rule("DockerfileAdd", "ADD used where COPY or a verified download fits",
		"ADD of local files that are not archives (use COPY), or ADD of a URL without --checksum (content unverified).",
		risk, med, -3, "use COPY for local files; for URLs use ADD --checksum=sha256:<hex>",
		"hadolint DL3020", "Trivy DS-0005", "Checkov CKV_DOCKER_4")
	ruleDockerfileCurlPipeShell = rule("DockerfileCurlPipeShell", "Remote script piped into a shell",
		"curl or wget output piped straight into sh/bash runs a remote script without verification.",
		risk, high, -5, "download the script, verify its checksum, then run it")
	ruleDockerfileInsecureDownload = rule("DockerfileInsecureDownload", "TLS or signature verification disabled",
		"curl -k, wget --no-check-certificate, apt --allow-unauthenticated, apk --allow-untrusted, --nogpgcheck, rpm --nosignature, GIT_SSL_NO_VERIFY, NODE_TLS_REJECT_UNAUTHORIZED=0, pip --trusted-host, npm strict-ssl false and similar switches.",
		risk, high, -5, "remove the switch and install the CA or signing key instead",
		"Checkov CKV2_DOCKER_2", "Checkov CKV2_DOCKER_3", "Checkov CKV2_DOCKER_4", "Checkov CKV2_DOCKER_5", "Checkov CKV2_DOCKER_6",
		"Checkov CKV2_DOCKER_7", "Checkov CKV2_DOCKER_8", "Checkov CKV2_DOCKER_9", "Checkov CKV2_DOCKER_10", "Checkov CKV2_DOCKER_11",
		"Checkov CKV2_DOCKER_12", "Checkov CKV2_DOCKER_13", "Checkov CKV2_DOCKER_14", "Checkov CKV2_DOCKER_15", "Checkov CKV2_DOCKER_16",
		"Checkov CKV2_DOCKER_18")
	ruleDockerfileSecret = rule("DockerfileSecret", "Secret baked into the image",
		"A secret-looking name in ENV or ARG in any stage (values persist in the image config, history and build provenance), or, in the final image, credential setup in RUN without a secret mount or COPY of a private key, .env file or kubeconfig.",
		risk, crit, -10, "pass secrets with RUN --mount=type=secret and keep key files out of the build context",
		"hadolint DL3064", "Trivy DS-0031", "BuildKit SecretsUsedInArgOrEnv")
	ruleDockerfileSudo = rule("DockerfileSudo", "sudo in RUN",
		"sudo has unpredictable TTY and signal behaviour and suggests the image runs as a privileged user.",
		risk, med, -2, "switch USER around the commands that need root instead of sudo",
		"hadolint DL3004", "Trivy DS-0010", "Checkov CKV2_DOCKER_1")
	ruleDockerfileSSH = rule("DockerfileSSH", "SSH server in the image",
		"EXPOSE 22 or openssh-server installed: containers are entered with kubectl exec, not SSH.",
		risk, med, -2, "remove the SSH server and port 22",
		"Trivy DS-0004", "Checkov CKV_DOCKER_1", "kubescape C-0042")
	ruleDockerfileNoHealthcheck = rule("DockerfileNoHealthcheck", "No HEALTHCHECK",
		"Informational for Kubernetes, which ignores HEALTHCHECK and uses liveness/readiness probes instead.",
		check, info, 0, "define probes in the pod spec (or a HEALTHCHECK for plain Docker use)",
		"hadolint DL3057", "Trivy DS-0026", "Checkov CKV_DOCKER_2")
	ruleDockerfileBuildToolsInFinal = rule("DockerfileBuildToolsInFinal", "Build tools or a large base in the final image",
		"A single-stage build installs compilers or build tools (gcc, build-essential, golang, maven, npm, ...), or the final stage builds on a non-minimal base.",
		risk, med, -2, "use a multi-stage build and copy only the artefacts onto distroless or scratch",
		"CKS minimise base image footprint")
	ruleDockerfileUnpinnedPackages = rule("DockerfileUnpinnedPackages", "Package versions not pinned",
		"apt/apk pkg=version, pip ==, npm @version, gem -v, go install @version, yum/dnf/zypper name-version: unpinned installs make builds irreproducible.",
		risk, low, -1, "pin package versions",
		"hadolint DL3008", "hadolint DL3013", "hadolint DL3016", "hadolint DL3018", "hadolint DL3028", "hadolint DL3033",
		"hadolint DL3037", "hadolint DL3041", "hadolint DL3062")
	ruleDockerfileUpgrade = rule("DockerfileUpgrade", "Distribution upgrade or update alone in RUN",
		"apt-get upgrade/dist-upgrade or zypper dist-upgrade replaces the base's packages unpredictably; an update alone in a RUN caches stale indexes.",
		risk, low, -1, "update the base image instead; run update and install in the same RUN",
		"Trivy DS-0017", "Trivy DS-0024", "hadolint DL3035", "Checkov CKV_DOCKER_5")
	ruleDockerfileLayers = rule("DockerfileLayers", "Layer bloat",
		"Many consecutive RUN instructions, or COPY --from=<stage> / / copying a whole filesystem.",
		check, info, 0, "merge consecutive RUNs and copy only the needed paths",
		"hadolint DL3059", "hadolint DL3067")
	ruleDockerfileDangerousFS = rule("DockerfileDangerousFS", "Dangerous file-system change",
		"WORKDIR under /proc, /boot, /dev, /initrd or /lost+found; chpasswd; chmod 777; setuid or setgid bits.",
		risk, med, -2, "avoid world-writable modes, setuid bits and password changes in images",
		"Trivy DS-0030", "Checkov CKV2_DOCKER_17")
	ruleDockerfileShellFormNoShell = rule("DockerfileShellFormNoShell", "Shell-form CMD/ENTRYPOINT on a shell-less base",
		"Shell form runs /bin/sh -c, which scratch and distroless do not have: the container fails to start.",
		risk, low, -1, "use the JSON (exec) form: CMD [\"/app\"]",
		"hadolint DL3025", "BuildKit JSONArgsRecommended")
	ruleDockerfileShellInMinimal = rule("DockerfileShellInMinimal", "Shell or package manager added to a minimal image",
		"The final stage builds on a minimal base but adds a shell or package manager back (a debug variant, bash/busybox installed, a shell copied in).",
		risk, med, -2, "keep shells and package managers in build stages only",
		"CKS minimise base image footprint")
	ruleDockerfileRelativeWorkdir = rule("DockerfileRelativeWorkdir", "Relative WORKDIR",
		"A relative WORKDIR depends on the previous one; use an absolute path.",
		check, low, 0, "use an absolute WORKDIR", "hadolint DL3000", "Trivy DS-0009")
	ruleDockerfileInvalidPort = rule("DockerfileInvalidPort", "EXPOSE port out of range",
		"EXPOSE ports must be 0-65535 with protocol tcp, udp or sctp.",
		check, low, 0, "fix the port number", "hadolint DL3011", "Trivy DS-0008")
	ruleDockerfileMultipleInstructions = rule("DockerfileMultipleInstructions", "Repeated CMD, ENTRYPOINT or HEALTHCHECK",
		"Only the last CMD, ENTRYPOINT or HEALTHCHECK of a stage takes effect.",
		check, low, 0, "keep one CMD, ENTRYPOINT and HEALTHCHECK per stage",
		"hadolint DL4003", "hadolint DL4004", "hadolint DL3012", "Trivy DS-0007", "Trivy DS-0016", "Trivy DS-0023")
	ruleDockerfileCopyDestination = rule("DockerfileCopyDestination", "COPY of several sources to a non-directory",
		"COPY or ADD with more than one source needs a destination ending in /.",
		check, low, 0, "end the destination with /", "hadolint DL3021", "Trivy DS-0011")
	ruleDockerfileCopyFromStage = rule("DockerfileCopyFromStage", "COPY --from names the current stage",
		"COPY --from must name an earlier stage, a stage index below the current one, or an image; naming the current stage fails the build.",
		check, low, 0, "copy from an earlier stage", "hadolint DL3022", "hadolint DL3023", "Trivy DS-0006")
	ruleDockerfileDuplicateStage = rule("DockerfileDuplicateStage", "Duplicate stage name",
		"Stage names must be unique (case-insensitive).",
		check, low, 0, "rename the stage", "hadolint DL3024", "Trivy DS-0012", "Checkov CKV_DOCKER_11")
	ruleDockerfileMaintainer = rule("DockerfileMaintainer", "Deprecated MAINTAINER",
		"MAINTAINER is deprecated; use LABEL org.opencontainers.image.authors.",
		check, info, 0, "replace MAINTAINER with LABEL org.opencontainers.image.authors=...",
		"hadolint DL4000", "Trivy DS-0022", "Checkov CKV_DOCKER_6", "BuildKit MaintainerDeprecated")
	ruleDockerfileInstructionBeforeFrom = rule("DockerfileInstructionBeforeFrom", "Instruction before FROM",
		"Only ARG may precede the first FROM.",
		check, low, 0, "move the instruction after FROM", "hadolint DL3061")
	ruleDockerfilePipefail = rule("DockerfilePipefail", "Pipe in RUN without pipefail",
		"With /bin/sh -c a pipeline's status is its last command's: a failed download piped into another command goes unnoticed.",
		check, low, 0, "add SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] before RUNs with pipes", "hadolint DL4006")
)

// Checksum rules (VerifyReport.Report).
var (
	ruleChecksumMismatch = rule("ChecksumMismatch", "File does not match its published checksum",
		"The file's sha512 (or sha256) differs from every digest the checksum lists give for its name: the binary is corrupt or not the published one.",
		risk, crit, -30, "download the file again from the official source and verify it before installing")
	ruleChecksumNotListed = rule("ChecksumNotListed", "File missing from the checksum lists",
		"No checksum list names the file, so it cannot be verified.",
		risk, high, -10, "pass the checksum list that covers the file (for a single binary its .sha512 file)")
	ruleChecksumListedAbsent = rule("ChecksumListedAbsent", "Listed file is absent",
		"A checksum list names a file that is not present (sha512sum --check reports it as missing).",
		risk, med, -3, "provide the file or verify with --ignore-missing semantics")
)

// Trivy report rules (GateTrivy).
var (
	ruleVulnerability = rule("Vulnerability", "Vulnerability at or above the gate's severity",
		"A vulnerability in the Trivy report that the policy neither ignores nor allow-lists. Findings below the threshold, unfixed ones (when ignored) and allow-listed ones stay in the report as suppressed.",
		risk, high, -5, "upgrade the package to its fixed version or rebuild on a patched base image")
	ruleTrivyAllowlistExpired = rule("TrivyAllowlistExpired", "Allow-list entry expired",
		"An allow-listed vulnerability id is past its expiry date, so it gates again.",
		check, med, 0, "fix the vulnerability or renew the exception with a new review date")
	ruleTrivyDigestMismatch = rule("TrivyDigestMismatch", "Report does not cover the deployed image",
		"The Trivy report's repo digests do not contain the digest the manifest deploys (or the deployed reference has no digest to compare).",
		risk, high, -10, "scan the exact image digest that is deployed and gate that report")
	ruleTrivyOSEndOfLife = rule("TrivyOSEndOfLife", "Base OS is end of life",
		"Trivy marked the image's OS as end of service life: it no longer receives security fixes.",
		risk, high, -5, "rebuild on a supported OS release")
	ruleTrivyReportStale = rule("TrivyReportStale", "Report is older than allowed",
		"The report's CreatedAt is older than the policy's maximum age; vulnerabilities published since are missing.",
		check, med, 0, "rescan the image")
)

// Rules returns the package's full rule catalogue in a stable order.
func Rules() []kubeharden.Rule {
	return []kubeharden.Rule{
		ruleInvalidReference, ruleImageTagMissing, ruleImageLatestTag, ruleImageNotDigestPinned,
		ruleUntrustedRegistry, ruleDebugVariant, ruleImagePullPolicy, ruleNonMinimalBase,

		ruleDockerfileRootUser, ruleDockerfileNonNumericUser, ruleDockerfileUnpinnedBase,
		ruleDockerfileUntrustedRegistry, ruleDockerfileInstallRecommends, ruleDockerfilePackageCache,
		ruleDockerfileAdd, ruleDockerfileCurlPipeShell, ruleDockerfileInsecureDownload, ruleDockerfileSecret,
		ruleDockerfileSudo, ruleDockerfileSSH, ruleDockerfileNoHealthcheck, ruleDockerfileBuildToolsInFinal,
		ruleDockerfileUnpinnedPackages, ruleDockerfileUpgrade, ruleDockerfileLayers, ruleDockerfileDangerousFS,
		ruleDockerfileShellFormNoShell, ruleDockerfileShellInMinimal, ruleDockerfileRelativeWorkdir,
		ruleDockerfileInvalidPort, ruleDockerfileMultipleInstructions, ruleDockerfileCopyDestination,
		ruleDockerfileCopyFromStage, ruleDockerfileDuplicateStage, ruleDockerfileMaintainer,
		ruleDockerfileInstructionBeforeFrom, ruleDockerfilePipefail,

		ruleChecksumMismatch, ruleChecksumNotListed, ruleChecksumListedAbsent,

		ruleVulnerability, ruleTrivyAllowlistExpired, ruleTrivyDigestMismatch, ruleTrivyOSEndOfLife, ruleTrivyReportStale,
	}
}
