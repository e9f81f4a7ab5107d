package archive

import (
	"context"

	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/objection"
	"credit/internal/queue"
	"credit/internal/repair"
	"credit/internal/roster"
	"credit/internal/store"
	"credit/internal/workday"
)

// RosterEntry is one of the subject's red or black list entries that counts
// on the archive's date (approved, determined, within its validity, not
// removed: internal/roster), as the scope may see it.
type RosterEntry struct {
	ID         string     `json:"id"`     // M12 hand-made, R345 imported (the record)
	List       string     `json:"list"`   // red | black
	Source     string     `json:"source"` // import | manual
	ListName   string     `json:"list_name"`
	Item       string     `json:"item"` // the catalog's list item (HMD, HEIMD)
	Unit       string     `json:"unit"` // 认定单位
	UnitName   string     `json:"unit_name"`
	Basis      string     `json:"basis"`
	Reason     string     `json:"reason,omitempty"`
	Determined civil.Date `json:"determined"`
	ValidUntil civil.Date `json:"valid_until"` // "" = no end
	RecordID   int64      `json:"record_id,omitempty"`
}

// rosterEntries are the subject's entries that count on acc.AsOf, of the
// list items acc sees: a list entry is shown as its item is disclosed
// (HMD and HEIMD are public items). In the masking scopes the entry's texts
// follow the item's personal-field rules, as the record's fields do. refs
// are the imported entries' records, for the query log.
func rosterEntries(ctx context.Context, st *store.Store, acc *Access, code string, kind catalog.SubjectKind) ([]RosterEntry, []store.RecordRef, error) {
	es, err := roster.Counting(ctx, st, acc.Catalog, code, acc.AsOf)
	if err != nil {
		return nil, nil, err
	}
	out := []RosterEntry{}
	var refs []store.RecordRef
	for _, e := range es {
		// A list with no item in the catalog has no disclosure to follow:
		// office staff only.
		if acc.Scope != Office && (e.Item == "" || !acc.Sees(e.Item)) {
			continue
		}
		re := RosterEntry{ID: e.ID, List: e.List, Source: e.Source, ListName: e.ListName, Item: e.Item, Unit: e.Unit, UnitName: e.UnitName,
			Basis: e.Basis, Reason: e.Reason, Determined: e.Determined, ValidUntil: e.ValidUntil, RecordID: e.RecordID}
		if acc.masks() {
			it := acc.Catalog.Item(e.Item)
			var persons []string
			if acc.Scope == Public && kind == catalog.NaturalPerson {
				persons = append(persons, e.SubjectName)
			}
			for _, f := range []struct {
				name string
				v    *string
			}{{roster.FieldListName, &re.ListName}, {roster.FieldUnitName, &re.UnitName}, {roster.FieldBasis, &re.Basis}, {roster.FieldReason, &re.Reason}} {
				if p, isName := personal(it, f.name, kind); p {
					*f.v = maskValue(*f.v, isName)
				}
				*f.v = MaskText(*f.v, persons...)
			}
		}
		out = append(out, re)
		if e.RecordID != 0 {
			refs = append(refs, store.RecordRef{ID: e.RecordID, ContentHash: e.ContentHash})
		}
	}
	return out, refs, nil
}

// Kinds of open case.
const (
	CaseObjection = "objection"
	CaseRepair    = "repair"
)

// OpenCase is an objection or a credit repair still being worked on one of
// the archive's records, as its queue stands (SPEC §B).
type OpenCase struct {
	Kind        string         `json:"kind"` // objection | repair
	ID          int64          `json:"id"`
	Record      int64          `json:"record"`
	Item        string         `json:"item"`
	State       string         `json:"state"`
	StateLabel  string         `json:"state_label"`
	Due         *civil.Date    `json:"due"`                // the earliest unmet deadline; null while none runs (an appeal, a publicity period)
	Deadline    string         `json:"deadline,omitempty"` // which: review, verify, correct, opinion
	DaysLeft    *int           `json:"days_left"`
	Status      workday.Status `json:"status"` // ok | due_soon | overdue
	Provisional bool           `json:"provisional,omitempty"`
}

// OpenCases lists the objections and repairs not yet finished on the
// archive's records — objections first, then repairs, each queue by due
// date — as the queues stand on today with calendar cal. Office scope only
// (nil otherwise): the other scopes see the records' flags (异议中, 修复中),
// not the office's casework.
func OpenCases(ctx context.Context, st *store.Store, cal *workday.Calendar, today civil.Date, a *Archive, lang string) ([]OpenCase, error) {
	if a.Scope != Office {
		return nil, nil
	}
	ids := make([]int64, 0, len(a.Records))
	for _, r := range a.Records {
		ids = append(ids, r.ID)
	}
	out := []OpenCase{}
	open := func(m *queue.Machine, s queue.State) bool {
		info, ok := m.State(s)
		return ok && !info.Finished
	}
	obs, err := objection.List(ctx, st, cal, today, objection.Filter{Records: ids}, lang)
	if err != nil {
		return nil, err
	}
	for _, o := range obs {
		if open(objection.Machine, o.State) {
			out = append(out, openCase(CaseObjection, o.ID, o.Record, o.Item, o.State, o.StateLabel, o.Standing))
		}
	}
	rs, err := repair.List(ctx, st, cal, today, repair.Filter{Records: ids}, lang)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if open(repair.Machine, r.State) {
			out = append(out, openCase(CaseRepair, r.ID, r.Record, r.Item, r.State, r.StateLabel, r.Standing))
		}
	}
	return out, nil
}

func openCase(kind string, id, record int64, item string, state queue.State, label string, s queue.Standing) OpenCase {
	return OpenCase{Kind: kind, ID: id, Record: record, Item: item, State: string(state), StateLabel: label, Due: s.Due,
		Deadline: s.Deadline, DaysLeft: s.DaysLeft, Status: s.Status, Provisional: s.Provisional}
}

// CaseKindLabel names an open case's kind for people.
func CaseKindLabel(kind, lang string) string {
	switch kind {
	case CaseObjection:
		return pick(lang, "异议", "objection")
	case CaseRepair:
		return pick(lang, "信用修复", "repair")
	}
	return kind
}

// CaseStatusLabel names a queue status for people (ok, due_soon, overdue).
func CaseStatusLabel(s workday.Status, lang string) string {
	if lang == "en" {
		return string(s)
	}
	return s.Label()
}

// CaseDeadlineLabel names the deadline an open case is due on (审核期限…).
func CaseDeadlineLabel(c OpenCase, lang string) string {
	if c.Deadline == "" {
		return ""
	}
	m := objection.Machine
	if c.Kind == CaseRepair {
		m = repair.Machine
	}
	d := m.Deadline(c.Deadline)
	return pick(lang, d.Zh, d.En)
}
