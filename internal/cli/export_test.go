package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func readExportCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatal("export CSV lacks the UTF-8 BOM Excel needs")
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestExportToUnit(t *testing.T) {
	h := archiveHarness(t)
	out := filepath.Join(h.dir, "xzcf.csv.out.csv")
	r := h.as("bob").ok("export", "--unit", archUnitA, "--item", "XZCF", "-o", out, "--purpose", "月度交换", "--format", "json")
	res := decode[map[string]any](t, r.Out)
	// 7 imported penalties, 丙公司's expired: 6 valid ones.
	if res["records"] != 6.0 || res["unit"] != archUnitA || res["item"] != "XZCF" {
		t.Fatalf("export: %v", res)
	}
	recs := readExportCSV(t, out)
	head := recs[0]
	if head[0] != "记录编号" || head[1] != "行政相对人名称" || head[len(head)-2] != "决定日期" || head[len(head)-1] != "有效期至" ||
		len(head) != len(xzcfHeader)+3 {
		t.Fatalf("header = %v", head)
	}
	col := map[string]int{}
	for i, c := range head {
		col[c] = i
	}
	if len(recs) != 7 {
		t.Fatalf("%d rows, want 6", len(recs)-1)
	}
	var first []string
	for _, row := range recs[1:] {
		if row[col["行政相对人名称"]] == "丙公司" {
			t.Error("the expired record was exported")
		}
		if row[col["行政处罚决定书文号"]] == "通市监罚〔2025〕1号" {
			first = row
		}
	}
	// Shared scope: personal fields are given to the unit unmasked.
	if first == nil || first[col["法定代表人证件号码"]] != personID || first[col["法定代表人"]] != "张三" ||
		first[col["决定日期"]] != "2025-06-10" || first[col["有效期至"]] != "2026-06-10" || first[col["处罚内容"]] != "罚款20000元" {
		t.Fatalf("row = %v", first)
	}
	// The export is logged record by record: the unit is found as a receiver.
	st := openTestStore(t, h)
	id, _ := strconv.ParseInt(first[0], 10, 64)
	a := showJSON(t, h, orgA, "--scope", "office")
	var hash string
	for _, rec := range a.Records {
		if rec.ID == id {
			hash = rec.Hash
		}
	}
	recv, err := st.UnitsThatReceived(context.Background(), id, hash)
	if err != nil || len(recv) != 1 || recv[0].Unit != archUnitA || strings.Join(recv[0].Actions, ",") != "export" {
		t.Fatalf("UnitsThatReceived(%d) = %+v, %v", id, recv, err)
	}
	var n, logged int
	if err := st.DB.QueryRow(`SELECT q.records, (SELECT count(*) FROM query_log_records r WHERE r.query_id = q.id) FROM query_log q
		WHERE q.action = 'export' AND q.unit = ? AND q.scope = 'shared' AND q.operator = 'bob' AND q.purpose = '月度交换'`, archUnitA).Scan(&n, &logged); err != nil || n != 6 || logged != 6 {
		t.Errorf("export log: %d records, %d logged, %v", n, logged, err)
	}

	// --since: decided on or after the date.
	since := filepath.Join(h.dir, "since.csv")
	h.as("bob").ok("export", "--unit", archUnitA, "--item", "XZCF", "--since", "2025-08-01", "-o", since)
	if recs := readExportCSV(t, since); len(recs) != 4 { // 王伟 08-01, 王伟民 09-01, 王伟 10-01
		t.Errorf("since 2025-08-01: %d rows, want 3", len(recs)-1)
	}

	// XLSX, of the shared item the unit is registered for.
	x := filepath.Join(h.dir, "xycn.xlsx")
	h.as("bob").ok("export", "--unit", archUnitA, "--item", "xycn", "-o", x)
	f, err := excelize.OpenFile(x)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil || len(rows) != 2 || rows[0][0] != "记录编号" || !strings.Contains(strings.Join(rows[0], ","), "承诺类型") || rows[1][1] != "甲公司" {
		t.Fatalf("xlsx rows = %v, %v", rows, err)
	}

	// Refusals.
	if r := h.as("bob").fails(5, "export", "--unit", archUnitB, "--item", "XYCN", "-o", x, "--force"); !strings.Contains(r.Err, "credit unit add") {
		t.Errorf("unregistered shared item: %s", r.Err)
	}
	h.as("bob").fails(5, "export", "--unit", "113206000140000031", "--item", "XZCF", "-o", out, "--force")
	h.as("carol").fails(5, "export", "--unit", archUnitA, "--item", "XZCF", "-o", out, "--force")
	h.as("guest").fails(5, "export", "--unit", archUnitA, "--item", "XZCF", "-o", out, "--force")
	h.as("bob").fails(5, "export", "--unit", archUnitA, "--item", "NOPE", "-o", out, "--force")
	h.as("bob").fails(2, "export", "--unit", archUnitA, "--item", "XZCF", "-o", filepath.Join(h.dir, "x.md"))
	h.as("bob").fails(2, "export", "--unit", archUnitA, "--item", "XZCF")
	h.as("bob").fails(2, "export", "--item", "XZCF", "-o", out)
	// A refused export leaves no file behind.
	if _, err := os.Stat(filepath.Join(h.dir, "none.csv")); err == nil {
		t.Error("unexpected file")
	}
	h.as("bob").fails(5, "export", "--unit", archUnitB, "--item", "XYCN", "-o", filepath.Join(h.dir, "none.csv"))
	if _, err := os.Stat(filepath.Join(h.dir, "none.csv")); !os.IsNotExist(err) {
		t.Error("a refused export wrote its file")
	}
}
