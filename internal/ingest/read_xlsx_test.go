package ingest

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"credit/internal/civil"
)

// writeXLSX builds a workbook with build and saves it in a temporary file.
func writeXLSX(t *testing.T, build func(f *excelize.File)) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	build(f)
	path := filepath.Join(t.TempDir(), "in.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func setRow(t *testing.T, f *excelize.File, sheet, cell string, values ...any) {
	t.Helper()
	must(t, f.SetSheetRow(sheet, cell, &values))
}

func TestReadXLSX(t *testing.T) {
	decided := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	path := writeXLSX(t, func(f *excelize.File) {
		setRow(t, f, "Sheet1", "A1", " 统一社会信用代码 ", "代码", "处罚决定日期", "罚款金额（万元）", "备注")
		setRow(t, f, "Sheet1", "A2", "91350100M000100Y43", "000123", decided, 0.2, "甲")
		// Row 3 is left out of the sheet entirely; row 4 has an explicitly
		// empty cell, row 5 only white space: all three are blank rows.
		must(t, f.SetCellValue("Sheet1", "B4", ""))
		must(t, f.SetCellValue("Sheet1", "C5", "  "))
		setRow(t, f, "Sheet1", "A6", "12350100MB0000001X", "0012", 45658.75)
		must(t, f.SetCellValue("Sheet1", "E8", "只有备注"))
	})
	src, err := Open(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if src.Format() != FormatXLSX || src.Encoding() != "xlsx" || !src.SerialDates() {
		t.Errorf("Format %q, Encoding %q, SerialDates %v", src.Format(), src.Encoding(), src.SerialDates())
	}
	got, err := readAll(t, path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"统一社会信用代码", "代码", "处罚决定日期", "罚款金额（万元）", "备注"}; !slices.Equal(got.header, want) {
		t.Errorf("Header = %q, want %q", got.header, want)
	}
	want := []Row{
		{Line: 2, Cells: []string{"91350100M000100Y43", "000123", "45658", "0.2", "甲"}},
		{Line: 6, Cells: []string{"12350100MB0000001X", "0012", "45658.75", "", ""}},
		{Line: 8, Cells: []string{"", "", "", "", "只有备注"}},
	}
	if len(got.rows) != len(want) {
		t.Fatalf("rows = %v, want %v", got.rows, want)
	}
	for i, w := range want {
		if g := got.rows[i]; g.Line != w.Line || !slices.Equal(g.Cells, w.Cells) {
			t.Errorf("row %d = %d %q, want %d %q", i, g.Line, g.Cells, w.Line, w.Cells)
		}
	}
	// The date cell, typed as a date in Excel, arrives as a serial number.
	if d, ok := ExcelSerialToDate(got.rows[0].Cells[2]); !ok || d != civil.Of(decided) {
		t.Errorf("date cell %q → %v %v, want %v", got.rows[0].Cells[2], d, ok, civil.Of(decided))
	}
}

func TestReadXLSXSheets(t *testing.T) {
	path := writeXLSX(t, func(f *excelize.File) {
		setRow(t, f, "Sheet1", "A1", "说明")
		setRow(t, f, "Sheet1", "A2", "请填写第二张表")
		_, err := f.NewSheet("处罚数据")
		must(t, err)
		setRow(t, f, "处罚数据", "A1", "名称", "代码")
		setRow(t, f, "处罚数据", "A3", "甲", "000123")
		_, err = f.NewSheet("Data")
		must(t, err)
		setRow(t, f, "Data", "A1", "x")
		_, err = f.NewSheet("空表")
		must(t, err)
	})
	for _, tc := range []struct {
		sheet  string
		header []string
		rows   []Row
	}{
		{"", []string{"说明"}, []Row{{Line: 2, Cells: []string{"请填写第二张表"}}}},
		{"处罚数据", []string{"名称", "代码"}, []Row{{Line: 3, Cells: []string{"甲", "000123"}}}},
		{"data", []string{"x"}, nil}, // Excel ignores case in sheet names
	} {
		got, err := readAll(t, path, ReadOptions{Sheet: tc.sheet})
		if err != nil {
			t.Fatalf("sheet %q: %v", tc.sheet, err)
		}
		if !slices.Equal(got.header, tc.header) || len(got.rows) != len(tc.rows) {
			t.Fatalf("sheet %q: header %q rows %v", tc.sheet, got.header, got.rows)
		}
		for i, w := range tc.rows {
			if g := got.rows[i]; g.Line != w.Line || !slices.Equal(g.Cells, w.Cells) {
				t.Errorf("sheet %q row %d = %d %q, want %d %q", tc.sheet, i, g.Line, g.Cells, w.Line, w.Cells)
			}
		}
	}
	_, err := Open(path, ReadOptions{Sheet: "Sheet9"})
	wantFileError(t, err, path, ReasonSheet, 0, "Sheet9", "Sheet1", "处罚数据", "Data")
	_, err = Open(path, ReadOptions{Sheet: "空表"})
	wantFileError(t, err, path, ReasonEmptyFile, 0, "空表")
}

func TestReadXLSXErrors(t *testing.T) {
	broken := writeTemp(t, "broken.xlsx", []byte("名称,代码\n甲,1\n"))
	_, err := Open(broken, ReadOptions{})
	wantFileError(t, err, broken, ReasonFormat, 0, ".xlsx")

	truncated := writeXLSX(t, func(f *excelize.File) { setRow(t, f, "Sheet1", "A1", "名称") })
	data := readFile(t, truncated)
	truncated = writeTemp(t, "truncated.xlsx", data[:len(data)/2])
	_, err = Open(truncated, ReadOptions{})
	wantFileError(t, err, truncated, ReasonFormat, 0)

	empty := writeXLSX(t, func(f *excelize.File) {})
	_, err = Open(empty, ReadOptions{})
	wantFileError(t, err, empty, ReasonEmptyFile, 0)

	mac := writeXLSX(t, func(f *excelize.File) {
		yes := true
		must(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}))
		setRow(t, f, "Sheet1", "A1", "处罚决定日期")
		setRow(t, f, "Sheet1", "A2", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	})
	_, err = Open(mac, ReadOptions{})
	wantFileError(t, err, mac, ReasonFormat, 0, "1904")
}

