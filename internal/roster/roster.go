// Package roster owns the red and black lists (第十七条): 守信激励对象名单
// (red) and 严重失信主体名单 (black). Entries come in two ways: as records of
// the catalog's list items (HMD, HEIMD) imported from provider files — they
// count as soon as their batch is published — or typed in by hand from a
// paper determination, which counts only once a reviewer approves it. Either
// leaves its list (移出) only on a listed ground with a document (第三十六条:
// workflow.go), and a black-list entry of a 法人 typed in by hand is recorded
// against the persons it finds responsible (第二十九条: responsible.go).
// Only approved, valid, unremoved entries count anywhere: in checks, as
// grounds of cases and in the collection report's late-report count. An entry reported after the end of
// the month following its determination is late (第十七条).
package roster

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/store"
)

// Lists.
const (
	Red   = "red"   // 守信激励对象名单
	Black = "black" // 严重失信主体名单
)

// ListLabel names a list for people.
func ListLabel(list, lang string) string {
	switch {
	case lang == "en" && list == Red:
		return "red list"
	case lang == "en" && list == Black:
		return "black list"
	case list == Red:
		return "红名单"
	case list == Black:
		return "黑名单"
	}
	return list
}

// Sources of an entry.
const (
	SourceImport = "import" // a record of a list item, from a provider file
	SourceManual = "manual" // typed in by hand, approved by a reviewer
)

// States of a hand-made entry (imported entries are approved by their
// publication). Removed is not a stored state: a removal is its own row.
const (
	Pending  = "pending"
	Approved = "approved"
	Rejected = "rejected"
)

// Status of an entry on a date.
const (
	StatusValid     = "valid"
	StatusPending   = "pending"
	StatusRejected  = "rejected"
	StatusRemoved   = "removed"
	StatusExpired   = "expired"
	StatusNotYet    = "not_yet"   // determined after the date
	StatusWithdrawn = "withdrawn" // the record was withdrawn (objection)
	StatusRepaired  = "repaired"  // the record was repaired
)

var statusLabels = map[string][2]string{
	StatusValid:     {"有效", "valid"},
	StatusPending:   {"待审核", "pending approval"},
	StatusRejected:  {"审核未通过", "rejected"},
	StatusRemoved:   {"已移出", "removed"},
	StatusExpired:   {"已过有效期", "expired"},
	StatusNotYet:    {"尚未认定", "not yet determined"},
	StatusWithdrawn: {"已撤销", "withdrawn"},
	StatusRepaired:  {"已信用修复", "repaired"},
}

// StatusLabel names a status for people.
func StatusLabel(s, lang string) string {
	l, ok := statusLabels[s]
	if !ok {
		return s
	}
	if lang == "en" {
		return l[1]
	}
	return l[0]
}

// Field names of the catalog's list items (catalogs/nantong.yaml HMD, HEIMD).
const (
	FieldListName   = "名单名称"
	FieldUnitName   = "认定单位"
	FieldUnit       = "认定单位统一社会信用代码"
	FieldBasis      = "认定依据"
	FieldReason     = "列入事由"
	FieldDetermined = "认定日期"
	FieldValidUntil = "有效期至"
)

