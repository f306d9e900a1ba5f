package suites

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"text/template"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/utils"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/codeartsbuild/v3/model"
	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega/gcustom"
	"github.com/onsi/gomega/types"

	"github.com/noticeconf/noticeconf/fixtures/contract"
)

// Level is how strongly the contract asks for a rule.
type Level string

const (
	// Must marks a rule of the vendor's API page: a server that breaks it does not
	// conform, and `noticeconf verify` exits 1.
	Must Level = "MUST"
	// Should marks a rule from the vendor's other docs, the official SDK or observed
	// behaviour: a server that breaks it conforms, with a warning.
	Should Level = "SHOULD"
)

// Rule is what one check holds a server to: a sentence, its level and its source.
type Rule struct {
	Level  Level
	Source contract.Source
	// Says is the rule in one sentence, as failure messages show it.
	Says string
}

// sourceLabels names each source as a Ginkgo label ("source:seed"), so that
// --label-filter can select by source and reports can tell it.
var sourceLabels = []struct {
	label  string
	source contract.Source
}{
	{"source:seed", contract.SourceSeed},
	{"source:docs", contract.SourceDocs},
	{"source:sdk", contract.SourceSDK},
	{"source:obs", contract.SourceObserved},
	{"source:noticeconf", contract.SourceNoticeconf},
}

// labels returns the Ginkgo labels of r: its level and its source.
func (r Rule) labels() ginkgo.Labels {
	for _, s := range sourceLabels {
		if s.source == r.Source {
			return ginkgo.Label(string(r.Level), s.label)
		}
	}
	panic("suites: no label for source " + string(r.Source))
}

// RuleOf reads the level and the source of a check from its labels, as a Ginkgo
// report carries them. ok is false when the labels name no level.
func RuleOf(labels []string) (level Level, source contract.Source, ok bool) {
	for _, l := range labels {
		switch Level(l) {
		case Must, Should:
			level, ok = Level(l), true
		}
		for _, s := range sourceLabels {
			if l == s.label {
				source = s.source
			}
		}
	}
	return level, source, ok
}

// verdict is what a rule matcher found; its template reads it.
type verdict struct {
	Rule Rule
	Why  string
}

// ruleTemplate renders a failure: the reason on the first line (reports show it as
// the check's reason), then the rule, its level and source, and the exchange.
var ruleTemplate = template.Must(gcustom.ParseTemplate(
	`{{if .Failure}}{{.Data.Why}}{{else}}expected this to break the rule, but it holds{{end}}
rule: {{.Data.Rule.Says}}
level: {{.Data.Rule.Level}}, source: {{.Data.Rule.Source}}
{{.Actual}}`))

// obey returns a matcher of an *Exchange that succeeds when check returns nil; its
// failure message shows check's error, the rule and the exchange.
func obey(r Rule, check func(*Exchange) error) types.GomegaMatcher {
	v := &verdict{Rule: r}
	return gcustom.MakeMatcher(func(x *Exchange) (bool, error) {
		if x == nil {
			return false, errors.New("no exchange to check")
		}
		if err := check(x); err != nil {
			v.Why = x.redactText(err.Error())
			return false, nil
		}
		return true, nil
	}).WithPrecompiledTemplate(ruleTemplate, v)
}

// haveStatus checks the status code.
func haveStatus(r Rule, want int) types.GomegaMatcher {
	return obey(r, func(x *Exchange) error {
		if x.Status != want {
			return fmt.Errorf("answered %d %s, want %d %s", x.Status, http.StatusText(x.Status), want, http.StatusText(want))
		}
		return nil
	})
}

// haveJSONContentType checks that the Content-Type is application/json, with any
// parameters (a charset or none).
func haveJSONContentType(r Rule) types.GomegaMatcher {
	return obey(r, func(x *Exchange) error {
		ct := x.Header.Get("Content-Type")
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return fmt.Errorf("answered Content-Type %q, want application/json", ct)
		}
		return nil
	})
}

// matchDocumentedResponse checks the answer against the OpenAPI document's response
// for status, with kin-openapi: the content type and the body's schema. The status
// is the one the rule expects, not the one got, so that an error body is checked as
// an error body even when the status is wrong (the status has a check of its own).
func matchDocumentedResponse(r Rule, c *contract.Contract, status int) types.GomegaMatcher {
	return obey(r, func(x *Exchange) error {
		if err := c.ValidateResponse(context.Background(), x.req, status, x.Header, x.Body); err != nil {
			return fmt.Errorf("the answer is not the OpenAPI document's %d response: %s", status, schemaWhy(err))
		}
		return nil
	})
}

// schemaErrorAt finds kin-openapi's "Error at "/pointer": reason" phrases.
var schemaErrorAt = regexp.MustCompile(`Error at "[^"]*": [^\n|]*`)

// schemaWhy shortens a kin-openapi validation error to its reasons, without the
// schema and value dumps it appends (the failure message shows the body anyway).
func schemaWhy(err error) string {
	if inner := errors.Unwrap(err); inner != nil {
		err = inner // drop "response N to METHOD PATH: ", which the message shows
	}
	msg := err.Error()
	head, _, _ := strings.Cut(msg, "\n")
	at := schemaErrorAt.FindAllString(msg, -1)
	if len(at) == 0 {
		return head
	}
	if i := strings.Index(head, ": Error at"); i >= 0 {
		head = head[:i]
	}
	for i := range at {
		at[i] = strings.TrimSpace(at[i])
	}
	return head + ": " + strings.Join(at, "; ")
}

