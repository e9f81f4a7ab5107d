package ingest

import (
	"bytes"
	"github.com/xuri/excelize/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// sample is a .xls written by SheetJS (scripts/xls-samples/make.js).
func sample(name string) string { return filepath.Join("..", "xls", "testdata", name) }

// copySample copies a sample into a temporary file under another name.
func copySample(t *testing.T, name, as string) string {
	t.Helper()
	b, err := os.ReadFile(sample(name))
	if err != nil {
		t.Fatal(err)
	}
	return writeTemp(t, as, b)
}

func TestReadXLS(t *testing.T) {
	// The same workbook under the names it arrives with: .xls, WPS's .et,
	// and renamed .xlsx; the content decides the reader.
	for _, as := range []string{"a.xls", "a.et", "a.xlsx", "A.XLS"} {
		t.Run(as, func(t *testing.T) {
			path := copySample(t, "merged_header.xls", as)
			src, err := Open(path, ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			if src.Format() != FormatXLS || src.Encoding() != "xls-biff8" || !src.SerialDates() {
				t.Errorf("Format %q Encoding %q SerialDates %v", src.Format(), src.Encoding(), src.SerialDates())
			}
			// make.js: A1:B1 (当事人) and C1:C2 (处罚决定日期), in Excel's numbering.
			if want := []CellRange{{1, 1, 1, 2}, {1, 2, 3, 3}}; !slices.Equal(MergesOf(src), want) {
				t.Errorf("Merges = %v, want %v", MergesOf(src), want)
			}
			got, err := readAll(t, path, ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"当事人", "", "处罚决定日期"}; !slices.Equal(got.header, want) {
				t.Errorf("header %q", got.header)
			}
			want := []Row{{Line: 2, Cells: []string{"名称", "代码", ""}}, {Line: 3, Cells: []string{"甲公司", "91350100M000100Y43", "45818"}}}
			if len(got.rows) != 2 {
				t.Fatalf("rows %v", got.rows)
			}
			for i, w := range want {
				if g := got.rows[i]; g.Line != w.Line || !slices.Equal(g.Cells, w.Cells) {
					t.Errorf("row %d = %d %q, want %d %q", i, g.Line, g.Cells, w.Line, w.Cells)
				}
			}
			if d, ok := ExcelSerialToDate(got.rows[1].Cells[2]); !ok || d.String() != "2025-06-10" {
				t.Errorf("date cell %q = %v", got.rows[1].Cells[2], d)
			}
		})
	}
	// A workbook renamed .xls is read as the .xlsx it is.
	xlsx := writeXLSX(t, func(f *excelize.File) { setRow(t, f, "Sheet1", "A1", "名称"); setRow(t, f, "Sheet1", "A2", "甲") })
	b, _ := os.ReadFile(xlsx)
	src, err := Open(writeTemp(t, "b.xls", b), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if src.Format() != FormatXLSX {
		t.Errorf("zip named .xls read as %q", src.Format())
	}
	src.Close()
}

func TestReadXLSSheets(t *testing.T) {
	got, err := readAll(t, sample("two_sheets.xls"), ReadOptions{Sheet: "数据"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.header, []string{"行政相对人名称", "处罚决定日期"}) || len(got.rows) != 1 || got.rows[0].Cells[0] != "丙公司" {
		t.Errorf("sheet 数据: %q %v", got.header, got.rows)
	}
	path := sample("two_sheets.xls")
	_, err = Open(path, ReadOptions{Sheet: "Sheet9"})
	wantFileError(t, err, path, ReasonSheet, 0, "填报说明、数据")
	_, err = Open(path, ReadOptions{Limits: Limits{Sheets: 1}})
	wantFileError(t, err, path, ReasonTooManySheets, 0, "import_limits.sheets")
}

func TestReadXLSRefused(t *testing.T) {
	good, err := os.ReadFile(sample("labels.xls"))
	if err != nil {
		t.Fatal(err)
	}
	// DATEMODE turned into FILEPASS, same length: a password to open.
	enc := bytes.Replace(good, []byte{0x22, 0x00, 0x02, 0x00}, []byte{0x2F, 0x00, 0x02, 0x00}, 1)
	for _, tc := range []struct {
		name   string
		data   []byte
		reason string
		want   []string
	}{
		{"encrypted", enc, ReasonFormat, []string{"密码", "password"}},
		{"cut in half", good[:len(good)/2], ReasonFormat, []string{"已损坏", "另存为 .xlsx"}},
		{"web page saved as .xls", []byte("<html><table><tr><td>名称</td></tr></table></html>"), ReasonFormat, []string{"不是 Excel 工作簿"}},
		{"empty", nil, ReasonFormat, []string{"不是 Excel 工作簿"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, "x.xls", tc.data)
			_, err := Open(path, ReadOptions{})
			wantFileError(t, err, path, tc.reason, 0, tc.want...)
		})
	}
	// The file-size limit applies before the workbook is opened.
	path := sample("long_sst.xls")
	_, err = Open(path, ReadOptions{Limits: Limits{FileSize: 4096}})
	wantFileError(t, err, path, ReasonFileTooLarge, 0)
	// The cell limit applies to .xls cells as to any other.
	_, err = readAll(t, path, ReadOptions{Limits: Limits{CellSize: 100}})
	wantFileError(t, err, path, ReasonCellTooLarge, 2)
}
