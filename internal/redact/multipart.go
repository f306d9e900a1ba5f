package redact

import (
	"mime"
	"regexp"
	"strings"

	"github.com/noticeconf/noticeconf/cassettes/cassette"
)

// boundaryLineRE finds the first boundary line of a multipart body whose Content-Type
// is not known.
var boundaryLineRE = regexp.MustCompile(`^--([0-9A-Za-z'()+_,\-./:=?]{1,70})\r?\n`)

// multipartBoundary returns the boundary of a multipart body: its Content-Type's, or
// the one its first line shows when the type is not given and its first part has a
// Content-Disposition.
func multipartBoundary(b, contentType string) string {
	if mt, params, err := mime.ParseMediaType(contentType); err == nil && strings.HasPrefix(mt, "multipart/") && params["boundary"] != "" {
		return params["boundary"]
	}
	if contentType == "" || strings.HasPrefix(strings.ToLower(contentType), "text/plain") {
		if m := boundaryLineRE.FindStringSubmatch(b); m != nil && strings.Contains(strings.ToLower(b[:min(len(b), 512)]), "content-disposition") {
			return m[1]
		}
	}
	return ""
}

// multipart redacts a multipart body in place of its parts: the content of a part
// whose name (Content-Disposition: form-data; name="...") the name rule names, and
// every other part's headers and content by what they are. It reports false when b
// is not a multipart body of that boundary.
func (r *run) multipart(b, boundary, field string) (string, bool) {
	delim := "--" + boundary
	if !strings.HasPrefix(b, delim) {
		return "", false
	}
	parts := strings.Split(b, delim)
	changed := false
	for n := 1; n < len(parts); n++ {
		part := parts[n]
		if strings.HasPrefix(part, "--") {
			continue // the closing delimiter and the epilogue
		}
		sep, head := "\r\n\r\n", -1
		if head = strings.Index(part, sep); head < 0 {
			sep = "\n\n"
			if head = strings.Index(part, sep); head < 0 {
				continue
			}
		}
		headers, content := part[:head], part[head+len(sep):]
		// The content ends before the line break that precedes the next delimiter.
		end := strings.TrimSuffix(strings.TrimSuffix(content, "\n"), "\r")
		trail := content[len(end):]
		name, ctype := "", ""
		for _, line := range strings.Split(headers, "\n") {
			k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
			if !ok {
				continue
			}
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "content-disposition":
				if _, params, err := mime.ParseMediaType(strings.TrimSpace(v)); err == nil {
					name = params["name"]
				}
			case "content-type":
				ctype = strings.TrimSpace(v)
			}
		}
		newHeaders := r.text(headers, field)
		newContent := end
		at := field + " part " + name
		switch {
		case end == "" || IsRedacted(end):
		case IsSecretName(name):
			r.notef(at, "multipart field %q (name rule)", name, end, strings.TrimSpace(end))
			newContent = cassette.Redacted
		default:
			newContent = r.body(end, ctype, at)
		}
		if newHeaders != headers || newContent != end {
			parts[n] = newHeaders + sep + newContent + trail
			changed = true
		}
	}
	if !changed {
		return b, true
	}
	return strings.Join(parts, delim), true
}
