package tui

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"credit/internal/archive"
	"credit/internal/catalog"
	"credit/internal/clock"
	"credit/internal/roster"
)

// lookupPurpose is the purpose written to the query log for the TUI's looks.
const lookupPurpose = "终端界面查询"

// The 档案 view: search by name or code → the archive in the office scope
// (the subject's list entries, the open objections and repairs on its
// records, as `credit subject show --scope office` prints them, then the
// records grouped by category with their states and marks) → a record's
// fields and revision history. Every look is the service's, logged.
type archiveScreen struct {
	search  filterBox
	text    string
	hits    []archive.Hit
	total   int
	reading bool // the next page of the search is being read
	hl      list
	arc     *archive.Archive
	cat     *catalog.Catalog
	recs    []archive.Record // grouped: basic, positive, negative, other
	rl      list
	filter  filterBox
	rec     *archive.Record
	history *archive.RecordHistory
	page    pager
}

func newArchiveScreen() *archiveScreen {
	a := &archiveScreen{}
	a.hl.cols = []column{{title: "代码", width: 18}, {title: "名称", min: 16}, {title: "主体类别", width: 16, optional: true},
		{title: "匹配", width: 8, optional: true}, {title: "记录", width: 5, right: true}}
	a.rl.cols = []column{{title: "类别", width: 8}, {title: "编号", width: 7, right: true}, {title: "信息项", width: 12, optional: true, drop: 3},
		{title: "摘要", min: 16}, {title: "决定日期", width: 10}, {title: "失信程度", width: 8, optional: true, drop: 1},
		{title: "有效期至", width: 10, optional: true, drop: 2}, {title: "状态", width: 6}, {title: "标记", min: 14}}
	return a
}

func (a *archiveScreen) level() int {
	switch {
	case a.rec != nil:
		return 2
	case a.arc != nil:
		return 1
	}
	return 0
}

// load repeats the last look (r, and after a change).
func (a *archiveScreen) load(m *Model) tea.Cmd {
	switch {
	case a.arc != nil:
		return a.show(m, a.arc.Subject.Code, a.currentRecordID())
	case a.text != "":
		return a.find(m, a.text)
	}
	return nil
}

func (a *archiveScreen) currentRecordID() int64 {
	if a.rec != nil {
		return a.rec.ID
	}
	return 0
}

func (a *archiveScreen) find(m *Model, text string) tea.Cmd {
	return m.fetch(func(ctx context.Context) (func(*Model) tea.Cmd, error) {
		acc, actor, err := m.svc.Office(lookupPurpose)
		if err != nil {
			return nil, err
		}
		res, err := archive.Search(ctx, m.svc.Store, acc, actor, text, 0, searchPage(m), 0)
		if err != nil {
			return nil, err
		}
		return func(m *Model) tea.Cmd {
			a.text, a.hits, a.total = text, res.Hits, res.Total
			keys := make([]string, len(res.Hits))
			for i, h := range res.Hits {
				keys[i] = strings.ToLower(h.Code + "\x00" + h.Name)
			}
			a.hl.cursor, a.hl.offset = 0, 0
			a.hl.setRows(keys)
			if len(res.Hits) == 1 && res.Total == 1 { // one subject found: open it at once
				return a.show(m, res.Hits[0].Code, 0)
			}
			return nil
		}, nil
	})
}

// more reads the next page of the search and adds it under the rows read.
func (a *archiveScreen) more(m *Model) tea.Cmd {
	text, offset := a.text, len(a.hits)
	a.reading = true
	return m.fetch(func(ctx context.Context) (func(*Model) tea.Cmd, error) {
		acc, actor, err := m.svc.Office(lookupPurpose)
		if err != nil {
			return nil, err
		}
		res, err := archive.Search(ctx, m.svc.Store, acc, actor, text, offset, searchPage(m), 0)
		return func(m *Model) tea.Cmd {
			a.reading = false
			if err != nil {
				m.setError(err)
				return nil
			}
			if a.text != text || len(a.hits) != offset {
				return nil // another search came meanwhile
			}
			a.hits, a.total = append(a.hits, res.Hits...), res.Total
			keys := make([]string, len(a.hits))
			for i, h := range a.hits {
				keys[i] = strings.ToLower(h.Code + "\x00" + h.Name)
			}
			cur, off := a.hl.cursor, a.hl.offset
			a.hl.setRows(keys)
			a.hl.cursor, a.hl.offset = cur, off
			return nil
		}, nil
	})
}

