// Package store is the only package with SQL. It opens the one SQLite store
// the same way everywhere (WAL, foreign keys, busy timeout, immediate write
// transactions), runs the embedded numbered migrations, and offers the
// queries the services need. Every write goes through Write, which appends
// its audit entry in the same transaction.
package store

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"modernc.org/sqlite" // registers the "sqlite" driver; sqlite.Error for SQLITE_FULL

	"credit/internal/apperr"
	"credit/internal/audit"
	"credit/internal/civil"
	"credit/internal/seal"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// BusyTimeout is how long a statement waits for another process's lock.
// Writers hold the lock only for short transactions (imports publish in one
// short step), so this is a safety margin, not an expected wait.
const BusyTimeout = 15 * time.Second

// Store is an open credit store.
type Store struct {
	DB       *sql.DB
	Path     string
	Warnings []string // shown to the user once: network filesystem, permissions
	gate     *gate    // lets short writes in ahead of a long import (gate_unix.go)

	readOnly bool // opened with Options.ReadOnly: never writes (not even a query-log journal's move)

	// version is the schema version Open read (checkVersion), so that
	// RequireCurrent, called right after, does not ask again.
	version int

	qlMu     sync.RWMutex
	qlGroup  *queryLogGroup // group commit of the query log while serving (querylog_group.go)
	key      *seal.Key      // the office key (UseKey), nil until given
	keyed    bool           // the store was sealed with key: audit entries are keyed
	sealCols atomic.Pointer[sealCache]
	held     atomic.Pointer[stmtCache] // statements kept prepared (HoldStatements, stmtcache.go)

	sealMu   sync.Mutex
	sealRead *sql.DB // reads rows as they were before a write (sealwrite.go), opened on first use
}

// Options for Open.
type Options struct {
	Create   bool // create the file (and its folder) when missing
	ReadOnly bool // open read-only (backup --verify)
	// MaxPages, when above 0, caps the file at that many pages (PRAGMA
	// max_page_count on every connection): a write that needs more fails
	// with SQLITE_FULL as on a full disk. Test-only: the CLI sets it from
	// CREDIT_TEST_MAX_PAGES so tests can fill the "disk" without root.
	MaxPages int64
	// MMapSize maps up to this many bytes of the file for reads (0: none).
	// Only the long-lived serve process sets it: its readers then keep the
	// pages they share instead of re-reading them after every commit. A
	// one-shot command gains nothing and would count the mapped pages in its
	// resident memory.
	MMapSize int64
}

// Migrations are the embedded schema steps, in order.
type migration struct {
	n    int
	name string
	sql  string
}

// migrations is read from the embedded files once per process: every
// command asks for the schema version at least twice while opening the store.
var migrations = sync.OnceValue(readMigrations)

func readMigrations() []migration {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		panic(err)
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		n, err := strconv.Atoi(num)
		if !ok || err != nil {
			panic("bad migration name " + e.Name())
		}
		b, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			panic(err)
		}
		out = append(out, migration{n, e.Name(), string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].n < out[j].n })
	for i, m := range out {
		if m.n != i+1 {
			panic(fmt.Sprintf("migrations not numbered 1..n: %s", m.name))
		}
	}
	return out
}

// SchemaVersion is the schema version this binary writes: the number of
// embedded migrations, counted from their names without reading the files
// (every command asks while opening the store; only Migrate needs the SQL,
// and readMigrations checks the numbering there).
func SchemaVersion() int { return schemaVersion() }

var schemaVersion = sync.OnceValue(func() int {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		panic(err)
	}
	return len(entries)
})

