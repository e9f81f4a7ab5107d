package cli

import (
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"credit/internal/store"
)

// Issue 16, "a long publish never blocks small writes": a revision batch is
// published in one short transaction and its revisions are applied to the
// base tables afterwards (internal/store/pending.go, migration 016). These
// tests hold the deferred apply back (store.SetApplyHook) so the revisions
// stay "published pending", and check that everyone sees them as applied,
// and that the apply changes nothing anyone sees.

// holdApply stops the deferred apply until the returned func is called.
func holdApply(t *testing.T) (release func()) {
	store.SetApplyHook(func(int64, int) error { return errors.New("apply held by the test") })
	release = func() { store.SetApplyHook(nil) }
	t.Cleanup(release)
	return release
}

var queryIDPattern = regexp.MustCompile(`"query_id": ?[0-9]+`)

// pendingViews is what the clerks and the public see of the subjects a
// revision of 乙公司's serious record touches: the archives (office and
// public scope), the histories, and the archive of the responsible persons
// linked under 第二十九条.
func pendingViews(t *testing.T, h *harness) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, code := range []string{orgA, orgB, archRepB, archPrincipal} {
		for _, args := range [][]string{
			{"subject", "show", code, "--format", "json"},
			{"subject", "show", code, "--scope", "public", "--format", "json"},
			{"subject", "history", code, "--format", "json"},
		} {
			r := h.run(args...)
			// Each look is logged under its own number; the rest must match.
			r.Out = queryIDPattern.ReplaceAllString(r.Out, `"query_id": N`)
			out[strings.Join(args, " ")] = r.Out + "\x00" + r.Err + "\x00" + string(rune('0'+r.Code))
		}
	}
	return out
}

func openDB(t *testing.T, h *harness) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", h.db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func qInt(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// reviseB writes a file revising 乙公司's serious record: new 处罚内容 and
// fine, and principal named (or none, which drops that 第二十九条 link).
func reviseB(t *testing.T, h *harness, name, content, fine, principal string) string {
	t.Helper()
	f := filepath.Join(h.dir, name)
	writeCSV(t, f, archExtraHeader, [][]string{
		archRow(map[string]string{"行政相对人名称": "乙公司", "行政相对人代码_1（统一社会信用代码）": orgB, "法定代表人": "李四", "法定代表人证件号码": archRepB,
			"行政处罚决定书文号": "通市监罚〔2025〕2号", "处罚决定日期": "2025-03-01", "法定代表人负有责任": "是",
			"处罚内容": content, "罚款金额（万元）": fine}, "严重", principal),
	}, false)
	return f
}

