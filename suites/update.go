package suites

import (
	"fmt"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/noticeconf/noticeconf/fixtures/contract"
)

// Labels of what a check needs from the target, for --label-filter.
const (
	// LabelStateful marks checks that read back what an update changed.
	LabelStateful = "stateful"
	// LabelFaultInjection marks checks that need "Prefer: code=500" honoured.
	LabelFaultInjection = "fault-injection"
	// LabelForbiddenToken marks checks that need a token the target refuses with 403.
	LabelForbiddenToken = "forbidden-token"
	// LabelAKSK marks checks that need an AK/SK pair.
	LabelAKSK = "aksk"
	// LabelSDK marks checks of the official SDK's habits and expectations.
	LabelSDK = "sdk"
)

// The rules every error case shares.
var (
	// Every error answer's body is the vendor's error object [seed: each error status
	// lists error_code and error_msg as Strings].
	errorBodyRule = Rule{Must, contract.SourceSeed,
		"an error answer's body is a JSON object with error_code (a non-empty string) and error_msg (a string): the OpenAPI document's ErrorBody"}
	// The code is one the vendor uses with that status [docs: the error code pages,
	// CONTRACT.md's error table].
	familyRule = Rule{Should, contract.SourceDocs,
		"error_code is one the vendor documents for the answer's status (the contract's error table)"}
)

// errorCase is one request the contract answers with an error, and what it answers.
type errorCase struct {
	// when is the condition, as the spec's When text.
	when string
	// status is the status the contract answers.
	status int
	// rule is the rule the status check holds the server to.
	rule Rule
	// statusText, if set, replaces "answers <status>" as the status check's name.
	statusText string
	// statusOnly registers the status check alone: the case differs from another
	// one only in what the status is held to, and that case checks the body.
	statusOnly bool
	// labels are extra Ginkgo labels of the case (what it needs from the target).
	labels []string
	// skip, if set, returns why the target cannot be checked for this case ("" to run).
	skip func(Target) string
	// req builds the request.
	req func(Target) request
	// at is where the case is written, so that cases run and report in that order.
	at types.CodeLocation
}

// here returns c located at its caller's line.
func (c errorCase) here() errorCase {
	c.at = types.NewCodeLocation(1)
	return c
}

// specs registers the spec tree for one target.
type specs struct {
	t Target
	// bs is the request body's schema, which the generated checks draw from.
	bs bodySchema
}

// Define registers the conformance specs of the notice update endpoint against t, as
// one top-level Ginkgo container. Call it once, before RunSpecs. The specs capture t;
// they share no package state.
func Define(t Target) error {
	t, err := t.withDefaults()
	if err != nil {
		return err
	}
	bs, err := readBodySchema(t.Contract)
	if err != nil {
		return err
	}
	s := &specs{t: t, bs: bs}
	Describe("POST /v3/jobs/notice/{job_id}/update", func() {
		s.success()
		s.aksk()
		s.sdkHabits()
		for _, c := range s.errorCases() {
			s.errorCase(c)
		}
		s.stateful()
		s.properties()
	})
	return nil
}

// check registers one It that holds the target to r. The It's code location is the
// caller's, so that specs sort and report where they are written.
func check(text string, r Rule, body func(r Rule), decorators ...any) {
	args := append([]any{r.labels(), Offset(1)}, decorators...)
	It(text, append(args, func() { body(r) })...)
}

// exchange sends rq or fails the spec with a clear reason.
func (s *specs) exchange(ctx SpecContext, rq request) *Exchange {
	x, err := s.t.send(ctx, rq)
	if err != nil {
		Fail(fmt.Sprintf("no answer from the target: %v", err))
	}
	return x
}

