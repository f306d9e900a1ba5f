package thirdparty

import "github.com/noticeconf/noticeconf/internal/verify"

// Why each mock gets its verdicts. One line each: docs/mocks.md shows them.
const (
	whyPrismSuccess       = "Prism answers the document's 200 example (the vendor page's) with the documented X-Request-Id header"
	whyPrismObjectResult  = "the document's 200 example has result as an object, the vendor page's example, which the official Go SDK cannot decode"
	whyPrismAKSK          = "the document's aksk scheme is an apiKey in Authorization: any Authorization header satisfies it"
	whyPrismAKSKWrong     = "Prism cannot verify a signature: any Authorization header satisfies the aksk scheme, so it answers the 200 example"
	whyPrismWire          = "Prism accepts application/json without a charset, and a body ending in a newline is still JSON"
	whyPrismNoCredentials = "neither security scheme's header is present: Prism answers the document's 401 example"
	whyPrismInvalidToken  = "Prism cannot know which tokens are valid: any X-Auth-Token satisfies the token scheme, so it answers the 200 example"
	whyPrismForbidden     = "Prism cannot know which tokens are forbidden: any X-Auth-Token satisfies the token scheme, so it answers the 200 example"
	whyPrismNotJSON       = `Prism answers a body it cannot parse itself: 400 with its own {"error":{"code":"invalid_json"}}, not the document's ErrorBody`
	whyPrismBody          = "Prism validates the body against the document's request schema and answers the document's 400 example"
	whyPrismJobID         = "Prism validates job_id against the document's pattern and length and answers the document's 400 example"
	whyPrismUnknownJob    = "Prism cannot know which jobs exist: every well-formed job_id gets the 200 example"
	whyPrismFault         = "Prism's Prefer: code=500 header selects the document's 500 example"
	whyPrismReadBack      = "Prism keeps no state: the read-back answers the document's example whatever was updated"

	whyWireMockSuccess       = "stub 08-update-success.json answers the vendor's envelope and a templated X-Request-Id"
	whyWireMockObjectResult  = "stub 08 answers result as the object {\"job_id\": ...}, the vendor page's example, which the official Go SDK cannot decode"
	whyWireMockAKSK          = "no stub looks at the Authorization header: a signed update passes the token stubs (they need an X-Auth-Token) and reaches stub 08"
	whyWireMockAKSKWrong     = "WireMock cannot verify a signature: a wrongly signed update reaches stub 08 and answers 200"
	whyWireMockWire          = "no stub looks at the charset or the trailing newline; the body matches stub 06's JSON schema"
	whyWireMockNoCredentials = "stub 01-missing-credentials.json: neither X-Auth-Token nor Authorization"
	whyWireMockInvalidToken  = "stub 03-invalid-token.json: any X-Auth-Token but the demo token"
	whyWireMockForbidden     = "stub 02-forbidden-token.json: the demo forbidden token"
	whyWireMockBody          = "stub 06-invalid-body.json: the body does not match its JSON schema of the request body"
	whyWireMockJobID         = "stub 05-invalid-job-id.json: a job_id that is not 32 lower-case letters and digits"
	whyWireMockUnknownJob    = "stub 07-unknown-job.json: a well-formed job_id other than the two demo jobs"
	whyWireMockFault         = "stub 04-fault-injection.json: Prefer: code=500"
	whyWireMockReadBack      = "stub 09-query.json answers a fixed body: stubs keep no state, so the read-back never shows the update"

	whyProxyForwarded    = "Prism forwards the request to the reference mock, which answers it"
	whyProxyObjectResult = "the reference mock answers result as an object by default (noticeconf mock --result-style string answers the string form)"
	whyProxyNotJSON      = `Prism answers a body it cannot parse itself, without forwarding it: 400 with its own {"error":{"code":"invalid_json"}}`

	// The generated checks (--seed 1).
	whyPrismGenCrash = "Prism exits on a path holding the percent-encoded octet %FF, which this check draws first (URIError: URI malformed, in mock and proxy mode alike): that request gets no answer"
	whyPrismGenGone  = "no answer: Prism exited on the %FF path the 5xx check sent before (URIError: URI malformed)"

	whyWireMockGenNoServerError = "no request seed 1 draws for this check reaches WireMock's 500 (the 403 check's form-encoded one does)"
	whyWireMockGenTrailing      = "stub 06's JSON schema match ignores bytes after the JSON value: such a body reaches stub 08 and answers 200"
	whyWireMockGenPrecedence    = "WireMock cannot verify a signature: a tampered one passes the credential stubs, and stub 06 then answers the invalid body 400"
	whyWireMockGenForm500       = `WireMock (Jetty) decodes a body sent as application/x-www-form-urlencoded as a form before any stub: a "%" in it answers 500 with an HTML page`
	whyWireMockGenMisplaced     = "stub 08 takes any Authorization header for an AK/SK signature: the token in Authorization authenticates"
	whyWireMockGenParameter     = `WireMock (Jetty) answers a Content-Type with an empty quoted parameter value (application/json;charset=utf-8 ; A="") 500 with an HTML page, before any stub`
	whyWireMockGenNulOctet      = "WireMock (Jetty) refuses a path holding the octet %00 itself: 400 with an HTML page, not stub 05's error body"
	whyWireMockGenOrder         = "stub 06-invalid-body.json answers an invalid body 400 whatever the job_id, before stub 07 looks the job up"
	whyWireMockGenOtherWays     = "WireMock (Jetty) answers HTTP/1.0, Connection: close, Expect: 100-continue and the other ways of sending alike, and gzip only when asked"
	whyWireMockGenRequestID     = "only stub 08's success answer has an X-Request-Id: the error stubs, and Jetty's own 500 pages, have none"
	whyWireMockGenUnusual       = "the stubs answer every unusual update as the contract says: stub 06's JSON schema refuses what is invalid, and no drawn request reaches a 5xx"
	whyWireMockGenAnswers       = "every stub answers a JSON body of the document's shape for its status"

	whyProxyGenGone      = "Prism exits on a path holding %FF (URIError: URI malformed), which the 5xx check draws first; from then on the recorder in front of it answers 502 to every request"
	whyProxyGenOrder     = "after Prism exited every answer is 502, and the check compares the missing job's answer only when the job's is 400: nothing to compare"
	whyProxyGenOtherWays = "after Prism exited every request sent plainly gets the recorder's 502, which this check leaves to the 5xx check: nothing to compare"
	whyProxyGenRequestID = "after Prism exited the recorder's own 502 answers carry no X-Request-Id"
)

// prismExpected is the verdict of each check, in the report's order.
func prismExpected() []Expectation {
	return []Expectation{
		{"when the update is valid and authenticated answers 200", verify.ResultPass, whyPrismSuccess},
		{"when the update is valid and authenticated answers a JSON content type", verify.ResultPass, whyPrismSuccess},
		{"when the update is valid and authenticated answers the documented envelope (result, error, status)", verify.ResultPass, whyPrismSuccess},
		{"when the update is valid and authenticated answers status \"success\"", verify.ResultPass, whyPrismSuccess},
		{"when the update is valid and authenticated answers error null", verify.ResultPass, whyPrismSuccess},
		{"when the update is valid and authenticated answers result as a string, null or {\"job_id\": string}", verify.ResultPass, whyPrismSuccess},
		{"when the update is valid and authenticated answers a body the official Go SDK decodes", verify.ResultWarn, whyPrismObjectResult},
		{"when the update is valid and authenticated answers an X-Request-Id header", verify.ResultPass, whyPrismSuccess},
		{"when the update is signed with AK/SK answers 200", verify.ResultPass, whyPrismAKSK},
		{"when the AK/SK signature is wrong answers 401", verify.ResultFail, whyPrismAKSKWrong},
		{"when the AK/SK signature is wrong answers an error body with error_code and error_msg", verify.ResultFail, whyPrismAKSKWrong},
		{"when the update is sent as the official Go SDK sends it accepts a body that ends with a newline", verify.ResultPass, whyPrismWire},
		{"when the update is sent as the official Go SDK sends it accepts Content-Type application/json without a charset", verify.ResultPass, whyPrismWire},
		{"when no credentials are sent answers 401", verify.ResultPass, whyPrismNoCredentials},
		{"when no credentials are sent answers an error body with error_code and error_msg", verify.ResultPass, whyPrismNoCredentials},
		{"when no credentials are sent answers an error_code the vendor uses with 401", verify.ResultPass, whyPrismNoCredentials},
		{"when no credentials are sent and the body is over 1 MiB answers 401, not 413", verify.ResultPass, whyPrismNoCredentials},
		{"when X-Auth-Token is not a valid token answers 401", verify.ResultFail, whyPrismInvalidToken},
		{"when X-Auth-Token is not a valid token answers an error body with error_code and error_msg", verify.ResultFail, whyPrismInvalidToken},
		{"when X-Auth-Token is not a valid token answers an error_code the vendor uses with 401", verify.ResultWarn, whyPrismInvalidToken},
		{"when the token is not allowed to update the job answers 403", verify.ResultFail, whyPrismForbidden},
		{"when the token is not allowed to update the job answers an error body with error_code and error_msg", verify.ResultFail, whyPrismForbidden},
		{"when the token is not allowed to update the job answers an error_code the vendor uses with 403", verify.ResultWarn, whyPrismForbidden},
		{"when the body is not JSON answers 400", verify.ResultPass, whyPrismNotJSON},
		{"when the body is not JSON answers an error body with error_code and error_msg", verify.ResultFail, whyPrismNotJSON},
		{"when the body is not JSON answers an error_code the vendor uses with 400", verify.ResultWarn, whyPrismNotJSON},
		{"when the body is empty answers 400", verify.ResultPass, whyPrismBody},
		{"when the body is empty answers an error body with error_code and error_msg", verify.ResultPass, whyPrismBody},
		{"when the body is empty answers an error_code the vendor uses with 400", verify.ResultPass, whyPrismBody},
		{"when notice_type is missing answers 400", verify.ResultPass, whyPrismBody},
		{"when notice_type is missing answers an error body with error_code and error_msg", verify.ResultPass, whyPrismBody},
		{"when notice_type is missing answers an error_code the vendor uses with 400", verify.ResultPass, whyPrismBody},
		{"when enabled_event_type_names is missing answers 400", verify.ResultPass, whyPrismBody},
		{"when enabled_event_type_names is missing answers an error body with error_code and error_msg", verify.ResultPass, whyPrismBody},
		{"when enabled_event_type_names is missing answers an error_code the vendor uses with 400", verify.ResultPass, whyPrismBody},
		{"when notice_type is a number answers 400", verify.ResultPass, whyPrismBody},
		{"when notice_type is a number answers an error body with error_code and error_msg", verify.ResultPass, whyPrismBody},
		{"when notice_type is a number answers an error_code the vendor uses with 400", verify.ResultPass, whyPrismBody},
		{"when enabled_event_type_names is a string answers 400", verify.ResultPass, whyPrismBody},
		{"when enabled_event_type_names is a string answers an error body with error_code and error_msg", verify.ResultPass, whyPrismBody},
		{"when enabled_event_type_names is a string answers an error_code the vendor uses with 400", verify.ResultPass, whyPrismBody},
		{"when enabled_event_type_names has a non-string element answers 400", verify.ResultPass, whyPrismBody},
		{"when enabled_event_type_names has a non-string element answers an error body with error_code and error_msg", verify.ResultPass, whyPrismBody},
		{"when enabled_event_type_names has a non-string element answers an error_code the vendor uses with 400", verify.ResultPass, whyPrismBody},
		{"when param_config is an object answers 400", verify.ResultPass, whyPrismBody},
		{"when param_config is an object answers an error body with error_code and error_msg", verify.ResultPass, whyPrismBody},
		{"when param_config is an object answers an error_code the vendor uses with 400", verify.ResultPass, whyPrismBody},
		{"when enabled_event_type_names is null, as the SDK sends a nil list answers 400, not 500", verify.ResultPass, whyPrismBody},
		{"when enabled_event_type_names is null, as the SDK sends a nil list answers an error body with error_code and error_msg", verify.ResultPass, whyPrismBody},
		{"when enabled_event_type_names is null, as the SDK sends a nil list answers an error_code the vendor uses with 400", verify.ResultPass, whyPrismBody},
		{"when job_id is too short answers 400", verify.ResultPass, whyPrismJobID},
		{"when job_id is too short answers an error body with error_code and error_msg", verify.ResultPass, whyPrismJobID},
		{"when job_id is too short answers an error_code the vendor uses with 400", verify.ResultPass, whyPrismJobID},
		{"when job_id is too long answers 400", verify.ResultPass, whyPrismJobID},
		{"when job_id is too long answers an error body with error_code and error_msg", verify.ResultPass, whyPrismJobID},
		{"when job_id is too long answers an error_code the vendor uses with 400", verify.ResultPass, whyPrismJobID},
		{"when job_id is not alphanumeric answers 400", verify.ResultPass, whyPrismJobID},
		{"when job_id is not alphanumeric answers an error body with error_code and error_msg", verify.ResultPass, whyPrismJobID},
		{"when job_id is not alphanumeric answers an error_code the vendor uses with 400", verify.ResultPass, whyPrismJobID},
		{"when job_id is well-formed but no such job exists answers 404", verify.ResultFail, whyPrismUnknownJob},
		{"when job_id is well-formed but no such job exists answers an error body with error_code and error_msg", verify.ResultFail, whyPrismUnknownJob},
		{"when job_id is well-formed but no such job exists answers an error_code the vendor uses with 404", verify.ResultWarn, whyPrismUnknownJob},
		{"when the server fails (Prefer: code=500) answers 500", verify.ResultPass, whyPrismFault},
		{"when the server fails (Prefer: code=500) answers an error body with error_code and error_msg", verify.ResultPass, whyPrismFault},
		{"when the server fails (Prefer: code=500) answers an error_code the vendor uses with 500", verify.ResultPass, whyPrismFault},
		{"when the update is read back with GET /v3/jobs/notice/{job_id}/query shows the events the update enabled", verify.ResultWarn, whyPrismReadBack},
		{"when requests are generated from the contract answers no request with 5xx", verify.ResultFail, whyPrismGenCrash},
		{"when requests are generated from the contract answers every valid update 200 with the envelope", verify.ResultFail, whyPrismGenGone},
		{"when requests are generated from the contract answers every invalid update 400 with an error body", verify.ResultFail, whyPrismGenGone},
		{"when requests are generated from the contract answers every malformed job_id 400 with an error body", verify.ResultFail, whyPrismGenGone},
		{"when requests are generated from the contract answers every malformed job_id error_code CB.00060201", verify.ResultWarn, whyPrismGenGone},
		{"when requests are generated from the contract answers every upper-case job_id 200, 400 or 404", verify.ResultFail, whyPrismGenGone},
		{"when requests are generated from the contract answers every well-formed job_id of no job 404", verify.ResultFail, whyPrismGenGone},
		{"when requests are generated from the contract to check the order of the errors answers 400, not 404, to every invalid update of a job that does not exist", verify.ResultFail, whyPrismGenGone},
		{"when requests are generated from the contract to check the order of the errors answers 404 with an error body to every path that is no API, whatever its credentials", verify.ResultFail, whyPrismGenGone},
		{"when updates of unusual size or content are generated from the contract answers each as the contract says, never 5xx", verify.ResultFail, whyPrismGenGone},
		{"when credentials are generated from the contract answers 401 to every request without valid credentials, whatever its body, Content-Type and job_id", verify.ResultFail, whyPrismGenGone},
		{"when credentials are generated from the contract answers 403 to every request of a caller not allowed, whatever its body, Content-Type and job_id", verify.ResultFail, whyPrismGenGone},
		{"when credentials are generated from the contract refuses every token that differs from the valid one", verify.ResultFail, whyPrismGenGone},
		{"when credentials are generated from the contract authenticates nothing with the token anywhere but X-Auth-Token", verify.ResultFail, whyPrismGenGone},
		{"when credentials are generated from the contract refuses every AK/SK request changed after signing", verify.ResultFail, whyPrismGenGone},
		{"when any request is generated from the contract answers one JSON value in valid UTF-8, of the documented shape for its status", verify.ResultFail, whyPrismGenGone},
		{"when any request is generated from the contract and sent in other ways answers it as sent plainly, never 5xx, in a content coding it accepts", verify.ResultFail, whyPrismGenGone},
		{"when any request is generated from the contract and sent in other ways answers an X-Request-Id header to every request", verify.ResultWarn, whyPrismGenGone},
		{"when random sequences of updates are read back with GET /v3/jobs/notice/{job_id}/query shows what a model of the updates shows", verify.ResultWarn, whyPrismGenGone},
	}
}

