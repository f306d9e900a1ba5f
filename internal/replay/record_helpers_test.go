package replay_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/internal/aksk"
	"github.com/noticeconf/noticeconf/internal/cassette"
	"github.com/noticeconf/noticeconf/internal/contract"
)

// recordingTransport is a small stand-in for the recording proxy: it passes each
// request to next, hands the live response back untouched, and adds the exchange to a
// go-vcr v3 cassette with the credentials replaced by the placeholder.
type recordingTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	c    *vcr.Cassette
}

func newRecordingTransport(cassettePath string) *recordingTransport {
	return &recordingTransport{next: &http.Transport{}, c: vcr.New(strings.TrimSuffix(cassettePath, ".yaml"))}
}

func (t *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	out := r.Clone(r.Context())
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		_ = r.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("record: read request body: %w", err)
		}
		body = b
		out.Body = io.NopCloser(bytes.NewReader(body))
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	rb, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("record: read response body: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(rb))
	t.mu.Lock()
	defer t.mu.Unlock()
	t.c.AddInteraction(&vcr.Interaction{
		Request: vcr.Request{
			Proto: r.Proto, ProtoMajor: r.ProtoMajor, ProtoMinor: r.ProtoMinor,
			ContentLength: r.ContentLength, Host: r.URL.Host,
			Body: string(body), Headers: redacted(r.Header), URL: r.URL.String(), Method: r.Method,
		},
		Response: vcr.Response{
			Proto: resp.Proto, ProtoMajor: resp.ProtoMajor, ProtoMinor: resp.ProtoMinor,
			ContentLength: resp.ContentLength, Body: string(rb), Headers: resp.Header.Clone(),
			Status: resp.Status, Code: resp.StatusCode, Duration: time.Since(start),
		},
	})
	return resp, nil
}

// save writes the cassette with go-vcr's own Save.
func (t *recordingTransport) save() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.c.Save()
}

// redacted copies h with the credentials replaced, as the recording proxy writes them.
func redacted(h http.Header) http.Header {
	out := h.Clone()
	for _, k := range []string{contract.HeaderAuthToken, contract.HeaderSecurityToken} {
		if out.Get(k) != "" {
			out.Set(k, cassette.Redacted)
		}
	}
	if a, err := aksk.ParseAuthorization(out.Get(contract.HeaderAuthorization)); err == nil {
		out.Set(contract.HeaderAuthorization, fmt.Sprintf("%s Access=%s, SignedHeaders=%s, Signature=%s",
			contract.AKSKScheme, cassette.Redacted, strings.Join(a.SignedHeaders, ";"), cassette.Redacted))
	}
	return out
}
