package apiserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path"

	"github.com/kubeharden/kubeharden/internal/decode"
)

// Errors of referenced configuration files.
var (
	ErrWrongKind    = errors.New("unexpected apiVersion/kind")
	ErrEmptyFile    = errors.New("file holds no document")
	ErrMultipleDocs = errors.New("file holds more than one document; the API server reads one")
)

// singleDoc splits data and returns its only document.
func singleDoc(source string, data []byte) (*decode.Document, error) {
	docs, errs := decode.Split(data, source, decode.Options{})
	if len(errs) > 0 {
		return nil, errs[0]
	}
	switch len(docs) {
	case 0:
		return nil, fmt.Errorf("%s: %w", source, ErrEmptyFile)
	case 1:
		return docs[0], nil
	}
	return docs[0], docs[1].Error(ErrMultipleDocs, "")
}

// AdmissionConfiguration is apiserver.config.k8s.io/v1 (or the legacy
// apiserver.k8s.io/v1alpha1) AdmissionConfiguration.
type AdmissionConfiguration struct {
	APIVersion string                         `json:"apiVersion,omitempty"`
	Kind       string                         `json:"kind,omitempty"`
	Plugins    []AdmissionPluginConfiguration `json:"plugins"`
}

// AdmissionPluginConfiguration configures one plugin inline or by path.
type AdmissionPluginConfiguration struct {
	Name          string          `json:"name"`
	Path          string          `json:"path,omitempty"`
	Configuration json.RawMessage `json:"configuration,omitempty"`
}

// ImagePolicyConfig is the ImagePolicyWebhook plugin configuration (the
// value of the imagePolicy key). Integers are seconds (TTLs) and
// milliseconds (retryBackoff); zero selects the default, -1 disables.
type ImagePolicyConfig struct {
	KubeConfigFile string `json:"kubeConfigFile"`
	AllowTTL       int    `json:"allowTTL"`
	DenyTTL        int    `json:"denyTTL"`
	RetryBackoff   int    `json:"retryBackoff"`
	DefaultAllow   bool   `json:"defaultAllow"`
	// DefaultAllowSet is true when defaultAllow appears in the file.
	DefaultAllowSet bool `json:"-"`
}

type imagePolicyFile struct {
	ImagePolicy *struct {
		ImagePolicyConfig
		DefaultAllow *bool `json:"defaultAllow"`
	} `json:"imagePolicy"`
}

// EventRateLimitConfig is eventratelimit.admission.k8s.io/v1alpha1
// Configuration.
type EventRateLimitConfig struct {
	APIVersion string           `json:"apiVersion,omitempty"`
	Kind       string           `json:"kind,omitempty"`
	Limits     []EventRateLimit `json:"limits"`
}

// EventRateLimit is one limit.
type EventRateLimit struct {
	Type      string `json:"type"`
	QPS       int32  `json:"qps"`
	Burst     int32  `json:"burst"`
	CacheSize int32  `json:"cacheSize,omitempty"`
}

// PluginConfig is the configuration one plugin receives, resolved from the
// first entry with its name (inline configuration wins over path).
type PluginConfig struct {
	Name string
	// Entry is the field path of the entry ("plugins[1]").
	Entry string
	// Data is the configuration document; File is where it came from (the
	// AdmissionConfiguration itself for inline configuration).
	Data []byte
	File string
	// Inline is true when the configuration was inline.
	Inline bool
	// BothSet is true when the entry has both path and configuration.
	BothSet bool
	// Err is set when the path file could not be read.
	Err error
}

// ParseAdmissionConfiguration decodes an AdmissionConfiguration file, or
// the legacy form (no apiVersion/kind, a top-level imagePolicy key) which
// the server treats as the ImagePolicyWebhook configuration.
func ParseAdmissionConfiguration(source string, data []byte) (*AdmissionConfiguration, *decode.Document, []decode.FieldProblem, error) {
	d, err := singleDoc(source, data)
	if err != nil {
		return nil, nil, nil, err
	}
	if d.Meta.APIVersion == "" && d.Meta.Kind == "" {
		var probe map[string]json.RawMessage
		if json.Unmarshal(d.JSON, &probe) == nil && probe["imagePolicy"] != nil {
			return &AdmissionConfiguration{Plugins: []AdmissionPluginConfiguration{{Name: "ImagePolicyWebhook", Configuration: d.JSON}}}, d, nil, nil
		}
	}
	if !isAdmissionConfig(d.Meta) {
		return nil, d, nil, d.Error(fmt.Errorf("%w: want apiserver.config.k8s.io/v1 AdmissionConfiguration, found %q %q", ErrWrongKind, d.Meta.APIVersion, d.Meta.Kind), "kind")
	}
	var c AdmissionConfiguration
	problems, err := d.Into(&c)
	if err != nil {
		return nil, d, nil, err
	}
	return &c, d, problems, nil
}

func isAdmissionConfig(m decode.Meta) bool {
	return m.Kind == "AdmissionConfiguration" && (m.APIVersion == "apiserver.config.k8s.io/v1" ||
		m.APIVersion == "apiserver.k8s.io/v1alpha1" || m.APIVersion == "apiserver.config.k8s.io/v1alpha1")
}

