package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

type scEntry struct {
	ID          string `json:"id"`
	Source      string `json:"source"`
	List        string `json:"list"`
	ListName    string `json:"list_name"`
	Item        string `json:"item"`
	SubjectCode string `json:"subject_code"`
	SubjectName string `json:"subject_name"`
	Determined  string `json:"determined"`
	ValidUntil  string `json:"valid_until"`
	Reported    string `json:"reported"`
	ReportDue   string `json:"report_due"`
	Late        bool   `json:"late"`
	DaysLate    int    `json:"days_late"`
	State       string `json:"state"`
	Status      string `json:"status"`
	Counts      bool   `json:"counts"`
	RemovedOn   string `json:"removed_on"`
	Ground      string `json:"removal_ground"`
	Ref         string `json:"removal_ref"`
}

func (h *harness) scEntry(args ...string) scEntry {
	h.t.Helper()
	r := h.ok(append(args, "--format", "json")...)
	var e scEntry
	if err := json.Unmarshal([]byte(r.Out), &e); err != nil {
		h.t.Fatal(err, r.Out)
	}
	return e
}

func scAddArgs(subject, list, determined string, extra ...string) []string {
	return append([]string{"roster", "add", "--subject", subject, "--list", list, "--name", "重大税收违法失信主体名单", "--unit", provider,
		"--basis", "《重大税收违法失信主体信息公布管理办法》", "--determined", determined}, extra...)
}

// 第十七条: determinations are reported by the end of the following month;
// a later report is late, counted in calendar days after that day.
func TestRosterLateFlag(t *testing.T) {
	h := scHarness(t)
	cases := []struct {
		determined, reported, due string
		late                      bool
		days                      int
	}{
		{"2025-10-15", "2025-11-30", "2025-11-30", false, 0}, // the last day of the next month
		{"2025-10-15", "2025-12-01", "2025-11-30", true, 1},
		{"2025-10-31", "2025-12-01", "2025-11-30", true, 1},
		{"2025-11-03", "2025-12-01", "2025-12-31", false, 0},
		{"2024-01-31", "2024-02-29", "2024-02-29", false, 0}, // leap year: February's last day
		{"2024-01-31", "2024-03-01", "2024-02-29", true, 1},
	}
	for _, c := range cases {
		e := h.scEntry(scAddArgs(orgB, "black", c.determined, "--reported", c.reported)...)
		if e.ReportDue != c.due || e.Late != c.late || e.DaysLate != c.days || e.Reported != c.reported {
			t.Errorf("determined %s reported %s: due %s late %v (%d days), want due %s late %v (%d)", c.determined, c.reported,
				e.ReportDue, e.Late, e.DaysLate, c.due, c.late, c.days)
		}
	}
	// An imported entry is reported on its batch's date.
	h.scImport("HEIMD", scHeimdHeader, scBlackRow(nil))
	e := h.scEntry("roster", "show", "R1")
	if e.Source != "import" || e.Reported != "2025-12-01" || e.ReportDue != "2025-07-31" || !e.Late || e.DaysLate != 123 || e.Status != "valid" {
		t.Fatalf("imported entry: %+v", e)
	}
}

