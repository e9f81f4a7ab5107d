package sanction

import (
	"context"
	"fmt"
	"strings"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/ident"
	"credit/internal/roster"
	"credit/internal/store"
)

// Scope is what a user unit's check sees (SPEC §C shared scope): the public
// items and the shared items the unit is registered for.
type Scope struct {
	Unit     string
	UnitName string
	items    map[string]bool
}

// UnitScope refuses a unit that is not registered (exit 5) and works out the
// items its checks see under cat.
func UnitScope(ctx context.Context, st *store.Store, cat *catalog.Catalog, unit string) (*Scope, error) {
	code := ident.NormalizeCode(unit)
	if code == "" {
		return nil, apperr.New(apperr.Usage, "需要 --unit（信息使用单位的统一社会信用代码）", "--unit (the user unit's code) is required")
	}
	u, ok, err := st.Unit(ctx, code)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.Newf(apperr.Rule, "%s 不是已登记的信息使用单位：请管理员先用 credit unit add 登记（第二十条）",
			"%s is not a registered user unit: an administrator registers it with credit unit add", code)
	}
	s := &Scope{Unit: u.Code, UnitName: u.Name, items: map[string]bool{}}
	registered := map[string]bool{}
	for _, it := range u.Items {
		registered[it] = true
	}
	for _, it := range cat.Items {
		if it.Disclosure == catalog.Public || (it.Disclosure == catalog.Shared && registered[it.Code]) {
			s.items[it.Code] = true
		}
	}
	return s, nil
}

// Sees reports whether the unit may see records of item.
func (s *Scope) Sees(item string) bool { return s == nil || s.items[item] }

// EntryHit is a list entry that counts, as a check shows it.
type EntryHit struct {
	ID         string     `json:"id"`
	List       string     `json:"list"`
	ListName   string     `json:"list_name"`
	Item       string     `json:"item"`
	Source     string     `json:"source"`
	Unit       string     `json:"unit"`
	UnitName   string     `json:"unit_name"`
	Basis      string     `json:"basis"`
	Determined civil.Date `json:"determined"`
	ValidUntil civil.Date `json:"valid_until"`
	Provider   string     `json:"provider"`
	RecordID   int64      `json:"record_id,omitempty"`
	Batch      int64      `json:"batch,omitempty"`

	hash        string
	subjectName string
}

// RecordHit is a serious negative record that counts, with where it comes
// from: the item, the provider and batch, and for a record 第二十九条 made the
// subject's own, the organisation it was filed under and the subject's role.
type RecordHit struct {
	RecordID   int64  `json:"record_id"`
	Entry      string `json:"entry,omitempty"` // a hand-entered black-list entry (M<n>) linked by 第二十九条; RecordID is 0
	Item       string `json:"item"`
	ItemName   string `json:"item_name"`
	Provider   string `json:"provider"`
	Batch      int64  `json:"batch"`
	DecidedOn  string `json:"decided_on"`
	ValidUntil string `json:"valid_until"`
	Role       string `json:"role"`              // own | legal_rep | principal | direct
	Article    string `json:"article,omitempty"` // 第二十九条 for a linked record
	OwnerCode  string `json:"owner_code,omitempty"`
	OwnerName  string `json:"owner_name,omitempty"`

	hash string
}

// RoleLabel names a record's role for people.
func RoleLabel(role, lang string) string {
	l := map[string][2]string{
		"own":       {"本主体", "own"},
		"legal_rep": {"法定代表人（第二十九条）", "legal representative (第二十九条)"},
		"principal": {"主要负责人（第二十九条）", "principal (第二十九条)"},
		"direct":    {"直接责任人（第二十九条）", "directly responsible person (第二十九条)"},
	}[role]
	if l[0] == "" {
		return role
	}
	return pick(lang, l[0], l[1])
}

// Hits are what grounds measures for a subject on a date.
type Hits struct {
	Entries []EntryHit
	Records []RecordHit
}

// Empty reports no hit.
func (h Hits) Empty() bool { return len(h.Entries) == 0 && len(h.Records) == 0 }

// Refs are the records the hits returned, for the query log.
func (h Hits) Refs() []store.RecordRef {
	var out []store.RecordRef
	seen := map[int64]bool{}
	for _, e := range h.Entries {
		if e.RecordID != 0 && !seen[e.RecordID] {
			seen[e.RecordID] = true
			out = append(out, store.RecordRef{ID: e.RecordID, ContentHash: e.hash})
		}
	}
	for _, r := range h.Records {
		if r.RecordID != 0 && !seen[r.RecordID] {
			seen[r.RecordID] = true
			out = append(out, store.RecordRef{ID: r.RecordID, ContentHash: r.hash})
		}
	}
	return out
}

