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

	genWire = "when any request is generated from the contract and sent in other ways "

	propWire      = genWire + "answers it as sent plainly, never 5xx, in a content coding it accepts"
	propRequestID = genWire + "answers an X-Request-Id header to every request"

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
		must("duplicate-key-answer", `400 answers hold error_code twice, first a framework's ("error_code":"BAD_REQUEST","error_code":"CB.00060200")`,
			propEveryAnswer, rewrite(func(r *http.Request, a *answer) {
				if a.status == http.StatusBadRequest {
					a.body = bytes.Replace(a.body, []byte(`{`), []byte(`{"error_code":"BAD_REQUEST",`), 1)
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

		// Values the contract leaves open, of kinds the hand-picked checks never send.
		must("switch-other-type-500", "send_switch or use_project_notice of a type other than string and boolean (a number, array or object) answers 500, as a handler that reads them as strings",
			propValid, failValidBut([]string{"send_switch", "use_project_notice"}, func(m map[string]any) bool {
				for _, k := range []string{"send_switch", "use_project_notice"} {
					switch m[k].(type) {
					case json.Number, []any, map[string]any:
						return true
					}
				}
				return false
			})),
		must("param-config-json-500", "a param_config holding JSON text cut short or not an object answers 500, as a handler that decodes it for its webhook",
			propValid, failOnObject(func(m map[string]any) bool {
				pc, ok := m["param_config"].(string)
				if t := strings.TrimSpace(pc); !ok || (!strings.HasPrefix(t, "{") && !strings.HasPrefix(t, "[")) {
					return false
				}
				_, isObject := object([]byte(pc))
				return !isObject
			}, http.StatusInternalServerError)),
		must("short-escape-500", `a short escape (\/, \b, \f, \n, \r, \t) in a string answers 500, as a decoder that knows only \u escapes`,
			propValid, failAuthenticated(func(b []byte) bool { return shortEscape.Match(b) }, http.StatusInternalServerError)),

		// Invalid bodies of kinds the hand-picked checks never send.
		must("unicode-space-trimmed", "space that is not JSON whitespace (form feed, no-break space, ...) around the JSON text is trimmed, and the update accepted",
			propInvalid, onBodyBytes(func(b []byte) []byte {
				if t := bytes.TrimFunc(b, unicode.IsSpace); !json.Valid(b) && json.Valid(t) {
					return t
				}
				return b
			})),
		must("whitespace-body-500", "a body of whitespace alone answers 500, as a handler that takes a body with bytes for a JSON value",
			propInvalid, failRaw(func(b []byte) bool { return len(b) > 0 && len(bytes.TrimSpace(b)) == 0 })),

		// Updates of unusual content the other checks never send.
		must("byte-order-mark-500", "a body that starts with a byte order mark answers 500",
			propUnusual, failRaw(func(b []byte) bool { return bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) })),
		must("duplicate-key-500", "a body with a key twice answers 500, as a decoder that refuses duplicates and reports it as a fault",
			propUnusual, failRaw(hasDuplicateKey)),
		must("gzip-request-500", "a request body sent with Content-Encoding: gzip answers 500",
			propUnusual, func(ref http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Header.Get("Content-Encoding") != "" {
						writeError(w, contract.Error(contract.InternalError))
						return
					}
					ref.ServeHTTP(w, r)
				})
			}),
		must("non-ascii-key-reset", "a body with a key that is not ASCII closes the connection without an answer",
			propUnusual, func(ref http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					b, _ := io.ReadAll(r.Body)
					if m, ok := object(b); ok && authenticated(r) {
						for k := range m {
							if strings.ContainsFunc(k, func(c rune) bool { return c >= utf8.RuneSelf }) {
								panic(http.ErrAbortHandler)
							}
						}
					}
					r.Body = io.NopCloser(bytes.NewReader(b))
					ref.ServeHTTP(w, r)
				})
			}),

		// The order of the errors, for requests the other checks never combine.
		must("content-type-after-lookup", "the Content-Type is checked after the job is looked up: a valid body of a job that does not exist under text/plain answers 404",
			propValidateFirst, func(ref http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					id := jobOf(r)
					mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
					if r.Method == http.MethodPost && authenticated(r) && mt != "" && mt != "application/json" &&
						contractJobID.MatchString(id) && !slices.Contains(demoJobs(), id) {
						writeError(w, contract.Error(contract.JobNotFound))
						return
					}
					ref.ServeHTTP(w, r)
				})
			}),
		must("forbidden-before-routing", "the forbidden caller is refused before the route: a path that is no API answers 403 to its token",
			propUnknownAPI, beforeRouting(func(r *http.Request, _ []byte) (contract.ErrorCase, bool) {
				return contract.Forbidden, slices.Contains(demoForbiddenTokens(), r.Header.Get(contract.HeaderAuthToken))
			})),
		must("signature-before-routing", "an AK/SK signature is verified before the route: a path that is no API answers 401 to a signature that does not verify",
			propUnknownAPI, beforeRouting(func(r *http.Request, b []byte) (contract.ErrorCase, bool) {
				return contract.BadSignature, aksk.IsAKSK(r.Header.Get(contract.HeaderAuthorization)) && aksk.Verify(r, b, demoKeys()) != nil
			})),
		must("body-before-routing", "an authenticated request's body is parsed before the route: a path that is no API answers 400 to a body that is not JSON",
			propUnknownAPI, beforeRouting(func(r *http.Request, b []byte) (contract.ErrorCase, bool) {
				return contract.InvalidParameter, authenticated(r) && len(b) > 0 && !json.Valid(b)
			})),

		// Credentials of kinds the other checks never forge.
		must("token-scheme-stripped", `an X-Auth-Token of "Bearer <token>" or "Token <token>" is taken as the token`,
			propWrongToken, onRequest(func(r *http.Request, _ []byte) {
				tok := r.Header.Get(contract.HeaderAuthToken)
				for _, scheme := range []string{"Bearer ", "Token "} {
					if t, ok := strings.CutPrefix(tok, scheme); ok {
						r.Header.Set(contract.HeaderAuthToken, t)
					}
				}
			})),
		must("token-quotes-trimmed", `an X-Auth-Token in quotes ("<token>" or '<token>') is taken as the token`,
			propWrongToken, onRequest(func(r *http.Request, _ []byte) {
				if tok := r.Header.Get(contract.HeaderAuthToken); len(tok) > 2 && strings.ContainsAny(tok[:1], `"'`) {
					r.Header.Set(contract.HeaderAuthToken, strings.Trim(tok, `"'`))
				}
			})),
		must("token-from-body", "a token in the body (token, auth_token, x_auth_token, ...) authenticates a request without X-Auth-Token",
			propMisplacedToken, onRequest(func(r *http.Request, b []byte) {
				m, ok := object(b)
				if !ok || r.Header.Get(contract.HeaderAuthToken) != "" {
					return
				}
				for k, v := range m {
					if s, ok := v.(string); ok && s == demoToken() && strings.Contains(strings.ToLower(k), "token") {
						r.Header.Set(contract.HeaderAuthToken, s)
					}
				}
			})),
		must("aksk-signature-prefix", "an AK/SK signature cut short is accepted when it is a prefix of the right one",
			propTampered, acceptSignedAs(func(r *http.Request, b []byte, right string) bool {
				got := signatureOf(r.Header.Get(contract.HeaderAuthorization))
				return got != "" && strings.HasPrefix(signatureOf(right), got)
			})),
		must("aksk-path-unsigned", "an AK/SK signature is verified without the path: one made for the update of another job is accepted",
			propTampered, func(ref http.Handler) http.Handler {
				lookup := demoKeys()
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					b, _ := io.ReadAll(r.Body)
					r.Body = io.NopCloser(bytes.NewReader(b))
					if aksk.IsAKSK(r.Header.Get(contract.HeaderAuthorization)) && aksk.Verify(r, b, lookup) != nil {
						for _, id := range demoJobs() {
							signedFor := r.Clone(r.Context())
							signedFor.URL.Path, signedFor.URL.RawPath = contract.UpdatePathFor(id), ""
							if aksk.Verify(signedFor, b, lookup) == nil {
								r.Header.Del(contract.HeaderAuthorization)
								r.Header.Set(contract.HeaderAuthToken, demoToken())
								break
							}
						}
					}
					ref.ServeHTTP(w, r)
				})
			}),

		// How requests travel, and answers' content coding.
		must("gzip-unasked", "every answer is gzip-compressed, whether or not the request accepts gzip",
			propWire, gzipAlways),
		must("http-1.0-500", "a request sent as HTTP/1.0 answers 500, as a server that takes only HTTP/1.1",
			propWire, failRequest(func(r *http.Request) bool { return !r.ProtoAtLeast(1, 1) })),
		must("connection-close-500", "a request with Connection: close answers 500",
			propWire, failRequest(func(r *http.Request) bool { return r.Close })),
		must("expect-continue-500", "a request with Expect: 100-continue answers 500",
			propWire, failRequest(func(r *http.Request) bool { return r.Header.Get("Expect") != "" })).
			also("when no credentials are sent and the body is over 1 MiB answers 401, not 413"),
		should("error-without-request-id", "error answers carry no X-Request-Id header; only successes do",
			propRequestID, rewrite(func(r *http.Request, a *answer) {
				if a.status >= 400 {
					a.header.Del(contract.HeaderRequestID)
				}
			})),

		must("notice-type-case-500", "a notice_type that is a documented one in another case, but not all lower case (Mail, mAIL), answers 500, as a handler that folds only lower case",
			propValid, failOnObject(func(m map[string]any) bool {
				v, _ := m["notice_type"].(string)
				return slices.ContainsFunc(contract.NoticeTypes(), func(d string) bool {
					return strings.EqualFold(v, d) && v != d && v != strings.ToLower(d)
				})
			}, http.StatusInternalServerError)),
		must("empty-media-parameter-500", `a Content-Type ending in ";" (an empty parameter, RFC 9110 section 5.6.6) answers 500, as a strict media type parser whose error is reported as a fault`,
			propValid, failValidUpdate(func(r *http.Request, _ []byte) bool {
				return strings.HasSuffix(strings.TrimSpace(r.Header.Get("Content-Type")), ";")
			}, http.StatusInternalServerError)),

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
		// A parser may ignore a byte order mark (RFC 8259 section 8.1).
		{Name: "byte-order-mark-ignored", Wrap: onBodyBytes(func(b []byte) []byte { return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) })},
		// Which of two members of one name counts is not defined (RFC 8259 section 4).
		{Name: "duplicate-keys-refused", Wrap: refuseWhen(hasDuplicateKey)},
		// The body's content coding is the client's; a server may decode it.
		{Name: "gzip-request-decoded", Wrap: gunzipRequests},
		// Whether send_switch of another type is refused is open.
		{Name: "other-switch-types-refused", Wrap: refuseWhen(func(b []byte) bool {
			m, _ := object(b)
			for _, k := range []string{"send_switch", "use_project_notice"} {
				switch m[k].(type) {
				case json.Number, []any, map[string]any:
					return true
				}
			}
			return false
		})},
		{Name: "slow-new-connection", Wrap: slowNewConnection(300 * time.Millisecond)},
	}
}

