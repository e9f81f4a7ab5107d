package catalog

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Marshal writes c in the catalog file format (SPEC §G), so that
// Parse(Marshal(c)) gives c back: export → edit → diff → apply. Keys come in
// a fixed order, each field on one line; comments of the applied file are not
// kept (credit catalog export writes the applied text itself when it can).
func Marshal(c *Catalog) []byte {
	var b strings.Builder
	w := func(indent int, s string) {
		b.WriteString(strings.Repeat("  ", indent))
		b.WriteString(s)
		b.WriteByte('\n')
	}
	kv := func(indent int, k, v string) { w(indent, k+": "+v) }

	w(0, "# 公共信用信息目录（credit catalog export）/ public credit catalog")
	kv(0, "jurisdiction", quote(c.Jurisdiction))
	kv(0, "version", quote(c.Version))
	kv(0, "effective", c.Effective.String())

	p := c.Policy
	w(0, "policy:")
	kv(1, "timezone", quote(p.Timezone))
	w(1, "workdays:")
	kv(2, "objection_review", strconv.Itoa(p.Workdays.ObjectionReview))
	kv(2, "provider_verification", strconv.Itoa(p.Workdays.ProviderVerification))
	kv(2, "correction", strconv.Itoa(p.Workdays.Correction))
	kv(2, "repair_opinion", strconv.Itoa(p.Workdays.RepairOpinion))
	kv(2, "repair_publicity", strconv.Itoa(p.Workdays.RepairPublicity))
	kv(2, "repair_verify", strconv.Itoa(p.Workdays.RepairVerify))
	kv(2, "warning", strconv.Itoa(p.Workdays.Warning))
	kv(2, "upward_receipt", strconv.Itoa(p.Workdays.UpwardReceipt))
	w(1, "validity:")
	kv(2, "general", p.Validity.General.String())
	kv(2, "serious", p.Validity.Serious.String())
	kv(1, "repair_clean_period", p.RepairCleanPeriod.String())
	kv(1, "repaired_retention", periodOrPermanent(p.RepairedRetention))
	kv(1, "roster_report_lag", quote(p.RosterReportLag))
	termList(w, kv, "prohibited_terms", legalTermEntries(p.ProhibitedTerms))
	termList(w, kv, "prohibited_exceptions", approvedTermEntries(p.ProhibitedExceptions))
	w(1, "lights:")
	kv(2, "reject_rate_yellow", formatFloat(p.Lights.RejectRateYellow))
	kv(2, "reject_rate_red", formatFloat(p.Lights.RejectRateRed))
	kv(2, "late_days_yellow", strconv.Itoa(p.Lights.LateDaysYellow))
	kv(2, "late_days_red", strconv.Itoa(p.Lights.LateDaysRed))
	w(1, "import_limits:")
	for _, e := range importLimitEntries(p.ImportLimits) {
		kv(2, e.k, e.v)
	}

	w(0, "items:")
	for _, it := range c.Items {
		b.WriteByte('\n')
		first := true
		item := func(k, v string) {
			line := k + ":"
			if v != "" {
				line += " " + v
			}
			if first {
				w(1, "- "+line)
				first = false
				return
			}
			w(2, line)
		}
		for _, e := range itemEntries(it) {
			item(e.k, e.v)
			switch e.k {
			case "severity":
				kv(3, "default", string(it.Severity.Default))
				if len(it.Severity.Rules) > 0 {
					w(3, "rules:")
					for _, r := range it.Severity.Rules {
						w(4, "- "+flowSeverityCase(r))
					}
				}
			case "subject":
				for _, se := range subjectEntries(it.Subject) {
					kv(3, se.k, se.v)
				}
			case "fields":
				for _, f := range it.Fields {
					w(3, "- "+flowField(f))
				}
			case "layouts":
				for _, l := range it.Layouts {
					for i, le := range layoutEntries(l) {
						lead := "  "
						if i == 0 {
							lead = "- "
						}
						w(3, lead+le.k+": "+le.v)
					}
					w(4, "columns:")
					for _, c := range l.Columns {
						w(5, "- "+flowLayoutColumn(c))
					}
					if len(l.Derive) > 0 {
						w(4, "derive:")
						for _, dv := range l.Derive {
							w(5, "- "+flowDerivation(dv))
						}
					}
				}
			}
		}
	}
	if len(c.Providers) > 0 {
		b.WriteByte('\n')
		w(0, "providers:")
		for _, pr := range c.Providers {
			w(1, "- "+flowProvider(pr))
		}
	}
	if len(c.Units) > 0 {
		b.WriteByte('\n')
		w(0, "units:")
		for _, u := range c.Units {
			w(1, "- "+flowUnit(u))
		}
	}
	return []byte(b.String())
}

