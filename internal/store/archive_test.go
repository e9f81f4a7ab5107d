package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"credit/internal/civil"
)

// archiveFixture is a store with two published batches and one staging
// batch of hand-made records:
//
//	org 甲公司 (91350100M000100Y43): record A (serious, linked to 王伟 as
//	legal_rep and to 王伟民 as principal), record B (general, expired on
//	2025-06-10), revised once by batch 2
//	person 王伟 (11010519491231002X): record C (own)
//	person 王伟民 (110101199003070011): no own record
//	org 大王伟业公司 (91110000802100433B): record D in a staging batch (invisible)
type archiveFixture struct {
	st                   *Store
	ctx                  context.Context
	orgA, wang, wangMin  int64
	orgB                 int64
	recA, recB, recC     int64
	recD                 int64
	layout               int64
	batch1, batch2, stag int64
}

func newArchiveFixture(t *testing.T) *archiveFixture {
	t.Helper()
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "a.db"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 12, 1, 2, 0, 0, 0, time.UTC)
	actor := Actor{Operator: "alice", Today: civil.MustParse("2025-12-01"), Now: func() time.Time { at = at.Add(time.Minute); return at }}
	f := &archiveFixture{st: st, ctx: ctx}
	names := []string{"名称", "代码", "文号", "内容"}
	batch := func(file string) int64 {
		var id int64
		err := st.Write(ctx, actor, func(tx *Tx) error {
			var err error
			id, err = tx.BeginBatch(BatchStart{Provider: "11100000000013127D", Item: "XZCF", Channel: "local", FileName: file, FileHash: file})
			if err != nil {
				return err
			}
			f.layout, err = tx.LayoutID("XZCF", names)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	insert := func(b int64, subj int64, key, sev, decided, until, vals string) int64 {
		var id int64
		err := st.Write(ctx, actor, func(tx *Tx) error {
			ids, err := tx.InsertRecords(b, []NewRecord{{Item: "XZCF", Key: key, Provider: "11100000000013127D", Channel: "local", SubjectID: subj,
				Category: "negative", Severity: sev, DecidedOn: decided, ValidUntil: until, Layout: f.layout, Vals: vals, ContentHash: "h-" + key}})
			id = ids[0]
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	subjects := func(b int64, in ...SubjectIn) map[string]SubjectRef {
		var refs map[string]SubjectRef
		if err := st.Write(ctx, actor, func(tx *Tx) error {
			var err error
			refs, err = tx.ResolveSubjects(b, in)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return refs
	}
	publish := func(b int64) {
		if err := st.Write(ctx, actor, func(tx *Tx) error { return tx.PublishBatch(b, BatchCounts{}) }); err != nil {
			t.Fatal(err)
		}
	}

	f.batch1 = batch("one.csv")
	refs := subjects(f.batch1,
		SubjectIn{Code: "91350100M000100Y43", Kind: "organisation", Name: "甲公司", NameKey: "甲公司"},
		SubjectIn{Code: "11010519491231002X", Kind: "natural_person", Name: "王伟", NameKey: "王伟"},
		SubjectIn{Code: "110101199003070011", Kind: "natural_person", Name: "王伟民", NameKey: "王伟民"},
		SubjectIn{Code: "91110000802100433B", Kind: "organisation", Name: "大王伟业公司", NameKey: "大王伟业公司"})
	f.orgA, f.wang, f.wangMin, f.orgB = refs["91350100M000100Y43"].ID, refs["11010519491231002X"].ID, refs["110101199003070011"].ID, refs["91110000802100433B"].ID
	f.recA = insert(f.batch1, f.orgA, "A", "serious", "2025-06-10", "2028-06-10", `["甲公司","91350100M000100Y43","罚1号","吊销"]`)
	f.recB = insert(f.batch1, f.orgA, "B", "general", "2024-06-10", "2025-06-10", `["甲公司","91350100M000100Y43","罚2号","罚款1万元"]`)
	f.recC = insert(f.batch1, f.wang, "C", "general", "2025-09-01", "2026-09-01", `["王伟","11010519491231002X","罚3号","警告"]`)
	if err := st.Write(ctx, actor, func(tx *Tx) error {
		return tx.AddLinks([]LinkIn{{RecordID: f.recA, SubjectID: f.wang, Role: "legal_rep"}, {RecordID: f.recA, SubjectID: f.wangMin, Role: "principal"},
			{RecordID: f.recB, SubjectID: f.wang, Role: "legal_rep"}})
	}); err != nil {
		t.Fatal(err)
	}
	publish(f.batch1)

	// Batch 2 revises B's content.
	f.batch2 = batch("two.csv")
	if err := st.Write(ctx, actor, func(tx *Tx) error {
		_, err := tx.StageRevision(f.batch2, StagedRevision{RecordID: f.recB, Category: "negative", Severity: "general", DecidedOn: "2024-06-10",
			ValidUntil: "2025-06-10", Layout: f.layout, Vals: `["甲公司","91350100M000100Y43","罚2号","罚款2万元"]`, ContentHash: "h-B2",
			Links: fmt.Sprintf(`[{"SubjectID":%d,"Role":"legal_rep"}]`, f.wang)}) // a revision carries its full link set
		return err
	}); err != nil {
		t.Fatal(err)
	}
	publish(f.batch2)

	// A staging batch: its record is seen by nobody.
	f.stag = batch("three.csv")
	f.recD = insert(f.stag, f.orgB, "D", "general", "2025-10-01", "2026-10-01", `["大王伟业公司","91110000802100433B","罚4号","警告"]`)
	return f
}

func TestArchiveSubjectRecords(t *testing.T) {
	f := newArchiveFixture(t)
	sub, ok, err := f.st.SubjectByCode(f.ctx, "91350100M000100Y43")
	if err != nil || !ok || sub.ID != f.orgA || sub.Name != "甲公司" || sub.Kind != "organisation" {
		t.Fatalf("SubjectByCode = %+v %v %v", sub, ok, err)
	}
	if _, ok, _ := f.st.SubjectByCode(f.ctx, "91110108551385082Q"); ok {
		t.Fatal("an unknown code was found")
	}
	// 大王伟业公司's only record is in a staging batch: not on file, in any
	// read path (the check's brief reads the same way).
	if sub, ok, err := f.st.SubjectByCode(f.ctx, "91110000802100433B"); ok || err != nil {
		t.Fatalf("a subject of an unpublished batch was found: %+v %v", sub, err)
	}
	if b, ok, err := f.st.SubjectBriefByCode(f.ctx, "91110000802100433B"); ok || err != nil {
		t.Fatalf("SubjectBriefByCode found a subject of an unpublished batch: %+v %v", b, err)
	}
	// 王伟民 has no record of his own, only a link to a published one: on file.
	if sub, ok, err := f.st.SubjectByCode(f.ctx, "110101199003070011"); !ok || err != nil || sub.ID != f.wangMin {
		t.Fatalf("linked person = %+v %v %v", sub, ok, err)
	}
	if b, ok, err := f.st.SubjectBriefByCode(f.ctx, "91350100M000100Y43"); !ok || err != nil || b.ID != f.orgA || b.NameKey != "甲公司" {
		t.Fatalf("SubjectBriefByCode = %+v %v %v", b, ok, err)
	}
	recs, err := f.st.SubjectRecords(f.ctx, f.orgA)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].ID != f.recA || recs[1].ID != f.recB || recs[0].LinkRole != "" {
		t.Fatalf("org records = %+v", recs)
	}
	b := recs[1]
	if b.Rev != 2 || b.Procedure != "revision" || b.ContentHash != "h-B2" || b.CreatedBy != "alice" || b.FirstBatch != f.batch1 {
		t.Errorf("revised B = %+v", b)
	}
	// The person: own record C, and A and B through their links.
	recs, err = f.st.SubjectRecords(f.ctx, f.wang)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[int64]string{}
	for _, r := range recs {
		roles[r.ID] = r.LinkRole
	}
	if len(recs) != 3 || roles[f.recC] != "" || roles[f.recA] != "legal_rep" || roles[f.recB] != "legal_rep" {
		t.Fatalf("person records = %v", roles)
	}
	// A record of a staging batch is invisible.
	if recs, _ := f.st.SubjectRecords(f.ctx, f.orgB); len(recs) != 0 {
		t.Fatalf("staging record visible: %+v", recs)
	}
	lay, err := f.st.LayoutNames(f.ctx, []int64{f.layout, f.layout})
	if err != nil || len(lay) != 1 || len(lay[f.layout]) != 4 || lay[f.layout][2] != "文号" {
		t.Fatalf("LayoutNames = %v %v", lay, err)
	}
	if il, err := f.st.ItemLayouts(f.ctx, "XZCF"); err != nil || len(il) != 1 {
		t.Fatalf("ItemLayouts = %v %v", il, err)
	}
	subs, err := f.st.SubjectsByID(f.ctx, []int64{f.wang, f.orgA})
	if err != nil || subs[f.wang].Name != "王伟" || subs[f.orgA].Code != "91350100M000100Y43" {
		t.Fatalf("SubjectsByID = %v %v", subs, err)
	}
}

func TestArchiveSupersededRevisions(t *testing.T) {
	f := newArchiveFixture(t)
	revs, err := f.st.SupersededRevisions(f.ctx, []int64{f.recA, f.recB})
	if err != nil {
		t.Fatal(err)
	}
	if len(revs[f.recA]) != 0 || len(revs[f.recB]) != 1 {
		t.Fatalf("revisions = %+v", revs)
	}
	v := revs[f.recB][0]
	if v.Rev != 1 || v.Procedure != "import" || v.SupersededBy != "revision" || v.Ref != "batch:2" || v.Operator != "alice" ||
		v.ContentHash != "h-B" || v.Vals != `["甲公司","91350100M000100Y43","罚2号","罚款1万元"]` || v.ObjectionGround != "" {
		t.Errorf("B rev 1 = %+v", v)
	}
	// A correction made under an objection carries the objection's ground,
	// which tells the history whether the old values must be redacted.
	actor := Actor{Operator: "bob", Today: civil.MustParse("2025-12-02"), Now: time.Now}
	for i, ground := range []string{"prohibited", "wrong"} {
		if err := f.st.Write(f.ctx, actor, func(tx *Tx) error {
			if _, err := tx.ExecContext(f.ctx, `INSERT INTO objections(id, record_id, rev, content_hash, ground, via, applicant, received_on, state,
				filed_on, filed_by, created_at, updated_at) VALUES (?, ?, 1, 'h', ?, 'office', '甲公司', '2025-12-01', 'upheld', '2025-12-01', 'bob', 'x', 'x')`,
				10+i, f.recA, ground); err != nil {
				return err
			}
			_, err := tx.CorrectRecord(RecordCorrection{RecordID: f.recA, Ref: fmt.Sprintf("objection:%d", 10+i), Category: "negative",
				Severity: "serious", DecidedOn: "2025-06-10", ValidUntil: "2028-06-10", Layout: f.layout,
				Vals: fmt.Sprintf(`["甲公司","91350100M000100Y43","罚1号","吊销%d"]`, i), ContentHash: fmt.Sprintf("h-A%d", i)})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	revs, err = f.st.SupersededRevisions(f.ctx, []int64{f.recA, f.recB})
	if err != nil {
		t.Fatal(err)
	}
	if a := revs[f.recA]; len(a) != 2 || a[0].Ref != "objection:10" || a[0].ObjectionGround != "prohibited" ||
		a[1].Ref != "objection:11" || a[1].ObjectionGround != "wrong" || revs[f.recB][0].ObjectionGround != "" {
		t.Fatalf("grounds = %+v", revs)
	}
}

func TestArchiveSearchSubjects(t *testing.T) {
	f := newArchiveFixture(t)
	search := func(q SubjectQuery) ([]SubjectHit, int, error) {
		p, err := f.st.SearchSubjects(f.ctx, q)
		return p.Hits, p.Total, err
	}
	names := func(hits []SubjectHit) []string {
		var out []string
		for _, h := range hits {
			out = append(out, h.Name)
		}
		return out
	}
	// 王伟: exact 王伟, then prefix 王伟民; 大王伟业公司 (substring) is named
	// only by a staging batch: on file for nobody, not even the office.
	hits, total, err := search(SubjectQuery{NameKey: "王伟"})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(hits); total != 2 || len(got) != 2 || got[0] != "王伟" || got[1] != "王伟民" || hits[0].Rank != 0 || hits[1].Rank != 1 {
		t.Fatalf("王伟 → %v (total %d)", got, total)
	}
	if hits, total, _ := search(SubjectQuery{NameKey: "伟业"}); len(hits) != 0 || total != 0 {
		t.Fatalf("a subject of an unpublished batch was found: %v", names(hits))
	}
	if hits, _, _ := search(SubjectQuery{CodePrefix: "91110000802100433B"}); len(hits) != 0 {
		t.Fatalf("a subject of an unpublished batch was found by code: %v", names(hits))
	}
	// Publishing its batch puts it on file: exact, prefix, then substring.
	if err := f.st.Write(f.ctx, Actor{Operator: "alice", Today: civil.MustParse("2025-12-01"), Now: time.Now}, func(tx *Tx) error {
		return tx.PublishBatch(f.stag, BatchCounts{})
	}); err != nil {
		t.Fatal(err)
	}
	hits, total, _ = search(SubjectQuery{NameKey: "王伟"})
	if got := names(hits); total != 3 || len(got) != 3 || got[0] != "王伟" || got[1] != "王伟民" || got[2] != "大王伟业公司" ||
		hits[0].Rank != 0 || hits[1].Rank != 1 || hits[2].Rank != 2 {
		t.Fatalf("王伟 after publishing → %v (total %d)", got, total)
	}
	// Paging.
	hits, total, _ = search(SubjectQuery{NameKey: "王伟", Limit: 2, Offset: 2})
	if total != 3 || len(hits) != 1 || hits[0].Name != "大王伟业公司" {
		t.Fatalf("page 2 = %v (total %d)", names(hits), total)
	}
	hits, total, _ = search(SubjectQuery{NameKey: "王伟", Limit: 2, Offset: 4})
	if total != 3 || len(hits) != 0 {
		t.Fatalf("past the last page = %v (total %d)", names(hits), total)
	}
	// Natural persons left out of a name search (the masking scopes).
	hits, total, _ = search(SubjectQuery{NameKey: "王伟", NameExcludeKinds: []string{"natural_person"}})
	if total != 1 || len(hits) != 1 || hits[0].Name != "大王伟业公司" {
		t.Fatalf("王伟 without persons → %v (total %d)", names(hits), total)
	}
	// LIKE wildcards in the text are literal.
	if hits, _, _ := search(SubjectQuery{NameKey: "%"}); len(hits) != 0 {
		t.Fatalf("%% matched %v", names(hits))
	}
	// Visible: 王伟 has a valid own record; 王伟民 only the serious A by link;
	// 大王伟业公司 (now published) its record D, decided 2025-10-01.
	vis := &VisibleFilter{Items: []string{"XZCF"}, ValidOn: "2025-12-01"}
	hits, total, _ = search(SubjectQuery{NameKey: "王伟", Visible: vis})
	if got := names(hits); total != 3 || len(got) != 3 || got[0] != "王伟" || got[1] != "王伟民" || got[2] != "大王伟业公司" {
		t.Fatalf("visible 王伟 → %v", got)
	}
	// A record decided after the date did not exist yet: on 2025-09-15 D
	// (2025-10-01) and C (2025-09-01 → visible) — only D's subject drops.
	hits, _, _ = search(SubjectQuery{NameKey: "王伟", Visible: &VisibleFilter{Items: []string{"XZCF"}, ValidOn: "2025-09-15"}})
	if got := names(hits); len(got) != 2 || got[0] != "王伟" || got[1] != "王伟民" {
		t.Fatalf("visible 王伟 on 2025-09-15 → %v", got)
	}
	// Before any record was decided nobody is visible.
	if hits, _, _ := search(SubjectQuery{NameKey: "王伟", Visible: &VisibleFilter{Items: []string{"XZCF"}, ValidOn: "2024-01-01"}}); len(hits) != 0 {
		t.Fatalf("visible before any decision → %v", names(hits))
	}
	// On 2029-01-01 every record has expired.
	hits, _, _ = search(SubjectQuery{NameKey: "王伟", Visible: &VisibleFilter{Items: []string{"XZCF"}, ValidOn: "2029-01-01"}})
	if len(hits) != 0 {
		t.Fatalf("expired records found %v", names(hits))
	}
	if hits, _, _ := search(SubjectQuery{NameKey: "王伟", Visible: &VisibleFilter{Items: []string{"XYCN"}, ValidOn: "2025-12-01"}}); len(hits) != 0 {
		t.Fatalf("other item found %v", names(hits))
	}
	// Code prefix; a person only by the whole code when asked so.
	hits, _, _ = search(SubjectQuery{CodePrefix: "1101"})
	if len(hits) != 2 {
		t.Fatalf("prefix 1101 → %v", names(hits))
	}
	hits, _, _ = search(SubjectQuery{CodePrefix: "1101", CodeExactKinds: []string{"natural_person"}})
	if len(hits) != 0 {
		t.Fatalf("prefix 1101, persons exact only → %v", names(hits))
	}
	hits, _, _ = search(SubjectQuery{CodePrefix: "11010519491231002X", CodeExactKinds: []string{"natural_person"}})
	if len(hits) != 1 || hits[0].Name != "王伟" || hits[0].Rank != 0 {
		t.Fatalf("whole ID → %v", names(hits))
	}
	hits, _, _ = search(SubjectQuery{CodePrefix: "9135"})
	if len(hits) != 1 || hits[0].Name != "甲公司" || hits[0].Rank != 1 {
		t.Fatalf("prefix 9135 → %+v", hits)
	}
	// Counting may stop early: the page is still right, the total a lower bound.
	p, err := f.st.SearchSubjects(f.ctx, SubjectQuery{NameKey: "王伟", Visible: vis, Limit: 1, CountCap: 1})
	if err != nil || len(p.Hits) != 1 || p.Hits[0].Name != "王伟" || p.Total != 1 || !p.More {
		t.Fatalf("capped = %+v %v", p, err)
	}
	p, _ = f.st.SearchSubjects(f.ctx, SubjectQuery{NameKey: "王伟", Limit: 2, Offset: 1, CountCap: 2})
	if len(p.Hits) != 2 || p.Hits[0].Name != "王伟民" || p.Total != 2 || !p.More {
		t.Fatalf("capped office count = %+v", p)
	}
	p, _ = f.st.SearchSubjects(f.ctx, SubjectQuery{NameKey: "王伟", Visible: vis, CountCap: 100})
	if p.Total != 3 || p.More {
		t.Fatalf("uncapped = %+v", p)
	}
}

// The page query hands the filter the matches in rank order and stops when
// the page is full: SQLite must not sort after filtering (which would test
// every match, however many), only rank the matches by the index.
func TestArchiveSearchPlan(t *testing.T) {
	f := newArchiveFixture(t)
	for _, q := range []SubjectQuery{
		{NameKey: "王伟"},
		{NameKey: "王伟", NameExcludeKinds: []string{"natural_person"}, Visible: &VisibleFilter{Items: []string{"XZCF", "XZXK"}, ValidOn: "2025-12-01"}},
		{NameKey: "王伟民", NameExcludeKinds: []string{"natural_person"}, Visible: &VisibleFilter{Items: []string{"XZCF", "XZXK"}, ValidOn: "2025-12-01"}},
		{CodePrefix: "9135", CodeExactKinds: []string{"natural_person"}, Visible: &VisibleFilter{Items: []string{"XZCF"}, ValidOn: "2025-12-01"}},
	} {
		parts, ok := buildSearch(q)
		if !ok {
			t.Fatalf("%+v: no statement", q)
		}
		for i, sq := range parts {
			rows, err := f.st.DB.QueryContext(f.ctx, "EXPLAIN QUERY PLAN "+sq.page, append(sq.pageArgs, 20, 0)...)
			if err != nil {
				t.Fatal(err)
			}
			var plan []string
			coroutine := false
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
				if parent == 0 && strings.Contains(detail, "TEMP B-TREE") {
					t.Errorf("%+v part %d: the outer query sorts after filtering:\n%s", q, i, strings.Join(plan, "\n"))
				}
				if strings.HasPrefix(detail, "CO-ROUTINE") {
					coroutine = true
				}
			}
			rows.Close()
			if !coroutine {
				t.Errorf("%+v part %d: the ranked matches are not handed over as a co-routine:\n%s", q, i, strings.Join(plan, "\n"))
			}
			// A name's prefix matches (the first part) are a range of the
			// name index (migration 017) in rank order: no trigram index,
			// no sort of the range (only of the ids of one name).
			if q.NameKey != "" && i == 0 {
				p := strings.Join(plan, "\n")
				if !strings.Contains(p, "INDEX subjects_name_key (name_key>? AND name_key<?)") || strings.Contains(p, "USE TEMP B-TREE FOR ORDER BY") || strings.Contains(p, "subject_names") {
					t.Errorf("%+v: the prefix matches are not read as a range of the name index in order:\n%s", q, p)
				}
			}
		}
		if q.NameKey != "" && len(parts) != 2 {
			t.Errorf("%+v: %d parts, want the prefix matches and the others", q, len(parts))
		}
	}
}

func TestArchiveItemRecords(t *testing.T) {
	f := newArchiveFixture(t)
	var ids []int64
	collect := func(since string) []int64 {
		ids = nil
		if err := f.st.ItemRecords(f.ctx, "XZCF", since, func(r StoredRecord, s SubjectRow) error {
			if s.ID != r.SubjectID || s.Code == "" {
				t.Errorf("record %d with subject %+v", r.ID, s)
			}
			ids = append(ids, r.ID)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if got := collect(""); len(got) != 3 || got[0] != f.recA || got[1] != f.recB || got[2] != f.recC {
		t.Fatalf("all = %v", got)
	}
	if got := collect("2025-06-10"); len(got) != 2 || got[0] != f.recA || got[1] != f.recC {
		t.Fatalf("since 2025-06-10 = %v", got)
	}
}

// Texts of three characters or more find their candidates in the trigram
// index (migration 014); the matches and ranks must be exactly the scan's,
// and the index must follow every change to a subject's name.
func TestArchiveSearchTrigramIndex(t *testing.T) {
	f := newArchiveFixture(t)
	if err := f.st.Write(f.ctx, Actor{Operator: "alice", Today: civil.MustParse("2025-12-01"), Now: time.Now}, func(tx *Tx) error {
		return tx.PublishBatch(f.stag, BatchCounts{})
	}); err != nil {
		t.Fatal(err)
	}
	search := func(key string) []string {
		t.Helper()
		p, err := f.st.SearchSubjects(f.ctx, SubjectQuery{NameKey: key, CountCap: 100})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range p.Hits {
			out = append(out, fmt.Sprintf("%s/%d", h.Name, h.Rank))
		}
		if p.Total != len(out) {
			t.Fatalf("%s: total %d for %d hits", key, p.Total, len(out))
		}
		return out
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := f.st.DB.ExecContext(f.ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	check := func(key string, want ...string) {
		t.Helper()
		if got := search(key); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s → %v, want %v", key, got, want)
		}
	}
	check("王伟民", "王伟民/0")
	check("王伟业", "大王伟业公司/2")  // a substring in the middle
	check("伟业公司", "大王伟业公司/2") // at the end
	check("大王伟业公司", "大王伟业公司/0")
	check("甲公司", "甲公司/0")
	check("公司", "大王伟业公司/2", "甲公司/2") // two characters: the scan, same ranking (then by name)
	check("王伟民公")                    // all trigrams of the text must follow each other
	check(`"王伟`)                     // a quote in the text is literal, not FTS syntax
	// The substring matches (the second part; the first is the prefix
	// range of migration 017).
	if q, _ := buildSearch(SubjectQuery{NameKey: "王伟民"}); !strings.Contains(q[1].page, "subject_names MATCH") || !strings.Contains(q[1].count, "subject_names MATCH") {
		t.Fatalf("a three-character text does not use the trigram index:\n%s", q[1].page)
	}
	if q, _ := buildSearch(SubjectQuery{NameKey: "王伟"}); strings.Contains(q[0].page+q[1].page+q[0].count+q[1].count, "subject_names") {
		t.Fatalf("a two-character text uses the trigram index (which cannot serve it):\n%s", q[1].page)
	}

	// The index follows name changes (a name learnt later, the retention
	// purge blanking a person) and removed subjects.
	exec("UPDATE subjects SET name = 'ABC科技', name_key = 'ABC科技' WHERE id = ?", f.orgA)
	check("甲公司")
	check("ABC科技", "ABC科技/0")
	check("BC科", "ABC科技/2")
	exec("UPDATE subjects SET name = '', name_key = '' WHERE id = ?", f.wangMin)
	check("王伟民")
	// 第八条: the blanked name's entry is gone from the index's stored
	// segments, not merely marked deleted (FTS5 secure-delete), so no copy
	// of a purged person's name stays in the file. 王伟民 is itself one
	// trigram; no other name holds it.
	var left int
	if err := f.st.DB.QueryRowContext(f.ctx, "SELECT count(*) FROM subject_names_data WHERE instr(block, CAST('王伟民' AS BLOB)) > 0").Scan(&left); err != nil || left != 0 {
		t.Fatalf("the blanked name is still in %d index blocks (%v)", left, err)
	}
	// A subject created by ResolveSubjects is indexed, and taken out when
	// removed (as a discarded batch's subjects are).
	if err := f.st.Write(f.ctx, Actor{Operator: "alice", Today: civil.MustParse("2025-12-01"), Now: time.Now}, func(tx *Tx) error {
		_, err := tx.ResolveSubjects(f.batch2, []SubjectIn{{Code: "91320600MA1XXXXX0X", Kind: "organisation", Name: "王伟民商行", NameKey: "王伟民商行"},
			{Code: "91350100M000100Y43", Kind: "organisation", Name: "甲公司", NameKey: "甲公司"}}) // stored already: indexed once
		return err
	}); err != nil {
		t.Fatal(err)
	}
	exec("INSERT INTO subject_names(subject_names, rank) VALUES ('integrity-check', 1)")
	if n := len(search("王伟民商")); n != 0 { // batch2's subjects are on file only with a record
		t.Fatalf("王伟民商 found %d subjects without a published record", n)
	}
	var n int
	if err := f.st.DB.QueryRowContext(f.ctx, "SELECT count(*) FROM subject_names WHERE subject_names MATCH '\"王伟民商\"'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("the new subject is not in the index: %d, %v", n, err)
	}
	exec("DELETE FROM subjects WHERE code = '91320600MA1XXXXX0X'")
	if err := f.st.DB.QueryRowContext(f.ctx, "SELECT count(*) FROM subject_names WHERE subject_names MATCH '\"王伟民商\"'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("a removed subject is still in the index: %d, %v", n, err)
	}
	// A row written outside ResolveSubjects (no index entry) can be removed
	// without harming the index.
	exec("INSERT INTO subjects(code, kind, name, name_key, created_at) VALUES ('91320600MA1YYYYY0X', 'organisation', '戊公司', '戊公司', '')")
	exec("DELETE FROM subjects WHERE code = '91320600MA1YYYYY0X'")
	exec("INSERT INTO subject_names(subject_names, rank) VALUES ('integrity-check', 1)")
}

// Migration 014 indexes the names of a store made before it.
func TestSubjectNameIndexMigration(t *testing.T) {
	f := newArchiveFixture(t)
	// Undo the later migrations first (017, the name prefix index; 016,
	// the pending-revision views; 015, the seals), then 014.
	for _, q := range append(append([]string{"DROP INDEX subjects_name_key", "DROP VIEW current_record_history", "DROP VIEW current_record_links", "DROP VIEW pending_links",
		"DROP VIEW current_records", "DROP VIEW pending_revisions", "DROP INDEX staged_revisions_record"}, UndoSealsSQL()...), "DROP TRIGGER subject_names_ad", "DROP TRIGGER subject_names_au",
		"DROP TABLE subject_names", "PRAGMA user_version = 13") {
		if _, err := f.st.DB.ExecContext(f.ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := f.st.Migrate(f.ctx); err != nil {
		t.Fatal(err)
	}
	p, err := f.st.SearchSubjects(f.ctx, SubjectQuery{NameKey: "王伟民"})
	if err != nil || len(p.Hits) != 1 || p.Hits[0].ID != f.wangMin {
		t.Fatalf("after migrating: %+v, %v", p, err)
	}
	if _, err := f.st.DB.ExecContext(f.ctx, "INSERT INTO subject_names(subject_names, rank) VALUES ('integrity-check', 1)"); err != nil {
		t.Fatal(err)
	}
}
