package proxy_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/fixtures/contract"
	"github.com/noticeconf/noticeconf/internal/audit"
	"github.com/noticeconf/noticeconf/proxy"
)

// The fake secrets of the notice channels' webhooks.
const (
	dingToken  = "3c1f0a9e5b7d4c2f8e6a1b0d9c7e5f3a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e"
	dingSign   = "kF3xQ9mZ2pL7vB4nR8tY1wC6hJ5dG0sA3eU9iO2qWzE="
	dingSecret = "SEC7f3a9c1e5b2d8f4a6c0e9b3d7f1a5c8e2b6d0f4a9c3e7b1d5f8a2c6e0b4d9f3"
	wecomKey   = "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b"
	feishuHook = "0c7e5a3f-9b1d-4e2f-a6c8-d4b2f0e8c6a1"
	feishuSec  = "mQ4vT8xZ2kN6pR0sW3yB7cF1hJ5lD9gA"
)

// channels are the param_config values of the three webhook channels, as a client
// sends them.
func channels() map[string]string {
	enc := func(v map[string]string) string { b, _ := json.Marshal(v); return string(b) }
	return map[string]string{
		"DING_TALK": enc(map[string]string{"webhook": "https://oapi.dingtalk.com/robot/send?access_token=" + dingToken + "&timestamp=1764547200000&sign=" + strings.ReplaceAll(dingSign, "=", "%3D"), "secret": dingSecret}),
		"WECOM":     enc(map[string]string{"webhook": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?debug=1&key=" + wecomKey}),
		"FEISHU":    enc(map[string]string{"webhook": "https://open.feishu.cn/open-apis/bot/v2/hook/" + feishuHook, "secret": feishuSec}),
	}
}

var _ = Describe("Redaction of the notice channels' webhooks", func() {
	It("keeps DingTalk, WeCom and Feishu secrets out of the cassette, in the update body and in the read-back answer (with \\u0026)", func() {
		var stored []map[string]any
		upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if r.Method == http.MethodGet {
				// Go's encoding/json writes & as \u0026, as the live service's read-back may.
				_ = json.NewEncoder(w).Encode(map[string]any{"result": stored, "error": nil, "status": "success"})
				return
			}
			var u map[string]any
			b, _ := io.ReadAll(r.Body)
			Expect(json.Unmarshal(b, &u)).To(Succeed())
			stored = append(stored, map[string]any{"notice_type": u["notice_type"], "param_config": u["param_config"]})
			_, _ = io.WriteString(w, `{"result":"`+demoJob+`","error":null,"status":"success"}`)
		}))
		DeferCleanup(upstream.Close)
		p := startProxy(proxy.Config{Upstream: upstream.URL})
		client := plainClient()
		for _, typ := range []string{"DING_TALK", "WECOM", "FEISHU"} {
			body, err := json.Marshal(map[string]any{"notice_type": typ, "enabled_event_type_names": []string{"buildJobSuccess"}, "param_config": channels()[typ]})
			Expect(err).NotTo(HaveOccurred())
			if typ != "FEISHU" {
				Expect(string(body)).To(ContainSubstring(`\u0026`), "the official SDK's encoding of &")
			}
			req, err := http.NewRequest(http.MethodPost, p.URL+contract.UpdatePathFor(demoJob), strings.NewReader(string(body)))
			Expect(err).NotTo(HaveOccurred())
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Body.Close()).To(Succeed())
		}
		resp, err := client.Get(p.URL + "/v3/jobs/notice/" + demoJob + "/query")
		Expect(err).NotTo(HaveOccurred())
		live, err := io.ReadAll(resp.Body)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Body.Close()).To(Succeed())
		Expect(string(live)).To(ContainSubstring(wecomKey), "the live answer is not altered")

		c := p.load()
		file := readFile(p.cassette)
		for name, s := range map[string]string{"DingTalk access_token": dingToken, "DingTalk sign": strings.TrimSuffix(dingSign, "="),
			"DingTalk secret": dingSecret, "WeCom key": wecomKey, "Feishu hook token": feishuHook, "Feishu secret": feishuSec} {
			Expect(file).NotTo(ContainSubstring(s), "the cassette holds the %s", name)
		}
		By("keeping the shape: valid JSON, param_config still JSON, DingTalk's timestamp, the hosts")
		Expect(c.Interactions).To(HaveLen(4))
		readBack := c.Interactions[3].Response.Body
		var got struct {
			Result []struct {
				NoticeType  string `json:"notice_type"`
				ParamConfig string `json:"param_config"`
			} `json:"result"`
		}
		Expect(json.Unmarshal([]byte(readBack), &got)).To(Succeed())
		Expect(got.Result).To(HaveLen(3))
		want := map[string]map[string]string{
			"DING_TALK": {"webhook": "https://oapi.dingtalk.com/robot/send?access_token=REDACTED&timestamp=1764547200000&sign=REDACTED", "secret": "REDACTED"},
			"WECOM":     {"webhook": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?debug=1&key=REDACTED"},
			"FEISHU":    {"webhook": "https://open.feishu.cn/open-apis/bot/v2/hook/REDACTED", "secret": "REDACTED"},
		}
		for _, item := range got.Result {
			var pc map[string]string
			Expect(json.Unmarshal([]byte(item.ParamConfig), &pc)).To(Succeed(), "param_config stays a JSON document")
			Expect(pc).To(Equal(want[item.NoticeType]), item.NoticeType)
		}
		for _, i := range c.Interactions[:3] {
			var u struct {
				ParamConfig string `json:"param_config"`
			}
			Expect(json.Unmarshal([]byte(i.Request.Body), &u)).To(Succeed())
			var pc map[string]string
			Expect(json.Unmarshal([]byte(u.ParamConfig), &pc)).To(Succeed())
			Expect(pc["webhook"]).To(ContainSubstring("REDACTED"))
		}

		By("leaving nothing for the audit to find")
		r, err := audit.Paths([]string{p.cassette}, audit.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Findings).To(BeEmpty())
	})
})