type kvPair struct{ k, v string }

// itemEntries are an item's keys in file order with their one-line values;
// severity, subject and fields open a block (their value is empty).
func itemEntries(it *Item) []kvPair {
	e := []kvPair{
		{"code", quote(it.Code)},
		{"name", quote(it.Name)},
		{"category", quote(string(it.Category))},
		{"subjects", flowList(kindStrings(it.Subjects))},
		{"disclosure", quote(string(it.Disclosure))},
		{"update_cycle", quote(it.UpdateCycle)},
	}
	if len(it.Providers) > 0 {
		e = append(e, kvPair{"providers", flowList(it.Providers)})
	}
	if it.Validity != nil {
		e = append(e, kvPair{"validity", validityText(*it.Validity)})
	}
	e = append(e, kvPair{"retention", periodOrPermanent(it.Retention)})
	e = append(e, kvPair{"key", flowList(it.Key)})
	if it.KindField != "" {
		e = append(e, kvPair{"kind_field", quote(it.KindField)})
	}
	switch len(it.DeterminedOn) {
	case 0:
	case 1:
		e = append(e, kvPair{"determined_on", quote(it.DeterminedOn[0])})
	default:
		e = append(e, kvPair{"determined_on", flowList(it.DeterminedOn)})
	}
	if it.WithdrawnOn != "" {
		e = append(e, kvPair{"withdrawn_on", quote(it.WithdrawnOn)})
	}
	if it.ValidThrough != "" {
		e = append(e, kvPair{"valid_through", quote(it.ValidThrough)})
	}
	if it.ActDateField != "" {
		e = append(e, kvPair{"act_date_field", quote(it.ActDateField)})
	}
	if it.Roster != "" {
		e = append(e, kvPair{"roster", quote(it.Roster)})
	}
	if it.Upward != "" {
		e = append(e, kvPair{"upward", quote(it.Upward)})
	}
	if it.Note != "" {
		e = append(e, kvPair{"note", quote(it.Note)})
	}
	if it.Severity.Default != "" || len(it.Severity.Rules) > 0 {
		e = append(e, kvPair{"severity", ""})
	}
	e = append(e, kvPair{"subject", ""}, kvPair{"fields", ""})
	if len(it.Layouts) > 0 {
		e = append(e, kvPair{"layouts", ""})
	}
	return e
}

func subjectEntries(s SubjectFields) []kvPair {
	var e []kvPair
	add := func(k, v string) {
		if v != "" {
			e = append(e, kvPair{k, quote(v)})
		}
	}
	add("name", s.Name)
	add("kind", s.Kind)
	if len(s.Codes) > 0 {
		e = append(e, kvPair{"codes", flowList(s.Codes)})
	}
	add("legal_rep", s.LegalRep)
	add("legal_rep_id", s.LegalRepID)
	if len(s.KindValues) > 0 {
		e = append(e, kvPair{"kind_values", flowKindValues(s.KindValues)})
	}
	return e
}

func kindStrings(ks []SubjectKind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

func periodOrPermanent(p Period) string {
	if p.IsZero() {
		return Permanent
	}
	return p.String()
}

func validityText(v Validity) string {
	if v.General == v.Serious {
		return periodOrPermanent(v.General)
	}
	return "{general: " + periodOrPermanent(v.General) + ", serious: " + periodOrPermanent(v.Serious) + "}"
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// termList writes a policy list of terms: [] when empty, else one entry a
// line.
func termList(w func(int, string), kv func(int, string, string), k string, entries []string) {
	if len(entries) == 0 {
		kv(1, k, "[]")
		return
	}
	w(1, k+":")
	for _, e := range entries {
		w(2, "- "+e)
	}
}

// legalTermEntries are prohibited_terms as one-line values: {term, source},
// or the bare term an older catalog wrote without a source.
func legalTermEntries(ts []LegalTerm) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		if t.Source == "" {
			out[i] = quote(t.Term)
		} else {
			out[i] = flowMap([]kvPair{{"term", quote(t.Term)}, {"source", quote(t.Source)}})
		}
	}
	return out
}

// approvedTermEntries are prohibited_exceptions as one-line values.
func approvedTermEntries(ts []ApprovedTerm) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = flowMap([]kvPair{{"term", quote(t.Term)}, {"reason", quote(t.Reason)}})
	}
	return out
}

