package brokentest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"

	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/fixtures/mock"
	"github.com/noticeconf/noticeconf/internal/aksk"
	"github.com/noticeconf/noticeconf/suites"
)

// The names of the generated checks, as the report shows them.
const (
	genRequests    = "when requests are generated from the contract "
	genCredentials = "when credentials are generated from the contract "
	genAny         = "when any request is generated from the contract "

	propNoServerError  = genRequests + "answers no request with 5xx"
	propValid          = genRequests + "answers every valid update 200 with the envelope"
	propInvalid        = genRequests + "answers every invalid update 400 with an error body"
	propMalformedID    = genRequests + "answers every malformed job_id 400 with an error body"
	propMalformedCode  = genRequests + "answers every malformed job_id error_code CB.00060201"
	propMissingJob     = genRequests + "answers every well-formed job_id of no job 404"
	propUpperCaseID    = genRequests + "answers every upper-case job_id 200, 400 or 404"
	propPrecedence     = genCredentials + "answers 401 to every request without valid credentials"
	propForbidden      = genCredentials + "answers 403 to every request of a caller not allowed"
	propWrongToken     = genCredentials + "refuses every token that differs from the valid one"
	propMisplacedToken = genCredentials + "authenticates nothing with the token anywhere but X-Auth-Token"
	propTampered       = genCredentials + "refuses every AK/SK request changed after signing"
	propEveryAnswer    = genAny + "answers one JSON value in valid UTF-8, of the documented shape for its status"
	propState          = "shows what a model of the updates shows"

	genOrder   = "when requests are generated from the contract to check the order of the errors "
	genUnusual = "when updates of unusual size or content are generated from the contract "

	propValidateFirst = genOrder + "answers 400, not 404, to every invalid update of a job that does not exist"
	propUnknownAPI    = genOrder + "answers 404 with an error body to every path that is no API"
	propUnusual       = genUnusual + "answers each as the contract says, never 5xx"
)

