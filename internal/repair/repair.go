// Package repair owns the credit repair queue (第三十四条–第三十五条, SPEC §E):
// eligibility at application with every failed condition named, the state
// machine as one table (built on internal/queue like the objection queue),
// the publicity period that an objection pauses and a dismissal resumes with
// the working days that remained, and completion — the record becomes
// repaired, leaves every scope but the office's, and its original stays in
// the archive with the repair's reference (原始失信信息转为档案保存).
package repair

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/operator"
	"credit/internal/queue"
	"credit/internal/roster"
	"credit/internal/store"
	"credit/internal/workday"
)

// States (SPEC §E).
const (
	Applied           queue.State = "applied"
	Refused           queue.State = "refused"
	Approved          queue.State = "approved_by_provider"
	InPublicity       queue.State = "in_publicity"
	PublicityObjected queue.State = "publicity_objected"
	Repaired          queue.State = "repaired"
	Withdrawn         queue.State = "withdrawn"
)

// Deadlines.
const (
	DeadlineOpinion = "opinion" // 第三十五条 “规定期限”: policy repair_opinion (assumed 5)
	DeadlineVerify  = "verify"  // an objection during publicity: policy repair_verify
)

// Machine is the repair workflow: SPEC §E as one table. While a repair is
// worked (applied … publicity_objected) it holds its record: the record is
// flagged under_repair and imports may not revise it.
var Machine = &queue.Machine{
	Queue: "repair", Zh: "信用修复", En: "repair", OpenedZh: "申请日期", OpenedEn: "application date",
	States: []queue.StateInfo{
		{State: Applied, Zh: "已申请", En: "applied", Holds: true},
		{State: Refused, Zh: "不予修复", En: "refused", Finished: true},
		{State: Approved, Zh: "提供单位同意修复", En: "approved by provider", Holds: true},
		{State: InPublicity, Zh: "公示中", En: "in publicity", Holds: true},
		{State: PublicityObjected, Zh: "公示有异议", En: "publicity objected", Holds: true},
		{State: Repaired, Zh: "已修复", En: "repaired", Finished: true},
		{State: Withdrawn, Zh: "已撤回申请", En: "withdrawn", Finished: true},
	},
	Commands: []queue.Command{
		{Name: "apply", Zh: "受理修复申请", En: "apply", Article: "第三十四条"},
		{Name: "opinion", Zh: "登记提供单位意见", En: "opinion", Article: "第三十五条"},
		{Name: "publicize", Zh: "开始公示", En: "publicize", Article: "第三十五条"},
		{Name: "object", Zh: "登记公示异议", En: "object", Article: "第三十五条", Guards: []queue.Guard{publicityOver}},
		{Name: "verify", Zh: "核实公示异议", En: "verify", Article: "第三十五条"},
		{Name: "complete", Zh: "完成修复", En: "complete", Article: "第三十五条", Guards: []queue.Guard{publicityRunning}},
		{Name: "withdraw", Zh: "撤回申请", En: "withdraw", Article: "本办公室规则（服务第三十四条）"},
	},
	Facts: factsTx,
	Deadlines: []queue.DeadlineInfo{
		{Name: DeadlineVerify, JSON: "verify_due", Zh: "公示异议核实期限", En: "objection verification due"},
		{Name: DeadlineOpinion, JSON: "opinion_due", Zh: "修复意见期限", En: "opinion due"},
	},
	Table: []queue.Transition{
		{Command: "apply", To: Applied, Role: operator.Clerk, Sets: []queue.Rule{{Deadline: DeadlineOpinion, Days: opinion}}},
		{Command: "apply", To: Refused, Role: operator.Clerk}, // not eligible: kept with its reasons, exit 5
		{Command: "opinion", From: []queue.State{Applied}, To: Approved, Role: operator.Clerk, Meets: []string{DeadlineOpinion}},
		{Command: "opinion", From: []queue.State{Applied}, To: Refused, Role: operator.Clerk, Meets: []string{DeadlineOpinion}},
		{Command: "publicize", From: []queue.State{Approved}, To: InPublicity, Role: operator.Clerk}, // the period: see Publicize
		{Command: "object", From: []queue.State{InPublicity}, To: PublicityObjected, Role: operator.Clerk, Sets: []queue.Rule{{Deadline: DeadlineVerify, Days: verify}}},
		{Command: "verify", From: []queue.State{PublicityObjected}, To: Refused, Role: operator.Reviewer, Meets: []string{DeadlineVerify}},
		{Command: "verify", From: []queue.State{PublicityObjected}, To: InPublicity, Role: operator.Reviewer, Meets: []string{DeadlineVerify}},
		{Command: "complete", From: []queue.State{InPublicity}, To: Repaired, Role: operator.Reviewer}, // only after the last publicity day
		{Command: "withdraw", From: []queue.State{Applied, Approved}, To: Withdrawn, Role: operator.Clerk, Meets: []string{DeadlineOpinion}},
	},
}

