package ident

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"credit/internal/apperr"
)

// usccAlphabet is GB 32100-2015's character set: digits and capital letters
// without I, O, S, V, Z. A character's value is its index.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccValue is the value of each byte in usccAlphabet (its index), -1 for
// the others.
var usccValue = func() (v [256]int8) {
	for i := range v {
		v[i] = int8(strings.IndexByte(usccAlphabet, byte(i)))
	}
	return v
}()

// usccWeights are the weights of positions 1–17: 3^(i-1) mod 31.
var usccWeights = func() (w [17]int) {
	v := 1
	for i := range w {
		w[i] = v
		v = v * 3 % 31
	}
	return w
}()

// usccCheck is the check character for the first 17 characters, which must
// all be in the alphabet: 31 − (Σ value·weight mod 31), 31 meaning 0.
func usccCheck(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(usccValue[first17[i]]) * usccWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return usccAlphabet[c]
}

type label struct{ zh, en string }

type orgType struct {
	label
	kind Kind
}

type authority struct {
	label
	types map[byte]orgType
}

// authorities is the 登记管理部门 (1st character) and 机构类别 (2nd character)
// table of GB 32100-2015 (domain.md §2.1), built on first use.
var authorities = sync.OnceValue(func() map[byte]authority {
	return map[byte]authority{
		'1': {label{"机构编制", "institutional establishment"}, map[byte]orgType{
			'1': {label{"机关", "government body"}, Government},
			'2': {label{"事业单位", "public institution"}, PublicInstitution},
			'3': {label{"中央编办直接管理机构编制的群众团体", "mass organisation under the central establishment office"}, OtherOrganisation},
			'9': {label{"其他", "other"}, OtherOrganisation},
		}},
		'2': {label{"外交", "foreign affairs"}, map[byte]orgType{
			'1': {label{"外国常驻新闻机构", "resident foreign news agency"}, OtherOrganisation},
			'9': {label{"其他", "other"}, OtherOrganisation},
		}},
		'3': {label{"司法行政", "judicial administration"}, map[byte]orgType{
			'1': {label{"律师执业机构", "law firm"}, OtherOrganisation},
			'2': {label{"公证处", "notary office"}, OtherOrganisation},
			'3': {label{"基层法律服务所", "grassroots legal service office"}, OtherOrganisation},
			'4': {label{"司法鉴定机构", "forensic appraisal institution"}, OtherOrganisation},
			'5': {label{"仲裁委员会", "arbitration commission"}, OtherOrganisation},
			'9': {label{"其他", "other"}, OtherOrganisation},
		}},
		'4': {label{"文化", "culture"}, map[byte]orgType{
			'1': {label{"外国在华文化中心", "foreign cultural centre in China"}, OtherOrganisation},
			'9': {label{"其他", "other"}, OtherOrganisation},
		}},
		'5': {label{"民政", "civil affairs"}, map[byte]orgType{
			'1': {label{"社会团体", "social group"}, SocialOrganisation},
			'2': {label{"民办非企业单位", "private non-enterprise unit"}, SocialOrganisation},
			'3': {label{"基金会", "foundation"}, SocialOrganisation},
			'9': {label{"其他", "other"}, SocialOrganisation},
		}},
		'6': {label{"旅游", "tourism"}, map[byte]orgType{
			'1': {label{"外国旅游部门常驻代表机构", "resident office of a foreign tourism authority"}, OtherOrganisation},
			'2': {label{"港澳台地区旅游部门常驻内地（大陆）代表机构", "resident mainland office of a Hong Kong, Macao or Taiwan tourism authority"}, OtherOrganisation},
			'9': {label{"其他", "other"}, OtherOrganisation},
		}},
		'7': {label{"宗教", "religious affairs"}, map[byte]orgType{
			'1': {label{"宗教活动场所", "venue for religious activities"}, OtherOrganisation},
			'2': {label{"宗教院校", "religious college"}, OtherOrganisation},
			'9': {label{"其他", "other"}, OtherOrganisation},
		}},
		'8': {label{"工会", "trade unions"}, map[byte]orgType{
			'1': {label{"基层工会", "grassroots trade union"}, OtherOrganisation},
			'9': {label{"其他", "other"}, OtherOrganisation},
		}},
		'9': {label{"工商", "industry and commerce (market regulation)"}, map[byte]orgType{
			'1': {label{"企业", "enterprise"}, Enterprise},
			'2': {label{"个体工商户", "individual business"}, IndividualBusiness},
			'3': {label{"农民专业合作社", "farmers' specialised cooperative"}, Cooperative},
		}},
		// 军队事业单位 are public institutions, so they get that kind rather
		// than other_organisation.
		'A': {label{"中央军委改革和编制办公室", "CMC reform and establishment office"}, map[byte]orgType{
			'1': {label{"军队事业单位", "military public institution"}, PublicInstitution},
			'9': {label{"其他", "other"}, OtherOrganisation},
		}},
		'N': {label{"农业", "agriculture"}, map[byte]orgType{
			'1': {label{"组级集体经济组织", "group-level collective economic organisation"}, OtherOrganisation},
			'2': {label{"村级集体经济组织", "village-level collective economic organisation"}, OtherOrganisation},
			'3': {label{"乡镇级集体经济组织", "township-level collective economic organisation"}, OtherOrganisation},
			'9': {label{"其他", "other"}, OtherOrganisation},
		}},
		'Y': {label{"其他", "other"}, map[byte]orgType{
			'1': {label{"其他", "other"}, OtherOrganisation},
		}},
	}
})

