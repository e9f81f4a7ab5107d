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

func newArchiveScreen(lang string) *archiveScreen {
	t := func(zh, en string) string { return tr(lang, zh, en) }
	a := &archiveScreen{}
	a.hl.cols = []column{{title: t("代码", "Code"), width: 18}, {title: t("名称", "Name"), min: 16}, {title: t("主体类别", "Kind"), width: 16, optional: true},
		{title: t("匹配", "Match"), width: 8, optional: true}, {title: t("记录", "Recs"), width: 5, right: true}}
	a.rl.cols = []column{{title: t("类别", "Category"), width: 8}, {title: t("编号", "No."), width: 7, right: true}, {title: t("信息项", "Item"), width: 12, optional: true, drop: 3},
		{title: t("摘要", "Summary"), min: 16}, {title: t("决定日期", "Decided"), width: 10}, {title: t("失信程度", "Severity"), width: 8, optional: true, drop: 1},
		{title: t("有效期至", "Until"), width: 10, optional: true, drop: 2}, {title: t("状态", "State"), width: 6}, {title: t("标记", "Marks"), min: 14}}
	if lang == "en" {
		a.rl.cols[7].width = 8 // repaired
	}
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
					r.ProviderName, r.DecidedOn, archive.StateLabel(r.State, m.svc.Lang), strings.Join(archive.Marks(r, m.svc.Lang), " ")}, "\x00"))
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
	form := huh.NewForm(huh.NewGroup(huh.NewSelect[string]().Title(fmt.Sprintf(m.T("对记录 %d 新建", "New on record %d"), id)).
		Options(huh.NewOption(m.T("受理异议申请", "File an objection"), "objection"), huh.NewOption(m.T("受理信用修复申请", "Take a credit repair application"), "repair")).Value(&choice)))
	return m.openForm(fmt.Sprintf(m.T("档案 › 记录 %d · 新建", "Archive › record %d · new"), id), "", form, func(m *Model) tea.Cmd {
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
		return []key.Binding{m.bind([]string{"enter"}, "enter", "查找", "search"), m.bind([]string{"esc"}, "esc", "取消", "cancel")}
	case a.filter.active:
		return []key.Binding{m.keepFilter(), m.keys.ClearFilter}
	}
	switch a.level() {
	case 2:
		return []key.Binding{m.keys.New, m.keys.Down, m.keys.Up, m.keys.Top, m.keys.Bottom, m.keys.Back}
	case 1:
		bs := append([]key.Binding{m.keys.Open, m.keys.New}, m.navKeys()...)
		return append(bs, m.keys.Filter, m.bind([]string{"f"}, "f", "查找其他主体", "find another subject"), m.keys.Back)
	}
	return append([]key.Binding{m.keys.Search, m.keys.Open}, m.navKeys()...)
}

func (a *archiveScreen) crumb(m *Model) string {
	if a.search.active {
		return m.T("档案 › ", "Archive › ") + a.search.view(m.T("查找（名称或代码）：", "search (name or code): "))
	}
	switch a.level() {
	case 2:
		return fmt.Sprintf(m.T("档案 › %s › 记录 %d", "Archive › %s › record %d"), a.arc.Subject.Name, a.rec.ID)
	case 1:
		c := fmt.Sprintf(m.T("档案 › %s %s · %s", "Archive › %s %s · %s"), a.arc.Subject.Name, a.arc.Subject.Code, a.rl.position())
		if a.filter.active || a.rl.filter != "" {
			c += " · " + a.filter.view(m.T("过滤：", "filter: "))
		}
		return c
	}
	if a.text != "" {
		if len(a.hits) < a.total {
			return m.T(fmt.Sprintf("档案 › 查找“%s” · 共 %d 个信息主体，已读取 %d 个（向下滚动读取更多）", a.text, a.total, len(a.hits)),
				fmt.Sprintf("Archive › search “%s” · %d subjects, %d read (scroll down for more)", a.text, a.total, len(a.hits)))
		}
		return m.T(fmt.Sprintf("档案 › 查找“%s” · 找到 %d 个信息主体", a.text, a.total), fmt.Sprintf("Archive › search “%s” · %d subjects found", a.text, a.total))
	}
	return m.T("档案 · 按 / 输入名称或代码查找", "Archive · press / to search by name or code")
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
				cat = archive.CategoryLabel(r.Category, m.svc.Lang)
			}
			return []string{cat, strconv.FormatInt(r.ID, 10), r.ItemName, archive.Summary(r, a.cat), r.DecidedOn,
				archive.SeverityLabel(r.Severity, m.svc.Lang), m.orForever(r.ValidUntil), archive.StateLabel(r.State, m.svc.Lang), m.marks(r)}
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
		if m.en() {
			return []string{"", "  Press / and type a subject's name, 统一社会信用代码 or 身份证号码, then enter.",

				"  Looks are in the office scope: expired and repaired information included; every look is written to the query log."}
		}
		return []string{"", "  按 / 输入信息主体的名称（如“王伟”“甲公司”）或统一社会信用代码、身份证号码，回车查找。",
			"  在工作机构内部范围查询：含已过期、已修复的信息；每次查询都写入查询记录。"}
	}
	return a.hl.render(s, w, h, func(i int) []string {
		x := a.hits[i]
		match := map[string][2]string{"exact": {"完全相同", "exact"}, "prefix": {"开头相同", "prefix"}, "substring": {"包含", "contains"}}[x.Match]
		return []string{x.Code, x.Name, archive.KindLabel(x.Kind, m.svc.Lang), m.T(match[0], match[1]), strconv.Itoa(x.Records)}
	}, nil)
}

