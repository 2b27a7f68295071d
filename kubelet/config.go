package kubelet

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
)

// The KubeletConfiguration group/version/kind this package reads.
const (
	APIVersion = "kubelet.config.k8s.io/v1beta1"
	ConfigKind = "KubeletConfiguration"
)

//go:generate go run ./internal/genconfig -o zconfig.go

// duration decodes like metav1.Duration: a string parsed by time.ParseDuration.
type duration struct{ time.Duration }

func (d *duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("%w: a duration must be a string such as \"4h\"", ErrInvalidValue)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidValue, err)
	}
	d.Duration = v
	return nil
}

// MaxConfigBytes bounds a KubeletConfiguration file or drop-in.
const MaxConfigBytes = 3 << 20

// Errors about configuration files.
var (
	ErrNotKubeletConfig = errors.New("not a kubelet.config.k8s.io/v1beta1 KubeletConfiguration")
	ErrEmptyConfig      = errors.New("kubelet config file is empty")
	ErrInvalidValue     = errors.New("invalid value")
)

type valueKind int

const (
	kindBool valueKind = iota
	kindString
	kindInt
	kindDuration
	kindList
)

// setting describes one security-relevant kubelet setting: its
// KubeletConfiguration path, its flag and its defaults per mode.
type setting struct {
	key  string // config path; "" for flag-only settings
	flag string // flag name without dashes; "" for config-only
	kind valueKind
	bits int // integer width
	// defaults: config-file mode, flags-only mode
	defConfig, defFlags any
	// redefault: a zero value written in the --config file is replaced by
	// the default by v1beta1 defaulting (non-pointer fields).
	redefault bool
}

var settings = []setting{
	{key: "authentication.anonymous.enabled", flag: "anonymous-auth", kind: kindBool, defConfig: false, defFlags: true},
	{key: "authentication.webhook.enabled", flag: "authentication-token-webhook", kind: kindBool, defConfig: true, defFlags: false},
	{key: "authorization.mode", flag: "authorization-mode", kind: kindString, defConfig: "Webhook", defFlags: "AlwaysAllow", redefault: true},
	{key: "authentication.x509.clientCAFile", flag: "client-ca-file", kind: kindString, defConfig: "", defFlags: ""},
	{key: "readOnlyPort", flag: "read-only-port", kind: kindInt, bits: 32, defConfig: int64(0), defFlags: int64(10255)},
	{key: "streamingConnectionIdleTimeout", flag: "streaming-connection-idle-timeout", kind: kindDuration, defConfig: 4 * time.Hour, defFlags: 4 * time.Hour, redefault: true},
	{key: "makeIPTablesUtilChains", flag: "make-iptables-util-chains", kind: kindBool, defConfig: true, defFlags: true},
	{key: "eventRecordQPS", flag: "event-qps", kind: kindInt, bits: 32, defConfig: int64(50), defFlags: int64(50)},
	{key: "tlsCertFile", flag: "tls-cert-file", kind: kindString, defConfig: "", defFlags: ""},
	{key: "tlsPrivateKeyFile", flag: "tls-private-key-file", kind: kindString, defConfig: "", defFlags: ""},
	{key: "rotateCertificates", flag: "rotate-certificates", kind: kindBool, defConfig: false, defFlags: false},
	{key: "serverTLSBootstrap", flag: "rotate-server-certificates", kind: kindBool, defConfig: false, defFlags: false},
	{key: "tlsCipherSuites", flag: "tls-cipher-suites", kind: kindList, defConfig: []string(nil), defFlags: []string(nil)},
	{key: "podPidsLimit", flag: "pod-max-pids", kind: kindInt, bits: 64, defConfig: int64(-1), defFlags: int64(-1)},
	{key: "seccompDefault", flag: "seccomp-default", kind: kindBool, defConfig: false, defFlags: false},
	{key: "protectKernelDefaults", flag: "protect-kernel-defaults", kind: kindBool, defConfig: false, defFlags: false},
	{key: "staticPodPath", flag: "pod-manifest-path", kind: kindString, defConfig: "", defFlags: ""},
	{flag: "hostname-override", kind: kindString, defConfig: "", defFlags: ""},
	{flag: "kubeconfig", kind: kindString, defConfig: "", defFlags: ""},
}

