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

	"credit/internal/apperr"
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

func newRosters(lang string) screen {
	t := func(zh, en string) string { return tr(lang, zh, en) }
	r := &rosters{}
	r.el.cols = []column{{title: t("编号", "Entry"), width: 6}, {title: t("名单", "List"), width: 6}, {title: t("名单名称", "List name"), min: 14},
		{title: t("主体", "Subject"), min: 14}, {title: t("认定日期", "Determined"), width: 10, optional: true, drop: 1},
		{title: t("有效期至", "Valid until"), width: 11}, {title: t("迟报", "Late"), width: 12, optional: true, drop: 2},
		{title: t("状态", "Status"), width: 10}}
	r.cl.cols = []column{{title: t("案例", "Case"), width: 5, right: true}, {title: t("实施日期", "Applied on"), width: 10}, {title: t("实施单位", "Unit"), min: 12},
		{title: t("主体", "Subject"), min: 14}, {title: t("奖惩", "Kind"), width: 8}, {title: t("措施", "Measure"), min: 12}, {title: t("事项", "Matter"), width: 12, optional: true}}
	if lang == "en" { // black list, pending approval
		r.el.cols[1].width, r.el.cols[7].width = 10, 16
	} else { // the widths the Chinese titles and values need
		r.el.cols[5].width, r.el.cols[6].width, r.cl.cols[4].width = 10, 8, 4
	}

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

func keyToggle(m *Model) key.Binding {
	return m.bind([]string{"v"}, "v", "名单/案例", "lists/cases")
}
func keyCheck(m *Model) key.Binding {
	return m.bind([]string{"c"}, "c", "信用审查", "credit check")
}
func keyReview(m *Model) key.Binding {
	return m.bind([]string{"a"}, "a", "批准/驳回", "approve/reject")
}

func (r *rosters) key(m *Model, k tea.KeyPressMsg) (tea.Cmd, bool) {
	if r.filter.active {
		if changed, _ := r.filter.key(k); changed {
			r.cur().setFilter(r.filter.text)
		}
		return nil, true
	}
	switch {
	case key.Matches(k, keyCheck(m)):
		return r.check(m), true
	case key.Matches(k, m.keys.New):
		return m.start(recordCase(m, r.subjectHere())), true
	case key.Matches(k, keyReview(m)):
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
	case key.Matches(k, keyToggle(m)):
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
				r.title, r.subject, r.entryID = fmt.Sprintf(m.T("案例 %d", "case %d"), c.ID), c.SubjectCode, ""
				r.detail = func(w int) []string { return caseLines(m, c, w) }
			} else {
				e := r.entries[i]
				r.title, r.subject, r.entryID = m.T("名单条目 ", "list entry ")+e.ID, e.SubjectCode, e.ID
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
		return []key.Binding{m.keepFilter(), m.keys.ClearFilter}
	}
	newCase := m.bind([]string{"n"}, "n", "记录案例", "record a case")
	keyCheck, keyReview, keyToggle := keyCheck(m), keyReview(m), keyToggle(m)
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
		return m.T("名单与案例 › ", "Lists & cases › ") + r.title
	}
	var c string
	if r.cases {
		c = m.T("联合奖惩案例 · "+r.cl.position()+" · v 切换到红黑名单", "Joint reward and sanction cases · "+r.cl.position()+" · v for the red and black lists")
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
		c = m.T(fmt.Sprintf("红黑名单 · %s · 有效 %d · 待审核 %d · v 切换到案例", r.el.position(), valid, pending),
			fmt.Sprintf("Red and black lists · %s · valid %d · pending %d · v for the cases", r.el.position(), valid, pending))
	}
	if r.filter.active || r.cur().filter != "" {
		c += " · " + r.filter.view(m.T("过滤：", "filter: "))
	}
	return c
}

