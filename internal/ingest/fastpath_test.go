package ingest

// The row checker's fast paths (ParseDate and ParseAmount without
// allocations, upper, and the plan's precomputed catalog lookups) against
// the straightforward code they replace: the ref* functions are that code,
// kept verbatim, or the catalog's own functions.

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/width"

	"credit/internal/catalog"
	"credit/internal/civil"
)

// refFold folds full-width ASCII and the ideographic space to half-width
// with golang.org/x/text/width: dates and amounts typed with a Chinese input
// method read as their ASCII twins (issue 19).
func refFold(s string) string {
	var b strings.Builder
	for _, r := range s {
		if (r >= 0xFF01 && r <= 0xFF5E) || r == 0x3000 {
			r = width.LookupRune(r).Narrow()
		}
		b.WriteRune(r)
	}
	return b.String()
}

func refParseDate(s string) (civil.Date, bool) {
	s = strings.TrimSpace(refFold(s))
	if i := strings.IndexAny(s, " T"); i >= 8 {
		s = s[:i]
	}
	var parts []string
	switch {
	case len(s) == 8 && digits(s):
		parts = []string{s[:4], s[4:6], s[6:]}
	case strings.HasSuffix(s, "日") && strings.Contains(s, "年") && strings.Contains(s, "月"):
		y, rest, _ := strings.Cut(strings.TrimSuffix(s, "日"), "年")
		m, d, _ := strings.Cut(rest, "月")
		parts = []string{y, m, d}
	case strings.Count(s, "-") == 2:
		parts = strings.Split(s, "-")
	case strings.Count(s, "/") == 2:
		parts = strings.Split(s, "/")
	case strings.Count(s, ".") == 2:
		parts = strings.Split(s, ".")
	default:
		return civil.Date{}, false
	}
	if len(parts[0]) != 4 || len(parts[1]) < 1 || len(parts[1]) > 2 || len(parts[2]) < 1 || len(parts[2]) > 2 {
		return civil.Date{}, false
	}
	var n [3]int
	for i, p := range parts {
		if !digits(p) {
			return civil.Date{}, false
		}
		n[i], _ = strconv.Atoi(p)
	}
	if !civil.Valid(n[0], time.Month(n[1]), n[2]) {
		return civil.Date{}, false
	}
	return civil.Date{Year: n[0], Month: time.Month(n[1]), Day: n[2]}, true
}

func refParseAmount(s string) (string, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(refFold(s)), ",", "")
	s = strings.ReplaceAll(s, "，", "")
	if s == "" || len(s) > 64 {
		return "", false
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" && frac == "" {
		return "", false
	}
	if intPart == "" {
		intPart = "0"
	}
	if !digits(intPart) || (hasDot && frac != "" && !digits(frac)) {
		return "", false
	}
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	frac = strings.TrimRight(frac, "0")
	if len(intPart)+len(frac) > 40 {
		return "", false
	}
	if frac == "" {
		return intPart, true
	}
	return intPart + "." + frac, true
}

var parseSeeds = []string{"2025-03-05", "2025/3/5", "20250305", "2025年3月5日", "2025-03-05 00:00:00", "2025-03-05T08:00:00", "2025.03.05",
	"2025-02-30", "2024-02-29", "0000-01-01", "9999-12-31", " 2025-03-05 ", "2025-3-", "2025--03", "2025-0a-05", "2025-13-01",
	"2025年13月1日", "2025年3月5", "年月日", "月2025年3日", "2025-3-5-", "2025/03/05 10:00", "2025 -03-05", "20251305", "00010101",
	"2025-03-05T", "202503051", "-2025-03-05", "2025-03-+5", "+202-03-05", "2025-03-05-", "2025-03-0５", "２０２５-03-05",
	"8", "7.4", "0.830", "1,234.50", "1，234", "-3", ".5", "0", "00", "007.10", "1.", ".", "abc", "  12 ", "0.", "000.000",
	",", "1,,2", "12.30.1", "1.2.3", "0.50", "10.0500", "00.5", ".000", "1e3", strings.Repeat("9", 41), "0." + strings.Repeat("0", 39) + "1"}

func checkParsers(t *testing.T, s string) {
	t.Helper()
	d, ok := ParseDate(s)
	rd, rok := refParseDate(s)
	if d != rd || ok != rok {
		t.Fatalf("ParseDate(%q) = %v, %v; want %v, %v", s, d, ok, rd, rok)
	}
	if ok {
		if got, want := dateText(d, s), d.String(); got != want {
			t.Fatalf("dateText(%v, %q) = %q, want %q", d, s, got, want)
		}
	}
	a, ok := ParseAmount(s)
	ra, rok := refParseAmount(s)
	if a != ra || ok != rok {
		t.Fatalf("ParseAmount(%q) = %q, %v; want %q, %v", s, a, ok, ra, rok)
	}
	if got, want := upper(s), strings.ToUpper(s); got != want {
		t.Fatalf("upper(%q) = %q, want %q", s, got, want)
	}
}

