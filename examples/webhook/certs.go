package main

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// certReloader serves the certificate in certFile/keyFile and loads it
// again when either file's modification time or size changes (cert-manager
// and kubelet secret projection replace the files in place). A reload that
// fails (for instance a half-written pair) keeps the previous certificate
// and is retried on a later handshake.
type certReloader struct {
	certFile, keyFile string
	// minInterval bounds how often the files are checked (0: on every
	// handshake).
	minInterval time.Duration
	log         *slog.Logger

	mu      sync.Mutex
	cert    *tls.Certificate
	stamp   [2]fileStamp
	checked time.Time
}

type fileStamp struct {
	mod  time.Time
	size int64
}

func stampOf(path string) (fileStamp, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, err
	}
	return fileStamp{mod: fi.ModTime(), size: fi.Size()}, nil
}

// newCertReloader loads the pair once; an error here stops the program.
func newCertReloader(certFile, keyFile string, minInterval time.Duration, log *slog.Logger) (*certReloader, error) {
	c := &certReloader{certFile: certFile, keyFile: keyFile, minInterval: minInterval, log: log}
	if err := c.reload(); err != nil {
		return nil, err
	}
	return c, nil
}

// reload reads the pair; the caller holds mu or owns c.
func (c *certReloader) reload() error {
	cs, err := stampOf(c.certFile)
	if err != nil {
		return fmt.Errorf("TLS certificate: %w", err)
	}
	ks, err := stampOf(c.keyFile)
	if err != nil {
		return fmt.Errorf("TLS key: %w", err)
	}
	cert, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		return fmt.Errorf("loading the TLS key pair: %w", err)
	}
	c.cert, c.stamp = &cert, [2]fileStamp{cs, ks}
	return nil
}

// GetCertificate implements tls.Config.GetCertificate.
func (c *certReloader) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if now.Sub(c.checked) < c.minInterval {
		return c.cert, nil
	}
	c.checked = now
	cs, err1 := stampOf(c.certFile)
	ks, err2 := stampOf(c.keyFile)
	if err1 == nil && err2 == nil && [2]fileStamp{cs, ks} != c.stamp {
		if err := c.reload(); err != nil {
			c.log.Error("TLS reload failed, keeping the previous certificate", "err", err.Error())
		} else {
			c.log.Info("TLS certificate reloaded", "cert", c.certFile)
		}
	}
	return c.cert, nil
}
