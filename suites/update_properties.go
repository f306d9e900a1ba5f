package suites

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	. "github.com/onsi/ginkgo/v2"
	"pgregory.net/rapid"

	"github.com/noticeconf/noticeconf/fixtures/contract"
)

// LabelGenerated marks the generated checks: properties that hold for every request
// drawn from the contract, checked on Target.Examples requests each.
const LabelGenerated = "generated"

// ShrinkTime bounds the time one failing generated check spends looking for a
// smaller failing request.
const ShrinkTime = 30 * time.Second

// The rules the generated checks hold a server to.
var (
	// No request answers 5xx unless it asks for a fault [seed: 500 is the server's
	// fault; CONTRACT.md "The wire"].
	noServerErrorRule = Rule{Must, contract.SourceSeed,
		"no request, valid or not, answers 5xx unless it asks for a fault (Prefer: code=500): a 5xx is the server's fault, never the answer to what a client sends"}
	// Any body the contract accepts succeeds [seed: the request table; CONTRACT.md
	// "The wire", "Values"].
	validUpdatesRule = Rule{Must, contract.SourceSeed,
		"every valid update (any strings, 0 to 5 event names, the optional fields present or absent with their documented types, any JSON spelling, any application/json Content-Type) answers 200 with the envelope, or a documented 400 where the contract leaves a value open"}
	// Any body the contract rejects is refused [seed: 400 Bad Request].
	invalidUpdatesRule = Rule{Must, contract.SourceSeed,
		"every invalid update (a mandatory field missing, renamed or of a wrong JSON type, null included; an element of a wrong type; param_config not a string; not one JSON text, space that is not JSON whitespace around it included; empty or whitespace alone) answers 400 with an error body"}
	// job_id is 32 letters and digits [seed: path parameter job_id].
	malformedJobIDRule = Rule{Must, contract.SourceSeed,
		"every job_id outside \"32 letters and digits\" (another length, another character) answers 400 with an error body"}
	malformedJobIDCodeRule = Rule{Should, contract.SourceDocs,
		"a malformed job_id answers error_code CB.00060201 (\"Invalid task ID.\"), the job id's own code, not CB.00060200"}
	// "32 letters and digits" [seed] against ^[0-9a-z]{32}$ [docs]: open.
	upperCaseJobIDRule = Rule{Must, contract.SourceSeed,
		"a job_id of 32 letters and digits with upper-case letters is one the contract leaves open: it answers 200, 400 or 404 with the documented body, nothing else"}
	// A well-formed id of no job [seed: 404 Not Found].
	missingJobRule = Rule{Must, contract.SourceSeed,
		"every well-formed job_id of no job answers 404 with an error body (or a documented 400 where the body's values are open)"}
	// Credentials first [docs: the API gateway authenticates before the service].
	precedenceRule = Rule{Must, contract.SourceDocs,
		"a request without valid credentials answers 401 whatever its body, Content-Type and job_id: the gateway authenticates before the service validates (CONTRACT.md, \"Precedence\")"}
	forbiddenPrecedenceRule = Rule{Must, contract.SourceDocs,
		"a request of a caller that is not allowed answers 403 whatever its body, Content-Type and job_id (CONTRACT.md, \"Precedence\")"}
	// Tokens are exact [seed: 401 Unauthorized; CONTRACT.md "Precedence"].
	wrongTokenRule = Rule{Must, contract.SourceSeed,
		"a token that differs from a valid one in any byte (changed, added, removed, another case, text around it) is not valid: 401"}
	misplacedTokenRule = Rule{Must, contract.SourceSeed,
		"a token anywhere but the X-Auth-Token header (a query parameter, a cookie, another header, the body) authenticates nothing: 401"}
	// Signatures are exact [docs: APIGW.0301 "verify aksk signature fail"].
	tamperedSignatureRule = Rule{Must, contract.SourceDocs,
		"an AK/SK request whose signature (changed or cut short), X-Sdk-Date, SignedHeaders, body, query, path or access key was changed after signing answers 401: accepting it is an authentication bypass"}
	// Validation before lookup [docs: the service validates, then looks the job up].
	validateBeforeLookupRule = Rule{Must, contract.SourceDocs,
		"only an authenticated request is validated (400), then looked up (404): an update refused as invalid for the job (its body, or its Content-Type) is refused with 400 for a job_id that no job has too, not answered 404 (CONTRACT.md, \"Precedence\")"}
	// No API, before anything else [docs: APIGW.0101].
	unknownAPIRule = Rule{Must, contract.SourceDocs,
		"a path that is no API of the gateway answers 404 with an error body before anything else: whatever its method, body, Content-Type, job id and credentials (none, a token no one issued, the forbidden token, a signature that does not verify) (CONTRACT.md, \"Precedence\")"}
	// Size and content the other checks never send [seed][RFC 8259; CONTRACT.md "The
	// wire", "Values"].
	unusualUpdateRule = Rule{Must, contract.SourceSeed,
		"an update with a very long string, a deep nesting or an extreme number where a string belongs, many event names, keys the table does not list (non-ASCII ones too), a key twice, a byte order mark, bytes that are not UTF-8, an escaped lone surrogate or control character, a query string, or its body sent chunked gets the contract's answer: 200 (or a documented 400 where the contract leaves it open), 400 where it is invalid, 413 with an error body only for a large body; sent with another method or path spelling, or its body gzip-compressed, any answer but 5xx; never no answer"}
	// Every answer is readable [seed: JSON bodies; RFC 8259].
	everyAnswerRule = Rule{Must, contract.SourceSeed,
		"every answer's body is one JSON value (nothing after it but whitespace, no key twice in one object) in valid UTF-8, of the OpenAPI document's shape for its status"}
	// How a request travels is the client's choice [RFC 9110; CONTRACT.md "The wire"].
	wireRule = Rule{Must, contract.SourceSeed,
		"how a request travels (HTTP/1.0 or 1.1, Connection: close, Expect: 100-continue, any Accept, any User-Agent or none, any Accept-Encoding) changes nothing: it gets the status the same request gets sent plainly, never 5xx, and a body that is one JSON value, in a content coding only when the request accepts it (gzip only when asked) (CONTRACT.md, \"The wire\")"}
	// Every answer carries the request id [obs][sdk: the SDK reads it from the header].
	requestIDRule = Rule{Should, contract.SourceObserved,
		"every answer, an error's too, carries an X-Request-Id header; the official SDK reads the request id from it"}
	// The read-back shows what the updates set [sdk: ListNotice].
	stateRule = Rule{Should, contract.SourceSDK,
		"after any sequence of updates, GET .../query shows each updated notice type with exactly the events its last update enabled"}
)

