package workday

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"credit/internal/apperr"
	"credit/internal/civil"
)

// Expected dates below are worked out by hand from the State Council notices
// as reference/domain.md §7 lists them, never from this package's output:
//
//	2024 休 01-01, 02-10…02-17, 04-04…04-06, 05-01…05-05, 06-10, 09-15…09-17, 10-01…10-07
//	     班 02-04, 02-18, 04-07, 04-28, 05-11, 09-14, 09-29, 10-12
//	2025 休 01-01, 01-28…02-04, 04-04…04-06, 05-01…05-05, 05-31…06-02, 10-01…10-08
//	     班 01-26, 02-08, 04-27, 09-28, 10-11
//	2026 休 01-01…01-03, 02-15…02-23, 04-04…04-06, 05-01…05-05, 06-19…06-21, 09-25…09-27, 10-01…10-07
//	     班 01-04, 02-14, 02-28, 05-09, 09-20, 10-10

var d = civil.MustParse

func TestWorkdayAdd(t *testing.T) {
	cal := Default()
	tests := []struct {
		name string
		from string
		n    int
		want string
	}{
		// 国庆 2024: 10-01..07 off, 09-29 (Sun) and 10-12 (Sat) worked.
		{"国庆2024 10 days", "2024-09-27", 10, "2024-10-16"},
		{"国庆2024 调休 Sunday is day 1", "2024-09-27", 1, "2024-09-29"},
		{"国庆2024 over the holiday", "2024-09-30", 1, "2024-10-08"},
		// 国庆 2025: 10-01..08 off, 09-28 (Sun) and 10-11 (Sat) worked.
		{"国庆2025 10 days", "2025-09-26", 10, "2025-10-16"},
		{"国庆2025 5 days", "2025-09-26", 5, "2025-10-10"},
		{"国庆2025 6th is the 调休 Saturday", "2025-09-26", 6, "2025-10-11"},
		// 春节 2025: 01-28..02-04 off, 01-26 (Sun) and 02-08 (Sat) worked.
		{"春节2025 调休 Sunday", "2025-01-24", 1, "2025-01-26"},
		{"春节2025 Monday before", "2025-01-24", 2, "2025-01-27"},
		{"春节2025 first day after", "2025-01-24", 3, "2025-02-05"},
		{"春节2025 Friday after", "2025-01-24", 5, "2025-02-07"},
		{"春节2025 调休 Saturday", "2025-01-24", 6, "2025-02-08"},
		{"春节2025 Monday after", "2025-01-24", 7, "2025-02-10"},
		// 春节 2026: 02-15..02-23 off, 02-14 (Sat) and 02-28 (Sat) worked.
		{"春节2026 调休 Saturday before", "2026-02-13", 1, "2026-02-14"},
		{"春节2026 first day after", "2026-02-13", 2, "2026-02-24"},
		{"春节2026 Friday after", "2026-02-13", 5, "2026-02-27"},
		{"春节2026 调休 Saturday after", "2026-02-13", 6, "2026-02-28"},
		{"春节2026 Monday", "2026-02-13", 7, "2026-03-02"},
		// A 调休 Saturday counts as a working day.
		{"调休 Saturday 2024-10-12", "2024-10-11", 1, "2024-10-12"},
		{"调休 Saturday 2024-05-11", "2024-05-10", 1, "2024-05-11"},
		// D a holiday itself: D never counts.
		{"D is 国庆 day 1", "2024-10-01", 1, "2024-10-08"},
		{"D is a holiday Saturday", "2024-10-05", 1, "2024-10-08"},
		{"D is 春节 2025", "2025-01-29", 1, "2025-02-05"},
		// D a working day: still not counted.
		{"D is a 调休 Sunday", "2024-09-29", 1, "2024-09-30"},
		// New Year 2026: 01-01..03 off, 01-04 (Sun) worked.
		{"New Year 2026 调休 Sunday", "2025-12-31", 1, "2026-01-04"},
		{"New Year 2026 Monday", "2025-12-31", 2, "2026-01-05"},
		// n = 0 is D itself, whatever it is.
		{"zero on a holiday", "2024-10-03", 0, "2024-10-03"},
		{"zero on a working day", "2024-10-16", 0, "2024-10-16"},
		// Negative n counts back to the |n|-th working day strictly before D.
		{"back over 国庆2024", "2024-10-16", -10, "2024-09-27"},
		{"back over 国庆2025 one", "2025-10-09", -1, "2025-09-30"},
		{"back to 国庆2025 调休 Sunday", "2025-10-09", -3, "2025-09-28"},
		{"back over 春节2026", "2026-02-24", -1, "2026-02-14"},
		{"back to 春节2026 调休 Saturday", "2026-03-02", -1, "2026-02-28"},
		{"back from a holiday", "2024-10-05", -1, "2024-09-30"},
		{"back over New Year 2026", "2026-01-05", -2, "2025-12-31"},
		{"back over New Year 2026 调休 Sunday", "2026-01-05", -1, "2026-01-04"},
		// The 2019 notice (keyed 2019) lists 2018-12-29 (Sat) worked and
		// 2018-12-30..2019-01-01 off.
		{"late December under the next notice", "2018-12-28", 1, "2018-12-29"},
		{"late December holiday", "2018-12-29", 1, "2019-01-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cal.Add(d(tt.from), tt.n)
			if err != nil {
				t.Fatalf("Add(%s, %d): %v", tt.from, tt.n, err)
			}
			if got != d(tt.want) {
				t.Errorf("Add(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
			}
			// Every known answer also satisfies the invariant.
			if b, err := cal.Between(d(tt.from), got); err != nil || b != tt.n {
				t.Errorf("Between(%s, %s) = %d, %v; want %d", tt.from, got, b, err, tt.n)
			}
		})
	}
}

