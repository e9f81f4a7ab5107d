// Package sanction owns joint rewards and sanctions (第二十五条, 第二十八条,
// 第二十九条): the measures list (catalogs/measures.yaml), the matters a
// credit check is made for, the credit check itself (which list entries and
// serious records ground which measures) and the cases units record when
// they apply a measure.
package sanction

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"

	"credit/catalogs"
	"credit/internal/apperr"
)

// Category of a measure, in the national list's classes.
type Category string

const (
	ReduceRights   Category = "reduce-rights"   // 减损信用主体权益（第一类）
	AddObligations Category = "add-obligations" // 增加信用主体义务（第一类）
	OtherMeasure   Category = "other"           // 管理措施（第二类）或其他组织实施的措施（第三类）
	Reward         Category = "reward"          // 守信激励
)

var categoryLabels = map[Category][2]string{
	ReduceRights:   {"减损权益", "reduces rights"},
	AddObligations: {"增加义务", "adds obligations"},
	OtherMeasure:   {"其他惩戒措施", "other sanction"},
	Reward:         {"守信激励", "reward"},
}

// Label names the category for people.
func (c Category) Label(lang string) string {
	l, ok := categoryLabels[c]
	if !ok {
		return string(c)
	}
	if lang == "en" {
		return l[1]
	}
	return l[0]
}

// Kind is whether a measure rewards or sanctions.
type Kind string

const (
	KindReward   Kind = "reward"   // 激励
	KindSanction Kind = "sanction" // 惩戒
)

// Label names the kind for people.
func (k Kind) Label(lang string) string {
	switch {
	case lang == "en":
		return string(k)
	case k == KindReward:
		return "激励"
	case k == KindSanction:
		return "惩戒"
	}
	return string(k)
}

// List types a measure answers (roster.Red / roster.Black values).
const (
	ListRed   = "red"
	ListBlack = "black"
)

// RecordSerious: a measure answers valid serious negative records.
const RecordSerious = "serious"

// Matters are the matters (第二十五条) a credit check is made for and a case
// is recorded in: the one value list of --matter in check and case.
var Matters = []string{"行政许可", "政府采购", "招标投标", "公共资源交易", "财政资金", "评优评级", "日常监管", "其他"}

// ParseMatter checks a --matter value; an unknown one is a usage error (exit
// 2) listing the valid values.
func ParseMatter(s string) (string, error) {
	s = strings.TrimSpace(s)
	for _, m := range Matters {
		if m == s {
			return m, nil
		}
	}
	if s == "" {
		return "", apperr.Newf(apperr.Usage, "需要 --matter（事项）：%s", "--matter is required: one of %s", strings.Join(Matters, "、"))
	}
	return "", apperr.Newf(apperr.Usage, "--matter %q 无效，应为以下事项之一：%s", "--matter %q is not valid: use one of %s", s, strings.Join(Matters, "、"))
}

// Measure is one entry of the measures list.
type Measure struct {
	Code        string   `yaml:"code" json:"code"`
	Name        string   `yaml:"name" json:"name"`
	Category    Category `yaml:"category" json:"category"`
	Lists       []string `yaml:"lists" json:"lists"`
	Records     []string `yaml:"records" json:"records"`
	Matters     []string `yaml:"matters" json:"matters"`
	Targets     string   `yaml:"targets" json:"targets"`
	Basis       string   `yaml:"basis" json:"basis"`
	Departments string   `yaml:"departments" json:"departments"`
	Confidence  string   `yaml:"confidence" json:"confidence"`
	Source      string   `yaml:"source" json:"source"`
	Note        string   `yaml:"note" json:"note,omitempty"`
}

// Kind is reward for 守信激励 measures, sanction for the others.
func (m *Measure) Kind() Kind {
	if m.Category == Reward {
		return KindReward
	}
	return KindSanction
}

// Unconfirmed lists why the entry is not confirmed against the official
// list: a confidence below high, a basis recalled from memory ([MEM]). Empty
// means high confidence with sourced basis — still a draft entry.
func (m *Measure) Unconfirmed(lang string) []string {
	var out []string
	switch m.Confidence {
	case "medium":
		out = append(out, pick(lang, "可信度 medium：措施确有，但国家清单原文未核实", "confidence medium: the measure exists but the list's wording is unverified"))
	case "low":
		out = append(out, pick(lang, "可信度 low：不确定", "confidence low: unsure"))
	}
	if strings.Contains(m.Basis, "[MEM]") || strings.Contains(m.Basis, "[MEM;") {
		out = append(out, pick(lang, "依据中标 [MEM] 的部分凭记忆整理，未核对原文", "basis parts marked [MEM] are from memory, not checked against the text"))
	}
	return out
}

// Confirmed reports an entry with high confidence and no basis from memory.
func (m *Measure) Confirmed() bool { return len(m.Unconfirmed("zh")) == 0 }

// AppliesTo reports whether the measure is listed for matter.
func (m *Measure) AppliesTo(matter string) bool { return contains(m.Matters, matter) }

