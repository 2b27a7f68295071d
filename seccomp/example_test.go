package seccomp_test

import (
	"fmt"
	"testing/fstest"

	"github.com/opencontainers/runtime-spec/specs-go"

	"github.com/kubeharden/kubeharden/seccomp"
)

// A Docker-format profile gates mount on CAP_SYS_ADMIN. Docker and CRI-O
// honour the condition; containerd drops it and allows mount to everyone.
func ExampleEvaluate() {
	p, err := seccomp.Parse("app.json", []byte(`{
  "defaultAction": "SCMP_ACT_ERRNO",
  "syscalls": [
    {"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"},
    {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}}
  ]
}`))
	if err != nil {
		panic(err)
	}
	fmt.Println("dialect:", p.Dialect)
	for _, rt := range seccomp.Runtimes() {
		e := seccomp.Evaluate(p, seccomp.Target{Runtime: rt})
		fmt.Printf("%s: mount %s\n", rt, e.Decide("mount", specs.ArchX86_64).Action)
	}
	// Output:
	// dialect: docker
	// containerd: mount SCMP_ACT_ALLOW
	// cri-o: mount SCMP_ACT_ERRNO
	// docker: mount SCMP_ACT_ERRNO
}

// Scan validates and scores a profile for each runtime; findings carry
// file, line and column.
func ExampleScan() {
	reports, err := seccomp.Scan("deny.json", []byte(`{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["mmount", "ptrace"], "action": "SCMP_ACT_ERRNO"}]
}`), seccomp.Options{Runtimes: []seccomp.Runtime{seccomp.RuntimeContainerd}})
	if err != nil {
		panic(err)
	}
	r := reports[0]
	fmt.Println(r.Object, "score", r.Score)
	for _, f := range r.Failed() {
		if f.RuleID == "seccomp/TypoFailsOpen" || f.RuleID == "seccomp/DefaultAllow" {
			fmt.Printf("%s %s: %s (%s)\n", f.Position, f.RuleID, f.Severity, f.Fix)
		}
	}
	// Output:
	// SeccompProfile/deny.json (containerd/SCMP_ARCH_X86_64) score -106
	// deny.json:2:20 seccomp/DefaultAllow: high (make SCMP_ACT_ERRNO the default action and list the syscalls the workload needs)
	// deny.json:3:27 seccomp/TypoFailsOpen: high (did you mean "mount"?)
}

// AnalyzePod finds a Localhost profile under the kubelet seccomp root.
func ExampleAnalyzePod() {
	root := fstest.MapFS{
		"profiles/audit.json": {Data: []byte(`{"defaultAction": "SCMP_ACT_LOG"}`)},
	}
	r, err := seccomp.AnalyzePod(seccomp.PodProfile{
		Object:           `Pod/web.shop container "app"`,
		Type:             seccomp.ProfileLocalhost,
		LocalhostProfile: "profiles/audit.json",
	}, root, seccomp.Target{Runtime: seccomp.RuntimeCRIO})
	if err != nil {
		panic(err)
	}
	f := r.Critical()[0]
	fmt.Println(r.Object)
	fmt.Println(f.RuleID, f.Position)
	// Output:
	// Pod/web.shop container "app" (cri-o/SCMP_ARCH_X86_64)
	// seccomp/AllowsKernelModules profiles/audit.json:1:19
}

// DiffRuntimeDefault lists what a profile allows beyond the runtime's own
// default, per architecture.
func ExampleDiffRuntimeDefault() {
	p, err := seccomp.Parse("p.json", []byte(`{"defaultAction":"SCMP_ACT_ERRNO",
  "architectures":["SCMP_ARCH_X86_64"],
  "syscalls":[{"names":["read","write","keyctl","unshare"],"action":"SCMP_ACT_ALLOW"}]}`))
	if err != nil {
		panic(err)
	}
	for _, rt := range []seccomp.Runtime{seccomp.RuntimeDocker, seccomp.RuntimeCRIO} {
		for _, d := range seccomp.DiffRuntimeDefault(p, seccomp.Target{Runtime: rt}) {
			fmt.Println(rt, d.Arch, d.Extra)
		}
	}
	// Output:
	// docker SCMP_ARCH_X86_64 [keyctl unshare]
	// cri-o SCMP_ARCH_X86_64 []
}

func ExampleDetect() {
	fmt.Println(seccomp.Detect("a.json", []byte(`{"defaultAction":"SCMP_ACT_ERRNO"}`)))
	fmt.Println(seccomp.Detect("b.json", []byte(`{"apiVersion":"v1","kind":"ConfigMap"}`)))
	// Output:
	// true
	// false
}
