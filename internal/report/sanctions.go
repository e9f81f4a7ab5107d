package report

import (
	"context"
	"runtime"
	"sort"
	"strconv"

	"credit/internal/ident"
	"credit/internal/sanction"
	"credit/internal/store"
	"credit/internal/tabular"
)

// SummaryRow counts one unit's cases of one measure (第二十八条 monthly report).
type SummaryRow struct {
	Unit        string `json:"unit"`
	UnitName    string `json:"unit_name"`
	Kind        string `json:"kind"` // reward | sanction
	Measure     string `json:"measure"`
	MeasureName string `json:"measure_name"`
	Cases       int    `json:"cases"`
}

// CaseJSON is one case in the report's JSON.
type CaseJSON struct {
	ID          int64             `json:"id"`
	Date        string            `json:"date"`
	Unit        string            `json:"unit"`
	UnitName    string            `json:"unit_name"`
	SubjectCode string            `json:"subject_code"`
	SubjectName string            `json:"subject_name"`
	SubjectKind string            `json:"subject_kind"`
	Kind        string            `json:"kind"`
	Measure     string            `json:"measure"`
	MeasureName string            `json:"measure_name"`
	Category    string            `json:"category"`
	Matter      string            `json:"matter"`
	Grounds     []sanction.Ground `json:"grounds"`
	Result      string            `json:"result"`
	RecordedBy  string            `json:"recorded_by"`
	RecordedOn  string            `json:"recorded_on"`
}

// SanctionsJSON is the report's JSON object.
type SanctionsJSON struct {
	Month     string       `json:"month"`
	From      string       `json:"from"`
	To        string       `json:"to"`
	Total     int          `json:"total"`
	Rewards   int          `json:"rewards"`
	Sanctions int          `json:"sanctions"`
	Note      string       `json:"note,omitempty"`
	Summary   []SummaryRow `json:"summary"`
	Cases     []CaseJSON   `json:"cases"`
}

var summaryColumns = []tabular.Column{
	{Key: "unit_name", Zh: "实施单位", En: "Unit"},
	{Key: "unit", Zh: "实施单位统一社会信用代码", En: "Unit code"},
	{Key: "kind", Zh: "奖惩类型", En: "Reward/sanction"},
	{Key: "measure", Zh: "措施代码", En: "Measure"},
	{Key: "measure_name", Zh: "措施名称", En: "Measure name"},
	{Key: "cases", Zh: "案例数", En: "Cases"},
}

var detailColumns = []tabular.Column{
	{Key: "id", Zh: "案例编号", En: "Case"},
	{Key: "date", Zh: "实施日期", En: "Date"},
	{Key: "unit_name", Zh: "实施单位", En: "Unit"},
	{Key: "unit", Zh: "实施单位统一社会信用代码", En: "Unit code"},
	{Key: "subject_name", Zh: "主体名称", En: "Subject"},
	{Key: "subject_code", Zh: "统一社会信用代码/身份证号码", En: "Subject code"},
	{Key: "subject_kind", Zh: "主体类型", En: "Subject kind"},
	{Key: "kind", Zh: "奖惩类型", En: "Reward/sanction"},
	{Key: "measure", Zh: "措施代码", En: "Measure"},
	{Key: "measure_name", Zh: "措施名称", En: "Measure name"},
	{Key: "category", Zh: "措施类别", En: "Category"},
	{Key: "matter", Zh: "应用事项", En: "Matter"},
	{Key: "grounds", Zh: "名单及失信记录依据", En: "Grounds"},
	{Key: "result", Zh: "成效/结果", En: "Result"},
	{Key: "recorded_by", Zh: "填报人", En: "Recorded by"},
	{Key: "recorded_on", Zh: "填报日期", En: "Recorded on"},
}

