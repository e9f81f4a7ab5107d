package cli

import (
	"strconv"
	"time"

	"credit/internal/apperr"
	"credit/internal/civil"
	"credit/internal/clock"
)

func itoa(n int) string { return strconv.Itoa(n) }

// localTime shows a stored real time (RFC 3339, UTC) in the office's time
// zone, to the second, for people; JSON keeps the stored form.
func localTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.In(clock.Zone).Format("2006-01-02 15:04:05")
}

// officeDayBounds turns office dates (Asia/Shanghai) into the UTC bounds of
// the stored real times: [from 00:00, the day after to 00:00).
func officeDayBounds(flagFrom, from, flagTo, to string) (string, string, error) {
	conv := func(flag, v string, next bool) (string, error) {
		if v == "" {
			return "", nil
		}
		d, err := civil.Parse(v)
		if err != nil {
			return "", apperr.Newf(apperr.Usage, "--%s %q 无效：应为 YYYY-MM-DD 的真实日期", "--%s %q is not valid: use a real YYYY-MM-DD date", flag, v)
		}
		if next {
			d = d.AddDays(1)
		}
		t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, clock.Zone).UTC()
		return t.Format("2006-01-02T15:04:05"), nil
	}
	f, err := conv(flagFrom, from, false)
	if err != nil {
		return "", "", err
	}
	t, err := conv(flagTo, to, true)
	return f, t, err
}
