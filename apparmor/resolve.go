package apparmor

import (
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
)

// Target is the apparmor_parser syntax level to validate against.
type Target int

const (
	// Target4 is AppArmor 4.x and later (the upstream grammar with
	// priority, all, userns, mqueue, io_uring, prompt, fine-grained
	// network, conditionals with and/or/defined). It is the default.
	Target4 Target = 40
	// Target3 is AppArmor 3.0 (Debian 12's 3.0.8): the 4.x constructs are
	// reported as ErrVersion errors.
	Target3 Target = 30
)

// String returns "3.0" or "4.x".
func (t Target) String() string {
	if t == Target3 {
		return "3.0"
	}
	return "4.x"
}

// ParseOptions control parsing, include resolution and validation. The zero
// value parses a self-contained profile for the 4.x grammar without reading
// any file.
type ParseOptions struct {
	// FS is the file system includes and abi files are read from. It
	// stands for the root directory "/": an absolute quoted include
	// "/etc/apparmor.d/x" is read as "etc/apparmor.d/x". Nil disables
	// include resolution (includes stay unresolved and variables they
	// would define are not reported as undefined).
	FS fs.FS
	// BaseDir is where <magic> includes are looked up, relative to FS
	// (default "etc/apparmor.d", apparmor_parser's -b).
	BaseDir string
	// IncludeDirs are further directories for <magic> includes, searched
	// before BaseDir (apparmor_parser's -I).
	IncludeDirs []string
	// WorkDir is the directory relative quoted includes are resolved
	// against (default "." i.e. the FS root).
	WorkDir string
	// Target is the syntax level; zero means Target4.
	Target Target
	// SkipABICheck does not require abi files to exist.
	SkipABICheck bool
	// Cache, when set, keeps the include files read from FS so that
	// parsing many profiles reads each tunable and abstraction once. It
	// is safe for concurrent use; share one per FS.
	Cache *FileCache
}

// FileCache caches file contents and metadata read through an fs.FS.
type FileCache struct {
	mu    sync.Mutex
	files map[string]cachedFile
}

type cachedFile struct {
	data  []byte
	isDir bool
	ents  []string
	err   error
}

func (c *FileCache) get(name string) (cachedFile, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, ok := c.files[name]
	return f, ok
}

func (c *FileCache) put(name string, f cachedFile) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.files == nil {
		c.files = map[string]cachedFile{}
	}
	c.files[name] = f
}

// stat returns whether name exists and is a directory, through the cache.
func (st *parseState) stat(name string) (exists, isDir bool) {
	if c := st.opts.Cache; c != nil {
		if f, ok := c.get(name); ok {
			return f.err == nil, f.isDir
		}
	}
	info, err := fs.Stat(st.opts.FS, name)
	if st.opts.Cache != nil && err != nil {
		st.opts.Cache.put(name, cachedFile{err: err})
	}
	if err != nil {
		return false, false
	}
	if info.IsDir() && st.opts.Cache != nil {
		ents, err := fs.ReadDir(st.opts.FS, name)
		var names []string
		for _, e := range ents {
			if !e.IsDir() {
				names = append(names, e.Name())
			}
		}
		st.opts.Cache.put(name, cachedFile{isDir: true, ents: names, err: err})
	}
	return true, info.IsDir()
}

func (o *ParseOptions) target() Target {
	if o == nil || o.Target == 0 {
		return Target4
	}
	return o.Target
}

func (o *ParseOptions) searchDirs() []string {
	dirs := append([]string(nil), o.IncludeDirs...)
	base := o.BaseDir
	if base == "" {
		base = "etc/apparmor.d"
	}
	return append(dirs, base)
}

func fsName(p string) string {
	p = path.Clean(strings.TrimPrefix(p, "/"))
	if p == "" || p == "/" {
		return "."
	}
	return p
}

// lookup finds an include target; it returns the FS name.
func (st *parseState) lookup(name string, magic bool) (string, bool) {
	if st.opts.FS == nil {
		return "", false
	}
	var cands []string
	switch {
	case magic:
		for _, d := range st.opts.searchDirs() {
			cands = append(cands, fsName(path.Join(d, name)))
		}
	case strings.HasPrefix(name, "/"):
		cands = []string{fsName(name)}
	default:
		wd := st.opts.WorkDir
		if wd == "" {
			wd = "."
		}
		cands = []string{fsName(path.Join(wd, name))}
	}
	for _, c := range cands {
		if strings.HasPrefix(c, "../") || c == ".." {
			continue
		}
		if ok, _ := st.stat(c); ok {
			return c, true
		}
	}
	return "", false
}

