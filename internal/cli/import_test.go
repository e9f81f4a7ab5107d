package cli

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// The national 行政处罚 layout (reference/domain.md §1.1), typed here from the
// standard's table.
var xzcfHeader = []string{
	"行政相对人名称", "行政相对人类别", "行政相对人代码_1（统一社会信用代码）", "行政相对人代码_2（工商注册号）",
	"行政相对人代码_3（组织机构代码）", "行政相对人代码_4（税务登记号）", "行政相对人代码_5（事业单位证书号）",
	"行政相对人代码_6（社会组织登记证号）", "法定代表人", "法定代表人证件类型", "法定代表人证件号码", "证件类型", "证件号码",
	"行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容", "罚款金额（万元）",
	"没收违法所得、没收非法财物的金额（万元）", "暂扣或吊销证照名称及编号", "处罚决定日期", "处罚有效期", "公示截止期",
	"处罚机关", "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码", "备注",
}

// Codes from the standards' published examples (reference/domain.md §2).
const (
	orgA     = "91350100M000100Y43"
	orgB     = "91110000802100433B"
	orgC     = "91110108551385082Q"
	agency   = "11100000000013127D"
	personID = "11010519491231002X"
	provider = "11100000000013127D"
)

func xzcfRow(set map[string]string) []string {
	base := map[string]string{
		"行政相对人名称": "甲公司", "行政相对人类别": "法人及非法人组织", "行政相对人代码_1（统一社会信用代码）": orgA,
		"法定代表人": "张三", "法定代表人证件类型": "身份证", "法定代表人证件号码": personID,
		"行政处罚决定书文号": "通市监罚〔2025〕1号", "违法行为类型": "虚假广告", "违法事实": "发布虚假广告",
		"处罚依据": "《广告法》第五十五条", "处罚类别": "罚款", "处罚内容": "罚款20000元", "罚款金额（万元）": "2",
		"处罚决定日期": "2025-06-10", "处罚有效期": "2026-06-10", "处罚机关": "南通市市场监督管理局",
		"处罚机关统一社会信用代码": agency, "数据来源单位": "南通市市场监督管理局", "数据来源单位统一社会信用代码": agency,
	}
	for k, v := range set {
		base[k] = v
	}
	row := make([]string, len(xzcfHeader))
	for i, h := range xzcfHeader {
		row[i] = base[h]
	}
	return row
}

// plantedRows: two good rows, then one bad row per planted error (issue 4).
func plantedRows() [][]string {
	return [][]string{
		xzcfRow(nil), // row 2: good
		xzcfRow(map[string]string{"行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": orgB, "行政处罚决定书文号": "通市监罚〔2025〕2号"}), // row 3: good
		xzcfRow(map[string]string{"行政相对人代码_1（统一社会信用代码）": "91350100M000100Y4X", "行政处罚决定书文号": "通市监罚〔2025〕3号"}),   // row 4: check_digit
		xzcfRow(map[string]string{"行政处罚决定书文号": ""}),                                                            // row 5: required
		xzcfRow(map[string]string{"处罚决定日期": "2025-02-30", "行政处罚决定书文号": "通市监罚〔2025〕5号"}),                        // row 6: date_invalid
		xzcfRow(map[string]string{"处罚类别": "训诫", "行政处罚决定书文号": "通市监罚〔2025〕6号"}),                                  // row 7: enum
		xzcfRow(map[string]string{"处罚决定日期": "2026-01-05", "行政处罚决定书文号": "通市监罚〔2025〕7号"}),                        // row 8: date_future (today 2025-12-01)
		xzcfRow(map[string]string{"行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": orgB, "行政处罚决定书文号": "通市监罚〔2025〕2号"}), // row 9: duplicate_in_file
	}
}

var plantedWant = map[int]string{4: "check_digit", 5: "required", 6: "date_invalid", 7: "enum", 8: "date_future", 9: "duplicate_in_file"}

