// Package diskfault is the test-only fault hook for files the tool writes
// (every -o output and backups): a full disk cannot be made without root,
// so tests tell the writers that the disk fills up after some bytes
// (CREDIT_TEST_DISK_FULL_AFTER, set on the command line by the CLI). Each
// atomic writer calls Check on its complete temporary file before renaming
// it into place; with the hook set and the file larger than the limit, the
// file is cut to the limit — what a write that ran out of space leaves — and
// Check fails with ENOSPC as the write would have. The writer then removes
// the temporary file, and whatever was at the path before stays as it was.
package diskfault

import (
	"os"
	"sync/atomic"
	"syscall"
)

var fullAfter atomic.Int64

// Set makes Check fail for files larger than n bytes (0: never). The CLI
// sets it for one run from CREDIT_TEST_DISK_FULL_AFTER.
func Set(n int64) { fullAfter.Store(n) }

// Check fails with ENOSPC, after cutting the file short, when the hook is
// set and the complete temporary file tmp is larger than it allows.
func Check(tmp string) error {
	n := fullAfter.Load()
	if n <= 0 {
		return nil
	}
	fi, err := os.Stat(tmp)
	if err != nil || fi.Size() <= n {
		return err
	}
	if err := os.Truncate(tmp, n); err != nil {
		return err
	}
	return &os.PathError{Op: "write", Path: tmp, Err: syscall.ENOSPC}
}
