package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"credit/internal/clock"

	_ "modernc.org/sqlite"
)

func TestInitCreatesStoreAndIsIdempotent(t *testing.T) {
	h := newHarness(t)
	r := h.ok("init", "--format", "json")
	var first map[string]any
	if err := json.Unmarshal([]byte(r.Out), &first); err != nil {
		t.Fatalf("init json: %v\n%s", err, r.Out)
	}
	if first["status"] != "created" || first["admin"] != "alice" {
		t.Fatalf("first init = %v", first)
	}
	fi, err := os.Stat(h.db)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o007 != 0 {
		t.Errorf("store created with world access: %o", fi.Mode().Perm())
	}
	before := h.ok("audit", "log", "--format", "json").Out
	r = h.ok("init", "--format", "json")
	var second map[string]any
	json.Unmarshal([]byte(r.Out), &second)
	if second["status"] != "unchanged" {
		t.Fatalf("second init = %v", second)
	}
	if after := h.ok("audit", "log", "--format", "json").Out; after != before {
		t.Errorf("second init changed the audit log")
	}
}

func TestDefaultStorePathUsesXDG(t *testing.T) {
	dir := t.TempDir()
	app := &App{IO: IO{Getenv: func(k string) string {
		if k == "XDG_DATA_HOME" {
			return dir
		}
		return ""
	}}}
	if got, want := app.DefaultDBPath(), filepath.Join(dir, "credit", "credit.db"); got != want {
		t.Fatalf("default path %s, want %s", got, want)
	}
	app.DBPath = "/x/y.db"
	if app.DefaultDBPath() != "/x/y.db" {
		t.Fatal("--db must win")
	}
	// init creates the folders.
	h := newHarness(t)
	h.db = filepath.Join(dir, "credit", "credit.db")
	h.ok("init", "--empty")
	if fi, err := os.Stat(filepath.Dir(h.db)); err != nil || fi.Mode().Perm()&0o007 != 0 {
		t.Fatalf("folder not created without world access: %v %v", fi, err)
	}
}

