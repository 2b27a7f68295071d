package apparmor_test

import (
	"fmt"

	"github.com/kubeharden/kubeharden/apparmor"
)

func ExampleParse() {
	src := []byte(`abi <abi/3.0>,
profile web flags=(attach_disconnected) {
  capability net_bind_service,
  /srv/www/** r,
  ^maintenance {
    /srv/www/** rw,
  }
}
`)
	f, err := apparmor.Parse("web.profile", src, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Names())
	for _, r := range f.Profiles()[0].Rules() {
		fmt.Printf("%s:%d %s %q\n", r.Kind, r.Pos.Line, r.Path, r.Names)
	}
	// Output:
	// [web web//maintenance]
	// capability:3  ["net_bind_service"]
	// file:4 /srv/www/** []
}

func ExampleParse_errors() {
	src := []byte("profile t {\n  /tmp/x rwa,\n  capability cap_chown,\n}\n")
	_, err := apparmor.Parse("t.profile", src, nil)
	fmt.Println(err)
	// Output:
	// t.profile:2:10: file: w and a are mutually exclusive in "rwa"
	// t.profile:3:14: capability: invalid capability cap_chown
}

func ExampleScan() {
	src := []byte(`abi <abi/3.0>,
profile k8s-app {
  file,
  capability sys_admin,
  deny /proc/** w,
  deny /sys/** w,
}
`)
	reports, err := apparmor.Scan("k8s-app.profile", src, apparmor.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	r, _ := apparmor.FindReport(reports, "localhost/k8s-app")
	fmt.Println(r.Object, r.Score)
	for _, f := range r.Critical() {
		fmt.Println(f.RuleID, f.Position.Line)
	}
	// Output:
	// k8s-app -104
	// apparmor/CapabilityCritical 4
	// apparmor/KernelInterfaceWrite 3
	// apparmor/KubeletPaths 3
	// apparmor/RuntimeSocket 3
	// apparmor/BareFile 3
	// apparmor/ShadowWrite 3
}
