package catalog_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
)

// base is a small valid catalog; the line numbers in the cases below count
// from its first line.
const base = `jurisdiction: 测试市
version: "1"
effective: 2020-01-01
items:
  - code: XZCF
    name: 行政处罚
    category: negative
    subjects: [organisation, natural_person]
    disclosure: public
    update_cycle: weekly
    retention: permanent
    key: [机关代码, 文号, 当事人代码]
    kind_field: 违法行为类型
    severity:
      default: general
      rules:
        - {field: 处罚类别, contains: [吊销许可证件], level: serious}
    subject:
      name: 当事人名称
      kind: 当事人类别
      codes: [当事人代码]
      kind_values: {法人及非法人组织: organisation, 自然人: natural_person}
    fields:
      - {name: 当事人名称, type: text, required: true}
      - {name: 当事人类别, type: enum, required: true, values: [法人及非法人组织, 自然人]}
      - {name: 当事人代码, type: party_code, required: true}
      - {name: 证件号码, type: id_number, required: {when: 当事人类别, equals: 自然人}, personal: true}
      - {name: 文号, type: text, length: 128, required: true}
      - {name: 违法行为类型, type: text}
      - {name: 处罚类别, type: enum, values: [警告, 罚款, 吊销许可证件], multiple: true}
      - {name: 决定日期, type: date, required: true, not_after_today: true}
      - {name: 机关代码, type: uscc, required: true}
    determined_on: 决定日期
`

// second is a second item appended to base (its first line is line 34).
const second = `  - code: QT
    name: 其他
    category: other
    subjects: [organisation]
    disclosure: shared
    update_cycle: monthly
    key: [名称]
    subject: {name: 名称, codes: [代码]}
    fields:
      - {name: 名称, type: text}
      - {name: 代码, type: uscc}
`

func parseOK(t *testing.T, src string) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Parse("test.yaml", []byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return c
}

func problems(t *testing.T, src string) catalog.Problems {
	t.Helper()
	_, err := catalog.Parse("test.yaml", []byte(src))
	if err == nil {
		t.Fatalf("parse succeeded, want errors")
	}
	if code := apperr.CodeOf(err); code != apperr.Refused {
		t.Fatalf("exit code %d, want 4", code)
	}
	ps, ok := catalog.ProblemsOf(err)
	if !ok {
		t.Fatalf("error %v carries no problems", err)
	}
	return ps
}

func edit(t *testing.T, src, old, new string) string {
	t.Helper()
	if strings.Count(src, old) != 1 {
		t.Fatalf("%q occurs %d times in the source", old, strings.Count(src, old))
	}
	return strings.Replace(src, old, new, 1)
}

func TestBaseParses(t *testing.T) {
	c := parseOK(t, base)
	if c.Jurisdiction != "测试市" || c.Version != "1" || c.Effective != civil.MustParse("2020-01-01") {
		t.Errorf("header: %+v", c)
	}
	it := c.Item("XZCF")
	if it == nil || len(it.Fields) != 9 || it.Subject.KindValues["自然人"] != catalog.NaturalPerson {
		t.Fatalf("item: %+v", it)
	}
	parseOK(t, base+second)
}

