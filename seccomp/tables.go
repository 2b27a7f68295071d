package seccomp

import (
	"sort"
	"strings"
	"sync"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// Actions, in runtime-spec v1.3.0 / libseccomp 2.6.
var validActions = map[specs.LinuxSeccompAction]bool{
	specs.ActKill: true, specs.ActKillProcess: true, specs.ActKillThread: true, specs.ActTrap: true,
	specs.ActErrno: true, specs.ActTrace: true, specs.ActAllow: true, specs.ActLog: true, specs.ActNotify: true,
}

var validOperators = map[specs.LinuxSeccompOperator]bool{
	specs.OpNotEqual: true, specs.OpLessThan: true, specs.OpLessEqual: true, specs.OpEqualTo: true,
	specs.OpGreaterEqual: true, specs.OpGreaterThan: true, specs.OpMaskedEqual: true,
}

var validFlags = map[specs.LinuxSeccompFlag]bool{
	"SECCOMP_FILTER_FLAG_TSYNC": true, specs.LinuxSeccompFlagLog: true, specs.LinuxSeccompFlagSpecAllow: true,
	specs.LinuxSeccompFlagWaitKillableRecv: true,
}

// archTable maps every SCMP_ARCH_* value to its libseccomp syscall table
// column (endianness variants share a table).
var archTable = map[specs.Arch]string{
	specs.ArchX86: "x86", specs.ArchX86_64: "x86_64", specs.ArchX32: "x32", specs.ArchARM: "arm",
	specs.ArchAARCH64: "aarch64", specs.ArchMIPS: "mips", specs.ArchMIPSEL: "mips", specs.ArchMIPS64: "mips64",
	specs.ArchMIPSEL64: "mips64", specs.ArchMIPS64N32: "mips64n32", specs.ArchMIPSEL64N32: "mips64n32",
	specs.ArchPPC: "ppc", specs.ArchPPC64: "ppc64", specs.ArchPPC64LE: "ppc64", specs.ArchS390: "s390",
	specs.ArchS390X: "s390x", specs.ArchPARISC: "parisc", specs.ArchPARISC64: "parisc64",
	specs.ArchRISCV64: "riscv64", specs.ArchLOONGARCH64: "loongarch64", specs.ArchM68K: "m68k",
	specs.ArchSH: "sh", specs.ArchSHEB: "sh",
}

// archNative is containers/common's extra architecture value.
const archNative specs.Arch = "SCMP_ARCH_NATIVE"

// nativeToArch maps moby's native arch names (includes/excludes.arches,
// and the target architecture) to SCMP_ARCH values. "mips3l64n32" is
// spelled as in moby's own table.
var nativeToArch = map[string]specs.Arch{
	"x86": specs.ArchX86, "amd64": specs.ArchX86_64, "arm": specs.ArchARM, "arm64": specs.ArchAARCH64,
	"loongarch64": specs.ArchLOONGARCH64, "mips64": specs.ArchMIPS64, "mips64n32": specs.ArchMIPS64N32,
	"mipsel64": specs.ArchMIPSEL64, "mips3l64n32": specs.ArchMIPSEL64N32, "mipsel": specs.ArchMIPSEL,
	"ppc": specs.ArchPPC, "ppc64": specs.ArchPPC64, "ppc64le": specs.ArchPPC64LE, "riscv64": specs.ArchRISCV64,
	"s390": specs.ArchS390, "s390x": specs.ArchS390X,
}

// archToNative is the inverse of nativeToArch.
func archToNative(a specs.Arch) string {
	for k, v := range nativeToArch {
		if v == a {
			return k
		}
	}
	return ""
}

// ParseArch accepts an SCMP_ARCH_* value, a moby native name ("amd64") or
// a GOARCH ("386", "loong64") and returns the SCMP_ARCH_* value.
func ParseArch(s string) (specs.Arch, bool) {
	if _, ok := archTable[specs.Arch(s)]; ok {
		return specs.Arch(s), true
	}
	if up := "SCMP_ARCH_" + strings.ToUpper(s); archTable[specs.Arch(up)] != "" {
		return specs.Arch(up), true
	}
	if a, ok := nativeToArch[s]; ok {
		return a, true
	}
	switch s {
	case "386":
		return specs.ArchX86, true
	case "loong64":
		return specs.ArchLOONGARCH64, true
	case "mips64le":
		return specs.ArchMIPSEL64, true
	case "mipsle":
		return specs.ArchMIPSEL, true
	case "mips":
		return specs.ArchMIPS, true
	}
	return "", false
}

func tableBit(a specs.Arch) (uint32, bool) {
	col, ok := archTable[a]
	if !ok {
		return 0, false
	}
	for i, c := range tableArches {
		if c == col {
			return 1 << i, true
		}
	}
	return 0, false
}

// syscallIndex maps every known name to its architecture mask; built on
// first use.
var syscallIndex = sync.OnceValue(func() map[string]uint32 {
	m := make(map[string]uint32, len(syscallTable))
	for _, e := range syscallTable {
		m[e.name] = e.arches
	}
	return m
})

// lookupSyscall returns the arch mask of a name and whether libseccomp knows
// the name at all.
func lookupSyscall(name string) (uint32, bool) {
	m, ok := syscallIndex()[name]
	return m, ok
}

// KnownSyscall reports whether libseccomp knows the name on any architecture.
func KnownSyscall(name string) bool {
	_, ok := lookupSyscall(name)
	return ok
}

// SyscallOnArch reports whether the syscall exists on the architecture
// (per libseccomp's table; see SyscallTableVersion).
func SyscallOnArch(name string, arch specs.Arch) bool {
	m, ok := lookupSyscall(name)
	bit, ok2 := tableBit(arch)
	return ok && ok2 && m&bit != 0
}

// SyscallsOnArch lists, sorted, every syscall that exists on arch.
func SyscallsOnArch(arch specs.Arch) []string {
	bit, ok := tableBit(arch)
	if !ok {
		return nil
	}
	var out []string
	for _, e := range syscallTable {
		if e.arches&bit != 0 {
			out = append(out, e.name)
		}
	}
	return out
}

// SyscallTableVersion names the libseccomp table syscall names are checked
// against.
func SyscallTableVersion() string { return syscallTableVersion }

// errnoValue returns the number of a Linux errno name.
func errnoValue(name string) (uint, bool) {
	i := sort.Search(len(errnoTable), func(i int) bool { return errnoTable[i].name >= name })
	if i < len(errnoTable) && errnoTable[i].name == name {
		return errnoTable[i].val, true
	}
	return 0, false
}

// validCaps is the Linux capability list (capability.h, up to
// CAP_CHECKPOINT_RESTORE, Linux 5.9).
var validCaps = map[string]bool{
	"CAP_CHOWN": true, "CAP_DAC_OVERRIDE": true, "CAP_DAC_READ_SEARCH": true, "CAP_FOWNER": true,
	"CAP_FSETID": true, "CAP_KILL": true, "CAP_SETGID": true, "CAP_SETUID": true, "CAP_SETPCAP": true,
	"CAP_LINUX_IMMUTABLE": true, "CAP_NET_BIND_SERVICE": true, "CAP_NET_BROADCAST": true,
	"CAP_NET_ADMIN": true, "CAP_NET_RAW": true, "CAP_IPC_LOCK": true, "CAP_IPC_OWNER": true,
	"CAP_SYS_MODULE": true, "CAP_SYS_RAWIO": true, "CAP_SYS_CHROOT": true, "CAP_SYS_PTRACE": true,
	"CAP_SYS_PACCT": true, "CAP_SYS_ADMIN": true, "CAP_SYS_BOOT": true, "CAP_SYS_NICE": true,
	"CAP_SYS_RESOURCE": true, "CAP_SYS_TIME": true, "CAP_SYS_TTY_CONFIG": true, "CAP_MKNOD": true,
	"CAP_LEASE": true, "CAP_AUDIT_WRITE": true, "CAP_AUDIT_CONTROL": true, "CAP_SETFCAP": true,
	"CAP_MAC_OVERRIDE": true, "CAP_MAC_ADMIN": true, "CAP_SYSLOG": true, "CAP_WAKE_ALARM": true,
	"CAP_BLOCK_SUSPEND": true, "CAP_AUDIT_READ": true, "CAP_PERFMON": true, "CAP_BPF": true,
	"CAP_CHECKPOINT_RESTORE": true,
}

// DefaultCapsFor returns the capabilities the runtime grants a container
// by default: Docker's and containerd's 14, or CRI-O's 9 (crio.conf
// default_capabilities, which leaves out MKNOD, NET_RAW, SETFCAP,
// SYS_CHROOT and AUDIT_WRITE).
func DefaultCapsFor(r Runtime) []string {
	if r == RuntimeCRIO {
		return []string{
			"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_SETGID", "CAP_SETUID",
			"CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_KILL",
		}
	}
	return DefaultCaps()
}

// DefaultCaps is the capability set Docker and containerd grant a container
// by default (moby's and containerd's default bounding set).
func DefaultCaps() []string {
	return []string{
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
		"CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
		"CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
	}
}
