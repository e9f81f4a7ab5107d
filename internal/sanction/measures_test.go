package sanction

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"credit/catalogs"
	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/store"
)

func TestDefaultMeasuresFollowTheDraft(t *testing.T) {
	l, err := DefaultMeasures()
	if err != nil {
		t.Fatal(err)
	}
	if !l.IsDraft() || !strings.Contains(l.CheckAgainst, "发改财金规〔2024〕203号") {
		t.Fatalf("the list must say it is a draft to check against 203号: %+v", l)
	}
	// Codes, categories and confidence as in reference/measures-draft.yaml.
	want := map[string][2]string{
		"CJ01": {"reduce-rights", "high"}, "CJ02": {"reduce-rights", "high"}, "CJ03": {"reduce-rights", "medium"},
		"CJ08": {"reduce-rights", "high"}, "CJ10": {"reduce-rights", "high"}, "CJ11": {"reduce-rights", "high"},
		"CJ13": {"add-obligations", "medium"}, "CJ14": {"add-obligations", "medium"}, "CJ15": {"add-obligations", "medium"},
		"CJ16": {"other", "medium"}, "CJ18": {"other", "high"}, "CJ19": {"other", "medium"},
		"JL01": {"reward", "medium"}, "JL05": {"reward", "medium"},
	}
	if len(l.Measures) != 24 {
		t.Fatalf("%d measures, want the draft's 24", len(l.Measures))
	}
	for code, w := range want {
		m := l.Measure(code)
		if m == nil || string(m.Category) != w[0] || m.Confidence != w[1] {
			t.Errorf("%s = %+v, want %v", code, m, w)
		}
	}
	for _, m := range l.Measures {
		if m.Basis == "" || m.Source == "" || m.Departments == "" || m.Targets == "" {
			t.Errorf("%s lacks basis, source, departments or targets", m.Code)
		}
		if (m.Kind() == KindReward) != strings.HasPrefix(m.Code, "JL") {
			t.Errorf("%s kind %s", m.Code, m.Kind())
		}
	}
	// The draft's own matters that are in the shared list are kept.
	if got := strings.Join(l.Measure("CJ02").Matters, ","); got != "招标投标,公共资源交易" {
		t.Errorf("CJ02 matters %s", got)
	}
}

func TestUnconfirmed(t *testing.T) {
	cases := []struct {
		confidence, basis string
		n                 int
	}{
		{"high", "《政府采购法》第二十二条 [SRC]", 0},
		{"high", "《公司法》第一百七十八条 [MEM]", 1},
		{"medium", "国发〔2016〕33号 [SRC]", 1},
		{"low", "something [MEM; text exists]", 2},
	}
	for _, c := range cases {
		m := &Measure{Confidence: c.confidence, Basis: c.basis}
		if got := len(m.Unconfirmed("zh")); got != c.n || m.Confirmed() != (c.n == 0) {
			t.Errorf("%s %q: %d reasons, want %d", c.confidence, c.basis, got, c.n)
		}
	}
}

func TestParseMatter(t *testing.T) {
	for _, m := range Matters {
		if got, err := ParseMatter(" " + m + " "); err != nil || got != m {
			t.Errorf("ParseMatter(%s) = %q, %v", m, got, err)
		}
	}
	for _, bad := range []string{"", "采购", "政府采购 招标投标"} {
		_, err := ParseMatter(bad)
		if apperr.CodeOf(err) != apperr.Usage || !strings.Contains(err.Error(), "政府采购、招标投标") {
			t.Errorf("ParseMatter(%q) = %v", bad, err)
		}
	}
}

func TestParseMeasuresRefusesBadEntries(t *testing.T) {
	good := "code: X1\n    name: n\n    category: reduce-rights\n    lists: [black]\n    records: [serious]\n    matters: [政府采购]\n    confidence: high\n"
	cases := []struct{ name, entry, want string }{
		{"good", good, ""},
		{"unknown key", good + "    colour: red\n", "colour"},
		{"category", strings.Replace(good, "reduce-rights", "punish", 1), "category"},
		{"matter", strings.Replace(good, "[政府采购]", "[市场准入]", 1), "市场准入"},
		{"list type", strings.Replace(good, "[black]", "[grey]", 1), "grey"},
		{"reward on black", strings.Replace(good, "reduce-rights", "reward", 1), "reward answers red lists only"},
		{"sanction on red", strings.Replace(strings.Replace(good, "[black]", "[red]", 1), "    records: [serious]\n", "", 1), "cannot answer a red list"},
		{"confidence", strings.Replace(good, "high", "sure", 1), "confidence"},
	}
	for _, c := range cases {
		_, err := ParseMeasures("m.yaml", []byte("measures:\n  - "+c.entry))
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(apperr.MessageOf(err, "en"), c.want)) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
		if c.want != "" && apperr.CodeOf(err) != apperr.Refused {
			t.Errorf("%s: exit %d, want 4 (refused whole)", c.name, apperr.CodeOf(err))
		}
	}
	if _, err := ParseMeasures("m.yaml", []byte("measures:\n  - "+good+"  - "+good)); err == nil || !strings.Contains(apperr.MessageOf(err, "en"), "duplicate") {
		t.Errorf("duplicate codes: %v", err)
	}
}