// A published pending revision shows as applied everywhere (content, rev,
// history with the superseded content, links that follow the new content);
// the apply (here by credit init, as after a killed importer) leaves every
// output byte for byte the same and empties the pending area.
func TestPendingRevisionShownAsAppliedThenApplied(t *testing.T) {
	h := archiveHarness(t)
	db := openDB(t, h)
	recB := qInt(t, db, "SELECT id FROM records WHERE natural_key LIKE '%通市监罚〔2025〕2号%'")
	// The principal is linked before the revision.
	if a := showJSON(t, h, archPrincipal); len(a.Records) != 1 {
		t.Fatalf("principal's archive before the revision: %+v", a)
	}
	release := holdApply(t)
	r := h.as("bob").ok("import", reviseB(t, h, "rev.csv", "罚款50000元", "5", ""), "--provider", provider, "--item", "XZCF", "--format", "json")
	if !strings.Contains(r.Out, `"revised":1`) {
		t.Fatalf("revision: %s", r.Out)
	}
	// Pending: the base tables still hold the old content.
	if n := qInt(t, db, "SELECT rev FROM records WHERE id = ?", recB); n != 1 {
		t.Fatalf("base record rev = %d, want 1 while the apply is held", n)
	}
	if n := qInt(t, db, "SELECT count(*) FROM staged_revisions s JOIN batches b ON b.id = s.batch_id AND b.state = 'published'"); n != 1 {
		t.Fatalf("%d published pending revisions, want 1", n)
	}
	// Seen as applied.
	a := showJSON(t, h, orgB)
	if rec := a.byDoc("通市监罚〔2025〕2号"); rec.Fields["处罚内容"] != "罚款50000元" {
		t.Errorf("pending revision not shown: %+v", rec)
	}
	hist := decode[archHistory](t, h.ok("subject", "history", orgB, "--format", "json").Out)
	if len(hist.Records) != 1 || len(hist.Records[0].Revisions) != 2 {
		t.Fatalf("history while pending = %+v", hist)
	}
	rev2 := hist.Records[0].Revisions[1]
	changed := map[string][2]string{}
	for _, c := range rev2.Changes {
		changed[c.Field] = [2]string{c.Old, c.New}
	}
	if rev2.Rev != 2 || rev2.Procedure != "revision" || rev2.Operator != "bob" || !strings.HasPrefix(rev2.Ref, "batch:") ||
		changed["处罚内容"] != [2]string{"罚款20000元", "罚款50000元"} {
		t.Errorf("rev 2 while pending = %+v", rev2)
	}
	// 第二十九条 links follow the revised content: the principal is no longer linked.
	if r := h.run("subject", "show", archPrincipal, "--format", "json"); strings.Contains(r.Out, "通市监罚〔2025〕2号") {
		t.Errorf("the principal is still linked to the revised record: %s", r.Out)
	}
	before := pendingViews(t, h)

	release()
	h.ok("init")
	if n := qInt(t, db, "SELECT count(*) FROM staged_revisions"); n != 0 {
		t.Fatalf("%d staged revisions left after the apply", n)
	}
	if n := qInt(t, db, "SELECT rev FROM records WHERE id = ?", recB); n != 2 {
		t.Fatalf("base record rev = %d after the apply, want 2", n)
	}
	if n := qInt(t, db, "SELECT count(*) FROM record_links WHERE record_id = ? AND role = 'principal'", recB); n != 0 {
		t.Errorf("the principal's link is still stored after the apply")
	}
	after := pendingViews(t, h)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("credit %s changed with the apply:\nbefore: %s\nafter:  %s", k, v, after[k])
		}
	}
	h.ok("audit", "verify")
}