// A hand-made entry is pending until a reviewer approves it, and counts
// nowhere meanwhile; removal stops it counting from its date.
func TestRosterManualWorkflow(t *testing.T) {
	h := scHarness(t)
	h.ok("user", "add", "carl", "--role", "clerk")
	h.ok("user", "add", "rita", "--role", "reviewer")

	e := h.as("carl").scEntry(scAddArgs(orgB, "black", "2025-11-03", "--subject-name", "乙公司")...)
	if e.ID != "M1" || e.Source != "manual" || e.State != "pending" || e.Status != "pending" || e.Counts || e.Item != "HEIMD" {
		t.Fatalf("added: %+v", e)
	}
	// No --valid-until: the black list item's 3 years (第三十条) from the determination.
	if e.ValidUntil != "2028-11-03" {
		t.Fatalf("valid until %s, want 2028-11-03", e.ValidUntil)
	}
	// Pending: no hit, no measure, no case.
	if c := h.scCheck(orgB, "--matter", "政府采购"); c.Hits != 0 {
		t.Fatalf("pending entry hit: %+v", c)
	}
	h.fails(5, "case", "record", "--subject", orgB, "--measure", "CJ01", "--unit", scUnit, "--matter", "政府采购", "--date", "2025-12-01")
	if out := h.ok("roster", "list", "--status", "valid", "--format", "json").Out; strings.TrimSpace(out) != "[]" {
		t.Fatalf("valid entries while pending: %s", out)
	}
	// Only a reviewer approves.
	h.as("carl").fails(5, "roster", "approve", "M1")
	e = h.as("rita").scEntry("roster", "approve", "M1")
	if e.State != "approved" || e.Status != "valid" || !e.Counts {
		t.Fatalf("approved: %+v", e)
	}
	h.as("rita").fails(5, "roster", "approve", "M1") // not pending any more
	c := h.scCheck(orgB, "--matter", "政府采购")
	if c.Hits != 1 || c.Results[0].ListEntries[0].ID != "M1" || measureCodes(c, 0) != "CJ01" || c.Results[0].Name != "乙公司" {
		t.Fatalf("approved entry: %+v", c)
	}
	h.ok("case", "record", "--subject", orgB, "--measure", "CJ01", "--unit", scUnit, "--matter", "政府采购", "--date", "2025-12-01")

	// Removal from 2025-12-01: it no longer counts that day. 第三十六条 (issue
	// 15): only on a listed ground with the document — a reason alone is
	// refused, as is a ground without --ref.
	h.as("carl").fails(5, "roster", "remove", "M1", "--ground", "revoked", "--ref", "苏税稽移〔2025〕12号")
	h.as("rita").fails(2, "roster", "remove", "M1")
	if r := h.as("rita").fails(2, "roster", "remove", "M1", "--reason", "信用修复，提前移出"); !strings.Contains(r.Err, "第三十六条") {
		t.Fatalf("removal without a ground: %s", r.Err)
	}
	h.as("rita").fails(2, "roster", "remove", "M1", "--ground", "revoked")
	h.as("rita").fails(2, "roster", "remove", "M1", "--ground", "whim", "--ref", "x")
	e = h.as("rita").scEntry("roster", "remove", "M1", "--ground", "revoked", "--ref", "苏税稽移〔2025〕12号", "--reason", "认定单位移出", "--date", "2025-12-01")
	if e.RemovedOn != "2025-12-01" || e.Status != "removed" || e.Counts || e.Ground != "revoked" || e.Ref != "苏税稽移〔2025〕12号" {
		t.Fatalf("removed: %+v", e)
	}
	if c := h.scCheck(orgB, "--matter", "政府采购"); c.Hits != 0 {
		t.Fatalf("removed entry hit: %+v", c)
	}
	h.as("rita").fails(5, "roster", "remove", "M1", "--ground", "revoked", "--ref", "again")

	// A rejected entry counts nowhere either.
	h.as("carl").ok(scAddArgs(orgC, "red", "2025-11-10")...)
	e = h.as("rita").scEntry("roster", "reject", "M2")
	if e.State != "rejected" || e.Counts {
		t.Fatalf("rejected: %+v", e)
	}
	if c := h.scCheck(orgC, "--matter", "行政许可"); c.Hits != 0 {
		t.Fatalf("rejected entry hit: %+v", c)
	}

	// Imported entries need no approval.
	h.scImport("HEIMD", scHeimdHeader, scBlackRow(nil))
	h.as("rita").fails(5, "roster", "approve", "R1")
	var list []scEntry
	json.Unmarshal([]byte(h.ok("roster", "list", "--list", "black", "--format", "json").Out), &list)
	if len(list) != 2 || list[0].ID != "R1" || list[1].ID != "M1" {
		t.Fatalf("black list entries: %+v", list)
	}
	json.Unmarshal([]byte(h.ok("roster", "list", "--subject", orgA, "--format", "json").Out), &list)
	if len(list) != 1 || list[0].ID != "R1" || list[0].Status != "valid" {
		t.Fatalf("orgA's entries: %+v", list)
	}

	// Usage and rules.
	h.fails(2, "roster", "add", "--subject", orgB, "--list", "grey", "--name", "x", "--unit", provider, "--basis", "x", "--determined", "2025-11-03")
	h.fails(2, "roster", "add", "--subject", orgB, "--list", "black")
	h.fails(5, scAddArgs("91350100M000100Y4X", "black", "2025-11-03")...)
	h.fails(5, scAddArgs(orgB, "black", "2025-12-02")...) // determined after today
	h.fails(2, "roster", "show", "M99")
	h.fails(2, "roster", "show", "X1")
	if n := h.scCount("SELECT count(*) FROM audit_log WHERE action LIKE 'roster.%'"); n != 5 {
		t.Fatalf("%d roster audit entries, want 5 (add, approve, remove, add, reject)", n)
	}
}

