package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/kubeharden/kubeharden/internal/decode"
	"github.com/kubeharden/kubeharden/manifest"
)

// defaultGCPercent is the GOGC value the server runs with by default.
const defaultGCPercent = 400

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "v0.1.0-dev"

const usageHead = `kubesec-server: a drop-in replacement for "kubesec http", built on kubeharden.

Usage:
  kubesec-server [flags] [[ip:]port]

The address comes from the argument, else --addr, else $KUBESEC_ADDR (or the
deprecated $PORT), else :8080.

Endpoints:
  POST /scan, POST /   scan the YAML or JSON body (multi-document); query
                       ?rule=ID (repeatable), ?compat=kubesec|none,
                       ?format=kubesec|json|sarif
  GET /, GET /scan     303 redirect to https://kubesec.io
  GET /healthz         OK

Status codes: 200 report, 400 unparseable input / empty body / unknown rule
id (text/plain), 413 body over --max-body, 503 when no reading or scan slot
frees up within --queue-timeout (Retry-After: 1).

Flags:
`

func newFlagSet(cfg *config, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("kubesec-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageHead)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.addr, "addr", "", "listen address [ip]:port (default :8080, or $KUBESEC_ADDR)")
	fs.Int64Var(&cfg.maxBody, "max-body", 3<<20, "request body limit in bytes; larger bodies get 413 (also the per-document budget)")
	fs.DurationVar(&cfg.readTimeout, "read-timeout", 5*time.Second, "time to read a whole request, headers and body (kubesec: 5s)")
	fs.DurationVar(&cfg.readHeaderTimeout, "read-header-timeout", 5*time.Second, "time to read the request headers")
	fs.DurationVar(&cfg.writeTimeout, "write-timeout", 60*time.Second, "time from the end of the headers to the end of the response (kubesec: 60s)")
	fs.DurationVar(&cfg.idleTimeout, "idle-timeout", 15*time.Second, "keep-alive idle timeout (kubesec: 15s)")
	fs.IntVar(&cfg.maxConcurrent, "max-concurrent", 2*runtime.GOMAXPROCS(0), "scans running at the same time; the rest queue")
	fs.IntVar(&cfg.maxReading, "max-reading", 64, "requests reading or holding a body at the same time (memory: about this many × --max-body); the rest queue")
	fs.DurationVar(&cfg.queueTimeout, "queue-timeout", 2*time.Second, "how long a request waits for a scan slot before 503")
	fs.DurationVar(&cfg.shutdownTimeout, "shutdown-timeout", 25*time.Second, "on SIGTERM/SIGINT, how long in-flight requests may finish")
	fs.Func("compat", "default scoring when ?compat= is absent (default kubesec): kubesec (exact kubesec rules and scores, what a drop-in promises) or none (kubeharden's analysis)", func(s string) error {
		c, err := manifest.ParseCompat(s)
		cfg.compat = c
		return err
	})
	fs.IntVar(&cfg.gcPercent, "gc-percent", defaultGCPercent, "garbage collector target (GOGC) unless $GOGC is set; scans allocate short-lived garbage on a small live heap, so a higher target trades a few MiB for about 25 % less CPU")
	fs.Int64Var(&cfg.memoryLimit, "memory-limit", 0, "soft memory limit in bytes (GOMEMLIMIT); 0 leaves $GOMEMLIMIT or no limit")
	fs.IntVar(&cfg.maxDocuments, "max-documents", 1000, "documents per request (List items included)")
	fs.IntVar(&cfg.maxDepth, "max-depth", decode.DefaultMaxDepth, "nesting depth per document")
	fs.IntVar(&cfg.maxAliasBytes, "max-alias-bytes", 0, "bytes YAML aliases may expand to per document (0: max(1 MiB, 10 × the document))")
	return fs
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

// parseArgs reads flags, the positional address and the environment.
func parseArgs(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	cfg := config{compat: manifest.CompatKubesec}
	fs := newFlagSet(&cfg, stderr)
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	switch fs.NArg() {
	case 0:
	case 1:
		cfg.addr = fs.Arg(0)
	default:
		return cfg, fmt.Errorf("at most one address argument, got %q", fs.Args())
	}
	if cfg.addr == "" {
		cfg.addr = getenv("KUBESEC_ADDR")
		if p := getenv("PORT"); p != "" {
			cfg.addr = p
		}
	}
	if cfg.addr == "" {
		cfg.addr = ":8080"
	}
	if !strings.Contains(cfg.addr, ":") {
		cfg.addr = ":" + cfg.addr
	}
	if cfg.maxBody <= 0 || cfg.maxConcurrent <= 0 || cfg.maxReading <= 0 || cfg.maxDocuments <= 0 {
		return cfg, errors.New("--max-body, --max-concurrent, --max-reading and --max-documents must be positive")
	}
	return cfg, nil
}

// run is main without the process.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	cfg, err := parseArgs(args, os.Getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "kubesec-server:", err)
		return 2
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(cfg.gcPercent)
	}
	if cfg.memoryLimit > 0 {
		debug.SetMemoryLimit(cfg.memoryLimit)
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

// serve answers on ln until ctx ends, then shuts down gracefully: it stops
// accepting, lets in-flight requests finish for at most the shutdown
// timeout, and returns.
func serve(ctx context.Context, ln net.Listener, cfg config, log *slog.Logger) error {
	srv := newHTTPServer(cfg, newServer(cfg, log), log)
	log.Info("listening", "addr", ln.Addr().String(), "compat", cfg.compat.String(), "max_body", cfg.maxBody,
		"max_concurrent", cfg.maxConcurrent, "max_reading", cfg.maxReading, "version", version)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.shutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && serr != nil {
		return serr
	}
	if err != nil {
		srv.Close()
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}
