// Package sanction owns joint rewards and sanctions (第二十五条, 第二十八条,
// 第二十九条): the measures list (built in from catalogs/measures.yaml, or
// the version an administrator applied to the store), the matters a
// credit check is made for, the credit check itself (which list entries and
// serious records ground which measures) and the cases units record when
// they apply a measure.
package sanction

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"credit/catalogs"
	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/store"
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
// only black lists and serious records. A file with any problem is refused
// whole (exit 4): the error is an *apperr.Error wrapping catalog.Problems,
// each naming the file, the line and the key (measures[3].category, counted
// from 0) where the parser can tell.
func ParseMeasures(name string, data []byte) (*MeasureList, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	var l MeasureList
	if err := yaml.UnmarshalWithOptions(data, &l, yaml.DisallowUnknownField()); err != nil {
		return nil, refuseMeasures(name, catalog.Problems{yamlProblem(name, err)})
	}
	loc := newLocator(data)
	var ps catalog.Problems
	add := func(key string, zh, en string, args ...any) {
		ps = append(ps, catalog.Problem{File: name, Line: loc.line(key), Key: key, Zh: fmt.Sprintf(zh, args...), En: fmt.Sprintf(en, args...)})
	}
	if len(l.Measures) == 0 {
		add("measures", "清单中没有任何措施（measures 为空）", "the list holds no measures (measures is empty)")
	}
	seen := map[string]int{}
	for i, m := range l.Measures {
		at := fmt.Sprintf("measures[%d]", i)
		if m == nil || strings.TrimSpace(m.Code) == "" {
			add(at+".code", "缺少措施代码 code", "code is missing")
			continue
		}
		m.Code = strings.ToUpper(strings.TrimSpace(m.Code))
		c := m.Code
		if j, dup := seen[c]; dup {
			add(at+".code", "措施代码 %s 重复（与 measures[%d] 相同）", "duplicate code %s (as measures[%d])", c, j)
		} else {
			seen[c] = i
		}
		if strings.TrimSpace(m.Name) == "" {
			add(at+".name", "措施 %s 缺少名称 name", "measure %s: name is missing", c)
		}
		if _, ok := categoryLabels[m.Category]; !ok {
			add(at+".category", "措施 %s 的类别 %q 无效（可用 reduce-rights、add-obligations、other、reward）",
				"measure %s: category %q (use reduce-rights, add-obligations, other, reward)", c, m.Category)
		}
		for k, v := range m.Lists {
			if !contains(listTypes, v) {
				add(fmt.Sprintf("%s.lists[%d]", at, k), "措施 %s 的名单类型 %q 无效（可用 red、black）", "measure %s: list type %q (use red, black)", c, v)
			}
		}
		for k, v := range m.Records {
			if !contains(recordKinds, v) {
				add(fmt.Sprintf("%s.records[%d]", at, k), "措施 %s 的记录类别 %q 无效（可用 serious）", "measure %s: record kind %q (use serious)", c, v)
			}
		}
		if len(m.Lists)+len(m.Records) == 0 {
			add(at, "措施 %s 没有针对任何名单或记录（lists、records）", "measure %s answers no list and no record (lists, records)", c)
		}
		if m.Category == Reward && (contains(m.Lists, ListBlack) || len(m.Records) > 0) {
			add(at+".lists", "措施 %s：激励措施只能针对红名单", "measure %s: a reward answers red lists only", c)
		}
		if m.Category != Reward && contains(m.Lists, ListRed) {
			add(at+".lists", "措施 %s：惩戒措施不能针对红名单", "measure %s: a sanction cannot answer a red list", c)
		}
		if len(m.Matters) == 0 {
			add(at+".matters", "措施 %s 缺少适用事项 matters", "measure %s: matters is missing", c)
		}
		for k, v := range m.Matters {
			if !contains(Matters, v) {
				add(fmt.Sprintf("%s.matters[%d]", at, k), "措施 %s 的事项 %q 不在事项表中（可用 %s）", "measure %s: matter %q (use %s)",
					c, v, strings.Join(Matters, "、"))
			}
		}
		if !contains(confidences, m.Confidence) {
			add(at+".confidence", "措施 %s 的可信度 confidence %q 无效（可用 high、medium、low）",
				"measure %s: confidence %q (use high, medium, low)", c, m.Confidence)
		}
	}
	if len(ps) > 0 {
		return nil, refuseMeasures(name, ps)
	}
	return &l, nil
}

// refuseMeasures is the error ParseMeasures returns: exit 4, the whole list
// refused (SPEC §A), one problem per line.
func refuseMeasures(name string, ps catalog.Problems) error {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
	zh, en := make([]string, len(ps)), make([]string, len(ps))
	for i, p := range ps {
		zh[i], en[i] = p.Text("zh"), p.Text("en")
	}
	return &apperr.Error{
		Code: apperr.Refused,
		Zh:   fmt.Sprintf("措施清单文件 %s 有 %d 处错误，整份清单不予接受：\n%s", name, len(ps), strings.Join(zh, "\n")),
		En:   fmt.Sprintf("the measures file %s has %d error(s) and is refused whole:\n%s", name, len(ps), strings.Join(en, "\n")),
		Err:  ps,
	}
}

