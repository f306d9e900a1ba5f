package replay_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	. "github.com/onsi/gomega"
	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/replay"
)

const (
	jobID     = "db8467d972cc47f7a1bd2a3a3e77596a"
	otherJob  = "48c66c6002964721be537cdc6ce0297b"
	update    = "/v3/jobs/notice/" + jobID + "/update"
	mailBody  = "{\"notice_type\":\"MAIL\",\"enabled_event_type_names\":[\"buildJobSuccess\",\"buildJobFail\"]}\n"
	okAnswer  = `{"result":"db8467d972cc47f7a1bd2a3a3e77596a","error":null,"status":"success"}`
	akskValue = "SDK-HMAC-SHA256 Access=REDACTED, SignedHeaders=x-sdk-date, Signature=REDACTED"
)

// rec describes one recorded interaction for a test cassette.
type rec struct {
	method, url string
	auth        cassette.AuthKind
	body        string
	code        int
	header      http.Header
	answer      string
}

// file builds a loaded cassette in memory, as the loader would return it.
func file(path string, recs ...rec) *cassette.File {
	f := &cassette.File{Path: path, Version: cassette.FormatVersion}
	for i, r := range recs {
		h := http.Header{"Content-Type": {"application/json"}}
		switch r.auth {
		case cassette.AuthToken:
			h.Set("X-Auth-Token", cassette.Redacted)
		case cassette.AuthAKSK:
			h.Set("Authorization", akskValue)
			h.Set("X-Sdk-Date", "20261126T193942Z")
		}
		rh := r.header
		if rh == nil {
			rh = http.Header{"Content-Type": {"application/json;charset=UTF-8"}}
		}
		f.Interactions = append(f.Interactions, cassette.Interaction{
			Line: 4 + 20*i,
			Interaction: vcr.Interaction{
				ID:       i,
				Request:  vcr.Request{Method: r.method, URL: r.url, Headers: h, Body: r.body},
				Response: vcr.Response{Code: r.code, Headers: rh, Body: r.answer},
			},
		})
	}
	return f
}

// newHandler indexes files with default options.
func newHandler(files ...*cassette.File) *replay.Handler {
	h, err := replay.New(files, replay.Options{})
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return h
}

// request builds a request with the given kind of credentials (real-looking values).
func request(method, target string, auth cassette.AuthKind, body string) *http.Request {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, target, rd)
	r.Header.Set("Content-Type", "application/json")
	switch auth {
	case cassette.AuthToken:
		r.Header.Set("X-Auth-Token", "MIIlive-token-secret-value")
	case cassette.AuthAKSK:
		r.Header.Set("Authorization", "SDK-HMAC-SHA256 Access=LIVEAKSECRET0001, SignedHeaders=content-type;x-sdk-date, Signature=0123456789abcdef0123456789abcdef")
		r.Header.Set("X-Sdk-Date", "20261126T200000Z")
	}
	return r
}

// serve runs r through h in process.
func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// noMatch decodes a no-match answer, checking its status and header first.
func noMatch(w *httptest.ResponseRecorder) replay.NoMatchReport {
	ExpectWithOffset(1, w.Code).To(Equal(replay.NoMatchStatus), "body: %s", w.Body.String())
	ExpectWithOffset(1, w.Header().Get(replay.HeaderReplay)).To(Equal(replay.ReplayNoMatch))
	var rep replay.NoMatchReport
	dec := json.NewDecoder(bytes.NewReader(w.Body.Bytes()))
	dec.DisallowUnknownFields()
	ExpectWithOffset(1, dec.Decode(&rep)).To(Succeed())
	return rep
}

func str(s string) *string { return &s }
