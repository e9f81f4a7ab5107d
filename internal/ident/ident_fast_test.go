package ident

// The importer validates millions of codes, so NormalizeCode has a fast path
// for codes with nothing to fold, ParseID and ParseUSCC use lookup tables,
// and CheckOn tries its readings without building messages it then drops.
// These tests hold them to the straightforward implementations they
// replace (the ref* functions below, kept verbatim from before).

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"credit/internal/apperr"
	"credit/internal/civil"
)

// provinces are the first two digits of GB/T 2260 province-level codes, plus
// 81, 82 and 83 (港澳台居民居住证): the reference the table provinceCodes is
// checked against through refParseID.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true, "83": true,
}

var fastSeeds = append([]string{
	"913206020000000149", "91320602000000024A", "91320602000000024a", " 913206020000000149", "913206020000000149\t",
	"320611196001010010", "32061119600101002x", "440524880101001", "99320602000000014", "A1320602000000014X",
	"~!@#$%^&*()_+{}|:<>?", "91320602\x7f000000149", "9132060200000001４9", "\u3000913206020000000149\u3000",
	"91320602000000014\u200d9", "11010520260101001X", "110105260101001", "X", "x", "00000000000000000x",
}, fuzzSeeds...)

// sameErr reports whether two Parse errors are the same: both nil, or both
// *apperr.Error with equal code, messages and cause.
func sameErr(a, b error) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	var ea, eb *apperr.Error
	if !errors.As(a, &ea) || !errors.As(b, &eb) {
		return false
	}
	return ea.Code == eb.Code && ea.Zh == eb.Zh && ea.En == eb.En && ea.Err == eb.Err && a.Error() == b.Error()
}

func compareWithRef(t *testing.T, s string) {
	t.Helper()
	if got, want := NormalizeCode(s), refNormalizeCode(s); got != want {
		t.Fatalf("NormalizeCode(%q) = %q, want %q", s, got, want)
	}
	id, err := ParseID(s)
	rid, rerr := refParseID(s)
	if id != rid || !sameErr(err, rerr) {
		t.Fatalf("ParseID(%q) = %+v, %v; want %+v, %v", s, id, err, rid, rerr)
	}
	if qid, qerr := parseID(s, false); qid != id || (err == nil) != (qerr == nil) || (err != nil && !errors.Is(err, qerr)) {
		t.Fatalf("parseID(%q, false) = %+v, %v; ParseID gives %+v, %v", s, qid, qerr, id, err)
	}
	u, err := ParseUSCC(s)
	ru, rerr := refParseUSCC(s)
	if u != ru || !sameErr(err, rerr) {
		t.Fatalf("ParseUSCC(%q) = %+v, %v; want %+v, %v", s, u, err, ru, rerr)
	}
	if qu, qerr := parseUSCC(s, false); qu != u || (err == nil) != (qerr == nil) || (err != nil && !errors.Is(err, qerr)) {
		t.Fatalf("parseUSCC(%q, false) = %+v, %v; ParseUSCC gives %+v, %v", s, qu, qerr, u, err)
	}
	for _, today := range []civil.Date{{}, civil.MustParse("2025-12-01"), civil.MustParse("1960-01-01")} {
		if got, want := CheckOn(s, today), refCheckOn(s, today); got != want {
			t.Fatalf("CheckOn(%q, %v) = %+v, want %+v", s, today, got, want)
		}
	}
}

func TestFastPathsMatchReference(t *testing.T) {
	for _, s := range fastSeeds {
		compareWithRef(t, s)
		compareWithRef(t, strings.ToLower(s))
		compareWithRef(t, " "+s+"\u200b")
	}
	// Every byte in every position of a valid USCC and a valid ID number.
	for _, base := range []string{"91350100M000100Y43", "11010519491231002X", "913206020000000149", "110105491231002"} {
		for i := 0; i < len(base); i++ {
			for c := 0; c < 256; c++ {
				compareWithRef(t, base[:i]+string(rune(c))+base[i+1:])
				compareWithRef(t, base[:i]+string([]byte{byte(c)})+base[i+1:])
			}
		}
	}
	// ID numbers over many birth dates, some impossible, with the right check digit.
	for d := civil.MustParse("1799-12-25"); d.Year < 1801; d = d.AddDays(1) {
		first := fmt.Sprintf("320611%04d%02d%02d001", d.Year, int(d.Month), d.Day)
		compareWithRef(t, first+string(idCheck(first)))
	}
	for _, ymd := range []string{"20250229", "20240229", "19000229", "20000229", "20251301", "20250001", "20250132", "20250431"} {
		first := "320611" + ymd + "001"
		compareWithRef(t, first+string(idCheck(first)))
	}
	// Every registration authority and organisation type with the right check character.
	for _, a := range usccAlphabet + "IOSVZ" {
		for _, b := range usccAlphabet {
			first := string(a) + string(b) + "320602000000014"
			if strings.ContainsRune("IOSVZ", a) {
				compareWithRef(t, first+"0")
				continue
			}
			compareWithRef(t, first+string(refUSCCCheck(first)))
		}
	}
	// Every province prefix of an ID number.
	for p := 0; p < 100; p++ {
		first := fmt.Sprintf("%02d0611196001010010", p)[:17]
		compareWithRef(t, first+string(idCheck(first)))
	}
	for r := rune(0); r < 0x3100; r++ {
		compareWithRef(t, "91350100M000100Y4"+string(r))
	}
}

