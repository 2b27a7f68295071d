package apiserver

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
)

// ErrUnsupportedInput is returned by Scan for input that holds neither a
// control-plane static pod nor a configuration file this package reads.
var ErrUnsupportedInput = errors.New("no control-plane static pod, EncryptionConfiguration, AdmissionConfiguration, AuthenticationConfiguration or AuthorizationConfiguration found")

// Options tune an assessment. The zero value is the recommended policy:
// the built-in release table, no kubelet version, and no referenced files
// (checks that need them say they could not be evaluated).
type Options struct {
	// FS holds the files that flags and configuration files reference,
	// addressed by their node path without the leading slash
	// ("etc/kubernetes/enc/encryption.yaml"). Container paths are mapped
	// to node paths through the pod's hostPath volumes first.
	FS fs.FS
	// Releases replaces the built-in release table (for version hygiene).
	Releases *ReleaseTable
	// KubeletVersion is the node's kubelet version ("v1.33.4"), optional;
	// when set, kubelet skew against kube-apiserver is checked.
	KubeletVersion string
	// SkipVersions turns version hygiene findings off.
	SkipVersions bool
}

func (o *Options) releases() *ReleaseTable {
	if o.Releases != nil {
		return o.Releases
	}
	return DefaultReleases()
}

// Detect reports whether data holds something Scan analyses: a
// control-plane static pod, or an EncryptionConfiguration,
// AdmissionConfiguration, AuthenticationConfiguration or
// AuthorizationConfiguration.
func Detect(source string, data []byte) bool {
	docs, _ := decode.Split(data, source, decode.Options{})
	for _, d := range docs {
		switch inputKind(d) {
		case "":
		case "Pod":
			if pod, _, err := decodePod(d); err == nil {
				if _, err := FindComponent(pod); err == nil {
					return true
				}
			}
		default:
			return true
		}
	}
	return false
}

// componentPod decodes a Pod document once and finds its control-plane
// container; ok is false for other pods.
func componentPod(d *decode.Document, file string) (podInput, *kubeharden.InputError, bool) {
	pod, problems, err := decodePod(d)
	if err != nil {
		var ie *kubeharden.InputError
		if !errors.As(err, &ie) {
			ie = &kubeharden.InputError{Source: d.Source, Document: d.Index, Line: d.Line, Err: err}
		}
		return podInput{}, ie, false
	}
	cp, err := FindComponent(pod)
	if err != nil {
		return podInput{}, nil, false
	}
	return podInput{cp: cp, doc: d, problems: problems, file: file}, nil, true
}

func inputKind(d *decode.Document) string {
	m := d.Meta
	switch {
	case m.Kind == "Pod" && m.APIVersion == "v1":
		return "Pod" // callers decode it and look for a control-plane container
	case isEncryptionConfig(m):
		return "EncryptionConfiguration"
	case isAdmissionConfig(m):
		return "AdmissionConfiguration"
	case isStructuredConfig(m, "AuthenticationConfiguration"):
		return "AuthenticationConfiguration"
	case isStructuredConfig(m, "AuthorizationConfiguration"):
		return "AuthorizationConfiguration"
	case m.APIVersion == "" && m.Kind == "" && strings.Contains(string(d.JSON), `"imagePolicy"`):
		return "AdmissionConfiguration"
	}
	return ""
}

// Scan analyses one input: a static pod manifest (kube-apiserver,
// kube-controller-manager, kube-scheduler or etcd; several documents are
// fine) or an EncryptionConfiguration, AdmissionConfiguration,
// AuthenticationConfiguration or AuthorizationConfiguration file on its
// own. Files the manifest references are read through opts.FS. The error
// is non-nil only when nothing in data could be analysed.
func Scan(source string, data []byte, opts Options) ([]kubeharden.Report, error) {
	docs, errs := decode.Split(data, source, decode.Options{})
	var reports []kubeharden.Report
	var pods []podInput
	for _, d := range docs {
		if d.Meta.Kind == "Pod" && d.Meta.APIVersion != "v1" {
			continue
		}
		switch inputKind(d) {
		case "Pod":
			p, ie, ok := componentPod(d, "")
			if ie != nil {
				errs = append(errs, ie)
			}
			if ok {
				pods = append(pods, p)
			}
		case "EncryptionConfiguration":
			reports = append(reports, scanEncryption(d))
		case "AdmissionConfiguration":
			reports = append(reports, scanAdmission(d, &opts))
		case "AuthenticationConfiguration":
			reports = append(reports, scanAuthentication(d))
		case "AuthorizationConfiguration":
			reports = append(reports, scanAuthorization(d))
		}
	}
	reports = append(assessPods(pods, &opts), reports...)
	if len(reports) == 0 {
		if len(errs) > 0 {
			return nil, errs[0]
		}
		return nil, &kubeharden.InputError{Source: source, Document: -1, Err: ErrUnsupportedInput}
	}
	for _, e := range errs {
		reports[0].Errors = append(reports[0].Errors, *e)
	}
	return reports, nil
}

