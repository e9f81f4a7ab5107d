package tui_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"credit/internal/cli"
	"credit/internal/objection"
	"credit/internal/queue"
	"credit/internal/repair"
	"credit/internal/tui"
)

// act opens the step menu of case id in the queue behind tab (3 or 4) and
// picks command: the menu offers the steps the engine allows now, in the
// order `credit NOUN show` lists its allowed next steps (state is what the
// case is expected to be in, checked against the command line).
func (d *driver) act(tab string, id int, mc *queue.Machine, state queue.State, command string) *driver {
	d.t.Helper()
	var v struct {
		State string `json:"state"`
		Next  []struct {
			Command string `json:"command"`
			Allowed bool   `json:"allowed"`
		} `json:"next"`
	}
	out := credit(d.t, d.db, 0, mc.Queue, "show", fmt.Sprint(id), "--format", "json", "--today", today, "--as", d.login)
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		d.t.Fatal(err)
	}
	if v.State != string(state) {
		d.t.Fatalf("%s %d is %s, not %s", mc.Queue, id, v.State, state)
	}
	d.keys(tab, "/", fmt.Sprintf("#%d", id), "enter", "a")
	n := 0
	for _, a := range v.Next {
		if !a.Allowed {
			continue
		}
		if a.Command == command {
			for range n {
				d.keys("j")
			}
			return d.keys("enter")
		}
		n++
	}
	d.t.Fatalf("%s is not allowed on %s %d now: %s", command, mc.Queue, id, out)
	return d
}

// state reads a case's state through the command line (--format json).
func state(t *testing.T, db, noun string, id int) string {
	t.Helper()
	var v struct {
		State string `json:"state"`
	}
	if err := json.Unmarshal([]byte(credit(t, db, 0, noun, "show", fmt.Sprint(id), "--format", "json", "--today", today)), &v); err != nil {
		t.Fatal(err)
	}
	return v.State
}

// File an objection from the 异议 view: the form checks what the command
// line checks, the confirmation shows the review deadline, the queue shows
// the new case, and the command line sees it.
func TestFileObjection(t *testing.T) {
	db := fixture(t)
	d := newDriver(t, db, 100, 30)
	d.keys("3", "n").golden("objection_file_form")
	d.keys("enter").golden("objection_file_invalid")
	d.keys("12", "enter", "j", "enter", "海安家纺有限公司", "enter", "0513-85000000", "enter", "行政处罚决定书", "enter", "罚款金额有误", "enter", "enter")
	d.golden("objection_file_filled")
	d.keys("enter").golden("objection_file_confirm")
	d.keys("y").golden("objection_file_done")
	if s := state(t, db, "objection", 8); s != "received" {
		t.Fatalf("objection 8 is %s", s)
	}
	// Cancelling leaves nothing behind.
	d.keys("n", "13").keys("esc").contains("已取消，未作任何改动")
	d.keys("n", "12", "enter", "enter", "x", "enter", "enter", "enter", "enter", "enter", "enter", "n").contains("已取消，未作任何改动")
	if out := credit(t, db, 0, "objection", "list", "--format", "json", "--today", today); strings.Count(out, `"id"`) != 8 {
		t.Fatalf("a cancelled form filed an objection:\n%s", out)
	}
}

