package mock_test

import (
	"errors"
	"net/http/httptest"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/codeartsbuild/v3/model"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/internal/mock"
	"github.com/noticeconf/noticeconf/internal/sdkclient"
)

var _ = Describe("the official Huawei Go SDK against the reference mock", Label("sdk"), func() {
	var (
		srv *httptest.Server
		cfg mock.Config
	)

	BeforeEach(func() {
		var err error
		cfg, err = mock.DefaultConfig()
		Expect(err).NotTo(HaveOccurred())
		cfg.ResultStyle = mock.ResultString
	})

	JustBeforeEach(func() {
		m, err := mock.New(cfg)
		Expect(err).NotTo(HaveOccurred())
		srv = httptest.NewServer(m)
		DeferCleanup(srv.Close)
	})

	body := func(events []string) *model.UpdateNoticeRequestBody {
		return &model.UpdateNoticeRequestBody{NoticeType: "MAIL", EnabledEventTypeNames: events}
	}
	akskClient := func(sk string) *sdkclient.Options {
		return &sdkclient.Options{Endpoint: srv.URL, AK: cfg.Credentials[0].AK, SK: sk}
	}
	call := func(o *sdkclient.Options, id string, b *model.UpdateNoticeRequestBody) (*model.UpdateNoticeResponse, error) {
		c, err := sdkclient.New(*o)
		ExpectWithOffset(1, err).NotTo(HaveOccurred())
		return c.UpdateNotice(&model.UpdateNoticeRequest{JobId: id, Body: b})
	}
	serviceError := func(err error) *sdkerr.ServiceResponseError {
		var se *sdkerr.ServiceResponseError
		ExpectWithOffset(1, errors.As(err, &se)).To(BeTrue(), "error %v (%T)", err, err)
		return se
	}

	It("UpdateNotice succeeds with AK/SK and decodes the string result", func() {
		resp, err := call(akskClient(cfg.Credentials[0].SK), jobID, body([]string{"buildJobSuccess"}))
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.HttpStatusCode).To(Equal(200))
		Expect(resp.Result).To(HaveValue(Equal(jobID)))
		Expect(resp.Status).To(HaveValue(Equal("success")))
		Expect(resp.Error).To(BeNil())
	})

	It("UpdateNotice succeeds with a token credential", func() {
		resp, err := call(&sdkclient.Options{Endpoint: srv.URL, Token: cfg.Tokens[0]}, jobID, body([]string{"deleteJob"}))
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Status).To(HaveValue(Equal("success")))
	})

	It("gets a ServiceResponseError 400 CB.00060200 for the nil list it sends as null", func() {
		_, err := call(akskClient(cfg.Credentials[0].SK), jobID, body(nil))
		se := serviceError(err)
		Expect(se.StatusCode).To(Equal(400))
		Expect(se.ErrorCode).To(Equal("CB.00060200"))
		Expect(se.RequestId).To(MatchRegexp(hex32.String()))
	})

	It("gets a ServiceResponseError 401 APIGW.0301 for a wrong secret key", func() {
		_, err := call(akskClient("wrong-secret"), jobID, body([]string{"deleteJob"}))
		se := serviceError(err)
		Expect(se.StatusCode).To(Equal(401))
		Expect(se.ErrorCode).To(Equal("APIGW.0301"))
		Expect(se.ErrorMessage).To(ContainSubstring("verify aksk signature fail"))
	})

	It("gets a ServiceResponseError 404 CB.00060214 for a job that does not exist", func() {
		_, err := call(akskClient(cfg.Credentials[0].SK), unknownID, body([]string{"deleteJob"}))
		Expect(serviceError(err).ErrorCode).To(Equal("CB.00060214"))
	})

	It("reads back the update with ListNotice", func() {
		_, err := call(akskClient(cfg.Credentials[0].SK), jobID, body([]string{"buildJobFail"}))
		Expect(err).NotTo(HaveOccurred())
		c, err := sdkclient.New(*akskClient(cfg.Credentials[0].SK))
		Expect(err).NotTo(HaveOccurred())
		list, err := c.ListNotice(&model.ListNoticeRequest{JobId: jobID})
		Expect(err).NotTo(HaveOccurred())
		Expect(list.Result).NotTo(BeNil())
		Expect(*list.Result).To(HaveLen(1))
		Expect((*list.Result)[0].EnableMap).To(HaveKeyWithValue("buildJobFail", true))
	})

	Context("with the vendor page's object form of result", func() {
		BeforeEach(func() { cfg.ResultStyle = mock.ResultObject })

		It("cannot be decoded by the SDK, which reports a 200 whose result is not a string", func() {
			_, err := call(akskClient(cfg.Credentials[0].SK), jobID, body([]string{"deleteJob"}))
			se := serviceError(err)
			Expect(se.StatusCode).To(Equal(200))
			Expect(se.ErrorCode).To(BeEmpty())
			Expect(se.ErrorMessage).To(ContainSubstring("UpdateNoticeResponse.Result: ReadString"))
		})
	})
})
