package seccomp

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/kubeharden/kubeharden"
)

// Kubernetes seccompProfile types (core/v1 SeccompProfileType values).
const (
	ProfileRuntimeDefault = "RuntimeDefault"
	ProfileUnconfined     = "Unconfined"
	ProfileLocalhost      = "Localhost"
)

// ErrUnknownProfileType reports a seccompProfile.type Kubernetes does not
// define.
var ErrUnknownProfileType = errors.New("unknown seccompProfile type")

// PodProfile is the effective seccompProfile of one container: the
// container's securityContext.seccompProfile, else the pod's. It is a small
// struct so that callers need not import the manifest package.
type PodProfile struct {
	// Object names the workload and container in reports, e.g.
	// `Deployment/web.shop container "app"`.
	Object string
	// Source is the manifest file, for the report.
	Source string
	// Path is the field path of the seccompProfile in the manifest.
	Path string
	// Type is RuntimeDefault, Unconfined, Localhost, or "" when unset.
	Type string
	// LocalhostProfile is the path relative to the kubelet seccomp root.
	LocalhostProfile string
	// Privileged containers always run unconfined.
	Privileged bool
	// KubeletSeccompDefault is the kubelet's seccompDefault setting: with
	// it an unset type means RuntimeDefault, without it Unconfined.
	KubeletSeccompDefault bool
}

// AnalyzePod resolves a container's seccompProfile on a node and analyses
// the profile that applies. seccompRoot is the kubelet seccomp root
// (<kubelet-root>/seccomp, usually /var/lib/kubelet/seccomp) as an fs.FS;
// it is read only for Localhost profiles. The returned report carries the
// pod-level finding and, for a Localhost profile, the profile's own
// findings; its Source is the profile file for Localhost profiles.
func AnalyzePod(ref PodProfile, seccompRoot fs.FS, t Target) (kubeharden.Report, error) {
	t = t.normalize()
	r := kubeharden.Report{Source: ref.Source, Object: ref.Object, Kind: ReportKind}
	if r.Object == "" {
		r.Object = "Pod"
	}
	r.Object = fmt.Sprintf("%s (%s)", r.Object, t)
	fail := func(rule kubeharden.Rule, msg string) {
		f := rule.Fail(msg, ref.Path)
		f.Position.File = ref.Source
		r.Findings = append(r.Findings, detach(f))
	}
	done := func() (kubeharden.Report, error) {
		kubeharden.SortFindings(r.Findings)
		r.ComputeScore()
		return r, nil
	}
	typ := ref.Type
	switch {
	case ref.Privileged:
		fail(rulePodUnconfined, "privileged containers always run without seccomp, whatever seccompProfile says")
		return done()
	case typ == "" && ref.KubeletSeccompDefault:
		typ = ProfileRuntimeDefault
	case typ == "":
		fail(rulePodUnconfined, "seccompProfile is not set and the kubelet's seccompDefault is off, so the container runs Unconfined")
		return done()
	}
	switch typ {
	case ProfileUnconfined:
		fail(rulePodUnconfined, "seccompProfile type Unconfined: no syscall filter")
		return done()
	case ProfileRuntimeDefault:
		r.Findings = append(r.Findings, detach(rulePodUnconfined.Pass(fmt.Sprintf("RuntimeDefault: %s's default profile applies", t.Runtime), ref.Path)))
		return done()
	case ProfileLocalhost:
	default:
		return r, fmt.Errorf("%w %q", ErrUnknownProfileType, ref.Type)
	}
	lp := ref.LocalhostProfile
	if lp == "" || strings.HasPrefix(lp, "/") || strings.Contains(lp, "\\") || slicesContainsDotDot(lp) || !fs.ValidPath(path.Clean(lp)) {
		fail(ruleLocalhostPathInvalid, fmt.Sprintf("localhostProfile %q must be a non-empty relative path inside the kubelet seccomp root, without '..'", lp))
		return done()
	}
	name := path.Clean(lp)
	data, err := readLimited(seccompRoot, name, DefaultMaxBytes)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			fail(ruleLocalhostProfileMissing, fmt.Sprintf("Localhost profile %q does not exist under the kubelet seccomp root; the container fails to start", lp))
			return done()
		}
		return r, &kubeharden.InputError{Source: name, Document: -1, Err: err}
	}
	r.Findings = append(r.Findings, detach(rulePodUnconfined.Pass(fmt.Sprintf("Localhost profile %q applies", lp), ref.Path)))
	p, err := Parse(name, data)
	if err != nil {
		var ie *kubeharden.InputError
		if errors.As(err, &ie) {
			r.Errors = append(r.Errors, *ie)
		}
		fail(ruleRejectedByRuntime, fmt.Sprintf("Localhost profile %q cannot be decoded: %v; the container fails to start", lp, err))
		return done()
	}
	pr := Analyze(p, t)
	r.Findings = append(r.Findings, pr.Findings...)
	if r.Source == "" {
		r.Source = name
	}
	return done()
}

func slicesContainsDotDot(p string) bool {
	for _, part := range strings.Split(p, "/") {
		if part == ".." {
			return true
		}
	}
	return false
}

// readLimited reads a file through fsys, refusing more than limit bytes.
func readLimited(fsys fs.FS, name string, limit int) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory", name)
	}
	data, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(data) > limit {
		return nil, fmt.Errorf("%w: %s exceeds %d bytes", ErrTooLarge, name, limit)
	}
	return data, nil
}
