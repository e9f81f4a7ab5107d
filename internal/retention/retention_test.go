package retention

import (
	"testing"

	"credit/internal/catalog"
	"credit/internal/civil"
)

// Known answers worked by hand: a period counts from the day after its
// start day (民法典 第二百零一条) and ends on the matching day, or the last
// day of the month when there is none (第二百零二条); the record is past
// its retention from the day after that.
func TestDueOf(t *testing.T) {
	pol := catalog.DefaultPolicy()
	withRepaired := pol
	withRepaired.RepairedRetention = catalog.Period{Years: 2}
	items := []*catalog.Item{
		{Code: "NEG", Category: catalog.Negative, Retention: catalog.Period{Years: 5}},
		{Code: "BAS", Category: catalog.Basic, Retention: catalog.Period{Years: 1}},
		{Code: "HALF", Category: catalog.Other, Retention: catalog.Period{Months: 6}},
		{Code: "PERM", Category: catalog.Negative},
	}
	def := &catalog.Catalog{Policy: pol, Items: items}
	rep := &catalog.Catalog{Policy: withRepaired, Items: items}
	d := civil.MustParse
	var zero civil.Date
	for _, c := range []struct {
		name      string
		cat       *catalog.Catalog
		f         Facts
		keep      string // a permanent reason, or ""
		basis     string
		through   string
		notPastOn string // the last day kept
		pastOn    string // the first day past
	}{
		{name: "negative: from the end of validity", cat: def,
			f:     Facts{Item: "NEG", Status: "active", DecidedOn: d("2019-03-01"), ValidUntil: d("2020-03-01")},
			basis: FromValidUntil, through: "2025-03-01", notPastOn: "2025-03-01", pastOn: "2025-03-02"},
		{name: "no use period: from the decision date", cat: def,
			f:     Facts{Item: "BAS", Status: "active", DecidedOn: d("2019-06-10")},
			basis: FromDecidedOn, through: "2020-06-10", notPastOn: "2020-06-10", pastOn: "2020-06-11"},
		{name: "29 February + 1 year is 28 February", cat: def,
			f:     Facts{Item: "BAS", Status: "active", DecidedOn: d("2020-02-29")},
			basis: FromDecidedOn, through: "2021-02-28", notPastOn: "2021-02-28", pastOn: "2021-03-01"},
		{name: "31 August + 6 months is the last day of February", cat: def,
			f:     Facts{Item: "HALF", Status: "active", ValidUntil: d("2023-08-31")},
			basis: FromValidUntil, through: "2024-02-29", notPastOn: "2024-02-29", pastOn: "2024-03-01"},
		{name: "no date at all: from the day it was collected", cat: def,
			f:     Facts{Item: "BAS", Status: "active", StoredOn: d("2018-05-20")},
			basis: FromStoredOn, through: "2019-05-20", notPastOn: "2019-05-20", pastOn: "2019-05-21"},
		{name: "withdrawn records follow the item", cat: def,
			f:     Facts{Item: "NEG", Status: "withdrawn", ValidUntil: d("2021-01-31")},
			basis: FromValidUntil, through: "2026-01-31", notPastOn: "2026-01-31", pastOn: "2026-02-01"},
		{name: "repaired original, repaired_retention permanent (default)", cat: def,
			f:    Facts{Item: "NEG", Status: "repaired", ValidUntil: d("2020-03-01"), RepairedOn: d("2019-10-08")},
			keep: KeepPermanentRepaired},
		{name: "repaired original: repaired_retention from the repair, not the validity", cat: rep,
			f:     Facts{Item: "NEG", Status: "repaired", ValidUntil: d("2026-03-01"), RepairedOn: d("2022-07-15")},
			basis: FromRepairedOn, through: "2024-07-15", notPastOn: "2024-07-15", pastOn: "2024-07-16"},
		{name: "permanent item: never, whatever the state", cat: rep,
			f:    Facts{Item: "PERM", Status: "repaired", ValidUntil: d("2001-01-01"), RepairedOn: d("2001-01-01")},
			keep: KeepPermanentItem},
		{name: "item not in the catalog in force: no published period", cat: def,
			f:    Facts{Item: "GONE", Status: "active", DecidedOn: d("2001-01-01")},
			keep: KeepNotInCatalog},
		{name: "repaired without a completion date", cat: rep,
			f:    Facts{Item: "NEG", Status: "repaired", ValidUntil: d("2001-01-01"), RepairedOn: zero},
			keep: KeepNoDate},
	} {
		t.Run(c.name, func(t *testing.T) {
			due := DueOf(c.cat, c.f)
			if c.keep != "" {
				if !due.Permanent || due.Keep != c.keep || due.PastOn(d("2999-12-31")) {
					t.Fatalf("%+v, want kept permanently (%s)", due, c.keep)
				}
				return
			}
			if due.Permanent || due.Basis != c.basis || due.KeptThrough.String() != c.through {
				t.Fatalf("%+v, want %s through %s", due, c.basis, c.through)
			}
			if due.PastOn(d(c.notPastOn)) || !due.PastOn(d(c.pastOn)) {
				t.Fatalf("past on %s: %v; on %s: %v", c.notPastOn, due.PastOn(d(c.notPastOn)), c.pastOn, due.PastOn(d(c.pastOn)))
			}
		})
	}
}
