package ingest

import (
	"fmt"
	"slices"
	"strings"

	"credit/internal/catalog"
)

// Files in an older layout of the item (catalog.Layout, issue 22): the
// older national 双公示 layout whose 代码_2…_5 mean other things than
// today's. The layout whose columns name the whole header is chosen
// (today's first); its rows are then read as rows of today's fields — the
// cells of several columns joined, values mapped, missing fields derived
// from the provider that sent the file — and checked by the same Plan as a
// file in today's layout. The reject report gives such rows under today's
// column names, so that the provider can resend them in today's layout.

// ProviderInfo is the provider that sent the file, for derivations.
type ProviderInfo struct {
	Code string
	Name string
}

// layoutView reads rows of an older layout as rows of today's fields.
type layoutView struct {
	layout   *catalog.Layout
	header   []string            // today's field names the view fills, in the item's order
	from     [][]int             // per view column: the file's columns joined into it
	maps     []map[string]string // per file column: its value map (nil: none)
	derive   [][]catalog.Derivation
	checks   []int // per view column: the column whose name must be the provider's (-1: none)
	accept   []acceptColumn
	provider ProviderInfo
	provKey  string // the provider's name, normalised
}

type acceptColumn struct {
	col    int
	name   string
	values []string // normalised
	note   string
}

// layoutKnown counts the header cells a layout's columns name (known) and
// those it does not (unknown).
func layoutLookup(l *catalog.Layout) map[string]int {
	lookup := map[string]int{}
	put := func(k string, i int) {
		if _, ok := lookup[k]; !ok && k != "" {
			lookup[k] = i
		}
	}
	for i, c := range l.Columns {
		put(catalog.HeaderKey(c.Name), i)
		for _, a := range c.Aliases {
			put(catalog.HeaderKey(a), i)
		}
	}
	for i, c := range l.Columns {
		put(catalog.IndexFreeKey(c.Name), i)
	}
	return lookup
}

func countKnown(header []string, known func(string) bool) (n, unknown int) {
	for _, h := range header {
		k := catalog.HeaderKey(h)
		if k == "" || reportColumn(strings.TrimSpace(h)) {
			continue
		}
		if known(k) {
			n++
		} else {
			unknown++
		}
	}
	return n, unknown
}

// chooseLayout is the layout a header is in: nil for today's. Today's
// layout wins when it names every column; else the first older layout that
// does; else the one naming the fewest unknown columns (today's on a tie),
// whose unknown columns the error then lists.
func chooseLayout(item *catalog.Item, header []string) *catalog.Layout {
	if len(item.Layouts) == 0 {
		return nil
	}
	names := make([]string, 0, len(item.Fields)+len(ExtraColumns))
	for _, f := range item.Fields {
		names = append(names, f.Name)
	}
	if item.Category == catalog.Negative {
		names = append(names, ExtraColumns...)
	}
	today := headerLookup(item, names)
	_, best := countKnown(header, func(k string) bool { _, ok := today[k]; return ok })
	if best == 0 {
		return nil
	}
	var chosen *catalog.Layout
	for _, l := range item.Layouts {
		lk := layoutLookup(l)
		_, unknown := countKnown(header, func(k string) bool { _, ok := lk[k]; return ok })
		if unknown < best {
			chosen, best = l, unknown
		}
	}
	return chosen
}

