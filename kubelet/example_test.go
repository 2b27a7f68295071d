package kubelet_test

import (
	"fmt"
	"os"

	"github.com/kubeharden/kubeharden/kubelet"
)

// AssessNode reads a copied node root: the systemd unit and drop-ins,
// kubeadm-flags.env and /etc/default/kubelet, then config.yaml.
func ExampleAssessNode() {
	r, err := kubelet.AssessNode(os.DirFS("testdata/nodes/insecure"), kubelet.NodeOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range r.Findings {
		if f.RuleID == "kubelet/ReadOnlyPort" {
			fmt.Println(f.Passed, f.Refs)
			fmt.Println(f.Message)
			fmt.Println(f.Position)
		}
	}
	// Output:
	// false [CIS 4.2.4]
	// the unauthenticated read-only API listens on port 10255: readOnlyPort=10255 (flag --read-only-port=10255 from $KUBELET_EXTRA_ARGS set in /etc/default/kubelet:2 (expanded by ExecStart= at /etc/systemd/system/kubelet.service.d/10-kubeadm.conf:11))
	// /etc/default/kubelet:2
}

// Scan evaluates a KubeletConfiguration on its own (config-file mode).
func ExampleScan() {
	cfg := []byte(`apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: true
`)
	reports, err := kubelet.Scan("config.yaml", cfg, kubelet.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range reports[0].Findings {
		if f.RuleID == "kubelet/AnonymousAuth" || f.RuleID == "kubelet/AuthorizationMode" {
			fmt.Println(f.RuleID, f.Passed, f.Position)
		}
	}
	// Output:
	// kubelet/AnonymousAuth false config.yaml:5:5
	// kubelet/AuthorizationMode true
}

// LoadService shows the argv systemd would run, each element with the
// file its text came from.
func ExampleLoadService() {
	svc, err := kubelet.LoadService(os.DirFS("testdata/nodes/hardened"), "kubelet.service")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range svc.Argv[1:] {
		fmt.Printf("%s <- $%s\n", a.Value, a.Origin.Variable)
	}
	// Output:
	// --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf <- $KUBELET_KUBECONFIG_ARGS
	// --kubeconfig=/etc/kubernetes/kubelet.conf <- $KUBELET_KUBECONFIG_ARGS
	// --config=/var/lib/kubelet/config.yaml <- $KUBELET_CONFIG_ARGS
	// --container-runtime-endpoint=unix:///var/run/containerd/containerd.sock <- $KUBELET_KUBEADM_ARGS
	// --node-ip=10.0.0.11 <- $KUBELET_KUBEADM_ARGS
}

// Resolve applies the kubelet's precedence: the last --read-only-port wins
// over config.yaml.
func ExampleResolve() {
	cmd := kubelet.ParseCommandLine(kubelet.Args("kubelet", "--read-only-port=10255", "--read_only_port", "0"))
	e := kubelet.Resolve(nil, cmd, "/")
	v := e.Get("readOnlyPort")
	fmt.Println(e.Mode, v.V, v.Origin)
	// Output: flags-only 0 flag --read_only_port 0 on the command line; last of 2 occurrences of --read-only-port wins
}
