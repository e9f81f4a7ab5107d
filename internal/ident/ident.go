// Package ident owns the two codes that key every subject (SPEC 第十五条,
// 第十八条): the 统一社会信用代码 of organisations (GB 32100-2015) and the
// 居民身份证号码 of natural persons (GB 11643-1999, with 15-digit GB 11643-1989
// numbers upgraded). It normalises, validates and explains them, tells which
// kind of subject a code names, and masks codes and names for scopes that may
// not see them (SPEC §C). Pure Go: no SQL, no CLI.
package ident

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"credit/internal/apperr"
	"credit/internal/civil"
)

// Causes of a Parse error; test them with errors.Is. The error itself is an
// *apperr.Error (exit 5) whose message says exactly what is wrong.
var (
	ErrLength     = errors.New("ident: wrong length")
	ErrCharset    = errors.New("ident: character not allowed")
	ErrStructure  = errors.New("ident: invalid authority, organisation type or region")
	ErrDate       = errors.New("ident: invalid birth date")
	ErrCheckDigit = errors.New("ident: wrong check character")
)

// RejectReason maps a Parse error to a row reject reason code of SPEC §H:
// check_digit, date_invalid, or type for any other malformed code.
func RejectReason(err error) string {
	switch {
	case errors.Is(err, ErrCheckDigit):
		return "check_digit"
	case errors.Is(err, ErrDate):
		return "date_invalid"
	}
	return "type"
}

func fail(cause error, zh, en string, args ...any) error {
	e := apperr.Newf(apperr.Rule, zh, en, args...)
	e.Err = cause
	return e
}

