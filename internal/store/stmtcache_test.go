package store

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"credit/internal/civil"
)

// Held statements (credit serve) must answer what a freshly compiled
// statement would: a change committed by another connection (here a second
// Store on the same file, as another credit process) is seen by the next
// read, writes through Tx.stmt still commit, and statements beyond the cap run
// unprepared with the same results.
func TestHeldStatementsSeeOtherWriters(t *testing.T) {
	ctx := context.Background()
	st := groupStore(t, nil)
	st.HoldStatements()
	other, err := Open(ctx, st.Path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	a := Actor{Operator: "admin", Today: civil.MustParse("2026-11-02")}
	const unitCode = "113206000140000015"
	if err := other.Write(ctx, a, func(t *Tx) error {
		_, _, err := t.PutUnit(unitCode, "测试单位", []string{"XZCF"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	u, ok, err := st.Unit(ctx, unitCode)
	if err != nil || !ok || !slices.Equal(u.Items, []string{"XZCF"}) {
		t.Fatalf("first read: %+v %v %v", u, ok, err)
	}
	held := st.held.Load().heldCount()
	if held == 0 {
		t.Fatal("HoldStatements on, but no statement was held")
	}
	// Another process registers a second item: the held statements
	// (already compiled, on connections that have read before) see it.
	if err := other.Write(ctx, a, func(t *Tx) error {
		_, _, err := t.PutUnit(unitCode, "", []string{"XZXK"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for range 3 { // several pooled connections
		u, _, err = st.Unit(ctx, unitCode)
		if err != nil || !slices.Equal(u.Items, []string{"XZCF", "XZXK"}) {
			t.Fatalf("after the other writer: %+v %v", u.Items, err)
		}
	}
	if n := st.held.Load().heldCount(); n != held {
		t.Errorf("the same reads held %d statements, then %d", held, n)
	}
	// A write on the serving store runs its statements held too, and a
	// query-log entry it writes is read back by the other store.
	var id int64
	if err := st.Write(ctx, a, func(t *Tx) error {
		var err error
		id, err = t.LogQuery(QueryEntry{Action: "show", Scope: "shared", Unit: unitCode, Purpose: "测试"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	rows, err := other.queryLogRows(ctx, "id = ?", id)
	if err != nil || len(rows) != 1 || rows[0].Purpose != "测试" {
		t.Fatalf("query-log entry %d as the other store reads it: %+v %v", id, rows, err)
	}
	// Past the cap a statement runs unprepared, with the same answer.
	c := st.held.Load()
	c.mu.Lock()
	for i := len(c.m); i < maxHeldStatements; i++ {
		c.m[fmt.Sprintf("-- filler %d", i)] = nil
	}
	c.mu.Unlock()
	if got := c.stmt("SELECT name FROM units WHERE code = ?"); got != nil {
		t.Fatal("a statement was held past the cap")
	}
	var name string
	if err := st.reader(ctx).QueryRowContext(ctx, "SELECT name FROM units WHERE code = ?", unitCode).Scan(&name); err != nil || name != "测试单位" {
		t.Fatalf("unprepared past the cap: %q %v", name, err)
	}
	c.mu.Lock()
	for k := range c.m {
		if c.m[k] == nil {
			delete(c.m, k)
		}
	}
	c.mu.Unlock()
}

// ReadSnapshot: the reads of one lookup see one state of the store, even
// when another process commits between them; the next lookup sees the
// commit. Without HoldStatements (one-shot commands) it changes nothing.
func TestReadSnapshotIsOneView(t *testing.T) {
	ctx := context.Background()
	st := groupStore(t, nil)
	other, err := Open(ctx, st.Path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	a := Actor{Operator: "admin", Today: civil.MustParse("2026-11-02")}
	const unitCode = "113206000140000015"
	put := func(items ...string) {
		t.Helper()
		if err := other.Write(ctx, a, func(t *Tx) error {
			_, _, err := t.PutUnit(unitCode, "测试单位", items)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	items := func(ctx context.Context) []string {
		t.Helper()
		u, _, err := st.Unit(ctx, unitCode)
		if err != nil {
			t.Fatal(err)
		}
		return u.Items
	}
	put("XZCF")
	// Not serving: each read sees the latest commit.
	if err := st.ReadSnapshot(ctx, func(ctx context.Context) error {
		put("XZXK")
		if got := items(ctx); !slices.Equal(got, []string{"XZCF", "XZXK"}) {
			t.Errorf("without held statements: %v", got)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	st.HoldStatements()
	if err := st.ReadSnapshot(ctx, func(ctx context.Context) error {
		if got := items(ctx); !slices.Equal(got, []string{"XZCF", "XZXK"}) {
			t.Errorf("first read in the snapshot: %v", got)
		}
		put("HMD")
		if got := items(ctx); !slices.Equal(got, []string{"XZCF", "XZXK"}) {
			t.Errorf("a commit made during the snapshot showed in it: %v", got)
		}
		// Outside the snapshot's ctx the commit is there.
		if got := items(context.Background()); !slices.Equal(got, []string{"XZCF", "XZXK", "HMD"}) {
			t.Errorf("beside the snapshot: %v", got)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := items(ctx); !slices.Equal(got, []string{"XZCF", "XZXK", "HMD"}) {
		t.Errorf("after the snapshot: %v", got)
	}
}

// Pin: registrations are remembered per write version. An audited write by
// another store (another credit process) is seen by the next pinned read; a
// change made behind credit's back (no audit entry, as with the sqlite3
// shell) is not, until the next audited write; reads without a pin always
// read the store.
func TestPinnedReadsFollowAuditedWrites(t *testing.T) {
	ctx := context.Background()
	st := groupStore(t, nil)
	st.HoldStatements()
	other, err := Open(ctx, st.Path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	a := Actor{Operator: "admin", Today: civil.MustParse("2026-11-02")}
	const unitCode = "113206000140000015"
	put := func(audited bool, items ...string) {
		t.Helper()
		if err := other.Write(ctx, a, func(t *Tx) error {
			if _, _, err := t.PutUnit(unitCode, "测试单位", items); err != nil || !audited {
				return err
			}
			return t.Audit("unit.add", "unit:"+unitCode, map[string]any{"items_added": items})
		}); err != nil {
			t.Fatal(err)
		}
	}
	pinned := func() []string {
		t.Helper()
		pctx, err := st.Pin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		u, ok, err := st.Unit(pctx, unitCode)
		if err != nil || !ok {
			t.Fatalf("unit: %v %v", ok, err)
		}
		return u.Items
	}
	put(true, "XZCF")
	if got := pinned(); !slices.Equal(got, []string{"XZCF"}) {
		t.Fatalf("first: %v", got)
	}
	put(false, "XZXK") // behind credit's back: no audit entry
	if got := pinned(); !slices.Equal(got, []string{"XZCF"}) {
		t.Errorf("an unaudited change should not show before the next audited write (the memo was not used): %v", got)
	}
	if u, _, _ := st.Unit(ctx, unitCode); !slices.Equal(u.Items, []string{"XZCF", "XZXK"}) {
		t.Errorf("an unpinned read: %v", u.Items)
	}
	put(true, "HMD")
	if got := pinned(); !slices.Equal(got, []string{"XZCF", "XZXK", "HMD"}) {
		t.Errorf("after an audited write elsewhere: %v", got)
	}
	// What a caller gets is its own copy.
	pctx, _ := st.Pin(ctx)
	u, _, _ := st.Unit(pctx, unitCode)
	u.Items[0] = "changed"
	if got := pinned(); got[0] != "XZCF" {
		t.Errorf("a caller's change reached the memo: %v", got)
	}
}

// TestPinSharedOnlyWithLaterReads: requests that arrive together share one
// read of the write version, but a request never takes a read that was
// already under way when it arrived: an audited write committed before it
// arrived must be seen (a revoked token refused from the next request on).
func TestPinSharedOnlyWithLaterReads(t *testing.T) {
	ctx := context.Background()
	st := groupStore(t, nil)
	st.HoldStatements()
	audit := func() {
		t.Helper()
		if err := st.Write(ctx, Actor{Operator: "admin", Today: civil.MustParse("2026-11-02")}, func(t *Tx) error {
			return t.Audit("unit.add", "unit:113206000140000015", map[string]any{"items_added": []string{"XZCF"}})
		}); err != nil {
			t.Fatal(err)
		}
	}
	seqOf := func(pctx context.Context) int64 { return pctx.Value(pinKey{}).(pin).seq }
	audit()
	// Request A's read has read the version and not yet told A.
	read, release := make(chan struct{}), make(chan struct{})
	var reads atomic.Int32
	pinRead1 = func() {
		if reads.Add(1) == 1 {
			close(read)
			<-release
		}
	}
	defer func() { pinRead1 = nil }()
	type res struct {
		seq int64
		err error
	}
	got, gotA := make(chan res, 8), make(chan res, 1)
	pinOne := func(got chan res) {
		pctx, err := st.Pin(ctx)
		if err != nil {
			got <- res{0, err}
			return
		}
		got <- res{seqOf(pctx), nil}
	}
	go pinOne(gotA) // A
	<-read
	var before int64
	st.DB.QueryRow("SELECT max(seq) FROM audit_log").Scan(&before)
	audit() // committed after A's read, before B..D arrive
	for range 3 {
		go pinOne(got) // B, C, D: arrive while A's read is under way
	}
	// They wait for the next read, which starts only once A's has ended.
	p := &st.held.Load().pins
	for joined, start := 0, time.Now(); joined < 3; time.Sleep(time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			t.Fatalf("%d requests wait for the next read, want 3", joined)
		}
		p.mu.Lock()
		joined = p.waiting
		p.mu.Unlock()
	}
	if reads.Load() != 1 {
		t.Fatalf("%d reads began while the first was under way, want 1", reads.Load())
	}
	close(release)
	a := <-gotA
	if a.err != nil || a.seq != before {
		t.Errorf("A = %+v, want the version %d it read", a, before)
	}
	for range 3 {
		r := <-got
		if r.err != nil || r.seq != before+1 {
			t.Errorf("a request that arrived after the write pinned %+v, want %d", r, before+1)
		}
	}
	if n := reads.Load(); n != 2 {
		t.Errorf("%d reads for four requests, want 2 (B, C and D share the second)", n)
	}
}
