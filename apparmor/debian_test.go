package apparmor

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/internal/testutil"
)

const debianProfileDir = "/etc/apparmor.d"

// debianProfiles returns the installed profile files, abstractions and
// tunables, or skips (fails under KUBEHARDEN_REQUIRE_SHARED) when Debian's
// apparmor packages are not installed.
func debianProfiles(tb testing.TB) (profiles, abstractions, tunables []string) {
	tb.Helper()
	if _, err := os.Stat(filepath.Join(debianProfileDir, "tunables", "global")); err != nil {
		msg := "Debian's apparmor, apparmor-profiles and apparmor-profiles-extra packages are not installed (" + err.Error() + "); apt-get install -y apparmor apparmor-profiles apparmor-profiles-extra"
		if os.Getenv(testutil.RequireSharedEnv) != "" {
			tb.Fatalf("%s; %s is set, so this is a failure", msg, testutil.RequireSharedEnv)
		}
		tb.Skip(msg)
	}
	add := func(dir string, into *[]string, recurse bool) {
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() {
				if p != dir && !recurse {
					return filepath.SkipDir
				}
				return nil
			}
			if ignoredInclude(d.Name()) || strings.HasSuffix(d.Name(), ".md") || d.Name() == "README" {
				return nil
			}
			*into = append(*into, p)
			return nil
		})
	}
	add(debianProfileDir, &profiles, false)
	add("/usr/share/apparmor/extra-profiles", &profiles, false)
	add(filepath.Join(debianProfileDir, "abstractions"), &abstractions, true)
	add(filepath.Join(debianProfileDir, "tunables"), &tunables, true)
	sort.Strings(profiles)
	return profiles, abstractions, tunables
}

func debianOptions() *ParseOptions {
	return &ParseOptions{FS: os.DirFS("/")}
}

// wrapAbstraction builds the text that loads an abstraction the way
// profiles do: inside a profile, after the global tunables.
func wrapAbstraction(path string) []byte {
	rel := strings.TrimPrefix(path, debianProfileDir+"/")
	return []byte("abi <abi/3.0>,\ninclude <tunables/global>\nprofile wrapped {\n  include <" + rel + ">\n}\n")
}

func wrapTunable(path string) []byte {
	rel := strings.TrimPrefix(path, debianProfileDir+"/")
	return []byte("include <tunables/global>\ninclude if exists <" + rel + ">\nprofile wrapped {\n  file,\n}\n")
}

