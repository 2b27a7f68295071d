package apiserver

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

const (
	encSecretbox = `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: [secrets]
  providers:
  - secretbox: {keys: [{name: k1, secret: MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=}]}
  - identity: {}
`
	encIdentity = `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: [secrets]
  providers:
  - identity: {}
  - secretbox: {keys: [{name: k1, secret: MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=}]}
`
	admERL = `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: EventRateLimit
  configuration:
    apiVersion: eventratelimit.admission.k8s.io/v1alpha1
    kind: Configuration
    limits: [{type: Server, qps: 50, burst: 100}]
- name: ImagePolicyWebhook
  path: imagepolicy.yaml
`
	imagePolicyClosed = "imagePolicy:\n  kubeConfigFile: /etc/kubernetes/ipw.kubeconfig\n  allowTTL: 50\n  denyTTL: 50\n  retryBackoff: 500\n  defaultAllow: false\n"
	imagePolicyOpen   = "imagePolicy:\n  kubeConfigFile: /etc/kubernetes/ipw.kubeconfig\n  defaultAllow: true\n"
	auditPolicy       = "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n"
)

var checkFiles = map[string]string{
	"etc/kubernetes/enc-secretbox.yaml":   encSecretbox,
	"etc/kubernetes/enc-identity.yaml":    encIdentity,
	"etc/kubernetes/admission.yaml":       admERL,
	"etc/kubernetes/imagepolicy.yaml":     imagePolicyClosed,
	"etc/kubernetes/adm-open.yaml":        "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: ImagePolicyWebhook\n  path: ipw-open.yaml\n",
	"etc/kubernetes/ipw-open.yaml":        imagePolicyOpen,
	"etc/kubernetes/audit.yaml":           auditPolicy,
	"etc/kubernetes/ipw.kubeconfig":       "apiVersion: v1\nkind: Config\nclusters:\n- name: b\n  cluster: {server: \"https://policy.example:8443\", certificate-authority: /ca.crt}\n",
	"etc/kubernetes/not-a-policy.yaml":    "apiVersion: v1\nkind: ConfigMap\n",
	"etc/kubernetes/sched-noprof.yaml":    "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nenableProfiling: false\n",
	"etc/kubernetes/sched-default.yaml":   "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n",
	"etc/kubernetes/etcd-config-tls.yaml": "client-transport-security:\n  cert-file: /etc/kubernetes/pki/etcd/server.crt\n  key-file: /etc/kubernetes/pki/etcd/server.key\n  client-cert-auth: true\nlisten-client-urls: https://127.0.0.1:2379\n",
}

type checkCase struct {
	rule string
	comp Component
	// pass, fail and absent are argument lists; absentWant is the verdict
	// with the flag(s) absent, where the component's default applies.
	pass, fail, absent []string
	absentWant         bool
	// manual checks never pass: pass is then expected to fail as well.
	manual bool
}

var modesNodeRBAC = "--authorization-mode=Node,RBAC"

