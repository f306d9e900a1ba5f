package redact

import (
	"net/http"
	"strings"
	"sync"
)

// maxMemoNames bounds the header names a Policy remembers the verdict of. Traffic
// repeats a few dozen names; when ever-new names fill the memo, it starts over, so
// that hostile traffic cannot make it grow.
const maxMemoNames = 512

// maxMemoNameLen is the longest header name remembered; longer ones are judged
// every time.
const maxMemoNameLen = 128

// nameMemo remembers, by header name as written, whether a policy redacts the
// header's values. It is safe for concurrent use.
type nameMemo struct {
	mu     sync.RWMutex
	secret map[string]bool
}

func newNameMemo() *nameMemo { return &nameMemo{secret: make(map[string]bool)} }

func (m *nameMemo) get(name string) (secret, ok bool) {
	m.mu.RLock()
	secret, ok = m.secret[name]
	m.mu.RUnlock()
	return secret, ok
}

func (m *nameMemo) put(name string, secret bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.secret) >= maxMemoNames {
		clear(m.secret)
	}
	m.secret[strings.Clone(name)] = secret
}

// len returns the number of names remembered.
func (m *nameMemo) len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.secret)
}

// secretHeader reports whether the policy redacts the values of the header name:
// IsSecretHeader, or one of Config.Headers.
func (p *Policy) secretHeader(name string) bool {
	if len(name) > maxMemoNameLen {
		return p.judgeHeader(name)
	}
	if secret, ok := p.names.get(name); ok {
		return secret
	}
	secret := p.judgeHeader(name)
	p.names.put(name, secret)
	return secret
}

func (p *Policy) judgeHeader(name string) bool {
	return IsSecretHeader(name) || p.headers[http.CanonicalHeaderKey(name)]
}