func dsn(path string, readOnly bool, maxPages, mmap int64) string {
	q := url.Values{}
	if maxPages > 0 {
		q.Add("_pragma", fmt.Sprintf("max_page_count(%d)", maxPages))
	}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", BusyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	if mmap > 0 {
		q.Add("_pragma", fmt.Sprintf("mmap_size(%d)", mmap))
	}
	// Temporary B-trees (sorts, TEMP tables) in memory: no temp file and
	// journal written per transaction.
	q.Add("_pragma", "temp_store(MEMORY)")
	// A REPLACE deletes the row it replaces: the delete triggers (the
	// append-only guards, the subject name index) must fire for it too.
	q.Add("_pragma", "recursive_triggers(1)")
	q.Set("_txlock", "immediate")
	if readOnly {
		q.Set("mode", "ro")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens the store at path. Without opt.Create a missing file is an
// error telling the user to run credit init.
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	s := &Store{Path: abs, readOnly: opt.ReadOnly}
	_, statErr := os.Stat(abs)
	switch {
	case errors.Is(statErr, os.ErrNotExist) && !opt.Create:
		return nil, apperr.Newf(apperr.Internal, "找不到数据库 %s：请先运行 credit init（或用 --db / CREDIT_DB 指定位置）", "no store at %s: run credit init first (or give --db / CREDIT_DB)", abs)
	case errors.Is(statErr, os.ErrNotExist):
		dir := filepath.Dir(abs)
		_, dirErr := os.Stat(dir)
		if err := os.MkdirAll(dir, 0o770); err != nil {
			return nil, apperr.Wrap(err, apperr.Internal, "无法创建数据库目录 "+dir, "cannot create the store's folder "+dir)
		}
		if errors.Is(dirErr, os.ErrNotExist) {
			os.Chmod(dir, 0o770) // the office's group shares it, whatever the umask (SPEC §6)
		}
		f, err := os.OpenFile(abs, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o660)
		if err != nil && !errors.Is(err, os.ErrExist) {
			return nil, apperr.Wrap(err, apperr.Internal, "无法创建数据库 "+abs, "cannot create the store "+abs)
		}
		if f != nil {
			f.Close()
			os.Chmod(abs, 0o660) // SQLite gives its -wal and -shm files the same mode
		}
	case statErr != nil:
		return nil, statErr
	}
	s.Warnings = append(s.Warnings, checkLocation(abs)...)
	db, err := sql.Open("sqlite", dsn(abs, opt.ReadOnly, opt.MaxPages, opt.MMapSize))
	if err != nil {
		return nil, err
	}
	s.DB = db
	if !opt.ReadOnly {
		if err := s.setJournal(ctx, errors.Is(statErr, os.ErrNotExist)); err != nil {
			db.Close()
			if full := writeError(err); full != err {
				return nil, full
			}
			return nil, s.openError(err)
		}
	}
	if err := s.checkVersion(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if !opt.ReadOnly {
		s.gate = openGate(abs)
	}
	return s, nil
}

// setJournal puts the store in WAL mode, which lets readers go on while one
// writer writes (SPEC §6). A new store first gets 16 KiB pages (SQLite's
// default is 4 KiB): a record is about 800 bytes, and bigger pages mean fewer
// page splits and WAL frames — about a tenth less time for a 1,000,000-row
// import. The size can only be chosen before the file's first write, on the
// same connection; an older store keeps its pages.
func (s *Store) setJournal(ctx context.Context, created bool) error {
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if created {
		if _, err := conn.ExecContext(ctx, "PRAGMA page_size = 16384"); err != nil {
			return err
		}
	}
	var mode string
	return conn.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode)
}

func (s *Store) openError(err error) error {
	return apperr.Wrap(err, apperr.Internal, "无法打开数据库 "+s.Path+"（文件损坏或不是 credit 数据库）", "cannot open the store "+s.Path+" (damaged, or not a credit store)")
}

// Version is the store's schema version (0 for a new file).
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	err := s.DB.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

func (s *Store) checkVersion(ctx context.Context) error {
	v, err := s.Version(ctx)
	if err != nil {
		return s.openError(err)
	}
	s.version = v
	if have := SchemaVersion(); v > have {
		return apperr.Newf(apperr.Internal,
			"数据库 %s 由更新版本的 credit 写入（架构版本 %d，本程序只认识到 %d）：请升级 credit 后再用，切勿用旧版本修改它",
			"the store %s was written by a newer credit (schema %d; this binary knows up to %d): upgrade credit before using it",
			s.Path, v, have)
	}
	return nil
}

// Initialized reports whether the schema is at this binary's version.
func (s *Store) Initialized(ctx context.Context) (bool, error) {
	v, err := s.Version(ctx)
	return v == SchemaVersion(), err
}

