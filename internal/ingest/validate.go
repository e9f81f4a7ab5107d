package ingest

import (
	"fmt"
	"strings"
	"sync"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/ident"
)

// Extra columns any negative item accepts (SPEC §5).
const (
	ColSeverity  = "失信程度"
	ColProcedure = "程序类型"
	ColPrincipal = "主要负责人证件号码"
	ColDirect    = "直接责任人证件号码"
)

// ExtraColumns are appended to a negative item's stored layout.
var ExtraColumns = []string{ColSeverity, ColProcedure, ColPrincipal, ColDirect}

// Plan maps one file's header onto an item of the catalog in force and
// checks its rows. Build it with NewPlan; it is safe for concurrent Check
// calls.
type Plan struct {
	Catalog *catalog.Catalog
	Item    *catalog.Item
	Today   civil.Date
	Serial  bool // XLSX: numeric date cells are Excel serial numbers

	Header   []string
	Layout   []string // stored value order: item fields, then extras for negative items
	fieldCol []int    // per layout position: header column, or -1 when absent
	negative bool

	nameF, kindF, repF, repIDF int   // layout positions, -1 when none
	codeFs                     []int // subject code fields in preference order
	keyFs                      []int
	decidedF                   int

	orderOnce sync.Once
	order     []int // Layout's names in sorted order (content hashes)
}

func (p *Plan) layoutOrder() []int {
	p.orderOnce.Do(func() { p.order = nameOrder(p.Layout) })
	return p.order
}

// Problem is one reason a row is rejected (SPEC §H).
type Problem struct {
	Field  string
	Reason string
	Msg    string
}

// Row is a checked row, ready to store when Problems is empty.
type Checked struct {
	Line     int
	Cells    []string // the original cells (for the reject report)
	Values   []string // normalised, aligned with Plan.Layout
	Present  []bool   // whether the file has the column for each layout position
	Problems []Problem

	SubjectCode string
	SubjectKind catalog.SubjectKind
	SubjectName string
	LegalRep    string
	Key         string
	Category    catalog.Category
	Severity    catalog.Severity
	DecidedOn   civil.Date
	ValidUntil  civil.Date
	Links       []Link // 第二十九条

	// Worked out by the checking workers so the single writer only writes.
	NameKey  string // normalised subject name
	ValsJSON string // Values as stored
	Hash     string // content hash of Values
}

// Link is a natural person a serious negative record also belongs to.
type Link struct {
	Code    string
	Name    string
	NameKey string
	Role    string // legal_rep | principal | direct
}

// OK reports whether the row may be stored.
func (c *Checked) OK() bool { return len(c.Problems) == 0 }

func (c *Checked) fail(field, reason, format string, args ...any) {
	c.Problems = append(c.Problems, Problem{Field: field, Reason: reason, Msg: field + "：" + fmt.Sprintf(format, args...)})
}

