package replay_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	codeartsbuild "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/codeartsbuild/v3"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/codeartsbuild/v3/model"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/replay"
	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/fixtures/mock"
	"github.com/noticeconf/noticeconf/internal/aksk"
	"github.com/noticeconf/noticeconf/internal/sdkclient"
)

// outcome is what one SDK call gave its caller.
type outcome struct {
	resp *model.UpdateNoticeResponse
	err  *sdkerr.ServiceResponseError
}

func updateNotice(c *codeartsbuild.CodeArtsBuildClient, job, noticeType string) outcome {
	GinkgoHelper()
	resp, err := c.UpdateNotice(&model.UpdateNoticeRequest{JobId: job, Body: &model.UpdateNoticeRequestBody{
		NoticeType: noticeType, EnabledEventTypeNames: []string{"buildJobSuccess", "buildJobFail"},
	}})
	if err == nil {
		return outcome{resp: resp}
	}
	var se *sdkerr.ServiceResponseError
	Expect(errors.As(err, &se)).To(BeTrue(), "an error the service answered, got %v", err)
	return outcome{err: se}
}

var _ = Describe("replaying the official SDK's UpdateNotice", Label("sdk"), func() {
	var (
		dir     string
		profile mock.Profile
		mockURL string
	)
	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		cfg, err := mock.DefaultConfig()
		Expect(err).NotTo(HaveOccurred())
		cfg.ResultStyle = mock.ResultString // the form the SDK decodes
		m, err := mock.New(cfg)
		Expect(err).NotTo(HaveOccurred())
		srv := httptest.NewServer(m)
		DeferCleanup(srv.Close)
		mockURL = srv.URL
		profile, err = mock.DefaultProfile()
		Expect(err).NotTo(HaveOccurred())
	})

	// The replay server MUST give a client what the live API gave it (issue 4).
	It("gets what it got live from the reference mock, with a token and with AK/SK", func() {
		proxyURL := recordingProxy(mockURL, filepath.Join(dir, "sdk.yaml"))
		tokenLive, err := sdkclient.New(sdkclient.Options{Endpoint: proxyURL, Token: profile.Tokens[0]})
		Expect(err).NotTo(HaveOccurred())
		akskLive, err := sdkclient.New(sdkclient.Options{Endpoint: proxyURL, AK: profile.Credentials[0].AK, SK: profile.Credentials[0].SK})
		Expect(err).NotTo(HaveOccurred())
		session := func(tok, ak *codeartsbuild.CodeArtsBuildClient) []outcome {
			return []outcome{
				updateNotice(tok, profile.JobIDs[0], "MAIL"),
				updateNotice(tok, "00000000000000000000000000000000", "MAIL"), // 404
				updateNotice(ak, profile.JobIDs[1], "WECOM"),
				updateNotice(tok, profile.JobIDs[0], "MAIL"), // a repeat: its own recorded answer
			}
		}
		live := session(tokenLive, akskLive)
		Expect(live[0].resp).NotTo(BeNil())
		Expect(live[1].err).NotTo(BeNil())
		Expect(live[1].err.StatusCode).To(Equal(http.StatusNotFound))
		Expect(live[2].resp).NotTo(BeNil())

		srv, err := replay.NewServer(dir)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		// Other credential values than the recording's: only their kind matters.
		tokenReplay, err := sdkclient.New(sdkclient.Options{Endpoint: srv.URL, Token: "another-token"})
		Expect(err).NotTo(HaveOccurred())
		akskReplay, err := sdkclient.New(sdkclient.Options{Endpoint: srv.URL, AK: "ANOTHERAK", SK: "another-sk"})
		Expect(err).NotTo(HaveOccurred())
		replayed := session(tokenReplay, akskReplay)
		for i := range live {
			Expect(replayed[i]).To(Equal(live[i]), "call %d", i)
		}
		// The recorded X-Request-Id comes back: the two identical calls differ in it.
		Expect(replayed[0].resp.String()).To(Equal(live[0].resp.String()))
		Expect(live[1].err.RequestId).NotTo(BeEmpty())
	})

	It("gets a readable error naming the difference when its request was never recorded", func() {
		f := file("c.yaml", rec{method: "POST", url: contract.UpdatePathFor(profile.JobIDs[0]), auth: cassette.AuthToken,
			body: "{\"notice_type\":\"MAIL\",\"enabled_event_type_names\":[\"buildJobSuccess\",\"buildJobFail\"]}\n", code: 200, answer: okAnswer})
		h := newHandler(f)
		srv, err := replay.Start(h)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		c, err := sdkclient.New(sdkclient.Options{Endpoint: srv.URL, Token: "t"})
		Expect(err).NotTo(HaveOccurred())
		Expect(updateNotice(c, profile.JobIDs[0], "MAIL").resp).NotTo(BeNil())
		got := updateNotice(c, profile.JobIDs[0], "FEISHU")
		Expect(got.err.StatusCode).To(Equal(replay.NoMatchStatus))
		Expect(got.err.ErrorCode).To(Equal(replay.NoMatchCode))
		Expect(got.err.ErrorMessage).To(ContainSubstring(`body $.notice_type: recorded "MAIL", received "FEISHU"`))
	})
})