// Setting names that are not config paths are flags ("--hostname-override").
func (s setting) name() string {
	if s.key != "" {
		return s.key
	}
	return "--" + s.flag
}

func settingByName(name string) (setting, bool) {
	for _, s := range settings {
		if s.name() == name {
			return s, true
		}
	}
	return setting{}, false
}

// Value is an effective setting with its origin.
type Value struct {
	// Name is the config path ("readOnlyPort") or, for flag-only
	// settings, the flag ("--hostname-override").
	Name string
	// V holds a bool, string, int64, time.Duration or []string.
	V any
	// Set is true when a file or flag set the value (false: default).
	Set    bool
	Origin Origin
}

// Bool, Str, Int, Duration and List return V typed (zero when V has another type).
func (v Value) Bool() bool              { b, _ := v.V.(bool); return b }
func (v Value) Str() string             { s, _ := v.V.(string); return s }
func (v Value) Int() int64              { i, _ := v.V.(int64); return i }
func (v Value) Duration() time.Duration { d, _ := v.V.(time.Duration); return d }
func (v Value) List() []string          { l, _ := v.V.([]string); return l }
func (v Value) String() string          { return render(v.V) }
func (v Value) describe(key string) string {
	return key + "=" + v.String() + " (" + v.Origin.String() + ")"
}

func render(x any) string {
	switch t := x.(type) {
	case nil:
		return "<unset>"
	case string:
		if t == "" {
			return `""`
		}
		return t
	case []string:
		if t == nil {
			return "<unset>"
		}
		return "[" + strings.Join(t, ",") + "]"
	case time.Duration:
		return t.String()
	}
	return fmt.Sprint(x)
}

// GateValue is an effective feature gate.
type GateValue struct {
	Enabled bool
	Set     bool
	Origin  Origin
}

// ConfigDoc is a decoded KubeletConfiguration file (the --config file or a
// drop-in).
type ConfigDoc struct {
	Source string
	cfg    cfgKubeletConfiguration // typed content, no defaults applied
	doc    *decode.Document
	tree   map[string]any
	// Problems are unknown, duplicate and case-variant keys: the kubelet
	// decodes leniently after a strict failure, so these settings are
	// silently not in effect.
	Problems []kubeharden.Finding
}

// ParseConfig decodes a KubeletConfiguration (YAML or JSON) through
// internal/decode: exactly one document, apiVersion
// kubelet.config.k8s.io/v1beta1 and kind KubeletConfiguration required,
// value types checked against k8s.io/kubelet's types.
func ParseConfig(source string, data []byte) (*ConfigDoc, error) {
	if len(data) > MaxConfigBytes {
		return nil, inputErr(source, 0, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), MaxConfigBytes))
	}
	docs, errs := decode.Split(data, source, decode.Options{MaxDocuments: 16})
	if len(errs) > 0 {
		return nil, errs[0]
	}
	if len(docs) == 0 {
		return nil, inputErr(source, 0, ErrEmptyConfig)
	}
	d := docs[0]
	if d.Meta.Kind != ConfigKind || d.Meta.APIVersion != APIVersion {
		return nil, d.Error(fmt.Errorf("%w (found apiVersion %q, kind %q)", ErrNotKubeletConfig, d.Meta.APIVersion, d.Meta.Kind), "")
	}
	if len(docs) > 1 {
		return nil, docs[1].Error(fmt.Errorf("%w: more than one document", ErrNotKubeletConfig), "")
	}
	cd := &ConfigDoc{Source: source, doc: d}
	problems, err := d.Into(&cd.cfg)
	if err != nil {
		return nil, err
	}
	cd.Problems = decode.ProblemFindings("kubelet", d, problems)
	dec := json.NewDecoder(bytes.NewReader(d.JSON))
	dec.UseNumber()
	if err := dec.Decode(&cd.tree); err != nil {
		return nil, d.Error(err, "")
	}
	return cd, nil
}

