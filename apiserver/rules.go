package apiserver

import (
	"strings"
	"sync"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
)

const (
	sevInfo     = kubeharden.SeverityInfo
	sevLow      = kubeharden.SeverityLow
	sevMedium   = kubeharden.SeverityMedium
	sevHigh     = kubeharden.SeverityHigh
	sevCritical = kubeharden.SeverityCritical
)

// cisCheck is one CIS Kubernetes Benchmark v1.12 check this package
// evaluates.
type cisCheck struct {
	ID          string // "1.2.1"
	Name        string // rule name: "apiserver/<Name>"
	Title       string // CIS title (kube-bench's test_desc)
	Scored      bool   // kube-bench scored: FAIL when not met, else WARN
	Manual      bool   // kube-bench type: manual (always WARN)
	Severity    kubeharden.Severity
	Remediation string
}

// cisChecks is the check inventory (CIS v1.12 sections 1.1, 1.2, 1.3, 1.4,
// 2, 3.2 and 5.5.1), in benchmark order.
var cisChecks = []cisCheck{
	{ID: "1.1.1", Name: "APIServerManifestPermissions", Title: "Ensure that the API server pod specification file permissions are set to 600 or more restrictive (Automated)", Scored: true, Severity: sevMedium, Remediation: "chmod 600 /etc/kubernetes/manifests/kube-apiserver.yaml"},
	{ID: "1.1.2", Name: "APIServerManifestOwnership", Title: "Ensure that the API server pod specification file ownership is set to root:root (Automated)", Scored: true, Severity: sevMedium, Remediation: "chown root:root /etc/kubernetes/manifests/kube-apiserver.yaml"},
	{ID: "1.1.3", Name: "ControllerManagerManifestPermissions", Title: "Ensure that the controller manager pod specification file permissions are set to 600 or more restrictive (Automated)", Scored: true, Severity: sevMedium, Remediation: "chmod 600 /etc/kubernetes/manifests/kube-controller-manager.yaml"},
	{ID: "1.1.4", Name: "ControllerManagerManifestOwnership", Title: "Ensure that the controller manager pod specification file ownership is set to root:root (Automated)", Scored: true, Severity: sevMedium, Remediation: "chown root:root /etc/kubernetes/manifests/kube-controller-manager.yaml"},
	{ID: "1.1.5", Name: "SchedulerManifestPermissions", Title: "Ensure that the scheduler pod specification file permissions are set to 600 or more restrictive (Automated)", Scored: true, Severity: sevMedium, Remediation: "chmod 600 /etc/kubernetes/manifests/kube-scheduler.yaml"},
	{ID: "1.1.6", Name: "SchedulerManifestOwnership", Title: "Ensure that the scheduler pod specification file ownership is set to root:root (Automated)", Scored: true, Severity: sevMedium, Remediation: "chown root:root /etc/kubernetes/manifests/kube-scheduler.yaml"},
	{ID: "1.1.7", Name: "EtcdManifestPermissions", Title: "Ensure that the etcd pod specification file permissions are set to 600 or more restrictive (Automated)", Scored: true, Severity: sevMedium, Remediation: "chmod 600 /etc/kubernetes/manifests/etcd.yaml"},
	{ID: "1.1.8", Name: "EtcdManifestOwnership", Title: "Ensure that the etcd pod specification file ownership is set to root:root (Automated)", Scored: true, Severity: sevMedium, Remediation: "chown root:root /etc/kubernetes/manifests/etcd.yaml"},
	{ID: "1.1.11", Name: "EtcdDataDirPermissions", Title: "Ensure that the etcd data directory permissions are set to 700 or more restrictive (Automated)", Scored: true, Severity: sevMedium, Remediation: "chmod 700 on the etcd --data-dir (default /var/lib/etcd)"},
	{ID: "1.1.12", Name: "EtcdDataDirOwnership", Title: "Ensure that the etcd data directory ownership is set to etcd:etcd (Automated)", Scored: true, Severity: sevMedium, Remediation: "chown etcd:etcd on the etcd --data-dir"},
	{ID: "1.1.13", Name: "AdminConfPermissions", Title: "Ensure that the default administrative credential file permissions are set to 600 (Automated)", Scored: true, Severity: sevHigh, Remediation: "chmod 600 /etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf"},
	{ID: "1.1.14", Name: "AdminConfOwnership", Title: "Ensure that the default administrative credential file ownership is set to root:root (Automated)", Scored: true, Severity: sevHigh, Remediation: "chown root:root /etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf"},
	{ID: "1.1.15", Name: "SchedulerConfPermissions", Title: "Ensure that the scheduler.conf file permissions are set to 600 or more restrictive (Automated)", Scored: true, Severity: sevMedium, Remediation: "chmod 600 /etc/kubernetes/scheduler.conf"},
	{ID: "1.1.16", Name: "SchedulerConfOwnership", Title: "Ensure that the scheduler.conf file ownership is set to root:root (Automated)", Scored: true, Severity: sevMedium, Remediation: "chown root:root /etc/kubernetes/scheduler.conf"},
	{ID: "1.1.17", Name: "ControllerManagerConfPermissions", Title: "Ensure that the controller-manager.conf file permissions are set to 600 or more restrictive (Automated)", Scored: true, Severity: sevMedium, Remediation: "chmod 600 /etc/kubernetes/controller-manager.conf"},
	{ID: "1.1.18", Name: "ControllerManagerConfOwnership", Title: "Ensure that the controller-manager.conf file ownership is set to root:root (Automated)", Scored: true, Severity: sevMedium, Remediation: "chown root:root /etc/kubernetes/controller-manager.conf"},
	{ID: "1.1.19", Name: "PKIOwnership", Title: "Ensure that the Kubernetes PKI directory and file ownership is set to root:root (Automated)", Scored: true, Severity: sevMedium, Remediation: "chown -R root:root /etc/kubernetes/pki/"},
	{ID: "1.1.20", Name: "PKICertificatePermissions", Title: "Ensure that the Kubernetes PKI certificate file permissions are set to 600 or more restrictive (Manual)", Scored: false, Severity: sevLow, Remediation: "chmod 600 /etc/kubernetes/pki/*.crt"},
	{ID: "1.1.21", Name: "PKIKeyPermissions", Title: "Ensure that the Kubernetes PKI key file permissions are set to 600 (Manual)", Scored: false, Severity: sevLow, Remediation: "chmod 600 /etc/kubernetes/pki/*.key"},
	{ID: "1.2.1", Name: "AnonymousAuth", Title: "Ensure that the --anonymous-auth argument is set to false (Manual)", Scored: false, Manual: false, Severity: sevHigh, Remediation: "Disable anonymous requests: set --anonymous-auth=false, or anonymous.enabled: false (or conditions limited to health paths) in the --authentication-config file."},
	{ID: "1.2.2", Name: "TokenAuthFile", Title: "Ensure that the --token-auth-file parameter is not set (Automated)", Scored: true, Manual: false, Severity: sevHigh, Remediation: "Remove --token-auth-file and authenticate with client certificates, OIDC or service account tokens."},
	{ID: "1.2.3", Name: "DenyServiceExternalIPs", Title: "Ensure that the --DenyServiceExternalIPs is set (Manual)", Scored: false, Manual: false, Severity: sevLow, Remediation: "Add DenyServiceExternalIPs to --enable-admission-plugins."},
	{ID: "1.2.4", Name: "KubeletClientCertificate", Title: "Ensure that the --kubelet-client-certificate and --kubelet-client-key arguments are set as appropriate (Automated)", Scored: true, Manual: false, Severity: sevHigh, Remediation: "Set --kubelet-client-certificate and --kubelet-client-key to the API server's kubelet client certificate and key."},
	{ID: "1.2.5", Name: "KubeletCertificateAuthority", Title: "Ensure that the --kubelet-certificate-authority argument is set as appropriate (Automated)", Scored: true, Manual: false, Severity: sevHigh, Remediation: "Set --kubelet-certificate-authority to the CA that signs kubelet serving certificates."},
	{ID: "1.2.6", Name: "AuthorizationNotAlwaysAllow", Title: "Ensure that the --authorization-mode argument is not set to AlwaysAllow (Automated)", Scored: true, Manual: false, Severity: sevCritical, Remediation: "Set --authorization-mode=Node,RBAC (or an --authorization-config chain) without AlwaysAllow."},
	{ID: "1.2.7", Name: "AuthorizationNode", Title: "Ensure that the --authorization-mode argument includes Node (Automated)", Scored: true, Manual: false, Severity: sevHigh, Remediation: "Include Node in --authorization-mode (or a Node authorizer in --authorization-config)."},
	{ID: "1.2.8", Name: "AuthorizationRBAC", Title: "Ensure that the --authorization-mode argument includes RBAC (Automated)", Scored: true, Manual: false, Severity: sevHigh, Remediation: "Include RBAC in --authorization-mode (or an RBAC authorizer in --authorization-config)."},
	{ID: "1.2.9", Name: "AdmissionEventRateLimit", Title: "Ensure that the admission control plugin EventRateLimit is set (Manual)", Scored: false, Manual: false, Severity: sevLow, Remediation: "Add EventRateLimit to --enable-admission-plugins and configure its limits through --admission-control-config-file."},
	{ID: "1.2.10", Name: "AdmissionAlwaysAdmit", Title: "Ensure that the admission control plugin AlwaysAdmit is not set (Automated)", Scored: true, Manual: false, Severity: sevHigh, Remediation: "Remove AlwaysAdmit from the admission plugin flags."},
	{ID: "1.2.11", Name: "AdmissionAlwaysPullImages", Title: "Ensure that the admission control plugin AlwaysPullImages is set (Manual)", Scored: false, Manual: false, Severity: sevLow, Remediation: "Add AlwaysPullImages to --enable-admission-plugins."},
	{ID: "1.2.12", Name: "AdmissionServiceAccount", Title: "Ensure that the admission control plugin ServiceAccount is set (Automated)", Scored: true, Manual: false, Severity: sevHigh, Remediation: "Keep ServiceAccount enabled: remove it from --disable-admission-plugins (and from a restrictive --admission-control list)."},
	{ID: "1.2.13", Name: "AdmissionNamespaceLifecycle", Title: "Ensure that the admission control plugin NamespaceLifecycle is set (Automated)", Scored: true, Manual: false, Severity: sevHigh, Remediation: "Keep NamespaceLifecycle enabled: remove it from --disable-admission-plugins."},
	{ID: "1.2.14", Name: "AdmissionNodeRestriction", Title: "Ensure that the admission control plugin NodeRestriction is set (Automated)", Scored: true, Manual: false, Severity: sevHigh, Remediation: "Add NodeRestriction to --enable-admission-plugins (with the Node authorizer)."},
	{ID: "1.2.15", Name: "APIServerProfiling", Title: "Ensure that the --profiling argument is set to false (Automated)", Scored: true, Manual: false, Severity: sevMedium, Remediation: "Set --profiling=false on kube-apiserver."},
	{ID: "1.2.16", Name: "AuditLogPath", Title: "Ensure that the --audit-log-path argument is set (Automated)", Scored: true, Manual: false, Severity: sevMedium, Remediation: "Set --audit-log-path (and --audit-policy-file, without which nothing is logged)."},
	{ID: "1.2.17", Name: "AuditLogMaxAge", Title: "Ensure that the --audit-log-maxage argument is set to 30 or as appropriate (Automated)", Scored: true, Manual: false, Severity: sevMedium, Remediation: "Set --audit-log-maxage=30 or more."},
	{ID: "1.2.18", Name: "AuditLogMaxBackup", Title: "Ensure that the --audit-log-maxbackup argument is set to 10 or as appropriate (Automated)", Scored: true, Manual: false, Severity: sevMedium, Remediation: "Set --audit-log-maxbackup=10 or more."},
	{ID: "1.2.19", Name: "AuditLogMaxSize", Title: "Ensure that the --audit-log-maxsize argument is set to 100 or as appropriate (Automated)", Scored: true, Manual: false, Severity: sevMedium, Remediation: "Set --audit-log-maxsize=100 or more."},
	{ID: "1.2.20", Name: "RequestTimeout", Title: "Ensure that the --request-timeout argument is set as appropriate (Manual)", Scored: false, Manual: true, Severity: sevInfo, Remediation: "Review --request-timeout (default 1m0s) and set it as appropriate."},
	{ID: "1.2.21", Name: "ServiceAccountLookup", Title: "Ensure that the --service-account-lookup argument is set to true (Automated)", Scored: true, Manual: false, Severity: sevMedium, Remediation: "Set --service-account-lookup=true or remove the flag."},
	{ID: "1.2.22", Name: "ServiceAccountKeyFile", Title: "Ensure that the --service-account-key-file argument is set as appropriate (Automated)", Scored: true, Manual: false, Severity: sevMedium, Remediation: "Set --service-account-key-file to the public key(s) that verify service account tokens."},
	{ID: "1.2.23", Name: "EtcdClientCertificate", Title: "Ensure that the --etcd-certfile and --etcd-keyfile arguments are set as appropriate (Automated)", Scored: true, Manual: false, Severity: sevHigh, Remediation: "Set --etcd-certfile and --etcd-keyfile to the API server's etcd client certificate and key."},
	{ID: "1.2.24", Name: "APIServerTLS", Title: "Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate (Automated)", Scored: true, Manual: false, Severity: sevHigh, Remediation: "Set --tls-cert-file and --tls-private-key-file."},
	{ID: "1.2.25", Name: "ClientCAFile", Title: "Ensure that the --client-ca-file argument is set as appropriate (Automated)", Scored: true, Manual: false, Severity: sevHigh, Remediation: "Set --client-ca-file to the cluster CA."},
	{ID: "1.2.26", Name: "EtcdCAFile", Title: "Ensure that the --etcd-cafile argument is set as appropriate (Automated)", Scored: true, Manual: false, Severity: sevHigh, Remediation: "Set --etcd-cafile to the etcd CA."},
	{ID: "1.2.27", Name: "EncryptionProviderConfig", Title: "Ensure that the --encryption-provider-config argument is set as appropriate (Manual)", Scored: false, Manual: false, Severity: sevMedium, Remediation: "Set --encryption-provider-config to an EncryptionConfiguration that encrypts secrets."},
	{ID: "1.2.28", Name: "EncryptionProviders", Title: "Ensure that encryption providers are appropriately configured (Manual)", Scored: false, Manual: false, Severity: sevMedium, Remediation: "Make kms (apiVersion v2), secretbox or aescbc the first provider for secrets in the EncryptionConfiguration."},
	{ID: "1.2.29", Name: "APIServerCipherSuites", Title: "Ensure that the API Server only makes use of Strong Cryptographic Ciphers (Manual)", Scored: false, Manual: false, Severity: sevLow, Remediation: "Set --tls-cipher-suites to a list drawn only from the CIS strong-cipher list."},
	{ID: "1.2.30", Name: "ServiceAccountExtendTokenExpiration", Title: "Ensure that the --service-account-extend-token-expiration parameter is set to false (Automated)", Scored: true, Manual: false, Severity: sevMedium, Remediation: "Set --service-account-extend-token-expiration=false."},
	{ID: "1.3.1", Name: "TerminatedPodGCThreshold", Title: "Ensure that the --terminated-pod-gc-threshold argument is set as appropriate (Manual)", Scored: false, Manual: false, Severity: sevLow, Remediation: "Set --terminated-pod-gc-threshold to a positive value suited to the cluster (for example 10)."},
	{ID: "1.3.2", Name: "ControllerManagerProfiling", Title: "Ensure that the --profiling argument is set to false (Automated)", Scored: true, Manual: false, Severity: sevMedium, Remediation: "Set --profiling=false on kube-controller-manager."},
	{ID: "1.3.3", Name: "UseServiceAccountCredentials", Title: "Ensure that the --use-service-account-credentials argument is set to true (Automated)", Scored: true, Manual: false, Severity: sevMedium, Remediation: "Set --use-service-account-credentials=true on kube-controller-manager."},
	{ID: "1.3.4", Name: "ServiceAccountPrivateKeyFile", Title: "Ensure that the --service-account-private-key-file argument is set as appropriate (Automated)", Scored: true, Manual: false, Severity: sevMedium, Remediation: "Set --service-account-private-key-file on kube-controller-manager."},
	{ID: "1.3.5", Name: "RootCAFile", Title: "Ensure that the --root-ca-file argument is set as appropriate (Automated)", Scored: true, Manual: false, Severity: sevMedium, Remediation: "Set --root-ca-file on kube-controller-manager."},
	{ID: "1.3.6", Name: "RotateKubeletServerCertificate", Title: "Ensure that the RotateKubeletServerCertificate argument is set to true (Automated)", Scored: true, Manual: false, Severity: sevMedium, Remediation: "Remove RotateKubeletServerCertificate=false from --feature-gates (or set it to true)."},
	{ID: "1.3.7", Name: "ControllerManagerBindAddress", Title: "Ensure that the --bind-address argument is set to 127.0.0.1 (Automated)", Scored: true, Manual: false, Severity: sevMedium, Remediation: "Set --bind-address=127.0.0.1 on kube-controller-manager."},
	{ID: "1.4.1", Name: "SchedulerProfiling", Title: "Ensure that the --profiling argument is set to false (Automated)", Scored: true, Manual: false, Severity: sevMedium, Remediation: "Set --profiling=false on kube-scheduler (or enableProfiling: false in its --config file)."},
	{ID: "1.4.2", Name: "SchedulerBindAddress", Title: "Ensure that the --bind-address argument is set to 127.0.0.1 (Automated)", Scored: true, Manual: false, Severity: sevMedium, Remediation: "Set --bind-address=127.0.0.1 on kube-scheduler."},
	{ID: "2.1", Name: "EtcdCertFile", Title: "Ensure that the --cert-file and --key-file arguments are set as appropriate (Automated)", Scored: true, Manual: false, Severity: sevHigh, Remediation: "Set --cert-file and --key-file on etcd and serve clients over https."},
	{ID: "2.2", Name: "EtcdClientCertAuth", Title: "Ensure that the --client-cert-auth argument is set to true (Automated)", Scored: true, Manual: false, Severity: sevHigh, Remediation: "Set --client-cert-auth=true on etcd."},
	{ID: "2.3", Name: "EtcdAutoTLS", Title: "Ensure that the --auto-tls argument is not set to true (Automated)", Scored: true, Manual: false, Severity: sevHigh, Remediation: "Remove --auto-tls or set it to false on etcd."},
	{ID: "2.4", Name: "EtcdPeerCertFile", Title: "Ensure that the --peer-cert-file and --peer-key-file arguments are set as appropriate (Automated)", Scored: true, Manual: false, Severity: sevHigh, Remediation: "Set --peer-cert-file and --peer-key-file on etcd."},
	{ID: "2.5", Name: "EtcdPeerClientCertAuth", Title: "Ensure that the --peer-client-cert-auth argument is set to true (Automated)", Scored: true, Manual: false, Severity: sevHigh, Remediation: "Set --peer-client-cert-auth=true on etcd."},
	{ID: "2.6", Name: "EtcdPeerAutoTLS", Title: "Ensure that the --peer-auto-tls argument is not set to true (Automated)", Scored: true, Manual: false, Severity: sevHigh, Remediation: "Remove --peer-auto-tls or set it to false on etcd."},
	{ID: "2.7", Name: "EtcdUniqueCA", Title: "Ensure that a unique Certificate Authority is used for etcd (Manual)", Scored: false, Manual: false, Severity: sevLow, Remediation: "Set --trusted-ca-file on etcd to a CA used only by etcd, not the cluster CA named by the API server's --client-ca-file."},
	{ID: "3.2.1", Name: "AuditPolicyFile", Title: "Ensure that a minimal audit policy is created (Manual)", Scored: false, Manual: false, Severity: sevLow, Remediation: "Set --audit-policy-file to an audit.k8s.io/v1 Policy mounted into the API server pod."},
	{ID: "3.2.2", Name: "AuditPolicyCoverage", Title: "Ensure that the audit policy covers key security concerns (Manual)", Scored: false, Manual: true, Severity: sevInfo, Remediation: "Review the audit policy: secrets, configmaps and tokenreviews at Metadata, pod changes, exec, portforward and proxy."},
	{ID: "5.5.1", Name: "ImagePolicyWebhook", Title: "Configure Image Provenance using ImagePolicyWebhook admission controller (Manual)", Scored: false, Manual: false, Severity: sevLow, Remediation: "Enable ImagePolicyWebhook and configure it with defaultAllow: false."},
}

