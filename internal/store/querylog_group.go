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
	g := &queryLogGroup{s: s, in: make(chan *queryLogWait, maxQueryLogGroup), done: make(chan struct{})}
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
	for first := range g.in {
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
		g.commit(batch)
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
