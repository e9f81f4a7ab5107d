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
		return h.writeFile(file, defaultYAML(t, `version: "2018.1"`, `version: "2025.1"`,
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
	f := h.writeFile("bare.yaml", defaultYAML(t, `version: "2018.1"`, `version: "2025.1"`, "  prohibited_terms: []\n", "  prohibited_terms: [测试词]\n"))
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
	h.ok("catalog", "apply", h.writeFile("cdc.yaml", defaultYAML(t, `version: "2018.1"`, `version: "2025.1"`, "effective: 2018-01-01", "effective: 2025-01-01",
		"      - {name: 违法事实, aliases: [CF_SY]", "      - {name: 疾病预防控制中心名称, type: text}\n      - {name: 违法事实, aliases: [CF_SY]")), "--yes")
	f = filepath.Join(h.dir, "cdc2.csv")
	writeCSV(t, f, append(append([]string{}, xzcfHeader...), "疾病预防控制中心名称"),
		[][]string{append(xzcfRow(map[string]string{"行政处罚决定书文号": "通市监罚〔2025〕9号"}), "南通市疾病预防控制中心")}, false)
	if r := h.ok("import", f, "--provider", provider, "--item", "XZCF", "--format", "json"); !strings.Contains(r.Out, `"accepted":1`) {
		t.Errorf("cdc2: %s", r.Out)
	}
}
