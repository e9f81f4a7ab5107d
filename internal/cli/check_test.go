package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"credit/internal/store"
)

// Fixtures for lists, checks, cases and reports (issue 8). The lists are
// imported through the default catalog's HEIMD and HMD items.
var scHeimdHeader = []string{"主体名称", "主体类别", "统一社会信用代码", "法定代表人", "法定代表人证件类型", "法定代表人证件号码",
	"名单名称", "列入事由", "认定单位", "认定单位统一社会信用代码", "认定依据", "认定日期", "有效期至", "法定代表人负有责任"}

var scHmdHeader = []string{"主体名称", "主体类别", "统一社会信用代码", "名单名称", "认定单位", "认定单位统一社会信用代码", "认定依据", "认定日期", "有效期至"}

// scUnit is the user unit that checks and applies measures (orgC, a valid
// code from the standards' examples).
const scUnit = orgC

// scRow lays set over base in header's order.
func scRow(header []string, base, set map[string]string) []string {
	row := make([]string, len(header))
	for i, h := range header {
		row[i] = base[h]
		if v, ok := set[h]; ok {
			row[i] = v
		}
	}
	return row
}

// scBlackRow: 甲公司 (orgA) on a black list determined 2025-06-10, valid
// through 2026-06-09; its legal representative personID, whom the provider
// marks responsible (第二十九条: so the entry is also the person's).
func scBlackRow(set map[string]string) []string {
	return scRow(scHeimdHeader, map[string]string{
		"主体名称": "甲公司", "主体类别": "法人及非法人组织", "统一社会信用代码": orgA, "法定代表人": "张三", "法定代表人证件类型": "身份证",
		"法定代表人证件号码": personID, "名单名称": "市场监督管理严重违法失信名单", "列入事由": "提交虚假材料取得公司登记",
		"认定单位": "南通市市场监督管理局", "认定单位统一社会信用代码": agency, "认定依据": "《市场监督管理严重违法失信名单管理办法》第九条",
		"认定日期": "2025-06-10", "有效期至": "2026-06-09", "法定代表人负有责任": "是",
	}, set)
}

// scRedRow: 乙公司 (orgB) on a red list determined 2025-11-03.
func scRedRow(set map[string]string) []string {
	return scRow(scHmdHeader, map[string]string{
		"主体名称": "乙公司", "主体类别": "法人及非法人组织", "统一社会信用代码": orgB, "名单名称": "纳税信用A级纳税人名单",
		"认定单位": "国家税务总局南通市税务局", "认定单位统一社会信用代码": agency, "认定依据": "《纳税信用管理办法》",
		"认定日期": "2025-11-03", "有效期至": "2026-11-02",
	}, set)
}

// scHarness: a store on 2025-12-01 with the provider registered for the
// penalty and list items and the unit registered.
func scHarness(t *testing.T) *harness {
	t.Helper()
	h := importHarness(t)
	h.ok("provider", "add", provider, "--items", "HEIMD,HMD")
	h.ok("unit", "add", scUnit, "--name", "南通市财政局")
	return h
}

func (h *harness) scImport(item string, header []string, rows ...[]string) {
	h.t.Helper()
	f := filepath.Join(h.t.TempDir(), strings.ToLower(item)+".csv")
	writeCSV(h.t, f, header, rows, false)
	h.ok("import", f, "--provider", provider, "--item", item)
}

// scSerious imports 行政处罚 rows marked 严重 (失信程度), whose legal
// representative the provider marks responsible (第二十九条) unless the row
// sets 法定代表人负有责任.
func (h *harness) scSerious(rows ...map[string]string) {
	h.t.Helper()
	header := append(append([]string{}, xzcfHeader...), "失信程度", "法定代表人负有责任")
	var data [][]string
	for _, set := range rows {
		resp, ok := set["法定代表人负有责任"]
		if !ok {
			resp = "是"
		}
		data = append(data, append(xzcfRow(set), "严重", resp))
	}
	h.scImport("XZCF", header, data...)
}

type scCheck struct {
	Unit          string `json:"unit"`
	Matter        string `json:"matter"`
	Date          string `json:"date"`
	Subjects      int    `json:"subjects"`
	Hits          int    `json:"hits"`
	Invalid       int    `json:"invalid"`
	CasesRecorded int    `json:"cases_recorded"`
	Results       []struct {
		Line        int    `json:"line"`
		Code        string `json:"code"`
		Status      string `json:"status"`
		Name        string `json:"name"`
		InArchive   bool   `json:"in_archive"`
		ListEntries []struct {
			ID         string `json:"id"`
			List       string `json:"list"`
			ListName   string `json:"list_name"`
			Determined string `json:"determined"`
			ValidUntil string `json:"valid_until"`
			Batch      int    `json:"batch"`
		} `json:"list_entries"`
		SeriousRecords []struct {
			RecordID  int64  `json:"record_id"`
			Item      string `json:"item"`
			Role      string `json:"role"`
			Article   string `json:"article"`
			OwnerCode string `json:"owner_code"`
			Batch     int    `json:"batch"`
		} `json:"serious_records"`
		Measures []struct {
			Code    string `json:"code"`
			Kind    string `json:"kind"`
			Grounds []struct {
				Type string `json:"type"`
				ID   string `json:"id"`
			} `json:"grounds"`
		} `json:"measures"`
		Cases []int64 `json:"cases"`
	} `json:"results"`
}

