package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"credit/internal/apperr"
	"credit/internal/civil"
)

// journalStore is a store sealed with testKey, and a second handle on the
// same file (as another credit process holding the key would open it).
func journalStore(t *testing.T) (served, other *Store) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "j.db")
	st, err := Open(ctx, path, Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SealStore(ctx, Actor{Operator: "alice", Today: civil.MustParse("2026-11-02")}, testKey); err != nil {
		t.Fatal(err)
	}
	if err := st.UseKey(ctx, testKey); err != nil {
		t.Fatal(err)
	}
	o, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Close() })
	if err := o.UseKey(ctx, testKey); err != nil {
		t.Fatal(err)
	}
	return st, o
}

func journalEntry(i int) (Actor, QueryEntry) {
	a := Actor{Operator: fmt.Sprintf("token:%d", i%3+1), Today: civil.MustParse("2026-11-02"), Via: "api from 127.0.0.1", TokenID: int64(i%3 + 1)}
	return a, QueryEntry{Action: "show", Scope: "shared", Unit: "113206000140000015", Purpose: fmt.Sprintf("审查 %d", i),
		Records: []RecordRef{{ID: int64(i + 1), ContentHash: fmt.Sprintf("h%d", i)}}}
}

// loggedPurposes maps each query-log id to its purpose, read straight from
// the file (as the sqlite3 shell would, without moving any journal).
func loggedPurposes(t *testing.T, st *Store) map[int64]string {
	t.Helper()
	rows, err := st.DB.Query("SELECT q.id, q.purpose, (SELECT count(*) FROM query_log_records r WHERE r.query_id = q.id) FROM query_log q")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var p string
		var recs int
		if err := rows.Scan(&id, &p, &recs); err != nil {
			t.Fatal(err)
		}
		if recs != 1 {
			t.Errorf("entry %d has %d records logged, want 1", id, recs)
		}
		out[id] = p
	}
	return out
}

func journalCount(t *testing.T, st *Store) int {
	t.Helper()
	n, bad, err := st.JournalEntries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Fatalf("journal entries %v do not match their seals", bad)
	}
	return n
}

