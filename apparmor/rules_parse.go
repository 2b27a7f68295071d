package apparmor

import (
	"strconv"
	"strings"
)

// cursor walks a statement's tokens.
type cursor struct {
	leading bool // file rule written with leading permissions
	p       *parser
	toks    []token
	i       int
	r       *Rule
	bad     bool
}

func (c *cursor) done() bool { return c.i >= len(c.toks) }

// arrowTarget consumes an optional "-> WORD". present reports the arrow;
// ok is false (and the error recorded) when the word after it is missing.
func (c *cursor) arrowTarget(what string) (t token, present, ok bool) {
	if c.done() || !c.peek().is("->") {
		return token{}, false, true
	}
	c.i++
	if c.done() || c.peek().kind != tWord {
		c.fail(c.endOff(), "missing %s after '->'", what)
		return token{}, true, false
	}
	t = c.peek()
	c.i++
	return t, true, true
}

func (c *cursor) peek() token {
	if c.i < len(c.toks) {
		return c.toks[c.i]
	}
	return token{kind: tPunct, text: "<end>", off: c.endOff()}
}

func (c *cursor) endOff() int {
	if len(c.toks) == 0 {
		return 0
	}
	t := c.toks[len(c.toks)-1]
	return t.off + len(t.text)
}

func (c *cursor) fail(off int, format string, args ...any) {
	if c.bad {
		return
	}
	c.bad = true
	c.p.errorf(off, ErrSyntax, "%s: "+format, append([]any{c.r.Kind}, args...)...)
}

func (c *cursor) invalid(off int, format string, args ...any) {
	c.p.errorf(off, ErrInvalid, "%s: "+format, append([]any{c.r.Kind}, args...)...)
}

func (c *cursor) needs4(off int, what string) {
	if c.p.st.opts.target() < Target4 {
		c.p.errorf(off, ErrVersion, "%s needs AppArmor 4", what)
	}
}

// parseRule parses a comma-terminated rule inside a profile.
func (p *parser) parseRule(toks []token) *Rule {
	r := &Rule{Pos: p.pos(toks[0].off), Text: joinToks(toks)}
	q, i, _ := p.parseQualifiers(toks)
	r.Qual = q
	c := &cursor{p: p, toks: toks, i: i, r: r}
	if c.done() {
		r.Kind = RuleFile
		c.fail(toks[0].off, "qualifiers without a rule")
		return nil
	}
	t := c.peek()
	kw := ""
	if t.kind == tWord && !t.quoted {
		kw = t.text
	}
	switch kw {
	case "capability":
		r.Kind = RuleCapability
		c.i++
		c.parseCapability()
	case "network":
		r.Kind = RuleNetwork
		c.i++
		c.parseNetwork()
	case "mount", "remount", "umount", "unmount":
		r.Kind = RuleKind(kw)
		if kw == "unmount" {
			r.Kind = RuleUmount
		}
		c.i++
		c.parseMount()
	case "pivot_root":
		r.Kind = RulePivotRoot
		c.i++
		c.parsePivotRoot()
	case "ptrace":
		r.Kind = RulePtrace
		c.i++
		c.parseGeneric(ptraceAccess, set("peer"), false)
	case "signal":
		r.Kind = RuleSignal
		c.i++
		c.parseGeneric(signalAccess, set("peer", "set"), false)
		c.checkSignal()
	case "unix":
		r.Kind = RuleUnix
		c.i++
		c.parseGeneric(unixAccess, set("type", "protocol", "addr", "label", "attr", "opt", "peer"), true)
		c.checkUnix()
	case "dbus":
		r.Kind = RuleDbus
		c.i++
		c.parseGeneric(dbusAccess, set("bus", "path", "interface", "member", "name", "peer"), true)
		c.checkDbus()
	case "change_profile":
		r.Kind = RuleChangeProfile
		c.i++
		c.parseChangeProfile()
	case "set":
		r.Kind = RuleRlimit
		c.i++
		c.parseRlimit()
	case "link":
		r.Kind = RuleLink
		c.i++
		c.parseLink()
	case "userns":
		r.Kind = RuleUserns
		c.needs4(t.off, "userns")
		c.i++
		c.parseGeneric(set("create"), set(), false)
	case "mqueue":
		r.Kind = RuleMqueue
		c.needs4(t.off, "mqueue")
		c.i++
		c.parseMqueue()
	case "io_uring":
		r.Kind = RuleIOUring
		c.needs4(t.off, "io_uring")
		c.i++
		c.parseGeneric(set("sqpoll", "override_creds"), set("label"), false)
	case "all":
		r.Kind = RuleAll
		c.needs4(t.off, "all")
		c.i++
		if !c.done() {
			c.fail(c.peek().off, "unexpected %q", c.peek().text)
		}
		r.Bare = true
	case "file":
		r.Kind = RuleFile
		c.i++
		if c.done() {
			r.Bare = true
			if q.Deny {
				// apparmor_parser expands a bare file rule to every
				// permission, exec included, and then rejects the exec
				// qualifier in a deny rule (upstream's file/ok_bare_1
				// TODO case).
				p.errorf(t.off, ErrInvalid, "file: apparmor_parser rejects a bare deny file rule")
			}
		} else {
			c.parseFile()
		}
	case "owner", "other", "audit", "allow", "deny", "priority":
		r.Kind = RuleFile
		c.fail(t.off, "qualifier %q out of order", kw)
	case "hat", "profile", "include", "abi", "alias":
		r.Kind = RuleFile
		c.fail(t.off, "unexpected %q", kw)
	default:
		r.Kind = RuleFile
		c.parseFile()
	}
	if (q.Owner || q.Other) && r.Kind != RuleFile && r.Kind != RuleLink {
		p.errorf(toks[0].off, ErrSyntax, "owner is not allowed on %s rules", r.Kind)
	}
	if c.bad {
		return nil
	}
	return r
}