// NewPlan matches header cells to the item's fields and aliases after
// normalisation. Whole-file problems (prohibited, unknown or missing columns)
// come back as a *FileError.
func NewPlan(cat *catalog.Catalog, item *catalog.Item, header []string, today civil.Date, serial, ignoreUnknown bool, file string) (*Plan, error) {
	p := &Plan{Catalog: cat, Item: item, Today: today, Serial: serial, Header: header,
		negative: item.Category == catalog.Negative, nameF: -1, kindF: -1, repF: -1, repIDF: -1, decidedF: -1}
	for _, f := range item.Fields {
		p.Layout = append(p.Layout, f.Name)
	}
	if p.negative {
		p.Layout = append(p.Layout, ExtraColumns...)
	}
	p.fieldCol = make([]int, len(p.Layout))
	for i := range p.fieldCol {
		p.fieldCol[i] = -1
	}
	lookup := map[string]int{}
	for i, name := range p.Layout {
		lookup[catalog.NormalizeName(name)] = i
		if i < len(item.Fields) {
			for _, a := range item.Fields[i].Aliases {
				lookup[catalog.NormalizeName(a)] = i
			}
		}
	}
	var unknown []string
	for col, h := range header {
		n := catalog.NormalizeName(h)
		if n == "" || reportColumn(strings.TrimSpace(h)) {
			continue // a reject report sent back keeps its error columns
		}
		// 第十四条 is checked first: a prohibited column refuses the file even
		// when --ignore-unknown would have skipped it.
		if term, bad := cat.ProhibitedName(h); bad {
			return nil, &FileError{Reason: "prohibited_field", Line: 1,
				Zh: fmt.Sprintf("%s：第 %d 列“%s”含禁止归集的信息（%s），依《办法》第十四条整个文件不予接收", file, col+1, h, term),
				En: fmt.Sprintf("%s: column %d %q holds prohibited information (%s); refused whole under article 14", file, col+1, h, term)}
		}
		i, ok := lookup[n]
		switch {
		case !ok:
			unknown = append(unknown, h)
		case p.fieldCol[i] >= 0:
			return nil, &FileError{Reason: "unknown_column", Line: 1,
				Zh: fmt.Sprintf("%s：列“%s”与第 %d 列重复（同一字段出现两次）", file, h, p.fieldCol[i]+1),
				En: fmt.Sprintf("%s: column %q repeats column %d (the same field twice)", file, h, p.fieldCol[i]+1)}
		default:
			p.fieldCol[i] = col
		}
	}
	if len(unknown) > 0 && !ignoreUnknown {
		return nil, &FileError{Reason: "unknown_column", Line: 1,
			Zh: fmt.Sprintf("%s：目录中 %s（%s）没有这些列：%s；请改正列名，或加 --ignore-unknown 忽略它们", file, item.Code, item.Name, strings.Join(unknown, "、")),
			En: fmt.Sprintf("%s: item %s has no columns named %s; fix the header or pass --ignore-unknown", file, item.Code, strings.Join(unknown, ", "))}
	}
	var missing []string
	for i, f := range item.Fields {
		if f.Required.Always && p.fieldCol[i] < 0 {
			missing = append(missing, f.Name)
		}
	}
	if len(missing) > 0 {
		return nil, &FileError{Reason: "missing_column", Line: 1,
			Zh: fmt.Sprintf("%s：缺少必填列 %s", file, strings.Join(missing, "、")),
			En: fmt.Sprintf("%s: required columns missing: %s", file, strings.Join(missing, ", "))}
	}
	pos := func(name string) int {
		if name == "" {
			return -1
		}
		for i, n := range p.Layout {
			if n == name {
				return i
			}
		}
		return -1
	}
	s := item.Subject
	p.nameF, p.kindF, p.repF, p.repIDF = pos(s.Name), pos(s.Kind), pos(s.LegalRep), pos(s.LegalRepID)
	for _, c := range s.Codes {
		if i := pos(c); i >= 0 {
			p.codeFs = append(p.codeFs, i)
		}
	}
	for _, k := range item.Key {
		p.keyFs = append(p.keyFs, pos(k))
	}
	for i, f := range item.Fields {
		if f.Type == catalog.Date && f.NotAfterToday && p.decidedF < 0 {
			p.decidedF = i
		}
	}
	return p, nil
}

// HasColumn reports whether the file carries the layout position i.
func (p *Plan) HasColumn(i int) bool { return p.fieldCol[i] >= 0 }

func (p *Plan) cell(cells []string, i int) string {
	c := p.fieldCol[i]
	if c < 0 || c >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cells[c])
}

// isIDType reports whether a 证件类型 value names the 居民身份证.
func isIDType(v string) bool {
	v = strings.TrimSpace(v)
	return v == "身份证" || v == "居民身份证" || v == "中华人民共和国居民身份证" || v == "01" || v == "111"
}

// Check validates one row against the item (SPEC §5, §H).
func (p *Plan) Check(line int, cells []string) *Checked {
	c := &Checked{Line: line, Cells: cells, Values: make([]string, len(p.Layout)), Present: make([]bool, len(p.Layout))}
	for i := range p.Layout {
		c.Present[i] = p.fieldCol[i] >= 0
		c.Values[i] = p.cell(cells, i)
	}
	// Subject kind first: conditional rules and code checks depend on it.
	kind := catalog.SubjectKind("")
	if p.kindF >= 0 && c.Values[p.kindF] != "" {
		kind, _ = p.Item.Subject.KindFor(c.Values[p.kindF])
	}
	for i, f := range p.Item.Fields {
		p.checkField(c, i, f, kind)
	}
	if p.negative {
		p.checkExtras(c)
	}
	if len(c.Problems) > 0 {
		return c
	}
	p.derive(c, kind)
	return c
}

