package mock_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/internal/aksk"
	"github.com/noticeconf/noticeconf/internal/contract"
	"github.com/noticeconf/noticeconf/internal/mock"
)

const (
	token     = "noticeconf-demo-token"
	forbidden = "noticeconf-forbidden-token"
	jobID     = "48c66c6002964721be537cdc6ce0297b"
	unknownID = "0123456789abcdef0123456789abcdef"
	validBody = `{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess","buildJobFail"]}`
)

// answer is a response read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json() map[string]any {
	var m map[string]any
	ExpectWithOffset(1, json.Unmarshal(a.body, &m)).To(Succeed(), "body %s", a.body)
	return m
}

func do(r *http.Request) answer {
	resp, err := http.DefaultClient.Do(r)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return answer{resp.StatusCode, resp.Header, b}
}

func newRequest(method, url, body string, headers ...string) *http.Request {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r, err := http.NewRequest(method, url, rd)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	return r
}

var hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

var _ = Describe("the reference mock", func() {
	var (
		srv  *httptest.Server
		cfg  mock.Config
		cred aksk.Credential
	)

	BeforeEach(func() {
		var err error
		cfg, err = mock.DefaultConfig()
		Expect(err).NotTo(HaveOccurred())
		cred = cfg.Credentials[0]
	})

	JustBeforeEach(func() {
		m, err := mock.New(cfg)
		Expect(err).NotTo(HaveOccurred())
		srv = httptest.NewServer(m)
		DeferCleanup(srv.Close)
	})

	update := func(id, body string, headers ...string) *http.Request {
		h := append([]string{"Content-Type", "application/json"}, headers...)
		return newRequest(http.MethodPost, srv.URL+contract.UpdatePathFor(id), body, h...)
	}
	signed := func(r *http.Request, body string, c aksk.Credential) *http.Request {
		ExpectWithOffset(1, aksk.Sign(r, []byte(body), c)).To(Succeed())
		return r
	}

	// Each case of the contract's error table, and the request that provokes it.
	triggers := map[contract.ErrorCase]func() *http.Request{
		contract.MissingCredentials: func() *http.Request { return update(jobID, validBody) },
		contract.InvalidToken:       func() *http.Request { return update(jobID, validBody, contract.HeaderAuthToken, "not-a-token") },
		contract.BadSignature: func() *http.Request {
			return signed(update(jobID, validBody), validBody, aksk.Credential{AK: cred.AK, SK: "wrong-secret"})
		},
		contract.Forbidden:        func() *http.Request { return update(jobID, validBody, contract.HeaderAuthToken, forbidden) },
		contract.InvalidParameter: func() *http.Request { return update(jobID, `{"notice_type":"MAIL"}`, contract.HeaderAuthToken, token) },
		contract.InvalidJobID:     func() *http.Request { return update("abc", validBody, contract.HeaderAuthToken, token) },
		contract.JobNotFound:      func() *http.Request { return update(unknownID, validBody, contract.HeaderAuthToken, token) },
		contract.InternalError: func() *http.Request {
			return update(jobID, validBody, contract.HeaderAuthToken, token, contract.HeaderPrefer, "code=500")
		},
		contract.Throttled: func() *http.Request {
			return update(jobID, validBody, contract.HeaderAuthToken, token, contract.HeaderPrefer, "code=429")
		},
		contract.UnknownAPI: func() *http.Request {
			return newRequest(http.MethodGet, srv.URL+"/v3/jobs/other", "", contract.HeaderAuthToken, token)
		},
		contract.TooLarge: func() *http.Request {
			big := `{"notice_type":"` + strings.Repeat("x", mock.DefaultMaxBodyBytes) + `","enabled_event_type_names":[]}`
			return update(jobID, big, contract.HeaderAuthToken, token)
		},
	}

	Describe("the error table", func() {
		It("has a trigger for every row", func() {
			for _, e := range contract.Errors() {
				Expect(triggers).To(HaveKey(e.Case))
			}
		})

		for _, e := range contract.Errors() {
			It("answers "+string(e.Case)+" with its status, code, message and body shape", func() {
				a := do(triggers[e.Case]())
				Expect(a.status).To(Equal(e.Status), "body %s", a.body)
				Expect(a.header.Get("Content-Type")).To(Equal(contract.ContentType))
				Expect(a.header.Get(contract.HeaderRequestID)).To(MatchRegexp(hex32.String()))
				body := a.json()
				Expect(body).To(HaveKeyWithValue("error_code", e.Code))
				Expect(body["error_msg"]).To(HavePrefix(strings.TrimSuffix(e.Message, ".")))
				if e.Gateway {
					Expect(body).To(HaveKeyWithValue("request_id", a.header.Get(contract.HeaderRequestID)))
				} else {
					Expect(body).NotTo(HaveKey("request_id"))
				}
			})
		}
	})

	Describe("request validation", func() {
		DescribeTable("answers 400 CB.00060200 naming the field",
			func(body, field string) {
				a := do(update(jobID, body, contract.HeaderAuthToken, token))
				Expect(a.status).To(Equal(http.StatusBadRequest))
				Expect(a.json()).To(HaveKeyWithValue("error_code", "CB.00060200"))
				Expect(a.json()["error_msg"]).To(ContainSubstring(field))
			},
			Entry("malformed JSON", `{"notice_type":`, "not valid JSON"),
			Entry("an empty body", "", "body"),
			Entry("a JSON array", `[]`, "object"),
			Entry("notice_type missing", `{"enabled_event_type_names":[]}`, "notice_type"),
			Entry("enabled_event_type_names missing", `{"notice_type":"MAIL"}`, "enabled_event_type_names"),
			Entry("a number for notice_type", `{"notice_type":7,"enabled_event_type_names":[]}`, "notice_type"),
			Entry("a string for the array", `{"notice_type":"MAIL","enabled_event_type_names":"buildJobFail"}`, "enabled_event_type_names"),
			Entry("a non-string element", `{"notice_type":"MAIL","enabled_event_type_names":[true]}`, "enabled_event_type_names/0"),
			Entry("null for the array, as the SDK sends a nil list", `{"notice_type":"MAIL","enabled_event_type_names":null}`, "enabled_event_type_names"),
			Entry("an object for param_config", `{"notice_type":"MAIL","enabled_event_type_names":[],"param_config":{}}`, "param_config"),
			Entry("a number for send_switch", `{"notice_type":"MAIL","enabled_event_type_names":[],"send_switch":1}`, "send_switch"),
		)

		DescribeTable("answers 400 CB.00060201 for a malformed job_id",
			func(id string) {
				a := do(update(id, validBody, contract.HeaderAuthToken, token))
				Expect(a.status).To(Equal(http.StatusBadRequest))
				Expect(a.json()).To(HaveKeyWithValue("error_code", "CB.00060201"))
			},
			Entry("too short", jobID[:31]),
			Entry("too long", jobID+"a"),
			Entry("not alphanumeric", jobID[:31]+"-"),
			Entry("upper case", strings.ToUpper(jobID)),
		)

		It("checks credentials before the body", func() {
			a := do(update(jobID, `{`))
			Expect(a.status).To(Equal(http.StatusUnauthorized))
		})
	})

	Describe("success", func() {
		It("answers 200 with the vendor's envelope for a token", func() {
			a := do(update(jobID, validBody, contract.HeaderAuthToken, token))
			Expect(a.status).To(Equal(http.StatusOK))
			Expect(a.header.Get("Content-Type")).To(Equal(contract.ContentType))
			Expect(a.header.Get(contract.HeaderRequestID)).To(MatchRegexp(hex32.String()))
			Expect(a.body).To(MatchJSON(`{"result":{"job_id":"` + jobID + `"},"error":null,"status":"success"}`))
		})

		It("answers 200 for a request signed with AK/SK by the SDK's signer", func() {
			a := do(signed(update(jobID, validBody), validBody, cred))
			Expect(a.status).To(Equal(http.StatusOK), "body %s", a.body)
		})

		It("refuses a signature whose body was changed after signing", func() {
			r := signed(update(jobID, validBody), validBody, cred)
			other := `{"notice_type":"MAIL","enabled_event_type_names":[]}`
			r.Body = io.NopCloser(strings.NewReader(other))
			r.ContentLength = int64(len(other))
			a := do(r)
			Expect(a.status).To(Equal(http.StatusUnauthorized))
			Expect(a.json()["error_msg"]).To(ContainSubstring("verify aksk signature fail"))
		})

		It("accepts the SDK's wire habits: trailing newline, no charset, gzip accepted", func() {
			a := do(update(jobID, validBody+"\n", contract.HeaderAuthToken, token, "Accept-Encoding", "gzip"))
			Expect(a.status).To(Equal(http.StatusOK))
		})

		It("accepts a body without Content-Type as JSON", func() {
			r := newRequest(http.MethodPost, srv.URL+contract.UpdatePathFor(jobID), validBody, contract.HeaderAuthToken, token)
			Expect(do(r).status).To(Equal(http.StatusOK))
		})

		It("accepts a boolean send_switch as one vendor example sends it", func() {
			body := `{"notice_type":"MAIL","enabled_event_type_names":[],"send_switch":true}`
			Expect(do(update(jobID, body, contract.HeaderAuthToken, token)).status).To(Equal(http.StatusOK))
		})

		Context("with --result-style string", func() {
			BeforeEach(func() { cfg.ResultStyle = mock.ResultString })
			It("answers result as the job id string", func() {
				a := do(update(jobID, validBody, contract.HeaderAuthToken, token))
				Expect(a.body).To(MatchJSON(`{"result":"` + jobID + `","error":null,"status":"success"}`))
			})
		})

		Context("with --result-style null", func() {
			BeforeEach(func() { cfg.ResultStyle = mock.ResultNull })
			It("answers result as null", func() {
				a := do(update(jobID, validBody, contract.HeaderAuthToken, token))
				Expect(a.body).To(MatchJSON(`{"result":null,"error":null,"status":"success"}`))
			})
		})

		It("refuses an unknown result style", func() {
			c := cfg
			c.ResultStyle = "list"
			_, err := mock.New(c)
			Expect(err).To(MatchError(ContainSubstring("list")))
		})

		It("refuses a configured job id the contract would call malformed", func() {
			c := cfg
			c.JobIDs = []string{"short"}
			_, err := mock.New(c)
			Expect(err).To(MatchError(ContainSubstring("short")))
		})
	})

	Describe("state", func() {
		It("shows each update in the read-back query in the vendor's enable_map shape", func() {
			Expect(do(update(jobID, validBody, contract.HeaderAuthToken, token)).status).To(Equal(200))
			wecom := `{"notice_type":"WECOM","enabled_event_type_names":["deleteJob"],"param_config":"{\"url\":\"x\"}"}`
			Expect(do(update(jobID, wecom, contract.HeaderAuthToken, token)).status).To(Equal(200))

			a := do(newRequest(http.MethodGet, srv.URL+contract.QueryPathFor(jobID), "", contract.HeaderAuthToken, token))
			Expect(a.status).To(Equal(http.StatusOK))
			Expect(a.body).To(MatchJSON(`{"result":[
				{"notice_type":"MAIL","enable_map":{"buildJobSuccess":true,"buildJobFail":true,"updateConfigJob":false,"deleteJob":false,"forbiddenJob":false},"param_config":null},
				{"notice_type":"WECOM","enable_map":{"buildJobSuccess":false,"buildJobFail":false,"updateConfigJob":false,"deleteJob":true,"forbiddenJob":false},"param_config":"{\"url\":\"x\"}"}
			],"error":null,"status":"success"}`))

			c, err := contract.Load()
			Expect(err).NotTo(HaveOccurred())
			req := newRequest(http.MethodGet, srv.URL+contract.QueryPathFor(jobID), "")
			Expect(c.ValidateResponse(req.Context(), req, a.status, a.header, a.body)).To(Succeed())
		})

		It("keeps the last update of a notice type", func() {
			do(update(jobID, validBody, contract.HeaderAuthToken, token))
			do(update(jobID, `{"notice_type":"MAIL","enabled_event_type_names":[]}`, contract.HeaderAuthToken, token))
			a := do(newRequest(http.MethodGet, srv.URL+contract.QueryPathFor(jobID), "", contract.HeaderAuthToken, token))
			Expect(a.body).To(ContainSubstring(`"buildJobSuccess":false`))
		})

		It("serves concurrent updates without a race", func() {
			var wg sync.WaitGroup
			for i := range 50 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer GinkgoRecover()
					body := `{"notice_type":"T` + string(rune('A'+i%26)) + `","enabled_event_type_names":["deleteJob"]}`
					r, err := http.NewRequest(http.MethodPost, srv.URL+contract.UpdatePathFor(jobID), bytes.NewBufferString(body))
					Expect(err).NotTo(HaveOccurred())
					r.Header.Set(contract.HeaderAuthToken, token)
					resp, err := http.DefaultClient.Do(r)
					Expect(err).NotTo(HaveOccurred())
					_ = resp.Body.Close()
					Expect(resp.StatusCode).To(Equal(http.StatusOK))
				}()
			}
			wg.Wait()
			a := do(newRequest(http.MethodGet, srv.URL+contract.QueryPathFor(jobID), "", contract.HeaderAuthToken, token))
			var got struct{ Result []any }
			Expect(json.Unmarshal(a.body, &got)).To(Succeed())
			Expect(got.Result).To(HaveLen(26))
		})
	})

	Describe("every answer", func() {
		It("validates against the OpenAPI document", func() {
			c, err := contract.Load()
			Expect(err).NotTo(HaveOccurred())
			for _, e := range contract.Errors() {
				if e.Case == contract.UnknownAPI {
					continue // no operation to validate against
				}
				req := triggers[e.Case]()
				a := do(req)
				probe := newRequest(req.Method, req.URL.String(), "")
				Expect(c.ValidateResponse(probe.Context(), probe, a.status, a.header, a.body)).To(Succeed(), "case %s", e.Case)
			}
		})
	})
})
