package report

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/roster"
	"credit/internal/store"
	"credit/internal/tabular"
)

// Lights (第五条 红黄绿灯).
const (
	Green  = "green"
	Yellow = "yellow"
	Red    = "red"
)

// LightLabel names a light for people.
func LightLabel(l, lang string) string {
	switch {
	case lang == "en":
		return l
	case l == Green:
		return "绿灯"
	case l == Yellow:
		return "黄灯"
	case l == Red:
		return "红灯"
	}
	return l
}

func lightRank(l string) int {
	switch l {
	case Red:
		return 2
	case Yellow:
		return 1
	}
	return 0
}

// Worst is the worse of two lights.
func Worst(a, b string) string {
	if lightRank(b) > lightRank(a) {
		return b
	}
	return a
}

// Light is the 红/黄/绿 light of a reject rate and a number of days late by
// the policy's thresholds: red when either reaches its red threshold, yellow
// when either reaches its yellow one, else green. A zero rate or zero days
// never lights anything, whatever the thresholds.
func Light(p catalog.Lights, rejectRate float64, daysLate int) string {
	rate := func(t float64) bool { return rejectRate > 0 && rejectRate >= t }
	late := func(t int) bool { return daysLate > 0 && daysLate >= t }
	switch {
	case rate(p.RejectRateRed) || late(p.LateDaysRed):
		return Red
	case rate(p.RejectRateYellow) || late(p.LateDaysYellow):
		return Yellow
	}
	return Green
}

// NextDue is the last day the next batch of an item with update cycle
// cycle is due when the previous one was published on last:
//
//	daily      the next calendar day
//	weekly     7 days later
//	monthly    the end of the following month (a batch in every month)
//	quarterly  the end of the following quarter
//	yearly     the end of the following year
//	on_change  never (no fixed cycle): ok is false
func NextDue(cycle string, last civil.Date) (due civil.Date, ok bool) {
	switch cycle {
	case "daily":
		return last.AddDays(1), true
	case "weekly":
		return last.AddDays(7), true
	case "monthly":
		return civil.New(last.Year, last.Month, 1).AddMonths(1).EndOfMonth(), true
	case "quarterly":
		qEnd := (int(last.Month)-1)/3*3 + 3 // this quarter's last month
		return civil.New(last.Year, 1, 1).AddMonths(qEnd - 1 + 3).EndOfMonth(), true
	case "yearly":
		return civil.New(last.Year+1, 12, 31), true
	}
	return civil.Date{}, false
}

// DaysLate is how many days after due asOf lies (0 when not after).
func DaysLate(due, asOf civil.Date) int {
	if due.IsZero() || !asOf.After(due) {
		return 0
	}
	return due.DaysUntil(asOf)
}

// ProviderRow is one provider's item in the collection report.
type ProviderRow struct {
	Provider         string     `json:"provider"`
	ProviderName     string     `json:"provider_name"`
	Item             string     `json:"item"`
	ItemName         string     `json:"item_name"`
	UpdateCycle      string     `json:"update_cycle"`
	Batches          int        `json:"batches"`
	Rows             int64      `json:"rows"`
	Accepted         int64      `json:"accepted"`
	Revised          int64      `json:"revised"`
	Duplicates       int64      `json:"duplicates"`
	Rejected         int64      `json:"rejected"`
	RejectRate       float64    `json:"reject_rate"`
	LastBatchOn      civil.Date `json:"last_batch_on"`
	NextDue          civil.Date `json:"next_due"`
	DaysLate         int        `json:"days_late"`
	LateListReports  int        `json:"late_list_reports"`
	ListDaysLate     int        `json:"list_days_late"`
	ObjectionsUpheld int        `json:"objections_upheld"`
	Light            string     `json:"light"`
}

// UnitRow is one user unit in the collection report.
type UnitRow struct {
	Unit          string `json:"unit"`
	UnitName      string `json:"unit_name"`
	Queries       int    `json:"queries"`
	Checks        int    `json:"checks"`
	Exports       int    `json:"exports"`
	Cases         int    `json:"cases"`
	RewardCases   int    `json:"reward_cases"`
	SanctionCases int    `json:"sanction_cases"`
}

// CollectionJSON is the report's JSON object.
type CollectionJSON struct {
	Month     string        `json:"month"`
	From      string        `json:"from"`
	To        string        `json:"to"`
	AsOf      civil.Date    `json:"as_of"`
	Light     string        `json:"light"` // the worst provider light
	Providers []ProviderRow `json:"providers"`
	Units     []UnitRow     `json:"units"`
}

