package apiserver

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/kubeharden/kubeharden/internal/decode"
)

// EncryptionConfiguration is apiserver.config.k8s.io/v1
// EncryptionConfiguration (also the legacy v1 EncryptionConfig), reduced
// to the fields that decide encryption at rest.
type EncryptionConfiguration struct {
	APIVersion string                  `json:"apiVersion,omitempty"`
	Kind       string                  `json:"kind,omitempty"`
	Resources  []ResourceConfiguration `json:"resources"`
}

// ResourceConfiguration is one entry: resources and their ordered providers.
type ResourceConfiguration struct {
	Resources []string                `json:"resources"`
	Providers []ProviderConfiguration `json:"providers"`
}

// ProviderConfiguration holds exactly one provider.
type ProviderConfiguration struct {
	AESGCM    *KeyConfiguration `json:"aesgcm,omitempty"`
	AESCBC    *KeyConfiguration `json:"aescbc,omitempty"`
	Secretbox *KeyConfiguration `json:"secretbox,omitempty"`
	Identity  *struct{}         `json:"identity,omitempty"`
	KMS       *KMSConfiguration `json:"kms,omitempty"`
}

// KeyConfiguration lists static keys.
type KeyConfiguration struct {
	Keys []Key `json:"keys"`
}

// Key is one named static key (base64).
type Key struct {
	Name   string `json:"name"`
	Secret string `json:"secret"`
}

// KMSConfiguration is a KMS plugin provider.
type KMSConfiguration struct {
	APIVersion string  `json:"apiVersion,omitempty"`
	Name       string  `json:"name"`
	CacheSize  *int32  `json:"cachesize,omitempty"`
	Endpoint   string  `json:"endpoint"`
	Timeout    *string `json:"timeout,omitempty"`
}

// Type returns the provider type name ("aescbc", "kms", ...), the first
// one set, and how many types the element holds.
func (p ProviderConfiguration) Type() (string, int) {
	name, n := "", 0
	set := func(ok bool, t string) {
		if ok {
			if n == 0 {
				name = t
			}
			n++
		}
	}
	set(p.AESGCM != nil, "aesgcm")
	set(p.AESCBC != nil, "aescbc")
	set(p.Secretbox != nil, "secretbox")
	set(p.Identity != nil, "identity")
	set(p.KMS != nil, "kms")
	return name, n
}

// KMSVersion returns "v1" or "v2" for a kms provider (v1 when unset).
func (p ProviderConfiguration) KMSVersion() string {
	if p.KMS == nil {
		return ""
	}
	if p.KMS.APIVersion == "" {
		return "v1"
	}
	return p.KMS.APIVersion
}

// ConfigProblem is a validation error in a referenced configuration file:
// the API server refuses to start with it.
type ConfigProblem struct {
	Path    string
	Message string
}

func (p ConfigProblem) Error() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// ProviderRef is a provider with its position in the file.
type ProviderRef struct {
	Provider ProviderConfiguration
	// Path is the field path ("resources[1].providers[0]").
	Path string
	// Entry is the index of the entry that supplied it; Selector is the
	// resource name that matched ("secrets", "*.", "*.*").
	Entry    int
	Selector string
}

