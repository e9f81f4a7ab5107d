package sanction

import (
	"strings"
	"testing"

	"credit/internal/apperr"
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
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := ParseMeasures("m.yaml", []byte("measures:\n  - "+good+"  - "+good)); err == nil || !strings.Contains(err.Error(), "duplicate") {
		t.Errorf("duplicate codes: %v", err)
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
