package apparmor

// Vocabulary tables of the profile language. They are never mutated.

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// capabilityRisk is the severity (0..10) of each capability, after
// AppArmor's severity.db (values, not text).
var capabilityRisk = map[string]int{
	"mac_admin": 10, "mac_override": 10, "sys_admin": 10, "sys_chroot": 10, "sys_module": 10, "sys_ptrace": 10, "sys_rawio": 10,
	"bpf": 9, "checkpoint_restore": 9, "chown": 9, "dac_override": 9, "fowner": 9, "fsetid": 9, "linux_immutable": 9,
	"mknod": 9, "setfcap": 9, "setgid": 9, "setpcap": 9, "setuid": 9,
	"audit_control": 8, "audit_write": 8, "block_suspend": 8, "ipc_lock": 8, "ipc_owner": 8, "kill": 8, "lease": 8,
	"net_admin": 8, "net_bind_service": 8, "net_raw": 8, "syslog": 8, "sys_boot": 8, "sys_nice": 8, "sys_pacct": 8,
	"sys_resource": 8, "sys_time": 8, "sys_tty_config": 8, "wake_alarm": 8,
	"audit_read": 7, "dac_read_search": 7, "perfmon": 7,
	"net_broadcast": 0,
}

var networkDomains = set("unix", "inet", "ax25", "ipx", "appletalk", "netrom", "bridge", "atmpvc", "x25", "inet6",
	"rose", "netbeui", "security", "key", "netlink", "packet", "ash", "econet", "atmsvc", "rds", "sna", "irda",
	"pppox", "wanpipe", "llc", "ib", "mpls", "can", "tipc", "bluetooth", "iucv", "rxrpc", "isdn", "phonet",
	"ieee802154", "caif", "alg", "nfc", "vsock", "kcm", "qipcrtr", "smc", "xdp", "mctp")

var networkTypes = set("stream", "dgram", "seqpacket", "rdm", "raw", "packet")

var networkProtocols = set("tcp", "udp", "icmp")

var networkAccess = set("create", "bind", "listen", "accept", "connect", "shutdown", "getattr", "setattr",
	"getopt", "setopt", "send", "receive", "r", "w", "rw")

var unixAccess = networkAccess

var mountFlags = set("ro", "r", "read-only", "rw", "w", "suid", "nosuid", "dev", "nodev", "exec", "noexec",
	"sync", "async", "remount", "mand", "nomand", "dirsync", "symfollow", "nosymfollow", "atime", "noatime",
	"diratime", "nodiratime", "bind", "B", "move", "M", "rbind", "R", "verbose", "silent", "loud", "acl",
	"noacl", "unbindable", "make-unbindable", "runbindable", "make-runbindable", "private", "make-private",
	"rprivate", "make-rprivate", "slave", "make-slave", "rslave", "make-rslave", "shared", "make-shared",
	"rshared", "make-rshared", "relatime", "norelatime", "iversion", "noiversion", "strictatime",
	"nostrictatime", "lazytime", "nolazytime", "user", "nouser")

// mountPropagation are the options that change propagation and take only
// a mount point.
var mountPropagation = set("unbindable", "make-unbindable", "runbindable", "make-runbindable", "private",
	"make-private", "rprivate", "make-rprivate", "slave", "make-slave", "rslave", "make-rslave", "shared",
	"make-shared", "rshared", "make-rshared")

// mountOpposites are option pairs that cannot both be required.
var mountOpposites = [][2]string{
	{"ro", "rw"}, {"suid", "nosuid"}, {"dev", "nodev"}, {"exec", "noexec"}, {"sync", "async"},
	{"mand", "nomand"}, {"symfollow", "nosymfollow"}, {"atime", "noatime"}, {"diratime", "nodiratime"},
	{"acl", "noacl"}, {"relatime", "norelatime"}, {"iversion", "noiversion"}, {"strictatime", "nostrictatime"},
	{"lazytime", "nolazytime"}, {"user", "nouser"}, {"verbose", "silent"}, {"loud", "silent"},
}

