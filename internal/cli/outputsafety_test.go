package cli

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 16, output that cannot attack its reader.

// formula is a 违法事实 a spreadsheet would run; realQuote a value that
// starts with ' of its own.
const (
	formula   = `=HYPERLINK("http://evil.example/","点此查看")`
	realQuote = "'1号仓库"
)

// A reject report guards formula cells with a leading '; fixed and
// re-imported, the values come back exactly as the provider sent them,
// and a value that had a ' of its own keeps it.
func TestRejectReportFormulaGuardRoundTrip(t *testing.T) {
	h := importHarness(t)
	src := filepath.Join(h.dir, "x.csv")
	writeCSV(t, src, xzcfHeader, [][]string{xzcfRow(map[string]string{"违法事实": formula, "备注": realQuote, "暂扣或吊销证照名称及编号": "-",
		"处罚决定日期": "2025-02-30"})}, false)
	rej := filepath.Join(h.dir, "rejects.csv")
	h.fails(3, "import", src, "--provider", provider, "--item", "XZCF", "--rejects", rej)
	recs := readRejects(t, rej)
	col := func(name string) int {
		for i, c := range recs[0] {
			if c == name {
				return i
			}
		}
		t.Fatalf("no column %s in %v", name, recs[0])
		return -1
	}
	if got := recs[1][col("违法事实")]; got != "'"+formula {
		t.Errorf("违法事实 in the report = %q, want the guarded %q", got, "'"+formula)
	}
	if got := recs[1][col("备注")]; got != realQuote {
		t.Errorf("备注 = %q, want %q", got, realQuote)
	}
	if got := recs[1][col("罚款金额（万元）")]; got != "2" {
		t.Errorf("a number was changed: %q", got)
	}
	// The provider fixes the date and resubmits the report as it is.
	recs[1][col("处罚决定日期")] = "2025-02-28"
	fixed := filepath.Join(h.dir, "fixed.csv")
	f, err := os.Create(fixed)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.WriteAll(recs)
	f.Close()
	h.ok("import", fixed, "--provider", provider, "--item", "XZCF")
	r := showJSON(t, h, orgA, "--scope", "office").byDoc("通市监罚〔2025〕1号")
	if r == nil {
		t.Fatal("the fixed row was not stored")
	}
	if r.Fields["违法事实"] != formula || r.Fields["备注"] != realQuote || r.Fields["暂扣或吊销证照名称及编号"] != "-" {
		t.Errorf("stored %q %q %q", r.Fields["违法事实"], r.Fields["备注"], r.Fields["暂扣或吊销证照名称及编号"])
	}

	// An export to a unit (CSV and XLSX) guards the same cell; numbers stay.
	h.ok("unit", "add", deptA, "--name", "南通市发展和改革委员会", "--items", "XZCF")
	for _, ext := range []string{"csv", "xlsx"} {
		out := filepath.Join(h.dir, "export."+ext)
		h.ok("export", "--unit", deptA, "--item", "XZCF", "-o", out)
		text := fileText(t, out)
		if n := strings.Count(text, "=HYPERLINK("); n != 1 || strings.Count(text, "'=HYPERLINK(") != 1 {
			t.Errorf("%s: the formula is not guarded:\n%s", ext, text)
		}
		if ext == "xlsx" && !strings.Contains(text, "\t2\t") {
			t.Errorf("%s: the amount 2 is not kept:\n%s", ext, text)
		}
	}
}

// hostileText goes through every Markdown and HTML output: markup, a table
// break, backticks, a link and line breaks.
const hostileText = "<script>alert(1)</script>|`rm -rf /`|[点我](javascript:alert(1))\n第二行"

func checkMarkupSafe(t *testing.T, what, out string, html bool) {
	t.Helper()
	if strings.Contains(out, "<script>") || !html && strings.Contains(out, "[点我](") || !strings.Contains(out, "&lt;script&gt;") {
		t.Errorf("%s: hostile text not escaped:\n%s", what, out)
	}
	if !html {
		if strings.Contains(out, "`rm -rf /`") {
			t.Errorf("%s: backticks not escaped:\n%s", what, out)
		}
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "第二行") {
				t.Errorf("%s: a line break in a value broke the table:\n%s", what, out)
			}
		}
	}
}