// lookup walks a dotted path in the generic tree. present is true when
// the key exists with a non-null value.
func (cd *ConfigDoc) lookup(key string) (v any, present bool) {
	var cur any = cd.tree
	for _, part := range strings.Split(key, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = m[part]
		if !ok || cur == nil {
			return nil, false
		}
	}
	return cur, true
}

// convertJSON turns a generic JSON value into the setting's Go type.
func convertJSON(s setting, x any) (any, error) {
	switch s.kind {
	case kindBool:
		if b, ok := x.(bool); ok {
			return b, nil
		}
	case kindString:
		if t, ok := x.(string); ok {
			return t, nil
		}
	case kindInt:
		if n, ok := x.(json.Number); ok {
			return strconv.ParseInt(n.String(), 10, s.bits)
		}
	case kindDuration:
		if t, ok := x.(string); ok {
			return time.ParseDuration(t)
		}
	case kindList:
		if l, ok := x.([]any); ok {
			out := make([]string, 0, len(l))
			for _, e := range l {
				t, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("%w: list element %v is not a string", ErrInvalidValue, e)
				}
				out = append(out, t)
			}
			return out, nil
		}
	}
	return nil, fmt.Errorf("%w: %v has the wrong type", ErrInvalidValue, x)
}

// parseFlagValue parses a flag's text with the kubelet's parsers.
func parseFlagValue(s setting, text string) (any, error) {
	switch s.kind {
	case kindBool:
		return strconv.ParseBool(text)
	case kindString:
		return text, nil
	case kindInt:
		return strconv.ParseInt(text, 0, s.bits)
	case kindDuration:
		return time.ParseDuration(text)
	case kindList:
		return splitCSV(text)
	}
	return nil, ErrInvalidValue
}

// splitCSV splits a slice flag's value with encoding/csv, as pflag does.
func splitCSV(text string) ([]string, error) {
	if text == "" {
		return []string{}, nil
	}
	r := csv.NewReader(strings.NewReader(text))
	r.LazyQuotes = false
	rec, err := r.Read()
	if err != nil {
		return nil, err
	}
	return rec, nil
}

func isZero(x any) bool {
	switch t := x.(type) {
	case string:
		return t == ""
	case time.Duration:
		return t == 0
	case int64:
		return t == 0
	case bool:
		return !t
	}
	return false
}

// Effective is the configuration the kubelet really runs with: defaults
// of its mode, the --config file, the --config-dir drop-ins in lexical
// order, and the command-line flags on top (feature gates merged per key).
type Effective struct {
	Mode Mode
	// ConfigFile is the resolved --config path ("" in flags-only mode);
	// ConfigDir the resolved --config-dir and DropIns the files merged.
	ConfigFile string
	ConfigDir  string
	DropIns    []string
	// WorkingDirectory is the directory relative --config paths resolve against.
	WorkingDirectory string
	Command          *CommandLine
	values           map[string]Value
	// FeatureGates holds every gate set by a file or flag.
	FeatureGates map[string]GateValue
	// Docs are the decoded configuration files (main file first).
	Docs []*ConfigDoc
	// Findings holds decoding and command-line problems (rule
	// kubelet/UnknownField, kubelet/InvalidCommandLine, kubelet/ConfigError ...).
	Findings []kubeharden.Finding
	// Errors are inputs that could not be read.
	Errors []kubeharden.InputError
}

// Get returns the effective value of a setting by config path
// ("authentication.anonymous.enabled") or flag-only name
// ("--hostname-override"). Unknown names yield a zero Value.
func (e *Effective) Get(name string) Value { return e.values[name] }

// Gate returns the effective value of a feature gate; def is the gate's
// built-in default, used when nothing sets it.
func (e *Effective) Gate(name string, def bool) GateValue {
	if g, ok := e.FeatureGates[name]; ok {
		return g
	}
	return GateValue{Enabled: def, Origin: Origin{Kind: OriginDefault, Mode: e.Mode, Note: "built-in feature gate default"}}
}

func (e *Effective) baseline(mode Mode) {
	e.Mode = mode
	e.values = make(map[string]Value, len(settings))
	e.FeatureGates = map[string]GateValue{}
	for _, s := range settings {
		def := s.defConfig
		if mode == ModeFlagsOnly {
			def = s.defFlags
		}
		e.values[s.name()] = Value{Name: s.name(), V: def, Origin: Origin{Kind: OriginDefault, Mode: mode}}
	}
}

