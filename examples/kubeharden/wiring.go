package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/apiserver"
	"github.com/kubeharden/kubeharden/apparmor"
	"github.com/kubeharden/kubeharden/audit"
	"github.com/kubeharden/kubeharden/image"
	"github.com/kubeharden/kubeharden/internal/decode"
	"github.com/kubeharden/kubeharden/kubelet"
	"github.com/kubeharden/kubeharden/manifest"
	"github.com/kubeharden/kubeharden/netpol"
	"github.com/kubeharden/kubeharden/report"
	"github.com/kubeharden/kubeharden/seccomp"
)

// inputType is what detectType decided a file holds.
type inputType int

const (
	typeUnknown inputType = iota
	typeKubernetes
	typeSeccomp
	typeAppArmor
	typeDockerfile
	typeTrivy
)

// detectType decides an input's type from its name and content.
func detectType(source string, data []byte) inputType {
	ext := strings.ToLower(filepath.Ext(source))
	switch {
	case image.DetectDockerfile(source, data):
		return typeDockerfile
	case ext == ".yaml" || ext == ".yml":
		return typeKubernetes
	case looksLikeTrivy(data):
		return typeTrivy
	case seccomp.Detect(source, data):
		return typeSeccomp
	case ext == ".json":
		return typeKubernetes
	case apparmor.Detect(source, data):
		return typeAppArmor
	}
	if looksLikeKubernetes(data) {
		return typeKubernetes
	}
	return typeUnknown
}

// looksLikeTrivy recognises a Trivy JSON report by its top-level keys.
func looksLikeTrivy(data []byte) bool {
	head := string(data[:min(len(data), 4096)])
	t := strings.TrimSpace(head)
	return strings.HasPrefix(t, "{") && strings.Contains(head, `"SchemaVersion"`) && strings.Contains(head, `"ArtifactName"`)
}

// looksLikeKubernetes accepts YAML or JSON with a kind or apiVersion key,
// for standard input and files without a telling extension.
func looksLikeKubernetes(data []byte) bool {
	s := string(data[:min(len(data), 64<<10)])
	return strings.Contains(s, "kind:") || strings.Contains(s, "apiVersion:") ||
		strings.Contains(s, `"kind"`) || strings.Contains(s, `"apiVersion"`)
}

// scanWhole runs the analyzer of a non-Kubernetes input type.
func scanWhole(t inputType, source string, data []byte, s *settings) ([]kubeharden.Report, error) {
	switch t {
	case typeSeccomp:
		return seccomp.Scan(source, data, seccomp.Options{})
	case typeAppArmor:
		return apparmor.Scan(source, data, apparmor.Options{})
	case typeTrivy:
		r, err := image.GateTrivy(source, data, s.trivy, s.now)
		if err != nil {
			return nil, err
		}
		return []kubeharden.Report{r}, nil
	case typeDockerfile:
		r, err := image.ScanDockerfile(source, data, image.DockerfileOptions{Policy: s.image})
		if err != nil {
			return nil, err
		}
		return []kubeharden.Report{r}, nil
	}
	return nil, nil
}

func (s *settings) manifestOptions() manifest.Options {
	o := manifest.Options{PSSLevel: s.pss, PSSVersion: s.pssVer,
		// Only these formats print JSON Patches.
		NoPatches: s.format != report.FormatJSON && s.format != report.FormatPatch}
	if s.compat == "kubesec" {
		o.Compat = manifest.CompatKubesec
	}
	return o
}

