package tui

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"credit/internal/civil"
	"credit/internal/queue"
)

// formFlow is a huh form shown in the body of the frame. Every change the
// TUI makes runs through two of them: the action's own fields, then a
// confirmation that shows what will happen and the deadline it sets.
type formFlow struct {
	title string
	note  string // why the last attempt was refused, shown above the form
	form  *huh.Form
	done  func(m *Model) tea.Cmd
	help  []key.Binding
	after []string // dimmed lines under the form (the steps not allowed now, and why)
	tall  bool     // the form is taller than the screen: errors are repeated above it
}

// openForm shows form under title; done runs when it is completed.
func (m *Model) openForm(title, note string, form *huh.Form, done func(m *Model) tea.Cmd, help ...key.Binding) tea.Cmd {
	form.WithShowHelp(false).WithTheme(formTheme(m.st.Color))
	f := &formFlow{title: title, note: note, form: form, done: done, help: help}
	m.flow = f
	cmd := form.Init()
	f.resize(m)
	return cmd
}

func (f *formFlow) size(m *Model) (int, int) {
	w, h := m.bodySize()
	h -= 2 // the note line and a blank line
	if f.note != "" {
		h -= len(m.wrap(f.note, w-4))
	}
	if len(f.after) > 0 {
		h-- // the blank line above them
		for _, a := range f.after {
			h -= len(m.wrap(a, w-6))
		}
	}
	return min(w-2, 96), max(3, h)
}

// resize tells the form how much room it has.
func (f *formFlow) resize(m *Model) {
	w, h := f.size(m)
	f.form.WithWidth(w)
	f.form.Update(tea.WindowSizeMsg{Width: w, Height: h})
}

func (f *formFlow) update(m *Model, msg tea.Msg) tea.Cmd {
	model, cmd := f.form.Update(msg)
	if form, ok := model.(*huh.Form); ok {
		f.form = form
	}
	switch f.form.State {
	case huh.StateCompleted:
		if m.flow == f {
			m.flow = nil
		}
		return tea.Batch(cmd, f.done(m))
	case huh.StateAborted:
		if m.flow == f {
			m.flow = nil
		}
		m.say(m.T("已取消，未作任何改动。", "Cancelled; nothing was changed."))
		return nil
	}
	return cmd
}

func (f *formFlow) view(m *Model, w, h int) []string {
	var out []string
	if f.note != "" {
		for _, l := range m.wrap("✗ "+f.note, w-4) {
			out = append(out, "  "+m.st.Error.Render(l))
		}
	}
	// A long form's own error line can fall below its last visible field:
	// the field's error is also said here, above the form, while the field
	// keeps the focus and what was typed.
	if errs := f.form.Errors(); len(errs) > 0 && f.tall {
		for _, l := range m.wrap("✗ "+errs[0].Error(), w-4) {
			out = append(out, "  "+m.st.Error.Render(l))
		}
	}
	out = append(out, "")
	for _, l := range strings.Split(f.form.View(), "\n") {
		out = append(out, " "+l)
	}
	if len(f.after) > 0 {
		out = append(out, "")
		for _, a := range f.after {
			for _, l := range m.wrap(a, w-6) {
				out = append(out, "   "+m.st.Faint.Render(l))
			}
		}
	}
	return out
}

func (f *formFlow) keys(m *Model) []key.Binding {
	if len(f.help) > 0 {
		return append(f.help, m.keys.FormCancel)
	}
	return []key.Binding{m.keys.FormNext, m.keys.FormPrev, m.keys.FormCancel}
}

// action is one change: its form, the confirmation text (with the deadline
// it will set) worked out from the services, and the service call. No rule
// is checked here beyond the command line's own flag parsing: the services
// decide, and their refusals are shown as the command line shows them.
type action struct {
	title   string
	load    func(ctx context.Context) error           // reads what the form offers (units, measures…), off the UI loop
	input   func() *huh.Form                          // nil: nothing to fill in
	prepare func(ctx context.Context) (string, error) // what will happen, with the new deadline
	run     func(ctx context.Context) (string, error) // the service call; the result line
	after   func(m *Model)                            // e.g. keep the cursor on the case
	created int64                                     // the case a creating step made
	tall    bool                                      // a form taller than the screen (formFlow.tall)
}

