package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// Rejected rows are the provider's cells as typed, persons' names and ID
// numbers included: only office staff (clerk and above) read them. The
// batch list and its counts stay open to viewers.
func TestBatchRejectsNeedClerk(t *testing.T) {
	h := importHarness(t)
	h.ok("user", "add", "bob", "--role", "clerk")
	h.ok("user", "add", "vic", "--role", "viewer")
	f := filepath.Join(h.dir, "xzcf.csv")
	person := xzcfRow(map[string]string{"行政相对人名称": "王伟", "行政相对人类别": "自然人", "行政相对人代码_1（统一社会信用代码）": "",
		"法定代表人": "", "法定代表人证件类型": "", "法定代表人证件号码": "", "证件类型": "身份证", "证件号码": "320602197506150034",
		"行政处罚决定书文号": "通市监罚〔2025〕9号"}) // a wrong check digit: rejected, cells kept
	writeCSV(t, f, xzcfHeader, [][]string{xzcfRow(nil), person}, false)
	h.fails(3, "import", f, "--provider", provider, "--item", "XZCF")
	vic := h.as("vic")
	for _, args := range [][]string{
		{"batch", "rejects", "1"},
		{"batch", "rejects", "1", "--format", "json"},
		{"batch", "rejects", "1", "-o", filepath.Join(h.dir, "rejects.csv")},
	} {
		if r := vic.fails(5, args...); !strings.Contains(r.Err, "clerk") || strings.Contains(r.Out, "王伟") {
			t.Errorf("viewer %v: %s %s", args, r.Out, r.Err)
		}
	}
	h.as("guest").fails(5, "batch", "rejects", "1")
	if out := h.as("bob").ok("batch", "rejects", "1", "--format", "json").Out; !strings.Contains(out, "王伟") || !strings.Contains(out, "320602197506150034") {
		t.Errorf("clerk does not see the rejected row:\n%s", out)
	}
	// The list and the counts hold no cells: viewers read them.
	vic.ok("batch", "list")
	if out := vic.ok("batch", "show", "1").Out; strings.Contains(out, "王伟") {
		t.Errorf("batch show holds a rejected cell:\n%s", out)
	}
}
