// Package brokentest holds variants of the reference mock for testing the suites
// themselves: deliberately broken servers, each breaking one rule of the contract,
// which `noticeconf verify` must fail (or warn about) naming that rule; and
// conforming variants, which differ from the mock only where the contract is lenient
// (key order, whitespace, charset, extra keys and headers, the form of result), and
// which verify must pass.
//
// Every check of verify has a broken server whose Check names it: its tests fail
// when one has none, when a broken server makes verify fail or warn on any check but
// its Check and AlsoFails, and when suites/conformance.yaml, the catalogue of checks
// and the servers that prove them (`make catalogue`), is stale. For the cassette
// oracle's checks, a broken server may come with recordings (Cassettes).
package brokentest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"

	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/fixtures/mock"
	"github.com/noticeconf/noticeconf/suites"
)

// Server is a variant of the reference mock.
type Server struct {
	// Name is short and unique, e.g. "malformed-json-500".
	Name string
	// Breaks says in words which rule the variant breaks; empty for a conforming one.
	Breaks string
	// Check is a part of the name of the check that must fail (Level Must) or warn
	// (Level Should): of a broken variant, the one check it proves can fail, named
	// by no other check. Empty for a conforming variant with no warning.
	Check string
	// Level is the level of Check: Must makes verify exit 1, Should exit 0 with a
	// warning (unless a MUST check of AlsoFails fails too).
	Level suites.Level
	// AlsoFails names the other checks a broken variant makes fail (MUST checks) or
	// warn (SHOULD checks), because they break with the same rule: each is a part of
	// a check's name and stands for every check whose name contains it. Check and
	// AlsoFails together are exactly the checks verify fails and warns on; if
	// AlsoFails is empty, Check is the only one.
	AlsoFails []string
	// Cassettes are cassette files, relative to the module root, that verify re-sends
	// to the variant and checks as recorded (--cassettes): the cassette oracle's
	// checks. If empty, verify runs without them.
	Cassettes []string
	// Skipped is a part of the name of a check a conforming variant makes verify skip.
	Skipped string
	// Style is the form of result the wrapped mock answers. If empty, a string: the
	// form every check accepts, so only the variant's own rule shows.
	Style mock.ResultStyle
	// Wrap builds the variant around the reference mock. If nil, the mock as is.
	Wrap func(ref http.Handler) http.Handler
}

// Handler returns the variant: the reference mock with the demo profile, wrapped.
func (s Server) Handler() (http.Handler, error) {
	cfg, err := mock.DefaultConfig()
	if err != nil {
		return nil, err
	}
	cfg.ResultStyle = mock.ResultString
	if s.Style != "" {
		cfg.ResultStyle = s.Style
	}
	ref, err := mock.New(cfg)
	if err != nil {
		return nil, err
	}
	if s.Wrap == nil {
		return ref, nil
	}
	return s.Wrap(ref), nil
}

