package cli

import (
	"credit/internal/store"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Issue 16 "Store faults": a full disk is simulated without root by capping
// the store at its current size (CREDIT_TEST_MAX_PAGES → PRAGMA
// max_page_count): a write that needs one more page fails with SQLITE_FULL,
// as it would on a full disk.

const diskFullZh = "磁盘空间不足"

// capStore caps the store at the pages it has now.
func (h *harness) capStore() {
	h.t.Helper()
	var pages int64
	if err := h.openStore().DB.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		h.t.Fatal(err)
	}
	h.env["CREDIT_TEST_MAX_PAGES"] = fmt.Sprint(pages)
}

// fillStore caps the store and then adds users until a write fails: the
// free room in its last pages is used up, so the next write needing a page
// fails. The failing add itself must be the disk-full refusal.
func (h *harness) fillStore() {
	h.t.Helper()
	h.capStore()
	for i := 0; i < 5000; i++ {
		r := h.run("user", "add", fmt.Sprintf("fill%04d-%s", i, strings.Repeat("x", 40)), "--role", "viewer")
		if r.Code == 0 {
			continue
		}
		if r.Code != 1 || !strings.Contains(r.Err, diskFullZh) {
			h.t.Fatalf("filling the store: want exit 1 %s, got %d\nstdout: %s\nstderr: %s", diskFullZh, r.Code, r.Out, r.Err)
		}
		return
	}
	h.t.Fatal("the capped store never filled up")
}

// stateStores holds one open store per test store for storeState, which
// runs before every lookup of a fill-up loop (hundreds): opening the store
// each time cost an open, a schema read and a connection kept until the
// test's end, per call. One idle connection sees every commit all the same.
var stateStores sync.Map // store path → *store.Store

func (h *harness) stateStore() *store.Store {
	h.t.Helper()
	if st, ok := stateStores.Load(h.db); ok {
		return st.(*store.Store)
	}
	st := h.openStore() // closed when the test ends
	stateStores.Store(h.db, st)
	h.t.Cleanup(func() { stateStores.Delete(h.db) })
	return st
}

// storeState is what must not change across a refused write.
func (h *harness) storeState() string {
	h.t.Helper()
	db := h.stateStore().DB
	var s []string
	for _, q := range []string{"SELECT count(*) FROM records", "SELECT count(*) FROM batches", "SELECT count(*) FROM batches WHERE state = 'published'",
		"SELECT count(*) FROM audit_log", "SELECT count(*) FROM query_log", "SELECT count(*) FROM objections", "SELECT count(*) FROM record_history",
		"SELECT coalesce(max(hash), '') FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)"} {
		var v string
		if err := db.QueryRow(q).Scan(&v); err != nil {
			h.t.Fatalf("%s: %v", q, err)
		}
		s = append(s, v)
	}
	return strings.Join(s, " ")
}

// storeSound: integrity_check ok and the audit chain verifies.
func (h *harness) storeSound() {
	h.t.Helper()
	var ok string
	if err := h.openStore().DB.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		h.t.Fatalf("integrity_check = %q, %v", ok, err)
	}
	h.ok("audit", "verify")
}

func diskFullRefused(t *testing.T, r result) {
	t.Helper()
	if !strings.Contains(r.Err, diskFullZh) || !strings.Contains(r.Err, "数据库未改变") {
		t.Errorf("want the disk-full message on stderr, got\nstdout: %s\nstderr: %s", r.Out, r.Err)
	}
	if strings.Contains(r.Err, "内部错误") || strings.Contains(r.Err, "internal error") {
		t.Errorf("a full disk is not an internal error: %s", r.Err)
	}
}

