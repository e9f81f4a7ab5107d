package objection

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/ingest"
	"credit/internal/queue"
	"credit/internal/store"
)

// Set is one FIELD=VALUE of a correction.
type Set struct {
	Field string
	Value string
}

// ParseSet reads a --set argument.
func ParseSet(s string) (Set, error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return Set{}, apperr.Newf(apperr.Usage, "--set %q 应写成 字段=值", "--set %q: write FIELD=VALUE", s)
	}
	return Set{Field: strings.TrimSpace(k), Value: v}, nil
}

// Correct corrects the record of an upheld objection (第三十二条): the
// corrected row is checked with exactly the import's rules (same reason
// codes), the old revision is kept in record_history, the record gets a new
// revision (procedure correction), the flag clears, and the result lists
// every user unit that received the old revision so the clerk can re-send it.
func Correct(ctx context.Context, env queue.Env, id int64, sets []Set) (*View, error) {
	if len(sets) == 0 {
		return nil, apperr.New(apperr.Usage, "请用 --set 字段=值 给出更正内容（可重复）", "give the correction with --set FIELD=VALUE (repeatable)")
	}
	_, err := Machine.Run(ctx, env, id, "correct", func(c *queue.Change) error {
		o, _, err := c.Tx.Objection(id)
		if err != nil {
			return err
		}
		rec, err := heldRecord(c, o)
		if err != nil {
			return err
		}
		cat, _, err := c.Tx.CatalogInForce(c.Today())
		if err != nil {
			return err
		}
		item := cat.Item(rec.Item)
		if item == nil {
			return apperr.Newf(apperr.Rule, "现行目录中没有信息项 %s，无法按目录校验更正内容", "the catalog in force has no item %s to check the correction against", rec.Item)
		}
		header, cells, fields, err := applySets(item, rec, sets, id)
		if err != nil {
			return err
		}
		plan, err := ingest.NewPlan(cat, item, header, c.Today(), false, true, fmt.Sprintf("异议 %d 的更正", id))
		if err != nil {
			var fe *ingest.FileError
			if errors.As(err, &fe) {
				return apperr.New(apperr.Rule, fe.Zh+"（"+fe.Reason+"）", fe.En+" ("+fe.Reason+")")
			}
			return err
		}
		row := plan.Check(0, cells)
		if !row.OK() {
			var zh, en []string
			for _, p := range row.Problems {
				zh = append(zh, p.Msg+"（"+p.Reason+"）")
				en = append(en, p.Field+": "+p.Reason)
			}
			return apperr.New(apperr.Rule, fmt.Sprintf("异议 %d 的更正内容未通过校验：%s", id, strings.Join(zh, "；")),
				fmt.Sprintf("objection %d: the correction fails the import rules: %s", id, strings.Join(en, "; ")))
		}
		if row.SubjectCode != rec.SubjectCode {
			return apperr.Newf(apperr.Rule, "更正后的信息主体 %s 与记录的主体 %s 不同：更正不能把记录改到另一主体名下",
				"the corrected subject %s differs from the record's %s: a correction cannot move a record to another subject", row.SubjectCode, rec.SubjectCode)
		}
		hash := ingest.ContentHash(plan.Layout, row.Values)
		if hash == rec.ContentHash {
			return apperr.Newf(apperr.Rule, "更正后的内容与记录 %d 现有内容相同，没有需要更正的内容", "the correction leaves record %d as it is", rec.ID)
		}
		layout, err := c.Tx.LayoutID(item.Code, plan.Layout)
		if err != nil {
			return err
		}
		vals, err := json.Marshal(row.Values)
		if err != nil {
			return err
		}
		rev, err := c.Tx.CorrectRecord(store.RecordCorrection{RecordID: rec.ID, Ref: fmt.Sprintf("objection:%d", id),
			Category: string(row.Category), Severity: string(row.Severity), DecidedOn: row.DecidedOn.String(), ValidUntil: row.ValidUntil.String(),
			Layout: layout, Vals: string(vals), ContentHash: hash})
		if err != nil {
			return err
		}
		if err := replaceLinks(c.Tx, rec, row); err != nil {
			return err
		}
		c.Details["rev"], c.Details["old_content_hash"], c.Details["content_hash"], c.Details["fields"] = rev, rec.ContentHash, hash, fields
		return nil
	})
	if err != nil {
		return nil, err
	}
	return withChange(ctx, env, id)
}

