package redact_test

import (
	"net/http"
	"strings"
	"testing"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/internal/redact"
)

// BenchmarkInteraction redacts one update as the recording proxy records it: AK/SK
// headers, a JSON body with a DingTalk param_config, the success answer.
func BenchmarkInteraction(b *testing.B) {
	p := redact.Default()
	body := `{"notice_type":"DING_TALK","enabled_event_type_names":["buildJobSuccess","buildJobFail"],"param_config":"{\"webhook\":\"https://oapi.dingtalk.com/robot/send?access_token=3c1f0a9e5b7d4c2f\\u0026timestamp=1764547200000\\u0026sign=kF3xQ9mZ\",\"secret\":\"SEC7f3a9c1e\"}"}` + "\n"
	b.ReportAllocs()
	for b.Loop() {
		i := &vcr.Interaction{
			Request: vcr.Request{Method: http.MethodPost, URL: "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update",
				Headers: http.Header{
					"Authorization":   {"SDK-HMAC-SHA256 Access=HSTQ7VXW2KPL9MNBQR4Z, SignedHeaders=content-type;host;x-sdk-date, Signature=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
					"X-Sdk-Date":      {"20261126T193942Z"},
					"Content-Type":    {"application/json"},
					"Accept-Encoding": {"gzip"},
					"User-Agent":      {"huaweicloud-usdk-go/3.0"},
				}, Body: body},
			Response: vcr.Response{Code: 200, Headers: http.Header{"Content-Type": {"application/json;charset=UTF-8"}, "X-Request-Id": {"5e1f0c3a9b2d4e6f8a7c1b0d3e5f7a9c"}, "Date": {"Thu, 01 Jan 2026 00:00:00 GMT"}},
				Body: `{"result":"48c66c6002964721be537cdc6ce0297b","error":null,"status":"success"}`},
		}
		p.Interaction(i)
	}
}

// BenchmarkInteractionPlain redacts an update without param_config, signed with a
// token: the common case.
func BenchmarkInteractionPlain(b *testing.B) {
	p := redact.Default()
	b.ReportAllocs()
	for b.Loop() {
		i := &vcr.Interaction{
			Request: vcr.Request{Method: http.MethodPost, URL: "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update",
				Headers: http.Header{"X-Auth-Token": {"MIIPhQYJKoZIhvcNAQcCoIIPdjCCD3ICAQExDTALBglghkgBZQMEAgEwgg2XBgkqhkiG9w0B"}, "Content-Type": {"application/json"}, "User-Agent": {"Go-http-client/1.1"}},
				Body:    `{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess","buildJobFail"]}` + "\n"},
			Response: vcr.Response{Code: 200, Headers: http.Header{"Content-Type": {"application/json;charset=UTF-8"}, "X-Request-Id": {"5e1f0c3a9b2d4e6f8a7c1b0d3e5f7a9c"}},
				Body: `{"result":"48c66c6002964721be537cdc6ce0297b","error":null,"status":"success"}`},
		}
		p.Interaction(i)
	}
}

// BenchmarkInteractionIAMToken redacts an update signed with an IAM token of the
// size IAM issues (several KiB of base64, '+', '/' and '=' among them), which the
// request repeats nowhere else: its encodings are what the scrubber looks for.
func BenchmarkInteractionIAMToken(b *testing.B) {
	p := redact.Default()
	token := "MIIZ" + strings.Repeat("kQYJKoZIhvcNAQcCoIIPdjCC+D3ICAQExDTALBglghkgBZQMEAgEwgg2XBgkqhkiG9w0B/", 80) + "=="
	b.ReportAllocs()
	for b.Loop() {
		i := &vcr.Interaction{
			Request: vcr.Request{Method: http.MethodPost, URL: "https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update",
				Headers: http.Header{"X-Auth-Token": {token}, "Content-Type": {"application/json"}, "User-Agent": {"Go-http-client/1.1"}},
				Body:    `{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess","buildJobFail"]}` + "\n"},
			Response: vcr.Response{Code: 200, Headers: http.Header{"Content-Type": {"application/json;charset=UTF-8"}, "X-Request-Id": {"5e1f0c3a9b2d4e6f8a7c1b0d3e5f7a9c"}},
				Body: `{"result":"48c66c6002964721be537cdc6ce0297b","error":null,"status":"success"}`},
		}
		p.Interaction(i)
	}
}
