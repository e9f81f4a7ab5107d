package ingest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/ident"
	"credit/internal/tabular"
)

// Extra columns any negative item accepts (SPEC §5).
const (
	ColSeverity  = "失信程度"
	ColProcedure = "程序类型"
	ColPrincipal = "主要负责人证件号码"
	ColDirect    = "直接责任人证件号码"
	// ColLegalRepResponsible is the provider's finding that the legal
	// representative is 负有责任的 (第二十九条): 是 links the person in the
	// item's legal_rep_id field; being named as legal representative alone
	// never does.
	ColLegalRepResponsible = "法定代表人负有责任"
)

// ExtraColumns are appended to a negative item's stored layout.
var ExtraColumns = []string{ColSeverity, ColProcedure, ColPrincipal, ColDirect, ColLegalRepResponsible}

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
	decidedFs                  []int // 认定 date fields in order (catalog.Item.DeterminationFields)
	withdrawnF                 int   // the 认定单位's withdrawal date field, or -1
	validThroughF              int   // the record's own last valid day field, or -1
	ownIncomeF                 int   // ColOwnIncome (capacity.go), -1 when none

	orderOnce sync.Once
	order     []int // Layout's names in sorted order (content hashes)

	// Worked out once per plan rather than once per row.
	fields []fieldPlan // per item field
	kinds  []kindValue // the subject kind field's values, normalised
	sevFs  []int       // per severity rule: layout position of its field, or -1
}

// fieldPlan is what checking a field needs from the catalog, looked up once.
type fieldPlan struct {
	// Required.When: the layout position of the field it names (-1 when it
	// names none, or the field is not in the layout), whether that field is
	// multiple, and the requirement's values normalised (NormalizeName).
	hasWhen   bool
	when      int
	whenMulti bool
	whenVals  []string
	idType    int         // layout position of IDType, or -1
	enum      []enumValue // an enum field's values
}

// enumValue is a value of an enum field normalised; a wildcard value (其他-*)
// is its prefix.
type enumValue struct {
	norm string
	wild bool
}

type kindValue struct {
	norm string
	kind catalog.SubjectKind
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
	Warnings []Warning // notes on an accepted row (capacity.go)

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
	NameKey  string      // normalised subject name
	ValsJSON string      // Values as stored
	Hash     string      // content hash of Values
	subject  int         // index of the subject in its chunk's distinct subjects
	read     *RowProblem // what the reader found wrong with the row, if anything
}

// Link is a natural person a serious negative record also belongs to.
type Link struct {
	Code    string
	Name    string
	NameKey string
	Role    string // legal_rep | principal | direct
	subject int    // index of the person in its chunk's distinct subjects
}

// OK reports whether the row may be stored.
func (c *Checked) OK() bool { return len(c.Problems) == 0 }

func (c *Checked) fail(field, reason, format string, args ...any) {
	c.Problems = append(c.Problems, Problem{Field: field, Reason: reason, Msg: field + "：" + fmt.Sprintf(format, args...)})
}

// ExcerptRunes is how much of a value a reject message repeats.
const ExcerptRunes = 24

// Excerpt is what a reject message may repeat of a value the file sent
// (issue 16): at most ExcerptRunes characters (then "…"), control
// characters shown as "?", and every run of 15 or more letters and digits
// (an ID number, a card number) masked as ident.Mask masks a code
// (320602********4359). The report's own columns keep the row as sent, for
// the provider to fix; the message never needs the whole value.
func Excerpt(s string) string {
	rs := []rune(s)
	alnum := func(r rune) bool { return r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }
	// Mask whole runs first, so that the cut never leaves part of a long
	// number readable.
	for i := 0; i < len(rs); {
		if !alnum(rs[i]) {
			if rs[i] < 0x20 || rs[i] == 0x7f {
				rs[i] = '?'
			}
			i++
			continue
		}
		j := i
		for j < len(rs) && alnum(rs[j]) {
			j++
		}
		if j-i >= 15 {
			copy(rs[i:j], []rune(ident.Mask(string(rs[i:j]))))
		}
		i = j
	}
	if len(rs) > ExcerptRunes {
		return string(rs[:ExcerptRunes]) + "…"
	}
	return string(rs)
}

