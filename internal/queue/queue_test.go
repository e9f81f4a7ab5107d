package queue

import (
	"strings"
	"testing"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/operator"
	"credit/internal/store"
	"credit/internal/workday"
)

var d = civil.MustParse

// test is a small workflow: a → b (clerk, sets x), b → c or d (reviewer).
var test = &Machine{
	Queue: "test", Zh: "测试", En: "test",
	States: []StateInfo{
		{State: "a", Zh: "甲", En: "a", Holds: true}, {State: "b", Zh: "乙", En: "b", Holds: true},
		{State: "c", Zh: "丙", En: "c", Finished: true}, {State: "d", Zh: "丁", En: "d"},
	},
	Commands:  []Command{{Name: "open", Zh: "开", En: "open"}, {Name: "go", Zh: "走", En: "go"}, {Name: "end", Zh: "结", En: "end"}},
	Deadlines: []DeadlineInfo{{Name: "x", JSON: "x_due", Zh: "甲期限", En: "x"}, {Name: "y", JSON: "y_due", Zh: "乙期限", En: "y"}},
	Table: []Transition{
		{Command: "open", To: "a", Role: operator.Clerk, Sets: []Rule{{Deadline: "y", Days: func(w catalog.Workdays) int { return w.ObjectionReview }}}},
		{Command: "go", From: []State{"a"}, To: "b", Role: operator.Clerk, Sets: []Rule{{Deadline: "x", Days: func(w catalog.Workdays) int { return w.ProviderVerification }}}},
		{Command: "end", From: []State{"b", "d"}, To: "c", Role: operator.Reviewer, Meets: []string{"x"}},
		{Command: "end", From: []State{"b", "d"}, To: "d", Role: operator.Reviewer},
	},
}

func TestMachineTable(t *testing.T) {
	if err := test.Validate(); err != nil {
		t.Fatal(err)
	}
	if test.Role("end") != operator.Reviewer || len(test.From("end")) != 2 {
		t.Fatalf("role/from of end: %s %v", test.Role("end"), test.From("end"))
	}
	bad := *test
	bad.Table = append(append([]Transition{}, test.Table...), Transition{Command: "end", From: []State{"b"}, To: "c", Role: operator.Clerk})
	if bad.Validate() == nil {
		t.Error("rows of one command with different roles must not validate")
	}
	bad.Table = append(append([]Transition{}, test.Table...), Transition{Command: "go", From: []State{"a"}, To: "zz", Role: operator.Clerk})
	if bad.Validate() == nil {
		t.Error("an unknown state must not validate")
	}
}

func TestAllow(t *testing.T) {
	clerk := operator.Operator{Name: "bob", Role: operator.Clerk}
	if err := test.Allow("go", 3, "a", clerk); err != nil {
		t.Fatal(err)
	}
	err := test.Allow("go", 3, "c", clerk)
	if apperr.CodeOf(err) != apperr.Rule || !strings.Contains(apperr.MessageOf(err, "zh"), "测试 3 当前状态为“丙”，不能执行“走”") ||
		!strings.Contains(apperr.MessageOf(err, "en"), "test 3 is c: go is not allowed (only from a)") {
		t.Fatalf("wrong state: %v / %s", err, apperr.MessageOf(err, "en"))
	}
	if err := test.Allow("end", 3, "b", clerk); apperr.CodeOf(err) != apperr.Rule || !strings.Contains(err.Error(), "reviewer") {
		t.Fatalf("wrong role: %v", err)
	}
	if _, err := test.ParseState("zz"); apperr.CodeOf(err) != apperr.Usage {
		t.Fatalf("ParseState: %v", err)
	}
}

func dl(name, due string, met string) store.QueueDeadline {
	x := store.QueueDeadline{Name: name, Due: d(due)}
	if met != "" {
		x.MetOn = d(met)
	}
	return x
}