// Broken returns the deliberately broken servers, each breaking one rule.
func Broken() []Server {
	must := func(name, breaks, check string, wrap func(http.Handler) http.Handler) Server {
		return Server{Name: name, Breaks: breaks, Check: check, Level: suites.Must, Wrap: wrap}
	}
	should := func(name, breaks, check string, wrap func(http.Handler) http.Handler) Server {
		return Server{Name: name, Breaks: breaks, Check: check, Level: suites.Should, Wrap: wrap}
	}
	const (
		success = "when the update is valid and authenticated "
		body    = "answers an error body with error_code and error_msg"
		// family names every check of an error_code's family.
		family = "answers an error_code the vendor uses with"
	)
	servers := []Server{
		// The success answer.
		must("envelope-without-status", `the success envelope has no "status" key`,
			success+"answers the documented envelope", onSuccessBody(deleteKey("status"))).
			also(success + `answers status "success"`),
		must("envelope-without-error", `the success envelope has no "error" key`,
			success+"answers error null", onSuccessBody(deleteKey("error"))).
			also(success + "answers the documented envelope"),
		must("envelope-without-result", `the success envelope has no "result" key`,
			success+"answers result as a string", onSuccessBody(deleteKey("result"))).
			also(success + "answers the documented envelope"),
		must("status-fail", `the success envelope says status "fail"`,
			success+`answers status "success"`, onSuccessBody(setKey("status", "fail"))),
		must("error-not-null", `the success envelope's error is a string`,
			success+"answers error null", onSuccessBody(setKey("error", "none"))),
		must("result-number", "result is a number",
			success+"answers result as a string, null or", onSuccessBody(setKey("result", 42))).
			also(success+"answers the documented envelope", success+"answers a body the official Go SDK decodes"),
		must("success-201", "a successful update answers 201",
			success+"answers 200", rewrite(func(r *http.Request, a *answer) {
				if a.status == http.StatusOK {
					a.status = http.StatusCreated
				}
			})).also(
			// Every check of a success that must answer 200.
			"when the update is signed with AK/SK answers 200",
			"accepts a body that ends with a newline",
			"accepts Content-Type application/json without a charset",
			"shows the events the update enabled"),
		must("success-text-plain", "the success answer is Content-Type text/plain",
			success+"answers a JSON content type", rewrite(func(r *http.Request, a *answer) {
				if a.status == http.StatusOK {
					a.header.Set("Content-Type", "text/plain; charset=utf-8")
				}
			})).also(success+"answers the documented envelope", "shows the events the update enabled"),
		must("success-not-json", `the success answer is the text "OK"`,
			success+"answers the documented envelope", rewrite(func(r *http.Request, a *answer) {
				if a.status == http.StatusOK {
					a.body = []byte("OK")
				}
			})).also(success+`answers status "success"`, success+"answers error null", success+"answers result as",
			success+"answers a body the official Go SDK decodes", "shows the events the update enabled"),

		// Authentication.
		must("no-auth-check", "a request without credentials is served",
			"when no credentials are sent answers 401", onRequest(func(r *http.Request, _ []byte) {
				if r.Header.Get(contract.HeaderAuthToken) == "" && r.Header.Get(contract.HeaderAuthorization) == "" {
					r.Header.Set(contract.HeaderAuthToken, demoToken())
				}
			})).also("when no credentials are sent"),
		must("any-token-accepted", "any X-Auth-Token is accepted",
			"when X-Auth-Token is not a valid token answers 401", onRequest(func(r *http.Request, _ []byte) {
				if strings.HasPrefix(r.Header.Get(contract.HeaderAuthToken), "noticeconf-invalid-") {
					r.Header.Set(contract.HeaderAuthToken, demoToken())
				}
			})).also("when X-Auth-Token is not a valid token"),
		must("forbidden-as-401", "a caller not allowed answers 401 instead of 403",
			"when the token is not allowed to update the job answers 403", onStatus(http.StatusForbidden, http.StatusUnauthorized)),
		must("missing-credentials-as-403", "a request without credentials answers 403 instead of 401",
			"when no credentials are sent answers 401", rewrite(func(r *http.Request, a *answer) {
				if r.Header.Get(contract.HeaderAuthToken) == "" && r.Header.Get(contract.HeaderAuthorization) == "" {
					a.status = http.StatusForbidden
				}
			})),

		must("body-limit-before-credentials", "a body over 1 MiB answers 413 before the credentials are judged",
			"when no credentials are sent and the body is over 1 MiB answers 401, not 413", func(ref http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.ContentLength > 1<<20 {
						writeError(w, contract.Error(contract.TooLarge))
						return
					}
					ref.ServeHTTP(w, r)
				})
			}),

		// Validation.
		must("malformed-json-500", "a body that is not JSON answers 500",
			"when the body is not JSON answers 400", failWhen(func(b []byte) bool { return len(b) > 0 && !json.Valid(b) }, http.StatusInternalServerError)).
			also("when the body is not JSON " + family),
		must("empty-body-500", "an empty body answers 500",
			"when the body is empty answers 400", failWhen(func(b []byte) bool { return len(b) == 0 }, http.StatusInternalServerError)).
			also("when the body is empty " + family),
		must("notice-type-not-required", "notice_type is not required",
			"when notice_type is missing answers 400", onBody(func(m map[string]any) bool {
				if _, ok := m["notice_type"]; ok {
					return false
				}
				m["notice_type"] = "MESSAGE"
				return true
			})).also("when notice_type is missing"),
		must("event-names-not-required", "enabled_event_type_names is not required",
			"when enabled_event_type_names is missing answers 400", onBody(func(m map[string]any) bool {
				if _, ok := m["enabled_event_type_names"]; ok {
					return false
				}
				m["enabled_event_type_names"] = []any{}
				return true
			})).also("when enabled_event_type_names is missing"),
		must("notice-type-number-accepted", "a number for notice_type is accepted",
			"when notice_type is a number answers 400", onBody(func(m map[string]any) bool {
				n, ok := m["notice_type"].(json.Number)
				if ok {
					m["notice_type"] = n.String()
				}
				return ok
			})).also("when notice_type is a number"),
		must("event-names-string-accepted", "a string for enabled_event_type_names is accepted",
			"when enabled_event_type_names is a string answers 400", onBody(func(m map[string]any) bool {
				s, ok := m["enabled_event_type_names"].(string)
				if ok {
					m["enabled_event_type_names"] = []any{s}
				}
				return ok
			})).also("when enabled_event_type_names is a string"),
		must("event-name-number-accepted", "a number in enabled_event_type_names is accepted",
			"when enabled_event_type_names has a non-string element answers 400", onBody(func(m map[string]any) bool {
				xs, _ := m["enabled_event_type_names"].([]any)
				changed := false
				for i, x := range xs {
					if n, ok := x.(json.Number); ok {
						xs[i], changed = n.String(), true
					}
				}
				return changed
			})).also("when enabled_event_type_names has a non-string element"),
		must("param-config-object-accepted", "an object for param_config is accepted",
			"when param_config is an object answers 400", onBody(func(m map[string]any) bool {
				_, ok := m["param_config"].(map[string]any)
				delete(m, "param_config")
				return ok
			})).also("when param_config is an object"),
		must("null-event-names-500", "enabled_event_type_names null (the SDK's nil list) answers 500",
			"when enabled_event_type_names is null, as the SDK sends a nil list answers 400, not 500",
			failWhen(func(b []byte) bool { return bytes.Contains(b, []byte(`"enabled_event_type_names":null`)) }, http.StatusInternalServerError)).
			also("when enabled_event_type_names is null, as the SDK sends a nil list " + family),
		must("job-id-length-unchecked", "a job_id of the wrong length is looked up, not refused",
			"when job_id is too short answers 400", onPath(func(id string) (int, bool) {
				return http.StatusNotFound, len(id) != 32 && alnum(id)
			})).also("when job_id is too short "+family, "when job_id is too long answers 400", "when job_id is too long "+family),
		must("job-id-charset-unchecked", "a job_id with other characters is looked up, not refused",
			"when job_id is not alphanumeric answers 400", onPath(func(id string) (int, bool) {
				return http.StatusNotFound, !alnum(id)
			})).also("when job_id is not alphanumeric " + family),
		must("unknown-job-422", "an unknown job answers 422 DEVCB.00031006, as other job endpoints do",
			"when job_id is well-formed but no such job exists answers 404", rewrite(func(r *http.Request, a *answer) {
				if a.status == http.StatusNotFound {
					a.status = http.StatusUnprocessableEntity
					a.body = []byte(`{"error_code":"DEVCB.00031006","error_msg":"The job does not exist."}`)
				}
			})).also("when job_id is well-formed but no such job exists " + family),
		must("unknown-job-created", "an update of an unknown job succeeds",
			"when job_id is well-formed but no such job exists answers 404", rewrite(func(r *http.Request, a *answer) {
				if a.status == http.StatusNotFound && r.Method == http.MethodPost {
					a.status = http.StatusOK
					a.body = []byte(`{"result":"` + jobOf(r) + `","error":null,"status":"success"}`)
				}
			})).also("when job_id is well-formed but no such job exists"),

		// Error bodies.
		must("error-keys-renamed", "error bodies say code and message instead of error_code and error_msg",
			"when the body is not JSON "+body, onErrorBody(func(m map[string]any) {
				m["code"], m["message"] = m["error_code"], m["error_msg"]
				delete(m, "error_code")
				delete(m, "error_msg")
			})).also(body, family),
		must("error-code-number", "error_code is a number",
			"when the body is not JSON "+body, onErrorBody(func(m map[string]any) { m["error_code"] = 60200 })).
			also(body, family),
		must("error-code-empty", "error_code is empty",
			"when no credentials are sent "+body, onErrorBody(func(m map[string]any) { m["error_code"] = "" })).
			also(body, family),
		must("error-msg-missing", "error bodies have no error_msg",
			"when job_id is too long "+body, onErrorBody(func(m map[string]any) { delete(m, "error_msg") })).
			also(body),
		must("html-error-page", "errors are an HTML page",
			"when notice_type is missing "+body, rewrite(func(r *http.Request, a *answer) {
				if a.status >= 400 {
					a.header.Set("Content-Type", "text/html; charset=utf-8")
					a.body = []byte("<html><body><h1>" + strconv.Itoa(a.status) + " " + http.StatusText(a.status) + "</h1></body></html>")
				}
			})).also(body, family),

		// Faults.
		must("fault-ignored", "Prefer: code=500 is ignored",
			"when the server fails (Prefer: code=500) answers 500", onRequest(func(r *http.Request, _ []byte) {
				r.Header.Del(contract.HeaderPrefer)
			})).also("when the server fails (Prefer: code=500)"),
		must("fault-plain-text", "a fault answers a plain-text body",
			"when the server fails (Prefer: code=500) "+body, rewrite(func(r *http.Request, a *answer) {
				if a.status == http.StatusInternalServerError {
					a.header.Set("Content-Type", "text/plain; charset=utf-8")
					a.body = []byte("Internal Server Error\n")
				}
			})).also("when the server fails (Prefer: code=500) " + family),

		// SHOULD rules: verify passes with a warning.
		should("no-request-id", "answers carry no X-Request-Id header",
			success+"answers an X-Request-Id header", rewrite(func(r *http.Request, a *answer) {
				a.header.Del(contract.HeaderRequestID)
			})),
		should("wrong-code-family", "a 400 answers a gateway code (APIGW.0301)",
			"when notice_type is a number answers an error_code the vendor uses with 400", onErrorBody(func(m map[string]any) {
				if m["error_code"] == contract.Error(contract.InvalidParameter).Code {
					m["error_code"] = contract.Error(contract.InvalidToken).Code
				}
			})).also(
			// Every case answered CB.00060200.
			"when the body is not JSON "+family, "when the body is empty "+family,
			"when notice_type is missing "+family, "when enabled_event_type_names is missing "+family,
			"when enabled_event_type_names is a string "+family, "when enabled_event_type_names has a non-string element "+family,
			"when param_config is an object "+family, "when enabled_event_type_names is null, as the SDK sends a nil list "+family),
		// The two refuse what the mock accepted: a valid, authenticated update.
		must("trailing-newline-rejected", `a body ending with "\n" answers 400`,
			"accepts a body that ends with a newline", onAnswer(func(r *http.Request, b []byte, a *answer) bool {
				return r.Method == http.MethodPost && a.status == http.StatusOK && bytes.HasSuffix(b, []byte("\n"))
			}, invalidParameter)),
		must("charset-required", "Content-Type application/json without a charset answers 400",
			"accepts Content-Type application/json without a charset", onAnswer(func(r *http.Request, _ []byte, a *answer) bool {
				return r.Method == http.MethodPost && a.status == http.StatusOK && r.Header.Get("Content-Type") == "application/json"
			}, invalidParameter)),
		should("read-back-stale", "the read-back does not show the update",
			"shows the events the update enabled", rewrite(func(r *http.Request, a *answer) {
				if r.Method == http.MethodGet && a.status == http.StatusOK {
					a.body = []byte(`{"result":[],"error":null,"status":"success"}`)
				}
			})),
		should("aksk-rejected", "AK/SK-signed requests answer 401",
			"when the update is signed with AK/SK answers 200", rewrite(func(r *http.Request, a *answer) {
				if r.Header.Get(contract.HeaderAuthToken) == "" && r.Header.Get(contract.HeaderAuthorization) != "" {
					a.status = http.StatusUnauthorized
					a.body = []byte(`{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: verify aksk signature fail"}`)
				}
			})),
	}
	servers = append(servers, caseServers()...)
	servers = append(servers, recordedServers()...)
	servers = append(servers, propertyBroken()...)
	also := generatedAlso()
	for i, sv := range servers {
		if extra, ok := also[sv.Name]; ok {
			servers[i] = sv.also(extra...)
			delete(also, sv.Name)
		}
	}
	if len(also) > 0 {
		panic(fmt.Sprintf("generatedAlso names servers that do not exist: %v", slices.Sorted(maps.Keys(also))))
	}
	return servers
}

