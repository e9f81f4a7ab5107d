package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"credit/internal/apperr"
	"credit/internal/civil"
	"credit/internal/operator"
	"credit/internal/store"
	"credit/internal/tabular"
	"credit/internal/workday"
)

func init() { registerNoun("calendar", newCalendarCmd) }

// Calendar is the working-day calendar this run computes with: the embedded
// official calendar with the years loaded into the store laid over it. When
// there is no store file the embedded calendar alone is used, so date
// arithmetic works before (and without) credit init.
func (a *App) Calendar() (*workday.Calendar, error) {
	loaded, err := a.loadedCalendarYears()
	if err != nil {
		return nil, err
	}
	return calendarWith(workday.Default(), loaded)
}

// loadedCalendarYears are the store's current calendar years, or none when
// there is no store file.
func (a *App) loadedCalendarYears() ([]store.LoadedYear, error) {
	if a.store == nil {
		if _, err := os.Stat(a.DefaultDBPath()); errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
	}
	st, err := a.Store()
	if err != nil {
		return nil, err
	}
	return st.LoadedYears(a.Ctx())
}

func calendarWith(cal *workday.Calendar, loaded []store.LoadedYear) (*workday.Calendar, error) {
	for _, ly := range loaded {
		ys, err := workday.ParseYears([]byte(ly.Data))
		if err != nil || len(ys) != 1 || ys[0].Year != ly.Year {
			return nil, apperr.Newf(apperr.Internal,
				"数据库中 %d 年的工作日历数据已损坏：请用 credit calendar load 重新导入该年",
				"the store's calendar data for %d is damaged: load the year again with credit calendar load", ly.Year)
		}
		cal = cal.WithYear(ys[0])
	}
	return cal, nil
}

// provisionalNote goes to stderr beside a result that rests on a year the
// State Council has not announced yet.
func (a *App) provisionalNote() {
	a.Warn(a.T("（临时数据，待国务院通知确认）", "(provisional data, to be confirmed by the State Council notice)"))
}

func newCalendarCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "calendar",
		Short: "工作日历与工作日计算 / working-day calendar and arithmetic",
		Long: `工作日：周一至周五且不是国务院办公厅通知的放假日，或通知安排的调休上班日（周末上班）。
内置 2018–2026 年的正式安排和 2027 年的临时数据；以后各年由管理员用 credit calendar load 导入。
缺少某年数据时，涉及该年的计算会报错并提示导入，不会猜测。

add DATE N 是 DATE 之后（不含 DATE 本身）的第 N 个工作日，N 为负数时向前数；
between A B 是 (A, B] 中的工作日数（B 早于 A 时为 [B, A) 中工作日数的相反数），
因此 between D (add D N) = N。

A working day is Monday–Friday not listed as a holiday by the State Council (国务院办公厅) notice
of its year, or a weekend day that the notice makes a working day (调休). Official years 2018–2026
and a provisional 2027 are built in; administrators load later years with credit calendar load.
A date in a year without data is an error naming the year to load.

add DATE N is the N-th working day strictly after DATE (negative N counts back); between A B
counts the working days in (A, B] (minus those in [B, A) when B is earlier), so that
between D (add D N) = N.`,
	}
	c.AddCommand(newCalendarShowCmd(app), newCalendarAddCmd(app), newCalendarBetweenCmd(app),
		newCalendarYearsCmd(app), newCalendarLoadCmd(app))
	return c
}

func parseDateArg(s string) (civil.Date, error) {
	d, err := civil.Parse(strings.TrimSpace(s))
	if err != nil {
		return civil.Date{}, apperr.Newf(apperr.Usage, "日期 %q 无效：应为 YYYY-MM-DD 的真实日期", "date %q is not valid: use a real YYYY-MM-DD date", s)
	}
	return d, nil
}

func parseYearArg(s string) (int, error) {
	y, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || y < 1000 || y > 9999 {
		return 0, apperr.Newf(apperr.Usage, "年份 %q 无效：应为四位数字，如 2025", "year %q is not valid: use four digits, e.g. 2025", s)
	}
	return y, nil
}

// ---- calendar add ----------------------------------------------------------

type calendarAddJSON struct {
	Date        civil.Date `json:"date"`
	Provisional bool       `json:"provisional"`
}

func newCalendarAddCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "add DATE N",
		Short: "DATE 之后第 N 个工作日 / the N-th working day after DATE",
		Long: `DATE 之后（不含 DATE 本身，无论它是否工作日）的第 N 个工作日；N 为负数时向前数到 DATE 之前的第 |N| 个工作日；N 为 0 时就是 DATE。
结果依赖临时数据（尚无国务院通知的年份）时，在标准错误输出提示；--format json 给出 provisional 字段。

The N-th working day strictly after DATE (DATE never counts); a negative N counts back; N = 0 gives DATE.
A result that rests on provisional data says so on stderr, and in the provisional field of --format json.`,
		Example: example(
			"credit calendar add 2024-09-27 10               # 2024-10-16（跨国庆）/ 2024-10-16 (across National Day)",
			"credit calendar add 2024-10-16 -10              # 2024-09-27（向前数）/ 2024-09-27 (counting back)",
			"credit calendar add 2025-09-26 5 --format json  # {\"date\": \"2025-10-10\", \"provisional\": false}",
		),
		// Arguments are checked in RunE, after flags written behind them are read.
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			args, helped, err := trailingFlags(c, app, args)
			if err != nil || helped {
				return err
			}
			if err := exactArgs(2)(c, args); err != nil {
				return err
			}
			from, err := parseDateArg(args[0])
			if err != nil {
				return err
			}
			n, err := strconv.Atoi(strings.TrimSpace(args[1]))
			if err != nil {
				return apperr.Newf(apperr.Usage, "工作日数 %q 无效：应为整数，如 10 或 -10", "%q is not a number of working days: use an integer such as 10 or -10", args[1])
			}
			cal, err := app.Calendar()
			if err != nil {
				return err
			}
			to, prov, err := cal.AddP(from, n)
			if err != nil {
				return err
			}
			switch app.Format {
			case tabular.JSON:
				return app.Print(&tabular.Table{JSON: calendarAddJSON{to, prov}})
			case tabular.CSV, tabular.MD:
				err = app.Print(&tabular.Table{
					Columns: []tabular.Column{{Key: "date", Zh: "日期", En: "Date"}, {Key: "provisional", Zh: "临时数据", En: "Provisional"}},
					Rows:    [][]string{{to.String(), strconv.FormatBool(prov)}},
				})
			default:
				app.Println(to.String())
			}
			if prov {
				app.provisionalNote()
			}
			return err
		},
	}
	// "-10" must reach RunE as a count, not be read as the flags -1 -0: flags
	// are read only before the first argument, and trailingFlags reads the
	// ones written after.
	c.Flags().SetInterspersed(false)
	return c
}

// trailingFlags reads the flags that follow the arguments of a command whose
// flag parsing stops at the first argument (so that a negative number is an
// argument), and returns the arguments. Integers such as -10 and everything
// after "--" are arguments. helped is true when --help was asked for and shown.
func trailingFlags(c *cobra.Command, app *App, args []string) (pos []string, helped bool, err error) {
	fs := c.Flags()
	var flags []string
	for i := 0; i < len(args); i++ {
		s := args[i]
		if s == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if _, err := strconv.Atoi(s); err == nil || len(s) < 2 || s[0] != '-' {
			pos = append(pos, s)
			continue
		}
		flags = append(flags, s)
		if strings.Contains(s, "=") || i+1 >= len(args) {
			continue
		}
		var f = fs.Lookup(strings.TrimLeft(s, "-"))
		if !strings.HasPrefix(s, "--") && len(s) == 2 {
			f = fs.ShorthandLookup(s[1:])
		}
		if f != nil && f.NoOptDefVal == "" {
			i++
			flags = append(flags, args[i])
		}
	}
	if len(flags) == 0 {
		return pos, false, nil
	}
	if err := fs.Parse(flags); err != nil {
		return nil, false, usageErr(err)
	}
	if h := fs.Lookup("help"); h != nil && h.Value.String() == "true" {
		return nil, true, c.Help()
	}
	return pos, false, app.setup()
}

// ---- calendar between ------------------------------------------------------

type calendarBetweenJSON struct {
	From        civil.Date `json:"from"`
	To          civil.Date `json:"to"`
	Workdays    int        `json:"workdays"`
	Provisional bool       `json:"provisional"`
}

func newCalendarBetweenCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "between A B",
		Short: "两个日期之间的工作日数 / working days between two dates",
		Long: `(A, B] 中的工作日数：不含 A，含 B。B 早于 A 时为负数（[B, A) 中工作日数的相反数）。

The working days in (A, B]: A excluded, B included; negative when B is earlier (minus those in [B, A)).`,
		Example: example(
			"credit calendar between 2025-12-31 2026-01-05   # 2（2026-01-04 周日调休上班）/ 2 (Sunday 2026-01-04 is a working day)",
			"credit calendar between 2024-09-27 2024-10-16 --format json",
		),
		Args: exactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := parseDateArg(args[0])
			if err != nil {
				return err
			}
			b, err := parseDateArg(args[1])
			if err != nil {
				return err
			}
			cal, err := app.Calendar()
			if err != nil {
				return err
			}
			n, prov, err := cal.BetweenP(a, b)
			if err != nil {
				return err
			}
			switch app.Format {
			case tabular.JSON:
				return app.Print(&tabular.Table{JSON: calendarBetweenJSON{a, b, n, prov}})
			case tabular.CSV, tabular.MD:
				err = app.Print(&tabular.Table{
					Columns: []tabular.Column{{Key: "from", Zh: "起", En: "From"}, {Key: "to", Zh: "止", En: "To"}, {Key: "workdays", Zh: "工作日数", En: "Working days"}, {Key: "provisional", Zh: "临时数据", En: "Provisional"}},
					Rows:    [][]string{{a.String(), b.String(), strconv.Itoa(n), strconv.FormatBool(prov)}},
				})
			default:
				app.Println(strconv.Itoa(n))
			}
			if prov {
				app.provisionalNote()
			}
			return err
		},
	}
}

// ---- calendar show ---------------------------------------------------------

type calendarShowJSON struct {
	Year        int           `json:"year"`
	Provisional bool          `json:"provisional"`
	Holidays    []workday.Day `json:"holidays"`
	Workdays    []workday.Day `json:"workdays"`
}

func newCalendarShowCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "show YEAR",
		Short: "显示一年的工作日历 / show a year's working-day calendar",
		Long: `按月画出一年的日历（每周从周一开始），标出放假日（休）和调休上班日（班），下面列出各节日的放假和调休安排。
--format json 给出 {year, provisional, holidays, workdays}；csv、md 给出逐日列表。

Draws the year month by month (weeks start on Monday) with holidays marked 休 and weekend working
days (调休) marked 班, then lists the arrangements by holiday. --format json gives
{year, provisional, holidays, workdays}; csv and md give the list of days.`,
		Example: example("credit calendar show 2025", "credit calendar show 2026 --format json"),
		Args:    exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			y, err := parseYearArg(args[0])
			if err != nil {
				return err
			}
			cal, err := app.Calendar()
			if err != nil {
				return err
			}
			l, err := cal.Listed(y)
			if err != nil {
				return err
			}
			switch app.Format {
			case tabular.JSON:
				return app.Print(&tabular.Table{JSON: calendarShowJSON{l.Year, l.Provisional, l.Holidays, l.Workdays}})
			case tabular.CSV, tabular.MD:
				return app.Print(calendarDaysTable(app, l))
			}
			text, err := drawYear(app, cal, l)
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(app.Out, text)
			return err
		},
	}
}

func calendarDaysTable(app *App, l workday.YearData) *tabular.Table {
	t := &tabular.Table{
		Title: fmt.Sprintf(app.T("%d 年放假和调休安排", "%d holidays and working weekends"), l.Year),
		Columns: []tabular.Column{{Key: "date", Zh: "日期", En: "Date"}, {Key: "weekday", Zh: "星期", En: "Weekday"},
			{Key: "kind", Zh: "类别", En: "Kind"}, {Key: "name", Zh: "节日", En: "Holiday"}},
	}
	var days []workday.Day
	kind := map[civil.Date]string{}
	for _, h := range l.Holidays {
		days = append(days, h)
		kind[h.Date] = app.T("放假", "holiday")
	}
	for _, w := range l.Workdays {
		days = append(days, w)
		kind[w.Date] = app.T("调休上班", "working weekend")
	}
	sortByDate(days)
	for _, d := range days {
		t.Rows = append(t.Rows, []string{d.Date.String(), weekdayName(app, d.Date.Weekday()), kind[d.Date], d.Name})
	}
	return t
}

func sortByDate(ds []workday.Day) {
	slices.SortFunc(ds, func(a, b workday.Day) int { return a.Date.Compare(b.Date) })
}

