package kubelet

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/kubeharden/kubeharden"
)

func inputErr(source string, line int, err error) *kubeharden.InputError {
	return &kubeharden.InputError{Source: source, Document: -1, Line: line, Err: err}
}

// Arg is one argv element with the place its text came from.
type Arg struct {
	Value  string
	Origin Origin
}

// Args wraps plain strings (a command line typed by hand or taken from
// ps) as Args without file origins.
func Args(argv ...string) []Arg {
	out := make([]Arg, len(argv))
	for i, a := range argv {
		out[i] = Arg{Value: a}
	}
	return out
}

// Service is the [Service] part of a unit after its drop-ins were applied,
// with the environment resolved.
type Service struct {
	// Unit is the unit file used; DropIns the drop-ins applied, in order.
	Unit    string
	DropIns []string
	// ExecStart is the raw surviving ExecStart= value and its location.
	ExecStart     string
	ExecStartFile string
	ExecStartLine int
	// WorkingDirectory, "/" when unset.
	WorkingDirectory string
	// EnvironmentFiles lists the EnvironmentFile= paths in order; a
	// leading "-" marks an optional file.
	EnvironmentFiles []string
	// Env holds the resolved environment (Environment= overridden by
	// EnvironmentFile=).
	Env map[string]EnvVar
	// Argv is the assembled command line, Argv[0] the executable.
	Argv []Arg
	// Problems are non-fatal issues (a missing non-optional environment
	// file, several ExecStart= lines, an unresolved variable).
	Problems []*kubeharden.InputError
}

// Systemd unit search path, highest priority first (systemd.unit(5)).
var unitDirs = []string{
	"etc/systemd/system",
	"run/systemd/system",
	"usr/local/lib/systemd/system",
	"usr/lib/systemd/system",
	"lib/systemd/system",
}

// fsPath turns an absolute node path into an fs.FS path.
func fsPath(p string) string {
	p = path.Clean("/" + p)
	if p == "/" {
		return "."
	}
	return p[1:]
}

// readFile reads name (an absolute node path) from fsys with a size budget.
func readFile(fsys fs.FS, name string, limit int64) ([]byte, error) {
	if fsys == nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	p := fsPath(name)
	st, err := fs.Stat(fsys, p)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a directory", name)
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, st.Size(), limit)
	}
	return fs.ReadFile(fsys, p)
}

// FindService locates unitName (e.g. "kubelet.service") and its drop-ins
// in a node filesystem with systemd's rules: the unit file is the first
// found along the search path (/etc, /run, /usr/local/lib, /usr/lib, /lib);
// drop-ins are the *.conf files of "<unit>.d/" and "service.d/" in every
// directory, a file name in a higher-priority directory masking the same
// name below, applied in lexical order of file names.
func FindService(fsys fs.FS, unitName string) (unit string, dropIns []string, err error) {
	for _, d := range unitDirs {
		p := path.Join(d, unitName)
		if st, e := fs.Stat(fsys, p); e == nil && !st.IsDir() {
			unit = "/" + p
			break
		}
	}
	byName := map[string]string{}
	for _, d := range unitDirs {
		for _, sub := range []string{unitName + ".d", "service.d"} {
			entries, e := fs.ReadDir(fsys, path.Join(d, sub))
			if e != nil {
				continue
			}
			for _, en := range entries {
				if en.IsDir() || !strings.HasSuffix(en.Name(), ".conf") {
					continue
				}
				if _, seen := byName[en.Name()]; !seen {
					byName[en.Name()] = "/" + path.Join(d, sub, en.Name())
				}
			}
		}
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		dropIns = append(dropIns, byName[n])
	}
	if unit == "" {
		return "", dropIns, inputErr("/"+path.Join(unitDirs[0], unitName), 0, ErrNoUnit)
	}
	return unit, dropIns, nil
}

