package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"credit/internal/civil"
)

func groupStore(t *testing.T, maxPages func(*Store) int64) *Store {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "g.db")
	st, err := Open(ctx, path, Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if maxPages == nil {
		t.Cleanup(func() { st.Close() })
		return st
	}
	n := maxPages(st)
	st.Close()
	st, err = Open(ctx, path, Options{MaxPages: n})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// holdWriteLock takes the store's write lock on a connection of its own
// (as another process's writer would) until release is called.
func holdWriteLock(t *testing.T, st *Store) (release func()) {
	t.Helper()
	conn, err := st.DB.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	return func() {
		conn.ExecContext(context.Background(), "ROLLBACK")
		conn.Close()
	}
}

// waitGroupState waits until the writer has taken batches groups and n
// entries wait in the queue behind them.
func waitGroupState(t *testing.T, st *Store, batches int64, n int) {
	t.Helper()
	g := st.queryLogGroup()
	for range 5000 {
		if g.batches.Load() == batches && len(g.in) == n {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("%d batches taken and %d entries queued, want %d and %d", g.batches.Load(), len(g.in), batches, n)
}

// TestGroupQueryLogCommitsTogether: entries that arrive while a commit is
// under way are committed in one transaction, each with its own actor and
// time, and each LogQuery returns its own row's id.
func TestGroupQueryLogCommitsTogether(t *testing.T) {
	st := groupStore(t, nil)
	stop := st.GroupQueryLog()
	defer stop()
	var writes int
	var wmu sync.Mutex
	LockWait = func(time.Duration) { wmu.Lock(); writes++; wmu.Unlock() }
	defer func() { LockWait = nil }()

	release := holdWriteLock(t, st)
	const n = 12
	ids := make([]int64, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		if i == 1 {
			// The writer took the first entry and waits for the lock.
			waitGroupState(t, st, 1, 0)
		}
		wg.Go(func() {
			at := time.Date(2026, 12, 1, 9, 0, i, 0, time.UTC)
			a := Actor{Operator: fmt.Sprintf("token:%d", i), Today: civil.MustParse("2026-12-01"), Now: func() time.Time { return at },
				Via: fmt.Sprintf("api from 10.0.0.%d", i)}
			ids[i], errs[i] = st.LogQuery(context.Background(), a, QueryEntry{Action: "show", Scope: "shared", Unit: "U", Purpose: fmt.Sprint("p", i),
				Records: []RecordRef{{ID: int64(100 + i), ContentHash: fmt.Sprint("h", i)}}})
		})
	}
	// The rest queue behind it.
	waitGroupState(t, st, 1, n-1)
	release()
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("entry %d: %v", i, errs[i])
		}
		var op, via, at, purpose string
		var rec int64
		if err := st.DB.QueryRow(`SELECT operator, via, at, purpose, (SELECT record_id FROM query_log_records WHERE query_id = q.id)
			FROM query_log q WHERE id = ?`, ids[i]).Scan(&op, &via, &at, &purpose, &rec); err != nil {
			t.Fatalf("entry %d (id %d): %v", i, ids[i], err)
		}
		if op != fmt.Sprintf("token:%d", i) || via != fmt.Sprintf("api from 10.0.0.%d", i) || at != fmt.Sprintf("2026-12-01T09:00:%02dZ", i) ||
			purpose != fmt.Sprint("p", i) || rec != int64(100+i) {
			t.Errorf("entry %d logged as %s %s %s %s %d", i, op, via, at, purpose, rec)
		}
	}
	// One transaction for the first entry, one for the eleven queued behind it.
	if writes != 2 {
		t.Errorf("%d write transactions for %d entries, want 2", writes, n)
	}
	// Stopped, LogQuery writes alone again.
	stop()
	if _, err := st.LogQuery(context.Background(), Actor{Operator: "alice"}, QueryEntry{Action: "show", Scope: "office"}); err != nil {
		t.Fatal(err)
	}
	var total int
	st.DB.QueryRow("SELECT count(*) FROM query_log").Scan(&total)
	if total != n+1 {
		t.Errorf("%d entries in the log, want %d", total, n+1)
	}
}

// TestGroupQueryLogFailureFailsAll: when the group's commit fails (here the
// disk is full), every entry of the group gets the error, so none of their
// answers is given, and none of them is in the log.
func TestGroupQueryLogFailureFailsAll(t *testing.T) {
	st := groupStore(t, func(st *Store) int64 {
		var n int64
		st.DB.QueryRow("PRAGMA page_count").Scan(&n)
		return n
	})
	stop := st.GroupQueryLog()
	defer stop()
	// 20,000 records returned need more pages than the cap allows.
	big := make([]RecordRef, 20000)
	for i := range big {
		big[i] = RecordRef{ID: int64(i + 1), ContentHash: fmt.Sprintf("%064d", i)}
	}
	release := holdWriteLock(t, st)
	const n = 6
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			e := QueryEntry{Action: "show", Scope: "shared", Purpose: "p"}
			if i == n-1 {
				e.Records = big
			}
			_, errs[i] = st.LogQuery(context.Background(), Actor{Operator: "token:1"}, e)
		})
		if i == 0 {
			// The first is the writer's, committed alone; the rest (the
			// big one last) queue behind it and are committed together.
			waitGroupState(t, st, 1, 0)
		}
	}
	waitGroupState(t, st, 1, n-1)
	release()
	wg.Wait()
	for i := 1; i < n; i++ {
		if errs[i] == nil || !IsDiskFull(errs[i]) {
			t.Errorf("entry %d: err = %v, want the disk-full error", i, errs[i])
		}
	}
	var logged int
	st.DB.QueryRow("SELECT count(*) FROM query_log").Scan(&logged)
	if errs[0] != nil || logged != 1 {
		t.Errorf("first entry err %v; %d entries logged, want only the first", errs[0], logged)
	}
}

// TestGroupQueryLogCancelledWaiter: a request that gives up while its entry
// waits gets its context's error (and gives no answer).
func TestGroupQueryLogCancelledWaiter(t *testing.T) {
	st := groupStore(t, nil)
	stop := st.GroupQueryLog()
	defer stop()
	release := holdWriteLock(t, st)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := st.LogQuery(ctx, Actor{Operator: "token:1"}, QueryEntry{Action: "show", Scope: "shared", Purpose: "p"})
		done <- err
	}()
	waitGroupState(t, st, 1, 0)
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	release()
}
