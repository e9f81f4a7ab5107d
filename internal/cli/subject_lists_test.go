package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type archListsShow struct {
	Records []struct {
		ID int64 `json:"id"`
	} `json:"records"`
	RosterEntries []struct {
		ID         string `json:"id"`
		List       string `json:"list"`
		Source     string `json:"source"`
		ListName   string `json:"list_name"`
		Item       string `json:"item"`
		Unit       string `json:"unit"`
		Basis      string `json:"basis"`
		Determined string `json:"determined"`
		ValidUntil string `json:"valid_until"`
		RecordID   int64  `json:"record_id"`
	} `json:"roster_entries"`
	OpenCases *[]struct {
		Kind       string  `json:"kind"`
		ID         int64   `json:"id"`
		Record     int64   `json:"record"`
		State      string  `json:"state"`
		StateLabel string  `json:"state_label"`
		Due        *string `json:"due"`
		Deadline   string  `json:"deadline"`
		DaysLeft   *int    `json:"days_left"`
		Status     string  `json:"status"`
	} `json:"open_cases"`
}

func (a archListsShow) entryIDs() string {
	var ids []string
	for _, e := range a.RosterEntries {
		ids = append(ids, e.ID)
	}
	return strings.Join(ids, ",")
}

// The archive shows the subject's list entries that count (in every scope
// that sees the list's item) and, to office staff, the objections and
// repairs being worked on its records (issue 5 point 1).
func TestSubjectShowListEntriesAndOpenCases(t *testing.T) {
	h := scHarness(t) // today 2025-12-01
	h.ok("user", "add", "bob", "--role", "clerk")
	h.ok("user", "add", "carol", "--role", "reviewer")
	bob, carol := h.as("bob"), h.as("carol")
	// Record 1: 甲公司's black list entry R1 (2025-06-10 → 2026-06-09); 乙公司 red, record 2.
	h.scImport("HEIMD", scHeimdHeader, scBlackRow(nil))
	h.scImport("HMD", scHmdHeader, scRedRow(nil))
	// Records 3 (general, 2025-06-10) and 4 (serious, 2024-03-01, another kind) of 甲公司.
	h.scImport("XZCF", archExtraHeader,
		archRow(nil, "", ""),
		archRow(map[string]string{"行政处罚决定书文号": "通市监罚〔2024〕9号", "违法行为类型": "无证经营", "处罚决定日期": "2024-03-01",
			"处罚有效期": "2099-12-31"}, "严重", ""))
	// Hand-made entries: M1 approved, M2 left pending, M3 approved then removed.
	add := func(name, determined string) {
		bob.ok("roster", "add", "--subject", orgA, "--list", "black", "--name", name, "--unit", agency, "--basis", "《某办法》第九条",
			"--determined", determined)
	}
	add("手工名单一", "2025-11-01")
	add("手工名单二", "2025-11-02")
	add("手工名单三", "2025-11-03")
	carol.ok("roster", "approve", "M1")
	carol.ok("roster", "approve", "M3")
	carol.ok("roster", "remove", "M3", "--ground", "revoked", "--ref", "某局移〔2025〕1号", "--reason", "认定单位移出")
	// An objection decided (finished), one open; a repair applied.
	bob.ok("objection", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司")
	carol.ok("objection", "decide", "1", "--reject", "--reason", "信息无误")
	bob.ok("objection", "file", "--record", "3", "--ground", "wrong", "--applicant", "甲公司")
	bob.ok("repair", "apply", "--record", "4", "--corrected-on", "2024-06-01", "--commitment", "CN-1")

	// Public scope: the entries that count, no casework.
	pub := decode[archListsShow](t, h.ok("subject", "show", orgA, "--format", "json").Out)
	if pub.entryIDs() != "R1,M1" || pub.OpenCases != nil {
		t.Fatalf("public: entries %s, open cases %v", pub.entryIDs(), pub.OpenCases)
	}
	e := pub.RosterEntries[0]
	if e.List != "black" || e.Source != "import" || e.Item != "HEIMD" || e.ListName != "市场监督管理严重违法失信名单" || e.Unit != agency ||
		e.Determined != "2025-06-10" || e.ValidUntil != "2026-06-09" || e.RecordID != 1 {
		t.Fatalf("public entry R1: %+v", e)
	}
	if m := pub.RosterEntries[1]; m.Source != "manual" || m.ListName != "手工名单一" || m.Item != "HEIMD" || m.ValidUntil != "2028-11-01" {
		t.Fatalf("public entry M1: %+v", m)
	}

	// Office scope: the open objection and repair with their deadlines.
	// Objection 2 received 2025-12-01: review due on the 10th working day,
	// 12-02…12-05, 12-08…12-12, 12-15. Repair 1: opinion due 12-02…12-05, 12-08.
	off := decode[archListsShow](t, bob.ok("subject", "show", orgA, "--scope", "office", "--format", "json").Out)
	if off.entryIDs() != "R1,M1" || off.OpenCases == nil || len(*off.OpenCases) != 2 {
		t.Fatalf("office: entries %s, open cases %+v", off.entryIDs(), off.OpenCases)
	}
	o, p := (*off.OpenCases)[0], (*off.OpenCases)[1]
	if o.Kind != "objection" || o.ID != 2 || o.Record != 3 || o.State != "received" || o.Due == nil || *o.Due != "2025-12-15" ||
		o.Deadline != "review" || o.DaysLeft == nil || *o.DaysLeft != 10 || o.Status != "ok" {
		t.Fatalf("open objection: %+v", o)
	}
	if p.Kind != "repair" || p.ID != 1 || p.Record != 4 || p.State != "applied" || p.Due == nil || *p.Due != "2025-12-08" ||
		p.Deadline != "opinion" || *p.DaysLeft != 5 || p.Status != "ok" {
		t.Fatalf("open repair: %+v", p)
	}
	// An office look at a subject with nothing open still says so ([] in JSON).
	if other := decode[archListsShow](t, bob.ok("subject", "show", orgB, "--scope", "office", "--format", "json").Out); other.OpenCases == nil ||
		len(*other.OpenCases) != 0 || other.entryIDs() != "R2" {
		t.Fatalf("乙公司 office: %+v", other)
	}
	// The table (on a terminal, with titles) has both sections.
	term := *bob
	term.tty = true
	out := term.ok("subject", "show", orgA, "--scope", "office").Out
	for _, want := range []string{"红黑名单（2）", "市场监督管理严重违法失信名单", "手工名单一", "办理中的异议和信用修复（2）", "审核期限 2025-12-15", "修复意见期限 2025-12-08"} {
		if !strings.Contains(out, want) {
			t.Errorf("office table lacks %q:\n%s", want, out)
		}
	}
	term.login = "alice"
	if out := term.ok("subject", "show", orgA).Out; !strings.Contains(out, "红黑名单（2）") || strings.Contains(out, "办理中的异议") {
		t.Errorf("public table:\n%s", out)
	}

	// On a later date the entries that no longer count are gone: R1 after its
	// valid-until.
	later := decode[archListsShow](t, h.ok("subject", "show", orgA, "--as-of", "2026-06-10", "--format", "json").Out)
	if later.entryIDs() != "M1" {
		t.Fatalf("as of 2026-06-10: %s", later.entryIDs())
	}

	// The report carries them too.
	md := filepath.Join(h.dir, "office.md")
	bob.ok("subject", "report", orgA, "--scope", "office", "-o", md)
	pubHTML := filepath.Join(h.dir, "public.html")
	h.ok("subject", "report", orgA, "-o", pubHTML)
	b, _ := os.ReadFile(md)
	for _, want := range []string{"## 红黑名单（2）", "| R1 | 黑名单 | 市场监督管理严重违法失信名单 |", "## 办理中的异议和信用修复（2）", "| 异议 | 2 | 3 XZCF | 已受理 | 审核期限 2025-12-15 |"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("office report lacks %q:\n%s", want, b)
		}
	}
	b, _ = os.ReadFile(pubHTML)
	if !strings.Contains(string(b), "<h2>红黑名单（2）</h2>") || !strings.Contains(string(b), "<td>手工名单一</td>") || strings.Contains(string(b), "办理中的异议") {
		t.Errorf("public report:\n%s", b)
	}
}

