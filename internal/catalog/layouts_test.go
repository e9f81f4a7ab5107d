package catalog_test

import (
	"slices"
	"strings"
	"testing"

	"credit/internal/catalog"
)

// layoutBlock is an older layout of base's XZCF (appended to base's item).
const layoutBlock = `    layouts:
      - name: 旧版
        source: 某市旧模板
        note: 处罚名称不保存
        optional: [违法行为类型]
        columns:
          - {name: 当事人, aliases: [CF_XDR_MC], field: 当事人名称}
          - {name: 代码_1(统一社会信用代码), aliases: [CF_XDR_SHXYM], field: 当事人代码}
          - {name: 身份证号, aliases: [CF_XDR_SFZ], field: 证件号码}
          - {name: 文号, field: 文号}
          - {name: 处罚类别1, field: 处罚类别, map: {"1": 罚款, "0": 警告}}
          - {name: 处罚类别2, field: 处罚类别}
          - {name: 处罚名称}
          - {name: 当前状态, accept: ["", "0"], note: 撤销的不导入}
        derive:
          - {field: 机关代码, from: provider_code}
          - {field: 当事人类别, value: 自然人, if_filled: 证件号码}
          - {field: 当事人类别, value: 法人及非法人组织, if_filled: 当事人代码, prefix: "91"}
`

// TestLayouts: an item's older layouts parse into catalog data, survive
// export, show in a diff, and a layout naming what the item lacks, or
// giving a derivation two sources, is refused at the key that says so.
func TestLayouts(t *testing.T) {
	c := parseOK(t, base+layoutBlock)
	ls := c.Item("XZCF").Layouts
	if len(ls) != 1 {
		t.Fatalf("layouts: %+v", ls)
	}
	l := ls[0]
	if l.Name != "旧版" || l.Source != "某市旧模板" || l.Confirmed || !slices.Equal(l.Optional, []string{"违法行为类型"}) || len(l.Columns) != 8 || len(l.Derive) != 3 {
		t.Fatalf("layout: %+v", l)
	}
	// A field named by another spelling resolves to the field's own name.
	if l.Columns[1].Field != "当事人代码" || l.Columns[4].Map["1"] != "罚款" || l.Columns[6].Field != "" ||
		!slices.Equal(l.Columns[7].Accept, []string{"", "0"}) {
		t.Errorf("columns: %+v %+v %+v %+v", l.Columns[1], l.Columns[4], l.Columns[6], l.Columns[7])
	}
	if d := l.Derive[2]; d.Field != "当事人类别" || d.Value != "法人及非法人组织" || d.IfFilled != "当事人代码" || d.Prefix != "91" || l.Derive[0].From != catalog.DeriveProviderCode {
		t.Errorf("derive: %+v", l.Derive)
	}
	roundTrip(t, c)
	changed := parseOK(t, strings.Replace(base+layoutBlock, "note: 撤销的不导入", "note: 撤销、异议的不导入", 1))
	if d := catalog.Diff(c, changed); len(d) != 1 || !strings.Contains(d[0].Key, "layouts[0]") {
		t.Errorf("diff: %+v", d)
	}

	bad := []struct{ old, new, key, msg string }{
		{"field: 文号}", "field: 文书号}", "items[0].layouts[0].columns[3].field", `"文书号" 不是本信息项的字段`},
		{"{field: 机关代码, from: provider_code}", "{field: 机关代码, from: provider_code, value: x}", "items[0].layouts[0].derive[0]", "from 或 value 之一"},
		{"{field: 机关代码, from: provider_code}", "{field: 机关代码, from: provider}", "items[0].layouts[0].derive[0].from", `"provider"`},
		{"accept: [\"\", \"0\"], note: 撤销的不导入", "accept: [\"\", \"0\"]", "items[0].layouts[0].columns[7].note", "须写 note"},
		{"{name: 处罚名称}", "{name: 处罚名称, map: {a: b}}", "items[0].layouts[0].columns[6].map", "map 只用于"},
		{"{name: 处罚名称}", "{name: CF_XDR_MC}", "items[0].layouts[0].columns[6].name", "列名 \"CF_XDR_MC\" 重复"},
		{"{name: 文号, field: 文号}", "{name: 文号, field: 机关代码}", "", ""}, // (valid: a uscc field from one column)
		{"field: 当事人名称}", "}", "items[0].layouts[0].columns", "主体名称"},
		{"{name: 处罚类别2, field: 处罚类别}", "{name: 处罚类别2, field: 决定日期}\n          - {name: 日期2, field: 决定日期}", "items[0].layouts[0].columns[6].field", "几列合并"},
		{"value: 自然人", "value: 外国人", "items[0].layouts[0].derive[1].value", "外国人"},
	}
	for _, b := range bad {
		src := edit(t, base+layoutBlock, b.old, b.new)
		if b.key == "" {
			parseOK(t, src)
			continue
		}
		found := false
		ps := problems(t, src)
		for _, p := range ps {
			found = found || p.Key == b.key && strings.Contains(p.Zh, b.msg) && p.En != ""
		}
		if !found {
			t.Errorf("%s → %s: no problem at %s containing %q:\n%s", b.old, b.new, b.key, b.msg, ps.Error())
		}
	}
}

// TestDefaultOldLayouts: the default catalog ships the older 双公示 layout
// of 行政处罚 and 行政许可 as data, unconfirmed (its source is code that
// implements it, not an official text), with 代码_2…_5 mapped by meaning.
func TestDefaultOldLayouts(t *testing.T) {
	c := defaultCatalog(t)
	for _, code := range []string{"XZCF", "XZXK"} {
		it := c.Item(code)
		if len(it.Layouts) != 1 {
			t.Fatalf("%s layouts: %d", code, len(it.Layouts))
		}
		l := it.Layouts[0]
		if l.Name != "双公示旧版" || l.Confirmed || l.Source == "" {
			t.Errorf("%s: %+v", code, l)
		}
		want := map[string]string{
			"行政相对人代码_2（组织机构代码）": "行政相对人代码_3（组织机构代码）",
			"行政相对人代码_3（工商登记码）":  "行政相对人代码_2（工商注册号）",
			"行政相对人代码_5（居民身份证号）": "证件号码",
			"法定代表人姓名":           "法定代表人",
		}
		for _, col := range l.Columns {
			if f, ok := want[col.Name]; ok {
				if col.Field != f {
					t.Errorf("%s: %s fills %q, want %q", code, col.Name, col.Field, f)
				}
				delete(want, col.Name)
			}
		}
		if len(want) != 0 {
			t.Errorf("%s: columns missing: %v", code, want)
		}
	}
}
