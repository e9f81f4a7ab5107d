package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// 第十四条 in catalog check: a field about natural persons is judged by
// meaning, and the refusal names the item, the field and the article.
func TestCatalogCheckArticle14ByMeaning(t *testing.T) {
	h := newHarness(t).initStore()
	withField := func(file, field string) string {
		return h.writeFile(file, defaultYAML(t, `version: "2026.12"`, `version: "2025.1"`,
			"      - {name: 违法事实, aliases: [CF_SY]", "      - "+field+"\n      - {name: 违法事实, aliases: [CF_SY]"))
	}
	for _, c := range []struct{ file, field, name string }{
		{"history.yaml", "{name: 当事人既往病史, type: text}", "当事人既往病史"},
		{"faith.yaml", "{name: 宗教信仰情况, type: text}", "宗教信仰情况"},
		{"ill.yaml", "{name: 是否患有疾病, type: text}", "是否患有疾病"},
		{"abo.yaml", "{name: 备用, aliases: [血型（ABO）], type: text}", "血型（ABO）"},
		{"past.yaml", "{name: 当事人既往史, type: text}", "当事人既往史"},
		{"diag.yaml", "{name: 诊断结果, type: text}", "诊断结果"},
		{"personal.yaml", "{name: 法定代表人所属宗教团体, type: text, personal: true}", "法定代表人所属宗教团体"},
	} {
		r := h.fails(4, "catalog", "check", withField(c.file, c.field))
		if !strings.Contains(r.Err, "第十四条") || !strings.Contains(r.Err, "XZCF") || !strings.Contains(r.Err, c.name) || !strings.Contains(r.Err, c.file+":") {
			t.Errorf("%s: stderr %s", c.file, r.Err)
		}
		r = h.fails(4, "--lang", "en", "catalog", "check", withField(c.file, c.field))
		if !strings.Contains(r.Err, "art. 14") || !strings.Contains(r.Err, c.name) {
			t.Errorf("%s (en): stderr %s", c.file, r.Err)
		}
	}
	// Organisation terms are approved exceptions.
	for _, field := range []string{"{name: 宗教活动场所名称, type: text}", "{name: 疾病预防控制中心名称, type: text}", "{name: 节能诊断报告编号, type: text}"} {
		h.ok("catalog", "check", withField("org.yaml", field))
	}
	// A further term written without its law still applies, with a warning.
	f := h.writeFile("bare.yaml", defaultYAML(t, `version: "2026.12"`, `version: "2025.1"`, "  prohibited_terms: []\n", "  prohibited_terms: [测试词]\n"))
	if r := h.ok("catalog", "check", f); !strings.Contains(r.Err, "测试词") || !strings.Contains(r.Err, "未注明法律出处") {
		t.Errorf("a term without its law must be pointed out: %s", r.Err)
	}
}

// 第十四条 at import: a provider file whose header names prohibited
// information is refused whole (exit 4), naming the column and the article,
// whatever its encoding and even with --ignore-unknown; an organisation term
// passes.
func TestImportArticle14Header(t *testing.T) {
	h := importHarness(t)
	refused := []struct {
		file, column string
		gbk          bool
	}{
		{"history-gbk.csv", "既往病史", true},
		{"history-utf8.csv", "既往病史", false},
		{"faith.csv", "宗教信仰情况", false},
		{"blood.csv", "血型(ABO)", true},
		{"ill.csv", "是否患有疾病", false},
		{"family.csv", "家族 病史", false},
		{"sick-gbk.csv", "患病情况", true},
		{"belief.csv", "本人信仰", false},
		{"dna.csv", "ＤＮＡ检测", false},
	}
	for _, c := range refused {
		f := filepath.Join(h.dir, c.file)
		writeCSV(t, f, append(append([]string{}, xzcfHeader...), c.column), [][]string{append(xzcfRow(nil), "x")}, c.gbk)
		for _, extra := range [][]string{nil, {"--ignore-unknown"}} {
			args := append([]string{"import", f, "--provider", provider, "--item", "XZCF"}, extra...)
			r := h.fails(4, args...)
			if !strings.Contains(r.Err, "“"+c.column+"”") || !strings.Contains(r.Err, "第十四条") || !strings.Contains(r.Err, "第 31 列") {
				t.Errorf("%s %v: stderr %s", c.file, extra, r.Err)
			}
			r = h.fails(4, append(args, "--format", "json")...)
			if !strings.Contains(r.Out, `"refused":"prohibited_field"`) {
				t.Errorf("%s: json %s", c.file, r.Out)
			}
		}
	}
	if out := h.ok("batch", "list", "--format", "json").Out; strings.Contains(out, `"batch"`) {
		t.Fatalf("a refused file stored a batch: %s", out)
	}

	// An organisation term is not prohibited: unknown to the item it needs
	// --ignore-unknown, as any unknown column does ...
	f := filepath.Join(h.dir, "cdc.csv")
	writeCSV(t, f, append(append([]string{}, xzcfHeader...), "疾病预防控制中心名称"), [][]string{append(xzcfRow(nil), "南通市疾病预防控制中心")}, true)
	r := h.fails(4, "import", f, "--provider", provider, "--item", "XZCF", "--format", "json")
	if !strings.Contains(r.Out, `"refused":"unknown_column"`) {
		t.Errorf("an organisation term is an unknown column, not a prohibited one: %s", r.Out)
	}
	h.ok("import", f, "--provider", provider, "--item", "XZCF", "--ignore-unknown")

	// ... and where the catalog has it, the file is taken as it is.
	h.ok("catalog", "apply", h.writeFile("cdc.yaml", defaultYAML(t, `version: "2026.12"`, `version: "2025.1"`, "effective: 2018-01-01", "effective: 2025-01-01",
		"      - {name: 违法事实, aliases: [CF_SY]", "      - {name: 疾病预防控制中心名称, type: text}\n      - {name: 违法事实, aliases: [CF_SY]")), "--yes")
	f = filepath.Join(h.dir, "cdc2.csv")
	writeCSV(t, f, append(append([]string{}, xzcfHeader...), "疾病预防控制中心名称"),
		[][]string{append(xzcfRow(map[string]string{"行政处罚决定书文号": "通市监罚〔2025〕9号"}), "南通市疾病预防控制中心")}, false)
	if r := h.ok("import", f, "--provider", provider, "--item", "XZCF", "--format", "json"); !strings.Contains(r.Out, `"accepted":1`) {
		t.Errorf("cdc2: %s", r.Out)
	}
}

