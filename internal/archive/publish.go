package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/ident"
	"credit/internal/roster"
	"credit/internal/store"
)

// ActionPublish is the query-log action of a red or black list publication.
const ActionPublish = "publish"

// Columns a publication adds to the list item's catalog fields. They hold
// no record content: the entry's number (so that the public can name the
// entry in an objection) and the mark 第三十二条 requires on information
// under objection.
const (
	ColEntryID    = "名单条目编号"
	ColObjection  = "异议标识"
	ObjectionMark = "异议处理中"
)

// PublicationColumns are the columns that are not catalog fields.
var PublicationColumns = []string{ColEntryID, ColObjection}

// Publication is a red or black list as the credit website may publish it
// (第二十一条, 第二十四条 红黑名单公示): the entries in force on Date, in the
// public scope — the list item's catalog fields, natural persons' names and
// numbers masked as in the public archive (an office privacy rule serving
// 第四条's 个人隐私) — with the SHA-256 of the entries' canonical form
// (CanonicalEntries).
type Publication struct {
	List     string     `json:"list"`      // red | black
	Item     string     `json:"item"`      // the catalog's list item: HMD, HEIMD
	ListName string     `json:"list_name"` // the item's name: 守信激励对象名单…
	Date     civil.Date `json:"date"`      // entries in force on this day
	Catalog  string     `json:"catalog_version"`
	Columns  []string   `json:"columns"`
	Entries  [][]string `json:"entries"` // aligned with Columns
	SHA256   string     `json:"entries_sha256"`
	// Objected counts the entries published with the objection mark.
	Objected int   `json:"objected"`
	QueryID  int64 `json:"query_id,omitempty"`
	refs     []store.RecordRef
}

// Publish builds the publication of list (red or black) for acc, which must
// be the public scope: the entries that count on acc.AsOf (approved,
// determined, within validity, not removed, withdrawn or repaired:
// roster.Entry.Counts), of a list item the catalog discloses publicly.
// Nothing is logged: Log does that once the file is written.
func Publish(ctx context.Context, st *store.Store, acc *Access, list string) (*Publication, error) {
	if acc.Scope != Public {
		return nil, fmt.Errorf("archive: a publication is built in the public scope, not %s", acc.Scope)
	}
	if list != roster.Red && list != roster.Black {
		return nil, apperr.Newf(apperr.Usage, "--list %q 无效，应为 red（红名单）或 black（黑名单）", "--list %q is not valid: use red or black", list)
	}
	cat := acc.Catalog
	it := roster.ItemFor(cat, list)
	if it == nil {
		return nil, apperr.Newf(apperr.Rule, "目录（%s 版）中没有%s的信息项：公示范围按目录确定（第十九条、第二十一条），请先在目录中设立名单信息项",
			"the catalog (version %s) has no item for the %s: what may be published is set by the catalog; add the list item first",
			cat.Version, roster.ListLabel(list, "zh"))
	}
	if !acc.Sees(it.Code) {
		return nil, apperr.Newf(apperr.Rule, "目录（%s 版）中 %s %s 的使用范围是“%s”，不是社会公开，不能在信用网站公示（第十九条、第二十一条）",
			"in the catalog (version %s) %s %s is %s, not public: it may not be published on the credit website",
			cat.Version, it.Code, it.Name, it.Disclosure.Label("zh"))
	}
	p := &Publication{List: list, Item: it.Code, ListName: it.Name, Date: acc.AsOf, Catalog: cat.Version, Entries: [][]string{}}
	p.Columns = append([]string{ColEntryID}, it.FieldNames()...)
	p.Columns = append(p.Columns, ColObjection)

	entries, err := roster.Entries(ctx, st, cat, roster.Filter{List: list})
	if err != nil {
		return nil, err
	}
	var keep []roster.Entry
	var items []string
	seen := map[string]bool{}
	var ids []int64
	for _, e := range entries {
		// An entry of a list item the public may not see (a second list
		// item the catalog keeps shared) is not published.
		if !e.Counts(acc.AsOf) || e.Item == "" || !acc.Sees(e.Item) {
			continue
		}
		keep = append(keep, e)
		if e.RecordID != 0 {
			ids = append(ids, e.RecordID)
			if !seen[e.Item] {
				seen[e.Item] = true
				items = append(items, e.Item)
			}
		}
	}
	// The imported entries' records, for the fields an Entry does not carry.
	recs := map[int64]store.RosterRecordRow{}
	if len(items) > 0 {
		rows, err := st.RosterRecords(ctx, items, store.RosterFilter{})
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			recs[r.RecordID] = r
		}
	}
	flags, err := st.RecordFlags(ctx, ids, acc.AsOf.String())
	if err != nil {
		return nil, err
	}
	for _, e := range keep {
		row, err := p.row(ctx, st, acc, e, recs, flags[e.RecordID])
		if err != nil {
			return nil, err
		}
		p.Entries = append(p.Entries, row)
		if e.RecordID != 0 {
			p.refs = append(p.refs, store.RecordRef{ID: e.RecordID, ContentHash: e.ContentHash})
		}
	}
	p.SHA256 = EntriesSHA256(p.Columns, p.Entries)
	return p, nil
}