// properties registers the generated checks.
func (s *specs) properties() {
	When("requests are generated from the contract", Label(LabelGenerated), func() {
		// No 5xx for any request. MUST [seed][CONTRACT.md "The wire"].
		s.property("answers no request with 5xx", noServerErrorRule, nil, func(e *example) {
			p := e.s.anyProbe().Draw(e.t, "request")
			x := e.send(p)
			if x.Status >= 500 {
				e.fail(p, x, "%s answered %d %s: no request answers 5xx unless it asks for a fault", p.drawn, x.Status, http.StatusText(x.Status))
			}
		})
		// Every valid update succeeds. MUST [seed].
		s.property("answers every valid update 200 with the envelope", validUpdatesRule, nil, func(e *example) {
			p := e.s.validUpdateAnyParametersProbe().Draw(e.t, "request")
			x := e.send(p)
			e.wantSuccess(p, x)
		})
		// Every invalid update is refused. MUST [seed].
		s.property("answers every invalid update 400 with an error body", invalidUpdatesRule, nil, func(e *example) {
			p := e.s.invalidUpdateProbe().Draw(e.t, "request")
			x := e.send(p)
			e.wantError(p, x, http.StatusBadRequest)
		})
		// Every malformed job id is refused. MUST [seed].
		s.property("answers every malformed job_id 400 with an error body", malformedJobIDRule, nil, func(e *example) {
			p := e.s.malformedJobIDProbe().Draw(e.t, "request")
			x := e.send(p)
			e.wantError(p, x, http.StatusBadRequest)
		})
		// The job id's own code. SHOULD [docs: CB.00060201].
		s.property("answers every malformed job_id error_code CB.00060201", malformedJobIDCodeRule, nil, func(e *example) {
			p := e.s.malformedJobIDProbe().Draw(e.t, "request")
			x := e.send(p)
			want := contract.Error(contract.InvalidJobID).Code
			if code := errorCodeOf(x.Body); code != want {
				e.fail(p, x, "%s answered error_code %s, want %s", p.drawn, quote(code), want)
			}
		})
		// An upper-case id: accepted, refused or not found. MUST [seed][docs].
		s.property("answers every upper-case job_id 200, 400 or 404", upperCaseJobIDRule, nil, func(e *example) {
			p := e.s.upperCaseJobIDProbe().Draw(e.t, "request")
			x := e.send(p)
			switch x.Status {
			case http.StatusOK:
				e.wantSuccess(p, x)
			case http.StatusBadRequest, http.StatusNotFound:
				e.wantError(p, x, x.Status)
			default:
				e.fail(p, x, "%s answered %d %s, want 200, 400 or 404", p.drawn, x.Status, http.StatusText(x.Status))
			}
		})
		// Every well-formed id of no job is looked up and not found. MUST [seed].
		s.property("answers every well-formed job_id of no job 404", missingJobRule, nil, func(e *example) {
			p := e.s.validUpdateProbe().Draw(e.t, "request")
			id := e.s.t.wellFormedJobID().Draw(e.t, "job id")
			p.rq.path = contract.UpdatePathFor(id)
			p.drawn += ", of the well-formed job_id " + id + " that no job has"
			x := e.send(p)
			if x.Status == http.StatusBadRequest && len(p.open) > 0 {
				e.wantError(p, x, http.StatusBadRequest)
				return
			}
			e.wantError(p, x, http.StatusNotFound)
		})
	})

	When("requests are generated from the contract to check the order of the errors", Label(LabelGenerated), func() {
		// Validation, then lookup. MUST [docs][obs].
		s.property("answers 400, not 404, to every invalid update of a job that does not exist", validateBeforeLookupRule, nil, func(e *example) {
			p := rapid.OneOf(e.s.invalidUpdateProbe(), e.s.otherContentTypeProbe()).Draw(e.t, "request")
			x := e.send(p)
			if x.Status != http.StatusBadRequest {
				return // not refused for the job: the check of invalid updates reports it
			}
			id := e.s.t.wellFormedJobID().Draw(e.t, "job id")
			q := p
			q.rq.header = p.rq.header.Clone()
			q.rq.path = contract.UpdatePathFor(id)
			q.drawn = fmt.Sprintf("%s, of the well-formed job_id %s that no job has (the same update of the job answered 400)", p.drawn, id)
			e.wantError(q, e.send(q), http.StatusBadRequest)
		})
		// No API, before the credentials. MUST [docs][obs].
		s.property("answers 404 with an error body to every path that is no API, whatever its credentials", unknownAPIRule, nil, func(e *example) {
			p := e.s.unknownAPIProbe().Draw(e.t, "request")
			x := e.send(p)
			if x.Status != http.StatusNotFound {
				e.fail(p, x, "%s answered %d %s, want 404 Not Found: no API is there", p.drawn, x.Status, http.StatusText(x.Status))
			}
			// The body is held to the document's 404 of the update, the error body
			// every status shares.
			r := x.req.Clone(context.WithoutCancel(e.ctx))
			r.Method, r.URL.Path, r.URL.RawPath, r.URL.RawQuery = http.MethodPost, contract.UpdatePathFor(e.s.t.JobID), "", ""
			if err := e.s.t.Contract.ValidateResponse(context.Background(), r, http.StatusNotFound, x.Header, x.Body); err != nil {
				e.fail(p, x, "%s answered 404, but not with an error body: %s", p.drawn, schemaWhy(err))
			}
		})
	})

	When("updates of unusual size or content are generated from the contract", Label(LabelGenerated), func() {
		// Size and content change nothing. MUST [seed][RFC 8259].
		s.property("answers each as the contract says, never 5xx", unusualUpdateRule, nil, func(e *example) {
			u := e.s.unusualUpdateProbe().Draw(e.t, "request")
			x := e.send(u.p)
			if x.Status >= 500 {
				e.fail(u.p, x, "%s answered %d %s: no request answers 5xx unless it asks for a fault", u.p.drawn, x.Status, http.StatusText(x.Status))
			}
			if u.anyStatus {
				return
			}
			if u.large && x.Status == http.StatusRequestEntityTooLarge { // the server's body limit
				e.wantError(u.p, x, http.StatusRequestEntityTooLarge)
				return
			}
			if u.invalid {
				e.wantError(u.p, x, http.StatusBadRequest)
				return
			}
			e.wantSuccess(u.p, x)
		})
	})

	When("credentials are generated from the contract", Label(LabelGenerated, "auth"), func() {
		// Credentials first, whatever the rest. MUST [docs][obs].
		s.property("answers 401 to every request without valid credentials, whatever its body, Content-Type and job_id", precedenceRule, nil, func(e *example) {
			p := e.s.unauthenticatedProbe().Draw(e.t, "request")
			x := e.send(p)
			e.wantError(p, x, http.StatusUnauthorized)
		})
		// The forbidden caller, whatever the rest. MUST [docs][obs].
		s.property("answers 403 to every request of a caller not allowed, whatever its body, Content-Type and job_id", forbiddenPrecedenceRule, func(context.Context) string {
			if s.t.ForbiddenToken == "" {
				return "no forbidden token configured (noticeconf verify --forbidden-token)"
			}
			return ""
		}, func(e *example) {
			p := e.s.anyRequestShape(e.t)
			p.rq.header.Set(contract.HeaderAuthToken, e.s.t.ForbiddenToken)
			p.rq.creds = credsNone
			p.drawn = "the forbidden token, " + p.drawn
			x := e.send(p)
			e.wantError(p, x, http.StatusForbidden)
		}, Label(LabelForbiddenToken))
		// Tokens are exact. MUST [seed].
		s.property("refuses every token that differs from the valid one", wrongTokenRule, s.needToken, func(e *example) {
			w := e.s.t.wrongToken().Draw(e.t, "token")
			p := e.s.validUpdateProbe().Draw(e.t, "request")
			p.rq.creds, p.rq.tamper, p.rq.secrets = credsNone, w.tamper, w.secret
			p.open = nil // the credentials are what is checked
			p.drawn = p.drawn + ", with " + w.what
			x := e.send(p)
			e.wantError(p, x, http.StatusUnauthorized)
		})
		// Only X-Auth-Token carries a token. MUST [seed].
		s.property("authenticates nothing with the token anywhere but X-Auth-Token", misplacedTokenRule, s.needToken, func(e *example) {
			w := e.s.t.misplacedToken().Draw(e.t, "token")
			p := e.s.validUpdateProbe().Draw(e.t, "request")
			p.rq.creds, p.rq.tamper, p.rq.secrets = credsNone, w.tamper, w.secret
			p.open = nil // the credentials are what is checked
			p.drawn = p.drawn + ", with " + w.what
			x := e.send(p)
			e.wantError(p, x, http.StatusUnauthorized)
		})
		// Signatures are exact. MUST [docs].
		s.property("refuses every AK/SK request changed after signing", tamperedSignatureRule, func(context.Context) string {
			if s.t.AK == "" {
				return "no AK/SK pair configured (noticeconf verify --ak, --sk)"
			}
			return ""
		}, func(e *example) {
			w := tamperedSignature().Draw(e.t, "tampering")
			p := e.s.validUpdateProbe().Draw(e.t, "request")
			// The SDK's signer signs the body only under a Content-Type holding
			// "application/json" as written (else the payload is UNSIGNED-PAYLOAD):
			// the Content-Type is the SDK's, so that the body is signed.
			p.rq.header.Set("Content-Type", "application/json")
			p.drawn = strings.Replace(p.drawn, "Content-Type "+quote(p.rq.header.Get("Content-Type")), `Content-Type "application/json"`, 1)
			p.rq.creds, p.rq.tamper = credsAKSK, w.tamper
			p.open = nil // the credentials are what is checked
			p.drawn = p.drawn + ", signed with AK/SK, then " + w.what
			x := e.send(p)
			e.wantError(p, x, http.StatusUnauthorized)
		}, Label(LabelAKSK))
	})

	When("any request is generated from the contract", Label(LabelGenerated), func() {
		// Every answer is one JSON value of the documented shape. MUST [seed].
		s.property("answers one JSON value in valid UTF-8, of the documented shape for its status", everyAnswerRule, nil, func(e *example) {
			p := e.s.anyProbe().Draw(e.t, "request")
			x := e.send(p)
			if why := readable(x.Body); why != "" {
				e.fail(p, x, "the answer (%d) to %s %s", x.Status, p.drawn, why)
			}
			if err := e.s.t.Contract.ValidateResponse(context.Background(), x.req, x.Status, x.Header, x.Body); err != nil {
				e.fail(p, x, "the answer to %s is not the OpenAPI document's %d response: %s", p.drawn, x.Status, schemaWhy(err))
			}
		})
	})

	When("any request is generated from the contract and sent in other ways", Label(LabelGenerated), func() {
		// How a request travels changes nothing. MUST [RFC 9110][CONTRACT.md "The wire"].
		s.property("answers it as sent plainly, never 5xx, in a content coding it accepts", wireRule, nil, func(e *example) {
			p := e.s.anyProbe().Draw(e.t, "request")
			w := requestWire().Draw(e.t, "wire")
			plain := e.send(p)
			if plain.Status >= 500 {
				return // the check of 5xx answers reports it
			}
			q := p
			q.rq.header = p.rq.header.Clone()
			q.rq.wire = &w.wire
			q.drawn = fmt.Sprintf("%s, sent %s (sent plainly, it answered %d)", p.drawn, w.what, plain.Status)
			x := e.send(q)
			if x.Status >= 500 {
				e.fail(q, x, "%s answered %d %s: no request answers 5xx unless it asks for a fault", q.drawn, x.Status, http.StatusText(x.Status))
			}
			if ce := x.Header.Get("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
				if !acceptsCoding(w.wire.acceptEncoding, ce) {
					e.fail(q, x, "%s answered in the content coding %s, which the request does not accept (Accept-Encoding: %s)", q.drawn, ce, w.wire.acceptEncoding)
				}
				if !strings.EqualFold(ce, "gzip") {
					return // a coding the request accepts, which this check cannot read
				}
			}
			if x.Status != plain.Status {
				e.fail(q, x, "%s answered %d %s, want %d as sent plainly: how a request travels changes nothing", q.drawn, x.Status, http.StatusText(x.Status), plain.Status)
			}
			if why := readable(x.Body); why != "" && readable(plain.Body) == "" {
				e.fail(q, x, "the answer (%d) to %s %s", x.Status, q.drawn, why)
			}
		})
		// The request id on every answer. SHOULD [obs][sdk].
		s.property("answers an X-Request-Id header to every request", requestIDRule, nil, func(e *example) {
			p := e.s.anyProbe().Draw(e.t, "request")
			x := e.send(p)
			if x.Header.Get(contract.HeaderRequestID) == "" {
				e.fail(p, x, "the answer (%d) to %s has no %s header", x.Status, p.drawn, contract.HeaderRequestID)
			}
		})
	})

	When("random sequences of updates are read back with GET /v3/jobs/notice/{job_id}/query", Label(LabelGenerated, LabelStateful), func() {
		// The read-back follows a model of the updates. SHOULD [sdk].
		s.property("shows what a model of the updates shows", stateRule, s.noReadBack, s.state)
	})
}