// NewPlan matches header cells to the item's fields and aliases after
// normalisation. Whole-file problems (prohibited, unknown or missing columns)
// come back as a *FileError.
func NewPlan(cat *catalog.Catalog, item *catalog.Item, header []string, today civil.Date, serial, ignoreUnknown bool, file string) (*Plan, error) {
	p := &Plan{Catalog: cat, Item: item, Today: today, Serial: serial, Header: header,
		negative: item.Category == catalog.Negative, nameF: -1, kindF: -1, repF: -1, repIDF: -1, withdrawnF: -1, validThroughF: -1}
	for _, f := range item.Fields {
		p.Layout = append(p.Layout, f.Name)
	}
	if p.negative {
		p.Layout = append(p.Layout, ExtraColumns...)
	}
	p.addCapacityColumn()
	p.fieldCol = make([]int, len(p.Layout))
	for i := range p.fieldCol {
		p.fieldCol[i] = -1
	}
	lookup := headerLookup(item, p.Layout)
	var unknown []string
	for col, h := range header {
		n := catalog.HeaderKey(h)
		if n == "" || reportColumn(strings.TrimSpace(h)) {
			continue // a reject report sent back keeps its error columns
		}
		// 第十四条 is checked first: a prohibited column refuses the file even
		// when --ignore-unknown would have skipped it.
		if hit, bad := cat.ProhibitedHeader(item, h); bad {
			return nil, prohibitedColumn(file, col, h, hit)
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
	for _, name := range item.DeterminationFields() {
		if i := pos(name); i >= 0 {
			p.decidedFs = append(p.decidedFs, i)
		}
	}
	p.withdrawnF = pos(item.WithdrawnOn)
	p.validThroughF = pos(item.ValidThrough)
	p.precompute()
	return p, nil
}

// headerLookup maps the HeaderKey of every layout name and alias to its
// layout position; a numbered name (行政相对人代码_1（统一社会信用代码）) is
// also found without its number, as a joined two-row header names it.
// The first name to claim a key keeps it.
func headerLookup(item *catalog.Item, layout []string) map[string]int {
	lookup := map[string]int{}
	put := func(k string, i int) {
		if _, ok := lookup[k]; !ok && k != "" {
			lookup[k] = i
		}
	}
	for i, name := range layout {
		put(catalog.HeaderKey(name), i)
		if i < len(item.Fields) {
			for _, a := range item.Fields[i].Aliases {
				put(catalog.HeaderKey(a), i)
			}
		}
	}
	for i, name := range layout {
		put(catalog.IndexFreeKey(name), i)
	}
	return lookup
}

// HeaderFits is ReadOptions.Header.Fits for an item: a row fits when it
// names the subject's name field and at least one of its code fields (by
// name or alias, after catalog.HeaderKey); how well is the number of the
// item's columns it names.
func HeaderFits(item *catalog.Item) func(cells []string) int {
	layout := make([]string, len(item.Fields))
	for i, f := range item.Fields {
		layout[i] = f.Name
	}
	lookup := headerLookup(item, layout)
	name := item.Subject.Name
	fits := func(cells []string) int {
		haveName, haveCode, n := name == "", len(item.Subject.Codes) == 0, 0
		for _, c := range cells {
			i, ok := lookup[catalog.HeaderKey(c)]
			if !ok {
				continue
			}
			n++
			f := layout[i]
			if f == name {
				haveName = true
			}
			if slices.Contains(item.Subject.Codes, f) {
				haveCode = true
			}
		}
		if haveName && haveCode {
			return n
		}
		return 0
	}
	if len(item.Layouts) == 0 {
		return fits
	}
	// An older layout's header (catalog layouts) fits as well: the best
	// fit of any layout counts.
	var olds []func([]string) int
	for _, l := range item.Layouts {
		olds = append(olds, layoutFits(item, l))
	}
	return func(cells []string) int {
		n := fits(cells)
		for _, f := range olds {
			n = max(n, f(cells))
		}
		return n
	}
}

// layoutFits is HeaderFits for an older layout: the row names the columns
// filling the subject's name and one of its codes.
func layoutFits(item *catalog.Item, l *catalog.Layout) func(cells []string) int {
	lookup := layoutLookup(l)
	return func(cells []string) int {
		haveName, haveCode, n := false, false, 0
		for _, c := range cells {
			i, ok := lookup[catalog.HeaderKey(c)]
			if !ok {
				continue
			}
			n++
			f := l.Columns[i].Field
			haveName = haveName || f != "" && f == item.Subject.Name
			haveCode = haveCode || slices.Contains(item.Subject.Codes, f)
		}
		if haveName && haveCode {
			return n
		}
		return 0
	}
}

// precompute works out the plan's per-field lookups (see fieldPlan).
func (p *Plan) precompute() {
	it := p.Item
	p.fields = make([]fieldPlan, len(it.Fields))
	for i, f := range it.Fields {
		fp := &p.fields[i]
		fp.when, fp.idType = -1, -1
		if r := f.Required; !r.Always && r.When != "" {
			if w := it.Field(r.When); w != nil {
				fp.hasWhen, fp.when, fp.whenMulti = true, p.indexOf(w.Name), w.Multiple
				for _, v := range r.Values() {
					fp.whenVals = append(fp.whenVals, catalog.NormalizeName(v))
				}
			}
		}
		if f.IDType != "" {
			fp.idType = p.indexOf(f.IDType)
		}
		if f.Type == catalog.Enum {
			for _, a := range f.Values {
				na := catalog.NormalizeName(a)
				prefix, wild := strings.CutSuffix(na, "*")
				fp.enum = append(fp.enum, enumValue{norm: prefix, wild: wild})
			}
		}
	}
	for v, k := range it.Subject.KindValues {
		p.kinds = append(p.kinds, kindValue{norm: catalog.NormalizeName(v), kind: k})
	}
	for _, r := range it.Severity.Rules {
		p.sevFs = append(p.sevFs, p.indexOf(r.Field))
	}
}

// HasColumn reports whether the file carries the layout position i.
func (p *Plan) HasColumn(i int) bool { return p.fieldCol[i] >= 0 }

func (p *Plan) cell(cells []string, i int) string {
	c := p.fieldCol[i]
	if c < 0 || c >= len(cells) {
		return ""
	}
	// A reject report guards cells a spreadsheet could run as formulas with
	// a leading ' (tabular.GuardFormula): a resubmitted report gets its
	// values back (tabular.UnguardFormula says exactly which cells).
	return catalog.TrimSpace(tabular.UnguardFormula(cells[c]))
}

// isIDType reports whether a 证件类型 value names the 居民身份证.
func isIDType(v string) bool {
	v = catalog.TrimSpace(v)
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
		kind = p.kindFor(c.Values[p.kindF])
	}
	for i, f := range p.Item.Fields {
		p.checkField(c, i, f, kind)
	}
	if p.negative {
		p.checkExtras(c)
	}
	p.checkOwnIncome(c)
	if len(c.Problems) > 0 {
		return c
	}
	p.derive(c, kind)
	return c
}

// kindFor is Item.Subject.KindFor with the kind values normalised once.
func (p *Plan) kindFor(value string) catalog.SubjectKind {
	n := catalog.NormalizeName(value)
	for _, k := range p.kinds {
		if k.norm == n {
			return k.kind
		}
	}
	return ""
}

// required is Item.Required for a field that is not always required, with
// the catalog looked up once (fieldPlan).
func (p *Plan) required(c *Checked, fp *fieldPlan) bool {
	if !fp.hasWhen {
		return false
	}
	cell := ""
	if fp.when >= 0 {
		cell = c.Values[fp.when]
	}
	for _, nv := range fp.whenVals {
		if catalog.HasNormalized(fp.whenMulti, cell, nv) {
			return true
		}
	}
	return false
}

func (p *Plan) checkField(c *Checked, i int, f *catalog.Field, kind catalog.SubjectKind) {
	v := c.Values[i]
	fp := &p.fields[i]
	if v == "" {
		if f.Required.Always {
			c.fail(f.Name, "required", "必填项为空")
		} else if p.required(c, fp) {
			c.fail(f.Name, "required", "%s为“%s”时必填", f.Required.When, Excerpt(c.Values[p.indexOf(f.Required.When)]))
		}
		return
	}
	// A string has no more characters than bytes: count only long ones.
	if f.Length > 0 && len(v) > f.Length && runeLen(v) > f.Length {
		c.fail(f.Name, "length", "长度 %d 超过上限 %d", runeLen(v), f.Length)
		return
	}
	switch f.Type {
	case catalog.USCC, catalog.IDNumber, catalog.PartyCode:
		if kind, bad := excelDamage(v); bad {
			zh, _ := excelDamageText(kind, Excerpt(v))
			c.fail(f.Name, ReasonExcelNumber, "%s", zh)
			return
		}
	}
	switch f.Type {
	case catalog.Date:
		d, ok := ParseDate(v)
		if !ok && p.Serial {
			d, ok = ExcelSerialToDate(v)
		}
		if !ok {
			c.fail(f.Name, "date_invalid", "“%s”不是有效日期（应为 YYYY-MM-DD 等格式的真实日期）", Excerpt(v))
			return
		}
		if f.NotAfterToday && d.After(p.Today) {
			c.fail(f.Name, "date_future", "日期 %s 晚于今天 %s", d, p.Today)
			return
		}
		c.Values[i] = dateText(d, v)
	case catalog.Money:
		a, ok := ParseAmount(v)
		if !ok {
			c.fail(f.Name, "amount", "“%s”不是有效金额（应为非负数）", Excerpt(v))
			return
		}
		c.Values[i] = a
	case catalog.Number:
		v = civil.Fold(v) // －１２ typed full width
		a, ok := ParseAmount(strings.TrimPrefix(v, "-"))
		if !ok {
			c.fail(f.Name, "type", "“%s”不是数字", Excerpt(v))
			return
		}
		if strings.HasPrefix(v, "-") && a != "0" {
			if v[1:] == a {
				a = v
			} else {
				a = "-" + a
			}
		}
		c.Values[i] = a
	case catalog.USCC:
		p.checkUSCC(c, i, f.Name, v)
	case catalog.IDNumber:
		// With a document-type field, only a 身份证 (or an unstated type) is
		// checked as a 身份证号码; a passport number is free text.
		if f.IDType != "" {
			if t := fp.idType; t >= 0 && c.Values[t] != "" && !isIDType(c.Values[t]) {
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
		p.checkEnum(c, i, f, fp, v)
	}
}

// dateText is d.String(), or v itself when that is what v already says.
func dateText(d civil.Date, v string) string {
	var buf [10]byte
	b := d.Append(buf[:0])
	if string(b) == v {
		return v
	}
	return string(b)
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

func (p *Plan) checkEnum(c *Checked, i int, f *catalog.Field, fp *fieldPlan, v string) {
	// allowedAll is a fast yes; f.BadValues has the last word otherwise.
	if !fp.allowedAll(f.Multiple, v) {
		if bad := f.BadValues(v); len(bad) > 0 {
			c.fail(f.Name, "enum", "“%s”不在代码表中（可选：%s）", Excerpt(strings.Join(bad, "、")), strings.Join(f.Values, "、"))
			return
		}
	}
	if f.Multiple {
		c.Values[i] = joinMultiple(v)
	}
}

// allows is catalog.Field.Allows for an enum field's part v.
func (fp *fieldPlan) allows(v string) bool {
	n := catalog.NormalizeName(v)
	for _, a := range fp.enum {
		if a.wild {
			if len(n) > len(a.norm) && strings.HasPrefix(n, a.norm) {
				return true
			}
			continue
		}
		if n == a.norm {
			return true
		}
	}
	return false
}

// allowedAll reports whether every part of the enum cell v is allowed, that
// is whether catalog.Field.BadValues(v) is empty, for a non-empty cell.
func (fp *fieldPlan) allowedAll(multiple bool, v string) bool {
	if !multiple {
		return fp.allows(catalog.TrimSpace(v))
	}
	for rest, more := v, true; more; {
		var part string
		part, rest, more = catalog.CutMultiple(rest)
		if part = catalog.TrimSpace(part); part != "" && !fp.allows(part) {
			return false
		}
	}
	return true
}

// joinMultiple is strings.Join(catalog.SplitMultiple(v), "；"), which is v
// itself when v's parts are trimmed, none is empty and ； parts them all.
func joinMultiple(v string) string {
	for rest := v; ; {
		part, after, found := catalog.CutMultiple(rest)
		if part == "" || catalog.TrimSpace(part) != part || (found && !strings.HasPrefix(rest[len(part):], "；")) {
			return strings.Join(catalog.SplitMultiple(v), "；")
		}
		if !found {
			return v
		}
		rest = after
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
		c.fail(ColSeverity, "enum", "“%s”无效（可选：一般、严重）", Excerpt(v))
	}
	if v := c.Values[base+1]; v != "" && v != "一般程序" && v != "简易程序" {
		c.fail(ColProcedure, "enum", "“%s”无效（可选：一般程序、简易程序）", Excerpt(v))
	}
	switch v := c.Values[base+4]; v {
	case "", "是", "否":
	case "Y", "y", "1":
		c.Values[base+4] = "是"
	case "N", "n", "0":
		c.Values[base+4] = "否"
	default:
		c.fail(ColLegalRepResponsible, "enum", "“%s”无效（可选：是、否）", Excerpt(v))
	}
	for k, col := range []string{ColPrincipal, ColDirect} {
		v := c.Values[base+2+k]
		if v == "" {
			continue
		}
		var norm []string
		for _, x := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == '；' || r == '、' || r == ',' || r == '，' }) {
			if kind, bad := excelDamage(x); bad {
				zh, _ := excelDamageText(kind, Excerpt(x))
				c.fail(col, ReasonExcelNumber, "%s", zh)
				break
			}
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
	res := ident.Check(c.SubjectCode)
	if kind == "" {
		if res.Valid && res.Kind == ident.NaturalPerson {
			kind = catalog.NaturalPerson
		} else if res.Valid && res.Kind == ident.IndividualBusiness {
			kind = catalog.IndividualBusiness
		} else {
			kind = catalog.Organisation
		}
	}
	switch {
	case !res.Valid:
		c.fail(first, "type", "信息主体代码“%s”无效：%s", Excerpt(c.SubjectCode), res.Reason)
		return
	case kind == catalog.NaturalPerson && res.Type != ident.TypeID:
		c.fail(first, "type", "自然人应以身份证号码建档，“%s”不是身份证号码", Excerpt(c.SubjectCode))
		return
	case kind != catalog.NaturalPerson && res.Type != ident.TypeUSCC:
		c.fail(first, "type", "法人、非法人组织和个体工商户应以统一社会信用代码建档，“%s”不是统一社会信用代码", Excerpt(c.SubjectCode))
		return
	}
	c.SubjectCode, c.SubjectKind = res.Code, kind
	if p.nameF >= 0 {
		c.SubjectName = c.Values[p.nameF]
	}
	if p.repF >= 0 {
		c.LegalRep = c.Values[p.repF]
	}
	// 第三十条: the day the act was determined (认定), from the first of the
	// item's determination fields that has a value.
	for _, i := range p.decidedFs {
		if c.Values[i] != "" {
			c.DecidedOn, _ = civil.Parse(c.Values[i])
			break
		}
	}
	// 第二条: natural-person subjects have full civil capacity on the
	// decision date (capacity.go).
	if kind == catalog.NaturalPerson && !p.fullCapacity(c, first) {
		return
	}
	var keyBuf [8]string // no allocation for the usual few key fields
	var keys []string
	if n := len(p.keyFs); n <= len(keyBuf) {
		keys = keyBuf[:n]
	} else {
		keys = make([]string, n)
	}
	for k, i := range p.keyFs {
		if i >= 0 {
			keys[k] = upper(c.Values[i])
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
			if c.Severity == catalog.Serious && isLegalPerson(kind, res.Kind) {
				c.Links = p.links(c)
			}
		}
	}
	// 第三十条 for negative records; an item's own validity for the others
	// (a 表彰奖励 or 信用承诺 the city uses for 3 years). None for a 简易程序
	// penalty stored as other information. The 认定单位's own withdrawal (a
	// court removing a 失信被执行人 from its list) ends it at once.
	var withdrawn civil.Date
	if p.withdrawnF >= 0 && c.Values[p.withdrawnF] != "" {
		withdrawn, _ = civil.Parse(c.Values[p.withdrawnF])
	}
	var through civil.Date
	if p.validThroughF >= 0 && c.Values[p.validThroughF] != "" {
		through, _ = civil.Parse(c.Values[p.validThroughF])
	}
	c.ValidUntil = p.Catalog.LastValidDay(it, c.Category, c.Severity, c.DecidedOn, withdrawn, through)
}

// isLegalPerson reports whether a subject may be a 严重失信法人 of 第二十九条:
// an organisation the row does not mark as 非法人组织, and whose code is not a
// 个体工商户's (USCC 92…). A 法人及非法人组织 row that nothing distinguishes
// is taken for a 法人; it is linked only to the persons the provider marked
// responsible, so the provider's marking is what decides.
func isLegalPerson(kind catalog.SubjectKind, code ident.Kind) bool {
	return kind == catalog.Organisation && code != ident.IndividualBusiness
}

func (p *Plan) severity(c *Checked) catalog.Severity {
	switch c.Values[len(p.Item.Fields)] {
	case "严重":
		return catalog.Serious
	case "一般":
		return catalog.General
	}
	for k, r := range p.Item.Severity.Rules {
		if i := p.sevFs[k]; i >= 0 {
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
	add := func(code, name, role string) {
		id, err := ident.ParseID(code)
		if err != nil {
			return
		}
		for _, l := range out { // a person once per role
			if l.Code == id.String() && l.Role == role {
				return
			}
		}
		out = append(out, Link{Code: id.String(), Name: name, Role: role})
	}
	base := len(p.Item.Fields)
	// The legal representative only when the provider found them
	// responsible: being named in the row is identification, not a finding.
	if p.repIDF >= 0 && c.Values[p.repIDF] != "" && c.Values[base+4] == "是" {
		add(c.Values[p.repIDF], c.LegalRep, "legal_rep")
	}
	for k, role := range [2]string{"principal", "direct"} {
		// The ;-separated codes of checkExtras, without strings.Split.
		for rest, more := c.Values[base+2+k], true; more; {
			var code string
			code, rest, more = strings.Cut(rest, ";")
			if code != "" {
				add(code, "", role)
			}
		}
	}
	return out
}

// upper is strings.ToUpper, returning s at once when it holds only ASCII
// other than a–z and characters U+3000–U+9FFF (CJK punctuation, kana and
// ideographs), which have no upper case.
func upper(s string) string {
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c < utf8.RuneSelf && (c < 'a' || c > 'z'):
			i++
		case c >= 0xE3 && c <= 0xE9 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80:
			i += 3
		default:
			return strings.ToUpper(s)
		}
	}
	return s
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }
