// Package suites holds the conformance specs of the notice update endpoint,
// POST /v3/jobs/notice/{job_id}/update, as Ginkgo v2 specs in ordinary .go files. Both
// `go test ./suites/...` (against the built-in reference mock) and the `noticeconf
// verify` binary (against any target) run the very same specs: call Define with a
// Target, then Ginkgo's RunSpecs.
//
// Every check is one spec labelled with its level (MUST: the vendor's API page says
// so; SHOULD: the vendor's other docs, the official SDK or observed behaviour) and its
// source ("source:seed", "source:docs", "source:sdk", "source:obs"). Failure messages
// show the request sent, the response got, the rule and its source.
package suites

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/noticeconf/noticeconf/internal/aksk"
	"github.com/noticeconf/noticeconf/internal/contract"
)

// DefaultTimeout bounds one request when Target.Client is nil.
const DefaultTimeout = 10 * time.Second

// Target is the server the specs check and how to talk to it.
type Target struct {
	// URL is the base URL of the server, e.g. "http://127.0.0.1:8080". Paths are
	// appended to it.
	URL string
	// Client sends every request. If nil, a client with DefaultTimeout is used.
	Client *http.Client
	// Token is a valid X-Auth-Token. If empty, AK and SK must be set.
	Token string
	// AK and SK, if set, sign requests with the official SDK's AK/SK signer. The
	// success case uses them when Token is empty; the AK/SK specs run only with them.
	AK, SK string
	// JobID is a job that exists on the target. It is required.
	JobID string
	// MissingJobID is a well-formed job id that does not exist. If empty, a random
	// one is drawn.
	MissingJobID string
	// ForbiddenToken authenticates but is not allowed to update JobID. If empty, the
	// 403 specs are skipped.
	ForbiddenToken string
	// FaultInjection reports whether the target answers "Prefer: code=500" with a
	// fault. If false, the fault specs are skipped.
	FaultInjection bool
	// Contract is the loaded OpenAPI contract. If nil, the embedded one is loaded.
	Contract *contract.Contract
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
	if !t.Contract.ValidJobID(t.JobID) {
		return t, fmt.Errorf("job id %q: want an existing job's id matching %s", t.JobID, t.Contract.JobIDPattern())
	}
	if t.MissingJobID == "" {
		t.MissingJobID = RandomJobID()
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
			ErrCredentialsRejected, t.JobID, t.credentialKind(), x.Status, x.redactText(oneLine(x.Body, 200)))
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