// Facts are what the repair's guards read beyond its state.
type Facts struct {
	PublicityLast civil.Date // the last day of the current publicity stretch (zero: none)
}

func factsOf(ps []store.PublicityStretch) Facts {
	if len(ps) == 0 {
		return Facts{}
	}
	return Facts{PublicityLast: ps[len(ps)-1].Last}
}

func factsTx(tx *store.Tx, id int64) (any, error) {
	ps, err := tx.Publicity(id)
	if err != nil {
		return nil, err
	}
	return factsOf(ps), nil
}

// The guards: a publicity objection only while the period runs, completion
// only after its last day (第三十五条: 公示期满).
var (
	publicityOver = queue.Guard{Article: "第三十五条", ArticleEn: "article 35", Refuse: func(id int64, f any, today civil.Date) error {
		if last := f.(Facts).PublicityLast; today.After(last) {
			return apperr.Newf(apperr.Rule, "信用修复 %d 的公示期已于 %s 结束，不能再登记公示期间的异议；可以办理“完成修复”",
				"repair %d: publicity ended on %s; an objection can no longer be entered as raised during publicity", id, last)
		}
		return nil
	}}
	publicityRunning = queue.Guard{Article: "第三十五条", ArticleEn: "article 35", Refuse: func(id int64, f any, today civil.Date) error {
		if last := f.(Facts).PublicityLast; !today.After(last) {
			return apperr.Newf(apperr.Rule, "信用修复 %d 的公示期至 %s 结束，%s 起方可完成修复",
				"repair %d: publicity runs to %s; it can be completed from %s", id, last, last.AddDays(1))
		}
		return nil
	}}
)

// Next lists the steps of repair v for op on today: those its state allows,
// each allowed or refused with the rule (queue.Machine.Actions).
func Next(ctx context.Context, st *store.Store, v *View, op operator.Operator, today civil.Date) ([]queue.Action, error) {
	pm, err := st.Publicity(ctx, []int64{v.ID})
	if err != nil {
		return nil, err
	}
	dates, err := st.QueueDates(ctx, Machine.Queue, v.ID)
	if err != nil {
		return nil, err
	}
	return Machine.Actions(v.State, op, today, queue.Case{ID: v.ID, Dates: dates, Facts: factsOf(pm[v.ID])}), nil
}

func opinion(w catalog.Workdays) int { return w.RepairOpinion }
func verify(w catalog.Workdays) int  { return w.RepairVerify }

