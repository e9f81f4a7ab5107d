package catalog

import (
	"fmt"
	"strconv"
	"strings"
)

// Permanent is how a period without end is written (retention, validity).
const Permanent = "permanent"

// ParsePeriod reads a period written as years, months and days in that order,
// each optional but at least one present: 1y, 6m, 30d, 1y6m, 0d. Letters are
// lower case; no spaces or signs.
func ParsePeriod(s string) (Period, error) {
	var p Period
	rest := s
	if rest == "" {
		return p, fmt.Errorf("empty period")
	}
	seen := ""
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i == len(rest) || i > 4 {
			return Period{}, fmt.Errorf("bad period %q", s)
		}
		n, _ := strconv.Atoi(rest[:i])
		unit := rest[i]
		if strings.IndexByte("ymd", unit) < 0 || (seen != "" && strings.IndexByte("ymd", unit) <= strings.IndexByte("ymd", seen[len(seen)-1])) {
			return Period{}, fmt.Errorf("bad period %q", s)
		}
		switch unit {
		case 'y':
			p.Years = n
		case 'm':
			p.Months = n
		case 'd':
			p.Days = n
		}
		seen += string(unit)
		rest = rest[i+1:]
	}
	return p, nil
}

// String writes the period the way ParsePeriod reads it; the zero period is "0d".
func (p Period) String() string {
	var b strings.Builder
	if p.Years != 0 {
		fmt.Fprintf(&b, "%dy", p.Years)
	}
	if p.Months != 0 {
		fmt.Fprintf(&b, "%dm", p.Months)
	}
	if p.Days != 0 || b.Len() == 0 {
		fmt.Fprintf(&b, "%dd", p.Days)
	}
	return b.String()
}

// Label is the period for people: 1年6个月 / 1 year 6 months; zero is 长期 / permanent.
func (p Period) Label(lang string) string {
	if p.IsZero() {
		if lang == "en" {
			return "permanent"
		}
		return "长期"
	}
	var parts []string
	add := func(n int, zh, en string) {
		if n == 0 {
			return
		}
		if lang == "en" {
			if n != 1 {
				en += "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, en))
		} else {
			parts = append(parts, fmt.Sprintf("%d%s", n, zh))
		}
	}
	add(p.Years, "年", "year")
	add(p.Months, "个月", "month")
	add(p.Days, "日", "day")
	if lang == "en" {
		return strings.Join(parts, " ")
	}
	return strings.Join(parts, "")
}