// searchPage is how many subjects a search reads at a time.
func searchPage(m *Model) int {
	if m.opt.SearchPage > 0 {
		return m.opt.SearchPage
	}
	return 200
}

// show reads the archive of code in the office scope (logged as a show).
func (a *archiveScreen) show(m *Model, code string, keepRecord int64) tea.Cmd {
	return m.fetch(func(ctx context.Context) (func(*Model) tea.Cmd, error) {
		acc, actor, err := m.svc.Office(lookupPurpose)
		if err != nil {
			return nil, err
		}
		arc, err := archive.Show(ctx, m.svc.Store, acc, actor, code, archive.ActionShow)
		if err != nil {
			return nil, err
		}
		// The objections and repairs being worked on its records, as the
		// queues stand today (what `credit subject show --scope office` adds).
		if arc.OpenCases, err = archive.OpenCases(ctx, m.svc.Store, m.svc.Cal, m.svc.Today, arc, m.svc.Lang); err != nil {
			return nil, err
		}
		var hist *archive.History
		if keepRecord != 0 {
			if hist, err = archive.ReadHistory(ctx, m.svc.Store, acc, actor, code); err != nil {
				return nil, err
			}
		}
		return func(m *Model) tea.Cmd {
			same := a.arc != nil && a.arc.Subject.Code == arc.Subject.Code
			a.arc, a.cat = arc, acc.Catalog
			a.recs = groupRecords(arc.Records)
			keys := make([]string, len(a.recs))
			for i, r := range a.recs {
				keys[i] = strings.ToLower(strings.Join([]string{strconv.FormatInt(r.ID, 10), r.ItemName, r.Item, archive.Summary(r, a.cat),
					r.ProviderName, r.DecidedOn, archive.StateLabel(r.State, "zh"), strings.Join(archive.Marks(r, "zh"), " ")}, "\x00"))
			}
			if !same {
				a.rl.cursor, a.rl.offset, a.rl.filter = 0, 0, ""
			}
			a.rl.setRows(keys)
			a.rec, a.history = nil, nil
			if keepRecord != 0 {
				for i, r := range a.recs {
					if r.ID == keepRecord {
						a.rl.selectSource(i)
						rec := r
						a.rec = &rec
						a.history = historyOf(hist, r.ID)
					}
				}
			}
			return nil
		}, nil
	})
}

// openRecord reads the record's revision history (logged as history).
func (a *archiveScreen) openRecord(m *Model, r archive.Record) tea.Cmd {
	code := a.arc.Subject.Code
	return m.fetch(func(ctx context.Context) (func(*Model) tea.Cmd, error) {
		acc, actor, err := m.svc.Office(lookupPurpose)
		if err != nil {
			return nil, err
		}
		h, err := archive.ReadHistory(ctx, m.svc.Store, acc, actor, code)
		if err != nil {
			return nil, err
		}
		return func(m *Model) tea.Cmd {
			a.rec, a.history = &r, historyOf(h, r.ID)
			a.page.offset = 0
			return nil
		}, nil
	})
}

func historyOf(h *archive.History, id int64) *archive.RecordHistory {
	if h == nil {
		return nil
	}
	for i := range h.Records {
		if h.Records[i].ID == id {
			return &h.Records[i]
		}
	}
	return nil
}

var categoryOrder = []catalog.Category{catalog.Basic, catalog.Positive, catalog.Negative, catalog.Other}