// propertyBroken returns the broken servers of the generated checks: each breaks a
// rule no single hand-picked request shows, and only a generated check finds.
func propertyBroken() []Server {
	must := func(name, breaks, check string, wrap func(http.Handler) http.Handler) Server {
		return Server{Name: name, Breaks: breaks, Check: check, Level: suites.Must, Wrap: wrap}
	}
	should := func(name, breaks, check string, wrap func(http.Handler) http.Handler) Server {
		return Server{Name: name, Breaks: breaks, Check: check, Level: suites.Should, Wrap: wrap}
	}
	return []Server{
		// Valid updates the hand-picked checks never send.
		must("non-ascii-500", "a string holding a non-ASCII character answers 500",
			propValid, failAuthenticated(func(b []byte) bool { return json.Valid(b) && hasNonASCIIString(b) }, http.StatusInternalServerError)),
		must("event-count-500", "enabled_event_type_names of 0 or 4 elements answers 500",
			propValid, failOnObject(func(m map[string]any) bool {
				xs, ok := m["enabled_event_type_names"].([]any)
				return ok && (len(xs) == 0 || len(xs) == 4)
			}, http.StatusInternalServerError)),
		must("param-config-500", "an update with param_config answers 500",
			propValid, failOnObject(func(m map[string]any) bool { _, ok := m["param_config"]; return ok }, http.StatusInternalServerError)),
		must("pretty-json-500", "a pretty-printed body (a line break inside the JSON text) answers 500",
			propValid, failAuthenticated(func(b []byte) bool {
				return json.Valid(b) && bytes.ContainsAny(bytes.TrimSpace(b), "\n\r")
			}, http.StatusInternalServerError)),
		must("content-type-case-500", "Content-Type Application/JSON (not in lower case) answers 500",
			propValid, failValidUpdate(func(r *http.Request, _ []byte) bool {
				ct := r.Header.Get("Content-Type")
				mt, _, err := mime.ParseMediaType(ct)
				return err == nil && mt == "application/json" && !strings.HasPrefix(ct, "application/json")
			}, http.StatusInternalServerError)),
		must("escape-500", `a \u escape in a string answers 500`,
			propValid, failAuthenticated(func(b []byte) bool { return json.Valid(b) && bytes.Contains(b, []byte(`\u`)) }, http.StatusInternalServerError)),
		must("upper-case-id-500", "an upper-case job_id answers 500",
			propNoServerError, onPath(func(id string) (int, bool) {
				return http.StatusInternalServerError, len(id) == 32 && alnum(id) && strings.ToLower(id) != id
			})),

		// Invalid updates the hand-picked checks never send.
		must("null-field-accepted", "a null mandatory field is taken as absent and filled in",
			propInvalid, onBody(func(m map[string]any) bool {
				changed := false
				for k, v := range map[string]any{"notice_type": "MESSAGE", "enabled_event_type_names": []any{}} {
					if x, ok := m[k]; ok && x == nil {
						m[k], changed = v, true
					}
				}
				return changed
			})),
		must("null-element-dropped", "a null element of enabled_event_type_names is dropped, not refused",
			propInvalid, onBody(func(m map[string]any) bool {
				xs, ok := m["enabled_event_type_names"].([]any)
				if !ok || !slices.Contains(xs, nil) {
					return false
				}
				m["enabled_event_type_names"] = slices.DeleteFunc(slices.Clone(xs), func(x any) bool { return x == nil })
				return true
			})),
		must("keys-case-insensitive", "key names are matched without case (Notice_Type is notice_type)",
			propInvalid, onBody(func(m map[string]any) bool {
				changed := false
				for k, v := range m {
					if low := strings.ToLower(k); low != k {
						if _, dup := m[low]; !dup {
							m[low], changed = v, true
						}
						delete(m, k)
					}
				}
				return changed
			})),
		must("param-config-number-accepted", "a number, boolean, array or object for param_config is accepted",
			propInvalid, onBody(func(m map[string]any) bool {
				v, ok := m["param_config"]
				if _, isString := v.(string); !ok || isString || v == nil {
					return false
				}
				delete(m, "param_config")
				return true
			})),
		must("trailing-bytes-accepted", "bytes after the JSON value are ignored",
			propInvalid, onBodyBytes(func(b []byte) []byte {
				d := json.NewDecoder(bytes.NewReader(b))
				var v json.RawMessage
				if d.Decode(&v) == nil && !json.Valid(b) {
					return v
				}
				return b
			})),

		// Job ids.
		must("job-id-hex-only", "job ids are checked as hex (^[0-9a-f]{32}$): a well-formed id with g-z answers 400",
			propMissingJob, onPath(func(id string) (int, bool) {
				return http.StatusBadRequest, len(id) == 32 && contractJobID.MatchString(id) && !hexID.MatchString(id)
			})),
		must("upper-case-id-403", "an upper-case job_id answers 403, as if the caller were not allowed",
			propUpperCaseID, onPath(func(id string) (int, bool) {
				return http.StatusForbidden, len(id) == 32 && alnum(id) && strings.ToLower(id) != id
			})),
		must("job-id-length-only", "job ids are checked for length only: 32 characters of any kind are looked up (404)",
			propMalformedID, onPath(func(id string) (int, bool) {
				return http.StatusNotFound, len(id) == 32 && !alnum(id)
			})),
		should("job-id-parameter-code", "a malformed job_id answers CB.00060200, the code of the other parameters",
			propMalformedCode, onErrorBody(func(m map[string]any) {
				if m["error_code"] == contract.Error(contract.InvalidJobID).Code {
					m["error_code"] = contract.Error(contract.InvalidParameter).Code
				}
			})),

		// Precedence and credentials.
		must("validates-before-authenticating", "the body and the job_id are validated before the credentials: an unauthenticated invalid request answers 400",
			propPrecedence, validateFirst(false)),
		must("forbidden-after-validation", "a caller not allowed is refused only after validation: its invalid request answers 400",
			propForbidden, validateFirst(true)),
		must("token-last-byte-ignored", "a token is compared without its last byte",
			propWrongToken, onRequest(func(r *http.Request, _ []byte) {
				tok, demo := r.Header.Get(contract.HeaderAuthToken), demoToken()
				if len(tok) == len(demo) && tok[:len(tok)-1] == demo[:len(demo)-1] {
					r.Header.Set(contract.HeaderAuthToken, demo)
				}
			})),
		must("token-case-insensitive", "a token is compared without case",
			propWrongToken, onRequest(func(r *http.Request, _ []byte) {
				if tok := r.Header.Get(contract.HeaderAuthToken); strings.EqualFold(tok, demoToken()) {
					r.Header.Set(contract.HeaderAuthToken, demoToken())
				}
			})),
		must("token-from-query", "a token in a query parameter (X-Auth-Token, token, access_token, ...) authenticates",
			propMisplacedToken, onRequest(func(r *http.Request, _ []byte) {
				for _, vs := range r.URL.Query() {
					if len(vs) == 1 && vs[0] == demoToken() && r.Header.Get(contract.HeaderAuthToken) == "" {
						r.Header.Set(contract.HeaderAuthToken, vs[0])
					}
				}
			})),
		must("token-from-bearer", "a token in Authorization: Bearer authenticates",
			propMisplacedToken, onRequest(func(r *http.Request, _ []byte) {
				if tok, ok := strings.CutPrefix(r.Header.Get(contract.HeaderAuthorization), "Bearer "); ok {
					r.Header.Del(contract.HeaderAuthorization)
					r.Header.Set(contract.HeaderAuthToken, tok)
				}
			})),
		must("aksk-date-unchecked", "an AK/SK signature is accepted with an X-Sdk-Date up to a day away from the signed one",
			propTampered, restoreSignedDate()),

		// Answers.
		must("invalid-utf8-answer", "error messages carry a byte that is not UTF-8",
			propEveryAnswer, rewrite(func(r *http.Request, a *answer) {
				if a.status >= 400 {
					a.body = bytes.Replace(a.body, []byte(`"error_msg":"`), []byte("\"error_msg\":\"\xff"), 1)
				}
			})),
		must("trailing-bytes-answer", "401 answers carry bytes after the JSON value",
			propEveryAnswer, rewrite(func(r *http.Request, a *answer) {
				if a.status == http.StatusUnauthorized {
					a.body = append(a.body, "\x00"...)
				}
			})),

		// The order of the errors.
		must("looks-up-before-validating", "the job is looked up before the update is validated: an invalid update of a job that does not exist answers 404",
			propValidateFirst, lookUpFirst()),
		must("authenticates-before-routing", "credentials are checked before the route: a path that is no API answers 401 without valid credentials",
			propUnknownAPI, authenticateFirst()),
		must("update-prefix-routed", "a path that starts with the update path (updates, update/x) is served as the update",
			propUnknownAPI, onRequest(func(r *http.Request, _ []byte) {
				id := jobOf(r)
				rest := strings.TrimPrefix(r.URL.Path, contract.NoticePrefix+id+"/")
				if rest != r.URL.Path && rest != "update" && strings.HasPrefix(rest, "update") {
					r.URL.Path, r.URL.RawPath = contract.UpdatePathFor(id), ""
				}
			})),

		// Requests of unusual size or content.
		must("deep-nesting-500", "a body that nests arrays or objects more than 32 deep answers 500, as a parser's depth limit reported as a fault",
			propUnusual, failWhen(func(b []byte) bool { return nestingDepth(b) > 32 }, http.StatusInternalServerError)),
		must("chunked-body-read-as-empty", "a body sent chunked (no Content-Length) is read as Content-Length bytes, none: the update answers 400",
			propUnusual, func(ref http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.ContentLength < 0 { // unknown: chunked
						_, _ = io.Copy(io.Discard, r.Body) // read, then lost
						r.Body, r.ContentLength = http.NoBody, 0
					}
					ref.ServeHTTP(w, r)
				})
			}),

		must("other-method-500", "a method other than POST and GET on the update path answers 500, as a handler whose method switch has no default",
			propUnusual, func(ref http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method != http.MethodPost && r.Method != http.MethodGet && strings.HasPrefix(r.URL.Path, contract.NoticePrefix) {
						writeError(w, contract.Error(contract.InternalError))
						return
					}
					ref.ServeHTTP(w, r)
				})
			}),

		// Generated kinds of request the hand-picked checks never send.
		must("array-body-unwrapped", "a body that is a JSON array holding the update (a batch of one) is taken as the update",
			propInvalid, onBodyBytes(func(b []byte) []byte {
				var xs []json.RawMessage
				if json.Unmarshal(b, &xs) == nil && len(xs) > 0 {
					if _, ok := object(xs[0]); ok {
						return xs[0]
					}
				}
				return b
			})),
		must("job-id-unicode-letters", "job ids are checked as 32 Unicode letters or digits (as Python's str.isalnum): one with é or ٣ is looked up (404)",
			propMalformedID, onPath(func(id string) (int, bool) {
				return http.StatusNotFound, utf8.RuneCountInString(id) == 32 && !alnum(id) && !strings.ContainsFunc(id, func(r rune) bool {
					return !unicode.IsLetter(r) && !unicode.IsDigit(r)
				})
			})),
		must("aksk-query-unsigned", "an AK/SK signature is verified without the query string: a query parameter added after signing is accepted",
			propTampered, dropUnsignedQuery()),
		must("content-type-parameter-refused", "a Content-Type application/json with a parameter other than charset answers 400",
			propValid, onAnswer(func(r *http.Request, _ []byte, a *answer) bool {
				_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
				if err != nil || r.Method != http.MethodPost || a.status != http.StatusOK {
					return false
				}
				delete(params, "charset")
				return len(params) > 0
			}, invalidParameter)),

		// State.
		should("first-update-sticks", "only the first update of a notice type changes anything; later ones answer 200 and are lost",
			propState, firstUpdateSticks()),
	}
}

