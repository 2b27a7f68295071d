package apparmor

import (
	"fmt"
	"strings"
)

// Pos is a position in a profile source file. Line and Column are 1-based;
// Column counts bytes.
type Pos struct {
	File   string
	Offset int
	Line   int
	Column int
}

// String renders "file:line:column".
func (p Pos) String() string {
	if p.File == "" {
		return fmt.Sprintf("%d:%d", p.Line, p.Column)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// Node is any element of the syntax tree.
type Node interface {
	Position() Pos
}

// File is one parsed source file with its includes spliced in as
// Include.Items.
type File struct {
	Name string
	// Items are the top-level items in source order: *ABI, *Include,
	// *Variable, *BoolVariable, *Alias, *Profile and *Conditional.
	Items []Node
	// Vars are the set variables after every assignment (tunables
	// included), Bools the boolean variables. Filled by Parse.
	Vars  map[string][]string
	Bools map[string]bool
	// Unresolved is true when includes were not read (no FS given).
	Unresolved bool
	// UnknownVars are references to variables that are neither assigned
	// in the text nor standard tunables, found while Unresolved.
	UnknownVars []UnknownVar
	// Target is the syntax level the file was validated against.
	Target Target
}

// Profiles returns the top-level profiles of the file, including those
// brought in by includes and conditionals, in source order.
func (f *File) Profiles() []*Profile {
	var out []*Profile
	walkItems(f.Items, func(n Node) bool {
		if p, ok := n.(*Profile); ok {
			out = append(out, p)
			return false
		}
		return true
	})
	return out
}

// walkItems visits items depth-first through includes, conditionals and
// qualifier blocks (not into profiles unless fn returns true for them).
func walkItems(items []Node, fn func(Node) bool) {
	for _, n := range items {
		if !fn(n) {
			continue
		}
		switch v := n.(type) {
		case *Include:
			walkItems(v.Items, fn)
		case *Conditional:
			if v.Taken == nil || *v.Taken {
				walkItems(v.Then, fn)
			}
			if v.Taken == nil || !*v.Taken {
				walkItems(v.Else, fn)
			}
		case *Block:
			walkItems(v.Items, fn)
		case *Profile:
			walkItems(v.Items, fn)
		}
	}
}

// ABI is `abi <path>,` or `abi "path",`.
type ABI struct {
	Pos   Pos
	Path  string
	Magic bool // <path> rather than "path"
}

// Position implements Node.
func (n *ABI) Position() Pos { return n.Pos }

// Include is `include [if exists] <path>` (or the `#include` spelling).
type Include struct {
	Pos      Pos
	Path     string
	Magic    bool // <magic/path>, relative to the include search path
	IfExists bool
	Hash     bool // written #include
	// Resolved is the file that was read (empty when not found or not resolved).
	Resolved string
	// Missing is true when resolution found nothing.
	Missing bool
	// Recursive is true when the file was already being included (the
	// include is then a no-op, as in apparmor_parser).
	Recursive bool
	// Duplicate is true when the file was already included in the same
	// scope (the preamble or the same profile) and was skipped.
	Duplicate bool
	// Items are the parsed contents spliced in place of the include.
	Items []Node
}

// Position implements Node.
func (n *Include) Position() Pos { return n.Pos }

// Variable is `@{NAME} = values` (Op "=", "+=", "?=" or ":=").
type Variable struct {
	Pos    Pos
	Name   string
	Op     string
	Values []string
}

// Position implements Node.
func (n *Variable) Position() Pos { return n.Pos }

// BoolVariable is `${NAME} = true|false` (also written `$NAME`).
type BoolVariable struct {
	Pos   Pos
	Name  string
	Op    string
	Value bool
}

// Position implements Node.
func (n *BoolVariable) Position() Pos { return n.Pos }

// Alias is `alias /from -> /to,`.
type Alias struct {
	Pos      Pos
	From, To string
}

// Position implements Node.
func (n *Alias) Position() Pos { return n.Pos }

// Conditional is `if COND { … } [else if … | else { … }]`.
type Conditional struct {
	Pos  Pos
	Cond string // the condition text, normalised to single spaces
	Then []Node
	Else []Node // an `else if` is a single *Conditional here
	// Taken records which branch evaluation chose (nil until evaluated).
	Taken *bool
}

// Position implements Node.
func (n *Conditional) Position() Pos { return n.Pos }

// Qualifiers are the rule prefixes.
type Qualifiers struct {
	Priority    *int
	Audit       bool
	Allow, Deny bool // explicit keywords; neither means allow
	Owner       bool
	Other       bool
}

func (q Qualifiers) String() string {
	var parts []string
	if q.Priority != nil {
		parts = append(parts, fmt.Sprintf("priority=%d", *q.Priority))
	}
	if q.Audit {
		parts = append(parts, "audit")
	}
	if q.Allow {
		parts = append(parts, "allow")
	}
	if q.Deny {
		parts = append(parts, "deny")
	}
	if q.Owner {
		parts = append(parts, "owner")
	}
	return strings.Join(parts, " ")
}

// merge combines an enclosing block's qualifiers with a rule's own.
func (q Qualifiers) merge(inner Qualifiers) Qualifiers {
	out := inner
	if out.Priority == nil {
		out.Priority = q.Priority
	}
	out.Audit = out.Audit || q.Audit
	out.Owner = out.Owner || q.Owner
	if !out.Allow && !out.Deny {
		out.Allow, out.Deny = q.Allow, q.Deny
	}
	return out
}

// Block is a qualifier block: `audit { … }`, `owner { … }`, `allow { … }`.
type Block struct {
	Pos   Pos
	Qual  Qualifiers
	Items []Node
}

// Position implements Node.
func (n *Block) Position() Pos { return n.Pos }

// Flag is one entry of `flags=(…)`, e.g. "complain" or "kill.signal"="hup".
type Flag struct {
	Pos   Pos
	Name  string
	Value string
	HasEq bool
}

// Profile is a profile, child profile or hat.
type Profile struct {
	Pos Pos
	// Keyword is "profile", "hat", "^" or "" (a bare path-named profile).
	Keyword string
	// Name as written (variables unexpanded, quotes removed).
	Name string
	// Namespace from a `:ns:name` name, without colons.
	Namespace string
	// Attachment is the exec attachment glob, if any.
	Attachment string
	Xattrs     []Flag
	// Identities are the `+ identities=(…)` names (4.x).
	Identities []string
	Flags      []Flag
	// Items are rules, blocks, conditionals, includes and child profiles.
	Items  []Node
	Parent *Profile
	End    Pos
}

// Position implements Node.
func (n *Profile) Position() Pos { return n.Pos }

// IsHat reports whether the profile is a hat (`^name` or `hat name`).
func (n *Profile) IsHat() bool { return n.Keyword == "^" || n.Keyword == "hat" }

// FullName is the name `apparmor_parser -N` prints for the profile:
// children are joined with "//" and a namespace is written ":ns://name".
func (n *Profile) FullName() string {
	name := n.Name
	for p := n.Parent; p != nil; p = p.Parent {
		name = p.Name + "//" + name
		if p.Parent == nil && p.Namespace != "" {
			return ":" + p.Namespace + "://" + name
		}
	}
	if n.Parent == nil && n.Namespace != "" {
		return ":" + n.Namespace + "://" + name
	}
	return name
}

// Mode returns the profile's mode flag: "enforce" (default), "complain",
// "kill", "unconfined", "prompt" or "default_allow".
func (n *Profile) Mode() string {
	for _, f := range n.Flags {
		switch f.Name {
		case "complain", "kill", "unconfined", "prompt", "default_allow", "enforce":
			return f.Name
		}
	}
	return "enforce"
}

// HasFlag reports whether the profile carries the flag name.
func (n *Profile) HasFlag(name string) bool {
	for _, f := range n.Flags {
		if f.Name == name {
			return true
		}
	}
	return false
}

// Children returns the direct child profiles and hats (through blocks,
// includes and conditionals).
func (n *Profile) Children() []*Profile {
	var out []*Profile
	walkItems(n.Items, func(x Node) bool {
		if p, ok := x.(*Profile); ok {
			out = append(out, p)
			return false
		}
		return true
	})
	return out
}

// Rules returns the profile's own rules with the qualifiers of enclosing
// blocks merged in (through includes, taken conditional branches and
// qualifier blocks; child profiles excluded).
func (n *Profile) Rules() []*Rule {
	var out []*Rule
	var walk func(items []Node, q Qualifiers)
	walk = func(items []Node, q Qualifiers) {
		for _, it := range items {
			switch v := it.(type) {
			case *Rule:
				if q != (Qualifiers{}) {
					c := *v
					c.Qual = q.merge(v.Qual)
					out = append(out, &c)
				} else {
					out = append(out, v)
				}
			case *Block:
				walk(v.Items, q.merge(v.Qual))
			case *Include:
				walk(v.Items, q)
			case *Conditional:
				if v.Taken == nil || *v.Taken {
					walk(v.Then, q)
				}
				if v.Taken == nil || !*v.Taken {
					walk(v.Else, q)
				}
			}
		}
	}
	walk(n.Items, Qualifiers{})
	return out
}

// RuleKind names a rule class.
type RuleKind string

// Rule kinds.
const (
	RuleCapability    RuleKind = "capability"
	RuleNetwork       RuleKind = "network"
	RuleMount         RuleKind = "mount"
	RuleRemount       RuleKind = "remount"
	RuleUmount        RuleKind = "umount"
	RulePivotRoot     RuleKind = "pivot_root"
	RulePtrace        RuleKind = "ptrace"
	RuleSignal        RuleKind = "signal"
	RuleUnix          RuleKind = "unix"
	RuleDbus          RuleKind = "dbus"
	RuleChangeProfile RuleKind = "change_profile"
	RuleRlimit        RuleKind = "rlimit"
	RuleLink          RuleKind = "link"
	RuleFile          RuleKind = "file"
	RuleUserns        RuleKind = "userns"
	RuleMqueue        RuleKind = "mqueue"
	RuleIOUring       RuleKind = "io_uring"
	RuleAll           RuleKind = "all"
)

// Cond is a `key=value`, `key=(v1 v2)` or `key in (…)` condition.
type Cond struct {
	// Pos is the position of the key (for peer=(…) entries, of "peer").
	Pos    Pos
	Key    string
	Op     string // "=" or "in"
	Values []string
	Paren  bool
}

// Rule is one comma-terminated rule.
type Rule struct {
	Pos  Pos
	Kind RuleKind
	Qual Qualifiers
	// Text is the rule's source text without the trailing comma, with
	// whitespace collapsed.
	Text string
	// Bare is true for the unrestricted form (`capability,`, `network,`,
	// `file,`, `mount,`, `ptrace,` …).
	Bare bool
	// Names holds capability names, rlimit resource, or the
	// network domain/type/protocol words in order.
	Names []string
	// Access is the access list of ptrace/signal/unix/dbus/mqueue/userns/
	// io_uring/network rules (`(send receive)`, or a single bare word).
	Access []string
	// Conds are key conditions (peer=, set=, addr=, fstype=, options= …).
	Conds []Cond
	// PeerConds are the conditions inside `peer=(…)`.
	PeerConds []Cond
	// Path is the file/link path, mount source, pivot_root new root,
	// change_profile exec condition or mqueue name.
	Path string
	// Perms is the file permission string as written (e.g. "rwix").
	Perms string
	// Exec is the exec mode of a file rule ("ix", "Px", "cux", "x" …).
	Exec string
	// Target is the `-> TARGET` part (exec target, mount point, link
	// target, change_profile profile, pivot_root profile).
	Target string
	// ExecSafety is "safe" or "unsafe" when written.
	ExecSafety string
	// Subset is set for `link subset`.
	Subset bool
	// Value is the rlimit value.
	Value string
}

// Position implements Node.
func (n *Rule) Position() Pos { return n.Pos }

// Cond returns the values of the first condition named key.
func (n *Rule) Cond(key string) ([]string, bool) {
	for _, c := range n.Conds {
		if c.Key == key {
			return c.Values, true
		}
	}
	return nil, false
}

// PeerLabel returns the peer label/profile of ptrace, signal, unix, dbus
// rules ("" when absent).
func (n *Rule) PeerLabel() string {
	if v, ok := n.Cond("peer"); ok && len(v) > 0 {
		return v[0]
	}
	for _, c := range n.PeerConds {
		if c.Key == "label" && len(c.Values) > 0 {
			return c.Values[0]
		}
	}
	return ""
}
