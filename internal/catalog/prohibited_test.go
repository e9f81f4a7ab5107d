package catalog_test

import (
	"reflect"
	"strings"
	"testing"

	"credit/internal/catalog"
)

// 第十四条 by meaning: the cases are the article's words, the variants a
// provider's file really carries, and the organisation terms that must not
// trip it, each judged by whom the field is about.
func TestArticle14ByMeaning(t *testing.T) {
	pol := catalog.DefaultPolicy()
	persons := &catalog.Item{Code: "XZCF", Subjects: []catalog.SubjectKind{catalog.Organisation, catalog.IndividualBusiness, catalog.NaturalPerson}}
	trader := &catalog.Item{Code: "GT", Subjects: []catalog.SubjectKind{catalog.IndividualBusiness}}
	orgs := &catalog.Item{Code: "QY", Subjects: []catalog.SubjectKind{catalog.Organisation}}
	plain := &catalog.Field{Name: "x"}
	personal := &catalog.Field{Name: "x", Personal: true}

	cases := []struct {
		it    *catalog.Item
		f     *catalog.Field // nil: a column the catalog does not know
		name  string
		topic string // "" = allowed
	}{
		// An item about natural persons: the five words and their variants.
		{persons, plain, "宗教信仰", "宗教信仰"},
		{persons, plain, "宗教信仰情况", "宗教信仰"},
		{persons, plain, "宗 教 信 仰", "宗教信仰"},
		{persons, plain, "宗教/信仰", "宗教信仰"},
		{persons, plain, "宗教", "宗教信仰"},
		{persons, plain, "信仰", "宗教信仰"},
		{persons, plain, "本人信教情况", "宗教信仰"},
		{persons, plain, "基因", "基因"},
		{persons, plain, "基因信息", "基因"},
		{persons, plain, "基因检测", "基因"},
		{persons, plain, "基　因检测结果", "基因"},
		{persons, plain, "ＤＮＡ检测", "基因"},
		{persons, plain, "dna样本编号", "基因"},
		{persons, plain, "遗传信息", "基因"},
		{persons, plain, "血型", "血型"},
		{persons, plain, "血型(ABO)", "血型"},
		{persons, plain, "血型（ＡＢＯ）", "血型"},
		{persons, plain, "ABO血型", "血型"},
		{persons, plain, "血_型", "血型"},
		{persons, plain, "疾病", "疾病"},
		{persons, plain, "是否患有疾病", "疾病"},
		{persons, plain, "疾病名称", "疾病"},
		{persons, plain, "患病情况", "疾病"},
		{persons, plain, "所患病种", "疾病"},
		{persons, plain, "病情", "疾病"},
		{persons, plain, "诊断结果", "疾病"},
		{persons, plain, "传染病类型", "疾病"},
		{persons, plain, "慢性病", "疾病"},
		{persons, plain, "病史", "病史"},
		{persons, plain, "既往病史", "病史"},
		{persons, plain, "家族病史", "病史"},
		{persons, plain, "精神病史", "病史"},
		{persons, plain, "既往史", "病史"},
		{persons, plain, "病历号", "病史"},
		// ... but organisation terms are approved exceptions.
		{persons, plain, "宗教活动场所名称", ""},
		{persons, plain, "宗教团体名称", ""},
		{persons, plain, "宗教院校", ""},
		{persons, plain, "处罚机关（民族宗教事务局）", ""},
		{persons, plain, "疾病预防控制中心名称", ""},
		{persons, plain, "疾病预防控制机构代码", ""},
		{persons, plain, "节能诊断报告编号", ""},
		{persons, plain, "基因工程企业名称", ""},
		{persons, plain, "转基因生物安全证书编号", ""},
		{persons, plain, "违法事实", ""},
		{persons, plain, "失信程度", ""},
		{persons, plain, "CF_DNAME", ""}, // DNA inside a run of letters is no word
		// An exception covers only its own occurrence.
		{persons, plain, "疾病预防控制中心通报的疾病", "疾病"},
		{persons, plain, "宗教团体成员的信仰", "宗教信仰"},
		// A field marked personal is the person's own: no exception applies.
		{persons, personal, "所属宗教团体", "宗教信仰"},
		{persons, personal, "就诊的疾病预防控制中心", "疾病"},
		{orgs, personal, "法定代表人信仰", "宗教信仰"},
		{orgs, personal, "法定代表人既往病史", "病史"},
		{orgs, personal, "法定代表人（负责人）", ""},
		// A 个体工商户 is a natural person who trades (民法典 第五十四条).
		{trader, plain, "经营者信仰", "宗教信仰"},
		{trader, plain, "经营者患病情况", "疾病"},
		// Organisation fields: the five words as written, as before.
		{orgs, plain, "血型", "血型"},
		{orgs, plain, "职工疾病统计", "疾病"},
		{orgs, plain, "基因检测", "基因"},
		{orgs, plain, "宗教信仰", "宗教信仰"},
		{orgs, plain, "信仰", ""},
		{orgs, plain, "诊断机构", ""},
		{orgs, plain, "宗教活动场所名称", ""},
		{orgs, plain, "疾病预防控制中心名称", ""},
		// A column the catalog does not know is judged strictly.
		{orgs, nil, "负责人信仰", "宗教信仰"},
		{orgs, nil, "疾病预防控制中心名称", ""},
	}
	for _, c := range cases {
		hit, bad := pol.ProhibitedField(c.it, c.f, c.name)
		if bad != (c.topic != "") || hit.Topic != c.topic {
			t.Errorf("%s %q (personal %v): got %v %+v, want topic %q", c.it.Code, c.name, c.f != nil && c.f.Personal, bad, hit, c.topic)
			continue
		}
		if bad && hit.Source != "《办法》第十四条" {
			t.Errorf("%q: source %q", c.name, hit.Source)
		}
	}
}

