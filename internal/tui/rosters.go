package tui

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"credit/internal/civil"
	"credit/internal/operator"
	"credit/internal/queue"
	"credit/internal/roster"
	"credit/internal/sanction"
	"credit/internal/store"
)

// The 名单与案例 view: the red and black list entries (v switches to the
// joint reward and sanction cases), a credit check of one subject (c),
// recording a case (n) and a reviewer's decision on a pending hand-made
// entry (a: 批准/驳回) — through internal/roster and internal/sanction as
// `credit roster list`, `credit check`, `credit case record` and `credit
// roster approve|reject` do.
type rosters struct {
	cases   bool // showing cases instead of list entries
	entries []roster.Entry
	el      list
	rows    []store.MeasureCaseRow
	cl      list
	filter  filterBox
	ready   bool
	title   string               // the open detail page's crumb
	detail  func(w int) []string // an entry, a case or a check result
	subject string               // the subject of the open detail page
	entryID string               // the list entry of the open detail page ("" for a case or a check)
	focus   string               // the entry to put the cursor on after a reload
	page    pager
}

func newRosters() screen {
	r := &rosters{}
	r.el.cols = []column{{title: "编号", width: 6}, {title: "名单", width: 6}, {title: "名单名称", min: 14}, {title: "主体", min: 14},
		{title: "认定日期", width: 10, optional: true, drop: 1}, {title: "有效期至", width: 10}, {title: "迟报", width: 8, optional: true, drop: 2},
		{title: "状态", width: 10}}
	r.cl.cols = []column{{title: "案例", width: 5, right: true}, {title: "实施日期", width: 10}, {title: "实施单位", min: 12},
		{title: "主体", min: 14}, {title: "奖惩", width: 4}, {title: "措施", min: 12}, {title: "事项", width: 12, optional: true}}
	return r
}

func (r *rosters) cur() *list {
	if r.cases {
		return &r.cl
	}
	return &r.el
}

func (r *rosters) load(m *Model) tea.Cmd {
	return m.fetch(func(ctx context.Context) (func(*Model) tea.Cmd, error) {
		if err := m.svc.Op.Require(roster.Transitions["add"].Role); err != nil {
			return nil, err
		}
		cat, _, err := m.svc.Store.CatalogInForce(ctx, m.svc.Today)
		if err != nil {
			return nil, err
		}
		es, err := roster.Entries(ctx, m.svc.Store, cat, roster.Filter{})
		if err != nil {
			return nil, err
		}
		var cs []store.MeasureCaseRow
		err = m.svc.Store.MeasureCases(ctx, store.CaseFilter{}, func(c *store.MeasureCaseRow) error { cs = append(cs, *c); return nil })
		if err != nil {
			return nil, err
		}
		return func(m *Model) tea.Cmd {
			r.entries, r.rows, r.ready = es, cs, true
			keys := make([]string, len(es))
			for i, e := range es {
				keys[i] = strings.ToLower(strings.Join([]string{e.ID, roster.ListLabel(e.List, "zh"), e.ListName, e.SubjectCode, e.SubjectName,
					e.UnitName, e.Determined.String(), roster.StatusLabel(e.Status(m.svc.Today), "zh")}, "\x00"))
			}
			r.el.setRows(keys)
			for i, e := range es {
				if e.ID == r.focus {
					r.el.selectSource(i)
				}
				if r.detail != nil && e.ID == r.entryID { // the open entry as it is now
					r.detail = func(w int) []string { return entryLines(m, e, w) }
				}
			}
			r.focus = ""
			keys = make([]string, len(cs))
			for i, c := range cs {
				keys[i] = strings.ToLower(strings.Join([]string{strconv.FormatInt(c.ID, 10), c.AppliedOn, c.UnitName, c.Unit, c.SubjectCode,
					c.SubjectName, c.Measure, c.MeasureName, c.Matter}, "\x00"))
			}
			r.cl.setRows(keys)
			// The newest case first: the list is by date.
			if r.cases && r.cl.cursor == 0 {
				r.cl.bottom()
			}
			return nil
		}, nil
	})
}

func (r *rosters) typing() bool { return r.filter.active }

func (r *rosters) back(m *Model) bool {
	if r.detail != nil {
		r.detail = nil
		return true
	}
	return false
}

var (
	keyToggle = key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "名单/案例"))
	keyCheck  = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "信用审查"))
	keyReview = key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "批准/驳回"))
)

