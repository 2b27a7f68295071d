package apiserver

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/kubeharden/kubeharden"
)

// ownership resolves numeric owners and, through the node's /etc/passwd
// and /etc/group, their names.
type ownership struct {
	fsys   fs.FS
	owner  func(string) (int, int, bool)
	users  map[int]string
	groups map[int]string
}

func newOwnership(fsys fs.FS, owner func(string) (int, int, bool)) *ownership {
	return &ownership{fsys: fsys, owner: owner, users: idNames(fsys, "etc/passwd"), groups: idNames(fsys, "etc/group")}
}

// idNames reads name:x:id lines (passwd and group share the first three
// columns).
func idNames(fsys fs.FS, name string) map[int]string {
	m := map[int]string{0: "root"}
	data, err := readFS(fsys, name)
	if err != nil {
		return m
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		parts := strings.Split(sc.Text(), ":")
		if len(parts) < 3 {
			continue
		}
		if id, err := strconv.Atoi(parts[2]); err == nil {
			if _, dup := m[id]; !dup {
				m[id] = parts[0]
			}
		}
	}
	return m
}

func (o *ownership) of(name string, fi fs.FileInfo) (user, group string, ok bool) {
	uid, gid, known := 0, 0, false
	if o.owner != nil {
		uid, gid, known = o.owner(name)
	}
	if !known {
		uid, gid, known = sysOwner(fi)
	}
	if !known {
		return "", "", false
	}
	user, group = strconv.Itoa(uid), strconv.Itoa(gid)
	if n, ok := o.users[uid]; ok {
		user = n
	}
	if n, ok := o.groups[gid]; ok {
		group = n
	}
	return user, group, true
}

// modeCheck: the permission bits must be a subset of max.
func modeFinding(r kubeharden.Rule, name string, fi fs.FileInfo, max fs.FileMode) kubeharden.Finding {
	perm := fi.Mode().Perm()
	msg := fmt.Sprintf("/%s has permissions %04o", name, perm)
	var f kubeharden.Finding
	if perm&^max == 0 {
		f = r.Pass(msg, "/"+name)
	} else {
		f = r.Fail(msg+fmt.Sprintf(", more permissive than %04o", max), "/"+name)
		f.Fix = fmt.Sprintf("chmod %o /%s", max, name)
	}
	f.Position = kubeharden.Position{File: name}
	return f
}

func ownerFinding(r kubeharden.Rule, own *ownership, name string, fi fs.FileInfo, wantUser, wantGroup string) (kubeharden.Finding, bool) {
	u, g, ok := own.of(name, fi)
	if !ok {
		return kubeharden.Finding{}, false
	}
	msg := fmt.Sprintf("/%s is owned by %s:%s", name, u, g)
	var f kubeharden.Finding
	if u == wantUser && g == wantGroup {
		f = r.Pass(msg, "/"+name)
	} else {
		if wantUser == "etcd" && !hasName(own.users, "etcd") {
			msg += " (the node has no etcd user, as on kubeadm nodes running etcd in a container)"
		}
		f = r.Fail(msg, "/"+name)
		f.Fix = fmt.Sprintf("chown %s:%s /%s", wantUser, wantGroup, name)
	}
	f.Position = kubeharden.Position{File: name}
	return f, true
}

func hasName(m map[int]string, n string) bool {
	for _, v := range m {
		if v == n {
			return true
		}
	}
	return false
}

var manifestRules = map[Component][2]string{
	APIServer:         {"APIServerManifestPermissions", "APIServerManifestOwnership"},
	ControllerManager: {"ControllerManagerManifestPermissions", "ControllerManagerManifestOwnership"},
	Scheduler:         {"SchedulerManifestPermissions", "SchedulerManifestOwnership"},
	Etcd:              {"EtcdManifestPermissions", "EtcdManifestOwnership"},
}