// apply merges one config document over the current values. main is true
// for the --config file (zero values of re-defaulted fields fall back to
// the default); drop-ins are merged after defaulting, so their zeros stay.
func (e *Effective) apply(cd *ConfigDoc, kind OriginKind) {
	for _, s := range settings {
		if s.key == "" {
			continue
		}
		x, ok := cd.lookup(s.key)
		if !ok {
			continue
		}
		v, err := convertJSON(s, x)
		if err != nil {
			e.addError(cd.doc.Error(fmt.Errorf("%s: %w", s.key, err), s.key))
			continue
		}
		o := Origin{Kind: kind, File: cd.Source, Key: s.key}
		if kind == OriginConfigFile && s.redefault && isZero(v) {
			v = s.defConfig
			o.Note = "zero value replaced by the v1beta1 default"
		}
		e.values[s.name()] = Value{Name: s.name(), V: v, Set: true, Origin: o}
	}
	if fg, ok := cd.tree["featureGates"].(map[string]any); ok {
		for name, x := range fg {
			b, ok := x.(bool)
			if !ok {
				continue
			}
			e.FeatureGates[name] = GateValue{Enabled: b, Set: true, Origin: Origin{Kind: kind, File: cd.Source, Key: "featureGates." + name}}
		}
	}
	e.Docs = append(e.Docs, cd)
	e.Findings = append(e.Findings, cd.Problems...)
}

func (e *Effective) addError(err error) {
	ie := asInputErr("", err)
	e.Errors = append(e.Errors, *ie)
	e.Findings = append(e.Findings, ruleConfigError.Fail(ie.Error(), ""))
}

// applyFlags puts the command line on top: the last occurrence of a
// scalar flag wins, a list flag's occurrences accumulate (replacing the
// file's list), feature gates merge per key.
func (e *Effective) applyFlags(c *CommandLine) {
	for _, s := range settings {
		if s.flag == "" {
			continue
		}
		occ := c.All(s.flag)
		if len(occ) == 0 {
			continue
		}
		if s.kind == kindList {
			var acc []string
			var last Flag
			ok := false
			for _, f := range occ {
				l, err := splitCSV(f.Value)
				if err != nil {
					e.flagProblem(f, err)
					continue
				}
				acc, last, ok = append(acc, l...), f, true
			}
			if ok {
				o := last.Origin
				if len(occ) > 1 {
					o.Note = fmt.Sprintf("%d occurrences of --%s accumulate", len(occ), s.flag)
				}
				if acc == nil {
					acc = []string{}
				}
				e.values[s.name()] = Value{Name: s.name(), V: acc, Set: true, Origin: o}
			}
			continue
		}
		for i := len(occ) - 1; i >= 0; i-- {
			f := occ[i]
			v, err := parseFlagValue(s, f.Value)
			if err != nil {
				e.flagProblem(f, err)
				continue
			}
			o := f.Origin
			if len(occ) > 1 {
				o.Note = fmt.Sprintf("last of %d occurrences of --%s wins", len(occ), s.flag)
			}
			e.values[s.name()] = Value{Name: s.name(), V: v, Set: true, Origin: o}
			break
		}
	}
	for _, f := range c.All("feature-gates") {
		for _, pair := range strings.Split(f.Value, ",") {
			if strings.TrimSpace(pair) == "" {
				continue
			}
			k, v, ok := strings.Cut(pair, "=")
			if !ok {
				e.flagProblem(f, fmt.Errorf("missing bool value for %q", strings.TrimSpace(pair)))
				continue
			}
			b, err := strconv.ParseBool(strings.TrimSpace(v))
			if err != nil {
				e.flagProblem(f, fmt.Errorf("invalid value of %s: %s", strings.TrimSpace(k), strings.TrimSpace(v)))
				continue
			}
			e.FeatureGates[strings.TrimSpace(k)] = GateValue{Enabled: b, Set: true, Origin: f.Origin}
		}
	}
	for _, p := range c.Problems {
		f := ruleInvalidCommandLine.Fail(p.Error(), "")
		var ie *kubeharden.InputError
		if errors.As(p, &ie) {
			f.Position = kubeharden.Position{File: ie.Source, Line: ie.Line}
			f.Message = ie.Err.Error()
		}
		e.Findings = append(e.Findings, f)
	}
}

