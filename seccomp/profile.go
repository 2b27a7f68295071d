package seccomp

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/kubeharden/kubeharden"
)

// Dialect is a set of JSON profile formats. Single values name one format;
// masks say which formats know a field.
type Dialect uint8

// The three profile formats.
const (
	// DialectOCI is the runtime-spec LinuxSeccomp object. containerd's CRI
	// plugin reads Localhost profiles with exactly this type.
	DialectOCI Dialect = 1 << iota
	// DialectDocker is moby's format (github.com/moby/profiles/seccomp):
	// OCI plus archMap and, per rule, name, comment, includes and excludes.
	DialectDocker
	// DialectContainers is containers/common's format (CRI-O, Podman):
	// Docker's plus errno names (defaultErrno, errno) and SCMP_ARCH_NATIVE,
	// without minKernel and without the listener fields.
	DialectContainers

	allDialects = DialectOCI | DialectDocker | DialectContainers
)

// String names the dialect ("oci", "docker", "containers/common"), or joins
// the names of a mask with "+".
func (d Dialect) String() string {
	var parts []string
	if d&DialectOCI != 0 {
		parts = append(parts, "oci")
	}
	if d&DialectDocker != 0 {
		parts = append(parts, "docker")
	}
	if d&DialectContainers != 0 {
		parts = append(parts, "containers/common")
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "+")
}

// Runtime is a container runtime whose way of loading a profile is modelled.
type Runtime string

// Runtimes whose loaders are modelled.
const (
	// RuntimeContainerd decodes Localhost profiles as a plain OCI
	// LinuxSeccomp: archMap, includes, excludes, name and comment are
	// silently dropped.
	RuntimeContainerd Runtime = "containerd"
	// RuntimeCRIO uses containers/common's loader.
	RuntimeCRIO Runtime = "cri-o"
	// RuntimeDocker uses moby's loader.
	RuntimeDocker Runtime = "docker"
)

// Runtimes lists the modelled runtimes in a stable order.
func Runtimes() []Runtime { return []Runtime{RuntimeContainerd, RuntimeCRIO, RuntimeDocker} }

// Dialect returns the profile format the runtime decodes.
func (r Runtime) Dialect() Dialect {
	switch r {
	case RuntimeContainerd:
		return DialectOCI
	case RuntimeCRIO:
		return DialectContainers
	case RuntimeDocker:
		return DialectDocker
	}
	return 0
}

// Profile is a decoded seccomp profile in any dialect. Fields of every
// dialect are kept; which of them a runtime honours is decided at
// evaluation time. Offsets into the source are kept so that findings carry
// line and column numbers.
type Profile struct {
	// Source is the file name used in positions and errors.
	Source string
	// Dialect is the format detected from the fields in use: the
	// containers/common features win over Docker's, Docker's over OCI.
	Dialect Dialect
	// Empty is true for `{}` or `null`, which moby and containers/common
	// read as "seccomp disabled".
	Empty bool

	DefaultAction    specs.LinuxSeccompAction
	DefaultErrnoRet  *uint
	DefaultErrno     string // containers/common errno name
	Architectures    []specs.Arch
	ArchMap          []ArchMapEntry
	Flags            []specs.LinuxSeccompFlag
	ListenerPath     string
	ListenerMetadata string
	Syscalls         []Syscall

	// Extra holds the values of ParseOptions.ExtraFields met at the top
	// level (strings, numbers and booleans as written; "" otherwise).
	Extra map[string]string

	// Problems are decode problems that did not stop the parse: values some
	// runtimes reject, duplicate and case-variant keys, unknown fields.
	Problems []Problem

	offs     map[string]int // top-level key -> value offset
	archOffs []int
	data     []byte
	lines    *lineIndex
	linesOne sync.Once
}

// lineIndex builds the line table on first use: only profiles with
// findings or errors pay for it.
func (p *Profile) lineIndex() *lineIndex {
	p.linesOne.Do(func() { p.lines = newLineIndex(p.data) })
	return p.lines
}

// ArchMapEntry is one Docker archMap entry.
type ArchMapEntry struct {
	Arch      specs.Arch
	SubArches []specs.Arch
	off       int
}

// Syscall is one rule of the syscalls list.
type Syscall struct {
	Names    []string
	Name     string // Docker's deprecated single-name form
	Action   specs.LinuxSeccompAction
	ErrnoRet *uint
	Errno    string // containers/common errno name
	Args     []Arg
	Comment  string
	Includes *Filter
	Excludes *Filter

	off       int
	namesOffs []int
	nameOff   int
	actionOff int
	errnoOff  int
}

