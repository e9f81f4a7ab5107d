package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Issue 22: files shaped as departments really send them. Each file of the
// corpus is built here, in t.TempDir(), the way an office builds it in
// Excel or exports it from an old system; what a clerk expects of it (the
// header row, the rows stored, the notes set aside, the rejects) follows
// from how it was built, row by row.

const deptTitle = "南通市市场监督管理局行政处罚信息公示表（2025年第三季度）"

// Rows of a department file, each a physical row as Excel numbers it: nil is
// a blank row.
type deptRows [][]string

// deptGood returns n good 行政处罚 rows (distinct decision numbers).
func deptGood(n, from int) deptRows {
	var out deptRows
	codes := []string{orgA, orgB, orgC}
	for i := 0; i < n; i++ {
		out = append(out, xzcfRow(map[string]string{
			"行政处罚决定书文号":           "通市监罚〔2025〕" + string(rune('0'+from+i)) + "号",
			"行政相对人代码_1（统一社会信用代码）": codes[(from+i)%3],
			"行政相对人名称":             []string{"甲公司", "乙公司", "丙公司"}[(from+i)%3],
		}))
	}
	return out
}

func writeDeptCSV(t *testing.T, path string, rows deptRows, gbk bool) {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	for _, r := range rows {
		if r == nil {
			w.Write([]string{""})
			continue
		}
		w.Write(r)
	}
	w.Flush()
	data := b.Bytes()
	if gbk {
		var err error
		if data, err = simplifiedchinese.GBK.NewEncoder().Bytes(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// deptSheet writes rows into a sheet from row 1, and merges the ranges given
// ("A1:AD1"), as a clerk's title and group cells are merged.
func deptSheet(t *testing.T, f *excelize.File, sheet string, rows deptRows, merges ...string) {
	t.Helper()
	for i, r := range rows {
		if r == nil {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(r))
		for k := range r {
			vals[k] = r[k]
		}
		if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range merges {
		a, b, _ := strings.Cut(m, ":")
		if err := f.MergeCell(sheet, a, b); err != nil {
			t.Fatal(err)
		}
	}
}

func saveXLSX(t *testing.T, f *excelize.File, path string) {
	t.Helper()
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func withHeader(h []string, rows ...deptRows) deptRows {
	out := deptRows{h}
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

// renamed is xzcfHeader with some columns written otherwise.
func renamed(m map[string]string) []string {
	h := slices.Clone(xzcfHeader)
	for i, c := range h {
		if n, ok := m[c]; ok {
			h[i] = n
		}
	}
	return h
}

type deptCase struct {
	name       string
	build      func(t *testing.T, dir string) string
	args       []string
	exit       int
	headerRow  int
	headerRows int
	sheet      string
	stored     int
	titles     []int
	notes      []int
	rejects    map[int]string // physical row → reason code
	errHas     string         // for a refused file: text of the message
}

func TestDepartmentFileCorpus(t *testing.T) {
	parallel(t) // waits more than it computes: overlaps the other slow tests (make test budget, issue 17)
	titleCSV := func(gbk bool) func(t *testing.T, dir string) string {
		return func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "title.csv")
			rows := deptRows{{deptTitle}, nil}
			rows = append(rows, withHeader(xzcfHeader, deptGood(3, 1))...)
			rows = append(rows, nil, // row 7 blank
				[]string{"填报说明：罚款金额单位为万元。"},  // row 8
				[]string{"制表人：王五", "审核人：赵六"}, // row 9
				[]string{"填报日期：2025年10月10日"}) // row 10
			writeDeptCSV(t, p, rows, gbk)
			return p
		}
	}
	cases := []deptCase{
		{name: "title and notes, UTF-8 CSV", build: titleCSV(false), headerRow: 3, stored: 3, titles: []int{1}, notes: []int{8, 9, 10}},
		{name: "title and notes, GBK CSV", build: titleCSV(true), headerRow: 3, stored: 3, titles: []int{1}, notes: []int{8, 9, 10}},
		{name: "--header-row names the header", build: titleCSV(false), args: []string{"--header-row", "3"}, headerRow: 3, stored: 3, titles: []int{1}, notes: []int{8, 9, 10}},
		{name: "--header-row on the title refuses the file", build: titleCSV(false), args: []string{"--header-row", "1"}, exit: 4, errHas: "表头为第 1 行"},
		{
			name: "hyphen and bracket variants, a note in the middle is a reject",
			build: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "variants.xlsx")
				f := excelize.NewFile()
				h := renamed(map[string]string{
					"行政相对人代码_1（统一社会信用代码）": "行政相对人代码-1（统一社会信用代码）",
					"处罚决定日期":       "处罚决定\n日期",
					"罚款金额（万元）":     "罚款金额(万元)",
					"处罚机关统一社会信用代码": "处罚机关 统一社会信用代码",
				})
				rows := deptRows{{deptTitle}}                         // row 1, merged over the table
				rows = append(rows, withHeader(h, deptGood(2, 1))...) // header row 2, data 3–4
				rows = append(rows, []string{"以下为补报数据"})              // row 5: a note amid data
				rows = append(rows, deptGood(1, 3)...)                // row 6
				rows = append(rows, []string{"制表人：王五"})               // row 7: a note under the data
				deptSheet(t, f, "Sheet1", rows, "A1:AD1")
				saveXLSX(t, f, p)
				return p
			},
			exit: 3, headerRow: 2, stored: 3, titles: []int{1}, notes: []int{7}, rejects: map[int]string{5: "required"},
		},
		{
			name: "two-row header with a merged group cell",
			build: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "merged.xlsx")
				f := excelize.NewFile()
				top := slices.Clone(xzcfHeader)
				sub := make([]string, len(top))
				// Columns C–H (行政相对人代码_1…_6) under one group cell.
				for i := 2; i <= 7; i++ {
					name := xzcfHeader[i]
					open := strings.Index(name, "（")
					sub[i] = strings.TrimSuffix(name[open+len("（"):], "）")
					top[i] = ""
				}
				top[2] = "行政相对人代码"
				rows := deptRows{{deptTitle}, top, sub}
				rows = append(rows, deptGood(2, 1)...) // rows 4–5
				merges := []string{"A1:AD1", "C2:H2"}
				// Every other column merged down over both header rows.
				for i := range xzcfHeader {
					if i < 2 || i > 7 {
						col, _ := excelize.ColumnNumberToName(i + 1)
						merges = append(merges, col+"2:"+col+"3")
					}
				}
				deptSheet(t, f, "Sheet1", rows, merges...)
				saveXLSX(t, f, p)
				return p
			},
			headerRow: 2, headerRows: 2, stored: 2, titles: []int{1},
		},
		{
			name: "codes Excel turned into numbers",
			build: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "damaged.csv")
				person := func(id, doc string) []string {
					return xzcfRow(map[string]string{"行政相对人名称": "李四", "行政相对人类别": "自然人",
						"行政相对人代码_1（统一社会信用代码）": "", "证件类型": "身份证", "证件号码": id, "行政处罚决定书文号": doc,
						"法定代表人": "", "法定代表人证件类型": "", "法定代表人证件号码": ""})
				}
				rows := withHeader(xzcfHeader, deptGood(1, 1),
					deptRows{person("3.20602E+17", "通市监罚〔2025〕8号")},        // row 3: scientific notation
					deptRows{person("320602199001012000", "通市监罚〔2025〕9号")}, // row 4: last digits zeroed (check digit would be 5)
					deptRows{person(personID, "通市监罚〔2025〕7号")})             // row 5: good
				writeDeptCSV(t, p, rows, false)
				return p
			},
			exit: 3, headerRow: 1, stored: 2, rejects: map[int]string{3: "excel_number", 4: "excel_number"},
		},
		{
			name: "the sheet whose header fits is read",
			build: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "sheets.xlsx")
				f := excelize.NewFile()
				deptSheet(t, f, "Sheet1", deptRows{{"填报说明"}, {"请在“处罚信息”表中填写，金额单位为万元"}})
				f.SetSheetName("Sheet1", "说明")
				f.NewSheet("处罚信息")
				deptSheet(t, f, "处罚信息", append(deptRows{{deptTitle}}, withHeader(xzcfHeader, deptGood(2, 1))...))
				saveXLSX(t, f, p)
				return p
			},
			sheet: "处罚信息", headerRow: 2, stored: 2, titles: []int{1},
		},
	}
	twoSheets := func(t *testing.T, dir string) string {
		p := filepath.Join(dir, "two.xlsx")
		f := excelize.NewFile()
		deptSheet(t, f, "Sheet1", withHeader(xzcfHeader, deptGood(1, 1)))
		f.SetSheetName("Sheet1", "第三季度")
		f.NewSheet("第四季度")
		deptSheet(t, f, "第四季度", withHeader(xzcfHeader, deptGood(2, 4)))
		saveXLSX(t, f, p)
		return p
	}
	// A legacy .xls written by SheetJS (scripts/xls-samples/make.js, sample
	// 10): a notes sheet first, then the data sheet with its title on row 1,
	// the header on row 3, rows 4–5 good, row 6's 法定代表人证件号码 a number
	// Excel cut to 15 digits, and notes on rows 8–10.
	deptXLS := func(t *testing.T, dir string) string {
		return filepath.Join("..", "xls", "testdata", "dept_title_notes.xls")
	}
	cases = append(cases,
		deptCase{name: "legacy .xls: the sheet that fits, title, notes, an Excel-damaged ID", build: deptXLS, exit: 3,
			sheet: "行政处罚", headerRow: 3, stored: 2, titles: []int{1}, notes: []int{8, 9, 10}, rejects: map[int]string{6: "excel_number"}},
		// scripts/xls-samples/make.js, sample 11: the title merged over row
		// 1, a two-row header (rows 2–3, 行政相对人代码 merged over its six
		// sub-columns), rows 4–5 good, row 6 a natural person whose 证件号码
		// was typed as a number (110105194912310020 kept as 15 digits, the
		// check digit X lost), notes on rows 8–9.
		deptCase{name: "legacy .xls: title, two-row merged header, notes, an ID typed as a number", exit: 3,
			build: func(t *testing.T, dir string) string {
				return filepath.Join("..", "xls", "testdata", "dept_merged_header.xls")
			},
			headerRow: 2, headerRows: 2, stored: 2, titles: []int{1}, notes: []int{8, 9}, rejects: map[int]string{6: "excel_number"}},
		deptCase{name: "several sheets fit: a usage error listing them", build: twoSheets, exit: 2, errHas: "第三季度、第四季度"},
		deptCase{name: "--sheet chooses", build: twoSheets, args: []string{"--sheet", "第四季度"}, sheet: "第四季度", headerRow: 1, stored: 2},
	)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := importHarness(t)
			file := tc.build(t, h.dir)
			rej := filepath.Join(h.dir, "rejects.csv")
			args := append([]string{"import", file, "--provider", provider, "--item", "XZCF", "--format", "json", "--rejects", rej}, tc.args...)
			r := h.fails(tc.exit, args...)
			var res struct {
				Rows, Accepted, Rejected int
				Sheet                    string
				HeaderRow                int                 `json:"header_row"`
				HeaderRows               int                 `json:"header_rows"`
				Titles                   []struct{ Row int } `json:"title_rows"`
				Notes                    []struct {
					Row  int
					Text string
				}
				Rejects []struct {
					Row     int
					Reasons string
					Message string
				}
				Message string
			}
			if err := json.Unmarshal([]byte(strings.TrimSpace(r.Out)), &res); err != nil && tc.exit != 2 {
				t.Fatalf("json: %v\n%s\n%s", err, r.Out, r.Err)
			}
			if tc.errHas != "" {
				if !strings.Contains(r.Err+res.Message, tc.errHas) {
					t.Fatalf("message lacks %q: %s %s", tc.errHas, r.Err, res.Message)
				}
				return
			}
			if res.HeaderRow != tc.headerRow || res.Accepted != tc.stored || (tc.sheet != "" && res.Sheet != tc.sheet) {
				t.Fatalf("header row %d, stored %d, sheet %q; want %d, %d, %q\n%s", res.HeaderRow, res.Accepted, res.Sheet, tc.headerRow, tc.stored, tc.sheet, r.Out)
			}
			if want := max(tc.headerRows, 1); res.HeaderRows != want {
				t.Errorf("header rows %d, want %d", res.HeaderRows, want)
			}
			var titles, notes []int
			for _, x := range res.Titles {
				titles = append(titles, x.Row)
			}
			for _, x := range res.Notes {
				notes = append(notes, x.Row)
			}
			if !slices.Equal(titles, tc.titles) || !slices.Equal(notes, tc.notes) {
				t.Errorf("titles %v notes %v, want %v %v", titles, notes, tc.titles, tc.notes)
			}
			if res.Rejected != len(tc.rejects) {
				t.Fatalf("rejected %d, want %d: %+v", res.Rejected, len(tc.rejects), res.Rejects)
			}
			for _, x := range res.Rejects {
				if want, ok := tc.rejects[x.Row]; !ok || !strings.Contains(x.Reasons, want) {
					t.Errorf("reject at row %d (%s: %s), want %v", x.Row, x.Reasons, x.Message, tc.rejects)
				}
				if x.Reasons == "excel_number" && (!strings.Contains(x.Message, "Excel") || !strings.Contains(x.Message, "文本")) {
					t.Errorf("row %d: the message should say Excel converted it and to format the column as text: %s", x.Row, x.Message)
				}
				if strings.Contains(x.Message, "320602199001012000") {
					t.Errorf("row %d: the message repeats a whole ID number: %s", x.Row, x.Message)
				}
			}
			if len(tc.rejects) > 0 && tc.headerRow > 1 {
				// The report says where the header was and gives each row
				// as Excel numbered it in the file sent.
				recs := readRejectsLoose(t, rej)
				want := fmt.Sprintf("表头在第 %d 行", tc.headerRow)
				if tc.headerRows == 2 {
					want = fmt.Sprintf("表头在第 %d–%d 行", tc.headerRow, tc.headerRow+1)
				}
				if !strings.Contains(recs[0][0], want) {
					t.Errorf("report title %q, want %q", recs[0][0], want)
				}
				first := slices.Min(slices.Collect(maps.Keys(tc.rejects)))
				if row := recs[2][len(recs[2])-3]; row != fmt.Sprint(first) {
					t.Errorf("report row %q, want %d", row, first)
				}
			}
		})
	}
}