func TestHostileTextInEveryMarkdownAndHTMLOutput(t *testing.T) {
	h := scHarness(t)
	h.ok("user", "add", "bob", "--role", "clerk")
	h.scImport("HEIMD", pubHeader, pubRow(map[string]string{"主体名称": "甲公司", "统一社会信用代码": orgA, "列入事由": hostileText, "名单名称": hostileText,
		"认定依据": hostileText, "认定日期": "2025-06-10", "有效期至": "2026-06-09"}))
	f := filepath.Join(h.dir, "xzcf.csv")
	writeCSV(t, f, xzcfHeader, [][]string{xzcfRow(map[string]string{"违法事实": hostileText, "处罚内容": hostileText})}, false)
	h.ok("import", f, "--provider", provider, "--item", "XZCF")
	h.ok("case", "record", "--subject", orgA, "--measure", "CJ01", "--unit", scUnit, "--matter", "政府采购",
		"--date", "2025-11-20", "--result", hostileText)
	d := h.dir
	for _, ext := range []string{"md", "html"} {
		for _, scope := range []string{"public", "office"} {
			p := filepath.Join(d, "report-"+scope+"."+ext)
			h.ok("subject", "report", orgA, "--scope", scope, "-o", p)
			checkMarkupSafe(t, "subject report "+scope+" "+ext, fileText(t, p), ext == "html")
		}
		if ext == "md" {
			p := filepath.Join(d, "check.md")
			h.ok("check", orgA, "--unit", scUnit, "--matter", "政府采购", "-o", p)
			checkMarkupSafe(t, "check md", fileText(t, p), false)
			p = filepath.Join(d, "sanctions.md")
			h.ok("report", "sanctions", "--month", "2025-11", "-o", p)
			checkMarkupSafe(t, "report sanctions md", fileText(t, p), false)
		} else {
			p := filepath.Join(d, "black.html")
			h.as("bob").ok("roster", "publish", "--list", "black", "-o", p)
			checkMarkupSafe(t, "roster publish html", fileText(t, p), true)
		}
	}
	for _, args := range [][]string{{"subject", "show", orgA, "--full"}, {"report", "sanctions", "--month", "2025-11"}, {"roster", "show", "R1"}, {"case", "list", "--month", "2025-11"}} {
		out := h.ok(append(args, "--format", "md")...).Out
		checkMarkupSafe(t, strings.Join(args, " ")+" --format md", out, false)
	}
}

// One rule for every file a command writes (-o, --rejects): a missing
// folder is a usage error before any work (nothing stored, nothing
// logged); an existing file is replaced only with --force.
func TestOutputFileRule(t *testing.T) {
	h := archiveHarness(t)
	missing := filepath.Join(h.dir, "no-such-dir", "x.csv")
	src := filepath.Join(h.dir, "bad.csv")
	writeCSV(t, src, xzcfHeader, [][]string{xzcfRow(map[string]string{"行政处罚决定书文号": "通市监罚〔2025〕99号", "处罚决定日期": "2025-02-30"}),
		xzcfRow(map[string]string{"行政处罚决定书文号": "通市监罚〔2025〕98号"})}, false)
	batches := func() string { return h.ok("batch", "list", "--format", "json").Out }
	before := batches()
	r := h.fails(2, "import", src, "--provider", provider, "--item", "XZCF", "--rejects", missing)
	mustHold(t, "import --rejects", r.Err, "no-such-dir", "不存在")
	if batches() != before {
		t.Error("an import whose --rejects folder is missing stored a batch")
	}
	queries := func() string { return h.ok("subject", "queries", orgA, "--format", "json").Out }
	qBefore := queries()
	for _, args := range [][]string{
		{"export", "--unit", archUnitA, "--item", "XZCF", "-o", missing},
		{"subject", "report", orgA, "-o", strings.TrimSuffix(missing, ".csv") + ".md"},
		{"report", "sanctions", "--month", "2025-11", "-o", missing},
		{"catalog", "export", "-o", strings.TrimSuffix(missing, ".csv") + ".yaml"},
	} {
		h.as("bob").fails(2, args...)
	}
	if queries() != qBefore {
		t.Error("a refused export or report was logged")
	}
	// An existing file: refused, left as it was; --force replaces it.
	out := filepath.Join(h.dir, "export.csv")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = h.as("bob").fails(2, "export", "--unit", archUnitA, "--item", "XZCF", "-o", out)
	mustHold(t, "existing -o", r.Err, "已存在", "--force")
	if b, _ := os.ReadFile(out); string(b) != "old" || queries() != qBefore {
		t.Error("a refused export changed the file or was logged")
	}
	h.as("bob").ok("export", "--unit", archUnitA, "--item", "XZCF", "-o", out, "--force")
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), "通市监罚〔2025〕1号") {
		t.Errorf("--force did not replace the file: %q", b)
	}
	rej := filepath.Join(h.dir, "rej.csv")
	os.WriteFile(rej, []byte("old"), 0o644)
	h.fails(2, "import", src, "--provider", provider, "--item", "XZCF", "--rejects", rej)
	if batches() != before {
		t.Error("an import refused for its existing --rejects file stored a batch")
	}
	h.fails(3, "import", src, "--provider", provider, "--item", "XZCF", "--rejects", rej, "--force")
	if len(readRejects(t, rej)) != 2 {
		t.Error("--force did not replace the reject report")
	}
	// A folder given as the file.
	h.as("bob").fails(2, "export", "--unit", archUnitA, "--item", "XZCF", "-o", h.dir)
	// No temporary file is left anywhere.
	ents, _ := os.ReadDir(h.dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") && !strings.HasPrefix(e.Name(), ".credit") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}
