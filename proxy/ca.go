package proxy

import (
	"bytes"
	"container/list"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/elazarl/goproxy"

	"github.com/noticeconf/noticeconf/internal/atomicfile"
)

// Names of the CA's files in its directory.
const (
	CACertFile = "ca.pem"
	CAKeyFile  = "ca-key.pem"
)

// caValidity is how long a new CA is valid; leafValidity how long a leaf certificate
// the CA signs is (never past the CA's own end).
const (
	caValidity   = 365 * 24 * time.Hour
	leafValidity = 7 * 24 * time.Hour
)

// CA is the certificate authority the forward proxy signs its per-host (leaf)
// certificates with. Clients of the forward proxy must trust its certificate,
// CertFile. Leaf certificates are cached per host, the MaxCachedLeaves most recently
// used. A CA is safe for concurrent use.
type CA struct {
	certFile string
	cert     *x509.Certificate
	key      *ecdsa.PrivateKey

	mu     sync.Mutex
	leaves map[string]*list.Element // of *cachedLeaf, in lru
	lru    *list.List               // most recently used first
}

// MaxCachedLeaves is how many leaf certificates a CA keeps; the least recently used
// goes first. A client that tunnels to ever new hosts (every subdomain of an allowed
// domain) costs a signature each, never memory without bound.
const MaxCachedLeaves = 1024

type cachedLeaf struct {
	host string
	cert *tls.Certificate
}

// DefaultCADir returns the CA directory used when none is given: "noticeconf/ca"
// under the user's configuration directory (os.UserConfigDir).
func DefaultCADir() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("default CA directory: %w", err)
	}
	return filepath.Join(d, "noticeconf", "ca"), nil
}

// LoadOrCreateCA loads the CA kept in dir, or, when dir holds none, generates one
// there: an ECDSA P-256 key in CAKeyFile (mode 0600) and a self-signed certificate
// valid for one year in CACertFile. It refuses a key file others can read, an expired
// CA, a directory holding only one of the two files, and goproxy's bundled CA (whose
// private key is public).
func LoadOrCreateCA(dir string) (*CA, error) {
	certPath, keyPath := filepath.Join(dir, CACertFile), filepath.Join(dir, CAKeyFile)
	_, certErr := os.Stat(certPath)
	_, keyErr := os.Stat(keyPath)
	switch {
	case certErr == nil && keyErr == nil:
		return loadCA(certPath, keyPath)
	case errors.Is(certErr, fs.ErrNotExist) && errors.Is(keyErr, fs.ErrNotExist):
		return createCA(dir, certPath, keyPath)
	case certErr != nil && !errors.Is(certErr, fs.ErrNotExist):
		return nil, fmt.Errorf("CA certificate: %w", certErr)
	case keyErr != nil && !errors.Is(keyErr, fs.ErrNotExist):
		return nil, fmt.Errorf("CA key: %w", keyErr)
	default:
		return nil, fmt.Errorf("CA directory %s holds only one of %s and %s; remove it to generate a new CA", dir, CACertFile, CAKeyFile)
	}
}

func createCA(dir, certPath, keyPath string) (*CA, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("CA directory: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate CA key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{
			CommonName:   "noticeconf recording proxy CA " + serial.Text(16)[:8],
			Organization: []string{"noticeconf (local, generated on this machine)"},
		},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(caValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("sign CA certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode CA key: %w", err)
	}
	if err := atomicfile.Write(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return nil, err
	}
	if err := atomicfile.Write(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return nil, err
	}
	return loadCA(certPath, keyPath)
}

func loadCA(certPath, keyPath string) (*CA, error) {
	fi, err := os.Stat(keyPath)
	if err != nil {
		return nil, fmt.Errorf("CA key: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("CA key %s has mode %04o: others can read it; run chmod 600 on it", keyPath, fi.Mode().Perm())
	}
	pair, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		return nil, fmt.Errorf("load CA from %s: %w", filepath.Dir(certPath), err)
	}
	if bundled, _ := pem.Decode(goproxy.CA_CERT); bundled != nil && bytes.Equal(bundled.Bytes, pair.Certificate[0]) {
		return nil, fmt.Errorf("CA in %s is goproxy's bundled CA, whose private key is public; remove it to generate a new CA", filepath.Dir(certPath))
	}
	cert, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return nil, fmt.Errorf("parse CA certificate %s: %w", certPath, err)
	}
	key, ok := pair.PrivateKey.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("CA key %s: want an ECDSA key, got %T", keyPath, pair.PrivateKey)
	}
	if !cert.IsCA {
		return nil, fmt.Errorf("certificate %s is not a CA", certPath)
	}
	if now := time.Now(); now.After(cert.NotAfter) {
		return nil, fmt.Errorf("CA %s expired on %s; remove %s to generate a new one (and trust it again)", certPath, cert.NotAfter.Format(time.DateOnly), filepath.Dir(certPath))
	}
	return &CA{certFile: certPath, cert: cert, key: key, leaves: map[string]*list.Element{}, lru: list.New()}, nil
}

// CertFile returns the path of the CA certificate (PEM), the file clients must trust.
func (ca *CA) CertFile() string { return ca.certFile }

// Certificate returns the CA certificate.
func (ca *CA) Certificate() *x509.Certificate { return ca.cert }

// CertPool returns a pool holding only the CA certificate, for clients in Go.
func (ca *CA) CertPool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// leaf returns a certificate for host (a DNS name or an IP address) signed by the CA,
// from the cache while it has more than an hour left.
func (ca *CA) leaf(host string) (*tls.Certificate, error) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	if e := ca.leaves[host]; e != nil {
		if c := e.Value.(*cachedLeaf).cert; time.Until(c.Leaf.NotAfter) > time.Hour {
			ca.lru.MoveToFront(e)
			return c, nil
		}
		ca.lru.Remove(e)
		delete(ca.leaves, host)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate key for %s: %w", host, err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	notAfter := now.Add(leafValidity)
	if notAfter.After(ca.cert.NotAfter) {
		notAfter = ca.cert.NotAfter
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: host},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if ip := net.ParseIP(host); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else {
		tmpl.DNSNames = []string{host}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return nil, fmt.Errorf("sign certificate for %s: %w", host, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse certificate for %s: %w", host, err)
	}
	c := &tls.Certificate{Certificate: [][]byte{der, ca.cert.Raw}, PrivateKey: key, Leaf: leaf}
	ca.leaves[host] = ca.lru.PushFront(&cachedLeaf{host: host, cert: c})
	for ca.lru.Len() > MaxCachedLeaves {
		old := ca.lru.Remove(ca.lru.Back()).(*cachedLeaf)
		delete(ca.leaves, old.host)
	}
	return c, nil
}

func randomSerial() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("certificate serial: %w", err)
	}
	return n.Add(n, big.NewInt(1)), nil
}