func TestDebianProfilesParse(t *testing.T) {
	profiles, abstractions, tunables := debianProfiles(t)
	opts := debianOptions()
	n := 0
	for _, p := range profiles {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !Detect(p, data) {
			continue // e.g. a README in the extra-profiles folder
		}
		n++
		if _, err := Parse(p, data, opts); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	for _, a := range abstractions {
		if _, err := Parse(a, wrapAbstraction(a), opts); err != nil {
			t.Errorf("abstraction %s: %v", a, err)
		}
	}
	for _, tu := range tunables {
		if _, err := Parse(tu, wrapTunable(tu), opts); err != nil {
			t.Errorf("tunable %s: %v", tu, err)
		}
	}
	t.Logf("parsed %d profiles, %d abstractions, %d tunables", n, len(abstractions), len(tunables))
	if n < 20 {
		t.Errorf("only %d profiles found", n)
	}
}

// apparmorParser runs `apparmor_parser -Q -K` (compile only, no kernel)
// on data given on stdin and reports whether it accepted it.
func apparmorParser(tb testing.TB, bin, features string, data []byte) (bool, string) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	args := []string{"-Q", "-K"}
	if features != "" {
		args = append(args, "-M", features)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin = bytes.NewReader(data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		tb.Errorf("running %s: %v", bin, err)
		return false, err.Error()
	}
	return err == nil, stderr.String()
}

// mutation is one edit applied to an installed profile for the
// differential test. insert is added as the first rule of the first
// profile; replace rewrites the profile text.
type mutation struct {
	name    string
	insert  string
	replace func(string) string
}

var mutations = []mutation{
	{name: "none"},
	{name: "valid file rule", insert: "/tmp/kubeharden/** rw,"},
	{name: "w and a together", insert: "/tmp/kubeharden rwa,"},
	{name: "bad permission letter", insert: "/tmp/kubeharden rz,"},
	{name: "deny with exec mode", insert: "deny /tmp/kubeharden ix,"},
	{name: "deny x", insert: "deny /tmp/kubeharden x,"},
	{name: "allow bare x", insert: "/tmp/kubeharden x,"},
	{name: "relative path", insert: "tmp/kubeharden r,"},
	{name: "target without transition", insert: "/tmp/kubeharden ix -> foo,"},
	{name: "px with target", insert: "/tmp/kubeharden px -> foo,"},
	{name: "missing comma", insert: "/tmp/kubeharden r\n/tmp/kubeharden2 r,"},
	{name: "bad capability", insert: "capability kubeharden,"},
	{name: "CAP_ prefix", insert: "capability CAP_CHOWN,"},
	{name: "valid capabilities", insert: "capability chown dac_override,"},
	{name: "bad network family", insert: "network kubeharden,"},
	{name: "valid network", insert: "network inet6 stream,"},
	{name: "missing include", insert: "include <abstractions/kubeharden-missing>"},
	{name: "missing include if exists", insert: "include if exists <abstractions/kubeharden-missing>"},
	{name: "undefined variable", insert: "@{kubeharden_undefined}/x r,"},
	{name: "signal peer", insert: "signal (send) set=(hup, term) peer=unconfined,"},
	{name: "bad signal", insert: "signal (send) set=(kubeharden),"},
	{name: "ptrace peer", insert: "ptrace (read, trace) peer=unconfined,"},
	{name: "unix local with peer", insert: "unix (bind) peer=(label=foo),"},
	{name: "change_profile any", insert: "change_profile -> **,"},
	{name: "rlimit", insert: "set rlimit nofile <= 1024,"},
	{name: "bad rlimit", insert: "set rlimit nice <= 40,"},
	{name: "userns (4.x)", insert: "userns,"},
	{name: "priority (4.x)", insert: "priority=1 /tmp/kubeharden r,"},
	{name: "variable inside profile", insert: "@{KUBEHARDEN}=/tmp"},
	{name: "deny block", insert: "deny {\n /tmp/kubeharden w,\n}"},
	{name: "audit block", insert: "audit {\n /tmp/kubeharden w,\n}"},
	{name: "hat", insert: "^kubeharden {\n /tmp/kubeharden r,\n}"},
	{name: "duplicate hat", insert: "^kubeharden {\n}\n^kubeharden {\n}"},
	{name: "dbus bind with member", insert: "dbus bind bus=session name=org.example member=Foo,"},
	{name: "mount", insert: "mount fstype=tmpfs options=(rw,nosuid) none -> /tmp/kubeharden/,"},
	{name: "pivot_root", insert: "pivot_root oldroot=/tmp/old/ /tmp/new/,"},
	{name: "eavesdrop with path", insert: "dbus eavesdrop bus=session path=/org/x,"},
	{name: "dbus send", insert: "dbus send bus=session path=/org/x interface=org.x member=Y peer=(name=org.y),"},
	{name: "unix connect", insert: "unix (connect, send, receive) type=stream peer=(label=foo, addr=@bar),"},
	{name: "link subset", insert: "link subset /tmp/kubeharden/a -> /tmp/kubeharden/b,"},
	{name: "leading link with exec", insert: "lpx /tmp/kubeharden/a -> /tmp/kubeharden/b,"},
	{name: "exec conflict", insert: "/tmp/kubeharden px,\n  /tmp/kubeharden ix,"},
	{name: "exact beats glob", insert: "/tmp/kubeharden px,\n  /tmp/kubeharden* ix,"},
	{name: "safe and unsafe", insert: "change_profile /tmp/k -> foo,\n  change_profile unsafe /tmp/k -> foo,"},
	{name: "bad ptrace access", insert: "ptrace (send),"},
	{name: "bad rtmin", insert: "signal set=(rtmin+33),"},
	{name: "boolean in profile", insert: "$KUBEHARDEN = true"},
	{name: "quoted path with space", insert: "\"/tmp/kube harden\" r,"},
	{name: "owner on capability", insert: "owner capability chown,"},
	{name: "deny before audit", insert: "deny audit /tmp/kubeharden r,"},
	{name: "audit deny", insert: "audit deny /tmp/kubeharden w,"},
	{name: "child profile", insert: "profile kubeharden_child {\n    /tmp/kubeharden r,\n  }"},
	{name: "child without keyword", insert: "/tmp/kubeharden {\n  }"},
	{name: "alias in profile", insert: "alias /a -> /b,"},
	{name: "rlimit cpu unit", insert: "set rlimit cpu <= 10seconds,"},
	{name: "netlink stream", insert: "network netlink stream,"},
	{name: "leading perms", insert: "rw /tmp/kubeharden,"},
	{name: "Pix with target", insert: "/tmp/kubeharden Pix -> kubeharden_other,"},
	{name: "pivot_root target", insert: "pivot_root /tmp/new/ -> kubeharden_other,"},
	{name: "remount", insert: "remount options=(ro) /tmp/kubeharden/,"},
	{name: "empty alternation", insert: "/tmp/{} r,"},
	{name: "one-entry alternation", insert: "/tmp/{a} r,"},
	{name: "unknown flag", replace: func(s string) string { return strings.Replace(s, "{", "flags=(kubeharden) {", 1) }},
	{name: "drop a rule's comma", replace: func(s string) string {
		return editRuleLine(s, func(l string) string { return strings.TrimSuffix(l, ",") })
	}},
	{name: "bad letter in a rule", replace: func(s string) string {
		return editRuleLine(s, func(l string) string { return strings.TrimSuffix(l, ",") + "z," })
	}},
	{name: "variable after the profile", replace: func(s string) string { return s + "\n@{KUBEHARDEN}=/tmp\n" }},
	{name: "comment after the profile", replace: func(s string) string { return s + "\n# kubeharden\n" }},
	{name: "profile twice", replace: func(s string) string { return s + "\n" + s[strings.Index(s, "\n")+1:] }},
	{name: "drop closing brace", replace: func(s string) string {
		i := strings.LastIndex(s, "}")
		return s[:i] + s[i+1:]
	}},
}

// editRuleLine applies edit to the first file rule line ("/path perms,")
// of the text.
func editRuleLine(s string, edit func(string) string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "/") && strings.HasSuffix(t, ",") && !strings.Contains(t, "->") {
			lines[i] = edit(l)
			break
		}
	}
	return strings.Join(lines, "\n")
}