// needToken skips the token checks of a target given only AK/SK.
func (s *specs) needToken(context.Context) string {
	if s.t.Token == "" {
		return "no token configured (noticeconf verify --token)"
	}
	return ""
}

// noReadBack says why the target cannot be checked through the read-back: only when
// GET .../query answers 404 with the gateway's "no such API" code (APIGW.0101). The
// vendor's "job does not exist" is an answer to check, not a reason to skip.
func (s *specs) noReadBack(ctx context.Context) string {
	x, err := s.t.send(ctx, request{method: http.MethodGet, path: contract.QueryPathFor(s.t.JobID)})
	if err != nil {
		return ""
	}
	return noReadBackReason(x)
}

// noReadBackReason is noReadBack's verdict on the read-back's answer x.
func noReadBackReason(x *Exchange) string {
	unknown := contract.Error(contract.UnknownAPI)
	if x.Status == unknown.Status && errorCodeOf(x.Body) == unknown.Code {
		return fmt.Sprintf("the target has no read-back endpoint: GET %s answered %d %s (no such API)", contract.QueryPath, x.Status, unknown.Code)
	}
	return ""
}

// state runs a random sequence of updates, each followed by a read-back checked
// against a model: the events each notice type's last update enabled.
func (s *specs) state(e *example) {
	model := map[string][]string{}
	var order []string
	steps := rapid.IntRange(1, 5).Draw(e.t, "updates")
	for i := range steps {
		typ := rapid.SampledFrom(contract.NoticeTypes()).Draw(e.t, "notice_type")
		events := rapid.SliceOfNDistinct(rapid.SampledFrom(contract.EventTypes()), 1, len(contract.EventTypes()), rapid.ID[string]).Draw(e.t, "events")
		ms := []member{{"notice_type", typ}, {"enabled_event_type_names", toAny(events)}}
		rq := update(s.t.JobID, "")
		rq.body = spellBody(e.t, ms)
		p := probe{rq: rq, drawn: fmt.Sprintf("update %d of %d: %s enables %s", i+1, steps, typ, strings.Join(events, ", "))}
		x := e.send(p)
		if x.Status != http.StatusOK {
			e.fail(p, x, "%s answered %d %s, want 200", p.drawn, x.Status, http.StatusText(x.Status))
		}
		if _, ok := model[typ]; !ok {
			order = append(order, typ)
		}
		model[typ] = events
		back := probe{rq: request{method: http.MethodGet, path: contract.QueryPathFor(s.t.JobID)}, drawn: fmt.Sprintf("the read-back after update %d", i+1)}
		bx := e.send(back)
		if why := readBackShows(s.t.Contract, bx, model, order); why != "" {
			e.fail(back, bx, "after %d updates (%s), %s", i+1, e.summary(), why)
		}
	}
}

