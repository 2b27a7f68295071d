package apparmor

import (
	"strings"
)

// defaultTunables stands in for Debian/Ubuntu's tunables when includes
// were not resolved (Scan without an FS), so rules written with @{PROC}
// and friends can still be analysed. Validation never uses them.
var defaultTunables = map[string][]string{
	"PROC":            {"/proc/"},
	"sys":             {"/sys/"},
	"run":             {"/run/", "/var/run/"},
	"HOME":            {"/home/*/", "/root/"},
	"HOMEDIRS":        {"/home/"},
	"pid":             {"[1-9]*"},
	"pids":            {"[1-9]*"},
	"tid":             {"[1-9]*"},
	"uid":             {"[0-9]*"},
	"uids":            {"[0-9]*"},
	"multiarch":       {"*-linux-gnu*"},
	"securityfs":      {"/sys/kernel/security/"},
	"apparmorfs":      {"/sys/kernel/security/apparmor/"},
	"etc_ro":          {"/etc/", "/usr/etc/"},
	"etc_rw":          {"/etc/"},
	"user_cache_dirs": {"/home/*/.cache"},
}

// profileView is a profile's effective rules, expanded for analysis.
type profileView struct {
	p     *Profile
	rules []*Rule
	vars  map[string][]string
	// file rules with expanded, brace-free patterns.
	files  []fileRule
	patsOf map[*Rule][]string
}

type fileRule struct {
	r     *Rule
	pats  []string
	bare  bool           // `file,` or `all,`
	globs []compiledGlob // compiled pats, built on first use
}

type compiledGlob struct {
	prefix string
	plain  bool // no special characters: prefix is the whole pattern
	atoms  []atom
}

func compileGlob(p string) compiledGlob {
	pre := literalPrefix(p)
	if pre == p {
		return compiledGlob{prefix: p, plain: true}
	}
	return compiledGlob{prefix: pre, atoms: globAtoms(p)}
}

// matches reports whether the glob matches a plain path.
func (g *compiledGlob) matches(path string, pathAtoms func() []atom) bool {
	if !strings.HasPrefix(path, g.prefix) {
		return false
	}
	if g.plain {
		return path == g.prefix
	}
	return atomsOverlap(g.atoms, pathAtoms())
}

const (
	maxPatternsPerRule = 256
	maxViewPatterns    = 50000 // expanded file patterns analysed per profile
)

func newProfileView(f *File, p *Profile) *profileView {
	v := &profileView{p: p, rules: p.Rules(), vars: map[string][]string{}, patsOf: map[*Rule][]string{}}
	if f != nil {
		for k, vals := range f.Vars {
			v.vars[k] = vals
		}
	}
	for k, vals := range defaultTunables {
		if _, ok := v.vars[k]; !ok {
			v.vars[k] = vals
		}
	}
	v.vars["profile_name"] = []string{p.Name}
	total := 0
	for _, r := range v.rules {
		switch {
		case r.Kind == RuleAll || r.Kind == RuleFile && r.Bare:
			v.files = append(v.files, fileRule{r: r, bare: true})
		case r.Kind == RuleFile || r.Kind == RuleLink:
			pats := []string{r.Path}
			if total < maxViewPatterns {
				pats = v.patterns(r.Path)
			}
			total += len(pats)
			v.files = append(v.files, fileRule{r: r, pats: pats})
			v.patsOf[r] = pats
		}
	}
	return v
}

// patterns expands variables and alternations of an AARE.
func (v *profileView) patterns(s string) []string {
	vals := expandBraces(expandWith(s, v.vars, 0), maxPatternsPerRule)
	for i, x := range vals {
		// apparmor_parser collapses repeated slashes ("@{PROC}/x" with
		// @{PROC}=/proc/).
		for strings.Contains(x, "//") {
			x = strings.ReplaceAll(x, "//", "/")
		}
		vals[i] = x
	}
	return vals
}

// expandWith expands @{var} references with vars (unknown ones stay).
func expandWith(s string, vars map[string][]string, depth int) []string {
	i := strings.Index(s, "@{")
	if i < 0 || depth > 8 {
		return []string{s}
	}
	j := strings.IndexByte(s[i:], '}')
	if j < 0 {
		return []string{s}
	}
	name := s[i+2 : i+j]
	rest := expandWith(s[i+j+1:], vars, depth)
	vals, ok := vars[name]
	if !ok {
		out := make([]string, len(rest))
		for k, r := range rest {
			out[k] = s[:i+j+1] + r
		}
		return out
	}
	var out []string
	for _, val := range vals {
		for _, x := range expandWith(val, vars, depth+1) {
			for _, r := range rest {
				if len(out) >= maxPatternsPerRule {
					return out
				}
				out = append(out, s[:i]+x+r)
			}
		}
	}
	return out
}

