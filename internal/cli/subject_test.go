package cli

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"credit/internal/civil"
	"credit/internal/seal"
	"credit/internal/store"
)

// Valid 身份证号码 (GB 11643 check digits) of adults, for the archive fixtures.
const (
	archRepB      = "320602198001010013" // 李四, legal representative of 乙公司
	archPrincipal = "320602199001010026" // principal responsible person named in 乙公司's serious record
	archWang1     = "320602197506150033" // 王伟
	archWang2     = "110101199003070011" // another 王伟
	archWangMin   = "110101198505050040" // 王伟民
	archUnitA     = deptA                // registered for XYCN (shared)
	archUnitB     = deptB                // registered for XZQZ (shared) only
)

// idPattern matches an 18-character 身份证号码 by its structure (region,
// birth date 19xx/20xx, sequence, check character): what must never appear
// unmasked in the public scope.
var idPattern = regexp.MustCompile(`[1-9]\d{5}(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dXx]`)

// The fixtures are written as if run on their office date (CREDIT_TODAY):
// the real date a run compares a past validity date with is that date,
// unless a test pins another with CREDIT_TEST_REAL_TODAY (a hook of the test
// binary only: the command never reads that variable).
func init() {
	realToday = func(app *App) civil.Date {
		if s := app.Getenv("CREDIT_TEST_REAL_TODAY"); s != "" {
			return civil.MustParse(s)
		}
		return app.Today()
	}
}

// A flag registered for these tests only: the records whose decision number
// holds FLAGME carry it. The query needs no table of its own, so it runs on
// every store the package's tests make.
func init() {
	store.RegisterRecordFlag("archive_test_mark", "SELECT id FROM records WHERE natural_key LIKE '%FLAGME%' AND id IN (%s)")
}

var archExtraHeader = append(append([]string{}, xzcfHeader...), "失信程度", "主要负责人证件号码", "法定代表人负有责任")

func archRow(set map[string]string, severity, principal string) []string {
	return append(xzcfRow(set), severity, principal, set["法定代表人负有责任"])
}

func archPerson(name, id, doc, decided string) map[string]string {
	return map[string]string{"行政相对人名称": name, "行政相对人类别": "自然人", "行政相对人代码_1（统一社会信用代码）": "",
		"法定代表人": "", "法定代表人证件类型": "", "法定代表人证件号码": "", "证件类型": "身份证", "证件号码": id,
		"行政处罚决定书文号": doc, "处罚类别": "警告", "处罚内容": "警告", "罚款金额（万元）": "", "处罚决定日期": decided, "处罚有效期": "2026-12-31"}
}

var xycnHeader = []string{"主体名称", "主体类别", "统一社会信用代码", "证件类型", "证件号码", "法定代表人", "承诺类型", "承诺事由", "承诺内容",
	"承诺日期", "承诺有效期至", "承诺受理单位", "承诺受理单位统一社会信用代码", "履约状态", "数据来源单位", "数据来源单位统一社会信用代码", "备注"}

// archiveHarness is a store (today 2025-12-01) holding:
//
//	甲公司 orgA: 通市监罚〔2025〕1号 (general, 2025-06-10 → valid until 2026-06-10),
//	  通市监罚〔2025〕FLAGME号 (general, 2025-07-01, carries the test flag), and a
//	  shared XYCN 信用承诺; legal representative 张三 (personID)
//	乙公司 orgB: 通市监罚〔2025〕2号, serious (2025-03-01 → 2028-03-01), legal
//	  representative 李四 (archRepB), principal archPrincipal
//	丙公司 orgC: 通市监罚〔2023〕3号, general, 2023-03-01 → expired after 2024-03-01
//	王伟 archWang1, 王伟 archWang2, 王伟民 archWangMin: a 警告 each
//
// and user units A (XYCN) and B (XZQZ); bob is a clerk, carol a viewer.
func archiveHarness(t *testing.T) *harness {
	h := importHarness(t)
	h.ok("provider", "add", provider, "--items", "XYCN")
	h.ok("unit", "add", archUnitA, "--name", "南通市发展和改革委员会", "--items", "XYCN")
	h.ok("unit", "add", archUnitB, "--name", "南通市财政局", "--items", "XZQZ")
	h.ok("user", "add", "bob", "--role", "clerk")
	h.ok("user", "add", "carol", "--role", "viewer")
	f := filepath.Join(h.dir, "xzcf.csv")
	writeCSV(t, f, archExtraHeader, [][]string{
		archRow(nil, "", ""),
		archRow(map[string]string{"行政处罚决定书文号": "通市监罚〔2025〕FLAGME号", "处罚决定日期": "2025-07-01", "处罚内容": "罚款10000元", "罚款金额（万元）": "1"}, "", ""),
		archRow(map[string]string{"行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": orgB, "法定代表人": "李四", "法定代表人证件号码": archRepB,
			"行政处罚决定书文号": "通市监罚〔2025〕2号", "处罚决定日期": "2025-03-01", "法定代表人负有责任": "是"}, "严重", archPrincipal),
		archRow(map[string]string{"行政相对人名称": "丙公司", "行政相对人代码_1（统一社会信用代码）": orgC, "行政处罚决定书文号": "通市监罚〔2023〕3号",
			"处罚决定日期": "2023-03-01"}, "", ""),
		archRow(archPerson("王伟", archWang1, "通市监罚〔2025〕4号", "2025-08-01"), "", ""),
		archRow(archPerson("王伟", archWang2, "通市监罚〔2025〕6号", "2025-10-01"), "", ""),
		archRow(archPerson("王伟民", archWangMin, "通市监罚〔2025〕5号", "2025-09-01"), "", ""),
	}, false)
	h.ok("import", f, "--provider", provider, "--item", "XZCF")
	x := filepath.Join(h.dir, "xycn.csv")
	writeCSV(t, x, xycnHeader, [][]string{{"甲公司", "法人及非法人组织", orgA, "", "", "张三", "告知承诺", "申请食品经营许可", "如实提供材料",
		"2025-05-01", "", "南通市市场监督管理局", agency, "", "南通市市场监督管理局", agency, ""}}, false)
	h.ok("import", x, "--provider", provider, "--item", "XYCN")
	return h
}