func writeCSV(t *testing.T, path string, header []string, rows [][]string, gbk bool) {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(header)
	w.WriteAll(rows)
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

func writeXLSX(t *testing.T, path string, header []string, rows [][]string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetRow("Sheet1", "A1", &header)
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		vals := make([]any, len(r))
		for k := range r {
			vals[k] = r[k]
		}
		f.SetSheetRow("Sheet1", cell, &vals)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func importHarness(t *testing.T) *harness {
	h := newHarness(t).initStore()
	h.env["CREDIT_TODAY"] = "2025-12-01"
	h.ok("provider", "add", provider, "--name", "南通市市场监督管理局", "--items", "XZCF,XZXK")
	return h
}

func readRejects(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatal("reject report lacks the UTF-8 BOM Excel needs")
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestImportPlantedErrorsInEveryFormat(t *testing.T) {
	for _, format := range []string{"utf8.csv", "gbk.csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			h := importHarness(t)
			file := filepath.Join(h.dir, "xzcf-"+format)
			switch format {
			case "utf8.csv":
				writeCSV(t, file, xzcfHeader, plantedRows(), false)
			case "gbk.csv":
				writeCSV(t, file, xzcfHeader, plantedRows(), true)
			case "xlsx":
				file = filepath.Join(h.dir, "xzcf.xlsx")
				writeXLSX(t, file, xzcfHeader, plantedRows())
			}
			rej := filepath.Join(h.dir, "rejects.csv")
			r := h.fails(3, "import", file, "--provider", provider, "--item", "XZCF", "--rejects", rej, "--format", "json")
			var res map[string]any
			if err := json.Unmarshal([]byte(strings.TrimSpace(r.Out)), &res); err != nil {
				t.Fatalf("json: %v\n%s", err, r.Out)
			}
			if res["rows"] != 8.0 || res["accepted"] != 2.0 || res["rejected"] != 6.0 || res["revised"] != 0.0 || res["duplicates"] != 0.0 {
				t.Fatalf("counts = %v", res)
			}
			reasons := res["reasons"].(map[string]any)
			for _, want := range plantedWant {
				if reasons[want] != 1.0 {
					t.Errorf("reasons[%s] = %v, want 1 (%v)", want, reasons[want], reasons)
				}
			}
			recs := readRejects(t, rej)
			if got := recs[0][len(recs[0])-2:]; got[0] != "错误字段" || got[1] != "错误原因" {
				t.Fatalf("report header ends with %v", got)
			}
			if len(recs) != 7 {
				t.Fatalf("report has %d lines, want header + 6", len(recs))
			}
			// The original columns come back as sent, ready to fix.
			if recs[1][13] != "通市监罚〔2025〕3号" {
				t.Errorf("original cells not kept: %v", recs[1][:14])
			}
			got := map[string]string{}
			for _, rec := range recs[1:] {
				// find the line: the reason text names its reason code
				got[rec[len(rec)-1]] = rec[len(rec)-2]
			}
			// Each bad row named with its reason, in row order.
			rows := h.ok("batch", "rejects", "1", "--format", "json").Out
			var list []map[string]any
			json.Unmarshal([]byte(rows), &list)
			if len(list) != 6 {
				t.Fatalf("batch rejects = %s", rows)
			}
			for _, e := range list {
				line := int(e["row"].(float64))
				if !strings.Contains(e["reasons"].(string), plantedWant[line]) {
					t.Errorf("row %d: reasons %q, want %s", line, e["reasons"], plantedWant[line])
				}
			}
			// Re-importing the same file stores nothing.
			r = h.ok("import", file, "--provider", provider, "--item", "XZCF", "--format", "json")
			if !strings.Contains(r.Out, `"already_imported_as":1`) {
				t.Fatalf("re-import: %s", r.Out)
			}
			if out := h.ok("batch", "list", "--format", "json").Out; strings.Count(out, `"batch"`) != 1 {
				t.Fatalf("a second batch was stored: %s", out)
			}
		})
	}
}

func TestImportRevisionsAndDuplicates(t *testing.T) {
	h := importHarness(t)
	f1 := filepath.Join(h.dir, "a.csv")
	writeCSV(t, f1, xzcfHeader, [][]string{xzcfRow(nil)}, false)
	h.ok("import", f1, "--provider", provider, "--item", "XZCF")
	// Same record, same content, different file (a trailing comment row differs): duplicate.
	f2 := filepath.Join(h.dir, "b.csv")
	writeCSV(t, f2, xzcfHeader, [][]string{xzcfRow(nil), xzcfRow(map[string]string{"行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": orgB, "行政处罚决定书文号": "X2"})}, false)
	r := h.ok("import", f2, "--provider", provider, "--item", "XZCF", "--format", "json")
	if !strings.Contains(r.Out, `"accepted":1`) || !strings.Contains(r.Out, `"duplicates":1`) {
		t.Fatalf("b.csv: %s", r.Out)
	}
	// A changed value is a revision.
	f3 := filepath.Join(h.dir, "c.csv")
	writeCSV(t, f3, xzcfHeader, [][]string{xzcfRow(map[string]string{"处罚内容": "罚款30000元", "罚款金额（万元）": "3"})}, false)
	r = h.ok("import", f3, "--provider", provider, "--item", "XZCF", "--format", "json")
	if !strings.Contains(r.Out, `"revised":1`) || !strings.Contains(r.Out, `"accepted":0`) {
		t.Fatalf("c.csv: %s", r.Out)
	}
	// A name that disagrees with the stored subject is rejected.
	f4 := filepath.Join(h.dir, "d.csv")
	writeCSV(t, f4, xzcfHeader, [][]string{xzcfRow(map[string]string{"行政相对人名称": "丙公司", "行政处罚决定书文号": "X9"})}, false)
	r = h.fails(3, "import", f4, "--provider", provider, "--item", "XZCF", "--format", "json")
	if !strings.Contains(r.Out, `"subject_mismatch":1`) {
		t.Fatalf("d.csv: %s", r.Out)
	}
}

func TestImportRefusedWhole(t *testing.T) {
	h := importHarness(t)
	cases := []struct {
		name   string
		header []string
		want   string
	}{
		{"prohibited", append(append([]string{}, xzcfHeader...), "血型"), "第十四条"},
		{"unknown", append(append([]string{}, xzcfHeader...), "备用字段"), "备用字段"},
		{"missing", xzcfHeader[1:], "行政相对人名称"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := filepath.Join(h.dir, c.name+".csv")
			row := xzcfRow(nil)
			if c.name == "missing" {
				row = row[1:]
			} else {
				row = append(row, "x")
			}
			writeCSV(t, f, c.header, [][]string{row}, false)
			r := h.fails(4, "import", f, "--provider", provider, "--item", "XZCF")
			if !strings.Contains(r.Err, c.want) {
				t.Fatalf("message %q should name %q", r.Err, c.want)
			}
		})
	}
	// --ignore-unknown takes the unknown column but never a prohibited one.
	h.ok("import", filepath.Join(h.dir, "unknown.csv"), "--provider", provider, "--item", "XZCF", "--ignore-unknown")
	h.fails(4, "import", filepath.Join(h.dir, "prohibited.csv"), "--provider", provider, "--item", "XZCF", "--ignore-unknown")
	// An unregistered provider or unknown item refuses before reading.
	h.fails(4, "import", filepath.Join(h.dir, "unknown.csv"), "--provider", orgC, "--item", "XZCF")
	h.fails(4, "import", filepath.Join(h.dir, "unknown.csv"), "--provider", provider, "--item", "NOPE")
	if out := h.ok("batch", "list", "--format", "json").Out; strings.Count(out, `"batch"`) != 1 {
		t.Fatalf("refused files must store nothing: %s", out)
	}
}