// --- capability -------------------------------------------------------------

func (c *cursor) parseCapability() {
	if c.done() {
		c.r.Bare = true
		return
	}
	for !c.done() {
		t := c.peek()
		c.i++
		if t.kind != tWord || t.quoted {
			c.fail(t.off, "unexpected %q", t.text)
			return
		}
		if _, ok := capabilityRisk[t.text]; !ok {
			c.invalid(t.off, "invalid capability %s", t.text)
			continue
		}
		c.r.Names = append(c.r.Names, t.text)
	}
}

// --- generic access list + conditions --------------------------------------

// parseAccess reads `(a b, c)` or a single access word.
func (c *cursor) parseAccess(valid map[string]bool) {
	t := c.peek()
	if t.is("(") {
		c.i++
		for !c.done() && !c.peek().is(")") {
			w := c.peek()
			c.i++
			if w.is(",") {
				continue
			}
			if w.kind != tWord || !(valid[w.text] || valid["rw"] && rwLetters(w.text)) {
				c.fail(w.off, "invalid access %q", w.text)
				return
			}
			c.r.Access = append(c.r.Access, w.text)
		}
		if c.done() {
			c.fail(t.off, "missing ')'")
			return
		}
		c.i++
		return
	}
	if t.kind == tWord && !t.quoted && (valid[t.text] || valid["rw"] && rwLetters(t.text)) && !(c.i+1 < len(c.toks) && c.toks[c.i+1].is("=")) {
		c.r.Access = append(c.r.Access, t.text)
		c.i++
	}
}

func rwLetters(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] != 'r' && s[i] != 'w' {
			return false
		}
	}
	return true
}

// parseCond reads `key=value`, `key=(v …)` or `key in (v …)` at the cursor.
func (c *cursor) parseCond() (Cond, bool) {
	k := c.peek()
	if k.kind != tWord || k.quoted {
		c.fail(k.off, "unexpected %q", k.text)
		return Cond{}, false
	}
	c.i++
	cond := Cond{Pos: c.p.pos(k.off), Key: k.text}
	switch {
	case c.peek().is("="):
		cond.Op = "="
	case c.peek().isWord("in"):
		cond.Op = "in"
	default:
		c.fail(k.off, "unexpected %q", k.text)
		return cond, false
	}
	c.i++
	v := c.peek()
	switch {
	case v.is("("):
		cond.Paren = true
		c.i++
		for !c.done() && !c.peek().is(")") {
			w := c.peek()
			c.i++
			if w.is(",") {
				continue
			}
			if w.kind != tWord && !w.is("=") {
				c.fail(w.off, "unexpected %q in %s", w.text, cond.Key)
				return cond, false
			}
			cond.Values = append(cond.Values, w.text)
		}
		if c.done() {
			c.fail(v.off, "%s: missing ')'", cond.Key)
			return cond, false
		}
		c.i++
	case v.kind == tWord:
		if cond.Op == "in" {
			c.fail(v.off, "%s in: expected '('", cond.Key)
			return cond, false
		}
		c.i++
		cond.Values = []string{v.text}
	default:
		c.fail(v.off, "%s: missing value", cond.Key)
		return cond, false
	}
	return cond, true
}

// parsePeerConds parses `peer=(k=v …)` contents into r.PeerConds.
func (c *cursor) parsePeerConds(values []string, off int, allowed map[string]bool) {
	// Values came as a flat list: k, =, v, k, =, v …
	for i := 0; i < len(values); {
		if k, v, ok := strings.Cut(values[i], ":="); ok && allowed[k] {
			c.r.PeerConds = append(c.r.PeerConds, Cond{Pos: c.p.pos(off), Key: k, Op: ":=", Values: []string{v}})
			i++
			continue
		}
		if i+2 >= len(values) || values[i+1] != "=" {
			c.fail(off, "bad peer=(…) condition list")
			return
		}
		k, v := values[i], values[i+2]
		if !allowed[k] {
			c.fail(off, "invalid peer condition %q", k)
			return
		}
		if err := checkAARE(v); err != "" && !strings.Contains(v, "@{") {
			c.invalid(off, "peer %s=%s: %s", k, v, err)
		}
		c.r.PeerConds = append(c.r.PeerConds, Cond{Pos: c.p.pos(off), Key: k, Op: "=", Values: []string{v}})
		i += 3
	}
}

