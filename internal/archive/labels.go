package archive

import (
	"strings"

	"credit/internal/catalog"
)

func pick(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

// StateLabel names a record state for people.
func StateLabel(state, lang string) string {
	switch state {
	case StateValid:
		return pick(lang, "有效", "valid")
	case StateExpired:
		return pick(lang, "已过期", "expired")
	case StateCorrected:
		return pick(lang, "已更正", "corrected")
	case StateRepaired:
		return pick(lang, "已修复", "repaired")
	case StateNotYet:
		return pick(lang, "当日尚未作出", "not yet decided then")
	case StatePurged:
		return pick(lang, "已按保存期限清除", "purged after its retention period")
	}
	return state
}

// flagLabels name the flags workflows register (store.RegisterRecordFlag);
// a flag without a label here is shown by its code.
var flagLabels = map[string][2]string{
	"under_objection": {"异议中", "under objection"},
	"under_repair":    {"修复中", "under repair"},
	"in_publicity":    {"修复公示中", "repair in publicity"},
}

// FlagLabel names a record flag for people.
func FlagLabel(flag, lang string) string {
	if l, ok := flagLabels[flag]; ok {
		return pick(lang, l[0], l[1])
	}
	return flag
}

// LinkLabel says why 第二十九条 put a record in a person's archive.
func LinkLabel(role, lang string) string {
	switch role {
	case "legal_rep":
		return pick(lang, "负有责任的法定代表人", "as the responsible legal representative (art. 29)")
	case "principal":
		return pick(lang, "因主要负责人身份记入", "as principal responsible person (art. 29)")
	case "direct":
		return pick(lang, "因直接责任人身份记入", "as directly responsible person (art. 29)")
	}
	return role
}

// ProcedureLabel names the procedure that made a revision (SPEC §D–§F).
func ProcedureLabel(p, lang string) string {
	switch p {
	case "import":
		return pick(lang, "首次归集", "import")
	case "revision":
		return pick(lang, "报送修订", "import revision")
	case "correction":
		return pick(lang, "异议更正", "objection correction")
	case "withdrawal":
		return pick(lang, "异议撤回", "withdrawal")
	case "repair":
		return pick(lang, "信用修复", "repair")
	}
	return p
}

// RefLabel says what a revision's ref ("batch:4", "objection:3", the
// machine form kept in the store and JSON) is, for people: 批次 4, 异议 3.
func RefLabel(ref, lang string) string {
	kind, n, ok := strings.Cut(ref, ":")
	if !ok {
		return ref
	}
	switch kind {
	case "batch":
		return pick(lang, "批次 ", "batch ") + n
	case "objection":
		return pick(lang, "异议 ", "objection ") + n
	case "repair":
		return pick(lang, "修复 ", "repair ") + n
	}
	return ref
}

// CategoryLabel names a record's category (基本信息, 正面信息…).
func CategoryLabel(c, lang string) string { return catalog.Category(c).Label(lang) }

// SeverityLabel names a severity ("" for records without one).
func SeverityLabel(s, lang string) string {
	if s == "" {
		return ""
	}
	return catalog.Severity(s).Label(lang)
}

// KindLabel names a subject kind.
func KindLabel(k, lang string) string { return catalog.SubjectKind(k).Label(lang) }