// Every step of the objection workflow from the 异议 view.
func TestObjectionSteps(t *testing.T) {
	mc := objection.Machine
	cases := []struct {
		name    string
		id      int
		from    queue.State
		command string
		fill    []string
		want    string // the state after
	}{
		{"forward", 2, objection.Received, "forward", []string{"市监函〔2025〕8号", "enter"}, "forwarded"},
		{"verify", 4, objection.Forwarded, "verify", []string{"enter", "市监局复函：金额有误", "enter"}, "verified"},
		{"decide", 3, objection.Received, "decide", []string{"enter", "超期使用的信息", "enter"}, "upheld"},
		{"decide_reject", 1, objection.Received, "decide", []string{"j", "enter", "经核实信息无误", "enter"}, "rejected"},
		{"close", 5, objection.Rejected, "close", []string{"enter"}, "closed"},
		{"appeal", 5, objection.Rejected, "appeal", []string{"主体不服驳回决定", "enter"}, "appealed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := fixture(t)
			d := newDriver(t, db, 100, 30)
			d.act("3", c.id, mc, c.from, c.command).golden("objection_" + c.name + "_form")
			d.keys(c.fill...).golden("objection_" + c.name + "_confirm")
			d.keys("y").golden("objection_" + c.name + "_done")
			if s := state(t, db, "objection", c.id); s != c.want {
				t.Fatalf("objection %d is %s, want %s", c.id, s, c.want)
			}
		})
	}
	t.Run("appeal_decide", func(t *testing.T) {
		db := fixture(t)
		d := newDriver(t, db, 100, 30)
		d.act("3", 5, mc, objection.Rejected, "appeal").keys("主体不服", "enter", "y")
		d.keys("esc", "esc").act("3", 5, mc, objection.Appealed, "appeal-decide").golden("objection_appeal_decide_form")
		d.keys("enter", "市发改委复函：申诉成立", "enter").golden("objection_appeal_decide_confirm")
		d.keys("y").golden("objection_appeal_decide_done")
		if s := state(t, db, "objection", 5); s != "upheld" {
			t.Fatalf("objection 5 is %s", s)
		}
	})
}

// A clerk is offered the steps a clerk may take now; the reviewer's step is
// listed dimmed under them with the role it needs, never offered and then
// refused (issue 21: the menu is the engine's "allowed now").
func TestClerkCannotDecide(t *testing.T) {
	db := fixture(t)
	d := newDriverAs(t, db, "bob", 100, 30)
	d.keys("3", "/", "#3", "enter", "a").golden("objection_menu_clerk")
	d.contains("> 转交核实", "现在不能办理：", "· 审核决定：操作员 bob（经办）无权执行此操作：需要 reviewer（审核）角色")
	// j cannot reach the dimmed step: the only choice is the clerk's.
	d.keys("j", "enter").contains("异议 3 · 转交核实")
	if s := state(t, db, "objection", 3); s != "received" {
		t.Fatalf("objection 3 is %s", s)
	}
}

// An upheld objection on ground wrong may be corrected, not withdrawn: the
// menu offers 更正 and shows 撤除信息 dimmed with the guard's refusal and
// its article (第三十一条) — the clerk trial's "offered, then refused".
func TestMenuDimsGuardedSteps(t *testing.T) {
	db := fixture(t)
	d := newDriver(t, db, 100, 30)
	d.keys("3", "/", "#6", "enter", "a").golden("objection_menu_upheld_wrong")
	d.contains("> 更正", "· 撤除信息：异议 6 的理由是“与事实不符、存在记载错误或遗漏”，应办理“更正”", "（依据：第三十一条）", "· 办结：异议 6 已成立，记录尚未更正或撤除，不能办结")
	if strings.Contains(d.screen(), "> 撤除信息") || strings.Contains(d.screen(), "  撤除信息\n") {
		t.Fatal("withdraw is offered on an objection on ground wrong")
	}
	// The refusal names the steps by their names, not by the command
	// line's verbs (issue 19): “更正”或“撤除信息”, not “更正”（correct）.
	d.contains("请办理“更正”或“撤除信息”")
	if s := d.screen(); strings.Contains(s, "（correct）") || strings.Contains(s, "（with") {
		t.Fatalf("the refusal names the command line's verbs:\n%s", s)
	}

	// A repair in publicity before its last day: 完成修复 is dimmed with the
	// publicity's end (第三十五条), the objection to the publicity offered.
	credit(t, db, 0, "repair", "opinion", "2", "--approve", "--text", "同意", "--today", today)
	credit(t, db, 0, "repair", "publicize", "2", "--today", today)
	d = newDriver(t, db, 100, 30)
	d.keys("4", "/", "#2", "enter", "a").golden("repair_menu_in_publicity")
	d.contains("· 完成修复：")
}

