package archive

import (
	"context"
	"encoding/json"
	"fmt"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/store"
	"credit/internal/tabular"
)

// Columns an export adds to the item's fields.
const (
	ColRecordID   = "记录编号"
	ColDecidedOn  = "决定日期"
	ColValidUntil = "有效期至"
)

// ExportColumns are an export file's columns for item: the record number,
// the item's field names, the decision date and the last valid day.
func ExportColumns(it *catalog.Item) []string {
	cols := []string{ColRecordID}
	cols = append(cols, it.FieldNames()...)
	return append(cols, ColDecidedOn, ColValidUntil)
}

// ExportColumnKinds says how an XLSX export writes each of ExportColumns'
// columns (tabular.Column.Kind): the record id as a number, date, money and
// number fields by their catalog type, every other field as text (a
// document number of digits stays text).
func ExportColumnKinds(it *catalog.Item) []string {
	kinds := []string{tabular.KindInt}
	for _, name := range it.FieldNames() {
		kind := tabular.KindText
		if f := it.Field(name); f != nil {
			switch f.Type {
			case catalog.Date:
				kind = tabular.KindDate
			case catalog.Money:
				kind = tabular.KindMoney
			case catalog.Number:
				kind = tabular.KindNumber
			}
		}
		kinds = append(kinds, kind)
	}
	return append(kinds, tabular.KindDate, tabular.KindDate)
}

// ExportResult is what an export sent.
type ExportResult struct {
	Item    string
	Columns []string
	Records int
	QueryID int64
}

// Export sends a user unit, through row, the valid records of item it may
// see (第二十四条): the shared scope's rules, for a public item or a shared
// item the unit is registered for; records decided on or after since when
// it is set. The export is logged as one entry listing every record and
// revision sent, so that a later correction can be re-sent to the unit
// (第三十二条, store.UnitsThatReceived). row is called once per record with
// values aligned with ExportColumns; when it fails nothing is logged.
func Export(ctx context.Context, st *store.Store, acc *Access, actor store.Actor, item string, since civil.Date, row func([]string) error) (*ExportResult, error) {
	if acc.Scope != Shared || acc.Unit == "" {
		return nil, apperr.New(apperr.Rule, "批量导出只面向已登记的信息使用单位：请用 --unit 写明单位", "an export is for a registered user unit: give --unit")
	}
	it := acc.Catalog.Item(item)
	if it == nil {
		return nil, apperr.Newf(apperr.Rule, "目录（%s 版）中没有信息项 %s", "the catalog (version %s) has no item %s", acc.Catalog.Version, item)
	}
	if !acc.Sees(item) || it.Disclosure == catalog.Authorized {
		return nil, apperr.Newf(apperr.Rule,
			"信息使用单位 %s（%s）不能接收 %s %s（%s）：批量交换只含社会公开信息项和该单位登记的政府共享信息项（第二十四条）；请管理员用 credit unit add %s --items %s 登记",
			"user unit %s (%s) may not receive %s %s (%s): an exchange holds public items and the shared items the unit is registered for; an administrator registers it with credit unit add %s --items %s",
			acc.Unit, acc.UnitName, it.Code, it.Name, it.Disclosure.Label("zh"), acc.Unit, it.Code)
	}
	layouts, err := st.ItemLayouts(ctx, item)
	if err != nil {
		return nil, err
	}
	fieldNames := it.FieldNames()
	res := &ExportResult{Item: item, Columns: ExportColumns(it)}
	var refs []store.RecordRef
	sinceS := ""
	if !since.IsZero() {
		sinceS = since.String()
	}
	var vals []string
	err = st.ItemRecords(ctx, item, sinceS, func(r store.StoredRecord, _ store.SubjectRow) error {
		if !acc.visible(r, StateOf(r, acc.AsOf)) {
			return nil
		}
		names, ok := layouts[r.Layout]
		if !ok {
			return fmt.Errorf("record %d: layout %d is missing", r.ID, r.Layout)
		}
		vals = vals[:0]
		if err := json.Unmarshal([]byte(r.Vals), &vals); err != nil {
			return fmt.Errorf("record %d: stored values: %w", r.ID, err)
		}
		byName := make(map[string]string, len(names))
		for i, n := range names {
			if i < len(vals) {
				byName[n] = vals[i]
			}
		}
		out := make([]string, 0, len(res.Columns))
		out = append(out, fmt.Sprint(r.ID))
		for _, n := range fieldNames {
			out = append(out, byName[n])
		}
		out = append(out, r.DecidedOn, r.ValidUntil)
		if err := row(out); err != nil {
			return err
		}
		refs = append(refs, store.RecordRef{ID: r.ID, ContentHash: r.ContentHash})
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.Records = len(refs)
	query := item
	if sinceS != "" {
		query += " since " + sinceS
	}
	res.QueryID, err = st.LogQuery(ctx, actor, acc.entry(ActionExport, 0, query, refs))
	if err != nil {
		return nil, err
	}
	return res, nil
}
