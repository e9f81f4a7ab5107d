package store

import (
	"context"
)

// RecordRef is a record as returned to an asker: its id and the revision
// (content hash) they saw.
type RecordRef struct {
	ID          int64
	ContentHash string
}

// QueryEntry is one lookup, search, check or export (SPEC §C).
type QueryEntry struct {
	Action        string // show | search | export | check | report | verify
	Scope         string // public | authorized | shared | office
	Unit          string
	Purpose       string
	Authorization string
	SubjectID     int64  // 0 for a search
	Query         string // search text as asked
	Records       []RecordRef
}

// LogQuery writes a query-log entry (its own short write transaction). The
// query log is not chained into the audit log: it is a log of reads, kept
// apart so a lookup costs one small write.
func (s *Store) LogQuery(ctx context.Context, a Actor, e QueryEntry) (int64, error) {
	var id int64
	err := s.Write(ctx, a, func(t *Tx) error {
		var err error
		id, err = t.LogQuery(e)
		return err
	})
	return id, err
}

// LogQuery writes a query-log entry inside this transaction.
func (t *Tx) LogQuery(e QueryEntry) (int64, error) {
	var subject any
	if e.SubjectID != 0 {
		subject = e.SubjectID
	}
	res, err := t.exec(`INSERT INTO query_log(at, today, operator, acting_by, action, scope, unit, purpose, authorization, subject_id, query, records)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`, t.At, t.Actor.Today.String(), t.Actor.Operator, t.Actor.ActingBy, e.Action, e.Scope, e.Unit,
		e.Purpose, e.Authorization, subject, e.Query, len(e.Records))
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	for i := 0; i < len(e.Records); i += 300 {
		part := e.Records[i:min(i+300, len(e.Records))]
		args := make([]any, 0, len(part)*3)
		for _, r := range part {
			args = append(args, id, r.ID, r.ContentHash)
		}
		if _, err := t.exec("INSERT OR IGNORE INTO query_log_records(query_id, record_id, content_hash) VALUES "+tuples(len(part), 3), args...); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// QueryLogRow is a query-log entry as listed.
type QueryLogRow struct {
	ID            int64  `json:"id"`
	At            string `json:"at"`
	Today         string `json:"today"`
	Operator      string `json:"operator"`
	ActingBy      string `json:"acting_by,omitempty"`
	Action        string `json:"action"`
	Scope         string `json:"scope"`
	Unit          string `json:"unit"`
	Purpose       string `json:"purpose"`
	Authorization string `json:"authorization"`
	Query         string `json:"query,omitempty"`
	Records       int    `json:"records"`
}

// QueriesOfSubject lists who looked at a subject, newest first.
func (s *Store) QueriesOfSubject(ctx context.Context, subjectID int64) ([]QueryLogRow, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, at, today, operator, acting_by, action, scope, unit, purpose, authorization, query, records
		FROM query_log WHERE subject_id = ? ORDER BY id DESC`, subjectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []QueryLogRow
	for rows.Next() {
		var q QueryLogRow
		if err := rows.Scan(&q.ID, &q.At, &q.Today, &q.Operator, &q.ActingBy, &q.Action, &q.Scope, &q.Unit, &q.Purpose, &q.Authorization, &q.Query, &q.Records); err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// Receiver is a user unit that was given a record.
type Receiver struct {
	Unit   string `json:"unit"`
	Action string `json:"action"`
	At     string `json:"at"`
}

// UnitsThatReceived lists the user units that were given the record (in the
// revision with contentHash, or any revision when contentHash is ""), by
// lookup, check or export — who must be sent a correction (第三十二条).
func (s *Store) UnitsThatReceived(ctx context.Context, recordID int64, contentHash string) ([]Receiver, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT q.unit, q.action, max(q.at) FROM query_log_records r JOIN query_log q ON q.id = r.query_id
		WHERE r.record_id = ? AND q.unit <> '' AND (? = '' OR r.content_hash = ?) GROUP BY q.unit, q.action ORDER BY q.unit, q.action`,
		recordID, contentHash, contentHash)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Receiver
	for rows.Next() {
		var r Receiver
		if err := rows.Scan(&r.Unit, &r.Action, &r.At); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