// scanFrame decodes one framed document and hands each object to the
// analyzer of its kind.
func scanFrame(file int, fr decode.Frame, s *settings, explicit, linkSeccomp bool) outcome {
	o := outcome{file: file, doc: fr.Index}
	docs, errs := fr.Decode()
	o.errs = append(o.errs, errs...)
	for _, d := range docs {
		if d.Item >= 0 {
			o.item = d.Item
		}
		if d.MetaErr != nil && s.compat != "kubesec" {
			o.errs = append(o.errs, d.MetaErr) // the API server rejects it
			continue
		}
		switch analyzerFor(d) {
		case "kubelet":
			reps, err := kubelet.Scan(fr.Source, fr.Raw, kubelet.Options{})
			o.add(reps, err, fr)
			continue
		case "audit":
			reps, err := audit.Scan(fr.Source, fr.Raw, audit.Options{})
			o.add(reps, err, fr)
			continue
		case "apiserver":
			reps, err := apiserver.Scan(fr.Source, fr.Raw, apiserver.Options{})
			o.add(reps, err, fr)
			if d.Meta.Kind != "Pod" {
				continue
			}
		case "netpol":
			o.netpol = true
		}
		if s.compat != "kubesec" {
			if linkSeccomp {
				o.localhost = append(o.localhost, localhostSeccompRefs(d)...)
			}
			if strings.HasPrefix(d.Meta.APIVersion, "rbac.authorization.k8s.io/") {
				o.rbac = append(o.rbac, d)
			}
		}
		if s.compat == "kubesec" || d.Meta.Kind != "NetworkPolicy" {
			r, err := manifest.ScanDocument(d, s.manifestOptions())
			if err != nil && (explicit || !errors.Is(err, manifest.ErrMissingKind)) {
				// Walked files may hold non-Kubernetes YAML documents.
				o.errs = append(o.errs, err)
			}
			if r != nil {
				if s.imageActive && s.compat != "kubesec" {
					r.Findings = append(r.Findings, imagePolicyFindings(d, s.image)...)
					r.ComputeScore()
				}
				o.reports = append(o.reports, *r)
			}
		}
	}
	return o
}

func (o *outcome) add(reps []kubeharden.Report, err error, fr decode.Frame) {
	shiftLines(reps, fr)
	o.reports = append(o.reports, reps...)
	if err != nil {
		ie := asInputError(fr.Source, err)
		if ie.Document < 0 {
			ie.Document = fr.Index
		}
		if ie.Line > 0 {
			ie.Line += fr.Line - 1
		}
		o.errs = append(o.errs, ie)
	}
}

// analyzerFor names the package that owns a document's kind.
func analyzerFor(d *decode.Document) string {
	group, _, _ := strings.Cut(d.Meta.APIVersion, "/")
	switch {
	case d.Meta.Kind == "KubeletConfiguration" && group == "kubelet.config.k8s.io":
		return "kubelet"
	case d.Meta.Kind == "Policy" && group == "audit.k8s.io":
		return "audit"
	case (group == "apiserver.config.k8s.io" || group == "apiserver.k8s.io") &&
		(d.Meta.Kind == "EncryptionConfiguration" || d.Meta.Kind == "AdmissionConfiguration" ||
			d.Meta.Kind == "AuthenticationConfiguration" || d.Meta.Kind == "AuthorizationConfiguration"):
		// EventRateLimit and ImagePolicyWebhook files are assessed through
		// the AdmissionConfiguration (or the node) that references them.
		return "apiserver"
	case d.Meta.Kind == "Pod" && isControlPlanePod(d):
		return "apiserver"
	case d.Meta.Kind == "NetworkPolicy":
		return "netpol"
	}
	return "manifest"
}

// isControlPlanePod recognises kubeadm-style static pods of the control
// plane by their component label or name.
func isControlPlanePod(d *decode.Document) bool {
	comp := d.Meta.Labels["component"]
	if comp == "" {
		comp = d.Meta.Name
	}
	for _, c := range []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"} {
		if comp == c || strings.HasPrefix(comp, c+"-") {
			return d.Meta.Namespace == "" || d.Meta.Namespace == "kube-system"
		}
	}
	return false
}

// lintNetworkPolicies builds one NetworkPolicy model from every
// Kubernetes input of the scan and lints it.
func lintNetworkPolicies(ctx context.Context, files []namedData) ([]kubeharden.Report, []*kubeharden.InputError) {
	ins := make([]netpol.Input, 0, len(files))
	for _, f := range files {
		ins = append(ins, netpol.Input{Source: f.source, Data: f.data})
	}
	m, errs := netpol.Load(ctx, ins...)
	if m == nil {
		return nil, errs
	}
	return netpol.Lint(m), nil
}

// allRules is the whole catalogue, for `kubeharden rules`, SARIF and rule
// selection.
func allRules() []kubeharden.Rule {
	var out []kubeharden.Rule
	for _, rs := range [][]kubeharden.Rule{
		manifest.Rules(), kubelet.Rules(), apiserver.Rules(), netpol.Rules(), seccomp.Rules(),
		apparmor.Rules(), audit.Rules(), image.Rules(),
	} {
		out = append(out, rs...)
	}
	return out
}
