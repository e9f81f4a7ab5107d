package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// 基础信息比对核查: each row's name against the archive of its code.
func TestVerifyNamesAgainstCodes(t *testing.T) {
	h := scHarness(t)
	h.scSerious(nil) // 甲公司 orgA; 第二十九条 files it under its legal representative 张三 (personID) too
	f := filepath.Join(h.dir, "核查.csv")
	writeCSV(t, f, []string{"名称", "统一社会信用代码/身份证号码"}, [][]string{
		{"甲公司", orgA},
		{" 甲公司 ", strings.ToLower(orgA)}, // spaces and case do not matter
		{"甲有限公司", orgA},
		{"乙公司", orgB},
		{"坏公司", "91350100M000100Y4X"},
		{"张四", personID},
	}, false)
	before := h.scCount("SELECT count(*) FROM query_log WHERE action = 'verify'")
	out := h.ok("verify", f, "--unit", scUnit, "--format", "json").Out
	var v struct {
		Rows    int            `json:"rows"`
		Counts  map[string]int `json:"counts"`
		Results []struct {
			Line       int    `json:"line"`
			Code       string `json:"code"`
			Result     string `json:"result"`
			StoredName string `json:"stored_name"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err, out)
	}
	want := []string{"match", "match", "name_differs", "unknown_code", "invalid_code", "name_differs"}
	if v.Rows != 6 || len(v.Results) != 6 {
		t.Fatalf("verify = %+v", v)
	}
	for i, w := range want {
		if v.Results[i].Result != w || v.Results[i].Line != i+2 {
			t.Errorf("row %d: %+v, want %s", i+2, v.Results[i], w)
		}
	}
	// A natural person's name on file is masked (SPEC §C).
	if v.Results[2].StoredName != "甲公司" || v.Results[5].StoredName != "张*" || v.Counts["match"] != 2 || v.Counts["invalid_code"] != 1 {
		t.Fatalf("details: %+v", v)
	}
	// Every row is logged as a query of the unit.
	if n := h.scCount("SELECT count(*) FROM query_log WHERE action = 'verify' AND unit = ?", scUnit) - before; n != 6 {
		t.Fatalf("%d verify queries logged, want 6", n)
	}
	// -o writes a workbook; a file without a name column is refused whole.
	x := filepath.Join(h.dir, "核查结果.xlsx")
	h.ok("verify", f, "-o", x)
	wb, err := excelize.OpenFile(x)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := wb.GetRows(wb.GetSheetList()[0])
	wb.Close()
	if len(rows) != 7 || rows[0][3] != "比对结果" || rows[1][3] != "一致" {
		t.Fatalf("workbook rows = %v", rows)
	}
	bad := filepath.Join(h.dir, "codes.csv")
	writeCSV(t, bad, []string{"统一社会信用代码"}, [][]string{{orgA}}, false)
	h.fails(4, "verify", bad)
	h.fails(5, "verify", f, "--unit", agency)
}

// Without --unit a verification is the office's own (scope office): office
// staff only (SPEC §C: clerk and above). For a registered unit it is the
// unit's, logged in the shared scope — never a viewer's look as office.
func TestVerifyScopeAndRole(t *testing.T) {
	h := scHarness(t)
	h.scSerious(nil)
	h.ok("user", "add", "bob", "--role", "clerk")
	h.ok("user", "add", "carol", "--role", "viewer")
	f := filepath.Join(h.dir, "核查.csv")
	writeCSV(t, f, []string{"名称", "统一社会信用代码/身份证号码"}, [][]string{{"甲公司", orgA}, {"张四", personID}}, false)
	if r := h.as("carol").fails(5, "verify", f); !strings.Contains(r.Err, "clerk") {
		t.Errorf("viewer without a unit: %s", r.Err)
	}
	h.as("guest").fails(5, "verify", f, "--unit", scUnit) // no role at all
	if n := h.scCount("SELECT count(*) FROM query_log WHERE action = 'verify'"); n != 0 {
		t.Fatalf("a refused verification logged %d queries", n)
	}
	h.as("carol").ok("verify", f, "--unit", scUnit)
	h.as("bob").ok("verify", f)
	for _, c := range []struct {
		who, scope, unit string
		want             int
	}{{"carol", "shared", scUnit, 2}, {"carol", "office", "", 0}, {"bob", "office", "", 2}} {
		if n := h.scCount("SELECT count(*) FROM query_log WHERE action = 'verify' AND operator = ? AND scope = ? AND unit = ?", c.who, c.scope, c.unit); n != c.want {
			t.Errorf("%s in scope %s: %d verify queries, want %d", c.who, c.scope, n, c.want)
		}
	}
}
