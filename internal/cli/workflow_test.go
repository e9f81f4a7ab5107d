package cli

import (
	"strings"
	"testing"
)

// nextJSON is a case's next steps as `show --format json` gives them.
type nextJSON struct {
	Next []struct {
		Command  string   `json:"command"`
		To       []string `json:"to"`
		Role     string   `json:"role"`
		Allowed  bool     `json:"allowed"`
		ReasonZh string   `json:"reason_zh"`
		ReasonEn string   `json:"reason_en"`
		Article  string   `json:"article"`
	} `json:"next"`
}

// steps is "command:allowed" for each next step, in the table's order.
func (n nextJSON) steps() string {
	var out []string
	for _, a := range n.Next {
		s := a.Command + ":no"
		if a.Allowed {
			s = a.Command + ":yes"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

// TestObjectionShowNextSteps: show lists the steps the state allows for the
// operator asking, each allowed or refused with the rule that refuses it —
// the same rule the step then refuses with. (The clerk trial found the TUI
// offering 办结 on an upheld objection whose record was neither corrected
// nor withdrawn; the step refused it. Both now read the table's guard.)
func TestObjectionShowNextSteps(t *testing.T) {
	h := queueHarness(t)
	oneRecord(t, h)
	bob, carol := h.as("bob"), h.as("carol")
	bob.objection("2025-11-03", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司")
	// Received, asked by the clerk: forward yes, decide needs a reviewer.
	n := decode[nextJSON](t, bob.on("2025-11-03", "objection", "show", "1", "--format", "json").Out)
	if n.steps() != "forward:yes decide:no" || !strings.Contains(n.Next[1].ReasonZh, "需要 reviewer") || n.Next[1].Article != "第三十二条" {
		t.Fatalf("received, clerk: %s %+v", n.steps(), n.Next)
	}
	if d := n.Next[1]; len(d.To) != 2 || d.To[0] != "upheld" || d.To[1] != "rejected" || d.Role != "reviewer" {
		t.Fatalf("decide: %+v", d)
	}
	// The reviewer may decide; dated before the filing, nothing is allowed.
	if n = decode[nextJSON](t, carol.on("2025-11-03", "objection", "show", "1", "--format", "json").Out); n.steps() != "forward:yes decide:yes" {
		t.Fatalf("received, reviewer: %s", n.steps())
	}
	if n = decode[nextJSON](t, carol.on("2025-10-31", "objection", "show", "1", "--format", "json").Out); n.steps() != "forward:no decide:no" ||
		!strings.Contains(n.Next[0].ReasonZh, "各步骤须按时间先后办理（办理日期不得早于 2025-11-03）") {
		t.Fatalf("before receipt: %s %+v", n.steps(), n.Next)
	}
	carol.objection("2025-11-04", "decide", "1", "--uphold", "--reason", "金额有误")
	// Upheld on ground wrong: correct yes; withdraw and close refused by their rules.
	n = decode[nextJSON](t, bob.on("2025-11-04", "objection", "show", "1", "--format", "json").Out)
	if n.steps() != "correct:yes withdraw:no close:no" {
		t.Fatalf("upheld: %s", n.steps())
	}
	if w := n.Next[1]; w.Article != "第三十一条" || !strings.Contains(w.ReasonZh, "应办理“更正”") {
		t.Fatalf("withdraw refused: %+v", w)
	}
	c := n.Next[2]
	if c.Article != "第三十二条" || !strings.Contains(c.ReasonEn, "correct or withdraw it first") {
		t.Fatalf("close refused: %+v", c)
	}
	// The step refuses with the very reason show gave.
	if r := bob.failsOn(5, "2025-11-04", "objection", "close", "1"); !strings.Contains(r.Err, c.ReasonZh) {
		t.Fatalf("close: %s, want %s", r.Err, c.ReasonZh)
	}
	// The text form (tab-separated in a pipe) lists them with the rule.
	out := bob.on("2025-11-04", "objection", "show", "1").Out
	if !strings.Contains(out, "correct\t更正\t已更正\t经办\t可以\t\t第三十二条\n") ||
		!strings.Contains(out, "close\t办结\t已办结\t经办\t不可\t异议 1 已成立，记录尚未更正或撤除，不能办结：请办理“更正”（correct）或“撤除信息”（withdraw）\t第三十二条\n") {
		t.Fatalf("text form:\n%s", out)
	}
	if en := bob.on("2025-11-04", "objection", "show", "1", "--lang", "en").Out; !strings.Contains(en, "close\tclose\tclosed\tclerk\tno\t") || !strings.Contains(en, "correct or withdraw it first") {
		t.Fatalf("english:\n%s", en)
	}
}

// TestRepairShowNextSteps: during publicity, 完成修复 is refused until the
// day after the last publicity day (第三十五条) and a publicity objection
// only while it runs.
func TestRepairShowNextSteps(t *testing.T) {
	h := queueHarness(t)
	r := h.importXZCF("2024-03-10", "serious.csv", negativeExtra,
		negativeRow(map[string]string{"处罚决定日期": "2024-03-01", "处罚有效期": "2099-12-31"}, "严重", ""))
	if r.Code != 0 {
		t.Fatalf("import: %s %s", r.Out, r.Err)
	}
	bob, carol := h.as("bob"), h.as("carol")
	bob.repair("2025-06-03", "apply", "--record", "1", "--corrected-on", "2024-06-01", "--commitment", "CN-2")
	n := decode[nextJSON](t, bob.on("2025-06-03", "repair", "show", "1", "--format", "json").Out)
	if n.steps() != "opinion:yes withdraw:yes" || n.Next[1].Article != "本办公室规则（服务第三十四条）" {
		t.Fatalf("applied: %s %+v", n.steps(), n.Next)
	}
	bob.repair("2025-06-09", "opinion", "1", "--approve", "--text", "同意修复")
	// Publicity from Friday 2025-09-26: 09-28 (Sun, 调休), 09-29, 09-30, 10-09, 10-10.
	bob.repair("2025-09-26", "publicize", "1")
	n = decode[nextJSON](t, carol.on("2025-10-10", "repair", "show", "1", "--format", "json").Out)
	if n.steps() != "object:yes complete:no" || n.Next[1].Article != "第三十五条" || !strings.Contains(n.Next[1].ReasonZh, "2025-10-11 起方可完成修复") {
		t.Fatalf("last publicity day: %s %+v", n.steps(), n.Next)
	}
	n = decode[nextJSON](t, carol.on("2025-10-11", "repair", "show", "1", "--format", "json").Out)
	if n.steps() != "object:no complete:yes" || !strings.Contains(n.Next[0].ReasonZh, "公示期已于 2025-10-10 结束") {
		t.Fatalf("after publicity: %s %+v", n.steps(), n.Next)
	}
	// A clerk is told the role complete needs.
	n = decode[nextJSON](t, bob.on("2025-10-11", "repair", "show", "1", "--format", "json").Out)
	if n.steps() != "object:no complete:no" || !strings.Contains(n.Next[1].ReasonZh, "需要 reviewer") {
		t.Fatalf("clerk after publicity: %s", n.steps())
	}
	carol.repair("2025-10-11", "complete", "1")
	if out := carol.on("2025-10-11", "repair", "show", "1").Out; !strings.Contains(out, "下一步：当前状态下没有可办理的事项。") {
		t.Fatalf("repaired:\n%s", out)
	}
}
