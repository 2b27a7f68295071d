package kubelet

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
)

// NodeOptions configures AssessNode. The zero value assesses
// kubelet.service as systemd would start it and skips the CIS 4.1 file
// checks (they need modes and owners).
type NodeOptions struct {
	Options
	// Unit is the systemd unit name; "kubelet.service" when empty.
	Unit string
	// Argv, when set, is the kubelet command line to use instead of the
	// one assembled from the systemd unit (e.g. from ps or /proc/PID/cmdline).
	Argv []string
	// Files maps absolute node paths to their mode and owner. When non-nil
	// the CIS 4.1 checks run; a file the checks need that is missing from
	// the map gets an informational "cannot evaluate" finding.
	Files map[string]FileInfo
	// ProxyKubeconfig is the kube-proxy kubeconfig path for 4.1.3/4.1.4;
	// when empty the usual locations are probed.
	ProxyKubeconfig string
}

// Node is a kubelet as found in a node filesystem.
type Node struct {
	// Service is the composed systemd service (nil when NodeOptions.Argv
	// was given or no unit exists).
	Service *Service
	Command *CommandLine
	// Effective is the resolved configuration.
	Effective *Effective
	// KubeletVersion is NodeOptions.KubeletVersion, or the version of the
	// installed kubelet package read from /var/lib/dpkg/status ("v1.33.4"),
	// or "". Version skew is judged by the apiserver package.
	KubeletVersion string
	// Errors are input problems that did not stop the assessment.
	Errors []kubeharden.InputError

	fsys fs.FS
}

// defaultConfigPath is the kubeadm config path, used when no unit exists.
const defaultConfigPath = "/var/lib/kubelet/config.yaml"

// LoadNode finds the kubelet's systemd unit, drop-ins and environment files
// in fsys (a copy of a node's root), assembles its command line, and
// resolves the effective configuration (config file, drop-ins, flags).
func LoadNode(fsys fs.FS, opts NodeOptions) (*Node, error) {
	n := &Node{KubeletVersion: opts.KubeletVersion, fsys: fsys}
	if n.KubeletVersion == "" {
		n.KubeletVersion = InstalledVersion(fsys)
	}
	workDir := "/"
	var argv []Arg
	switch {
	case len(opts.Argv) > 0:
		argv = Args(opts.Argv...)
	default:
		svc, err := LoadService(fsys, opts.Unit)
		switch {
		case errors.Is(err, ErrNoUnit):
			if !exists(fsys, defaultConfigPath) {
				return nil, err
			}
			n.Errors = append(n.Errors, *inputErr(asInputErr("", err).Source, 0,
				fmt.Errorf("%w: assessing %s as if the kubelet ran with --config=%s", ErrNoUnit, defaultConfigPath, defaultConfigPath)))
			argv = Args("kubelet", "--config="+defaultConfigPath)
		case err != nil && svc == nil:
			return nil, err
		default:
			n.Service = svc
			for _, p := range svc.Problems {
				n.Errors = append(n.Errors, *p)
			}
			if err != nil {
				return nil, err
			}
			argv, workDir = svc.Argv, svc.WorkingDirectory
		}
	}
	n.Command = ParseCommandLine(argv)
	n.Effective = Resolve(fsys, n.Command, workDir)
	n.Errors = append(n.Errors, n.Effective.Errors...)
	return n, nil
}

// Report evaluates the node: the CIS 4.2 checks on the effective
// configuration and, when opts.Files is set, the CIS 4.1 file checks.
func (n *Node) Report(opts NodeOptions) kubeharden.Report {
	r := kubeharden.Report{Source: "kubelet", Document: -1, Object: "Kubelet", Kind: "Kubelet", Errors: n.Errors}
	if n.Service != nil {
		r.Source = n.Service.Unit
	}
	o := opts.Options
	if o.KubeletVersion == "" {
		o.KubeletVersion = n.KubeletVersion
	}
	r.Findings = Evaluate(n.Effective, o)
	if opts.Files != nil {
		r.Findings = append(r.Findings, evaluateFiles(n.fsys, n.Service, n.Effective, opts)...)
	}
	r.ComputeScore()
	return r
}

