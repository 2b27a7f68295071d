package manifest

import (
	"strings"

	"github.com/kubeharden/kubeharden"
)

// pointer converts a field path ("spec.containers[0].securityContext",
// "metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]") into
// an RFC 6901 JSON pointer ("/spec/containers/0/securityContext",
// "/metadata/annotations/seccomp.security.alpha.kubernetes.io~1pod"),
// escaping "~" as "~0" and "/" as "~1" in every reference token.
func pointer(path string) string {
	var b strings.Builder
	b.Grow(len(path) + 8)
	for i := 0; i < len(path); {
		switch path[i] {
		case '.':
			i++
			continue
		case '[':
			end := strings.IndexByte(path[i:], ']')
			if end < 0 {
				end = len(path) - i
			}
			b.WriteByte('/')
			writeToken(&b, path[i+1:i+end])
			i += end + 1
			continue
		}
		j := i
		for j < len(path) && path[j] != '.' && path[j] != '[' {
			j++
		}
		b.WriteByte('/')
		writeToken(&b, path[i:j])
		i = j
	}
	return b.String()
}

func writeToken(b *strings.Builder, tok string) {
	for i := 0; i < len(tok); i++ {
		switch tok[i] {
		case '~':
			b.WriteString("~0")
		case '/':
			b.WriteString("~1")
		default:
			b.WriteByte(tok[i])
		}
	}
}

// addField builds an "add" of field under parent. JSON Patch "add" needs
// the parent to exist, so when it does not (a nil securityContext) the
// whole parent object is added instead, whose own parent (the container
// or pod spec) exists.
func addField(parent string, exists bool, field string, v any) kubeharden.PatchOp {
	if exists {
		return kubeharden.PatchOp{Op: "add", Path: pointer(parent) + "/" + field, Value: v}
	}
	return kubeharden.PatchOp{Op: "add", Path: pointer(parent), Value: map[string]any{field: v}}
}

// containerAt returns the container a finding's path belongs to.
func (p *podCtx) containerAt(path string) *ctr {
	for i := range p.containers {
		c := &p.containers[i]
		if len(path) > len(c.path) && strings.HasPrefix(path, c.path) && (path[len(c.path)] == '.') {
			return c
		}
	}
	return nil
}

func (p *podCtx) containerNamed(name string) *ctr {
	for i := range p.containers {
		if p.containers[i].name == name {
			return &p.containers[i]
		}
	}
	return nil
}

// annotationKey extracts the key of "....annotations[key]".
func annotationKey(path string) (string, bool) {
	i := strings.Index(path, "annotations[")
	if i < 0 || !strings.HasSuffix(path, "]") {
		return "", false
	}
	return path[i+len("annotations[") : len(path)-1], true
}

// legacyProfile maps a legacy annotation value onto the profile field's
// value (nil for values without an equivalent).
func legacyProfile(v string) map[string]any {
	switch {
	case v == "runtime/default" || v == "docker/default":
		return map[string]any{"type": "RuntimeDefault"}
	case v == "unconfined":
		return map[string]any{"type": "Unconfined"}
	case strings.HasPrefix(v, "localhost/") && len(v) > len("localhost/"):
		return map[string]any{"type": "Localhost", "localhostProfile": v[len("localhost/"):]}
	}
	return nil
}

var runtimeDefault = map[string]any{"type": "RuntimeDefault"}

