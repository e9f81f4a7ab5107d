package xls

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// row is an expected row: its 0-based index and its cells.
type row struct {
	i     int
	cells []string
}

func readSheet(t *testing.T, wb *Workbook, i int) ([]row, []Merge) {
	t.Helper()
	r, err := wb.Rows(i)
	if err != nil {
		t.Fatal(err)
	}
	var got []row
	for r.Next() {
		n, c := r.Row()
		got = append(got, row{n, slices.Clone(c)})
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return got, r.Merges()
}

func equalRows(t *testing.T, got, want []row) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d: %v", len(got), len(want), got)
	}
	for k := range want {
		if got[k].i != want[k].i || !slices.Equal(got[k].cells, want[k].cells) {
			t.Errorf("row %d = %d %q, want %d %q", k, got[k].i, got[k].cells, want[k].i, want[k].cells)
		}
	}
}

func open(t *testing.T, name string) *Workbook {
	t.Helper()
	wb, err := Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wb.Close() })
	return wb
}

// The samples were written by SheetJS (scripts/xls-samples/make.js); the
// expected values are what make.js wrote.
func TestSamples(t *testing.T) {
	cases := []struct {
		file   string
		biff   int
		d1904  bool
		sheets []string
		want   []row
	}{
		{"dates.xls", 8, false, []string{"Sheet1"}, []row{
			{0, []string{"值", "说明"}},
			{1, []string{"45658", "2025-01-01 as a date"}}, // a date cell: its serial, as the XLSX reader gives it
			{2, []string{"45658.75", "2025-01-01 18:00"}},
			{3, []string{"45658", "Chinese date format"}},
			{4, []string{"45658", "the same number, General"}},
			{5, []string{"1234.5", "thousands format"}},
			{6, []string{"0.3", "float noise: 0.30000000000000004"}}, // Excel keeps 15 digits
			{7, []string{"0.25", "percent"}},
			{8, []string{"-17", "negative integer"}},
			{9, []string{"TRUE", "boolean"}},
		}},
		// 1904 system: the date cell (44196 = 2025-01-01 there) moves to the
		// 1900 serial 45658; the General number stays as typed.
		{"dates1904.xls", 8, true, []string{"Sheet1"}, []row{
			{0, []string{"值"}}, {1, []string{"45658"}}, {2, []string{"44196"}},
		}},
		// 320602198001011234 typed as a number: Excel and SheetJS keep the
		// double 320602198001011200; to 15 digits it is 320602198001011000,
		// the damaged number the importer must recognise.
		{"number_id.xls", 8, false, []string{"Sheet1"}, []row{
			{0, []string{"证件号码", "说明"}},
			{1, []string{"320602198001011000", "ID typed into a General cell"}},
			{2, []string{"320602198001011234", "ID as text"}},
			{3, []string{"000123", "leading zeros as text"}},
			{4, []string{"1234567890123", "13 digits, exact"}},
		}},
		{"labels.xls", 8, false, []string{"Sheet1"}, []row{
			{0, []string{"名称", "代码"}}, {1, []string{"甲公司", "000123"}},
		}},
		// 2025-06-10 = 45818.
		{"biff5.xls", 5, false, []string{"Sheet1"}, []row{
			{0, []string{"name", "date"}}, {1, []string{"Cafe", "45818"}},
		}},
		{"two_sheets.xls", 8, false, []string{"填报说明", "数据"}, []row{
			{0, []string{"请按模板填写"}}, {1, []string{"日期列请设为日期格式"}},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			wb := open(t, tc.file)
			if wb.BIFF != tc.biff || wb.Date1904 != tc.d1904 {
				t.Errorf("BIFF %d Date1904 %v, want %d %v", wb.BIFF, wb.Date1904, tc.biff, tc.d1904)
			}
			var names []string
			for _, s := range wb.Sheets {
				names = append(names, s.Name)
			}
			if !slices.Equal(names, tc.sheets) {
				t.Errorf("sheets %q, want %q", names, tc.sheets)
			}
			got, merges := readSheet(t, wb, 0)
			equalRows(t, got, tc.want)
			if len(merges) != 0 {
				t.Errorf("merges %v, want none", merges)
			}
		})
	}
}

func TestTwoSheetsSecond(t *testing.T) {
	wb := open(t, "two_sheets.xls")
	got, _ := readSheet(t, wb, 1)
	equalRows(t, got, []row{{0, []string{"行政相对人名称", "处罚决定日期"}}, {1, []string{"丙公司", "45818"}}})
	// Reading the first sheet again after the second still works (seek).
	got, _ = readSheet(t, wb, 0)
	if len(got) != 2 {
		t.Errorf("first sheet again: %v", got)
	}
}

