package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// The deferred apply of published revisions (migration 016, issue 16).
//
// A published batch's revisions stay in staged_revisions ("published
// pending") and readers see them through the current_* views. Moving one into
// the base tables — the superseded content into record_history, the new
// content over records, the links replaced, the staged row deleted — leaves
// what the views show exactly as it was, so it needs no audit entry of its
// own: the content changed, and was audited, at the publish (batch.publish).
// The history row it writes carries the publish's time, operator and
// reference, as the publish itself used to write it.

// ApplyChunk is how many records one apply transaction moves: short enough
// that a small write waiting behind it waits a few tens of milliseconds.
var ApplyChunk = 2000

// applyHook, when set (tests), is called before each chunk's transaction
// with the batch and the chunk's number; an error stops the apply there.
var applyHook func(batch int64, chunk int) error

// SetApplyHook sets the hook called before each apply chunk (tests only).
func SetApplyHook(f func(batch int64, chunk int) error) { applyHook = f }

// applyRevisions moves batch's staged revisions of records lo..hi into the
// base tables: the superseded content into record_history (superseded at
// `at` by `operator`), the new content over records, the links replaced by
// the revision's full set, and the staged rows (duplicates too) deleted.
func (t *Tx) applyRevisions(batch, lo, hi int64, at, operator string) error {
	ref := fmt.Sprintf("batch:%d", batch)
	steps := []struct {
		q    string
		args []any
	}{
		{`INSERT INTO record_history(record_id, rev, rev_batch, procedure, category, severity, decided_on,
			valid_until, status, layout, vals, content_hash, valid_from, superseded_at, superseded_by, ref, operator)
			SELECT r.id, r.rev, r.rev_batch, r.procedure, r.category, r.severity, r.decided_on, r.valid_until, r.status, r.layout,
			r.vals, r.content_hash, r.updated_at, ?, 'revision', ?, ?
			FROM staged_revisions s JOIN records r ON r.id = s.record_id
			WHERE s.batch_id = ? AND s.record_id BETWEEN ? AND ? AND s.noop = 0 ORDER BY r.id`,
			[]any{at, ref, operator, batch, lo, hi}},
		{`UPDATE records SET rev = rev + 1, rev_batch = ?, procedure = 'revision', category = s.category, severity = s.severity,
			decided_on = s.decided_on, valid_until = s.valid_until, layout = s.layout, vals = s.vals, content_hash = s.content_hash,
			updated_at = ? FROM staged_revisions s WHERE s.record_id = records.id AND s.batch_id = ? AND s.record_id BETWEEN ? AND ? AND s.noop = 0`,
			[]any{batch, at, batch, lo, hi}},
		{`DELETE FROM record_links WHERE record_id IN
			(SELECT record_id FROM staged_revisions WHERE batch_id = ? AND record_id BETWEEN ? AND ? AND noop = 0)`,
			[]any{batch, lo, hi}},
		{`INSERT OR IGNORE INTO record_links(record_id, subject_id, role)
			SELECT s.record_id, json_extract(j.value, '$.SubjectID'), json_extract(j.value, '$.Role')
			FROM staged_revisions s, json_each(s.links) j WHERE s.batch_id = ? AND s.record_id BETWEEN ? AND ? AND s.noop = 0`,
			[]any{batch, lo, hi}},
		{"DELETE FROM staged_revisions WHERE batch_id = ? AND record_id BETWEEN ? AND ?", []any{batch, lo, hi}},
	}
	for _, st := range steps {
		if _, err := t.ExecContext(t.ctx, st.q, st.args...); err != nil {
			return err
		}
	}
	return nil
}

// settle applies the record's published pending revision, if it has one, so
// that a change made in this transaction starts from the record as everyone
// sees it. Every workflow write of a record's content, status, history or
// links calls it first (supersede does).
func (t *Tx) settle(recordID int64) error {
	var batch int64
	var at, operator string
	err := t.QueryRowContext(t.ctx, "SELECT batch_id, published_at, published_by FROM pending_revisions WHERE record_id = ?", recordID).
		Scan(&batch, &at, &operator)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return t.applyRevisions(batch, recordID, recordID, at, operator)
}