func (r *rosters) key(m *Model, k tea.KeyPressMsg) (tea.Cmd, bool) {
	if r.filter.active {
		if changed, _ := r.filter.key(k); changed {
			r.cur().setFilter(r.filter.text)
		}
		return nil, true
	}
	switch {
	case key.Matches(k, keyCheck):
		return r.check(m), true
	case key.Matches(k, m.keys.New):
		return m.start(recordCase(m, r.subjectHere())), true
	case key.Matches(k, keyReview):
		if e, ok := r.entryHere(); ok {
			return r.review(m, e), true
		}
		return nil, true
	}
	if r.detail != nil {
		return nil, m.scrollKey(&r.page, k)
	}
	l := r.cur()
	switch {
	case m.moveKey(l, k):
		return nil, true
	case key.Matches(k, keyToggle):
		r.cases = !r.cases
		r.filter.text = r.cur().filter
		return nil, true
	case key.Matches(k, m.keys.Filter):
		r.filter.active, r.filter.text = true, l.filter
		return nil, true
	case key.Matches(k, m.keys.ClearFilter) && l.filter != "":
		r.filter.text = ""
		l.setFilter("")
		return nil, true
	case key.Matches(k, m.keys.Open):
		if i := l.current(); i >= 0 {
			if r.cases {
				c := r.rows[i]
				r.title, r.subject, r.entryID = fmt.Sprintf("案例 %d", c.ID), c.SubjectCode, ""
				r.detail = func(w int) []string { return caseLines(m, c, w) }
			} else {
				e := r.entries[i]
				r.title, r.subject, r.entryID = "名单条目 "+e.ID, e.SubjectCode, e.ID
				r.detail = func(w int) []string { return entryLines(m, e, w) }
			}
			r.page.offset = 0
		}
		return nil, true
	}
	return nil, false
}

// entryHere is the list entry open or under the cursor.
func (r *rosters) entryHere() (roster.Entry, bool) {
	if r.detail != nil {
		for _, e := range r.entries {
			if r.entryID != "" && e.ID == r.entryID {
				return e, true
			}
		}
		return roster.Entry{}, false
	}
	if i := r.el.current(); i >= 0 && !r.cases {
		return r.entries[i], true
	}
	return roster.Entry{}, false
}

// subjectHere is the subject under the cursor, to start a form with.
func (r *rosters) subjectHere() string {
	if r.detail != nil {
		return r.subject
	}
	if i := r.cur().current(); i >= 0 {
		if r.cases {
			return r.rows[i].SubjectCode
		}
		return r.entries[i].SubjectCode
	}
	return ""
}

func (r *rosters) keys(m *Model) []key.Binding {
	if r.filter.active {
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "保留过滤")), m.keys.ClearFilter}
	}
	newCase := key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "记录案例"))
	e, ok := r.entryHere()
	review := ok && slices.Contains(roster.Transitions["approve"].From, e.Status(m.svc.Today)) // a: only where there is a decision to make
	if r.detail != nil {
		bs := []key.Binding{keyCheck, newCase, m.keys.Down, m.keys.Up, m.keys.Back}
		if review {
			bs = append([]key.Binding{keyReview}, bs...)
		}
		return bs
	}
	bs := []key.Binding{m.keys.Open, keyToggle, keyCheck, newCase, m.keys.Filter}
	if review {
		bs = []key.Binding{m.keys.Open, keyReview, keyToggle, keyCheck, newCase, m.keys.Filter}
	}
	if r.cur().filter != "" {
		bs = append(bs, m.keys.ClearFilter)
	}
	return append(bs, m.navKeys()...)
}

func (r *rosters) crumb(m *Model) string {
	if r.detail != nil {
		return "名单与案例 › " + r.title
	}
	var c string
	if r.cases {
		c = "联合奖惩案例 · " + r.cl.position() + " · v 切换到红黑名单"
	} else {
		valid, pending := 0, 0
		for _, e := range r.entries {
			switch e.Status(m.svc.Today) {
			case roster.StatusValid:
				valid++
			case roster.StatusPending:
				pending++
			}
		}
		c = fmt.Sprintf("红黑名单 · %s · 有效 %d · 待审核 %d · v 切换到案例", r.el.position(), valid, pending)
	}
	if r.filter.active || r.cur().filter != "" {
		c += " · " + r.filter.view("过滤：")
	}
	return c
}

