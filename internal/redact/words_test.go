package redact

import (
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// foldedText draws text made of the letters of the policy's words, their upper
// case, fold's separators, URL punctuation and letters that Unicode lower-cases to
// ASCII (the Kelvin sign to k, the dotted capital I to i and a combining dot).
func foldedText() *rapid.Generator[string] {
	pieces := []string{
		"t", "o", "k", "e", "n", "T", "O", "K", "E", "N", "s", "S", "i", "g", "a", "A", "p", "w", "d", "h", "b", "r", "c",
		"u", "x", "y", "z", "q", "Q", "\x00", "0", "7", "-", "_", ".", " ", "%", "3a", "2F", "/", ":", "\\", "{", "\"",
		"\u212a", "\u0130", "é", "token", "bot", "hook", "sig", "Sign", "ak", "pwd", "X-Auth-", "Session", "%3A%2f%2F", "eyJ", "J",
	}
	return rapid.Custom(func(t *rapid.T) string {
		parts := rapid.SliceOfN(rapid.SampledFrom(pieces), 0, 12).Draw(t, "parts")
		return strings.Join(parts, "")
	})
}

// TestFoldedSearchMatchesFoldingFirst holds the searches that fold as they read to
// the rules written with the folded copy: IsSecretName, quiet and mentionsSecret
// answer as fold followed by strings.Contains does (and, for IsSecretName, the parts
// of the name lower-cased compared with the secret names), ASCII or not.
func TestFoldedSearchMatchesFoldingFirst(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		// Config.Headers joins the words: of one letter, or not ASCII once folded.
		p, err := New(Config{Headers: rapid.SliceOfN(rapid.SampledFrom([]string{"X-Kelvin-\u212aey", "My.Custom_Hdr", "Q", "d"}), 0, 2).Draw(t, "headers")})
		if err != nil {
			t.Fatal(err)
		}
		mentionList := slices.Concat(secretWords, secretNames, schemeWords, p.folded)
		s := foldedText().Draw(t, "s")
		f := fold(s)
		parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '_' || r == '.' || r == ' ' })
		wantName := slices.Contains(secretNames, f) || slices.ContainsFunc(secretWords, func(w string) bool { return strings.Contains(f, w) }) ||
			slices.ContainsFunc(parts, func(part string) bool { return slices.Contains(secretNames, strings.ToLower(part)) })
		if got := IsSecretName(s); got != wantName {
			t.Fatalf("IsSecretName(%q) = %v; fold gives %q, which says %v", s, got, f, wantName)
		}
		wantMention := slices.ContainsFunc(mentionList, func(w string) bool { return strings.Contains(f, w) })
		if got := p.mentionsSecret(s); got != wantMention {
			t.Fatalf("mentionsSecret(%q) = %v; fold gives %q, which says %v", s, got, f, wantMention)
		}
		wantQuiet := !strings.Contains(s, `\`) && !strings.Contains(s, "://") && !wantMention &&
			!strings.Contains(f, "%3a%2f%2f") && !strings.Contains(f, "hook") && !strings.Contains(f, "bot") && !strings.Contains(s, jwtStart)
		if got := p.quiet(s); got != wantQuiet {
			t.Fatalf("quiet(%q) = %v; fold gives %q, which says %v", s, got, f, wantQuiet)
		}
	})
}
