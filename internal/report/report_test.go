package report

import (
	"testing"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
)

// SPEC §G default thresholds: reject rate 0.02 yellow, 0.10 red; 1 day late
// yellow, 10 red.
func TestLight(t *testing.T) {
	p := catalog.DefaultPolicy().Lights
	cases := []struct {
		rate float64
		days int
		want string
	}{
		{0, 0, Green}, {0.0199, 0, Green}, {0.02, 0, Yellow}, {0.0999, 0, Yellow}, {0.10, 0, Red}, {1, 0, Red},
		{0, 1, Yellow}, {0, 9, Yellow}, {0, 10, Red}, {0.03, 10, Red}, {0.10, 1, Red},
	}
	for _, c := range cases {
		if got := Light(p, c.rate, c.days); got != c.want {
			t.Errorf("Light(%v, %d) = %s, want %s", c.rate, c.days, got, c.want)
		}
	}
	// Zero thresholds never light a clean provider.
	if got := Light(catalog.Lights{}, 0, 0); got != Green {
		t.Errorf("zero thresholds: %s", got)
	}
	if Worst(Green, Yellow) != Yellow || Worst(Red, Yellow) != Red || Worst(Green, Green) != Green {
		t.Error("Worst")
	}
}

func TestNextDue(t *testing.T) {
	cases := []struct{ cycle, last, due string }{
		{"daily", "2025-12-31", "2026-01-01"},
		{"weekly", "2025-10-01", "2025-10-08"},
		{"monthly", "2025-01-31", "2025-02-28"},
		{"monthly", "2025-12-05", "2026-01-31"},
		{"monthly", "2024-01-15", "2024-02-29"},
		{"quarterly", "2025-02-10", "2025-06-30"},
		{"quarterly", "2025-03-31", "2025-06-30"},
		{"quarterly", "2025-11-20", "2026-03-31"},
		{"yearly", "2025-03-01", "2026-12-31"},
	}
	for _, c := range cases {
		due, ok := NextDue(c.cycle, civil.MustParse(c.last))
		if !ok || due.String() != c.due {
			t.Errorf("NextDue(%s, %s) = %s, want %s", c.cycle, c.last, due, c.due)
		}
	}
	if _, ok := NextDue("on_change", civil.MustParse("2025-01-01")); ok {
		t.Error("on_change has no due date")
	}
	if DaysLate(civil.MustParse("2025-10-08"), civil.MustParse("2025-11-30")) != 53 || DaysLate(civil.MustParse("2025-10-08"), civil.MustParse("2025-10-08")) != 0 {
		t.Error("DaysLate")
	}
}

func TestParseMonth(t *testing.T) {
	m, err := ParseMonth("2024-02")
	if err != nil || m.First().String() != "2024-02-01" || m.Last().String() != "2024-02-29" || m.String() != "2024-02" {
		t.Fatalf("2024-02: %v %v", m, err)
	}
	for _, bad := range []string{"", "2024-2", "2024-13", "2024/02", "202402", "2024-02-01", "abcd-ef"} {
		if _, err := ParseMonth(bad); apperr.CodeOf(err) != apperr.Usage {
			t.Errorf("ParseMonth(%q) = %v", bad, err)
		}
	}
}
