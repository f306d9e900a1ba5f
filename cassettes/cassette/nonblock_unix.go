//go:build unix

package cassette

import "syscall"

// syscallNonblock opens a file without blocking on a FIFO that has no writer.
const syscallNonblock = syscall.O_NONBLOCK
