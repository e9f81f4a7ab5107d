package queue

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"credit/internal/civil"
	"credit/internal/store"
	"credit/internal/workday"
)

// Standing is where a case stands on a day (SPEC §B): its due date is the
// earliest deadline not met yet (ties broken in the machine's deadline
// order), days_left the working days to it, status ok | due_soon | overdue,
// or done once the case is finished (with on_time: every deadline met on or
// before its due date). A case that waits on others with no deadline of the
// office's running (an appeal with the department, a publicity period) has
// no due date and status ok.
type Standing struct {
	Due         *civil.Date    `json:"due"`
	Deadline    string         `json:"deadline,omitempty"` // which deadline is due: review, verify…
	DaysLeft    *int           `json:"days_left"`
	Status      workday.Status `json:"status"`
	OnTime      *bool          `json:"on_time"`
	Provisional bool           `json:"provisional,omitempty"` // the due date rests on a provisional calendar year
}

// Warning is the due-soon window of the policy in force on today.
func Warning(ctx context.Context, st *store.Store, today civil.Date) (int, error) {
	cat, _, err := st.CatalogInForce(ctx, today)
	if err != nil {
		return 0, err
	}
	return cat.Policy.Workdays.Warning, nil
}

// Earliest is the open deadline that is due first (ok false when none is open).
func (m *Machine) Earliest(ds []store.QueueDeadline) (store.QueueDeadline, bool) {
	var best store.QueueDeadline
	found := false
	for _, d := range ds {
		if !d.MetOn.IsZero() {
			continue
		}
		if !found || d.Due.Before(best.Due) || d.Due == best.Due && m.order(d.Name) < m.order(best.Name) {
			best, found = d, true
		}
	}
	return best, found
}

func (m *Machine) order(name string) int {
	for i, d := range m.Deadlines {
		if d.Name == name {
			return i
		}
	}
	return len(m.Deadlines)
}

// Stand says where a case in state with deadlines ds stands on today.
func (m *Machine) Stand(cal *workday.Calendar, today civil.Date, state State, ds []store.QueueDeadline, warning int) (Standing, error) {
	info, _ := m.State(state)
	if info.Finished {
		on := true
		for _, d := range ds {
			if d.MetOn.IsZero() || d.MetOn.After(d.Due) {
				on = false
			}
		}
		return Standing{Status: workday.StatusDone, OnTime: &on}, nil
	}
	d, ok := m.Earliest(ds)
	if !ok {
		return Standing{Status: workday.StatusOK}, nil
	}
	status, left, err := cal.QueueStatus(today, d.Due, warning, false)
	if err != nil {
		return Standing{}, err
	}
	due := d.Due
	return Standing{Due: &due, Deadline: d.Name, DaysLeft: &left, Status: status, Provisional: d.Provisional}, nil
}

// Matches applies the list filters --due-soon and --overdue (either, when
// both are given; everything when neither is).
func (s Standing) Matches(dueSoon, overdue bool) bool {
	if !dueSoon && !overdue {
		return true
	}
	return dueSoon && s.Status == workday.StatusDueSoon || overdue && s.Status == workday.StatusOverdue
}

// Sort orders a queue listing: cases with a due date first, earliest due
// first; then open cases without one; then finished cases; by id within each.
func Sort[T any](items []T, stand func(T) Standing, id func(T) int64) {
	rank := func(s Standing) int {
		switch {
		case s.Due != nil:
			return 0
		case s.Status != workday.StatusDone:
			return 1
		}
		return 2
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := stand(items[i]), stand(items[j])
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		if a.Due != nil && b.Due != nil && *a.Due != *b.Due {
			return a.Due.Before(*b.Due)
		}
		return id(items[i]) < id(items[j])
	})
}

// LatestDue is the due date of the deadline named name set last (nil when
// none was set), for the review_due… keys of a case object.
func LatestDue(ds []store.QueueDeadline, name string) *civil.Date {
	for i := len(ds) - 1; i >= 0; i-- {
		if ds[i].Name == name {
			d := ds[i].Due
			return &d
		}
	}
	return nil
}

