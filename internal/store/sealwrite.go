package store

// How credit's own writes are sealed (第三十六条, 第三十七条), once per write
// transaction, in Go, at the single commit point every write path goes
// through: Store.Write, Session.Write and Migrate call beginSeal after BEGIN
// IMMEDIATE and finishSeal just before COMMIT. A new write path must do the
// same (or, better, use Store.Write); nothing else needs to know of the seals.
//
//   - A pre-update hook (SQLite's sqlite3_preupdate_hook), registered on
//     the transaction's connection at BEGIN and removed at its end, notes in
//     Go the rowid of every row of a sealed table the transaction inserts,
//     updates or deletes: no TEMP table, trigger or other DDL, so a
//     connection's first write costs no more than its later ones. SQLite
//     calls the hook for a REPLACE's delete too, and turns off its
//     truncate optimisation while a hook is registered, so a DELETE without
//     WHERE reports every row (TestSealHookCases). Nothing is read at BEGIN
//     but the schema version.
//   - The image from before the transaction of a row it updated or deleted
//     is read at commit on another connection (Store.sealReader, beside the
//     store's pool): it still sees the last committed state, which is the
//     state at BEGIN, since this transaction has held the write lock from
//     BEGIN IMMEDIATE on.
//   - At commit, per table touched: rows inserted above the last seal are read
//     in one range scan, their MACs computed in Go and their seals appended in
//     rowid order (B-tree appends). A changed row is sealed again only if its
//     image from before matched its seal (a row changed behind credit's back
//     is never blessed by a later change credit makes to it: verify keeps
//     naming it); a deleted row's seal is removed and its successor relinked
//     (the retention purge); a row inserted below the last seal (a REPLACE,
//     an explicit id) is sealed in the middle of the chain.
//   - Rows written outside credit were never noted here, so they are never
//     sealed (verify names them "added"); credit's writes go on.

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"credit/internal/apperr"
	"credit/internal/seal"
)

type sqlRunner interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// sealWrite is one write transaction's part in the seals.
type sealWrite struct {
	key     *seal.Key
	ver     int64      // main.schema_version at BEGIN
	cols    [][]string // per sealed table, its columns at BEGIN
	newCols [][]string // at COMMIT (differs after a migration added a column)
	tx      *Tx        // set on a Session (bulk): its statements are kept
	marks   []int64    // bulk: per table max(rowid, seal rid) at BEGIN
	store   *Store     // reads the images from before the transaction
	bulk    bool       // inserts are sealed by marks, not noted
	// lazy: the columns are read at commit, of the tables written only
	// (a short write of credit's own, not a migration: see beginSeal).
	lazy bool

	// Noted by the pre-update hook: per sealed table, the rowids written
	// (true: inserted at least once in this transaction).
	dirty   map[int]map[int64]bool
	hookErr error // a statement the seals cannot follow (a rowid changed)
}

// sealedIndex maps a sealed table's name to its place in SealedTables.
var sealedIndex = func() map[string]int {
	m := make(map[string]int, len(SealedTables))
	for i, t := range SealedTables {
		m[t] = i
	}
	return m
}()

// note is the pre-update hook: it runs inside SQLite for every row any
// statement of the transaction writes, so it only notes rowids.
func (sw *sealWrite) note(d sqlite.SQLitePreUpdateData) {
	if d.DatabaseName != "main" {
		return
	}
	t, ok := sealedIndex[d.TableName]
	if !ok || (!sw.lazy && sw.cols[t] == nil) {
		return // not sealed, or made by this migration (sealed by credit init)
	}
	mark := func(rid int64, ins bool) {
		m := sw.dirty[t]
		if m == nil {
			m = map[int64]bool{}
			sw.dirty[t] = m
		}
		m[rid] = m[rid] || ins
	}
	switch d.Op {
	case sqlite3.SQLITE_INSERT:
		if !sw.bulk {
			mark(d.NewRowID, true)
		}
	case sqlite3.SQLITE_UPDATE:
		if d.OldRowID != d.NewRowID && sw.hookErr == nil {
			sw.hookErr = fmt.Errorf("seal: a sealed row keeps its rowid (%s %d → %d)", d.TableName, d.OldRowID, d.NewRowID)
		}
		mark(d.OldRowID, false)
	case sqlite3.SQLITE_DELETE:
		mark(d.OldRowID, false)
	}
}

