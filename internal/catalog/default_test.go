package catalog_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"credit/catalogs"
	"credit/internal/catalog"
	"credit/internal/civil"
)

func defaultCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	name, data := catalogs.Default()
	c, err := catalog.Parse(name, data)
	if err != nil {
		t.Fatalf("the default catalog does not parse: %v", err)
	}
	return c
}

type nationalField struct {
	name     string
	required bool // 必填 in reference/domain.md
	code     string
}

// The 30 行政处罚 fields of the national 双公示 standard, in order, as
// reference/domain.md §1.1 lists them (必填 → required).
var xzcfNational = []nationalField{
	{"行政相对人名称", true, "CF_XDR_MC"},
	{"行政相对人类别", true, "CF_XDR_LB"},
	{"行政相对人代码_1（统一社会信用代码）", false, "CF_XDR_SHXYM"},
	{"行政相对人代码_2（工商注册号）", false, "CF_XDR_GSZC"},
	{"行政相对人代码_3（组织机构代码）", false, "CF_XDR_ZZJG"},
	{"行政相对人代码_4（税务登记号）", false, "CF_XDR_SWDJ"},
	{"行政相对人代码_5（事业单位证书号）", false, "CF_XDR_SYDW"},
	{"行政相对人代码_6（社会组织登记证号）", false, "CF_XDR_SHZZ"},
	{"法定代表人", false, "CF_FRDB"},
	{"法定代表人证件类型", false, "CF_FR_ZJLX"},
	{"法定代表人证件号码", false, "CF_FR_ZJHM"},
	{"证件类型", false, "CF_XDR_ZJLX"},
	{"证件号码", false, "CF_XDR_ZJHM"},
	{"行政处罚决定书文号", true, "CF_WSH"},
	{"违法行为类型", true, "CF_WFXW"},
	{"违法事实", true, "CF_SY"},
	{"处罚依据", true, "CF_YJ"},
	{"处罚类别", true, "CF_CFLB"},
	{"处罚内容", true, "CF_NR"},
	{"罚款金额（万元）", false, "CF_NR_FK"},
	{"没收违法所得、没收非法财物的金额（万元）", false, "CF_NR_WFFF"},
	{"暂扣或吊销证照名称及编号", false, "CF_NR_ZKDX"},
	{"处罚决定日期", true, "CF_JDRQ"},
	{"处罚有效期", true, "CF_YXQ"},
	{"公示截止期", false, "CF_GSJZQ"},
	{"处罚机关", true, "CF_CFJG"},
	{"处罚机关统一社会信用代码", true, "CF_CFJGDM"},
	{"数据来源单位", true, "CF_SJLY"},
	{"数据来源单位统一社会信用代码", true, "CF_SJLYDM"},
	{"备注", false, "BZ"},
}

// The 行政许可 fields of reference/domain.md §1.2 (the table's fields, in the
// exporter's header order, 行政相对人类别 after the name as in 行政处罚).
var xzxkNational = []nationalField{
	{"行政相对人名称", true, "XK_XDR_MC"},
	{"行政相对人类别", true, "XK_XDR_LB"},
	{"行政相对人代码_1（统一社会信用代码）", false, "XK_XDR_SHXYM"},
	{"行政相对人代码_2（工商注册号）", false, "XK_XDR_GSZC"},
	{"行政相对人代码_3（组织机构代码）", false, "XK_XDR_ZZJG"},
	{"行政相对人代码_4（税务登记号）", false, "XK_XDR_SWDJ"},
	{"行政相对人代码_5（事业单位证书号）", false, "XK_XDR_SYDW"},
	{"行政相对人代码_6（社会组织登记证号）", false, "XK_XDR_SHZZ"},
	{"法定代表人", false, "XK_FRDB"},
	{"法定代表人证件类型", false, "XK_FR_ZJLX"},
	{"法定代表人证件号码", false, "XK_FR_ZJHM"},
	{"证件类型", false, "XK_XDR_ZJLX"},
	{"证件号码", false, "XK_XDR_ZJHM"},
	{"行政许可决定文书名称", true, "XK_XKWS"},
	{"行政许可决定文书号", true, "XK_WSH"},
	{"许可类别", true, "XK_XKLB"},
	{"许可证书名称", false, "XK_XKZS"},
	{"许可编号", false, "XK_XKBH"},
	{"许可内容", true, "XK_NR"},
	{"许可决定日期", true, "XK_JDRQ"},
	{"有效期自", true, "XK_YXQZ"},
	{"有效期至", true, "XK_YXQZI"},
	{"许可机关", true, "XK_XKJG"},
	{"许可机关统一社会信用代码", true, "XK_XKJGDM"},
	{"当前状态", true, "XK_ZT"},
	{"数据来源单位", true, "XK_LYDW"},
	{"数据来源单位统一社会信用代码", true, "XK_LYDWDM"},
	{"备注", false, "BZ"},
}