func (s *specs) success() {
	c := s.t.Contract
	When("the update is valid and authenticated", Label("success"), func() {
		var x *Exchange
		BeforeEach(func(ctx SpecContext) { x = s.exchange(ctx, s.t.validUpdate()) })

		// A valid, authenticated update succeeds. MUST [seed: status code 200 OK].
		check("answers 200", Rule{Must, contract.SourceSeed,
			"a valid, authenticated update answers 200"}, func(r Rule) {
			Expect(x).To(haveStatus(r, http.StatusOK))
		})
		// The answer is JSON, with or without a charset. MUST [seed: the example
		// response is JSON].
		check("answers a JSON content type", Rule{Must, contract.SourceSeed,
			"a success answer has Content-Type application/json (a charset parameter or none)"}, func(r Rule) {
			Expect(x).To(haveJSONContentType(r))
		})
		// The body is the envelope {result, error, status} with the documented types;
		// extra keys are allowed. MUST [seed: response parameters of status 200].
		check("answers the documented envelope (result, error, status)", Rule{Must, contract.SourceSeed,
			"a success body is the OpenAPI document's UpdateNoticeResponse: result, error and status with their types"}, func(r Rule) {
			Expect(x).To(matchDocumentedResponse(r, c, http.StatusOK))
		})
		// status is "success". MUST [seed: the example response].
		check(`answers status "success"`, Rule{Must, contract.SourceSeed,
			`a success body's status is "success"`}, func(r Rule) {
			Expect(x).To(haveMember(r, "status", "success"))
		})
		// error is null. MUST [seed: the example response].
		check("answers error null", Rule{Must, contract.SourceSeed,
			"a success body's error is null"}, func(r Rule) {
			Expect(x).To(haveMember(r, "error", nil))
		})
		// result is a string (the table), null (a sibling endpoint) or {"job_id":
		// string} (the example). MUST [seed: table and example].
		check(`answers result as a string, null or {"job_id": string}`, Rule{Must, contract.SourceSeed,
			`result is a string, null or {"job_id": string}`}, func(r Rule) {
			Expect(x).To(haveDocumentedResult(r, c))
		})
		// The official Go SDK decodes result only as a string or null. SHOULD [sdk].
		check("answers a body the official Go SDK decodes", Rule{Should, contract.SourceSDK,
			"the official Go SDK decodes the success body into model.UpdateNoticeResponse (result a string or null, not an object)"}, func(r Rule) {
			Expect(x).To(decodeWithSDK(r))
		}, Label(LabelSDK))
		// Answers carry the request id in a header; the SDK reads it from there.
		// SHOULD [obs][sdk].
		check("answers an X-Request-Id header", Rule{Should, contract.SourceObserved,
			"every answer carries an X-Request-Id header; the official SDK reads the request id from it"}, func(r Rule) {
			Expect(x).To(haveHeader(r, contract.HeaderRequestID))
		})
	})
}

func (s *specs) aksk() {
	noAKSK := func() {
		if s.t.AK == "" {
			Skip("no AK/SK pair configured (noticeconf verify --ak, --sk)")
		}
	}
	When("the update is signed with AK/SK", Label(LabelAKSK), func() {
		var x *Exchange
		BeforeEach(func(ctx SpecContext) {
			noAKSK()
			rq := s.t.validUpdate()
			rq.creds = credsAKSK
			x = s.exchange(ctx, rq)
		})
		// The official SDK signs with AK/SK instead of sending X-Auth-Token. SHOULD
		// [sdk].
		check("answers 200", Rule{Should, contract.SourceSDK,
			"an update signed with AK/SK (SDK-HMAC-SHA256), as the official SDK sends it, answers 200"}, func(r Rule) {
			Expect(x).To(haveStatus(r, http.StatusOK))
		})
	})
	When("the AK/SK signature is wrong", Label(LabelAKSK, "auth"), func() {
		var x *Exchange
		BeforeEach(func(ctx SpecContext) {
			noAKSK()
			rq := s.t.validUpdate()
			rq.creds = credsBadSignature
			x = s.exchange(ctx, rq)
		})
		// A signature that does not verify is refused: accepting it is an
		// authentication bypass. MUST [docs: APIGW.0301; CONTRACT.md "Precedence"].
		check("answers 401", Rule{Must, contract.SourceDocs,
			"an update whose AK/SK signature does not verify answers 401: accepting it is an authentication bypass"}, func(r Rule) {
			Expect(x).To(haveStatus(r, http.StatusUnauthorized))
		})
		check("answers an error body with error_code and error_msg", Rule{Must, contract.SourceDocs, errorBodyRule.Says}, func(r Rule) {
			Expect(x).To(matchDocumentedResponse(r, s.t.Contract, http.StatusUnauthorized))
		})
	})
}