func flowList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func flowMap(pairs []kvPair) string {
	q := make([]string, len(pairs))
	for i, p := range pairs {
		q[i] = p.k + ": " + p.v
	}
	return "{" + strings.Join(q, ", ") + "}"
}

func flowKindValues(m map[string]SubjectKind) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	rank := func(k SubjectKind) int {
		for i, s := range subjectKinds {
			if s == string(k) {
				return i
			}
		}
		return len(subjectKinds)
	}
	sort.Slice(keys, func(i, j int) bool {
		ri, rj := rank(m[keys[i]]), rank(m[keys[j]])
		if ri != rj {
			return ri < rj
		}
		return keys[i] < keys[j]
	})
	pairs := make([]kvPair, len(keys))
	for i, k := range keys {
		pairs[i] = kvPair{quote(k), quote(string(m[k]))}
	}
	return flowMap(pairs)
}

func requirementText(r Requirement) string {
	switch {
	case r.Always:
		return "true"
	case r.When == "":
		return "false"
	case r.Equals != "":
		return flowMap([]kvPair{{"when", quote(r.When)}, {"equals", quote(r.Equals)}})
	}
	return flowMap([]kvPair{{"when", quote(r.When)}, {"in", flowList(r.In)}})
}

func fieldEntries(f *Field) []kvPair {
	e := []kvPair{{"name", quote(f.Name)}}
	if len(f.Aliases) > 0 {
		e = append(e, kvPair{"aliases", flowList(f.Aliases)})
	}
	e = append(e, kvPair{"type", quote(string(f.Type))})
	if f.Length > 0 {
		e = append(e, kvPair{"length", strconv.Itoa(f.Length)})
	}
	if f.Required.IsSet() {
		e = append(e, kvPair{"required", requirementText(f.Required)})
	}
	if len(f.Values) > 0 {
		e = append(e, kvPair{"values", flowList(f.Values)})
	}
	if f.Multiple {
		e = append(e, kvPair{"multiple", "true"})
	}
	if f.Personal {
		e = append(e, kvPair{"personal", "true"})
	}
	if f.NotAfterToday {
		e = append(e, kvPair{"not_after_today", "true"})
	}
	if f.IDType != "" {
		e = append(e, kvPair{"id_type", quote(f.IDType)})
	}
	if f.Unit != "" {
		e = append(e, kvPair{"unit", quote(f.Unit)})
	}
	return e
}

func flowField(f *Field) string { return flowMap(fieldEntries(f)) }

func flowSeverityCase(r SeverityCase) string {
	return flowMap([]kvPair{{"field", quote(r.Field)}, {"contains", flowList(r.Contains)}, {"level", quote(string(r.Level))}})
}

func flowProvider(p Provider) string {
	e := []kvPair{{"code", quote(p.Code)}, {"name", quote(p.Name)}, {"level", quote(p.Level)}}
	if len(p.Items) > 0 {
		e = append(e, kvPair{"items", flowList(p.Items)})
	}
	return flowMap(e)
}

func flowUnit(u Unit) string {
	e := []kvPair{{"code", quote(u.Code)}, {"name", quote(u.Name)}}
	if len(u.Items) > 0 {
		e = append(e, kvPair{"items", flowList(u.Items)})
	}
	return flowMap(e)
}

// quote writes s as a plain YAML scalar when that reads back as the same
// string in block and flow context, else double-quoted.
func quote(s string) string {
	if plainSafe(s) {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f || !unicode.IsPrint(r) && r != ' ' && r != '\u3000' {
				if r <= 0xffff {
					fmt.Fprintf(&b, `\u%04X`, r)
				} else {
					fmt.Fprintf(&b, `\U%08X`, r)
				}
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

var yamlWords = map[string]bool{
	"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true,
	"y": true, "n": true, "null": true, "~": true,
}

func plainSafe(s string) bool {
	if s == "" || yamlWords[strings.ToLower(s)] {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if unicode.IsSpace(first) || unicode.IsSpace(last) || first == '\u3000' || last == '\u3000' {
		return false
	}
	// Indicators at the start, and digits/signs/dots that could read as numbers or dates.
	if strings.ContainsRune("-?:,[]{}#&*!|>'\"%@`.+0123456789", first) {
		return false
	}
	for _, r := range s {
		if strings.ContainsRune(":#,[]{}\"'\\", r) || r < 0x20 || r == 0x7f || !unicode.IsPrint(r) && r != ' ' {
			return false
		}
	}
	return true
}