func (r *rosters) body(m *Model, w, h int) []string {
	s := m.st
	switch {
	case r.detail != nil:
		return r.page.renderSet(r.detail(w), h)
	case !r.ready:
		return []string{"", "  正在读取…"}
	case r.cases:
		return r.cl.render(s, w, h, func(i int) []string {
			c := r.rows[i]
			return []string{strconv.FormatInt(c.ID, 10), c.AppliedOn, orCode(c.UnitName, c.Unit), strings.TrimSpace(c.SubjectName + " " + c.SubjectCode),
				sanction.Kind(c.Kind).Label("zh"), c.Measure + " " + c.MeasureName, c.Matter}
		}, nil)
	}
	return r.el.render(s, w, h, func(i int) []string {
		e := r.entries[i]
		late := ""
		if e.Late {
			late = fmt.Sprintf("迟 %d 天", e.DaysLate)
		}
		return []string{e.ID, roster.ListLabel(e.List, "zh"), e.ListName, strings.TrimSpace(e.SubjectName + " " + e.SubjectCode),
			e.Determined.String(), e.ValidUntil.String(), late, roster.StatusLabel(e.Status(m.svc.Today), "zh")}
	}, func(i, col int) (lipgloss.Style, bool) {
		e := r.entries[i]
		switch {
		case col == 6 && e.Late:
			return s.Warn, true
		case col == 7 && e.Status(m.svc.Today) == roster.StatusPending:
			return s.Warn, true
		case col == 1 && e.List == roster.Black:
			return s.Bold, true
		}
		return lipgloss.Style{}, false
	})
}

func orCode(name, code string) string {
	if name != "" {
		return name
	}
	return code
}

// entryLines is `credit roster show`.
func entryLines(m *Model, e roster.Entry, w int) []string {
	src := "手工录入"
	if e.Source == roster.SourceImport {
		src = fmt.Sprintf("导入（%s 记录 #%d，批次 %d，报送单位 %s）", e.Item, e.RecordID, e.BatchID, e.Provider)
	}
	late := "否"
	if e.Late {
		late = fmt.Sprintf("是：应于 %s 前报送，迟 %d 天（第十七条）", e.ReportDue, e.DaysLate)
	}
	pairs := [][2]string{
		{"编号", e.ID}, {"来源", src}, {"名单", roster.ListLabel(e.List, "zh") + " " + e.ListName},
		{"主体", strings.TrimSpace(e.SubjectCode + " " + e.SubjectName)}, {"认定单位", strings.TrimSpace(e.Unit + " " + e.UnitName)},
		{"认定依据", e.Basis}, {"列入事由", e.Reason}, {"认定日期", e.Determined.String()}, {"有效期至", e.ValidUntil.String()},
		{"报送日期", e.Reported.String()}, {"迟报", late}, {"状态", roster.StatusLabel(e.Status(m.svc.Today), "zh")},
	}
	if e.Source == roster.SourceManual {
		pairs = append(pairs, [2]string{"录入人", e.AddedBy})
		if e.DecidedBy != "" {
			pairs = append(pairs, [2]string{"审核人", e.DecidedBy + " " + e.DecidedOn.String()})
		}
	}
	for _, r := range e.Responsible {
		pairs = append(pairs, [2]string{"负有责任的人员（第二十九条）", r.Code + " " + roster.RoleLabel(r.Role, "zh")})
	}
	if !e.RemovedOn.IsZero() {
		pairs = append(pairs, [2]string{"移出", strings.TrimSpace(e.RemovedOn.String() + " " + roster.GroundLabel(e.RemovalGround, "zh") + " " +
			e.RemovalRef + " " + e.RemovalNote + "（" + e.RemovedBy + "）")})
	}
	return append([]string{""}, kv(m.st, pairs, w)...)
}

// review offers the steps of entry e that roster.Next allows now (a
// pending hand-made entry: 批准, 驳回, for a reviewer) and lists the others
// dimmed with the rule that forbids each. 移出 needs the document's
// reference and ground, typed at the command line (credit roster remove).
func (r *rosters) review(m *Model, e roster.Entry) tea.Cmd {
	status := queue.State(e.Status(m.svc.Today))
	acts := roster.Next(e, m.svc.Op, m.svc.Today)
	for i, a := range acts {
		if a.Command == "remove" && a.Allowed {
			acts[i].Allowed = false
			acts[i].ReasonZh = fmt.Sprintf("移出须凭认定单位的文书和法定事由，请在命令行办理：credit roster remove %s --ground … --ref …", e.ID)
			acts[i].ReasonEn = fmt.Sprintf("a removal needs its ground and document: use credit roster remove %s --ground … --ref …", e.ID)
		}
	}
	return m.commandMenu("名单与案例 › 名单条目 "+e.ID+" · 审核", roster.Machine, status, acts, func(verb string) tea.Cmd {
		a := reviewEntry(m, e.ID, verb)
		a.after = func(m *Model) { r.focus = e.ID }
		return m.start(a)
	})
}