// wiremockExpected is the verdict of each check, in the report's order.
func wiremockExpected() []Expectation {
	return []Expectation{
		{"when the update is valid and authenticated answers 200", verify.ResultPass, whyWireMockSuccess},
		{"when the update is valid and authenticated answers a JSON content type", verify.ResultPass, whyWireMockSuccess},
		{"when the update is valid and authenticated answers the documented envelope (result, error, status)", verify.ResultPass, whyWireMockSuccess},
		{"when the update is valid and authenticated answers status \"success\"", verify.ResultPass, whyWireMockSuccess},
		{"when the update is valid and authenticated answers error null", verify.ResultPass, whyWireMockSuccess},
		{"when the update is valid and authenticated answers result as a string, null or {\"job_id\": string}", verify.ResultPass, whyWireMockSuccess},
		{"when the update is valid and authenticated answers a body the official Go SDK decodes", verify.ResultWarn, whyWireMockObjectResult},
		{"when the update is valid and authenticated answers an X-Request-Id header", verify.ResultPass, whyWireMockSuccess},
		{"when the update is signed with AK/SK answers 200", verify.ResultPass, whyWireMockAKSK},
		{"when the AK/SK signature is wrong answers 401", verify.ResultFail, whyWireMockAKSKWrong},
		{"when the AK/SK signature is wrong answers an error body with error_code and error_msg", verify.ResultFail, whyWireMockAKSKWrong},
		{"when the update is sent as the official Go SDK sends it accepts a body that ends with a newline", verify.ResultPass, whyWireMockWire},
		{"when the update is sent as the official Go SDK sends it accepts Content-Type application/json without a charset", verify.ResultPass, whyWireMockWire},
		{"when no credentials are sent answers 401", verify.ResultPass, whyWireMockNoCredentials},
		{"when no credentials are sent answers an error body with error_code and error_msg", verify.ResultPass, whyWireMockNoCredentials},
		{"when no credentials are sent answers an error_code the vendor uses with 401", verify.ResultPass, whyWireMockNoCredentials},
		{"when no credentials are sent and the body is over 1 MiB answers 401, not 413", verify.ResultPass, whyWireMockNoCredentials},
		{"when X-Auth-Token is not a valid token answers 401", verify.ResultPass, whyWireMockInvalidToken},
		{"when X-Auth-Token is not a valid token answers an error body with error_code and error_msg", verify.ResultPass, whyWireMockInvalidToken},
		{"when X-Auth-Token is not a valid token answers an error_code the vendor uses with 401", verify.ResultPass, whyWireMockInvalidToken},
		{"when the token is not allowed to update the job answers 403", verify.ResultPass, whyWireMockForbidden},
		{"when the token is not allowed to update the job answers an error body with error_code and error_msg", verify.ResultPass, whyWireMockForbidden},
		{"when the token is not allowed to update the job answers an error_code the vendor uses with 403", verify.ResultPass, whyWireMockForbidden},
		{"when the body is not JSON answers 400", verify.ResultPass, whyWireMockBody},
		{"when the body is not JSON answers an error body with error_code and error_msg", verify.ResultPass, whyWireMockBody},
		{"when the body is not JSON answers an error_code the vendor uses with 400", verify.ResultPass, whyWireMockBody},
		{"when the body is empty answers 400", verify.ResultPass, whyWireMockBody},
		{"when the body is empty answers an error body with error_code and error_msg", verify.ResultPass, whyWireMockBody},
		{"when the body is empty answers an error_code the vendor uses with 400", verify.ResultPass, whyWireMockBody},
		{"when notice_type is missing answers 400", verify.ResultPass, whyWireMockBody},
		{"when notice_type is missing answers an error body with error_code and error_msg", verify.ResultPass, whyWireMockBody},
		{"when notice_type is missing answers an error_code the vendor uses with 400", verify.ResultPass, whyWireMockBody},
		{"when enabled_event_type_names is missing answers 400", verify.ResultPass, whyWireMockBody},
		{"when enabled_event_type_names is missing answers an error body with error_code and error_msg", verify.ResultPass, whyWireMockBody},
		{"when enabled_event_type_names is missing answers an error_code the vendor uses with 400", verify.ResultPass, whyWireMockBody},
		{"when notice_type is a number answers 400", verify.ResultPass, whyWireMockBody},
		{"when notice_type is a number answers an error body with error_code and error_msg", verify.ResultPass, whyWireMockBody},
		{"when notice_type is a number answers an error_code the vendor uses with 400", verify.ResultPass, whyWireMockBody},
		{"when enabled_event_type_names is a string answers 400", verify.ResultPass, whyWireMockBody},
		{"when enabled_event_type_names is a string answers an error body with error_code and error_msg", verify.ResultPass, whyWireMockBody},
		{"when enabled_event_type_names is a string answers an error_code the vendor uses with 400", verify.ResultPass, whyWireMockBody},
		{"when enabled_event_type_names has a non-string element answers 400", verify.ResultPass, whyWireMockBody},
		{"when enabled_event_type_names has a non-string element answers an error body with error_code and error_msg", verify.ResultPass, whyWireMockBody},
		{"when enabled_event_type_names has a non-string element answers an error_code the vendor uses with 400", verify.ResultPass, whyWireMockBody},
		{"when param_config is an object answers 400", verify.ResultPass, whyWireMockBody},
		{"when param_config is an object answers an error body with error_code and error_msg", verify.ResultPass, whyWireMockBody},
		{"when param_config is an object answers an error_code the vendor uses with 400", verify.ResultPass, whyWireMockBody},
		{"when enabled_event_type_names is null, as the SDK sends a nil list answers 400, not 500", verify.ResultPass, whyWireMockBody},
		{"when enabled_event_type_names is null, as the SDK sends a nil list answers an error body with error_code and error_msg", verify.ResultPass, whyWireMockBody},
		{"when enabled_event_type_names is null, as the SDK sends a nil list answers an error_code the vendor uses with 400", verify.ResultPass, whyWireMockBody},
		{"when job_id is too short answers 400", verify.ResultPass, whyWireMockJobID},
		{"when job_id is too short answers an error body with error_code and error_msg", verify.ResultPass, whyWireMockJobID},
		{"when job_id is too short answers an error_code the vendor uses with 400", verify.ResultPass, whyWireMockJobID},
		{"when job_id is too long answers 400", verify.ResultPass, whyWireMockJobID},
		{"when job_id is too long answers an error body with error_code and error_msg", verify.ResultPass, whyWireMockJobID},
		{"when job_id is too long answers an error_code the vendor uses with 400", verify.ResultPass, whyWireMockJobID},
		{"when job_id is not alphanumeric answers 400", verify.ResultPass, whyWireMockJobID},
		{"when job_id is not alphanumeric answers an error body with error_code and error_msg", verify.ResultPass, whyWireMockJobID},
		{"when job_id is not alphanumeric answers an error_code the vendor uses with 400", verify.ResultPass, whyWireMockJobID},
		{"when job_id is well-formed but no such job exists answers 404", verify.ResultPass, whyWireMockUnknownJob},
		{"when job_id is well-formed but no such job exists answers an error body with error_code and error_msg", verify.ResultPass, whyWireMockUnknownJob},
		{"when job_id is well-formed but no such job exists answers an error_code the vendor uses with 404", verify.ResultPass, whyWireMockUnknownJob},
		{"when the server fails (Prefer: code=500) answers 500", verify.ResultPass, whyWireMockFault},
		{"when the server fails (Prefer: code=500) answers an error body with error_code and error_msg", verify.ResultPass, whyWireMockFault},
		{"when the server fails (Prefer: code=500) answers an error_code the vendor uses with 500", verify.ResultPass, whyWireMockFault},
		{"when the update is read back with GET /v3/jobs/notice/{job_id}/query shows the events the update enabled", verify.ResultWarn, whyWireMockReadBack},
		{"when requests are generated from the contract answers no request with 5xx", verify.ResultPass, whyWireMockGenNoServerError},
		{"when requests are generated from the contract answers every valid update 200 with the envelope", verify.ResultFail, whyWireMockGenParameter},
		{"when requests are generated from the contract answers every invalid update 400 with an error body", verify.ResultFail, whyWireMockGenTrailing},
		{"when requests are generated from the contract answers every malformed job_id 400 with an error body", verify.ResultFail, whyWireMockGenNulOctet},
		{"when requests are generated from the contract answers every malformed job_id error_code CB.00060201", verify.ResultWarn, whyWireMockGenNulOctet},
		{"when requests are generated from the contract answers every upper-case job_id 200, 400 or 404", verify.ResultPass, whyWireMockJobID},
		{"when requests are generated from the contract answers every well-formed job_id of no job 404", verify.ResultPass, whyWireMockUnknownJob},
		{"when requests are generated from the contract to check the order of the errors answers 400, not 404, to every invalid update of a job that does not exist", verify.ResultPass, whyWireMockGenOrder},
		{"when requests are generated from the contract to check the order of the errors answers 404 with an error body to every path that is no API, whatever its credentials", verify.ResultFail, whyWireMockGenForm500},
		{"when updates of unusual size or content are generated from the contract answers each as the contract says, never 5xx", verify.ResultPass, whyWireMockGenUnusual},
		{"when credentials are generated from the contract answers 401 to every request without valid credentials, whatever its body, Content-Type and job_id", verify.ResultFail, whyWireMockGenPrecedence},
		{"when credentials are generated from the contract answers 403 to every request of a caller not allowed, whatever its body, Content-Type and job_id", verify.ResultFail, whyWireMockGenForm500},
		{"when credentials are generated from the contract refuses every token that differs from the valid one", verify.ResultPass, whyWireMockInvalidToken},
		{"when credentials are generated from the contract authenticates nothing with the token anywhere but X-Auth-Token", verify.ResultFail, whyWireMockGenMisplaced},
		{"when credentials are generated from the contract refuses every AK/SK request changed after signing", verify.ResultFail, whyWireMockAKSKWrong},
		{"when any request is generated from the contract answers one JSON value in valid UTF-8, of the documented shape for its status", verify.ResultPass, whyWireMockGenAnswers},
		{"when any request is generated from the contract and sent in other ways answers it as sent plainly, never 5xx, in a content coding it accepts", verify.ResultPass, whyWireMockGenOtherWays},
		{"when any request is generated from the contract and sent in other ways answers an X-Request-Id header to every request", verify.ResultWarn, whyWireMockGenRequestID},
		{"when random sequences of updates are read back with GET /v3/jobs/notice/{job_id}/query shows what a model of the updates shows", verify.ResultWarn, whyWireMockReadBack},
	}
}