func FuzzFastPathsMatchReference(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { compareWithRef(t, s) })
}

func BenchmarkCheckUSCCDigits(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if !Check("913206020000000149").Valid {
			b.Fatal("invalid")
		}
	}
}

// ---- reference implementations, as they were before the fast paths ----

func refNormalizeCode(s string) string {
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

func refCheckOn(s string, today civil.Date) Result {
	code := refNormalizeCode(s)
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
		id, idErr := refParseID(code)
		idDepth := depth(idErr)
		if idErr == nil {
			if idErr = id.ValidOn(today); idErr == nil {
				return Result{Code: id.String(), Valid: true, Kind: NaturalPerson, Type: TypeID}
			}
			idDepth = 4 // a whole, well-formed ID number, only born after today
		}
		if n == 15 {
			res.Type = TypeID
			setReason(&res, idErr)
			if idDepth < 4 {
				res.Reason += "；如是旧的 15 位工商注册号，它不是统一社会信用代码"
				res.ReasonEn += "; an old 15-digit business registration number is not a USCC"
			}
			return res
		}
		u, uErr := refParseUSCC(code)
		// An ID number with a real province and a mistyped date or check
		// digit passes GB 32100 by chance one time in 31; a genuine
		// organisation's 主体标识码 also passes its own GB 11714 check.
		if uErr == nil && (idDepth < 2 || u.OrgCodeChecks()) {
			return Result{Code: u.String(), Valid: true, Kind: u.Kind(), Type: TypeUSCC}
		}
		if uErr == nil || idDepth >= depth(uErr) {
			res.Type = TypeID
			setReason(&res, idErr)
		} else {
			res.Type = TypeUSCC
			setReason(&res, uErr)
		}
		return res
	case n == 18:
		u, err := refParseUSCC(code)
		if err == nil {
			return Result{Code: u.String(), Valid: true, Kind: u.Kind(), Type: TypeUSCC}
		}
		res.Type = TypeUSCC
		setReason(&res, err)
		return res
	case n == 15:
		// 15 characters but not all digits: only an old ID number has 15.
		_, err := refParseID(code)
		res.Type = TypeID
		setReason(&res, err)
		return res
	}
	res.Reason = fmt.Sprintf("长度应为 18 位，实为 %d 位", n)
	res.ReasonEn = fmt.Sprintf("the length should be 18 characters, got %d", n)
	return res
}

