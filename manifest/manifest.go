package manifest

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
)

// Compat selects a compatibility mode.
type Compat int

const (
	// CompatNone is kubeharden's own analysis (the default): every pod
	// template kind, every container, kubesec's known defects fixed.
	CompatNone Compat = iota
	// CompatKubesec reproduces kubesec HEAD (controlplaneio/kubesec
	// a59caad, rules-only mode) verdict for verdict: score, the critical,
	// passed and advise lists, ids, selectors, reasons, object names and
	// messages, including kubesec's documented defects. See kubesec.go
	// for how the results map onto findings.
	CompatKubesec
)

// String returns "none" or "kubesec".
func (c Compat) String() string {
	switch c {
	case CompatNone:
		return "none"
	case CompatKubesec:
		return "kubesec"
	}
	return fmt.Sprintf("compat(%d)", int(c))
}

// ErrUnknownCompat is returned by ParseCompat.
var ErrUnknownCompat = errors.New("unknown compatibility mode")

// ParseCompat reads "", "none" or "kubesec".
func ParseCompat(s string) (Compat, error) {
	switch s {
	case "", "none":
		return CompatNone, nil
	case "kubesec":
		return CompatKubesec, nil
	}
	return CompatNone, fmt.Errorf("%w %q (want none or kubesec)", ErrUnknownCompat, s)
}

// Options configure a scan. The zero value is the recommended policy.
type Options struct {
	// Compat selects kubesec-compatible results instead of kubeharden's.
	Compat Compat
	// IgnoreAnnotation disables suppressions through the object annotations
	// kubeharden.io/suppress and kubeharden.io/ignore (see
	// SuppressAnnotation).
	IgnoreAnnotation bool
	// PSSVersion is the Pod Security Standards policy version the pod
	// templates are evaluated at: "" or "latest" (the newest rules of
	// k8s.io/pod-security-admission, v1.37 for v0.37.2), or "v1.N" (also
	// "1.N"); versions newer than the library's newest rules use those.
	PSSVersion string
	// PSSLevel is the Pod Security level the policy enforces: "" or
	// "privileged" (none: PSS findings are advice, severity low for
	// baseline and info for restricted), "baseline" (manifest/PSSBaseline
	// findings get severity high), "restricted" (manifest/PSSBaseline and
	// manifest/PSSRestricted findings get severity high). The CLI flag
	// --pss L sets PSSLevel = L; see the package documentation for how a
	// high finding fails a gate.
	PSSLevel string
	// MeshRootNamespace is Istio's root namespace, where a selector-less
	// PeerAuthentication applies to the whole mesh ("" = istio-system).
	MeshRootNamespace string
	// SandboxRuntimeClasses are RuntimeClass names that manifest/
	// SandboxedRuntime accepts as sandboxed, besides the names it
	// recognises (runsc, anything containing gvisor, kata*).
	SandboxRuntimeClasses []string
	// NoPatches leaves Finding.Patch empty, for callers that never show
	// the JSON Patches (building them is about a tenth of a scan).
	NoPatches bool
}

// scanOpts are Options resolved once per scan.
type scanOpts struct {
	noPatches    bool
	pssMinor     int
	pssLabel     string
	pssEnforce   int
	pssLevelName string
	meshRoot     string
	sandboxes    []string
}

func resolve(opts Options) (scanOpts, error) {
	lvl, err := pssLevel(opts.PSSLevel)
	if err != nil {
		return scanOpts{}, err
	}
	m, label, err := pssVersion(opts.PSSVersion)
	if err != nil {
		return scanOpts{}, err
	}
	root := opts.MeshRootNamespace
	if root == "" {
		root = defaultMeshRootNS
	}
	return scanOpts{pssMinor: m, pssLabel: label, pssEnforce: lvl, pssLevelName: opts.PSSLevel, meshRoot: root,
		sandboxes: opts.SandboxRuntimeClasses, noPatches: opts.NoPatches}, nil
}

// SuppressAnnotation is the object annotation that suppresses rules for
// that object: a comma-separated list of rule IDs or names
// ("manifest/HostNetwork, RunAsRoot"), optionally followed by "; reason".
// Suppressed findings stay in the report, marked Suppressed, and count
// neither towards the score nor towards a failure policy. Compat mode
// ignores it, as kubesec has no such mechanism.
const SuppressAnnotation = "kubeharden.io/suppress"

// ErrMissingKind is reported (default mode) for a document without kind.
var ErrMissingKind = errors.New("missing kind")

// Scan analyses every document of data (YAML or JSON, one or many
// documents, List kinds expanded). It returns one report per analysed
// object, in input order, and the input errors met (each names the source,
// document and line); a bad document never stops the others.
//
// In the default mode objects of kinds it does not analyse (Service,
// ConfigMap, ...) yield no report. In CompatKubesec mode every document
// yields a report, as in kubesec (unsupported kinds get no findings and
// KubesecMessage says so), and an input without any document is an error
// (ErrNoDocuments), as kubesec's "Invalid input".
func Scan(source string, data []byte, opts Options) ([]kubeharden.Report, []*kubeharden.InputError) {
	docs, errs := decode.Split(data, source, decode.Options{})
	reports := make([]kubeharden.Report, 0, len(docs))
	so, oerr := resolve(opts)
	for _, d := range docs {
		r, err := scanDocument(d, opts, &so, oerr)
		if err != nil {
			errs = append(errs, err)
		}
		if r != nil {
			reports = append(reports, *r)
		}
	}
	if opts.Compat == CompatKubesec && len(docs) == 0 && len(errs) == 0 {
		errs = append(errs, &kubeharden.InputError{Source: source, Document: -1, Err: ErrNoDocuments})
	}
	return reports, errs
}

