//go:build unix

package apiserver

import (
	"io/fs"
	"syscall"
)

// sysOwner reads the numeric owner from a Unix stat result (os.DirFS).
func sysOwner(fi fs.FileInfo) (uid, gid int, ok bool) {
	if fi == nil {
		return 0, 0, false
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid), int(st.Gid), true
	}
	return 0, 0, false
}