// reviewEntry is `credit roster approve|reject ID --note …`.
func reviewEntry(m *Model, id, verb string) *action {
	var note string
	zh := "批准"
	if verb == "reject" {
		zh = "驳回"
	}
	a := &action{title: "名单与案例 › 名单条目 " + id + " · " + zh}
	a.input = func() *huh.Form { return huh.NewForm(huh.NewGroup(input("审核意见（可空）", &note))) }
	a.prepare = func(ctx context.Context) (string, error) {
		cat, _, err := m.svc.Store.CatalogInForce(ctx, m.svc.Today)
		if err != nil {
			return "", err
		}
		e, err := roster.Get(ctx, m.svc.Store, cat, id)
		if err != nil {
			return "", err
		}
		lines := []string{
			fmt.Sprintf("%s名单条目 %s：%s %s", zh, e.ID, roster.ListLabel(e.List, "zh"), e.ListName),
			"信息主体 " + strings.TrimSpace(e.SubjectCode+" "+e.SubjectName),
			fmt.Sprintf("认定单位 %s，认定日期 %s，有效期至 %s", orCode(e.UnitName, e.Unit), e.Determined, e.ValidUntil),
			"当前状态：" + roster.StatusLabel(e.Status(m.svc.Today), "zh"),
		}
		lines = append(lines, changeLines(roster.Machine, queue.State(e.Status(m.svc.Today)), roster.Machine.Rows(verb)[0].To)...)
		if verb == "approve" {
			lines = append(lines, fmt.Sprintf("批准后自认定日期 %s 起计入信用审查、联合奖惩案例依据和统计。", e.Determined))
		} else {
			lines = append(lines, "驳回后不计入任何审查和统计（驳回待审核的条目不是移出）。")
		}
		if strings.TrimSpace(note) != "" {
			lines = append(lines, "审核意见："+strings.TrimSpace(note))
		}
		return confirmText(lines, nil), nil
	}
	a.run = func(ctx context.Context) (string, error) {
		env, err := m.svc.Env(roster.Transitions[verb].Role)
		if err != nil {
			return "", err
		}
		cat, _, err := env.Store.CatalogInForce(ctx, env.Today())
		if err != nil {
			return "", err
		}
		e, err := roster.Decide(ctx, env.Store, env.Actor, cat, id, verb, note)
		if err != nil {
			return "", err
		}
		if verb == "reject" {
			return fmt.Sprintf("名单条目 %s 已驳回，不计入任何审查和统计", e.ID), nil
		}
		return fmt.Sprintf("名单条目 %s 已审核通过，自 %s 起计入审查和统计", e.ID, e.Determined), nil
	}
	return a
}

// caseLines shows one case with its grounds.
func caseLines(m *Model, c store.MeasureCaseRow, w int) []string {
	return append([]string{""}, kv(m.st, [][2]string{
		{"案例编号", strconv.FormatInt(c.ID, 10)}, {"实施日期", c.AppliedOn}, {"实施单位", strings.TrimSpace(c.UnitName + " " + c.Unit)},
		{"信息主体", strings.TrimSpace(c.SubjectCode + " " + c.SubjectName)}, {"措施", c.Measure + " " + c.MeasureName},
		{"奖惩", sanction.Kind(c.Kind).Label("zh")}, {"事项", c.Matter}, {"成效/结果", c.Result},
		{"依据", sanction.GroundsLabel(c.Grounds, "zh")}, {"记录人", c.RecordedBy + " " + c.RecordedOn},
	}, w)...)
}

// unitOptions are the registered user units, for the forms.
func unitOptions(ctx context.Context, m *Model) ([]huh.Option[string], error) {
	us, err := m.svc.Store.Units(ctx)
	if err != nil {
		return nil, err
	}
	var out []huh.Option[string]
	for _, u := range us {
		out = append(out, huh.NewOption(strings.TrimSpace(u.Name+" "+u.Code), u.Code))
	}
	return out, nil
}

func matterOptions() []huh.Option[string] {
	var out []huh.Option[string]
	for _, x := range sanction.Matters {
		out = append(out, huh.NewOption(x, x))
	}
	return out
}

