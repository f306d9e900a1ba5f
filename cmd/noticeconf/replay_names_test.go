package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/noticeconf/noticeconf/fixtures/mock"
)

// TestReplayNamesCredentialsByDefault serves the shipped cassettes without
// --credential: the demo profile's token gets the valid update's 200 and its
// forbidden token the 403, however often and in whatever order they ask, and any
// other token the unnamed (unknown) token's 401.
func TestReplayNamesCredentialsByDefault(t *testing.T) {
	for _, v := range []string{"NOTICECONF_TOKEN", "NOTICECONF_FORBIDDEN_TOKEN", "NOTICECONF_AK"} {
		t.Setenv(v, "") // unset: the demo profile's
	}
	cfg, err := mock.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, "replay", "--cassette", "../../cassettes/reference-mock", "--listen", "127.0.0.1:0")
	send := func(token string) int {
		req, err := http.NewRequest(http.MethodPost, s.url+"/v3/jobs/notice/"+cfg.JobIDs[0]+"/update",
			strings.NewReader(`{"notice_type":"MESSAGE","enabled_event_type_names":["buildJobSuccess","buildJobFail"]}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json;charset=UTF-8")
		req.Header.Set("X-Auth-Token", token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := range 10 {
		if got := send(cfg.ForbiddenTokens[0]); got != http.StatusForbidden {
			t.Fatalf("request %d, the demo forbidden token: %d, want 403", 3*i, got)
		}
		if got := send(cfg.Tokens[0]); got != http.StatusOK {
			t.Fatalf("request %d, the demo token: %d, want 200", 3*i+1, got)
		}
		if got := send("MIIsome-other-token-0000"); got != http.StatusUnauthorized {
			t.Fatalf("request %d, another token: %d, want 401", 3*i+2, got)
		}
	}
}
