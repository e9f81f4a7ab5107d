package archive

import (
	"fmt"
	"html"
	"strings"

	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/roster"
	"credit/internal/tabular"
)

// Summary is a one-line description of a record for lists: its key fields
// that are not codes (e.g. the decision number) and its content field.
func Summary(r Record, cat *catalog.Catalog) string {
	if r.Purge != nil {
		// Nothing of its content is left: say what became of it (第八条).
		return "已按保存期限清除（" + r.Purge.Ref + "）"
	}
	it := cat.Item(r.Item)
	if it == nil {
		return ""
	}
	var parts []string
	add := func(v string) {
		if v == "" {
			return
		}
		for _, p := range parts {
			if p == v {
				return
			}
		}
		parts = append(parts, v)
	}
	for _, k := range it.Key {
		if f := it.Field(k); f != nil && f.Type != catalog.USCC && f.Type != catalog.IDNumber && f.Type != catalog.PartyCode {
			add(r.Fields.Get(k))
		}
	}
	for _, f := range it.Fields {
		if strings.HasSuffix(f.Name, "内容") || strings.HasSuffix(f.Name, "名称") && f.Name != it.Subject.Name && !strings.Contains(f.Name, "文书名称") {
			if v := r.Fields.Get(f.Name); v != "" {
				add(v)
				break
			}
		}
	}
	s := strings.Join(parts, "；")
	if rs := []rune(s); len(rs) > 60 {
		s = string(rs[:59]) + "…"
	}
	return s
}

// Marks are a record's visible marks: its flags (异议中…), its state when it
// is not plainly valid, and why 第二十九条 put it in a person's archive.
func Marks(r Record, lang string) []string {
	var m []string
	if r.State != StateValid {
		m = append(m, StateLabel(r.State, lang))
	}
	for _, f := range r.Flags {
		m = append(m, FlagLabel(f, lang))
	}
	if r.LinkedAs != "" {
		m = append(m, LinkLabel(r.LinkedAs, lang))
	}
	return m
}

// struck reports whether the report strikes a record through: it is not in
// use on the report's validity date — no longer, or not yet (only the office
// scope sees such records).
func struck(r Record) bool {
	return r.State == StateExpired || r.State == StateRepaired || r.State == StateNotYet
}

// Report is what a printable credit report (信用报告) shows.
type Report struct {
	Archive      *Archive
	Catalog      *catalog.Catalog
	Date         civil.Date // the report date (the office date)
	Operator     string
	Lang         string
	Jurisdiction string
}

type reportLine struct{ key, value string }

func (rp *Report) t(zh, en string) string { return pick(rp.Lang, zh, en) }

func (rp *Report) header() []reportLine {
	a := rp.Archive
	codeLabel := rp.t("统一社会信用代码", "Unified social credit code")
	if a.Subject.Kind == string(catalog.NaturalPerson) {
		codeLabel = rp.t("身份证号码", "ID number")
	}
	name := a.Subject.Name
	if name == "" {
		name = rp.t("（未登记）", "(not on file)")
	}
	lines := []reportLine{
		{rp.t("信息主体", "Subject"), name},
		{codeLabel, a.Subject.Code},
		{rp.t("主体类别", "Kind"), KindLabel(a.Subject.Kind, rp.Lang)},
	}
	if a.Subject.LegalRep != "" {
		lines = append(lines, reportLine{rp.t("法定代表人", "Legal representative"), a.Subject.LegalRep})
	}
	lines = append(lines, reportLine{rp.t("报告日期", "Report date"), rp.Date.String()})
	if a.AsOf != rp.Date {
		lines = append(lines, reportLine{rp.t("有效性判断日期", "Validity judged on"), a.AsOf.String()})
	}
	lines = append(lines, reportLine{rp.t("查询范围", "Scope"), a.Scope.Label(rp.Lang) + "（" + string(a.Scope) + "）"})
	if a.Unit != "" {
		lines = append(lines, reportLine{rp.t("查询单位", "User unit"), strings.TrimSpace(a.UnitName + " " + a.Unit)})
	}
	lines = append(lines,
		reportLine{rp.t("经办人", "Operator"), rp.Operator},
		reportLine{rp.t("报告编号（查询记录）", "Report number (query log)"), fmt.Sprintf("Q%d", a.QueryID)})
	return lines
}

