package store

import (
	"slices"
	"testing"

	"credit/internal/civil"
)

func TestRepairHoldsRecordAndPublicity(t *testing.T) {
	f := newQueueFixture(t)
	d := civil.MustParse
	var id int64
	f.write(t, func(tx *Tx) error {
		var err error
		id, err = tx.InsertRepair(Repair{RecordID: f.r1, Rev: 1, ContentHash: "h-A", CorrectedOn: d("2024-06-01"), Commitment: "CN",
			AppliedOn: d("2025-06-03"), State: "applied", Holds: true, Eligible: true})
		if err != nil {
			return err
		}
		// A refused application holds nothing and keeps its reasons.
		_, err = tx.InsertRepair(Repair{RecordID: f.r2, Rev: 1, ContentHash: "h-B", CorrectedOn: d("2025-06-01"), AppliedOn: d("2025-06-03"),
			State: "refused", Eligible: false, Reasons: []string{"clean_period_not_met", "no_commitment"}})
		return err
	})
	flags, _ := f.st.RecordFlags(f.ctx, []int64{f.r1, f.r2}, "2025-12-01")
	if !slices.Equal(flags[f.r1], []string{"under_repair"}) || len(flags[f.r2]) != 0 {
		t.Fatalf("flags: %v", flags)
	}
	f.write(t, func(tx *Tx) error {
		open, err := tx.OpenProcedures(f.r1)
		if err != nil || !slices.Equal(open, []string{"repair"}) {
			t.Fatalf("open: %v %v", open, err)
		}
		// The subject's other negative records in the item (the kind and the act date are the caller's rule).
		later, err := tx.NegativeRecordsOf(f.subject, "XZCF", f.r1)
		if err != nil || len(later) != 2 || later[0].ID != f.r2 || later[1].ID != f.r3 {
			t.Fatalf("later: %+v %v", later, err)
		}
		if err := tx.SetQueueState("repair", id, "in_publicity", true); err != nil {
			return err
		}
		// 2025-09-26 + 5 working days: 09-28 … 10-10; paused 09-30 after 2; resumed 10-09 for 3: 10-10 … 10-13.
		if _, err := tx.AddPublicityStretch(PublicityStretch{RepairID: id, StartedOn: d("2025-09-26"), Days: 5, First: d("2025-09-28"), Last: d("2025-10-10"), Total: 5, Catalog: 1}); err != nil {
			return err
		}
		if err := tx.PausePublicity(id, 1, d("2025-09-30"), 2); err != nil {
			return err
		}
		seq, err := tx.AddPublicityStretch(PublicityStretch{RepairID: id, StartedOn: d("2025-10-09"), Days: 3, First: d("2025-10-10"), Last: d("2025-10-13"), Total: 5, Catalog: 1})
		if seq != 2 {
			t.Fatalf("seq %d", seq)
		}
		return err
	})
	flags, _ = f.st.RecordFlags(f.ctx, []int64{f.r1}, "2025-10-13") // the resumed stretch's last day
	if !slices.Equal(flags[f.r1], []string{"in_publicity", "under_repair"}) {
		t.Fatalf("flags in publicity: %v", flags)
	}
	on := func(day string) int {
		ps, err := f.st.PublicityOn(f.ctx, d(day))
		if err != nil {
			t.Fatal(err)
		}
		return len(ps)
	}
	for day, want := range map[string]int{"2025-09-27": 0, "2025-09-28": 1, "2025-09-29": 1, "2025-09-30": 0, "2025-10-05": 0,
		"2025-10-10": 1, "2025-10-13": 1, "2025-10-14": 0} {
		if got := on(day); got != want {
			t.Errorf("under publicity on %s: %d, want %d", day, got, want)
		}
	}
	running, _ := f.st.RunningPublicity(f.ctx)
	if len(running) != 1 || running[0].Seq != 2 {
		t.Fatalf("running: %+v", running)
	}
	rs, err := f.st.Repairs(f.ctx, RepairFilter{State: "refused"})
	if err != nil || len(rs) != 1 || !slices.Equal(rs[0].Reasons, []string{"clean_period_not_met", "no_commitment"}) || rs[0].Eligible || rs[0].Holds {
		t.Fatalf("refused: %+v %v", rs, err)
	}
	p, ok, err := f.st.Repair(f.ctx, id)
	if err != nil || !ok || p.State != "in_publicity" || p.SubjectKind != "organisation" || p.NaturalKey != "A" || len(p.Reasons) != 0 {
		t.Fatalf("repair: %+v %v", p, err)
	}
	f.write(t, func(tx *Tx) error {
		rev, err := tx.SetRecordStatus(f.r1, "repaired", "repair", "repair:1")
		if rev != 2 {
			t.Fatalf("rev %d", rev)
		}
		return err
	})
	rec, _, _ := f.st.CaseRecord(f.ctx, f.r1)
	if rec.Status != "repaired" || rec.Procedure != "repair" {
		t.Fatalf("record: %+v", rec)
	}
}

