package archive

import (
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"credit/catalogs"
	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/ingest"
	"credit/internal/operator"
	"credit/internal/store"
)

// The standards' published example codes (reference/domain.md §2).
const (
	exampleID   = "11010519491231002X" // GB 11643
	exampleUSCC = "91350100M000100Y43" // GB 32100
	deptCode    = "113206000140000015"
)

func defaultCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	name, data := catalogs.Default()
	cat, err := catalog.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func TestScrubIDs(t *testing.T) {
	cases := map[string]string{
		exampleID:                            "110105********002X",
		"身份证" + exampleID + "号":              "身份证110105********002X号",
		"a:" + exampleID + ";b:" + exampleID: "a:110105********002X;b:110105********002X",
		"9" + exampleID:                      "9110105********002X", // an ID inside a longer run
		"11010519491231002x":                 "110105********002x",  // lower-case x
		"110105491231002":                    "110105*****1002",     // an old 15-digit number, alone
		"1101054912310021":                   "1101054912310021",    // 16 digits: no 15-digit ID inside is taken
		exampleUSCC:                          exampleUSCC,           // organisations' codes stay
		"11010519491231002Y":                 "11010519491231002Y",  // not an ID
		"11010519491231003X":                 "110105********003X",  // wrong check digit: still an ID (issue 16)
		"913206020000026740":                 "913206020000026740",  // an all-digit USCC: no birth-date shape
		"110105********002X":                 "110105********002X",  // already masked
		"罚款20000元":                           "罚款20000元",
		"":                                   "",
	}
	for in, want := range cases {
		if got := ScrubIDs(in); got != want {
			t.Errorf("ScrubIDs(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaskValue(t *testing.T) {
	cases := []struct {
		in     string
		isName bool
		want   string
	}{
		{"张三", true, "张*"},
		{"张三；欧阳娜娜", true, "张*；欧***"},
		{exampleID, false, "110105********002X"},
		{exampleID + ";" + exampleID, false, "110105********002X;110105********002X"},
		{"13800138000", false, "138****8000"},
		{"", true, ""},
	}
	for _, c := range cases {
		if got := maskValue(c.in, c.isName); got != c.want {
			t.Errorf("maskValue(%q, %v) = %q, want %q", c.in, c.isName, got, c.want)
		}
	}
}

func TestPersonalFields(t *testing.T) {
	it := defaultCatalog(t).Item("XZCF")
	cases := []struct {
		field          string
		kind           catalog.SubjectKind
		personal, name bool
	}{
		{"行政相对人名称", catalog.NaturalPerson, true, true},
		{"行政相对人名称", catalog.Organisation, false, false},
		{"证件号码", catalog.NaturalPerson, true, false},
		{"行政相对人代码_1（统一社会信用代码）", catalog.Organisation, false, false},
		{"法定代表人", catalog.Organisation, true, true},
		{"法定代表人证件号码", catalog.Organisation, true, false},
		{"处罚内容", catalog.NaturalPerson, false, false},
		{"主要负责人证件号码", catalog.Organisation, true, false},
		{"直接责任人证件号码", catalog.Organisation, true, false},
		{"失信程度", catalog.Organisation, false, false},
		{"程序类型", catalog.Organisation, false, false},
		{"某个已删除的字段", catalog.Organisation, true, false}, // cannot be judged: not disclosed
	}
	for _, c := range cases {
		p, n := personal(it, c.field, c.kind)
		if p != c.personal || n != c.name {
			t.Errorf("personal(%s, %s) = %v, %v; want %v, %v", c.field, c.kind, p, n, c.personal, c.name)
		}
	}
}

// Every extra column an import stores must be classified here.
func TestExtraColumnsKnown(t *testing.T) {
	for _, c := range append(append([]string{}, ingest.ExtraColumns...), ingest.ColOwnIncome) {
		if _, ok := extraColumns[c]; !ok {
			t.Errorf("extra column %s is not classified as personal or not", c)
		}
	}
}

func TestStateOf(t *testing.T) {
	on := civil.MustParse("2025-12-01")
	cases := []struct {
		r    store.StoredRecord
		want string
	}{
		{store.StoredRecord{Status: "active", Procedure: "import", ValidUntil: "2026-06-10"}, StateValid},
		{store.StoredRecord{Status: "active", Procedure: "import", ValidUntil: ""}, StateValid},
		{store.StoredRecord{Status: "active", Procedure: "import", ValidUntil: "2025-12-01"}, StateValid}, // valid through the last day
		{store.StoredRecord{Status: "active", Procedure: "import", ValidUntil: "2025-11-30"}, StateExpired},
		{store.StoredRecord{Status: "active", Procedure: "revision", ValidUntil: "2026-06-10"}, StateValid},
		{store.StoredRecord{Status: "active", Procedure: "correction", ValidUntil: "2026-06-10"}, StateCorrected},
		{store.StoredRecord{Status: "active", Procedure: "correction", ValidUntil: "2025-01-01"}, StateExpired},
		{store.StoredRecord{Status: "repaired", Procedure: "repair", ValidUntil: "2026-06-10"}, StateRepaired},
		// Decided after the date: it did not exist yet, whatever else holds.
		{store.StoredRecord{Status: "active", Procedure: "import", DecidedOn: "2025-12-02", ValidUntil: "2026-12-02"}, StateNotYet},
		{store.StoredRecord{Status: "repaired", Procedure: "repair", DecidedOn: "2025-12-02", ValidUntil: "2026-12-02"}, StateNotYet},
		{store.StoredRecord{Status: "active", Procedure: "import", DecidedOn: "2025-12-01", ValidUntil: "2026-12-01"}, StateValid},
	}
	for _, c := range cases {
		if got := StateOf(c.r, on); got != c.want {
			t.Errorf("StateOf(%+v) = %s, want %s", c.r, got, c.want)
		}
	}
	// Only the office sees a record not yet decided on the date.
	notYet := store.StoredRecord{Item: "XZCF", Status: "active", Procedure: "import", DecidedOn: "2025-12-02"}
	pub := &Access{Request: Request{Scope: Public, AsOf: on}, items: map[string]bool{"XZCF": true}}
	off := &Access{Request: Request{Scope: Office, AsOf: on}}
	if pub.visible(notYet, StateOf(notYet, on)) || !off.visible(notYet, StateOf(notYet, on)) {
		t.Error("a record decided after the date: visible outside the office, or hidden from it")
	}
}

func TestFieldsJSONKeepsOrder(t *testing.T) {
	// As the CLI prints JSON: without HTML escaping.
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(Fields{{"处罚内容", "罚款<2万>元"}, {"备注", `说"明"`}, {"A", ""}}); err != nil {
		t.Fatal(err)
	}
	if want := `{"处罚内容":"罚款<2万>元","备注":"说\"明\"","A":""}` + "\n"; b.String() != want {
		t.Errorf("got %s, want %s", b.String(), want)
	}
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "a.db"), store.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	actor := store.Actor{Operator: "alice", Today: civil.MustParse("2025-12-01"), Now: func() time.Time { return time.Date(2025, 12, 1, 2, 0, 0, 0, time.UTC) }}
	if err := st.Write(ctx, actor, func(tx *store.Tx) error {
		_, _, err := tx.PutUnit(deptCode, "南通市发展和改革委员会", []string{"XYCN"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestAuthorize(t *testing.T) {
	st := openStore(t)
	cat := defaultCatalog(t)
	// A copy of the catalog in which XZQZ needs the subject's authorization.
	name, data := catalogs.Default()
	authCat, err := catalog.Parse(name, []byte(strings.Replace(string(data), "    disclosure: shared\n", "    disclosure: authorized\n", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if authCat.Item("XZQZ").Disclosure != catalog.Authorized {
		t.Fatal("test catalog: XZQZ should be authorized")
	}
	ctx := context.Background()
	anyone := operator.Operator{Name: "guest"}
	clerk := operator.Operator{Name: "bob", Role: operator.Clerk}
	viewer := operator.Operator{Name: "carol", Role: operator.Viewer}
	on := civil.MustParse("2025-12-01")

	refusals := []struct {
		name string
		op   operator.Operator
		req  Request
		want string
	}{
		{"authorized without authorization", anyone, Request{Scope: Authorized}, "--authorization"},
		{"shared without unit", clerk, Request{Scope: Shared}, "--unit"},
		{"shared, unknown unit", clerk, Request{Scope: Shared, Unit: "113206000140000028"}, "113206000140000028"},
		{"public, unknown unit", anyone, Request{Scope: Public, Unit: "113206000140000028"}, "113206000140000028"},
		{"office as viewer", viewer, Request{Scope: Office}, "clerk"},
		{"office as nobody", anyone, Request{Scope: Office}, "clerk"},
	}
	for _, c := range refusals {
		c.req.AsOf, c.req.RealToday = on, on
		_, err := Authorize(ctx, st, cat, c.op, c.req)
		if apperr.CodeOf(err) != apperr.Rule || !strings.Contains(apperr.MessageOf(err, "zh"), c.want) {
			t.Errorf("%s: err = %v (exit %d), want exit 5 naming %s", c.name, err, apperr.CodeOf(err), c.want)
		}
	}

	sees := func(acc *Access) string {
		var out []string
		for _, it := range []string{"XZCF", "XZXK", "XZQZ", "XYCN", "HEIMD"} {
			if acc.Sees(it) {
				out = append(out, it)
			}
		}
		return strings.Join(out, ",")
	}
	cases := []struct {
		name string
		cat  *catalog.Catalog
		op   operator.Operator
		req  Request
		want string
	}{
		{"public", cat, anyone, Request{Scope: Public}, "XZCF,XZXK,HEIMD"},
		{"shared: public + registered shared", cat, clerk, Request{Scope: Shared, Unit: deptCode}, "XZCF,XZXK,XYCN,HEIMD"},
		{"office: everything", cat, clerk, Request{Scope: Office}, "XZCF,XZXK,XZQZ,XYCN,HEIMD"},
		{"authorized: public + authorized", authCat, anyone, Request{Scope: Authorized, Authorization: "授权书-1"}, "XZCF,XZXK,XZQZ,HEIMD"},
		{"shared without authorization: no authorized items", authCat, clerk, Request{Scope: Shared, Unit: deptCode}, "XZCF,XZXK,XYCN,HEIMD"},
		{"shared with authorization", authCat, clerk, Request{Scope: Shared, Unit: deptCode, Authorization: "授权书-1"}, "XZCF,XZXK,XZQZ,XYCN,HEIMD"},
	}
	for _, c := range cases {
		c.req.AsOf, c.req.RealToday = on, on
		acc, err := Authorize(ctx, st, c.cat, c.op, c.req)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := sees(acc); got != c.want {
			t.Errorf("%s: sees %s, want %s", c.name, got, c.want)
		}
	}
	acc, _ := Authorize(ctx, st, cat, clerk, Request{Scope: Shared, Unit: " 113206000140000015 ", AsOf: on, RealToday: on})
	if acc.UnitName != "南通市发展和改革委员会" || acc.Unit != deptCode {
		t.Errorf("unit = %q %q", acc.Unit, acc.UnitName)
	}

	// Validity judged on a date before the real one is an office function
	// (第三十条: what has expired since would show as valid): outside the
	// office scope it needs the clerk role; a later date is anyone's.
	real := civil.MustParse("2026-07-01")
	past := []Request{
		{Scope: Public},
		{Scope: Authorized, Authorization: "授权书-1"},
		{Scope: Shared, Unit: deptCode},
	}
	for _, req := range past {
		req.AsOf, req.RealToday = on, real
		for _, op := range []operator.Operator{anyone, viewer} {
			_, err := Authorize(ctx, st, cat, op, req)
			if apperr.CodeOf(err) != apperr.Rule || !strings.Contains(apperr.MessageOf(err, "zh"), "clerk") ||
				!strings.Contains(apperr.MessageOf(err, "en"), "2025-12-01") {
				t.Errorf("%s as %s on a past date: %v", req.Scope, op.Name, err)
			}
		}
		if _, err := Authorize(ctx, st, cat, clerk, req); err != nil {
			t.Errorf("%s as a clerk on a past date: %v", req.Scope, err)
		}
		req.AsOf = real.AddDays(30)
		if _, err := Authorize(ctx, st, cat, viewer, req); err != nil {
			t.Errorf("%s as a viewer on a later date: %v", req.Scope, err)
		}
	}
	// Without RealToday the real clock decides: 2000-01-01 is past for anyone.
	if _, err := Authorize(ctx, st, cat, anyone, Request{Scope: Public, AsOf: civil.MustParse("2000-01-01")}); apperr.CodeOf(err) != apperr.Rule {
		t.Errorf("a past date against the real clock: %v", err)
	}
	if _, err := Authorize(ctx, st, cat, anyone, Request{Scope: Public, AsOf: civil.MustParse("2999-01-01")}); err != nil {
		t.Errorf("a later date against the real clock: %v", err)
	}
	if _, err := ParseScope("secret"); apperr.CodeOf(err) != apperr.Usage {
		t.Errorf("ParseScope(secret) = %v", err)
	}
	if s, err := ParseScope(""); err != nil || s != Public {
		t.Errorf("ParseScope('') = %v %v, want public", s, err)
	}
}

func TestReportMarks(t *testing.T) {
	cat := defaultCatalog(t)
	a := &Archive{
		Subject: Subject{Code: exampleUSCC, Name: "甲公司", Kind: "organisation", LegalRep: "张*"},
		Scope:   Office, AsOf: civil.MustParse("2025-12-01"), QueryID: 42,
		Records: []Record{
			{ID: 7, Item: "XZCF", ItemName: "行政处罚", Category: "negative", Provider: deptCode, ProviderName: "南通市市场监督管理局",
				DecidedOn: "2025-06-10", Severity: "general", ValidUntil: "2026-06-10", State: StateValid, Flags: []string{"under_objection"},
				Fields: Fields{{"行政处罚决定书文号", "通市监罚〔2025〕1号"}, {"处罚内容", "罚款20000元"}}},
			{ID: 8, Item: "XZCF", ItemName: "行政处罚", Category: "negative", DecidedOn: "2023-01-05", Severity: "general",
				ValidUntil: "2024-01-05", State: StateExpired, Flags: []string{}, Fields: Fields{{"行政处罚决定书文号", "通市监罚〔2023〕9号"}}},
			{ID: 9, Item: "XZXK", ItemName: "行政许可", Category: "basic", DecidedOn: "2024-03-01", State: StateRepaired, Flags: []string{"under_repair"}},
		},
	}
	rp := &Report{Archive: a, Catalog: cat, Date: civil.MustParse("2025-12-02"), Operator: "bob", Jurisdiction: "南通市"}
	md := string(rp.Markdown())
	for _, want := range []string{
		"# 南通市公共信用信息信用报告", "报告日期 | 2025-12-02", "有效性判断日期 | 2025-12-01", "查询范围 | 工作机构内部（office）",
		"报告编号（查询记录） | Q42", "## 基本信息（1）", "## 正面信息（0）", "## 负面信息（2）", "## 其他信息（0）",
		"通市监罚〔2025〕1号；罚款20000元 【异议中】", "~~3. 行政处罚 · 通市监罚〔2023〕9号~~ 【已过期】", "【已修复】 【修复中】",
		"| 有效期至 | ~~2024-01-05~~ |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	// Categories come in the order 基本, 正面, 负面, 其他.
	if i, j := strings.Index(md, "## 基本信息"), strings.Index(md, "## 负面信息"); i < 0 || j < i {
		t.Error("categories out of order")
	}
	h := string(rp.HTML())
	for _, want := range []string{"<del>3. 行政处罚 · 通市监罚〔2023〕9号</del>", `<span class="mark">【异议中】</span>`, `<section class="struck">`,
		"<th>查询范围</th><td>工作机构内部（office）</td>", "<th>报告日期</th><td>2025-12-02</td>"} {
		if !strings.Contains(h, want) {
			t.Errorf("html lacks %q", want)
		}
	}
	if regexp.MustCompile(`<script`).MatchString(h) {
		t.Error("html has a script")
	}
}

func TestRecordHistoryChanges(t *testing.T) {
	acc := &Access{Request: Request{Scope: Office}, Catalog: defaultCatalog(t)}
	layouts := map[int64][]string{1: {"处罚内容", "备注"}, 2: {"处罚内容", "备注", "失信程度"}}
	cur := store.StoredRecord{ID: 5, Item: "XZCF", FirstBatch: 3, Rev: 3, Procedure: "correction", Status: "active", Severity: "general",
		ValidUntil: "2026-06-10", Layout: 2, Vals: `["罚款30000元","","一般"]`, ContentHash: "h3", CreatedBy: "alice", CreatedAt: "2025-06-11T01:00:00Z"}
	old := []store.SupersededRevision{
		{Rev: 1, Procedure: "import", Severity: "general", ValidUntil: "2026-06-10", Status: "active", Layout: 1, Vals: `["罚款20000元","旧备注"]`,
			ContentHash: "h1", SupersededAt: "2025-07-01T01:00:00Z", SupersededBy: "revision", Ref: "batch:4", Operator: "bob"},
		{Rev: 2, Procedure: "revision", Severity: "serious", ValidUntil: "2028-06-10", Status: "active", Layout: 1, Vals: `["罚款30000元","旧备注"]`,
			ContentHash: "h2", SupersededAt: "2025-08-01T01:00:00Z", SupersededBy: "correction", Ref: "objection:7", Operator: "carol"},
	}
	rh, err := recordHistory(acc, cur, old, layouts)
	if err != nil {
		t.Fatal(err)
	}
	if len(rh.Revisions) != 3 || rh.ItemName != "行政处罚" {
		t.Fatalf("history = %+v", rh)
	}
	// Each revision: the change that made it, by whom, when, under which reference.
	want := []struct {
		rev             int
		proc, by, at, r string
		changes         string
	}{
		{1, "import", "alice", "2025-06-11T01:00:00Z", "batch:3", "处罚内容:→罚款20000元 备注:→旧备注"},
		{2, "revision", "bob", "2025-07-01T01:00:00Z", "batch:4", "处罚内容:罚款20000元→罚款30000元 记录失信程度:general→serious 记录有效期至:2026-06-10→2028-06-10"},
		{3, "correction", "carol", "2025-08-01T01:00:00Z", "objection:7", "备注:旧备注→ 失信程度:→一般 记录失信程度:serious→general 记录有效期至:2028-06-10→2026-06-10"},
	}
	for i, w := range want {
		c := rh.Revisions[i]
		var ch []string
		for _, x := range c.Changes {
			ch = append(ch, x.Field+":"+x.Old+"→"+x.New)
		}
		if c.Rev != w.rev || c.Procedure != w.proc || c.Operator != w.by || c.At != w.at || c.Ref != w.r || strings.Join(ch, " ") != w.changes {
			t.Errorf("revision %d = %+v (%s), want %+v", i+1, c, strings.Join(ch, " "), w)
		}
	}
	// A withdrawn record tells that it changed, never what it held.
	cur.Status, cur.Procedure = "withdrawn", "withdrawal"
	rh, _ = recordHistory(acc, cur, old, layouts)
	if !rh.Redacted {
		t.Fatal("withdrawn record not redacted")
	}
	for _, c := range rh.Revisions {
		for _, x := range c.Changes {
			if strings.Contains(x.Old+x.New, "罚款") || strings.Contains(x.Old+x.New, "备注") {
				t.Errorf("withdrawn record's value shown: %+v", x)
			}
		}
	}

	// Rev 2 was superseded by a correction under a prohibited-ground
	// objection: revs 1 and 2 are redacted (rev 1 held the same 备注), rev 3
	// shows its own values and what it changed, without the old ones.
	cur.Status, cur.Procedure = "active", "correction"
	old[1].ObjectionGround = "prohibited"
	rh, err = recordHistory(acc, cur, old, layouts)
	if err != nil {
		t.Fatal(err)
	}
	if rh.Redacted {
		t.Fatal("a corrected record is not withdrawn")
	}
	want = []struct {
		rev             int
		proc, by, at, r string
		changes         string
	}{
		{1, "import", "alice", "2025-06-11T01:00:00Z", "batch:3", "处罚内容:→【已撤回】 备注:→【已撤回】"},
		{2, "revision", "bob", "2025-07-01T01:00:00Z", "batch:4", "处罚内容:【已撤回】→【已撤回】 记录失信程度:general→serious 记录有效期至:2026-06-10→2028-06-10"},
		{3, "correction", "carol", "2025-08-01T01:00:00Z", "objection:7", "备注:【已撤回】→ 失信程度:→一般 记录失信程度:serious→general 记录有效期至:2028-06-10→2026-06-10"},
	}
	for i, w := range want {
		c := rh.Revisions[i]
		var ch []string
		for _, x := range c.Changes {
			ch = append(ch, x.Field+":"+x.Old+"→"+x.New)
		}
		if c.Rev != w.rev || c.Procedure != w.proc || c.Ref != w.r || strings.Join(ch, " ") != w.changes || c.Redacted != (i < 2) {
			t.Errorf("prohibited: revision %d = %+v (%s), want %+v", i+1, c, strings.Join(ch, " "), w)
		}
	}
	// A correction under ground wrong redacts nothing.
	old[1].ObjectionGround = "wrong"
	rh, _ = recordHistory(acc, cur, old, layouts)
	for _, c := range rh.Revisions {
		if c.Redacted {
			t.Errorf("ground wrong: revision %d redacted", c.Rev)
		}
	}
}
