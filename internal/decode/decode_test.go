package decode

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
)

func kinds(docs []*Document) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d.Meta.Kind)
	}
	return out
}

func TestSplitFramingMatchesKubectl(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string
		wantIdx []int
		errs    int
	}{
		{"plain", "kind: A\nx: 1\n---\nkind: B\ny: 2\n", []string{"A", "B"}, []int{0, 1}, 0},
		{"trailing spaces", "kind: A\n---   \nkind: B\n", []string{"A", "B"}, nil, 0},
		{"comment after separator", "kind: A\n--- # next\nkind: B\n", []string{"A", "B"}, nil, 0},
		{"CRLF", "kind: A\r\n---\r\nkind: B\r\n", []string{"A", "B"}, nil, 0},
		{"document end marker is content", "kind: A\n...\n", []string{"A"}, nil, 0},
		{"leading separator", "---\nkind: A\n---\nkind: B\n", []string{"A", "B"}, []int{0, 1}, 0},
		{"indented separator in block scalar", "kind: A\ndata: |\n  ---\n  x\n---\nkind: B\n", []string{"A", "B"}, nil, 0},
		{"comment-only documents are counted, not returned", "# only a comment\n---\nkind: B\n", []string{"B"}, []int{1}, 0},
		{"empty separators produce no documents", "---\n---\nkind: A\n", []string{"A"}, []int{0}, 0},
		{"content on the separator line", "kind: A\n--- {kind: B}\nx: 1\n---\nkind: C\n", []string{"A", "C"}, []int{0, 2}, 1},
		{"JSON stream", `{"kind":"A"} {"kind":"B"}`, []string{"A", "B"}, nil, 0},
		{"JSON array", `[{"kind":"A"},{"kind":"B"}]`, []string{"A", "B"}, []int{0, 0}, 0},
		{"List expands", "apiVersion: v1\nkind: List\nitems:\n- kind: A\n- kind: B\n", []string{"A", "B"}, nil, 0},
		{"PodList expands", `{"kind":"PodList","items":[{"kind":"Pod"}]}`, []string{"Pod"}, nil, 0},
		{"null document skipped", "~\n---\nkind: A\n", []string{"A"}, []int{1}, 0},
		{"scalar document", "just a string\n---\nkind: A\n", []string{"A"}, []int{1}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, errs := Split([]byte(tt.in), "in.yaml", Options{})
			assert.Equal(t, tt.want, kinds(docs))
			assert.Len(t, errs, tt.errs)
			if tt.wantIdx != nil {
				var idx []int
				for _, d := range docs {
					idx = append(idx, d.Index)
				}
				assert.Equal(t, tt.wantIdx, idx)
			}
		})
	}
}

func TestSeparatorErrorNamesLine(t *testing.T) {
	_, errs := Split([]byte("kind: A\n--- {kind: B}\n"), "f.yaml", Options{})
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrSeparator)
	assert.Equal(t, 2, errs[0].Line)
	assert.Equal(t, 1, errs[0].Document)
	assert.Contains(t, errs[0].Error(), "f.yaml: document 1: line 2:")
}

// The rows of parsing.md §3.1: what the API server sees.
func TestIntoAPIServerSemantics(t *testing.T) {
	pod := func(sc string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: x\n    securityContext:\n" + sc
	}
	tr, fa := true, false
	tests := []struct {
		name     string
		in       string
		priv     *bool
		ape      *bool
		problems []ProblemKind
	}{
		{"duplicate keeps last", pod("      privileged: true\n      privileged: false\n"), &fa, nil, []ProblemKind{DuplicateKey}},
		{"case variant ignored", pod("      privileged: true\n      Privileged: false\n"), &tr, nil, []ProblemKind{CaseVariantKey}},
		{"lower-case APE variant ignored", pod("      allowPrivilegeEscalation: true\n      allowprivilegeescalation: false\n"), nil, &tr, []ProblemKind{CaseVariantKey}},
		{"only wrong case leaves it unset", pod("      Privileged: true\n"), nil, nil, []ProblemKind{CaseVariantKey}},
		{"typo is an unknown field", pod("      privilegd: true\n      privileged: false\n"), &fa, nil, []ProblemKind{UnknownField}},
		{"YAML 1.1 yes is true", pod("      privileged: yes\n"), &tr, nil, nil},
		{"merge key applies", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    securityContext:\n      <<: &base {privileged: true}\n", &tr, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, errs := Split([]byte(tt.in), "p.yaml", Options{})
			require.Empty(t, errs)
			require.Len(t, docs, 1)
			var p corev1.Pod
			problems, err := docs[0].Into(&p)
			require.NoError(t, err)
			sc := p.Spec.Containers[0].SecurityContext
			require.NotNil(t, sc)
			assert.Equal(t, tt.priv, sc.Privileged)
			assert.Equal(t, tt.ape, sc.AllowPrivilegeEscalation)
			var got []ProblemKind
			for _, pr := range problems {
				got = append(got, pr.Kind)
			}
			assert.Equal(t, tt.problems, got)
		})
	}
}

