package apparmor

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// Parse parses an AppArmor profile file: it builds the syntax tree,
// resolves includes through opts.FS, expands variables and runs the
// checks apparmor_parser makes. The tree is returned even when errors
// were found (the parser recovers at the next rule), together with an
// ErrorList holding every problem with its file, line and column.
func Parse(name string, data []byte, opts *ParseOptions) (*File, error) {
	if opts == nil {
		opts = &ParseOptions{}
	}
	st := &parseState{opts: opts}
	f := &File{Name: name}
	if len(data) > maxFileSize {
		st.errorf(Pos{File: name, Line: 1, Column: 1}, ErrLimit, "file is %d bytes, more than the %d byte limit", len(data), maxFileSize)
		return f, st.errs
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		p := newSource(name, data).pos(i)
		st.errorf(p, ErrSyntax, "NUL byte in profile text")
		return f, st.errs
	}
	// Invalid UTF-8 is no error: apparmor_parser works on bytes.
	st.total = len(data)
	st.scopes = []map[string]bool{{}}
	f.Items = st.parseSource(name, data, false, nil, 0)
	f.Target = opts.target()
	// The semantic checks run even after syntax errors, on the
	// recovered tree, so one mistake does not hide the next.
	ck := st.check(f)
	f.Vars, f.Bools, f.Unresolved, f.UnknownVars = ck.vars, ck.bools, ck.unresolved, ck.unknown
	sortErrors(st.errs)
	return f, st.errs.Err()
}

// Validate parses and reports only whether apparmor_parser would accept the
// text (nil) or the problems found.
func Validate(name string, data []byte, opts *ParseOptions) error {
	_, err := Parse(name, data, opts)
	return err
}

func sortErrors(l ErrorList) {
	sort.SliceStable(l, func(i, j int) bool {
		if l[i].Pos.File != l[j].Pos.File {
			return false
		}
		if l[i].Pos.Line != l[j].Pos.Line {
			return l[i].Pos.Line < l[j].Pos.Line
		}
		return l[i].Pos.Column < l[j].Pos.Column
	})
}

// Names returns the profile names `apparmor_parser -N` prints for the
// file, in its order: by namespace (none first), then by name.
func (f *File) Names() []string {
	type key struct{ ns, name, full string }
	var keys []key
	var walk func(p *Profile)
	walk = func(p *Profile) {
		root := p
		for root.Parent != nil {
			root = root.Parent
		}
		full := p.FullName()
		name := full
		if root.Namespace != "" {
			name = strings.TrimPrefix(full, ":"+root.Namespace+"://")
		}
		keys = append(keys, key{root.Namespace, name, full})
		for _, c := range p.Children() {
			walk(c)
		}
	}
	for _, p := range f.Profiles() {
		walk(p)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].ns != keys[j].ns {
			return keys[i].ns < keys[j].ns
		}
		return keys[i].name < keys[j].name
	})
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.full
	}
	return out
}

// Lookup finds the profile (top-level, child or hat) whose name is name,
// the value a pod's securityContext.appArmorProfile.localhostProfile (or
// the annotation's "localhost/NAME") must hold. Both the -N spelling and
// the name with variables expanded (what the kernel loads) match.
func (f *File) Lookup(name string) (*Profile, bool) {
	name = LocalhostName(name)
	var found *Profile
	var walk func(p *Profile)
	walk = func(p *Profile) {
		if found != nil {
			return
		}
		if p.FullName() == name {
			found = p
			return
		}
		for _, n := range f.LoadedNames(p) {
			if n == name {
				found = p
				return
			}
		}
		for _, c := range p.Children() {
			walk(c)
		}
	}
	for _, p := range f.Profiles() {
		walk(p)
	}
	return found, found != nil
}

// LoadedNames returns the profile's full name with variables expanded
// (apparmor_parser -N prints them unexpanded; the kernel loads the
// expansion). A name without variables gives just FullName.
func (f *File) LoadedNames(p *Profile) []string {
	full := p.FullName()
	if !strings.Contains(full, "@{") {
		return []string{full}
	}
	vars := map[string][]string{}
	for k, v := range f.Vars {
		vars[k] = v
	}
	vars["profile_name"] = []string{p.Name}
	return expandWith(full, vars, 0)
}

// String renders a short description.
func (f *File) String() string {
	return fmt.Sprintf("%s (%d profiles)", f.Name, len(f.Profiles()))
}

// Detect reports whether data looks like AppArmor profile text: a profile
// block, an abi/include line or a variable assignment, and no sign of
// YAML/JSON.
func Detect(source string, data []byte) bool {
	return detect(data)
}

func detect(data []byte) bool {
	if len(data) == 0 {
		return false
	}
	s := data
	if len(s) > 64<<10 {
		s = s[:64<<10]
	}
	t := bytes.TrimSpace(s)
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return false
	}
	for _, line := range bytes.Split(s, []byte("\n")) {
		l := bytes.TrimSpace(line)
		switch {
		case len(l) == 0:
		case bytes.HasPrefix(l, []byte("#include")), bytes.HasPrefix(l, []byte("include <")), bytes.HasPrefix(l, []byte("include if exists")),
			bytes.HasPrefix(l, []byte("abi <")), bytes.HasPrefix(l, []byte("@{")) && bytes.Contains(l, []byte("=")):
			return true
		case bytes.HasPrefix(l, []byte("#")):
		case bytes.HasPrefix(l, []byte("apiVersion:")), bytes.HasPrefix(l, []byte("kind:")), bytes.HasPrefix(l, []byte("FROM ")):
			return false
		case bytes.HasSuffix(l, []byte("{")) && (bytes.HasPrefix(l, []byte("profile ")) || bytes.HasPrefix(l, []byte("/")) || bytes.HasPrefix(l, []byte("@{")) || bytes.HasPrefix(l, []byte(":"))):
			return true
		}
	}
	return false
}