// Two batches revising one record while the apply is held: the second
// publish applies the first's revision of that record (in its own
// transaction, in publish order), the archive shows the newest content, the
// history both superseded contents; the final apply changes nothing seen.
func TestTwoRevisionBatchesPendingOnOneRecord(t *testing.T) {
	h := archiveHarness(t)
	db := openDB(t, h)
	recB := qInt(t, db, "SELECT id FROM records WHERE natural_key LIKE '%通市监罚〔2025〕2号%'")
	release := holdApply(t)
	r1 := h.as("bob").ok("import", reviseB(t, h, "rev1.csv", "罚款30000元", "3", archPrincipal), "--provider", provider, "--item", "XZCF", "--format", "json")
	r2 := h.ok("import", reviseB(t, h, "rev2.csv", "罚款40000元", "4", archPrincipal), "--provider", provider, "--item", "XZCF", "--format", "json")
	for _, r := range []result{r1, r2} {
		if !strings.Contains(r.Out, `"revised":1`) || strings.Contains(r.Out, "record_locked") {
			t.Fatalf("revision: %s", r.Out)
		}
	}
	// The first revision is in the base tables, the second pending.
	if n := qInt(t, db, "SELECT rev FROM records WHERE id = ?", recB); n != 2 {
		t.Errorf("base rev = %d, want 2 (the first revision applied by the second publish)", n)
	}
	if n := qInt(t, db, "SELECT count(*) FROM staged_revisions WHERE record_id = ?", recB); n != 1 {
		t.Errorf("%d staged revisions of the record, want 1 (the second batch's)", n)
	}
	hist := decode[archHistory](t, h.ok("subject", "history", orgB, "--format", "json").Out)
	if len(hist.Records) != 1 || len(hist.Records[0].Revisions) != 3 {
		t.Fatalf("history = %+v", hist)
	}
	revs := hist.Records[0].Revisions
	content := func(c archChange) [2]string {
		for _, ch := range c.Changes {
			if ch.Field == "处罚内容" {
				return [2]string{ch.Old, ch.New}
			}
		}
		return [2]string{}
	}
	if revs[1].Rev != 2 || revs[1].Operator != "bob" || content(revs[1]) != [2]string{"罚款20000元", "罚款30000元"} ||
		revs[2].Rev != 3 || revs[2].Operator != "alice" || content(revs[2]) != [2]string{"罚款30000元", "罚款40000元"} || revs[1].Ref == revs[2].Ref {
		t.Errorf("revisions = %+v", revs)
	}
	if a := showJSON(t, h, orgB); a.byDoc("通市监罚〔2025〕2号").Fields["处罚内容"] != "罚款40000元" {
		t.Errorf("the newest revision is not the one shown")
	}
	before := pendingViews(t, h)
	release()
	h.ok("init")
	if n := qInt(t, db, "SELECT rev FROM records WHERE id = ?", recB); n != 3 {
		t.Errorf("base rev = %d after the apply, want 3", n)
	}
	if n := qInt(t, db, "SELECT count(*) FROM record_history WHERE record_id = ?", recB); n != 2 {
		t.Errorf("%d history rows after the apply, want 2", n)
	}
	after := pendingViews(t, h)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("credit %s changed with the apply:\nbefore: %s\nafter:  %s", k, v, after[k])
		}
	}
}

// A workflow change of a record whose revision is still pending (here an
// objection's correction) first applies that revision in its own
// transaction: the history keeps the imported content, then the revised
// one, and the correction becomes rev 3 over the revision the objection saw.
func TestCorrectionOfRecordWithPendingRevision(t *testing.T) {
	h := queueHarness(t)
	oneRecord(t, h)
	bob, carol := h.as("bob"), h.as("carol")
	db := openDB(t, h)
	holdApply(t)
	if r := h.importXZCF("2025-09-20", "rev.csv", nil, xzcfRow(map[string]string{"处罚内容": "罚款30000元", "罚款金额（万元）": "3"})); r.Code != 0 || !strings.Contains(r.Out, `"revised":1`) {
		t.Fatalf("revision: %d %s %s", r.Code, r.Out, r.Err)
	}
	if n := qInt(t, db, "SELECT count(*) FROM staged_revisions WHERE record_id = 1"); n != 1 {
		t.Fatalf("%d pending revisions of record 1, want 1", n)
	}
	var revHash string
	db.QueryRow("SELECT content_hash FROM staged_revisions WHERE record_id = 1").Scan(&revHash)
	o := bob.objection("2025-09-26", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司")
	if o.ContentHash != revHash {
		t.Fatalf("the objection saw content %s, want the pending revision's %s", o.ContentHash, revHash)
	}
	bob.objection("2025-09-26", "forward", "1", "--note", "转交市监局")
	bob.objection("2025-10-09", "verify", "1", "--finding", "inaccurate", "--note", "罚款金额应为 1 万元")
	carol.objection("2025-10-10", "decide", "1", "--uphold", "--reason", "核实有误")
	o = bob.objection("2025-10-13", "correct", "1", "--set", "罚款金额（万元）=1", "--set", "处罚内容=罚款10000元")
	if c := o.Correction; c == nil || c.Rev != 3 || c.OldContentHash != revHash {
		t.Fatalf("correction: %+v", o.Correction)
	}
	if n := qInt(t, db, "SELECT count(*) FROM staged_revisions"); n != 0 {
		t.Errorf("%d staged revisions left: the correction must apply the pending one first", n)
	}
	rows, err := db.Query("SELECT rev, procedure, superseded_by, vals FROM record_history WHERE record_id = 1 ORDER BY rev")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var rev int
		var proc, by, vals string
		rows.Scan(&rev, &proc, &by, &vals)
		fine := "?"
		for _, v := range []string{"罚款20000元", "罚款30000元"} {
			if strings.Contains(vals, v) {
				fine = v
			}
		}
		got = append(got, strings.Join([]string{string(rune('0' + rev)), proc, by, fine}, "/"))
	}
	if want := "1/import/revision/罚款20000元,2/revision/correction/罚款30000元"; strings.Join(got, ",") != want {
		t.Errorf("history = %v, want %s", got, want)
	}
	var rev int
	var proc string
	db.QueryRow("SELECT rev, procedure FROM records WHERE id = 1").Scan(&rev, &proc)
	if rev != 3 || proc != "correction" {
		t.Errorf("record = rev %d %s, want rev 3 correction", rev, proc)
	}
	h.ok("audit", "verify")
}