var checkCases = []checkCase{
	// 1.2 API server
	{rule: "AnonymousAuth", comp: APIServer, pass: []string{modesNodeRBAC, "--anonymous-auth=false"}, fail: []string{modesNodeRBAC, "--anonymous-auth=true"}, absent: []string{modesNodeRBAC}, absentWant: false},
	{rule: "TokenAuthFile", comp: APIServer, pass: []string{modesNodeRBAC}, fail: []string{"--token-auth-file=/etc/kubernetes/tokens.csv"}, absentWant: true},
	{rule: "DenyServiceExternalIPs", comp: APIServer, pass: []string{"--enable-admission-plugins=DenyServiceExternalIPs"}, fail: []string{"--enable-admission-plugins=NodeRestriction"}, absentWant: false},
	{rule: "KubeletClientCertificate", comp: APIServer, pass: []string{"--kubelet-client-certificate=/c.crt", "--kubelet-client-key=/c.key"}, fail: []string{"--kubelet-client-certificate=/c.crt"}, absentWant: false},
	{rule: "KubeletCertificateAuthority", comp: APIServer, pass: []string{"--kubelet-certificate-authority=/ca.crt"}, fail: []string{"--kubelet-certificate-authority="}, absentWant: false},
	{rule: "AuthorizationNotAlwaysAllow", comp: APIServer, pass: []string{modesNodeRBAC}, fail: []string{"--authorization-mode=RBAC,AlwaysAllow"}, absentWant: false},
	{rule: "AuthorizationNode", comp: APIServer, pass: []string{modesNodeRBAC}, fail: []string{"--authorization-mode=RBAC"}, absentWant: false},
	{rule: "AuthorizationRBAC", comp: APIServer, pass: []string{modesNodeRBAC}, fail: []string{"--authorization-mode=Node"}, absentWant: false},
	{rule: "AdmissionEventRateLimit", comp: APIServer, pass: []string{"--enable-admission-plugins=EventRateLimit", "--admission-control-config-file=/etc/kubernetes/admission.yaml"}, fail: []string{"--enable-admission-plugins=EventRateLimit"}, absentWant: false},
	{rule: "AdmissionAlwaysAdmit", comp: APIServer, pass: []string{"--enable-admission-plugins=NodeRestriction"}, fail: []string{"--enable-admission-plugins=NodeRestriction,AlwaysAdmit"}, absentWant: true},
	{rule: "AdmissionAlwaysPullImages", comp: APIServer, pass: []string{"--enable-admission-plugins=AlwaysPullImages"}, fail: []string{"--enable-admission-plugins=NodeRestriction"}, absentWant: false},
	{rule: "AdmissionServiceAccount", comp: APIServer, pass: []string{"--enable-admission-plugins=ServiceAccount"}, fail: []string{"--disable-admission-plugins=ServiceAccount"}, absentWant: true},
	{rule: "AdmissionNamespaceLifecycle", comp: APIServer, pass: []string{"--disable-admission-plugins=DefaultStorageClass"}, fail: []string{"--disable-admission-plugins=DefaultStorageClass,NamespaceLifecycle"}, absentWant: true},
	{rule: "AdmissionNodeRestriction", comp: APIServer, pass: []string{"--enable-admission-plugins=NodeRestriction"}, fail: []string{"--enable-admission-plugins=AlwaysPullImages"}, absentWant: false},
	{rule: "APIServerProfiling", comp: APIServer, pass: []string{"--profiling=false"}, fail: []string{"--profiling=true"}, absentWant: false},
	{rule: "AuditLogPath", comp: APIServer, pass: []string{"--audit-log-path=/var/log/audit.log"}, fail: []string{"--audit-log-path="}, absentWant: false},
	{rule: "AuditLogMaxAge", comp: APIServer, pass: []string{"--audit-log-maxage=30"}, fail: []string{"--audit-log-maxage=29"}, absentWant: false},
	{rule: "AuditLogMaxBackup", comp: APIServer, pass: []string{"--audit-log-maxbackup=10"}, fail: []string{"--audit-log-maxbackup=9"}, absentWant: false},
	{rule: "AuditLogMaxSize", comp: APIServer, pass: []string{"--audit-log-maxsize=100"}, fail: []string{"--audit-log-maxsize=99"}, absentWant: false},
	{rule: "RequestTimeout", comp: APIServer, manual: true, pass: []string{"--request-timeout=60s"}, fail: []string{"--request-timeout=0s"}, absentWant: false},
	{rule: "ServiceAccountLookup", comp: APIServer, pass: []string{"--service-account-lookup=true"}, fail: []string{"--service-account-lookup=false"}, absentWant: true},
	{rule: "ServiceAccountKeyFile", comp: APIServer, pass: []string{"--service-account-key-file=/sa.pub"}, fail: []string{"--service-account-key-file="}, absentWant: false},
	{rule: "EtcdClientCertificate", comp: APIServer, pass: []string{"--etcd-certfile=/e.crt", "--etcd-keyfile=/e.key"}, fail: []string{"--etcd-keyfile=/e.key"}, absentWant: false},
	{rule: "APIServerTLS", comp: APIServer, pass: []string{"--tls-cert-file=/t.crt", "--tls-private-key-file=/t.key"}, fail: []string{"--tls-cert-file=/t.crt"}, absentWant: false},
	{rule: "ClientCAFile", comp: APIServer, pass: []string{"--client-ca-file=/ca.crt"}, fail: []string{"--client-ca-file="}, absentWant: false},
	{rule: "EtcdCAFile", comp: APIServer, pass: []string{"--etcd-cafile=/etcd-ca.crt"}, fail: []string{"--etcd-cafile="}, absentWant: false},
	{rule: "EncryptionProviderConfig", comp: APIServer, pass: []string{"--encryption-provider-config=/etc/kubernetes/enc-secretbox.yaml"}, fail: []string{"--encryption-provider-config="}, absentWant: false},
	{rule: "EncryptionProviders", comp: APIServer, pass: []string{"--encryption-provider-config=/etc/kubernetes/enc-secretbox.yaml"}, fail: []string{"--encryption-provider-config=/etc/kubernetes/enc-identity.yaml"}, absentWant: false},
	{rule: "APIServerCipherSuites", comp: APIServer, pass: []string{"--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_AES_128_GCM_SHA256"}, fail: []string{"--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_CBC_SHA"}, absentWant: false},
	{rule: "ServiceAccountExtendTokenExpiration", comp: APIServer, pass: []string{"--service-account-extend-token-expiration=false"}, fail: []string{"--service-account-extend-token-expiration=true"}, absentWant: false},
	{rule: "AuditPolicyFile", comp: APIServer, pass: []string{"--audit-policy-file=/etc/kubernetes/audit.yaml"}, fail: []string{"--audit-policy-file=/etc/kubernetes/not-a-policy.yaml"}, absentWant: false},
	{rule: "AuditPolicyCoverage", comp: APIServer, manual: true, pass: []string{"--audit-policy-file=/etc/kubernetes/audit.yaml"}, fail: []string{"--audit-policy-file=/etc/kubernetes/missing.yaml"}, absentWant: false},
	{rule: "ImagePolicyWebhook", comp: APIServer, pass: []string{"--enable-admission-plugins=ImagePolicyWebhook", "--admission-control-config-file=/etc/kubernetes/admission.yaml"}, fail: []string{"--enable-admission-plugins=ImagePolicyWebhook", "--admission-control-config-file=/etc/kubernetes/adm-open.yaml"}, absentWant: false},
	// 1.3 controller manager
	{rule: "TerminatedPodGCThreshold", comp: ControllerManager, pass: []string{"--terminated-pod-gc-threshold=10"}, fail: []string{"--terminated-pod-gc-threshold=0"}, absentWant: false},
	{rule: "ControllerManagerProfiling", comp: ControllerManager, pass: []string{"--profiling=false"}, fail: []string{"--profiling"}, absentWant: false},
	{rule: "UseServiceAccountCredentials", comp: ControllerManager, pass: []string{"--use-service-account-credentials=true"}, fail: []string{"--use-service-account-credentials=false"}, absentWant: false},
	{rule: "ServiceAccountPrivateKeyFile", comp: ControllerManager, pass: []string{"--service-account-private-key-file=/sa.key"}, fail: []string{"--service-account-private-key-file="}, absentWant: false},
	{rule: "RootCAFile", comp: ControllerManager, pass: []string{"--root-ca-file=/ca.crt"}, fail: []string{"--root-ca-file="}, absentWant: false},
	{rule: "RotateKubeletServerCertificate", comp: ControllerManager, pass: []string{"--feature-gates=RotateKubeletServerCertificate=true"}, fail: []string{"--feature-gates=RotateKubeletServerCertificate=0"}, absentWant: true},
	{rule: "ControllerManagerBindAddress", comp: ControllerManager, pass: []string{"--bind-address=127.0.0.1"}, fail: []string{"--bind-address=0.0.0.0"}, absentWant: false},
	// 1.4 scheduler
	{rule: "SchedulerProfiling", comp: Scheduler, pass: []string{"--profiling=false"}, fail: []string{"--profiling=true"}, absentWant: false},
	{rule: "SchedulerBindAddress", comp: Scheduler, pass: []string{"--bind-address=::1"}, fail: []string{"--bind-address=localhost"}, absentWant: false},
	// 2 etcd
	{rule: "EtcdCertFile", comp: Etcd, pass: []string{"--cert-file=/s.crt", "--key-file=/s.key", "--listen-client-urls=https://127.0.0.1:2379"}, fail: []string{"--cert-file=/s.crt", "--listen-client-urls=https://127.0.0.1:2379"}, absentWant: false},
	{rule: "EtcdClientCertAuth", comp: Etcd, pass: []string{"--client-cert-auth=true"}, fail: []string{"--client-cert-auth=false"}, absentWant: false},
	{rule: "EtcdAutoTLS", comp: Etcd, pass: []string{"--auto-tls=false"}, fail: []string{"--auto-tls"}, absentWant: true},
	{rule: "EtcdPeerCertFile", comp: Etcd, pass: []string{"--peer-cert-file=/p.crt", "--peer-key-file=/p.key"}, fail: []string{"--peer-key-file=/p.key"}, absentWant: false},
	{rule: "EtcdPeerClientCertAuth", comp: Etcd, pass: []string{"--peer-client-cert-auth"}, fail: []string{"--peer-client-cert-auth=false"}, absentWant: false},
	{rule: "EtcdPeerAutoTLS", comp: Etcd, pass: []string{"--peer-auto-tls=false"}, fail: []string{"--peer-auto-tls=true"}, absentWant: true},
	{rule: "EtcdUniqueCA", comp: Etcd, pass: []string{"--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt"}, fail: []string{"--trusted-ca-file="}, absentWant: false},
}