func TestMergedHeader(t *testing.T) {
	wb := open(t, "merged_header.xls")
	got, merges := readSheet(t, wb, 0)
	// make.js: 当事人 over A1:B1, 处罚决定日期 over C1:C2.
	want := []Merge{{FirstRow: 0, LastRow: 0, FirstCol: 0, LastCol: 1}, {FirstRow: 0, LastRow: 1, FirstCol: 2, LastCol: 2}}
	if !slices.Equal(merges, want) {
		t.Errorf("merges %+v, want %+v", merges, want)
	}
	equalRows(t, got, []row{
		{0, []string{"当事人", "", "处罚决定日期"}},
		{1, []string{"名称", "代码"}},
		{2, []string{"甲公司", "91350100M000100Y43", "45818"}},
	})
}

// longText is make.js's longText.
func longText(i int) string {
	s := "第" + strconv.Itoa(i) + "条：" + strings.Repeat("当事人未按规定公示年度报告且逾期未改正，", 5)
	if i == 59 {
		s += "𠮷"
	}
	return s
}

func TestLongSST(t *testing.T) {
	wb := open(t, "long_sst.xls")
	got, _ := readSheet(t, wb, 0)
	want := []row{{0, []string{"编号", "违法事实"}}}
	for i := range 60 {
		want = append(want, row{i + 1, []string{strconv.Itoa(i), longText(i)}})
	}
	equalRows(t, got, want)
	// The table is over one record's 8,224 bytes: it did need CONTINUE.
	size := 0
	for _, s := range wb.sst {
		size += 3 + 2*len([]rune(s))
	}
	if size <= 8224 {
		t.Fatalf("the SST holds %d bytes: the sample does not cross a record", size)
	}
}

func TestXZCFClean(t *testing.T) {
	wb := open(t, "xzcf_clean.xls")
	got, _ := readSheet(t, wb, 0)
	if len(got) != 3 || len(got[0].cells) != 30 || got[0].cells[2] != "行政相对人代码_1（统一社会信用代码）" {
		t.Fatalf("header %q", got[0].cells)
	}
	r := got[2].cells
	// 乙公司's row: text, the 0.5 number, dates as serials (2025-06-10 = 45818, 2026-06-10 = 46183).
	if r[0] != "乙公司" || r[2] != "91110000802100433B" || r[13] != "通市监罚〔2025〕2号" || r[19] != "0.5" || r[22] != "45818" || r[23] != "46183" {
		t.Errorf("row 3 = %q", r)
	}
}

// --- streams built record by record from [MS-XLS] ---

func rec(typ uint16, data ...[]byte) []byte {
	d := bytes.Join(data, nil)
	b := binary.LittleEndian.AppendUint16(nil, typ)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(d)))
	return append(b, d...)
}

func u16(v ...int) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint16(b, uint16(x))
	}
	return b
}

func u32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

func f64(v float64) []byte { return binary.LittleEndian.AppendUint64(nil, math.Float64bits(v)) }

// book assembles globals and one sheet, fixing the BOUNDSHEET offset.
func book(biff int, globals [][]byte, sheetName []byte, cells [][]byte) []byte {
	vers := 0x0600
	if biff == 5 {
		vers = 0x0500
	}
	var g []byte
	g = append(g, rec(recBOF, u16(vers, 0x0005), make([]byte, 12))...)
	for _, r := range globals {
		g = append(g, r...)
	}
	bsLen := 4 + 6 + len(sheetName)
	pos := len(g) + bsLen + 4 // after BOUNDSHEET and EOF
	g = append(g, rec(recBoundSheet, u32(uint32(pos)), []byte{0, 0}, sheetName)...)
	g = append(g, rec(recEOF)...)
	g = append(g, rec(recBOF, u16(vers, 0x0010), make([]byte, 12))...)
	for _, c := range cells {
		g = append(g, c...)
	}
	return append(g, rec(recEOF)...)
}

func name8(s string) []byte { return append([]byte{byte(len(s)), 0}, s...) }

func openBytes(t *testing.T, b []byte) (*Workbook, error) {
	t.Helper()
	return openStream(bytes.NewReader(b), int64(len(b)))
}

