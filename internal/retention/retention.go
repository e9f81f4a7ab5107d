// Package retention owns the retention procedure of 第八条 (保存期限): from
// which date a record's retention period counts, which records are past it
// on a date, and the purge an administrator carries out under a document
// reference — the one deletion the tool allows (个人信息保护法 第四十七条:
// personal information is deleted when its retention period has run out;
// 《办法》第三十六条、第三十七条: never otherwise). See docs/retention.md.
package retention

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
	"credit/internal/store"
)

// What a retention period counts from.
const (
	// FromValidUntil: a record with a use period (第三十条 for negative
	// records, the item's validity for others) is kept for the retention
	// period after its last valid day.
	FromValidUntil = "valid_until"
	// FromDecidedOn: a record without a use period, from its decision date.
	FromDecidedOn = "decided_on"
	// FromStoredOn: a record with neither, from the office date it was
	// collected (its batch's date).
	FromStoredOn = "stored_on"
	// FromRepairedOn: the original of a repaired record is archive
	// (第三十五条), kept for the policy's repaired_retention from the day
	// the repair was completed.
	FromRepairedOn = "repaired_on"
)

// Why a record is kept without end.
const (
	KeepPermanentItem     = "permanent_item"     // the catalog's retention for the item is permanent
	KeepPermanentRepaired = "permanent_repaired" // a repaired original and repaired_retention is permanent
	KeepNotInCatalog      = "not_in_catalog"     // the catalog in force no longer has the item: no period is published
	KeepNoDate            = "no_date"            // nothing to count from
)

// Facts are what a record's retention depends on.
type Facts struct {
	Item       string
	Status     string // active | withdrawn | repaired
	DecidedOn  civil.Date
	ValidUntil civil.Date
	StoredOn   civil.Date
	RepairedOn civil.Date
}

// Due is a record's retention: kept through KeptThrough (the period counted
// from From as 民法典 第二百零一条–第二百零二条 count: the start day is not
// counted, the period ends on the matching day), or permanently.
type Due struct {
	Permanent   bool
	Keep        string // why permanent (Keep* constants)
	Period      catalog.Period
	Basis       string // From* constants
	From        civil.Date
	KeptThrough civil.Date
}

// PastOn reports whether the retention period has run out on day: the day
// after KeptThrough or later.
func (d Due) PastOn(day civil.Date) bool { return !d.Permanent && day.After(d.KeptThrough) }

// DueOf works out a record's retention under cat (the catalog in force:
// the retention periods it publishes are the ones the office applies).
func DueOf(cat *catalog.Catalog, f Facts) Due {
	it := cat.Item(f.Item)
	switch {
	case it == nil:
		return Due{Permanent: true, Keep: KeepNotInCatalog}
	case it.Retention.IsZero():
		// 'permanent' items are never purged, whatever state their records are in.
		return Due{Permanent: true, Keep: KeepPermanentItem}
	}
	d := Due{Period: it.Retention}
	switch {
	case f.Status == "repaired":
		d.Period, d.Basis, d.From = cat.Policy.RepairedRetention, FromRepairedOn, f.RepairedOn
		if d.Period.IsZero() {
			return Due{Permanent: true, Keep: KeepPermanentRepaired}
		}
	case !f.ValidUntil.IsZero():
		d.Basis, d.From = FromValidUntil, f.ValidUntil
	case !f.DecidedOn.IsZero():
		d.Basis, d.From = FromDecidedOn, f.DecidedOn
	default:
		d.Basis, d.From = FromStoredOn, f.StoredOn
	}
	if d.From.IsZero() {
		return Due{Permanent: true, Keep: KeepNoDate}
	}
	d.KeptThrough = d.Period.AddTo(d.From)
	return d
}

// BasisLabel names what a period counts from, for people.
func BasisLabel(basis, lang string) string {
	l, ok := map[string][2]string{
		FromValidUntil: {"自使用期限届满日起算", "from the end of the use period"},
		FromDecidedOn:  {"自决定日期起算", "from the decision date"},
		FromStoredOn:   {"自归集日期起算", "from the date it was collected"},
		FromRepairedOn: {"自修复完成日起算（第三十五条档案保存，本办公室规则）", "from the day the repair was completed (art. 35 archive; office rule)"},
	}[basis]
	if !ok {
		return basis
	}
	if lang == "en" {
		return l[1]
	}
	return l[0]
}

// Candidate is a record past its retention period on a date.
type Candidate struct {
	store.RetentionRow
	Due Due
	// HeldBy are the open procedures (objection, repair) on the record: it
	// is not purged until they are finished (an office rule serving
	// 第三十二条 and 第三十五条: a case is never left without its record).
	HeldBy []string
}

// itemsWithRetention are the catalog's items whose retention is not
// permanent: only their records can ever be past it.
func itemsWithRetention(cat *catalog.Catalog) []string {
	var out []string
	for _, it := range cat.Items {
		if !it.Retention.IsZero() {
			out = append(out, it.Code)
		}
	}
	sort.Strings(out)
	return out
}

func facts(r store.RetentionRow) Facts {
	return Facts{Item: r.Item, Status: r.Status, DecidedOn: parse(r.DecidedOn), ValidUntil: parse(r.ValidUntil),
		StoredOn: parse(r.StoredOn), RepairedOn: parse(r.RepairedOn)}
}

func parse(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		return civil.Date{}
	}
	return d
}

