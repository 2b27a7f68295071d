package seccomp

import (
	"slices"

	"github.com/kubeharden/kubeharden"
)

// Help pages: the runtime spec for the format, Docker's seccomp page for
// what the defaults block and why, the Kubernetes tutorial for pods.
const (
	helpSpec   = "https://github.com/opencontainers/runtime-spec/blob/main/config-linux.md#seccomp"
	helpDocker = "https://docs.docker.com/engine/security/seccomp/"
	helpK8s    = "https://kubernetes.io/docs/tutorials/security/seccomp/"
)

// help returns r with another help page.
func help(r kubeharden.Rule, url string) kubeharden.Rule {
	r.HelpURL = url
	return r
}

func rule(id, title, desc string, kind kubeharden.RuleKind, sev kubeharden.Severity, points int, remediation string, refs ...string) kubeharden.Rule {
	return kubeharden.Rule{
		ID: "seccomp/" + id, Title: title, Description: desc, Kind: kind, Severity: sev, Points: points,
		Refs: refs, Remediation: remediation, HelpURL: helpSpec,
	}
}

const (
	risk      = kubeharden.KindRisk
	hardening = kubeharden.KindHardening
	check     = kubeharden.KindCheck
	info      = kubeharden.SeverityInfo
	low       = kubeharden.SeverityLow
	medium    = kubeharden.SeverityMedium
	high      = kubeharden.SeverityHigh
	critical  = kubeharden.SeverityCritical
)