func TestWorkdayIsWorkday(t *testing.T) {
	cal := Default()
	tests := []struct {
		date string
		want bool
	}{
		{"2024-10-12", true},  // 调休 Saturday
		{"2024-10-13", false}, // ordinary Sunday
		{"2024-09-29", true},  // 调休 Sunday
		{"2024-10-07", false}, // 国庆 Monday
		{"2024-10-08", true},
		{"2025-10-08", false}, // 国庆 2025 runs to the 8th
		{"2025-10-11", true},  // 调休 Saturday
		{"2025-05-31", false}, // 端午 Saturday
		{"2025-06-02", false}, // 端午 Monday
		{"2026-01-04", true},  // 调休 Sunday
		{"2026-02-23", false}, // 春节 2026 last day (Monday)
		{"2026-02-28", true},  // 调休 Saturday
		{"2026-03-02", true},
		{"2018-12-29", true},  // from the 2019 notice
		{"2018-12-31", false}, // from the 2019 notice
	}
	for _, tt := range tests {
		got, err := cal.IsWorkday(d(tt.date))
		if err != nil || got != tt.want {
			t.Errorf("IsWorkday(%s) = %v, %v; want %v", tt.date, got, err, tt.want)
		}
	}
}

func TestWorkdayBetween(t *testing.T) {
	cal := Default()
	tests := []struct {
		name string
		a, b string
		want int
	}{
		// 2026-01-01..03 off, 01-04 (Sun) worked, 01-05 Monday.
		{"over New Year 2026", "2025-12-31", "2026-01-05", 2},
		{"over New Year 2026 backwards", "2026-01-05", "2025-12-31", -2},
		{"国庆2024", "2024-09-27", "2024-10-16", 10},
		{"国庆2024 backwards", "2024-10-16", "2024-09-27", -10},
		{"same day", "2024-10-16", "2024-10-16", 0},
		{"into a holiday", "2024-09-30", "2024-10-07", 0},
		{"Friday to Saturday", "2024-10-18", "2024-10-19", 0},
		{"Saturday back to Friday", "2024-10-19", "2024-10-18", -1},
		// Whole years, counted from the notices: 262 weekdays − 19 weekday
		// holidays + 8 调休 days in 2024; 261 − 18 + 5 in 2025; 261 − 19 + 6 in 2026.
		{"year 2024", "2023-12-31", "2024-12-31", 251},
		{"year 2025", "2024-12-31", "2025-12-31", 248},
		{"year 2026", "2025-12-31", "2026-12-31", 248},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cal.Between(d(tt.a), d(tt.b))
			if err != nil || got != tt.want {
				t.Errorf("Between(%s, %s) = %d, %v; want %d", tt.a, tt.b, got, err, tt.want)
			}
		})
	}
}

