package apiserver

import (
	"errors"
	"fmt"
	"slices"
	"sort"
)

// Admission plugin facts (kubernetes/kubernetes pkg/kubeapiserver/options/plugins.go).

// DefaultOnAdmissionPlugins returns the plugins kube-apiserver enables
// when neither --enable-admission-plugins nor --disable-admission-plugins
// names them (current Kubernetes; MutatingAdmissionPolicy and
// PodTopologyLabels act only when their feature gates are on, the last
// five exist in releases after 1.35 only).
func DefaultOnAdmissionPlugins() []string { return slices.Clone(defaultOnPlugins) }

// DefaultOffAdmissionPlugins returns the plugins that exist but are off
// unless enabled.
func DefaultOffAdmissionPlugins() []string { return slices.Clone(defaultOffPlugins) }

var defaultOnPlugins = []string{
	"NamespaceLifecycle", "LimitRanger", "ServiceAccount", "DefaultStorageClass",
	"PersistentVolumeClaimResize", "DefaultTolerationSeconds", "MutatingAdmissionWebhook",
	"ValidatingAdmissionWebhook", "ResourceQuota", "StorageObjectInUseProtection", "Priority",
	"TaintNodesByCondition", "RuntimeClass", "CertificateApproval", "CertificateSigning",
	"ClusterTrustBundleAttest", "CertificateSubjectRestriction", "DefaultIngressClass",
	"PodSecurity", "ValidatingAdmissionPolicy", "MutatingAdmissionPolicy", "PodTopologyLabels",
	"PodGroupProtection", "PodGroupWorkloadExists", "NodeDeclaredFeatureValidator", "JobValidation",
	"PodResizeValidator",
}

var defaultOffPlugins = []string{
	"NodeRestriction", "EventRateLimit", "AlwaysPullImages", "DenyServiceExternalIPs",
	"ImagePolicyWebhook", "AlwaysAdmit", "AlwaysDeny", "PodNodeSelector", "PodTolerationRestriction",
	"OwnerReferencesPermissionEnforcement", "ExtendedResourceToleration",
	"LimitPodHardAntiAffinityTopology", "NamespaceAutoProvision", "NamespaceExists",
}

// Errors of the admission plugin flags.
var (
	ErrUnknownPlugin       = errors.New("unknown admission plugin (kube-apiserver will not start)")
	ErrPluginEnableDisable = errors.New("admission plugin both enabled and disabled (kube-apiserver will not start)")
	ErrAdmissionControlMix = errors.New("--admission-control cannot be combined with --enable-admission-plugins or --disable-admission-plugins")
)

func pluginKnown(name string) bool {
	for _, p := range defaultOnPlugins {
		if p == name {
			return true
		}
	}
	for _, p := range defaultOffPlugins {
		if p == name {
			return true
		}
	}
	return false
}

func isDefaultOn(name string) bool {
	for _, p := range defaultOnPlugins {
		if p == name {
			return true
		}
	}
	return false
}

// PluginState says why a plugin is or is not in the effective set.
type PluginState struct {
	Enabled bool
	// Source is "default", "--enable-admission-plugins",
	// "--disable-admission-plugins", "--admission-control" or "" (off by
	// default).
	Source string
	// Occurrence is the flag occurrence that decided, when a flag did.
	Occurrence Occurrence
	FromFlag   bool
}

// AdmissionSet is kube-apiserver's effective admission plugin set.
type AdmissionSet struct {
	plugins map[string]PluginState
	// Legacy is true when --admission-control defined the complete list.
	Legacy bool
	// Errors are configuration errors that stop the server.
	Errors []error
}

// EffectiveAdmission computes (default-on ∪ enabled) − disabled, or exactly
// the --admission-control list when that deprecated flag is used.
func EffectiveAdmission(f *Flags) *AdmissionSet {
	s := &AdmissionSet{plugins: map[string]PluginState{}}
	for _, p := range defaultOnPlugins {
		s.plugins[p] = PluginState{Enabled: true, Source: "default"}
	}
	record := func(flag string, enabled bool) map[string]bool {
		seen := map[string]bool{}
		for _, o := range f.Occurrences(flag) {
			elems, _ := splitCSV(o.Value)
			for _, e := range elems {
				if e == "" {
					continue
				}
				if !pluginKnown(e) {
					s.Errors = append(s.Errors, fmt.Errorf("--%s: %w: %q", flag, ErrUnknownPlugin, e))
				}
				seen[e] = true
				s.plugins[e] = PluginState{Enabled: enabled, Source: "--" + flag, Occurrence: o, FromFlag: true}
			}
		}
		return seen
	}
	if f.Has("admission-control") {
		s.Legacy = true
		if f.Has("enable-admission-plugins") || f.Has("disable-admission-plugins") {
			s.Errors = append(s.Errors, ErrAdmissionControlMix)
		}
		s.plugins = map[string]PluginState{}
		record("admission-control", true)
		return s
	}
	enabled := record("enable-admission-plugins", true)
	disabled := record("disable-admission-plugins", false)
	var both []string
	for p := range enabled {
		if disabled[p] {
			both = append(both, p)
		}
	}
	sort.Strings(both)
	for _, p := range both {
		s.Errors = append(s.Errors, fmt.Errorf("%w: %q", ErrPluginEnableDisable, p))
	}
	return s
}

// State returns the state of one plugin.
func (s *AdmissionSet) State(name string) PluginState { return s.plugins[name] }

// Enabled reports whether the plugin runs.
func (s *AdmissionSet) Enabled(name string) bool { return s.plugins[name].Enabled }

// List returns the enabled plugins, sorted.
func (s *AdmissionSet) List() []string {
	var out []string
	for p, st := range s.plugins {
		if st.Enabled {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}
