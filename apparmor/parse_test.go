package apparmor

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTree(t *testing.T) {
	src := `# comment
abi <abi/3.0>,
include <tunables/global>
@{APP} = /opt/app /srv/app
@{APP} += /usr/local/app
$DEBUG = false

profile app /usr/bin/app xattrs=(security.apparmor="trusted") flags=(complain, attach_disconnected) {
  include if exists <local/app>
  capability net_bind_service setuid,
  audit deny owner @{APP}/secret/** w,
  priority=5 /etc/app.conf r,
  network inet stream,
  signal (send receive) set=(term, kill) peer=app//worker,
  unix (connect) type=stream peer=(label=dbus, addr=@/run/x),
  mount fstype=tmpfs options=(rw, nosuid) none -> /tmp/,
  set rlimit nofile <= 1024,
  /usr/bin/helper Px -> app//worker,
  if $DEBUG {
    /var/log/app/** rw,
  } else {
    /var/log/app/** r,
  }
  audit {
    /etc/passwd r,
  }
  profile worker {
    /srv/** r,
  }
  ^hat {
  }
}
`
	f, err := Parse("app.profile", []byte(src), nil)
	require.NoError(t, err)
	require.Len(t, f.Profiles(), 1)
	p := f.Profiles()[0]
	assert.Equal(t, "app", p.Name)
	assert.Equal(t, "/usr/bin/app", p.Attachment)
	assert.Equal(t, "complain", p.Mode())
	assert.True(t, p.HasFlag("attach_disconnected"))
	assert.Equal(t, []Flag{{Pos: Pos{File: "app.profile", Offset: 152, Line: 8, Column: 34}, Name: "security.apparmor", Value: "trusted", HasEq: true}}, p.Xattrs)
	assert.Equal(t, Pos{File: "app.profile", Offset: 119, Line: 8, Column: 1}, p.Pos)
	assert.Equal(t, []string{"app", "app//hat", "app//worker"}, f.Names())
	assert.Equal(t, []string{"/opt/app", "/srv/app", "/usr/local/app"}, f.Vars["APP"])
	assert.Equal(t, map[string]bool{"DEBUG": false}, f.Bools)

	rules := p.Rules()
	kinds := make([]RuleKind, len(rules))
	for i, r := range rules {
		kinds[i] = r.Kind
	}
	assert.Equal(t, []RuleKind{RuleCapability, RuleFile, RuleFile, RuleNetwork, RuleSignal, RuleUnix, RuleMount, RuleRlimit, RuleFile, RuleFile, RuleFile}, kinds)
	assert.Equal(t, []string{"net_bind_service", "setuid"}, rules[0].Names)
	assert.Equal(t, Qualifiers{Audit: true, Deny: true, Owner: true}, rules[1].Qual)
	assert.Equal(t, "@{APP}/secret/**", rules[1].Path)
	assert.Equal(t, 5, *rules[2].Qual.Priority)
	assert.Equal(t, []string{"send", "receive"}, rules[4].Access)
	at := func(off, line, col int) Pos { return Pos{File: "app.profile", Offset: off, Line: line, Column: col} }
	assert.Equal(t, []Cond{
		{Pos: at(407, 14, 25), Key: "set", Op: "=", Values: []string{"term", "kill"}, Paren: true},
		{Pos: at(424, 14, 42), Key: "peer", Op: "=", Values: []string{"app//worker"}},
	}, rules[4].Conds)
	assert.Equal(t, []Cond{
		{Pos: at(471, 15, 30), Key: "label", Op: "=", Values: []string{"dbus"}},
		{Pos: at(471, 15, 30), Key: "addr", Op: "=", Values: []string{"@/run/x"}},
	}, rules[5].PeerConds)
	assert.Equal(t, "/tmp/", rules[6].Target)
	assert.Equal(t, "none", rules[6].Path)
	assert.Equal(t, []string{"nofile"}, rules[7].Names)
	assert.Equal(t, "1024", rules[7].Value)
	assert.Equal(t, "Px", rules[8].Exec)
	assert.Equal(t, "app//worker", rules[8].Target)
	// The else branch is taken ($DEBUG is false).
	assert.Equal(t, "r", rules[9].Perms)
	// Qualifier block merged in.
	assert.True(t, rules[10].Qual.Audit)
	assert.Equal(t, Pos{File: "app.profile", Offset: 717, Line: 25, Column: 5}, rules[10].Pos)
}