// ProvidersFor returns the providers the API server uses for a resource
// ("secrets", "deployments.apps"): the entries naming it, in entry order,
// else those naming "*.<group>", else those naming "*.*". The first one
// encrypts writes.
func (c *EncryptionConfiguration) ProvidersFor(resource string) []ProviderRef {
	group := ""
	if i := strings.IndexByte(resource, '.'); i >= 0 {
		group = resource[i+1:]
	}
	for _, sel := range []string{resource, "*." + group, "*.*"} {
		var out []ProviderRef
		for ei, e := range c.Resources {
			for _, r := range e.Resources {
				if r != sel {
					continue
				}
				for pi, p := range e.Providers {
					out = append(out, ProviderRef{Provider: p, Path: fmt.Sprintf("resources[%d].providers[%d]", ei, pi), Entry: ei, Selector: sel})
				}
				break
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

var noRESTResources = map[string]bool{"apiserveripinfo": true, "serviceipallocations": true, "servicenodeportallocations": true}

// Validate applies the API server's validation
// (validation_encryption.go). kmsv1Enabled says whether the KMSv1 feature
// gate is on.
func (c *EncryptionConfiguration) Validate(kmsv1Enabled bool) []ConfigProblem {
	var ps []ConfigProblem
	add := func(path, format string, args ...any) {
		ps = append(ps, ConfigProblem{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	if len(c.Resources) == 0 {
		add("resources", "at least one resource entry is required")
	}
	kmsNames := map[string]string{}
	covered := map[string]string{} // wildcard selector -> path of earlier entry
	for ei, e := range c.Resources {
		base := fmt.Sprintf("resources[%d]", ei)
		if len(e.Resources) == 0 {
			add(base+".resources", "at least one resource is required")
		}
		seen := map[string]bool{}
		for ri, r := range e.Resources {
			rp := fmt.Sprintf("%s.resources[%d]", base, ri)
			if seen[r] {
				add(rp, "resource %q listed twice in one entry", r)
			}
			seen[r] = true
			if msg := badResourceName(r); msg != "" {
				add(rp, "%s", msg)
				continue
			}
			if r == "*.*" && len(e.Resources) > 1 {
				add(rp, "\"*.*\" cannot be combined with other resources in the same entry")
			}
			group := ""
			if i := strings.IndexByte(r, '.'); i >= 0 {
				group = r[i+1:]
			}
			if !strings.HasPrefix(r, "*.") && contains(e.Resources, "*."+group) {
				add(rp, "%q overlaps with %q in the same entry", r, "*."+group)
			}
			// Load-time check (encryptionconfig.getTransformerOverrides...):
			// a resource after an entry naming "*.<its group>" or "*.*"
			// is masked, and the server refuses the file.
			if p, ok := covered["*."+group]; ok {
				add(rp, "%q is masked by the earlier rule %q at %s", r, "*."+group, p)
			} else if p, ok := covered["*.*"]; ok {
				add(rp, "%q is masked by the earlier rule \"*.*\" at %s", r, p)
			}
		}
		for r := range seen {
			if strings.HasPrefix(r, "*.") {
				if _, ok := covered[r]; !ok {
					covered[r] = base
				}
			}
		}
		if len(e.Providers) == 0 {
			add(base+".providers", "at least one provider is required")
		}
		for pi, p := range e.Providers {
			pp := fmt.Sprintf("%s.providers[%d]", base, pi)
			t, n := p.Type()
			switch {
			case n == 0:
				add(pp, "provider element names no provider")
			case n > 1:
				add(pp, "more than one provider specified in a single element")
			}
			switch t {
			case "aescbc":
				ps = append(ps, validateKeys(pp+".aescbc", p.AESCBC, 16, 24, 32)...)
			case "aesgcm":
				ps = append(ps, validateKeys(pp+".aesgcm", p.AESGCM, 16, 24, 32)...)
			case "secretbox":
				ps = append(ps, validateKeys(pp+".secretbox", p.Secretbox, 32)...)
			case "kms":
				ps = append(ps, validateKMS(pp+".kms", p.KMS, kmsNames, kmsv1Enabled)...)
			}
		}
	}
	return ps
}

func badResourceName(r string) string {
	switch {
	case r == "":
		return "empty resource name"
	case r != strings.ToLower(r):
		return fmt.Sprintf("resource %q must be lower case", r)
	case r == "*":
		return "resource \"*\" is invalid: write \"*.*\" for all resources or \"*.\" for the core group"
	case strings.HasSuffix(r, ".*") && r != "*.*":
		return fmt.Sprintf("resource %q is invalid: the same resource across all groups cannot be selected", r)
	case noRESTResources[strings.TrimSuffix(r, ".")]:
		return fmt.Sprintf("resource %q has no REST API and cannot be encrypted", r)
	}
	group := ""
	if i := strings.IndexByte(r, '.'); i >= 0 {
		group = r[i+1:]
	}
	switch group {
	case "events.k8s.io":
		return fmt.Sprintf("resource %q is invalid: events are stored under the core group, write \"events\"", r)
	case "extensions":
		return fmt.Sprintf("resource %q is invalid: the extensions group was removed", r)
	}
	return ""
}

func validateKeys(path string, kc *KeyConfiguration, lengths ...int) []ConfigProblem {
	var ps []ConfigProblem
	if kc == nil || len(kc.Keys) == 0 {
		return []ConfigProblem{{Path: path + ".keys", Message: "at least one key is required"}}
	}
	names := map[string]bool{}
	for i, k := range kc.Keys {
		kp := fmt.Sprintf("%s.keys[%d]", path, i)
		if k.Name == "" {
			ps = append(ps, ConfigProblem{kp + ".name", "key name is required"})
		} else if names[k.Name] {
			ps = append(ps, ConfigProblem{kp + ".name", fmt.Sprintf("duplicate key name %q", k.Name)})
		}
		names[k.Name] = true
		raw, err := base64.StdEncoding.DecodeString(k.Secret)
		if err != nil || k.Secret == "" {
			ps = append(ps, ConfigProblem{kp + ".secret", "secret must be standard base64"})
			continue
		}
		ok := false
		for _, l := range lengths {
			ok = ok || len(raw) == l
		}
		if !ok {
			ps = append(ps, ConfigProblem{kp + ".secret", fmt.Sprintf("key is %d bytes; want %s", len(raw), joinInts(lengths))})
		}
	}
	return ps
}

func joinInts(n []int) string {
	s := make([]string, len(n))
	for i, v := range n {
		s[i] = fmt.Sprint(v)
	}
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

func validateKMS(path string, k *KMSConfiguration, names map[string]string, kmsv1 bool) []ConfigProblem {
	var ps []ConfigProblem
	add := func(p, m string) { ps = append(ps, ConfigProblem{Path: path + p, Message: m}) }
	switch k.APIVersion {
	case "", "v1":
		if !kmsv1 {
			add(".apiVersion", "KMS v1 is deprecated and rejected since Kubernetes 1.29 unless --feature-gates=KMSv1=true")
		}
		if k.CacheSize != nil && *k.CacheSize == 0 {
			add(".cachesize", "cachesize must not be 0 (a negative value disables the cache)")
		}
	case "v2":
		if k.CacheSize != nil {
			add(".cachesize", "cachesize is not supported for KMS v2")
		}
	default:
		add(".apiVersion", fmt.Sprintf("unsupported KMS API version %q (want v1 or v2)", k.APIVersion))
	}
	switch {
	case k.Name == "":
		add(".name", "name is required")
	case strings.Contains(k.Name, ":"):
		add(".name", "name must not contain ':'")
	default:
		if _, dup := names[k.Name]; dup {
			add(".name", fmt.Sprintf("duplicate KMS provider name %q", k.Name))
		}
		names[k.Name] = path
	}
	switch {
	case k.Endpoint == "":
		add(".endpoint", "endpoint is required")
	case !strings.HasPrefix(k.Endpoint, "unix://") || len(k.Endpoint) == len("unix://"):
		add(".endpoint", "endpoint must be a unix:// socket")
	}
	if k.Timeout != nil {
		d, err := time.ParseDuration(*k.Timeout)
		if err != nil {
			add(".timeout", fmt.Sprintf("invalid duration %q", *k.Timeout))
		} else if d <= 0 {
			add(".timeout", "timeout must be positive")
		}
	}
	return ps
}

// ParseEncryptionConfiguration decodes an EncryptionConfiguration file.
// Field problems (unknown, duplicate, case-variant keys) are returned with
// the document so callers can report them.
func ParseEncryptionConfiguration(source string, data []byte) (*EncryptionConfiguration, *decode.Document, []decode.FieldProblem, error) {
	d, err := singleDoc(source, data)
	if err != nil {
		return nil, nil, nil, err
	}
	if !isEncryptionConfig(d.Meta) {
		return nil, d, nil, d.Error(fmt.Errorf("%w: want apiserver.config.k8s.io/v1 EncryptionConfiguration, found %s %s", ErrWrongKind, d.Meta.APIVersion, d.Meta.Kind), "kind")
	}
	var c EncryptionConfiguration
	problems, err := d.Into(&c)
	if err != nil {
		return nil, d, nil, err
	}
	return &c, d, problems, nil
}

func isEncryptionConfig(m decode.Meta) bool {
	return m.APIVersion == "apiserver.config.k8s.io/v1" && m.Kind == "EncryptionConfiguration" ||
		m.APIVersion == "v1" && m.Kind == "EncryptionConfig"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
