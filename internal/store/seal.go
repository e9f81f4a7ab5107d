package store

// Seals (第三十六条, 第三十七条): every row of the tables in SealedTables has a
// row in seal_<table> with
//   - mac:  HMAC(office key, table, rowid, every column) — a row changed
//     behind credit's back no longer matches;
//   - prev, link: the rowid of the row before it and HMAC(key, table, rowid,
//     prev) — a row deleted together with its seal leaves the next row's link
//     pointing at it; the head row (rid 0) names the last rowid, so the last
//     row cannot go unnoticed either.
// credit's own writes are sealed once per write transaction, just before it
// commits (sealwrite.go: sealedWrite, called by Store.Write, Session.Write
// and Migrate), so every write path is sealed without knowing of it. The
// sqlite3 shell can write the file; VerifySeals names what it did.
//
// To seal another table: add its name to SealedTables and, in a new
// migration, create its seal table (the same four columns as in
// 015_seals.sql) and insert meta 'pending_upgrade:seal'; credit init then
// seals the rows it already holds.

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"credit/internal/apperr"
	"credit/internal/seal"
)

// SealedTables are the tables that hold credit data, decisions or
// identities (docs/architecture.md lists them with the reason for each).
var SealedTables = []string{
	"meta", "users", "catalog_versions", "providers", "provider_items", "units", "unit_items", "calendar_years",
	"subjects", "batches", "layouts", "records", "record_history", "record_links",
	"query_log", "query_log_records",
	"objections", "queue_deadlines", "queue_events", "repairs", "repair_publicity",
	"roster_entries", "roster_removals", "roster_entry_links", "measure_cases", "measure_versions",
	"retention_purges",
	"exchange_runs", "exchange_files", "exchange_sent", "exchange_receipts",
	"user_keys", "api_tokens", "catalog_compiled",
}

const sealKeyIDName = "seal_key_id"

// UseKey gives the store its office key: the seals and the audit chain
// use it from now on. A key whose id differs from the one the store was
// sealed with is refused.
func (s *Store) UseKey(ctx context.Context, k *seal.Key) error {
	id, err := s.SealKeyID(ctx)
	if err != nil {
		return err
	}
	if id != "" && id != k.ID {
		return apperr.Newf(apperr.Internal,
			"办公室密钥不属于数据库 %s（密钥编号 %s，数据库封印用的是 %s）：请用 --key 或 CREDIT_KEY 指向本库的密钥文件",
			"the office key does not belong to the store %s (key id %s; the store was sealed with %s): point --key or CREDIT_KEY at this store's key file",
			s.Path, k.ID, id)
	}
	s.key, s.keyed = k, id == k.ID
	return nil
}

// SealKeyID is the id of the key the store was sealed with, "" before the
// seal step ran.
func (s *Store) SealKeyID(ctx context.Context) (string, error) {
	var id string
	err := s.DB.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", sealKeyIDName).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) || (err != nil && strings.Contains(err.Error(), "no such table")) {
		return "", nil
	}
	return id, err
}

// SealPending reports whether credit init still has to seal tables.
func (s *Store) SealPending(ctx context.Context) (bool, error) {
	var n int
	err := s.DB.QueryRowContext(ctx, "SELECT count(*) FROM meta WHERE key = ?", pendingUpgradePrefix+"seal").Scan(&n)
	if err != nil && strings.Contains(err.Error(), "no such table") {
		return false, nil
	}
	return n > 0, err
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func sqlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// columnsOf lists a table's columns in table order.
func columnsOf(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, table string) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT name FROM pragma_table_info(?) ORDER BY cid", table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	if len(cols) == 0 && rows.Err() == nil {
		return nil, fmt.Errorf("seal: no table %s", table)
	}
	return cols, rows.Err()
}

// SealResult is what the seal step did.
type SealResult struct {
	KeyID        string         `json:"key_id"`
	ClosedChain  string         `json:"closed_chain,omitempty"` // SEQ:HASH of the last unkeyed entry ("0:" for none)
	TablesSealed map[string]int `json:"tables_sealed"`          // table → rows sealed now
}

