package apparmor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kubeharden "github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/testutil"
)

func wrap(body string) string {
	return "abi <abi/3.0>,\nprofile t {\n" + body + "\n}\n"
}

// failed reports whether the rule fired in the report.
func failed(r kubeharden.Report, id string) (kubeharden.Finding, bool) {
	for _, f := range r.Findings {
		if f.RuleID == id && !f.Passed {
			return f, true
		}
	}
	return kubeharden.Finding{}, false
}

func scanText(t *testing.T, text string) kubeharden.Report {
	t.Helper()
	reps, err := Scan("test.apparmor", []byte(text), Options{})
	require.NoError(t, err)
	require.NotEmpty(t, reps)
	return reps[0]
}

func TestRules(t *testing.T) {
	cases := []struct {
		rule       string
		fail, pass string // whole files (when they contain "profile") or bodies
	}{
		{"Invalid", "  /tmp/x rwa,", "  /tmp/x rw,"},
		{"UnconfinedMode", "abi <abi/3.0>,\nprofile t flags=(unconfined) {\n userns,\n}\n", "abi <abi/3.0>,\nprofile t {\n}\n"},
		{"ComplainMode", "abi <abi/3.0>,\nprofile t flags=(complain) {\n}\n", "abi <abi/3.0>,\nprofile t flags=(enforce) {\n}\n"},
		{"PromptMode", "abi <abi/3.0>,\nprofile t flags=(prompt) {\n}\n", "abi <abi/3.0>,\nprofile t flags=(kill) {\n}\n"},
		{"BareCapability", "  capability,", "  capability chown,"},
		{"CapabilityCritical", "  capability sys_admin,", "  capability sys_admin,\n  deny capability sys_admin,"},
		{"CapabilityHigh", "  capability setuid,", "  capability net_broadcast,"},
		{"CapabilityMedium", "  capability net_raw,", "  capability net_broadcast,"},
		{"BareFile", "  file,", "  /srv/app/** r,"},
		{"BareFile", "  /** rw,", "  /srv/** rw,"},
		{"BareNetwork", "  network,", "  network inet stream,"},
		{"RiskySocket", "  network packet,", "  network inet stream,"},
		{"RiskySocket", "  network inet raw,", "  network,\n  deny network inet raw,\n  deny network inet6 raw,\n  deny network packet,\n  deny network alg,\n  deny network vsock,\n  deny network netlink raw,"},
		{"RiskySocket", "  network alg,", "  network unix,"},
		{"BareMount", "  mount,", "  mount fstype=tmpfs options=(rw) none -> /tmp/,"},
		{"BareMount", "  pivot_root,", "  pivot_root oldroot=/old/ /new/,"},
		{"BareMount", "  remount,", "  mount,\n  deny mount,"},
		{"MountUnconstrained", "  mount /dev/sda1 -> /mnt/,", "  mount fstype=ext4 /dev/sda1 -> /mnt/,"},
		{"UmountAny", "  umount,", "  umount /mnt/,"},
		{"BarePtrace", "  ptrace,", "  ptrace (read) peer=t,"},
		{"UnconfinedPeer", "  ptrace (trace) peer=unconfined,", "  ptrace (trace) peer=t,"},
		{"UnconfinedPeer", "  signal (send) set=(term),", "  signal (receive) peer=unconfined,"},
		{"ChangeProfileAny", "  change_profile,", "  change_profile -> worker,"},
		{"ChangeProfileAny", "  change_profile -> **,", "  change_profile /usr/bin/x -> worker,"},
		{"UnconfinedExec", "  /usr/bin/helper Ux,", "  /usr/bin/helper Px,"},
		{"UnconfinedExec", "  /usr/bin/helper pux,", "  /usr/bin/helper ix,"},
		{"UnscrubbedExec", "  /usr/bin/helper px,", "  /usr/bin/helper Px,"},
		{"UnscrubbedExec", "  /usr/bin/helper cx -> c,\n  profile c {\n  }", "  /usr/bin/helper Cx -> c,\n  profile c {\n  }"},
		{"TargetIgnored", "  /usr/bin/helper ix -> foo,", "  /usr/bin/helper Px -> foo,"},
		{"WritableExecutable", "  /tmp/** rwm,", "  /tmp/** rw,\n  /usr/lib/** rm,"},
		{"WritableExecutable", "  /opt/app/** w,\n  /opt/app/bin/* ix,", "  /opt/app/data/** w,\n  /opt/app/bin/* ix,"},
		{"KernelInterfaceWrite", "  @{PROC}/sys/** w,", "  @{PROC}/sys/** r,"},
		{"KernelInterfaceWrite", "  /proc/sysrq-trigger w,", "  file,\n  deny /proc/sysrq-trigger w,\n  deny /proc/sys/** w,\n  deny /sys/** w,\n  deny /proc/kcore r,\n  deny /dev/{,k}mem w,"},
		{"KernelInterfaceWrite", "  /sys/** rw,", "  /sys/fs/cgroup/** rw,"},
		{"ShadowWrite", "  /etc/shadow rw,", "  /etc/shadow r,"},
		{"RuntimeSocket", "  /{,var/}run/docker.sock rw,", "  /{,var/}run/docker.sock r,"},
		{"RuntimeSocket", "  /run/containerd/*.sock w,", "  /run/containerd/*.sock r,"},
		{"KubeletPaths", "  /var/lib/kubelet/** rw,", "  /var/lib/kubelet/** r,"},
		{"KubeletPaths", "  /etc/kubernetes/** w,", "  /etc/kubernetes/** r,"},
		{"UserNamespaces", "  userns,", "  userns,\n  deny userns,"},
		{"IOUring", "  io_uring sqpoll,", "  capability chown,"},
		{"Mqueue", "  mqueue,", "  capability chown,"},
		{"BareIPC", "  unix,", "  unix (connect) peer=(label=dbus-daemon),"},
		{"BareIPC", "  dbus,", "  dbus send bus=session,"},
		{"AllRule", "  all,", "  file,"},
		{"MissingABI", "profile t {\n}\n", "abi <abi/3.0>,\nprofile t {\n}\n"},
		{"IncludeWithoutIfExists", "abi <abi/3.0>,\nprofile t {\n  include <local/t>\n}\n", "abi <abi/3.0>,\nprofile t {\n  include if exists <local/t>\n}\n"},
		{"UndefinedVariable", "  @{nope}/x r,", "@{x}=/x\nabi <abi/3.0>,\nprofile t {\n  @{x}/y r,\n}\n"},
		{"UndefinedVariable", "include <tunables/global>\nabi <abi/3.0>,\nprofile t {\n  @{nope}/x r,\n}\n", "include <tunables/global>\nabi <abi/3.0>,\nprofile t {\n  @{PROC}/x r,\n}\n"},
		{"AllowsRuntimeDefaultDeny", "  file,", "  /srv/** rw,"},
		{"AllowsRuntimeDefaultDeny", "  mount fstype=tmpfs -> /x/,", "  umount /x/,"},
		{"AttachDisconnected", "abi <abi/3.0>,\nprofile t flags=(attach_disconnected) {\n}\n", "abi <abi/3.0>,\nprofile t {\n}\n"},
		{"PathAttachment", "abi <abi/3.0>,\nprofile t /usr/bin/t {\n}\n", "abi <abi/3.0>,\nprofile t {\n}\n"},
		{"PathAttachment", "abi <abi/3.0>,\n/usr/bin/t {\n}\n", "abi <abi/3.0>,\nprofile t {\n}\n"},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		id := "apparmor/" + c.rule
		seen[id] = true
		t.Run(c.rule, func(t *testing.T) {
			text := func(s string) string {
				if strings.Contains(s, "profile t") || strings.Contains(s, "/usr/bin/t {") {
					return s
				}
				return wrap(s)
			}
			f, ok := failed(scanText(t, text(c.fail)), id)
			assert.True(t, ok, "%s should fire on:\n%s", id, c.fail)
			if ok {
				assert.NotEmpty(t, f.Message)
				assert.True(t, f.Position.IsValid(), "finding has a position")
			}
			_, ok = failed(scanText(t, text(c.pass)), id)
			assert.False(t, ok, "%s should not fire on:\n%s", id, c.pass)
		})
	}
	for _, r := range Rules() {
		if r.ID == ruleEnforce.ID {
			continue
		}
		assert.True(t, seen[r.ID], "rule %s has no table test", r.ID)
	}
}

