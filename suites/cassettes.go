package suites

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"text/template"

	"github.com/getkin/kin-openapi/openapi3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/onsi/gomega/gcustom"
	"github.com/onsi/gomega/types"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/hopbyhop"
)

// Labels of the cassette oracle's checks.
const (
	// LabelCassette marks every check of recorded traffic (--cassettes).
	LabelCassette = "cassette"
	// LabelDrift marks the checks that re-send a recorded request and compare answers.
	LabelDrift = "drift"
	// LabelRecordedContract marks the checks of a recorded answer against the contract.
	LabelRecordedContract = "recorded-contract"
)

// proxyErrorHeader marks an answer the recording proxy made itself (proxy.HeaderProxyError).
const proxyErrorHeader = "X-Noticeconf-Proxy-Error"

// Recorded is recorded traffic for the cassette oracle: the cassettes, and how their
// requests map onto the target.
type Recorded struct {
	// Files are the loaded cassettes (cassette.LoadPaths), in the order checked.
	Files []*cassette.File
	// JobMap maps a recorded job id to the target's. Ids not in it are sent as
	// recorded.
	JobMap map[string]string
	// Include adds values the comparison ignores by default.
	Include Include
	// Rewind, if set, is called once, before the first recorded request is re-sent:
	// a replay target's Reset, so that its answers start from the first recorded
	// one again.
	Rewind func()
}

// The rules of the cassette oracle.
var (
	// A re-sent request gets the answer recorded for it. MUST [obs: the cassette].
	driftRule = Rule{Must, contract.SourceObserved,
		"a recorded request, re-sent with the target's credentials, gets the recorded answer: the same status, the same JSON keys and types, the same status, error and error_code values"}
	// What was recorded holds the vendor page's rules. MUST [seed].
	recordedSeedRule = Rule{Must, contract.SourceSeed,
		"the recorded answer is one the vendor's API page allows for the recorded request: a documented status, the OpenAPI document's body for it, 401 without credentials, never a success for a request the contract rejects"}
	// What was recorded holds the other sources' rules. SHOULD [docs][sdk][obs].
	recordedDocsRule = Rule{Should, contract.SourceDocs,
		"the recorded answer keeps the vendor's other rules: an error_code of the status's family, a success body the official Go SDK decodes, an X-Request-Id header"}
)

// oracle registers the cassette oracle's specs for one target.
type oracle struct {
	t      Target
	rec    Recorded
	cmp    comparer
	rewind sync.Once
}

// DefineRecorded registers the cassette oracle against t, as one top-level Ginkgo
// container ("recorded traffic", label LabelCassette): per recorded interaction, a
// check that re-sends it and compares the answer (LabelDrift), and two checks of the
// recorded answer against the contract (LabelRecordedContract), MUST and SHOULD.
// Checks run in recorded order, one at a time. Call it before RunSpecs, with or
// without Define.
func DefineRecorded(t Target, rec Recorded) error {
	t, err := t.withDefaults()
	if err != nil {
		return err
	}
	if len(rec.Files) == 0 {
		return errors.New("recorded traffic: no cassette")
	}
	for from, to := range rec.JobMap {
		if from == "" || to == "" {
			return fmt.Errorf("job map %q=%q: both ids are needed", from, to)
		}
	}
	o := &oracle{t: t, rec: rec}
	o.cmp = comparer{include: rec.Include, isJobID: t.Contract.ValidJobID, mapJobID: o.mapJobID}
	// Ordered: checks run in recorded order (ids, not names, and not code locations,
	// which every check of the loop shares); ContinueOnFailure: a drift does not stop
	// the checks after it.
	Describe("recorded traffic", Label(LabelCassette), Ordered, ContinueOnFailure, func() {
		for _, f := range rec.Files {
			Describe(f.Path, func() {
				for i := range f.Interactions {
					o.interaction(f, &f.Interactions[i])
				}
			})
		}
	})
	return nil
}

// mapJobID maps a recorded job id onto the target's.
func (o *oracle) mapJobID(id string) string {
	if to, ok := o.rec.JobMap[id]; ok {
		return to
	}
	return id
}

// mapIDs replaces every mapped job id in s.
func (o *oracle) mapIDs(s string) string {
	keys := make([]string, 0, len(o.rec.JobMap))
	for k := range o.rec.JobMap {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		s = strings.ReplaceAll(s, k, o.rec.JobMap[k])
	}
	return s
}

