package catalog

// Labels for people (SPEC §2 vocabulary); JSON keeps the English values.

func pick(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

// Label is the category's name: 基本信息 / basic …
func (c Category) Label(lang string) string {
	switch c {
	case Basic:
		return pick(lang, "基本信息", "basic")
	case Positive:
		return pick(lang, "正面信息", "positive")
	case Negative:
		return pick(lang, "负面信息", "negative")
	case Other:
		return pick(lang, "其他信息", "other")
	}
	return string(c)
}

// Label is the disclosure's name (第十九条): 社会公开 / public …
func (d Disclosure) Label(lang string) string {
	switch d {
	case Public:
		return pick(lang, "社会公开", "public")
	case Shared:
		return pick(lang, "政府共享", "shared")
	case Authorized:
		return pick(lang, "授权查询", "authorized")
	}
	return string(d)
}

// Label is the subject kind's name.
func (k SubjectKind) Label(lang string) string {
	switch k {
	case Organisation:
		return pick(lang, "法人及非法人组织", "organisation")
	case IndividualBusiness:
		return pick(lang, "个体工商户", "individual business")
	case NaturalPerson:
		return pick(lang, "自然人", "natural person")
	case Unincorporated:
		return pick(lang, "非法人组织", "unincorporated organisation")
	}
	return string(k)
}

// Label is the severity's name (第十五条).
func (s Severity) Label(lang string) string {
	switch s {
	case General:
		return pick(lang, "一般失信", "general")
	case Serious:
		return pick(lang, "严重失信", "serious")
	}
	return string(s)
}

// UpdateCycleLabel names an update cycle.
func UpdateCycleLabel(c, lang string) string {
	switch c {
	case "daily":
		return pick(lang, "每日", "daily")
	case "weekly":
		return pick(lang, "每周", "weekly")
	case "monthly":
		return pick(lang, "每月", "monthly")
	case "quarterly":
		return pick(lang, "每季度", "quarterly")
	case "yearly":
		return pick(lang, "每年", "yearly")
	case "on_change":
		return pick(lang, "变更时", "on change")
	}
	return c
}

// RosterLabel names a list kind (第十七条).
func RosterLabel(r, lang string) string {
	switch r {
	case "red":
		return pick(lang, "红名单", "red list")
	case "black":
		return pick(lang, "黑名单", "black list")
	}
	return r
}
