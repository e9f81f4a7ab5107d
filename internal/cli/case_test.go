package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCaseRecordAndRefusals(t *testing.T) {
	h := scHarness(t)
	h.scImport("HEIMD", scHeimdHeader, scBlackRow(nil))
	h.scImport("HMD", scHmdHeader, scRedRow(nil))

	r := h.ok("case", "record", "--subject", orgA, "--measure", "CJ01", "--unit", scUnit, "--matter", "政府采购",
		"--date", "2025-11-20", "--result", "取消其本次投标资格", "--format", "json")
	var c struct {
		ID          int64  `json:"id"`
		SubjectCode string `json:"subject_code"`
		SubjectName string `json:"subject_name"`
		Measure     string `json:"measure"`
		Kind        string `json:"kind"`
		Unit        string `json:"unit"`
		UnitName    string `json:"unit_name"`
		Matter      string `json:"matter"`
		Date        string `json:"date"`
		Result      string `json:"result"`
		Grounds     []struct {
			Type, ID, List string
		} `json:"grounds"`
	}
	if err := json.Unmarshal([]byte(r.Out), &c); err != nil {
		t.Fatal(err, r.Out)
	}
	if c.ID != 1 || c.SubjectCode != orgA || c.SubjectName != "甲公司" || c.Measure != "CJ01" || c.Kind != "sanction" || c.Unit != scUnit ||
		c.UnitName != "南通市财政局" || c.Matter != "政府采购" || c.Date != "2025-11-20" || c.Result != "取消其本次投标资格" ||
		len(c.Grounds) != 1 || c.Grounds[0].ID != "R1" || c.Grounds[0].List != "black" {
		t.Fatalf("case = %+v", c)
	}
	// A reward on the red list.
	h.ok("case", "record", "--subject", orgB, "--measure", "JL01", "--unit", scUnit, "--matter", "行政许可", "--date", "2025-12-01")

	refused := []struct {
		name string
		args []string
		want []string
	}{
		{"reward for a black-listed subject", []string{"--subject", orgA, "--measure", "JL01", "--matter", "行政许可", "--date", "2025-11-20"}, []string{"JL01", "红名单"}},
		{"sanction for a red-listed subject", []string{"--subject", orgB, "--measure", "CJ06", "--matter", "行政许可", "--date", "2025-12-01"}, []string{"CJ06", "黑名单", "严重失信记录", "红名单 R2"}},
		{"before the determination", []string{"--subject", orgA, "--measure", "CJ01", "--matter", "政府采购", "--date", "2025-06-09"}, []string{"2025-06-09", "黑名单"}},
		{"measure not for the matter", []string{"--subject", orgA, "--measure", "CJ01", "--matter", "行政许可", "--date", "2025-11-20"}, []string{"政府采购、公共资源交易"}},
		{"future date", []string{"--subject", orgA, "--measure", "CJ01", "--matter", "政府采购", "--date", "2025-12-02"}, []string{"2025-12-02"}},
		{"invalid subject code", []string{"--subject", "91350100M000100Y4X", "--measure", "CJ01", "--matter", "政府采购", "--date", "2025-11-20"}, []string{"91350100M000100Y4X"}},
	}
	for _, x := range refused {
		t.Run(x.name, func(t *testing.T) {
			r := h.fails(5, append([]string{"case", "record", "--unit", scUnit}, x.args...)...)
			for _, w := range x.want {
				if !strings.Contains(r.Err, w) {
					t.Errorf("message %q should name %q", r.Err, w)
				}
			}
		})
	}
	// Units must be registered; matters and measures must exist.
	h.fails(5, "case", "record", "--subject", orgA, "--measure", "CJ01", "--unit", agency, "--matter", "政府采购", "--date", "2025-11-20")
	r = h.fails(2, "case", "record", "--subject", orgA, "--measure", "CJ01", "--unit", scUnit, "--matter", "采购", "--date", "2025-11-20")
	if !strings.Contains(r.Err, "行政许可、政府采购、招标投标、公共资源交易、财政资金、评优评级、日常监管、其他") {
		t.Fatalf("matter list: %s", r.Err)
	}
	h.fails(2, "case", "record", "--subject", orgA, "--measure", "XX99", "--unit", scUnit, "--matter", "政府采购", "--date", "2025-11-20")
	r = h.fails(2, "case", "record", "--subject", orgA, "--measure", "CJ01", "--unit", scUnit, "--matter", "政府采购")
	if !strings.Contains(r.Err, "--date") {
		t.Fatalf("missing flag message: %s", r.Err)
	}
	// Nothing refused was stored; the two cases are listed by month and unit.
	if n := h.scCount("SELECT count(*) FROM measure_cases"); n != 2 {
		t.Fatalf("%d cases stored, want 2", n)
	}
	var list []map[string]any
	json.Unmarshal([]byte(h.ok("case", "list", "--month", "2025-11", "--format", "json").Out), &list)
	if len(list) != 1 || list[0]["measure"] != "CJ01" {
		t.Fatalf("November: %v", list)
	}
	json.Unmarshal([]byte(h.ok("case", "list", "--unit", scUnit, "--format", "json").Out), &list)
	if len(list) != 2 {
		t.Fatalf("by unit: %v", list)
	}
	json.Unmarshal([]byte(h.ok("case", "list", "--unit", agency, "--format", "json").Out), &list)
	if len(list) != 0 {
		t.Fatalf("other unit: %v", list)
	}
	h.fails(2, "case", "list", "--month", "2025-13")
	// A viewer may not record cases.
	h.ok("user", "add", "vera", "--role", "viewer")
	h.as("vera").fails(5, "case", "record", "--subject", orgA, "--measure", "CJ01", "--unit", scUnit, "--matter", "政府采购", "--date", "2025-11-20")
}