func TestExcelSerialToDate(t *testing.T) {
	// Known answers: ECMA-376 Part 1 §18.17.4.1 (1900 date system: DATEVALUE
	// examples and limits), Microsoft's "About dates and date systems"
	// (2008-01-01 is 39448), and serial 60 as Lotus 1-2-3's 1900-02-29.
	for _, tc := range []struct {
		in   string
		want string // "" = rejected
	}{
		{"1", "1900-01-01"},
		{"59", "1900-02-28"},
		{"60", ""},
		{"61", "1900-03-01"},
		{"3687", "1910-02-03"},
		{"38749", "2006-02-01"},
		{"39448", "2008-01-01"},
		{"45658", "2025-01-01"},
		{"45658.99999", "2025-01-01"},
		{" 45658.5 ", "2025-01-01"},
		{"4.5658E4", "2025-01-01"},
		{"2958465", "9999-12-31"},
		{"2958465.9", "9999-12-31"},
		{"2958466", ""},
		{"0", ""},
		{"0.5", ""},
		{"-1", ""},
		{"", ""},
		{"2025-01-01", ""},
		{"NaN", ""},
		{"Inf", ""},
		{"1e300", ""},
	} {
		d, ok := ExcelSerialToDate(tc.in)
		if tc.want == "" {
			if ok {
				t.Errorf("ExcelSerialToDate(%q) = %v, want rejected", tc.in, d)
			}
			continue
		}
		if !ok || d != civil.MustParse(tc.want) {
			t.Errorf("ExcelSerialToDate(%q) = %v %v, want %s", tc.in, d, ok, tc.want)
		}
	}
}

func FuzzExcelSerialToDate(f *testing.F) {
	for _, s := range []string{"1", "60", "45658.5", "2958465", "-0", "1e9", "0x1p4", "+61"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ExcelSerialToDate(s)
		if ok && !civil.Valid(d.Year, d.Month, d.Day) {
			t.Fatalf("ExcelSerialToDate(%q) = invalid %v", s, d)
		}
	})
}