// Sanctions builds the monthly joint reward and sanction case report: a
// summary by unit, reward/sanction and measure, and every case whose date
// lies in the month. An empty month gives the same sections, each saying
// there were no cases. withJSON also fills the JSON object (skip it for a
// file that is not .json: it doubles the work on a big month).
func Sanctions(ctx context.Context, st *store.Store, m Month, lang string, withJSON bool) (*Doc, error) {
	js := &SanctionsJSON{Month: m.String(), From: m.First().String(), To: m.Last().String(), Summary: []SummaryRow{}, Cases: []CaseJSON{}}
	detail := &tabular.Table{Columns: detailColumns}
	type key struct{ unit, kind, measure string }
	counts := map[key]*SummaryRow{}
	kindLabel := map[string]string{}
	catLabel := map[string]string{}
	subjLabel := map[string]string{}
	label := func(cache map[string]string, k string, f func(string) string) string {
		if v, ok := cache[k]; ok {
			return v
		}
		v := f(k)
		cache[k] = v
		return v
	}
	// The grounds' labels (a JSON decode each) are worked out beside the
	// scan, on another core: a big month spends a third of its time there.
	labels := newLabeler(lang)
	err := st.MeasureCases(ctx, store.CaseFilter{From: js.From, To: js.To}, func(c *store.MeasureCaseRow) error {
		js.Total++
		if c.Kind == string(sanction.KindReward) {
			js.Rewards++
		} else {
			js.Sanctions++
		}
		k := key{c.Unit, c.Kind, c.Measure}
		s := counts[k]
		if s == nil {
			s = &SummaryRow{Unit: c.Unit, UnitName: c.UnitName, Kind: c.Kind, Measure: c.Measure, MeasureName: c.MeasureName}
			counts[k] = s
		}
		s.Cases++
		detail.Rows = append(detail.Rows, []string{
			strconv.FormatInt(c.ID, 10), c.AppliedOn, c.UnitName, c.Unit, c.SubjectName, c.SubjectCode,
			label(subjLabel, c.SubjectKind, func(k string) string { return ident.Kind(k).Label(lang) }),
			label(kindLabel, c.Kind, func(k string) string { return sanction.Kind(k).Label(lang) }),
			c.Measure, c.MeasureName,
			label(catLabel, c.Category, func(k string) string { return sanction.Category(k).Label(lang) }),
			c.Matter, "", c.Result, c.RecordedBy, c.RecordedOn,
		})
		labels.add(c.Grounds)
		if withJSON {
			js.Cases = append(js.Cases, CaseJSON{ID: c.ID, Date: c.AppliedOn, Unit: c.Unit, UnitName: c.UnitName, SubjectCode: c.SubjectCode,
				SubjectName: c.SubjectName, SubjectKind: c.SubjectKind, Kind: c.Kind, Measure: c.Measure, MeasureName: c.MeasureName,
				Category: c.Category, Matter: c.Matter, Grounds: nonNil(sanction.DecodeGrounds(c.Grounds)), Result: c.Result,
				RecordedBy: c.RecordedBy, RecordedOn: c.RecordedOn})
		}
		return nil
	})
	done := labels.wait()
	if err != nil {
		return nil, err
	}
	for i, l := range done {
		detail.Rows[i][groundsCol] = l
	}
	for _, s := range counts {
		js.Summary = append(js.Summary, *s)
	}
	sort.Slice(js.Summary, func(i, j int) bool {
		a, b := js.Summary[i], js.Summary[j]
		if a.Unit != b.Unit {
			return a.Unit < b.Unit
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Measure < b.Measure
	})
	summary := &tabular.Table{Columns: summaryColumns}
	for _, s := range js.Summary {
		summary.Rows = append(summary.Rows, []string{s.UnitName, s.Unit, sanction.Kind(s.Kind).Label(lang), s.Measure, s.MeasureName, strconv.Itoa(s.Cases)})
	}
	none := pick(lang, m.String()+" 没有联合奖惩案例", "no joint reward or sanction cases in "+m.String())
	if js.Total == 0 {
		js.Note = none
		summary.Rows = append(summary.Rows, []string{none, "", "", "", "", "0"})
		empty := make([]string, len(detailColumns))
		empty[0] = none
		detail.Rows = append(detail.Rows, empty)
	} else {
		summary.Rows = append(summary.Rows, []string{pick(lang, "合计", "Total"), "",
			pick(lang, "激励 "+strconv.Itoa(js.Rewards)+"，惩戒 "+strconv.Itoa(js.Sanctions), strconv.Itoa(js.Rewards)+" rewards, "+strconv.Itoa(js.Sanctions)+" sanctions"),
			"", "", strconv.Itoa(js.Total)})
	}
	title := pick(lang, m.String()+" 联合奖惩案例月报", "joint reward and sanction cases, "+m.String())
	summary.Title, detail.Title = title, title
	summary.JSON, detail.JSON = js.Summary, js.Cases
	return &Doc{
		Title: title,
		Sections: []tabular.Sheet{
			{Name: pick(lang, "汇总", "Summary"), Table: summary},
			{Name: pick(lang, "明细", "Cases"), Table: detail},
		},
		JSON: js,
	}, nil
}

// groundsCol is the detail table's grounds column.
const groundsCol = 12

// labeler renders grounds labels in batches on worker goroutines, in order.
type labeler struct {
	lang    string
	batch   []string
	batches []chan []string
	sem     chan struct{}
}

func newLabeler(lang string) *labeler {
	return &labeler{lang: lang, sem: make(chan struct{}, max(1, runtime.NumCPU()-1))}
}

func (l *labeler) add(grounds string) {
	l.batch = append(l.batch, grounds)
	if len(l.batch) == 2048 {
		l.flush()
	}
}

func (l *labeler) flush() {
	if len(l.batch) == 0 {
		return
	}
	in, out := l.batch, make(chan []string, 1)
	l.batch = nil
	l.batches = append(l.batches, out)
	go func() {
		l.sem <- struct{}{}
		defer func() { <-l.sem }()
		res := make([]string, len(in))
		for i, g := range in {
			res[i] = sanction.GroundsLabel(g, l.lang)
		}
		out <- res
	}()
}

// wait returns every label, in the order added.
func (l *labeler) wait() []string {
	l.flush()
	var all []string
	for _, c := range l.batches {
		all = append(all, <-c...)
	}
	return all
}

func nonNil(g []sanction.Ground) []sanction.Ground {
	if g == nil {
		return []sanction.Ground{}
	}
	return g
}
