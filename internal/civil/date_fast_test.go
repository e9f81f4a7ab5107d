package civil

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/width"
)

// The import formats and parses millions of dates, so String, Parse and
// Valid avoid fmt and time arithmetic. These tests hold them to the
// definitions they replace: fmt's %04d-%02d-%02d, fmt.Sscanf's %4d-%2d-%2d,
// and time's normalisation of impossible days.

func refString(d Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

func refValid(y int, m time.Month, d int) bool {
	if y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 {
		return false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return t.Year() == y && t.Month() == m && t.Day() == d
}

// refFold is full-width ASCII and the ideographic space folded to their
// half-width forms, by golang.org/x/text/width (issue 19: dates typed with a
// Chinese input method parse as their ASCII twins).
func refFold(s string) string {
	var b strings.Builder
	for _, r := range s {
		if p := width.LookupRune(r); (p.Kind() == width.EastAsianFullwidth && r >= 0xFF01 && r <= 0xFF5E) || r == 0x3000 {
			r = p.Narrow()
		}
		b.WriteRune(r)
	}
	return b.String()
}

func refParse(s string) (Date, error) {
	var y, m, d int
	typed := s
	s = refFold(s)
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("日期 %q 不是 YYYY-MM-DD 格式", typed)
	}
	for i, c := range s {
		if i == 4 || i == 7 {
			continue
		}
		if c < '0' || c > '9' {
			return Date{}, fmt.Errorf("日期 %q 不是 YYYY-MM-DD 格式", typed)
		}
	}
	fmt.Sscanf(s, "%4d-%2d-%2d", &y, &m, &d)
	if !refValid(y, time.Month(m), d) {
		return Date{}, fmt.Errorf("日期 %q 不存在", typed)
	}
	return Date{y, time.Month(m), d}, nil
}

func TestStringMatchesFmt(t *testing.T) {
	years := []int{-10000, -999, -1, 0, 1, 9, 10, 99, 100, 999, 1000, 1899, 1900, 2000, 2024, 2025, 9999, 10000, 123456}
	months := []time.Month{-1, 0, 1, 9, 10, 12, 13, 99, 100}
	days := []int{-5, 0, 1, 9, 10, 28, 31, 99, 100, 1000}
	for _, y := range years {
		for _, m := range months {
			for _, d := range days {
				date := Date{y, m, d}
				want := refString(date)
				if got := date.String(); got != want {
					t.Errorf("Date%v.String() = %q, want %q", [3]int{y, int(m), d}, got, want)
				}
				if got := string(date.Append([]byte("x"))); got != "x"+want {
					t.Errorf("Date%v.Append = %q, want %q", [3]int{y, int(m), d}, got, "x"+want)
				}
				if b, _ := date.MarshalText(); string(b) != want {
					t.Errorf("Date%v.MarshalText = %q, want %q", [3]int{y, int(m), d}, b, want)
				}
			}
		}
	}
	if s := (Date{}).String(); s != "" {
		t.Errorf("zero date prints %q", s)
	}
}

func TestValidMatchesTime(t *testing.T) {
	check := func(y int) {
		for m := time.Month(-1); m <= 14; m++ {
			for d := -1; d <= 33; d++ {
				if got, want := Valid(y, m, d), refValid(y, m, d); got != want {
					t.Fatalf("Valid(%d, %d, %d) = %v, want %v", y, m, d, got, want)
				}
			}
		}
	}
	for y := -2; y <= 2200; y++ {
		check(y)
	}
	for _, y := range []int{2400, 2500, 4000, 9996, 9999, 10000, 10400} {
		check(y)
	}
}

func TestParseMatchesSscanf(t *testing.T) {
	for _, s := range parseSeeds {
		checkParse(t, s)
	}
	// Every day of some years, formatted and mangled.
	for y := 1999; y <= 2001; y++ {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				checkParse(t, fmt.Sprintf("%04d-%02d-%02d", y, m, d))
			}
		}
	}
}

var parseSeeds = []string{"2025-03-05", "2024-02-29", "2023-02-29", "0000-01-01", "0001-01-01", "9999-12-31", "2025-00-10",
	"2025-13-01", "2025-1-01", "20250101", "", "2025-02-30", "２０２５-03-05", "2025-0３-05", "+025-03-05", "-025-03-05",
	"2025-+3-05", "2025-03-+5", " 025-03-05", "2025-03-5 ", "2025/03/05", "2025-03-05T", "\xff025-03-05", "2025-03-\xff5",
	"2025-\u00e9-05", "2025-03-0\u00e9", "abcd-ef-gh", "1900-02-29", "2000-02-29", "2100-02-29"}

func checkParse(t *testing.T, s string) {
	t.Helper()
	got, err := Parse(s)
	want, wantErr := refParse(s)
	if got != want || (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
		t.Fatalf("Parse(%q) = %v, %v; want %v, %v", s, got, err, want, wantErr)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkParse(t, s)
		// A parsed date prints as it was typed, once folded to half width.
		if d, err := Parse(s); err == nil && d.String() != refFold(s) {
			t.Fatalf("Parse(%q) = %v, which prints differently", s, d)
		}
	})
}

func BenchmarkDateString(b *testing.B) {
	d := Date{2025, 3, 5}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = d.String()
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_, _ = Parse("2025-03-05")
	}
}
