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

// The repair queue (migration 005). The rules live in internal/repair.

func init() {
	queueTables["repair"] = "repairs"
	queueOpened["repair"] = "applied_on"
	// An open repair holds its record: imports may not revise it (SPEC §F)
	// and the archive shows it as under repair.
	RegisterRecordLock("repair", "SELECT count(*) FROM repairs WHERE record_id = ? AND holds = 1")
	RegisterRecordFlag("under_repair", "SELECT DISTINCT record_id FROM repairs WHERE holds = 1 AND record_id IN (%s)")
	// 修复公示中 while the publicity runs: from the day it is publicised to
	// its last day (第三十五条); after that the repair waits to be completed
	// and the record no longer says it is in publicity.
	RegisterRecordFlag("in_publicity", `SELECT DISTINCT r.record_id FROM repairs r WHERE r.state = 'in_publicity'
		AND EXISTS (SELECT 1 FROM repair_publicity p WHERE p.repair_id = r.id AND p.paused_on = '' AND p.last_day >= @on)
		AND r.record_id IN (%s)`)
}

// OpenProcedures lists the procedures (objection, repair) that hold record id
// open, by their registered lock names.
func (t *Tx) OpenProcedures(recordID int64) ([]string, error) {
	locks, err := t.recordLocks(recordID)
	sortStrings(locks)
	return locks, err
}

