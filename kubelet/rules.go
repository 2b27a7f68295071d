package kubelet

import (
	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
)

const helpBase = "https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/"

func rule(name, title, desc string, sev kubeharden.Severity, points int, remediation, cis string) kubeharden.Rule {
	r := kubeharden.Rule{
		ID: "kubelet/" + name, Title: title, Description: desc, Kind: kubeharden.KindCheck,
		Severity: sev, Points: points, Remediation: remediation, HelpURL: helpBase,
	}
	if cis != "" {
		r.Refs = []string{"CIS " + cis}
	}
	return r
}

const (
	sevInfo = kubeharden.SeverityInfo
	sevLow  = kubeharden.SeverityLow
	sevMed  = kubeharden.SeverityMedium
	sevHigh = kubeharden.SeverityHigh
)

// CIS 4.1: worker node configuration files (judged from given modes and owners).
var (
	ruleServiceFilePermissions = rule("ServiceFilePermissions", "Kubelet service file permissions are 600 or more restrictive",
		"The kubelet unit and its drop-ins define the kubelet's command line; anyone who can write them controls the node's kubelet.",
		sevMed, 0, "chmod 600 <file>", "4.1.1")
	ruleServiceFileOwnership = rule("ServiceFileOwnership", "Kubelet service file ownership is root:root",
		"The kubelet unit and its drop-ins must be owned by root.",
		sevMed, 0, "chown root:root <file>", "4.1.2")
	ruleProxyKubeconfigPermissions = rule("ProxyKubeconfigPermissions", "kube-proxy kubeconfig permissions are 600 or more restrictive (if it exists)",
		"The kube-proxy kubeconfig holds credentials for the API server.",
		sevLow, 0, "chmod 600 <file>", "4.1.3")
	ruleProxyKubeconfigOwnership = rule("ProxyKubeconfigOwnership", "kube-proxy kubeconfig ownership is root:root (if it exists)",
		"The kube-proxy kubeconfig must be owned by root.",
		sevLow, 0, "chown root:root <file>", "4.1.4")
	ruleKubeconfigPermissions = rule("KubeconfigPermissions", "Kubelet --kubeconfig file permissions are 600 or more restrictive",
		"The kubelet kubeconfig (kubelet.conf) holds the node's credentials for the API server.",
		sevMed, 0, "chmod 600 /etc/kubernetes/kubelet.conf", "4.1.5")
	ruleKubeconfigOwnership = rule("KubeconfigOwnership", "Kubelet --kubeconfig file ownership is root:root",
		"The kubelet kubeconfig must be owned by root.",
		sevMed, 0, "chown root:root /etc/kubernetes/kubelet.conf", "4.1.6")
	ruleClientCAFilePermissions = rule("ClientCAFilePermissions", "Kubelet client CA file permissions are 644 or more restrictive",
		"Whoever can replace the client CA bundle decides which client certificates the kubelet API trusts.",
		sevLow, 0, "chmod 644 <client CA file>", "4.1.7")
	ruleClientCAFileOwnership = rule("ClientCAFileOwnership", "Kubelet client CA file ownership is root:root",
		"The client CA bundle must be owned by root.",
		sevLow, 0, "chown root:root <client CA file>", "4.1.8")
	ruleConfigFilePermissions = rule("ConfigFilePermissions", "Kubelet config file permissions are 600 or more restrictive",
		"The KubeletConfiguration file (and its --config-dir drop-ins) decide authentication, authorization and every other kubelet setting.",
		sevMed, 0, "chmod 600 /var/lib/kubelet/config.yaml", "4.1.9")
	ruleConfigFileOwnership = rule("ConfigFileOwnership", "Kubelet config file ownership is root:root",
		"The KubeletConfiguration file (and its drop-ins) must be owned by root.",
		sevMed, 0, "chown root:root /var/lib/kubelet/config.yaml", "4.1.10")
)

