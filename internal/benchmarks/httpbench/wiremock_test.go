package httpbench

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

func interaction(method, url, body string, code int, respHeaders http.Header, respBody string) cassette.Interaction {
	return cassette.Interaction{Interaction: vcr.Interaction{
		Request:  vcr.Request{Method: method, URL: url, Body: body},
		Response: vcr.Response{Code: code, Headers: respHeaders, Body: respBody},
	}, Line: 1}
}

func TestToWireMock(t *testing.T) {
	f := &cassette.File{Path: "c.yaml", Interactions: []cassette.Interaction{
		interaction(http.MethodPost, "https://api.example.com/v3/jobs/notice/abc/update?b=2&a=1", `{"x":1,"y":[true]}`+"\n", 200,
			http.Header{"Content-Type": {"application/json"}, "Set-Cookie": {"a=1", "b=2"}, "Content-Length": {"9"}, "Transfer-Encoding": {"chunked"}},
			`{"ok":true}`),
		interaction(http.MethodPost, "https://api.example.com/form", "a=1&b=2", 201, nil, ""),
		interaction(http.MethodGet, "https://api.example.com/v3/jobs/notice/abc/query", "", 404, nil, "gone"),
		// The first one again, keys in another order: the same to equalToJson.
		interaction(http.MethodPost, "https://api.example.com/v3/jobs/notice/abc/update?b=2&a=1", `{"y":[true], "x":1}`, 500, nil, "later"),
	}}
	stubs, skipped, err := ToWireMock(f)
	if err != nil {
		t.Fatal(err)
	}
	if skipped != 1 || len(stubs.Mappings) != 3 {
		t.Fatalf("ToWireMock: %d mapping(s), %d skipped; want 3 and the repeated request skipped", len(stubs.Mappings), skipped)
	}
	b, err := stubs.Encode()
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Mappings []map[string]any `json:"mappings"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("Encode wrote no JSON: %v\n%s", err, b)
	}
	want := []map[string]any{
		{
			"request": map[string]any{"method": "POST", "url": "/v3/jobs/notice/abc/update?b=2&a=1",
				"bodyPatterns": []any{map[string]any{"equalToJson": `{"x":1,"y":[true]}` + "\n"}}},
			"response": map[string]any{"status": 200.0, "body": `{"ok":true}`,
				"headers": map[string]any{"Content-Type": "application/json", "Set-Cookie": []any{"a=1", "b=2"}}},
		},
		{
			"request":  map[string]any{"method": "POST", "url": "/form", "bodyPatterns": []any{map[string]any{"equalTo": "a=1&b=2"}}},
			"response": map[string]any{"status": 201.0},
		},
		{
			"request":  map[string]any{"method": "GET", "url": "/v3/jobs/notice/abc/query"},
			"response": map[string]any{"status": 404.0, "body": "gone"},
		},
	}
	if !reflect.DeepEqual(got.Mappings, want) {
		t.Errorf("ToWireMock mappings:\n%s\nwant:\n%v", b, want)
	}
}

func TestToWireMockBadURL(t *testing.T) {
	f := &cassette.File{Path: "c.yaml", Interactions: []cassette.Interaction{
		interaction(http.MethodGet, "http://[::1", "", 200, nil, ""),
	}}
	if _, _, err := ToWireMock(f); err == nil {
		t.Fatal("ToWireMock accepted an interaction whose URL does not parse")
	}
}
