package image

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/image/dockerfile"
)

// DockerfileOptions configure ScanDockerfile. The zero value is the
// recommended policy.
type DockerfileOptions struct {
	// Policy decides which base images are acceptable (registries,
	// digests, latest, minimal bases). It is shared with Policy.Check.
	Policy Policy
	// BuildArgs override meta-ARG defaults when FROM is expanded, like
	// docker build --build-arg.
	BuildArgs map[string]string
	// MaxConsecutiveRuns is the longest run of consecutive RUN
	// instructions accepted by image/DockerfileLayers (default 3).
	MaxConsecutiveRuns int
	// MaxBytes bounds the input (default dockerfile.DefaultMaxBytes).
	MaxBytes int
}

// ErrNotDockerfile is returned for input that fails to parse as a
// Dockerfile; the *dockerfile.ParseError is wrapped with it.
var ErrNotDockerfile = errors.New("invalid Dockerfile")

// DetectDockerfile reports whether source and data look like a
// Dockerfile: a name such as "Dockerfile", "Containerfile",
// "Dockerfile.prod" or "app.dockerfile", or content whose first
// instruction (after comments, directives and ARGs) is FROM.
func DetectDockerfile(source string, data []byte) bool {
	base := strings.ToLower(path.Base(strings.ReplaceAll(source, "\\", "/")))
	for _, n := range []string{"dockerfile", "containerfile"} {
		if base == n || strings.HasPrefix(base, n+".") || strings.HasSuffix(base, "."+n) {
			return true
		}
	}
	// Content sniffing: a bounded look at the first lines.
	if len(data) > 64<<10 {
		data = data[:64<<10]
	}
	for _, line := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		kw, rest, _ := strings.Cut(t, " ")
		switch strings.ToUpper(kw) {
		case "ARG":
			continue
		case "FROM":
			return strings.TrimSpace(rest) != "" && !strings.Contains(t, "\x00")
		}
		return false
	}
	return false
}

// ScanDockerfile parses a Dockerfile and applies the image/Dockerfile*
// rules. source names the file in positions and errors. A parse failure
// returns the report with the InputError and an error wrapping
// ErrNotDockerfile and the *dockerfile.ParseError.
func ScanDockerfile(source string, data []byte, opts DockerfileOptions) (kubeharden.Report, error) {
	rep := kubeharden.Report{Source: source, Object: "Dockerfile/" + path.Base(strings.ReplaceAll(source, "\\", "/")), Kind: "Dockerfile"}
	f, err := dockerfile.ParseWithOptions(data, dockerfile.Options{MaxBytes: opts.MaxBytes, BuildArgs: opts.BuildArgs})
	if err != nil {
		ie := &kubeharden.InputError{Source: source, Document: -1, Err: fmt.Errorf("%w: %w", ErrNotDockerfile, err)}
		var pe *dockerfile.ParseError
		if errors.As(err, &pe) {
			ie.Line = pe.Line
		}
		rep.Errors = append(rep.Errors, *ie)
		return rep, ie
	}
	l := &linter{src: source, f: f, opts: opts, fails: map[string]bool{}}
	l.run()
	rep.Findings = l.findings
	kubeharden.SortFindings(rep.Findings)
	rep.ComputeScore()
	return rep, nil
}

// DockerfileRules returns the subset of Rules that ScanDockerfile applies.
func DockerfileRules() []kubeharden.Rule {
	var out []kubeharden.Rule
	for _, r := range Rules() {
		if strings.HasPrefix(r.ID, "image/Dockerfile") {
			out = append(out, r)
		}
	}
	return out
}

type linter struct {
	src      string
	f        *dockerfile.File
	opts     DockerfileOptions
	findings []kubeharden.Finding
	fails    map[string]bool
	// finalChain holds the stages whose layers end up in the final image:
	// the last stage and the stages it builds FROM, transitively.
	finalChain map[int]bool
	minimal    *bool           // memoised finalBaseMinimal
	finalEnv   map[string]bool // memoised ENV names of the final image
}

func (l *linter) fail(r kubeharden.Rule, in *dockerfile.Instruction, fix, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	f := r.Fail(msg, "")
	if in != nil {
		f.Path = fmt.Sprintf("%s (line %d)", in.Cmd, in.StartLine)
		f.Position = kubeharden.Position{File: l.src, Line: in.StartLine, Column: in.Column, Exact: true}
	}
	if fix != "" {
		f.Fix = fix
	}
	l.findings = append(l.findings, f)
	l.fails[r.ID] = true
}

func (l *linter) run() {
	l.finalChain = map[int]bool{}
	for s := l.f.Final(); s != nil; {
		if l.finalChain[s.Index] {
			break
		}
		l.finalChain[s.Index] = true
		if s.BaseStage < 0 {
			break
		}
		s = l.f.Stages[s.BaseStage]
	}
	l.users()
	l.bases()
	l.instructions()
	l.stageChecks()
	for _, r := range DockerfileRules() {
		if !l.fails[r.ID] {
			l.findings = append(l.findings, r.Pass("no problem found", ""))
		}
	}
}

// chainRoot returns the image the final image is built on (following
// FROM <stage>), or nil when it does not resolve.
func (l *linter) chainRoot() *dockerfile.Stage {
	s := l.f.Final()
	for i := 0; s != nil && s.BaseStage >= 0 && i <= len(l.f.Stages); i++ {
		s = l.f.Stages[s.BaseStage]
	}
	if s == nil || s.BaseStage >= 0 {
		return nil
	}
	return s
}

// finalInstructions returns the instructions of the final image's stages,
// in build order.
func (l *linter) finalInstructions() []*dockerfile.Instruction {
	var out []*dockerfile.Instruction
	for _, s := range l.f.Stages {
		if l.finalChain[s.Index] {
			out = append(out, s.Instructions...)
		}
	}
	return out
}

// --- users -----------------------------------------------------------------

func (l *linter) users() {
	var last *dockerfile.Instruction
	for _, in := range l.finalInstructions() {
		if in.Cmd == "USER" {
			last = in
		}
	}
	final := l.f.Final()
	if final == nil {
		return
	}
	if last == nil {
		root := l.chainRoot()
		if root != nil && len(root.Unresolved) == 0 && runsNonRootByDefault(root.Base) {
			return
		}
		base := "its base image"
		if root != nil {
			base = root.Base
		}
		l.fail(ruleDockerfileRootUser, final.From, "add USER 65532:65532 (or another non-root UID) at the end of the final stage",
			"the final stage sets no USER and runs as the user of %s (root unless the base says otherwise)", base)
		return
	}
	u := ""
	if len(last.Args) > 0 {
		u = strings.TrimSpace(last.Args[0])
	}
	if strings.Contains(u, "$") {
		return // decided at build time
	}
	user, _, _ := strings.Cut(u, ":")
	if n, err := strconv.Atoi(user); user == "root" || (err == nil && n == 0) {
		l.fail(ruleDockerfileRootUser, last, "switch to a non-root UID for the final stage", "the final stage's last USER is %q", u)
		return
	}
	if _, err := strconv.Atoi(user); err != nil {
		l.fail(ruleDockerfileNonNumericUser, last, fmt.Sprintf("replace USER %s with its numeric UID", u),
			"USER %q is a name, so runAsNonRoot cannot verify it", u)
	}
}

