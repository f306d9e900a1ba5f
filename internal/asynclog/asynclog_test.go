package asynclog

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// gatedWriter blocks every Write until open is closed, and keeps what it gets.
type gatedWriter struct {
	open chan struct{}
	mu   sync.Mutex
	got  bytes.Buffer
	n    int
}

func (g *gatedWriter) Write(p []byte) (int, error) {
	<-g.open
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n++
	return g.got.Write(p)
}

func TestWriterNeverHoldsAWriterBackAndLosesNothing(t *testing.T) {
	g := &gatedWriter{open: make(chan struct{})}
	l := NewWriter(g)
	const writers, lines = 8, 200
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lines {
				fmt.Fprintf(l, "writer %d line %d\n", w, i)
			}
		}()
	}
	// Every Write returned while the writer behind was blocked: no caller waited.
	wg.Wait()
	close(g.open)
	l.Close()
	fmt.Fprintf(l, "after close\n")

	out := g.got.String()
	all := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(all) != writers*lines+1 || all[len(all)-1] != "after close" {
		t.Fatalf("got %d lines ending %q, want %d ending with the one written after Close", len(all), all[len(all)-1], writers*lines+1)
	}
	next := make([]int, writers)
	for _, line := range all[:len(all)-1] {
		var w, i int
		if _, err := fmt.Sscanf(line, "writer %d line %d", &w, &i); err != nil {
			t.Fatalf("a torn line %q: %v", line, err)
		}
		if i != next[w] {
			t.Fatalf("writer %d: line %d came after line %d", w, i, next[w]-1)
		}
		next[w]++
	}
	if g.n >= writers*lines {
		t.Errorf("%d writes for %d lines: lines queued during a write must go out together", g.n, writers*lines)
	}
}