// parseGeneric parses `[access] [conds]` for ptrace, signal, unix, dbus,
// userns and io_uring.
func (c *cursor) parseGeneric(access map[string]bool, keys map[string]bool, peerParen bool) {
	if c.done() {
		c.r.Bare = true
		return
	}
	c.parseAccess(access)
	seen := map[string]bool{}
	for !c.done() && !c.bad {
		t := c.peek()
		if t.is("->") || t.kind != tWord {
			c.fail(t.off, "unexpected %q", t.text)
			return
		}
		if !keys[t.text] {
			if access[t.text] {
				c.fail(t.off, "access %q must come first", t.text)
			} else {
				c.fail(t.off, "unknown condition %q", t.text)
			}
			return
		}
		// Peer with a parenthesised list (unix, dbus).
		if t.text == "peer" && peerParen {
			cond, ok := c.parseCond()
			if !ok {
				return
			}
			if seen["peer"] {
				c.fail(t.off, "peer given twice")
				return
			}
			seen["peer"] = true
			if cond.Paren {
				var allowed map[string]bool
				if c.r.Kind == RuleDbus {
					allowed = set("name", "label")
				} else {
					allowed = set("addr", "label")
				}
				c.parsePeerConds(cond.Values, t.off, allowed)
			} else {
				c.fail(t.off, "peer needs a parenthesised condition list")
			}
			continue
		}
		cond, ok := c.parseCond()
		if !ok {
			return
		}
		if seen[cond.Key] && c.r.Kind != RuleSignal {
			c.fail(t.off, "%s given twice", cond.Key)
			return
		}
		if seen[cond.Key] && cond.Key == "peer" {
			c.fail(t.off, "%s given twice", cond.Key)
			return
		}
		seen[cond.Key] = true
		if cond.Op == "in" {
			c.fail(t.off, "'in' is not allowed for %s", cond.Key)
			return
		}
		if cond.Paren && cond.Key == "peer" {
			// ptrace/signal peers are a single label, never a list.
			c.fail(t.off, "peer takes a label, not a parenthesised list")
			return
		}
		if cond.Paren && (cond.Key == "label" || c.r.Kind == RuleDbus || c.r.Kind == RuleUnix) && cond.Key != "set" && len(cond.Values) != 1 {
			c.fail(t.off, "%s takes a single value", cond.Key)
			return
		}
		if c.r.Kind == RuleUnix && (cond.Key == "attr" || cond.Key == "opt" || cond.Key == "protocol") {
			// Documented in apparmor.d(5) but rejected by apparmor_parser
			// ("not currently supported", "invalid conditional").
			c.invalid(t.off, "%s= is not supported by apparmor_parser", cond.Key)
		}
		for _, v := range cond.Values {
			if v == "=" {
				c.fail(t.off, "bad value list for %s", cond.Key)
				return
			}
			if err := checkAARE(v); err != "" && !strings.Contains(v, "@{") {
				c.invalid(t.off, "%s=%s: %s", cond.Key, v, err)
			}
		}
		c.r.Conds = append(c.r.Conds, cond)
	}
}

func (c *cursor) checkSignal() {
	if c.bad {
		return
	}
	for _, cond := range c.r.Conds {
		if cond.Key != "set" {
			continue
		}
		if !cond.Paren && len(cond.Values) == 1 && strings.Contains(cond.Values[0], ",") {
			c.fail(c.toks[0].off, "set= list needs parentheses")
			return
		}
		for _, s := range cond.Values {
			if signalNames[s] {
				continue
			}
			if strings.HasPrefix(s, "rtmin+") {
				n, err := strconv.Atoi(s[len("rtmin+"):])
				if err == nil && n >= 0 && n <= 32 {
					continue
				}
			}
			c.invalid(c.toks[0].off, "invalid signal %q", s)
		}
	}
}

func (c *cursor) checkUnix() {
	if c.bad {
		return
	}
	hasPeer := len(c.r.PeerConds) > 0
	for _, a := range c.r.Access {
		switch a {
		case "create", "bind", "listen", "shutdown", "getattr", "setattr", "getopt", "setopt":
			if hasPeer {
				c.invalid(c.toks[0].off, "access %q cannot be used with a peer", a)
			}
		}
	}
	for _, cond := range c.r.Conds {
		switch cond.Key {
		case "label":
			for _, a := range c.r.Access {
				if a == "bind" {
					c.invalid(c.toks[0].off, "label= cannot be used with bind")
				}
			}
		case "attr", "opt":
			if hasPeer {
				c.invalid(c.toks[0].off, "%s= cannot be used with a peer", cond.Key)
			}
		case "type":
			for _, v := range cond.Values {
				if !set("stream", "dgram", "seqpacket", "rdm", "raw", "packet")[v] && !strings.ContainsAny(v, "*?[{@") {
					c.invalid(c.toks[0].off, "invalid socket type %q", v)
				}
			}
		}
	}
}

