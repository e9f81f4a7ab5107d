package cli

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"credit/internal/civil"
	"credit/internal/workday"
)

// Dates counted by hand from the State Council notices (see objection_test.go).

type repairJSON struct {
	ID          int64    `json:"id"`
	Record      int64    `json:"record"`
	State       string   `json:"state"`
	Eligible    bool     `json:"eligible"`
	Reasons     []string `json:"reasons"`
	OpinionDue  *string  `json:"opinion_due"`
	VerifyDue   *string  `json:"verify_due"`
	Due         *string  `json:"due"`
	DaysLeft    *int     `json:"days_left"`
	Status      string   `json:"status"`
	UnderRepair bool     `json:"under_repair"`
	Publicity   *struct {
		Days         int     `json:"days"`
		FirstDay     string  `json:"first_day"`
		LastDay      string  `json:"last_day"`
		Paused       bool    `json:"paused"`
		Remaining    *int    `json:"remaining_days"`
		CompleteFrom *string `json:"complete_from"`
		Stretches    []struct {
			FirstDay string  `json:"first_day"`
			LastDay  string  `json:"last_day"`
			PausedOn *string `json:"paused_on"`
			Served   *int    `json:"served"`
		} `json:"stretches"`
	} `json:"publicity"`
	Timeline []struct {
		Command string `json:"command"`
		To      string `json:"to"`
	} `json:"timeline"`
}

func (h *harness) repair(day string, args ...string) repairJSON {
	h.t.Helper()
	return decode[repairJSON](h.t, h.on(day, append([]string{"repair"}, append(args, "--format", "json")...)...).Out)
}

// negativeRow is a penalty row with 失信程度 and 程序类型 appended.
func negativeRow(set map[string]string, severity, procedure string) []string {
	return append(xzcfRow(set), severity, procedure)
}

var negativeExtra = []string{"失信程度", "程序类型"}

