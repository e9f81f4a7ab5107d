package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"

	"credit/internal/catalog"
)

// ContentHash identifies a record's content independent of column order:
// the non-empty name=value pairs, sorted. Every procedure that writes a
// record's content (import, correction) uses it, so equal content is equal.
func ContentHash(names, vals []string) string {
	return contentHashOrdered(names, vals, nameOrder(names))
}

// nameOrder is the order of names sorted; field names never hold bytes
// below \x1f, so sorting "name\x1fvalue" pairs sorts them by name alone and
// the order can be worked out once per layout.
func nameOrder(names []string) []int {
	order := make([]int, len(names))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return names[order[a]] < names[order[b]] })
	return order
}

// contentHashOrdered is ContentHash with the names' sorted order given: the
// import's hot path hashes a million rows of one layout.
func contentHashOrdered(names, vals []string, order []int) string {
	h := sha256.New()
	first := true
	for _, i := range order {
		if i >= len(vals) || vals[i] == "" {
			continue
		}
		if !first {
			h.Write([]byte{0x1e})
		}
		first = false
		h.Write([]byte(names[i]))
		h.Write([]byte{0x1f})
		h.Write([]byte(vals[i]))
	}
	sum := h.Sum(nil)
	return hex.EncodeToString(sum[:16])
}

func nameKey(s string) string { return catalog.NormalizeName(s) }

// prepareRow does the per-row work of storing that needs no store: it runs
// on the checking workers, leaving the one writer only SQL to do.
func prepareRow(p *Plan, c *Checked) {
	if !c.OK() {
		return
	}
	c.NameKey = nameKey(c.SubjectName)
	for i := range c.Links {
		c.Links[i].NameKey = nameKey(c.Links[i].Name)
	}
	b, _ := json.Marshal(c.Values)
	c.ValsJSON = string(b)
	c.Hash = contentHashOrdered(p.Layout, c.Values, p.layoutOrder())
}
