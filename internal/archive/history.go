package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"credit/internal/apperr"
	"credit/internal/store"
)

// FieldChange is one field's old and new value in a change.
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Change is one revision of a record: the procedure that made it, who, when,
// under which reference, and what it changed. The first revision (the
// import) lists every field it stored as new values.
type Change struct {
	Rev       int    `json:"rev"`
	Procedure string `json:"procedure"` // import | revision | correction | withdrawal | repair
	At        string `json:"at"`        // real time of the change
	Operator  string `json:"operator"`
	Ref       string `json:"ref"` // batch:N, objection:N, repair:N
	Hash      string `json:"content_hash"`
	// Redacted: this revision held information that a correction under an
	// objection on ground prohibited (第十四条) took out; its values are shown
	// as RedactedValue in every change, here and in the next one.
	Redacted bool          `json:"redacted,omitempty"`
	Changes  []FieldChange `json:"changes"`
}

// RecordHistory is every revision of one record, oldest first.
type RecordHistory struct {
	ID        int64    `json:"id"`
	Item      string   `json:"item"`
	ItemName  string   `json:"item_name"`
	Status    string   `json:"status"` // active | withdrawn | repaired
	LinkedAs  string   `json:"linked_as,omitempty"`
	Redacted  bool     `json:"redacted,omitempty"` // withdrawn: its values are shown in no scope
	Revisions []Change `json:"revisions"`
}

// History is a subject's record history (office scope).
type History struct {
	Subject Subject         `json:"subject"`
	Records []RecordHistory `json:"records"`
	QueryID int64           `json:"query_id"`
}

// Redacted is what a withdrawn record's values are replaced with.
const Redacted = "（已撤回，不予显示）"

// RedactedValue is what the values of a revision that a correction under a
// prohibited-ground objection superseded are replaced with (SPEC §C:
// withdrawn prohibited information appears in no scope, its history
// included).
const RedactedValue = "【已撤回】"

// Names of the record's own attributes in a change, beside the stored
// field names (a file may have a 失信程度 column of its own).
const (
	MetaSeverity   = "记录失信程度"
	MetaValidUntil = "记录有效期至"
	MetaDecidedOn  = "记录决定日期"
	MetaCategory   = "记录信息类别"
	MetaStatus     = "记录状态"
)

type revision struct {
	rev                                        int
	procedure, category, severity, decided, vu string
	status, hash                               string
	layout                                     int64
	vals                                       string
	madeAt, madeBy, ref                        string // of the change that made this revision
}

// ReadHistory lists every revision of every record in the subject's archive
// (its own records and those 第二十九条 links to it), each change with the
// fields it changed (old → new by field name), who made it, when, under
// which procedure and reference, and logs the look (action history). Office
// scope only: acc must be an office access.
func ReadHistory(ctx context.Context, st *store.Store, acc *Access, actor store.Actor, code string) (*History, error) {
	if acc.Scope != Office {
		return nil, apperr.New(apperr.Rule, "修订历史只在工作机构内部范围（--scope office）提供", "the revision history is for the office scope only")
	}
	code, kind, err := ParseCode(code)
	if err != nil {
		return nil, err
	}
	sub, found, err := st.SubjectByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	h := &History{Records: []RecordHistory{}}
	l := &lookup{acc: acc, subject: sub, found: found}
	var refs []store.RecordRef
	if found {
		stored, err := st.SubjectRecords(ctx, sub.ID)
		if err != nil {
			return nil, err
		}
		// Every record, withdrawn ones included (redacted): the history says
		// that a withdrawal happened.
		seen := map[int64]bool{}
		var recs []store.StoredRecord
		var ids, layoutIDs []int64
		for _, r := range stored {
			if seen[r.ID] || (r.LinkRole != "" && r.Severity != "serious") {
				continue
			}
			seen[r.ID] = true
			recs = append(recs, r)
			ids = append(ids, r.ID)
			layoutIDs = append(layoutIDs, r.Layout)
		}
		old, err := st.SupersededRevisions(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, vs := range old {
			for _, v := range vs {
				layoutIDs = append(layoutIDs, v.Layout)
			}
		}
		layouts, err := st.LayoutNames(ctx, layoutIDs)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			rh, err := recordHistory(acc, r, old[r.ID], layouts)
			if err != nil {
				return nil, err
			}
			h.Records = append(h.Records, rh)
			if r.Status != "withdrawn" {
				refs = append(refs, store.RecordRef{ID: r.ID, ContentHash: r.ContentHash})
			}
		}
		sort.SliceStable(h.Records, func(i, j int) bool { return h.Records[i].ID < h.Records[j].ID })
	}
	h.Subject = l.subjectView(code, kind)
	e := acc.entry(ActionHistory, sub.ID, "", refs)
	if !found {
		e.Text = code // protected in the log, as in Show
	}
	h.QueryID, err = st.LogQuery(ctx, actor, e)
	if err != nil {
		return nil, err
	}
	return h, nil
}

