package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"credit/internal/civil"
)

// The objection queue (migration 004) and what every queue shares: the case
// state, the deadlines as they were set (queue_deadlines) and the timeline
// (queue_events). The rules live in internal/queue, internal/objection and
// internal/repair; this file only stores and reads.

func init() {
	queueTables["objection"] = "objections"
	queueOpened["objection"] = "received_on"
	// SPEC §F record_locked and the archive's 异议中 flag: an objection holds its
	// record while it is worked (the objection package sets holds by state).
	RegisterRecordLock("objection", "SELECT count(*) FROM objections WHERE record_id = ? AND holds = 1")
	RegisterRecordFlag("under_objection", "SELECT DISTINCT record_id FROM objections WHERE holds = 1 AND record_id IN (%s)")
}

// queueTables maps a queue's name to its case table.
var queueTables = map[string]string{}

// queueOpened maps a queue's name to the column of its case table that holds
// the day the case began (an objection's receipt, a repair's application).
var queueOpened = map[string]string{}

func queueTable(queue string) (string, error) {
	t, ok := queueTables[queue]
	if !ok {
		return "", fmt.Errorf("unknown queue %q", queue)
	}
	return t, nil
}

// QueueState is the state of case id of queue; ok is false when there is none.
func (t *Tx) QueueState(queue string, id int64) (state string, ok bool, err error) {
	tbl, err := queueTable(queue)
	if err != nil {
		return "", false, err
	}
	err = t.QueryRowContext(t.ctx, "SELECT state FROM "+tbl+" WHERE id = ?", id).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return state, err == nil, err
}

