package catalog

import (
	"sort"
	"strconv"
	"strings"
)

// Older file layouts of an item (issue 22). Many systems still export the
// older national 双公示 layout (处罚名称, 处罚类别1, 处罚类别2, 处罚事由,
// 行政相对人代码_2(组织机构代码) … _5(居民身份证号), 法定代表人姓名, 当前状态;
// English codes CF_CFMC, CF_CFLB1, CF_XDR_SFZ …), whose 代码_2…_5 mean other
// things than today's 代码_2…_6. A layout says, as catalog data an office
// can correct, which of its columns fills which of today's fields, which
// fields are derived when the file lacks them, and which of today's
// required fields the layout cannot give. The import (internal/ingest)
// picks the layout whose columns name the whole header.

// Layout is one older layout of an item's files.
type Layout struct {
	Name string // e.g. 双公示旧版
	// Source says where the layout's columns and meanings come from.
	Source string
	// Confirmed is true only when Source is an official text; layouts
	// known only from systems that implement them ship unconfirmed.
	Confirmed bool
	Note      string
	Columns   []*LayoutColumn
	Derive    []Derivation
	// Optional are today's fields that are required in today's layout but
	// that this layout cannot give: not required of its files.
	Optional []string
}

// LayoutColumn is one column of an older layout.
type LayoutColumn struct {
	Name    string
	Aliases []string // e.g. the English column code CF_CFLB1
	// Field is today's field the column fills; empty: the column is read
	// and not stored (today's catalog has no field for it). Several
	// columns filling one field are joined with "；" in column order.
	Field string
	// Map replaces a whole cell value (e.g. the code 1 of 处罚类别1 by 罚款)
	// before it is stored.
	Map map[string]string
	// Accept, when set, lists the only values a row may hold in this
	// column ("" for a blank cell); a row with another value is rejected
	// with Note as the reason.
	Accept []string
	Note   string
}

// Derivation gives a field the file's layout lacks.
type Derivation struct {
	Field string
	// From is DeriveProviderCode or DeriveProviderName: the provider that
	// sent the file (credit provider add). Empty: Value.
	From  string
	Value string
	// IfFilled names a field (today's) that must hold a value for the
	// derivation to apply, and Prefix what that value must start with.
	// Derivations of one field are tried in order; the first that applies
	// is used.
	IfFilled string
	Prefix   string
	// CheckName names a field (today's) holding the provider's name in a
	// row: a row whose value there is not empty and is not the provider's
	// registered name is rejected, as the code derived from the provider
	// would not be that body's.
	CheckName string
}

// Sources of a derivation.
const (
	DeriveProviderCode = "provider_code"
	DeriveProviderName = "provider_name"
)

var (
	layoutKeys       = []string{"name", "source", "confirmed", "note", "columns", "derive", "optional"}
	layoutColumnKeys = []string{"name", "aliases", "field", "map", "accept", "note"}
	derivationKeys   = []string{"field", "from", "value", "if_filled", "prefix", "check_name"}
	derivationFroms  = []string{DeriveProviderCode, DeriveProviderName}
)