// Every step of the repair workflow from the 修复 view.
func TestRepairSteps(t *testing.T) {
	mc := repair.Machine
	t.Run("apply", func(t *testing.T) {
		db := fixture(t)
		d := newDriver(t, db, 100, 30)
		d.keys("4", "n").golden("repair_apply_form")
		d.keys("12", "enter", "2024-06-01", "enter", "承诺书〔2025〕9号", "enter", "整改报告", "enter", "enter").golden("repair_apply_confirm")
		d.keys("y").golden("repair_apply_done")
		if s := state(t, db, "repair", 6); s != "applied" {
			t.Fatalf("repair 6 is %s", s)
		}
	})
	t.Run("apply_not_eligible", func(t *testing.T) {
		db := fixture(t)
		d := newDriver(t, db, 100, 30)
		d.keys("4", "n", "9", "enter", "2025-09-01", "enter", "enter", "enter", "enter", "y").golden("repair_apply_refused")
		if s := state(t, db, "repair", 6); s != "refused" {
			t.Fatalf("repair 6 is %s", s)
		}
	})
	// opinion → publicize → object → verify (dismissed): the publicity
	// resumes with the days that remained.
	t.Run("chain", func(t *testing.T) {
		db := fixture(t)
		d := newDriver(t, db, 100, 30)
		d.act("4", 2, mc, repair.Applied, "opinion").golden("repair_opinion_form")
		d.keys("enter", "同意修复（市监局意见书〔2025〕3号）", "enter").golden("repair_opinion_confirm")
		d.keys("y").golden("repair_opinion_done")
		d.keys("esc").act("4", 2, mc, repair.Approved, "publicize").golden("repair_publicize_form")
		d.keys("enter").golden("repair_publicize_confirm")
		d.keys("y").golden("repair_publicize_done")
		d.keys("esc").act("4", 2, mc, repair.InPublicity, "object").golden("repair_object_form")
		d.keys("举报该企业仍在发布虚假广告", "enter").golden("repair_object_confirm")
		d.keys("y").golden("repair_object_done")
		d.keys("esc").act("4", 2, mc, repair.PublicityObjected, "verify").golden("repair_verify_form")
		d.keys("enter", "经核实举报不实", "enter").golden("repair_verify_confirm")
		d.keys("y", "enter").golden("repair_verify_done")
		if s := state(t, db, "repair", 2); s != "in_publicity" {
			t.Fatalf("repair 2 is %s", s)
		}
	})
	for _, c := range []struct {
		name    string
		id      int
		from    queue.State
		command string
		fill    []string
		want    string
	}{
		{"complete", 3, repair.InPublicity, "complete", []string{"enter"}, "repaired"},
		{"withdraw", 2, repair.Applied, "withdraw", []string{"申请人撤回", "enter"}, "withdrawn"},
		{"verify_upheld", 5, repair.PublicityObjected, "verify", []string{"j", "enter", "经核实举报属实", "enter"}, "refused"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := fixture(t)
			d := newDriver(t, db, 100, 30)
			d.act("4", c.id, mc, c.from, c.command).golden("repair_" + c.name + "_form")
			d.keys(c.fill...).golden("repair_" + c.name + "_confirm")
			d.keys("y").golden("repair_" + c.name + "_done")
			if s := state(t, db, "repair", c.id); s != c.want {
				t.Fatalf("repair %d is %s, want %s", c.id, s, c.want)
			}
		})
	}
}

// From an archive record, n takes an objection on that record.
func TestObjectionFromArchive(t *testing.T) {
	db := fixture(t)
	d := newDriver(t, db, 100, 30)
	d.keys("2", "/", "通州食品", "enter", "enter", "n").golden("archive_new_menu")
	d.keys("enter").golden("archive_new_objection_form")
	// Record 2 has objection 2 open on ground wrong: the same ground is
	// refused at input, the form kept, naming the open one (office rule).
	d.keys("enter", "enter", "通州食品有限公司", "enter", "enter", "enter", "enter", "enter", "enter")
	d.golden("objection_same_ground_refused")
	d.contains("本办公室规则", "尚未办结的异议 2（已受理，收到日期 2025-11-26）", "通州食品有限公司")
	if out := credit(t, db, 0, "objection", "list", "--format", "json", "--today", today); strings.Count(out, `"id"`) != 7 {
		t.Fatalf("a refused form filed an objection:\n%s", out)
	}
	// Another ground is taken.
	d.keys("enter", "j", "enter", "enter", "enter", "enter", "enter", "enter", "enter", "y")
	d.contains("异议 8（记录 2）：已受理；审核期限 2025-12-15")
}