// where names a recorded interaction in messages.
func where(f *cassette.File, in *cassette.Interaction) string {
	return fmt.Sprintf("%s interaction %d (line %d)", f.Path, in.ID, in.Line)
}

func (o *oracle) interaction(f *cassette.File, in *cassette.Interaction) {
	u, _ := url.Parse(in.Request.URL) // the loader checked it
	path := "/"
	if u != nil {
		path = u.EscapedPath()
		if u.RawQuery != "" {
			path += "?" + u.RawQuery
		}
	}
	name := fmt.Sprintf("interaction %d: %s %s recorded %d", in.ID, in.Request.Method, path, in.Response.Code)
	Context(name, func() {
		check("answers as recorded", driftRule, func(r Rule) {
			if reason := o.skipReason(in, u); reason != "" {
				Skip(reason)
			}
			if reason := o.refusal(in, u); reason != "" {
				Skip(reason)
			}
			rq, reason := o.request(in, path)
			if reason != "" {
				Skip(reason)
			}
			if o.rec.Rewind != nil {
				o.rewind.Do(o.rec.Rewind)
			}
			x, err := o.t.send(context.Background(), rq)
			if err != nil {
				Fail(fmt.Sprintf("no answer from the target: %v", err))
			}
			Expect(x).To(o.matchRecording(r, f, in))
		}, Label(LabelDrift))
		check("was recorded answering as the vendor's API page says", recordedSeedRule, func(r Rule) {
			x := o.recordedExchange(in, u)
			if x == nil {
				Skip(fmt.Sprintf("no operation of the contract at %s %s", in.Request.Method, u.Path))
			}
			Expect(x).To(matchDocumentedResponse(r, o.t.Contract, x.Status))
			Expect(x).To(o.keepRequestRules(r, in))
			if x.Status == http.StatusOK {
				Expect(x).To(haveMember(r, "status", "success"))
				Expect(x).To(haveMember(r, "error", nil))
			}
		}, Label(LabelRecordedContract))
		check("was recorded answering as the vendor's other docs and the SDK say", recordedDocsRule, func(r Rule) {
			x := o.recordedExchange(in, u)
			if x == nil {
				Skip(fmt.Sprintf("no operation of the contract at %s %s", in.Request.Method, u.Path))
			}
			if x.Status >= 400 && len(contract.CodesForStatus(x.Status)) > 0 {
				Expect(x).To(haveCodeOfFamily(r, x.Status))
			}
			if x.Status == http.StatusOK && x.req.Method == http.MethodPost {
				Expect(x).To(decodeWithSDK(r))
			}
			Expect(x).To(haveHeader(r, contract.HeaderRequestID))
		}, Label(LabelRecordedContract))
	})
}

// skipReason says why an interaction cannot be re-sent to the target, or "".
func (o *oracle) skipReason(in *cassette.Interaction, u *url.URL) string {
	if u == nil || !strings.HasPrefix(u.Path, contract.NoticePrefix) {
		return "not a notice endpoint: only /v3/jobs/notice/... is re-sent"
	}
	if in.Response.Headers.Get(proxyErrorHeader) != "" {
		return "an answer of the recording proxy itself, not of the API"
	}
	prefer := in.Request.Headers.Get(contract.HeaderPrefer)
	code := in.Response.Code
	switch {
	case prefer != "" && !o.t.FaultInjection:
		return fmt.Sprintf("recorded with a fault injected (Prefer: %s); the target does not inject faults (noticeconf verify --fault-injection)", prefer)
	case prefer == "" && (code >= 500 || code == http.StatusTooManyRequests):
		return fmt.Sprintf("recorded a fault (%d) the target cannot be asked to reproduce", code)
	}
	return ""
}

