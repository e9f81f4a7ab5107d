package ident

import "strings"

// Mask hides the middle of a code or other personal value for scopes that
// may not see it (SPEC §C), one '*' per hidden character, so the length shows:
//
//	15 or more characters: the first 6 and last 4 stay (18-char codes:
//	                       320602********4359; 15-digit IDs: 110105*****1002)
//	11–14:                 the first 3 and last 4 (phone numbers: 138****5678)
//	5–10:                  the first and last n/4 (at least half is hidden)
//	2–4:                   the first character only
//	1:                     "*"
//
// It never shows more than the first 6 and the last 4 characters. It counts
// runes and does not normalise; pass a normalised code.
func Mask(s string) string {
	r := []rune(s)
	n := len(r)
	var front, back int
	switch {
	case n >= 15:
		front, back = 6, 4
	case n >= 11:
		front, back = 3, 4
	case n >= 5:
		front, back = n/4, n/4
	case n >= 2:
		front = 1
	}
	return string(r[:front]) + strings.Repeat("*", n-front-back) + string(r[n-back:])
}

// MaskName hides a natural person's name but its first character, one '*' per
// hidden character: 张三 → 张*, 欧阳娜娜 → 欧***. A one-character name becomes
// "*". Surrounding white space is trimmed first.
func MaskName(s string) string {
	r := []rune(strings.TrimSpace(s))
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}