// The catalogue, one unexported variable per rule (see Rules). IDs are
// stable.
var (
	// Validation: the runtime refuses the profile or silently misreads it.
	ruleInvalidDefaultAction = rule("InvalidDefaultAction", "defaultAction missing or invalid",
		"defaultAction is required and must be one of the SCMP_ACT_* actions; SCMP_ACT_NOTIFY cannot be the default. runc refuses the profile otherwise.",
		check, high, 0, "set defaultAction to SCMP_ACT_ERRNO (an allow-list profile)")
	ruleInvalidAction = rule("InvalidAction", "Invalid rule action",
		"A rule's action is not one of the SCMP_ACT_* values runc accepts; moby's loader passes it through and the container fails to start.",
		check, high, 0, "use one of SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_TRACE, SCMP_ACT_LOG, SCMP_ACT_NOTIFY")
	ruleErrnoWithoutErrnoAction = rule("ErrnoWithoutErrnoAction", "errnoRet with an action that returns no errno",
		"errnoRet, defaultErrnoRet, errno and defaultErrno are only meaningful with SCMP_ACT_ERRNO or SCMP_ACT_TRACE; the runtime spec requires the runtime to fail otherwise.",
		check, high, 0, "remove the errno field or change the action to SCMP_ACT_ERRNO")
	ruleNotifyWithoutListener = rule("NotifyWithoutListener", "SCMP_ACT_NOTIFY without a listener",
		"SCMP_ACT_NOTIFY needs listenerPath (the agent's socket); listenerMetadata needs listenerPath; runc refuses NOTIFY on write.",
		check, high, 0, "set listenerPath to the seccomp agent's socket, or use another action")
	ruleInvalidArchitecture = rule("InvalidArchitecture", "Unknown architecture",
		"An architectures, archMap or subArchitectures value is not an SCMP_ARCH_* architecture (SCMP_ARCH_NATIVE is only understood by containers/common).",
		check, high, 0, "use SCMP_ARCH_* values such as SCMP_ARCH_X86_64 and SCMP_ARCH_AARCH64")
	ruleArchitecturesAndArchMap = rule("ArchitecturesAndArchMap", "Both architectures and archMap",
		"Docker and containers/common refuse a profile that sets both architectures and archMap.",
		check, high, 0, "keep either architectures or archMap")
	ruleInvalidRuleNames = rule("InvalidRuleNames", "Rule without names, or with both name and names",
		"Every rule needs at least one syscall name; setting both Docker's name and names makes Docker and CRI-O refuse the profile.",
		check, high, 0, "list the syscalls in names")
	ruleInvalidOperator = rule("InvalidOperator", "Invalid argument operator",
		"An argument comparison uses an operator other than SCMP_CMP_NE, LT, LE, EQ, GE, GT or MASKED_EQ.",
		check, high, 0, "use one of the SCMP_CMP_* operators")
	ruleInvalidFlag = rule("InvalidFlag", "Unknown filter flag",
		"flags may only hold SECCOMP_FILTER_FLAG_TSYNC, _LOG, _SPEC_ALLOW and _WAIT_KILLABLE_RECV.",
		check, high, 0, "remove the unknown flag")
	ruleArgIndexOutOfRange = rule("ArgIndexOutOfRange", "Argument index outside 0-5",
		"Syscalls have six arguments; an index above 5 makes libseccomp fail and the container does not start.",
		check, high, 0, "use an argument index from 0 to 5")
	ruleInvalidMinKernel = rule("InvalidMinKernel", "Invalid minKernel",
		"minKernel must be \"<kernel>.<major>\" (each part below 256) and not 0.0; moby refuses the profile otherwise.",
		check, high, 0, "write minKernel as e.g. \"4.8\"")
	ruleInvalidCapability = rule("InvalidCapability", "Unknown capability in includes/excludes",
		"A caps entry is not a CAP_* capability, so it never matches: an includes rule never applies and, worse, an excludes rule never excludes.",
		check, medium, 0, "use capability names such as CAP_SYS_ADMIN")
	ruleInvalidFilterArch = rule("InvalidFilterArch", "includes/excludes arch is not a native name",
		"includes.arches and excludes.arches compare against libseccomp native names (amd64, arm64, x86, s390x, ...), not SCMP_ARCH_* values; anything else never matches.",
		check, medium, 0, "use native architecture names such as amd64 and arm64")
	ruleInvalidErrno = rule("InvalidErrno", "Unknown errno name",
		"containers/common's defaultErrno and errno take Linux errno names such as EPERM and ENOSYS; an unknown name makes CRI-O refuse the profile.",
		check, high, 0, "use an errno name such as EPERM or ENOSYS")
	ruleInvalidValue = rule("InvalidValue", "Value of the wrong JSON type",
		"A field has a value the runtimes that read it cannot decode, so they refuse the profile.",
		check, high, 0, "fix the value's JSON type")
	ruleUnknownField = rule("UnknownField", "Field unknown to every profile dialect",
		"A key that no dialect defines is ignored by every runtime: often a misspelling whose intent is silently lost.",
		check, low, 0, "remove the field or correct its spelling")
	ruleDuplicateKey = rule("DuplicateKey", "Duplicate or case-variant key",
		"A field appears twice, or in a different case, in one object. Go's JSON decoder, which every runtime uses, matches keys case-insensitively and keeps the last value, so what a reviewer reads is not what runs.",
		check, medium, 0, "keep one key with the exact field name")
	ruleRejectedByRuntime = rule("RejectedByRuntime", "The runtime refuses the profile",
		"Loading the profile on the target runtime fails, so containers using it do not start.",
		check, high, 0, "fix the problem the message names")
	ruleConflictingActions = rule("ConflictingActions", "Conflicting actions for one syscall",
		"Two rules give one syscall different actions. libseccomp keeps the first unconditional rule and silently drops later ones (e.g. moby's clone3 ENOSYS rule once containerd drops includes/excludes); identical argument filters with different actions make it fail with EEXIST and the container does not start.",
		check, high, 0, "keep one action per syscall, or make the rules' conditions exclusive")

	// Style and scoring.
	ruleSeccompDisabled = help(rule("SeccompDisabled", "Profile disables seccomp",
		"An empty profile (`{}`, or neither defaultAction nor rules) makes the runtime run the container without any syscall filter.",
		risk, critical, -30, "write an allow-list profile, or use RuntimeDefault", "PSS baseline seccomp"), helpDocker)
	ruleDefaultAllow = help(rule("DefaultAllow", "Deny-list profile (defaultAction SCMP_ACT_ALLOW)",
		"Every syscall not listed is allowed, including syscalls added by future kernels; a misspelt deny rule fails open.",
		risk, high, -15, "make SCMP_ACT_ERRNO the default action and list the syscalls the workload needs"), helpDocker)
	ruleDefaultLog = help(rule("DefaultLog", "Audit-only profile (defaultAction SCMP_ACT_LOG)",
		"SCMP_ACT_LOG allows and logs every unlisted syscall: complain mode with no enforcement (the Security Profiles Operator calls it unsafe).",
		risk, high, -15, "use the recorded log to write an allow list, then make SCMP_ACT_ERRNO the default"), helpDocker)
	ruleAllowList = help(rule("AllowList", "Allow-list profile",
		"The default action denies (ERRNO, KILL, TRAP): only the listed syscalls run.",
		hardening, info, 3, "make SCMP_ACT_ERRNO the default action"), helpDocker)
	ruleAllowsKernelModules = help(rule("AllowsKernelModules", "Kernel module syscalls allowed",
		"init_module, finit_module, delete_module and the obsolete create_module, query_module and get_kernel_syms load or inspect kernel code outside any namespace.",
		risk, critical, -15, "do not allow kernel module syscalls in a container"), helpDocker)
	ruleAllowsKexecReboot = help(rule("AllowsKexecReboot", "kexec or reboot allowed",
		"kexec_load and kexec_file_load load a new kernel; reboot restarts the host unless a PID namespace contains it.",
		risk, high, -10, "do not allow kexec_load, kexec_file_load or reboot"), helpDocker)
	ruleAllowsNamespaceOps = help(rule("AllowsNamespaceOps", "Namespace and mount syscalls allowed",
		"unshare, setns, mount, umount, pivot_root and the new mount API (fsopen, fsconfig, fsmount, fspick, move_mount, open_tree, mount_setattr) create or join namespaces and change mounts: the usual first step of a container escape.",
		risk, high, -10, "deny namespace and mount syscalls, or gate them on CAP_SYS_ADMIN as moby's default does"), helpDocker)
	ruleAllowsKeyring = help(rule("AllowsKeyring", "Kernel keyring syscalls allowed",
		"add_key, request_key and keyctl reach the kernel keyring, which is not namespaced: keys of other containers and the host are reachable.",
		risk, medium, -5, "deny add_key, request_key and keyctl"), helpDocker)
	ruleAllowsTracing = help(rule("AllowsTracing", "Tracing and cross-process access allowed",
		"ptrace, process_vm_readv/writev, kcmp, pidfd_getfd, process_madvise, perf_event_open, lookup_dcookie and syslog inspect or change other processes or leak kernel information; ptrace bypasses seccomp on kernels before 4.8.",
		risk, high, -8, "deny tracing syscalls unless the workload is a debugger"), helpDocker)
	ruleAllowsKernelAttackSurface = help(rule("AllowsKernelAttackSurface", "High-risk kernel interfaces allowed",
		"bpf, userfaultfd and io_uring (io_uring_setup, io_uring_enter, io_uring_register) are behind a large share of kernel exploits; the runtime defaults block them.",
		risk, high, -8, "deny bpf, userfaultfd and the io_uring syscalls"), helpDocker)
	ruleAllowsOpenByHandle = help(rule("AllowsOpenByHandle", "open_by_handle_at allowed",
		"open_by_handle_at opens files by inode handle, bypassing the container's mount view: the 'shocker' container breakout.",
		risk, critical, -15, "deny open_by_handle_at"), helpDocker)
	ruleAllowsClockChange = help(rule("AllowsClockChange", "Setting the system clock allowed",
		"settimeofday, stime and clock_settime change the host clock, which is not namespaced.",
		risk, medium, -3, "deny the clock-setting syscalls"), helpDocker)
	ruleAllowsPrivilegedMisc = help(rule("AllowsPrivilegedMisc", "Obsolete or privileged syscalls allowed",
		"I/O privilege (iopl, ioperm), swap, quota, accounting, NUMA policy, vm86, uselib, ustat, sysfs, _sysctl, nfsservctl, vhangup, hostname, chroot, fanotify, LSM attributes and unfiltered personality are not needed by ordinary workloads and widen the kernel surface.",
		risk, low, -2, "deny syscalls the workload does not need"), helpDocker)
	ruleCloneFlagsBypass = help(rule("CloneFlagsBypass", "clone flags filtered but clone3 allowed",
		"clone's CLONE_NEW* flags are filtered by argument, but clone3 passes its flags in a struct seccomp cannot read: allowing clone3 bypasses the filter.",
		risk, high, -8, "make clone3 return ENOSYS (SCMP_ACT_ERRNO with errnoRet 38) so libc falls back to clone"), helpDocker)
	ruleSocketcallBypass = help(rule("SocketcallBypass", "socket filtered but socketcall allowed on a 32-bit ABI",
		"socket's address family is filtered by argument, but with a 32-bit sub-architecture (x86, s390, mips o32, ppc) enabled, socketcall reaches socket through a pointer seccomp cannot dereference.",
		risk, medium, -5, "drop the 32-bit sub-architectures, or deny socketcall"), helpDocker)
	ruleTypoFailsOpen = help(rule("TypoFailsOpen", "Unknown syscall in a deny rule fails open",
		"runc silently skips names libseccomp does not know; in a deny-list profile a misspelt syscall stays allowed.",
		risk, high, -10, "correct the syscall name"), helpDocker)
	ruleUnknownSyscall = help(rule("UnknownSyscall", "Unknown syscall name",
		"libseccomp does not know the name on any architecture; runc skips it silently.",
		check, medium, 0, "correct or remove the name"), helpDocker)
	ruleSyscallNotOnArch = help(rule("SyscallNotOnArch", "Syscall absent on every filtered architecture",
		"The syscall exists on other architectures but on none this profile filters; the entry has no effect here.",
		check, info, 0, "remove the name or add the architecture it is meant for"), helpDocker)
	ruleRedundantRule = help(rule("RedundantRule", "Rule repeats the default action",
		"A rule whose action (and errno) equals the default is skipped by runc; it also cannot override libseccomp's socketcall companions.",
		check, low, 0, "remove the rule"), helpDocker)
	ruleDuplicateSyscall = help(rule("DuplicateSyscall", "Syscall listed more than once",
		"The same syscall appears in several rules with the same action and no argument filter.",
		check, info, 0, "list each syscall once"), helpDocker)
	ruleSameArgIndexOR = help(rule("SameArgIndexOR", "Several comparisons on one argument are ORed",
		"runc splits comparisons on the same argument index into separate rules, so they are ORed, not ANDed: a two-sided range allows almost everything.",
		check, medium, 0, "use one comparison per argument index (or MASKED_EQ), and separate rules for alternatives"), helpDocker)
	ruleMaskedEqZeroMask = help(rule("MaskedEqZeroMask", "SCMP_CMP_MASKED_EQ with a zero mask",
		"With mask (value) 0 the test (arg & 0) == valueTwo is always true or always false, whatever the argument.",
		check, medium, 0, "set value to the bit mask to test and valueTwo to the expected bits"), helpDocker)
	ruleEpermDefault = help(rule("EpermDefault", "Allow-list returns EPERM for unknown syscalls",
		"With EPERM, syscalls newer than the profile fail with a permission error and libc does not fall back to older ones; ENOSYS (38) lets it.",
		check, info, 0, "set defaultErrnoRet to 38 (ENOSYS)"), helpDocker)
	ruleTraceWithoutTracer = help(rule("TraceWithoutTracer", "SCMP_ACT_TRACE in a container profile",
		"Without an attached tracer, SCMP_ACT_TRACE makes the syscall fail with ENOSYS.",
		check, low, 0, "use SCMP_ACT_ERRNO unless a tracer is attached"), helpDocker)
	ruleKillOnCommonSyscall = help(rule("KillOnCommonSyscall", "Common syscall kills the process",
		"A rule kills (or traps) on a syscall nearly every program makes; the workload crashes instead of getting an error it could handle.",
		check, low, 0, "return an errno (SCMP_ACT_ERRNO) instead of killing, unless a crash is intended"), helpDocker)
	ruleCompatArch = help(rule("CompatArch", "Compat architectures enabled",
		"32-bit sub-architectures (X86, X32 on x86_64; ARM on aarch64) are reachable from the container and widen the kernel surface.",
		check, info, 0, "drop sub-architectures the workload does not use"), helpDocker)
	ruleMissingNativeArch = help(rule("MissingNativeArch", "Native architecture not listed",
		"architectures lists other architectures but not the target's own; libseccomp adds it anyway, so the list does not say what runs.",
		check, low, 0, "list the native architecture first"), helpDocker)
	ruleDroppedByRuntime = help(rule("DroppedByRuntime", "Fields the target runtime ignores",
		"containerd reads Localhost profiles as plain OCI LinuxSeccomp and silently drops archMap, includes, excludes, name and comment; only CRI-O reads defaultErrno and errno. Dropped includes/excludes turn conditional allows into unconditional ones.",
		risk, high, -10, "write the profile in the dialect the runtime reads: for containerd, expand includes/excludes into plain rules"), helpDocker)
	ruleWeakerThanDefault = help(rule("WeakerThanDefault", "Allows more than the runtime's default profile",
		"The profile allows syscalls the runtime's RuntimeDefault profile denies for the same architecture and capabilities.",
		risk, medium, -5, "remove the extra syscalls, or justify each one"), helpDocker)

	// Security Profiles Operator.
	ruleSPOBaseProfile = help(rule("SPOBaseProfile", "SeccompProfile extends a base profile",
		"A Security Profiles Operator SeccompProfile with baseProfileName is installed merged with the base profile, so it allows more than its own list.",
		check, info, 0, "review the base profile's syscalls too"),
		"https://github.com/kubernetes-sigs/security-profiles-operator/blob/main/installation-usage.md")

	// Pods.
	rulePodUnconfined = help(rule("PodUnconfined", "Container runs without seccomp",
		"seccompProfile is Unconfined, or unset on a kubelet without SeccompDefault: no syscall filter applies.",
		risk, high, -10, "set securityContext.seccompProfile.type to RuntimeDefault", "PSS baseline seccomp", "CIS 5.7.2"), helpK8s)
	ruleLocalhostProfileMissing = help(rule("LocalhostProfileMissing", "Localhost profile not found",
		"The Localhost profile is not a file under the kubelet seccomp root; the container fails to start.",
		check, high, 0, "copy the profile to <kubelet-root>/seccomp/<localhostProfile> on every node"), helpK8s)
	ruleLocalhostPathInvalid = help(rule("LocalhostPathInvalid", "Invalid localhostProfile path",
		"localhostProfile must be a relative path inside the kubelet seccomp root, without '..'.",
		check, high, 0, "use a relative path such as profiles/app.json"), helpK8s)
)

