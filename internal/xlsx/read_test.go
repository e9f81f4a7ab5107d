package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// pkg writes a zip of the given parts (name → body) and returns its path.
func pkg(t testing.TB, parts map[string]string) string {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	names := make([]string, 0, len(parts))
	for n := range parts {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(parts[n]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "in.xlsx")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const (
	tRels = `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	tWbRels = `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>` +
		`<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/>` +
		`<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/></Relationships>`
	tWb = `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<workbookPr/><sheets><sheet name="数据 &amp; 说明" sheetId="1" r:id="rId7"/><sheet name="第二" sheetId="2" r:id="rId8"/></sheets></workbook>`
	// Shared strings: plain, rich text in runs with a phonetic run left
	// out, leading and trailing spaces kept, a carriage return escaped as
	// _x000D_, a literal _x0041_ kept by _x005F_, and an empty item.
	tSST = `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6">` +
		`<si><t>名称</t></si>` +
		`<si><r><rPr><b/></rPr><t>南通</t></r><r><t xml:space="preserve">市</t></r><rPh sb="0" eb="1"><t>ナン</t></rPh></si>` +
		`<si><t xml:space="preserve"> 甲 </t></si>` +
		`<si><t>a_x000D_b</t></si>` +
		`<si><t>_x005F_x0041_</t></si>` +
		`<si><t/></si></sst>`
)

func sheetXML(rows string) string {
	return `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:E9"/><sheetData>` +
		rows + `</sheetData><mergeCells count="0"/></worksheet>`
}

func readSheet(t *testing.T, path string, i int, lim Limits) ([]int, [][]string, error) {
	t.Helper()
	wb, err := Open(path, lim)
	if err != nil {
		return nil, nil, err
	}
	defer wb.Close()
	rows, err := wb.Rows(i)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var nums []int
	var cells [][]string
	for rows.Next() {
		nums = append(nums, rows.Row())
		cells = append(cells, slices.Clone(rows.Cells()))
	}
	return nums, cells, rows.Err()
}

// TestReadCells: every kind of cell of ECMA-376 Part 1 §18.3.1.4 (c) and
// §18.18.11 (ST_CellType), worked by hand from the XML below.
func TestReadCells(t *testing.T) {
	path := pkg(t, map[string]string{
		"_rels/.rels":                tRels,
		"xl/workbook.xml":            tWb,
		"xl/_rels/workbook.xml.rels": tWbRels,
		"xl/strings.xml":             tSST,
		"xl/worksheets/sheet1.xml":   sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>第二张</t></is></c></row>`),
		"xl/worksheets/sheet2.xml": sheetXML(
			`<row r="1" spans="1:5"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>` +
				// Row 2 left out. Row 3: a number, a date serial, a boolean,
				// an error, a formula with its cached string, a gap.
				`<row r="3"><c r="A3"><v>000123</v></c><c r="B3" s="1"><v>45658.75</v></c><c r="C3" t="b"><v>1</v></c><c r="D3" t="e"><v>#N/A</v></c><c r="F3" t="str"><f>"x"&amp;"y"</f><v>xy</v></c></row>` +
				// Row 4: cells without references follow on; an empty
				// shared string and an empty cell add nothing at the end.
				`<row r="4"><c t="s"><v>3</v></c><c t="s"><v>4</v></c><c t="inlineStr"><is><r><t>内</t></r><r><t>联</t></r></is></c><c t="s"><v>5</v></c><c/></row>` +
				// Row 5: no r attribute (follows row 4); a formula without
				// a cached value keeps its place as "".
				`<row><c r="B5"><f>1+1</f></c><c r="C5" t="inlineStr"><is><t>&lt;&amp;&gt;</t></is></c></row>` +
				`<row r="9"><c r="XFD9"><v>-1.5E-3</v></c></row>`),
	})
	wb, err := Open(path, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []SheetInfo{{"数据 & 说明", "xl/worksheets/sheet2.xml"}, {"第二", "xl/worksheets/sheet1.xml"}}
	if !slices.Equal(wb.Sheets, want) || wb.Date1904 {
		t.Errorf("sheets %+v date1904 %v, want %+v", wb.Sheets, wb.Date1904, want)
	}
	wb.Close()
	nums, cells, err := readSheet(t, path, 0, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	last := make([]string, MaxCols)
	last[MaxCols-1] = "-1.5E-3"
	wantRows := [][]string{
		{"名称", "南通市", " 甲 "},
		{"000123", "45658.75", "1", "#N/A", "", "xy"},
		{"a\rb", "_x0041_", "内联"},
		{"", "", "<&>"},
		last,
	}
	if !slices.Equal(nums, []int{1, 3, 4, 5, 9}) {
		t.Errorf("row numbers %v, want [1 3 4 5 9]", nums)
	}
	for i := range wantRows {
		if i >= len(cells) || !slices.Equal(cells[i], wantRows[i]) {
			t.Errorf("row %d = %q, want %q", i, at(cells, i), trim(wantRows[i]))
		}
	}
	_, cells, err = readSheet(t, path, 1, Limits{})
	if err != nil || len(cells) != 1 || !slices.Equal(cells[0], []string{"第二张"}) {
		t.Errorf("second sheet: %q %v", cells, err)
	}
}

func at(c [][]string, i int) []string {
	if i < len(c) {
		return trim(c[i])
	}
	return nil
}

// trim shortens a 16,384-cell row for a message.
func trim(r []string) []string {
	if len(r) > 8 {
		return append(slices.Clone(r[:3]), "…", r[len(r)-1])
	}
	return r
}

// A workbook without _rels/.rels or a shared string table still reads
// (xl/workbook.xml is where every producer puts it); date1904 is read.
func TestReadMinimalAndDate1904(t *testing.T) {
	path := pkg(t, map[string]string{
		"xl/workbook.xml":            `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="1"/><sheets><sheet name="S" r:id="a"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="a" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/s.xml"/></Relationships>`,
		"xl/worksheets/s.xml":        `<worksheet><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>`,
	})
	wb, err := Open(path, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	if !wb.Date1904 || len(wb.Sheets) != 1 || wb.Sheets[0].Part != "xl/worksheets/s.xml" {
		t.Fatalf("%+v", wb)
	}
	rows, err := wb.Rows(0)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() || rows.Row() != 1 || !slices.Equal(rows.Cells(), []string{"1"}) || rows.Next() || rows.Err() != nil {
		t.Errorf("rows: %d %q %v", rows.Row(), rows.Cells(), rows.Err())
	}
}

// Broken sheets are FormatErrors, never rows read wrong.
func TestReadBrokenSheets(t *testing.T) {
	for _, tc := range []struct{ name, rows, want string }{
		{"rows out of order", `<row r="3"><c><v>1</v></c></row><row r="2"><c><v>1</v></c></row>`, "out of order"},
		{"row number beyond the sheet", `<row r="1048577"><c><v>1</v></c></row>`, "row number"},
		{"column beyond XFD", `<row r="1"><c r="XFE1"><v>1</v></c></row>`, "XFD"},
		{"bad reference", `<row r="1"><c r="11"><v>1</v></c></row>`, "A1 reference"},
		{"missing shared string", `<row r="1"><c t="s"><v>7</v></c></row>`, "shared string"},
		{"not XML", `<row r="1"><c><v>1</v></row>`, "xlsx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := pkg(t, map[string]string{
				"xl/workbook.xml":            `<workbook xmlns:r="r"><sheets><sheet name="S" r:id="a"/></sheets></workbook>`,
				"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="a" Type="x/worksheet" Target="worksheets/s.xml"/></Relationships>`,
				"xl/worksheets/s.xml":        sheetXML(tc.rows),
			})
			_, _, err := readSheet(t, path, 0, Limits{})
			var fe *FormatError
			if !errors.As(err, &fe) || (tc.want != "xlsx" && !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("err = %v, want a FormatError about %q", err, tc.want)
			}
		})
	}
	// Not a zip at all, and a truncated one.
	p := filepath.Join(t.TempDir(), "x.xlsx")
	os.WriteFile(p, []byte("名称,代码\n"), 0o600)
	var fe *FormatError
	if _, err := Open(p, Limits{}); !errors.As(err, &fe) {
		t.Errorf("CSV as xlsx: %v", err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "none.xlsx"), Limits{}); err == nil || errors.As(err, &fe) {
		t.Errorf("missing file: %v, want an I/O error", err)
	}
}

// TestReadLimits: each bound refuses, and a huge cell is refused after
// reading about the bound, not buffered whole.
func TestReadLimits(t *testing.T) {
	base := map[string]string{
		"xl/workbook.xml":            `<workbook xmlns:r="r"><sheets><sheet name="S" r:id="a"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="a" Type="x/worksheet" Target="worksheets/s.xml"/><Relationship Id="b" Type="x/sharedStrings" Target="sst.xml"/></Relationships>`,
	}
	with := func(k, v string, more ...string) map[string]string {
		m := map[string]string{}
		for a, b := range base {
			m[a] = b
		}
		m[k] = v
		for i := 0; i+1 < len(more); i += 2 {
			m[more[i]] = more[i+1]
		}
		return m
	}
	huge := strings.Repeat("x", 8<<20)
	for _, tc := range []struct {
		name  string
		parts map[string]string
		lim   Limits
		what  string
	}{
		{"inline cell", with("xl/worksheets/s.xml", sheetXML(`<row><c t="inlineStr"><is><t>`+huge+`</t></is></c></row>`)), Limits{Text: 1 << 16, Ratio: 1 << 20}, "text"},
		{"number cell", with("xl/worksheets/s.xml", sheetXML(`<row><c><v>`+huge+`</v></c></row>`)), Limits{Text: 1 << 16, Ratio: 1 << 20}, "text"},
		{"shared string", with("xl/worksheets/s.xml", sheetXML(""), "xl/sst.xml", `<sst><si><t>`+huge+`</t></si></sst>`), Limits{Text: 1 << 16, Ratio: 1 << 20}, "text"},
		{"huge tag", with("xl/worksheets/s.xml", sheetXML(`<row><c r="`+huge+`"/></row>`)), Limits{Text: 1 << 16, Ratio: 1 << 20}, "text"},
		{"shared string count", with("xl/worksheets/s.xml", sheetXML(""), "xl/sst.xml", `<sst>`+strings.Repeat(`<si><t>a</t></si>`, 11)+`</sst>`), Limits{SharedStrings: 10}, "shared strings"},
		{"entry size", with("xl/worksheets/s.xml", sheetXML(strings.Repeat(`<row><c><v>1</v></c></row>`, 100))), Limits{EntrySize: 1000}, "entry size"},
		{"ratio", with("xl/worksheets/s.xml", sheetXML(`<row><c t="inlineStr"><is><t>`+huge+`</t></is></c></row>`)), Limits{Ratio: 100}, "ratio"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := pkg(t, tc.parts)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, _, err := readSheet(t, path, 0, tc.lim)
			runtime.ReadMemStats(&after)
			var le *LimitError
			if !errors.As(err, &le) || le.What != tc.what {
				t.Fatalf("err = %v, want the %s limit", err, tc.what)
			}
			// 8 MiB of text read against a 64 KiB bound: the reader holds
			// about the bound (the decoder's buffers double up to it).
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 3<<20 {
				t.Errorf("allocated %d bytes for a refused part", alloc)
			}
		})
	}
	// Within the bounds the same kinds of parts read.
	path := pkg(t, with("xl/worksheets/s.xml", sheetXML(`<row><c t="s"><v>0</v></c><c t="inlineStr"><is><t>乙</t></is></c></row>`), "xl/sst.xml", `<sst><si><t>甲</t></si></sst>`))
	if _, cells, err := readSheet(t, path, 0, Limits{Text: 64, SharedStrings: 1, EntrySize: 1000}); err != nil || !slices.Equal(cells[0], []string{"甲", "乙"}) {
		t.Errorf("small workbook: %q %v", cells, err)
	}
}