// runsNonRootByDefault reports bases whose image config sets a non-root
// user: distroless ":nonroot" tags and Chainguard images other than "-dev".
func runsNonRootByDefault(base string) bool {
	r, err := ParseReference(base)
	if err != nil {
		return false
	}
	switch {
	case parseEntry("gcr.io/distroless").match(r):
		return strings.Contains(r.Tag, "nonroot")
	case parseEntry("cgr.dev/chainguard").match(r):
		return !strings.HasSuffix(r.Tag, "-dev") && r.Tag != "dev"
	}
	return false
}

// --- base images --------------------------------------------------------------

func (l *linter) bases() {
	p := l.opts.Policy
	for _, s := range l.f.Stages {
		if s.BaseStage >= 0 || IsScratch(s.Base) {
			continue
		}
		if len(s.Unresolved) > 0 || strings.Contains(s.Base, "$") {
			continue // e.g. FROM $BASE with no default: decided at build time
		}
		r, err := ParseReference(s.Base)
		if err != nil {
			l.fail(ruleDockerfileUnpinnedBase, s.From, "", "FROM %q is not a valid image reference: %v", s.Base, err)
			continue
		}
		switch {
		case r.IsNameOnly() && !p.AllowUntagged:
			l.fail(ruleDockerfileUnpinnedBase, s.From, fmt.Sprintf("pin %s to a version tag and digest", r.Familiar()),
				"FROM %s has neither tag nor digest (implicitly :latest)", s.Base)
		case r.Tag == "latest" && r.Digest == "" && !p.AllowLatest:
			l.fail(ruleDockerfileUnpinnedBase, s.From, fmt.Sprintf("replace %s with a version tag and digest", r.Familiar()),
				"FROM %s uses the latest tag without a digest", s.Base)
		case p.RequireDigest && r.Digest == "":
			l.fail(ruleDockerfileUnpinnedBase, s.From, fmt.Sprintf("pin %s by digest (%s@sha256:<digest>)", r.Familiar(), r.Familiar()),
				"FROM %s is not pinned by digest", s.Base)
		}
		l.registry(s.Base, s.From, "FROM")
	}
}

func (l *linter) registry(ref string, in *dockerfile.Instruction, what string) {
	if len(l.opts.Policy.AllowedRegistries) == 0 {
		return
	}
	r, err := ParseReference(ref)
	if err != nil {
		return
	}
	if !l.opts.Policy.RegistryAllowed(r) {
		l.fail(ruleDockerfileUntrustedRegistry, in, "", "%s image %s comes from %s, which is not in the allowed registries (%s)",
			what, ref, r.Domain, strings.Join(l.opts.Policy.AllowedRegistries, ", "))
	}
}

// --- per instruction ------------------------------------------------------------

// Regular expressions are compiled on first use, so that importing the
// package (the manifest package does, for references) costs nothing.
var (
	secretName = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token|usr|psw)(?:_|$)`)
	})
	secretNameAllow = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)(?:_|^)(?:public|file|version|path|url|dir|type|name|len|length|size|host|port)(?:_|$)`)
	})
	sslOffRaw = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)(?:sslverify|ssl_verify|http\.sslverify)\s*[= ]\s*["']?(?:false|0|no)\b|gpgcheck\s*=\s*["']?(?:0|false|no)\b|\[trusted=yes\]|strict-ssl["']?\s*[= ]\s*["']?false|verify-peer\s*=\s*["']?false|allowinsecure|insecure-skip-tls-verify`)
	})
)

// knownSecretNames are variables that always hold credentials (after the
// VITE_ and REACT_APP_ prefixes that front-end builds add).
var knownSecretNames = map[string]bool{
	"AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true, "GITHUB_TOKEN": true, "GH_TOKEN": true,
	"GITLAB_TOKEN": true, "NPM_TOKEN": true, "NPM_AUTH_TOKEN": true, "OPENAI_API_KEY": true, "ANTHROPIC_API_KEY": true, "GOOGLE_API_KEY": true,
	"POSTGRES_PASSWORD": true, "MYSQL_ROOT_PASSWORD": true, "MYSQL_PASSWORD": true, "MONGO_INITDB_ROOT_PASSWORD": true, "VAULT_TOKEN": true,
	"DOCKER_PASSWORD": true, "DOCKERHUB_TOKEN": true, "ACCESS_TOKEN": true, "AZURE_CLIENT_SECRET": true, "SLACK_TOKEN": true,
	"STRIPE_SECRET_KEY": true, "SENTRY_AUTH_TOKEN": true, "HF_TOKEN": true, "PYPI_TOKEN": true, "TWINE_PASSWORD": true, "CODECOV_TOKEN": true,
	"DATABASE_URL": true, "SECRET_KEY_BASE": true, "JWT_SECRET": true,
}

var insecureEnv = map[string]func(v string) bool{
	"GIT_SSL_NO_VERIFY":            func(v string) bool { return v != "" && v != "0" && !strings.EqualFold(v, "false") },
	"NODE_TLS_REJECT_UNAUTHORIZED": func(v string) bool { return v == "0" },
	"PYTHONHTTPSVERIFY":            func(v string) bool { return v == "0" },
	"NPM_CONFIG_STRICT_SSL":        func(v string) bool { return strings.EqualFold(v, "false") || v == "0" },
	"PIP_TRUSTED_HOST":             func(v string) bool { return v != "" },
	"GOINSECURE":                   func(v string) bool { return v != "" },
	"GONOSUMDB":                    func(v string) bool { return v != "" },
	"GONOSUMCHECK":                 func(v string) bool { return v != "" && v != "0" },
	"GOSUMDB":                      func(v string) bool { return v == "off" },
	"CURL_CA_BUNDLE":               func(v string) bool { return v == "" },
	"YARN_STRICT_SSL":              func(v string) bool { return strings.EqualFold(v, "false") },
	"GIT_SSL_VERIFY":               func(v string) bool { return strings.EqualFold(v, "false") || v == "0" },
}

