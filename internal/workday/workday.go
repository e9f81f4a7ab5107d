// Package workday owns the working-day calendar and the deadline arithmetic
// built on it (SPEC §B): which days are working days, the N-th working day
// after a date, the working days between two dates, queue status against a
// due date and publicity periods.
//
// A working day is Monday–Friday not listed as a holiday, or a weekend day
// listed as a 调休 working day, in the State Council (国务院办公厅) notice for
// its year. The official notices 2018–2026 are embedded (cn-workdays.json, a
// copy of reference/cn-workdays.json); 2027 is embedded as provisional (no
// notice yet). Administrators add or replace years with `credit calendar
// load`; the store keeps them and the CLI layers them over Default with
// WithYear.
//
// A year's data is keyed by the notice year, not the calendar year: the 2019
// notice lists 2018-12-29..31. All years are merged into one date-keyed map,
// the later notice winning for a date both list. A date is known when the
// data of its calendar year is loaded; any date in another year is an error
// naming the year to load, never a guess.
//
// # File format
//
// ParseYears (and so `credit calendar load`) reads either the whole document
// in the shape of cn-workdays.json:
//
//	{"years":       {"2026": {"notice": ["https://www.gov.cn/..."],
//	                          "holidays": [{"date": "2026-01-01", "name": "元旦"}, ...],
//	                          "workdays": [{"date": "2026-01-04", "name": "元旦"}, ...]}},
//	 "provisional": {"2027": {"holidays": [...], "workdays": [...]}}}
//
// where the years under "provisional" are marked provisional and any other
// keys ("source", "conventions", "agreeing_sources", ...) are ignored; or one
// year on its own:
//
//	{"year": 2028, "provisional": false, "notice": ["https://www.gov.cn/..."],
//	 "holidays": [{"date": "2028-01-01", "name": "元旦"}, ...],
//	 "workdays": [{"date": "2028-01-29", "name": "春节"}, ...]}
//
// "holidays" lists every day the notice gives off, weekend days inside a
// stated range included; "workdays" lists the weekend days the notice makes
// working days (调休上班). Dates are YYYY-MM-DD in the notice's year or in the
// December before it. A year must list at least one holiday, a working
// weekend day must be a Saturday or Sunday, and no date may be both.
//
// # Counting
//
// Add(d, n) is the n-th working day strictly after d (d never counts, working
// day or not); a negative n counts back to the |n|-th working day strictly
// before d. Between(a, b) counts the working days stepped onto going from a
// to b: those in (a, b] when a ≤ b, and minus those in [b, a) when b < a.
// Both never count the start and always count the end, so
// Between(d, Add(d, n)) == n for every d and n.
package workday

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"credit/internal/apperr"
	"credit/internal/civil"
)

//go:embed cn-workdays.json
var embedded []byte

// Day is a listed date and the holiday it belongs to (元旦, 春节, 国庆节…).
type Day struct {
	Date civil.Date `json:"date"`
	Name string     `json:"name"`
}

// YearData is one year's arrangement as a State Council notice sets it.
type YearData struct {
	Year        int      `json:"year"`
	Provisional bool     `json:"provisional"`
	Holidays    []Day    `json:"holidays"`
	Workdays    []Day    `json:"workdays"`
	Notice      []string `json:"notice,omitempty"`
}

// Calendar is an immutable set of years; the zero value knows no year.
type Calendar struct {
	years map[int]YearData
	days  map[civil.Date]listed
}

// listed is what the notices say about one date.
type listed struct {
	workday     bool // 调休 working day; false: holiday
	name        string
	provisional bool
}

// New builds a calendar from years; a later entry for the same year replaces
// an earlier one.
func New(years ...YearData) *Calendar {
	m := make(map[int]YearData, len(years))
	for _, y := range years {
		m[y.Year] = y
	}
	return build(m)
}

func build(years map[int]YearData) *Calendar {
	c := &Calendar{years: years, days: make(map[civil.Date]listed)}
	keys := make([]int, 0, len(years))
	for y := range years {
		keys = append(keys, y)
	}
	sort.Ints(keys)
	// Ascending notice years: the later notice wins for a date both list.
	for _, y := range keys {
		yd := years[y]
		for _, h := range yd.Holidays {
			c.days[h.Date] = listed{workday: false, name: h.Name, provisional: yd.Provisional}
		}
		for _, w := range yd.Workdays {
			c.days[w.Date] = listed{workday: true, name: w.Name, provisional: yd.Provisional}
		}
	}
	return c
}

var defaultCalendar = sync.OnceValue(func() *Calendar {
	years, err := ParseYears(embedded)
	if err != nil {
		// The embedded file is checked by the tests; this is a build error.
		panic("workday: embedded cn-workdays.json: " + err.Error())
	}
	return New(years...)
})

