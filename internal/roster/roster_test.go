package roster

import (
	"reflect"
	"testing"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/operator"
	"credit/internal/store"
)

var d = civil.MustParse

func TestStatus(t *testing.T) {
	base := Entry{State: Approved, Determined: d("2025-06-10"), ValidUntil: d("2026-06-09")}
	with := func(f func(*Entry)) Entry { e := base; f(&e); return e }
	cases := []struct {
		name string
		e    Entry
		on   string
		want string
	}{
		{"valid", base, "2025-12-01", StatusValid},
		{"determination day", base, "2025-06-10", StatusValid},
		{"day before", base, "2025-06-09", StatusNotYet},
		{"last valid day", base, "2026-06-09", StatusValid},
		{"day after", base, "2026-06-10", StatusExpired},
		{"no limit", with(func(e *Entry) { e.ValidUntil = civil.Date{} }), "2099-01-01", StatusValid},
		{"pending", with(func(e *Entry) { e.State = Pending }), "2025-12-01", StatusPending},
		{"rejected", with(func(e *Entry) { e.State = Rejected }), "2025-12-01", StatusRejected},
		{"repaired record", with(func(e *Entry) { e.RecordStatus = "repaired" }), "2025-12-01", StatusRepaired},
		{"withdrawn record", with(func(e *Entry) { e.RecordStatus = "withdrawn" }), "2025-12-01", StatusWithdrawn},
		{"removed that day", with(func(e *Entry) { e.RemovedOn = d("2025-12-01") }), "2025-12-01", StatusRemoved},
		{"before removal", with(func(e *Entry) { e.RemovedOn = d("2025-12-01") }), "2025-11-30", StatusValid},
	}
	for _, c := range cases {
		if got := c.e.Status(d(c.on)); got != c.want || c.e.Counts(d(c.on)) != (c.want == StatusValid) {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestParseID(t *testing.T) {
	cases := []struct {
		in    string
		m, r  int64
		usage bool
	}{
		{"M12", 12, 0, false}, {"m12", 12, 0, false}, {"12", 12, 0, false}, {" R345 ", 0, 345, false},
		{"R", 0, 0, true}, {"X1", 0, 0, true}, {"M-1", 0, 0, true}, {"", 0, 0, true},
	}
	for _, c := range cases {
		m, r, err := ParseID(c.in)
		if (err != nil) != c.usage || m != c.m || r != c.r || (err != nil && apperr.CodeOf(err) != apperr.Usage) {
			t.Errorf("ParseID(%q) = %d %d %v", c.in, m, r, err)
		}
	}
}

// An imported entry's validity: the earlier of the row's 有效期至 and the
// record's own valid-until; with neither, the item's validity.
func TestFromRecordValidityAndLateness(t *testing.T) {
	cat := &catalog.Catalog{Policy: catalog.DefaultPolicy(), Items: []*catalog.Item{
		{Code: "HEIMD", Roster: Black, Category: catalog.Negative, Validity: &catalog.Validity{General: catalog.Period{Years: 3}, Serious: catalog.Period{Years: 3}}},
	}}
	rec := func(validUntilField, recordValidUntil string) store.RosterRecordRow {
		return store.RosterRecordRow{RecordID: 9, Item: "HEIMD", ReportedOn: "2025-08-01", ValidUntil: recordValidUntil, Status: "active",
			Names: []string{FieldListName, FieldDetermined, FieldValidUntil}, Vals: []string{"名单", "2025-06-10", validUntilField}}
	}
	cases := []struct{ field, record, want string }{
		{"2026-06-09", "2028-06-10", "2026-06-09"},
		{"2030-01-01", "2028-06-10", "2028-06-10"},
		{"", "2028-06-10", "2028-06-10"},
		{"", "", "2028-06-10"},
	}
	for _, c := range cases {
		e := fromRecord(cat, Black, rec(c.field, c.record))
		if e.ID != "R9" || e.ValidUntil.String() != c.want || e.Determined.String() != "2025-06-10" {
			t.Errorf("%+v: valid until %s, want %s", c, e.ValidUntil, c.want)
		}
		// 第十七条: determined 2025-06-10, due 2025-07-31, reported 2025-08-01.
		if e.ReportDue.String() != "2025-07-31" || !e.Late || e.DaysLate != 1 {
			t.Errorf("lateness: due %s late %v %d", e.ReportDue, e.Late, e.DaysLate)
		}
	}
	if got := DefaultValidUntil(cat, Black, d("2024-02-29")); got.String() != "2027-02-28" {
		t.Errorf("3 years from 2024-02-29 = %s, want 2027-02-28 (SPEC §B)", got)
	}
}

// An entry whose record was withdrawn keeps only what says so: its ids, the
// list, the subject's code, the batch and provider, its status.
func TestRedactWithdrawnEntry(t *testing.T) {
	cat := &catalog.Catalog{Policy: catalog.DefaultPolicy(), Items: []*catalog.Item{{Code: "HEIMD", Roster: Black, Category: catalog.Negative}}}
	e := fromRecord(cat, Black, store.RosterRecordRow{RecordID: 9, Item: "HEIMD", SubjectCode: "91350100M000100Y43", SubjectName: "甲公司",
		SubjectKind: "organisation", Provider: "11100000000013127D", FirstBatch: 4, ReportedOn: "2025-08-01", Status: "withdrawn", ContentHash: "h",
		Names: []string{FieldListName, FieldUnitName, FieldUnit, FieldBasis, FieldReason, FieldDetermined, FieldValidUntil},
		Vals:  []string{"某名单", "某局", "11100000000013127D", "某办法", "某事由", "2025-06-10", "2026-06-09"}})
	e.RemovalNote = "移出原因"
	e.redact()
	want := Entry{ID: "R9", Source: SourceImport, List: Black, Item: "HEIMD", SubjectCode: "91350100M000100Y43", SubjectKind: "organisation",
		Reported: d("2025-08-01"), Provider: "11100000000013127D", State: Approved, RecordID: 9, RecordStatus: "withdrawn", BatchID: 4, Redacted: true}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("redacted entry = %+v, want %+v", e, want)
	}
	if s := e.Status(d("2025-12-01")); s != StatusWithdrawn || e.Counts(d("2025-12-01")) {
		t.Errorf("status %s", s)
	}
}

// TestMachineTable: the list entries' table is consistent, and the verbs
// the roster functions read come from it unchanged.
func TestMachineTable(t *testing.T) {
	if err := Machine.Validate(); err != nil {
		t.Fatal(err)
	}
	want := map[string]Transition{
		"add":     {Verb: "add", To: Pending, Role: operator.Clerk},
		"approve": {Verb: "approve", From: []string{Pending}, To: Approved, Role: operator.Reviewer},
		"reject":  {Verb: "reject", From: []string{Pending}, To: Rejected, Role: operator.Reviewer},
		"remove":  {Verb: "remove", From: []string{StatusValid, StatusExpired, StatusNotYet}, To: StatusRemoved, Role: operator.Reviewer},
	}
	if !reflect.DeepEqual(Transitions, want) {
		t.Fatalf("Transitions = %+v", Transitions)
	}
	for _, s := range Machine.States {
		if got := StatusLabel(string(s.State), "zh"); got != s.Zh {
			t.Errorf("state %s: table says %s, StatusLabel %s", s.State, s.Zh, got)
		}
	}
}