// TestQueryLogJournalKeepsEveryEntry: with the served journal on, concurrent
// lookups each get their own id at once; every entry reaches query_log with
// that id and its own purpose and records, whether it went through the
// journal or straight to the store; a reader in another process sees every
// entry answered (it moves the journal first); stopping moves the rest and
// removes the journal; the seals hold throughout.
func TestQueryLogJournalKeepsEveryEntry(t *testing.T) {
	st, other := journalStore(t)
	ctx := context.Background()
	stop, err := st.JournalQueryLog(ctx, func(err error) { t.Errorf("move failed: %v", err) })
	if err != nil {
		t.Fatal(err)
	}
	const n = 400
	ids := make([]int64, n)
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 16 {
				a, e := journalEntry(i)
				id, err := st.LogQuery(ctx, a, e)
				if err != nil {
					t.Errorf("LogQuery %d: %v", i, err)
					return
				}
				ids[i] = id
			}
		}()
	}
	wg.Wait()
	// Answered entries not yet in query_log wait in the journal: the journal
	// was used (else this test tests nothing), and nothing is in neither.
	inJournal := journalCount(t, st)
	logged := loggedPurposes(t, st)
	if inJournal == 0 {
		t.Fatal("no entry went through the journal")
	}
	if inJournal+len(logged) != n {
		t.Fatalf("%d entries in the journal + %d in query_log, want %d", inJournal, len(logged), n)
	}
	// A reader elsewhere (another process with the key) sees them all.
	rows, err := other.QueriesOfToken(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := (n + 2) / 3; len(rows) != want {
		t.Errorf("token 1: %d entries listed, want %d", len(rows), want)
	}
	if got := journalCount(t, st); got != 0 {
		t.Errorf("%d entries left in the journal after a reader moved it", got)
	}
	// More, then stop: the rest is moved and the journal removed.
	for i := n; i < n+20; i++ {
		a, e := journalEntry(i)
		id, err := st.LogQuery(ctx, a, e)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	stop()
	if _, err := os.Stat(JournalPath(st.Path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("journal still there after stop: %v", err)
	}
	logged = loggedPurposes(t, st)
	if len(logged) != len(ids) {
		t.Errorf("%d entries in query_log, want %d", len(logged), len(ids))
	}
	seen := map[int64]bool{}
	for i, id := range ids {
		if seen[id] {
			t.Errorf("id %d given twice", id)
		}
		seen[id] = true
		if want := fmt.Sprintf("审查 %d", i); logged[id] != want {
			t.Errorf("entry %d: id %d holds purpose %q, want %q", i, id, logged[id], want)
		}
	}
	if rep := verifySeals(t, st.Path); len(rep.Problems) > 0 {
		t.Errorf("seals after the journal: %+v", rep.Problems)
	}
	// The ids the server reserved and did not use are not handed out again
	// (nor lowered: a gap costs nothing): the next entry written anywhere
	// goes above every id the server gave.
	a, e := journalEntry(0)
	id, err := other.LogQuery(ctx, a, e)
	if err != nil {
		t.Fatal(err)
	}
	for _, given := range ids {
		if id <= given {
			t.Fatalf("entry written after the server stopped got id %d, not above the server's %d", id, given)
		}
	}
}

// TestQueryLogJournalOneOwner: a second server on the same store (or one
// that fails to start beside a running one) does not share, move under or
// remove the running server's journal: it commits its own groups to the
// store, and stopping it leaves the journal and its waiting entries alone.
func TestQueryLogJournalOneOwner(t *testing.T) {
	st, other := journalStore(t)
	ctx := context.Background()
	stopA, err := st.JournalQueryLog(ctx, func(err error) { t.Errorf("move failed: %v", err) })
	if err != nil {
		t.Fatal(err)
	}
	// Server A's first entry after its reservation waits in its journal.
	a, e := journalEntry(1)
	idA, err := st.LogQuery(ctx, a, e)
	if err != nil {
		t.Fatal(err)
	}
	stopB, err := other.JournalQueryLog(ctx, func(err error) { t.Errorf("move failed: %v", err) })
	if err != nil {
		t.Fatal(err)
	}
	if g := other.queryLogGroup(); g == nil || g.j != nil {
		t.Fatal("the second server should group-commit to the store, without a journal")
	}
	a, e = journalEntry(2)
	idB, err := other.LogQuery(ctx, a, e)
	if err != nil {
		t.Fatal(err)
	}
	if logged := loggedPurposes(t, st); logged[idB] != "审查 2" {
		t.Errorf("the second server's entry %d is not in query_log at once: %v", idB, logged)
	}
	a, e = journalEntry(3)
	idA2, err := st.LogQuery(ctx, a, e)
	if err != nil {
		t.Fatal(err)
	}
	stopB()
	if _, err := os.Stat(JournalPath(st.Path)); err != nil {
		t.Fatalf("the second server's stop removed the running server's journal: %v", err)
	}
	stopA()
	logged := loggedPurposes(t, st)
	for id, want := range map[int64]string{idA: "审查 1", idB: "审查 2", idA2: "审查 3"} {
		if logged[id] != want {
			t.Errorf("id %d holds %q, want %q", id, logged[id], want)
		}
	}
	if len(logged) != 3 {
		t.Errorf("query_log = %v, want 3 entries", logged)
	}
	if rep := verifySeals(t, st.Path); len(rep.Problems) > 0 {
		t.Errorf("seals: %+v", rep.Problems)
	}
}

// TestQueryLogJournalIdsBesideOtherWriters: while a server holds a block of
// ids, an entry written by another process goes above the block, and the
// server's entries written later fill the block below it; the seals (whose
// chain follows the rowid order) still verify.
func TestQueryLogJournalIdsBesideOtherWriters(t *testing.T) {
	st, other := journalStore(t)
	ctx := context.Background()
	stop, err := st.JournalQueryLog(ctx, func(err error) { t.Errorf("move failed: %v", err) })
	if err != nil {
		t.Fatal(err)
	}
	a, e := journalEntry(1)
	first, err := st.LogQuery(ctx, a, e)
	if err != nil {
		t.Fatal(err)
	}
	a, e = journalEntry(2)
	elsewhere, err := other.LogQuery(ctx, a, e)
	if err != nil {
		t.Fatal(err)
	}
	if elsewhere <= first+journalBlock-1 {
		t.Errorf("entry written elsewhere got id %d, inside the server's block from %d", elsewhere, first)
	}
	a, e = journalEntry(3)
	later, err := st.LogQuery(ctx, a, e)
	if err != nil {
		t.Fatal(err)
	}
	if later != first+1 {
		t.Errorf("the server's next entry got id %d, want %d", later, first+1)
	}
	stop()
	logged := loggedPurposes(t, st)
	for id, want := range map[int64]string{first: "审查 1", elsewhere: "审查 2", later: "审查 3"} {
		if logged[id] != want {
			t.Errorf("id %d holds %q, want %q", id, logged[id], want)
		}
	}
	if rep := verifySeals(t, st.Path); len(rep.Problems) > 0 {
		t.Errorf("seals: %+v", rep.Problems)
	}
}

// journalWith leaves n entries in the store's journal as a server killed
// before it moved them would (ids from a block it reserved), and returns
// their ids.
func journalWith(t *testing.T, st *Store, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	db, err := openJournal(st.Path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	j := &queryJournal{s: st, db: db, key: st.chainKey()}
	batch := make([]*queryLogWait, n)
	for i := range batch {
		a, e := journalEntry(i)
		batch[i] = &queryLogWait{actor: a, at: "2026-11-02T08:00:00Z", entry: e}
	}
	rows, err := j.take(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.append(ctx, batch, rows); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, n)
	for i, w := range batch {
		ids[i] = w.id
	}
	return ids
}

// TestQueryLogJournalAfterACrash: entries a killed server left in its
// journal are moved by the next credit process that reads the query log,
// with the ids their answers named; an entry that was already moved when the
// server died (its delete lost) is not written twice.
func TestQueryLogJournalAfterACrash(t *testing.T) {
	st, other := journalStore(t)
	ctx := context.Background()
	ids := journalWith(t, st, 5)
	// The move of the first two committed, the journal's delete did not.
	err := st.Write(ctx, Actor{Operator: "credit serve"}, func(tx *Tx) error {
		for i, id := range ids[:2] {
			a, e := journalEntry(i)
			if _, err := tx.insertQueryRow(id, newQueryRow(a, "2026-11-02T08:00:00Z", e, e.Query)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := journalCount(t, st); got != 5 {
		t.Fatalf("journal holds %d, want 5", got)
	}
	if _, err := other.QueriesOfToken(ctx, 1); err != nil {
		t.Fatal(err)
	}
	logged := loggedPurposes(t, st)
	if len(logged) != 5 {
		t.Errorf("%d entries in query_log, want 5: %v", len(logged), logged)
	}
	for i, id := range ids {
		if want := fmt.Sprintf("审查 %d", i); logged[id] != want {
			t.Errorf("id %d holds %q, want %q", id, logged[id], want)
		}
	}
	if got := journalCount(t, st); got != 0 {
		t.Errorf("journal holds %d after the move", got)
	}
	if rep := verifySeals(t, st.Path); len(rep.Problems) > 0 {
		t.Errorf("seals: %+v", rep.Problems)
	}
}

// TestQueryLogJournalTampered: an entry of the journal changed or forged
// outside credit (the file is plain SQLite) is not moved into the query log;
// the reader is told (exit 6) and audit verify names it; the entries beside
// it are moved.
func TestQueryLogJournalTampered(t *testing.T) {
	st, other := journalStore(t)
	ctx := context.Background()
	ids := journalWith(t, st, 3)
	db, err := sql.Open("sqlite", JournalPath(st.Path))
	if err != nil {
		t.Fatal(err)
	}
	// A unit's lookup rewritten to another purpose, and one forged whole.
	if _, err := db.Exec("UPDATE entries SET body = replace(body, '审查 1', '审查 X') WHERE id = ?", ids[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO entries(id, body, mac) SELECT id + 100, body, mac FROM entries WHERE id = ?", ids[2]); err != nil {
		t.Fatal(err)
	}
	db.Close()
	rep := verifySeals(t, st.Path)
	if len(rep.Problems) != 2 || rep.Problems[0].Table != JournalTable || rep.Problems[0].Row != ids[1] || rep.Problems[1].Row != ids[2]+100 {
		t.Errorf("verify = %+v, want the journal's entries %d and %d", rep.Problems, ids[1], ids[2]+100)
	}
	_, err = other.QueriesOfToken(ctx, 1)
	if apperr.CodeOf(err) != apperr.Integrity {
		t.Errorf("reading the query log beside a tampered journal: %v, want an integrity error", err)
	}
	logged := loggedPurposes(t, st)
	if len(logged) != 2 || logged[ids[0]] != "审查 0" || logged[ids[2]] != "审查 2" {
		t.Errorf("query_log = %v, want the two sound entries only", logged)
	}
}
