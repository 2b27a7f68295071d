package manifest

import (
	"slices"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
	"github.com/kubeharden/kubeharden/manifest/rbac"
)

const (
	helpSecurityContext = "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"
	helpPSS             = "https://kubernetes.io/docs/concepts/security/pod-security-standards/"
	helpResources       = "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"
	helpServiceAccounts = "https://kubernetes.io/docs/concepts/security/service-accounts/"
	helpSeccomp         = "https://kubernetes.io/docs/tutorials/security/seccomp/"
	helpAppArmor        = "https://kubernetes.io/docs/tutorials/security/apparmor/"
	helpUserNamespaces  = "https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/"
	helpSecrets         = "https://kubernetes.io/docs/concepts/security/secrets-good-practices/"
	helpRBAC            = "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"
	helpStatefulSet     = "https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#volume-claim-templates"
)

func rule(name, title string, kind kubeharden.RuleKind, sev kubeharden.Severity, points int, help, desc, remediation string, refs ...string) kubeharden.Rule {
	return kubeharden.Rule{ID: "manifest/" + name, Title: title, Description: desc, Kind: kind, Severity: sev,
		Points: points, Refs: refs, Remediation: remediation, HelpURL: help}
}

const (
	risk      = kubeharden.KindRisk
	hardening = kubeharden.KindHardening
	check     = kubeharden.KindCheck

	info     = kubeharden.SeverityInfo
	low      = kubeharden.SeverityLow
	medium   = kubeharden.SeverityMedium
	high     = kubeharden.SeverityHigh
	critical = kubeharden.SeverityCritical
)

