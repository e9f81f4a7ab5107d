package ident

import (
	"errors"
	"strings"
	"testing"

	"credit/internal/apperr"
	"credit/internal/civil"
)

// Every expected value below comes from GB 32100-2015 / GB 11643-1999 as
// quoted in /work/shared/reference/domain.md §2, or follows from the
// standards' definitions (a date that does not exist, a letter the alphabet
// excludes); none was produced by running this package.

func TestUSCCWeightsAreTheStandards(t *testing.T) {
	want := [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28} // domain.md §2.1
	if usccWeights != want {
		t.Fatalf("weights %v, want %v", usccWeights, want)
	}
}

func TestIDWeightsAreTheStandards(t *testing.T) {
	want := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2} // domain.md §2.2
	if idWeights != want {
		t.Fatalf("weights %v, want %v", idWeights, want)
	}
}

func TestParseUSCCKnownValid(t *testing.T) {
	cases := []struct {
		in, code, authority, orgType, region string
		kind                                 Kind
	}{
		{"91350100M000100Y43", "91350100M000100Y43", "工商", "企业", "350100", Enterprise},
		{"91110000802100433B", "91110000802100433B", "工商", "企业", "110000", Enterprise},
		{"91110108551385082Q", "91110108551385082Q", "工商", "企业", "110108", Enterprise},
		{"914403001922038216", "914403001922038216", "工商", "企业", "440300", Enterprise},
		{"11100000000013127D", "11100000000013127D", "机构编制", "机关", "100000", Government},
		// normalisation: full-width, lower case, surrounding (full-width) spaces
		{"９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43", "工商", "企业", "350100", Enterprise},
		{"  91350100m000100y43\t", "91350100M000100Y43", "工商", "企业", "350100", Enterprise},
		{"\u3000９１１１０１０８５５１３８５０８２ｑ\u3000", "91110108551385082Q", "工商", "企业", "110108", Enterprise},
	}
	for _, c := range cases {
		u, err := ParseUSCC(c.in)
		if err != nil {
			t.Errorf("ParseUSCC(%q): %v", c.in, err)
			continue
		}
		if u.String() != c.code || u.Authority("zh") != c.authority || u.OrgType("zh") != c.orgType || u.Region() != c.region || u.Kind() != c.kind {
			t.Errorf("ParseUSCC(%q) = %s %s %s %s %s, want %s %s %s %s %s", c.in,
				u, u.Authority("zh"), u.OrgType("zh"), u.Region(), u.Kind(),
				c.code, c.authority, c.orgType, c.region, c.kind)
		}
	}
}

func TestUSCCOrgCodeChecks(t *testing.T) {
	// The 主体标识码 of each domain.md §2.1 example passes GB 11714 (checked
	// by hand: e.g. 802100433: 8·3+2·9+1·10+4·4+3·2 = 74, 74 mod 11 = 8,
	// 11 − 8 = 3).
	for code, orgCode := range map[string]string{
		"91350100M000100Y43": "M000100Y4",
		"91110000802100433B": "802100433",
		"91110108551385082Q": "551385082",
		"914403001922038216": "192203821",
		"11100000000013127D": "000013127",
	} {
		u, err := ParseUSCC(code)
		if err != nil || u.OrgCode() != orgCode || !u.OrgCodeChecks() {
			t.Errorf("%s: org code %q checks %v (%v)", code, u.OrgCode(), u.OrgCodeChecks(), err)
		}
	}
	// 11010519491331002X passes GB 32100 (a 机关 in region 010519) but is an
	// ID number with an impossible date; its 491331002 fails GB 11714
	// (4·3+9·7+1·9+3·10+3·5+1·8 = 137, 137 mod 11 = 5, check 6, not 2).
	u, err := ParseUSCC("11010519491331002X")
	if err != nil || u.OrgCodeChecks() {
		t.Errorf("11010519491331002X: %v, org code checks %v", err, u.OrgCodeChecks())
	}
}