func TestParseErrorsRecovery(t *testing.T) {
	src := `profile t {
  /tmp/a rz,
  capability CAP_CHOWN,
  network inet stream
  /tmp/b r,
  /tmp/c rw,
}
`
	_, err := Parse("bad.profile", []byte(src), nil)
	require.Error(t, err)
	var list ErrorList
	require.True(t, errors.As(err, &list))
	type got struct {
		line, col int
		class     error
	}
	var gots []got
	for _, e := range list {
		gots = append(gots, got{e.Pos.Line, e.Pos.Column, e.Err})
		assert.Equal(t, "bad.profile", e.Pos.File)
	}
	// Three independent mistakes, each reported where it is: the bad
	// letter's word, the bad capability name, and the word the missing
	// comma glued onto the network rule.
	assert.Equal(t, []got{{2, 10, ErrInvalid}, {3, 14, ErrInvalid}, {5, 3, ErrInvalid}}, gots[:3])
	assert.True(t, errors.Is(err, ErrInvalid))
	assert.Contains(t, list[0].Error(), "bad.profile:2:10:")
}

func TestParseErrorsSyntax(t *testing.T) {
	cases := []struct {
		name, src string
		class     error
		line      int
	}{
		{"missing brace", "profile t {\n  /a r,\n", ErrSyntax, 1},
		{"missing comma before }", "profile t {\n  /a r\n}\n", ErrSyntax, 2},
		{"rule outside profile", "/a r,\n", ErrSyntax, 1},
		{"variable inside profile", "profile t {\n@{X}=/a\n}\n", ErrSyntax, 2},
		{"unknown flag", "profile t flags=(bogus) {\n}\n", ErrInvalid, 1},
		{"conflicting modes", "profile t flags=(complain, kill) {\n}\n", ErrInvalid, 1},
		{"duplicate profile", "profile t {\n}\nprofile t {\n}\n", ErrInvalid, 3},
		{"undefined variable", "profile t {\n  @{X}/a r,\n}\n", ErrUndefinedVariable, 2},
		{"deny exec", "profile t {\n  deny /a ix,\n}\n", ErrInvalid, 2},
		{"bare x", "profile t {\n  /a x,\n}\n", ErrInvalid, 2},
		{"w and a", "profile t {\n  /a wa,\n}\n", ErrInvalid, 2},
		{"relative path", "profile t {\n  a/b r,\n}\n", ErrSyntax, 2},
		{"deny block", "profile t {\n  deny {\n  }\n}\n", ErrSyntax, 2},
		{"else without if", "profile t {\n  else {\n  }\n}\n", ErrSyntax, 2},
		{"NUL byte", "profile t {\n\x00}\n", ErrSyntax, 2},
		{"bad network", "profile t {\n  network bogus,\n}\n", ErrInvalid, 2},
		{"exec conflict", "profile t {\n  /a px,\n  /a ix,\n}\n", ErrInvalid, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("x", []byte(c.src), nil)
			require.Error(t, err)
			assert.True(t, errors.Is(err, c.class), "%v", err)
			var list ErrorList
			require.True(t, errors.As(err, &list))
			assert.Equal(t, c.line, list[0].Pos.Line, "%v", err)
		})
	}
}

func TestTarget3(t *testing.T) {
	for _, src := range []string{
		"profile t {\n  userns,\n}\n",
		"profile t {\n  all,\n}\n",
		"profile t {\n  priority=1 /a r,\n}\n",
		"profile t {\n  mqueue,\n}\n",
		"profile t {\n  io_uring,\n}\n",
		"profile t flags=(prompt) {\n}\n",
		"profile t {\n  network (connect) inet stream ip=10.0.0.1,\n}\n",
	} {
		_, err := Parse("x", []byte(src), &ParseOptions{Target: Target3})
		assert.True(t, errors.Is(err, ErrVersion), "%q: %v", src, err)
		_, err = Parse("x", []byte(src), nil)
		assert.NoError(t, err, src)
	}
}