// catalogue lists every rule in a stable order. Package code only reads
// it; Rules hands out copies.
var catalogue = [...]kubeharden.Rule{
	ruleInvalidDefaultAction, ruleInvalidAction, ruleErrnoWithoutErrnoAction, ruleNotifyWithoutListener,
	ruleInvalidArchitecture, ruleArchitecturesAndArchMap, ruleInvalidRuleNames, ruleInvalidOperator,
	ruleInvalidFlag, ruleArgIndexOutOfRange, ruleInvalidMinKernel, ruleInvalidCapability,
	ruleInvalidFilterArch, ruleInvalidErrno, ruleInvalidValue, ruleUnknownField, ruleDuplicateKey,
	ruleRejectedByRuntime, ruleConflictingActions,
	ruleSeccompDisabled, ruleDefaultAllow, ruleDefaultLog, ruleAllowList,
	ruleAllowsKernelModules, ruleAllowsKexecReboot, ruleAllowsNamespaceOps, ruleAllowsKeyring,
	ruleAllowsTracing, ruleAllowsKernelAttackSurface, ruleAllowsOpenByHandle, ruleAllowsClockChange,
	ruleAllowsPrivilegedMisc, ruleCloneFlagsBypass, ruleSocketcallBypass, ruleTypoFailsOpen,
	ruleUnknownSyscall, ruleSyscallNotOnArch, ruleRedundantRule, ruleDuplicateSyscall, ruleSameArgIndexOR,
	ruleMaskedEqZeroMask, ruleEpermDefault, ruleTraceWithoutTracer, ruleKillOnCommonSyscall, ruleCompatArch, ruleMissingNativeArch,
	ruleDroppedByRuntime, ruleWeakerThanDefault,
	ruleSPOBaseProfile,
	rulePodUnconfined, ruleLocalhostProfileMissing, ruleLocalhostPathInvalid,
}