func TestParseUSCCInvalid(t *testing.T) {
	cases := []struct {
		in     string
		cause  error
		reason string // substring of the Chinese message
	}{
		// domain.md §2.1: the wrong check char of 91350100M000100Y43.
		{"91350100M000100Y4X", ErrCheckDigit, "校验码应为 3，实为 X"},
		{"91350100M000100Y4", ErrLength, "长度应为 18 位，实为 17 位"},
		{"91350100M000100Y433", ErrLength, "长度应为 18 位，实为 19 位"},
		{"", ErrLength, "为空"},
		{"91350100M000100O43", ErrCharset, "含有不允许的字符 O（统一社会信用代码不用 I、O、S、V、Z）"},
		{"91350100I000100Y43", ErrCharset, "第 9 位含有不允许的字符 I"},
		{"91350100M-00100Y43", ErrCharset, "第 10 位含有不允许的字符 -"},
		{"91350100M中00100Y43", ErrCharset, "第 10 位含有不允许的字符 中"},
		{"01350100M000100Y43", ErrStructure, "第 1 位登记管理部门代码 0 无效"},
		{"B1350100M000100Y43", ErrStructure, "第 1 位登记管理部门代码 B 无效"},
		{"99350100M000100Y43", ErrStructure, "第 2 位机构类别 9 对登记管理部门 9 无效"},
		{"54350100M000100Y43", ErrStructure, "第 2 位机构类别 4 对登记管理部门 5 无效"},
		{"Y2350100M000100Y43", ErrStructure, "第 2 位机构类别 2 对登记管理部门 Y 无效"},
		{"9135A100M000100Y43", ErrStructure, "行政区划码 35A100 应为 6 位数字"},
		{PlaceholderUSCC, ErrStructure, "登记管理部门代码 0 无效"},
	}
	for _, c := range cases {
		_, err := ParseUSCC(c.in)
		if err == nil {
			t.Errorf("ParseUSCC(%q) accepted", c.in)
			continue
		}
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Code != apperr.Rule || ae.En == "" {
			t.Errorf("ParseUSCC(%q): error %#v is not a bilingual rule *apperr.Error", c.in, err)
			continue
		}
		if !errors.Is(err, c.cause) {
			t.Errorf("ParseUSCC(%q): cause of %v is not %v", c.in, err, c.cause)
		}
		if !strings.Contains(ae.Zh, c.reason) {
			t.Errorf("ParseUSCC(%q): message %q lacks %q", c.in, ae.Zh, c.reason)
		}
	}
}

func TestParseUSCCChangedCharRejected(t *testing.T) {
	// Any single changed character of a valid code breaks the check
	// (GB 32100's mod-31 check detects every single substitution).
	valid := "91350100M000100Y43"
	for i := 0; i < 17; i++ {
		for _, c := range []byte(usccAlphabet) {
			if c == valid[i] {
				continue
			}
			b := []byte(valid)
			b[i] = c
			if _, err := ParseUSCC(string(b)); err == nil {
				t.Errorf("%s (position %d changed) accepted", b, i+1)
			}
		}
	}
}

func TestParseIDKnownValid(t *testing.T) {
	cases := []struct {
		in, code, birth string
		sex             Sex
		upgraded        bool
	}{
		// domain.md §2.2: the standard's examples.
		{"11010519491231002X", "11010519491231002X", "1949-12-31", Female, false},
		{"440524188001010014", "440524188001010014", "1880-01-01", Male, false},
		{"53010219200508011X", "53010219200508011X", "1920-05-08", Male, false},
		// lower-case x, full width, spaces
		{"11010519491231002x", "11010519491231002X", "1949-12-31", Female, false},
		{" １１０１０５１９４９１２３１００２ｘ ", "11010519491231002X", "1949-12-31", Female, false},
		// GB 11643-1989 15-digit number upgraded (domain.md §2.2)
		{"110105491231002", "11010519491231002X", "1949-12-31", Female, true},
	}
	for _, c := range cases {
		id, err := ParseID(c.in)
		if err != nil {
			t.Errorf("ParseID(%q): %v", c.in, err)
			continue
		}
		if id.String() != c.code || id.Birth().String() != c.birth || id.Sex() != c.sex || id.Upgraded() != c.upgraded || id.Kind() != NaturalPerson {
			t.Errorf("ParseID(%q) = %s %s %s %v, want %s %s %s %v", c.in,
				id, id.Birth(), id.Sex(), id.Upgraded(), c.code, c.birth, c.sex, c.upgraded)
		}
	}
}

