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
type Session struct {
	s    *Store
	conn *sql.Conn
}

// Session opens a dedicated connection.
func (s *Store) Session(ctx context.Context) (*Session, error) {
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -49152; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 10000"); err != nil {
		conn.Close()
		return nil, err
	}
	return &Session{s: s, conn: conn}, nil
}

// Durable makes the session's next commits wait for the disk.
func (se *Session) Durable(ctx context.Context) error {
	_, err := se.conn.ExecContext(ctx, "PRAGMA synchronous = FULL")
	return err
}

// Close releases the connection (restoring the store's default durability).
func (se *Session) Close() {
	se.conn.ExecContext(context.Background(), "PRAGMA synchronous = FULL")
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
	tx := &Tx{Tx: sqlTx, Actor: a, At: a.now().UTC().Format(time.RFC3339Nano), ctx: ctx, session: se}
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return se.s.busyError(err)
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
