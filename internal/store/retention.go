package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// The retention procedure of 第八条 (migration retention_purges). The rules (from which
// date a retention period counts, what may be purged) live in
// internal/retention; here are its reads and the purge itself.

// StatusPurged is a record whose values were removed by the retention
// procedure: the row stays so that its id keeps naming it.
const StatusPurged = "purged"

// RetentionRow is a published record, not yet purged, with what its
// retention period counts from.
type RetentionRow struct {
	ID          int64
	Item        string
	Category    string
	Status      string // active | withdrawn | repaired
	DecidedOn   string
	ValidUntil  string
	StoredOn    string // the office date of the batch that first stored it
	RepairedOn  string // the office date its repair was completed ('' unless repaired)
	SubjectID   int64
	SubjectCode string
	SubjectKind string
	ContentHash string
}

const retentionRowSQL = `SELECT r.id, r.item, r.category, r.status, r.decided_on, r.valid_until, b.today,
	CASE WHEN r.status = 'repaired' THEN coalesce((SELECT max(e.on_date) FROM repairs p
		JOIN queue_events e ON e.queue = 'repair' AND e.case_id = p.id AND e.to_state = 'repaired'
		WHERE p.record_id = r.id), '') ELSE '' END,
	s.id, s.code, s.kind, r.content_hash
	FROM current_records r JOIN batches b ON b.id = r.first_batch AND b.state = 'published'
	JOIN subjects s ON s.id = r.subject_id`