func (c *cursor) checkDbus() {
	if c.bad {
		return
	}
	var bind, msg, eaves bool
	for _, a := range c.r.Access {
		switch a {
		case "bind":
			bind = true
		case "eavesdrop":
			eaves = true
		default:
			msg = true
		}
	}
	keys := map[string]bool{}
	for _, cond := range c.r.Conds {
		keys[cond.Key] = true
	}
	if len(c.r.PeerConds) > 0 {
		keys["peer"] = true
	}
	if bind && (keys["path"] || keys["interface"] || keys["member"] || keys["peer"]) {
		c.invalid(c.toks[0].off, "bind cannot be combined with message conditions")
	}
	if msg && keys["name"] {
		c.invalid(c.toks[0].off, "name= is only valid for bind rules")
	}
	if eaves && (keys["path"] || keys["interface"] || keys["member"] || keys["peer"] || keys["name"]) {
		c.invalid(c.toks[0].off, "eavesdrop takes only bus=")
	}
}

// --- network ---------------------------------------------------------------

func (c *cursor) parseNetwork() {
	if c.done() {
		c.r.Bare = true
		return
	}
	start := c.peek().off
	fine := false
	if c.peek().is("(") || (c.peek().kind == tWord && networkAccess[c.peek().text] && !networkDomains[c.peek().text] && !networkTypes[c.peek().text]) {
		c.parseAccess(networkAccess)
		fine = true
	}
	var domain, typ, proto string
	for !c.done() && !c.bad {
		t := c.peek()
		if t.kind != tWord || t.quoted {
			c.fail(t.off, "unexpected %q", t.text)
			return
		}
		if c.i+1 < len(c.toks) && (c.toks[c.i+1].is("=") || c.toks[c.i+1].isWord("in")) {
			break
		}
		c.i++
		switch {
		case domain == "" && typ == "" && proto == "" && networkDomains[t.text]:
			domain = t.text
		case typ == "" && proto == "" && networkTypes[t.text]:
			typ = t.text
		case typ == "" && proto == "" && networkProtocols[t.text]:
			proto = t.text
		case t.text == "unspec" && domain == "":
			domain = t.text
		default:
			c.invalid(t.off, "invalid network word %q", t.text)
			return
		}
		c.r.Names = append(c.r.Names, t.text)
	}
	// Protocols exist only in their domains (checked against
	// apparmor_parser 3.0.8: "network inet6 icmp" and "network unix tcp"
	// are rejected).
	if proto != "" && domain != "" {
		ok := domain == "inet" || domain == "inet6" && proto != "icmp"
		if !ok {
			c.invalid(start, "protocol %s is not valid for the %s domain", proto, domain)
		}
	}
	// netlink only has dgram and raw sockets, but apparmor_parser accepts
	// (and ignores) other types, so that is no error.
	// Fine-grained conditions (4.x).
	for !c.done() && !c.bad {
		t := c.peek()
		fine = true
		if t.isWord("peer") {
			cond, ok := c.parseCond()
			if !ok {
				return
			}
			if !cond.Paren {
				c.fail(t.off, "peer needs parentheses")
				return
			}
			c.parsePeerConds(cond.Values, t.off, set("ip", "port", "label"))
			for _, pc := range c.r.PeerConds {
				c.checkNetValue(t.off, pc.Key, pc.Values[0])
			}
			continue
		}
		if !t.isWord("ip") && !t.isWord("port") && !t.isWord("interface") && !t.isWord("label") {
			c.fail(t.off, "unexpected %q", t.text)
			return
		}
		cond, ok := c.parseCond()
		if !ok {
			return
		}
		if cond.Paren || len(cond.Values) != 1 || cond.Op != "=" {
			c.fail(t.off, "%s takes one value", cond.Key)
			return
		}
		for _, old := range c.r.Conds {
			if old.Key == cond.Key {
				c.fail(t.off, "%s given twice", cond.Key)
				return
			}
		}
		c.checkNetValue(t.off, cond.Key, cond.Values[0])
		c.r.Conds = append(c.r.Conds, cond)
	}
	if len(c.r.PeerConds) > 0 {
		for _, a := range c.r.Access {
			switch a {
			case "create", "bind", "listen", "shutdown", "getattr", "setattr", "getopt", "setopt":
				c.invalid(start, "access %q cannot be used with a peer", a)
			}
		}
	}
	if domain != "" && domain != "inet" && domain != "inet6" {
		for _, cond := range append(append([]Cond(nil), c.r.Conds...), c.r.PeerConds...) {
			if cond.Key == "ip" || cond.Key == "port" {
				c.invalid(start, "ip/port conditions need the inet or inet6 domain")
				break
			}
		}
	}
	if fine {
		c.needs4(start, "fine-grained network rules")
	}
}