func (rp *Report) notes() []string {
	a := rp.Archive
	var n []string
	switch a.Scope {
	case Public:
		n = append(n, rp.t("本报告按“社会公开”范围出具：只含社会公开的信息项和有效期内的信息，自然人的个人信息已遮蔽（第十九条、第二十一条）。",
			"Public scope: public items and records in their validity only; personal information of natural persons is masked."))
	case Authorized:
		n = append(n, rp.t("本报告按“授权查询”范围出具：含社会公开和授权查询的信息项、有效期内的信息；信息主体本人以外的个人信息已遮蔽（第二十二条）。",
			"Authorized scope: public and authorized items, records in their validity; personal information of others is masked."))
	case Shared:
		n = append(n, rp.t("本报告按“政府共享”范围出具，仅供查询单位依法履职使用，不得向第三方提供（第二十条）。",
			"Shared scope: for the asking unit's official duties only; not to be passed on."))
	case Office:
		n = append(n, rp.t("本报告按“工作机构内部”范围出具，含已过期（第三十条）和已修复（第三十五条）的信息，仅供工作机构内部使用；划线的信息已不再使用。",
			"Office scope: includes expired and repaired records (struck through), for the office's internal use only."))
	}
	n = append(n, rp.t("标注“异议中”的信息正在办理异议（第三十一条），标注“修复中”“修复公示中”的信息正在办理信用修复（第三十四条），其内容可能变更。",
		"Records marked under objection or under repair are being worked and may change."))
	return n
}

// listTable is a section of rows under a header: the list entries, the
// open cases.
type listTable struct {
	title  string
	header []string
	rows   [][]string
	none   string // said when there are no rows
}

// sections are the list entries and (office scope) the open cases, shown
// between the subject and the records.
func (rp *Report) sections() []listTable {
	a := rp.Archive
	entries := listTable{
		title:  fmt.Sprintf(rp.t("红黑名单（%d）", "Red and black lists (%d)"), len(a.RosterEntries)),
		header: []string{rp.t("编号", "ID"), rp.t("名单", "List"), rp.t("名单名称", "List name"), rp.t("认定单位", "Determined by"), rp.t("认定依据", "Basis"), rp.t("认定日期", "Determined"), rp.t("有效期至", "Valid until")},
		none:   rp.t("无有效的名单条目。", "No valid entry."),
	}
	for _, e := range a.RosterEntries {
		vu := e.ValidUntil.String()
		if vu == "" {
			vu = rp.t("长期", "no limit")
		}
		entries.rows = append(entries.rows, []string{e.ID, roster.ListLabel(e.List, rp.Lang), e.ListName, strings.TrimSpace(e.UnitName + " " + e.Unit), e.Basis, e.Determined.String(), vu})
	}
	out := []listTable{entries}
	if a.Scope != Office {
		return out
	}
	cases := listTable{
		title:  fmt.Sprintf(rp.t("办理中的异议和信用修复（%d）", "Open objections and repairs (%d)"), len(a.OpenCases)),
		header: []string{rp.t("类别", "Kind"), rp.t("编号", "ID"), rp.t("记录", "Record"), rp.t("状态", "State"), rp.t("期限", "Due"), rp.t("队列状态", "Status")},
		none:   rp.t("无。", "None."),
	}
	for _, c := range a.OpenCases {
		due := ""
		if c.Due != nil {
			due = strings.TrimSpace(CaseDeadlineLabel(c, rp.Lang) + " " + c.Due.String())
		}
		cases.rows = append(cases.rows, []string{CaseKindLabel(c.Kind, rp.Lang), fmt.Sprint(c.ID), fmt.Sprintf("%d %s", c.Record, c.Item), c.StateLabel, due,
			CaseStatusLabel(c.Status, rp.Lang)})
	}
	return append(out, cases)
}