func (l *linter) instructions() {
	stagePipefail := make([]bool, len(l.f.Stages))
	for _, s := range l.f.Stages {
		inFinal := l.finalChain[s.Index]
		consecutive := 0
		// SHELL is inherited from a stage built upon.
		pipefail := s.BaseStage >= 0 && stagePipefail[s.BaseStage]
		for _, in := range s.Instructions {
			if in.Cmd == "RUN" {
				consecutive++
				max := l.opts.MaxConsecutiveRuns
				if max <= 0 {
					max = 3
				}
				if consecutive == max+1 {
					l.fail(ruleDockerfileLayers, in, "merge consecutive RUN instructions with &&",
						"%d or more consecutive RUN instructions each add a layer", max+1)
				}
			} else {
				consecutive = 0
			}
			switch in.Cmd {
			case "SHELL":
				pipefail = isPipefailShell(in.Args)
			case "RUN":
				l.run1(s, in, inFinal, pipefail)
			case "ENV", "ARG":
				for _, kv := range in.KeyValues {
					if check, ok := insecureEnv[strings.ToUpper(kv.Key)]; ok && kv.HasValue && check(kv.Value) {
						l.fail(ruleDockerfileInsecureDownload, in, fmt.Sprintf("remove %s %s", in.Cmd, kv.Key),
							"%s %s=%q disables TLS or checksum verification", in.Cmd, kv.Key, kv.Value)
					}
					// Like BuildKit's SecretsUsedInArgOrEnv, every stage counts:
					// build arguments and environment values land in the
					// stage's history and in max-mode provenance.
					if isSecretName(kv.Key) {
						l.fail(ruleDockerfileSecret, in, "pass the value with RUN --mount=type=secret instead of "+in.Cmd,
							"%s %s looks like a secret; %s values persist in the image config, history and provenance", in.Cmd, kv.Key, in.Cmd)
					}
				}
			case "ADD":
				l.add(in)
				l.copyCommon(s, in, inFinal)
			case "COPY":
				l.copyCommon(s, in, inFinal)
			case "EXPOSE":
				l.expose(in, inFinal)
			case "WORKDIR":
				l.workdir(in)
			case "MAINTAINER":
				l.fail(ruleDockerfileMaintainer, in, "", "MAINTAINER is deprecated")
			}
		}
		stagePipefail[s.Index] = pipefail
	}
	for _, in := range l.f.MetaArgs {
		for _, kv := range in.KeyValues {
			if isSecretName(kv.Key) {
				l.fail(ruleDockerfileSecret, in, "pass the value with RUN --mount=type=secret instead of ARG",
					"ARG %s looks like a secret; build arguments are recorded in history and provenance", kv.Key)
			}
		}
	}
	for _, in := range l.f.Orphans {
		l.fail(ruleDockerfileInstructionBeforeFrom, in, "", "%s appears before the first FROM", in.Cmd)
	}
}

// sslOff finds a configuration text that disables verification; a cheap
// substring test keeps the case-insensitive expression off most scripts.
func sslOff(text string) string {
	lower := strings.ToLower(text)
	for _, k := range []string{"sslverify", "ssl_verify", "gpgcheck", "trusted=yes", "strict-ssl", "verify-peer", "allowinsecure", "insecure-skip-tls-verify"} {
		if strings.Contains(lower, k) {
			return sslOffRaw().FindString(text)
		}
	}
	return ""
}

func isSecretName(k string) bool {
	up := strings.ToUpper(k)
	for _, p := range []string{"VITE_", "REACT_APP_", "NEXT_PUBLIC_"} {
		up = strings.TrimPrefix(up, p)
	}
	if knownSecretNames[up] {
		return true
	}
	// Names like API_KEY_FILE or TOKEN_URL point at secrets, they are not
	// secrets themselves.
	if secretNameAllow().MatchString(up) {
		return false
	}
	if strings.Contains(up, "PASSWORD") || strings.Contains(up, "PASSWD") || strings.Contains(up, "SECRET") || strings.Contains(up, "PRIVATE_KEY") || strings.Contains(up, "API_KEY") || strings.Contains(up, "APIKEY") {
		return true
	}
	return secretName().MatchString(up)
}

func isPipefailShell(args []string) bool {
	if len(args) == 0 {
		return false
	}
	sh := path.Base(strings.ReplaceAll(args[0], "\\", "/"))
	switch strings.TrimSuffix(strings.ToLower(sh), ".exe") {
	case "pwsh", "powershell", "cmd":
		return true // not POSIX: the rule does not apply
	}
	for i := 1; i+1 < len(args); i++ {
		if args[i] == "-o" && args[i+1] == "pipefail" {
			return true
		}
	}
	for _, a := range args[1:] {
		if strings.Contains(a, "pipefail") {
			return true
		}
	}
	return false
}

// script returns the shell text a RUN executes, heredoc bodies included.
func script(in *dockerfile.Instruction) string {
	var b strings.Builder
	if in.JSON {
		if len(in.Args) >= 3 && (in.Args[1] == "-c" || strings.HasSuffix(in.Args[1], "c")) {
			b.WriteString(in.Args[2])
		} else {
			b.WriteString(strings.Join(in.Args, " "))
		}
	} else if len(in.Args) > 0 {
		b.WriteString(in.Args[0])
	}
	for _, h := range in.Heredocs {
		b.WriteByte('\n')
		b.WriteString(h.Content)
	}
	return b.String()
}

func (l *linter) hasCacheMount(in *dockerfile.Instruction, targets ...string) bool {
	for _, m := range in.FlagValues("mount") {
		kv := parseCSV(m)
		typ := kv["type"]
		if typ != "cache" && typ != "tmpfs" {
			continue
		}
		t := kv["target"]
		if t == "" {
			t = kv["dst"]
		}
		if t == "" {
			t = kv["destination"]
		}
		t = strings.TrimRight(t, "/")
		for _, want := range targets {
			if t == want || strings.HasPrefix(want, t+"/") {
				return true
			}
		}
	}
	return false
}

func parseCSV(s string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		k, v, _ := strings.Cut(part, "=")
		out[strings.ToLower(strings.TrimSpace(k))] = strings.Trim(strings.TrimSpace(v), `"'`)
	}
	return out
}

func (l *linter) hasSecretMount(in *dockerfile.Instruction) bool {
	for _, m := range in.FlagValues("mount") {
		if parseCSV(m)["type"] == "secret" {
			return true
		}
	}
	return false
}

