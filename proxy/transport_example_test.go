package proxy_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"

	"github.com/noticeconf/noticeconf/proxy"
)

// A bare reverse proxy set up as the recording proxy is, recording nothing: the
// baseline that measures what recording costs.
func ExampleNewReverseProxy() {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "upstream saw %s %s", r.Method, r.URL.Path)
	}))
	defer upstream.Close()
	u, err := url.Parse(upstream.URL)
	if err != nil {
		log.Fatal(err)
	}
	tr := proxy.NewTransport(proxy.Config{})
	defer tr.CloseIdleConnections()
	front := httptest.NewServer(proxy.NewReverseProxy(u, tr))
	defer front.Close()

	resp, err := http.Post(front.URL+"/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update", "application/json", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Status, string(body))
	// Output: 200 OK upstream saw POST /v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update
}