func TestValidationErrors(t *testing.T) {
	policy := func(body string) (string, string) {
		return "effective: 2020-01-01\n", "effective: 2020-01-01\npolicy:\n" + body
	}
	type tc struct {
		name     string
		old, new string // edit of base (old empty: append new)
		line     int
		key      string
		msg      string
	}
	pOld, pNew := policy("  workdays:\n    objection: 5\n")
	cases := []tc{
		// Unknown keys at every level.
		{"unknown top key", "effective: 2020-01-01\n", "effective: 2020-01-01\ncolour: red\n", 4, "colour", `未知的键 "colour"`},
		{"unknown policy key", pOld, pNew, 6, "policy.workdays.objection", `未知的键 "objection"`},
		{"unknown item key", "    retention: permanent\n", "    retention: permanent\n    colour: red\n", 12, "items[0].colour", `未知的键 "colour"`},
		{"unknown field key", "{name: 违法行为类型, type: text}", "{name: 违法行为类型, type: text, colour: red}", 29, "items[0].fields[5].colour", `未知的键 "colour"`},
		{"unknown subject key", "      codes: [当事人代码]\n", "      codes: [当事人代码]\n      colour: red\n", 22, "items[0].subject.colour", `未知的键 "colour"`},
		{"unknown severity key", "      default: general\n", "      default: general\n      colour: red\n", 16, "items[0].severity.colour", `未知的键 "colour"`},
		{"unknown required key", "equals: 自然人}", "equals: 自然人, unless: 1}", 27, "items[0].fields[3].required.unless", `未知的键 "unless"`},
		// Duplicates.
		{"duplicate item code", "", strings.Replace(second, "code: QT", "code: XZCF", 1), 34, "items[1].code", `信息项代码 "XZCF" 重复（items[0] 已使用）`},
		{"duplicate field name", "{name: 违法行为类型, type: text}", "{name: 文号, type: text}", 29, "items[0].fields[5].name", `字段名 "文号" 重复`},
		{"duplicate field name, full-width and spaces", "{name: 违法行为类型, type: text}", "{name: 违法行为类型, aliases: [\"文　号 \"], type: text}", 29, "items[0].fields[5].aliases[0]", "字段名 \"文\\u3000号\" 重复"},
		{"duplicate key field", "key: [机关代码, 文号, 当事人代码]", "key: [机关代码, 文号, 文号]", 12, "items[0].key[2]", `字段 "文号" 在主键中重复`},
		// References naming no field.
		{"key names no field", "key: [机关代码, 文号, 当事人代码]", "key: [机关代码, 文书号, 当事人代码]", 12, "items[0].key[1]", `"文书号" 不是本信息项的字段`},
		{"kind_field names no field", "kind_field: 违法行为类型", "kind_field: 违法类型", 13, "items[0].kind_field", `"违法类型" 不是本信息项的字段`},
		// act_date_field (第三十四条(二): when the same-kind act happened) names a date field.
		{"act_date_field names no field", "kind_field: 违法行为类型\n", "kind_field: 违法行为类型\n    act_date_field: 违法行为日期\n", 14, "items[0].act_date_field", `"违法行为日期" 不是本信息项的字段`},
		{"act_date_field not a date", "kind_field: 违法行为类型\n", "kind_field: 违法行为类型\n    act_date_field: 文号\n", 14, "items[0].act_date_field", `act_date_field 应为日期字段，"文号" 的类型为 text`},
		{"subject.name names no field", "      name: 当事人名称\n", "      name: 名称\n", 19, "items[0].subject.name", `"名称" 不是本信息项的字段`},
		{"subject.kind names no field", "      kind: 当事人类别\n", "      kind: 类别\n", 20, "items[0].subject.kind", `"类别" 不是本信息项的字段`},
		{"subject.codes names no field", "      codes: [当事人代码]\n", "      codes: [代码]\n", 21, "items[0].subject.codes[0]", `"代码" 不是本信息项的字段`},
		{"required.when names no field", "when: 当事人类别, equals: 自然人", "when: 类别, equals: 自然人", 27, "items[0].fields[3].required.when", `"类别" 不是本信息项的字段`},
		{"required.equals not a value", "when: 当事人类别, equals: 自然人", "when: 当事人类别, equals: 外星人", 27, "items[0].fields[3].required.equals", `"外星人" 不是字段 "当事人类别" 的取值`},
		{"required.in not a value", "when: 当事人类别, equals: 自然人", "when: 当事人类别, in: [自然人, 外星人]", 27, "items[0].fields[3].required.in[1]", `"外星人" 不是字段 "当事人类别" 的取值`},
		{"required without equals", "when: 当事人类别, equals: 自然人", "when: 当事人类别", 27, "items[0].fields[3].required", `缺少 equals`},
		{"required on itself", "{name: 证件号码, type: id_number, required: {when: 当事人类别", "{name: 证件号码, type: id_number, required: {when: 证件号码", 27, "items[0].fields[3].required.when", `不能以自身为必填条件`},
		{"severity rule names no field", "{field: 处罚类别, contains", "{field: 类别, contains", 17, "items[0].severity.rules[0].field", `"类别" 不是本信息项的字段`},
		{"severity rule value not a value", "contains: [吊销许可证件]", "contains: [吊销执照]", 17, "items[0].severity.rules[0].contains[0]", `"吊销执照" 不是字段 "处罚类别" 的取值`},
		{"id_type names no field", "required: {when: 当事人类别, equals: 自然人}, personal: true}", "required: {when: 当事人类别, equals: 自然人}, personal: true, id_type: 证件类型}", 27, "items[0].fields[3].id_type", `"证件类型" 不是本信息项的字段`},
		{"kind_values value not in kind field", "{法人及非法人组织: organisation, 自然人: natural_person}", "{法人: organisation, 自然人: natural_person}", 22, "items[0].subject.kind_values.法人", `"法人" 不是字段 "当事人类别" 的取值`},
		// Bad enum values.
		{"bad category", "category: negative", "category: negatif", 7, "items[0].category", `未知分类 "negatif"（应为 basic、positive、negative、other）`},
		{"bad disclosure", "disclosure: public", "disclosure: open", 9, "items[0].disclosure", `未知公开范围 "open"（应为 public、shared、authorized）`},
		{"bad type", "{name: 违法行为类型, type: text}", "{name: 违法行为类型, type: strng}", 29, "items[0].fields[5].type", `未知类型 "strng"（应为 text、date、money、number、uscc、id_number、party_code、enum）`},
		{"bad subjects", "subjects: [organisation, natural_person]", "subjects: [organisation, person]", 8, "items[0].subjects[1]", `未知主体类别 "person"（应为 organisation、individual_business、natural_person、unincorporated）`},
		{"bad update_cycle", "update_cycle: weekly", "update_cycle: hourly", 10, "items[0].update_cycle", `未知更新周期 "hourly"`},
		{"bad severity default", "default: general", "default: severe", 15, "items[0].severity.default", `未知失信程度 "severe"（应为 general、serious）`},
		{"bad severity level", "level: serious}", "level: high}", 17, "items[0].severity.rules[0].level", `未知失信程度 "high"`},
		{"bad kind_values kind", "自然人: natural_person}", "自然人: person}", 22, "items[0].subject.kind_values.自然人", `未知主体类别 "person"`},
		{"bad roster", "    kind_field: 违法行为类型\n", "    kind_field: 违法行为类型\n    roster: grey\n", 14, "items[0].roster", `未知名单类别 "grey"（应为 red、black）`},
		{"roster red on negative", "    kind_field: 违法行为类型\n", "    kind_field: 违法行为类型\n    roster: red\n", 14, "items[0].roster", `红名单信息项的分类应为 positive`},
		{"bad money unit", "{name: 违法行为类型, type: text}", "{name: 违法行为类型, type: money, unit: dollar}", 29, "items[0].fields[5].unit", `未知金额单位 "dollar"`},
		{"bad boolean", "personal: true}", "personal: yes}", 27, "items[0].fields[3].personal", `"yes" 无效（应为 true 或 false）`},
		{"bad item code", "  - code: XZCF\n", "  - code: xzcf\n", 5, "items[0].code", `信息项代码 "xzcf" 无效`},
		// Bad dates and periods.
		{"bad effective date", "effective: 2020-01-01", "effective: 2020-02-30", 3, "effective", `日期 "2020-02-30" 无效（应为 YYYY-MM-DD 的真实日期）`},
		{"bad effective format", "effective: 2020-01-01", "effective: 2020/01/01", 3, "effective", `日期 "2020/01/01" 无效`},
		{"bad retention", "retention: permanent", "retention: 10 years", 11, "items[0].retention", `期限 "10 years" 无效（应写作 1y、6m、30d 或其组合如 1y6m，或 permanent 表示长期）`},
		{"bad item validity", "    retention: permanent\n", "    retention: permanent\n    validity: 3x\n", 12, "items[0].validity", `期限 "3x" 无效`},
		{"bad item validity map", "    retention: permanent\n", "    retention: permanent\n    validity: {general: 1y}\n", 12, "items[0].validity.serious", `缺少此键`},
		{"bad policy period", "effective: 2020-01-01\n", "effective: 2020-01-01\npolicy:\n  repair_clean_period: forever\n", 5, "policy.repair_clean_period", `期限 "forever" 无效（应写作 1y、6m、30d 或其组合如 1y6m）`},
		{"zero policy validity", "effective: 2020-01-01\n", "effective: 2020-01-01\npolicy:\n  validity:\n    general: 0d\n", 6, "policy.validity.general", `期限不能为 0`},
		{"bad workdays", "effective: 2020-01-01\n", "effective: 2020-01-01\npolicy:\n  workdays:\n    objection_review: ten\n", 6, "policy.workdays.objection_review", `"ten" 不是有效的整数`},
		{"zero workdays", "effective: 2020-01-01\n", "effective: 2020-01-01\npolicy:\n  workdays:\n    correction: 0\n", 6, "policy.workdays.correction", `"0" 不是有效的整数（应为不小于 1 的整数）`},
		{"bad rate", "effective: 2020-01-01\n", "effective: 2020-01-01\npolicy:\n  lights:\n    reject_rate_red: 2\n", 6, "policy.lights.reject_rate_red", `"2" 不是有效的比例`},
		{"rates inverted", "effective: 2020-01-01\n", "effective: 2020-01-01\npolicy:\n  lights:\n    reject_rate_yellow: 0.2\n    reject_rate_red: 0.1\n", 7, "policy.lights.reject_rate_red", `红灯阈值 0.1 小于黄灯阈值 0.2`},
		{"bad roster lag", "effective: 2020-01-01\n", "effective: 2020-01-01\npolicy:\n  roster_report_lag: next month\n", 5, "policy.roster_report_lag", `"next month" 无效`},
		{"bad timezone", "effective: 2020-01-01\n", "effective: 2020-01-01\npolicy:\n  timezone: Mars/Olympus\n", 5, "policy.timezone", `未知时区 "Mars/Olympus"`},
		// Missing and misshapen.
		{"missing item name", "    name: 行政处罚\n", "", 5, "items[0].name", `缺少此键（必填）`},
		{"missing subject", "    subject:\n      name: 当事人名称\n      kind: 当事人类别\n      codes: [当事人代码]\n      kind_values: {法人及非法人组织: organisation, 自然人: natural_person}\n", "", 5, "items[0].subject", `缺少此键（必填）`},
		{"missing version", "version: \"1\"\n", "", 1, "version", `缺少此键（必填）`},
		{"items not a list", "items:\n  - code: XZCF\n", "items: XZCF\n  -code: XZCF\n", 4, "items", `应为列表，实为单个值`},
		{"field not a mapping", "      - {name: 违法行为类型, type: text}\n", "      - 违法行为类型\n", 29, "items[0].fields[5]", `应为键值映射，实为单个值`},
		{"enum without values", "{name: 当事人类别, type: enum, required: true, values: [法人及非法人组织, 自然人]}", "{name: 当事人类别, type: enum, required: true}", 25, "items[0].fields[1].values", `enum 类型的字段必须列出取值`},
		{"values on text", "{name: 违法行为类型, type: text}", "{name: 违法行为类型, type: text, values: [a]}", 29, "items[0].fields[5].values", `只有 enum 类型的字段可以有 values`},
		{"multiple on text", "{name: 违法行为类型, type: text}", "{name: 违法行为类型, type: text, multiple: true}", 29, "items[0].fields[5].multiple", `只有 enum 类型的字段可以是 multiple`},
		{"not_after_today on text", "{name: 违法行为类型, type: text}", "{name: 违法行为类型, type: text, not_after_today: true}", 29, "items[0].fields[5].not_after_today", `只有 date 类型的字段可以有 not_after_today`},
		{"severity on basic item", "category: negative", "category: basic", 14, "items[0].severity", `只有 negative（负面）信息项有失信程度`},
		{"duplicate enum value", "values: [警告, 罚款, 吊销许可证件]", "values: [警告, 罚款, 警告]", 30, "items[0].fields[6].values[2]", `取值 "警告" 重复`},
		{"separator in a multiple value", "values: [警告, 罚款, 吊销许可证件]", "values: [警告, 罚款, 暂扣、吊销许可证件]", 30, "items[0].fields[6].values[2]", `不能含分隔符`},
		// Providers and units.
		{"bad provider code", "", "providers:\n  - {code: 91350100M000100Y4X, name: 某局, items: [XZCF]}\n", 35, "providers[0].code", `统一社会信用代码 "91350100M000100Y4X" 无效：校验码应为 3`},
		{"provider item not in catalog", "", "providers:\n  - {code: 91350100M000100Y43, name: 某局, items: [XZXK]}\n", 35, "providers[0].items[0]", `目录中没有信息项 "XZXK"`},
		{"bad provider level", "", "providers:\n  - {code: 91350100M000100Y43, name: 某局, level: province}\n", 35, "providers[0].level", `未知级别 "province"（应为 city、county）`},
		{"unit item not in catalog", "", "units:\n  - {code: 91350100M000100Y43, name: 某委, items: [HMD]}\n", 35, "units[0].items[0]", `目录中没有信息项 "HMD"`},
		// YAML itself.
		{"syntax error", "    disclosure: public\n", "    disclosure: [public\n", 10, "", `YAML 语法错误`},
		{"duplicate mapping key", "    disclosure: public\n", "    disclosure: public\n    disclosure: shared\n", 10, "", `already defined`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := base + c.new
			if c.old != "" {
				src = edit(t, base, c.old, c.new)
			}
			ps := problems(t, src)
			for _, p := range ps {
				if p.Line == c.line && p.Key == c.key && strings.Contains(p.Zh, c.msg) && p.En != "" && p.File == "test.yaml" {
					want := fmt.Sprintf("test.yaml:%d: ", c.line)
					if c.key != "" {
						want += c.key + ": "
					}
					if !strings.HasPrefix(p.Text("zh"), want) {
						t.Errorf("text %q does not start with %q", p.Text("zh"), want)
					}
					return
				}
			}
			t.Errorf("no problem at line %d key %q containing %q; got:\n%s", c.line, c.key, c.msg, ps.Error())
		})
	}
}

