package store

import (
	"context"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"credit/internal/apperr"
)

// Group commit of the query log (issue 18). In credit serve every answer
// writes its query-log entry before it leaves (第二十条, SPEC §C), and a
// commit costs an fsync (synchronous=FULL): one transaction per lookup caps
// the server at a few hundred lookups a second whatever the cores. With the
// group on, a lookup hands its entry to one writer goroutine and waits; the
// writer commits everything queued at that moment in one Store.Write (the
// normal commit point, so whatever Write does at commit applies to every
// entry) and wakes the waiters. The entry is as durable as before when
// LogQuery returns; a failed commit fails every entry of the group, and
// none of their answers is given.

// maxQueryLogGroup caps the entries committed in one transaction, so one
// commit stays short however many requests wait.
const maxQueryLogGroup = 512

type queryLogGroup struct {
	s    *Store
	in   chan *queryLogWait
	mu   sync.RWMutex // held shared while enqueueing, exclusively to close
	shut bool
	done chan struct{}
	// batches counts the groups the writer has taken (tests wait on it).
	batches atomic.Int64
	// j, when set (JournalQueryLog), is the journal most groups are
	// committed to (querylog_journal.go); settles asks the writer to move it.
	j       *queryJournal
	settles chan chan error
}

type queryLogWait struct {
	actor Actor
	at    string
	entry QueryEntry
	id    int64
	err   error
	done  chan struct{}
}

// GroupQueryLog turns group commit of query-log entries on until stop is
// called; stop commits what is queued and waits for the writer to end.
// After stop LogQuery writes one transaction per entry again.
func (s *Store) GroupQueryLog() (stop func()) {
	return s.startGroup(nil)
}

// JournalQueryLog is GroupQueryLog with the served journal
// (querylog_journal.go): it first moves whatever a journal left by an
// earlier server holds, then commits most groups to the journal. log is
// told of a move that failed (the entries stay in the journal). stop moves
// the rest and removes the journal.
func (s *Store) JournalQueryLog(ctx context.Context, log func(error)) (stop func(), err error) {
	if err := s.SettleQueryLog(ctx); err != nil {
		return nil, err
	}
	db, err := openJournal(s.Path, true)
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "无法打开查询记录暂存文件 "+JournalPath(s.Path), "cannot open the query-log journal "+JournalPath(s.Path))
	}
	j := &queryJournal{s: s, db: db, key: s.chainKey(), log: log}
	// Entries another process appended since (none normally) are moved with ours.
	j.pending = true
	return s.startGroup(j), nil
}

func (s *Store) startGroup(j *queryJournal) (stop func()) {
	g := &queryLogGroup{s: s, in: make(chan *queryLogWait, maxQueryLogGroup), done: make(chan struct{}), j: j, settles: make(chan chan error)}
	s.qlMu.Lock()
	s.qlGroup = g
	s.qlMu.Unlock()
	go g.run()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.qlMu.Lock()
			if s.qlGroup == g {
				s.qlGroup = nil
			}
			s.qlMu.Unlock()
			g.mu.Lock()
			g.shut = true
			close(g.in)
			g.mu.Unlock()
			<-g.done
		})
	}
}

func (s *Store) queryLogGroup() *queryLogGroup {
	s.qlMu.RLock()
	defer s.qlMu.RUnlock()
	return s.qlGroup
}

// log queues the entry and waits for its commit; ok is false when the
// group has stopped (the caller then writes the entry alone). When ctx ends
// first, the answer is abandoned (the entry may still be committed: a
// logged lookup that was never answered, never the reverse).
func (g *queryLogGroup) log(ctx context.Context, a Actor, e QueryEntry) (int64, error, bool) {
	w := &queryLogWait{actor: a, at: a.now().UTC().Format(time.RFC3339Nano), entry: e, done: make(chan struct{})}
	g.mu.RLock()
	if g.shut {
		g.mu.RUnlock()
		return 0, nil, false
	}
	select {
	case g.in <- w:
		g.mu.RUnlock()
	case <-ctx.Done():
		g.mu.RUnlock()
		return 0, ctx.Err(), true
	}
	select {
	case <-w.done:
		return w.id, w.err, true
	case <-ctx.Done():
		return 0, ctx.Err(), true
	}
}