// readRejectsLoose reads a reject report whose first line may be a title.
func readRejectsLoose(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// The older national 双公示 layout (catalog layouts, docs/import.md): its
// columns as the public code of systems still exporting it names them,
// Chinese or CF_/XK_ codes. What each record must hold follows from the
// layout: 处罚类别1 and 处罚类别2 joined (a 1 is 罚款 in the old code list),
// 行政相对人代码_5 as 证件号码 of type 身份证, the 处罚机关's code and the data
// source from the provider that sent the file (南通市市场监督管理局,
// importHarness), the subject kind from the code given.
var oldXZCFHeader = []string{"行政处罚决定书文号", "处罚名称", "处罚类别1", "处罚类别2", "处罚事由", "处罚依据",
	"行政相对人名称", "行政相对人代码_1(统一社会信用代码)", "行政相对人代码_2(组织机构代码)", "行政相对人代码_3(工商登记码)",
	"行政相对人代码_4(税务登记号)", "行政相对人代码_5 (居民身份证号)", "法定代表人姓名", "处罚结果", "处罚决定日期", "处罚机关",
	"当前状态", "地方编码", "数据更新时间戳", "备注"}

// The same columns by their codes.
var oldXZCFCodes = []string{"CF_WSH", "CF_CFMC", "CF_CFLB1", "CF_CFLB2", "CF_SY", "CF_YJ", "CF_XDR_MC", "CF_XDR_SHXYM",
	"CF_XDR_ZDM", "CF_XDR_GSDJ", "CF_XDR_SWDJ", "CF_XDR_SFZ", "CF_FR", "CF_JG", "CF_JDRQ", "CF_XZJG", "CF_ZT", "DFBM", "SJC", "BZ"}

// A 个体工商户's code (GB 32100: 9 工商, 2 个体工商户), its check character
// worked by the standard's weights (reference/domain.md §2.1).
const indivBiz = "92320602MA1N2B3C4K"

func oldXZCFRow(doc, cat1, cat2, name, uscc, sfz, agency, state string) []string {
	return []string{doc, name + "虚假广告案", cat1, cat2, "发布虚假广告", "《广告法》第五十五条", name, uscc, "", "", "", sfz,
		"", "罚款20000元", "2025/06/10", agency, state, "320600", "2025/06/12", ""}
}

func TestDepartmentFileOldLayout(t *testing.T) {
	const mkt = "南通市市场监督管理局"
	rows := deptRows{
		oldXZCFRow("通市监罚〔2025〕11号", "罚款", "没收违法所得", "甲公司", orgA, "", "", "0"),     // row 3
		oldXZCFRow("通市监罚〔2025〕12号", "1", "", "李四", "", personID, mkt, ""),         // row 4: code 1, a person
		oldXZCFRow("通市监罚〔2025〕13号", "警告", "", "丙商店", indivBiz, "", mkt, "正常"),     // row 5: 个体工商户
		oldXZCFRow("通市监罚〔2025〕14号", "罚款", "", "乙公司", orgB, "", mkt, "1"),          // row 6: 撤销
		oldXZCFRow("通市监罚〔2025〕15号", "罚款", "", "乙公司", orgB, "", "如东县市场监督管理局", "0"), // row 7: another body
	}
	type stored struct{ code, doc, kind string }
	cases := []struct {
		name    string
		build   func(t *testing.T, dir string) string
		item    string
		exit    int
		header  int
		stored  int
		notes   []int
		rejects map[int]string
		check   []stored
	}{
		{name: "Chinese headers, title and notes, CSV", item: "XZCF", exit: 3, header: 2, stored: 3, notes: []int{9, 10},
			rejects: map[int]string{6: "layout_value", 7: "layout_provider"},
			build: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "old.csv")
				all := append(deptRows{{deptTitle}, oldXZCFHeader}, rows...)
				all = append(all, nil, []string{"填报说明：处罚类别1填代码或文字"}, []string{"制表人：王五", "审核人：赵六"})
				writeDeptCSV(t, p, all, true)
				return p
			},
			check: []stored{{orgA, "通市监罚〔2025〕11号", "organisation"}, {personID, "通市监罚〔2025〕12号", "natural_person"},
				{indivBiz, "通市监罚〔2025〕13号", "individual_business"}}},
		{name: "CF_ codes, XLSX", item: "XZCF", header: 1, stored: 2,
			build: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "cf.xlsx")
				f := excelize.NewFile()
				deptSheet(t, f, "Sheet1", withHeader(oldXZCFCodes, rows[:2]))
				saveXLSX(t, f, p)
				return p
			},
			check: []stored{{orgA, "通市监罚〔2025〕11号", "organisation"}, {personID, "通市监罚〔2025〕12号", "natural_person"}}},
		{name: "XK_ codes, CSV", item: "XZXK", header: 1, stored: 1,
			build: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "xk.csv")
				writeDeptCSV(t, p, deptRows{
					{"XK_WSH", "XK_XMMC", "XK_SPLB", "XK_NR", "XK_XDR", "XK_XDR_SHXYM", "XK_XDR_ZDM", "XK_XDR_GSDJ", "XK_XDR_SWDJ",
						"XK_XDR_SFZ", "XK_FR", "XK_JDRQ", "XK_JZQ", "XK_XZJG", "XK_ZT", "DFBM", "SJC", "BZ"},
					{"通市监许〔2025〕1号", "食品经营许可", "普通", "准予食品经营许可", "李四", "", "", "", "", personID, "",
						"2025/06/10", "2030/06/09", mkt, "0", "320600", "2025/06/12", ""},
				}, false)
				return p
			},
			check: []stored{{personID, "通市监许〔2025〕1号", "natural_person"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := importHarness(t)
			file := tc.build(t, h.dir)
			rej := filepath.Join(h.dir, "rejects.csv")
			// The table output says which layout the file was read in.
			if out := h.fails(tc.exit, "import", file, "--provider", provider, "--item", tc.item, "--dry-run").Out; !strings.Contains(out, "格式：双公示旧版") {
				t.Errorf("dry run output lacks the layout:\n%s", out)
			}
			r := h.fails(tc.exit, "import", file, "--provider", provider, "--item", tc.item, "--format", "json", "--rejects", rej)
			var res struct {
				Accepted, Rejected int
				Layout             string
				HeaderRow          int `json:"header_row"`
				Notes              []struct{ Row int }
				Rejects            []struct {
					Row     int
					Reasons string
					Message string
				}
			}
			if err := json.Unmarshal([]byte(strings.TrimSpace(r.Out)), &res); err != nil {
				t.Fatalf("json: %v\n%s\n%s", err, r.Out, r.Err)
			}
			if res.Layout != "双公示旧版" || res.HeaderRow != tc.header || res.Accepted != tc.stored || res.Rejected != len(tc.rejects) {
				t.Fatalf("layout %q header %d stored %d rejected %d; want 双公示旧版 %d %d %d\n%s", res.Layout, res.HeaderRow, res.Accepted, res.Rejected, tc.header, tc.stored, len(tc.rejects), r.Out)
			}
			var notes []int
			for _, n := range res.Notes {
				notes = append(notes, n.Row)
			}
			if !slices.Equal(notes, tc.notes) {
				t.Errorf("notes %v, want %v", notes, tc.notes)
			}
			for _, x := range res.Rejects {
				if want, ok := tc.rejects[x.Row]; !ok || x.Reasons != want {
					t.Errorf("reject at row %d (%s: %s), want %v", x.Row, x.Reasons, x.Message, tc.rejects)
				}
				// The message names the value and what to do.
				if x.Reasons == "layout_value" && !strings.Contains(x.Message, "“1”") || x.Reasons == "layout_value" && !strings.Contains(x.Message, "撤销") ||
					x.Reasons == "layout_provider" && (!strings.Contains(x.Message, "如东县市场监督管理局") || !strings.Contains(x.Message, "现行格式")) {
					t.Errorf("row %d: %s", x.Row, x.Message)
				}
			}
			if len(tc.rejects) > 0 {
				// The report gives the rows under today's column names.
				recs := readRejectsLoose(t, rej)
				if !slices.Contains(recs[1], "处罚机关统一社会信用代码") || !slices.Contains(recs[1], "违法事实") {
					t.Errorf("report header %v", recs[1])
				}
			}
			for _, s := range tc.check {
				a := showJSON(t, h, s.code, "--scope", "office")
				if a.Subject.Kind != s.kind {
					t.Errorf("%s: kind %q, want %q", s.code, a.Subject.Kind, s.kind)
				}
				rec := a.byDoc(s.doc)
				for i := range a.Records {
					if a.Records[i].Fields["行政许可决定文书号"] == s.doc {
						rec = &a.Records[i]
					}
				}
				if rec == nil {
					t.Fatalf("%s: no record %s: %+v", s.code, s.doc, a.Records)
				}
				f := rec.Fields
				if tc.item == "XZXK" {
					if f["行政许可决定文书名称"] != "食品经营许可" || f["许可类别"] != "普通" || f["有效期至"] != "2030-06-09" || f["当前状态"] != "正常" ||
						f["许可机关统一社会信用代码"] != provider || f["数据来源单位"] != mkt || f["证件号码"] != personID || f["证件类型"] != "身份证" {
						t.Errorf("%s: fields %v", s.doc, f)
					}
					continue
				}
				want := map[string]string{"违法事实": "发布虚假广告", "处罚内容": "罚款20000元", "处罚决定日期": "2025-06-10",
					"处罚机关": mkt, "处罚机关统一社会信用代码": provider, "数据来源单位": mkt, "数据来源单位统一社会信用代码": provider}
				switch s.doc {
				case "通市监罚〔2025〕11号":
					want["处罚类别"], want["行政相对人类别"], want["行政相对人代码_1（统一社会信用代码）"] = "罚款；没收违法所得", "法人及非法人组织", orgA
				case "通市监罚〔2025〕12号":
					want["处罚类别"], want["行政相对人类别"], want["证件号码"], want["证件类型"] = "罚款", "自然人", personID, "身份证"
				case "通市监罚〔2025〕13号":
					want["处罚类别"], want["行政相对人类别"] = "警告", "个体工商户"
				}
				for k, v := range want {
					if f[k] != v {
						t.Errorf("%s: %s = %q, want %q", s.doc, k, f[k], v)
					}
				}
			}
		})
	}
}