// SealStore is the upgrade step 'seal' (credit init, with the office key):
//   - the first time, it closes the unkeyed audit chain: the next entry (this
//     step's) is the first keyed one and records the last unkeyed SEQ:HASH,
//     so earlier anchors and old backups still verify;
//   - each table of SealedTables whose seal table has no head row yet gets
//     the seals of the rows it holds; a table sealed before keeps its seals
//     as they are (re-sealing it would bless whatever was changed
//     meanwhile).
func (s *Store) SealStore(ctx context.Context, a Actor, k *seal.Key) (SealResult, error) {
	if err := s.UseKey(ctx, k); err != nil {
		return SealResult{}, err
	}
	res := SealResult{KeyID: k.ID, TablesSealed: map[string]int{}}
	err := s.Write(ctx, a, func(t *Tx) error {
		var pending int
		if err := t.QueryRowContext(ctx, "SELECT count(*) FROM meta WHERE key = ?", pendingUpgradePrefix+"seal").Scan(&pending); err != nil {
			return err
		}
		if pending == 0 {
			return nil
		}
		var id string
		err := t.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", sealKeyIDName).Scan(&id)
		first := errors.Is(err, sql.ErrNoRows)
		if err != nil && !first {
			return err
		}
		if first {
			var head struct {
				seq  int64
				hash string
			}
			err := t.QueryRowContext(ctx, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&head.seq, &head.hash)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			res.ClosedChain = fmt.Sprintf("%d:%s", head.seq, head.hash)
			if _, err := t.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES (?, ?)", sealKeyIDName, k.ID); err != nil {
				return err
			}
		}
		if _, err := t.ExecContext(ctx, "DELETE FROM meta WHERE key = ?", pendingUpgradePrefix+"seal"); err != nil {
			return err
		}
		// The meta rows above are written first, so that they are sealed too.
		for _, table := range SealedTables {
			n, err := t.sealTable(k, table)
			if err != nil {
				return fmt.Errorf("seal %s: %w", table, err)
			}
			if n >= 0 {
				res.TablesSealed[table] = n
			}
		}
		t.key = k // this entry is the first keyed one (or a keyed one)
		action := "store.seal"
		if first {
			action = KeyedChainAction
		}
		return t.Audit(action, "store", res)
	})
	if err == nil {
		s.keyed = true
	}
	return res, err
}

// KeyedChainAction is the audit action of the first keyed entry.
const KeyedChainAction = "audit.key"

// sealTable seals table's existing rows when its seal table has no head row
// yet, in rowid order, each linked to the one before. It returns the rows
// sealed, -1 when the table was sealed already (re-sealing it would bless
// whatever was changed meanwhile).
func (t *Tx) sealTable(k *seal.Key, table string) (int, error) {
	ctx := t.ctx
	cols, err := columnsOf(ctx, t, table)
	if err != nil {
		return 0, err
	}
	st := "main." + quoteIdent("seal_"+table)
	var heads int
	if err := t.QueryRowContext(ctx, "SELECT count(*) FROM "+st+" WHERE rid = 0").Scan(&heads); err != nil {
		return 0, err
	}
	if heads > 0 {
		return -1, nil
	}
	rows, err := t.QueryContext(ctx, rowSelect("main."+quoteIdent(table), cols)+" ORDER BY rowid")
	if err != nil {
		return 0, err
	}
	var out []sealRow
	var prev int64
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols)+1)
	for rows.Next() {
		rid, err := scanRow(rows, vals, ptrs)
		if err != nil {
			rows.Close()
			return 0, err
		}
		mac, err := k.Row(table, rid, vals)
		if err != nil {
			rows.Close()
			return 0, err
		}
		out = append(out, sealRow{rid: rid, prev: prev, mac: mac, link: k.Link(table, rid, prev)})
		prev = rid
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if err := insertSeals(ctx, t, st, out); err != nil {
		return 0, err
	}
	if _, err := t.ExecContext(ctx, "INSERT INTO "+st+"(rid, prev, mac, link) VALUES (0, ?, x'', ?)", prev, k.Link(table, 0, prev)); err != nil {
		return 0, err
	}
	return len(out), nil
}

// SealProblem is one finding of VerifySeals.
type SealProblem struct {
	Table string `json:"table"`
	Row   int64  `json:"row"`  // rowid (the id, for tables with an integer id); 0 for the table itself
	Kind  string `json:"kind"` // changed | deleted | added | seal_removed | seal_forged | trigger | unsealed_table | head
	Zh    string `json:"-"`
	En    string `json:"message"`
}

// SealReport is the outcome of VerifySeals.
type SealReport struct {
	Tables   int           `json:"tables"`
	Rows     int64         `json:"rows"`
	Problems []SealProblem `json:"problems"`
}

// MaxSealProblems bounds the findings listed per table.
const MaxSealProblems = 50