// Entry is one list entry, from either source.
type Entry struct {
	ID           string     `json:"id"` // M<n> hand-made, R<record id> imported
	Source       string     `json:"source"`
	List         string     `json:"list"`
	ListName     string     `json:"list_name"`
	Item         string     `json:"item"` // the catalog's list item (HMD, HEIMD)
	SubjectCode  string     `json:"subject_code"`
	SubjectName  string     `json:"subject_name"`
	SubjectKind  string     `json:"subject_kind,omitempty"`
	SubjectID    int64      `json:"-"`
	Unit         string     `json:"unit"` // 认定单位 code
	UnitName     string     `json:"unit_name"`
	Basis        string     `json:"basis"`
	Reason       string     `json:"reason,omitempty"`
	Determined   civil.Date `json:"determined"`
	ValidUntil   civil.Date `json:"valid_until"`
	Reported     civil.Date `json:"reported"`
	ReportDue    civil.Date `json:"report_due"`
	Late         bool       `json:"late"`
	DaysLate     int        `json:"days_late"`
	Provider     string     `json:"provider"` // whom a late report counts against
	State        string     `json:"state"`    // pending | approved | rejected
	RecordID     int64      `json:"record_id,omitempty"`
	RecordStatus string     `json:"record_status,omitempty"`
	ContentHash  string     `json:"-"`
	BatchID      int64      `json:"batch,omitempty"`
	AddedBy      string     `json:"added_by,omitempty"`
	DecidedBy    string     `json:"decided_by,omitempty"`
	DecidedOn    civil.Date `json:"decided_on"`
	RemovedOn    civil.Date `json:"removed_on"`
	RemovalNote  string     `json:"removal_reason,omitempty"`
	RemovedBy    string     `json:"removed_by,omitempty"`
	// RemovalGround is the listed ground of the removal (第三十六条: revoked,
	// objection, repair, expired; "" for a removal made before grounds were
	// required) and RemovalRef its document.
	RemovalGround string `json:"removal_ground,omitempty"`
	RemovalRef    string `json:"removal_ref,omitempty"`
	// Responsible are the persons a hand-entered black-list entry of a 法人
	// is recorded against (第二十九条). Personal: office views only.
	Responsible []Responsible `json:"responsible,omitempty"`
	// Redacted: the entry's record was withdrawn (an objection on ground
	// prohibited or expired, 第三十一条): only its ids, list, source, the
	// subject's code, the batch and provider that reported it and its
	// status are kept; every value the record held is left out.
	Redacted bool `json:"redacted,omitempty"`
}

// redact keeps of an entry whose record was withdrawn only what says that
// it was withdrawn (SPEC §C: withdrawn information appears in no scope).
func (e *Entry) redact() {
	*e = Entry{ID: e.ID, Source: e.Source, List: e.List, Item: e.Item, SubjectCode: e.SubjectCode, SubjectKind: e.SubjectKind,
		SubjectID: e.SubjectID, Reported: e.Reported, Provider: e.Provider, State: e.State, RecordID: e.RecordID,
		RecordStatus: e.RecordStatus, BatchID: e.BatchID, RemovedOn: e.RemovedOn, RemovedBy: e.RemovedBy, RemovalGround: e.RemovalGround, Redacted: true}
}

// Status is the entry's status on date on.
func (e Entry) Status(on civil.Date) string {
	switch {
	case e.State == Pending:
		return StatusPending
	case e.State == Rejected:
		return StatusRejected
	case e.RecordStatus == "withdrawn":
		return StatusWithdrawn
	case e.RecordStatus == "repaired":
		return StatusRepaired
	case !e.RemovedOn.IsZero() && !on.Before(e.RemovedOn) && e.RemovalGround == GroundRepair:
		return StatusRepaired // a hand-entered entry repaired (第三十五条)
	case !e.RemovedOn.IsZero() && !on.Before(e.RemovedOn):
		return StatusRemoved
	case !e.Determined.IsZero() && e.Determined.After(on):
		return StatusNotYet
	case !e.ValidUntil.IsZero() && e.ValidUntil.Before(on):
		return StatusExpired
	}
	return StatusValid
}

// Counts reports whether the entry counts on date on: approved, determined,
// within its validity, not removed, its record neither withdrawn nor repaired.
func (e Entry) Counts(on civil.Date) bool { return e.Status(on) == StatusValid }

// ParseID reads an entry id: M12 (or plain 12) is a hand-made entry, R345
// the imported record 345.
func ParseID(s string) (manual int64, record int64, err error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	bad := apperr.Newf(apperr.Usage, "名单条目编号 %q 无效：手工录入的形如 M12，导入的形如 R345（见 credit roster list）",
		"list entry id %q is not valid: hand-made entries look like M12, imported ones like R345 (see credit roster list)", s)
	prefix := byte('M')
	if s != "" && (s[0] == 'M' || s[0] == 'R') {
		prefix, s = s[0], s[1:]
	}
	n, e := strconv.ParseInt(s, 10, 64)
	if e != nil || n <= 0 {
		return 0, 0, bad
	}
	if prefix == 'R' {
		return 0, n, nil
	}
	return n, 0, nil
}