// layouts decodes an item's layouts and checks them against its fields.
func (d *decoder) layouts(o *obj, path string, it *Item, ref func(string, string) *Field) []*Layout {
	var out []*Layout
	names := map[string]bool{}
	for i, n := range o.seq("layouts", false) {
		lp := index(join(path, "layouts"), i)
		lo := d.object(n, lp, layoutKeys)
		if lo == nil {
			continue
		}
		l := &Layout{Name: lo.str("name", true), Source: lo.str("source", true), Confirmed: lo.boolean("confirmed"), Note: lo.str("note", false)}
		if names[NormalizeName(l.Name)] && l.Name != "" {
			d.at(join(lp, "name"), "格式名 %q 重复", "the layout name %q is used twice", l.Name)
		}
		names[NormalizeName(l.Name)] = true
		// Each column name and alias once, by the key the import compares.
		seen := map[string]string{}
		filled := map[string]bool{}
		for j, cn := range lo.seq("columns", true) {
			cp := index(join(lp, "columns"), j)
			co := d.object(cn, cp, layoutColumnKeys)
			if co == nil {
				continue
			}
			c := &LayoutColumn{Name: co.str("name", true), Aliases: co.strList("aliases", false), Field: co.str("field", false), Note: co.str("note", false)}
			for k, name := range append([]string{c.Name}, c.Aliases...) {
				p := join(cp, "name")
				if k > 0 {
					p = index(join(cp, "aliases"), k-1)
				}
				key := HeaderKey(name)
				if prev, dup := seen[key]; dup && key != "" {
					d.at(p, "列名 %q 重复（与 %s 相同）", "the column name %q is used twice (same as %s)", name, prev)
				}
				seen[key] = p
			}
			if c.Field != "" {
				if f := ref(c.Field, join(cp, "field")); f != nil {
					c.Field = f.Name
					if filled[f.Name] && !(f.Type == Text || f.Type == Enum && f.Multiple) {
						d.at(join(cp, "field"), "只有 text 字段或多值 enum 字段可由几列合并填写；%q 是 %s", "only a text field or a multiple enum field can be filled by several columns joined; %q is %s", f.Name, f.Type)
					}
					filled[f.Name] = true
				}
			}
			if mn := co.get("map"); mn != nil {
				if mn.kind != mapNode {
					d.wrongKindAt(co.line("map"), mn, join(cp, "map"), mapNode)
				} else {
					c.Map = map[string]string{}
					for _, e := range mn.keys {
						if e.val.kind != scalarNode {
							d.wrongKindAt(e.line, e.val, join(join(cp, "map"), e.key), scalarNode)
							continue
						}
						c.Map[strings.TrimSpace(e.key)] = strings.TrimSpace(e.val.value)
					}
				}
				if c.Field == "" {
					d.at(join(cp, "map"), "map 只用于填写字段的列（请写 field）", "map applies only to a column that fills a field (give field)")
				}
			}
			if an := co.get("accept"); an != nil {
				if an.kind != seqNode {
					d.wrongKindAt(co.line("accept"), an, join(cp, "accept"), seqNode)
				} else {
					for _, v := range an.items {
						if v.kind == nullNode {
							c.Accept = append(c.Accept, "")
							continue
						}
						c.Accept = append(c.Accept, strings.TrimSpace(v.value))
					}
				}
				if c.Note == "" {
					d.at(join(cp, "note"), "有 accept 的列须写 note，说明其他取值为何拒收", "a column with accept needs a note saying why other values are rejected")
				}
			}
			l.Columns = append(l.Columns, c)
		}
		for j, dn := range lo.seq("derive", false) {
			dp := index(join(lp, "derive"), j)
			do := d.object(dn, dp, derivationKeys)
			if do == nil {
				continue
			}
			dv := Derivation{Field: do.str("field", true), From: do.enum("from", false, derivationFroms), Value: do.str("value", false),
				IfFilled: do.str("if_filled", false), Prefix: do.str("prefix", false), CheckName: do.str("check_name", false)}
			if f := ref(dv.Field, join(dp, "field")); f != nil {
				dv.Field = f.Name
				if dv.Value != "" && f.Type == Enum && !f.Allows(dv.Value) {
					d.notAValue(join(dp, "value"), dv.Value, f)
				}
			}
			if (dv.From == "") == (dv.Value == "") {
				d.at(dp, "派生须写 from 或 value 之一", "a derivation gives exactly one of from and value")
			}
			if dv.Prefix != "" && dv.IfFilled == "" {
				d.at(join(dp, "prefix"), "prefix 须与 if_filled 同用", "prefix needs if_filled")
			}
			for _, k := range []*string{&dv.IfFilled, &dv.CheckName} {
				if *k != "" {
					if f := ref(*k, dp); f != nil {
						*k = f.Name
					}
				}
			}
			l.Derive = append(l.Derive, dv)
		}
		for j, name := range lo.strList("optional", false) {
			if f := ref(name, index(join(lp, "optional"), j)); f != nil {
				l.Optional = append(l.Optional, f.Name)
			}
		}
		// The layout must name the subject: its name column and a code.
		name, code := false, false
		for _, c := range l.Columns {
			name = name || c.Field != "" && c.Field == it.Subject.Name
			code = code || contains(it.Subject.Codes, c.Field)
		}
		if it.Subject.Name != "" && (!name || !code && len(it.Subject.Codes) > 0) {
			d.at(join(lp, "columns"), "格式须有填写主体名称（%s）和主体代码（%s 之一）的列", "a layout needs columns filling the subject's name (%s) and one of its codes (%s)", it.Subject.Name, strings.Join(it.Subject.Codes, "、"))
		}
		out = append(out, l)
	}
	return out
}

