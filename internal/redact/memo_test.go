package redact

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"
)

// TestHeaderMemoIsBoundedAndAnswersAsTheRule sends ever-new header names through a
// policy, from several goroutines at once: every answer is the rule's, and the memo
// never holds more than maxMemoNames names, nor a name longer than maxMemoNameLen.
func TestHeaderMemoIsBoundedAndAnswersAsTheRule(t *testing.T) {
	p, err := New(Config{Headers: []string{"X-Custom"}})
	if err != nil {
		t.Fatal(err)
	}
	long := "X-" + strings.Repeat("a", maxMemoNameLen) + "-Token"
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range 3 * maxMemoNames {
				for _, name := range []string{
					fmt.Sprintf("X-New-%d-%d", g, n), fmt.Sprintf("X-Auth-%d-%d", g, n),
					"X-Custom", "x-custom", "Content-Type", "X-Auth-Token", "Sec-WebSocket-Key", long,
				} {
					if got, want := p.secretHeader(name), p.judgeHeader(name); got != want {
						errs <- fmt.Sprintf("secretHeader(%q) = %v, the rule says %v", name, got, want)
						return
					}
				}
				if n := p.names.len(); n > maxMemoNames {
					errs <- fmt.Sprintf("the memo holds %d names, more than %d", n, maxMemoNames)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if _, ok := p.names.get(long); ok {
		t.Errorf("the memo holds a name of %d bytes, longer than %d", len(long), maxMemoNameLen)
	}
}

// TestHeaderMemoBelongsToItsPolicy asks two policies about the same name: the one
// whose Config.Headers holds it redacts it, the other does not, whichever asks first.
func TestHeaderMemoBelongsToItsPolicy(t *testing.T) {
	custom, err := New(Config{Headers: []string{"X-Tenant"}})
	if err != nil {
		t.Fatal(err)
	}
	def := Default()
	for range 2 {
		if !custom.secretHeader("X-Tenant") {
			t.Error("a policy with --redact-header X-Tenant does not redact X-Tenant")
		}
		if def.secretHeader("X-Tenant") {
			t.Error("the default policy redacts X-Tenant, which only another policy's Config.Headers names")
		}
	}
	// Learn's policy shares the memo and the headers it stands for.
	learned := custom.Learn(map[string][]string{"X-Auth-Token": {"tok-0123456789abcdef"}})
	if !learned.secretHeader("X-Tenant") || learned.names != custom.names {
		t.Error("a policy made by Learn does not answer from the memo of the policy it came from")
	}
}

// TestEncodingMemoIsBoundedAndAnswersAsEncodingsOf asks for the encodings of
// ever-new secrets, some repeated, some too long to remember, from several
// goroutines: every answer is encodingsOf's, and the memo stays within its bounds.
func TestEncodingMemoIsBoundedAndAnswersAsEncodingsOf(t *testing.T) {
	m := newEncodingMemo()
	shared := "tok+en/shared=" + strings.Repeat("&<\"\\", 100)
	tooLong := strings.Repeat("a+b/", maxMemoSecretLen/4+1)
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range 2 * maxMemoSecrets {
				// A secret of up to 9 KiB (about 70 KiB encoded) most of the time: the byte bound applies before the count.
				big := fmt.Sprintf("sig %d/%d ", g, n) + strings.Repeat("x\"", n%4*1500)
				for _, s := range []string{shared, big} {
					if got, want := m.of(s), encodingsOf(s); !slices.Equal(got, want) {
						errs <- fmt.Sprintf("of(%.20q...) = %d forms, encodingsOf gives %d", s, len(got), len(want))
						return
					}
				}
				if n, b := m.stats(); n > maxMemoSecrets || b > maxMemoBytes {
					errs <- fmt.Sprintf("the memo holds %d secrets in %d bytes, more than %d or %d", n, b, maxMemoSecrets, maxMemoBytes)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if got, want := m.of(tooLong), encodingsOf(tooLong); !slices.Equal(got, want) {
		t.Errorf("of(a secret too long to remember) = %d forms, encodingsOf gives %d", len(got), len(want))
	}
	m.mu.RLock()
	_, held := m.forms[tooLong]
	m.mu.RUnlock()
	if held {
		t.Errorf("the memo holds a secret of %d bytes, longer than %d", len(tooLong), maxMemoSecretLen)
	}
}

// TestRememberedEncodingsRedactAsFreshOnes redacts the same interaction, whose token
// needs escaping, twice with one policy and once with a new one: the three results
// are the same, and hold the token in none of its encodings.
func TestRememberedEncodingsRedactAsFreshOnes(t *testing.T) {
	token := "MIIZ+kQY/JKoZ=hvcN&AQ<cC>"
	newInteraction := func() *vcr.Interaction {
		return &vcr.Interaction{
			Request: vcr.Request{Method: http.MethodPost, URL: "https://example.com/v3/x?echo=" + url.QueryEscape(token),
				Headers: http.Header{"X-Auth-Token": {token}}, Body: `{"note":` + strconv.Quote(`{"t":`+strconv.Quote(token)+`}`) + `}`},
			Response: vcr.Response{Code: 200, Headers: http.Header{}, Body: `{"echo":"` + strings.ReplaceAll(token, "&", `\u0026`) + `"}`},
		}
	}
	p := Default()
	var got []string
	for _, pol := range []*Policy{p, p, Default()} {
		i := newInteraction()
		pol.Interaction(i)
		got = append(got, fmt.Sprint(i.Request.URL, i.Request.Headers, i.Request.Body, i.Response.Body))
	}
	if got[0] != got[1] || got[1] != got[2] {
		t.Errorf("the same interaction redacted differently:\nfirst:  %s\nsecond: %s\nfresh:  %s", got[0], got[1], got[2])
	}
	for _, e := range encodingsOf(token) {
		if strings.Contains(got[1], e) {
			t.Errorf("the second redaction holds the token as %q: %s", e, got[1])
		}
	}
}
