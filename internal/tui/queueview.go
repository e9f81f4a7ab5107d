package tui

import (
	"context"
	"credit/internal/operator"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"credit/internal/queue"
	"credit/internal/workday"
)

// caseRow is one case of a queue as listed (objection.Entry and
// repair.Entry have the same shape, SPEC §D/§E list keys).
type caseRow struct {
	ID, Record int64
	Item       string
	Subject    string
	Name       string // the subject's name, beside its code
	State      queue.State
	StateLabel string
	queue.Standing
	Extra string // the repair queue's publicity period
}

// queueScreen is the list → detail screen the objection and repair queues
// share: sorted by due date (the services' order), filtered with /, sorted
// with s, detail with enter, steps with a, a new case with n.
type queueScreen struct {
	mc        *queue.Machine
	name      string // 异议 / 信用修复
	nameEn    string // Objection / Credit repair
	extraName string // title of the Extra column ("" = none)
	extraEn   string
	rows      []caseRow
	order     []int // source order of the current sort
	sortBy    int
	l         list
	filter    filterBox
	detailID  int64
	detail    func(w int) []string // draws the detail page (the queue's own file)
	state     queue.State
	page      pager
	loadedAt  bool
	focus     int64 // the case to put the cursor on when the list arrives
	overdue   int   // counts for the crumb, made once per listing
	dueSoon   int

	list   func(ctx context.Context, m *Model) ([]caseRow, error)
	show   func(ctx context.Context, m *Model, id int64) (func(w int) []string, queue.State, []queue.Action, error)
	create func(m *Model) *action
	step   func(m *Model, id int64, command string) *action
}

var sortNames = [][2]string{{"到期日", "due date"}, {"编号", "number"}, {"状态", "state"}}

// title is the queue's name in the clerk's language.
func (q *queueScreen) title(m *Model) string { return m.T(q.name, q.nameEn) }

func (q *queueScreen) columns(m *Model) []column {
	cols := []column{
		{title: m.T("编号", "No."), width: 6, right: true},
		{title: m.T("记录", "Record"), width: 7, right: true, optional: true, drop: 1},
		{title: m.T("信息项", "Item"), width: 6},
		{title: m.T("信息主体", "Subject"), min: 18},
		{title: m.T("状态", "State"), width: q.stateWidth(m)},
		{title: m.T("到期日", "Due"), width: 10},
		{title: m.T("期限", "Deadline"), width: q.deadlineWidth(m), optional: true, drop: 2},
		{title: m.T("剩余", "Left"), width: 4, right: true},
		{title: m.T("队列状态", "Status"), width: 8},
	}
	if q.extraName != "" {
		cols = append(cols, column{title: m.T(q.extraName, q.extraEn), width: 23, optional: true})
	}
	return cols
}

// stateWidth fits the longest state name of the workflow.
func (q *queueScreen) stateWidth(m *Model) int {
	w := 4
	for _, s := range q.mc.States {
		w = max(w, width(m.T(s.Zh, s.En)))
	}
	return min(w, 16)
}

// deadlineWidth fits the longest deadline name of the workflow.
func (q *queueScreen) deadlineWidth(m *Model) int {
	w := 4
	for _, d := range q.mc.Deadlines {
		w = max(w, width(m.T(d.Zh, d.En)))
	}
	return min(w, 16)
}

func (q *queueScreen) load(m *Model) tea.Cmd {
	keep := q.currentID()
	if q.focus != 0 {
		keep, q.focus = q.focus, 0
	}
	detail := q.detailID
	cmd := m.fetch(func(ctx context.Context) (func(*Model) tea.Cmd, error) {
		// The queues show natural persons' names and ID numbers: office
		// staff only (clerk and above), as in the CLI.
		if err := m.svc.Op.Require(operator.Clerk); err != nil {
			return nil, err
		}
		rows, err := q.list(ctx, m)
		if err != nil {
			return nil, err
		}
		return func(m *Model) tea.Cmd {
			q.setRows(m, rows)
			q.selectID(keep)
			return nil
		}, nil
	})
	if detail != 0 {
		return tea.Batch(cmd, q.open(m, detail))
	}
	return cmd
}

