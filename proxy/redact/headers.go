package redact

import (
	"net/http"
	"strings"

	"github.com/noticeconf/noticeconf/internal/cassette"
)

// Headers returns a copy of h with the value of every header RequestHeaders or
// ResponseHeaders names replaced by the placeholder; an Authorization (or
// Proxy-Authorization) keeps its shape as Authorization gives it. It is the one way
// noticeconf shows headers to a person: in reports, no-match answers and logs.
func Headers(h http.Header) http.Header {
	out := h.Clone()
	if out == nil {
		return http.Header{}
	}
	for _, name := range append(RequestHeaders(), ResponseHeaders()...) {
		k := http.CanonicalHeaderKey(name)
		vs := out[k]
		for i, v := range vs {
			if strings.HasSuffix(k, "Authorization") {
				vs[i], _ = Authorization(v)
			} else {
				vs[i] = cassette.Redacted
			}
		}
	}
	return out
}