// hookConn registers (fn non-nil) or removes the pre-update hook on the
// driver connection behind conn.
func hookConn(conn *sql.Conn, fn sqlite.PreUpdateHookFn) error {
	return conn.Raw(func(dc any) error {
		h, ok := dc.(sqlite.HookRegisterer)
		if !ok {
			return errors.New("seal: the SQLite driver offers no pre-update hook")
		}
		h.RegisterPreUpdateHook(fn)
		return nil
	})
}

// sealColumns reads the columns of every sealed table, in one statement
// (a one-shot command pays it once; a Store caches them per schema version,
// since they change only in a migration). A table not there yet (made by a
// later migration) has nil: credit init seals it once it exists.
func sealColumns(ctx context.Context, q sqlRunner) ([][]string, error) {
	out := make([][]string, len(SealedTables))
	rows, err := q.QueryContext(ctx, `SELECT m.name, p.name FROM main.sqlite_schema AS m, pragma_table_info(m.name, 'main') AS p
		WHERE m.type = 'table' AND m.name IN (`+placeholders(len(SealedTables))+`) ORDER BY m.name, p.cid`, sealedArgs...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			return nil, err
		}
		i := sealedIndex[t]
		out[i] = append(out[i], c)
	}
	return out, rows.Err()
}

var sealedArgs = func() []any {
	out := make([]any, len(SealedTables))
	for i, t := range SealedTables {
		out[i] = t
	}
	return out
}()

// sealCache keeps the sealed tables' columns for one schema version (they
// change only in a migration): all of them (full; nil for a table not there),
// or those of the tables short writes have written so far (nil: not read).
type sealCache struct {
	ver  int64
	cols [][]string
	full bool
}

// tableColumns are one sealed table's columns, as sealColumns reads them.
func tableColumns(ctx context.Context, q sqlRunner, table string) ([]string, error) {
	return textColumn(ctx, q, "SELECT name FROM pragma_table_info(?, 'main') ORDER BY cid", table)
}