// request rebuilds the recorded request for the target: its job ids mapped, its
// credentials replaced by the target's own of the same kind (or the kind of failure
// recorded: an invalid token for a recorded 401, the forbidden token for a 403, a
// wrong signature for a 401 of an AK/SK request). reason says why it cannot be.
func (o *oracle) request(in *cassette.Interaction, path string) (request, string) {
	rq := request{
		method: in.Request.Method,
		path:   o.mapIDs(path),
		header: http.Header{},
		body:   []byte(o.mapIDs(in.Request.Body)),
	}
	var refused []string
	hop := hopbyhop.Of(in.Request.Headers)
	for k, vs := range in.Request.Headers {
		switch {
		case hop[http.CanonicalHeaderKey(k)]:
			// The recorded connection's, not the request's.
		case resentHeader(k):
			rq.header[k] = slices.Clone(vs)
		case !droppedOnResend(k):
			refused = append(refused, k)
		}
	}
	if len(refused) > 0 {
		slices.Sort(refused)
		AddReportEntry("headers not re-sent", "not on the allow-list of headers a recorded request may carry to the target: "+strings.Join(refused, ", "))
	}
	code := in.Response.Code
	switch cassette.AuthKindOf(in.Request.Headers) {
	case cassette.AuthNone:
		rq.creds = credsNone
	case cassette.AuthToken:
		switch {
		case code == http.StatusUnauthorized:
			rq.creds = credsInvalidToken
		case code == http.StatusForbidden && o.t.ForbiddenToken == "":
			return rq, "recorded 403 for a token; no forbidden token configured (noticeconf verify --forbidden-token)"
		case code == http.StatusForbidden:
			rq.creds = credsForbidden
		case o.t.Token == "":
			return rq, "recorded with an X-Auth-Token; the target has no token configured (noticeconf verify --token)"
		default:
			rq.creds = credsValid
		}
	case cassette.AuthAKSK:
		switch {
		case o.t.AK == "":
			return rq, "recorded with an AK/SK signature; the target has no AK/SK configured (noticeconf verify --ak, --sk)"
		case code == http.StatusForbidden:
			return rq, "recorded 403 for an AK/SK signature; there is no forbidden AK/SK to send"
		case code == http.StatusUnauthorized:
			rq.creds = credsBadSignature
		default:
			rq.creds = credsAKSK
		}
	}
	return rq, ""
}

// resentHeaders are the recorded request headers re-sent to the target: what a
// client of the endpoint sends that is neither a credential nor the transport's own.
// Any other recorded header (a cassette is input, and may have been edited) is left
// out, and the check says so.
var resentHeaders = []string{
	"Accept", "Accept-Language", "Content-Type", "Prefer", "User-Agent",
	"X-Project-Id", "X-Domain-Id", "X-Language",
}

// resentHeader reports whether a recorded request header is re-sent.
func resentHeader(name string) bool {
	return slices.Contains(resentHeaders, http.CanonicalHeaderKey(name))
}

// refusal says why a recorded request is not re-sent because it is not one the
// contract defines, or "": its method and path must be an operation of the OpenAPI
// document once cleaned of dot segments, doubled slashes and percent-encoded
// separators, and its query may carry only the operation's parameters. A cassette is
// input: an edited one must not make verify send the user's credentials elsewhere.
func (o *oracle) refusal(in *cassette.Interaction, u *url.URL) string {
	if u == nil {
		return "refused: the recorded URL does not parse"
	}
	raw := strings.ToLower(u.EscapedPath())
	for _, enc := range []string{"%2f", "%2e", "%5c", "%25", "\\"} {
		if strings.Contains(raw, enc) {
			return fmt.Sprintf("refused: the recorded path %q holds an encoded separator or dot (%s); only the contract's operations are re-sent", u.EscapedPath(), enc)
		}
	}
	if clean := path.Clean(u.Path); clean != u.Path && clean+"/" != u.Path {
		return fmt.Sprintf("refused: the recorded path %q is not clean (it is %q once dot segments and doubled slashes are removed); only the contract's operations are re-sent", u.Path, clean)
	}
	req, err := http.NewRequest(in.Request.Method, (&url.URL{Scheme: "http", Host: "target.invalid", Path: u.Path}).String(), http.NoBody)
	if err != nil {
		return fmt.Sprintf("refused: %s %s: %v", in.Request.Method, u.Path, err)
	}
	route, _, err := o.t.Contract.Route(req)
	if err != nil {
		return fmt.Sprintf("refused: %s %s is not an operation of the contract (fixtures/openapi.yaml); only those are re-sent", in.Request.Method, u.Path)
	}
	declared := map[string]bool{}
	for _, ps := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
		for _, p := range ps {
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
				declared[p.Value.Name] = true
			}
		}
	}
	for name := range u.Query() {
		if !declared[name] {
			return fmt.Sprintf("refused: query parameter %q is not one %s %s declares", name, in.Request.Method, route.Path)
		}
	}
	return ""
}