func TestAllErrorsReported(t *testing.T) {
	src := edit(t, base, "category: negative", "category: negatif")
	src = edit(t, src, "{name: 违法行为类型, type: text}", "{name: 违法行为类型, type: strng}")
	src = edit(t, src, "effective: 2020-01-01", "effective: 2020-13-01")
	src = edit(t, src, "kind_field: 违法行为类型", "kind_field: 无")
	ps := problems(t, src)
	if len(ps) != 4 {
		t.Fatalf("got %d problems, want 4:\n%s", len(ps), ps.Error())
	}
	for i := 1; i < len(ps); i++ {
		if ps[i].Line < ps[i-1].Line {
			t.Errorf("problems not in line order:\n%s", ps.Error())
		}
	}
	_, err := catalog.Parse("test.yaml", []byte(src))
	msg := apperr.MessageOf(err, "zh")
	if !strings.Contains(msg, "有 4 处错误") || !strings.Contains(msg, "test.yaml:7: items[0].category:") {
		t.Errorf("message: %s", msg)
	}
}

func TestEmptyAndNonUTF8(t *testing.T) {
	ps := problems(t, "")
	if ps[0].Line != 1 || !strings.Contains(ps[0].Zh, "文件为空") {
		t.Errorf("empty: %v", ps)
	}
	ps = problems(t, "jurisdiction: \xb2\xe2\xca\xd4\n")
	if !strings.Contains(ps[0].Zh, "UTF-8") {
		t.Errorf("gbk: %v", ps)
	}
	// A UTF-8 BOM is fine.
	parseOK(t, "\uFEFF"+base)
}