// topLevel decodes a JSON object's members.
func topLevel(body []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("the body is not a JSON object: %w", err)
	}
	if m == nil {
		return nil, errors.New("the body is not a JSON object: null")
	}
	return m, nil
}

// haveMember checks that the body's top-level member key has the JSON value want.
func haveMember(r Rule, key string, want any) types.GomegaMatcher {
	return obey(r, func(x *Exchange) error {
		m, err := topLevel(x.Body)
		if err != nil {
			return err
		}
		raw, ok := m[key]
		if !ok {
			return fmt.Errorf("the body has no %q member", key)
		}
		var got any
		if err := json.Unmarshal(raw, &got); err != nil {
			return fmt.Errorf("member %q: %w", key, err)
		}
		if !reflect.DeepEqual(got, want) {
			w, _ := json.Marshal(want)
			return fmt.Errorf("%q is %s, want %s", key, raw, w)
		}
		return nil
	})
}

// haveDocumentedResult checks the success body's result against the OpenAPI
// document's schema of UpdateNoticeResponse.result: a string, null or {"job_id": string}.
func haveDocumentedResult(r Rule, c *contract.Contract) types.GomegaMatcher {
	return obey(r, func(x *Exchange) error {
		m, err := topLevel(x.Body)
		if err != nil {
			return err
		}
		raw, ok := m["result"]
		if !ok {
			return errors.New(`the body has no "result" member`)
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("result: %w", err)
		}
		ref := c.Doc().Components.Schemas["UpdateNoticeResponse"]
		if ref == nil || ref.Value == nil || ref.Value.Properties["result"] == nil {
			return errors.New("the OpenAPI document has no UpdateNoticeResponse.result schema")
		}
		if err := ref.Value.Properties["result"].Value.VisitJSON(v); err != nil {
			return fmt.Errorf(`result is %s, want a string, null or {"job_id": string}: %w`, oneLine(raw, 200), err)
		}
		return nil
	})
}

// decodeWithSDK checks that the official Go SDK decodes the body into
// model.UpdateNoticeResponse, with the SDK's own JSON decoder.
func decodeWithSDK(r Rule) types.GomegaMatcher {
	return obey(r, func(x *Exchange) error {
		var out model.UpdateNoticeResponse
		if err := utils.Unmarshal(x.Body, &out); err != nil {
			// The SDK's decoder quotes the body at length after this marker.
			why, _, _ := strings.Cut(err.Error(), ", error found in")
			return fmt.Errorf("not decodable by the official Go SDK (model.UpdateNoticeResponse): %s", why)
		}
		return nil
	})
}

// haveHeader checks that the answer carries a non-empty header.
func haveHeader(r Rule, name string) types.GomegaMatcher {
	return obey(r, func(x *Exchange) error {
		if x.Header.Get(name) == "" {
			return fmt.Errorf("the answer has no %s header", name)
		}
		return nil
	})
}

// haveCodeOfFamily checks that error_code is one the vendor's error table lists for
// status (contract.CodesForStatus).
func haveCodeOfFamily(r Rule, status int) types.GomegaMatcher {
	return obey(r, func(x *Exchange) error {
		m, err := topLevel(x.Body)
		if err != nil {
			return err
		}
		raw, ok := m["error_code"]
		if !ok {
			return errors.New("the body has no error_code")
		}
		var code string
		if err := json.Unmarshal(raw, &code); err != nil {
			return fmt.Errorf("error_code is %s, not a string", oneLine(m["error_code"], 100))
		}
		want := contract.CodesForStatus(status)
		if !slices.Contains(want, code) {
			return fmt.Errorf("error_code %q is not one the vendor uses with %d (%s)", code, status, strings.Join(want, ", "))
		}
		return nil
	})
}

// showEnabledEvents checks a read-back (GET .../query) answer: it matches the
// document's ListNoticeResponse and the item of noticeType enables exactly events.
func showEnabledEvents(r Rule, c *contract.Contract, noticeType string, events []string) types.GomegaMatcher {
	return obey(r, func(x *Exchange) error {
		if x.Status != http.StatusOK {
			return fmt.Errorf("the read-back answered %d, want 200", x.Status)
		}
		if err := c.ValidateResponse(context.Background(), x.req, http.StatusOK, x.Header, x.Body); err != nil {
			return fmt.Errorf("the read-back is not the OpenAPI document's ListNoticeResponse: %s", schemaWhy(err))
		}
		var body struct {
			Result []struct {
				NoticeType string          `json:"notice_type"`
				EnableMap  map[string]bool `json:"enable_map"`
			} `json:"result"`
		}
		if err := json.Unmarshal(x.Body, &body); err != nil {
			return fmt.Errorf("the read-back body: %w", err)
		}
		for _, item := range body.Result {
			if item.NoticeType != noticeType {
				continue
			}
			for _, e := range contract.EventTypes() {
				if want := slices.Contains(events, e); item.EnableMap[e] != want {
					return fmt.Errorf("the read-back shows %s %s=%t, want %t after the update", noticeType, e, item.EnableMap[e], want)
				}
			}
			return nil
		}
		return fmt.Errorf("the read-back has no item of notice_type %q after the update", noticeType)
	})
}
