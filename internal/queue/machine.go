// Package queue owns what the office's work queues (objections, repairs)
// share: a workflow written as one table of states and transitions (who may
// move a case from which state to which, and which deadlines that sets and
// meets), the one way a transition runs (role, state, deadlines from the
// policy in force, timeline event and audit entry, in one transaction), and
// where a case stands against its deadlines (SPEC §B: due, days_left, status).
//
// A deadline is stored as it was set — counted from its start, the policy's
// number of working days, on the calendar of that day — and is never moved by
// a later policy or calendar change (SPEC §4, §B).
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

// State is a case's state, an enum value of SPEC §D or §E.
type State string

// StateInfo describes a state.
type StateInfo struct {
	State  State
	Zh, En string
	// Holds: while in this state the case holds its record — the record
	// carries the queue's flag and imports may not revise it (SPEC §F).
	Holds bool
	// Finished: nothing is owed by the office any more; the queue shows the
	// case as done and its open deadlines are met when it gets here.
	Finished bool
}

// Command names a transition for people, with the article or office rule
// it serves and the conditions beyond the state it needs (Guards: Run
// refuses with them, Actions shows them).
type Command struct {
	Name    string
	Zh, En  string
	Article string // 第三十二条, or 本办公室规则（服务第N条）
	Guards  []Guard
	// NotBy lists earlier commands of the same case whose operator may not
	// take this one (separation of duties, e.g. the clerk who filed may not
	// decide): the runner and Actions refuse it, naming both steps.
	NotBy []string
}

// Rule sets a deadline: Days working days (from the policy in force on the
// day counting starts) after the start of counting.
type Rule struct {
	Deadline string
	Days     func(catalog.Workdays) int
}

// Transition is one row of a workflow table: Command moves a case from any of
// From (nil: the command creates the case) to To; the operator needs Role; it
// meets the open deadlines named in Meets and sets the ones in Sets.
type Transition struct {
	Command string
	From    []State
	To      State
	Role    operator.Role
	Sets    []Rule
	Meets   []string
	// Article is what this outcome serves when it differs from the
	// command's (Command.Article); Effect says what it does to the record,
	// for people and the docs.
	Article string
	Effect  string
}

// DeadlineInfo names a kind of deadline; JSON is its key in case objects
// (review_due…).
type DeadlineInfo struct {
	Name   string
	JSON   string
	Zh, En string
}

// Machine is one workflow: its states, commands, deadlines and table.
type Machine struct {
	Queue     string // store queue name and audit noun: objection | repair
	Zh, En    string // 异议 / objection
	States    []StateInfo
	Commands  []Command
	Deadlines []DeadlineInfo // in the order that breaks ties between equal due dates
	Table     []Transition
	// Opened names the day a case began for people: 收到日期 / received
	// (an objection), 申请日期 / application date (a repair).
	OpenedZh, OpenedEn string
	// Facts reads, inside the transition's transaction, what the guards
	// of the workflow read of case id (nil when no command has guards).
	Facts func(tx *store.Tx, id int64) (any, error)
}

// State describes s (ok false for an unknown state).
func (m *Machine) State(s State) (StateInfo, bool) {
	for _, si := range m.States {
		if si.State == s {
			return si, true
		}
	}
	return StateInfo{}, false
}

// StateLabel is s's name for people.
func (m *Machine) StateLabel(s State, lang string) string {
	si, ok := m.State(s)
	if !ok {
		return string(s)
	}
	if lang == "en" {
		return si.En
	}
	return si.Zh
}

// CommandLabel is command's name for people.
func (m *Machine) CommandLabel(command, lang string) string {
	for _, c := range m.Commands {
		if c.Name == command {
			if lang == "en" {
				return c.En
			}
			return c.Zh
		}
	}
	return command
}

// Deadline describes the deadline kind name.
func (m *Machine) Deadline(name string) DeadlineInfo {
	for _, d := range m.Deadlines {
		if d.Name == name {
			return d
		}
	}
	return DeadlineInfo{Name: name, JSON: name + "_due", Zh: name, En: name}
}

