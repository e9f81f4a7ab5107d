package archive

import "testing"

// The planted values of the privacy tests (issue 16). exampleID is GB 11643's
// own example 11010519491231002X; badID is it with a wrong check digit.
const (
	badID      = "11010519491231003X"
	plantPhone = "13812345678"
	plantCard  = "6222021234567890123"
)

// TestMaskText: every kind of personal identifier inside free text, worked
// by hand (first 6 and last 4 of an ID or card, first 3 and last 4 of a
// phone, a name's first character), and the codes, numbers and dates that
// must stay readable.
func TestMaskText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"当事人身份证号" + exampleID + "，", "当事人身份证号110105********002X，"},
		{"身份证号" + badID + "（校验码错）", "身份证号110105********003X（校验码错）"},
		{"old 110105491231002 number", "old 110105*****1002 number"},
		{"联系电话" + plantPhone + "。", "联系电话138****5678。"},
		{"电话+8613812345678", "电话+86138****5678"},
		{"电话 138-1234-5678 转", "电话 138-****-5678 转"},
		{"电话 138 1234 5678", "电话 138 **** 5678"},
		{"卡号" + plantCard + "。", "卡号622202*********0123。"},
		{"卡号 6222 0212 3456 7890", "卡号 6222 02** **** 7890"},
		{"卡号6222021234567890", "卡号622202******7890"},
		{"法定代表人张三、王五在场", "法定代表人张*、王*在场"},
		{"欧阳娜娜与欧阳", "欧***与欧*"},
		// What stays: an all-digit USCC, a valid USCC with letters, a
		// decision number, amounts, dates, a landline, an 8-digit date.
		{"统一社会信用代码913206020000026740", "统一社会信用代码913206020000026740"},
		{"当事人91350100M000100Y43", "当事人91350100M000100Y43"},
		{"通市监罚〔2024〕123号", "通市监罚〔2024〕123号"},
		{"罚款20000元，没收12345.67元", "罚款20000元，没收12345.67元"},
		{"2024-05-10 至 20240510", "2024-05-10 至 20240510"},
		{"座机0513-85123456", "座机0513-85123456"},
		{"文号 2024 0001 号", "文号 2024 0001 号"},
		{"", ""},
	}
	for _, c := range cases {
		if got := MaskText(c.in, "张三", "王五", "欧阳娜娜", "欧阳", "李"); got != c.want {
			t.Errorf("MaskText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// A one-character "name" is never masked: it would hide that character
	// everywhere.
	if got := MaskText("李四来过", "李"); got != "李四来过" {
		t.Errorf("one-character name masked: %q", got)
	}
}
