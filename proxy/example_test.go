package proxy_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/fixtures/mock"
	"github.com/noticeconf/noticeconf/proxy"
)

func ExampleNew() {
	cfg, err := mock.DefaultConfig()
	if err != nil {
		log.Fatal(err)
	}
	upstream, err := mock.NewServer(cfg) // stands in for the live API
	if err != nil {
		log.Fatal(err)
	}
	defer upstream.Close()
	dir, err := os.MkdirTemp("", "record")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	path := filepath.Join(dir, "update.yaml")
	p, err := proxy.New(proxy.Config{Upstream: upstream.URL, Cassette: path})
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(p) // point the client's endpoint here
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/v3/jobs/notice/"+cfg.JobIDs[0]+"/update",
		strings.NewReader(`{"notice_type":"MAIL","enabled_event_type_names":["buildJobSuccess"]}`))
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Auth-Token", cfg.Tokens[0])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	srv.Close()
	if err := p.Close(); err != nil { // completes the cassette and its provenance
		log.Fatal(err)
	}

	f, err := cassette.LoadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	it := f.Interactions[0]
	fmt.Println(it.Response.Code, it.Request.Headers.Get("X-Auth-Token"))
	_, err = os.Stat(path + ".provenance.json")
	fmt.Println("provenance written:", err == nil)
	// Output:
	// 200 REDACTED
	// provenance written: true
}