// MeasureList is the parsed measures file.
type MeasureList struct {
	Title        string     `yaml:"title" json:"title"`
	Status       string     `yaml:"status" json:"status"`
	CheckAgainst string     `yaml:"check_against" json:"check_against"`
	Measures     []*Measure `yaml:"measures" json:"measures"`
}

// Measure returns the measure with code (case-insensitive), or nil.
func (l *MeasureList) Measure(code string) *Measure {
	code = strings.ToUpper(strings.TrimSpace(code))
	for _, m := range l.Measures {
		if m.Code == code {
			return m
		}
	}
	return nil
}

// Codes lists the measure codes in file order.
func (l *MeasureList) Codes() []string {
	out := make([]string, len(l.Measures))
	for i, m := range l.Measures {
		out[i] = m.Code
	}
	return out
}

// IsDraft reports a list not yet checked against the official text.
func (l *MeasureList) IsDraft() bool { return l.Status != "confirmed" }

var (
	listTypes   = []string{ListRed, ListBlack}
	recordKinds = []string{RecordSerious}
	confidences = []string{"high", "medium", "low"}
)

// ParseMeasures reads a measures file and checks every entry: known keys,
// unique codes, a category, list types and record kinds credit knows,
// matters from Matters, a reward answering only red lists and a sanction
// only black lists and serious records.
func ParseMeasures(name string, data []byte) (*MeasureList, error) {
	var l MeasureList
	if err := yaml.UnmarshalWithOptions(data, &l, yaml.DisallowUnknownField()); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var problems []string
	seen := map[string]bool{}
	for i, m := range l.Measures {
		where := fmt.Sprintf("%s measures[%d]", name, i)
		if m.Code == "" {
			problems = append(problems, where+": code is missing")
			continue
		}
		m.Code = strings.ToUpper(strings.TrimSpace(m.Code))
		where += " (" + m.Code + ")"
		if seen[m.Code] {
			problems = append(problems, where+": duplicate code")
		}
		seen[m.Code] = true
		if m.Name == "" {
			problems = append(problems, where+": name is missing")
		}
		if _, ok := categoryLabels[m.Category]; !ok {
			problems = append(problems, fmt.Sprintf("%s: category %q (use reduce-rights, add-obligations, other, reward)", where, m.Category))
		}
		for _, v := range m.Lists {
			if !contains(listTypes, v) {
				problems = append(problems, fmt.Sprintf("%s: list type %q (use red, black)", where, v))
			}
		}
		for _, v := range m.Records {
			if !contains(recordKinds, v) {
				problems = append(problems, fmt.Sprintf("%s: record kind %q (use serious)", where, v))
			}
		}
		if len(m.Lists)+len(m.Records) == 0 {
			problems = append(problems, where+": answers no list and no record (lists, records)")
		}
		if m.Category == Reward && (contains(m.Lists, ListBlack) || len(m.Records) > 0) {
			problems = append(problems, where+": a reward answers red lists only")
		}
		if m.Category != Reward && contains(m.Lists, ListRed) {
			problems = append(problems, where+": a sanction cannot answer a red list")
		}
		if len(m.Matters) == 0 {
			problems = append(problems, where+": matters is missing")
		}
		for _, v := range m.Matters {
			if !contains(Matters, v) {
				problems = append(problems, fmt.Sprintf("%s: matter %q (use %s)", where, v, strings.Join(Matters, ", ")))
			}
		}
		if !contains(confidences, m.Confidence) {
			problems = append(problems, fmt.Sprintf("%s: confidence %q (use high, medium, low)", where, m.Confidence))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return &l, nil
}

var defaultList *MeasureList

// DefaultMeasures is the embedded measures list (catalogs/measures.yaml).
func DefaultMeasures() (*MeasureList, error) {
	if defaultList != nil {
		return defaultList, nil
	}
	name, data := catalogs.Measures()
	l, err := ParseMeasures(name, bytes.TrimPrefix(data, []byte("\uFEFF")))
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "内置的措施清单无法读取："+err.Error(), "the built-in measures list does not parse: "+err.Error())
	}
	defaultList = l
	return l, nil
}

// ListLabel names a list type.
func ListLabel(list, lang string) string {
	switch {
	case lang == "en" && list == ListRed:
		return "red list"
	case lang == "en" && list == ListBlack:
		return "black list"
	case list == ListRed:
		return "红名单"
	case list == ListBlack:
		return "黑名单"
	}
	return list
}

// Needs says in words what grounds the measure: "a valid black list entry or
// a valid serious negative record".
func (m *Measure) Needs(lang string) string {
	var parts []string
	for _, l := range m.Lists {
		parts = append(parts, pick(lang, "有效的"+ListLabel(l, lang)+"（"+rosterListName(l)+"）条目", "a valid "+ListLabel(l, lang)+" entry"))
	}
	if contains(m.Records, RecordSerious) {
		parts = append(parts, pick(lang, "有效的严重失信记录（含第二十九条记入的）", "a valid serious negative record (including those of 第二十九条)"))
	}
	return strings.Join(parts, pick(lang, "或", " or "))
}

func rosterListName(l string) string {
	if l == ListRed {
		return "守信激励对象名单"
	}
	return "严重失信主体名单"
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func pick(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}
