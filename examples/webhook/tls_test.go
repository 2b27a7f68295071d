package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
)

// selfSigned creates a self-signed certificate for 127.0.0.1 and returns
// the PEM certificate and key.
func selfSigned(t testing.TB, serial int64) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{CommonName: "kubeharden-webhook.kubeharden-system.svc"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"kubeharden-webhook.kubeharden-system.svc"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	kder, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}

// writePair writes the pair and moves the files' modification time
// forward, so that a rewrite within the file system's timestamp
// granularity is still seen as a change.
func writePair(t testing.TB, dir string, cert, key []byte, mod time.Time) (string, string) {
	t.Helper()
	cf, kf := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	require.NoError(t, os.WriteFile(cf, cert, 0o600))
	require.NoError(t, os.WriteFile(kf, key, 0o600))
	require.NoError(t, os.Chtimes(cf, mod, mod))
	require.NoError(t, os.Chtimes(kf, mod, mod))
	return cf, kf
}

// tlsServer starts the webhook on a loopback listener with the given
// certificate files and returns its URL; it stops when the test ends.
func tlsServer(t *testing.T, certFile, keyFile string, pol policy) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	cfg, err := parseArgs([]string{"--tls-cert-file", certFile, "--tls-key-file", keyFile, "--tls-check-interval", "0s"}, io.Discard)
	require.NoError(t, err)
	cfg.pol = pol
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, cfg, quietLog()) }()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-done)
	})
	return "https://" + ln.Addr().String()
}

// client trusts exactly the given certificates and opens a new connection
// per request (so each request sees the current certificate).
func client(t testing.TB, certs ...[]byte) *http.Client {
	pool := x509.NewCertPool()
	for _, c := range certs {
		require.True(t, pool.AppendCertsFromPEM(c))
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		DisableKeepAlives: true,
	}}
}

// TestTLSReviews posts the captured reviews (Pod CREATE, Deployment
// UPDATE, DELETE with oldObject, dry-run, and the others) to the webhook
// over TLS on loopback.
func TestTLSReviews(t *testing.T) {
	cert, key := selfSigned(t, 1)
	cf, kf := writePair(t, t.TempDir(), cert, key, time.Now())
	url := tlsServer(t, cf, kf, defaultPolicy(t))
	c := client(t, cert)
	for _, tc := range reviewCases {
		t.Run(tc.file, func(t *testing.T) {
			in := readReview(t, tc.file)
			resp, err := c.Post(url+"/validate", "application/json", bytes.NewReader(in))
			require.NoError(t, err)
			defer resp.Body.Close()
			require.Equal(t, 200, resp.StatusCode)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			var out admissionv1.AdmissionReview
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
			checkResponse(t, in, &out, tc.want)
		})
	}

	// Oversized bodies get 413 over the wire too.
	big := bytes.Repeat([]byte(" "), 8<<20)
	resp, err := c.Post(url+"/validate", "application/json", bytes.NewReader(big))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)

	// Plain HTTP is refused.
	plain := &http.Client{Timeout: 5 * time.Second}
	resp, err = plain.Post("http"+url[len("https"):]+"/validate", "application/json", bytes.NewReader(readReview(t, "pod-create-hardened.json")))
	if err == nil {
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "Go answers plain HTTP on a TLS port with 400")
	}
}

func servedSerial(t *testing.T, url string, roots ...[]byte) *big.Int {
	t.Helper()
	resp, err := client(t, roots...).Get(url + "/healthz")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	return resp.TLS.PeerCertificates[0].SerialNumber
}

// TestCertificateReload replaces the certificate files while the webhook
// runs: new connections get the new certificate; a broken pair is ignored
// and the previous certificate stays in service.
func TestCertificateReload(t *testing.T) {
	dir := t.TempDir()
	cert1, key1 := selfSigned(t, 1)
	now := time.Now()
	cf, kf := writePair(t, dir, cert1, key1, now)
	url := tlsServer(t, cf, kf, defaultPolicy(t))
	cert2, key2 := selfSigned(t, 2)
	assert.Equal(t, int64(1), servedSerial(t, url, cert1, cert2).Int64())

	writePair(t, dir, cert2, key2, now.Add(time.Minute))
	assert.Equal(t, int64(2), servedSerial(t, url, cert1, cert2).Int64(), "reloaded after the files changed")

	// A half-written pair (the new certificate with the old key) is not
	// loaded; the last good pair keeps serving.
	cert3, _ := selfSigned(t, 3)
	writePair(t, dir, cert3, key2, now.Add(2*time.Minute))
	assert.Equal(t, int64(2), servedSerial(t, url, cert1, cert2, cert3).Int64(), "broken pair ignored")

	cert4, key4 := selfSigned(t, 4)
	writePair(t, dir, cert4, key4, now.Add(3*time.Minute))
	assert.Equal(t, int64(4), servedSerial(t, url, cert4).Int64(), "a later good pair is loaded")
}

// TestServeRequiresCertificate checks that a missing pair stops start-up.
func TestServeRequiresCertificate(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	cfg, err := parseArgs([]string{"--tls-cert-file", "/nonexistent/tls.crt", "--tls-key-file", "/nonexistent/tls.key"}, io.Discard)
	require.NoError(t, err)
	assert.ErrorContains(t, serve(context.Background(), ln, cfg, quietLog()), "TLS certificate")
}

// TestCertReloaderInterval checks that the files are not looked at more
// often than the check interval.
func TestCertReloaderInterval(t *testing.T) {
	dir := t.TempDir()
	cert1, key1 := selfSigned(t, 1)
	now := time.Now()
	cf, kf := writePair(t, dir, cert1, key1, now)
	r, err := newCertReloader(cf, kf, time.Hour, quietLog())
	require.NoError(t, err)
	c, err := r.GetCertificate(nil)
	require.NoError(t, err)
	cert2, key2 := selfSigned(t, 2)
	writePair(t, dir, cert2, key2, now.Add(time.Minute))
	c2, err := r.GetCertificate(nil)
	require.NoError(t, err)
	assert.Same(t, c, c2, "within the interval the cached pair is served")
	r.mu.Lock()
	r.checked = time.Time{}
	r.mu.Unlock()
	c3, err := r.GetCertificate(nil)
	require.NoError(t, err)
	assert.NotSame(t, c, c3, "after the interval the new pair is loaded")
}