// TestChecks runs every CIS check of sections 1.2, 1.3, 1.4, 2, 3.2 and
// 5.5.1 with a passing, a failing and an absent (default) configuration.
func TestChecks(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range checkCases {
		covered[tc.rule] = true
		t.Run(tc.rule, func(t *testing.T) {
			pass := verdict(t, scanOne(t, tc.comp, checkFiles, tc.pass...), tc.rule)
			assert.Equal(t, !tc.manual, pass.Passed, "pass case: %s", pass.Message)
			fail := verdict(t, scanOne(t, tc.comp, checkFiles, tc.fail...), tc.rule)
			assert.False(t, fail.Passed, "fail case: %s", fail.Message)
			absent := verdict(t, scanOne(t, tc.comp, checkFiles, tc.absent...), tc.rule)
			assert.Equal(t, tc.absentWant, absent.Passed, "absent case: %s", absent.Message)
			assert.NotEmpty(t, fail.Fix+fail.Message)
		})
	}
	for _, c := range cisChecks {
		if c.ID[:3] == "1.1" {
			continue // file checks: TestFileChecks
		}
		assert.True(t, covered[c.Name], "CIS %s (%s) has no pass/fail/absent case", c.ID, c.Name)
	}
}

// TestManualChecksNeverPass documents why the pass cases of manual checks
// expect a failed (WARN) finding: CIS marks them manual and kube-bench
// always reports WARN; the message carries what was found.
func TestManualChecksNeverPass(t *testing.T) {
	r := scanOne(t, APIServer, checkFiles, "--request-timeout=60s", "--audit-policy-file=/etc/kubernetes/audit.yaml")
	rt := verdict(t, r, "RequestTimeout")
	assert.False(t, rt.Passed)
	assert.Contains(t, rt.Message, "--request-timeout=60s")
	cov := verdict(t, r, "AuditPolicyCoverage")
	assert.False(t, cov.Passed)
	assert.Contains(t, cov.Message, "get secrets=Metadata")
	assert.Equal(t, "info", cov.Severity.String())
}