var (
	shells     = map[string]bool{"sh": true, "bash": true, "zsh": true, "dash": true, "ash": true, "ksh": true, "fish": true, "busybox": true}
	buildTools = map[string]bool{
		"gcc": true, "g++": true, "clang": true, "make": true, "build-essential": true, "build-base": true, "golang": true,
		"golang-go": true, "go": true, "maven": true, "gradle": true, "cargo": true, "rustc": true, "cmake": true, "autoconf": true,
		"automake": true, "libtool": true, "openjdk-17-jdk": true, "openjdk-21-jdk": true, "java-17-openjdk-devel": true,
		"java-21-openjdk-devel": true, "gcc-c++": true, "musl-dev": true, "libc6-dev": true, "libc-dev": true, "npm": true,
		"nodejs-dev": true, "python3-dev": true, "python-dev": true, "git": true, "devtoolset": true,
	}
	shellPackages = map[string]bool{
		"bash": true, "zsh": true, "dash": true, "busybox": true, "busybox-static": true, "ash": true, "fish": true, "ksh": true, "tcsh": true,
		"apk-tools": true, "apt": true, "dpkg": true, "yum": true, "dnf": true, "microdnf": true, "rpm": true,
	}
)

// pkgInstall describes one package-manager install command.
type pkgInstall struct {
	manager string
	pkgs    []string
	args    []string
}

// installs recognises package installation commands.
func installs(cmds []shellCmd) []pkgInstall {
	var out []pkgInstall
	for _, c := range cmds {
		name, args := c.name()
		switch name {
		case "apt-get", "apt", "aptitude":
			sub, rest := subcommand(args, "-o", "-t", "-c", "--option", "--target-release")
			if sub == "install" {
				out = append(out, pkgInstall{"apt", positional(rest, "-o", "-t", "-c", "--option", "--target-release"), args})
			}
		case "apk":
			sub, rest := subcommand(args, "-X", "--repository", "-p", "--root", "--virtual", "-t", "--arch")
			if sub == "add" {
				out = append(out, pkgInstall{"apk", positional(rest, "-X", "--repository", "-p", "--root", "--virtual", "-t", "--arch"), args})
			}
		case "yum", "dnf", "microdnf", "tdnf":
			sub, rest := subcommand(args, "--enablerepo", "--disablerepo", "--setopt", "--releasever", "--installroot", "-c", "--config")
			if sub == "install" || sub == "groupinstall" || sub == "localinstall" {
				out = append(out, pkgInstall{"yum", positional(rest, "--enablerepo", "--disablerepo", "--setopt", "--releasever", "--installroot"), args})
			}
		case "zypper":
			sub, rest := subcommand(args, "-r", "--repo", "--root", "-R")
			if sub == "install" || sub == "in" {
				out = append(out, pkgInstall{"zypper", positional(rest, "-r", "--repo", "--from"), args})
			}
		case "pip", "pip3", "python", "python3":
			a := args
			if name == "python" || name == "python3" {
				if len(a) < 2 || a[0] != "-m" || (a[1] != "pip" && a[1] != "pip3") {
					continue
				}
				a = a[2:]
			}
			sub, rest := subcommand(a)
			if sub == "install" {
				out = append(out, pkgInstall{"pip", positional(rest, "-r", "--requirement", "-c", "--constraint", "-i", "--index-url",
					"--extra-index-url", "--trusted-host", "-t", "--target", "--prefix", "--root", "-e", "--editable", "-f", "--find-links"), a})
			}
		case "npm", "pnpm":
			sub, rest := subcommand(args, "--prefix", "--registry")
			if sub == "install" || sub == "i" || sub == "add" {
				out = append(out, pkgInstall{"npm", positional(rest, "--prefix", "--registry"), args})
			}
		case "yarn":
			sub, rest := subcommand(args)
			if sub == "add" || (sub == "global" && len(rest) > 0 && rest[0] == "add") {
				if sub == "global" {
					rest = rest[1:]
				}
				out = append(out, pkgInstall{"yarn", positional(rest), args})
			} else if sub == "install" || sub == "" {
				out = append(out, pkgInstall{"yarn-install", nil, args})
			}
		case "gem":
			sub, rest := subcommand(args)
			if sub == "install" {
				out = append(out, pkgInstall{"gem", positional(rest, "-v", "--version", "-i", "--install-dir", "--source"), args})
			}
		case "go":
			sub, rest := subcommand(args)
			if sub == "install" || sub == "get" {
				out = append(out, pkgInstall{"go", positional(rest), args})
			}
		}
	}
	return out
}

// positional returns the non-flag arguments, skipping the values of the
// flags that take one.
func positional(args []string, flagsWithValue ...string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if !strings.Contains(a, "=") && hasWord([]string{a}, flagsWithValue...) {
				i++
			}
			continue
		}
		if strings.HasPrefix(a, ">") || strings.HasPrefix(a, "<") || strings.HasPrefix(a, "2>") || strings.HasPrefix(a, "1>") {
			break
		}
		out = append(out, a)
	}
	return out
}

var versionedRPM = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`-[0-9]`) })

func unpinned(p pkgInstall) []string {
	var out []string
	for _, pkg := range p.pkgs {
		if strings.Contains(pkg, "$") || strings.Contains(pkg, "/") || strings.HasSuffix(pkg, ".deb") || strings.HasSuffix(pkg, ".rpm") ||
			strings.HasSuffix(pkg, ".whl") || strings.HasSuffix(pkg, ".tar.gz") || pkg == "." {
			if p.manager != "go" && p.manager != "npm" && p.manager != "yarn" {
				continue
			}
		}
		pinned := false
		switch p.manager {
		case "apt":
			pinned = strings.Contains(pkg, "=")
		case "apk":
			pinned = strings.ContainsAny(pkg, "=~<>")
		case "yum", "zypper":
			pinned = versionedRPM().MatchString(pkg) || strings.ContainsAny(pkg, "=<>")
		case "pip":
			pinned = strings.Contains(pkg, "==") || strings.Contains(pkg, "~=") || strings.Contains(pkg, ">=") ||
				strings.Contains(pkg, "<=") || strings.Contains(pkg, " @ ") || strings.Contains(pkg, "@")
		case "npm", "yarn":
			if strings.HasPrefix(pkg, ".") || strings.HasPrefix(pkg, "/") || strings.Contains(pkg, "://") || strings.HasSuffix(pkg, ".tgz") {
				continue
			}
			at := strings.LastIndexByte(pkg, '@')
			pinned = at > 0 && !strings.HasSuffix(pkg, "@latest")
		case "gem":
			pinned = strings.Contains(pkg, ":") || hasWord(p.args, "-v", "--version") || hasPrefixWord(p.args, "--version=")
		case "go":
			if strings.HasPrefix(pkg, ".") {
				continue
			}
			at := strings.LastIndexByte(pkg, '@')
			pinned = at > 0 && pkg[at+1:] != "latest" && pkg[at+1:] != "master" && pkg[at+1:] != "main"
		default:
			continue
		}
		if !pinned {
			out = append(out, pkg)
		}
	}
	return out
}

func hasPrefixWord(args []string, prefix string) bool {
	for _, a := range args {
		if strings.HasPrefix(a, prefix) {
			return true
		}
	}
	return false
}

