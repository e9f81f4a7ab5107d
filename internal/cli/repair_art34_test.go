package cli

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// 第三十四条(二) 「该失信行为自纠正之日起, 1 年内未再发生同类失信行为」, counted
// as 民法典 第二百零一条 (the start day does not count) and 第二百零二条 (the
// year ends on the matching day): corrected 2024-05-10, the year runs
// 2024-05-11 … 2025-05-10, so 2025-05-11 is the first day one may apply
// (issue 15, point 3). A waiting period: no holiday extension (05-11 is a
// Sunday and is still the first day).
func TestRepairCleanYearFirstDayToApply(t *testing.T) {
	h := queueHarness(t)
	// A serious penalty decided 2024-03-01 (valid through 2027-03-01).
	if r := h.importXZCF("2024-03-10", "serious.csv", negativeExtra,
		negativeRow(map[string]string{"处罚决定日期": "2024-03-01", "处罚有效期": "2099-12-31"}, "严重", "")); r.Code != 0 {
		t.Fatalf("import: %s %s", r.Out, r.Err)
	}
	bob := h.as("bob")
	// On the anniversary itself the year has not yet passed.
	res := bob.failsOn(5, "2025-05-10", "repair", "apply", "--record", "1", "--corrected-on", "2024-05-10", "--commitment", "CN-1", "--format", "json")
	if p := decode[repairJSON](t, res.Out); p.State != "refused" || !slices.Equal(p.Reasons, []string{"clean_period_not_met"}) {
		t.Fatalf("applied on the anniversary: %+v", p)
	}
	if !strings.Contains(res.Err, "最早可于 2025-05-11 申请") || !strings.Contains(res.Err, "第三十四条(二)") {
		t.Fatalf("message: %s", res.Err)
	}
	// The day after: accepted (a Sunday; no extension to a working day).
	if p := bob.repair("2025-05-11", "apply", "--record", "1", "--corrected-on", "2024-05-10", "--commitment", "CN-2"); p.State != "applied" || !p.Eligible {
		t.Fatalf("applied the day after the anniversary: %+v", p)
	}
	if en := h.as("bob").run("repair", "apply", "--record", "1", "--corrected-on", "2024-05-10", "--commitment", "CN", "--applied", "2025-05-10",
		"--today", "2025-05-11", "--lang", "en"); en.Code != 5 || !strings.Contains(en.Err, "the first day to apply is 2025-05-11") ||
		!strings.Contains(en.Err, "clean_period_not_met") {
		t.Fatalf("english: %d %s", en.Code, en.Err)
	}
}

// A behaviour may be corrected before it is 认定: a correction date before
// the decision date is allowed; one after the application date is refused.
func TestRepairCorrectedOnBeforeDecisionAllowedAfterApplicationRefused(t *testing.T) {
	h := queueHarness(t)
	if r := h.importXZCF("2024-03-10", "serious.csv", negativeExtra,
		negativeRow(map[string]string{"处罚决定日期": "2024-03-01", "处罚有效期": "2099-12-31"}, "严重", "")); r.Code != 0 {
		t.Fatalf("import: %s %s", r.Out, r.Err)
	}
	bob := h.as("bob")
	r := bob.failsOn(2, "2025-06-03", "repair", "apply", "--record", "1", "--corrected-on", "2025-06-04", "--commitment", "CN", "--applied", "2025-06-03")
	if !strings.Contains(r.Err, "纠正日期 2025-06-04 晚于申请日期 2025-06-03") {
		t.Fatalf("corrected after applying: %s", r.Err)
	}
	// Corrected 2024-02-20, before the 2024-03-01 decision: the year ends
	// 2025-02-20; applied 2025-02-21 it is accepted.
	if p := bob.repair("2025-02-21", "apply", "--record", "1", "--corrected-on", "2024-02-20", "--commitment", "CN"); p.State != "applied" || !p.Eligible {
		t.Fatalf("corrected before the decision: %+v", p)
	}
}