// A change made in the TUI is the logged-in operator's, in the audit chain.
func TestChangesAreAudited(t *testing.T) {
	db := fixture(t)
	d := newDriverAs(t, db, "bob", 100, 30)
	d.act("3", 2, objection.Machine, objection.Received, "forward").keys("enter", "y")
	d.contains("异议 2（记录 2）：已转交核实")
	var log []struct {
		Operator string `json:"operator"`
		Action   string `json:"action"`
		Object   string `json:"object"`
		Today    string `json:"today"`
	}
	if err := json.Unmarshal([]byte(credit(t, db, 0, "audit", "log", "--format", "json")), &log); err != nil {
		t.Fatal(err)
	}
	if e := log[0]; e.Operator != "bob" || e.Action != "objection.forward" || e.Object != "objection:2" || e.Today != today {
		t.Fatalf("last audit entry: %+v", e)
	}
	credit(t, db, 0, "audit", "verify")
}

// A credit check of one subject from the 名单与案例 view, then a case.
func TestCheckAndRecordCase(t *testing.T) {
	db := fixture(t)
	d := newDriver(t, db, 100, 30)
	d.keys("6", "j", "c").golden("check_form")
	d.keys("enter", "j", "enter", "enter").golden("check_result")
	d.keys("n").golden("case_form")
	d.keys("enter", "enter", "enter", "j", "enter", "enter", "取消投标资格", "enter").golden("case_confirm")
	d.keys("y").golden("case_done")
	out := credit(t, db, 0, "case", "list", "--month", "2025-12", "--format", "json")
	if !strings.Contains(out, `"measure": "CJ01"`) || !strings.Contains(out, `"recorded_by": "alice"`) {
		t.Fatalf("the case is not in the store:\n%s", out)
	}
	// A measure without grounds is refused with the service's reason.
	d.keys("n", "enter", "enter", "enter", "enter", "enter", "enter", "y").golden("case_refused")
}

// Export the monthly reports from the 报表 view: the file is where it says.
// (A wide terminal, so that the temporary folder's length, which differs
// between machines, wraps no line.)
func TestExportReports(t *testing.T) {
	db := fixture(t)
	dir := t.TempDir()
	d := newDriver(t, db, 200, 30)
	d.replace[dir], d.buttons = "<临时目录>", true
	d.keys("7", "e").golden("report_export_form")
	xlsx := filepath.Join(dir, "联合奖惩案例_202511.xlsx")
	d.keys("enter", "enter", xlsx, "enter").golden("report_export_confirm")
	d.keys("y").golden("report_export_done")
	if fi, err := os.Stat(xlsx); err != nil || fi.Size() == 0 {
		t.Fatalf("no report at %s: %v", xlsx, err)
	}
	md := filepath.Join(dir, "归集和应用情况_202511.md")
	d.keys("e", "j", "enter", "enter", md, "enter", "y")
	b, err := os.ReadFile(md)
	if err != nil || !strings.Contains(string(b), "考核灯") {
		t.Fatalf("collection report %s: %v\n%s", md, err, b)
	}
	d.golden("report_export_two")
}