// groups are the report's records by category, in the order 基本, 正面, 负面, 其他.
func (rp *Report) groups() [][]Record {
	out := make([][]Record, 4)
	for _, r := range rp.Archive.Records {
		i, ok := categoryOrder[r.Category]
		if !ok {
			i = 3
		}
		out[i] = append(out[i], r)
	}
	return out
}

var categories = []string{string(catalog.Basic), string(catalog.Positive), string(catalog.Negative), string(catalog.Other)}

func (rp *Report) recordLines(r Record) []reportLine {
	lines := []reportLine{
		{rp.t("记录编号", "Record"), fmt.Sprint(r.ID)},
		{rp.t("状态", "State"), StateLabel(r.State, rp.Lang)},
		{rp.t("信息提供单位", "Provider"), strings.TrimSpace(r.ProviderName + " " + r.Provider)},
		{rp.t("决定日期", "Decided on"), r.DecidedOn},
	}
	if r.Severity != "" {
		lines = append(lines, reportLine{rp.t("失信程度", "Severity"), SeverityLabel(r.Severity, rp.Lang)})
	}
	vu := r.ValidUntil
	if vu == "" {
		vu = rp.t("长期", "no limit")
	}
	lines = append(lines, reportLine{rp.t("有效期至", "Valid until"), vu})
	for _, f := range r.Fields {
		lines = append(lines, reportLine{f.Name, f.Value})
	}
	return lines
}

func (rp *Report) title() string {
	t := rp.t("信用报告", "Credit report")
	if rp.Jurisdiction != "" && rp.Lang != "en" {
		t = rp.Jurisdiction + "公共信用信息" + t
	}
	return t
}

func (rp *Report) recordTitle(k int, r Record) string {
	s := fmt.Sprintf("%d. %s", k, r.ItemName)
	if sum := Summary(r, rp.Catalog); sum != "" {
		s += " · " + sum
	}
	return s
}