func TestIncludes(t *testing.T) {
	fsys := fstest.MapFS{
		"etc/apparmor.d/tunables/global":    {Data: []byte("include <tunables/home>\n@{PROC}=/proc/\n")},
		"etc/apparmor.d/tunables/home":      {Data: []byte("@{HOME}=/home/*/ /root/\n")},
		"etc/apparmor.d/abstractions/base":  {Data: []byte("/etc/ld.so.cache r,\ninclude <abstractions/loop>\n")},
		"etc/apparmor.d/abstractions/loop":  {Data: []byte("include <abstractions/base>\n/loop r,\n")},
		"etc/apparmor.d/abi/3.0":            {Data: []byte("")},
		"etc/apparmor.d/local/d/a":          {Data: []byte("/a r,\n")},
		"etc/apparmor.d/local/d/b":          {Data: []byte("/b r,\n")},
		"etc/apparmor.d/local/d/b.dpkg-old": {Data: []byte("garbage\n")},
	}
	src := `abi <abi/3.0>,
include <tunables/global>
include <tunables/global>
profile t {
  include <abstractions/base>
  include <local/d>
  @{HOME}/x r,
  @{PROC}/y r,
}
`
	f, err := Parse("t", []byte(src), &ParseOptions{FS: fsys})
	require.NoError(t, err)
	var paths []string
	for _, r := range f.Profiles()[0].Rules() {
		paths = append(paths, r.Path)
	}
	// abstractions/base includes loop, which includes base again: the
	// repeat is skipped like apparmor_parser does; .dpkg-old is ignored.
	assert.Equal(t, []string{"/etc/ld.so.cache", "/loop", "/a", "/b", "@{HOME}/x", "@{PROC}/y"}, paths)
	assert.Equal(t, []string{"/home/*/", "/root/"}, f.Vars["HOME"])

	_, err = Parse("t", []byte("profile t {\n  include <abstractions/nope>\n}\n"), &ParseOptions{FS: fsys})
	assert.True(t, errors.Is(err, ErrInclude))
	_, err = Parse("t", []byte("profile t {\n  include if exists <abstractions/nope>\n}\n"), &ParseOptions{FS: fsys})
	assert.NoError(t, err)
	_, err = Parse("t", []byte("abi <abi/9.9>,\nprofile t {\n}\n"), &ParseOptions{FS: fsys})
	assert.True(t, errors.Is(err, ErrInclude))
	// Tunables (a preamble) inside a profile are an error.
	_, err = Parse("t", []byte("profile t {\n  include <tunables/home>\n}\n"), &ParseOptions{FS: fsys})
	assert.Error(t, err)
	// The error names the included file.
	var list ErrorList
	require.True(t, errors.As(err, &list))
	assert.Equal(t, "/etc/apparmor.d/tunables/home", list[0].Pos.File)
}

func TestNamesLikeApparmorParser(t *testing.T) {
	// Expected output captured from apparmor_parser 3.0.8 -N on this text.
	src := `profile foo /usr/bin/foo flags=(complain) {
  capability chown,
  ^hat { }
  hat hat2 { }
  profile child {
    profile gc {}
  }
}
/usr/bin/bar { }
profile :ns:baz { }
:ns2://usr/bin/qq { }
profile "with space" { }
`
	f, err := Parse("t", []byte(src), nil)
	require.NoError(t, err)
	want := []string{"/usr/bin/bar", "foo", "foo//child", "foo//child//gc", "foo//hat", "foo//hat2", "with space", ":ns://baz", ":ns2://usr/bin/qq"}
	if d := cmp.Diff(want, f.Names()); d != "" {
		t.Error(d)
	}
	p, ok := f.Lookup("foo//child//gc")
	require.True(t, ok)
	assert.Equal(t, "gc", p.Name)
	_, ok = f.Lookup("nope")
	assert.False(t, ok)

	// apparmor_parser 3.0.8 -N prints "a@{N}" and "a@{N}//c@{N}" for
	// this file; the kernel loads the expanded names.
	f, err = Parse("t", []byte("@{N}=foo\nprofile a@{N} {\n  profile c@{N} {\n  }\n}\n"), nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"a@{N}", "a@{N}//c@{N}"}, f.Names())
	p, ok = f.Lookup("localhost/afoo//cfoo")
	require.True(t, ok)
	assert.Equal(t, "c@{N}", p.Name)
	assert.Equal(t, []string{"afoo//cfoo"}, f.LoadedNames(p))
}