func (l *linter) run1(s *dockerfile.Stage, in *dockerfile.Instruction, inFinal, pipefail bool) {
	before := len(l.findings)
	text := script(in)
	cmds := splitShell(text)
	for _, m := range in.FlagValues("mount") {
		if from := parseCSV(m)["from"]; from != "" && !strings.Contains(from, "$") && l.f.StageByName(from, len(l.f.Stages)) == nil {
			l.registry(from, in, "RUN --mount from")
		}
	}
	ins := installs(cmds)

	// Pipefail (DL4006): a pipe in a POSIX shell without pipefail.
	if !pipefail && !in.JSON {
		for _, c := range cmds {
			if c.pipeIn {
				l.fail(ruleDockerfilePipefail, in, "", "RUN pipes into %q without set -o pipefail", c.words[0])
				break
			}
		}
	}

	aptUpdate, aptListsRemoved, upgrade := false, false, ""
	var updateOnly []string
	anyInstall := len(ins) > 0
	for i, c := range cmds {
		name, args := c.name()
		if len(c.words) > 0 && (c.words[0] == "sudo" || hasSudo(c.words)) {
			l.fail(ruleDockerfileSudo, in, "", "RUN uses sudo")
		}
		// curl | sh
		if c.pipeIn && (shells[name] || name == "python" || name == "python3" || name == "perl" || name == "ruby") {
			for j := i - 1; j >= 0; j-- {
				pn, _ := cmds[j].name()
				if pn == "curl" || pn == "wget" {
					l.fail(ruleDockerfileCurlPipeShell, in, "", "RUN pipes %s output into %s", pn, name)
					break
				}
				if !cmds[j].pipeIn {
					break
				}
			}
		}
		switch name {
		case "curl":
			if hasWord(args, "--insecure") || hasShortFlag(args, 'k') {
				l.fail(ruleDockerfileInsecureDownload, in, "drop -k/--insecure and trust the right CA", "curl runs with TLS verification disabled (-k/--insecure)")
			}
		case "wget":
			if hasWord(args, "--no-check-certificate") {
				l.fail(ruleDockerfileInsecureDownload, in, "drop --no-check-certificate", "wget runs with --no-check-certificate")
			}
		case "apt-get", "apt", "aptitude":
			if hasWord(args, "--allow-unauthenticated", "--force-yes", "--allow-insecure-repositories", "--allow-downgrades") {
				l.fail(ruleDockerfileInsecureDownload, in, "", "%s runs without package signature checks", name)
			}
			sub, _ := subcommand(args, "-o", "-t", "-c")
			switch sub {
			case "update":
				aptUpdate = true
				updateOnly = append(updateOnly, name+" update")
			case "upgrade", "dist-upgrade", "full-upgrade":
				upgrade = name + " " + sub
			}
		case "apk":
			if hasWord(args, "--allow-untrusted") {
				l.fail(ruleDockerfileInsecureDownload, in, "", "apk runs with --allow-untrusted")
			}
			sub, _ := subcommand(args, "-X", "--repository")
			switch sub {
			case "upgrade":
				upgrade = "apk upgrade"
			case "update":
				updateOnly = append(updateOnly, "apk update")
			}
		case "yum", "dnf", "microdnf", "tdnf", "zypper", "rpm":
			if hasWord(args, "--nogpgcheck", "--no-gpg-checks", "--nosignature", "--nodigest", "--noverify", "--nofiledigest", "--gpg-auto-import-keys", "--no-gpgcheck") {
				l.fail(ruleDockerfileInsecureDownload, in, "", "%s runs without package signature checks", name)
			}
			sub, rest := subcommand(args, "--enablerepo", "--disablerepo", "--setopt", "-r", "--repo")
			switch {
			case name == "zypper" && (sub == "dist-upgrade" || sub == "dup" || sub == "update" || sub == "up"):
				upgrade = "zypper " + sub
			case name != "zypper" && name != "rpm" && (sub == "upgrade" || sub == "update" || sub == "distro-sync") && len(positional(rest)) == 0:
				upgrade = name + " " + sub
			}
		case "pip", "pip3":
			if hasWord(args, "--trusted-host") || hasPrefixWord(args, "--trusted-host=") {
				l.fail(ruleDockerfileInsecureDownload, in, "", "pip runs with --trusted-host (no TLS verification for that host)")
			}
		case "rm":
			for _, a := range args {
				if strings.HasPrefix(a, "/var/lib/apt/lists") {
					aptListsRemoved = true
				}
			}
		case "chpasswd":
			l.fail(ruleDockerfileDangerousFS, in, "", "RUN sets passwords with chpasswd")
		case "chmod":
			l.chmod(in, args)
		case "git":
			for i := 0; i+1 < len(args); i++ {
				if args[i] == "-c" && strings.EqualFold(args[i+1], "http.sslVerify=false") {
					l.fail(ruleDockerfileInsecureDownload, in, "", "git runs with http.sslVerify=false")
				}
			}
		case "aws":
			if len(args) >= 3 && args[0] == "configure" && args[1] == "set" && isAWSSecretKey(args[2]) && !l.hasSecretMount(in) && inFinal {
				l.fail(ruleDockerfileSecret, in, "", "RUN stores AWS credentials (aws configure set %s) in the image", args[2])
			}
		case "gcloud":
			if len(args) >= 2 && args[0] == "auth" && args[1] == "activate-service-account" && !l.hasSecretMount(in) && inFinal {
				l.fail(ruleDockerfileSecret, in, "", "RUN activates a gcloud service account without a secret mount")
			}
		case "az":
			if len(args) >= 1 && args[0] == "login" && (hasWord(args, "-p", "--password") || hasPrefixWord(args, "--password=")) && !l.hasSecretMount(in) && inFinal {
				l.fail(ruleDockerfileSecret, in, "", "RUN logs in to Azure with a password on the command line")
			}
		case "doctl":
			if len(args) >= 2 && args[0] == "auth" && args[1] == "init" && (hasWord(args, "-t", "--access-token") || hasPrefixWord(args, "--access-token=")) && !l.hasSecretMount(in) && inFinal {
				l.fail(ruleDockerfileSecret, in, "", "RUN passes a DigitalOcean token on the command line")
			}
		case "docker", "podman", "helm":
			if len(args) >= 1 && (args[0] == "login" || (len(args) > 1 && args[0] == "registry" && args[1] == "login")) &&
				(hasWord(args, "-p", "--password") || hasPrefixWord(args, "--password=")) && !l.hasSecretMount(in) && inFinal {
				l.fail(ruleDockerfileSecret, in, "", "RUN passes a registry password on the command line")
			}
		}
		for _, a := range args {
			if k, v, ok := strings.Cut(a, "="); ok {
				if check, found := insecureEnv[k]; found && check(v) {
					l.fail(ruleDockerfileInsecureDownload, in, "", "RUN sets %s=%s, which disables verification", k, v)
				}
			}
		}
		for _, w := range c.words {
			if !isAssignment(w) {
				break
			}
			k, v, _ := strings.Cut(w, "=")
			if check, found := insecureEnv[k]; found && check(v) {
				l.fail(ruleDockerfileInsecureDownload, in, "", "RUN sets %s=%s, which disables verification", k, v)
			}
		}
	}
	if m := sslOff(text); m != "" && !l.failedAt(ruleDockerfileInsecureDownload, in, before) {
		l.fail(ruleDockerfileInsecureDownload, in, "", "RUN disables TLS or signature verification (%q)", m)
	}
	if strings.Contains(text, "<(curl") || strings.Contains(text, "<(wget") {
		l.fail(ruleDockerfileCurlPipeShell, in, "", "RUN runs a downloaded script through process substitution")
	} else if shellRunsDownload(cmds) {
		l.fail(ruleDockerfileCurlPipeShell, in, "", "RUN runs a downloaded script with sh -c \"$(curl ...)\"")
	}
	if upgrade != "" {
		l.fail(ruleDockerfileUpgrade, in, "rebuild on a newer base image instead of upgrading its packages", "RUN runs %s", upgrade)
	} else if len(updateOnly) > 0 && !anyInstall {
		l.fail(ruleDockerfileUpgrade, in, "run update and install in the same RUN", "RUN runs %s without installing anything in the same layer", updateOnly[0])
	}

	for _, p := range ins {
		if inFinal {
			l.footprint(in, p, cmds, aptUpdate, aptListsRemoved, text)
		}
		if bad := unpinned(p); len(bad) > 0 {
			l.fail(ruleDockerfileUnpinnedPackages, in, "pin the versions ("+pinExample(p.manager)+")", "%s installs unpinned packages: %s", p.manager, strings.Join(trimList(bad), ", "))
		}
		if inFinal {
			for _, pkg := range p.pkgs {
				base := pkgBase(pkg)
				if base == "openssh-server" || base == "dropbear" || (p.manager == "apk" && base == "openssh") {
					l.fail(ruleDockerfileSSH, in, "remove the SSH server", "RUN installs %s", base)
				}
				if buildTools[base] && len(l.f.Stages) == 1 {
					l.fail(ruleDockerfileBuildToolsInFinal, in, "move the build into a separate stage and copy only its output into the final stage",
						"single-stage build installs the build tool %s into the final image", base)
				}
				if shellPackages[base] && l.finalBaseMinimal() {
					l.fail(ruleDockerfileShellInMinimal, in, "", "RUN adds %s to a final image built on a minimal base", base)
				}
			}
		}
	}
}

