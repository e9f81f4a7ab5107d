package archive

import "testing"

// A list filter matches codes and names (issue 19); in a masking scope a
// natural person is matched by the whole ID number only, so that a filter
// never confirms the name the scope shows as 张*. 11010519491231002X is GB
// 11643's example number; 91350100M000100Y43 a valid 统一社会信用代码.
func TestSubjectFilter(t *testing.T) {
	const (
		org    = "91350100M000100Y43"
		person = "11010519491231002X"
		np     = "natural_person"
		o      = "organisation"
	)
	cases := []struct {
		text  string
		masks bool
		code  string
		name  string
		kind  string
		want  bool
	}{
		{"", false, org, "甲公司", o, true},
		{"甲公司", false, org, "南通甲公司", o, true},
		{"甲 公司", false, org, "南通甲公司", o, true}, // names compare normalised
		{"乙公司", false, org, "南通甲公司", o, false},
		{"91350100", false, org, "南通甲公司", o, true}, // a code's beginning
		{"９１３５０１００Ｍ０００１００Ｙ４３", false, org, "南通甲公司", o, true},
		{"91350100m000100y43", false, org, "南通甲公司", o, true},
		{"张三", false, person, "张三", np, true}, // office: names shown, names filter
		{"110105", false, person, "张三", np, true},
		// Public or authorized scope: a person by the whole number only.
		{"张三", true, person, "张三", np, false},
		{"张", true, person, "张三", np, false},
		{"110105", true, person, "张三", np, false},
		{person, true, person, "张三", np, true},
		{"甲公司", true, org, "南通甲公司", o, true}, // organisations are not masked
	}
	for _, c := range cases {
		if got := NewSubjectFilter(c.text, c.masks).Match(c.code, c.name, c.kind); got != c.want {
			t.Errorf("filter %q (masks %v) on %s %s: %v, want %v", c.text, c.masks, c.code, c.name, got, c.want)
		}
	}
}
