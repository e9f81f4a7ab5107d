package queue

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/operator"
	"credit/internal/store"
	"credit/internal/workday"
)

// Env is who works a queue, on which store and calendar. The calendar is the
// one the office computes with (embedded years plus those loaded).
type Env struct {
	Store *store.Store
	Cal   *workday.Calendar
	Op    operator.Operator
	Actor store.Actor
	Lang  string // labels in the views a step returns: zh (default) or en
}

// Today is the office date of the change.
func (e Env) Today() civil.Date { return e.Actor.Today }

// Change is one transition being made; the workflow's own step fills it.
type Change struct {
	Tx   *store.Tx
	Env  Env
	ID   int64 // the case (a creating step sets it)
	From State // "" for a creating command
	// To is the outcome: preset when the command has one; a step whose
	// command has several outcomes sets it.
	To State
	// Start is the day the deadlines this change sets count from; zero means
	// today. (An objection received last week counts from its receipt.)
	Start civil.Date
	// Note is the free text of the step (reason, finding, note): kept in the
	// timeline; the audit entry holds its hash only.
	Note string
	// Details go into the timeline event and the audit entry: ids, dates,
	// codes and hashes, never personal values.
	Details map[string]any
	// Set are the deadlines this change set (after the step ran).
	Set []store.QueueDeadline
}

// Today is the office date of the change.
func (c *Change) Today() civil.Date { return c.Env.Actor.Today }

// Policy is the catalog (and so the policy) in force on date on.
func (c *Change) Policy(on civil.Date) (*catalog.Catalog, int64, error) {
	return c.Tx.CatalogInForce(on)
}

// Run makes command on case id in one write transaction: it refuses an
// operator without the role, a command not allowed from the current state and
// a step dated before the case's latest step or its opening day (exit 5,
// InOrder), lets step make the case's own changes (and choose the outcome),
// then stores the new state, meets and sets the table's deadlines, and
// appends the timeline event and the audit entry.
func (m *Machine) Run(ctx context.Context, env Env, id int64, command string, step func(*Change) error) (*Change, error) {
	if err := env.Op.Require(m.Role(command)); err != nil {
		return nil, err
	}
	var c *Change
	err := env.Store.Write(ctx, env.Actor, func(tx *store.Tx) error {
		cur, ok, err := tx.QueueState(m.Queue, id)
		if err != nil {
			return err
		}
		if !ok {
			return m.NotFound(id)
		}
		if err := m.Allow(command, id, State(cur), env.Op); err != nil {
			return err
		}
		dates, err := tx.QueueDates(m.Queue, id)
		if err != nil {
			return err
		}
		if err := m.InOrder(id, command, env.Today(), dates); err != nil {
			return err
		}
		if err := m.separate(command, dates, env.Op.Name, env.Actor.ActingBy); err != nil {
			return err
		}
		if len(m.command(command).Guards) > 0 {
			facts, err := m.Facts(tx, id)
			if err != nil {
				return err
			}
			if _, err := m.guard(command, State(cur), env.Today(), Case{ID: id, Dates: dates, Facts: facts}); err != nil {
				return err
			}
		}
		c = &Change{Tx: tx, Env: env, ID: id, From: State(cur), Details: map[string]any{}}
		if rows := m.Rows(command); len(rows) == 1 {
			c.To = rows[0].To
		}
		if err := step(c); err != nil {
			return err
		}
		return m.finish(tx, c, command)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Create makes a creating command (one whose rows start from nothing): step
// inserts the case and sets c.ID; the rest is as Run.
func (m *Machine) Create(ctx context.Context, env Env, command string, step func(*Change) error) (*Change, error) {
	if err := env.Op.Require(m.Role(command)); err != nil {
		return nil, err
	}
	var c *Change
	err := env.Store.Write(ctx, env.Actor, func(tx *store.Tx) error {
		c = &Change{Tx: tx, Env: env, Details: map[string]any{}}
		if rows := m.Rows(command); len(rows) == 1 {
			c.To = rows[0].To
		}
		if err := step(c); err != nil {
			return err
		}
		if c.ID == 0 {
			return fmt.Errorf("%s %s: the step stored no case", m.Queue, command)
		}
		return m.finish(tx, c, command)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// NotFound is the error for a case id that does not exist (exit 2).
func (m *Machine) NotFound(id int64) error {
	return apperr.New(apperr.Usage, fmt.Sprintf("没有%s %d", m.Zh, id), fmt.Sprintf("no %s %d", m.En, id))
}

func (m *Machine) finish(tx *store.Tx, c *Change, command string) error {
	row, ok := m.row(command, c.To)
	if !ok {
		return fmt.Errorf("%s %s: outcome %q is not in the table", m.Queue, command, c.To)
	}
	info, _ := m.State(c.To)
	if err := tx.SetQueueState(m.Queue, c.ID, string(c.To), info.Holds); err != nil {
		return err
	}
	today := c.Today()
	switch {
	case info.Finished: // nothing more is owed: every open deadline is met now
		if err := tx.MeetQueueDeadlines(m.Queue, c.ID, nil, today); err != nil {
			return err
		}
	case len(row.Meets) > 0:
		if err := tx.MeetQueueDeadlines(m.Queue, c.ID, row.Meets, today); err != nil {
			return err
		}
	}
	start := c.Start
	if start.IsZero() {
		start = today
	}
	set := map[string]string{}
	if len(row.Sets) > 0 {
		// The policy in force on the day counting starts gives the number of
		// days; the deadline is stored and never recomputed.
		cat, version, err := c.Policy(start)
		if err != nil {
			return err
		}
		planned, err := m.Plan(command, c.To, start, cat.Policy.Workdays, c.Env.Cal)
		if err != nil {
			return err
		}
		for _, p := range planned {
			d := store.QueueDeadline{Queue: m.Queue, CaseID: c.ID, Name: p.Deadline, Start: p.Start, Days: p.Days, Due: p.Due,
				Provisional: p.Provisional, SetOn: today, Catalog: version}
			if d.ID, err = tx.AddQueueDeadline(d); err != nil {
				return err
			}
			c.Set = append(c.Set, d)
			set[m.Deadline(p.Deadline).JSON] = p.Due.String()
		}
	}
	details := map[string]any{}
	for k, v := range c.Details {
		details[k] = v
	}
	if len(set) > 0 {
		details["deadlines_set"] = set
	}
	dj, err := json.Marshal(details)
	if err != nil {
		return err
	}
	if err := tx.AddQueueEvent(store.QueueEvent{Queue: m.Queue, CaseID: c.ID, Command: command, From: string(c.From), To: string(c.To),
		Note: c.Note, Details: string(dj)}); err != nil {
		return err
	}
	details["from"], details["to"] = string(c.From), string(c.To)
	if c.Note != "" {
		sum := sha256.Sum256([]byte(c.Note))
		details["note_sha256"] = hex.EncodeToString(sum[:])
	}
	return tx.Audit(m.Queue+"."+command, fmt.Sprintf("%s:%d", m.Queue, c.ID), details)
}
