package store

// How credit's own writes are sealed (第三十六条, 第三十七条), once per write
// transaction, in Go, at the single commit point every write path goes
// through: Store.Write, Session.Write and Migrate call beginSeal after BEGIN
// IMMEDIATE and finishSeal just before COMMIT. A new write path must do the
// same (or, better, use Store.Write); nothing else needs to know of the seals.
//
//   - TEMP triggers, made once per connection (plain SQL, no Go call per row),
//     note in temp.seal_dirty the rowid of every row the transaction inserts,
//     updates or deletes, and keep the image from before the transaction of a
//     row it updates or deletes in temp.seal_old_<n>. Nothing is read at
//     BEGIN but the schema version.
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
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

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
}

// sealColumns caches the columns of the sealed tables per schema (they only
// change in a migration, which re-reads them).
func sealColumns(ctx context.Context, q sqlRunner) ([][]string, error) {
	out := make([][]string, len(SealedTables))
	for i, t := range SealedTables {
		c, err := columnsOf(ctx, q, t)
		if err != nil && strings.HasPrefix(err.Error(), "seal: no table") {
			continue // made by a later migration: sealed by credit init once it exists
		}
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// installSealTemp makes this connection's TEMP objects: the dirty list, the
// marks, an old-image table and three triggers per sealed table.
func installSealTemp(ctx context.Context, q sqlRunner, cols [][]string, ver int64, bulk bool) error {
	stmts := []string{
		// A REPLACE deletes the row it replaces: the delete trigger must fire.
		"PRAGMA recursive_triggers = ON",
		"DROP TABLE IF EXISTS temp.seal_dirty",
		"DROP TABLE IF EXISTS temp.seal_ver",
		fmt.Sprintf("CREATE TEMP TABLE seal_ver AS SELECT %d AS v, %d AS bulk", ver, map[bool]int{true: 1}[bulk]),
		"CREATE TEMP TABLE seal_dirty (t INTEGER NOT NULL, rid INTEGER NOT NULL, ins INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (t, rid)) WITHOUT ROWID",
	}
	for i, table := range SealedTables {
		if cols[i] == nil {
			continue
		}
		old := fmt.Sprintf("temp.seal_old_%d", i)
		var cdef, vals []string
		for j, c := range cols[i] {
			cdef = append(cdef, fmt.Sprintf("c%d", j)) // no type: values kept as they are
			vals = append(vals, "OLD."+quoteIdent(c))
		}
		tn := "main." + quoteIdent(table)
		keep := fmt.Sprintf("INSERT OR IGNORE INTO %s VALUES (OLD.rowid, %s);", old, strings.Join(vals, ", "))
		stmts = append(stmts,
			fmt.Sprintf("DROP TRIGGER IF EXISTS temp.seal_%d_au", i),
			fmt.Sprintf("DROP TRIGGER IF EXISTS temp.seal_%d_ad", i),
			"DROP TABLE IF EXISTS "+old,
			fmt.Sprintf("CREATE TEMP TABLE seal_old_%d (rid INTEGER PRIMARY KEY, %s)", i, strings.Join(cdef, ", ")),
			fmt.Sprintf(`CREATE TEMP TRIGGER seal_%d_au AFTER UPDATE ON %s BEGIN
  SELECT RAISE(ABORT, 'a sealed row keeps its rowid') WHERE OLD.rowid <> NEW.rowid;
  INSERT OR IGNORE INTO temp.seal_dirty(t, rid) VALUES (%d, NEW.rowid);
  %s
END`, i, tn, i, keep),
			fmt.Sprintf(`CREATE TEMP TRIGGER seal_%d_ad AFTER DELETE ON %s BEGIN
  INSERT OR IGNORE INTO temp.seal_dirty(t, rid) VALUES (%d, OLD.rowid);
  %s
END`, i, tn, i, keep),
			fmt.Sprintf("DROP TRIGGER IF EXISTS temp.seal_%d_ai", i))
		if !bulk {
			stmts = append(stmts, fmt.Sprintf(`CREATE TEMP TRIGGER seal_%d_ai AFTER INSERT ON %s BEGIN
  INSERT INTO temp.seal_dirty(t, rid, ins) VALUES (%d, NEW.rowid, 1) ON CONFLICT DO UPDATE SET ins = 1;
END`, i, tn, i))
		}
	}
	for _, s := range stmts {
		if _, err := q.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("seal: %s: %w", firstLine(s), err)
		}
	}
	return nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// sealCache keeps the sealed tables' columns for one schema version (they
// change only in a migration).
type sealCache struct {
	ver  int64
	cols [][]string
}

// beginSeal is called right after BEGIN IMMEDIATE of a write transaction on
// a sealed store.
func beginSeal(ctx context.Context, q sqlRunner, k *seal.Key, s *Store) (*sealWrite, error) {
	var ver int64
	if err := q.QueryRowContext(ctx, "PRAGMA main.schema_version").Scan(&ver); err != nil {
		return nil, err
	}
	var cols [][]string
	if s != nil {
		if c := s.sealCols.Load(); c != nil && c.ver == ver {
			cols = c.cols
		}
	}
	if cols == nil {
		var err error
		if cols, err = sealColumns(ctx, q); err != nil {
			return nil, err
		}
		if s != nil {
			s.sealCols.Store(&sealCache{ver: ver, cols: cols})
		}
	}
	// This connection's TEMP objects: made for this schema, and empty (a
	// write on this connection outside a write transaction is not credit's
	// and is not sealed).
	// A long job's connection (a Session) seals its inserts by marks: the
	// marks statement is prepared once per session, and no trigger runs per
	// inserted row. Short writes note their inserts with a trigger instead
	// (no statement over every table per transaction).
	t, _ := q.(*Tx)
	bulk := t != nil && t.session != nil
	var leftover, built, builtBulk int64
	err := q.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM temp.seal_dirty), v, bulk FROM temp.seal_ver").Scan(&leftover, &built, &builtBulk)
	if (err != nil && strings.Contains(err.Error(), "no such table")) || (err == nil && (leftover > 0 || built != ver || (builtBulk == 1) != bulk)) {
		err = installSealTemp(ctx, q, cols, ver, bulk)
	}
	if err != nil {
		return nil, err
	}
	sw := &sealWrite{key: k, ver: ver, cols: cols, newCols: cols}
	if bulk {
		sw.tx = t
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
// SQLite holds it (the same way for the table and the old images).
func rowSelect(from string, cols []string, old bool) string {
	var b strings.Builder
	if old {
		b.WriteString("SELECT rid")
	} else {
		b.WriteString("SELECT rowid")
	}
	for j, c := range cols {
		if old {
			fmt.Fprintf(&b, ", +c%d", j)
		} else {
			b.WriteString(", +" + quoteIdent(c))
		}
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
	dirty := map[int][][2]int64{}
	rows, err := q.QueryContext(ctx, "SELECT t, rid, ins FROM temp.seal_dirty ORDER BY t, rid")
	if err != nil {
		return err
	}
	for rows.Next() {
		var t int
		var rid, ins int64
		if err := rows.Scan(&t, &rid, &ins); err != nil {
			rows.Close()
			return err
		}
		if t >= 0 && t < len(SealedTables) {
			dirty[t] = append(dirty[t], [2]int64{rid, ins})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
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
		if sw.marks != nil && grown[t] > sw.marks[t] {
			// Bulk: every row above the mark at BEGIN is this
			// transaction's (the write lock was held since).
			appends = append(appends[:0], sw.marks[t]+1, grown[t])
			err = sw.appendSeals(ctx, q, t, appends, true)
		} else {
			err = sw.appendSeals(ctx, q, t, appends, false)
		}
		if err != nil {
			return err
		}
		var end int64
		if err := q.QueryRowContext(ctx, "SELECT coalesce(max(rid), 0) FROM "+st).Scan(&end); err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, "UPDATE "+st+" SET prev = ?, link = ? WHERE rid = 0 AND prev <> ?", end, sw.key.Link(table, 0, end), end); err != nil {
			return fmt.Errorf("seal head of %s: %w", table, err)
		}
		if _, err := q.ExecContext(ctx, fmt.Sprintf("DELETE FROM temp.seal_old_%d", t)); err != nil {
			return err
		}
	}
	if len(dirty) == 0 {
		return nil
	}
	_, err = q.ExecContext(ctx, "DELETE FROM temp.seal_dirty")
	return err
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
	srows, err := q.QueryContext(ctx, "SELECT rid, mac FROM "+st+" WHERE rid > 0 AND rid <= ?", last)
	if err != nil {
		return err
	}
	for srows.Next() {
		var rid int64
		var mac []byte
		if err := srows.Scan(&rid, &mac); err != nil {
			srows.Close()
			return err
		}
		seals[rid] = mac
	}
	srows.Close()
	if err := srows.Err(); err != nil {
		return err
	}
	rows, err := q.QueryContext(ctx, rowSelect("main."+quoteIdent(table), cols, false)+" WHERE rowid <= ? ORDER BY rowid", last)
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

// appendSeals seals table i's rows inserted above its last seal (ids, in
// rowid order), reading them in one range scan.
func (sw *sealWrite) appendSeals(ctx context.Context, q sqlRunner, i int, ids []int64, span bool) error {
	if len(ids) == 0 {
		return nil
	}
	table, cols := SealedTables[i], sw.newCols[i]
	st := "main." + quoteIdent("seal_"+table)
	var prev int64
	if err := q.QueryRowContext(ctx, "SELECT coalesce(max(rid), 0) FROM "+st).Scan(&prev); err != nil {
		return err
	}
	want := make(map[int64]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	rows, err := q.QueryContext(ctx, rowSelect("main."+quoteIdent(table), cols, false)+" WHERE rowid BETWEEN ? AND ? ORDER BY rowid", ids[0], ids[len(ids)-1])
	if err != nil {
		return err
	}
	var out []sealRow
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols)+1)
	for rows.Next() {
		rid, err := scanRow(rows, vals, ptrs)
		if err != nil {
			rows.Close()
			return err
		}
		if !span && !want[rid] {
			continue // not written by this transaction: never sealed here
		}
		mac, err := sw.key.Row(table, rid, vals)
		if err != nil {
			rows.Close()
			return err
		}
		out = append(out, sealRow{rid: rid, prev: prev, mac: mac, link: sw.key.Link(table, rid, prev)})
		prev = rid
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return insertSeals(ctx, q, st, out)
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
	readMACs := func(query string, ncols int) (map[int64][]byte, error) {
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
	now, err := readMACs(rowSelect("main."+quoteIdent(table), newCols, false)+" WHERE rowid", len(newCols))
	if err != nil {
		return err
	}
	before, err := readMACs(rowSelect(fmt.Sprintf("temp.seal_old_%d", t), cols, true)+" WHERE rid", len(cols))
	if err != nil {
		return err
	}
	sealed := map[int64][]byte{}
	for c := 0; c < len(ids); c += 500 {
		part := ids[c:min(c+500, len(ids))]
		rows, err := q.QueryContext(ctx, "SELECT rid, mac FROM "+st+" WHERE rid IN ("+placeholders(len(part))+")", part...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var rid int64
			var mac []byte
			if err := rows.Scan(&rid, &mac); err != nil {
				rows.Close()
				return err
			}
			sealed[rid] = mac
		}
		rows.Close()
		if err := rows.Err(); err != nil {
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

// sealedWrite runs fn between beginSeal and finishSeal when k is set (the
// store is sealed): the one hook every write transaction goes through.
func sealedWrite(ctx context.Context, s *Store, q sqlRunner, k *seal.Key, fn func() error) error {
	if k == nil {
		return fn()
	}
	sw, err := beginSeal(ctx, q, k, s)
	if err != nil {
		return err
	}
	if err := fn(); err != nil {
		return err
	}
	return sw.finishSeal(ctx, q)
}