// exchange is one request of a round-trip session and what came back live.
type exchange struct {
	method, path, body string
	header             http.Header
	sign               bool
	status             int
	respHeader         http.Header
	respBody           []byte
}

var _ = Describe("round trip: record a session against the reference mock through the recording proxy, then replay it", func() {
	// Every recorded interaction MUST answer byte-identical (status, headers, body).
	It("answers every interaction as it was recorded", func() {
		cfg, err := mock.DefaultConfig()
		Expect(err).NotTo(HaveOccurred())
		m, err := mock.New(cfg)
		Expect(err).NotTo(HaveOccurred())
		mockSrv := httptest.NewServer(m)
		DeferCleanup(mockSrv.Close)
		token := http.Header{"X-Auth-Token": {cfg.Tokens[0]}, "Content-Type": {"application/json"}}
		good := "{\"notice_type\":\"MAIL\",\"enabled_event_type_names\":[\"buildJobSuccess\"]}\n"
		session := []*exchange{
			{method: "POST", path: contract.UpdatePathFor(cfg.JobIDs[0]), body: good, header: token},
			{method: "POST", path: contract.UpdatePathFor(cfg.JobIDs[0]), body: good, header: token},
			{method: "POST", path: contract.UpdatePathFor(cfg.JobIDs[0]), body: good, header: http.Header{"Content-Type": {"application/json"}}},
			{method: "POST", path: contract.UpdatePathFor(cfg.JobIDs[0]), body: `{"notice_type":1}`, header: token},
			{method: "POST", path: contract.UpdatePathFor("not-a-job"), body: good, header: token},
			{method: "POST", path: contract.UpdatePathFor(cfg.JobIDs[1]), body: good, header: http.Header{"Content-Type": {"application/json"}}, sign: true},
			{method: "POST", path: contract.UpdatePathFor(cfg.JobIDs[1]), body: good, header: http.Header{"X-Auth-Token": {cfg.Tokens[0]}, "Prefer": {"code=500"}}},
			{method: "GET", path: contract.QueryPathFor(cfg.JobIDs[0]), header: token},
			{method: "GET", path: "/v3/unknown", header: token},
		}
		dir := GinkgoT().TempDir()
		proxyURL := recordingProxy(mockSrv.URL, filepath.Join(dir, "session.yaml"))
		send := func(base string, rt http.RoundTripper, x *exchange) (*http.Response, []byte) {
			GinkgoHelper()
			req, err := http.NewRequestWithContext(context.Background(), x.method, base+x.path, bytes.NewReader([]byte(x.body)))
			Expect(err).NotTo(HaveOccurred())
			req.Header = x.header.Clone()
			if x.sign {
				Expect(aksk.Sign(req, []byte(x.body), aksk.Credential(cfg.Credentials[0]))).To(Succeed())
			}
			resp, err := (&http.Client{Transport: rt}).Do(req)
			Expect(err).NotTo(HaveOccurred())
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			Expect(err).NotTo(HaveOccurred())
			return resp, b
		}
		for _, x := range session {
			resp, b := send(proxyURL, http.DefaultTransport, x)
			x.status, x.respHeader, x.respBody = resp.StatusCode, resp.Header, b
		}
		raw, err := os.ReadFile(filepath.Join(dir, "session.yaml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(raw)).NotTo(ContainSubstring(cfg.Tokens[0]))

		srv, err := replay.NewServer(filepath.Join(dir, "session.yaml"))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		Expect(srv.Handler.Len()).To(Equal(len(session)))
		for i, x := range session {
			resp, b := send(srv.URL, http.DefaultTransport, x)
			Expect(resp.StatusCode).To(Equal(x.status), "interaction %d", i)
			Expect(b).To(Equal(x.respBody), "interaction %d", i)
			Expect(resp.Header).To(Equal(x.respHeader), "interaction %d", i)
		}
		Expect(session[0].respHeader.Get("X-Request-Id")).NotTo(Equal(session[1].respHeader.Get("X-Request-Id")))
	})
})
