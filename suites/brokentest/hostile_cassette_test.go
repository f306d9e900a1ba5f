package brokentest_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/internal/verify"
	"github.com/noticeconf/noticeconf/suites"
)

// hostileItem is one recorded interaction of a hand-edited cassette.
func hostileItem(id int, method, url, extraHeader string) string {
	return fmt.Sprintf(`- id: %d
  request:
    body: '{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"]}'
    headers:
      Content-Type:
        - application/json
      X-Auth-Token:
        - REDACTED
%s    url: %s
    method: %s
  response:
    body: '{"result":"x","error":null,"status":"success"}'
    headers:
      Content-Type:
        - application/json
    status: 200 OK
    code: 200
    duration: 0s
`, id, extraHeader, url, method)
}

var _ = Describe("verify --cassettes given a hostile cassette", func() {
	It("re-sends only the contract's operations, with allow-listed headers, and says what it refused", func() {
		const job = "48c66c6002964721be537cdc6ce0297b"
		base := "http://api.invalid/v3/jobs/notice/"
		items := []string{
			hostileItem(0, "DELETE", base+"../../"+job+"/delete", ""),
			hostileItem(1, "POST", base+"%2e%2e/%2e%2e/"+job+"/update", ""),
			hostileItem(2, "POST", base+job+"/..//update", ""),
			hostileItem(3, "POST", base+job+"/update?redirect=http://evil.invalid", ""),
			hostileItem(4, "POST", base+job+"/update", "      X-Exfiltrate:\n        - yes\n"),
		}
		path := filepath.Join(GinkgoT().TempDir(), "hostile.yaml")
		Expect(os.WriteFile(path, []byte("---\nversion: 2\ninteractions:\n"+strings.Join(items, "")), 0o644)).To(Succeed())

		var mu sync.Mutex
		var seen []string
		ref := objectMock()
		target := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			seen = append(seen, r.Method+" "+r.URL.RawPath+r.URL.Path+" "+r.URL.RawQuery)
			if r.Header.Get("X-Exfiltrate") != "" {
				seen = append(seen, "header X-Exfiltrate")
			}
			mu.Unlock()
			ref.ServeHTTP(w, r)
		}))
		res := runVerify(demoEnv(), "--target", target, "--cassettes", path, "--label-filter", suites.LabelDrift)
		Expect(res.report).NotTo(BeNil(), res.stdout+res.stderr)

		mu.Lock()
		defer mu.Unlock()
		for _, s := range seen {
			Expect(s).NotTo(ContainSubstring(".."), "a path with dot segments reached the target")
			Expect(s).NotTo(ContainSubstring("%2e"), "an encoded dot reached the target")
			Expect(s).NotTo(HavePrefix("DELETE"), "an operation the contract does not define reached the target")
			Expect(s).NotTo(ContainSubstring("evil"), "a query parameter the operation does not declare reached the target")
			Expect(s).NotTo(Equal("header X-Exfiltrate"), "a header off the allow-list reached the target")
		}
		Expect(seen).To(ContainElement(HavePrefix("POST /v3/jobs/notice/"+job+"/update")), "the clean interaction is re-sent")
		refused := reasons(drifts(res.report, verify.ResultSkip))
		Expect(refused).To(HaveLen(4))
		for _, r := range refused {
			Expect(r).To(HavePrefix("refused: "))
		}
		Expect(strings.Join(refused, "\n")).To(And(
			ContainSubstring(`"/v3/jobs/notice/../../`+job+`/delete" is not clean`),
			ContainSubstring("encoded separator or dot"),
			ContainSubstring(`query parameter "redirect"`),
		))
	})
})
