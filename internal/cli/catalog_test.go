package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"credit/catalogs"
	"credit/internal/civil"
	"credit/internal/store"
)

func decode[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("json: %v\n%s", err, s)
	}
	return v
}

// writeFile writes a file in the harness's folder and returns its path.
func (h *harness) writeFile(name, text string) string {
	h.t.Helper()
	p := filepath.Join(h.dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		h.t.Fatal(err)
	}
	return p
}

// defaultYAML is the default catalog's text, with edits (old → new pairs).
func defaultYAML(t *testing.T, edits ...string) string {
	t.Helper()
	_, data := catalogs.Default()
	s := string(data)
	for i := 0; i+1 < len(edits); i += 2 {
		if strings.Count(s, edits[i]) != 1 {
			t.Fatalf("%q occurs %d times in the default catalog", edits[i], strings.Count(s, edits[i]))
		}
		s = strings.Replace(s, edits[i], edits[i+1], 1)
	}
	return s
}

type fieldJSON struct {
	Name         string `json:"name"`
	Type         string `json:"type"`
	Required     bool   `json:"required"`
	RequiredWhen *struct {
		Field  string   `json:"field"`
		Values []string `json:"values"`
	} `json:"required_when"`
	Personal bool `json:"personal"`
}

type itemJSON struct {
	Code       string      `json:"code"`
	Name       string      `json:"name"`
	Category   string      `json:"category"`
	Disclosure string      `json:"disclosure"`
	Key        []string    `json:"key"`
	Fields     []fieldJSON `json:"fields"`
}

func TestInitAppliesDefaultCatalog(t *testing.T) {
	h := newHarness(t).initStore()
	it := decode[itemJSON](t, h.ok("catalog", "show", "XZCF", "--format", "json").Out)
	if it.Code != "XZCF" || it.Name != "行政处罚" || it.Category != "negative" || it.Disclosure != "public" {
		t.Errorf("item: %+v", it)
	}
	// The 30 national fields (reference/domain.md §1.1), 必填 → required.
	want := []struct {
		name     string
		required bool
	}{
		{"行政相对人名称", true}, {"行政相对人类别", true}, {"行政相对人代码_1（统一社会信用代码）", false},
		{"行政相对人代码_2（工商注册号）", false}, {"行政相对人代码_3（组织机构代码）", false}, {"行政相对人代码_4（税务登记号）", false},
		{"行政相对人代码_5（事业单位证书号）", false}, {"行政相对人代码_6（社会组织登记证号）", false}, {"法定代表人", false},
		{"法定代表人证件类型", false}, {"法定代表人证件号码", false}, {"证件类型", false}, {"证件号码", false},
		{"行政处罚决定书文号", true}, {"违法行为类型", true}, {"违法事实", true}, {"处罚依据", true}, {"处罚类别", true},
		{"处罚内容", true}, {"罚款金额（万元）", false}, {"没收违法所得、没收非法财物的金额（万元）", false},
		{"暂扣或吊销证照名称及编号", false}, {"处罚决定日期", true}, {"处罚有效期", true}, {"公示截止期", false},
		{"处罚机关", true}, {"处罚机关统一社会信用代码", true}, {"数据来源单位", true}, {"数据来源单位统一社会信用代码", true}, {"备注", false},
	}
	if len(it.Fields) != 30 {
		t.Fatalf("%d fields, want 30", len(it.Fields))
	}
	for i, w := range want {
		if f := it.Fields[i]; f.Name != w.name || f.Required != w.required || f.Type == "" {
			t.Errorf("field %d = %+v, want %s required=%v", i+1, f, w.name, w.required)
		}
	}
	if w := it.Fields[12].RequiredWhen; w == nil || w.Field != "行政相对人类别" || !reflect.DeepEqual(w.Values, []string{"自然人"}) {
		t.Errorf("证件号码 required_when = %+v", w)
	}
	// The table form, and the list of items.
	if out := h.ok("catalog", "show", "XZCF").Out; !strings.Contains(out, "处罚决定日期") || !strings.Contains(out, "当 行政相对人类别 = 自然人") {
		t.Errorf("table:\n%s", out)
	}
	items := decode[[]map[string]any](t, h.ok("catalog", "show", "--format", "json").Out)
	codes := map[string]bool{}
	for _, m := range items {
		codes[m["code"].(string)] = true
	}
	for _, c := range []string{"XZXK", "XZCF", "DJZC", "BZJL", "HMD", "HEIMD", "XYCN"} {
		if !codes[c] {
			t.Errorf("item %s missing from catalog show", c)
		}
	}
	h.fails(2, "catalog", "show", "NOPE") // not found: a bad argument (exit 2), as for batch, objection and repair show
	// credit init recorded the apply in the audit log, with the hash only.
	log := h.ok("audit", "log", "--object", "catalog:*", "--format", "json").Out
	if !strings.Contains(log, "catalog.apply") || !strings.Contains(log, store.ContentHash(mustDefault())) || strings.Contains(log, "行政相对人名称") {
		t.Errorf("audit:\n%s", log)
	}
}

