package ingest

import (
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
	if len(s) == 10 && s[4] == '-' && s[7] == '-' && digits(s[:4]) && digits(s[5:7]) && digits(s[8:]) {
		return dateOf(s[:4], s[5:7], s[8:]) // YYYY-MM-DD, as the cases below read it
	}
	s = strings.TrimSpace(civil.Fold(s)) // ２０２５－０３－０１ as typed with a Chinese input method
	if i := strings.IndexAny(s, " T"); i >= 8 {
		s = s[:i]
	}
	var y, m, d string // the three parts; no strings.Split: a million rows
	switch {
	case len(s) == 8 && digits(s):
		y, m, d = s[:4], s[4:6], s[6:]
	case strings.HasSuffix(s, "日") && strings.Contains(s, "年") && strings.Contains(s, "月"):
		var rest string
		y, rest, _ = strings.Cut(strings.TrimSuffix(s, "日"), "年")
		m, d, _ = strings.Cut(rest, "月")
	case strings.Count(s, "-") == 2:
		y, m, d = split3(s, '-')
	case strings.Count(s, "/") == 2:
		y, m, d = split3(s, '/')
	case strings.Count(s, ".") == 2:
		y, m, d = split3(s, '.')
	default:
		return civil.Date{}, false
	}
	if len(y) != 4 || len(m) < 1 || len(m) > 2 || len(d) < 1 || len(d) > 2 || !digits(y) || !digits(m) || !digits(d) {
		return civil.Date{}, false
	}
	return dateOf(y, m, d)
}

// dateOf is the date of year, month and day digits, if it exists.
func dateOf(y, m, d string) (civil.Date, bool) {
	year, month, day := atoiDigits(y), time.Month(atoiDigits(m)), atoiDigits(d)
	if !civil.Valid(year, month, day) {
		return civil.Date{}, false
	}
	return civil.Date{Year: year, Month: month, Day: day}, true
}

// split3 is strings.Split(s, sep) for an s holding sep exactly twice.
func split3(s string, sep byte) (a, b, c string) {
	i := strings.IndexByte(s, sep)
	j := i + 1 + strings.IndexByte(s[i+1:], sep)
	return s[:i], s[i+1 : j], s[j+1:]
}

// atoiDigits is strconv.Atoi for at most 4 ASCII digits.
func atoiDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
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
	s = strings.ReplaceAll(strings.TrimSpace(civil.Fold(s)), ",", "") // １２３．５, １，０００
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
	// intPart is a suffix of s's integer digits (or "0") and frac a prefix
	// of its fraction: when they meet around s's dot, the answer is in s.
	if k := strings.IndexByte(s, '.'); k >= len(intPart) && s[k-len(intPart):k] == intPart && s[k+1:k+1+len(frac)] == frac {
		return s[k-len(intPart) : k+1+len(frac)], true
	}
	return intPart + "." + frac, true
}