// textColumn runs query and returns its one text column, row by row.
func textColumn(ctx context.Context, q queryer, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// beginSeal is called right after BEGIN IMMEDIATE of a write transaction on
// a sealed store, on conn.
func beginSeal(ctx context.Context, q sqlRunner, k *seal.Key, s *Store, conn *sql.Conn) (*sealWrite, error) {
	var ver int64
	if err := q.QueryRowContext(ctx, "PRAGMA main.schema_version").Scan(&ver); err != nil {
		return nil, err
	}
	// A long job's connection (a Session) seals its inserts by marks: the
	// marks statement is prepared once per session, and the hook need not
	// note each inserted row. Short writes note their inserts instead (no
	// statement over every table per transaction).
	t, _ := q.(*Tx)
	bulk := t != nil && t.session != nil
	// A short write of credit's own (Store.Write: not a Session, not a
	// migration, which alone changes the schema) reads at commit the columns
	// of the tables it wrote: a one-shot lookup writes one query_log row, and
	// reading every sealed table's columns was 3 % of its CPU (第六轮). Should
	// its schema change all the same, finishSeal reads the columns at BEGIN
	// where they are still seen (columnsChanged).
	lazy := t != nil && !bulk
	var cols [][]string
	if c := s.sealCols.Load(); c != nil && c.ver == ver && c.full {
		cols, lazy = c.cols, false
	}
	if cols == nil && !lazy {
		var err error
		if cols, err = sealColumns(ctx, q); err != nil {
			return nil, err
		}
		s.sealCols.Store(&sealCache{ver: ver, cols: cols, full: true})
	}
	sw := &sealWrite{key: k, ver: ver, cols: cols, newCols: cols, store: s, bulk: bulk, lazy: lazy, dirty: map[int]map[int64]bool{}}
	if err := hookConn(conn, sw.note); err != nil {
		return nil, err
	}
	if bulk {
		sw.tx = t
		var err error
		if sw.marks, err = sw.readMarks(true); err != nil {
			return nil, err
		}
	}
	return sw, nil
}

// marksQuery reads, for every sealed table, max(rowid) and (with seals)
// max(seal rid): O(log n) each.
func marksQuery(seals bool) string {
	var sel []string
	for _, table := range SealedTables {
		e := fmt.Sprintf("coalesce((SELECT max(rowid) FROM main.%s), 0)", quoteIdent(table))
		if seals {
			e = fmt.Sprintf("max(%s, coalesce((SELECT max(rid) FROM main.%s), 0))", e, quoteIdent("seal_"+table))
		}
		sel = append(sel, e)
	}
	return "SELECT " + strings.Join(sel, ", ")
}

func (sw *sealWrite) readMarks(seals bool) ([]int64, error) {
	st, err := sw.tx.sessionStmt(marksQuery(seals))
	if err != nil {
		return nil, err
	}
	out := make([]int64, len(SealedTables))
	ptrs := make([]any, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	return out, st.QueryRowContext(sw.tx.ctx).Scan(ptrs...)
}

// rowSelect is the SELECT of a sealed table's rowid and columns as stored:
// unary + drops the declared type, so the driver hands every value over as
// SQLite holds it (the same way at sealing and at verifying).
func rowSelect(from string, cols []string) string {
	var b strings.Builder
	b.WriteString("SELECT rowid")
	for _, c := range cols {
		b.WriteString(", +" + quoteIdent(c))
	}
	b.WriteString(" FROM " + from)
	return b.String()
}

// scanRow reads rowid and values; vals is reused.
func scanRow(rows *sql.Rows, vals []any, ptrs []any) (int64, error) {
	var rid int64
	ptrs[0] = &rid
	for j := range vals {
		ptrs[j+1] = &vals[j]
	}
	err := rows.Scan(ptrs...)
	return rid, err
}

type sealRow struct {
	rid, prev int64
	mac, link []byte
}

// finishSeal seals what the transaction wrote; it runs just before COMMIT.
func (sw *sealWrite) finishSeal(ctx context.Context, q sqlRunner) error {
	changed, err := sw.columnsChanged(ctx, q)
	if err != nil {
		return err
	}
	if sw.hookErr != nil {
		return sw.hookErr
	}
	dirty := map[int][][2]int64{}
	for t, m := range sw.dirty {
		list := make([][2]int64, 0, len(m))
		for rid, ins := range m {
			list = append(list, [2]int64{rid, map[bool]int64{true: 1}[ins]})
		}
		slices.SortFunc(list, func(a, b [2]int64) int { return cmp.Compare(a[0], b[0]) })
		dirty[t] = list
	}
	var grown []int64
	if sw.marks != nil {
		if grown, err = sw.readMarks(false); err != nil {
			return err
		}
		for t := range SealedTables {
			if _, ok := dirty[t]; !ok && grown[t] > sw.marks[t] {
				dirty[t] = nil
			}
		}
	}
	for _, t := range changed {
		if _, ok := dirty[t]; !ok {
			dirty[t] = nil
		}
	}
	for t, list := range dirty {
		table := SealedTables[t]
		st := "main." + quoteIdent("seal_"+table)
		var last int64 // the last seal at BEGIN (appends come after it)
		if err := q.QueryRowContext(ctx, "SELECT coalesce(max(rid), 0) FROM "+st).Scan(&last); err != nil {
			return err
		}
		var appends []int64
		var others [][2]int64
		for _, d := range list {
			if d[1] == 1 && d[0] > last {
				appends = append(appends, d[0])
			} else {
				others = append(others, d)
			}
		}
		if err := sw.resealDirty(ctx, q, t, others); err != nil {
			return err
		}
		if slices.Contains(changed, t) {
			if err := sw.resealColumns(ctx, q, t, others, last); err != nil {
				return err
			}
		}
		cur := last // the last seal now: resealDirty may have added or removed some below it
		if len(others) > 0 {
			if err := q.QueryRowContext(ctx, "SELECT coalesce(max(rid), 0) FROM "+st).Scan(&cur); err != nil {
				return err
			}
		}
		var end int64
		if sw.marks != nil && grown[t] > sw.marks[t] {
			// Bulk: every row above the mark at BEGIN is this
			// transaction's (the write lock was held since).
			appends = append(appends[:0], sw.marks[t]+1, grown[t])
			end, err = sw.appendSeals(ctx, q, t, cur, appends, true)
		} else {
			end, err = sw.appendSeals(ctx, q, t, cur, appends, false)
		}
		if err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, "UPDATE "+st+" SET prev = ?, link = ? WHERE rid = 0 AND prev <> ?", end, sw.key.Link(table, 0, end), end); err != nil {
			return fmt.Errorf("seal head of %s: %w", table, err)
		}
	}
	return nil
}

// columnsChanged reports the sealed tables whose columns this transaction
// changed (a migration). Only columns added at the end are supported: a
// row's seal over its old columns is checked before it is sealed again over
// all of them.
func (sw *sealWrite) columnsChanged(ctx context.Context, q sqlRunner) ([]int, error) {
	var ver int64
	if err := q.QueryRowContext(ctx, "PRAGMA main.schema_version").Scan(&ver); err != nil {
		return nil, err
	}
	if sw.lazy {
		if ver == sw.ver {
			return nil, sw.readDirtyColumns(ctx, q)
		}
		// The schema changed in this write (DDL through Store.Write, as the
		// seal tests do): the columns at BEGIN are read on the other
		// connection, which still sees the state at BEGIN (this transaction
		// has held the write lock since), and rows of a table this write
		// made are left to credit init, as in a migration.
		before, err := sealColumns(ctx, sw.store.sealReader())
		if err != nil {
			return nil, err
		}
		sw.cols, sw.lazy = before, false
		for t := range sw.dirty {
			if before[t] == nil {
				delete(sw.dirty, t)
			}
		}
	}
	if ver == sw.ver {
		return nil, nil
	}
	cols, err := sealColumns(ctx, q)
	if err != nil {
		return nil, err
	}
	sw.newCols = cols
	var out []int
	for i := range SealedTables {
		if slices.Equal(cols[i], sw.cols[i]) || sw.cols[i] == nil || cols[i] == nil {
			continue // unchanged, or a table made (or dropped) by this migration
		}
		if len(cols[i]) < len(sw.cols[i]) || !slices.Equal(cols[i][:len(sw.cols[i])], sw.cols[i]) {
			return nil, apperr.Newf(apperr.Internal,
				"迁移改动了封印表 %s 的列（%s → %s）：封印只支持在表尾增加列；删除或改名列须先校验封印，再在同一迁移中重新封印（见 docs/architecture.md「封印」）",
				"a migration changed the columns of the sealed table %s (%s → %s): seals support columns added at the end only; to drop or rename one, verify the seals and re-seal in that migration (docs/architecture.md, Seals)",
				SealedTables[i], strings.Join(sw.cols[i], ","), strings.Join(cols[i], ","))
		}
		out = append(out, i)
	}
	return out, nil
}

// readDirtyColumns reads, for a lazy write at commit, the columns of the
// sealed tables it wrote (the same as at its BEGIN: the schema version has
// not changed), from the store's cache when an earlier write read them.
func (sw *sealWrite) readDirtyColumns(ctx context.Context, q sqlRunner) error {
	cols := make([][]string, len(SealedTables))
	orig := sw.store.sealCols.Load()
	c := orig
	if c != nil && c.ver != sw.ver {
		c = nil
	}
	read := false
	for t := range sw.dirty {
		if c != nil && c.cols[t] != nil {
			cols[t] = c.cols[t]
			continue
		}
		tc, err := tableColumns(ctx, q, SealedTables[t])
		if err != nil {
			return err
		}
		if len(tc) == 0 {
			return fmt.Errorf("seal: no columns for the sealed table %s", SealedTables[t])
		}
		cols[t], read = tc, true
	}
	sw.cols, sw.newCols = cols, cols
	if read && (c == nil || !c.full) {
		next := &sealCache{ver: sw.ver, cols: make([][]string, len(SealedTables))}
		if c != nil {
			copy(next.cols, c.cols)
		}
		for t, tc := range cols {
			if tc != nil {
				next.cols[t] = tc
			}
		}
		sw.store.sealCols.CompareAndSwap(orig, next)
	}
	return nil
}

// readSeals adds to into the (rid, mac) rows that query returns from a
// seal table.
func readSeals(ctx context.Context, q sqlRunner, into map[int64][]byte, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var rid int64
		var mac []byte
		if err := rows.Scan(&rid, &mac); err != nil {
			return err
		}
		into[rid] = mac
	}
	return rows.Err()
}