func TestEnforcedHardening(t *testing.T) {
	rep := scanText(t, wrap("  /srv/** r,"))
	var got bool
	for _, f := range rep.Passed() {
		if f.RuleID == ruleEnforce.ID {
			got = true
		}
	}
	assert.True(t, got)
	rep = scanText(t, "abi <abi/3.0>,\nprofile t flags=(complain) {\n}\n")
	for _, f := range rep.Passed() {
		assert.NotEqual(t, ruleEnforce.ID, f.RuleID)
	}
}

func TestRulesCatalogue(t *testing.T) {
	ids := map[string]bool{}
	for _, r := range Rules() {
		assert.True(t, strings.HasPrefix(r.ID, "apparmor/"), r.ID)
		assert.False(t, ids[r.ID], "duplicate %s", r.ID)
		ids[r.ID] = true
		assert.NotEmpty(t, r.Title)
		assert.NotEmpty(t, r.Description)
		assert.NotEmpty(t, r.Remediation)
		switch r.Kind {
		case kubeharden.KindRisk:
			assert.Less(t, r.Points, 0, r.ID)
		case kubeharden.KindHardening:
			assert.Greater(t, r.Points, 0, r.ID)
		}
	}
}

// TestRuntimeDefaultProfiles checks the analysis on the container runtimes'
// default profiles: docker-default and containerd's profile deny every
// probe of AllowsRuntimeDefaultDeny (that is what the probes encode); CRI-O's
// lacks the powercap deny; the Kubernetes tutorial profile lacks all.
func TestRuntimeDefaultProfiles(t *testing.T) {
	dir := testutil.SharedDir(t, "corpus", "apparmor", "runtime-profiles")
	cases := []struct {
		file, name string
		regress    bool
		contains   string
	}{
		{"docker-default.apparmor", "docker-default", false, ""},
		{"containerd-cri-containerd.apparmor.d.apparmor", "cri-containerd.apparmor.d", false, ""},
		{"docker-default/default.apparmor", "", false, ""},
		{"crio-default.apparmor", "crio-default", true, "powercap"},
		{"k8s-apparmor-example-deny-write.apparmor", "k8s-apparmor-example-deny-write", true, "kcore"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, c.file))
			require.NoError(t, err)
			reps, err := Scan(c.file, data, Options{})
			require.NoError(t, err)
			require.NotEmpty(t, reps)
			rep := reps[0]
			if c.name != "" {
				assert.Equal(t, c.name, rep.Object)
				_, ok := FindReport(reps, "localhost/"+c.name)
				assert.True(t, ok)
			}
			assert.Empty(t, rep.Errors)
			f, ok := failed(rep, ruleRuntimeDefault.ID)
			assert.Equal(t, c.regress, ok, f.Message)
			if c.contains != "" {
				assert.Contains(t, f.Message, c.contains)
			}
			_, ok = failed(rep, ruleBareMount.ID)
			assert.False(t, ok, "runtime defaults deny mount")
		})
	}
	// Every moby golden must parse; the one with missing custom
	// includes only when includes are not resolved.
	files, _ := filepath.Glob(filepath.Join(dir, "docker-default", "*.apparmor"))
	require.NotEmpty(t, files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		_, err = Parse(f, data, nil)
		assert.NoError(t, err, f)
	}
}