// AssessNode assesses the kubelet of a copied node filesystem in one go
// (LoadNode, then Node.Report). fsys is rooted at the node's "/".
func AssessNode(fsys fs.FS, opts NodeOptions) (kubeharden.Report, error) {
	n, err := LoadNode(fsys, opts)
	if err != nil {
		return kubeharden.Report{}, err
	}
	return n.Report(opts), nil
}

// InstalledVersion returns the version of the kubelet package recorded in
// /var/lib/dpkg/status ("v1.33.4"), or "" when unknown.
func InstalledVersion(fsys fs.FS) string {
	data, err := readFile(fsys, "/var/lib/dpkg/status", 64<<20)
	if err != nil {
		return ""
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var pkg, status, version string
	flush := func() string {
		defer func() { pkg, status, version = "", "", "" }()
		// only an installed package counts ("deinstall ok config-files" does not)
		if pkg != "kubelet" || !strings.HasSuffix(status, " installed") || version == "" {
			return ""
		}
		v := version
		if i := strings.IndexByte(v, ':'); i >= 0 { // epoch
			v = v[i+1:]
		}
		if i := strings.IndexByte(v, '-'); i >= 0 { // Debian revision
			v = v[:i]
		}
		return "v" + v
	}
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if v := flush(); v != "" {
				return v
			}
		case strings.HasPrefix(line, "Package: "):
			pkg = strings.TrimSpace(line[len("Package: "):])
		case strings.HasPrefix(line, "Status: "):
			status = strings.TrimSpace(line[len("Status: "):])
		case strings.HasPrefix(line, "Version: "):
			version = strings.TrimSpace(line[len("Version: "):])
		}
	}
	return flush()
}

// Detect reports whether data is a KubeletConfiguration
// (kubelet.config.k8s.io, kind KubeletConfiguration).
func Detect(source string, data []byte) bool {
	if !bytes.Contains(data, []byte(ConfigKind)) {
		return false
	}
	docs, _ := decode.Split(data, source, decode.Options{MaxDocuments: 16})
	for _, d := range docs {
		if d.Meta.Kind == ConfigKind && strings.HasPrefix(d.Meta.APIVersion, "kubelet.config.k8s.io/") {
			return true
		}
	}
	return false
}

// Scan evaluates a KubeletConfiguration file on its own: the kubelet is
// taken to run with --config pointing at it and no other flags (flags and
// drop-ins would override it; AssessNode sees those). It returns one
// report; an unreadable file is an error (a *kubeharden.InputError).
func Scan(source string, data []byte, opts Options) ([]kubeharden.Report, error) {
	doc, err := ParseConfig(source, data)
	if err != nil {
		return nil, err
	}
	e := ResolveConfig(doc)
	r := kubeharden.Report{Source: source, Document: doc.doc.Index, Object: ConfigKind, Kind: ConfigKind}
	r.Findings = Evaluate(e, opts)
	r.Errors = e.Errors
	r.ComputeScore()
	return []kubeharden.Report{r}, nil
}

// DetectUnit reports whether data is a systemd unit or drop-in that
// starts a kubelet (an ExecStart= whose executable is named kubelet), or
// is named like the kubelet's unit or drop-ins. Such files are assessed
// with AssessNode on the node root, where their environment files live.
func DetectUnit(source string, data []byte) bool {
	if strings.HasSuffix(source, "/kubelet.service") || source == "kubelet.service" ||
		(strings.Contains(source, "kubelet.service.d/") && strings.HasSuffix(source, ".conf")) {
		return true
	}
	if !bytes.Contains(data, []byte("ExecStart")) {
		return false
	}
	u, err := ParseUnit(source, data)
	if err != nil {
		return false
	}
	for _, d := range u.Directives {
		if d.Section != "Service" || d.Key != "ExecStart" || d.Value == "" {
			continue
		}
		words, err := splitWords(d.Value, true, true)
		if err != nil || len(words) == 0 {
			continue
		}
		exe := strings.TrimLeft(words[0], "-@:+!|")
		if exe == "kubelet" || strings.HasSuffix(exe, "/kubelet") {
			return true
		}
	}
	return false
}
