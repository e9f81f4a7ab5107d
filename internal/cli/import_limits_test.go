package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// limitsHarness applies a catalog whose policy sets small import limits.
func limitsHarness(t *testing.T) *harness {
	t.Helper()
	h := importHarness(t)
	h.ok("catalog", "apply", h.writeFile("limits.yaml", defaultYAML(t, `version: "2026.12"`, `version: "2025.9"`,
		"effective: 2018-01-01", "effective: 2025-01-01",
		"    cell_size: 64KiB\n", "    cell_size: 200\n", "    columns: 512\n", "    columns: 40\n",
		"    rows: 5000000\n", "    rows: 5\n", "    rejects: 10000 ", "    rejects: 2 ")))
	return h
}

// numbered is n good rows with distinct 文号.
func numbered(n int, set map[string]string) [][]string {
	var rows [][]string
	for i := 1; i <= n; i++ {
		m := map[string]string{"行政处罚决定书文号": fmt.Sprintf("通市监罚〔2025〕%d号", 100+i)}
		for k, v := range set {
			m[k] = v
		}
		rows = append(rows, xzcfRow(m))
	}
	return rows
}

// TestImportLimitsRefuseWhole: past any limit of the policy the file is
// refused whole (exit 4), the message names the limit and its value, the
// JSON says 0 accepted, no batch is published, no temporary file is left
// (issue 16, SPEC amendment of 2026-12 on exit 4).
func TestImportLimitsRefuseWhole(t *testing.T) {
	h := limitsHarness(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	bad := map[string]string{"处罚类别": "训诫"} // enum: rejected
	for _, tc := range []struct {
		name   string
		rows   [][]string
		reason string
		want   string
	}{
		{"rows", numbered(6, nil), "too_many_rows", "超过行数上限 5 行"},
		// Two rejects are kept; the third refuses the file, although rows
		// had been read and staged.
		{"rejects", append(numbered(2, nil), numbered(3, bad)[0:3]...), "too_many_rejects", "错误过多：请修正文件后重新报送"},
		{"cell", numbered(1, map[string]string{"违法事实": strings.Repeat("事", 70)}), "cell_too_large", "单元格上限 200 字节"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := filepath.Join(h.dir, tc.name+".csv")
			writeCSV(t, f, xzcfHeader, tc.rows, false)
			r := h.fails(4, "import", f, "--provider", provider, "--item", "XZCF", "--format", "json")
			if !strings.Contains(r.Err, tc.want) {
				t.Errorf("stderr %q lacks %q", r.Err, tc.want)
			}
			var res struct {
				Refused  string `json:"refused"`
				Accepted int    `json:"accepted"`
				Revised  int    `json:"revised"`
				Message  string `json:"message"`
			}
			if err := json.Unmarshal([]byte(r.Out), &res); err != nil {
				t.Fatalf("%v: %s", err, r.Out)
			}
			if res.Refused != tc.reason || res.Accepted != 0 || res.Revised != 0 || !strings.Contains(res.Message, tc.want) {
				t.Errorf("JSON %+v", res)
			}
		})
	}
	if out := h.ok("batch", "list", "--format", "json").Out; strings.Contains(out, "published") {
		t.Errorf("a refused file was published: %s", out)
	}
	if r := h.ok("subject", "show", orgA, "--scope", "office", "--format", "json"); strings.Contains(r.Out, "通市监罚") {
		t.Errorf("a refused file's records are visible: %s", r.Out)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// Within the limits the same kind of file is taken.
	f := filepath.Join(h.dir, "ok.csv")
	writeCSV(t, f, xzcfHeader, numbered(5, nil), false)
	h.ok("import", f, "--provider", provider, "--item", "XZCF")
}

// TestImportRowProblemsByRow: NUL and control characters, text beyond the
// header and a row in another encoding reject that row, with its number, and
// the others are stored (issue 16).
func TestImportRowProblemsByRow(t *testing.T) {
	h := importHarness(t)
	rows := numbered(4, nil)
	rows[1][15] = "发布\x00虚假广告"        // row 3: NUL in 违法事实
	rows[2] = append(rows[2], "多出来的") // row 4: a cell beyond the header
	var b strings.Builder
	for i, r := range append([][]string{xzcfHeader}, rows...) {
		if i == 4 {
			r = append([]string{}, r...)
			r[15] = "\xb7\xa2\xb2\xbc" // row 5: 发布 in GBK inside a UTF-8 file
		}
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	f := h.writeFile("rows.csv", b.String())
	out := filepath.Join(h.dir, "rejects.csv")
	r := h.fails(3, "import", f, "--provider", provider, "--item", "XZCF", "--encoding", "utf-8", "--rejects", out, "--format", "json")
	var res struct {
		Accepted int            `json:"accepted"`
		Reasons  map[string]int `json:"reasons"`
		Rejects  []struct {
			Row     int    `json:"row"`
			Fields  string `json:"fields"`
			Reasons string `json:"reasons"`
		} `json:"rejects"`
	}
	if err := json.Unmarshal([]byte(r.Out), &res); err != nil {
		t.Fatalf("%v: %s", err, r.Out)
	}
	want := []string{"3 违法事实 control_character", "4 第 31 列 extra_cells", "5 违法事实 encoding"}
	var got []string
	for _, x := range res.Rejects {
		got = append(got, fmt.Sprintf("%d %s %s", x.Row, x.Fields, x.Reasons))
	}
	if res.Accepted != 1 || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("accepted %d, rejects %v; want 1, %v", res.Accepted, got, want)
	}
	if recs := readRejects(t, out); len(recs) != 4 {
		t.Errorf("reject report has %d lines, want header + 3", len(recs))
	}
}