func (c *cursor) checkNetValue(off int, key, v string) {
	switch key {
	case "port":
		lo, hi, isRange := strings.Cut(v, "-")
		a, err1 := strconv.Atoi(lo)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || a < 0 || b > 65535 || a > 65535 || b < 0 || (isRange && a >= b) {
			c.invalid(off, "invalid port %q", v)
		}
	case "ip":
		if v == "none" {
			return
		}
		addr, mask, hasMask := strings.Cut(v, "/")
		if !validIP(addr) {
			c.invalid(off, "invalid ip %q", v)
			return
		}
		if hasMask {
			n, err := strconv.Atoi(mask)
			max := 32
			if strings.Contains(addr, ":") {
				max = 128
			}
			if err != nil || n < 0 || n > max {
				c.invalid(off, "invalid subnet %q", v)
			}
		}
	}
}

// --- mount -----------------------------------------------------------------

func (c *cursor) parseMount() {
	kind := c.r.Kind
	if c.done() {
		c.r.Bare = true
		return
	}
	opts := map[string]bool{}
	var optsEq []string
	nOptsEq := 0
	for !c.done() && !c.bad {
		t := c.peek()
		if !(t.isWord("options") || t.isWord("fstype") || t.isWord("vfstype")) || c.i+1 >= len(c.toks) || !(c.toks[c.i+1].is("=") || c.toks[c.i+1].isWord("in")) {
			break
		}
		cond, ok := c.parseCond()
		if !ok {
			return
		}
		if cond.Key == "vfstype" {
			cond.Key = "fstype"
		}
		if !cond.Paren && len(cond.Values) == 1 && strings.Contains(cond.Values[0], ",") && !strings.ContainsAny(cond.Values[0], "{") {
			if cond.Key == "options" {
				c.fail(t.off, "options list needs parentheses")
				return
			}
			cond.Values = strings.Split(cond.Values[0], ",")
		}
		if cond.Key == "options" {
			for _, v := range cond.Values {
				if !mountFlags[v] {
					c.invalid(t.off, "invalid mount option %q", v)
				}
				if mountFlags4[v] {
					c.needs4(t.off, "mount option "+v)
				}
				if a, ok := mountAliases[v]; ok {
					v = a
				}
				opts[v] = true
			}
			if cond.Op == "=" {
				nOptsEq++
				optsEq = append(optsEq, cond.Values...)
				ev := map[string]bool{}
				for _, v := range cond.Values {
					if a, ok := mountAliases[v]; ok {
						v = a
					}
					ev[v] = true
				}
				for _, pr := range mountOpposites {
					if ev[pr[0]] && ev[pr[1]] {
						c.invalid(t.off, "conflicting mount options %s and %s", pr[0], pr[1])
					}
				}
			}
		}
		c.r.Conds = append(c.r.Conds, cond)
	}
	_ = optsEq
	if c.bad {
		return
	}
	// Source and mount point.
	var src, dst string
	hasArrow := false
	if !c.done() && !c.peek().is("->") {
		t := c.peek()
		if t.kind != tWord {
			c.fail(t.off, "unexpected %q", t.text)
			return
		}
		src = t.text
		c.i++
	}
	if !c.done() && c.peek().is("->") {
		hasArrow = true
		c.i++
		if c.done() || c.peek().kind != tWord {
			c.fail(c.peek().off, "missing mount point after '->'")
			return
		}
		dst = c.peek().text
		c.i++
	}
	if !c.done() {
		c.fail(c.peek().off, "unexpected %q", c.peek().text)
		return
	}
	switch kind {
	case RuleMount:
		if !hasArrow {
			// `mount /foo,` names a mount point only.
			dst, src = src, ""
			for o := range opts {
				if mountPropagation[o] && dst != "" {
					c.needs4(c.toks[0].off, "a propagation mount rule without '->'")
					break
				}
			}
		}
		if src != "" {
			for o := range opts {
				if mountPropagation[o] || o == "remount" {
					c.invalid(c.toks[0].off, "option %q takes no source", o)
					break
				}
			}
		}
		c.r.Path, c.r.Target = src, dst
	case RuleRemount, RuleUmount:
		if hasArrow {
			c.fail(c.toks[0].off, "%s takes no '->'", kind)
			return
		}
		c.r.Target = src
		c.r.Path = ""
	}
	for _, v := range []string{c.r.Path, c.r.Target} {
		if v != "" {
			if err := checkAARE(v); err != "" {
				c.invalid(c.toks[0].off, "%s: %s", v, err)
			}
		}
	}
}

// --- pivot_root ----------------------------------------------------------