// ParseState checks a state name given by a user (exit 2 when unknown).
func (m *Machine) ParseState(s string) (State, error) {
	if _, ok := m.State(State(s)); ok {
		return State(s), nil
	}
	var names []string
	for _, si := range m.States {
		names = append(names, string(si.State))
	}
	return "", apperr.New(apperr.Usage, fmt.Sprintf("%s状态 %q 无效，应为 %s", m.Zh, s, strings.Join(names, "|")),
		fmt.Sprintf("%s state %q is not valid: use %s", m.En, s, strings.Join(names, "|")))
}

// Rows are the table rows of command.
func (m *Machine) Rows(command string) []Transition {
	var out []Transition
	for _, t := range m.Table {
		if t.Command == command {
			out = append(out, t)
		}
	}
	return out
}

// Role is the role command needs.
func (m *Machine) Role(command string) operator.Role {
	if rows := m.Rows(command); len(rows) > 0 {
		return rows[0].Role
	}
	return operator.Admin
}

// From lists the states command may start from.
func (m *Machine) From(command string) []State {
	var out []State
	for _, t := range m.Rows(command) {
		for _, s := range t.From {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// row is the table row of command that leads to to.
func (m *Machine) row(command string, to State) (Transition, bool) {
	for _, t := range m.Table {
		if t.Command == command && t.To == to {
			return t, true
		}
	}
	return Transition{}, false
}

// Allow refuses (exit 5) an operator without command's role, and a command
// not allowed from case id's current state, naming that state.
func (m *Machine) Allow(command string, id int64, cur State, op operator.Operator) error {
	if err := op.Require(m.Role(command)); err != nil {
		return err
	}
	from := m.From(command)
	if slices.Contains(from, cur) {
		return nil
	}
	var zh, en []string
	for _, s := range from {
		zh = append(zh, "“"+m.StateLabel(s, "zh")+"”")
		en = append(en, string(s))
	}
	return apperr.New(apperr.Rule,
		fmt.Sprintf("%s %d 当前状态为“%s”，不能执行“%s”（只能在%s状态下办理）",
			m.Zh, id, m.StateLabel(cur, "zh"), m.CommandLabel(command, "zh"), strings.Join(zh, "、")),
		fmt.Sprintf("%s %d is %s: %s is not allowed (only from %s)", m.En, id, cur, command, strings.Join(en, ", ")))
}

// InOrder refuses (exit 5) command on case id on office date today when that
// lies before the case's latest step or before the day it began: a step
// dated earlier would count a deadline or a publicity period from a day the
// case was not yet there (a repair publicized before it was applied for and
// completed at once; an objection decided "on time" before it was received).
// The same day is in order. The message names the date to start from.
func (m *Machine) InOrder(id int64, command string, today civil.Date, d store.QueueDates) error {
	if !d.Last.IsZero() && today.Before(d.Last) && !d.Last.Before(d.Opened) {
		return apperr.New(apperr.Rule,
			fmt.Sprintf("%s %d 的上一步“%s”办理日期为 %s，不能以更早的日期 %s 办理“%s”：各步骤须按时间先后办理（办理日期不得早于 %s）",
				m.Zh, id, m.CommandLabel(d.LastCommand, "zh"), d.Last, today, m.CommandLabel(command, "zh"), d.Last),
			fmt.Sprintf("%s %d: its last step (%s) is dated %s; %s cannot be dated earlier, on %s (steps go in date order: use %s or later)",
				m.En, id, d.LastCommand, d.Last, command, today, d.Last))
	}
	if !d.Opened.IsZero() && today.Before(d.Opened) {
		zh, en := m.OpenedZh, m.OpenedEn
		if zh == "" {
			zh, en = "受理日期", "opening date"
		}
		return apperr.New(apperr.Rule,
			fmt.Sprintf("%s %d 的%s为 %s，不能以更早的日期 %s 办理“%s”（办理日期不得早于 %s）",
				m.Zh, id, zh, d.Opened, today, m.CommandLabel(command, "zh"), d.Opened),
			fmt.Sprintf("%s %d: its %s is %s; %s cannot be dated earlier, on %s (use %s or later)",
				m.En, id, en, d.Opened, command, today, d.Opened))
	}
	return nil
}

// Validate checks the table is consistent: known states and commands, one
// role and one set of start states per command, creating commands from
// nothing. Tests call it; a bad table is a programming error.
func (m *Machine) Validate() error {
	cmds := map[string]bool{}
	for _, c := range m.Commands {
		cmds[c.Name] = true
	}
	for _, c := range m.Commands {
		for _, n := range c.NotBy {
			if !cmds[n] {
				return fmt.Errorf("%s %s: NotBy names no command %q", m.Queue, c.Name, n)
			}
		}
		for _, g := range c.Guards {
			if g.Refuse == nil || m.Facts == nil {
				return fmt.Errorf("%s %s: a guard needs Refuse and the machine needs Facts", m.Queue, c.Name)
			}
			if g.Article == "" {
				return fmt.Errorf("%s %s: a guard names no article or office rule", m.Queue, c.Name)
			}
		}
	}
	deadlines := map[string]bool{}
	for _, d := range m.Deadlines {
		deadlines[d.Name] = true
	}
	for _, t := range m.Table {
		if !cmds[t.Command] {
			return fmt.Errorf("%s: command %q has no label", m.Queue, t.Command)
		}
		if _, ok := m.State(t.To); !ok {
			return fmt.Errorf("%s %s: unknown state %q", m.Queue, t.Command, t.To)
		}
		for _, s := range t.From {
			if _, ok := m.State(s); !ok {
				return fmt.Errorf("%s %s: unknown state %q", m.Queue, t.Command, s)
			}
		}
		first := m.Rows(t.Command)[0]
		if t.Role != first.Role || !slices.Equal(t.From, first.From) {
			return fmt.Errorf("%s %s: rows disagree on role or start states", m.Queue, t.Command)
		}
		if t.Role == operator.None {
			return fmt.Errorf("%s %s: no role", m.Queue, t.Command)
		}
		for _, r := range t.Sets {
			if !deadlines[r.Deadline] || r.Days == nil {
				return fmt.Errorf("%s %s: bad deadline rule %q", m.Queue, t.Command, r.Deadline)
			}
		}
		for _, n := range t.Meets {
			if !deadlines[n] {
				return fmt.Errorf("%s %s: meets unknown deadline %q", m.Queue, t.Command, n)
			}
		}
	}
	return nil
}

// Holding lists the states that hold the record.
func (m *Machine) Holding() []State {
	var out []State
	for _, s := range m.States {
		if s.Holds {
			out = append(out, s.State)
		}
	}
	return out
}

// Planned is a deadline a transition will set.
type Planned struct {
	Deadline    string
	Start       civil.Date
	Days        int
	Due         civil.Date
	Provisional bool
}

// Plan works out the deadlines command, ending in state to, sets when
// counting starts on start: the table names them, the policy's working days
// w (the catalog in force on start) size them, the calendar counts them.
// Run stores exactly these, and a screen that shows a change's new deadline
// before it is confirmed asks Plan too, so the rule is written once.
func (m *Machine) Plan(command string, to State, start civil.Date, w catalog.Workdays, cal interface {
	AddP(civil.Date, int) (civil.Date, bool, error)
}) ([]Planned, error) {
	row, ok := m.row(command, to)
	if !ok {
		return nil, fmt.Errorf("%s %s: outcome %q is not in the table", m.Queue, command, to)
	}
	var out []Planned
	for _, r := range row.Sets {
		days := r.Days(w)
		due, prov, err := cal.AddP(start, days)
		if err != nil {
			return nil, err
		}
		out = append(out, Planned{Deadline: r.Deadline, Start: start, Days: days, Due: due, Provisional: prov})
	}
	return out, nil
}
