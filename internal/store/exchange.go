package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Exchange with the provincial system (migration 011, docs/exchange.md).

// ExchangeRow is one revision of a record as the exchange sends it.
type ExchangeRow struct {
	RecordID    int64
	Rev         int
	Item        string
	SubjectKind string
	Procedure   string
	Category    string
	Severity    string
	DecidedOn   string
	ValidUntil  string
	Status      string
	Layout      int64
	Vals        string
	ContentHash string
	AckedRev    int    // the last revision the province accepted (0: none)
	Op, File    string // set for a row read back from a run
}

const exchangeAcked = `coalesce((SELECT max(a.rev) FROM exchange_sent a WHERE a.record_id = r.id AND a.result = 'accepted'), 0)`

// exchangeBase: the records that go upward at all: published, first
// collected locally (第十六条: what came down from the province never goes
// back up), not purged.
const exchangeBase = ` FROM current_records r
	JOIN batches b ON b.id = r.first_batch AND b.state = 'published'
	JOIN subjects s ON s.id = r.subject_id
	LEFT JOIN batches rb ON rb.id = r.rev_batch
	WHERE r.channel = 'local' AND r.status <> 'purged'`

// ExchangeCandidates lists, by item and id, the current revision of every
// record of items that the province has not accepted yet: never sent,
// failed, or changed since. A revision that the province itself pushed down
// is not sent back.
func (s *Store) ExchangeCandidates(ctx context.Context, items []string) ([]ExchangeRow, error) {
	if len(items) == 0 {
		return nil, nil
	}
	q := `SELECT r.id, r.rev, r.item, s.kind, r.procedure, r.category, r.severity, r.decided_on, r.valid_until, r.status,
		r.layout, r.vals, r.content_hash, ` + exchangeAcked + ` AS acked` + exchangeBase + `
		AND coalesce(rb.channel, 'local') <> 'province' AND r.item IN (` + placeholders(len(items)) + `)
		AND r.rev > ` + exchangeAcked + ` ORDER BY r.item, r.id`
	rows, err := s.DB.QueryContext(ctx, q, archiveIDArgs2(items)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ExchangeRow
	for rows.Next() {
		var e ExchangeRow
		if err := rows.Scan(&e.RecordID, &e.Rev, &e.Item, &e.SubjectKind, &e.Procedure, &e.Category, &e.Severity, &e.DecidedOn,
			&e.ValidUntil, &e.Status, &e.Layout, &e.Vals, &e.ContentHash, &e.AckedRev); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func archiveIDArgs2(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// ExchangeRun is one export under a sequence number.
type ExchangeRun struct {
	Seq            int64
	Target         string
	Department     string
	Today          string
	Format         string
	ManifestSHA256 string
	Records        int
	Operator       string
	CreatedAt      string
	ReceiptedAt    string
}

// ExchangeFile is one file of a run.
type ExchangeFile struct {
	Name     string
	Item     string
	SHA256   string
	Records  int
	Personal string
}

const exchangeRunCols = "seq, target, department, today, format, manifest_sha256, records, operator, created_at, receipted_at"

func scanRun(sc interface{ Scan(...any) error }) (ExchangeRun, error) {
	var r ExchangeRun
	err := sc.Scan(&r.Seq, &r.Target, &r.Department, &r.Today, &r.Format, &r.ManifestSHA256, &r.Records, &r.Operator, &r.CreatedAt, &r.ReceiptedAt)
	return r, err
}

// ExchangeRunBySeq returns the run seq, if it exists.
func (s *Store) ExchangeRunBySeq(ctx context.Context, seq int64) (ExchangeRun, bool, error) {
	r, err := scanRun(s.DB.QueryRowContext(ctx, "SELECT "+exchangeRunCols+" FROM exchange_runs WHERE seq = ?", seq))
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, err
}

// ExchangeOpenRun returns the newest run still awaiting its receipt.
func (s *Store) ExchangeOpenRun(ctx context.Context) (ExchangeRun, bool, error) {
	r, err := scanRun(s.DB.QueryRowContext(ctx, "SELECT "+exchangeRunCols+" FROM exchange_runs WHERE receipted_at = '' ORDER BY seq DESC LIMIT 1"))
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, err
}

// ExchangeNextSeq is the sequence number the next run takes.
func (s *Store) ExchangeNextSeq(ctx context.Context) (int64, error) {
	var n int64
	err := s.DB.QueryRowContext(ctx, "SELECT coalesce(max(seq), 0) + 1 FROM exchange_runs").Scan(&n)
	return n, err
}

// ExchangeFiles lists a run's files by name.
func (s *Store) ExchangeFiles(ctx context.Context, seq int64) ([]ExchangeFile, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT name, item, sha256, records, personal FROM exchange_files WHERE seq = ? ORDER BY name", seq)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ExchangeFile
	for rows.Next() {
		var f ExchangeFile
		if err := rows.Scan(&f.Name, &f.Item, &f.SHA256, &f.Records, &f.Personal); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// ExchangeRunRows reads back the revisions a run sent, each as it was then
// (the current revision, or the superseded one in record_history), by item
// and id.
func (s *Store) ExchangeRunRows(ctx context.Context, seq int64) ([]ExchangeRow, error) {
	pick := func(col string) string {
		return "CASE WHEN r.rev = e.rev THEN r." + col + " ELSE h." + col + " END"
	}
	q := `SELECT e.record_id, e.rev, r.item, s.kind, ` + pick("procedure") + `, ` + pick("category") + `, ` + pick("severity") + `, ` +
		pick("decided_on") + `, ` + pick("valid_until") + `, ` + pick("status") + `, ` + pick("layout") + `, ` + pick("vals") + `, ` +
		pick("content_hash") + `, e.op, e.file FROM exchange_sent e
		JOIN current_records r ON r.id = e.record_id
		JOIN subjects s ON s.id = r.subject_id
		LEFT JOIN current_record_history h ON h.record_id = e.record_id AND h.rev = e.rev
		WHERE e.seq = ? ORDER BY r.item, e.record_id`
	rows, err := s.DB.QueryContext(ctx, q, seq)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ExchangeRow
	for rows.Next() {
		var e ExchangeRow
		var proc, cat, sev, dec, vu, status, vals, hash sql.NullString
		var layout sql.NullInt64
		if err := rows.Scan(&e.RecordID, &e.Rev, &e.Item, &e.SubjectKind, &proc, &cat, &sev, &dec, &vu, &status, &layout, &vals, &hash,
			&e.Op, &e.File); err != nil {
			return nil, err
		}
		if !layout.Valid {
			return nil, fmt.Errorf("exchange run %d: revision %d of record %d is missing", seq, e.Rev, e.RecordID)
		}
		e.Procedure, e.Category, e.Severity, e.DecidedOn, e.ValidUntil, e.Status = proc.String, cat.String, sev.String, dec.String, vu.String, status.String
		e.Layout, e.Vals, e.ContentHash = layout.Int64, vals.String, hash.String
		out = append(out, e)
	}
	return out, rows.Err()
}

// ExchangeSent is one revision placed in a run.
type ExchangeSent struct {
	RecordID int64
	Rev      int
	Op       string
	File     string
}

// InsertExchangeRun consumes run.Seq with its files and the revisions they
// carry. It refuses when the sequence was taken meanwhile or a record
// changed since it was read, so that what is stored is what the files hold.
func (t *Tx) InsertExchangeRun(run ExchangeRun, files []ExchangeFile, sent []ExchangeSent) error {
	var next int64
	if err := t.QueryRowContext(t.ctx, "SELECT coalesce(max(seq), 0) + 1 FROM exchange_runs").Scan(&next); err != nil {
		return err
	}
	if next != run.Seq {
		return ErrExchangeRace
	}
	if _, err := t.ExecContext(t.ctx, "INSERT INTO exchange_runs("+exchangeRunCols+") VALUES (?,?,?,?,?,?,?,?,?,'')",
		run.Seq, run.Target, run.Department, run.Today, run.Format, run.ManifestSHA256, run.Records, t.Actor.Operator, t.At); err != nil {
		return err
	}
	for _, f := range files {
		if _, err := t.ExecContext(t.ctx, "INSERT INTO exchange_files(seq, name, item, sha256, records, personal) VALUES (?,?,?,?,?,?)",
			run.Seq, f.Name, f.Item, f.SHA256, f.Records, f.Personal); err != nil {
			return err
		}
	}
	for _, e := range sent {
		var rev int
		if err := t.QueryRowContext(t.ctx, "SELECT rev FROM current_records WHERE id = ?", e.RecordID).Scan(&rev); err != nil {
			return err
		}
		if rev != e.Rev {
			return ErrExchangeRace
		}
		if _, err := t.ExecContext(t.ctx, "INSERT INTO exchange_sent(seq, record_id, rev, op, file) VALUES (?,?,?,?,?)",
			run.Seq, e.RecordID, e.Rev, e.Op, e.File); err != nil {
			return err
		}
	}
	return nil
}

// ErrExchangeRace: another export or a change to a record came between
// reading the records and recording the run.
var ErrExchangeRace = errors.New("exchange: the sequence or a record changed meanwhile")

// ExchangeAnswer is the province's answer for one record of a run.
type ExchangeAnswer struct {
	RecordID int64
	Accepted bool
	Code     string
	Message  string
}

// ExchangeSentRows lists the rows of run seq (record id → row).
func (s *Store) ExchangeSentRows(ctx context.Context, seq int64) (map[int64]ExchangeSent, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT record_id, rev, op, file FROM exchange_sent WHERE seq = ?", seq)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]ExchangeSent{}
	for rows.Next() {
		var e ExchangeSent
		if err := rows.Scan(&e.RecordID, &e.Rev, &e.Op, &e.File); err != nil {
			return nil, err
		}
		out[e.RecordID] = e
	}
	return out, rows.Err()
}

// RecordExchangeReceipt stores the answers to run seq (which must still be
// awaiting its receipt) and closes it.
func (t *Tx) RecordExchangeReceipt(seq int64, fileHash, receivedOn string, answers []ExchangeAnswer) (accepted, failed int, err error) {
	res, err := t.ExecContext(t.ctx, "UPDATE exchange_runs SET receipted_at = ? WHERE seq = ? AND receipted_at = ''", t.At, seq)
	if err != nil {
		return 0, 0, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return 0, 0, ErrExchangeRace
	}
	for _, a := range answers {
		result := "failed"
		if a.Accepted {
			result = "accepted"
			accepted++
		} else {
			failed++
		}
		if _, err := t.ExecContext(t.ctx, "UPDATE exchange_sent SET result = ?, code = ?, message = ?, answered_on = ? WHERE seq = ? AND record_id = ?",
			result, a.Code, a.Message, receivedOn, seq, a.RecordID); err != nil {
			return 0, 0, err
		}
	}
	_, err = t.ExecContext(t.ctx, "INSERT INTO exchange_receipts(seq, file_sha256, accepted, failed, received_on, operator, received_at) VALUES (?,?,?,?,?,?,?)",
		seq, fileHash, accepted, failed, receivedOn, t.Actor.Operator, t.At)
	return accepted, failed, err
}

// ExchangeReceiptHash returns the hash of the receipt recorded for seq.
func (s *Store) ExchangeReceiptHash(ctx context.Context, seq int64) (string, bool, error) {
	var h string
	err := s.DB.QueryRowContext(ctx, "SELECT file_sha256 FROM exchange_receipts WHERE seq = ?", seq).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return h, err == nil, err
}

// UpstreamRow is what the exchange tables say about one record.
type UpstreamRow struct {
	RecordID    int64
	Item        string
	Rev         int
	UpdatedAt   string // real time of the current revision
	RevToday    string // office date of the batch that made the current revision ('' for a workflow change)
	Channel     string // channel of the batch that first collected it
	RevChannel  string // channel of the batch that made the current revision ('' for a workflow change)
	Status      string
	AckedRev    int
	AckedOn     string
	LastSeq     int64 // 0: never sent
	LastRev     int
	LastResult  string // pending | accepted | failed
	LastCode    string
	LastMessage string
}

const upstreamCols = `r.id, r.item, r.rev, r.updated_at, coalesce(rb.today, ''), r.channel, coalesce(rb.channel, ''), r.status, ` + exchangeAcked + `,
	coalesce((SELECT a.answered_on FROM exchange_sent a WHERE a.record_id = r.id AND a.result = 'accepted' ORDER BY a.seq DESC LIMIT 1), ''),
	coalesce(l.seq, 0), coalesce(l.rev, 0), coalesce(l.result, ''), coalesce(l.code, ''), coalesce(l.message, '')`

const upstreamFrom = ` FROM current_records r
	JOIN batches b ON b.id = r.first_batch AND b.state = 'published'
	LEFT JOIN batches rb ON rb.id = r.rev_batch
	LEFT JOIN exchange_sent l ON l.record_id = r.id AND l.seq = (SELECT max(x.seq) FROM exchange_sent x WHERE x.record_id = r.id)`

func scanUpstream(rows *sql.Rows) (UpstreamRow, error) {
	var u UpstreamRow
	err := rows.Scan(&u.RecordID, &u.Item, &u.Rev, &u.UpdatedAt, &u.RevToday, &u.Channel, &u.RevChannel, &u.Status, &u.AckedRev, &u.AckedOn,
		&u.LastSeq, &u.LastRev, &u.LastResult, &u.LastCode, &u.LastMessage)
	return u, err
}

// UpstreamRows calls fn for every published, unpurged record of items, by
// item and id, with its exchange state.
func (s *Store) UpstreamRows(ctx context.Context, items []string, fn func(UpstreamRow) error) error {
	if len(items) == 0 {
		return nil
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+upstreamCols+upstreamFrom+` WHERE r.status <> 'purged' AND r.item IN (`+placeholders(len(items))+`)
		ORDER BY r.item, r.id`, archiveIDArgs2(items)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		u, err := scanUpstream(rows)
		if err != nil {
			return err
		}
		if err := fn(u); err != nil {
			return err
		}
	}
	return rows.Err()
}

// UpstreamByID returns the exchange state of the records ids.
func (s *Store) UpstreamByID(ctx context.Context, ids []int64) (map[int64]UpstreamRow, error) {
	out := map[int64]UpstreamRow{}
	for i := 0; i < len(ids); i += 500 {
		part := ids[i:min(i+500, len(ids))]
		rows, err := s.reader(ctx).QueryContext(ctx, `SELECT `+upstreamCols+upstreamFrom+` WHERE r.id IN (`+placeholders(len(part))+`)`, archiveIDArgs(part)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			u, err := scanUpstream(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[u.RecordID] = u
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
