package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"sync"
	"time"

	"credit/internal/apperr"
	"credit/internal/seal"
)

// The served query log's journal (issue 18, docs/serve.md 查询记录暂存).
//
// Every commit to the store file makes each of its other connections drop
// its page cache and its memory map at its next read (SQLite resets a
// connection's pager when the WAL has changed), so a server that committed
// its query-log entries to the store many times a second made every lookup
// start cold. While credit serve runs, the group writer (querylog_group.go)
// therefore commits most groups to a small journal file beside the store,
// STORE.qlog, durably (synchronous=FULL) and before any answer of the group
// leaves, exactly as it would have committed them to the store; a mover
// goroutine, beside the writer, moves what the journal holds into query_log
// in one store write about every journalEvery (sooner when the server falls
// idle). A lone lookup, with
// nothing waiting in the journal and no store commit for journalEvery, goes
// to the store directly.
//
// Each entry is kept with the id it will have in query_log, so the answer
// can name it (query_id): the server reserves blocks of ids in the store
// (meta query_log_reserved) and every other writer of the query log writes
// above them (Tx.insertQueryRow). Each entry is sealed with the office key
// (HMAC over its id and its row); a move refuses an entry whose seal does
// not match and reports it (exit 6, like the store's own seals). A move is
// idempotent (an id already in query_log is not written again), so a crash
// between the store's commit and the journal's delete loses and doubles
// nothing. Any credit process moves the journal before it reads the query
// log (Store.SettleQueryLog), so no reader — a correction's list of units
// that received a record (第三十二条), a unit's token list, the monthly
// figures — misses an entry that was answered.

// JournalSuffix names the journal beside the store (STORE.qlog).
const JournalSuffix = ".qlog"

const (
	queryLogReservedName = "query_log_reserved" // meta: the highest id handed to a journal
	journalBlock         = 4096                 // ids reserved at a time
	journalEvery         = time.Second
	journalIdle          = 20 * time.Millisecond
)

// JournalTable names the journal in seal findings (credit audit verify).
const JournalTable = "query_log_journal"

// JournalPath is the journal of the store at storePath.
func JournalPath(storePath string) string { return storePath + JournalSuffix }

func journalDSN(path string, create bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate")
	if !create {
		q.Set("mode", "rw") // a reader moving a journal never makes one
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

const journalSchema = `CREATE TABLE IF NOT EXISTS entries (
  id   INTEGER PRIMARY KEY, -- the entry's id in query_log
  body TEXT NOT NULL,       -- the entry (qlRow as JSON)
  mac  BLOB NOT NULL        -- journalMAC(id, body)
)`

// openJournal opens the store's journal, creating it (with the store
// file's permissions: it holds what the query log holds) when create is set.
func openJournal(storePath string, create bool) (*sql.DB, error) {
	path := JournalPath(storePath)
	if create {
		mode := storeMode(storePath)
		if f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode); err == nil {
			f.Close()
			os.Chmod(path, mode) // whatever the umask, as the store (SPEC §6)
		}
	}
	db, err := sql.Open("sqlite", journalDSN(path, create))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(journalSchema); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// storeMode is the permissions of the store file (0660 when unknown): the
// journal and its lock get the same, as they hold what the query log holds.
func storeMode(storePath string) os.FileMode {
	if fi, err := os.Stat(storePath); err == nil {
		return fi.Mode().Perm()
	}
	return 0o660
}

// journalMAC seals one journal entry: HMAC-SHA256 under the office key (a
// plain SHA-256 for a store without one, which has no seals either).
func journalMAC(k *seal.Key, id int64, body []byte) []byte {
	data := append(strconv.AppendInt([]byte("credit query-log journal\x00"), id, 10), 0)
	data = append(data, body...)
	if k == nil {
		h := sha256.Sum256(data)
		return h[:]
	}
	return k.Sum(data)
}

// queryJournal is the serving process's side of the journal: the open file,
// the block of ids the group writer may give, and the mover, a goroutine
// that moves the journal into query_log beside the writer (so groups keep
// being committed during a move).
type queryJournal struct {
	s    *Store
	db   *sql.DB
	key  *seal.Key
	qkey []byte // the query-log key: typed texts are protected before they reach the journal
	next int64  // the next id to give; next > end: none left (writer only)
	end  int64
	log  func(error) // a failed move, for the server's log
	lock func()      // releases the journal's lock (lockJournal)

	mu       sync.Mutex
	appended int64     // groups committed to the journal
	moved    int64     // of those, how many a successful move has taken
	failed   error     // the last move's error: until a move succeeds, groups go to the store directly
	lastMain time.Time // the last commit to the store (a move, a direct group, a reservation)

	kicks   chan struct{}   // a move is due (capacity 1)
	settles chan chan error // a reader wants the journal moved now
	stop    chan struct{}
	stopped chan struct{}
}

// startJournal opens the store's journal for this server, or returns nil
// when another process serves the store with it already (one journal, one
// owner: only the owner appends to it and removes it).
func startJournal(s *Store, log func(error)) (*queryJournal, error) {
	unlock, ok, err := lockJournal(s.Path, storeMode(s.Path))
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "无法锁定查询记录暂存文件 "+JournalPath(s.Path), "cannot lock the query-log journal "+JournalPath(s.Path))
	}
	if !ok {
		return nil, nil
	}
	db, err := openJournal(s.Path, true)
	if err != nil {
		unlock()
		return nil, apperr.Wrap(err, apperr.Internal, "无法打开查询记录暂存文件 "+JournalPath(s.Path), "cannot open the query-log journal "+JournalPath(s.Path))
	}
	db.SetMaxOpenConns(2) // the writer's appends do not wait for the mover's reads
	j := &queryJournal{s: s, db: db, key: s.chainKey(), log: log, lock: unlock, kicks: make(chan struct{}, 1),
		settles: make(chan chan error), stop: make(chan struct{}), stopped: make(chan struct{})}
	go j.mover()
	return j, nil
}

