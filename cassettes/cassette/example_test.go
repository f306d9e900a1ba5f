package cassette_test

import (
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"

	vcr "gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

func ExampleLoadFile() {
	f, err := cassette.LoadFile("../seed-example.yaml")
	if err != nil {
		log.Fatal(err)
	}
	it := f.Interactions[0]
	fmt.Println(it.Request.Method, it.Response.Code, "at line", it.Line)
	// Output: POST 200 at line 4
}

func ExampleParse() {
	_, err := cassette.Parse("bad.yaml", []byte("version: 2\ninteractions:\n- id: zero\n"))
	var le *cassette.LoadError
	if errors.As(err, &le) {
		fmt.Println(le.Path, le.Line)
	}
	// Output: bad.yaml 3
}

func ExampleOpenWriter() {
	dir, err := os.MkdirTemp("", "cassette")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "update.yaml")

	w, err := cassette.OpenWriter(path, cassette.CreateNew)
	if err != nil {
		log.Fatal(err)
	}
	_, err = w.Append(&vcr.Interaction{
		Request: vcr.Request{
			Method:  http.MethodPost,
			URL:     "http://127.0.0.1:8080/v3/jobs/notice/48c66c6002964721be537cdc6ce0297b/update",
			Headers: http.Header{"Content-Type": {"application/json"}, "X-Auth-Token": {cassette.Redacted}},
			Body:    `{"notice_type":"MAIL","enabled_event_type_names":[]}`,
		},
		Response: vcr.Response{Code: http.StatusOK, Status: "200 OK", Body: `{"result":null,"error":null,"status":"success"}`},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	f, err := cassette.LoadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(f.Interactions), f.Interactions[0].Response.Body)
	// Output: 1 {"result":null,"error":null,"status":"success"}
}
