package store

import (
	"context"
	"database/sql"
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
// so the long job's one writing goroutine only writes. Checkpoints that keep
// up let the next commit restart the WAL from its beginning, so the WAL stays
// small however large the job.
type Session struct {
	s      *Store
	conn   *sql.Conn
	ckpt   chan struct{} // a commit happened: checkpoint when free
	ckDone chan struct{} // closed when the checkpointer has stopped
	buf    scratch
}

// Session opens a dedicated connection.
func (s *Store) Session(ctx context.Context) (*Session, error) {
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -49152; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 0"); err != nil {
		conn.Close()
		return nil, err
	}
	ck, err := s.DB.Conn(ctx)
	if err != nil {
		conn.Close()
		return nil, err
	}
	se := &Session{s: s, conn: conn, ckpt: make(chan struct{}, 1), ckDone: make(chan struct{})}
	go se.checkpointer(ck)
	return se, nil
}

// checkpointer runs a passive checkpoint after commits, one at a time;
// commits made while one runs are covered by the next.
func (se *Session) checkpointer(ck *sql.Conn) {
	defer close(se.ckDone)
	defer ck.Close()
	for range se.ckpt {
		ck.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
	}
}

// Durable makes the session's next commits wait for the disk.
func (se *Session) Durable(ctx context.Context) error {
	_, err := se.conn.ExecContext(ctx, "PRAGMA synchronous = FULL")
	return err
}

// Close releases the connection (restoring the store's default durability).
func (se *Session) Close() {
	close(se.ckpt)
	<-se.ckDone
	se.conn.ExecContext(context.Background(), "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 1000")
	se.conn.Close()
}

// Write is Store.Write on the session's connection.
//
// Before it begins, it lets any short write that is waiting go first (the
// writer gate), so a long job made of many transactions never starves them.
func (se *Session) Write(ctx context.Context, a Actor, fn func(*Tx) error) error {
	se.s.gate.yield()
	sqlTx, err := se.conn.BeginTx(ctx, nil)
	if err != nil {
		return se.s.busyError(err)
	}
	tx := &Tx{Tx: sqlTx, Actor: a, At: a.now().UTC().Format(time.RFC3339Nano), ctx: ctx, session: se, scratch: &se.buf}
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return se.s.busyError(err)
	}
	select {
	case se.ckpt <- struct{}{}:
	default: // one is already due
	}
	return nil
}

// stmt prepares q once per transaction (database/sql cannot carry a
// statement prepared on a connection into a transaction without preparing it
// again, so the cache lives with the transaction; it closes at commit).
func (t *Tx) stmt(q string) (*sql.Stmt, error) {
	if st, ok := t.stmts[q]; ok {
		return st, nil
	}
	st, err := t.PrepareContext(t.ctx, q)
	if err != nil {
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
