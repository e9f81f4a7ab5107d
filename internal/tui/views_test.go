package tui_test

import (
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
	d.keys("enter").golden("batch_reject_row")
	d.keys("q", "q")

	// 名单与案例: the entries, one entry, the cases, one case.
	d.keys("6").golden("rosters")
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