func manifestFileFindings(fsys fs.FS, own *ownership, p podInput) []kubeharden.Finding {
	fi, err := fs.Stat(fsys, p.file)
	if err != nil {
		return nil
	}
	names := manifestRules[p.cp.Component]
	out := []kubeharden.Finding{modeFinding(cisRule(names[0]), p.file, fi, 0o600)}
	if f, ok := ownerFinding(cisRule(names[1]), own, p.file, fi, "root", "root"); ok {
		out = append(out, f)
	}
	return out
}

func etcdDataDirFindings(fsys fs.FS, own *ownership, p podInput) []kubeharden.Finding {
	dir, _ := p.cp.Flags.String("data-dir", "")
	if dir == "" {
		return nil
	}
	if !path.IsAbs(dir) {
		dir = path.Join("/", dir)
	}
	if h, ok := p.cp.mountedPath(dir); ok {
		dir = h
	}
	name := strings.TrimPrefix(path.Clean(dir), "/")
	fi, err := fs.Stat(fsys, name)
	if err != nil || !fi.IsDir() {
		return nil
	}
	out := []kubeharden.Finding{modeFinding(cisRule("EtcdDataDirPermissions"), name, fi, 0o700)}
	if f, ok := ownerFinding(cisRule("EtcdDataDirOwnership"), own, name, fi, "etcd", "etcd"); ok {
		out = append(out, f)
	}
	return out
}

// nodeFileReport covers the kubeconfigs and the PKI directory (CIS 1.1.13
// to 1.1.21).
func nodeFileReport(fsys fs.FS, own *ownership) kubeharden.Report {
	r := kubeharden.Report{Source: "etc/kubernetes", Document: -1, Object: "ControlPlaneFiles", Kind: "NodeFiles"}
	for _, x := range []struct {
		file        string
		mode, owner string
	}{
		{"etc/kubernetes/admin.conf", "AdminConfPermissions", "AdminConfOwnership"},
		{"etc/kubernetes/super-admin.conf", "AdminConfPermissions", "AdminConfOwnership"},
		{"etc/kubernetes/scheduler.conf", "SchedulerConfPermissions", "SchedulerConfOwnership"},
		{"etc/kubernetes/controller-manager.conf", "ControllerManagerConfPermissions", "ControllerManagerConfOwnership"},
	} {
		fi, err := fs.Stat(fsys, x.file)
		if err != nil {
			continue
		}
		r.Findings = append(r.Findings, modeFinding(cisRule(x.mode), x.file, fi, 0o600))
		if f, ok := ownerFinding(cisRule(x.owner), own, x.file, fi, "root", "root"); ok {
			r.Findings = append(r.Findings, f)
		}
	}
	const pki = "etc/kubernetes/pki"
	if fi, err := fs.Stat(fsys, pki); err == nil && fi.IsDir() {
		var badOwner []string
		ownerKnown := false
		certs, keys := cisRule("PKICertificatePermissions"), cisRule("PKIKeyPermissions")
		_ = fs.WalkDir(fsys, pki, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return nil
			}
			if u, g, ok := own.of(p, info); ok {
				ownerKnown = true
				if u != "root" || g != "root" {
					badOwner = append(badOwner, fmt.Sprintf("/%s (%s:%s)", p, u, g))
				}
			}
			switch {
			case d.IsDir():
			case strings.HasSuffix(p, ".crt"):
				r.Findings = append(r.Findings, modeFinding(certs, p, info, 0o600))
			case strings.HasSuffix(p, ".key"):
				r.Findings = append(r.Findings, modeFinding(keys, p, info, 0o600))
			}
			return nil
		})
		if ownerKnown {
			rule := cisRule("PKIOwnership")
			f := rule.Pass("/"+pki+" and every file in it are owned by root:root", "/"+pki)
			if len(badOwner) > 0 {
				f = rule.Fail("not owned by root:root: "+strings.Join(badOwner, ", "), "/"+pki)
			}
			f.Position = kubeharden.Position{File: pki}
			r.Findings = append(r.Findings, f)
		}
	}
	kubeharden.SortFindings(r.Findings)
	r.ComputeScore()
	return r
}