// shortEscape finds a two-character escape other than \" and \\ in a JSON text.
var shortEscape = regexp.MustCompile(`(^|[^\\])(\\\\)*\\[/bfnrt]`)

// failValidBut answers 500 to an authenticated update of the demo job that is valid
// but for the fields skip, when bad holds for its object: the fault of a handler
// that reads those fields after validating the others.
func failValidBut(skip []string, bad func(m map[string]any) bool) func(http.Handler) http.Handler {
	c, err := contract.Load()
	if err != nil {
		panic(err)
	}
	return func(ref http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			m, ok := object(b)
			if !ok || r.Method != http.MethodPost || !authenticated(r) || jobOf(r) != demoJob() || !json.Valid(b) || !bad(m) {
				ref.ServeHTTP(w, r)
				return
			}
			for _, k := range skip {
				delete(m, k)
			}
			rest, _ := json.Marshal(m)
			vr := r.Clone(r.Context())
			vr.Body = io.NopCloser(bytes.NewReader(rest))
			vr.ContentLength = int64(len(rest))
			if c.ValidateRequest(r.Context(), vr) == nil {
				writeError(w, contract.Error(contract.InternalError))
				return
			}
			ref.ServeHTTP(w, r)
		})
	}
}

// failRaw answers 500 to an authenticated POST of the demo job whose body, as
// sent, satisfies bad: the fault sits behind the credentials.
func failRaw(bad func(b []byte) bool) func(http.Handler) http.Handler {
	return func(ref http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			if r.Method == http.MethodPost && authenticated(r) && jobOf(r) == demoJob() && bad(b) {
				writeError(w, contract.Error(contract.InternalError))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
			ref.ServeHTTP(w, r)
		})
	}
}

