package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Queries behind red and black lists (issue 8). Imported list entries are
// records of the catalog's list items, read as they stand; hand-made entries
// are rows of roster_entries; a removal of either is a roster_removals row.
// What counts on a date is internal/roster's business.

// RosterManualRow is a hand-made list entry.
type RosterManualRow struct {
	ID          int64
	List        string
	ListName    string
	SubjectCode string
	SubjectName string
	Unit        string
	Basis       string
	Reason      string
	Determined  string
	ValidUntil  string
	ReportedOn  string
	State       string // pending | approved | rejected
	AddedBy     string
	AddedOn     string
	AddedAt     string
	DecidedBy   string
	DecidedOn   string
}

// RosterRecordRow is a published record of a list item, with its field names
// and values decoded.
type RosterRecordRow struct {
	RecordID    int64
	Item        string
	SubjectID   int64
	SubjectCode string
	SubjectKind string
	SubjectName string
	Provider    string
	FirstBatch  int64
	ReportedOn  string // the office date of the batch that brought it
	DecidedOn   string
	ValidUntil  string
	Status      string
	ContentHash string
	Names       []string
	Vals        []string
}

// Value is the record's value of field name ("" when absent).
func (r RosterRecordRow) Value(name string) string {
	for i, n := range r.Names {
		if n == name && i < len(r.Vals) {
			return r.Vals[i]
		}
	}
	return ""
}

// RosterRemovalRow is the removal of a list entry.
type RosterRemovalRow struct {
	Entry     string
	RemovedOn string
	Reason    string
	RemovedBy string
	RemovedAt string
	Ground    string // revoked | objection | repair | expired; '' before migration 010
	Ref       string // the document: 认定单位's decision, objection or repair reference
}

// RosterFilter narrows the entries read. Zero values mean "any".
type RosterFilter struct {
	SubjectCode string // normalised code
	List        string // red | black (manual entries); imported ones by Items
	ManualID    int64  // one hand-made entry
	RecordID    int64  // one imported entry
	// ReportedFrom/To bound the reported date (inclusive), for the monthly
	// collection report.
	ReportedFrom, ReportedTo string
}

// rosterManualCols read a hand-made entry; a subject name left out of the
// determination is the name on file for its code, so that every list shows
// the name beside the code.
const rosterManualCols = `id, list, list_name, subject_code,
	CASE WHEN subject_name != '' THEN subject_name
	     ELSE COALESCE((SELECT s.name FROM subjects s WHERE s.code = roster_entries.subject_code), '') END,
	unit, basis, reason, determined, valid_until, reported_on,
	state, added_by, added_on, added_at, decided_by, decided_on`

func scanRosterManual(sc interface{ Scan(...any) error }) (RosterManualRow, error) {
	var r RosterManualRow
	err := sc.Scan(&r.ID, &r.List, &r.ListName, &r.SubjectCode, &r.SubjectName, &r.Unit, &r.Basis, &r.Reason, &r.Determined,
		&r.ValidUntil, &r.ReportedOn, &r.State, &r.AddedBy, &r.AddedOn, &r.AddedAt, &r.DecidedBy, &r.DecidedOn)
	return r, err
}

