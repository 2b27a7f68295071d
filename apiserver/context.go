package apiserver

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"path"
	"strings"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
)

// maxRefBytes bounds a referenced configuration file (the decode budget
// for one document).
const maxRefBytes = decode.DefaultMaxDocumentBytes

// Errors for referenced files.
var (
	ErrNoFS         = errors.New("no file system given to read referenced files")
	ErrFileTooLarge = errors.New("referenced file exceeds the size budget")
)

// evalCtx carries one component's evaluation.
type evalCtx struct {
	cp       *ComponentPod
	f        *Flags
	doc      *decode.Document
	opts     *Options
	base     string
	findings []kubeharden.Finding
	errs     []kubeharden.InputError
	// apiClientCA is the API server's --client-ca-file (for 2.7), when
	// the API server manifest is part of the same assessment.
	apiClientCA      string
	apiClientCAKnown bool
}

func newCtx(cp *ComponentPod, doc *decode.Document, opts *Options) *evalCtx {
	return &evalCtx{cp: cp, f: cp.Flags, doc: doc, opts: opts, base: fmt.Sprintf("spec.containers[%d]", cp.Container)}
}

// where describes the source of an occurrence: "command[5]", "args[2]",
// "env ETCD_CLIENT_CERT_AUTH" or the config file.
func (c *evalCtx) where(o Occurrence) string {
	if o.Env != "" {
		return o.Env
	}
	if o.Arg >= 0 && o.Arg < len(c.cp.ArgPaths) {
		return strings.TrimPrefix(c.cp.ArgPaths[o.Arg], c.base+".")
	}
	return "command line"
}

// pos returns the manifest position of an occurrence, or of the container's
// command when the flag is absent.
func (c *evalCtx) pos(o *Occurrence) kubeharden.Position {
	if c.doc == nil {
		return kubeharden.Position{}
	}
	if o != nil && o.Arg >= 0 && o.Arg < len(c.cp.ArgPaths) {
		return c.doc.Position(c.cp.ArgPaths[o.Arg])
	}
	if o != nil && o.Env != "" && !strings.Contains(o.Env, "/") {
		return c.doc.Position(c.base + ".env")
	}
	if c.cp.Pod != nil && len(c.cp.Pod.Spec.Containers[c.cp.Container].Command) > 0 {
		return c.doc.Position(c.base + ".command")
	}
	return c.doc.Position(c.base)
}

// emit records a CIS or other finding located at flag.
func (c *evalCtx) emit(r kubeharden.Rule, passed bool, msg, flag string, o *Occurrence, fix string) {
	f := r.Fail(msg, flag)
	if passed {
		f = r.Pass(msg, flag)
	}
	if fix != "" && !passed {
		f.Fix = fix
	}
	f.Position = c.pos(o)
	c.findings = append(c.findings, f)
}

func (c *evalCtx) addFix(flag, value string) string {
	if _, ok := c.f.Last(flag); ok {
		return fmt.Sprintf("change --%s to --%s=%s in %s", flag, flag, value, c.base+".command")
	}
	return fmt.Sprintf("add --%s=%s to %s.command", flag, value, c.base)
}

// describe renders a flag's effective value and origin.
func (c *evalCtx) describe(flag, def string) (string, *Occurrence) {
	if o, ok := c.f.Last(flag); ok {
		n := len(c.f.Occurrences(flag))
		s := fmt.Sprintf("--%s=%s (%s", flag, o.Value, c.where(o))
		if n > 1 {
			s += fmt.Sprintf("; last of %d occurrences, which is the one that counts", n)
		}
		return s + ")", &o
	}
	if def == "" {
		return fmt.Sprintf("--%s is not set", flag), nil
	}
	return fmt.Sprintf("--%s is not set, so the default %s applies", flag, def), nil
}

// checkBool evaluates a boolean flag against want.
func (c *evalCtx) checkBool(r kubeharden.Rule, flag string, def, want bool) {
	v, _, err := c.f.Bool(flag, def)
	desc, o := c.describe(flag, fmt.Sprint(def))
	if err != nil {
		c.emit(r, false, desc+": "+err.Error()+"; the component will not start", "--"+flag, o, c.addFix(flag, fmt.Sprint(want)))
		return
	}
	c.emit(r, v == want, desc, "--"+flag, o, c.addFix(flag, fmt.Sprint(want)))
}

// checkPresent requires every flag to be set to a non-empty value.
func (c *evalCtx) checkPresent(r kubeharden.Rule, flags ...string) {
	var missing, parts []string
	var first *Occurrence
	for _, fl := range flags {
		v, ok := c.f.String(fl, "")
		desc, o := c.describe(fl, "")
		if first == nil {
			first = o
		}
		if !ok || strings.TrimSpace(v) == "" {
			missing = append(missing, "--"+fl)
			if ok {
				desc = fmt.Sprintf("--%s is set to an empty value (%s)", fl, c.where(*o))
			}
		}
		parts = append(parts, desc)
	}
	fix := ""
	if len(missing) > 0 {
		fix = fmt.Sprintf("add %s=<path> to %s.command", strings.Join(missing, "=<path> and "), c.base)
	}
	c.emit(r, len(missing) == 0, strings.Join(parts, "; "), "--"+flags[0], first, fix)
}

// checkIntGTE requires an integer flag >= min (absent means def).
func (c *evalCtx) checkIntGTE(r kubeharden.Rule, flag string, def, min int64, absentNote string) {
	v, set, err := c.f.Int(flag, def)
	desc, o := c.describe(flag, fmt.Sprint(def))
	fix := c.addFix(flag, fmt.Sprint(min))
	switch {
	case err != nil:
		c.emit(r, false, desc+": "+err.Error(), "--"+flag, o, fix)
	case !set:
		c.emit(r, def >= min, desc+absentNote, "--"+flag, o, fix)
	default:
		c.emit(r, v >= min, fmt.Sprintf("%s: %d, want %d or more", desc, v, min), "--"+flag, o, fix)
	}
}

