package brokentest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/fixtures/mock"
	"github.com/noticeconf/noticeconf/suites"
)

// The cases of the error checks, as verify names them ("when " + the case).
const (
	caseNoCredentials = "when no credentials are sent"
	caseInvalidToken  = "when X-Auth-Token is not a valid token"
	caseForbidden     = "when the token is not allowed to update the job"
	caseNotJSON       = "when the body is not JSON"
	caseEmptyBody     = "when the body is empty"
	caseNoNoticeType  = "when notice_type is missing"
	caseNoEventNames  = "when enabled_event_type_names is missing"
	caseEventsString  = "when enabled_event_type_names is a string"
	caseEventNumber   = "when enabled_event_type_names has a non-string element"
	caseParamObject   = "when param_config is an object"
	caseEventsNull    = "when enabled_event_type_names is null, as the SDK sends a nil list"
	caseShortJobID    = "when job_id is too short"
	caseLongJobID     = "when job_id is too long"
	caseJobIDCharset  = "when job_id is not alphanumeric"
	caseUnknownJob    = "when job_id is well-formed but no such job exists"
	caseFault         = "when the server fails (Prefer: code=500)"
	caseBadSignature  = "when the AK/SK signature is wrong"

	// errorBodyCheck and familyCheck end the names of every error case's checks.
	errorBodyCheck = " answers an error body with error_code and error_msg"
	familyCheck    = " answers an error_code the vendor uses with"
)