// failRequest answers 500 to every request for which bad holds.
func failRequest(bad func(r *http.Request) bool) func(http.Handler) http.Handler {
	return func(ref http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if bad(r) {
				writeError(w, contract.Error(contract.InternalError))
				return
			}
			ref.ServeHTTP(w, r)
		})
	}
}

// hasDuplicateKey reports whether a JSON text holds an object with a key twice.
func hasDuplicateKey(b []byte) bool {
	d := json.NewDecoder(bytes.NewReader(b))
	var walk func() (bool, error)
	walk = func() (bool, error) {
		t, err := d.Token()
		if err != nil {
			return false, err
		}
		switch t {
		case json.Delim('{'):
			seen := map[string]bool{}
			for d.More() {
				k, err := d.Token()
				if err != nil {
					return false, err
				}
				key, _ := k.(string)
				if seen[key] {
					return true, nil
				}
				seen[key] = true
				if dup, err := walk(); dup || err != nil {
					return dup, err
				}
			}
			_, err = d.Token()
			return false, err
		case json.Delim('['):
			for d.More() {
				if dup, err := walk(); dup || err != nil {
					return dup, err
				}
			}
			_, err = d.Token()
			return false, err
		}
		return false, nil
	}
	dup, _ := walk()
	return dup
}

// beforeRouting answers c before the route when first holds, as a middleware in
// front of the router.
func beforeRouting(first func(r *http.Request, body []byte) (contract.ErrorCase, bool)) func(http.Handler) http.Handler {
	c, err := contract.Load()
	if err != nil {
		panic(err)
	}
	return func(ref http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			if _, _, err := c.Route(r); err != nil {
				if e, ok := first(r, b); ok {
					writeError(w, contract.Error(e))
					return
				}
			}
			ref.ServeHTTP(w, r)
		})
	}
}