type podInput struct {
	cp       *ComponentPod
	doc      *decode.Document
	problems []decode.FieldProblem
	// file is the manifest's path in the node FS (AssessControlPlane).
	file string
}

// assessPods evaluates control-plane pods together, so that etcd's CA can
// be compared with the API server's and versions checked for skew.
func assessPods(pods []podInput, opts *Options) []kubeharden.Report {
	apiCA, apiCAKnown := "", false
	apiVersion := ""
	for _, p := range pods {
		if p.cp.Component == APIServer {
			apiCA, _ = p.cp.Flags.String("client-ca-file", "")
			apiCAKnown = true
			apiVersion = imageVersion(p.cp.Image)
		}
	}
	out := make([]kubeharden.Report, 0, len(pods))
	for _, p := range pods {
		c := newCtx(p.cp, p.doc, opts)
		c.apiClientCA, c.apiClientCAKnown = apiCA, apiCAKnown
		c.findings = append(c.findings, decode.ProblemFindings("apiserver", p.doc, p.problems)...)
		c.reportArgProblems()
		switch p.cp.Component {
		case APIServer:
			c.checkAPIServer()
		case ControllerManager:
			c.checkControllerManager()
		case Scheduler:
			c.checkScheduler()
		case Etcd:
			c.checkEtcd()
		}
		if !opts.SkipVersions {
			c.versionFindings(apiVersion)
		}
		rep := kubeharden.Report{Source: p.doc.Source, Document: p.doc.Index, Object: p.doc.Object(false), Kind: "Pod", Findings: c.findings, Errors: c.errs}
		kubeharden.SortFindings(rep.Findings)
		rep.ComputeScore()
		out = append(out, rep)
	}
	return out
}

func configReport(d *decode.Document, kind string, fs []kubeharden.Finding) kubeharden.Report {
	d.Positioned(fs)
	obj := kind
	if d.Meta.Name != "" {
		obj += "/" + d.Meta.Name
	}
	r := kubeharden.Report{Source: d.Source, Document: d.Index, Object: obj, Kind: kind, Findings: fs}
	kubeharden.SortFindings(r.Findings)
	r.ComputeScore()
	return r
}

func errReport(d *decode.Document, kind string, err error) kubeharden.Report {
	r := kubeharden.Report{Source: d.Source, Document: d.Index, Object: kind, Kind: kind}
	var ie *kubeharden.InputError
	if errors.As(err, &ie) {
		r.Errors = append(r.Errors, *ie)
	} else {
		r.Errors = append(r.Errors, kubeharden.InputError{Source: d.Source, Document: d.Index, Line: d.Line, Err: err})
	}
	return r
}

func scanEncryption(d *decode.Document) kubeharden.Report {
	var c EncryptionConfiguration
	problems, err := d.Into(&c)
	if err != nil {
		return errReport(d, "EncryptionConfiguration", err)
	}
	fs := decode.ProblemFindings("apiserver", d, problems)
	fs = append(fs, evaluateEncryption(&c, d, d.Source, false)...)
	return configReport(d, "EncryptionConfiguration", fs)
}

