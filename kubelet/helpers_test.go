package kubelet

import (
	"testing"
	"testing/fstest"

	"github.com/kubeharden/kubeharden"
)

const cfgHeader = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"

const cfgPath = "/etc/kubelet/config.yaml"

// withConfig resolves a kubelet started with --config=cfgPath (holding
// cfgHeader+body) and the given extra flags.
func withConfig(t *testing.T, body string, flags ...string) *Effective {
	t.Helper()
	fsys := fstest.MapFS{"etc/kubelet/config.yaml": {Data: []byte(cfgHeader + body)}}
	argv := append([]string{"/usr/bin/kubelet", "--config=" + cfgPath}, flags...)
	return Resolve(fsys, ParseCommandLine(Args(argv...)), "/")
}

// flagsOnly resolves a kubelet started without --config.
func flagsOnly(t *testing.T, flags ...string) *Effective {
	t.Helper()
	return Resolve(fstest.MapFS{}, ParseCommandLine(Args(append([]string{"/usr/bin/kubelet"}, flags...)...)), "/")
}

// findingOf returns the single finding of rule id in fs.
func findingOf(t *testing.T, fs []kubeharden.Finding, id string) kubeharden.Finding {
	t.Helper()
	var out []kubeharden.Finding
	for _, f := range fs {
		if f.RuleID == id {
			out = append(out, f)
		}
	}
	if len(out) != 1 {
		t.Fatalf("want exactly one %s finding, got %d: %+v", id, len(out), out)
	}
	return out[0]
}

func hasRule(fs []kubeharden.Finding, id string) bool {
	for _, f := range fs {
		if f.RuleID == id {
			return true
		}
	}
	return false
}