func TestJSONCaseVariantAndDuplicate(t *testing.T) {
	in := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","securityContext":{"privileged":true,"Privileged":false,"runAsNonRoot":false,"runAsNonRoot":true}}]}}`
	docs, errs := Split([]byte(in), "p.json", Options{})
	require.Empty(t, errs)
	var p corev1.Pod
	problems, err := docs[0].Into(&p)
	require.NoError(t, err)
	sc := p.Spec.Containers[0].SecurityContext
	assert.True(t, *sc.Privileged, "sigs.k8s.io/json ignores the case variant")
	assert.True(t, *sc.RunAsNonRoot, "last duplicate wins")
	require.Len(t, problems, 2)
	assert.Equal(t, CaseVariantKey, problems[0].Kind)
	assert.Equal(t, "privileged", problems[0].Canonical)
	assert.Equal(t, "spec.containers[0].securityContext.Privileged", problems[0].Path)
	assert.Equal(t, DuplicateKey, problems[1].Kind)
}

func TestWrongTypeIsPositionedError(t *testing.T) {
	in := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: \"1\"\n  containers: []\n"
	docs, errs := Split([]byte(in), "p.yaml", Options{})
	require.Empty(t, errs)
	var p corev1.Pod
	_, err := docs[0].Into(&p)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrType)
	assert.Contains(t, err.Error(), "p.yaml: document 0: line 6:")
	assert.Contains(t, err.Error(), "spec.hostNetwork")
}

func TestPositions(t *testing.T) {
	in := "# leading comment\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/app: runtime/default\nspec:\n  containers:\n  - name: app\n    securityContext:\n      privileged: true\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: q\nspec:\n  base: &b\n    privileged: true\n  containers:\n  - name: app\n    securityContext:\n      <<: *b\n"
	docs, errs := Split([]byte(in), "p.yaml", Options{})
	require.Len(t, errs, 0)
	require.Len(t, docs, 2)
	p := docs[0].Position("spec.containers[0].securityContext.privileged")
	assert.Equal(t, 12, p.Line)
	assert.Equal(t, 7, p.Column)
	assert.True(t, p.Exact)
	p = docs[0].Position("metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]")
	assert.Equal(t, 7, p.Line)
	assert.Equal(t, 5, p.Column)
	p = docs[0].Position("spec.containers[0].securityContext.runAsNonRoot")
	assert.Equal(t, 11, p.Line, "missing field resolves to its ancestor")
	assert.False(t, p.Exact)
	// Second document: absolute lines, merge key resolves to the anchor.
	p = docs[1].Position("spec.containers[0].securityContext.privileged")
	assert.Equal(t, 20, p.Line)
	assert.True(t, p.Exact)
}

func TestListItemPositions(t *testing.T) {
	in := "apiVersion: v1\nkind: List\nitems:\n- kind: Pod\n  metadata: {name: a}\n- kind: Pod\n  metadata:\n    name: b\n"
	docs, errs := Split([]byte(in), "l.yaml", Options{})
	require.Empty(t, errs)
	require.Len(t, docs, 2)
	assert.Equal(t, 1, docs[1].Item)
	assert.Equal(t, "b", docs[1].Meta.Name)
	assert.Equal(t, 8, docs[1].Position("metadata.name").Line)
	assert.Equal(t, "Pod/b.default", docs[1].Object(false))
}

