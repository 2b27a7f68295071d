package apiserver

import (
	"errors"
	"fmt"
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubeharden/kubeharden/internal/decode"
)

// Errors about static pod manifests.
var (
	ErrNotStaticPod   = errors.New("not a control-plane static pod (no kube-apiserver, kube-controller-manager, kube-scheduler or etcd container)")
	ErrShellWrapper   = errors.New("command runs through a shell; the argument vector was split with shell-word rules as a best effort")
	ErrUnresolvedVar  = errors.New("$(VAR) reference to a variable whose value comes from valueFrom and cannot be resolved statically")
	ErrUnbalancedQuot = errors.New("unbalanced quote in shell command")
)

// ComponentPod is the control-plane container found in a static pod
// manifest, with its argument vector assembled the way the kubelet does.
type ComponentPod struct {
	Component Component
	Pod       *corev1.Pod
	// Container is the index of the component's container in
	// spec.containers.
	Container int
	// Flags is the parsed command line (command followed by args, $(VAR)
	// references expanded from env).
	Flags *Flags
	// ArgPaths maps each argv element to its field path in the manifest
	// ("spec.containers[0].command[3]").
	ArgPaths []string
	// Image is the container image reference.
	Image string
	// Notes are best-effort caveats (shell wrapper, unresolved variables).
	Notes []error
}

// componentOf matches a container to a component by container name, the
// basename of command[0] (or the program a shell wrapper execs), or the
// image repository.
func componentOf(c *corev1.Container) (Component, bool) {
	for _, comp := range []Component{APIServer, ControllerManager, Scheduler, Etcd} {
		if c.Name == string(comp) {
			return comp, true
		}
	}
	if len(c.Command) > 0 {
		if comp, ok := programComponent(c.Command[0]); ok {
			return comp, true
		}
		if isShell(c.Command[0]) && len(c.Command) >= 3 {
			words, _ := shellWords(c.Command[len(c.Command)-1])
			for _, w := range words {
				if comp, ok := programComponent(w); ok {
					return comp, true
				}
			}
		}
	}
	repo := c.Image
	if i := strings.IndexAny(repo, "@"); i >= 0 {
		repo = repo[:i]
	}
	if i := strings.LastIndex(repo, ":"); i > strings.LastIndex(repo, "/") {
		repo = repo[:i]
	}
	return programComponent(repo)
}

func programComponent(s string) (Component, bool) {
	switch path.Base(s) {
	case "kube-apiserver":
		return APIServer, true
	case "kube-controller-manager":
		return ControllerManager, true
	case "kube-scheduler":
		return Scheduler, true
	case "etcd":
		return Etcd, true
	}
	return "", false
}

func isShell(p string) bool {
	switch path.Base(p) {
	case "sh", "bash", "ash", "dash":
		return true
	}
	return false
}

// FindComponent returns the control-plane container of a decoded Pod.
func FindComponent(pod *corev1.Pod) (*ComponentPod, error) {
	for i := range pod.Spec.Containers {
		c := &pod.Spec.Containers[i]
		comp, ok := componentOf(c)
		if !ok {
			continue
		}
		cp := &ComponentPod{Component: comp, Pod: pod, Container: i, Image: c.Image}
		argv, paths, notes := assembleArgv(comp, c, fmt.Sprintf("spec.containers[%d]", i))
		cp.ArgPaths, cp.Notes = paths, notes
		cp.Flags = ParseArgs(comp, argv)
		if comp == Etcd {
			applyEtcdEnv(cp.Flags, c)
		}
		return cp, nil
	}
	return nil, ErrNotStaticPod
}