// prismProxyExpected is the verdict of each check, in the report's order.
func prismProxyExpected() []Expectation {
	return []Expectation{
		{"when the update is valid and authenticated answers 200", verify.ResultPass, whyProxyForwarded},
		{"when the update is valid and authenticated answers a JSON content type", verify.ResultPass, whyProxyForwarded},
		{"when the update is valid and authenticated answers the documented envelope (result, error, status)", verify.ResultPass, whyProxyForwarded},
		{"when the update is valid and authenticated answers status \"success\"", verify.ResultPass, whyProxyForwarded},
		{"when the update is valid and authenticated answers error null", verify.ResultPass, whyProxyForwarded},
		{"when the update is valid and authenticated answers result as a string, null or {\"job_id\": string}", verify.ResultPass, whyProxyForwarded},
		{"when the update is valid and authenticated answers a body the official Go SDK decodes", verify.ResultWarn, whyProxyObjectResult},
		{"when the update is valid and authenticated answers an X-Request-Id header", verify.ResultPass, whyProxyForwarded},
		{"when the update is signed with AK/SK answers 200", verify.ResultPass, whyProxyForwarded},
		{"when the AK/SK signature is wrong answers 401", verify.ResultPass, whyProxyForwarded},
		{"when the AK/SK signature is wrong answers an error body with error_code and error_msg", verify.ResultPass, whyProxyForwarded},
		{"when the update is sent as the official Go SDK sends it accepts a body that ends with a newline", verify.ResultPass, whyProxyForwarded},
		{"when the update is sent as the official Go SDK sends it accepts Content-Type application/json without a charset", verify.ResultPass, whyProxyForwarded},
		{"when no credentials are sent answers 401", verify.ResultPass, whyProxyForwarded},
		{"when no credentials are sent answers an error body with error_code and error_msg", verify.ResultPass, whyProxyForwarded},
		{"when no credentials are sent answers an error_code the vendor uses with 401", verify.ResultPass, whyProxyForwarded},
		{"when no credentials are sent and the body is over 1 MiB answers 401, not 413", verify.ResultPass, whyProxyForwarded},
		{"when X-Auth-Token is not a valid token answers 401", verify.ResultPass, whyProxyForwarded},
		{"when X-Auth-Token is not a valid token answers an error body with error_code and error_msg", verify.ResultPass, whyProxyForwarded},
		{"when X-Auth-Token is not a valid token answers an error_code the vendor uses with 401", verify.ResultPass, whyProxyForwarded},
		{"when the token is not allowed to update the job answers 403", verify.ResultPass, whyProxyForwarded},
		{"when the token is not allowed to update the job answers an error body with error_code and error_msg", verify.ResultPass, whyProxyForwarded},
		{"when the token is not allowed to update the job answers an error_code the vendor uses with 403", verify.ResultPass, whyProxyForwarded},
		{"when the body is not JSON answers 400", verify.ResultPass, whyProxyNotJSON},
		{"when the body is not JSON answers an error body with error_code and error_msg", verify.ResultFail, whyProxyNotJSON},
		{"when the body is not JSON answers an error_code the vendor uses with 400", verify.ResultWarn, whyProxyNotJSON},
		{"when the body is empty answers 400", verify.ResultPass, whyProxyForwarded},
		{"when the body is empty answers an error body with error_code and error_msg", verify.ResultPass, whyProxyForwarded},
		{"when the body is empty answers an error_code the vendor uses with 400", verify.ResultPass, whyProxyForwarded},
		{"when notice_type is missing answers 400", verify.ResultPass, whyProxyForwarded},
		{"when notice_type is missing answers an error body with error_code and error_msg", verify.ResultPass, whyProxyForwarded},
		{"when notice_type is missing answers an error_code the vendor uses with 400", verify.ResultPass, whyProxyForwarded},
		{"when enabled_event_type_names is missing answers 400", verify.ResultPass, whyProxyForwarded},
		{"when enabled_event_type_names is missing answers an error body with error_code and error_msg", verify.ResultPass, whyProxyForwarded},
		{"when enabled_event_type_names is missing answers an error_code the vendor uses with 400", verify.ResultPass, whyProxyForwarded},
		{"when notice_type is a number answers 400", verify.ResultPass, whyProxyForwarded},
		{"when notice_type is a number answers an error body with error_code and error_msg", verify.ResultPass, whyProxyForwarded},
		{"when notice_type is a number answers an error_code the vendor uses with 400", verify.ResultPass, whyProxyForwarded},
		{"when enabled_event_type_names is a string answers 400", verify.ResultPass, whyProxyForwarded},
		{"when enabled_event_type_names is a string answers an error body with error_code and error_msg", verify.ResultPass, whyProxyForwarded},
		{"when enabled_event_type_names is a string answers an error_code the vendor uses with 400", verify.ResultPass, whyProxyForwarded},
		{"when enabled_event_type_names has a non-string element answers 400", verify.ResultPass, whyProxyForwarded},
		{"when enabled_event_type_names has a non-string element answers an error body with error_code and error_msg", verify.ResultPass, whyProxyForwarded},
		{"when enabled_event_type_names has a non-string element answers an error_code the vendor uses with 400", verify.ResultPass, whyProxyForwarded},
		{"when param_config is an object answers 400", verify.ResultPass, whyProxyForwarded},
		{"when param_config is an object answers an error body with error_code and error_msg", verify.ResultPass, whyProxyForwarded},
		{"when param_config is an object answers an error_code the vendor uses with 400", verify.ResultPass, whyProxyForwarded},
		{"when enabled_event_type_names is null, as the SDK sends a nil list answers 400, not 500", verify.ResultPass, whyProxyForwarded},
		{"when enabled_event_type_names is null, as the SDK sends a nil list answers an error body with error_code and error_msg", verify.ResultPass, whyProxyForwarded},
		{"when enabled_event_type_names is null, as the SDK sends a nil list answers an error_code the vendor uses with 400", verify.ResultPass, whyProxyForwarded},
		{"when job_id is too short answers 400", verify.ResultPass, whyProxyForwarded},
		{"when job_id is too short answers an error body with error_code and error_msg", verify.ResultPass, whyProxyForwarded},
		{"when job_id is too short answers an error_code the vendor uses with 400", verify.ResultPass, whyProxyForwarded},
		{"when job_id is too long answers 400", verify.ResultPass, whyProxyForwarded},
		{"when job_id is too long answers an error body with error_code and error_msg", verify.ResultPass, whyProxyForwarded},
		{"when job_id is too long answers an error_code the vendor uses with 400", verify.ResultPass, whyProxyForwarded},
		{"when job_id is not alphanumeric answers 400", verify.ResultPass, whyProxyForwarded},
		{"when job_id is not alphanumeric answers an error body with error_code and error_msg", verify.ResultPass, whyProxyForwarded},
		{"when job_id is not alphanumeric answers an error_code the vendor uses with 400", verify.ResultPass, whyProxyForwarded},
		{"when job_id is well-formed but no such job exists answers 404", verify.ResultPass, whyProxyForwarded},
		{"when job_id is well-formed but no such job exists answers an error body with error_code and error_msg", verify.ResultPass, whyProxyForwarded},
		{"when job_id is well-formed but no such job exists answers an error_code the vendor uses with 404", verify.ResultPass, whyProxyForwarded},
		{"when the server fails (Prefer: code=500) answers 500", verify.ResultPass, whyProxyForwarded},
		{"when the server fails (Prefer: code=500) answers an error body with error_code and error_msg", verify.ResultPass, whyProxyForwarded},
		{"when the server fails (Prefer: code=500) answers an error_code the vendor uses with 500", verify.ResultPass, whyProxyForwarded},
		{"when the update is read back with GET /v3/jobs/notice/{job_id}/query shows the events the update enabled", verify.ResultPass, whyProxyForwarded},
		{"when requests are generated from the contract answers no request with 5xx", verify.ResultFail, whyProxyGenGone},
		{"when requests are generated from the contract answers every valid update 200 with the envelope", verify.ResultFail, whyProxyGenGone},
		{"when requests are generated from the contract answers every invalid update 400 with an error body", verify.ResultFail, whyProxyGenGone},
		{"when requests are generated from the contract answers every malformed job_id 400 with an error body", verify.ResultFail, whyProxyGenGone},
		{"when requests are generated from the contract answers every malformed job_id error_code CB.00060201", verify.ResultWarn, whyProxyGenGone},
		{"when requests are generated from the contract answers every upper-case job_id 200, 400 or 404", verify.ResultFail, whyProxyGenGone},
		{"when requests are generated from the contract answers every well-formed job_id of no job 404", verify.ResultFail, whyProxyGenGone},
		{"when requests are generated from the contract to check the order of the errors answers 400, not 404, to every invalid update of a job that does not exist", verify.ResultPass, whyProxyGenOrder},
		{"when requests are generated from the contract to check the order of the errors answers 404 with an error body to every path that is no API, whatever its credentials", verify.ResultFail, whyProxyGenGone},
		{"when updates of unusual size or content are generated from the contract answers each as the contract says, never 5xx", verify.ResultFail, whyProxyGenGone},
		{"when credentials are generated from the contract answers 401 to every request without valid credentials, whatever its body, Content-Type and job_id", verify.ResultFail, whyProxyGenGone},
		{"when credentials are generated from the contract answers 403 to every request of a caller not allowed, whatever its body, Content-Type and job_id", verify.ResultFail, whyProxyGenGone},
		{"when credentials are generated from the contract refuses every token that differs from the valid one", verify.ResultFail, whyProxyGenGone},
		{"when credentials are generated from the contract authenticates nothing with the token anywhere but X-Auth-Token", verify.ResultFail, whyProxyGenGone},
		{"when credentials are generated from the contract refuses every AK/SK request changed after signing", verify.ResultFail, whyProxyGenGone},
		{"when any request is generated from the contract answers one JSON value in valid UTF-8, of the documented shape for its status", verify.ResultFail, whyProxyGenGone},
		{"when any request is generated from the contract and sent in other ways answers it as sent plainly, never 5xx, in a content coding it accepts", verify.ResultPass, whyProxyGenOtherWays},
		{"when any request is generated from the contract and sent in other ways answers an X-Request-Id header to every request", verify.ResultWarn, whyProxyGenRequestID},
		{"when random sequences of updates are read back with GET /v3/jobs/notice/{job_id}/query shows what a model of the updates shows", verify.ResultWarn, whyProxyGenGone},
	}
}