// Default is the embedded calendar: official 2018–2026, provisional 2027.
func Default() *Calendar { return defaultCalendar() }

// WithYear returns a copy of c with y added, or replacing c's data for y.Year.
func (c *Calendar) WithYear(y YearData) *Calendar {
	m := make(map[int]YearData, len(c.years)+1)
	for k, v := range c.years {
		m[k] = v
	}
	m[y.Year] = y
	return build(m)
}

// Years lists the notice years c holds, ascending.
func (c *Calendar) Years() []int {
	out := make([]int, 0, len(c.years))
	for y := range c.years {
		out = append(out, y)
	}
	sort.Ints(out)
	return out
}

// Year is the notice data c holds for year y.
func (c *Calendar) Year(y int) (YearData, bool) {
	yd, ok := c.years[y]
	return yd, ok
}

// missingYear is the error for a date in a year without data.
func missingYear(y int) error {
	return apperr.Newf(apperr.Rule,
		"工作日历缺少 %d 年的数据：请用 credit calendar load 导入国务院办公厅公布的 %d 年放假安排",
		"the working-day calendar has no data for %d: load the State Council's %d holiday arrangement with credit calendar load",
		y, y)
}

// look says whether d is a working day and whether that rests on provisional
// data; a date in a year without data is an error.
func (c *Calendar) look(d civil.Date) (work, provisional bool, err error) {
	yd, ok := c.years[d.Year]
	if !ok {
		return false, false, missingYear(d.Year)
	}
	if l, ok := c.days[d]; ok {
		return l.workday, yd.Provisional || l.provisional, nil
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday, yd.Provisional, nil
}

// IsWorkday reports whether d is a working day.
func (c *Calendar) IsWorkday(d civil.Date) (bool, error) {
	w, _, err := c.look(d)
	return w, err
}

// Add is the n-th working day strictly after d; a negative n counts back and
// n = 0 gives d.
func (c *Calendar) Add(d civil.Date, n int) (civil.Date, error) {
	r, _, err := c.AddP(d, n)
	return r, err
}

// AddP is Add that also reports whether the result relied on a provisional
// year (any day stepped over).
func (c *Calendar) AddP(d civil.Date, n int) (civil.Date, bool, error) {
	step := 1
	if n < 0 {
		if n == math.MinInt {
			return civil.Date{}, false, apperr.Newf(apperr.Usage, "工作日数 %d 超出范围", "%d working days is out of range", n)
		}
		step, n = -1, -n
	}
	provisional := false
	for n > 0 {
		d = d.AddDays(step)
		w, p, err := c.look(d)
		if err != nil {
			return civil.Date{}, false, err
		}
		provisional = provisional || p
		if w {
			n--
		}
	}
	return d, provisional, nil
}

// Between counts the working days from a to b: those in (a, b] when a ≤ b,
// minus those in [b, a) when b < a, so that Between(d, Add(d, n)) == n.
func (c *Calendar) Between(a, b civil.Date) (int, error) {
	n, _, err := c.BetweenP(a, b)
	return n, err
}

// BetweenP is Between that also reports whether the count relied on a
// provisional year.
func (c *Calendar) BetweenP(a, b civil.Date) (int, bool, error) {
	n, provisional := 0, false
	count := func(d civil.Date) error {
		w, p, err := c.look(d)
		if err != nil {
			return err
		}
		provisional = provisional || p
		if w {
			n++
		}
		return nil
	}
	if !b.Before(a) {
		for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
			if err := count(d); err != nil {
				return 0, false, err
			}
		}
		return n, provisional, nil
	}
	for d := a.AddDays(-1); !d.Before(b); d = d.AddDays(-1) {
		if err := count(d); err != nil {
			return 0, false, err
		}
	}
	return -n, provisional, nil
}

// Kind says what a day is.
type Kind string

const (
	KindWorkday  Kind = "workday"          // an ordinary Monday–Friday
	KindWeekend  Kind = "weekend"          // an ordinary Saturday or Sunday
	KindHoliday  Kind = "holiday"          // listed off by the notice (放假)
	KindAdjusted Kind = "adjusted_workday" // a weekend day worked (调休上班)
)

// Info describes one day, for drawing calendars.
type Info struct {
	Date        civil.Date `json:"date"`
	Kind        Kind       `json:"kind"`
	Name        string     `json:"name,omitempty"` // the holiday, for KindHoliday and KindAdjusted
	Workday     bool       `json:"workday"`
	Provisional bool       `json:"provisional"`
}

// DayInfo says what d is.
func (c *Calendar) DayInfo(d civil.Date) (Info, error) {
	w, p, err := c.look(d)
	if err != nil {
		return Info{}, err
	}
	in := Info{Date: d, Workday: w, Provisional: p}
	if l, ok := c.days[d]; ok {
		in.Name = l.name
		in.Kind = KindHoliday
		if l.workday {
			in.Kind = KindAdjusted
		}
		return in, nil
	}
	in.Kind = KindWorkday
	if !w {
		in.Kind = KindWeekend
	}
	return in, nil
}