// e in a batch's rejected rows writes the reject report into the current
// folder — byte for byte what `credit batch rejects N -o FILE.csv` writes —
// says where, and never overwrites a file: the second export is …-2.csv.
func TestExportRejects(t *testing.T) {
	db := fixture(t)
	t.Chdir(t.TempDir())
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, db, 200, 30)
	d.replace[wd] = "<当前目录>"
	d.keys("5", "enter", "e").golden("batch_rejects_exported")
	first := filepath.Join(wd, "拒收_批次2_20251201.csv")
	second := filepath.Join(wd, "拒收_批次2_20251201-2.csv")
	// Again from one rejected row: the first file stays as it is.
	d.keys("enter", "e").contains("已写入 <当前目录>/拒收_批次2_20251201-2.csv")
	cli := filepath.Join(wd, "cli.csv")
	credit(t, db, 0, "batch", "rejects", "2", "-o", cli, "--today", today)
	want, err := os.ReadFile(cli)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{first, second} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("no reject report at %s: %v", f, err)
		}
		if !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
			t.Fatalf("%s has no UTF-8 BOM: % x", f, b[:min(len(b), 8)])
		}
		rows, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if h := rows[0]; len(rows) != 3 || len(h) < 2 || h[len(h)-2] != "错误字段" || h[len(h)-1] != "错误原因" {
			t.Fatalf("%s: %d rows, header %q", f, len(rows), rows[0])
		}
		if !bytes.Equal(b, want) {
			t.Fatalf("%s differs from what credit batch rejects -o writes:\n%s\n---\n%s", f, b, want)
		}
	}
}

// rosterState reads a list entry's state through the command line.
func rosterState(t *testing.T, db, id string) string {
	t.Helper()
	var v struct {
		State string `json:"state"`
	}
	if err := json.Unmarshal([]byte(credit(t, db, 0, "roster", "show", id, "--format", "json", "--today", today)), &v); err != nil {
		t.Fatal(err)
	}
	return v.State
}

// A reviewer approves or rejects a pending hand-made list entry from the
// 名单与案例 view — a, 批准/驳回, a note, the confirmation — through
// roster.Decide as `credit roster approve|reject` does; the service checks
// the role (a clerk is refused) and the state.
func TestReviewListEntry(t *testing.T) {
	t.Run("approve", func(t *testing.T) {
		db := fixture(t)
		d := newDriver(t, db, 100, 30)
		d.keys("6", "G", "a").golden("roster_review_menu")
		d.keys("enter").golden("roster_review_form")
		d.keys("材料齐全，同意列入", "enter").golden("roster_review_confirm")
		d.keys("y").golden("roster_review_done")
		if s := rosterState(t, db, "M3"); s != "approved" {
			t.Fatalf("M3 is %s", s)
		}
		var log []struct{ Operator, Action, Object string }
		if err := json.Unmarshal([]byte(credit(t, db, 0, "audit", "log", "--format", "json")), &log); err != nil {
			t.Fatal(err)
		}
		if e := log[0]; e.Operator != "alice" || e.Action != "roster.approve" || e.Object != "roster:M3" {
			t.Fatalf("last audit entry: %+v", e)
		}
		// Approved, or imported, an entry has nothing left to review.
		d.keys("a").contains("当前没有可以办理的事项（当前状态：有效）", "· 移出：移出须凭认定单位的文书和法定事由，请在命令行办理：credit roster remove M3")
	})
	t.Run("reject_from_detail", func(t *testing.T) {
		db := fixture(t)
		d := newDriver(t, db, 100, 30)
		d.keys("6", "G", "enter", "a", "j", "enter", "enter").golden("roster_reject_confirm")
		d.keys("y").golden("roster_reject_done")
		if s := rosterState(t, db, "M3"); s != "rejected" {
			t.Fatalf("M3 is %s", s)
		}
	})
	t.Run("clerk_refused", func(t *testing.T) {
		db := fixture(t)
		d := newDriverAs(t, db, "bob", 100, 30)
		d.keys("6", "G", "a").golden("roster_review_menu_clerk")
		d.contains("当前没有可以办理的事项（当前状态：待审核）", "· 审核通过：操作员 bob（经办）无权执行此操作", "· 审核驳回：操作员 bob（经办）无权执行此操作")
		d.keys("enter").contains("待审核")
		if s := rosterState(t, db, "M3"); s != "pending" {
			t.Fatalf("M3 is %s", s)
		}
	})
}