// RosterManualEntries lists hand-made entries by id.
func (s *Store) RosterManualEntries(ctx context.Context, f RosterFilter) ([]RosterManualRow, error) {
	if f.RecordID != 0 {
		return nil, nil
	}
	var where []string
	var args []any
	if f.SubjectCode != "" {
		where, args = append(where, "subject_code = ?"), append(args, f.SubjectCode)
	}
	if f.List != "" {
		where, args = append(where, "list = ?"), append(args, f.List)
	}
	if f.ManualID != 0 {
		where, args = append(where, "id = ?"), append(args, f.ManualID)
	}
	if f.ReportedFrom != "" {
		where, args = append(where, "reported_on >= ?"), append(args, f.ReportedFrom)
	}
	if f.ReportedTo != "" {
		where, args = append(where, "reported_on <= ?"), append(args, f.ReportedTo)
	}
	q := "SELECT " + rosterManualCols + " FROM roster_entries"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.reader(ctx).QueryContext(ctx, q+" ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RosterManualRow
	for rows.Next() {
		r, err := scanRosterManual(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RosterRecords lists the published records of the list items given (HMD,
// HEIMD: the catalog's items with roster set), whatever their status, except
// those purged after their retention period (第八条): nothing of them is left
// to list.
func (s *Store) RosterRecords(ctx context.Context, items []string, f RosterFilter) ([]RosterRecordRow, error) {
	if len(items) == 0 || f.ManualID != 0 {
		return nil, nil
	}
	args := make([]any, 0, len(items)+4)
	for _, it := range items {
		args = append(args, it)
	}
	where := []string{"r.item IN (" + placeholders(len(items)) + ")", "r.status <> 'purged'"}
	if f.SubjectCode != "" {
		where, args = append(where, "s.code = ?"), append(args, f.SubjectCode)
	}
	if f.RecordID != 0 {
		where, args = append(where, "r.id = ?"), append(args, f.RecordID)
	}
	if f.ReportedFrom != "" {
		where, args = append(where, "b.today >= ?"), append(args, f.ReportedFrom)
	}
	if f.ReportedTo != "" {
		where, args = append(where, "b.today <= ?"), append(args, f.ReportedTo)
	}
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT r.id, r.item, r.subject_id, s.code, s.kind, s.name, r.provider, r.first_batch, b.today,
		r.decided_on, r.valid_until, r.status, r.content_hash, l.names, r.vals
		FROM current_records r
		JOIN batches b ON b.id = r.first_batch AND b.state = 'published'
		JOIN subjects s ON s.id = r.subject_id
		JOIN layouts l ON l.id = r.layout
		WHERE `+strings.Join(where, " AND ")+` ORDER BY r.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RosterRecordRow
	for rows.Next() {
		var r RosterRecordRow
		var names, vals string
		if err := rows.Scan(&r.RecordID, &r.Item, &r.SubjectID, &r.SubjectCode, &r.SubjectKind, &r.SubjectName, &r.Provider,
			&r.FirstBatch, &r.ReportedOn, &r.DecidedOn, &r.ValidUntil, &r.Status, &r.ContentHash, &names, &vals); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(names), &r.Names); err != nil {
			return nil, fmt.Errorf("record %d layout: %w", r.RecordID, err)
		}
		if err := json.Unmarshal([]byte(vals), &r.Vals); err != nil {
			return nil, fmt.Errorf("record %d values: %w", r.RecordID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RosterRemovals returns the removals of the entries given (all when ids is
// nil), by entry id.
func (s *Store) RosterRemovals(ctx context.Context, ids []string) (map[string]RosterRemovalRow, error) {
	out := map[string]RosterRemovalRow{}
	q := "SELECT entry, removed_on, reason, removed_by, removed_at, ground, ref FROM roster_removals"
	collect := func(q string, args ...any) error {
		rows, err := s.reader(ctx).QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r RosterRemovalRow
			if err := rows.Scan(&r.Entry, &r.RemovedOn, &r.Reason, &r.RemovedBy, &r.RemovedAt, &r.Ground, &r.Ref); err != nil {
				return err
			}
			out[r.Entry] = r
		}
		return rows.Err()
	}
	if ids == nil {
		return out, collect(q)
	}
	for i := 0; i < len(ids); i += 500 {
		part := ids[i:min(i+500, len(ids))]
		args := make([]any, len(part))
		for k, id := range part {
			args[k] = id
		}
		if err := collect(q+" WHERE entry IN ("+placeholders(len(part))+")", args...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// InsertRosterEntry stores a hand-made entry (pending) and returns its id.
func (t *Tx) InsertRosterEntry(r RosterManualRow) (int64, error) {
	res, err := t.ExecContext(t.ctx, `INSERT INTO roster_entries(list, list_name, subject_code, subject_name, unit, basis, reason,
		determined, valid_until, reported_on, state, added_by, added_on, added_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		r.List, r.ListName, r.SubjectCode, r.SubjectName, r.Unit, r.Basis, r.Reason, r.Determined, r.ValidUntil, r.ReportedOn,
		r.State, t.Actor.Operator, t.Actor.Today.String(), t.At)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// RosterManualEntry reads one hand-made entry inside the transaction.
func (t *Tx) RosterManualEntry(id int64) (RosterManualRow, bool, error) {
	r, err := scanRosterManual(t.QueryRowContext(t.ctx, "SELECT "+rosterManualCols+" FROM roster_entries WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, err
}

// DecideRosterEntry moves a pending hand-made entry to state (approved or
// rejected) when it is still in from; it reports whether it did.
func (t *Tx) DecideRosterEntry(id int64, from, state string) (bool, error) {
	res, err := t.ExecContext(t.ctx, `UPDATE roster_entries SET state = ?, decided_by = ?, decided_on = ?, decided_at = ?
		WHERE id = ? AND state = ?`, state, t.Actor.Operator, t.Actor.Today.String(), t.At, id, from)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RosterRemoval reads an entry's removal inside the transaction.
func (t *Tx) RosterRemoval(entry string) (RosterRemovalRow, bool, error) {
	var r RosterRemovalRow
	err := t.QueryRowContext(t.ctx, "SELECT entry, removed_on, reason, removed_by, removed_at, ground, ref FROM roster_removals WHERE entry = ?", entry).
		Scan(&r.Entry, &r.RemovedOn, &r.Reason, &r.RemovedBy, &r.RemovedAt, &r.Ground, &r.Ref)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, err
}

// RemoveRosterEntry records the removal of an entry from removedOn on, on a
// listed ground with its document reference (第三十六条).
func (t *Tx) RemoveRosterEntry(entry, removedOn, ground, ref, reason string) error {
	_, err := t.ExecContext(t.ctx, `INSERT INTO roster_removals(entry, removed_on, reason, removed_by, removed_at, ground, ref) VALUES (?,?,?,?,?,?,?)`,
		entry, removedOn, reason, t.Actor.Operator, t.At, ground, ref)
	return err
}

// EndRecordValidity makes lastDay the record's last valid day (the 认定单位
// revoked the listing it stands for): the current revision is kept in
// record_history, the new one made by procedure with ref. It returns the new
// revision.
func (t *Tx) EndRecordValidity(recordID int64, lastDay, procedure, ref string) (int, error) {
	if err := t.supersede(recordID, procedure, ref); err != nil {
		return 0, err
	}
	var rev int
	err := t.QueryRowContext(t.ctx, `UPDATE records SET rev = rev + 1, rev_batch = NULL, procedure = ?, valid_until = ?, updated_at = ?
		WHERE id = ? RETURNING rev`, procedure, lastDay, t.At, recordID).Scan(&rev)
	return rev, err
}

// RosterLink is a person a hand-entered black-list entry of a 法人 is
// recorded against (第二十九条).
type RosterLink struct {
	EntryID    int64
	PersonCode string // normalised 身份证号码
	Role       string // legal_rep | principal | direct
}

// InsertRosterLinks stores the responsible persons of a hand-entered entry.
func (t *Tx) InsertRosterLinks(links []RosterLink) error {
	for _, l := range links {
		if _, err := t.ExecContext(t.ctx, "INSERT OR IGNORE INTO roster_entry_links(entry_id, person_code, role) VALUES (?,?,?)",
			l.EntryID, l.PersonCode, l.Role); err != nil {
			return err
		}
	}
	return nil
}

// RosterLinks lists the responsible persons of the hand-entered entries ids
// (all when nil), or, with person set, the entries linked to that person.
func (s *Store) RosterLinks(ctx context.Context, ids []int64, person string) ([]RosterLink, error) {
	q, args := "SELECT entry_id, person_code, role FROM roster_entry_links", []any{}
	var where []string
	if ids != nil {
		if len(ids) == 0 {
			return nil, nil
		}
		where = append(where, "entry_id IN ("+placeholders(len(ids))+")")
		for _, id := range ids {
			args = append(args, id)
		}
	}
	if person != "" {
		where, args = append(where, "person_code = ?"), append(args, person)
	}
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.reader(ctx).QueryContext(ctx, q+" ORDER BY entry_id, role, person_code", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RosterLink
	for rows.Next() {
		var l RosterLink
		if err := rows.Scan(&l.EntryID, &l.PersonCode, &l.Role); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// RosterRecordInTx reads one imported entry's record inside a transaction
// (for removal): item, status and whether it is published.
func (t *Tx) RosterRecordInTx(recordID int64) (item, status string, ok bool, err error) {
	err = t.QueryRowContext(t.ctx, `SELECT r.item, r.status FROM current_records r
		JOIN batches b ON b.id = r.first_batch AND b.state = 'published' WHERE r.id = ?`, recordID).Scan(&item, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, nil
	}
	return item, status, err == nil, err
}
