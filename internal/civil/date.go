// Package civil owns the calendar date used everywhere in credit: a day in the
// office's time zone with no time of day, stored and printed as YYYY-MM-DD.
package civil

import (
	"fmt"
	"time"
)

// Date is a calendar day. The zero value is "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Layout is the one text form of a date in the store, JSON and tables.
const Layout = "2006-01-02"

// Of returns the date of t in t's own location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// New builds a date, normalising overflow (2025-02-30 becomes 2025-03-02);
// use Valid or Parse to reject impossible dates.
func New(y int, m time.Month, d int) Date {
	return Of(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// Valid reports whether y-m-d names a real day (2025-02-30 does not).
func Valid(y int, m time.Month, d int) bool {
	if y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= daysIn(y, m)
}

// daysIn is DaysIn for 1 ≤ m ≤ 12 without time arithmetic (the proleptic
// Gregorian calendar, as package time counts): the import checks millions
// of dates.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// Parse reads YYYY-MM-DD strictly (impossible days are errors).
func Parse(s string) (Date, error) {
	var y, m, d int
	typed := s // the messages quote what was typed
	s = Fold(s)
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
	y = int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	m = int(s[5]-'0')*10 + int(s[6]-'0')
	d = int(s[8]-'0')*10 + int(s[9]-'0')
	if !Valid(y, time.Month(m), d) {
		return Date{}, fmt.Errorf("日期 %q 不存在", typed)
	}
	return Date{y, time.Month(m), d}, nil
}

// MustParse is Parse for constants in tests and tables; it panics on bad input.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether d is the zero value.
func (d Date) IsZero() bool { return d == Date{} }

// String gives YYYY-MM-DD, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	if !d.fourTwoTwo() {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	}
	var b [10]byte
	return string(d.put(&b))
}

// Append appends d.String() to b.
func (d Date) Append(b []byte) []byte {
	if d.IsZero() {
		return b
	}
	if !d.fourTwoTwo() {
		return fmt.Appendf(b, "%04d-%02d-%02d", d.Year, d.Month, d.Day)
	}
	var t [10]byte
	return append(b, d.put(&t)...)
}

// fourTwoTwo reports whether d's text is exactly YYYY-MM-DD: every real
// date's is; only out-of-range fields need fmt's general formatting.
func (d Date) fourTwoTwo() bool {
	return d.Year >= 0 && d.Year <= 9999 && d.Month >= 0 && d.Month <= 99 && d.Day >= 0 && d.Day <= 99
}

// put writes YYYY-MM-DD into b; d must be fourTwoTwo.
func (d Date) put(b *[10]byte) []byte {
	y, m, day := d.Year, int(d.Month), d.Day
	b[0], b[1], b[2], b[3] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[4], b[5], b[6] = '-', byte('0'+m/10), byte('0'+m%10)
	b[7], b[8], b[9] = '-', byte('0'+day/10), byte('0'+day%10)
	return b[:]
}

// Time is midnight UTC of d, for arithmetic.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// Weekday of d.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// AddDays moves d by n calendar days.
func (d Date) AddDays(n int) Date { return Of(d.Time().AddDate(0, 0, n)) }

// AddYears moves d by n years the way 民法典 第二百零二条 counts a period in
// years: the same month and day, or the month's last day when there is no
// such day (2024-02-29 + 1 year = 2025-02-28).
func (d Date) AddYears(n int) Date {
	y := d.Year + n
	day := d.Day
	if last := DaysIn(y, d.Month); day > last {
		day = last
	}
	return Date{y, d.Month, day}
}

// AddMonths moves d by n months, clamping to the month's last day.
func (d Date) AddMonths(n int) Date {
	t := time.Date(d.Year, d.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	day := d.Day
	if last := DaysIn(t.Year(), t.Month()); day > last {
		day = last
	}
	return Date{t.Year(), t.Month(), day}
}

// EndOfMonth is the last day of d's month.
func (d Date) EndOfMonth() Date { return Date{d.Year, d.Month, DaysIn(d.Year, d.Month)} }

// DaysIn is the number of days in month m of year y.
func DaysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Compare returns -1, 0 or +1.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmp(d.Year, o.Year)
	case d.Month != o.Month:
		return cmp(int(d.Month), int(o.Month))
	default:
		return cmp(d.Day, o.Day)
	}
}

func cmp(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports d < o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports d > o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// DaysUntil is the number of calendar days from d to o (negative when o is earlier).
func (d Date) DaysUntil(o Date) int { return int(o.Time().Sub(d.Time()).Hours() / 24) }

// MarshalText writes YYYY-MM-DD (JSON uses it).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD; empty text is the zero date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Fold turns full-width ASCII (０–９, ．, －, ／, ，, Ａ–Ｚ… U+FF01–U+FF5E) into
// its half-width form and the ideographic space U+3000 into a space, so that
// numbers, dates and codes typed with a Chinese input method (２０２５－１２－０１,
// １２３．５) read as typed in ASCII. Text with no byte above 0x7F is returned
// as it is, at no cost.
func Fold(s string) string {
	i := 0
	for i < len(s) && s[i] < 0x80 {
		i++
	}
	if i == len(s) {
		return s
	}
	b := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			r = ' '
		}
		b = append(b, r)
	}
	return string(b)
}