// A repair whose correction date is after its application date is refused
// at input, on the field, with the reason; what was typed stays. Dates and
// record numbers typed full width (a Chinese input method) are read as
// their ASCII twins (issue 19).
func TestRepairApplyFormChecksDates(t *testing.T) {
	db := fixture(t)
	d := newDriver(t, db, 100, 30)
	d.keys("4", "n", "１２", "enter", "２０２５－１２－０２", "enter").golden("repair_apply_corrected_after")
	d.contains("纠正日期 2025-12-02 晚于申请日期 2025-12-01", "２０２５－１２－０２")
	// Still on the date: clear it and type an earlier one, full width.
	for range len([]rune("２０２５－１２－０２")) {
		d.keys("backspace")
	}
	d.keys("２０２４－０６－０１", "enter", "承诺书〔2025〕9号", "enter", "enter", "enter")
	d.contains("纠正日期 2024-06-01", "申请日期 2025-12-01")
	d.keys("y")
	var v struct {
		Record      int    `json:"record"`
		CorrectedOn string `json:"corrected_on"`
	}
	if err := json.Unmarshal([]byte(credit(t, db, 0, "repair", "show", "6", "--format", "json", "--today", today)), &v); err != nil {
		t.Fatal(err)
	}
	if v.Record != 12 || v.CorrectedOn != "2024-06-01" {
		t.Fatalf("repair 6: %+v", v)
	}
}

