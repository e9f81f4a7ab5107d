package ident

import (
	"time"
	"unicode/utf8"

	"credit/internal/civil"
)

// idWeights are GB 11643-1999's weights of positions 1–17: 2^(18−i) mod 11.
var idWeights = func() (w [17]int) {
	v := 2 // position 17: 2^1
	for i := 16; i >= 0; i-- {
		w[i] = v
		v = v * 2 % 11
	}
	return w
}()

// idCheck is the ISO 7064 MOD 11-2 check character of 17 digits.
func idCheck(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return "10X98765432"[sum%11]
}

// provinceCodes are the first two digits of GB/T 2260 province-level codes,
// plus 81, 82 and 83, which 港澳台居民居住证 numbers use (810000, 820000,
// 830000), indexed by their value: a constant table, nothing built at start-up.
var provinceCodes = [100]bool{
	11: true, 12: true, 13: true, 14: true, 15: true,
	21: true, 22: true, 23: true,
	31: true, 32: true, 33: true, 34: true, 35: true, 36: true, 37: true,
	41: true, 42: true, 43: true, 44: true, 45: true, 46: true,
	50: true, 51: true, 52: true, 53: true, 54: true,
	61: true, 62: true, 63: true, 64: true, 65: true,
	71: true, 81: true, 82: true, 83: true,
}

// MinBirthYear is the earliest birth year accepted; the standard's own example
// 440524188001010014 was born in 1880.
const MinBirthYear = 1800

// AdultAge is the age of full civil capacity (民法典 第十七条), which 第二条 of
// the measures requires of a natural-person subject.
const AdultAge = 18

// Sex is the sex the 顺序码 encodes: odd male, even female.
type Sex string

// Sexes.
const (
	Male   Sex = "male"
	Female Sex = "female"
)

// Label is the sex in lang ("en" or Chinese).
func (s Sex) Label(lang string) string {
	switch {
	case s == Male && lang == "en":
		return "male"
	case s == Male:
		return "男"
	case s == Female && lang == "en":
		return "female"
	case s == Female:
		return "女"
	}
	return ""
}

// ID is a valid 公民身份号码 (GB 11643-1999), always in its 18-character form.
// The zero value is no number.
type ID struct {
	code     string
	birth    civil.Date
	upgraded bool
}

// ParseID normalises s (NormalizeCode, so a lower-case x and full-width digits
// are accepted) and validates it as a 居民身份证号码: 17 digits and a digit or X,
// a province-level address code, a real birth date not before MinBirthYear, and
// the MOD 11-2 check character. A 15-digit number (GB 11643-1989) is upgraded:
// "19" is inserted before its 6-digit birth date and the check character
// appended; only its date can be checked. ParseID does not know today: use
// ValidOn to refuse a birth date in the future. The error is an *apperr.Error
// (exit 5) naming the first fault; errors.Is tells its cause (ErrLength,
// ErrCharset, ErrStructure, ErrDate, ErrCheckDigit).
func ParseID(s string) (ID, error) { return parseID(s, true) }

