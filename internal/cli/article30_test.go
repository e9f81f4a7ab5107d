package cli

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"credit/catalogs"
	"credit/internal/store"
)

// 失信被执行人 in the default catalog's layout (SXBZXR), as a court's list
// export gives it; 纳入决定日期 and 移出日期 are optional columns.
var sxHeader = []string{"案号", "被执行人姓名/名称", "被执行人类别", "身份证号码/统一社会信用代码", "法定代表人或者负责人姓名",
	"执行法院", "执行依据文号", "做出执行依据单位", "生效法律文书确定的义务", "被执行人的履行情况", "失信被执行人行为具体情形",
	"立案时间", "发布时间"}

func sxRow(header []string, set map[string]string) []string {
	return scRow(header, map[string]string{
		"案号": "（2023）苏0602执123号", "被执行人姓名/名称": "甲公司", "被执行人类别": "法人及非法人组织", "身份证号码/统一社会信用代码": orgA,
		"法定代表人或者负责人姓名": "张三", "执行法院": "南通市崇川区人民法院", "执行依据文号": "（2022）苏0602民初45号",
		"做出执行依据单位": "南通市崇川区人民法院", "生效法律文书确定的义务": "支付货款50000元", "被执行人的履行情况": "全部未履行",
		"失信被执行人行为具体情形": "有履行能力而拒不履行生效法律文书确定义务", "立案时间": "2023-01-05", "发布时间": "2024-03-01",
	}, set)
}

func sxHarness(t *testing.T) *harness {
	h := importHarness(t)
	h.ok("provider", "add", provider, "--items", "SXBZXR")
	return h
}

func (h *harness) sxImport(day, name string, header []string, rows ...[]string) {
	h.t.Helper()
	f := filepath.Join(h.dir, name)
	writeCSV(h.t, f, header, rows, false)
	h.ok("import", f, "--provider", provider, "--item", "SXBZXR", "--today", day)
}

// 第三十条: validity runs from the day the act was 认定. For a 失信被执行人
// that is the court's decision to list it (纳入决定日期), else the day the
// list was published (发布时间, the office's fallback), never 立案时间, the day
// the enforcement case was filed. Serious: 3 years, counted as 民法典 第二百零一条
// (the start day not counted) and 第二百零二条 (the matching day of the last
// month): published 2024-03-01 → valid through 2027-03-01.
func TestArticle30ValidityFromDetermination(t *testing.T) {
	h := sxHarness(t)
	h.sxImport("2025-12-01", "sx1.csv", sxHeader, sxRow(sxHeader, nil))
	// Counted from 立案 2023-01-05 it would have left public view after
	// 2026-01-05; it is still valid and public in mid-2026.
	a := showJSON(t, h, orgA, "--today", "2026-06-01")
	r := a.byItem("SXBZXR")
	if r == nil {
		t.Fatalf("a valid 失信被执行人 record is missing from the public archive on 2026-06-01: %+v", a.Records)
	}
	if r.DecidedOn != "2024-03-01" || r.ValidUntil != "2027-03-01" || r.Severity != "serious" {
		t.Errorf("record: decided %s, valid until %s, severity %s; want 2024-03-01, 2027-03-01, serious", r.DecidedOn, r.ValidUntil, r.Severity)
	}
	if a := showJSON(t, h, orgA, "--today", "2027-03-01"); a.byItem("SXBZXR") == nil {
		t.Errorf("the record is valid through its last day 2027-03-01")
	}
	if a := showJSON(t, h, orgA, "--today", "2027-03-02"); a.byItem("SXBZXR") != nil {
		t.Errorf("the record is expired from 2027-03-02 and never public then")
	}

	// With the court's decision date in the file, that is the 认定 date.
	withDecision := append(append([]string{}, sxHeader...), "纳入决定日期")
	h.sxImport("2025-12-01", "sx2.csv", withDecision, sxRow(withDecision, map[string]string{
		"案号": "（2023）苏0602执456号", "被执行人姓名/名称": "乙公司", "身份证号码/统一社会信用代码": orgB, "纳入决定日期": "2024-02-20"}))
	if r := showJSON(t, h, orgB, "--today", "2026-06-01").byItem("SXBZXR"); r == nil || r.DecidedOn != "2024-02-20" || r.ValidUntil != "2027-02-20" {
		t.Errorf("with 纳入决定日期: %+v, want decided 2024-02-20, valid through 2027-02-20", r)
	}

	// The court removes 甲公司 from its list on 2026-05-01 (履行完毕): the
	// withdrawal ends validity at once, in every scope but the office's.
	withRemoval := append(append([]string{}, sxHeader...), "移出日期")
	h.sxImport("2026-06-01", "sx3.csv", withRemoval, sxRow(withRemoval, map[string]string{"被执行人的履行情况": "全部履行", "移出日期": "2026-05-01"}))
	if a := showJSON(t, h, orgA, "--today", "2026-04-30"); a.byItem("SXBZXR") == nil {
		t.Errorf("valid through the day before the court's removal")
	}
	if a := showJSON(t, h, orgA, "--today", "2026-05-02"); a.byItem("SXBZXR") != nil {
		t.Errorf("still public after the court removed it: %+v", a.Records)
	}
	if r := showJSON(t, h, orgA, "--today", "2026-05-02", "--scope", "office").byItem("SXBZXR"); r == nil || r.ValidUntil != "2026-04-30" {
		t.Errorf("office view after the removal: %+v, want the record kept, valid until 2026-04-30", r)
	}
}