// RequireCurrent refuses a store that credit init has not brought up to date.
// It uses the version Open has just read when that is already this binary's
// (a schema version only ever rises, so it cannot have become too low since);
// otherwise it asks again, as a credit init may have run in between.
func (s *Store) RequireCurrent(ctx context.Context) error {
	v := s.version
	if v != SchemaVersion() {
		var err error
		if v, err = s.Version(ctx); err != nil {
			return s.openError(err)
		}
	}
	if v < SchemaVersion() {
		if v == 0 {
			return apperr.Newf(apperr.Internal, "%s 还不是 credit 数据库：请先运行 credit init", "%s is not a credit store yet: run credit init", s.Path)
		}
		return apperr.Newf(apperr.Internal, "数据库 %s 的架构版本为 %d，需要 %d：请运行 credit init 升级", "the store %s is at schema %d and needs %d: run credit init to upgrade it", s.Path, v, SchemaVersion())
	}
	return s.requireNoPendingUpgrade(ctx)
}

// Migrate applies the migrations the store lacks, each in its own immediate
// transaction. It returns the versions before and after.
func (s *Store) Migrate(ctx context.Context) (from, to int, err error) {
	from, err = s.Version(ctx)
	if err != nil {
		return 0, 0, err
	}
	to = from
	for _, m := range migrations() {
		if m.n <= to {
			continue
		}
		cur, err := s.migrateOne(ctx, m)
		if err != nil {
			return from, to, err
		}
		if cur >= m.n {
			to = cur // another process migrated while we waited for the lock
			continue
		}
		to = m.n
	}
	return from, to, nil
}

// migrateOne applies migration m in one immediate transaction unless the
// store is at m.n or later already; it returns the version found at BEGIN.
func (s *Store) migrateOne(ctx context.Context, m migration) (int, error) {
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback() // a no-op after Commit
	// Another process may have migrated while we waited for the lock.
	var cur int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&cur); err != nil {
		return 0, err
	}
	if cur >= m.n {
		return cur, nil
	}
	err = sealedWrite(ctx, s, conn, tx, s.chainKey(), func() error {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.n)); err != nil {
		return 0, err
	}
	return cur, tx.Commit()
}

// Close closes the store.
func (s *Store) Close() error {
	s.gate.close()
	s.key = nil
	if c := s.held.Swap(nil); c != nil {
		c.close()
	}
	s.sealMu.Lock()
	if s.sealRead != nil {
		s.sealRead.Close()
		s.sealRead = nil
	}
	s.sealMu.Unlock()
	return s.DB.Close()
}

// Actor is who writes and when: the operator (and the administrator acting
// for them), the office date asked for, and the real clock.
type Actor struct {
	Operator string
	ActingBy string
	Today    civil.Date
	Now      func() time.Time
	// Via says how a served change or lookup came: "ssh from ADDR" or
	// "api from ADDR" ('' locally). Audit entries carry it in their details,
	// query-log entries in their via column.
	Via string
	// TokenID is the API token a unit's call came with (0 otherwise).
	TokenID int64
}

func (a Actor) now() time.Time {
	if a.Now == nil {
		return time.Now()
	}
	return a.Now()
}

// LockWait, when set, is told how long each write waited for the write
// lock (CREDIT_TRACE_LOCK_WAIT prints it; the shared-store test reads it).
var LockWait func(time.Duration)

// Tx is a write transaction with its actor; Audit appends to the chain.
type Tx struct {
	*sql.Tx
	Actor Actor
	At    string // the real time of this write, RFC 3339 UTC
	ctx   context.Context

	key     *seal.Key            // keys the audit entries of a sealed store
	session *Session             // set for writes on a Session's connection
	stmts   map[string]*sql.Stmt // prepared in this transaction (see stmt)
	held    *stmtCache           // the store's held statements, if any (stmtcache.go)
	scratch *scratch             // buffers a long job reuses from one transaction to the next
}

// scratch holds buffers reused by the bulk statements of an import, so its
// million rows do not each leave garbage behind.
type scratch struct {
	args []any
}

// Ctx is the transaction's context.
func (t *Tx) Ctx() context.Context { return t.ctx }

