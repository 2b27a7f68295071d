package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kubeharden/kubeharden"
)

// input is one file (or standard input) to scan.
type input struct {
	source   string
	explicit bool // named on the command line, not found by walking
}

// skipDirs are never descended into when walking a directory.
var skipDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, "node_modules": true}

// collectInputs expands paths: "-" is standard input, directories are
// walked recursively (hidden directories skipped) for files whose name
// suggests a supported type. Explicit files are always scanned.
func collectInputs(paths []string) ([]input, []*kubeharden.InputError) {
	var out []input
	var errs []*kubeharden.InputError
	seen := map[string]bool{}
	add := func(in input) {
		if !seen[in.source] {
			seen[in.source] = true
			out = append(out, in)
		}
	}
	for _, p := range paths {
		if p == "-" {
			add(input{source: "-", explicit: true})
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			errs = append(errs, &kubeharden.InputError{Source: p, Document: -1, Err: err})
			continue
		}
		if !fi.IsDir() {
			add(input{source: p, explicit: true})
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, &kubeharden.InputError{Source: path, Document: -1, Err: err})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if path != p && (skipDirs[d.Name()] || (strings.HasPrefix(d.Name(), ".") && d.Name() != ".")) {
					return fs.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && !strings.HasPrefix(d.Name(), ".") && candidate(path) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, &kubeharden.InputError{Source: p, Document: -1, Err: err})
		}
		sort.Strings(found)
		for _, f := range found {
			add(input{source: f})
		}
	}
	return out, errs
}

// skipWalked reports whether a file found by walking should be left out
// after reading: YAML without any Kubernetes object (Helm values, CI
// configuration) and Go/Helm templates, which are not YAML until rendered.
// Files named on the command line are never skipped.
func skipWalked(t inputType, data []byte) bool {
	if t != typeKubernetes {
		return false
	}
	return !looksLikeKubernetes(data) || (bytes.Contains(data, []byte("{{")) && bytes.Contains(data, []byte("}}")))
}

// candidate reports whether a file found by walking may hold a supported
// input: Kubernetes YAML/JSON, seccomp JSON, Dockerfiles, AppArmor profiles
// (in an apparmor.d directory or with a .apparmor extension).
func candidate(path string) bool {
	base := filepath.Base(path)
	lower := strings.ToLower(base)
	switch strings.ToLower(filepath.Ext(base)) {
	case ".yaml", ".yml", ".json", ".apparmor":
		return true
	}
	if lower == "dockerfile" || lower == "containerfile" || strings.HasPrefix(lower, "dockerfile.") ||
		strings.HasSuffix(lower, ".dockerfile") || strings.HasSuffix(lower, ".containerfile") {
		return true
	}
	dir := filepath.ToSlash(filepath.Dir(path))
	return strings.Contains(dir, "apparmor.d") || strings.Contains(dir, "apparmor/")
}

// errTooLarge is returned for inputs over the per-file budget.
var errTooLarge = errors.New("input exceeds the size limit")

// readInput reads one input within maxBytes. Input files are never
// modified.
func readInput(in input, stdin io.Reader, maxBytes int64) ([]byte, error) {
	var r io.Reader
	if in.source == "-" {
		r = stdin
	} else {
		f, err := os.Open(in.source)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() <= maxBytes {
			// One read into a buffer of the right size; a file that
			// grows meanwhile still meets the limit below.
			buf := bytes.NewBuffer(make([]byte, 0, st.Size()+512))
			if _, err := buf.ReadFrom(io.LimitReader(f, maxBytes+1)); err != nil {
				return nil, err
			}
			if int64(buf.Len()) > maxBytes {
				return nil, fmt.Errorf("%w (%d bytes; raise --max-file-bytes)", errTooLarge, maxBytes)
			}
			return buf.Bytes(), nil
		}
	}
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > maxBytes {
		return nil, fmt.Errorf("%w (%d bytes; raise --max-file-bytes)", errTooLarge, maxBytes)
	}
	return data, nil
}
