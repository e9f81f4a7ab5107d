package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"credit/internal/apperr"
	"credit/internal/civil"
	"credit/internal/ident"
)

// Enumerations of the file format (SPEC §G); the order is the one messages use.
var (
	categories   = []string{string(Basic), string(Positive), string(Negative), string(Other)}
	disclosures  = []string{string(Public), string(Shared), string(Authorized)}
	subjectKinds = []string{string(Organisation), string(IndividualBusiness), string(NaturalPerson), string(Unincorporated)}
	updateCycles = []string{"daily", "weekly", "monthly", "quarterly", "yearly", "on_change"}
	severities   = []string{string(General), string(Serious)}
	rosters      = []string{"red", "black"}
	upwardModes  = []string{UpwardFull, UpwardMasked}
	fieldTypes   = []string{string(Text), string(Date), string(Money), string(Number), string(USCC), string(IDNumber), string(PartyCode), string(Enum)}
	levels       = []string{"city", "county"}
	moneyUnits   = []string{Yuan, WanYuan}
)

// Keys allowed at each level of the file.
var (
	topKeys         = []string{"jurisdiction", "version", "effective", "policy", "items", "providers", "units"}
	policyKeys      = []string{"timezone", "workdays", "validity", "repair_clean_period", "repaired_retention", "roster_report_lag", "prohibited_terms", "prohibited_exceptions", "lights", "import_limits"}
	legalTermKeys   = []string{"term", "source"}
	approvedKeys    = []string{"term", "reason"}
	workdayKeys     = []string{"objection_review", "provider_verification", "correction", "repair_opinion", "repair_publicity", "repair_verify", "warning", "upward_receipt"}
	validityKeys    = []string{"general", "serious"}
	lightKeys       = []string{"reject_rate_yellow", "reject_rate_red", "late_days_yellow", "late_days_red"}
	importLimitKeys = []string{"file_size", "cell_size", "columns", "rows", "rejects", "xlsx_unzipped_size", "xlsx_ratio", "sheets"}
	itemKeys        = []string{"code", "name", "category", "subjects", "disclosure", "update_cycle", "providers", "validity", "retention", "key", "kind_field", "act_date_field", "determined_on", "withdrawn_on", "valid_through", "severity", "roster", "upward", "subject", "note", "fields", "layouts"}
	severityKeys    = []string{"default", "rules"}
	severityRuleKey = []string{"field", "contains", "level"}
	subjectKeys     = []string{"name", "kind", "codes", "legal_rep", "legal_rep_id", "kind_values"}
	fieldKeys       = []string{"name", "aliases", "type", "length", "required", "values", "multiple", "personal", "not_after_today", "id_type", "unit"}
	requiredKeys    = []string{"when", "equals", "in"}
	providerKeys    = []string{"code", "name", "level", "items"}
	unitKeys        = []string{"code", "name", "items"}
)

// EndOfNextMonth is the roster report lag of 第十七条 (于下月内报送).
const EndOfNextMonth = "end_of_next_month"

var itemCodeRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,31}$`) })

// DefaultPolicy is the measures' policy (SPEC §4, §G), used for every key the
// file leaves out.
func DefaultPolicy() Policy {
	return Policy{
		Timezone: "Asia/Shanghai",
		Workdays: Workdays{
			ObjectionReview:      10, // 第三十二条
			ProviderVerification: 5,  // 第三十二条
			Correction:           3,  // 第三十二条
			RepairOpinion:        5,  // assumption: the measures say 规定期限
			RepairPublicity:      5,  // 第三十五条
			RepairVerify:         5,
			Warning:              2,
			UpwardReceipt:        7, // office rule: the 双公示 7-working-day deadline
		},
		Validity:          Validity{General: Period{Years: 1}, Serious: Period{Years: 3}}, // 第三十条
		RepairCleanPeriod: Period{Years: 1},                                               // 第三十四条(二)
		RosterReportLag:   EndOfNextMonth,                                                 // 第十七条
		// 第十四条: its own words are built in (prohibited.go); the policy lists
		// only what other laws add, and the approved organisation terms.
		ProhibitedExceptions: DefaultExceptions(),
		Lights:               Lights{RejectRateYellow: 0.02, RejectRateRed: 0.10, LateDaysYellow: 1, LateDaysRed: 10},
		ImportLimits:         DefaultImportLimits(),
	}
}

// ParseFile reads and parses a catalog file; errors name path.
func ParseFile(path string) (*Catalog, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Refused, "无法读取目录文件 "+path, "cannot read the catalog file "+path)
	}
	return Parse(path, b)
}

// Parse reads a catalog file (SPEC §G) and validates it whole. file names the
// file in messages. The error, when the file is refused, is an *apperr.Error
// (exit 4) wrapping Problems: every error found, each with its line and key.
func Parse(file string, data []byte) (*Catalog, error) { return parse(file, data, false) }

func parse(file string, data []byte, stored bool) (*Catalog, error) {
	d := &decoder{file: file, lines: map[string]int{}, stored: stored}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		d.put(1, "", "文件不是 UTF-8 编码：请用 UTF-8 保存后再试", "the file is not UTF-8: save it as UTF-8 and try again")
		return nil, refuse(file, d.problems)
	}
	root, yerr := parseYAML(data)
	if yerr != nil {
		d.put(yerr.line, "", "YAML 语法错误："+yerr.msg, "YAML syntax error: "+yerr.msg)
		return nil, refuse(file, d.problems)
	}
	c := d.catalog(root)
	if len(d.problems) > 0 {
		return nil, refuse(file, d.problems)
	}
	return c, nil
}

// decoder walks the node tree, collecting every problem instead of stopping
// at the first.
type decoder struct {
	file     string
	problems Problems
	lines    map[string]int // key path → line, for problems found later
	stored   bool           // a version kept in a store (ParseStored)
}

func (d *decoder) put(line int, key, zh, en string) {
	d.problems = append(d.problems, Problem{File: d.file, Line: line, Key: key, Zh: zh, En: en})
}

func (d *decoder) add(line int, key, zh, en string, args ...any) {
	d.put(line, key, fmt.Sprintf(zh, args...), fmt.Sprintf(en, args...))
}

// at reports a problem at a key path seen earlier (its line, or its nearest
// recorded parent's).
func (d *decoder) at(path, zh, en string, args ...any) {
	d.add(d.lineOf(path), path, zh, en, args...)
}

func (d *decoder) lineOf(path string) int {
	for p := path; p != ""; p = parentPath(p) {
		if l, ok := d.lines[p]; ok {
			return l
		}
	}
	return 1
}

func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

func (d *decoder) wrongKind(n *node, path string, want nodeKind) {
	d.wrongKindAt(n.line, n, path, want)
}

func (d *decoder) wrongKindAt(line int, n *node, path string, want nodeKind) {
	d.put(line, path,
		fmt.Sprintf("应为%s，实为%s", want.label("zh"), n.kind.label("zh")),
		fmt.Sprintf("should be %s, got %s", want.label("en"), n.kind.label("en")))
}

// obj is a mapping whose keys were checked against the keys allowed there.
type obj struct {
	d    *decoder
	path string
	n    *node
	m    map[string]entry
}

func (d *decoder) object(n *node, path string, known []string) *obj {
	if n.kind != mapNode {
		d.wrongKind(n, path, mapNode)
		return nil
	}
	o := &obj{d: d, path: path, n: n, m: map[string]entry{}}
	d.lines[path] = n.line
	for _, e := range n.keys {
		kp := join(path, e.key)
		if !contains(known, e.key) {
			d.put(e.line, kp,
				fmt.Sprintf("未知的键 %q（此处可用：%s）", e.key, strings.Join(known, "、")),
				fmt.Sprintf("unknown key %q (allowed here: %s)", e.key, strings.Join(known, ", ")))
			continue
		}
		o.m[e.key] = e
		d.lines[kp] = e.line
	}
	return o
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// get is the value of k, or nil when absent or empty (null).
func (o *obj) get(k string) *node {
	e, ok := o.m[k]
	if !ok || e.val.kind == nullNode {
		return nil
	}
	return e.val
}

func (o *obj) line(k string) int {
	if e, ok := o.m[k]; ok {
		return e.line
	}
	return o.n.line
}

func (o *obj) missing(k string) {
	o.d.add(o.n.line, join(o.path, k), "缺少此键（必填）", "missing (required)")
}

// scalar is k's single value; ok is false when absent or not a single value.
func (o *obj) scalar(k string, required bool) (string, bool) {
	n := o.get(k)
	if n == nil {
		if required {
			o.missing(k)
		}
		return "", false
	}
	if n.kind != scalarNode {
		o.d.wrongKindAt(o.line(k), n, join(o.path, k), scalarNode)
		return "", false
	}
	return n.value, true
}

func (o *obj) str(k string, required bool) string {
	s, ok := o.scalar(k, required)
	if !ok {
		return ""
	}
	s = strings.TrimSpace(s)
	if s == "" && required {
		o.missing(k)
	}
	return s
}

func (o *obj) seq(k string, required bool) []*node {
	n := o.get(k)
	if n == nil {
		if required {
			o.missing(k)
		}
		return nil
	}
	if n.kind != seqNode {
		o.d.wrongKindAt(o.line(k), n, join(o.path, k), seqNode)
		return nil
	}
	if required && len(n.items) == 0 {
		o.d.add(n.line, join(o.path, k), "列表为空（至少要有一项）", "the list is empty (at least one entry is required)")
	}
	return n.items
}

// strList is a list of single values; empty entries are errors. nil when empty.
func (o *obj) strList(k string, required bool) []string {
	var out []string
	for i, n := range o.seq(k, required) {
		p := index(join(o.path, k), i)
		o.d.lines[p] = n.line
		if n.kind != scalarNode {
			o.d.wrongKind(n, p, scalarNode)
			continue
		}
		s := strings.TrimSpace(n.value)
		if s == "" {
			o.d.add(n.line, p, "值为空", "empty value")
			continue
		}
		out = append(out, s)
	}
	return out
}

func (o *obj) integer(k string, def, min int) int {
	s, ok := o.scalar(k, false)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < min {
		o.d.add(o.line(k), join(o.path, k), "%q 不是有效的整数（应为不小于 %d 的整数）", "%q is not a valid whole number (use a whole number of at least %d)", s, min)
		return def
	}
	return n
}

func (o *obj) float(k string, def float64) float64 {
	s, ok := o.scalar(k, false)
	if !ok {
		return def
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 || f > 1 {
		o.d.add(o.line(k), join(o.path, k), "%q 不是有效的比例（应为 0 到 1 之间的小数，如 0.02）", "%q is not a valid rate (use a decimal from 0 to 1, e.g. 0.02)", s)
		return def
	}
	return f
}

func (o *obj) boolean(k string) bool {
	s, ok := o.scalar(k, false)
	if !ok {
		return false
	}
	switch strings.TrimSpace(s) {
	case "true":
		return true
	case "false":
		return false
	}
	o.d.add(o.line(k), join(o.path, k), "%q 无效（应为 true 或 false）", "%q is not valid (use true or false)", s)
	return false
}

func (o *obj) date(k string, required bool) civil.Date {
	s, ok := o.scalar(k, required)
	if !ok {
		return civil.Date{}
	}
	d, err := civil.Parse(strings.TrimSpace(s))
	if err != nil {
		o.d.add(o.line(k), join(o.path, k), "日期 %q 无效（应为 YYYY-MM-DD 的真实日期）", "date %q is not valid (use a real YYYY-MM-DD date)", s)
	}
	return d
}

// period reads k as a period; permanent (when allowed) is the zero period.
func (o *obj) period(k string, def Period, allowPermanent bool) Period {
	s, ok := o.scalar(k, false)
	if !ok {
		return def
	}
	p, good := o.d.periodValue(strings.TrimSpace(s), o.line(k), join(o.path, k), allowPermanent)
	if !good {
		return def
	}
	return p
}

func (d *decoder) periodValue(s string, line int, path string, allowPermanent bool) (Period, bool) {
	if allowPermanent && s == Permanent {
		return Period{}, true
	}
	p, err := ParsePeriod(s)
	if err != nil {
		if allowPermanent {
			d.add(line, path, "期限 %q 无效（应写作 1y、6m、30d 或其组合如 1y6m，或 permanent 表示长期）", "period %q is not valid (write 1y, 6m, 30d or a combination such as 1y6m, or permanent)", s)
		} else {
			d.add(line, path, "期限 %q 无效（应写作 1y、6m、30d 或其组合如 1y6m）", "period %q is not valid (write 1y, 6m, 30d or a combination such as 1y6m)", s)
		}
		return Period{}, false
	}
	if !allowPermanent && p.IsZero() {
		d.add(line, path, "期限不能为 0", "the period may not be zero")
		return Period{}, false
	}
	return p, true
}

// enumLabel names each enumerated key in messages.
var enumLabel = map[string][2]string{
	"category":     {"分类", "category"},
	"disclosure":   {"公开范围", "disclosure"},
	"subjects":     {"主体类别", "subject kind"},
	"kind_values":  {"主体类别", "subject kind"},
	"update_cycle": {"更新周期", "update cycle"},
	"default":      {"失信程度", "severity"},
	"level":        {"级别", "level"},
	"roster":       {"名单类别", "list kind"},
	"type":         {"类型", "type"},
	"unit":         {"金额单位", "money unit"},
}

// notAValue reports v, which must be a value of the enum field f.
func (d *decoder) notAValue(path, v string, f *Field) {
	d.put(d.lineOf(path), path,
		fmt.Sprintf("%q 不是字段 %q 的取值（可取：%s）", v, f.Name, strings.Join(f.Values, "、")),
		fmt.Sprintf("%q is not a value of the field %q (values: %s)", v, f.Name, strings.Join(f.Values, ", ")))
}

func (d *decoder) badEnum(line int, path, key, v string, allowed []string) {
	l := enumLabel[key]
	if key == "level" && strings.Contains(path, "severity") {
		l = enumLabel["default"]
	}
	en := strings.Join(allowed[:len(allowed)-1], ", ") + " or " + allowed[len(allowed)-1]
	d.put(line, path,
		fmt.Sprintf("未知%s %q（应为 %s）", l[0], v, strings.Join(allowed, "、")),
		fmt.Sprintf("unknown %s %q (use %s)", l[1], v, en))
}

func (o *obj) enum(k string, required bool, allowed []string) string {
	s := o.str(k, required)
	if s == "" {
		return ""
	}
	if !contains(allowed, s) {
		o.d.badEnum(o.line(k), join(o.path, k), k, s, allowed)
		return ""
	}
	return s
}

func (d *decoder) catalog(root *node) *Catalog {
	if root.kind == nullNode {
		d.put(1, "", "文件为空", "the file is empty")
		return nil
	}
	o := d.object(root, "", topKeys)
	if o == nil {
		return nil
	}
	c := &Catalog{
		Jurisdiction: o.str("jurisdiction", true),
		Version:      o.str("version", true),
		Effective:    o.date("effective", true),
		Policy:       d.policy(o.get("policy"), "policy"),
	}
	codes := map[string]string{}
	for i, n := range o.seq("items", true) {
		path := index("items", i)
		it := d.item(n, path, &c.Policy)
		if it == nil {
			continue
		}
		if it.Code != "" {
			if prev, dup := codes[it.Code]; dup {
				d.at(join(path, "code"), "信息项代码 %q 重复（%s 已使用）", "duplicate item code %q (already used by %s)", it.Code, prev)
			} else {
				codes[it.Code] = path
			}
		}
		c.Items = append(c.Items, it)
	}
	c.Providers = d.providers(o, c)
	c.Units = d.units(o, c)
	return c
}

func (d *decoder) policy(n *node, path string) Policy {
	p := DefaultPolicy()
	if n == nil {
		return p
	}
	o := d.object(n, path, policyKeys)
	if o == nil {
		return p
	}
	if tz := o.str("timezone", false); tz != "" {
		if tz != "Asia/Shanghai" {
			if _, err := time.LoadLocation(tz); err != nil {
				d.add(o.line("timezone"), join(path, "timezone"), "未知时区 %q（如 Asia/Shanghai）", "unknown time zone %q (e.g. Asia/Shanghai)", tz)
			}
		}
		p.Timezone = tz
	}
	if n := o.get("workdays"); n != nil {
		wp := join(path, "workdays")
		if w := d.object(n, wp, workdayKeys); w != nil {
			p.Workdays.ObjectionReview = w.integer("objection_review", p.Workdays.ObjectionReview, 1)
			p.Workdays.ProviderVerification = w.integer("provider_verification", p.Workdays.ProviderVerification, 1)
			p.Workdays.Correction = w.integer("correction", p.Workdays.Correction, 1)
			p.Workdays.RepairOpinion = w.integer("repair_opinion", p.Workdays.RepairOpinion, 1)
			p.Workdays.RepairPublicity = w.integer("repair_publicity", p.Workdays.RepairPublicity, 1)
			p.Workdays.RepairVerify = w.integer("repair_verify", p.Workdays.RepairVerify, 1)
			p.Workdays.Warning = w.integer("warning", p.Workdays.Warning, 0)
			p.Workdays.UpwardReceipt = w.integer("upward_receipt", p.Workdays.UpwardReceipt, 1)
		}
	}
	if n := o.get("validity"); n != nil {
		vp := join(path, "validity")
		if v := d.object(n, vp, validityKeys); v != nil {
			p.Validity.General = v.period("general", p.Validity.General, false)
			p.Validity.Serious = v.period("serious", p.Validity.Serious, false)
		}
	}
	p.RepairCleanPeriod = o.period("repair_clean_period", p.RepairCleanPeriod, false)
	p.RepairedRetention = o.period("repaired_retention", p.RepairedRetention, true)
	if lag := o.str("roster_report_lag", false); lag != "" {
		if lag == EndOfNextMonth {
			p.RosterReportLag = lag
		} else if pr, err := ParsePeriod(lag); err == nil && !pr.IsZero() {
			p.RosterReportLag = pr.String()
		} else {
			d.add(o.line("roster_report_lag"), join(path, "roster_report_lag"), "%q 无效（应为 end_of_next_month 或期限如 30d）", "%q is not valid (use end_of_next_month or a period such as 30d)", lag)
		}
	}
	if _, given := o.m["prohibited_terms"]; given {
		p.ProhibitedTerms = d.legalTerms(o, "prohibited_terms")
	}
	if _, given := o.m["prohibited_exceptions"]; given {
		p.ProhibitedExceptions = d.approvedTerms(o, "prohibited_exceptions", p.ProhibitedTerms)
	}
	if n := o.get("lights"); n != nil {
		lp := join(path, "lights")
		if l := d.object(n, lp, lightKeys); l != nil {
			p.Lights.RejectRateYellow = l.float("reject_rate_yellow", p.Lights.RejectRateYellow)
			p.Lights.RejectRateRed = l.float("reject_rate_red", p.Lights.RejectRateRed)
			p.Lights.LateDaysYellow = l.integer("late_days_yellow", p.Lights.LateDaysYellow, 0)
			p.Lights.LateDaysRed = l.integer("late_days_red", p.Lights.LateDaysRed, 0)
			if p.Lights.RejectRateYellow > p.Lights.RejectRateRed {
				d.at(join(lp, "reject_rate_red"), "红灯阈值 %g 小于黄灯阈值 %g", "the red threshold %g is below the yellow threshold %g", p.Lights.RejectRateRed, p.Lights.RejectRateYellow)
			}
			if p.Lights.LateDaysYellow > p.Lights.LateDaysRed {
				d.at(join(lp, "late_days_red"), "红灯阈值 %d 小于黄灯阈值 %d", "the red threshold %d is below the yellow threshold %d", p.Lights.LateDaysRed, p.Lights.LateDaysYellow)
			}
		}
	}
	if n := o.get("import_limits"); n != nil {
		if l := d.object(n, join(path, "import_limits"), importLimitKeys); l != nil {
			il := &p.ImportLimits
			il.FileSize = l.size("file_size", il.FileSize)
			il.CellSize = l.size("cell_size", il.CellSize)
			il.Columns = l.integer("columns", il.Columns, 1)
			il.Rows = l.integer("rows", il.Rows, 1)
			il.Rejects = l.integer("rejects", il.Rejects, 0)
			il.XLSXUnzippedSize = l.size("xlsx_unzipped_size", il.XLSXUnzippedSize)
			il.XLSXRatio = l.integer("xlsx_ratio", il.XLSXRatio, 1)
			il.Sheets = l.integer("sheets", il.Sheets, 1)
		}
	}
	return p
}

// size reads a byte size such as 2GiB, 64KiB, 512MiB or 1000 (bytes).
func (o *obj) size(k string, def int64) int64 {
	s, ok := o.scalar(k, false)
	if !ok {
		return def
	}
	n, err := ParseSize(s)
	if err != nil {
		o.d.add(o.line(k), join(o.path, k), "%q 不是有效的大小（应写作如 2GiB、64KiB、512MiB 或字节数，且大于 0）",
			"%q is not a valid size (write it like 2GiB, 64KiB, 512MiB or a number of bytes, above 0)", s)
		return def
	}
	return n
}

// ParseSize reads a byte size: a whole number with an optional unit KiB,
// MiB or GiB (powers of 1024; KB, MB, GB are read the same way, as
// Windows shows them).
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"B", 1}} {
		if len(t) > len(u.suffix) && strings.EqualFold(t[len(t)-len(u.suffix):], u.suffix) {
			t, mult = strings.TrimSpace(t[:len(t)-len(u.suffix)]), u.m
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("size %q is not valid", s)
	}
	return n * mult, nil
}

// FormatSize writes a byte size in the largest unit that divides it.
func FormatSize(n int64) string {
	switch {
	case n > 0 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + "GiB"
	case n > 0 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MiB"
	case n > 0 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + "KiB"
	}
	return strconv.FormatInt(n, 10)
}

// fieldAt is a decoded field with its key path, for later cross checks.
type fieldAt struct {
	f    *Field
	path string
}

func (d *decoder) item(n *node, path string, pol *Policy) *Item {
	o := d.object(n, path, itemKeys)
	if o == nil {
		return nil
	}
	it := &Item{
		Code:         o.str("code", true),
		Name:         o.str("name", true),
		Category:     Category(o.enum("category", true, categories)),
		Disclosure:   Disclosure(o.enum("disclosure", true, disclosures)),
		UpdateCycle:  o.enum("update_cycle", true, updateCycles),
		Retention:    o.period("retention", Period{}, true),
		KindField:    o.str("kind_field", false),
		ActDateField: o.str("act_date_field", false),
		Roster:       o.enum("roster", false, rosters),
		Upward:       o.enum("upward", false, upwardModes),
		Note:         o.str("note", false),
	}
	if it.Code != "" && !itemCodeRE().MatchString(it.Code) {
		d.add(o.line("code"), join(path, "code"), "信息项代码 %q 无效（应为大写字母开头的大写字母、数字或下划线，如 XZCF）", "item code %q is not valid (capital letters, digits or _, starting with a letter, e.g. XZCF)", it.Code)
	}
	seen := map[string]bool{}
	for i, s := range o.strList("subjects", true) {
		p := index(join(path, "subjects"), i)
		switch {
		case !contains(subjectKinds, s):
			d.badEnum(d.lineOf(p), p, "subjects", s, subjectKinds)
		case seen[s]:
			d.at(p, "主体类别 %q 重复", "subject kind %q is listed twice", s)
		default:
			seen[s] = true
			it.Subjects = append(it.Subjects, SubjectKind(s))
		}
	}
	it.Providers = d.codeList(o, "providers")
	it.Validity = d.itemValidity(o)

	var fields []fieldAt
	for i, fn := range o.seq("fields", true) {
		fp := index(join(path, "fields"), i)
		if f := d.field(fn, fp); f != nil {
			fields = append(fields, fieldAt{f, fp})
			it.Fields = append(it.Fields, f)
		}
	}
	d.checkFieldNames(fields)
	ref := d.resolver(it, fields)

	// Cross references inside the item, each to a field it names.
	for _, fa := range fields {
		f := fa.f
		if r := &f.Required; r.When != "" {
			wp := join(join(fa.path, "required"), "when")
			if w := ref(r.When, wp); w != nil {
				r.When = w.Name
				if w == f {
					d.at(wp, "字段不能以自身为必填条件", "a field cannot be required on its own value")
				}
				if w.Type == Enum {
					for j, v := range r.Values() {
						if !w.Allows(v) {
							vp := join(join(fa.path, "required"), "equals")
							if r.Equals == "" {
								vp = index(join(join(fa.path, "required"), "in"), j)
							}
							d.notAValue(vp, v, w)
						}
					}
				}
			}
		}
		if f.IDType != "" {
			if t := ref(f.IDType, join(fa.path, "id_type")); t != nil {
				f.IDType = t.Name
			}
		}
	}
	keySeen := map[string]bool{}
	for i, k := range o.strList("key", true) {
		p := index(join(path, "key"), i)
		if f := ref(k, p); f != nil {
			if keySeen[f.Name] {
				d.at(p, "字段 %q 在主键中重复", "the field %q appears twice in the key", f.Name)
				continue
			}
			keySeen[f.Name] = true
			it.Key = append(it.Key, f.Name)
		}
	}
	if it.KindField != "" {
		if f := ref(it.KindField, join(path, "kind_field")); f != nil {
			it.KindField = f.Name
		}
	}
	d.determination(o, path, it, ref)
	if it.ActDateField != "" {
		if f := ref(it.ActDateField, join(path, "act_date_field")); f != nil {
			it.ActDateField = f.Name
			if f.Type != Date {
				d.at(join(path, "act_date_field"), "act_date_field 应为日期字段，%q 的类型为 %s", "act_date_field must name a date field; %q is %s", f.Name, f.Type)
			}
		}
	}
	it.Subject = d.subject(o, path, it, ref)
	it.Severity = d.severity(o, path, it, ref)
	it.Layouts = d.layouts(o, path, it, ref)
	switch {
	case it.Roster == "red" && it.Category != "" && it.Category != Positive:
		d.at(join(path, "roster"), "红名单信息项的分类应为 positive，实为 %s", "a red-list item should be positive, not %s", it.Category)
	case it.Roster == "black" && it.Category != "" && it.Category != Negative:
		d.at(join(path, "roster"), "黑名单信息项的分类应为 negative，实为 %s", "a black-list item should be negative, not %s", it.Category)
	}
	// 第十四条: a prohibited field refuses the whole catalog.
	for _, fa := range fields {
		names := append([]string{fa.f.Name}, fa.f.Aliases...)
		for j, name := range names {
			p := join(fa.path, "name")
			if j > 0 {
				p = index(join(fa.path, "aliases"), j-1)
			}
			if hit, bad := pol.ProhibitedField(it, fa.f, name); bad {
				d.put(d.lineOf(p), p,
					fmt.Sprintf("信息项 %s 的字段 %q 含有%s，整份目录不予接受：请删除该字段（若它说的是组织而非自然人，如“宗教活动场所”，可经批准列入政策 prohibited_exceptions）", it.Code, name, hit.Zh()),
					fmt.Sprintf("item %s: the field %q names %s; the whole catalog is refused: remove the field (a term about an organisation, not a person, such as 宗教活动场所, may be approved in policy prohibited_exceptions)", it.Code, name, hit.En()))
			}
		}
	}
	return it
}

// resolver finds the field a reference names (normalised, so 代码_1(统一社会信用代码)
// finds 代码_1（统一社会信用代码）), reporting a reference that names no field.
func (d *decoder) resolver(it *Item, fields []fieldAt) func(name, path string) *Field {
	return func(name, path string) *Field {
		if f := it.FieldByHeader(name); f != nil {
			return f
		}
		d.at(path, "%q 不是本信息项的字段", "%q is not a field of this item", name)
		return nil
	}
}

func (d *decoder) checkFieldNames(fields []fieldAt) {
	seen := map[string]string{}
	for _, fa := range fields {
		names := append([]string{fa.f.Name}, fa.f.Aliases...)
		for j, name := range names {
			if name == "" {
				continue
			}
			p := join(fa.path, "name")
			if j > 0 {
				p = index(join(fa.path, "aliases"), j-1)
			}
			n := NormalizeName(name)
			if prev, dup := seen[n]; dup {
				d.at(p, "字段名 %q 重复（与 %s 相同；比较时忽略空格和全角半角）", "duplicate field name %q (same as %s, ignoring spaces and full/half width)", name, prev)
				continue
			}
			seen[n] = p
		}
	}
}

func (d *decoder) codeList(o *obj, k string) []string {
	var out []string
	seen := map[string]bool{}
	for i, s := range o.strList(k, false) {
		p := index(join(o.path, k), i)
		u, err := ident.ParseUSCC(s)
		if err != nil {
			d.identProblem(p, s, err)
			continue
		}
		if seen[u.String()] {
			d.at(p, "代码 %s 重复", "the code %s is listed twice", u.String())
			continue
		}
		seen[u.String()] = true
		out = append(out, u.String())
	}
	return out
}

func (d *decoder) identProblem(path, code string, err error) {
	zh, en := err.Error(), err.Error()
	var ae *apperr.Error
	if errors.As(err, &ae) {
		zh, en = ae.Zh, ae.En
	}
	d.put(d.lineOf(path), path, fmt.Sprintf("统一社会信用代码 %q 无效：%s", code, zh), fmt.Sprintf("unified social credit code %q is not valid: %s", code, en))
}

func (d *decoder) itemValidity(o *obj) *Validity {
	n := o.get("validity")
	if n == nil {
		return nil
	}
	p := join(o.path, "validity")
	switch n.kind {
	case scalarNode:
		per, ok := d.periodValue(strings.TrimSpace(n.value), n.line, p, true)
		if !ok {
			return nil
		}
		return &Validity{General: per, Serious: per}
	case mapNode:
		v := d.object(n, p, validityKeys)
		if v == nil {
			return nil
		}
		out := &Validity{}
		for _, k := range validityKeys {
			if v.get(k) == nil {
				v.missing(k)
			}
		}
		out.General = v.period("general", Period{}, true)
		out.Serious = v.period("serious", Period{}, true)
		return out
	}
	d.wrongKind(n, p, mapNode)
	return nil
}

func (d *decoder) field(n *node, path string) *Field {
	o := d.object(n, path, fieldKeys)
	if o == nil {
		return nil
	}
	f := &Field{
		Name:     o.str("name", true),
		Aliases:  o.strList("aliases", false),
		Length:   o.integer("length", 0, 0),
		Multiple: o.boolean("multiple"),
		Personal: o.boolean("personal"),
		IDType:   o.str("id_type", false),
	}
	f.NotAfterToday = o.boolean("not_after_today")
	f.Unit = o.enum("unit", false, moneyUnits)
	if f.Unit == Yuan {
		f.Unit = "" // the default, written empty
	}
	if t := o.str("type", true); t != "" {
		if contains(fieldTypes, t) {
			f.Type = FieldType(t)
		} else {
			d.badEnum(o.line("type"), join(path, "type"), "type", t, fieldTypes)
		}
	}
	f.Required = d.requirement(o, path)
	_, hasValues := o.m["values"]
	f.Values = o.strList("values", false)
	switch {
	case f.Type == Enum && len(f.Values) == 0:
		d.at(join(path, "values"), "enum 类型的字段必须列出取值（values）", "an enum field must list its values")
	case f.Type != Enum && f.Type != "" && hasValues:
		d.at(join(path, "values"), "只有 enum 类型的字段可以有 values（本字段是 %s）", "only enum fields take values (this field is %s)", f.Type)
	}
	vseen := map[string]bool{}
	for i, v := range f.Values {
		p := index(join(path, "values"), i)
		nv := NormalizeName(v)
		switch {
		case vseen[nv]:
			d.at(p, "取值 %q 重复", "the value %q is listed twice", v)
		case strings.TrimSuffix(nv, "*") == "":
			d.at(p, "通配取值须有前缀，如 其他-*", "a wildcard value needs a prefix, e.g. 其他-*")
		case f.Multiple && strings.ContainsAny(v, "；;、"):
			d.at(p, "多值字段的取值 %q 不能含分隔符 ；;、", "a value of a multiple field may not contain the separators ；;、: %q", v)
		}
		vseen[nv] = true
	}
	if f.Multiple && f.Type != "" && f.Type != Enum {
		d.at(join(path, "multiple"), "只有 enum 类型的字段可以是 multiple（本字段是 %s）", "only enum fields can be multiple (this field is %s)", f.Type)
	}
	if f.NotAfterToday && f.Type != "" && f.Type != Date {
		d.at(join(path, "not_after_today"), "只有 date 类型的字段可以有 not_after_today（本字段是 %s）", "only date fields take not_after_today (this field is %s)", f.Type)
	}
	if _, given := o.m["unit"]; given && f.Type != "" && f.Type != Money {
		d.at(join(path, "unit"), "只有 money 类型的字段可以有 unit（本字段是 %s）", "only money fields take a unit (this field is %s)", f.Type)
	}
	if f.IDType != "" && f.Type != "" && f.Type != IDNumber {
		d.at(join(path, "id_type"), "只有 id_number 类型的字段可以有 id_type（本字段是 %s）", "only id_number fields take id_type (this field is %s)", f.Type)
	}
	return f
}

func (d *decoder) requirement(o *obj, path string) Requirement {
	n := o.get("required")
	if n == nil {
		return Requirement{}
	}
	p := join(path, "required")
	switch n.kind {
	case scalarNode:
		switch strings.TrimSpace(n.value) {
		case "true":
			return Requirement{Always: true}
		case "false":
			return Requirement{}
		}
		d.add(n.line, p, "%q 无效（应为 true、false 或 {when: 字段, equals: 值}）", "%q is not valid (use true, false or {when: FIELD, equals: VALUE})", n.value)
		return Requirement{}
	case mapNode:
		r := d.object(n, p, requiredKeys)
		if r == nil {
			return Requirement{}
		}
		req := Requirement{When: r.str("when", true)}
		_, hasEq := r.m["equals"]
		_, hasIn := r.m["in"]
		switch {
		case hasEq && hasIn:
			d.add(r.line("in"), join(p, "in"), "equals 与 in 只能写一个", "give equals or in, not both")
		case hasEq:
			req.Equals = r.str("equals", true)
		case hasIn:
			req.In = r.strList("in", true)
		default:
			d.add(n.line, p, "缺少 equals（或 in）：写明 when 字段取何值时必填", "missing equals (or in): the value of the when field that makes this field required")
		}
		return req
	}
	d.wrongKind(n, p, scalarNode)
	return Requirement{}
}

func (d *decoder) subject(o *obj, path string, it *Item, ref func(string, string) *Field) SubjectFields {
	var s SubjectFields
	n := o.get("subject")
	if n == nil {
		o.missing("subject")
		return s
	}
	sp := join(path, "subject")
	so := d.object(n, sp, subjectKeys)
	if so == nil {
		return s
	}
	one := func(k string, required bool) string {
		v := so.str(k, required)
		if v == "" {
			return ""
		}
		if f := ref(v, join(sp, k)); f != nil {
			return f.Name
		}
		return v
	}
	s.Name = one("name", true)
	s.Kind = one("kind", false)
	for i, c := range so.strList("codes", true) {
		if f := ref(c, index(join(sp, "codes"), i)); f != nil {
			s.Codes = append(s.Codes, f.Name)
		}
	}
	s.LegalRep = one("legal_rep", false)
	s.LegalRepID = one("legal_rep_id", false)
	kvn := so.get("kind_values")
	kp := join(sp, "kind_values")
	switch {
	case kvn == nil && s.Kind != "":
		so.missing("kind_values")
	case kvn == nil:
	case so.get("kind") == nil:
		d.at(kp, "有 kind_values 时必须用 kind 指明主体类别字段", "kind_values needs kind: the field holding the subject's category")
	case kvn.kind != mapNode:
		d.wrongKind(kvn, kp, mapNode)
	default:
		kf := it.Field(s.Kind)
		s.KindValues = map[string]SubjectKind{}
		for _, e := range kvn.keys {
			p := join(kp, e.key)
			d.lines[p] = e.line
			v := ""
			if e.val.kind == scalarNode {
				v = strings.TrimSpace(e.val.value)
			} else {
				d.wrongKind(e.val, p, scalarNode)
				continue
			}
			if !contains(subjectKinds, v) {
				d.badEnum(e.line, p, "kind_values", v, subjectKinds)
				continue
			}
			if kf != nil && kf.Type == Enum && !kf.Allows(e.key) {
				d.notAValue(p, e.key, kf)
			}
			if len(it.Subjects) > 0 && !containsKind(it.Subjects, SubjectKind(v)) {
				d.at(p, "主体类别 %s 不在本信息项的 subjects 中", "the subject kind %s is not among the item's subjects", v)
			}
			s.KindValues[e.key] = SubjectKind(v)
		}
		if len(s.KindValues) == 0 {
			s.KindValues = nil
		}
	}
	return s
}

func containsKind(list []SubjectKind, k SubjectKind) bool {
	for _, x := range list {
		if x == k {
			return true
		}
	}
	return false
}

func (d *decoder) severity(o *obj, path string, it *Item, ref func(string, string) *Field) SeverityRule {
	n := o.get("severity")
	sp := join(path, "severity")
	if n == nil {
		if it.Category == Negative {
			return SeverityRule{Default: General}
		}
		return SeverityRule{}
	}
	if it.Category != "" && it.Category != Negative {
		d.at(sp, "只有 negative（负面）信息项有失信程度，本信息项是 %s", "only negative items have a severity; this item is %s", it.Category)
	}
	so := d.object(n, sp, severityKeys)
	if so == nil {
		return SeverityRule{}
	}
	r := SeverityRule{Default: Severity(so.enum("default", false, severities))}
	if r.Default == "" {
		r.Default = General
	}
	for i, rn := range so.seq("rules", false) {
		rp := index(join(sp, "rules"), i)
		ro := d.object(rn, rp, severityRuleKey)
		if ro == nil {
			continue
		}
		c := SeverityCase{Level: Severity(ro.enum("level", true, severities))}
		fname := ro.str("field", true)
		var f *Field
		if fname != "" {
			if f = ref(fname, join(rp, "field")); f != nil {
				fname = f.Name
			}
		}
		c.Field = fname
		c.Contains = ro.strList("contains", true)
		if f != nil && f.Type == Enum {
			for j, v := range c.Contains {
				if !f.Allows(v) {
					d.notAValue(index(join(rp, "contains"), j), v, f)
				}
			}
		}
		r.Rules = append(r.Rules, c)
	}
	return r
}

func (d *decoder) providers(o *obj, c *Catalog) []Provider {
	var out []Provider
	seen := map[string]bool{}
	for i, n := range o.seq("providers", false) {
		p := index("providers", i)
		po := d.object(n, p, providerKeys)
		if po == nil {
			continue
		}
		pr := Provider{Name: po.str("name", true), Level: po.enum("level", false, levels)}
		if pr.Level == "" {
			pr.Level = "city"
		}
		pr.Code = d.unitCode(po, p, seen)
		pr.Items = d.itemRefs(po, p, c)
		out = append(out, pr)
	}
	return out
}

func (d *decoder) units(o *obj, c *Catalog) []Unit {
	var out []Unit
	seen := map[string]bool{}
	for i, n := range o.seq("units", false) {
		p := index("units", i)
		uo := d.object(n, p, unitKeys)
		if uo == nil {
			continue
		}
		u := Unit{Name: uo.str("name", true)}
		u.Code = d.unitCode(uo, p, seen)
		u.Items = d.itemRefs(uo, p, c)
		out = append(out, u)
	}
	return out
}

func (d *decoder) unitCode(o *obj, path string, seen map[string]bool) string {
	s := o.str("code", true)
	if s == "" {
		return ""
	}
	u, err := ident.ParseUSCC(s)
	if err != nil {
		d.identProblem(join(path, "code"), s, err)
		return s
	}
	if seen[u.String()] {
		d.at(join(path, "code"), "代码 %s 重复", "the code %s is listed twice", u.String())
	}
	seen[u.String()] = true
	return u.String()
}

func (d *decoder) itemRefs(o *obj, path string, c *Catalog) []string {
	var out []string
	for i, code := range o.strList("items", false) {
		p := index(join(path, "items"), i)
		if c.Item(code) == nil {
			d.at(p, "目录中没有信息项 %q", "the catalog has no item %q", code)
			continue
		}
		if contains(out, code) {
			d.at(p, "信息项 %q 重复", "the item %q is listed twice", code)
			continue
		}
		out = append(out, code)
	}
	return out
}

// legalTerms reads policy.prohibited_terms: the further terms other laws
// prohibit (第十四条: 法律、法规规定禁止归集的其他个人信息), each written
// {term: 指纹, source: 《…》第…条}. A bare term is accepted as catalogs applied
// before sources were required wrote it (catalog check warns); a bare term
// that is one of the article's own words is dropped, being built in.
func (d *decoder) legalTerms(o *obj, k string) []LegalTerm {
	var out []LegalTerm
	seen := map[string]bool{}
	for i, n := range o.seq(k, false) {
		p := index(join(o.path, k), i)
		d.lines[p] = n.line
		var t LegalTerm
		switch n.kind {
		case scalarNode:
			t.Term = strings.TrimSpace(n.value)
			if statutory(t.Term) {
				continue
			}
		case mapNode:
			e := d.object(n, p, legalTermKeys)
			if e == nil {
				continue
			}
			t = LegalTerm{Term: e.str("term", true), Source: e.str("source", true)}
		default:
			d.wrongKind(n, p, mapNode)
			continue
		}
		if t.Term == "" {
			if n.kind == scalarNode {
				d.add(n.line, p, "值为空", "empty value")
			}
			continue
		}
		if MatchForm(t.Term) == "" {
			d.at(p, "禁止词 %q 规范化后为空（只有标点或空白）", "the term %q is empty once normalised (only punctuation or spaces)", t.Term)
			continue
		}
		if seen[MatchForm(t.Term)] {
			d.at(p, "禁止词 %q 重复", "the term %q is listed twice", t.Term)
			continue
		}
		seen[MatchForm(t.Term)] = true
		out = append(out, t)
	}
	return out
}

// approvedTerms reads policy.prohibited_exceptions: organisation terms
// approved not to trip 第十四条, each {term: 宗教活动场所, reason: …}. An
// exception must contain a prohibited word and be longer than it: one equal
// to a prohibited word would lift the article itself.
func (d *decoder) approvedTerms(o *obj, k string, extra []LegalTerm) []ApprovedTerm {
	var out []ApprovedTerm
	seen := map[string]bool{}
	for i, n := range o.seq(k, false) {
		p := index(join(o.path, k), i)
		d.lines[p] = n.line
		if n.kind != mapNode {
			d.add(n.line, p, "每个例外应写成 {term: 用语, reason: 理由}（理由说明它指组织而非自然人）",
				"each exception is {term: TERM, reason: WHY} (why it is about an organisation, not a person)")
			continue
		}
		e := d.object(n, p, approvedKeys)
		if e == nil {
			continue
		}
		t := ApprovedTerm{Term: e.str("term", true), Reason: e.str("reason", true)}
		if t.Term == "" {
			continue
		}
		contains, bare := excusesSomething(t.Term, extra)
		switch {
		case bare:
			d.at(join(p, "term"), "例外 %q 就是禁止词本身，不能列为例外（《办法》第十四条）", "the exception %q is a prohibited word itself and cannot be excepted (art. 14)", t.Term)
			continue
		case !contains:
			d.at(join(p, "term"), "例外 %q 不含任何禁止词，无需列为例外", "the exception %q contains no prohibited word; it is not needed", t.Term)
			continue
		case seen[MatchForm(t.Term)]:
			d.at(join(p, "term"), "例外 %q 重复", "the exception %q is listed twice", t.Term)
			continue
		}
		seen[MatchForm(t.Term)] = true
		out = append(out, t)
	}
	return out
}