func refParseID(s string) (ID, error) {
	code := refNormalizeCode(s)
	if code == "" {
		return ID{}, fail(ErrLength, "身份证号码为空", "the ID number is empty")
	}
	n := utf8.RuneCountInString(code)
	if n != 18 && n != 15 {
		return ID{}, fail(ErrLength, "长度应为 18 位（旧号码 15 位），实为 %d 位", "the length should be 18 characters (15 for an old number), got %d", n)
	}
	pos := 0
	for _, r := range code {
		pos++
		if isDigit(r) || (r == 'X' && pos == 18) {
			continue
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
	if p := code[:2]; !provinces[p] {
		return ID{}, fail(ErrStructure,
			"地址码前两位 %s 不是省级行政区划代码",
			"the address code starts with %s, which is no province-level region code", p)
	}
	ymd := code[6:14]
	y := atoi(ymd[0:4])
	m := atoi(ymd[4:6])
	d := atoi(ymd[6:8])
	if !civil.Valid(y, time.Month(m), d) {
		return ID{}, fail(ErrDate, "出生日期 %s 不存在", "the birth date %s does not exist", ymd)
	}
	if y < MinBirthYear {
		return ID{}, fail(ErrDate, "出生日期 %s 早于 %d 年", "the birth date %s is before %d", ymd, MinBirthYear)
	}
	want := idCheck(code)
	if upgraded {
		code = code[:17] + string(want)
	} else if code[17] != want {
		return ID{}, fail(ErrCheckDigit, "校验码应为 %c，实为 %c", "the check character should be %c, got %c", want, code[17])
	}
	return ID{code: code, birth: civil.Date{Year: y, Month: time.Month(m), Day: d}, upgraded: upgraded}, nil
}

func refParseUSCC(s string) (USCC, error) {
	code := refNormalizeCode(s)
	if code == "" {
		return USCC{}, fail(ErrLength, "统一社会信用代码为空", "the unified social credit code is empty")
	}
	if n := utf8.RuneCountInString(code); n != 18 {
		return USCC{}, fail(ErrLength, "长度应为 18 位，实为 %d 位", "the length should be 18 characters, got %d", n)
	}
	pos := 0
	for _, r := range code {
		pos++
		if r < utf8.RuneSelf && strings.IndexByte(usccAlphabet, byte(r)) >= 0 {
			continue
		}
		if strings.ContainsRune("IOSVZ", r) {
			return USCC{}, fail(ErrCharset,
				"第 %d 位含有不允许的字符 %s（统一社会信用代码不用 I、O、S、V、Z）",
				"position %d: character %s is not allowed (unified social credit codes never use I, O, S, V or Z)",
				pos, string(r))
		}
		return USCC{}, fail(ErrCharset,
			"第 %d 位含有不允许的字符 %s（统一社会信用代码只用数字和除 I、O、S、V、Z 外的大写字母）",
			"position %d: character %s is not allowed (unified social credit codes use digits and capital letters except I, O, S, V, Z)",
			pos, showRune(r))
	}
	// From here the code is 18 ASCII bytes.
	auth, ok := authorities()[code[0]]
	if !ok {
		return USCC{}, fail(ErrStructure,
			"第 1 位登记管理部门代码 %c 无效（应为 1–9、A、N 或 Y）",
			"position 1: registration authority %c is not valid (use 1–9, A, N or Y)", code[0])
	}
	if _, ok := auth.types[code[1]]; !ok {
		return USCC{}, &apperr.Error{Code: apperr.Rule, Err: ErrStructure,
			Zh: fmt.Sprintf("第 2 位机构类别 %c 对登记管理部门 %c 无效（%s登记的机构类别为 %s）",
				code[1], code[0], auth.zh, typeList(auth, "、")),
			En: fmt.Sprintf("position 2: organisation type %c is not valid for registration authority %c (%s allows %s)",
				code[1], code[0], auth.en, typeList(auth, ", ")),
		}
	}
	if region := code[2:8]; !allDigits(region) {
		return USCC{}, fail(ErrStructure,
			"第 3–8 位登记管理机关行政区划码 %s 应为 6 位数字",
			"positions 3–8: the region code %s should be 6 digits", region)
	}
	if want := refUSCCCheck(code); code[17] != want {
		return USCC{}, fail(ErrCheckDigit, "校验码应为 %c，实为 %c", "the check character should be %c, got %c", want, code[17])
	}
	return USCC{code: code}, nil
}

func refUSCCCheck(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(usccAlphabet, first17[i]) * usccWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return usccAlphabet[c]
}

// authorityKinds, the constant form ParseUSCC reads, says for every pair of
// 1st and 2nd characters what authorities (GB 32100-2015's table) says.
func TestAuthorityKindsMatchTable(t *testing.T) {
	n := 0
	for c0 := 0; c0 < 256; c0++ {
		a, known := authorities()[byte(c0)]
		if !known && authorityKinds[c0] != "" {
			t.Errorf("authorityKinds has %q, which is no authority", rune(c0))
		}
		for i := 0; i < len(usccAlphabet); i++ {
			c1 := usccAlphabet[i]
			want := a.types[c1].kind
			if !known {
				continue
			}
			if got := usccKind(byte(c0), c1); got != want {
				t.Errorf("%c%c: %q, want %q", c0, c1, got, want)
			}
			if want != "" {
				n++
			}
		}
	}
	// GB 32100-2015's table: 1 (1,2,3,9), 2 (1,9), 3 (1–5,9), 4 (1,9), 5 (1,2,3,9),
	// 6 (1,2,9), 7 (1,2,9), 8 (1,9), 9 (1,2,3), A (1,9), N (1,2,3,9), Y (1).
	if n != 4+2+6+2+4+3+3+2+3+2+4+1 {
		t.Errorf("%d organisation types, want the standard's 36", n)
	}
}
