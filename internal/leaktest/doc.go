// Package leaktest holds the test that no output of noticeconf holds a secret: a
// random secret placed in every header, query, body (JSON, JSON inside a JSON string,
// form, text, gzip), URL and answer position the redaction policy covers goes through
// the recording proxy in both modes, the replay server's no-match answer, verify's
// preflight, table and report files, and the cassette audit; no file written and no
// stream may hold it, raw, JSON-escaped or URL-encoded. The package has no code of
// its own.
package leaktest