func TestRepairCleanPeriodAndFullPath(t *testing.T) {
	h := queueHarness(t)
	// A serious negative record decided 2024-03-01 (valid to 2027-03-01).
	r := h.importXZCF("2024-03-10", "serious.csv", negativeExtra,
		negativeRow(map[string]string{"处罚决定日期": "2024-03-01", "处罚有效期": "2099-12-31"}, "严重", ""))
	if r.Code != 0 {
		t.Fatalf("import: %s %s", r.Out, r.Err)
	}
	bob, carol := h.as("bob"), h.as("carol")
	// Corrected 2024-06-01, applied 2025-03-01: the year since the correction has not passed.
	res := bob.failsOn(5, "2025-03-01", "repair", "apply", "--record", "1", "--corrected-on", "2024-06-01", "--commitment", "CN-1", "--format", "json")
	p := decode[repairJSON](t, res.Out)
	if p.ID != 1 || p.State != "refused" || p.Eligible || !slices.Equal(p.Reasons, []string{"clean_period_not_met"}) || p.UnderRepair {
		t.Fatalf("refused application: %+v", p)
	}
	if !strings.Contains(res.Err, "clean_period_not_met") || !strings.Contains(res.Err, "第三十四条") {
		t.Fatalf("message: %s", res.Err)
	}
	// Applied 2025-06-03 (Tue, after the 05-31…06-02 holiday): accepted; opinion due
	// 06-04, 06-05, 06-06, 06-09, 06-10.
	p = bob.repair("2025-06-03", "apply", "--record", "1", "--corrected-on", "2024-06-01", "--commitment", "CN-2", "--evidence", "整改报告")
	if p.ID != 2 || p.State != "applied" || !p.Eligible || len(p.Reasons) != 0 || str(p.OpinionDue) != "2025-06-10" || !p.UnderRepair {
		t.Fatalf("accepted application: %+v", p)
	}
	// A clerk may not complete; publicity needs the provider's approval first.
	if r := bob.failsOn(5, "2025-06-05", "repair", "publicize", "2"); !strings.Contains(r.Err, "信用修复 2 当前状态为“已申请”，不能执行“开始公示”") {
		t.Fatalf("wrong state: %s", r.Err)
	}
	p = bob.repair("2025-06-09", "opinion", "2", "--approve", "--text", "同意修复")
	if p.State != "approved_by_provider" || p.Due != nil {
		t.Fatalf("opinion: %+v", p)
	}
	// Publicity from Friday 2025-09-26 spans 国庆: 09-28 (Sun, 调休), 09-29, 09-30, 10-09, 10-10.
	p = bob.repair("2025-09-26", "publicize", "2")
	if pb := p.Publicity; p.State != "in_publicity" || pb == nil || pb.FirstDay != "2025-09-28" || pb.LastDay != "2025-10-10" || str(pb.CompleteFrom) != "2025-10-11" {
		t.Fatalf("publicize: %+v %+v", p, p.Publicity)
	}
	st := h.openStore()
	if flags, _ := st.RecordFlags(context.Background(), []int64{1}, "2025-09-26"); strings.Join(flags[1], ",") != "in_publicity,under_repair" {
		t.Fatalf("flags in publicity: %v", flags)
	}
	// The publicity flag ends with the publicity (last day 10-10); the repair
	// still holds the record until it is completed (issue 19).
	if flags, _ := st.RecordFlags(context.Background(), []int64{1}, "2025-10-10"); strings.Join(flags[1], ",") != "in_publicity,under_repair" {
		t.Fatalf("flags on the last day of publicity: %v", flags)
	}
	if flags, _ := st.RecordFlags(context.Background(), []int64{1}, "2025-10-11"); strings.Join(flags[1], ",") != "under_repair" {
		t.Fatalf("flags the day after publicity: %v", flags)
	}
	// Several ids, the flagged one not first: the day is a numbered
	// parameter after the ids (RecordFlags), bound to the day, not to an id.
	if flags, err := st.RecordFlags(context.Background(), []int64{999, 1, 998}, "2025-10-10"); err != nil || strings.Join(flags[1], ",") != "in_publicity,under_repair" || len(flags) != 1 {
		t.Fatalf("flags of three ids on the last day of publicity: %v %v", flags, err)
	}
	notice := func(day string) []int64 {
		var ids []int64
		for _, n := range decode[[]map[string]any](t, h.on(day, "repair", "publicity", "--on", day, "--format", "json").Out) {
			ids = append(ids, int64(n["repair"].(float64)))
		}
		return ids
	}
	if got := notice("2025-09-29"); !slices.Equal(got, []int64{2}) {
		t.Fatalf("notice on 09-29: %v", got)
	}
	if got := notice("2025-09-27"); len(got) != 0 {
		t.Fatalf("notice before the first day: %v", got)
	}
	// An objection on Tuesday 09-30: 2 working days served (09-28, 09-29), 3 remain;
	// verification due 10-09, 10-10, 10-11 (Sat, 调休), 10-13, 10-14.
	p = bob.repair("2025-09-30", "object", "2", "--detail", "举报仍在发布虚假广告")
	if pb := p.Publicity; p.State != "publicity_objected" || str(p.VerifyDue) != "2025-10-14" || !pb.Paused || *pb.Remaining != 3 || *pb.Stretches[0].Served != 2 {
		t.Fatalf("object: %+v %+v", p, p.Publicity)
	}
	if got := notice("2025-09-30"); len(got) != 0 {
		t.Fatalf("notice while paused: %v", got)
	}
	bob.failsOn(5, "2025-10-09", "repair", "verify", "2", "--dismiss", "--note", "x")
	// Dismissed on 10-09: the 3 remaining days are 10-10, 10-11 (Sat, 调休), 10-13.
	p = carol.repair("2025-10-09", "verify", "2", "--dismiss", "--note", "举报不实")
	if pb := p.Publicity; p.State != "in_publicity" || pb.Paused || pb.FirstDay != "2025-09-28" || pb.LastDay != "2025-10-13" || str(pb.CompleteFrom) != "2025-10-14" || len(pb.Stretches) != 2 || pb.Stretches[1].FirstDay != "2025-10-10" {
		t.Fatalf("resume: %+v %+v", p, p.Publicity)
	}
	if got := notice("2025-10-13"); !slices.Equal(got, []int64{2}) {
		t.Fatalf("notice on the last day: %v", got)
	}
	// Not before the day after the last publicity day.
	if r := carol.failsOn(5, "2025-10-13", "repair", "complete", "2"); !strings.Contains(r.Err, "2025-10-14") {
		t.Fatalf("complete too early: %s", r.Err)
	}
	bob.failsOn(5, "2025-10-14", "repair", "complete", "2")
	p = carol.repair("2025-10-14", "complete", "2")
	if p.State != "repaired" || p.Status != "done" || p.UnderRepair {
		t.Fatalf("complete: %+v", p)
	}
	// The record: repaired, its original kept in history with the repair's reference.
	var status, procedure string
	var rev int
	st.DB.QueryRow("SELECT status, procedure, rev FROM records WHERE id = 1").Scan(&status, &procedure, &rev)
	if status != "repaired" || procedure != "repair" || rev != 2 {
		t.Fatalf("record: %s %s %d", status, procedure, rev)
	}
	var by, ref, hstatus string
	st.DB.QueryRow("SELECT superseded_by, ref, status FROM record_history WHERE record_id = 1").Scan(&by, &ref, &hstatus)
	if by != "repair" || ref != "repair:2" || hstatus != "active" {
		t.Fatalf("history: %s %s %s", by, ref, hstatus)
	}
	if flags, _ := st.RecordFlags(context.Background(), []int64{1}, "2025-12-01"); len(flags[1]) != 0 {
		t.Fatalf("flags after repair: %v", flags)
	}
	// The audit log shows the whole path.
	log := h.ok("audit", "log", "--object", "repair:2", "--format", "json").Out
	for _, a := range []string{"repair.apply", "repair.opinion", "repair.publicize", "repair.object", "repair.verify", "repair.complete"} {
		if !strings.Contains(log, `"`+a+`"`) {
			t.Errorf("audit lacks %s", a)
		}
	}
	if len(p.Timeline) != 6 {
		t.Errorf("timeline: %+v", p.Timeline)
	}
	// Repaired: no second repair, no import revision.
	res = bob.failsOn(5, "2025-10-15", "repair", "apply", "--record", "1", "--corrected-on", "2024-06-01", "--commitment", "CN-3", "--format", "json")
	if p = decode[repairJSON](t, res.Out); !slices.Contains(p.Reasons, "already_repaired") {
		t.Fatalf("second repair: %+v", p)
	}
	r = h.importXZCF("2025-10-20", "rev.csv", negativeExtra, negativeRow(map[string]string{"处罚决定日期": "2024-03-01", "处罚有效期": "2099-12-31", "备注": "x"}, "严重", ""))
	if !strings.Contains(r.Out, `"record_locked":1`) {
		t.Fatalf("revision of a repaired record: %s", r.Out)
	}
	// Gone from the public archive; in the history, marked repaired.
	pub := decode[struct {
		Records []struct {
			ID int64 `json:"id"`
		} `json:"records"`
	}](t, h.on("2025-10-20", "subject", "show", orgA, "--format", "json").Out)
	if len(pub.Records) != 0 {
		t.Fatalf("public scope still shows %+v", pub.Records)
	}
	hist := decode[struct {
		Records []struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		} `json:"records"`
	}](t, h.on("2025-10-20", "subject", "history", orgA, "--format", "json").Out)
	if len(hist.Records) != 1 || hist.Records[0].ID != 1 || hist.Records[0].Status != "repaired" {
		t.Fatalf("history: %+v", hist.Records)
	}
	if out := h.as("bob").on("2025-10-20", "repair", "show", "2").Out; !strings.Contains(out, "已修复") || !strings.Contains(out, "2025-10-13") {
		t.Errorf("show:\n%s", out)
	}
}