// The policy's further terms carry their law; exceptions are checked so
// that none can lift the article itself.
func TestProhibitedPolicyTerms(t *testing.T) {
	withPolicy := func(pol string) string {
		return edit(t, base, "effective: 2020-01-01\n", "effective: 2020-01-01\npolicy:\n"+pol)
	}
	c := parseOK(t, withPolicy(`  prohibited_terms:
    - {term: 测试词, source: 测试用法规第一条}
  prohibited_exceptions:
    - {term: 测试词协会, reason: 是组织}
    - {term: 宗教活动场所, reason: 是场所}
`))
	if want := []catalog.LegalTerm{{Term: "测试词", Source: "测试用法规第一条"}}; !reflect.DeepEqual(c.Policy.ProhibitedTerms, want) {
		t.Errorf("terms %+v", c.Policy.ProhibitedTerms)
	}
	it := c.Item("XZCF")
	for name, want := range map[string]bool{"测试词记录": true, "测试词协会名称": false, "宗教活动场所": false, "宗教团体": true} {
		hit, bad := c.ProhibitedHeader(it, name)
		if bad != want {
			t.Errorf("%q: %v %+v", name, bad, hit)
		}
		if bad && name == "测试词记录" && (hit.Source != "测试用法规第一条" || !strings.Contains(hit.Zh(), "测试用法规第一条") || !strings.Contains(hit.Zh(), "第十四条")) {
			t.Errorf("the message must name the law: %s", hit.Zh())
		}
	}
	roundTrip(t, c)

	// The article's own words in an older catalog's plain list are built in:
	// the list adds nothing.
	c = parseOK(t, withPolicy("  prohibited_terms: [宗教信仰, 基因, 血型, 疾病, 病史]\n"))
	if len(c.Policy.ProhibitedTerms) != 0 {
		t.Errorf("the five words are built in: %+v", c.Policy.ProhibitedTerms)
	}
	// Removing every exception makes the organisation terms prohibited again.
	c = parseOK(t, withPolicy("  prohibited_exceptions: []\n"))
	if _, bad := c.ProhibitedHeader(c.Item("XZCF"), "宗教活动场所名称"); !bad {
		t.Errorf("without exceptions 宗教活动场所 is about religion")
	}
	roundTrip(t, c)

	refused := map[string]string{
		"a term without its law":    "  prohibited_terms:\n    - {term: 指纹}\n",
		"an exception that is bare": "  prohibited_exceptions:\n    - {term: 病史, reason: 不需要}\n",
		"an exception of nothing":   "  prohibited_exceptions:\n    - {term: 公司名称, reason: 是组织}\n",
		"an exception without why":  "  prohibited_exceptions: [宗教活动场所]\n",
	}
	for name, pol := range refused {
		if ps := problems(t, withPolicy(pol)); len(ps) != 1 || ps[0].Line < 5 {
			t.Errorf("%s: %v", name, ps)
		}
	}
}

// The shipped catalog states the compiled-in defaults, so the policy YAML
// is the one place to read them; none of its fields trips the article.
func TestDefaultCatalogArticle14(t *testing.T) {
	c := defaultCatalog(t)
	if !reflect.DeepEqual(c.Policy.ProhibitedExceptions, catalog.DefaultExceptions()) {
		t.Errorf("catalogs/nantong.yaml prohibited_exceptions differ from DefaultExceptions():\n%+v", c.Policy.ProhibitedExceptions)
	}
	if len(c.Policy.ProhibitedTerms) != 0 {
		t.Errorf("further terms need a law: %+v", c.Policy.ProhibitedTerms)
	}
	for _, it := range c.Items {
		for _, f := range it.Fields {
			for _, n := range append([]string{f.Name}, f.Aliases...) {
				if hit, bad := c.Policy.ProhibitedField(it, f, n); bad {
					t.Errorf("%s %s holds %+v", it.Code, n, hit)
				}
			}
		}
	}
}

// The check runs per header cell: a wide header must cost nothing.
func BenchmarkProhibitedHeader(b *testing.B) {
	pol := catalog.DefaultPolicy()
	c := &catalog.Catalog{Policy: pol}
	it := &catalog.Item{Subjects: []catalog.SubjectKind{catalog.NaturalPerson}}
	for i := 0; i < b.N; i++ {
		c.ProhibitedHeader(it, "行政相对人代码_1（统一社会信用代码）")
	}
}
