package loglimit_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/noticeconf/noticeconf/internal/loglimit"
)

// counted returns a logger writing JSON lines to buf, and a function that reads back
// the lines' "requests" counts.
func counted(t *testing.T) (*slog.Logger, func() []int64) {
	t.Helper()
	var mu sync.Mutex
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(lockedWriter{&mu, &buf}, nil))
	return log, func() []int64 {
		mu.Lock()
		defer mu.Unlock()
		var out []int64
		sc := bufio.NewScanner(bytes.NewReader(buf.Bytes()))
		for sc.Scan() {
			var line struct {
				Msg      string
				Requests int64
				Second   time.Time
				PerSec   int64 `json:"lines_per_second"`
			}
			if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
				t.Fatalf("log line %q: %v", sc.Text(), err)
			}
			if line.Msg != "left out" || line.Second.IsZero() || line.PerSec == 0 {
				t.Fatalf("log line %q does not say what was left out, in which second, at which limit", sc.Text())
			}
			out = append(out, line.Requests)
		}
		return out
	}
}

type lockedWriter struct {
	mu  *sync.Mutex
	buf *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func TestTheFirstLinesOfEachSecondPassAndTheRestAreCounted(t *testing.T) {
	log, counts := counted(t)
	l := loglimit.New(3, log, "left out")
	t0 := time.Unix(1_800_000_000, 0)
	var got []bool
	for i := range 5 {
		got = append(got, l.Allow(t0.Add(time.Duration(i)*time.Millisecond)))
	}
	if want := []bool{true, true, true, false, false}; !slices.Equal(got, want) {
		t.Fatalf("five lines in one second, three a second: Allow = %v, want %v", got, want)
	}
	if c := counts(); len(c) != 0 {
		t.Fatalf("the count of a second was logged before it ended: %v", c)
	}
	if !l.Allow(t0.Add(time.Second)) {
		t.Fatal("the first line of the next second was left out")
	}
	if c := counts(); len(c) != 1 || c[0] != 2 {
		t.Fatalf("after the second with two lines left out, logged counts %v, want [2]", c)
	}
	// A second with no more lines than the limit logs no count.
	l.Allow(t0.Add(3 * time.Second))
	if c := counts(); len(c) != 1 {
		t.Fatalf("a second within the limit logged a count: %v", c)
	}
	for range 4 {
		l.Allow(t0.Add(3 * time.Second))
	}
	l.Flush()
	if c := counts(); len(c) != 2 || c[1] != 2 {
		t.Fatalf("Flush after five lines in a second: logged counts %v, want [2 2]", c)
	}
}

func TestANegativeLimitLetsEveryLineThrough(t *testing.T) {
	log, counts := counted(t)
	l := loglimit.New(-1, log, "left out")
	for i := range 1000 {
		if !l.Allow(time.Unix(1_800_000_000, int64(i))) {
			t.Fatalf("line %d was left out with no limit", i)
		}
	}
	l.Flush()
	if c := counts(); len(c) != 0 {
		t.Fatalf("counts logged with no limit: %v", c)
	}
}

func TestZeroIsTheDefault(t *testing.T) {
	log, _ := counted(t)
	l := loglimit.New(0, log, "left out")
	n := 0
	for range 3 * loglimit.DefaultPerSecond {
		if l.Allow(time.Unix(1_800_000_000, 0)) {
			n++
		}
	}
	if n != loglimit.DefaultPerSecond {
		t.Fatalf("limit 0 let %d lines of one second through, want DefaultPerSecond (%d)", n, loglimit.DefaultPerSecond)
	}
}

// TestEveryLineIsLoggedOrCounted: under concurrent use, over seconds turning while
// lines are asked for, every line asked for is either let through or in a count.
func TestEveryLineIsLoggedOrCounted(t *testing.T) {
	log, counts := counted(t)
	l := loglimit.New(50, log, "left out")
	const goroutines, each = 8, 2000
	var allowed atomic.Int64
	var wg sync.WaitGroup
	t0 := time.Unix(1_800_000_000, 0)
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				// Spread over five seconds, each goroutine at its own pace.
				now := t0.Add(time.Duration(i*5) * time.Second / each).Add(time.Duration(g) * time.Millisecond)
				if l.Allow(now) {
					allowed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	l.Flush()
	var left int64
	for _, c := range counts() {
		left += c
	}
	if got := allowed.Load() + left; got != goroutines*each {
		t.Fatalf("%d lines let through + %d counted = %d, want the %d asked for", allowed.Load(), left, got, goroutines*each)
	}
	if allowed.Load() > 6*50+goroutines {
		t.Fatalf("%d lines let through over five seconds at 50 a second", allowed.Load())
	}
}