func TestRepairEligibilityFailures(t *testing.T) {
	h := queueHarness(t)
	row := func(code, name, no, kind, decided, severity, procedure string) []string {
		return negativeRow(map[string]string{"行政相对人代码_1（统一社会信用代码）": code, "行政相对人名称": name, "行政处罚决定书文号": no,
			"违法行为类型": kind, "处罚决定日期": decided, "处罚有效期": "2099-12-31"}, severity, procedure)
	}
	r := h.importXZCF("2024-09-01", "many.csv", negativeExtra,
		row(orgA, "甲公司", "E1", "虚假广告", "2024-03-20", "", "简易程序"), // 1: other, not negative
		row(orgB, "乙公司", "E2", "虚假广告", "2024-01-10", "一般", ""),   // 2: valid to 2025-01-10
		row(orgC, "丙公司", "E3", "虚假广告", "2024-01-15", "严重", ""),   // 3
		row(orgC, "丙公司", "E4", "虚假广告", "2024-08-01", "严重", ""),   // 4: same kind, after 3's correction
		row(orgB, "乙公司", "E5", "虚假广告", "2024-01-15", "严重", ""),   // 5
		row(orgB, "乙公司", "E6", "无照经营", "2024-08-01", "严重", ""),   // 6: another kind
	)
	if r.Code != 0 {
		t.Fatalf("import: %s %s", r.Out, r.Err)
	}
	bob := h.as("bob")
	bob.objection("2025-06-03", "file", "--record", "4", "--ground", "wrong", "--applicant", "丙公司")
	apply := func(record, corrected string, commitment bool) repairJSON {
		t.Helper()
		args := []string{"repair", "apply", "--record", record, "--corrected-on", corrected, "--format", "json"}
		if commitment {
			args = append(args, "--commitment", "CN")
		}
		r := bob.run(append(args, "--today", "2025-06-03")...)
		p := decode[repairJSON](t, r.Out)
		if (r.Code == 0) != p.Eligible || r.Code != 0 && r.Code != 5 {
			t.Fatalf("apply %s: exit %d for %+v\n%s", record, r.Code, p, r.Err)
		}
		return p
	}
	cases := []struct {
		record, corrected string
		commitment        bool
		want              []string
	}{
		{"1", "2024-04-01", true, []string{"not_negative"}},
		{"2", "2024-02-01", true, []string{"expired"}},
		{"3", "2024-02-01", true, []string{"later_negative_record"}},
		{"4", "2024-05-01", true, []string{"open_objection"}},
		{"5", "2024-02-01", true, nil}, // a later record of another kind does not count
		{"5", "2024-02-01", true, []string{"open_repair"}},
		{"6", "2024-08-02", false, []string{"clean_period_not_met", "no_commitment"}},
	}
	for _, c := range cases {
		p := apply(c.record, c.corrected, c.commitment)
		if !slices.Equal(p.Reasons, c.want) && !(len(c.want) == 0 && len(p.Reasons) == 0) {
			t.Errorf("record %s: reasons %v, want %v", c.record, p.Reasons, c.want)
		}
	}
	// Every refused application is kept, with its reasons.
	list := decode[[]listJSON](t, h.as("bob").on("2025-06-03", "repair", "list", "--state", "refused", "--format", "json").Out)
	if len(list) != 6 {
		t.Fatalf("refused list: %+v", list)
	}
	// The eligible one is in the queue with its opinion deadline (2025-06-10).
	list = decode[[]listJSON](t, h.as("bob").on("2025-06-09", "repair", "list", "--due-soon", "--format", "json").Out)
	if len(list) != 1 || list[0].Record != 5 || str(list[0].Due) != "2025-06-10" || *list[0].DaysLeft != 1 || list[0].State != "applied" {
		t.Fatalf("due soon: %+v", list)
	}
	// Withdrawn by the applicant: the deadline is met, the record is free again.
	p := bob.repair("2025-06-09", "withdraw", "5")
	if p.State != "withdrawn" || p.Status != "done" || p.UnderRepair {
		t.Fatalf("withdraw: %+v", p)
	}
	bob.failsOn(5, "2025-06-09", "repair", "opinion", "5", "--approve", "--text", "x")
	// Bad input.
	bob.failsOn(2, "2025-06-09", "repair", "apply", "--record", "5", "--corrected-on", "2025-06-10", "--commitment", "CN")
	bob.failsOn(2, "2025-06-09", "repair", "apply", "--record", "99", "--corrected-on", "2024-06-10", "--commitment", "CN")
	bob.failsOn(2, "2025-06-09", "repair", "apply", "--record", "5", "--commitment", "CN")
}

