package archive

import (
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"credit/internal/catalog"
	"credit/internal/ident"
)

// extraColumns are the columns any negative item stores besides its catalog
// fields (ingest.ExtraColumns, SPEC §5), and whether they name persons.
var extraColumns = map[string]bool{
	"失信程度":      false,
	"程序类型":      false,
	"主要负责人证件号码": true,
	"直接责任人证件号码": true,
	"法定代表人负有责任": false,
	// 第二条 / 民法典 第十八条第二款: a 16–17-year-old's income source
	// (ingest.ColOwnIncome) is the person's own information.
	"以自己的劳动收入为主要生活来源": true,
}

// personal reports whether a stored field of a record of item it about a
// subject of kind is personal information (masked in the public and
// authorized scopes, SPEC §C), and whether it holds a person's name (masked
// as 张*) rather than a code (masked as 320602********4359). A field the
// catalog in force no longer names is treated as personal: what cannot be
// judged is not disclosed.
func personal(it *catalog.Item, name string, kind catalog.SubjectKind) (isPersonal, isName bool) {
	if p, ok := extraColumns[name]; ok {
		return p, false
	}
	if it == nil {
		return true, false
	}
	f := it.Field(name)
	if f == nil {
		return true, false
	}
	if !it.IsPersonal(f, kind) {
		return false, false
	}
	switch f.Type {
	case catalog.IDNumber, catalog.PartyCode, catalog.USCC:
		return true, false
	}
	return true, name == it.Subject.Name || name == it.Subject.LegalRep || strings.Contains(name, "姓名") ||
		strings.HasPrefix(name, "法定代表人") && !strings.Contains(name, "证件") || strings.HasSuffix(name, "负责人")
}

// maskValue masks one personal value: a name keeps its first character, a
// code (or an address, a phone number) its ends; several values separated
// by ；, ; or 、 are masked one by one.
func maskValue(v string, isName bool) string {
	if strings.TrimSpace(v) == "" {
		return v
	}
	var b strings.Builder
	start := 0
	flush := func(end int) {
		part := v[start:end]
		if t := strings.TrimSpace(part); t != "" {
			if isName {
				b.WriteString(ident.MaskName(t))
			} else {
				b.WriteString(ident.Mask(t))
			}
		}
	}
	for i, r := range v {
		if r == ';' || r == '；' || r == '、' {
			flush(i)
			b.WriteRune(r)
			start = i + len(string(r))
		}
	}
	flush(len(v))
	return b.String()
}

// The one masking module (SPEC §C, Amendments of 2026-12; 第四条, 第二十一条,
// 第二十二条): personal fields are masked whole (personal, maskValue) and
// every text a masking scope sees — 违法事实, 处罚内容, 备注, a list entry's
// reason, a subject's name — goes through MaskText, which masks, wherever
// they stand, what identifies a natural person:
//
//   - 身份证号码 by their shape, valid or not (a bad check digit is still an
//     ID): 18 characters = a province-level area code, four more digits, a
//     birth-date-shaped YYYYMMDD (18xx–20xx, month 01–12, day 01–31), three
//     digits and a digit or X; an old 15-digit number = area code + YYMMDD +
//     three digits, alone in its run. An all-digit 统一社会信用代码 such as
//     913206020000026740 has no such shape and stays readable;
//   - mobile numbers: 11 digits 1[3-9]…, alone or after 86/+86, or written
//     3-4-4 with spaces or hyphens;
//   - bank card numbers: a run of 16–19 digits (or groups of four separated by
//     a space or hyphen) that is not a valid 18-digit 统一社会信用代码;
//   - the names of the natural persons the record itself names (a
//     natural-person subject, the persons in personal name fields).
//
// 决定书文号, amounts and dates are shorter than any of these and stay. A "run"
// is a stretch of ASCII letters and digits (and '*', so nothing already
// masked is masked again): Chinese text, punctuation and spaces end it.
// Full-width digits are not recognised (providers' free text is rarely typed
// so; NormalizeCode folds codes before they are stored).

// ScrubIDs masks every 身份证号码 inside s (MaskText's first rule alone): a
// last line of defence so that no scope that masks personal fields ever
// shows an ID number.
func ScrubIDs(s string) string { return maskRuns(s, false) }

// MaskText masks ID numbers, mobile numbers, bank card numbers and each of
// names (the natural persons the record names; names shorter than two
// characters are left, they would mask every such character) in a free text
// of a masking scope.
func MaskText(s string, names ...string) string {
	s = maskGrouped(maskRuns(s, true))
	return maskNames(s, names)
}

// maskNames masks each name wherever it stands, the longest first (so that
// 欧阳娜娜 is not left as 欧阳** by a shorter 欧阳 before it).
func maskNames(s string, names []string) string {
	if len(names) == 0 || s == "" {
		return s
	}
	ns := make([]string, 0, len(names))
	for _, n := range names {
		if n = strings.TrimSpace(n); utf8.RuneCountInString(n) >= 2 && !strings.Contains(n, "*") {
			ns = append(ns, n)
		}
	}
	slices.SortFunc(ns, func(a, b string) int { return utf8.RuneCountInString(b) - utf8.RuneCountInString(a) })
	for _, n := range ns {
		if strings.Contains(s, n) {
			s = strings.ReplaceAll(s, n, ident.MaskName(n))
		}
	}
	return s
}

