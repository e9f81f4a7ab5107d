// Package tui is credit's terminal UI (`credit tui`): the clerk's day in one
// screen — overview, archives, the objection and repair queues, import
// batches, lists and cases, monthly reports. It is a second face of the same
// services as the command line (internal/objection, internal/repair,
// internal/archive, internal/store…): no rule lives here. Every change goes
// form → confirmation (with the deadline it will set) → the service, as the
// logged-in operator, audited by the service. Lookups run off the UI loop.
//
// One file per screen: overview.go, archive.go, objections.go, repairs.go,
// batches.go, rosters.go, reports.go; app.go holds the frame (tabs, help,
// status line), keys.go the bindings, forms.go the form → confirm → run flow.
package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"credit/internal/apperr"
	"credit/internal/archive"
	"credit/internal/civil"
	"credit/internal/objection"
	"credit/internal/operator"
	"credit/internal/queue"
	"credit/internal/repair"
	"credit/internal/roster"
	"credit/internal/store"
	"credit/internal/workday"
)

// Services are what the TUI works with: the same store, calendar, clock and
// operator the command line uses, and the command line's own wiring for
// changes and office lookups (internal/cli passes them in).
type Services struct {
	Store *store.Store
	Cal   *workday.Calendar
	Today civil.Date
	Op    operator.Operator
	Lang  string
	// Env opens a queue environment for a change that needs role, with the
	// command line's checks (a future --today is refused, the role required).
	Env func(role operator.Role) (queue.Env, error)
	// Office authorises a lookup in the office scope, as `credit subject
	// show --scope office` does; every look is written to the query log.
	Office func(purpose string) (*archive.Access, store.Actor, error)
	// Reader is the actor a logged lookup (a credit check, a report) is
	// written as: the operator, who must hold at least the viewer role.
	Reader func() (store.Actor, error)
}

// Options change how the TUI draws, not what it does.
type Options struct {
	Color   bool // colours (false with NO_COLOR, and in golden tests)
	Animate bool // spinner ticks (false in tests, so views are stable)
	// SearchPage is how many subjects a search reads at a time (0: 200);
	// scrolling past the last one reads the next page.
	SearchPage int
}

// Screen indices, in tab order.
const (
	tabOverview = iota
	tabArchive
	tabObjections
	tabRepairs
	tabBatches
	tabRosters
	tabReports
)

// tabNames are the views' names, Chinese and English.
var tabNames = [][2]string{{"概览", "Overview"}, {"档案", "Archive"}, {"异议", "Objections"}, {"修复", "Repairs"},
	{"归集", "Batches"}, {"名单与案例", "Lists & cases"}, {"报表", "Reports"}}

// tr picks the text of lang: the Chinese and the English side by side where
// the text is written, as the command line's app.T does. Anything but "en"
// is Chinese.
func tr(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

// T is the text in the clerk's language (Services.Lang).
func (m *Model) T(zh, en string) string { return tr(m.svc.Lang, zh, en) }

// en reports an English UI.
func (m *Model) en() bool { return m.svc.Lang == "en" }

// bind is a key binding with its help in the clerk's language.
func (m *Model) bind(keys []string, k, zh, en string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, m.T(zh, en)))
}

// tabName is view i's name.
func (m *Model) tabName(i int) string { return m.T(tabNames[i][0], tabNames[i][1]) }

// screen is one view behind a tab. Its state (list, cursor, filter, sort,
// level) survives switching tabs.
type screen interface {
	// load (re)reads the screen's data off the UI loop.
	load(m *Model) tea.Cmd
	// key handles a key; false lets the frame handle it.
	key(m *Model, k tea.KeyPressMsg) (tea.Cmd, bool)
	// body draws the screen in w×h cells.
	body(m *Model, w, h int) []string
	// crumb is the second line: where the clerk is, and counts.
	crumb(m *Model) string
	// keys are the bindings that work here now (help bar and ? overlay).
	keys(m *Model) []key.Binding
	// typing reports that a text input has the keys (filter, search).
	typing() bool
	// back goes up one level (detail → list); false at the top.
	back(m *Model) bool
}