// layoutEntries are a layout's keys as one-line flow values (export, diff).
func layoutEntries(l *Layout) []kvPair {
	e := []kvPair{{"name", quote(l.Name)}, {"source", quote(l.Source)}}
	if l.Confirmed {
		e = append(e, kvPair{"confirmed", "true"})
	}
	if l.Note != "" {
		e = append(e, kvPair{"note", quote(l.Note)})
	}
	if len(l.Optional) > 0 {
		e = append(e, kvPair{"optional", flowList(l.Optional)})
	}
	return e
}

func flowLayoutColumn(c *LayoutColumn) string {
	e := []kvPair{{"name", quote(c.Name)}}
	if len(c.Aliases) > 0 {
		e = append(e, kvPair{"aliases", flowList(c.Aliases)})
	}
	if c.Field != "" {
		e = append(e, kvPair{"field", quote(c.Field)})
	}
	if len(c.Map) > 0 {
		keys := make([]string, 0, len(c.Map))
		for k := range c.Map {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		pairs := make([]kvPair, len(keys))
		for i, k := range keys {
			pairs[i] = kvPair{quote(k), quote(c.Map[k])}
		}
		e = append(e, kvPair{"map", flowMap(pairs)})
	}
	if c.Accept != nil {
		q := make([]string, len(c.Accept))
		for i, v := range c.Accept {
			q[i] = strconv.Quote(v)
		}
		e = append(e, kvPair{"accept", "[" + strings.Join(q, ", ") + "]"})
	}
	if c.Note != "" {
		e = append(e, kvPair{"note", quote(c.Note)})
	}
	return flowMap(e)
}

func flowDerivation(dv Derivation) string {
	e := []kvPair{{"field", quote(dv.Field)}}
	if dv.From != "" {
		e = append(e, kvPair{"from", quote(dv.From)})
	}
	if dv.Value != "" {
		e = append(e, kvPair{"value", quote(dv.Value)})
	}
	if dv.IfFilled != "" {
		e = append(e, kvPair{"if_filled", quote(dv.IfFilled)})
	}
	if dv.Prefix != "" {
		e = append(e, kvPair{"prefix", strconv.Quote(dv.Prefix)})
	}
	if dv.CheckName != "" {
		e = append(e, kvPair{"check_name", quote(dv.CheckName)})
	}
	return flowMap(e)
}

// layoutText is the whole layout on one line (catalog diff).
func layoutText(l *Layout) string {
	var parts []string
	for _, e := range layoutEntries(l) {
		parts = append(parts, e.k+": "+unquote(e.v))
	}
	for _, c := range l.Columns {
		parts = append(parts, "columns: "+flowLayoutColumn(c))
	}
	for _, dv := range l.Derive {
		parts = append(parts, "derive: "+flowDerivation(dv))
	}
	return strings.Join(parts, "; ")
}