func (p *Plan) checkField(c *Checked, i int, f *catalog.Field, kind catalog.SubjectKind) {
	v := c.Values[i]
	if v == "" {
		if f.Required.Always {
			c.fail(f.Name, "required", "必填项为空")
		} else if p.Item.Required(f, func(name string) string {
			if w := p.indexOf(name); w >= 0 {
				return c.Values[w]
			}
			return ""
		}) {
			c.fail(f.Name, "required", "%s为“%s”时必填", f.Required.When, c.Values[p.indexOf(f.Required.When)])
		}
		return
	}
	if f.Length > 0 && runeLen(v) > f.Length {
		c.fail(f.Name, "length", "长度 %d 超过上限 %d", runeLen(v), f.Length)
		return
	}
	switch f.Type {
	case catalog.Date:
		d, ok := ParseDate(v)
		if !ok && p.Serial {
			d, ok = ExcelSerialToDate(v)
		}
		if !ok {
			c.fail(f.Name, "date_invalid", "“%s”不是有效日期（应为 YYYY-MM-DD 等格式的真实日期）", v)
			return
		}
		if f.NotAfterToday && d.After(p.Today) {
			c.fail(f.Name, "date_future", "日期 %s 晚于今天 %s", d, p.Today)
			return
		}
		c.Values[i] = d.String()
	case catalog.Money:
		a, ok := ParseAmount(v)
		if !ok {
			c.fail(f.Name, "amount", "“%s”不是有效金额（应为非负数）", v)
			return
		}
		c.Values[i] = a
	case catalog.Number:
		a, ok := ParseAmount(strings.TrimPrefix(v, "-"))
		if !ok {
			c.fail(f.Name, "type", "“%s”不是数字", v)
			return
		}
		if strings.HasPrefix(v, "-") && a != "0" {
			a = "-" + a
		}
		c.Values[i] = a
	case catalog.USCC:
		p.checkUSCC(c, i, f.Name, v)
	case catalog.IDNumber:
		// With a document-type field, only a 身份证 (or an unstated type) is
		// checked as a 身份证号码; a passport number is free text.
		if f.IDType != "" {
			if t := p.indexOf(f.IDType); t >= 0 && c.Values[t] != "" && !isIDType(c.Values[t]) {
				return
			}
		}
		p.checkID(c, i, f.Name, v)
	case catalog.PartyCode:
		if kind == catalog.NaturalPerson {
			p.checkID(c, i, f.Name, v)
		} else {
			p.checkUSCC(c, i, f.Name, v)
		}
	case catalog.Enum:
		p.checkEnum(c, i, f, v)
	}
}

func (p *Plan) indexOf(name string) int {
	for i, n := range p.Layout {
		if n == name {
			return i
		}
	}
	return -1
}

func (p *Plan) checkUSCC(c *Checked, i int, field, v string) {
	u, err := ident.ParseUSCC(v)
	if err != nil {
		c.fail(field, ident.RejectReason(err), "%s", firstLine(err))
		return
	}
	c.Values[i] = u.String()
}

func (p *Plan) checkID(c *Checked, i int, field, v string) {
	id, err := ident.ParseID(v)
	if err != nil {
		c.fail(field, ident.RejectReason(err), "%s", firstLine(err))
		return
	}
	if err := id.ValidOn(p.Today); err != nil {
		c.fail(field, "date_future", "%s", firstLine(err))
		return
	}
	c.Values[i] = id.String()
}

func firstLine(err error) string { return apperr.MessageOf(err, "zh") }

func (p *Plan) checkEnum(c *Checked, i int, f *catalog.Field, v string) {
	if bad := f.BadValues(v); len(bad) > 0 {
		c.fail(f.Name, "enum", "“%s”不在代码表中（可选：%s）", strings.Join(bad, "、"), strings.Join(f.Values, "、"))
		return
	}
	if f.Multiple {
		c.Values[i] = strings.Join(catalog.SplitMultiple(v), "；")
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func (p *Plan) checkExtras(c *Checked) {
	base := len(p.Item.Fields)
	if v := c.Values[base]; v != "" && v != "一般" && v != "严重" {
		c.fail(ColSeverity, "enum", "“%s”无效（可选：一般、严重）", v)
	}
	if v := c.Values[base+1]; v != "" && v != "一般程序" && v != "简易程序" {
		c.fail(ColProcedure, "enum", "“%s”无效（可选：一般程序、简易程序）", v)
	}
	for k, col := range []string{ColPrincipal, ColDirect} {
		v := c.Values[base+2+k]
		if v == "" {
			continue
		}
		var norm []string
		for _, x := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == '；' || r == '、' || r == ',' || r == '，' }) {
			id, err := ident.ParseID(x)
			if err != nil {
				c.fail(col, ident.RejectReason(err), "%s", firstLine(err))
				break
			}
			norm = append(norm, id.String())
		}
		c.Values[base+2+k] = strings.Join(norm, ";")
	}
}