// Rules returns the package's full rule catalogue: a new slice of copies
// on each call, so callers may modify the result.
func Rules() []kubeharden.Rule {
	out := make([]kubeharden.Rule, len(catalogue))
	for i, r := range catalogue {
		r.Refs = slices.Clone(r.Refs)
		out[i] = r
	}
	return out
}

// detach gives a finding its own copy of the rule's Refs, so that no
// report shares memory with the catalogue.
func detach(f kubeharden.Finding) kubeharden.Finding {
	f.Refs = slices.Clone(f.Refs)
	return f
}

// commonSyscalls are made by nearly every Linux program.
var commonSyscalls = map[string]bool{
	"read": true, "write": true, "openat": true, "open": true, "close": true, "mmap": true, "munmap": true,
	"mprotect": true, "brk": true, "futex": true, "exit": true, "exit_group": true, "rt_sigreturn": true,
	"rt_sigaction": true, "rt_sigprocmask": true, "fstat": true, "newfstatat": true, "execve": true,
	"getpid": true, "clock_gettime": true, "nanosleep": true, "ioctl": true, "fcntl": true, "lseek": true,
}

// dangerClass groups syscalls a container should not make.
type dangerClass struct {
	rule  kubeharden.Rule
	calls []dangerCall
}

type dangerCall struct{ name, why string }