// A person whom only a pending revision names (a new principal responsible
// person of 乙公司's serious record) is on file at once: found by code, with
// the record linked to them, in every scope the office allows; the apply
// changes nothing of it.
func TestPersonNamedOnlyByPendingRevision(t *testing.T) {
	h := archiveHarness(t)
	const newPrincipal = "320602198505050027" // check digit worked by hand (GB 11643 weights): S = 225, 225 mod 11 = 5 → 7
	if a := showJSON(t, h, newPrincipal); len(a.Records) != 0 {
		t.Fatalf("records of the person before any file names them: %+v", a.Records)
	}
	release := holdApply(t)
	h.as("bob").ok("import", reviseB(t, h, "rev.csv", "罚款50000元", "5", newPrincipal), "--provider", provider, "--item", "XZCF")
	db := openDB(t, h)
	if n := qInt(t, db, "SELECT count(*) FROM record_links l JOIN subjects s ON s.id = l.subject_id WHERE s.code = ?", newPrincipal); n != 0 {
		t.Fatalf("the link is stored already (%d): the apply was not held", n)
	}
	a := showJSON(t, h, newPrincipal)
	if rec := a.byDoc("通市监罚〔2025〕2号"); rec == nil || rec.LinkedAs == "" || rec.Fields["处罚内容"] != "罚款50000元" {
		t.Fatalf("the new principal's archive while the revision is pending: %+v", a)
	}
	before := h.run("subject", "show", newPrincipal, "--format", "json").Out
	release()
	h.ok("init")
	if n := qInt(t, db, "SELECT count(*) FROM record_links l JOIN subjects s ON s.id = l.subject_id WHERE s.code = ?", newPrincipal); n != 1 {
		t.Errorf("%d links of the new principal stored after the apply, want 1", n)
	}
	after := h.run("subject", "show", newPrincipal, "--format", "json").Out
	if queryIDPattern.ReplaceAllString(before, "") != queryIDPattern.ReplaceAllString(after, "") {
		t.Errorf("the archive changed with the apply:\nbefore: %s\nafter:  %s", before, after)
	}
}

