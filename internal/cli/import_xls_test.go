package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportXLS imports the clean legacy workbook SheetJS wrote
// (scripts/xls-samples/make.js: today's 行政处罚 layout, header in row 1, two
// rows with real date cells) and finds both records stored as written.
func TestImportXLS(t *testing.T) {
	h := importHarness(t)
	file := filepath.Join("..", "xls", "testdata", "xzcf_clean.xls")
	r := h.ok("import", file, "--provider", provider, "--item", "XZCF", "--format", "json")
	var res map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(r.Out)), &res); err != nil {
		t.Fatalf("json: %v\n%s", err, r.Out)
	}
	if res["rows"] != 2.0 || res["accepted"] != 2.0 || res["rejected"] != 0.0 {
		t.Fatalf("counts = %v", res)
	}
	// 甲公司: the date cell 45818 is stored as 2025-06-10, 处罚有效期 46183 as 2026-06-10.
	out := h.ok("subject", "show", orgA, "--format", "json").Out
	for _, want := range []string{"通市监罚〔2025〕1号", "2025-06-10", "2026-06-10", "甲公司"} {
		if !strings.Contains(out, want) {
			t.Errorf("subject %s lacks %q:\n%s", orgA, want, out)
		}
	}
	out = h.ok("subject", "show", orgB, "--format", "json").Out
	for _, want := range []string{"通市监罚〔2025〕2号", "乙公司", "0.5"} {
		if !strings.Contains(out, want) {
			t.Errorf("subject %s lacks %q:\n%s", orgB, want, out)
		}
	}
	// An encrypted or broken .xls is refused whole (exit 4), in Chinese.
	bad := filepath.Join(h.dir, "坏.xls")
	if err := os.WriteFile(bad, []byte("<html><body>导出失败</body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = h.fails(4, "import", bad, "--provider", provider, "--item", "XZCF")
	if !strings.Contains(r.Err, "不是 Excel 工作簿") {
		t.Errorf("refusal: %s", r.Err)
	}
}