// Items maps the catalog's list items to their lists (HMD → red, HEIMD → black).
func Items(cat *catalog.Catalog) map[string]string {
	out := map[string]string{}
	if cat == nil {
		return out
	}
	for _, it := range cat.Items {
		if it.Roster != "" {
			out[it.Code] = it.Roster
		}
	}
	return out
}

// ItemFor is the catalog's item for a list (HMD for red), or nil.
func ItemFor(cat *catalog.Catalog, list string) *catalog.Item {
	if cat == nil {
		return nil
	}
	for _, it := range cat.Items {
		if it.Roster == list {
			return it
		}
	}
	return nil
}

// DefaultValidUntil is the last valid day of an entry determined on d when
// the determination names none: the list item's validity (第三十条: a black
// list entry is serious, 3 years), or zero when it has none.
func DefaultValidUntil(cat *catalog.Catalog, list string, d civil.Date) civil.Date {
	it := ItemFor(cat, list)
	if it == nil || cat == nil || d.IsZero() {
		return civil.Date{}
	}
	sev := catalog.General
	if list == Black {
		sev = catalog.Serious
	}
	last, ok := cat.ValidityFor(it, sev).ValidThrough(d)
	if !ok {
		return civil.Date{}
	}
	return last
}

func parseDate(s string) civil.Date {
	d, _ := civil.Parse(strings.TrimSpace(s))
	return d
}

func (e *Entry) setLate(p catalog.Policy) {
	if e.Determined.IsZero() || e.Reported.IsZero() {
		return
	}
	e.ReportDue = p.RosterReportDue(e.Determined)
	if e.Reported.After(e.ReportDue) {
		e.Late = true
		e.DaysLate = e.ReportDue.DaysUntil(e.Reported)
	}
}

// fromRecord makes the entry an imported list record stands for. Its
// validity ends on the earlier of the row's 有效期至 and the record's own
// valid-until (第三十条); with neither, the item's validity from 认定日期.
func fromRecord(cat *catalog.Catalog, list string, r store.RosterRecordRow) Entry {
	e := Entry{
		ID: fmt.Sprintf("R%d", r.RecordID), Source: SourceImport, List: list, Item: r.Item, State: Approved,
		ListName: r.Value(FieldListName), SubjectCode: r.SubjectCode, SubjectName: r.SubjectName, SubjectKind: r.SubjectKind,
		SubjectID: r.SubjectID, Unit: r.Value(FieldUnit), UnitName: r.Value(FieldUnitName), Basis: r.Value(FieldBasis),
		Reason: r.Value(FieldReason), Determined: parseDate(r.Value(FieldDetermined)), Reported: parseDate(r.ReportedOn),
		Provider: r.Provider, RecordID: r.RecordID, RecordStatus: r.Status, ContentHash: r.ContentHash, BatchID: r.FirstBatch,
	}
	if e.Determined.IsZero() {
		e.Determined = parseDate(r.DecidedOn)
	}
	row, rec := parseDate(r.Value(FieldValidUntil)), parseDate(r.ValidUntil)
	switch {
	case !row.IsZero() && !rec.IsZero():
		e.ValidUntil = row
		if rec.Before(row) {
			e.ValidUntil = rec
		}
	case !row.IsZero():
		e.ValidUntil = row
	case !rec.IsZero():
		e.ValidUntil = rec
	default:
		e.ValidUntil = DefaultValidUntil(cat, list, e.Determined)
	}
	if cat != nil {
		e.setLate(cat.Policy)
	}
	return e
}