var mountAliases = map[string]string{"r": "ro", "read-only": "ro", "w": "rw", "B": "bind", "M": "move", "R": "rbind"}

var ptraceAccess = set("r", "w", "rw", "read", "readby", "trace", "tracedby", "write")

var signalAccess = set("r", "w", "rw", "read", "write", "send", "receive")

var signalNames = set("hup", "int", "quit", "ill", "trap", "abrt", "bus", "fpe", "kill", "usr1", "segv", "usr2",
	"pipe", "alrm", "term", "stkflt", "chld", "cont", "stop", "stp", "ttin", "ttou", "urg", "xcpu", "xfsz",
	"vtalrm", "prof", "winch", "io", "pwr", "sys", "emt", "exists")

var dbusAccess = set("send", "receive", "bind", "eavesdrop", "r", "read", "w", "write", "rw")

var mqueueAccess = set("r", "w", "rw", "read", "write", "create", "open", "delete", "getattr", "setattr")

var rlimitNames = set("cpu", "fsize", "data", "stack", "core", "rss", "nofile", "ofile", "as", "nproc",
	"memlock", "locks", "sigpending", "msgqueue", "nice", "rtprio", "rttime")

// profileModes are mutually exclusive mode flags.
var profileModes = set("enforce", "complain", "kill", "unconfined", "prompt", "default_allow")

var profileFlags3 = set("enforce", "complain", "kill", "unconfined", "audit", "mediate_deleted",
	"delegate_deleted", "attach_disconnected", "no_attach_disconnected", "chroot_relative", "namespace_relative",
	"chroot_attach", "chroot_no_attach")

// profileFlags4 are flags 3.0 does not accept (3.0.8 calls debug "no
// longer valid"; 4.x accepts it again).
var profileFlags4 = set("prompt", "default_allow", "interruptible", "debug")

// mountFlags4 are mount options 3.0.8 reports as unsupported.
var mountFlags4 = set("nostrictatime", "lazytime", "nolazytime", "symfollow", "nosymfollow")

var errnoNames = set("EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD",
	"EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR",
	"EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS",
	"EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY",
	"ELOOP", "EWOULDBLOCK", "ENOMSG", "EIDRM", "ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST", "ELNRNG",
	"EUNATCH", "ENOCSI", "EL2HLT", "EBADE", "EBADR", "EXFULL", "ENOANO", "EBADRQC", "EBADSLT", "EDEADLOCK",
	"EBFONT", "ENOSTR", "ENODATA", "ETIME", "ENOSR", "ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV",
	"ESRMNT", "ECOMM", "EPROTO", "EMULTIHOP", "EDOTDOT", "EBADMSG", "EOVERFLOW", "ENOTUNIQ", "EBADFD",
	"EREMCHG", "ELIBACC", "ELIBBAD", "ELIBSCN", "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART", "ESTRPIPE",
	"EUSERS", "ENOTSOCK", "EDESTADDRREQ", "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT",
	"ESOCKTNOSUPPORT", "EOPNOTSUPP", "ENOTSUP", "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL",
	"ENETDOWN", "ENETUNREACH", "ENETRESET", "ECONNABORTED", "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN",
	"ESHUTDOWN", "ETOOMANYREFS", "ETIMEDOUT", "ECONNREFUSED", "EHOSTDOWN", "EHOSTUNREACH", "EALREADY",
	"EINPROGRESS", "ESTALE", "EUCLEAN", "ENOTNAM", "ENAVAIL", "EISNAM", "EREMOTEIO", "EDQUOT", "ENOMEDIUM",
	"EMEDIUMTYPE", "ECANCELED", "ENOKEY", "EKEYEXPIRED", "EKEYREVOKED", "EKEYREJECTED", "EOWNERDEAD",
	"ENOTRECOVERABLE", "ERFKILL", "EHWPOISON")

// execModes are the valid exec-permission spellings.
var execModes = set("x", "ix", "px", "Px", "cx", "Cx", "ux", "Ux", "pix", "Pix", "cix", "Cix",
	"pux", "PUx", "pUx", "Pux", "cux", "CUx", "cUx", "Cux")