func TestParseIDInvalid(t *testing.T) {
	cases := []struct {
		in     string
		cause  error
		reason string
	}{
		// one changed digit of 11010519491231002X (MOD 11-2 detects every single substitution)
		{"11010519491231003X", ErrCheckDigit, "实为 X"},
		{"11010519491231002Y", ErrCharset, "第 18 位含有不允许的字符 Y"},
		{"110105194912310029", ErrCheckDigit, "校验码应为 X，实为 9"},
		{"440524188001010015", ErrCheckDigit, "校验码应为 4，实为 5"},
		{"1101051949123100X2", ErrCharset, "第 17 位含有不允许的字符 X"},
		{"11010519491231002", ErrLength, "实为 17 位"},
		{"", ErrLength, "为空"},
		// impossible dates: the date is checked before the check digit
		{"11010519491331002X", ErrDate, "出生日期 19491331 不存在"},
		{"11010519490230002X", ErrDate, "出生日期 19490230 不存在"},
		{"11010519490229002X", ErrDate, "出生日期 19490229 不存在"}, // 1949 is no leap year
		{"11010519490001002X", ErrDate, "出生日期 19490001 不存在"},
		{"11010500000101002X", ErrDate, "出生日期 00000101 不存在"},
		{"11010517991231002X", ErrDate, "早于 1800"},
		{"110105491331002", ErrDate, "出生日期 19491331 不存在"},
		{"11010549123100X", ErrCharset, "15 位旧身份证号码只有数字"},
		// region
		{"01010519491231002X", ErrStructure, "地址码前两位 01"},
		{"91010519491231002X", ErrStructure, "地址码前两位 91"},
		{"990105491231002", ErrStructure, "地址码前两位 99"},
	}
	for _, c := range cases {
		_, err := ParseID(c.in)
		if err == nil {
			t.Errorf("ParseID(%q) accepted", c.in)
			continue
		}
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Code != apperr.Rule || ae.En == "" {
			t.Errorf("ParseID(%q): error %#v is not a bilingual rule *apperr.Error", c.in, err)
			continue
		}
		if !errors.Is(err, c.cause) {
			t.Errorf("ParseID(%q): cause of %v is not %v", c.in, err, c.cause)
		}
		if !strings.Contains(ae.Zh, c.reason) {
			t.Errorf("ParseID(%q): message %q lacks %q", c.in, ae.Zh, c.reason)
		}
	}
}

func TestParseIDChangedDigitRejected(t *testing.T) {
	valid := "440524188001010014"
	for i := 0; i < 18; i++ {
		for c := byte('0'); c <= '9'; c++ {
			if c == valid[i] {
				continue
			}
			b := []byte(valid)
			b[i] = c
			if _, err := ParseID(string(b)); err == nil {
				t.Errorf("%s (position %d changed) accepted", b, i+1)
			}
		}
	}
}

func TestIDAgeOn(t *testing.T) {
	born1949, _ := ParseID("11010519491231002X")
	cases := []struct {
		id    ID
		on    string
		age   int
		adult bool
	}{
		{born1949, "1949-12-31", 0, false},
		{born1949, "1967-12-30", 17, false},
		{born1949, "1967-12-31", 18, true},
		{born1949, "2026-01-01", 76, true},
		{born1949, "1949-12-30", -1, false},
	}
	for _, c := range cases {
		d := civil.MustParse(c.on)
		if got := c.id.AgeOn(d); got != c.age {
			t.Errorf("%s AgeOn(%s) = %d, want %d", c.id, c.on, got, c.age)
		}
		if got := c.id.AdultOn(d); got != c.adult {
			t.Errorf("%s AdultOn(%s) = %v, want %v", c.id, c.on, got, c.adult)
		}
	}
	// Born on 29 February: a period in years ends on 28 February in a common
	// year (民法典 第二百零二条, as civil.AddYears counts).
	leap := ID{code: "x", birth: civil.MustParse("2008-02-29")}
	if got := leap.AgeOn(civil.MustParse("2026-02-27")); got != 17 {
		t.Errorf("born 2008-02-29, age on 2026-02-27 = %d, want 17", got)
	}
	if got := leap.AgeOn(civil.MustParse("2026-02-28")); got != 18 {
		t.Errorf("born 2008-02-29, age on 2026-02-28 = %d, want 18", got)
	}
}

