package seccomp

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/internal/testutil"
)

func mustParseT(t *testing.T, src string) *Profile {
	t.Helper()
	p, err := Parse("t.json", []byte(src))
	require.NoError(t, err)
	return p
}

func readCorpus(t *testing.T, rel string) *Profile {
	t.Helper()
	root := testutil.SharedDir(t, "corpus", "seccomp")
	data, err := os.ReadFile(filepath.Join(root, rel))
	require.NoError(t, err)
	p, err := Parse(rel, data)
	require.NoError(t, err)
	return p
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// TestMobyDefaultFailsOpenOnContainerd: containerd decodes moby's
// default.json as plain OCI, so every rule gated by includes/excludes
// applies unconditionally. The expected set was read off default.json by
// hand: the x86_64 syscalls of the capability-gated groups (CAP_SYS_ADMIN,
// CAP_SYS_BOOT, CAP_SYS_MODULE, CAP_SYS_PACCT, CAP_SYS_PTRACE,
// CAP_SYS_RAWIO, CAP_SYS_TIME, CAP_SYS_TTY_CONFIG, CAP_SYS_NICE,
// CAP_SYSLOG, CAP_BPF, CAP_PERFMON, CAP_DAC_READ_SEARCH) that Docker's
// default capabilities do not unlock, plus clone (flag-filtered under
// Docker, unconditional in the CAP_SYS_ADMIN group) and clone3 (whose
// ENOSYS rule comes after the CAP_SYS_ADMIN group's ALLOW, so libseccomp
// drops it).
func TestMobyDefaultFailsOpenOnContainerd(t *testing.T) {
	p := readCorpus(t, "moby/default.json")
	want := []string{
		"acct", "bpf", "clock_settime", "clone", "clone3", "delete_module", "fanotify_init", "finit_module",
		"fsconfig", "fsmount", "fsopen", "fspick", "get_mempolicy", "init_module", "ioperm", "iopl", "kcmp",
		"lookup_dcookie", "lsm_get_self_attr", "lsm_list_modules", "lsm_set_self_attr", "mbind", "mount",
		"mount_setattr", "move_mount", "open_by_handle_at", "open_tree", "perf_event_open", "pidfd_getfd",
		"process_madvise", "quotactl", "quotactl_fd", "reboot", "set_mempolicy", "set_mempolicy_home_node",
		"setdomainname", "sethostname", "setns", "settimeofday", "syslog", "umount2", "unshare", "vhangup",
	}
	c := Evaluate(p, Target{Runtime: RuntimeContainerd})
	d := Evaluate(p, Target{Runtime: RuntimeDocker})
	require.NoError(t, c.LoadError)
	require.NoError(t, d.LoadError)
	assert.Equal(t, []specs.Arch{specs.ArchX86_64}, c.Arches, "archMap is dropped: native only")
	assert.Equal(t, []specs.Arch{specs.ArchX86_64, specs.ArchX86, specs.ArchX32}, d.Arches)
	ca, _ := c.Allowed(specs.ArchX86_64)
	da, _ := d.Allowed(specs.ArchX86_64)
	assert.Equal(t, want, minus(ca, da))
	assert.Empty(t, minus(da, ca), "containerd allows a superset")
	for _, n := range []string{"mount", "unshare", "bpf", "ptrace", "setns", "reboot", "init_module"} {
		assert.True(t, c.Decide(n, specs.ArchX86_64).Allows(), n)
	}
	assert.Equal(t, []Shadow{{Name: "clone3", Winner: 44, Dropped: 47}}, c.Shadowed)

	r := Analyze(p, Target{Runtime: RuntimeContainerd})
	f, ok := failedFinding(r, ruleDroppedByRuntime.ID)
	require.True(t, ok)
	assert.Contains(t, f.Message, "allows 43 syscall(s) that docker denies")
	assert.Equal(t, -10, f.Points)
}

// TestRuntimeDefaultCounts checks the effective allow sets of the three
// runtime defaults on x86_64 against counts published in
// ../shared/reference/seccomp.md (§1.4): containerd's expanded default
// allows 309 of libseccomp's 385 x86_64 syscalls unconditionally; moby's
// and containers/common's plain unconditional ALLOW groups cover 300 and
// 309, to which the runtime's default capabilities, amd64 and a current
// kernel add the syscalls listed here (read off the profiles' gated
// groups). That CRI-O's own default loads at all is evidence for
// libseccomp's first-unconditional-rule-wins behaviour: it allows setns
// unconditionally and later denies it with EPERM unless CAP_SYS_ADMIN.
// (../shared/reference/seccomp.md §5.4 calls such a pair a load-time
// EEXIST conflict; libseccomp's db.c only returns EEXIST for identical
// argument chains, so we model that and report the pair as a silently
// dropped rule instead.)
func TestRuntimeDefaultCounts(t *testing.T) {
	assert.Len(t, SyscallsOnArch(specs.ArchX86_64), 385)
	cases := []struct {
		rt    Runtime
		plain int
		extra []string
		some  []string
		caps  []string
	}{
		{RuntimeContainerd, 309, nil, []string{"clone", "personality", "socket"}, nil},
		{RuntimeDocker, 300, []string{"arch_prctl", "chroot", "modify_ldt", "process_vm_readv", "process_vm_writev", "ptrace"}, []string{"clone", "personality", "socket"}, nil},
		{RuntimeCRIO, 309, []string{"arch_prctl", "modify_ldt"}, []string{"personality", "socket"}, nil},
		// CRI-O's profile with Docker's capabilities: SYS_CHROOT unlocks
		// chroot and AUDIT_WRITE lifts socket's netlink-audit filter.
		{RuntimeCRIO, 309, []string{"arch_prctl", "chroot", "modify_ldt", "socket"}, []string{"personality"}, DefaultCaps()},
	}
	for _, c := range cases {
		t.Run(string(c.rt), func(t *testing.T) {
			e := RuntimeDefault(Target{Runtime: c.rt, Caps: c.caps})
			require.NoError(t, e.LoadError)
			always, some := e.Allowed(specs.ArchX86_64)
			assert.Len(t, always, c.plain+len(c.extra))
			for _, n := range c.extra {
				assert.Contains(t, always, n)
			}
			assert.Equal(t, c.some, some)
		})
	}
}

func TestIncludesExcludes(t *testing.T) {
	p := mustParseT(t, `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
		{"names":["mount"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}},
		{"names":["ptrace"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"4.8"}},
		{"names":["ptrace"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_PTRACE"]}},
		{"names":["arch_prctl"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["amd64"]}},
		{"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":38,"excludes":{"caps":["CAP_SYS_ADMIN"]}},
		{"names":["sync_file_range"],"action":"SCMP_ACT_ALLOW","excludes":{"arches":["arm64"]}}]}`)
	type want map[string]specs.LinuxSeccompAction
	cases := []struct {
		name string
		t    Target
		want want
	}{
		{"docker default caps, new kernel", Target{Runtime: RuntimeDocker},
			want{"mount": specs.ActErrno, "ptrace": specs.ActAllow, "arch_prctl": specs.ActAllow, "clone3": specs.ActErrno, "sync_file_range": specs.ActAllow}},
		{"docker old kernel", Target{Runtime: RuntimeDocker, Kernel: KernelVersion{4, 4}},
			want{"ptrace": specs.ActErrno}},
		{"docker old kernel with CAP_SYS_PTRACE", Target{Runtime: RuntimeDocker, Kernel: KernelVersion{4, 4}, Caps: []string{"CAP_SYS_PTRACE"}},
			want{"ptrace": specs.ActAllow}},
		{"cri-o ignores minKernel", Target{Runtime: RuntimeCRIO, Kernel: KernelVersion{4, 4}},
			want{"ptrace": specs.ActAllow}},
		{"docker with CAP_SYS_ADMIN", Target{Runtime: RuntimeDocker, Caps: []string{"CAP_SYS_ADMIN"}},
			want{"mount": specs.ActAllow, "clone3": specs.ActErrno}},
		{"docker on arm64", Target{Runtime: RuntimeDocker, Arch: "arm64"},
			want{"sync_file_range": specs.ActErrno}},
		{"containerd ignores everything", Target{Runtime: RuntimeContainerd, Caps: []string{}},
			want{"mount": specs.ActAllow, "ptrace": specs.ActAllow, "arch_prctl": specs.ActAllow}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := Evaluate(p, c.t)
			require.NoError(t, e.LoadError)
			arch := e.Target.Arch
			for n, a := range c.want {
				assert.Equal(t, a, e.Decide(n, arch).Action, n)
			}
		})
	}
	// With CAP_SYS_ADMIN the clone3 ENOSYS rule is excluded, so clone3 gets
	// the default (EPERM), not ENOSYS.
	e := Evaluate(p, Target{Runtime: RuntimeDocker, Caps: []string{"CAP_SYS_ADMIN"}})
	assert.Equal(t, uint(1), e.Decide("clone3", specs.ArchX86_64).Errno)
	e = Evaluate(p, Target{Runtime: RuntimeDocker})
	assert.Equal(t, uint(38), e.Decide("clone3", specs.ArchX86_64).Errno)
}