// resealColumns seals table t's rows at or below the mark again over its
// new columns, each only if its seal over the old columns holds (rows in
// dirty were handled by resealDirty).
func (sw *sealWrite) resealColumns(ctx context.Context, q sqlRunner, t int, dirty [][2]int64, last int64) error {
	table, oldCols, cols := SealedTables[t], sw.cols[t], sw.newCols[t]
	st := "main." + quoteIdent("seal_"+table)
	skip := map[int64]bool{}
	for _, d := range dirty {
		skip[d[0]] = true
	}
	seals := map[int64][]byte{}
	if err := readSeals(ctx, q, seals, "SELECT rid, mac FROM "+st+" WHERE rid > 0 AND rid <= ?", last); err != nil {
		return err
	}
	rows, err := q.QueryContext(ctx, rowSelect("main."+quoteIdent(table), cols)+" WHERE rowid <= ? ORDER BY rowid", last)
	if err != nil {
		return err
	}
	type upd struct {
		rid int64
		mac []byte
	}
	var out []upd
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols)+1)
	for rows.Next() {
		rid, err := scanRow(rows, vals, ptrs)
		if err != nil {
			rows.Close()
			return err
		}
		old, ok := seals[rid]
		if !ok || skip[rid] {
			continue
		}
		was, err := sw.key.Row(table, rid, vals[:len(oldCols)])
		if err != nil {
			rows.Close()
			return err
		}
		if string(was) != string(old) {
			continue // changed behind credit's back before: stays named
		}
		now, err := sw.key.Row(table, rid, vals)
		if err != nil {
			rows.Close()
			return err
		}
		out = append(out, upd{rid, now})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, u := range out {
		if _, err := q.ExecContext(ctx, "UPDATE "+st+" SET mac = ? WHERE rid = ?", u.mac, u.rid); err != nil {
			return err
		}
	}
	return nil
}

