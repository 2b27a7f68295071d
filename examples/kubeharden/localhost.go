package main

import (
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"testing/fstest"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/image"
	"github.com/kubeharden/kubeharden/internal/decode"
	"github.com/kubeharden/kubeharden/seccomp"
)

// localRef is a container whose seccompProfile is Localhost: when the
// profile file is part of the same scan, it is analysed for that container.
type localRef struct {
	source, object, path string
	profile              string // localhostProfile, relative to the kubelet seccomp root
	privileged           bool
}

type profileLite struct {
	Type             string  `json:"type"`
	LocalhostProfile *string `json:"localhostProfile"`
}

type containerLite struct {
	Name            string `json:"name"`
	Image           string `json:"image"`
	SecurityContext *struct {
		Privileged     *bool        `json:"privileged"`
		SeccompProfile *profileLite `json:"seccompProfile"`
	} `json:"securityContext"`
}

type podSpecLite struct {
	SecurityContext *struct {
		SeccompProfile *profileLite `json:"seccompProfile"`
	} `json:"securityContext"`
	InitContainers      []containerLite `json:"initContainers"`
	Containers          []containerLite `json:"containers"`
	EphemeralContainers []containerLite `json:"ephemeralContainers"`
}

// localhostSeccompRefs lists the containers of a workload document that
// use a Localhost seccomp profile (their own, or the pod's).
func localhostSeccompRefs(d *decode.Document) []localRef {
	prefix, spec, ok := podSpecOf(d)
	if !ok {
		return nil
	}
	var podProfile *profileLite
	if spec.SecurityContext != nil {
		podProfile = spec.SecurityContext.SeccompProfile
	}
	var out []localRef
	for _, group := range spec.groups() {
		for i, c := range group.cs {
			p, where := podProfile, prefix+".securityContext.seccompProfile"
			priv := false
			if c.SecurityContext != nil {
				if c.SecurityContext.SeccompProfile != nil {
					p, where = c.SecurityContext.SeccompProfile, fmt.Sprintf("%s.%s[%d].securityContext.seccompProfile", prefix, group.field, i)
				}
				priv = c.SecurityContext.Privileged != nil && *c.SecurityContext.Privileged
			}
			if p == nil || p.Type != "Localhost" || p.LocalhostProfile == nil {
				continue
			}
			out = append(out, localRef{source: d.Source, object: fmt.Sprintf("%s container %q", d.Object(false), c.Name),
				path: where, profile: *p.LocalhostProfile, privileged: priv})
		}
	}
	return out
}

type containerGroup struct {
	field string
	cs    []containerLite
}

func (spec *podSpecLite) groups() []containerGroup {
	return []containerGroup{{"initContainers", spec.InitContainers}, {"containers", spec.Containers}, {"ephemeralContainers", spec.EphemeralContainers}}
}

// imagePolicyFindings applies the configured image policy to every
// container image of a workload: the registry allow-list and the digest
// requirement (tags and :latest are manifest's own rules).
func imagePolicyFindings(d *decode.Document, p image.Policy) []kubeharden.Finding {
	prefix, spec, ok := podSpecOf(d)
	if !ok {
		return nil
	}
	var out []kubeharden.Finding
	for _, group := range spec.groups() {
		for i, c := range group.cs {
			if c.Image == "" {
				continue
			}
			path := fmt.Sprintf("%s.%s[%d].image", prefix, group.field, i)
			for _, f := range p.Check(c.Image) {
				switch f.RuleID {
				case "image/UntrustedRegistry", "image/ImageNotDigestPinned":
					f.Path = path
					f.Message = fmt.Sprintf("container %q: %s", c.Name, f.Message)
					f.Position = d.Position(path)
					out = append(out, f)
				}
			}
		}
	}
	return out
}

// podSpecOf finds the pod template of a workload document.
func podSpecOf(d *decode.Document) (string, podSpecLite, bool) {
	var prefix string
	var spec podSpecLite
	var err error
	switch d.Meta.Kind {
	case "Pod":
		var o struct {
			Spec podSpecLite `json:"spec"`
		}
		err, prefix, spec = json.Unmarshal(d.JSON, &o), "spec", o.Spec
	case "CronJob":
		var o struct {
			Spec struct {
				JobTemplate struct {
					Spec struct {
						Template struct {
							Spec podSpecLite `json:"spec"`
						} `json:"template"`
					} `json:"spec"`
				} `json:"jobTemplate"`
			} `json:"spec"`
		}
		err, prefix, spec = json.Unmarshal(d.JSON, &o), "spec.jobTemplate.spec.template.spec", o.Spec.JobTemplate.Spec.Template.Spec
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "PodTemplate":
		var o struct {
			Spec struct {
				Template struct {
					Spec podSpecLite `json:"spec"`
				} `json:"template"`
			} `json:"spec"`
			Template struct {
				Spec podSpecLite `json:"spec"`
			} `json:"template"`
		}
		err = json.Unmarshal(d.JSON, &o)
		prefix, spec = "spec.template.spec", o.Spec.Template.Spec
		if d.Meta.Kind == "PodTemplate" {
			prefix, spec = "template.spec", o.Template.Spec
		}
	default:
		return "", podSpecLite{}, false
	}
	if err != nil {
		return "", podSpecLite{}, false // the analyzers report the decode problem
	}
	return prefix, spec, true
}

// analyzeLocalhostProfiles resolves each reference against the seccomp
// profiles of the scan (matching the localhostProfile path as a suffix of
// the scanned file's path) and analyses the profile for that container.
func analyzeLocalhostProfiles(refs []localRef, profiles map[string][]byte) []kubeharden.Report {
	var out []kubeharden.Report
	for _, ref := range refs {
		rel := path.Clean(strings.TrimPrefix(ref.profile, "/"))
		var data []byte
		var found string
		for src, b := range profiles {
			s := filepath.ToSlash(src)
			if s == rel || strings.HasSuffix(s, "/"+rel) {
				if found == "" || len(s) < len(found) {
					data, found = b, s
				}
			}
		}
		if found == "" {
			continue // the profile lives on the node, not in this scan
		}
		root := fstest.MapFS{rel: {Data: data}}
		r, err := seccomp.AnalyzePod(seccomp.PodProfile{Object: ref.object, Source: ref.source, Path: ref.path,
			Type: "Localhost", LocalhostProfile: rel, Privileged: ref.privileged}, root, seccomp.Target{})
		if err != nil {
			continue
		}
		r.Source = ref.source
		out = append(out, r)
	}
	return out
}