func mustDefault() []byte { _, d := catalogs.Default(); return d }

func TestInitEmptyAppliesNoCatalog(t *testing.T) {
	h := newHarness(t).initStore("--empty")
	if vs := decode[[]any](t, h.ok("catalog", "list", "--format", "json").Out); len(vs) != 0 {
		t.Errorf("versions after init --empty: %v", vs)
	}
	r := h.fails(4, "catalog", "show", "XZCF")
	if !strings.Contains(r.Err, "credit catalog apply") {
		t.Errorf("stderr: %s", r.Err)
	}
	// diff against nothing: everything is new.
	f := h.writeFile("c.yaml", defaultYAML(t))
	d := decode[map[string]any](t, h.ok("catalog", "diff", f, "--format", "json").Out)
	if d["against"] != nil || d["count"].(float64) != 11 {
		t.Errorf("diff against nothing: %v", d)
	}
	h.ok("catalog", "apply", f)
	h.ok("catalog", "show", "XZCF")
}

func TestCatalogProhibitedFieldRefused(t *testing.T) {
	h := newHarness(t).initStore()
	src := defaultYAML(t, `version: "2026.12"`, `version: "2025.1"`,
		"      - {name: 违法事实, aliases: [CF_SY]", "      - {name: 当事人血型, type: text}\n      - {name: 违法事实, aliases: [CF_SY]")
	f := h.writeFile("blood.yaml", src)
	for _, cmd := range [][]string{{"catalog", "apply", f}, {"catalog", "check", f}} {
		r := h.fails(4, cmd...)
		if !strings.Contains(r.Err, "第十四条") || !strings.Contains(r.Err, "当事人血型") || !strings.Contains(r.Err, "blood.yaml:") {
			t.Errorf("%v stderr: %s", cmd, r.Err)
		}
	}
	r := h.fails(4, "catalog", "check", f, "--format", "json")
	res := decode[map[string]any](t, r.Out)
	if res["ok"] != false || len(res["errors"].([]any)) != 1 {
		t.Errorf("check json: %v", res)
	}
	if vs := decode[[]any](t, h.ok("catalog", "list", "--format", "json").Out); len(vs) != 1 {
		t.Errorf("a refused catalog was stored: %v", vs)
	}
	// A value list naming a disease is not a prohibited field.
	ok := h.writeFile("ok.yaml", defaultYAML(t, `version: "2026.12"`, `version: "2025.1"`,
		"      - {name: 违法事实, aliases: [CF_SY]", "      - {name: 注销原因, type: enum, values: [疾病, 其他]}\n      - {name: 违法事实, aliases: [CF_SY]"))
	h.ok("catalog", "check", ok)
}

func TestCatalogDiffShowsExactlyTheEdit(t *testing.T) {
	h := newHarness(t).initStore()
	exported := filepath.Join(h.dir, "export.yaml")
	h.ok("catalog", "export", "-o", exported)
	text, err := os.ReadFile(exported)
	if err != nil {
		t.Fatal(err)
	}
	if string(text) != string(mustDefault()) {
		t.Errorf("export is not the applied text")
	}
	// Unedited (as applied and canonical): no changes.
	if d := decode[map[string]any](t, h.ok("catalog", "diff", exported, "--format", "json").Out); d["count"].(float64) != 0 {
		t.Errorf("unedited diff: %v", d)
	}
	canon := h.ok("catalog", "export", "--canonical").Out
	cf := h.writeFile("canonical.yaml", canon)
	if d := decode[map[string]any](t, h.ok("catalog", "diff", cf, "--format", "json").Out); d["count"].(float64) != 0 {
		t.Errorf("canonical diff: %v", d)
	}
	// One edit: XZCF 处罚依据 length 2048 → 4096.
	edited := strings.Replace(canon, "{name: 处罚依据, aliases: [CF_YJ], type: text, length: 2048", "{name: 处罚依据, aliases: [CF_YJ], type: text, length: 4096", 1)
	if edited == canon {
		t.Fatal("edit did not apply")
	}
	ef := h.writeFile("edited.yaml", edited)
	type diffJSON struct {
		Against struct {
			ID int64 `json:"id"`
		} `json:"against"`
		Count   int                 `json:"count"`
		Changes []map[string]string `json:"changes"`
	}
	d := decode[diffJSON](t, h.ok("catalog", "diff", ef, "--format", "json").Out)
	want := []map[string]string{{"scope": "field", "item": "XZCF", "field": "处罚依据", "change": "changed", "key": "length", "old": "2048", "new": "4096"}}
	if d.Against.ID != 1 || d.Count != 1 || !reflect.DeepEqual(d.Changes, want) {
		t.Errorf("diff = %+v", d)
	}
	if out := h.ok("catalog", "diff", ef).Out; !strings.Contains(out, "处罚依据") || !strings.Contains(out, "2048") || !strings.Contains(out, "4096") {
		t.Errorf("diff table:\n%s", out)
	}
	// Exporting over an existing file needs --force.
	h.fails(2, "catalog", "export", "-o", exported)
	h.ok("catalog", "export", "-o", exported, "--force", "--canonical")
}

