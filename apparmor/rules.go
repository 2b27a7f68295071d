package apparmor

import (
	kubeharden "github.com/kubeharden/kubeharden"
)

const helpBase = "https://github.com/kubeharden/kubeharden/blob/main/docs/rules.md#"

func rule(id, title string, kind kubeharden.RuleKind, sev kubeharden.Severity, points int, desc, fix string, refs ...string) kubeharden.Rule {
	return kubeharden.Rule{
		ID: "apparmor/" + id, Title: title, Description: desc, Kind: kind, Severity: sev, Points: points,
		Refs: refs, Remediation: fix, HelpURL: helpBase + "apparmor" + id,
	}
}

// Rule catalogue. IDs are stable.
var (
	ruleInvalid = rule("Invalid", "Profile does not load", kubeharden.KindCheck, kubeharden.SeverityHigh, 0,
		"apparmor_parser would reject the profile text, so the node cannot load it and pods naming it fail to start.",
		"Fix the reported syntax or semantic error; check with `apparmor_parser -Q -K FILE`.")
	ruleUnconfined = rule("UnconfinedMode", "Profile runs in unconfined mode", kubeharden.KindRisk, kubeharden.SeverityCritical, -30,
		"flags=(unconfined) disables confinement: the profile's rules are not enforced at all.",
		"Remove the unconfined flag and write the rules the workload needs.")
	ruleComplain = rule("ComplainMode", "Profile runs in complain mode", kubeharden.KindRisk, kubeharden.SeverityHigh, -15,
		"flags=(complain) only logs violations; nothing is blocked.",
		"Switch the profile to enforce mode once its rules are complete (remove `complain`).")
	rulePrompt = rule("PromptMode", "Profile uses prompt or default_allow mode", kubeharden.KindRisk, kubeharden.SeverityMedium, -5,
		"prompt (4.x) asks a user-space agent and default_allow allows what no rule denies; neither is a deny-by-default policy for a container.",
		"Use enforce mode.")
	ruleBareCapability = rule("BareCapability", "All capabilities allowed", kubeharden.KindRisk, kubeharden.SeverityCritical, -30,
		"A bare `capability,` rule grants every Linux capability, sys_admin and sys_module included.",
		"List only the capabilities the workload needs (`capability net_bind_service,`).")
	ruleCapCritical = rule("CapabilityCritical", "Capability that amounts to root on the host", kubeharden.KindRisk, kubeharden.SeverityCritical, -15,
		"Capabilities rated 10 in AppArmor's severity.db (mac_admin, mac_override, sys_admin, sys_chroot, sys_module, sys_ptrace, sys_rawio) allow escaping or disabling confinement.",
		"Remove the capability or deny it (`deny capability sys_admin,`).")
	ruleCapHigh = rule("CapabilityHigh", "High-risk capability", kubeharden.KindRisk, kubeharden.SeverityHigh, -5,
		"Capabilities rated 9 in severity.db (bpf, chown, dac_override, fowner, setuid, setgid, setpcap, mknod …) bypass file permission or identity checks.",
		"Remove the capability unless the workload demonstrably needs it.")
	ruleCapMedium = rule("CapabilityMedium", "Elevated capability", kubeharden.KindRisk, kubeharden.SeverityLow, -1,
		"Capabilities rated 7–8 in severity.db (net_admin, net_raw, kill, sys_time, sys_nice, dac_read_search …).",
		"Remove the capability unless the workload needs it.")
	ruleBareFile = rule("BareFile", "Unrestricted file access", kubeharden.KindRisk, kubeharden.SeverityHigh, -10,
		"`file,`, `all,` or a `/** rw` style rule lets the task read and write every path the DAC permissions allow.",
		"Replace the blanket rule with rules for the paths the workload uses, and keep the runtime default's deny rules.")
	ruleBareNetwork = rule("BareNetwork", "All networking allowed", kubeharden.KindRisk, kubeharden.SeverityLow, -1,
		"A bare `network,` rule allows every socket family and type, raw and packet sockets included.",
		"Allow only the families the workload uses (`network inet stream,`, `network inet6 stream,`).")
	ruleRiskySocket = rule("RiskySocket", "Raw, packet, AF_ALG, vsock or raw netlink sockets allowed", kubeharden.KindRisk, kubeharden.SeverityMedium, -5,
		"Raw and packet sockets allow spoofing and sniffing; AF_ALG has a history of kernel exploits (moby's default profile denies it); vsock reaches the hypervisor; raw netlink talks to kernel subsystems.",
		"Deny the family (`deny network packet,`, `deny network alg,`, `deny network raw,`) or narrow the allow rules.")
	ruleBareMount = rule("BareMount", "Unconstrained mount, remount or pivot_root", kubeharden.KindRisk, kubeharden.SeverityCritical, -30,
		"`mount,`, `remount,` or `pivot_root,` without conditions allow mounting anything anywhere, which escapes file confinement.",
		"Remove the rule or constrain fstype, options and mount point; container profiles use `deny mount,`.")
	ruleMountLoose = rule("MountUnconstrained", "Mount rule without fstype or options", kubeharden.KindRisk, kubeharden.SeverityMedium, -5,
		"A mount rule that names neither fstype nor options allows any filesystem with any flags at its mount point.",
		"Add `fstype=` and `options=` conditions.")
	ruleUmountAny = rule("UmountAny", "umount without a mount point", kubeharden.KindCheck, kubeharden.SeverityInfo, 0,
		"A bare `umount,` may unmount anything, e.g. masking mounts the runtime placed over /proc.",
		"Restrict umount to the mount points the workload manages.")
	rulePtraceAny = rule("BarePtrace", "Unrestricted ptrace", kubeharden.KindRisk, kubeharden.SeverityHigh, -10,
		"A bare `ptrace,` rule allows tracing and reading any process the task can reach.",
		"Limit ptrace to the profile itself: `ptrace (trace, read) peer=@{profile_name},`.")
	ruleUnconfinedPeer = rule("UnconfinedPeer", "Signals or ptrace towards unconfined processes", kubeharden.KindRisk, kubeharden.SeverityHigh, -10,
		"Sending signals to, or tracing, unconfined peers reaches host processes outside any profile.",
		"Restrict the peer (`peer=@{profile_name}`) or deny unconfined peers.")
	ruleChangeProfileAny = rule("ChangeProfileAny", "change_profile to any profile", kubeharden.KindRisk, kubeharden.SeverityCritical, -30,
		"`change_profile,` or `change_profile -> **` lets the task switch to any profile, unconfined included, which ends confinement.",
		"Name the exact target profiles in change_profile rules.")
	ruleUnconfinedExec = rule("UnconfinedExec", "Exec transition to unconfined", kubeharden.KindRisk, kubeharden.SeverityCritical, -20,
		"ux/Ux and the pux/PUx/cux/CUx fallbacks run programs without any confinement.",
		"Use ix, or px/cx to a profile written for the program.")
	ruleUnscrubbedExec = rule("UnscrubbedExec", "Exec transition without environment scrubbing", kubeharden.KindRisk, kubeharden.SeverityLow, -1,
		"Lower-case px, cx, pix, cix keep LD_PRELOAD and similar variables across the transition.",
		"Use the upper-case form (Px, Cx, Pix, Cix) so the environment is scrubbed.")
	ruleTargetIgnored = rule("TargetIgnored", "Exec target on a rule without a p or c transition", kubeharden.KindCheck, kubeharden.SeverityInfo, 0,
		"`-> NAME` only has a meaning with px/cx style transitions; apparmor_parser accepts and ignores it otherwise.",
		"Remove the target or use a p or c transition.")
	ruleWritableExec = rule("WritableExecutable", "Writable and executable path", kubeharden.KindRisk, kubeharden.SeverityHigh, -8,
		"A path that is both writable (w/a) and executable or mappable executable (ix, px …, m) breaks W^X: the task can write code and run it.",
		"Split writable data and executable code into different paths.")
	ruleProcSysWrite = rule("KernelInterfaceWrite", "Writes to kernel interfaces allowed", kubeharden.KindRisk, kubeharden.SeverityCritical, -20,
		"Writing /proc/sys, /proc/sysrq-trigger, /proc/<pid>/mem, /sys (outside cgroups), /sys/firmware, /sys/kernel/security, /dev/mem or /dev/kmem, or reading /proc/kcore, changes or exposes the host kernel.",
		"Deny the path (`deny @{PROC}/sys/** w,`, `deny /sys/** wklx,`) as the runtime default profiles do.")
	ruleShadowWrite = rule("ShadowWrite", "Write access to /etc/shadow", kubeharden.KindRisk, kubeharden.SeverityHigh, -10,
		"Write access to the password database allows changing credentials.",
		"Remove write access to /etc/shadow.")
	ruleRuntimeSocket = rule("RuntimeSocket", "Container runtime socket reachable", kubeharden.KindRisk, kubeharden.SeverityCritical, -30,
		"Write access to docker.sock, containerd.sock or crio.sock lets the task start privileged containers: full host takeover.",
		"Remove access to the runtime socket (`deny /{,var/}run/docker.sock rw,`).")
	ruleKubeletPaths = rule("KubeletPaths", "Kubelet or Kubernetes configuration writable", kubeharden.KindRisk, kubeharden.SeverityCritical, -20,
		"Write access under /var/lib/kubelet or /etc/kubernetes lets the task drop static pods or steal node credentials.",
		"Remove write access to /var/lib/kubelet/** and /etc/kubernetes/**.")
	ruleUserns = rule("UserNamespaces", "User namespace creation allowed", kubeharden.KindRisk, kubeharden.SeverityHigh, -10,
		"`userns` lets the task create user namespaces, bypassing the Ubuntu 24.04 restriction and exposing kernel attack surface reachable only with namespace capabilities.",
		"Remove the userns rule (or `deny userns,`).")
	ruleIOUring = rule("IOUring", "io_uring access", kubeharden.KindRisk, kubeharden.SeverityLow, -1,
		"io_uring has been a frequent source of kernel privilege-escalation bugs; sqpoll and override_creds widen it.",
		"Remove io_uring rules unless the workload needs them.")
	ruleMqueue = rule("Mqueue", "Message queue access", kubeharden.KindCheck, kubeharden.SeverityInfo, 0,
		"mqueue rules allow POSIX or SysV message queues, an IPC channel between confined tasks.",
		"Name the queues (`mqueue rw type=posix /myqueue,`).")
	ruleBareIPC = rule("BareIPC", "Unrestricted unix or dbus", kubeharden.KindRisk, kubeharden.SeverityLow, -1,
		"A bare `unix,` or `dbus,` rule reaches every unix socket or D-Bus service, the host's system bus included.",
		"Restrict by peer label, address or bus.")
	ruleAllRule = rule("AllRule", "`all` rule allows everything", kubeharden.KindRisk, kubeharden.SeverityCritical, -30,
		"The 4.x `all,` rule allows every access of every class.",
		"Replace `all,` with the rules the workload needs.")
	ruleMissingABI = rule("MissingABI", "No abi line", kubeharden.KindCheck, kubeharden.SeverityLow, 0,
		"Without `abi <abi/3.0>,` (or newer) the features enforced depend on the node's pinned ABI, so the same profile mediates differently on different nodes.",
		"Add `abi <abi/3.0>,` (or `abi <abi/4.0>,`) at the top of the file.")
	ruleIncludeNoIfExists = rule("IncludeWithoutIfExists", "Include that may be missing lacks `if exists`", kubeharden.KindCheck, kubeharden.SeverityLow, 0,
		"An include of a file that is missing (or of a site-local file under local/) without `if exists` makes the profile fail to load on nodes that lack it.",
		"Write `include if exists <…>` for optional files.")
	ruleUndefinedVar = rule("UndefinedVariable", "Undefined variable", kubeharden.KindCheck, kubeharden.SeverityHigh, 0,
		"A rule uses a variable that no assignment or tunable defines; apparmor_parser rejects the profile.",
		"Define the variable or include the tunable that defines it (`include <tunables/global>`).")
	ruleRuntimeDefault = rule("AllowsRuntimeDefaultDeny", "Allows what the runtime default profile denies", kubeharden.KindCheck, kubeharden.SeverityMedium, 0,
		"docker-default and containerd's cri-containerd.apparmor.d deny /proc and /sys writes, kcore, sysrq-trigger, firmware, securityfs, powercap and mount. A custom profile that allows them is weaker than RuntimeDefault.",
		"Copy the runtime default's deny rules into the profile.")
	ruleAttachDisconnected = rule("AttachDisconnected", "attach_disconnected flag", kubeharden.KindCheck, kubeharden.SeverityInfo, 0,
		"attach_disconnected is documented as unsafe and for debugging, yet every container template uses it.",
		"Keep it only where the container runtime needs it.")
	rulePathAttached = rule("PathAttachment", "Profile attaches by executable path", kubeharden.KindCheck, kubeharden.SeverityInfo, 0,
		"A profile named or attached by path also confines every unconfined process that executes that path; container profiles are normally named only.",
		"Use `profile NAME {` without an attachment for container profiles.")
	ruleEnforce = rule("Enforced", "Profile enforces its rules", kubeharden.KindHardening, kubeharden.SeverityInfo, 1,
		"The profile is in enforce (or kill) mode.",
		"Remove complain/unconfined flags.")
)

var catalogue = []kubeharden.Rule{
	ruleInvalid, ruleUnconfined, ruleComplain, rulePrompt, ruleEnforce, ruleBareCapability, ruleCapCritical, ruleCapHigh,
	ruleCapMedium, ruleBareFile, ruleBareNetwork, ruleRiskySocket, ruleBareMount, ruleMountLoose, ruleUmountAny,
	rulePtraceAny, ruleUnconfinedPeer, ruleChangeProfileAny, ruleUnconfinedExec, ruleUnscrubbedExec, ruleTargetIgnored,
	ruleWritableExec, ruleProcSysWrite, ruleShadowWrite, ruleRuntimeSocket, ruleKubeletPaths, ruleUserns, ruleIOUring,
	ruleMqueue, ruleBareIPC, ruleAllRule, ruleMissingABI, ruleIncludeNoIfExists, ruleUndefinedVar, ruleRuntimeDefault,
	ruleAttachDisconnected, rulePathAttached,
}

// Rules returns the package's rule catalogue.
func Rules() []kubeharden.Rule {
	out := make([]kubeharden.Rule, len(catalogue))
	copy(out, catalogue)
	return out
}