// check is `credit check CODE --matter M --unit U` for one subject: a form,
// then the result as a page (the check is a lookup, logged as the unit's).
func (r *rosters) check(m *Model) tea.Cmd {
	code, matter, unit := r.subjectHere(), sanction.Matters[0], ""
	return m.fetch(func(ctx context.Context) (func(*Model) tea.Cmd, error) {
		units, err := unitOptions(ctx, m)
		if err != nil {
			return nil, err
		}
		return func(m *Model) tea.Cmd {
			if len(units) == 0 {
				m.say("还没有登记信息使用单位（credit unit add），无法审查。")
				return nil
			}
			unit = units[0].Value
			form := huh.NewForm(huh.NewGroup(
				input("信息主体的统一社会信用代码或身份证号码", &code).Validate(required("信息主体代码")),
				huh.NewSelect[string]().Title("事项").Options(matterOptions()...).Value(&matter),
				huh.NewSelect[string]().Title("信息使用单位").Options(units...).Value(&unit),
			))
			return m.openForm("名单与案例 · 信用审查", "", form, func(m *Model) tea.Cmd { return r.runCheck(m, code, matter, unit) })
		}, nil
	})
}

func (r *rosters) runCheck(m *Model, code, matter, unit string) tea.Cmd {
	return m.fetch(func(ctx context.Context) (func(*Model) tea.Cmd, error) {
		if err := m.svc.Op.Require(operator.Viewer); err != nil {
			return nil, err
		}
		cat, _, err := m.svc.Store.CatalogInForce(ctx, m.svc.Today)
		if err != nil {
			return nil, err
		}
		l, _, err := sanction.MeasuresInForce(ctx, m.svc.Store)
		if err != nil {
			return nil, err
		}
		actor, err := m.svc.Reader()
		if err != nil {
			return nil, err
		}
		res, err := sanction.Check(ctx, m.svc.Store, actor, cat, l, sanction.CheckRequest{Unit: unit, Matter: matter, On: m.svc.Today,
			Inputs: []sanction.Input{{Code: code}}})
		if err != nil {
			return nil, err
		}
		return func(m *Model) tea.Cmd {
			r.title, r.subject = "信用审查 "+strings.TrimSpace(code), strings.TrimSpace(code)
			r.detail = func(w int) []string { return checkLines(m, res, w) }
			r.page.offset = 0
			return nil
		}, nil
	})
}

// checkLines shows a check's result: the subject, its hits with where they
// come from, and the measures that apply for the matter.
func checkLines(m *Model, res *sanction.CheckResult, w int) []string {
	s := m.st
	out := []string{""}
	for _, x := range res.Results {
		status := "未命中"
		switch x.Status {
		case sanction.Hit:
			status = "命中"
		case sanction.InvalidCode:
			status = "代码无效：" + x.Reason
		default:
			if !x.InArchive {
				status = "未命中（无档案）"
			}
		}
		out = append(out, kv(s, [][2]string{{"信息主体", strings.TrimSpace(x.Code + " " + x.Name)}, {"事项", res.Matter},
			{"信息使用单位", strings.TrimSpace(res.UnitName + " " + res.Unit)}, {"审查日期", res.Date.String()}, {"审查结果", status},
			{"查询记录", queryRef(x.QueryID)}}, w)...)
		var rows [][]string
		for _, e := range x.ListEntries {
			rows = append(rows, []string{sanction.ListLabel(e.List, "zh"), e.ID, e.ListName, e.Determined.String(), e.ValidUntil.String()})
		}
		for _, h := range x.SeriousRecords {
			src := sanction.RoleLabel(h.Role, "zh")
			if h.OwnerCode != "" {
				src += " " + strings.TrimSpace(h.OwnerName+" "+h.OwnerCode)
			}
			rows = append(rows, []string{"严重失信记录", fmt.Sprintf("#%d", h.RecordID), h.ItemName + "（" + src + "）", h.DecidedOn, h.ValidUntil})
		}
		if len(rows) > 0 {
			out = append(out, "", s.Title.Render("  命中"))
			out = append(out, grid(s, []string{"类型", "编号", "名单/信息项", "认定/决定日期", "有效期至"}, rows, w)...)
		}
		rows = nil
		for _, mh := range x.Measures {
			var g []string
			for _, gr := range mh.Grounds {
				g = append(g, gr.Label("zh"))
			}
			rows = append(rows, []string{mh.Code, mh.Name, mh.Kind.Label("zh"), strings.Join(g, "；")})
		}
		if len(rows) > 0 {
			out = append(out, "", s.Title.Render("  适用的奖惩措施（"+res.Matter+"）"))
			out = append(out, grid(s, []string{"措施", "名称", "奖惩", "依据"}, rows, w)...)
			out = append(out, "", "  按 n 记录已实施的措施（联合奖惩案例）。")
		}
	}
	if res.Draft {
		out = append(out, "", s.Warn.Render("  注意：奖惩措施清单为草稿，尚未与国家清单原文核对。"))
	}
	return out
}

