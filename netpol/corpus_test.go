package netpol

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kubeharden "github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/testutil"
)

// loadInputErrors loads dir and returns the model and the raw input errors.
func loadInputErrors(t testing.TB, dir string) (*Model, []*kubeharden.InputError) {
	t.Helper()
	var inputs []Input
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		if e.IsDir() || (filepath.Ext(e.Name()) != ".yaml" && filepath.Ext(e.Name()) != ".yml" && filepath.Ext(e.Name()) != ".json") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		inputs = append(inputs, Input{Source: filepath.Join(dir, e.Name()), Data: data})
	}
	return Load(context.Background(), inputs...)
}

// loadDir loads every regular file under dir (recursively) as one model.
func loadDir(t testing.TB, opts Options, dir string) (*Model, []string) {
	t.Helper()
	var inputs []Input
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ext := filepath.Ext(path)
		if ext != ".yaml" && ext != ".yml" && ext != ".json" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		inputs = append(inputs, Input{Source: path, Data: data})
		return nil
	})
	require.NoError(t, err)
	m, errs := LoadWith(context.Background(), opts, inputs...)
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	return m, msgs
}

type tsvRow struct {
	scenario, src, dst, probe string
	knp, cyclonus, npa        bool
}

func readTSV(t *testing.T, path string) []tsvRow {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var rows []tsvRow
	sc := bufio.NewScanner(f)
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue
		}
		c := strings.Split(sc.Text(), "\t")
		require.Len(t, c, 8, sc.Text())
		rows = append(rows, tsvRow{c[0], c[1], c[2], c[3], c[4] == "true", c[5] == "true", c[6] == "true"})
	}
	require.NoError(t, sc.Err())
	return rows
}

// corpusEndpoint maps the table's endpoint names ("frontend/web",
// "ext:203.0.113.5") to query strings.
func corpusEndpoint(s string) string { return strings.TrimPrefix(s, "ext:") }

// corpusProbe turns "TCP/8080" into "8080/TCP".
func corpusProbe(s string) string {
	proto, port, _ := strings.Cut(s, "/")
	return port + "/" + proto
}

// TestCornerCases checks all 4,998 rows of expected-3engines.tsv: with the
// default options against kube-network-policies and cyclonus, and with
// IPBlockIgnoresPodIPs against netpol-analyzer (they differ only in s12).
func TestCornerCases(t *testing.T) {
	dir := testutil.SharedDir(t, "corpus", "netpol", "corner-cases")
	rows := readTSV(t, filepath.Join(dir, "expected-3engines.tsv"))
	require.Len(t, rows, 4998)
	models := map[string][2]*Model{}
	allowed := map[string]int{}
	for _, r := range rows {
		ms, ok := models[r.scenario]
		if !ok {
			m, errs := loadDir(t, Options{}, filepath.Join(dir, r.scenario))
			require.Empty(t, errs, r.scenario)
			ms = [2]*Model{m, m.WithOptions(Options{IPBlockIgnoresPodIPs: true})}
			models[r.scenario] = ms
		}
		v, err := Eval(ms[0], corpusEndpoint(r.src), corpusEndpoint(r.dst), corpusProbe(r.probe))
		require.NoError(t, err)
		assert.Equal(t, r.knp, v.Allowed, "knp: %s %s => %s %s\n%s", r.scenario, r.src, r.dst, r.probe, v)
		assert.Equal(t, r.cyclonus, v.Allowed, "cyclonus: %s %s => %s %s", r.scenario, r.src, r.dst, r.probe)
		if v.Allowed {
			allowed[r.scenario]++
		}
		v2, err := Eval(ms[1], corpusEndpoint(r.src), corpusEndpoint(r.dst), corpusProbe(r.probe))
		require.NoError(t, err)
		assert.Equal(t, r.npa, v2.Allowed, "netpol-analyzer: %s %s => %s %s\n%s", r.scenario, r.src, r.dst, r.probe, v2)
	}
	// Counts from the corpus README.
	assert.Equal(t, map[string]int{
		"s01-no-policies": 294, "s02-default-deny-ingress": 210, "s03-policytypes-omitted-egress-rules": 211,
		"s04-policytypes-omitted-ingress-rules": 266, "s05-and-peer": 259, "s06-or-peers": 266,
		"s07-empty-namespace-selector": 257, "s08-any-ns-podselector": 266, "s09-named-port": 216,
		"s10-endport": 258, "s11-protocol-only": 264, "s12-ipblock-except-pod-ips": 273,
		"s13-egress-deny-allow-dns": 214, "s14-union-allow-all-wins": 294, "s15-selects-no-pods": 294,
		"s16-policytypes-egress-with-ingress-rules": 252, "s17-matchexpressions-notin": 273,
	}, allowed)
}

// BenchmarkLoadOnlineBoutique loads netpol-analyzer's onlineboutique input
// (PodList with 12 pods, NamespaceList, 11 policies).
func BenchmarkLoadOnlineBoutique(b *testing.B) {
	dir := testutil.SharedDir(b, "corpus", "netpol", "netpol-analyzer", "onlineboutique", "input")
	var inputs []Input
	for _, f := range []string{"pods.yaml", "ns.yaml", "netpols.yaml"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(b, err)
		inputs = append(inputs, Input{Source: f, Data: data})
	}
	ctx := context.Background()
	for b.Loop() {
		m, errs := Load(ctx, inputs...)
		if len(errs) > 0 || len(m.Policies) == 0 {
			b.Fatal(errs)
		}
	}
}
