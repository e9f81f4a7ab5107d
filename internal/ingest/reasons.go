package ingest

// reasonLabels are the Chinese meanings of the reject reason codes (SPEC §H).
var reasonLabels = map[string]string{
	"encoding":                "文件编码无法识别",
	"missing_column":          "缺少必填列",
	"unknown_column":          "目录中没有的列",
	"prohibited_field":        "含第十四条禁止归集的信息",
	"unknown_item":            "目录中没有该信息项",
	"provider_not_registered": "提供单位未登记该信息项",
	"empty_file":              "空文件",
	"required":                "必填项为空",
	"type":                    "类型或格式错误",
	"length":                  "超过长度上限",
	"enum":                    "不在代码表中",
	"check_digit":             "代码校验位错误",
	"date_invalid":            "日期无效",
	"date_future":             "日期晚于今天",
	"amount":                  "金额无效",
	"duplicate_in_file":       "文件内业务主键重复",
	"record_locked":           "记录处于异议、修复或已撤回状态",
	"minor_subject":           "信息主体不具有完全民事行为能力（第二条；民法典第十七条、第十八条第二款）",
	"subject_mismatch":        "名称与已建档主体不一致",
	"control_character":       "含有控制字符（如 NUL）",
	"extra_cells":             "表头之外的单元格有内容",
	"layout_value":            "旧版格式中此值不予导入",
	"layout_provider":         "旧版格式中机关不是报送单位，代码无法推定",
	"excel_number":            "号码被 Excel 转成了数字（科学计数法或末几位变成 0）：请把该列设为文本格式后重新录入",
	"file_too_large":          "超过文件大小上限",
	"cell_too_large":          "超过单元格上限",
	"too_many_columns":        "超过列数上限",
	"too_many_rows":           "超过行数上限",
	"too_many_rejects":        "错误过多：请修正文件后重新报送",
	"xlsx_too_large":          "工作簿解压后超过上限",
	"xlsx_ratio":              "工作簿压缩比超过上限（压缩炸弹）",
	"too_many_sheets":         "超过工作表数上限",
}

// ReasonLabel is the Chinese meaning of a reason code.
func ReasonLabel(code string) string {
	if l, ok := reasonLabels[code]; ok {
		return l
	}
	return code
}
