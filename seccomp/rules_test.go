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
	{"missing default", RuleInvalidDefaultAction, `{"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "missing"},
	{"bogus default", RuleInvalidDefaultAction, `{"defaultAction":"SCMP_ACT_BOGUS"}`, Target{}, true, "SCMP_ACT_BOGUS"},
	{"notify default", RuleInvalidDefaultAction, `{"defaultAction":"SCMP_ACT_NOTIFY","listenerPath":"/run/a.sock"}`, Target{}, true, "NOTIFY"},
	{"good default", RuleInvalidDefaultAction, `{` + allowList + `}`, Target{}, false, ""},

	{"bogus action", RuleInvalidAction, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_BOGUS"}]}`, Target{}, true, "SCMP_ACT_BOGUS"},
	{"good action", RuleInvalidAction, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_KILL_PROCESS"}]}`, Target{}, false, ""},

	{"errnoRet on allow", RuleErrnoWithoutErrnoAction, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","errnoRet":1}]}`, Target{}, true, "SCMP_ACT_ALLOW"},
	{"defaultErrnoRet on kill", RuleErrnoWithoutErrnoAction, `{"defaultAction":"SCMP_ACT_KILL","defaultErrnoRet":1}`, Target{}, true, "defaultErrnoRet"},
	{"errnoRet on trace", RuleErrnoWithoutErrnoAction, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_TRACE","errnoRet":1}]}`, Target{}, false, ""},

	{"notify without listener", RuleNotifyWithoutListener, `{` + allowList + `,"syscalls":[{"names":["mount"],"action":"SCMP_ACT_NOTIFY"}]}`, Target{}, true, "listenerPath"},
	{"notify on write", RuleNotifyWithoutListener, `{` + allowList + `,"listenerPath":"/run/a.sock","syscalls":[{"names":["write"],"action":"SCMP_ACT_NOTIFY"}]}`, Target{}, true, "write"},
	{"metadata without path", RuleNotifyWithoutListener, `{` + allowList + `,"listenerMetadata":"x"}`, Target{}, true, "listenerMetadata"},
	{"notify with listener", RuleNotifyWithoutListener, `{` + allowList + `,"listenerPath":"/run/a.sock","syscalls":[{"names":["mount"],"action":"SCMP_ACT_NOTIFY"}]}`, Target{}, false, ""},

	{"vax", RuleInvalidArchitecture, `{` + allowList + `,"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_VAX"]}`, Target{}, true, "SCMP_ARCH_VAX"},
	{"native on containerd", RuleInvalidArchitecture, `{` + allowList + `,"architectures":["SCMP_ARCH_NATIVE"]}`, Target{Runtime: RuntimeContainerd}, true, "SCMP_ARCH_NATIVE"},
	{"native on cri-o", RuleInvalidArchitecture, `{` + allowList + `,"architectures":["SCMP_ARCH_NATIVE"]}`, Target{Runtime: RuntimeCRIO}, false, ""},
	{"bad archMap sub", RuleInvalidArchitecture, `{` + allowList + `,"archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_I386"]}]}`, Target{}, true, "SCMP_ARCH_I386"},

	{"both arch forms", RuleArchitecturesAndArchMap, `{` + allowList + `,"architectures":["SCMP_ARCH_X86_64"],"archMap":[{"architecture":"SCMP_ARCH_X86_64"}]}`, Target{}, true, ""},
	{"archMap only", RuleArchitecturesAndArchMap, `{` + allowList + `,"archMap":[{"architecture":"SCMP_ARCH_X86_64"}]}`, Target{}, false, ""},

	{"no names", RuleInvalidRuleNames, `{` + allowList + `,"syscalls":[{"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "names no syscall"},
	{"name and names", RuleInvalidRuleNames, `{` + allowList + `,"syscalls":[{"name":"read","names":["write"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "both"},
	{"single name", RuleInvalidRuleNames, `{` + allowList + `,"syscalls":[{"name":"read","action":"SCMP_ACT_ALLOW"}]}`, Target{Runtime: RuntimeDocker}, false, ""},

	{"bad op", RuleInvalidOperator, `{` + allowList + `,"syscalls":[{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":8,"op":"SCMP_CMP_EQUAL"}]}]}`, Target{}, true, "SCMP_CMP_EQUAL"},
	{"good op", RuleInvalidOperator, `{` + allowList + `,"syscalls":[{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]}]}`, Target{}, false, ""},

	{"bad flag", RuleInvalidFlag, `{` + allowList + `,"flags":["SECCOMP_FILTER_FLAG_FOO"]}`, Target{}, true, "FOO"},
	{"tsync", RuleInvalidFlag, `{` + allowList + `,"flags":["SECCOMP_FILTER_FLAG_TSYNC","SECCOMP_FILTER_FLAG_LOG"]}`, Target{}, false, ""},

	{"index 9", RuleArgIndexOutOfRange, `{` + allowList + `,"syscalls":[{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":9,"value":8,"op":"SCMP_CMP_EQ"}]}]}`, Target{}, true, "index 9"},
	{"index 5", RuleArgIndexOutOfRange, `{` + allowList + `,"syscalls":[{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":5,"value":8,"op":"SCMP_CMP_EQ"}]}]}`, Target{}, false, ""},

	{"minKernel 0.0", RuleInvalidMinKernel, `{` + allowList + `,"syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"0.0"}}]}`, Target{Runtime: RuntimeDocker}, true, "0.0"},
	{"minKernel 4.8.1", RuleInvalidMinKernel, `{` + allowList + `,"syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"4.8.1"}}]}`, Target{Runtime: RuntimeDocker}, true, "4.8.1"},
	{"minKernel 4.8", RuleInvalidMinKernel, `{` + allowList + `,"syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"4.8"}}]}`, Target{Runtime: RuntimeDocker}, false, ""},

	{"bad cap", RuleInvalidCapability, `{` + allowList + `,"syscalls":[{"names":["mount"],"action":"SCMP_ACT_ALLOW","excludes":{"caps":["CAP_SYSADMIN"]}}]}`, Target{}, true, "CAP_SYSADMIN"},
	{"good cap", RuleInvalidCapability, `{` + allowList + `,"syscalls":[{"names":["mount"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}}]}`, Target{}, false, ""},

	{"scmp arch in filter", RuleInvalidFilterArch, `{` + allowList + `,"syscalls":[{"names":["arch_prctl"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["SCMP_ARCH_X86_64"]}}]}`, Target{}, true, "SCMP_ARCH_X86_64"},
	{"native name in filter", RuleInvalidFilterArch, `{` + allowList + `,"syscalls":[{"names":["arch_prctl"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["amd64","x32"]}}]}`, Target{}, false, ""},

	{"bad errno name", RuleInvalidErrno, `{` + allowList + `,"defaultErrno":"ENOPE"}`, Target{}, true, "ENOPE"},
	{"good errno name", RuleInvalidErrno, `{"defaultAction":"SCMP_ACT_ERRNO","defaultErrno":"ENOSYS","syscalls":[{"names":["mount"],"action":"SCMP_ACT_ERRNO","errno":"EPERM"}]}`, Target{}, false, ""},

	{"comment is a number", RuleInvalidValue, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","comment":5}]}`, Target{}, true, "want a string"},
	{"comment is a string", RuleInvalidValue, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","comment":"ok"}]}`, Target{}, false, ""},

	{"typo key", RuleUnknownField, `{` + allowList + `,"syscall":[{"names":["mount"],"action":"SCMP_ACT_ERRNO"}]}`, Target{}, true, "syscall"},
	{"dialect field is not unknown", RuleUnknownField, `{` + allowList + `,"archMap":[{"architecture":"SCMP_ARCH_X86_64"}]}`, Target{}, false, ""},

	{"duplicate key", RuleDuplicateKey, `{"defaultAction":"SCMP_ACT_ALLOW","defaultAction":"SCMP_ACT_ERRNO"}`, Target{}, true, "duplicate"},
	{"case variant key", RuleDuplicateKey, `{"DefaultAction":"SCMP_ACT_ERRNO"}`, Target{}, true, "case"},
	{"distinct keys", RuleDuplicateKey, `{` + allowList + `}`, Target{}, false, ""},

	{"rejected", RuleRejectedByRuntime, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_NOPE"}]}`, Target{}, true, "invalid action"},
	{"accepted", RuleRejectedByRuntime, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, false, ""},

	{"same args, two actions", RuleConflictingActions, `{` + allowList + `,"syscalls":[
		{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]},
		{"names":["personality"],"action":"SCMP_ACT_KILL","args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]}]}`, Target{}, true, "EEXIST"},
	{"shadowed rule", RuleConflictingActions, `{` + allowList + `,"syscalls":[{"names":["clone3"],"action":"SCMP_ACT_ALLOW"},{"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}`, Target{}, true, "dropped silently"},
	{"one action", RuleConflictingActions, `{` + allowList + `,"syscalls":[{"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":38}]}`, Target{}, false, ""},

	{"empty object", RuleSeccompDisabled, `{}`, Target{}, true, ""},
	{"null", RuleSeccompDisabled, `null`, Target{}, true, ""},
	{"only flags", RuleSeccompDisabled, `{"flags":["SECCOMP_FILTER_FLAG_LOG"]}`, Target{}, true, ""},
	{"enforcing", RuleSeccompDisabled, `{` + allowList + `}`, Target{}, false, ""},

	{"deny list", RuleDefaultAllow, `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mount"],"action":"SCMP_ACT_ERRNO"}]}`, Target{}, true, ""},
	{"allow list", RuleDefaultAllow, `{` + allowList + `}`, Target{}, false, ""},
	{"log", RuleDefaultLog, `{"defaultAction":"SCMP_ACT_LOG"}`, Target{}, true, ""},
	{"not log", RuleDefaultLog, `{` + allowList + `}`, Target{}, false, ""},
	{"allow list missing", RuleAllowList, `{"defaultAction":"SCMP_ACT_ALLOW"}`, Target{}, true, ""},
	{"allow list present", RuleAllowList, `{"defaultAction":"SCMP_ACT_KILL_PROCESS"}`, Target{}, false, ""},

	{"modules", RuleAllowsKernelModules, `{` + allowList + `,"syscalls":[{"names":["finit_module"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "finit_module"},
	{"modules gated on a cap not granted", RuleAllowsKernelModules, `{` + allowList + `,"syscalls":[{"names":["finit_module"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_MODULE"]}}]}`, Target{Runtime: RuntimeDocker}, false, ""},
	{"modules gated, cap dropped by containerd", RuleAllowsKernelModules, `{` + allowList + `,"syscalls":[{"names":["finit_module"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_MODULE"]}}]}`, Target{Runtime: RuntimeContainerd}, true, "finit_module"},
	{"kexec", RuleAllowsKexecReboot, `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["kexec_load"],"action":"SCMP_ACT_ERRNO"}]}`, Target{}, true, "reboot"},
	{"no kexec", RuleAllowsKexecReboot, `{` + allowList + `}`, Target{}, false, ""},
	{"unshare", RuleAllowsNamespaceOps, `{` + allowList + `,"syscalls":[{"names":["unshare","read"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "unshare"},
	{"no namespaces", RuleAllowsNamespaceOps, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, false, ""},
	{"keyctl", RuleAllowsKeyring, `{` + allowList + `,"syscalls":[{"names":["keyctl"],"action":"SCMP_ACT_LOG"}]}`, Target{}, true, "keyctl"},
	{"keyctl denied", RuleAllowsKeyring, `{` + allowList + `,"syscalls":[{"names":["keyctl"],"action":"SCMP_ACT_KILL"}]}`, Target{}, false, ""},
	{"pidfd_getfd", RuleAllowsTracing, `{` + allowList + `,"syscalls":[{"names":["pidfd_getfd"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "pidfd_getfd"},
	{"ptrace on an old kernel", RuleAllowsTracing, `{` + allowList + `,"syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_ALLOW"}]}`, Target{Kernel: KernelVersion{4, 4}}, true, "ptrace"},
	{"ptrace on a current kernel", RuleAllowsTracing, `{` + allowList + `,"syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, false, ""},
	{"io_uring", RuleAllowsKernelAttackSurface, `{` + allowList + `,"syscalls":[{"names":["io_uring_setup"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "io_uring_setup"},
	{"io_uring on x86 compat only", RuleAllowsKernelAttackSurface, `{` + allowList + `,"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],"syscalls":[{"names":["bpf"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "bpf"},
	{"no io_uring", RuleAllowsKernelAttackSurface, `{` + allowList + `}`, Target{}, false, ""},
	{"shocker", RuleAllowsOpenByHandle, `{` + allowList + `,"syscalls":[{"names":["open_by_handle_at"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "open_by_handle_at"},
	{"no shocker", RuleAllowsOpenByHandle, `{` + allowList + `,"syscalls":[{"names":["name_to_handle_at"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, false, ""},
	{"clock", RuleAllowsClockChange, `{` + allowList + `,"syscalls":[{"names":["settimeofday"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "settimeofday"},
	{"clock read only", RuleAllowsClockChange, `{` + allowList + `,"syscalls":[{"names":["clock_gettime"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, false, ""},
	{"iopl", RuleAllowsPrivilegedMisc, `{` + allowList + `,"syscalls":[{"names":["iopl"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "iopl"},
	{"personality filtered", RuleAllowsPrivilegedMisc, `{` + allowList + `,"syscalls":[{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":0,"op":"SCMP_CMP_EQ"}]}]}`, Target{}, false, ""},

	{"clone filtered, clone3 allowed", RuleCloneFlagsBypass, `{` + allowList + `,"syscalls":[
		{"names":["clone3"],"action":"SCMP_ACT_ALLOW"},
		{"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2114060288,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"}]}]}`, Target{}, true, "clone3"},
	{"clone3 ENOSYS", RuleCloneFlagsBypass, `{` + allowList + `,"syscalls":[
		{"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":38},
		{"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2114060288,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"}]}]}`, Target{}, false, ""},

	{"socketcall on x86", RuleSocketcallBypass, `{` + allowList + `,"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],"syscalls":[
		{"names":["socketcall"],"action":"SCMP_ACT_ALLOW"},
		{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":38,"op":"SCMP_CMP_LT"}]}]}`, Target{}, true, "SCMP_ARCH_X86"},
	{"socketcall, native only", RuleSocketcallBypass, `{` + allowList + `,"architectures":["SCMP_ARCH_X86_64"],"syscalls":[
		{"names":["socketcall"],"action":"SCMP_ACT_ALLOW"},
		{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":38,"op":"SCMP_CMP_LT"}]}]}`, Target{}, false, ""},

	{"typo in deny list", RuleTypoFailsOpen, `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mmount"],"action":"SCMP_ACT_ERRNO"}]}`, Target{}, true, "mmount"},
	{"typo in allow list", RuleTypoFailsOpen, `{` + allowList + `,"syscalls":[{"names":["raed"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, false, ""},
	{"unknown name", RuleUnknownSyscall, `{` + allowList + `,"syscalls":[{"names":["raed"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "raed"},
	{"known name", RuleUnknownSyscall, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, false, ""},
	{"arm-only name", RuleSyscallNotOnArch, `{` + allowList + `,"architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["arm_fadvise64_64"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "arm_fadvise64_64"},
	{"no declared arch", RuleSyscallNotOnArch, `{` + allowList + `,"syscalls":[{"names":["arm_fadvise64_64"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, false, ""},

	{"redundant", RuleRedundantRule, `{` + allowList + `,"syscalls":[{"names":["mount"],"action":"SCMP_ACT_ERRNO","errnoRet":38}]}`, Target{}, true, ""},
	{"different errno", RuleRedundantRule, `{` + allowList + `,"syscalls":[{"names":["mount"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}`, Target{}, false, ""},
	{"duplicate", RuleDuplicateSyscall, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"},{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "read"},
	{"listed once", RuleDuplicateSyscall, `{` + allowList + `,"syscalls":[{"names":["read","write"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, false, ""},
	{"two-sided range", RuleSameArgIndexOR, `{` + allowList + `,"syscalls":[{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2,"op":"SCMP_CMP_GE"},{"index":0,"value":10,"op":"SCMP_CMP_LE"}]}]}`, Target{}, true, "argument 0"},
	{"two arguments", RuleSameArgIndexOR, `{` + allowList + `,"syscalls":[{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2,"op":"SCMP_CMP_EQ"},{"index":1,"value":1,"op":"SCMP_CMP_EQ"}]}]}`, Target{}, false, ""},
	{"zero mask", RuleMaskedEqZeroMask, `{` + allowList + `,"syscalls":[{"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":0,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"}]}]}`, Target{}, true, "always true"},
	{"real mask", RuleMaskedEqZeroMask, `{` + allowList + `,"syscalls":[{"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":2114060288,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"}]}]}`, Target{}, false, ""},
	{"eperm default", RuleEpermDefault, `{"defaultAction":"SCMP_ACT_ERRNO"}`, Target{}, true, "EPERM"},
	{"enosys default (containers errno name)", RuleEpermDefault, `{"defaultAction":"SCMP_ACT_ERRNO","defaultErrno":"ENOSYS"}`, Target{Runtime: RuntimeCRIO}, false, ""},
	{"trace", RuleTraceWithoutTracer, `{` + allowList + `,"syscalls":[{"names":["mount"],"action":"SCMP_ACT_TRACE"}]}`, Target{}, true, ""},
	{"no trace", RuleTraceWithoutTracer, `{` + allowList + `}`, Target{}, false, ""},
	{"kill on write", RuleKillOnCommonSyscall, `{` + allowList + `,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"},{"names":["write"],"action":"SCMP_ACT_KILL_PROCESS"}]}`, Target{}, true, "write"},
	{"kill on kexec", RuleKillOnCommonSyscall, `{` + allowList + `,"syscalls":[{"names":["kexec_load"],"action":"SCMP_ACT_KILL_PROCESS"}]}`, Target{}, false, ""},
	{"compat arches", RuleCompatArch, `{` + allowList + `,"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X32"]}`, Target{}, true, "SCMP_ARCH_X32"},
	{"native only", RuleCompatArch, `{` + allowList + `,"architectures":["SCMP_ARCH_X86_64"]}`, Target{}, false, ""},
	{"aarch64 list on amd64", RuleMissingNativeArch, `{` + allowList + `,"architectures":["SCMP_ARCH_AARCH64"]}`, Target{}, true, "SCMP_ARCH_X86_64"},
	{"aarch64 list on arm64", RuleMissingNativeArch, `{` + allowList + `,"architectures":["SCMP_ARCH_AARCH64"]}`, Target{Arch: "arm64"}, false, ""},

	{"includes dropped by containerd", RuleDroppedByRuntime, `{` + allowList + `,"syscalls":[{"names":["mount"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}}]}`, Target{Runtime: RuntimeContainerd}, true, "mount"},
	{"includes honoured by docker", RuleDroppedByRuntime, `{` + allowList + `,"syscalls":[{"names":["mount"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}}]}`, Target{Runtime: RuntimeDocker}, false, ""},
	{"errno names dropped by docker", RuleDroppedByRuntime, `{"defaultAction":"SCMP_ACT_ERRNO","defaultErrno":"ENOSYS"}`, Target{Runtime: RuntimeDocker}, true, "defaultErrno"},

	{"beyond default", RuleWeakerThanDefault, `{` + allowList + `,"syscalls":[{"names":["read","mount"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, true, "mount"},
	{"within default", RuleWeakerThanDefault, `{` + allowList + `,"syscalls":[{"names":["read","write"],"action":"SCMP_ACT_ALLOW"}]}`, Target{}, false, ""},
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
		if strings.HasPrefix(r.ID, "seccomp/Pod") || strings.HasPrefix(r.ID, "seccomp/Localhost") || r.ID == RuleSPOBaseProfile.ID {
			// Tested in pod_test.go and spo_test.go.
			continue
		}
		assert.True(t, fires[r.ID], "%s has no failing case", r.ID)
		assert.True(t, passes[r.ID], "%s has no passing case", r.ID)
	}
}