// profileBodyStart returns the offset just after the '{' of the first
// profile header line, or -1.
func profileBodyStart(s string) int {
	off := 0
	for _, line := range strings.SplitAfter(s, "\n") {
		t := strings.TrimSpace(line)
		if !strings.HasPrefix(t, "#") && strings.HasSuffix(t, "{") &&
			(strings.HasPrefix(t, "profile ") || strings.HasPrefix(t, "/") || strings.HasPrefix(t, "@{")) {
			return off + len(line)
		}
		off += len(line)
	}
	return -1
}

func applyMutation(text string, m mutation) (string, bool) {
	if m.replace != nil {
		if profileBodyStart(text) < 0 {
			return "", false
		}
		return m.replace(text), true
	}
	if m.insert == "" {
		return text, true
	}
	at := profileBodyStart(text)
	if at < 0 {
		return "", false
	}
	return text[:at] + "  " + m.insert + "\n" + text[at:], true
}

func parserTarget(bin string) Target {
	out, err := exec.Command(bin, "--version").Output()
	if err == nil && strings.Contains(string(out), "version 3.") {
		return Target3
	}
	return Target4
}

// TestDebianDifferential cross-checks accept/reject against
// `apparmor_parser -Q -K` on mutated copies of installed profiles.
func TestDebianDifferential(t *testing.T) {
	profiles, _, _ := debianProfiles(t)
	bin, err := exec.LookPath("apparmor_parser")
	if err != nil {
		bin = "/usr/sbin/apparmor_parser"
		if _, err := os.Stat(bin); err != nil {
			msg := "apparmor_parser is not installed (apt-get install -y apparmor)"
			if os.Getenv(testutil.RequireSharedEnv) != "" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	features := "/usr/share/apparmor-features/features"
	if _, err := os.Stat(features); err != nil {
		features = ""
	}
	opts := debianOptions()
	opts.Target = parserTarget(bin)
	// The smallest profiles compile fastest; take a fixed sample.
	type sized struct {
		path string
		data []byte
	}
	var sample []sized
	for _, p := range profiles {
		data, err := os.ReadFile(p)
		if err != nil || !Detect(p, data) || profileBodyStart(string(data)) < 0 {
			continue
		}
		sample = append(sample, sized{p, data})
	}
	sort.Slice(sample, func(i, j int) bool { return len(sample[i].data) < len(sample[j].data) })
	if os.Getenv("AA_DIFF_LARGEST") != "" {
		// Exploratory runs: the largest profiles instead.
		for i, j := 0, len(sample)-1; i < j; i, j = i+1, j-1 {
			sample[i], sample[j] = sample[j], sample[i]
		}
	}
	// Four profiles × every mutation keeps the run near 20 s on two
	// busy cores; AA_DIFF_PROFILES raises the sample.
	n := 4
	if testing.Short() {
		n = 2
	}
	if v, err := strconv.Atoi(os.Getenv("AA_DIFF_PROFILES")); err == nil && v > 0 {
		n = v
	}
	if len(sample) > n {
		sample = sample[:n]
	}
	type job struct {
		path, mutation, text string
	}
	type result struct {
		job
		want bool
		msg  string
	}
	var jobs []job
	for _, s := range sample {
		for _, m := range mutations {
			if text, ok := applyMutation(string(s.data), m); ok {
				jobs = append(jobs, job{s.path, m.name, text})
			}
		}
	}
	// apparmor_parser runs in two workers; our parser runs inline.
	results := make([]result, len(jobs))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				want, msg := apparmorParser(t, bin, features, []byte(jobs[i].text))
				results[i] = result{jobs[i], want, msg}
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	runs, agree := 0, 0
	for _, r := range results {
		_, perr := Parse("stdin", []byte(r.text), opts)
		got := perr == nil
		runs++
		if got == r.want {
			agree++
			continue
		}
		t.Errorf("%s with mutation %q: apparmor_parser accepted=%v (%s), we accepted=%v (%v)",
			r.path, r.mutation, r.want, strings.TrimSpace(r.msg), got, perr)
	}
	t.Logf("target %s: %d/%d mutated profiles agree with %s", opts.Target, agree, runs, bin)
}

// TestDebianNames compares File.Names with `apparmor_parser -N` for every
// installed profile.
func TestDebianNames(t *testing.T) {
	profiles, _, _ := debianProfiles(t)
	bin, err := exec.LookPath("apparmor_parser")
	if err != nil {
		bin = "/usr/sbin/apparmor_parser"
	}
	if _, err := os.Stat(bin); err != nil {
		msg := "apparmor_parser is not installed (apt-get install -y apparmor)"
		if os.Getenv(testutil.RequireSharedEnv) != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	opts := debianOptions()
	n := 0
	for _, p := range profiles {
		data, err := os.ReadFile(p)
		if err != nil || !Detect(p, data) {
			continue
		}
		out, err := exec.Command(bin, "-N", p).Output()
		if err != nil {
			t.Errorf("apparmor_parser -N %s: %v", p, err)
			continue
		}
		want := strings.Fields(strings.TrimSpace(string(out)))
		f, err := Parse(p, data, opts)
		require.NoError(t, err)
		got := f.Names()
		// -N prints one name per line; names with spaces are rare and
		// absent from Debian's set, so Fields is exact here.
		assert.Equal(t, want, got, p)
		n++
	}
	t.Logf("%d files: names agree with apparmor_parser -N", n)
}
