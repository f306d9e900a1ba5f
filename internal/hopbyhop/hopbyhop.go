// Package hopbyhop holds the hop-by-hop headers of HTTP/1.1 (RFC 9110 section 7.6.1):
// headers that describe one connection, not the message, so that a replayed answer
// and a re-sent recorded request carry none of the recorded connection's.
package hopbyhop

import (
	"net/http"
	"net/textproto"
	"strings"
)

// Headers returns the hop-by-hop headers any message may carry, in canonical form:
// RFC 9110's, and the older ones proxies still send (Proxy-Connection, Keep-Alive).
func Headers() []string {
	return []string{
		"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
		"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
	}
}

// Of returns the canonical names of the hop-by-hop headers of a message whose header
// is h: every one of Headers, and every name h's Connection header lists.
func Of(h http.Header) map[string]bool {
	hop := make(map[string]bool, len(Headers())+2)
	for _, name := range Headers() {
		hop[name] = true
	}
	for k, vs := range h {
		if textproto.CanonicalMIMEHeaderKey(k) != "Connection" {
			continue
		}
		for _, v := range vs {
			for _, name := range strings.Split(v, ",") {
				if name = strings.TrimSpace(name); name != "" {
					hop[textproto.CanonicalMIMEHeaderKey(name)] = true
				}
			}
		}
	}
	return hop
}