// Listed is what the calendar says about calendar year y: its holidays and
// 调休 working days whichever notice listed them (late-December dates can
// come from the next year's notice), the notices involved, and whether any of
// it is provisional.
func (c *Calendar) Listed(y int) (YearData, error) {
	yd, ok := c.years[y]
	if !ok {
		return YearData{}, missingYear(y)
	}
	out := YearData{Year: y, Provisional: yd.Provisional, Holidays: []Day{}, Workdays: []Day{}}
	out.Notice = append(out.Notice, yd.Notice...)
	for d, l := range c.days {
		if d.Year != y {
			continue
		}
		if l.workday {
			out.Workdays = append(out.Workdays, Day{d, l.name})
		} else {
			out.Holidays = append(out.Holidays, Day{d, l.name})
		}
		out.Provisional = out.Provisional || l.provisional
	}
	if next, ok := c.years[y+1]; ok && containsYear(next, y) {
		for _, n := range next.Notice {
			if !slices.Contains(out.Notice, n) {
				out.Notice = append(out.Notice, n)
			}
		}
	}
	sortDays(out.Holidays)
	sortDays(out.Workdays)
	return out, nil
}

func containsYear(yd YearData, y int) bool {
	for _, list := range [][]Day{yd.Holidays, yd.Workdays} {
		for _, d := range list {
			if d.Date.Year == y {
				return true
			}
		}
	}
	return false
}

func sortDays(ds []Day) {
	sort.Slice(ds, func(i, j int) bool { return ds[i].Date.Before(ds[j].Date) })
}

// Status is a queue item's state against its deadline (SPEC §B).
type Status string

const (
	StatusOK      Status = "ok"
	StatusDueSoon Status = "due_soon"
	StatusOverdue Status = "overdue"
	StatusDone    Status = "done"
)

// Label is the status's Chinese name.
func (s Status) Label() string {
	switch s {
	case StatusOK:
		return "正常"
	case StatusDueSoon:
		return "即将到期"
	case StatusOverdue:
		return "已超期"
	case StatusDone:
		return "已办结"
	}
	return string(s)
}

// QueueStatus is the status on day today of an item due on due: done when
// finished; overdue after the due day (days_left = minus the working days in
// (due, today]); due_soon when at most warning working days are left, the
// due day itself (0 left) included; else ok. daysLeft = Between(today, due).
func (c *Calendar) QueueStatus(today, due civil.Date, warning int, done bool) (Status, int, error) {
	if done {
		return StatusDone, 0, nil
	}
	if today.After(due) {
		n, err := c.Between(due, today)
		if err != nil {
			return "", 0, err
		}
		return StatusOverdue, -n, nil
	}
	left, err := c.Between(today, due)
	if err != nil {
		return "", 0, err
	}
	if left <= warning {
		return StatusDueSoon, left, nil
	}
	return StatusOK, left, nil
}

// Publicity is the period of n working days of publicity started on start:
// from Add(start, 1) to Add(start, n), both included.
func (c *Calendar) Publicity(start civil.Date, n int) (first, last civil.Date, err error) {
	if n < 1 {
		return civil.Date{}, civil.Date{}, apperr.Newf(apperr.Usage, "公示期应至少 1 个工作日（现为 %d）", "a publicity period needs at least 1 working day (got %d)", n)
	}
	if first, err = c.Add(start, 1); err != nil {
		return civil.Date{}, civil.Date{}, err
	}
	if last, err = c.Add(start, n); err != nil {
		return civil.Date{}, civil.Date{}, err
	}
	return first, last, nil
}

// ParseYears reads calendar data in either shape described in the package
// comment. Years come back ascending with their days sorted; a file that is
// not calendar data is refused whole (exit 4).
func ParseYears(b []byte) ([]YearData, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil || top == nil {
		return nil, invalid("不是 JSON 对象", "not a JSON object")
	}
	var out []YearData
	if _, single := top["year"]; single {
		var y yearJSON
		if err := json.Unmarshal(b, &y); err != nil {
			return nil, invalid("格式不对："+jsonMsg(err), "malformed: "+jsonMsg(err))
		}
		if y.Year == nil {
			return nil, invalid("缺少 year", "year is missing")
		}
		var prov bool
		if y.Provisional != nil {
			if err := json.Unmarshal(y.Provisional, &prov); err != nil {
				return nil, invalid("provisional 应为 true 或 false", "provisional must be true or false")
			}
		}
		yd, err := y.data(*y.Year, prov)
		if err != nil {
			return nil, err
		}
		out = append(out, yd)
	} else {
		seen := map[int]string{}
		for _, part := range []struct {
			key         string
			provisional bool
		}{{"years", false}, {"provisional", true}} {
			raw, ok := top[part.key]
			if !ok || string(raw) == "null" {
				continue
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, invalid(fmt.Sprintf("%s 应为以年份为键的对象", part.key), fmt.Sprintf("%s must be an object keyed by year", part.key))
			}
			for k, v := range m {
				year, err := strconv.Atoi(k)
				if err != nil || strconv.Itoa(year) != k {
					return nil, invalid(fmt.Sprintf("%s 的键 %q 不是年份", part.key, k), fmt.Sprintf("key %q of %s is not a year", k, part.key))
				}
				if prev, dup := seen[year]; dup {
					return nil, invalid(fmt.Sprintf("%d 年同时出现在 %s 和 %s 中", year, prev, part.key), fmt.Sprintf("%d is under both %s and %s", year, prev, part.key))
				}
				seen[year] = part.key
				var y yearJSON
				if err := json.Unmarshal(v, &y); err != nil {
					return nil, invalid(fmt.Sprintf("%d 年的数据格式不对：%v", year, jsonMsg(err)), fmt.Sprintf("%d: malformed data: %v", year, jsonMsg(err)))
				}
				if y.Year != nil && *y.Year != year {
					return nil, invalid(fmt.Sprintf("键 %d 下的 year 为 %d", year, *y.Year), fmt.Sprintf("year %d is under key %d", *y.Year, year))
				}
				yd, err := y.data(year, part.provisional)
				if err != nil {
					return nil, err
				}
				out = append(out, yd)
			}
		}
		if len(out) == 0 {
			return nil, invalid("没有年份数据（应有 year，或 years / provisional）", "no year data (expected year, or years / provisional)")
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year < out[j].Year })
	return out, nil
}

// yearJSON is one year as written in a file.
type yearJSON struct {
	Year        *int            `json:"year"`
	Provisional json.RawMessage `json:"provisional"`
	Notice      []string        `json:"notice"`
	Holidays    []Day           `json:"holidays"`
	Workdays    []Day           `json:"workdays"`
}

func jsonMsg(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Sprintf("%s 应为 %s", te.Field, te.Type)
	}
	return err.Error()
}

// data checks one year and returns it sorted.
func (y yearJSON) data(year int, provisional bool) (YearData, error) {
	if year < 1000 || year > 9999 {
		return YearData{}, invalid(fmt.Sprintf("年份 %d 超出范围", year), fmt.Sprintf("year %d is out of range", year))
	}
	yd := YearData{Year: year, Provisional: provisional, Notice: y.Notice,
		Holidays: slices.Clone(y.Holidays), Workdays: slices.Clone(y.Workdays)}
	if yd.Holidays == nil {
		yd.Holidays = []Day{}
	}
	if yd.Workdays == nil {
		yd.Workdays = []Day{}
	}
	if err := yd.Validate(); err != nil {
		return YearData{}, err
	}
	sortDays(yd.Holidays)
	sortDays(yd.Workdays)
	return yd, nil
}

// Validate checks the rules of the file format: at least one holiday, dates
// in the notice's year or the December before, working days on weekends,
// no date listed twice.
func (y YearData) Validate() error {
	if len(y.Holidays) == 0 {
		return invalid(fmt.Sprintf("%d 年没有列出任何放假日期", y.Year), fmt.Sprintf("%d lists no holidays", y.Year))
	}
	seen := map[civil.Date]bool{}
	for _, part := range []struct {
		list    []Day
		workday bool
	}{{y.Holidays, false}, {y.Workdays, true}} {
		for _, d := range part.list {
			if d.Date.IsZero() {
				return invalid(fmt.Sprintf("%d 年有一项缺少日期", y.Year), fmt.Sprintf("%d: an entry has no date", y.Year))
			}
			if !(d.Date.Year == y.Year || d.Date.Year == y.Year-1 && d.Date.Month == time.December) {
				return invalid(fmt.Sprintf("%d 年的通知不能安排 %s", y.Year, d.Date), fmt.Sprintf("the %d notice cannot list %s", y.Year, d.Date))
			}
			if seen[d.Date] {
				return invalid(fmt.Sprintf("%s 重复列出", d.Date), fmt.Sprintf("%s is listed twice", d.Date))
			}
			seen[d.Date] = true
			if wd := d.Date.Weekday(); part.workday && wd != time.Saturday && wd != time.Sunday {
				return invalid(fmt.Sprintf("调休上班日 %s 不是周末", d.Date), fmt.Sprintf("working day %s is not a weekend day", d.Date))
			}
		}
	}
	return nil
}

func invalid(zh, en string) error {
	return apperr.New(apperr.Refused, "工作日历数据无效："+zh, "invalid calendar data: "+en)
}