// Withdraw takes the record of an upheld objection on ground prohibited or
// expired out of every scope (第三十一条(二)(三)): the revision is kept in
// record_history and the record's status becomes withdrawn.
func Withdraw(ctx context.Context, env queue.Env, id int64, note string) (*View, error) {
	_, err := Machine.Run(ctx, env, id, "withdraw", func(c *queue.Change) error {
		o, _, err := c.Tx.Objection(id)
		if err != nil {
			return err
		}
		rec, err := heldRecord(c, o)
		if err != nil {
			return err
		}
		rev, err := c.Tx.SetRecordStatus(rec.ID, "withdrawn", "withdrawal", fmt.Sprintf("objection:%d", id))
		if err != nil {
			return err
		}
		c.Note = note
		c.Details["rev"], c.Details["old_content_hash"], c.Details["content_hash"] = rev, rec.ContentHash, rec.ContentHash
		return nil
	})
	if err != nil {
		return nil, err
	}
	return withChange(ctx, env, id)
}

// heldRecord is the objection's record (a withdrawn one the recordGone
// guard has refused already).
func heldRecord(c *queue.Change, o store.Objection) (store.CaseRecord, error) {
	rec, ok, err := c.Tx.CaseRecord(o.RecordID)
	if err != nil {
		return rec, err
	}
	if !ok {
		return rec, noRecord(o.RecordID)
	}
	c.Details["record"] = rec.ID
	return rec, nil
}

// withChange reads the objection with the change just made on top.
func withChange(ctx context.Context, env queue.Env, id int64) (*View, error) {
	v, err := Get(ctx, env.Store, env.Cal, env.Today(), id, env.Lang)
	if err != nil {
		return nil, err
	}
	if n := len(v.Corrections); n > 0 {
		v.Correction = &v.Corrections[n-1]
	}
	return v, nil
}

// applySets lays the record's stored values out as a row (header = its field
// names) with the corrections applied. Fields are named as in the catalog,
// by alias, or in either width; the key and subject-code fields cannot be
// corrected (that would make another record).
func applySets(item *catalog.Item, rec store.CaseRecord, sets []Set, id int64) (header, cells, fields []string, err error) {
	header = slices.Clone(rec.Names)
	cells = make([]string, len(header))
	copy(cells, rec.Vals)
	protected := map[string]bool{}
	for _, k := range item.Key {
		protected[k] = true
	}
	for _, k := range item.Subject.Codes {
		protected[k] = true
	}
	for _, s := range sets {
		name, ok := canonicalField(item, s.Field)
		if !ok {
			return nil, nil, nil, apperr.Newf(apperr.Rule, "异议 %d 的更正：信息项 %s 没有字段“%s”（unknown_column）",
				"objection %d: item %s has no field %q (unknown_column)", id, item.Code, s.Field)
		}
		if protected[name] {
			return nil, nil, nil, apperr.Newf(apperr.Rule,
				"异议 %d 的更正：“%s”是业务主键或主体代码，不能更正；记录不属于该主体时，应由信息提供单位撤回后重新报送",
				"objection %d: %s is a key or subject-code field and cannot be corrected; the provider must withdraw and resubmit", id, name)
		}
		i := slices.Index(header, name)
		if i < 0 {
			header = append(header, name)
			cells = append(cells, "")
			i = len(header) - 1
		}
		cells[i] = s.Value
		if !slices.Contains(fields, name) {
			fields = append(fields, name)
		}
	}
	return header, cells, fields, nil
}

// canonicalField finds the item field (or the extra column of a negative
// item) a user named.
func canonicalField(item *catalog.Item, name string) (string, bool) {
	n := catalog.NormalizeName(name)
	for _, f := range item.Fields {
		if catalog.NormalizeName(f.Name) == n {
			return f.Name, true
		}
		for _, a := range f.Aliases {
			if catalog.NormalizeName(a) == n {
				return f.Name, true
			}
		}
	}
	if item.Category == catalog.Negative {
		for _, e := range ingest.ExtraColumns {
			if catalog.NormalizeName(e) == n {
				return e, true
			}
		}
	}
	return "", false
}