func TestRepairRefusedAfterPublicityObjection(t *testing.T) {
	h := queueHarness(t)
	r := h.importXZCF("2024-03-10", "serious.csv", negativeExtra,
		negativeRow(map[string]string{"处罚决定日期": "2024-03-01", "处罚有效期": "2099-12-31"}, "严重", ""))
	if r.Code != 0 {
		t.Fatalf("import: %s", r.Err)
	}
	bob, carol := h.as("bob"), h.as("carol")
	bob.repair("2025-11-03", "apply", "--record", "1", "--corrected-on", "2024-06-01", "--commitment", "CN")
	bob.repair("2025-11-03", "opinion", "1", "--approve", "--text", "同意")
	bob.repair("2025-11-03", "publicize", "1")
	// Objected on the first day of publicity (11-04): nothing served yet.
	p := bob.repair("2025-11-04", "object", "1", "--detail", "异议")
	if *p.Publicity.Remaining != 5 {
		t.Fatalf("object on the first day: %+v", p.Publicity)
	}
	p = carol.repair("2025-11-05", "verify", "1", "--uphold-objection", "--note", "异议成立")
	if p.State != "refused" || p.Status != "done" || p.UnderRepair {
		t.Fatalf("upheld objection: %+v", p)
	}
	carol.failsOn(5, "2025-11-20", "repair", "complete", "1")
	var status string
	h.openStore().DB.QueryRow("SELECT status FROM records WHERE id = 1").Scan(&status)
	if status != "active" {
		t.Fatalf("record after a refused repair: %s", status)
	}
}

