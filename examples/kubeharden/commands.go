package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/apiserver"
	"github.com/kubeharden/kubeharden/audit"
	"github.com/kubeharden/kubeharden/image"
	"github.com/kubeharden/kubeharden/kubelet"
	"github.com/kubeharden/kubeharden/netpol"
	"github.com/kubeharden/kubeharden/report"
)

// cmdNode assesses a copied node filesystem: the kubelet (systemd unit,
// drop-ins, env files, config file, flags) and, when present, the control
// plane's static pods with the files they reference.
func cmdNode(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("node", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f scanFlags
	f.register(fs)
	root := fs.String("root", "", "the copied node filesystem (a directory holding etc/, var/, usr/ ...)")
	kubeBench := fs.Bool("kube-bench-json", false, "same as --format kube-bench (kube-bench's --json schema)")
	statList := fs.String("stat", "", "file modes and owners taken on the node (`stat -c '%a %u %g %n'` lines); default DIR/.kubeharden-stat when present, else the copy's own modes")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: kubeharden node --root DIR [flags]\n\nAssesses a node against the CIS Kubernetes Benchmark: kubelet (4.1, 4.2) and, when the node\nruns the control plane, the API server, controller manager, scheduler and etcd (1.x, 2, 3.2).\nFile modes and owners are read from DIR.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return exitUsage, nil
	}
	if *root == "" && len(rest) == 1 {
		*root = rest[0]
	} else if len(rest) > 0 {
		return exitUsage, fmt.Errorf("%w: unexpected arguments %q", errUsage, rest)
	}
	if *root == "" {
		fs.Usage()
		return exitUsage, fmt.Errorf("%w: --root is required", errUsage)
	}
	if fi, err := os.Stat(*root); err != nil || !fi.IsDir() {
		return exitUsage, fmt.Errorf("--root %s: not a directory", *root)
	}
	s, err := f.resolve(*root, stdout)
	if err != nil {
		return exitUsage, err
	}
	var fsys iofs.FS = os.DirFS(*root)
	files := nodeFileInfo(*root)
	apiOpts := apiserver.NodeOptions{}
	if *statList == "" {
		if p := filepath.Join(*root, ".kubeharden-stat"); fileExists(p) {
			*statList = p
		}
	}
	if *statList != "" {
		list, err := loadStatList(*statList)
		if err != nil {
			return exitUsage, err
		}
		sfs := statFS{FS: fsys, stat: list}
		fsys, files, apiOpts.Owner = sfs, sfs.kubeletFiles(), sfs.owner
	}
	var res report.Result
	kr, err := kubelet.AssessNode(fsys, kubelet.NodeOptions{Files: files})
	if err != nil {
		res.Errors = append(res.Errors, asInputError(*root, err))
	} else {
		res.Reports = append(res.Reports, kr)
	}
	if _, err := iofs.Stat(fsys, "etc/kubernetes/manifests"); err == nil {
		reps, err := apiserver.AssessControlPlane(fsys, apiOpts)
		if err != nil {
			res.Errors = append(res.Errors, asInputError(*root, err))
		}
		res.Reports = append(res.Reports, reps...)
	}
	if *kubeBench {
		s.format = report.FormatKubeBench
	}
	return finish(res, s, stdout)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// nodeFileInfo records mode and owner of the files CIS 4.1 and 1.1 look at,
// keyed by their absolute path on the node.
func nodeFileInfo(root string) map[string]kubelet.FileInfo {
	out := map[string]kubelet.FileInfo{}
	for _, dir := range []string{"etc/kubernetes", "var/lib/kubelet", "etc/systemd/system", "usr/lib/systemd/system", "lib/systemd/system", "etc/default", "etc/sysconfig"} {
		base := filepath.Join(root, dir)
		n := 0
		_ = filepath.WalkDir(base, func(path string, d iofs.DirEntry, err error) error {
			if err != nil || n > 5000 {
				return nil
			}
			n++
			fi, err := os.Lstat(path)
			if err != nil {
				return nil
			}
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return nil
			}
			uid, gid := ownerOf(fi)
			out["/"+filepath.ToSlash(rel)] = kubelet.FileInfo{Mode: fi.Mode(), UID: uid, GID: gid}
			return nil
		})
	}
	return out
}