// A list entry is shown as its list item is disclosed: with a catalog in
// which the red list is a shared item, the public does not see 乙公司's
// entry; a unit registered for HMD does.
func TestSubjectShowListEntriesFollowDisclosure(t *testing.T) {
	h := scHarness(t)
	h.scImport("HMD", scHmdHeader, scRedRow(nil))
	h.ok("catalog", "apply", h.writeFile("v2.yaml", defaultYAML(t,
		`version: "2026.12"`, `version: "2025.1"`,
		"effective: 2018-01-01", "effective: 2025-01-01",
		"    roster: red\n    subjects: [organisation, unincorporated, individual_business, natural_person]\n    disclosure: public",
		"    roster: red\n    subjects: [organisation, unincorporated, individual_business, natural_person]\n    disclosure: shared")))
	h.ok("unit", "add", orgA, "--name", "南通市发展和改革委员会", "--items", "HMD")
	if got := decode[archListsShow](t, h.ok("subject", "show", orgB, "--format", "json").Out).entryIDs(); got != "" {
		t.Fatalf("public sees the shared red list entry: %s", got)
	}
	if got := decode[archListsShow](t, h.ok("subject", "show", orgB, "--scope", "shared", "--unit", scUnit, "--format", "json").Out).entryIDs(); got != "" {
		t.Fatalf("a unit not registered for HMD sees the entry: %s", got)
	}
	if got := decode[archListsShow](t, h.ok("subject", "show", orgB, "--scope", "shared", "--unit", orgA, "--format", "json").Out).entryIDs(); got != "R1" {
		t.Fatalf("the unit registered for HMD: %s", got)
	}
}