// The catalogue. Rules with a "kubesec X" reference are the ones kubesec's
// rule X is reported under in CompatKubesec mode (with kubesec's points);
// the default mode uses the points and severities below.
var (
	ruleHostNetwork = rule("HostNetwork", "Pod shares the host's network namespace", risk, high, -9, helpPSS,
		"spec.hostNetwork: true puts the pod in the node's network namespace: it can bind host ports, reach services bound to the node's loopback interface and sniff node traffic.",
		"remove spec.hostNetwork (or set it to false)", "kubesec HostNetwork", "PSS baseline hostNamespaces")
	ruleHostPID = rule("HostPID", "Pod shares the host's PID namespace", risk, high, -9, helpPSS,
		"spec.hostPID: true lets the pod's processes see (and, with enough privilege, signal or ptrace) every process on the node, including their environment variables.",
		"remove spec.hostPID (or set it to false)", "kubesec HostPID", "PSS baseline hostNamespaces")
	ruleHostIPC = rule("HostIPC", "Pod shares the host's IPC namespace", risk, high, -9, helpPSS,
		"spec.hostIPC: true lets the pod's processes use the node's System V IPC objects and POSIX message queues, shared with every host process.",
		"remove spec.hostIPC (or set it to false)", "kubesec HostIPC", "PSS baseline hostNamespaces")
	rulePrivileged = rule("PrivilegedContainer", "Container runs privileged", risk, critical, -30, helpPSS,
		"securityContext.privileged: true gives the container every capability, all devices and no seccomp/AppArmor confinement: it is root on the node.",
		"remove securityContext.privileged (or set it to false) and grant only the specific capabilities the container needs",
		"kubesec Privileged", "PSS baseline privileged")
	ruleDangerousCapability = rule("DangerousCapability", "Container adds a dangerous capability", risk, critical, -30, helpPSS,
		"securityContext.capabilities.add grants ALL or SYS_ADMIN (critical: near-root on the node) or another capability that allows kernel, network or process tampering (SYS_MODULE, SYS_PTRACE, SYS_RAWIO, SYS_BOOT, DAC_READ_SEARCH, NET_ADMIN, BPF, PERFMON, MAC_ADMIN, MAC_OVERRIDE, NET_RAW). Names are compared the way the runtime applies them: case-insensitively, with or without the CAP_ prefix.",
		"remove the capability from securityContext.capabilities.add", "kubesec CapSysAdmin", "PSS baseline capabilities_baseline")
	ruleNonDefaultCapability = rule("NonDefaultCapability", "Container adds a capability outside the baseline set", risk, medium, -3, helpPSS,
		"securityContext.capabilities.add grants a capability outside the Pod Security baseline set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT).",
		"remove the capability from securityContext.capabilities.add", "PSS baseline capabilities_baseline")
	ruleContainerRuntimeSocket = rule("ContainerRuntimeSocket", "Container runtime socket mounted from the host", risk, critical, -9, helpPSS,
		"A hostPath volume exposes a container-runtime socket (docker, containerd, CRI-O, cri-dockerd, podman) or a directory holding one (/, /run, /var/run, /run/containerd, ...): whoever can talk to it can start privileged containers on the node.",
		"remove the hostPath volume; talk to the runtime through a narrowly scoped agent instead", "kubesec DockerSock", "PSS baseline hostPathVolumes")
	ruleSensitiveHostPath = rule("SensitiveHostPath", "Sensitive host directory mounted", risk, high, -9, helpPSS,
		"A hostPath volume mounts a sensitive part of the node's filesystem: /, /proc, /sys, /dev, /etc, /root, /home, /boot, /lib, /usr, /var/lib/kubelet or /etc/kubernetes (or a path below one). Paths are cleaned and compared by component, so /data/processed is not /proc.",
		"remove the hostPath volume or replace it with a configMap, secret, emptyDir or persistentVolumeClaim", "kubesec ProcMount", "PSS baseline hostPathVolumes")
	ruleHostAliases = rule("HostAliases", "Pod manages /etc/hosts entries", risk, low, -3, "https://kubernetes.io/docs/tasks/network/customize-hosts-file-for-pods/",
		"spec.hostAliases writes entries into the pod's /etc/hosts, bypassing cluster DNS; such overrides are easy to forget and can redirect traffic.",
		"remove spec.hostAliases and publish the names through DNS", "kubesec HostAliases")
	rulePrivilegeEscalation = rule("PrivilegeEscalationAllowed", "Container allows privilege escalation", risk, high, -7, helpPSS,
		"allowPrivilegeEscalation controls the no_new_privs flag. Unless it is explicitly false, a process can gain privileges through setuid/setgid binaries or file capabilities (true: high severity; unset, which means allowed: medium).",
		"set securityContext.allowPrivilegeEscalation: false", "kubesec AllowPrivilegeEscalation", "PSS restricted allowPrivilegeEscalation")
	ruleRunAsRoot = rule("RunAsRoot", "Container runs as root", risk, medium, -3, helpPSS,
		"The container's effective securityContext (pod-level values apply to containers that do not set the field) runs it as UID 0 (runAsUser: 0) or explicitly allows root (runAsNonRoot: false). Under hostUsers: false root is mapped to an unprivileged host UID, so the severity is lower.",
		"set runAsNonRoot: true and a non-zero runAsUser (above 10000) in the securityContext", "PSS restricted runAsNonRoot", "PSS restricted runAsUser")
	ruleRootGroup = rule("RootGroup", "Container runs with the root group", risk, low, -1, helpSecurityContext,
		"The effective runAsGroup is 0, or the pod's fsGroup or supplementalGroups contain 0: files owned by the root group become accessible.",
		"set runAsGroup and fsGroup to a non-zero GID (above 10000) and remove 0 from supplementalGroups")
	ruleProcMountUnmasked = rule("ProcMountUnmasked", "Container uses an unmasked /proc", risk, high, -9, helpPSS,
		"securityContext.procMount other than Default disables the masking of sensitive /proc paths (medium severity when the pod runs in a user namespace).",
		"remove securityContext.procMount (or set it to Default)", "PSS baseline procMount")
	ruleSeccompUnconfined = rule("SeccompUnconfined", "Container runs without seccomp", risk, medium, -1, helpSeccomp,
		"The effective seccomp profile (container, else pod, else the legacy annotation) is Unconfined: every system call is allowed.",
		"set securityContext.seccompProfile.type: RuntimeDefault (or Localhost with a reviewed profile)", "kubesec SeccompUnconfined", "PSS baseline seccompProfile_baseline")
	ruleAppArmorUnconfined = rule("AppArmorUnconfined", "Container runs without AppArmor", risk, medium, -1, helpAppArmor,
		"The effective AppArmor profile (container field, else pod field, else the container's annotation) is Unconfined.",
		"set securityContext.appArmorProfile.type: RuntimeDefault (or Localhost with a reviewed profile)", "kubesec ApparmorUnconfined", "PSS baseline appArmorProfile")
	ruleSeccompProfileInvalid = rule("SeccompProfileInvalid", "Seccomp profile is incomplete or unknown", check, medium, 0, helpSeccomp,
		"seccompProfile.type must be RuntimeDefault, Localhost (with localhostProfile naming the profile) or Unconfined; anything else is rejected by the API server or not a profile at all.",
		"use type RuntimeDefault, or Localhost together with localhostProfile")
	ruleAppArmorProfileInvalid = rule("AppArmorProfileInvalid", "AppArmor profile is incomplete or unknown", check, medium, 0, helpAppArmor,
		"appArmorProfile.type must be RuntimeDefault, Localhost (with localhostProfile naming the profile) or Unconfined.",
		"use type RuntimeDefault, or Localhost together with localhostProfile")
	ruleSeccompDeprecatedAnnotation = rule("SeccompDeprecatedAnnotation", "Deprecated seccomp annotation", check, info, 0, helpSeccomp,
		"The seccomp.security.alpha.kubernetes.io annotations were replaced by securityContext.seccompProfile in v1.19 and are ignored by current clusters.",
		"move the profile to securityContext.seccompProfile and delete the annotation")
	ruleAppArmorDeprecatedAnnotation = rule("AppArmorDeprecatedAnnotation", "Deprecated AppArmor annotation", check, info, 0, helpAppArmor,
		"The container.apparmor.security.beta.kubernetes.io annotations are deprecated since v1.30 in favour of securityContext.appArmorProfile.",
		"move the profile to securityContext.appArmorProfile and delete the annotation")
	ruleSecretInEnv = rule("SecretInEnv", "Secret exposed as an environment variable", risk, medium, -5, helpSecrets,
		"env[].valueFrom.secretKeyRef or envFrom[].secretRef copies a Secret into the environment, where it leaks through /proc/<pid>/environ, crash dumps, child processes and logs.",
		"mount the Secret as a volume (readOnly) and read it from the file", "kubesec SecretsAsEnvironmentVariables", "CIS 5.4.1")
	ruleBindingAnonymous = rule("BindingAnonymous", "Role bound to unauthenticated users", risk, critical, -30, helpRBAC,
		"A RoleBinding or ClusterRoleBinding grants its role to the user system:anonymous or the group system:unauthenticated (anyone who can reach the API server), or to the group system:authenticated (anyone with any valid credential).",
		"remove the subject from the binding", "kubesec BindingsToSystemAnonymous")
	ruleBindingMasters = rule("BindingMasters", "Binding to the system:masters group", risk, critical, -30, helpRBAC,
		"Members of system:masters bypass RBAC and authorization webhooks entirely; a binding naming the group is a sign that it is used as an ordinary group.",
		"remove the subject; grant the needed permissions to a dedicated group")
	ruleHostPort = rule("HostPort", "Container binds a host port", risk, medium, -3, helpPSS,
		"ports[].hostPort exposes the container on the node's network interfaces, bypassing NetworkPolicy and limiting scheduling.",
		"remove hostPort and expose the port through a Service", "PSS baseline hostPorts")
	ruleUnsafeSysctl = rule("UnsafeSysctl", "Pod sets an unsafe sysctl", risk, medium, -3, helpPSS,
		"spec.securityContext.sysctls sets a kernel parameter outside the Pod Security safe set; unsafe sysctls can affect the whole node.",
		"remove the sysctl or set it on dedicated nodes", "PSS baseline sysctls")
	ruleSELinuxOptions = rule("SELinuxCustomOptions", "Custom SELinux options", risk, medium, -3, helpPSS,
		"seLinuxOptions sets a user or role, or a type outside container_t, container_init_t, container_kvm_t and container_engine_t.",
		"remove seLinuxOptions.user and role, and use one of the allowed types", "PSS baseline seLinuxOptions")
	ruleWindowsHostProcess = rule("WindowsHostProcess", "Windows HostProcess container", risk, high, -9, helpPSS,
		"windowsOptions.hostProcess: true runs the container as a process on the Windows node with host access.",
		"remove windowsOptions.hostProcess", "PSS baseline windowsHostProcess")
	ruleProbeHost = rule("ProbeOrLifecycleHost", "Probe or lifecycle handler targets another host", risk, medium, -3, helpPSS,
		"httpGet.host or tcpSocket.host in a probe or lifecycle handler makes the kubelet connect wherever it points, from the node's network.",
		"remove the host field so that the handler targets the pod itself", "PSS baseline hostProbesAndHostLifecycle")
	ruleImageTagMissing = rule("ImageTagMissing", "Image without tag or digest", risk, medium, -1, "https://kubernetes.io/docs/concepts/containers/images/#image-names",
		"The image reference has neither a tag nor a digest, so it means :latest and changes under the workload.",
		"pin the image to a version tag or a digest")
	ruleImageLatestTag = rule("ImageLatestTag", "Image uses the :latest tag", risk, medium, -1, "https://kubernetes.io/docs/concepts/containers/images/#image-names",
		"The image reference uses the moving :latest tag without a digest: deployments are not reproducible and a rollback does not roll back the image.",
		"pin the image to a version tag or a digest")
	ruleImagePullPolicy = rule("ImagePullPolicy", "Mutable image not pulled on start", check, low, 0, "https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy",
		"The image is referenced by a mutable tag and its effective imagePullPolicy is not Always, so nodes may run whatever they have cached under that tag.",
		"pin the image to a digest, or set imagePullPolicy: Always")
	ruleImageReferenceInvalid = rule("ImageReferenceInvalid", "Invalid image reference", check, medium, 0, "https://kubernetes.io/docs/concepts/containers/images/#image-names",
		"The image field is not a valid image reference; the kubelet cannot pull it.",
		"fix the image reference")

	ruleReadOnlyRootFilesystem = rule("ReadOnlyRootFilesystemMissing", "Read-only root filesystem", hardening, low, 1, helpSecurityContext,
		"Every container (init and ephemeral included) sets securityContext.readOnlyRootFilesystem: true, so an attacker cannot drop binaries into the image's filesystem.",
		"set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the process must write", "kubesec ReadOnlyRootFilesystem")
	ruleRunAsNonRoot = rule("RunAsNonRoot", "Runs as a non-root user", hardening, medium, 1, helpSecurityContext,
		"Every container's effective securityContext enforces a non-root user (runAsNonRoot: true, or a non-zero runAsUser).",
		"set runAsNonRoot: true in the pod's securityContext", "kubesec RunAsNonRoot", "PSS restricted runAsNonRoot")
	ruleRunAsHighUID = rule("RunAsHighUID", "Runs as a high UID", hardening, low, 1, helpSecurityContext,
		"Every container's effective runAsUser is above 10000, so it does not share a UID with users of the node.",
		"set runAsUser to a value above 10000 in the pod's securityContext", "kubesec RunAsUser")
	ruleRunAsHighGID = rule("RunAsHighGID", "Runs as a high GID", hardening, low, 1, helpSecurityContext,
		"Every container's effective runAsGroup is above 10000, so it does not share a GID with groups of the node.",
		"set runAsGroup to a value above 10000 in the pod's securityContext", "kubesec RunAsGroup")
	ruleCapDropAny = rule("CapDropAny", "Drops capabilities", hardening, low, 1, helpSecurityContext,
		"Every container drops at least one capability.",
		"add securityContext.capabilities.drop: [ALL]", "kubesec CapDropAny")
	ruleCapDropAll = rule("CapabilitiesNotDroppedAll", "Drops all capabilities", hardening, low, 1, helpSecurityContext,
		"Every container drops ALL capabilities and adds back nothing but NET_BIND_SERVICE.",
		"set securityContext.capabilities.drop: [ALL] and add back only what the process needs", "kubesec CapDropAll", "PSS restricted capabilities_restricted")
	ruleRequestsCPU = rule("CPURequestMissing", "CPU request set", hardening, low, 1, helpResources,
		"Every container (init containers included) sets resources.requests.cpu, so the scheduler can place the pod fairly.",
		"set resources.requests.cpu", "kubesec RequestsCPU")
	ruleLimitsCPU = rule("CPULimitMissing", "CPU limit set", hardening, low, 1, helpResources,
		"Every container (init containers included) sets resources.limits.cpu, limiting denial of service through CPU exhaustion.",
		"set resources.limits.cpu", "kubesec LimitsCPU")
	ruleRequestsMemory = rule("MemoryRequestMissing", "Memory request set", hardening, low, 1, helpResources,
		"Every container (init containers included) sets resources.requests.memory.",
		"set resources.requests.memory", "kubesec RequestsMemory")
	ruleLimitsMemory = rule("MemoryLimitMissing", "Memory limit set", hardening, low, 1, helpResources,
		"Every container (init containers included) sets resources.limits.memory, limiting denial of service through memory exhaustion.",
		"set resources.limits.memory", "kubesec LimitsMemory")
	ruleServiceAccountName = rule("DefaultServiceAccount", "Dedicated service account", hardening, low, 3, helpServiceAccounts,
		"The pod runs under a dedicated service account. An absent or empty serviceAccountName and the name default all mean the namespace's default account, which is shared by every pod that does not choose one.",
		"create a ServiceAccount for the workload and set spec.serviceAccountName to it", "kubesec ServiceAccountName")
	ruleAutomountServiceAccountToken = rule("ServiceAccountTokenAutomount", "Service account token not mounted", hardening, low, 1, helpServiceAccounts,
		"spec.automountServiceAccountToken: false keeps an API credential out of pods that do not call the API server.",
		"set spec.automountServiceAccountToken: false (mount a projected token only where needed)", "kubesec AutomountServiceAccountToken")
	ruleUserNamespace = rule("UserNamespace", "Runs in a user namespace", hardening, low, 1, helpUserNamespaces,
		"spec.hostUsers: false runs the pod in its own user namespace: root in the container is an unprivileged user on the node.",
		"set spec.hostUsers: false", "kubesec HostUsers")
	ruleSeccompProfile = rule("SeccompProfileMissing", "Seccomp profile set", hardening, low, 1, helpSeccomp,
		"Every container's effective seccomp profile is RuntimeDefault or Localhost (field, else pod field, else the legacy annotation).",
		"set spec.securityContext.seccompProfile.type: RuntimeDefault", "kubesec SeccompAny", "PSS restricted seccompProfile_restricted")
	ruleAppArmorProfile = rule("AppArmorProfileMissing", "AppArmor profile set", hardening, low, 3, helpAppArmor,
		"Every container's effective AppArmor profile is RuntimeDefault or Localhost (field, else pod field, else the container's annotation).",
		"set spec.securityContext.appArmorProfile.type: RuntimeDefault", "kubesec ApparmorAny")
	ruleVolumeClaimAccessMode = rule("VolumeClaimAccessModeReadWriteOnce", "Claim templates are single-node", hardening, info, 1, helpStatefulSet,
		"Every volumeClaimTemplate asks only for single-node access modes (ReadWriteOnce, ReadWriteOncePod). Only StatefulSets with claim templates are rated.",
		"set spec.accessModes: [ReadWriteOnce] on the claim template", "kubesec VolumeClaimAccessModeReadWriteOnce")
	ruleVolumeClaimRequestsStorage = rule("VolumeClaimRequestsStorage", "Claim templates request storage", hardening, info, 1, helpStatefulSet,
		"Every volumeClaimTemplate sets spec.resources.requests.storage. Only StatefulSets with claim templates are rated.",
		"set spec.resources.requests.storage on the claim template", "kubesec VolumeClaimRequestsStorage")
)

