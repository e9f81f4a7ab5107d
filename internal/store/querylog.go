package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"credit/internal/querylog"
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
	Query         string // what was asked, when it holds no personal value: an item code, a report's month
	// Text is what the asker typed that may be personal: a search text, the
	// code of a subject not on file. It is never stored as typed: LogQuery
	// keeps it as querylog.Protect makes it under the store's key.
	Text    string
	Records []RecordRef
	// CaseRef is the asking unit's 办件编号 (served API checks).
	CaseRef string
}

// LogQuery writes a query-log entry (its own short write transaction). The
// query log is not chained into the audit log: it is a log of reads, kept
// apart so a lookup costs one small write. While GroupQueryLog is on (credit
// serve), the entry is committed together with the others waiting at that
// moment; either way LogQuery returns only once its entry is durable, and an
// error means the answer must not be given.
func (s *Store) LogQuery(ctx context.Context, a Actor, e QueryEntry) (int64, error) {
	if b := s.queryLogGroup(); b != nil {
		if id, err, ok := b.log(ctx, a, e); ok {
			return id, err
		}
	}
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
	r, err := t.queryRow(e)
	if err != nil {
		return 0, err
	}
	return t.insertQueryRow(0, r)
}

// qlRow is a query-log entry as stored: the columns of its query_log row
// and its query_log_records. The served journal (querylog_journal.go)
// keeps entries in this form until they are moved into query_log.
type qlRow struct {
	At            string      `json:"at"`
	Today         string      `json:"today"`
	Operator      string      `json:"operator"`
	ActingBy      string      `json:"acting_by,omitempty"`
	Action        string      `json:"action"`
	Scope         string      `json:"scope"`
	Unit          string      `json:"unit,omitempty"`
	Purpose       string      `json:"purpose,omitempty"`
	Authorization string      `json:"authorization,omitempty"`
	SubjectID     int64       `json:"subject_id,omitempty"`
	Query         string      `json:"query,omitempty"`
	Via           string      `json:"via,omitempty"`
	TokenID       int64       `json:"token_id,omitempty"`
	CaseRef       string      `json:"case_ref,omitempty"`
	Records       []RecordRef `json:"records,omitempty"`
}

// newQueryRow is e as written by a at the time at; query is e.Query with
// e.Text already in its protected form (querylog.Protect).
func newQueryRow(a Actor, at string, e QueryEntry, query string) qlRow {
	return qlRow{At: at, Today: a.Today.String(), Operator: a.Operator, ActingBy: a.ActingBy, Action: e.Action, Scope: e.Scope,
		Unit: e.Unit, Purpose: e.Purpose, Authorization: e.Authorization, SubjectID: e.SubjectID, Query: query, Via: a.Via,
		TokenID: a.TokenID, CaseRef: e.CaseRef, Records: e.Records}
}

// protectedQuery is what the entry's query column holds: e.Query, and the
// typed text only in its protected form.
func protectedQuery(key []byte, e QueryEntry) string {
	if e.Text == "" {
		return e.Query
	}
	return strings.TrimSpace(e.Query + " " + querylog.Protect(key, e.Text))
}

func (t *Tx) queryRow(e QueryEntry) (qlRow, error) {
	var key []byte
	if e.Text != "" {
		var err error
		if key, err = t.QueryLogKey(); err != nil {
			return qlRow{}, err
		}
	}
	return newQueryRow(t.Actor, t.At, e, protectedQuery(key, e)), nil
}