// groupRecords orders records by category (基本, 正面, 负面, 其他信息),
// keeping the service's order inside each group.
func groupRecords(rs []archive.Record) []archive.Record {
	rank := map[string]int{}
	for i, c := range categoryOrder {
		rank[string(c)] = i
	}
	out := append([]archive.Record(nil), rs...)
	sort.SliceStable(out, func(i, j int) bool { return rank[out[i].Category] < rank[out[j].Category] })
	return out
}

func (a *archiveScreen) typing() bool { return a.search.active || a.filter.active }

func (a *archiveScreen) back(m *Model) bool {
	switch a.level() {
	case 2:
		a.rec, a.history = nil, nil
	case 1:
		a.arc = nil
		if len(a.hits) <= 1 {
			a.hits, a.text = nil, ""
			a.hl.setRows(nil)
		}
	default:
		if a.text == "" {
			return false
		}
		a.text, a.hits = "", nil
		a.hl.setRows(nil)
	}
	return true
}

func (a *archiveScreen) key(m *Model, k tea.KeyPressMsg) (tea.Cmd, bool) {
	if a.search.active {
		_, done := a.search.key(k)
		if done && k.String() == "enter" && strings.TrimSpace(a.search.text) != "" {
			a.arc, a.rec = nil, nil
			return a.find(m, strings.TrimSpace(a.search.text)), true
		}
		return nil, true
	}
	if a.filter.active {
		if changed, _ := a.filter.key(k); changed {
			a.rl.setFilter(a.filter.text)
		}
		return nil, true
	}
	switch a.level() {
	case 2:
		if m.scrollKey(&a.page, k) {
			return nil, true
		}
		if key.Matches(k, m.keys.New) {
			return a.newCase(m, a.rec.ID), true
		}
		if key.Matches(k, m.keys.Search) {
			a.search.active, a.search.text = true, ""
			return nil, true
		}
		return nil, false
	case 1:
		switch {
		case m.moveKey(&a.rl, k):
			return nil, true
		case key.Matches(k, m.keys.Filter):
			a.filter.active, a.filter.text = true, a.rl.filter
			return nil, true
		case key.Matches(k, m.keys.ClearFilter) && a.rl.filter != "":
			a.filter.text = ""
			a.rl.setFilter("")
			return nil, true
		case key.Matches(k, m.keys.Open):
			if i := a.rl.current(); i >= 0 {
				return a.openRecord(m, a.recs[i]), true
			}
			return nil, true
		case key.Matches(k, m.keys.New):
			if i := a.rl.current(); i >= 0 {
				return a.newCase(m, a.recs[i].ID), true
			}
			return nil, true
		case k.String() == "f": // look for another subject
			a.search.active, a.search.text = true, ""
			return nil, true
		}
		return nil, false
	}
	switch {
	case key.Matches(k, m.keys.Search):
		a.search.active, a.search.text = true, ""
		return nil, true
	case m.moveKey(&a.hl, k):
		// Scrolling on past the last row read reads the next page: a
		// search is never cut off at its first 200 subjects.
		if a.hl.cursor >= a.hl.len()-1 && len(a.hits) < a.total && !a.reading {
			return a.more(m), true
		}
		return nil, true
	case key.Matches(k, m.keys.Open):
		if i := a.hl.current(); i >= 0 {
			return a.show(m, a.hits[i].Code, 0), true
		}
		return nil, true
	}
	return nil, false
}

// newCase takes an objection or a repair application on record id.
func (a *archiveScreen) newCase(m *Model, id int64) tea.Cmd {
	choice := "objection"
	form := huh.NewForm(huh.NewGroup(huh.NewSelect[string]().Title(fmt.Sprintf("对记录 %d 新建", id)).
		Options(huh.NewOption("受理异议申请", "objection"), huh.NewOption("受理信用修复申请", "repair")).Value(&choice)))
	return m.openForm(fmt.Sprintf("档案 › 记录 %d · 新建", id), "", form, func(m *Model) tea.Cmd {
		rec := strconv.FormatInt(id, 10)
		if choice == "repair" {
			return m.start(applyRepair(m, rec))
		}
		return m.start(fileObjection(m, rec))
	}, m.keys.Down, m.keys.Up, m.keys.Choose)
}

