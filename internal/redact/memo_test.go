package redact

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestHeaderMemoIsBoundedAndAnswersAsTheRule sends ever-new header names through a
// policy, from several goroutines at once: every answer is the rule's, and the memo
// never holds more than maxMemoNames names, nor a name longer than maxMemoNameLen.
func TestHeaderMemoIsBoundedAndAnswersAsTheRule(t *testing.T) {
	p, err := New(Config{Headers: []string{"X-Custom"}})
	if err != nil {
		t.Fatal(err)
	}
	long := "X-" + strings.Repeat("a", maxMemoNameLen) + "-Token"
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range 3 * maxMemoNames {
				for _, name := range []string{
					fmt.Sprintf("X-New-%d-%d", g, n), fmt.Sprintf("X-Auth-%d-%d", g, n),
					"X-Custom", "x-custom", "Content-Type", "X-Auth-Token", "Sec-WebSocket-Key", long,
				} {
					if got, want := p.secretHeader(name), p.judgeHeader(name); got != want {
						errs <- fmt.Sprintf("secretHeader(%q) = %v, the rule says %v", name, got, want)
						return
					}
				}
				if n := p.names.len(); n > maxMemoNames {
					errs <- fmt.Sprintf("the memo holds %d names, more than %d", n, maxMemoNames)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if _, ok := p.names.get(long); ok {
		t.Errorf("the memo holds a name of %d bytes, longer than %d", len(long), maxMemoNameLen)
	}
}

// TestHeaderMemoBelongsToItsPolicy asks two policies about the same name: the one
// whose Config.Headers holds it redacts it, the other does not, whichever asks first.
func TestHeaderMemoBelongsToItsPolicy(t *testing.T) {
	custom, err := New(Config{Headers: []string{"X-Tenant"}})
	if err != nil {
		t.Fatal(err)
	}
	def := Default()
	for range 2 {
		if !custom.secretHeader("X-Tenant") {
			t.Error("a policy with --redact-header X-Tenant does not redact X-Tenant")
		}
		if def.secretHeader("X-Tenant") {
			t.Error("the default policy redacts X-Tenant, which only another policy's Config.Headers names")
		}
	}
	// Learn's policy shares the memo and the headers it stands for.
	learned := custom.Learn(map[string][]string{"X-Auth-Token": {"tok-0123456789abcdef"}})
	if !learned.secretHeader("X-Tenant") || learned.names != custom.names {
		t.Error("a policy made by Learn does not answer from the memo of the policy it came from")
	}
}