// DeadlineView is one deadline of a case as shown: as set, and whether and
// when it was met.
type DeadlineView struct {
	Name           string         `json:"name"`
	Label          string         `json:"label"`
	Start          civil.Date     `json:"start"`
	Days           int            `json:"days"`
	Due            civil.Date     `json:"due"`
	SetOn          civil.Date     `json:"set_on"`
	CatalogVersion int64          `json:"catalog_version"`
	Met            bool           `json:"met"`
	MetOn          *civil.Date    `json:"met_on"`
	OnTime         *bool          `json:"on_time"` // met: on or before due; open: null
	Status         workday.Status `json:"status"`  // done once met; else ok | due_soon | overdue
	DaysLeft       *int           `json:"days_left"`
	Provisional    bool           `json:"provisional,omitempty"`
}

// DeadlineViews shows ds as they stand on today.
func (m *Machine) DeadlineViews(cal *workday.Calendar, today civil.Date, ds []store.QueueDeadline, warning int, lang string) ([]DeadlineView, error) {
	out := []DeadlineView{}
	for _, d := range ds {
		info := m.Deadline(d.Name)
		v := DeadlineView{Name: d.Name, Label: info.Zh, Start: d.Start, Days: d.Days, Due: d.Due, SetOn: d.SetOn,
			CatalogVersion: d.Catalog, Provisional: d.Provisional}
		if lang == "en" {
			v.Label = info.En
		}
		if !d.MetOn.IsZero() {
			met, on := d.MetOn, !d.MetOn.After(d.Due)
			v.Met, v.MetOn, v.OnTime, v.Status = true, &met, &on, workday.StatusDone
		} else {
			status, left, err := cal.QueueStatus(today, d.Due, warning, false)
			if err != nil {
				return nil, err
			}
			v.Status, v.DaysLeft = status, &left
		}
		out = append(out, v)
	}
	return out, nil
}

// EventView is one step of a case's timeline as shown.
type EventView struct {
	On       civil.Date     `json:"on"`
	At       string         `json:"at"`
	Operator string         `json:"operator"`
	ActingBy string         `json:"acting_by,omitempty"`
	Command  string         `json:"command"`
	Label    string         `json:"label"`
	From     State          `json:"from,omitempty"`
	To       State          `json:"to"`
	Note     string         `json:"note,omitempty"`
	Details  map[string]any `json:"details,omitempty"`
}

// Timeline shows a case's events.
func (m *Machine) Timeline(es []store.QueueEvent, lang string) []EventView {
	out := []EventView{}
	for _, e := range es {
		v := EventView{On: e.On, At: e.At, Operator: e.Operator, ActingBy: e.ActingBy, Command: e.Command,
			Label: m.CommandLabel(e.Command, lang), From: State(e.From), To: State(e.To), Note: e.Note}
		if e.Details != "" && e.Details != "{}" {
			json.Unmarshal([]byte(e.Details), &v.Details)
		}
		out = append(out, v)
	}
	return out
}

// Move is an open deadline that another calendar would put on another day.
type Move struct {
	Object string     // objection:12
	What   string     // which deadline, for people
	Due    civil.Date // as set (and kept)
	Would  civil.Date // under the other calendar
}

// Moved lists the machine's open deadlines that next would count to another
// day (SPEC §B: they stay as set; calendar load reports them).
func (m *Machine) Moved(ctx context.Context, st *store.Store, next *workday.Calendar) ([]Move, error) {
	ds, err := st.OpenQueueDeadlines(ctx, m.Queue)
	if err != nil {
		return nil, err
	}
	var out []Move
	for _, d := range ds {
		would, err := next.Add(d.Start, d.Days)
		if err != nil || would == d.Due {
			continue
		}
		info := m.Deadline(d.Name)
		out = append(out, Move{Object: fmt.Sprintf("%s:%d", m.Queue, d.CaseID), What: info.Zh + "（" + info.JSON + "）", Due: d.Due, Would: would})
	}
	return out, nil
}