// derive fills the subject, key, category, severity and validity of a row
// whose fields passed.
func (p *Plan) derive(c *Checked, kind catalog.SubjectKind) {
	it := p.Item
	for _, i := range p.codeFs {
		if c.Values[i] != "" {
			c.SubjectCode = c.Values[i]
			break
		}
	}
	first := it.Subject.Name
	if len(p.codeFs) > 0 {
		first = p.Layout[p.codeFs[0]]
	}
	if c.SubjectCode == "" {
		c.fail(first, "required", "没有信息主体的统一社会信用代码或身份证号码，无法归入信用档案")
		return
	}
	if kind == "" {
		if res := ident.Check(c.SubjectCode); res.Valid && res.Kind == ident.NaturalPerson {
			kind = catalog.NaturalPerson
		} else if res.Valid && res.Kind == ident.IndividualBusiness {
			kind = catalog.IndividualBusiness
		} else {
			kind = catalog.Organisation
		}
	}
	res := ident.Check(c.SubjectCode)
	switch {
	case !res.Valid:
		c.fail(first, "type", "信息主体代码“%s”无效：%s", c.SubjectCode, res.Reason)
		return
	case kind == catalog.NaturalPerson && res.Type != ident.TypeID:
		c.fail(first, "type", "自然人应以身份证号码建档，“%s”不是身份证号码", c.SubjectCode)
		return
	case kind != catalog.NaturalPerson && res.Type != ident.TypeUSCC:
		c.fail(first, "type", "法人、非法人组织和个体工商户应以统一社会信用代码建档，“%s”不是统一社会信用代码", c.SubjectCode)
		return
	}
	c.SubjectCode, c.SubjectKind = res.Code, kind
	if p.nameF >= 0 {
		c.SubjectName = c.Values[p.nameF]
	}
	if p.repF >= 0 {
		c.LegalRep = c.Values[p.repF]
	}
	if p.decidedF >= 0 {
		c.DecidedOn, _ = civil.Parse(c.Values[p.decidedF])
	}
	// 第二条: natural-person subjects are adults on the decision date.
	if kind == catalog.NaturalPerson {
		if id, err := ident.ParseID(c.SubjectCode); err == nil {
			on := c.DecidedOn
			if on.IsZero() {
				on = p.Today
			}
			if !id.AdultOn(on) {
				c.fail(first, "minor_subject", "信息主体在 %s 未满 18 周岁（《办法》第二条只归集完全民事行为能力人的信息）", on)
				return
			}
		}
	}
	keys := make([]string, len(p.keyFs))
	for k, i := range p.keyFs {
		if i >= 0 {
			keys[k] = strings.ToUpper(c.Values[i])
		}
	}
	c.Key = strings.Join(keys, "\x1f")

	c.Category = it.Category
	if p.negative {
		base := len(it.Fields)
		if c.Values[base+1] == "简易程序" {
			// 第十二条(九): only general-procedure penalties are negative.
			c.Category = catalog.Other
		} else {
			c.Severity = p.severity(c)
			if c.Severity == catalog.Serious && kind != catalog.NaturalPerson {
				c.Links = p.links(c)
			}
		}
	}
	// 第三十条 for negative records; an item's own validity for the others
	// (a 表彰奖励 or 信用承诺 the city uses for 3 years). None for a 简易程序
	// penalty stored as other information.
	if c.Category == catalog.Negative || (!p.negative && it.Validity != nil) {
		if last, ok := p.Catalog.ValidityFor(it, c.Severity).ValidThrough(c.DecidedOn); ok && !c.DecidedOn.IsZero() {
			c.ValidUntil = last
		}
	}
}

func (p *Plan) severity(c *Checked) catalog.Severity {
	switch c.Values[len(p.Item.Fields)] {
	case "严重":
		return catalog.Serious
	case "一般":
		return catalog.General
	}
	for _, r := range p.Item.Severity.Rules {
		if i := p.indexOf(r.Field); i >= 0 {
			for _, w := range r.Contains {
				if strings.Contains(c.Values[i], w) {
					return r.Level
				}
			}
		}
	}
	if p.Item.Severity.Default != "" {
		return p.Item.Severity.Default
	}
	return catalog.General
}

// links are the natural persons 第二十九条 makes a serious record also belong to.
func (p *Plan) links(c *Checked) []Link {
	var out []Link
	seen := map[string]bool{}
	add := func(code, name, role string) {
		if id, err := ident.ParseID(code); err == nil && !seen[id.String()+role] {
			seen[id.String()+role] = true
			out = append(out, Link{Code: id.String(), Name: name, Role: role})
		}
	}
	if p.repIDF >= 0 && c.Values[p.repIDF] != "" {
		add(c.Values[p.repIDF], c.LegalRep, "legal_rep")
	}
	base := len(p.Item.Fields)
	for k, role := range []string{"principal", "direct"} {
		for _, code := range strings.Split(c.Values[base+2+k], ";") {
			if code != "" {
				add(code, "", role)
			}
		}
	}
	return out
}

func runeLen(s string) int { return len([]rune(s)) }