// The catalog says where validity counts from; catalog check refuses a
// negative item that names no determination date, or names a field that is
// not a date.
func TestArticle30CatalogNamesDeterminationDate(t *testing.T) {
	h := newHarness(t).initStore()
	it := decode[map[string]any](t, h.ok("catalog", "show", "SXBZXR", "--format", "json").Out)
	det, _ := it["determined_on"].([]any)
	if len(det) != 2 {
		t.Fatalf("SXBZXR determined_on = %v", it["determined_on"])
	}
	first, second := det[0].(map[string]any), det[1].(map[string]any)
	if first["field"] != "纳入决定日期" || first["office_rule"] != false || second["field"] != "发布时间" || second["office_rule"] != true {
		t.Errorf("SXBZXR determined_on = %v: want 纳入决定日期, then 发布时间 marked as an office rule", det)
	}
	term := *h
	term.tty = true
	if out := term.ok("catalog", "show", "SXBZXR").Out; !strings.Contains(out, "发布时间（缺失时的替代，本办公室规则）") {
		t.Errorf("catalog show does not mark the fallback as an office rule:\n%s", out)
	}

	none := h.writeFile("none.yaml", defaultYAML(t, "    determined_on: 欠税公告日期\n", ""))
	r := h.fails(4, "catalog", "check", none)
	if !strings.Contains(r.Out+r.Err, "QS 没有 determined_on") {
		t.Errorf("refusal does not name the item: %s %s", r.Out, r.Err)
	}
	notDate := h.writeFile("notdate.yaml", defaultYAML(t, "    determined_on: 欠税公告日期\n", "    determined_on: 欠税税种\n"))
	r = h.fails(4, "catalog", "check", notDate)
	if !strings.Contains(r.Out+r.Err, "不是日期字段") {
		t.Errorf("refusal does not say the field is not a date: %s %s", r.Out, r.Err)
	}
	h.fails(4, "catalog", "apply", none)
}