type archRecord struct {
	ID         int64             `json:"id"`
	Item       string            `json:"item"`
	ItemName   string            `json:"item_name"`
	Category   string            `json:"category"`
	Provider   string            `json:"provider"`
	DecidedOn  string            `json:"decided_on"`
	Severity   string            `json:"severity"`
	ValidUntil string            `json:"valid_until"`
	State      string            `json:"state"`
	Flags      []string          `json:"flags"`
	LinkedAs   string            `json:"linked_as"`
	Hash       string            `json:"content_hash"`
	Fields     map[string]string `json:"fields"`
}

type archShow struct {
	Subject struct {
		Code, Name, Kind string
		LegalRep         string `json:"legal_rep"`
	} `json:"subject"`
	Records []archRecord `json:"records"`
	Scope   string       `json:"scope"`
	AsOf    string       `json:"as_of"`
}

func (a archShow) byDoc(doc string) *archRecord {
	for i, r := range a.Records {
		if r.Fields["行政处罚决定书文号"] == doc {
			return &a.Records[i]
		}
	}
	return nil
}

func (a archShow) byItem(item string) *archRecord {
	for i, r := range a.Records {
		if r.Item == item {
			return &a.Records[i]
		}
	}
	return nil
}

func showJSON(t *testing.T, h *harness, args ...string) archShow {
	t.Helper()
	return decode[archShow](t, h.ok(append([]string{"subject", "show", "--format", "json"}, args...)...).Out)
}

// noIDs fails when out holds an unmasked ID number.
func noIDs(t *testing.T, what, out string) {
	t.Helper()
	if m := idPattern.FindAllString(out, -1); len(m) > 0 {
		t.Errorf("%s: unmasked ID numbers %v in\n%s", what, m, out)
	}
}