func TestIDValidOn(t *testing.T) {
	id, _ := ParseID("11010519491231002X")
	if err := id.ValidOn(civil.MustParse("1949-12-31")); err != nil {
		t.Errorf("born on today: %v", err)
	}
	if err := id.ValidOn(civil.Date{}); err != nil {
		t.Errorf("zero today: %v", err)
	}
	err := id.ValidOn(civil.MustParse("1949-12-30"))
	if !errors.Is(err, ErrDate) || !strings.Contains(apperr.MessageOf(err, "zh"), "晚于今天") {
		t.Errorf("born tomorrow: %v", err)
	}
}

func TestIdentCheck(t *testing.T) {
	cases := []struct {
		in     string
		code   string
		valid  bool
		kind   Kind
		typ    CodeType
		reason string
	}{
		{"91350100M000100Y43", "91350100M000100Y43", true, Enterprise, TypeUSCC, ""},
		{"９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43", true, Enterprise, TypeUSCC, ""},
		// an all-digit USCC is ID-shaped but no valid ID (province 91)
		{"914403001922038216", "914403001922038216", true, Enterprise, TypeUSCC, ""},
		{"11100000000013127D", "11100000000013127D", true, Government, TypeUSCC, ""},
		{"11010519491231002X", "11010519491231002X", true, NaturalPerson, TypeID, ""},
		{"11010519491231002x", "11010519491231002X", true, NaturalPerson, TypeID, ""},
		{"110105491231002", "11010519491231002X", true, NaturalPerson, TypeID, ""},
		{"440524188001010014", "440524188001010014", true, NaturalPerson, TypeID, ""},
		{"91350100M000100Y4X", "91350100M000100Y4X", false, "", TypeUSCC, "校验码应为 3，实为 X"},
		{"91350100M000100Y4", "91350100M000100Y4", false, "", TypeUnknown, "长度应为 18 位，实为 17 位"},
		{"91350100M000100O43", "91350100M000100O43", false, "", TypeUSCC, "含有不允许的字符 O（统一社会信用代码不用 I、O、S、V、Z）"},
		{"99350100M000100Y43", "99350100M000100Y43", false, "", TypeUSCC, "第 2 位机构类别 9 对登记管理部门 9 无效"},
		// also a GB 32100-valid USCC, but its 主体标识码 fails GB 11714
		{"11010519491331002X", "11010519491331002X", false, "", TypeID, "出生日期 19491331 不存在"},
		{"11010519491231003X", "11010519491231003X", false, "", TypeID, "实为 X"},
		{"110105491331002", "110105491331002", false, "", TypeID, "出生日期 19491331 不存在"},
		{PlaceholderUSCC, PlaceholderUSCC, false, "", TypeUSCC, "占位"},
		{"   ", "", false, "", TypeUnknown, "为空"},
		{"张三", "张三", false, "", TypeUnknown, "长度应为 18 位，实为 2 位"},
	}
	for _, c := range cases {
		r := Check(c.in)
		if r.Code != c.code || r.Valid != c.valid || r.Kind != c.kind || r.Type != c.typ || !strings.Contains(r.Reason, c.reason) {
			t.Errorf("Check(%q) = %+v, want code %s valid %v kind %q type %s reason ~%q", c.in, r, c.code, c.valid, c.kind, c.typ, c.reason)
		}
		if r.Valid != (r.Reason == "") || r.Valid != (r.ReasonEn == "") {
			t.Errorf("Check(%q): valid %v but reasons %q / %q", c.in, r.Valid, r.Reason, r.ReasonEn)
		}
	}
}

func TestIdentCheckOnRefusesFutureBirth(t *testing.T) {
	r := CheckOn("11010519491231002X", civil.MustParse("1949-12-30"))
	if r.Valid || r.Type != TypeID || !strings.Contains(r.Reason, "晚于今天") {
		t.Errorf("born after today: %+v", r)
	}
	if r := CheckOn("11010519491231002X", civil.MustParse("2026-01-01")); !r.Valid {
		t.Errorf("born before today: %+v", r)
	}
}