func (a *archiveScreen) keys(m *Model) []key.Binding {
	switch {
	case a.search.active:
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "查找")), key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "取消"))}
	case a.filter.active:
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "保留过滤")), m.keys.ClearFilter}
	}
	switch a.level() {
	case 2:
		return []key.Binding{m.keys.New, m.keys.Down, m.keys.Up, m.keys.Top, m.keys.Bottom, m.keys.Back}
	case 1:
		bs := append([]key.Binding{m.keys.Open, m.keys.New}, m.navKeys()...)
		return append(bs, m.keys.Filter, key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "查找其他主体")), m.keys.Back)
	}
	return append([]key.Binding{m.keys.Search, m.keys.Open}, m.navKeys()...)
}

func (a *archiveScreen) crumb(m *Model) string {
	if a.search.active {
		return "档案 › " + a.search.view("查找（名称或代码）：")
	}
	switch a.level() {
	case 2:
		return fmt.Sprintf("档案 › %s › 记录 %d", a.arc.Subject.Name, a.rec.ID)
	case 1:
		c := fmt.Sprintf("档案 › %s %s · %s", a.arc.Subject.Name, a.arc.Subject.Code, a.rl.position())
		if a.filter.active || a.rl.filter != "" {
			c += " · " + a.filter.view("过滤：")
		}
		return c
	}
	if a.text != "" {
		if len(a.hits) < a.total {
			return fmt.Sprintf("档案 › 查找“%s” · 共 %d 个信息主体，已读取 %d 个（向下滚动读取更多）", a.text, a.total, len(a.hits))
		}
		return fmt.Sprintf("档案 › 查找“%s” · 找到 %d 个信息主体", a.text, a.total)
	}
	return "档案 · 按 / 输入名称或代码查找"
}

func (a *archiveScreen) body(m *Model, w, h int) []string {
	s := m.st
	switch a.level() {
	case 2:
		return a.page.renderSet(a.recordLines(m, w), h)
	case 1:
		head := a.subjectLines(m, w, h)
		return append(head, a.rl.render(s, w, h-len(head), func(i int) []string {
			r := a.recs[i]
			cat := ""
			if i == 0 || a.recs[i-1].Category != r.Category {
				cat = archive.CategoryLabel(r.Category, "zh")
			}
			return []string{cat, strconv.FormatInt(r.ID, 10), r.ItemName, archive.Summary(r, a.cat), r.DecidedOn,
				archive.SeverityLabel(r.Severity, "zh"), orForever(r.ValidUntil), archive.StateLabel(r.State, "zh"), marks(r)}
		}, func(i, col int) (lipgloss.Style, bool) {
			r := a.recs[i]
			switch {
			case col == 8 && len(r.Flags) > 0:
				return s.Warn, true
			case r.State == archive.StateExpired || r.State == archive.StateRepaired:
				return s.Struck, col != 0
			}
			return lipgloss.Style{}, false
		})...)
	}
	if a.text == "" {
		return []string{"", "  按 / 输入信息主体的名称（如“王伟”“甲公司”）或统一社会信用代码、身份证号码，回车查找。",
			"  在工作机构内部范围查询：含已过期、已修复的信息；每次查询都写入查询记录。"}
	}
	return a.hl.render(s, w, h, func(i int) []string {
		x := a.hits[i]
		match := map[string]string{"exact": "完全相同", "prefix": "开头相同", "substring": "包含"}[x.Match]
		return []string{x.Code, x.Name, archive.KindLabel(x.Kind, "zh"), match, strconv.Itoa(x.Records)}
	}, nil)
}

