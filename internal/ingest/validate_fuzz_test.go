package ingest

// Fuzz targets of the row validator and the date and amount parsers
// (issue 4 point 10, SPEC §7 "no input makes the program panic"). Their seed
// corpora run in `go test` (and so in `make test`); `make fuzz` explores.

import (
	"slices"
	"strings"
	"testing"

	"credit/catalogs"
	"credit/internal/catalog"
	"credit/internal/civil"
)

// fuzzNationalHeader is the national 行政处罚 layout (the 30 双公示 fields,
// reference/domain.md §1.1), as provider files and scripts/gendata carry it.
var fuzzNationalHeader = []string{
	"行政相对人名称", "行政相对人类别", "行政相对人代码_1（统一社会信用代码）", "行政相对人代码_2（工商注册号）",
	"行政相对人代码_3（组织机构代码）", "行政相对人代码_4（税务登记号）", "行政相对人代码_5（事业单位证书号）",
	"行政相对人代码_6（社会组织登记证号）", "法定代表人", "法定代表人证件类型", "法定代表人证件号码", "证件类型", "证件号码",
	"行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容", "罚款金额（万元）",
	"没收违法所得、没收非法财物的金额（万元）", "暂扣或吊销证照名称及编号", "处罚决定日期", "处罚有效期", "公示截止期",
	"处罚机关", "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码", "备注",
}

// rowReasons are the row reason codes of SPEC §H: the only reasons a row
// may be rejected with.
var rowReasons = []string{"required", "type", "length", "enum", "check_digit", "date_invalid", "date_future", "amount",
	"duplicate_in_file", "record_locked", "minor_subject", "subject_mismatch"}

var fuzzToday = civil.MustParse("2025-12-01")

// fuzzPlans are plans for the default catalog's XZCF item: the national
// header alone, and with the extra columns a negative item accepts.
func fuzzPlans(tb testing.TB) (national, extras *Plan) {
	tb.Helper()
	name, data := catalogs.Default()
	cat, err := catalog.Parse(name, data)
	if err != nil {
		tb.Fatalf("the default catalog does not parse: %v", err)
	}
	item := cat.Item("XZCF")
	if item == nil {
		tb.Fatal("the default catalog has no XZCF")
	}
	national, err = NewPlan(cat, item, fuzzNationalHeader, fuzzToday, false, false, "fuzz.csv")
	if err != nil {
		tb.Fatalf("plan for the national header: %v", err)
	}
	extras, err = NewPlan(cat, item, append(slices.Clone(fuzzNationalHeader), ExtraColumns...), fuzzToday, false, false, "fuzz.csv")
	if err != nil {
		tb.Fatalf("plan for the national header and extra columns: %v", err)
	}
	return national, extras
}

// fuzzRow is a valid national row (codes from the standards' published
// examples) with some cells replaced, joined by tabs.
func fuzzRow(set map[string]string, extra ...string) string {
	base := map[string]string{
		"行政相对人名称": "甲公司", "行政相对人类别": "法人及非法人组织", "行政相对人代码_1（统一社会信用代码）": "91350100M000100Y43",
		"法定代表人": "张三", "法定代表人证件类型": "身份证", "法定代表人证件号码": "11010519491231002X",
		"行政处罚决定书文号": "通市监罚〔2025〕1号", "违法行为类型": "虚假广告", "违法事实": "发布虚假广告",
		"处罚依据": "《广告法》第五十五条", "处罚类别": "罚款", "处罚内容": "罚款20000元", "罚款金额（万元）": "2",
		"处罚决定日期": "2025-06-10", "处罚有效期": "2026-06-10", "处罚机关": "南通市市场监督管理局",
		"处罚机关统一社会信用代码": "11100000000013127D", "数据来源单位": "南通市市场监督管理局", "数据来源单位统一社会信用代码": "11100000000013127D",
	}
	for k, v := range set {
		base[k] = v
	}
	cells := make([]string, len(fuzzNationalHeader))
	for i, h := range fuzzNationalHeader {
		cells[i] = base[h]
	}
	return strings.Join(append(cells, extra...), "\t")
}

// fuzzCells splits a fuzz input into exactly n cells.
func fuzzCells(row string, n int) []string {
	cells := strings.Split(row, "\t")
	if len(cells) > n {
		cells = cells[:n]
	}
	for len(cells) < n {
		cells = append(cells, "")
	}
	return cells
}

