// Package archive owns subject archives (信用档案, 第十八条): looking a subject
// up by its code, deciding which of its records an asker sees in their scope
// (第十九条–第二十二条, SPEC §C) and in which state (valid, expired 第三十条,
// corrected, repaired), masking personal fields, the records 第二十九条 makes
// a person's, the revision history, search, batch export to user units
// (第二十四条) and the printable credit report — and writing every look into
// the query log (an office rule serving 第二十二条 and 第三十七条; 第二十七条 only encourages queries). No SQL (internal/store) and no command line
// (internal/cli) live here.
package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/ident"
	"credit/internal/store"
)

// Record states (SPEC §C, §D, §E).
const (
	StateValid     = "valid"     // in use
	StateExpired   = "expired"   // past its validity (第三十条): office only
	StateCorrected = "corrected" // its current content was corrected after an objection
	StateRepaired  = "repaired"  // credit repair completed (第三十五条): office only
	// StateNotYet: decided after the date validity is judged on — on that
	// date the record did not exist yet. Office only (a what-if question).
	StateNotYet = "not_yet"
	// StatePurged: its values were removed by the retention procedure of
	// 第八条 (docs/retention.md). Office only, without content.
	StatePurged = "purged"
)

// Query-log actions written by this package.
const (
	ActionShow    = "show"
	ActionSearch  = "search"
	ActionReport  = "report"
	ActionExport  = "export"
	ActionHistory = "history"
)

// Subject is the archive's subject as the scope may see it.
type Subject struct {
	Code     string `json:"code"` // masked for a natural person outside the shared and office scopes
	Name     string `json:"name"`
	Kind     string `json:"kind"` // organisation | individual_business | natural_person
	LegalRep string `json:"legal_rep,omitempty"`
	id       int64
}

// Field is one stored field of a record.
type Field struct {
	Name  string
	Value string
}

// Fields are a record's non-empty fields in the order they were stored.
// They marshal as one JSON object keeping that order.
type Fields []Field