// NegativeRecordsOf lists the subject's other visible, not withdrawn,
// negative records of item, whatever their dates: whether a same-kind act
// happened within the clean year (第三十四条(二)) is judged on each record's
// act date, which only the catalog names (internal/repair).
func (t *Tx) NegativeRecordsOf(subjectID int64, item string, except int64) ([]CaseRecord, error) {
	rows, err := t.QueryContext(t.ctx, caseRecordSQL+` WHERE r.subject_id = ? AND r.item = ? AND r.category = 'negative'
		AND r.id <> ? AND r.status <> 'withdrawn' ORDER BY r.decided_on, r.id`, subjectID, item, except)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CaseRecord
	for rows.Next() {
		r, err := scanCaseRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// OpenEntryRepairs counts the repairs that hold hand-entered list entry
// entry ('M<n>') open.
func (t *Tx) OpenEntryRepairs(entry string) (int, error) {
	var n int
	err := t.QueryRowContext(t.ctx, "SELECT count(*) FROM repairs WHERE entry = ? AND holds = 1", entry).Scan(&n)
	return n, err
}

// Repair is one repair application with the record it is about.
type Repair struct {
	ID          int64
	RecordID    int64  // 0 for a hand-entered list entry
	Entry       string // 'M<n>' for a hand-entered list entry, else ""
	Rev         int
	ContentHash string
	CorrectedOn civil.Date
	Commitment  string
	Evidence    string
	AppliedOn   civil.Date
	State       string
	Holds       bool
	Eligible    bool
	Reasons     []string
	Opinion     string
	FiledOn     civil.Date
	FiledBy     string
	CreatedAt   string
	UpdatedAt   string
	// the record's
	Item, Provider, SubjectCode, SubjectName, SubjectKind, NaturalKey string
}

// InsertRepair stores a new application and returns its id.
func (t *Tx) InsertRepair(r Repair) (int64, error) {
	reasons, err := json.Marshal(r.Reasons)
	if err != nil {
		return 0, err
	}
	if r.Reasons == nil {
		reasons = []byte("[]")
	}
	var record any = r.RecordID
	if r.Entry != "" {
		record = nil
	}
	res, err := t.ExecContext(t.ctx, `INSERT INTO repairs(record_id, entry, rev, content_hash, corrected_on, commitment, evidence, applied_on, state,
		holds, eligible, reasons, filed_on, filed_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		record, r.Entry, r.Rev, r.ContentHash, r.CorrectedOn.String(), r.Commitment, r.Evidence, r.AppliedOn.String(), r.State,
		boolInt(r.Holds), boolInt(r.Eligible), string(reasons), t.Actor.Today.String(), t.Actor.Operator, t.At, t.At)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// SetRepairOpinion records the provider's written opinion (approve | refuse).
func (t *Tx) SetRepairOpinion(id int64, opinion string) error {
	_, err := t.ExecContext(t.ctx, "UPDATE repairs SET opinion = ?, updated_at = ? WHERE id = ?", opinion, t.At, id)
	return err
}

// repairSQL reads a repair with what it is about: the record (and its
// subject), or the hand-entered list entry (its 认定单位 stands as provider).
const repairSQL = `SELECT p.id, coalesce(p.record_id, 0), p.entry, p.rev, p.content_hash, p.corrected_on, p.commitment, p.evidence, p.applied_on, p.state,
	p.holds, p.eligible, p.reasons, p.opinion, p.filed_on, p.filed_by, p.created_at, p.updated_at,
	coalesce(r.item, ''), coalesce(r.provider, e.unit, ''), coalesce(s.code, e.subject_code, ''), coalesce(s.name, e.subject_name, ''),
	coalesce(s.kind, (SELECT k.kind FROM subjects k WHERE k.code = e.subject_code), ''), coalesce(r.natural_key, '')
	FROM repairs p LEFT JOIN current_records r ON r.id = p.record_id LEFT JOIN subjects s ON s.id = r.subject_id
	LEFT JOIN roster_entries e ON p.entry <> '' AND e.id = CAST(substr(p.entry, 2) AS INTEGER)`

func scanRepair(sc interface{ Scan(...any) error }) (Repair, error) {
	var p Repair
	var corrected, applied, filed, reasons string
	var holds, eligible int
	if err := sc.Scan(&p.ID, &p.RecordID, &p.Entry, &p.Rev, &p.ContentHash, &corrected, &p.Commitment, &p.Evidence, &applied, &p.State,
		&holds, &eligible, &reasons, &p.Opinion, &filed, &p.FiledBy, &p.CreatedAt, &p.UpdatedAt,
		&p.Item, &p.Provider, &p.SubjectCode, &p.SubjectName, &p.SubjectKind, &p.NaturalKey); err != nil {
		return p, err
	}
	p.Holds, p.Eligible = holds != 0, eligible != 0
	if err := json.Unmarshal([]byte(reasons), &p.Reasons); err != nil {
		return p, fmt.Errorf("repair %d: reasons: %w", p.ID, err)
	}
	var err error
	if p.CorrectedOn, err = parseStoredDate(corrected); err != nil {
		return p, err
	}
	if p.AppliedOn, err = parseStoredDate(applied); err != nil {
		return p, err
	}
	p.FiledOn, err = parseStoredDate(filed)
	return p, err
}

func repair(ctx context.Context, q queryer, id int64) (Repair, bool, error) {
	p, err := scanRepair(q.QueryRowContext(ctx, repairSQL+" WHERE p.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, false, nil
	}
	return p, err == nil, err
}

// Repair reads repair id; ok is false when there is none.
func (t *Tx) Repair(id int64) (Repair, bool, error) { return repair(t.ctx, t.Tx, id) }

// Repair reads repair id; ok is false when there is none.
func (s *Store) Repair(ctx context.Context, id int64) (Repair, bool, error) {
	return repair(ctx, s.DB, id)
}

// RepairFilter selects repairs; empty fields select all.
type RepairFilter struct {
	State    string
	Provider string
	Record   int64
	Entry    string // a hand-entered list entry 'M<n>'
	IDs      []int64
	Records  []int64 // any of these records; non-nil and empty selects none
}

// Repairs lists repairs by id.
func (s *Store) Repairs(ctx context.Context, f RepairFilter) ([]Repair, error) {
	var where []string
	var args []any
	if f.State != "" {
		where, args = append(where, "p.state = ?"), append(args, f.State)
	}
	if f.Provider != "" {
		where, args = append(where, "r.provider = ?"), append(args, f.Provider)
	}
	if f.Record != 0 {
		where, args = append(where, "p.record_id = ?"), append(args, f.Record)
	}
	if f.Entry != "" {
		where, args = append(where, "p.entry = ?"), append(args, f.Entry)
	}
	if f.Records != nil {
		if len(f.Records) == 0 {
			return nil, nil
		}
		where = append(where, "p.record_id IN ("+placeholders(len(f.Records))+")")
		for _, id := range f.Records {
			args = append(args, id)
		}
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, nil
		}
		where = append(where, "p.id IN ("+placeholders(len(f.IDs))+")")
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	q := repairSQL
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.DB.QueryContext(ctx, q+" ORDER BY p.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Repair
	for rows.Next() {
		p, err := scanRepair(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PublicityStretch is one stretch of a repair's publicity period.
type PublicityStretch struct {
	RepairID    int64
	Seq         int
	StartedOn   civil.Date
	Days        int
	First, Last civil.Date
	Total       int
	Provisional bool
	Catalog     int64
	PausedOn    civil.Date // zero while running
	Served      int
}

// AddPublicityStretch starts a stretch of publicity (seq is assigned).
func (t *Tx) AddPublicityStretch(p PublicityStretch) (int, error) {
	var seq int
	err := t.QueryRowContext(t.ctx, `INSERT INTO repair_publicity(repair_id, seq, started_on, days, first_day, last_day, total, provisional, catalog_version)
		VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM repair_publicity WHERE repair_id = ?), ?,?,?,?,?,?,?) RETURNING seq`,
		p.RepairID, p.RepairID, p.StartedOn.String(), p.Days, p.First.String(), p.Last.String(), p.Total, boolInt(p.Provisional), p.Catalog).Scan(&seq)
	return seq, err
}

// PausePublicity pauses stretch seq of repair id on date on, with served
// working days served.
func (t *Tx) PausePublicity(id int64, seq int, on civil.Date, served int) error {
	_, err := t.ExecContext(t.ctx, "UPDATE repair_publicity SET paused_on = ?, served = ? WHERE repair_id = ? AND seq = ?", on.String(), served, id, seq)
	return err
}

const stretchCols = "repair_id, seq, started_on, days, first_day, last_day, total, provisional, catalog_version, paused_on, served"

func scanStretch(sc interface{ Scan(...any) error }) (PublicityStretch, error) {
	var p PublicityStretch
	var started, first, last, paused string
	var prov int
	if err := sc.Scan(&p.RepairID, &p.Seq, &started, &p.Days, &first, &last, &p.Total, &prov, &p.Catalog, &paused, &p.Served); err != nil {
		return p, err
	}
	p.Provisional = prov != 0
	var err error
	for _, x := range []struct {
		s string
		d *civil.Date
	}{{started, &p.StartedOn}, {first, &p.First}, {last, &p.Last}, {paused, &p.PausedOn}} {
		if *x.d, err = parseStoredDate(x.s); err != nil {
			return p, err
		}
	}
	return p, nil
}

func collectStretches(rows *sql.Rows, err error) ([]PublicityStretch, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PublicityStretch
	for rows.Next() {
		p, err := scanStretch(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Publicity lists repair id's publicity stretches in order.
func (t *Tx) Publicity(id int64) ([]PublicityStretch, error) {
	return collectStretches(t.QueryContext(t.ctx, "SELECT "+stretchCols+" FROM repair_publicity WHERE repair_id = ? ORDER BY seq", id))
}

// Publicity lists the publicity stretches of the repairs ids (all when nil), by repair.
func (s *Store) Publicity(ctx context.Context, ids []int64) (map[int64][]PublicityStretch, error) {
	q, args := "SELECT "+stretchCols+" FROM repair_publicity", []any{}
	if ids != nil {
		if len(ids) == 0 {
			return map[int64][]PublicityStretch{}, nil
		}
		q += " WHERE repair_id IN (" + placeholders(len(ids)) + ")"
		for _, id := range ids {
			args = append(args, id)
		}
	}
	ps, err := collectStretches(s.DB.QueryContext(ctx, q+" ORDER BY repair_id, seq", args...))
	if err != nil {
		return nil, err
	}
	out := map[int64][]PublicityStretch{}
	for _, p := range ps {
		out[p.RepairID] = append(out[p.RepairID], p)
	}
	return out, nil
}

// PublicityOn lists the stretches that put a repair under publicity on date
// on: on lies in the stretch and before its pause, if any.
func (s *Store) PublicityOn(ctx context.Context, on civil.Date) ([]PublicityStretch, error) {
	d := on.String()
	return collectStretches(s.DB.QueryContext(ctx, "SELECT "+stretchCols+` FROM repair_publicity
		WHERE first_day <= ? AND last_day >= ? AND (paused_on = '' OR paused_on > ?) ORDER BY repair_id, seq`, d, d, d))
}

// RunningPublicity lists the stretches not paused whose repair is still in
// publicity (for calendar load: their last days would move).
func (s *Store) RunningPublicity(ctx context.Context) ([]PublicityStretch, error) {
	return collectStretches(s.DB.QueryContext(ctx, "SELECT "+stretchCols+` FROM repair_publicity p
		WHERE paused_on = '' AND EXISTS (SELECT 1 FROM repairs r WHERE r.id = p.repair_id AND r.state = 'in_publicity') ORDER BY repair_id, seq`))
}