var (
	monthsZh   = []string{"一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"}
	weekdaysZh = []string{"日", "一", "二", "三", "四", "五", "六"}
	weekdaysEn = []string{"Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"}
)

func weekdayName(app *App, wd time.Weekday) string {
	return app.T("周"+weekdaysZh[wd], wd.String()[:3])
}

// dateWithWeekday writes 2025-10-01（周三）, or 2025-10-01 (Wed) in English.
func dateWithWeekday(app *App, d civil.Date) string {
	return d.String() + app.T("（"+weekdayName(app, d.Weekday())+"）", " ("+weekdayName(app, d.Weekday())+")")
}

// calWidth is the width of s on a terminal, CJK characters counting two.
func calWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func calPad(s string, w int) string {
	if d := w - calWidth(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}

func calCenter(s string, w int) string {
	d := w - calWidth(s)
	if d <= 0 {
		return s
	}
	return strings.Repeat(" ", d/2) + s + strings.Repeat(" ", d-d/2)
}

const (
	calCell       = 5 // " 12休": the day right-aligned in 3 columns, the mark in 2
	calMonthWidth = 7 * calCell
	calGap        = "    "
	calPerRow     = 2 // two months side by side fit 80 columns
)

// drawYear draws the twelve month grids of calendar year l.Year and lists its
// holidays and 调休 working days. The marks 休 and 班 carry the meaning; on a
// terminal colour only repeats it.
func drawYear(app *App, cal *workday.Calendar, l workday.YearData) (string, error) {
	colour := app.IsTTY() && app.Getenv("NO_COLOR") == ""
	paint := func(s, code string) string {
		if !colour || code == "" {
			return s
		}
		return "\x1b[" + code + "m" + s + "\x1b[0m"
	}
	var b strings.Builder
	title := fmt.Sprintf(app.T("%d 年工作日历", "Working-day calendar %d"), l.Year)
	if l.Provisional {
		title += app.T("（临时数据，待国务院通知确认）", " (provisional, to be confirmed by the State Council notice)")
	}
	b.WriteString(title + "\n")
	b.WriteString(app.T("休 = 放假　班 = 调休上班（周末上班）　每周从周一开始\n",
		"休 = holiday, 班 = weekend working day (调休); weeks start on Monday\n"))

	months := make([][]string, 12)
	for m := range 12 {
		lines, err := drawMonth(app, cal, l.Year, time.Month(m+1), paint)
		if err != nil {
			return "", err
		}
		months[m] = lines
	}
	for row := 0; row < 12; row += calPerRow {
		b.WriteString("\n")
		for i := range months[row] {
			var parts []string
			for m := row; m < row+calPerRow; m++ {
				parts = append(parts, months[m][i])
			}
			b.WriteString(strings.TrimRight(strings.Join(parts, calGap), " ") + "\n")
		}
	}

	b.WriteString("\n" + app.T("放假安排", "Holidays") + "\n")
	for _, r := range holidayRuns(l.Holidays) {
		span := dateWithWeekday(app, r.first)
		if r.last != r.first {
			span += app.T(" 至 ", " to ") + dateWithWeekday(app, r.last)
		}
		b.WriteString("  " + calPad(r.name, 16) + span + fmt.Sprintf(app.T("，共 %d 天", ", %d day(s)"), r.days) + "\n")
	}
	b.WriteString("\n" + app.T("调休上班", "Weekend working days (调休)") + "\n")
	if len(l.Workdays) == 0 {
		b.WriteString("  " + app.T("无", "none") + "\n")
	}
	for _, g := range groupByName(l.Workdays) {
		var dates []string
		for _, d := range g.days {
			dates = append(dates, dateWithWeekday(app, d))
		}
		b.WriteString("  " + calPad(g.name, 16) + strings.Join(dates, app.T("、", ", ")) + "\n")
	}
	if len(l.Notice) > 0 {
		b.WriteString("\n" + app.T("依据：国务院办公厅通知", "Source: State Council notices") + "\n")
		for _, n := range l.Notice {
			b.WriteString("  " + n + "\n")
		}
	}
	return b.String(), nil
}

// drawMonth is one month as 8 lines of calMonthWidth columns: the name, the
// weekday header and six weeks.
func drawMonth(app *App, cal *workday.Calendar, year int, m time.Month, paint func(string, string) string) ([]string, error) {
	name := monthsZh[m-1]
	if app.Lang == "en" {
		name = m.String()
	}
	lines := []string{calCenter(name, calMonthWidth)}
	var hdr strings.Builder
	for i := range 7 {
		wd := (i + 1) % 7 // Monday first
		h := weekdaysZh[wd]
		if app.Lang == "en" {
			h = weekdaysEn[wd]
		}
		hdr.WriteString(calPad(" "+h, calCell))
	}
	lines = append(lines, hdr.String())
	first := civil.Date{Year: year, Month: m, Day: 1}
	offset := (int(first.Weekday()) + 6) % 7 // Monday = 0
	var week strings.Builder
	week.WriteString(strings.Repeat(" ", offset*calCell))
	col := offset
	for day := 1; day <= civil.DaysIn(year, m); day++ {
		in, err := cal.DayInfo(civil.Date{Year: year, Month: m, Day: day})
		if err != nil {
			return nil, err
		}
		mark, code := "  ", ""
		switch in.Kind {
		case workday.KindHoliday:
			mark, code = "休", "1;31"
		case workday.KindAdjusted:
			mark, code = "班", "1;34"
		case workday.KindWeekend:
			code = "2"
		}
		week.WriteString(paint(fmt.Sprintf("%3d", day)+mark, code))
		col++
		if col == 7 {
			lines = append(lines, week.String())
			week.Reset()
			col = 0
		}
	}
	if col > 0 {
		week.WriteString(strings.Repeat(" ", (7-col)*calCell))
		lines = append(lines, week.String())
	}
	for len(lines) < 8 {
		lines = append(lines, strings.Repeat(" ", calMonthWidth))
	}
	return lines, nil
}

type holidayRun struct {
	name        string
	first, last civil.Date
	days        int
}

// holidayRuns joins consecutive days of the same holiday (sorted input).
func holidayRuns(ds []workday.Day) []holidayRun {
	var out []holidayRun
	for _, d := range ds {
		if n := len(out); n > 0 && out[n-1].name == d.Name && out[n-1].last.AddDays(1) == d.Date {
			out[n-1].last = d.Date
			out[n-1].days++
			continue
		}
		out = append(out, holidayRun{d.Name, d.Date, d.Date, 1})
	}
	return out
}

type dayGroup struct {
	name string
	days []civil.Date
}

func groupByName(ds []workday.Day) []dayGroup {
	var out []dayGroup
	idx := map[string]int{}
	for _, d := range ds {
		i, ok := idx[d.Name]
		if !ok {
			i = len(out)
			idx[d.Name] = i
			out = append(out, dayGroup{name: d.Name})
		}
		out[i].days = append(out[i].days, d.Date)
	}
	return out
}

// ---- calendar years --------------------------------------------------------

type calendarYearJSON struct {
	Year        int    `json:"year"`
	Provisional bool   `json:"provisional"`
	Source      string `json:"source"` // embedded | store
	Holidays    int    `json:"holidays"`
	Workdays    int    `json:"workdays"`
	LoadedAt    string `json:"loaded_at,omitempty"`
	LoadedBy    string `json:"loaded_by,omitempty"`
}

func newCalendarYearsCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:     "years",
		Short:   "列出工作日历已有的年份 / list the years the calendar knows",
		Args:    noArgs,
		Example: example("credit calendar years", "credit calendar years --format json"),
		RunE: func(c *cobra.Command, _ []string) error {
			loaded, err := app.loadedCalendarYears()
			if err != nil {
				return err
			}
			cal, err := calendarWith(workday.Default(), loaded)
			if err != nil {
				return err
			}
			byYear := map[int]store.LoadedYear{}
			for _, ly := range loaded {
				byYear[ly.Year] = ly
			}
			list := []calendarYearJSON{}
			t := &tabular.Table{Columns: []tabular.Column{
				{Key: "year", Zh: "年份", En: "Year"}, {Key: "provisional", Zh: "状态", En: "Status"},
				{Key: "source", Zh: "来源", En: "Source"}, {Key: "holidays", Zh: "放假天数", En: "Holidays"},
				{Key: "workdays", Zh: "调休上班", En: "Working weekends"}, {Key: "loaded_at", Zh: "导入时间", En: "Loaded at"},
				{Key: "loaded_by", Zh: "导入人", En: "Loaded by"}}}
			for _, y := range cal.Years() {
				yd, _ := cal.Year(y)
				e := calendarYearJSON{Year: y, Provisional: yd.Provisional, Source: "embedded", Holidays: len(yd.Holidays), Workdays: len(yd.Workdays)}
				src := app.T("内置", "built in")
				if ly, ok := byYear[y]; ok {
					e.Source, e.LoadedAt, e.LoadedBy = "store", ly.LoadedAt, ly.LoadedBy
					src = app.T("导入", "loaded")
				}
				status := app.T("正式", "official")
				if e.Provisional {
					status = app.T("临时", "provisional")
				}
				list = append(list, e)
				t.Rows = append(t.Rows, []string{strconv.Itoa(y), status, src, strconv.Itoa(e.Holidays), strconv.Itoa(e.Workdays), e.LoadedAt, e.LoadedBy})
			}
			t.JSON = list
			return app.Print(t)
		},
	}
}