// readBackShows checks a read-back against the model; it returns why not, or "".
func readBackShows(c *contract.Contract, x *Exchange, model map[string][]string, order []string) string {
	if x.Status != http.StatusOK {
		return fmt.Sprintf("the read-back answered %d %s, want 200", x.Status, http.StatusText(x.Status))
	}
	if err := c.ValidateResponse(context.Background(), x.req, http.StatusOK, x.Header, x.Body); err != nil {
		return "the read-back is not the OpenAPI document's ListNoticeResponse: " + schemaWhy(err)
	}
	var body struct {
		Result []struct {
			NoticeType string          `json:"notice_type"`
			EnableMap  map[string]bool `json:"enable_map"`
		} `json:"result"`
	}
	if err := json.Unmarshal(x.Body, &body); err != nil {
		return "the read-back body: " + err.Error()
	}
	for _, typ := range order {
		i := slices.IndexFunc(body.Result, func(it struct {
			NoticeType string          `json:"notice_type"`
			EnableMap  map[string]bool `json:"enable_map"`
		}) bool {
			return it.NoticeType == typ
		})
		if i < 0 {
			return fmt.Sprintf("the read-back has no item of notice_type %s", quote(typ))
		}
		for _, ev := range contract.EventTypes() {
			if want := slices.Contains(model[typ], ev); body.Result[i].EnableMap[ev] != want {
				return fmt.Sprintf("the read-back shows %s %s=%t, want %t (its last update enabled %s)", typ, ev, body.Result[i].EnableMap[ev], want, strings.Join(model[typ], ", "))
			}
		}
	}
	return ""
}