func (g *queryLogGroup) run() {
	defer close(g.done)
	batch := make([]*queryLogWait, 0, maxQueryLogGroup)
	idle := time.NewTimer(time.Hour)
	idle.Stop()
	for {
		select {
		case first, ok := <-g.in:
			if !ok {
				g.closeJournal()
				return
			}
			batch = append(batch[:0], first)
		more:
			for len(batch) < maxQueryLogGroup {
				select {
				case w, ok := <-g.in:
					if !ok {
						break more
					}
					batch = append(batch, w)
				default:
					break more
				}
			}
			g.batches.Add(1)
			if g.j == nil {
				g.commit(batch)
				continue
			}
			g.journal(batch)
			if g.j.pending {
				idle.Reset(journalIdle) // moved once the server falls idle
			}
		case <-idle.C:
			g.moveJournal()
		case reply := <-g.settles:
			reply <- g.moveJournal()
		}
	}
}

// journal commits the group to the journal, or, when nothing waits there
// and the store has had no commit for journalEvery, to the store directly;
// it moves the journal when its last store commit is journalEvery old.
func (g *queryLogGroup) journal(batch []*queryLogWait) {
	j, ctx := g.j, context.Background()
	if j.failed != nil {
		g.moveJournal()
	}
	rows, err := j.take(ctx, batch)
	if err == nil {
		// A journal that cannot be moved must not hide a store that cannot
		// be written (a full disk): its groups go to the store, whose error
		// then refuses their answers.
		if j.failed != nil || (!j.pending && time.Since(j.lastMain) >= journalEvery) {
			err = j.direct(ctx, batch, rows)
		} else {
			err = j.append(ctx, batch, rows)
		}
	}
	for _, w := range batch {
		if err != nil {
			w.id, w.err = 0, err
		}
		close(w.done)
	}
	if j.pending && time.Since(j.lastMain) >= journalEvery {
		g.moveJournal()
	}
}

func (g *queryLogGroup) moveJournal() error {
	if g.j == nil {
		return nil
	}
	err := g.j.move(context.Background())
	if err != nil && g.j.log != nil {
		g.j.log(err)
	}
	return err
}

// closeJournal moves what is left, gives back the ids not used and closes
// the journal file, removing it when it is empty.
func (g *queryLogGroup) closeJournal() {
	j := g.j
	if j == nil {
		return
	}
	ctx := context.Background()
	if err := g.moveJournal(); err != nil {
		j.db.Close()
		return
	}
	if err := j.release(ctx); err != nil && j.log != nil {
		j.log(err)
	}
	var left int
	j.db.QueryRowContext(ctx, "SELECT count(*) FROM entries").Scan(&left)
	j.db.Close()
	if left == 0 {
		p := JournalPath(j.s.Path)
		os.Remove(p)
		os.Remove(p + "-wal")
		os.Remove(p + "-shm")
	}
}

// settle asks the writer to move the journal now; ok is false when the
// group has stopped.
func (g *queryLogGroup) settle(ctx context.Context) (error, bool) {
	reply := make(chan error, 1)
	select {
	case g.settles <- reply:
	case <-g.done:
		return nil, false
	case <-ctx.Done():
		return ctx.Err(), true
	}
	select {
	case err := <-reply:
		return err, true
	case <-ctx.Done():
		return ctx.Err(), true
	}
}

// commit writes the group in one transaction. Each entry keeps its own
// actor (operator, unit's token, via) and time, as if written alone.
func (g *queryLogGroup) commit(batch []*queryLogWait) {
	err := g.s.Write(context.Background(), batch[0].actor, func(t *Tx) error {
		for _, w := range batch {
			t.Actor, t.At = w.actor, w.at
			id, err := t.LogQuery(w.entry)
			if err != nil {
				return err
			}
			w.id = id
		}
		return nil
	})
	for _, w := range batch {
		if err != nil {
			w.id, w.err = 0, err
		}
		close(w.done)
	}
}