// List returns the records past their retention period on day under cat,
// by id. It changes nothing.
func List(ctx context.Context, st *store.Store, cat *catalog.Catalog, day civil.Date) ([]Candidate, error) {
	var out []Candidate
	err := st.RetentionRows(ctx, itemsWithRetention(cat), func(r store.RetentionRow) error {
		if d := DueOf(cat, facts(r)); d.PastOn(day) {
			out = append(out, Candidate{RetentionRow: r, Due: d})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].HeldBy, err = st.RecordLocks(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Result is what a purge did.
type Result struct {
	Ref     string       `json:"ref"`
	Purged  []PurgedItem `json:"purged"`
	Held    []int64      `json:"held"` // past retention but held by an open procedure: not purged
	Cleared int          `json:"subjects_cleared"`
	// Wiped is false when another process kept the store file from being
	// rebuilt or its write-ahead log from being emptied: copies of purged
	// values may remain in free space until credit retention wipe runs.
	Wiped bool `json:"wiped"`
}

// PurgedItem is one purged record.
type PurgedItem struct {
	Record      int64  `json:"record"`
	Item        string `json:"item"`
	ContentHash string `json:"content_hash"`
	KeptThrough string `json:"kept_through"`
	Revisions   int    `json:"revisions"`
	Links       int    `json:"links_removed"`
}

// Purge carries out the procedure on day under document ref: in one write
// transaction every record past its retention period (and not held by an
// open procedure) has its values and those of its superseded revisions
// removed, with one audit entry per record holding its id, item and content
// hash; subjects left with nothing are cleared. The retention periods are
// those of the catalog in force on the actor's date. The query log keeps its
// rows and record ids. A second run finds nothing to do.
func Purge(ctx context.Context, st *store.Store, actor store.Actor, ref string) (*Result, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, apperr.New(apperr.Usage, "清除须写明依据的文件编号：--ref（第八条保存期限届满的处理须有据可查）",
			"a purge needs the reference of the document it is decided under: --ref")
	}
	res := &Result{Ref: ref, Purged: []PurgedItem{}, Held: []int64{}}
	day := actor.Today
	err := st.Write(ctx, actor, func(tx *store.Tx) error {
		// The catalog in force, read in the transaction: the periods it
		// publishes now are the ones the purge applies.
		cat, _, err := tx.CatalogInForce(day)
		if err != nil {
			return err
		}
		var due []Candidate
		if err := tx.RetentionRows(itemsWithRetention(cat), func(r store.RetentionRow) error {
			if d := DueOf(cat, facts(r)); d.PastOn(day) {
				due = append(due, Candidate{RetentionRow: r, Due: d})
			}
			return nil
		}); err != nil {
			return err
		}
		if err := tx.SecureDelete(true); err != nil {
			return err
		}
		subjects := map[int64]bool{}
		var order []int64
		for _, c := range due {
			held, err := tx.OpenProcedures(c.ID)
			if err != nil {
				return err
			}
			if len(held) > 0 {
				res.Held = append(res.Held, c.ID)
				continue
			}
			p := store.Purge{RecordID: c.ID, Ref: ref, Basis: c.Due.Basis, CountedFrom: c.Due.From.String(),
				Period: c.Due.Period.String(), KeptThrough: c.Due.KeptThrough.String()}
			pr, ok, err := tx.PurgeRecord(p)
			if err != nil {
				return fmt.Errorf("purge record %d: %w", c.ID, err)
			}
			if !ok {
				continue
			}
			if err := tx.Audit("retention.purge", fmt.Sprintf("record:%d", c.ID), map[string]any{
				"item": pr.Item, "ref": ref, "content_hash": pr.ContentHash, "basis": p.Basis, "counted_from": p.CountedFrom,
				"period": p.Period, "kept_through": p.KeptThrough, "revisions": pr.Revisions, "links_removed": pr.Links,
			}); err != nil {
				return err
			}
			res.Purged = append(res.Purged, PurgedItem{Record: c.ID, Item: pr.Item, ContentHash: pr.ContentHash,
				KeptThrough: p.KeptThrough, Revisions: pr.Revisions, Links: pr.Links})
			for _, s := range pr.Subjects {
				if !subjects[s] {
					subjects[s] = true
					order = append(order, s)
				}
			}
		}
		for _, s := range order {
			cleared, err := tx.ClearSubject(s)
			if err != nil {
				return err
			}
			if cleared {
				res.Cleared++
				if err := tx.Audit("retention.clear_subject", fmt.Sprintf("subject:%d", s), map[string]any{"ref": ref}); err != nil {
					return err
				}
			}
		}
		return tx.SecureDelete(false)
	})
	if err != nil {
		return nil, err
	}
	res.Wiped = true
	if len(res.Purged) > 0 {
		res.Wiped = Wipe(ctx, st) == nil
	}
	return res, nil
}

// Wipe rebuilds the store file and empties its write-ahead log, so that no
// copy of a purged value survives in free space (see store.Wipe). A purge
// runs it; when another process kept it from finishing, an administrator
// runs it again (credit retention wipe).
func Wipe(ctx context.Context, st *store.Store) error {
	if err := st.Wipe(ctx); err != nil {
		return err
	}
	complete, err := st.TruncateWAL(ctx)
	if err != nil {
		return err
	}
	if !complete {
		return apperr.New(apperr.Internal, "仍有其他进程在读数据库，预写日志（-wal 文件）未能清空",
			"another process is reading the store: the write-ahead log (-wal) could not be emptied")
	}
	return nil
}
