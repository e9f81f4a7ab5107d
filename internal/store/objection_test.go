package store

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"credit/internal/civil"
)

// queueFixture is a store with one published batch of three negative records
// of one organisation (r1, r2 of kind 虚假广告, r3 of kind 无照经营) and one
// record in a staging batch (invisible).
type queueFixture struct {
	st             *Store
	ctx            context.Context
	actor          Actor
	subject        int64
	r1, r2, r3, r4 int64
}

func newQueueFixture(t *testing.T) *queueFixture {
	t.Helper()
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "q.db"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 12, 1, 2, 0, 0, 0, time.UTC)
	f := &queueFixture{st: st, ctx: ctx, actor: Actor{Operator: "bob", Today: civil.MustParse("2025-11-03"), Now: func() time.Time { at = at.Add(time.Second); return at }}}
	f.write(t, func(tx *Tx) error {
		layout, err := tx.LayoutID("XZCF", []string{"名称", "违法行为类型", "内容"})
		if err != nil {
			return err
		}
		for _, file := range []string{"one.csv", "two.csv"} {
			b, err := tx.BeginBatch(BatchStart{Provider: "11100000000013127D", Item: "XZCF", Channel: "local", FileName: file, FileHash: file})
			if err != nil {
				return err
			}
			refs, err := tx.ResolveSubjects(b, []SubjectIn{{Code: "91350100M000100Y43", Kind: "organisation", Name: "甲公司", NameKey: "甲公司"}})
			if err != nil {
				return err
			}
			f.subject = refs["91350100M000100Y43"].ID
			rec := func(key, decided, kind string) NewRecord {
				return NewRecord{Item: "XZCF", Key: key, Provider: "11100000000013127D", Channel: "local", SubjectID: f.subject, Category: "negative",
					Severity: "serious", DecidedOn: decided, ValidUntil: "2028-01-01", Layout: layout,
					Vals: `["甲公司","` + kind + `","` + key + `"]`, ContentHash: "h-" + key}
			}
			if file == "one.csv" {
				ids, err := tx.InsertRecords(b, []NewRecord{rec("A", "2024-03-01", "虚假广告"), rec("B", "2024-08-01", "虚假广告"), rec("C", "2024-09-01", "无照经营")})
				if err != nil {
					return err
				}
				f.r1, f.r2, f.r3 = ids[0], ids[1], ids[2]
				if err := tx.PublishBatch(b, BatchCounts{}); err != nil {
					return err
				}
			} else {
				ids, err := tx.InsertRecords(b, []NewRecord{rec("D", "2024-10-01", "虚假广告")})
				if err != nil {
					return err
				}
				f.r4 = ids[0]
			}
		}
		return nil
	})
	return f
}

func (f *queueFixture) write(t *testing.T, fn func(*Tx) error) {
	t.Helper()
	if err := f.st.Write(f.ctx, f.actor, fn); err != nil {
		t.Fatal(err)
	}
}

func TestObjectionHoldsRecord(t *testing.T) {
	f := newQueueFixture(t)
	var id int64
	f.write(t, func(tx *Tx) error {
		rec, ok, err := tx.CaseRecord(f.r1)
		if err != nil || !ok {
			t.Fatalf("CaseRecord: %v %v", ok, err)
		}
		if rec.Value("违法行为类型") != "虚假广告" || rec.SubjectCode != "91350100M000100Y43" || rec.Rev != 1 {
			t.Fatalf("record: %+v", rec)
		}
		id, err = tx.InsertObjection(Objection{RecordID: f.r1, Rev: 1, ContentHash: rec.ContentHash, Ground: "wrong", Via: "office",
			Applicant: "甲公司", ReceivedOn: civil.MustParse("2025-10-30"), State: "received", Holds: true})
		return err
	})
	// A record in a staging batch is invisible.
	f.write(t, func(tx *Tx) error {
		if _, ok, _ := tx.CaseRecord(f.r4); ok {
			t.Error("staging record visible")
		}
		return nil
	})
	flags, err := f.st.RecordFlags(f.ctx, []int64{f.r1, f.r2}, "2025-12-01")
	if err != nil || !slices.Equal(flags[f.r1], []string{"under_objection"}) || len(flags[f.r2]) != 0 {
		t.Fatalf("flags: %v %v", flags, err)
	}
	f.write(t, func(tx *Tx) error {
		ex, err := tx.ExistingRecord("XZCF", "A")
		if err != nil || !slices.Contains(ex.Locks, "objection") {
			t.Fatalf("locks: %+v %v", ex.Locks, err)
		}
		open, _ := tx.OpenProcedures(f.r1)
		if !slices.Equal(open, []string{"objection"}) {
			t.Fatalf("open procedures: %v", open)
		}
		state, ok, err := tx.QueueState("objection", id)
		if err != nil || !ok || state != "received" {
			t.Fatalf("state: %s %v %v", state, ok, err)
		}
		if _, _, err := tx.QueueState("nope", id); err == nil {
			t.Fatal("unknown queue accepted")
		}
		return tx.SetQueueState("objection", id, "rejected", false)
	})
	if flags, _ := f.st.RecordFlags(f.ctx, []int64{f.r1}, "2025-12-01"); len(flags[f.r1]) != 0 {
		t.Fatalf("flags after release: %v", flags)
	}
	o, ok, err := f.st.Objection(f.ctx, id)
	if err != nil || !ok || o.State != "rejected" || o.Holds || o.Applicant != "甲公司" || o.Item != "XZCF" || o.FiledOn.String() != "2025-11-03" {
		t.Fatalf("objection: %+v %v", o, err)
	}
	list, err := f.st.Objections(f.ctx, ObjectionFilter{Provider: "11100000000013127D", State: "rejected"})
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %v %v", list, err)
	}
}

