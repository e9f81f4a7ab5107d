package tui

import "testing"

// The measures' articles named in English, worked by hand from the
// Chinese numerals (三十一 = 31, 三十四 = 34, 十七 = 17, 十 = 10).
func TestArticleEn(t *testing.T) {
	cases := map[string]string{
		"第三十一条":    "article 31",
		"第十七条":     "article 17",
		"第十条":      "article 10",
		"第三十四条(二)": "article 34(2)",
		"a year has not passed (第三十四条(二))": "a year has not passed (article 34(2))",
		"本办公室规则（服务第三十四条）":                  "office rule (serving article 34)",
		"第三十一条、第三十二条":                      "article 31, article 32",
		"罚款金额（万元） is wrong":                "罚款金额（万元） is wrong", // data in brackets stays
	}
	for in, want := range cases {
		if got := articleEn(in); got != want {
			t.Errorf("articleEn(%q) = %q, want %q", in, got, want)
		}
	}
}

// The command line's verb after a step's Chinese name is dropped; a reason
// code in brackets is not a verb and stays.
func TestPlainVerbs(t *testing.T) {
	cases := map[string]string{
		"请办理“更正”（correct）或“撤除信息”（withdraw）": "请办理“更正”或“撤除信息”",
		"本异议可直接办结（close）":                   "本异议可直接办结",
		"“两万”不是有效金额（amount）":                "“两万”不是有效金额（amount）",
	}
	for in, want := range cases {
		if got := plainVerbs(in); got != want {
			t.Errorf("plainVerbs(%q) = %q, want %q", in, got, want)
		}
	}
}

// English wraps at spaces; a word longer than the line is cut.
func TestWrapEnglish(t *testing.T) {
	got := wrapIn("en", "correct the record; withdrawal is for prohibited", 20)
	want := []string{"correct the record;", "withdrawal is for", "prohibited"}
	if len(got) != len(want) {
		t.Fatalf("wrapIn = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("wrapIn = %q, want %q", got, want)
		}
	}
	if got := wrapIn("en", "abcdefghij", 4); len(got) != 3 || got[0] != "abcd" || got[2] != "ij" {
		t.Fatalf("a long word: %q", got)
	}
}