// Model is the whole TUI: the frame and its screens.
type Model struct {
	svc  Services
	opt  Options
	keys Keys
	st   Styles
	ctx  context.Context

	w, h     int
	tab      int
	screens  []screen
	loaded   []bool
	stale    []bool
	showHelp bool
	flash    string
	flashErr bool
	loading  int
	spin     spinner.Model
	help     help.Model
	flow     *formFlow
	// Keys typed while a read is under way or a form is moving its focus
	// wait here and are replayed, in order, once the screen they were
	// typed for is there: a fast typist's keys land in the field that had
	// focus when they were typed, none lost, none in the wrong field.
	pending []tea.KeyPressMsg
	hold    bool // a form's focus move (enter, tab) is under way
}

// New builds the TUI on svc.
func New(svc Services, opt Options) *Model {
	if svc.Lang != "en" {
		svc.Lang = "zh"
	}
	m := &Model{svc: svc, opt: opt, keys: DefaultKeys(svc.Lang), st: NewStyles(opt.Color), ctx: context.Background(), w: 100, h: 30}
	m.st.Lang = svc.Lang
	m.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	m.help = help.New()
	if !opt.Color {
		plain := lipgloss.NewStyle()
		m.help.Styles = help.Styles{Ellipsis: plain, ShortKey: plain.Bold(true), ShortDesc: plain, ShortSeparator: plain,
			FullKey: plain.Bold(true), FullDesc: plain, FullSeparator: plain}
	}
	m.help.ShortSeparator = " · "
	m.screens = []screen{newOverview(), newArchiveScreen(svc.Lang), newObjections(), newRepairs(), newBatches(svc.Lang), newRosters(svc.Lang), newReports()}
	m.loaded = make([]bool, len(m.screens))
	m.stale = make([]bool, len(m.screens))
	return m
}

// Init loads the first view.
func (m *Model) Init() tea.Cmd { return m.show(tabOverview) }

// show switches to tab i, loading it the first time and after changes.
func (m *Model) show(i int) tea.Cmd {
	m.tab = i
	if m.loaded[i] && !m.stale[i] {
		return nil
	}
	m.loaded[i], m.stale[i] = true, false
	return m.screens[i].load(m)
}

// changed marks every view for reloading after a change and reloads this one.
func (m *Model) changed() tea.Cmd {
	for i := range m.stale {
		m.stale[i] = true
	}
	m.stale[m.tab] = false
	return m.screens[m.tab].load(m)
}

// loadedMsg carries the result of a lookup back to the UI loop; apply runs
// there and updates the screen that asked.
type loadedMsg struct {
	apply func(m *Model) tea.Cmd
	err   error
}

// fetch runs f off the UI loop with the spinner going.
func (m *Model) fetch(f func(ctx context.Context) (func(m *Model) tea.Cmd, error)) tea.Cmd {
	m.loading++
	ctx := m.ctx
	run := func() tea.Msg {
		apply, err := f(ctx)
		return loadedMsg{apply: apply, err: err}
	}
	if m.loading == 1 && m.opt.Animate {
		return tea.Batch(run, m.spin.Tick)
	}
	return run
}

// Update handles one message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		if m.flow != nil {
			m.flow.resize(m)
		}
		return m, nil
	case loadedMsg:
		m.loading = max(0, m.loading-1)
		if msg.err != nil {
			m.setError(msg.err)
			return m, m.replay()
		}
		var cmd tea.Cmd
		if msg.apply != nil {
			cmd = msg.apply(m)
		}
		return m, tea.Batch(cmd, m.replay())
	case spinner.TickMsg:
		if m.loading == 0 || !m.opt.Animate {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case tea.KeyPressMsg:
		if (m.loading > 0 || m.hold) && !key.Matches(msg, m.keys.ForceQuit) {
			m.pending = append(m.pending, msg)
			return m, nil
		}
		return m, m.onKey(msg)
	}
	var cmd tea.Cmd
	if m.flow != nil { // the form's own messages (next field, …)
		cmd = m.flow.update(m, msg)
	}
	m.hold = false
	return m, tea.Batch(cmd, m.replay())
}

// replay sends the keys that waited, while nothing else is under way.
func (m *Model) replay() tea.Cmd {
	var cmds []tea.Cmd
	for len(m.pending) > 0 && m.loading == 0 && !m.hold {
		k := m.pending[0]
		m.pending = m.pending[1:]
		cmds = append(cmds, m.onKey(k))
	}
	return tea.Batch(cmds...)
}