// patchPod attaches JSON Patches to the pod findings from index from on
// whose fix is mechanical. Patches apply to the object as written (the
// document's JSON) and each is valid on its own.
func (s *scanner) patchPod(p *podCtx, from int) {
	specExists := len(p.containers) > 0 // containers exist, so their pod spec does
	podSC := p.path + ".securityContext"
	podSCExists := p.spec.SecurityContext != nil
	for i := from; i < len(s.findings); i++ {
		f := &s.findings[i]
		if f.Passed || f.Patch != nil {
			continue
		}
		c := p.containerAt(f.Path)
		var ops []kubeharden.PatchOp
		switch f.RuleID {
		case ruleHostNetwork.ID, ruleHostPID.ID, ruleHostIPC.ID, rulePrivileged.ID, ruleHostPort.ID, ruleProcMountUnmasked.ID, ruleHostAliases.ID:
			ops = []kubeharden.PatchOp{{Op: "remove", Path: pointer(f.Path)}}
		case rulePrivilegeEscalation.ID:
			if c != nil {
				ops = []kubeharden.PatchOp{addField(c.scPath, c.sc != nil, "allowPrivilegeEscalation", false)}
			}
		case ruleReadOnlyRootFilesystem.ID:
			if c != nil {
				ops = []kubeharden.PatchOp{addField(c.scPath, c.sc != nil, "readOnlyRootFilesystem", true)}
			}
		case ruleCapDropAny.ID, ruleCapDropAll.ID:
			if c != nil {
				ops = dropAll(c)
			}
		case ruleRunAsNonRoot.ID:
			if c != nil && c.sc != nil && c.sc.RunAsNonRoot != nil {
				ops = []kubeharden.PatchOp{{Op: "replace", Path: pointer(c.scPath) + "/runAsNonRoot", Value: true}}
			} else if c != nil {
				ops = []kubeharden.PatchOp{addField(podSC, podSCExists, "runAsNonRoot", true)}
			}
		case ruleSeccompProfile.ID:
			if c != nil && f.Path == c.scPath+".seccompProfile" {
				ops = []kubeharden.PatchOp{addField(podSC, podSCExists, "seccompProfile", runtimeDefault)}
			}
		case ruleAppArmorProfile.ID:
			if c != nil && f.Path == c.scPath+".appArmorProfile" {
				ops = []kubeharden.PatchOp{addField(podSC, podSCExists, "appArmorProfile", runtimeDefault)}
			}
		case ruleSeccompUnconfined.ID, ruleAppArmorUnconfined.ID:
			if _, ok := annotationKey(f.Path); ok {
				ops = []kubeharden.PatchOp{{Op: "replace", Path: pointer(f.Path), Value: "runtime/default"}}
			} else {
				ops = []kubeharden.PatchOp{{Op: "replace", Path: pointer(f.Path) + "/type", Value: "RuntimeDefault"}}
			}
		case ruleSeccompDeprecatedAnnotation.ID, ruleAppArmorDeprecatedAnnotation.ID:
			ops = p.migrateAnnotation(f.Path)
		case ruleAutomountServiceAccountToken.ID:
			if specExists {
				ops = []kubeharden.PatchOp{{Op: "add", Path: pointer(p.path) + "/automountServiceAccountToken", Value: false}}
			}
		case ruleUserNamespace.ID:
			if specExists {
				ops = []kubeharden.PatchOp{{Op: "add", Path: pointer(p.path) + "/hostUsers", Value: false}}
			}
		case ruleImagePullPolicy.ID:
			if c != nil {
				ops = []kubeharden.PatchOp{{Op: "add", Path: pointer(c.path) + "/imagePullPolicy", Value: "Always"}}
			}
		}
		f.Patch = ops
	}
}

// dropAll adds ALL to a container's capabilities.drop, unless the
// container adds capabilities back (then the fix needs a decision).
func dropAll(c *ctr) []kubeharden.PatchOp {
	if c.sc == nil {
		return []kubeharden.PatchOp{addField(c.scPath, false, "capabilities", map[string]any{"drop": []string{"ALL"}})}
	}
	caps := c.sc.Capabilities
	if caps == nil {
		return []kubeharden.PatchOp{addField(c.scPath+".capabilities", false, "drop", []string{"ALL"})}
	}
	for _, a := range caps.Add {
		if normCap(a) != "NET_BIND_SERVICE" {
			return nil
		}
	}
	for _, d := range caps.Drop {
		if normCap(d) == "ALL" {
			return nil // "all" in another case: PSS-only issue, not ours
		}
	}
	if caps.Drop == nil {
		return []kubeharden.PatchOp{addField(c.scPath+".capabilities", true, "drop", []string{"ALL"})}
	}
	return []kubeharden.PatchOp{{Op: "add", Path: pointer(c.scPath) + "/capabilities/drop/-", Value: "ALL"}}
}

// migrateAnnotation removes a legacy seccomp/AppArmor annotation and, when
// the field it maps to is unset, sets the field to the same profile.
func (p *podCtx) migrateAnnotation(path string) []kubeharden.PatchOp {
	key, ok := annotationKey(path)
	if !ok {
		return nil
	}
	ops := []kubeharden.PatchOp{{Op: "remove", Path: pointer(path)}}
	val := legacyProfile(p.annotations[key])
	if val == nil || len(p.containers) == 0 {
		return ops
	}
	switch {
	case key == seccompPodAnnotation:
		if p.spec.SecurityContext == nil || p.spec.SecurityContext.SeccompProfile == nil {
			ops = append(ops, addField(p.path+".securityContext", p.spec.SecurityContext != nil, "seccompProfile", val))
		}
	case strings.HasPrefix(key, seccompContainerAnnotation):
		if c := p.containerNamed(key[len(seccompContainerAnnotation):]); c != nil && (c.sc == nil || c.sc.SeccompProfile == nil) {
			ops = append(ops, addField(c.scPath, c.sc != nil, "seccompProfile", val))
		}
	case strings.HasPrefix(key, appArmorAnnotation):
		if c := p.containerNamed(key[len(appArmorAnnotation):]); c != nil && (c.sc == nil || c.sc.AppArmorProfile == nil) && p.psc.AppArmorProfile == nil {
			ops = append(ops, addField(c.scPath, c.sc != nil, "appArmorProfile", val))
		}
	}
	return ops
}
