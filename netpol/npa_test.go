package netpol

import (
	"bufio"
	"context"
	"errors"
	"maps"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden/internal/testutil"
)

// npaLines renders the matrix as netpol-analyzer's connlist text: pods
// grouped by owner workload, no self pairs, external ranges as they are.
func npaLines(x *ConnMatrix) []string {
	var out []string
	for _, c := range x.Connections() {
		out = append(out, c.Src+" => "+c.Dst+" : "+c.Conn)
	}
	slices.Sort(out)
	return out
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		// Ingress/Route exposure is outside this package's model.
		if l == "" || strings.Contains(l, "{ingress-controller}") {
			continue
		}
		out = append(out, l)
	}
	require.NoError(t, sc.Err())
	slices.Sort(out)
	return out
}

// TestNetpolAnalyzerConnlist reproduces netpol-analyzer's connlist goldens
// (pods grouped per owner, external ranges split by the policies' ipBlocks)
// with its model: ipBlocks never match pods (IPBlockIgnoresPodIPs), and
// hostNetwork pods are ordinary pods (HostNetworkAsPod; several of these
// inputs are hostNetwork DaemonSets, which netpol-analyzer does not treat
// as node traffic, see netpol.md item 19).
func TestNetpolAnalyzerConnlist(t *testing.T) {
	dir := testutil.SharedDir(t, "corpus", "netpol", "netpol-analyzer")
	cases := []string{
		"acs-security-demos", "core_pods_without_host_ip", "ipblockstest", "ipblockstest_2", "minimal_test_in_ns",
		"netpol_named_port_test", "onlineboutique", "semanticDiff-same-topologies-new1", "semanticDiff-same-topologies-old1",
		"test_with_named_ports", "test_with_named_ports_changed_netpol", "with_end_port_example", "with_end_port_example_new",
	}
	for _, c := range cases {
		t.Run(c, func(t *testing.T) {
			m, _ := loadDir(t, Options{IPBlockIgnoresPodIPs: true, HostNetworkAsPod: true}, filepath.Join(dir, c, "input"))
			x, err := Matrix(context.Background(), m, MatrixOptions{External: []string{"0.0.0.0/0"}, ByWorkload: true})
			require.NoError(t, err)
			want := readLines(t, filepath.Join(dir, c, "expected", c+"_connlist_output.txt"))
			got := npaLines(x)
			want, got = atomize(want, got), atomize(got, want)
			missing, extra := setDiff(want, got), setDiff(got, want)
			assert.Empty(t, missing, "in the golden, not computed")
			assert.Empty(t, extra, "computed, not in the golden")
			assert.NotEmpty(t, got)
		})
	}
}

// TestNetpolAnalyzerErrors checks that every input netpol-analyzer rejects
// is reported by Load with a position, and that the non-fatal subdir5 case
// loads cleanly and is linted instead.
func TestNetpolAnalyzerErrors(t *testing.T) {
	dir := testutil.SharedDir(t, "corpus", "netpol", "netpol-analyzer")
	want := map[string]error{
		"np_bad_path_test_1/input":            ErrDuplicatePolicy,
		"np_bad_path_test_2/input":            ErrInvalidPolicy,
		"np_test_with_empty_port_range/input": ErrInvalidPolicy,
		"bad_netpols/input/subdir1":           ErrInvalidPolicy,
		"bad_netpols/input/subdir2":           ErrInvalidPolicy,
		"bad_netpols/input/subdir3":           ErrInvalidPolicy,
		"bad_netpols/input/subdir4":           ErrInvalidPolicy,
		"bad_netpols/input/subdir5":           nil,
		"bad_netpols/input/subdir6":           ErrNamedPortIPBlock,
		"bad_netpols/input/subdir7":           ErrInvalidPolicy,
	}
	rows := readLines(t, filepath.Join(dir, "EXPECTED-ERRORS.tsv"))
	n := 0
	for _, r := range rows {
		c := strings.Split(r, "\t")
		if c[0] == "case_input_dir" {
			continue
		}
		n++
		sentinel, ok := want[c[0]]
		require.True(t, ok, "case %s not covered", c[0])
		assert.Equal(t, c[1] == "true", sentinel != nil, c[0])
		t.Run(c[0], func(t *testing.T) {
			m, _ := loadDir(t, Options{}, filepath.Join(dir, c[0]))
			_, errs := loadInputErrors(t, filepath.Join(dir, c[0]))
			if sentinel == nil {
				assert.Empty(t, errs)
				assert.NotEmpty(t, failed(Lint(m), "netpol/UnresolvedNamedPort"), "subdir5: the unmatched named port is a lint finding")
				return
			}
			var hit bool
			for _, e := range errs {
				if errors.Is(e, sentinel) {
					hit = true
					assert.Positive(t, e.Line, e.Error())
					assert.NotEmpty(t, e.Source)
				}
			}
			assert.True(t, hit, "want an error wrapping %v, got %v", sentinel, errs)
		})
	}
	assert.Equal(t, len(want), n)
}

