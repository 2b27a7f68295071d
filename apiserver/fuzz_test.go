package apiserver

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

// Seeds live in testdata/fuzz/<Target>; they run as ordinary tests.

func FuzzParseArgs(f *testing.F) {
	f.Add([]byte("kube-apiserver\x00--authorization-mode\x00Node,RBAC\x00--profiling\x00false"))
	f.Fuzz(func(t *testing.T, data []byte) {
		argv := strings.Split(string(data), "\x00")
		for _, c := range []Component{APIServer, ControllerManager, Scheduler, Etcd} {
			fl := ParseArgs(c, argv)
			for _, n := range fl.Names() {
				_, _ = fl.String(n, "")
				_, _, _ = fl.Bool(n, false)
				_, _, _ = fl.Int(n, 0)
				_, _, _ = fl.List(n)
				_, _, _ = fl.Map(n)
				_, _ = fl.MapSource(n, "RotateKubeletServerCertificate")
			}
			_ = EffectiveAdmission(fl).List()
		}
		for _, a := range argv {
			_ = expandVars(a, map[string]string{"A": "x"}, func(string) {})
			_, _ = shellWords(a)
		}
	})
}

// fuzzFS holds files a fuzzed manifest may reference.
var fuzzFS = mapFS(map[string]string{
	"etc/kubernetes/enc.yaml":         encSecretbox,
	"etc/kubernetes/admission.yaml":   admERL,
	"etc/kubernetes/imagepolicy.yaml": imagePolicyClosed,
	"etc/kubernetes/audit.yaml":       auditPolicy,
	"etc/kubernetes/authn.yaml":       authnHeader + "anonymous: {enabled: false}\n",
	"etc/kubernetes/authz.yaml":       authzHeader + "authorizers: [{type: RBAC, name: rbac}]\n",
})

func FuzzScan(f *testing.F) {
	f.Add(manifest(APIServer, "registry.k8s.io/kube-apiserver:v1.37.2", "--encryption-provider-config=/etc/kubernetes/enc.yaml"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = Detect("fuzz.yaml", data)
		reps, err := Scan("fuzz.yaml", data, Options{FS: fuzzFS, KubeletVersion: "v1.36.0"})
		if err != nil {
			return
		}
		// The reports must serialise (report.WriteKubeBench renders them).
		if err := json.NewEncoder(io.Discard).Encode(reps); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzEncryptionConfiguration(f *testing.F) {
	f.Add([]byte(encSecretbox))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, d, _, err := ParseEncryptionConfiguration("enc.yaml", data)
		if err != nil {
			return
		}
		_ = c.Validate(false)
		_ = c.ProvidersFor("secrets")
		_ = c.ProvidersFor("deployments.apps")
		_ = evaluateEncryption(c, d, "enc.yaml", true)
	})
}

func FuzzAdmissionConfiguration(f *testing.F) {
	f.Add([]byte(admERL))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, _, _, err := ParseAdmissionConfiguration("adm.yaml", data)
		if err != nil {
			return
		}
		read := func(string) ([]byte, error) { return []byte(imagePolicyClosed), nil }
		if pc, ok := c.Plugin("ImagePolicyWebhook", "/etc/kubernetes", read); ok && pc.Data != nil {
			if ip, err := ParseImagePolicy("ipw.yaml", pc.Data); err == nil {
				_ = ip.Validate()
			}
		}
		if pc, ok := c.Plugin("EventRateLimit", "/etc/kubernetes", read); ok && pc.Data != nil {
			if erl, _, err := ParseEventRateLimit("erl.yaml", pc.Data); err == nil {
				_ = erl.Validate()
			}
		}
	})
}

func FuzzAuthConfiguration(f *testing.F) {
	f.Add([]byte(authzHeader + "authorizers: [{type: Node, name: node}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if c, _, _, err := ParseAuthorizationConfiguration("authz.yaml", data); err == nil {
			_ = c.Validate()
			_ = c.Types()
		}
		if c, _, _, err := ParseAuthenticationConfiguration("authn.yaml", data); err == nil && c.Anonymous != nil {
			_ = healthOnly(c.Anonymous.Conditions)
		}
		_, _, _ = schedulerProfiling("sched.yaml", data)
		_, _ = ParseImagePolicy("ipw.yaml", data)
	})
}

// TestHostileInputs checks bounded behaviour on inputs built to hurt:
// huge argument vectors, deep nesting, invalid UTF-8, NUL bytes, duplicate
// keys, wrong types.
func TestHostileInputs(t *testing.T) {
	argv := make([]string, maxArgs+100)
	for i := range argv {
		argv[i] = "--profiling"
	}
	fl := ParseArgs(APIServer, argv)
	assert := func(cond bool, msg string) {
		t.Helper()
		if !cond {
			t.Fatal(msg)
		}
	}
	assert(len(fl.Problems) > 0, "argument budget reported")
	assert(len(fl.Occurrences("profiling")) < maxArgs, "argv truncated to the budget")

	deep := strings.Repeat("[", 5000) + strings.Repeat("]", 5000)
	for _, in := range []string{
		encHeader + "resources: " + deep,
		encHeader + "resources:\n- resources: [\"\xff\xfe\"]\n  providers: [{identity: {}}]\n",
		encHeader + "resources: 5\n",
		encHeader + "resources: []\nresources: [{resources: [secrets], providers: [{identity: {}}]}]\n",
		"apiVersion: v1\x00kind: Pod\n",
		string(bytes.Repeat([]byte("- a\n"), 200000)),
	} {
		reps, err := Scan("hostile.yaml", []byte(in), Options{})
		assert(err != nil || len(reps) > 0, "either an error or a report")
		if err != nil {
			assert(strings.Contains(err.Error(), "hostile.yaml"), "error names the file: "+err.Error())
		}
	}
	// Duplicate keys: the last wins (API server semantics) and is reported.
	reps, err := Scan("dup.yaml", []byte(encHeader+"resources:\n- resources: [secrets]\n  providers: [{identity: {}}]\n  providers: [{secretbox: {keys: [{name: k, secret: "+k32+"}]}}]\n"), Options{})
	assert(err == nil, "decodes")
	assert(verdict(t, reps[0], "EncryptionProviders").Passed, "last duplicate wins")
	assert(ruleFailed(reps[0], "DuplicateKey"), "duplicate reported")
}
