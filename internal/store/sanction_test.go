package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"credit/internal/civil"
)

func openSanctionStore(t *testing.T) (*Store, Actor) {
	t.Helper()
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 12, 1, 2, 0, 0, 0, time.UTC)
	return st, Actor{Operator: "alice", Today: civil.MustParse("2025-12-01"), Now: func() time.Time { at = at.Add(time.Second); return at }}
}

func TestMeasureCasesByMonthAndUnit(t *testing.T) {
	ctx := context.Background()
	st, a := openSanctionStore(t)
	err := st.Write(ctx, a, func(tx *Tx) error {
		if _, _, err := tx.PutUnit("91110108551385082Q", "南通市财政局", nil); err != nil {
			return err
		}
		if _, _, err := tx.PutUnit("91350100M000100Y43", "南通市住建局", nil); err != nil {
			return err
		}
		for _, c := range []MeasureCaseRow{
			{SubjectCode: "A", Measure: "CJ01", MeasureName: "n", Category: "reduce-rights", Kind: "sanction", Unit: "91110108551385082Q", Matter: "政府采购", AppliedOn: "2025-10-31"},
			{SubjectCode: "B", Measure: "CJ01", MeasureName: "n", Category: "reduce-rights", Kind: "sanction", Unit: "91110108551385082Q", Matter: "政府采购", AppliedOn: "2025-11-01", QueryID: 0},
			{SubjectCode: "C", Measure: "JL01", MeasureName: "n", Category: "reward", Kind: "reward", Unit: "91350100M000100Y43", Matter: "行政许可", AppliedOn: "2025-11-30"},
			{SubjectCode: "D", Measure: "CJ01", MeasureName: "n", Category: "reduce-rights", Kind: "sanction", Unit: "91110108551385082Q", Matter: "政府采购", AppliedOn: "2025-12-01"},
		} {
			if _, err := tx.InsertMeasureCase(c); err != nil {
				return err
			}
		}
		return tx.Audit("test", "case:*", nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	collect := func(f CaseFilter) []string {
		got = nil
		if err := st.MeasureCases(ctx, f, func(c *MeasureCaseRow) error { got = append(got, c.SubjectCode+c.UnitName); return nil }); err != nil {
			t.Fatal(err)
		}
		return got
	}
	if g := collect(CaseFilter{From: "2025-11-01", To: "2025-11-30"}); len(g) != 2 || g[0] != "B南通市财政局" || g[1] != "C南通市住建局" {
		t.Fatalf("November: %v", g)
	}
	if g := collect(CaseFilter{Unit: "91110108551385082Q"}); len(g) != 3 {
		t.Fatalf("by unit: %v", g)
	}
	// A case needs a registered unit (foreign key).
	err = st.Write(ctx, a, func(tx *Tx) error {
		_, err := tx.InsertMeasureCase(MeasureCaseRow{SubjectCode: "E", Measure: "CJ01", MeasureName: "n", Category: "reduce-rights", Kind: "sanction", Unit: "X", Matter: "其他", AppliedOn: "2025-11-02"})
		return err
	})
	if err == nil {
		t.Fatal("a case of an unregistered unit was stored")
	}
	units, err := st.UnitActivity(ctx, "2025-11-01", "2025-11-30")
	if err != nil || len(units) != 2 || units[0].Cases != 1 || units[0].SanctionCases != 1 || units[1].RewardCases != 1 {
		t.Fatalf("unit activity: %+v %v", units, err)
	}
}

func TestRosterRowsAndRemovals(t *testing.T) {
	ctx := context.Background()
	st, a := openSanctionStore(t)
	var id int64
	err := st.Write(ctx, a, func(tx *Tx) error {
		var err error
		id, err = tx.InsertRosterEntry(RosterManualRow{List: "black", ListName: "名单", SubjectCode: "91110000802100433B", Unit: "11100000000013127D",
			Basis: "依据", Determined: "2025-11-03", ValidUntil: "2028-11-03", ReportedOn: "2025-12-01", State: "pending"})
		if err != nil {
			return err
		}
		if ok, err := tx.DecideRosterEntry(id, "pending", "approved"); err != nil || !ok {
			t.Fatalf("approve: %v %v", ok, err)
		}
		if ok, err := tx.DecideRosterEntry(id, "pending", "approved"); err != nil || ok {
			t.Fatalf("approved twice: %v %v", ok, err)
		}
		if err := tx.RemoveRosterEntry("M1", "2025-12-01", "revoked", "苏税移〔2025〕1号", "移出"); err != nil {
			return err
		}
		if err := tx.RemoveRosterEntry("M1", "2025-12-01", "revoked", "x", "again"); err == nil {
			t.Fatal("removed twice")
		}
		return tx.Audit("test", "roster:M1", nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.RosterManualEntries(ctx, RosterFilter{SubjectCode: "91110000802100433B"})
	if err != nil || len(rows) != 1 || rows[0].State != "approved" || rows[0].DecidedBy != "alice" || rows[0].AddedOn != "2025-12-01" {
		t.Fatalf("manual rows: %+v %v", rows, err)
	}
	if rows, _ := st.RosterManualEntries(ctx, RosterFilter{ReportedFrom: "2025-11-01", ReportedTo: "2025-11-30"}); len(rows) != 0 {
		t.Fatalf("reported in November: %+v", rows)
	}
	rm, err := st.RosterRemovals(ctx, []string{"M1", "R5"})
	if err != nil || len(rm) != 1 || rm["M1"].RemovedOn != "2025-12-01" || rm["M1"].Ground != "revoked" || rm["M1"].Ref != "苏税移〔2025〕1号" {
		t.Fatalf("removals: %+v %v", rm, err)
	}
	// No list item records yet; no objections: nothing upheld.
	if recs, err := st.RosterRecords(ctx, []string{"HEIMD"}, RosterFilter{}); err != nil || len(recs) != 0 {
		t.Fatalf("records: %v %v", recs, err)
	}
	if up, err := st.UpheldObjections(ctx, "2025-12-01", "2025-12-31"); err != nil || len(up) != 0 {
		t.Fatalf("upheld: %v %v", up, err)
	}
	if ok, err := st.tableExists(ctx, "no_such_table"); err != nil || ok {
		t.Fatalf("tableExists: %v %v", ok, err)
	}
}