// ScanDocument analyses one already split document (the CLI and the webhook
// reuse decode's documents). It returns a nil report for kinds it does not
// analyse (default mode) and an error, with a nil report, for documents that
// cannot be analysed (a missing kind, a value of the wrong type).
func ScanDocument(d *decode.Document, opts Options) (*kubeharden.Report, *kubeharden.InputError) {
	so, err := resolve(opts)
	return scanDocument(d, opts, &so, err)
}

func scanDocument(d *decode.Document, opts Options, so *scanOpts, optErr error) (*kubeharden.Report, *kubeharden.InputError) {
	if opts.Compat == CompatKubesec {
		// kubesec names such documents ("ConfigMap/1.2") and reports
		// them like any other.
		return scanKubesec(d)
	}
	if d.MetaErr != nil {
		// apiVersion, kind or metadata of the wrong type: the API server
		// rejects the object.
		return nil, d.MetaErr
	}
	if d.Meta.Kind == "" {
		return nil, d.Error(fmt.Errorf("%w: every Kubernetes object needs apiVersion and kind", ErrMissingKind), "")
	}
	if rbacKinds[d.Meta.Kind] {
		if optErr != nil {
			return nil, d.Error(optErr, "")
		}
		return scanRBAC(d, opts)
	}
	ext, ok := kindTable[d.Meta.Kind]
	if !ok {
		if ext, ok = kindChecks[d.Meta.Kind]; !ok {
			return nil, nil
		}
	}
	o, problems, err := ext(d)
	if err != nil {
		var ie *kubeharden.InputError
		if errors.As(err, &ie) {
			return nil, ie
		}
		return nil, d.Error(err, "")
	}
	if o == nil {
		return nil, nil
	}
	if optErr != nil {
		return nil, d.Error(optErr, "")
	}
	o.kind = d.Meta.Kind
	// One allocation for the usual number of findings (about one per
	// rule, a few more per extra container).
	s := scanner{findings: make([]kubeharden.Finding, 0, len(problems)+32), opts: so}
	if len(problems) > 0 {
		s.findings = append(s.findings, decode.ProblemFindings("manifest", d, problems)...)
	}
	s.run(o)
	if !opts.IgnoreAnnotation {
		suppress(o.meta.Annotations, s.findings)
	}
	position(d, s.findings)
	r := &kubeharden.Report{Source: d.Source, Document: d.Index, Object: objectName(d, o), Kind: d.Meta.Kind, Findings: s.findings}
	r.ComputeScore()
	return r, nil
}

// objectName is kubesec's "Kind/name.namespace"; cluster-scoped kinds have
// no namespace.
func objectName(d *decode.Document, o *object) string {
	if o.clusterScoped {
		return d.Object(true)
	}
	return d.Object(false)
}

// ScanObject analyses one object that is already decoded: a Kubernetes API
// object (a k8s.io/api struct or unstructured map with apiVersion and kind
// set) or its raw JSON as []byte or json.RawMessage (the
// AdmissionReview's request.object). It returns nil and no error for kinds
// the default mode does not analyse.
func ScanObject(obj any, opts Options) (*kubeharden.Report, error) {
	var js []byte
	switch v := obj.(type) {
	case []byte:
		js = v
	case json.RawMessage:
		js = v
	default:
		b, err := json.Marshal(obj)
		if err != nil {
			return nil, fmt.Errorf("encoding the object: %w", err)
		}
		js = b
	}
	docs, errs := decode.Split(js, "", decode.Options{})
	if len(errs) > 0 {
		return nil, errs[0]
	}
	if len(docs) != 1 {
		return nil, fmt.Errorf("%w: want exactly one object, found %d", decode.ErrNotObject, len(docs))
	}
	r, err := ScanDocument(docs[0], opts)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// position fills the findings' positions, resolving each distinct path once
// (passed findings share the pod spec's path, several findings a
// container's). Small reports use a linear scan, large ones a map.
func position(d *decode.Document, fs []kubeharden.Finding) {
	var seen map[string]kubeharden.Position
	if len(fs) > 64 {
		seen = make(map[string]kubeharden.Position, len(fs))
	}
	for i := range fs {
		if fs[i].Position.IsValid() {
			continue
		}
		if seen != nil {
			p, ok := seen[fs[i].Path]
			if !ok {
				p = d.Position(fs[i].Path)
				seen[fs[i].Path] = p
			}
			fs[i].Position = p
			continue
		}
		for j := range i {
			if fs[j].Path == fs[i].Path && fs[j].Position.File == d.Source {
				fs[i].Position = fs[j].Position
				break
			}
		}
		if !fs[i].Position.IsValid() {
			fs[i].Position = d.Position(fs[i].Path)
		}
	}
}
