// Package suites holds the conformance specs of the notice update endpoint,
// POST /v3/jobs/notice/{job_id}/update, as Ginkgo v2 specs in ordinary .go files. Both
// `go test ./suites/...` (against the built-in reference mock) and the `noticeconf
// verify` binary (against any target) run the very same specs: call Define with a
// Target (and DefineRecorded for the cassette oracle), then Ginkgo's RunSpecs.
//
// From a plain test, Run does all of it against a URL or an http.Handler:
//
//	func TestMyMock(t *testing.T) {
//		suites.Run(t, suites.Target{Handler: myMock, Token: token, JobID: jobID})
//	}
//
// Every check is one spec labelled with its level (MUST: the vendor's API page says
// so; SHOULD: the vendor's other docs, the official SDK or observed behaviour) and its
// source ("source:seed", "source:docs", "source:sdk", "source:obs"). Failure messages
// show the request sent, the response got, the rule and its source.
package suites

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/aksk"
)

// DefaultTimeout bounds one request when Target.Client is nil.
const DefaultTimeout = 10 * time.Second

// Target is the server the specs check and how to talk to it.
type Target struct {
	// URL is the base URL of the server, e.g. "http://127.0.0.1:8080". Paths are
	// appended to it.
	URL string
	// Handler, if URL is empty, is the server: Run serves it on a loopback port for
	// the run. Define and Preflight need a URL.
	Handler http.Handler
	// Client sends every request. If nil, a client with DefaultTimeout is used.
	Client *http.Client
	// Token is a valid X-Auth-Token. If empty, AK and SK must be set.
	Token string
	// AK and SK, if set, sign requests with the official SDK's AK/SK signer. The
	// success case uses them when Token is empty; the AK/SK specs run only with them.
	AK, SK string
	// JobID is a job that exists on the target. It is required.
	JobID string
	// MissingJobID is a well-formed job id that does not exist. If empty, one is
	// drawn from Seed.
	MissingJobID string
	// ForbiddenToken authenticates but is not allowed to update JobID. If empty, the
	// 403 specs are skipped.
	ForbiddenToken string
	// FaultInjection reports whether the target answers "Prefer: code=500" with a
	// fault. If false, the fault specs are skipped.
	FaultInjection bool
	// Contract is the loaded OpenAPI contract. If nil, the embedded one is loaded.
	Contract *contract.Contract

	// Seed seeds the generated checks (label "generated"): two runs with the same
	// seed against servers that answer alike send the same requests. If zero, a
	// random seed is drawn; NewSeed draws one a caller can show before the run.
	Seed uint64
	// Examples is how many requests (or sequences, for the stateful check) each
	// generated check tries before it passes. If zero, DefaultExamples.
	Examples int
	// SkipGenerated, if set, skips the generated checks with this reason (a replay
	// of cassettes answers only the requests it recorded).
	SkipGenerated string
}

// DefaultExamples is Target.Examples when zero.
const DefaultExamples = 100

// NewSeed returns a random non-zero seed for Target.Seed.
func NewSeed() uint64 {
	var b [8]byte
	for {
		_, _ = rand.Read(b[:])
		if s := binary.BigEndian.Uint64(b[:]) >> 1; s != 0 { // fits an int64 flag too
			return s
		}
	}
}

// Notes says what the run does differently from the contract because of t, one
// sentence each, for the report: a job id outside the contract's pattern, checked as
// given. t's defaults need not be filled in.
func (t Target) Notes() []string {
	c := t.Contract
	if c == nil {
		var err error
		if c, err = contract.Load(); err != nil {
			return nil
		}
	}
	var notes []string
	if t.JobID != "" && !c.ValidJobID(t.JobID) {
		notes = append(notes, fmt.Sprintf("the job id %q is outside the contract's %s (CONTRACT.md, \"Values\": whether the service takes such ids is unknown): it is checked as given, and the checks derive their malformed and missing ids from the contract's pattern", t.JobID, c.JobIDPattern()))
	}
	return notes
}

