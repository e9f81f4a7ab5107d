package tui

import (
	"context"
	"fmt"
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"credit/internal/objection"
	"credit/internal/queue"
	"credit/internal/repair"
	"credit/internal/report"
	"credit/internal/store"
	"credit/internal/workday"
)

// The 概览 view: today and whether it is a working day, the two queues with
// their overdue and due-soon counts, and the latest import batches.
type overview struct {
	ready   bool
	day     string
	obj     counts
	rep     counts
	batches []store.BatchInfo
	lights  *report.CollectionJSON
}

// counts are a queue's cases by status on today.
type counts struct {
	open, overdue, dueSoon, ok, done int
	next                             string // the earliest due date among open cases
}

func newOverview() *overview { return &overview{} }

func count(ss []queue.Standing) counts {
	var c counts
	for _, s := range ss {
		switch s.Status {
		case workday.StatusDone:
			c.done++
			continue
		case workday.StatusOverdue:
			c.overdue++
		case workday.StatusDueSoon:
			c.dueSoon++
		default:
			c.ok++
		}
		c.open++
		if s.Due != nil && (c.next == "" || s.Due.String() < c.next) {
			c.next = s.Due.String()
		}
	}
	return c
}

func (o *overview) load(m *Model) tea.Cmd {
	return m.fetch(func(ctx context.Context) (func(*Model) tea.Cmd, error) {
		svc := m.svc
		day := svc.Today.String() + " " + m.weekday(svc.Today)
		if info, err := svc.Cal.DayInfo(svc.Today); err == nil {
			day += " · " + m.dayKind(info)
		} else {
			day += m.T(" · 工作日历中没有这一年（credit calendar load）", " · the working-day calendar lacks this year (credit calendar load)")
		}
		obs, err := objection.List(ctx, svc.Store, svc.Cal, svc.Today, objection.Filter{}, svc.Lang)
		if err != nil {
			return nil, err
		}
		reps, err := repair.List(ctx, svc.Store, svc.Cal, svc.Today, repair.Filter{}, svc.Lang)
		if err != nil {
			return nil, err
		}
		bs, err := svc.Store.Batches(ctx, store.BatchFilter{Limit: 8})
		if err != nil {
			return nil, err
		}
		// The providers' lights of this month so far (第五条), as
		// `credit provider show` and the collection report compute them.
		cat, _, err := svc.Store.CatalogInForce(ctx, svc.Today)
		if err != nil {
			return nil, err
		}
		lights, err := report.CollectionData(ctx, svc.Store, cat, report.MonthOf(svc.Today), svc.Today, "")
		if err != nil {
			return nil, err
		}
		os := make([]queue.Standing, len(obs))
		for i, e := range obs {
			os[i] = e.Standing
		}
		rs := make([]queue.Standing, len(reps))
		for i, e := range reps {
			rs[i] = e.Standing
		}
		oc, rc := count(os), count(rs)
		return func(m *Model) tea.Cmd {
			o.ready, o.day, o.obj, o.rep, o.batches, o.lights = true, day, oc, rc, bs, lights
			return nil
		}, nil
	})
}

func (o *overview) key(m *Model, k tea.KeyPressMsg) (tea.Cmd, bool) { return nil, false }
func (o *overview) typing() bool                                    { return false }
func (o *overview) back(m *Model) bool                              { return false }
func (o *overview) crumb(m *Model) string {
	return m.T("概览 · 今天要办的事", "Overview · today's work")
}

func (o *overview) keys(m *Model) []key.Binding {
	return []key.Binding{m.keys.Views[tabObjections], m.keys.Views[tabRepairs], m.keys.Views[tabArchive], m.keys.Views[tabBatches],
		m.keys.Views[tabReports], m.keys.Refresh}
}

