package cli

import (
	"strings"
	"testing"
)

// Fictional Nantong department codes with valid check characters (GB 32100).
const (
	deptA = "113206000140000015"
	deptB = "113206000140000028"
)

func TestProviderAdd(t *testing.T) {
	h := newHarness(t).initStore()
	// A code with a wrong check character is refused with the reason.
	r := h.fails(5, "provider", "add", "113206000140000016", "--name", "某局")
	if !strings.Contains(r.Err, "113206000140000016") || !strings.Contains(r.Err, "校验码") {
		t.Errorf("bad code: %s", r.Err)
	}
	h.fails(5, "provider", "add", "12345", "--name", "某局")
	h.fails(2, "provider", "add", deptA)                                        // a new provider needs --name
	h.fails(2, "provider", "add", deptA, "--name", "某局", "--level", "province") // bad level
	r = h.fails(5, "provider", "add", deptA, "--name", "某局", "--items", "XZCF,NOPE")
	if !strings.Contains(r.Err, "NOPE") {
		t.Errorf("unknown item: %s", r.Err)
	}

	// Lower case and full-width codes are normalised.
	res := decode[map[string]any](t, h.ok("provider", "add", " "+strings.ToLower(deptA), "--name", "南通市市场监督管理局", "--items", "xzcf, XZXK", "--format", "json").Out)
	if res["code"] != deptA || res["new"] != true || res["level"] != "city" {
		t.Errorf("add: %v", res)
	}
	// Re-adding adds items and keeps the old ones.
	res = decode[map[string]any](t, h.ok("provider", "add", deptA, "--items", "XZQZ,XZCF", "--level", "county", "--format", "json").Out)
	if res["new"] != false || res["level"] != "county" || len(res["items"].([]any)) != 3 || len(res["items_added"].([]any)) != 1 {
		t.Errorf("re-add: %v", res)
	}
	if out := h.ok("provider", "add", deptA).Out; !strings.Contains(out, "未做改变") {
		t.Errorf("no-op re-add: %s", out)
	}

	list := decode[[]map[string]any](t, h.ok("provider", "list", "--format", "json").Out)
	if len(list) != 1 || list[0]["name"] != "南通市市场监督管理局" {
		t.Errorf("list: %v", list)
	}
	show := decode[map[string]any](t, h.ok("provider", "show", deptA, "--format", "json").Out)
	items := show["items"].([]any)
	if len(items) != 3 || items[0].(map[string]any)["name"] == nil {
		t.Errorf("show: %v", show)
	}
	if out := h.ok("provider", "show", deptA).Out; !strings.Contains(out, "行政处罚") {
		t.Errorf("show table: %s", out)
	}
	h.fails(2, "provider", "show", deptB)

	// Audited, by code.
	log := h.ok("audit", "log", "--object", "provider:"+deptA, "--format", "json").Out
	if strings.Count(log, "provider.add") != 3 {
		t.Errorf("audit: %s", log)
	}
	// Administrators only.
	h.ok("user", "add", "bob", "--role", "clerk")
	h.as("bob").fails(5, "provider", "add", deptB, "--name", "某委")
	h.as("bob").ok("provider", "list")
}