func (s *specs) sdkHabits() {
	When("the update is sent as the official Go SDK sends it", Label(LabelSDK), func() {
		var newline, nocharset *Exchange
		BeforeEach(func(ctx SpecContext) {
			rq := s.t.validUpdate()
			rq.body = append(rq.body, '\n')
			newline = s.exchange(ctx, rq)
			rq = s.t.validUpdate()
			rq.header.Set("Content-Type", "application/json")
			nocharset = s.exchange(ctx, rq)
		})
		// The SDK's JSON encoder ends the body with a newline. The vendor's own client
		// is the contract's main caller, so its requests MUST be accepted [sdk].
		check("accepts a body that ends with a newline", Rule{Must, contract.SourceSDK,
			`a valid update whose body ends with "\n" answers 200`}, func(r Rule) {
			Expect(newline).To(haveStatus(r, http.StatusOK))
		})
		// The SDK sends Content-Type application/json without a charset. MUST, as
		// above [sdk].
		check("accepts Content-Type application/json without a charset", Rule{Must, contract.SourceSDK,
			"a valid update with Content-Type exactly application/json answers 200"}, func(r Rule) {
			Expect(nocharset).To(haveStatus(r, http.StatusOK))
		})
	})
}

// oversizedBody is a valid update of a little over 1 MiB (its param_config a
// run of one letter): over the body limit of the reference mock and of common
// gateways, under that of the recording proxy, and short of what a server leaves
// unread and still keeps the connection (net/http discards up to 256 KiB).
var oversizedBody = `{"notice_type":"MESSAGE","enabled_event_type_names":["buildJobSuccess"],"param_config":"` +
	strings.Repeat("x", 1<<20+32<<10) + `"}`