// setRows takes a new listing, keeping the filter and the sort.
func (q *queueScreen) setRows(m *Model, rows []caseRow) {
	q.rows = rows
	q.loadedAt = true
	q.overdue, q.dueSoon = 0, 0
	for _, r := range rows {
		switch r.Status {
		case workday.StatusOverdue:
			q.overdue++
		case workday.StatusDueSoon:
			q.dueSoon++
		}
	}
	q.l.cols = q.columns(m)
	q.resort(m)
}

func (q *queueScreen) resort(m *Model) {
	q.order = make([]int, len(q.rows))
	for i := range q.order {
		q.order[i] = i
	}
	switch q.sortBy {
	case 1:
		sort.SliceStable(q.order, func(a, b int) bool { return q.rows[q.order[a]].ID < q.rows[q.order[b]].ID })
	case 2:
		rank := map[queue.State]int{}
		for i, s := range q.mc.States {
			rank[s.State] = i
		}
		sort.SliceStable(q.order, func(a, b int) bool {
			return rank[q.rows[q.order[a]].State] < rank[q.rows[q.order[b]].State]
		})
	}
	keys := make([]string, len(q.order))
	for i, src := range q.order {
		keys[i] = q.filterKey(m, q.rows[src])
	}
	keep := q.currentID()
	q.l.setRows(keys)
	q.selectID(keep)
}

func (q *queueScreen) filterKey(m *Model, r caseRow) string {
	due := ""
	if r.Due != nil {
		due = r.Due.String()
	}
	return strings.ToLower(strings.Join([]string{"#" + strconv.FormatInt(r.ID, 10), strconv.FormatInt(r.Record, 10), r.Item, r.Subject, r.Name,
		r.StateLabel, string(r.State), due, m.statusText(r.Standing), string(r.Status), r.Extra}, "\x00"))
}

func (q *queueScreen) currentID() int64 {
	if src := q.l.current(); src >= 0 && src < len(q.order) {
		return q.rows[q.order[src]].ID
	}
	return 0
}

func (q *queueScreen) currentRow() (caseRow, bool) {
	if src := q.l.current(); src >= 0 && src < len(q.order) {
		return q.rows[q.order[src]], true
	}
	return caseRow{}, false
}

func (q *queueScreen) selectID(id int64) {
	if id == 0 {
		return
	}
	for i, src := range q.order {
		if q.rows[src].ID == id {
			q.l.selectSource(i)
			return
		}
	}
}

// open reads case id's detail off the UI loop and shows it.
func (q *queueScreen) open(m *Model, id int64) tea.Cmd {
	return m.fetch(func(ctx context.Context) (func(*Model) tea.Cmd, error) {
		draw, state, _, err := q.show(ctx, m, id)
		if err != nil {
			return nil, err
		}
		return func(m *Model) tea.Cmd {
			if q.detailID != id {
				q.page.offset = 0
			}
			q.detailID, q.detail, q.state = id, draw, state
			return nil
		}, nil
	})
}

func (q *queueScreen) typing() bool { return q.filter.active }

func (q *queueScreen) back(m *Model) bool {
	if q.detailID != 0 {
		q.detailID, q.detail = 0, nil
		return true
	}
	return false
}

func (q *queueScreen) key(m *Model, k tea.KeyPressMsg) (tea.Cmd, bool) {
	if q.filter.active {
		if changed, _ := q.filter.key(k); changed {
			q.l.setFilter(q.filter.text)
		}
		return nil, true
	}
	if q.detailID != 0 {
		switch {
		case m.scrollKey(&q.page, k):
			return nil, true
		case key.Matches(k, m.keys.Act):
			return q.act(m, q.detailID, q.state), true
		case key.Matches(k, m.keys.New):
			return q.startNew(m), true
		}
		return nil, false
	}
	switch {
	case m.moveKey(&q.l, k):
		return nil, true
	case key.Matches(k, m.keys.Filter):
		q.filter.active = true
		return nil, true
	case key.Matches(k, m.keys.ClearFilter) && q.l.filter != "":
		q.filter.text = ""
		q.l.setFilter("")
		return nil, true
	case key.Matches(k, m.keys.Sort):
		q.sortBy = (q.sortBy + 1) % len(sortNames)
		q.resort(m)
		return nil, true
	case key.Matches(k, m.keys.New):
		return q.startNew(m), true
	case key.Matches(k, m.keys.Open):
		if r, ok := q.currentRow(); ok {
			return q.open(m, r.ID), true
		}
		return nil, true
	case key.Matches(k, m.keys.Act):
		if r, ok := q.currentRow(); ok {
			return q.act(m, r.ID, r.State), true
		}
		return nil, true
	}
	return nil, false
}

