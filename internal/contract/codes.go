package contract

import "net/http"

// Source says where a rule or a fact of the contract comes from.
type Source string

const (
	// SourceSeed is the vendor's API page for UpdateNotice (the seed document).
	SourceSeed Source = "vendor API page (UpdateNotice)"
	// SourceDocs is the vendor's other public documentation (API Gateway error codes,
	// the machine-readable API definition, sibling endpoints).
	SourceDocs Source = "vendor docs"
	// SourceSDK is the official Go SDK, huaweicloud-sdk-go-v3 services/codeartsbuild/v3.
	SourceSDK Source = "official Go SDK"
	// SourceObserved is behaviour seen in real-world clients and servers.
	SourceObserved Source = "observed behaviour"
	// SourceNoticeconf marks a choice this project made where the vendor says nothing.
	SourceNoticeconf Source = "noticeconf choice (vendor silent)"
)

// ErrorCase names one documented error answer of the endpoint.
type ErrorCase string

// The error cases of the endpoint, one per row of the contract's error table.
const (
	// MissingCredentials: neither X-Auth-Token nor an AK/SK signature was sent.
	MissingCredentials ErrorCase = "missing-credentials"
	// InvalidToken: the X-Auth-Token is not valid or has expired.
	InvalidToken ErrorCase = "invalid-token"
	// BadSignature: the AK/SK signature does not verify.
	BadSignature ErrorCase = "bad-signature"
	// Forbidden: the caller is authenticated but not allowed.
	Forbidden ErrorCase = "forbidden"
	// InvalidParameter: the body is not JSON, a mandatory field is missing or has the wrong type.
	InvalidParameter ErrorCase = "invalid-parameter"
	// InvalidJobID: the job_id path parameter is malformed.
	InvalidJobID ErrorCase = "invalid-job-id"
	// JobNotFound: a well-formed job_id that does not exist.
	JobNotFound ErrorCase = "job-not-found"
	// InternalError: a server fault.
	InternalError ErrorCase = "internal-error"
	// Throttled: the gateway's rate limit was reached.
	Throttled ErrorCase = "throttled"
	// UnknownAPI: no API at that method and path.
	UnknownAPI ErrorCase = "unknown-api"
	// TooLarge: the request body is over the gateway's limit.
	TooLarge ErrorCase = "too-large"
)

// ErrorSpec is one row of the error table: the status, error_code and error_msg a
// faithful server answers for an ErrorCase, and where that comes from.
type ErrorSpec struct {
	Case    ErrorCase
	Status  int
	Code    string
	Message string
	// Gateway reports whether the answer comes from the API gateway (APIGW codes),
	// whose bodies also carry a request_id.
	Gateway bool
	Source  Source
}

// Errors returns the error table, in the contract's order. The slice is new on every
// call; callers may keep or change it.
func Errors() []ErrorSpec {
	return []ErrorSpec{
		{MissingCredentials, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: x-auth-token not found", true, SourceDocs},
		{InvalidToken, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: decrypt token fail", true, SourceDocs},
		{BadSignature, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: verify aksk signature fail", true, SourceDocs},
		{Forbidden, http.StatusForbidden, "APIGW.0302", "The IAM user is not authorized to access the API.", true, SourceDocs},
		{InvalidParameter, http.StatusBadRequest, "CB.00060200", "Invalid parameter.", false, SourceDocs},
		{InvalidJobID, http.StatusBadRequest, "CB.00060201", "Invalid task ID.", false, SourceDocs},
		{JobNotFound, http.StatusNotFound, "CB.00060214", "The build task does not exist.", false, SourceSeed},
		{InternalError, http.StatusInternalServerError, "CB.00060101", "Internal error.", false, SourceDocs},
		{Throttled, http.StatusTooManyRequests, "APIGW.0308", "The throttling threshold has been reached.", true, SourceDocs},
		{UnknownAPI, http.StatusNotFound, "APIGW.0101", "The API does not exist or has not been published in the environment.", true, SourceDocs},
		{TooLarge, http.StatusRequestEntityTooLarge, "APIGW.0201", "Request entity too large.", true, SourceDocs},
	}
}

// Error returns the row of the error table for c. It panics if c is not one of the
// ErrorCase constants, which is a programming error.
func Error(c ErrorCase) ErrorSpec {
	for _, e := range Errors() {
		if e.Case == c {
			return e
		}
	}
	panic("contract: unknown error case " + string(c))
}

// CodesForStatus returns the error codes the vendor uses with an HTTP status, from the
// error table. It returns nil for a status the table does not list.
func CodesForStatus(status int) []string {
	var codes []string
	seen := map[string]bool{}
	for _, e := range Errors() {
		if e.Status == status && !seen[e.Code] {
			seen[e.Code] = true
			codes = append(codes, e.Code)
		}
	}
	return codes
}

// Statuses returns every HTTP status the endpoint documents or the gateway uses, in
// ascending order, 200 included.
func Statuses() []int {
	return []int{
		http.StatusOK, http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden,
		http.StatusNotFound, http.StatusRequestEntityTooLarge, http.StatusTooManyRequests,
		http.StatusInternalServerError,
	}
}
