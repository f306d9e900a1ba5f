package mock_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"

	"github.com/noticeconf/noticeconf/internal/contract"
	"github.com/noticeconf/noticeconf/internal/mock"
)

// FuzzMockUpdate sends arbitrary bodies, job ids and content types to the update
// endpoint. Whatever arrives, the mock must answer a status the contract knows, never
// a 500 (no fault was asked for), with a JSON body that validates against the
// OpenAPI document.
func FuzzMockUpdate(f *testing.F) {
	f.Add([]byte(`{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"]}`), "48c66c6002964721be537cdc6ce0297b", "application/json")
	f.Add([]byte(`{"notice_type":"MAIL","enabled_event_type_names":null}`+"\n"), "48c66c6002964721be537cdc6ce0297b", "application/json;charset=UTF-8")
	f.Add([]byte(`{"notice_type":`), "abc", "")
	f.Add([]byte(`[1,2,{"a":[]}]`), "0123456789abcdef0123456789abcdef", "text/plain")
	f.Add([]byte("\xff\xfe"), "48c66c6002964721be537cdc6ce0297b", "application/json")

	cfg, err := mock.DefaultConfig()
	if err != nil {
		f.Fatal(err)
	}
	m, err := mock.New(cfg)
	if err != nil {
		f.Fatal(err)
	}
	c, err := contract.Load()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, jobID, contentType string) {
		path := contract.NoticePrefix + url.PathEscape(jobID) + "/update"
		r := httptest.NewRequest(http.MethodPost, "http://mock"+path, bytes.NewReader(body))
		r.Header.Set(contract.HeaderAuthToken, cfg.Tokens[0])
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		w := httptest.NewRecorder()
		m.ServeHTTP(w, r)
		res := w.Result()
		got, _ := io.ReadAll(res.Body)
		if !slices.Contains(contract.Statuses(), res.StatusCode) || res.StatusCode == http.StatusInternalServerError {
			t.Fatalf("status %d for body %q job %q: %s", res.StatusCode, body, jobID, got)
		}
		if !json.Valid(got) {
			t.Fatalf("answer is not JSON: %q", got)
		}
		if _, _, err := c.Route(r); err != nil {
			return // APIGW.0101: no operation to validate against
		}
		probe := httptest.NewRequest(http.MethodPost, "http://mock"+path, nil)
		if err := c.ValidateResponse(probe.Context(), probe, res.StatusCode, res.Header, got); err != nil {
			t.Fatalf("answer breaks the contract: %v", err)
		}
	})
}
