package verify_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/cassette/credential"
	"github.com/noticeconf/noticeconf/internal/verify"
)

// TestReplayCredentialsNameTheShippedCassettes: a replay target with no credentials
// given hands OpenReplay the credentials its checks send (the target's token,
// forbidden token and access key), under exactly the names the shipped cassettes
// record.
func TestReplayCredentialsNameTheShippedCassettes(t *testing.T) {
	files, err := cassette.LoadPaths("../../cassettes/reference-mock")
	if err != nil {
		t.Fatal(err)
	}
	var recorded []string
	for _, f := range files {
		for _, in := range f.Interactions {
			if name := credential.Recorded(in.Request.Headers); name != "" && !slices.Contains(recorded, name) {
				recorded = append(recorded, name)
			}
		}
	}
	var sent []verify.ReplayCredential
	o := verify.Options{Target: "replay:../../cassettes/reference-mock",
		OpenReplay: func(_ context.Context, _ string, s []verify.ReplayCredential) (http.Handler, error) {
			sent = s
			return http.NotFoundHandler(), nil
		}}
	target, _, stop, err := o.ResolveTarget(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	values := map[string]string{}
	var names []string
	for _, c := range sent {
		values[c.Name] = c.Value
		names = append(names, c.Name)
	}
	slices.Sort(recorded)
	slices.Sort(names)
	if !slices.Equal(names, recorded) {
		t.Fatalf("verify names its credentials %q; the shipped cassettes record %q", names, recorded)
	}
	for name, want := range map[string]string{verify.ReplayTokenName: target.Token, verify.ReplayForbiddenName: target.ForbiddenToken, verify.ReplayAKName: target.AK} {
		if values[name] != want || want == "" {
			t.Errorf("the credential named %q is not the one the checks send as it", name)
		}
	}
}

// TestDefaultReplayCredentialsOneNameAValue: an empty credential gets no name, and a
// value given twice keeps its first name only.
func TestDefaultReplayCredentialsOneNameAValue(t *testing.T) {
	got := verify.DefaultReplayCredentials("same", "same", "", "")
	if len(got) != 1 || got[0].Name != verify.ReplayTokenName {
		var names []string
		for _, c := range got {
			names = append(names, c.Name)
		}
		t.Fatalf("a token equal to the forbidden one, no access key: got the names %q, want only %q", names, verify.ReplayTokenName)
	}
}
