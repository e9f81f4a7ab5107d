package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2" // test only: an independent reader of what we write
)

// Texts that need care in SpreadsheetML: markup, spaces at the ends, line
// breaks, control characters (not XML 1.0 characters), a literal _xHHHH_,
// characters outside the BMP, invalid UTF-8 (written as U+FFFD).
var hardTexts = []string{
	"<a & b>", "  两端空格  ", "第一行\r\n第二行", "tab\there", "bell\x07nul\x00", "_x0041_ stays", "_x00", "𠀀😀", "\xff坏",
}

func writeBook(t *testing.T, build func(w *Writer)) string {
	t.Helper()
	var b bytes.Buffer
	w := NewWriter(&b)
	build(w)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "out.xlsx")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestWriteRoundTrip: what the writer writes, excelize (an independent
// implementation) and our reader read back exactly; every part is
// well-formed XML.
func TestWriteRoundTrip(t *testing.T) {
	path := writeBook(t, func(w *Writer) {
		must(t, w.AddSheet("文本", SheetOptions{Widths: []float64{10, 20}, FreezeHeader: true, AutoFilter: true}))
		must(t, w.WriteRow([]Cell{TextCell("原文", StyleBold), TextCell("说明", StyleBold)}))
		for _, s := range hardTexts {
			must(t, w.WriteRow([]Cell{TextCell(s, StylePlain), TextCell("x", StylePlain)}))
		}
		must(t, w.AddSheet("It's 数", SheetOptions{}))
		must(t, w.WriteRow([]Cell{NumberCell(7, StylePlain), {}, NumberCell(-0.25, StylePlain), NumberCell(1234.5, StyleMoney), DateCell(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC))}))
	})
	want := [][]string{{"原文", "说明"}}
	for _, s := range hardTexts {
		want = append(want, []string{string([]rune(s)), "x"})
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"文本", "It's 数"}) {
		t.Errorf("sheets %q", got)
	}
	rows, err := f.GetRows("文本")
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if i >= len(rows) || !slices.Equal(rows[i], want[i]) {
			t.Errorf("excelize row %d = %q, want %q", i+1, at(rows, i), want[i])
		}
	}
	// Numbers as numbers; 2024-02-29 is serial 45351 (Microsoft: 2008-01-01
	// is 39448; 45351 - 39448 = 5903 days, 2008-01-01 to 2024-02-29).
	for cell, v := range map[string]string{"A1": "7", "C1": "-0.25", "D1": "1234.5", "E1": "45351"} {
		got, _ := f.GetCellValue("It's 数", cell, excelize.Options{RawCellValue: true})
		typ, _ := f.GetCellType("It's 数", cell)
		if got != v || typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
			t.Errorf("%s = %q (%v), want the number %s", cell, got, typ, v)
		}
	}
	if v, _ := f.GetCellValue("It's 数", "D1"); v != "1,234.50" {
		t.Errorf("money shown %q", v)
	}
	if v, _ := f.GetCellValue("It's 数", "E1"); v != "2024-02-29" {
		t.Errorf("date shown %q", v)
	}
	if v, _ := f.GetCellValue("It's 数", "B1"); v != "" {
		t.Errorf("empty cell %q", v)
	}
	st, _ := f.GetCellStyle("文本", "A1")
	if s, err := f.GetStyle(st); err != nil || s.Font == nil || !s.Font.Bold {
		t.Errorf("header not bold: %+v %v", s, err)
	}
	if p, err := f.GetPanes("文本"); err != nil || !p.Freeze || p.YSplit != 1 || p.TopLeftCell != "A2" {
		t.Errorf("panes %+v %v", p, err)
	}
	if w, _ := f.GetColWidth("文本", "B"); w != 20 {
		t.Errorf("width of B = %v", w)
	}
	// Our reader: the same rows, the numbers as written.
	_, cells, err := readSheet(t, path, 0, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if i >= len(cells) || !slices.Equal(cells[i], want[i]) {
			t.Errorf("reader row %d = %q, want %q", i+1, at(cells, i), want[i])
		}
	}
	if _, cells, err = readSheet(t, path, 1, Limits{}); err != nil || !slices.Equal(cells[0], []string{"7", "", "-0.25", "1234.5", "45351"}) {
		t.Errorf("numbers read back %q %v", cells, err)
	}
	// Every part parses as XML (Excel refuses a workbook with one that
	// does not), and the autofilter covers the header and the rows.
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	seen := map[string]bool{}
	for _, zf := range z.File {
		seen[zf.Name] = true
		r, _ := zf.Open()
		body, _ := io.ReadAll(r)
		r.Close()
		d := xml.NewDecoder(bytes.NewReader(body))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", zf.Name, err)
			}
		}
		if zf.Name == "xl/worksheets/sheet1.xml" && !strings.Contains(string(body), `<autoFilter ref="$A$1:$B$10"/>`) {
			t.Errorf("sheet1 has no autofilter over A1:B10")
		}
	}
	for _, p := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"} {
		if !seen[p] {
			t.Errorf("no %s", p)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Excel's sheet-name rules are kept: a bad name is refused, not written
// into a workbook Excel would repair.
func TestWriteSheetNames(t *testing.T) {
	w := NewWriter(io.Discard)
	for _, bad := range []string{"", "a/b", "a:b", "[x]", "'q", strings.Repeat("长", 32)} {
		if err := w.AddSheet(bad, SheetOptions{}); err == nil {
			t.Errorf("sheet name %q accepted", bad)
		}
	}
	must(t, w.AddSheet(strings.Repeat("长", 31), SheetOptions{}))
	must(t, w.AddSheet("Data", SheetOptions{}))
	if err := w.AddSheet("data", SheetOptions{}); err == nil {
		t.Error("sheet names alike but for case accepted")
	}
	if err := NewWriter(io.Discard).Close(); err == nil {
		t.Error("a workbook without sheets written")
	}
}

// DateSerial's known answers: ECMA-376 Part 1 §18.17.4.1 (1900-01-01 is 1,
// serial 60 the fictitious 1900-02-29, 9999-12-31 is 2,958,465) and
// Microsoft's "2008-01-01 is 39448".
func TestDateSerial(t *testing.T) {
	for d, want := range map[string]int{"1900-01-01": 1, "1900-02-28": 59, "1900-03-01": 61, "2008-01-01": 39448, "9999-12-31": 2958465} {
		day, _ := time.Parse("2006-01-02", d)
		if got := DateSerial(day); got != want {
			t.Errorf("DateSerial(%s) = %d, want %d", d, got, want)
		}
	}
	for col, want := range map[int]string{1: "A", 26: "Z", 27: "AA", 702: "ZZ", 703: "AAA", MaxCols: "XFD"} {
		if got := ColumnName(col); got != want {
			t.Errorf("ColumnName(%d) = %s, want %s", col, got, want)
		}
	}
}

// FuzzWriteRead: any text written as a cell reads back the same (invalid
// UTF-8 as U+FFFD), through our reader and through excelize.
func FuzzWriteRead(f *testing.F) {
	for _, s := range hardTexts {
		f.Add(s)
	}
	f.Add("_x005F_x0041__xD83D_")
	f.Fuzz(func(t *testing.T, s string) {
		if s == "" || len(s) > 32767 {
			return
		}
		path := writeBook(t, func(w *Writer) {
			must(t, w.AddSheet("S", SheetOptions{}))
			must(t, w.WriteRow([]Cell{TextCell(s, StylePlain)}))
		})
		want := string([]rune(s)) // each invalid byte as U+FFFD
		_, cells, err := readSheet(t, path, 0, Limits{})
		if err != nil || len(cells) != 1 || len(cells[0]) != 1 || cells[0][0] != want {
			t.Fatalf("wrote %q, read %q %v", s, cells, err)
		}
		x, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		if v, err := x.GetCellValue("S", "A1"); err != nil || v != want {
			t.Fatalf("wrote %q, excelize read %q %v", s, v, err)
		}
	})
}
