package catalog

import (
	"strings"

	"credit/internal/civil"
)

// ParseStored reads a catalog version kept in a store. It is Parse, except
// that a negative item without determined_on (a catalog applied before the
// key existed) is accepted and keeps the rule of its time: the first date
// field marked not_after_today. New catalogs (catalog check, catalog apply,
// credit init) go through Parse, which requires the key.
func ParseStored(file string, data []byte) (*Catalog, error) {
	return parse(file, data, true)
}

// determination decodes determined_on and withdrawn_on (第三十条).
func (d *decoder) determination(o *obj, path string, it *Item, ref func(name, path string) *Field) {
	kp := join(path, "determined_on")
	var names []string
	if n := o.get("determined_on"); n != nil {
		if n.kind == scalarNode {
			d.lines[kp] = n.line
			if s := strings.TrimSpace(n.value); s != "" {
				names = []string{s}
			} else {
				d.at(kp, "值为空", "empty value")
			}
		} else {
			names = o.strList("determined_on", false)
		}
	}
	seen := map[string]bool{}
	for i, name := range names {
		p := kp
		if len(names) > 1 || o.get("determined_on").kind != scalarNode {
			p = index(kp, i)
		}
		f := ref(name, p)
		switch {
		case f == nil:
		case f.Type != Date:
			d.at(p, "认定日期字段 %q 不是日期字段（type: %s）：第三十条的使用期限从认定之日起算，须指向日期字段",
				"the determination field %q is not a date field (type: %s): 第三十条 counts validity from the determination date, so it must name a date field", f.Name, f.Type)
		case seen[f.Name]:
			d.at(p, "认定日期字段 %q 重复", "the determination field %q is listed twice", f.Name)
		default:
			seen[f.Name] = true
			it.DeterminedOn = append(it.DeterminedOn, f.Name)
		}
	}
	if len(names) == 0 && it.Category == Negative {
		if !d.stored {
			d.at(path, "失信信息项 %s 没有 determined_on：请指明认定日期字段（第三十条：使用期限自认定之日起算），如 determined_on: 处罚决定日期",
				"negative item %s has no determined_on: name the determination date field (第三十条: validity counts from the day the act was determined), e.g. determined_on: 处罚决定日期", it.Code)
		}
	}
	if v := o.str("valid_through", false); v != "" {
		vp := join(path, "valid_through")
		if f := ref(v, vp); f != nil {
			if f.Type != Date {
				d.at(vp, "有效期至字段 %q 不是日期字段", "the valid-through field %q is not a date field", f.Name)
			} else {
				it.ValidThrough = f.Name
			}
		}
	}
	if w := o.str("withdrawn_on", false); w != "" {
		wp := join(path, "withdrawn_on")
		if f := ref(w, wp); f != nil {
			if f.Type != Date {
				d.at(wp, "撤销日期字段 %q 不是日期字段", "the withdrawal field %q is not a date field", f.Name)
			} else {
				it.WithdrawnOn = f.Name
			}
		}
	}
}

// DeterminationFields are the fields, in order, whose first non-empty value
// is the day the record's act was determined (认定): the item's determined_on,
// else the first date field marked not_after_today (the rule before
// determined_on existed, and the decision date of items that are not
// negative).
func (it *Item) DeterminationFields() []string {
	if len(it.DeterminedOn) > 0 {
		return it.DeterminedOn
	}
	for _, f := range it.Fields {
		if f.Type == Date && f.NotAfterToday {
			return []string{f.Name}
		}
	}
	return nil
}

// DeterminationFallback reports whether the i-th determination field is a
// fallback the office chose rather than the date the text means (本办公室规则).
func (it *Item) DeterminationFallback(i int) bool { return len(it.DeterminedOn) > 1 && i > 0 }

// Determination is a record's 认定 date worked out from its values: the first
// non-empty of DeterminationFields (value looks the field's value up), and
// the index of the field it came from (-1 when none has a value).
func (it *Item) Determination(value func(field string) string) (Date string, from int) {
	for i, name := range it.DeterminationFields() {
		if v := strings.TrimSpace(value(name)); v != "" {
			return v, i
		}
	}
	return "", -1
}

// LastValidDay is the last day a record may be used (第三十条; zero: no
// end): for a negative record, or a record of an item with its own validity,
// the period of its severity counted from the determination date (SPEC §B),
// cut short by the 认定单位's withdrawal, from whose day on the record is no
// longer valid. A 简易程序 penalty stored as other information has none.
//
// validThrough is the record's own last valid day (Item.ValidThrough), zero
// when it has none: it shortens the period, never lengthens it.
func (c *Catalog) LastValidDay(it *Item, category Category, sev Severity, determined, withdrawn, validThrough civil.Date) civil.Date {
	var last civil.Date
	if category == Negative || (it.Category != Negative && it.Validity != nil) {
		if l, ok := c.ValidityFor(it, sev).ValidThrough(determined); ok && !determined.IsZero() {
			last = l
		}
		if !validThrough.IsZero() && (last.IsZero() || validThrough.Before(last)) {
			last = validThrough
		}
	}
	if !withdrawn.IsZero() {
		if end := withdrawn.AddDays(-1); last.IsZero() || end.Before(last) {
			last = end
		}
	}
	return last
}