// 第二条 with 民法典 第十七条 and 第十八条第二款: a 16–17-year-old marked by the
// provider as living mainly on his or her own labour income is taken with a
// warning; unmarked, or under 16, the row is rejected as minor_subject.
// Decision date 2025-06-10; ID numbers made for the birth dates (check codes
// by GB 11643, worked in internal/ingest/capacity_test.go).
func TestImportCapacityByOwnIncome(t *testing.T) {
	h := importHarness(t)
	person := func(id, doc, mark string) []string {
		return append(xzcfRow(map[string]string{
			"行政相对人名称": "李四", "行政相对人类别": "自然人", "行政相对人代码_1（统一社会信用代码）": "",
			"证件类型": "身份证", "证件号码": id, "法定代表人": "", "法定代表人证件类型": "", "法定代表人证件号码": "",
			"行政处罚决定书文号": doc,
		}), mark)
	}
	f := filepath.Join(h.dir, "capacity.csv")
	writeCSV(t, f, append(append([]string{}, xzcfHeader...), "以自己的劳动收入为主要生活来源"), [][]string{
		person("110105200706110017", "通市监罚〔2025〕21号", "是"), // row 2: 17 (18 on 2025-06-11), marked: taken
		person("110105200706110017", "通市监罚〔2025〕22号", ""),  // row 3: 17, unmarked: rejected
		person("110105200906110011", "通市监罚〔2025〕23号", "是"), // row 4: 15 (16 on 2025-06-11): rejected
		person("110105200706100011", "通市监罚〔2025〕24号", ""),  // row 5: 18 on 2025-06-10: taken
	}, true)
	r := h.fails(3, "import", f, "--provider", provider, "--item", "XZCF", "--dry-run", "--format", "json")
	res := decode[map[string]any](t, r.Out)
	if res["accepted"] != 2.0 || res["rejected"] != 2.0 || res["warned"] != 1.0 {
		t.Fatalf("dry run: %s", r.Out)
	}
	r = h.fails(3, "import", f, "--provider", provider, "--item", "XZCF", "--format", "json")
	res = decode[map[string]any](t, r.Out)
	if res["accepted"] != 2.0 || res["rejected"] != 2.0 || res["warned"] != 1.0 || res["reasons"].(map[string]any)["minor_subject"] != 2.0 {
		t.Fatalf("import: %s", r.Out)
	}
	ws := res["warnings"].([]any)
	w := ws[0].(map[string]any)
	if len(ws) != 1 || w["row"] != 2.0 || w["reasons"] != "capacity_by_income" ||
		!strings.Contains(w["message"].(string), "第十八条第二款") || !strings.Contains(w["message"].(string), "第二条") || !strings.Contains(w["message"].(string), "17 周岁") {
		t.Errorf("warnings: %v", ws)
	}
	rej := res["rejects"].([]any)
	for i, want := range []string{"请在“以自己的劳动收入为主要生活来源”列填“是”", "未满 16 周岁"} {
		m := rej[i].(map[string]any)["message"].(string)
		if !strings.Contains(m, want) || !strings.Contains(m, "第十七条") || !strings.Contains(m, "第二条") {
			t.Errorf("reject %d: %s", i, m)
		}
	}

	// The table shows the warning too, in either language.
	f2 := filepath.Join(h.dir, "capacity2.csv")
	writeCSV(t, f2, append(append([]string{}, xzcfHeader...), "以自己的劳动收入为主要生活来源"), [][]string{
		person("110105200906100016", "通市监罚〔2025〕25号", "是"), // 16 on 2025-06-10 exactly
	}, false)
	out := h.ok("import", f2, "--provider", provider, "--item", "XZCF", "--dry-run").Out
	if !strings.Contains(out, "1 行可入库但有提示") || !strings.Contains(out, "16 周岁") || !strings.Contains(out, "第十八条第二款") {
		t.Errorf("table: %s", out)
	}
	out = h.ok("--lang", "en", "import", f2, "--provider", provider, "--item", "XZCF", "--dry-run").Out
	if !strings.Contains(out, "stored with a warning") || !strings.Contains(out, "art. 18(2)") {
		t.Errorf("table (en): %s", out)
	}
	out = h.ok("import", f2, "--provider", provider, "--item", "XZCF").Out
	if !strings.Contains(out, "1 行已入库但有提示") || !strings.Contains(out, "16 周岁") {
		t.Errorf("table: %s", out)
	}
}