// ownerOf reads Uid and Gid from the platform's stat structure where it has
// them (every Unix), without build tags; -1 where unknown.
func ownerOf(fi os.FileInfo) (uid, gid int) {
	uid, gid = -1, -1
	v := reflect.ValueOf(fi.Sys())
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	if f := v.FieldByName("Uid"); f.IsValid() && f.CanUint() {
		uid = int(f.Uint())
	}
	if f := v.FieldByName("Gid"); f.IsValid() && f.CanUint() {
		gid = int(f.Uint())
	}
	return
}

// cmdNetpol: eval, matrix and lint over NetworkPolicies and the workloads
// they select.
func cmdNetpol(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	if len(args) == 0 {
		return exitUsage, fmt.Errorf("%w: want eval, matrix or lint", errUsage)
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("netpol "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "eval: source pod (namespace/name) or IP")
	to := fs.String("to", "", "eval: destination pod (namespace/name) or IP")
	port := fs.String("port", "", "eval: destination port and protocol, e.g. 80/TCP or 53/UDP")
	format := fs.String("format", "text", "matrix: text, json, csv, markdown or dot; lint: any scan format")
	var external listFlag
	fs.Var(&external, "external", "matrix: external CIDRs to include (repeatable)")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return exitUsage, nil
	}
	if len(paths) == 0 {
		return exitUsage, fmt.Errorf("%w: no PATH given", errUsage)
	}
	inputs, errs := collectInputs(paths)
	var ins []netpol.Input
	for _, in := range inputs {
		data, err := readInput(in, stdin, 32<<20)
		if err != nil {
			errs = append(errs, &kubeharden.InputError{Source: in.source, Document: -1, Err: err})
			continue
		}
		if detectType(in.source, data) == typeKubernetes {
			ins = append(ins, netpol.Input{Source: in.source, Data: data})
		}
	}
	m, lerrs := netpol.Load(ctx, ins...)
	errs = append(errs, lerrs...)
	for _, e := range errs {
		fmt.Fprintln(stderr, "kubeharden netpol:", e)
	}
	if m == nil {
		return exitUsage, errors.New("no model could be built")
	}
	code := exitClean
	if len(errs) > 0 {
		code = exitUsage
	}
	switch sub {
	case "eval":
		if *from == "" || *to == "" || *port == "" {
			return exitUsage, fmt.Errorf("%w: eval needs --from, --to and --port", errUsage)
		}
		v, err := netpol.Eval(m, *from, *to, *port)
		if err != nil {
			return exitUsage, err
		}
		fmt.Fprint(stdout, v.String())
		if !v.Allowed && code == exitClean {
			code = exitPolicy
		}
		return code, nil
	case "matrix":
		x, err := netpol.Matrix(ctx, m, netpol.MatrixOptions{External: external})
		if err != nil {
			return exitUsage, err
		}
		switch *format {
		case "text":
			err = x.WriteText(stdout)
		case "json":
			err = x.WriteJSON(stdout)
		case "csv":
			err = x.WriteCSV(stdout)
		case "markdown", "md":
			err = x.WriteMarkdown(stdout)
		case "dot":
			err = x.WriteDOT(stdout)
		default:
			return exitUsage, fmt.Errorf("%w: matrix --format must be text, json, csv, markdown or dot", errUsage)
		}
		return code, err
	case "lint":
		rf, err := report.ParseFormat(*format)
		if err != nil {
			return exitUsage, fmt.Errorf("%w: %w", errUsage, err)
		}
		s := &settings{format: rf, renderer: report.Options{Tool: report.Tool{Name: "kubeharden", Version: version}, Rules: allRules()}}
		high := kubeharden.SeverityHigh
		s.policy.FailOn = &high
		res := report.Result{Reports: netpol.Lint(m), Errors: errs}
		return finish(res, s, stdout)
	}
	return exitUsage, fmt.Errorf("%w: unknown netpol command %q (want eval, matrix or lint)", errUsage, sub)
}