// Get returns the value of the field named name ("" when absent).
func (fs Fields) Get(name string) string {
	for _, f := range fs {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// MarshalJSON writes {"name": "value", ...} in field order.
func (fs Fields) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range fs {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshalString(f.Name)
		if err != nil {
			return nil, err
		}
		v, err := marshalString(f.Value)
		if err != nil {
			return nil, err
		}
		b.WriteString(k)
		b.WriteByte(':')
		b.WriteString(v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

func marshalString(s string) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// Record is one record as the scope may see it.
type Record struct {
	ID           int64    `json:"id"`
	Item         string   `json:"item"`
	ItemName     string   `json:"item_name"`
	Category     string   `json:"category"`
	Provider     string   `json:"provider"`
	ProviderName string   `json:"provider_name"`
	DecidedOn    string   `json:"decided_on"`
	Severity     string   `json:"severity"`
	ValidUntil   string   `json:"valid_until"`
	State        string   `json:"state"`
	Flags        []string `json:"flags"`
	// LinkedAs is set when 第二十九条 puts the record in a person's archive:
	// legal_rep, principal or direct.
	LinkedAs    string `json:"linked_as,omitempty"`
	Rev         int    `json:"rev"`
	ContentHash string `json:"content_hash"`
	Fields      Fields `json:"fields"`
	// Purge is set for a purged record (office scope only): the document
	// and date of the retention procedure that removed its values.
	Purge *PurgeNote `json:"purge,omitempty"`
	// Upstream is the record's state in the exchange with the province
	// (office scope only, items the catalog reports upward).
	Upstream *Upstream `json:"upstream,omitempty"`
}

// PurgeNote says when and under which document a record was purged.
type PurgeNote struct {
	Ref         string `json:"ref"`
	PurgedOn    string `json:"purged_on"`
	KeptThrough string `json:"kept_through"`
}

// Archive is one subject's archive as one asker saw it.
type Archive struct {
	Subject Subject  `json:"subject"`
	Records []Record `json:"records"`
	// RosterEntries are the subject's red and black list entries that count
	// on AsOf, where the scope sees the list's item (HMD, HEIMD are public).
	RosterEntries []RosterEntry `json:"roster_entries"`
	// OpenCases are the objections and repairs being worked on the records:
	// office scope only, filled by OpenCases (it needs the calendar).
	OpenCases []OpenCase `json:"open_cases,omitzero"`
	Scope     Scope      `json:"scope"`
	Unit      string     `json:"unit,omitempty"`
	UnitName  string     `json:"unit_name,omitempty"`
	AsOf      civil.Date `json:"as_of"`
	// QueryID is the query-log entry of this look (the report's number).
	QueryID int64 `json:"query_id"`
}

// ParseCode normalises a subject code given on the command line: a valid
// 统一社会信用代码 or 身份证号码 (a 15-digit number upgraded to 18). Anything
// else is refused (exit 5) with the reason.
func ParseCode(s string) (string, ident.Kind, error) {
	r := ident.Check(s)
	if !r.Valid {
		return "", "", apperr.Newf(apperr.Rule, "%q 不是有效的统一社会信用代码或身份证号码：%s", "%q is not a valid USCC or ID number: %s", s, r.Reason)
	}
	return r.Code, r.Kind, nil
}

func kindOf(k ident.Kind) string {
	switch k {
	case ident.NaturalPerson:
		return string(catalog.NaturalPerson)
	case ident.IndividualBusiness:
		return string(catalog.IndividualBusiness)
	}
	return string(catalog.Organisation)
}

// Lookup is one subject's archive read for acc (not yet logged).
type lookup struct {
	acc     *Access
	subject store.SubjectRow
	found   bool
	records []Record
	refs    []store.RecordRef
}

var categoryOrder = map[string]int{string(catalog.Basic): 0, string(catalog.Positive): 1, string(catalog.Negative): 2, string(catalog.Other): 3}

// linkPriority orders the roles by which 第二十九条 links a person.
var linkPriority = map[string]int{"legal_rep": 0, "principal": 1, "direct": 2}

// StateOf is a record's state on asOf (withdrawn records have none: they are
// shown nowhere).
func StateOf(r store.StoredRecord, asOf civil.Date) string {
	switch {
	case r.Status == store.StatusPurged:
		return StatePurged
	case r.DecidedOn != "" && r.DecidedOn > asOf.String():
		return StateNotYet
	case r.Status == "repaired":
		return StateRepaired
	case r.ValidUntil != "" && r.ValidUntil < asOf.String():
		return StateExpired
	case r.Procedure == "correction":
		return StateCorrected
	}
	return StateValid
}

// visible reports whether acc may see a record in state state.
func (a *Access) visible(r store.StoredRecord, state string) bool {
	if r.Status == "withdrawn" || !a.Sees(r.Item) {
		return false
	}
	if a.Scope == Office {
		return true
	}
	// A purged record (state purged) is in no other scope.
	return state == StateValid || state == StateCorrected
}

// read builds the archive of the subject with code (normalised) for acc.
func read(ctx context.Context, st *store.Store, acc *Access, code string) (*lookup, error) {
	l := &lookup{acc: acc}
	sub, found, err := st.SubjectByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	l.subject, l.found = sub, found
	if !found {
		return l, nil
	}
	stored, err := st.SubjectRecords(ctx, sub.ID)
	if err != nil {
		return nil, err
	}
	l.records, l.refs, err = build(ctx, st, acc, sub, stored)
	return l, err
}

// keep filters a subject's stored records to those acc sees, one row per
// record (a person linked in several roles keeps the first role).
func (a *Access) keep(stored []store.StoredRecord) []store.StoredRecord {
	byID := map[int64]int{}
	var keep []store.StoredRecord
	for _, r := range stored {
		if r.LinkRole != "" && r.Severity != string(catalog.Serious) {
			continue // 第二十九条 makes only serious records the person's
		}
		if i, ok := byID[r.ID]; ok {
			if linkPriority[r.LinkRole] < linkPriority[keep[i].LinkRole] {
				keep[i].LinkRole = r.LinkRole
			}
			continue
		}
		if !a.visible(r, StateOf(r, a.AsOf)) {
			continue
		}
		byID[r.ID] = len(keep)
		keep = append(keep, r)
	}
	return keep
}

// build turns a subject's stored records into what acc sees.
func build(ctx context.Context, st *store.Store, acc *Access, sub store.SubjectRow, stored []store.StoredRecord) ([]Record, []store.RecordRef, error) {
	keep := acc.keep(stored)
	if len(keep) == 0 {
		return nil, nil, nil
	}
	layoutIDs := make([]int64, 0, len(keep))
	var ids, others []int64
	for _, r := range keep {
		layoutIDs = append(layoutIDs, r.Layout)
		ids = append(ids, r.ID)
		if r.SubjectID != sub.ID {
			others = append(others, r.SubjectID)
		}
	}
	layouts, err := st.LayoutNames(ctx, layoutIDs)
	if err != nil {
		return nil, nil, err
	}
	flags, err := st.RecordFlags(ctx, ids, acc.AsOf.String())
	if err != nil {
		return nil, nil, err
	}
	var purged []int64
	for _, r := range keep {
		if r.Status == store.StatusPurged {
			purged = append(purged, r.ID)
		}
	}
	purges, err := st.PurgedRecords(ctx, purged)
	if err != nil {
		return nil, nil, err
	}
	var upstream map[int64]store.UpstreamRow
	if acc.Scope == Office {
		if upstream, err = st.UpstreamByID(ctx, ids); err != nil {
			return nil, nil, err
		}
	}
	kinds := map[int64]string{sub.ID: sub.Kind}
	if len(others) > 0 {
		subs, err := st.SubjectsByID(ctx, others)
		if err != nil {
			return nil, nil, err
		}
		for id, s := range subs {
			kinds[id] = s.Kind
		}
	}
	providers := map[string]string{}
	out := make([]Record, 0, len(keep))
	refs := make([]store.RecordRef, 0, len(keep))
	for _, r := range keep {
		names, ok := layouts[r.Layout]
		if !ok {
			return nil, nil, fmt.Errorf("record %d: layout %d is missing", r.ID, r.Layout)
		}
		var vals []string
		if err := json.Unmarshal([]byte(r.Vals), &vals); err != nil {
			return nil, nil, fmt.Errorf("record %d: stored values: %w", r.ID, err)
		}
		it := acc.Catalog.Item(r.Item)
		rec := Record{ID: r.ID, Item: r.Item, ItemName: r.Item, Category: r.Category, Provider: r.Provider, DecidedOn: r.DecidedOn,
			Severity: r.Severity, ValidUntil: r.ValidUntil, State: StateOf(r, acc.AsOf), Flags: flags[r.ID], LinkedAs: r.LinkRole,
			Rev: r.Rev, ContentHash: r.ContentHash}
		if rec.Flags == nil {
			rec.Flags = []string{}
		}
		if it != nil {
			rec.ItemName = it.Name
		}
		if name, ok := providers[r.Provider]; ok {
			rec.ProviderName = name
		} else {
			p, _, err := st.Provider(ctx, r.Provider)
			if err != nil {
				return nil, nil, err
			}
			providers[r.Provider], rec.ProviderName = p.Name, p.Name
		}
		rec.Fields = acc.fields(it, catalog.SubjectKind(kinds[r.SubjectID]), sub, r, names, vals)
		if u, ok := upstream[r.ID]; ok && it != nil && it.Upward != "" && r.Status != store.StatusPurged {
			rec.Upstream = upstreamOf(u)
		}
		if p, ok := purges[r.ID]; ok {
			rec.Purge = &PurgeNote{Ref: p.Ref, PurgedOn: p.PurgedOn, KeptThrough: p.KeptThrough}
		}
		out = append(out, rec)
		refs = append(refs, store.RecordRef{ID: r.ID, ContentHash: r.ContentHash})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if ca, cb := categoryOrder[a.Category], categoryOrder[b.Category]; ca != cb {
			return ca < cb
		}
		if a.DecidedOn != b.DecidedOn {
			return a.DecidedOn > b.DecidedOn
		}
		return a.ID > b.ID
	})
	return out, refs, nil
}

// fields are a record's non-empty stored values as acc may see them.
func (a *Access) fields(it *catalog.Item, kind catalog.SubjectKind, sub store.SubjectRow, r store.StoredRecord, names, vals []string) Fields {
	out := make(Fields, 0, len(names))
	var persons []string
	if a.masks() {
		persons = a.namedPersons(it, kind, sub, r, names, vals)
	}
	for i, name := range names {
		if i >= len(vals) || vals[i] == "" {
			continue
		}
		v := vals[i]
		if a.masks() {
			if p, isName := personal(it, name, kind); p && !a.own(it, name, sub, r) {
				v = maskValue(v, isName)
			}
			v = MaskText(v, persons...)
		}
		out = append(out, Field{Name: name, Value: v})
	}
	return out
}

// namedPersons are the natural persons a record names whose names the
// scope masks, so that free text masks them too: the values of the personal
// name fields the scope masks, and in the public scope a natural-person
// subject's name (the archive's own subject, also when 第二十九条 links it
// to an organisation's record).
func (a *Access) namedPersons(it *catalog.Item, kind catalog.SubjectKind, sub store.SubjectRow, r store.StoredRecord, names, vals []string) []string {
	var out []string
	if a.Scope == Public && sub.Kind == string(catalog.NaturalPerson) {
		out = append(out, sub.Name)
	}
	for i, name := range names {
		if i >= len(vals) || vals[i] == "" {
			continue
		}
		if p, isName := personal(it, name, kind); p && isName && !a.own(it, name, sub, r) {
			out = append(out, PersonNames(vals[i])...)
		}
	}
	return out
}

// own reports whether, in the authorized scope, a personal field is the
// subject's own information, which the subject (or whom it authorized) may
// see (SPEC §C). ID numbers stay masked even then (ScrubIDs): the asker
// already holds the subject's code.
func (a *Access) own(it *catalog.Item, name string, sub store.SubjectRow, r store.StoredRecord) bool {
	if a.Scope != Authorized || it == nil {
		return false
	}
	switch r.LinkRole {
	case "":
		// A person's own record is about the person; an organisation's
		// personal fields are about someone else (its legal representative).
		return sub.Kind == string(catalog.NaturalPerson) && it.Field(name) != nil
	case "legal_rep":
		return name == it.Subject.LegalRep
	}
	return false
}

// subjectView is the subject as acc may see it.
func (l *lookup) subjectView(code string, kind ident.Kind) Subject {
	acc := l.acc
	s := Subject{Code: code, Kind: kindOf(kind)}
	if l.found {
		s.Code, s.Kind, s.Name, s.id = l.subject.Code, l.subject.Kind, l.subject.Name, l.subject.ID
	}
	person := s.Kind == string(catalog.NaturalPerson)
	if acc.masks() && person {
		s.Code = ident.Mask(s.Code)
	}
	switch {
	case person && acc.Scope != Office && len(l.records) == 0:
		// Outside the office nobody learns that a person is on file
		// unless a record they may see says so.
		s.Name = ""
	case person && acc.Scope == Public:
		s.Name = ident.MaskName(s.Name)
	}
	// The legal representative: from the latest own record that names one
	// (already masked as that record's fields are).
	best := ""
	for _, r := range l.records {
		if r.LinkedAs != "" {
			continue
		}
		it := acc.Catalog.Item(r.Item)
		if it == nil || it.Subject.LegalRep == "" {
			continue
		}
		if v := r.Fields.Get(it.Subject.LegalRep); v != "" && r.DecidedOn >= best {
			s.LegalRep, best = v, r.DecidedOn
		}
	}
	if acc.masks() {
		s.Name, s.LegalRep = MaskText(s.Name), MaskText(s.LegalRep)
	}
	return s
}

// entry is the query-log entry of a look.
func (acc *Access) entry(action string, subjectID int64, query string, refs []store.RecordRef) store.QueryEntry {
	return store.QueryEntry{Action: action, Scope: string(acc.Scope), Unit: acc.Unit, Purpose: acc.Purpose,
		Authorization: acc.Authorization, SubjectID: subjectID, Query: query, Records: refs}
}

// Show reads the archive of the subject with code for acc and writes the
// query-log entry (action show or report) before returning it: nothing is
// shown that was not logged.
func Show(ctx context.Context, st *store.Store, acc *Access, actor store.Actor, code, action string) (*Archive, error) {
	code, kind, err := ParseCode(code)
	if err != nil {
		return nil, err
	}
	// The records and the list entries are read in one snapshot (in credit
	// serve one read transaction, store.ReadSnapshot), ended before the
	// query-log entry is written.
	var l *lookup
	var a *Archive
	var entryRefs []store.RecordRef
	err = st.ReadSnapshot(ctx, func(ctx context.Context) error {
		var err error
		if l, err = read(ctx, st, acc, code); err != nil {
			return err
		}
		a = &Archive{Subject: l.subjectView(code, kind), Records: l.records, Scope: acc.Scope, Unit: acc.Unit, UnitName: acc.UnitName, AsOf: acc.AsOf}
		if a.Records == nil {
			a.Records = []Record{}
		}
		a.RosterEntries, entryRefs, err = rosterEntries(ctx, st, acc, code, catalog.SubjectKind(a.Subject.Kind))
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, r := range entryRefs {
		if !slices.ContainsFunc(l.refs, func(x store.RecordRef) bool { return x.ID == r.ID }) {
			l.refs = append(l.refs, r)
		}
	}
	// An unknown subject is logged with the code asked for, protected (the
	// query log holds no ID numbers: querylog.Protect), so that an auditor can
	// still find who looked for it.
	e := acc.entry(action, l.subject.ID, "", l.refs)
	if !l.found {
		e.Text = code
	}
	a.QueryID, err = st.LogQuery(ctx, actor, e)
	if err != nil {
		return nil, err
	}
	return a, nil
}