func (h *harness) scCheck(args ...string) scCheck {
	h.t.Helper()
	r := h.ok(append(append([]string{"check"}, args...), "--unit", scUnit, "--format", "json")...)
	var c scCheck
	if err := json.Unmarshal([]byte(r.Out), &c); err != nil {
		h.t.Fatalf("check json: %v\n%s", err, r.Out)
	}
	return c
}

func measureCodes(c scCheck, i int) string {
	var out []string
	for _, m := range c.Results[i].Measures {
		out = append(out, m.Code)
	}
	return strings.Join(out, ",")
}

// scExec runs SQL on the test store (to stand in for workflows of other
// issues, e.g. a record's repair).
func (h *harness) scExec(q string, args ...any) {
	h.t.Helper()
	st, err := store.Open(context.Background(), h.db, store.Options{})
	if err != nil {
		h.t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.DB.Exec(q, args...); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) scCount(q string, args ...any) int {
	h.t.Helper()
	st, err := store.Open(context.Background(), h.db, store.Options{})
	if err != nil {
		h.t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.DB.QueryRow(q, args...).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// The "done when": a subject on a valid black list gets a hit and
// the measures for 政府采购; after the entry's valid-until it gets none.
func TestCheckBlackListHitAndExpiry(t *testing.T) {
	h := scHarness(t)
	h.scImport("HEIMD", scHeimdHeader, scBlackRow(nil))

	c := h.scCheck(orgA, "--matter", "政府采购")
	if c.Subjects != 1 || c.Hits != 1 || c.Matter != "政府采购" || c.Unit != scUnit || c.Date != "2025-12-01" {
		t.Fatalf("check = %+v", c)
	}
	r := c.Results[0]
	if r.Status != "hit" || r.Name != "甲公司" || len(r.ListEntries) != 1 {
		t.Fatalf("result = %+v", r)
	}
	e := r.ListEntries[0]
	if e.List != "black" || e.ListName != "市场监督管理严重违法失信名单" || e.Determined != "2025-06-10" || e.ValidUntil != "2026-06-09" || e.Batch != 1 {
		t.Fatalf("entry = %+v", e)
	}
	// The draft list names 政府采购 for CJ01 only (measures-draft.yaml).
	if got := measureCodes(c, 0); got != "CJ01" {
		t.Fatalf("measures for 政府采购 = %s, want CJ01", got)
	}
	// 招标投标: CJ02 only; 公共资源交易: CJ01, CJ02, CJ03 (JL05 is a reward).
	if got := measureCodes(h.scCheck(orgA, "--matter", "招标投标"), 0); got != "CJ02" {
		t.Fatalf("measures for 招标投标 = %s", got)
	}
	if got := measureCodes(h.scCheck(orgA, "--matter", "公共资源交易"), 0); got != "CJ01,CJ02,CJ03" {
		t.Fatalf("measures for 公共资源交易 = %s", got)
	}
	// The last valid day still hits; the day after, nothing (exit 0 both times).
	h.env["CREDIT_TODAY"] = "2026-06-09"
	if c := h.scCheck(orgA, "--matter", "政府采购"); c.Hits != 1 {
		t.Fatalf("on the last valid day: %+v", c)
	}
	h.env["CREDIT_TODAY"] = "2026-06-10"
	c = h.scCheck(orgA, "--matter", "政府采购")
	if c.Hits != 0 || c.Results[0].Status != "clear" || len(c.Results[0].ListEntries) != 0 || len(c.Results[0].Measures) != 0 {
		t.Fatalf("after valid-until: %+v", c)
	}
	// Before the determination there was nothing either.
	h.env["CREDIT_TODAY"] = "2025-06-09"
	if c := h.scCheck(orgA, "--matter", "政府采购"); c.Hits != 0 {
		t.Fatalf("before the determination: %+v", c)
	}
}

// 第二十九条: the organisation's black list record is also its legal
// representative's serious record; a check of the person shows where it
// comes from.
func TestCheckArticle29AndProvenance(t *testing.T) {
	h := scHarness(t)
	h.scImport("HEIMD", scHeimdHeader, scBlackRow(nil))
	c := h.scCheck(personID, "--matter", "评优评级")
	r := c.Results[0]
	if r.Status != "hit" || len(r.ListEntries) != 0 || len(r.SeriousRecords) != 1 {
		t.Fatalf("person: %+v", r)
	}
	sr := r.SeriousRecords[0]
	if sr.Item != "HEIMD" || sr.Role != "legal_rep" || sr.Article != "第二十九条" || sr.OwnerCode != orgA || sr.Batch != 1 {
		t.Fatalf("provenance: %+v", sr)
	}
	// 评优评级 in the draft: CJ05 and CJ19 (JL05 is a reward).
	if got := measureCodes(c, 0); got != "CJ05,CJ19" {
		t.Fatalf("measures = %s", got)
	}
	// Removing the organisation's entry takes the person's hit away too.
	h.ok("roster", "remove", "R1", "--ground", "revoked", "--ref", "通市监信移〔2025〕3号", "--reason", "提前移出")
	if c := h.scCheck(personID, "--matter", "评优评级"); c.Hits != 0 {
		t.Fatalf("after removal: %+v", c)
	}
	if c := h.scCheck(orgA, "--matter", "评优评级"); c.Hits != 0 {
		t.Fatalf("organisation after removal: %+v", c)
	}
}

// 第三十条: a serious record is valid 3 years from the decision (SPEC §B);
// an expired, repaired or withdrawn record never hits.
func TestCheckSeriousRecordsExpiredRepairedWithdrawn(t *testing.T) {
	h := scHarness(t)
	// Decided 2022-01-05: valid through 2025-01-05, expired on 2025-12-01.
	h.scSerious(map[string]string{"行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": orgB, "行政处罚决定书文号": "通市监罚〔2022〕1号",
		"处罚决定日期": "2022-01-05", "处罚有效期": "2023-01-05", "法定代表人证件号码": ""})
	c := h.scCheck(orgB, "--matter", "政府采购")
	if c.Hits != 0 || len(c.Results[0].SeriousRecords) != 0 || !c.Results[0].InArchive {
		t.Fatalf("expired record hit: %+v", c)
	}
	h.env["CREDIT_TODAY"] = "2025-01-05" // its last valid day: a what-if query
	if c := h.scCheck(orgB, "--matter", "政府采购"); c.Hits != 1 || measureCodes(c, 0) != "CJ01" {
		t.Fatalf("on its last valid day: %+v", c)
	}
	h.env["CREDIT_TODAY"] = "2025-12-01"

	// A valid serious record hits...
	h.scSerious(map[string]string{"行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": orgB, "行政处罚决定书文号": "通市监罚〔2025〕9号",
		"法定代表人证件号码": ""})
	c = h.scCheck(orgB, "--matter", "政府采购")
	if c.Hits != 1 || len(c.Results[0].SeriousRecords) != 1 || c.Results[0].SeriousRecords[0].Role != "own" {
		t.Fatalf("valid serious record: %+v", c)
	}
	id := c.Results[0].SeriousRecords[0].RecordID
	// ...until it is repaired (the repair workflow sets the status)...
	h.scExec("UPDATE records SET status = 'repaired' WHERE id = ?", id)
	if c := h.scCheck(orgB, "--matter", "政府采购"); c.Hits != 0 {
		t.Fatalf("repaired record hit: %+v", c)
	}
	// ...or withdrawn.
	h.scExec("UPDATE records SET status = 'withdrawn' WHERE id = ?", id)
	if c := h.scCheck(orgB, "--matter", "政府采购"); c.Hits != 0 {
		t.Fatalf("withdrawn record hit: %+v", c)
	}
	// A general (一般) record is no ground at all.
	h.scImport("XZCF", xzcfHeader, xzcfRow(map[string]string{"行政处罚决定书文号": "通市监罚〔2025〕20号"}))
	if c := h.scCheck(orgA, "--matter", "政府采购"); c.Hits != 0 {
		t.Fatalf("general record hit: %+v", c)
	}
}

// A check reads codes from a file, logs one query per subject in the unit's
// name, exits 0 with or without hits, and writes an xlsx.
func TestCheckFileLoggedAndXLSX(t *testing.T) {
	h := scHarness(t)
	h.scImport("HEIMD", scHeimdHeader, scBlackRow(nil))
	f := filepath.Join(h.dir, "投标人.xlsx")
	writeXLSX(t, f, []string{"名称", "统一社会信用代码"}, [][]string{{"甲公司", orgA}, {"乙公司", orgB}, {"坏代码", "91350100M000100Y4X"}})
	out := filepath.Join(h.dir, "结果.xlsx")
	before := h.scCount("SELECT count(*) FROM query_log WHERE action = 'check'")
	r := h.ok("check", f, "--matter", "政府采购", "--unit", scUnit, "-o", out, "--format", "json")
	var c scCheck
	if err := json.Unmarshal([]byte(r.Out), &c); err != nil {
		t.Fatal(err, r.Out)
	}
	if c.Subjects != 3 || c.Hits != 1 || c.Invalid != 1 {
		t.Fatalf("file check: %+v", c)
	}
	if c.Results[0].Line != 2 || c.Results[0].Status != "hit" || c.Results[1].Status != "clear" || c.Results[2].Status != "invalid_code" {
		t.Fatalf("rows: %+v", c.Results)
	}
	if n := h.scCount("SELECT count(*) FROM query_log WHERE action = 'check' AND unit = ? AND scope = 'shared'", scUnit) - before; n != 3 {
		t.Fatalf("%d check queries logged, want 3", n)
	}
	// The hit's record is logged as returned to the unit.
	if n := h.scCount("SELECT count(*) FROM query_log_records r JOIN query_log q ON q.id = r.query_id WHERE q.action = 'check' AND r.record_id = 1"); n != 1 {
		t.Fatalf("record 1 logged %d times", n)
	}
	x, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := strings.Join(x.GetSheetList(), ","); got != "审查结果,命中明细,适用措施" {
		t.Fatalf("sheets = %s", got)
	}
	rows, _ := x.GetRows("审查结果")
	if len(rows) != 4 || rows[1][1] != orgA || rows[1][3] != "命中" {
		t.Fatalf("审查结果 = %v", rows)
	}
	// Unknown matter: exit 2 listing the valid ones; unregistered unit: exit 5.
	r = h.fails(2, "check", orgA, "--matter", "采购", "--unit", scUnit)
	if !strings.Contains(r.Err, "政府采购") || !strings.Contains(r.Err, "日常监管") {
		t.Fatalf("unknown matter message: %s", r.Err)
	}
	h.fails(2, "check", orgA, "--unit", scUnit)
	h.fails(5, "check", orgA, "--matter", "政府采购", "--unit", agency)
	// A file without a code column is refused whole.
	bad := filepath.Join(h.dir, "bad.csv")
	writeCSV(t, bad, []string{"名称", "地址"}, [][]string{{"甲公司", "南通"}}, false)
	if r := h.fails(4, "check", bad, "--matter", "政府采购", "--unit", scUnit); !strings.Contains(r.Err, "统一社会信用代码") {
		t.Fatalf("missing column message: %s", r.Err)
	}
}

// --record-cases records one case per applicable measure, in one step.
func TestCheckRecordCases(t *testing.T) {
	h := scHarness(t)
	h.scImport("HEIMD", scHeimdHeader, scBlackRow(nil))
	c := h.scCheck(orgA, orgB, "--matter", "公共资源交易", "--record-cases")
	if c.CasesRecorded != 3 || len(c.Results[0].Cases) != 3 || len(c.Results[1].Cases) != 0 {
		t.Fatalf("cases: %+v", c)
	}
	if n := h.scCount("SELECT count(*) FROM audit_log WHERE action = 'case.record'"); n != 3 {
		t.Fatalf("%d case.record audit entries, want 3", n)
	}
	h.ok("audit", "verify")
	var list []map[string]any
	json.Unmarshal([]byte(h.ok("case", "list", "--month", "2025-12", "--format", "json").Out), &list)
	if len(list) != 3 || list[0]["subject_code"] != orgA || list[0]["matter"] != "公共资源交易" || list[0]["date"] != "2025-12-01" {
		t.Fatalf("case list = %v", list)
	}
	// A what-if date in the future may check, but not record cases.
	h.env["CREDIT_TODAY"] = "2099-01-01"
	h.fails(2, "check", orgA, "--matter", "公共资源交易", "--unit", scUnit, "--record-cases")
}

// A check on a past date judges validity as of then, when records expired
// today were still valid: for office staff only, like the archive.
func TestCheckOnPastDateNeedsClerk(t *testing.T) {
	h := scHarness(t) // office date 2025-12-01, before the real date
	h.ok("user", "add", "carol", "--role", "viewer")
	h.ok("user", "add", "bob", "--role", "clerk")
	r := h.as("carol").fails(5, "check", orgA, "--matter", "政府采购", "--unit", scUnit)
	if !strings.Contains(r.Err, "2025-12-01") {
		t.Fatalf("refusal should name the date: %q", r.Err)
	}
	h.as("bob").ok("check", orgA, "--matter", "政府采购", "--unit", scUnit)
	h.env["CREDIT_TODAY"] = ""
	h.as("carol").ok("check", orgA, "--matter", "政府采购", "--unit", scUnit) // today: anyone with viewer
}