func TestCatalogVersions(t *testing.T) {
	h := newHarness(t).initStore()
	// The same content again: a no-op that says so.
	def := h.writeFile("nantong.yaml", string(mustDefault()))
	r := h.ok("catalog", "apply", def, "--format", "json")
	if res := decode[map[string]any](t, r.Out); res["status"] != "unchanged" || res["id"].(float64) != 1 {
		t.Errorf("re-apply: %v", res)
	}
	if out := h.ok("catalog", "apply", def).Out; !strings.Contains(out, "未做改变") {
		t.Errorf("re-apply says: %s", out)
	}
	// A new version from 2025-01-01 with Shanghai's 5-day objection review.
	v2 := h.writeFile("v2.yaml", defaultYAML(t,
		`version: "2026.12"`, `version: "2025.1"`,
		"effective: 2018-01-01", "effective: 2025-01-01",
		"objection_review: 10", "objection_review: 5"))
	res := decode[map[string]any](t, h.ok("catalog", "apply", v2, "--format", "json").Out)
	if res["status"] != "applied" || res["id"].(float64) != 2 || res["in_force"] != true {
		t.Errorf("apply: %v", res)
	}
	type ver struct {
		ID        int64  `json:"id"`
		Version   string `json:"version"`
		Effective string `json:"effective"`
		Status    string `json:"status"`
		InForce   bool   `json:"in_force"`
		AppliedBy string `json:"applied_by"`
		Hash      string `json:"content_hash"`
	}
	vs := decode[[]ver](t, h.ok("catalog", "list", "--format", "json").Out)
	if len(vs) != 2 || !vs[1].InForce || vs[0].InForce || vs[0].Status != "superseded" || vs[1].AppliedBy != "alice" {
		t.Errorf("list today: %+v", vs)
	}
	// In force by date: before 2025 the 2018 version.
	vs = decode[[]ver](t, h.ok("catalog", "list", "--format", "json", "--today", "2024-12-31").Out)
	if !vs[0].InForce || vs[1].Status != "pending" {
		t.Errorf("list on 2024-12-31: %+v", vs)
	}
	if out := h.ok("catalog", "list").Out; !strings.Contains(out, "2025.1") || !strings.Contains(out, "现行") {
		t.Errorf("list table:\n%s", out)
	}
	// A version label is used once.
	clash := h.writeFile("clash.yaml", defaultYAML(t, `version: "2026.12"`, `version: "2025.1"`, "effective: 2018-01-01", "effective: 2025-06-01"))
	if r := h.fails(4, "catalog", "apply", clash); !strings.Contains(r.Err, "2025.1") {
		t.Errorf("clash: %s", r.Err)
	}
	// Future --today may not change anything; non-admins may not apply.
	h.fails(2, "catalog", "apply", v2, "--today", "2999-01-01")
	h.ok("user", "add", "bob", "--role", "clerk")
	h.as("bob").fails(5, "catalog", "apply", v2)

	// The store: the version in force on a date, parsed, and the policy of
	// the old version unchanged — a new policy leaves existing rows alone.
	st, err := store.Open(context.Background(), h.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	old, id, err := st.CatalogInForce(ctx, civil.MustParse("2024-12-31"))
	if err != nil || id != 1 || old.Policy.Workdays.ObjectionReview != 10 {
		t.Errorf("2024-12-31: #%d %v %v", id, old, err)
	}
	cur, id, err := st.CatalogInForce(ctx, civil.MustParse("2025-01-01"))
	if err != nil || id != 2 || cur.Policy.Workdays.ObjectionReview != 5 {
		t.Errorf("2025-01-01: #%d %v", id, err)
	}
	if again, _, _ := st.CatalogInForce(ctx, civil.MustParse("2026-01-01")); again != cur {
		t.Errorf("parsed versions are not cached")
	}
	if _, _, err := st.CatalogInForce(ctx, civil.MustParse("2017-12-31")); err == nil || !strings.Contains(err.Error(), "2017-12-31") {
		t.Errorf("before any version: %v", err)
	}
	_, v1, text, err := st.CatalogByID(ctx, 1)
	if err != nil || string(text) != string(mustDefault()) || v1.ContentHash != vs[0].Hash || v1.Effective != civil.MustParse("2018-01-01") {
		t.Errorf("version 1 changed: %+v %v", v1, err)
	}
	// show and export follow --today.
	if it := decode[map[string]any](t, h.ok("catalog", "show", "XZCF", "--format", "json", "--today", "2020-01-01").Out); it["catalog"].(map[string]any)["id"].(float64) != 1 {
		t.Errorf("show on 2020-01-01: %v", it["catalog"])
	}
	if out := h.ok("catalog", "export", "--today", "2020-01-01").Out; !strings.Contains(out, "objection_review: 10") {
		t.Errorf("export on 2020-01-01 is not version 1")
	}
}