// The invariant of SPEC §B, over many days and counts in both directions.
func TestWorkdayAddBetweenInvariant(t *testing.T) {
	cal := Default()
	first, last := d("2018-06-01"), d("2027-09-30")
	span := first.DaysUntil(last)
	check := func(from civil.Date, n int) {
		t.Helper()
		to, err := cal.Add(from, n)
		if err != nil {
			t.Fatalf("Add(%s, %d): %v", from, n, err)
		}
		got, err := cal.Between(from, to)
		if err != nil || got != n {
			t.Fatalf("Between(%s, Add(%s, %d) = %s) = %d, %v", from, from, n, to, got, err)
		}
		if n != 0 {
			if w, _ := cal.IsWorkday(to); !w {
				t.Fatalf("Add(%s, %d) = %s is not a working day", from, n, to)
			}
			if (n > 0) != to.After(from) {
				t.Fatalf("Add(%s, %d) = %s is on the wrong side", from, n, to)
			}
		}
	}
	// Every day of 2024–2026 with small counts.
	for day := d("2024-01-01"); day.Before(d("2027-01-01")); day = day.AddDays(1) {
		for n := -4; n <= 4; n++ {
			check(day, n)
		}
	}
	// Random days 2018–2027 with counts up to three months.
	r := rand.New(rand.NewPCG(2024, 10))
	for range 3000 {
		check(first.AddDays(r.IntN(span)), r.IntN(121)-60)
	}
}

func TestWorkdayMissingYear(t *testing.T) {
	cal := Default()
	checks := map[string]func() error{
		"IsWorkday": func() error { _, err := cal.IsWorkday(d("2030-05-06")); return err },
		"Add":       func() error { _, err := cal.Add(d("2030-01-02"), 1); return err },
		"Add back":  func() error { _, err := cal.Add(d("2030-12-31"), -1); return err },
		"Between":   func() error { _, err := cal.Between(d("2030-01-01"), d("2030-02-01")); return err },
		"DayInfo":   func() error { _, err := cal.DayInfo(d("2030-10-01")); return err },
		"Listed":    func() error { _, err := cal.Listed(2030); return err },
		"QueueStatus": func() error {
			_, _, err := cal.QueueStatus(d("2030-01-02"), d("2030-01-10"), 2, false)
			return err
		},
		"Publicity": func() error { _, _, err := cal.Publicity(d("2030-03-01"), 5); return err },
	}
	for name, f := range checks {
		err := f()
		var ae *apperr.Error
		if !errors.As(err, &ae) {
			t.Errorf("%s: error %v is not an *apperr.Error", name, err)
			continue
		}
		if ae.Code != apperr.Rule || !strings.Contains(ae.Zh, "2030") || !strings.Contains(ae.En, "2030") || !strings.Contains(ae.Zh, "credit calendar load") {
			t.Errorf("%s: error %+v should name 2030 and credit calendar load (code %d)", name, ae, apperr.Rule)
		}
	}
	// Year edges: stepping over New Year needs the next year.
	only2025 := New(mustYear(t, Default(), 2025))
	if _, err := only2025.Add(d("2025-12-30"), 1); err != nil {
		t.Errorf("Add inside 2025: %v", err)
	}
	_, err := only2025.Add(d("2025-12-31"), 1)
	if err == nil || !strings.Contains(err.Error(), "2026") {
		t.Errorf("Add over New Year without 2026 = %v, want an error naming 2026", err)
	}
	_, err = only2025.Add(d("2025-01-02"), -2)
	if err == nil || !strings.Contains(err.Error(), "2024") {
		t.Errorf("Add back over New Year without 2024 = %v, want an error naming 2024", err)
	}
	// The embedded data ends with provisional 2027: 2028 is missing.
	if _, err := cal.Add(d("2027-12-31"), 1); err == nil || !strings.Contains(err.Error(), "2028") {
		t.Errorf("Add into 2028 = %v, want an error naming 2028", err)
	}
	if _, err := cal.Add(d("2018-01-02"), -2); err == nil || !strings.Contains(err.Error(), "2017") {
		t.Errorf("Add back into 2017 = %v, want an error naming 2017", err)
	}
}

func mustYear(t *testing.T, c *Calendar, y int) YearData {
	t.Helper()
	yd, ok := c.Year(y)
	if !ok {
		t.Fatalf("no year %d", y)
	}
	return yd
}