// row is one entry as published: its values under p.Columns, masked as the
// public archive masks them (personal, maskValue, MaskText).
func (p *Publication) row(ctx context.Context, st *store.Store, acc *Access, e roster.Entry, recs map[int64]store.RosterRecordRow, flags []string) ([]string, error) {
	it := acc.Catalog.Item(e.Item)
	kind := catalog.SubjectKind(e.SubjectKind)
	name := e.SubjectName
	if e.Source == roster.SourceManual {
		sub, found, err := st.SubjectByCode(ctx, e.SubjectCode)
		if err != nil {
			return nil, err
		}
		if found {
			kind = catalog.SubjectKind(sub.Kind)
			if name == "" {
				name = sub.Name
			}
		} else {
			kind = catalog.SubjectKind(kindOf(ident.Check(e.SubjectCode).Kind))
		}
	}
	values := map[string]string{}
	if r, ok := recs[e.RecordID]; ok && e.Source == roster.SourceImport {
		for i, n := range r.Names {
			if i < len(r.Vals) {
				values[n] = r.Vals[i]
			}
		}
	} else {
		// A hand-made entry holds what roster add took; its subject's
		// fields follow the item's subject field names.
		values[it.Subject.Name] = name
		for k, v := range it.Subject.KindValues {
			if v == kind && (values[it.Subject.Kind] == "" || k < values[it.Subject.Kind]) {
				values[it.Subject.Kind] = k
			}
		}
		for _, c := range it.Subject.Codes {
			f := it.Field(c)
			if f == nil {
				continue
			}
			org := kind != catalog.NaturalPerson
			if (f.Type == catalog.USCC && org) || (f.Type != catalog.USCC && !org) {
				values[c] = e.SubjectCode
				break
			}
		}
		values[roster.FieldListName], values[roster.FieldUnit], values[roster.FieldUnitName] = e.ListName, e.Unit, e.UnitName
		values[roster.FieldBasis], values[roster.FieldReason] = e.Basis, e.Reason
	}
	// The dates the office counts by (roster.Entry): the determination,
	// and the last valid day (the earlier of the row's and 第三十条's).
	values[roster.FieldDetermined], values[roster.FieldValidUntil] = e.Determined.String(), e.ValidUntil.String()

	// The natural persons the entry names, masked in its texts too.
	var persons []string
	if kind == catalog.NaturalPerson {
		persons = append(persons, name, values[it.Subject.Name])
	}
	for col, v := range values {
		if isPersonal, isName := personal(it, col, kind); isPersonal && isName {
			persons = append(persons, PersonNames(v)...)
		}
	}
	out := make([]string, len(p.Columns))
	for i, col := range p.Columns {
		switch col {
		case ColEntryID:
			out[i] = e.ID
			continue
		case ColObjection:
			for _, f := range flags {
				if f == "under_objection" {
					out[i] = ObjectionMark
					p.Objected++
				}
			}
			continue
		}
		v := values[col]
		if isPersonal, isName := personal(it, col, kind); isPersonal {
			v = maskValue(v, isName)
		}
		out[i] = MaskText(v, persons...)
	}
	return out, nil
}

// Log writes the publication to the query log (action publish, public
// scope, the records of its imported entries with their revisions, as an
// export is logged: 第三十二条 re-publication after a correction) and the
// audit log (list, date, count, hash), in one transaction. format is the
// file's type (csv, json, xlsx, html).
func (p *Publication) Log(ctx context.Context, st *store.Store, acc *Access, actor store.Actor, format string) error {
	return st.Write(ctx, actor, func(tx *store.Tx) error {
		id, err := tx.LogQuery(acc.entry(ActionPublish, 0, p.List+" "+p.Date.String(), p.refs))
		if err != nil {
			return err
		}
		p.QueryID = id
		return tx.Audit("roster.publish", "roster:"+p.List, map[string]any{
			"date": p.Date.String(), "item": p.Item, "catalog_version": p.Catalog, "entries": len(p.Entries), "objected": p.Objected,
			"entries_sha256": p.SHA256, "query_id": id, "format": format,
		})
	})
}

// CanonicalEntries is the form the entries' hash is taken of (docs/rosters.md,
// 红黑名单公示): one line for the column names, then one line per entry in
// the publication's order, each line a JSON array of strings written as
// RFC 8785 (JCS) writes it — no whitespace, only '"', '\' and the control
// characters escaped (\b \t \n \f \r, others \u00xx), everything else as
// UTF-8 — and ended by one line feed (0x0A).
func CanonicalEntries(columns []string, entries [][]string) []byte {
	var b strings.Builder
	line := func(vals []string) {
		b.WriteByte('[')
		for i, v := range vals {
			if i > 0 {
				b.WriteByte(',')
			}
			canonicalString(&b, v)
		}
		b.WriteString("]\n")
	}
	line(columns)
	for _, e := range entries {
		line(e)
	}
	return []byte(b.String())
}

// EntriesSHA256 is the lower-case hex SHA-256 of CanonicalEntries.
func EntriesSHA256(columns []string, entries [][]string) string {
	sum := sha256.Sum256(CanonicalEntries(columns, entries))
	return hex.EncodeToString(sum[:])
}

func canonicalString(b *strings.Builder, s string) {
	const hexDigits = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte(hexDigits[r>>4])
			b.WriteByte(hexDigits[r&0xF])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}