// 第十二条(九) and 第二十九条: a simple-procedure penalty is stored as other
// information; a serious penalty of an organisation also becomes a record of
// its legal representative and the persons the row names.
func TestImportProcedureSeverityAndLinks(t *testing.T) {
	h := importHarness(t)
	header := append(append([]string{}, xzcfHeader...), "失信程度", "程序类型", "主要负责人证件号码", "法定代表人负有责任")
	row := func(set map[string]string, severity, procedure, principal string) []string {
		return append(xzcfRow(set), severity, procedure, principal, set["法定代表人负有责任"])
	}
	f := filepath.Join(h.dir, "p.csv")
	writeCSV(t, f, header, [][]string{
		row(map[string]string{"行政处罚决定书文号": "S1"}, "", "简易程序", ""),
		row(map[string]string{"行政处罚决定书文号": "S2", "行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": orgB, "法定代表人负有责任": "是"}, "严重", "一般程序", "440524188001010014"),
		row(map[string]string{"行政处罚决定书文号": "S3", "行政相对人名称": "丙公司", "行政相对人代码_1（统一社会信用代码）": orgC, "处罚类别": "罚款；吊销许可证件", "暂扣或吊销证照名称及编号": "营业执照"}, "", "", ""),
	}, false)
	h.ok("import", f, "--provider", provider, "--item", "XZCF")
	db, err := sql.Open("sqlite", h.db)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := func(key string) (cat, sev, until string) {
		err := db.QueryRow("SELECT category, severity, valid_until FROM records WHERE natural_key LIKE ?", "%"+key+"%").Scan(&cat, &sev, &until)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		return
	}
	if cat, sev, _ := q("\x1fS1\x1f"); cat != "other" || sev != "" {
		t.Errorf("简易程序 row stored as %s/%s, want other with no severity", cat, sev)
	}
	// 失信程度 严重 wins; decided 2025-06-10 → valid through 2028-06-10 (3 years, 第三十条).
	if cat, sev, until := q("\x1fS2\x1f"); cat != "negative" || sev != "serious" || until != "2028-06-10" {
		t.Errorf("S2 = %s/%s/%s, want negative/serious/2028-06-10", cat, sev, until)
	}
	// The catalog's rule makes 吊销许可证件 serious without a 失信程度 column value.
	if _, sev, until := q("\x1fS3\x1f"); sev != "serious" || until != "2028-06-10" {
		t.Errorf("S3 = %s/%s, want serious by the item's rule", sev, until)
	}
	// A general penalty is valid one year: the default row (S1 is other) — check via a general one.
	var links []string
	rows, err := db.Query(`SELECT s.code || ':' || l.role FROM record_links l JOIN subjects s ON s.id = l.subject_id
		JOIN records r ON r.id = l.record_id WHERE r.natural_key LIKE '%S2%' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		links = append(links, s)
	}
	rows.Close()
	want := []string{personID + ":legal_rep", "440524188001010014:principal"}
	if strings.Join(links, ",") != strings.Join(want, ",") {
		t.Errorf("links of the serious record = %v, want %v", links, want)
	}
	var n int
	db.QueryRow(`SELECT count(*) FROM record_links l JOIN records r ON r.id = l.record_id WHERE r.natural_key LIKE '%S1%'`).Scan(&n)
	if n != 0 {
		t.Errorf("a non-serious record got %d links", n)
	}
	// S3 is serious too, but its provider marked no one responsible: its
	// legal representative is only named, and named is not linked.
	db.QueryRow(`SELECT count(*) FROM record_links l JOIN records r ON r.id = l.record_id WHERE r.natural_key LIKE '%S3%'`).Scan(&n)
	if n != 0 {
		t.Errorf("a serious record with no responsible person marked got %d links", n)
	}
}

func TestImportMinorSubjectRejected(t *testing.T) {
	h := importHarness(t)
	f := filepath.Join(h.dir, "m.csv")
	// 440524188001010014 is the standard's example (born 1880); a person born
	// 2010-01-01 is 15 on 2025-06-10. Check digit computed by hand with the
	// GB 11643 weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 over
	// 1 1 0 1 0 5 2 0 1 0 0 1 0 1 0 0 1: S = 7+9+5+20+4+6+9+5+2 = 67,
	// 67 mod 11 = 1 → check "0" (the table 1 0 X 9 8 7 6 5 4 3 2).
	writeCSV(t, f, xzcfHeader, [][]string{xzcfRow(map[string]string{
		"行政相对人名称": "李四", "行政相对人类别": "自然人", "行政相对人代码_1（统一社会信用代码）": "",
		"证件类型": "身份证", "证件号码": "110105201001010010", "法定代表人": "", "法定代表人证件类型": "", "法定代表人证件号码": "",
	})}, false)
	r := h.fails(3, "import", f, "--provider", provider, "--item", "XZCF", "--format", "json")
	if !strings.Contains(r.Out, `"minor_subject":1`) {
		t.Fatalf("want minor_subject: %s", r.Out)
	}
}

// An item with its own validity (BZJL: 3y in the default catalog) gets a
// valid-until like a negative record does; 2024-02-29 + 3 years ends on
// 2027-02-28 (民法典 第二百零二条: no such day → the month's last day).
func TestImportPositiveItemValidity(t *testing.T) {
	h := importHarness(t)
	h.ok("provider", "add", provider, "--name", "南通市市场监督管理局", "--items", "BZJL")
	header := []string{"主体名称", "主体类别", "统一社会信用代码", "表彰奖励名称", "表彰奖励决定文号", "授予日期", "授予单位", "授予单位统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码"}
	f := filepath.Join(h.dir, "bzjl.csv")
	writeCSV(t, f, header, [][]string{{"甲公司", "法人及非法人组织", orgA, "守合同重信用企业", "通政〔2024〕1号", "2024-02-29", "南通市人民政府", agency, "南通市人民政府", agency}}, false)
	h.ok("import", f, "--provider", provider, "--item", "BZJL")
	db, err := sql.Open("sqlite", h.db)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var cat, until string
	if err := db.QueryRow("SELECT category, valid_until FROM records WHERE item = 'BZJL'").Scan(&cat, &until); err != nil {
		t.Fatal(err)
	}
	if cat != "positive" || until != "2027-02-28" {
		t.Fatalf("BZJL stored as %s valid until %q, want positive until 2027-02-28", cat, until)
	}
}

// Review findings: a revision follows the merged record (a file without
// 失信程度 keeps a serious record serious); a key repeated in a file is a
// duplicate_in_file even when its first row changed nothing; a mismatch
// message never tells the stored name.
func TestImportRevisionFollowsMergedRecord(t *testing.T) {
	h := importHarness(t)
	header := append(append([]string{}, xzcfHeader...), "失信程度")
	f1 := filepath.Join(h.dir, "r1.csv")
	writeCSV(t, f1, header, [][]string{append(xzcfRow(nil), "严重")}, false)
	h.ok("import", f1, "--provider", provider, "--item", "XZCF")
	f2 := filepath.Join(h.dir, "r2.csv") // no 失信程度 column; 备注 changed
	writeCSV(t, f2, xzcfHeader, [][]string{xzcfRow(map[string]string{"备注": "补充说明"})}, false)
	r := h.ok("import", f2, "--provider", provider, "--item", "XZCF", "--format", "json")
	if !strings.Contains(r.Out, `"revised":1`) {
		t.Fatalf("r2: %s", r.Out)
	}
	db, _ := sql.Open("sqlite", h.db)
	defer db.Close()
	var sev, until string
	var rev int
	db.QueryRow("SELECT severity, valid_until, rev FROM records").Scan(&sev, &until, &rev)
	if sev != "serious" || until != "2028-06-10" || rev != 2 {
		t.Fatalf("after a revision without 失信程度: %s until %s rev %d, want serious until 2028-06-10 rev 2", sev, until, rev)
	}

	// The same key twice: first unchanged, then changed → one duplicate, one duplicate_in_file.
	f3 := filepath.Join(h.dir, "r3.csv")
	writeCSV(t, f3, xzcfHeader, [][]string{
		xzcfRow(map[string]string{"备注": "补充说明"}),
		xzcfRow(map[string]string{"备注": "又改了"}),
	}, false)
	r = h.fails(3, "import", f3, "--provider", provider, "--item", "XZCF", "--format", "json")
	if !strings.Contains(r.Out, `"duplicates":1`) || !strings.Contains(r.Out, `"duplicate_in_file":1`) || !strings.Contains(r.Out, `"revised":0`) {
		t.Fatalf("r3: %s", r.Out)
	}
	db.QueryRow("SELECT rev FROM records").Scan(&rev)
	if rev != 2 {
		t.Fatalf("a repeated key revised the record (rev %d)", rev)
	}

	// A name that disagrees: the message names the row's name, never the stored one.
	f4 := filepath.Join(h.dir, "r4.csv")
	writeCSV(t, f4, xzcfHeader, [][]string{xzcfRow(map[string]string{"行政相对人名称": "冒名公司", "行政处罚决定书文号": "Z9"})}, false)
	r = h.fails(3, "import", f4, "--provider", provider, "--item", "XZCF", "--format", "json")
	if !strings.Contains(r.Out, "subject_mismatch") || strings.Contains(r.Out, "甲公司") {
		t.Fatalf("mismatch message must not reveal the stored name: %s", r.Out)
	}
}

// A revision staged before the record changed (a correction, another batch)
// is refused at publish instead of being written over the change.
func TestStaleStagedRevisionRefusedAtPublish(t *testing.T) {
	h := importHarness(t)
	f1 := filepath.Join(h.dir, "s1.csv")
	writeCSV(t, f1, xzcfHeader, [][]string{xzcfRow(nil)}, false)
	h.ok("import", f1, "--provider", provider, "--item", "XZCF")
	db, _ := sql.Open("sqlite", h.db)
	defer db.Close()
	// Stage a batch by hand whose revision was merged onto an older content.
	mustExec := func(q string, args ...any) {
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	mustExec(`INSERT INTO batches(id, provider, item, channel, file_name, file_hash, catalog_version, state, today, operator, started_at)
		VALUES (50, ?, 'XZCF', 'local', 'x.csv', 'h', 1, 'staging', '2025-12-01', 'alice', 'now')`, provider)
	mustExec(`INSERT INTO staged_revisions(batch_id, record_id, line, base_hash, category, severity, decided_on, valid_until, layout, vals, content_hash)
		SELECT 50, id, 2, 'an-older-content', category, severity, decided_on, valid_until, layout, vals, 'x' FROM records`)
	st, err := openForTest(h.db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var stale int
	err = st.Write(t.Context(), storeActor(), func(tx *storeTx) error {
		s, err := tx.StaleRevisions(50)
		stale = len(s)
		return err
	})
	if err != nil || stale != 1 {
		t.Fatalf("stale revisions = %d (%v), want 1", stale, err)
	}
	var left int
	db.QueryRow("SELECT count(*) FROM staged_revisions WHERE batch_id = 50").Scan(&left)
	if left != 0 {
		t.Fatal("a stale revision must leave the staging area")
	}
}

func TestImportEmptyAndSeveralRefusedFiles(t *testing.T) {
	h := importHarness(t)
	hdr := filepath.Join(h.dir, "header-only.csv")
	writeCSV(t, hdr, xzcfHeader, nil, false)
	r := h.fails(4, "import", hdr, "--provider", provider, "--item", "XZCF", "--format", "json")
	if !strings.Contains(r.Out, `"refused":"empty_file"`) {
		t.Fatalf("header-only file: %s", r.Out)
	}
	good := filepath.Join(h.dir, "good.csv")
	writeCSV(t, good, xzcfHeader, [][]string{xzcfRow(nil)}, false)
	missing := filepath.Join(h.dir, "missing.csv")
	r = h.fails(4, "import", hdr, good, missing, "--provider", provider, "--item", "XZCF", "--format", "json")
	lines := strings.Split(strings.TrimSpace(r.Out), "\n")
	if len(lines) != 3 {
		t.Fatalf("want one JSON line per file, got %d:\n%s", len(lines), r.Out)
	}
	if !strings.Contains(r.Err, "header-only.csv") || !strings.Contains(r.Err, "missing.csv") {
		t.Fatalf("every refused file must be named on stderr: %s", r.Err)
	}
	if out := h.ok("batch", "list", "--format", "json").Out; strings.Count(out, `"state": "published"`) != 1 {
		t.Fatalf("only the good file is stored: %s", out)
	}
}

// A person first known only by ID (a 主要负责人 of a serious record) gets a
// name when a later batch that names them publishes.
func TestImportNamesPersonKnownOnlyByID(t *testing.T) {
	h := importHarness(t)
	header := append(append([]string{}, xzcfHeader...), "失信程度", "主要负责人证件号码")
	f1 := filepath.Join(h.dir, "a.csv")
	writeCSV(t, f1, header, [][]string{append(xzcfRow(nil), "严重", "440524188001010014")}, false)
	h.ok("import", f1, "--provider", provider, "--item", "XZCF")
	db, _ := sql.Open("sqlite", h.db)
	defer db.Close()
	name := func() (n string) {
		db.QueryRow("SELECT name FROM subjects WHERE code = '440524188001010014'").Scan(&n)
		return
	}
	if name() != "" {
		t.Fatalf("a person named only by ID has no name yet, got %q", name())
	}
	f2 := filepath.Join(h.dir, "b.csv")
	writeCSV(t, f2, xzcfHeader, [][]string{xzcfRow(map[string]string{
		"行政相对人名称": "赵六", "行政相对人类别": "自然人", "行政相对人代码_1（统一社会信用代码）": "", "证件类型": "身份证",
		"证件号码": "440524188001010014", "法定代表人": "", "法定代表人证件类型": "", "法定代表人证件号码": "", "行政处罚决定书文号": "P2",
	})}, false)
	h.ok("import", f2, "--provider", provider, "--item", "XZCF")
	if name() != "赵六" {
		t.Fatalf("after the naming batch published: %q, want 赵六", name())
	}
}

// The same bytes sent for another item are a different submission: checked
// on their own, never waved through as "already imported".
func TestSameFileOtherItemIsCheckedAfresh(t *testing.T) {
	h := importHarness(t) // provider registered for XZCF and XZXK
	f := filepath.Join(h.dir, "x.csv")
	writeCSV(t, f, xzcfHeader, [][]string{xzcfRow(nil)}, false)
	h.ok("import", f, "--provider", provider, "--item", "XZCF")
	r := h.fails(4, "import", f, "--provider", provider, "--item", "XZXK", "--format", "json")
	if strings.Contains(r.Out, "already_imported_as") || !strings.Contains(r.Out, `"refused"`) {
		t.Fatalf("a penalty file sent as licences must be checked (and refused), got %s", r.Out)
	}
}

// A dry run tells new rows, revisions and duplicates apart as the import
// would, and stores nothing.
func TestImportDryRunClassifies(t *testing.T) {
	h := importHarness(t)
	f1 := filepath.Join(h.dir, "a.csv")
	writeCSV(t, f1, xzcfHeader, [][]string{xzcfRow(nil), xzcfRow(map[string]string{"行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": orgB, "行政处罚决定书文号": "D2"})}, false)
	h.ok("import", f1, "--provider", provider, "--item", "XZCF")
	f2 := filepath.Join(h.dir, "b.csv")
	writeCSV(t, f2, xzcfHeader, [][]string{
		xzcfRow(nil), // unchanged: duplicate
		xzcfRow(map[string]string{"行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": orgB, "行政处罚决定书文号": "D2", "备注": "改"}), // revision
		xzcfRow(map[string]string{"行政相对人名称": "丙公司", "行政相对人代码_1（统一社会信用代码）": orgC, "行政处罚决定书文号": "D3"}),            // new
	}, false)
	r := h.ok("import", f2, "--provider", provider, "--item", "XZCF", "--dry-run", "--format", "json")
	for _, want := range []string{`"accepted":1`, `"revised":1`, `"duplicates":1`, `"dry_run":true`} {
		if !strings.Contains(r.Out, want) {
			t.Fatalf("dry run: want %s in %s", want, r.Out)
		}
	}
	if out := h.ok("batch", "list", "--format", "json").Out; strings.Count(out, `"batch"`) != 1 {
		t.Fatalf("a dry run stored a batch: %s", out)
	}
}

// Within one file a subject named twice keeps its first row's name: a later
// row naming the same code differently is subject_mismatch.
func TestImportSameSubjectTwiceInOneFile(t *testing.T) {
	h := importHarness(t)
	f := filepath.Join(h.dir, "twice.csv")
	writeCSV(t, f, xzcfHeader, [][]string{
		xzcfRow(map[string]string{"行政处罚决定书文号": "T1"}),
		xzcfRow(map[string]string{"行政处罚决定书文号": "T2", "行政相对人名称": "甲公司改名"}),
		xzcfRow(map[string]string{"行政处罚决定书文号": "T3", "行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": orgB}),
	}, false)
	r := h.fails(3, "import", f, "--provider", provider, "--item", "XZCF", "--format", "json")
	if !strings.Contains(r.Out, `"accepted":2`) || !strings.Contains(r.Out, `"subject_mismatch":1`) || !strings.Contains(r.Out, `"row":3`) {
		t.Fatalf("twice.csv: %s", r.Out)
	}
	db, err := sql.Open("sqlite", h.db)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var named, all, records int
	db.QueryRow("SELECT count(*) FROM subjects WHERE code = ? AND name = '甲公司'", orgA).Scan(&named)
	db.QueryRow("SELECT count(*) FROM subjects WHERE code = ?", orgA).Scan(&all)
	db.QueryRow("SELECT count(*) FROM records r JOIN subjects s ON s.id = r.subject_id WHERE s.code = ?", orgA).Scan(&records)
	if named != 1 || all != 1 || records != 1 {
		t.Fatalf("%s: %d subjects named 甲公司 of %d, %d records; want 1, 1, 1", orgA, named, all, records)
	}
}

// The same within one file: a person first met only by ID (a 主要负责人)
// takes the name a later row gives them (review finding: the name was lost
// when both rows fell in one chunk).
func TestImportNamesPersonKnownOnlyByIDInOneFile(t *testing.T) {
	h := importHarness(t)
	header := append(append([]string{}, xzcfHeader...), "失信程度", "主要负责人证件号码")
	f := filepath.Join(h.dir, "a.csv")
	writeCSV(t, f, header, [][]string{
		append(xzcfRow(nil), "严重", "440524188001010014"),
		append(xzcfRow(map[string]string{
			"行政相对人名称": "赵六", "行政相对人类别": "自然人", "行政相对人代码_1（统一社会信用代码）": "", "证件类型": "身份证",
			"证件号码": "440524188001010014", "法定代表人": "", "法定代表人证件类型": "", "法定代表人证件号码": "", "行政处罚决定书文号": "P2",
		}), "", ""),
	}, false)
	r := h.ok("import", f, "--provider", provider, "--item", "XZCF", "--format", "json")
	if !strings.Contains(r.Out, `"accepted":2`) {
		t.Fatalf("a.csv: %s", r.Out)
	}
	db, err := sql.Open("sqlite", h.db)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var name string
	var n int
	db.QueryRow("SELECT name, count(*) FROM subjects WHERE code = '440524188001010014'").Scan(&name, &n)
	if name != "赵六" || n != 1 {
		t.Fatalf("the person: %d subjects, name %q; want one, 赵六", n, name)
	}
}