func checkNational(t *testing.T, it *catalog.Item, want []nationalField) {
	t.Helper()
	if len(it.Fields) != len(want) {
		t.Fatalf("%s has %d fields, want %d: %v", it.Code, len(it.Fields), len(want), it.FieldNames())
	}
	for i, w := range want {
		f := it.Fields[i]
		if f.Name != w.name {
			t.Errorf("%s field %d is %q, want %q", it.Code, i+1, f.Name, w.name)
		}
		if f.Required.Always != w.required {
			t.Errorf("%s %s: required %v, want %v", it.Code, w.name, f.Required.Always, w.required)
		}
		if it.FieldByHeader(w.code) != f {
			t.Errorf("%s: the column code %s does not find %s", it.Code, w.code, w.name)
		}
	}
}

func TestDefaultCatalog(t *testing.T) {
	c := defaultCatalog(t)
	if c.Jurisdiction != "南通市" || c.Effective != civil.MustParse("2018-01-01") {
		t.Errorf("header: %s %s %s", c.Jurisdiction, c.Version, c.Effective)
	}
	if !reflect.DeepEqual(c.Policy, catalog.DefaultPolicy()) {
		t.Errorf("the default catalog's policy differs from the measures' defaults: %+v", c.Policy)
	}
	if len(c.Providers) != 0 || len(c.Units) != 0 {
		t.Errorf("the default catalog ships providers or units")
	}
	// Categories of 第九条–第十三条 and the items SPEC §5 requires.
	for code, want := range map[string]struct {
		cat    catalog.Category
		disc   catalog.Disclosure
		roster string
	}{
		"XZXK": {catalog.Basic, catalog.Public, ""}, "XZCF": {catalog.Negative, catalog.Public, ""},
		"DJZC": {catalog.Basic, catalog.Public, ""}, "BZJL": {catalog.Positive, catalog.Public, ""},
		"HMD": {catalog.Positive, catalog.Public, "red"}, "HEIMD": {catalog.Negative, catalog.Public, "black"},
		"XYCN": {catalog.Other, catalog.Shared, ""},
	} {
		it := c.Item(code)
		if it == nil {
			t.Errorf("no item %s", code)
			continue
		}
		if it.Category != want.cat || it.Disclosure != want.disc || it.Roster != want.roster {
			t.Errorf("%s: %s %s %q, want %s %s %q", code, it.Category, it.Disclosure, it.Roster, want.cat, want.disc, want.roster)
		}
		if it.UpdateCycle == "" || it.Subject.Name == "" || len(it.Subject.Codes) == 0 || len(it.Key) == 0 {
			t.Errorf("%s lacks update cycle, subject or key", code)
		}
	}
	if c.Item("HEIMD").Severity.Default != catalog.Serious {
		t.Errorf("HEIMD is not serious by default")
	}
	if f := c.Item("HMD").Field("认定日期"); f == nil || !f.NotAfterToday {
		t.Errorf("HMD 认定日期 should be not_after_today")
	}
}

