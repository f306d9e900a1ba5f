package redact_test

import (
	"strings"
	"testing"

	"github.com/noticeconf/noticeconf/internal/redact"
)

// TestURLHookAndBotPaths holds the path rules of URL to their words in any case, and
// leaves a path without them as it is.
func TestURLHookAndBotPaths(t *testing.T) {
	p := redact.Default()
	for in, want := range map[string]string{
		"https://example.com/api/WebHooks/3f9a1c7e5b2d4f60":                   "https://example.com/api/WebHooks/REDACTED",
		"https://example.com/x/HOOK/3f9a1c7e5b2d4f60/y":                       "https://example.com/x/HOOK/REDACTED",
		"https://api.telegram.org/bot123456:AAbbCCddEEff00/sendMessage":       "https://api.telegram.org/botREDACTED/sendMessage",
		"https://hooks.example.com/services/T0000000A/B0000000B":              "https://hooks.example.com/REDACTED",
		"/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update":             "/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update",
		"https://example.com/robots/about/48c66c6002964721be537cdc6ce0297b/x": "https://example.com/robots/about/48c66c6002964721be537cdc6ce0297b/x",
	} {
		if got := p.URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTextDecodedHookPaths holds the hook rule to decoded paths, as an echoing server
// shows them: a token with slashes or markup characters in it is still one token,
// however short its parts.
func TestTextDecodedHookPaths(t *testing.T) {
	p := redact.Default()
	for _, token := range []string{"Zq/wwwwwww", "Zq/a/b/c/d/e", "Zq<abc>def", "Zq&a=b+c~d", "Zq/<>/&=/"} {
		for _, text := range []string{
			`{"echo":{"path":"/open-apis/bot/v2/hook/` + token + `"}}`,
			"path /open-apis/bot/v2/hook/" + token,
			"/hooks/" + token,
		} {
			if got := p.Text(text); strings.Contains(got, token) {
				t.Errorf("Text(%q) = %q, holds the token", text, got)
			}
		}
	}
	// The parts of a path that come before its hook segment stay.
	if got, want := p.Text("/open-apis/bot/v2/hook/Zq/wwwwwww"), "/open-apis/bot/v2/hook/REDACTED"; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
}