// insertQueryRow writes r as query-log entry id, or, with id 0, as the next
// entry: above every id written so far and every id a served journal has
// been given (queryLogReservedName), so that no entry of the journal can
// collide with it.
func (t *Tx) insertQueryRow(id int64, r qlRow) (int64, error) {
	var idArg any
	if id == 0 {
		reserved, last, err := t.queryLogTop()
		if err != nil {
			return 0, err
		}
		if reserved > last {
			idArg = reserved + 1
		}
	} else {
		idArg = id
	}
	var subject, token any
	if r.SubjectID != 0 {
		subject = r.SubjectID
	}
	if r.TokenID != 0 {
		token = r.TokenID
	}
	res, err := t.exec(`INSERT INTO query_log(id, at, today, operator, acting_by, action, scope, unit, purpose, authorization, subject_id, query, records, via, token_id, case_ref)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, idArg, r.At, r.Today, r.Operator, r.ActingBy, r.Action, r.Scope, r.Unit,
		r.Purpose, r.Authorization, subject, r.Query, len(r.Records), r.Via, token, r.CaseRef)
	if err != nil {
		return 0, err
	}
	if id, err = res.LastInsertId(); err != nil {
		return 0, err
	}
	for i := 0; i < len(r.Records); i += 300 {
		part := r.Records[i:min(i+300, len(r.Records))]
		args := make([]any, 0, len(part)*3)
		for _, rec := range part {
			args = append(args, id, rec.ID, rec.ContentHash)
		}
		if _, err := t.exec("INSERT OR IGNORE INTO query_log_records(query_id, record_id, content_hash) VALUES "+tuples(len(part), 3), args...); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// queryLogTop is the highest id handed to a served journal (0 when none)
// and the highest id in query_log.
func (t *Tx) queryLogTop() (reserved, last int64, err error) {
	err = t.QueryRowContext(t.ctx, `SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?), 0),
		coalesce((SELECT max(id) FROM query_log), 0)`, queryLogReservedName).Scan(&reserved, &last)
	return reserved, last, err
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
	Via           string `json:"via,omitempty"`      // served calls: "ssh from ADDR", "api from ADDR"
	TokenID       int64  `json:"token_id,omitempty"` // the unit's API token
	CaseRef       string `json:"case_ref,omitempty"` // the unit's 办件编号
}

// QueriesOfSubject lists who looked at a subject, newest first.
func (s *Store) QueriesOfSubject(ctx context.Context, subjectID int64) ([]QueryLogRow, error) {
	return s.queryLogRows(ctx, "subject_id = ?", subjectID)
}

// QueriesByText lists, newest first, the searches and lookups of subjects
// not on file whose typed text was text (compared in the protected form,
// querylog.Protect, under this store's key), and that form.
func (s *Store) QueriesByText(ctx context.Context, text string) ([]QueryLogRow, string, error) {
	key, ok, err := s.queryLogKey(ctx)
	if err != nil || !ok {
		// No key yet: nothing typed was ever logged.
		return nil, "", err
	}
	q := querylog.Protect(key, text)
	if q == "" {
		return nil, "", nil
	}
	// The form holds only letters, digits and ':' (no LIKE wildcards); it
	// ends the query when an entry also says what else was asked.
	rows, err := s.queryLogRows(ctx, "query = ? OR query LIKE ?", q, "% "+q)
	return rows, q, err
}

func (s *Store) queryLogRows(ctx context.Context, where string, args ...any) ([]QueryLogRow, error) {
	if err := s.SettleQueryLog(ctx); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, at, today, operator, acting_by, action, scope, unit, purpose, authorization, query, records,
		via, COALESCE(token_id, 0), case_ref
		FROM query_log WHERE `+where+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []QueryLogRow
	for rows.Next() {
		var q QueryLogRow
		if err := rows.Scan(&q.ID, &q.At, &q.Today, &q.Operator, &q.ActingBy, &q.Action, &q.Scope, &q.Unit, &q.Purpose, &q.Authorization, &q.Query, &q.Records,
			&q.Via, &q.TokenID, &q.CaseRef); err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// Receiver is a user unit that was given a record: one per unit, however
// many times and ways it received it (第三十二条: the correction is re-sent
// to each unit once).
type Receiver struct {
	Unit     string   `json:"unit"`
	UnitName string   `json:"unit_name"` // '' when the unit is no longer registered
	Actions  []string `json:"actions"`   // how it received it: check, export, report, show…, sorted
	Times    int      `json:"times"`     // query-log entries that gave it the record
	FirstOn  string   `json:"first_on"`  // office date of the first and the latest of them
	LastOn   string   `json:"last_on"`
	LastAt   string   `json:"last_at"` // real time of the latest, RFC 3339 UTC
}

// UnitsThatReceived lists the user units that were given the record (in the
// revision with contentHash, or any revision when contentHash is ""), by
// lookup, check or export — who must be sent a correction (第三十二条) —
// one per unit, by unit code.
func (s *Store) UnitsThatReceived(ctx context.Context, recordID int64, contentHash string) ([]Receiver, error) {
	if err := s.SettleQueryLog(ctx); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT q.unit, COALESCE(u.name, ''), group_concat(DISTINCT q.action), count(DISTINCT q.id),
		min(q.today), max(q.today), max(q.at)
		FROM query_log_records r JOIN query_log q ON q.id = r.query_id LEFT JOIN units u ON u.code = q.unit
		WHERE r.record_id = ? AND q.unit <> '' AND (? = '' OR r.content_hash = ?) GROUP BY q.unit ORDER BY q.unit`,
		recordID, contentHash, contentHash)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Receiver
	for rows.Next() {
		var r Receiver
		var actions string
		if err := rows.Scan(&r.Unit, &r.UnitName, &actions, &r.Times, &r.FirstOn, &r.LastOn, &r.LastAt); err != nil {
			return nil, err
		}
		r.Actions = strings.Split(actions, ",")
		sortStrings(r.Actions)
		out = append(out, r)
	}
	return out, rows.Err()
}

// The key under which typed texts are kept in the query log (querylog):
// 32 random bytes, hex, in meta, made on first use and never changed (a new
// key would make every earlier entry unmatchable).
const queryLogKeyName = "query_log_key"

func decodeQueryLogKey(v string) ([]byte, error) {
	key, err := hex.DecodeString(v)
	if err != nil || len(key) != querylog.KeySize {
		return nil, fmt.Errorf("meta %s: not a %d-byte hex key", queryLogKeyName, querylog.KeySize)
	}
	return key, nil
}

func (s *Store) queryLogKey(ctx context.Context) ([]byte, bool, error) {
	var v string
	err := s.DB.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", queryLogKeyName).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	key, err := decodeQueryLogKey(v)
	return key, err == nil, err
}

// QueryLogKey is the store's query-log key, made (32 random bytes) in this
// transaction when the store has none yet.
func (t *Tx) QueryLogKey() ([]byte, error) {
	var v string
	err := t.QueryRowContext(t.ctx, "SELECT value FROM meta WHERE key = ?", queryLogKeyName).Scan(&v)
	if err == nil {
		return decodeQueryLogKey(v)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	k := make([]byte, querylog.KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	// Writes are serialised (BEGIN IMMEDIATE), so no other process can make
	// one between the read above and this insert.
	if _, err := t.ExecContext(t.ctx, "INSERT INTO meta(key, value) VALUES (?, ?)", queryLogKeyName, hex.EncodeToString(k)); err != nil {
		return nil, err
	}
	return k, nil
}

// ProtectQueryTexts rewrites the typed texts that earlier versions kept in
// the query log as typed (search texts) into the protected form, and
// returns how many it rewrote. credit init runs it when it upgrades a store.
func (t *Tx) ProtectQueryTexts() (int, error) {
	rows, err := t.QueryContext(t.ctx, "SELECT id, query FROM query_log WHERE action = 'search' AND query <> ''")
	if err != nil {
		return 0, err
	}
	type change struct {
		id int64
		q  string
	}
	var changes []change
	var key []byte
	for rows.Next() {
		var c change
		if err := rows.Scan(&c.id, &c.q); err != nil {
			rows.Close()
			return 0, err
		}
		if !querylog.Protected(c.q) {
			changes = append(changes, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(changes) == 0 {
		return 0, err
	}
	if key, err = t.QueryLogKey(); err != nil {
		return 0, err
	}
	n := 0
	for _, c := range changes {
		p := querylog.Protect(key, c.q)
		if p == c.q {
			continue // an organisation's code, kept
		}
		if _, err := t.exec("UPDATE query_log SET query = ? WHERE id = ?", p, c.id); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
