package civil

import "testing"

func TestAddYearsCivilCode(t *testing.T) {
	// 民法典 第二百零二条: a period in years ends on the corresponding day, or the
	// month's last day when that day does not exist.
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2024-02-29", 1, "2025-02-28"},
		{"2024-02-29", 4, "2028-02-29"},
		{"2023-03-15", 3, "2026-03-15"},
		{"2025-12-31", 1, "2026-12-31"},
	}
	for _, c := range cases {
		if got := MustParse(c.from).AddYears(c.n).String(); got != c.want {
			t.Errorf("%s + %dy = %s, want %s", c.from, c.n, got, c.want)
		}
	}
}

func TestParseRejectsImpossibleDays(t *testing.T) {
	for _, s := range []string{"2025-02-30", "2025-13-01", "2025-00-10", "2023-02-29", "20250101", "2025-1-01", ""} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted an impossible or malformed date", s)
		}
	}
	if _, err := Parse("2024-02-29"); err != nil {
		t.Errorf("2024-02-29 is a leap day: %v", err)
	}
}

func TestCompareAndDays(t *testing.T) {
	a, b := MustParse("2025-12-30"), MustParse("2026-01-02")
	if !a.Before(b) || b.Before(a) || a.Compare(a) != 0 {
		t.Fatal("ordering wrong")
	}
	if n := a.DaysUntil(b); n != 3 {
		t.Fatalf("DaysUntil = %d, want 3", n)
	}
	if e := MustParse("2024-02-10").EndOfMonth().String(); e != "2024-02-29" {
		t.Fatalf("EndOfMonth = %s", e)
	}
	if m := MustParse("2025-01-31").AddMonths(1).String(); m != "2025-02-28" {
		t.Fatalf("AddMonths = %s", m)
	}
}

// Dates typed with a Chinese input method parse as their ASCII twins; text
// without full-width characters is returned unchanged (issue 19).
func TestFoldAndParseFullWidth(t *testing.T) {
	for in, want := range map[string]string{
		"２０２５－１２－０１": "2025-12-01",
		"2025－12－01": "2025-12-01",
		"１２３．５，６":    "123.5,6",
		"ＸＺＣＦ　":      "XZCF ",
		"2025-12-01": "2025-12-01",
		"年月日":        "年月日",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
	if d, err := Parse("２０２５－１２－０１"); err != nil || d != (Date{Year: 2025, Month: 12, Day: 1}) {
		t.Fatalf("Parse(２０２５－１２－０１) = %v, %v", d, err)
	}
	if _, err := Parse("２０２５－１３－０１"); err == nil {
		t.Fatal("Parse accepted month 13 typed full width")
	}
}