// safeFromKernel gives the kernel from which the runtimes consider a call
// safe to allow: seccomp is re-checked after a tracer changes a syscall
// since Linux 4.8, so moby allows ptrace and process_vm_* there. These are
// reported only for targets on an older kernel.
var safeFromKernel = map[string]KernelVersion{
	"ptrace": {4, 8}, "process_vm_readv": {4, 8}, "process_vm_writev": {4, 8},
}

// isDangerous reports whether a syscall belongs to a danger class.
func isDangerous(name string) bool {
	for _, c := range dangerClasses {
		for _, dc := range c.calls {
			if dc.name == name {
				return true
			}
		}
	}
	return false
}

var dangerClasses = []dangerClass{
	{ruleAllowsKernelModules, []dangerCall{
		{"init_module", "loads a kernel module (CAP_SYS_MODULE)"},
		{"finit_module", "loads a kernel module from a file descriptor (CAP_SYS_MODULE)"},
		{"delete_module", "unloads a kernel module (CAP_SYS_MODULE)"},
		{"create_module", "obsolete module interface (CAP_SYS_MODULE)"},
		{"query_module", "obsolete module interface (CAP_SYS_MODULE)"},
		{"get_kernel_syms", "obsolete: exposes kernel symbols"},
	}},
	{ruleAllowsKexecReboot, []dangerCall{
		{"kexec_load", "replaces the running kernel (CAP_SYS_BOOT)"},
		{"kexec_file_load", "replaces the running kernel (CAP_SYS_BOOT)"},
		{"reboot", "reboots the host or toggles Ctrl-Alt-Del handling (CAP_SYS_BOOT)"},
	}},
	{ruleAllowsNamespaceOps, []dangerCall{
		{"unshare", "creates namespaces, including user namespaces that unlock more kernel code"},
		{"setns", "joins another namespace"},
		{"mount", "mounts file systems (CAP_SYS_ADMIN)"},
		{"umount", "unmounts, exposing what a mount hid"},
		{"umount2", "unmounts, exposing what a mount hid"},
		{"pivot_root", "changes the root mount"},
		{"fsopen", "new mount API, as powerful as mount"},
		{"fsconfig", "new mount API, as powerful as mount"},
		{"fsmount", "new mount API, as powerful as mount"},
		{"fspick", "new mount API, as powerful as mount"},
		{"move_mount", "new mount API, as powerful as mount"},
		{"open_tree", "new mount API: clones mount trees"},
		{"mount_setattr", "new mount API: changes mount attributes"},
	}},
	{ruleAllowsKeyring, []dangerCall{
		{"add_key", "the kernel keyring is not namespaced"},
		{"request_key", "the kernel keyring is not namespaced"},
		{"keyctl", "the kernel keyring is not namespaced"},
	}},
	{ruleAllowsTracing, []dangerCall{
		{"ptrace", "traces other processes; bypasses seccomp before Linux 4.8"},
		{"process_vm_readv", "reads another process's memory; allowed by the runtimes from Linux 4.8"},
		{"process_vm_writev", "writes another process's memory; allowed by the runtimes from Linux 4.8"},
		{"kcmp", "compares kernel resources of other processes"},
		{"pidfd_getfd", "copies a file descriptor out of another process"},
		{"process_madvise", "acts on another process's memory"},
		{"perf_event_open", "profiling: leaks kernel information, large attack surface"},
		{"lookup_dcookie", "profiling: leaks kernel paths"},
		{"syslog", "reads the kernel log"},
	}},
	{ruleAllowsKernelAttackSurface, []dangerCall{
		{"bpf", "loads BPF programs into the kernel"},
		{"userfaultfd", "stalls kernel page faults: a common exploit primitive"},
		{"io_uring_setup", "io_uring: behind a large share of recent kernel exploits"},
		{"io_uring_enter", "io_uring: behind a large share of recent kernel exploits"},
		{"io_uring_register", "io_uring: behind a large share of recent kernel exploits"},
	}},
	{ruleAllowsOpenByHandle, []dangerCall{
		{"open_by_handle_at", "opens host files by handle, bypassing the mount view (shocker)"},
	}},
	{ruleAllowsClockChange, []dangerCall{
		{"settimeofday", "sets the host clock"},
		{"stime", "sets the host clock"},
		{"clock_settime", "sets the host clock"},
		{"clock_settime64", "sets the host clock"},
	}},
	{ruleAllowsPrivilegedMisc, []dangerCall{
		{"iopl", "raises the I/O privilege level"},
		{"ioperm", "grants access to I/O ports"},
		{"quotactl", "manages disk quotas"},
		{"swapon", "changes host swap"},
		{"swapoff", "changes host swap"},
		{"acct", "switches process accounting"},
		{"mbind", "changes NUMA memory policy"},
		{"set_mempolicy", "changes NUMA memory policy"},
		{"move_pages", "moves pages between NUMA nodes"},
		{"vm86", "x86 real-mode virtual machine"},
		{"vm86old", "x86 real-mode virtual machine"},
		{"uselib", "obsolete shared-library loading"},
		{"ustat", "obsolete"},
		{"sysfs", "obsolete"},
		{"_sysctl", "obsolete"},
		{"nfsservctl", "removed kernel NFS daemon interface"},
		{"vhangup", "hangs up the terminal"},
		{"sethostname", "changes the host name (CAP_SYS_ADMIN)"},
		{"setdomainname", "changes the domain name (CAP_SYS_ADMIN)"},
		{"chroot", "changes the root directory (CAP_SYS_CHROOT)"},
		{"fanotify_init", "monitors whole file systems"},
		{"lsm_set_self_attr", "changes LSM attributes"},
		{"personality", "unfiltered: enables rarely tested execution domains"},
	}},
}
