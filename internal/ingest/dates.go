package ingest

import (
	"strconv"
	"strings"
	"time"

	"credit/internal/civil"
)

// ParseDate reads a provider's date in the forms SPEC §5 allows:
// YYYY-MM-DD, YYYY/MM/DD (month and day may be one digit), YYYYMMDD and
// YYYY年M月D日. A date-time's time part ("2025-03-01 00:00:00") is ignored.
// ok is false for anything else or for a day that does not exist.
func ParseDate(s string) (civil.Date, bool) {
	s = strings.TrimSpace(s)
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

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ParseAmount reads a non-negative decimal amount (罚款金额（万元） etc.),
// allowing thousands separators, and returns its canonical text (no leading
// zeros, no trailing fractional zeros).
func ParseAmount(s string) (string, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	s = strings.ReplaceAll(s, "，", "")
	if s == "" || len(s) > 64 {
		return "", false
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" && frac == "" {
		return "", false // "." alone is no amount
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
	if len(intPart)+len(frac) > 40 { // beyond any amount a provider can mean
		return "", false
	}
	if frac == "" {
		return intPart, true
	}
	return intPart + "." + frac, true
}