func scanAuthentication(d *decode.Document) kubeharden.Report {
	var c AuthenticationConfiguration
	problems, err := d.Into(&c)
	if err != nil {
		return errReport(d, "AuthenticationConfiguration", err)
	}
	fs := decode.ProblemFindings("apiserver", d, problems)
	for _, p := range c.Validate() {
		fs = append(fs, RuleConfigInvalid.Fail(p.Error(), p.Path))
	}
	r := cisRule("AnonymousAuth")
	switch a := c.Anonymous; {
	case a == nil:
		fs = append(fs, r.Fail("no anonymous block: --anonymous-auth decides (default true)", "anonymous"))
	case !a.Enabled:
		fs = append(fs, r.Pass("anonymous.enabled is false", "anonymous.enabled"))
	case len(a.Conditions) > 0 && healthOnly(a.Conditions):
		fs = append(fs, r.Pass("anonymous requests are enabled only for "+condPaths(a.Conditions), "anonymous.conditions"),
			RuleAnonymousConditions.Pass("anonymous requests are enabled only for "+condPaths(a.Conditions), "anonymous.conditions"))
	case len(a.Conditions) > 0:
		fs = append(fs, r.Fail("anonymous requests are enabled for "+condPaths(a.Conditions)+", beyond the health endpoints", "anonymous.conditions"))
	default:
		fs = append(fs, r.Fail("anonymous.enabled is true for every path", "anonymous.enabled"))
	}
	return configReport(d, "AuthenticationConfiguration", fs)
}

func scanAuthorization(d *decode.Document) kubeharden.Report {
	var c AuthorizationConfiguration
	problems, err := d.Into(&c)
	if err != nil {
		return errReport(d, "AuthorizationConfiguration", err)
	}
	fs := decode.ProblemFindings("apiserver", d, problems)
	for _, p := range c.Validate() {
		fs = append(fs, RuleConfigInvalid.Fail(p.Error(), p.Path))
	}
	types := c.Types()
	chain := "authorizers [" + strings.Join(types, ",") + "]"
	has := func(t string) bool { return contains(types, t) }
	fs = append(fs,
		result(cisRule("AuthorizationNotAlwaysAllow"), !has("AlwaysAllow"), chain, "authorizers"),
		result(cisRule("AuthorizationNode"), has("Node"), chain, "authorizers"),
		result(cisRule("AuthorizationRBAC"), has("RBAC"), chain, "authorizers"))
	return configReport(d, "AuthorizationConfiguration", fs)
}

func result(r kubeharden.Rule, ok bool, msg, p string) kubeharden.Finding {
	if ok {
		return r.Pass(msg, p)
	}
	return r.Fail(msg, p)
}

func scanAdmission(d *decode.Document, opts *Options) kubeharden.Report {
	var c AdmissionConfiguration
	var problems []decode.FieldProblem
	if d.Meta.APIVersion == "" && d.Meta.Kind == "" {
		c.Plugins = []AdmissionPluginConfiguration{{Name: "ImagePolicyWebhook", Configuration: d.JSON}}
	} else {
		var err error
		if problems, err = d.Into(&c); err != nil {
			return errReport(d, "AdmissionConfiguration", err)
		}
	}
	fs := decode.ProblemFindings("apiserver", d, problems)
	dir := path.Dir(d.Source)
	read := func(p string) ([]byte, error) { return readFS(opts.FS, p) }
	var errs []kubeharden.InputError
	for _, name := range []string{"ImagePolicyWebhook", "EventRateLimit"} {
		pc, ok := c.Plugin(name, dir, read)
		if !ok {
			continue
		}
		if pc.Err != nil {
			fs = append(fs, RuleConfigUnreadable.Fail(fmt.Sprintf("%s configuration %s: %v", name, pc.File, pc.Err), pc.Entry+".path"))
			continue
		}
		src := pc.File
		if pc.Inline {
			src = d.Source
		}
		if pc.BothSet {
			fs = append(fs, RuleConfigInvalid.Fail(name+": both path and configuration are set; the inline configuration wins", pc.Entry))
		}
		switch name {
		case "ImagePolicyWebhook":
			ip, err := ParseImagePolicy(src, pc.Data)
			if err != nil {
				errs = append(errs, asInputError(err, src))
				fs = append(fs, RuleConfigInvalid.Fail("ImagePolicyWebhook configuration does not decode: "+err.Error(), pc.Entry))
				continue
			}
			for _, p := range ip.Validate() {
				fs = append(fs, RuleConfigInvalid.Fail(p.Error(), pc.Entry))
			}
			fs = append(fs, result(RuleImagePolicyFailOpen, !ip.DefaultAllow, fmt.Sprintf("imagePolicy.defaultAllow is %v", ip.DefaultAllow), pc.Entry))
			if ip.AllowTTL >= 600 {
				fs = append(fs, RuleImagePolicySlowRevocation.Fail(fmt.Sprintf("imagePolicy.allowTTL is %d seconds", ip.AllowTTL), pc.Entry))
			}
		case "EventRateLimit":
			erl, _, err := ParseEventRateLimit(src, pc.Data)
			if err != nil {
				errs = append(errs, asInputError(err, src))
				fs = append(fs, RuleConfigInvalid.Fail("EventRateLimit configuration does not decode: "+err.Error(), pc.Entry))
				continue
			}
			for _, p := range erl.Validate() {
				fs = append(fs, RuleConfigInvalid.Fail("EventRateLimit: "+p.Error(), pc.Entry))
			}
		}
	}
	r := configReport(d, "AdmissionConfiguration", fs)
	r.Errors = append(r.Errors, errs...)
	return r
}

