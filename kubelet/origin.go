package kubelet

import (
	"fmt"
	"strings"
)

// Mode is the way the kubelet was started, which decides four defaults
// (anonymous auth, webhook authentication, authorization mode and the
// read-only port).
type Mode int

const (
	// ModeConfigFile: the kubelet runs with --config; v1beta1 defaulting
	// fills every key the file leaves out.
	ModeConfigFile Mode = iota
	// ModeFlagsOnly: no --config; the legacy command-line defaults apply
	// (also to a kubelet with only --config-dir, for keys no drop-in sets).
	ModeFlagsOnly
)

// String returns "config-file" or "flags-only".
func (m Mode) String() string {
	if m == ModeFlagsOnly {
		return "flags-only"
	}
	return "config-file"
}

// OriginKind says which kind of source set a value.
type OriginKind int

const (
	// OriginDefault: nothing set the value; the mode's default applies.
	OriginDefault OriginKind = iota
	// OriginConfigFile: the --config file set it.
	OriginConfigFile
	// OriginDropIn: a --config-dir drop-in set it.
	OriginDropIn
	// OriginFlag: a command-line flag set it.
	OriginFlag
)

// String returns "default", "config file", "drop-in" or "flag".
func (k OriginKind) String() string {
	switch k {
	case OriginConfigFile:
		return "config file"
	case OriginDropIn:
		return "drop-in"
	case OriginFlag:
		return "flag"
	}
	return "default"
}

// Origin says where an effective value (or an argv element) came from, so
// that a finding can tell the user which file to edit.
type Origin struct {
	Kind OriginKind
	// Mode is the kubelet mode whose default applied (OriginDefault).
	Mode Mode
	// File is the file that holds the value: the config file or drop-in
	// (OriginConfigFile, OriginDropIn), or for flags the file that holds
	// the flag's text (the environment file defining the variable, or the
	// unit/drop-in holding ExecStart=). Empty for a bare command line.
	File string
	// Line is the 1-based line in File, 0 when unknown.
	Line int
	// Key is the configuration key path ("authentication.anonymous.enabled")
	// or the flag as written ("--anonymous-auth").
	Key string
	// Variable is the environment variable through which a flag reached
	// the command line ("KUBELET_EXTRA_ARGS"), if any.
	Variable string
	// ExecStart locates the ExecStart= line that expanded Variable
	// ("/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf:11").
	ExecStart string
	// Note explains a special case ("zero value re-defaulted").
	Note string
}

// String renders the origin for a finding message.
func (o Origin) String() string {
	var b strings.Builder
	switch o.Kind {
	case OriginDefault:
		fmt.Fprintf(&b, "default in %s mode", o.Mode)
		if o.Mode == ModeFlagsOnly {
			b.WriteString(" (no --config)")
		}
	case OriginConfigFile, OriginDropIn:
		if o.Kind == OriginDropIn {
			b.WriteString("drop-in ")
		}
		b.WriteString(o.File)
		if o.Line > 0 {
			fmt.Fprintf(&b, ":%d", o.Line)
		}
		b.WriteString(" key ")
		b.WriteString(o.Key)
	case OriginFlag:
		b.WriteString("flag ")
		b.WriteString(o.Key)
		switch {
		case o.Variable != "" && o.File != "":
			fmt.Fprintf(&b, " from $%s set in %s", o.Variable, o.File)
			if o.Line > 0 {
				fmt.Fprintf(&b, ":%d", o.Line)
			}
		case o.Variable != "":
			fmt.Fprintf(&b, " from $%s", o.Variable)
		case o.File != "":
			fmt.Fprintf(&b, " in %s", o.File)
			if o.Line > 0 {
				fmt.Fprintf(&b, ":%d", o.Line)
			}
		default:
			b.WriteString(" on the command line")
		}
		if o.ExecStart != "" && o.Variable != "" {
			fmt.Fprintf(&b, " (expanded by ExecStart= at %s)", o.ExecStart)
		}
	}
	if o.Note != "" {
		b.WriteString("; ")
		b.WriteString(o.Note)
	}
	return b.String()
}