func TestWorkdayProvisional(t *testing.T) {
	cal := Default()
	if got := cal.Years(); !reflect.DeepEqual(got, []int{2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027}) {
		t.Fatalf("Years() = %v", got)
	}
	for _, y := range cal.Years() {
		if yd, _ := cal.Year(y); yd.Provisional != (y == 2027) {
			t.Errorf("year %d provisional = %v", y, yd.Provisional)
		}
	}
	tests := []struct {
		name string
		from string
		n    int
		want bool
	}{
		{"inside 2026", "2026-03-02", 5, false},
		{"inside 2027", "2027-03-01", 1, true},
		{"2026 into 2027", "2026-12-30", 2, true},
		{"2026 end, stays in 2026", "2026-12-30", 1, false},
		{"2027 back into 2026 only", "2027-01-04", 0, false},
	}
	for _, tt := range tests {
		_, prov, err := cal.AddP(d(tt.from), tt.n)
		if err != nil || prov != tt.want {
			t.Errorf("%s: AddP(%s, %d) provisional = %v, %v; want %v", tt.name, tt.from, tt.n, prov, err, tt.want)
		}
	}
	if _, prov, err := cal.BetweenP(d("2026-12-01"), d("2027-01-10")); err != nil || !prov {
		t.Errorf("BetweenP into 2027 provisional = %v, %v", prov, err)
	}
	if _, prov, err := cal.BetweenP(d("2026-01-01"), d("2026-12-31")); err != nil || prov {
		t.Errorf("BetweenP inside 2026 provisional = %v, %v", prov, err)
	}
	if in, err := cal.DayInfo(d("2027-10-01")); err != nil || !in.Provisional {
		t.Errorf("DayInfo(2027-10-01) = %+v, %v", in, err)
	}
	if l, err := cal.Listed(2027); err != nil || !l.Provisional {
		t.Errorf("Listed(2027) provisional = %v, %v", l.Provisional, err)
	}

	// An official 2027 loaded over the provisional one is no longer provisional,
	// and the embedded calendar is left as it was.
	official := mustYear(t, cal, 2027)
	official.Provisional = false
	loaded := cal.WithYear(official)
	if _, prov, err := loaded.AddP(d("2027-03-01"), 1); err != nil || prov {
		t.Errorf("official 2027: provisional = %v, %v", prov, err)
	}
	if _, prov, _ := cal.AddP(d("2027-03-01"), 1); !prov {
		t.Errorf("WithYear changed the calendar it was called on")
	}
}