// propertyConforming returns conforming variants that differ where the contract
// leaves the choice to the server (framing, encoding, header case, request ids,
// stricter values, latency): verify must pass them, generated checks included.
func propertyConforming() []Server {
	return []Server{
		{Name: "chunked", Wrap: chunked},
		{Name: "http-1.0-close", Wrap: http10Close},
		{Name: "gzip-when-asked", Wrap: gzipWhenAsked},
		{Name: "interim-103", Wrap: func(ref http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Link", "</style.css>; rel=preload")
				w.WriteHeader(http.StatusEarlyHints)
				w.Header().Del("Link")
				ref.ServeHTTP(w, r)
			})
		}},
		{Name: "lower-case-header-names", Wrap: lowerCaseHeaders},
		{Name: "uuid-request-id", Wrap: rewrite(func(r *http.Request, a *answer) {
			a.header.Set(contract.HeaderRequestID, "req-7c9e6679-7425-40de-944b-e07fc1f90ae7")
		})},
		{Name: "strict-values-400", Wrap: strictValues},
		{Name: "slow-new-connection", Wrap: slowNewConnection(300 * time.Millisecond)},
	}
}

// onBodyBytes lets f replace a request's body before ref serves it.
func onBodyBytes(f func(b []byte) []byte) func(http.Handler) http.Handler {
	return func(ref http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			b = f(b)
			r.Body = io.NopCloser(bytes.NewReader(b))
			r.ContentLength = int64(len(b))
			ref.ServeHTTP(w, r)
		})
	}
}