func TestDefaultXZCF(t *testing.T) {
	c := defaultCatalog(t)
	it := c.Item("XZCF")
	checkNational(t, it, xzcfNational)

	// Natural keys of SPEC §5: the party's code is 代码_1 or, for a natural person, 证件号码.
	if want := []string{"处罚机关统一社会信用代码", "行政处罚决定书文号", "行政相对人代码_1（统一社会信用代码）", "证件号码"}; !reflect.DeepEqual(it.Key, want) {
		t.Errorf("key %v", it.Key)
	}
	if it.KindField != "违法行为类型" {
		t.Errorf("kind field %q", it.KindField)
	}
	// Code lists of domain.md §1.3, with 非法人组织 added so a provider can
	// say a subject is no 法人 (issue 15: 第二十九条 never links its records).
	if f := it.Field("行政相对人类别"); f.Type != catalog.Enum || !reflect.DeepEqual(f.Values, []string{"法人及非法人组织", "非法人组织", "自然人", "个体工商户"}) {
		t.Errorf("行政相对人类别: %+v", f)
	}
	kinds := []string{"警告", "通报批评", "罚款", "没收违法所得", "没收非法财物", "暂扣许可证件", "降低资质等级", "吊销许可证件", "限制开展生产经营活动", "责令停产停业", "责令关闭", "限制从业", "行政拘留", "其他"}
	if f := it.Field("处罚类别"); f.Type != catalog.Enum || !f.Multiple || !reflect.DeepEqual(f.Values, kinds) {
		t.Errorf("处罚类别: %+v", f)
	}
	idTypes := it.Field("证件类型")
	for _, v := range []string{"身份证", "护照号", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "外国人永久居留身份证", "其他-军官证"} {
		if !idTypes.Allows(v) {
			t.Errorf("证件类型 refuses %s", v)
		}
	}
	if idTypes.Allows("其他") || idTypes.Allows("驾驶证") {
		t.Errorf("证件类型 allows a value outside the list")
	}
	// Types and flags.
	for name, typ := range map[string]catalog.FieldType{
		"行政相对人代码_1（统一社会信用代码）": catalog.PartyCode, "证件号码": catalog.IDNumber, "罚款金额（万元）": catalog.Money,
		"处罚机关统一社会信用代码": catalog.USCC, "数据来源单位统一社会信用代码": catalog.USCC, "处罚决定日期": catalog.Date,
		"处罚有效期": catalog.Date, "公示截止期": catalog.Date,
	} {
		if f := it.Field(name); f.Type != typ {
			t.Errorf("%s is %s, want %s", name, f.Type, typ)
		}
	}
	if f := it.Field("罚款金额（万元）"); f.FenPerUnit() != 1_000_000 {
		t.Errorf("罚款金额（万元） is not in 万元")
	}
	for _, f := range it.Fields {
		if want := f.Name == "处罚决定日期"; f.NotAfterToday != want {
			t.Errorf("%s not_after_today %v", f.Name, f.NotAfterToday)
		}
		want := f.Name == "法定代表人" || f.Name == "法定代表人证件号码" || f.Name == "证件号码"
		if f.Personal != want {
			t.Errorf("%s personal %v", f.Name, f.Personal)
		}
	}
	if it.Field("证件号码").IDType != "证件类型" || it.Field("法定代表人证件号码").IDType != "法定代表人证件类型" {
		t.Errorf("id_type not set")
	}
	if it.FieldByHeader("法定代表人身份证号") != it.Field("法定代表人证件号码") || it.FieldByHeader("行政相对人代码_1(统一社会信用代码)") != it.Field("行政相对人代码_1（统一社会信用代码）") {
		t.Errorf("old name or half-width brackets not found")
	}

	// Conditional requirements (domain.md §1.1, §1.4).
	row := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(f string) string { return m[f] }
	}
	req := func(name string, get func(string) string) bool { return it.Required(it.Field(name), get) }
	person := row("行政相对人类别", "自然人", "处罚类别", "警告")
	org := row("行政相对人类别", "法人及非法人组织", "处罚类别", "罚款；吊销许可证件")
	shop := row("行政相对人类别", "个体工商户", "行政相对人代码_1（统一社会信用代码）", "00000000000000000x", "处罚类别", "没收违法所得")
	for _, c := range []struct {
		field string
		get   func(string) string
		want  bool
	}{
		{"证件类型", person, true}, {"证件号码", person, true}, {"证件号码", org, false},
		{"行政相对人代码_1（统一社会信用代码）", person, false}, {"行政相对人代码_1（统一社会信用代码）", org, true}, {"行政相对人代码_1（统一社会信用代码）", shop, true},
		{"行政相对人代码_2（工商注册号）", shop, true}, {"行政相对人代码_2（工商注册号）", org, false},
		{"罚款金额（万元）", org, true}, {"罚款金额（万元）", person, false}, {"没收违法所得、没收非法财物的金额（万元）", shop, true},
		{"暂扣或吊销证照名称及编号", org, true}, {"行政处罚决定书文号", person, true}, {"备注", org, false},
	} {
		if got := req(c.field, c.get); got != c.want {
			t.Errorf("%s required = %v, want %v", c.field, got, c.want)
		}
	}
	// Severity: the city's rule makes 吊销许可证件 etc. serious.
	if s := it.DecideSeverity(org); s != catalog.Serious {
		t.Errorf("罚款；吊销许可证件 is %s", s)
	}
	if s := it.DecideSeverity(person); s != catalog.General {
		t.Errorf("警告 is %s", s)
	}
	if g, s := c.ValidityFor(it, catalog.General), c.ValidityFor(it, catalog.Serious); g != (catalog.Period{Years: 1}) || s != (catalog.Period{Years: 3}) {
		t.Errorf("validity %v %v", g, s)
	}
	if k, ok := it.Subject.KindFor(" 个体工商户 "); !ok || k != catalog.IndividualBusiness {
		t.Errorf("KindFor: %v %v", k, ok)
	}
	if !it.IsPersonal(it.Field("行政相对人名称"), catalog.NaturalPerson) || it.IsPersonal(it.Field("行政相对人名称"), catalog.Organisation) {
		t.Errorf("a natural person's name is personal, an organisation's is not")
	}
}