// start runs a: form, then confirmation, then the service.
func (m *Model) start(a *action) tea.Cmd {
	if a.load != nil {
		load := a.load
		a.load = nil
		return m.fetch(func(ctx context.Context) (func(*Model) tea.Cmd, error) {
			if err := load(ctx); err != nil {
				return nil, err
			}
			return func(m *Model) tea.Cmd { return m.startWith(a, "") }, nil
		})
	}
	return m.startWith(a, "")
}

func (m *Model) startWith(a *action, note string) tea.Cmd {
	if a.input == nil {
		return m.prepare(a)
	}
	cmd := m.openForm(a.title, note, a.input(), func(m *Model) tea.Cmd { return m.prepare(a) })
	m.flow.tall = a.tall
	return cmd
}

func (m *Model) prepare(a *action) tea.Cmd {
	return m.fetch(func(ctx context.Context) (func(*Model) tea.Cmd, error) {
		text, err := a.prepare(ctx)
		return func(m *Model) tea.Cmd {
			if err != nil {
				if a.input == nil {
					m.setError(err)
					return nil
				}
				return m.startWith(a, m.message(err))
			}
			return m.confirm(a, text)
		}, nil
	})
}

// confirm asks before the change; the default answer is no.
func (m *Model) confirm(a *action, text string) tea.Cmd {
	ok := false
	form := huh.NewForm(huh.NewGroup(
		huh.NewConfirm().Title(m.T("确认办理？", "Go ahead?")).Description(text).Affirmative(m.T("确认办理", "Go ahead")).Negative(m.T("取消", "Cancel")).Value(&ok),
	))
	return m.openForm(a.title+m.T(" · 确认", " · confirm"), "", form, func(m *Model) tea.Cmd {
		if !ok {
			m.say(m.T("已取消，未作任何改动。", "Cancelled; nothing was changed."))
			return nil
		}
		return m.run(a)
	}, m.keys.ConfirmYes, m.keys.ConfirmNo)
}

func (m *Model) run(a *action) tea.Cmd {
	return m.fetch(func(ctx context.Context) (func(*Model) tea.Cmd, error) {
		line, err := a.run(ctx)
		return func(m *Model) tea.Cmd {
			if a.after != nil {
				a.after(m)
			}
			if err != nil {
				m.setError(err)
			} else {
				m.say(line)
			}
			return m.changed()
		}, nil
	})
}

// ---- fields with the command line's parsing ---------------------------------

// required refuses an empty value, naming the field (what, in the clerk's
// language).
func (m *Model) required(what string) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(m.T("请填写"+what, "enter "+what))
		}
		return nil
	}
}

// dateField parses a YYYY-MM-DD value as the command line's date flags do;
// empty is allowed when optional.
func (m *Model) dateField(optional bool) func(string) error {
	return func(s string) error {
		s = strings.TrimSpace(s)
		if s == "" {
			if optional {
				return nil
			}
			return errors.New(m.T("请填写日期（YYYY-MM-DD）", "enter a date (YYYY-MM-DD)"))
		}
		if _, err := civil.Parse(s); err != nil {
			return errors.New(m.T(fmt.Sprintf("%q 无效：应为 YYYY-MM-DD 的真实日期", s), fmt.Sprintf("%q is not valid: give a real date as YYYY-MM-DD", s)))
		}
		return nil
	}
}

// idField checks a case or record number ("12" or "#12"); zh and en name
// what it numbers (异议, objection).
func (m *Model) idField(zh, en string) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(m.T("请填写"+zh+"编号", "enter the "+en+" number"))
		}
		if _, err := parseID(s); err != nil {
			return errors.New(m.T(fmt.Sprintf("%s编号 %q 无效", zh, strings.TrimSpace(s)), fmt.Sprintf("%s number %q is not valid", en, strings.TrimSpace(s))))
		}
		return nil
	}
}

func parseID(s string) (int64, error) {
	s = civil.Fold(s) // １２, ＃１２ typed full width
	n, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(s), "#"), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad id %q", s)
	}
	return n, nil
}