// NormalizeCode is the one canonical text of a code, used before a code is
// stored, compared or validated: surrounding white space is trimmed (including
// the full-width space U+3000, a BOM and zero-width spaces), full-width ASCII
// (ＡＢＣ１２３) is folded to half-width, and a–z are upper-cased. Anything else
// is kept, so validation can name it; invalid UTF-8 becomes U+FFFD.
func NormalizeCode(s string) string {
	if plainCode(s) {
		return s // the common case: nothing to fold, trim or upper-case
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII block
			r -= 0xFEE0
		case r == 0x3000:
			r = ' '
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return strings.TrimFunc(b.String(), isTrimmable)
}

// plainCode reports whether NormalizeCode would return s unchanged because
// it holds only printable ASCII other than the space and a–z.
func plainCode(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7F || (c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

func isTrimmable(r rune) bool {
	return unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B' || r == '\u200C' || r == '\u200D' || r == '\u2060'
}

// showRune prints a rune for a message: as itself when printable, else as U+XXXX.
func showRune(r rune) string {
	if r == utf8.RuneError || !unicode.IsPrint(r) || unicode.IsSpace(r) {
		return fmt.Sprintf("U+%04X", r)
	}
	return string(r)
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func allDigits(s string) bool {
	for _, r := range s {
		if !isDigit(r) {
			return false
		}
	}
	return true
}

// Kind is the kind of subject a code names. The enum values are the JSON
// contract; Label gives the clerk-facing name.
type Kind string

// Kinds of subject. An invalid code has the empty Kind.
const (
	Enterprise         Kind = "enterprise"          // 企业 (9-1)
	IndividualBusiness Kind = "individual_business" // 个体工商户 (9-2)
	Cooperative        Kind = "cooperative"         // 农民专业合作社 (9-3)
	Government         Kind = "government"          // 机关 (1-1)
	PublicInstitution  Kind = "public_institution"  // 事业单位 (1-2, A-1 军队事业单位)
	SocialOrganisation Kind = "social_organisation" // 社会组织 (民政 5-x)
	OtherOrganisation  Kind = "other_organisation"  // every other organisation type
	NaturalPerson      Kind = "natural_person"      // 自然人 (居民身份证号码)
)

// Kinds lists every kind, organisations first.
func Kinds() []Kind {
	return []Kind{Enterprise, IndividualBusiness, Cooperative, Government, PublicInstitution, SocialOrganisation, OtherOrganisation, NaturalPerson}
}

var kindLabels = map[Kind][2]string{
	Enterprise:         {"企业", "enterprise"},
	IndividualBusiness: {"个体工商户", "individual business"},
	Cooperative:        {"农民专业合作社", "farmers' cooperative"},
	Government:         {"机关", "government body"},
	PublicInstitution:  {"事业单位", "public institution"},
	SocialOrganisation: {"社会组织", "social organisation"},
	OtherOrganisation:  {"其他组织", "other organisation"},
	NaturalPerson:      {"自然人", "natural person"},
}

// Label is the kind's name in lang ("en" for English, else Chinese); "" for
// the empty or an unknown kind.
func (k Kind) Label(lang string) string {
	l, ok := kindLabels[k]
	if !ok {
		return ""
	}
	if lang == "en" {
		return l[1]
	}
	return l[0]
}

// Valid reports whether k is one of the defined kinds.
func (k Kind) Valid() bool { _, ok := kindLabels[k]; return ok }

// Organisation reports whether k is a kind keyed by a 统一社会信用代码.
func (k Kind) Organisation() bool { return k.Valid() && k != NaturalPerson }

// CodeType says which code a string was read as.
type CodeType string

// Code types of a Check result.
const (
	TypeUSCC    CodeType = "uscc"
	TypeID      CodeType = "id_number"
	TypeUnknown CodeType = "unknown"
)

// Result is the verdict of Check on one input.
type Result struct {
	Code     string // the canonical code when valid (15-digit IDs upgraded to 18), else the normalised input
	Valid    bool
	Kind     Kind     // "" when invalid
	Type     CodeType // what the input was read as; unknown when its shape fits neither code
	Reason   string   // why it is invalid, in Chinese; "" when valid
	ReasonEn string   // the same in English
}

// PlaceholderUSCC is what platforms put in the USCC column of an individual
// business that has none ("17个0加X", domain.md §1.4). It is not a code.
const PlaceholderUSCC = "00000000000000000X"

// Check reads s as whichever code its shape suggests and explains the verdict.
// It does not know today's date, so an ID number's birth date is only checked
// to exist; use CheckOn to also refuse a birth date after today.
func Check(s string) Result { return CheckOn(s, civil.Date{}) }

// CheckOn is Check that also refuses an ID number born after today (ignored
// when today is the zero date).
//
// Shape: 15 digits, or 17 digits and a digit or X, is first tried as a
// 身份证号码, then as a 统一社会信用代码 (a USCC may be all digits); other 18-char
// strings are USCCs. A string valid both ways is taken as a 身份证号码. An
// ID-shaped string whose province code is right but whose birth date or check
// digit is wrong is accepted as a USCC only when its 主体标识码 also passes
// its GB 11714 check (USCC.OrgCodeChecks): one mistyped ID number in 31 passes
// GB 32100 by chance. When an ID-shaped string is neither, the reason comes
// from the reading that got further (a wrong check character means
// everything else was right).
func CheckOn(s string, today civil.Date) Result {
	code := NormalizeCode(s)
	n := utf8.RuneCountInString(code)
	res := Result{Code: code, Type: TypeUnknown}
	switch {
	case code == "":
		res.Reason, res.ReasonEn = "代码为空", "the code is empty"
		return res
	case code == PlaceholderUSCC:
		res.Type = TypeUSCC
		res.Reason = "“17 个 0 加 X”是个体工商户没有统一社会信用代码时的占位值，不是有效代码；请改填工商注册号"
		res.ReasonEn = "17 zeros and X is the placeholder for an individual business without a USCC, not a code; give the business registration number instead"
		return res
	}
	idShaped := (n == 15 && allDigits(code)) ||
		(n == 18 && allDigits(code[:17]) && (isDigit(rune(code[17])) || code[17] == 'X'))
	switch {
	case idShaped:
		// Both readings are tried quietly (no message); the reason of the
		// one that explains an invalid code is worked out only then.
		id, idErr := parseID(code, false)
		idDepth := depth(idErr)
		var bornLate error
		if idErr == nil {
			if bornLate = id.ValidOn(today); bornLate == nil {
				return Result{Code: id.String(), Valid: true, Kind: NaturalPerson, Type: TypeID}
			}
			idDepth = 4 // a whole, well-formed ID number, only born after today
		}
		idReason := func() error {
			if bornLate != nil {
				return bornLate
			}
			_, err := ParseID(code)
			return err
		}
		if n == 15 {
			res.Type = TypeID
			setReason(&res, idReason())
			if idDepth < 4 {
				res.Reason += "；如是旧的 15 位工商注册号，它不是统一社会信用代码"
				res.ReasonEn += "; an old 15-digit business registration number is not a USCC"
			}
			return res
		}
		u, uErr := parseUSCC(code, false)
		// An ID number with a real province and a mistyped date or check
		// digit passes GB 32100 by chance one time in 31; a genuine
		// organisation's 主体标识码 also passes its own GB 11714 check.
		if uErr == nil && (idDepth < 2 || u.OrgCodeChecks()) {
			return Result{Code: u.String(), Valid: true, Kind: u.Kind(), Type: TypeUSCC}
		}
		if uErr == nil || idDepth >= depth(uErr) {
			res.Type = TypeID
			setReason(&res, idReason())
		} else {
			res.Type = TypeUSCC
			_, uErr = ParseUSCC(code)
			setReason(&res, uErr)
		}
		return res
	case n == 18:
		u, err := parseUSCC(code, false)
		if err == nil {
			return Result{Code: u.String(), Valid: true, Kind: u.Kind(), Type: TypeUSCC}
		}
		res.Type = TypeUSCC
		_, err = ParseUSCC(code)
		setReason(&res, err)
		return res
	case n == 15:
		// 15 characters but not all digits: only an old ID number has 15.
		_, err := ParseID(code)
		res.Type = TypeID
		setReason(&res, err)
		return res
	}
	res.Reason = fmt.Sprintf("长度应为 18 位，实为 %d 位", n)
	res.ReasonEn = fmt.Sprintf("the length should be 18 characters, got %d", n)
	return res
}

// depth ranks how far a parse got before it failed.
func depth(err error) int {
	switch {
	case errors.Is(err, ErrCheckDigit):
		return 3
	case errors.Is(err, ErrDate):
		return 2
	case errors.Is(err, ErrStructure):
		return 1
	}
	return 0
}

func setReason(res *Result, err error) {
	var e *apperr.Error
	if errors.As(err, &e) {
		res.Reason, res.ReasonEn = e.Message("zh"), e.Message("en")
		return
	}
	res.Reason, res.ReasonEn = err.Error(), err.Error()
}