// CIS 4.2: kubelet settings, judged on the effective configuration.
var (
	ruleAnonymousAuth = rule("AnonymousAuth", "Anonymous authentication to the kubelet API is disabled",
		"With anonymous auth on, requests without credentials reach the kubelet API as system:anonymous. The default is true without --config (flags-only mode) and false with --config.",
		sevHigh, -10, "set authentication.anonymous.enabled: false in the kubelet config file (or --anonymous-auth=false)", "4.2.1")
	ruleAuthorizationMode = rule("AuthorizationMode", "Kubelet authorization mode is not AlwaysAllow",
		"AlwaysAllow lets every authenticated (or anonymous) caller use every kubelet API, including exec into pods. The default is AlwaysAllow without --config and Webhook with it.",
		sevHigh, -10, "set authorization.mode: Webhook in the kubelet config file (or --authorization-mode=Webhook)", "4.2.2")
	ruleClientCAFile = rule("ClientCAFile", "Kubelet client CA file is set",
		"Without a client CA the kubelet does not authenticate client certificates, so the API server cannot authenticate to it with its kubelet client certificate.",
		sevHigh, -5, "set authentication.x509.clientCAFile to the cluster CA (or --client-ca-file)", "4.2.3")
	ruleReadOnlyPort = rule("ReadOnlyPort", "Kubelet read-only port is disabled",
		"The read-only port (10255) serves pod and node information without authentication. It is 0 (off) with --config and 10255 without.",
		sevLow, -5, "set readOnlyPort: 0 in the kubelet config file (or --read-only-port=0)", "4.2.4")
	ruleStreamingConnectionIdleTimeout = rule("StreamingConnectionIdleTimeout", "Streaming connection idle timeout is not 0",
		"A zero idle timeout keeps exec, attach and port-forward streams open forever. The field is deprecated and has no effect from Kubernetes 1.34.",
		sevLow, 0, "set streamingConnectionIdleTimeout: 4h (or --streaming-connection-idle-timeout=4h)", "4.2.5")
	ruleMakeIPTablesUtilChains = rule("MakeIPTablesUtilChains", "Kubelet manages iptables utility chains",
		"makeIPTablesUtilChains keeps the kubelet's iptables chains in line with the network configuration.",
		sevMed, 0, "set makeIPTablesUtilChains: true or remove --make-iptables-util-chains=false", "4.2.6")
	ruleHostnameOverride = rule("HostnameOverride", "Kubelet --hostname-override is not set",
		"An overridden host name can break TLS between the kubelet and the API server. kubeadm adds it to KUBELET_KUBEADM_ARGS when the node name differs from the host name.",
		sevLow, 0, "remove --hostname-override from the kubelet command line", "4.2.7")
	ruleEventRecordQPS = rule("EventRecordQPS", "Kubelet event rate limit captures events",
		"eventRecordQPS limits event creation; 0 means unlimited and negative values are invalid (the kubelet will not start).",
		sevLow, 0, "set eventRecordQPS to 0 or a positive level (or --event-qps)", "4.2.8")
	ruleTLSCertificate = rule("TLSCertificate", "Kubelet serving certificate and key are set",
		"Without tlsCertFile and tlsPrivateKeyFile the kubelet serves a self-signed certificate that clients cannot verify. serverTLSBootstrap is an alternative (certificate requested through the CSR API).",
		sevLow, 0, "set tlsCertFile and tlsPrivateKeyFile (or --tls-cert-file and --tls-private-key-file)", "4.2.9")
	ruleRotateCertificates = rule("RotateCertificates", "Kubelet client certificate rotation is on",
		"rotateCertificates defaults to false; kubeadm writes true. Without it the client certificate expires and is not renewed.",
		sevMed, 0, "set rotateCertificates: true in the kubelet config file (and remove --rotate-certificates=false)", "4.2.10")
	ruleRotateServerCertificates = rule("RotateServerCertificates", "RotateKubeletServerCertificate feature gate is on",
		"The gate (default true) lets the kubelet request and rotate its serving certificate.",
		sevLow, 0, "remove RotateKubeletServerCertificate=false from featureGates and --feature-gates", "4.2.11")
	ruleTLSCipherSuites = rule("TLSCipherSuites", "Kubelet uses only strong TLS cipher suites",
		"tlsCipherSuites must be set and list only the six CIS-approved ECDHE AEAD suites; unset means Go's defaults.",
		sevLow, 0, "set tlsCipherSuites to TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "4.2.12")
	rulePodPidsLimit = rule("PodPidsLimit", "A limit is set on pod PIDs",
		"podPidsLimit must be above 0; the default -1 (and any value below 1) means no per-pod limit, so one pod can exhaust the node's PIDs. kube-bench only checks presence.",
		sevLow, 0, "set podPidsLimit to a positive value such as 4096 (or --pod-max-pids)", "4.2.13")
	ruleSeccompDefault = rule("SeccompDefault", "Kubelet applies the RuntimeDefault seccomp profile by default",
		"seccompDefault must be true; false (the default) runs containers without a profile unconfined. kube-bench only checks presence.",
		sevLow, 0, "set seccompDefault: true (or --seccomp-default)", "4.2.14")
)

// Input problems.
var (
	ruleInvalidCommandLine = rule("InvalidCommandLine", "Kubelet command line is invalid",
		"The kubelet refuses to start with this command line (a boolean flag given a separate value, a value flag without one, an invalid value, a positional argument).",
		sevHigh, 0, "fix the flag as the message says", "")
	ruleConfigError = rule("ConfigError", "Kubelet configuration cannot be loaded",
		"A --config file or --config-dir drop-in is missing, empty, of the wrong kind or has values of the wrong type: the kubelet will not start. Verdicts fall back to the defaults.",
		sevHigh, 0, "make the file a valid kubelet.config.k8s.io/v1beta1 KubeletConfiguration", "")
)

var cisRules = []kubeharden.Rule{
	ruleServiceFilePermissions, ruleServiceFileOwnership, ruleProxyKubeconfigPermissions, ruleProxyKubeconfigOwnership,
	ruleKubeconfigPermissions, ruleKubeconfigOwnership, ruleClientCAFilePermissions, ruleClientCAFileOwnership,
	ruleConfigFilePermissions, ruleConfigFileOwnership,
	ruleAnonymousAuth, ruleAuthorizationMode, ruleClientCAFile, ruleReadOnlyPort, ruleStreamingConnectionIdleTimeout,
	ruleMakeIPTablesUtilChains, ruleHostnameOverride, ruleEventRecordQPS, ruleTLSCertificate, ruleRotateCertificates,
	ruleRotateServerCertificates, ruleTLSCipherSuites, rulePodPidsLimit, ruleSeccompDefault,
}

// Rules returns the package's catalogue: the CIS 4.1 and 4.2 checks, the
// input-problem rules and the decoding rules.
func Rules() []kubeharden.Rule {
	out := append([]kubeharden.Rule(nil), cisRules...)
	out = append(out, ruleInvalidCommandLine, ruleConfigError)
	return append(out, decode.ProblemRules("kubelet")...)
}