func TestProhibitedFields(t *testing.T) {
	field := func(f string) string { // the field becomes items[0].fields[9], line 33
		return edit(t, base, "{name: 机关代码, type: uscc, required: true}\n", "{name: 机关代码, type: uscc, required: true}\n      - "+f+"\n")
	}
	refused := []struct{ name, field, term string }{
		{"blood type", "{name: 血型, type: text}", "血型"},
		{"inside a longer name", "{name: 当事人既往病史, type: text}", "病史"},
		{"with spaces", "{name: 宗教 信仰, type: text}", "宗教信仰"},
		{"with a full-width space", "{name: \"基　因检测\", type: text}", "基因"},
		{"in an alias", "{name: 健康状况, aliases: [疾病名称], type: text}", "疾病"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			ps := problems(t, field(c.field))
			if len(ps) != 1 || ps[0].Line != 33 || !strings.Contains(ps[0].Zh, "第十四条") || !strings.Contains(ps[0].Zh, "“"+c.term+"”") || !strings.Contains(ps[0].En, "art. 14") {
				t.Errorf("got %v", ps)
			}
		})
	}
	// Values are never matched.
	parseOK(t, field("{name: 原因, type: enum, values: [疾病, 血型不符, 其他]}"))

	// The policy adds terms, matched after full-width/half-width folding;
	// a policy list without the five still refuses them.
	pol := "effective: 2020-01-01\npolicy:\n  prohibited_terms: [HIV]\n"
	src := edit(t, field("{name: ＨＩＶ检测结果, type: text}"), "effective: 2020-01-01\n", pol)
	if ps := problems(t, src); !strings.Contains(ps[0].Zh, "“HIV”") {
		t.Errorf("policy term: %v", ps)
	}
	src = edit(t, field("{name: 血型, type: text}"), "effective: 2020-01-01\n", pol)
	if ps := problems(t, src); !strings.Contains(ps[0].Zh, "第十四条") {
		t.Errorf("always prohibited: %v", ps)
	}
	c := parseOK(t, edit(t, base, "effective: 2020-01-01\n", pol))
	for name, want := range map[string]string{"血型": "血型", "ｈｉｖ抗体": "HIV", " 病 史 ": "病史", "违法事实": ""} {
		term, bad := c.ProhibitedName(name)
		if term != want || bad != (want != "") {
			t.Errorf("ProhibitedName(%q) = %q, %v; want %q", name, term, bad, want)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"行政相对人代码_1（统一社会信用代码）":    "行政相对人代码_1(统一社会信用代码)",
		" 行政相对人代码_1 (统一社会信用代码) ": "行政相对人代码_1(统一社会信用代码)",
		"罚款金额（万元）":               "罚款金额(万元)",
		"\uFEFF处罚\u3000类别\t":     "处罚类别",
		"cf_xdr_mc":              "CF_XDR_MC",
		"ＣＦ＿ＸＤＲ＿ＭＣ":              "CF_XDR_MC",
		"没收违法所得、没收非法财物的金额":       "没收违法所得、没收非法财物的金额",
	} {
		if got := catalog.NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPeriods(t *testing.T) {
	good := map[string]catalog.Period{
		"1y": {Years: 1}, "6m": {Months: 6}, "30d": {Days: 30}, "1y6m": {Years: 1, Months: 6},
		"2y3m4d": {Years: 2, Months: 3, Days: 4}, "0d": {},
	}
	for s, want := range good {
		p, err := catalog.ParsePeriod(s)
		if err != nil || p != want {
			t.Errorf("ParsePeriod(%q) = %+v, %v; want %+v", s, p, err, want)
		}
		if p.String() != s {
			t.Errorf("%+v.String() = %q, want %q", p, p.String(), s)
		}
	}
	for _, s := range []string{"", "1", "y", "1Y", "1 y", "-1y", "6m1y", "1y1y", "1w", "1.5y", "99999d", "permanent"} {
		if p, err := catalog.ParsePeriod(s); err == nil {
			t.Errorf("ParsePeriod(%q) = %+v, want an error", s, p)
		}
	}
	// 民法典 第二百零二条 counting, as SPEC §B.
	for _, c := range []struct {
		p        string
		from, to string
	}{
		{"1y", "2024-02-29", "2025-02-28"},
		{"3y", "2023-05-10", "2026-05-10"},
		{"6m", "2024-08-31", "2025-02-28"},
		{"30d", "2024-01-15", "2024-02-14"},
	} {
		p, _ := catalog.ParsePeriod(c.p)
		if got := p.AddTo(civil.MustParse(c.from)); got != civil.MustParse(c.to) {
			t.Errorf("%s + %s = %s, want %s", c.from, c.p, got, c.to)
		}
	}
}

func TestPolicyDefaults(t *testing.T) {
	c := parseOK(t, base)
	want := catalog.Policy{
		Timezone:          "Asia/Shanghai",
		Workdays:          catalog.Workdays{ObjectionReview: 10, ProviderVerification: 5, Correction: 3, RepairOpinion: 5, RepairPublicity: 5, RepairVerify: 5, Warning: 2, UpwardReceipt: 7},
		Validity:          catalog.Validity{General: catalog.Period{Years: 1}, Serious: catalog.Period{Years: 3}},
		RepairCleanPeriod: catalog.Period{Years: 1},
		RosterReportLag:   "end_of_next_month",
		// 第十四条's own words are built in; the policy lists only further terms
		// (none by default) and the approved organisation terms.
		ProhibitedExceptions: catalog.DefaultExceptions(),
		Lights:               catalog.Lights{RejectRateYellow: 0.02, RejectRateRed: 0.10, LateDaysYellow: 1, LateDaysRed: 10},
		// Issue 16: 2 GiB, 64 KiB, 512 columns, 5,000,000 rows, 10,000 rejects,
		// 4 GiB unzipped, 100:1, 64 sheets.
		ImportLimits: catalog.ImportLimits{FileSize: 2147483648, CellSize: 65536, Columns: 512, Rows: 5000000, Rejects: 10000,
			XLSXUnzippedSize: 4294967296, XLSXRatio: 100, Sheets: 64},
	}
	if !reflect.DeepEqual(c.Policy, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", c.Policy, want)
	}
	if !reflect.DeepEqual(catalog.DefaultPolicy(), want) {
		t.Errorf("DefaultPolicy() = %+v", catalog.DefaultPolicy())
	}
	// A partial policy changes only what it names (Shanghai: 5 working days).
	c = parseOK(t, edit(t, base, "effective: 2020-01-01\n", "effective: 2020-01-01\npolicy:\n  workdays:\n    objection_review: 5\n  roster_report_lag: 30d\n"))
	want.Workdays.ObjectionReview = 5
	want.RosterReportLag = "30d"
	if !reflect.DeepEqual(c.Policy, want) {
		t.Errorf("partial:\n got %+v\nwant %+v", c.Policy, want)
	}
	if got := c.Policy.RosterReportDue(civil.MustParse("2024-01-31")); got != civil.MustParse("2024-03-01") {
		t.Errorf("30d lag: %s", got)
	}
	if got := catalog.DefaultPolicy().RosterReportDue(civil.MustParse("2024-01-31")); got != civil.MustParse("2024-02-29") {
		t.Errorf("end of next month: %s", got)
	}
}

// roundTrip checks parse(export(c)) == c.
func roundTrip(t *testing.T, c *catalog.Catalog) {
	t.Helper()
	out := catalog.Marshal(c)
	back, err := catalog.Parse("export.yaml", out)
	if err != nil {
		t.Fatalf("export does not parse: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(back, c) {
		t.Errorf("round trip differs: %v\n%s", catalog.Diff(c, back), out)
	}
	if again := catalog.Marshal(back); string(again) != string(out) {
		t.Errorf("export is not stable")
	}
}

func TestRoundTrip(t *testing.T) {
	roundTrip(t, parseOK(t, base+second))
	// Everything optional, and text that needs quoting.
	src := edit(t, base+second, "effective: 2020-01-01\n", `effective: 2020-01-01
policy:
  timezone: Asia/Shanghai
  workdays: {objection_review: 7, warning: 0}
  validity: {general: 6m, serious: 2y6m}
  repair_clean_period: 90d
  prohibited_terms: []
  lights: {reject_rate_yellow: 0.05, reject_rate_red: 0.5, late_days_yellow: 0, late_days_red: 3}
`)
	src = edit(t, src, `version: "1"`, `version: "2018.10"`)
	src = edit(t, src, "jurisdiction: 测试市", `jurisdiction: "测试市: #1 \"新区\""`)
	src = edit(t, src, "    retention: permanent\n", "    retention: 10y\n    validity: {general: 2y, serious: permanent}\n    providers: [91350100M000100Y43]\n    note: \"第十二条(九)\\n二行\"\n")
	src = edit(t, src, "{name: 违法行为类型, type: text}", "{name: \"违法, 行为: 类型\", aliases: [\"123\", \"true\", \"- x\", \"a#b\"], type: text, length: 20}")
	src = edit(t, src, "kind_field: 违法行为类型", "kind_field: \"违法, 行为: 类型\"\n    act_date_field: 决定日期")
	src = edit(t, src, "when: 当事人类别, equals: 自然人", "when: 当事人类别, in: [自然人, 法人及非法人组织]")
	src = edit(t, src, "{name: 决定日期, type: date, required: true, not_after_today: true}", "{name: 决定日期, type: date, required: true, not_after_today: true}\n      - {name: 罚款（万元）, type: money, unit: wan_yuan}\n      - {name: 证件类型, type: enum, values: [身份证, 其他-*]}")
	src += "providers:\n  - {code: 91350100M000100Y43, name: 某局, level: county, items: [XZCF, QT]}\nunits:\n  - {code: 91110000802100433B, name: 某委, items: [QT]}\n"
	c := parseOK(t, src)
	if c.Version != "2018.10" || c.Jurisdiction != `测试市: #1 "新区"` || len(c.Policy.ProhibitedTerms) != 0 || c.Item("XZCF").ActDateField != "决定日期" {
		t.Fatalf("parsed: %+v", c)
	}
	roundTrip(t, c)
}

// TestImportLimitsPolicy: the import_limits block parses sizes with units,
// keeps the defaults for keys it leaves out, refuses nonsense naming the key,
// round-trips through export and shows in a diff.
func TestImportLimitsPolicy(t *testing.T) {
	src := edit(t, base+second, "effective: 2020-01-01\n", "effective: 2020-01-01\npolicy:\n  import_limits: {file_size: 10MiB, cell_size: 1000, columns: 40, rejects: 0, xlsx_ratio: 20}\n")
	c := parseOK(t, src)
	want := catalog.DefaultImportLimits()
	want.FileSize, want.CellSize, want.Columns, want.Rejects, want.XLSXRatio = 10*1024*1024, 1000, 40, 0, 20
	if c.Policy.ImportLimits != want {
		t.Errorf("limits: got %+v want %+v", c.Policy.ImportLimits, want)
	}
	roundTrip(t, c)
	out := string(catalog.Marshal(c))
	for _, line := range []string{"  import_limits:\n", "    file_size: 10MiB\n", "    cell_size: 1000\n", "    xlsx_unzipped_size: 4GiB\n", "    sheets: 64\n"} {
		if !strings.Contains(out, line) {
			t.Errorf("export lacks %q", line)
		}
	}
	d := catalog.Diff(parseOK(t, base+second), c)
	var keys []string
	for _, ch := range d {
		keys = append(keys, ch.Key+"="+ch.Old+"→"+ch.New)
	}
	wantKeys := []string{"import_limits.file_size=2GiB→10MiB", "import_limits.cell_size=64KiB→1000", "import_limits.columns=512→40",
		"import_limits.rejects=10000→0", "import_limits.xlsx_ratio=100→20"}
	if !reflect.DeepEqual(keys, wantKeys) {
		t.Errorf("diff: %v", keys)
	}
	for _, bad := range []struct{ yaml, path, msg string }{
		{"file_size: 2TB?", "policy.import_limits.file_size", "不是有效的大小"},
		{"cell_size: 0", "policy.import_limits.cell_size", "不是有效的大小"},
		{"columns: 0", "policy.import_limits.columns", "不是有效的整数"},
		{"bomb: 1", "policy.import_limits.bomb", "未知的键"},
	} {
		ps := problems(t, edit(t, base, "effective: 2020-01-01\n", "effective: 2020-01-01\npolicy:\n  import_limits: {"+bad.yaml+"}\n"))
		if len(ps) != 1 || ps[0].Key != bad.path || !strings.Contains(ps[0].Zh, bad.msg) {
			t.Errorf("%s: %+v", bad.yaml, ps)
		}
	}
}

func TestDiff(t *testing.T) {
	old := parseOK(t, base+second)
	if d := catalog.Diff(old, parseOK(t, base+second)); len(d) != 0 {
		t.Errorf("same catalog: %v", d)
	}
	// One edit, one change, with the key, old and new values.
	edited := parseOK(t, edit(t, base+second, "{name: 文号, type: text, length: 128, required: true}", "{name: 文号, type: text, length: 256, required: true}"))
	want := []catalog.Change{{Scope: "field", Item: "XZCF", Field: "文号", Change: "changed", Key: "length", Old: "128", New: "256"}}
	if d := catalog.Diff(old, edited); !reflect.DeepEqual(d, want) {
		t.Errorf("edit: got %+v", d)
	}
	src := edit(t, base, "      - {name: 违法行为类型, type: text}\n", "") // field removed
	src = edit(t, src, "    kind_field: 违法行为类型\n", "")               // (needed by the removal)
	src = edit(t, src, "disclosure: public", "disclosure: shared")   // item key changed
	src = edit(t, src, "version: \"1\"", "version: \"2\"")           // version
	src = edit(t, src, "effective: 2020-01-01\n", "effective: 2020-01-01\npolicy:\n  workdays:\n    objection_review: 5\n")
	src = edit(t, src, "    determined_on: 决定日期\n", "      - {name: 备注, type: text}\n    determined_on: 决定日期\n") // field added
	got := catalog.Diff(old, parseOK(t, src))
	want = []catalog.Change{
		{Scope: "catalog", Change: "changed", Key: "version", Old: "1", New: "2"},
		{Scope: "policy", Change: "changed", Key: "workdays.objection_review", Old: "10", New: "5"},
		{Scope: "item", Item: "QT", Change: "removed", Old: "其他"},
		{Scope: "item", Item: "XZCF", Change: "changed", Key: "disclosure", Old: "public", New: "shared"},
		{Scope: "item", Item: "XZCF", Change: "changed", Key: "kind_field", Old: "违法行为类型", New: ""},
		{Scope: "field", Item: "XZCF", Field: "违法行为类型", Change: "removed", Old: "{name: 违法行为类型, type: text}"},
		{Scope: "field", Item: "XZCF", Field: "备注", Change: "added", New: "{name: 备注, type: text}"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diff:\n got %+v\nwant %+v", got, want)
	}
	// Against nothing in force: the catalog and its items are added.
	got = catalog.Diff(nil, old)
	if len(got) != 3 || got[0].Scope != "catalog" || got[0].Change != "added" || got[1].Item != "XZCF" || got[2].Item != "QT" {
		t.Errorf("against nil: %+v", got)
	}
}

func TestNormalizeNameFastPathAgreesWithFold(t *testing.T) {
	// The fast path must give what the full fold gives.
	for _, s := range []string{"张三", "CF_XDR_MC", "行政相对人名称", "ABC123_-", "欧阳娜娜", "A1"} {
		if got, want := catalog.NormalizeName(s), catalog.NormalizeName(s+" "); got != want {
			t.Errorf("NormalizeName(%q) = %q, with a trailing space %q", s, got, want)
		}
	}
	if catalog.NormalizeName("ｃｆ＿ｘｄｒ（１）") != "CF_XDR(1)" {
		t.Errorf("full-width fold lost: %q", catalog.NormalizeName("ｃｆ＿ｘｄｒ（１）"))
	}
}

// TestUpwardKey: the item key marking an item for reporting to the province
// (第六条, 第二十三条) parses, refuses unknown modes, exports, round-trips and
// diffs; the policy's upward_receipt limit does the same.
func TestUpwardKey(t *testing.T) {
	c := parseOK(t, base)
	if c.Item("XZCF").Upward != "" || c.Policy.Workdays.UpwardReceipt != 7 {
		t.Fatalf("unmarked item %q, default limit %d", c.Item("XZCF").Upward, c.Policy.Workdays.UpwardReceipt)
	}
	marked := edit(t, base, "    retention: permanent\n", "    retention: permanent\n    upward: masked\n")
	marked = edit(t, marked, "effective: 2020-01-01\n", "effective: 2020-01-01\npolicy:\n  workdays: {upward_receipt: 3}\n")
	m := parseOK(t, marked)
	if m.Item("XZCF").Upward != catalog.UpwardMasked || m.Policy.Workdays.UpwardReceipt != 3 {
		t.Fatalf("marked: %q, limit %d", m.Item("XZCF").Upward, m.Policy.Workdays.UpwardReceipt)
	}
	roundTrip(t, m)
	if !strings.Contains(string(catalog.Marshal(m)), "\n    upward: masked\n") {
		t.Errorf("export lacks the upward key:\n%s", catalog.Marshal(m))
	}
	d := fmt.Sprint(catalog.Diff(c, m))
	if !strings.Contains(d, "upward") || !strings.Contains(d, "upward_receipt") {
		t.Errorf("diff does not name upward and upward_receipt: %s", d)
	}
	ps := problems(t, edit(t, base, "    retention: permanent\n", "    retention: permanent\n    upward: yes\n"))
	if len(ps) != 1 || ps[0].Key != "items[0].upward" {
		t.Errorf("bad mode: %+v", ps)
	}
	ps = problems(t, edit(t, base, "effective: 2020-01-01\n", "effective: 2020-01-01\npolicy:\n  workdays: {upward_receipt: 0}\n"))
	if len(ps) != 1 || ps[0].Key != "policy.workdays.upward_receipt" {
		t.Errorf("zero limit: %+v", ps)
	}
}