// PersonNames splits the value of a personal name field into the names it
// holds (several are separated by ；, ; or 、).
func PersonNames(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == '；' || r == '、' || r == ',' || r == '，' })
}

// maskRuns masks, run by run, ID numbers (and with all, mobile and card
// numbers).
func maskRuns(s string, all bool) string {
	if !hasDigitRun(s, 11) {
		return s
	}
	b := []byte(s)
	changed := false
	for i := 0; i < len(b); {
		if !isAlnum(b[i]) {
			i++
			continue
		}
		j := i
		for j < len(b) && isAlnum(b[j]) {
			j++
		}
		if j-i >= 11 && maskRun(b[i:j], all) {
			changed = true
		}
		i = j
	}
	if !changed {
		return s
	}
	return string(b)
}

// maskRun masks one run in place.
func maskRun(run []byte, all bool) bool {
	n := len(run)
	w := string(run)
	switch {
	case n == 18 && idShaped18(w):
		copy(run, ident.Mask(w))
		return true
	case n == 15 && idShaped15(w):
		copy(run, ident.Mask(w))
		return true
	}
	if all && allDigits(w) {
		switch {
		case n == 11 && mobile(w):
			copy(run, ident.Mask(w))
			return true
		case n == 13 && strings.HasPrefix(w, "86") && mobile(w[2:]):
			copy(run[2:], ident.Mask(w[2:]))
			return true
		case n >= 16 && n <= 19 && !(n == 18 && validUSCC(w)):
			copy(run, ident.Mask(w))
			return true
		}
	}
	// An ID inside a longer run ("9" + an ID, an ID glued to a word).
	changed := false
	if n > 18 {
		for k := 0; k+18 <= n; k++ {
			if x := string(run[k : k+18]); idShaped18(x) {
				copy(run[k:k+18], ident.Mask(x))
				changed = true
				k += 17
			}
		}
	}
	return changed
}

func validUSCC(s string) bool {
	_, err := ident.ParseUSCC(s)
	return err == nil
}

// idShaped18 reports whether s has the shape of an 18-character ID number,
// whatever its check digit.
func idShaped18(s string) bool {
	if len(s) != 18 || !allDigits(s[:17]) {
		return false
	}
	if c := s[17]; !(c >= '0' && c <= '9' || c == 'X' || c == 'x') {
		return false
	}
	if !provinceCode(s[:2]) {
		return false
	}
	y := s[6:8]
	if y != "18" && y != "19" && y != "20" {
		return false
	}
	return dateShaped(s[10:12], s[12:14])
}

// idShaped15 reports whether s has the shape of an old 15-digit ID number.
func idShaped15(s string) bool {
	return len(s) == 15 && allDigits(s) && provinceCode(s[:2]) && dateShaped(s[8:10], s[10:12])
}

func dateShaped(mm, dd string) bool {
	m, d := atoi2(mm), atoi2(dd)
	return m >= 1 && m <= 12 && d >= 1 && d <= 31
}

func atoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

func provinceCode(p string) bool { return ident.ProvinceCode(p) }

// mobile reports whether 11 digits are a mainland mobile number.
func mobile(s string) bool { return len(s) == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9' }

// grouped are phone and card numbers written in groups: 138 1234 5678,
// 138-1234-5678, 6222 0212 3456 7890 123.
var grouped = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:^|[^0-9A-Za-z*])(1[3-9][0-9][ -][0-9]{4}[ -][0-9]{4}|[0-9]{4}(?:[ -][0-9]{4}){3}(?:[ -]?[0-9]{1,3})?)(?:$|[^0-9A-Za-z*])`)
})

// maskGrouped masks grouped numbers, keeping their separators: a phone's
// first 3 and last 4 digits stay, a card's first 6 and last 4.
func maskGrouped(s string) string {
	if !strings.ContainsAny(s, " -") || !hasDigitRun(s, 4) {
		return s
	}
	locs := grouped().FindAllStringSubmatchIndex(s, -1)
	if locs == nil {
		return s
	}
	b := []byte(s)
	for _, l := range locs {
		seg := b[l[2]:l[3]]
		digits := 0
		for _, c := range seg {
			if c >= '0' && c <= '9' {
				digits++
			}
		}
		front, back := 6, 4
		if digits == 11 {
			front = 3
		}
		k := 0
		for x, c := range seg {
			if c < '0' || c > '9' {
				continue
			}
			if k >= front && k < digits-back {
				seg[x] = '*'
			}
			k++
		}
	}
	return string(b)
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '*'
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// hasDigitRun reports whether s holds n digits in a row or more: most values
// have none, and skip the scan.
func hasDigitRun(s string, n int) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			if run++; run >= n {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// MaskPublic is v of field name of a record of item it about a subject of
// kind, as the public scope shows it: personal fields masked, ID numbers in
// free text scrubbed. The exchange uses it for items the catalog reports
// upward masked.
func MaskPublic(it *catalog.Item, kind catalog.SubjectKind, name, v string) string {
	if v == "" {
		return v
	}
	if p, isName := personal(it, name, kind); p {
		v = maskValue(v, isName)
	}
	return ScrubIDs(v)
}