// authenticated reports whether r carries the demo token: the broken servers of
// valid updates fail behind the credentials check, as a service behind a gateway
// does, so that only the checks of valid updates see them.
func authenticated(r *http.Request) bool {
	return r.Header.Get(contract.HeaderAuthToken) == demoToken()
}

// failAuthenticated answers status with the error table's body for it when an
// authenticated, valid update of the demo job has a body that satisfies bad: the
// fault sits where a service's handler of valid updates would have it, so that
// invalid bodies and other jobs are answered as the mock answers them.
func failAuthenticated(bad func(body []byte) bool, status int) func(http.Handler) http.Handler {
	return failValidUpdate(func(_ *http.Request, b []byte) bool { return bad(b) }, status)
}

// failValidUpdate is failAuthenticated with the request to judge as well.
func failValidUpdate(bad func(r *http.Request, body []byte) bool, status int) func(http.Handler) http.Handler {
	c, err := contract.Load()
	if err != nil {
		panic(err)
	}
	return func(ref http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			vr := r.Clone(r.Context())
			vr.Body = io.NopCloser(bytes.NewReader(b))
			if r.Method == http.MethodPost && authenticated(r) && jobOf(r) == demoJob() && json.Valid(b) &&
				c.ValidateRequest(r.Context(), vr) == nil && bad(r, b) {
				writeError(w, firstOfStatus(status))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
			ref.ServeHTTP(w, r)
		})
	}
}