func (c *cursor) parsePivotRoot() {
	if c.done() {
		c.r.Bare = true
		return
	}
	if c.peek().isWord("oldroot") {
		cond, ok := c.parseCond()
		if !ok {
			return
		}
		if len(cond.Values) != 1 {
			c.fail(c.toks[0].off, "oldroot takes one path")
			return
		}
		c.r.Conds = append(c.r.Conds, cond)
	}
	if !c.done() && c.peek().kind == tWord {
		c.r.Path = c.peek().text
		c.i++
	}
	if t, present, ok := c.arrowTarget("profile"); !ok {
		return
	} else if present {
		c.r.Target = t.text
	}
	if !c.done() {
		c.fail(c.peek().off, "unexpected %q", c.peek().text)
	}
}

// --- change_profile ------------------------------------------------------

func (c *cursor) parseChangeProfile() {
	if c.done() {
		c.r.Bare = true
		return
	}
	if c.peek().isWord("safe") || c.peek().isWord("unsafe") {
		c.r.ExecSafety = c.peek().text
		c.i++
	}
	if !c.done() && c.peek().kind == tWord {
		t := c.peek()
		c.r.Path = t.text
		if !strings.HasPrefix(t.text, "/") && !strings.HasPrefix(t.text, "@{") && !strings.HasPrefix(t.text, "*") {
			c.fail(t.off, "exec condition %q must be an absolute path", t.text)
			return
		}
		c.i++
	}
	if t, present, ok := c.arrowTarget("profile"); !ok {
		return
	} else if present {
		c.r.Target = t.text
		if err := checkAARE(c.r.Target); err != "" {
			c.invalid(t.off, "%s", err)
		}
	}
	if !c.done() {
		c.fail(c.peek().off, "unexpected %q", c.peek().text)
		return
	}
	if c.r.ExecSafety != "" && c.r.Path == "" {
		c.fail(c.toks[0].off, "%s requires an exec condition", c.r.ExecSafety)
	}
	if c.r.Path == "" && c.r.Target == "" {
		c.r.Bare = true
	}
}

// --- rlimit ---------------------------------------------------------------

func (c *cursor) parseRlimit() {
	if !c.peek().isWord("rlimit") {
		c.fail(c.peek().off, "expected 'rlimit' after 'set'")
		return
	}
	c.i++
	res := c.peek()
	if res.kind != tWord || !rlimitNames[res.text] {
		c.fail(res.off, "invalid rlimit %q", res.text)
		return
	}
	c.i++
	c.r.Names = []string{res.text}
	if !c.peek().is("<=") {
		c.fail(c.peek().off, "expected '<='")
		return
	}
	c.i++
	v := c.peek()
	if v.kind != tWord {
		c.fail(v.off, "missing value")
		return
	}
	c.i++
	val := v.text
	// A value and a separate unit ("10 s").
	if !c.done() && c.peek().kind == tWord {
		val += c.peek().text
		c.i++
	}
	if !c.done() {
		c.fail(c.peek().off, "unexpected %q", c.peek().text)
		return
	}
	c.r.Value = val
	if msg := checkRlimitValue(res.text, val); msg != "" {
		c.invalid(v.off, "%s", msg)
	}
}

func checkRlimitValue(res, val string) string {
	if val == "infinity" {
		if res == "nice" {
			return "nice cannot be infinity"
		}
		return ""
	}
	num := val
	i := 0
	if strings.HasPrefix(num, "-") {
		i = 1
	}
	for i < len(num) && num[i] >= '0' && num[i] <= '9' {
		i++
	}
	digits, unit := num[:i], num[i:]
	n, err := strconv.Atoi(digits)
	if err != nil {
		return "invalid rlimit value " + strconv.Quote(val)
	}
	switch res {
	case "nice":
		if unit != "" || n < -20 || n > 19 {
			return "nice must be -20..19"
		}
	case "cpu", "rttime":
		if n < 0 {
			return "negative rlimit"
		}
		units := set("", "us", "microsecond", "microseconds", "ms", "millisecond", "milliseconds", "s", "sec", "second", "seconds", "min", "minute", "minutes", "h", "hour", "hours", "d", "day", "days", "week", "weeks")
		if res == "cpu" {
			units = set("", "s", "sec", "second", "seconds", "min", "minute", "minutes", "h", "hour", "hours", "d", "day", "days", "week", "weeks")
		}
		if !units[unit] {
			return "invalid time unit " + strconv.Quote(unit)
		}
	case "fsize", "data", "stack", "core", "rss", "as", "memlock", "msgqueue":
		if n < 0 {
			return "negative rlimit"
		}
		if !set("", "K", "M", "G", "KB", "MB", "GB")[unit] {
			return "invalid size unit " + strconv.Quote(unit)
		}
	default:
		if n < 0 || unit != "" {
			return "invalid rlimit value " + strconv.Quote(val)
		}
	}
	return ""
}

// --- mqueue ---------------------------------------------------------------