// withDefaults checks t and fills in its defaults.
func (t Target) withDefaults() (Target, error) {
	u, err := url.Parse(t.URL)
	if err != nil {
		return t, fmt.Errorf("target URL %q: %w", t.URL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return t, fmt.Errorf("target URL %q: want http://HOST[:PORT] or https://HOST[:PORT]", t.URL)
	}
	t.URL = strings.TrimRight(t.URL, "/")
	if t.Token == "" && (t.AK == "" || t.SK == "") {
		return t, errors.New("credentials: give a token, or an AK and an SK")
	}
	if (t.AK == "") != (t.SK == "") {
		return t, errors.New("credentials: an AK needs its SK and an SK its AK")
	}
	if t.Contract == nil {
		if t.Contract, err = contract.Load(); err != nil {
			return t, err
		}
	}
	// A job id outside the contract's pattern (upper-case letters, as some mock
	// configurations use) is checked as given (Notes says so), as long as it stays
	// one path segment.
	if t.JobID == "" || url.PathEscape(t.JobID) != t.JobID {
		return t, fmt.Errorf("job id %q: want an existing job's id, one path segment (the contract's pattern is %s)", t.JobID, t.Contract.JobIDPattern())
	}
	if t.Seed == 0 {
		t.Seed = NewSeed()
	}
	if t.MissingJobID == "" {
		t.MissingJobID = jobIDOfSeed(t.Seed)
	}
	if !t.Contract.ValidJobID(t.MissingJobID) {
		return t, fmt.Errorf("missing job id %q: want a well-formed id matching %s", t.MissingJobID, t.Contract.JobIDPattern())
	}
	if t.MissingJobID == t.JobID {
		return t, errors.New("the missing job id is the existing job id")
	}
	if t.Client == nil {
		t.Client = &http.Client{Timeout: DefaultTimeout}
	}
	if t.Examples < 0 {
		return t, fmt.Errorf("examples %d: want a positive number of examples per generated check", t.Examples)
	}
	if t.Examples == 0 {
		t.Examples = DefaultExamples
	}
	return t, nil
}

// RandomJobID returns a random well-formed job id: 32 lower-case letters and digits.
func RandomJobID() string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	var b [32]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}

// jobIDOfSeed draws a well-formed job id from seed: the same seed, the same id.
func jobIDOfSeed(seed uint64) string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	r := mrand.New(mrand.NewPCG(seed, 0x6e6f74696365)) // "notice"
	var b [32]byte
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b[:])
}

// ErrUnreachable is returned (wrapped) by Preflight when the target cannot be reached.
var ErrUnreachable = errors.New("target unreachable")

// ErrCredentialsRejected is returned (wrapped) by Preflight when the target refuses the
// credentials on a valid request.
var ErrCredentialsRejected = errors.New("target rejected the credentials")

// Preflight sends one valid, authenticated update and tells a configuration error from
// a conformance failure: it returns an error wrapping ErrUnreachable when the target
// cannot be reached and ErrCredentialsRejected when it answers 401 or 403, so that a
// wrong URL or token is one clear message, not forty failed checks. Any other answer,
// even a non-conforming one, is left to the specs.
func Preflight(ctx context.Context, t Target) error {
	t, err := t.withDefaults()
	if err != nil {
		return err
	}
	x, err := t.send(ctx, t.validUpdate())
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrUnreachable, t.policy().URL(t.URL), err)
	}
	if x.Status == http.StatusUnauthorized || x.Status == http.StatusForbidden {
		return fmt.Errorf("%w: a valid update of job %s with %s answered %d %s; check the credentials and the job id",
			ErrCredentialsRejected, t.JobID, t.credentialKind(), x.Status, oneLine([]byte(x.redactText(string(x.Body))), 200))
	}
	return nil
}

// credentialKind names the credentials the success case uses.
func (t Target) credentialKind() string {
	if t.Token != "" {
		return "the token (X-Auth-Token)"
	}
	return "the AK/SK signature"
}

// sign adds the success case's credentials to r, whose body is body.
func (t Target) sign(r *http.Request, body []byte) error {
	if t.Token != "" {
		r.Header.Set(contract.HeaderAuthToken, t.Token)
		return nil
	}
	return aksk.Sign(r, body, aksk.Credential{AK: t.AK, SK: t.SK})
}

func oneLine(b []byte, max int) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}
