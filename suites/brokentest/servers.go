// Package brokentest holds variants of the reference mock for testing the suites
// themselves: deliberately broken servers, each breaking one rule of the contract,
// which `noticeconf verify` must fail (or warn about) naming that rule; and
// conforming variants, which differ from the mock only where the contract is lenient
// (key order, whitespace, charset, extra keys and headers, the form of result), and
// which verify must pass.
package brokentest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"

	"github.com/noticeconf/noticeconf/internal/contract"
	"github.com/noticeconf/noticeconf/internal/mock"
	"github.com/noticeconf/noticeconf/suites"
)

// Server is a variant of the reference mock.
type Server struct {
	// Name is short and unique, e.g. "malformed-json-500".
	Name string
	// Breaks says in words which rule the variant breaks; empty for a conforming one.
	Breaks string
	// Check is a part of the name of the check that must fail (Level Must) or warn
	// (Level Should). Empty for a conforming variant with no warning.
	Check string
	// Level is the level of Check: Must makes verify exit 1, Should exit 0 with a
	// warning.
	Level suites.Level
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
	)
	return append([]Server{
		// The success answer.
		must("envelope-without-status", `the success envelope has no "status" key`,
			success+"answers the documented envelope", onSuccessBody(deleteKey("status"))),
		must("envelope-without-error", `the success envelope has no "error" key`,
			success+"answers error null", onSuccessBody(deleteKey("error"))),
		must("envelope-without-result", `the success envelope has no "result" key`,
			success+"answers result as a string", onSuccessBody(deleteKey("result"))),
		must("status-fail", `the success envelope says status "fail"`,
			success+`answers status "success"`, onSuccessBody(setKey("status", "fail"))),
		must("error-not-null", `the success envelope's error is a string`,
			success+"answers error null", onSuccessBody(setKey("error", "none"))),
		must("result-number", "result is a number",
			success+"answers result as a string, null or", onSuccessBody(setKey("result", 42))),
		must("success-201", "a successful update answers 201",
			success+"answers 200", rewrite(func(r *http.Request, a *answer) {
				if a.status == http.StatusOK {
					a.status = http.StatusCreated
				}
			})),
		must("success-text-plain", "the success answer is Content-Type text/plain",
			success+"answers a JSON content type", rewrite(func(r *http.Request, a *answer) {
				if a.status == http.StatusOK {
					a.header.Set("Content-Type", "text/plain; charset=utf-8")
				}
			})),
		must("success-not-json", `the success answer is the text "OK"`,
			success+"answers the documented envelope", rewrite(func(r *http.Request, a *answer) {
				if a.status == http.StatusOK {
					a.body = []byte("OK")
				}
			})),

		// Authentication.
		must("no-auth-check", "a request without credentials is served",
			"when no credentials are sent answers 401", onRequest(func(r *http.Request, _ []byte) {
				if r.Header.Get(contract.HeaderAuthToken) == "" && r.Header.Get(contract.HeaderAuthorization) == "" {
					r.Header.Set(contract.HeaderAuthToken, demoToken())
				}
			})),
		must("any-token-accepted", "any X-Auth-Token is accepted",
			"when X-Auth-Token is not a valid token answers 401", onRequest(func(r *http.Request, _ []byte) {
				if strings.HasPrefix(r.Header.Get(contract.HeaderAuthToken), "noticeconf-invalid-") {
					r.Header.Set(contract.HeaderAuthToken, demoToken())
				}
			})),
		must("forbidden-as-401", "a caller not allowed answers 401 instead of 403",
			"when the token is not allowed to update the job answers 403", onStatus(http.StatusForbidden, http.StatusUnauthorized)),
		must("missing-credentials-as-403", "a request without credentials answers 403 instead of 401",
			"when no credentials are sent answers 401", rewrite(func(r *http.Request, a *answer) {
				if r.Header.Get(contract.HeaderAuthToken) == "" && r.Header.Get(contract.HeaderAuthorization) == "" {
					a.status = http.StatusForbidden
				}
			})),

		// Validation.
		must("malformed-json-500", "a body that is not JSON answers 500",
			"when the body is not JSON answers 400", failWhen(func(b []byte) bool { return len(b) > 0 && !json.Valid(b) }, http.StatusInternalServerError)),
		must("empty-body-500", "an empty body answers 500",
			"when the body is empty answers 400", failWhen(func(b []byte) bool { return len(b) == 0 }, http.StatusInternalServerError)),
		must("notice-type-not-required", "notice_type is not required",
			"when notice_type is missing answers 400", onBody(func(m map[string]any) bool {
				if _, ok := m["notice_type"]; ok {
					return false
				}
				m["notice_type"] = "MESSAGE"
				return true
			})),
		must("event-names-not-required", "enabled_event_type_names is not required",
			"when enabled_event_type_names is missing answers 400", onBody(func(m map[string]any) bool {
				if _, ok := m["enabled_event_type_names"]; ok {
					return false
				}
				m["enabled_event_type_names"] = []any{}
				return true
			})),
		must("notice-type-number-accepted", "a number for notice_type is accepted",
			"when notice_type is a number answers 400", onBody(func(m map[string]any) bool {
				n, ok := m["notice_type"].(json.Number)
				if ok {
					m["notice_type"] = n.String()
				}
				return ok
			})),
		must("event-names-string-accepted", "a string for enabled_event_type_names is accepted",
			"when enabled_event_type_names is a string answers 400", onBody(func(m map[string]any) bool {
				s, ok := m["enabled_event_type_names"].(string)
				if ok {
					m["enabled_event_type_names"] = []any{s}
				}
				return ok
			})),
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
			})),
		must("param-config-object-accepted", "an object for param_config is accepted",
			"when param_config is an object answers 400", onBody(func(m map[string]any) bool {
				_, ok := m["param_config"].(map[string]any)
				delete(m, "param_config")
				return ok
			})),
		must("null-event-names-500", "enabled_event_type_names null (the SDK's nil list) answers 500",
			"when enabled_event_type_names is null, as the SDK sends a nil list answers 400, not 500",
			failWhen(func(b []byte) bool { return bytes.Contains(b, []byte(`"enabled_event_type_names":null`)) }, http.StatusInternalServerError)),
		must("job-id-length-unchecked", "a job_id of the wrong length is looked up, not refused",
			"when job_id is too short answers 400", onPath(func(id string) (int, bool) {
				return http.StatusNotFound, len(id) != 32 && alnum(id)
			})),
		must("job-id-charset-unchecked", "a job_id with other characters is looked up, not refused",
			"when job_id is not alphanumeric answers 400", onPath(func(id string) (int, bool) {
				return http.StatusNotFound, !alnum(id)
			})),
		must("unknown-job-422", "an unknown job answers 422 DEVCB.00031006, as other job endpoints do",
			"when job_id is well-formed but no such job exists answers 404", rewrite(func(r *http.Request, a *answer) {
				if a.status == http.StatusNotFound {
					a.status = http.StatusUnprocessableEntity
					a.body = []byte(`{"error_code":"DEVCB.00031006","error_msg":"The job does not exist."}`)
				}
			})),
		must("unknown-job-created", "an update of an unknown job succeeds",
			"when job_id is well-formed but no such job exists answers 404", rewrite(func(r *http.Request, a *answer) {
				if a.status == http.StatusNotFound && r.Method == http.MethodPost {
					a.status = http.StatusOK
					a.body = []byte(`{"result":"` + jobOf(r) + `","error":null,"status":"success"}`)
				}
			})),

		// Error bodies.
		must("error-keys-renamed", "error bodies say code and message instead of error_code and error_msg",
			"when the body is not JSON "+body, onErrorBody(func(m map[string]any) {
				m["code"], m["message"] = m["error_code"], m["error_msg"]
				delete(m, "error_code")
				delete(m, "error_msg")
			})),
		must("error-code-number", "error_code is a number",
			"when the body is not JSON "+body, onErrorBody(func(m map[string]any) { m["error_code"] = 60200 })),
		must("error-code-empty", "error_code is empty",
			"when no credentials are sent "+body, onErrorBody(func(m map[string]any) { m["error_code"] = "" })),
		must("error-msg-missing", "error bodies have no error_msg",
			"when job_id is too long "+body, onErrorBody(func(m map[string]any) { delete(m, "error_msg") })),
		must("html-error-page", "errors are an HTML page",
			"when notice_type is missing "+body, rewrite(func(r *http.Request, a *answer) {
				if a.status >= 400 {
					a.header.Set("Content-Type", "text/html; charset=utf-8")
					a.body = []byte("<html><body><h1>" + strconv.Itoa(a.status) + " " + http.StatusText(a.status) + "</h1></body></html>")
				}
			})),

		// Faults.
		must("fault-ignored", "Prefer: code=500 is ignored",
			"when the server fails (Prefer: code=500) answers 500", onRequest(func(r *http.Request, _ []byte) {
				r.Header.Del(contract.HeaderPrefer)
			})),
		must("fault-plain-text", "a fault answers a plain-text body",
			"when the server fails (Prefer: code=500) "+body, rewrite(func(r *http.Request, a *answer) {
				if a.status == http.StatusInternalServerError {
					a.header.Set("Content-Type", "text/plain; charset=utf-8")
					a.body = []byte("Internal Server Error\n")
				}
			})),

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
			})),
		must("trailing-newline-rejected", `a body ending with "\n" answers 400`,
			"accepts a body that ends with a newline", failWhen(func(b []byte) bool { return bytes.HasSuffix(b, []byte("\n")) }, http.StatusBadRequest)),
		must("charset-required", "Content-Type application/json without a charset answers 400",
			"accepts Content-Type application/json without a charset", onRequestFail(func(r *http.Request) bool {
				return r.Method == http.MethodPost && r.Header.Get("Content-Type") == "application/json"
			}, http.StatusBadRequest)),
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
	}, propertyBroken()...)
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

// onRequestFail answers status with the error table's body for it when bad(r).
func onRequestFail(bad func(r *http.Request) bool, status int) func(http.Handler) http.Handler {
	return func(ref http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if bad(r) {
				writeError(w, firstOfStatus(status))
				return
			}
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
