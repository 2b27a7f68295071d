package seccomp

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/kubeharden/kubeharden"
)

// ParseOptions tunes Parse. The zero value applies the default budgets.
type ParseOptions struct {
	// MaxBytes caps the input size; 0 means DefaultMaxBytes.
	MaxBytes int
}

type fieldSpec struct {
	name     string
	dialects Dialect
}

const (
	dOCI  = DialectOCI
	dD    = DialectDocker
	dC    = DialectContainers
	dAll  = allDialects
	dDC   = DialectDocker | DialectContainers
	dOD   = DialectOCI | DialectDocker
	dNone = Dialect(0)
)

var (
	topFields = []fieldSpec{
		{"defaultAction", dAll}, {"defaultErrnoRet", dAll}, {"defaultErrno", dC},
		{"architectures", dAll}, {"archMap", dDC}, {"flags", dAll},
		{"listenerPath", dOD}, {"listenerMetadata", dOD}, {"syscalls", dAll},
	}
	syscallFields = []fieldSpec{
		{"names", dAll}, {"name", dDC}, {"action", dAll}, {"errnoRet", dAll}, {"errno", dC},
		{"args", dAll}, {"comment", dDC}, {"includes", dDC}, {"excludes", dDC},
	}
	argFields     = []fieldSpec{{"index", dAll}, {"value", dAll}, {"valueTwo", dAll}, {"op", dAll}}
	filterFields  = []fieldSpec{{"caps", dDC}, {"arches", dDC}, {"minKernel", dD}}
	archMapFields = []fieldSpec{{"architecture", dDC}, {"subArchitectures", dDC}}
)

// Parse decodes a seccomp profile of any dialect. Syntax errors, budget
// overruns and values every runtime would reject are returned as a
// *kubeharden.InputError naming the source, line and column; problems only
// some runtimes care about are kept in Profile.Problems.
func Parse(source string, data []byte) (*Profile, error) {
	return ParseWithOptions(source, data, ParseOptions{})
}

// ParseWithOptions is Parse with explicit budgets.
func ParseWithOptions(source string, data []byte, opts ParseOptions) (*Profile, error) {
	limit := opts.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	if len(data) > limit {
		return nil, &kubeharden.InputError{Source: source, Document: 0, Err: fmt.Errorf("%w: %d bytes exceeds the %d-byte budget", ErrTooLarge, len(data), limit)}
	}
	p := &Profile{Source: source, lines: newLineIndex(data), offs: map[string]int{}}
	root, err := parseJSON(data)
	if err != nil {
		var se *syntaxError
		ie := &kubeharden.InputError{Source: source, Document: 0, Err: err}
		if errors.As(err, &se) {
			ie.Line, ie.Column = p.lines.lineCol(se.off)
		}
		return nil, ie
	}
	switch root.kind {
	case jNull:
		p.Empty = true
		p.Dialect = DialectOCI
		return p, nil
	case jObject:
	default:
		l, c := p.lines.lineCol(root.off)
		return nil, &kubeharden.InputError{Source: source, Document: 0, Line: l, Column: c,
			Err: fmt.Errorf("%w: top-level JSON value is %s, want an object", ErrNotProfile, root.kind)}
	}
	d := &decoder{p: p}
	d.top(root)
	p.Empty = len(root.members) == 0
	p.Dialect = d.detect()
	// A value every runtime rejects makes the file unusable everywhere.
	for _, pr := range p.Problems {
		if pr.Kind == ProblemInvalidValue && pr.Dialects == allDialects {
			l, c := p.lines.lineCol(pr.off)
			return nil, &kubeharden.InputError{Source: source, Document: 0, Line: l, Column: c, Err: pr.Err}
		}
	}
	return p, nil
}

type decoder struct {
	p        *Profile
	features Dialect // dialect-specific features in use
}