// Arg is one argument comparison.
type Arg struct {
	Index    uint
	Value    uint64
	ValueTwo uint64
	Op       specs.LinuxSeccompOperator
	off      int
}

// Filter is a Docker includes/excludes condition.
type Filter struct {
	Caps   []string
	Arches []string
	// MinKernel is the parsed minKernel; nil when absent, empty or invalid.
	MinKernel *KernelVersion
	// MinKernelRaw is the string as written ("" when absent).
	MinKernelRaw string
	off          int
	capsOffs     []int
	archesOffs   []int
	minKernelOff int
}

// KernelVersion is a "<kernel>.<major>" version such as 4.8.
type KernelVersion struct {
	Kernel, Major uint64
}

// String renders "4.8", or "" for the zero value.
func (k KernelVersion) String() string {
	if k.Kernel == 0 && k.Major == 0 {
		return ""
	}
	return fmt.Sprintf("%d.%d", k.Kernel, k.Major)
}

// AtLeast reports whether k >= o.
func (k KernelVersion) AtLeast(o KernelVersion) bool {
	if k.Kernel != o.Kernel {
		return k.Kernel > o.Kernel
	}
	return k.Major >= o.Major
}

// ParseKernelVersion parses moby's minKernel form "<kernel>.<major>" with
// moby's limits (each part fits in 8 bits, "0.0" is rejected). A longer
// version such as "5.15.0-91-generic" is accepted by keeping the first two
// parts, for convenience when describing a target.
func ParseKernelVersion(s string) (KernelVersion, error) {
	parts := strings.SplitN(s, ".", 3)
	if len(parts) < 2 {
		return KernelVersion{}, fmt.Errorf("invalid kernel version %q, expected \"<kernel>.<major>\"", s)
	}
	major := parts[1]
	if i := strings.IndexFunc(major, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 && len(parts) == 2 {
		return KernelVersion{}, fmt.Errorf("invalid kernel version %q, expected \"<kernel>.<major>\"", s)
	}
	k, err := strconv.ParseUint(parts[0], 10, 8)
	if err != nil {
		return KernelVersion{}, fmt.Errorf("invalid kernel version %q: %w", s, err)
	}
	m, err := strconv.ParseUint(major, 10, 8)
	if err != nil {
		return KernelVersion{}, fmt.Errorf("invalid kernel version %q: %w", s, err)
	}
	if k == 0 && m == 0 {
		return KernelVersion{}, fmt.Errorf("invalid kernel version %q: version cannot be 0.0", s)
	}
	return KernelVersion{Kernel: k, Major: m}, nil
}

// ProblemKind classifies a decode problem.
type ProblemKind int

// Problem kinds.
const (
	// ProblemUnknownField: a key no dialect knows (Dialects == 0) or that
	// only some dialects know.
	ProblemUnknownField ProblemKind = iota
	// ProblemDuplicateKey: the same field twice in one object; Go's JSON
	// decoder, which every runtime uses, keeps the last one.
	ProblemDuplicateKey
	// ProblemCaseVariantKey: a key that differs from the field name only in
	// case; Go's decoder accepts it, so the runtime honours it.
	ProblemCaseVariantKey
	// ProblemInvalidValue: a value the runtimes that know the field reject
	// when loading the profile (wrong JSON type, bad minKernel, ...).
	ProblemInvalidValue
)

// Problem is a decode problem that did not stop parsing.
type Problem struct {
	Kind ProblemKind
	Path string
	// Dialects are the formats affected: for ProblemInvalidValue the
	// runtimes reading these formats refuse the profile.
	Dialects Dialect
	// KnownTo are the formats that define the field (for unknown fields; 0
	// when no format does).
	KnownTo Dialect
	Err     error
	off     int
}

// Position returns the file, line and column of a byte offset.
func (p *Profile) position(off int) kubeharden.Position {
	if p == nil || off < 0 || p.data == nil {
		return kubeharden.Position{File: p.sourceName()}
	}
	l, c := p.lineIndex().lineCol(off)
	return kubeharden.Position{File: p.Source, Line: l, Column: c, Exact: true}
}

func (p *Profile) sourceName() string {
	if p == nil {
		return ""
	}
	return p.Source
}

// ProblemPosition returns the position of a problem in its profile.
func (p *Profile) ProblemPosition(pr Problem) kubeharden.Position { return p.position(pr.off) }

// names returns the rule's names as a runtime that understands name sees
// them.
func (s *Syscall) allNames() []string {
	if s.Name != "" && len(s.Names) == 0 {
		return []string{s.Name}
	}
	return s.Names
}
