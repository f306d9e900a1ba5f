package replay_test

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"

	vcr3 "gopkg.in/dnaeon/go-vcr.v3/cassette"
	vcr4 "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/cassette/credential"
	"github.com/noticeconf/noticeconf/cassettes/replay"
)

// The names `make cassettes` records the shipped cassette's credentials under, and
// that `noticeconf verify --target replay:PATH` gives its own (verify.ReplayTokenName,
// verify.ReplayForbiddenName, verify.ReplayAKName). The values are any: a replay
// never checks them.
const (
	shippedToken     = "MIIshipped-valid-token"
	shippedForbidden = "MIIshipped-forbidden-token"
	shippedInvalid   = "MIIshipped-unknown-token"
)

// shippedReplay returns the replay of the shipped cassette with the valid and the
// forbidden token named as it records them, and its valid update: the request
// recorded with the fault of Prefer: code=500, without that header.
func shippedReplay(t *testing.T) (*replay.Handler, *cassette.Interaction) {
	t.Helper()
	files, err := cassette.LoadPaths(shippedCassette)
	if err != nil {
		t.Fatal(err)
	}
	var fault *cassette.Interaction
	for i := range files[0].Interactions {
		in := &files[0].Interactions[i]
		if in.Response.Code == http.StatusInternalServerError && in.Request.Headers.Get("Prefer") != "" && cassette.AuthKindOf(in.Request.Headers) == cassette.AuthToken {
			fault = in
			break
		}
	}
	if fault == nil {
		t.Fatalf("%s records no fault for a token request", shippedCassette)
	}
	env := map[string]string{"T": shippedToken, "F": shippedForbidden}
	names, err := credential.Parse([]string{"token=T", "forbidden=F"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	h, err := replay.New(files, replay.Options{Credentials: names})
	if err != nil {
		t.Fatal(err)
	}
	return h, fault
}

// TestShippedCassetteUnderLoad sends the shipped cassette's valid update 200 times
// from 16 goroutines, each choosing at random (seeded) the valid token, the forbidden
// token, an unknown token, or the valid token asking for the fault, many times more
// than any of them was recorded. Each gets its own recorded answer every time, in
// whatever order the requests arrive: the valid token 200, the forbidden one 403, the
// unknown one 401, the fault 500 (and the valid update without Prefer never gets
// the fault recorded with the same body).
func TestShippedCassetteUnderLoad(t *testing.T) {
	h, fault := shippedReplay(t)
	type kind struct {
		name, token string
		prefer      bool
		want        int
	}
	kinds := []kind{
		{"the valid token", shippedToken, false, http.StatusOK},
		{"the forbidden token", shippedForbidden, false, http.StatusForbidden},
		{"an unknown token", shippedInvalid, false, http.StatusUnauthorized},
		{"the valid token with Prefer: code=500", shippedToken, true, http.StatusInternalServerError},
	}
	const requests, workers = 200, 16
	var (
		mu    sync.Mutex
		wrong = map[string]map[int]int{} // kind → status → count, of wrong answers
		sent  = map[string]int{}
		wg    sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(1, uint64(w)))
			for range requests / workers {
				k := kinds[rng.IntN(len(kinds))]
				r := request(fault.Request.Method, fault.Request.URL, cassette.AuthToken, fault.Request.Body)
				r.Header.Set("X-Auth-Token", k.token)
				if k.prefer {
					r.Header.Set("Prefer", fault.Request.Headers.Get("Prefer"))
				}
				code := serve(h, r).Code
				mu.Lock()
				sent[k.name]++
				if code != k.want {
					if wrong[k.name] == nil {
						wrong[k.name] = map[int]int{}
					}
					wrong[k.name][code]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, k := range kinds {
		if sent[k.name] == 0 {
			t.Errorf("%s was never sent: the draw covers too little", k.name)
		}
		if len(wrong[k.name]) > 0 {
			t.Errorf("%s's valid update, sent %d times: want %d every time, got wrong answers (status: count) %v", k.name, sent[k.name], k.want, wrong[k.name])
		}
	}
}

// TestShippedCassetteShuffled sends the valid and the forbidden token's valid update
// in 100 shuffled orders, each four times the valid update's recordings long, and
// wants each token its own answer at every step.
func TestShippedCassetteShuffled(t *testing.T) {
	h, fault := shippedReplay(t)
	rng := rand.New(rand.NewPCG(2, 0))
	tokens := map[string]int{shippedToken: http.StatusOK, shippedForbidden: http.StatusForbidden}
	for round := range 100 {
		h.Reset()
		var order []string
		for range 40 {
			order = append(order, shippedToken, shippedForbidden)
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for i, tok := range order {
			r := request(fault.Request.Method, fault.Request.URL, cassette.AuthToken, fault.Request.Body)
			r.Header.Set("X-Auth-Token", tok)
			if w := serve(h, r); w.Code != tokens[tok] {
				t.Fatalf("order %d, request %d (%s): got %d, want %d; body %s", round, i, describe(tok), w.Code, tokens[tok], w.Body.String())
			}
		}
	}
}

func describe(tok string) string {
	if tok == shippedForbidden {
		return "the forbidden token"
	}
	return "the valid token"
}

// TestShippedCassetteLoadsInGoVCR: go-vcr v3 and v4 load the shipped cassette, with
// its credentials' names where noticeconf reads them.
func TestShippedCassetteLoadsInGoVCR(t *testing.T) {
	name := strings.TrimSuffix(shippedCassette, ".yaml")
	c3, err := vcr3.Load(name)
	if err != nil {
		t.Fatalf("go-vcr v3 loads %s: %v", shippedCassette, err)
	}
	c4, err := vcr4.Load(name)
	if err != nil {
		t.Fatalf("go-vcr v4 loads %s: %v", shippedCassette, err)
	}
	count := func(headers func(i int) http.Header, n int) map[string]int {
		names := map[string]int{}
		for i := range n {
			names[credential.Recorded(headers(i))]++
		}
		return names
	}
	got3 := count(func(i int) http.Header { return c3.Interactions[i].Request.Headers }, len(c3.Interactions))
	got4 := count(func(i int) http.Header { return c4.Interactions[i].Request.Headers }, len(c4.Interactions))
	for _, want := range []string{"token", "forbidden", "aksk"} {
		if got3[want] == 0 || got4[want] == 0 {
			t.Errorf("the credential %q: go-vcr v3 reads it in %d interactions, v4 in %d; want some in each", want, got3[want], got4[want])
		}
	}
}