// failedAt reports whether rule r failed on in since finding index from.
func (l *linter) failedAt(r kubeharden.Rule, in *dockerfile.Instruction, from int) bool {
	for _, f := range l.findings[from:] {
		if f.RuleID == r.ID && f.Position.Line == in.StartLine {
			return true
		}
	}
	return false
}

func hasSudo(words []string) bool {
	for _, w := range words {
		if !isAssignment(w) {
			return w == "sudo" || strings.HasSuffix(w, "/sudo")
		}
	}
	return false
}

func shellRunsDownload(cmds []shellCmd) bool {
	// "sh -c "$(curl ...)"" splits into "sh -c" followed by "curl ...":
	// a shell invoked with -c and no script, right before a download.
	for i := 0; i+1 < len(cmds); i++ {
		n, args := cmds[i].name()
		for len(args) > 0 && args[len(args)-1] == "" {
			args = args[:len(args)-1] // the opening quote of "$(...)"
		}
		if shells[n] && len(args) == 1 && args[0] == "-c" {
			if dn, _ := cmds[i+1].name(); dn == "curl" || dn == "wget" {
				return true
			}
		}
		if (n == "eval" || n == "source" || n == ".") && len(args) == 0 {
			if dn, _ := cmds[i+1].name(); dn == "curl" || dn == "wget" {
				return true
			}
		}
	}
	return false
}

func isAWSSecretKey(k string) bool {
	k = strings.ToLower(k)
	return strings.HasSuffix(k, "aws_access_key_id") || strings.HasSuffix(k, "aws_secret_access_key") || strings.HasSuffix(k, "aws_session_token")
}

func pkgBase(pkg string) string {
	for i := 0; i < len(pkg); i++ {
		switch pkg[i] {
		case '=', '<', '>', '~', '@':
			if i > 0 {
				return pkg[:i]
			}
		}
	}
	return pkg
}

func pinExample(manager string) string {
	switch manager {
	case "apt":
		return "apt-get install pkg=1.2.3-1"
	case "apk":
		return "apk add pkg=1.2.3-r0"
	case "pip":
		return "pip install pkg==1.2.3"
	case "npm", "yarn":
		return "npm install pkg@1.2.3"
	case "gem":
		return "gem install pkg -v 1.2.3"
	case "go":
		return "go install example.com/cmd@v1.2.3"
	}
	return "name-1.2.3"
}

func trimList(s []string) []string {
	if len(s) > 8 {
		return append(s[:8:8], fmt.Sprintf("... (%d more)", len(s)-8))
	}
	return s
}

