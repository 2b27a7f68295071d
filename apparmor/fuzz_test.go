package apparmor

import (
	"testing"
	"testing/fstest"
	"time"
)

// FuzzParse checks that parsing, validation and scoring never panic and
// finish in bounded time, whatever the input.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"abi <abi/3.0>,\ninclude <tunables/global>\nprofile t flags=(complain) {\n  file,\n  capability,\n}\n",
		"@{A}={a,b}\n$B=true\nprofile t {\n  if $B {\n    /@{A}/** rw,\n  } else {\n    deny /x w,\n  }\n}\n",
		"profile t {\n  signal (send) set=(hup) peer=unconfined,\n  unix (connect) peer=(label=x addr=@y),\n  dbus send bus=system path=/a interface=b member=c peer=(name=d label=e),\n}\n",
		"profile t {\n  mount fstype=(ext4) options in (ro,nosuid) /dev/sda -> /mnt/,\n  pivot_root oldroot=/o/ /n/ -> p,\n  change_profile unsafe /bin/x -> y,\n  set rlimit cpu <= 10s,\n}\n",
		"profile t {\n  network (connect) inet stream ip=10.0.0.1 port=80 peer=(ip=10.0.0.2 port=1-2),\n  userns create,\n  mqueue (r w) type=posix /q,\n  io_uring sqpoll label=x,\n  priority=-1 all,\n}\n",
		"/usr/bin/x {\n  ^hat {\n  }\n  profile c /bin/c xattrs=(a=b) {\n  }\n  /a Pix -> c,\n  link subset /a -> /b,\n}\n",
		"profile t {\n  /a rwa,\n  capability CAP_X,\n  network inet stream\n}\n}\n{\n",
		"profile \"a b\" {\n  include <x>\n  include \"y\"\n  #include if exists <z>\n}\n",
	} {
		f.Add([]byte(s))
	}
	fsys := fstest.MapFS{
		"etc/apparmor.d/x":                 {Data: []byte("/x r,\ninclude <x>\n")},
		"etc/apparmor.d/tunables/global":   {Data: []byte("@{PROC}=/proc/\n")},
		"etc/apparmor.d/abi/3.0":           {Data: []byte("")},
		"etc/apparmor.d/abstractions/base": {Data: []byte("/etc/ld.so.cache r,\n")},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		start := time.Now()
		file, _ := Parse("fuzz", data, &ParseOptions{FS: fsys})
		if file == nil {
			t.Fatal("nil file")
		}
		_ = file.Names()
		_, _ = Scan("fuzz", data, Options{})
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("took %v", d)
		}
	})
}
