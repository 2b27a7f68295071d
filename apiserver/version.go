package apiserver

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kubeharden/kubeharden"
)

// Release is one Kubernetes minor release line.
type Release struct {
	// Minor is "1.34".
	Minor string
	// Released and EndOfLife are ISO dates (YYYY-MM-DD).
	Released, EndOfLife string
	// LatestPatch is the newest patch release of the line known to the
	// table (a lower bound: newer patches may exist after AsOf).
	LatestPatch int
}

// ReleaseTable lists release lines as known on a date. A version is
// supported when its line was released on or before AsOf and reaches end
// of life after AsOf; analysis never reads the clock.
type ReleaseTable struct {
	AsOf     string
	Releases []Release
}

// DefaultReleases returns (a fresh copy of) the built-in table. Patch
// numbers are lower bounds: the newest patches this package could confirm
// at AsOf (k8s.io/api v0.37.2, i.e. Kubernetes 1.37.2, was published on
// 2026-10-28); release dates of 1.36 and 1.37 are approximate. Refresh the
// table, or pass your own through Options.Releases, to catch newer
// patches.
func DefaultReleases() *ReleaseTable {
	return &ReleaseTable{AsOf: "2026-10-28", Releases: []Release{
		{Minor: "1.31", Released: "2024-08-13", EndOfLife: "2025-10-28", LatestPatch: 10},
		{Minor: "1.32", Released: "2024-12-11", EndOfLife: "2026-02-28", LatestPatch: 6},
		{Minor: "1.33", Released: "2025-04-23", EndOfLife: "2026-06-28", LatestPatch: 2},
		{Minor: "1.34", Released: "2025-08-27", EndOfLife: "2026-10-27", LatestPatch: 7},
		{Minor: "1.35", Released: "2025-12-17", EndOfLife: "2026-12-28", LatestPatch: 0},
		{Minor: "1.36", Released: "2026-04-22", EndOfLife: "2027-06-28", LatestPatch: 1},
		{Minor: "1.37", Released: "2026-08-26", EndOfLife: "2027-10-28", LatestPatch: 2},
	}}
}

// Version is a parsed Kubernetes version.
type Version struct {
	Major, Minor, Patch int
	Pre                 string // "alpha.1", "rc.0", "eks-1234": anything after '-'
}

// ParseVersion reads "v1.33.4", "1.33.4", "v1.33.4-eks-abc" or "v1.33".
func ParseVersion(s string) (Version, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	core, pre, _ := strings.Cut(s, "-")
	if i := strings.IndexByte(core, '+'); i >= 0 {
		core = core[:i]
	}
	parts := strings.Split(core, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return Version{}, false
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || len(p) > 6 {
			return Version{}, false
		}
		n[i] = v
	}
	if len(parts) == 2 {
		n[2] = -1
	}
	return Version{Major: n[0], Minor: n[1], Patch: n[2], Pre: pre}, true
}

func (v Version) String() string {
	s := fmt.Sprintf("v%d.%d", v.Major, v.Minor)
	if v.Patch >= 0 {
		s += fmt.Sprintf(".%d", v.Patch)
	}
	if v.Pre != "" {
		s += "-" + v.Pre
	}
	return s
}

func (v Version) minor() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// imageVersion returns the tag of a Kubernetes component image when it is
// a version ("registry.k8s.io/kube-apiserver:v1.33.4@sha256:..." →
// "v1.33.4").
func imageVersion(image string) string {
	ref := image
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref = ref[:i]
	}
	i := strings.LastIndexByte(ref, ':')
	if i < 0 || i < strings.LastIndexByte(ref, '/') {
		return ""
	}
	tag := ref[i+1:]
	if _, ok := ParseVersion(tag); !ok || !strings.HasPrefix(tag, "v") {
		return ""
	}
	return tag
}

// Support classifies a version against the table: supported, the release
// line, and whether a newer patch is known.
func (t *ReleaseTable) Support(v Version) (supported bool, rel *Release, superseded bool) {
	for i := range t.Releases {
		r := &t.Releases[i]
		if r.Minor != v.minor() {
			continue
		}
		supported = r.Released <= t.AsOf && t.AsOf < r.EndOfLife
		superseded = v.Patch >= 0 && v.Patch < r.LatestPatch
		return supported, r, superseded
	}
	return false, nil, false
}