// ---- calendar load ---------------------------------------------------------

// deadlineChange is an open deadline that a new calendar would move. SPEC §B:
// deadlines already set stay as they are; calendar load lists the ones that
// would differ so that the office can decide what to tell the parties.
type deadlineChange struct {
	Object string     `json:"object"` // e.g. objection:12
	What   string     `json:"what"`   // which deadline, for people
	Due    civil.Date `json:"due"`    // as set
	Would  civil.Date `json:"would_be"`
}

// deadlineCheckers list the open deadlines of one queue that next would move
// compared with the calendar in force (cur). The objection and repair queues
// register theirs here when they arrive; there are none yet.
var deadlineCheckers []func(ctx context.Context, st *store.Store, cur, next *workday.Calendar) ([]deadlineChange, error)

// openDeadlinesThatWouldMove asks every registered queue which of its open
// deadlines would differ under next. With no queue registered it finds none.
func openDeadlinesThatWouldMove(ctx context.Context, st *store.Store, cur, next *workday.Calendar) ([]deadlineChange, error) {
	out := []deadlineChange{}
	for _, check := range deadlineCheckers {
		ch, err := check(ctx, st, cur, next)
		if err != nil {
			return nil, err
		}
		out = append(out, ch...)
	}
	return out, nil
}

type calendarLoadedJSON struct {
	Year        int    `json:"year"`
	Provisional bool   `json:"provisional"`
	Holidays    int    `json:"holidays"`
	Workdays    int    `json:"workdays"`
	Status      string `json:"status"` // added | replaced | unchanged
	SHA256      string `json:"sha256"`
}