func TestRuleOrderSemantics(t *testing.T) {
	// libseccomp: the first unconditional rule wins; an unconditional rule
	// replaces earlier argument filters; filters after it are dropped.
	p := mustParseT(t, `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
		{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"}]},
		{"names":["socket"],"action":"SCMP_ACT_KILL"},
		{"names":["socket"],"action":"SCMP_ACT_ALLOW"},
		{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]},
		{"names":["personality"],"action":"SCMP_ACT_LOG","args":[{"index":0,"value":0,"op":"SCMP_CMP_EQ"}]},
		{"names":["read"],"action":"SCMP_ACT_ERRNO"}]}`)
	e := Evaluate(p, Target{})
	require.NoError(t, e.LoadError)
	d := e.Decide("socket", specs.ArchX86_64)
	assert.Equal(t, specs.ActKill, d.Action)
	assert.False(t, d.Conditional)
	d = e.Decide("personality", specs.ArchX86_64)
	assert.Equal(t, specs.ActErrno, d.Action)
	assert.True(t, d.Conditional)
	assert.Equal(t, []specs.LinuxSeccompAction{specs.ActAllow, specs.ActLog}, d.CondActions)
	assert.True(t, e.Rules[5].Redundant, "ERRNO(EPERM) equals the default")
	assert.Equal(t, []Shadow{{Name: "socket", Winner: 1, Dropped: 2}}, e.Shadowed)
}