// appendSeals seals table i's rows inserted above its last seal prev (ids,
// in rowid order), reading them in one range scan; it returns the last seal
// after them.
func (sw *sealWrite) appendSeals(ctx context.Context, q sqlRunner, i int, prev int64, ids []int64, span bool) (int64, error) {
	if len(ids) == 0 {
		return prev, nil
	}
	table, cols := SealedTables[i], sw.newCols[i]
	st := "main." + quoteIdent("seal_"+table)
	want := make(map[int64]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	rows, err := q.QueryContext(ctx, rowSelect("main."+quoteIdent(table), cols)+" WHERE rowid BETWEEN ? AND ? ORDER BY rowid", ids[0], ids[len(ids)-1])
	if err != nil {
		return 0, err
	}
	var out []sealRow
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols)+1)
	for rows.Next() {
		rid, err := scanRow(rows, vals, ptrs)
		if err != nil {
			rows.Close()
			return 0, err
		}
		if !span && !want[rid] {
			continue // not written by this transaction: never sealed here
		}
		mac, err := sw.key.Row(table, rid, vals)
		if err != nil {
			rows.Close()
			return 0, err
		}
		out = append(out, sealRow{rid: rid, prev: prev, mac: mac, link: sw.key.Link(table, rid, prev)})
		prev = rid
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return prev, insertSeals(ctx, q, st, out)
}