// failOnObject answers status with the error table's body when a POST body is a
// JSON object satisfying bad.
func failOnObject(bad func(m map[string]any) bool, status int) func(http.Handler) http.Handler {
	return failAuthenticated(func(b []byte) bool {
		m, ok := object(b)
		return ok && json.Valid(b) && bad(m)
	}, status)
}

// hasNonASCIIString reports whether a JSON text holds a string with a rune above
// U+007F, escaped or not.
func hasNonASCIIString(b []byte) bool {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return false
	}
	var walk func(any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case string:
			for _, r := range v {
				if r > utf8.RuneSelf-1 {
					return true
				}
			}
		case []any:
			return slices.ContainsFunc(v, walk)
		case map[string]any:
			for k, x := range v {
				if walk(k) || walk(x) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}

var (
	contractJobID = regexp.MustCompile(`^[0-9a-z]{32}$`)
	hexID         = regexp.MustCompile(`^[0-9a-f]{32}$`)
)

// validateFirst validates the job_id and the body against the contract before the
// credentials, as a service without a gateway in front might: an invalid request
// answers 400 whoever sent it. If forbiddenOnly, only the forbidden token's requests
// are validated first.
func validateFirst(forbiddenOnly bool) func(http.Handler) http.Handler {
	c, err := contract.Load()
	if err != nil {
		panic(err)
	}
	return func(ref http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			vr := r.Clone(r.Context())
			vr.Body = io.NopCloser(bytes.NewReader(b))
			forbidden := slices.Contains(demoForbiddenTokens(), r.Header.Get(contract.HeaderAuthToken))
			if r.Method == http.MethodPost && (!forbiddenOnly || forbidden) {
				if err := c.ValidateRequest(r.Context(), vr); err != nil {
					var v *contract.RequestViolation
					if errors.As(err, &v) && v.Parameter == "job_id" {
						writeError(w, contract.Error(contract.InvalidJobID))
						return
					}
					writeError(w, contract.Error(contract.InvalidParameter))
					return
				}
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
			ref.ServeHTTP(w, r)
		})
	}
}

// lookUpFirst answers 404 to an authenticated update of a well-formed job_id that
// no job has before the body is validated, as a service that loads the job first.
func lookUpFirst() func(http.Handler) http.Handler {
	return func(ref http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := jobOf(r)
			if r.Method == http.MethodPost && authenticated(r) && contractJobID.MatchString(id) && !slices.Contains(demoJobs(), id) {
				writeError(w, contract.Error(contract.JobNotFound))
				return
			}
			ref.ServeHTTP(w, r)
		})
	}
}

// authenticateFirst answers 401 to a request without the demo token before routing
// it, as an authentication middleware in front of the router does.
func authenticateFirst() func(http.Handler) http.Handler {
	c, err := contract.Load()
	if err != nil {
		panic(err)
	}
	return func(ref http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, _, err := c.Route(r); err != nil && !authenticated(r) {
				e := contract.Error(contract.InvalidToken)
				if r.Header.Get(contract.HeaderAuthToken) == "" {
					e = contract.Error(contract.MissingCredentials)
				}
				writeError(w, e)
				return
			}
			ref.ServeHTTP(w, r)
		})
	}
}