func TestBuiltRecords(t *testing.T) {
	// SST of two strings; the second, "AB中文", has its first two characters
	// compressed in the SST record and the rest UTF-16 in a CONTINUE record
	// that starts with the option byte 0x01 ([MS-XLS] 2.4.58).
	sst := rec(recSST, u32(2), u32(2),
		u16(2), []byte{0}, []byte("ok"),
		u16(4), []byte{0}, []byte("AB"))
	cont := rec(recContinue, []byte{1}, u16(0x4E2D, 0x6587)) // 中 文
	// XF 0: General; XF 1: format 14 (a date).
	xf := [][]byte{rec(recXF, u16(0, 0), make([]byte, 16)), rec(recXF, u16(0, 14), make([]byte, 16))}
	globals := append([][]byte{rec(recDateMode, u16(1)), sst, cont}, xf...)
	cells := [][]byte{
		rec(recLabelSST, u16(0, 0, 0), u32(1)),
		rec(recLabelSST, u16(0, 1, 0), u32(0)),
		// RK: integer 12345 (bit 1) → 12345; 0x3FF00000 with bit 0 set: the
		// double 1.0 divided by 100 → 0.01; integer 123456 × 4 + 3 → 1234.56.
		rec(recRK, u16(1, 0, 0), u32(12345<<2|2)),
		rec(recMulRK, u16(1, 1), u16(0), u32(0x3FF00001), u16(0), u32(123456<<2|3), u16(2)),
		// A date cell (XF 1) in this 1904 workbook: serial 0 is 1904-01-01,
		// which is 1,462 in the 1900 system.
		rec(recNumber, u16(2, 0, 1), f64(0)),
		// Formula results: a number, a text (in the STRING record after it),
		// TRUE, #N/A, an empty text.
		rec(recFormula, u16(3, 0, 0), f64(2.5), make([]byte, 6)),
		rec(recFormula, u16(3, 1, 0), []byte{0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, make([]byte, 6)),
		rec(recString, u16(3), []byte{0}, []byte("abc")),
		rec(recFormula, u16(3, 2, 0), []byte{1, 0, 1, 0, 0, 0, 0xFF, 0xFF}, make([]byte, 6)),
		rec(recFormula, u16(3, 3, 0), []byte{2, 0, 0x2A, 0, 0, 0, 0xFF, 0xFF}, make([]byte, 6)),
		rec(recFormula, u16(3, 4, 0), []byte{3, 0, 0, 0, 0, 0, 0xFF, 0xFF}, make([]byte, 6)),
		rec(recBoolErr, u16(5, 1, 0), []byte{0x07, 1}),
		rec(recLabel, u16(5, 0, 0), u16(2), []byte{1}, u16(0x5357, 0x901A)), // 南通, UTF-16
		rec(recMergeCells, u16(1), u16(0, 1, 0, 3)),
	}
	wb, err := openBytes(t, book(8, globals, name8("S"), cells))
	if err != nil {
		t.Fatal(err)
	}
	got, merges := readSheet(t, wb, 0)
	equalRows(t, got, []row{
		{0, []string{"AB中文", "ok"}},
		{1, []string{"12345", "0.01", "1234.56"}},
		{2, []string{"1462"}},
		{3, []string{"2.5", "abc", "TRUE", "#N/A"}},
		{5, []string{"南通", "#DIV/0!"}},
	})
	if !slices.Equal(merges, []Merge{{0, 1, 0, 3}}) {
		t.Errorf("merges %v", merges)
	}
}

func TestBIFF5GBK(t *testing.T) {
	// Code page 936; 南通 in GBK is C4 CF CD A8.
	gbk := []byte{0xC4, 0xCF, 0xCD, 0xA8}
	globals := [][]byte{rec(recCodePage, u16(936))}
	cells := [][]byte{rec(recLabel, u16(0, 0, 0), u16(len(gbk)), gbk)}
	wb, err := openBytes(t, book(5, globals, append([]byte{byte(len(gbk))}, gbk...), cells))
	if err != nil {
		t.Fatal(err)
	}
	if wb.BIFF != 5 || wb.Sheets[0].Name != "南通" {
		t.Errorf("BIFF %d sheet %q", wb.BIFF, wb.Sheets[0].Name)
	}
	got, _ := readSheet(t, wb, 0)
	equalRows(t, got, []row{{0, []string{"南通"}}})

	_, err = openBytes(t, book(5, [][]byte{rec(recCodePage, u16(874))}, []byte{1, 'S'}, nil))
	if !errors.Is(err, ErrCodePage) {
		t.Errorf("code page 874: err = %v, want ErrCodePage", err)
	}
}

func TestRefusals(t *testing.T) {
	var fe *FormatError
	// FILEPASS: a password to open.
	if _, err := openBytes(t, book(8, [][]byte{rec(recFilePass, u16(0, 0, 0))}, name8("S"), nil)); !errors.Is(err, ErrEncrypted) {
		t.Errorf("FILEPASS: err = %v", err)
	}
	// An SST claiming 4 billion strings holding one: the count is a hint,
	// never an allocation.
	wb, err := openBytes(t, book(8, [][]byte{rec(recSST, u32(1), u32(0xFFFFFFFF), u16(1), []byte{0}, []byte("x"))}, name8("S"),
		[][]byte{rec(recLabelSST, u16(0, 0, 0), u32(1))}))
	if err != nil {
		t.Fatal(err)
	}
	if len(wb.sst) != 1 {
		t.Errorf("sst = %q", wb.sst)
	}
	r, _ := wb.Rows(0)
	if r.Next() || !errors.As(r.Err(), &fe) || !strings.Contains(fe.Msg, "shared string 1 of 1") {
		t.Errorf("LABELSST past the table: err = %v", r.Err())
	}
	// A column past IV.
	wb, _ = openBytes(t, book(8, nil, name8("S"), [][]byte{rec(recNumber, u16(0, 300, 0), f64(1))}))
	if r, _ := wb.Rows(0); r.Next() || !errors.As(r.Err(), &fe) {
		t.Errorf("column 301: err = %v", r.Err())
	}
	// A record longer than the stream, and a stream cut inside a header.
	b := book(8, nil, name8("S"), nil)
	for _, cut := range []int{len(b) - 3, 30} {
		if _, err := openBytes(t, b[:cut]); err == nil {
			// the globals may be whole: the sheet is then cut
			wb, _ := openBytes(t, b[:cut])
			if _, err := wb.Rows(0); !errors.As(err, &fe) {
				t.Errorf("cut at %d: err = %v", cut, err)
			}
		} else if !errors.As(err, &fe) {
			t.Errorf("cut at %d: err = %v", cut, err)
		}
	}
	// Rows out of order.
	wb, _ = openBytes(t, book(8, nil, name8("S"), [][]byte{rec(recNumber, u16(5, 0, 0), f64(1)), rec(recNumber, u16(2, 0, 0), f64(1))}))
	if r, _ := wb.Rows(0); r.Next() || !errors.As(r.Err(), &fe) || !strings.Contains(fe.Msg, "row 3 comes after row 6") {
		t.Errorf("out of order: err = %v", r.Err())
	}
	// BIFF2–4 and a non-compound file.
	if _, err := openBytes(t, rec(0x0409, u16(0, 0x10))); !errors.Is(err, ErrOldBIFF) {
		t.Errorf("BIFF4: err = %v", err)
	}
	if _, err := OpenReader(bytes.NewReader([]byte("名称,代码\n")), 14); !errors.As(err, &fe) {
		t.Errorf("text: err = %v", err)
	}
}

// A real sample with its DATEMODE record turned into FILEPASS (the same
// length, so the compound file stays whole) is refused as encrypted; the
// sample cut in half is refused as damaged.
func TestDamagedSamples(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "labels.xls"))
	if err != nil {
		t.Fatal(err)
	}
	dm := []byte{0x22, 0x00, 0x02, 0x00}
	if bytes.Count(b, dm) != 1 {
		t.Fatalf("DATEMODE found %d times", bytes.Count(b, dm))
	}
	enc := bytes.Replace(b, dm, []byte{0x2F, 0x00, 0x02, 0x00}, 1)
	if _, err := OpenReader(bytes.NewReader(enc), int64(len(enc))); !errors.Is(err, ErrEncrypted) {
		t.Errorf("FILEPASS sample: err = %v", err)
	}
	half := b[:len(b)/2]
	var fe *FormatError
	if _, err := OpenReader(bytes.NewReader(half), int64(len(half))); !errors.As(err, &fe) {
		t.Errorf("half a file: err = %v", err)
	}
}