func TestWorkdayWithYear(t *testing.T) {
	// A made-up 2028 (not a real notice): 01-01 off, 2028-01-08 (Sat) worked.
	years, err := ParseYears([]byte(`{"year": 2028, "provisional": false,
		"holidays": [{"date": "2028-01-03", "name": "元旦"}, {"date": "2027-12-31", "name": "元旦"}],
		"workdays": [{"date": "2028-01-08", "name": "元旦"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(years) != 1 || years[0].Year != 2028 || years[0].Holidays[0].Date != d("2027-12-31") {
		t.Fatalf("ParseYears = %+v (days should be sorted)", years)
	}
	cal := Default().WithYear(years[0])
	// 2027-12-31 (Fri) is now off through the 2028 notice.
	if got, err := cal.Add(d("2027-12-30"), 1); err != nil || got != d("2028-01-04") {
		t.Errorf("Add(2027-12-30, 1) = %s, %v; want 2028-01-04", got, err)
	}
	if got, err := cal.Add(d("2028-01-07"), 1); err != nil || got != d("2028-01-08") {
		t.Errorf("Add(2028-01-07, 1) = %s, %v; want 2028-01-08", got, err)
	}
	if _, err := Default().IsWorkday(d("2028-01-03")); err == nil {
		t.Errorf("Default() gained 2028 through WithYear")
	}
	// Replacing the year drops what the old data said.
	repl := years[0]
	repl.Holidays = []Day{{d("2028-01-01"), "元旦"}}
	repl.Workdays = nil
	cal2 := cal.WithYear(repl)
	if w, err := cal2.IsWorkday(d("2027-12-31")); err != nil || !w {
		t.Errorf("after replacing 2028, 2027-12-31 workday = %v, %v", w, err)
	}
}

func TestWorkdayDayInfo(t *testing.T) {
	cal := Default()
	tests := []struct {
		date string
		kind Kind
		name string
		work bool
	}{
		// 2025: 中秋 (10-06) falls inside 国庆; the notice names them together.
		{"2025-10-01", KindHoliday, "国庆节、中秋节", false},
		{"2025-10-04", KindHoliday, "国庆节、中秋节", false}, // a Saturday inside the range
		{"2025-10-11", KindAdjusted, "国庆节、中秋节", true},
		{"2025-10-18", KindWeekend, "", false},
		{"2025-10-17", KindWorkday, "", true},
		{"2025-01-26", KindAdjusted, "春节", true},
	}
	for _, tt := range tests {
		in, err := cal.DayInfo(d(tt.date))
		if err != nil || in.Kind != tt.kind || in.Name != tt.name || in.Workday != tt.work || in.Date != d(tt.date) {
			t.Errorf("DayInfo(%s) = %+v, %v; want %s %q %v", tt.date, in, err, tt.kind, tt.name, tt.work)
		}
	}
}

func TestWorkdayListed(t *testing.T) {
	cal := Default()
	l, err := cal.Listed(2025)
	if err != nil {
		t.Fatal(err)
	}
	var work []string
	for _, w := range l.Workdays {
		work = append(work, w.Date.String())
	}
	if want := []string{"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"}; !reflect.DeepEqual(work, want) {
		t.Errorf("Listed(2025) workdays = %v, want %v", work, want)
	}
	if len(l.Holidays) != 28 || l.Holidays[0].Date != d("2025-01-01") || l.Provisional {
		t.Errorf("Listed(2025) = %d holidays from %s, provisional %v", len(l.Holidays), l.Holidays[0].Date, l.Provisional)
	}
	// Calendar year 2018 includes the days the 2019 notice arranged.
	l, err = cal.Listed(2018)
	if err != nil {
		t.Fatal(err)
	}
	if last := l.Workdays[len(l.Workdays)-1]; last.Date != d("2018-12-29") {
		t.Errorf("Listed(2018) last 调休 day = %v, want 2018-12-29", last)
	}
	// The 2018 notice, then the 2019 notice and its Labour Day change.
	if len(l.Notice) != 3 || !strings.Contains(l.Notice[0], "2017-11/30") || !strings.Contains(l.Notice[1], "2018-12/06") {
		t.Errorf("Listed(2018) notices = %v, want the 2018 and 2019 notices", l.Notice)
	}
}

func TestWorkdayQueueStatus(t *testing.T) {
	cal := Default()
	tests := []struct {
		name     string
		today    string
		due      string
		done     bool
		want     Status
		daysLeft int
	}{
		// Due Wednesday 2024-10-16; warning 2.
		{"on the due day", "2024-10-16", "2024-10-16", false, StatusDueSoon, 0},
		{"one day before", "2024-10-15", "2024-10-16", false, StatusDueSoon, 1},
		{"two days before", "2024-10-14", "2024-10-16", false, StatusDueSoon, 2},
		{"三 days before, on the 调休 Saturday", "2024-10-12", "2024-10-16", false, StatusOK, 3},
		{"the Sunday before", "2024-10-13", "2024-10-16", false, StatusOK, 3},
		{"the day after", "2024-10-17", "2024-10-16", false, StatusOverdue, -1},
		{"the Monday after", "2024-10-21", "2024-10-16", false, StatusOverdue, -3},
		{"done though late", "2024-10-21", "2024-10-16", true, StatusDone, 0},
		{"done early", "2024-10-14", "2024-10-16", true, StatusDone, 0},
		// Around 国庆 2024: only 10-08 lies in (09-30, 10-08].
		{"over the holiday", "2024-09-30", "2024-10-08", false, StatusDueSoon, 1},
		{"from the 调休 Sunday", "2024-09-29", "2024-10-08", false, StatusDueSoon, 2},
		{"before the 调休 Sunday", "2024-09-27", "2024-10-08", false, StatusOK, 3},
		{"during the holiday", "2024-10-03", "2024-10-08", false, StatusDueSoon, 1},
		// Overdue on a weekend right after the due Friday: no working day has
		// passed yet, so days_left = −between(due, today) = 0.
		{"Saturday after a Friday due", "2024-10-19", "2024-10-18", false, StatusOverdue, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, left, err := cal.QueueStatus(d(tt.today), d(tt.due), 2, tt.done)
			if err != nil || st != tt.want || left != tt.daysLeft {
				t.Errorf("QueueStatus(%s, %s, 2, %v) = %s, %d, %v; want %s, %d", tt.today, tt.due, tt.done, st, left, err, tt.want, tt.daysLeft)
			}
		})
	}
	if st, _, _ := cal.QueueStatus(d("2024-10-14"), d("2024-10-16"), 1, false); st != StatusOK {
		t.Errorf("warning 1, two days left = %s, want ok", st)
	}
	if StatusOverdue.Label() != "已超期" {
		t.Errorf("label %q", StatusOverdue.Label())
	}
}

func TestWorkdayPublicity(t *testing.T) {
	cal := Default()
	tests := []struct {
		name        string
		start       string
		n           int
		first, last string
	}{
		// 国庆 2025: the period starts on the 调休 Sunday and skips 10-01..08.
		{"over 国庆2025", "2025-09-26", 5, "2025-09-28", "2025-10-10"},
		{"over 国庆2024", "2024-09-30", 3, "2024-10-08", "2024-10-10"},
		// 春节 2026 from the Friday before: 02-14 (Sat 调休), then 02-24…
		{"over 春节2026", "2026-02-13", 7, "2026-02-14", "2026-03-02"},
		{"one day", "2024-10-11", 1, "2024-10-12", "2024-10-12"},
	}
	for _, tt := range tests {
		first, last, err := cal.Publicity(d(tt.start), tt.n)
		if err != nil || first != d(tt.first) || last != d(tt.last) {
			t.Errorf("%s: Publicity(%s, %d) = %s..%s, %v; want %s..%s", tt.name, tt.start, tt.n, first, last, err, tt.first, tt.last)
		}
	}
	if _, _, err := cal.Publicity(d("2025-09-26"), 0); err == nil {
		t.Errorf("Publicity of 0 days should be refused")
	}
}

func TestWorkdayParseYears(t *testing.T) {
	years, err := ParseYears(embedded)
	if err != nil {
		t.Fatalf("embedded: %v", err)
	}
	if len(years) != 10 || years[0].Year != 2018 || !years[9].Provisional || years[9].Year != 2027 {
		t.Fatalf("embedded years = %d, first %d", len(years), years[0].Year)
	}
	if y := years[8]; y.Year != 2026 || len(y.Notice) != 1 || !strings.Contains(y.Notice[0], "content_7047091") {
		t.Errorf("2026 notice = %v", y.Notice)
	}
	// A year survives a round trip through the single-year form (how the store keeps it).
	for _, y := range years {
		b, err := json.Marshal(y)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseYears(b)
		if err != nil || len(back) != 1 || !reflect.DeepEqual(back[0], y) {
			t.Errorf("round trip of %d: %v", y.Year, err)
		}
	}
	bad := []struct {
		name, json, want string
	}{
		{"not json", `{"year":`, "JSON"},
		{"array", `[1,2]`, "JSON"},
		{"null", `null`, "JSON"},
		{"empty object", `{}`, "没有年份数据"},
		{"no holidays", `{"year": 2028, "holidays": []}`, "没有列出任何放假日期"},
		{"bad date", `{"year": 2028, "holidays": [{"date": "2028-02-30", "name": "春节"}]}`, "2028-02-30"},
		{"date in another year", `{"year": 2028, "holidays": [{"date": "2026-10-01", "name": "国庆节"}]}`, "2026-10-01"},
		{"workday on a weekday", `{"year": 2028, "holidays": [{"date": "2028-01-01", "name": "元旦"}], "workdays": [{"date": "2028-01-04", "name": "元旦"}]}`, "不是周末"},
		{"both lists", `{"year": 2028, "holidays": [{"date": "2028-01-01", "name": "元旦"}], "workdays": [{"date": "2028-01-01", "name": "元旦"}]}`, "重复"},
		{"listed twice", `{"year": 2028, "holidays": [{"date": "2028-01-01", "name": "元旦"}, {"date": "2028-01-01", "name": "元旦"}]}`, "重复"},
		{"year out of range", `{"year": 99999, "holidays": [{"date": "2028-01-01", "name": "元旦"}]}`, "超出范围"},
		{"year not a number", `{"year": "2028", "holidays": []}`, "year"},
		{"provisional not a bool", `{"year": 2028, "provisional": "yes", "holidays": [{"date": "2028-01-01", "name": "元旦"}]}`, "provisional"},
		{"key not a year", `{"years": {"twenty": {"holidays": []}}}`, "twenty"},
		{"both official and provisional", `{"years": {"2028": {"holidays": [{"date": "2028-01-01", "name": "元旦"}]}}, "provisional": {"2028": {"holidays": [{"date": "2028-01-01", "name": "元旦"}]}}}`, "2028"},
		{"key and year differ", `{"years": {"2028": {"year": 2029, "holidays": [{"date": "2028-01-01", "name": "元旦"}]}}}`, "2029"},
	}
	for _, tt := range bad {
		_, err := ParseYears([]byte(tt.json))
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Code != apperr.Refused || !strings.Contains(ae.Zh+ae.En, tt.want) {
			t.Errorf("%s: ParseYears = %v, want a refusal mentioning %q", tt.name, err, tt.want)
		}
	}
	// The whole-document form with only provisional years.
	ys, err := ParseYears([]byte(`{"provisional": {"2028": {"holidays": [{"date": "2028-01-01", "name": "元旦"}]}}}`))
	if err != nil || len(ys) != 1 || !ys[0].Provisional || ys[0].Workdays == nil {
		t.Errorf("provisional-only document = %+v, %v", ys, err)
	}
}

func FuzzParseYears(f *testing.F) {
	// The whole-document shape, kept small (the embedded file is 29 KB, which
	// makes minimising slow; TestWorkdayParseYears covers it).
	f.Add([]byte(`{"source": [{"name": "x"}], "conventions": {"rule": "..."},
 "years": {"2025": {"notice": ["https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm"],
   "holidays": [{"date": "2025-01-01", "name": "元旦"}, {"date": "2025-10-01", "name": "国庆节"}],
   "workdays": [{"date": "2025-09-28", "name": "国庆节"}], "agreeing_sources": ["a"], "disagreeing_sources": []},
  "2026": {"holidays": [{"date": "2026-01-01", "name": "元旦"}], "workdays": [{"date": "2026-01-04", "name": "元旦"}]}},
 "provisional": {"2027": {"status": "single source", "holidays": [{"date": "2027-01-01", "name": "元旦"}], "workdays": []}}}`))
	f.Add([]byte(`{"year": 2028, "provisional": true, "holidays": [{"date": "2028-01-01", "name": "元旦"}], "workdays": [{"date": "2027-12-25", "name": "元旦"}]}`))
	f.Add([]byte(`{"years": {"2028": {"holidays": [{"date": "2028-01-01", "name": "元旦"}]}}, "provisional": {"2029": {"holidays": [{"date": "2029-01-01"}]}}}`))
	f.Add([]byte(`{"year": 1000, "holidays": [{"date": "0999-12-31", "name": "x"}]}`))
	f.Add([]byte(`{"year": 9999, "holidays": [{"date": "9999-12-31", "name": "x"}]}`))
	f.Add([]byte(`{"years": null, "provisional": {"-1": {}}}`))
	f.Add([]byte(`{"year": null}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, b []byte) {
		years, err := ParseYears(b)
		if err != nil {
			var ae *apperr.Error
			if !errors.As(err, &ae) {
				t.Fatalf("error %v is not an *apperr.Error", err)
			}
			return
		}
		cal := New(years...)
		for _, y := range years {
			if err := y.Validate(); err != nil {
				t.Fatalf("parsed year %d does not validate: %v", y.Year, err)
			}
			jan := civil.Date{Year: y.Year, Month: 1, Day: 1}
			for _, n := range []int{-3, 0, 3} {
				if to, err := cal.Add(jan, n); err == nil {
					if b, err := cal.Between(jan, to); err != nil || b != n {
						t.Fatalf("Between(%s, Add(%s, %d)) = %d, %v", jan, jan, n, b, err)
					}
				}
			}
			if _, err := cal.Listed(y.Year); err != nil {
				t.Fatalf("Listed(%d): %v", y.Year, err)
			}
		}
	})
}