// HitsOn finds the list entries and serious negative records that count for
// subject code on date on, within scope. Records of list items (HEIMD) appear
// as list entries, not again as records, except where 第二十九条 made an
// organisation's list record a person's: then it is the person's serious
// record while the organisation's entry counts.
func HitsOn(ctx context.Context, st *store.Store, cat *catalog.Catalog, scope *Scope, code string, on civil.Date) (Hits, error) {
	var h Hits
	entries, err := roster.Counting(ctx, st, cat, code, on)
	if err != nil {
		return h, err
	}
	for _, e := range entries {
		if e.Item != "" && !scope.Sees(e.Item) {
			continue
		}
		h.Entries = append(h.Entries, EntryHit{ID: e.ID, List: e.List, ListName: e.ListName, Item: e.Item, Source: e.Source,
			Unit: e.Unit, UnitName: e.UnitName, Basis: e.Basis, Determined: e.Determined, ValidUntil: e.ValidUntil,
			Provider: e.Provider, RecordID: e.RecordID, Batch: e.BatchID, hash: e.ContentHash, subjectName: e.SubjectName})
	}
	recs, err := st.SeriousRecordsOf(ctx, code, on.String())
	if err != nil {
		return h, err
	}
	lists := roster.Items(cat)
	for _, r := range recs {
		if !scope.Sees(r.Item) {
			continue
		}
		if _, isList := lists[r.Item]; isList {
			if r.Role == "" {
				continue // shown as the subject's list entry
			}
			e, err := roster.Get(ctx, st, cat, fmt.Sprintf("R%d", r.RecordID))
			if err != nil || !e.Counts(on) {
				continue
			}
		}
		hit := RecordHit{RecordID: r.RecordID, Item: r.Item, Provider: r.Provider, Batch: r.FirstBatch, DecidedOn: r.DecidedOn,
			ValidUntil: r.ValidUntil, Role: "own", hash: r.ContentHash}
		if it := cat.Item(r.Item); it != nil {
			hit.ItemName = it.Name
		}
		if r.Role != "" {
			hit.Role, hit.Article, hit.OwnerCode, hit.OwnerName = r.Role, "第二十九条", r.OwnerCode, r.OwnerName
		}
		h.Records = append(h.Records, hit)
	}
	// 第二十九条 for hand-entered black-list entries of a 法人: the persons
	// the determination found responsible, while the entry counts.
	linked, err := roster.LinkedTo(ctx, st, cat, code, on)
	if err != nil {
		return h, err
	}
	for _, l := range linked {
		if l.Item != "" && !scope.Sees(l.Item) {
			continue
		}
		hit := RecordHit{Entry: l.ID, Item: l.Item, Provider: l.Provider, DecidedOn: l.Determined.String(), ValidUntil: l.ValidUntil.String(),
			Role: l.Role, Article: "第二十九条", OwnerCode: l.SubjectCode, OwnerName: l.SubjectName}
		if it := cat.Item(l.Item); it != nil {
			hit.ItemName = it.Name
		}
		h.Records = append(h.Records, hit)
	}
	return h, nil
}

// id names a record hit: its record number, or the hand-entered entry.
func (r RecordHit) id() string {
	if r.RecordID == 0 && r.Entry != "" {
		return r.Entry
	}
	return fmt.Sprintf("%d", r.RecordID)
}

// Grounds are the hits that ground measure m: its list types' entries and,
// when it answers serious records, the records.
func (m *Measure) Grounds(h Hits) []Ground {
	var out []Ground
	for _, e := range h.Entries {
		if contains(m.Lists, e.List) {
			out = append(out, Ground{Type: "list", ID: e.ID, List: e.List, Name: e.ListName})
		}
	}
	if contains(m.Records, RecordSerious) {
		for _, r := range h.Records {
			out = append(out, Ground{Type: "record", ID: r.id(), Item: r.Item, Role: r.Role})
		}
	}
	return out
}

// Ground is one list entry or record that grounds a measure, as a case keeps it.
type Ground struct {
	Type string `json:"type"` // list | record
	ID   string `json:"id"`   // entry id (M12, R345) or record id
	List string `json:"list,omitempty"`
	Name string `json:"name,omitempty"` // list name
	Item string `json:"item,omitempty"`
	Role string `json:"role,omitempty"`
}

// Label describes the ground for people: 黑名单 R12 某某名单 / 严重失信记录 #12 XZCF.
func (g Ground) Label(lang string) string {
	if g.Type == "list" {
		s := ListLabel(g.List, lang) + " " + g.ID
		if g.Name != "" {
			s += " " + g.Name
		}
		return s
	}
	s := pick(lang, "严重失信记录 #", "serious record #") + g.ID + " " + g.Item
	if g.Role != "" && g.Role != "own" {
		s += pick(lang, "（", " (") + RoleLabel(g.Role, lang) + pick(lang, "）", ")")
	}
	return s
}

// MeasureHit is a measure that applies to a checked subject for the matter.
type MeasureHit struct {
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Kind      Kind     `json:"kind"`
	Category  Category `json:"category"`
	Confirmed bool     `json:"confirmed"`
	Grounds   []Ground `json:"grounds"`
}

// Applicable lists the measures of l that apply for matter to a subject with
// hits h, in list order.
func (l *MeasureList) Applicable(h Hits, matter string) []MeasureHit {
	out := []MeasureHit{}
	for _, m := range l.Measures {
		if !m.AppliesTo(matter) {
			continue
		}
		if g := m.Grounds(h); len(g) > 0 {
			out = append(out, MeasureHit{Code: m.Code, Name: m.Name, Kind: m.Kind(), Category: m.Category, Confirmed: m.Confirmed(), Grounds: g})
		}
	}
	return out
}

// subjectName is the name a hand-made entry gives a subject the archive
// does not know.
func (h Hits) subjectName() string {
	for _, e := range h.Entries {
		if e.subjectName != "" {
			return e.subjectName
		}
	}
	return ""
}

// describeHits says what a subject has, for a refusal: "红名单 M3".
func describeHits(h Hits, lang string) string {
	var parts []string
	for _, e := range h.Entries {
		parts = append(parts, ListLabel(e.List, lang)+" "+e.ID)
	}
	for _, r := range h.Records {
		parts = append(parts, pick(lang, "严重失信记录 #", "serious record #")+r.id())
	}
	if len(parts) == 0 {
		return pick(lang, "无有效名单和严重失信记录", "no valid list entry and no serious record")
	}
	return strings.Join(parts, pick(lang, "、", ", "))
}