func asInputError(err error, source string) kubeharden.InputError {
	var ie *kubeharden.InputError
	if errors.As(err, &ie) {
		return *ie
	}
	return kubeharden.InputError{Source: source, Document: -1, Err: err}
}

// NodeOptions tune AssessControlPlane.
type NodeOptions struct {
	Options
	// ManifestDir is the static pod directory inside the node FS (default
	// "etc/kubernetes/manifests").
	ManifestDir string
	// Owner returns a file's numeric owner and group. When nil, owners are
	// taken from fs.FileInfo.Sys() where the platform provides them
	// (os.DirFS on Unix); ownership checks are skipped when neither knows.
	Owner func(name string) (uid, gid int, ok bool)
}

// AssessControlPlane assesses a copied control-plane node: every static
// pod manifest in /etc/kubernetes/manifests (*.yaml, *.yml, *.json), the
// files their flags reference, and the CIS 1.1 permissions and ownership
// of the manifests, kubeconfigs, PKI and etcd data directory that can be
// judged from the file system given.
func AssessControlPlane(fsys fs.FS, opts NodeOptions) ([]kubeharden.Report, error) {
	dir := opts.ManifestDir
	if dir == "" {
		dir = "etc/kubernetes/manifests"
	}
	opts.FS = fsys
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("reading static pod directory %s: %w", dir, err)
	}
	var pods []podInput
	var reports []kubeharden.Report
	for _, e := range entries {
		ext := path.Ext(e.Name())
		if e.IsDir() || (ext != ".yaml" && ext != ".yml" && ext != ".json") {
			continue
		}
		name := path.Join(dir, e.Name())
		data, err := readFS(fsys, name)
		if err != nil {
			reports = append(reports, kubeharden.Report{Source: name, Document: -1, Object: name, Errors: []kubeharden.InputError{{Source: name, Document: -1, Err: err}}})
			continue
		}
		docs, errs := decode.Split(data, name, decode.Options{})
		for _, d := range docs {
			if inputKind(d) != "Pod" {
				continue
			}
			p, ie, ok := componentPod(d, name)
			if ie != nil {
				errs = append(errs, ie)
			}
			if ok {
				pods = append(pods, p)
			}
		}
		if len(errs) > 0 {
			r := kubeharden.Report{Source: name, Document: -1, Object: name}
			for _, e := range errs {
				r.Errors = append(r.Errors, *e)
			}
			reports = append(reports, r)
		}
	}
	assessed := assessPods(pods, &opts.Options)
	own := newOwnership(fsys, opts.Owner)
	for i, p := range pods {
		assessed[i].Findings = append(assessed[i].Findings, manifestFileFindings(fsys, own, p)...)
		if p.cp.Component == Etcd {
			assessed[i].Findings = append(assessed[i].Findings, etcdDataDirFindings(fsys, own, p)...)
		}
		kubeharden.SortFindings(assessed[i].Findings)
		assessed[i].ComputeScore()
	}
	reports = append(assessed, reports...)
	if fr := nodeFileReport(fsys, own); len(fr.Findings) > 0 {
		reports = append(reports, fr)
	}
	sort.SliceStable(reports, func(i, j int) bool { return reports[i].Source < reports[j].Source })
	return reports, nil
}