// also returns s declaring that it makes checks fail (or warn) too: see AlsoFails.
func (s Server) also(checks ...string) Server {
	s.AlsoFails = append(slices.Clone(s.AlsoFails), checks...)
	return s
}

// Conforming returns variants that differ from the reference mock only where the
// contract is lenient. verify must pass them all.
func Conforming() []Server {
	return append([]Server{
		{Name: "result-string", Style: mock.ResultString},
		{Name: "result-null", Style: mock.ResultNull},
		// The page's own example; only the official SDK's SHOULD warns.
		{Name: "result-object", Style: mock.ResultObject, Level: suites.Should,
			Check: "when the update is valid and authenticated answers a body the official Go SDK decodes"},
		{Name: "charset-present", Wrap: rewrite(func(r *http.Request, a *answer) {
			a.header.Set("Content-Type", "application/json;charset=UTF-8")
		})},
		{Name: "charset-absent", Wrap: rewrite(func(r *http.Request, a *answer) {
			a.header.Set("Content-Type", "application/json")
		})},
		{Name: "shuffled-keys", Wrap: rewrite(func(r *http.Request, a *answer) {
			a.body = reverseKeys(a.body)
		})},
		{Name: "pretty-printed", Wrap: rewrite(func(r *http.Request, a *answer) {
			var out bytes.Buffer
			if json.Indent(&out, a.body, "", "    ") == nil {
				a.body = append(out.Bytes(), '\n')
			}
		})},
		{Name: "extra-headers", Wrap: rewrite(func(r *http.Request, a *answer) {
			a.header.Set("Server", "api-gateway")
			a.header.Set("Cache-Control", "no-store")
			a.header.Set("Strict-Transport-Security", "max-age=31536000")
			a.header.Set("X-Frame-Options", "SAMEORIGIN")
		})},
		{Name: "extra-keys", Wrap: rewrite(func(r *http.Request, a *answer) {
			m, ok := object(a.body)
			if !ok {
				return
			}
			m["request_id"] = a.header.Get(contract.HeaderRequestID)
			m["trace"] = map[string]any{"span": "1"}
			a.body, _ = json.Marshal(m)
		})},
		{Name: "no-read-back-endpoint", Skipped: "read back with GET /v3/jobs/notice/{job_id}/query", Wrap: func(ref http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet {
					writeError(w, contract.Error(contract.UnknownAPI))
					return
				}
				ref.ServeHTTP(w, r)
			})
		}},
	}, propertyConforming()...)
}