// signatureOf returns the Signature= of an AK/SK Authorization header, or "".
func signatureOf(authz string) string {
	_, sig, ok := strings.Cut(authz, "Signature=")
	if !ok {
		return ""
	}
	sig, _, _ = strings.Cut(sig, ",")
	return strings.TrimSpace(sig)
}

// acceptSignedAs serves an AK/SK request whose signature does not verify as
// authenticated when ok holds for it and the Authorization the demo key signs it
// with: a verifier with a flaw in how it compares.
func acceptSignedAs(ok func(r *http.Request, body []byte, right string) bool) func(http.Handler) http.Handler {
	p, err := mock.DefaultProfile()
	if err != nil {
		panic(err)
	}
	cred := aksk.Credential{AK: p.Credentials[0].AK, SK: p.Credentials[0].SK}
	return func(ref http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			authz := r.Header.Get(contract.HeaderAuthorization)
			if aksk.IsAKSK(authz) && aksk.Verify(r, b, demoKeys()) != nil {
				resigned := r.Clone(r.Context())
				resigned.Header.Del(contract.HeaderAuthorization)
				if aksk.Sign(resigned, b, cred) == nil && ok(r, b, resigned.Header.Get(contract.HeaderAuthorization)) {
					r.Header.Del(contract.HeaderAuthorization)
					r.Header.Set(contract.HeaderAuthToken, demoToken())
				}
			}
			ref.ServeHTTP(w, r)
		})
	}
}

// gzipAlways compresses every answer with gzip, whatever the request accepts.
func gzipAlways(ref http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		ref.ServeHTTP(rec, r)
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		_, _ = zw.Write(rec.Body.Bytes())
		_ = zw.Close()
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(z.Len()))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(z.Bytes())
	})
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

// refuseWhen answers the invalid parameter's 400 to an authenticated update of a
// demo job whose body satisfies bad, where the mock would have served it.
func refuseWhen(bad func(b []byte) bool) func(http.Handler) http.Handler {
	return onAnswer(func(r *http.Request, b []byte, a *answer) bool {
		return r.Method == http.MethodPost && a.status == http.StatusOK && bad(b)
	}, invalidParameter)
}

// gunzipRequests decodes a request body sent with Content-Encoding: gzip before the
// mock reads it; one that does not decode is refused with 400.
func gunzipRequests(ref http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
			zr, err := gzip.NewReader(r.Body)
			var b []byte
			if err == nil {
				b, err = io.ReadAll(zr)
			}
			if err != nil {
				writeError(w, contract.Error(contract.InvalidParameter))
				return
			}
			r.Header.Del("Content-Encoding")
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		}
		ref.ServeHTTP(w, r)
	})
}

// strictValues refuses with 400 every value the contract leaves open: a notice
// type or event name the vendor does not document, an empty or repeated event list,
// a null optional field, a switch that is neither "true" nor "false".
func strictValues(ref http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		// Only the update is the service's to refuse: a path that is no API stays the
		// gateway's 404.
		if r.Method == http.MethodPost && r.URL.Path == contract.UpdatePathFor(jobOf(r)) && r.Header.Get(contract.HeaderAuthToken) == demoToken() && json.Valid(b) {
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
