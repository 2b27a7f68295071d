// Package seccomp parses, validates, evaluates and scores seccomp profiles
// the way the container runtimes that load them do.
//
// # Dialects
//
// A seccomp profile is JSON in one of three related formats:
//
//   - the OCI runtime-spec LinuxSeccomp object ([DialectOCI]), which is what
//     containerd's CRI plugin decodes Localhost profiles into;
//   - Docker's format from github.com/moby/profiles/seccomp ([DialectDocker]),
//     which adds archMap and per-rule name, comment, includes and excludes
//     (conditions on capabilities, architectures and kernel version);
//   - containers/common's format used by CRI-O and Podman
//     ([DialectContainers]), which adds errno names (defaultErrno, errno)
//     and SCMP_ARCH_NATIVE.
//
// [Parse] reads any of them into a [Profile] that keeps every field with its
// byte offset, so findings carry file, line and column. It has its own small
// JSON reader with size and depth budgets; it never panics, and reports
// duplicate keys, case-variant keys (Go's decoder accepts them), fields
// unknown to each dialect and values only some runtimes reject.
//
// # Evaluation
//
// The same file means different things on different runtimes: containerd
// silently drops archMap, includes and excludes, so a Docker profile that
// gates mount, bpf or ptrace on CAP_SYS_ADMIN allows them unconditionally
// there. [Evaluate] resolves a profile for a [Target] (runtime,
// architecture, capabilities, kernel) into the rules libseccomp receives,
// honouring runc's behaviour (unknown names skipped, rules equal to the
// default skipped, the first unconditional rule for a syscall wins) and
// gives per-syscall [Decision]s and the effective allow set per
// architecture. [RuntimeDefault] and [Diff] compare a profile with the
// runtime's own default.
//
// # Scoring
//
// [Analyze] turns a profile and a target into a kubeharden.Report: the
// validation rules, the style (allow list vs deny list, LOG or ALLOW
// default), dangerous syscall classes with the reason for each, filter
// bypasses (clone3, socketcall on 32-bit sub-architectures), typos that
// fail open, fields the runtime ignores and what the profile allows beyond
// RuntimeDefault. [Scan] does this for raw bytes and every runtime;
// [Detect] tells whether JSON looks like a profile; [AnalyzePod] resolves a
// pod's seccompProfile against the kubelet seccomp root through an fs.FS.
// [Rules] lists the catalogue.
//
// Syscall names are checked against libseccomp's syscalls.csv (generated
// into zsyscalls.go by `go generate`; see SyscallTableVersion), the table
// runc and crun resolve names with. The runtime default profiles (moby
// v0.3.0, containerd v2.4.2 for amd64, containers/common) are not embedded:
// `go generate` derives a fact table from each (per rule, in load order:
// action, syscall names, argument filters and capability, architecture and
// kernel conditions; zdefaults.go names the sources and their Apache-2.0
// licence), and [DefaultProfile] builds a Profile from it on demand.
// moby's own Go DefaultProfile is linux-only, so it serves as a test
// oracle only.
package seccomp