func fromManual(cat *catalog.Catalog, r store.RosterManualRow) Entry {
	e := Entry{
		ID: fmt.Sprintf("M%d", r.ID), Source: SourceManual, List: r.List, ListName: r.ListName, SubjectCode: r.SubjectCode,
		SubjectName: r.SubjectName, Unit: r.Unit, Basis: r.Basis, Reason: r.Reason, Determined: parseDate(r.Determined),
		ValidUntil: parseDate(r.ValidUntil), Reported: parseDate(r.ReportedOn), Provider: r.Unit, State: r.State,
		AddedBy: r.AddedBy, DecidedBy: r.DecidedBy, DecidedOn: parseDate(r.DecidedOn),
	}
	if it := ItemFor(cat, r.List); it != nil {
		e.Item = it.Code
	}
	if cat != nil {
		e.setLate(cat.Policy)
	}
	return e
}

// Filter narrows a listing.
type Filter struct {
	SubjectCode string // normalised
	List        string // red | black
	ID          string // one entry
	// ReportedFrom/To bound the reported date (inclusive).
	ReportedFrom, ReportedTo civil.Date
}

// Entries lists the entries of both sources that match f, with their
// removals, ordered by determination date then id. Imported ones are read
// through the list items of cat; one whose record was withdrawn is
// redacted (Entry.Redacted).
func Entries(ctx context.Context, st *store.Store, cat *catalog.Catalog, f Filter) ([]Entry, error) {
	sf := store.RosterFilter{SubjectCode: f.SubjectCode, List: f.List, ReportedFrom: f.ReportedFrom.String(), ReportedTo: f.ReportedTo.String()}
	if f.ID != "" {
		m, r, err := ParseID(f.ID)
		if err != nil {
			return nil, err
		}
		sf.ManualID, sf.RecordID = m, r
	}
	items := Items(cat)
	var codes []string
	for code, list := range items {
		if f.List == "" || f.List == list {
			codes = append(codes, code)
		}
	}
	sort.Strings(codes)
	var out []Entry
	manual, err := st.RosterManualEntries(ctx, sf)
	if err != nil {
		return nil, err
	}
	for _, m := range manual {
		out = append(out, fromManual(cat, m))
	}
	recs, err := st.RosterRecords(ctx, codes, sf)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		out = append(out, fromRecord(cat, items[r.Item], r))
	}
	ids := make([]string, len(out))
	for i, e := range out {
		ids[i] = e.ID
	}
	removals, err := st.RosterRemovals(ctx, ids)
	if err != nil {
		return nil, err
	}
	var manualIDs []int64
	for i := range out {
		if rm, ok := removals[out[i].ID]; ok {
			out[i].RemovedOn, out[i].RemovalNote, out[i].RemovedBy = parseDate(rm.RemovedOn), rm.Reason, rm.RemovedBy
			out[i].RemovalGround, out[i].RemovalRef = rm.Ground, rm.Ref
		}
		if m, _, _ := ParseID(out[i].ID); m != 0 {
			manualIDs = append(manualIDs, m)
		}
	}
	if err := attachResponsible(ctx, st, out, manualIDs); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		if c := out[i].Determined.Compare(out[j].Determined); c != 0 {
			return c < 0
		}
		return out[i].ID < out[j].ID
	})
	for i := range out {
		if out[i].RecordStatus == "withdrawn" {
			out[i].redact()
		}
	}
	return out, nil
}

// Get is one entry by id.
func Get(ctx context.Context, st *store.Store, cat *catalog.Catalog, id string) (Entry, error) {
	es, err := Entries(ctx, st, cat, Filter{ID: id})
	if err != nil {
		return Entry{}, err
	}
	if len(es) == 0 {
		return Entry{}, apperr.Newf(apperr.Usage, "没有名单条目 %s（credit roster list 列出全部）", "no list entry %s (credit roster list shows them)", strings.ToUpper(strings.TrimSpace(id)))
	}
	return es[0], nil
}

// Counting returns the entries of a subject that count on date on.
func Counting(ctx context.Context, st *store.Store, cat *catalog.Catalog, code string, on civil.Date) ([]Entry, error) {
	es, err := Entries(ctx, st, cat, Filter{SubjectCode: code})
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, e := range es {
		if e.Counts(on) {
			out = append(out, e)
		}
	}
	return out, nil
}