// Write runs fn in one BEGIN IMMEDIATE transaction and commits when fn
// returns nil. fn must call tx.Audit for what it changes.
func (s *Store) Write(ctx context.Context, a Actor, fn func(*Tx) error) error {
	started := time.Now()
	done := s.gate.waiting()
	conn, err := s.DB.Conn(ctx)
	var sqlTx *sql.Tx
	if err == nil {
		defer conn.Close()
		sqlTx, err = conn.BeginTx(ctx, nil)
	}
	done()
	if LockWait != nil {
		LockWait(time.Since(started))
	}
	if err != nil {
		return s.busyError(err)
	}
	tx := &Tx{Tx: sqlTx, Actor: a, At: a.now().UTC().Format(time.RFC3339Nano), ctx: ctx, scratch: &scratch{}, key: s.chainKey(), held: s.held.Load()}
	if err := sealedWrite(ctx, s, conn, tx, tx.key, func() error { return fn(tx) }); err != nil {
		sqlTx.Rollback()
		return writeError(err)
	}
	if err := sqlTx.Commit(); err != nil {
		return s.busyError(err)
	}
	return nil
}

func (s *Store) busyError(err error) error {
	if strings.Contains(err.Error(), "SQLITE_BUSY") || strings.Contains(err.Error(), "database is locked") {
		return apperr.Wrap(err, apperr.Internal, "数据库正忙（其他进程长时间占用写锁），请稍后重试", "the store is busy (another process held the write lock too long); try again")
	}
	return writeError(err)
}

// DiskFull is the one message for a write that found no space (SQLITE_FULL
// from the store, ENOSPC from a file): the transaction was rolled back, so
// the store is as it was.
func DiskFull(err error) *apperr.Error {
	return apperr.Wrap(err, apperr.Internal, "磁盘空间不足：写入失败；数据库未改变，腾出空间后重试",
		"disk full: the write failed; the store is unchanged, free some space and try again")
}

// IsDiskFull reports whether err is SQLITE_FULL or ENOSPC.
func IsDiskFull(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == 13 { // SQLITE_FULL
		return true
	}
	if errors.Is(err, syscall.ENOSPC) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "database or disk is full") || strings.Contains(msg, "SQLITE_FULL") || strings.Contains(msg, "no space left on device")
}

// writeError maps a failed write's error to the message the user sees: a
// full disk becomes DiskFull; an *apperr.Error and anything else pass as they are.
func writeError(err error) error {
	var ae *apperr.Error
	if err == nil || errors.As(err, &ae) || !IsDiskFull(err) {
		return err
	}
	return DiskFull(err)
}

// chainKey is the key audit entries are made with: the office key once the
// store is sealed with it, nil before.
func (s *Store) chainKey() *seal.Key {
	if s.keyed {
		return s.key
	}
	return nil
}

// Key is the office key given with UseKey (nil when none was).
func (s *Store) Key() *seal.Key { return s.key }

// Audit appends an entry for this transaction's change. details must hold
// ids, counts and content hashes only, never personal field values.
func (t *Tx) Audit(action, object string, details any) error {
	d, err := json.Marshal(details)
	if err != nil {
		return err
	}
	if details == nil {
		d = []byte("{}")
	}
	if t.Actor.Via != "" && len(d) > 1 && d[0] == '{' {
		// How a served change came (issue 18): first key of the details,
		// so the chain covers it like every other field.
		via, _ := json.Marshal(t.Actor.Via)
		rest := d[1:]
		if len(rest) > 1 {
			rest = append([]byte{','}, rest...)
		}
		d = append(append([]byte(`{"via":`), via...), rest...)
	}
	e := audit.Entry{
		At: t.At, Today: t.Actor.Today.String(), Operator: t.Actor.Operator, ActingBy: t.Actor.ActingBy,
		Action: action, Object: object, Details: string(d),
	}
	err = t.QueryRowContext(t.ctx, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&e.Seq, &e.Prev)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		e.Seq, e.Prev = 0, audit.Genesis
	case err != nil:
		return err
	}
	e.Seq++
	if t.key != nil {
		e.Hash = e.ComputeMAC(t.key)
	} else {
		e.Hash = e.ComputeHash()
	}
	_, err = t.ExecContext(t.ctx, `INSERT INTO audit_log(seq, at, today, operator, acting_by, action, object, details, prev, hash)
		VALUES (?,?,?,?,?,?,?,?,?,?)`, e.Seq, e.At, e.Today, e.Operator, e.ActingBy, e.Action, e.Object, e.Details, e.Prev, e.Hash)
	return err
}
