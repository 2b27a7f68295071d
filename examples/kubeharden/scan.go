package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/image"
	"github.com/kubeharden/kubeharden/internal/decode"
	"github.com/kubeharden/kubeharden/manifest"
	"github.com/kubeharden/kubeharden/manifest/rbac"
	"github.com/kubeharden/kubeharden/report"
)

// scanFlags are the flags shared by scan and node.
type scanFlags struct {
	format     string
	compat     string
	failOn     string
	minScore   optionalInt
	enable     listFlag
	disable    listFlag
	config     string
	noConfig   bool
	showPassed bool
	color      string
	jobs       int
	maxBytes   int64
	baseDir    string
	registries listFlag
	digest     bool
	pss        string
	pssVersion string
}

func (f *scanFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.format, "format", "text", "output format: text, json, kubesec, sarif, junit, patch, kube-bench")
	fs.StringVar(&f.compat, "compat", "", `compatibility mode: "kubesec" reproduces kubesec's scores exactly`)
	fs.StringVar(&f.failOn, "fail-on", "", `fail (exit 1) on a failed finding at or above this severity: info, low, medium, high, critical, or "none" (default high)`)
	fs.Var(&f.minScore, "min-score", "fail (exit 1) when an object scores below N")
	fs.Var(&f.enable, "enable", "run only these rules (IDs, pkg/* globs or package names; comma-separated or repeated)")
	fs.Var(&f.disable, "disable", "skip these rules (IDs, pkg/* globs or package names)")
	fs.StringVar(&f.config, "config", "", "config file (default: "+ConfigFileName+" found upwards from the first path)")
	fs.BoolVar(&f.noConfig, "no-config", false, "ignore "+ConfigFileName+" files")
	fs.BoolVar(&f.showPassed, "show-passed", false, "list passed checks in text output")
	fs.StringVar(&f.color, "color", "auto", "colour text output: auto, always, never")
	fs.IntVar(&f.jobs, "jobs", runtime.GOMAXPROCS(0), "parallel workers")
	fs.Int64Var(&f.maxBytes, "max-file-bytes", 32<<20, "largest input file read")
	fs.StringVar(&f.baseDir, "base-dir", ".", "make SARIF file URIs relative to this directory (the repository root)")
	fs.StringVar(&f.pss, "pss", "", "enforce a Pod Security Standard: baseline or restricted (violations become high-severity failures)")
	fs.StringVar(&f.pssVersion, "pss-version", "", `Pod Security Standards version, e.g. "v1.33" (default: latest)`)
	fs.Var(&f.registries, "allowed-registries", "image policy: registries or repository prefixes images may come from (e.g. registry.example.com/team); adds to the config file's image.allowedRegistries")
	fs.BoolVar(&f.digest, "require-digest", false, "image policy: every image must be pinned by digest")
}

// settings is the merged result of config file and flags.
type settings struct {
	format   report.Format
	compat   string
	policy   kubeharden.Policy
	filter   ruleFilter
	renderer report.Options
	jobs     int
	maxBytes int64
	image    image.Policy
	pss      string
	pssVer   string
	trivy    image.TrivyPolicy
	now      time.Time // for allow-list expiry dates; taken once per run
	// imageActive is set when the image policy says more than the
	// defaults manifest already applies (registries, digests).
	imageActive bool
}