// checkLoopback requires --bind-address to be a loopback IP.
func (c *evalCtx) checkLoopback(r kubeharden.Rule, flag, def string) {
	v, _ := c.f.String(flag, def)
	desc, o := c.describe(flag, def+" (every interface)")
	ip := net.ParseIP(v)
	ok := ip != nil && ip.IsLoopback()
	if ip == nil {
		desc += fmt.Sprintf(": %q is not an IP address", v)
	}
	c.emit(r, ok, desc, "--"+flag, o, c.addFix(flag, "127.0.0.1"))
}

func (c *evalCtx) manual(r kubeharden.Rule, msg, flag string, o *Occurrence) {
	c.emit(r, false, msg, flag, o, "")
}

// reportArgProblems turns command-line defects into findings.
func (c *evalCtx) reportArgProblems() {
	for _, p := range c.f.Problems {
		if errors.Is(p.Err, ErrUnknownFlagArg) {
			continue
		}
		o := &Occurrence{Arg: p.Arg}
		flag := ""
		if p.Flag != "" {
			flag = "--" + p.Flag
		}
		c.emit(RuleInvalidCommandLine, false, fmt.Sprintf("%s: %v", c.argLabel(p.Arg), p.Err), flag, o, "")
	}
	for _, n := range c.cp.Notes {
		c.emit(RuleInvalidCommandLine, false, n.Error(), "", nil, "write the command as an argument list without a shell")
	}
}

func (c *evalCtx) argLabel(i int) string {
	if i >= 0 && i < len(c.cp.ArgPaths) {
		return strings.TrimPrefix(c.cp.ArgPaths[i], c.base+".")
	}
	return fmt.Sprintf("argument %d", i)
}

// refFile is a file a flag names, resolved to the node's file system.
type refFile struct {
	flag      string
	container string // the path as written (container view)
	host      string // the node path read through the FS
	data      []byte
	err       error
	occ       Occurrence
}

// readRef resolves and reads the file a flag names. It reports
// FileNotMounted and ConfigUnreadable findings itself. ok is false when
// the flag is absent.
func (c *evalCtx) readRef(flag string) (refFile, bool) {
	o, ok := c.f.Last(flag)
	if !ok || o.Value == "" {
		return refFile{}, false
	}
	rf := refFile{flag: flag, container: o.Value, occ: o}
	p := o.Value
	if !path.IsAbs(p) {
		p = path.Join("/", p) // static pod containers run with working directory /
	}
	rf.host = path.Clean(p)
	if c.cp.Pod != nil {
		if host, ok := c.cp.mountedPath(rf.host); ok {
			rf.host = host
		} else {
			c.emit(RuleFileNotMounted, false, fmt.Sprintf("--%s=%s is not under any hostPath volumeMount of the container", flag, o.Value), "--"+flag, &o,
				fmt.Sprintf("mount %s into the container with a hostPath volume", path.Dir(rf.host)))
		}
	}
	rf.data, rf.err = readFS(c.opts.FS, rf.host)
	if rf.err != nil {
		c.emit(RuleConfigUnreadable, false, fmt.Sprintf("--%s=%s: %v", flag, o.Value, rf.err), "--"+flag, &o, "")
	}
	return rf, true
}

func readFS(fsys fs.FS, p string) ([]byte, error) {
	if fsys == nil {
		return nil, ErrNoFS
	}
	name := strings.TrimPrefix(path.Clean(p), "/")
	if name == "" {
		name = "."
	}
	if st, err := fs.Stat(fsys, name); err == nil && st.Size() > maxRefBytes {
		return nil, fmt.Errorf("%s: %w (%d bytes)", p, ErrFileTooLarge, maxRefBytes)
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	if len(data) > maxRefBytes {
		return nil, fmt.Errorf("%s: %w (%d bytes)", p, ErrFileTooLarge, maxRefBytes)
	}
	return data, nil
}

// configProblems reports validation problems of a referenced file.
func (c *evalCtx) configProblems(rf refFile, what string, ps []ConfigProblem, d *decode.Document) {
	for _, p := range ps {
		f := RuleConfigInvalid.Fail(fmt.Sprintf("%s %s: %s", what, rf.host, p.Error()), "--"+rf.flag)
		if d != nil {
			f.Position = d.Position(p.Path)
		} else {
			f.Position = c.pos(&rf.occ)
		}
		c.findings = append(c.findings, f)
	}
}

// fieldProblems reports unknown/duplicate/case-variant keys of a
// referenced file, positioned in that file.
func (c *evalCtx) fieldProblems(d *decode.Document, ps []decode.FieldProblem) {
	if d == nil || len(ps) == 0 {
		return
	}
	c.findings = append(c.findings, decode.ProblemFindings("apiserver", d, ps)...)
}

// inputError records a referenced file that does not decode.
func (c *evalCtx) inputError(rf refFile, err error) {
	var ie *kubeharden.InputError
	if errors.As(err, &ie) {
		c.errs = append(c.errs, *ie)
	} else {
		c.errs = append(c.errs, kubeharden.InputError{Source: rf.host, Document: -1, Err: err})
	}
	c.emit(RuleConfigInvalid, false, fmt.Sprintf("--%s=%s does not decode: %v", rf.flag, rf.container, err), "--"+rf.flag, &rf.occ, "")
}