// caseServers returns broken servers that each break one error case's error body
// (MUST) or error code (SHOULD), and the AK/SK, SDK and job id rules no other
// variant proves on its own: for every check, a variant that makes it fail with only
// what must fail with it.
func caseServers() []Server {
	var out []Server

	// Error bodies: each error case answered with a body real servers send instead of
	// the vendor's {error_code, error_msg}.
	for _, b := range []struct {
		name, breaks, when string
		match              match
		answer             func(r *http.Request, a *answer)
		// codeLost reports whether the body has no error_code string, so that the
		// case's family check fails with it.
		codeLost bool
	}{
		{"invalid-token-oauth-error", "an invalid token answers an OAuth 2.0 error body (error, error_description), as token middleware does",
			caseInvalidToken, invalidToken, jsonBody(`{"error":"invalid_token","error_description":"The access token is invalid or has expired."}`), true},
		{"forbidden-empty-body", "a caller not allowed gets 403 with an empty body, as an access proxy answers",
			caseForbidden, statusIs(http.StatusForbidden), func(_ *http.Request, a *answer) { a.body = nil }, true},
		{"empty-body-framework-error", "an empty body answers a web framework's default error object (timestamp, status, error, path)",
			caseEmptyBody, emptyBody, func(r *http.Request, a *answer) {
				a.body, _ = json.Marshal(map[string]any{"timestamp": "2026-01-01T00:00:00.000+00:00", "status": a.status, "error": http.StatusText(a.status), "path": r.URL.Path})
			}, true},
		{"missing-field-error-list", "a body without enabled_event_type_names answers a validator's list of errors",
			caseNoEventNames, missing("enabled_event_type_names"), jsonBody(`{"errors":[{"field":"enabled_event_type_names","message":"is required"}]}`), true},
		{"type-error-msg-null", "a number for notice_type answers error_msg null",
			"when notice_type is a number", fieldNumber("notice_type"), withMember("error_msg", nil), false},
		{"type-error-msg-list", "a string for enabled_event_type_names answers error_msg as a list of messages",
			caseEventsString, fieldString("enabled_event_type_names"), withMember("error_msg", []string{"enabled_event_type_names: expected an array of strings"}), false},
		{"element-type-plain-text", `a non-string event name answers Go's http.Error text, text/plain "Bad Request"`,
			caseEventNumber, nonStringElement("enabled_event_type_names"), plainText("Bad Request\n"), true},
		{"param-config-error-nested", `an object param_config answers the error one level down, {"error": {"error_code", "error_msg"}}`,
			caseParamObject, fieldObject("param_config"), func(_ *http.Request, a *answer) {
				a.body = append(append([]byte(`{"error":`), a.body...), '}')
			}, true},
		{"null-list-error-sniffed-type", "enabled_event_type_names null answers the error body without a Content-Type, which Go sniffs as text/plain",
			caseEventsNull, fieldNull("enabled_event_type_names"), func(_ *http.Request, a *answer) {
				a.header.Set("Content-Type", "text/plain; charset=utf-8")
			}, false},
		{"job-id-error-msg-details", `a job_id too short answers error_msg as a validator's map of details, {"job_id": "..."}`,
			caseShortJobID, jobIDWhere(func(id string) bool { return len(id) < 32 }), withMember("error_msg", map[string]string{"job_id": "length must be 32"}), false},
		{"job-id-waf-html-page", "a job_id with '-' answers the HTML page of a web application firewall",
			caseJobIDCharset, jobIDWhere(func(id string) bool { return !alnum(id) }), func(_ *http.Request, a *answer) {
				a.header.Set("Content-Type", "text/html; charset=utf-8")
				a.body = []byte("<html><head><title>Request blocked</title></head><body>The request was blocked by the web application firewall.</body></html>")
			}, true},
		{"unknown-job-router-404", `an unknown job falls through to the router's "404 page not found" text`,
			caseUnknownJob, statusIs(http.StatusNotFound), plainText("404 page not found\n"), true},
	} {
		s := Server{Name: b.name, Breaks: b.breaks, Check: b.when + errorBodyCheck, Level: suites.Must, Wrap: onAnswer(b.match, b.answer)}
		if b.codeLost {
			s = s.also(b.when + familyCheck)
		}
		out = append(out, s)
	}

	// Error codes: each error case answered with a code the vendor does not use with
	// its status, the body otherwise the vendor's.
	for _, c := range []struct {
		name, breaks, when string
		status             int
		match              match
		code               string
	}{
		{"missing-credentials-forbidden-code", "a request without credentials answers error_code APIGW.0302, the forbidden caller's",
			caseNoCredentials, http.StatusUnauthorized, noCredentials, "APIGW.0302"},
		{"invalid-token-parameter-code", "an invalid token answers error_code CB.00060200, the build service's invalid parameter",
			caseInvalidToken, http.StatusUnauthorized, invalidToken, "CB.00060200"},
		{"forbidden-authentication-code", "a caller not allowed answers error_code APIGW.0301, the failed authentication's",
			caseForbidden, http.StatusForbidden, statusIs(http.StatusForbidden), "APIGW.0301"},
		{"malformed-json-internal-code", "a body that is not JSON answers 400 with error_code CB.00060101, the internal error's: the parser's failure reported as a fault",
			caseNotJSON, http.StatusBadRequest, notJSON, "CB.00060101"},
		{"empty-body-entity-code", "an empty body answers 400 with error_code APIGW.0201, the gateway's entity-size code",
			caseEmptyBody, http.StatusBadRequest, emptyBody, "APIGW.0201"},
		{"missing-notice-type-validator-code", "a body without notice_type answers the schema validator's keyword REQUIRED as error_code",
			caseNoNoticeType, http.StatusBadRequest, missing("notice_type"), "REQUIRED"},
		{"missing-event-names-validator-code", "a body without enabled_event_type_names answers the schema validator's keyword REQUIRED as error_code",
			caseNoEventNames, http.StatusBadRequest, missing("enabled_event_type_names"), "REQUIRED"},
		{"event-names-string-validator-code", "a string for enabled_event_type_names answers the schema validator's keyword TYPE_MISMATCH as error_code",
			caseEventsString, http.StatusBadRequest, fieldString("enabled_event_type_names"), "TYPE_MISMATCH"},
		{"event-name-number-validator-code", "a non-string event name answers the schema validator's keyword TYPE_MISMATCH as error_code",
			caseEventNumber, http.StatusBadRequest, nonStringElement("enabled_event_type_names"), "TYPE_MISMATCH"},
		{"param-config-object-validator-code", "an object param_config answers the schema validator's keyword TYPE_MISMATCH as error_code",
			caseParamObject, http.StatusBadRequest, fieldObject("param_config"), "TYPE_MISMATCH"},
		{"null-event-names-internal-code", "enabled_event_type_names null answers 400 with CB.00060101, the internal error's: the nil list's panic recovered",
			caseEventsNull, http.StatusBadRequest, fieldNull("enabled_event_type_names"), "CB.00060101"},
		{"short-job-id-not-found-code", "a job_id too short answers 400 with CB.00060214, the unknown job's",
			caseShortJobID, http.StatusBadRequest, jobIDWhere(func(id string) bool { return len(id) < 32 }), "CB.00060214"},
		{"long-job-id-validator-code", "a job_id too long answers the validator's keyword LENGTH as error_code",
			caseLongJobID, http.StatusBadRequest, jobIDWhere(func(id string) bool { return len(id) > 32 }), "LENGTH"},
		{"job-id-charset-validator-code", "a job_id with '-' answers the validator's keyword PATTERN as error_code",
			caseJobIDCharset, http.StatusBadRequest, jobIDWhere(func(id string) bool { return !alnum(id) }), "PATTERN"},
		{"unknown-job-devcb-code", "an unknown job answers 404 with DEVCB.00031006, the code of the other job endpoints",
			caseUnknownJob, http.StatusNotFound, statusIs(http.StatusNotFound), "DEVCB.00031006"},
		{"fault-framework-code", "a fault answers error_code INTERNAL_SERVER_ERROR, a web framework's default",
			caseFault, http.StatusInternalServerError, statusIs(http.StatusInternalServerError), "INTERNAL_SERVER_ERROR"},
	} {
		out = append(out, Server{
			Name: c.name, Breaks: c.breaks, Level: suites.Should,
			Check: c.when + familyCheck + " " + strconv.Itoa(c.status),
			Wrap:  onAnswer(c.match, withMember("error_code", c.code)),
		})
	}

	return append(out,
		// The official SDK decodes result as a string: the seed page's own example, an
		// object, fails it. SHOULD [sdk].
		Server{Name: "result-seed-object", Level: suites.Should, Style: mock.ResultObject,
			Breaks: `result is the seed page's example object {"job_id": ...}, which the official Go SDK does not decode`,
			Check:  "when the update is valid and authenticated answers a body the official Go SDK decodes"},
		Server{Name: "aksk-signature-unchecked", Level: suites.Must,
			Breaks: "an AK/SK-signed request is served without verifying its signature",
			Check:  caseBadSignature + " answers 401",
			Wrap: onRequest(func(r *http.Request, _ []byte) {
				if r.Header.Get(contract.HeaderAuthToken) == "" && signed(r) {
					r.Header.Del(contract.HeaderAuthorization)
					r.Header.Set(contract.HeaderAuthToken, demoToken())
				}
			})}.also(caseBadSignature+errorBodyCheck),
		Server{Name: "aksk-error-plain-text", Level: suites.Must,
			Breaks: `a wrong AK/SK signature answers 401 with the text "Unauthorized"`,
			Check:  caseBadSignature + errorBodyCheck,
			Wrap: onAnswer(func(r *http.Request, _ []byte, a *answer) bool {
				return a.status == http.StatusUnauthorized && signed(r)
			}, plainText("Unauthorized\n"))},
		Server{Name: "job-id-truncated", Level: suites.Must,
			Breaks: "a job_id longer than 32 characters is cut to 32 and looked up, as a fixed-width column stores it",
			Check:  caseLongJobID + " answers 400",
			Wrap: onRequest(func(r *http.Request, _ []byte) {
				if id := jobOf(r); len(id) > 32 {
					r.URL.Path = strings.Replace(r.URL.Path, id, id[:32], 1)
					r.URL.RawPath = ""
				}
			})}.also(caseLongJobID),
	)
}

