// Package apparmor parses, validates and scores AppArmor profiles, the
// files a Kubernetes node loads so that pods can reference them with
// securityContext.appArmorProfile (type Localhost, localhostProfile NAME).
//
// # Parsing
//
// [Parse] reads the whole AppArmor 3.x/4.x profile language: the preamble
// (abi, include and `include if exists`, variable assignment with = += ?=
// :=, boolean variables, alias), profile heads (profile keyword, bare
// path names, namespaces, attachment globs, xattrs, flags, identities),
// child profiles and hats, qualifier blocks and if/else conditionals,
// rule qualifiers (priority, audit, allow/deny, owner) and every rule
// kind: capability, network (with the 4.x fine-grained conditions),
// mount/remount/umount, pivot_root, ptrace, signal, unix, dbus,
// change_profile, rlimit, link, file rules with all permission letters and
// exec modes, userns, mqueue, io_uring and all.
//
// The result is a syntax tree whose nodes carry their file, line and
// column. Errors are collected in an [ErrorList]; the parser recovers at
// the next rule, so one mistake does not hide the next. Each [Error] wraps
// a sentinel ([ErrSyntax], [ErrInvalid], [ErrInclude],
// [ErrUndefinedVariable], [ErrVersion], [ErrLimit]) for errors.Is.
//
// Includes and abi files are read through the fs.FS in [ParseOptions]
// (rooted at "/"; <magic> paths are looked up in BaseDir, default
// etc/apparmor.d, and IncludeDirs). Like apparmor_parser, a file included
// twice in the same scope (the preamble, or one profile) is read once,
// which also makes self-inclusion harmless. Variables are expanded with
// cycle detection, and conditionals are evaluated.
//
// # Validation
//
// Parse rejects what apparmor_parser rejects: unknown capabilities,
// network families, mount options and flags, conflicting modes and flags,
// w with a, exec modes with deny, bare x without deny, conflicting exec
// transitions for overlapping globs, duplicate profiles and hats,
// undefined or recursive variables, preamble items inside profiles, and
// so on. The syntax level is chosen with [ParseOptions].Target: [Target4]
// (default, the upstream 4.x+ grammar) or [Target3] (Debian 12's 3.0.8),
// which reports 4.x-only constructs as [ErrVersion] errors. The package's
// tests run the upstream parser conformance suite (2,225 labelled
// profiles; 2,224 agree) and compare accept/reject with
// `apparmor_parser -Q -K` on mutated copies of Debian's profiles.
//
// # Names
//
// [File.Names] lists the profile names exactly as `apparmor_parser -N`
// prints them ("parent//child", ":ns://name"); those are the names a pod's
// localhostProfile must use. [File.Lookup], [LocalhostName] and
// [FindReport] match a pod's reference to a parsed profile.
//
// # Scoring
//
// [Scan] returns one kubeharden.Report per profile (children and hats
// included) with findings of the rules in [Rules]: the profile mode,
// blanket rules, capabilities weighted with AppArmor's severity.db,
// unconfined and unscrubbed exec transitions, writable-and-executable
// paths, writes to kernel interfaces, runtime sockets and kubelet
// directories, risky socket families, user namespaces, unconfined peers,
// missing abi, includes without `if exists`, undefined variables, and the
// accesses docker-default and containerd's default profile deny that the
// profile allows. Access questions ("may this profile write
// /proc/sysrq-trigger?") are answered by matching concrete probe paths
// against the expanded globs: deny rules win over allow rules, owner rules
// count as allowing, and without an FS the standard tunables take Debian's
// values (@{PROC}=/proc/ and so on).
package apparmor
