//go:build unix

package store

import (
	"os"
	"syscall"
)

// lockJournal takes the one served journal of the store at storePath: an
// exclusive flock on STORE.qlog.lock, held until release. ok is false when
// another process (a second credit serve) holds it.
func lockJournal(storePath string, mode os.FileMode) (release func(), ok bool, err error) {
	path := JournalPath(storePath) + ".lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, mode)
	if err != nil {
		return nil, false, err
	}
	os.Chmod(path, mode) // whatever the umask, as the store (SPEC §6)
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		f.Close()
		return nil, false, nil
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, true, nil
}