// recordedServers returns the broken servers of the cassette oracle's checks: a
// server that answers differently from its recording, and recordings of answers that
// break the contract.
func recordedServers() []Server {
	const (
		recorded = "recorded traffic: each interaction "
		shipped  = "cassettes/reference-mock/conformance.yaml"
	)
	invalidJobID, invalidParameter := contract.Error(contract.InvalidJobID).Code, contract.Error(contract.InvalidParameter).Code
	return []Server{
		// The shipped cassette was recorded from the mock answering result as an
		// object: the variant answers it too, so the official SDK's check and the
		// recorded answers' SHOULD check warn, as they do for the mock itself.
		{Name: "malformed-job-id-parameter-code", Level: suites.Must, Style: mock.ResultObject, Cassettes: []string{shipped},
			Breaks: "a malformed job_id answers CB.00060200, the other parameters' code, where the recording has CB.00060201",
			Check:  recorded + "answers as recorded",
			AlsoFails: []string{"when the update is valid and authenticated answers a body the official Go SDK decodes",
				recorded + "was recorded answering as the vendor's other docs and the SDK say"},
			Wrap: onErrorBody(func(m map[string]any) {
				if m["error_code"] == invalidJobID {
					m["error_code"] = invalidParameter
				}
			})},
		// The reference mock answers the recorded request 401, as it must: the drift
		// check fails with the recorded answer's.
		{Name: "recorded-unauthenticated-success", Level: suites.Must,
			Cassettes: []string{"suites/brokentest/testdata/unauthenticated-success.yaml"},
			Breaks:    "the recording shows an update without credentials answered 200",
			Check:     recorded + "was recorded answering as the vendor's API page says",
			AlsoFails: []string{recorded + "answers as recorded"}},
		{Name: "recorded-without-request-id", Level: suites.Should,
			Cassettes: []string{"suites/brokentest/testdata/no-request-id.yaml"},
			Breaks:    "the recording shows an answer without an X-Request-Id header",
			Check:     recorded + "was recorded answering as the vendor's other docs and the SDK say"},
	}
}