// LoadService reads the unit, its drop-ins and the environment files they
// name from fsys and assembles the kubelet's argv exactly as systemd would
// start it. unitName defaults to "kubelet.service".
func LoadService(fsys fs.FS, unitName string) (*Service, error) {
	if unitName == "" {
		unitName = "kubelet.service"
	}
	unit, dropIns, err := FindService(fsys, unitName)
	if err != nil {
		return nil, err
	}
	var units []*Unit
	for _, p := range append([]string{unit}, dropIns...) {
		data, err := readFile(fsys, p, MaxUnitBytes)
		if err != nil {
			return nil, inputErr(p, 0, err)
		}
		u, err := ParseUnit(p, data)
		if err != nil {
			return nil, err
		}
		units = append(units, u)
	}
	return BuildService(unitName, units, func(name string) ([]byte, error) {
		return readFile(fsys, name, MaxEnvFileBytes)
	}, func(pattern string) ([]string, error) {
		m, err := fs.Glob(fsys, fsPath(pattern))
		for i := range m {
			m[i] = "/" + m[i]
		}
		return m, err
	})
}

type execLine struct {
	value string
	file  string
	line  int
}

// BuildService composes parsed units (the unit file first, then its
// drop-ins in order) into a Service. readEnv reads an environment file by
// absolute path; glob expands EnvironmentFile= patterns (nil: no globbing).
func BuildService(unitName string, units []*Unit, readEnv func(string) ([]byte, error), glob func(string) ([]string, error)) (*Service, error) {
	if unitName == "" {
		unitName = "kubelet.service"
	}
	s := &Service{WorkingDirectory: "/", Env: map[string]EnvVar{}}
	var execs []execLine
	var envAssign []EnvVar
	type envFile struct {
		path     string
		optional bool
		file     string
		line     int
	}
	var envFiles []envFile
	for i, u := range units {
		if i == 0 {
			s.Unit = u.Source
		} else {
			s.DropIns = append(s.DropIns, u.Source)
		}
		for _, d := range u.Directives {
			if d.Section != "Service" {
				continue
			}
			switch d.Key {
			case "ExecStart":
				if d.Value == "" {
					execs = nil
					continue
				}
				execs = append(execs, execLine{expandSpecifiers(d.Value, unitName), u.Source, d.Line})
			case "Environment":
				if d.Value == "" {
					envAssign = nil
					continue
				}
				words, err := splitWords(d.Value, true, false)
				if err != nil {
					s.Problems = append(s.Problems, inputErr(u.Source, d.Line, fmt.Errorf("Environment=: %w; line ignored", err)))
					continue
				}
				for _, w := range words {
					name, val, ok := strings.Cut(w, "=")
					if !ok || !validEnvName(name) {
						s.Problems = append(s.Problems, inputErr(u.Source, d.Line, fmt.Errorf("Environment=: invalid assignment %q ignored", w)))
						continue
					}
					envAssign = append(envAssign, EnvVar{Name: name, Value: expandSpecifiers(val, unitName), File: u.Source, Line: d.Line})
				}
			case "EnvironmentFile":
				if d.Value == "" {
					envFiles = nil
					continue
				}
				v := expandSpecifiers(d.Value, unitName)
				opt := strings.HasPrefix(v, "-")
				envFiles = append(envFiles, envFile{strings.TrimPrefix(v, "-"), opt, u.Source, d.Line})
			case "WorkingDirectory":
				v := strings.TrimPrefix(expandSpecifiers(d.Value, unitName), "-")
				switch {
				case v == "":
					s.WorkingDirectory = "/"
				case v == "~":
					s.WorkingDirectory = "/root"
				case strings.HasPrefix(v, "/"):
					s.WorkingDirectory = path.Clean(v)
				}
			}
		}
	}
	// Environment= first, then every EnvironmentFile= (which wins whatever
	// the order of the directives); later assignments win.
	for _, e := range envAssign {
		s.Env[e.Name] = e
	}
	for _, ef := range envFiles {
		prefix := ""
		if ef.optional {
			prefix = "-"
		}
		s.EnvironmentFiles = append(s.EnvironmentFiles, prefix+ef.path)
		paths := []string{ef.path}
		if glob != nil && strings.ContainsAny(ef.path, "*?[") {
			m, err := glob(ef.path)
			if err == nil {
				paths = m
			}
		}
		if len(paths) == 0 && !ef.optional {
			s.Problems = append(s.Problems, inputErr(ef.file, ef.line, fmt.Errorf("EnvironmentFile=%s matches no file: systemd refuses to start the service", ef.path)))
		}
		for _, p := range paths {
			data, err := readEnv(p)
			if err != nil {
				if !ef.optional || !errors.Is(err, fs.ErrNotExist) {
					s.Problems = append(s.Problems, inputErr(ef.file, ef.line, fmt.Errorf("EnvironmentFile=%s: %w", p, err)))
				}
				continue
			}
			vars, err := ParseEnvFile(p, data)
			if err != nil {
				s.Problems = append(s.Problems, asInputErr(p, err))
				continue
			}
			for _, v := range vars {
				s.Env[v.Name] = v
			}
		}
	}
	if len(execs) == 0 {
		return s, inputErr(s.Unit, 0, ErrNoExecStart)
	}
	if len(execs) > 1 {
		last := execs[len(execs)-1]
		return s, inputErr(last.file, last.line, fmt.Errorf("%w: %d commands remain after the last empty ExecStart= reset; systemd refuses a non-oneshot service with more than one", ErrExecStart, len(execs)))
	}
	e := execs[0]
	s.ExecStart, s.ExecStartFile, s.ExecStartLine = e.value, e.file, e.line
	argv, err := expandExec(e, s.Env)
	if err != nil {
		return s, err
	}
	s.Argv = argv
	return s, nil
}