// newLayoutView matches the file's header to the layout's columns. Like
// NewPlan it refuses a column 第十四条 prohibits, an unknown column (unless
// ignoreUnknown) and a column named twice.
func newLayoutView(cat *catalog.Catalog, item *catalog.Item, l *catalog.Layout, header []string, ignoreUnknown bool, file string, prov ProviderInfo) (*layoutView, error) {
	v := &layoutView{layout: l, provider: prov, provKey: catalog.NormalizeName(prov.Name), maps: make([]map[string]string, len(header))}
	lookup := layoutLookup(l)
	byField := map[string][]int{}
	seen := map[int]int{}
	var unknown []string
	for col, h := range header {
		k := catalog.HeaderKey(h)
		if k == "" || reportColumn(strings.TrimSpace(h)) {
			continue
		}
		if hit, bad := cat.ProhibitedHeader(item, h); bad {
			return nil, prohibitedColumn(file, col, h, hit)
		}
		i, ok := lookup[k]
		if !ok {
			unknown = append(unknown, h)
			continue
		}
		if prev, dup := seen[i]; dup {
			return nil, &FileError{Reason: "unknown_column", Line: 1,
				Zh: fmt.Sprintf("%s：列“%s”与第 %d 列重复（同一列出现两次）", file, h, prev+1),
				En: fmt.Sprintf("%s: column %q repeats column %d (the same column twice)", file, h, prev+1)}
		}
		seen[i] = col
		c := l.Columns[i]
		if c.Accept != nil {
			a := acceptColumn{col: col, name: h, note: c.Note}
			for _, x := range c.Accept {
				a.values = append(a.values, catalog.NormalizeName(x))
			}
			v.accept = append(v.accept, a)
		}
		if c.Field == "" {
			continue // read, not stored: today's catalog has no field for it
		}
		v.maps[col] = c.Map
		byField[c.Field] = append(byField[c.Field], col)
	}
	if len(unknown) > 0 && !ignoreUnknown {
		return nil, &FileError{Reason: "unknown_column", Line: 1,
			Zh: fmt.Sprintf("%s：按%s格式读取（%s），目录中 %s（%s）的该格式没有这些列：%s；请改正列名，或加 --ignore-unknown 忽略它们", file, l.Name, item.Code, item.Code, item.Name, strings.Join(unknown, "、")),
			En: fmt.Sprintf("%s: read as the layout %s of item %s, which has no columns named %s; fix the header or pass --ignore-unknown", file, l.Name, item.Code, strings.Join(unknown, ", "))}
	}
	derived := map[string][]catalog.Derivation{}
	for _, d := range l.Derive {
		derived[d.Field] = append(derived[d.Field], d)
	}
	for _, f := range item.Fields {
		cols, fromFile := byField[f.Name]
		ds := derived[f.Name]
		if !fromFile && len(ds) == 0 {
			continue
		}
		v.header = append(v.header, f.Name)
		v.from = append(v.from, cols)
		v.derive = append(v.derive, ds)
	}
	v.checks = make([]int, len(v.header))
	for k := range v.header {
		v.checks[k] = -1
		for _, d := range v.derive[k] {
			if d.CheckName != "" {
				v.checks[k] = slices.Index(v.header, d.CheckName)
			}
		}
	}
	return v, nil
}

// planItem is the item as the layout's files are checked: today's fields,
// with the ones the layout cannot give (Layout.Optional) not required.
func (v *layoutView) planItem(item *catalog.Item) *catalog.Item {
	it := *item
	it.Fields = make([]*catalog.Field, len(item.Fields))
	for i, f := range item.Fields {
		if slices.Contains(v.layout.Optional, f.Name) {
			g := *f
			g.Required = catalog.Requirement{}
			f = &g
		}
		it.Fields[i] = f
	}
	return &it
}

// row reads one row of the file as a row of v.header. A row the layout
// itself refuses (a value outside a column's accepted values, a body other
// than the provider) comes back with its problem.
func (v *layoutView) row(cells []string) ([]string, *Problem) {
	cell := func(col int) string {
		if col < 0 || col >= len(cells) {
			return ""
		}
		return catalog.TrimSpace(cells[col])
	}
	out := make([]string, len(v.header))
	for k, cols := range v.from {
		var parts []string
		for _, col := range cols {
			s := cell(col)
			if s == "" {
				continue
			}
			if m := v.maps[col]; m != nil {
				if to, ok := m[s]; ok {
					s = to
				}
			}
			parts = append(parts, s)
		}
		out[k] = strings.Join(parts, "；")
	}
	var prob *Problem
	for k, ds := range v.derive {
		if out[k] != "" {
			continue
		}
		for _, d := range ds {
			if d.IfFilled != "" {
				i := slices.Index(v.header, d.IfFilled)
				if i < 0 || out[i] == "" || !strings.HasPrefix(out[i], d.Prefix) {
					continue
				}
			}
			switch d.From {
			case catalog.DeriveProviderCode:
				out[k] = v.provider.Code
			case catalog.DeriveProviderName:
				out[k] = v.provider.Name
			default:
				out[k] = d.Value
			}
			if c := v.checks[k]; c >= 0 && out[c] != "" && catalog.NormalizeName(out[c]) != v.provKey && prob == nil {
				prob = &Problem{Field: v.header[c], Reason: "layout_provider",
					Msg: fmt.Sprintf("%s：“%s”不是报送单位“%s”；%s格式没有%s，只能取报送单位的代码：请由%s自己报送，或改用现行格式填写%s",
						v.header[c], out[c], v.provider.Name, v.layout.Name, v.header[k], out[c], v.header[k])}
			}
			break
		}
	}
	for _, a := range v.accept {
		s := catalog.NormalizeName(cell(a.col))
		if !slices.Contains(a.values, s) && prob == nil {
			prob = &Problem{Field: a.name, Reason: "layout_value",
				Msg: fmt.Sprintf("%s：值“%s”不予导入：%s", a.name, Excerpt(cell(a.col)), a.note)}
		}
	}
	return out, prob
}
