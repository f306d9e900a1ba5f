package replay_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"pgregory.net/rapid"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/cassette/credential"
	"github.com/noticeconf/noticeconf/cassettes/replay"
)

// namedTokens is a cassette with one update recorded for an allowed token (200) and
// the same update for a forbidden one (403), each under its name.
func namedTokens() *cassette.File {
	f := file("named.yaml",
		rec{method: "POST", url: update, auth: cassette.AuthToken, body: mailBody, code: 200, answer: okAnswer},
		rec{method: "POST", url: update, auth: cassette.AuthToken, body: mailBody, code: 403, answer: `{"error_code":"APIGW.0302","error_msg":"The IAM user is not authorized to access the API."}`},
	)
	f.Interactions[0].Request.Headers.Set("X-Auth-Token", credential.Placeholder("allowed"))
	f.Interactions[1].Request.Headers.Set("X-Auth-Token", credential.Placeholder("forbidden"))
	return f
}

// TestNamedCredentialsAnyOrder sends the allowed and the forbidden token in 100
// random orders (rapid's default count) and wants each its own recorded answer.
func TestNamedCredentialsAnyOrder(t *testing.T) {
	live := map[string]string{"allowed": "MIIallowed-live-token", "forbidden": "MIIforbidden-live-token"}
	env := map[string]string{"TOK_A": live["allowed"], "TOK_F": live["forbidden"]}
	names, err := credential.Parse([]string{"allowed=TOK_A", "forbidden=TOK_F"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	h, err := replay.New([]*cassette.File{namedTokens()}, replay.Options{Credentials: names})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"allowed": http.StatusOK, "forbidden": http.StatusForbidden}
	rapid.Check(t, func(t *rapid.T) {
		h.Reset()
		order := rapid.SliceOfN(rapid.SampledFrom([]string{"allowed", "forbidden"}), 1, 12).Draw(t, "order")
		for i, who := range order {
			r := request("POST", update, cassette.AuthToken, mailBody)
			r.Header.Set("X-Auth-Token", live[who])
			w := serve(h, r)
			if w.Code != want[who] {
				t.Fatalf("request %d with the %s token: got %d, want %d as recorded for it; body %s", i, who, w.Code, want[who], w.Body.String())
			}
		}
	})
}

// TestNamedCredentialsUnnamed: a token the replay cannot name matches no named
// recording, and the no-match answer names the credential that differs; a named
// token matches an unnamed recording of its kind, as before names existed.
func TestNamedCredentialsUnnamed(t *testing.T) {
	h, err := replay.New([]*cassette.File{namedTokens()}, replay.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := serve(h, request("POST", update, cassette.AuthToken, mailBody))
	if w.Code != replay.NoMatchStatus {
		t.Fatalf("an unnamed token got %d, want the no-match %d", w.Code, replay.NoMatchStatus)
	}
	rep := decodeNoMatch(t, w.Body.Bytes())
	if len(rep.Closest) == 0 || len(rep.Closest[0].Differences) != 1 || rep.Closest[0].Differences[0].Field != replay.FieldCredential ||
		*rep.Closest[0].Differences[0].Recorded != "allowed" || rep.Closest[0].Differences[0].Received != nil {
		t.Fatalf("want one difference, the credential recorded as allowed and received unnamed; got %+v", rep.Closest)
	}

	plain, err := replay.New([]*cassette.File{file("plain.yaml", rec{method: "POST", url: update, auth: cassette.AuthToken, body: mailBody, code: 200, answer: okAnswer})},
		replay.Options{Credentials: mustNames(t, "allowed=X", map[string]string{"X": "MIIlive-token-secret-value"})})
	if err != nil {
		t.Fatal(err)
	}
	if w := serve(plain, request("POST", update, cassette.AuthToken, mailBody)); w.Code != http.StatusOK {
		t.Fatalf("a named token against an unnamed recording got %d, want the recorded 200", w.Code)
	}
}

func mustNames(t *testing.T, spec string, env map[string]string) *credential.Names {
	t.Helper()
	n, err := credential.Parse([]string{spec}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// decodeNoMatch decodes a no-match answer's body for a plain test.
func decodeNoMatch(t *testing.T, b []byte) replay.NoMatchReport {
	t.Helper()
	var rep replay.NoMatchReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("no-match body: %v: %s", err, b)
	}
	return rep
}

// TestNamedCredentialInQueryAndBody: where a recording holds a named placeholder in
// the query or the body, the named credential's value matches there, and no other
// value does (a named placeholder is not a wildcard).
func TestNamedCredentialInQueryAndBody(t *testing.T) {
	const live = "MIIlive+token/value="
	f := file("named.yaml", rec{method: "POST", url: update + "?sig=REDACTED:allowed", auth: cassette.AuthToken,
		body: `{"notice_type":"MAIL","param_config":"REDACTED:allowed"}`, code: 200, answer: okAnswer})
	f.Interactions[0].Request.Headers.Set("X-Auth-Token", credential.Placeholder("allowed"))
	h, err := replay.New([]*cassette.File{f}, replay.Options{Credentials: mustNames(t, "allowed=X", map[string]string{"X": live})})
	if err != nil {
		t.Fatal(err)
	}
	send := func(v string) int {
		r := request("POST", update+"?sig="+url.QueryEscape(v), cassette.AuthToken, `{"param_config":`+strconv.Quote(v)+`,"notice_type":"MAIL"}`)
		r.Header.Set("X-Auth-Token", live)
		return serve(h, r).Code
	}
	if got := send(live); got != http.StatusOK {
		t.Errorf("the named credential in the query and the body: got %d, want the recorded 200", got)
	}
	if got := send("MIIsome-other-value"); got != replay.NoMatchStatus {
		t.Errorf("another value where the recording names a credential: got %d, want no match", got)
	}
}
