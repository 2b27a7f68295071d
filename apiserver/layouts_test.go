package apiserver

import (
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kubeharden/kubeharden"
)

// modeFS overlays modes on a file system (git keeps neither modes nor
// owners, so the layouts get them here).
type modeFS struct {
	fs.FS
	mode func(name string, fi fs.FileInfo) fs.FileMode
}

type modeInfo struct {
	fs.FileInfo
	mode fs.FileMode
}

func (m modeInfo) Mode() fs.FileMode { return m.mode }

func (m modeFS) Stat(name string) (fs.FileInfo, error) {
	fi, err := fs.Stat(m.FS, name)
	if err != nil {
		return nil, err
	}
	return modeInfo{fi, m.mode(name, fi)}, nil
}

// hardenedModes gives every file 0600 and directories 0700 (what a
// hardened kubeadm node has for the files CIS 1.1 names).
func hardenedModes(_ string, fi fs.FileInfo) fs.FileMode {
	if fi.IsDir() {
		return fs.ModeDir | 0o700
	}
	return 0o600
}

func rootOwner(name string) (int, int, bool) {
	if strings.HasPrefix(name, "var/lib/etcd") {
		return 996, 996, true
	}
	return 0, 0, true
}

// WalkDir uses ReadDir, whose entries' Info must see the overlay too.
func (m modeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	es, err := fs.ReadDir(m.FS, name)
	if err != nil {
		return nil, err
	}
	out := make([]fs.DirEntry, len(es))
	for i, e := range es {
		out[i] = modeEntry{e, m, name + "/" + e.Name()}
	}
	return out, nil
}

type modeEntry struct {
	fs.DirEntry
	m    modeFS
	name string
}

func (e modeEntry) Info() (fs.FileInfo, error) { return e.m.Stat(e.name) }

func assessLayout(t *testing.T, layout string, opts NodeOptions) []kubeharden.Report {
	t.Helper()
	reps, err := AssessControlPlane(modeFS{os.DirFS("testdata/" + layout), hardenedModes}, opts)
	require.NoError(t, err)
	return reps
}

func TestHardenedLayout(t *testing.T) {
	reps := assessLayout(t, "hardened", NodeOptions{Owner: rootOwner, Options: Options{KubeletVersion: "v1.36.1"}})
	require.Len(t, reps, 5)
	ran := map[string]bool{}
	for _, r := range reps {
		assert.Empty(t, r.Errors, r.Source)
		for _, f := range r.Findings {
			c, ok := cisByRule(f.RuleID)
			if ok {
				ran[c.ID] = true
			}
			switch {
			case ok && c.Manual:
				assert.False(t, f.Passed, "manual %s stays WARN", c.ID)
			case f.RuleID == RuleEncryptionOtherPlaintext.ID:
				assert.Contains(t, f.Message, "events", "events are written in plaintext on purpose")
			default:
				assert.True(t, f.Passed, "%s: %s %s", r.Source, f.RuleID, f.Message)
			}
		}
	}
	for _, c := range cisChecks {
		assert.True(t, ran[c.ID], "CIS %s not evaluated on the hardened layout", c.ID)
	}
}

func TestInsecureLayout(t *testing.T) {
	reps, err := AssessControlPlane(os.DirFS("testdata/insecure"), NodeOptions{Owner: func(string) (int, int, bool) { return 1000, 1000, true }})
	require.NoError(t, err)
	failed := map[string]bool{}
	for _, r := range reps {
		for _, f := range r.Failed() {
			failed[strings.TrimPrefix(f.RuleID, "apiserver/")] = true
		}
	}
	for _, want := range []string{
		"AuthorizationNotAlwaysAllow", "TokenAuthFile", "AdmissionAlwaysAdmit", "AdmissionServiceAccount",
		"AdmissionNodeRestriction", "APIServerProfiling", "AuditLogMaxAge", "EncryptionProviders",
		"EncryptionIdentityFirst", "ImagePolicyFailOpen", "ImagePolicySlowRevocation", "ImagePolicyInsecureBackend", "ConfigInvalid",
		"APIServerCipherSuites", "ServiceAccountExtendTokenExpiration", "ControllerManagerBindAddress",
		"RotateKubeletServerCertificate", "TerminatedPodGCThreshold", "SchedulerProfiling", "SchedulerIgnoredFlags",
		"SchedulerBindAddress", "EtcdCertFile", "EtcdPlaintextClientURL", "EtcdClientCertAuth", "EtcdAutoTLS",
		"EtcdPeerAutoTLS", "EtcdUniqueCA", "UnsupportedVersion", "SupersededPatch", "VersionSkew",
		"APIServerManifestPermissions", "APIServerManifestOwnership", "AdminConfPermissions", "PKIKeyPermissions",
		"PKIOwnership", "EtcdDataDirPermissions", "EtcdDataDirOwnership",
	} {
		assert.True(t, failed[want], "%s should fail on the insecure layout", want)
	}
	// AlwaysAllow (added by the repeated, split --authorization-mode) makes
	// the server reset anonymous auth: 1.2.1 passes although
	// --anonymous-auth=true; 1.2.6 carries the failure.
	assert.False(t, failed["AnonymousAuth"])
}