// Plugin resolves the configuration of one plugin. readFile reads a path
// relative to the AdmissionConfiguration's directory (dir); it may be nil.
func (c *AdmissionConfiguration) Plugin(name, dir string, readFile func(string) ([]byte, error)) (PluginConfig, bool) {
	for i, p := range c.Plugins {
		if p.Name != name {
			continue
		}
		pc := PluginConfig{Name: name, Entry: fmt.Sprintf("plugins[%d]", i)}
		inline := len(bytes.TrimSpace(p.Configuration)) > 0 && string(bytes.TrimSpace(p.Configuration)) != "null"
		pc.BothSet = inline && p.Path != ""
		switch {
		case inline:
			pc.Data, pc.Inline = p.Configuration, true
		case p.Path != "":
			pc.File = p.Path
			if !path.IsAbs(p.Path) {
				pc.File = path.Join(dir, p.Path)
			}
			if readFile == nil {
				pc.Err = fmt.Errorf("%s: no file system given to read it", pc.File)
			} else {
				pc.Data, pc.Err = readFile(pc.File)
			}
		}
		return pc, true
	}
	return PluginConfig{}, false
}

// ParseImagePolicy decodes an ImagePolicyWebhook configuration (a document
// with a top-level imagePolicy key). Keys match case-insensitively, as in
// the plugin, and integers must be integers.
func ParseImagePolicy(source string, data []byte) (*ImagePolicyConfig, error) {
	d, err := singleDoc(source, data)
	if err != nil {
		return nil, err
	}
	var f imagePolicyFile
	if err := json.Unmarshal(d.JSON, &f); err != nil {
		return nil, d.Error(fmt.Errorf("%w: %w", decode.ErrType, err), "imagePolicy")
	}
	if f.ImagePolicy == nil {
		return nil, d.Error(errors.New("no imagePolicy key"), "")
	}
	c := f.ImagePolicy.ImagePolicyConfig
	if f.ImagePolicy.DefaultAllow != nil {
		c.DefaultAllow, c.DefaultAllowSet = *f.ImagePolicy.DefaultAllow, true
	}
	return &c, nil
}

// Validate reports values the plugin rejects at start-up.
func (c *ImagePolicyConfig) Validate() []ConfigProblem {
	var ps []ConfigProblem
	rng := func(field string, v, max int, unit string) {
		if v < -1 || v > max {
			ps = append(ps, ConfigProblem{Path: "imagePolicy." + field,
				Message: fmt.Sprintf("%s is %d; valid values are -1 (disabled), 0 (default) or 1..%d %s", field, v, max, unit)})
		}
	}
	rng("allowTTL", c.AllowTTL, 1800, "seconds")
	rng("denyTTL", c.DenyTTL, 1800, "seconds")
	rng("retryBackoff", c.RetryBackoff, 300000, "milliseconds")
	if c.KubeConfigFile == "" {
		ps = append(ps, ConfigProblem{Path: "imagePolicy.kubeConfigFile", Message: "kubeConfigFile is required"})
	} else if !path.IsAbs(c.KubeConfigFile) {
		ps = append(ps, ConfigProblem{Path: "imagePolicy.kubeConfigFile", Message: "kubeConfigFile should be an absolute path"})
	}
	return ps
}

// ParseEventRateLimit decodes an EventRateLimit configuration.
func ParseEventRateLimit(source string, data []byte) (*EventRateLimitConfig, []decode.FieldProblem, error) {
	d, err := singleDoc(source, data)
	if err != nil {
		return nil, nil, err
	}
	if d.Meta.Kind != "Configuration" || d.Meta.APIVersion != "eventratelimit.admission.k8s.io/v1alpha1" {
		return nil, nil, d.Error(fmt.Errorf("%w: want eventratelimit.admission.k8s.io/v1alpha1 Configuration, found %q %q", ErrWrongKind, d.Meta.APIVersion, d.Meta.Kind), "kind")
	}
	var c EventRateLimitConfig
	problems, err := d.Into(&c)
	if err != nil {
		return nil, nil, err
	}
	return &c, problems, nil
}

// Validate reports what the EventRateLimit plugin rejects.
func (c *EventRateLimitConfig) Validate() []ConfigProblem {
	var ps []ConfigProblem
	if len(c.Limits) == 0 {
		ps = append(ps, ConfigProblem{Path: "limits", Message: "at least one limit is required"})
	}
	for i, l := range c.Limits {
		p := fmt.Sprintf("limits[%d]", i)
		switch l.Type {
		case "Server", "Namespace", "User", "SourceAndObject":
		default:
			ps = append(ps, ConfigProblem{Path: p + ".type", Message: fmt.Sprintf("type %q is not Server, Namespace, User or SourceAndObject", l.Type)})
		}
		if l.QPS <= 0 {
			ps = append(ps, ConfigProblem{Path: p + ".qps", Message: "qps must be positive"})
		}
		if l.Burst <= 0 {
			ps = append(ps, ConfigProblem{Path: p + ".burst", Message: "burst must be positive"})
		}
		if l.CacheSize < 0 {
			ps = append(ps, ConfigProblem{Path: p + ".cacheSize", Message: "cacheSize must not be negative"})
		}
	}
	return ps
}