func TestQueueDeadlinesAndEvents(t *testing.T) {
	f := newQueueFixture(t)
	d := civil.MustParse
	f.write(t, func(tx *Tx) error {
		for _, x := range []QueueDeadline{
			{Queue: "objection", CaseID: 1, Name: "review", Start: d("2025-09-26"), Days: 10, Due: d("2025-10-16"), Catalog: 1},
			{Queue: "objection", CaseID: 1, Name: "verify", Start: d("2025-09-26"), Days: 5, Due: d("2025-10-10"), Catalog: 1},
			{Queue: "objection", CaseID: 2, Name: "review", Start: d("2025-09-29"), Days: 10, Due: d("2025-10-17"), Catalog: 1, Provisional: true},
		} {
			if _, err := tx.AddQueueDeadline(x); err != nil {
				return err
			}
		}
		if err := tx.MeetQueueDeadlines("objection", 1, []string{"verify"}, d("2025-10-09")); err != nil {
			return err
		}
		if err := tx.MeetQueueDeadlines("objection", 1, []string{}, d("2025-10-09")); err != nil { // none named: nothing met
			return err
		}
		return tx.AddQueueEvent(QueueEvent{Queue: "objection", CaseID: 1, Command: "file", To: "received", Note: "n", Details: `{"record":1}`})
	})
	ds, err := f.st.QueueDeadlines(f.ctx, "objection", []int64{1})
	if err != nil || len(ds[1]) != 2 || !ds[1][0].MetOn.IsZero() || ds[1][1].MetOn.String() != "2025-10-09" || ds[1][0].SetOn.String() != "2025-11-03" {
		t.Fatalf("deadlines: %+v %v", ds, err)
	}
	open, _ := f.st.OpenQueueDeadlines(f.ctx, "objection")
	if len(open) != 2 || open[0].Name != "review" || open[0].CaseID != 1 || !open[1].Provisional {
		t.Fatalf("open: %+v", open)
	}
	f.write(t, func(tx *Tx) error { return tx.MeetQueueDeadlines("objection", 1, nil, d("2025-10-20")) })
	if open, _ = f.st.OpenQueueDeadlines(f.ctx, "objection"); len(open) != 1 || open[0].CaseID != 2 {
		t.Fatalf("after meeting all of case 1: %+v", open)
	}
	es, err := f.st.QueueEvents(f.ctx, "objection", 1)
	if err != nil || len(es) != 1 || es[0].Operator != "bob" || es[0].On.String() != "2025-11-03" || es[0].Note != "n" {
		t.Fatalf("events: %+v %v", es, err)
	}
	// The timeline is append-only.
	if _, err := f.st.DB.Exec("UPDATE queue_events SET note = 'x'"); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("update of an event: %v", err)
	}
	if _, err := f.st.DB.Exec("DELETE FROM queue_events"); err == nil {
		t.Fatal("delete of an event succeeded")
	}
}