// cmdAudit: `audit coverage POLICY` prints which level security-relevant
// requests get under the policy.
func cmdAudit(args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	if len(args) == 0 || args[0] != "coverage" {
		return exitUsage, fmt.Errorf("%w: usage: kubeharden audit coverage [--format text|markdown] POLICY", errUsage)
	}
	fs := flag.NewFlagSet("audit coverage", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "text or markdown")
	paths, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return exitUsage, nil
	}
	if len(paths) != 1 {
		return exitUsage, fmt.Errorf("%w: give exactly one POLICY file", errUsage)
	}
	data, err := readInput(input{source: paths[0], explicit: true}, stdin, 32<<20)
	if err != nil {
		return exitUsage, err
	}
	p, findings, err := audit.Parse(paths[0], data)
	if err != nil {
		return exitUsage, err
	}
	for _, f := range findings {
		fmt.Fprintf(stderr, "%s: %s: %s\n", f.Position, f.RuleID, f.Message)
	}
	t := audit.Coverage(p)
	switch *format {
	case "text":
		return exitClean, t.WriteText(stdout)
	case "markdown", "md":
		return exitClean, t.WriteMarkdown(stdout)
	}
	return exitUsage, fmt.Errorf("%w: --format must be text or markdown", errUsage)
}

// cmdVerify checks files against sha512/sha256 lists (sha512sum output,
// BSD --tag lines, bare .sha512 files, Kubernetes CHANGELOG tables).
func cmdVerify(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sums listFlag
	fs.Var(&sums, "sums", "checksum list: sha512sum/sha256sum output, --tag format, a bare .sha512 file or a CHANGELOG-1.xx.md (repeatable)")
	ignoreMissing := fs.Bool("ignore-missing", false, "do not fail for listed files that are absent (only without FILE arguments)")
	format := fs.String("format", "text", "text, or any scan format (json, sarif, junit, ...)")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return exitUsage, nil
	}
	if len(sums) == 0 {
		return exitUsage, fmt.Errorf("%w: --sums is required", errUsage)
	}
	var lists []*image.SumList
	for _, s := range sums {
		f, err := os.Open(s)
		if err != nil {
			return exitUsage, err
		}
		l, err := image.ParseSums(s, f)
		f.Close()
		if err != nil {
			return exitUsage, err
		}
		lists = append(lists, l)
	}
	// Files are opened relative to the working directory (absolute paths
	// relative to the file system root).
	root, names := ".", make([]string, 0, len(files))
	for _, f := range files {
		p := filepath.ToSlash(filepath.Clean(f))
		if filepath.IsAbs(f) {
			root = "/"
			p = strings.TrimPrefix(filepath.ToSlash(filepath.Clean(f)), "/")
		}
		names = append(names, p)
	}
	if root == "/" {
		for i, f := range files {
			if !filepath.IsAbs(f) {
				abs, err := filepath.Abs(f)
				if err != nil {
					return exitUsage, err
				}
				names[i] = strings.TrimPrefix(filepath.ToSlash(abs), "/")
			}
		}
	}
	rep, err := image.Verify(context.Background(), os.DirFS(root), names, lists, image.VerifyOptions{IgnoreMissing: *ignoreMissing})
	if err != nil {
		return exitUsage, err
	}
	r := rep.Report(strings.Join(sums, ","))
	rf, err := report.ParseFormat(*format)
	if err != nil {
		return exitUsage, fmt.Errorf("%w: %w", errUsage, err)
	}
	if err := report.Write(stdout, rf, report.Result{Reports: []kubeharden.Report{r}}, report.Options{Tool: report.Tool{Name: "kubeharden", Version: version}, Rules: allRules(), ShowPassed: true}); err != nil {
		return exitUsage, err
	}
	if !rep.OK() {
		return exitPolicy, nil
	}
	return exitClean, nil
}
