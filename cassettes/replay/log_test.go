package replay_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
	"github.com/noticeconf/noticeconf/cassettes/replay"
)

var _ = Describe("the log", func() {
	// replayed serves n matching requests and one that matches nothing through a
	// handler logging JSON lines, and returns the lines, and how many seconds of the
	// clock the requests spanned.
	replayed := func(n, linesPerSecond int) ([]map[string]any, int64) {
		var logs bytes.Buffer
		files := []*cassette.File{file("c.yaml", rec{method: "POST", url: update, auth: cassette.AuthToken, body: mailBody, code: 200, answer: okAnswer})}
		h, err := replay.New(files, replay.Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil)), LinesPerSecond: linesPerSecond})
		Expect(err).NotTo(HaveOccurred())
		start := time.Now()
		for range n {
			Expect(serve(h, request("POST", update, cassette.AuthToken, mailBody)).Code).To(Equal(http.StatusOK))
		}
		Expect(serve(h, request("PUT", update, cassette.AuthToken, mailBody)).Code).To(Equal(replay.NoMatchStatus))
		seconds := time.Now().Unix() - start.Unix() + 1
		h.FlushLog()
		var lines []map[string]any
		sc := bufio.NewScanner(&logs)
		for sc.Scan() {
			var line map[string]any
			Expect(json.Unmarshal(sc.Bytes(), &line)).To(Succeed(), sc.Text())
			lines = append(lines, line)
		}
		return lines, seconds
	}
	count := func(lines []map[string]any, msg string) (n int, counted int) {
		for _, l := range lines {
			if l["msg"] == msg {
				n++
				if c, ok := l["requests"].(float64); ok {
					counted += int(c)
				}
			}
		}
		return n, counted
	}

	It("has a line for each of the first requests of a second answered, counts the rest, and always says why a request matched nothing", func() {
		lines, seconds := replayed(50, 3)
		one, _ := count(lines, "replay")
		Expect(one).To(BeNumerically(">=", 3))
		Expect(one).To(BeNumerically("<=", 3*seconds), "at most 3 lines a second over %d second(s)", seconds)
		_, counted := count(lines, "replay: requests answered and not logged one by one")
		Expect(one+counted).To(Equal(50), "every request answered is logged or counted")
		noMatch, _ := count(lines, "replay: no match")
		Expect(noMatch).To(Equal(1))
		for _, l := range lines {
			if l["msg"] == "replay" {
				Expect(l).To(HaveKeyWithValue("cassette", "c.yaml"))
				Expect(l).To(HaveKeyWithValue("id", 0.0))
				Expect(l).To(HaveKeyWithValue("path", update))
				Expect(l).To(HaveKeyWithValue("status", 200.0))
			}
		}
	})

	It("has a line for every request answered with a negative limit", func() {
		lines, _ := replayed(300, -1)
		one, _ := count(lines, "replay")
		Expect(one).To(Equal(300))
	})
})