// Migration 010 rebuilds repairs (a repair may be about a hand-entered list
// entry, with no record) and its child repair_publicity: every repair and
// publicity stretch of a store that had them survives, foreign keys on, and a
// repair is about a record or an entry, never both or neither.
func TestMigration010KeepsRepairsAndPublicity(t *testing.T) {
	f := newQueueFixture(t)
	d := civil.MustParse
	var id int64
	f.write(t, func(tx *Tx) error {
		var err error
		if id, err = tx.InsertRepair(Repair{RecordID: f.r1, Rev: 1, ContentHash: "h-A", CorrectedOn: d("2024-06-01"), Commitment: "CN",
			AppliedOn: d("2025-06-03"), State: "in_publicity", Holds: true, Eligible: true}); err != nil {
			return err
		}
		_, err = tx.AddPublicityStretch(PublicityStretch{RepairID: id, StartedOn: d("2025-09-26"), Days: 5, First: d("2025-09-28"), Last: d("2025-10-10"), Total: 5, Catalog: 1})
		return err
	})
	// Back to schema 9 (what 010 and later added undone) and up again.
	for _, q := range append(append([]string{"DROP INDEX subjects_name_key", "DROP VIEW current_record_history", "DROP VIEW current_record_links", "DROP VIEW pending_links",
		"DROP VIEW current_records", "DROP VIEW pending_revisions", "DROP INDEX staged_revisions_record"}, UndoSealsSQL()...),
		"DROP TRIGGER subject_names_ad", "DROP TRIGGER subject_names_au", "DROP TABLE subject_names",
		"DROP TABLE catalog_compiled", "DROP INDEX query_log_token", "ALTER TABLE query_log DROP COLUMN case_ref", "ALTER TABLE query_log DROP COLUMN token_id",
		"ALTER TABLE query_log DROP COLUMN via", "DROP TABLE api_tokens", "DROP TABLE user_keys",
		"DROP TABLE exchange_receipts", "DROP TABLE exchange_sent", "DROP TABLE exchange_files", "DROP TABLE exchange_runs",
		"DROP TABLE roster_entry_links", "ALTER TABLE roster_removals DROP COLUMN ground",
		"ALTER TABLE roster_removals DROP COLUMN ref", "PRAGMA user_version = 9") {
		if _, err := f.st.DB.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	if from, to, err := f.st.Migrate(f.ctx); err != nil || from != 9 || to != SchemaVersion() {
		t.Fatalf("migrate: %d → %d %v", from, to, err)
	}
	p, ok, err := f.st.Repair(f.ctx, id)
	if err != nil || !ok || p.RecordID != f.r1 || p.Entry != "" || p.State != "in_publicity" || p.SubjectCode != "91350100M000100Y43" {
		t.Fatalf("repair after 010: %+v %v", p, err)
	}
	if ps, err := f.st.PublicityOn(f.ctx, d("2025-09-29")); err != nil || len(ps) != 1 || ps[0].RepairID != id {
		t.Fatalf("publicity after 010: %+v %v", ps, err)
	}
	var fk int
	if err := f.st.DB.QueryRow("SELECT count(*) FROM pragma_foreign_key_check").Scan(&fk); err != nil || fk != 0 {
		t.Fatalf("foreign key check: %d %v", fk, err)
	}
	for _, q := range []string{
		"INSERT INTO repairs(record_id, entry, rev, content_hash, corrected_on, applied_on, state, eligible, filed_on, filed_by, created_at, updated_at) VALUES (NULL, '', 1, '', 'x', 'x', 'applied', 1, 'x', 'x', 'x', 'x')",
		"INSERT INTO repairs(record_id, entry, rev, content_hash, corrected_on, applied_on, state, eligible, filed_on, filed_by, created_at, updated_at) VALUES (1, 'M1', 1, '', 'x', 'x', 'applied', 1, 'x', 'x', 'x', 'x')",
	} {
		if _, err := f.st.DB.Exec(q); err == nil {
			t.Errorf("accepted: %s", q)
		}
	}
}