// SetQueueState moves case id to state; holds says whether the case now holds
// its record (flag and import lock).
func (t *Tx) SetQueueState(queue string, id int64, state string, holds bool) error {
	tbl, err := queueTable(queue)
	if err != nil {
		return err
	}
	_, err = t.ExecContext(t.ctx, "UPDATE "+tbl+" SET state = ?, holds = ?, updated_at = ? WHERE id = ?", state, boolInt(holds), t.At, id)
	return err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// QueueDates are the days a new step of a case may not precede: the day the
// case began (received_on, applied_on: it may lie before the day it was
// entered) and the office date of its latest timeline step.
type QueueDates struct {
	Opened      civil.Date
	Last        civil.Date // zero when the case has no step yet
	LastCommand string     // the command of that step
	// By names who took each command of the case (the operator, or the
	// administrator acting for them), for separation of duties.
	By map[string][]string
}

// QueueDates reads case id's QueueDates.
func (t *Tx) QueueDates(queue string, id int64) (QueueDates, error) {
	return queueDates(t.ctx, t.Tx, queue, id)
}

// QueueDates reads case id's QueueDates outside a write (for the next steps
// a case's page offers).
func (s *Store) QueueDates(ctx context.Context, queue string, id int64) (QueueDates, error) {
	return queueDates(ctx, s.DB, queue, id)
}

func queueDates(ctx context.Context, q queryer, queue string, id int64) (QueueDates, error) {
	var d QueueDates
	tbl, err := queueTable(queue)
	if err != nil {
		return d, err
	}
	col, ok := queueOpened[queue]
	if !ok {
		return d, fmt.Errorf("queue %q has no opening date", queue)
	}
	var opened string
	if err := q.QueryRowContext(ctx, "SELECT "+col+" FROM "+tbl+" WHERE id = ?", id).Scan(&opened); err != nil {
		return d, err
	}
	if d.Opened, err = parseStoredDate(opened); err != nil {
		return d, err
	}
	// The latest office date, not the latest row: steps are entered in order,
	// but a store written before the order was enforced may hold one out of it.
	var last string
	err = q.QueryRowContext(ctx, `SELECT on_date, command FROM queue_events WHERE queue = ? AND case_id = ?
		ORDER BY on_date DESC, id DESC LIMIT 1`, queue, id).Scan(&last, &d.LastCommand)
	if errors.Is(err, sql.ErrNoRows) {
		return d, nil
	}
	if err != nil {
		return d, err
	}
	if d.Last, err = parseStoredDate(last); err != nil {
		return d, err
	}
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT command, operator, acting_by FROM queue_events WHERE queue = ? AND case_id = ?`, queue, id)
	if err != nil {
		return d, err
	}
	defer rows.Close()
	d.By = map[string][]string{}
	for rows.Next() {
		var cmd, op, acting string
		if err := rows.Scan(&cmd, &op, &acting); err != nil {
			return d, err
		}
		d.By[cmd] = append(d.By[cmd], op)
		if acting != "" {
			d.By[cmd] = append(d.By[cmd], acting)
		}
	}
	return d, rows.Err()
}

// QueueDeadline is one deadline of a case, as it was set.
type QueueDeadline struct {
	ID          int64
	Queue       string
	CaseID      int64
	Name        string
	Start       civil.Date // due = add(Start, Days)
	Days        int
	Due         civil.Date
	Provisional bool
	SetOn       civil.Date
	SetAt       string
	Catalog     int64      // the catalog version whose policy gave Days
	MetOn       civil.Date // zero while open
}

// AddQueueDeadline stores a deadline set by this transaction.
func (t *Tx) AddQueueDeadline(d QueueDeadline) (int64, error) {
	res, err := t.ExecContext(t.ctx, `INSERT INTO queue_deadlines(queue, case_id, name, start, days, due, provisional, set_on, set_at, catalog_version)
		VALUES (?,?,?,?,?,?,?,?,?,?)`, d.Queue, d.CaseID, d.Name, d.Start.String(), d.Days, d.Due.String(), boolInt(d.Provisional),
		t.Actor.Today.String(), t.At, d.Catalog)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// MeetQueueDeadlines marks the open deadlines of case id named in names (all
// open ones when names is nil) as met on date on.
func (t *Tx) MeetQueueDeadlines(queue string, id int64, names []string, on civil.Date) error {
	q := "UPDATE queue_deadlines SET met_on = ? WHERE queue = ? AND case_id = ? AND met_on = ''"
	args := []any{on.String(), queue, id}
	if names != nil {
		if len(names) == 0 {
			return nil
		}
		q += " AND name IN (" + placeholders(len(names)) + ")"
		for _, n := range names {
			args = append(args, n)
		}
	}
	_, err := t.ExecContext(t.ctx, q, args...)
	return err
}

const deadlineCols = "id, queue, case_id, name, start, days, due, provisional, set_on, set_at, catalog_version, met_on"

func scanDeadline(sc interface{ Scan(...any) error }) (QueueDeadline, error) {
	var d QueueDeadline
	var start, due, setOn, metOn string
	var prov int
	if err := sc.Scan(&d.ID, &d.Queue, &d.CaseID, &d.Name, &start, &d.Days, &due, &prov, &setOn, &d.SetAt, &d.Catalog, &metOn); err != nil {
		return d, err
	}
	d.Provisional = prov != 0
	var err error
	if d.Start, err = parseStoredDate(start); err != nil {
		return d, err
	}
	if d.Due, err = parseStoredDate(due); err != nil {
		return d, err
	}
	if d.SetOn, err = parseStoredDate(setOn); err != nil {
		return d, err
	}
	d.MetOn, err = parseStoredDate(metOn)
	return d, err
}

// parseStoredDate reads a YYYY-MM-DD column; ” is the zero date.
func parseStoredDate(s string) (civil.Date, error) {
	if s == "" {
		return civil.Date{}, nil
	}
	d, err := civil.Parse(s)
	if err != nil {
		return d, fmt.Errorf("stored date %q: %w", s, err)
	}
	return d, nil
}

func collectDeadlines(rows *sql.Rows, err error) ([]QueueDeadline, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []QueueDeadline
	for rows.Next() {
		d, err := scanDeadline(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// QueueDeadlines are the deadlines of case id in the order they were set.
func (t *Tx) QueueDeadlines(queue string, id int64) ([]QueueDeadline, error) {
	return collectDeadlines(t.QueryContext(t.ctx, "SELECT "+deadlineCols+" FROM queue_deadlines WHERE queue = ? AND case_id = ? ORDER BY id", queue, id))
}

// QueueDeadlines are the deadlines of the cases ids (every case of the queue
// when ids is nil), by case, each in the order set.
func (s *Store) QueueDeadlines(ctx context.Context, queue string, ids []int64) (map[int64][]QueueDeadline, error) {
	out := map[int64][]QueueDeadline{}
	add := func(ds []QueueDeadline, err error) error {
		if err != nil {
			return err
		}
		for _, d := range ds {
			out[d.CaseID] = append(out[d.CaseID], d)
		}
		return nil
	}
	if ids == nil {
		err := add(collectDeadlines(s.DB.QueryContext(ctx, "SELECT "+deadlineCols+" FROM queue_deadlines WHERE queue = ? ORDER BY id", queue)))
		return out, err
	}
	for i := 0; i < len(ids); i += 500 {
		part := ids[i:min(i+500, len(ids))]
		args := []any{queue}
		for _, id := range part {
			args = append(args, id)
		}
		if err := add(collectDeadlines(s.DB.QueryContext(ctx, "SELECT "+deadlineCols+" FROM queue_deadlines WHERE queue = ? AND case_id IN ("+
			placeholders(len(part))+") ORDER BY id", args...))); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// OpenQueueDeadlines are the deadlines of queue not met yet, by due date.
func (s *Store) OpenQueueDeadlines(ctx context.Context, queue string) ([]QueueDeadline, error) {
	return collectDeadlines(s.DB.QueryContext(ctx, "SELECT "+deadlineCols+" FROM queue_deadlines WHERE queue = ? AND met_on = '' ORDER BY due, id", queue))
}

// QueueEvent is one step of a case's timeline.
type QueueEvent struct {
	ID       int64
	Queue    string
	CaseID   int64
	On       civil.Date // office date
	At       string     // real time
	Operator string
	ActingBy string
	Command  string
	From, To string
	Note     string
	Details  string // JSON
}

// AddQueueEvent appends a step to case e.CaseID's timeline, as this
// transaction's operator on its office date.
func (t *Tx) AddQueueEvent(e QueueEvent) error {
	if e.Details == "" {
		e.Details = "{}"
	}
	_, err := t.ExecContext(t.ctx, `INSERT INTO queue_events(queue, case_id, on_date, at, operator, acting_by, command, from_state, to_state, note, details)
		VALUES (?,?,?,?,?,?,?,?,?,?,?)`, e.Queue, e.CaseID, t.Actor.Today.String(), t.At, t.Actor.Operator, t.Actor.ActingBy,
		e.Command, e.From, e.To, e.Note, e.Details)
	return err
}

// QueueEvents is case id's timeline, oldest first.
func (s *Store) QueueEvents(ctx context.Context, queue string, id int64) ([]QueueEvent, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, queue, case_id, on_date, at, operator, acting_by, command, from_state, to_state, note, details
		FROM queue_events WHERE queue = ? AND case_id = ? ORDER BY id`, queue, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []QueueEvent
	for rows.Next() {
		var e QueueEvent
		var on string
		if err := rows.Scan(&e.ID, &e.Queue, &e.CaseID, &on, &e.At, &e.Operator, &e.ActingBy, &e.Command, &e.From, &e.To, &e.Note, &e.Details); err != nil {
			return nil, err
		}
		if e.On, err = parseStoredDate(on); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ---- records as the queues see them ----------------------------------------

// CaseRecord is a visible record as a workflow reads it: its current revision
// with the layout's field names.
type CaseRecord struct {
	ID          int64
	Item        string
	NaturalKey  string
	SubjectID   int64
	SubjectCode string
	SubjectName string
	Provider    string
	FirstBatch  int64
	Category    string
	Severity    string
	DecidedOn   string
	ValidUntil  string
	Status      string // active | withdrawn | repaired
	Procedure   string
	Rev         int
	Layout      int64
	Names       []string // field names, aligned with Vals
	Vals        []string
	ContentHash string
}

// Value is the record's value of field name ("" when absent).
func (r CaseRecord) Value(name string) string {
	for i, n := range r.Names {
		if n == name && i < len(r.Vals) {
			return r.Vals[i]
		}
	}
	return ""
}

const caseRecordSQL = `SELECT r.id, r.item, r.natural_key, r.subject_id, s.code, s.name, r.provider, r.first_batch, r.category, r.severity,
	r.decided_on, r.valid_until, r.status, r.procedure, r.rev, r.layout, l.names, r.vals, r.content_hash
	FROM current_records r JOIN batches b ON b.id = r.first_batch AND b.state = 'published'
	JOIN subjects s ON s.id = r.subject_id JOIN layouts l ON l.id = r.layout`

func scanCaseRecord(sc interface{ Scan(...any) error }) (CaseRecord, error) {
	var r CaseRecord
	var names, vals string
	if err := sc.Scan(&r.ID, &r.Item, &r.NaturalKey, &r.SubjectID, &r.SubjectCode, &r.SubjectName, &r.Provider, &r.FirstBatch, &r.Category,
		&r.Severity, &r.DecidedOn, &r.ValidUntil, &r.Status, &r.Procedure, &r.Rev, &r.Layout, &names, &vals, &r.ContentHash); err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(names), &r.Names); err != nil {
		return r, fmt.Errorf("record %d: layout: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(vals), &r.Vals); err != nil {
		return r, fmt.Errorf("record %d: values: %w", r.ID, err)
	}
	return r, nil
}

func caseRecord(ctx context.Context, q queryer, id int64) (CaseRecord, bool, error) {
	r, err := scanCaseRecord(q.QueryRowContext(ctx, caseRecordSQL+" WHERE r.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, err
}

// CaseRecord reads visible record id; ok is false when there is none.
func (t *Tx) CaseRecord(id int64) (CaseRecord, bool, error) { return caseRecord(t.ctx, t.Tx, id) }

// CaseRecord reads visible record id; ok is false when there is none.
func (s *Store) CaseRecord(ctx context.Context, id int64) (CaseRecord, bool, error) {
	return caseRecord(ctx, s.DB, id)
}

// RecordCorrection is the new content of a record corrected after an upheld
// objection (第三十二条).
type RecordCorrection struct {
	RecordID              int64
	Ref                   string // objection:N
	Category, Severity    string
	DecidedOn, ValidUntil string
	Layout                int64
	Vals                  string // JSON array aligned with the layout
	ContentHash           string
}

// CorrectRecord keeps the current revision in record_history and makes c the
// record's content (procedure 'correction'). It returns the new revision.
func (t *Tx) CorrectRecord(c RecordCorrection) (int, error) {
	if err := t.supersede(c.RecordID, "correction", c.Ref); err != nil {
		return 0, err
	}
	var rev int
	err := t.QueryRowContext(t.ctx, `UPDATE records SET rev = rev + 1, rev_batch = NULL, procedure = 'correction', category = ?, severity = ?,
		decided_on = ?, valid_until = ?, layout = ?, vals = ?, content_hash = ?, updated_at = ? WHERE id = ? RETURNING rev`,
		c.Category, c.Severity, c.DecidedOn, c.ValidUntil, c.Layout, c.Vals, c.ContentHash, t.At, c.RecordID).Scan(&rev)
	return rev, err
}

// SetRecordStatus keeps the current revision in record_history and gives the
// record a new revision with the same content and status (withdrawn by an
// objection, repaired by a repair), made by procedure under ref.
func (t *Tx) SetRecordStatus(recordID int64, status, procedure, ref string) (int, error) {
	if err := t.supersede(recordID, procedure, ref); err != nil {
		return 0, err
	}
	var rev int
	err := t.QueryRowContext(t.ctx, `UPDATE records SET rev = rev + 1, rev_batch = NULL, procedure = ?, status = ?, updated_at = ?
		WHERE id = ? RETURNING rev`, procedure, status, t.At, recordID).Scan(&rev)
	return rev, err
}

// RecordRevision is a superseded revision as the queues list it.
type RecordRevision struct {
	Rev          int
	Procedure    string
	Status       string
	ContentHash  string
	SupersededBy string
	Ref          string
	SupersededAt string
}

// RecordRevisions lists record id's superseded revisions, oldest first.
func (s *Store) RecordRevisions(ctx context.Context, id int64) ([]RecordRevision, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT rev, procedure, status, content_hash, superseded_by, ref, superseded_at
		FROM current_record_history WHERE record_id = ? ORDER BY rev`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RecordRevision
	for rows.Next() {
		var r RecordRevision
		if err := rows.Scan(&r.Rev, &r.Procedure, &r.Status, &r.ContentHash, &r.SupersededBy, &r.Ref, &r.SupersededAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ---- objections --------------------------------------------------------------

// Objection is one objection with the record it is about.
type Objection struct {
	ID          int64
	RecordID    int64
	Rev         int
	ContentHash string
	Ground      string
	Via         string
	Applicant   string
	Contact     string
	Evidence    string
	Detail      string
	ReceivedOn  civil.Date
	State       string
	Holds       bool
	Finding     string
	Decision    string
	Appeal      string
	FiledOn     civil.Date
	FiledBy     string
	CreatedAt   string
	UpdatedAt   string
	// the record's
	Item, Provider, SubjectCode, SubjectName string
}

// InsertObjection stores a new objection (state and holds as given) and
// returns its id.
func (t *Tx) InsertObjection(o Objection) (int64, error) {
	res, err := t.ExecContext(t.ctx, `INSERT INTO objections(record_id, rev, content_hash, ground, via, applicant, contact, evidence, detail,
		received_on, state, holds, filed_on, filed_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		o.RecordID, o.Rev, o.ContentHash, o.Ground, o.Via, o.Applicant, o.Contact, o.Evidence, o.Detail, o.ReceivedOn.String(),
		o.State, boolInt(o.Holds), t.Actor.Today.String(), t.Actor.Operator, t.At, t.At)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// SetObjectionOutcome records the provider's finding, the decision or the
// appeal's outcome on objection id.
func (t *Tx) SetObjectionOutcome(id int64, what, value string) error {
	switch what {
	case "finding", "decision", "appeal":
	default:
		return fmt.Errorf("objection outcome %q", what)
	}
	_, err := t.ExecContext(t.ctx, "UPDATE objections SET "+what+" = ?, updated_at = ? WHERE id = ?", value, t.At, id)
	return err
}

const objectionSQL = `SELECT o.id, o.record_id, o.rev, o.content_hash, o.ground, o.via, o.applicant, o.contact, o.evidence, o.detail,
	o.received_on, o.state, o.holds, o.finding, o.decision, o.appeal, o.filed_on, o.filed_by, o.created_at, o.updated_at,
	r.item, r.provider, s.code, s.name
	FROM objections o JOIN current_records r ON r.id = o.record_id JOIN subjects s ON s.id = r.subject_id`

func scanObjection(sc interface{ Scan(...any) error }) (Objection, error) {
	var o Objection
	var received, filed string
	var holds int
	if err := sc.Scan(&o.ID, &o.RecordID, &o.Rev, &o.ContentHash, &o.Ground, &o.Via, &o.Applicant, &o.Contact, &o.Evidence, &o.Detail,
		&received, &o.State, &holds, &o.Finding, &o.Decision, &o.Appeal, &filed, &o.FiledBy, &o.CreatedAt, &o.UpdatedAt,
		&o.Item, &o.Provider, &o.SubjectCode, &o.SubjectName); err != nil {
		return o, err
	}
	o.Holds = holds != 0
	var err error
	if o.ReceivedOn, err = parseStoredDate(received); err != nil {
		return o, err
	}
	o.FiledOn, err = parseStoredDate(filed)
	return o, err
}

func objection(ctx context.Context, q queryer, id int64) (Objection, bool, error) {
	o, err := scanObjection(q.QueryRowContext(ctx, objectionSQL+" WHERE o.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, false, nil
	}
	return o, err == nil, err
}

// Objection reads objection id; ok is false when there is none.
func (t *Tx) Objection(id int64) (Objection, bool, error) { return objection(t.ctx, t.Tx, id) }

// Objection reads objection id; ok is false when there is none.
func (s *Store) Objection(ctx context.Context, id int64) (Objection, bool, error) {
	return objection(ctx, s.DB, id)
}

// ObjectionsOnRecord lists the objections on record recordID by id, inside
// a transition's transaction (a new filing checks the open ones).
func (t *Tx) ObjectionsOnRecord(recordID int64) ([]Objection, error) {
	rows, err := t.QueryContext(t.ctx, objectionSQL+" WHERE o.record_id = ? ORDER BY o.id", recordID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Objection
	for rows.Next() {
		o, err := scanObjection(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// ObjectionFilter selects objections; empty fields select all.
type ObjectionFilter struct {
	State    string
	Provider string
	Record   int64
	Records  []int64 // any of these records; non-nil and empty selects none
}

// Objections lists objections by id.
func (s *Store) Objections(ctx context.Context, f ObjectionFilter) ([]Objection, error) {
	var where []string
	var args []any
	if f.State != "" {
		where, args = append(where, "o.state = ?"), append(args, f.State)
	}
	if f.Provider != "" {
		where, args = append(where, "r.provider = ?"), append(args, f.Provider)
	}
	if f.Record != 0 {
		where, args = append(where, "o.record_id = ?"), append(args, f.Record)
	}
	if f.Records != nil {
		if len(f.Records) == 0 {
			return nil, nil
		}
		where = append(where, "o.record_id IN ("+placeholders(len(f.Records))+")")
		for _, id := range f.Records {
			args = append(args, id)
		}
	}
	q := objectionSQL
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.DB.QueryContext(ctx, q+" ORDER BY o.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Objection
	for rows.Next() {
		o, err := scanObjection(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
