package seccomp

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden"
)

// ruleCase is one profile and whether the rule must fire on it.
type ruleCase struct {
	name    string
	rule    kubeharden.Rule
	profile string
	target  Target
	fires   bool
	// contains, when set, must appear in the failed finding's message.
	contains string
}

const allowList = `"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38`

var ruleCases = []ruleCase{
	{"missing default", ruleInvalidDefaultAction, `{"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "missing"},
	{"bogus default", ruleInvalidDefaultAction, `{"defaultAction":"SCMP_ACT_BOGUS"}`, Target{}, true, "SCMP_ACT_BOGUS"},
	{"notify default", ruleInvalidDefaultAction, `{"defaultAction":"SCMP_ACT_NOTIFY","listenerPath":"/run/a.sock"}`, Target{}, true, "NOTIFY"},
	{"good default", ruleInvalidDefaultAction, `{` + allowList + `}`, Target{}, false, ""},

	{"bogus action", ruleInvalidAction, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_BOGUS"}]}`, Target{}, true, "SCMP_ACT_BOGUS"},
	{"good action", ruleInvalidAction, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_KILL_PROCESS"}]}`, Target{}, false, ""},

	{"errnoRet on allow", ruleErrnoWithoutErrnoAction, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","errnoRet":1}]}`, Target{}, true, "SCMP_ACT_ALLOW"},
	{"defaultErrnoRet on kill", ruleErrnoWithoutErrnoAction, `{"defaultAction":"SCMP_ACT_KILL","defaultErrnoRet":1}`, Target{}, true, "defaultErrnoRet"},
	{"errnoRet on trace", ruleErrnoWithoutErrnoAction, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_TRACE","errnoRet":1}]}`, Target{}, false, ""},

	{"notify without listener", ruleNotifyWithoutListener, `{` + allowList + `,"syscalls":[{"names":["mount"],"action":"SCMP_ACT_NOTIFY"}]}`, Target{}, true, "listenerPath"},
	{"notify on write", ruleNotifyWithoutListener, `{` + allowList + `,"listenerPath":"/run/a.sock","syscalls":[{"names":["write"],"action":"SCMP_ACT_NOTIFY"}]}`, Target{}, true, "write"},
	{"metadata without path", ruleNotifyWithoutListener, `{` + allowList + `,"listenerMetadata":"x"}`, Target{}, true, "listenerMetadata"},
	{"notify with listener", ruleNotifyWithoutListener, `{` + allowList + `,"listenerPath":"/run/a.sock","syscalls":[{"names":["mount"],"action":"SCMP_ACT_NOTIFY"}]}`, Target{}, false, ""},

	{"vax", ruleInvalidArchitecture, `{` + allowList + `,"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_VAX"]}`, Target{}, true, "SCMP_ARCH_VAX"},
	{"native on containerd", ruleInvalidArchitecture, `{` + allowList + `,"architectures":["SCMP_ARCH_NATIVE"]}`, Target{Runtime: RuntimeContainerd}, true, "SCMP_ARCH_NATIVE"},
	{"native on cri-o", ruleInvalidArchitecture, `{` + allowList + `,"architectures":["SCMP_ARCH_NATIVE"]}`, Target{Runtime: RuntimeCRIO}, false, ""},
	{"bad archMap sub", ruleInvalidArchitecture, `{` + allowList + `,"archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_I386"]}]}`, Target{}, true, "SCMP_ARCH_I386"},

	{"both arch forms", ruleArchitecturesAndArchMap, `{` + allowList + `,"architectures":["SCMP_ARCH_X86_64"],"archMap":[{"architecture":"SCMP_ARCH_X86_64"}]}`, Target{}, true, ""},
	{"archMap only", ruleArchitecturesAndArchMap, `{` + allowList + `,"archMap":[{"architecture":"SCMP_ARCH_X86_64"}]}`, Target{}, false, ""},

	{"no names", ruleInvalidRuleNames, `{` + allowList + `,"syscalls":[{"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "names no syscall"},
	{"name and names", ruleInvalidRuleNames, `{` + allowList + `,"syscalls":[{"name":"read","names":["write"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "both"},
	{"single name", ruleInvalidRuleNames, `{` + allowList + `,"syscalls":[{"name":"read","action":"SCMP_ACT_ALLOW"}]}`, Target{Runtime: RuntimeDocker}, false, ""},

	{"bad op", ruleInvalidOperator, `{` + allowList + `,"syscalls":[{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":8,"op":"SCMP_CMP_EQUAL"}]}]}`, Target{}, true, "SCMP_CMP_EQUAL"},
	{"good op", ruleInvalidOperator, `{` + allowList + `,"syscalls":[{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]}]}`, Target{}, false, ""},

	{"bad flag", ruleInvalidFlag, `{` + allowList + `,"flags":["SECCOMP_FILTER_FLAG_FOO"]}`, Target{}, true, "FOO"},
	{"tsync", ruleInvalidFlag, `{` + allowList + `,"flags":["SECCOMP_FILTER_FLAG_TSYNC","SECCOMP_FILTER_FLAG_LOG"]}`, Target{}, false, ""},

	{"index 9", ruleArgIndexOutOfRange, `{` + allowList + `,"syscalls":[{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":9,"value":8,"op":"SCMP_CMP_EQ"}]}]}`, Target{}, true, "index 9"},
	{"index 5", ruleArgIndexOutOfRange, `{` + allowList + `,"syscalls":[{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":5,"value":8,"op":"SCMP_CMP_EQ"}]}]}`, Target{}, false, ""},

	{"minKernel 0.0", ruleInvalidMinKernel, `{` + allowList + `,"syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"0.0"}}]}`, Target{Runtime: RuntimeDocker}, true, "0.0"},
	{"minKernel 4.8.1", ruleInvalidMinKernel, `{` + allowList + `,"syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"4.8.1"}}]}`, Target{Runtime: RuntimeDocker}, true, "4.8.1"},
	{"minKernel 4.8", ruleInvalidMinKernel, `{` + allowList + `,"syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"4.8"}}]}`, Target{Runtime: RuntimeDocker}, false, ""},

	{"bad cap", ruleInvalidCapability, `{` + allowList + `,"syscalls":[{"names":["mount"],"action":"SCMP_ACT_ALLOW","excludes":{"caps":["CAP_SYSADMIN"]}}]}`, Target{}, true, "CAP_SYSADMIN"},
	{"good cap", ruleInvalidCapability, `{` + allowList + `,"syscalls":[{"names":["mount"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}}]}`, Target{}, false, ""},

	{"scmp arch in filter", ruleInvalidFilterArch, `{` + allowList + `,"syscalls":[{"names":["arch_prctl"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["SCMP_ARCH_X86_64"]}}]}`, Target{}, true, "SCMP_ARCH_X86_64"},
	{"native name in filter", ruleInvalidFilterArch, `{` + allowList + `,"syscalls":[{"names":["arch_prctl"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["amd64","x32"]}}]}`, Target{}, false, ""},

	{"bad errno name", ruleInvalidErrno, `{` + allowList + `,"defaultErrno":"ENOPE"}`, Target{}, true, "ENOPE"},
	{"good errno name", ruleInvalidErrno, `{"defaultAction":"SCMP_ACT_ERRNO","defaultErrno":"ENOSYS","syscalls":[{"names":["mount"],"action":"SCMP_ACT_ERRNO","errno":"EPERM"}]}`, Target{}, false, ""},

	{"comment is a number", ruleInvalidValue, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","comment":5}]}`, Target{}, true, "want a string"},
	{"comment is a string", ruleInvalidValue, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","comment":"ok"}]}`, Target{}, false, ""},

	{"typo key", ruleUnknownField, `{` + allowList + `,"syscall":[{"names":["mount"],"action":"SCMP_ACT_ERRNO"}]}`, Target{}, true, "syscall"},
	{"dialect field is not unknown", ruleUnknownField, `{` + allowList + `,"archMap":[{"architecture":"SCMP_ARCH_X86_64"}]}`, Target{}, false, ""},

	{"duplicate key", ruleDuplicateKey, `{"defaultAction":"SCMP_ACT_ALLOW","defaultAction":"SCMP_ACT_ERRNO"}`, Target{}, true, "duplicate"},
	{"case variant key", ruleDuplicateKey, `{"DefaultAction":"SCMP_ACT_ERRNO"}`, Target{}, true, "case"},
	{"distinct keys", ruleDuplicateKey, `{` + allowList + `}`, Target{}, false, ""},

	{"rejected", ruleRejectedByRuntime, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_NOPE"}]}`, Target{}, true, "invalid action"},
	{"accepted", ruleRejectedByRuntime, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, false, ""},

	{"same args, two actions", ruleConflictingActions, `{` + allowList + `,"syscalls":[
		{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]},
		{"names":["personality"],"action":"SCMP_ACT_KILL","args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]}]}`, Target{}, true, "EEXIST"},
	{"shadowed rule", ruleConflictingActions, `{` + allowList + `,"syscalls":[{"names":["clone3"],"action":"SCMP_ACT_ALLOW"},{"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}`, Target{}, true, "dropped silently"},
	{"one action", ruleConflictingActions, `{` + allowList + `,"syscalls":[{"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":38}]}`, Target{}, false, ""},

	{"empty object", ruleSeccompDisabled, `{}`, Target{}, true, ""},
	{"null", ruleSeccompDisabled, `null`, Target{}, true, ""},
	{"only flags", ruleSeccompDisabled, `{"flags":["SECCOMP_FILTER_FLAG_LOG"]}`, Target{}, true, ""},
	{"enforcing", ruleSeccompDisabled, `{` + allowList + `}`, Target{}, false, ""},

	{"deny list", ruleDefaultAllow, `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mount"],"action":"SCMP_ACT_ERRNO"}]}`, Target{}, true, ""},
	{"allow list", ruleDefaultAllow, `{` + allowList + `}`, Target{}, false, ""},
	{"log", ruleDefaultLog, `{"defaultAction":"SCMP_ACT_LOG"}`, Target{}, true, ""},
	{"not log", ruleDefaultLog, `{` + allowList + `}`, Target{}, false, ""},
	{"allow list missing", ruleAllowList, `{"defaultAction":"SCMP_ACT_ALLOW"}`, Target{}, true, ""},
	{"allow list present", ruleAllowList, `{"defaultAction":"SCMP_ACT_KILL_PROCESS"}`, Target{}, false, ""},

	{"modules", ruleAllowsKernelModules, `{` + allowList + `,"syscalls":[{"names":["finit_module"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "finit_module"},
	{"modules gated on a cap not granted", ruleAllowsKernelModules, `{` + allowList + `,"syscalls":[{"names":["finit_module"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_MODULE"]}}]}`, Target{Runtime: RuntimeDocker}, false, ""},
	{"modules gated, cap dropped by containerd", ruleAllowsKernelModules, `{` + allowList + `,"syscalls":[{"names":["finit_module"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_MODULE"]}}]}`, Target{Runtime: RuntimeContainerd}, true, "finit_module"},
	{"kexec", ruleAllowsKexecReboot, `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["kexec_load"],"action":"SCMP_ACT_ERRNO"}]}`, Target{}, true, "reboot"},
	{"no kexec", ruleAllowsKexecReboot, `{` + allowList + `}`, Target{}, false, ""},
	{"unshare", ruleAllowsNamespaceOps, `{` + allowList + `,"syscalls":[{"names":["unshare","read"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "unshare"},
	{"no namespaces", ruleAllowsNamespaceOps, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, false, ""},
	{"keyctl", ruleAllowsKeyring, `{` + allowList + `,"syscalls":[{"names":["keyctl"],"action":"SCMP_ACT_LOG"}]}`, Target{}, true, "keyctl"},
	{"keyctl denied", ruleAllowsKeyring, `{` + allowList + `,"syscalls":[{"names":["keyctl"],"action":"SCMP_ACT_KILL"}]}`, Target{}, false, ""},
	{"pidfd_getfd", ruleAllowsTracing, `{` + allowList + `,"syscalls":[{"names":["pidfd_getfd"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "pidfd_getfd"},
	{"ptrace on an old kernel", ruleAllowsTracing, `{` + allowList + `,"syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_ALLOW"}]}`, Target{Kernel: KernelVersion{4, 4}}, true, "ptrace"},
	{"ptrace on a current kernel", ruleAllowsTracing, `{` + allowList + `,"syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, false, ""},
	{"io_uring", ruleAllowsKernelAttackSurface, `{` + allowList + `,"syscalls":[{"names":["io_uring_setup"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "io_uring_setup"},
	{"io_uring on x86 compat only", ruleAllowsKernelAttackSurface, `{` + allowList + `,"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],"syscalls":[{"names":["bpf"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "bpf"},
	{"no io_uring", ruleAllowsKernelAttackSurface, `{` + allowList + `}`, Target{}, false, ""},
	{"shocker", ruleAllowsOpenByHandle, `{` + allowList + `,"syscalls":[{"names":["open_by_handle_at"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "open_by_handle_at"},
	{"no shocker", ruleAllowsOpenByHandle, `{` + allowList + `,"syscalls":[{"names":["name_to_handle_at"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, false, ""},
	{"clock", ruleAllowsClockChange, `{` + allowList + `,"syscalls":[{"names":["settimeofday"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "settimeofday"},
	{"clock read only", ruleAllowsClockChange, `{` + allowList + `,"syscalls":[{"names":["clock_gettime"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, false, ""},
	{"iopl", ruleAllowsPrivilegedMisc, `{` + allowList + `,"syscalls":[{"names":["iopl"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "iopl"},
	{"personality filtered", ruleAllowsPrivilegedMisc, `{` + allowList + `,"syscalls":[{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":0,"op":"SCMP_CMP_EQ"}]}]}`, Target{}, false, ""},

	{"clone filtered, clone3 allowed", ruleCloneFlagsBypass, `{` + allowList + `,"syscalls":[
		{"names":["clone3"],"action":"SCMP_ACT_ALLOW"},
		{"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2114060288,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"}]}]}`, Target{}, true, "clone3"},
	{"clone3 ENOSYS", ruleCloneFlagsBypass, `{` + allowList + `,"syscalls":[
		{"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":38},
		{"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2114060288,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"}]}]}`, Target{}, false, ""},

	{"socketcall on x86", ruleSocketcallBypass, `{` + allowList + `,"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],"syscalls":[
		{"names":["socketcall"],"action":"SCMP_ACT_ALLOW"},
		{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":38,"op":"SCMP_CMP_LT"}]}]}`, Target{}, true, "SCMP_ARCH_X86"},
	{"socketcall, native only", ruleSocketcallBypass, `{` + allowList + `,"architectures":["SCMP_ARCH_X86_64"],"syscalls":[
		{"names":["socketcall"],"action":"SCMP_ACT_ALLOW"},
		{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":38,"op":"SCMP_CMP_LT"}]}]}`, Target{}, false, ""},

	{"typo in deny list", ruleTypoFailsOpen, `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mmount"],"action":"SCMP_ACT_ERRNO"}]}`, Target{}, true, "mmount"},
	{"typo in allow list", ruleTypoFailsOpen, `{` + allowList + `,"syscalls":[{"names":["raed"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, false, ""},
	{"unknown name", ruleUnknownSyscall, `{` + allowList + `,"syscalls":[{"names":["raed"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "raed"},
	{"known name", ruleUnknownSyscall, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, false, ""},
	{"arm-only name", ruleSyscallNotOnArch, `{` + allowList + `,"architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["arm_fadvise64_64"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "arm_fadvise64_64"},
	{"no declared arch", ruleSyscallNotOnArch, `{` + allowList + `,"syscalls":[{"names":["arm_fadvise64_64"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, false, ""},

	{"redundant", ruleRedundantRule, `{` + allowList + `,"syscalls":[{"names":["mount"],"action":"SCMP_ACT_ERRNO","errnoRet":38}]}`, Target{}, true, ""},
	{"different errno", ruleRedundantRule, `{` + allowList + `,"syscalls":[{"names":["mount"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}`, Target{}, false, ""},
	{"duplicate", ruleDuplicateSyscall, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"},{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "read"},
	{"listed once", ruleDuplicateSyscall, `{` + allowList + `,"syscalls":[{"names":["read","write"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, false, ""},
	{"two-sided range", ruleSameArgIndexOR, `{` + allowList + `,"syscalls":[{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2,"op":"SCMP_CMP_GE"},{"index":0,"value":10,"op":"SCMP_CMP_LE"}]}]}`, Target{}, true, "argument 0"},
	{"two arguments", ruleSameArgIndexOR, `{` + allowList + `,"syscalls":[{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2,"op":"SCMP_CMP_EQ"},{"index":1,"value":1,"op":"SCMP_CMP_EQ"}]}]}`, Target{}, false, ""},
	{"zero mask", ruleMaskedEqZeroMask, `{` + allowList + `,"syscalls":[{"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":0,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"}]}]}`, Target{}, true, "always true"},
	{"real mask", ruleMaskedEqZeroMask, `{` + allowList + `,"syscalls":[{"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2114060288,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"}]}]}`, Target{}, false, ""},
	{"eperm default", ruleEpermDefault, `{"defaultAction":"SCMP_ACT_ERRNO"}`, Target{}, true, "EPERM"},
	{"enosys default (containers errno name)", ruleEpermDefault, `{"defaultAction":"SCMP_ACT_ERRNO","defaultErrno":"ENOSYS"}`, Target{Runtime: RuntimeCRIO}, false, ""},
	{"trace", ruleTraceWithoutTracer, `{` + allowList + `,"syscalls":[{"names":["mount"],"action":"SCMP_ACT_TRACE"}]}`, Target{}, true, ""},
	{"no trace", ruleTraceWithoutTracer, `{` + allowList + `}`, Target{}, false, ""},
	{"kill on write", ruleKillOnCommonSyscall, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"},{"names":["write"],"action":"SCMP_ACT_KILL_PROCESS"}]}`, Target{}, true, "write"},
	{"kill on kexec", ruleKillOnCommonSyscall, `{` + allowList + `,"syscalls":[{"names":["kexec_load"],"action":"SCMP_ACT_KILL_PROCESS"}]}`, Target{}, false, ""},
	{"compat arches", ruleCompatArch, `{` + allowList + `,"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X32"]}`, Target{}, true, "SCMP_ARCH_X32"},
	{"native only", ruleCompatArch, `{` + allowList + `,"architectures":["SCMP_ARCH_X86_64"]}`, Target{}, false, ""},
	{"aarch64 list on amd64", ruleMissingNativeArch, `{` + allowList + `,"architectures":["SCMP_ARCH_AARCH64"]}`, Target{}, true, "SCMP_ARCH_X86_64"},
	{"aarch64 list on arm64", ruleMissingNativeArch, `{` + allowList + `,"architectures":["SCMP_ARCH_AARCH64"]}`, Target{Arch: "arm64"}, false, ""},

	{"includes dropped by containerd", ruleDroppedByRuntime, `{` + allowList + `,"syscalls":[{"names":["mount"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}}]}`, Target{Runtime: RuntimeContainerd}, true, "mount"},
	{"includes honoured by docker", ruleDroppedByRuntime, `{` + allowList + `,"syscalls":[{"names":["mount"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}}]}`, Target{Runtime: RuntimeDocker}, false, ""},
	{"errno names dropped by docker", ruleDroppedByRuntime, `{"defaultAction":"SCMP_ACT_ERRNO","defaultErrno":"ENOSYS"}`, Target{Runtime: RuntimeDocker}, true, "defaultErrno"},

	{"beyond default", ruleWeakerThanDefault, `{` + allowList + `,"syscalls":[{"names":["read","mount"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "mount"},
	{"within default", ruleWeakerThanDefault, `{` + allowList + `,"syscalls":[{"names":["read","write"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, false, ""},
}

func failedFinding(r kubeharden.Report, id string) (kubeharden.Finding, bool) {
	for _, f := range r.Findings {
		if f.RuleID == id && !f.Passed {
			return f, true
		}
	}
	return kubeharden.Finding{}, false
}

func TestRules(t *testing.T) {
	for _, c := range ruleCases {
		t.Run(strings.TrimPrefix(c.rule.ID, "seccomp/")+"/"+c.name, func(t *testing.T) {
			p, err := Parse("p.json", []byte(c.profile))
			require.NoError(t, err)
			r := Analyze(p, c.target)
			f, fired := failedFinding(r, c.rule.ID)
			require.Equal(t, c.fires, fired, "findings: %+v", r.Findings)
			if fired {
				assert.Contains(t, f.Message, c.contains)
				assert.Equal(t, "p.json", f.Position.File)
			}
		})
	}
}

// TestRuleCatalogue checks the catalogue: unique, well-formed IDs, and
// every rule except the pod rules (see pod_test.go) has a firing and a
// non-firing case above.
func TestRuleCatalogue(t *testing.T) {
	seen := map[string]bool{}
	fires, passes := map[string]bool{}, map[string]bool{}
	for _, c := range ruleCases {
		if c.fires {
			fires[c.rule.ID] = true
		} else {
			passes[c.rule.ID] = true
		}
	}
	for _, r := range Rules() {
		assert.False(t, seen[r.ID], "duplicate %s", r.ID)
		seen[r.ID] = true
		assert.True(t, strings.HasPrefix(r.ID, "seccomp/"), r.ID)
		assert.NotEmpty(t, r.Title, r.ID)
		assert.NotEmpty(t, r.Description, r.ID)
		assert.NotEmpty(t, r.Remediation, r.ID)
		switch r.Kind {
		case kubeharden.KindRisk:
			assert.Negative(t, r.Points, r.ID)
		case kubeharden.KindHardening:
			assert.Positive(t, r.Points, r.ID)
		}
		if strings.HasPrefix(r.ID, "seccomp/Pod") || strings.HasPrefix(r.ID, "seccomp/Localhost") || r.ID == ruleSPOBaseProfile.ID {
			// Tested in pod_test.go and spo_test.go.
			continue
		}
		assert.True(t, fires[r.ID], "%s has no failing case", r.ID)
		assert.True(t, passes[r.ID], "%s has no passing case", r.ID)
	}
}

// TestRuleIDsStable pins the catalogue's IDs (the README rule reference
// and users' suppressions refer to them).
func TestRuleIDsStable(t *testing.T) {
	want := strings.Fields(`InvalidDefaultAction InvalidAction ErrnoWithoutErrnoAction NotifyWithoutListener
		InvalidArchitecture ArchitecturesAndArchMap InvalidRuleNames InvalidOperator InvalidFlag ArgIndexOutOfRange
		InvalidMinKernel InvalidCapability InvalidFilterArch InvalidErrno InvalidValue UnknownField DuplicateKey
		RejectedByRuntime ConflictingActions SeccompDisabled DefaultAllow DefaultLog AllowList AllowsKernelModules
		AllowsKexecReboot AllowsNamespaceOps AllowsKeyring AllowsTracing AllowsKernelAttackSurface AllowsOpenByHandle
		AllowsClockChange AllowsPrivilegedMisc CloneFlagsBypass SocketcallBypass TypoFailsOpen UnknownSyscall
		SyscallNotOnArch RedundantRule DuplicateSyscall SameArgIndexOR MaskedEqZeroMask EpermDefault
		TraceWithoutTracer KillOnCommonSyscall CompatArch MissingNativeArch DroppedByRuntime WeakerThanDefault
		SPOBaseProfile PodUnconfined LocalhostProfileMissing LocalhostPathInvalid`)
	var got []string
	for _, r := range Rules() {
		got = append(got, strings.TrimPrefix(r.ID, "seccomp/"))
	}
	assert.ElementsMatch(t, want, got)
}

// TestRulesAreCopies: neither the slice Rules returns nor the findings of
// a report share memory with the catalogue, so a caller editing them
// changes nothing for later calls.
func TestRulesAreCopies(t *testing.T) {
	find := func(rules []kubeharden.Rule, id string) kubeharden.Rule {
		for _, r := range rules {
			if r.ID == id {
				return r
			}
		}
		t.Fatalf("no rule %s", id)
		return kubeharden.Rule{}
	}
	rs := Rules()
	require.Equal(t, []string{"PSS baseline seccomp"}, find(rs, "seccomp/SeccompDisabled").Refs)
	require.Equal(t, []string{"PSS baseline seccomp", "CIS 5.7.2"}, find(rs, "seccomp/PodUnconfined").Refs)
	for i := range rs {
		rs[i].Title = "changed"
		if len(rs[i].Refs) > 0 {
			rs[i].Refs[0] = "changed"
		}
	}
	rs[0].ID = "changed"

	p, err := Parse("empty.json", []byte(`{}`))
	require.NoError(t, err)
	rep := Analyze(p, Target{Runtime: RuntimeDocker})
	f, ok := failedFinding(rep, "seccomp/SeccompDisabled")
	require.True(t, ok)
	require.Equal(t, []string{"PSS baseline seccomp"}, f.Refs)
	for i := range rep.Findings {
		if len(rep.Findings[i].Refs) > 0 {
			rep.Findings[i].Refs[0] = "changed"
		}
	}
	pod, err := AnalyzePod(PodProfile{Type: ProfileUnconfined}, nil, Target{})
	require.NoError(t, err)
	require.NotEmpty(t, pod.Findings)
	require.Equal(t, []string{"PSS baseline seccomp", "CIS 5.7.2"}, pod.Findings[0].Refs)
	pod.Findings[0].Refs[0] = "changed"

	again := Rules()
	assert.Equal(t, "seccomp/InvalidDefaultAction", again[0].ID)
	assert.NotEqual(t, "changed", again[1].Title)
	assert.Equal(t, []string{"PSS baseline seccomp"}, find(again, "seccomp/SeccompDisabled").Refs)
	assert.Equal(t, []string{"PSS baseline seccomp", "CIS 5.7.2"}, find(again, "seccomp/PodUnconfined").Refs)
	rep2 := Analyze(p, Target{Runtime: RuntimeDocker})
	f2, _ := failedFinding(rep2, "seccomp/SeccompDisabled")
	assert.Equal(t, []string{"PSS baseline seccomp"}, f2.Refs)
}
