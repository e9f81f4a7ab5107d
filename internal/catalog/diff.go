package catalog

import (
	"strconv"
	"strings"
)

// Change is one difference between two catalogs, per key: what `credit
// catalog diff` shows before a catalog is applied.
type Change struct {
	Scope  string `json:"scope"`           // catalog | policy | item | field | provider | unit
	Item   string `json:"item,omitempty"`  // item code (item, field)
	Field  string `json:"field,omitempty"` // field name (field)
	Code   string `json:"code,omitempty"`  // provider or unit code
	Change string `json:"change"`          // added | removed | changed
	Key    string `json:"key,omitempty"`   // the key that changed (changed only)
	Old    string `json:"old,omitempty"`
	New    string `json:"new,omitempty"`
}

// Diff lists what changes from old to new: top-level keys, policy keys, items
// and fields added or removed, and each changed key of an item or field with
// its old and new value as the file writes it. A nil old is an empty catalog.
func Diff(old, new *Catalog) []Change {
	if new == nil {
		new = &Catalog{}
	}
	var out []Change
	if old == nil {
		// Nothing in force: the whole catalog is new.
		out = append(out, Change{Scope: "catalog", Change: "added", New: strings.TrimSpace(new.Jurisdiction + " " + new.Version)})
		old = &Catalog{Jurisdiction: new.Jurisdiction, Version: new.Version, Effective: new.Effective, Policy: new.Policy}
	}
	changed := func(ch Change, o, n []kvPair) {
		om := map[string]string{}
		for _, p := range o {
			om[p.k] = p.v
		}
		nm := map[string]string{}
		for _, p := range n {
			nm[p.k] = p.v
		}
		seen := map[string]bool{}
		for _, list := range [][]kvPair{o, n} {
			for _, p := range list {
				if seen[p.k] {
					continue
				}
				seen[p.k] = true
				if om[p.k] != nm[p.k] {
					c := ch
					c.Change, c.Key, c.Old, c.New = "changed", p.k, om[p.k], nm[p.k]
					out = append(out, c)
				}
			}
		}
	}

	changed(Change{Scope: "catalog"}, catalogEntries(old), catalogEntries(new))
	changed(Change{Scope: "policy"}, policyEntries(old.Policy), policyEntries(new.Policy))

	for _, oi := range old.Items {
		if new.Item(oi.Code) == nil {
			out = append(out, Change{Scope: "item", Item: oi.Code, Change: "removed", Old: oi.Name})
		}
	}
	for _, ni := range new.Items {
		oi := old.Item(ni.Code)
		if oi == nil {
			out = append(out, Change{Scope: "item", Item: ni.Code, Change: "added", New: ni.Name})
			continue
		}
		changed(Change{Scope: "item", Item: ni.Code}, itemDiffEntries(oi), itemDiffEntries(ni))
		for _, of := range oi.Fields {
			if ni.Field(of.Name) == nil {
				out = append(out, Change{Scope: "field", Item: ni.Code, Field: of.Name, Change: "removed", Old: flowField(of)})
			}
		}
		for _, nf := range ni.Fields {
			of := oi.Field(nf.Name)
			if of == nil {
				out = append(out, Change{Scope: "field", Item: ni.Code, Field: nf.Name, Change: "added", New: flowField(nf)})
				continue
			}
			changed(Change{Scope: "field", Item: ni.Code, Field: nf.Name}, fieldDiffEntries(of), fieldDiffEntries(nf))
		}
		// The order of the fields both versions have (exports follow it).
		if o, n := commonOrder(oi, ni); o != n {
			out = append(out, Change{Scope: "item", Item: ni.Code, Change: "changed", Key: "fields (order)", Old: o, New: n})
		}
	}

	for _, op := range old.Providers {
		if findProvider(new.Providers, op.Code) == nil {
			out = append(out, Change{Scope: "provider", Code: op.Code, Change: "removed", Old: op.Name})
		}
	}
	for _, np := range new.Providers {
		op := findProvider(old.Providers, np.Code)
		if op == nil {
			out = append(out, Change{Scope: "provider", Code: np.Code, Change: "added", New: np.Name})
			continue
		}
		changed(Change{Scope: "provider", Code: np.Code}, providerEntries(*op), providerEntries(np))
	}
	for _, ou := range old.Units {
		if findUnit(new.Units, ou.Code) == nil {
			out = append(out, Change{Scope: "unit", Code: ou.Code, Change: "removed", Old: ou.Name})
		}
	}
	for _, nu := range new.Units {
		ou := findUnit(old.Units, nu.Code)
		if ou == nil {
			out = append(out, Change{Scope: "unit", Code: nu.Code, Change: "added", New: nu.Name})
			continue
		}
		changed(Change{Scope: "unit", Code: nu.Code}, unitEntries(*ou), unitEntries(nu))
	}
	return out
}

func catalogEntries(c *Catalog) []kvPair {
	return []kvPair{{"jurisdiction", c.Jurisdiction}, {"version", c.Version}, {"effective", c.Effective.String()}}
}