func (e *Effective) flagProblem(f Flag, err error) {
	fd := ruleInvalidCommandLine.Fail(fmt.Sprintf("%s: %v: the kubelet refuses to start", f.Written, err), "--"+f.Name)
	fd.Position = kubeharden.Position{File: f.Origin.File, Line: f.Origin.Line}
	e.Findings = append(e.Findings, fd)
}

// ResolveConfig returns the effective configuration of a kubelet started
// with only --config pointing at doc (config-file mode, no flags).
func ResolveConfig(doc *ConfigDoc) *Effective {
	e := &Effective{ConfigFile: doc.Source, WorkingDirectory: "/", Command: &CommandLine{}}
	e.baseline(ModeConfigFile)
	e.apply(doc, OriginConfigFile)
	return e
}

// Resolve computes the effective configuration of a kubelet started with
// cmd: the --config file and the --config-dir drop-ins named on the
// command line are read from fsys (relative paths resolve against
// workDir, "/" when empty), then the flags are applied on top.
func Resolve(fsys fs.FS, cmd *CommandLine, workDir string) *Effective {
	if workDir == "" {
		workDir = "/"
	}
	e := &Effective{WorkingDirectory: workDir, Command: cmd}
	abs := func(p string) string {
		if path.IsAbs(p) {
			return path.Clean(p)
		}
		return path.Join(workDir, p)
	}
	cfg, hasCfg := cmd.Lookup("config")
	if hasCfg && cfg.Value != "" {
		e.baseline(ModeConfigFile)
		e.ConfigFile = abs(cfg.Value)
		if doc, err := loadConfig(fsys, e.ConfigFile); err != nil {
			e.addError(err)
		} else {
			e.apply(doc, OriginConfigFile)
		}
	} else {
		e.baseline(ModeFlagsOnly)
	}
	if dir, ok := cmd.Lookup("config-dir"); ok && dir.Value != "" {
		e.ConfigDir = abs(dir.Value)
		files, err := dropInFiles(fsys, e.ConfigDir)
		if err != nil {
			e.addError(inputErr(e.ConfigDir, 0, fmt.Errorf("--config-dir: %w", err)))
		}
		for _, f := range files {
			doc, err := loadConfig(fsys, f)
			if err != nil {
				e.addError(err)
				continue
			}
			e.DropIns = append(e.DropIns, f)
			e.apply(doc, OriginDropIn)
		}
	}
	e.applyFlags(cmd)
	return e
}

func loadConfig(fsys fs.FS, name string) (*ConfigDoc, error) {
	data, err := readFile(fsys, name, MaxConfigBytes)
	if err != nil {
		return nil, inputErr(name, 0, fmt.Errorf("reading the kubelet config: %w (the kubelet will not start)", err))
	}
	return ParseConfig(name, data)
}

// dropInFiles lists the *.conf files under dir, recursively, in the
// lexical walk order the kubelet uses.
func dropInFiles(fsys fs.FS, dir string) ([]string, error) {
	if fsys == nil {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: fs.ErrNotExist}
	}
	var out []string
	err := fs.WalkDir(fsys, fsPath(dir), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".conf") {
			out = append(out, "/"+p)
			if len(out) > 1000 {
				return fmt.Errorf("%w: more than 1000 drop-ins", ErrTooLarge)
			}
		}
		return nil
	})
	return out, err
}

// position returns the file position of a value, for findings.
func (e *Effective) position(v Value) kubeharden.Position {
	o := v.Origin
	switch o.Kind {
	case OriginConfigFile, OriginDropIn:
		for _, d := range e.Docs {
			if d.Source == o.File {
				return d.doc.Position(o.Key)
			}
		}
	case OriginFlag:
		if o.File != "" {
			return kubeharden.Position{File: o.File, Line: o.Line}
		}
	}
	return kubeharden.Position{}
}