func (f *scanFlags) resolve(firstPath string, stdout io.Writer) (*settings, error) {
	var cfg Config
	if !f.noConfig {
		path := f.config
		if path == "" && firstPath != "" && firstPath != "-" {
			p, err := findConfig(firstPath)
			if err != nil {
				return nil, err
			}
			path = p
		}
		if path != "" {
			c, err := loadConfig(path)
			if err != nil {
				return nil, err
			}
			cfg = *c
		}
	}
	s := &settings{jobs: max(1, f.jobs), maxBytes: f.maxBytes}
	format, err := report.ParseFormat(f.format)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errUsage, err)
	}
	s.format = format
	s.compat = firstNonEmpty(f.compat, cfg.Compat)
	if s.compat != "" && s.compat != "kubesec" && s.compat != "none" {
		return nil, fmt.Errorf("%w: unknown --compat %q (want kubesec)", errUsage, s.compat)
	}
	s.pss, s.pssVer = firstNonEmpty(f.pss, cfg.PSS), firstNonEmpty(f.pssVersion, cfg.PSSVersion)
	if err := (manifest.Options{PSSLevel: s.pss, PSSVersion: s.pssVer}).Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", errUsage, err)
	}
	failOn := firstNonEmpty(f.failOn, cfg.FailOn, "high")
	if failOn != "none" {
		sev, err := kubeharden.ParseSeverity(failOn)
		if err != nil {
			return nil, fmt.Errorf("%w: --fail-on: %w", errUsage, err)
		}
		s.policy.FailOn = &sev
	}
	if f.minScore.set {
		v := f.minScore.v
		s.policy.MinScore = &v
	} else if cfg.MinScore != nil {
		s.policy.MinScore = cfg.MinScore
	}
	s.image = cfg.Image
	s.trivy, s.now = cfg.Trivy, time.Now()
	s.image.AllowedRegistries = append(s.image.AllowedRegistries, f.registries...)
	s.image.RequireDigest = s.image.RequireDigest || f.digest
	s.imageActive = len(s.image.AllowedRegistries) > 0 || s.image.RequireDigest
	s.filter = ruleFilter{enable: append(append([]string(nil), cfg.Rules.Enable...), f.enable...),
		disable: append(append([]string(nil), cfg.Rules.Disable...), f.disable...)}
	if len(cfg.Severity) > 0 {
		s.filter.severity = map[string]kubeharden.Severity{}
		for id, v := range cfg.Severity {
			sev, _ := kubeharden.ParseSeverity(v) // validated by loadConfig
			s.filter.severity[id] = sev
		}
	}
	known := map[string]bool{}
	for _, r := range allRules() {
		known[r.ID] = true
	}
	for _, p := range append(append([]string(nil), s.filter.enable...), s.filter.disable...) {
		if !patternKnown(p, known) {
			return nil, fmt.Errorf("%w: no rule matches %q (see kubeharden rules)", errUsage, p)
		}
	}
	color := false
	switch f.color {
	case "always":
		color = true
	case "never":
	case "auto":
		color = isTerminal(stdout) && os.Getenv("NO_COLOR") == ""
	default:
		return nil, fmt.Errorf("%w: --color must be auto, always or never", errUsage)
	}
	s.renderer = report.Options{Tool: report.Tool{Name: "kubeharden", Version: version}, Rules: allRules(),
		Color: color, ShowPassed: f.showPassed, BaseDir: f.baseDir}
	return s, nil
}

func patternKnown(p string, known map[string]bool) bool {
	for id := range known {
		if ruleMatches(p, id) {
			return true
		}
	}
	return false
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func cmdScan(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f scanFlags
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: kubeharden scan [flags] PATH|- ...\n\nScans files and directories (recursively); \"-\" reads standard input.\n"+
			"Each input's type is detected: Kubernetes manifests (every workload kind, RBAC, ...), KubeletConfiguration,\n"+
			"control-plane static pods and their config files, audit policies, NetworkPolicies, seccomp and AppArmor\n"+
			"profiles, Dockerfiles.\n\nExit codes: 0 clean, 1 policy failure, 2 usage or input error.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return exitUsage, nil // flag already printed the problem
	}
	if len(paths) == 0 {
		fs.Usage()
		return exitUsage, fmt.Errorf("%w: no PATH given", errUsage)
	}
	s, err := f.resolve(paths[0], stdout)
	if err != nil {
		return exitUsage, err
	}
	res := scanPaths(ctx, paths, stdin, s)
	return finish(res, s, stdout)
}

// finish applies the rule filter, renders, and computes the exit code.
func finish(res report.Result, s *settings, stdout io.Writer) (int, error) {
	s.filter.apply(res.Reports)
	if err := report.Write(stdout, s.format, res, s.renderer); err != nil {
		return exitUsage, fmt.Errorf("writing output: %w", err)
	}
	code := exitClean
	for i := range res.Reports {
		if len(s.policy.Violations(&res.Reports[i])) > 0 {
			code = exitPolicy
			break
		}
	}
	inputErrs := len(res.Errors)
	for _, r := range res.Reports {
		inputErrs += len(r.Errors)
	}
	if inputErrs > 0 {
		code = exitUsage
	}
	return code, nil
}

// outcome is what one unit of work produced; key orders results.
type outcome struct {
	file, doc, item int
	reports         []kubeharden.Report
	errs            []*kubeharden.InputError
	netpol          bool // the unit saw a NetworkPolicy
	localhost       []localRef
	rbac            []*decode.Document // RBAC objects, for the scan-wide analysis
}

