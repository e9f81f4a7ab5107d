package tui_test

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// Every view at 100×30 without colour, driven by keys as a clerk would.
func TestViews(t *testing.T) {
	d := newDriver(t, fixture(t), 100, 30)
	d.golden("overview")
	d.keys("?").golden("overview_help").keys("?")

	// 异议: the queue by due date, a detail, the filter, the sort.
	d.keys("3").golden("objections_list")
	d.keys("j", "enter").golden("objection_detail")
	d.keys("q").keys("/", "已受理").golden("objections_filter_typing")
	d.keys("enter").golden("objections_filtered")
	d.keys("s").golden("objections_filtered_by_id")
	d.keys("?").golden("objections_help").keys("esc")

	// Filters and sort are kept per view while switching.
	d.keys("4").golden("repairs_list")
	d.keys("G", "enter").golden("repair_detail").keys("esc")
	d.keys("3").contains("过滤：已受理", "按编号排序")
	d.keys("esc").contains("按编号排序").keys("s", "s")

	// 档案: search, results, the archive grouped, a record with its history.
	d.keys("2").golden("archive_start")
	d.keys("/", "有限").golden("archive_search_typing")
	d.keys("enter").golden("archive_results")
	d.keys("enter").golden("archive_subject")
	d.keys("enter").golden("archive_record")
	d.keys("G").golden("archive_record_history")
	d.keys("q", "q", "/", personID, "enter").golden("archive_person")

	// 归集: batches, a batch's rejects, one rejected row.
	d.keys("5").golden("batches")
	d.keys("enter").golden("batch_rejects")
	d.keys("?").golden("batch_rejects_help").keys("esc")
	d.keys("enter").golden("batch_reject_row")
	d.keys("q", "q")

	// 名单与案例: the entries, one entry, the cases, one case.
	d.keys("6").golden("rosters")
	d.keys("G", "?").golden("rosters_help").keys("esc", "g") // on the pending entry: a 批准/驳回
	d.keys("enter").golden("roster_entry")
	d.keys("esc", "v").golden("cases")
	d.keys("enter").golden("case_detail")
	d.keys("esc", "v")

	// 报表: last month's cases and lights; ← goes a month back.
	d.keys("tab").golden("reports")
	d.keys("left").golden("reports_october")
	d.keys("tab").contains("[1 概览]")
	d.keys("shift+tab").contains("[7 报表]")
}

// The subject screen (office scope) shows the subject's list entries and
// the open objections and repairs on its records, as `credit subject show
// --scope office` prints them, above the records.
func TestArchiveStanding(t *testing.T) {
	db := fixture(t)
	d := newDriver(t, db, 100, 30)
	d.keys("2", "/", "通州食品", "enter").golden("archive_subject_standing")
	d.keys("f", "崇川房地产", "enter").golden("archive_subject_black_repair")
	d.keys("f", "海安家纺", "enter").golden("archive_subject_nothing_open")
	out := credit(t, db, 0, "subject", "show", usccOf("91320602MA0000011"), "--scope", "office", "--purpose", "核对", "--today", today)
	for _, x := range []string{"M1", "拖欠农民工工资失信联合惩戒对象名单", "信用修复"} {
		if !strings.Contains(out, x) {
			t.Fatalf("credit subject show lacks %q:\n%s", x, out)
		}
	}
	d.keys("f", "崇川房地产", "enter").contains("M1", "拖欠农民工工资失信", "信用修复")
	// On a short screen the head shows fewer cases and says where the rest are;
	// the records stay in sight.
	small := newDriver(t, db, 80, 20)
	small.keys("2", "/", personID, "enter").golden("small_archive_person")
}

// 80×24 must work: optional columns give way, Chinese stays aligned.
func TestSmallTerminal(t *testing.T) {
	d := newDriver(t, fixture(t), 80, 24)
	d.golden("small_overview")
	d.keys("3").golden("small_objections")
	d.keys("4").golden("small_repairs")
	d.keys("3", "enter").golden("small_objection_detail")
	d.keys("pgdown").golden("small_objection_detail_scrolled")
	// Redraw on resize.
	d.send(tea.WindowSizeMsg{Width: 120, Height: 20})
	d.golden("resized_objection_detail")
}

// q goes back, then quits at the top; ctrl+c always quits.
func TestQuit(t *testing.T) {
	d := newDriver(t, fixture(t), 100, 30)
	d.keys("3", "enter")
	if _, cmd := d.m.Update(tea.KeyPressMsg{Code: 'q', Text: "q"}); cmd != nil {
		t.Fatal("q in a detail should go back, not quit")
	}
	if _, cmd := d.m.Update(tea.KeyPressMsg{Code: 'q', Text: "q"}); cmd == nil || cmd() != tea.Quit() {
		t.Fatal("q at the top should quit")
	}
	d.keys("3", "enter", "a")
	if _, cmd := d.m.Update(named["ctrl+c"]); cmd == nil || cmd() != tea.Quit() {
		t.Fatal("ctrl+c should quit even inside a form")
	}
}

// At 80×24 the objection form scrolls to the field being filled.
func TestSmallTerminalForm(t *testing.T) {
	d := newDriver(t, fixture(t), 80, 24)
	d.keys("3", "n").golden("small_objection_file_form")
	d.keys("12", "enter", "enter", "海安家纺有限公司", "enter", "enter", "enter", "enter", "enter").golden("small_objection_file_form_end")
	d.keys("enter").golden("small_objection_file_confirm")
}

// credit tui needs a terminal: in a pipe it says so (exit 2).
func TestTUINeedsTerminal(t *testing.T) {
	db := fixture(t)
	credit(t, db, 2, "tui")
}