// TestDiskFullImportStoresNothing: an import that runs out of space in the
// middle of the file leaves no trace (issue 16): no batch row, no staged
// rows, no rejects, no audit entry, no lease file; the store checks sound,
// and once space is back the same file imports.
func TestDiskFullImportStoresNothing(t *testing.T) {
	parallel(t) // waits more than it computes: overlaps the other slow tests (make test budget, issue 17)
	h := queueHarness(t)
	oneRecord(t, h)
	var rows [][]string
	for i := 0; i < 3000; i++ {
		rows = append(rows, xzcfRow(map[string]string{"行政处罚决定书文号": fmt.Sprintf("通市监罚〔2025〕F%d号", i)}))
	}
	// A few rejected rows too: their reject rows must go with the batch.
	rows = append(rows, xzcfRow(map[string]string{"行政处罚决定书文号": "通市监罚〔2025〕坏1号", "处罚决定日期": "2025-13-45"}))
	f := filepath.Join(h.dir, "big.csv")
	writeCSV(t, f, xzcfHeader, rows, false)
	before := h.storeState() + " " + h.stagingState()
	h.capStore()
	r := h.fails(1, "import", f, "--provider", provider, "--item", "XZCF", "--today", "2025-09-02", "--format", "json")
	diskFullRefused(t, r)
	delete(h.env, "CREDIT_TEST_MAX_PAGES")
	if r.Out != "" && !strings.Contains(r.Out, `"accepted":0`) {
		t.Errorf("a refused import's JSON must say 0 accepted: %s", r.Out)
	}
	if after := h.storeState() + " " + h.stagingState(); after != before {
		t.Errorf("a disk-full import left a trace:\nbefore %s\nafter  %s", before, after)
	}
	if locks, _ := filepath.Glob(filepath.Join(filepath.Dir(h.db), "*.import-*.lock")); len(locks) > 0 {
		t.Errorf("lease files left behind: %v", locks)
	}
	h.storeSound()
	r = h.fails(3, "import", f, "--provider", provider, "--item", "XZCF", "--today", "2025-09-02", "--format", "json")
	if !strings.Contains(r.Out, `"accepted":3000`) || !strings.Contains(r.Out, `"rejected":1`) {
		t.Errorf("with space back the file imports: %s", r.Out)
	}
}

// stagingState counts what an import stages before it publishes, and every
// batch whatever its state.
func (h *harness) stagingState() string {
	h.t.Helper()
	db := h.openStore().DB
	var s []string
	for _, q := range []string{"SELECT count(*) FROM staged_revisions", "SELECT count(*) FROM staged_names", "SELECT count(*) FROM staged_kinds",
		"SELECT count(*) FROM rejects", "SELECT count(*) FROM subjects", "SELECT count(*) FROM record_links", "SELECT count(*) FROM batches WHERE state <> 'published'"} {
		var v string
		if err := db.QueryRow(q).Scan(&v); err != nil {
			h.t.Fatalf("%s: %v", q, err)
		}
		s = append(s, v)
	}
	return strings.Join(s, " ")
}

// TestDiskFullSmallWritesRefused: on a full store an objection step and a
// lookup are refused with exit 1 and the one message; a lookup prints
// nothing (every lookup must be logged, and its log entry could not be
// written); nothing is half-written, and all works again once space is back.
func TestDiskFullSmallWritesRefused(t *testing.T) {
	parallel(t) // hundreds of fsynced lookups: overlaps the other slow tests (make test budget, issue 17)
	h := queueHarness(t)
	oneRecord(t, h)
	h.capStore()
	// Lookups until the query log has no room left: the one refused prints nothing.
	var r result
	for i := 0; ; i++ {
		if i == 5000 {
			t.Fatal("the capped store never filled up")
		}
		before := h.storeState()
		r = h.run("subject", "show", orgA, "--format", "json", "--today", "2025-09-26")
		if r.Code == 0 {
			continue
		}
		if r.Code != 1 {
			t.Fatalf("a lookup on a full store: exit %d, want 1\n%s", r.Code, r.Err)
		}
		if after := h.storeState(); after != before {
			t.Errorf("store changed by a refused lookup:\nbefore %s\nafter  %s", before, after)
		}
		break
	}
	diskFullRefused(t, r)
	if strings.TrimSpace(r.Out) != "" {
		t.Errorf("a lookup that could not be logged showed: %s", r.Out)
	}
	h.fillStore()
	before := h.storeState()
	bob := h.as("bob")
	diskFullRefused(t, bob.failsOn(1, "2025-09-26", "objection", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司"))
	r = h.failsOn(1, "2025-09-26", "subject", "show", orgA, "--lang", "en")
	if !strings.Contains(r.Err, "disk full") {
		t.Errorf("English message: %s", r.Err)
	}
	if after := h.storeState(); after != before {
		t.Errorf("store changed by refused writes:\nbefore %s\nafter  %s", before, after)
	}
	delete(h.env, "CREDIT_TEST_MAX_PAGES")
	h.storeSound()
	h.as("bob").on("2025-09-26", "objection", "file", "--record", "1", "--ground", "wrong", "--applicant", "甲公司")
	h.on("2025-09-26", "subject", "show", orgA)
}