func TestFileChecks(t *testing.T) {
	api := string(manifest(APIServer, "registry.k8s.io/kube-apiserver:v1.37.2", "--authorization-mode=Node,RBAC"))
	etcd := string(manifest(Etcd, "registry.k8s.io/etcd:3.6.4-0", "--data-dir=/var/lib/etcd"))
	etcd = strings.Replace(etcd, "    volumeMounts:\n", "    volumeMounts:\n    - {name: data, mountPath: /var/lib/etcd}\n", 1)
	etcd = strings.Replace(etcd, "  volumes:\n", "  volumes:\n  - {name: data, hostPath: {path: /data/etcd}}\n", 1)
	build := func(fileMode, dirMode fs.FileMode) fstest.MapFS {
		return fstest.MapFS{
			"etc/kubernetes/manifests/kube-apiserver.yaml": {Data: []byte(api), Mode: fileMode},
			"etc/kubernetes/manifests/etcd.yaml":           {Data: []byte(etcd), Mode: fileMode},
			"etc/kubernetes/admin.conf":                    {Data: []byte("x"), Mode: fileMode},
			"etc/kubernetes/pki/ca.crt":                    {Data: []byte("x"), Mode: fileMode},
			"etc/kubernetes/pki/ca.key":                    {Data: []byte("x"), Mode: fileMode},
			"data/etcd":                                    {Mode: fs.ModeDir | dirMode, ModTime: time.Unix(0, 0)},
			"etc/passwd":                                   {Data: []byte("root:x:0:0::/root:/bin/sh\netcd:x:996:996::/:/bin/false\n")},
			"etc/group":                                    {Data: []byte("root:x:0:\netcd:x:996:\n")},
		}
	}
	owners := func(uid int) func(string) (int, int, bool) {
		return func(name string) (int, int, bool) {
			if name == "data/etcd" {
				return 996 + uid, 996 + uid, true
			}
			return uid, uid, true
		}
	}
	check := func(reps []kubeharden.Report, name string) (bool, int) {
		passed, n := true, 0
		for _, r := range reps {
			for _, f := range findings(r, name) {
				n++
				passed = passed && f.Passed
			}
		}
		return passed, n
	}
	names := []string{"APIServerManifestPermissions", "APIServerManifestOwnership", "EtcdManifestPermissions", "EtcdManifestOwnership",
		"EtcdDataDirPermissions", "EtcdDataDirOwnership", "AdminConfPermissions", "AdminConfOwnership",
		"PKIOwnership", "PKICertificatePermissions", "PKIKeyPermissions"}

	good, err := AssessControlPlane(build(0o600, 0o700), NodeOptions{Owner: owners(0)})
	require.NoError(t, err)
	bad, err := AssessControlPlane(build(0o644, 0o755), NodeOptions{Owner: owners(1)})
	require.NoError(t, err)
	for _, n := range names {
		ok, cnt := check(good, n)
		assert.True(t, ok && cnt > 0, "%s should pass (%d findings)", n, cnt)
		ok, cnt = check(bad, n)
		assert.True(t, !ok && cnt > 0, "%s should fail (%d findings)", n, cnt)
	}
	// Absent files and unknown owners: nothing to judge, no finding.
	// fstest.MapFS has no owners, so without NodeOptions.Owner ownership
	// checks are skipped rather than guessed.
	none, err := AssessControlPlane(fstest.MapFS{"etc/kubernetes/manifests/kube-apiserver.yaml": {Data: []byte(api), Mode: 0o600}}, NodeOptions{})
	require.NoError(t, err)
	for _, n := range names {
		_, cnt := check(none, n)
		if n == "APIServerManifestPermissions" {
			assert.Equal(t, 1, cnt)
			continue
		}
		assert.Zero(t, cnt, "%s judged without input", n)
	}
	// More restrictive than required passes.
	strict, err := AssessControlPlane(build(0o400, 0o500), NodeOptions{Owner: owners(0)})
	require.NoError(t, err)
	ok, _ := check(strict, "APIServerManifestPermissions")
	assert.True(t, ok)
}

// TestFindingsArePositioned: every finding of a manifest-based report
// points at a line of the manifest or of the referenced file, so a user
// can jump to what to change.
func TestFindingsArePositioned(t *testing.T) {
	for _, layout := range []string{"hardened", "insecure"} {
		for _, r := range assessLayout(t, layout, NodeOptions{}) {
			if r.Kind != "Pod" {
				continue
			}
			for _, f := range r.Findings {
				if c, ok := cisByRule(f.RuleID); ok && strings.HasPrefix(c.ID, "1.1.") {
					assert.NotEmpty(t, f.Position.File, "file checks name the file: %s", f.RuleID)
					continue
				}
				assert.True(t, f.Position.IsValid(), "%s %s: %s has no position", layout, f.RuleID, f.Message)
			}
		}
	}
}