// localTime shows a real instant of the logs as the office's local time.
func localTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.In(clock.Zone).Format("2006-01-02 15:04")
}

func orForever(s string) string {
	if s == "" {
		return "长期"
	}
	return s
}

// marks are the record's flags and 第二十九条 link, in words.
func marks(r archive.Record) string {
	var ms []string
	for _, f := range r.Flags {
		ms = append(ms, archive.FlagLabel(f, "zh"))
	}
	if r.LinkedAs != "" {
		ms = append(ms, archive.LinkLabel(r.LinkedAs, "zh"))
	}
	return strings.Join(ms, "、")
}

func (a *archiveScreen) subjectLines(m *Model, w, h int) []string {
	sub := a.arc.Subject
	counts := map[string]int{}
	for _, r := range a.arc.Records {
		counts[r.Category]++
	}
	var cs []string
	for _, c := range categoryOrder {
		cs = append(cs, fmt.Sprintf("%s %d", c.Label("zh"), counts[string(c)]))
	}
	line := fmt.Sprintf("  %s · %s · %s", m.st.Bold.Render(sub.Name), archive.KindLabel(sub.Kind, "zh"), sub.Code)
	if sub.LegalRep != "" {
		line += " · 法定代表人 " + sub.LegalRep
	}
	out := []string{line, fmt.Sprintf("  %s · 工作机构内部范围 · 查询记录 Q%d", strings.Join(cs, " · "), a.arc.QueryID)}
	if len(a.arc.RosterEntries) == 0 && len(a.arc.OpenCases) == 0 {
		return append(out, "  红黑名单：无有效的名单条目 · 办理中的异议和信用修复：无", "")
	}
	// Each table takes its title, header and "…另有" lines and up to
	// standingRows rows, fewer on a small screen: the records keep at
	// least five lines (their header and four rows).
	rows := min(standingRows, max(1, (h-len(out)-1-5-6)/2))
	out = append(out, a.rosterLines(m, w, rows)...)
	out = append(out, a.openCaseLines(m, w, rows)...)
	return append(out, "")
}

// standingRows is how many list entries or open cases the subject's head
// shows at most before it sends the clerk to the view that lists them all.
const standingRows = 4

// more says how many of n rows the head left out, and where they are.
func more(n, shown int, where string) []string {
	if n <= shown {
		return nil
	}
	return []string{fmt.Sprintf("  …另有 %d 条，见%s", n-shown, where)}
}

// rosterLines are the subject's red and black list entries that count
// today (archive.Show's), as `credit subject show` lists them.
func (a *archiveScreen) rosterLines(m *Model, w, shown int) []string {
	es := a.arc.RosterEntries
	if len(es) == 0 {
		return []string{"  红黑名单：无有效的名单条目。"}
	}
	var rows [][]string
	for _, e := range es[:min(len(es), shown)] {
		rows = append(rows, []string{e.ID, roster.ListLabel(e.List, "zh"), e.ListName, e.Determined.String(), orForever(e.ValidUntil.String()),
			orCode(e.UnitName, e.Unit)})
	}
	out := []string{m.st.Title.Render(fmt.Sprintf("  红黑名单（%d）", len(es)))}
	out = append(out, grid(m.st, []string{"编号", "名单", "名单名称", "认定日期", "有效期至", "认定单位"}, rows, w)...)
	return append(out, more(len(es), shown, " 6 名单与案例")...)
}