// parseID is ParseID; unless explain, a fault comes back as its bare cause
// (ErrLength, ErrCharset, …) without the message, which costs allocations
// that CheckOn and the importer's hot path do not always need.
func parseID(s string, explain bool) (ID, error) {
	code := NormalizeCode(s)
	if code == "" {
		if !explain {
			return ID{}, ErrLength
		}
		return ID{}, fail(ErrLength, "身份证号码为空", "the ID number is empty")
	}
	n := utf8.RuneCountInString(code)
	if n != 18 && n != 15 {
		if !explain {
			return ID{}, ErrLength
		}
		return ID{}, fail(ErrLength, "长度应为 18 位（旧号码 15 位），实为 %d 位", "the length should be 18 characters (15 for an old number), got %d", n)
	}
	pos := 0
	for _, r := range code {
		pos++
		if isDigit(r) || (r == 'X' && pos == 18) {
			continue
		}
		if !explain {
			return ID{}, ErrCharset
		}
		if n == 15 {
			return ID{}, fail(ErrCharset,
				"第 %d 位含有不允许的字符 %s（15 位旧身份证号码只有数字）",
				"position %d: character %s is not allowed (a 15-digit ID number has digits only)", pos, showRune(r))
		}
		return ID{}, fail(ErrCharset,
			"第 %d 位含有不允许的字符 %s（身份证号码前 17 位是数字，第 18 位是数字或 X）",
			"position %d: character %s is not allowed (an ID number has 17 digits and then a digit or X)", pos, showRune(r))
	}
	upgraded := false
	if n == 15 {
		code = code[:6] + "19" + code[6:]
		upgraded = true
	}
	if p := code[:2]; !provinceCodes[atoi(p)] {
		if !explain {
			return ID{}, ErrStructure
		}
		return ID{}, fail(ErrStructure,
			"地址码前两位 %s 不是省级行政区划代码",
			"the address code starts with %s, which is no province-level region code", p)
	}
	ymd := code[6:14]
	y := atoi(ymd[0:4])
	m := atoi(ymd[4:6])
	d := atoi(ymd[6:8])
	if !civil.Valid(y, time.Month(m), d) {
		if !explain {
			return ID{}, ErrDate
		}
		return ID{}, fail(ErrDate, "出生日期 %s 不存在", "the birth date %s does not exist", ymd)
	}
	if y < MinBirthYear {
		if !explain {
			return ID{}, ErrDate
		}
		return ID{}, fail(ErrDate, "出生日期 %s 早于 %d 年", "the birth date %s is before %d", ymd, MinBirthYear)
	}
	want := idCheck(code)
	if upgraded {
		code = code[:17] + string(want)
	} else if code[17] != want {
		if !explain {
			return ID{}, ErrCheckDigit
		}
		return ID{}, fail(ErrCheckDigit, "校验码应为 %c，实为 %c", "the check character should be %c, got %c", want, code[17])
	}
	return ID{code: code, birth: civil.Date{Year: y, Month: time.Month(m), Day: d}, upgraded: upgraded}, nil
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// ValidOn refuses a birth date after today (the zero date skips the check).
// The error is an *apperr.Error (exit 5) with cause ErrDate.
func (id ID) ValidOn(today civil.Date) error {
	if today.IsZero() || id.code == "" || !id.birth.After(today) {
		return nil
	}
	return fail(ErrDate, "出生日期 %s 晚于今天 %s", "the birth date %s is after today, %s", id.birth, today)
}

// String is the 18-character number with an upper-case X ("" for the zero value).
func (id ID) String() string { return id.code }

// IsZero reports whether id is no number.
func (id ID) IsZero() bool { return id.code == "" }

// Upgraded reports whether the input was a 15-digit number.
func (id ID) Upgraded() bool { return id.upgraded }

// Region is the 6-digit 地址码.
func (id ID) Region() string {
	if id.code == "" {
		return ""
	}
	return id.code[:6]
}

// Birth is the 出生日期码 as a date.
func (id ID) Birth() civil.Date { return id.birth }

// Sex is odd 顺序码 male, even female.
func (id ID) Sex() Sex {
	if id.code == "" {
		return ""
	}
	if (id.code[16]-'0')%2 == 1 {
		return Male
	}
	return Female
}

// Kind is always NaturalPerson.
func (id ID) Kind() Kind { return NaturalPerson }

// AgeOn is the age in full years (周岁) on day d: n years are full on the
// birth date's n-th anniversary, counted as civil.Date.AddYears counts (民法典
// 第二百零二条), so someone born on 29 February has a birthday on 28 February
// in common years. It is negative when d is before the birth date.
func (id ID) AgeOn(d civil.Date) int {
	n := d.Year - id.birth.Year
	if id.birth.AddYears(n).After(d) {
		n--
	}
	return n
}

// AdultOn reports whether the person is at least AdultAge on d (第二条: a
// natural-person subject must have full civil capacity).
func (id ID) AdultOn(d civil.Date) bool { return id.AgeOn(d) >= AdultAge }

// ProvinceCode reports whether two digits begin a province-level region code
// (the first check of an ID number's address code).
func ProvinceCode(p string) bool {
	return len(p) == 2 && isDigit(rune(p[0])) && isDigit(rune(p[1])) && provinceCodes[atoi(p)]
}