func TestDetect(t *testing.T) {
	yes := []string{
		"profile x {\n}\n",
		"#include <tunables/global>\n/usr/bin/x {\n}\n",
		"abi <abi/3.0>,\ninclude <tunables/global>\n",
		"# vim:syntax=apparmor\n@{HOME}=/home/\n",
	}
	no := []string{"", "apiVersion: v1\nkind: Pod\n", `{"defaultAction":"SCMP_ACT_ERRNO"}`, "FROM alpine\n", "hello world\n"}
	for _, s := range yes {
		assert.True(t, Detect("x", []byte(s)), s)
	}
	for _, s := range no {
		assert.False(t, Detect("x", []byte(s)), s)
	}
}

func TestLocalhostName(t *testing.T) {
	assert.Equal(t, "k8s-nginx", LocalhostName("localhost/k8s-nginx"))
	assert.Equal(t, "parent//child", LocalhostName("parent//child"))
	reps, err := Scan("x", []byte("profile a {\n  profile b {\n  }\n}\n"), Options{})
	require.NoError(t, err)
	r, ok := FindReport(reps, "a//b")
	require.True(t, ok)
	assert.Equal(t, "a//b", r.Object)
	_, ok = FindReport(reps, "localhost/c")
	assert.False(t, ok)
}

func TestScanErrors(t *testing.T) {
	reps, err := Scan("x", []byte("just text\n"), Options{})
	assert.True(t, errors.Is(err, ErrNoProfile))
	require.Len(t, reps, 1)
	assert.NotEmpty(t, reps[0].Errors)

	reps, err = Scan("tunables", []byte("@{HOME}=/home/*/\n"), Options{})
	assert.NoError(t, err)
	assert.Empty(t, reps)

	reps, err = Scan("x", []byte("profile a {\n  /a rz,\n}\n"), Options{})
	require.NoError(t, err)
	require.Len(t, reps, 1)
	require.Len(t, reps[0].Errors, 1)
	assert.Equal(t, 2, reps[0].Errors[0].Line)
	f, ok := failed(reps[0], ruleInvalid.ID)
	require.True(t, ok)
	assert.Equal(t, 2, f.Position.Line)
}

func TestHostileInput(t *testing.T) {
	deep := strings.Repeat("profile a {\n", 400) + strings.Repeat("}\n", 400)
	_, err := Parse("deep", []byte(deep), nil)
	assert.True(t, errors.Is(err, ErrLimit))
	big := make([]byte, maxFileSize+1)
	_, err = Parse("big", big, nil)
	assert.True(t, errors.Is(err, ErrLimit))
	_, err = Parse("utf8", []byte("profile \xff\xfe {\n  /\xff r,\n}\n"), nil)
	assert.NoError(t, err) // apparmor_parser works on bytes
	vars := "@{A}={a,b,c,d}{a,b,c,d}{a,b,c,d}{a,b,c,d}{a,b,c,d}{a,b,c,d}\n@{B}=@{A}@{A}@{A}@{A}\nprofile t {\n  /@{B}@{B} px,\n  /@{B}@{B}x ix,\n}\n"
	start := time.Now()
	_, err = Parse("vars", []byte(vars), nil)
	assert.NoError(t, err) // the two rules expand to distinct plain paths
	t.Logf("parse: %v", time.Since(start))
	_, err = Scan("vars", []byte(vars), Options{})
	t.Logf("parse+scan: %v", time.Since(start))
	assert.NoError(t, err)
	assert.Less(t, time.Since(start), 5*time.Second, "expansion budgets keep this bounded")
	// Many rules with many alternatives: bounded too.
	var b strings.Builder
	b.WriteString("profile t {\n")
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&b, "  /{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}/%d/** rwm,\n", i)
	}
	b.WriteString("}\n")
	start = time.Now()
	_, err = Scan("many", []byte(b.String()), Options{})
	assert.NoError(t, err)
	t.Logf("many: %v", time.Since(start))
	assert.Less(t, time.Since(start), 20*time.Second)
}