// footprint applies the install-recommends and cache rules to one
// install command of the final image.
func (l *linter) footprint(in *dockerfile.Instruction, p pkgInstall, cmds []shellCmd, aptUpdate, aptListsRemoved bool, text string) {
	switch p.manager {
	case "apt":
		if !hasWord(p.args, "--no-install-recommends") && !strings.Contains(text, "APT::Install-Recommends=false") &&
			!strings.Contains(text, "APT::Install-Recommends=0") {
			l.fail(ruleDockerfileInstallRecommends, in, "add --no-install-recommends", "apt-get install without --no-install-recommends")
		}
		if aptUpdate && !aptListsRemoved && !l.hasCacheMount(in, "/var/lib/apt/lists", "/var/lib/apt") {
			l.fail(ruleDockerfilePackageCache, in, "end the RUN with && rm -rf /var/lib/apt/lists/*", "apt lists downloaded by update are not removed in the same RUN")
		}
	case "apk":
		if !hasWord(p.args, "--no-cache") && !strings.Contains(text, "/var/cache/apk") && !l.hasCacheMount(in, "/var/cache/apk") {
			l.fail(ruleDockerfilePackageCache, in, "use apk add --no-cache", "apk add without --no-cache keeps the index in the layer")
		}
	case "yum":
		if !cleaned(cmds, "clean") && !strings.Contains(text, "/var/cache/yum") && !strings.Contains(text, "/var/cache/dnf") &&
			!l.hasCacheMount(in, "/var/cache/yum", "/var/cache/dnf") {
			l.fail(ruleDockerfilePackageCache, in, "end the RUN with && yum clean all (dnf/microdnf clean all)", "package install without clean all in the same RUN")
		}
	case "zypper":
		if !cleaned(cmds, "clean", "cc") && !l.hasCacheMount(in, "/var/cache/zypp") {
			l.fail(ruleDockerfilePackageCache, in, "end the RUN with && zypper clean", "zypper install without zypper clean in the same RUN")
		}
	case "pip":
		if !hasWord(p.args, "--no-cache-dir") && !strings.Contains(text, "PIP_NO_CACHE_DIR") && !l.envSet("PIP_NO_CACHE_DIR") &&
			!l.hasCacheMount(in, "/root/.cache/pip", "/root/.cache") {
			l.fail(ruleDockerfilePackageCache, in, "add --no-cache-dir to pip install", "pip install without --no-cache-dir keeps wheels in the layer")
		}
	case "yarn-install":
		if !yarnCleaned(cmds) && !l.hasCacheMount(in, "/usr/local/share/.cache/yarn", "/root/.cache/yarn") {
			l.fail(ruleDockerfilePackageCache, in, "end the RUN with && yarn cache clean", "yarn install without yarn cache clean")
		}
	}
}

func cleaned(cmds []shellCmd, subs ...string) bool {
	for _, c := range cmds {
		n, args := c.name()
		switch n {
		case "yum", "dnf", "microdnf", "tdnf", "zypper":
			if sub, _ := subcommand(args); hasWord([]string{sub}, subs...) {
				return true
			}
		}
	}
	return false
}

func yarnCleaned(cmds []shellCmd) bool {
	for _, c := range cmds {
		if n, args := c.name(); n == "yarn" && len(args) >= 2 && args[0] == "cache" && args[1] == "clean" {
			return true
		}
	}
	return false
}

func (l *linter) envSet(name string) bool {
	if l.finalEnv == nil {
		l.finalEnv = map[string]bool{}
		for _, in := range l.finalInstructions() {
			if in.Cmd == "ENV" {
				for _, kv := range in.KeyValues {
					l.finalEnv[kv.Key] = true
				}
			}
		}
	}
	return l.finalEnv[name]
}

func (l *linter) finalBaseMinimal() bool {
	if l.minimal == nil {
		root := l.chainRoot()
		m := root != nil && len(root.Unresolved) == 0 && l.opts.Policy.IsMinimal(root.Base)
		l.minimal = &m
	}
	return *l.minimal
}