// Known answers from the 2025 State Council notice: 10-01…10-08 off, 09-28
// (Sun) and 10-11 (Sat) worked.
func TestStand(t *testing.T) {
	cal := workday.Default()
	ds := []store.QueueDeadline{dl("y", "2025-10-16", ""), dl("x", "2025-10-10", "")}
	cases := []struct {
		today  string
		state  State
		due    string
		left   int
		status workday.Status
	}{
		{"2025-09-26", "b", "2025-10-10", 5, workday.StatusOK},
		{"2025-09-30", "b", "2025-10-10", 2, workday.StatusDueSoon}, // 10-09, 10-10
		{"2025-10-10", "b", "2025-10-10", 0, workday.StatusDueSoon},
		{"2025-10-11", "b", "2025-10-10", -1, workday.StatusOverdue}, // a 调休 Saturday
		{"2025-10-12", "b", "2025-10-10", -1, workday.StatusOverdue}, // Sunday: no working day added
		{"2025-10-13", "b", "2025-10-10", -2, workday.StatusOverdue},
	}
	for _, c := range cases {
		s, err := test.Stand(cal, d(c.today), c.state, ds, 2)
		if err != nil {
			t.Fatal(err)
		}
		if s.Due == nil || s.Due.String() != c.due || *s.DaysLeft != c.left || s.Status != c.status || s.Deadline != "x" {
			t.Errorf("%s: %+v (left %v), want %s %d %s", c.today, s, s.DaysLeft, c.due, c.left, c.status)
		}
	}
	// Equal due dates: the machine's deadline order breaks the tie.
	tie := []store.QueueDeadline{dl("y", "2025-10-10", ""), dl("x", "2025-10-10", "")}
	if e, _ := test.Earliest(tie); e.Name != "x" {
		t.Errorf("tie: %s", e.Name)
	}
	// Met deadlines do not count; none open: ok without a due date.
	s, _ := test.Stand(cal, d("2025-10-13"), "d", []store.QueueDeadline{dl("x", "2025-10-10", "2025-10-09")}, 2)
	if s.Due != nil || s.DaysLeft != nil || s.Status != workday.StatusOK {
		t.Errorf("nothing open: %+v", s)
	}
	// Finished: done, on time only when every deadline was met by its due date.
	s, _ = test.Stand(cal, d("2025-10-20"), "c", []store.QueueDeadline{dl("x", "2025-10-10", "2025-10-10"), dl("y", "2025-10-16", "2025-10-13")}, 2)
	if s.Status != workday.StatusDone || !*s.OnTime {
		t.Errorf("done on time: %+v", s)
	}
	s, _ = test.Stand(cal, d("2025-10-20"), "c", []store.QueueDeadline{dl("x", "2025-10-10", "2025-10-11")}, 2)
	if s.Status != workday.StatusDone || *s.OnTime {
		t.Errorf("done late: %+v", s)
	}
}