// replaceLinks makes the corrected record's 第二十九条 links those of its new
// content, in the correction's transaction: a correction that clears a
// responsible person's ID, changes the legal representative or lowers the
// severity to general removes the stale links (the old content, naming them,
// stays in record_history). row.Links is empty unless the corrected record is
// a serious record of an organisation.
func replaceLinks(tx *store.Tx, rec store.CaseRecord, row *ingest.Checked) error {
	if len(row.Links) > 0 {
		// A subject stored as a 非法人组织 (registration data may say so
		// when the row does not) is never linked (第二十九条).
		kind, err := tx.SubjectKind(rec.SubjectID)
		if err != nil {
			return err
		}
		if kind != string(catalog.Organisation) {
			row.Links = nil
		}
	}
	if len(row.Links) == 0 {
		return tx.ReplaceLinks(rec.ID, nil)
	}
	var in []store.SubjectIn
	for _, l := range row.Links {
		in = append(in, store.SubjectIn{Code: l.Code, Kind: string(catalog.NaturalPerson), Name: l.Name, NameKey: catalog.NormalizeName(l.Name)})
	}
	refs, err := tx.ResolveSubjects(rec.FirstBatch, in)
	if err != nil {
		return err
	}
	// A person known so far only by ID whom the correction names gets the
	// name now: the corrected record is published in this transaction.
	if err := tx.ApplyStagedNames(rec.FirstBatch); err != nil {
		return err
	}
	var links []store.LinkIn
	for _, l := range row.Links {
		links = append(links, store.LinkIn{RecordID: rec.ID, SubjectID: refs[l.Code].ID, Role: l.Role})
	}
	return tx.ReplaceLinks(rec.ID, links)
}

// FormField is one field of a record as the correction form shows it: its
// current value, its type and choices from the catalog, and whether it may
// be corrected at all (key and subject-code fields may not).
type FormField struct {
	Name     string
	Type     catalog.FieldType
	Choices  []string // an enum's values
	Current  string
	Editable bool
}

// CorrectionForm is what the correction form of objection id offers: the
// record's fields with their current values, and Check, which runs the
// import's row rules (the catalog in force on today) on the values typed —
// the very check Correct makes — and returns the problems by field.
type CorrectionForm struct {
	Fields []FormField
	Check  func(values map[string]string) map[string]string
}

// Form reads the correction form of objection id.
func Form(ctx context.Context, st *store.Store, id int64, today civil.Date) (*CorrectionForm, error) {
	o, ok, err := st.Objection(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.Newf(apperr.Usage, "没有异议 %d", "no objection %d", id)
	}
	rec, ok, err := st.CaseRecord(ctx, o.RecordID)
	if err != nil || !ok {
		return nil, err
	}
	cat, _, err := st.CatalogInForce(ctx, today)
	if err != nil {
		return nil, err
	}
	item := cat.Item(rec.Item)
	if item == nil {
		return nil, apperr.Newf(apperr.Rule, "现行目录中没有信息项 %s，无法按目录校验更正内容", "the catalog in force has no item %s to check the correction against", rec.Item)
	}
	protected := map[string]bool{}
	for _, k := range append(slices.Clone(item.Key), item.Subject.Codes...) {
		protected[k] = true
	}
	f := &CorrectionForm{}
	for _, fd := range item.Fields {
		f.Fields = append(f.Fields, FormField{Name: fd.Name, Type: fd.Type, Choices: fd.Values, Current: rec.Value(fd.Name), Editable: !protected[fd.Name]})
	}
	f.Check = func(values map[string]string) map[string]string {
		var sets []Set
		for _, fd := range f.Fields {
			if v, ok := values[fd.Name]; ok && fd.Editable && v != fd.Current {
				sets = append(sets, Set{Field: fd.Name, Value: v})
			}
		}
		out := map[string]string{}
		header, cells, _, err := applySets(item, rec, sets, id)
		if err != nil {
			out[""] = err.Error()
			return out
		}
		plan, err := ingest.NewPlan(cat, item, header, today, false, true, fmt.Sprintf("异议 %d 的更正", id))
		if err != nil {
			out[""] = err.Error()
			return out
		}
		for _, p := range plan.Check(0, cells).Problems {
			if _, seen := out[p.Field]; !seen {
				out[p.Field] = p.Msg + "（" + p.Reason + "）"
			}
		}
		return out
	}
	return f, nil
}
