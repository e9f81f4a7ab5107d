package sanction

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/ident"
	"credit/internal/store"
)

// Input is one subject to check: its code as given, and the file row and
// name when it came from a file.
type Input struct {
	Line int
	Code string
	Name string
}

// CheckRequest is a batch credit check (第二十五条).
type CheckRequest struct {
	Unit        string
	Matter      string
	On          civil.Date
	RecordCases bool // record a case per applicable measure
	Inputs      []Input
	// Purpose, when given, is logged after the matter (a unit's API call
	// states why it asks); CaseRef is the unit's 办件编号, logged with it.
	Purpose string
	CaseRef string
}

// Subject statuses in a check.
const (
	Hit         = "hit"          // valid list entries or serious records
	Clear       = "clear"        // none
	InvalidCode = "invalid_code" // not a valid 统一社会信用代码 / 身份证号码
)

// SubjectResult is one subject's answer.
type SubjectResult struct {
	Line           int          `json:"line,omitempty"`
	Input          string       `json:"input"`
	Code           string       `json:"code"`
	Status         string       `json:"status"`
	Reason         string       `json:"reason,omitempty"`
	InArchive      bool         `json:"in_archive"`
	Name           string       `json:"name"`
	Kind           string       `json:"kind,omitempty"`
	ListEntries    []EntryHit   `json:"list_entries"`
	SeriousRecords []RecordHit  `json:"serious_records"`
	Measures       []MeasureHit `json:"measures"`
	QueryID        int64        `json:"query_id,omitempty"`
	Cases          []int64      `json:"cases,omitempty"`

	subjectID int64
	hits      Hits
}

// CheckResult is a whole check.
type CheckResult struct {
	Unit          string          `json:"unit"`
	UnitName      string          `json:"unit_name"`
	Matter        string          `json:"matter"`
	Date          civil.Date      `json:"date"`
	Subjects      int             `json:"subjects"`
	Hits          int             `json:"hits"`
	Invalid       int             `json:"invalid"`
	CasesRecorded int             `json:"cases_recorded"`
	Draft         bool            `json:"measures_draft"`
	Results       []SubjectResult `json:"results"`
}