func TestHostileInputs(t *testing.T) {
	var amplification strings.Builder
	amplification.WriteString("apiVersion: v1\nkind: ConfigMap\nx-anchor: &s " + strings.Repeat("A", 1024) + "\nx-list:\n")
	for i := 0; i < 100000; i++ {
		amplification.WriteString("- *s\n")
	}
	laughs := "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"scalar alias amplification", amplification.String(), ErrAliasBudget},
		{"billion laughs", laughs, ErrAliasBudget},
		{"deep flow nesting", strings.Repeat("[", 100000), ErrTooDeep},
		{"deep block nesting", "kind: A\nx:\n" + strings.Repeat("- ", 5000) + "1\n", ErrTooDeep},
		{"invalid UTF-8", "kind: A\nname: \"\xff\xfe\"\n", ErrInvalidUTF8},
		{"NUL byte", "kind: A\nname: \"a\x00b\"\n", ErrSyntax},
		{"huge document", "kind: A\ndata: " + strings.Repeat("x", 4<<20) + "\n", ErrDocumentTooLarge},
		{"deep JSON", `{"a":` + strings.Repeat(`{"a":`, 2000) + "1" + strings.Repeat("}", 2001), ErrTooDeep},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			docs, errs := Split([]byte(tt.in), "h.yaml", Options{})
			assert.Less(t, time.Since(start), 2*time.Second)
			assert.Empty(t, docs)
			require.NotEmpty(t, errs)
			assert.True(t, errors.Is(errs[0], tt.want), "got %v", errs[0])
			assert.Equal(t, "h.yaml", errs[0].Source)
		})
	}
}

func TestBadDocumentDoesNotStopStream(t *testing.T) {
	in := "kind: A\n---\nkind: [unclosed\n---\nkind: C\n"
	docs, errs := Split([]byte(in), "s.yaml", Options{})
	assert.Equal(t, []string{"A", "C"}, kinds(docs))
	require.Len(t, errs, 1)
	assert.Equal(t, 1, errs[0].Document)
	assert.ErrorIs(t, errs[0], ErrSyntax)
}

func TestDocumentBudget(t *testing.T) {
	in := strings.Repeat("kind: A\n---\n", 20)
	docs, errs := Split([]byte(in), "s.yaml", Options{MaxDocuments: 5})
	assert.Len(t, docs, 5)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrTooManyDocuments)
}

func TestReadStreamBudget(t *testing.T) {
	_, errs := Read(strings.NewReader(strings.Repeat("a", 100)), "big", Options{MaxStreamBytes: 10})
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrStreamTooLarge)
}

func TestProblemFindings(t *testing.T) {
	in := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    securityContext:\n      Privileged: true\n"
	docs, _ := Split([]byte(in), "p.yaml", Options{})
	var p corev1.Pod
	ps, err := docs[0].Into(&p)
	require.NoError(t, err)
	fs := ProblemFindings("manifest", docs[0], ps)
	require.Len(t, fs, 1)
	assert.Equal(t, "manifest/CaseVariantKey", fs[0].RuleID)
	assert.Equal(t, 8, fs[0].Position.Line)
	assert.Contains(t, fs[0].Fix, `"privileged"`)
	assert.Len(t, ProblemRules("x"), 3)
}

func TestFramesDecodeEqualsSplit(t *testing.T) {
	in := "kind: A\n---\nkind: [bad\n---\n# c\n---\nkind: List\nitems:\n- kind: B\n- kind: C\n--- {x: 1}\nkind: D\n---\nkind: E\n"
	docs, errs := Split([]byte(in), "s.yaml", Options{})
	frames, ferrs := Frames([]byte(in), "s.yaml", Options{})
	var fdocs []*Document
	for _, f := range frames {
		d, e := f.Decode()
		fdocs = append(fdocs, d...)
		ferrs = append(ferrs, e...)
	}
	assert.Equal(t, kinds(docs), kinds(fdocs))
	assert.Equal(t, []string{"A", "B", "C", "E"}, kinds(fdocs))
	assert.Len(t, ferrs, len(errs))
}