// An imported entry whose record was withdrawn (an objection on ground
// prohibited or expired) shows only that it was withdrawn, with its ids:
// nothing the record held — list name, unit, basis, reason, dates, the
// subject's name — in show, list, table or JSON.
func TestRosterWithdrawnEntryRedacted(t *testing.T) {
	h := scHarness(t)
	h.scImport("HEIMD", scHeimdHeader, scBlackRow(nil)) // R1
	h.scImport("HMD", scHmdHeader, scRedRow(nil))       // R2
	h.ok("objection", "file", "--record", "1", "--ground", "prohibited", "--applicant", "甲公司")
	h.ok("objection", "decide", "1", "--uphold", "--reason", "含禁止归集信息")
	h.ok("objection", "withdraw", "1")
	held := []string{"市场监督管理严重违法失信名单", "提交虚假材料", "严重违法失信名单管理办法", "南通市市场监督管理局", "甲公司", "2025-06-10", "2026-06-09"}
	noneHeld := func(what, out string) {
		t.Helper()
		for _, v := range held {
			if strings.Contains(out, v) {
				t.Errorf("%s shows %q of a withdrawn record:\n%s", what, v, out)
			}
		}
	}
	var e struct {
		scEntry
		Redacted bool  `json:"redacted"`
		RecordID int64 `json:"record_id"`
		Batch    int64 `json:"batch"`
	}
	out := h.ok("roster", "show", "R1", "--format", "json").Out
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatal(err, out)
	}
	if !e.Redacted || e.ID != "R1" || e.RecordID != 1 || e.Batch != 1 || e.Status != "withdrawn" || e.Counts || e.SubjectCode != orgA ||
		e.List != "black" || e.ListName != "" || e.SubjectName != "" {
		t.Errorf("withdrawn entry = %+v", e)
	}
	noneHeld("roster show --format json", out)
	out = h.ok("roster", "show", "R1").Out
	if !strings.Contains(out, "【已撤回】") || !strings.Contains(out, "已撤销") || !strings.Contains(out, "R1") {
		t.Errorf("roster show:\n%s", out)
	}
	noneHeld("roster show", out)
	list := decode[[]scEntry](t, h.ok("roster", "list", "--status", "withdrawn", "--format", "json").Out)
	if len(list) != 1 || list[0].ID != "R1" || list[0].ListName != "" {
		t.Errorf("roster list --status withdrawn = %+v", list)
	}
	out = h.ok("roster", "list", "--list", "black").Out
	if !strings.Contains(out, "【已撤回】") {
		t.Errorf("roster list:\n%s", out)
	}
	noneHeld("roster list", out)
	noneHeld("roster list --status withdrawn", h.ok("roster", "list", "--status", "withdrawn", "--format", "csv").Out)
	// The red list entry, not withdrawn, keeps its content.
	if r2 := h.scEntry("roster", "show", "R2"); r2.ListName != "纳税信用A级纳税人名单" || r2.SubjectName != "乙公司" || r2.Status != "valid" {
		t.Errorf("R2 = %+v", r2)
	}
}