func FuzzCheckRow(f *testing.F) {
	national, extras := fuzzPlans(f)
	valid := fuzzRow(nil)
	if c := national.Check(2, fuzzCells(valid, len(national.Header))); !c.OK() {
		f.Fatalf("the valid seed row is rejected: %+v", c.Problems)
	}
	f.Add(valid, false)
	f.Add(fuzzRow(nil, "严重", "一般程序", "11010519491231002X", "11010519491231002X；110105194912310021"), true)
	f.Add(fuzzRow(nil, "较重", "快速程序", "123", ""), true)
	f.Add(fuzzRow(map[string]string{"行政相对人代码_1（统一社会信用代码）": "91350100M000100Y4X"}), false) // check_digit
	f.Add(fuzzRow(map[string]string{"行政处罚决定书文号": ""}), false)                             // required
	f.Add(fuzzRow(map[string]string{"处罚决定日期": "2025-02-30"}), false)                      // date_invalid
	f.Add(fuzzRow(map[string]string{"处罚类别": "训诫"}), false)                                // enum
	f.Add(fuzzRow(map[string]string{"处罚类别": "罚款；；没收违法所得、"}), false)                       // multiple values, empty parts
	f.Add(fuzzRow(map[string]string{"处罚决定日期": "2026-01-05"}), false)                      // date_future
	f.Add(fuzzRow(map[string]string{"罚款金额（万元）": "-3"}), false)                            // amount
	f.Add(fuzzRow(map[string]string{"罚款金额（万元）": "1,234.50"}), false)
	f.Add(fuzzRow(map[string]string{"行政处罚决定书文号": strings.Repeat("长", 300)}), false) // length
	f.Add(fuzzRow(map[string]string{                                                // a minor natural person
		"行政相对人名称": "李四", "行政相对人类别": "自然人", "行政相对人代码_1（统一社会信用代码）": "", "法定代表人": "",
		"法定代表人证件类型": "", "法定代表人证件号码": "", "证件类型": "身份证", "证件号码": "110105201001010015",
	}), false)
	f.Add(fuzzRow(map[string]string{ // a natural person named by a USCC
		"行政相对人类别": "自然人", "证件类型": "", "证件号码": "91350100M000100Y43",
	}), false)
	f.Add(fuzzRow(map[string]string{"法定代表人证件类型": "护照", "法定代表人证件号码": "E12345678"}), false)
	f.Add(fuzzRow(map[string]string{"处罚决定日期": "45123", "处罚有效期": "2025年13月1日"}), false)
	f.Add("", false)
	f.Add("\t\t\t", true)
	f.Add(strings.Repeat("\xff\t", 40), true)

	f.Fuzz(func(t *testing.T, row string, withExtras bool) {
		p := national
		if withExtras {
			p = extras
		}
		cells := fuzzCells(row, len(p.Header))
		c := p.Check(2, cells)
		if c == nil {
			t.Fatal("Check returned nil")
		}
		if c.Line != 2 || len(c.Values) != len(p.Layout) || len(c.Present) != len(p.Layout) {
			t.Fatalf("line %d, %d values, %d present flags for a %d-field layout", c.Line, len(c.Values), len(c.Present), len(p.Layout))
		}
		for _, pr := range c.Problems {
			if pr.Field == "" {
				t.Errorf("problem without a field: %+v", pr)
			}
			if !slices.Contains(rowReasons, pr.Reason) {
				t.Errorf("problem with reason %q, not a row reason code of SPEC §H: %+v", pr.Reason, pr)
			}
			if pr.Msg == "" {
				t.Errorf("problem without a message: %+v", pr)
			}
		}
		if c.OK() {
			if c.SubjectCode == "" || c.Key == "" {
				t.Errorf("an accepted row without subject (%q) or key (%q)", c.SubjectCode, c.Key)
			}
			if c.DecidedOn.After(fuzzToday) {
				t.Errorf("an accepted row decided on %s, after today %s", c.DecidedOn, fuzzToday)
			}
		}
		// Checking is a function of the row: the same cells give the same verdict.
		again := p.Check(2, fuzzCells(row, len(p.Header)))
		if !slices.Equal(again.Problems, c.Problems) || again.Key != c.Key || !slices.Equal(again.Values, c.Values) {
			t.Errorf("two checks of the same row differ:\n%+v\n%+v", c.Problems, again.Problems)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-03-05", "2025/3/5", "20250305", "2025年3月5日", "2025-03-05 00:00:00", "2025-03-05T08:00:00+08:00",
		"2025.03.05", "2025-02-30", "2024-02-29", "0000-01-01", "9999-12-31", "2025-3-", "年月日", "2025年3月5", "", " ", "20251305",
		"1,234.50", "0.000", "007", ".5", "1.", "-1", "１２３", "12345678901234567890123456789012345678901"} {
		f.Add(s)
	}
	// Found by this target: a 40-byte amount whose canonical text (with its
	// leading "0") is 41 bytes, over ParseAmount's own limit.
	f.Add(".000000000000000000000000000000000000001")
	f.Fuzz(func(t *testing.T, s string) {
		if d, ok := ParseDate(s); ok {
			if !civil.Valid(d.Year, d.Month, d.Day) {
				t.Fatalf("ParseDate(%q) = %v, not a real day", s, d)
			}
			back, ok := ParseDate(d.String())
			if !ok || back != d {
				t.Fatalf("ParseDate(%q) = %v, but ParseDate(%q) = %v, %v", s, d, d.String(), back, ok)
			}
		}
		if a, ok := ParseAmount(s); ok {
			if a == "" || strings.HasPrefix(a, "-") {
				t.Fatalf("ParseAmount(%q) = %q", s, a)
			}
			back, ok := ParseAmount(a)
			if !ok || back != a {
				t.Fatalf("ParseAmount(%q) = %q, but ParseAmount(%q) = %q, %v: not canonical", s, a, a, back, ok)
			}
		}
	})
}

func TestParseDateForms(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" when invalid
	}{
		{"2025-03-05", "2025-03-05"},
		{"2025/3/5", "2025-03-05"},
		{"2025/03/05", "2025-03-05"},
		{"20250305", "2025-03-05"},
		{"2025年3月5日", "2025-03-05"},
		{"2025年03月05日", "2025-03-05"},
		{"2025-03-05 00:00:00", "2025-03-05"},
		{" 2025-03-05 ", "2025-03-05"},
		{"2024-02-29", "2024-02-29"},
		{"2025-02-30", ""},
		{"2025-02-29", ""},
		{"2025-13-01", ""},
		{"2025-00-10", ""},
		{"20250230", ""},
		{"2025年2月30日", ""},
		{"25-03-05", ""},
		{"2025-3", ""},
		{"", ""},
		{"junk", ""},
		{"2025-0a-05", ""},
		{"明天", ""},
		// typed with a Chinese input method: full-width digits and marks (issue 19)
		{"２０２５－０３－０５", "2025-03-05"},
		{"２０２５／３／５", "2025-03-05"},
		{"２０２５年３月５日", "2025-03-05"},
		{"２０２５０３０５", "2025-03-05"},
		{"　２０２５－０３－０５　", "2025-03-05"},
		{"２０２５－０２－３０", ""},
	} {
		d, ok := ParseDate(tc.in)
		switch {
		case tc.want == "" && ok:
			t.Errorf("ParseDate(%q) = %v, want invalid", tc.in, d)
		case tc.want != "" && !ok:
			t.Errorf("ParseDate(%q) invalid, want %s", tc.in, tc.want)
		case tc.want != "" && d.String() != tc.want:
			t.Errorf("ParseDate(%q) = %v, want %s", tc.in, d, tc.want)
		}
	}
}

// Full-width digits, point and comma (１２３．５, １，０００) are the amounts
// typed with a Chinese input method; they read as their ASCII twins (issue 19).
func TestParseAmountFullWidth(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"１２３．５", "123.5"},
		{"１，０００", "1000"},
		{"１,０００．００", "1000"},
		{"０．５０", "0.5"},
		{"　２０　", "20"},
		{"１２３。５", ""}, // the ideographic full stop is no decimal point
		{"１２ａ", ""},
	} {
		got, ok := ParseAmount(tc.in)
		if tc.want == "" {
			if ok {
				t.Errorf("ParseAmount(%q) = %q, want invalid", tc.in, got)
			}
			continue
		}
		if !ok || got != tc.want {
			t.Errorf("ParseAmount(%q) = %q, %v, want %s", tc.in, got, ok, tc.want)
		}
	}
}