func (m *Model) onKey(k tea.KeyPressMsg) tea.Cmd {
	if key.Matches(k, m.keys.ForceQuit) {
		return tea.Quit
	}
	if m.flow != nil {
		if key.Matches(k, m.keys.FormCancel) {
			m.flow = nil
			m.say(m.T("已取消，未作任何改动。", "Cancelled; nothing was changed."))
			return nil
		}
		cmd := m.flow.update(m, k)
		if cmd != nil && m.flow != nil && key.Matches(k, m.keys.FormNext, m.keys.FormPrev) {
			m.hold = true // the focus moves when cmd's message comes back
		}
		return cmd
	}
	m.flash = ""
	if m.showHelp {
		if key.Matches(k, m.keys.Help, m.keys.Back, m.keys.Quit) {
			m.showHelp = false
		}
		return nil
	}
	sc := m.screens[m.tab]
	if sc.typing() {
		cmd, _ := sc.key(m, k)
		return cmd
	}
	switch {
	case key.Matches(k, m.keys.Help):
		m.showHelp = true
		return nil
	case key.Matches(k, m.keys.NextView):
		return m.show((m.tab + 1) % len(m.screens))
	case key.Matches(k, m.keys.PrevView):
		return m.show((m.tab + len(m.screens) - 1) % len(m.screens))
	case key.Matches(k, m.keys.Refresh):
		m.loaded[m.tab] = true
		return m.screens[m.tab].load(m)
	}
	for i, b := range m.keys.Views {
		if key.Matches(k, b) {
			return m.show(i)
		}
	}
	if cmd, ok := sc.key(m, k); ok {
		return cmd
	}
	switch {
	case key.Matches(k, m.keys.Quit):
		if !sc.back(m) {
			return tea.Quit
		}
	case key.Matches(k, m.keys.Back):
		sc.back(m)
	}
	return nil
}

// say shows a message on the status line.
func (m *Model) say(s string) { m.flash, m.flashErr = s, false }

// setError shows err on the status line in the clerk's language.
func (m *Model) setError(err error) {
	m.flash, m.flashErr = m.message(err), true
}

// message is err in the clerk's language, as the TUI says it: a refusal
// that names a step by its command-line verb after its Chinese name
// (“更正”（correct）, 办结（close）) names it by its name alone, for here
// the step is chosen from a menu of names, not typed.
func (m *Model) message(err error) string {
	return m.articles(plainVerbs(apperr.MessageOf(err, m.svc.Lang)))
}

// articles names the measures' articles in the clerk's language: the
// services' English twins keep the Chinese article (第三十四条(二)), an
// English screen says article 34(2).
func (m *Model) articles(s string) string {
	if m.en() {
		return articleEn(s)
	}
	return s
}

// workflows are the machines whose steps the TUI offers.
var workflows = []*queue.Machine{objection.Machine, repair.Machine, roster.Machine}

// plainVerbs drops the command-line verbs written in brackets after a
// step's Chinese name.
func plainVerbs(s string) string {
	if !strings.Contains(s, "）") {
		return s
	}
	for _, mc := range workflows {
		for _, c := range mc.Commands {
			s = strings.ReplaceAll(s, "（"+c.Name+"）", "")
		}
	}
	return s
}

// bodySize is the area between the two top lines and the status and help
// lines at the bottom (a long message takes up to three lines).
func (m *Model) bodySize() (int, int) { return m.w, max(1, m.h-3-len(m.statusLines())) }

// View draws the frame around the current screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "credit · " + m.tabName(m.tab)
	return v
}

func (m *Model) render() string {
	w, h := m.bodySize()
	sc := m.screens[m.tab]
	lines := []string{m.tabBar(), m.crumbLine(sc)}
	var body []string
	switch {
	case m.flow != nil:
		body = m.flow.view(m, w, h)
	case m.showHelp:
		body = m.helpOverlay(sc, w, h)
	default:
		body = sc.body(m, w, h)
	}
	if len(body) > h {
		body = body[:h]
	}
	for len(body) < h {
		body = append(body, "")
	}
	lines = append(lines, body...)
	lines = append(lines, m.statusLines()...)
	lines = append(lines, m.helpBar(sc))
	for i, l := range lines {
		lines[i] = clipStyled(l, m.w)
	}
	return strings.Join(lines, "\n")
}