func toAny(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// anyProbe draws any request the generated checks make: a valid or invalid update,
// a malformed, missing or upper-case job id, wrong credentials.
func (s *specs) anyProbe() *rapid.Generator[probe] {
	gens := []*rapid.Generator[probe]{
		s.validUpdateProbe(), s.invalidUpdateProbe(), s.malformedJobIDProbe(), s.upperCaseJobIDProbe(),
		rapid.Custom(s.anyRequestShape), s.unauthenticatedProbe(),
	}
	return rapid.OneOf(gens...)
}

// anyRequestShape draws a body (valid or not), a Content-Type (JSON or not, or
// none) and a job id (the job's, of no job, malformed, upper-case), with the
// target's credentials.
func (s *specs) anyRequestShape(t *rapid.T) probe {
	body, ct := s.anyBody(t)
	id, what := s.anyJobID(t)
	rq := update(id, "")
	rq.body = body
	setContentType(&rq, ct)
	return probe{rq: rq, drawn: shapeText(what, ct), jobIs: what}
}

// shapeText describes a request anyRequestShape drew.
func shapeText(jobIs, ct string) string {
	return fmt.Sprintf("a request to %s with %s and the body shown", jobIs, contentTypeText(ct))
}

// contentTypeText names a drawn Content-Type, or its absence.
func contentTypeText(ct string) string {
	if ct == "" {
		return "no Content-Type"
	}
	return "Content-Type " + quote(ct)
}

// otherContentTypeProbe draws a valid body of the target's job under a Content-Type
// that is not application/json (another type, a look-alike, a JSON media type of
// another name): whether the service takes it is its own choice, but one it refuses
// for the job it refuses for any job.
func (s *specs) otherContentTypeProbe() *rapid.Generator[probe] {
	return rapid.Custom(func(t *rapid.T) probe {
		rq := update(s.t.JobID, "")
		rq.body = spellBody(t, validUpdate(s.bs).Draw(t, "body").members)
		ct := rapid.SampledFrom([]string{"text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded",
			"multipart/form-data; boundary=x", "application/xml", "text/json", "application/jsonl", "application/problem+json", "*/*"}).Draw(t, "content type")
		rq.header.Set("Content-Type", ct)
		return probe{rq: rq, drawn: "a valid body with " + contentTypeText(ct)}
	})
}

// malformedJobIDProbe draws a valid update of a malformed job id.
func (s *specs) malformedJobIDProbe() *rapid.Generator[probe] {
	return rapid.Custom(func(t *rapid.T) probe {
		m := malformedJobID().Draw(t, "job id")
		rq := update(m[0], validBody)
		return probe{rq: rq, drawn: fmt.Sprintf("a valid update of the malformed job_id %s (%s)", quote(m[0]), m[1])}
	})
}

// upperCaseJobIDProbe draws a valid update of an upper-case job id, whose answer the
// contract leaves open (200, 400 or 404).
func (s *specs) upperCaseJobIDProbe() *rapid.Generator[probe] {
	return rapid.Custom(func(t *rapid.T) probe {
		id := s.t.upperCaseJobID().Draw(t, "job id")
		return probe{rq: update(id, validBody), drawn: fmt.Sprintf("a valid update of the upper-case job_id %s", id), open: []string{"an upper-case job_id"}}
	})
}

// unauthenticatedProbe draws a request of any shape without valid credentials:
// none, a token no one issued, the valid token changed or misplaced, a tampered
// signature.
func (s *specs) unauthenticatedProbe() *rapid.Generator[probe] {
	return rapid.Custom(func(t *rapid.T) probe {
		p := s.anyRequestShape(t)
		kinds := []string{"none", "unknown token"}
		if s.t.Token != "" {
			kinds = append(kinds, "changed token", "misplaced token")
		}
		if s.t.AK != "" {
			kinds = append(kinds, "tampered signature")
		}
		var w wrongCredential
		switch kind := rapid.SampledFrom(kinds).Draw(t, "credentials"); kind {
		case "none":
			p.rq.creds, w.what = credsNone, "no credentials"
		case "unknown token":
			tok := "noticeconf-invalid-" + rapid.StringMatching(`[0-9a-z]{8}`).Draw(t, "token")
			p.rq.creds, w.what = credsNone, "a token no one issued"
			p.rq.header.Set(contract.HeaderAuthToken, tok)
		case "changed token":
			w = s.t.wrongToken().Draw(t, "token")
			p.rq.creds = credsNone
		case "misplaced token":
			w = s.t.misplacedToken().Draw(t, "token")
			p.rq.creds = credsNone
		default:
			w = tamperedSignature().Draw(t, "tampering")
			p.rq.creds = credsAKSK
			// The SDK's signer leaves the body unsigned under another Content-Type.
			p.rq.header.Set("Content-Type", "application/json")
			p.drawn = shapeText(p.jobIs, "application/json")
			w.what = "an AK/SK signature, then " + w.what
		}
		p.rq.tamper, p.rq.secrets = w.tamper, w.secret
		p.drawn = w.what + ", " + p.drawn
		return p
	})
}

// unknownAPIProbe draws a request sent to a path that is no API (see
// unknownAPIPath), made from any job id (the job's, one of no job, a malformed or
// an upper-case one), with any method of the notice APIs and more, any body and
// Content-Type, and any credentials: the target's, none, a token no one issued, the
// forbidden token, an AK/SK signature, a tampered one.
func (s *specs) unknownAPIProbe() *rapid.Generator[probe] {
	return rapid.Custom(func(t *rapid.T) probe {
		id, jobIs := s.anyJobID(t)
		path := unknownAPIPath(id).Draw(t, "path")
		body, ct := s.anyBody(t)
		rq := update(id, "")
		rq.path, rq.body = path[0], body
		rq.method = rapid.SampledFrom([]string{http.MethodPost, http.MethodGet, http.MethodPut, http.MethodDelete}).Draw(t, "method")
		setContentType(&rq, ct)
		kinds := []string{"the target's credentials", "no credentials", "a token no one issued"}
		if s.t.ForbiddenToken != "" {
			kinds = append(kinds, "the forbidden token")
		}
		if s.t.AK != "" {
			kinds = append(kinds, "an AK/SK signature", "an AK/SK signature changed after signing")
		}
		creds := rapid.SampledFrom(kinds).Draw(t, "credentials")
		switch creds {
		case "no credentials":
			rq.creds = credsNone
		case "a token no one issued":
			rq.creds = credsInvalidToken
		case "the forbidden token":
			rq.creds = credsForbidden
		case "an AK/SK signature":
			rq.creds = credsAKSK
		case "an AK/SK signature changed after signing":
			w := tamperedSignature().Filter(func(w wrongCredential) bool { return !w.movesPath }).Draw(t, "tampering")
			rq.creds, rq.tamper = credsAKSK, w.tamper
			creds = "an AK/SK signature, then " + w.what
		}
		return probe{rq: rq, drawn: fmt.Sprintf("a %s request sent to %s (%s; the job id is %s) with %s, %s and the body shown",
			rq.method, path[0], path[1], jobIs, creds, contentTypeText(ct))}
	})
}

// example is one run of a property: one drawn request (or sequence), sent.
type example struct {
	s   *specs
	ctx context.Context
	t   *rapid.T
	// found is where a failure is written down; the last one written is of the
	// smallest failing example, which rapid runs last.
	found *finding
	// sent are this example's exchanges so far, in order.
	sent []sent
}

// sent is one exchange and what was drawn for it.
type sent struct {
	drawn string
	x     *Exchange
}

// finding is a falsified property: why, what was drawn, and the exchanges.
type finding struct {
	why   string
	drawn string
	open  []string
	x     *Exchange
	// before are the exchanges of the same example before x (a stateful sequence).
	before []sent
}

// send sends p's request, failing the example when there is no answer.
func (e *example) send(p probe) *Exchange {
	x, err := e.s.t.send(e.ctx, p.rq)
	if err != nil {
		e.fail(p, nil, "no answer from the target to %s: %v", p.drawn, err)
	}
	e.sent = append(e.sent, sent{p.drawn, x})
	return x
}

// summary lists the drawn steps of the example so far.
func (e *example) summary() string {
	var ds []string
	for _, s := range e.sent {
		if s.x != nil && s.x.Method == http.MethodPost {
			ds = append(ds, s.drawn)
		}
	}
	return strings.Join(ds, "; ")
}

// fail writes the failure down and ends the example.
func (e *example) fail(p probe, x *Exchange, format string, args ...any) {
	f := finding{why: fmt.Sprintf(format, args...), drawn: p.drawn, open: p.open, x: x}
	if n := len(e.sent); n > 0 && x != nil && e.sent[n-1].x == x {
		f.before = slices.Clone(e.sent[:n-1])
	}
	*e.found = f
	e.t.Fatal(f.why)
}

// wantSuccess holds a valid update's answer to 200 with the documented envelope and
// status "success", or to a documented 400 where the contract leaves a value open.
func (e *example) wantSuccess(p probe, x *Exchange) {
	c := e.s.t.Contract
	switch {
	case x.Status == http.StatusOK:
		if err := c.ValidateResponse(context.Background(), x.req, http.StatusOK, x.Header, x.Body); err != nil {
			e.fail(p, x, "%s answered 200, but not with the OpenAPI document's envelope: %s", p.drawn, schemaWhy(err))
		}
		var env struct {
			Status string `json:"status"`
		}
		if json.Unmarshal(x.Body, &env) != nil || env.Status != "success" {
			e.fail(p, x, "%s answered 200 with status %s, want \"success\"", p.drawn, quote(env.Status))
		}
	case x.Status == http.StatusBadRequest && len(p.open) > 0:
		if err := c.ValidateResponse(context.Background(), x.req, http.StatusBadRequest, x.Header, x.Body); err != nil {
			e.fail(p, x, "%s answered 400, allowed as %s, but not with an error body: %s", p.drawn, strings.Join(p.open, "; "), schemaWhy(err))
		}
	case len(p.open) > 0:
		e.fail(p, x, "%s answered %d %s, want 200, or a documented 400 (%s)", p.drawn, x.Status, http.StatusText(x.Status), strings.Join(p.open, "; "))
	default:
		e.fail(p, x, "%s answered %d %s, want 200: every value in it is one the contract documents", p.drawn, x.Status, http.StatusText(x.Status))
	}
}

// wantError holds an answer to status with the documented error body.
func (e *example) wantError(p probe, x *Exchange, status int) {
	if x.Status != status {
		e.fail(p, x, "%s answered %d %s, want %d %s", p.drawn, x.Status, http.StatusText(x.Status), status, http.StatusText(status))
	}
	if err := e.s.t.Contract.ValidateResponse(context.Background(), x.req, status, x.Header, x.Body); err != nil {
		e.fail(p, x, "%s answered %d, but not with an error body: %s", p.drawn, status, schemaWhy(err))
	}
}

// readable says why a body is not one JSON value in valid UTF-8, or "".
func readable(b []byte) string {
	if !utf8.Valid(b) {
		i := 0
		for i < len(b) {
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return fmt.Sprintf("is not valid UTF-8 (byte %d is 0x%02x)", i, b[i])
	}
	if json.Valid(b) {
		if key, ok := duplicateKey(b); ok {
			return fmt.Sprintf("has the key %s twice in one object: which one a client reads is not defined (RFC 8259 section 4)", quote(key))
		}
		return ""
	}
	d := json.NewDecoder(bytes.NewReader(b))
	var v any
	if err := d.Decode(&v); err != nil {
		return "is not JSON: " + err.Error()
	}
	rest, _ := io.ReadAll(d.Buffered())
	return fmt.Sprintf("is a JSON value followed by %s: not one JSON value", quote(oneLine(rest, 40)))
}

// duplicateKey finds a key that one object of a valid JSON text holds twice.
func duplicateKey(b []byte) (string, bool) {
	d := json.NewDecoder(bytes.NewReader(b))
	var walk func() (string, bool)
	walk = func() (string, bool) {
		t, err := d.Token()
		if err != nil {
			return "", false
		}
		switch t {
		case json.Delim('{'):
			seen := map[string]bool{}
			for d.More() {
				k, err := d.Token()
				if err != nil {
					return "", false
				}
				key, _ := k.(string)
				if seen[key] {
					return key, true
				}
				seen[key] = true
				if key, dup := walk(); dup {
					return key, true
				}
			}
			_, _ = d.Token()
		case json.Delim('['):
			for d.More() {
				if key, dup := walk(); dup {
					return key, true
				}
			}
			_, _ = d.Token()
		}
		return "", false
	}
	return walk()
}

// errorCodeOf returns an error body's error_code, or "".
func errorCodeOf(b []byte) string {
	var e struct {
		Code string `json:"error_code"`
	}
	_ = json.Unmarshal(b, &e)
	return e.Code
}

// property registers one generated check: an It that runs prop on Target.Examples
// drawn examples with rapid, which shrinks a failure to the smallest example it
// finds. skip, if set, says why the target cannot be checked ("" to run).
func (s *specs) property(text string, r Rule, skip func(context.Context) string, prop func(e *example), decorators ...any) {
	args := append([]any{r.labels(), Offset(1)}, decorators...)
	It(text, append(args, func(ctx SpecContext) {
		if s.t.SkipGenerated != "" {
			Skip(s.t.SkipGenerated)
		}
		if skip != nil {
			if why := skip(ctx); why != "" {
				Skip(why)
			}
		}
		sr := CurrentSpecReport()
		texts := sr.ContainerHierarchyTexts
		if len(texts) > 0 {
			texts = texts[1:] // the endpoint, as the report leaves it out
		}
		name := strings.Join(append(slices.Clone(texts), sr.LeafNodeText), " ")
		seed := propertySeed(s.t.Seed, name)
		if err := configureRapid(seed, s.t.Examples); err != nil {
			Fail(err.Error())
		}
		var f finding
		tb := &propertyTB{}
		rapid.Check(tb, func(t *rapid.T) {
			prop(&example{s: s, ctx: ctx, t: t, found: &f})
		})
		if tb.failed {
			Fail(s.t.propertyFailure(r, f, tb, name))
		}
	})...)
}

// propertySeed is the seed of one property: the run's seed mixed with the check's
// name, so that properties draw differently and one reruns alone (--focus) as it ran.
func propertySeed(seed uint64, name string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(name))
	if s := (seed ^ h.Sum64()) >> 1; s != 0 {
		return s
	}
	return 1
}

// configureRapid sets rapid's seed and number of examples. rapid reads its settings
// only from the flags it registers on the standard flag set, and asks
// testing.Short; outside `go test` (noticeconf verify) the testing flags are
// registered and the set marked parsed first. rapid never writes a fail file here.
func configureRapid(seed uint64, examples int) error {
	if flag.Lookup("test.short") == nil {
		testing.Init()
	}
	if !flag.Parsed() {
		if err := flag.CommandLine.Parse(nil); err != nil {
			return fmt.Errorf("rapid settings: %w", err)
		}
	}
	for k, v := range map[string]string{
		"rapid.seed":       strconv.FormatUint(seed, 10),
		"rapid.checks":     strconv.Itoa(examples),
		"rapid.nofailfile": "true",
		"rapid.shrinktime": ShrinkTime.String(),
	} {
		if err := flag.Set(k, v); err != nil {
			return fmt.Errorf("rapid settings: %s=%s: %w", k, v, err)
		}
	}
	return nil
}

// propertyTB is the rapid.TB of one property: it keeps rapid's verdict for the
// failure message rather than failing the spec from inside rapid.
type propertyTB struct {
	failed bool
	msgs   []string
}

var _ rapid.TB = (*propertyTB)(nil)

func (*propertyTB) Helper()                            {}
func (*propertyTB) Name() string                       { return "noticeconf-verify-property" }
func (*propertyTB) Logf(string, ...any)                {}
func (*propertyTB) Log(...any)                         {}
func (p *propertyTB) Skipf(format string, args ...any) { p.Errorf(format, args...) }
func (p *propertyTB) Skip(args ...any)                 { p.Error(args...) }
func (p *propertyTB) SkipNow()                         { p.failed = true }
func (p *propertyTB) Errorf(format string, args ...any) {
	p.failed = true
	p.msgs = append(p.msgs, fmt.Sprintf(format, args...))
}
func (p *propertyTB) Error(args ...any)                 { p.Errorf("%s", fmt.Sprint(args...)) }
func (p *propertyTB) Fatalf(format string, args ...any) { p.Errorf(format, args...) }
func (p *propertyTB) Fatal(args ...any)                 { p.Error(args...) }
func (p *propertyTB) FailNow()                          { p.failed = true }
func (p *propertyTB) Fail()                             { p.failed = true }
func (p *propertyTB) Failed() bool                      { return p.failed }

// rapidAfter finds how many examples passed before the failure in rapid's message.
var rapidAfter = regexp.MustCompile(`\[rapid\] (failed|panic) after (\d+) tests`)

// propertyFailure writes a falsified property as a person reads it: why (the first
// line, which the report's table shows), the rule, what was drawn, the seed and how
// to run it again, then the smallest failing exchange with its curl line.
func (t Target) propertyFailure(r Rule, f finding, tb *propertyTB, name string) string {
	var b strings.Builder
	rapidMsg := strings.Join(tb.msgs, "\n")
	why := f.why
	if why == "" { // rapid failed without a finding: a panic, or no valid example
		why = firstLine(rapidMsg)
	}
	fmt.Fprintf(&b, "%s\n", why)
	fmt.Fprintf(&b, "rule: %s\nlevel: %s, source: %s\n", r.Says, r.Level, r.Source)
	passed := "some"
	if m := rapidAfter.FindStringSubmatch(rapidMsg); m != nil {
		passed = m[2]
	}
	fmt.Fprintf(&b, "generated: %s", f.drawn)
	if len(f.open) > 0 {
		fmt.Fprintf(&b, " (the contract leaves open: %s)", strings.Join(f.open, "; "))
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "shrunk: the smallest failing example found after %s passing ones", passed)
	if strings.Contains(rapidMsg, "flaky") {
		b.WriteString(" (the failure did not repeat on a second try: the server is not deterministic)")
	}
	fmt.Fprintf(&b, "\nseed: %d; run it again with: noticeconf verify --seed %d --focus %s\n", t.Seed, t.Seed, shellQuote(regexp.QuoteMeta(name)))
	if f.x == nil && f.why == "" {
		b.WriteString(rapidMsg + "\n")
	}
	for i, s := range f.before {
		fmt.Fprintf(&b, "step %d, %s:\n", i+1, s.drawn)
		b.WriteString(indent(s.x.String()))
	}
	if f.x != nil {
		if len(f.before) > 0 {
			fmt.Fprintf(&b, "step %d, %s:\n", len(f.before)+1, f.drawn)
		}
		b.WriteString(f.x.String())
	}
	return strings.TrimRight(b.String(), "\n")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

func indent(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("  " + line + "\n")
	}
	return b.String()
}

// shellQuote single-quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
