package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// reviseCSV copies src to dst with the 备注 column (the last but one of the
// national layout) set to text in every row: the same natural keys, new
// content, so each row is a revision of its stored record.
func reviseCSV(t *testing.T, src, dst, text string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	rd := csv.NewReader(bufio.NewReaderSize(in, 1<<20))
	bw := bufio.NewWriterSize(out, 1<<20)
	w := csv.NewWriter(bw)
	header, err := rd.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range header {
		if h == "备注" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("%s has no 备注 column", src)
	}
	w.Write(header)
	for {
		rec, err := rd.Read()
		if err != nil {
			break
		}
		rec[col] = text
		w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	bw.Flush()
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestRevisionPublishBesideSmallWrites is issue 16 "a long publish never
// makes a small write fail": a file revising 10,000 stored records (20,000 in make test-long) is
// imported (staged, then published in one short transaction, then applied
// in chunks: internal/store/pending.go) while other processes, in a loop,
// add users, look a subject up (a lookup writes the query log), file an
// objection on a record the file does not revise, and list batches. Every
// small write succeeds, none is told the store is busy, and the publish is
// all-or-nothing: every revision is applied with its old content in
// record_history. The longest lock wait is logged here and measured by
// scripts/publish_wait.sh; it is not asserted (no timed assertions).
// make test-long runs the same at 200,000 rows (TestRevisionPublishBesideSmallWritesLong).
func TestRevisionPublishBesideSmallWrites(t *testing.T) {
	revisionPublishBesideSmallWrites(t, publishRows) // 10,000 in make test, 20,000 in make test-long
}

func revisionPublishBesideSmallWrites(t *testing.T, n int) {
	const extra = 400 // records the revision does not touch: objections are filed on them
	s := newE2EStore(t)
	all := filepath.Join(s.dir, "all.csv")
	gen(t, n+extra, 11, all)
	first, other := filepath.Join(s.dir, "first.csv"), filepath.Join(s.dir, "other.csv")
	splitCSV(t, all, []int{n, extra}, []string{first, other})
	res1 := importOK(t, s.run(importArgs(first)...))
	resO := importOK(t, s.run(importArgs(other)...))
	revised := filepath.Join(s.dir, "revised.csv")
	reviseCSV(t, first, revised, "经复核更正")
	db := openRO(t, s.db)
	historyBefore := queryInt(t, db, "SELECT count(*) FROM record_history")
	var targets []int64 // records for the objection step
	rows, err := db.Query("SELECT id FROM records WHERE first_batch = ? ORDER BY id", resO.Batch)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		targets = append(targets, id)
	}
	rows.Close()
	lookupCode := queryString(t, db, "SELECT s.code FROM records r JOIN subjects s ON s.id = r.subject_id WHERE r.first_batch = ? ORDER BY r.id LIMIT 1", res1.Batch)

	imp := s.command(importArgs(revised)...)
	var out, errb strings.Builder
	imp.Stdout, imp.Stderr = &out, &errb
	start := time.Now()
	if err := imp.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { imp.Wait(); close(done) }()

	var (
		mu      sync.Mutex
		small   []run
		during  int
		maxWait int

		lookups, objections int
	)
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ { // two writers, so one is often waiting while the other starts
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 1; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				wr := s.run("user", "add", fmt.Sprintf("pub%d_%04d", w, i), "--role", "viewer")
				lk := s.run("subject", "show", lookupCode, "--format", "json")
				var ob run
				if k := 2*(i-1) + w; k < len(targets) {
					ob = s.run("objection", "file", "--record", fmt.Sprint(targets[k]), "--ground", "wrong", "--applicant", "甲公司")
				}
				rd := s.run("batch", "list", "--format", "json")
				mu.Lock()
				small = append(small, wr, lk, rd)
				if ob.args != nil {
					small = append(small, ob)
					objections++
				}
				lookups++
				select {
				case <-done:
				default:
					during++
				}
				for _, line := range strings.Split(wr.err+lk.err+ob.err, "\n") {
					if v, ok := strings.CutPrefix(line, "lock_wait_ms="); ok {
						ms, _ := strconv.Atoi(v)
						maxWait = max(maxWait, ms)
					}
				}
				mu.Unlock()
			}
		}()
	}
	select {
	case <-done:
	case <-time.After(20 * time.Minute):
		imp.Process.Kill()
		t.Fatal("the revision import did not finish within 4 minutes")
	}
	wg.Wait()
	r := run{args: importArgs(revised), out: out.String(), err: errb.String(), code: imp.ProcessState.ExitCode(), dur: time.Since(start)}
	noBusyMessage(t, r)
	res := importOK(t, r)
	t.Logf("revision import of %d rows took %v; %d rounds of small writes+reads (%d lookups, %d objections), %d during it; slowest lock wait of a small write %d ms",
		n, r.dur.Round(time.Millisecond), lookups, lookups, objections, during, maxWait)

	users := 0
	for _, sr := range small {
		noBusyMessage(t, sr)
		if sr.code != 0 {
			t.Errorf("a small write or read failed beside the publish:\n%v", sr)
		} else if sr.args[0] == "user" {
			users++
		}
	}
	if got := queryInt(t, db, "SELECT count(*) FROM query_log WHERE action = 'show'"); got < int64(lookups) {
		t.Errorf("%d lookups logged, %d lookups ran", got, lookups)
	}
	if got := queryInt(t, db, "SELECT count(*) FROM objections"); got != int64(objections) {
		t.Errorf("%d objections stored, %d filed", got, objections)
	}
	if during < 2 {
		t.Errorf("only %d small writes ran during the import: the test measured too little", during)
	}
	if res.Revised != res1.Accepted || res.Accepted != 0 {
		t.Errorf("revision import: accepted %d, revised %d; want 0 and %d (every stored record)", res.Accepted, res.Revised, res1.Accepted)
	}
	// All or nothing: every revision applied, each old content kept once.
	if got := queryInt(t, db, "SELECT count(*) FROM record_history WHERE ref = ?", fmt.Sprintf("batch:%d", res.Batch)); got != int64(res.Revised) {
		t.Errorf("%d superseded revisions kept for batch %d, want %d", got, res.Batch, res.Revised)
	}
	if got := queryInt(t, db, "SELECT count(*) FROM record_history") - historyBefore; got != int64(res.Revised) {
		t.Errorf("record_history grew by %d, want %d", got, res.Revised)
	}
	if got := queryInt(t, db, "SELECT count(*) FROM records WHERE rev = 2 AND rev_batch = ? AND procedure = 'revision'", res.Batch); got != int64(res.Revised) {
		t.Errorf("%d records carry the revision of batch %d, want %d", got, res.Batch, res.Revised)
	}
	if got := queryInt(t, db, "SELECT count(*) FROM staged_revisions"); got != 0 {
		t.Errorf("%d staged revisions left after publish", got)
	}
	if got := queryInt(t, db, "SELECT count(*) FROM users WHERE name LIKE 'pub%'"); got != int64(users) {
		t.Errorf("%d users stored, %d user add runs succeeded", got, users)
	}
	s.storeSound(db)
}
