package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"credit/internal/civil"
	"credit/internal/objection"
	"credit/internal/operator"
	"credit/internal/queue"
	"credit/internal/workday"
)

// bigQueue is a TUI whose objection queue holds n cases (no store needed:
// the rows are what objection.List would return).
func bigQueue(n int) *Model {
	today := civil.MustParse("2025-12-01")
	m := New(Services{Cal: workday.Default(), Today: today, Op: operator.Operator{Name: "alice", Role: operator.Admin}}, Options{})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	rows := make([]caseRow, n)
	statuses := []workday.Status{workday.StatusOverdue, workday.StatusDueSoon, workday.StatusOK}
	for i := range rows {
		due := today.AddDays(i%30 - 10)
		left := i%30 - 10
		rows[i] = caseRow{ID: int64(i + 1), Record: int64(i*7 + 1), Item: "XZCF", Subject: fmt.Sprintf("91320602MA%08d", i),
			State: objection.Received, StateLabel: "已受理", Standing: queue.Standing{Due: &due, Deadline: objection.DeadlineReview, DaysLeft: &left, Status: statuses[i%3]}}
	}
	q := m.screens[tabObjections].(*queueScreen)
	q.setRows(m, rows)
	m.tab = tabObjections
	m.loaded[tabObjections] = true
	return m
}

// A page of a 100,000-case queue asks for the cells of the rows on screen
// only, however far down the cursor is.
func TestQueueRendersOnlyVisibleRows(t *testing.T) {
	m := bigQueue(100_000)
	q := m.screens[tabObjections].(*queueScreen)
	for _, k := range []string{"G", "g", "pgdown"} {
		var msg tea.KeyPressMsg
		if k == "pgdown" {
			msg = tea.KeyPressMsg{Code: tea.KeyPgDown}
		} else {
			msg = tea.KeyPressMsg{Code: rune(k[0]), Text: k}
		}
		m.Update(msg)
		asked := 0
		lines := q.l.render(m.st, 100, 26, func(src int) []string { asked++; return m.caseCells(q.mc, q.rows[q.order[src]]) }, nil)
		if asked > 25 || len(lines) != 26 {
			t.Fatalf("after %s: %d rows drawn for a 25-row page (%d lines)", k, asked, len(lines))
		}
	}
	if !strings.Contains(m.render(), "100000/100000") && !strings.Contains(m.render(), "/100000") {
		t.Fatalf("the crumb should count 100000 cases:\n%s", m.render())
	}
}

// BenchmarkQueuePage100k draws one page of a 100,000-case queue after
// moving the cursor a page down (what each keypress costs).
func BenchmarkQueuePage100k(b *testing.B) {
	m := bigQueue(100_000)
	down := tea.KeyPressMsg{Code: tea.KeyPgDown}
	top := tea.KeyPressMsg{Code: 'g', Text: "g"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%1000 == 999 {
			m.Update(top)
		}
		m.Update(down)
		_ = m.View()
	}
}

// BenchmarkQueueFilter100k filters a 100,000-case queue by one typed key.
func BenchmarkQueueFilter100k(b *testing.B) {
	m := bigQueue(100_000)
	q := m.screens[tabObjections].(*queueScreen)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q.l.setFilter(fmt.Sprint(i % 10))
		_ = m.View()
	}
}