func (c *cursor) parseMqueue() {
	if c.done() {
		c.r.Bare = true
		return
	}
	c.parseAccess(mqueueAccess)
	for !c.done() && !c.bad {
		t := c.peek()
		if t.kind == tWord && c.i+1 < len(c.toks) && (c.toks[c.i+1].is("=")) {
			if !t.isWord("type") && !t.isWord("label") {
				c.fail(t.off, "unknown condition %q", t.text)
				return
			}
			cond, ok := c.parseCond()
			if !ok {
				return
			}
			if cond.Key == "type" && (len(cond.Values) != 1 || (cond.Values[0] != "posix" && cond.Values[0] != "sysv")) {
				c.invalid(t.off, "invalid type %q", strings.Join(cond.Values, " "))
			}
			c.r.Conds = append(c.r.Conds, cond)
			continue
		}
		if t.kind != tWord || c.r.Path != "" {
			c.fail(t.off, "unexpected %q", t.text)
			return
		}
		c.r.Path = t.text
		c.i++
	}
	if c.r.Path != "" {
		typ, _ := c.r.Cond("type")
		sysv := len(typ) == 1 && typ[0] == "sysv"
		posix := len(typ) == 1 && typ[0] == "posix"
		if sysv {
			if !isNumberish(c.r.Path) {
				c.invalid(c.toks[0].off, "sysv queue name %q must be a number", c.r.Path)
			}
		} else if (posix || !isNumberish(c.r.Path)) && !strings.HasPrefix(c.r.Path, "/") && !strings.HasPrefix(c.r.Path, "@{") {
			c.invalid(c.toks[0].off, "posix queue name %q must start with '/'", c.r.Path)
		}
	}
}

// --- link ------------------------------------------------------------------

func (c *cursor) parseLink() {
	if c.peek().isWord("subset") {
		c.r.Subset = true
		c.i++
	}
	if c.done() || c.peek().kind != tWord {
		c.fail(c.peek().off, "missing link path")
		return
	}
	c.r.Path = c.peek().text
	c.i++
	if !c.peek().is("->") {
		c.fail(c.peek().off, "expected '->'")
		return
	}
	c.i++
	if c.done() || c.peek().kind != tWord {
		c.fail(c.peek().off, "missing link target")
		return
	}
	c.r.Target = c.peek().text
	c.i++
	if !c.done() {
		c.fail(c.peek().off, "unexpected %q", c.peek().text)
	}
	c.r.Perms = "l"
}

// --- file ------------------------------------------------------------------

func isPathTok(t token) bool {
	if t.kind != tWord {
		return false
	}
	if t.quoted {
		return true
	}
	return strings.HasPrefix(t.text, "/") || strings.HasPrefix(t.text, "@{") || strings.HasPrefix(t.text, "{") || strings.HasPrefix(t.text, "\"")
}

func (c *cursor) parseFile() {
	t := c.peek()
	if t.kind != tWord {
		c.fail(t.off, "unexpected %q", t.text)
		return
	}
	var pathTok, permTok token
	if t.isWord("safe") || t.isWord("unsafe") {
		c.r.ExecSafety = t.text
		c.i++
		t = c.peek()
		if t.kind != tWord {
			c.fail(t.off, "unexpected %q", t.text)
			return
		}
	}
	if isPathTok(t) {
		pathTok = t
		c.i++
		if c.done() || c.peek().kind != tWord || c.peek().quoted {
			c.fail(t.off, "missing permissions after %q", t.text)
			return
		}
		permTok = c.peek()
		c.i++
	} else {
		c.leading = true
		permTok = t
		c.i++
		if c.done() || !isPathTok(c.peek()) {
			if c.done() {
				c.fail(t.off, "unknown rule %q", c.r.Text)
			} else {
				c.fail(t.off, "unexpected %q", c.peek().text)
			}
			return
		}
		pathTok = c.peek()
		c.i++
	}
	c.r.Path = pathTok.text
	c.r.Perms = permTok.text
	if t, present, ok := c.arrowTarget("target"); !ok {
		return
	} else if present {
		c.r.Target = t.text
	}
	if !c.done() {
		c.fail(c.peek().off, "unexpected %q", c.peek().text)
		return
	}
	if !strings.HasPrefix(c.r.Path, "/") && !strings.HasPrefix(c.r.Path, "@{") && !strings.HasPrefix(c.r.Path, "{") && !strings.HasPrefix(c.r.Path, "@") {
		c.invalid(pathTok.off, "path %q is not absolute", c.r.Path)
	}
	if err := checkAARE(c.r.Path); err != "" && !strings.Contains(c.r.Path, "@{") {
		c.invalid(pathTok.off, "%s", err)
	}
	c.checkPerms(permTok.off)
	if c.r.ExecSafety != "" && (c.r.Exec == "" || c.r.Exec == "x") {
		c.invalid(permTok.off, "%s requires an exec transition", c.r.ExecSafety)
	}

}

// normPerm maps legacy upper-case letters to their meaning.
func normPerm(ch byte) byte {
	switch ch {
	case 'R', 'W', 'M', 'X', 'I', 'A', 'L':
		return ch + ('a' - 'A')
	}
	return ch
}

