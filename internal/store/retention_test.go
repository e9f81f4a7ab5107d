package store

import (
	"testing"
	"time"

	"credit/internal/civil"
)

// The purge of the retention procedure (第八条) on the archive fixture:
// values and revisions emptied, links removed, and a person's code and name
// removed only once nothing that is not purged is theirs.
func TestPurgeRecordAndClearSubject(t *testing.T) {
	f := newArchiveFixture(t)
	actor := Actor{Operator: "alice", Today: civil.MustParse("2030-01-02"), Now: func() time.Time { return time.Date(2030, 1, 2, 2, 0, 0, 0, time.UTC) }}
	// 王伟民 has a record in the staging batch (an import under way).
	if err := f.st.Write(f.ctx, actor, func(tx *Tx) error {
		_, err := tx.InsertRecords(f.stag, []NewRecord{{Item: "XZCF", Key: "E", Provider: "11100000000013127D", Channel: "local", SubjectID: f.wangMin,
			Category: "negative", Severity: "general", DecidedOn: "2025-10-02", ValidUntil: "2026-10-02", Layout: f.layout,
			Vals: `["王伟民","110101199003070011","罚5号","警告"]`, ContentHash: "h-E"}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	purge := func(id int64) (res PurgeResult, ok bool, cleared map[int64]bool) {
		t.Helper()
		cleared = map[int64]bool{}
		if err := f.st.Write(f.ctx, actor, func(tx *Tx) error {
			var err error
			res, ok, err = tx.PurgeRecord(Purge{RecordID: id, Ref: "DOC-1", Basis: "valid_until", CountedFrom: "2025-06-10", Period: "2y", KeptThrough: "2027-06-10"})
			if err != nil {
				return err
			}
			for _, s := range []int64{f.orgA, f.wang, f.wangMin} {
				c, err := tx.ClearSubject(s)
				if err != nil {
					return err
				}
				cleared[s] = c
			}
			return tx.Audit("test.purge", "record", nil)
		}); err != nil {
			t.Fatal(err)
		}
		return
	}
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := f.st.DB.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// B (甲公司, revised once, linked to 王伟): 王伟 still has C and A's link.
	res, ok, cleared := purge(f.recB)
	if !ok || res.Revisions != 1 || res.Links != 1 || res.ContentHash != "h-B2" || cleared[f.wang] || cleared[f.orgA] {
		t.Fatalf("purge B: %+v %v %v", res, ok, cleared)
	}
	if n := count(`SELECT count(*) FROM records WHERE id = ? AND status = 'purged' AND procedure = 'purge' AND natural_key = 'purged:' || id
		AND vals = '["","","",""]' AND content_hash = 'h-B2'`, f.recB); n != 1 {
		t.Error("record B not emptied")
	}
	if n := count(`SELECT count(*) FROM record_history WHERE record_id = ? AND vals = '["","","",""]'`, f.recB); n != 1 {
		t.Error("B's old revision not emptied")
	}
	// Purging B again does nothing.
	if _, ok, _ := purge(f.recB); ok {
		t.Error("second purge of B")
	}
	// C (王伟's own): A's legal_rep link still makes A his.
	if _, _, cleared = purge(f.recC); cleared[f.wang] {
		t.Error("王伟 cleared while A is linked to him")
	}
	// A: its links go; 王伟 is cleared, 王伟民 is not (his staging record),
	// 甲公司 keeps its code and name (an organisation).
	res, _, cleared = purge(f.recA)
	if res.Links != 2 || len(res.Subjects) != 3 || !cleared[f.wang] || cleared[f.wangMin] || cleared[f.orgA] {
		t.Fatalf("purge A: %+v %v", res, cleared)
	}
	if n := count(`SELECT count(*) FROM subjects WHERE id = ? AND code = 'purged:' || id AND name = '' AND name_key = ''`, f.wang); n != 1 {
		t.Error("王伟 not cleared")
	}
	if n := count(`SELECT count(*) FROM subjects WHERE code IN ('110101199003070011', '91350100M000100Y43')`); n != 2 {
		t.Error("王伟民 or 甲公司 lost their codes")
	}
	if _, found, _ := f.st.SubjectByCode(f.ctx, "11010519491231002X"); found {
		t.Error("王伟 is still found by his number")
	}
	if n := count("SELECT count(*) FROM retention_purges WHERE ref = 'DOC-1'"); n != 3 {
		t.Errorf("%d purge notes", n)
	}
	if _, err := f.st.DB.Exec("DELETE FROM retention_purges"); err == nil {
		t.Error("retention_purges is not append-only")
	}
}
