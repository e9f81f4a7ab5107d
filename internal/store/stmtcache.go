package store

import (
	"context"
	"database/sql"
	"runtime"
	"sync"
)

// Held statements (issue 18, API throughput). SQLite compiles a statement
// anew every time it is run through database/sql without a prepared
// statement, and the archive's reads go through views
// (current_records, …): compiling them was a fifth of credit serve's CPU per
// lookup. A long-lived process calls HoldStatements; from then on the reads
// that go through Store.reader and the statements of write transactions
// (Tx.stmt) are prepared once per connection and kept until Close
// (database/sql prepares a held statement on each connection the first time
// it runs there, and re-uses it inside transactions on that connection).
// A one-shot command gains nothing from it and does not turn it on.
//
// The statements hold no data: SQLite re-reads the pages on every run, and
// re-compiles a statement itself when the schema changed (another process's
// migration), so what a held statement returns is what the same statement
// compiled afresh would return.

// maxHeldStatements bounds the cache: statements whose text varies with their
// argument count (IN lists) are held too, as long as there is room; beyond it
// a statement is run unprepared, as without the cache.
const maxHeldStatements = 512

type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
	// snapshots bounds the read snapshots open at once (snapshot.go).
	snapshots chan struct{}
	memo      memo // registrations remembered per write version (memo.go)
	pins      pins // reads of the write version shared by simultaneous requests (memo.go)
}

// HoldStatements turns held statements on (credit serve).
func (s *Store) HoldStatements() {
	s.held.CompareAndSwap(nil, &stmtCache{db: s.DB, m: map[string]*sql.Stmt{}, snapshots: make(chan struct{}, runtime.GOMAXPROCS(0))})
}

// stmt is q's held statement, prepared on first use; nil when the cache is
// full or q does not prepare (the caller then runs q directly and gets the
// same error the prepare got).
func (c *stmtCache) stmt(q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	st, ok := c.m[q]
	c.mu.RUnlock()
	if ok {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[q]; ok {
		return st
	}
	if c.m == nil || len(c.m) >= maxHeldStatements {
		return nil
	}
	// Prepared without the request's context: a cancelled request must
	// not leave a failed statement behind for the next one.
	st, err := c.db.PrepareContext(context.Background(), q)
	if err != nil {
		return nil
	}
	c.m[q] = st
	return st
}

func (c *stmtCache) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := c.stmt(q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.db.QueryContext(ctx, q, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := c.stmt(q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, q, args...)
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}

// heldCount is how many statements are held (tests).
func (c *stmtCache) heldCount() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}

// reader is what the lookup path's reads run through: ctx's read snapshot
// (ReadSnapshot) when it has one, else the held statements when
// HoldStatements is on, else the pool as before.
func (s *Store) reader(ctx context.Context) queryer {
	if sn, _ := ctx.Value(snapshotKey{}).(*snapshot); sn != nil && sn.s == s {
		return sn
	}
	if c := s.held.Load(); c != nil {
		return c
	}
	return s.DB
}
