// Package header reads headers by names already in canonical form, without
// canonicalising the name again on every call as http.Header.Get does: for the
// headers a server reads on every request.
package header

import "net/http"

// Get returns the first value of the header key in h, or "": what h.Get(key)
// returns when key is in canonical form (textproto.CanonicalMIMEHeaderKey).
func Get(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Values returns the values of the header key in h: what h.Values(key) returns when
// key is in canonical form. The slice is h's own; the caller must not change it.
func Values(h http.Header, key string) []string { return h[key] }
