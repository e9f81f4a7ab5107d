package store

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
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
	// committed to (querylog_journal.go).
	j *queryJournal
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
	j, err := startJournal(s, log)
	if err != nil {
		return nil, err
	}
	if j == nil {
		// Another credit serve owns the journal of this store: this one
		// commits its groups to the store itself.
		return s.startGroup(nil), nil
	}
	return s.startGroup(j), nil
}

func (s *Store) startGroup(j *queryJournal) (stop func()) {
	g := &queryLogGroup{s: s, in: make(chan *queryLogWait, maxQueryLogGroup), done: make(chan struct{}), j: j}
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
				if g.j != nil {
					g.j.close()
				}
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
			if g.journal(batch) {
				idle.Reset(journalIdle) // moved once the server falls idle
			}
		case <-idle.C:
			g.j.kick()
		}
	}
}

// journal commits the group to the journal, or, when nothing waits there
// and the store has had no commit for journalEvery, to the store directly.
// When the journal's last move is journalEvery old it asks the mover for
// another (the mover works beside the writer: groups keep being committed
// while it moves). It reports whether entries wait in the journal.
func (g *queryLogGroup) journal(batch []*queryLogWait) (waiting bool) {
	j, ctx := g.j, context.Background()
	rows, err := j.take(ctx, batch)
	if err == nil {
		// A journal that cannot be moved must not hide a store that cannot
		// be written (a full disk): its groups go to the store, whose error
		// then refuses their answers, while the mover keeps trying.
		failed, direct := j.state()
		if failed {
			j.kick()
		}
		if direct {
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
	return j.due()
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