// ignoredInclude reports files a directory include skips.
func ignoredInclude(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") {
		return true
	}
	for _, s := range []string{".dpkg-new", ".dpkg-old", ".dpkg-dist", ".dpkg-bak", ".dpkg-remove", ".dpkg-tmp", ".pacsave", ".pacnew", ".rpmnew", ".rpmsave", ".orig", ".rej", ".swp"} {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

func (st *parseState) readFile(name string) ([]byte, error) {
	if b, ok := st.cache[name]; ok {
		return b, nil
	}
	if c := st.opts.Cache; c != nil {
		if f, ok := c.get(name); ok && f.data != nil {
			return f.data, nil
		}
		defer func() {
			if b, ok := st.cache[name]; ok {
				c.put(name, cachedFile{data: b})
			}
		}()
	}
	f, err := st.opts.FS.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, 0, 4096)
	tmp := make([]byte, 32<<10)
	for {
		n, err := f.Read(tmp)
		buf = append(buf, tmp[:n]...)
		if len(buf) > maxFileSize {
			return nil, &fs.PathError{Op: "read", Path: name, Err: ErrLimit}
		}
		if err != nil {
			break
		}
	}
	if st.cache == nil {
		st.cache = map[string][]byte{}
	}
	st.cache[name] = buf
	return buf, nil
}

// resolveInclude reads and parses an include's target in place.
func (st *parseState) resolveInclude(p *parser, inc *Include, parent *Profile) {
	if st.opts.FS == nil {
		return
	}
	name, ok := st.lookup(inc.Path, inc.Magic)
	if !ok {
		inc.Missing = true
		if !inc.IfExists {
			p.errorf(inc.Pos.Offset, ErrInclude, "could not open include %s", quoteInc(inc))
		}
		return
	}
	inc.Resolved = "/" + strings.TrimPrefix(name, "./")
	if len(st.stack) >= maxIncludeDepth {
		p.errorf(inc.Pos.Offset, ErrLimit, "includes nested deeper than %d", maxIncludeDepth)
		return
	}
	for _, s := range st.stack {
		if s == name {
			// apparmor_parser reads a file at most once per include
			// chain, so a file including itself adds nothing.
			inc.Recursive = true
			return
		}
	}
	st.stack = append(st.stack, name)
	defer func() { st.stack = st.stack[:len(st.stack)-1] }()
	_, isDir := st.stat(name)
	var files []string
	if isDir {
		var names []string
		if f, ok := st.cachedDir(name); ok {
			names = f
		} else {
			ents, err := fs.ReadDir(st.opts.FS, name)
			if err != nil {
				p.errorf(inc.Pos.Offset, ErrInclude, "include %s: %v", quoteInc(inc), err)
				return
			}
			for _, e := range ents {
				if !e.IsDir() {
					names = append(names, e.Name())
				}
			}
		}
		for _, n := range names {
			if ignoredInclude(n) {
				continue
			}
			files = append(files, path.Join(name, n))
		}
		sort.Strings(files)
	} else {
		files = []string{name}
	}
	for _, f := range files {
		if sc := st.scopes; len(sc) > 0 {
			if sc[len(sc)-1][f] {
				inc.Duplicate = true
				continue
			}
			sc[len(sc)-1][f] = true
		}
		st.nIncludes++
		if st.nIncludes > maxIncludes {
			p.errorf(inc.Pos.Offset, ErrLimit, "more than %d includes", maxIncludes)
			return
		}
		data, err := st.readFile(f)
		if err != nil {
			p.errorf(inc.Pos.Offset, ErrInclude, "include %s: %v", quoteInc(inc), err)
			continue
		}
		st.total += len(data)
		if st.total > maxTotalSize {
			p.errorf(inc.Pos.Offset, ErrLimit, "includes exceed %d bytes in total", maxTotalSize)
			return
		}
		if len(files) > 1 {
			skip := false
			for _, s := range st.stack[:len(st.stack)-1] {
				skip = skip || s == f
			}
			if skip {
				inc.Recursive = true
				continue
			}
			st.stack = append(st.stack, f)
		}
		items := st.parseSource("/"+strings.TrimPrefix(f, "./"), data, p.inProfile, parent, p.depth+1)
		inc.Items = append(inc.Items, items...)
		if len(files) > 1 {
			st.stack = st.stack[:len(st.stack)-1]
		}
	}
}

func (st *parseState) cachedDir(name string) ([]string, bool) {
	if c := st.opts.Cache; c != nil {
		if f, ok := c.get(name); ok && f.isDir && f.err == nil {
			return f.ents, true
		}
	}
	return nil, false
}

func quoteInc(inc *Include) string {
	if inc.Magic {
		return "<" + inc.Path + ">"
	}
	return `"` + inc.Path + `"`
}
