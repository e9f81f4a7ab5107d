package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// Full-width digits and punctuation typed into number and date flags are
// read as their half-width forms (issue 19: `--limit １０`, dates
// ２０２５－１１－２８); free text such as an applicant's name is kept as typed.
func TestFullWidthFlagValues(t *testing.T) {
	h := importHarness(t) // CREDIT_TODAY 2025-12-01
	h.scImport("XZCF", xzcfHeader, xzcfRow(nil))
	h.ok("objection", "file", "--record", "１", "--ground", "wrong", "--applicant", "张三１２",
		"--received", "２０２５－１１－２８", "--today", "２０２５－１２－０１")
	var o struct {
		Record     int64  `json:"record"`
		ReceivedOn string `json:"received_on"`
		Applicant  string `json:"applicant"`
	}
	if err := json.Unmarshal([]byte(h.ok("objection", "show", "１", "--format", "json").Out), &o); err != nil {
		t.Fatal(err)
	}
	if o.Record != 1 || o.ReceivedOn != "2025-11-28" || o.Applicant != "张三１２" {
		t.Fatalf("objection as stored: %+v", o)
	}
	// --limit １ gives one audit entry, as --limit 1 does.
	var full, half []json.RawMessage
	json.Unmarshal([]byte(h.ok("audit", "log", "--limit", "１", "--format", "json").Out), &full)
	json.Unmarshal([]byte(h.ok("audit", "log", "--limit", "1", "--format", "json").Out), &half)
	if len(full) != 1 || string(full[0]) != string(half[0]) {
		t.Fatalf("--limit １: %d entries %s, --limit 1: %s", len(full), full, half)
	}
	// A month, and the --x=value spelling.
	if r := h.run("report", "sanctions", "--month=２０２５－１１", "--format", "json"); r.Code != 0 {
		t.Fatalf("--month=２０２５－１１: exit %d %s", r.Code, r.Err)
	}
	// Not a number after folding is still a usage error.
	if r := h.run("audit", "log", "--limit", "十"); r.Code != 2 || !strings.Contains(r.Err, "十") {
		t.Fatalf("--limit 十: exit %d %s", r.Code, r.Err)
	}
}