// TestReferenceTable encodes apparmor.md's table of what apparmor_parser
// 3.0.8 rejects and accepts.
func TestReferenceTable(t *testing.T) {
	fsys := fstest.MapFS{
		"etc/apparmor.d/abi/3.0":           {Data: []byte("")},
		"etc/apparmor.d/tunables/global":   {Data: []byte("@{HOME}=/home/*/\n")},
		"etc/apparmor.d/abstractions/base": {Data: []byte("/etc/ld.so.cache r,\n")},
	}
	opts := &ParseOptions{FS: fsys, Target: Target3}
	body := func(s string) string { return "abi <abi/3.0>,\ninclude <tunables/global>\nprofile t {\n" + s + "\n}\n" }
	rejected := map[string]string{
		"invalid capability":        body("capability not_a_capability,"),
		"CAP_ prefix":               body("capability CAP_CHOWN,"),
		"bad permission letter":     body("/a rq,"),
		"missing {":                 "profile t\n  /a r,\n}\n",
		"missing }":                 body("/a r,") + "profile u {\n",
		"missing comma":             body("/a r\n/b r,"),
		"#include missing":          body("#include <abstractions/nope>"),
		"undefined variable":        body("@{NOPE}/a r,"),
		"conflicting x modifiers":   body("/a px,\n/a ux,"),
		"relative path":             body("a/b r,"),
		"bad network family":        body("network bogus,"),
		"unknown flag":              "profile t flags=(bogus) {\n}\n",
		"missing abi file":          "abi <abi/9.9>,\nprofile t {\n}\n",
		"deny ix":                   body("deny /a ix,"),
		"wa":                        body("/a wa,"),
		"duplicate profile":         "profile t {\n}\nprofile t {\n}\n",
		"variable after a profile":  "profile a {\n}\n@{X}=/a\nprofile b {\n}\n",
		"variable inside a profile": body("@{X}=/a"),
		"deny block":                body("deny {\n/a r,\n}"),
	}
	accepted := map[string]string{
		"hat":                    body("^h {\n/a r,\n}"),
		"peer rules":             body("dbus send peer=(label=x),\nunix (send) peer=(label=x),\nsignal (send) peer=x,"),
		"flags":                  "profile t flags=(complain) {\n}\nprofile u flags=(unconfined) {\n}\nprofile v flags=(kill) {\n}\nprofile w flags=(audit) {\n}\n",
		"include if exists":      body("include if exists <abstractions/nope>"),
		"alias in preamble":      "alias /usr/ -> /mnt/usr/,\nprofile t {\n}\n",
		"quoted path with space": body("\"/a b/c\" r,"),
		"leading permissions":    body("rw /foo,"),
		"link subset":            body("link subset /a -> /b,"),
		"change_profile":         body("change_profile -> other,"),
		"rlimit":                 body("set rlimit nofile <= 1024,"),
		"mount with conditions":  body("mount fstype=ext4 options=(ro) /dev/sda -> /mnt/,"),
		"pivot_root":             body("pivot_root /new/,"),
		"xattrs":                 "profile t /usr/bin/t xattrs=(security.apparmor=\"trusted\") {\n}\n",
		"audit block":            body("audit {\n/a r,\n}"),
		"+=":                     "@{X}=/a\n@{X}+=/b\nprofile t {\n@{X} r,\n}\n",
		"@{profile_name}":        body("@{HOME}/@{profile_name}/** r,"),
		"deny x":                 body("deny /a x,"),
	}
	for name, src := range rejected {
		_, err := Parse(name, []byte(src), opts)
		assert.Error(t, err, "%s should be rejected", name)
	}
	for name, src := range accepted {
		_, err := Parse(name, []byte(src), opts)
		assert.NoError(t, err, "%s should be accepted", name)
	}
}

func TestFileCacheConcurrent(t *testing.T) {
	fsys := fstest.MapFS{
		"etc/apparmor.d/tunables/global":    {Data: []byte("@{PROC}=/proc/\n")},
		"etc/apparmor.d/abstractions/base":  {Data: []byte("@{PROC}/meminfo r,\n")},
		"etc/apparmor.d/abstractions/dir/a": {Data: []byte("/a r,\n")},
	}
	cache := &FileCache{}
	src := []byte("include <tunables/global>\nprofile t {\n  include <abstractions/base>\n  include <abstractions/dir>\n}\n")
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			f, err := Parse("t", src, &ParseOptions{FS: fsys, Cache: cache})
			if err == nil && len(f.Profiles()[0].Rules()) != 2 {
				err = fmt.Errorf("got %d rules", len(f.Profiles()[0].Rules()))
			}
			errs <- err
		}()
	}
	for i := 0; i < 8; i++ {
		assert.NoError(t, <-errs)
	}
}
