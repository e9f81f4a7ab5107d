package objection

import (
	"slices"
	"testing"

	"credit/catalogs"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/operator"
	"credit/internal/queue"
	"credit/internal/workday"
)

func TestTableIsSpecD(t *testing.T) {
	if err := Machine.Validate(); err != nil {
		t.Fatal(err)
	}
	// SPEC §D, row by row: command, from, to, role, deadline set.
	want := []struct {
		command string
		from    []queue.State
		to      []queue.State
		role    operator.Role
		sets    []string
	}{
		{"file", nil, []queue.State{Received}, operator.Clerk, []string{"review"}},
		{"forward", []queue.State{Received}, []queue.State{Forwarded}, operator.Clerk, []string{"verify"}},
		{"verify", []queue.State{Forwarded}, []queue.State{Verified}, operator.Clerk, nil},
		{"decide", []queue.State{Received, Verified}, []queue.State{Upheld, Rejected}, operator.Reviewer, []string{"correct"}},
		{"correct", []queue.State{Upheld}, []queue.State{Corrected}, operator.Clerk, nil},
		{"withdraw", []queue.State{Upheld}, []queue.State{Withdrawn}, operator.Clerk, nil},
		// Beyond SPEC §D: close from upheld, only when the record has been
		// withdrawn meanwhile (Close checks it; docs/objection.md).
		{"close", []queue.State{Rejected, Corrected, Withdrawn, AppealDecided, Upheld}, []queue.State{Closed}, operator.Clerk, nil},
		{"appeal", []queue.State{Rejected, Corrected, Withdrawn, Closed}, []queue.State{Appealed}, operator.Clerk, nil},
		{"appeal-decide", []queue.State{Appealed}, []queue.State{Upheld, AppealDecided}, operator.Reviewer, []string{"correct"}},
	}
	for _, w := range want {
		rows := Machine.Rows(w.command)
		var to []queue.State
		var sets []string
		for _, r := range rows {
			to = append(to, r.To)
			for _, s := range r.Sets {
				sets = append(sets, s.Deadline)
			}
		}
		if !slices.Equal(Machine.From(w.command), w.from) || !slices.Equal(to, w.to) || Machine.Role(w.command) != w.role || !slices.Equal(sets, w.sets) {
			t.Errorf("%s: from %v to %v role %s sets %v", w.command, Machine.From(w.command), to, Machine.Role(w.command), sets)
		}
	}
	if len(Machine.Commands) != len(want) {
		t.Errorf("%d commands, SPEC §D has %d", len(Machine.Commands), len(want))
	}
	// The flag (and import lock) is on exactly while the objection is worked.
	if got := Machine.Holding(); !slices.Equal(got, []queue.State{Received, Forwarded, Verified, Upheld}) {
		t.Errorf("holding states: %v", got)
	}
	// The policy's numbers: 第三十二条.
	w := catalog.Workdays{ObjectionReview: 10, ProviderVerification: 5, Correction: 3}
	if review(w) != 10 || verification(w) != 5 || correction(w) != 3 {
		t.Error("deadline rules read the wrong policy fields")
	}
}

func TestParseSetAndFieldNames(t *testing.T) {
	s, err := ParseSet("处罚内容=罚款=1万元")
	if err != nil || s.Field != "处罚内容" || s.Value != "罚款=1万元" {
		t.Fatalf("%+v %v", s, err)
	}
	if s, err := ParseSet("备注="); err != nil || s.Value != "" {
		t.Fatalf("clearing: %+v %v", s, err)
	}
	if _, err := ParseSet("备注"); err == nil {
		t.Fatal("no = accepted")
	}
	name, data := catalogs.Default()
	cat, err := catalog.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	it := cat.Item("XZCF")
	for in, want := range map[string]string{"罚款金额(万元)": "罚款金额（万元）", "CF_XDR_MC": "行政相对人名称", "失信程度": "失信程度"} {
		if got, ok := canonicalField(it, in); !ok || got != want {
			t.Errorf("%s → %q %v, want %s", in, got, ok, want)
		}
	}
	if _, ok := canonicalField(it, "血型"); ok {
		t.Error("unknown field accepted")
	}
}

// Plan is what a screen shows before a change and what Run stores: with the
// measures' defaults, an objection received 2025-09-26 is due for review
// 2025-10-16 (国庆 2025: 10-01..08 off, 09-28 Sun and 10-11 Sat worked).
func TestPlanGivesTheStoredDeadline(t *testing.T) {
	p, err := Machine.Plan("file", "received", civil.MustParse("2025-09-26"), catalog.DefaultPolicy().Workdays, workday.Default())
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != 1 || p[0].Due.String() != "2025-10-16" || p[0].Days != 10 {
		t.Fatalf("plan = %+v, want review due 2025-10-16 after 10 working days", p)
	}
	p, err = Machine.Plan("forward", "forwarded", civil.MustParse("2025-09-26"), catalog.DefaultPolicy().Workdays, workday.Default())
	if err != nil || len(p) != 1 || p[0].Due.String() != "2025-10-10" {
		t.Fatalf("forward plan = %+v %v, want verify due 2025-10-10", p, err)
	}
}