// Repair 3's publicity ran 2025-11-20～2025-11-26: on 2025-12-01 the queue
// says it may be completed and which key does it, the record no longer
// carries 修复公示中 (only 修复中, until completed), and a completes it.
func TestRepairPublicityOver(t *testing.T) {
	db := fixture(t)
	d := newDriver(t, db, 120, 30)
	d.keys("4", "/", "#3", "enter").contains("期满，可完成（按 a）")
	out := credit(t, db, 0, "subject", "show", "91320602MA00000113", "--scope", "office", "--format", "json", "--today", today)
	var flags []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if fs, ok := e.([]any); ok && k == "flags" {
					for _, f := range fs {
						flags = append(flags, fmt.Sprint(f))
					}
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	var v any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	walk(v)
	if slices.Contains(flags, "in_publicity") || !slices.Contains(flags, "under_repair") {
		t.Fatalf("record flags after the publicity: %v", flags)
	}
	d.keys("a").contains("> 完成修复")
}

// Every list shows the subject's name beside its code and its filter finds
// it by name: the objection and repair queues, and the lists (a hand-made
// entry given without a name shows the name on file for its code).
func TestListsShowAndFilterNames(t *testing.T) {
	db := fixture(t)
	d := newDriver(t, db, 120, 30)
	d.keys("3", "/", "海门商贸", "enter").contains("1/1", "海门商贸有限责任公司 91320602MA00000038")
	d = newDriver(t, db, 120, 30)
	d.keys("4").contains("崇川房地产开发有限公司")
	d = newDriver(t, db, 120, 30)
	d.keys("6", "/", "崇川房地产", "enter").contains("1/1", "M1", "崇川房地产开发有限公司")
	out := credit(t, db, 0, "roster", "list", "--format", "json", "--today", today)
	if !strings.Contains(out, `"subject_name": "崇川房地产开发有限公司"`) {
		t.Fatalf("roster list lacks the name on file:\n%s", out)
	}
}

// focus presses enter until the form's focused field is title (at most 60 times).
func (d *driver) focus(title string) *driver {
	d.t.Helper()
	for range 60 {
		if strings.Contains(d.screen(), "┃ "+title) {
			return d
		}
		d.keys("enter")
	}
	d.t.Fatalf("no field %s:\n%s", title, d.screen())
	return d
}

// The correction form lists the record's fields with their current values;
// the clerk edits in place. A value the catalog refuses (an amount that is
// not one) is marked under its field and kept as typed; a full-width amount
// is taken (issue 19). The confirmation lists what changes.
func TestCorrectionForm(t *testing.T) {
	db := fixture(t)
	d := newDriver(t, db, 100, 30)
	d.act("3", 6, objection.Machine, objection.Upheld, "correct").golden("objection_correct_form")
	d.contains("> 海安纺织有限公司", "> 张三")
	d.focus("处罚内容（文字）").keys("ctrl+u", "罚款10000元")
	d.focus("罚款金额（万元）（金额）").keys("ctrl+u", "两万", "enter")
	d.golden("objection_correct_invalid")
	d.contains("“两万”不是有效金额", "> 两万", "> 罚款10000元")
	d.keys("ctrl+u", "１", "enter")
	for range 60 {
		if strings.Contains(d.screen(), "确认办理？") {
			break
		}
		d.keys("enter")
	}
	d.golden("objection_correct_confirm")
	d.contains("更正 罚款金额（万元） = １", "更正 处罚内容 = 罚款10000元")
	d.keys("y").golden("objection_correct_done")
	if s := state(t, db, "objection", 6); s != "corrected" {
		t.Fatalf("objection 6 is %s", s)
	}
	out := credit(t, db, 0, "subject", "show", "91320602MA0000006H", "--scope", "office", "--format", "json", "--today", today)
	if !strings.Contains(out, `"罚款金额（万元）": "1"`) || !strings.Contains(out, "罚款10000元") {
		t.Fatalf("the corrected record:\n%s", out)
	}
}

// burst types keys faster than the program answers: each key reaches the
// model before any command the earlier keys started has run; the commands
// run afterwards, in order.
func (d *driver) burst(ks ...string) *driver {
	d.t.Helper()
	var cmds []tea.Cmd
	for _, k := range ks {
		msgs := []tea.KeyPressMsg{}
		if msg, ok := named[k]; ok {
			msgs = append(msgs, msg)
		} else {
			for _, r := range k {
				msgs = append(msgs, tea.KeyPressMsg{Code: r, Text: string(r)})
			}
		}
		for _, msg := range msgs {
			_, cmd := d.m.Update(msg)
			cmds = append(cmds, cmd)
		}
	}
	for _, c := range cmds {
		d.run(c)
	}
	return d
}

// Keys typed quickly land where they were meant: the applicant typed right
// after two enters goes into 申请人, not into 记录编号 whose focus move had
// not happened yet; a step chosen from a menu still being read is chosen in
// it, not in the list under it (issue 19).
func TestFastTypingLandsInFocusedField(t *testing.T) {
	db := fixture(t)
	d := newDriver(t, db, 100, 30)
	d.keys("3", "n")
	d.burst("12", "enter", "enter", "海安家纺有限公司", "enter")
	d.contains("> 12\n", "> 海安家纺有限公司")
	if strings.Contains(d.screen(), "12海安") {
		t.Fatalf("keys landed in the record field:\n%s", d.screen())
	}
	// a, then j and enter before the menu is read: the second allowed step
	// of objection 3 (received: 转交核实, 审核决定) is chosen.
	d = newDriver(t, db, 100, 30)
	d.keys("3", "/", "#3", "enter")
	d.burst("a", "j", "enter")
	d.contains("异议 3 · 审核决定")
}

// A search is never cut off: with pages of 2, scrolling past the last row
// read reads the next page, and the crumb says how many there are in all
// and how many are read (issue 19).
func TestArchiveSearchScrollsOn(t *testing.T) {
	db := fixture(t)
	out := credit(t, db, 0, "subject", "search", "有限公司", "--scope", "office", "--count", "--today", today)
	var total int
	fmt.Sscan(out, &total)
	if total < 5 {
		t.Fatalf("the fixture has %d subjects named 有限公司: the test needs 5 or more", total)
	}
	svc, done, err := cli.TUIServices(cli.IO{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard, Login: "alice"}, db, today)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(done)
	d := &driver{t: t, m: tui.New(svc, tui.Options{SearchPage: 2}), db: db, login: "alice", replace: map[string]string{}}
	d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	d.run(d.m.Init())
	d.keys("2", "/", "有限公司", "enter")
	d.contains(fmt.Sprintf("共 %d 个信息主体，已读取 2 个（向下滚动读取更多）", total))
	for range total {
		d.keys("j")
	}
	d.contains(fmt.Sprintf("找到 %d 个信息主体", total))
	if strings.Contains(d.screen(), "已读取") {
		t.Fatalf("not every page was read:\n%s", d.screen())
	}
}
