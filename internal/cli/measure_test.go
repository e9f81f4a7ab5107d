package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestMeasureListAndShow(t *testing.T) {
	h := newHarness(t).initStore()
	var list []struct {
		Code       string   `json:"code"`
		Kind       string   `json:"kind"`
		Category   string   `json:"category"`
		Matters    []string `json:"matters"`
		Confidence string   `json:"confidence"`
		Confirmed  bool     `json:"confirmed"`
	}
	json.Unmarshal([]byte(h.ok("measure", "list", "--format", "json").Out), &list)
	// The draft has 19 sanction measures (CJ01–CJ19) and 5 rewards (JL01–JL05).
	if len(list) != 24 || list[0].Code != "CJ01" || list[18].Code != "CJ19" || list[19].Code != "JL01" || list[23].Code != "JL05" {
		t.Fatalf("measure list: %+v", list)
	}
	rewards := 0
	for _, m := range list {
		if m.Kind == "reward" {
			rewards++
		}
	}
	if rewards != 5 {
		t.Fatalf("%d rewards, want 5", rewards)
	}
	json.Unmarshal([]byte(h.ok("measure", "list", "--matter", "政府采购", "--format", "json").Out), &list)
	if len(list) != 1 || list[0].Code != "CJ01" {
		t.Fatalf("政府采购: %+v", list)
	}
	r := h.fails(2, "measure", "list", "--matter", "采购")
	if !strings.Contains(r.Err, "行政许可、政府采购") {
		t.Fatalf("unknown matter: %s", r.Err)
	}
	// CJ03 is marked medium in the draft: shown plainly as not confirmed.
	out := h.ok("measure", "show", "CJ03").Out
	if !strings.Contains(out, "未核实") || !strings.Contains(out, "medium") || !strings.Contains(out, "发改财金规〔2024〕203号") {
		t.Fatalf("show CJ03:\n%s", out)
	}
	// CJ10 is high, but parts of its basis are from memory ([MEM]).
	var m struct {
		Code        string   `json:"code"`
		Confidence  string   `json:"confidence"`
		Basis       string   `json:"basis"`
		Confirmed   bool     `json:"confirmed"`
		Unconfirmed []string `json:"unconfirmed"`
	}
	json.Unmarshal([]byte(h.ok("measure", "show", "cj10", "--format", "json").Out), &m)
	if m.Code != "CJ10" || m.Confidence != "high" || m.Confirmed || len(m.Unconfirmed) != 1 || !strings.Contains(m.Basis, "[MEM]") {
		t.Fatalf("show CJ10: %+v", m)
	}
	h.fails(2, "measure", "show", "CJ99")
}
