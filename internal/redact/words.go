package redact

import "strings"

// words is a set of words, lower case, that text folded (see fold) is searched for.
type words struct {
	// by holds the words by their first byte.
	by [256][]string
	// second is, for each first byte, the set of the words' second bytes; a word of
	// one byte puts every byte in it.
	second [256][4]uint64
	// starts says, for every byte as written (either case), whether a word starts
	// with it folded.
	starts [256]bool
}

// newWords returns the set of the words of lists, the empty word left out.
func newWords(lists ...[]string) *words {
	t := new(words)
	for _, ws := range lists {
		for _, w := range ws {
			if w == "" || contains(t.by[w[0]], w) {
				continue
			}
			t.by[w[0]] = append(t.by[w[0]], w)
			t.starts[w[0]] = true
			if 'a' <= w[0] && w[0] <= 'z' {
				t.starts[w[0]-'a'+'A'] = true
			}
			if len(w) == 1 {
				t.second[w[0]] = [4]uint64{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}
				continue
			}
			t.second[w[0]][w[1]>>6] |= 1 << (w[1] & 63)
		}
	}
	return t
}

func contains(list []string, w string) bool {
	for _, x := range list {
		if x == w {
			return true
		}
	}
	return false
}

// Word sets of the default rules. They are never changed after they are made.
var (
	// secretWordSet is the words a secret name contains (secretWords).
	secretWordSet = newWords(secretWords)
	// hookWordSet is the words of a path the hook and bot rules may apply to.
	hookWordSet = newWords([]string{"hook", "bot"})
	// dispositionWordSet finds the Content-Disposition header of a multipart part.
	dispositionWordSet = newWords([]string{"contentdisposition"})
)

// isSeparator reports whether fold drops c.
func isSeparator(c byte) bool { return c == '-' || c == '_' || c == '.' || c == ' ' }

// lower lower-cases an ASCII letter.
func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// foldedHas reports whether fold(s) contains a word of t. It reads s once, folding as
// it goes, without making the folded copy; text that is not ASCII (whose folding is
// Unicode's) is folded first.
func foldedHas(s string, t *words) bool {
	if !isASCII(s) {
		return t.in(fold(s))
	}
	for i := 0; i < len(s); i++ {
		if !t.starts[s[i]] {
			continue // also every separator: no word starts with one
		}
		c := lower(s[i])
		// The next byte of the folded text, or none (0, a byte no word holds).
		var next byte
		for j := i + 1; j < len(s); j++ {
			if !isSeparator(s[j]) {
				next = lower(s[j])
				break
			}
		}
		if t.second[c][next>>6]&(1<<(next&63)) == 0 {
			continue
		}
		for _, w := range t.by[c] {
			if foldedPrefix(s[i:], w) {
				return true
			}
		}
	}
	return false
}

// in reports whether f, folded text, contains a word of t.
func (t *words) in(f string) bool {
	for i := 0; i < len(f); i++ {
		for _, w := range t.by[f[i]] {
			if strings.HasPrefix(f[i:], w) {
				return true
			}
		}
	}
	return false
}

// foldedPrefix reports whether fold(s) starts with w, for ASCII s and w.
func foldedPrefix(s, w string) bool {
	j := 0
	for k := 0; k < len(w); j++ {
		if j >= len(s) {
			return false
		}
		c := s[j]
		if isSeparator(c) {
			continue
		}
		if lower(c) != w[k] {
			return false
		}
		k++
	}
	return true
}

// foldedEqual reports whether fold(s) is w, for a lower-case ASCII w.
func foldedEqual(s, w string) bool {
	if !isASCII(s) {
		return fold(s) == w
	}
	k := 0
	for j := 0; j < len(s); j++ {
		c := s[j]
		if isSeparator(c) {
			continue
		}
		if k >= len(w) || lower(c) != w[k] {
			return false
		}
		k++
	}
	return k == len(w)
}