// authorityKinds is authorities' kinds as constants (nothing built at
// start-up; ParseUSCC runs a million times in an import and once in a
// lookup): for each valid 1st character, one letter per character of
// usccAlphabet as 2nd character, naming its kind in kindLetters ('.': not an
// organisation type of that authority). TestAuthorityKindsMatchTable checks
// it against authorities, the table as the standard gives it.
var authorityKinds = [256]string{
	'1': ".GPO.....O.....................",
	'2': ".O.......O.....................",
	'3': ".OOOOO...O.....................",
	'4': ".O.......O.....................",
	'5': ".SSS.....S.....................",
	'6': ".OO......O.....................",
	'7': ".OO......O.....................",
	'8': ".O.......O.....................",
	'9': ".EIC...........................",
	'A': ".P.......O.....................",
	'N': ".OOO.....O.....................",
	'Y': ".O.............................",
}

var kindLetters = [256]Kind{'G': Government, 'P': PublicInstitution, 'S': SocialOrganisation, 'E': Enterprise,
	'I': IndividualBusiness, 'C': Cooperative, 'O': OtherOrganisation}

// usccKind is the kind the first two characters of a code name ("" when
// none); both must be in usccAlphabet.
func usccKind(c0, c1 byte) Kind {
	kinds := authorityKinds[c0]
	if kinds == "" {
		return ""
	}
	return kindLetters[kinds[usccValue[c1]]]
}

// authorityOrder lists the valid 1st characters for messages.
const authorityOrder = "123456789ANY"

// USCC is a valid 统一社会信用代码 (GB 32100-2015). The zero value is no code.
type USCC struct {
	code string
}

// ParseUSCC normalises s (NormalizeCode) and validates it as a 统一社会信用代码:
// 18 characters of the 31-character alphabet, a known 登记管理部门 and 机构类别,
// a 6-digit region code and the check character. The error is an
// *apperr.Error (exit 5) naming the first fault; errors.Is tells its cause
// (ErrLength, ErrCharset, ErrStructure, ErrCheckDigit).
func ParseUSCC(s string) (USCC, error) { return parseUSCC(s, true) }

