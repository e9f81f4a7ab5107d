package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"credit/internal/apperr"
	"credit/internal/operator"
	"credit/internal/report"
	"credit/internal/store"
)

// The 报表 view: a month (←/→ to change it) with its joint reward and
// sanction cases and the providers' 红/黄/绿 lights, and e to export the
// monthly reports to a file — internal/report exactly as `credit report
// sanctions` and `credit report collection` write them, saying where the
// file went.
type reports struct {
	month   report.Month
	ready   bool
	coll    *report.CollectionJSON
	cases   int
	rewards int
	written [][]string // this session's exports: report, month, file
	page    pager
}

func newReports() screen { return &reports{} }

func keyPrevMonth(m *Model) key.Binding {
	return m.bind([]string{"left", "h"}, "←", "上月", "previous month")
}

func keyNextMonth(m *Model) key.Binding {
	return m.bind([]string{"right", "l"}, "→", "下月", "next month")
}

// Report kinds.
const (
	reportSanctions  = "sanctions"
	reportCollection = "collection"
)

var reportNames = map[string][2]string{reportSanctions: {"联合奖惩案例月报", "Joint sanctions and rewards monthly"},
	reportCollection: {"归集和应用情况报告", "Collection and use report"}}

// reportName is a report's name in the clerk's language.
func (m *Model) reportName(kind string) string {
	return m.T(reportNames[kind][0], reportNames[kind][1])
}