// startNew takes a new case; the list then shows it under the cursor.
func (q *queueScreen) startNew(m *Model) tea.Cmd {
	a := q.create(m)
	a.after = func(m *Model) {
		q.detailID = 0
		q.focus = a.created
	}
	return m.start(a)
}

// act asks which step to take on case id, then runs it. The menu is read
// off the UI loop from the engine: the steps allowed now, the others dimmed
// with the rule that forbids each.
func (q *queueScreen) act(m *Model, id int64, _ queue.State) tea.Cmd {
	return m.fetch(func(ctx context.Context) (func(*Model) tea.Cmd, error) {
		_, cur, acts, err := q.show(ctx, m, id)
		if err != nil {
			return nil, err
		}
		return func(m *Model) tea.Cmd {
			return m.commandMenu(m.T(fmt.Sprintf("%s %d · 办理", q.name, id), fmt.Sprintf("%s %d · act", q.nameEn, id)), q.mc, cur, acts, func(command string) tea.Cmd {
				a := q.step(m, id, command)
				a.after = func(m *Model) { q.focus = id }
				return m.start(a)
			})
		}, nil
	})
}

func (q *queueScreen) keys(m *Model) []key.Binding {
	if q.filter.active {
		return []key.Binding{m.keepFilter(), m.keys.ClearFilter}
	}
	if q.detailID != 0 {
		return []key.Binding{m.keys.Act, m.keys.New, m.keys.Down, m.keys.Up, m.keys.Top, m.keys.Bottom, m.keys.Back}
	}
	bs := []key.Binding{m.keys.Act, m.keys.New, m.keys.Open, m.keys.Filter, m.keys.Sort}
	if q.l.filter != "" {
		bs = append(bs, m.keys.ClearFilter)
	}
	return append(bs, m.navKeys()...)
}

func (q *queueScreen) crumb(m *Model) string {
	if q.detailID != 0 {
		return m.T(fmt.Sprintf("%s › %s %d", q.name+"队列", q.name, q.detailID), fmt.Sprintf("%s queue › %s %d", q.nameEn, q.nameEn, q.detailID))
	}
	c := m.T(fmt.Sprintf("%s队列 · %s · 已超期 %d · 即将到期 %d · 按%s排序", q.name, q.l.position(), q.overdue, q.dueSoon, sortNames[q.sortBy][0]),
		fmt.Sprintf("%s queue · %s · overdue %d · due soon %d · by %s", q.nameEn, q.l.position(), q.overdue, q.dueSoon, sortNames[q.sortBy][1]))
	if q.filter.active || q.l.filter != "" {
		c += " · " + q.filter.view(m.T("过滤：", "filter: "))
	}
	return c
}

func (q *queueScreen) body(m *Model, w, h int) []string {
	if q.detailID != 0 {
		q.page.set(q.detail(w))
		return q.page.render(h)
	}
	if !q.loadedAt {
		return []string{"", m.T("  正在读取"+q.name+"队列…", "  Reading the "+strings.ToLower(q.nameEn)+" queue…")}
	}
	return q.l.render(m.st, w, h, func(src int) []string {
		r := q.rows[q.order[src]]
		return m.caseCells(q.mc, r)
	}, func(src, col int) (lipgloss.Style, bool) {
		if col != 8 && col != 5 && col != 7 {
			return lipgloss.Style{}, false
		}
		r := q.rows[q.order[src]]
		return m.st.Status(r.Status), true
	})
}