func dateOr(s string, def civil.Date) civil.Date {
	if d, err := civil.Parse(strings.TrimSpace(s)); err == nil {
		return d
	}
	return def
}

func input(title string, v *string) *huh.Input {
	return huh.NewInput().Title(title).Value(v)
}

// ---- deadlines a change will set ---------------------------------------------

// deadlinesSet says which deadlines command (with outcome to) will set when
// counting starts on start: queue.Machine.Plan, the very computation Run
// stores.
func (m *Model) deadlinesSet(ctx context.Context, mc *queue.Machine, command string, to queue.State, start civil.Date) ([]string, error) {
	cat, _, err := m.svc.Store.CatalogInForce(ctx, start)
	if err != nil {
		return nil, err
	}
	planned, err := mc.Plan(command, to, start, cat.Policy.Workdays, m.svc.Cal)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range planned {
		info := mc.Deadline(p.Deadline)
		line := m.T(fmt.Sprintf("%s：%s %s（%s 之后第 %d 个工作日）", info.Zh, p.Due, m.weekday(p.Due), p.Start, p.Days),
			fmt.Sprintf("%s: %s %s (working day %d after %s)", info.En, p.Due, m.weekday(p.Due), p.Days, p.Start))
		if p.Provisional {
			line += m.T("（临时日历）", " (provisional calendar)")
		}
		out = append(out, line)
	}
	return out, nil
}

// confirmText joins what a change does and the deadlines it sets.
func (m *Model) confirmText(lines []string, deadlines []string) string {
	if len(deadlines) == 0 {
		deadlines = []string{m.T("不设新的期限。", "No new deadline is set.")}
	} else {
		deadlines = append([]string{m.T("将设定的期限：", "Deadlines it sets:")}, deadlines...)
	}
	return strings.Join(append(lines, append([]string{""}, deadlines...)...), "\n")
}

// changeLines say what a step will change, from the workflow's table: the
// case's state, and the record's flag when the step takes it on or off
// (a state that holds the record flags it and locks it against imports).
func (m *Model) changeLines(mc *queue.Machine, from, to queue.State) []string {
	if to == "" {
		return nil
	}
	out := []string{m.T(fmt.Sprintf("办理后状态：%s → %s", m.stateLabel(mc, from), m.stateLabel(mc, to)),
		fmt.Sprintf("State after this step: %s → %s", m.stateLabel(mc, from), m.stateLabel(mc, to)))}
	a, _ := mc.State(from)
	b, _ := mc.State(to)
	flag := map[string][2]string{"objection": {"异议中", "under objection"}, "repair": {"修复中", "under repair"}}[mc.Queue]
	switch {
	case flag[0] == "":
	case a.Holds && !b.Holds:
		out = append(out, m.T(fmt.Sprintf("记录的“%s”标识随之去除，导入可再更新该记录。", flag[0]),
			fmt.Sprintf("The record's “%s” flag comes off: imports may update the record again.", flag[1])))
	case !a.Holds && b.Holds:
		out = append(out, m.T(fmt.Sprintf("记录随之带“%s”标识，办理期间导入不能更新该记录。", flag[0]),
			fmt.Sprintf("The record is flagged “%s”: while the case is open, imports cannot update it.", flag[1])))
	}
	return out
}

// stateLabel is a workflow state's name for people, in the clerk's language.
func (m *Model) stateLabel(mc *queue.Machine, s queue.State) string {
	return mc.StateLabel(s, m.svc.Lang)
}

