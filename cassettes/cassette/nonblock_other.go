//go:build !unix

package cassette

const syscallNonblock = 0