func TestMissingStoreSaysRunInit(t *testing.T) {
	h := newHarness(t)
	r := h.fails(1, "user", "list")
	if !strings.Contains(r.Err, "credit init") {
		t.Fatalf("want a hint to run credit init, got %q", r.Err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	h := newHarness(t).initStore("--empty")
	db, err := sql.Open("sqlite", h.db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	r := h.fails(1, "user", "list")
	if !strings.Contains(r.Err, "更新版本") || !strings.Contains(r.Err, "999") {
		t.Fatalf("want a clear newer-schema refusal, got %q", r.Err)
	}
	r = h.fails(1, "init")
	if !strings.Contains(r.Err, "999") {
		t.Fatalf("init must refuse too, got %q", r.Err)
	}
}

func TestRolesAndAs(t *testing.T) {
	h := newHarness(t).initStore("--empty")
	h.ok("user", "add", "bob", "--role", "clerk")
	bob := h.as("bob")
	r := bob.fails(5, "user", "add", "carol", "--role", "viewer")
	if !strings.Contains(r.Err, "admin") {
		t.Fatalf("refusal should name the role needed: %q", r.Err)
	}
	stranger := h.as("mallory")
	stranger.fails(5, "user", "add", "x", "--role", "admin")
	bob.fails(5, "--as", "alice", "user", "add", "x", "--role", "admin")
	h.fails(2, "user", "add", "x", "--role", "boss")
	// An administrator acting for bob is recorded as such.
	h.ok("user", "add", "dave", "--role", "viewer")
	h.ok("--as", "bob", "user", "list")
	out := h.ok("audit", "log", "--object", "user:dave", "--format", "json").Out
	var entries []map[string]any
	json.Unmarshal([]byte(out), &entries)
	if len(entries) != 1 || entries[0]["operator"] != "alice" || entries[0]["action"] != "user.add" {
		t.Fatalf("audit for user:dave = %v", entries)
	}
	list := h.ok("user", "list", "--format", "json").Out
	for _, n := range []string{"alice", "bob", "dave"} {
		if !strings.Contains(list, `"`+n+`"`) {
			t.Errorf("user list lacks %s: %s", n, list)
		}
	}
}

func TestFutureTodayRefusedForChanges(t *testing.T) {
	h := newHarness(t).initStore("--empty")
	r := h.fails(2, "--today", "2999-01-01", "user", "add", "bob", "--role", "clerk")
	if !strings.Contains(r.Err, "2999-01-01") {
		t.Fatalf("refusal should name the date: %q", r.Err)
	}
	h.ok("--today", "2999-01-01", "user", "list")
	h.ok("--today", "2001-01-01", "user", "add", "bob", "--role", "clerk")
	h.fails(2, "--today", "2025-02-30", "user", "list")
}

// TestAuditTamperDetected edits the SQLite file behind credit's back and
// shows verify catching each kind of tampering, naming the entry.
func TestAuditTamperDetected(t *testing.T) {
	setup := func(t *testing.T) (*harness, *sql.DB) {
		h := newHarness(t).initStore("--empty")
		for _, n := range []string{"bob", "carol", "dave"} {
			h.ok("user", "add", n, "--role", "clerk")
		}
		h.ok("audit", "verify")
		db, err := sql.Open("sqlite", h.db)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		// A tamperer first removes the guard triggers.
		for _, s := range []string{"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"} {
			if _, err := db.Exec(s); err != nil {
				t.Fatal(err)
			}
		}
		return h, db
	}
	cases := []struct {
		name, sql, want string
	}{
		{"changed", `UPDATE audit_log SET details = '{"role":"admin"}' WHERE seq = 3`, "第 3 条内容被修改"},
		{"removed", `DELETE FROM audit_log WHERE seq = 2`, "第 2 条缺失"},
		{"reordered", `UPDATE audit_log SET seq = -2 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = -2`, "第 2 条"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, db := setup(t)
			if _, err := db.Exec(c.sql); err != nil {
				t.Fatal(err)
			}
			r := h.fails(6, "audit", "verify")
			if !strings.Contains(r.Err, c.want) {
				t.Fatalf("verify said %q, want it to name %q", r.Err, c.want)
			}
		})
	}
	t.Run("truncated and rewritten need the anchor", func(t *testing.T) {
		h, db := setup(t)
		anchor := strings.TrimSpace(h.ok("audit", "anchor").Out)
		if _, err := db.Exec("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)"); err != nil {
			t.Fatal(err)
		}
		h.ok("audit", "verify") // a clean cut is invisible without an anchor…
		r := h.fails(6, "audit", "verify", "--anchor", anchor)
		if !strings.Contains(r.Err, "截断") {
			t.Fatalf("want truncation named, got %q", r.Err)
		}
		// …and so is a chain rewritten from scratch with valid hashes.
		h.ok("user", "add", "eve", "--role", "clerk")
		r = h.fails(6, "audit", "verify", "--anchor", anchor)
		if !strings.Contains(r.Err, "锚点") {
			t.Fatalf("want the anchor mismatch named, got %q", r.Err)
		}
	})
	t.Run("guard triggers refuse honest mistakes", func(t *testing.T) {
		h := newHarness(t).initStore("--empty")
		db, _ := sql.Open("sqlite", h.db)
		defer db.Close()
		if _, err := db.Exec("DELETE FROM audit_log"); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("delete should be refused by the trigger, got %v", err)
		}
	})
}

func TestBackupWhileWritingAndVerify(t *testing.T) {
	h := newHarness(t).initStore("--empty")
	h.ok("user", "add", "bob", "--role", "clerk")
	// A second process holds an open read transaction and another writes
	// during the backup: neither blocks it.
	db, err := sql.Open("sqlite", h.db)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	rtx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	rtx.QueryRow("SELECT count(*) FROM users").Scan(&n)
	bak := filepath.Join(h.dir, "b1.db")
	h.ok("backup", bak)
	h.ok("user", "add", "carol", "--role", "clerk")
	rtx.Rollback()
	r := h.ok("backup", "--verify", bak, "--format", "json")
	var v map[string]any
	json.Unmarshal([]byte(r.Out), &v)
	if v["ok"] != true {
		t.Fatalf("verify = %v", v)
	}
	h.fails(2, "backup", bak) // never overwrites

	// A damaged backup's audit chain is caught with exit 6.
	bdb, _ := sql.Open("sqlite", bak)
	bdb.Exec("DROP TRIGGER audit_log_no_update")
	if _, err := bdb.Exec("UPDATE audit_log SET operator = 'mallory' WHERE seq = 2"); err != nil {
		t.Fatal(err)
	}
	bdb.Close()
	r = h.fails(6, "backup", "--verify", bak)
	if !strings.Contains(r.Err, "第 2 条") {
		t.Fatalf("want entry 2 named: %q", r.Err)
	}
	// Garbage is not a store.
	junk := filepath.Join(h.dir, "junk.db")
	os.WriteFile(junk, []byte(strings.Repeat("not sqlite ", 500)), 0o600)
	h.fails(6, "backup", "--verify", junk)
}

func TestUsageErrorsExit2(t *testing.T) {
	h := newHarness(t)
	h.fails(2, "no-such-noun")
	h.fails(2, "--format", "yaml", "version")
	h.fails(2, "--lang", "fr", "version")
	h.fails(2, "user", "add")
	r := h.ok("version", "--format", "json")
	if !strings.Contains(r.Out, `"schema"`) {
		t.Fatalf("version json: %s", r.Out)
	}
}

func TestEnglishMessages(t *testing.T) {
	h := newHarness(t)
	h.env["CREDIT_LANG"] = "en"
	r := h.fails(1, "user", "list")
	if !strings.Contains(r.Err, "run credit init") {
		t.Fatalf("english message expected: %q", r.Err)
	}
}

func TestLastAdministratorKept(t *testing.T) {
	h := newHarness(t).initStore("--empty")
	r := h.fails(5, "user", "add", "alice", "--role", "viewer")
	if !strings.Contains(r.Err, "最后一位管理员") {
		t.Fatalf("want the last-admin refusal, got %q", r.Err)
	}
	h.ok("user", "add", "bob", "--role", "admin")
	h.ok("user", "add", "alice", "--role", "clerk") // another admin exists now
}

func TestStoreModeIgnoresUmask(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	h := newHarness(t)
	h.db = filepath.Join(h.dir, "office", "credit.db")
	h.ok("init", "--empty")
	for path, want := range map[string]os.FileMode{filepath.Dir(h.db): 0o770, h.db: 0o660} {
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %o (the office's group shares the store)", path, fi.Mode().Perm(), want)
		}
	}
}

func TestAuditLogOfficeDatesAndFailureJSON(t *testing.T) {
	h := newHarness(t).initStore("--empty")
	h.fails(2, "audit", "log", "--from", "2026-13-01")
	h.fails(2, "audit", "log", "--to", "yesterday")
	// Entries made "today" in the office's time zone are found by today's date.
	today := time.Now().In(clock.Zone()).Format("2006-01-02")
	out := h.ok("audit", "log", "--from", today, "--to", today, "--format", "json").Out
	if !strings.Contains(out, `"store.init"`) {
		t.Fatalf("today's entries not found by the office date %s: %s", today, out)
	}
	db, _ := sql.Open("sqlite", h.db)
	db.Exec("DROP TRIGGER audit_log_no_update")
	db.Exec("UPDATE audit_log SET operator = 'x' WHERE seq = 1")
	db.Close()
	r := h.fails(6, "audit", "verify", "--format", "json")
	if !strings.Contains(r.Out, `"ok": false`) {
		t.Fatalf("a failed verify must still print JSON for scripts: %q", r.Out)
	}
}
