//go:build !unix

package cassette

import (
	"errors"
	"os"
)

// errWouldBlock is never returned where flock does not exist: the lock is advisory
// there and always granted.
var errWouldBlock = errors.New("lock held")

func lockFile(*os.File) error   { return nil }
func unlockFile(*os.File) error { return nil }
