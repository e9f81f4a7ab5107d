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
			if _, err := conn.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	// What credit's write transactions do before they commit.
	if err := sealHeads(ctx, conn, testKey.ID); err != nil {
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
			au, ad := "seal_"+table+"_au", "seal_"+table+"_ad"
			col := quoteIdent(cols[len(cols)-1])

			if !fullTamperMatrix {
				// make test: one copy per table, a row changed and another
				// deleted with its seal, both named (make test-long runs
				// every case below on its own copy).
				first := rows[0]
				p := copyFile(t, base)
				shell(t, p, guards+fmt.Sprintf("PRAGMA ignore_check_constraints=ON; DROP TRIGGER %s; DROP TRIGGER %s; UPDATE %s SET %s = CASE typeof(%s) WHEN 'integer' THEN %s + 7 WHEN 'blob' THEN x'ff' ELSE %s || '改' END WHERE rowid = %d; DELETE FROM %s WHERE rowid = %d; DELETE FROM %s WHERE rid = %d; %s; %s;",
					au, ad, tn, col, col, col, col, mid, tn, first, st, first, triggerSQL(t, base, au), triggerSQL(t, base, ad)))
				rep := verifySeals(t, p, table)
				if len(rep.Problems) != 2 || rep.Problems[0].Row != first || rep.Problems[0].Kind != "deleted" || rep.Problems[1].Row != mid || rep.Problems[1].Kind != "changed" {
					t.Fatalf("want row %d deleted and row %d changed: %+v", first, mid, rep.Problems)
				}
				return
			}

			changed := copyFile(t, base)
			shell(t, changed, guards+fmt.Sprintf("PRAGMA ignore_check_constraints=ON; DROP TRIGGER %s; UPDATE %s SET %s = CASE typeof(%s) WHEN 'integer' THEN %s + 7 WHEN 'blob' THEN x'ff' ELSE %s || '改' END WHERE rowid = %d; %s;",
				au, tn, col, col, col, col, mid, triggerSQL(t, base, au)))
			onlyProblem(t, verifySeals(t, changed, table), table, mid, "changed")

			deleted := copyFile(t, base)
			shell(t, deleted, guards+fmt.Sprintf("DROP TRIGGER %s; DELETE FROM %s WHERE rowid = %d; DELETE FROM %s WHERE rid = %d; %s;",
				ad, tn, mid, st, mid, triggerSQL(t, base, ad)))
			onlyProblem(t, verifySeals(t, deleted, table), table, mid, "deleted")

			tail := copyFile(t, base)
			shell(t, tail, guards+fmt.Sprintf("DROP TRIGGER %s; DELETE FROM %s WHERE rowid = %d; DELETE FROM %s WHERE rid = %d; %s;",
				ad, tn, last, st, last, triggerSQL(t, base, ad)))
			onlyProblem(t, verifySeals(t, tail, table), table, last, "deleted")

			rowOnly := copyFile(t, base)
			shell(t, rowOnly, guards+fmt.Sprintf("DROP TRIGGER %s; DELETE FROM %s WHERE rowid = %d; %s;", ad, tn, mid, triggerSQL(t, base, ad)))
			onlyProblem(t, verifySeals(t, rowOnly, table), table, mid, "deleted")

			added := copyFile(t, base)
			ai := "seal_" + table + "_ai"
			var bump []string // every column changed, so no UNIQUE constraint objects
			for _, c := range cols {
				c = quoteIdent(c)
				bump = append(bump, fmt.Sprintf("%s = CASE typeof(%s) WHEN 'integer' THEN %s + 100 WHEN 'blob' THEN x'ee' ELSE %s || '新' END", c, c, c, c))
			}
			shell(t, added, fmt.Sprintf("PRAGMA ignore_check_constraints=ON; DROP TRIGGER %s; CREATE TEMP TABLE c AS SELECT * FROM %s WHERE rowid = %d; UPDATE c SET %s; INSERT INTO %s SELECT * FROM c; %s;",
				ai, tn, mid, strings.Join(bump, ", "), tn, triggerSQL(t, base, ai)))
			rep := verifySeals(t, added, table)
			if len(rep.Problems) != 1 || rep.Problems[0].Table != table || rep.Problems[0].Kind != "added" || rep.Problems[0].Row <= last {
				t.Fatalf("added row: %+v", rep.Problems)
			}
		})
	}
}

// TestSealDroppedTriggerAndForgedSeal: a trigger left dropped, and a seal
// copied from another row, are both reported.
func TestSealDroppedTriggerAndForgedSeal(t *testing.T) {
	base := sealedFixture(t)
	p := copyFile(t, base)
	shell(t, p, "DROP TRIGGER seal_records_au; UPDATE seal_records SET mac = (SELECT mac FROM seal_records WHERE rid = 1001) WHERE rid = 1002;")
	rep := verifySeals(t, p)
	var kinds []string
	for _, pr := range rep.Problems {
		kinds = append(kinds, fmt.Sprintf("%s/%d/%s", pr.Table, pr.Row, pr.Kind))
	}
	if strings.Join(kinds, " ") != "records/0/trigger records/1002/changed" {
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