// matchAARE reports whether the glob pattern (brace-free) matches path.
func matchAARE(pattern, path string) bool {
	return globsOverlap(pattern, escapeGlob(path))
}

func escapeGlob(s string) string {
	if !strings.ContainsAny(s, `*?[]{}\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(`*?[]{}\`, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// permHas reports whether a file rule's permissions include perm ('r',
// 'w', 'a', 'l', 'k', 'm' or 'x' for any exec mode).
func permHas(r *Rule, perm byte) bool {
	if r.Kind == RuleLink {
		return perm == 'l' || strings.IndexByte(r.Perms, perm) >= 0
	}
	if perm == 'x' {
		return r.Exec != ""
	}
	for i := 0; i < len(r.Perms); i++ {
		if normPerm(r.Perms[i]) == perm {
			return true
		}
	}
	return false
}

// fileAllowed reports whether the profile lets the task access path with
// perm, and the allowing rule. Deny rules win over allow rules; owner
// rules count as allowing (the task may own the file).
func (v *profileView) fileAllowed(path string, perm byte) (*Rule, bool) {
	var allow *Rule
	var pathAtoms []atom
	lazyAtoms := func() []atom {
		if pathAtoms == nil {
			pathAtoms = globAtoms(escapeGlob(path))
		}
		return pathAtoms
	}
	for k := range v.files {
		fr := &v.files[k]
		r := fr.r
		hit := fr.bare
		if !hit {
			if !permHas(r, perm) {
				continue
			}
			if fr.globs == nil {
				fr.globs = make([]compiledGlob, len(fr.pats))
				for i, p := range fr.pats {
					fr.globs[i] = compileGlob(p)
				}
			}
			for i := range fr.globs {
				if fr.globs[i].matches(path, lazyAtoms) {
					hit = true
					break
				}
			}
		}
		if !hit {
			continue
		}
		if r.Qual.Deny {
			return nil, false
		}
		if allow == nil {
			allow = r
		}
	}
	return allow, allow != nil
}

// peerMatches reports whether a rule's peer pattern covers label (no peer
// means any peer).
func peerMatches(r *Rule, label string) bool {
	peer := r.PeerLabel()
	if peer == "" {
		return true
	}
	for _, pat := range expandBraces([]string{peer}, maxPatternsPerRule) {
		if matchAARE(pat, label) {
			return true
		}
	}
	return false
}

func hasAccess(r *Rule, any ...string) bool {
	if len(r.Access) == 0 {
		return true
	}
	for _, a := range r.Access {
		for _, w := range any {
			if a == w {
				return true
			}
		}
	}
	return false
}

// ruleAllowed evaluates a non-file rule kind: match selects the rules
// that cover the request; deny rules win.
func (v *profileView) ruleAllowed(kind RuleKind, match func(*Rule) bool) (*Rule, bool) {
	var allow *Rule
	for _, r := range v.rules {
		if r.Kind != kind && r.Kind != RuleAll {
			continue
		}
		if r.Kind != RuleAll && !match(r) {
			continue
		}
		if r.Qual.Deny {
			return nil, false
		}
		if allow == nil {
			allow = r
		}
	}
	return allow, allow != nil
}

// networkAllowed reports whether a socket of domain/type may be created.
func (v *profileView) networkAllowed(domain, typ string) (*Rule, bool) {
	return v.ruleAllowed(RuleNetwork, func(r *Rule) bool {
		if r.Bare || len(r.Names) == 0 {
			return true
		}
		var d, t string
		for _, n := range r.Names {
			switch {
			case networkDomains[n] || n == "unspec":
				d = n
			case networkTypes[n]:
				t = n
			case networkProtocols[n]:
				t = map[string]string{"tcp": "stream", "udp": "dgram", "icmp": "raw"}[n]
			}
		}
		if d != "" && d != domain {
			return false
		}
		if t != "" && typ != "" && t != typ {
			return false
		}
		if t != "" && typ == "" {
			// "Some socket of this domain": an allow rule for one type
			// grants it, a deny rule for one type does not remove it.
			return !r.Qual.Deny
		}
		return true
	})
}
