package queue

import (
	"fmt"
	"slices"
	"strings"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/operator"
	"credit/internal/store"
)

// Guard is a condition beyond the state that a command needs, declared in
// the table beside the command (Command.Guards) so that the runner refuses
// with it and the screens offer the command only when it holds: one rule,
// read by Run and by Actions.
type Guard struct {
	// From limits the guard to these start states (nil: every start state).
	From []State
	// Refuse reads the workflow's own facts of the case (Machine.Facts) and
	// returns nil when the command may go ahead, else the refusal the user
	// sees (an *apperr.Error, exit 5, naming the rule).
	Refuse func(id int64, facts any, today civil.Date) error
	// Article is what the guard serves: 第三十一条, or 本办公室规则（服务第三十五条）.
	Article, ArticleEn string
}

func (g Guard) applies(s State) bool { return len(g.From) == 0 || slices.Contains(g.From, s) }

// Case is what Actions needs of a case beyond its state: its id, the dates
// a step may not precede, and the workflow's own facts for the guards.
type Case struct {
	ID    int64
	Dates store.QueueDates
	Facts any
}

// Action is one next step of a case as the CLI's show, the TUI's menu and the
// served mode list it: a command the case's state allows, and whether this
// operator may take it today; when not, the refusal Run would give and the
// article or office rule it serves.
type Action struct {
	Command  string        `json:"command"`
	Label    string        `json:"label"`
	LabelEn  string        `json:"label_en"`
	To       []State       `json:"to"`
	Role     operator.Role `json:"role"`
	Allowed  bool          `json:"allowed"`
	ReasonZh string        `json:"reason_zh,omitempty"`
	ReasonEn string        `json:"reason_en,omitempty"`
	Article  string        `json:"article,omitempty"`
}

// Reason is the refusal in lang.
func (a Action) Reason(lang string) string {
	if lang == "en" {
		return a.ReasonEn
	}
	return a.ReasonZh
}

// Actions lists the commands the table allows from state, in the table's
// command order, each marked allowed or refused for op on today with the
// reason (the operator's role, a step dated before the case's last one, a
// guard). Run refuses exactly what is refused here: both ask check.
func (m *Machine) Actions(state State, op operator.Operator, today civil.Date, c Case) []Action {
	out := []Action{}
	for _, cmd := range m.Commands {
		from := m.From(cmd.Name)
		if !slices.Contains(from, state) {
			continue
		}
		a := Action{Command: cmd.Name, Label: cmd.Zh, LabelEn: cmd.En, Role: m.Role(cmd.Name), Allowed: true, Article: cmd.Article}
		for _, t := range m.Rows(cmd.Name) {
			if !slices.Contains(a.To, t.To) {
				a.To = append(a.To, t.To)
			}
		}
		if article, err := m.check(cmd.Name, state, op, today, c); err != nil {
			a.Allowed = false
			a.ReasonZh, a.ReasonEn = apperr.MessageOf(err, "zh"), apperr.MessageOf(err, "en")
			if article != "" {
				a.Article = article
			}
		}
		out = append(out, a)
	}
	return out
}

// check is what a command needs beyond its start state: the role, date
// order, then the command's guards in table order. It returns the first
// refusal and the article of the guard that gave it.
func (m *Machine) check(command string, state State, op operator.Operator, today civil.Date, c Case) (string, error) {
	if err := op.Require(m.Role(command)); err != nil {
		return "", err
	}
	if err := m.InOrder(c.ID, command, today, c.Dates); err != nil {
		return "", err
	}
	if err := m.separate(command, c.Dates, op.Name); err != nil {
		return "", err
	}
	return m.guard(command, state, today, c)
}

// separate refuses command to an operator who took one of its NotBy
// commands on this case (separation of duties).
func (m *Machine) separate(command string, dates store.QueueDates, people ...string) error {
	cmd := m.command(command)
	for _, earlier := range cmd.NotBy {
		for _, who := range people {
			if who == "" || !slices.Contains(dates.By[earlier], who) {
				continue
			}
			e := m.command(earlier)
			return apperr.Newf(apperr.Rule, "%s 已在本案办理“%s”，不能再办理“%s”：两步须由不同的人办理（%s）",
				"%s took %q on this case and may not also take %q: two people must take these steps (%s)",
				who, e.Zh, cmd.Zh, cmd.Article)
		}
	}
	return nil
}