// CollectionData computes the collection and use report of month m as of
// the earlier of the month's last day and today, for every provider (or only
// provider when given):
//
//   - batches, rows, accepted, revised, duplicates and rejected rows of the
//     batches published in the month (by the office date of the import);
//   - timeliness: the days the item's next batch is overdue on the as-of date
//     (NextDue after the last published batch; a provider with no batch yet
//     counts from the day it was registered for the item);
//   - late list reports (第十七条): red/black list entries reported in the
//     month after Policy.RosterReportDue of their determination, counted
//     against the provider whose file brought them (or the determining unit of
//     a hand-made entry); pending and rejected hand-made entries and withdrawn
//     records count nowhere;
//   - objections upheld in the month against its records of the item;
//   - the light: Light of the reject rate and the larger of the days overdue
//     and the days the latest late list report was late.
//
// Per unit: query-log entries in its name, credit checks, exports, cases.
func CollectionData(ctx context.Context, st *store.Store, cat *catalog.Catalog, m Month, today civil.Date, provider string) (*CollectionJSON, error) {
	asOf := m.Last()
	if today.Before(asOf) {
		asOf = today
	}
	from, to := m.First().String(), m.Last().String()
	js := &CollectionJSON{Month: m.String(), From: from, To: to, AsOf: asOf, Light: Green, Providers: []ProviderRow{}, Units: []UnitRow{}}
	rows := map[string]*ProviderRow{}
	var order []string
	names, err := st.ProviderNames(ctx)
	if err != nil {
		return nil, err
	}
	row := func(p, item string) *ProviderRow {
		k := p + "\x1f" + item
		r := rows[k]
		if r == nil {
			r = &ProviderRow{Provider: p, ProviderName: names[p], Item: item}
			if cat != nil {
				if it := cat.Item(item); it != nil {
					r.ItemName, r.UpdateCycle = it.Name, it.UpdateCycle
				}
			}
			rows[k] = r
			order = append(order, k)
		}
		return r
	}
	regs, err := st.ProviderItemRows(ctx, provider)
	if err != nil {
		return nil, err
	}
	since := map[string]civil.Date{}
	for _, r := range regs {
		row(r.Provider, r.Item)
		d, _ := civil.Parse(r.Since())
		since[r.Provider+"\x1f"+r.Item] = d
	}
	stats, err := st.BatchStats(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for _, s := range stats {
		if provider != "" && s.Provider != provider {
			continue
		}
		r := row(s.Provider, s.Item)
		r.Batches, r.Rows, r.Accepted, r.Revised, r.Duplicates, r.Rejected = s.Batches, s.Rows, s.Accepted, s.Revised, s.Duplicates, s.Rejected
	}
	entries, err := roster.Entries(ctx, st, cat, roster.Filter{ReportedFrom: m.First(), ReportedTo: m.Last()})
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if !e.Late || e.State != roster.Approved || e.RecordStatus == "withdrawn" || e.Item == "" {
			continue
		}
		if provider != "" && e.Provider != provider {
			continue
		}
		r := row(e.Provider, e.Item)
		r.LateListReports++
		r.ListDaysLate = max(r.ListDaysLate, e.DaysLate)
	}
	upheld, err := st.UpheldObjections(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for k, n := range upheld {
		if r, ok := rows[k]; ok {
			r.ObjectionsUpheld = n
		} else if p, it, _ := cutKey(k); provider == "" || p == provider {
			row(p, it).ObjectionsUpheld = n
		}
	}
	last, err := st.LastBatchDates(ctx, asOf.String())
	if err != nil {
		return nil, err
	}
	lights := catalog.DefaultPolicy().Lights
	if cat != nil {
		lights = cat.Policy.Lights
	}
	sort.Strings(order)
	for _, k := range order {
		r := rows[k]
		if r.ProviderName == "" {
			r.ProviderName = names[r.Provider]
		}
		if r.Rows > 0 {
			r.RejectRate = float64(r.Rejected) / float64(r.Rows)
		}
		start := civil.Date{}
		if d, ok := last[k]; ok {
			r.LastBatchOn, _ = civil.Parse(d)
			start = r.LastBatchOn
		} else if d, ok := since[k]; ok && !d.After(asOf) {
			start = d
		}
		if !start.IsZero() {
			if due, ok := NextDue(r.UpdateCycle, start); ok {
				r.NextDue = due
				r.DaysLate = DaysLate(due, asOf)
			}
		}
		r.Light = Light(lights, r.RejectRate, max(r.DaysLate, r.ListDaysLate))
		js.Light = Worst(js.Light, r.Light)
		js.Providers = append(js.Providers, *r)
	}
	if provider != "" {
		return js, nil
	}
	units, err := st.UnitActivity(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		js.Units = append(js.Units, UnitRow{Unit: u.Unit, UnitName: u.UnitName, Queries: u.Queries, Checks: u.Checks, Exports: u.Exports,
			Cases: u.Cases, RewardCases: u.RewardCases, SanctionCases: u.SanctionCases})
	}
	return js, nil
}

func cutKey(k string) (string, string, bool) {
	for i := 0; i < len(k); i++ {
		if k[i] == 0x1f {
			return k[:i], k[i+1:], true
		}
	}
	return k, "", false
}

// Percent formats a rate as 2.50%.
func Percent(r float64) string { return strconv.FormatFloat(r*100, 'f', 2, 64) + "%" }

// Collection builds the collection and use report document.
func Collection(ctx context.Context, st *store.Store, cat *catalog.Catalog, m Month, today civil.Date, lang string) (*Doc, error) {
	js, err := CollectionData(ctx, st, cat, m, today, "")
	if err != nil {
		return nil, err
	}
	pt := &tabular.Table{Columns: []tabular.Column{
		{Key: "provider", Zh: "信息提供单位统一社会信用代码", En: "Provider"},
		{Key: "provider_name", Zh: "信息提供单位", En: "Provider name"},
		{Key: "item", Zh: "信息项", En: "Item"},
		{Key: "item_name", Zh: "信息项名称", En: "Item name"},
		{Key: "update_cycle", Zh: "更新周期", En: "Update cycle"},
		{Key: "batches", Zh: "本月批次", En: "Batches"},
		{Key: "rows", Zh: "报送行数", En: "Rows"},
		{Key: "accepted", Zh: "新增", En: "New"},
		{Key: "revised", Zh: "修订", En: "Revised"},
		{Key: "duplicates", Zh: "重复", En: "Duplicates"},
		{Key: "rejected", Zh: "拒收", En: "Rejected"},
		{Key: "reject_rate", Zh: "拒收率", En: "Reject rate"},
		{Key: "last_batch_on", Zh: "最近报送日期", En: "Last batch"},
		{Key: "next_due", Zh: "下次应报日期", En: "Next due"},
		{Key: "days_late", Zh: "逾期天数", En: "Days overdue"},
		{Key: "late_list_reports", Zh: "迟报红黑名单（第十七条）", En: "Late list reports"},
		{Key: "objections_upheld", Zh: "异议成立", En: "Objections upheld"},
		{Key: "light", Zh: "考核灯", En: "Light"},
	}, JSON: js.Providers}
	for _, r := range js.Providers {
		pt.Rows = append(pt.Rows, []string{r.Provider, r.ProviderName, r.Item, r.ItemName, catalog.UpdateCycleLabel(r.UpdateCycle, lang),
			strconv.Itoa(r.Batches), fmt.Sprint(r.Rows), fmt.Sprint(r.Accepted), fmt.Sprint(r.Revised), fmt.Sprint(r.Duplicates),
			fmt.Sprint(r.Rejected), Percent(r.RejectRate), r.LastBatchOn.String(), r.NextDue.String(), strconv.Itoa(r.DaysLate),
			strconv.Itoa(r.LateListReports), strconv.Itoa(r.ObjectionsUpheld), LightLabel(r.Light, lang)})
	}
	if len(js.Providers) == 0 {
		pt.Rows = append(pt.Rows, []string{pick(lang, "没有登记信息提供单位", "no providers registered")})
	}
	ut := &tabular.Table{Columns: []tabular.Column{
		{Key: "unit", Zh: "信息使用单位统一社会信用代码", En: "Unit"},
		{Key: "unit_name", Zh: "信息使用单位", En: "Unit name"},
		{Key: "queries", Zh: "查询次数", En: "Queries"},
		{Key: "checks", Zh: "信用审查次数", En: "Checks"},
		{Key: "exports", Zh: "批量导出次数", En: "Exports"},
		{Key: "cases", Zh: "联合奖惩案例", En: "Cases"},
		{Key: "reward_cases", Zh: "其中激励", En: "Rewards"},
		{Key: "sanction_cases", Zh: "其中惩戒", En: "Sanctions"},
	}, JSON: js.Units}
	for _, u := range js.Units {
		ut.Rows = append(ut.Rows, []string{u.Unit, u.UnitName, strconv.Itoa(u.Queries), strconv.Itoa(u.Checks), strconv.Itoa(u.Exports),
			strconv.Itoa(u.Cases), strconv.Itoa(u.RewardCases), strconv.Itoa(u.SanctionCases)})
	}
	if len(js.Units) == 0 {
		ut.Rows = append(ut.Rows, []string{pick(lang, "没有登记信息使用单位", "no user units registered")})
	}
	title := pick(lang, m.String()+" 公共信用信息归集和应用情况报告", "collection and use of public credit information, "+m.String())
	return &Doc{Title: title, Sections: []tabular.Sheet{
		{Name: pick(lang, "信息提供单位", "Providers"), Table: pt},
		{Name: pick(lang, "信息使用单位", "Units"), Table: ut},
	}, JSON: js}, nil
}