// answer is a response being rewritten.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// rewrite serves the request with ref, lets f change the answer, and sends it.
func rewrite(f func(r *http.Request, a *answer)) func(http.Handler) http.Handler {
	return func(ref http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			ref.ServeHTTP(rec, r)
			a := &answer{status: rec.Code, header: rec.Header().Clone(), body: rec.Body.Bytes()}
			f(r, a)
			for k, vs := range a.header {
				w.Header()[k] = vs
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(a.body)))
			w.WriteHeader(a.status)
			_, _ = w.Write(a.body)
		})
	}
}

// onRequest lets f change the request (its header) before ref serves it.
func onRequest(f func(r *http.Request, body []byte)) func(http.Handler) http.Handler {
	return func(ref http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			f(r, b)
			r.Body = io.NopCloser(bytes.NewReader(b))
			ref.ServeHTTP(w, r)
		})
	}
}

// onBody lets f change a JSON object body before ref serves it, so that ref never
// sees what f hides. f reports whether it changed m; bodies it leaves alone (and
// bodies that are not objects) pass byte for byte, so their signatures still verify.
func onBody(f func(m map[string]any) bool) func(http.Handler) http.Handler {
	return func(ref http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			if m, ok := object(b); ok && f(m) {
				b, _ = json.Marshal(m)
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
			r.ContentLength = int64(len(b))
			ref.ServeHTTP(w, r)
		})
	}
}

