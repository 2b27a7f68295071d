package main

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/kubeharden/kubeharden/kubelet"
)

// statEntry is one line of a --stat file.
type statEntry struct {
	perm     fs.FileMode
	uid, gid int
}

// parseStatList reads `stat -c '%a %u %g %n'` output: octal mode, owner
// and group IDs, and the absolute path on the node, one file per line.
// Copies of a node's files lose their modes and owners (git keeps neither);
// this list, taken on the node with
//
//	find /etc/kubernetes /var/lib/kubelet /etc/systemd /usr/lib/systemd /lib/systemd /var/lib/etcd \
//	    -exec stat -c '%a %u %g %n' {} +
//
// restores them for the CIS file checks.
func parseStatList(r io.Reader, source string) (map[string]statEntry, error) {
	out := map[string]statEntry{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.SplitN(line, " ", 4)
		if len(f) != 4 {
			return nil, fmt.Errorf("%s:%d: want \"MODE UID GID PATH\"", source, n)
		}
		mode, err1 := strconv.ParseUint(f[0], 8, 32)
		uid, err2 := strconv.Atoi(f[1])
		gid, err3 := strconv.Atoi(f[2])
		if err1 != nil || err2 != nil || err3 != nil || mode > 0o7777 || !strings.HasPrefix(f[3], "/") {
			return nil, fmt.Errorf("%s:%d: want \"MODE UID GID PATH\" with an octal mode and an absolute path", source, n)
		}
		out[path.Clean(f[3])] = statEntry{perm: fs.FileMode(mode) & fs.ModePerm, uid: uid, gid: gid}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return out, nil
}

// statFS overlays the modes of a stat list on a copied node file system.
type statFS struct {
	fs.FS
	stat map[string]statEntry // by absolute node path
}

func (s statFS) entry(name string) (statEntry, bool) {
	e, ok := s.stat["/"+name]
	if name == "." {
		e, ok = s.stat["/"]
	}
	return e, ok
}

func (s statFS) Open(name string) (fs.File, error) {
	f, err := s.FS.Open(name)
	if err != nil {
		return nil, err
	}
	if e, ok := s.entry(name); ok {
		return statFile{File: f, e: e}, nil
	}
	return f, nil
}

func (s statFS) Stat(name string) (fs.FileInfo, error) {
	fi, err := fs.Stat(s.FS, name)
	if err != nil {
		return nil, err
	}
	if e, ok := s.entry(name); ok {
		return statInfo{FileInfo: fi, e: e}, nil
	}
	return fi, nil
}

func (s statFS) ReadDir(name string) ([]fs.DirEntry, error) {
	des, err := fs.ReadDir(s.FS, name)
	if err != nil {
		return nil, err
	}
	for i, de := range des {
		if e, ok := s.entry(path.Join(name, de.Name())); ok {
			des[i] = statDirEntry{DirEntry: de, e: e}
		}
	}
	return des, nil
}

// owner answers apiserver.NodeOptions.Owner from the list.
func (s statFS) owner(name string) (uid, gid int, ok bool) {
	e, ok := s.entry(strings.TrimPrefix(name, "/"))
	return e.uid, e.gid, ok
}

// kubeletFiles converts the list for kubelet.NodeOptions.Files, taking
// each file's type from the copy.
func (s statFS) kubeletFiles() map[string]kubelet.FileInfo {
	out := make(map[string]kubelet.FileInfo, len(s.stat))
	for p, e := range s.stat {
		mode := e.perm
		if fi, err := fs.Stat(s.FS, strings.TrimPrefix(p, "/")); err == nil {
			mode |= fi.Mode().Type()
		}
		out[p] = kubelet.FileInfo{Mode: mode, UID: e.uid, GID: e.gid}
	}
	return out
}

type statFile struct {
	fs.File
	e statEntry
}

func (f statFile) Stat() (fs.FileInfo, error) {
	fi, err := f.File.Stat()
	if err != nil {
		return nil, err
	}
	return statInfo{FileInfo: fi, e: f.e}, nil
}

func (f statFile) ReadDir(n int) ([]fs.DirEntry, error) {
	if d, ok := f.File.(fs.ReadDirFile); ok {
		return d.ReadDir(n)
	}
	return nil, &fs.PathError{Op: "readdir", Err: fs.ErrInvalid}
}

type statInfo struct {
	fs.FileInfo
	e statEntry
}

func (i statInfo) Mode() fs.FileMode { return i.FileInfo.Mode().Type() | i.e.perm }

// Sys hides the copy's own stat data so owners come from the list.
func (i statInfo) Sys() any { return nil }

type statDirEntry struct {
	fs.DirEntry
	e statEntry
}

func (d statDirEntry) Info() (fs.FileInfo, error) {
	fi, err := d.DirEntry.Info()
	if err != nil {
		return nil, err
	}
	return statInfo{FileInfo: fi, e: d.e}, nil
}

func loadStatList(p string) (map[string]statEntry, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseStatList(f, p)
}