// What blocks is a same-kind act that HAPPENED within (corrected_on,
// corrected_on + 1 year]; XZCF's national layout has no act date, so its
// decision date stands in. A same-kind act after the year does not block;
// another kind never does.
func TestRepairSameKindActWithinTheYearOnly(t *testing.T) {
	h := queueHarness(t)
	row := func(code, name, no, kind, decided string) []string {
		return negativeRow(map[string]string{"行政相对人代码_1（统一社会信用代码）": code, "行政相对人名称": name, "行政处罚决定书文号": no,
			"违法行为类型": kind, "处罚决定日期": decided, "处罚有效期": "2099-12-31"}, "严重", "")
	}
	// Corrected 2024-02-01 everywhere: the year is 2024-02-02 … 2025-02-01.
	if r := h.importXZCF("2025-03-01", "many.csv", negativeExtra,
		row(orgA, "甲公司", "A1", "虚假广告", "2024-01-15"), // 1
		row(orgA, "甲公司", "A2", "虚假广告", "2025-02-01"), // 2: the year's last day: blocks 1
		row(orgB, "乙公司", "B1", "虚假广告", "2024-01-15"), // 3
		row(orgB, "乙公司", "B2", "虚假广告", "2025-02-02"), // 4: the day after the year: does not block 3
		row(orgC, "丙公司", "C1", "虚假广告", "2024-01-15"), // 5
		row(orgC, "丙公司", "C2", "无照经营", "2024-06-01"), // 6: another kind within the year: does not block 5
	); r.Code != 0 {
		t.Fatalf("import: %s %s", r.Out, r.Err)
	}
	bob := h.as("bob")
	apply := func(record string) repairJSON {
		t.Helper()
		r := bob.run("repair", "apply", "--record", record, "--corrected-on", "2024-02-01", "--commitment", "CN", "--today", "2025-06-03", "--format", "json")
		return decode[repairJSON](t, r.Out)
	}
	if p := apply("1"); !slices.Equal(p.Reasons, []string{"later_negative_record"}) {
		t.Errorf("same kind on the year's last day: %+v", p)
	}
	if p := apply("3"); !p.Eligible || len(p.Reasons) != 0 {
		t.Errorf("same kind the day after the year: %+v", p)
	}
	if p := apply("5"); !p.Eligible {
		t.Errorf("another kind within the year: %+v", p)
	}
}

// With an act_date_field in the catalog the act's own date decides, not the
// decision date: an act inside the year decided after it blocks; an act
// before the correction decided inside the year does not.
func TestRepairActDateFieldDecides(t *testing.T) {
	h := queueHarness(t)
	cat := defaultYAML(t,
		`version: "2026.12"`, `version: "2018.1-act"`,
		"    kind_field: 违法行为类型\n", "    kind_field: 违法行为类型\n    act_date_field: 违法行为发生日期\n",
		"      - {name: 处罚决定日期, aliases: [CF_JDRQ], type: date, required: true, not_after_today: true}\n",
		"      - {name: 处罚决定日期, aliases: [CF_JDRQ], type: date, required: true, not_after_today: true}\n      - {name: 违法行为发生日期, type: date}\n")
	h.ok("catalog", "apply", h.writeFile("act.yaml", cat))
	extra := append(append([]string{}, negativeExtra...), "违法行为发生日期")
	row := func(code, name, no, decided, act string) []string {
		return append(negativeRow(map[string]string{"行政相对人代码_1（统一社会信用代码）": code, "行政相对人名称": name, "行政处罚决定书文号": no,
			"处罚决定日期": decided, "处罚有效期": "2099-12-31"}, "严重", ""), act)
	}
	if r := h.importXZCF("2025-06-01", "acts.csv", extra,
		row(orgA, "甲公司", "A1", "2024-01-15", "2023-12-01"), // 1
		row(orgA, "甲公司", "A2", "2025-03-01", "2024-12-01"), // 2: act within the year, decided after it: blocks 1
		row(orgB, "乙公司", "B1", "2024-01-15", "2023-12-01"), // 3
		row(orgB, "乙公司", "B2", "2024-03-01", "2024-01-25"), // 4: act before the correction, decided within the year: does not block 3
	); r.Code != 0 {
		t.Fatalf("import: %s %s", r.Out, r.Err)
	}
	bob := h.as("bob")
	apply := func(record string) repairJSON {
		t.Helper()
		r := bob.run("repair", "apply", "--record", record, "--corrected-on", "2024-02-01", "--commitment", "CN", "--today", "2025-06-03", "--format", "json")
		return decode[repairJSON](t, r.Out)
	}
	if p := apply("1"); !slices.Equal(p.Reasons, []string{"later_negative_record"}) {
		t.Errorf("act within the year, decided after it: %+v", p)
	}
	if p := apply("3"); !p.Eligible {
		t.Errorf("act before the correction, decided within the year: %+v", p)
	}
}