// yamlProblem turns a YAML syntax or decoding error (an unknown key, a list
// where a single value belongs) into a problem with its line.
func yamlProblem(name string, err error) catalog.Problem {
	p := catalog.Problem{File: name, Line: 1, Zh: "YAML 错误：" + err.Error(), En: "YAML error: " + err.Error()}
	var ye yaml.Error
	if errors.As(err, &ye) {
		msg := ye.GetMessage()
		p.Zh, p.En = "YAML 错误："+msg, "YAML error: "+msg
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			p.Line = tk.Position.Line
		}
		var uf *yaml.UnknownFieldError
		if errors.As(err, &uf) {
			p.Zh = "未知的键：" + msg + "（可用的键见 catalogs/measures.yaml 开头的说明）"
			p.En = msg + " (the keys are listed at the top of catalogs/measures.yaml)"
		}
	}
	return p
}

// locator finds the line of a key path (measures[3].category) in the file.
type locator struct{ f *ast.File }

func newLocator(data []byte) locator {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return locator{}
	}
	return locator{f: f}
}

// line is the line of the value at path, else of the nearest enclosing
// value that exists (a missing key: its entry), else 0.
func (lc locator) line(path string) int {
	if lc.f == nil {
		return 0
	}
	for path != "" {
		if p, err := yaml.PathString("$." + path); err == nil {
			if n, err := p.FilterFile(lc.f); err == nil && n != nil {
				if tk := n.GetToken(); tk != nil && tk.Position != nil {
					return tk.Position.Line
				}
			}
		}
		i := strings.LastIndexAny(path, ".[")
		if i <= 0 {
			break
		}
		path = path[:i]
	}
	return 0
}

var defaultList *MeasureList

// DefaultMeasures is the list built into the binary (catalogs/measures.yaml),
// in use until an administrator applies one (MeasuresInForce).
func DefaultMeasures() (*MeasureList, error) {
	if defaultList != nil {
		return defaultList, nil
	}
	name, data := catalogs.Measures()
	l, err := ParseMeasures(name, data)
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "内置的措施清单无法读取："+err.Error(), "the built-in measures list does not parse: "+err.Error())
	}
	defaultList = l
	return l, nil
}

// MeasuresFile is the text of the measures list in use and where it comes
// from: the version applied last (credit measure apply), or the list built
// into the binary (version ID 0) when none was applied or st is nil.
func MeasuresFile(ctx context.Context, st *store.Store) (name string, data []byte, v store.MeasureVersion, err error) {
	if st != nil {
		v, data, ok, err := st.LatestMeasures(ctx)
		if err != nil {
			return "", nil, v, err
		}
		if ok {
			return fmt.Sprintf("measures version #%d", v.ID), data, v, nil
		}
	}
	name, data = catalogs.Measures()
	return name, data, store.MeasureVersion{ContentHash: store.ContentHash(data)}, nil
}

// Parsed applied lists by content hash: a version's text never changes.
var parsedLists = struct {
	sync.Mutex
	m map[string]*MeasureList
}{m: map[string]*MeasureList{}}

// MeasuresInForce is the measures list every reader uses (check, case,
// measure list/show): the version applied last, else the built-in list
// (version ID 0). The list is shared: callers must not change it.
func MeasuresInForce(ctx context.Context, st *store.Store) (*MeasureList, store.MeasureVersion, error) {
	name, data, v, err := MeasuresFile(ctx, st)
	if err != nil {
		return nil, v, err
	}
	if v.ID == 0 {
		l, err := DefaultMeasures()
		return l, v, err
	}
	parsedLists.Lock()
	l, ok := parsedLists.m[v.ContentHash]
	parsedLists.Unlock()
	if ok {
		return l, v, nil
	}
	l, err = ParseMeasures(name, data)
	if err != nil {
		return nil, v, apperr.Wrap(err, apperr.Internal,
			fmt.Sprintf("已应用的措施清单版本 #%d 无法读取（%s）：请用 credit measure apply 应用修正后的清单", v.ID, apperr.MessageOf(err, "zh")),
			fmt.Sprintf("the applied measures list version #%d does not parse (%s): apply a corrected list with credit measure apply", v.ID, apperr.MessageOf(err, "en")))
	}
	parsedLists.Lock()
	parsedLists.m[v.ContentHash] = l
	parsedLists.Unlock()
	return l, v, nil
}

// Compare lists the codes of measures that next adds, removes or changes
// against l, each in file order.
func (l *MeasureList) Compare(next *MeasureList) (added, removed, changed []string) {
	for _, m := range next.Measures {
		old := l.Measure(m.Code)
		switch {
		case old == nil:
			added = append(added, m.Code)
		case !reflect.DeepEqual(*old, *m):
			changed = append(changed, m.Code)
		}
	}
	for _, m := range l.Measures {
		if next.Measure(m.Code) == nil {
			removed = append(removed, m.Code)
		}
	}
	return added, removed, changed
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