// cisByName maps rule names to their check.
var cisByName = sync.OnceValue(func() map[string]*cisCheck {
	m := make(map[string]*cisCheck, len(cisChecks))
	for i := range cisChecks {
		m[cisChecks[i].Name] = &cisChecks[i]
	}
	return m
})

// cisByRule returns the CIS check behind a rule ID ("apiserver/AnonymousAuth").
func cisByRule(id string) (*cisCheck, bool) {
	name, ok := strings.CutPrefix(id, "apiserver/")
	if !ok {
		return nil, false
	}
	c, ok := cisByName()[name]
	return c, ok
}

func (c *cisCheck) rule() kubeharden.Rule {
	sev := c.Severity
	switch {
	case c.Manual:
		sev = sevInfo
	case !c.Scored && sev > sevLow:
		sev = sevLow
	}
	desc := c.Title + "."
	switch {
	case c.Manual:
		desc += " Manual in CIS: reported as not met (WARN) for review; the message says what the configuration holds."
	case !c.Scored:
		desc += " Unscored: a check that is not met is a WARN, not a FAIL."
	}
	return kubeharden.Rule{
		ID: "apiserver/" + c.Name, Title: c.Title, Description: desc,
		Kind: kubeharden.KindCheck, Severity: sev, Refs: []string{"CIS " + c.ID},
		Remediation: c.Remediation,
		HelpURL:     "https://www.cisecurity.org/benchmark/kubernetes",
	}
}

