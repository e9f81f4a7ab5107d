package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"sync"
	"time"
)

// Session is one dedicated connection for a long job (an import): its
// staging writes skip the per-commit fsync
// (synchronous=NORMAL, still crash-consistent in WAL mode: a kill loses at
// most the last unpublished chunks, which are discarded anyway). Durable
// switches back to FULL before the publishing commit.
//
// Its commits do not checkpoint the WAL themselves: a second connection
// copies committed pages into the database file in the background
// (PRAGMA wal_checkpoint(PASSIVE), which never blocks a reader or a writer),
// so the long job's one writing goroutine only writes. SQLite restarts the
// WAL from its beginning only at a commit whose transaction began after a
// complete checkpoint; so once the WAL has grown past walRestartBytes, the
// session waits before its next transaction for the checkpoint running in
// the background (by then nearly done) to finish. The WAL stays a few tens
// of megabytes however large the job, instead of growing to its whole size.
type Session struct {
	s      *Store
	conn   *sql.Conn
	ckDone chan struct{} // closed when the checkpointer has stopped
	buf    scratch
	// prepared: bulk statements prepared once for the session (sessionStmt)
	prepared map[string]*sql.Stmt

	mu        sync.Mutex
	cond      *sync.Cond
	asked     int  // commits made
	done      int  // commits covered by a finished checkpoint
	walFrames int  // the WAL's size at the last checkpoint, in pages
	maxFrames int  // walRestartBytes in pages
	urgent    bool // the writer waits for a checkpoint
	closing   bool // no more commits
}

// walRestartBytes is the WAL size past which the session lets the
// checkpoint catch up so the WAL can restart: 128 MiB, a handful of short
// waits in a 1,000,000-row import (about 0.3 s in all; at 32 MiB they added
// up to 1 s). The checkpoint counts pages, so the session divides by the
// store's page size.
var walRestartBytes = 128 << 20

// checkpointEvery is the commits between background checkpoints: each one
// syncs the WAL and the database file, and a few megabytes per checkpoint are
// plenty.
const checkpointEvery = 8

// Session opens a dedicated connection.
func (s *Store) Session(ctx context.Context) (*Session, error) {
	ck, err := s.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		ck.Close()
		return nil, err
	}
	pageSize := 4096
	err = conn.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize)
	if err == nil {
		_, err = conn.ExecContext(ctx, "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -24576; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 0; PRAGMA foreign_keys = OFF")
	}
	if err != nil {
		// Settings half made must not reach another write: the connection
		// is closed for good, as at Close.
		conn.Raw(func(any) error { return driver.ErrBadConn })
		conn.Close()
		ck.Close()
		return nil, err
	}
	se := &Session{s: s, conn: conn, ckDone: make(chan struct{}), maxFrames: walRestartBytes / max(pageSize, 512)}
	se.cond = sync.NewCond(&se.mu)
	go se.checkpointer(ck)
	return se, nil
}

// checkpointer runs a passive checkpoint every checkpointEvery commits, or
// at once when the writer waits for one; one at a time, each covering every
// commit made before it started.
func (se *Session) checkpointer(ck *sql.Conn) {
	defer close(se.ckDone)
	defer ck.Close()
	for {
		se.mu.Lock()
		for se.asked-se.done < checkpointEvery && !se.urgent && !se.closing {
			se.cond.Wait()
		}
		if se.done == se.asked && se.closing {
			se.mu.Unlock()
			return
		}
		target := se.asked
		se.mu.Unlock()
		var busy, frames, copied int
		if err := ck.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied); err != nil {
			frames = 0 // never make the writer wait on a checkpoint that fails
		}
		se.mu.Lock()
		se.done, se.walFrames = target, frames
		se.urgent = false
		se.cond.Broadcast()
		se.mu.Unlock()
	}
}

// committed tells the checkpointer about a commit.
func (se *Session) committed() {
	se.mu.Lock()
	se.asked++
	se.cond.Broadcast()
	se.mu.Unlock()
}

// maxLag is the commits the background checkpoint may fall behind before
// the writer waits for it: the WAL's size is known only from a finished
// checkpoint, so a checkpointer starved of CPU (a busy machine) must not
// let the WAL grow unseen.
const maxLag = 4 * checkpointEvery