// guard runs command's guards that apply from state, in table order.
func (m *Machine) guard(command string, state State, today civil.Date, c Case) (string, error) {
	for _, g := range m.command(command).Guards {
		if !g.applies(state) {
			continue
		}
		if err := g.Refuse(c.ID, c.Facts, today); err != nil {
			return g.Article, err
		}
	}
	return "", nil
}

func (m *Machine) command(name string) Command {
	for _, c := range m.Commands {
		if c.Name == name {
			return c
		}
	}
	return Command{Name: name}
}

// Diagram is the workflow as a Mermaid state diagram, generated from the
// table for the docs (go generate ./internal/queue/...): each arrow names
// the command, the role it needs, the deadline it sets (with the default
// policy's working days) and the article it serves.
func (m *Machine) Diagram(lang string) string {
	w := catalog.DefaultPolicy().Workdays
	var b strings.Builder
	b.WriteString("```mermaid\nstateDiagram-v2\n")
	for _, s := range m.States {
		label := s.Zh
		if lang == "en" {
			label = s.En
		}
		fmt.Fprintf(&b, "    %s: %s\n", mermaidID(s.State), label)
	}
	for _, t := range m.Table {
		cmd := m.command(t.Command)
		parts := []string{t.Command}
		if lang == "en" {
			parts = append(parts, string(t.Role))
		} else {
			parts = append(parts, cmd.Zh, t.Role.Label())
		}
		for _, r := range t.Sets {
			d := m.Deadline(r.Deadline)
			if lang == "en" {
				parts = append(parts, fmt.Sprintf("sets %s +%d wd", d.JSON, r.Days(w)))
			} else {
				parts = append(parts, fmt.Sprintf("%s %d 个工作日", d.Zh, r.Days(w)))
			}
		}
		if t.Article != "" {
			parts = append(parts, t.Article)
		} else if cmd.Article != "" {
			parts = append(parts, cmd.Article)
		}
		label := strings.Join(parts, " · ")
		if len(t.From) == 0 {
			fmt.Fprintf(&b, "    [*] --> %s: %s\n", mermaidID(t.To), label)
			continue
		}
		for _, f := range t.From {
			mark := "" // * : a guard applies to this arrow (listed under the diagram)
			for _, g := range cmd.Guards {
				if g.applies(f) {
					mark = " · *"
				}
			}
			fmt.Fprintf(&b, "    %s --> %s: %s%s\n", mermaidID(f), mermaidID(t.To), label, mark)
		}
	}
	for _, s := range m.States {
		if s.Finished && !m.leaves(s.State) {
			fmt.Fprintf(&b, "    %s --> [*]\n", mermaidID(s.State))
		}
	}
	b.WriteString("```\n")
	return b.String()
}

// leaves reports whether some command starts from s.
func (m *Machine) leaves(s State) bool {
	for _, t := range m.Table {
		if slices.Contains(t.From, s) {
			return true
		}
	}
	return false
}

// mermaidID makes a state name a Mermaid identifier (no hyphens or spaces).
func mermaidID(s State) string {
	return strings.NewReplacer("-", "_", " ", "_").Replace(string(s))
}

// Guards lists every guard of the table for the docs: command, start
// states, article, so a reader sees the conditions the arrows marked * carry.
func (m *Machine) GuardRows() [][3]string {
	var out [][3]string
	for _, c := range m.Commands {
		for _, g := range c.Guards {
			var from []string
			for _, s := range g.From {
				from = append(from, string(s))
			}
			if len(from) == 0 {
				from = []string{"*"}
			}
			out = append(out, [3]string{c.Name, strings.Join(from, ", "), g.Article})
		}
	}
	return out
}