// state tells the writer whether the last move failed and whether this
// group goes to the store directly.
func (j *queryJournal) state() (failed, direct bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	failed = j.failed != nil
	return failed, failed || (j.appended == j.moved && time.Since(j.lastMain) >= journalEvery)
}

// due asks for a move when the last store commit is journalEvery old, and
// reports whether entries wait in the journal.
func (j *queryJournal) due() (waiting bool) {
	j.mu.Lock()
	waiting = j.appended > j.moved
	due := waiting && time.Since(j.lastMain) >= journalEvery
	j.mu.Unlock()
	if due {
		j.kick()
	}
	return waiting
}

func (j *queryJournal) kick() {
	select {
	case j.kicks <- struct{}{}:
	default: // one is already asked for
	}
}

func (j *queryJournal) mover() {
	defer close(j.stopped)
	for {
		select {
		case <-j.kicks:
			j.moveOnce()
		case reply := <-j.settles:
			reply <- j.moveOnce()
		case <-j.stop:
			return
		}
	}
}

// moveOnce moves the journal (moveJournal) and records the outcome.
func (j *queryJournal) moveOnce() error {
	j.mu.Lock()
	upto := j.appended
	j.mu.Unlock()
	n, err := moveJournal(context.Background(), j.s, j.db)
	j.mu.Lock()
	if n > 0 {
		j.lastMain = time.Now()
	}
	j.failed = err
	if err == nil && upto > j.moved {
		j.moved = upto
	}
	j.mu.Unlock()
	if err != nil && j.log != nil {
		j.log(err)
	}
	return err
}