func (r *rosters) body(m *Model, w, h int) []string {
	s := m.st
	switch {
	case r.detail != nil:
		return r.page.renderSet(r.detail(w), h)
	case !r.ready:
		return []string{"", m.T("  正在读取…", "  Reading…")}
	case r.cases:
		return r.cl.render(s, w, h, func(i int) []string {
			c := r.rows[i]
			return []string{strconv.FormatInt(c.ID, 10), c.AppliedOn, orCode(c.UnitName, c.Unit), strings.TrimSpace(c.SubjectName + " " + c.SubjectCode),
				sanction.Kind(c.Kind).Label(m.svc.Lang), c.Measure + " " + c.MeasureName, c.Matter}
		}, nil)
	}
	return r.el.render(s, w, h, func(i int) []string {
		e := r.entries[i]
		late := ""
		if e.Late {
			late = m.T(fmt.Sprintf("迟 %d 天", e.DaysLate), fmt.Sprintf("%d days late", e.DaysLate))
		}
		return []string{e.ID, roster.ListLabel(e.List, m.svc.Lang), e.ListName, strings.TrimSpace(e.SubjectName + " " + e.SubjectCode),
			e.Determined.String(), e.ValidUntil.String(), late, roster.StatusLabel(e.Status(m.svc.Today), m.svc.Lang)}
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
	src := m.T("手工录入", "entered by hand")
	if e.Source == roster.SourceImport {
		src = m.T(fmt.Sprintf("导入（%s 记录 #%d，批次 %d，报送单位 %s）", e.Item, e.RecordID, e.BatchID, e.Provider),
			fmt.Sprintf("imported (%s record #%d, batch %d, from %s)", e.Item, e.RecordID, e.BatchID, e.Provider))
	}
	late := m.T("否", "no")
	if e.Late {
		late = m.T(fmt.Sprintf("是：应于 %s 前报送，迟 %d 天（第十七条）", e.ReportDue, e.DaysLate),
			fmt.Sprintf("yes: due by %s, %d days late (article 17)", e.ReportDue, e.DaysLate))
	}
	lang := m.svc.Lang
	pairs := [][2]string{
		{m.T("编号", "Entry"), e.ID}, {m.T("来源", "Source"), src}, {m.T("名单", "List"), roster.ListLabel(e.List, lang) + " " + e.ListName},
		{m.T("主体", "Subject"), strings.TrimSpace(e.SubjectCode + " " + e.SubjectName)}, {m.T("认定单位", "Determined by"), strings.TrimSpace(e.Unit + " " + e.UnitName)},
		{m.T("认定依据", "Basis"), e.Basis}, {m.T("列入事由", "Reason"), e.Reason}, {m.T("认定日期", "Determined on"), e.Determined.String()},
		{m.T("有效期至", "Valid until"), e.ValidUntil.String()},
		{m.T("报送日期", "Reported on"), e.Reported.String()}, {m.T("迟报", "Late"), late}, {m.T("状态", "Status"), roster.StatusLabel(e.Status(m.svc.Today), lang)},
	}
	if e.Source == roster.SourceManual {
		pairs = append(pairs, [2]string{m.T("录入人", "Entered by"), e.AddedBy})
		if e.DecidedBy != "" {
			pairs = append(pairs, [2]string{m.T("审核人", "Reviewed by"), e.DecidedBy + " " + e.DecidedOn.String()})
		}
	}
	for _, r := range e.Responsible {
		pairs = append(pairs, [2]string{m.T("负有责任的人员（第二十九条）", "Responsible (article 29)"), r.Code + " " + roster.RoleLabel(r.Role, lang)})
	}
	if !e.RemovedOn.IsZero() {
		pairs = append(pairs, [2]string{m.T("移出", "Removed"), strings.TrimSpace(e.RemovedOn.String() + " " + roster.GroundLabel(e.RemovalGround, lang) + " " +
			e.RemovalRef + " " + e.RemovalNote + m.T("（"+e.RemovedBy+"）", " ("+e.RemovedBy+")"))})
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
	return m.commandMenu(m.T("名单与案例 › 名单条目 "+e.ID+" · 审核", "Lists & cases › list entry "+e.ID+" · review"), roster.Machine, status, acts, func(verb string) tea.Cmd {
		a := reviewEntry(m, e.ID, verb)
		a.after = func(m *Model) { r.focus = e.ID }
		return m.start(a)
	})
}

// reviewEntry is `credit roster approve|reject ID --note …`.
func reviewEntry(m *Model, id, verb string) *action {
	var note string
	zh, en := "批准", "approve"
	if verb == "reject" {
		zh, en = "驳回", "reject"
	}
	a := &action{title: m.T("名单与案例 › 名单条目 "+id+" · "+zh, "Lists & cases › list entry "+id+" · "+en)}
	a.input = func() *huh.Form {
		return huh.NewForm(huh.NewGroup(input(m.T("审核意见（可空）", "Review note (optional)"), &note)))
	}
	a.prepare = func(ctx context.Context) (string, error) {
		cat, _, err := m.svc.Store.CatalogInForce(ctx, m.svc.Today)
		if err != nil {
			return "", err
		}
		e, err := roster.Get(ctx, m.svc.Store, cat, id)
		if err != nil {
			return "", err
		}
		lang := m.svc.Lang
		lines := []string{
			m.T(fmt.Sprintf("%s名单条目 %s：%s %s", zh, e.ID, roster.ListLabel(e.List, lang), e.ListName),
				fmt.Sprintf("%s list entry %s: %s %s", strings.ToUpper(en[:1])+en[1:], e.ID, roster.ListLabel(e.List, lang), e.ListName)),
			m.T("信息主体 ", "Subject ") + strings.TrimSpace(e.SubjectCode+" "+e.SubjectName),
			m.T(fmt.Sprintf("认定单位 %s，认定日期 %s，有效期至 %s", orCode(e.UnitName, e.Unit), e.Determined, e.ValidUntil),
				fmt.Sprintf("Determined by %s on %s, valid until %s", orCode(e.UnitName, e.Unit), e.Determined, e.ValidUntil)),
			m.T("当前状态：", "Status now: ") + roster.StatusLabel(e.Status(m.svc.Today), lang),
		}
		lines = append(lines, m.changeLines(roster.Machine, queue.State(e.Status(m.svc.Today)), roster.Machine.Rows(verb)[0].To)...)
		if verb == "approve" {
			lines = append(lines, m.T(fmt.Sprintf("批准后自认定日期 %s 起计入信用审查、联合奖惩案例依据和统计。", e.Determined),
				fmt.Sprintf("Once approved it counts in credit checks, as a ground of joint cases and in the statistics from its determination date %s.", e.Determined)))
		} else {
			lines = append(lines, m.T("驳回后不计入任何审查和统计（驳回待审核的条目不是移出）。",
				"Once rejected it counts in no check or statistic (rejecting a pending entry is not a removal)."))
		}
		if strings.TrimSpace(note) != "" {
			lines = append(lines, m.T("审核意见：", "Review note: ")+strings.TrimSpace(note))
		}
		return m.confirmText(lines, nil), nil
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
			return m.T(fmt.Sprintf("名单条目 %s 已驳回，不计入任何审查和统计", e.ID), fmt.Sprintf("List entry %s rejected: it counts in no check or statistic", e.ID)), nil
		}
		return m.T(fmt.Sprintf("名单条目 %s 已审核通过，自 %s 起计入审查和统计", e.ID, e.Determined),
			fmt.Sprintf("List entry %s approved: it counts in checks and statistics from %s", e.ID, e.Determined)), nil
	}
	return a
}

// caseLines shows one case with its grounds.
func caseLines(m *Model, c store.MeasureCaseRow, w int) []string {
	return append([]string{""}, kv(m.st, [][2]string{
		{m.T("案例编号", "Case"), strconv.FormatInt(c.ID, 10)}, {m.T("实施日期", "Applied on"), c.AppliedOn},
		{m.T("实施单位", "Unit"), strings.TrimSpace(c.UnitName + " " + c.Unit)},
		{m.T("信息主体", "Subject"), strings.TrimSpace(c.SubjectCode + " " + c.SubjectName)}, {m.T("措施", "Measure"), c.Measure + " " + c.MeasureName},
		{m.T("奖惩", "Kind"), sanction.Kind(c.Kind).Label(m.svc.Lang)}, {m.T("事项", "Matter"), c.Matter}, {m.T("成效/结果", "Result"), c.Result},
		{m.T("依据", "Grounds"), sanction.GroundsLabel(c.Grounds, m.svc.Lang)}, {m.T("记录人", "Recorded by"), c.RecordedBy + " " + c.RecordedOn},
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
				m.say(m.T("还没有登记信息使用单位（credit unit add），无法审查。", "No user unit is registered yet (credit unit add): nothing to check for."))
				return nil
			}
			unit = units[0].Value
			form := huh.NewForm(huh.NewGroup(
				input(m.T("信息主体的统一社会信用代码或身份证号码", "The subject's 统一社会信用代码 or 身份证号码"), &code).Validate(m.required(m.T("信息主体代码", "the subject's code"))),
				huh.NewSelect[string]().Title(m.T("事项", "Matter")).Options(matterOptions()...).Value(&matter),
				huh.NewSelect[string]().Title(m.T("信息使用单位", "User unit")).Options(units...).Value(&unit),
			))
			return m.openForm(m.T("名单与案例 · 信用审查", "Lists & cases · credit check"), "", form, func(m *Model) tea.Cmd { return r.runCheck(m, code, matter, unit) })
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
		// The page is about the subject checked, by its code as the check
		// read it (folded, upper case), whatever was typed or open before.
		checked := strings.TrimSpace(code)
		if len(res.Results) == 1 && res.Results[0].Code != "" {
			checked = res.Results[0].Code
		}
		return func(m *Model) tea.Cmd {
			r.title, r.subject, r.entryID = m.T("信用审查 ", "credit check ")+checked, checked, ""
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
		lang := m.svc.Lang
		status := m.T("未命中", "no hit")
		switch x.Status {
		case sanction.Hit:
			status = m.T("命中", "hit")
		case sanction.InvalidCode:
			status = m.T("代码无效：", "invalid code: ") + x.Reason
		default:
			if !x.InArchive {
				status = m.T("未命中（无档案）", "no hit (no archive)")
			}
		}
		out = append(out, kv(s, [][2]string{{m.T("信息主体", "Subject"), strings.TrimSpace(x.Code + " " + x.Name)}, {m.T("事项", "Matter"), res.Matter},
			{m.T("信息使用单位", "User unit"), strings.TrimSpace(res.UnitName + " " + res.Unit)}, {m.T("审查日期", "Checked on"), res.Date.String()},
			{m.T("审查结果", "Result"), status}, {m.T("查询记录", "Query log"), queryRef(x.QueryID)}}, w)...)
		var rows [][]string
		for _, e := range x.ListEntries {
			rows = append(rows, []string{sanction.ListLabel(e.List, lang), e.ID, e.ListName, e.Determined.String(), e.ValidUntil.String()})
		}
		for _, h := range x.SeriousRecords {
			src := sanction.RoleLabel(h.Role, lang)
			if h.OwnerCode != "" {
				src += " " + strings.TrimSpace(h.OwnerName+" "+h.OwnerCode)
			}
			rows = append(rows, []string{m.T("严重失信记录", "serious record"), fmt.Sprintf("#%d", h.RecordID), h.ItemName + m.T("（"+src+"）", " ("+src+")"), h.DecidedOn, h.ValidUntil})
		}
		if len(rows) > 0 {
			out = append(out, "", s.Title.Render(m.T("  命中", "  Hits")))
			out = append(out, grid(s, []string{m.T("类型", "Kind"), m.T("编号", "No."), m.T("名单/信息项", "List/item"), m.T("认定/决定日期", "Determined/decided"),
				m.T("有效期至", "Valid until")}, rows, w)...)
		}
		rows = nil
		for _, mh := range x.Measures {
			var g []string
			for _, gr := range mh.Grounds {
				g = append(g, gr.Label(lang))
			}
			rows = append(rows, []string{mh.Code, mh.Name, mh.Kind.Label(lang), strings.Join(g, m.T("；", "; "))})
		}
		if len(rows) > 0 {
			out = append(out, "", s.Title.Render(m.T("  适用的奖惩措施（"+res.Matter+"）", "  Measures that apply ("+res.Matter+")")))
			out = append(out, grid(s, []string{m.T("措施", "Measure"), m.T("名称", "Name"), m.T("奖惩", "Kind"), m.T("依据", "Grounds")}, rows, w)...)
			out = append(out, "", m.T("  按 n 记录已实施的措施（联合奖惩案例）。", "  Press n to record a measure taken (a joint case)."))
		}
	}
	if res.Draft {
		out = append(out, "", s.Warn.Render(m.T("  注意：奖惩措施清单为草稿，尚未与国家清单原文核对。", "  Note: the measures list is a draft, not yet checked against the national list.")))
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
	a := &action{title: m.T("名单与案例 · 记录联合奖惩案例", "Lists & cases · record a joint case")}
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
			measures = append(measures, huh.NewOption(clip(x.Code+" "+x.Kind().Label(m.svc.Lang)+" "+x.Name, 60), x.Code))
		}
		if len(units) == 0 {
			return apperr.New(apperr.Rule, "还没有登记信息使用单位（credit unit add），无法记录案例", "no user unit is registered yet (credit unit add): no case can be recorded")
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
			input(m.T("信息主体的统一社会信用代码或身份证号码", "The subject's 统一社会信用代码 or 身份证号码"), &subject).Validate(m.required(m.T("信息主体代码", "the subject's code"))),
			huh.NewSelect[string]().Title(m.T("措施（/ 查找）", "Measure (/ to search)")).Options(measures...).Value(&measure).Height(6),
			huh.NewSelect[string]().Title(m.T("实施单位", "Unit that applied it")).Options(units...).Value(&unit),
			huh.NewSelect[string]().Title(m.T("事项", "Matter")).Options(matterOptions()...).Value(&matter).Height(4),
			input(m.T("实施日期", "Applied on"), &date).Validate(m.dateField(false)),
			input(m.T("成效/结果（可空）", "Result (optional)"), &result),
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
		lines := []string{m.T(fmt.Sprintf("%s 在“%s”中对 %s 实施 %s %s，实施日期 %s", unitName(units, unit), matter, in.Subject, ms.Code, ms.Name, in.Date),
			fmt.Sprintf("%s applied %s %s to %s in “%s” on %s", unitName(units, unit), ms.Code, ms.Name, in.Subject, matter, in.Date))}
		if result != "" {
			lines = append(lines, m.T("成效/结果：", "Result: ")+result)
		}
		lines = append(lines, m.T("记录时核对依据：措施须适用于该事项，并针对该主体在实施日期有效的名单条目或严重失信记录。",
			"Recording checks the grounds: the measure must apply to the matter and answer a list entry or serious record of the subject valid on that date."))
		return m.confirmText(lines, nil), nil
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
		return m.T(fmt.Sprintf("已记录案例 %d：%s 对 %s 实施 %s %s（%s，%s）；依据：%s", row.ID, strings.TrimSpace(row.UnitName+" "+row.Unit),
			strings.TrimSpace(row.SubjectCode+" "+row.SubjectName), row.Measure, row.MeasureName, row.Matter, row.AppliedOn,
			sanction.GroundsLabel(row.Grounds, "zh")),
			fmt.Sprintf("Recorded case %d: %s applied %s %s to %s (%s, %s); grounds: %s", row.ID, strings.TrimSpace(row.UnitName+" "+row.Unit),
				row.Measure, row.MeasureName, strings.TrimSpace(row.SubjectCode+" "+row.SubjectName), row.Matter, row.AppliedOn,
				sanction.GroundsLabel(row.Grounds, "en"))), nil

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