func TestSubjectShowAfterImport(t *testing.T) {
	h := archiveHarness(t)
	a := showJSON(t, h, orgA)
	if a.Scope != "public" || a.AsOf != "2025-12-01" || a.Subject.Code != orgA || a.Subject.Name != "甲公司" || a.Subject.Kind != "organisation" {
		t.Fatalf("subject = %+v scope %s as_of %s", a.Subject, a.Scope, a.AsOf)
	}
	r := a.byDoc("通市监罚〔2025〕1号")
	if r == nil {
		t.Fatalf("the imported record is missing: %+v", a.Records)
	}
	if r.Item != "XZCF" || r.ItemName != "行政处罚" || r.Category != "negative" || r.Provider != provider || r.DecidedOn != "2025-06-10" ||
		r.Severity != "general" || r.ValidUntil != "2026-06-10" || r.State != "valid" || r.Flags == nil || r.LinkedAs != "" {
		t.Errorf("record = %+v", r)
	}
	if r.Fields["处罚内容"] != "罚款20000元" || r.Fields["行政相对人代码_1（统一社会信用代码）"] != orgA || r.Fields["行政相对人名称"] != "甲公司" {
		t.Errorf("fields = %v", r.Fields)
	}
	// The legal representative is personal: masked in the public scope.
	if r.Fields["法定代表人"] != "张*" || r.Fields["法定代表人证件号码"] != "110105********002X" || a.Subject.LegalRep != "张*" {
		t.Errorf("legal representative not masked: %q %q %q", r.Fields["法定代表人"], r.Fields["法定代表人证件号码"], a.Subject.LegalRep)
	}
	// The shared XYCN record is not public; the flag shows.
	if a.byItem("XYCN") != nil || len(a.Records) != 2 {
		t.Errorf("public records = %+v", a.Records)
	}
	if f := a.byDoc("通市监罚〔2025〕FLAGME号"); f == nil || len(f.Flags) != 1 || f.Flags[0] != "archive_test_mark" {
		t.Errorf("flagged record = %+v", f)
	}

	// No unmasked ID number anywhere in the public scope, in JSON or tables.
	for _, code := range []string{orgA, orgB, orgC, archRepB, archPrincipal, archWang1, archWangMin, personID} {
		for _, format := range []string{"json", "table", "csv", "md"} {
			out := h.ok("subject", "show", code, "--format", format, "--full").Out
			noIDs(t, code+" "+format, out)
		}
		h.tty = true
		noIDs(t, code+" tty", h.ok("subject", "show", code, "--full").Out)
		h.tty = false
	}

	// A person: code and name masked, the record's personal fields too.
	p := showJSON(t, h, archWang1)
	if p.Subject.Code != "320602********0033" || p.Subject.Name != "王*" || p.Subject.Kind != "natural_person" || len(p.Records) != 1 {
		t.Fatalf("person = %+v", p)
	}
	if f := p.Records[0].Fields; f["证件号码"] != "320602********0033" || f["行政相对人名称"] != "王*" || f["处罚内容"] != "警告" {
		t.Errorf("person's fields = %v", f)
	}
	// A 15-character or lower-case code is normalised first; an invalid one refused.
	if a := showJSON(t, h, strings.ToLower(orgA)); a.Subject.Name != "甲公司" {
		t.Errorf("lower-case code: %+v", a.Subject)
	}
	h.fails(5, "subject", "show", "91350100M000100Y4X")
	// An unknown subject: no records, nothing to say who it is.
	u := showJSON(t, h, "440524188001010014")
	if len(u.Records) != 0 || u.Subject.Name != "" || u.Subject.Code != "440524********0014" {
		t.Errorf("unknown person = %+v", u)
	}
	// The table groups by category, in Chinese.
	out := h.ok("subject", "show", orgA, "--scope", "office").Out
	for _, want := range []string{"甲公司", "法定代表人\t张三", "通市监罚〔2025〕1号", "一般失信", "有效", "archive_test_mark"} {
		if !strings.Contains(out, want) {
			t.Errorf("office table lacks %q:\n%s", want, out)
		}
	}
	h.tty = true
	out = h.ok("subject", "show", orgA, "--scope", "office").Out
	h.tty = false
	for _, want := range []string{"负面信息（2）", "其他信息（1）", "信用承诺"} {
		if !strings.Contains(out, want) {
			t.Errorf("office tty table lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "负面信息") > strings.Index(out, "其他信息") {
		t.Error("categories out of order")
	}
}

func TestSubjectExpiredAndScopes(t *testing.T) {
	h := archiveHarness(t)
	// 丙公司's record expired on 2024-03-02: absent from public and shared, present and marked in office.
	if a := showJSON(t, h, orgC); len(a.Records) != 0 {
		t.Errorf("public sees an expired record: %+v", a.Records)
	}
	if a := showJSON(t, h.as("bob"), orgC, "--scope", "shared", "--unit", archUnitA); len(a.Records) != 0 {
		t.Errorf("shared sees an expired record: %+v", a.Records)
	}
	o := showJSON(t, h.as("bob"), orgC, "--scope", "office")
	if len(o.Records) != 1 || o.Records[0].State != "expired" || o.Records[0].ValidUntil != "2024-03-01" {
		t.Fatalf("office: %+v", o.Records)
	}
	if out := h.ok("subject", "show", orgC, "--scope", "office").Out; !strings.Contains(out, "已过期") {
		t.Errorf("office table does not say 已过期:\n%s", out)
	}
	// Valid through its last day, as of then.
	if a := showJSON(t, h, orgC, "--as-of", "2024-03-01"); len(a.Records) != 1 || a.Records[0].State != "valid" {
		t.Errorf("as of 2024-03-01: %+v", a.Records)
	}
	if a := showJSON(t, h, orgC, "--as-of", "2024-03-02"); len(a.Records) != 0 {
		t.Errorf("as of 2024-03-02: %+v", a.Records)
	}

	// Refusals: exit 5 with a message naming what is missing.
	for _, c := range []struct {
		h    *harness
		args []string
		want string
	}{
		{h.as("guest"), []string{"--scope", "authorized"}, "--authorization"},
		{h.as("bob"), []string{"--scope", "shared"}, "--unit"},
		{h.as("bob"), []string{"--scope", "shared", "--unit", "113206000140000031"}, "不是已登记的信息使用单位"},
		{h.as("guest"), []string{"--scope", "office"}, "clerk"},
		{h.as("carol"), []string{"--scope", "office"}, "clerk"},
	} {
		r := c.h.fails(5, append([]string{"subject", "show", orgA}, c.args...)...)
		if !strings.Contains(r.Err, c.want) {
			t.Errorf("%v: stderr %q lacks %q", c.args, r.Err, c.want)
		}
	}
	h.fails(2, "subject", "show", orgA, "--scope", "everything")
	h.fails(2, "subject", "show", orgA, "--as-of", "2025-02-30")

	// Shared: public items plus the shared items the unit is registered for, unmasked.
	sa := showJSON(t, h.as("bob"), orgA, "--scope", "shared", "--unit", archUnitA, "--purpose", "招标资格审查")
	if x := sa.byItem("XYCN"); x == nil || x.Fields["承诺类型"] != "告知承诺" || x.Category != "other" {
		t.Errorf("unit A does not see its XYCN record: %+v", sa.Records)
	}
	if r := sa.byDoc("通市监罚〔2025〕1号"); r == nil || r.Fields["法定代表人证件号码"] != personID || r.Fields["法定代表人"] != "张三" {
		t.Errorf("shared scope masks personal fields: %+v", r)
	}
	if sb := showJSON(t, h.as("bob"), orgA, "--scope", "shared", "--unit", archUnitB); sb.byItem("XYCN") != nil || len(sb.Records) != 2 {
		t.Errorf("unit B sees what it is not registered for: %+v", sb.Records)
	}
	if o := showJSON(t, h, orgA, "--scope", "office"); o.byItem("XYCN") == nil || len(o.Records) != 3 {
		t.Errorf("office: %+v", o.Records)
	}
	// Authorized: the subject's own personal data shown, its ID number still masked.
	au := showJSON(t, h.as("guest"), archWang1, "--scope", "authorized", "--authorization", "授权书2025-001")
	if au.Subject.Name != "王伟" || au.Subject.Code != "320602********0033" || len(au.Records) != 1 || au.Records[0].Fields["行政相对人名称"] != "王伟" {
		t.Errorf("authorized: %+v", au)
	}
	out := h.as("guest").ok("subject", "show", archWang1, "--scope", "authorized", "--authorization", "授权书2025-001", "--format", "json", "--full").Out
	noIDs(t, "authorized", out)
	// In the authorized scope an organisation's legal representative is someone else: masked.
	if ao := showJSON(t, h.as("guest"), orgA, "--scope", "authorized", "--authorization", "授权书2025-002"); ao.Subject.LegalRep != "张*" {
		t.Errorf("authorized org legal_rep = %q", ao.Subject.LegalRep)
	}
}

func TestSubjectLinkedRecords(t *testing.T) {
	h := archiveHarness(t)
	// 第二十九条: 乙公司's serious record is also 李四's (legal representative) and the principal's.
	rep := showJSON(t, h, archRepB)
	if len(rep.Records) != 1 {
		t.Fatalf("legal representative's archive: %+v", rep.Records)
	}
	r := rep.Records[0]
	if r.LinkedAs != "legal_rep" || r.Severity != "serious" || r.ValidUntil != "2028-03-01" || r.Fields["行政相对人名称"] != "乙公司" ||
		r.Fields["法定代表人"] != "李*" || r.Fields["行政处罚决定书文号"] != "通市监罚〔2025〕2号" {
		t.Errorf("linked record = %+v", r)
	}
	if rep.Subject.Code != "320602********0013" || rep.Subject.Name != "李*" {
		t.Errorf("linked person = %+v", rep.Subject)
	}
	if out := h.ok("subject", "show", archRepB).Out; !strings.Contains(out, "负有责任的法定代表人") {
		t.Errorf("table does not say why the record is 李四's:\n%s", out)
	}
	pr := showJSON(t, h, archPrincipal)
	if len(pr.Records) != 1 || pr.Records[0].LinkedAs != "principal" || pr.Records[0].Fields["主要负责人证件号码"] != "320602********0026" {
		t.Errorf("principal's archive: %+v", pr.Records)
	}
	// 张三 represents 甲公司, whose records are general: none is his.
	if z := showJSON(t, h, personID, "--scope", "office"); len(z.Records) != 0 {
		t.Errorf("general records linked to 张三: %+v", z.Records)
	}
}

type archHit struct {
	Code, Name, Kind, Match string
	Records                 int
}

func TestSubjectSearch(t *testing.T) {
	h := archiveHarness(t)
	hits := decode[[]archHit](t, h.ok("subject", "search", "王伟", "--scope", "office", "--format", "json").Out)
	if len(hits) != 3 || hits[0].Name != "王伟" || hits[1].Name != "王伟" || hits[2].Name != "王伟民" ||
		hits[0].Match != "exact" || hits[2].Match != "prefix" || hits[0].Records != 1 {
		t.Fatalf("office 王伟 → %+v", hits)
	}
	// Public and authorized: a natural person is never found by name (that
	// would tell whether someone of that full name is on file).
	out := h.as("guest").ok("subject", "search", "王伟", "--format", "json").Out
	noIDs(t, "public search", out)
	if hits = decode[[]archHit](t, out); len(hits) != 0 {
		t.Errorf("public 王伟 → %+v", hits)
	}
	if hits := decode[[]archHit](t, h.as("guest").ok("subject", "search", "王伟民", "--scope", "authorized", "--authorization", "授权书2025-001",
		"--format", "json").Out); len(hits) != 0 {
		t.Errorf("authorized 王伟民 → %+v", hits)
	}
	noIDs(t, "public search table", h.as("guest").ok("subject", "search", "王伟").Out)
	// Shared (unmasked): found by name, as in the office.
	if hits := decode[[]archHit](t, h.as("bob").ok("subject", "search", "王伟", "--scope", "shared", "--unit", archUnitA, "--format", "json").Out); len(hits) != 3 ||
		hits[0].Match != "exact" {
		t.Errorf("shared 王伟 → %+v", hits)
	}
	// By name substring and by code prefix.
	if hits := decode[[]archHit](t, h.ok("subject", "search", "甲公", "--format", "json").Out); len(hits) != 1 || hits[0].Code != orgA || hits[0].Match != "prefix" {
		t.Errorf("甲公 → %+v", hits)
	}
	if hits := decode[[]archHit](t, h.ok("subject", "search", "913501", "--format", "json").Out); len(hits) != 1 || hits[0].Name != "甲公司" {
		t.Errorf("913501 → %+v", hits)
	}
	// Outside the office a person is found by the whole ID number only.
	if hits := decode[[]archHit](t, h.ok("subject", "search", "3206021975", "--format", "json").Out); len(hits) != 0 {
		t.Errorf("public ID prefix search found %+v", hits)
	}
	// Found by the whole ID number: masked, and the match says only that
	// (never "exact", which a name search would share).
	if hits := decode[[]archHit](t, h.as("guest").ok("subject", "search", archWang1, "--format", "json").Out); len(hits) != 1 || hits[0].Name != "王*" ||
		hits[0].Match != "code" || hits[0].Code != "320602********0033" || hits[0].Records != 1 {
		t.Errorf("public whole-ID search → %+v", hits)
	}
	if out := h.as("guest").ok("subject", "search", archWang1).Out; !strings.Contains(out, "完整证件号码") || strings.Contains(out, "完全相同") {
		t.Errorf("public whole-ID search table:\n%s", out)
	}
	if hits := decode[[]archHit](t, h.ok("subject", "search", archWang1, "--scope", "office", "--format", "json").Out); len(hits) != 1 || hits[0].Match != "exact" {
		t.Errorf("office whole-ID search → %+v", hits)
	}
	if hits := decode[[]archHit](t, h.ok("subject", "search", "3206021975", "--scope", "office", "--format", "json").Out); len(hits) != 1 {
		t.Errorf("office ID prefix search → %+v", hits)
	}
	// 丙公司 has only an expired record: not found in public, found in office.
	if hits := decode[[]archHit](t, h.ok("subject", "search", "丙公司", "--format", "json").Out); len(hits) != 0 {
		t.Errorf("public found 丙公司: %+v", hits)
	}
	if hits := decode[[]archHit](t, h.ok("subject", "search", "丙公司", "--scope", "office", "--format", "json").Out); len(hits) != 1 {
		t.Errorf("office did not find 丙公司: %+v", hits)
	}
	// Paging.
	p2 := decode[[]archHit](t, h.ok("subject", "search", "王伟", "--scope", "office", "--per-page", "2", "--page", "2", "--format", "json").Out)
	if len(p2) != 1 || p2[0].Name != "王伟民" {
		t.Errorf("page 2 → %+v", p2)
	}
	if out := h.ok("subject", "search", "王伟", "--scope", "office", "--per-page", "2").Out; !strings.Contains(out, "王伟") {
		t.Errorf("table: %s", out)
	}
	h.fails(2, "subject", "search", "王伟", "--per-page", "0")
	h.fails(2, "subject", "search", "  ")
	// Every search is logged, with its text in the protected form (never as
	// typed: TestQueryLogKeepsNoTypedText).
	st := openTestStore(t, h)
	var n int
	if err := st.DB.QueryRow(`SELECT count(*) FROM query_log WHERE action = 'search' AND subject_id IS NULL AND query LIKE 'name:2:sha256:%'
		AND query = (SELECT query FROM query_log WHERE id = 1)`).Scan(&n); err != nil || n != 6 {
		t.Errorf("search log entries = %d, %v", n, err)
	}
}

func openTestStore(t *testing.T, h *harness) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), h.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// With the office key beside the store, as credit itself opens it (a
	// sealed store's query-log journal is moved only with its key).
	if k, err := seal.Load(seal.DefaultPath(h.db)); err == nil {
		if err := st.UseKey(context.Background(), k); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

type archQuery struct {
	Operator, Action, Scope, Unit, Purpose, Authorization string
	Records                                               int
}

func TestSubjectQueries(t *testing.T) {
	h := archiveHarness(t)
	h.as("guest").ok("subject", "show", orgA, "--purpose", "合作前了解")
	h.as("bob").ok("subject", "show", orgA, "--scope", "shared", "--unit", archUnitA, "--purpose", "招标资格审查")
	h.ok("subject", "show", orgA, "--scope", "office")
	qs := decode[[]archQuery](t, h.ok("subject", "queries", orgA, "--format", "json").Out)
	if len(qs) != 3 {
		t.Fatalf("queries = %+v", qs)
	}
	// Newest first.
	want := []archQuery{
		{Operator: "alice", Action: "show", Scope: "office", Records: 3},
		{Operator: "bob", Action: "show", Scope: "shared", Unit: archUnitA, Purpose: "招标资格审查", Records: 3},
		{Operator: "guest", Action: "show", Scope: "public", Purpose: "合作前了解", Records: 2},
	}
	for i, w := range want {
		if qs[i] != w {
			t.Errorf("query %d = %+v, want %+v", i, qs[i], w)
		}
	}
	out := h.ok("subject", "queries", orgA).Out
	if !strings.Contains(out, "招标资格审查") || !strings.Contains(out, "bob") {
		t.Errorf("table: %s", out)
	}
	// Who looked at whom is itself sensitive: office staff only.
	for _, who := range []string{"guest", "carol"} {
		if r := h.as(who).fails(5, "subject", "queries", orgA); !strings.Contains(r.Err, "敏感") {
			t.Errorf("%s: %s", who, r.Err)
		}
	}
	// The shared lookup gave unit A the records it saw.
	st := openTestStore(t, h)
	a := showJSON(t, h, orgA, "--scope", "office")
	x := a.byItem("XYCN")
	recv, err := st.UnitsThatReceived(context.Background(), x.ID, x.Hash)
	if err != nil || len(recv) != 1 || recv[0].Unit != archUnitA || strings.Join(recv[0].Actions, ",") != "show" {
		t.Errorf("UnitsThatReceived = %+v, %v", recv, err)
	}
}

type archChange struct {
	Rev       int    `json:"rev"`
	Procedure string `json:"procedure"`
	At        string `json:"at"`
	Operator  string `json:"operator"`
	Ref       string `json:"ref"`
	Changes   []struct {
		Field, Old, New string
	} `json:"changes"`
}

type archHistory struct {
	Records []struct {
		ID        int64        `json:"id"`
		Item      string       `json:"item"`
		Revisions []archChange `json:"revisions"`
	} `json:"records"`
}

func TestSubjectHistory(t *testing.T) {
	h := archiveHarness(t)
	// A revised file: same key, changed 处罚内容 and fine.
	f := filepath.Join(h.dir, "revised.csv")
	writeCSV(t, f, xzcfHeader, [][]string{xzcfRow(map[string]string{"处罚内容": "罚款30000元", "罚款金额（万元）": "3"})}, false)
	r := h.as("bob").ok("import", f, "--provider", provider, "--item", "XZCF", "--format", "json")
	if !strings.Contains(r.Out, `"revised":1`) {
		t.Fatalf("revision: %s", r.Out)
	}
	if a := showJSON(t, h, orgA); a.byDoc("通市监罚〔2025〕1号").Fields["处罚内容"] != "罚款30000元" {
		t.Errorf("current content not shown")
	}
	hist := decode[archHistory](t, h.ok("subject", "history", orgA, "--format", "json").Out)
	var revs []archChange
	for _, rec := range hist.Records {
		if len(rec.Revisions) == 2 {
			revs = rec.Revisions
		}
	}
	if len(hist.Records) != 3 || revs == nil {
		t.Fatalf("history = %+v", hist)
	}
	if revs[0].Rev != 1 || revs[0].Procedure != "import" || revs[0].Operator != "alice" || revs[0].Ref != "batch:1" {
		t.Errorf("rev 1 = %+v", revs[0])
	}
	got := map[string][2]string{}
	for _, c := range revs[1].Changes {
		got[c.Field] = [2]string{c.Old, c.New}
	}
	if revs[1].Rev != 2 || revs[1].Procedure != "revision" || revs[1].Operator != "bob" || revs[1].Ref != "batch:3" || revs[1].At == "" ||
		len(got) != 2 || got["处罚内容"] != [2]string{"罚款20000元", "罚款30000元"} || got["罚款金额（万元）"] != [2]string{"2", "3"} {
		t.Errorf("rev 2 = %+v", revs[1])
	}
	out := h.ok("subject", "history", orgA).Out
	for _, want := range []string{"报送修订", "处罚内容\t罚款20000元\t罚款30000元", "首次归集"} {
		if !strings.Contains(out, want) {
			t.Errorf("history table lacks %q:\n%s", want, out)
		}
	}
	h.as("guest").fails(5, "subject", "history", orgA)
	h.as("carol").fails(5, "subject", "history", orgA)
	// The look is logged.
	if qs := decode[[]archQuery](t, h.ok("subject", "queries", orgA, "--format", "json").Out); len(qs) == 0 || qs[0].Action != "history" {
		t.Errorf("history not logged: %+v", qs)
	}
}

func TestSubjectReport(t *testing.T) {
	h := archiveHarness(t)
	md := filepath.Join(h.dir, "report.md")
	h.as("guest").ok("subject", "report", orgA, "-o", md)
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, want := range []string{"信用报告", "报告日期 | 2025-12-01", "查询范围 | 社会公开（public）", "甲公司", "## 负面信息（2）",
		"通市监罚〔2025〕1号", "法定代表人 | 张*", "【archive_test_mark】"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "告知承诺") {
		t.Error("the public report holds a shared record")
	}
	noIDs(t, "public report", text)
	// Office: the expired record struck through and labelled.
	hp := filepath.Join(h.dir, "report.html")
	h.ok("subject", "report", orgC, "--scope", "office", "-o", hp)
	b, _ = os.ReadFile(hp)
	for _, want := range []string{"<del>", "【已过期】", "工作机构内部", "丙公司"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("office report lacks %q", want)
		}
	}
	h.fails(2, "subject", "report", orgA)
	h.fails(2, "subject", "report", orgA, "-o", filepath.Join(h.dir, "r.pdf"))
	h.as("guest").fails(5, "subject", "report", orgA, "--scope", "office", "-o", md, "--force")
	if qs := decode[[]archQuery](t, h.ok("subject", "queries", orgA, "--format", "json").Out); len(qs) != 1 || qs[0].Action != "report" || qs[0].Operator != "guest" {
		t.Errorf("report not logged: %+v", qs)
	}

	// With the objection workflow (SPEC §D), a record under objection is marked 异议中.
	rec := showJSON(t, h, orgA).byDoc("通市监罚〔2025〕1号")
	h.ok("objection", "file", "--record", itoa(int(rec.ID)), "--ground", "wrong", "--applicant", "甲公司")
	h.ok("subject", "report", orgA, "-o", md, "--force")
	b, _ = os.ReadFile(md)
	if !strings.Contains(string(b), "【异议中】") {
		t.Errorf("report does not mark the record under objection:\n%s", b)
	}
	if out := h.ok("subject", "show", orgA).Out; !strings.Contains(out, "异议中") {
		t.Errorf("show does not mark the record under objection:\n%s", out)
	}
}

// 第三十条: an expired record is never public. Judging validity on a past
// date (--as-of, or --today before the real date) would show as valid what
// has expired since: outside the office scope that needs the clerk role.
func TestSubjectPastValidityDateIsOffice(t *testing.T) {
	h := archiveHarness(t) // office date 2025-12-01
	// The real date: 甲公司's 通市监罚〔2025〕1号 (valid until 2026-06-10) has
	// expired; FLAGME (decided 2025-07-01) is on its last valid day.
	h.env["CREDIT_TEST_REAL_TODAY"] = "2026-07-01"
	md := filepath.Join(h.dir, "r.md")
	for _, who := range []string{"guest", "carol"} { // no role; viewer
		for _, args := range [][]string{
			{"subject", "show", orgA}, // --today 2025-12-01 (CREDIT_TODAY) lies in the past
			{"subject", "show", orgA, "--today", "2026-07-01", "--as-of", "2026-01-01"},
			{"subject", "show", orgA, "--today", "2026-07-01", "--as-of", "2026-06-30", "--scope", "authorized", "--authorization", "授权书-1"},
			{"subject", "show", orgA, "--scope", "shared", "--unit", archUnitA},
			{"subject", "search", "甲公司"},
			{"subject", "report", orgA, "-o", md},
		} {
			r := h.as(who).fails(5, args...)
			if !strings.Contains(r.Err, "clerk") || !strings.Contains(r.Err, "2026-07-01") {
				t.Errorf("%s %v: %s", who, args, r.Err)
			}
		}
	}
	// On the real date, and after it (a what-if about the future), anyone.
	pub := showJSON(t, h.as("guest"), orgA, "--today", "2026-07-01")
	if len(pub.Records) != 1 || pub.byDoc("通市监罚〔2025〕FLAGME号") == nil || pub.AsOf != "2026-07-01" {
		t.Errorf("public on the real date: %+v", pub.Records)
	}
	if later := showJSON(t, h.as("carol"), orgA, "--today", "2026-07-01", "--as-of", "2026-07-02"); len(later.Records) != 0 {
		t.Errorf("public the day after: %+v", later.Records)
	}
	// A clerk may ask about a past date in any scope.
	if past := showJSON(t, h.as("bob"), orgA, "--as-of", "2026-01-01"); len(past.Records) != 2 || past.byDoc("通市监罚〔2025〕1号").State != "valid" {
		t.Errorf("clerk, public, as of 2026-01-01: %+v", past.Records)
	}
	showJSON(t, h.as("bob"), orgA, "--scope", "shared", "--unit", archUnitA)
	if o := showJSON(t, h.as("bob"), orgA, "--scope", "office", "--today", "2026-07-01"); o.byDoc("通市监罚〔2025〕1号").State != "expired" {
		t.Errorf("office on the real date: %+v", o.Records)
	}

	// The command compares with the real clock itself (not the test hook).
	hook := realToday
	t.Cleanup(func() { realToday = hook })
	realToday = func(app *App) civil.Date { return app.Clock().RealToday() }
	if r := h.as("guest").fails(5, "subject", "show", orgA, "--today", "2024-01-02"); !strings.Contains(r.Err, "2024-01-02") {
		t.Errorf("real clock: %s", r.Err)
	}
	h.as("bob").ok("subject", "show", orgA, "--today", "2024-01-02")
}

// A record decided after the date validity is judged on did not exist then:
// no scope sees it; the office sees it marked 当日尚未作出.
func TestSubjectRecordsNotYetDecided(t *testing.T) {
	h := archiveHarness(t)
	// As of 2025-06-20: 通市监罚〔2025〕1号 (06-10) and the XYCN commitment
	// (05-01) exist, FLAGME (07-01) does not yet.
	pub := showJSON(t, h, orgA, "--as-of", "2025-06-20")
	if len(pub.Records) != 1 || pub.byDoc("通市监罚〔2025〕1号") == nil {
		t.Errorf("public as of 2025-06-20: %+v", pub.Records)
	}
	if sh := showJSON(t, h.as("bob"), orgA, "--as-of", "2025-06-20", "--scope", "shared", "--unit", archUnitA); len(sh.Records) != 2 ||
		sh.byItem("XYCN") == nil || sh.byDoc("通市监罚〔2025〕FLAGME号") != nil {
		t.Errorf("shared as of 2025-06-20: %+v", sh.Records)
	}
	off := showJSON(t, h.as("bob"), orgA, "--as-of", "2025-06-20", "--scope", "office")
	if f := off.byDoc("通市监罚〔2025〕FLAGME号"); len(off.Records) != 3 || f == nil || f.State != "not_yet" || off.byDoc("通市监罚〔2025〕1号").State != "valid" {
		t.Errorf("office as of 2025-06-20: %+v", off.Records)
	}
	if out := h.ok("subject", "show", orgA, "--as-of", "2025-06-20", "--scope", "office").Out; !strings.Contains(out, "当日尚未作出") {
		t.Errorf("office table does not mark the record not yet decided:\n%s", out)
	}
	hp := filepath.Join(h.dir, "r.html")
	h.ok("subject", "report", orgA, "--as-of", "2025-06-20", "--scope", "office", "-o", hp)
	if b, _ := os.ReadFile(hp); !strings.Contains(string(b), "<del>") || !strings.Contains(string(b), "【当日尚未作出】") {
		t.Errorf("office report does not strike the record not yet decided:\n%s", b)
	}
	// Before any record: nothing, and a search does not find 甲公司.
	if a := showJSON(t, h, orgA, "--as-of", "2025-04-30", "--scope", "shared", "--unit", archUnitA); len(a.Records) != 0 {
		t.Errorf("shared as of 2025-04-30: %+v", a.Records)
	}
	if hits := decode[[]archHit](t, h.ok("subject", "search", "甲公司", "--as-of", "2025-04-30", "--format", "json").Out); len(hits) != 0 {
		t.Errorf("public search as of 2025-04-30 → %+v", hits)
	}
	if hits := decode[[]archHit](t, h.ok("subject", "search", "甲公司", "--as-of", "2025-06-20", "--format", "json").Out); len(hits) != 1 || hits[0].Records != 1 {
		t.Errorf("public search as of 2025-06-20 → %+v", hits)
	}
}

// A subject row that an unpublished (staging or crashed) batch created is on
// file for nobody: show, search, history, check and verify all answer as for
// a code never seen, in every scope, until the batch is published.
func TestSubjectsOfUnpublishedBatches(t *testing.T) {
	h := archiveHarness(t)
	const stagedOrg = "91320600MA1W00XD0J"
	st := openTestStore(t, h)
	res, err := st.DB.Exec(`INSERT INTO batches(provider, item, channel, file_name, file_hash, catalog_version, state, today, operator, started_at)
		VALUES (?, 'XZCF', 'local', 'staged.csv', 'h-staged', 1, 'staging', '2025-12-01', 'bob', '2025-12-01T01:00:00Z')`, provider)
	if err != nil {
		t.Fatal(err)
	}
	batch, _ := res.LastInsertId()
	var org, person int64
	for _, s := range []struct {
		code, kind, name string
		id               *int64
	}{{stagedOrg, "organisation", "丁公司", &org}, {archUnknownID, "natural_person", "赵六", &person}} {
		if err := st.DB.QueryRow(`INSERT INTO subjects(code, kind, name, name_key, first_batch, created_at) VALUES (?, ?, ?, ?, ?, 'x') RETURNING id`,
			s.code, s.kind, s.name, s.name, batch).Scan(s.id); err != nil {
			t.Fatal(err)
		}
	}
	// Their names into the search index, as ResolveSubjectList does for the
	// subjects an import creates (migration 014).
	if _, err := st.DB.Exec("INSERT INTO subject_names(rowid, name_key) SELECT id, name_key FROM subjects WHERE id IN (?, ?)", org, person); err != nil {
		t.Fatal(err)
	}
	// 丁公司's record in the staging batch names 赵六 as its legal representative.
	var rec int64
	if err := st.DB.QueryRow(`INSERT INTO records(item, natural_key, subject_id, provider, first_batch, channel, category, severity, decided_on,
		valid_until, layout, vals, content_hash, updated_at)
		SELECT item, 'staged-key', ?, provider, ?, channel, category, 'serious', decided_on, valid_until, layout, vals, 'h-staged', updated_at
		FROM records WHERE id = 1 RETURNING id`, org, batch).Scan(&rec); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB.Exec("INSERT INTO record_links(record_id, subject_id, role) VALUES (?, ?, 'legal_rep')", rec, person); err != nil {
		t.Fatal(err)
	}
	verifyFile := filepath.Join(h.dir, "核查.csv")
	writeCSV(t, verifyFile, []string{"名称", "统一社会信用代码/身份证号码"}, [][]string{{"丁公司", stagedOrg}, {"赵六", archUnknownID}}, false)
	unknown := func(stage string) {
		t.Helper()
		for _, code := range []string{stagedOrg, archUnknownID} {
			for _, c := range []struct {
				h    *harness
				args []string
			}{{h.as("guest"), nil}, {h, []string{"--scope", "office"}}, {h.as("bob"), []string{"--scope", "shared", "--unit", archUnitA}}} {
				if a := showJSON(t, c.h, append([]string{code}, c.args...)...); a.Subject.Name != "" || len(a.Records) != 0 {
					t.Errorf("%s: show %s %v = %+v", stage, code, c.args, a)
				}
			}
			hist := decode[struct {
				Subject struct{ Name string } `json:"subject"`
				Records []any                 `json:"records"`
			}](t, h.ok("subject", "history", code, "--format", "json").Out)
			if hist.Subject.Name != "" || len(hist.Records) != 0 {
				t.Errorf("%s: history %s = %+v", stage, code, hist)
			}
		}
		for _, text := range []string{"丁公司", "赵六", stagedOrg, archUnknownID, "9132060", "4405"} {
			for _, scope := range []string{"office", "public"} {
				if hits := decode[[]archHit](t, h.ok("subject", "search", text, "--scope", scope, "--format", "json").Out); len(hits) != 0 {
					t.Errorf("%s: %s search %s → %+v", stage, scope, text, hits)
				}
			}
		}
		chk := decode[scCheck](t, h.ok("check", stagedOrg, archUnknownID, "--matter", "政府采购", "--unit", archUnitA, "--format", "json").Out)
		for _, r := range chk.Results {
			if r.InArchive || r.Name != "" || r.Status != "clear" {
				t.Errorf("%s: check %+v", stage, r)
			}
		}
		v := decode[struct {
			Results []struct{ Result, StoredName string } `json:"results"`
		}](t, h.ok("verify", verifyFile, "--format", "json").Out)
		if len(v.Results) != 2 || v.Results[0].Result != "unknown_code" || v.Results[1].Result != "unknown_code" {
			t.Errorf("%s: verify %+v", stage, v.Results)
		}
	}
	unknown("staging")
	// A crashed import leaves its batch staging, then discarded: still nobody's.
	if _, err := st.DB.Exec("UPDATE batches SET state = 'discarded' WHERE id = ?", batch); err != nil {
		t.Fatal(err)
	}
	unknown("discarded")
	// Published, the same rows are on file (the fixture is what an import makes).
	if _, err := st.DB.Exec("UPDATE batches SET state = 'published' WHERE id = ?", batch); err != nil {
		t.Fatal(err)
	}
	if a := showJSON(t, h, stagedOrg, "--scope", "office"); a.Subject.Name != "丁公司" || len(a.Records) != 1 {
		t.Errorf("published: %+v", a)
	}
	if a := showJSON(t, h, archUnknownID, "--scope", "office"); a.Subject.Name != "赵六" || len(a.Records) != 1 || a.Records[0].LinkedAs != "legal_rep" {
		t.Errorf("published person: %+v", a)
	}
	if hits := decode[[]archHit](t, h.ok("subject", "search", "丁公司", "--format", "json").Out); len(hits) != 1 {
		t.Errorf("published: search → %+v", hits)
	}
	chk := decode[scCheck](t, h.ok("check", stagedOrg, "--matter", "政府采购", "--unit", archUnitA, "--format", "json").Out)
	if r := chk.Results[0]; !r.InArchive || r.Name != "丁公司" {
		t.Errorf("published: check %+v", r)
	}
}

// A correction under an objection on ground prohibited (第十四条) takes
// information out for good: in the history the revisions it superseded —
// the one it corrected and every earlier one, which may hold the same
// values — show 【已撤回】 instead of their values. A correction under
// ground wrong keeps the old values visible to the office.
func TestSubjectHistoryRedactsProhibitedCorrection(t *testing.T) {
	h := queueHarness(t)
	const secret = "当事人患有乙型肝炎"
	if r := h.importXZCF("2025-09-01", "one.csv", nil, xzcfRow(map[string]string{"违法事实": "发布虚假广告，" + secret})); r.Code != 0 {
		t.Fatalf("import: %s %s", r.Out, r.Err)
	}
	// An import revision keeps the value (rev 2), then the objection's correction takes it out (rev 3).
	if r := h.importXZCF("2025-09-10", "rev.csv", nil, xzcfRow(map[string]string{"违法事实": "发布虚假广告，" + secret, "备注": "补报"})); r.Code != 0 {
		t.Fatalf("revision: %s %s", r.Out, r.Err)
	}
	h.objection("2025-11-03", "file", "--record", "1", "--ground", "prohibited", "--applicant", "甲公司")
	h.objection("2025-11-03", "decide", "1", "--uphold", "--reason", "含第十四条禁止归集的疾病信息")
	h.objection("2025-11-04", "correct", "1", "--set", "违法事实=发布虚假广告")
	out := h.on("2025-11-05", "subject", "history", orgA, "--format", "json").Out
	if strings.Contains(out, secret) {
		t.Fatalf("history shows the prohibited value:\n%s", out)
	}
	type historyJSON struct {
		Records []struct {
			Redacted  bool `json:"redacted"`
			Revisions []struct {
				Rev       int    `json:"rev"`
				Procedure string `json:"procedure"`
				Ref       string `json:"ref"`
				Redacted  bool   `json:"redacted"`
				Changes   []struct{ Field, Old, New string }
			} `json:"revisions"`
		} `json:"records"`
	}
	hist := decode[historyJSON](t, out)
	if len(hist.Records) != 1 || hist.Records[0].Redacted || len(hist.Records[0].Revisions) != 3 {
		t.Fatalf("history = %s", out)
	}
	change := func(rev int, field string) (string, string) {
		for _, c := range hist.Records[0].Revisions[rev-1].Changes {
			if c.Field == field {
				return c.Old, c.New
			}
		}
		return "<none>", "<none>"
	}
	revs := hist.Records[0].Revisions
	if !revs[0].Redacted || !revs[1].Redacted || revs[2].Redacted || revs[2].Procedure != "correction" || revs[2].Ref != "objection:1" {
		t.Errorf("revisions = %+v", revs)
	}
	// Rev 1 (the import): every value withheld, the fields named.
	if o, n := change(1, "违法事实"); o != "" || n != "【已撤回】" {
		t.Errorf("rev 1 违法事实: %q → %q", o, n)
	}
	if _, n := change(1, "行政处罚决定书文号"); n != "【已撤回】" {
		t.Errorf("rev 1 文号: %q", n)
	}
	// Rev 2 (the import revision): what changed, not what it held.
	if o, n := change(2, "备注"); o != "" || n != "【已撤回】" {
		t.Errorf("rev 2 备注: %q → %q", o, n)
	}
	// Rev 3 (the correction): the old value withheld, the corrected one shown.
	if o, n := change(3, "违法事实"); o != "【已撤回】" || n != "发布虚假广告" {
		t.Errorf("rev 3 违法事实: %q → %q", o, n)
	}
	table := h.on("2025-11-05", "subject", "history", orgA).Out
	if strings.Contains(table, secret) || !strings.Contains(table, "【已撤回】") {
		t.Errorf("history table:\n%s", table)
	}

	// Ground wrong: the office sees what the correction changed.
	h.objection("2025-11-05", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司")
	h.objection("2025-11-05", "decide", "2", "--uphold", "--reason", "金额有误")
	h.objection("2025-11-06", "correct", "2", "--set", "备注=经核实更正")
	hist = decode[historyJSON](t, h.on("2025-11-07", "subject", "history", orgA, "--format", "json").Out)
	if revs := hist.Records[0].Revisions; len(revs) != 4 || revs[3].Redacted {
		t.Fatalf("after the second correction: %+v", revs)
	}
	if o, n := change(4, "备注"); o != "补报" || n != "经核实更正" {
		t.Errorf("rev 4 备注: %q → %q", o, n)
	}
}

// A search is paged with --limit/--offset and never cut off unsaid: on a
// terminal the footer gives the total and the rows shown ("共 3 条，显示
// 2–3"); in a pipe the rows alone (SPEC §A TSV); --count prints the total
// alone; JSON is one array of the page (issue 19). 王伟 in the office scope
// finds three subjects: 王伟, 王伟 (exact) and 王伟民 (prefix).
func TestSubjectSearchLimitOffsetCount(t *testing.T) {
	h := archiveHarness(t)
	page := decode[[]archHit](t, h.ok("subject", "search", "王伟", "--scope", "office", "--limit", "2", "--offset", "1", "--format", "json").Out)
	if len(page) != 2 || page[0].Name != "王伟" || page[1].Name != "王伟民" {
		t.Fatalf("--limit 2 --offset 1 → %+v", page)
	}
	if out := h.ok("subject", "search", "王伟", "--scope", "office", "--count").Out; out != "3\n" {
		t.Fatalf("--count printed %q, want 3", out)
	}
	if out := h.ok("subject", "search", "丙公司", "--count").Out; out != "0\n" {
		t.Fatalf("--count in the public scope printed %q, want 0 (only an expired record)", out)
	}
	pipe := h.ok("subject", "search", "王伟", "--scope", "office", "--limit", "2").Out
	if strings.Count(pipe, "\n") != 2 || strings.Contains(pipe, "共") {
		t.Fatalf("a pipe gets the rows alone:\n%s", pipe)
	}
	h.tty = true
	out := h.ok("subject", "search", "王伟", "--scope", "office", "--limit", "2", "--offset", "1").Out
	if !strings.Contains(out, "共 3 条，显示 2–3（工作机构内部范围）") || strings.Contains(out, "下一页") {
		t.Fatalf("terminal footer:\n%s", out)
	}
	out = h.ok("subject", "search", "王伟", "--scope", "office", "--limit", "1").Out
	if !strings.Contains(out, "共 3 条，显示 1–1") || !strings.Contains(out, "下一页：--offset 1") {
		t.Fatalf("terminal footer of a first page:\n%s", out)
	}
	h.tty = false
	h.fails(2, "subject", "search", "王伟", "--limit", "0")
	h.fails(2, "subject", "search", "王伟", "--offset", "-1")
	h.fails(2, "subject", "search", "王伟", "--limit", "2", "--page", "2")
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 12345: "12,345", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