// openCaseLines are the objections and repairs being worked on the
// subject's records (archive.OpenCases), with their next deadline.
func (a *archiveScreen) openCaseLines(m *Model, w, shown int) []string {
	cs := a.arc.OpenCases
	if len(cs) == 0 {
		return []string{"  办理中的异议和信用修复：无。"}
	}
	var rows [][]string
	for _, c := range cs[:min(len(cs), shown)] {
		due, left := "", ""
		if c.Due != nil {
			due = strings.TrimSpace(archive.CaseDeadlineLabel(c, "zh") + " " + c.Due.String())
		}
		if c.DaysLeft != nil {
			left = strconv.Itoa(*c.DaysLeft)
		}
		status := archive.CaseStatusLabel(c.Status, "zh")
		if c.Provisional {
			status += "*"
		}
		rows = append(rows, []string{archive.CaseKindLabel(c.Kind, "zh"), strconv.FormatInt(c.ID, 10), fmt.Sprintf("%d %s", c.Record, c.Item),
			c.StateLabel, due, left, status})
	}
	out := []string{m.st.Title.Render(fmt.Sprintf("  办理中的异议和信用修复（%d）", len(cs)))}
	g := grid(m.st, []string{"类别", "编号", "记录", "状态", "期限", "剩余工作日", "队列状态"}, rows, w)
	for i := range rows {
		g[i+1] = m.st.Status(cs[i].Status).Render(g[i+1])
	}
	out = append(out, g...)
	return append(out, more(len(cs), shown, " 3 异议、4 修复视图")...)
}

func (a *archiveScreen) recordLines(m *Model, w int) []string {
	r := a.rec
	head := [][2]string{
		{"记录", fmt.Sprintf("%d（第 %d 版）", r.ID, r.Rev)},
		{"信息项", r.ItemName + "（" + r.Item + "）"},
		{"信息类别", archive.CategoryLabel(r.Category, "zh")},
		{"提供单位", strings.TrimSpace(r.ProviderName + " " + r.Provider)},
		{"决定日期", r.DecidedOn},
		{"失信程度", archive.SeverityLabel(r.Severity, "zh")},
		{"有效期至", orForever(r.ValidUntil)},
		{"状态", archive.StateLabel(r.State, "zh")},
		{"标记", marks(*r)},
	}
	if u := r.Upstream; u != nil {
		head = append(head, [2]string{"省级报送", upstreamText(u)})
	}
	out := append([]string{""}, kv(m.st, head, w)...)
	out = append(out, "", m.st.Title.Render("  字段"))
	var fs [][2]string
	for _, f := range r.Fields {
		fs = append(fs, [2]string{f.Name, f.Value})
	}
	out = append(out, kv(m.st, fs, w)...)
	out = append(out, "", m.st.Title.Render("  修订历史"))
	if a.history == nil {
		return append(out, "  （没有修订历史）")
	}
	var rows [][]string
	for _, v := range a.history.Revisions {
		head := []string{strconv.Itoa(v.Rev), archive.ProcedureLabel(v.Procedure, "zh"), localTime(v.At), v.Operator, v.Ref}
		if v.Rev == 1 || len(v.Changes) == 0 {
			note := "（内容未变）"
			if v.Rev == 1 {
				note = fmt.Sprintf("（归集 %d 个字段）", len(v.Changes))
			}
			rows = append(rows, append(head, note))
			continue
		}
		for _, ch := range v.Changes {
			rows = append(rows, append(append([]string{}, head...), ch.Field+"："+ch.Old+" → "+ch.New))
		}
	}
	return append(out, grid(m.st, []string{"版本", "程序", "时间", "操作员", "依据", "改动"}, rows, w)...)
}

// upstreamText is a record's state in the exchange with the province
// (docs/exchange.md §6): the state, the run, the receipt's date or error.
func upstreamText(u *archive.Upstream) string {
	s := archive.UpstreamLabel(u.State, "zh")
	switch {
	case u.State == archive.UpstreamFailed:
		s += fmt.Sprintf("（序号 %d：%s %s）", u.Sequence, u.ErrorCode, u.ErrorMessage)
	case u.State == archive.UpstreamSent:
		s += fmt.Sprintf("（序号 %d）", u.Sequence)
	case u.AckedOn != "":
		s += fmt.Sprintf("（第 %d 版 %s 接收）", u.AckedRev, u.AckedOn)
	}
	return s
}
