package repair

import (
	"slices"
	"testing"

	"credit/internal/catalog"
	"credit/internal/operator"
	"credit/internal/queue"
)

func TestTableIsSpecE(t *testing.T) {
	if err := Machine.Validate(); err != nil {
		t.Fatal(err)
	}
	// SPEC §E, row by row: command, from, to, role, deadline set.
	want := []struct {
		command string
		from    []queue.State
		to      []queue.State
		role    operator.Role
		sets    []string
	}{
		{"apply", nil, []queue.State{Applied, Refused}, operator.Clerk, []string{"opinion"}},
		{"opinion", []queue.State{Applied}, []queue.State{Approved, Refused}, operator.Clerk, nil},
		{"publicize", []queue.State{Approved}, []queue.State{InPublicity}, operator.Clerk, nil},
		{"object", []queue.State{InPublicity}, []queue.State{PublicityObjected}, operator.Clerk, []string{"verify"}},
		{"verify", []queue.State{PublicityObjected}, []queue.State{Refused, InPublicity}, operator.Reviewer, nil},
		{"complete", []queue.State{InPublicity}, []queue.State{Repaired}, operator.Reviewer, nil},
		{"withdraw", []queue.State{Applied, Approved}, []queue.State{Withdrawn}, operator.Clerk, nil},
	}
	for _, w := range want {
		var to []queue.State
		var sets []string
		for _, r := range Machine.Rows(w.command) {
			to = append(to, r.To)
			for _, s := range r.Sets {
				sets = append(sets, s.Deadline)
			}
		}
		if !slices.Equal(Machine.From(w.command), w.from) || !slices.Equal(to, w.to) || Machine.Role(w.command) != w.role || !slices.Equal(sets, w.sets) {
			t.Errorf("%s: from %v to %v role %s sets %v", w.command, Machine.From(w.command), to, Machine.Role(w.command), sets)
		}
	}
	if got := Machine.Holding(); !slices.Equal(got, []queue.State{Applied, Approved, InPublicity, PublicityObjected}) {
		t.Errorf("holding states: %v", got)
	}
	w := catalog.Workdays{RepairOpinion: 5, RepairVerify: 7}
	if opinion(w) != 5 || verify(w) != 7 {
		t.Error("deadline rules read the wrong policy fields")
	}
	for _, r := range Reasons {
		if ReasonText(r.Code, "zh") == r.Code || ReasonText(r.Code, "en") == r.Code {
			t.Errorf("reason %s has no text", r.Code)
		}
	}
}

func TestSameKind(t *testing.T) {
	if !sameKind("虚假广告", " 虚假广告 ") || !sameKind("", "") || sameKind("虚假广告", "无照经营") {
		t.Error("sameKind")
	}
}
