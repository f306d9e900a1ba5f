package proxy

import "github.com/noticeconf/noticeconf/internal/redact"

// shownPath is a request path as the proxy's log lines show it: through the redaction
// policy, so that a hook URL's token segment is not logged.
func (p *Proxy) shownPath(path string) string { return redact.Printable(p.redactor.URL(path)) }
