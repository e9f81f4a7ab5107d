package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// 第三十二条 (issue 15 point 8): after a correction the office re-sends the
// record "在原发布和提供范围内" — to each unit that received the old
// revision, once. A unit that looked the record up three times and also took
// it in an export is one unit to re-send to, not four lines.
func TestObjectionResendListCountsUnits(t *testing.T) {
	h := queueHarness(t)
	oneRecord(t, h)
	bob, carol := h.as("bob"), h.as("carol")
	h.on("2025-09-01", "unit", "add", unitCode, "--name", "南通市住房和城乡建设局", "--items", "XZCF")
	h.on("2025-09-01", "unit", "add", unitCode2, "--name", "南通市财政局", "--items", "XZCF")
	// Unit 1: three shared lookups and one export of the old revision.
	for _, day := range []string{"2025-09-10", "2025-09-15", "2025-09-20"} {
		h.on(day, "subject", "show", orgA, "--scope", "shared", "--unit", unitCode, "--purpose", "招标资格审查")
	}
	h.as("bob").on("2025-09-22", "export", "--unit", unitCode, "--item", "XZCF", "-o", filepath.Join(h.dir, "x.csv"))
	// Unit 2: one lookup.
	h.on("2025-09-21", "subject", "show", orgA, "--scope", "shared", "--unit", unitCode2, "--purpose", "财政资金审查")

	bob.objection("2025-09-26", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司")
	bob.objection("2025-09-26", "forward", "1", "--note", "转交市监局")
	bob.objection("2025-10-09", "verify", "1", "--finding", "inaccurate", "--note", "罚款金额应为 1 万元")
	carol.objection("2025-10-10", "decide", "1", "--uphold", "--reason", "核实有误")

	// The text a clerk reads after correcting: the count is of units, and
	// each unit stands on one line.
	r := bob.on("2025-10-13", "objection", "correct", "1", "--set", "罚款金额（万元）=1", "--set", "处罚内容=罚款10000元")
	if !strings.Contains(r.Out, "以下 2 个单位取得过原记录") {
		t.Fatalf("count of units to re-send to:\n%s", r.Out)
	}
	if n := strings.Count(r.Out, unitCode); n != 1 {
		t.Errorf("unit %s stands on %d lines, want 1:\n%s", unitCode, n, r.Out)
	}
	if n := strings.Count(r.Out, unitCode2); n != 1 {
		t.Errorf("unit %s stands on %d lines, want 1:\n%s", unitCode2, n, r.Out)
	}

	// JSON: one receiver per unit, with how and how often it received it.
	type receiver struct {
		Unit     string   `json:"unit"`
		UnitName string   `json:"unit_name"`
		Actions  []string `json:"actions"`
		Times    int      `json:"times"`
		FirstOn  string   `json:"first_on"`
		LastOn   string   `json:"last_on"`
	}
	type shown struct {
		Corrections []struct {
			Receivers []receiver `json:"receivers"`
		} `json:"record_changes"`
	}
	o := decode[shown](t, bob.on("2025-10-13", "objection", "show", "1", "--format", "json").Out)
	if len(o.Corrections) != 1 {
		t.Fatalf("record_changes: %+v", o.Corrections)
	}
	rs := o.Corrections[0].Receivers
	if len(rs) != 2 {
		t.Fatalf("receivers = %+v, want one per unit (2)", rs)
	}
	// Ordered by unit code: 91110000… before 91110108….
	a, b := rs[1], rs[0]
	if a.Unit != unitCode || a.UnitName != "南通市住房和城乡建设局" || a.Times != 4 || strings.Join(a.Actions, ",") != "export,show" ||
		a.FirstOn != "2025-09-10" || a.LastOn != "2025-09-22" {
		t.Errorf("unit 1 = %+v, want 4 times (show ×3, export) from 2025-09-10 to 2025-09-22", a)
	}
	if b.Unit != unitCode2 || b.UnitName != "南通市财政局" || b.Times != 1 || strings.Join(b.Actions, ",") != "show" ||
		b.FirstOn != "2025-09-21" || b.LastOn != "2025-09-21" {
		t.Errorf("unit 2 = %+v, want once (show) on 2025-09-21", b)
	}
}
