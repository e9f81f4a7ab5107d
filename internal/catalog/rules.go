package catalog

import (
	"strings"

	"credit/internal/civil"
)

// FieldByHeader finds the field a file header (or a reference in the catalog
// file) names: its name or one of its aliases, compared after NormalizeName.
func (it *Item) FieldByHeader(h string) *Field {
	n := NormalizeName(h)
	if n == "" {
		return nil
	}
	for _, f := range it.Fields {
		if NormalizeName(f.Name) == n {
			return f
		}
	}
	for _, f := range it.Fields {
		for _, a := range f.Aliases {
			if NormalizeName(a) == n {
				return f
			}
		}
	}
	return nil
}

// FieldNames lists the item's field names in order.
func (it *Item) FieldNames() []string {
	out := make([]string, len(it.Fields))
	for i, f := range it.Fields {
		out[i] = f.Name
	}
	return out
}

// CutMultiple cuts the value of a multiple field around its first separator
// (；, ; or 、): SplitMultiple's parts are the non-empty trimmed pieces
// between separators. found is false when v holds no separator.
func CutMultiple(v string) (before, after string, found bool) {
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case ';':
			return v[:i], v[i+1:], true
		case 0xEF: // ； U+FF1B
			if i+2 < len(v) && v[i+1] == 0xBC && v[i+2] == 0x9B {
				return v[:i], v[i+3:], true
			}
		case 0xE3: // 、 U+3001
			if i+2 < len(v) && v[i+1] == 0x80 && v[i+2] == 0x81 {
				return v[:i], v[i+3:], true
			}
		}
	}
	return v, "", false
}

// SplitMultiple splits the value of a multiple field at ；, ; and 、.
func SplitMultiple(v string) []string {
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == '；' || r == ';' || r == '、' })
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Allows reports whether v is one of an enum field's values, compared after
// NormalizeName. A value ending in * (e.g. 其他-*) admits anything that starts
// with its prefix and has more after it. Fields of other types allow anything.
func (f *Field) Allows(v string) bool {
	if f.Type != Enum {
		return true
	}
	n := NormalizeName(v)
	for _, a := range f.Values {
		na := NormalizeName(a)
		if prefix, wild := strings.CutSuffix(na, "*"); wild {
			if len(n) > len(prefix) && strings.HasPrefix(n, prefix) {
				return true
			}
			continue
		}
		if n == na {
			return true
		}
	}
	return false
}

// BadValues are the parts of a cell an enum field does not allow (each part
// of a multiple field). Empty cells are the required rule's business.
func (f *Field) BadValues(cell string) []string {
	if f.Type != Enum || strings.TrimSpace(cell) == "" {
		return nil
	}
	parts := []string{strings.TrimSpace(cell)}
	if f.Multiple {
		parts = SplitMultiple(cell)
	}
	var bad []string
	for _, p := range parts {
		if !f.Allows(p) {
			bad = append(bad, p)
		}
	}
	return bad
}

// Has reports whether a cell of f holds value v: one of its parts for a
// multiple field, the whole (normalised) cell otherwise.
func (f *Field) Has(cell, v string) bool {
	return HasNormalized(f.Multiple, cell, NormalizeName(v))
}

// HasNormalized is Field.Has for a field that is multiple or not and a value
// already normalised (NormalizeName), so a caller checking many cells
// normalises its values once.
func HasNormalized(multiple bool, cell, nv string) bool {
	if !multiple {
		return NormalizeName(cell) == nv
	}
	for rest, more := cell, true; more; {
		var p string
		p, rest, more = CutMultiple(rest)
		if p = TrimSpace(p); p != "" && NormalizeName(p) == nv {
			return true
		}
	}
	return false
}

// Required reports whether f must be filled in a row whose cells get returns
// (by field name): always, or when the field named by f.Required.When holds
// one of the requirement's values (any of the parts of a multiple field).
func (it *Item) Required(f *Field, get func(field string) string) bool {
	r := f.Required
	if r.Always {
		return true
	}
	if r.When == "" {
		return false
	}
	w := it.Field(r.When)
	if w == nil {
		return false
	}
	cell := get(w.Name)
	if r.Equals != "" && w.Has(cell, r.Equals) { // r.Values() without building it
		return true
	}
	for _, v := range r.In {
		if w.Has(cell, v) {
			return true
		}
	}
	return false
}

// DecideSeverity decides a negative record's severity when the row has no 失信程度
// column: the first rule whose field holds one of its values (a part of a
// multiple field, else a substring of the cell), else the default.
func (it *Item) DecideSeverity(get func(field string) string) Severity {
	for _, c := range it.Severity.Rules {
		f := it.Field(c.Field)
		cell := get(c.Field)
		for _, v := range c.Contains {
			if f != nil && f.Multiple {
				if f.Has(cell, v) {
					return c.Level
				}
			} else if strings.Contains(NormalizeName(cell), NormalizeName(v)) {
				return c.Level
			}
		}
	}
	if it.Severity.Default == "" {
		return General
	}
	return it.Severity.Default
}

// KindFor maps a value of the subject's kind field to a subject kind.
func (s SubjectFields) KindFor(value string) (SubjectKind, bool) {
	n := NormalizeName(value)
	for v, k := range s.KindValues {
		if NormalizeName(v) == n {
			return k, true
		}
	}
	return "", false
}

// IsPersonal reports whether a field of a record about a subject of kind is
// personal information (masked outside the office and shared scopes, SPEC
// §C): the fields marked personal, and for a natural person also the
// subject's name and code fields.
func (it *Item) IsPersonal(f *Field, kind SubjectKind) bool {
	if f.Personal {
		return true
	}
	if kind != NaturalPerson {
		return false
	}
	if f.Name == it.Subject.Name {
		return true
	}
	for _, c := range it.Subject.Codes {
		if f.Name == c {
			return true
		}
	}
	return false
}

// ValidityFor is how long a record of it with severity s may be used (第三十条):
// the item's own validity, else for a negative item the policy's. The zero
// period means no limit (a non-negative item without validity).
func (c *Catalog) ValidityFor(it *Item, s Severity) Period {
	v := c.Policy.Validity
	switch {
	case it != nil && it.Validity != nil:
		v = *it.Validity
	case it != nil && it.Category != Negative:
		return Period{}
	}
	if s == Serious {
		return v.Serious
	}
	return v.General
}

// ValidThrough is the last day a record determined on d may be used (SPEC §B:
// valid through the same month and day after the period; expired from the
// next day). ok is false when the period has no limit.
func (p Period) ValidThrough(d civil.Date) (last civil.Date, ok bool) {
	if p.IsZero() {
		return civil.Date{}, false
	}
	return p.AddTo(d), true
}

// RosterReportDue is the last day a red/black list determination made on
// determined may be reported (第十七条: 于下月内 — the end of the next month).
func (p Policy) RosterReportDue(determined civil.Date) civil.Date {
	if p.RosterReportLag == "" || p.RosterReportLag == EndOfNextMonth {
		return determined.EndOfMonth().AddDays(1).EndOfMonth()
	}
	if per, err := ParsePeriod(p.RosterReportLag); err == nil {
		return per.AddTo(determined)
	}
	return determined.EndOfMonth().AddDays(1).EndOfMonth()
}
