package proxy

import (
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"time"
)

// NewTransport returns an http.Transport configured as the one a Proxy built from cfg
// reaches its upstream through: cfg.UpstreamRootCAs and cfg.InsecureUpstream for TLS,
// cfg.ResponseHeaderTimeout (DefaultResponseHeaderTimeout if zero), up to 64 idle
// connections per host, HTTP/2 where the upstream offers it, and no transparent
// decompression (the client's Accept-Encoding is passed on as sent). It reads no other
// field of cfg.
//
// New builds its transport with NewTransport, so a baseline that should differ from
// the proxy only in not recording can use the same settings.
func NewTransport(cfg Config) *http.Transport {
	headerTimeout := cfg.ResponseHeaderTimeout
	if headerTimeout <= 0 {
		headerTimeout = DefaultResponseHeaderTimeout
	}
	return &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       &tls.Config{RootCAs: cfg.UpstreamRootCAs, InsecureSkipVerify: cfg.InsecureUpstream, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: headerTimeout,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   64,
		ForceAttemptHTTP2:     true,
		// The proxy passes the client's Accept-Encoding on as sent and never decodes a
		// live body; only the recording is decoded.
		DisableCompression: true,
	}
}

// NewReverseProxy returns the httputil.ReverseProxy a Proxy's reverse mode is built
// on: every request goes to upstream (its scheme, host and base path) through rt, and
// response bodies are copied through pooled 32 KiB buffers. A Proxy sets rt to its
// recording round trip and its own error handler; with rt from NewTransport and
// nothing else, it is the recording proxy without the recording.
func NewReverseProxy(upstream *url.URL, rt http.RoundTripper) *httputil.ReverseProxy {
	return &httputil.ReverseProxy{
		Rewrite:    func(pr *httputil.ProxyRequest) { pr.SetURL(upstream) },
		Transport:  rt,
		BufferPool: newBufferPool(),
	}
}

// bufferPool lends the 32 KiB buffers ReverseProxy copies response bodies through, so
// that a proxied request does not allocate one each.
type bufferPool struct{ p sync.Pool }

var _ httputil.BufferPool = (*bufferPool)(nil)

func newBufferPool() *bufferPool {
	return &bufferPool{p: sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}}
}

// Get returns a buffer from the pool.
func (b *bufferPool) Get() []byte { return *b.p.Get().(*[]byte) }

// Put returns buf to the pool.
func (b *bufferPool) Put(buf []byte) { b.p.Put(&buf) }