func TestFormatNumber(t *testing.T) {
	for v, want := range map[float64]string{
		320602198001011234: "320602198001011000",
		0.1 + 0.2:          "0.3",
		45658:              "45658",
		-0.5:               "-0.5",
		1e21:               "1E+21",
		123456789012345678: "123456789012346000",
	} {
		if got := FormatNumber(v); got != want {
			t.Errorf("FormatNumber(%v) = %q, want %q", v, got, want)
		}
	}
	for _, tc := range []struct {
		id   uint16
		s    string
		want bool
	}{
		{14, "", true}, {31, "", true}, {0, "", false}, {2, "", false}, {20, "", false},
		{164, "yyyy-mm-dd", true}, {60, `yyyy"年"m"月"d"日"`, true}, {165, "hh:mm:ss", false},
		{166, "0.00E+00", false}, {167, "#,##0.00_);[Red](#,##0.00)", false}, {168, "General", false},
		{169, `"day "0`, false}, {170, "mm:ss", false}, {171, "m/d", true},
	} {
		if got := isDateFormat(tc.id, tc.s); got != tc.want {
			t.Errorf("isDateFormat(%d, %q) = %v", tc.id, tc.s, got)
		}
	}
}

// FuzzOpen: whatever the bytes, reading a workbook and all its sheets ends
// with rows or an error, never a panic or a runaway allocation. Seeds: the
// samples.
func FuzzOpen(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xls"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		wb, err := OpenReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		for i := range wb.Sheets {
			r, err := wb.Rows(i)
			if err != nil {
				continue
			}
			for r.Next() {
				_, cells := r.Row()
				if len(cells) > maxCols {
					t.Fatalf("%d cells in a row", len(cells))
				}
			}
		}
	})
}