// A store from before migration 008: credit init brings the built-in
// catalog up to date, recomputes validity from the determination date and
// removes the links the old 第二十九条 rule made, one audit entry each, and
// the audit chain still verifies.
func TestUpgrade008RecomputesValidityAndLinks(t *testing.T) {
	h := sxHarness(t)
	h.sxImport("2025-12-01", "sx1.csv", sxHeader, sxRow(sxHeader, nil))
	extra := append(append([]string{}, xzcfHeader...), "失信程度", "主要负责人证件号码")
	f := filepath.Join(h.dir, "x.csv")
	writeCSV(t, f, extra, [][]string{append(xzcfRow(map[string]string{"行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": orgB,
		"法定代表人证件号码": "320602198503030014"}), "严重", personID)}, false)
	h.ok("import", f, "--provider", provider, "--item", "XZCF")

	// What the old rules left: the 失信被执行人 dated from 立案时间, and the
	// serious penalty linked to its legal representative, named only.
	_, current := catalogs.Default()
	old := regexp.MustCompile(`(?m)^\s*(determined_on|withdrawn_on): .*\n`).ReplaceAllString(string(current), "")
	old = strings.Replace(old, `version: "2026.12"`, `version: "2026.12"`, 1)
	st := h.openStore()
	for _, q := range []string{
		"UPDATE records SET decided_on = '2023-01-05', valid_until = '2026-01-05' WHERE item = 'SXBZXR'",
		`INSERT INTO subjects(code, kind, name, name_key, created_at) VALUES ('320602198503030014', 'natural_person', '张三', '张三', '2025-12-01T00:00:00Z')`,
		`INSERT INTO record_links(record_id, subject_id, role) SELECT r.id, s.id, 'legal_rep' FROM records r, subjects s
			WHERE r.item = 'XZCF' AND s.code = '320602198503030014'`,
	} {
		if _, err := st.DB.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	rewindSchema(t, st.DB, 7)
	if _, err := st.DB.Exec(`INSERT INTO catalog_versions(jurisdiction, version, effective, source, content, content_hash, applied_at, applied_by)
		VALUES ('南通市', '2018.1', '2018-01-01', ?, ?, ?, '2025-01-01T00:00:00Z', 'alice')`, catalogs.DefaultName, old, store.ContentHash([]byte(old))); err != nil {
		t.Fatal(err)
	}
	st.Close()

	h.fails(1, "subject", "show", orgA) // run credit init first
	out := h.ok("init").Out
	if !strings.Contains(out, "已把默认目录更新为 2026.12") || !strings.Contains(out, "重算了 1 条记录") || !strings.Contains(out, "移除了 1 条记录上的 1 个关联") {
		t.Errorf("init notes:\n%s", out)
	}
	if r := showJSON(t, h, orgA, "--today", "2026-06-01").byItem("SXBZXR"); r == nil || r.DecidedOn != "2024-03-01" || r.ValidUntil != "2027-03-01" {
		t.Errorf("after the upgrade: %+v", r)
	}
	var roles []string
	rows, err := h.openStore().DB.Query("SELECT s.code || ':' || l.role FROM record_links l JOIN subjects s ON s.id = l.subject_id ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		roles = append(roles, s)
	}
	rows.Close()
	if strings.Join(roles, ",") != personID+":principal" {
		t.Errorf("links after the upgrade: %v, want only the marked principal", roles)
	}
	n := h.scCount("SELECT count(*) FROM audit_log WHERE action IN ('record.revalidate', 'record.unlink')")
	if n != 2 {
		t.Errorf("%d audit entries for the changed records, want 2", n)
	}
	if n := h.scCount("SELECT count(*) FROM audit_log WHERE action = 'record.revalidate' AND details LIKE '%2023-01-05%2024-03-01%' AND details LIKE '%2026-01-05%2027-03-01%'"); n != 1 {
		t.Errorf("the revalidation entry does not hold the old and new dates")
	}
	h.ok("audit", "verify")
	// Running init again changes nothing.
	if out := h.ok("init").Out; strings.Contains(out, "重算") {
		t.Errorf("second init: %s", out)
	}
}

// A list entry's own 有效期至 (set by its 认定单位) ends the record's validity
// too, so the roster and the archive agree on the day the entry lapses: 甲公司's
// black-list entry, determined 2025-06-10 with 有效期至 2026-06-09, is valid in
// both through 2026-06-09 and in neither from 2026-06-10 (第三十条 would have
// allowed 3 years; valid_through shortens, never lengthens).
func TestListEntryLapsesInRosterAndArchiveTogether(t *testing.T) {
	h := scHarness(t)
	h.scImport("HEIMD", scHeimdHeader, scBlackRow(nil))
	for _, c := range []struct {
		day   string
		valid bool
	}{{"2026-06-09", true}, {"2026-06-10", false}} {
		inArchive := showJSON(t, h, orgA, "--today", c.day).byItem("HEIMD") != nil
		inRoster := false
		for _, e := range decode[[]map[string]any](t, h.ok("roster", "list", "--today", c.day, "--format", "json").Out) {
			inRoster = inRoster || e["status"] == "valid"
		}
		if inArchive != c.valid || inRoster != c.valid {
			t.Errorf("%s: in the public archive %v, valid on the roster %v; want both %v", c.day, inArchive, inRoster, c.valid)
		}
	}
}