// PendingBatches lists the published batches whose revisions are not all
// applied yet, oldest publish first.
func (s *Store) PendingBatches(ctx context.Context) ([]int64, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT b.id FROM batches b WHERE b.state = 'published'
		AND EXISTS (SELECT 1 FROM staged_revisions s WHERE s.batch_id = b.id) ORDER BY b.finished_at, b.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// applyChunk moves up to ApplyChunk of the published batch's pending
// revisions, lowest record ids first, in this transaction. done is true
// when none are left.
func (t *Tx) applyChunk(batch int64) (done bool, err error) {
	var state, at, operator string
	if err := t.QueryRowContext(t.ctx, "SELECT state, coalesce(finished_at, ''), operator FROM batches WHERE id = ?", batch).
		Scan(&state, &at, &operator); err != nil {
		return false, err
	}
	if state != "published" {
		return true, nil // a staging batch's revisions wait for its publish
	}
	var lo, hi sql.NullInt64
	if err := t.QueryRowContext(t.ctx, `SELECT min(record_id), max(record_id) FROM
		(SELECT record_id FROM staged_revisions WHERE batch_id = ? ORDER BY record_id LIMIT ?)`, batch, ApplyChunk).Scan(&lo, &hi); err != nil {
		return false, err
	}
	if !lo.Valid {
		return true, nil
	}
	return false, t.applyRevisions(batch, lo.Int64, hi.Int64, at, operator)
}

// ApplyPending moves the published batch's pending revisions into the base
// tables, one short write transaction per ApplyChunk records, so that small
// writes of other processes pass between the chunks. Each chunk leaves what
// readers see unchanged; a process killed between (or in) chunks leaves the
// rest pending, still shown by the views, for Drain to finish.
func (s *Store) ApplyPending(ctx context.Context, a Actor, batch int64) error {
	return s.applyPending(ctx, batch, func(fn func(*Tx) error) error {
		// Let every writer that waits for the lock in first (gate_unix.go):
		// SQLite's lock is not fair, and a chunk begun at once after the
		// last one could win it again and again (SPEC §6, issue 16).
		s.gate.yield()
		return s.Write(ctx, a, fn)
	})
}

// ApplyPending is Store.ApplyPending on the session's connection, after its
// publish (Durable: synchronous=FULL, foreign keys on, as any short write).
// The importer that published the batch applies it there, on a connection
// no other write will use (Session.Write lets waiting writers in before each
// chunk as Store.ApplyPending does).
//
// Its statement journals go to a temporary file (temp_store=FILE) rather
// than memory: the UPDATE of records is a multi-row statement with triggers
// (the seals'), which SQLite guards with a statement journal holding every
// page it changes; in memory that journal is 1 KiB chunks allocated and freed
// one by one (two thirds of the apply's CPU on a 50,000-row revision batch,
// issue 17), in a file one spill of 64 KiB and writes to the OS cache. Temp
// files are never synced. The staging before keeps temp_store=MEMORY (it was
// slower with a file); the change drops the connection's TEMP objects, which
// the next write re-creates (sealwrite.go). The session's connection is
// closed for good afterwards, so no other write inherits the setting.
func (se *Session) ApplyPending(ctx context.Context, a Actor, batch int64) error {
	if _, err := se.conn.ExecContext(ctx, "PRAGMA temp_store = FILE"); err != nil {
		return err
	}
	return se.s.applyPending(ctx, batch, func(fn func(*Tx) error) error { return se.Write(ctx, a, fn) })
}

// applyPending runs the apply's chunks, each through write (one write
// transaction that first lets waiting writers in).
func (s *Store) applyPending(ctx context.Context, batch int64, write func(func(*Tx) error) error) error {
	for chunk := 0; ; chunk++ {
		if applyHook != nil {
			if err := applyHook(batch, chunk); err != nil {
				return err
			}
		}
		var done bool
		if err := write(func(tx *Tx) error {
			var err error
			done, err = tx.applyChunk(batch)
			return err
		}); err != nil {
			return err
		}
		if done {
			return nil
		}
	}
}

// Drain finishes the apply of every published batch with pending revisions
// (after a process died mid-apply). The next import, `credit init` and
// `credit serve` at start call it; it does nothing when nothing is pending.
func (s *Store) Drain(ctx context.Context, a Actor) error {
	batches, err := s.PendingBatches(ctx)
	if err != nil {
		return err
	}
	for _, b := range batches {
		if err := s.ApplyPending(ctx, a, b); err != nil {
			return err
		}
	}
	return nil
}