// atomize rewrites lines whose endpoint is an external range
// "a-b[External]" into one line per atomic range, cutting at every range
// boundary found in lines and other: netpol-analyzer splits the address
// space per direction, the matrix once for both, and the comparison must
// not depend on that presentation choice.
func atomize(lines, other []string) []string {
	var cuts []netip.Addr
	parse := func(ep string) (netip.Addr, netip.Addr, bool) {
		r, ok := strings.CutSuffix(ep, "[External]")
		if !ok {
			return netip.Addr{}, netip.Addr{}, false
		}
		a, b, _ := strings.Cut(r, "-")
		x, err1 := netip.ParseAddr(a)
		y, err2 := netip.ParseAddr(b)
		return x, y, err1 == nil && err2 == nil
	}
	for _, l := range append(slices.Clone(lines), other...) {
		src, rest, _ := strings.Cut(l, " => ")
		dst, _, _ := strings.Cut(rest, " : ")
		for _, ep := range []string{src, dst} {
			if a, b, ok := parse(ep); ok {
				cuts = append(cuts, a)
				if n := b.Next(); n.IsValid() {
					cuts = append(cuts, n)
				}
			}
		}
	}
	slices.SortFunc(cuts, func(a, b netip.Addr) int { return a.Compare(b) })
	cuts = slices.Compact(cuts)
	split := func(ep string) []string {
		a, b, ok := parse(ep)
		if !ok {
			return []string{ep}
		}
		var out []string
		start := a
		for _, c := range cuts {
			if c.Compare(a) > 0 && c.Compare(b) <= 0 {
				out = append(out, start.String()+"-"+c.Prev().String()+"[External]")
				start = c
			}
		}
		return append(out, start.String()+"-"+b.String()+"[External]")
	}
	var out []string
	for _, l := range lines {
		src, rest, _ := strings.Cut(l, " => ")
		dst, conn, _ := strings.Cut(rest, " : ")
		for _, s := range split(src) {
			for _, d := range split(dst) {
				out = append(out, s+" => "+d+" : "+conn)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func setDiff(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
			if len(out) == 25 {
				return append(out, "...")
			}
		}
	}
	return out
}

// TestNetpolAnalyzerDiff reproduces netpol-analyzer's semantic diff goldens:
// the pairs whose connections differ between two inputs, including the
// empty diff of two policy sets that are equal in effect
// (with_end_port_example: an endPort range 1-65535 per protocol versus all
// ports).
func TestNetpolAnalyzerDiff(t *testing.T) {
	dir := testutil.SharedDir(t, "corpus", "netpol", "netpol-analyzer")
	cases := [][2]string{
		{"deny_all_to_from_a_deployment", "deny_all_to_from_a_deployment_changed_netpol"},
		{"ipblockstest", "ipblockstest_2"},
		{"semanticDiff-same-topologies-old1", "semanticDiff-same-topologies-new1"},
		{"test_with_named_ports", "test_with_named_ports_changed_netpol"},
		{"with_end_port_example", "with_end_port_example_new"},
	}
	conns := func(t *testing.T, c string) []string {
		m, _ := loadDir(t, Options{IPBlockIgnoresPodIPs: true, HostNetworkAsPod: true}, filepath.Join(dir, c, "input"))
		x, err := Matrix(context.Background(), m, MatrixOptions{External: []string{"0.0.0.0/0"}, ByWorkload: true})
		require.NoError(t, err)
		return npaLines(x)
	}
	for _, c := range cases {
		t.Run(c[1], func(t *testing.T) {
			var want []string
			for _, l := range readLines(t, filepath.Join(dir, "_diff_expected", "diff_between_"+c[1]+"_and_"+c[0]+".txt")) {
				if l == "Connectivity diff:" {
					continue
				}
				f := map[string]string{}
				for _, kv := range strings.SplitN(l, ", ", 5) {
					k, v, _ := strings.Cut(kv, ": ")
					f[k] = v
				}
				want = append(want, f["source"]+" => "+f["destination"]+" : "+f["ref1"]+" -> "+f["ref2"])
			}
			l1, l2 := conns(t, c[0]), conns(t, c[1])
			all := append(append(slices.Clone(l1), l2...), want...)
			a1, a2 := atomize(l1, all), atomize(l2, all)
			want = atomize(want, all)
			pairs := func(ls []string) map[string]string {
				out := map[string]string{}
				for _, l := range ls {
					p, conn, _ := strings.Cut(l, " : ")
					out[p] = conn
				}
				return out
			}
			p1, p2 := pairs(a1), pairs(a2)
			var got []string
			for _, p := range slices.Sorted(maps.Keys(maps.Collect(func(yield func(string, bool) bool) {
				for k := range p1 {
					yield(k, true)
				}
				for k := range p2 {
					yield(k, true)
				}
			}))) {
				c1, c2 := p1[p], p2[p]
				if c1 == c2 {
					continue
				}
				if c1 == "" {
					c1 = "No Connections"
				}
				if c2 == "" {
					c2 = "No Connections"
				}
				got = append(got, p+" : "+c1+" -> "+c2)
			}
			assert.Equal(t, want, got)
		})
	}
}
