package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"
)

// Queries behind subject archives (issue 5). They return what is stored,
// published only; which of it an asker may see (scope, validity, masking) is
// internal/archive's business.

// subjectKnown is the condition (on subjects aliased s) that a subject is on
// file: it has a record whose batch is published, or 第二十九条 links it to
// one. (The links are read as current_record_links shows them, in two
// parts the planner can drive from the subject: see migration 016.) A subject row that an import staging its batch (or a crashed one)
// created is known to nobody until that batch is published: its code and
// name must not show anywhere, not even in the office scope.
const subjectKnown = `(EXISTS (SELECT 1 FROM records kr JOIN batches kb ON kb.id = kr.first_batch AND kb.state = 'published'
		WHERE kr.subject_id = s.id)
	OR EXISTS (SELECT 1 FROM record_links kl JOIN records kr ON kr.id = kl.record_id
		JOIN batches kb ON kb.id = kr.first_batch AND kb.state = 'published' WHERE kl.subject_id = s.id
		AND NOT EXISTS (SELECT 1 FROM pending_revisions kp WHERE kp.record_id = kl.record_id))
	OR EXISTS (SELECT 1 FROM pending_links kl JOIN records kr ON kr.id = kl.record_id
		JOIN batches kb ON kb.id = kr.first_batch AND kb.state = 'published' WHERE kl.subject_id = s.id))`

// SubjectRow is a stored 信息主体.
type SubjectRow struct {
	ID   int64
	Code string
	Kind string // organisation | individual_business | natural_person
	Name string
}

// SubjectByCode finds the subject with a normalised code, when it is on
// file: a subject that only unpublished batches name is not found.
func (s *Store) SubjectByCode(ctx context.Context, code string) (SubjectRow, bool, error) {
	var sub SubjectRow
	err := s.reader(ctx).QueryRowContext(ctx, "SELECT s.id, s.code, s.kind, s.name FROM subjects s WHERE s.code = ? AND "+subjectKnown, code).
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
		rows, err := s.reader(ctx).QueryContext(ctx, "SELECT id, code, kind, name FROM subjects WHERE id IN ("+placeholders(len(part))+")", archiveIDArgs(part)...)
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
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT `+storedRecordCols+`, '' FROM current_records r
		JOIN batches b ON b.id = r.first_batch AND b.state = 'published'
		WHERE r.subject_id = ?1
		UNION ALL
		SELECT `+storedRecordCols+`, l.role FROM current_record_links l
		JOIN current_records r ON r.id = l.record_id
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
		rows, err := s.reader(ctx).QueryContext(ctx, "SELECT id, names FROM layouts WHERE id IN ("+placeholders(len(part))+")", archiveIDArgs(part)...)
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
	// ObjectionGround is the ground of the objection (wrong | prohibited |
	// expired) when Ref names one ("objection:N"), else "".
	ObjectionGround string
}

