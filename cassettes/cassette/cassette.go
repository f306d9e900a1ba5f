// Package cassette reads and writes cassette files in go-vcr v3's format (version 2):
// what the recording proxy writes and the replay server serves. LoadFile and
// LoadPaths load cassettes, and their errors (a *LoadError) name the file and the
// line; a Writer appends interactions crash-safely (each one is on disk, in a file
// that still parses, when Append returns). The package also holds the placeholder
// that stands in for a redacted secret and how a recorded request's kind of
// authentication is told.
package cassette

import (
	"net/http"
	"strings"

	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/header"
)

// FormatVersion is the go-vcr v3 cassette format version noticeconf reads and writes.
const FormatVersion = 2

// Redacted is the placeholder written in place of every secret. A header that carried
// a secret keeps its name with this value, so a replay still knows the request was
// authenticated and how.
const Redacted = "REDACTED"

// AuthKind is how a request authenticated.
type AuthKind string

const (
	// AuthNone: no X-Auth-Token and no AK/SK signature.
	AuthNone AuthKind = "none"
	// AuthToken: an X-Auth-Token header (any value, the placeholder included).
	AuthToken AuthKind = "token"
	// AuthAKSK: an "SDK-HMAC-SHA256 ..." Authorization header.
	AuthAKSK AuthKind = "aksk"
)

// AuthKindOf tells how a request with headers h authenticated. It works the same on
// live headers and on redacted, recorded ones.
func AuthKindOf(h http.Header) AuthKind {
	if header.Get(h, contract.HeaderAuthToken) != "" {
		return AuthToken
	}
	if strings.HasPrefix(strings.TrimSpace(header.Get(h, contract.HeaderAuthorization)), contract.AKSKScheme) {
		return AuthAKSK
	}
	return AuthNone
}
