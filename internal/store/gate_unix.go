//go:build unix

package store

import (
	"os"
	"syscall"
)

// The writer gate keeps short writes (a user added, a lookup's query-log
// entry, a workflow step) from waiting behind a long import (SPEC §6: no
// small write waits more than a second). SQLite's lock is not fair: an
// importer that commits a chunk and begins the next one at once can win it
// again and again. So a writer holds a shared flock on <db>.gate while it
// waits for BEGIN IMMEDIATE, and the importer, between chunks, takes the
// gate exclusively — which it gets only once every waiting writer has got the
// database lock — and lets it go again. An importer waits as a writer too, so
// two imports take turns chunk by chunk.
type gate struct{ f *os.File }

func openGate(dbPath string) *gate {
	f, err := os.OpenFile(dbPath+".gate", os.O_CREATE|os.O_RDWR, 0o660)
	if err != nil {
		return nil // no gate: writers simply rely on the busy timeout
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().Perm() != 0o660 && fi.Mode().Perm()&0o007 == 0 {
		f.Chmod(0o660) // shared by the office's group, whatever the umask
	}
	return &gate{f}
}

func (g *gate) waiting() func() {
	if g == nil {
		return func() {}
	}
	if syscall.Flock(int(g.f.Fd()), syscall.LOCK_SH) != nil {
		return func() {}
	}
	return func() { syscall.Flock(int(g.f.Fd()), syscall.LOCK_UN) }
}

// yield returns once no writer is waiting for the database lock.
func (g *gate) yield() {
	if g == nil {
		return
	}
	if syscall.Flock(int(g.f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		syscall.Flock(int(g.f.Fd()), syscall.LOCK_EX) // someone waits: let them in first
	}
	syscall.Flock(int(g.f.Fd()), syscall.LOCK_UN)
}

func (g *gate) close() {
	if g != nil {
		g.f.Close()
	}
}
