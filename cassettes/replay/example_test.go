package replay_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/replay"
)

// sendSeedUpdate sends the update the seed example recorded and prints the answer.
func sendSeedUpdate(base string) {
	req, err := http.NewRequest(http.MethodPost, base+"/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update",
		strings.NewReader(`{"notice_type":"MESSAGE","enabled_event_type_names":["buildJobSuccess"]}`))
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Auth-Token", "any token: the replay checks only that there is one")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		log.Fatal(err)
	}
	if resp.StatusCode == replay.NoMatchStatus {
		fmt.Println(resp.Status, resp.Header.Get(replay.HeaderReplay))
		return
	}
	fmt.Println(resp.Status, string(body))
}

func ExampleNewServer() {
	srv, err := replay.NewServer("../seed-example.yaml")
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	sendSeedUpdate(srv.URL)
	// Output: 200 OK { "result" : { "job_id" : "db8467d972cc47f7a1bd2a3a3e77596a" }, "error" : null, "status" : "success" }
}

func ExampleNew() {
	files, err := cassette.LoadPaths("../seed-example.yaml")
	if err != nil {
		log.Fatal(err)
	}
	h, err := replay.New(files, replay.Options{Repeat: replay.RepeatStrict})
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	sendSeedUpdate(srv.URL)
	sendSeedUpdate(srv.URL) // replayed past its one recording
	h.Reset()
	sendSeedUpdate(srv.URL)
	// Output:
	// 200 OK { "result" : { "job_id" : "db8467d972cc47f7a1bd2a3a3e77596a" }, "error" : null, "status" : "success" }
	// 418 I'm a teapot no-match
	// 200 OK { "result" : { "job_id" : "db8467d972cc47f7a1bd2a3a3e77596a" }, "error" : null, "status" : "success" }
}