func (r *reports) load(m *Model) tea.Cmd {
	if r.month.Year == 0 { // the last whole month
		r.month = report.MonthOf(m.svc.Today.AddDays(-m.svc.Today.Day))
	}
	mo := r.month
	return m.fetch(func(ctx context.Context) (func(*Model) tea.Cmd, error) {
		cat, _, err := m.svc.Store.CatalogInForce(ctx, m.svc.Today)
		if err != nil {
			return nil, err
		}
		js, err := report.CollectionData(ctx, m.svc.Store, cat, mo, m.svc.Today, "")
		if err != nil {
			return nil, err
		}
		cases, rewards := 0, 0
		if m.svc.Op.Role.Includes(operator.Clerk) {
			err = m.svc.Store.MeasureCases(ctx, store.CaseFilter{From: mo.First().String(), To: mo.Last().String()}, func(c *store.MeasureCaseRow) error {
				cases++
				if c.Kind == "reward" {
					rewards++
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
		return func(m *Model) tea.Cmd {
			if mo != r.month {
				return nil
			}
			r.coll, r.cases, r.rewards, r.ready = js, cases, rewards, true
			return nil
		}, nil
	})
}

func (r *reports) typing() bool       { return false }
func (r *reports) back(m *Model) bool { return false }

func (r *reports) key(m *Model, k tea.KeyPressMsg) (tea.Cmd, bool) {
	switch {
	case key.Matches(k, keyPrevMonth(m)):
		r.month = report.MonthOf(r.month.First().AddDays(-1))
		return r.load(m), true
	case key.Matches(k, keyNextMonth(m)):
		r.month = report.MonthOf(r.month.Last().AddDays(1))
		return r.load(m), true
	case key.Matches(k, m.keys.Export):
		return m.start(r.export(m)), true
	}
	return nil, m.scrollKey(&r.page, k)
}

func (r *reports) keys(m *Model) []key.Binding {
	return []key.Binding{m.keys.Export, keyPrevMonth(m), keyNextMonth(m), m.keys.Down, m.keys.Up, m.keys.Refresh}
}

func (r *reports) crumb(m *Model) string {
	return m.T(fmt.Sprintf("报表 · %s · ←/→ 换月，e 导出", r.month), fmt.Sprintf("Reports · %s · ←/→ month, e export", r.month))
}

func (r *reports) body(m *Model, w, h int) []string {
	if !r.ready {
		return []string{"", m.T("  正在读取…", "  Reading…")}
	}
	return r.page.renderSet(r.lines(m, w), h)
}

func (r *reports) lines(m *Model, w int) []string {
	s := m.st
	js := r.coll
	out := []string{""}
	cases := m.T(fmt.Sprintf("%d 件（激励 %d，惩戒 %d）", r.cases, r.rewards, r.cases-r.rewards),
		fmt.Sprintf("%d (rewards %d, sanctions %d)", r.cases, r.rewards, r.cases-r.rewards))
	if !m.svc.Op.Role.Includes(operator.Clerk) {
		cases = m.T("（需要经办角色）", "(needs the clerk role)")
	}
	out = append(out, kv(s, [][2]string{{m.T("月份", "Month"), m.T(fmt.Sprintf("%s（%s 至 %s）", js.Month, js.From, js.To), fmt.Sprintf("%s (%s to %s)", js.Month, js.From, js.To))},
		{m.T("联合奖惩案例", "Joint cases"), cases},
		{m.T("考核灯", "Light"), m.T(fmt.Sprintf("%s（截至 %s，取各信息提供单位中最差的）", report.LightLabel(js.Light, "zh"), js.AsOf),
			fmt.Sprintf("%s (as of %s, the worst of the providers')", report.LightLabel(js.Light, "en"), js.AsOf))}}, w)...)
	out = append(out, "", s.Title.Render(m.T("  信息提供单位", "  Providers")))
	var rows [][]string
	for _, p := range js.Providers {
		rows = append(rows, []string{orCode(p.ProviderName, p.Provider), p.Item, strconv.Itoa(p.Batches), strconv.FormatInt(p.Rows, 10),
			report.Percent(p.RejectRate), strconv.Itoa(p.DaysLate), strconv.Itoa(p.LateListReports), strconv.Itoa(p.ObjectionsUpheld), m.lightText(p.Light)})
	}
	g := grid(s, []string{m.T("信息提供单位", "Provider"), m.T("信息项", "Item"), m.T("批次", "Batches"), m.T("行数", "Rows"), m.T("拒收率", "Rejected"),
		m.T("逾期天数", "Days late"), m.T("迟报名单", "Late lists"), m.T("异议成立", "Upheld"), m.T("考核灯", "Light")}, rows, w)
	for i, p := range js.Providers {
		g[i+1] = r.lightStyle(m, p.Light).Render(g[i+1])
	}
	out = append(out, g...)
	if len(js.Units) > 0 {
		out = append(out, "", s.Title.Render(m.T("  信息使用单位", "  User units")))
		rows = nil
		for _, u := range js.Units {
			rows = append(rows, []string{orCode(u.UnitName, u.Unit), strconv.Itoa(u.Queries), strconv.Itoa(u.Checks), strconv.Itoa(u.Exports), strconv.Itoa(u.Cases)})
		}
		out = append(out, grid(s, []string{m.T("信息使用单位", "User unit"), m.T("查询", "Lookups"), m.T("信用审查", "Checks"), m.T("批量导出", "Exports"), m.T("案例", "Cases")}, rows, w)...)
	}
	if len(r.written) > 0 {
		out = append(out, "", s.Title.Render(m.T("  本次导出的文件", "  Files written this session")))
		out = append(out, grid(s, []string{m.T("报表", "Report"), m.T("月份", "Month"), m.T("文件", "File")}, r.written, w)...)
	}
	return out
}

// lightText is a light in words, marked so it reads without colour too.
func (m *Model) lightText(l string) string {
	switch l {
	case report.Red:
		return "● " + report.LightLabel(l, m.svc.Lang)
	case report.Yellow:
		return "◐ " + report.LightLabel(l, m.svc.Lang)
	}
	return "○ " + report.LightLabel(l, m.svc.Lang)
}

func (r *reports) lightStyle(m *Model, l string) lipgloss.Style {
	switch l {
	case report.Red:
		return m.st.Overdue
	case report.Yellow:
		return m.st.Warn
	}
	return m.st.OK
}

// export writes a monthly report: which one, the month, the file.
func (r *reports) export(m *Model) *action {
	kind, month, path := reportSanctions, r.month.String(), ""
	var abs string
	var mo report.Month
	written := false
	a := &action{title: m.T("报表 · 导出月报", "Reports · export a monthly report")}
	a.input = func() *huh.Form {
		return huh.NewForm(huh.NewGroup(
			huh.NewSelect[string]().Title(m.T("报表", "Report")).Options(huh.NewOption(m.T("联合奖惩案例月报（第二十八条）", "Joint sanctions and rewards monthly (article 28)"), reportSanctions),
				huh.NewOption(m.T("归集和应用情况报告（含考核灯）", "Collection and use report (with the lights)"), reportCollection)).Value(&kind),
			input(m.T("月份（YYYY-MM）", "Month (YYYY-MM)"), &month).Validate(func(s string) error {
				if _, err := report.ParseMonth(strings.TrimSpace(s)); err != nil {
					return errors.New(apperr.MessageOf(err, m.svc.Lang))
				}
				return nil
			}),
			input(m.T("文件（.xlsx、.csv、.md 或 .json；留空：当前目录下的 .xlsx）", "File (.xlsx, .csv, .md or .json; empty: an .xlsx in the current folder)"), &path),
		))
	}
	a.prepare = func(ctx context.Context) (string, error) {
		var err error
		if mo, err = report.ParseMonth(strings.TrimSpace(month)); err != nil {
			return "", err
		}
		p := strings.TrimSpace(path)
		if p == "" {
			p = fmt.Sprintf("%s_%04d%02d.xlsx", reportNames[kind][0], mo.Year, int(mo.Month))
		}
		if !report.SupportedExt(p) {
			return "", apperr.Newf(apperr.Usage, "%s：不支持的文件类型，请用 .xlsx、.csv、.md 或 .json", "%s: unsupported file type; use .xlsx, .csv, .md or .json", p)
		}
		if abs, err = filepath.Abs(p); err != nil {
			return "", err
		}
		need := operator.Viewer
		if kind == reportSanctions {
			need = operator.Clerk // subjects' codes and names in full: office staff only
		}
		if err := m.svc.Op.Require(need); err != nil {
			return "", err
		}
		lines := []string{m.T(fmt.Sprintf("导出 %s %s", mo, m.reportName(kind)), fmt.Sprintf("Export %s %s", mo, m.reportName(kind))), m.T("写入 ", "Write ") + abs}
		if _, err := os.Stat(abs); err == nil {
			lines = append(lines, m.T("该文件已存在，将被覆盖。", "The file exists and will be overwritten."))
		}
		return strings.Join(lines, "\n"), nil
	}
	a.run = func(ctx context.Context) (string, error) {
		var doc *report.Doc
		var err error
		switch kind {
		case reportSanctions:
			actor, err := m.svc.Reader()
			if err != nil {
				return "", err
			}
			if doc, err = report.Sanctions(ctx, m.svc.Store, mo, m.svc.Lang, strings.EqualFold(filepath.Ext(abs), ".json")); err != nil {
				return "", err
			}
			// Logged as `credit report sanctions` logs it.
			if _, err := m.svc.Store.LogQuery(ctx, actor, store.QueryEntry{Action: "report", Scope: "office", Purpose: "联合奖惩案例月报",
				Query: "sanctions " + mo.String()}); err != nil {
				return "", err
			}
		default:
			cat, _, cerr := m.svc.Store.CatalogInForce(ctx, m.svc.Today)
			if cerr != nil {
				return "", cerr
			}
			if doc, err = report.Collection(ctx, m.svc.Store, cat, mo, m.svc.Today, m.svc.Lang); err != nil {
				return "", err
			}
		}
		if err := doc.WriteFile(abs, m.svc.Lang); err != nil {
			return "", apperr.Wrap(err, apperr.Internal, "无法写入 "+abs, "cannot write "+abs)
		}
		written = true
		return m.T(fmt.Sprintf("已写入 %s（%s %s）", abs, mo, m.reportName(kind)), fmt.Sprintf("Wrote %s (%s %s)", abs, mo, m.reportName(kind))), nil
	}
	a.after = func(m *Model) {
		if written {
			r.written = append(r.written, []string{m.reportName(kind), mo.String(), abs})

		}
	}
	return a
}