// Each problem names the file, the line and the key path.
func TestParseMeasuresNamesLineAndKey(t *testing.T) {
	file := "title: t\n" + // 1
		"measures:\n" + // 2
		"  - code: X1\n" + // 3
		"    name: n\n" + // 4
		"    category: reduce-rights\n" + // 5
		"    lists: [black]\n" + // 6
		"    matters: [政府采购]\n" + // 7
		"    confidence: high\n" + // 8
		"  - code: X2\n" + // 9
		"    name: m\n" + // 10
		"    category: punish\n" + // 11
		"    lists: [black, grey]\n" + // 12
		"    matters: [政府采购]\n" + // 13
		"    confidence: sure\n" // 14
	_, err := ParseMeasures("edited.yaml", []byte(file))
	ps, ok := catalog.ProblemsOf(err)
	if !ok || apperr.CodeOf(err) != apperr.Refused {
		t.Fatalf("want problems, exit 4: %v", err)
	}
	want := []string{
		"edited.yaml:11: measures[1].category: ",
		"edited.yaml:12: measures[1].lists[1]: ",
		"edited.yaml:14: measures[1].confidence: ",
	}
	if len(ps) != len(want) {
		t.Fatalf("problems: %v", ps)
	}
	for i, w := range want {
		if got := ps[i].Text("en"); !strings.HasPrefix(got, w) {
			t.Errorf("problem %d = %q, want prefix %q", i, got, w)
		}
	}
	// An unknown key: the decoder's line.
	_, err = ParseMeasures("edited.yaml", []byte(strings.Replace(file, "    name: m\n", "    nmae: m\n", 1)))
	ps, _ = catalog.ProblemsOf(err)
	if len(ps) != 1 || ps[0].Line != 10 || !strings.Contains(ps[0].Text("en"), "nmae") {
		t.Errorf("unknown key: %v", err)
	}
}

// The list in force is the built-in one until an administrator applies one;
// then the latest applied.
func TestMeasuresInForce(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "c.db"), store.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	l, v, err := MeasuresInForce(ctx, st)
	if err != nil || v.ID != 0 || len(l.Measures) != 24 {
		t.Fatalf("built-in: %d measures, version %+v, %v", len(l.Measures), v, err)
	}
	_, text := catalogs.Measures()
	edited := strings.Replace(string(text), "  - code: JL05", "  - code: JL06\n    name: 新措施\n    category: reward\n    lists: [red]\n"+
		"    matters: [评优评级]\n    confidence: low\n    source: test\n\n  - code: JL05", 1)
	a := store.Actor{Operator: "alice", Today: civil.MustParse("2025-12-01")}
	for i := 0; i < 2; i++ { // the second time changes nothing
		err = st.Write(ctx, a, func(tx *store.Tx) error {
			_, unchanged, err := tx.ApplyMeasures([]byte(edited))
			if unchanged != (i == 1) {
				t.Errorf("apply %d: unchanged = %v", i, unchanged)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	l2, v, err := MeasuresInForce(ctx, st)
	if err != nil || v.ID != 1 || len(l2.Measures) != 25 || l2.Measure("JL06") == nil || l2.Measure("JL06").Name != "新措施" {
		t.Fatalf("applied: version %+v, %v", v, err)
	}
	added, removed, changed := l.Compare(l2)
	if strings.Join(added, ",") != "JL06" || len(removed)+len(changed) != 0 {
		t.Errorf("compare: %v %v %v", added, removed, changed)
	}
}

func TestApplicableByListAndMatter(t *testing.T) {
	l, _ := DefaultMeasures()
	black := Hits{Entries: []EntryHit{{ID: "R1", List: ListBlack}}}
	red := Hits{Entries: []EntryHit{{ID: "M2", List: ListRed}}}
	serious := Hits{Records: []RecordHit{{RecordID: 7, Item: "XZCF", Role: "legal_rep"}}}
	codes := func(ms []MeasureHit) string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Code)
		}
		return strings.Join(out, ",")
	}
	cases := []struct {
		h      Hits
		matter string
		want   string
	}{
		{black, "政府采购", "CJ01"},
		{serious, "政府采购", "CJ01"},
		{red, "政府采购", ""},
		{red, "行政许可", "JL01"},
		{red, "评优评级", "JL05"},
		{black, "财政资金", "CJ04"},
		{Hits{}, "政府采购", ""},
	}
	for _, c := range cases {
		if got := codes(l.Applicable(c.h, c.matter)); got != c.want {
			t.Errorf("%+v %s: %s, want %s", c.h, c.matter, got, c.want)
		}
	}
	g := l.Measure("CJ01").Grounds(Hits{Entries: black.Entries, Records: serious.Records})
	if len(g) != 2 || g[0].Label("zh") != "黑名单 R1" || g[1].Label("zh") != "严重失信记录 #7 XZCF（法定代表人（第二十九条））" {
		t.Errorf("grounds: %+v", g)
	}
}