// The refusals at application that are office rules, not 第三十四条, say so
// with the article they serve; (一) and (三) are not judged at application.
func TestRepairOfficeRuleRefusalsNamed(t *testing.T) {
	h := queueHarness(t)
	if r := h.importXZCF("2024-03-10", "serious.csv", negativeExtra,
		negativeRow(map[string]string{"处罚决定日期": "2024-03-01", "处罚有效期": "2099-12-31"}, "严重", "")); r.Code != 0 {
		t.Fatalf("import: %s", r.Err)
	}
	bob := h.as("bob")
	bob.objection("2025-06-03", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司")
	r := bob.failsOn(5, "2025-06-03", "repair", "apply", "--record", "1", "--corrected-on", "2024-06-01", "--commitment", "CN")
	if !strings.Contains(r.Err, "本办公室规则（服务第三十二条、第三十五条）") || !strings.Contains(r.Err, "open_objection") {
		t.Fatalf("open objection: %s", r.Err)
	}
	r = bob.run("repair", "apply", "--record", "1", "--corrected-on", "2024-06-01", "--commitment", "CN", "--today", "2025-06-03", "--lang", "en")
	if r.Code != 5 || !strings.Contains(r.Err, "open_objection") {
		t.Fatalf("english: %s", r.Err)
	}
	if en := h.as("bob").run("repair", "show", "2", "--lang", "en", "--today", "2025-06-03"); !strings.Contains(en.Out, "office rule (serving 第三十二条 and 第三十五条)") {
		t.Fatalf("english show:\n%s", en.Out)
	}
}

// Black-list entries are repaired through the same workflow (issue 15 point
// 3): a hand-entered one with --entry M<n>, a reported one with --entry R<n>
// (its record). Once repaired the entry leaves the roster's valid entries,
// the public archive and every check at once, and is kept as archive
// (第三十五条 原始失信信息转为档案保存).
func TestRepairListEntries(t *testing.T) {
	h := scHarness(t) // today 2025-12-01
	h.ok("user", "add", "bob", "--role", "clerk")
	h.ok("user", "add", "carol", "--role", "reviewer")
	bob, carol := h.as("bob"), h.as("carol")
	h.scImport("HEIMD", scHeimdHeader, scBlackRow(nil))                 // R1, record 1: 甲公司 (2025-06-10 → 2026-06-09)
	h.scImport("HMD", scHmdHeader, scRedRow(nil))                       // R2: 乙公司 red
	bob.ok(scAddArgs(orgB, "black", "2024-03-01")...)                   // M1, valid through 2027-03-01
	bob.ok(scAddArgs(orgB, "black", "2024-03-02", "--name", "另一名单")...) // M2, left pending
	carol.ok("roster", "approve", "M1")

	// Formal refusals for entries: a red list is not negative; a pending entry is not on a list.
	res := bob.failsOn(5, "2025-12-01", "repair", "apply", "--entry", "R2", "--corrected-on", "2024-06-01", "--commitment", "CN", "--format", "json")
	if p := decode[repairJSON](t, res.Out); !slices.Equal(p.Reasons, []string{"not_negative"}) {
		t.Errorf("red list entry: %+v", p)
	}
	res = bob.failsOn(5, "2025-12-01", "repair", "apply", "--entry", "M2", "--corrected-on", "2024-06-01", "--commitment", "CN", "--format", "json")
	if p := decode[repairJSON](t, res.Out); !slices.Equal(p.Reasons, []string{"not_approved"}) {
		t.Errorf("pending entry: %+v", p)
	}
	bob.fails(2, "repair", "apply", "--entry", "M1", "--record", "1", "--corrected-on", "2024-06-01", "--commitment", "CN")

	// M1: applied, approved by the 认定单位, publicised 12-02 … 12-08, completed 12-09.
	p := bob.repair("2025-12-01", "apply", "--entry", "M1", "--corrected-on", "2024-06-01", "--commitment", "CN-1")
	if p.State != "applied" || p.Record != 0 || !p.UnderRepair {
		t.Fatalf("apply --entry M1: %+v", p)
	}
	if r := h.ok("repair", "show", "3", "--format", "json").Out; !strings.Contains(r, `"entry": "M1"`) && !strings.Contains(r, `"entry":"M1"`) {
		t.Fatalf("show: %s", r)
	}
	// While the repair is open the entry stays on the list, and a removal waits for it (office rule).
	h.agree("M1 under repair", orgB, "M1", 0, true)
	if r := carol.fails(5, "roster", "remove", "M1", "--ground", "revoked", "--ref", "x"); !strings.Contains(r.Err, "本办公室规则") {
		t.Fatalf("removal during a repair: %s", r.Err)
	}
	bob.repair("2025-12-01", "opinion", "3", "--approve", "--text", "同意修复")
	if p = bob.repair("2025-12-01", "publicize", "3"); p.Publicity == nil || p.Publicity.LastDay != "2025-12-08" {
		t.Fatalf("publicize: %+v", p.Publicity)
	}
	carol.failsOn(5, "2025-12-08", "repair", "complete", "3")
	if p = carol.repair("2025-12-09", "complete", "3"); p.State != "repaired" {
		t.Fatalf("complete: %+v", p)
	}
	h.env["CREDIT_TODAY"] = "2025-12-09"
	h.agree("M1 repaired", orgB, "M1", 0, false)
	e := h.scEntry("roster", "show", "M1")
	if e.Status != "repaired" || e.Ground != "repair" || e.Ref != "repair:3" || e.RemovedOn != "2025-12-09" || e.ListName != "重大税收违法失信主体名单" {
		t.Fatalf("M1 after the repair (kept as archive): %+v", e)
	}
	if list := decode[[]scEntry](t, h.ok("roster", "list", "--status", "repaired", "--format", "json").Out); len(list) != 1 || list[0].ID != "M1" {
		t.Fatalf("repaired entries: %+v", list)
	}
	// Repaired: no second repair.
	res = bob.failsOn(5, "2025-12-09", "repair", "apply", "--entry", "M1", "--corrected-on", "2024-06-01", "--commitment", "CN", "--format", "json")
	if p := decode[repairJSON](t, res.Out); !slices.Contains(p.Reasons, "already_repaired") {
		t.Errorf("second repair: %+v", p)
	}

	// R1, a reported entry, is its record 1.
	h.agree("R1 before its repair", orgA, "R1", 1, true)
	p = bob.repair("2025-12-09", "apply", "--entry", "R1", "--corrected-on", "2024-06-01", "--commitment", "CN-2")
	if p.Record != 1 || p.State != "applied" {
		t.Fatalf("apply --entry R1: %+v", p)
	}
	bob.repair("2025-12-09", "opinion", fmt.Sprint(p.ID), "--approve", "--text", "同意")
	bob.repair("2025-12-09", "publicize", fmt.Sprint(p.ID)) // 12-10 … 12-16
	carol.repair("2025-12-17", "complete", fmt.Sprint(p.ID))
	h.env["CREDIT_TODAY"] = "2025-12-17"
	h.agree("R1 repaired", orgA, "R1", 1, false)
	if e := h.scEntry("roster", "show", "R1"); e.Status != "repaired" {
		t.Errorf("R1: %+v", e)
	}
}
