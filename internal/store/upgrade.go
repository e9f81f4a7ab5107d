package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"credit/internal/apperr"
	"credit/internal/catalog"
	"credit/internal/civil"
)

// Upgrade steps: work a migration's SQL cannot do (it needs the catalog and
// the civil date rules), run by credit init after the migrations in one
// write transaction each, with an audit entry per record they change. A
// migration that needs one inserts meta 'pending_upgrade:NNN'; the step
// deletes it in the same transaction, so a crash leaves it pending and the
// store keeps asking for credit init (RequireCurrent).

const pendingUpgradePrefix = "pending_upgrade:"

// PendingUpgrades lists the upgrade steps the store still needs ("008", …).
func (s *Store) PendingUpgrades(ctx context.Context) ([]string, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT key FROM meta WHERE key LIKE 'pending_upgrade:%' ORDER BY key")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, strings.TrimPrefix(k, pendingUpgradePrefix))
	}
	return out, rows.Err()
}

// UpgradeResult is what an upgrade step changed.
type UpgradeResult struct {
	Step              string   `json:"step"`
	ValidityChanged   int      `json:"validity_changed"`   // records whose 认定 date or last valid day moved
	LinkRecords       int      `json:"link_records"`       // records that lost 第二十九条 links
	LinksRemoved      int      `json:"links_removed"`      // links removed in all
	LegacyDetermining []string `json:"legacy_determining"` // negative items whose catalog names no determined_on
}