// catchUp waits, when the WAL has grown large, for the running checkpoint
// to finish, so that the next transaction can restart the WAL; and, when the
// checkpointer has fallen maxLag commits behind, until it has caught up.
func (se *Session) catchUp() {
	se.mu.Lock()
	for se.asked-se.done >= maxLag && !se.closing {
		se.urgent = true
		se.cond.Broadcast()
		se.cond.Wait()
	}
	if se.walFrames >= se.maxFrames {
		for se.done != se.asked {
			se.urgent = true
			se.cond.Broadcast()
			se.cond.Wait()
		}
	}
	se.mu.Unlock()
}

// Durable makes the session's next commits wait for the disk, with
// foreign keys enforced.
func (se *Session) Durable(ctx context.Context) error {
	_, err := se.conn.ExecContext(ctx, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON")
	return err
}

// Close releases the connection. It is closed for good rather than given
// back to the pool, so no other write ever runs with the session's settings.
func (se *Session) Close() {
	se.mu.Lock()
	se.closing = true
	se.cond.Broadcast()
	se.mu.Unlock()
	<-se.ckDone
	for _, st := range se.prepared {
		st.Close()
	}
	se.conn.Raw(func(any) error { return driver.ErrBadConn })
	se.conn.Close()
}

// Write is Store.Write on the session's connection.
//
// Before it begins, it lets any write that is waiting go first (the writer
// gate), so a long job made of many transactions never starves them.
func (se *Session) Write(ctx context.Context, a Actor, fn func(*Tx) error) error {
	se.catchUp()
	se.s.gate.yield()
	// It then waits for the lock as a short write does, so that two long
	// jobs take turns instead of one starving the other until it ends.
	done := se.s.gate.waiting()
	sqlTx, err := se.conn.BeginTx(ctx, nil)
	done()
	if err != nil {
		return se.s.busyError(err)
	}
	tx := &Tx{Tx: sqlTx, Actor: a, At: a.now().UTC().Format(time.RFC3339Nano), ctx: ctx, session: se, scratch: &se.buf, key: se.s.chainKey()}
	err = sealedWrite(ctx, se.s, se.conn, tx, tx.key, func() error { return fn(tx) })
	if err != nil {
		sqlTx.Rollback()
		return writeError(err)
	}
	if err := sqlTx.Commit(); err != nil {
		return se.s.busyError(err)
	}
	se.committed()
	return nil
}

// sessionStmt is stmt for a statement a long job runs in every one of its
// transactions: on a session it is prepared once and kept until Close
// (database/sql re-uses, in each transaction, a statement prepared on the DB
// once it has been prepared on this connection). Elsewhere it is stmt.
func (t *Tx) sessionStmt(q string) (*sql.Stmt, error) {
	se := t.session
	if se == nil {
		return t.stmt(q)
	}
	if st, ok := t.stmts[q]; ok {
		return st, nil
	}
	base, ok := se.prepared[q]
	if !ok {
		var err error
		if base, err = se.s.DB.PrepareContext(t.ctx, q); err != nil {
			return nil, err
		}
		if se.prepared == nil {
			se.prepared = map[string]*sql.Stmt{}
		}
		se.prepared[q] = base
	}
	st := t.StmtContext(t.ctx, base)
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[q] = st
	return st, nil
}

// stmt prepares q once per transaction (database/sql cannot carry a
// statement prepared on a connection into a transaction without preparing it
// again, so the cache lives with the transaction; it closes at commit).
func (t *Tx) stmt(q string) (*sql.Stmt, error) {
	if st, ok := t.stmts[q]; ok {
		return st, nil
	}
	var st *sql.Stmt
	var err error
	if base := t.held.stmt(q); base != nil {
		// Held (stmtcache.go): already compiled on this connection after
		// its first use there.
		st = t.StmtContext(t.ctx, base)
	} else if st, err = t.PrepareContext(t.ctx, q); err != nil {
		return nil, err
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[q] = st
	return st, nil
}

// query runs q with a statement prepared once per transaction.
func (t *Tx) query(q string, args ...any) (*sql.Rows, error) {
	st, err := t.stmt(q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(t.ctx, args...)
}

func (t *Tx) exec(q string, args ...any) (sql.Result, error) {
	st, err := t.stmt(q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(t.ctx, args...)
}
