// Package contract holds the notice update endpoint's contract in code: its paths, the
// OpenAPI document embedded from fixtures/openapi.yaml, request and response validation
// through kin-openapi, and the vendor's error table (codes.go). Every other part of
// noticeconf reads the contract from here; no other package restates it.
package contract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/noticeconf/noticeconf/fixtures"
)

// Paths of the endpoints, as OpenAPI templates.
const (
	// UpdatePath is the endpoint under test: POST, UpdateNotice.
	UpdatePath = "/v3/jobs/notice/{job_id}/update"
	// QueryPath is the read-back: GET, ListNotice in the official SDK.
	QueryPath = "/v3/jobs/notice/{job_id}/query"
	// NoticePrefix is the path prefix every notice endpoint shares.
	NoticePrefix = "/v3/jobs/notice/"
)

// Header names the contract uses.
const (
	HeaderAuthToken     = "X-Auth-Token"
	HeaderAuthorization = "Authorization"
	HeaderSdkDate       = "X-Sdk-Date"
	HeaderSecurityToken = "X-Security-Token"
	HeaderSubjectToken  = "X-Subject-Token"
	HeaderProjectID     = "X-Project-Id"
	HeaderRequestID     = "X-Request-Id"
	// HeaderPrefer carries Prism's fault-injection convention, "code=500".
	HeaderPrefer = "Prefer"
)

// AKSKScheme is the algorithm word that starts an AK/SK Authorization header.
const AKSKScheme = "SDK-HMAC-SHA256"

// ContentType is the content type a conforming server answers with.
const ContentType = "application/json;charset=UTF-8"

// UpdatePathFor returns the update path for a job id, unescaped, as the SDK sends it.
func UpdatePathFor(jobID string) string { return NoticePrefix + jobID + "/update" }

// QueryPathFor returns the read-back path for a job id.
func QueryPathFor(jobID string) string { return NoticePrefix + jobID + "/query" }

// NoticeTypes returns the notice_type values seen in the vendor's docs.
func NoticeTypes() []string { return []string{"MESSAGE", "MAIL", "WECOM", "DING_TALK", "FEISHU"} }

// EventTypes returns the enabled_event_type_names values seen in the vendor's docs.
func EventTypes() []string {
	return []string{"buildJobSuccess", "buildJobFail", "updateConfigJob", "deleteJob", "forbiddenJob"}
}

// Contract is the loaded OpenAPI document with a router over its operations. It is
// safe for concurrent use once loaded.
type Contract struct {
	doc    *openapi3.T
	router routers.Router
	jobID  *regexp.Regexp
}

// Load parses and validates the embedded OpenAPI document.
func Load() (*Contract, error) {
	return LoadData(fixtures.OpenAPI)
}

// LoadData parses and validates an OpenAPI document given as YAML or JSON. It is Load
// for documents other than the embedded one (tests, users' own variants).
func LoadData(data []byte) (*Contract, error) {
	ctx := context.Background()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("load OpenAPI document: %w", err)
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("validate OpenAPI document: %w", err)
	}
	// Route on paths alone: the document's servers name the vendor's hosts, and
	// noticeconf checks servers on any host.
	routed := *doc
	routed.Servers = nil
	router, err := gorillamux.NewRouter(&routed)
	if err != nil {
		return nil, fmt.Errorf("build router: %w", err)
	}
	c := &Contract{doc: doc, router: router}
	p := doc.Components.Parameters["JobID"]
	if p == nil || p.Value == nil || p.Value.Schema == nil || p.Value.Schema.Value == nil {
		return nil, errors.New("OpenAPI document: components.parameters.JobID is missing")
	}
	c.jobID, err = regexp.Compile(p.Value.Schema.Value.Pattern)
	if err != nil {
		return nil, fmt.Errorf("OpenAPI document: job_id pattern: %w", err)
	}
	return c, nil
}

// Doc returns the OpenAPI document. Callers must not modify it.
func (c *Contract) Doc() *openapi3.T { return c.doc }

// ValidJobID reports whether id matches the document's job_id pattern.
func (c *Contract) ValidJobID(id string) bool { return c.jobID.MatchString(id) }

// JobIDPattern returns the document's job_id pattern.
func (c *Contract) JobIDPattern() string { return c.jobID.String() }

// ErrNoRoute is returned (wrapped) when a request's method and path match no operation
// of the document.
var ErrNoRoute = errors.New("no operation at this method and path")

// Route finds the operation a request addresses.
func (c *Contract) Route(r *http.Request) (*routers.Route, map[string]string, error) {
	route, params, err := c.router.FindRoute(r)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: %w", r.Method, r.URL.Path, ErrNoRoute)
	}
	return route, params, nil
}

// ValidateRequest checks a request's parameters and body against the document. It does
// not check credentials. The body is read and replaced, so r can still be served.
// A failure is a *RequestViolation.
func (c *Contract) ValidateRequest(ctx context.Context, r *http.Request) error {
	route, params, err := c.Route(r)
	if err != nil {
		return err
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
			SkipSettingDefaults: true,
		},
	}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		return newRequestViolation(err)
	}
	return nil
}

// RequestViolation is a request the document rejects: which part (a path parameter or
// the body), the field at fault where one is known, and kin-openapi's reason.
type RequestViolation struct {
	// Parameter is the name of the offending parameter, or "" for a body error.
	Parameter string
	// Field is the body's JSON path at fault ("notice_type",
	// "enabled_event_type_names/0"), or "" when the body as a whole is wrong.
	Field string
	// Reason says what is wrong, in kin-openapi's words.
	Reason string
	err    error
}

func (v *RequestViolation) Error() string {
	switch {
	case v.Parameter != "":
		return fmt.Sprintf("parameter %s: %s", v.Parameter, v.Reason)
	case v.Field != "":
		return fmt.Sprintf("body field %s: %s", v.Field, v.Reason)
	default:
		return "body: " + v.Reason
	}
}

func (v *RequestViolation) Unwrap() error { return v.err }

func newRequestViolation(err error) *RequestViolation {
	v := &RequestViolation{err: err, Reason: err.Error()}
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		return v
	}
	if re.Parameter != nil {
		v.Parameter = re.Parameter.Name
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		v.Reason = se.Reason
		v.Field = strings.Join(se.JSONPointer(), "/")
		if v.Field == "" && se.SchemaField == "required" {
			// kin-openapi points at the object; the reason names the property.
			if m := missingProperty.FindStringSubmatch(se.Reason); m != nil {
				v.Field = m[1]
			}
		}
		return v
	}
	if re.RequestBody != nil {
		switch {
		case re.Err == nil:
			v.Reason = re.Reason
		case errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
			v.Reason = "the request body is required but missing"
		default:
			v.Reason = "the request body is not valid JSON: " + re.Err.Error()
		}
		return v
	}
	if re.Reason != "" {
		v.Reason = re.Reason
	}
	return v
}

var missingProperty = regexp.MustCompile(`property "([^"]+)" is missing`)

// ValidateResponse checks a response to req against the document: the status is one the
// operation declares, the content type is JSON, and the body matches the schema. The
// request's body is not read.
func (c *Contract) ValidateResponse(ctx context.Context, req *http.Request, status int, header http.Header, body []byte) error {
	route, params, err := c.Route(req)
	if err != nil {
		return err
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: params,
			Route:      route,
		},
		Status: status,
		Header: header,
		Body:   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
		},
	}
	if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
		return fmt.Errorf("response %d to %s %s: %w", status, req.Method, req.URL.Path, err)
	}
	return nil
}