// Check runs a credit check for a unit and a matter: for each subject, its
// valid list entries, its valid serious records (including those 第二十九条
// made its own) and the measures that apply for the matter. Every subject is
// logged as a query of the unit (SPEC §C); with RecordCases a case is also
// recorded for each applicable measure, all in one transaction.
func Check(ctx context.Context, st *store.Store, a store.Actor, cat *catalog.Catalog, l *MeasureList, req CheckRequest) (*CheckResult, error) {
	matter, err := ParseMatter(req.Matter)
	if err != nil {
		return nil, err
	}
	scope, err := UnitScope(ctx, st, cat, req.Unit)
	if err != nil {
		return nil, err
	}
	on := req.On
	if on.IsZero() {
		on = a.Today
	}
	res := &CheckResult{Unit: scope.Unit, UnitName: scope.UnitName, Matter: matter, Date: on, Draft: l.IsDraft(), Results: []SubjectResult{}}
	for _, in := range req.Inputs {
		r, err := checkOne(ctx, st, cat, l, scope, matter, on, in)
		if err != nil {
			return nil, err
		}
		res.Subjects++
		switch r.Status {
		case Hit:
			res.Hits++
		case InvalidCode:
			res.Invalid++
		}
		res.Results = append(res.Results, r)
	}
	err = st.Write(ctx, a, func(tx *store.Tx) error {
		res.CasesRecorded = 0
		for i := range res.Results {
			r := &res.Results[i]
			r.Cases = nil
			purpose := matter
			if p := strings.TrimSpace(req.Purpose); p != "" {
				purpose += "：" + p
			}
			q := store.QueryEntry{Action: "check", Scope: "shared", Unit: scope.Unit, Purpose: purpose, SubjectID: r.subjectID,
				Records: r.hits.Refs(), CaseRef: req.CaseRef}
			if r.subjectID == 0 {
				// Not in any archive: the code says what was asked, kept in the
				// query log's protected form (a person's ID never as typed).
				q.Text = r.Code
			}
			id, err := tx.LogQuery(q)
			if err != nil {
				return err
			}
			r.QueryID = id
			if !req.RecordCases {
				continue
			}
			for _, mh := range r.Measures {
				m := l.Measure(mh.Code)
				cid, err := insertCase(tx, m, caseFacts{code: r.Code, name: r.Name, kind: r.Kind, subjectID: r.subjectID,
					unit: scope.Unit, matter: matter, on: on, grounds: mh.Grounds, queryID: id})
				if err != nil {
					return err
				}
				r.Cases = append(r.Cases, cid)
				res.CasesRecorded++
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func checkOne(ctx context.Context, st *store.Store, cat *catalog.Catalog, l *MeasureList, scope *Scope, matter string, on civil.Date, in Input) (SubjectResult, error) {
	r := SubjectResult{Line: in.Line, Input: in.Code, Name: strings.TrimSpace(in.Name), ListEntries: []EntryHit{}, SeriousRecords: []RecordHit{}, Measures: []MeasureHit{}}
	chk := ident.Check(in.Code)
	r.Code = chk.Code
	if !chk.Valid {
		r.Status, r.Reason = InvalidCode, chk.Reason
		return r, nil
	}
	r.Kind = string(chk.Kind)
	sub, ok, err := st.SubjectBriefByCode(ctx, chk.Code)
	if err != nil {
		return r, err
	}
	if ok {
		r.InArchive, r.subjectID, r.Name = true, sub.ID, sub.Name
	}
	h, err := HitsOn(ctx, st, cat, scope, chk.Code, on)
	if err != nil {
		return r, err
	}
	r.hits = h
	r.ListEntries = append(r.ListEntries, h.Entries...)
	r.SeriousRecords = append(r.SeriousRecords, h.Records...)
	r.Measures = l.Applicable(h, matter)
	r.Status = Clear
	if !h.Empty() {
		r.Status = Hit
	}
	if r.Name == "" {
		r.Name = h.subjectName()
	}
	return r, nil
}

type caseFacts struct {
	code, name, kind string
	subjectID        int64
	unit, matter     string
	on               civil.Date
	result           string
	grounds          []Ground
	queryID          int64
}

func insertCase(tx *store.Tx, m *Measure, f caseFacts) (int64, error) {
	g, err := json.Marshal(f.grounds)
	if err != nil {
		return 0, err
	}
	id, err := tx.InsertMeasureCase(store.MeasureCaseRow{SubjectCode: f.code, SubjectName: f.name, SubjectKind: f.kind,
		Measure: m.Code, MeasureName: m.Name, Category: string(m.Category), Kind: string(m.Kind()), Unit: f.unit, Matter: f.matter,
		AppliedOn: f.on.String(), Result: f.result, Grounds: string(g), QueryID: f.queryID})
	if err != nil {
		return 0, err
	}
	ids := make([]string, len(f.grounds))
	for i, x := range f.grounds {
		ids[i] = x.Type + ":" + x.ID
	}
	// Ids, codes of measures and units, dates: never the subject's code or name.
	details := map[string]any{"measure": m.Code, "kind": m.Kind(), "unit": f.unit, "matter": f.matter, "date": f.on.String(),
		"grounds": ids, "result_len": len([]rune(f.result))}
	if f.subjectID != 0 {
		details["subject_id"] = f.subjectID
	}
	if f.queryID != 0 {
		details["query_id"] = f.queryID
	}
	return id, tx.Audit("case.record", fmt.Sprintf("case:%d", id), details)
}

// CaseInput is a case entered by hand (第二十八条).
type CaseInput struct {
	Subject string
	Measure string
	Unit    string
	Matter  string
	Date    civil.Date
	Result  string
}

// RecordCase records that a unit applied a measure to a subject in a matter
// on a date. It is refused (exit 5) when the measure is not listed for the
// matter, or when it does not answer the subject's valid list entries or
// serious records on that date — the message names what is missing.
func RecordCase(ctx context.Context, st *store.Store, a store.Actor, cat *catalog.Catalog, l *MeasureList, in CaseInput) (store.MeasureCaseRow, error) {
	var row store.MeasureCaseRow
	m := l.Measure(in.Measure)
	if m == nil {
		return row, apperr.Newf(apperr.Usage, "没有措施 %q（credit measure list 列出全部：%s）", "no measure %q (credit measure list shows them: %s)",
			in.Measure, strings.Join(l.Codes(), ", "))
	}
	matter, err := ParseMatter(in.Matter)
	if err != nil {
		return row, err
	}
	if in.Date.IsZero() {
		return row, apperr.New(apperr.Usage, "需要 --date（实施日期）", "--date (the date the measure was applied) is required")
	}
	if in.Date.After(a.Today) {
		return row, apperr.Newf(apperr.Rule, "实施日期 %s 晚于今天 %s：案例只能记录已经实施的措施", "the date %s is after today %s: a case records a measure already applied", in.Date, a.Today)
	}
	scope, err := UnitScope(ctx, st, cat, in.Unit)
	if err != nil {
		return row, err
	}
	chk := ident.Check(in.Subject)
	if !chk.Valid {
		return row, &apperr.Error{Code: apperr.Rule, Zh: fmt.Sprintf("信息主体代码 %s 无效：%s", chk.Code, chk.Reason),
			En: fmt.Sprintf("subject code %s is not valid: %s", chk.Code, chk.ReasonEn)}
	}
	if !m.AppliesTo(matter) {
		return row, apperr.Newf(apperr.Rule, "措施 %s 不适用于事项“%s”（适用事项：%s）", "measure %s does not apply to the matter %s (it applies to: %s)",
			m.Code, matter, strings.Join(m.Matters, "、"))
	}
	h, err := HitsOn(ctx, st, cat, scope, chk.Code, in.Date)
	if err != nil {
		return row, err
	}
	grounds := m.Grounds(h)
	if len(grounds) == 0 {
		return row, &apperr.Error{Code: apperr.Rule,
			Zh: fmt.Sprintf("不能记录案例：%s 在 %s 没有措施 %s（%s）所需的依据——缺少%s（该主体当日：%s）",
				chk.Code, in.Date, m.Code, m.Kind().Label("zh"), m.Needs("zh"), describeHits(h, "zh")),
			En: fmt.Sprintf("cannot record the case: on %s %s has no ground for measure %s (%s): missing %s (the subject has: %s)",
				in.Date, chk.Code, m.Code, m.Kind().Label("en"), m.Needs("en"), describeHits(h, "en"))}
	}
	f := caseFacts{code: chk.Code, kind: string(chk.Kind), unit: scope.Unit, matter: matter, on: in.Date, result: strings.TrimSpace(in.Result), grounds: grounds}
	sub, ok, err := st.SubjectBriefByCode(ctx, chk.Code)
	if err != nil {
		return row, err
	}
	if ok {
		f.name, f.subjectID = sub.Name, sub.ID
	} else {
		f.name = h.subjectName()
	}
	var id int64
	err = st.Write(ctx, a, func(tx *store.Tx) error {
		var err error
		id, err = insertCase(tx, m, f)
		return err
	})
	if err != nil {
		return row, err
	}
	var out store.MeasureCaseRow
	err = st.MeasureCases(ctx, store.CaseFilter{ID: id}, func(c *store.MeasureCaseRow) error { out = *c; return nil })
	return out, err
}

// DecodeGrounds reads a case's grounds JSON.
func DecodeGrounds(s string) []Ground {
	var g []Ground
	_ = json.Unmarshal([]byte(s), &g)
	return g
}

// GroundsLabel describes a case's grounds in one line.
func GroundsLabel(s, lang string) string {
	g := DecodeGrounds(s)
	parts := make([]string, len(g))
	for i, x := range g {
		parts[i] = x.Label(lang)
	}
	return strings.Join(parts, pick(lang, "；", "; "))
}
