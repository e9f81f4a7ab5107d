package store

import (
	"context"
	"slices"
	"sync"
)

// Remembered registrations (issue 18, API throughput). Every API answer
// reads the token, the unit and its registered items, the catalog version in
// force and the providers' names: small rows that change only through
// audited commands (credit unit add, unit token add/revoke, catalog apply,
// provider add), each of which appends an audit entry in its own
// transaction. credit serve pins, once per request, the last audit entry's
// seq (Pin: one indexed read); while it is the one the remembered rows were
// read under, Unit, Provider, APITokenByHash and CatalogIDOn answer from
// memory; when another process (or this one) has audited a write since,
// everything remembered is dropped and read again. So a change made by any
// credit process is seen by the next request; a change made behind credit's
// back (the sqlite3 shell) is seen after the next audited write, and is what
// the seals report (credit audit verify).

// maxRemembered bounds each map; past it the map starts again empty.
const maxRemembered = 4096

type pinKey struct{}

type pin struct {
	s   *Store
	seq int64
}

type memo struct {
	mu        sync.Mutex
	seq       int64
	units     map[string]Unit
	providers map[string]Provider
	tokens    map[string]APIToken
	catalogs  map[string]int64 // day → catalog version id in force
}

// Pin reads the store's write version (the last audit entry's seq) and
// returns ctx carrying it; reads of registrations made with that ctx may be
// answered from memory (memo.go). Without HoldStatements it returns ctx.
// Requests that arrive together share one read: a request waits for a read
// that begins after it arrived (never one already under way, which might not
// see a write committed just before the request), so each request sees
// every audited write committed before it arrived, as if it had read alone.
func (s *Store) Pin(ctx context.Context) (context.Context, error) {
	c := s.held.Load()
	if c == nil {
		return ctx, nil
	}
	f := c.pins.join(s)
	select {
	case <-f.done:
	case <-ctx.Done():
		return ctx, ctx.Err()
	}
	if f.err != nil {
		return ctx, f.err
	}
	return context.WithValue(ctx, pinKey{}, pin{s: s, seq: f.seq}), nil
}

// pinRead1, when set (tests), runs after a read of the write version and
// before the requests waiting for it are told.
var pinRead1 func()

// pins runs the reads of the write version one at a time: while one is
// under way, the requests that arrive wait for the next, which begins when
// it ends and serves them all.
type pins struct {
	mu      sync.Mutex
	running bool
	next    *pinRead
	waiting int // requests waiting for next (tests)
}

type pinRead struct {
	done chan struct{}
	seq  int64
	err  error
}

// join returns the read this request waits for: a new one started now when
// none is under way, else the next one (started when the current ends).
func (p *pins) join(s *Store) *pinRead {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.running {
		if p.next == nil {
			p.next = &pinRead{done: make(chan struct{})}
		}
		p.waiting++
		return p.next
	}
	p.running = true
	f := &pinRead{done: make(chan struct{})}
	go p.run(s, f)
	return f
}

func (p *pins) run(s *Store, f *pinRead) {
	for f != nil {
		// Not the request's ctx: the read serves others too.
		f.err = s.reader(context.Background()).QueryRowContext(context.Background(), "SELECT coalesce(max(seq), 0) FROM audit_log").Scan(&f.seq)
		if pinRead1 != nil {
			pinRead1()
		}
		close(f.done)
		p.mu.Lock()
		f, p.next, p.waiting = p.next, nil, 0
		if f == nil {
			p.running = false
		}
		p.mu.Unlock()
	}
}

// remembered is the memo valid for ctx's pinned version, locked (the caller
// unlocks it), or nil: not pinned, or pinned before what is remembered.
func (s *Store) remembered(ctx context.Context) *memo {
	p, ok := ctx.Value(pinKey{}).(pin)
	if !ok || p.s != s {
		return nil
	}
	c := s.held.Load()
	if c == nil {
		return nil
	}
	m := &c.memo
	m.mu.Lock()
	switch {
	case p.seq > m.seq || m.units == nil:
		m.seq = p.seq
		m.units, m.providers, m.tokens, m.catalogs = map[string]Unit{}, map[string]Provider{}, map[string]APIToken{}, map[string]int64{}
	case p.seq < m.seq:
		m.mu.Unlock()
		return nil
	}
	return m
}

// recall answers from the memo valid for ctx, or reads with read and
// remembers what was found (never what was not: unknown tokens are not
// kept).
func recall[V any](s *Store, ctx context.Context, table func(*memo) map[string]V, key string, clone func(V) V,
	read func() (V, bool, error)) (V, bool, error) {
	if m := s.remembered(ctx); m != nil {
		v, ok := table(m)[key]
		m.mu.Unlock()
		if ok {
			return clone(v), true, nil
		}
	}
	v, ok, err := read()
	if err != nil || !ok {
		return v, ok, err
	}
	if m := s.remembered(ctx); m != nil {
		t := table(m)
		if len(t) >= maxRemembered {
			clear(t)
		}
		t[key] = clone(v)
		m.mu.Unlock()
	}
	return v, true, nil
}

func cloneUnit(u Unit) Unit             { u.Items = slices.Clone(u.Items); return u }
func cloneProvider(p Provider) Provider { p.Items = slices.Clone(p.Items); return p }
func same[V any](v V) V                 { return v }