// clipStyled keeps a styled line within w cells.
func clipStyled(s string, w int) string {
	if width(s) <= w {
		return s
	}
	return lipgloss.NewStyle().MaxWidth(w).Render(s)
}

func (m *Model) tabBar() string {
	var parts []string
	for i := range tabNames {
		name := m.tabName(i)
		label := fmt.Sprintf(" %d %s ", i+1, name)
		if i == m.tab {
			if !m.st.Color {
				label = fmt.Sprintf("[%d %s]", i+1, name)
			}
			parts = append(parts, m.st.ActiveTab.Render(label))
		} else {
			parts = append(parts, m.st.Tab.Render(label))
		}
	}
	bar := strings.Join(parts, " ")
	right := "credit"
	if m.loading > 0 {
		right = m.spin.View() + m.T(" 读取中", " reading")
	}
	if gap := m.w - width(bar) - width(right) - 1; gap > 0 {
		bar += strings.Repeat(" ", gap) + m.st.Faint.Render(right)
	}
	return bar
}

func (m *Model) crumbLine(sc screen) string {
	c := sc.crumb(m)
	if m.flow != nil {
		c = m.flow.title
	}
	return m.st.Title.Render(clip(c, m.w))
}

func (m *Model) statusLines() []string {
	if m.flash != "" {
		mark, st := "✓ ", m.st.OK
		if m.flashErr {
			mark, st = "✗ ", m.st.Error
		}
		ls := m.wrap(mark+m.flash, max(10, m.w-1))
		if len(ls) > 3 {
			ls = ls[:3]
			ls[2] = clip(ls[2]+"…", m.w-1)
		}
		for i, l := range ls {
			ls[i] = st.Render(l)
		}
		return ls
	}
	return []string{m.statusLine()}
}

func (m *Model) statusLine() string {
	day := m.svc.Today.String() + " " + m.weekday(m.svc.Today)
	if info, err := m.svc.Cal.DayInfo(m.svc.Today); err == nil {
		day += " " + m.dayKind(info)
	}
	return m.st.Faint.Render(clip(m.T("操作员 ", "Operator ")+m.opLabel()+m.T(" · 今天 ", " · today ")+day, m.w))
}

// opLabel is the operator with the role: alice（经办）, alice (clerk).
func (m *Model) opLabel() string {
	return m.svc.Op.Name + m.T("（"+m.svc.Op.Role.Label()+"）", " ("+string(m.svc.Op.Role)+")")
}

func (m *Model) helpBar(sc screen) string {
	m.help.SetWidth(m.w)
	var bs []key.Binding
	if m.flow != nil {
		bs = m.flow.keys(m)
	} else if m.showHelp {
		bs = []key.Binding{m.keys.Help, m.keys.Back}
	} else {
		bs = append(sc.keys(m), m.keys.Help, m.keys.Quit)
	}
	return m.help.ShortHelpView(bs)
}

// helpOverlay lists every key of this view and the frame's (?), side by
// side so that it fits 80×24.
func (m *Model) helpOverlay(sc screen, w, h int) []string {
	rowsOf := func(bs ...key.Binding) [][]string {
		var rows [][]string
		seen := map[string]bool{}
		for _, b := range bs {
			hk := b.Help()
			if hk.Key == "" || seen[hk.Key+hk.Desc] {
				continue
			}
			seen[hk.Key+hk.Desc] = true
			rows = append(rows, []string{hk.Key, hk.Desc})
		}
		return rows
	}
	half := max(20, w/2)
	head := []string{m.T("按键", "Key"), m.T("作用", "Does")}
	left := append([]string{m.st.Title.Render(m.T("  本视图", "  This view")), ""}, grid(m.st, head, rowsOf(sc.keys(m)...), half-2)...)
	general := append(append([]key.Binding{}, m.keys.Views...), m.keys.NextView, m.keys.PrevView, m.keys.Refresh, m.keys.Help, m.keys.Quit, m.keys.ForceQuit)
	right := append([]string{m.st.Title.Render(m.T("  各视图通用", "  Every view")), ""}, grid(m.st, head, rowsOf(general...), w-half-2)...)
	out := []string{"  " + m.st.Bold.Render(m.T("按键一览（? 或 esc 关闭）", "Keys (? or esc closes)")), ""}
	for i := 0; i < max(len(left), len(right)); i++ {
		l, r := "", ""
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		out = append(out, l+strings.Repeat(" ", max(1, half-width(l)))+r)
	}
	return out
}