var setuidMode = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-7]?[2467][0-7]{3}$`) })

func (l *linter) chmod(in *dockerfile.Instruction, args []string) {
	for _, a := range args {
		switch {
		case a == "777" || a == "0777" || a == "a+rwx" || a == "ugo+rwx" || a == "o+w" || a == "a+w" || strings.HasSuffix(a, "777") && len(a) == 4 && a[0] >= '0' && a[0] <= '7':
			l.fail(ruleDockerfileDangerousFS, in, "grant the least access needed (e.g. chmod 755 or chown to the runtime UID)", "chmod %s makes files world-writable", a)
		case strings.Contains(a, "+s") || strings.Contains(a, "u+s") || strings.Contains(a, "g+s") || (len(a) == 4 && setuidMode().MatchString(a) && (a[0] == '2' || a[0] == '4' || a[0] == '6')):
			l.fail(ruleDockerfileDangerousFS, in, "", "chmod %s sets a setuid/setgid bit", a)
		}
	}
}

func (l *linter) add(in *dockerfile.Instruction) {
	if len(in.Heredocs) > 0 || len(in.Args) < 2 {
		return
	}
	_, hasChecksum := in.Flag("checksum")
	for _, src := range in.Args[:len(in.Args)-1] {
		src = unquoteWord(src)
		lower := strings.ToLower(src)
		switch {
		case strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://"):
			if !hasChecksum {
				l.fail(ruleDockerfileAdd, in, "add --checksum=sha256:<hex> or download with curl and verify", "ADD %s downloads without --checksum, so the content is not verified", src)
			}
		case strings.HasPrefix(lower, "git@") || strings.HasSuffix(lower, ".git") || strings.Contains(lower, ".git#"):
			// ADD of a git repository: BuildKit pins it with #ref; no rule.
		case isArchive(lower):
		default:
			l.fail(ruleDockerfileAdd, in, "use COPY for local files", "ADD %s copies a local file that is not an archive; COPY states the intent", src)
		}
	}
}

// unquoteWord removes the quotes BuildKit leaves on shell-form COPY and
// ADD words (its instructions stage removes them).
func unquoteWord(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

func isArchive(name string) bool {
	for _, ext := range []string{".tar", ".z", ".bz2", ".gz", ".lz", ".lzma", ".tz", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz", ".tpz", ".txz", ".xz", ".zst"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

func (l *linter) copyCommon(s *dockerfile.Stage, in *dockerfile.Instruction, inFinal bool) {
	if from, ok := in.Flag("from"); ok && from != "" {
		prev := l.f.StageByName(from, len(l.f.Stages))
		switch {
		case prev != nil && prev.Index >= s.Index:
			l.fail(ruleDockerfileCopyFromStage, in, "", "%s --from=%s names the current or a later stage", in.Cmd, from)
		case prev == nil && !strings.Contains(from, "$"):
			l.registry(from, in, in.Cmd+" --from")
		}
		if prev != nil && len(in.Args) == 2 && strings.TrimRight(in.Args[0], "/") == "" && strings.TrimRight(in.Args[1], "/") == "" {
			l.fail(ruleDockerfileLayers, in, "copy only the paths the final image needs", "%s --from=%s / / copies a whole file system", in.Cmd, from)
		}
		if inFinal && l.finalBaseMinimal() {
			for _, src := range in.Args[:max(len(in.Args)-1, 0)] {
				switch path.Clean("/" + unquoteWord(src)) {
				case "/bin/sh", "/bin/bash", "/bin/busybox", "/busybox", "/bin/ash", "/usr/bin/bash", "/sbin/apk", "/usr/bin/apt", "/usr/bin/dpkg":
					l.fail(ruleDockerfileShellInMinimal, in, "", "%s copies %s into a final image built on a minimal base", in.Cmd, src)
				}
			}
		}
	}
	if mode, ok := in.Flag("chmod"); ok {
		l.chmod(in, []string{mode})
	}
	srcCount := len(in.Args) - 1 + len(in.Heredocs)
	if in.JSON || len(in.Heredocs) == 0 {
		srcCount = len(in.Args) - 1
	}
	if len(in.Args) > 0 && srcCount > 1 {
		dest := in.Args[len(in.Args)-1]
		if !strings.HasSuffix(dest, "/") && !strings.HasSuffix(dest, "\\") && !strings.Contains(dest, "$") {
			l.fail(ruleDockerfileCopyDestination, in, "end the destination with /", "%s with %d sources copies to %q, which does not end in /", in.Cmd, srcCount, dest)
		}
	}
	if inFinal {
		for _, src := range in.Args[:max(len(in.Args)-1, 0)] {
			if why := secretFile(unquoteWord(src)); why != "" {
				l.fail(ruleDockerfileSecret, in, "keep the file out of the build context (.dockerignore) and mount it as a build secret", "%s %s copies %s into the image", in.Cmd, src, why)
			}
		}
	}
}

// secretFile names the kind of secret a copied path looks like, or "".
func secretFile(src string) string {
	p := strings.ToLower(strings.ReplaceAll(src, "\\", "/"))
	base := path.Base(p)
	if strings.Contains(base, "example") || strings.Contains(base, "sample") || strings.Contains(base, "template") || strings.Contains(base, "dist") {
		return ""
	}
	switch {
	case base == ".env" || strings.HasPrefix(base, ".env."):
		return "an environment file with secrets"
	case base == "id_rsa" || base == "id_dsa" || base == "id_ecdsa" || base == "id_ed25519":
		return "an SSH private key"
	case base == "kubeconfig" || strings.HasSuffix(p, ".kube/config") || base == "admin.conf":
		return "a kubeconfig"
	case strings.HasSuffix(p, ".aws/credentials") || base == ".git-credentials" || strings.HasSuffix(p, ".docker/config.json") || base == ".netrc" || base == ".pgpass":
		return "a credentials file"
	case strings.HasSuffix(base, ".key") || strings.HasSuffix(base, ".p12") || strings.HasSuffix(base, ".pfx") || strings.HasSuffix(base, ".jks"):
		return "a private key or keystore"
	case strings.HasSuffix(base, ".pem"):
		for _, pub := range []string{"cert", "ca", "chain", "bundle", "pub", "root"} {
			if strings.Contains(base, pub) {
				return ""
			}
		}
		return "a PEM file (private keys are usually PEM)"
	}
	return ""
}

func (l *linter) expose(in *dockerfile.Instruction, inFinal bool) {
	for _, a := range in.Args {
		if strings.Contains(a, "$") {
			continue
		}
		port, proto, hasProto := strings.Cut(a, "/")
		if hasProto {
			switch strings.ToLower(proto) {
			case "tcp", "udp", "sctp":
			default:
				l.fail(ruleDockerfileInvalidPort, in, "", "EXPOSE %s has an unknown protocol %q", a, proto)
				continue
			}
		}
		lo, hi, isRange := strings.Cut(port, "-")
		if !isRange {
			hi = lo
		}
		a1, err1 := strconv.Atoi(lo)
		a2, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || a1 < 0 || a2 > 65535 || a1 > a2 {
			l.fail(ruleDockerfileInvalidPort, in, "", "EXPOSE %s is not a port or range in 0-65535", a)
			continue
		}
		if inFinal && a1 <= 22 && 22 <= a2 && strings.ToLower(proto) != "udp" {
			l.fail(ruleDockerfileSSH, in, "remove EXPOSE 22", "EXPOSE %s publishes the SSH port", a)
		}
	}
}

func (l *linter) workdir(in *dockerfile.Instruction) {
	if len(in.Args) == 0 {
		return
	}
	w := strings.Trim(in.Args[0], `"'`)
	if strings.HasPrefix(w, "$") {
		return
	}
	windows := len(w) >= 2 && w[1] == ':'
	if !strings.HasPrefix(w, "/") && !windows {
		l.fail(ruleDockerfileRelativeWorkdir, in, "", "WORKDIR %s is relative", w)
		return
	}
	clean := path.Clean(w)
	for _, bad := range []string{"/proc", "/boot", "/dev", "/initrd", "/lost+found", "/sys"} {
		if clean == bad || strings.HasPrefix(clean, bad+"/") {
			l.fail(ruleDockerfileDangerousFS, in, "", "WORKDIR %s is inside the system directory %s", w, bad)
		}
	}
}

// --- whole-stage checks -------------------------------------------------------

func (l *linter) stageChecks() {
	seen := map[string]*dockerfile.Stage{}
	for _, s := range l.f.Stages {
		if s.Name != "" {
			if _, dup := seen[s.Name]; dup {
				l.fail(ruleDockerfileDuplicateStage, s.From, "", "stage name %q is used twice", s.Name)
			}
			seen[s.Name] = s
		}
		counts := map[string]int{}
		for _, in := range s.Instructions {
			switch in.Cmd {
			case "CMD", "ENTRYPOINT", "HEALTHCHECK":
				counts[in.Cmd]++
				if counts[in.Cmd] == 2 {
					l.fail(ruleDockerfileMultipleInstructions, in, "", "stage %d has more than one %s; only the last takes effect", s.Index, in.Cmd)
				}
			}
		}
	}

	final := l.f.Final()
	if final == nil {
		return
	}
	healthcheck := false
	for _, in := range l.finalInstructions() {
		if in.Cmd == "HEALTHCHECK" && len(in.Args) > 0 && in.Args[0] != "NONE" {
			healthcheck = true
		}
	}
	if !healthcheck {
		l.fail(ruleDockerfileNoHealthcheck, final.From, "define liveness and readiness probes in the pod spec", "the final image defines no HEALTHCHECK")
	}

	root := l.chainRoot()
	if root == nil || len(root.Unresolved) > 0 {
		return
	}
	if IsShellless(root.Base) {
		for _, in := range l.finalInstructions() {
			if (in.Cmd == "CMD" || in.Cmd == "ENTRYPOINT") && !in.JSON && len(in.Args) > 0 {
				l.fail(ruleDockerfileShellFormNoShell, in, fmt.Sprintf("%s [%q]", in.Cmd, in.Args[0]),
					"shell-form %s needs /bin/sh, which %s does not have", in.Cmd, root.Base)
			}
		}
	}
	if r, err := ParseReference(root.Base); err == nil && IsDebugVariant(r) {
		l.fail(ruleDockerfileShellInMinimal, root.From, "use the non-debug tag", "final image builds on %s, a debug variant with a busybox shell", root.Base)
	}
	if !l.opts.Policy.IsMinimal(root.Base) && !l.fails[ruleDockerfileBuildToolsInFinal.ID] {
		l.fail(ruleDockerfileBuildToolsInFinal, root.From, "build in a separate stage and copy the artefacts onto distroless or scratch",
			"the final image builds on %s, which is not a minimal base", root.Base)
	}
}