// failWhen answers status with the error table's body for it when a POST body
// satisfies bad.
func failWhen(bad func(body []byte) bool, status int) func(http.Handler) http.Handler {
	return func(ref http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			if r.Method == http.MethodPost && bad(b) {
				writeError(w, firstOfStatus(status))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
			ref.ServeHTTP(w, r)
		})
	}
}

// onPath answers an authenticated request whose job_id satisfies match with the
// error table's body for status, before any validation.
func onPath(match func(jobID string) (status int, ok bool)) func(http.Handler) http.Handler {
	return func(ref http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get(contract.HeaderAuthToken) == demoToken() {
				if status, ok := match(jobOf(r)); ok {
					writeError(w, firstOfStatus(status))
					return
				}
			}
			ref.ServeHTTP(w, r)
		})
	}
}

// onStatus changes one status to another, body untouched.
func onStatus(from, to int) func(http.Handler) http.Handler {
	return rewrite(func(r *http.Request, a *answer) {
		if a.status == from {
			a.status = to
		}
	})
}

// onSuccessBody lets f change the JSON object of every 200 answer to an update.
func onSuccessBody(f func(m map[string]any)) func(http.Handler) http.Handler {
	return rewrite(func(r *http.Request, a *answer) {
		if a.status != http.StatusOK || r.Method != http.MethodPost {
			return
		}
		if m, ok := object(a.body); ok {
			f(m)
			a.body, _ = json.Marshal(m)
		}
	})
}

// onErrorBody lets f change the JSON object of every error answer.
func onErrorBody(f func(m map[string]any)) func(http.Handler) http.Handler {
	return rewrite(func(r *http.Request, a *answer) {
		if a.status < 400 {
			return
		}
		if m, ok := object(a.body); ok {
			f(m)
			a.body, _ = json.Marshal(m)
		}
	})
}

func deleteKey(k string) func(map[string]any) { return func(m map[string]any) { delete(m, k) } }

func setKey(k string, v any) func(map[string]any) { return func(m map[string]any) { m[k] = v } }

// object decodes a JSON object, numbers kept as json.Number.
func object(b []byte) (map[string]any, bool) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if d.Decode(&m) != nil || m == nil {
		return nil, false
	}
	return m, true
}

// reverseKeys re-encodes a JSON object body with its top-level keys in reverse
// alphabetical order (the mock writes result, error, status and error_code,
// error_msg). Other bodies pass unchanged.
func reverseKeys(b []byte) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil || m == nil {
		return b
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	slices.Reverse(keys)
	var out bytes.Buffer
	out.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			out.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		out.Write(kb)
		out.WriteByte(':')
		out.Write(m[k])
	}
	out.WriteByte('}')
	return out.Bytes()
}

// writeError writes the error table's answer e.
func writeError(w http.ResponseWriter, e contract.ErrorSpec) {
	b, _ := json.Marshal(map[string]string{"error_code": e.Code, "error_msg": e.Message})
	w.Header().Set("Content-Type", contract.ContentType)
	w.Header().Set(contract.HeaderRequestID, "0123456789abcdef0123456789abcdef")
	w.WriteHeader(e.Status)
	_, _ = w.Write(b)
}

