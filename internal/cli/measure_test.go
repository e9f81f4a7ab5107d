package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"credit/catalogs"
	"credit/internal/store"
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

// An administrator edits the measures list without a rebuild: export, edit,
// apply. Every reader uses the applied list; a bad file is refused whole.
func TestMeasureApplyExport(t *testing.T) {
	h := scHarness(t)
	h.ok("user", "add", "bob", "--role", "clerk")
	h.scImport("HEIMD", scHeimdHeader, scBlackRow(nil))

	// export writes the built-in list as it is; applying it changes nothing.
	orig := filepath.Join(h.dir, "measures.yaml")
	h.ok("measure", "export", "-o", orig)
	_, builtin := catalogs.Measures()
	if got, _ := os.ReadFile(orig); !bytes.Equal(got, builtin) {
		t.Fatal("export of the built-in list differs from catalogs/measures.yaml")
	}
	if out := h.ok("measure", "export").Out; out != string(builtin) {
		t.Fatal("export to stdout differs from catalogs/measures.yaml")
	}
	h.fails(2, "measure", "export", "-o", orig) // exists: --force to overwrite
	if r := decode[map[string]any](t, h.ok("measure", "apply", orig, "--format", "json").Out); r["status"] != "unchanged" || r["id"] != 0.0 {
		t.Fatalf("applying the built-in list: %v", r)
	}

	// The edit: CJ01 renamed, a new CJ20 for 政府采购 on the black list.
	edited := strings.Replace(string(builtin), "    name: 依法限制参加政府采购活动（列入不良行为记录名单，一至三年内禁止参加政府采购活动）",
		"    name: 限制参加政府采购活动（本市修订）", 1)
	edited = strings.Replace(edited, "  - code: JL01\n", "  - code: CJ20\n    name: 取消政府采购评审专家资格\n    category: reduce-rights\n"+
		"    lists: [black]\n    matters: [政府采购]\n    confidence: low\n    basis: 本市规定 [MEM]\n    source: test\n\n  - code: JL01\n", 1)
	if edited == string(builtin) || strings.Count(edited, "CJ20") != 1 {
		t.Fatal("the edit did not apply to the fixture text")
	}
	file := h.writeFile("edited.yaml", edited)
	h.as("bob").fails(5, "measure", "apply", file) // administrators only
	var res struct {
		Status   string   `json:"status"`
		ID       int64    `json:"id"`
		Hash     string   `json:"content_hash"`
		Measures int      `json:"measures"`
		Added    []string `json:"added"`
		Removed  []string `json:"removed"`
		Changed  []string `json:"changed"`
	}
	json.Unmarshal([]byte(h.ok("measure", "apply", file, "--format", "json").Out), &res)
	if res.Status != "applied" || res.ID != 1 || res.Measures != 25 || strings.Join(res.Added, ",") != "CJ20" ||
		len(res.Removed) != 0 || strings.Join(res.Changed, ",") != "CJ01" {
		t.Fatalf("apply: %+v", res)
	}
	if r := h.ok("measure", "apply", file); !strings.Contains(r.Out, "未做改变") {
		t.Fatalf("applying the same file again: %s", r.Out)
	}
	// Audited with the content hash.
	if n := h.scCount(`SELECT count(*) FROM audit_log WHERE action = 'measure.apply' AND object = 'measures:1' AND details LIKE ?`,
		`%"content_hash":"`+res.Hash+`"%`); n != 1 || res.Hash != store.ContentHash([]byte(edited)) {
		t.Fatalf("%d measure.apply audit entries with the hash %s", n, res.Hash)
	}

	// measure show/list read the applied list.
	var m struct {
		Code, Name string
		Confirmed  bool
	}
	json.Unmarshal([]byte(h.ok("measure", "show", "CJ01", "--format", "json").Out), &m)
	if m.Name != "限制参加政府采购活动（本市修订）" {
		t.Fatalf("show CJ01 after apply: %+v", m)
	}
	if out := h.ok("measure", "show", "CJ20").Out; !strings.Contains(out, "取消政府采购评审专家资格") || !strings.Contains(out, "未核实") {
		t.Fatalf("show CJ20:\n%s", out)
	}
	// The version in use is named with the office's time, like every listing.
	if r := h.ok("measure", "show", "CJ20"); !regexp.MustCompile(`措施清单版本 #1（\S+ 于 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d 应用）`).MatchString(r.Out + r.Err) {
		t.Fatalf("show CJ20 does not name version #1 with its office time:\n%s%s", r.Out, r.Err)
	}
	var list []struct{ Code string }
	json.Unmarshal([]byte(h.ok("measure", "list", "--matter", "政府采购", "--format", "json").Out), &list)
	if len(list) != 2 || list[0].Code != "CJ01" || list[1].Code != "CJ20" {
		t.Fatalf("list for 政府采购: %+v", list)
	}
	if r := h.ok("measure", "list"); !strings.Contains(r.Err, "版本 #1") {
		t.Fatalf("list does not say which list it shows: %s", r.Err)
	}

	// check and case use it.
	c := h.scCheck(orgA, "--matter", "政府采购")
	if got := measureCodes(c, 0); got != "CJ01,CJ20" {
		t.Fatalf("check measures for 政府采购 = %s, want CJ01,CJ20", got)
	}
	r := h.ok("case", "record", "--subject", orgA, "--measure", "CJ20", "--unit", scUnit, "--matter", "政府采购", "--date", "2025-12-01", "--format", "json")
	if c := decode[map[string]any](t, r.Out); c["measure"] != "CJ20" || c["measure_name"] != "取消政府采购评审专家资格" {
		t.Fatalf("case with the new measure: %s", r.Out)
	}

	// A bad file is refused whole (exit 4), naming file, line and key; the
	// list in use stays.
	lines := strings.Split(edited, "\n")
	bad := -1
	for i, l := range lines {
		if l == "  - code: CJ20" {
			bad = i + 2 // its category line
		}
	}
	if lines[bad] != "    category: reduce-rights" {
		t.Fatalf("fixture: line %d is %q", bad+1, lines[bad])
	}
	lines[bad] = "    category: punish"
	badFile := h.writeFile("bad.yaml", strings.Join(lines, "\n"))
	var index int
	for i, x := range strings.Split(edited, "  - code: ")[1:] {
		if strings.HasPrefix(x, "CJ20\n") {
			index = i
		}
	}
	r = h.fails(4, "measure", "apply", badFile)
	if want := fmt.Sprintf("bad.yaml:%d: measures[%d].category: ", bad+1, index); !strings.Contains(r.Err, want) || !strings.Contains(r.Err, "punish") {
		t.Fatalf("refusal should name %q: %s", want, r.Err)
	}
	r = h.fails(4, "measure", "apply", badFile, "--format", "json")
	refusal := decode[struct {
		OK     bool `json:"ok"`
		Errors []struct {
			Line int    `json:"line"`
			Key  string `json:"key"`
		} `json:"errors"`
	}](t, r.Out)
	if refusal.OK || len(refusal.Errors) != 1 || refusal.Errors[0].Line != bad+1 || refusal.Errors[0].Key != fmt.Sprintf("measures[%d].category", index) {
		t.Fatalf("json refusal: %s", r.Out)
	}
	h.fails(4, "measure", "apply", h.writeFile("unknown.yaml", strings.Replace(edited, "    source: test\n", "    sauce: test\n", 1)))
	if n := h.scCount("SELECT count(*) FROM measure_versions"); n != 1 {
		t.Fatalf("%d versions stored after refusals, want 1", n)
	}

	// export round-trips the applied text.
	again := filepath.Join(h.dir, "again.yaml")
	h.ok("measure", "export", "-o", again)
	if got, _ := os.ReadFile(again); string(got) != edited {
		t.Fatal("export after apply differs from the applied file")
	}
}