// nestingDepth returns the deepest nesting of arrays and objects in a JSON text,
// strings skipped.
func nestingDepth(b []byte) int {
	depth, deepest, inString, escaped := 0, 0, false, false
	for _, c := range b {
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case inString:
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}

// dropUnsignedQuery serves an AK/SK request whose signature verifies only without
// its query string as if it had none, as a verifier that signs the path alone.
func dropUnsignedQuery() func(http.Handler) http.Handler {
	lookup := demoKeys()
	return func(ref http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			if r.URL.RawQuery != "" && aksk.IsAKSK(r.Header.Get(contract.HeaderAuthorization)) && aksk.Verify(r, b, lookup) != nil {
				bare := r.Clone(r.Context())
				bare.URL.RawQuery = ""
				if aksk.Verify(bare, b, lookup) == nil {
					r.URL.RawQuery = ""
				}
			}
			ref.ServeHTTP(w, r)
		})
	}
}

// demoKeys looks up the demo profile's secret key of an access key.
func demoKeys() func(ak string) (string, bool) {
	p, err := mock.DefaultProfile()
	if err != nil {
		panic(err)
	}
	return func(ak string) (string, bool) {
		for _, c := range p.Credentials {
			if c.AK == ak {
				return c.SK, true
			}
		}
		return "", false
	}
}

func demoJobs() []string {
	p, err := mock.DefaultProfile()
	if err != nil {
		return nil
	}
	return p.JobIDs
}

func demoJob() string {
	p, err := mock.DefaultProfile()
	if err != nil {
		return ""
	}
	return p.JobIDs[0]
}

func demoForbiddenTokens() []string {
	p, err := mock.DefaultProfile()
	if err != nil {
		return nil
	}
	return p.ForbiddenTokens
}

// restoreSignedDate accepts an AK/SK request whose X-Sdk-Date is up to a day from
// the one its signature was made with: it looks for that date and puts it back.
func restoreSignedDate() func(http.Handler) http.Handler {
	p, err := mock.DefaultProfile()
	if err != nil {
		panic(err)
	}
	lookup := func(ak string) (string, bool) {
		for _, c := range p.Credentials {
			if c.AK == ak {
				return c.SK, true
			}
		}
		return "", false
	}
	return func(ref http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			if !aksk.IsAKSK(r.Header.Get(contract.HeaderAuthorization)) || aksk.Verify(r, b, lookup) == nil {
				ref.ServeHTTP(w, r)
				return
			}
			d, err := time.Parse(signer.BasicDateFormat, r.Header.Get(contract.HeaderSdkDate))
			if err == nil {
				for _, s := range []int{1, -1, 60, -60, 3600, -3600, 86400, -86400} {
					r.Header.Set(contract.HeaderSdkDate, d.Add(time.Duration(s)*time.Second).Format(signer.BasicDateFormat))
					if aksk.Verify(r, b, lookup) == nil {
						break
					}
				}
			}
			ref.ServeHTTP(w, r)
		})
	}
}

// firstUpdateSticks loses every update of a notice type after its first: it
// answers 200 without changing anything.
func firstUpdateSticks() func(http.Handler) http.Handler {
	return func(ref http.Handler) http.Handler {
		var mu sync.Mutex
		seen := map[string]bool{}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			if r.Method != http.MethodPost || r.Header.Get(contract.HeaderAuthToken) != demoToken() {
				ref.ServeHTTP(w, r)
				return
			}
			m, ok := object(b)
			typ, _ := m["notice_type"].(string)
			key := jobOf(r) + "/" + typ
			rec := httptest.NewRecorder()
			mu.Lock()
			lost := ok && seen[key]
			mu.Unlock()
			if lost {
				// Answer as the mock would, against a copy that keeps nothing.
				fresh, err := Server{}.Handler()
				if err == nil {
					fresh.ServeHTTP(rec, r)
				}
			} else {
				ref.ServeHTTP(rec, r)
				if ok && rec.Code == http.StatusOK {
					mu.Lock()
					seen[key] = true
					mu.Unlock()
				}
			}
			copyAnswer(w, rec)
		})
	}
}

func copyAnswer(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// chunked answers without Content-Length, the body in two flushed pieces.
func chunked(ref http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		ref.ServeHTTP(rec, r)
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		b := rec.Body.Bytes()
		half := len(b) / 2
		_, _ = w.Write(b[:half])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		_, _ = w.Write(b[half:])
	})
}

