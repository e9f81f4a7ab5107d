package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
)

// Queries behind subject archives (issue 5). They return what is stored,
// published only; which of it an asker may see (scope, validity, masking) is
// internal/archive's business.

// SubjectRow is a stored 信息主体.
type SubjectRow struct {
	ID   int64
	Code string
	Kind string // organisation | individual_business | natural_person
	Name string
}

// SubjectByCode finds the subject with a normalised code.
func (s *Store) SubjectByCode(ctx context.Context, code string) (SubjectRow, bool, error) {
	var sub SubjectRow
	err := s.DB.QueryRowContext(ctx, "SELECT id, code, kind, name FROM subjects WHERE code = ?", code).
		Scan(&sub.ID, &sub.Code, &sub.Kind, &sub.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return sub, false, nil
	}
	return sub, err == nil, err
}

// SubjectsByID loads subjects by id.
func (s *Store) SubjectsByID(ctx context.Context, ids []int64) (map[int64]SubjectRow, error) {
	out := make(map[int64]SubjectRow, len(ids))
	for i := 0; i < len(ids); i += 500 {
		part := ids[i:min(i+500, len(ids))]
		rows, err := s.DB.QueryContext(ctx, "SELECT id, code, kind, name FROM subjects WHERE id IN ("+placeholders(len(part))+")", archiveIDArgs(part)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var sub SubjectRow
			if err := rows.Scan(&sub.ID, &sub.Code, &sub.Kind, &sub.Name); err != nil {
				rows.Close()
				return nil, err
			}
			out[sub.ID] = sub
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// StoredRecord is the current revision of a published record, as an archive
// reads it.
type StoredRecord struct {
	ID          int64
	Item        string
	SubjectID   int64
	Provider    string
	Channel     string
	FirstBatch  int64
	Rev         int
	Procedure   string // what made the current content
	Category    string
	Severity    string
	DecidedOn   string
	ValidUntil  string
	Status      string // active | withdrawn | repaired
	Layout      int64
	Vals        string // JSON array aligned with the layout
	ContentHash string
	UpdatedAt   string
	// LinkRole is set when the record is in an archive through 第二十九条
	// (legal_rep | principal | direct), empty for the subject's own records.
	LinkRole string
	// Created: the operator and time of the batch that first stored it.
	CreatedBy, CreatedAt string
}

const storedRecordCols = `r.id, r.item, r.subject_id, r.provider, r.channel, r.first_batch, r.rev, r.procedure, r.category, r.severity,
	r.decided_on, r.valid_until, r.status, r.layout, r.vals, r.content_hash, r.updated_at, b.operator, coalesce(b.finished_at, b.started_at)`

func scanStoredRecord(sc interface{ Scan(...any) error }, extra ...any) (StoredRecord, error) {
	var r StoredRecord
	err := sc.Scan(append([]any{&r.ID, &r.Item, &r.SubjectID, &r.Provider, &r.Channel, &r.FirstBatch, &r.Rev, &r.Procedure, &r.Category,
		&r.Severity, &r.DecidedOn, &r.ValidUntil, &r.Status, &r.Layout, &r.Vals, &r.ContentHash, &r.UpdatedAt, &r.CreatedBy, &r.CreatedAt}, extra...)...)
	return r, err
}

// SubjectRecords lists a subject's published records (every status), then
// the published records linked to it by 第二十九条 (one row per role), by
// id. Both reads use an index on the subject.
func (s *Store) SubjectRecords(ctx context.Context, subjectID int64) ([]StoredRecord, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT `+storedRecordCols+`, '' FROM records r
		JOIN batches b ON b.id = r.first_batch AND b.state = 'published'
		WHERE r.subject_id = ?1
		UNION ALL
		SELECT `+storedRecordCols+`, l.role FROM record_links l
		JOIN records r ON r.id = l.record_id
		JOIN batches b ON b.id = r.first_batch AND b.state = 'published'
		WHERE l.subject_id = ?1 AND r.subject_id <> ?1`, subjectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StoredRecord
	for rows.Next() {
		var role string
		r, err := scanStoredRecord(rows, &role)
		if err != nil {
			return nil, err
		}
		r.LinkRole = role
		out = append(out, r)
	}
	return out, rows.Err()
}

// LayoutNames returns the field names of each layout id asked for.
func (s *Store) LayoutNames(ctx context.Context, ids []int64) (map[int64][]string, error) {
	out := make(map[int64][]string, len(ids))
	var want []int64
	seen := map[int64]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			want = append(want, id)
		}
	}
	for i := 0; i < len(want); i += 500 {
		part := want[i:min(i+500, len(want))]
		rows, err := s.DB.QueryContext(ctx, "SELECT id, names FROM layouts WHERE id IN ("+placeholders(len(part))+")", archiveIDArgs(part)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var b string
			if err := rows.Scan(&id, &b); err != nil {
				rows.Close()
				return nil, err
			}
			var names []string
			if err := json.Unmarshal([]byte(b), &names); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = names
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SupersededRevision is a superseded revision of a record (record_history).
type SupersededRevision struct {
	RecordID     int64
	Rev          int
	RevBatch     int64 // 0 when the revision was made by a workflow
	Procedure    string
	Category     string
	Severity     string
	DecidedOn    string
	ValidUntil   string
	Status       string
	Layout       int64
	Vals         string
	ContentHash  string
	ValidFrom    string // when it became current
	SupersededAt string
	SupersededBy string // the procedure that replaced it
	Ref          string // batch, objection or repair reference of that change
	Operator     string // who made that change
}

// SupersededRevisions lists the superseded revisions of each record, oldest first.
func (s *Store) SupersededRevisions(ctx context.Context, recordIDs []int64) (map[int64][]SupersededRevision, error) {
	out := map[int64][]SupersededRevision{}
	for i := 0; i < len(recordIDs); i += 500 {
		part := recordIDs[i:min(i+500, len(recordIDs))]
		rows, err := s.DB.QueryContext(ctx, `SELECT record_id, rev, coalesce(rev_batch, 0), procedure, category, severity, decided_on, valid_until,
			status, layout, vals, content_hash, valid_from, superseded_at, superseded_by, ref, operator
			FROM record_history WHERE record_id IN (`+placeholders(len(part))+`) ORDER BY record_id, rev`, archiveIDArgs(part)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var v SupersededRevision
			if err := rows.Scan(&v.RecordID, &v.Rev, &v.RevBatch, &v.Procedure, &v.Category, &v.Severity, &v.DecidedOn, &v.ValidUntil,
				&v.Status, &v.Layout, &v.Vals, &v.ContentHash, &v.ValidFrom, &v.SupersededAt, &v.SupersededBy, &v.Ref, &v.Operator); err != nil {
				rows.Close()
				return nil, err
			}
			out[v.RecordID] = append(out[v.RecordID], v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SubjectQuery selects subjects for a search: by name (NameKey, a
// normalised name matched as a substring) or by code (CodePrefix, matched as
// a prefix of the normalised code), ranked exact > prefix > substring, then
// by name (or code) and id.
type SubjectQuery struct {
	NameKey    string
	CodePrefix string
	// CodeExactKinds: subjects of these kinds match a code search only by
	// their whole code (natural persons outside the office: an ID-number
	// prefix search would let anyone enumerate people).
	CodeExactKinds []string
	// Visible, when set, keeps only subjects with at least one record this
	// filter admits (their own, or a serious record linked to them).
	Visible *VisibleFilter
	Limit   int
	Offset  int
	// CountCap stops counting the subjects found once this many are known
	// to be visible (0: count them all); SubjectPage.More then says so.
	CountCap int
}

// VisibleFilter admits published, active records of the given items that
// are valid on ValidOn (YYYY-MM-DD).
type VisibleFilter struct {
	Items   []string
	ValidOn string
}

// SubjectHit is a subject found by a search.
type SubjectHit struct {
	SubjectRow
	Rank int // 0 exact, 1 prefix, 2 substring
}

// SubjectPage is one page of a search and how many subjects it found.
type SubjectPage struct {
	Hits  []SubjectHit
	Total int
	More  bool // counting stopped at CountCap: Total is a lower bound
}

// archiveLikeEscape escapes LIKE's wildcards with '\'.
func archiveLikeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

type candidate struct {
	id   int64
	rank int
}

// SearchSubjects returns one page of the subjects q selects. The matching
// subjects are ranked first (the name or code index alone: cheap), then
// checked for visibility in rank order, in batches, only as far as the page
// and the count need: a common name matching tens of thousands of subjects
// costs a few batches, not a records lookup per match.
func (s *Store) SearchSubjects(ctx context.Context, q SubjectQuery) (SubjectPage, error) {
	var page SubjectPage
	var query string
	var args []any
	switch {
	case q.CodePrefix != "":
		// Codes are ASCII: every code with the prefix sorts in [p, p+"\x7f").
		query = "SELECT s.id, CASE WHEN s.code = ? THEN 0 ELSE 1 END AS rk FROM subjects s WHERE s.code >= ? AND s.code < ?"
		args = []any{q.CodePrefix, q.CodePrefix, q.CodePrefix + "\x7f"}
		if len(q.CodeExactKinds) > 0 {
			query += " AND (s.kind NOT IN (" + placeholders(len(q.CodeExactKinds)) + ") OR s.code = ?)"
			for _, k := range q.CodeExactKinds {
				args = append(args, k)
			}
			args = append(args, q.CodePrefix)
		}
		query += " ORDER BY rk, s.code"
	case q.NameKey != "":
		query = `SELECT s.id, CASE WHEN s.name_key = ? THEN 0 WHEN substr(s.name_key, 1, ?) = ? THEN 1 ELSE 2 END AS rk
			FROM subjects s WHERE s.name_key LIKE ? ESCAPE '\' ORDER BY rk, s.name_key, s.id`
		args = []any{q.NameKey, len([]rune(q.NameKey)), q.NameKey, "%" + archiveLikeEscape(q.NameKey) + "%"}
	default:
		return page, nil
	}
	rows, err := s.DB.QueryContext(ctx, query, args...)
	if err != nil {
		return page, err
	}
	var cands []candidate
	for rows.Next() {
		var c candidate
		if err := rows.Scan(&c.id, &c.rank); err != nil {
			rows.Close()
			return page, err
		}
		cands = append(cands, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return page, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	offset := max(q.Offset, 0)
	need := offset + limit
	if q.CountCap > 0 {
		need = max(need, q.CountCap)
	}
	var found []candidate
	if q.Visible == nil {
		found = cands
	} else {
		if len(q.Visible.Items) == 0 {
			return page, nil
		}
		const batch = 200
		checked := 0
		for checked < len(cands) && (q.CountCap == 0 || len(found) < need) {
			part := cands[checked:min(checked+batch, len(cands))]
			ok, err := s.visibleSubjects(ctx, part, q.Visible)
			if err != nil {
				return page, err
			}
			for _, c := range part {
				if ok[c.id] {
					found = append(found, c)
				}
			}
			checked += len(part)
		}
		page.More = checked < len(cands)
	}
	page.Total = len(found)
	if offset >= len(found) {
		return page, nil
	}
	found = found[offset:min(offset+limit, len(found))]
	ids := make([]int64, len(found))
	for i, c := range found {
		ids[i] = c.id
	}
	subs, err := s.SubjectsByID(ctx, ids)
	if err != nil {
		return page, err
	}
	for _, c := range found {
		page.Hits = append(page.Hits, SubjectHit{SubjectRow: subs[c.id], Rank: c.rank})
	}
	return page, nil
}

// visibleSubjects reports which of the candidates have a record v admits.
// The items are checked here rather than in SQL: given "item IN (…)" the
// planner may prefer the (item, natural_key) index and read every record of
// the item instead of the few of these subjects.
func (s *Store) visibleSubjects(ctx context.Context, cands []candidate, v *VisibleFilter) (map[int64]bool, error) {
	in := placeholders(len(cands))
	rec := `r.status = 'active' AND (r.valid_until = '' OR r.valid_until >= ?)
		AND EXISTS (SELECT 1 FROM batches b WHERE b.id = r.first_batch AND b.state = 'published')`
	var args []any
	for range 2 {
		for _, c := range cands {
			args = append(args, c.id)
		}
		args = append(args, v.ValidOn)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT r.subject_id, r.item FROM records r WHERE r.subject_id IN (`+in+`) AND `+rec+`
		UNION SELECT l.subject_id, r.item FROM record_links l JOIN records r ON r.id = l.record_id
		WHERE l.subject_id IN (`+in+`) AND r.severity = 'serious' AND `+rec, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	items := make(map[string]bool, len(v.Items))
	for _, it := range v.Items {
		items[it] = true
	}
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		var item string
		if err := rows.Scan(&id, &item); err != nil {
			return nil, err
		}
		if items[item] {
			out[id] = true
		}
	}
	return out, rows.Err()
}

// ItemRecords calls fn for each published record of item decided on or
// after since (an empty since: all), by id, with its subject. The archive decides
// which of them a unit may receive.
func (s *Store) ItemRecords(ctx context.Context, item, since string, fn func(StoredRecord, SubjectRow) error) error {
	rows, err := s.DB.QueryContext(ctx, `SELECT `+storedRecordCols+`, s.id, s.code, s.kind, s.name FROM records r
		JOIN batches b ON b.id = r.first_batch AND b.state = 'published'
		JOIN subjects s ON s.id = r.subject_id
		WHERE r.item = ? AND r.decided_on >= ? ORDER BY r.id`, item, since)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var sub SubjectRow
		r, err := scanStoredRecord(rows, &sub.ID, &sub.Code, &sub.Kind, &sub.Name)
		if err != nil {
			return err
		}
		if err := fn(r, sub); err != nil {
			return err
		}
	}
	return rows.Err()
}

func archiveIDArgs(ids []int64) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

// ItemLayouts returns every layout stored for item, by id.
func (s *Store) ItemLayouts(ctx context.Context, item string) (map[int64][]string, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT id, names FROM layouts WHERE item = ?", item)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var id int64
		var b string
		if err := rows.Scan(&id, &b); err != nil {
			return nil, err
		}
		var names []string
		if err := json.Unmarshal([]byte(b), &names); err != nil {
			return nil, err
		}
		out[id] = names
	}
	return out, rows.Err()
}