// settle has the mover move the journal now; ok is false once it stopped.
func (j *queryJournal) settle(ctx context.Context) (error, bool) {
	reply := make(chan error, 1)
	select {
	case j.settles <- reply:
	case <-j.stopped:
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

// close (the writer, once no group can come) stops the mover, moves what
// is left and closes the journal, removing the file when it is surely
// empty, then gives up the journal's lock. The ids of the block not used are
// not given back: a gap in the ids costs nothing, and lowering the
// reservation could hand out an id a journal entry still holds.
func (j *queryJournal) close() {
	defer j.lock()
	close(j.stop)
	<-j.stopped
	if err := j.moveOnce(); err != nil {
		j.db.Close()
		return
	}
	left := -1
	if err := j.db.QueryRowContext(context.Background(), "SELECT count(*) FROM entries").Scan(&left); err != nil {
		left = -1
	}
	j.db.Close()
	if left == 0 {
		p := JournalPath(j.s.Path)
		os.Remove(p)
		os.Remove(p + "-wal")
		os.Remove(p + "-shm")
	}
}

// reserve takes a new block of at least need ids from the store.
func (j *queryJournal) reserve(ctx context.Context, need int) error {
	return j.s.Write(ctx, Actor{Operator: "credit serve"}, func(t *Tx) error {
		reserved, last, err := t.queryLogTop()
		if err != nil {
			return err
		}
		base := max(reserved, last)
		end := base + int64(max(journalBlock, need))
		if _, err := t.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES (?, ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, queryLogReservedName, strconv.FormatInt(end, 10)); err != nil {
			return err
		}
		if j.qkey == nil {
			k, err := t.QueryLogKey()
			if err != nil {
				return err
			}
			j.qkey = k
		}
		j.next, j.end = base+1, end
		j.mu.Lock()
		j.lastMain = time.Now()
		j.mu.Unlock()
		return nil
	})
}

// take gives the group's entries their ids (reserving a new block when
// this one is used up) and their rows as stored.
func (j *queryJournal) take(ctx context.Context, batch []*queryLogWait) ([]qlRow, error) {
	if j.next == 0 || j.next+int64(len(batch))-1 > j.end {
		if err := j.reserve(ctx, len(batch)); err != nil {
			return nil, err
		}
	}
	rows := make([]qlRow, len(batch))
	for i, w := range batch {
		rows[i] = newQueryRow(w.actor, w.at, w.entry, protectedQuery(j.qkey, w.entry))
		w.id = j.next + int64(i)
	}
	j.next += int64(len(batch))
	return rows, nil
}

// direct writes the group's entries to the store (a lone lookup: nothing
// waits in the journal and the store has had no commit for journalEvery).
func (j *queryJournal) direct(ctx context.Context, batch []*queryLogWait, rows []qlRow) error {
	err := j.s.Write(ctx, batch[0].actor, func(t *Tx) error {
		for i, w := range batch {
			if _, err := t.insertQueryRow(w.id, rows[i]); err != nil {
				return err
			}
		}
		return nil
	})
	j.mu.Lock()
	j.lastMain = time.Now()
	j.mu.Unlock()
	return err
}

// append writes the group's entries to the journal in one durable commit.
func (j *queryJournal) append(ctx context.Context, batch []*queryLogWait, rows []qlRow) error {
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, "INSERT INTO entries(id, body, mac) VALUES (?, ?, ?)")
	if err != nil {
		return err
	}
	defer ins.Close()
	for i, w := range batch {
		body, err := json.Marshal(rows[i])
		if err != nil {
			return err
		}
		if _, err := ins.ExecContext(ctx, w.id, body, journalMAC(j.key, w.id, body)); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	j.mu.Lock()
	j.appended++
	j.mu.Unlock()
	return nil
}

// sealedEntry is an entry of the journal whose seal matches.
type sealedEntry struct {
	id  int64
	row qlRow
}

// readJournal reads the journal's entries in id order: those whose seal
// matches, and the ids of those whose seal does not.
func readJournal(ctx context.Context, db *sql.DB, key *seal.Key) (good []sealedEntry, bad []int64, err error) {
	rows, err := db.QueryContext(ctx, "SELECT id, body, mac FROM entries ORDER BY id")
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var body, mac []byte
		if err := rows.Scan(&id, &body, &mac); err != nil {
			return nil, nil, err
		}
		var r qlRow
		if !hmac.Equal(mac, journalMAC(key, id, body)) || json.Unmarshal(body, &r) != nil {
			bad = append(bad, id)
			continue
		}
		good = append(good, sealedEntry{id, r})
	}
	return good, bad, rows.Err()
}

// moveJournal writes every entry of the journal db into query_log in one
// store write, then deletes them from the journal. It holds no lock on the
// journal meanwhile (the server keeps appending): entries are read, written
// under the store's write lock, where an entry whose id is already in
// query_log (moved by another process, or by a move whose delete did not
// happen) is not written again, and deleted only once they are in the
// store. An entry whose seal does not match is neither written nor deleted:
// the error names it. It returns how many entries it wrote.
func moveJournal(ctx context.Context, s *Store, db *sql.DB) (int, error) {
	good, bad, err := readJournal(ctx, db, s.chainKey())
	if err != nil {
		return 0, err
	}
	written := 0
	if len(good) > 0 {
		err := s.Write(ctx, Actor{Operator: "credit serve"}, func(t *Tx) error {
			written = 0
			// The ids already written.
			there := map[int64]bool{}
			rows, err := t.QueryContext(ctx, "SELECT id FROM query_log WHERE id BETWEEN ? AND ?", good[0].id, good[len(good)-1].id)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				there[id] = true
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, e := range good {
				if there[e.id] {
					continue
				}
				if _, err := t.insertQueryRow(e.id, e.row); err != nil {
					return err
				}
				written++
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return written, err
		}
		defer tx.Rollback()
		for i := 0; i < len(good); i += 500 {
			part := good[i:min(i+500, len(good))]
			args := make([]any, len(part))
			for k, e := range part {
				args[k] = e.id
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM entries WHERE id IN ("+placeholders(len(part))+")", args...); err != nil {
				return written, err
			}
		}
		if err := tx.Commit(); err != nil {
			return written, err
		}
	}
	if len(bad) > 0 {
		return written, journalTampered(s.Path, bad)
	}
	return written, nil
}

func journalTampered(storePath string, ids []int64) error {
	return apperr.Newf(apperr.Integrity,
		"查询记录暂存文件 %s 中有 %d 条记录的封印不符（编号 %d 起）：该文件在 credit 之外被改动过，这些记录未写入查询记录；请保留该文件并报告管理员（docs/serve.md 查询记录暂存）",
		"the query-log journal %s holds %d entries whose seal does not match (from id %d): the file was changed outside credit and they were not moved into the query log; keep the file and tell an administrator (docs/serve.md)",
		JournalPath(storePath), len(ids), ids[0])
}

// journalMu serialises, within one process, moves of journals opened by a
// reader (SettleQueryLog) rather than by the server.
var journalMu sync.Mutex

// SettleQueryLog moves what a server's journal holds into the query log, so
// that what is read next holds every entry answered until now. Readers of
// the query log call it first; it costs one stat when there is no journal.
// In the serving process the server's writer moves it; elsewhere (another
// credit process on the same store, or after a crash) this process does.
func (s *Store) SettleQueryLog(ctx context.Context) error {
	if g := s.queryLogGroup(); g != nil && g.j != nil {
		if err, ok := g.j.settle(ctx); ok {
			return err
		}
	}
	if _, err := os.Stat(JournalPath(s.Path)); err != nil || s.readOnly {
		return nil
	}
	if s.key == nil {
		// A sealed store is written only with its key: without it this
		// process cannot move the journal (and reads what is moved).
		if id, err := s.SealKeyID(ctx); err != nil || id != "" {
			return err
		}
	}
	journalMu.Lock()
	defer journalMu.Unlock()
	db, err := openJournal(s.Path, false)
	if err != nil {
		if _, serr := os.Stat(JournalPath(s.Path)); errors.Is(err, os.ErrNotExist) || errors.Is(serr, os.ErrNotExist) {
			return nil // removed meanwhile by a server that stopped: it moved everything first
		}
		return err
	}
	defer db.Close()
	_, err = moveJournal(ctx, s, db)
	return err
}

// JournalEntries counts the entries waiting in the store's journal and
// those among them whose seal does not match (credit audit verify).
func (s *Store) JournalEntries(ctx context.Context) (waiting int, bad []int64, err error) {
	if _, err := os.Stat(JournalPath(s.Path)); err != nil {
		return 0, nil, nil
	}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: JournalPath(s.Path)}).EscapedPath()+"?mode=ro&_pragma=busy_timeout(15000)")
	if err != nil {
		return 0, nil, err
	}
	defer db.Close()
	good, bad, err := readJournal(ctx, db, s.chainKey())
	return len(good) + len(bad), bad, err
}
