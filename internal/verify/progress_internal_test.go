package verify

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestProgressLines holds a run's progress lines to what is done: checks that ran
// or were skipped while running count, checks the filters left out do not, and no
// line comes after stop.
func TestProgressLines(t *testing.T) {
	var out syncBuffer
	p := newProgress(slog.New(slog.NewTextHandler(&out, nil)), time.Millisecond)
	p.start(3)
	began := time.Now()
	p.done(types.SpecReport{LeafNodeType: types.NodeTypeIt, State: types.SpecStatePassed, StartTime: began})
	p.done(types.SpecReport{LeafNodeType: types.NodeTypeIt, State: types.SpecStateFailed, StartTime: began})
	p.done(types.SpecReport{LeafNodeType: types.NodeTypeIt, State: types.SpecStateSkipped}) // left out: never started
	p.done(types.SpecReport{LeafNodeType: types.NodeTypeBeforeSuite, State: types.SpecStatePassed, StartTime: began})
	want := "msg=\"verify progress\" checks_done=2 checks=3 failed=1"
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), want); {
		if time.Now().After(deadline) {
			t.Fatalf("no progress line %q in:\n%s", want, out.String())
		}
		time.Sleep(time.Millisecond)
	}
	p.stop()
	after := out.String()
	time.Sleep(20 * time.Millisecond)
	if got := out.String(); got != after {
		t.Errorf("progress lines after stop:\n%s", got[len(after):])
	}
}