func cisRule(name string) kubeharden.Rule {
	c, ok := cisByName()[name]
	if !ok {
		panic("apiserver: unknown CIS rule " + name) // programming error, caught by tests
	}
	return c.rule()
}

func rule(name, title, desc string, kind kubeharden.RuleKind, sev kubeharden.Severity, points int, remediation string, refs ...string) kubeharden.Rule {
	return kubeharden.Rule{ID: "apiserver/" + name, Title: title, Description: desc, Kind: kind,
		Severity: sev, Points: points, Remediation: remediation, Refs: refs}
}

// Rules beyond the CIS inventory.
var (
	RuleInvalidCommandLine = rule("InvalidCommandLine", "Command line the component rejects or misreads",
		"A flag is missing its value, a boolean is written as \"--flag false\" (the word becomes a positional argument), a value does not parse, or an admission plugin is unknown or both enabled and disabled: the component will not start, or will not read the flag as written.",
		kubeharden.KindRisk, sevHigh, -5, "fix the flag syntax: use --flag=value, and --flag=false for booleans")
	RuleConfigInvalid = rule("ConfigInvalid", "Referenced configuration file is invalid",
		"An EncryptionConfiguration, AdmissionConfiguration, AuthenticationConfiguration, AuthorizationConfiguration or plugin configuration fails the API server's validation: the server does not start with it.",
		kubeharden.KindRisk, sevHigh, -5, "fix the file as the message says")
	RuleConfigUnreadable = rule("ConfigUnreadable", "Referenced file not available",
		"A flag names a file that was not found in the node files given to the analyzer, so the settings it holds could not be evaluated.",
		kubeharden.KindCheck, sevLow, 0, "provide the file (kubeharden node --root) or check the path")
	RuleFileNotMounted = rule("FileNotMounted", "Referenced file outside every hostPath mount",
		"A flag names a path that no volumeMount backed by a hostPath volume covers: the file does not exist inside the container and the component crash-loops.",
		kubeharden.KindRisk, sevMedium, -3, "add a hostPath volume and volumeMount for the file's directory")
	RuleEncryptionIdentityFirst = rule("EncryptionIdentityFirst", "Secrets are written in plaintext",
		"The first provider for secrets is identity (or secrets are not covered by any entry), so new and updated secrets are stored unencrypted in etcd even when encrypting providers follow.",
		kubeharden.KindRisk, sevCritical, -20, "put kms (apiVersion: v2), secretbox or aescbc before identity in the secrets entry", "CIS 1.2.28")
	RuleEncryptionWeakProvider = rule("EncryptionWeakProvider", "Secrets encrypted with a weaker provider",
		"aescbc is open to padding-oracle attacks and not recommended by Kubernetes; aesgcm needs its key rotated every 200,000 writes; kms v1 is deprecated and disabled by default from 1.29.",
		kubeharden.KindRisk, sevMedium, -3, "prefer kms with apiVersion: v2, or secretbox")
	RuleEncryptionOtherPlaintext = rule("EncryptionOtherResourcesPlaintext", "Encrypted resources other than secrets written in plaintext",
		"An entry lists a resource whose first provider is identity: an explicit opt-out, acceptable for events but not for configmaps holding credentials.",
		kubeharden.KindCheck, sevInfo, 0, "move an encrypting provider first, or confirm the opt-out")
	RuleImagePolicyFailOpen = rule("ImagePolicyFailOpen", "ImagePolicyWebhook fails open",
		"defaultAllow: true admits every image whenever the image policy backend is unreachable, returns an error or an undecodable answer.",
		kubeharden.KindRisk, sevHigh, -10, "set imagePolicy.defaultAllow: false", "CIS 5.5.1")
	RuleImagePolicyInsecureBackend = rule("ImagePolicyInsecureBackend", "ImagePolicyWebhook backend reached without verified TLS",
		"The kubeconfig of the image policy backend has a server that is not https, or sets insecure-skip-tls-verify: anyone on the path can answer the admission review.",
		kubeharden.KindRisk, sevHigh, -10, "use an https server with certificate-authority in the webhook kubeconfig", "CIS 5.5.1")
	RuleImagePolicySlowRevocation = rule("ImagePolicySlowRevocation", "ImagePolicyWebhook caches approvals for 10 minutes or more",
		"allowTTL of 600 seconds or more keeps admitting an image for that long after the backend starts denying it.",
		kubeharden.KindCheck, sevLow, 0, "lower imagePolicy.allowTTL below 600 seconds")
	RuleAdmissionPluginUnconfigured = rule("AdmissionPluginUnconfigured", "Admission plugin enabled without configuration, or configured but not enabled",
		"EventRateLimit and ImagePolicyWebhook need their configuration in --admission-control-config-file (the server fails without it); a configuration for a plugin that is not in the effective set does nothing.",
		kubeharden.KindRisk, sevMedium, -3, "enable the plugin and configure it in the AdmissionConfiguration file")
	RuleAnonymousConditions = rule("AnonymousAuthConditions", "Anonymous access limited to listed paths",
		"The AuthenticationConfiguration enables anonymous requests only for the paths in anonymous.conditions (typically /healthz, /livez, /readyz): the hardened form the structured configuration allows.",
		kubeharden.KindHardening, sevInfo, 1, "keep conditions limited to health endpoints", "CIS 1.2.1")
	RuleEtcdPlaintextClientURL = rule("EtcdPlaintextClientURL", "etcd serves clients over http",
		"--listen-client-urls has an http:// URL: certificates apply only to https URLs, so that listener is plaintext and unauthenticated.",
		kubeharden.KindRisk, sevCritical, -20, "use https:// for every --listen-client-urls entry", "CIS 2.1")
	RuleSchedulerConfigProfiling = rule("SchedulerIgnoredFlags", "kube-scheduler flags ignored under --config",
		"With --config, kube-scheduler ignores the deprecated flags --profiling, --contention-profiling, --kubeconfig, --kube-api-qps, --kube-api-burst and --kube-api-content-type; the KubeSchedulerConfiguration decides.",
		kubeharden.KindCheck, sevLow, 0, "move the setting into the KubeSchedulerConfiguration (enableProfiling: false)", "CIS 1.4.1")
	RuleUnsupportedVersion = rule("UnsupportedVersion", "Kubernetes version out of support",
		"The component's version is not one of the three minor releases that receive patches (per the package's dated release table): security fixes no longer arrive.",
		kubeharden.KindRisk, sevHigh, -10, "upgrade to a supported minor release")
	RuleSupersededPatch = rule("SupersededPatch", "Superseded patch release",
		"A newer patch release of the same minor is known: it carries security and bug fixes.",
		kubeharden.KindRisk, sevMedium, -3, "upgrade to the latest patch release of the minor")
	RuleVersionSkew = rule("VersionSkew", "Version skew outside the supported policy",
		"No component may be newer than kube-apiserver; kube-controller-manager and kube-scheduler may be at most one minor older, the kubelet at most three minors older.",
		kubeharden.KindRisk, sevHigh, -5, "upgrade the older component (or downgrade the newer one) to the supported skew")
)

var extraRules = []kubeharden.Rule{
	RuleInvalidCommandLine, RuleConfigInvalid, RuleConfigUnreadable, RuleFileNotMounted,
	RuleEncryptionIdentityFirst, RuleEncryptionWeakProvider, RuleEncryptionOtherPlaintext,
	RuleImagePolicyFailOpen, RuleImagePolicyInsecureBackend, RuleImagePolicySlowRevocation, RuleAdmissionPluginUnconfigured,
	RuleAnonymousConditions, RuleEtcdPlaintextClientURL, RuleSchedulerConfigProfiling,
	RuleUnsupportedVersion, RuleSupersededPatch, RuleVersionSkew,
}

// Rules returns the package's catalogue: the CIS checks in benchmark order,
// the package's own rules, and the decoding rules.
func Rules() []kubeharden.Rule {
	out := make([]kubeharden.Rule, 0, len(cisChecks)+len(extraRules)+3)
	for i := range cisChecks {
		out = append(out, cisChecks[i].rule())
	}
	out = append(out, extraRules...)
	return append(out, decode.ProblemRules("apiserver")...)
}