// assembleArgv joins command and args with $(VAR) expansion, unwrapping a
// "sh -c" wrapper as a best effort.
func assembleArgv(comp Component, c *corev1.Container, base string) ([]string, []string, []error) {
	var notes []error
	env := map[string]string{}
	unresolved := map[string]bool{}
	for _, e := range c.Env {
		if e.ValueFrom != nil {
			unresolved[e.Name] = true
			delete(env, e.Name)
			continue
		}
		env[e.Name] = expandVars(e.Value, env, nil)
		delete(unresolved, e.Name)
	}
	var argv, paths []string
	add := func(field string, list []string) {
		for i, s := range list {
			argv = append(argv, expandVars(s, env, func(name string) {
				if unresolved[name] {
					notes = append(notes, fmt.Errorf("%w: %s", ErrUnresolvedVar, name))
				}
			}))
			paths = append(paths, fmt.Sprintf("%s.%s[%d]", base, field, i))
		}
	}
	if len(c.Command) == 0 {
		argv, paths = []string{string(comp)}, []string{base + ".image"}
		add("args", c.Args)
		return argv, paths, notes
	}
	add("command", c.Command)
	add("args", c.Args)
	if isShell(argv[0]) && len(argv) >= 3 && argv[1] == "-c" {
		words, err := shellWords(argv[2])
		notes = append(notes, ErrShellWrapper)
		if err != nil {
			notes = append(notes, err)
		}
		start := -1
		for i, w := range words {
			if _, ok := programComponent(w); ok {
				start = i
				break
			}
		}
		if start >= 0 {
			words = words[start:]
			p := paths[2]
			argv, paths = words, make([]string, len(words))
			for i := range paths {
				paths[i] = p
			}
		}
	}
	return argv, paths, notes
}

// expandVars applies Kubernetes' $(VAR) expansion: defined variables are
// replaced, "$$" yields "$", anything else stays literal.
func expandVars(s string, env map[string]string, missing func(string)) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
			continue
		case '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteByte(s[i])
				continue
			}
			name := s[i+2 : i+2+end]
			if v, ok := env[name]; ok {
				b.WriteString(v)
			} else {
				if missing != nil {
					missing(name)
				}
				b.WriteString(s[i : i+3+end])
			}
			i += 2 + end
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// shellWords splits a POSIX shell command line into words: whitespace
// separates, single quotes are literal, double quotes allow backslash
// escapes, and a few separators (; && ||) end the first command.
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return words, ErrUnbalancedQuot
			}
			cur.WriteString(s[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case ch == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return words, ErrUnbalancedQuot
			}
			inWord = true
		case ch == '\\' && i+1 < len(s):
			i++
			if s[i] != '\n' {
				cur.WriteByte(s[i])
				inWord = true
			}
		case ch == ' ' || ch == '\t' || ch == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case ch == ';' || ch == '&' || ch == '|':
			if inWord {
				words = append(words, cur.String())
			}
			return words, nil
		default:
			cur.WriteByte(ch)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// applyEtcdEnv adds ETCD_* environment variables for flags absent from the
// command line (etcd reads a variable only when the flag is not given).
func applyEtcdEnv(f *Flags, c *corev1.Container) {
	for _, e := range c.Env {
		if !strings.HasPrefix(e.Name, "ETCD_") || e.ValueFrom != nil {
			continue
		}
		name := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(e.Name, "ETCD_"), "_", "-"))
		f.setEnv(name, e.Name, e.Value)
	}
}

// decodePod decodes one document as a Pod.
func decodePod(d *decode.Document) (*corev1.Pod, []decode.FieldProblem, error) {
	var pod corev1.Pod
	problems, err := d.Into(&pod)
	if err != nil {
		return nil, nil, err
	}
	return &pod, problems, nil
}

// mountedPath reports whether a container path lies under one of the
// container's volume mounts backed by a hostPath volume, and returns the
// host path it maps to.
func (cp *ComponentPod) mountedPath(p string) (host string, ok bool) {
	if p == "" || cp.Pod == nil {
		return "", false
	}
	c := cp.Pod.Spec.Containers[cp.Container]
	vols := map[string]*corev1.HostPathVolumeSource{}
	for _, v := range cp.Pod.Spec.Volumes {
		vols[v.Name] = v.HostPath
	}
	best := -1
	for _, m := range c.VolumeMounts {
		mp := strings.TrimSuffix(m.MountPath, "/")
		if m.MountPath == "/" {
			mp = ""
		}
		if p != mp && !strings.HasPrefix(p, mp+"/") {
			continue
		}
		hp := vols[m.Name]
		if hp == nil || len(mp) <= best {
			continue
		}
		best = len(mp)
		rest := strings.TrimPrefix(p, mp)
		if m.SubPath != "" {
			host = path.Join(hp.Path, m.SubPath, rest)
		} else {
			host = path.Join(hp.Path, rest)
		}
		ok = true
	}
	return host, ok
}
