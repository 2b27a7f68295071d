package seccomp

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/kubeharden/kubeharden"
)

// ParseOptions tunes Parse. The zero value applies the default budgets.
type ParseOptions struct {
	// MaxBytes caps the input size; 0 means DefaultMaxBytes.
	MaxBytes int
	// ExtraFields are top-level keys of an enclosing format (such as the
	// Security Profiles Operator's baseProfileName) that are neither
	// profile fields nor unknown: their scalar values go to Profile.Extra.
	ExtraFields []string
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

// Parse decodes a seccomp profile of any dialect. The profile keeps a
// reference to data (for positions), so data must not be modified after. Syntax errors, budget
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
	p := &Profile{Source: source, data: data, offs: map[string]int{}}
	root, err := parseJSON(data)
	if err != nil {
		var se *syntaxError
		ie := &kubeharden.InputError{Source: source, Document: 0, Err: err}
		if errors.As(err, &se) {
			ie.Line, ie.Column = p.lineIndex().lineCol(se.off)
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
		l, c := p.lineIndex().lineCol(root.off)
		return nil, &kubeharden.InputError{Source: source, Document: 0, Line: l, Column: c,
			Err: fmt.Errorf("%w: top-level JSON value is %s, want an object", ErrNotProfile, root.kind)}
	}
	d := &decoder{p: p, extra: opts.ExtraFields}
	p.offs[""] = root.off
	d.top(root)
	p.Empty = len(root.members) == 0
	p.Dialect = d.detect()
	// A value every runtime rejects makes the file unusable everywhere.
	for _, pr := range p.Problems {
		if pr.Kind == ProblemInvalidValue && pr.Dialects == allDialects {
			l, c := p.lineIndex().lineCol(pr.off)
			return nil, &kubeharden.InputError{Source: source, Document: 0, Line: l, Column: c, Err: pr.Err}
		}
	}
	return p, nil
}

type decoder struct {
	p        *Profile
	features Dialect // dialect-specific features in use
	extra    []string
	// Slabs: many small values of one profile share a few allocations.
	paths   []fpath
	strSlab []string
	intSlab []int
}

// newPath allocates a path element from a slab.
func (d *decoder) newPath(parent *fpath, key string, idx int) *fpath {
	if len(d.paths) == cap(d.paths) {
		d.paths = make([]fpath, 0, 256)
	}
	d.paths = append(d.paths, fpath{parent: parent, key: key, idx: idx})
	return &d.paths[len(d.paths)-1]
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

func (d *decoder) problem(kind ProblemKind, path string, dialects, knownTo Dialect, off int, err error) {
	d.p.Problems = append(d.p.Problems, Problem{Kind: kind, Path: path, Dialects: dialects, KnownTo: knownTo, Err: err, off: off})
}

func (d *decoder) invalid(n *jnode, path *fpath, dialects Dialect, format string, args ...any) {
	ps := path.String()
	err := fmt.Errorf("%s: %w: %s", ps, ErrType, fmt.Sprintf(format, args...))
	d.problem(ProblemInvalidValue, ps, dialects, dialects, n.off, err)
}

// object walks an object's members the way Go's encoding/json matches keys
// to struct fields: exact name first, then a case-insensitive match; a
// repeated field is overwritten by the later value.
func (d *decoder) object(n *jnode, path *fpath, mask Dialect, fields []fieldSpec, fn func(name string, v *jnode, path *fpath, mask Dialect)) {
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
		if idx < 0 && path == nil && slices.Contains(d.extra, m.key) {
			if d.p.Extra == nil {
				d.p.Extra = map[string]string{}
			}
			switch m.val.kind {
			case jString, jNumber:
				d.p.Extra[m.key] = m.val.str
			case jBool:
				d.p.Extra[m.key] = strconv.FormatBool(m.val.b)
			default:
				d.p.Extra[m.key] = ""
			}
			continue
		}
		if idx < 0 {
			kp := (&fpath{parent: path, key: m.key}).String()
			d.problem(ProblemUnknownField, kp, mask, 0, m.keyOff, fmt.Errorf("unknown field %q", kp))
			continue
		}
		f := fields[idx]
		fm := mask & f.dialects
		fp := d.newPath(path, f.name, 0)
		if fm&DialectOCI == 0 && fm != 0 && m.val.kind != jNull {
			if fm == DialectContainers {
				d.features |= DialectContainers
			} else {
				d.features |= DialectDocker
			}
		}
		if fm == 0 {
			ps := fp.String()
			d.problem(ProblemUnknownField, ps, mask, f.dialects, m.keyOff, fmt.Errorf("field %q is not part of the %s format", ps, mask))
			continue
		}
		if fm != mask {
			ps := fp.String()
			d.problem(ProblemUnknownField, ps, mask&^fm, fm, m.keyOff, &notInFormatError{path: ps, dialects: mask &^ fm})
		}
		if caseVariant {
			d.problem(ProblemCaseVariantKey, fp.String(), fm, fm, m.keyOff, fmt.Errorf("key %q differs from field %q only in case; Go's JSON decoder still uses it", m.key, f.name))
		}
		if seen&(1<<idx) != 0 {
			ps := fp.String()
			d.problem(ProblemDuplicateKey, ps, fm, fm, m.keyOff, fmt.Errorf("duplicate field %q; the last value wins", ps))
		}
		seen |= 1 << idx
		fn(f.name, m.val, fp, fm)
	}
}

// notInFormatError reports a field some formats do not define. Its
// message is built only when asked for: a Docker profile has one per
// comment, includes and excludes.
type notInFormatError struct {
	path     string
	dialects Dialect
}

func (e *notInFormatError) Error() string {
	return fmt.Sprintf("field %q is not part of the %s format", e.path, e.dialects)
}

// fpath is a field path built on the stack and rendered only when a
// problem needs it ("syscalls[3].names[2]").
type fpath struct {
	parent *fpath
	key    string // field name, or "" for an array index
	idx    int
}

func (p *fpath) String() string {
	if p == nil {
		return ""
	}
	var parts []*fpath
	for q := p; q != nil; q = q.parent {
		parts = append(parts, q)
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		q := parts[i]
		if q.key == "" {
			fmt.Fprintf(&b, "[%d]", q.idx)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(q.key)
	}
	return b.String()
}

func (d *decoder) str(n *jnode, path *fpath, mask Dialect) string {
	switch n.kind {
	case jString:
		return n.str
	case jNull:
		return ""
	}
	d.invalid(n, path, mask, "got %s, want a string", n.kind)
	return ""
}

func (d *decoder) uintVal(n *jnode, path *fpath, mask Dialect, bits int) (uint64, bool) {
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

func (d *decoder) uintPtr(n *jnode, path *fpath, mask Dialect) *uint {
	v, ok := d.uintVal(n, path, mask, strconv.IntSize)
	if !ok {
		return nil
	}
	u := uint(v)
	return &u
}

// strings decodes an array of strings, returning the element offsets.
func (d *decoder) strings(n *jnode, path *fpath, mask Dialect) ([]string, []int) {
	switch n.kind {
	case jNull:
		return nil, nil
	case jArray:
	default:
		d.invalid(n, path, mask, "got %s, want an array of strings", n.kind)
		return nil, nil
	}
	k := len(n.elems)
	if cap(d.strSlab)-len(d.strSlab) < k {
		d.strSlab = make([]string, 0, max(k, 1024))
	}
	if cap(d.intSlab)-len(d.intSlab) < k {
		d.intSlab = make([]int, 0, max(k, 1024))
	}
	// Carve both results out of the slabs (capped, so appends by a
	// caller never run into a neighbour).
	ls, li := len(d.strSlab), len(d.intSlab)
	out := d.strSlab[ls : ls : ls+k]
	offs := d.intSlab[li : li : li+k]
	d.strSlab = d.strSlab[:ls+k]
	d.intSlab = d.intSlab[:li+k]
	for i, e := range n.elems {
		if e.kind == jString {
			out = append(out, e.str)
		} else {
			out = append(out, d.str(e, &fpath{parent: path, idx: i}, mask))
		}
		offs = append(offs, e.off)
	}
	return out, offs
}

func (d *decoder) array(n *jnode, path *fpath, mask Dialect) []*jnode {
	switch n.kind {
	case jNull:
		return nil
	case jArray:
		return n.elems
	}
	d.invalid(n, path, mask, "got %s, want an array", n.kind)
	return nil
}

func (d *decoder) isObject(n *jnode, path *fpath, mask Dialect) bool {
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
	d.object(root, nil, dAll, topFields, func(name string, v *jnode, path *fpath, mask Dialect) {
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
				epath := d.newPath(path, "", i)
				am := ArchMapEntry{off: e.off}
				if d.isObject(e, epath, mask) {
					d.object(e, epath, mask, archMapFields, func(name string, v *jnode, path *fpath, mask Dialect) {
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
				p.Syscalls = append(p.Syscalls, d.syscall(e, d.newPath(path, "", i), mask))
			}
		}
	})
}

func (d *decoder) syscall(n *jnode, path *fpath, mask Dialect) Syscall {
	s := Syscall{off: n.off, nameOff: -1, actionOff: n.off, errnoOff: -1}
	if n.kind == jNull {
		// OCI decodes a null element as an empty rule; moby's and
		// containers/common's []*Syscall get a nil pointer their loaders
		// dereference.
		ps := path.String()
		d.problem(ProblemInvalidValue, ps, dDC&mask, dDC&mask, n.off, fmt.Errorf("%s: %w: null rule (the Docker and containers/common loaders dereference it)", ps, ErrType))
		return s
	}
	if !d.isObject(n, path, mask) {
		return s
	}
	d.object(n, path, mask, syscallFields, func(name string, v *jnode, path *fpath, mask Dialect) {
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
				apath := d.newPath(path, "", i)
				a := Arg{off: e.off}
				if e.kind == jNull {
					ps := apath.String()
					d.problem(ProblemInvalidValue, ps, dC&mask, dC&mask, e.off, fmt.Errorf("%s: %w: null argument (containers/common dereferences it)", ps, ErrType))
				} else if d.isObject(e, apath, mask) {
					d.object(e, apath, mask, argFields, func(name string, v *jnode, path *fpath, mask Dialect) {
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

func (d *decoder) filter(n *jnode, path *fpath, mask Dialect) *Filter {
	if !d.isObject(n, path, mask) {
		return nil
	}
	f := &Filter{off: n.off, minKernelOff: -1}
	d.object(n, path, mask, filterFields, func(name string, v *jnode, path *fpath, mask Dialect) {
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
				ps := path.String()
				d.problem(ProblemInvalidValue, ps, mask, mask, v.off, fmt.Errorf("%s: %w", ps, err))
				return
			}
			f.MinKernel = &kv
		}
	})
	return f
}
