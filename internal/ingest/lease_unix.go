//go:build unix

package ingest

import (
	"os"
	"syscall"
)

// A lease is an exclusive flock on a small file beside the store, held by
// the importing process for as long as its batch is staging. The kernel
// releases it when the process dies, even by SIGKILL, so the next run can
// tell a crashed import from one still running.
type lease struct{ f *os.File }

func takeLease(path string) (*lease, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o660)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, err
	}
	return &lease{f}, nil
}

func (l *lease) release() {
	if l == nil {
		return
	}
	name := l.f.Name()
	l.f.Close()
	os.Remove(name)
}

// leaseHeld reports whether a live process still holds the lease at path.
func leaseHeld(path string) bool {
	if path == "" {
		return false
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return true
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return false
}

func removeLeaseFile(path string) {
	if path != "" {
		os.Remove(path)
	}
}
