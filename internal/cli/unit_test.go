package cli

import (
	"strings"
	"testing"
)

func TestUnitAddListShow(t *testing.T) {
	h := newHarness(t).initStore()
	h.fails(5, "unit", "add", "91350100M000100Y4X", "--name", "某委")
	h.fails(2, "unit", "add", deptB)
	r := h.ok("unit", "add", deptB, "--name", "南通市发展和改革委员会", "--items", "XZQZ,XYCN,XZCF")
	if !strings.Contains(r.Out, "已登记信息使用单位") || !strings.Contains(r.Err, "XZCF") {
		t.Errorf("add: %s / %s", r.Out, r.Err) // XZCF is public: a note says so
	}
	res := decode[map[string]any](t, h.ok("unit", "add", deptB, "--items", "SXBZXR", "--format", "json").Out)
	if res["new"] != false || len(res["items"].([]any)) != 4 {
		t.Errorf("re-add: %v", res)
	}
	h.fails(5, "unit", "add", deptB, "--items", "NOPE")

	list := decode[[]map[string]any](t, h.ok("unit", "list", "--format", "json").Out)
	if len(list) != 1 || list[0]["code"] != deptB || len(list[0]["items"].([]any)) != 4 {
		t.Errorf("list: %v", list)
	}
	show := decode[map[string]any](t, h.ok("unit", "show", deptB, "--format", "json").Out)
	var codes []string
	for _, it := range show["items"].([]any) {
		m := it.(map[string]any)
		codes = append(codes, m["code"].(string))
		if m["in_catalog"] != true {
			t.Errorf("item %v not in catalog", m)
		}
	}
	if show["name"] != "南通市发展和改革委员会" || len(codes) != 4 {
		t.Errorf("show: %v", show)
	}
	h.fails(2, "unit", "show", deptA)

	h.ok("user", "add", "bob", "--role", "clerk")
	h.as("bob").fails(5, "unit", "add", deptA, "--name", "某局")
	if log := h.ok("audit", "log", "--object", "unit:*", "--format", "json").Out; strings.Count(log, "unit.add") != 2 {
		t.Errorf("audit: %s", log)
	}
}
