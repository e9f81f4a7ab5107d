package ingest

import (
	"regexp"
	"strings"
	"sync"

	"credit/internal/ident"
)

// ReasonExcelNumber rejects a code cell that Excel turned into a number
// (issue 22): shown in scientific notation (3.20602E+17), or an 18-digit
// number whose last digits Excel zeroed (Excel keeps 15 significant digits)
// so that it ends in 000 and fails its check digit. The original number is
// lost from the file; only the department can type it again.
const ReasonExcelNumber = "excel_number"

var sciNotation = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9](\.[0-9]+)?[eE]\+?[0-9]+$`) })

// excelDamage reports whether a code cell v shows Excel's number
// conversion, and which kind: "sci" or "zeroed".
func excelDamage(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if sciNotation().MatchString(v) {
		return "sci", true
	}
	if len(v) == 18 && strings.HasSuffix(v, "000") && strings.Trim(v, "0123456789") == "" {
		if !ident.Check(v).Valid {
			return "zeroed", true
		}
	}
	return "", false
}

// excelDamageText is the reject message, in Chinese and English, in the
// terms of Excel a clerk uses.
func excelDamageText(kind, excerpt string) (zh, en string) {
	const fixZh = "原号码已无法从文件中恢复：请在 Excel 中选中该列，右键“设置单元格格式”→“文本”，再重新录入或从原系统粘贴完整号码（或在号码前加英文单引号 '），保存后重新报送"
	const fixEn = "the original number cannot be recovered from the file: in Excel select the column, Format Cells → Text, type or paste the full number again (or start it with an apostrophe '), save and resubmit"
	if kind == "sci" {
		return "“" + excerpt + "”是 Excel 把号码当作数字、以科学计数法显示的结果；" + fixZh,
			"\"" + excerpt + "\" is how Excel shows a code it turned into a number (scientific notation); " + fixEn
	}
	return "“" + excerpt + "”末尾是 000 且校验码不符：Excel 把号码当作数字，只保留 15 位有效数字，后几位被改成了 0；" + fixZh,
		"\"" + excerpt + "\" ends in 000 and fails its check digit: Excel turned the code into a number, which keeps 15 significant digits, and zeroed the last ones; " + fixEn
}