func TestFastMetaAgreesWithSlowMeta(t *testing.T) {
	inputs := []string{
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"b","labels":{"x":"y"},"annotations":{"k":"v"}}}`,
		`{"kind":"Pod","kind":"Deployment"}`,
		`{"\u006bind":"Pod"}`,
		`{"kind":"Po\u0064"}`,
		`{"kind":null,"metadata":null}`,
		`{"spec":{"kind":"Nope","x":[1,2,{"a":"}"}]},"kind":"Pod"}`,
		`{"metadata":{"name":"a","name":"b"}}`,
		`{"Kind":"Pod"}`,
		` { "kind" : "Pod" , "apiVersion" : "apps/v1" } `,
	}
	for _, in := range inputs {
		var slow Meta
		require.NoError(t, slowMeta([]byte(in), &slow), in)
		var got Meta
		require.NoError(t, decodeMeta([]byte(in), &got), in)
		assert.Equal(t, slow, got, in)
	}
	var m Meta
	assert.Error(t, decodeMeta([]byte(`{"kind":5}`), &m))
	assert.Error(t, decodeMeta([]byte(`{"metadata":{"name":7}}`), &m))
}

func TestTypeErrorInsideSequence(t *testing.T) {
	in := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: x\n  - name: b\n    image: nginx\n    stdin: \"yes please\"\n"
	docs, errs := Split([]byte(in), "p.yaml", Options{})
	require.Empty(t, errs)
	var p corev1.Pod
	_, err := docs[0].Into(&p)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 11:")
	assert.Contains(t, err.Error(), "spec.containers[1].stdin")
}

func TestMetadataWrongTypeKeepsDocument(t *testing.T) {
	docs, errs := Split([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 1\n  namespace: 2\n---\nkind: Pod\n"), "m.yaml", Options{})
	require.Empty(t, errs)
	require.Len(t, docs, 2)
	require.NotNil(t, docs[0].MetaErr)
	assert.ErrorIs(t, docs[0].MetaErr, ErrType)
	assert.Equal(t, 3, docs[0].MetaErr.Line)
	assert.Equal(t, "ConfigMap", docs[0].Meta.Kind)
	assert.Nil(t, docs[1].MetaErr)
}

func TestTypedListItemsInheritKind(t *testing.T) {
	docs, errs := Split([]byte(`{"apiVersion":"v1","kind":"PodList","items":[{"metadata":{"name":"a"}},{"kind":"Pod","apiVersion":"v1","metadata":{"name":"b"}}]}`), "l.json", Options{})
	require.Empty(t, errs)
	require.Len(t, docs, 2)
	assert.Equal(t, Meta{APIVersion: "v1", Kind: "Pod", Name: "a"}, docs[0].Meta)
	assert.Equal(t, "Pod", docs[1].Meta.Kind)
	// A plain List says nothing about its items' kinds.
	docs, _ = Split([]byte(`{"kind":"List","items":[{"metadata":{"name":"a"}}]}`), "l.json", Options{})
	require.Len(t, docs, 1)
	assert.Equal(t, "", docs[0].Meta.Kind)
}

func TestValueEnd(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{`{"a":1}`, 7},
		{`[1,2]x`, 5},
		{`"a\"b" `, 6},
		{`12}`, 2},
		{`true]`, 4},
		{`null,`, 4},
		{`-1.5e3 `, 6},
	}
	for _, tt := range tests {
		n, err := valueEnd([]byte(tt.in), 100)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, n, tt.in)
	}
	_, err := valueEnd([]byte(`}`), 100)
	assert.Error(t, err)
}

func TestJSONPositionsAfterNumbers(t *testing.T) {
	js := `{"spec":{"replicas":2,"template":{"spec":{"containers":[{"ports":[{"containerPort":8080}],"name":"a"}]}}}}`
	j := newJSONLocator([]byte(js))
	_, col, exact, ok := j.lookup("spec.template.spec.containers[0].name")
	require.True(t, ok)
	assert.True(t, exact)
	assert.Equal(t, strings.Index(js, `"name"`)+1, col)
	var m Meta
	assert.True(t, fastMeta([]byte(`{"kind":"Pod","spec":{"n":1},"metadata":{"name":"a"}}`), &m, false))
	assert.Equal(t, "a", m.Name)
}

// With the top level known to hold each of apiVersion, kind and metadata
// once, the scan stops after the three; otherwise the last duplicate wins.
func TestFastMetaStopsEarly(t *testing.T) {
	var m Meta
	js := []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","labels":{"x":"y"}},"spec":{"broken`)
	assert.True(t, fastMeta(js, &m, true), "the spec is never read")
	assert.Equal(t, Meta{APIVersion: "v1", Kind: "Pod", Name: "a", Labels: map[string]string{"x": "y"}}, m)
	assert.False(t, fastMeta(js, &m, false))
	dup := []byte(`{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a"},"kind":"Service"}`)
	assert.True(t, fastMeta(dup, &m, false))
	assert.Equal(t, "Service", m.Kind)
	bad := []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":1}}`)
	assert.False(t, fastMeta(bad, &m, true), "a wrong type is never accepted")
	docs, errs := Split([]byte(`{"apiVersion":"v1","kind":"Pod","kind":"Service","metadata":{"name":"a"}}`), "x.json", Options{})
	require.Empty(t, errs)
	require.Len(t, docs, 1)
	assert.Equal(t, "Service", docs[0].Meta.Kind, "duplicates at the top level are read to the end")
}
