package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"credit/internal/audit"
	"credit/internal/civil"
	"credit/internal/seal"
)

// fullTamperMatrix runs every tamper case of every table on its own copy
// (make test-long: seal_long_test.go sets it).
var fullTamperMatrix bool

var testKey = seal.FromBytes([]byte("0123456789abcdef0123456789abcdef"))

// sealedFixture is a store sealed with testKey whose every sealed table holds
// three rows written while the key was held (as credit writes them).
func sealedFixture(t *testing.T) (path string) {
	t.Helper()
	ctx := context.Background()
	path = filepath.Join(t.TempDir(), "sealed.db")
	st, err := Open(ctx, path, Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	actor := Actor{Operator: "alice", Today: civil.MustParse("2026-11-02")}
	if _, err := st.SealStore(ctx, actor, testKey); err != nil {
		t.Fatal(err)
	}
	conn, err := st.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Filler rows: CHECK constraints and foreign keys are beside the point
	// here (the seals are), so both are off on this connection.
	for _, q := range []string{"PRAGMA foreign_keys = OFF", "PRAGMA ignore_check_constraints = ON"} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	// As credit writes: one transaction, sealed at its commit point.
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	sw, err := beginSeal(ctx, tx, testKey, st, conn)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range SealedTables {
		cols, err := columnsOf(ctx, st.DB, table)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 3; i++ {
			var vals []string
			for _, c := range cols {
				var typ string
				if err := st.DB.QueryRowContext(ctx, "SELECT type FROM pragma_table_info(?) WHERE name = ?", table, c).Scan(&typ); err != nil {
					t.Fatal(err)
				}
				switch {
				case strings.EqualFold(typ, "INTEGER"):
					vals = append(vals, fmt.Sprint(1000+i))
				case strings.EqualFold(typ, "BLOB"):
					vals = append(vals, fmt.Sprintf("x'0%d'", i))
				case strings.EqualFold(typ, "REAL"):
					vals = append(vals, fmt.Sprintf("%d.5", i))
				default:
					vals = append(vals, fmt.Sprintf("'%s-%d'", c, i))
				}
			}
			q := fmt.Sprintf("INSERT INTO %s(%s) VALUES (%s)", quoteIdent(table), strings.Join(quoteAll(cols), ","), strings.Join(vals, ","))
			if _, err := tx.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	if err := sw.finishSeal(ctx, tx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	return path
}

func quoteAll(cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = quoteIdent(c)
	}
	return out
}

// shell runs SQL on the file as an intruder would: with the sqlite3 shell
// when the machine has it, else through database/sql on a connection of its
// own (no credit code runs either way; the seal functions are not there or
// not reached, since the intruder drops the triggers first).
func shell(t *testing.T, path, script string) {
	t.Helper()
	if bin, err := exec.LookPath("sqlite3"); err == nil {
		out, err := exec.Command(bin, path, script).CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Fatalf("sqlite3: %v %s", err, out)
		}
		return
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(script); err != nil {
		t.Fatalf("sql: %v", err)
	}
}

func copyFile(t *testing.T, from string) string {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return to
}

// verifySeals runs VerifySeals on the file; with only set, just that
// table's check (the same code VerifySeals runs for each table).
func verifySeals(t *testing.T, path string, only ...string) SealReport {
	t.Helper()
	ctx := context.Background()
	st, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.UseKey(ctx, testKey); err != nil {
		t.Fatal(err)
	}
	if len(only) > 0 {
		n, probs, err := st.verifyTable(ctx, only[0])
		if err != nil {
			t.Fatal(err)
		}
		return SealReport{Tables: 1, Rows: n, Problems: probs}
	}
	rep, err := st.VerifySeals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// triggerSQL is the stored text of a trigger, to put back after an edit
// (a careful intruder leaves the schema as it was).
func triggerSQL(t *testing.T, path, name string) string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var s string
	if err := db.QueryRow("SELECT sql FROM sqlite_master WHERE name = ?", name).Scan(&s); err != nil {
		t.Fatal(name, err)
	}
	return s
}

func onlyProblem(t *testing.T, rep SealReport, table string, row int64, kind string) {
	t.Helper()
	if len(rep.Problems) != 1 {
		t.Fatalf("want one finding (%s row %d %s), got %+v", table, row, kind, rep.Problems)
	}
	p := rep.Problems[0]
	if p.Table != table || p.Row != row || p.Kind != kind {
		t.Fatalf("want %s row %d %s, got %+v", table, row, kind, p)
	}
	if !strings.Contains(p.Zh, table) || !strings.Contains(p.Zh, fmt.Sprintf("第 %d 行", row)) || !strings.Contains(p.En, fmt.Sprintf("row %d", row)) {
		t.Fatalf("the message must name table and row: %q / %q", p.Zh, p.En)
	}
}

// TestSealTamperEachTable: for every sealed table, a row changed, a row
// deleted with its seal, the last row deleted with its seal, a row deleted
// leaving its seal, and a row added — each with the sqlite3 shell, the
// triggers dropped and put back — is found and named by table and row.
func TestSealTamperEachTable(t *testing.T) {
	base := sealedFixture(t)
	if rep := verifySeals(t, base); len(rep.Problems) != 0 || rep.Tables != len(SealedTables) {
		t.Fatalf("untouched store: %+v", rep)
	}
	for _, table := range SealedTables {
		t.Run(table, func(t *testing.T) {
			var rows []int64
			db, err := sql.Open("sqlite", base)
			if err != nil {
				t.Fatal(err)
			}
			r, err := db.Query("SELECT rowid FROM " + quoteIdent(table) + " ORDER BY rowid")
			if err != nil {
				t.Fatal(err)
			}
			for r.Next() {
				var id int64
				r.Scan(&id)
				rows = append(rows, id)
			}
			r.Close()
			cols, err := columnsOf(context.Background(), db, table)
			db.Close()
			if err != nil || len(rows) < 3 {
				t.Fatalf("fixture: %v %v", rows, err)
			}
			mid, last := rows[len(rows)-2], rows[len(rows)-1]
			// Append-only tables have guards the intruder drops as well.
			guards := fmt.Sprintf("DROP TRIGGER IF EXISTS %s; DROP TRIGGER IF EXISTS %s;", quoteIdent(table+"_no_update"), quoteIdent(table+"_no_delete"))
			tn, st := quoteIdent(table), quoteIdent("seal_"+table)
			col := quoteIdent(cols[len(cols)-1])
			change := fmt.Sprintf("PRAGMA ignore_check_constraints=ON; UPDATE %s SET %s = CASE typeof(%s) WHEN 'integer' THEN %s + 7 WHEN 'blob' THEN x'ff' ELSE %s || '改' END WHERE rowid = %d;",
				tn, col, col, col, col, mid)

			if !fullTamperMatrix {
				// make test: one copy per table, a row changed and another
				// deleted with its seal, both named (make test-long runs
				// every case below on its own copy).
				first := rows[0]
				p := copyFile(t, base)
				shell(t, p, guards+change+fmt.Sprintf(" DELETE FROM %s WHERE rowid = %d; DELETE FROM %s WHERE rid = %d;", tn, first, st, first))
				rep := verifySeals(t, p, table)
				if len(rep.Problems) != 2 || rep.Problems[0].Row != first || rep.Problems[0].Kind != "deleted" || rep.Problems[1].Row != mid || rep.Problems[1].Kind != "changed" {
					t.Fatalf("want row %d deleted and row %d changed: %+v", first, mid, rep.Problems)
				}
				return
			}

			changed := copyFile(t, base)
			shell(t, changed, guards+change)
			onlyProblem(t, verifySeals(t, changed, table), table, mid, "changed")

			deleted := copyFile(t, base)
			shell(t, deleted, guards+fmt.Sprintf("DELETE FROM %s WHERE rowid = %d; DELETE FROM %s WHERE rid = %d;", tn, mid, st, mid))
			onlyProblem(t, verifySeals(t, deleted, table), table, mid, "deleted")

			tail := copyFile(t, base)
			shell(t, tail, guards+fmt.Sprintf("DELETE FROM %s WHERE rowid = %d; DELETE FROM %s WHERE rid = %d;", tn, last, st, last))
			onlyProblem(t, verifySeals(t, tail, table), table, last, "deleted")

			rowOnly := copyFile(t, base)
			shell(t, rowOnly, guards+fmt.Sprintf("DELETE FROM %s WHERE rowid = %d;", tn, mid))
			onlyProblem(t, verifySeals(t, rowOnly, table), table, mid, "deleted")

			sealOnly := copyFile(t, base)
			shell(t, sealOnly, fmt.Sprintf("DELETE FROM %s WHERE rid = %d;", st, mid))
			onlyProblem(t, verifySeals(t, sealOnly, table), table, mid, "seal_removed")

			added := copyFile(t, base)
			var bump []string // every column changed, so no UNIQUE constraint objects
			for _, c := range cols {
				c = quoteIdent(c)
				bump = append(bump, fmt.Sprintf("%s = CASE typeof(%s) WHEN 'integer' THEN %s + 100 WHEN 'blob' THEN x'ee' ELSE %s || '新' END", c, c, c, c))
			}
			shell(t, added, fmt.Sprintf("PRAGMA ignore_check_constraints=ON; CREATE TEMP TABLE c AS SELECT * FROM %s WHERE rowid = %d; UPDATE c SET %s; INSERT INTO %s SELECT * FROM c;",
				tn, mid, strings.Join(bump, ", "), tn))
			rep := verifySeals(t, added, table)
			if len(rep.Problems) != 1 || rep.Problems[0].Table != table || rep.Problems[0].Kind != "added" || rep.Problems[0].Row <= last {
				t.Fatalf("added row: %+v", rep.Problems)
			}
		})
	}
}

// TestSealForgedSeal: a seal copied from another row, and a seal head
// pointed elsewhere, are both reported.
func TestSealForgedSeal(t *testing.T) {
	base := sealedFixture(t)
	p := copyFile(t, base)
	shell(t, p, "UPDATE seal_records SET mac = (SELECT mac FROM seal_records WHERE rid = 1001) WHERE rid = 1002; UPDATE seal_users SET link = (SELECT link FROM seal_users WHERE rid = (SELECT max(rid) FROM seal_users)) WHERE rid = 0;")
	rep := verifySeals(t, p)
	var kinds []string
	for _, pr := range rep.Problems {
		kinds = append(kinds, fmt.Sprintf("%s/%d/%s", pr.Table, pr.Row, pr.Kind))
	}
	if strings.Join(kinds, " ") != "users/0/head records/1002/changed" {
		t.Fatalf("findings: %v", kinds)
	}
}

// TestSealsSurviveBackupAndVacuum: VACUUM (the retention purge's wipe) and
// VACUUM INTO (credit backup) may renumber the rowids of tables without an
// INTEGER PRIMARY KEY (users, units, meta, …); the seals, made on rowids,
// must still verify on the copy and after the wipe.
func TestSealsSurviveBackupAndVacuum(t *testing.T) {
	base := sealedFixture(t)
	ctx := context.Background()
	st, err := Open(ctx, base, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.UseKey(ctx, testKey)
	// Holes first, so that a renumbering would show.
	if err := st.Write(ctx, Actor{Operator: "alice", Today: civil.MustParse("2026-11-02")}, func(tx *Tx) error {
		for _, q := range []string{"DELETE FROM users WHERE rowid = (SELECT min(rowid) FROM users)", "DELETE FROM unit_items WHERE rowid = (SELECT min(rowid) FROM unit_items)"} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return tx.Audit("test.delete", "store", nil)
	}); err != nil {
		t.Fatal(err)
	}
	bak := filepath.Join(t.TempDir(), "bak.db")
	if err := st.Backup(ctx, bak); err != nil {
		t.Fatal(err)
	}
	if err := st.Wipe(ctx); err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, p := range []string{base, bak} {
		if rep := verifySeals(t, p); len(rep.Problems) != 0 {
			t.Fatalf("%s: %+v", p, rep.Problems)
		}
	}
	if _, n, rep, err := VerifyFile(ctx, bak, nil, testKey); err != nil || rep == nil || len(rep.Problems) != 0 || n < 2 {
		t.Fatalf("backup verify: %d %+v %v", n, rep, err)
	}
	if _, _, _, err := VerifyFile(ctx, bak, nil, nil); err == nil || !strings.Contains(err.Error(), "办公室密钥") {
		t.Fatalf("a sealed backup without the key: %v", err)
	}
}

// TestAuditCutOver: an old store's unkeyed chain is closed by the first
// keyed entry, which records its head; anchors taken before and a backup
// made before still verify (the old backup without any key); a keyed entry
// rewritten with SHA-256 (as someone without the key would) is caught, and so
// is a chain whose keyed part was cut off and rewritten unkeyed.
func TestAuditCutOver(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	st, err := Open(ctx, path, Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)
	actor := Actor{Operator: "alice", Today: civil.MustParse("2026-11-02"), Now: func() time.Time { at = at.Add(time.Second); return at }}
	// Before sealing: the chain of an older credit (plain SHA-256).
	for i := 0; i < 3; i++ {
		if err := st.Write(ctx, actor, func(tx *Tx) error { return tx.Audit("old.entry", fmt.Sprintf("x:%d", i), nil) }); err != nil {
			t.Fatal(err)
		}
	}
	oldAnchor, err := st.AuditHead(ctx)
	if err != nil || oldAnchor.Seq != 3 {
		t.Fatal(oldAnchor, err)
	}
	oldBackup := filepath.Join(t.TempDir(), "old-backup.db")
	if err := st.Backup(ctx, oldBackup); err != nil {
		t.Fatal(err)
	}
	res, err := st.SealStore(ctx, actor, testKey)
	if err != nil {
		t.Fatal(err)
	}
	if res.ClosedChain != oldAnchor.String() {
		t.Fatalf("closed chain %q, want %q", res.ClosedChain, oldAnchor)
	}
	if err := st.Write(ctx, actor, func(tx *Tx) error { return tx.Audit("new.entry", "x:9", nil) }); err != nil {
		t.Fatal(err)
	}
	entries, err := st.AuditLog(ctx, AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// Newest first: 5 new.entry, 4 audit.key, 3..1 old.
	first := entries[1]
	if first.Action != audit.KeyedAction || first.Prev != oldAnchor.Hash || !strings.Contains(first.Details, `"closed_chain":"`+oldAnchor.String()+`"`) {
		t.Fatalf("first keyed entry: %+v", first)
	}
	if first.Hash != first.ComputeMAC(testKey) || first.Hash == first.ComputeHash() || entries[0].Hash != entries[0].ComputeMAC(testKey) {
		t.Fatal("entries from the cut-over on must be HMAC-keyed")
	}
	if entries[2].Hash != entries[2].ComputeHash() {
		t.Fatal("entries before the cut-over keep their SHA-256 hash")
	}
	if _, n, err := st.VerifyAudit(ctx, &oldAnchor); err != nil || n != 5 {
		t.Fatalf("old anchor on the sealed store: %d %v", n, err)
	}
	if _, n, rep, err := VerifyFile(ctx, oldBackup, &oldAnchor, nil); err != nil || n != 3 || rep != nil {
		t.Fatalf("old backup, no key: %d %v %v", n, rep, err)
	}

	// Someone without the key rewrites the newest entry with SHA-256.
	p := copyFile(t, path)
	st.DB.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	p = copyFile(t, path)
	e := entries[0]
	e.Details = `{"x":1}`
	e.Hash = e.ComputeHash()
	shell(t, p, fmt.Sprintf("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET details = '%s', hash = '%s' WHERE seq = 5;", e.Details, e.Hash))
	if _, _, _, err := VerifyFile(ctx, p, nil, testKey); err == nil || !strings.Contains(err.Error(), "第 5 条") || !strings.Contains(err.Error(), "密钥") {
		t.Fatalf("rewritten keyed entry: %v", err)
	}

	// Or cuts the keyed part off and goes on unkeyed from the old head.
	p = copyFile(t, path)
	e = entries[1]
	e.Action, e.Details = "new.entry", "{}"
	e.Hash = e.ComputeHash()
	shell(t, p, fmt.Sprintf("DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_no_update; DELETE FROM audit_log WHERE seq >= 5; UPDATE audit_log SET action = '%s', details = '%s', hash = '%s' WHERE seq = 4;", e.Action, e.Details, e.Hash))
	if _, _, _, err := VerifyFile(ctx, p, nil, testKey); err == nil || !strings.Contains(err.Error(), "没有启用密钥") {
		t.Fatalf("keyed part replaced: %v", err)
	}
	var details map[string]any
	if err := json.Unmarshal([]byte(first.Details), &details); err != nil || details["key_id"] != testKey.ID {
		t.Fatalf("details %s", first.Details)
	}
}

// openSealed opens a copy of the sealed fixture with its key.
func openSealed(t *testing.T) (*Store, string) {
	t.Helper()
	ctx := context.Background()
	p := copyFile(t, sealedFixture(t))
	st, err := Open(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.UseKey(ctx, testKey); err != nil {
		t.Fatal(err)
	}
	return st, p
}

func writeSQL(t *testing.T, st *Store, qs ...string) {
	t.Helper()
	ctx := context.Background()
	err := st.Write(ctx, Actor{Operator: "alice", Today: civil.MustParse("2026-11-02")}, func(tx *Tx) error {
		for _, q := range qs {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return tx.Audit("test.write", "store", nil)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func problems(rep SealReport) string {
	var out []string
	for _, p := range rep.Problems {
		out = append(out, fmt.Sprintf("%s/%d/%s", p.Table, p.Row, p.Kind))
	}
	return strings.Join(out, " ")
}

// TestSealCreditWritesStaySealed: what credit writes in its transactions
// (Store.Write, a Session's Write) is sealed at the commit point — inserts,
// updates, a REPLACE, deletes in the middle and at the end (the retention
// purge's kind), a delete and an insert of the same rowid in one
// transaction — and verify finds nothing.
func TestSealCreditWritesStaySealed(t *testing.T) {
	st, p := openSealed(t)
	ctx := context.Background()
	writeSQL(t, st, "INSERT INTO meta(key, value) VALUES ('t1', 'a'), ('t2', 'b'), ('t3', 'c')",
		"UPDATE meta SET value = 'b2' WHERE key = 't2'")
	writeSQL(t, st, "UPDATE meta SET value = 'a2' WHERE key = 't1'", "INSERT OR REPLACE INTO meta(key, value) VALUES ('t3', 'c2')",
		"DELETE FROM meta WHERE key = 't2'")
	// The last row of users deleted, then a new one takes its rowid.
	writeSQL(t, st, "DELETE FROM users WHERE rowid = (SELECT max(rowid) FROM users)",
		"INSERT INTO users(name, role, created_at, created_by, updated_at) VALUES ('zed', 'clerk', 'x', 'y', 'z')")
	writeSQL(t, st, "DELETE FROM users WHERE rowid = (SELECT max(rowid) FROM users)")
	se, err := st.Session(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		err := se.Write(ctx, Actor{Operator: "alice", Today: civil.MustParse("2026-11-02")}, func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES (?, 'x'); UPDATE meta SET value = 'y' WHERE key = 't1'", fmt.Sprint("s", i))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	se.Close()
	var n int
	if err := st.DB.QueryRow("SELECT count(*) FROM meta WHERE key IN ('t1','t3','s0','s1','s2')").Scan(&n); err != nil || n != 5 {
		t.Fatalf("rows written: %d %v", n, err)
	}
	st.DB.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	if rep := verifySeals(t, p); len(rep.Problems) != 0 {
		t.Fatalf("credit's own writes: %s", problems(rep))
	}
}

// TestSealLaterWriteBlessesNothing: a row changed and a row added with the
// sqlite3 shell stay named after credit writes the same tables — even when
// credit then changes the tampered row itself — and credit's own rows are
// sealed; a changed records row whose audit entry was rewritten without the
// key is named together with the entry.
func TestSealLaterWriteBlessesNothing(t *testing.T) {
	st, p := openSealed(t)
	shell(t, p, "UPDATE meta SET value = value || '改' WHERE rowid = (SELECT min(rowid) FROM meta); INSERT INTO meta(key, value) VALUES ('intruder', 'x');")
	var first, added int64
	st.DB.QueryRow("SELECT min(rowid) FROM meta").Scan(&first)
	st.DB.QueryRow("SELECT rowid FROM meta WHERE key = 'intruder'").Scan(&added)
	writeSQL(t, st, "INSERT INTO meta(key, value) VALUES ('credit', 'y')",
		fmt.Sprintf("UPDATE meta SET value = value || '!' WHERE rowid IN (%d, %d)", first, added))
	st.DB.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	want := fmt.Sprintf("meta/%d/changed meta/%d/added", first, added)
	if got := problems(verifySeals(t, p, "meta")); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}

	// A records row changed, and the newest audit entry rewritten to
	// match, by someone without the key: both are found.
	var seq int64
	var details string
	st.DB.QueryRow("SELECT seq, details FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&seq, &details)
	entries, err := st.AuditLog(context.Background(), AuditFilter{})
	if err != nil || len(entries) == 0 {
		t.Fatal(err)
	}
	e := entries[0]
	e.Details = `{"record":1001}`
	e.Hash = e.ComputeHash()
	st.Close()
	shell(t, p, fmt.Sprintf("UPDATE records SET content_hash = 'forged' WHERE rowid = 1001; DROP TRIGGER audit_log_no_update; UPDATE audit_log SET details = '%s', hash = '%s' WHERE seq = %d;", e.Details, e.Hash, e.Seq))
	_, _, rep, err := VerifyFile(context.Background(), p, nil, testKey)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("第 %d 条", e.Seq)) {
		t.Fatalf("the rewritten audit entry: %v", err)
	}
	if got := problems(verifySeals(t, p, "records")); got != "records/1001/changed" {
		t.Fatalf("records: %q (%v)", got, rep)
	}
}

// TestSealMigrationAddsColumn: a migration that adds a column to a sealed
// table re-seals its rows over the new columns — each only if its seal over
// the old ones held, so a row changed before stays named — and one that
// drops a column of a sealed table is refused with a message naming it.
func TestSealMigrationAddsColumn(t *testing.T) {
	st, p := openSealed(t)
	shell(t, p, "UPDATE meta SET value = value || '改' WHERE rowid = (SELECT min(rowid) FROM meta);")
	var first int64
	st.DB.QueryRow("SELECT min(rowid) FROM meta").Scan(&first)
	writeSQL(t, st, "ALTER TABLE meta ADD COLUMN note TEXT NOT NULL DEFAULT '备注'",
		"UPDATE meta SET note = 'n' WHERE rowid = (SELECT max(rowid) FROM meta)",
		"INSERT INTO meta(key, value, note) VALUES ('after', 'v', 'w')")
	writeSQL(t, st, "UPDATE meta SET note = 'm' WHERE key = 'after'")
	st.DB.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	if got := problems(verifySeals(t, p, "meta")); got != fmt.Sprintf("meta/%d/changed", first) {
		t.Fatalf("after the added column: %q", got)
	}
	err := st.Write(context.Background(), Actor{Operator: "alice", Today: civil.MustParse("2026-11-02")}, func(tx *Tx) error {
		_, err := tx.ExecContext(context.Background(), "ALTER TABLE users RENAME COLUMN updated_at TO changed_at")
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "封印表 users 的列") {
		t.Fatalf("a renamed column of a sealed table: %v", err)
	}
}

// TestSealHookCases: the cases the pre-update hook that notes credit's
// writes must cover (sealwrite.go). Every sealed table is a rowid table
// (the hook and the seals name rows by rowid); a REPLACE over an existing
// rowid is sealed, and a REPLACE over a row changed behind credit's back
// blesses nothing; a DELETE without WHERE (which SQLite would otherwise run
// as a truncate, row by row unseen) removes every seal; a rowid that a
// failed statement used and a later one reuses is sealed once; an UPDATE
// that moves a row to another rowid is refused; a write made on the store
// outside credit's write transactions is not sealed by the next one; a
// write that changes rows needs no second connection of the store's pool.
func TestSealHookCases(t *testing.T) {
	st, p := openSealed(t)
	ctx := context.Background()
	for _, table := range SealedTables {
		var sqlText string
		if err := st.DB.QueryRow("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", table).Scan(&sqlText); err != nil {
			t.Fatal(table, err)
		}
		if strings.Contains(strings.ToUpper(sqlText), "WITHOUT ROWID") {
			t.Fatalf("sealed table %s is WITHOUT ROWID: its rows have no rowid to seal", table)
		}
	}
	var t1 int64
	writeSQL(t, st, "INSERT INTO meta(key, value) VALUES ('t1', 'a'), ('t2', 'b')")
	st.DB.QueryRow("SELECT rowid FROM meta WHERE key = 't1'").Scan(&t1)
	// REPLACE over the same rowid: SQLite overwrites the row in place.
	writeSQL(t, st, fmt.Sprintf("INSERT OR REPLACE INTO meta(rowid, key, value) VALUES (%d, 't1', 'a2')", t1))
	// A statement that fails half-way, then one that takes the rowid the
	// failed one had used.
	err := st.Write(ctx, Actor{Operator: "alice", Today: civil.MustParse("2026-11-02")}, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES ('r1', 'x'), ('t2', 'dup')"); err == nil {
			return fmt.Errorf("the duplicate key was accepted")
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO meta(key, value) VALUES ('r2', 'y')"); err != nil {
			return err
		}
		return tx.Audit("test.write", "store", nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	// Truncate: every row of a table deleted at once.
	writeSQL(t, st, "DELETE FROM calendar_years")
	st.DB.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	if rep := verifySeals(t, p); len(rep.Problems) != 0 {
		t.Fatalf("credit's own writes: %s", problems(rep))
	}
	var value string
	var years int
	st.DB.QueryRow("SELECT value FROM meta WHERE rowid = ?", t1).Scan(&value)
	st.DB.QueryRow("SELECT count(*) FROM calendar_years").Scan(&years)
	if value != "a2" || years != 0 {
		t.Fatalf("the writes did not happen: t1=%q, %d calendar years", value, years)
	}

	// A row moved to another rowid: refused, nothing written.
	err = st.Write(ctx, Actor{Operator: "alice", Today: civil.MustParse("2026-11-02")}, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE meta SET rowid = rowid + 100000 WHERE key = 't1'")
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "keeps its rowid") {
		t.Fatalf("a moved row: %v", err)
	}
	var moved int64
	st.DB.QueryRow("SELECT rowid FROM meta WHERE key = 't1'").Scan(&moved)
	if moved != t1 {
		t.Fatalf("t1 moved from %d to %d", t1, moved)
	}

	// Changed behind credit's back, then replaced by credit at the same
	// rowid: still named. A row written on the store outside a write
	// transaction of credit's, then a credit write to the same table: named.
	shell(t, p, fmt.Sprintf("UPDATE meta SET value = 'forged' WHERE rowid = %d;", t1))
	if _, err := st.DB.Exec("INSERT INTO meta(key, value) VALUES ('outside', 'o')"); err != nil {
		t.Fatal(err)
	}
	var outside int64
	st.DB.QueryRow("SELECT rowid FROM meta WHERE key = 'outside'").Scan(&outside)
	writeSQL(t, st, fmt.Sprintf("INSERT OR REPLACE INTO meta(rowid, key, value) VALUES (%d, 't1', 'a3')", t1),
		"INSERT INTO meta(key, value) VALUES ('later', 'l')")
	st.DB.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	if got, want := problems(verifySeals(t, p, "meta")), fmt.Sprintf("meta/%d/changed meta/%d/added", t1, outside); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}

	// The rows as they were before a write are read beside the store's
	// pool: a write that changes rows goes through when the pool (capped,
	// as credit serve caps it) has no connection to spare.
	st.DB.SetMaxOpenConns(1)
	writeSQL(t, st, "UPDATE meta SET value = 'b3' WHERE key = 't2'")
	st.DB.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	if got := problems(verifySeals(t, p, "meta")); got != fmt.Sprintf("meta/%d/changed meta/%d/added", t1, outside) {
		t.Fatalf("after the update on a capped pool: %q", got)
	}
}
