package ingest

import (
	"slices"
	"strings"
	"testing"

	"credit/catalogs"
	"credit/internal/catalog"
	"credit/internal/civil"
)

// 第二条 with 民法典 第十七条 (18 is adult) and 第十八条第二款 (16–17 living mainly
// on one's own labour income is treated as having full capacity). Ages are
// counted on the decision date by the birthday rule (n full years on the
// n-th anniversary of the birth date).
//
// The ID numbers were made for these birth dates with region 110105 and
// sequence 001; check codes by the GB 11643 weights 7 9 10 5 8 4 2 1 6 3 7 9
// 10 5 8 4 2, e.g. 110105 20070610 001: 7+9+0+5+0+20+4+0+0+21+0+54+10+0+0+0+2
// = 132, 132 mod 11 = 0 → "1" (table 1 0 X 9 8 7 6 5 4 3 2).
func TestFullCapacityAges(t *testing.T) {
	name, data := catalogs.Default()
	cat, err := catalog.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	header := append(slices.Clone(fuzzNationalHeader), ColOwnIncome)
	plan, err := NewPlan(cat, cat.Item("XZCF"), header, fuzzToday, false, false, "m.csv")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		id, decided, mark string
		ok, warned        bool
		age               string // the age the message names
	}{
		// Born 2007-06-10: 18 on 2025-06-10 exactly; the mark changes nothing.
		{"110105200706100011", "2025-06-10", "", true, false, ""},
		{"110105200706100011", "2025-06-10", "是", true, false, ""},
		// Born 2007-06-11: still 17 on 2025-06-10 (the day before).
		{"110105200706110017", "2025-06-10", "", false, false, "17 周岁"},
		{"110105200706110017", "2025-06-10", "否", false, false, "17 周岁"},
		{"110105200706110017", "2025-06-10", "是", true, true, "17 周岁"},
		// Born 2009-06-10: 16 on 2025-06-10, the mark makes the record lawful.
		{"110105200906100016", "2025-06-10", "是", true, true, "16 周岁"},
		{"110105200906100016", "2025-06-10", "", false, false, "16 周岁"},
		// Born 2009-06-11: 15 on 2025-06-10: never, whatever the mark.
		{"110105200906110011", "2025-06-10", "是", false, false, "15 周岁"},
		{"110105200906110011", "2025-06-10", "", false, false, "15 周岁"},
		// Born 2008-03-01: 17 on 2025-11-28 (decision dates before today).
		{"110105200803010018", "2025-11-28", "", false, false, "17 周岁"},
	}
	for _, c := range cases {
		row := strings.Split(fuzzRow(map[string]string{
			"行政相对人名称": "李四", "行政相对人类别": "自然人", "行政相对人代码_1（统一社会信用代码）": "",
			"证件类型": "身份证", "证件号码": c.id, "法定代表人": "", "法定代表人证件类型": "", "法定代表人证件号码": "",
			"处罚决定日期": c.decided,
		}, c.mark), "\t")
		got := plan.Check(2, row)
		if got.OK() != c.ok || (len(got.Warnings) > 0) != c.warned {
			t.Errorf("%s on %s mark %q: ok %v warnings %v problems %v", c.id, c.decided, c.mark, got.OK(), got.Warnings, got.Problems)
			continue
		}
		msg := ""
		switch {
		case !got.OK():
			if got.Problems[0].Reason != "minor_subject" || got.Problems[0].Field != "证件号码" {
				t.Errorf("%s: reason %s", c.id, got.Problems[0].Reason)
			}
			msg = got.Problems[0].Msg
			if !strings.Contains(msg, "第二条") || !strings.Contains(msg, "第十七条") || !strings.Contains(msg, "第十八条第二款") {
				t.Errorf("%s: the message must cite 第二条, 第十七条 and 第十八条第二款: %s", c.id, msg)
			}
		case c.warned:
			w := got.Warnings[0]
			msg = w.Zh
			if w.Reason != WarnCapacityByIncome || w.Field != "证件号码" || !strings.Contains(w.Zh, "第二条") || !strings.Contains(w.Zh, "第十八条第二款") || !strings.Contains(w.En, "art. 18(2)") {
				t.Errorf("%s: warning %+v", c.id, w)
			}
			if got.Values[plan.ownIncomeF] != "是" {
				t.Errorf("the mark is stored with the record: %v", got.Values)
			}
		}
		if c.age != "" && !strings.Contains(msg, c.age) {
			t.Errorf("%s: the message should say %s: %s", c.id, c.age, msg)
		}
	}

	// Only 是 or 否.
	if got := plan.Check(2, strings.Split(fuzzRow(nil, "Y"), "\t")); got.OK() || got.Problems[0].Field != ColOwnIncome || got.Problems[0].Reason != "enum" {
		t.Errorf("mark Y: %v", got.Problems)
	}
}

// The worked example of the issue: a person born 2008-03-01 is 17 on
// 2026-02-28 and 18 on 2026-03-01.
func TestFullCapacityBirthday(t *testing.T) {
	name, data := catalogs.Default()
	cat, _ := catalog.Parse(name, data)
	plan := &Plan{Catalog: cat, Item: cat.Item("XZCF"), ownIncomeF: -1}
	for day, ok := range map[string]bool{"2026-02-28": false, "2026-03-01": true} {
		c := &Checked{SubjectCode: "110105200803010018"}
		c.DecidedOn = civil.MustParse(day)
		if plan.fullCapacity(c, "证件号码") != ok {
			t.Errorf("born 2008-03-01, decided %s: full capacity should be %v (%v)", day, ok, c.Problems)
		}
	}
}

// Items without natural-person subjects do not take the column.
func TestOwnIncomeColumnOnlyForPersons(t *testing.T) {
	name, data := catalogs.Default()
	cat, _ := catalog.Parse(name, data)
	for _, it := range cat.Items {
		var header []string
		for _, f := range it.Fields {
			header = append(header, f.Name)
		}
		p, err := NewPlan(cat, it, header, fuzzToday, false, false, "x.csv")
		if err != nil {
			t.Fatal(err)
		}
		persons := slices.Contains(it.Subjects, catalog.NaturalPerson)
		if slices.Contains(p.Layout, ColOwnIncome) != persons {
			t.Errorf("%s: layout %v", it.Code, p.Layout)
		}
	}
}