func TestIdentKindLabels(t *testing.T) {
	want := map[Kind][2]string{
		Enterprise:         {"企业", "enterprise"},
		IndividualBusiness: {"个体工商户", "individual business"},
		Cooperative:        {"农民专业合作社", "farmers' cooperative"},
		Government:         {"机关", "government body"},
		PublicInstitution:  {"事业单位", "public institution"},
		SocialOrganisation: {"社会组织", "social organisation"},
		OtherOrganisation:  {"其他组织", "other organisation"},
		NaturalPerson:      {"自然人", "natural person"},
	}
	if len(Kinds()) != len(want) {
		t.Fatalf("Kinds() has %d kinds, want %d", len(Kinds()), len(want))
	}
	for _, k := range Kinds() {
		if k.Label("zh") != want[k][0] || k.Label("en") != want[k][1] {
			t.Errorf("%s labels %q %q", k, k.Label("zh"), k.Label("en"))
		}
		if k.Organisation() == (k == NaturalPerson) {
			t.Errorf("%s Organisation() = %v", k, k.Organisation())
		}
	}
	if Kind("").Label("zh") != "" || Kind("").Organisation() {
		t.Error("the empty kind has a label or is an organisation")
	}
}

func TestIdentKindByOrgType(t *testing.T) {
	// The kind follows the 1st/2nd characters (GB 32100 table, domain.md §2.1);
	// the table is checked here without check characters.
	cases := map[string]Kind{
		"11": Government, "12": PublicInstitution, "13": OtherOrganisation, "19": OtherOrganisation,
		"21": OtherOrganisation, "31": OtherOrganisation, "35": OtherOrganisation,
		"51": SocialOrganisation, "52": SocialOrganisation, "53": SocialOrganisation, "59": SocialOrganisation,
		"91": Enterprise, "92": IndividualBusiness, "93": Cooperative,
		"A1": PublicInstitution, "N2": OtherOrganisation, "Y1": OtherOrganisation,
	}
	for prefix, want := range cases {
		if got := (USCC{code: prefix + "0000000000000000"}).Kind(); got != want {
			t.Errorf("%s…: kind %s, want %s", prefix, got, want)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	cases := map[string]string{
		"９１３５０１００Ｍ０００１００Ｙ４３": "91350100M000100Y43",
		" \u3000 abc\t\n":              "ABC",
		"\uFEFF11010519491231002x\r\n": "11010519491231002X",
		"a b":                          "A B",
		"":                             "",
		"\xff":                         "\uFFFD",
	}
	for in, want := range cases {
		if got := NormalizeCode(in); got != want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIdentMask(t *testing.T) {
	cases := map[string]string{
		"11010519491231002X": "110105********002X",
		"91350100M000100Y43": "913501********0Y43",
		"110105491231002":    "110105*****1002",
		"13800138000":        "138****8000",
		"12345678":           "12****78",
		"12345":              "1***5",
		"1234":               "1***",
		"12":                 "1*",
		"1":                  "*",
		"":                   "",
		"江苏省南通市崇川区某某路1号": "江苏省*******某路1号",
	}
	for in, want := range cases {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIdentMaskName(t *testing.T) {
	cases := map[string]string{
		"张三":    "张*",
		"欧阳娜娜":  "欧***",
		"王小明":   "王**",
		" 李四 ":  "李*",
		"张":     "*",
		"":      "",
		"阿依·古丽": "阿****",
	}
	for in, want := range cases {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIdentRejectReason(t *testing.T) {
	_, e1 := ParseUSCC("91350100M000100Y4X")
	_, e2 := ParseID("11010519491331002X")
	_, e3 := ParseUSCC("91350100M000100O43")
	if RejectReason(e1) != "check_digit" || RejectReason(e2) != "date_invalid" || RejectReason(e3) != "type" {
		t.Errorf("reasons %s %s %s", RejectReason(e1), RejectReason(e2), RejectReason(e3))
	}
}
