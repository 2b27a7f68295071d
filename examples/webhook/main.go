package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/manifest"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "v0.1.0-dev"

const usageHead = `webhook: a ValidatingAdmissionWebhook (admission.k8s.io/v1) that scores
workloads and RBAC bindings with kubeharden and allows or denies them by policy.

Usage:
  webhook --tls-cert-file FILE --tls-key-file FILE [flags]

Endpoints (HTTPS): POST /validate (also /), GET /healthz, GET /readyz.

Decisions: DELETE and CONNECT are allowed without analysis; subresources
other than pods/ephemeralcontainers are allowed; kinds kubeharden does not
analyse are allowed. Analysed kinds: ` + "%s" + `, Role and ClusterRole.
Denied requests get status 403 with the violations; failed findings at or
above --warn-on, and unknown/duplicate/case-variant keys, become warnings
("path.to.field: message", at most 120 characters each). Dry-run requests
are evaluated exactly like others (the webhook has no side effects).

Flags:
`

// config is everything the flags set.
type config struct {
	addr              string
	certFile, keyFile string
	certCheck         time.Duration
	maxBody           int64
	readTimeout       time.Duration
	readHeaderTimeout time.Duration
	writeTimeout      time.Duration
	idleTimeout       time.Duration
	shutdownTimeout   time.Duration
	pol               policy
}

func parseArgs(args []string, stderr io.Writer) (config, error) {
	critical := kubeharden.SeverityCritical
	cfg := config{pol: policy{failOn: &critical, warnOn: kubeharden.SeverityMedium}}
	fs := flag.NewFlagSet("webhook", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), usageHead, strings.Join(manifest.Kinds(), ", "))
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.addr, "addr", ":8443", "HTTPS listen address")
	fs.StringVar(&cfg.certFile, "tls-cert-file", "", "PEM certificate (chain) file; reloaded when it changes (required)")
	fs.StringVar(&cfg.keyFile, "tls-key-file", "", "PEM private key file; reloaded when it changes (required)")
	fs.DurationVar(&cfg.certCheck, "tls-check-interval", time.Second, "how often handshakes check the certificate files for changes")
	fs.Func("min-score", "deny objects whose kubeharden score is below this integer (default off: plain workloads score slightly negative)", func(s string) error {
		v, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("not an integer: %q", s)
		}
		cfg.pol.minScore = &v
		return nil
	})
	fs.Func("fail-on", "deny objects with a failed finding at or above this severity: info, low, medium, high, critical, or off (default critical)", func(s string) error {
		if s == "off" {
			cfg.pol.failOn = nil
			return nil
		}
		v, err := kubeharden.ParseSeverity(s)
		cfg.pol.failOn = &v
		return err
	})
	fs.Func("forbid", "deny objects on which one of these rules fails (kubeharden IDs like manifest/HostNetwork or kubesec ids like HostNetwork; comma-separated or repeated)", func(s string) error {
		for p := range strings.SplitSeq(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				cfg.pol.forbid = append(cfg.pol.forbid, p)
			}
		}
		return nil
	})
	fs.Func("warn-on", "return failed findings at or above this severity as warnings (default medium)", func(s string) error {
		v, err := kubeharden.ParseSeverity(s)
		cfg.pol.warnOn = v
		return err
	})
	fs.StringVar(&cfg.pol.pssLevel, "pss-level", "", "enforce a Pod Security Standards level (privileged, baseline or restricted; evaluated by k8s.io/pod-security-admission): pod templates that violate it are denied (default: none)")
	fs.StringVar(&cfg.pol.pssVersion, "pss-version", "latest", "Pod Security Standards policy version for --pss-level (latest or v1.N)")
	fs.IntVar(&cfg.pol.maxWarnings, "max-warnings", 20, "warnings per response (the API server drops warnings beyond 4096 characters in total)")
	fs.BoolVar(&cfg.pol.failOpen, "fail-open", false, "allow (with a warning) objects the webhook fails to analyse; by default they are denied with 500. The API server's failurePolicy decides when the webhook is unreachable")
	fs.Int64Var(&cfg.maxBody, "max-body", 7<<20, "request body limit in bytes (object and oldObject are each at most 3 MiB); 413 beyond")
	fs.DurationVar(&cfg.readTimeout, "read-timeout", 10*time.Second, "time to read a whole request")
	fs.DurationVar(&cfg.readHeaderTimeout, "read-header-timeout", 5*time.Second, "time to read the request headers")
	fs.DurationVar(&cfg.writeTimeout, "write-timeout", 30*time.Second, "time to write the response (the API server waits at most timeoutSeconds, 30 s at most)")
	fs.DurationVar(&cfg.idleTimeout, "idle-timeout", 90*time.Second, "keep-alive idle timeout")
	fs.DurationVar(&cfg.shutdownTimeout, "shutdown-timeout", 20*time.Second, "on SIGTERM/SIGINT, how long in-flight reviews may finish")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if cfg.certFile == "" || cfg.keyFile == "" {
		return cfg, errors.New("--tls-cert-file and --tls-key-file are required (the API server calls webhooks over HTTPS only)")
	}
	if err := (manifest.Options{PSSLevel: cfg.pol.pssLevel, PSSVersion: cfg.pol.pssVersion}).Validate(); err != nil {
		return cfg, err
	}
	if cfg.maxBody <= 0 {
		return cfg, errors.New("--max-body must be positive")
	}
	return cfg, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	cfg, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "webhook:", err)
		return 2
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		log.Error("listen", "addr", cfg.addr, "err", err.Error())
		return 1
	}
	if err := serve(ctx, ln, cfg, log); err != nil {
		log.Error("serve", "err", err.Error())
		return 1
	}
	return 0
}

// newHTTPServer builds the TLS server around the handler.
func newHTTPServer(cfg config, certs *certReloader, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           newHandler(cfg.pol, cfg.maxBody, log),
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: certs.GetCertificate},
		ReadTimeout:       cfg.readTimeout,
		ReadHeaderTimeout: cfg.readHeaderTimeout,
		WriteTimeout:      cfg.writeTimeout,
		IdleTimeout:       cfg.idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// serve answers HTTPS on ln until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, ln net.Listener, cfg config, log *slog.Logger) error {
	certs, err := newCertReloader(cfg.certFile, cfg.keyFile, cfg.certCheck, log)
	if err != nil {
		ln.Close()
		return err
	}
	srv := newHTTPServer(cfg, certs, log)
	log.Info("listening", "addr", ln.Addr().String(), "fail_open", cfg.pol.failOpen, "version", version)
	errc := make(chan error, 1)
	go func() { errc <- srv.ServeTLS(ln, "", "") }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
	defer cancel()
	err = srv.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	if err != nil {
		srv.Close()
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}
