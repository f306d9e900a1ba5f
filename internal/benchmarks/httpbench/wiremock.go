package httpbench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

// WireMockStubs is a WireMock stub mappings file: WireMock reads every *.json file
// under its root directory's mappings/ folder, and a file may hold many mappings.
type WireMockStubs struct {
	Mappings []WireMockMapping `json:"mappings"`
}

// WireMockMapping is one WireMock stub: a request pattern and the answer to it.
type WireMockMapping struct {
	Request  WireMockRequest  `json:"request"`
	Response WireMockResponse `json:"response"`
}

// WireMockRequest matches the method, the path with its query (WireMock's "url",
// equal as a string) and the body: JSON bodies with equalToJson (key order and
// whitespace ignored, as noticeconf's replay does), other bodies with equalTo.
type WireMockRequest struct {
	Method       string           `json:"method"`
	URL          string           `json:"url"`
	BodyPatterns []map[string]any `json:"bodyPatterns,omitempty"`
}

// WireMockResponse is the recorded answer: status, headers (a list when a header has
// several values) and body.
type WireMockResponse struct {
	Status  int            `json:"status"`
	Headers map[string]any `json:"headers,omitempty"`
	Body    string         `json:"body,omitempty"`
}

// ToWireMock converts the interactions of files to WireMock stub mappings that serve
// the same answers to the same requests. WireMock answers a repeated request always
// the same way (a sequence needs its scenarios), so of interactions with the same
// method, URL and body only the first is converted; skipped counts the others.
// Content-Length and Transfer-Encoding are left to WireMock.
func ToWireMock(files ...*cassette.File) (stubs WireMockStubs, skipped int, err error) {
	stubs.Mappings = []WireMockMapping{}
	seen := map[string]bool{}
	for _, f := range files {
		for _, it := range f.Interactions {
			u, err := url.Parse(it.Request.URL)
			if err != nil {
				return WireMockStubs{}, 0, fmt.Errorf("%s:%d: request URL %q: %w", f.Path, it.Line, it.Request.URL, err)
			}
			m := WireMockMapping{
				Request:  WireMockRequest{Method: it.Request.Method, URL: u.RequestURI()},
				Response: WireMockResponse{Status: it.Response.Code, Body: it.Response.Body},
			}
			body := it.Request.Body
			switch {
			case body == "":
			case json.Valid([]byte(body)):
				m.Request.BodyPatterns = []map[string]any{{"equalToJson": body}}
				body = canonicalJSON(body)
			default:
				m.Request.BodyPatterns = []map[string]any{{"equalTo": body}}
			}
			key := m.Request.Method + " " + m.Request.URL + "\n" + body
			if seen[key] {
				skipped++
				continue
			}
			seen[key] = true
			for _, k := range slices.Sorted(maps.Keys(it.Response.Headers)) {
				if k == "Content-Length" || k == "Transfer-Encoding" {
					continue
				}
				vs := it.Response.Headers[k]
				if m.Response.Headers == nil {
					m.Response.Headers = map[string]any{}
				}
				if len(vs) == 1 {
					m.Response.Headers[k] = vs[0]
				} else {
					m.Response.Headers[k] = slices.Clone(vs)
				}
			}
			stubs.Mappings = append(stubs.Mappings, m)
		}
	}
	return stubs, skipped, nil
}

// canonicalJSON re-encodes a valid JSON text with object keys sorted and no
// whitespace, so that two bodies equalToJson takes for the same are the same string.
func canonicalJSON(s string) string {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return s
	}
	return string(b)
}

// Encode returns the stubs as WireMock's JSON.
func (s WireMockStubs) Encode() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("encode WireMock mappings: %w", err)
	}
	return b.Bytes(), nil
}