// droppedOnResend reports whether a recorded request header that is not hop-by-hop
// is left out when the request is re-sent: credentials (replaced by the target's),
// the signature's date (signed afresh), and what the client's transport sets itself.
func droppedOnResend(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case contract.HeaderAuthToken, contract.HeaderAuthorization, contract.HeaderSdkDate,
		contract.HeaderSecurityToken, contract.HeaderSubjectToken, "Cookie",
		"Content-Length", "Host", "Accept-Encoding":
		return true
	}
	return false
}

// recordedExchange is the recorded request and answer as an Exchange, for the rule
// matchers; nil when the contract has no operation at its method and path.
func (o *oracle) recordedExchange(in *cassette.Interaction, u *url.URL) *Exchange {
	if u == nil {
		return nil
	}
	req, err := http.NewRequest(in.Request.Method, u.String(), http.NoBody)
	if err != nil {
		return nil
	}
	if _, _, err := o.t.Contract.Route(req); err != nil {
		return nil
	}
	return &Exchange{
		Method:        in.Request.Method,
		URL:           in.Request.URL,
		RequestHeader: redact(in.Request.Headers),
		RequestBody:   []byte(in.Request.Body),
		Status:        in.Response.Code,
		Header:        redact(in.Response.Headers),
		Body:          []byte(in.Response.Body),
		req:           req,
	}
}

// keepRequestRules checks the recorded status against what the recorded request
// asks for: a request without credentials answers 401, and a request the contract
// rejects (a malformed job_id, a body that is not the documented one) never succeeds.
func (o *oracle) keepRequestRules(r Rule, in *cassette.Interaction) types.GomegaMatcher {
	return obey(r, func(x *Exchange) error {
		if cassette.AuthKindOf(in.Request.Headers) == cassette.AuthNone && x.Status != http.StatusUnauthorized {
			return fmt.Errorf("the request had no credentials and was answered %s, want 401 Unauthorized (X-Auth-Token is mandatory)", statusText(x.Status))
		}
		if x.Status < 200 || x.Status > 299 {
			return nil
		}
		req, err := http.NewRequest(in.Request.Method, in.Request.URL, strings.NewReader(in.Request.Body))
		if err != nil {
			return nil
		}
		req.Header = in.Request.Headers.Clone()
		if err := o.t.Contract.ValidateRequest(context.Background(), req); err != nil {
			return fmt.Errorf("the request breaks the contract (%s) and was answered %s, want a 400", firstLineOf(err), statusText(x.Status))
		}
		return nil
	})
}

func firstLineOf(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// driftVerdict is what matchRecording found; its template reads it.
type driftVerdict struct {
	Rule     Rule
	Why      string
	Diffs    []Difference
	Where    string
	Recorded string
}

// driftTemplate renders a drift: the summary first (reports show it as the reason),
// then each difference, the rule, the exchange and the recorded answer.
var driftTemplate = template.Must(gcustom.ParseTemplate(
	`{{if .Failure}}{{.Data.Why}}{{else}}expected a drift from the recording, but the answer is the recorded one{{end}}
differences (recorded vs got):
{{range .Data.Diffs}}    {{.Path}}: recorded {{.Recorded}}, got {{.Got}}
{{end}}recorded in: {{.Data.Where}}
rule: {{.Data.Rule.Says}}
level: {{.Data.Rule.Level}}, source: {{.Data.Rule.Source}}
{{.Actual}}recorded answer:
{{.Data.Recorded}}`))

// matchRecording matches an Exchange whose answer is the recorded one of in.
func (o *oracle) matchRecording(r Rule, f *cassette.File, in *cassette.Interaction) types.GomegaMatcher {
	v := &driftVerdict{Rule: r, Where: where(f, in)}
	rec := answer{status: in.Response.Code, header: in.Response.Headers, body: []byte(in.Response.Body)}
	var b strings.Builder
	fmt.Fprintf(&b, "    HTTP %s\n", statusText(in.Response.Code))
	writeHeader(&b, redact(in.Response.Headers))
	writeBody(&b, rec.body)
	v.Recorded = b.String()
	return gcustom.MakeMatcher(func(x *Exchange) (bool, error) {
		if x == nil {
			return false, errors.New("no exchange to check")
		}
		v.Diffs = o.cmp.compare(rec, answer{status: x.Status, header: x.Header, body: x.Body})
		if len(v.Diffs) == 0 {
			return true, nil
		}
		parts := make([]string, len(v.Diffs))
		for i, d := range v.Diffs {
			parts[i] = d.String()
		}
		v.Why = "drift from the recording: " + strings.Join(parts, "; ")
		return false, nil
	}).WithPrecompiledTemplate(driftTemplate, v)
}