// commandMenu asks which step to take on a case in state cur. It offers the
// steps the workflow engine allows now — for this case, this operator and
// today (queue.Machine.Actions, the checks the runner makes) — and lists the
// state's other steps dimmed under them, each with the rule and article that
// forbid it, so that nothing is offered that the rules then refuse.
func (m *Model) commandMenu(title string, mc *queue.Machine, cur queue.State, acts []queue.Action, open func(command string) tea.Cmd) tea.Cmd {
	var opts []huh.Option[string]
	for _, a := range acts {
		if a.Allowed {
			opts = append(opts, huh.NewOption(actionLabel(a, m.svc.Lang), a.Command))
		}
	}
	refused := refusedLines(acts, m.svc.Lang)
	if len(acts) == 0 {
		m.say(m.T(fmt.Sprintf("当前状态“%s”下没有可办理的事项。", m.stateLabel(mc, cur)),
			fmt.Sprintf("Nothing can be done in the state “%s”.", m.stateLabel(mc, cur))))
		return nil
	}
	if len(opts) == 0 {
		// Nothing may be done now: say why, for each step of the state.
		form := huh.NewForm(huh.NewGroup(huh.NewNote().Title(m.T("当前没有可以办理的事项（当前状态："+m.stateLabel(mc, cur)+"）",
			"Nothing can be done now (state: "+m.stateLabel(mc, cur)+")")).
			Description(m.T("以下事项现在不能办理，原因见各项。按 enter 或 esc 返回。", "The steps below are not allowed now; each says why. Press enter or esc to go back."))))
		cmd := m.openForm(title, "", form, func(m *Model) tea.Cmd { return nil }, m.keys.Choose)
		m.flow.after = refused
		m.flow.resize(m)
		return cmd
	}
	choice := opts[0].Value
	form := huh.NewForm(huh.NewGroup(huh.NewSelect[string]().Title(m.T("办理哪一项？（当前状态："+m.stateLabel(mc, cur)+"）",
		"Which step? (state: "+m.stateLabel(mc, cur)+")")).Options(opts...).Value(&choice)))
	cmd := m.openForm(title, "", form, func(m *Model) tea.Cmd { return open(choice) }, m.keys.Down, m.keys.Up, m.keys.Choose)
	m.flow.after = refused
	m.flow.resize(m)
	return cmd
}

// actionLabel is a step's name in lang.
func actionLabel(a queue.Action, lang string) string {
	if lang == "en" {
		return a.LabelEn
	}
	return a.Label
}

// refusedLines are the steps of the state that may not be taken now, each
// with the refusal and the article or office rule behind it.
func refusedLines(acts []queue.Action, lang string) []string {
	var out []string
	for _, a := range acts {
		if a.Allowed {
			continue
		}
		if out == nil {
			out = []string{"现在不能办理："}
			if lang == "en" {
				out = []string{"Not allowed now:"}
			}
		}
		reason := plainVerbs(a.Reason(lang))
		if lang == "en" {
			reason = articleEn(reason)
		}
		line := "· " + actionLabel(a, lang) + tr(lang, "：", ": ") + reason

		if a.Article != "" {
			if lang == "en" {
				line += " (" + articleEn(a.Article) + ")"

			} else {
				line += "（依据：" + a.Article + "）"
			}
		}
		out = append(out, line)
	}
	return out
}

var (
	officeRe  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`本办公室规则（服务([^）]*)）`) })
	articleRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`第([一二三四五六七八九十]+)条(?:[(（]([一二三四五六七八九十]+)[)）])?`)
	})
	andRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(article \d+(?:\(\d+\))?)、`) })
)

// articleEn names the measures' articles in English: 第三十一条 → article 31,
// 第三十四条(一) → article 34(1), 本办公室规则（服务第三十四条） → office rule
// (serving article 34). Other text (data in brackets) is left as it is.
func articleEn(s string) string {
	s = officeRe().ReplaceAllString(s, "office rule (serving $1)")
	s = articleRe().ReplaceAllStringFunc(s, func(a string) string {
		p := articleRe().FindStringSubmatch(a)
		out := "article " + strconv.Itoa(chineseNumber(p[1]))
		if p[2] != "" {
			out += "(" + strconv.Itoa(chineseNumber(p[2])) + ")"
		}
		return out
	})
	return andRe().ReplaceAllString(s, "$1, ")
}

// chineseNumber reads a number below 100 written in Chinese (三十一 = 31).
func chineseNumber(s string) int {
	digit := map[rune]int{'一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	n, cur := 0, 0
	for _, r := range s {
		if r == '十' {
			n += max(cur, 1) * 10
			cur = 0
		} else {
			cur = digit[r]
		}
	}
	return n + cur
}