// RunUpgrade008 brings records into line with issue 15's 第三十条 and
// 第二十九条 (migration 008), using cat, the catalog in force:
//   - decided_on and valid_until are worked out again from the item's
//     determination fields (catalog determined_on) and withdrawal field;
//   - a link to a legal representative whom the record does not mark
//     responsible (法定代表人负有责任 = 是), and every link of a record whose
//     subject is a 个体工商户 or a 非法人组织, is removed.
//
// Each changed record gets one audit entry with dates and subject ids only.
// The record's content and content hash do not change.
func (t *Tx) RunUpgrade008(cat *catalog.Catalog) (UpgradeResult, error) {
	res := UpgradeResult{Step: "008"}
	var done int
	if err := t.QueryRowContext(t.ctx, "SELECT count(*) FROM meta WHERE key = ?", pendingUpgradePrefix+"008").Scan(&done); err != nil {
		return res, err
	}
	if done == 0 {
		return res, nil // ran already
	}
	for _, it := range cat.Items {
		if it.Category == catalog.Negative && len(it.DeterminedOn) == 0 {
			res.LegacyDetermining = append(res.LegacyDetermining, it.Code)
		}
	}
	layouts := map[int64][]string{}
	rows, err := t.QueryContext(t.ctx, "SELECT id, names FROM layouts")
	if err != nil {
		return res, err
	}
	for rows.Next() {
		var id int64
		var names string
		if err := rows.Scan(&id, &names); err != nil {
			rows.Close()
			return res, err
		}
		var n []string
		if err := json.Unmarshal([]byte(names), &n); err != nil {
			rows.Close()
			return res, err
		}
		layouts[id] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}

	type change struct {
		id                                         int64
		oldDecided, newDecided, oldUntil, newUntil string
	}
	var changes []change
	type linkRec struct {
		id          int64
		subjectKind string
		subjectCode string
		repResp     bool
	}
	var linked []linkRec
	rows, err = t.QueryContext(t.ctx, `SELECT r.id, r.item, r.category, r.severity, r.decided_on, r.valid_until, r.layout, r.vals,
		s.kind, s.code, EXISTS (SELECT 1 FROM record_links l WHERE l.record_id = r.id)
		FROM records r JOIN subjects s ON s.id = r.subject_id ORDER BY r.id`)
	if err != nil {
		return res, err
	}
	for rows.Next() {
		var id, layout int64
		var item, category, severity, decided, until, vals, kind, code string
		var hasLinks bool
		if err := rows.Scan(&id, &item, &category, &severity, &decided, &until, &layout, &vals, &kind, &code, &hasLinks); err != nil {
			rows.Close()
			return res, err
		}
		var v []string
		if err := json.Unmarshal([]byte(vals), &v); err != nil {
			rows.Close()
			return res, fmt.Errorf("record %d: %w", id, err)
		}
		names := layouts[layout]
		value := func(field string) string {
			for i, n := range names {
				if n == field && i < len(v) {
					return v[i]
				}
			}
			return ""
		}
		if hasLinks {
			linked = append(linked, linkRec{id, kind, code, value("法定代表人负有责任") == "是"})
		}
		it := cat.Item(item)
		if it == nil {
			continue // an item the catalog no longer has: left as it is
		}
		det, _ := it.Determination(value)
		newDecided := decided
		var detDate civil.Date
		if det != "" {
			if d, err := civil.Parse(det); err == nil {
				detDate, newDecided = d, d.String()
			}
		}
		if detDate.IsZero() {
			detDate, _ = civil.Parse(decided)
		}
		var withdrawn civil.Date
		if it.WithdrawnOn != "" {
			withdrawn, _ = civil.Parse(value(it.WithdrawnOn))
		}
		var through civil.Date
		if it.ValidThrough != "" {
			through, _ = civil.Parse(value(it.ValidThrough))
		}
		newUntil := cat.LastValidDay(it, catalog.Category(category), catalog.Severity(severity), detDate, withdrawn, through).String()
		if newDecided != decided || newUntil != until {
			changes = append(changes, change{id, decided, newDecided, until, newUntil})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	for _, c := range changes {
		if _, err := t.ExecContext(t.ctx, "UPDATE records SET decided_on = ?, valid_until = ? WHERE id = ?", c.newDecided, c.newUntil, c.id); err != nil {
			return res, err
		}
		if err := t.Audit("record.revalidate", fmt.Sprintf("record:%d", c.id), map[string]any{"article": "第三十条", "upgrade": "008",
			"decided_on": []string{c.oldDecided, c.newDecided}, "valid_until": []string{c.oldUntil, c.newUntil}}); err != nil {
			return res, err
		}
	}
	res.ValidityChanged = len(changes)

	for _, l := range linked {
		// 个体工商户 (USCC 92…) and 非法人组织 are never linked; a legal
		// representative only when marked responsible.
		noneAllowed := l.subjectKind != string(catalog.Organisation) || strings.HasPrefix(l.subjectCode, "92")
		q := "SELECT subject_id, role FROM record_links WHERE record_id = ? AND role = 'legal_rep'"
		switch {
		case noneAllowed:
			q = "SELECT subject_id, role FROM record_links WHERE record_id = ?"
		case l.repResp:
			continue
		}
		lr, err := t.QueryContext(t.ctx, q+" ORDER BY role, subject_id", l.id)
		if err != nil {
			return res, err
		}
		var removed []map[string]any
		for lr.Next() {
			var subj int64
			var role string
			if err := lr.Scan(&subj, &role); err != nil {
				lr.Close()
				return res, err
			}
			removed = append(removed, map[string]any{"subject_id": subj, "role": role})
		}
		lr.Close()
		if len(removed) == 0 {
			continue
		}
		del := "DELETE FROM record_links WHERE record_id = ? AND role = 'legal_rep'"
		reason := "legal_rep_not_marked_responsible"
		if noneAllowed {
			del, reason = "DELETE FROM record_links WHERE record_id = ?", "not_a_legal_person"
		}
		if _, err := t.ExecContext(t.ctx, del, l.id); err != nil {
			return res, err
		}
		if err := t.Audit("record.unlink", fmt.Sprintf("record:%d", l.id), map[string]any{"article": "第二十九条", "upgrade": "008",
			"reason": reason, "removed": removed}); err != nil {
			return res, err
		}
		res.LinkRecords++
		res.LinksRemoved += len(removed)
	}
	if _, err := t.ExecContext(t.ctx, "DELETE FROM meta WHERE key = ?", pendingUpgradePrefix+"008"); err != nil {
		return res, err
	}
	return res, t.Audit("store.upgrade_step", "store", res)
}

// requireNoPendingUpgrade is RequireCurrent's second half.
func (s *Store) requireNoPendingUpgrade(ctx context.Context) error {
	p, err := s.PendingUpgrades(ctx)
	if err != nil || len(p) == 0 {
		return err
	}
	return apperr.Newf(apperr.Internal, "数据库 %s 的升级尚未完成（步骤 %s）：请运行 credit init", "the upgrade of the store %s is not finished (step %s): run credit init", s.Path, strings.Join(p, ", "))
}