// Reasons an application is refused at application (SPEC §E as amended by
// issue 15). Only formal conditions are checked here: the record is negative
// and within its validity, the clean year of 第三十四条(二) has passed with no
// same-kind act in it, and the written commitment of (三) is given. Whether
// the correction took effect (一) and the commitment is sound (三) is the
// provider's to judge in its written opinion (第三十五条). The two office
// rules say so in their text, with the article they serve.
var Reasons = []struct{ Code, Zh, En string }{
	{"not_negative", "该信息不是失信（负面）信息，不适用信用修复（第三十四条）", "the information is not negative; repair does not apply (第三十四条)"},
	{"expired", "该失信信息已超过有效期，不再公开、不再作为惩戒依据，无需修复（第三十条、第三十四条“使用期限内”）", "the record has expired (第三十条): it is no longer public or used, so there is nothing to repair"},
	{"already_repaired", "该信息已经修复", "it has already been repaired"},
	{"withdrawn", "该记录已经撤除", "the record has been withdrawn"},
	{"purged", "该记录已按保存期限清除（第八条），内容已不存在", "the record was purged after its retention period (art. 8)"},
	{"not_approved", "该名单条目尚未审核通过或已被驳回，不在名单上", "the list entry is not approved (pending or rejected): it is not on the list"},
	{"removed", "该名单条目已移出名单", "the list entry has been removed from its list"},
	{"open_objection", "本办公室规则（服务第三十二条、第三十五条）：该记录有尚未办结的异议，异议办结、记录内容确定后再申请修复", "office rule (serving 第三十二条 and 第三十五条): the record has an open objection; apply once it is decided"},
	{"open_repair", "本办公室规则（服务第三十五条）：该信息已有正在办理的修复申请，一件申请一份书面意见、一次公示", "office rule (serving 第三十五条): a repair of it is already open"},
	{"clean_period_not_met", "自纠正之日起未满 1 年（第三十四条(二)；期满之日的次日起方可申请）", "a full year has not passed since the correction (第三十四条(二)); one may apply from the day after the anniversary"},
	{"later_negative_record", "自纠正之日起 1 年内又发生同类失信行为（第三十四条(二)；按目录 act_date_field 所列的行为日期，未列时以决定（认定）日期代替）", "a same-kind act happened within the year after the correction (第三十四条(二); by the catalog's act_date_field, else the decision date standing in)"},
	{"no_commitment", "没有书面信用承诺（第三十四条(三)；承诺的内容由信息提供单位在书面意见中判断）", "no written commitment (第三十四条(三)); its substance is the provider's to judge"},
}

// ReasonText is a reason's text for people.
func ReasonText(code, lang string) string {
	for _, r := range Reasons {
		if r.Code == code {
			if lang == "en" {
				return r.En
			}
			return r.Zh
		}
	}
	return code
}

// Application is a repair application as the office receives it: about a
// record, or about a list entry (Entry: M<n> hand-entered, R<n> the
// provider-reported record n).
type Application struct {
	Record      int64
	Entry       string
	CorrectedOn civil.Date
	Commitment  string
	Evidence    string
	Applied     civil.Date // zero = today
}

// FirstDayToApply is the first day one may apply after correcting on
// corrected: the clean period ends on its anniversary (民法典 第二百零一条,
// 第二百零二条: the start day does not count, the period ends on the matching
// day), so the day after. A waiting period, not a deadline for an act: no
// holiday extension.
func FirstDayToApply(clean catalog.Period, corrected civil.Date) civil.Date {
	return clean.AddTo(corrected).AddDays(1)
}

