package hopbyhop_test

import (
	"net/http"
	"testing"

	"github.com/noticeconf/noticeconf/internal/hopbyhop"
)

func TestOfAddsTheNamesConnectionLists(t *testing.T) {
	// A loaded cassette keeps header names as written: here not canonical.
	const connection = "connection"
	h := http.Header{"X-Project-Id": {"p"}}
	listed := []string{"close, x-trace-hop", " Keep-Alive ,,"}
	h[connection] = listed
	hop := hopbyhop.Of(h)
	for _, name := range []string{"X-Trace-Hop", "Keep-Alive", "Connection", "Transfer-Encoding", "Te", "Upgrade"} {
		if !hop[name] {
			t.Errorf("%s is not hop-by-hop for a message with Connection: %q", name, listed)
		}
	}
	for _, name := range []string{"X-Project-Id", "Content-Type", ""} {
		if hop[name] {
			t.Errorf("%q is hop-by-hop, want it end-to-end", name)
		}
	}
}

func TestOfWithoutConnectionListsOnlyTheFixedHeaders(t *testing.T) {
	hop := hopbyhop.Of(http.Header{"Content-Type": {"application/json"}, "X-Trace-Hop": {"1"}})
	for _, name := range []string{"Connection", "Proxy-Connection", "Keep-Alive", "Te", "Trailer", "Transfer-Encoding", "Upgrade", "Proxy-Authorization"} {
		if !hop[name] {
			t.Errorf("%s is not hop-by-hop", name)
		}
	}
	for _, name := range []string{"Content-Type", "X-Trace-Hop"} {
		if hop[name] {
			t.Errorf("%s is hop-by-hop though no Connection header names it", name)
		}
	}
}