func TestDefaultXZXK(t *testing.T) {
	c := defaultCatalog(t)
	it := c.Item("XZXK")
	checkNational(t, it, xzxkNational)
	if want := []string{"许可机关统一社会信用代码", "行政许可决定文书号", "行政相对人代码_1（统一社会信用代码）", "证件号码"}; !reflect.DeepEqual(it.Key, want) {
		t.Errorf("key %v", it.Key)
	}
	f := it.Field("许可类别")
	for _, v := range []string{"普通", "特许", "认可", "核准", "登记", "其他-备案"} {
		if !f.Allows(v) {
			t.Errorf("许可类别 refuses %s", v)
		}
	}
	if f.Allows("其他") {
		t.Errorf("许可类别 其他 must name the kind (domain.md §1.2)")
	}
	if !it.Field("许可决定日期").NotAfterToday || it.Field("有效期至").NotAfterToday || it.Field("有效期自").NotAfterToday {
		t.Errorf("only 许可决定日期 is not_after_today")
	}
	if c.ValidityFor(it, catalog.General) != (catalog.Period{}) {
		t.Errorf("a licence has no use period of its own")
	}
}

func TestDefaultRoundTrip(t *testing.T) {
	roundTrip(t, defaultCatalog(t))
}

func TestDefaultHasNoProhibitedField(t *testing.T) {
	c := defaultCatalog(t)
	for _, it := range c.Items {
		for _, f := range it.Fields {
			if term, bad := c.ProhibitedName(f.Name); bad {
				t.Errorf("%s %s holds %s", it.Code, f.Name, term)
			}
		}
	}
}

func TestFieldRules(t *testing.T) {
	f := &catalog.Field{Type: catalog.Enum, Multiple: true, Values: []string{"警告", "罚款", "其他-*"}}
	if got := catalog.SplitMultiple(" 警告；罚款;其他-x、 "); !reflect.DeepEqual(got, []string{"警告", "罚款", "其他-x"}) {
		t.Errorf("SplitMultiple: %q", got)
	}
	if bad := f.BadValues("警告；拘留;罚款、其他-"); !reflect.DeepEqual(bad, []string{"拘留", "其他-"}) {
		t.Errorf("BadValues: %q", bad)
	}
	if !f.Has("警告；罚款", "罚款") || f.Has("警告", "罚款") {
		t.Errorf("Has")
	}
	if (&catalog.Field{Type: catalog.Text}).BadValues("anything") != nil {
		t.Errorf("text fields allow anything")
	}
	if !strings.Contains(catalog.Category("negative").Label("zh"), "负面") || catalog.Public.Label("en") != "public" {
		t.Errorf("labels")
	}
}

// The full example in docs/catalog.md is a valid catalog.
func TestDocsExampleParses(t *testing.T) {
	doc, err := os.ReadFile("../../docs/catalog.md")
	if err != nil {
		t.Fatal("docs/catalog.md: ", err)
	}
	s := string(doc)
	start := strings.Index(s, "```yaml\njurisdiction:")
	if start < 0 {
		t.Fatal("no full example in docs/catalog.md")
	}
	s = s[start+len("```yaml\n"):]
	s = s[:strings.Index(s, "```")]
	c, err := catalog.Parse("docs/catalog.md", []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Providers) != 1 || len(c.Units) != 1 || c.Item("XZCF") == nil {
		t.Errorf("example: %+v", c)
	}
	roundTrip(t, c)
}