// FuzzRead feeds arbitrary sheet and shared-string XML to the reader: it
// never panics, never returns a row out of order or beyond the sheet's
// bounds, and every cell is within the text bound.
func FuzzRead(f *testing.F) {
	f.Add(`<row r="1"><c r="A1" t="s"><v>0</v></c><c t="inlineStr"><is><t>x</t></is></c></row>`, `<sst><si><t>a_x000D_</t></si></sst>`)
	f.Add(`<row r="2"><c r="C2" t="b"><v>1</v></c></row><row><c><f>1</f></c></row>`, `<sst><si><r><t>a</t></r><rPh><t>b</t></rPh></si></sst>`)
	f.Add(`<row r="3"><c r="ZZZ3"/></row><row r="1"/>`, `<sst><si/>`)
	f.Add(`<row><c t="inlineStr"><is><t>_x005F_x0041__xD83D__xDE00_</t></is></c></row>`, ``)
	f.Fuzz(func(t *testing.T, rows, sst string) {
		path := pkg(t, map[string]string{
			"xl/workbook.xml":            `<workbook xmlns:r="r"><sheets><sheet name="S" r:id="a"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="a" Type="x/worksheet" Target="worksheets/s.xml"/><Relationship Id="b" Type="x/sharedStrings" Target="sst.xml"/></Relationships>`,
			"xl/worksheets/s.xml":        sheetXML(rows),
			"xl/sst.xml":                 sst,
		})
		const text = 256
		wb, err := Open(path, Limits{Text: text, SharedStrings: 64})
		if err != nil {
			t.Fatal(err) // the workbook part is fine
		}
		defer wb.Close()
		r, err := wb.Rows(0)
		if err != nil {
			return
		}
		defer r.Close()
		prev := 0
		for r.Next() {
			if r.Row() <= prev || r.Row() > MaxRows || len(r.Cells()) > MaxCols {
				t.Fatalf("row %d after %d with %d cells", r.Row(), prev, len(r.Cells()))
			}
			prev = r.Row()
			for _, c := range r.Cells() {
				// _xHHHH_ decodes 7 bytes to at most 4.
				if len(c) > text {
					t.Fatalf("cell of %d bytes over the text bound", len(c))
				}
			}
		}
	})
}