// Apply receives an application. An eligible one is applied with opinion_due
// = add(applied, repair_opinion); an ineligible one is stored as refused with
// its reasons, and the error (exit 5) names every one of them.
func Apply(ctx context.Context, env queue.Env, a Application) (*View, error) {
	if a.Applied.IsZero() {
		a.Applied = env.Today()
	}
	if a.Applied.After(env.Today()) {
		return nil, apperr.Newf(apperr.Usage, "申请日期 %s 晚于今天 %s", "the application date %s is after today %s", a.Applied, env.Today())
	}
	if a.CorrectedOn.IsZero() {
		return nil, apperr.New(apperr.Usage, "请用 --corrected-on 给出纠正失信行为的日期", "give the date the behaviour was corrected with --corrected-on")
	}
	// A behaviour may be corrected before it is 认定 (no check against the
	// decision date), but not after the application that says it was.
	if a.CorrectedOn.After(a.Applied) {
		return nil, apperr.Newf(apperr.Usage, "纠正日期 %s 晚于申请日期 %s：申请时应已纠正失信行为（第三十四条(一)）",
			"the correction date %s is after the application date %s: the behaviour must be corrected when applying (第三十四条(一))", a.CorrectedOn, a.Applied)
	}
	var entry *roster.Entry
	if a.Entry != "" {
		if a.Record != 0 {
			return nil, apperr.New(apperr.Usage, "--record 和 --entry 只能给一个", "give one of --record and --entry")
		}
		manual, record, err := roster.ParseID(a.Entry)
		if err != nil {
			return nil, err
		}
		if record != 0 {
			a.Record, a.Entry = record, "" // a reported entry is its record
		} else {
			cat, _, err := env.Store.CatalogInForce(ctx, a.Applied)
			if err != nil {
				return nil, err
			}
			e, err := roster.Get(ctx, env.Store, cat, fmt.Sprintf("M%d", manual))
			if err != nil {
				return nil, err
			}
			entry, a.Entry = &e, e.ID
		}
	}
	if a.Record == 0 && entry == nil {
		return nil, apperr.New(apperr.Usage, "请用 --record 给出记录编号，或用 --entry 给出名单条目编号", "give the record with --record or the list entry with --entry")
	}
	var reasons []string
	c, err := Machine.Create(ctx, env, "apply", func(c *queue.Change) error {
		var r store.Repair
		var err error
		if entry != nil {
			if reasons, err = entryEligibility(ctx, env.Store, c.Tx, *entry, a); err != nil {
				return err
			}
			r = store.Repair{Entry: entry.ID, Rev: 1}
		} else {
			rec, ok, err := c.Tx.CaseRecord(a.Record)
			if err != nil {
				return err
			}
			if !ok {
				return apperr.Newf(apperr.Usage, "没有记录 %d（或其批次尚未发布）", "no record %d (or its batch is not published)", a.Record)
			}
			if reasons, err = eligibility(c.Tx, rec, a); err != nil {
				return err
			}
			r = store.Repair{RecordID: rec.ID, Rev: rec.Rev, ContentHash: rec.ContentHash}
		}
		c.To = Applied
		if len(reasons) > 0 {
			c.To = Refused
		}
		r.CorrectedOn, r.Commitment, r.Evidence, r.AppliedOn, r.State = a.CorrectedOn, strings.TrimSpace(a.Commitment), a.Evidence, a.Applied, string(c.To)
		r.Holds, r.Eligible, r.Reasons = len(reasons) == 0, len(reasons) == 0, reasons
		id, err := c.Tx.InsertRepair(r)
		if err != nil {
			return err
		}
		c.ID, c.Start = id, a.Applied
		c.Details = map[string]any{"record": r.RecordID, "rev": r.Rev, "content_hash": r.ContentHash, "applied_on": a.Applied.String(),
			"corrected_on": a.CorrectedOn.String(), "eligible": len(reasons) == 0, "reasons": reasons}
		if r.Entry != "" {
			c.Details["entry"] = r.Entry
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	v, err := Get(ctx, env.Store, env.Cal, env.Today(), c.ID, env.Lang)
	if err != nil {
		return nil, err
	}
	if len(reasons) > 0 {
		var zh, en []string
		for _, r := range reasons {
			zh, en = append(zh, ReasonText(r, "zh")+"（"+r+"）"), append(en, r)
		}
		msgZh := fmt.Sprintf("信用修复申请 %d 不符合条件，已登记为不予修复：%s", c.ID, strings.Join(zh, "；"))
		msgEn := fmt.Sprintf("repair %d is not eligible and is stored as refused: %s", c.ID, strings.Join(en, ", "))
		if slices.Contains(reasons, "clean_period_not_met") {
			if cat, _, err := env.Store.CatalogInForce(ctx, a.Applied); err == nil {
				first := FirstDayToApply(cat.Policy.RepairCleanPeriod, a.CorrectedOn)
				msgZh += fmt.Sprintf("。纠正日期 %s，最早可于 %s 申请", a.CorrectedOn, first)
				msgEn += fmt.Sprintf(". Corrected on %s: the first day to apply is %s", a.CorrectedOn, first)
			}
		}
		return v, apperr.New(apperr.Rule, msgZh, msgEn)
	}
	return v, nil
}

// eligibility checks a record on the application date and returns the codes
// of every failed condition.
func eligibility(tx *store.Tx, rec store.CaseRecord, a Application) ([]string, error) {
	var out []string
	fail := func(code string) { out = append(out, code) }
	if rec.Category != string(catalog.Negative) {
		fail("not_negative")
	}
	if rec.ValidUntil != "" && rec.ValidUntil < a.Applied.String() {
		fail("expired")
	}
	switch rec.Status {
	case "repaired":
		fail("already_repaired")
	case "withdrawn":
		fail("withdrawn")
	case store.StatusPurged:
		fail("purged")
	}
	open, err := tx.OpenProcedures(rec.ID)
	if err != nil {
		return nil, err
	}
	for _, p := range open {
		switch p {
		case "objection":
			fail("open_objection")
		case "repair":
			fail("open_repair")
		}
	}
	cat, _, err := tx.CatalogInForce(a.Applied)
	if err != nil {
		return nil, err
	}
	end := cat.Policy.RepairCleanPeriod.AddTo(a.CorrectedOn)
	if !a.Applied.After(end) {
		fail("clean_period_not_met")
	}
	// 同类失信行为: same item and, when the item names one, the same value of
	// its kind field (for XZCF 违法行为类型), that HAPPENED within the year
	// after the correction: (corrected_on, corrected_on + 1y]. The act date
	// is the item's act_date_field; without one (XZCF's national layout has
	// no act date) the decision date stands in.
	var kindField, actField string
	if it := cat.Item(rec.Item); it != nil {
		kindField, actField = it.KindField, it.ActDateField
	}
	others, err := tx.NegativeRecordsOf(rec.SubjectID, rec.Item, rec.ID)
	if err != nil {
		return nil, err
	}
	for _, o := range others {
		if kindField != "" && !sameKind(o.Value(kindField), rec.Value(kindField)) {
			continue
		}
		if within(ActDate(o.Value(actField), actField, o.DecidedOn), a.CorrectedOn, end) {
			fail("later_negative_record")
			break
		}
	}
	if strings.TrimSpace(a.Commitment) == "" {
		fail("no_commitment")
	}
	return out, nil
}

// ActDate is when an act happened: the act-date field's value when the item
// names one and the record holds it, else the decision date standing in.
func ActDate(actValue, actField, decided string) civil.Date {
	if actField != "" {
		if d, err := civil.Parse(strings.TrimSpace(actValue)); err == nil {
			return d
		}
	}
	d, _ := civil.Parse(decided)
	return d
}

// within reports whether d lies in (from, through].
func within(d, from, through civil.Date) bool {
	return !d.IsZero() && d.After(from) && !d.After(through)
}

// entryEligibility checks a hand-entered list entry: on the black list,
// approved, in force, not removed; no open repair (office rule); the clean
// year passed with no same-kind entry (the same list name) determined in
// it — the determination date standing in for the act date; a commitment.
func entryEligibility(ctx context.Context, st *store.Store, tx *store.Tx, e roster.Entry, a Application) ([]string, error) {
	var out []string
	fail := func(code string) { out = append(out, code) }
	if e.List != roster.Black {
		fail("not_negative")
	}
	switch e.Status(a.Applied) {
	case roster.StatusPending, roster.StatusRejected:
		fail("not_approved")
	case roster.StatusExpired:
		fail("expired")
	case roster.StatusRepaired:
		fail("already_repaired")
	case roster.StatusRemoved:
		fail("removed")
	}
	if n, err := tx.OpenEntryRepairs(e.ID); err != nil {
		return nil, err
	} else if n > 0 {
		fail("open_repair")
	}
	cat, _, err := tx.CatalogInForce(a.Applied)
	if err != nil {
		return nil, err
	}
	end := cat.Policy.RepairCleanPeriod.AddTo(a.CorrectedOn)
	if !a.Applied.After(end) {
		fail("clean_period_not_met")
	}
	others, err := roster.Entries(ctx, st, cat, roster.Filter{SubjectCode: e.SubjectCode, List: e.List})
	if err != nil {
		return nil, err
	}
	for _, o := range others {
		if o.ID == e.ID || o.State != roster.Approved || o.Redacted || !sameKind(o.ListName, e.ListName) {
			continue
		}
		if within(o.Determined, a.CorrectedOn, end) {
			fail("later_negative_record")
			break
		}
	}
	if strings.TrimSpace(a.Commitment) == "" {
		fail("no_commitment")
	}
	return out, nil
}

func sameKind(a, b string) bool {
	return catalog.NormalizeName(a) == catalog.NormalizeName(b)
}

// Opinion enters the provider's written opinion.
func Opinion(ctx context.Context, env queue.Env, id int64, approve bool, text string) (*View, error) {
	return simple(ctx, env, id, "opinion", text, func(c *queue.Change) error {
		c.To, c.Details["opinion"] = Refused, "refuse"
		if approve {
			c.To, c.Details["opinion"] = Approved, "approve"
		}
		return c.Tx.SetRepairOpinion(id, c.Details["opinion"].(string))
	})
}

// Publicize starts the publicity period: from add(today, 1) to add(today,
// repair_publicity), the policy in force today giving the number of days.
func Publicize(ctx context.Context, env queue.Env, id int64, note string) (*View, error) {
	return simple(ctx, env, id, "publicize", note, func(c *queue.Change) error {
		cat, version, err := c.Policy(c.Today())
		if err != nil {
			return err
		}
		n := cat.Policy.Workdays.RepairPublicity
		p, err := stretch(c.Env.Cal, id, c.Today(), n, n, version)
		if err != nil {
			return err
		}
		if _, err := c.Tx.AddPublicityStretch(p); err != nil {
			return err
		}
		c.Details["publicity"] = map[string]any{"first_day": p.First.String(), "last_day": p.Last.String(), "days": n}
		return nil
	})
}

func stretch(cal *workday.Calendar, id int64, start civil.Date, days, total int, version int64) (store.PublicityStretch, error) {
	first, last, err := cal.Publicity(start, days)
	if err != nil {
		return store.PublicityStretch{}, err
	}
	_, prov, err := cal.AddP(start, days)
	if err != nil {
		return store.PublicityStretch{}, err
	}
	return store.PublicityStretch{RepairID: id, StartedOn: start, Days: days, First: first, Last: last, Total: total, Provisional: prov, Catalog: version}, nil
}

// current is the running (last) stretch of a repair's publicity.
func current(tx *store.Tx, id int64) (store.PublicityStretch, error) {
	ps, err := tx.Publicity(id)
	if err != nil {
		return store.PublicityStretch{}, err
	}
	if len(ps) == 0 {
		return store.PublicityStretch{}, fmt.Errorf("repair %d is in publicity without a period", id)
	}
	return ps[len(ps)-1], nil
}

// Object records an objection raised during publicity: the period pauses
// (the working days fully served before today count) and the provider must
// verify by add(today, repair_verify).
func Object(ctx context.Context, env queue.Env, id int64, detail string) (*View, error) {
	return simple(ctx, env, id, "object", detail, func(c *queue.Change) error {
		p, err := current(c.Tx, id) // publicityOver has refused a period that is over
		if err != nil {
			return err
		}
		today := c.Today()
		served := 0
		if today.After(p.StartedOn) {
			if served, err = c.Env.Cal.Between(p.StartedOn, today.AddDays(-1)); err != nil {
				return err
			}
		}
		served = max(0, min(served, p.Days))
		if err := c.Tx.PausePublicity(id, p.Seq, today, served); err != nil {
			return err
		}
		c.Details["publicity"] = map[string]any{"paused_on": today.String(), "served": served, "remaining": p.Days - served}
		return nil
	})
}

// Verify is the reviewer's conclusion on the publicity objection: upheld
// refuses the repair; dismissed resumes the publicity with the working days
// that remained (add(today, 1) .. add(today, remaining)), not a new period.
func Verify(ctx context.Context, env queue.Env, id int64, upholdObjection bool, note string) (*View, error) {
	return simple(ctx, env, id, "verify", note, func(c *queue.Change) error {
		if upholdObjection {
			c.To, c.Details["objection"] = Refused, "upheld"
			return nil
		}
		c.To, c.Details["objection"] = InPublicity, "dismissed"
		p, err := current(c.Tx, id)
		if err != nil {
			return err
		}
		remaining := p.Days - p.Served
		next, err := stretch(c.Env.Cal, id, c.Today(), remaining, p.Total, p.Catalog)
		if err != nil {
			return err
		}
		if _, err := c.Tx.AddPublicityStretch(next); err != nil {
			return err
		}
		c.Details["publicity"] = map[string]any{"first_day": next.First.String(), "last_day": next.Last.String(), "days": remaining}
		return nil
	})
}

// Complete repairs the record once the publicity period is over (from the
// day after its last day): the revision is kept in record_history and the
// record's status becomes repaired (procedure repair, ref repair:N).
func Complete(ctx context.Context, env queue.Env, id int64, note string) (*View, error) {
	return simple(ctx, env, id, "complete", note, func(c *queue.Change) error {
		// publicityRunning has refused a period not yet over.
		r, _, err := c.Tx.Repair(id)
		if err != nil {
			return err
		}
		if r.Entry != "" {
			// A hand-entered list entry: it leaves its list today, on the
			// repair ground (第三十五条); the entry itself stays as archive.
			if _, done, err := c.Tx.RosterRemoval(r.Entry); err != nil {
				return err
			} else if done {
				return apperr.Newf(apperr.Rule, "名单条目 %s 已经移出名单，不能完成修复", "list entry %s has left its list already", r.Entry)
			}
			c.Details["entry"] = r.Entry
			return c.Tx.RemoveRosterEntry(r.Entry, c.Today().String(), roster.GroundRepair, fmt.Sprintf("repair:%d", id), "信用修复（第三十五条）")
		}
		rec, ok, err := c.Tx.CaseRecord(r.RecordID)
		if err != nil {
			return err
		}
		if !ok || rec.Status != "active" {
			return apperr.Newf(apperr.Rule, "记录 %d 的状态为 %s，不能完成修复", "record %d is %s and cannot be repaired", r.RecordID, rec.Status)
		}
		rev, err := c.Tx.SetRecordStatus(rec.ID, "repaired", "repair", fmt.Sprintf("repair:%d", id))
		if err != nil {
			return err
		}
		c.Details["rev"], c.Details["content_hash"] = rev, rec.ContentHash
		return nil
	})
}

// Withdraw records that the subject withdrew the application.
func Withdraw(ctx context.Context, env queue.Env, id int64, note string) (*View, error) {
	return simple(ctx, env, id, "withdraw", note, nil)
}

func simple(ctx context.Context, env queue.Env, id int64, command, note string, step func(*queue.Change) error) (*View, error) {
	_, err := Machine.Run(ctx, env, id, command, func(c *queue.Change) error {
		r, _, err := c.Tx.Repair(id)
		if err != nil {
			return err
		}
		c.Note = note
		c.Details["record"] = r.RecordID
		if r.Entry != "" {
			c.Details["entry"] = r.Entry
		}
		if step != nil {
			return step(c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return Get(ctx, env.Store, env.Cal, env.Today(), id, env.Lang)
}
