package redact

import (
	"testing"

	"pgregory.net/rapid"
)

// TestUnescapeTextAgreesWithDecode holds the two ways of taking a layer of escapes
// off to one result: unescapeText, which the text rules read under, and view.decode,
// which the scrubber maps back to the original with.
func TestUnescapeTextAgreesWithDecode(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		parts := rapid.SliceOf(rapid.SampledFrom([]string{
			"a", "Z", "0", "=", "?", " ", "%", "%3D", "%3d", "%25", "%2", "%zz", "&", "&amp;", "&#43;", "&#x2F;", "&lt", ";",
			`\`, `\/`, `\"`, `\u0026`, `\u00`, `\ud83d\ude00`, `\ud83d`, "é", "\xff",
		})).Draw(t, "parts")
		var s string
		for _, p := range parts {
			s += p
		}
		v, vok := identity(s).decode()
		got, ok := unescapeText(s)
		if ok != vok {
			t.Fatalf("unescapeText(%q) reports %v, view.decode %v", s, ok, vok)
		}
		if ok && got != string(v.text) {
			t.Fatalf("unescapeText(%q) = %q, view.decode gives %q", s, got, v.text)
		}
		if !ok && got != s {
			t.Fatalf("unescapeText(%q) = %q with nothing taken off", s, got)
		}
	})
}
