package proxy

import (
	"net/http"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette/credential"
)

// replaceCredentials runs on the copied interaction it before redaction. It replaces
// every value of a named credential, wherever the request or the response holds it
// (the X-Auth-Token, the Access part of an AK/SK Authorization, an echo in a body or
// a URL, raw, URL-escaped or JSON-escaped; see credential.Names.Replacer), by that
// credential's placeholder "REDACTED:NAME".
func replaceCredentials(names *credential.Names, it *vcr.Interaction) {
	if names.Len() == 0 {
		return
	}
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
}

// markCredential runs on the redacted interaction: it writes the placeholder of name
// where the request's credential is, in case redaction wrote the unnamed one there.
// For name "" it writes the unnamed placeholder over a named one: an access key whose
// signature did not verify names nothing, though replaceCredentials named its value.
func markCredential(it *vcr.Interaction, name string) error {
	if name == "" {
		return credential.Mark(it.Request.Headers, "")
	}
	return credential.Mark(it.Request.Headers, name)
}