func TestCorrectAndWithdrawKeepRevisions(t *testing.T) {
	f := newQueueFixture(t)
	f.write(t, func(tx *Tx) error {
		rev, err := tx.CorrectRecord(RecordCorrection{RecordID: f.r1, Ref: "objection:1", Category: "negative", Severity: "general",
			DecidedOn: "2024-03-01", ValidUntil: "2025-03-01", Layout: 1, Vals: `["甲公司","虚假广告","A2"]`, ContentHash: "h-A2"})
		if err != nil || rev != 2 {
			t.Fatalf("correct: %d %v", rev, err)
		}
		rev, err = tx.SetRecordStatus(f.r1, "withdrawn", "withdrawal", "objection:2")
		if err != nil || rev != 3 {
			t.Fatalf("withdraw: %d %v", rev, err)
		}
		return nil
	})
	rec, _, _ := f.st.CaseRecord(f.ctx, f.r1)
	if rec.Status != "withdrawn" || rec.Procedure != "withdrawal" || rec.ContentHash != "h-A2" || rec.Severity != "general" || rec.Vals[2] != "A2" {
		t.Fatalf("record: %+v", rec)
	}
	revs, err := f.st.RecordRevisions(f.ctx, f.r1)
	if err != nil || len(revs) != 2 {
		t.Fatalf("revisions: %+v %v", revs, err)
	}
	if r := revs[0]; r.Rev != 1 || r.ContentHash != "h-A" || r.SupersededBy != "correction" || r.Ref != "objection:1" || r.Status != "active" {
		t.Errorf("rev 1: %+v", r)
	}
	if r := revs[1]; r.Rev != 2 || r.ContentHash != "h-A2" || r.SupersededBy != "withdrawal" || r.Ref != "objection:2" {
		t.Errorf("rev 2: %+v", r)
	}
}

// QueueDates: the case's opening day and its latest step by office date (not
// by row: a store written before steps were kept in order may hold one out of
// it).
func TestQueueDates(t *testing.T) {
	f := newQueueFixture(t)
	var id int64
	f.write(t, func(tx *Tx) error {
		var err error
		id, err = tx.InsertObjection(Objection{RecordID: f.r1, Rev: 1, ContentHash: "h-A", Ground: "wrong", Via: "office",
			Applicant: "甲公司", ReceivedOn: civil.MustParse("2025-10-30"), State: "received", Holds: true})
		if err != nil {
			return err
		}
		d, err := tx.QueueDates("objection", id)
		if err != nil || d.Opened.String() != "2025-10-30" || !d.Last.IsZero() || d.LastCommand != "" {
			t.Fatalf("before any step: %+v %v", d, err)
		}
		return tx.AddQueueEvent(QueueEvent{Queue: "objection", CaseID: id, Command: "file", To: "received"})
	})
	later := *f
	later.actor.Today = civil.MustParse("2025-11-10")
	later.write(t, func(tx *Tx) error {
		return tx.AddQueueEvent(QueueEvent{Queue: "objection", CaseID: id, Command: "decide", From: "received", To: "upheld"})
	})
	earlier := *f
	earlier.actor.Today = civil.MustParse("2025-11-05")
	earlier.write(t, func(tx *Tx) error {
		return tx.AddQueueEvent(QueueEvent{Queue: "objection", CaseID: id, Command: "correct", From: "upheld", To: "corrected"})
	})
	f.write(t, func(tx *Tx) error {
		d, err := tx.QueueDates("objection", id)
		if err != nil || d.Opened.String() != "2025-10-30" || d.Last.String() != "2025-11-10" || d.LastCommand != "decide" {
			t.Fatalf("dates: %+v %v", d, err)
		}
		// A repair's opening day is its application date.
		rid, err := tx.InsertRepair(Repair{RecordID: f.r2, Rev: 1, ContentHash: "h-B", CorrectedOn: civil.MustParse("2024-09-01"),
			Commitment: "CN", AppliedOn: civil.MustParse("2025-10-31"), State: "applied", Holds: true, Eligible: true})
		if err != nil {
			return err
		}
		if d, err := tx.QueueDates("repair", rid); err != nil || d.Opened.String() != "2025-10-31" || !d.Last.IsZero() {
			t.Fatalf("repair dates: %+v %v", d, err)
		}
		if _, err := tx.QueueDates("nope", id); err == nil {
			t.Fatal("unknown queue accepted")
		}
		return nil
	})
}