func (d *decoder) detect() Dialect {
	switch {
	case d.features&DialectContainers != 0:
		return DialectContainers
	case d.features&DialectDocker != 0:
		return DialectDocker
	}
	return DialectOCI
}

func (d *decoder) problem(kind ProblemKind, path string, dialects Dialect, off int, err error) {
	d.p.Problems = append(d.p.Problems, Problem{Kind: kind, Path: path, Dialects: dialects, Err: err, off: off})
}

func (d *decoder) invalid(n *jnode, path string, dialects Dialect, format string, args ...any) {
	err := fmt.Errorf("%s: %w: %s", path, ErrType, fmt.Sprintf(format, args...))
	d.problem(ProblemInvalidValue, path, dialects, n.off, err)
}

// object walks an object's members the way Go's encoding/json matches keys
// to struct fields: exact name first, then a case-insensitive match; a
// repeated field is overwritten by the later value.
func (d *decoder) object(n *jnode, path string, mask Dialect, fields []fieldSpec, fn func(name string, v *jnode, vpath string, mask Dialect)) {
	var seen uint32
	for _, m := range n.members {
		idx := -1
		for i, f := range fields {
			if f.name == m.key {
				idx = i
				break
			}
		}
		caseVariant := false
		if idx < 0 {
			for i, f := range fields {
				if strings.EqualFold(f.name, m.key) {
					idx, caseVariant = i, true
					break
				}
			}
		}
		fpath := joinPath(path, m.key)
		if idx < 0 {
			d.p.Fields = append(d.p.Fields, Field{Path: fpath, Key: m.key, off: m.keyOff})
			d.problem(ProblemUnknownField, fpath, mask, m.keyOff, fmt.Errorf("unknown field %q", fpath))
			continue
		}
		f := fields[idx]
		fm := mask & f.dialects
		fpath = joinPath(path, f.name)
		d.p.Fields = append(d.p.Fields, Field{Path: fpath, Key: m.key, Dialects: fm, off: m.keyOff})
		if fm&DialectOCI == 0 && fm != 0 && m.val.kind != jNull {
			if fm == DialectContainers {
				d.features |= DialectContainers
			} else {
				d.features |= DialectDocker
			}
		}
		if fm == 0 {
			d.problem(ProblemUnknownField, fpath, mask, m.keyOff, fmt.Errorf("unknown field %q", fpath))
			continue
		}
		if fm != mask {
			d.problem(ProblemUnknownField, fpath, mask&^fm, m.keyOff, fmt.Errorf("field %q is not part of the %s format", fpath, mask&^fm))
		}
		if caseVariant {
			d.problem(ProblemCaseVariantKey, fpath, fm, m.keyOff, fmt.Errorf("key %q differs from field %q only in case; Go's JSON decoder still uses it", m.key, f.name))
		}
		if seen&(1<<idx) != 0 {
			d.problem(ProblemDuplicateKey, fpath, fm, m.keyOff, fmt.Errorf("duplicate field %q; the last value wins", fpath))
		}
		seen |= 1 << idx
		fn(f.name, m.val, fpath, fm)
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (d *decoder) str(n *jnode, path string, mask Dialect) string {
	switch n.kind {
	case jString:
		return n.str
	case jNull:
		return ""
	}
	d.invalid(n, path, mask, "got %s, want a string", n.kind)
	return ""
}

func (d *decoder) uintVal(n *jnode, path string, mask Dialect, bits int) (uint64, bool) {
	switch n.kind {
	case jNumber:
		v, err := strconv.ParseUint(n.str, 10, bits)
		if err != nil {
			d.invalid(n, path, mask, "%s is not an unsigned %d-bit integer", n.str, bits)
			return 0, false
		}
		return v, true
	case jNull:
		return 0, false
	}
	d.invalid(n, path, mask, "got %s, want a number", n.kind)
	return 0, false
}

func (d *decoder) uintPtr(n *jnode, path string, mask Dialect) *uint {
	v, ok := d.uintVal(n, path, mask, strconv.IntSize)
	if !ok {
		return nil
	}
	u := uint(v)
	return &u
}

// strings decodes an array of strings, returning the element offsets.
func (d *decoder) strings(n *jnode, path string, mask Dialect) ([]string, []int) {
	switch n.kind {
	case jNull:
		return nil, nil
	case jArray:
	default:
		d.invalid(n, path, mask, "got %s, want an array of strings", n.kind)
		return nil, nil
	}
	out := make([]string, 0, len(n.elems))
	offs := make([]int, 0, len(n.elems))
	for i, e := range n.elems {
		out = append(out, d.str(e, fmt.Sprintf("%s[%d]", path, i), mask))
		offs = append(offs, e.off)
	}
	return out, offs
}

func (d *decoder) array(n *jnode, path string, mask Dialect) []*jnode {
	switch n.kind {
	case jNull:
		return nil
	case jArray:
		return n.elems
	}
	d.invalid(n, path, mask, "got %s, want an array", n.kind)
	return nil
}

func (d *decoder) isObject(n *jnode, path string, mask Dialect) bool {
	switch n.kind {
	case jObject:
		return true
	case jNull:
		return false
	}
	d.invalid(n, path, mask, "got %s, want an object", n.kind)
	return false
}

func (d *decoder) top(root *jnode) {
	p := d.p
	d.object(root, "", dAll, topFields, func(name string, v *jnode, path string, mask Dialect) {
		p.offs[name] = v.off
		switch name {
		case "defaultAction":
			p.DefaultAction = specs.LinuxSeccompAction(d.str(v, path, mask))
		case "defaultErrnoRet":
			p.DefaultErrnoRet = d.uintPtr(v, path, mask)
		case "defaultErrno":
			p.DefaultErrno = d.str(v, path, mask)
		case "architectures":
			ss, offs := d.strings(v, path, mask)
			p.archOffs = offs
			p.Architectures = p.Architectures[:0]
			for _, s := range ss {
				if s == "SCMP_ARCH_NATIVE" {
					d.features |= DialectContainers
				}
				p.Architectures = append(p.Architectures, specs.Arch(s))
			}
		case "archMap":
			p.ArchMap = p.ArchMap[:0]
			for i, e := range d.array(v, path, mask) {
				epath := fmt.Sprintf("%s[%d]", path, i)
				am := ArchMapEntry{off: e.off}
				if d.isObject(e, epath, mask) {
					d.object(e, epath, mask, archMapFields, func(name string, v *jnode, path string, mask Dialect) {
						switch name {
						case "architecture":
							am.Arch = specs.Arch(d.str(v, path, mask))
						case "subArchitectures":
							ss, _ := d.strings(v, path, mask)
							am.SubArches = am.SubArches[:0]
							for _, s := range ss {
								am.SubArches = append(am.SubArches, specs.Arch(s))
							}
						}
					})
				}
				p.ArchMap = append(p.ArchMap, am)
			}
		case "flags":
			ss, _ := d.strings(v, path, mask)
			p.Flags = p.Flags[:0]
			for _, s := range ss {
				p.Flags = append(p.Flags, specs.LinuxSeccompFlag(s))
			}
		case "listenerPath":
			p.ListenerPath = d.str(v, path, mask)
		case "listenerMetadata":
			p.ListenerMetadata = d.str(v, path, mask)
		case "syscalls":
			elems := d.array(v, path, mask)
			p.Syscalls = make([]Syscall, 0, len(elems))
			for i, e := range elems {
				p.Syscalls = append(p.Syscalls, d.syscall(e, fmt.Sprintf("%s[%d]", path, i), mask))
			}
		}
	})
}

func (d *decoder) syscall(n *jnode, path string, mask Dialect) Syscall {
	s := Syscall{off: n.off, nameOff: -1, actionOff: n.off, errnoOff: -1}
	if n.kind == jNull {
		// OCI decodes a null element as an empty rule; moby's and
		// containers/common's []*Syscall get a nil pointer their loaders
		// dereference.
		d.problem(ProblemInvalidValue, path, dDC&mask, n.off, fmt.Errorf("%s: %w: null rule (the Docker and containers/common loaders dereference it)", path, ErrType))
		return s
	}
	if !d.isObject(n, path, mask) {
		return s
	}
	d.object(n, path, mask, syscallFields, func(name string, v *jnode, path string, mask Dialect) {
		switch name {
		case "names":
			s.Names, s.namesOffs = d.strings(v, path, mask)
		case "name":
			s.Name = d.str(v, path, mask)
			s.nameOff = v.off
		case "action":
			s.Action = specs.LinuxSeccompAction(d.str(v, path, mask))
			s.actionOff = v.off
		case "errnoRet":
			s.ErrnoRet = d.uintPtr(v, path, mask)
			s.errnoOff = v.off
		case "errno":
			s.Errno = d.str(v, path, mask)
			if s.errnoOff < 0 {
				s.errnoOff = v.off
			}
		case "args":
			elems := d.array(v, path, mask)
			s.Args = make([]Arg, 0, len(elems))
			for i, e := range elems {
				apath := fmt.Sprintf("%s[%d]", path, i)
				a := Arg{off: e.off}
				if e.kind == jNull {
					d.problem(ProblemInvalidValue, apath, dC&mask, e.off, fmt.Errorf("%s: %w: null argument (containers/common dereferences it)", apath, ErrType))
				} else if d.isObject(e, apath, mask) {
					d.object(e, apath, mask, argFields, func(name string, v *jnode, path string, mask Dialect) {
						switch name {
						case "index":
							u, _ := d.uintVal(v, path, mask, strconv.IntSize)
							a.Index = uint(u)
						case "value":
							a.Value, _ = d.uintVal(v, path, mask, 64)
						case "valueTwo":
							a.ValueTwo, _ = d.uintVal(v, path, mask, 64)
						case "op":
							a.Op = specs.LinuxSeccompOperator(d.str(v, path, mask))
						}
					})
				}
				s.Args = append(s.Args, a)
			}
		case "comment":
			s.Comment = d.str(v, path, mask)
		case "includes":
			s.Includes = d.filter(v, path, mask)
		case "excludes":
			s.Excludes = d.filter(v, path, mask)
		}
	})
	return s
}

func (d *decoder) filter(n *jnode, path string, mask Dialect) *Filter {
	if !d.isObject(n, path, mask) {
		return nil
	}
	f := &Filter{off: n.off, minKernelOff: -1}
	d.object(n, path, mask, filterFields, func(name string, v *jnode, path string, mask Dialect) {
		switch name {
		case "caps":
			f.Caps, f.capsOffs = d.strings(v, path, mask)
		case "arches":
			f.Arches, f.archesOffs = d.strings(v, path, mask)
		case "minKernel":
			f.minKernelOff = v.off
			if v.kind == jNull {
				return
			}
			if v.kind != jString {
				d.invalid(v, path, mask, "got %s, want a \"<kernel>.<major>\" string", v.kind)
				return
			}
			f.MinKernelRaw = v.str
			if v.str == "" {
				// moby accepts "" as version 0.0, which every kernel meets.
				f.MinKernel = &KernelVersion{}
				return
			}
			kv, err := ParseKernelVersion(v.str)
			if err != nil || strings.Count(v.str, ".") != 1 {
				if err == nil {
					err = fmt.Errorf("invalid kernel version %q, expected \"<kernel>.<major>\"", v.str)
				}
				d.problem(ProblemInvalidValue, path, mask, v.off, fmt.Errorf("%s: %w", path, err))
				return
			}
			f.MinKernel = &kv
		}
	})
	return f
}
