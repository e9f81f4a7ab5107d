package repair

import (
	"slices"
	"strings"
	"testing"

	"credit/internal/catalog"
	"credit/internal/civil"
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

// 民法典 第二百零一条、第二百零二条: the clean year ends on the matching day
// (the month's last day when there is none), and one may apply the day after.
func TestFirstDayToApply(t *testing.T) {
	year := catalog.Period{Years: 1}
	for corrected, want := range map[string]string{
		"2024-05-10": "2025-05-11", // issue 15's example
		"2024-02-29": "2025-03-01", // no 2025-02-29: the year ends 02-28
		"2024-12-31": "2026-01-01",
	} {
		if got := FirstDayToApply(year, civil.MustParse(corrected)); got.String() != want {
			t.Errorf("corrected %s: first day %s, want %s", corrected, got, want)
		}
	}
}

// The office rules among the refusals say so, with the article they serve;
// the reasons of 第三十四条 cite it.
func TestReasonsMarkOfficeRules(t *testing.T) {
	for _, r := range Reasons {
		office := r.Code == "open_objection" || r.Code == "open_repair"
		if office != strings.Contains(r.Zh, "本办公室规则") || office != strings.Contains(r.En, "office rule") {
			t.Errorf("%s: office rule marking wrong: %s / %s", r.Code, r.Zh, r.En)
		}
		if office && !strings.Contains(r.Zh, "服务第三十") {
			t.Errorf("%s names no article it serves: %s", r.Code, r.Zh)
		}
	}
	for _, code := range []string{"clean_period_not_met", "later_negative_record", "no_commitment"} {
		if !strings.Contains(ReasonText(code, "zh"), "第三十四条") {
			t.Errorf("%s does not cite 第三十四条", code)
		}
	}
}
