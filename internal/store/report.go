package store

import (
	"context"
	"strings"
)

// Queries behind the monthly collection and use report (归集和应用情况报告,
// 第五条, 第四十条): what each provider sent per item, and what each user
// unit asked and applied.

// ProviderItemRow is an item a provider is registered for, since when.
type ProviderItemRow struct {
	Provider     string
	ProviderName string
	Item         string
	AddedAt      string // real time (RFC 3339) the item was registered
}

// ProviderItemRows lists every provider's registered items (one provider
// when code is given), by provider then item.
func (s *Store) ProviderItemRows(ctx context.Context, code string) ([]ProviderItemRow, error) {
	q := `SELECT p.code, p.name, i.item, i.added_at FROM providers p JOIN provider_items i ON i.provider = p.code`
	var args []any
	if code != "" {
		q += " WHERE p.code = ?"
		args = append(args, code)
	}
	rows, err := s.DB.QueryContext(ctx, q+" ORDER BY p.code, i.item", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ProviderItemRow
	for rows.Next() {
		var r ProviderItemRow
		if err := rows.Scan(&r.Provider, &r.ProviderName, &r.Item, &r.AddedAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// BatchStatRow sums a provider's published batches of one item.
type BatchStatRow struct {
	Provider   string
	Item       string
	Batches    int
	Rows       int64
	Accepted   int64
	Revised    int64
	Duplicates int64
	Rejected   int64
	LastOn     string // the latest batch's office date
}

// BatchStats sums the published batches whose office date lies in [from, to].
func (s *Store) BatchStats(ctx context.Context, from, to string) ([]BatchStatRow, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT provider, item, count(*), sum(rows_read), sum(accepted), sum(revised), sum(duplicates), sum(rejected), max(today)
		FROM batches WHERE state = 'published' AND today >= ? AND today <= ? GROUP BY provider, item ORDER BY provider, item`, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BatchStatRow
	for rows.Next() {
		var r BatchStatRow
		if err := rows.Scan(&r.Provider, &r.Item, &r.Batches, &r.Rows, &r.Accepted, &r.Revised, &r.Duplicates, &r.Rejected, &r.LastOn); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// LastBatchDates gives, per "provider\x1fitem", the office date of the latest
// published batch on or before asOf.
func (s *Store) LastBatchDates(ctx context.Context, asOf string) (map[string]string, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT provider, item, max(today) FROM batches WHERE state = 'published' AND today <= ? GROUP BY provider, item`, asOf)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var p, it, d string
		if err := rows.Scan(&p, &it, &d); err != nil {
			return nil, err
		}
		out[p+"\x1f"+it] = d
	}
	return out, rows.Err()
}

// tableExists reports whether the store has a table (a workflow's migration
// may not be there in every build).
func (s *Store) tableExists(ctx context.Context, name string) (bool, error) {
	var n int
	err := s.DB.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", name).Scan(&n)
	return n > 0, err
}

// UpheldObjections counts, per "provider\x1fitem", the objections upheld
// (decided for the applicant, or upheld on appeal) on a date in [from, to]
// against records of that provider and item. A store without the objection
// tables counts none.
func (s *Store) UpheldObjections(ctx context.Context, from, to string) (map[string]int, error) {
	out := map[string]int{}
	for _, t := range []string{"objections", "queue_events"} {
		ok, err := s.tableExists(ctx, t)
		if err != nil || !ok {
			return out, err
		}
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT r.provider, r.item, count(DISTINCT o.id)
		FROM queue_events e JOIN objections o ON o.id = e.case_id JOIN current_records r ON r.id = o.record_id
		WHERE e.queue = 'objection' AND e.to_state = 'upheld' AND e.on_date >= ? AND e.on_date <= ?
		GROUP BY r.provider, r.item`, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p, it string
		var n int
		if err := rows.Scan(&p, &it, &n); err != nil {
			return nil, err
		}
		out[p+"\x1f"+it] = n
	}
	return out, rows.Err()
}

// UnitActivityRow is what a user unit did in a period.
type UnitActivityRow struct {
	Unit          string
	UnitName      string
	Queries       int // every query-log entry in its name (lookups, searches, checks, exports)
	Checks        int // credit checks (one per subject checked)
	Exports       int
	Cases         int
	RewardCases   int
	SanctionCases int
}

// UnitActivity counts, per registered unit, its query-log entries (by office
// date) and its cases (by date applied) in [from, to].
func (s *Store) UnitActivity(ctx context.Context, from, to string) ([]UnitActivityRow, error) {
	if err := s.SettleQueryLog(ctx); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT u.code, u.name,
		(SELECT count(*) FROM query_log q WHERE q.unit = u.code AND q.today >= ?1 AND q.today <= ?2),
		(SELECT count(*) FROM query_log q WHERE q.unit = u.code AND q.action = 'check' AND q.today >= ?1 AND q.today <= ?2),
		(SELECT count(*) FROM query_log q WHERE q.unit = u.code AND q.action = 'export' AND q.today >= ?1 AND q.today <= ?2),
		(SELECT count(*) FROM measure_cases c WHERE c.unit = u.code AND c.applied_on >= ?1 AND c.applied_on <= ?2),
		(SELECT count(*) FROM measure_cases c WHERE c.unit = u.code AND c.kind = 'reward' AND c.applied_on >= ?1 AND c.applied_on <= ?2)
		FROM units u ORDER BY u.code`, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []UnitActivityRow
	for rows.Next() {
		var r UnitActivityRow
		if err := rows.Scan(&r.Unit, &r.UnitName, &r.Queries, &r.Checks, &r.Exports, &r.Cases, &r.RewardCases); err != nil {
			return nil, err
		}
		r.SanctionCases = r.Cases - r.RewardCases
		out = append(out, r)
	}
	return out, rows.Err()
}

// ProviderNames maps provider codes to names.
func (s *Store) ProviderNames(ctx context.Context) (map[string]string, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT code, name FROM providers")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var c, n string
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		out[c] = n
	}
	return out, rows.Err()
}

// dateOf is the date part of an RFC 3339 time.
func dateOf(at string) string {
	d, _, _ := strings.Cut(at, "T")
	return d
}

// Since is the date the item was registered for the provider (the real date
// of provider add), as YYYY-MM-DD.
func (r ProviderItemRow) Since() string { return dateOf(r.AddedAt) }
