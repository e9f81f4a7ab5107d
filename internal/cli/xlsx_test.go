package cli

import (
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
)

// An XLSX export to a unit carries the catalog's types (issue 19): the
// record id and 罚款金额（万元） (money, 2 → 2.00) as numbers, 处罚决定日期 and
// 决定日期 as date cells, the document number and codes as text.
func TestExportXLSXCellTypes(t *testing.T) {
	h := archiveHarness(t)
	x := filepath.Join(h.dir, "xzcf.xlsx")
	h.as("bob").ok("export", "--unit", archUnitA, "--item", "XZCF", "-o", x)
	f, err := excelize.OpenFile(x)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sh := f.GetSheetName(0)
	rows, err := f.GetRows(sh)
	if err != nil || len(rows) < 2 {
		t.Fatalf("rows %v %v", rows, err)
	}
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	cell := func(name string) string {
		c, ok := col[name]
		if !ok {
			t.Fatalf("no column %s in %v", name, rows[0])
		}
		ref, _ := excelize.CoordinatesToCellName(c+1, 2)
		return ref
	}
	isText := func(ref string) bool {
		ct, _ := f.GetCellType(sh, ref)
		return ct == excelize.CellTypeSharedString || ct == excelize.CellTypeInlineString
	}
	format := func(ref string) string {
		id, _ := f.GetCellStyle(sh, ref)
		st, _ := f.GetStyle(id)
		if st == nil || st.CustomNumFmt == nil {
			return ""
		}
		return *st.CustomNumFmt
	}
	for _, name := range []string{"记录编号", "罚款金额（万元）", "处罚决定日期", "决定日期"} {
		if isText(cell(name)) {
			t.Errorf("%s is a text cell", name)
		}
	}
	for _, name := range []string{"行政处罚决定书文号", "行政相对人代码_1（统一社会信用代码）", "行政相对人名称"} {
		if !isText(cell(name)) {
			t.Errorf("%s is not a text cell", name)
		}
	}
	if format(cell("罚款金额（万元）")) != "#,##0.00" || format(cell("决定日期")) != "yyyy-mm-dd" || format(cell("处罚决定日期")) != "yyyy-mm-dd" {
		t.Errorf("formats: money %q, dates %q %q", format(cell("罚款金额（万元）")), format(cell("决定日期")), format(cell("处罚决定日期")))
	}
	if v, _ := f.GetCellValue(sh, cell("决定日期")); len(v) != 10 || v[4] != '-' {
		t.Errorf("决定日期 shown %q", v)
	}
	if p, err := f.GetPanes(sh); err != nil || !p.Freeze || p.YSplit != 1 {
		t.Errorf("panes %+v %v", p, err)
	}
}