func queryRef(id int64) string {
	if id == 0 {
		return ""
	}
	return fmt.Sprintf("Q%d", id)
}

// recordCase is `credit case record`.
func recordCase(m *Model, subject string) *action {
	var measure, unit, date, result string
	matter := sanction.Matters[0]
	date = m.svc.Today.String()
	var units []huh.Option[string]
	var measures []huh.Option[string]
	a := &action{title: "名单与案例 · 记录联合奖惩案例"}
	a.load = func(ctx context.Context) error {
		var err error
		if units, err = unitOptions(ctx, m); err != nil {
			return err
		}
		l, _, err := sanction.MeasuresInForce(ctx, m.svc.Store)
		if err != nil {
			return err
		}
		for _, x := range l.Measures {
			measures = append(measures, huh.NewOption(clip(x.Code+" "+x.Kind().Label("zh")+" "+x.Name, 60), x.Code))
		}
		if len(units) == 0 {
			return fmt.Errorf("还没有登记信息使用单位（credit unit add），无法记录案例")
		}
		if unit == "" {
			unit = units[0].Value
		}
		if measure == "" && len(measures) > 0 {
			measure = measures[0].Value
		}
		return nil
	}
	a.input = func() *huh.Form {
		return huh.NewForm(huh.NewGroup(
			input("信息主体的统一社会信用代码或身份证号码", &subject).Validate(required("信息主体代码")),
			huh.NewSelect[string]().Title("措施（/ 查找）").Options(measures...).Value(&measure).Height(6),
			huh.NewSelect[string]().Title("实施单位").Options(units...).Value(&unit),
			huh.NewSelect[string]().Title("事项").Options(matterOptions()...).Value(&matter).Height(4),
			input("实施日期", &date).Validate(dateField(false)),
			input("成效/结果（可空）", &result),
		))
	}
	var in sanction.CaseInput
	a.prepare = func(ctx context.Context) (string, error) {
		in = sanction.CaseInput{Subject: strings.TrimSpace(subject), Measure: measure, Unit: unit, Matter: matter, Date: dateOr(date, civil.Date{}), Result: result}
		if err := m.svc.Op.Require(operator.Clerk); err != nil {
			return "", err
		}
		l, _, err := sanction.MeasuresInForce(ctx, m.svc.Store)
		if err != nil {
			return "", err
		}
		ms := l.Measure(measure)
		lines := []string{fmt.Sprintf("%s 在“%s”中对 %s 实施 %s %s，实施日期 %s", unitName(units, unit), matter, in.Subject, ms.Code, ms.Name, in.Date)}
		if result != "" {
			lines = append(lines, "成效/结果："+result)
		}
		lines = append(lines, "记录时核对依据：措施须适用于该事项，并针对该主体在实施日期有效的名单条目或严重失信记录。")
		return confirmText(lines, nil), nil
	}
	a.run = func(ctx context.Context) (string, error) {
		env, err := m.svc.Env(operator.Clerk)
		if err != nil {
			return "", err
		}
		cat, _, err := env.Store.CatalogInForce(ctx, env.Today())
		if err != nil {
			return "", err
		}
		l, _, err := sanction.MeasuresInForce(ctx, m.svc.Store)
		if err != nil {
			return "", err
		}
		row, err := sanction.RecordCase(ctx, env.Store, env.Actor, cat, l, in)
		if err != nil {
			return "", err
		}
		a.created = row.ID
		return fmt.Sprintf("已记录案例 %d：%s 对 %s 实施 %s %s（%s，%s）；依据：%s", row.ID, strings.TrimSpace(row.UnitName+" "+row.Unit),
			strings.TrimSpace(row.SubjectCode+" "+row.SubjectName), row.Measure, row.MeasureName, row.Matter, row.AppliedOn,
			sanction.GroundsLabel(row.Grounds, "zh")), nil
	}
	return a
}

func unitName(us []huh.Option[string], code string) string {
	for _, u := range us {
		if u.Value == code {
			return u.Key
		}
	}
	return code
}