func asInputErr(source string, err error) *kubeharden.InputError {
	var ie *kubeharden.InputError
	if errors.As(err, &ie) {
		return ie
	}
	return inputErr(source, 0, err)
}

// expandExec splits an ExecStart= value into argv and substitutes the
// environment: "$NAME" as a whole word becomes the value split at
// whitespace (quotes in the value group words), "${NAME}" is replaced in
// place by the exact value, and the ":" prefix turns substitution off.
func expandExec(e execLine, env map[string]EnvVar) ([]Arg, error) {
	words, err := splitWords(e.value, true, false)
	if err != nil {
		return nil, inputErr(e.file, e.line, fmt.Errorf("%w: %w", ErrExecStart, err))
	}
	if len(words) == 0 {
		return nil, inputErr(e.file, e.line, ErrNoExecStart)
	}
	for i, w := range words {
		if w == ";" {
			words = words[:i]
			break
		}
	}
	exe := words[0]
	noEnv, at := false, false
	for len(exe) > 0 && strings.ContainsRune("-@:+!|", rune(exe[0])) {
		switch exe[0] {
		case ':':
			noEnv = true
		case '@':
			at = true
		}
		exe = exe[1:]
	}
	loc := fmt.Sprintf("%s:%d", e.file, e.line)
	flagOrigin := func(extra ...func(*Origin)) Origin {
		o := Origin{Kind: OriginFlag, File: e.file, Line: e.line}
		for _, f := range extra {
			f(&o)
		}
		return o
	}
	argv := []Arg{{Value: exe, Origin: flagOrigin()}}
	rest := words[1:]
	if at && len(rest) > 0 {
		rest = rest[1:] // the second word is argv[0]; the kubelet ignores it
	}
	vars := map[string]envValue{}
	for k, v := range env {
		vars[k] = envValue{Value: v.Value, File: v.File, Line: v.Line}
	}
	size := 0
	for _, w := range rest {
		before := len(argv)
		if noEnv {
			argv = append(argv, Arg{Value: w, Origin: flagOrigin()})
		} else if len(w) > 1 && w[0] == '$' && w[1] != '{' && w[1] != '$' {
			name := w[1:]
			if v, ok := env[name]; ok {
				parts, err := splitWords(v.Value, false, true)
				if err != nil {
					return nil, inputErr(v.File, v.Line, fmt.Errorf("$%s: %w", name, err))
				}
				for _, p := range parts {
					argv = append(argv, Arg{Value: p, Origin: Origin{Kind: OriginFlag, File: v.File, Line: v.Line, Variable: name, ExecStart: loc}})
				}
			}
		} else {
			val, used := expandWord(w, vars)
			o := flagOrigin()
			if len(used) == 1 {
				v := env[used[0]]
				o = Origin{Kind: OriginFlag, File: v.File, Line: v.Line, Variable: used[0], ExecStart: loc}
			}
			argv = append(argv, Arg{Value: val, Origin: o})
		}
		for _, a := range argv[before:] {
			size += len(a.Value)
		}
		if len(argv) > MaxArgs || size > MaxArgvBytes {
			return nil, inputErr(e.file, e.line, ErrTooManyArgs)
		}
	}
	return argv, nil
}
