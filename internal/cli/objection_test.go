package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"credit/internal/civil"
	"credit/internal/store"
	"credit/internal/workday"
)

// Expected dates in these tests are counted by hand from the State Council
// notices (reference/domain.md §7), never from the code under test:
//   2025 休 01-01, 01-28…02-04, 04-04…04-06, 05-01…05-05, 05-31…06-02, 10-01…10-08
//        班 01-26 (Sun), 02-08 (Sat), 04-27, 09-28 (Sun), 10-11 (Sat)
//   2026 休 01-01…01-03, 02-15…02-23, … ; 班 01-04, 02-14 (Sat), 02-28 (Sat), …

// User units (orgC and orgB of the import fixtures' standard example codes).
const (
	unitCode  = "91110108551385082Q"
	unitCode2 = "91110000802100433B"
)

// queueHarness is a store with the market regulator registered for XZCF, a
// clerk (bob), a reviewer (carol) and a viewer (vic); alice is admin.
func queueHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t).initStore()
	h.ok("provider", "add", provider, "--name", "南通市市场监督管理局", "--items", "XZCF,XZXK")
	h.ok("user", "add", "bob", "--role", "clerk")
	h.ok("user", "add", "carol", "--role", "reviewer")
	h.ok("user", "add", "vic", "--role", "viewer")
	return h
}

// importXZCF imports 行政处罚 rows (header xzcfHeader plus extra columns) on
// the office date today.
func (h *harness) importXZCF(today, name string, extra []string, rows ...[]string) result {
	h.t.Helper()
	f := filepath.Join(h.dir, name)
	writeCSV(h.t, f, append(append([]string{}, xzcfHeader...), extra...), rows, false)
	return h.run("import", f, "--provider", provider, "--item", "XZCF", "--today", today, "--format", "json")
}

// on runs a command on office date day and requires success.
func (h *harness) on(day string, args ...string) result {
	h.t.Helper()
	return h.ok(append(args, "--today", day)...)
}

// failsOn runs a command on office date day and requires exit code.
func (h *harness) failsOn(code int, day string, args ...string) result {
	h.t.Helper()
	return h.fails(code, append(args, "--today", day)...)
}

func (h *harness) openStore() *store.Store {
	h.t.Helper()
	st, err := store.Open(context.Background(), h.db, store.Options{})
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { st.Close() })
	return st
}

