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

// Bounds of the encodings a Policy remembers: at most maxMemoSecrets secrets of at
// most maxMemoSecretLen bytes each, whose encodings hold at most maxMemoBytes
// together. When a new one does not fit, entries picked at random make room, so
// that a request that carries a secret of its own (an AK/SK signature) every time
// evicts the token all requests share only now and then.
const (
	maxMemoSecrets   = 64
	maxMemoSecretLen = 16 << 10
	maxMemoBytes     = 2 << 20
)

// encodingMemo remembers encodingsOf by secret. It holds the secrets in memory only,
// as the requests that carried them do. It is safe for concurrent use.
type encodingMemo struct {
	mu    sync.RWMutex
	forms map[string][]string
	bytes int
}

func newEncodingMemo() *encodingMemo { return &encodingMemo{forms: make(map[string][]string)} }

// of returns encodingsOf(s), remembered. The caller must not change the slice.
func (m *encodingMemo) of(s string) []string {
	if len(s) > maxMemoSecretLen {
		return encodingsOf(s)
	}
	m.mu.RLock()
	forms, ok := m.forms[s]
	m.mu.RUnlock()
	if ok {
		return forms
	}
	forms = encodingsOf(strings.Clone(s))
	size := 0
	for _, f := range forms {
		size += len(f)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.forms[forms[0]]; ok {
		return forms // remembered meanwhile
	}
	for k, v := range m.forms { // in no set order: random victims
		if len(m.forms) < maxMemoSecrets && m.bytes+size <= maxMemoBytes {
			break
		}
		delete(m.forms, k)
		for _, f := range v {
			m.bytes -= len(f)
		}
	}
	m.forms[forms[0]] = forms
	m.bytes += size
	return forms
}

// stats returns the number of secrets remembered and the bytes of their encodings.
func (m *encodingMemo) stats() (n, bytes int) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.forms), m.bytes
}