// caseCells are a case's list cells.
func (m *Model) caseCells(mc *queue.Machine, r caseRow) []string {
	due, what, left := "", "", ""
	if r.Due != nil {
		due = r.Due.String()
		d := mc.Deadline(r.Deadline)
		what = m.T(d.Zh, d.En)
	}
	if r.DaysLeft != nil {
		left = strconv.Itoa(*r.DaysLeft)
	}
	return []string{strconv.FormatInt(r.ID, 10), strconv.FormatInt(r.Record, 10), r.Item, strings.TrimSpace(r.Name + " " + r.Subject), r.StateLabel, due, what, left,
		m.statusText(r.Standing), r.Extra}
}

// statusText is a queue status in words, so it reads the same without
// colour: 已超期, 即将到期, 正常, 已办结 (超期办结 when a deadline was missed).
func (m *Model) statusText(s queue.Standing) string {
	if s.Status == workday.StatusDone && s.OnTime != nil && !*s.OnTime {
		return m.T("超期办结", "done late")
	}
	t := m.statusLabel(s.Status)
	if s.Provisional {
		t += "*"
	}
	return t
}

// caseDetail draws the parts every case has: its deadlines and timeline.
func caseDetail(m *Model, mc *queue.Machine, head [][2]string, ds []queue.DeadlineView, tl []queue.EventView, w int) []string {
	out := []string{""}
	out = append(out, kv(m.st, head, w)...)
	if len(ds) > 0 {
		out = append(out, "", m.st.Title.Render(m.T("  期限", "  Deadlines")))
		var rows [][]string
		for _, d := range ds {
			result := ""
			switch {
			case d.Met && d.OnTime != nil && *d.OnTime:
				result = m.T("按期完成 ", "met on time ") + d.MetOn.String()
			case d.Met:
				result = m.T("超期完成 ", "met late ") + d.MetOn.String()
			default:
				result = m.T(fmt.Sprintf("%s（剩余工作日 %d）", d.Status.Label(), *d.DaysLeft),
					fmt.Sprintf("%s (%d working days left)", m.statusLabel(d.Status), *d.DaysLeft))
			}
			if d.Provisional {
				result += m.T("（临时日历）", " (provisional calendar)")
			}
			rows = append(rows, []string{m.deadlineLabel(mc, d.Name, d.Label), d.Start.String(), strconv.Itoa(d.Days), d.Due.String(), result})
		}
		out = append(out, grid(m.st, []string{m.T("期限", "Deadline"), m.T("起算日", "Starts"), m.T("工作日", "Working days"),
			m.T("到期日", "Due"), m.T("情况", "Standing")}, rows, w)...)
	}
	out = append(out, "", m.st.Title.Render(m.T("  经过", "  Timeline")))
	var rows [][]string
	for _, e := range tl {
		op := e.Operator
		if e.ActingBy != "" {
			op += m.T("（"+e.ActingBy+"）", " ("+e.ActingBy+")")
		}
		rows = append(rows, []string{e.On.String(), m.eventLabel(mc, e), m.stateLabel(mc, e.To), op, e.Note})
	}
	out = append(out, grid(m.st, []string{m.T("日期", "Date"), m.T("办理", "Step"), m.T("状态", "State"), m.T("操作员", "Operator"), m.T("说明", "Note")}, rows, w)...)
	return out
}

// deadlineLabel is deadline name's label in the clerk's language (label:
// the one the service gave, in Chinese).
func (m *Model) deadlineLabel(mc *queue.Machine, name, label string) string {
	if !m.en() {
		return label
	}
	return mc.Deadline(name).En
}

// eventLabel is a timeline event's step in the clerk's language.
func (m *Model) eventLabel(mc *queue.Machine, e queue.EventView) string {
	if !m.en() || e.Command == "" {
		return e.Label
	}
	return mc.CommandLabel(e.Command, "en")
}

// standingText is "审核期限 2025-12-15（剩余 9 个工作日）" for a case's head.
func (m *Model) standingText(mc *queue.Machine, s queue.Standing) string {
	if s.Due == nil {
		return ""
	}
	d := mc.Deadline(s.Deadline)
	return m.T(fmt.Sprintf("%s %s（剩余工作日 %d）", d.Zh, s.Due, *s.DaysLeft), fmt.Sprintf("%s %s (%d working days left)", d.En, s.Due, *s.DaysLeft))
}