func retentionRows(ctx context.Context, q queryer, where string, args []any, fn func(RetentionRow) error) error {
	rows, err := q.QueryContext(ctx, retentionRowSQL+" WHERE "+where+" ORDER BY r.id", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r RetentionRow
		if err := rows.Scan(&r.ID, &r.Item, &r.Category, &r.Status, &r.DecidedOn, &r.ValidUntil, &r.StoredOn, &r.RepairedOn,
			&r.SubjectID, &r.SubjectCode, &r.SubjectKind, &r.ContentHash); err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

func itemsWhere(items []string) (string, []any) {
	args := make([]any, len(items))
	for i, it := range items {
		args[i] = it
	}
	return "r.status <> 'purged' AND r.item IN (" + placeholders(len(items)) + ")", args
}

// RetentionRows calls fn for each published, not purged record of items, by id.
func (s *Store) RetentionRows(ctx context.Context, items []string, fn func(RetentionRow) error) error {
	if len(items) == 0 {
		return nil
	}
	where, args := itemsWhere(items)
	return retentionRows(ctx, s.DB, where, args, fn)
}

// RetentionRows is Store.RetentionRows inside a write: what the purge
// decides on is what it changes.
func (t *Tx) RetentionRows(items []string, fn func(RetentionRow) error) error {
	if len(items) == 0 {
		return nil
	}
	where, args := itemsWhere(items)
	return retentionRows(t.ctx, t.Tx, where, args, fn)
}

// RecordLocks lists the open procedures (objection, repair) holding a record.
func (s *Store) RecordLocks(ctx context.Context, id int64) ([]string, error) {
	var locks []string
	for name, q := range lockQueries {
		var n int
		if err := s.reader(ctx).QueryRowContext(ctx, q, id).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			locks = append(locks, name)
		}
	}
	sortStrings(locks)
	return locks, nil
}

// Purge is one record to purge and why its retention has run out.
type Purge struct {
	RecordID    int64
	Ref         string
	Basis       string
	CountedFrom string
	Period      string
	KeptThrough string
}

// PurgeResult is what a purge did to one record.
type PurgeResult struct {
	Item        string
	ContentHash string
	Revisions   int     // superseded revisions emptied
	Links       int     // 第二十九条 links removed
	Subjects    []int64 // the record's subject and the persons it was linked to
}

// emptyVals is a layout's values with every value removed.
func (t *Tx) emptyVals(layout int64) (string, error) {
	var n int
	if err := t.QueryRowContext(t.ctx, "SELECT json_array_length(names) FROM layouts WHERE id = ?", layout).Scan(&n); err != nil {
		return "", fmt.Errorf("layout %d: %w", layout, err)
	}
	b, err := json.Marshal(make([]string, n))
	return string(b), err
}

// SecureDelete turns SQLite's secure_delete on or off for this
// transaction's connection: with it on, the space a row or page leaves is
// overwritten with zeros, so a purged value does not linger in the file.
func (t *Tx) SecureDelete(on bool) error {
	v := "OFF"
	if on {
		v = "ON"
	}
	_, err := t.ExecContext(t.ctx, "PRAGMA secure_delete = "+v)
	return err
}

// PurgeRecord removes the values of record p.RecordID and of its superseded
// revisions, keeping the rows (ids, item, dates, content hashes) with status
// purged; the natural key, which holds the subject's code, becomes
// "purged:<id>"; the 第二十九条 links of the record go, and so do the
// personal texts of the objections and repairs about it (applicant,
// contact, evidence, detail). ok is false when the record is already purged
// or not published (nothing is done). The caller writes the audit entry.
func (t *Tx) PurgeRecord(p Purge) (res PurgeResult, ok bool, err error) {
	// A published pending revision first takes its place in the base
	// tables, so its superseded content is purged with the rest.
	if err := t.settle(p.RecordID); err != nil {
		return res, false, err
	}
	var layout, subject int64
	var status string
	err = t.QueryRowContext(t.ctx, `SELECT r.item, r.layout, r.status, r.content_hash, r.subject_id FROM records r
		JOIN batches b ON b.id = r.first_batch AND b.state = 'published' WHERE r.id = ?`, p.RecordID).
		Scan(&res.Item, &layout, &status, &res.ContentHash, &subject)
	if errors.Is(err, sql.ErrNoRows) || status == StatusPurged {
		return res, false, nil
	}
	if err != nil {
		return res, false, err
	}
	empty, err := t.emptyVals(layout)
	if err != nil {
		return res, false, err
	}
	if _, err := t.ExecContext(t.ctx, `UPDATE records SET status = 'purged', procedure = 'purge', vals = ?, natural_key = 'purged:' || id,
		rev_batch = NULL, updated_at = ? WHERE id = ?`, empty, t.At, p.RecordID); err != nil {
		return res, false, err
	}
	hist, err := t.QueryContext(t.ctx, "SELECT id, layout FROM record_history WHERE record_id = ?", p.RecordID)
	if err != nil {
		return res, false, err
	}
	type rev struct{ id, layout int64 }
	var revs []rev
	for hist.Next() {
		var r rev
		if err := hist.Scan(&r.id, &r.layout); err != nil {
			hist.Close()
			return res, false, err
		}
		revs = append(revs, r)
	}
	hist.Close()
	if err := hist.Err(); err != nil {
		return res, false, err
	}
	for _, r := range revs {
		e, err := t.emptyVals(r.layout)
		if err != nil {
			return res, false, err
		}
		if _, err := t.ExecContext(t.ctx, "UPDATE record_history SET vals = ? WHERE id = ?", e, r.id); err != nil {
			return res, false, err
		}
	}
	res.Revisions = len(revs)
	res.Subjects = []int64{subject}
	links, err := t.QueryContext(t.ctx, "SELECT DISTINCT subject_id FROM record_links WHERE record_id = ? ORDER BY subject_id", p.RecordID)
	if err != nil {
		return res, false, err
	}
	for links.Next() {
		var id int64
		if err := links.Scan(&id); err != nil {
			links.Close()
			return res, false, err
		}
		if id != subject {
			res.Subjects = append(res.Subjects, id)
		}
	}
	links.Close()
	if err := links.Err(); err != nil {
		return res, false, err
	}
	n, err := t.ExecContext(t.ctx, "DELETE FROM record_links WHERE record_id = ?", p.RecordID)
	if err != nil {
		return res, false, err
	}
	nl, _ := n.RowsAffected()
	res.Links = int(nl)
	if _, err := t.ExecContext(t.ctx, "UPDATE objections SET applicant = '', contact = '', evidence = '', detail = '' WHERE record_id = ?", p.RecordID); err != nil {
		return res, false, err
	}
	if _, err := t.ExecContext(t.ctx, "UPDATE repairs SET evidence = '' WHERE record_id = ?", p.RecordID); err != nil {
		return res, false, err
	}
	_, err = t.ExecContext(t.ctx, `INSERT INTO retention_purges(record_id, item, ref, basis, counted_from, period, kept_through, content_hash,
		revisions, purged_on, purged_at, purged_by, acting_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		p.RecordID, res.Item, p.Ref, p.Basis, p.CountedFrom, p.Period, p.KeptThrough, res.ContentHash, res.Revisions,
		t.Actor.Today.String(), t.At, t.Actor.Operator, t.Actor.ActingBy)
	return res, err == nil, err
}

// ClearSubject removes the code and name of a natural person or 个体工商户
// that no record which is not purged belongs to or is linked to (in any
// batch, staging included) and that no staging batch is about to name: the
// row stays, so the ids in the query log still name it, but nothing in it
// says who it was. Organisations keep their code and name (registration
// data, not personal information), so the office still finds their purged
// records. cleared is false when the subject is kept as it was.
func (t *Tx) ClearSubject(id int64) (cleared bool, err error) {
	res, err := t.ExecContext(t.ctx, `UPDATE subjects SET code = 'purged:' || id, name = '', name_key = ''
		WHERE id = ?1 AND kind IN ('natural_person', 'individual_business') AND code NOT LIKE 'purged:%'
		AND NOT EXISTS (SELECT 1 FROM current_records r WHERE r.subject_id = ?1 AND r.status <> 'purged')
		AND NOT EXISTS (SELECT 1 FROM current_record_links l JOIN current_records r ON r.id = l.record_id WHERE l.subject_id = ?1 AND r.status <> 'purged')
		AND NOT EXISTS (SELECT 1 FROM staged_names n WHERE n.subject_id = ?1)`, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// PurgedRecord is the office's note of a purge (retention_purges).
type PurgedRecord struct {
	RecordID    int64
	Item        string
	Ref         string
	Basis       string
	CountedFrom string
	Period      string
	KeptThrough string
	ContentHash string
	Revisions   int
	PurgedOn    string
	PurgedAt    string
	PurgedBy    string
	ActingBy    string
}

const purgedCols = `record_id, item, ref, basis, counted_from, period, kept_through, content_hash, revisions, purged_on, purged_at, purged_by, acting_by`

func scanPurged(rows *sql.Rows) (PurgedRecord, error) {
	var p PurgedRecord
	err := rows.Scan(&p.RecordID, &p.Item, &p.Ref, &p.Basis, &p.CountedFrom, &p.Period, &p.KeptThrough, &p.ContentHash, &p.Revisions,
		&p.PurgedOn, &p.PurgedAt, &p.PurgedBy, &p.ActingBy)
	return p, err
}

// PurgedRecords returns the purge notes of the records asked for that
// were purged.
func (s *Store) PurgedRecords(ctx context.Context, ids []int64) (map[int64]PurgedRecord, error) {
	out := map[int64]PurgedRecord{}
	for i := 0; i < len(ids); i += 500 {
		part := ids[i:min(i+500, len(ids))]
		rows, err := s.reader(ctx).QueryContext(ctx, "SELECT "+purgedCols+" FROM retention_purges WHERE record_id IN ("+placeholders(len(part))+")", archiveIDArgs(part)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			p, err := scanPurged(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[p.RecordID] = p
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PurgeLog lists every purge, by record id (ref: only those made under
// that document; empty: all).
func (s *Store) PurgeLog(ctx context.Context, ref string) ([]PurgedRecord, error) {
	q, args := "SELECT "+purgedCols+" FROM retention_purges", []any{}
	if ref = strings.TrimSpace(ref); ref != "" {
		q, args = q+" WHERE ref = ?", append(args, ref)
	}
	rows, err := s.reader(ctx).QueryContext(ctx, q+" ORDER BY record_id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PurgedRecord
	for rows.Next() {
		p, err := scanPurged(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// LastAudit is the latest audit entry of action: its real time and office
// date. ok is false when there is none.
func (s *Store) LastAudit(ctx context.Context, action string) (at, today string, ok bool, err error) {
	err = s.reader(ctx).QueryRowContext(ctx, "SELECT at, today FROM audit_log WHERE action = ? ORDER BY seq DESC LIMIT 1", action).Scan(&at, &today)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, nil
	}
	return at, today, err == nil, err
}

// Wipe rebuilds the store file (VACUUM) so that no free space in it keeps
// a copy of what was removed: values a purge overwrote, and the remnants of
// rows deleted long before (staging rows, old index entries), which
// secure_delete cannot reach after the fact. It takes the write lock for as
// long as the copy takes.
func (s *Store) Wipe(ctx context.Context) error {
	done := s.gate.waiting()
	defer done()
	_, err := s.DB.ExecContext(ctx, "VACUUM")
	return s.busyErrorOrNil(err)
}

func (s *Store) busyErrorOrNil(err error) error {
	if err == nil {
		return nil
	}
	return s.busyError(err)
}

// TruncateWAL copies the write-ahead log into the store file and empties
// it, so that pages a purge rewrote survive nowhere in the log. complete is
// false when a reader still used the log (the old pages stay in it until
// the next checkpoint).
func (s *Store) TruncateWAL(ctx context.Context) (complete bool, err error) {
	var busy, frames, copied int
	if err := s.DB.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &copied); err != nil {
		return false, err
	}
	return busy == 0, nil
}