func insertSeals(ctx context.Context, q sqlRunner, st string, out []sealRow) error {
	const per = 200
	for len(out) > 0 {
		n := min(per, len(out))
		args := make([]any, 0, 4*n)
		for _, r := range out[:n] {
			args = append(args, r.rid, r.prev, r.mac, r.link)
		}
		query := "INSERT INTO " + st + "(rid, prev, mac, link) VALUES " + tuples(n, 4)
		var err error
		if t, ok := q.(*Tx); ok && n == per {
			// A full chunk's statement is prepared once per transaction
			// (per session for a long job).
			var ps *sql.Stmt
			if ps, err = t.sessionStmt(query); err == nil {
				_, err = ps.ExecContext(ctx, args...)
			}
		} else {
			_, err = q.ExecContext(ctx, query, args...)
		}
		if err != nil {
			return fmt.Errorf("seal %s: %w", st, err)
		}
		out = out[n:]
	}
	return nil
}

// resealDirty brings the seals of table t's updated, deleted or re-inserted
// rows (at or below the mark) in step.
func (sw *sealWrite) resealDirty(ctx context.Context, q sqlRunner, t int, list [][2]int64) error {
	table, cols, newCols := SealedTables[t], sw.cols[t], sw.newCols[t]
	st := "main." + quoteIdent("seal_"+table)
	ids := make([]any, len(list))
	for j, d := range list {
		ids[j] = d[0]
	}
	if len(ids) == 0 {
		return nil
	}
	readMACs := func(q sqlRunner, query string, ncols int) (map[int64][]byte, error) {
		out := map[int64][]byte{}
		for c := 0; c < len(ids); c += 500 {
			part := ids[c:min(c+500, len(ids))]
			rows, err := q.QueryContext(ctx, query+" IN ("+placeholders(len(part))+")", part...)
			if err != nil {
				return nil, err
			}
			vals := make([]any, ncols)
			ptrs := make([]any, ncols+1)
			for rows.Next() {
				rid, err := scanRow(rows, vals, ptrs)
				if err != nil {
					rows.Close()
					return nil, err
				}
				m, err := sw.key.Row(table, rid, vals)
				if err != nil {
					rows.Close()
					return nil, err
				}
				out[rid] = m
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	now, err := readMACs(q, rowSelect("main."+quoteIdent(table), newCols)+" WHERE rowid", len(newCols))
	if err != nil {
		return err
	}
	// The rows as they were at BEGIN, over the columns they had then: read
	// on another connection, which sees the last commit (this transaction
	// has held the write lock since BEGIN). Each MAC is exactly the one the
	// row's seal holds if the row was as credit left it.
	before, err := readMACs(sw.store.sealReader(), rowSelect("main."+quoteIdent(table), cols)+" WHERE rowid", len(cols))
	if err != nil {
		return err
	}
	sealed := map[int64][]byte{}
	for c := 0; c < len(ids); c += 500 {
		part := ids[c:min(c+500, len(ids))]
		if err := readSeals(ctx, q, sealed, "SELECT rid, mac FROM "+st+" WHERE rid IN ("+placeholders(len(part))+")", part...); err != nil {
			return err
		}
	}
	relink := func(after int64) error { // the seal after rid `after` gets the right prev
		var next, prev int64
		err := q.QueryRowContext(ctx, "SELECT rid FROM "+st+" WHERE rid > ? ORDER BY rid LIMIT 1", after).Scan(&next)
		if err == sql.ErrNoRows {
			return nil // the head is set at the end
		}
		if err != nil {
			return err
		}
		if err := q.QueryRowContext(ctx, "SELECT coalesce(max(rid), 0) FROM "+st+" WHERE rid > 0 AND rid < ?", next).Scan(&prev); err != nil {
			return err
		}
		_, err = q.ExecContext(ctx, "UPDATE "+st+" SET prev = ?, link = ? WHERE rid = ?", prev, sw.key.Link(table, next, prev), next)
		return err
	}
	for _, d := range list {
		rid, ins := d[0], d[1] == 1
		mac, exists := now[rid]
		seal, hasSeal := sealed[rid]
		old, hadImage := before[rid]
		switch {
		case exists && hasSeal:
			// Sealed again only when the row as it was matched its seal:
			// a change made behind credit's back stays named by verify.
			if hadImage && string(old) == string(seal) && string(mac) != string(seal) {
				if _, err := q.ExecContext(ctx, "UPDATE "+st+" SET mac = ? WHERE rid = ?", mac, rid); err != nil {
					return err
				}
			}
		case exists && ins:
			// Inserted by credit in the middle (a REPLACE, an explicit id).
			var prev int64
			if err := q.QueryRowContext(ctx, "SELECT coalesce(max(rid), 0) FROM "+st+" WHERE rid > 0 AND rid < ?", rid).Scan(&prev); err != nil {
				return err
			}
			if _, err := q.ExecContext(ctx, "INSERT INTO "+st+"(rid, prev, mac, link) VALUES (?,?,?,?)", rid, prev, mac, sw.key.Link(table, rid, prev)); err != nil {
				return err
			}
			if err := relink(rid); err != nil {
				return err
			}
		case !exists && hasSeal:
			// Deleted by credit (the retention purge): its seal goes, and
			// the next row links to the one before it.
			if _, err := q.ExecContext(ctx, "DELETE FROM "+st+" WHERE rid = ?", rid); err != nil {
				return err
			}
			if err := relink(rid); err != nil {
				return err
			}
		}
		// Otherwise: a row written outside credit (no seal) that credit
		// changed or deleted, or a rowid reused above the rows that were
		// there at BEGIN whose old seal is kept: verify names either.
	}
	return nil
}

// sealReader is the store's connection for the images from before a write:
// a pool of its own, so that a write never waits for a connection of the
// store's pool (credit serve caps it) that writers waiting for the lock hold.
func (s *Store) sealReader() *sql.DB {
	s.sealMu.Lock()
	defer s.sealMu.Unlock()
	if s.sealRead == nil {
		s.sealRead, _ = sql.Open("sqlite", dsn(s.Path, false, 0, 0)) // fails only for an unknown driver
		s.sealRead.SetMaxIdleConns(1)
	}
	return s.sealRead
}

// sealedWrite runs fn between beginSeal and finishSeal when k is set (the
// store is sealed): the one hook every write transaction goes through. conn
// is the connection the transaction q runs on; its pre-update hook is
// registered for the transaction only.
func sealedWrite(ctx context.Context, s *Store, conn *sql.Conn, q sqlRunner, k *seal.Key, fn func() error) error {
	if k == nil {
		return fn()
	}
	sw, err := beginSeal(ctx, q, k, s, conn)
	if err != nil {
		return err
	}
	defer hookConn(conn, nil) // when fn fails or panics
	if err := fn(); err != nil {
		return err
	}
	// finishSeal writes only seal tables, which the hook would skip one
	// call at a time (an import's seals are 40 % of the rows it writes).
	if err := hookConn(conn, nil); err != nil {
		return err
	}
	return sw.finishSeal(ctx, q)
}