type objJSON struct {
	ID             int64   `json:"id"`
	Record         int64   `json:"record"`
	State          string  `json:"state"`
	ReceivedOn     string  `json:"received_on"`
	ReviewDue      *string `json:"review_due"`
	VerifyDue      *string `json:"verify_due"`
	CorrectDue     *string `json:"correct_due"`
	Due            *string `json:"due"`
	Deadline       string  `json:"deadline"`
	DaysLeft       *int    `json:"days_left"`
	Status         string  `json:"status"`
	OnTime         *bool   `json:"on_time"`
	UnderObjection bool    `json:"under_objection"`
	ContentHash    string  `json:"content_hash"`
	Deadlines      []struct {
		Name   string  `json:"name"`
		Due    string  `json:"due"`
		Met    bool    `json:"met"`
		MetOn  *string `json:"met_on"`
		OnTime *bool   `json:"on_time"`
	} `json:"deadlines"`
	Timeline []struct {
		On      string `json:"on"`
		Command string `json:"command"`
		To      string `json:"to"`
		Note    string `json:"note"`
	} `json:"timeline"`
	Notice     string `json:"notice"`
	Appeal     string `json:"appeal"`
	Correction *struct {
		Rev            int    `json:"rev"`
		OldContentHash string `json:"old_content_hash"`
		ContentHash    string `json:"content_hash"`
		Receivers      []struct {
			Unit    string   `json:"unit"`
			Actions []string `json:"actions"`
		} `json:"receivers"`
	} `json:"correction"`
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

func (h *harness) objection(day string, args ...string) objJSON {
	h.t.Helper()
	return decode[objJSON](h.t, h.on(day, append([]string{"objection"}, append(args, "--format", "json")...)...).Out)
}

// oneRecord imports the default penalty row (decided 2025-06-10) as record 1.
func oneRecord(t *testing.T, h *harness) {
	t.Helper()
	if r := h.importXZCF("2025-09-01", "one.csv", nil, xzcfRow(nil)); r.Code != 0 {
		t.Fatalf("import: %d %s %s", r.Code, r.Out, r.Err)
	}
}

func TestObjectionDeadlinesBeforeNationalDay(t *testing.T) {
	h := queueHarness(t)
	oneRecord(t, h)
	bob := h.as("bob")
	// Filed on Friday 2025-09-26: working days 09-28 (Sun, 调休), 09-29, 09-30,
	// then 10-01…10-08 off, 10-09, 10-10, 10-11 (Sat, 调休), 10-13…10-16 → the 10th is 10-16.
	o := bob.objection("2025-09-26", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司", "--evidence", "判决书")
	if o.ID != 1 || o.State != "received" || o.ReceivedOn != "2025-09-26" || str(o.ReviewDue) != "2025-10-16" || !o.UnderObjection {
		t.Fatalf("file: %+v", o)
	}
	// Forwarded the same day: the 5th working day is 10-10; review_due unchanged.
	o = bob.objection("2025-09-26", "forward", "1")
	if o.State != "forwarded" || str(o.VerifyDue) != "2025-10-10" || str(o.ReviewDue) != "2025-10-16" {
		t.Fatalf("forward: %+v", o)
	}
	// The queue's due is the earliest unmet deadline: verification.
	if str(o.Due) != "2025-10-10" || o.Deadline != "verify" || *o.DaysLeft != 5 || o.Status != "ok" {
		t.Fatalf("standing: due %s %s left %v status %s", str(o.Due), o.Deadline, o.DaysLeft, o.Status)
	}
	// Paper received on Friday, entered the next Tuesday: counted from receipt.
	// (on another ground: objection 1 is open on ground wrong, and one ground has one open objection)
	o = bob.objection("2025-09-30", "file", "--record", "1", "--ground", "prohibited", "--applicant", "甲公司", "--received", "2025-09-26")
	if o.ReceivedOn != "2025-09-26" || str(o.ReviewDue) != "2025-10-16" {
		t.Fatalf("file with --received: %+v", o)
	}
	// Upheld on 2025-09-30: 10-09, 10-10, 10-11 (Sat, 调休) → correction due 10-11.
	o = h.as("carol").objection("2025-09-30", "decide", "2", "--uphold", "--reason", "记载错误")
	if o.State != "upheld" || str(o.CorrectDue) != "2025-10-11" || str(o.Due) != "2025-10-11" {
		t.Fatalf("decide: %+v", o)
	}
	// A receipt date after today is refused.
	bob.failsOn(2, "2025-09-26", "objection", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲", "--received", "2025-09-27")
}

func TestObjectionDeadlinesBeforeSpringFestival(t *testing.T) {
	h := queueHarness(t)
	// A record decided 2024-12-10, imported before both festivals.
	r := h.importXZCF("2024-12-20", "old.csv", nil, xzcfRow(map[string]string{"处罚决定日期": "2024-12-10", "处罚有效期": "2025-12-10"}))
	if r.Code != 0 {
		t.Fatalf("import: %s %s", r.Out, r.Err)
	}
	bob := h.as("bob")
	cases := []struct {
		day, review, verify string
	}{
		// 2025: Fri 01-24 → 01-26 (Sun, 调休) 1, 01-27 2, 01-28…02-04 off, 02-05 3, 02-06 4,
		// 02-07 5 (verify), 02-08 (Sat, 调休) 6, 02-10…02-13 → 10.
		{"2025-01-24", "2025-02-13", "2025-02-07"},
		// 2026: Fri 02-13 → 02-14 (Sat, 调休) 1, 02-15…02-23 off, 02-24…02-27 → 5 (verify),
		// 02-28 (Sat, 调休) 6, 03-02…03-05 → 10.
		{"2026-02-13", "2026-03-05", "2026-02-27"},
	}
	grounds := []string{"expired", "prohibited"} // the first is still open: one open objection per ground
	for i, c := range cases {
		o := bob.objection(c.day, "file", "--record", "1", "--ground", grounds[i], "--applicant", "甲公司")
		if o.ID != int64(i+1) || str(o.ReviewDue) != c.review {
			t.Errorf("%s: review_due %s, want %s", c.day, str(o.ReviewDue), c.review)
		}
		o = bob.objection(c.day, "forward", itoa(i+1))
		if str(o.VerifyDue) != c.verify || str(o.ReviewDue) != c.review {
			t.Errorf("%s: verify_due %s review_due %s, want %s %s", c.day, str(o.VerifyDue), str(o.ReviewDue), c.verify, c.review)
		}
	}
}

func TestObjectionPolicyChangeLeavesDeadlines(t *testing.T) {
	h := queueHarness(t)
	oneRecord(t, h)
	bob := h.as("bob")
	o := bob.objection("2025-09-26", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司")
	if str(o.ReviewDue) != "2025-10-16" {
		t.Fatalf("review_due %s", str(o.ReviewDue))
	}
	// Shanghai's 5-day review, in force from today.
	v2 := h.writeFile("v2.yaml", defaultYAML(t, `version: "2026.12"`, `version: "2025.9"`,
		"effective: 2018-01-01", "effective: 2025-09-26", "objection_review: 10", "objection_review: 5"))
	h.on("2025-09-26", "catalog", "apply", v2)
	if o = bob.objection("2025-09-29", "show", "1"); str(o.ReviewDue) != "2025-10-16" || str(o.Due) != "2025-10-16" {
		t.Fatalf("after the policy change: review_due %s due %s", str(o.ReviewDue), str(o.Due))
	}
	// A new objection received today is counted with the new policy: 09-28, 09-29, 09-30, 10-09, 10-10.
	// (on another ground: objection 1 is open on ground wrong)
	if o = bob.objection("2025-09-26", "file", "--record", "1", "--ground", "prohibited", "--applicant", "乙"); str(o.ReviewDue) != "2025-10-10" {
		t.Fatalf("new objection under the new policy: review_due %s", str(o.ReviewDue))
	}
	// A calendar that would move the first one lists it, and moves nothing.
	y, _ := workday.Default().Year(2025)
	y.Holidays = append(y.Holidays, workday.Day{Date: civil.MustParse("2025-10-14"), Name: "测试"})
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
	if len(load.Deadlines) != 1 || load.Deadlines[0].Object != "objection:1" || load.Deadlines[0].Due != "2025-10-16" || load.Deadlines[0].Would != "2025-10-17" {
		t.Fatalf("calendar load: %+v", load.Deadlines)
	}
	if o = bob.objection("2025-09-29", "show", "1"); str(o.ReviewDue) != "2025-10-16" {
		t.Fatalf("after calendar load: review_due %s", str(o.ReviewDue))
	}
}

func TestObjectionUpheldAndCorrected(t *testing.T) {
	h := queueHarness(t)
	oneRecord(t, h)
	bob, carol := h.as("bob"), h.as("carol")
	st := h.openStore()
	ctx := context.Background()
	o := bob.objection("2025-09-26", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司", "--contact", "13800000000")
	oldHash := o.ContentHash
	// Two user units received the record: one by a shared-scope lookup, one by
	// an export (written to the query log as the export command writes it).
	h.on("2025-09-01", "unit", "add", unitCode, "--name", "南通市住房和城乡建设局", "--items", "XZCF")
	h.on("2025-09-01", "unit", "add", unitCode2, "--name", "南通市财政局", "--items", "XZCF")
	h.on("2025-09-20", "subject", "show", orgA, "--scope", "shared", "--unit", unitCode, "--purpose", "招标资格审查")
	if _, err := st.LogQuery(ctx, store.Actor{Operator: "alice", Today: civil.MustParse("2025-09-20")},
		store.QueryEntry{Action: "export", Scope: "shared", Unit: unitCode2, Records: []store.RecordRef{{ID: 1, ContentHash: oldHash}}}); err != nil {
		t.Fatal(err)
	}
	flags, _ := st.RecordFlags(ctx, []int64{1}, "2025-12-01")
	if strings.Join(flags[1], ",") != "under_objection" {
		t.Fatalf("flags while open: %v", flags)
	}
	// An import revision of a record under objection is record_locked.
	r := h.importXZCF("2025-09-29", "rev.csv", nil, xzcfRow(map[string]string{"处罚内容": "罚款30000元", "罚款金额（万元）": "3"}))
	if r.Code != 3 || !strings.Contains(r.Out, `"record_locked":1`) {
		t.Fatalf("revision under objection: %d %s", r.Code, r.Out)
	}
	bob.objection("2025-09-26", "forward", "1", "--note", "转交市监局")
	bob.objection("2025-10-09", "verify", "1", "--finding", "inaccurate", "--note", "罚款金额应为 1 万元")
	o = carol.objection("2025-10-10", "decide", "1", "--uphold", "--reason", "核实有误")
	// 10-10 + 3: 10-11 (Sat, 调休), 10-13, 10-14.
	if o.State != "upheld" || str(o.CorrectDue) != "2025-10-14" || !o.UnderObjection {
		t.Fatalf("decide: %+v", o)
	}
	// A value the import would reject is refused with the same reason code.
	if r := bob.failsOn(5, "2025-10-13", "objection", "correct", "1", "--set", "罚款金额（万元）=一万"); !strings.Contains(r.Err, "amount") {
		t.Fatalf("bad value: %s", r.Err)
	}
	if r := bob.failsOn(5, "2025-10-13", "objection", "correct", "1", "--set", "处罚决定日期=2025-02-30"); !strings.Contains(r.Err, "date_invalid") {
		t.Fatalf("bad date: %s", r.Err)
	}
	bob.failsOn(5, "2025-10-13", "objection", "correct", "1", "--set", "血型=A")
	bob.failsOn(5, "2025-10-13", "objection", "correct", "1", "--set", "行政处罚决定书文号=X1")
	bob.failsOn(2, "2025-10-13", "objection", "correct", "1", "--set", "处罚内容")
	o = bob.objection("2025-10-13", "correct", "1", "--set", "罚款金额（万元）=1", "--set", "处罚内容=罚款10000元")
	if o.State != "corrected" || o.UnderObjection || o.Status != "done" || o.OnTime == nil || !*o.OnTime {
		t.Fatalf("correct: %+v", o)
	}
	if c := o.Correction; c == nil || c.Rev != 2 || c.OldContentHash != oldHash || c.ContentHash == oldHash || len(c.Receivers) != 2 ||
		c.Receivers[0].Unit != unitCode2 || strings.Join(c.Receivers[0].Actions, ",") != "export" || c.Receivers[1].Unit != unitCode {
		t.Fatalf("correction: %+v", o.Correction)
	}
	// A unit that asks after the correction gets the new revision: nothing to re-send.
	if rs, _ := st.UnitsThatReceived(ctx, 1, o.Correction.ContentHash); len(rs) != 0 {
		t.Fatalf("receivers of the new revision: %+v", rs)
	}
	// The record: new revision by correction, the old one kept whole.
	var rev int
	var procedure, hash, vals string
	if err := st.DB.QueryRow("SELECT rev, procedure, content_hash, vals FROM records WHERE id = 1").Scan(&rev, &procedure, &hash, &vals); err != nil {
		t.Fatal(err)
	}
	if rev != 2 || procedure != "correction" || hash != o.Correction.ContentHash || !strings.Contains(vals, "罚款10000元") {
		t.Fatalf("record: rev %d %s %s %s", rev, procedure, hash, vals)
	}
	var hrev int
	var by, ref, hhash, hvals string
	if err := st.DB.QueryRow("SELECT rev, superseded_by, ref, content_hash, vals FROM record_history WHERE record_id = 1").Scan(&hrev, &by, &ref, &hhash, &hvals); err != nil {
		t.Fatal(err)
	}
	if hrev != 1 || by != "correction" || ref != "objection:1" || hhash != oldHash || !strings.Contains(hvals, "罚款20000元") {
		t.Fatalf("history: %d %s %s %s", hrev, by, ref, hhash)
	}
	if flags, _ := st.RecordFlags(ctx, []int64{1}, "2025-12-01"); len(flags[1]) != 0 {
		t.Fatalf("flags after correction: %v", flags)
	}
	// The audit log has every step, and no personal values.
	log := h.ok("audit", "log", "--object", "objection:1", "--format", "json").Out
	for _, a := range []string{"objection.file", "objection.forward", "objection.verify", "objection.decide", "objection.correct"} {
		if !strings.Contains(log, `"`+a+`"`) {
			t.Errorf("audit lacks %s", a)
		}
	}
	if strings.Contains(log, "甲公司") || strings.Contains(log, "13800000000") || strings.Contains(log, "罚款10000元") {
		t.Errorf("audit holds personal or field values:\n%s", log)
	}
	// The provider re-sending the corrected row is a duplicate, not a revision.
	r = h.importXZCF("2025-10-20", "again.csv", nil, xzcfRow(map[string]string{"处罚内容": "罚款10000元", "罚款金额（万元）": "1"}))
	if r.Code != 0 || !strings.Contains(r.Out, `"duplicates":1`) {
		t.Fatalf("re-import of the corrected row: %d %s", r.Code, r.Out)
	}
	// show: the whole timeline, each deadline met or not.
	o = h.as("bob").objection("2025-10-20", "show", "1")
	if len(o.Timeline) != 5 || o.Timeline[4].Command != "correct" || o.Timeline[2].Note != "罚款金额应为 1 万元" {
		t.Fatalf("timeline: %+v", o.Timeline)
	}
	want := map[string]string{"review": "2025-10-10", "verify": "2025-10-09", "correct": "2025-10-13"}
	for _, d := range o.Deadlines {
		if !d.Met || str(d.MetOn) != want[d.Name] || !*d.OnTime {
			t.Errorf("deadline %s: %+v", d.Name, d)
		}
	}
	if out := h.as("bob").on("2025-10-20", "objection", "show", "1").Out; !strings.Contains(out, "按期完成") || !strings.Contains(out, unitCode) {
		t.Errorf("show:\n%s", out)
	}
	bob.objection("2025-10-20", "close", "1")
}

func TestObjectionRejectedAndAppealed(t *testing.T) {
	h := queueHarness(t)
	oneRecord(t, h)
	bob, carol := h.as("bob"), h.as("carol")
	st := h.openStore()
	bob.objection("2025-11-03", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司")
	o := carol.objection("2025-11-05", "decide", "1", "--reject", "--reason", "经核实信息无误")
	if o.State != "rejected" || o.UnderObjection || o.Status != "done" {
		t.Fatalf("reject: %+v", o)
	}
	var rev, n int
	st.DB.QueryRow("SELECT rev FROM records WHERE id = 1").Scan(&rev)
	st.DB.QueryRow("SELECT count(*) FROM record_history").Scan(&n)
	if rev != 1 || n != 0 {
		t.Fatalf("a rejection changed the record: rev %d, history %d", rev, n)
	}
	// Wrong state: the message names the current state.
	r := bob.failsOn(5, "2025-11-05", "objection", "forward", "1")
	if !strings.Contains(r.Err, "异议 1 当前状态为“已驳回”，不能执行“转交核实”") {
		t.Fatalf("wrong state: %s", r.Err)
	}
	bob.failsOn(5, "2025-11-05", "objection", "correct", "1", "--set", "备注=x")
	o = bob.objection("2025-11-06", "appeal", "1", "--reason", "主体不服")
	if o.State != "appealed" || o.Due != nil || o.Status != "ok" {
		t.Fatalf("appeal: %+v", o)
	}
	// The department upholds the appeal: back to upheld, correction due in 3.
	o = carol.objection("2025-11-07", "appeal-decide", "1", "--uphold", "--note", "市发改委复函")
	if o.State != "upheld" || str(o.CorrectDue) != "2025-11-12" || !o.UnderObjection {
		t.Fatalf("appeal-decide uphold: %+v", o)
	}
	// Ground wrong: corrected, not withdrawn.
	bob.failsOn(5, "2025-11-07", "objection", "withdraw", "1")
	bob.objection("2025-11-10", "correct", "1", "--set", "备注=经申诉更正")

	// A second objection: rejected, appealed, appeal rejected, closed.
	bob.objection("2025-11-10", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司")
	carol.objection("2025-11-10", "decide", "2", "--reject", "--reason", "无误")
	bob.objection("2025-11-11", "appeal", "2", "--reason", "不服")
	o = carol.objection("2025-11-20", "appeal-decide", "2", "--reject", "--note", "维持")
	if o.State != "appeal_decided" || o.Status != "done" {
		t.Fatalf("appeal rejected: %+v", o)
	}
	if o = bob.objection("2025-11-20", "close", "2"); o.State != "closed" {
		t.Fatalf("close: %+v", o)
	}
	bob.failsOn(5, "2025-11-20", "objection", "appeal-decide", "2", "--reject", "--note", "x")
	// Both of --uphold and --reject, or neither: usage.
	carol.failsOn(2, "2025-11-20", "objection", "decide", "2", "--uphold", "--reject", "--reason", "x")
}

func TestObjectionWithdrawProhibited(t *testing.T) {
	h := queueHarness(t)
	oneRecord(t, h)
	bob, carol := h.as("bob"), h.as("carol")
	bob.objection("2025-11-03", "file", "--record", "1", "--ground", "prohibited", "--applicant", "甲公司")
	carol.objection("2025-11-03", "decide", "1", "--uphold", "--reason", "含禁止归集信息")
	o := bob.objection("2025-11-04", "withdraw", "1", "--note", "撤除")
	if o.State != "withdrawn" || o.Correction == nil || o.Correction.Rev != 2 {
		t.Fatalf("withdraw: %+v", o)
	}
	st := h.openStore()
	var status, procedure string
	st.DB.QueryRow("SELECT status, procedure FROM records WHERE id = 1").Scan(&status, &procedure)
	if status != "withdrawn" || procedure != "withdrawal" {
		t.Fatalf("record: %s %s", status, procedure)
	}
	// No new objection on a withdrawn record; no import revision either.
	bob.failsOn(5, "2025-11-04", "objection", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司")
	if r := h.importXZCF("2025-11-05", "rev.csv", nil, xzcfRow(map[string]string{"备注": "x"})); !strings.Contains(r.Out, `"record_locked":1`) {
		t.Fatalf("revision of a withdrawn record: %s", r.Out)
	}
}

func TestObjectionRolesAndDates(t *testing.T) {
	h := queueHarness(t)
	oneRecord(t, h)
	// A viewer may not file; a clerk may not decide.
	h.as("vic").failsOn(5, "2025-11-03", "objection", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲")
	h.as("bob").objection("2025-11-03", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲")
	if r := h.as("bob").failsOn(5, "2025-11-03", "objection", "decide", "1", "--uphold", "--reason", "x"); !strings.Contains(r.Err, "reviewer") {
		t.Fatalf("clerk decides: %s", r.Err)
	}
	// A future office date is for reading only.
	future := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
	h.as("bob").failsOn(2, future, "objection", "forward", "1")
	h.as("bob").on(future, "objection", "list")
	h.as("vic").failsOn(5, future, "objection", "list") // the queue names persons: clerk and above
	// Bad input.
	h.as("bob").failsOn(2, "2025-11-03", "objection", "file", "--record", "1", "--ground", "rude", "--applicant", "甲")
	h.as("bob").failsOn(2, "2025-11-03", "objection", "file", "--record", "99", "--ground", "wrong", "--applicant", "甲")
	h.as("bob").failsOn(2, "2025-11-03", "objection", "forward", "7")
	h.as("bob").failsOn(2, "2025-11-03", "objection", "list", "--state", "open")
	// A missing required flag is a usage error.
	h.as("bob").failsOn(2, "2025-11-03", "objection", "file", "--record", "1", "--ground", "wrong")
	h.as("bob").failsOn(2, "2025-11-03", "objection", "verify", "1", "--finding", "accurate")
}

type listJSON struct {
	ID       int64   `json:"id"`
	Record   int64   `json:"record"`
	State    string  `json:"state"`
	Due      *string `json:"due"`
	DaysLeft *int    `json:"days_left"`
	Status   string  `json:"status"`
}

func TestObjectionListSortingAndStatus(t *testing.T) {
	h := queueHarness(t)
	oneRecord(t, h)
	bob := h.as("bob")
	// No holidays in November 2025. Received 11-03 → due 11-17; 11-07 → 11-21; 11-20 → 12-04.
	// One open objection per ground on a record: three grounds on record 1,
	// the fourth on a second record.
	if r := h.importXZCF("2025-09-01", "two.csv", nil, xzcfRow(map[string]string{"行政处罚决定书文号": "通市监罚〔2025〕2号"})); r.Code != 0 {
		t.Fatalf("import: %d %s %s", r.Code, r.Out, r.Err)
	}
	for i, d := range []string{"2025-11-20", "2025-11-07", "2025-11-03", "2025-11-20"} {
		rec, ground := "1", []string{"wrong", "prohibited", "expired", "wrong"}[i]
		if i == 3 {
			rec = "2"
		}
		bob.objection("2025-11-20", "file", "--record", rec, "--ground", ground, "--applicant", "甲", "--received", d)
	}
	h.as("carol").objection("2025-11-20", "decide", "4", "--reject", "--reason", "无误")
	list := decode[[]listJSON](t, h.as("bob").on("2025-11-20", "objection", "list", "--format", "json").Out)
	type want struct {
		id     int64
		due    string
		left   int
		status string
	}
	wants := []want{{3, "2025-11-17", -3, "overdue"}, {2, "2025-11-21", 1, "due_soon"}, {1, "2025-12-04", 10, "ok"}}
	if len(list) != 4 {
		t.Fatalf("list: %+v", list)
	}
	for i, w := range wants {
		e := list[i]
		if e.ID != w.id || str(e.Due) != w.due || e.DaysLeft == nil || *e.DaysLeft != w.left || e.Status != w.status || e.Record != 1 || e.State != "received" {
			t.Errorf("row %d = %+v (due %s left %v), want %+v", i, e, str(e.Due), e.DaysLeft, w)
		}
	}
	if e := list[3]; e.ID != 4 || e.Status != "done" || e.Due != nil || e.DaysLeft != nil {
		t.Errorf("done row: %+v", e)
	}
	// On the due day itself 0 days are left and it is due soon.
	list = decode[[]listJSON](t, h.as("bob").on("2025-11-21", "objection", "list", "--due-soon", "--format", "json").Out)
	if len(list) != 1 || list[0].ID != 2 || *list[0].DaysLeft != 0 {
		t.Fatalf("due soon on the due day: %+v", list)
	}
	list = decode[[]listJSON](t, h.as("bob").on("2025-11-20", "objection", "list", "--overdue", "--format", "json").Out)
	if len(list) != 1 || list[0].ID != 3 {
		t.Fatalf("overdue: %+v", list)
	}
	list = decode[[]listJSON](t, h.as("bob").on("2025-11-20", "objection", "list", "--state", "rejected", "--format", "json").Out)
	if len(list) != 1 || list[0].ID != 4 {
		t.Fatalf("--state rejected: %+v", list)
	}
	list = decode[[]listJSON](t, h.as("bob").on("2025-11-20", "objection", "list", "--provider", "91350100M000100Y43", "--format", "json").Out)
	if len(list) != 0 {
		t.Fatalf("--provider other: %+v", list)
	}
	if out := h.as("bob").on("2025-11-20", "objection", "list").Out; !strings.Contains(out, "已超期") || !strings.Contains(out, "2025-11-17") {
		t.Fatalf("table:\n%s", out)
	}
}

// A step dated before the case's latest step (or its receipt) is refused,
// naming that date; nothing is stored. A receipt date in the past stays
// allowed (paper received last week is entered today).
func TestObjectionStepsInDateOrder(t *testing.T) {
	h := queueHarness(t)
	oneRecord(t, h)
	bob, carol := h.as("bob"), h.as("carol")
	bob.objection("2025-11-20", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司")
	// Decided "on time" before it was received: refused.
	r := carol.failsOn(5, "2025-01-06", "objection", "decide", "1", "--uphold", "--reason", "x")
	if !strings.Contains(r.Err, "异议 1 的上一步“受理异议”办理日期为 2025-11-20，不能以更早的日期 2025-01-06 办理“审核决定”") {
		t.Fatalf("decide before receipt: %s", r.Err)
	}
	if r := carol.run("objection", "decide", "1", "--uphold", "--reason", "x", "--today", "2025-01-06", "--lang", "en"); r.Code != 5 ||
		!strings.Contains(r.Err, "its last step (file) is dated 2025-11-20") {
		t.Fatalf("english: %d %s", r.Code, r.Err)
	}
	// Nothing was stored: still received, one step, the review deadline open.
	o := h.as("bob").objection("2025-11-20", "show", "1")
	if o.State != "received" || len(o.Timeline) != 1 || o.Deadlines[0].Met {
		t.Fatalf("after the refused step: %+v", o)
	}
	if log := h.ok("audit", "log", "--object", "objection:1", "--format", "json").Out; strings.Contains(log, "objection.decide") {
		t.Fatalf("refused step audited:\n%s", log)
	}
	// The same day is in order; so is a later one.
	carol.objection("2025-11-20", "decide", "1", "--uphold", "--reason", "x")
	if r := bob.failsOn(5, "2025-11-19", "objection", "correct", "1", "--set", "备注=x"); !strings.Contains(r.Err, "“审核决定”办理日期为 2025-11-20") {
		t.Fatalf("correct before the decision: %s", r.Err)
	}
	if o := bob.objection("2025-11-21", "correct", "1", "--set", "备注=x"); o.State != "corrected" || !*o.OnTime {
		t.Fatalf("correct: %+v", o)
	}
	// Received last week, entered today: allowed; the next step may not go
	// before the day it was entered.
	o = bob.objection("2025-11-24", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司", "--received", "2025-11-17")
	if o.ReceivedOn != "2025-11-17" || str(o.ReviewDue) != "2025-12-01" {
		t.Fatalf("file with --received: %+v", o)
	}
	if r := bob.failsOn(5, "2025-11-18", "objection", "forward", "2"); !strings.Contains(r.Err, "2025-11-24") {
		t.Fatalf("forward before entry: %s", r.Err)
	}
	bob.objection("2025-11-24", "forward", "2")
}

// 第二十九条 links follow the corrected content: clearing the principal's ID
// clears his check and his archive; a new legal representative replaces the
// old; a severity lowered to general leaves nobody linked.
func TestObjectionCorrectionReplacesLinks(t *testing.T) {
	h := queueHarness(t)
	h.ok("unit", "add", scUnit, "--name", "南通市财政局")
	const newRep = "320602198001010013"
	extra := []string{"失信程度", "程序类型", "主要负责人证件号码", "法定代表人负有责任"}
	if r := h.importXZCF("2025-09-01", "serious.csv", extra, append(xzcfRow(nil), "严重", "", archPrincipal, "是")); r.Code != 0 {
		t.Fatalf("import: %s %s", r.Out, r.Err)
	}
	bob, carol := h.as("bob"), h.as("carol")
	day := "2025-11-03"
	check := func(code string) (hits int, roles []string) {
		t.Helper()
		c := decode[scCheck](t, h.on(day, "check", code, "--matter", "政府采购", "--unit", scUnit, "--format", "json").Out)
		for _, s := range c.Results[0].SeriousRecords {
			roles = append(roles, s.Role)
		}
		return c.Hits, roles
	}
	archive := func(code string) []archRecord {
		t.Helper()
		return showJSON(t, h, code, "--today", day).Records
	}
	links := func() string {
		t.Helper()
		var out []string
		rows, err := h.openStore().DB.Query(`SELECT s.code || ':' || l.role FROM record_links l JOIN subjects s ON s.id = l.subject_id
			WHERE l.record_id = 1 ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		return strings.Join(out, ",")
	}
	correct := func(id string, sets ...string) {
		t.Helper()
		bob.objection(day, "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司")
		carol.objection(day, "decide", id, "--uphold", "--reason", "记载错误")
		args := []string{"correct", id}
		for _, s := range sets {
			args = append(args, "--set", s)
		}
		if o := bob.objection(day, args...); o.State != "corrected" {
			t.Fatalf("correct %s: %+v", id, o)
		}
	}
	if hits, roles := check(archPrincipal); hits != 1 || strings.Join(roles, ",") != "principal" {
		t.Fatalf("principal before: %d %v", hits, roles)
	}
	if a := archive(archPrincipal); len(a) != 1 || a[0].LinkedAs != "principal" {
		t.Fatalf("principal's archive before: %+v", a)
	}
	// The principal's ID was wrong: cleared.
	correct("1", "主要负责人证件号码=")
	if hits, roles := check(archPrincipal); hits != 0 || len(roles) != 0 {
		t.Fatalf("principal after the correction: %d %v", hits, roles)
	}
	if a := archive(archPrincipal); len(a) != 0 {
		t.Fatalf("principal's archive after the correction: %+v", a)
	}
	if got := links(); got != personID+":legal_rep" {
		t.Fatalf("links after clearing the principal: %s", got)
	}
	if hits, roles := check(personID); hits != 1 || strings.Join(roles, ",") != "legal_rep" {
		t.Fatalf("legal representative still linked: %d %v", hits, roles)
	}
	// Another legal representative.
	correct("2", "法定代表人=李四", "法定代表人证件号码="+newRep)
	if got := links(); got != newRep+":legal_rep" {
		t.Fatalf("links after a new legal representative: %s", got)
	}
	if hits, _ := check(personID); hits != 0 {
		t.Fatalf("the old legal representative still hits")
	}
	if a := archive(personID); len(a) != 0 {
		t.Fatalf("the old legal representative's archive: %+v", a)
	}
	if hits, roles := check(newRep); hits != 1 || strings.Join(roles, ",") != "legal_rep" {
		t.Fatalf("the new legal representative: %d %v", hits, roles)
	}
	// Lowered to general: 第二十九条 no longer applies.
	correct("3", "失信程度=一般")
	if got := links(); got != "" {
		t.Fatalf("links of a general record: %s", got)
	}
	if hits, _ := check(newRep); hits != 0 {
		t.Fatalf("general record still hits the legal representative")
	}
	// The old contents, naming them, stay in the record's history.
	var n int
	h.openStore().DB.QueryRow("SELECT count(*) FROM record_history WHERE record_id = 1 AND vals LIKE ?", "%"+archPrincipal+"%").Scan(&n)
	if n != 1 {
		t.Fatalf("revisions naming the principal in history: %d", n)
	}
}

// A withdrawn record keeps its links, but they lead nowhere: neither the
// check nor the archive of a linked person shows it.
func TestObjectionWithdrawalLinksIgnored(t *testing.T) {
	h := queueHarness(t)
	h.ok("unit", "add", scUnit, "--name", "南通市财政局")
	extra := []string{"失信程度", "程序类型", "主要负责人证件号码", "法定代表人负有责任"}
	if r := h.importXZCF("2025-09-01", "serious.csv", extra, append(xzcfRow(nil), "严重", "", archPrincipal, "是")); r.Code != 0 {
		t.Fatalf("import: %s %s", r.Out, r.Err)
	}
	day := "2025-11-03"
	h.as("bob").objection(day, "file", "--record", "1", "--ground", "prohibited", "--applicant", "甲公司")
	h.as("carol").objection(day, "decide", "1", "--uphold", "--reason", "禁止归集")
	h.as("bob").objection(day, "withdraw", "1")
	for _, code := range []string{archPrincipal, personID} {
		c := decode[scCheck](t, h.on(day, "check", code, "--matter", "政府采购", "--unit", scUnit, "--format", "json").Out)
		if c.Hits != 0 || len(c.Results[0].SeriousRecords) != 0 {
			t.Errorf("%s: check after the withdrawal: %+v", code, c)
		}
		for _, scope := range []string{"public", "office"} {
			if a := showJSON(t, h, code, "--today", day, "--scope", scope).Records; len(a) != 0 {
				t.Errorf("%s: %s archive after the withdrawal: %+v", code, scope, a)
			}
		}
	}
	var n int
	h.openStore().DB.QueryRow("SELECT count(*) FROM record_links WHERE record_id = 1").Scan(&n)
	if n != 2 {
		t.Fatalf("links of the withdrawn record: %d", n)
	}
}

// An objection whose record is already withdrawn has nothing left to
// correct: an appeal upheld goes to appeal_decided (owing and holding
// nothing), and an upheld objection may be closed.
func TestObjectionUpheldOnWithdrawnRecord(t *testing.T) {
	h := queueHarness(t)
	oneRecord(t, h)
	bob, carol := h.as("bob"), h.as("carol")
	// Objection 1 (wrong) and 2 (prohibited) on the same record, both upheld.
	bob.objection("2025-11-03", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司")
	bob.objection("2025-11-03", "file", "--record", "1", "--ground", "prohibited", "--applicant", "甲公司")
	carol.objection("2025-11-04", "decide", "1", "--uphold", "--reason", "记载错误")
	carol.objection("2025-11-04", "decide", "2", "--uphold", "--reason", "禁止归集")
	// An upheld objection whose record is still there cannot be closed.
	if r := bob.failsOn(5, "2025-11-05", "objection", "close", "1"); !strings.Contains(r.Err, "异议 1 已成立，记录尚未更正或撤除，不能办结") {
		t.Fatalf("close while the record is there: %s", r.Err)
	}
	bob.objection("2025-11-05", "withdraw", "2")
	// Objection 1 can no longer be corrected; the message says to close it.
	if r := bob.failsOn(5, "2025-11-05", "objection", "correct", "1", "--set", "备注=x"); !strings.Contains(r.Err, "已经撤除") || !strings.Contains(r.Err, "办结") {
		t.Fatalf("correct a withdrawn record: %s", r.Err)
	}
	o := bob.objection("2025-11-06", "close", "1", "--note", "记录已由异议 2 撤除")
	if o.State != "closed" || o.Status != "done" || !*o.OnTime || o.UnderObjection || o.Notice == "" {
		t.Fatalf("close upheld: %+v", o)
	}
	// Objection 2: withdrawn, appealed, upheld on appeal.
	bob.objection("2025-11-07", "appeal", "2", "--reason", "要求一并删除其他信息")
	o = carol.objection("2025-11-10", "appeal-decide", "2", "--uphold", "--note", "市发改委复函：申诉成立")
	if o.State != "appeal_decided" || o.Appeal != "upheld" || o.Status != "done" || o.CorrectDue == nil || o.UnderObjection || o.Due != nil {
		t.Fatalf("appeal upheld on a withdrawn record: %+v", o)
	}
	if !strings.Contains(o.Notice, "已经撤除") || len(o.Deadlines) != 2 {
		t.Fatalf("notice / deadlines: %q %+v", o.Notice, o.Deadlines)
	}
	if flags, _ := h.openStore().RecordFlags(context.Background(), []int64{1}, "2025-12-01"); len(flags[1]) != 0 {
		t.Fatalf("flags: %v", flags)
	}
	if out := bob.on("2025-11-10", "objection", "show", "2").Out; !strings.Contains(out, "申诉成立，但记录 1 已经撤除") {
		t.Fatalf("show:\n%s", out)
	}
	if o = bob.objection("2025-11-10", "close", "2"); o.State != "closed" {
		t.Fatalf("close: %+v", o)
	}
}

// The objection queue names applicants and subjects — natural persons'
// names and ID numbers: only office staff (clerk and above, SPEC §C) read
// it, in the list and in an objection's details alike.
func TestObjectionQueueNeedsClerk(t *testing.T) {
	h := queueHarness(t)
	oneRecord(t, h)
	h.as("bob").objection("2025-11-03", "file", "--record", "1", "--ground", "wrong", "--applicant", "张三丰")
	for _, who := range []string{"vic", "guest"} { // viewer; no role
		for _, args := range [][]string{
			{"objection", "list"}, {"objection", "list", "--format", "json"}, {"objection", "list", "--record", "1"},
			{"objection", "show", "1"}, {"objection", "show", "1", "--format", "json"},
		} {
			if r := h.as(who).failsOn(5, "2025-11-04", args...); !strings.Contains(r.Err, "clerk") || strings.Contains(r.Out, "张三丰") || strings.Contains(r.Out, orgA) {
				t.Errorf("%s %v: %s %s", who, args, r.Out, r.Err)
			}
		}
	}
	if out := h.as("bob").on("2025-11-04", "objection", "show", "1").Out; !strings.Contains(out, "张三丰") {
		t.Errorf("clerk's show:\n%s", out)
	}
	if list := decode[[]listJSON](t, h.as("bob").on("2025-11-04", "objection", "list", "--format", "json").Out); len(list) != 1 {
		t.Errorf("clerk's list: %+v", list)
	}
}

// A correction that names a person known so far only by ID (here the
// principal, made legal representative) gives them the name at once (review
// finding: the name was staged for a batch long published, and never given).
func TestObjectionCorrectionNamesPersonKnownOnlyByID(t *testing.T) {
	h := queueHarness(t)
	extra := []string{"失信程度", "程序类型", "主要负责人证件号码", "法定代表人负有责任"}
	if r := h.importXZCF("2025-09-01", "serious.csv", extra, append(xzcfRow(nil), "严重", "", archPrincipal, "是")); r.Code != 0 {
		t.Fatalf("import: %s %s", r.Out, r.Err)
	}
	name := func() (n string) {
		h.openStore().DB.QueryRow("SELECT name FROM subjects WHERE code = ?", archPrincipal).Scan(&n)
		return
	}
	if got := name(); got != "" {
		t.Fatalf("a principal named only by ID has no name yet, got %q", got)
	}
	bob, carol := h.as("bob"), h.as("carol")
	day := "2025-11-03"
	bob.objection(day, "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司")
	carol.objection(day, "decide", "1", "--uphold", "--reason", "记载错误")
	if o := bob.objection(day, "correct", "1", "--set", "法定代表人=钱七", "--set", "法定代表人证件号码="+archPrincipal,
		"--set", "主要负责人证件号码="); o.State != "corrected" {
		t.Fatalf("correct: %+v", o)
	}
	var staged int
	h.openStore().DB.QueryRow("SELECT count(*) FROM staged_names").Scan(&staged)
	if got := name(); got != "钱七" || staged != 0 {
		t.Fatalf("after the correction: name %q, %d staged names left; want 钱七 and none", got, staged)
	}
}

// Several objections may be open on one record, but not two on the same
// ground (SPEC amendments of 2026-12, §D): the second is refused at filing,
// exit 5, as an office rule naming the open one; another ground is taken;
// once the first is finished the same ground may be filed again.
func TestObjectionSameGroundRefused(t *testing.T) {
	h := queueHarness(t)
	oneRecord(t, h)
	bob, carol := h.as("bob"), h.as("carol")
	bob.objection("2025-11-03", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司")
	r := bob.failsOn(5, "2025-11-04", "objection", "file", "--record", "1", "--ground", "wrong", "--applicant", "乙")
	for _, want := range []string{"本办公室规则", "记录 1 已有以“", "尚未办结的异议 1（已受理，收到日期 2025-11-03）"} {
		if !strings.Contains(r.Err, want) {
			t.Fatalf("second objection on the same ground: stderr lacks %q:\n%s", want, r.Err)
		}
	}
	r = bob.failsOn(5, "2025-11-04", "objection", "file", "--record", "1", "--ground", "wrong", "--applicant", "乙", "--lang", "en")
	if !strings.Contains(r.Err, "office rule") || !strings.Contains(r.Err, "open objection 1 on ground wrong") {
		t.Fatalf("English refusal: %s", r.Err)
	}
	// Another ground is a separate objection.
	if o := bob.objection("2025-11-04", "file", "--record", "1", "--ground", "expired", "--applicant", "乙"); o.ID != 2 || o.State != "received" {
		t.Fatalf("objection on another ground: %+v", o)
	}
	// Nothing of the refused filing was stored.
	st := h.openStore()
	var n int
	st.DB.QueryRow("SELECT count(*) FROM objections WHERE record_id = 1").Scan(&n)
	if n != 2 {
		t.Fatalf("%d objections on record 1, want 2", n)
	}
	// Once objection 1 is finished (rejected), the ground is free again.
	carol.objection("2025-11-05", "decide", "1", "--reject", "--reason", "信息无误")
	if o := bob.objection("2025-11-05", "file", "--record", "1", "--ground", "wrong", "--applicant", "丙"); o.ID != 3 {
		t.Fatalf("a new objection after the first was rejected: %+v", o)
	}
}