// errorCases lists the requests the contract answers with an error.
func (s *specs) errorCases() []errorCase {
	withBody := func(body string) func(Target) request {
		return func(t Target) request { return update(t.JobID, body) }
	}
	withCreds := func(cr credentials) func(Target) request {
		return func(t Target) request { rq := t.validUpdate(); rq.creds = cr; return rq }
	}
	withJobID := func(id func(Target) string) func(Target) request {
		return func(t Target) request { return update(id(t), validBody) }
	}
	badParam := func(what string) Rule {
		return Rule{Must, contract.SourceSeed, what + " answers 400 (the page lists 400 Bad Request)"}
	}
	badJobID := func(what string) Rule {
		return Rule{Must, contract.SourceSeed, "job_id is 32 letters and digits: " + what + " answers 400"}
	}
	return []errorCase{
		// X-Auth-Token is mandatory. MUST [seed: request header X-Auth-Token, 401].
		errorCase{when: "no credentials are sent", status: http.StatusUnauthorized, labels: []string{"auth"},
			rule: Rule{Must, contract.SourceSeed, "X-Auth-Token is mandatory: an update without credentials answers 401"},
			req:  withCreds(credsNone)}.here(),
		// Credentials come first, whatever the body's size: a body limit (the
		// reference mock's is 1 MiB) answers 413 only to a caller the credentials
		// admit. Sent with Expect: 100-continue, so that a server that refuses it
		// need not read the body. MUST [docs][obs: CONTRACT.md "Precedence"].
		errorCase{when: "no credentials are sent and the body is over 1 MiB", status: http.StatusUnauthorized, labels: []string{"auth"},
			statusText: "answers 401, not 413",
			statusOnly: true,
			rule:       Rule{Must, contract.SourceDocs, "credentials are judged before the body: an update without credentials answers 401 whatever its size (a body limit answers 413 only to a caller it admits)"},
			req: func(t Target) request {
				rq := update(t.JobID, oversizedBody)
				rq.creds, rq.wire = credsNone, &wire{expect: true}
				return rq
			}}.here(),
		// A token no one issued is refused. MUST [seed: 401 Unauthorized].
		errorCase{when: "X-Auth-Token is not a valid token", status: http.StatusUnauthorized, labels: []string{"auth"},
			rule: Rule{Must, contract.SourceSeed, "an update with an invalid X-Auth-Token answers 401"},
			req:  withCreds(credsInvalidToken)}.here(),
		// A caller not allowed is refused. MUST [seed: 403 Forbidden].
		errorCase{when: "the token is not allowed to update the job", status: http.StatusForbidden, labels: []string{"auth", LabelForbiddenToken},
			rule: Rule{Must, contract.SourceSeed, "an update by a caller that is not allowed answers 403"},
			skip: func(t Target) string {
				if t.ForbiddenToken == "" {
					return "no forbidden token configured (noticeconf verify --forbidden-token)"
				}
				return ""
			},
			req: withCreds(credsForbidden)}.here(),
		// The body must be JSON. MUST [seed: 400 Bad Request].
		errorCase{when: "the body is not JSON", status: http.StatusBadRequest, labels: []string{"validation"},
			rule: badParam("a body that is not JSON"),
			req:  withBody(`{"notice_type": "MESSAGE", "enabled_event_type_names": [`)}.here(),
		// The body is required. MUST [seed].
		errorCase{when: "the body is empty", status: http.StatusBadRequest, labels: []string{"validation"},
			rule: badParam("an empty body"),
			req:  withBody(``)}.here(),
		// Mandatory fields. MUST [seed: notice_type and enabled_event_type_names are
		// mandatory].
		errorCase{when: "notice_type is missing", status: http.StatusBadRequest, labels: []string{"validation"},
			rule: badParam("a body without the mandatory notice_type"),
			req:  withBody(`{"enabled_event_type_names":["buildJobSuccess"]}`)}.here(),
		errorCase{when: "enabled_event_type_names is missing", status: http.StatusBadRequest, labels: []string{"validation"},
			rule: badParam("a body without the mandatory enabled_event_type_names"),
			req:  withBody(`{"notice_type":"MESSAGE"}`)}.here(),
		// Field types. MUST [seed: notice_type String, enabled_event_type_names Array
		// of strings, param_config String].
		errorCase{when: "notice_type is a number", status: http.StatusBadRequest, labels: []string{"validation"},
			rule: badParam("notice_type is a String: a number"),
			req:  withBody(`{"notice_type":1,"enabled_event_type_names":["buildJobSuccess"]}`)}.here(),
		errorCase{when: "enabled_event_type_names is a string", status: http.StatusBadRequest, labels: []string{"validation"},
			rule: badParam("enabled_event_type_names is an Array of strings: a string"),
			req:  withBody(`{"notice_type":"MESSAGE","enabled_event_type_names":"buildJobSuccess"}`)}.here(),
		errorCase{when: "enabled_event_type_names has a non-string element", status: http.StatusBadRequest, labels: []string{"validation"},
			rule: badParam("enabled_event_type_names is an Array of strings: an array holding a number"),
			req:  withBody(`{"notice_type":"MESSAGE","enabled_event_type_names":["buildJobSuccess",7]}`)}.here(),
		errorCase{when: "param_config is an object", status: http.StatusBadRequest, labels: []string{"validation"},
			rule: badParam("param_config is a String: an object"),
			req:  withBody(`{"notice_type":"MESSAGE","enabled_event_type_names":["buildJobSuccess"],"param_config":{"url":"https://example.com/hook"}}`)}.here(),
		// The SDK sends a nil list as null: a client error, never a fault. MUST [seed:
		// the array is mandatory][sdk: nil lists are sent as null].
		errorCase{when: "enabled_event_type_names is null, as the SDK sends a nil list", status: http.StatusBadRequest, labels: []string{"validation", LabelSDK},
			statusText: "answers 400, not 500",
			rule:       badParam("enabled_event_type_names null (the official SDK's nil list)"),
			req:        withBody(`{"notice_type":"MESSAGE","enabled_event_type_names":null}`)}.here(),
		// job_id is 32 letters and digits. MUST [seed: path parameter job_id].
		errorCase{when: "job_id is too short", status: http.StatusBadRequest, labels: []string{"validation"},
			rule: badJobID("a job_id of 31 characters"),
			req:  withJobID(func(t Target) string { return t.idBase()[:31] })}.here(),
		errorCase{when: "job_id is too long", status: http.StatusBadRequest, labels: []string{"validation"},
			rule: badJobID("a job_id of 33 characters"),
			req:  withJobID(func(t Target) string { return t.idBase() + "0" })}.here(),
		errorCase{when: "job_id is not alphanumeric", status: http.StatusBadRequest, labels: []string{"validation"},
			rule: badJobID("a job_id holding '-'"),
			req:  withJobID(func(t Target) string { return t.idBase()[:31] + "-" })}.here(),
		// A well-formed id of no job. MUST [seed: 404 Not Found].
		errorCase{when: "job_id is well-formed but no such job exists", status: http.StatusNotFound, labels: []string{"validation"},
			rule: Rule{Must, contract.SourceSeed, "an update of a well-formed job_id that does not exist answers 404"},
			req:  withJobID(func(t Target) string { return t.MissingJobID })}.here(),
		// A server fault. MUST [seed: 500 Internal Server Error]; injected with Prism's
		// "Prefer: code=500" convention.
		errorCase{when: "the server fails (Prefer: code=500)", status: http.StatusInternalServerError, labels: []string{LabelFaultInjection},
			rule: Rule{Must, contract.SourceSeed, "a server fault answers 500 with an error body"},
			skip: func(t Target) string {
				if !t.FaultInjection {
					return "fault injection is off (noticeconf verify --fault-injection)"
				}
				return ""
			},
			req: func(t Target) request {
				rq := t.validUpdate()
				rq.header.Set(contract.HeaderPrefer, "code=500")
				return rq
			}}.here(),
	}
}