func TestSortAndFilter(t *testing.T) {
	type item struct {
		id int64
		s  Standing
	}
	due := func(s string) *civil.Date { x := d(s); return &x }
	items := []item{
		{1, Standing{Status: workday.StatusDone}},
		{2, Standing{Due: due("2025-11-21"), Status: workday.StatusDueSoon}},
		{3, Standing{Status: workday.StatusOK}},
		{4, Standing{Due: due("2025-11-17"), Status: workday.StatusOverdue}},
		{5, Standing{Due: due("2025-11-21"), Status: workday.StatusDueSoon}},
	}
	Sort(items, func(i item) Standing { return i.s }, func(i item) int64 { return i.id })
	var got []int64
	for _, i := range items {
		got = append(got, i.id)
	}
	if want := []int64{4, 2, 5, 3, 1}; !equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	overdue, soon := items[0].s, items[1].s
	if !overdue.Matches(false, true) || overdue.Matches(true, false) || !soon.Matches(true, true) || !items[4].s.Matches(false, false) {
		t.Error("filters")
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLatestDue(t *testing.T) {
	ds := []store.QueueDeadline{dl("x", "2025-10-10", "2025-10-09"), dl("y", "2025-10-16", ""), dl("x", "2025-11-12", "")}
	if x := LatestDue(ds, "x"); x == nil || x.String() != "2025-11-12" {
		t.Errorf("latest x: %v", x)
	}
	if LatestDue(ds, "z") != nil {
		t.Error("none set")
	}
}

// A step may not be dated before the case's latest step, nor before the day
// the case began; the same day is in order. The message names the date.
func TestInOrder(t *testing.T) {
	m := *test
	m.OpenedZh, m.OpenedEn = "收到日期", "receipt date"
	dates := store.QueueDates{Opened: d("2026-11-18"), Last: d("2026-11-20"), LastCommand: "go"}
	for _, today := range []string{"2026-11-20", "2026-11-23"} {
		if err := m.InOrder(7, "end", d(today), dates); err != nil {
			t.Errorf("%s: %v", today, err)
		}
	}
	err := m.InOrder(7, "end", d("2025-01-06"), dates)
	if apperr.CodeOf(err) != apperr.Rule ||
		!strings.Contains(apperr.MessageOf(err, "zh"), "测试 7 的上一步“走”办理日期为 2026-11-20，不能以更早的日期 2025-01-06 办理“结”") ||
		!strings.Contains(apperr.MessageOf(err, "en"), "its last step (go) is dated 2026-11-20") {
		t.Fatalf("before the last step: %v / %s", err, apperr.MessageOf(err, "en"))
	}
	// The day before the last step is refused too, though after the opening day.
	if err := m.InOrder(7, "end", d("2026-11-19"), dates); apperr.CodeOf(err) != apperr.Rule {
		t.Fatalf("a day early: %v", err)
	}
	// No step yet (or steps before the opening day, from an old store): the opening day bounds.
	for _, ds := range []store.QueueDates{{Opened: d("2026-11-18")}, {Opened: d("2026-11-18"), Last: d("2026-11-01"), LastCommand: "go"}} {
		err = m.InOrder(7, "go", d("2026-11-17"), ds)
		if apperr.CodeOf(err) != apperr.Rule || !strings.Contains(apperr.MessageOf(err, "zh"), "测试 7 的收到日期为 2026-11-18，不能以更早的日期 2026-11-17 办理“走”") {
			t.Fatalf("before the opening day: %v", err)
		}
		if err := m.InOrder(7, "go", d("2026-11-18"), ds); err != nil {
			t.Fatalf("on the opening day: %v", err)
		}
	}
	if err := m.InOrder(7, "go", d("2020-01-01"), store.QueueDates{}); err != nil {
		t.Fatalf("no dates: %v", err)
	}
}

// TestActions: the steps a state allows, each allowed or refused with the
// rule that refuses it — the role, the date order, a guard — and the same
// guard refusing in Run.
func TestActions(t *testing.T) {
	m := *test
	m.Facts = func(*store.Tx, int64) (any, error) { return false, nil }
	m.Commands = append([]Command{}, test.Commands...)
	m.Commands[2].Article = "第三十二条"
	m.Commands[2].Guards = []Guard{{From: []State{"d"}, Article: "本办公室规则（服务第三十二条）", Refuse: func(id int64, f any, _ civil.Date) error {
		if f.(bool) {
			return nil
		}
		return apperr.Newf(apperr.Rule, "测试 %d 不能结", "test %d cannot end", id)
	}}}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	clerk := operator.Operator{Name: "bob", Role: operator.Clerk}
	rev := operator.Operator{Name: "ann", Role: operator.Reviewer}
	today := d("2026-11-20")
	// From a: only go, allowed for a clerk.
	got := m.Actions("a", clerk, today, Case{ID: 7})
	if len(got) != 1 || got[0].Command != "go" || !got[0].Allowed || got[0].Label != "走" || len(got[0].To) != 1 || got[0].To[0] != "b" {
		t.Fatalf("from a: %+v", got)
	}
	// From b: end, refused for a clerk by the role, allowed for a reviewer (the guard is for d only).
	got = m.Actions("b", clerk, today, Case{ID: 7})
	if len(got) != 1 || got[0].Allowed || !strings.Contains(got[0].ReasonZh, "需要 reviewer") || got[0].Article != "第三十二条" {
		t.Fatalf("from b as clerk: %+v", got)
	}
	if got = m.Actions("b", rev, today, Case{ID: 7}); !got[0].Allowed || len(got[0].To) != 2 {
		t.Fatalf("from b as reviewer: %+v", got)
	}
	// From d: the guard refuses unless the facts say so, naming its rule.
	got = m.Actions("d", rev, today, Case{ID: 7, Facts: false})
	if got[0].Allowed || got[0].Reason("zh") != "测试 7 不能结" || got[0].Reason("en") != "test 7 cannot end" || got[0].Article != "本办公室规则（服务第三十二条）" {
		t.Fatalf("from d, guard: %+v", got)
	}
	if got = m.Actions("d", rev, today, Case{ID: 7, Facts: true}); !got[0].Allowed {
		t.Fatalf("from d, guard met: %+v", got)
	}
	// A step dated before the last one is refused, as Run refuses it.
	got = m.Actions("d", rev, d("2026-11-19"), Case{ID: 7, Facts: true, Dates: store.QueueDates{Opened: d("2026-11-18"), Last: d("2026-11-20"), LastCommand: "go"}})
	if got[0].Allowed || !strings.Contains(got[0].ReasonZh, "各步骤须按时间先后办理") {
		t.Fatalf("date order: %+v", got)
	}
	// Finished states with no way out offer nothing.
	if got = m.Actions("c", rev, today, Case{ID: 7}); len(got) != 0 {
		t.Fatalf("from c: %+v", got)
	}
	// A guard without Facts is a bad table.
	bad := m
	bad.Facts = nil
	if bad.Validate() == nil {
		t.Error("guards without Facts must not validate")
	}
}

// TestDiagram: the Mermaid diagram has every row of the table as an arrow,
// labelled with the command, role, deadline and article.
func TestDiagram(t *testing.T) {
	m := *test
	m.Commands = append([]Command{}, test.Commands...)
	m.Commands[1].Article = "第三十二条"
	got := m.Diagram("zh")
	for _, want := range []string{
		"```mermaid\nstateDiagram-v2\n",
		"    a: 甲\n",
		"    [*] --> a: open · 开 · 经办 · 乙期限 10 个工作日\n",
		"    a --> b: go · 走 · 经办 · 甲期限 5 个工作日 · 第三十二条\n",
		"    b --> c: end · 结 · 审核\n",
		"    d --> c: end · 结 · 审核\n",
		"    d --> d: end · 结 · 审核\n",
		"    c --> [*]\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("diagram lacks %q:\n%s", want, got)
		}
	}
	if en := m.Diagram("en"); !strings.Contains(en, "a --> b: go · clerk · sets x_due +5 wd · 第三十二条") {
		t.Errorf("english diagram:\n%s", en)
	}
}

// TestSeparationOfDuties: a command may name earlier commands whose operator
// may not take it (NotBy); Actions (and Run, through the same check) refuse
// it to that operator, or to an administrator who acted for them, and allow
// it to anyone else.
func TestSeparationOfDuties(t *testing.T) {
	m := *test
	m.Commands = append([]Command{}, test.Commands...)
	m.Commands[2].NotBy = []string{"go"}
	m.Commands[2].Article = "本办公室规则（服务第四条）"
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	ann := operator.Operator{Name: "ann", Role: operator.Reviewer}
	eve := operator.Operator{Name: "eve", Role: operator.Reviewer}
	today := d("2026-11-20")
	c := Case{ID: 3, Dates: store.QueueDates{Opened: d("2026-11-02"), Last: d("2026-11-03"), LastCommand: "go",
		By: map[string][]string{"open": {"bob"}, "go": {"ann"}}}}
	got := m.Actions("b", ann, today, c)
	if len(got) != 1 || got[0].Allowed || !strings.Contains(got[0].ReasonZh, "ann 已在本案办理“走”，不能再办理“结”") {
		t.Fatalf("ann, who took go: %+v", got)
	}
	if got := m.Actions("b", eve, today, c); len(got) != 1 || !got[0].Allowed {
		t.Fatalf("eve, who took no step: %+v", got)
	}
	if err := m.separate("end", c.Dates, "eve", "ann"); err == nil {
		t.Error("an administrator (ann) acting for eve is refused too")
	}
	bad := m
	bad.Commands = append([]Command{}, m.Commands...)
	bad.Commands[2].NotBy = []string{"nope"}
	if bad.Validate() == nil {
		t.Error("NotBy naming no command must not validate")
	}
}