func TestParsersMatchReference(t *testing.T) {
	for _, s := range parseSeeds {
		checkParsers(t, s)
	}
	for d := civil.MustParse("2023-12-25"); d.Year < 2025; d = d.AddDays(1) {
		y, m, day := d.Year, int(d.Month), d.Day
		for _, s := range []string{d.String(), strconv.Itoa(y) + "/" + strconv.Itoa(m) + "/" + strconv.Itoa(day),
			strconv.Itoa(y) + "年" + strconv.Itoa(m) + "月" + strconv.Itoa(day) + "日", strings.ReplaceAll(d.String(), "-", "")} {
			checkParsers(t, s)
		}
	}
	for m := 0; m <= 13; m++ {
		for day := 0; day <= 32; day++ {
			checkParsers(t, "2024-"+strconv.Itoa(100 + m)[1:]+"-"+strconv.Itoa(100 + day)[1:])
		}
	}
	// upper: every rune of the BMP alone and among CJK text.
	for r := rune(0); r < 0x10000; r++ {
		for _, s := range []string{string(r), "通" + string(r) + "罚〔2025〕"} {
			if got, want := upper(s), strings.ToUpper(s); got != want {
				t.Fatalf("upper(%q) = %q, want %q", s, got, want)
			}
		}
	}
}

func FuzzParsers(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add(s)
	}
	f.Fuzz(checkParsers)
}

// planCellSeeds are cells for the plan's catalog lookups: values of the
// default catalog's enum and kind fields, with separators, spaces and
// width variants.
var planCellSeeds = []string{"", " ", "罚款", "罚款；没收违法所得", "罚款;没收违法所得、警告", "；罚款；；", " 罚款 ；\u3000没收违法所得 ",
	"罚款；", "罚款；；警告", "罚款、", "罚 款", "训诫", "其他-某", "其他-", "其他", "自然人", " 自然人 ", "法人及非法人组织", "个体工商户",
	"身份证", "居民身份证", "00000000000000000X", "00000000000000000x", "吊销许可证件；行政拘留", "ｘ", "\u200b罚款", "罚款\xff",
	"暂扣许可证件", "没收非法财物", "护照号", "外国人永久居留身份证", "罚款；没收违法所得；吊销许可证件；责令关闭"}

func checkPlanLookups(t *testing.T, p *Plan, cell string) {
	t.Helper()
	it := p.Item
	if got, want := p.kindFor(cell), kindOf(it, cell); got != want {
		t.Fatalf("%s: kindFor(%q) = %q, want %q", it.Code, cell, got, want)
	}
	for i, f := range it.Fields {
		fp := &p.fields[i]
		// Required with cell in the field it depends on (and junk elsewhere).
		if f.Required.When != "" && !f.Required.Always {
			c := &Checked{Values: make([]string, len(p.Layout))}
			for k := range c.Values {
				c.Values[k] = "罚款"
			}
			if w := p.indexOf(f.Required.When); w >= 0 {
				c.Values[w] = cell
			}
			want := it.Required(f, func(name string) string {
				if w := p.indexOf(name); w >= 0 {
					return c.Values[w]
				}
				return ""
			})
			if got := p.required(c, fp); got != want {
				t.Fatalf("%s.%s: required with %q = %v, want %v", it.Code, f.Name, cell, got, want)
			}
		}
		if f.Type == catalog.Enum && strings.TrimSpace(cell) != "" {
			v := strings.TrimSpace(cell) // as Check holds it
			if got, want := fp.allowedAll(f.Multiple, v), len(f.BadValues(v)) == 0; got != want {
				t.Fatalf("%s.%s: allowedAll(%q) = %v, want %v", it.Code, f.Name, v, got, want)
			}
			if f.Multiple {
				if got, want := joinMultiple(v), strings.Join(catalog.SplitMultiple(v), "；"); got != want {
					t.Fatalf("joinMultiple(%q) = %q, want %q", v, got, want)
				}
			}
		}
	}
}

// kindOf is catalog's KindFor without its ok.
func kindOf(it *catalog.Item, v string) catalog.SubjectKind {
	k, _ := it.Subject.KindFor(v)
	return k
}

func allItemPlans(tb testing.TB) []*Plan {
	tb.Helper()
	national, _ := fuzzPlans(tb)
	var plans []*Plan
	for _, it := range national.Catalog.Items {
		header := it.FieldNames()
		p, err := NewPlan(national.Catalog, it, header, fuzzToday, false, false, "x.csv")
		if err != nil {
			tb.Fatalf("%s: %v", it.Code, err)
		}
		plans = append(plans, p)
	}
	return plans
}

func TestPlanLookupsMatchCatalog(t *testing.T) {
	plans := allItemPlans(t)
	var cells []string
	for _, p := range plans {
		for _, f := range p.Item.Fields {
			cells = append(cells, f.Values...)
		}
		for v := range p.Item.Subject.KindValues {
			cells = append(cells, v, " "+strings.ToLower(v))
		}
	}
	cells = append(cells, planCellSeeds...)
	for _, p := range plans {
		for _, a := range cells {
			checkPlanLookups(t, p, a)
			for _, b := range []string{"；", ";", "、", " ； ", "，"} {
				checkPlanLookups(t, p, a+b+cells[len(a)%len(cells)])
			}
		}
	}
	// The severity rules' positions are the fields they name.
	for _, p := range plans {
		for k, r := range p.Item.Severity.Rules {
			if got, want := p.sevFs[k], slices.Index(p.Layout, r.Field); got != want {
				t.Fatalf("%s: severity rule %d field at %d, want %d", p.Item.Code, k, got, want)
			}
		}
	}
}

func FuzzPlanLookups(f *testing.F) {
	for _, s := range planCellSeeds {
		f.Add(s)
	}
	plans := allItemPlans(f)
	f.Fuzz(func(t *testing.T, cell string) {
		for _, p := range plans {
			checkPlanLookups(t, p, cell)
		}
	})
}