// idBase is the id the malformed job ids are made from: the job's own id when it has
// the contract's length, else the missing job's (a job id given outside the pattern).
func (t Target) idBase() string {
	if len(t.JobID) == 32 {
		return t.JobID
	}
	return t.MissingJobID
}

// errorCase registers the checks of one error case: its status, its error body, and
// the family of its error code.
func (s *specs) errorCase(c errorCase) {
	statusText := c.statusText
	if statusText == "" {
		statusText = fmt.Sprintf("answers %d", c.status)
	}
	When(c.when, c.at, Label(c.labels...), func() {
		var x *Exchange
		BeforeEach(func(ctx SpecContext) {
			if c.skip != nil {
				if reason := c.skip(s.t); reason != "" {
					Skip(reason)
				}
			}
			x = s.exchange(ctx, c.req(s.t))
		})
		check(statusText, c.rule, func(r Rule) {
			Expect(x).To(haveStatus(r, c.status))
		})
		if c.statusOnly {
			return
		}
		check("answers an error body with error_code and error_msg", errorBodyRule, func(r Rule) {
			Expect(x).To(matchDocumentedResponse(r, s.t.Contract, c.status))
		})
		check(fmt.Sprintf("answers an error_code the vendor uses with %d", c.status), familyRule, func(r Rule) {
			Expect(x).To(haveCodeOfFamily(r, c.status))
		})
	})
}

func (s *specs) stateful() {
	const noticeType = "MAIL"
	events := []string{"buildJobFail", "deleteJob"}
	body := fmt.Sprintf(`{"notice_type":%q,"enabled_event_type_names":["%s"]}`, noticeType, strings.Join(events, `","`))
	When("the update is read back with GET /v3/jobs/notice/{job_id}/query", Label(LabelStateful), func() {
		var up, back *Exchange
		BeforeEach(func(ctx SpecContext) {
			up = s.exchange(ctx, update(s.t.JobID, body))
			back = s.exchange(ctx, request{method: http.MethodGet, path: contract.QueryPathFor(s.t.JobID)})
			// Only the gateway's "no such API" means there is none; the vendor's "job
			// does not exist" is an answer the check holds to the contract.
			if why := noReadBackReason(back); why != "" {
				Skip(why)
			}
		})
		// The official SDK's ListNotice reads back what UpdateNotice set. SHOULD [sdk].
		check("shows the events the update enabled", Rule{Should, contract.SourceSDK,
			"after an update, GET .../query shows the updated notice type with exactly the enabled events"}, func(r Rule) {
			Expect(up).To(haveStatus(r, http.StatusOK), "the update before the read-back failed")
			Expect(back).To(showEnabledEvents(r, s.t.Contract, noticeType, events))
		})
	})
}