var weekdays = []string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// weekday is d's day of the week in the clerk's language.
func (m *Model) weekday(d civil.Date) string {
	if m.en() {
		return d.Weekday().String()
	}
	return weekdays[d.Weekday()]
}

// dayKind says what kind of day in is (the holiday's name is the calendar's
// data, as published by 国务院办公厅).
func (m *Model) dayKind(in workday.Info) string {
	s := m.T("休息日", "rest day")
	switch in.Kind {
	case workday.KindWorkday:
		s = m.T("工作日", "working day")
	case workday.KindAdjusted:
		s = m.T("调休工作日（"+in.Name+"）", "adjusted working day ("+in.Name+")")
	case workday.KindHoliday:
		s = m.T("节假日（"+in.Name+"）", "public holiday ("+in.Name+")")
	}
	if in.Provisional {
		s += m.T("（临时日历）", " (provisional calendar)")
	}
	return s
}

// statusLabel is a deadline status in the clerk's language.
func (m *Model) statusLabel(s workday.Status) string {
	if !m.en() {
		return s.Label()
	}
	switch s {
	case workday.StatusOK:
		return "on time"
	case workday.StatusDueSoon:
		return "due soon"
	case workday.StatusOverdue:
		return "overdue"
	case workday.StatusDone:
		return "done"
	}
	return string(s)
}

// listKeys are the bindings of a list.
func (m *Model) listKeys() []key.Binding {
	return append([]key.Binding{m.keys.Open, m.keys.Filter}, m.navKeys()...)
}

// navKeys move in a list or a page.
func (m *Model) navKeys() []key.Binding {
	return []key.Binding{m.keys.Down, m.keys.Up, m.keys.Top, m.keys.Bottom, m.keys.PageDown, m.keys.PageUp}
}

// moveKey moves a list by a navigation key; false when k is not one.
func (m *Model) moveKey(l *list, k tea.KeyPressMsg) bool {
	switch {
	case key.Matches(k, m.keys.Down):
		l.move(1)
	case key.Matches(k, m.keys.Up):
		l.move(-1)
	case key.Matches(k, m.keys.PageDown):
		l.move(l.page())
	case key.Matches(k, m.keys.PageUp):
		l.move(-l.page())
	case key.Matches(k, m.keys.Top):
		l.top()
	case key.Matches(k, m.keys.Bottom):
		l.bottom()
	default:
		return false
	}
	return true
}

// scrollKey scrolls a detail page; false when k is not a navigation key.
func (m *Model) scrollKey(p *pager, k tea.KeyPressMsg) bool {
	switch {
	case key.Matches(k, m.keys.Down):
		p.scroll(1)
	case key.Matches(k, m.keys.Up):
		p.scroll(-1)
	case key.Matches(k, m.keys.PageDown):
		p.scroll(max(1, p.height-1))
	case key.Matches(k, m.keys.PageUp):
		p.scroll(-max(1, p.height-1))
	case key.Matches(k, m.keys.Top):
		p.top()
	case key.Matches(k, m.keys.Bottom):
		p.bottom()
	default:
		return false
	}
	return true
}

// filterBox is a one-line text input for / (filter) and archive search:
// typed text, backspace, enter to keep, esc to clear.
type filterBox struct {
	active bool
	text   string
}

// key edits the box; done reports enter (keep) or esc (cleared).
func (f *filterBox) key(k tea.KeyPressMsg) (changed, done bool) {
	switch k.String() {
	case "enter":
		f.active = false
		return false, true
	case "esc":
		f.active, f.text = false, ""
		return true, true
	case "backspace":
		if r := []rune(f.text); len(r) > 0 {
			f.text = string(r[:len(r)-1])
			return true, false
		}
		return false, false
	case "ctrl+u":
		f.text = ""
		return true, false
	}
	if k.Text != "" && k.Mod&(tea.ModCtrl|tea.ModAlt) == 0 {
		f.text += k.Text
		return true, false
	}
	return false, false
}

func (f *filterBox) view(label string) string {
	if f.active {
		return label + f.text + "▏"
	}
	return label + f.text
}

// keepFilter is enter's help while a filter is typed.
func (m *Model) keepFilter() key.Binding {
	return m.bind([]string{"enter"}, "enter", "保留过滤", "keep filter")
}
