package proxy

import (
	"net/http"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette/credential"
)

// nameCredentials runs on the copied interaction it before redaction. It replaces
// every value of a named credential, wherever the request or the response holds it
// (the X-Auth-Token, the Access part of an AK/SK Authorization, an echo in a body or
// a URL, raw, URL-escaped or JSON-escaped; see credential.Names.Replacer), by that
// credential's placeholder "REDACTED:NAME", and returns the name of
// the credential the request authenticated with, or "" when names names none of it.
func nameCredentials(names *credential.Names, it *vcr.Interaction) string {
	if names.Len() == 0 {
		return ""
	}
	name := names.Of(it.Request.Headers)
	r := names.Replacer()
	it.Request.URL = r.Replace(it.Request.URL)
	it.Request.RequestURI = r.Replace(it.Request.RequestURI)
	it.Request.Body = r.Replace(it.Request.Body)
	it.Response.Body = r.Replace(it.Response.Body)
	for k, vs := range it.Request.Form {
		for i, v := range vs {
			vs[i] = r.Replace(v)
		}
		it.Request.Form[k] = vs
	}
	for _, h := range []http.Header{it.Request.Headers, it.Response.Headers, it.Request.Trailer, it.Response.Trailer} {
		for k, vs := range h {
			for i, v := range vs {
				vs[i] = r.Replace(v)
			}
			h[k] = vs
		}
	}
	return name
}

// markCredential runs on the redacted interaction: it writes the placeholder of name
// where the request's credential is, in case redaction wrote the unnamed one there.
// It does nothing for name "".
func markCredential(it *vcr.Interaction, name string) error {
	if name == "" {
		return nil
	}
	return credential.Mark(it.Request.Headers, name)
}