func TestRepairCalendarLoadListsMovedPublicity(t *testing.T) {
	h := queueHarness(t)
	r := h.importXZCF("2024-03-10", "serious.csv", negativeExtra,
		negativeRow(map[string]string{"处罚决定日期": "2024-03-01", "处罚有效期": "2099-12-31"}, "严重", ""))
	if r.Code != 0 {
		t.Fatalf("import: %s", r.Err)
	}
	bob := h.as("bob")
	bob.repair("2025-09-22", "apply", "--record", "1", "--corrected-on", "2024-06-01", "--commitment", "CN")
	bob.repair("2025-09-24", "opinion", "1", "--approve", "--text", "同意")
	bob.repair("2025-09-26", "publicize", "1")
	// A 2025 calendar with 10-09 off as well would end the publicity on 10-11.
	y, _ := workday.Default().Year(2025)
	y.Holidays = append(y.Holidays, workday.Day{Date: civil.MustParse("2025-10-09"), Name: "测试"})
	b, _ := json.Marshal(y)
	f := h.writeFile("2025.json", string(b))
	type change struct {
		Object string `json:"object"`
		Due    string `json:"due"`
		Would  string `json:"would_be"`
	}
	load := decode[struct {
		Deadlines []change `json:"deadlines_changed"`
	}](t, h.on("2025-09-29", "calendar", "load", f, "--format", "json").Out)
	if !slices.Contains(load.Deadlines, change{"repair:1", "2025-10-10", "2025-10-11"}) {
		t.Fatalf("calendar load: %+v", load.Deadlines)
	}
	// Set dates stay.
	if p := bob.repair("2025-09-29", "show", "1"); p.Publicity.LastDay != "2025-10-10" {
		t.Fatalf("publicity moved: %+v", p.Publicity)
	}
}

// The reviewer's case: a repair applied 2026-11-20 cannot be publicized on
// 2025-01-06 (a publicity 2025-01-07…13, completed at once, before the
// application existed). The refusal names the last step's date and stores
// nothing. An application date in the past stays allowed.
func TestRepairStepsInDateOrder(t *testing.T) {
	h := queueHarness(t)
	r := h.importXZCF("2024-03-10", "serious.csv", negativeExtra,
		negativeRow(map[string]string{"处罚决定日期": "2024-03-01", "处罚有效期": "2099-12-31"}, "严重", ""))
	if r.Code != 0 {
		t.Fatalf("import: %s", r.Err)
	}
	bob, carol := h.as("bob"), h.as("carol")
	bob.repair("2026-11-20", "apply", "--record", "1", "--corrected-on", "2024-06-01", "--commitment", "CN")
	bob.repair("2026-11-20", "opinion", "1", "--approve", "--text", "同意")
	res := bob.failsOn(5, "2025-01-06", "repair", "publicize", "1")
	if !strings.Contains(res.Err, "信用修复 1 的上一步“登记提供单位意见”办理日期为 2026-11-20，不能以更早的日期 2025-01-06 办理“开始公示”") {
		t.Fatalf("publicize before the opinion: %s", res.Err)
	}
	carol.failsOn(5, "2025-01-14", "repair", "complete", "1")
	p := bob.repair("2026-11-20", "show", "1")
	if p.State != "approved_by_provider" || p.Publicity != nil && len(p.Publicity.Stretches) != 0 || len(p.Timeline) != 2 {
		t.Fatalf("after the refused steps: %+v %+v", p, p.Publicity)
	}
	var n int
	if err := h.openStore().DB.QueryRow("SELECT count(*) FROM repair_publicity").Scan(&n); err != nil || n != 0 {
		t.Fatalf("publicity stored by a refused step: %d %v", n, err)
	}
	// In order, the same day: publicity 11-23 … 11-27.
	if p = bob.repair("2026-11-20", "publicize", "1"); p.Publicity == nil || p.Publicity.FirstDay != "2026-11-23" || p.Publicity.LastDay != "2026-11-27" {
		t.Fatalf("publicize: %+v", p.Publicity)
	}
	// Applied last week, entered today: allowed; the opinion may not predate the entry.
	r = h.importXZCF("2024-03-10", "serious2.csv", negativeExtra,
		negativeRow(map[string]string{"行政处罚决定书文号": "通市监罚〔2024〕9号", "处罚决定日期": "2024-03-01", "处罚有效期": "2099-12-31"}, "严重", ""))
	if r.Code != 0 {
		t.Fatalf("import: %s", r.Err)
	}
	if p = bob.repair("2025-11-24", "apply", "--record", "2", "--corrected-on", "2024-06-01", "--commitment", "CN", "--applied", "2025-11-17"); p.State != "applied" || str(p.OpinionDue) != "2025-11-24" {
		t.Fatalf("apply with --applied: %+v", p)
	}
	if res := bob.failsOn(5, "2025-11-20", "repair", "opinion", "2", "--approve", "--text", "同意"); !strings.Contains(res.Err, "“受理修复申请”办理日期为 2025-11-24") {
		t.Fatalf("opinion before entry: %s", res.Err)
	}
	bob.repair("2025-11-24", "opinion", "2", "--approve", "--text", "同意")
}