// The workbook part is where the package's relationships say (not always
// xl/workbook.xml), and a chart sheet (no sheetData) has no rows rather
// than being an error.
func TestReadWorkbookElsewhereAndChartSheet(t *testing.T) {
	path := pkg(t, map[string]string{
		"_rels/.rels": `<Relationships><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/book/wb.xml"/></Relationships>`,
		"book/wb.xml": `<workbook xmlns:r="r"><sheets><sheet name="图" r:id="c"/><sheet name="数据" r:id="s"/></sheets></workbook>`,
		"book/_rels/wb.xml.rels": `<Relationships><Relationship Id="c" Type="x/chartsheet" Target="charts/c1.xml"/>` +
			`<Relationship Id="s" Type="x/worksheet" Target="ws/s1.xml"/></Relationships>`,
		"book/charts/c1.xml": `<chartsheet><sheetViews><sheetView workbookViewId="0"/></sheetViews><drawing r:id="x" xmlns:r="r"/></chartsheet>`,
		"book/ws/s1.xml":     sheetXML(`<row r="2"><c t="inlineStr"><is><t>甲</t></is></c></row>`),
		// A decoy at the usual place, which must not be read.
		"xl/workbook.xml": `<workbook><sheets><sheet name="错" r:id="s"/></sheets></workbook>`,
	})
	wb, err := Open(path, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	wb.Close()
	if len(wb.Sheets) != 2 || wb.Sheets[0].Name != "图" || wb.Sheets[1].Part != "book/ws/s1.xml" {
		t.Fatalf("sheets %+v", wb.Sheets)
	}
	if nums, cells, err := readSheet(t, path, 0, Limits{}); err != nil || len(nums) != 0 || len(cells) != 0 {
		t.Errorf("chart sheet: %v %q %v", nums, cells, err)
	}
	if nums, cells, err := readSheet(t, path, 1, Limits{}); err != nil || !slices.Equal(nums, []int{2}) || !slices.Equal(cells[0], []string{"甲"}) {
		t.Errorf("data sheet: %v %q %v", nums, cells, err)
	}
}