// Markdown renders the report as Markdown.
func (rp *Report) Markdown() []byte {
	var b strings.Builder
	// Every value is escaped (tabular.MDEscape): masks (320602********4359,
	// 张*) are left as they are, markup, links and table breaks are not.
	cell := tabular.MDEscape
	fmt.Fprintf(&b, "# %s\n\n", rp.title())
	b.WriteString("| " + rp.t("项目", "Item") + " | " + rp.t("内容", "Value") + " |\n|---|---|\n")
	for _, l := range rp.header() {
		fmt.Fprintf(&b, "| %s | %s |\n", cell(l.key), cell(l.value))
	}
	for _, sec := range rp.sections() {
		fmt.Fprintf(&b, "\n## %s\n\n", cell(sec.title))
		if len(sec.rows) == 0 {
			b.WriteString(sec.none + "\n")
			continue
		}
		b.WriteString("|")
		for _, h := range sec.header {
			b.WriteString(" " + cell(h) + " |")
		}
		b.WriteString("\n|" + strings.Repeat("---|", len(sec.header)) + "\n")
		for _, row := range sec.rows {
			b.WriteString("|")
			for _, v := range row {
				b.WriteString(" " + cell(v) + " |")
			}
			b.WriteString("\n")
		}
	}
	k := 0
	for i, group := range rp.groups() {
		fmt.Fprintf(&b, "\n## %s（%d）\n\n", CategoryLabel(categories[i], rp.Lang), len(group))
		if len(group) == 0 {
			b.WriteString(rp.t("无。\n", "None.\n"))
			continue
		}
		for _, r := range group {
			k++
			title := cell(rp.recordTitle(k, r))
			if struck(r) {
				title = "~~" + title + "~~"
			}
			for _, m := range Marks(r, rp.Lang) {
				title += " 【" + m + "】"
			}
			fmt.Fprintf(&b, "### %s\n\n", title)
			b.WriteString("| " + rp.t("字段", "Field") + " | " + rp.t("内容", "Value") + " |\n|---|---|\n")
			for _, l := range rp.recordLines(r) {
				v := cell(l.value)
				if struck(r) && v != "" {
					v = "~~" + v + "~~"
				}
				fmt.Fprintf(&b, "| %s | %s |\n", cell(l.key), v)
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\n---\n\n")
	for _, n := range rp.notes() {
		b.WriteString("- " + cell(n) + "\n")
	}
	return []byte(b.String())
}

// HTML renders the report as one printable HTML page.
func (rp *Report) HTML() []byte {
	var b strings.Builder
	e := html.EscapeString
	b.WriteString("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" + e(rp.title()) + "</title>\n")
	b.WriteString(`<style>
body{font-family:"Noto Serif CJK SC","SimSun",serif;max-width:60em;margin:2em auto;line-height:1.5}
table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border:1px solid #888;padding:.25em .5em;text-align:left;vertical-align:top}
th{width:14em;background:#f3f3f3}.list th{width:auto}.mark{color:#b00;font-weight:bold;margin-left:.5em}
.struck td,.struck h3{text-decoration:line-through;color:#777}.notes{font-size:90%;color:#333}
@media print{body{margin:0}}
</style></head><body>
`)
	fmt.Fprintf(&b, "<h1>%s</h1>\n<table>\n", e(rp.title()))
	for _, l := range rp.header() {
		fmt.Fprintf(&b, "<tr><th>%s</th><td>%s</td></tr>\n", e(l.key), e(l.value))
	}
	b.WriteString("</table>\n")
	for _, sec := range rp.sections() {
		fmt.Fprintf(&b, "<h2>%s</h2>\n", e(sec.title))
		if len(sec.rows) == 0 {
			fmt.Fprintf(&b, "<p>%s</p>\n", e(sec.none))
			continue
		}
		b.WriteString("<table class=\"list\">\n<tr>")
		for _, h := range sec.header {
			fmt.Fprintf(&b, "<th>%s</th>", e(h))
		}
		b.WriteString("</tr>\n")
		for _, row := range sec.rows {
			b.WriteString("<tr>")
			for _, v := range row {
				fmt.Fprintf(&b, "<td>%s</td>", e(v))
			}
			b.WriteString("</tr>\n")
		}
		b.WriteString("</table>\n")
	}
	k := 0
	for i, group := range rp.groups() {
		fmt.Fprintf(&b, "<h2>%s（%d）</h2>\n", e(CategoryLabel(categories[i], rp.Lang)), len(group))
		if len(group) == 0 {
			fmt.Fprintf(&b, "<p>%s</p>\n", e(rp.t("无。", "None.")))
			continue
		}
		for _, r := range group {
			k++
			cls := ""
			if struck(r) {
				cls = ` class="struck"`
			}
			fmt.Fprintf(&b, "<section%s>\n<h3>", cls)
			if struck(r) {
				fmt.Fprintf(&b, "<del>%s</del>", e(rp.recordTitle(k, r)))
			} else {
				b.WriteString(e(rp.recordTitle(k, r)))
			}
			for _, m := range Marks(r, rp.Lang) {
				fmt.Fprintf(&b, `<span class="mark">【%s】</span>`, e(m))
			}
			b.WriteString("</h3>\n<table>\n")
			for _, l := range rp.recordLines(r) {
				fmt.Fprintf(&b, "<tr><th>%s</th><td>%s</td></tr>\n", e(l.key), e(l.value))
			}
			b.WriteString("</table>\n</section>\n")
		}
	}
	b.WriteString("<hr>\n<ul class=\"notes\">\n")
	for _, n := range rp.notes() {
		fmt.Fprintf(&b, "<li>%s</li>\n", e(n))
	}
	b.WriteString("</ul>\n</body></html>\n")
	return []byte(b.String())
}