// parseUSCC is ParseUSCC; unless explain, a fault comes back as its bare
// cause (ErrLength, ErrCharset, …) without the message (see parseID).
func parseUSCC(s string, explain bool) (USCC, error) {
	code := NormalizeCode(s)
	if code == "" {
		if !explain {
			return USCC{}, ErrLength
		}
		return USCC{}, fail(ErrLength, "统一社会信用代码为空", "the unified social credit code is empty")
	}
	if n := utf8.RuneCountInString(code); n != 18 {
		if !explain {
			return USCC{}, ErrLength
		}
		return USCC{}, fail(ErrLength, "长度应为 18 位，实为 %d 位", "the length should be 18 characters, got %d", n)
	}
	pos := 0
	for _, r := range code {
		pos++
		if r < utf8.RuneSelf && usccValue[r] >= 0 {
			continue
		}
		if !explain {
			return USCC{}, ErrCharset
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
	if authorityKinds[code[0]] == "" {
		if !explain {
			return USCC{}, ErrStructure
		}
		return USCC{}, fail(ErrStructure,
			"第 1 位登记管理部门代码 %c 无效（应为 1–9、A、N 或 Y）",
			"position 1: registration authority %c is not valid (use 1–9, A, N or Y)", code[0])
	}
	if usccKind(code[0], code[1]) == "" {
		if !explain {
			return USCC{}, ErrStructure
		}
		auth := authorities()[code[0]]
		return USCC{}, &apperr.Error{Code: apperr.Rule, Err: ErrStructure,
			Zh: fmt.Sprintf("第 2 位机构类别 %c 对登记管理部门 %c 无效（%s登记的机构类别为 %s）",
				code[1], code[0], auth.zh, typeList(auth, "、")),
			En: fmt.Sprintf("position 2: organisation type %c is not valid for registration authority %c (%s allows %s)",
				code[1], code[0], auth.en, typeList(auth, ", ")),
		}
	}
	if region := code[2:8]; !allDigits(region) {
		if !explain {
			return USCC{}, ErrStructure
		}
		return USCC{}, fail(ErrStructure,
			"第 3–8 位登记管理机关行政区划码 %s 应为 6 位数字",
			"positions 3–8: the region code %s should be 6 digits", region)
	}
	if want := usccCheck(code); code[17] != want {
		if !explain {
			return USCC{}, ErrCheckDigit
		}
		return USCC{}, fail(ErrCheckDigit, "校验码应为 %c，实为 %c", "the check character should be %c, got %c", want, code[17])
	}
	return USCC{code: code}, nil
}

func typeList(a authority, sep string) string {
	var out []string
	for i := 0; i < len(usccAlphabet); i++ {
		if _, ok := a.types[usccAlphabet[i]]; ok {
			out = append(out, string(usccAlphabet[i]))
		}
	}
	return strings.Join(out, sep)
}

// String is the 18-character code ("" for the zero value).
func (u USCC) String() string { return u.code }

// IsZero reports whether u is no code.
func (u USCC) IsZero() bool { return u.code == "" }

// Authority is the 登记管理部门 (1st character) in lang ("en" or Chinese), e.g. 工商.
func (u USCC) Authority(lang string) string {
	if u.code == "" {
		return ""
	}
	return pick(authorities()[u.code[0]].label, lang)
}

// OrgType is the 机构类别 (2nd character) in lang ("en" or Chinese), e.g. 企业.
func (u USCC) OrgType(lang string) string {
	if u.code == "" {
		return ""
	}
	return pick(authorities()[u.code[0]].types[u.code[1]].label, lang)
}

// Kind is the kind of subject the code names.
func (u USCC) Kind() Kind {
	if u.code == "" {
		return ""
	}
	return usccKind(u.code[0], u.code[1])
}

// Region is the 登记管理机关行政区划码 (positions 3–8, GB/T 2260).
func (u USCC) Region() string {
	if u.code == "" {
		return ""
	}
	return u.code[2:8]
}

// OrgCode is the 主体标识码 (positions 9–17), the organisation's 组织机构代码.
func (u USCC) OrgCode() string {
	if u.code == "" {
		return ""
	}
	return u.code[8:17]
}

// OrgCodeChecks reports whether the 主体标识码 passes its own GB 11714 check
// (weights 3 7 9 10 5 8 4 2; check 11 − Σ mod 11, 10 = X, 11 = 0; letters
// A–Z count 10–35). ParseUSCC does not require it: GB 32100 validity is
// decided by the 18th character alone, and not every register is known to
// follow GB 11714 for every 主体标识码. Check uses it to tell a USCC from a
// mistyped ID number.
func (u USCC) OrgCodeChecks() bool {
	if u.code == "" {
		return false
	}
	oc := u.code[8:17]
	weights := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		c := oc[i]
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = int(c-'A') + 10
		}
		sum += v * w
	}
	want := byte('0' + (11-sum%11)%11)
	if (11-sum%11)%11 == 10 {
		want = 'X'
	}
	return oc[8] == want
}

func pick(l label, lang string) string {
	if lang == "en" {
		return l.en
	}
	return l.zh
}