// execPrefix returns the length of the exec mode at the start of s
// (normalised) or 0.
func execPrefix(s string) int {
	for _, n := range []int{3, 2, 1} {
		if n <= len(s) && execModes[s[:n]] {
			return n
		}
	}
	return 0
}

// splitPerms validates a permission string and returns the exec mode.
// Repeating the same mode ("pxpx") is allowed; different modes conflict.
func splitPerms(perms string) (exec string, msg string) {
	norm := make([]byte, len(perms))
	for i := 0; i < len(perms); i++ {
		norm[i] = normPerm(perms[i])
	}
	s := string(norm)
	for i := 0; i < len(s); {
		ch := s[i]
		if strings.IndexByte("rwalkm", ch) >= 0 {
			i++
			continue
		}
		if strings.IndexByte("ixpcuPCU", ch) < 0 {
			return "", "invalid permission " + strconv.Quote(string(perms[i])) + " in " + strconv.Quote(perms)
		}
		n := execPrefix(s[i:])
		if n == 0 {
			return "", "invalid exec mode in " + strconv.Quote(perms)
		}
		m := s[i : i+n]
		if exec != "" && exec != m {
			return "", "conflicting exec modes in " + strconv.Quote(perms)
		}
		exec = m
		i += n
	}
	return exec, ""
}

func (c *cursor) checkPerms(off int) {
	perms := c.r.Perms
	exec, msg := splitPerms(perms)
	if msg != "" {
		c.invalid(off, "%s", msg)
		return
	}
	c.r.Exec = exec
	if strings.ContainsAny(perms, "wW") && strings.ContainsAny(perms, "aA") {
		c.invalid(off, "w and a are mutually exclusive in %q", perms)
	}
	if c.r.Qual.Deny && exec != "" && exec != "x" {
		c.invalid(off, "deny rules cannot use exec mode %q", exec)
	}
	if !c.r.Qual.Deny && exec == "x" {
		c.invalid(off, "a bare x is only valid in deny rules")
	}
	if c.r.Target != "" {
		if strings.Contains(perms, "l") && !c.leading {
			// `/a rwl -> /b`: a link rule with further permissions
			// (and, deprecated, an exec transition).
			return
		}
		if strings.Contains(perms, "l") && (exec == "" || c.leading) {
			// `l /a -> /b` is a link rule.
			if perms != "l" {
				c.invalid(off, "link rules take only the l permission")
			}
			c.r.Kind = RuleLink
			return
		}
		// apparmor_parser (3.0.8, checked differentially) accepts a
		// target on any permission set and ignores it unless the exec
		// mode is a p or c transition; lint rule TargetIgnored reports it.
	}
}

// checkAARE validates a pattern's brackets and alternations.
func checkAARE(s string) string {
	depth := 0
	type alt struct{ start, commas int }
	var stack []alt
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch ch {
		case '\\':
			i++
		case '@':
			if i+1 < len(s) && s[i+1] == '{' {
				j := strings.IndexByte(s[i:], '}')
				if j < 0 {
					return "unterminated variable in " + strconv.Quote(s)
				}
				i += j
			}
		case '[':
			j := i + 1
			if j < len(s) && s[j] == '^' {
				j++
			}
			if j < len(s) && s[j] == ']' {
				// ']' first is literal
				j++
			}
			for j < len(s) && s[j] != ']' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return "unterminated character class in " + strconv.Quote(s)
			}
			if j == i+1 || (j == i+2 && s[i+1] == '^') {
				return "empty character class in " + strconv.Quote(s)
			}
			if s[j-1] == '-' && s[j-2] != '[' && s[j-2] != '^' && s[j-2] != '\\' {
				return "unterminated range in character class in " + strconv.Quote(s)
			}
			i = j
		case ']':
			return "unbalanced ']' in " + strconv.Quote(s)
		case '{':
			depth++
			stack = append(stack, alt{start: i})
		case ',':
			if depth > 0 {
				stack[len(stack)-1].commas++
			}
		case '}':
			if depth == 0 {
				return "unbalanced '}' in " + strconv.Quote(s)
			}
			a := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			depth--
			if i == a.start+1 {
				return "empty alternation '{}' in " + strconv.Quote(s)
			}
			if a.commas == 0 {
				return "alternation with one entry in " + strconv.Quote(s)
			}
		}
	}
	if depth != 0 {
		return "unbalanced '{' in " + strconv.Quote(s)
	}
	return ""
}

func validIP(s string) bool {
	if strings.Contains(s, ":") {
		// IPv6: hex groups with at most one "::".
		if strings.Count(s, "::") > 1 {
			return false
		}
		groups := strings.Split(s, ":")
		if len(groups) > 8 {
			return false
		}
		for _, g := range groups {
			if len(g) > 4 {
				return false
			}
			for i := 0; i < len(g); i++ {
				if !strings.ContainsRune("0123456789abcdefABCDEF", rune(g[i])) {
					return false
				}
			}
		}
		return true
	}
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 255 || p == "" {
			return false
		}
	}
	return true
}