// The repair queue (applicants' subjects, commitments, evidence) is for
// office staff only; the publicity notice is what the provider publishes,
// open to viewers — and masked: a natural person's ID number and name never
// show in full.
func TestRepairQueueNeedsClerkPublicityMasked(t *testing.T) {
	h := queueHarness(t)
	row := archPerson("王伟", archWang1, "通市监罚〔2024〕7号", "2024-03-01")
	row["处罚有效期"] = "2099-12-31"
	if r := h.importXZCF("2024-03-10", "person.csv", negativeExtra, negativeRow(row, "严重", "")); r.Code != 0 {
		t.Fatalf("import: %s %s", r.Out, r.Err)
	}
	bob := h.as("bob")
	bob.repair("2025-06-03", "apply", "--record", "1", "--corrected-on", "2024-06-01", "--commitment", "CN-9", "--evidence", "整改报告")
	bob.repair("2025-06-09", "opinion", "1", "--approve", "--text", "同意修复")
	p := bob.repair("2025-06-10", "publicize", "1")
	if p.State != "in_publicity" || p.Publicity == nil {
		t.Fatalf("publicize: %+v", p)
	}
	day := p.Publicity.FirstDay
	for _, who := range []string{"vic", "guest"} {
		for _, args := range [][]string{{"repair", "list"}, {"repair", "list", "--format", "json"}, {"repair", "show", "1"}, {"repair", "show", "1", "--format", "json"}} {
			if r := h.as(who).failsOn(5, day, args...); !strings.Contains(r.Err, "clerk") || strings.Contains(r.Out, "王伟") {
				t.Errorf("%s %v: %s %s", who, args, r.Out, r.Err)
			}
		}
	}
	if out := bob.on(day, "repair", "show", "1").Out; !strings.Contains(out, archWang1) {
		t.Errorf("clerk's show:\n%s", out)
	}
	// The notice: a viewer reads it, masked, in every format.
	vic := h.as("vic")
	notice := decode[[]map[string]any](t, vic.on(day, "repair", "publicity", "--on", day, "--format", "json").Out)
	if len(notice) != 1 || notice[0]["subject"] != "320602********0033" || notice[0]["subject_name"] != "王*" {
		t.Fatalf("notice = %+v", notice)
	}
	for _, format := range []string{"table", "csv", "md", "json"} {
		out := vic.on(day, "repair", "publicity", "--on", day, "--format", format).Out
		noIDs(t, "publicity "+format, out)
		if strings.Contains(out, "王伟") {
			t.Errorf("publicity %s shows the full name:\n%s", format, out)
		}
	}
	h.as("guest").failsOn(5, day, "repair", "publicity", "--on", day) // an operator at least
}
