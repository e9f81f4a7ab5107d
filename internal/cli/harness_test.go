package cli

import (
	"bytes"
	"credit/internal/seal"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// harness runs the real command tree in-process against one store in a
// temporary folder, as the login user it is given.
type harness struct {
	t     *testing.T
	dir   string
	db    string
	login string
	env   map[string]string
	tty   bool
}

// result is one run's output.
type result struct {
	Out, Err string
	Code     int
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	parallel(t)
	dir := t.TempDir()
	return &harness{t: t, dir: dir, db: filepath.Join(dir, "credit.db"), login: "alice", env: map[string]string{}}
}

// initStore runs credit init (as alice, who becomes admin) with extra args.
// Run as alice with no environment, the result is always the same store,
// so it is made once per package and args (by credit init, in
// templateStore) and copied: running init and its migrations with their
// fsyncs for each of the package's tests was a large share of make test
// (issue 17).
func (h *harness) initStore(args ...string) *harness {
	h.t.Helper()
	if h.login == "alice" && len(h.env) == 0 && !h.tty {
		if tpl := templateStore(h.t, args); tpl != "" {
			data, err := os.ReadFile(tpl)
			if err != nil {
				h.t.Fatal(err)
			}
			if err := os.WriteFile(h.db, data, 0o660); err != nil {
				h.t.Fatal(err)
			}
			if err := os.Chmod(h.db, 0o660); err != nil { // as init leaves it, whatever the umask
				h.t.Fatal(err)
			}
			// The office key beside the store (seal.DefaultPath): the
			// copy is sealed with the template's key and needs it.
			key, err := os.ReadFile(seal.DefaultPath(tpl))
			if err != nil {
				h.t.Fatal(err)
			}
			kfi, err := os.Stat(seal.DefaultPath(tpl))
			if err != nil {
				h.t.Fatal(err)
			}
			if err := os.WriteFile(seal.DefaultPath(h.db), key, 0o600); err != nil {
				h.t.Fatal(err)
			}
			if err := os.Chmod(seal.DefaultPath(h.db), kfi.Mode().Perm()); err != nil { // 0600, or 0640 with --key-group
				h.t.Fatal(err)
			}
			return h
		}
	}
	r := h.run(append([]string{"init"}, args...)...)
	if r.Code != 0 {
		h.t.Fatalf("init failed (%d): %s %s", r.Code, r.Out, r.Err)
	}
	return h
}

// serialTests change what every test of the process shares (the umask,
// the environment, a package hook, the clock a command reads, the
// disk-full hook of written files): they run alone, before the others.
var serialTests = map[string]bool{
	"TestStoreModeIgnoresUmask":                    true, // syscall.Umask
	"TestImportLimitsRefuseWhole":                  true, // t.Setenv("TMPDIR")
	"TestCorrectionOfRecordWithPendingRevision":    true, // store.SetApplyHook (holdApply)
	"TestPendingRevisionShownAsAppliedThenApplied": true,
	"TestPersonNamedOnlyByPendingRevision":         true,
	"TestTwoRevisionBatchesPendingOnOneRecord":     true,
	"TestServeSIGTERMFinishesRequests":             true, // serveConnState
	"TestSubjectPastValidityDateIsOffice":          true, // realToday
	"TestDiskFullOutputFiles":                      true, // CREDIT_TEST_DISK_FULL_AFTER: diskfault.Set is process-wide
	"TestDiskFullBackup":                           true,
	"TestDiskFullExport":                           true,
	"TestDiskFullExchangeExport":                   true,
	"TestSessionApplyKeepsSeals":                   true, // store.ApplyChunk
}

var parallelTests sync.Map // *testing.T → true once t.Parallel was called

// parallel runs a top-level test that makes a harness in parallel with the
// package's other such tests (each has its own store in its own folder),
// unless it is one of serialTests. The CLI tests mostly wait for fsyncs:
// run one after another they were most of make test's time (issue 17).
// Subtests keep their order (a parent may read what they did).
func parallel(t *testing.T) {
	if strings.Contains(t.Name(), "/") || serialTests[t.Name()] {
		return
	}
	if _, done := parallelTests.LoadOrStore(t, true); done {
		return
	}
	t.Parallel()
}

var templates struct {
	sync.Mutex
	dir   string
	paths map[string]string // by init's args
}

// templateStore returns a store made by credit init with args, as alice,
// its WAL checkpointed into the file, made on first use ("" if it could
// not be made: the caller runs init itself and reports what failed).
func templateStore(t *testing.T, args []string) string {
	templates.Lock()
	defer templates.Unlock()
	key := strings.Join(args, "\x00")
	if p, ok := templates.paths[key]; ok {
		return p
	}
	if templates.dir == "" {
		dir, err := os.MkdirTemp("", "credit-cli-templates-")
		if err != nil {
			return ""
		}
		templates.dir, templates.paths = dir, map[string]string{}
	}
	p := filepath.Join(templates.dir, "t"+strings.Repeat("x", len(templates.paths))+".db")
	th := &harness{t: t, dir: templates.dir, db: p, login: "alice", env: map[string]string{}}
	if r := th.run(append([]string{"init"}, args...)...); r.Code != 0 {
		templates.paths[key] = ""
		return ""
	}
	db, err := sql.Open("sqlite", p)
	if err == nil {
		_, err = db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		db.Close()
	}
	if err != nil {
		templates.paths[key] = ""
		return ""
	}
	templates.paths[key] = p
	return p
}

// as returns a copy of the harness that runs as another login.
func (h *harness) as(login string) *harness {
	c := *h
	c.login = login
	return &c
}

func (h *harness) run(args ...string) result {
	return h.runIn("", args...)
}

func (h *harness) runIn(stdin string, args ...string) result {
	h.t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"CREDIT_DB": h.db}
	for k, v := range h.env {
		env[k] = v
	}
	tty := h.tty
	code := Main(args, IO{
		In: strings.NewReader(stdin), Out: &out, Err: &errb,
		Getenv: func(k string) string { return env[k] },
		TTY:    &tty, Login: h.login,
	})
	return result{Out: out.String(), Err: errb.String(), Code: code}
}

// ok runs and fails the test unless the exit code is 0.
func (h *harness) ok(args ...string) result {
	h.t.Helper()
	r := h.run(args...)
	if r.Code != 0 {
		h.t.Fatalf("credit %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.Code, r.Out, r.Err)
	}
	return r
}

// fails runs and fails the test unless the exit code is code.
func (h *harness) fails(code int, args ...string) result {
	h.t.Helper()
	r := h.run(args...)
	if r.Code != code {
		h.t.Fatalf("credit %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.Code, code, r.Out, r.Err)
	}
	return r
}

func TestMain(m *testing.M) {
	code := m.Run()
	if templates.dir != "" {
		os.RemoveAll(templates.dir)
	}
	os.Exit(code)
}