func policyEntries(p Policy) []kvPair {
	var limits []kvPair
	for _, e := range importLimitEntries(p.ImportLimits) {
		limits = append(limits, kvPair{"import_limits." + e.k, e.v})
	}
	return append([]kvPair{
		{"timezone", p.Timezone},
		{"workdays.objection_review", strconv.Itoa(p.Workdays.ObjectionReview)},
		{"workdays.provider_verification", strconv.Itoa(p.Workdays.ProviderVerification)},
		{"workdays.correction", strconv.Itoa(p.Workdays.Correction)},
		{"workdays.repair_opinion", strconv.Itoa(p.Workdays.RepairOpinion)},
		{"workdays.repair_publicity", strconv.Itoa(p.Workdays.RepairPublicity)},
		{"workdays.repair_verify", strconv.Itoa(p.Workdays.RepairVerify)},
		{"workdays.warning", strconv.Itoa(p.Workdays.Warning)},
		{"workdays.upward_receipt", strconv.Itoa(p.Workdays.UpwardReceipt)},
		{"validity.general", p.Validity.General.String()},
		{"validity.serious", p.Validity.Serious.String()},
		{"repair_clean_period", p.RepairCleanPeriod.String()},
		{"repaired_retention", periodOrPermanent(p.RepairedRetention)},
		{"roster_report_lag", p.RosterReportLag},
		{"prohibited_terms", "[" + strings.Join(legalTermEntries(p.ProhibitedTerms), ", ") + "]"},
		{"prohibited_exceptions", "[" + strings.Join(approvedTermEntries(p.ProhibitedExceptions), ", ") + "]"},
		{"lights.reject_rate_yellow", formatFloat(p.Lights.RejectRateYellow)},
		{"lights.reject_rate_red", formatFloat(p.Lights.RejectRateRed)},
		{"lights.late_days_yellow", strconv.Itoa(p.Lights.LateDaysYellow)},
		{"lights.late_days_red", strconv.Itoa(p.Lights.LateDaysRed)},
	}, limits...)
}

// importLimitEntries are the import limits in the file's key order.
func importLimitEntries(l ImportLimits) []kvPair {
	return []kvPair{
		{"file_size", FormatSize(l.FileSize)},
		{"cell_size", FormatSize(l.CellSize)},
		{"columns", strconv.Itoa(l.Columns)},
		{"rows", strconv.Itoa(l.Rows)},
		{"rejects", strconv.Itoa(l.Rejects)},
		{"xlsx_unzipped_size", FormatSize(l.XLSXUnzippedSize)},
		{"xlsx_ratio", strconv.Itoa(l.XLSXRatio)},
		{"sheets", strconv.Itoa(l.Sheets)},
	}
}

// itemDiffEntries are the item's keys as one-line values (fields apart).
func itemDiffEntries(it *Item) []kvPair {
	var out []kvPair
	for _, e := range itemEntries(it) {
		switch e.k {
		case "fields":
		case "layouts":
			for i, l := range it.Layouts {
				out = append(out, kvPair{"layouts[" + strconv.Itoa(i) + "]", layoutText(l)})
			}
		case "severity":
			out = append(out, kvPair{"severity.default", string(it.Severity.Default)})
			for i, r := range it.Severity.Rules {
				out = append(out, kvPair{"severity.rules[" + strconv.Itoa(i) + "]", flowSeverityCase(r)})
			}
		case "subject":
			for _, se := range subjectEntries(it.Subject) {
				out = append(out, kvPair{"subject." + se.k, unquote(se.v)})
			}
		default:
			out = append(out, kvPair{e.k, unquote(e.v)})
		}
	}
	return out
}

func fieldDiffEntries(f *Field) []kvPair {
	out := fieldEntries(f)
	for i := range out {
		out[i].v = unquote(out[i].v)
	}
	return out
}

func providerEntries(p Provider) []kvPair {
	return []kvPair{{"name", p.Name}, {"level", p.Level}, {"items", flowList(p.Items)}}
}

func unitEntries(u Unit) []kvPair {
	return []kvPair{{"name", u.Name}, {"items", flowList(u.Items)}}
}

// unquote shows a single quoted scalar as its text (lists and maps stay in
// flow form).
func unquote(v string) string {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		if s, err := strconv.Unquote(v); err == nil {
			return s
		}
	}
	return v
}

func commonOrder(o, n *Item) (string, string) {
	var oo, nn []string
	for _, f := range o.Fields {
		if n.Field(f.Name) != nil {
			oo = append(oo, f.Name)
		}
	}
	for _, f := range n.Fields {
		if o.Field(f.Name) != nil {
			nn = append(nn, f.Name)
		}
	}
	return strings.Join(oo, ", "), strings.Join(nn, ", ")
}

func findProvider(list []Provider, code string) *Provider {
	for i := range list {
		if list[i].Code == code {
			return &list[i]
		}
	}
	return nil
}

func findUnit(list []Unit, code string) *Unit {
	for i := range list {
		if list[i].Code == code {
			return &list[i]
		}
	}
	return nil
}