func (o *overview) body(m *Model, w, h int) []string {
	if !o.ready {
		return []string{"", m.T("  正在读取…", "  Reading…")}
	}
	s := m.st
	out := []string{"", "  " + s.Bold.Render(m.T("今天 ", "Today ")) + o.day, "  " + s.Bold.Render(m.T("操作员 ", "Operator ")) + m.opLabel(), ""}
	out = append(out, s.Title.Render(m.T("  办理队列", "  Queues")))
	row := func(name string, c counts) []string {
		return []string{name, fmt.Sprint(c.open), fmt.Sprint(c.overdue), fmt.Sprint(c.dueSoon), fmt.Sprint(c.ok), fmt.Sprint(c.done), c.next}
	}
	q := grid(s, []string{m.T("队列", "Queue"), m.T("未办结", "Open"), m.T("已超期", "Overdue"), m.T("即将到期", "Due soon"),
		m.T("正常", "On time"), m.T("已办结", "Done"), m.T("最早到期", "Next due")},
		[][]string{row(m.T("3 异议", "3 Objections"), o.obj), row(m.T("4 信用修复", "4 Credit repairs"), o.rep)}, w)
	// Colour the counts that need attention (the numbers say it without colour too).
	for i, c := range []counts{o.obj, o.rep} {
		if c.overdue > 0 {
			q[i+1] = s.Overdue.Render(q[i+1])
		} else if c.dueSoon > 0 {
			q[i+1] = s.Warn.Render(q[i+1])
		}
	}
	out = append(out, q...)
	if o.obj.overdue+o.rep.overdue > 0 {
		n := o.obj.overdue + o.rep.overdue
		out = append(out, "  "+s.Overdue.Render(m.T(fmt.Sprintf("！有 %d 件已超期，请先办理（按 3 或 4 进入队列）", n),
			fmt.Sprintf("! %d overdue: deal with them first (press 3 or 4 for the queue)", n))))
	}
	out = append(out, o.lightLines(m, w)...)
	out = append(out, "", s.Title.Render(m.T("  最近的归集批次", "  Latest import batches")))
	if len(o.batches) == 0 {
		out = append(out, m.T("  （还没有导入过文件）", "  (no file imported yet)"))
		return out
	}
	var rows [][]string
	room := max(1, h-len(out)-1) // the batches that fit
	for _, b := range o.batches[:min(len(o.batches), room)] {
		rows = append(rows, []string{fmt.Sprint(b.ID), b.Today, b.Item, m.batchStateLabel(b.State), fmt.Sprint(b.Rows), fmt.Sprint(b.Accepted),
			fmt.Sprint(b.Rejected), b.FileName})
	}
	out = append(out, grid(s, []string{m.T("批次", "Batch"), m.T("业务日期", "Date"), m.T("信息项", "Item"), m.T("状态", "State"),
		m.T("读取", "Read"), m.T("新增", "Added"), m.T("拒收", "Rejected"), m.T("文件", "File")}, rows, w)...)
	return out
}

// lightLines are the providers' lights this month: the counts, and the
// providers that are not green.
func (o *overview) lightLines(m *Model, w int) []string {
	js := o.lights
	if js == nil || len(js.Providers) == 0 {
		return nil
	}
	n := map[string]int{}
	var rows [][]string
	var lights []string
	for _, p := range js.Providers {
		n[p.Light]++
		if p.Light != report.Green {
			rows = append(rows, []string{orCode(p.ProviderName, p.Provider), p.Item, m.lightText(p.Light), report.Percent(p.RejectRate), strconv.Itoa(p.DaysLate),
				strconv.Itoa(p.LateListReports)})
			lights = append(lights, p.Light)
		}
	}
	s := m.st
	out := []string{"", s.Title.Render(m.T(fmt.Sprintf("  信息提供单位考核灯（%s，截至 %s）", js.Month, js.AsOf),
		fmt.Sprintf("  Providers' lights (%s, as of %s)", js.Month, js.AsOf))),
		m.T(fmt.Sprintf("  红灯 %d · 黄灯 %d · 绿灯 %d（按 7 查看报表）", n[report.Red], n[report.Yellow], n[report.Green]),
			fmt.Sprintf("  red %d · yellow %d · green %d (press 7 for the report)", n[report.Red], n[report.Yellow], n[report.Green]))}
	if len(rows) > 0 {
		g := grid(s, []string{m.T("信息提供单位", "Provider"), m.T("信息项", "Item"), m.T("考核灯", "Light"), m.T("拒收率", "Rejected"),
			m.T("逾期天数", "Days late"), m.T("迟报名单", "Late lists")}, rows[:min(len(rows), 4)], w)

		for i := range lights[:min(len(lights), 4)] {
			st := s.Warn
			if lights[i] == report.Red {
				st = s.Overdue
			}
			g[i+1] = st.Render(g[i+1])
		}
		out = append(out, g...)
	}
	return out
}