// VerifySeals checks every sealed table against its seals: a changed,
// deleted or added row, a forged seal, a missing or edited trigger, each
// named by table and row. It needs the store's key (UseKey). Tables are
// checked two at a time, each in one statement (one snapshot).
func (s *Store) VerifySeals(ctx context.Context) (SealReport, error) {
	if s.key == nil {
		return SealReport{}, errNoKeyForVerify(s.Path)
	}
	var rep SealReport
	var mu sync.Mutex
	errs := make(chan error, len(SealedTables))
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for _, table := range SealedTables {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			rows, probs, err := s.verifyTable(ctx, table)
			if err != nil {
				errs <- fmt.Errorf("verify seals of %s: %w", table, err)
				return
			}
			mu.Lock()
			rep.Tables++
			rep.Rows += rows
			rep.Problems = append(rep.Problems, probs...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return rep, err
	}
	order := map[string]int{}
	for i, t := range SealedTables {
		order[t] = i
	}
	sortProblems(rep.Problems, order)
	// The served query log's journal (querylog_journal.go): entries that
	// wait to be moved are sealed too.
	_, bad, err := s.JournalEntries(ctx)
	if err != nil {
		return rep, fmt.Errorf("verify the query-log journal: %w", err)
	}
	for i, id := range bad {
		if i == MaxSealProblems {
			break
		}
		rep.Problems = append(rep.Problems, problem(JournalTable, id, "changed",
			fmt.Sprintf("查询记录暂存文件 %s 中编号 %d 的记录与其封印不符（在 credit 之外被改动或伪造）", JournalPath(s.Path), id),
			fmt.Sprintf("entry %d of the query-log journal %s does not match its seal (changed or forged outside credit)", id, JournalPath(s.Path))))
	}
	return rep, nil
}

func sortProblems(p []SealProblem, order map[string]int) {
	for i := 1; i < len(p); i++ {
		for j := i; j > 0; j-- {
			a, b := p[j-1], p[j]
			if order[a.Table] < order[b.Table] || (a.Table == b.Table && a.Row <= b.Row) {
				break
			}
			p[j-1], p[j] = b, a
		}
	}
}

func errNoKeyForVerify(path string) error {
	return apperr.Newf(apperr.Internal,
		"没有办公室密钥，无法校验数据库 %s 的封印：请用 --key 或 CREDIT_KEY 指向本库的密钥文件（默认在数据库旁：%s）",
		"without the office key the seals of %s cannot be checked: point --key or CREDIT_KEY at this store's key file (by default beside the store: %s)",
		path, seal.DefaultPath(path))
}

func problem(table string, row int64, kind, zh, en string) SealProblem {
	return SealProblem{Table: table, Row: row, Kind: kind, Zh: zh, En: en}
}

func (s *Store) verifyTable(ctx context.Context, table string) (int64, []SealProblem, error) {
	k := s.key
	var probs []SealProblem
	add := func(p SealProblem) {
		if len(probs) < MaxSealProblems {
			probs = append(probs, p)
		}
	}
	// One read transaction: the table and its seals from one snapshot.
	tx, err := s.DB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, nil, err
	}
	defer tx.Rollback()
	var exists int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", "seal_"+table).Scan(&exists); err != nil {
		return 0, nil, err
	}
	if exists == 0 {
		add(problem(table, 0, "unsealed_table", fmt.Sprintf("表 %s 的封印表 seal_%s 不存在（被删除）", table, table),
			fmt.Sprintf("table %s: its seal table seal_%s is gone (dropped)", table, table)))
		return 0, probs, nil
	}
	cols, err := columnsOf(ctx, tx, table)
	if err != nil {
		return 0, nil, err
	}
	// Both in rowid order, merged here: every row and every seal is read
	// once, the MACs are computed in Go.
	trows, err := tx.QueryContext(ctx, rowSelect("main."+quoteIdent(table), cols)+" ORDER BY rowid")
	if err != nil {
		return 0, nil, err
	}
	defer trows.Close()
	srows, err := tx.QueryContext(ctx, "SELECT rid, prev, mac, link FROM main."+quoteIdent("seal_"+table)+" ORDER BY rid")
	if err != nil {
		return 0, nil, err
	}
	defer srows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols)+1)
	var trid int64 = -1 // the current table row (-1: none read yet, 1<<62: no more)
	const done = int64(1) << 62
	nextRow := func() error {
		if trows.Next() {
			rid, err := scanRow(trows, vals, ptrs)
			trid = rid
			return err
		}
		trid = done
		return trows.Err()
	}
	if err := nextRow(); err != nil {
		return 0, nil, err
	}
	var n int64
	var last int64 = -1 // rid of the previous seal row
	var head int64 = -1 // the head row's prev: the last rowid
	var removed []int64 // rows the chain names as gone with their seal
	var noSeal []int64  // table rows without a seal
	const maxNoSeal = 100000
	skip := func() error { // the table row at trid has no seal
		if len(noSeal) < maxNoSeal {
			noSeal = append(noSeal, trid)
		}
		return nextRow()
	}
	for srows.Next() {
		var rid, prev int64
		var mac, link []byte
		if err := srows.Scan(&rid, &prev, &mac, &link); err != nil {
			return 0, nil, err
		}
		linkOK := string(k.Link(table, rid, prev)) == string(link)
		if rid == 0 {
			if !linkOK {
				add(problem(table, 0, "head", fmt.Sprintf("表 %s 的封印头被伪造或改动", table), fmt.Sprintf("table %s: the seal head was forged or altered", table)))
			}
			head, last = prev, 0
			continue
		}
		if last < 0 {
			add(problem(table, 0, "head", fmt.Sprintf("表 %s 的封印头不存在（被删除）", table), fmt.Sprintf("table %s: the seal head is missing (deleted)", table)))
			last = 0
		}
		n++
		for trid < rid {
			if err := skip(); err != nil {
				return 0, nil, err
			}
		}
		switch {
		case !linkOK:
			add(problem(table, rid, "seal_forged", fmt.Sprintf("表 %s 第 %d 行的封印被伪造或改动", table, rid), fmt.Sprintf("table %s row %d: its seal was forged or altered", table, rid)))
		case prev > last && prev < rid:
			removed = append(removed, prev)
		case prev != last:
			add(problem(table, rid, "seal_forged", fmt.Sprintf("表 %s 第 %d 行的封印与前一行不衔接（封印被插入或挪动）", table, rid), fmt.Sprintf("table %s row %d: its seal does not link to the row before (a seal was inserted or moved)", table, rid)))
		}
		if trid != rid {
			add(problem(table, rid, "deleted", fmt.Sprintf("表 %s 第 %d 行被删除", table, rid), fmt.Sprintf("table %s row %d was deleted", table, rid)))
		} else {
			got, err := k.Row(table, rid, vals)
			if err != nil {
				return 0, nil, err
			}
			if string(got) != string(mac) {
				add(problem(table, rid, "changed", fmt.Sprintf("表 %s 第 %d 行在 credit 之外被修改", table, rid), fmt.Sprintf("table %s row %d was changed outside credit", table, rid)))
			}
			if err := nextRow(); err != nil {
				return 0, nil, err
			}
		}
		last = rid
	}
	if err := srows.Err(); err != nil {
		return 0, nil, err
	}
	for trid != done {
		if err := skip(); err != nil {
			return 0, nil, err
		}
	}
	if head >= 0 && head != last {
		if head > last {
			removed = append(removed, head)
		} else {
			add(problem(table, last, "head", fmt.Sprintf("表 %s 第 %d 行之后的封印头不衔接", table, last), fmt.Sprintf("table %s: the seal head does not link to row %d, the last", table, last)))
		}
	}
	if head < 0 && last < 0 {
		add(problem(table, 0, "head", fmt.Sprintf("表 %s 的封印头不存在（被删除）", table), fmt.Sprintf("table %s: the seal head is missing (deleted)", table)))
	}
	for _, rid := range removed {
		if i := slices.Index(noSeal, rid); i >= 0 {
			noSeal = slices.Delete(noSeal, i, i+1)
			add(problem(table, rid, "seal_removed", fmt.Sprintf("表 %s 第 %d 行的封印被删除（行仍在，无法确认未被改动）", table, rid),
				fmt.Sprintf("table %s row %d: its seal was removed (the row is there; it cannot be shown unchanged)", table, rid)))
			continue
		}
		what, en := "连同其封印被删除", "was deleted together with its seal"
		if rid == head {
			what, en = "（最后一行）连同其封印被删除", "(the last) was deleted together with its seal"
		}
		add(problem(table, rid, "deleted", fmt.Sprintf("表 %s 第 %d 行%s", table, rid, what), fmt.Sprintf("table %s row %d %s", table, rid, en)))
	}
	for _, rid := range noSeal {
		add(problem(table, rid, "added", fmt.Sprintf("表 %s 第 %d 行没有封印（在 credit 之外加入）", table, rid), fmt.Sprintf("table %s row %d has no seal (added outside credit)", table, rid)))
	}
	slices.SortStableFunc(probs, func(a, b SealProblem) int { return cmp.Compare(a.Row, b.Row) })
	return n, probs, nil
}

// UndoSealsSQL undoes migration 015 and the seal step: the seal tables and
// the meta rows (upgrade tests rewind stores with it; the audit chain stays
// keyed, and the next seal step keys on).
func UndoSealsSQL() []string {
	var out []string
	for _, t := range SealedTables {
		out = append(out, "DROP TABLE IF EXISTS "+quoteIdent("seal_"+t))
	}
	return append(out, "DELETE FROM meta WHERE key IN ('pending_upgrade:seal', '"+sealKeyIDName+"')")
}
