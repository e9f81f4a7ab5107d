package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// xzcfKey is the column of a duplicate_in_file: the item's key fields.
const xzcfKey = "处罚机关统一社会信用代码+行政处罚决定书文号+行政相对人代码_1（统一社会信用代码）+证件号码"

type importRejects struct {
	Accepted int `json:"accepted"`
	Rejected int `json:"rejected"`
	Rejects  []struct {
		Row     int    `json:"row"`
		Fields  string `json:"fields"`
		Reasons string `json:"reasons"`
		Message string `json:"message"`
	} `json:"rejects"`
}

// --dry-run and the import say the same of each rejected row (issue 19): a
// later row with a key met before names that row; a row naming a code
// otherwise than the archive (or than the file's first row) is
// subject_mismatch, in the name's column, and nothing else.
func TestImportDryRunSameMessages(t *testing.T) {
	h := importHarness(t)
	// On file: 甲公司 (orgA).
	h.scImport("XZCF", xzcfHeader, xzcfRow(map[string]string{"行政处罚决定书文号": "T0"}))
	f := filepath.Join(h.dir, "next.csv")
	writeCSV(t, f, xzcfHeader, [][]string{
		xzcfRow(map[string]string{"行政处罚决定书文号": "T1"}),                                                 // row 2: new
		xzcfRow(map[string]string{"行政处罚决定书文号": "T2", "行政相对人名称": "甲公司改名"}),                             // row 3: mismatch with the archive
		xzcfRow(map[string]string{"行政处罚决定书文号": "T1"}),                                                 // row 4: duplicate of row 2
		xzcfRow(map[string]string{"行政处罚决定书文号": "T3", "行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": orgB}),  // row 5: new subject
		xzcfRow(map[string]string{"行政处罚决定书文号": "T4", "行政相对人名称": "乙公司二", "行政相对人代码_1（统一社会信用代码）": orgB}), // row 6: mismatch with row 5
		xzcfRow(map[string]string{"行政处罚决定书文号": "T3", "行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": orgB}),  // row 7: duplicate of row 5
		xzcfRow(map[string]string{"行政处罚决定书文号": "T0"}),                                                 // row 8: already stored, the same: a duplicate, not rejected
	}, false)
	run := func(extra ...string) importRejects {
		t.Helper()
		r := h.fails(3, append([]string{"import", f, "--provider", provider, "--item", "XZCF", "--format", "json"}, extra...)...)
		var res importRejects
		if err := json.Unmarshal([]byte(r.Out), &res); err != nil {
			t.Fatalf("%v: %s", err, r.Out)
		}
		return res
	}
	dry := run("--dry-run")
	real := run()
	want := []struct {
		row             int
		field, reason   string
		messageContains string
	}{
		{3, "行政相对人名称", "subject_mismatch", "行政相对人名称：名称“甲公司改名”与该代码已建档主体的名称不一致"},
		{4, xzcfKey, "duplicate_in_file", "与本文件第 2 行重复"},
		{6, "行政相对人名称", "subject_mismatch", "名称“乙公司二”与该代码已建档主体的名称不一致"},
		{7, xzcfKey, "duplicate_in_file", "与本文件第 5 行重复"},
	}
	for name, res := range map[string]importRejects{"--dry-run": dry, "import": real} {
		if res.Accepted != 2 || res.Rejected != len(want) || len(res.Rejects) != len(want) {
			t.Fatalf("%s: %+v", name, res)
		}
		for i, w := range want {
			g := res.Rejects[i]
			if g.Row != w.row || g.Fields != w.field || g.Reasons != w.reason || !strings.Contains(g.Message, w.messageContains) {
				t.Errorf("%s row %d: %+v, want %+v", name, w.row, g, w)
			}
		}
	}
	for i := range dry.Rejects {
		if dry.Rejects[i] != real.Rejects[i] {
			t.Errorf("row %d: dry run %+v, import %+v", dry.Rejects[i].Row, dry.Rejects[i], real.Rejects[i])
		}
	}
}