// firstOfStatus returns the error table's first row with status.
func firstOfStatus(status int) contract.ErrorSpec {
	for _, e := range contract.Errors() {
		if e.Status == status {
			return e
		}
	}
	panic("brokentest: no error of status " + strconv.Itoa(status))
}

func jobOf(r *http.Request) string {
	id, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, contract.NoticePrefix), "/")
	return id
}

func alnum(s string) bool {
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// demoToken returns the demo profile's token, which the variants are checked with.
func demoToken() string {
	p, err := mock.DefaultProfile()
	if err != nil || len(p.Tokens) == 0 {
		return ""
	}
	return p.Tokens[0]
}

// generatedAlso is what the generated checks (label generated) and the checks that
// follow from the same fault find too in these broken servers, beyond what each
// declares where it is written: a server that breaks one documented answer breaks the
// property of every request of its kind. verify runs each prover with --seed 1
// (proverFlags), so these sets repeat; the catalogue test names any change.
func generatedAlso() map[string][]string {
	const (
		validateFirst = "when requests are generated from the contract to check the order of the errors answers 400, not 404, to every invalid update of a job that does not exist"
		unknownAPI    = "when requests are generated from the contract to check the order of the errors answers 404 with an error body to every path that is no API, whatever its credentials"
		unusual       = "when updates of unusual size or content are generated from the contract answers each as the contract says, never 5xx"
	)
	// A success answer that is not the JSON envelope breaks every check that reads it.
	successNotJSON := []string{
		"answers one JSON value in valid UTF-8",
		"answers every valid update 200",
		"shows what a model of the updates shows",
		unusual,
	}
	// What breaks in every error answer breaks every generated check that reads one.
	errorBodyBroken := []string{
		validateFirst, unknownAPI, unusual,
		"answers one JSON value in valid UTF-8",
		"answers 401 to every request without valid credentials",
		"answers 403 to every request of a caller not allowed",
		"authenticates nothing with the token anywhere but X-Auth-Token",
		"refuses every AK/SK request changed after signing",
		"refuses every token that differs",
		"answers every invalid update 400",
		"answers every malformed job_id 400",
		"answers every valid update 200",
		"answers every well-formed job_id of no job 404",
		"answers every malformed job_id error_code",
		"when requests are generated from the contract answers every upper-case job_id 200, 400 or 404",
	}
	return map[string][]string{
		"job-id-unicode-letters": {
			"answers every malformed job_id error_code",
		},
		"job-id-truncated": {
			"answers every malformed job_id 400",
			"answers every malformed job_id error_code",
		},
		"param-config-object-accepted": {
			"when requests are generated from the contract answers every invalid update 400 with an error body",
		},
		"envelope-without-status": {
			unusual,
			"answers one JSON value in valid UTF-8",
			"answers every valid update 200",
		},
		"envelope-without-error": {
			unusual,
			"answers one JSON value in valid UTF-8",
			"answers every valid update 200",
		},
		"envelope-without-result": {
			unusual,
			"answers one JSON value in valid UTF-8",
			"answers every valid update 200",
		},
		"status-fail": {
			unusual,
			"answers every valid update 200",
		},
		"result-number": {
			unusual,
			"answers one JSON value in valid UTF-8",
			"answers every valid update 200",
		},
		"success-201":        successNotJSON,
		"success-text-plain": successNotJSON,
		"success-not-json":   successNotJSON,
		"no-auth-check": {
			"answers 401 to every request without valid credentials",
			"authenticates nothing with the token anywhere but X-Auth-Token",
		},
		"any-token-accepted": {
			"answers 401 to every request without valid credentials",
		},
		"forbidden-as-401": {
			"answers 403 to every request of a caller not allowed",
		},
		"missing-credentials-as-403": {
			unknownAPI,
			"when no credentials are sent and the body is over 1 MiB answers 401, not 413",
			"answers 401 to every request without valid credentials",
			"authenticates nothing with the token anywhere but X-Auth-Token",
		},
		"malformed-json-500": {
			"answers 401 to every request without valid credentials",
			"answers 403 to every request of a caller not allowed",
			"refuses every AK/SK request changed after signing",
			"answers every invalid update 400",
			"answers no request with 5xx",
			unknownAPI,
			unusual,
		},
		"empty-body-500": {
			"when credentials are generated from the contract answers 403 to every request of a caller not allowed, whatever its body, Content-Type and job_id",
			"when requests are generated from the contract answers every invalid update 400 with an error body",
			"when credentials are generated from the contract answers 401 to every request without valid credentials, whatever its body, Content-Type and job_id",
			"when requests are generated from the contract answers no request with 5xx",
		},
		"notice-type-not-required": {
			"answers every invalid update 400",
		},
		"event-names-not-required": {
			"answers every invalid update 400",
		},
		"notice-type-number-accepted": {
			unusual,
		},
		"event-names-string-accepted": {
			"when requests are generated from the contract answers every invalid update 400 with an error body",
		},
		"event-name-number-accepted": {
			unusual,
			"answers every invalid update 400",
		},
		"null-event-names-500": {
			"when credentials are generated from the contract answers 403 to every request of a caller not allowed, whatever its body, Content-Type and job_id",
			"when requests are generated from the contract answers every invalid update 400 with an error body",
		},
		"job-id-length-unchecked": {
			"answers every malformed job_id 400",
			"answers every malformed job_id error_code",
		},
		"job-id-charset-unchecked": {
			"answers every malformed job_id 400",
			"answers every malformed job_id error_code",
		},
		"unknown-job-422": {
			unknownAPI,
			"answers every well-formed job_id of no job 404",
			"when any request is generated from the contract answers one JSON value in valid UTF-8, of the documented shape for its status",
		},
		"unknown-job-created": {
			unknownAPI,
			"answers every well-formed job_id of no job 404",
		},
		"error-keys-renamed": errorBodyBroken,
		"error-code-number":  errorBodyBroken,
		"error-code-empty":   errorBodyBroken,
		"error-msg-missing": {
			validateFirst, unknownAPI, unusual,
			"answers one JSON value in valid UTF-8",
			"answers 401 to every request without valid credentials",
			"answers 403 to every request of a caller not allowed",
			"authenticates nothing with the token anywhere but X-Auth-Token",
			"refuses every AK/SK request changed after signing",
			"refuses every token that differs",
			"answers every invalid update 400",
			"answers every malformed job_id 400",
			"answers every valid update 200",
			"answers every well-formed job_id of no job 404",
			"when requests are generated from the contract answers every upper-case job_id 200, 400 or 404",
		},
		"html-error-page": errorBodyBroken,
		"trailing-newline-rejected": {
			"answers every valid update 200",
			"shows what a model of the updates shows",
		},
		"charset-required": {
			unusual,
			"when requests are generated from the contract answers every valid update 200 with the envelope",
		},
		"read-back-stale": {
			"shows what a model of the updates shows",
		},
		"aksk-signature-unchecked": {
			"answers 401 to every request without valid credentials",
			"refuses every AK/SK request changed after signing",
		},
		"aksk-error-plain-text": {
			"answers 401 to every request without valid credentials",
			"refuses every AK/SK request changed after signing",
			"when any request is generated from the contract answers one JSON value in valid UTF-8, of the documented shape for its status",
		},
		"malformed-job-id-parameter-code": {
			"answers every malformed job_id error_code",
		},
		"non-ascii-500": {
			unusual,
			"when requests are generated from the contract answers no request with 5xx",
		},
		"event-count-500": {
			"when requests are generated from the contract answers no request with 5xx",
			"when random sequences of updates are read back with GET /v3/jobs/notice/{job_id}/query shows what a model of the updates shows",
		},
		"param-config-500": {
			unusual,
			"when requests are generated from the contract answers no request with 5xx",
		},
		"pretty-json-500": {
			"when requests are generated from the contract answers no request with 5xx",
			"when random sequences of updates are read back with GET /v3/jobs/notice/{job_id}/query shows what a model of the updates shows",
		},
		"content-type-case-500": {
			"when requests are generated from the contract answers no request with 5xx",
		},
		"escape-500": {
			unusual,
			"when requests are generated from the contract answers no request with 5xx",
			"when random sequences of updates are read back with GET /v3/jobs/notice/{job_id}/query shows what a model of the updates shows",
		},
		"upper-case-id-500": {
			"when requests are generated from the contract answers every upper-case job_id 200, 400 or 404",
			unknownAPI,
		},
		"null-field-accepted": {
			"when enabled_event_type_names is null, as the SDK sends a nil list answers 400, not 500",
			"when enabled_event_type_names is null, as the SDK sends a nil list answers an error body with error_code and error_msg",
			"when enabled_event_type_names is null, as the SDK sends a nil list answers an error_code the vendor uses with 400",
		},
		"param-config-number-accepted": {
			unusual,
			"when param_config is an object answers 400",
			"when param_config is an object answers an error body with error_code and error_msg",
			"when param_config is an object answers an error_code the vendor uses with 400",
		},
		"trailing-bytes-accepted": {
			"when credentials are generated from the contract refuses every AK/SK request changed after signing",
		},
		"job-id-hex-only": {
			unknownAPI,
			"when job_id is well-formed but no such job exists answers 404",
			"when job_id is well-formed but no such job exists answers an error_code the vendor uses with 404",
		},
		"job-id-length-only": {
			"when job_id is not alphanumeric answers 400",
			"when job_id is not alphanumeric answers an error_code the vendor uses with 400",
			"when requests are generated from the contract answers every malformed job_id error_code CB.00060201",
		},
		"validates-before-authenticating": {
			unknownAPI,
			"when credentials are generated from the contract answers 403 to every request of a caller not allowed, whatever its body, Content-Type and job_id",
			"when credentials are generated from the contract authenticates nothing with the token anywhere but X-Auth-Token",
			"when credentials are generated from the contract refuses every AK/SK request changed after signing",
			"when credentials are generated from the contract refuses every token that differs from the valid one",
		},
		"token-case-insensitive": {
			"when credentials are generated from the contract answers 401 to every request without valid credentials, whatever its body, Content-Type and job_id",
		},
		"token-from-query": {
			"when credentials are generated from the contract answers 401 to every request without valid credentials, whatever its body, Content-Type and job_id",
		},
		"token-from-bearer": {
			"when credentials are generated from the contract answers 401 to every request without valid credentials, whatever its body, Content-Type and job_id",
		},
		"aksk-date-unchecked": {
			"when credentials are generated from the contract answers 401 to every request without valid credentials, whatever its body, Content-Type and job_id",
		},
		"trailing-bytes-answer": {
			"when X-Auth-Token is not a valid token answers an error_code the vendor uses with 401",
			"when no credentials are sent answers an error_code the vendor uses with 401",
		},
		"forbidden-empty-body": {
			"answers 403 to every request of a caller not allowed",
		},
		"missing-field-error-list": {
			validateFirst,
			"answers every invalid update 400",
			"when any request is generated from the contract answers one JSON value in valid UTF-8, of the documented shape for its status",
		},
		"element-type-plain-text": {
			validateFirst,
			unusual,
			"answers every invalid update 400",
			"when any request is generated from the contract answers one JSON value in valid UTF-8, of the documented shape for its status",
		},
		"null-list-error-sniffed-type": {
			validateFirst,
			"answers every invalid update 400",
		},
		"unknown-job-router-404": {
			unknownAPI,
			"answers every well-formed job_id of no job 404",
			"when any request is generated from the contract answers one JSON value in valid UTF-8, of the documented shape for its status",
		},
		"invalid-token-oauth-error": {
			"answers 401 to every request without valid credentials",
			"refuses every token that differs",
			"when any request is generated from the contract answers one JSON value in valid UTF-8, of the documented shape for its status",
		},
		"type-error-msg-null": {
			validateFirst,
			unusual,
			"when any request is generated from the contract answers one JSON value in valid UTF-8, of the documented shape for its status",
		},
		"job-id-error-msg-details": {
			"answers one JSON value in valid UTF-8",
			"answers every malformed job_id 400",
		},
		"job-id-waf-html-page": {
			"answers one JSON value in valid UTF-8",
			"answers every malformed job_id 400",
			"answers every malformed job_id error_code",
		},
		"short-job-id-not-found-code": {
			"answers every malformed job_id error_code",
		},
		"long-job-id-validator-code": {
			"answers every malformed job_id error_code",
		},
		"job-id-charset-validator-code": {
			"answers every malformed job_id error_code",
		},
		"empty-body-framework-error": {
			validateFirst,
			"when requests are generated from the contract answers every invalid update 400 with an error body",
			"when any request is generated from the contract answers one JSON value in valid UTF-8, of the documented shape for its status",
		},
		"type-error-msg-list": {
			validateFirst,
			"when requests are generated from the contract answers every invalid update 400 with an error body",
		},
		"param-config-error-nested": {
			validateFirst,
			"when requests are generated from the contract answers every invalid update 400 with an error body",
		},
		"no-request-id": {
			"when any request is generated from the contract and sent in other ways answers an X-Request-Id header to every request",
		},
		"aksk-rejected": {
			unknownAPI,
		},
		"upper-case-id-403": {
			unknownAPI,
		},
		"forbidden-after-validation": {
			unknownAPI,
		},
		"other-method-500": {
			unknownAPI,
		},
		"switch-other-type-500": {
			"when requests are generated from the contract answers no request with 5xx",
		},
		"param-config-json-500": {
			"when requests are generated from the contract answers no request with 5xx",
		},
		"token-scheme-stripped": {
			"when credentials are generated from the contract answers 401 to every request without valid credentials, whatever its body, Content-Type and job_id",
		},
		"token-quotes-trimmed": {
			"when credentials are generated from the contract answers 401 to every request without valid credentials, whatever its body, Content-Type and job_id",
		},
		"token-from-body": {
			"when credentials are generated from the contract answers 401 to every request without valid credentials, whatever its body, Content-Type and job_id",
		},
		"aksk-signature-prefix": {
			"when credentials are generated from the contract answers 401 to every request without valid credentials, whatever its body, Content-Type and job_id",
		},
		"aksk-query-unsigned": {
			"when credentials are generated from the contract answers 401 to every request without valid credentials, whatever its body, Content-Type and job_id",
		},
		"notice-type-case-500": {
			"when requests are generated from the contract answers no request with 5xx",
		},
	}
}
