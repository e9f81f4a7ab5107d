package langcheck

import (
	"reflect"
	"testing"
)

// Known answers written by hand: what is the wrong script and what is not.
func TestCheck(t *testing.T) {
	cases := []struct {
		text, lang string
		want       []string
	}{
		{"Usage:\n  credit objection list [flags]", "zh", []string{"Usage"}},
		{"用法：\n  credit objection list [flags]", "zh", nil},                                // a usage line as typed
		{"  credit import x.csv   # 归集 / import a file", "zh", []string{"import", "file"}}, // the comment is prose ("a": a single letter passes)
		{"审核决定  upheld", "zh", []string{"upheld"}},
		{"依据  batch:4", "zh", []string{"batch:4", "batch"}},
		{"摘要 name:2:sha256:…", "zh", nil},
		{"格式 table|json|csv，默认 \"table\"，见 docs/cli.md，--format 参数", "zh", nil},
		{"CREDIT_DB 与 XZCF、FILE", "zh", nil},
		{"哈希 5ec411dca4757187e83993599b9b498b", "zh", nil},
		{"请办理“更正”（correct）或（with\ndraw）", "zh", []string{"correct", "with", "draw"}},
		{"help for objection", "en", nil},
		{"显示 objection 的帮助", "en", []string{"显示", "的帮助"}},
		{"registered by their 统一社会信用代码", "en", nil},
		{"  credit objection file --applicant 甲公司 # file one", "en", nil},
	}
	for _, c := range cases {
		var got []string
		for _, h := range Check(c.text, c.lang, nil) {
			got = append(got, h.Word)
		}
		if !reflect.DeepEqual(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
			t.Errorf("Check(%q, %s) = %q, want %q", c.text, c.lang, got, c.want)
		}
	}
	// With the command names allowed, a word wrapped at a line's end is
	// read whole; the id stays wrong.
	allow := map[string]bool{"withdraw": true, "correct": true, "batch": true}
	if hits := Check("请办理“更正”（correct）或（with\ndraw）", "zh", allow); len(hits) != 0 {
		t.Errorf("wrapped withdraw: %v", hits)
	}
	if hits := Check("依据  batch:4", "zh", allow); len(hits) != 1 || hits[0].Word != "batch:4" {
		t.Errorf("batch:4 with batch allowed: %v", hits)
	}
}
