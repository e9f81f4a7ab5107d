package tabular

import (
	"archive/zip"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// xlsxSheetXML is the raw XML of the first worksheet, for what excelize
// has no reader for.
func xlsxSheetXML(t *testing.T, path string) string {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	for _, f := range z.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			r, _ := f.Open()
			b, _ := io.ReadAll(r)
			r.Close()
			return string(b)
		}
	}
	t.Fatal("no sheet1.xml")
	return ""
}

// An XLSX file opens well (issue 19): numbers are number cells, dates are
// date cells shown yyyy-mm-dd, amounts number cells shown #,##0.00, codes
// and document numbers text (leading zeros kept), a text that looks like a
// formula is guarded, the header row is frozen and filtered, and a column
// of Chinese text is about twice as wide as its character count.
func TestWriteXLSXTypedCells(t *testing.T) {
	tb := &Table{Title: "t", Columns: []Column{
		{Key: "id", Zh: "编号"},
		{Key: "date", Zh: "日期"},
		{Key: "amount", Zh: "金额", Kind: KindMoney},
		{Key: "code", Zh: "代码"},
		{Key: "doc", Zh: "文号", Kind: KindText},
		{Key: "name", Zh: "名称"},
		{Key: "rate", Zh: "比率", Kind: KindNumber},
	}, Rows: [][]string{
		{"7", "2026-12-01", "1234.5", "0012", "20240001", "南通市市场监督管理局", "0.25"},
		{"12", "2024-02-29", "20000", "320602198001014359", "7", "=HYPERLINK(\"x\")", ""},
	}}
	path := filepath.Join(t.TempDir(), "t.xlsx")
	if err := WriteXLSX(path, "zh", Sheet{Name: "表", Table: tb}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const sh = "表"
	numFmt := func(cell string) string {
		id, err := f.GetCellStyle(sh, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if st.CustomNumFmt != nil {
			return *st.CustomNumFmt
		}
		return ""
	}
	typ := func(cell string) excelize.CellType {
		ct, err := f.GetCellType(sh, cell)
		if err != nil {
			t.Fatal(err)
		}
		return ct
	}
	raw := func(cell string) string {
		v, err := f.GetCellValue(sh, cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	shown := func(cell string) string {
		v, err := f.GetCellValue(sh, cell)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// Counts: numbers.
	if typ("A2") == excelize.CellTypeSharedString || typ("A2") == excelize.CellTypeInlineString || raw("A3") != "12" {
		t.Errorf("id cell: type %v raw %q", typ("A2"), raw("A3"))
	}
	// Dates: the serial number of the day (2026-12-01 is 46357 days after
	// 1899-12-30; 2024-02-29 is 45351), shown yyyy-mm-dd.
	if raw("B2") != "46357" || raw("B3") != "45351" || numFmt("B2") != "yyyy-mm-dd" || shown("B3") != "2024-02-29" {
		t.Errorf("date cells: raw %q %q, format %q, shown %q", raw("B2"), raw("B3"), numFmt("B2"), shown("B3"))
	}
	// Amounts: numbers shown with two decimals and thousands separators.
	if raw("C2") != "1234.5" || numFmt("C2") != "#,##0.00" || shown("C2") != "1,234.50" || shown("C3") != "20,000.00" {
		t.Errorf("money cells: raw %q, format %q, shown %q %q", raw("C2"), numFmt("C2"), shown("C2"), shown("C3"))
	}
	// Codes keep their zeros, an 18-digit ID number is text, a document
	// number marked text stays text though it is digits.
	for _, c := range []string{"D2", "D3", "E2", "E3", "F2"} {
		if ct := typ(c); ct != excelize.CellTypeSharedString && ct != excelize.CellTypeInlineString {
			t.Errorf("%s: type %v, want text", c, ct)
		}
	}
	if shown("D2") != "0012" || shown("D3") != "320602198001014359" || shown("E2") != "20240001" {
		t.Errorf("text cells: %q %q %q", shown("D2"), shown("D3"), shown("E2"))
	}
	if shown("F3") != "'=HYPERLINK(\"x\")" {
		t.Errorf("formula-like text not guarded: %q", shown("F3"))
	}
	if raw("G2") != "0.25" || typ("G2") == excelize.CellTypeSharedString {
		t.Errorf("number cell: %q %v", raw("G2"), typ("G2"))
	}
	// The header: bold, frozen, with an autofilter over the header and rows.
	panes, err := f.GetPanes(sh)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes: %+v %v", panes, err)
	}
	if x := xlsxSheetXML(t, path); !strings.Contains(x, `<autoFilter ref="$A$1:$G$3"`) {
		t.Errorf("no autofilter over A1:G3 in %s", x)
	}
	filter := false
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" && strings.Contains(d.RefersTo, "$A$1:$G$3") {
			filter = true
		}
	}
	if !filter {
		t.Errorf("defined names: %+v", f.GetDefinedName())
	}
	// Widths: 南通市市场监督管理局 is 10 Han characters, 20 columns wide.
	if w, _ := f.GetColWidth(sh, "F"); w < 20 {
		t.Errorf("column F width %v for 10 Han characters", w)
	}
	if w, _ := f.GetColWidth(sh, "A"); w > 10 {
		t.Errorf("column A width %v for 编号 and short numbers", w)
	}
}