// newest returns the newest minor in the table.
func (t *ReleaseTable) newest() (Version, bool) {
	var best Version
	found := false
	for _, r := range t.Releases {
		v, ok := ParseVersion(r.Minor)
		if !ok {
			continue
		}
		if !found || v.Major > best.Major || v.Major == best.Major && v.Minor > best.Minor {
			best, found = v, true
		}
	}
	return best, found
}

func (c *evalCtx) versionFindings(apiVersion string) {
	comp := c.cp.Component
	if comp == Etcd {
		return // etcd versions follow their own release line
	}
	tag := imageVersion(c.cp.Image)
	v, ok := ParseVersion(tag)
	if !ok {
		return
	}
	path := c.base + ".image"
	pos := kubeharden.Position{}
	if c.doc != nil {
		pos = c.doc.Position(path)
	}
	add := func(f kubeharden.Finding) {
		f.Position = pos
		c.findings = append(c.findings, f)
	}
	t := c.opts.releases()
	supported, rel, superseded := t.Support(v)
	switch {
	case rel == nil:
		if n, ok := t.newest(); ok && (v.Major > n.Major || v.Major == n.Major && v.Minor > n.Minor) {
			add(RuleUnsupportedVersion.Pass(fmt.Sprintf("%s %s is newer than the release table (as of %s); not judged", comp, v, t.AsOf), path))
		} else {
			add(RuleUnsupportedVersion.Fail(fmt.Sprintf("%s %s: release line %s is out of support (release table as of %s)", comp, v, v.minor(), t.AsOf), path))
		}
	case !supported:
		add(RuleUnsupportedVersion.Fail(fmt.Sprintf("%s %s: release line %s reached end of life on %s (release table as of %s)", comp, v, rel.Minor, rel.EndOfLife, t.AsOf), path))
	default:
		add(RuleUnsupportedVersion.Pass(fmt.Sprintf("%s %s: release line %s is supported until %s", comp, v, rel.Minor, rel.EndOfLife), path))
	}
	if rel != nil {
		if superseded {
			f := RuleSupersededPatch.Fail(fmt.Sprintf("%s %s is superseded by v%s.%d", comp, v, rel.Minor, rel.LatestPatch), path)
			f.Fix = fmt.Sprintf("upgrade %s to v%s.%d or later", comp, rel.Minor, rel.LatestPatch)
			add(f)
		} else if v.Patch >= 0 {
			add(RuleSupersededPatch.Pass(fmt.Sprintf("%s %s is the newest patch of %s known to the release table", comp, v, rel.Minor), path))
		}
	}
	// Skew against kube-apiserver.
	api, ok := ParseVersion(apiVersion)
	if comp == APIServer {
		if kv, kok := ParseVersion(c.opts.KubeletVersion); kok && ok {
			f, _ := skewFinding("kubelet", kv, api, 3)
			f.Position = pos
			c.findings = append(c.findings, f)
		}
		return
	}
	if !ok {
		return
	}
	f, _ := skewFinding(string(comp), v, api, 1)
	f.Position = pos
	c.findings = append(c.findings, f)
}

// skewFinding checks that comp is not newer than kube-apiserver and at
// most maxOlder minors older.
func skewFinding(comp string, v, api Version, maxOlder int) (kubeharden.Finding, bool) {
	diff := (api.Major-v.Major)*1000 + api.Minor - v.Minor
	switch {
	case v.Major > api.Major || v.Major == api.Major && v.Minor > api.Minor:
		f := RuleVersionSkew.Fail(fmt.Sprintf("%s %s is newer than kube-apiserver %s", comp, v, api), comp)
		f.Fix = fmt.Sprintf("upgrade kube-apiserver to %s first, or run %s at %s", v.minor(), comp, api.minor())
		return f, true
	case diff > maxOlder:
		f := RuleVersionSkew.Fail(fmt.Sprintf("%s %s is %d minor versions older than kube-apiserver %s (at most %d allowed)", comp, v, diff, api, maxOlder), comp)
		f.Fix = fmt.Sprintf("upgrade %s to within %d minor version(s) of %s", comp, maxOlder, api.minor())
		return f, true
	}
	return RuleVersionSkew.Pass(fmt.Sprintf("%s %s is within the supported skew of kube-apiserver %s", comp, v, api), comp), false
}