// SupersededRevisions lists the superseded revisions of each record, oldest first.
func (s *Store) SupersededRevisions(ctx context.Context, recordIDs []int64) (map[int64][]SupersededRevision, error) {
	out := map[int64][]SupersededRevision{}
	for i := 0; i < len(recordIDs); i += 500 {
		part := recordIDs[i:min(i+500, len(recordIDs))]
		rows, err := s.reader(ctx).QueryContext(ctx, `SELECT h.record_id, h.rev, coalesce(h.rev_batch, 0), h.procedure, h.category, h.severity, h.decided_on,
			h.valid_until, h.status, h.layout, h.vals, h.content_hash, h.valid_from, h.superseded_at, h.superseded_by, h.ref, h.operator,
			coalesce(o.ground, '')
			FROM current_record_history h
			LEFT JOIN objections o ON substr(h.ref, 1, 10) = 'objection:' AND o.id = CAST(substr(h.ref, 11) AS INTEGER)
			WHERE h.record_id IN (`+placeholders(len(part))+`) ORDER BY h.record_id, h.rev`, archiveIDArgs(part)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var v SupersededRevision
			if err := rows.Scan(&v.RecordID, &v.Rev, &v.RevBatch, &v.Procedure, &v.Category, &v.Severity, &v.DecidedOn, &v.ValidUntil,
				&v.Status, &v.Layout, &v.Vals, &v.ContentHash, &v.ValidFrom, &v.SupersededAt, &v.SupersededBy, &v.Ref, &v.Operator,
				&v.ObjectionGround); err != nil {
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
// by name (or code) and id. Only subjects on file are found (subjectKnown:
// never one that only an unpublished batch names).
type SubjectQuery struct {
	NameKey    string
	CodePrefix string
	// CodeExactKinds: subjects of these kinds match a code search only by
	// their whole code (natural persons outside the office: an ID-number
	// prefix search would let anyone enumerate people).
	CodeExactKinds []string
	// NameExcludeKinds: subjects of these kinds never match a name search
	// (natural persons in the masking scopes: a search by a person's full
	// name would tell whether that person is on file).
	NameExcludeKinds []string
	// Visible, when set, keeps only subjects with at least one record this
	// filter admits (their own, or a serious record linked to them).
	Visible *VisibleFilter
	Limit   int // a page's size (20 when 0)
	Offset  int
	// CountCap stops counting the subjects found once more than this many
	// are known (0: count them all); SubjectPage.More then says so.
	CountCap int
}

// VisibleFilter admits published, active records of the given items that
// exist and are valid on ValidOn (YYYY-MM-DD): decided on or before it, and
// not expired.
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

// ftsPhrase quotes s as one FTS5 phrase: with the trigram tokenizer it
// matches the names holding s's three-character runs in sequence, that is
// those containing s (up to case).
func ftsPhrase(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// visibleCond is the condition (on subjects aliased s) that a subject has a
// record v admits. The item test is written "+r.item" so that the planner
// never takes the (item, natural_key) index and reads every record of an
// item instead of the few of one subject.
func visibleCond(v *VisibleFilter) (string, []any) {
	rec := `r.status = 'active' AND (r.valid_until = '' OR r.valid_until >= ?) AND (r.decided_on = '' OR r.decided_on <= ?)
		AND +r.item IN (` + placeholders(len(v.Items)) + `)`
	var args []any
	for range 3 {
		args = append(args, v.ValidOn, v.ValidOn)
		for _, it := range v.Items {
			args = append(args, it)
		}
	}
	// The links as current_record_links shows them, in two parts the planner
	// can drive from s.id (migration 016).
	return `(EXISTS (SELECT 1 FROM current_records r JOIN batches b ON b.id = r.first_batch AND b.state = 'published'
			WHERE r.subject_id = s.id AND ` + rec + `)
		OR EXISTS (SELECT 1 FROM record_links l JOIN current_records r ON r.id = l.record_id
			JOIN batches b ON b.id = r.first_batch AND b.state = 'published'
			WHERE l.subject_id = s.id AND NOT EXISTS (SELECT 1 FROM pending_revisions lp WHERE lp.record_id = l.record_id)
			AND r.severity = 'serious' AND ` + rec + `)
		OR (` + anyPublishedPending + ` AND EXISTS (SELECT 1 FROM pending_links l JOIN current_records r ON r.id = l.record_id
			JOIN batches b ON b.id = r.first_batch AND b.state = 'published'
			WHERE l.subject_id = s.id AND r.severity = 'serious' AND ` + rec + `)))`, args
}

// anyPublishedPending is true while some published batch still has
// revisions to apply: otherwise pending_links is empty. The view starts from
// the published batches (a staging batch may hold millions of staged rows),
// so testing it for one subject read every published batch: a search's
// visibility test of each match (up to the count's cap) did so once per
// match, 0.04 → 0.58 s of SQLite CPU for a two-character prefix on a
// 200,000-record store with 3,001 batches (docs/performance.md, round six).
// Not correlated, SQLite works it out once per statement, in the statement's
// own snapshot, and skips the view for every match when it is false.
const anyPublishedPending = `EXISTS (SELECT 1 FROM batches pb CROSS JOIN staged_revisions p
			WHERE pb.state = 'published' AND p.batch_id = pb.id AND p.noop = 0)`

func kindArgs(kinds []string) []any {
	out := make([]any, len(kinds))
	for i, k := range kinds {
		out[i] = k
	}
	return out
}

// searchSQL is one part of a search: the count of the subjects it selects
// (stopping after a cap, the last argument of countArgs) and one page of
// them (LIMIT and OFFSET the last two arguments of pageArgs), ranked. A
// search is one part or, by name, two (see buildSearch): the parts select
// disjoint sets and come one after another in rank order, so the search's
// matches are the first part's, then the second's.
type searchSQL struct {
	count, page         string
	countArgs, pageArgs []any
}

// namePrefixEnd is the end of the range of names starting with key: every
// name with the prefix sorts in [key, key+"\xff") (SQLite compares text
// bytewise; no UTF-8 byte is 0xff), and no other name does.
func namePrefixEnd(key string) string { return key + "\xff" }

func buildSearch(q SubjectQuery) ([]searchSQL, bool) {
	filter, fargs := subjectKnown, []any(nil)
	if q.Visible != nil {
		if len(q.Visible.Items) == 0 {
			return nil, false
		}
		filter, fargs = visibleCond(q.Visible)
	}
	// part builds the statements of the matches of match (on subjects s),
	// ranked by rank and then by order (of the subquery c's columns rk, k,
	// id; k is key).
	part := func(from, match string, margs []any, rank string, rargs []any, key string, order []string) searchSQL {
		var out searchSQL
		out.count = "SELECT count(*) FROM (SELECT 1 FROM " + from + " WHERE " + match + " AND " + filter + " LIMIT ?)"
		out.countArgs = append(append([]any{}, margs...), fargs...)
		// The subquery's LIMIT -1 keeps SQLite from flattening it into the
		// outer query (which would test the filter on every match before
		// sorting): it runs as a co-routine handing over the matches in
		// rank order, and its ORDER BY satisfies the outer one, so the
		// filter is tested only until the page is full
		// (TestArchiveSearchPlan).
		out.page = `SELECT s.id, s.code, s.kind, s.name, c.rk FROM (SELECT s.id AS id, ` + rank + ` AS rk, ` + key + ` AS k FROM ` + from + `
		WHERE ` + match + ` ORDER BY ` + strings.Join(order, ", ") + ` LIMIT -1) c
		JOIN subjects s ON s.id = c.id
		WHERE ` + filter + ` ORDER BY c.` + strings.Join(order, ", c.") + ` LIMIT ? OFFSET ?`
		out.pageArgs = append(append(append([]any{}, rargs...), margs...), fargs...)
		return out
	}
	switch {
	case q.CodePrefix != "":
		// Codes are ASCII: every code with the prefix sorts in [p, p+"\x7f").
		match := "s.code >= ? AND s.code < ?"
		margs := []any{q.CodePrefix, q.CodePrefix + "\x7f"}
		if len(q.CodeExactKinds) > 0 {
			match += " AND (s.kind NOT IN (" + placeholders(len(q.CodeExactKinds)) + ") OR s.code = ?)"
			margs = append(append(margs, kindArgs(q.CodeExactKinds)...), q.CodePrefix)
		}
		// The whole code, when on file, is the first code of the range:
		// code order is rank order, and the unique code index gives it
		// without a sort.
		return []searchSQL{part("subjects s", match, margs, "CASE WHEN s.code = ? THEN 0 ELSE 1 END", []any{q.CodePrefix}, "s.code", []string{"k"})}, true
	case q.NameKey != "":
		var kinds string
		var kargs []any
		if len(q.NameExcludeKinds) > 0 {
			kinds = " AND s.kind NOT IN (" + placeholders(len(q.NameExcludeKinds)) + ")"
			kargs = kindArgs(q.NameExcludeKinds)
		}
		prefix := "s.name_key >= ? AND s.name_key < ?"
		pargs := []any{q.NameKey, namePrefixEnd(q.NameKey)}
		// Ranks 0 and 1, the names equal to the text or starting with it:
		// a range of the name index (migration 017) in name and then id
		// order, which is their rank order (the name equal to the text is
		// the range's first), so a page of them needs neither the trigram
		// index nor a sort.
		starts := part("subjects s INDEXED BY subjects_name_key", prefix+kinds, append(append([]any{}, pargs...), kargs...),
			"CASE WHEN s.name_key = ? THEN 0 ELSE 1 END", []any{q.NameKey}, "s.name_key", []string{"k", "id"})
		// Rank 2, the names containing the text elsewhere (LIKE ignores
		// ASCII case, the range does not: a name starting with the text in
		// other case is here, ranked 2 as before).
		match := `s.name_key LIKE ? ESCAPE '\' AND NOT (` + prefix + `)`
		margs := []any{"%" + archiveLikeEscape(q.NameKey) + "%", q.NameKey, namePrefixEnd(q.NameKey)}
		if utf8.RuneCountInString(q.NameKey) >= 3 {
			// Three characters or more: the candidates come from the
			// trigram index (migration 014), less the prefix matches (ids
			// from the name index alone, so their rows are never read
			// here), and LIKE keeps exactly the scan's matches among them.
			// Shorter texts scan.
			match = `s.id IN (SELECT rowid FROM subject_names WHERE subject_names MATCH ? EXCEPT SELECT id FROM subjects s INDEXED BY subjects_name_key WHERE ` + prefix + `) AND ` + match
			margs = append([]any{ftsPhrase(q.NameKey), q.NameKey, namePrefixEnd(q.NameKey)}, margs...)
		}
		// NOT INDEXED: the candidates are looked up by id (the trigram
		// index's), or the table scanned; never a scan of the name index
		// that tests each of a million ids against the candidates (which
		// SQLite chose on a big store, taking seconds).
		contains := part("subjects s NOT INDEXED", match+kinds, append(margs, kargs...), "2", nil, "s.name_key", []string{"k", "id"})
		return []searchSQL{starts, contains}, true
	default:
		return nil, false
	}
}

// SearchSubjects returns one page of the subjects q selects, and how many
// there are (up to CountCap). Everything happens in SQL, bounded: the
// matching subjects are ranked by the name or code index alone (cheap), and
// checked for being on file (or visible) in that order only until the page
// is full; the count stops after CountCap+1. A common name matching tens of
// thousands of subjects costs a sort of their ids inside SQLite, never a
// slice of them here. A search by name counts and pages its prefix matches
// (name index) and its other matches (trigram index) as two parts, one after
// the other.
func (s *Store) SearchSubjects(ctx context.Context, q SubjectQuery) (SubjectPage, error) {
	var page SubjectPage
	parts, ok := buildSearch(q)
	if !ok {
		return page, nil
	}
	counts := make([]int, len(parts))
	n := 0
	for i, p := range parts {
		limit := -1 // all
		if q.CountCap > 0 {
			if n > q.CountCap {
				break // counting stopped: the page lies within the parts counted
			}
			limit = q.CountCap + 1 - n
		}
		if err := s.reader(ctx).QueryRowContext(ctx, p.count, append(p.countArgs, limit)...).Scan(&counts[i]); err != nil {
			return page, err
		}
		n += counts[i]
	}
	page.Total = n
	if q.CountCap > 0 && n > q.CountCap {
		page.Total, page.More = q.CountCap, true
	}
	offset, want := max(q.Offset, 0), q.Limit
	if want <= 0 {
		want = 20
	}
	if n == 0 || offset >= n {
		return page, nil
	}
	for i, p := range parts {
		if want == 0 {
			break
		}
		if offset >= counts[i] {
			offset -= counts[i]
			continue
		}
		take := min(want, counts[i]-offset)
		rows, err := s.reader(ctx).QueryContext(ctx, p.page, append(p.pageArgs, take, offset)...)
		if err != nil {
			return page, err
		}
		for rows.Next() {
			var h SubjectHit
			if err := rows.Scan(&h.ID, &h.Code, &h.Kind, &h.Name, &h.Rank); err != nil {
				rows.Close()
				return page, err
			}
			page.Hits = append(page.Hits, h)
		}
		if err := rows.Close(); err != nil {
			return page, err
		}
		if err := rows.Err(); err != nil {
			return page, err
		}
		want -= take
		offset = 0
	}
	return page, nil
}

// ItemRecords calls fn for each published record of item decided on or
// after since (an empty since: all), by id, with its subject. The archive decides
// which of them a unit may receive.
func (s *Store) ItemRecords(ctx context.Context, item, since string, fn func(StoredRecord, SubjectRow) error) error {
	rows, err := s.reader(ctx).QueryContext(ctx, `SELECT `+storedRecordCols+`, s.id, s.code, s.kind, s.name FROM current_records r
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
	rows, err := s.reader(ctx).QueryContext(ctx, "SELECT id, names FROM layouts WHERE item = ?", item)
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
