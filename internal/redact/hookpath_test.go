package redact_test

import (
	"testing"

	"github.com/noticeconf/noticeconf/internal/redact"
)

// TestURLHookAndBotPaths holds the path rules of URL to their words in any case, and
// leaves a path without them as it is.
func TestURLHookAndBotPaths(t *testing.T) {
	p := redact.Default()
	for in, want := range map[string]string{
		"https://example.com/api/WebHooks/3f9a1c7e5b2d4f60":                   "https://example.com/api/WebHooks/REDACTED",
		"https://example.com/x/HOOK/3f9a1c7e5b2d4f60/y":                       "https://example.com/x/HOOK/REDACTED/y",
		"https://api.telegram.org/bot123456:AAbbCCddEEff00/sendMessage":       "https://api.telegram.org/botREDACTED/sendMessage",
		"https://hooks.example.com/services/T0000000A/B0000000B":              "https://hooks.example.com/REDACTED/REDACTED/REDACTED",
		"/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update":             "/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update",
		"https://example.com/robots/about/48c66c6002964721be537cdc6ce0297b/x": "https://example.com/robots/about/48c66c6002964721be537cdc6ce0297b/x",
	} {
		if got := p.URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}