// localTime shows a real instant of the logs as the office's local time.
func localTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.In(clock.Zone()).Format("2006-01-02 15:04")
}

func (m *Model) orForever(s string) string {
	if s == "" {
		return m.T("长期", "no end")
	}
	return s
}

// marks are the record's flags and 第二十九条 link, in words.
func (m *Model) marks(r archive.Record) string {
	var ms []string
	for _, f := range r.Flags {
		ms = append(ms, archive.FlagLabel(f, m.svc.Lang))
	}
	if r.LinkedAs != "" {
		ms = append(ms, archive.LinkLabel(r.LinkedAs, m.svc.Lang))
	}
	return strings.Join(ms, m.T("、", ", "))
}

func (a *archiveScreen) subjectLines(m *Model, w, h int) []string {
	sub := a.arc.Subject
	counts := map[string]int{}
	for _, r := range a.arc.Records {
		counts[r.Category]++
	}
	var cs []string
	for _, c := range categoryOrder {
		cs = append(cs, fmt.Sprintf("%s %d", c.Label(m.svc.Lang), counts[string(c)]))
	}
	line := fmt.Sprintf("  %s · %s · %s", m.st.Bold.Render(sub.Name), archive.KindLabel(sub.Kind, m.svc.Lang), sub.Code)
	if sub.LegalRep != "" {
		line += m.T(" · 法定代表人 ", " · legal representative ") + sub.LegalRep
	}
	out := []string{line, fmt.Sprintf(m.T("  %s · 工作机构内部范围 · 查询记录 Q%d", "  %s · office scope · query log Q%d"), strings.Join(cs, " · "), a.arc.QueryID)}
	if len(a.arc.RosterEntries) == 0 && len(a.arc.OpenCases) == 0 {
		return append(out, m.T("  红黑名单：无有效的名单条目 · 办理中的异议和信用修复：无", "  Red and black lists: no entry in force · open objections and repairs: none"), "")
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
func (m *Model) more(n, shown int, where, whereEn string) []string {
	if n <= shown {
		return nil
	}
	return []string{m.T(fmt.Sprintf("  …另有 %d 条，见%s", n-shown, where), fmt.Sprintf("  …%d more, see%s", n-shown, whereEn))}
}

// rosterLines are the subject's red and black list entries that count
// today (archive.Show's), as `credit subject show` lists them.
func (a *archiveScreen) rosterLines(m *Model, w, shown int) []string {
	es := a.arc.RosterEntries
	if len(es) == 0 {
		return []string{m.T("  红黑名单：无有效的名单条目。", "  Red and black lists: no entry in force.")}
	}
	var rows [][]string
	for _, e := range es[:min(len(es), shown)] {
		rows = append(rows, []string{e.ID, roster.ListLabel(e.List, m.svc.Lang), e.ListName, e.Determined.String(), m.orForever(e.ValidUntil.String()),
			orCode(e.UnitName, e.Unit)})
	}
	out := []string{m.st.Title.Render(fmt.Sprintf(m.T("  红黑名单（%d）", "  Red and black lists (%d)"), len(es)))}
	out = append(out, grid(m.st, []string{m.T("编号", "Entry"), m.T("名单", "List"), m.T("名单名称", "List name"), m.T("认定日期", "Determined"),
		m.T("有效期至", "Valid until"), m.T("认定单位", "Determined by")}, rows, w)...)
	return append(out, m.more(len(es), shown, " 6 名单与案例", " 6 Lists & cases")...)
}

// openCaseLines are the objections and repairs being worked on the
// subject's records (archive.OpenCases), with their next deadline.
func (a *archiveScreen) openCaseLines(m *Model, w, shown int) []string {
	cs := a.arc.OpenCases
	if len(cs) == 0 {
		return []string{m.T("  办理中的异议和信用修复：无。", "  Open objections and repairs: none.")}
	}
	var rows [][]string
	for _, c := range cs[:min(len(cs), shown)] {
		due, left := "", ""
		if c.Due != nil {
			due = strings.TrimSpace(archive.CaseDeadlineLabel(c, m.svc.Lang) + " " + c.Due.String())
		}
		if c.DaysLeft != nil {
			left = strconv.Itoa(*c.DaysLeft)
		}
		status := archive.CaseStatusLabel(c.Status, m.svc.Lang)
		if m.en() {
			status = m.statusLabel(c.Status) // as the queues say it
		}

		if c.Provisional {
			status += "*"
		}
		rows = append(rows, []string{archive.CaseKindLabel(c.Kind, m.svc.Lang), strconv.FormatInt(c.ID, 10), fmt.Sprintf("%d %s", c.Record, c.Item),
			c.StateLabel, due, left, status})
	}
	out := []string{m.st.Title.Render(fmt.Sprintf(m.T("  办理中的异议和信用修复（%d）", "  Open objections and repairs (%d)"), len(cs)))}
	g := grid(m.st, []string{m.T("类别", "Kind"), m.T("编号", "No."), m.T("记录", "Record"), m.T("状态", "State"), m.T("期限", "Deadline"),
		m.T("剩余工作日", "Days left"), m.T("队列状态", "Status")}, rows, w)
	for i := range rows {
		g[i+1] = m.st.Status(cs[i].Status).Render(g[i+1])
	}
	out = append(out, g...)
	return append(out, m.more(len(cs), shown, " 3 异议、4 修复视图", " the 3 Objections and 4 Repairs views")...)
}

func (a *archiveScreen) recordLines(m *Model, w int) []string {
	r := a.rec
	head := [][2]string{
		{m.T("记录", "Record"), fmt.Sprintf(m.T("%d（第 %d 版）", "%d (revision %d)"), r.ID, r.Rev)},
		{m.T("信息项", "Item"), r.ItemName + m.T("（"+r.Item+"）", " ("+r.Item+")")},
		{m.T("信息类别", "Category"), archive.CategoryLabel(r.Category, m.svc.Lang)},
		{m.T("提供单位", "Provider"), strings.TrimSpace(r.ProviderName + " " + r.Provider)},
		{m.T("决定日期", "Decided on"), r.DecidedOn},
		{m.T("失信程度", "Severity"), archive.SeverityLabel(r.Severity, m.svc.Lang)},
		{m.T("有效期至", "Valid until"), m.orForever(r.ValidUntil)},
		{m.T("状态", "State"), archive.StateLabel(r.State, m.svc.Lang)},
		{m.T("标记", "Marks"), m.marks(*r)},
	}
	if u := r.Upstream; u != nil {
		head = append(head, [2]string{m.T("省级报送", "Sent to the province"), m.upstreamText(u)})
	}
	out := append([]string{""}, kv(m.st, head, w)...)
	out = append(out, "", m.st.Title.Render(m.T("  字段", "  Fields")))
	var fs [][2]string
	for _, f := range r.Fields {
		fs = append(fs, [2]string{f.Name, f.Value})
	}
	out = append(out, kv(m.st, fs, w)...)
	out = append(out, "", m.st.Title.Render(m.T("  修订历史", "  Revisions")))
	if a.history == nil {
		return append(out, m.T("  （没有修订历史）", "  (no revision history)"))
	}
	var rows [][]string
	for _, v := range a.history.Revisions {
		head := []string{strconv.Itoa(v.Rev), archive.ProcedureLabel(v.Procedure, m.svc.Lang), localTime(v.At), v.Operator, archive.RefLabel(v.Ref, m.svc.Lang)}
		if v.Rev == 1 || len(v.Changes) == 0 {
			note := m.T("（内容未变）", "(content unchanged)")
			if v.Rev == 1 {
				note = fmt.Sprintf(m.T("（归集 %d 个字段）", "(%d fields collected)"), len(v.Changes))
			}
			rows = append(rows, append(head, note))
			continue
		}
		for _, ch := range v.Changes {
			rows = append(rows, append(append([]string{}, head...), ch.Field+m.T("：", ": ")+ch.Old+" → "+ch.New))
		}
	}
	return append(out, grid(m.st, []string{m.T("版本", "Rev."), m.T("程序", "Procedure"), m.T("时间", "Time"), m.T("操作员", "Operator"),
		m.T("依据", "Basis"), m.T("改动", "Change")}, rows, w)...)
}

// upstreamText is a record's state in the exchange with the province
// (docs/exchange.md §6): the state, the run, the receipt's date or error.
func (m *Model) upstreamText(u *archive.Upstream) string {
	s := archive.UpstreamLabel(u.State, m.svc.Lang)
	switch {
	case u.State == archive.UpstreamFailed:
		s += fmt.Sprintf(m.T("（序号 %d：%s %s）", " (sequence %d: %s %s)"), u.Sequence, u.ErrorCode, u.ErrorMessage)
	case u.State == archive.UpstreamSent:
		s += fmt.Sprintf(m.T("（序号 %d）", " (sequence %d)"), u.Sequence)
	case u.AckedOn != "":
		s += fmt.Sprintf(m.T("（第 %d 版 %s 接收）", " (revision %d received %s)"), u.AckedRev, u.AckedOn)
	}

	return s
}