// scanPaths reads, detects and analyzes every input in parallel: files in
// a first pass, then every Kubernetes document of every file in a second,
// so one large multi-document file still uses all cores.
func scanPaths(ctx context.Context, paths []string, stdin io.Reader, s *settings) report.Result {
	inputs, errs := collectInputs(paths)
	var res report.Result
	res.Errors = append(res.Errors, errs...)

	type fileState struct {
		data   []byte
		frames []decode.Frame
	}
	files := make([]fileState, len(inputs))
	var mu sync.Mutex
	var outs []outcome
	emit := func(o outcome) {
		mu.Lock()
		outs = append(outs, o)
		mu.Unlock()
	}
	parallel(ctx, s.jobs, len(inputs), func(i int) {
		in := inputs[i]
		data, err := readInput(in, stdin, s.maxBytes)
		if err != nil {
			emit(outcome{file: i, errs: []*kubeharden.InputError{{Source: in.source, Document: -1, Err: err}}})
			return
		}
		files[i].data = data
		kind := detectType(in.source, data)
		if kind == typeUnknown && in.explicit && s.compat == "kubesec" {
			kind = typeKubernetes // kubesec scores whatever it is given
		}
		if !in.explicit && skipWalked(kind, data) {
			return
		}
		switch kind {
		case typeKubernetes:
			frames, ferrs := decode.Frames(data, in.source, decode.Options{MaxStreamBytes: s.maxBytes})
			files[i].frames = frames
			if len(ferrs) > 0 {
				emit(outcome{file: i, doc: -1, errs: ferrs})
			}
		case typeUnknown:
			if in.explicit {
				emit(outcome{file: i, errs: []*kubeharden.InputError{{Source: in.source, Document: -1,
					Err: fmt.Errorf("unrecognised input: not Kubernetes YAML/JSON, a seccomp or AppArmor profile, or a Dockerfile")}}})
			}
		default:
			reps, err := scanWhole(kind, in.source, data, s)
			o := outcome{file: i, reports: reps}
			if err != nil {
				o.errs = append(o.errs, asInputError(in.source, err))
			}
			emit(o)
		}
	})

	// Seccomp profiles in the scan: containers that use one as their
	// Localhost profile get it analysed (only then are pods looked into).
	profiles := map[string][]byte{}
	for i := range files {
		if files[i].data != nil && len(files[i].frames) == 0 && detectType(inputs[i].source, files[i].data) == typeSeccomp {
			profiles[inputs[i].source] = files[i].data
		}
	}

	// Second pass: every Kubernetes document.
	type unit struct{ file, frame int }
	var units []unit
	for i := range files {
		for j := range files[i].frames {
			units = append(units, unit{i, j})
		}
	}
	parallel(ctx, s.jobs, len(units), func(k int) {
		u := units[k]
		fr := files[u.file].frames[u.frame]
		emit(scanFrame(u.file, fr, s, inputs[u.file].explicit, len(profiles) > 0))
	})

	if len(profiles) > 0 {
		var refs []localRef
		for _, o := range outs {
			refs = append(refs, o.localhost...)
		}
		if reps := analyzeLocalhostProfiles(refs, profiles); len(reps) > 0 {
			emit(outcome{file: len(inputs) + 1, reports: reps})
		}
	}

	// Which subjects get which risky permissions needs every role and
	// binding of the scan at once.
	var rbacDocs []*decode.Document
	for _, o := range outs {
		rbacDocs = append(rbacDocs, o.rbac...)
	}
	if len(rbacDocs) > 0 {
		emit(outcome{file: len(inputs) + 2, reports: rbac.Analyze(rbacDocs)})
	}

	// NetworkPolicy lint needs every manifest of the scan at once.
	netpolSeen := false
	for _, o := range outs {
		netpolSeen = netpolSeen || o.netpol
	}
	if netpolSeen {
		var k8s []namedData
		for i := range files {
			if len(files[i].frames) > 0 {
				k8s = append(k8s, namedData{inputs[i].source, files[i].data})
			}
		}
		reps, errs := lintNetworkPolicies(ctx, k8s)
		emit(outcome{file: len(inputs), reports: reps, errs: errs})
	}

	sort.SliceStable(outs, func(i, j int) bool {
		a, b := outs[i], outs[j]
		if a.file != b.file {
			return a.file < b.file
		}
		if a.doc != b.doc {
			return a.doc < b.doc
		}
		return a.item < b.item
	})
	for _, o := range outs {
		res.Reports = append(res.Reports, o.reports...)
		res.Errors = append(res.Errors, o.errs...)
	}
	if ctx.Err() != nil {
		res.Errors = append(res.Errors, &kubeharden.InputError{Document: -1, Err: fmt.Errorf("scan interrupted: %w", ctx.Err())})
	}
	return res
}

type namedData struct {
	source string
	data   []byte
}

// parallel runs fn(0..n-1) on up to jobs goroutines, stopping early when
// ctx is cancelled.
func parallel(ctx context.Context, jobs, n int, fn func(int)) {
	if n == 0 {
		return
	}
	jobs = min(jobs, n)
	// Workers take the next index from a shared counter: no channel
	// hand-off (and no parking and waking) per item.
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

func asInputError(source string, err error) *kubeharden.InputError {
	if ie, ok := err.(*kubeharden.InputError); ok {
		return ie
	}
	return &kubeharden.InputError{Source: source, Document: -1, Err: err}
}

// shiftLines moves positions of a document analyzed on its own (lines
// relative to the document) to lines of the whole file.
func shiftLines(reps []kubeharden.Report, fr decode.Frame) {
	off := fr.Line - 1
	if off == 0 {
		return
	}
	for i := range reps {
		reps[i].Document = fr.Index
		for j := range reps[i].Findings {
			if reps[i].Findings[j].Position.Line > 0 {
				reps[i].Findings[j].Position.Line += off
			}
		}
		for j := range reps[i].Errors {
			if reps[i].Errors[j].Line > 0 {
				reps[i].Errors[j].Line += off
			}
		}
	}
}

func trimSpaceLower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