func recordHistory(acc *Access, r store.StoredRecord, old []store.SupersededRevision, layouts map[int64][]string) (RecordHistory, error) {
	rh := RecordHistory{ID: r.ID, Item: r.Item, ItemName: r.Item, Status: r.Status, LinkedAs: r.LinkRole, Redacted: r.Status == "withdrawn"}
	if it := acc.Catalog.Item(r.Item); it != nil {
		rh.ItemName = it.Name
	}
	// Revision k was made by the change recorded on the history row of k-1
	// (who superseded k-1, when, why); revision 1 by the import of its batch.
	revs := make([]revision, 0, len(old)+1)
	madeAt, madeBy, ref := r.CreatedAt, r.CreatedBy, fmt.Sprintf("batch:%d", r.FirstBatch)
	// A correction under a prohibited-ground objection took information out
	// that may never be shown again: the revision it superseded and every
	// earlier one (which may hold the same values) are redacted.
	redactThrough := 0
	for _, v := range old {
		if v.SupersededBy == "correction" && v.ObjectionGround == "prohibited" {
			redactThrough = max(redactThrough, v.Rev)
		}
	}
	for _, v := range old {
		revs = append(revs, revision{rev: v.Rev, procedure: v.Procedure, category: v.Category, severity: v.Severity, decided: v.DecidedOn,
			vu: v.ValidUntil, status: v.Status, hash: v.ContentHash, layout: v.Layout, vals: v.Vals, madeAt: madeAt, madeBy: madeBy, ref: ref})
		madeAt, madeBy, ref = v.SupersededAt, v.Operator, v.Ref
	}
	revs = append(revs, revision{rev: r.Rev, procedure: r.Procedure, category: r.Category, severity: r.Severity, decided: r.DecidedOn,
		vu: r.ValidUntil, status: r.Status, hash: r.ContentHash, layout: r.Layout, vals: r.Vals, madeAt: madeAt, madeBy: madeBy, ref: ref})
	var prev map[string]string
	var prevOrder []string
	var prevMeta [5]string
	prevRedacted := false
	for _, v := range revs {
		names := layouts[v.layout]
		var vals []string
		if err := json.Unmarshal([]byte(v.vals), &vals); err != nil {
			return rh, fmt.Errorf("record %d rev %d: stored values: %w", r.ID, v.rev, err)
		}
		cur := make(map[string]string, len(names))
		for i, n := range names {
			if i < len(vals) {
				cur[n] = vals[i]
			}
		}
		meta := [5]string{v.severity, v.vu, v.decided, v.category, v.status}
		redacted := v.rev <= redactThrough
		c := Change{Rev: v.rev, Procedure: v.procedure, At: v.madeAt, Operator: v.madeBy, Ref: v.ref, Hash: v.hash, Redacted: redacted,
			Changes: []FieldChange{}}
		// Fields in the new layout's order, then fields the new layout lost.
		order := append([]string{}, names...)
		for _, n := range prevOrder {
			if _, ok := cur[n]; !ok {
				order = append(order, n)
			}
		}
		for _, n := range order {
			o, nv := prev[n], cur[n]
			if o == nv {
				continue
			}
			switch {
			case rh.Redacted:
				o, nv = redact(o, Redacted), redact(nv, Redacted)
			default:
				if prevRedacted {
					o = redact(o, RedactedValue)
				}
				if redacted {
					nv = redact(nv, RedactedValue)
				}
			}
			c.Changes = append(c.Changes, FieldChange{Field: n, Old: o, New: nv})
		}
		for k, name := range []string{MetaSeverity, MetaValidUntil, MetaDecidedOn, MetaCategory, MetaStatus} {
			if prev != nil && prevMeta[k] != meta[k] {
				c.Changes = append(c.Changes, FieldChange{Field: name, Old: prevMeta[k], New: meta[k]})
			}
		}
		rh.Revisions = append(rh.Revisions, c)
		prev, prevOrder, prevMeta, prevRedacted = cur, names, meta, redacted
	}
	return rh, nil
}

// redact replaces a value that must not be shown with mark ("" stays "").
func redact(v, mark string) string {
	if v == "" {
		return ""
	}
	return mark
}
