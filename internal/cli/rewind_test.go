package cli

import (
	"database/sql"
	"fmt"
	"testing"

	"credit/internal/store"
)

// undoMigration is, per migration from 7 on, what undoes the tables and
// columns it made, so that an upgrade test can rewind a store to an older
// schema and let credit init run the newer migrations again. A new
// migration must add its entry: rewindSchema fails without one.
var undoMigration = map[int][]string{
	7:  {"DROP TABLE measure_versions"},
	8:  {"DROP TABLE staged_kinds", "DELETE FROM meta WHERE key = 'pending_upgrade:008'"},
	9:  {"DROP TABLE retention_purges"},
	10: {"DROP TABLE roster_entry_links", "ALTER TABLE roster_removals DROP COLUMN ground", "ALTER TABLE roster_removals DROP COLUMN ref"},
	11: {"DROP TABLE exchange_receipts", "DROP TABLE exchange_sent", "DROP TABLE exchange_files", "DROP TABLE exchange_runs"},
	12: {"DROP INDEX query_log_token", "ALTER TABLE query_log DROP COLUMN case_ref", "ALTER TABLE query_log DROP COLUMN token_id",
		"ALTER TABLE query_log DROP COLUMN via", "DROP TABLE api_tokens", "DROP TABLE user_keys"},
	13: {"DROP TABLE catalog_compiled"},
	14: {"DROP TRIGGER subject_names_ad", "DROP TRIGGER subject_names_au", "DROP TABLE subject_names"},
	15: store.UndoSealsSQL(),
	16: {"DROP VIEW current_record_history", "DROP VIEW current_record_links", "DROP VIEW pending_links", "DROP VIEW current_records", "DROP VIEW pending_revisions",
		"DROP INDEX staged_revisions_record"},
	17: {"DROP INDEX subjects_name_key"},
}

// rewindSchema undoes the migrations after schema to, newest first.
func rewindSchema(t *testing.T, db *sql.DB, to int) {
	t.Helper()
	for n := store.SchemaVersion(); n > to; n-- {
		undo, ok := undoMigration[n]
		if !ok {
			t.Fatalf("rewindSchema: migration %d has no undo entry in undoMigration", n)
		}
		for _, q := range undo {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("undo migration %d: %s: %v", n, q, err)
			}
		}
	}
	if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", to)); err != nil {
		t.Fatal(err)
	}
}