// match reports whether a variant changes the answer to a request (its body read in
// full) that the reference mock answered a.
type match func(r *http.Request, body []byte, a *answer) bool

// onAnswer serves the request with ref and lets f change the answer when m holds.
func onAnswer(m match, f func(r *http.Request, a *answer)) func(http.Handler) http.Handler {
	return func(ref http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			rewrite(func(r *http.Request, a *answer) {
				if m(r, b, a) {
					f(r, a)
				}
			})(ref).ServeHTTP(w, r)
		})
	}
}

// signed reports whether r carries an AK/SK signature.
func signed(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get(contract.HeaderAuthorization), contract.AKSKScheme+" ")
}

func statusIs(status int) match {
	return func(_ *http.Request, _ []byte, a *answer) bool { return a.status == status }
}

func noCredentials(r *http.Request, _ []byte, a *answer) bool {
	return a.status == http.StatusUnauthorized && r.Header.Get(contract.HeaderAuthToken) == "" && r.Header.Get(contract.HeaderAuthorization) == ""
}

func invalidToken(r *http.Request, _ []byte, a *answer) bool {
	return a.status == http.StatusUnauthorized && r.Header.Get(contract.HeaderAuthToken) != ""
}

// refused reports whether the mock refused an update with 400: the answers the
// validation variants change, so that a request refused for its credentials first
// (401, 403) keeps its answer.
func refused(r *http.Request, a *answer) bool {
	return r.Method == http.MethodPost && a.status == http.StatusBadRequest
}

func notJSON(r *http.Request, b []byte, a *answer) bool {
	return refused(r, a) && len(b) > 0 && !json.Valid(b)
}

func emptyBody(r *http.Request, b []byte, a *answer) bool {
	return refused(r, a) && len(b) == 0
}

// bodyWhere matches a refused update whose body is a JSON object for which f holds.
func bodyWhere(f func(m map[string]any) bool) match {
	return func(r *http.Request, b []byte, a *answer) bool {
		m, ok := object(b)
		return refused(r, a) && ok && f(m)
	}
}

func missing(key string) match {
	return bodyWhere(func(m map[string]any) bool { _, ok := m[key]; return !ok })
}

func fieldNumber(key string) match {
	return bodyWhere(func(m map[string]any) bool { _, ok := m[key].(json.Number); return ok })
}

func fieldString(key string) match {
	return bodyWhere(func(m map[string]any) bool { _, ok := m[key].(string); return ok })
}

func fieldObject(key string) match {
	return bodyWhere(func(m map[string]any) bool { _, ok := m[key].(map[string]any); return ok })
}

func fieldNull(key string) match {
	return bodyWhere(func(m map[string]any) bool { v, ok := m[key]; return ok && v == nil })
}

func nonStringElement(key string) match {
	return bodyWhere(func(m map[string]any) bool {
		xs, _ := m[key].([]any)
		for _, x := range xs {
			if _, ok := x.(string); !ok {
				return true
			}
		}
		return false
	})
}

// jobIDWhere matches a refused update whose job_id satisfies f.
func jobIDWhere(f func(id string) bool) match {
	return func(r *http.Request, _ []byte, a *answer) bool {
		return refused(r, a) && f(jobOf(r))
	}
}

// jsonBody answers body instead.
func jsonBody(body string) func(*http.Request, *answer) {
	return func(_ *http.Request, a *answer) { a.body = []byte(body) }
}

// plainText answers text/plain text instead.
func plainText(text string) func(*http.Request, *answer) {
	return func(_ *http.Request, a *answer) {
		a.header.Set("Content-Type", "text/plain; charset=utf-8")
		a.body = []byte(text)
	}
}

// invalidParameter answers the error table's 400 for an invalid parameter instead.
func invalidParameter(_ *http.Request, a *answer) {
	e := contract.Error(contract.InvalidParameter)
	a.status = e.Status
	a.body, _ = json.Marshal(map[string]string{"error_code": e.Code, "error_msg": e.Message})
}

// withMember sets the JSON object body's member key to v.
func withMember(key string, v any) func(*http.Request, *answer) {
	return func(_ *http.Request, a *answer) {
		if m, ok := object(a.body); ok {
			m[key] = v
			a.body, _ = json.Marshal(m)
		}
	}
}