func TestContainersDialect(t *testing.T) {
	p := mustParseT(t, `{"defaultAction":"SCMP_ACT_ERRNO","defaultErrno":"ENOSYS","architectures":["SCMP_ARCH_NATIVE"],
		"syscalls":[{"names":["mount"],"action":"SCMP_ACT_ERRNO","errno":"EPERM"}]}`)
	assert.Equal(t, DialectContainers, p.Dialect)
	e := Evaluate(p, Target{Runtime: RuntimeCRIO, Arch: "arm64"})
	require.NoError(t, e.LoadError)
	assert.Equal(t, []specs.Arch{specs.ArchAARCH64}, e.Arches)
	assert.Equal(t, uint(38), e.DefaultErrno)
	assert.Equal(t, uint(1), e.Decide("mount", specs.ArchAARCH64).Errno)
	// containerd refuses SCMP_ARCH_NATIVE (runc does not know it).
	e = Evaluate(p, Target{Runtime: RuntimeContainerd})
	assert.ErrorIs(t, e.LoadError, ErrRejected)
	// Docker ignores the errno names: EPERM everywhere, and mount's rule
	// then equals the default and is skipped.
	e = Evaluate(p, Target{Runtime: RuntimeDocker})
	assert.Equal(t, uint(1), e.DefaultErrno)
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name, profile string
		rt            Runtime
		wantErr       error
	}{
		{"both arch forms on docker", `{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"archMap":[{"architecture":"SCMP_ARCH_X86_64"}]}`, RuntimeDocker, ErrRejected},
		{"both arch forms on containerd (archMap dropped)", `{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"archMap":[{"architecture":"SCMP_ARCH_X86_64"}]}`, RuntimeContainerd, nil},
		{"name and names on cri-o", `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"name":"read","names":["write"],"action":"SCMP_ACT_ALLOW"}]}`, RuntimeCRIO, ErrRejected},
		{"name and names in an excluded rule: cri-o filters first", `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"name":"read","names":["write"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}}]}`, RuntimeCRIO, nil},
		{"name and names in an excluded rule: docker checks first", `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"name":"read","names":["write"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}}]}`, RuntimeDocker, ErrRejected},
		{"bad minKernel only hurts docker", `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"x"}}]}`, RuntimeCRIO, nil},
		{"bad minKernel on docker", `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"x"}}]}`, RuntimeDocker, ErrRejected},
		{"conflict", `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"}]},{"names":["socket"],"action":"SCMP_ACT_LOG","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"}]}]}`, RuntimeContainerd, ErrConflict},
		{"unknown name is skipped", `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["nosuchcall"],"action":"SCMP_ACT_ALLOW"}]}`, RuntimeContainerd, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := Evaluate(mustParseT(t, c.profile), Target{Runtime: c.rt})
			if c.wantErr == nil {
				assert.NoError(t, e.LoadError)
			} else {
				assert.ErrorIs(t, e.LoadError, c.wantErr)
			}
		})
	}
}

func TestDiffRuntimeDefault(t *testing.T) {
	p := mustParseT(t, `{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],
		"syscalls":[{"names":["read","mount","socketcall"],"action":"SCMP_ACT_ALLOW"},
		{"names":["kexec_load"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":0,"op":"SCMP_CMP_EQ"}]}]}`)
	diffs := DiffRuntimeDefault(p, Target{Runtime: RuntimeDocker})
	require.Len(t, diffs, 2)
	assert.Equal(t, specs.ArchX86_64, diffs[0].Arch)
	assert.Equal(t, []string{"mount"}, diffs[0].Extra)
	assert.Equal(t, []string{"kexec_load"}, diffs[0].ExtraConditional)
	assert.Equal(t, specs.ArchX86, diffs[1].Arch)
	assert.Equal(t, []string{"mount"}, diffs[1].Extra, "socketcall is allowed on x86 by moby too")
}