// catalogue lists the rules in a stable order; it is never mutated.
var catalogue = []*kubeharden.Rule{
	&ruleHostNetwork, &ruleHostPID, &ruleHostIPC, &rulePrivileged, &ruleDangerousCapability, &ruleNonDefaultCapability,
	&ruleContainerRuntimeSocket, &ruleSensitiveHostPath, &ruleHostAliases, &rulePrivilegeEscalation, &ruleRunAsRoot,
	&ruleRootGroup, &ruleProcMountUnmasked, &ruleSeccompUnconfined, &ruleAppArmorUnconfined, &ruleSeccompProfileInvalid,
	&ruleAppArmorProfileInvalid, &ruleSeccompDeprecatedAnnotation, &ruleAppArmorDeprecatedAnnotation, &ruleSecretInEnv,
	&ruleBindingAnonymous, &ruleBindingMasters, &ruleHostPort, &ruleUnsafeSysctl, &ruleSELinuxOptions, &ruleWindowsHostProcess,
	&ruleProbeHost, &ruleImageTagMissing, &ruleImageLatestTag, &ruleImagePullPolicy, &ruleImageReferenceInvalid,
	&ruleReadOnlyRootFilesystem, &ruleRunAsNonRoot, &ruleRunAsHighUID, &ruleRunAsHighGID, &ruleCapDropAny, &ruleCapDropAll,
	&ruleRequestsCPU, &ruleLimitsCPU, &ruleRequestsMemory, &ruleLimitsMemory, &ruleServiceAccountName,
	&ruleAutomountServiceAccountToken, &ruleUserNamespace, &ruleSeccompProfile, &ruleAppArmorProfile,
	&ruleVolumeClaimAccessMode, &ruleVolumeClaimRequestsStorage,
	&rulePSSBaseline, &rulePSSRestricted,
}

// Rules returns the package's catalogue: the workload, hardening and
// other-kind rules, then manifest/rbac's rules (rbac.Rules), then the
// decoding rules (manifest/UnknownField, DuplicateKey,
// CaseVariantKey). Rules that kubesec also has carry a "kubesec <id>"
// reference. The slices are fresh copies.
func Rules() []kubeharden.Rule {
	out := make([]kubeharden.Rule, 0, len(catalogue)+len(hardeningRules)+len(otherKindRules)+32)
	for _, r := range slices.Concat(catalogue, hardeningRules, otherKindRules) {
		c := *r
		c.Refs = append([]string(nil), r.Refs...)
		out = append(out, c)
	}
	out = append(out, rbac.Rules()...)
	return append(out, decode.ProblemRules("manifest")...)
}
