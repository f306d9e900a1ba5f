package proxy

import (
	"net/http"
	"path/filepath"
	"slices"
	"testing"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/internal/provenance"
)

// TestProvenanceSaysWhatTheCassetteHolds records through two proxies in turn, the
// second appending to the first's cassette from another upstream with other kinds of
// credentials: the provenance each Close writes names the hosts and kinds of
// credentials that reading the whole cassette finds, without Close reading it.
func TestProvenanceSaysWhatTheCassetteHolds(t *testing.T) {
	a, b := successUpstream(t), successUpstream(t)
	path := filepath.Join(t.TempDir(), "c.yaml")
	record := func(up string, mode Mode, auths ...func(*http.Request)) provenance.Provenance {
		t.Helper()
		p, err := New(Config{Upstream: up, Cassette: path, Mode: mode})
		if err != nil {
			t.Fatal(err)
		}
		for _, auth := range auths {
			recordUpdate(t, p, auth)
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		got, err := provenance.Read(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := cassette.LoadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var want provenance.Provenance
		want.Observe(f)
		if !slices.Equal(got.Hosts, want.Hosts) || !slices.Equal(got.Credentials, want.Credentials) {
			t.Fatalf("provenance hosts %v, credentials %v; the cassette holds hosts %v, credentials %v", got.Hosts, got.Credentials, want.Hosts, want.Credentials)
		}
		return got
	}
	token := func(r *http.Request) { r.Header.Set("X-Auth-Token", "live-token-value-0001") }
	none := func(*http.Request) {}
	aksk := func(r *http.Request) {
		r.Header.Set("Authorization", "SDK-HMAC-SHA256 Access=LIVEAK0001, SignedHeaders=x-sdk-date, Signature=abc")
		r.Header.Set("X-Sdk-Date", "20261126T200000Z")
	}
	first := record(a.URL, ModeRecord, token, token)
	if len(first.Hosts) != 1 || !slices.Equal(first.Credentials, []cassette.AuthKind{cassette.AuthToken}) {
		t.Fatalf("first recording: hosts %v, credentials %v; want one host and token", first.Hosts, first.Credentials)
	}
	second := record(b.URL, ModeAppend, none, aksk)
	if len(second.Hosts) != 2 || len(second.Credentials) != 3 {
		t.Fatalf("after appending from another host with no credentials and AK/SK: hosts %v, credentials %v; want both hosts and all three kinds", second.Hosts, second.Credentials)
	}
}