// Issue 17: the importer applies its own revision batch on its session's
// connection, after switching that connection's temporary storage to a file
// (its statement journals; store.Session.ApplyPending). Several apply chunks
// run after the switch (which drops the connection's TEMP objects, the seals'
// triggers among them): every revision must reach the base tables, with its
// superseded content in the history, and every row written by those chunks
// must carry a valid seal (audit verify re-checks each one).
func TestSessionApplyKeepsSeals(t *testing.T) {
	h := importHarness(t)
	defer func(n int) { store.ApplyChunk = n }(store.ApplyChunk)
	store.ApplyChunk = 2 // five revisions: three apply chunks
	var first, second [][]string
	for i := 1; i <= 5; i++ {
		no := fmt.Sprintf("通市监罚〔2025〕%d号", 100+i)
		first = append(first, xzcfRow(map[string]string{"行政处罚决定书文号": no}))
		second = append(second, xzcfRow(map[string]string{"行政处罚决定书文号": no, "处罚内容": fmt.Sprintf("罚款%d0000元", 3+i)}))
	}
	f1, f2 := filepath.Join(h.dir, "first.csv"), filepath.Join(h.dir, "second.csv")
	writeCSV(t, f1, xzcfHeader, first, false)
	writeCSV(t, f2, xzcfHeader, second, false)
	h.ok("import", f1, "--provider", provider, "--item", "XZCF")
	if r := h.ok("import", f2, "--provider", provider, "--item", "XZCF", "--format", "json"); !strings.Contains(r.Out, `"revised":5`) {
		t.Fatalf("second.csv: %s", r.Out)
	}
	db := openDB(t, h)
	if n := qInt(t, db, "SELECT count(*) FROM staged_revisions"); n != 0 {
		t.Fatalf("%d revisions still pending after the import", n)
	}
	if n := qInt(t, db, "SELECT count(*) FROM records WHERE rev = 2 AND procedure = 'revision' AND vals LIKE '%罚款%0000元%'"); n != 5 {
		t.Fatalf("%d of 5 records hold the revision in the base table", n)
	}
	if n := qInt(t, db, "SELECT count(*) FROM record_history WHERE superseded_by = 'revision' AND vals LIKE '%罚款20000元%'"); n != 5 {
		t.Fatalf("%d of 5 superseded revisions in the history", n)
	}
	h.ok("audit", "verify")
}

// Issue 17 (h-floor): the public search tests a match's links through
// pending_links only while some published batch has revisions to apply
// (store.anyPublishedPending, worked out once per statement). Both ways must
// give what the archive shows: while 乙公司's revision is pending, the
// person it newly names as principal is found by the whole ID number and the
// person it no longer names is not; after the apply (nothing pending, the
// view skipped) the same.
func TestPublicSearchFollowsPendingLinks(t *testing.T) {
	h := archiveHarness(t)
	const newPrincipal = "320602198505050027" // as TestPersonNamedOnlyByPendingRevision
	hits := func(code string) int {
		t.Helper()
		return len(decode[[]map[string]any](t, h.ok("subject", "search", code, "--format", "json").Out))
	}
	if n := hits(archPrincipal); n != 1 {
		t.Fatalf("the principal of 乙公司's serious record: %d public hits, want 1", n)
	}
	if n := hits(newPrincipal); n != 0 {
		t.Fatalf("a person no file names: %d public hits", n)
	}
	release := holdApply(t)
	h.as("bob").ok("import", reviseB(t, h, "rev.csv", "罚款50000元", "5", newPrincipal), "--provider", provider, "--item", "XZCF")
	if n := qInt(t, openDB(t, h), "SELECT count(*) FROM staged_revisions"); n != 1 {
		t.Fatalf("%d staged revisions: the apply was not held", n)
	}
	if n := hits(newPrincipal); n != 1 {
		t.Errorf("while the revision is pending, the new principal: %d public hits, want 1", n)
	}
	if n := hits(archPrincipal); n != 0 {
		t.Errorf("while the revision is pending, the principal it no longer names: %d public hits, want 0", n)
	}
	release()
	h.ok("init")
	if n := qInt(t, openDB(t, h), "SELECT count(*) FROM staged_revisions"); n != 0 {
		t.Fatalf("%d staged revisions after the apply", n)
	}
	if n := hits(newPrincipal); n != 1 {
		t.Errorf("after the apply, the new principal: %d public hits, want 1", n)
	}
	if n := hits(archPrincipal); n != 0 {
		t.Errorf("after the apply, the former principal: %d public hits, want 0", n)
	}
}