type calendarLoadJSON struct {
	File      string               `json:"file"`
	Years     []calendarLoadedJSON `json:"years"`
	Deadlines []deadlineChange     `json:"deadlines_changed"`
}

func newCalendarLoadCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "load FILE",
		Short: "导入国务院办公厅公布的放假安排（管理员）/ load a year's holiday arrangement (admin)",
		Long: `导入一年或多年的放假安排，取代内置或以前导入的同年数据（旧数据保留在数据库中）。
文件为 JSON，与内置的 cn-workdays.json 同样格式（{"years": {...}, "provisional": {...}}），或单独一年：
  {"year": 2028, "provisional": false, "notice": ["https://www.gov.cn/..."],
   "holidays": [{"date": "2028-01-01", "name": "元旦"}, ...],
   "workdays": [{"date": "2028-01-29", "name": "春节"}, ...]}
holidays 列出通知安排的每个放假日（含假期内的周末），workdays 列出调休上班的周六、周日。
已有正式数据的年份不能用临时数据取代。已设定的期限不变；命令列出在新日历下会不同的未结期限。

Loads one or more years, replacing the built-in or earlier loaded data of the same year (old rows
are kept). The file is JSON in the shape of the built-in cn-workdays.json, or a single year as
above. An official year is never replaced by provisional data. Deadlines already set stay; the
command lists the open deadlines that would differ under the new calendar.`,
		Example: example(
			"credit calendar load 2028.json",
			"credit calendar load cn-workdays.json --format json",
		),
		Args: exactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			file := args[0]
			if err := checkInput(file); err != nil {
				return err
			}
			raw, err := os.ReadFile(file)
			switch {
			case err != nil:
				return apperr.Wrap(err, apperr.Internal, "无法读取 "+file, "cannot read "+file)
			}
			years, err := workday.ParseYears(raw)
			if err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
			st, actor, err := app.Writer(operator.Admin)
			if err != nil {
				return err
			}
			cur, err := app.Calendar()
			if err != nil {
				return err
			}
			next := cur
			out := calendarLoadJSON{File: file, Years: []calendarLoadedJSON{}}
			var data []string
			for _, y := range years {
				b, err := json.Marshal(y)
				if err != nil {
					return err
				}
				sum := sha256.Sum256(b)
				e := calendarLoadedJSON{Year: y.Year, Provisional: y.Provisional, Holidays: len(y.Holidays), Workdays: len(y.Workdays), Status: "added", SHA256: hex.EncodeToString(sum[:])}
				if old, ok := cur.Year(y.Year); ok {
					e.Status = "replaced"
					if ob, _ := json.Marshal(old); string(ob) == string(b) {
						e.Status = "unchanged"
					} else if !old.Provisional && y.Provisional {
						return apperr.Newf(apperr.Rule,
							"%d 年已有国务院办公厅通知的正式安排，不能用临时数据取代",
							"%d already has the official arrangement of the State Council notice; provisional data cannot replace it", y.Year)
					}
				}
				next = next.WithYear(y)
				out.Years = append(out.Years, e)
				data = append(data, string(b))
			}
			if out.Deadlines, err = openDeadlinesThatWouldMove(app.Ctx(), st, cur, next); err != nil {
				return err
			}
			if err := app.Confirm(fmt.Sprintf("将导入工作日历 %s（%d 个年份；%d 个未结期限会因此不同，已定的期限不变）。", args[0], len(out.Years), len(out.Deadlines)),
				fmt.Sprintf("Calendar %s will be loaded (%d years; %d open deadlines would differ; deadlines already set stay).", args[0], len(out.Years), len(out.Deadlines))); err != nil {
				return err
			}
			err = st.Write(app.Ctx(), actor, func(tx *store.Tx) error {
				for i, e := range out.Years {
					if e.Status == "unchanged" {
						continue
					}
					if err := tx.PutCalendarYear(e.Year, e.Provisional, data[i]); err != nil {
						return err
					}
					if err := tx.Audit("calendar.load", fmt.Sprintf("calendar:%d", e.Year), map[string]any{
						"year": e.Year, "provisional": e.Provisional, "sha256": e.SHA256, "status": e.Status,
						"holidays": e.Holidays, "workdays": e.Workdays, "deadlines_changed": len(out.Deadlines),
					}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			return printCalendarLoad(app, out)
		},
	}
}

func printCalendarLoad(app *App, out calendarLoadJSON) error {
	if app.JSON() {
		return app.Print(&tabular.Table{JSON: out})
	}
	status := map[string]string{"added": app.T("新增", "added"), "replaced": app.T("已取代原数据", "replaced"), "unchanged": app.T("未变（相同数据）", "unchanged (same data)")}
	t := &tabular.Table{Columns: []tabular.Column{
		{Key: "year", Zh: "年份", En: "Year"}, {Key: "provisional", Zh: "状态", En: "Status"},
		{Key: "holidays", Zh: "放假天数", En: "Holidays"}, {Key: "workdays", Zh: "调休上班", En: "Working weekends"},
		{Key: "result", Zh: "结果", En: "Result"}, {Key: "sha256", Zh: "SHA-256", En: "SHA-256"}}}
	for _, e := range out.Years {
		kind := app.T("正式", "official")
		if e.Provisional {
			kind = app.T("临时", "provisional")
		}
		t.Rows = append(t.Rows, []string{strconv.Itoa(e.Year), kind, strconv.Itoa(e.Holidays), strconv.Itoa(e.Workdays), status[e.Status], e.SHA256[:16]})
	}
	if err := app.Print(t); err != nil {
		return err
	}
	if len(out.Deadlines) == 0 {
		app.Warn(app.T("没有未结期限会因新日历而不同。", "No open deadline would differ under the new calendar."))
		return nil
	}
	app.Warn(fmt.Sprintf(app.T("%d 个未结期限在新日历下会不同（已设定的期限不变）：", "%d open deadline(s) would differ under the new calendar (deadlines already set stay):"), len(out.Deadlines)))
	for _, d := range out.Deadlines {
		app.Warn(fmt.Sprintf("  %s %s: %s → %s", d.Object, d.What, d.Due, d.Would))
	}
	return nil
}