// http10Close answers as an HTTP/1.0 server does: status line HTTP/1.0,
// Connection: close, and the connection closed after the body.
func http10Close(ref http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		ref.ServeHTTP(rec, r)
		hj, ok := w.(http.Hijacker)
		if !ok {
			copyAnswer(w, rec)
			return
		}
		conn, buf, err := hj.Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.0 %d %s\r\n", rec.Code, http.StatusText(rec.Code))
		h := rec.Header().Clone()
		h.Set("Connection", "close")
		h.Set("Content-Length", strconv.Itoa(rec.Body.Len()))
		_ = h.Write(buf)
		_, _ = buf.WriteString("\r\n")
		_, _ = buf.Write(rec.Body.Bytes())
		_ = buf.Flush()
	})
}

// gzipWhenAsked compresses the answer when the request accepts gzip.
func gzipWhenAsked(ref http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		ref.ServeHTTP(rec, r)
		if !strings.Contains(strings.ToLower(r.Header.Get("Accept-Encoding")), "gzip") {
			copyAnswer(w, rec)
			return
		}
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		_, _ = zw.Write(rec.Body.Bytes())
		_ = zw.Close()
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Vary", "Accept-Encoding")
		w.Header().Set("Content-Length", strconv.Itoa(z.Len()))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(z.Bytes())
	})
}

// lowerCaseHeaders writes every answer header name in lower case.
func lowerCaseHeaders(ref http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		ref.ServeHTTP(rec, r)
		hj, ok := w.(http.Hijacker)
		if !ok {
			copyAnswer(w, rec)
			return
		}
		conn, buf, err := hj.Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", rec.Code, http.StatusText(rec.Code))
		for k, vs := range rec.Header() {
			for _, v := range vs {
				fmt.Fprintf(buf, "%s: %s\r\n", strings.ToLower(k), v)
			}
		}
		fmt.Fprintf(buf, "content-length: %d\r\nconnection: close\r\n\r\n", rec.Body.Len())
		_, _ = buf.Write(rec.Body.Bytes())
		_ = buf.Flush()
	})
}

// strictValues refuses with 400 every value the contract leaves open: a notice
// type or event name the vendor does not document, an empty or repeated event list,
// a null optional field, a switch that is neither "true" nor "false".
func strictValues(ref http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		if r.Method == http.MethodPost && r.Header.Get(contract.HeaderAuthToken) == demoToken() && json.Valid(b) {
			if m, ok := object(b); ok && !strictlyDocumented(m) {
				writeError(w, contract.Error(contract.InvalidParameter))
				return
			}
		}
		ref.ServeHTTP(w, r)
	})
}

func strictlyDocumented(m map[string]any) bool {
	if t, ok := m["notice_type"].(string); ok && !slices.Contains(contract.NoticeTypes(), t) {
		return false
	}
	if xs, ok := m["enabled_event_type_names"].([]any); ok {
		if len(xs) == 0 {
			return false
		}
		seen := map[string]bool{}
		for _, x := range xs {
			s, ok := x.(string)
			if !ok {
				return true // not a string: invalid, the mock refuses it
			}
			if seen[s] || !slices.Contains(contract.EventTypes(), s) {
				return false
			}
			seen[s] = true
		}
	}
	for _, k := range []string{"param_config", "send_switch", "use_project_notice"} {
		if v, ok := m[k]; ok && v == nil {
			return false
		}
	}
	for _, k := range []string{"send_switch", "use_project_notice"} {
		if s, ok := m[k].(string); ok && s != "true" && s != "false" {
			return false
		}
	}
	return true
}

// slowNewConnection delays the first answer on each connection by d.
func slowNewConnection(d time.Duration) func(http.Handler) http.Handler {
	return func(ref http.Handler) http.Handler {
		var seen sync.Map
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, old := seen.LoadOrStore(r.RemoteAddr, true); !old {
				select {
				case <-time.After(d):
				case <-r.Context().Done():
					return
				}
			}
			ref.ServeHTTP(w, r)
		})
	}
}
