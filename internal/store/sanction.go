package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// Queries behind credit checks and joint reward/sanction cases (issue 8).

// SeriousRecordRow is a published, active serious negative record that is a
// subject's own or, through record_links (第二十九条), linked to it.
type SeriousRecordRow struct {
	RecordID    int64
	Item        string
	Provider    string
	FirstBatch  int64
	DecidedOn   string
	ValidUntil  string
	ContentHash string
	Role        string // '' own; legal_rep | principal | direct (第二十九条)
	OwnerCode   string // the subject the record was filed under
	OwnerName   string
	OwnerKind   string
}

// SeriousRecordsOf lists the records that make subject code seriously
// discredited on date on: negative, serious, active (neither withdrawn nor
// repaired), published, decided on or before on and not expired on it
// (valid_until ≥ on, or none) — its own and those 第二十九条 made its own.
func (s *Store) SeriousRecordsOf(ctx context.Context, code, on string) ([]SeriousRecordRow, error) {
	const cond = `r.category = 'negative' AND r.severity = 'serious' AND r.status = 'active'
		AND (r.valid_until = '' OR r.valid_until >= ?) AND (r.decided_on = '' OR r.decided_on <= ?)`
	rows, err := s.DB.QueryContext(ctx, `
		SELECT r.id, r.item, r.provider, r.first_batch, r.decided_on, r.valid_until, r.content_hash, '', s.code, s.name, s.kind
		FROM subjects s
		JOIN current_records r ON r.subject_id = s.id
		JOIN batches b ON b.id = r.first_batch AND b.state = 'published'
		WHERE s.code = ? AND `+cond+`
		UNION ALL
		SELECT r.id, r.item, r.provider, r.first_batch, r.decided_on, r.valid_until, r.content_hash, k.role, o.code, o.name, o.kind
		FROM current_record_links k
		JOIN current_records r ON r.id = k.record_id
		JOIN batches b ON b.id = r.first_batch AND b.state = 'published'
		JOIN subjects o ON o.id = r.subject_id
		WHERE k.subject_id = (SELECT id FROM subjects WHERE code = ?) AND `+cond+`
		ORDER BY 5, 1`, code, on, on, code, on, on) // the person's id as a constant: SQLite then reads the view by subject (migration 016)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SeriousRecordRow
	for rows.Next() {
		var r SeriousRecordRow
		if err := rows.Scan(&r.RecordID, &r.Item, &r.Provider, &r.FirstBatch, &r.DecidedOn, &r.ValidUntil, &r.ContentHash,
			&r.Role, &r.OwnerCode, &r.OwnerName, &r.OwnerKind); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SubjectBrief is a stored subject as a check names it.
type SubjectBrief struct {
	ID      int64
	Code    string
	Kind    string
	Name    string
	NameKey string
}

// SubjectBriefByCode finds the subject with a normalised code, when it is
// on file (subjectKnown): a subject that only unpublished batches name is
// not in the archive.
func (s *Store) SubjectBriefByCode(ctx context.Context, code string) (SubjectBrief, bool, error) {
	var b SubjectBrief
	err := s.DB.QueryRowContext(ctx, "SELECT s.id, s.code, s.kind, s.name, s.name_key FROM subjects s WHERE s.code = ? AND "+subjectKnown, code).
		Scan(&b.ID, &b.Code, &b.Kind, &b.Name, &b.NameKey)
	if errors.Is(err, sql.ErrNoRows) {
		return b, false, nil
	}
	return b, err == nil, err
}

// MeasureCaseRow is a joint reward/sanction case as stored.
type MeasureCaseRow struct {
	ID          int64  `json:"id"`
	SubjectCode string `json:"subject_code"`
	SubjectName string `json:"subject_name"`
	SubjectKind string `json:"subject_kind"`
	Measure     string `json:"measure"`
	MeasureName string `json:"measure_name"`
	Category    string `json:"category"`
	Kind        string `json:"kind"`
	Unit        string `json:"unit"`
	UnitName    string `json:"unit_name"`
	Matter      string `json:"matter"`
	AppliedOn   string `json:"date"`
	Result      string `json:"result"`
	Grounds     string `json:"-"` // JSON
	QueryID     int64  `json:"query_id,omitempty"`
	RecordedBy  string `json:"recorded_by"`
	ActingBy    string `json:"acting_by,omitempty"`
	RecordedOn  string `json:"recorded_on"`
	RecordedAt  string `json:"recorded_at"`
}

// InsertMeasureCase stores a case and returns its id.
func (t *Tx) InsertMeasureCase(c MeasureCaseRow) (int64, error) {
	var q any
	if c.QueryID != 0 {
		q = c.QueryID
	}
	if c.Grounds == "" {
		c.Grounds = "[]"
	}
	res, err := t.ExecContext(t.ctx, `INSERT INTO measure_cases(subject_code, subject_name, subject_kind, measure, measure_name, category, kind,
		unit, matter, applied_on, result, grounds, query_id, recorded_by, acting_by, recorded_on, recorded_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		c.SubjectCode, c.SubjectName, c.SubjectKind, c.Measure, c.MeasureName, c.Category, c.Kind, c.Unit, c.Matter, c.AppliedOn,
		c.Result, c.Grounds, q, t.Actor.Operator, t.Actor.ActingBy, t.Actor.Today.String(), t.At)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// CaseFilter narrows a case listing. Zero values mean "any".
type CaseFilter struct {
	From, To string // applied_on bounds, inclusive
	Unit     string
	ID       int64
}

// MeasureCases calls fn for each case matching f, by date then id. The row
// passed is reused between calls.
func (s *Store) MeasureCases(ctx context.Context, f CaseFilter, fn func(*MeasureCaseRow) error) error {
	var where []string
	var args []any
	if f.From != "" {
		where, args = append(where, "c.applied_on >= ?"), append(args, f.From)
	}
	if f.To != "" {
		where, args = append(where, "c.applied_on <= ?"), append(args, f.To)
	}
	if f.Unit != "" {
		where, args = append(where, "c.unit = ?"), append(args, f.Unit)
	}
	if f.ID != 0 {
		where, args = append(where, "c.id = ?"), append(args, f.ID)
	}
	q := `SELECT c.id, c.subject_code, c.subject_name, c.subject_kind, c.measure, c.measure_name, c.category, c.kind, c.unit,
		coalesce(u.name, ''), c.matter, c.applied_on, c.result, c.grounds, coalesce(c.query_id, 0), c.recorded_by, c.acting_by,
		c.recorded_on, c.recorded_at
		FROM measure_cases c LEFT JOIN units u ON u.code = c.unit`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.DB.QueryContext(ctx, q+" ORDER BY c.applied_on, c.id", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var c MeasureCaseRow
	for rows.Next() {
		if err := rows.Scan(&c.ID, &c.SubjectCode, &c.SubjectName, &c.SubjectKind, &c.Measure, &c.MeasureName, &c.Category, &c.Kind,
			&c.Unit, &c.UnitName, &c.Matter, &c.AppliedOn, &c.Result, &c.Grounds, &c.QueryID, &c.RecordedBy, &c.ActingBy,
			&c.RecordedOn, &c.RecordedAt); err != nil {
			return err
		}
		if err := fn(&c); err != nil {
			return err
		}
	}
	return rows.Err()
}
