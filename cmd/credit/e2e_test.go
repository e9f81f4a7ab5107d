package main

// End-to-end tests of `credit import` as separate processes on one store
// (issue 4, points 8 and 11; SPEC §6, §7, §F): the real binary is built once
// by TestMain, provider files come from scripts/gendata, and the store is
// inspected read-only with the same SQLite driver the product uses.

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

var (
	creditBin  string // the credit binary built by TestMain
	gendataBin string // scripts/gendata built by TestMain
)

// The provider registered in every test store (a real department of the
// default catalog's city, as SPEC §5 requires of shipped examples).
const (
	provider     = "11320600MB19587002"
	providerName = "南通市市场监督管理局"
)

// e2eToday is the office date of every run: 2026-11-01 as the issue asks,
// or yesterday when the real clock has not reached it (a --today after the
// real date refuses changes, SPEC §A).
var e2eToday = func() string {
	const want = "2026-11-01"
	if y := time.Now().AddDate(0, 0, -1).Format("2006-01-02"); y < want {
		return y
	}
	return want
}()

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "credit-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	creditBin = filepath.Join(dir, "credit")
	gendataBin = filepath.Join(dir, "gendata")
	if runtime.GOOS == "windows" {
		creditBin += ".exe"
		gendataBin += ".exe"
	}
	code := 1
	if err := goBuild(creditBin, "credit/cmd/credit"); err != nil {
		fmt.Fprintln(os.Stderr, err)
	} else if err := goBuild(gendataBin, "credit/scripts/gendata"); err != nil {
		fmt.Fprintln(os.Stderr, err)
	} else {
		code = m.Run()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

func goBuild(out, pkg string) error {
	gobin := "go"
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			gobin = p
		}
	}
	cmd := exec.Command(gobin, "build", "-o", out, pkg)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, stderr.String())
	}
	return nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// e2eStore is one store in a temporary folder, used by credit processes.
type e2eStore struct {
	t   *testing.T
	dir string
	db  string
	env []string
}

// newE2EStore runs credit init and registers the provider for XZCF.
func newE2EStore(t *testing.T) *e2eStore {
	t.Helper()
	dir := t.TempDir()
	s := &e2eStore{t: t, dir: dir, db: filepath.Join(dir, "credit.db")}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CREDIT_") {
			s.env = append(s.env, kv)
		}
	}
	s.env = append(s.env, "CREDIT_DB="+s.db, "CREDIT_TODAY="+e2eToday, "CREDIT_TRACE_LOCK_WAIT=1")
	s.ok("init")
	s.ok("provider", "add", provider, "--name", providerName, "--items", "XZCF")
	return s
}

// run is one finished credit process.
type run struct {
	args     []string
	out, err string
	code     int
	dur      time.Duration // wall time including process start
}

func (r run) String() string {
	return fmt.Sprintf("credit %s: exit %d after %v\nstdout: %.2000s\nstderr: %.2000s", strings.Join(r.args, " "), r.code, r.dur, r.out, r.err)
}

func (s *e2eStore) command(args ...string) *exec.Cmd {
	cmd := exec.Command(creditBin, args...)
	cmd.Env = s.env
	cmd.Dir = s.dir
	return cmd
}

// run runs credit to the end. It never fails the test itself (it also runs
// outside the test goroutine): a process that could not run has code -1.
func (s *e2eStore) run(args ...string) run {
	cmd := s.command(args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := run{args: args, out: out.String(), err: errb.String(), dur: time.Since(start)}
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			r.code = ee.ExitCode()
		} else {
			r.code, r.err = -1, err.Error()
		}
	}
	return r
}

func (s *e2eStore) ok(args ...string) run {
	s.t.Helper()
	r := s.run(args...)
	if r.code != 0 {
		s.t.Fatalf("%v", r)
	}
	return r
}

// importArgs are the arguments of a JSON import of file as the provider.
func importArgs(file string) []string {
	return []string{"import", file, "--provider", provider, "--item", "XZCF", "--format", "json"}
}

// importResult is the JSON summary `credit import --format json` prints per file.
type importResult struct {
	File              string         `json:"file"`
	Batch             int64          `json:"batch"`
	AlreadyImportedAs int64          `json:"already_imported_as"`
	Rows              int            `json:"rows"`
	Accepted          int            `json:"accepted"`
	Revised           int            `json:"revised"`
	Duplicates        int            `json:"duplicates"`
	Rejected          int            `json:"rejected"`
	Reasons           map[string]int `json:"reasons"`
	Refused           string         `json:"refused"`
}

// importOK checks that an import stored what it could (exit 0, or 3 with
// rejects) and returns its one JSON summary.
func importOK(t *testing.T, r run) importResult {
	t.Helper()
	if r.code != 0 && r.code != 3 {
		t.Fatalf("import: want exit 0 or 3\n%v", r)
	}
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	if len(lines) != 1 {
		t.Fatalf("import: want one JSON line, got %d\n%v", len(lines), r)
	}
	var res importResult
	if err := json.Unmarshal([]byte(lines[0]), &res); err != nil {
		t.Fatalf("import JSON: %v\n%v", err, r)
	}
	if res.Refused != "" {
		t.Fatalf("import refused (%s)\n%v", res.Refused, r)
	}
	if (res.Rejected > 0) != (r.code == 3) {
		t.Fatalf("import: exit %d with %d rejected rows (SPEC §A: 3 exactly when rows were rejected)\n%v", r.code, res.Rejected, r)
	}
	if got := res.Accepted + res.Revised + res.Duplicates + res.Rejected; res.AlreadyImportedAs == 0 && got != res.Rows {
		t.Fatalf("import: accepted+revised+duplicates+rejected = %d, rows = %d\n%v", got, res.Rows, r)
	}
	return res
}

// noBusyMessage fails when a process told its user the store was locked.
func noBusyMessage(t *testing.T, r run) {
	t.Helper()
	for _, bad := range []string{"database is locked", "SQLITE_BUSY", "数据库正忙"} {
		if strings.Contains(r.out, bad) || strings.Contains(r.err, bad) {
			t.Errorf("%q reached the user\n%v", bad, r)
		}
	}
}

// gen writes an n-row national 行政处罚 CSV with scripts/gendata.
func gen(t *testing.T, n int, seed int, path string) {
	t.Helper()
	cmd := exec.Command(gendataBin, "xzcf", "-n", fmt.Sprint(n), "-seed", fmt.Sprint(seed), "-o", path, "-today", e2eToday)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gendata: %v\n%s", err, out)
	}
}

// openRO opens the store read-only for inspection, as another process would.
func openRO(t *testing.T, path string) *sql.DB {
	t.Helper()
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Set("mode", "ro")
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func queryInt(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func queryString(t *testing.T, db *sql.DB, q string, args ...any) string {
	t.Helper()
	var s string
	if err := db.QueryRow(q, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

// storeSound checks the file (PRAGMA integrity_check), that every natural
// key is stored once, that no batch is left staging and no lease file is
// left beside the store, and that the audit chain verifies (exit 0).
func (s *e2eStore) storeSound(db *sql.DB) (records int64) {
	t := s.t
	t.Helper()
	if got := queryString(t, db, "PRAGMA integrity_check"); got != "ok" {
		t.Errorf("PRAGMA integrity_check = %q, want ok", got)
	}
	if rows, err := db.Query("PRAGMA foreign_key_check"); err != nil {
		t.Errorf("PRAGMA foreign_key_check: %v", err)
	} else {
		for rows.Next() {
			var table, parent string
			var rowid, fk sql.NullInt64
			rows.Scan(&table, &rowid, &parent, &fk)
			t.Errorf("PRAGMA foreign_key_check: %s row %v has no %s", table, rowid.Int64, parent)
		}
		rows.Close()
	}
	records = queryInt(t, db, "SELECT count(*) FROM records")
	if distinct := queryInt(t, db, "SELECT count(DISTINCT item || char(30) || natural_key) FROM records"); distinct != records {
		t.Errorf("%d records but %d distinct natural keys: a key is stored twice", records, distinct)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM records r JOIN batches b ON b.id = r.first_batch WHERE b.state <> 'published'"); n != 0 {
		t.Errorf("%d records belong to an unpublished batch", n)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM batches WHERE state = 'staging'"); n != 0 {
		t.Errorf("%d batches left staging", n)
	}
	if leases, _ := filepath.Glob(s.db + ".import-*"); len(leases) > 0 {
		t.Errorf("lease files left beside the store: %v", leases)
	}
	if r := s.run("audit", "verify"); r.code != 0 {
		t.Errorf("audit verify: want exit 0\n%v", r)
	}
	return records
}

// listedBatch is a batch as `credit batch list --format json` shows it.
type listedBatch struct {
	Batch int64  `json:"batch"`
	State string `json:"state"`
}

// batchList is `credit batch list --format json`, all batches.
func (s *e2eStore) batchList() []listedBatch {
	s.t.Helper()
	r := s.ok("batch", "list", "--limit", "0", "--format", "json")
	var bs []listedBatch
	if err := json.Unmarshal([]byte(r.out), &bs); err != nil {
		s.t.Fatalf("batch list JSON: %v\n%v", err, r)
	}
	return bs
}

// TestImportKilledMidFileLeavesNothingPublished is issue 4 point 8 and
// SPEC §7 "a crash (kill -9) at any moment leaves … nothing half-published":
// an import killed while its chunks are staging publishes nothing; the next
// import of the same file discards the crashed batch (audited), stores the
// file completely, and each natural key once.
func TestImportKilledMidFileLeavesNothingPublished(t *testing.T) {
	// killRows and killAfter: 30,000 rows, killed after 4,000 staged (two
	// chunks), in make test; 100,000 and 10,000 in make test-long
	// (e2e_size_*_test.go).
	const (
		rows      = killRows
		killAfter = killStaged
	)
	s := newE2EStore(t)
	file := filepath.Join(s.dir, "xzcf.csv")
	gen(t, rows, 1, file)
	db := openRO(t, s.db)

	cmd := s.command(importArgs(file)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	// Wait until the batch is staging with several chunks of records
	// written, and the importer still running.
	var crashed, staged int64
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-exited:
			t.Fatalf("the import ended (%v) before it could be killed (staged %d records of batch %d): give it a bigger file\nstdout: %s\nstderr: %s",
				err, staged, crashed, out.String(), errb.String())
		default:
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			t.Fatalf("no records staged within 60 s\nstderr: %s", errb.String())
		}
		err := db.QueryRow("SELECT id FROM batches WHERE state = 'staging' ORDER BY id LIMIT 1").Scan(&crashed)
		if err == nil {
			staged = queryInt(t, db, "SELECT count(*) FROM records WHERE first_batch = ?", crashed)
			if staged >= killAfter {
				break
			}
		} else if err != sql.ErrNoRows {
			t.Fatalf("poll: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatalf("kill: %v", err)
	}
	<-exited
	if cmd.ProcessState.Exited() {
		t.Fatalf("the import finished (exit %d) before SIGKILL reached it\nstdout: %s", cmd.ProcessState.ExitCode(), out.String())
	}
	t.Logf("killed the import with %d records of batch %d staged", staged, crashed)

	// Nothing published; the crashed batch is still staging, its records unseen.
	if n := queryInt(t, db, "SELECT count(*) FROM batches WHERE state = 'published'"); n != 0 {
		t.Fatalf("%d batches published after the kill", n)
	}
	if st := queryString(t, db, "SELECT state FROM batches WHERE id = ?", crashed); st != "staging" {
		t.Fatalf("crashed batch %d is %q, want staging", crashed, st)
	}
	bl := s.batchList()
	for _, b := range bl {
		if b.State == "published" {
			t.Fatalf("credit batch list shows batch %d published after the kill: %+v", b.Batch, bl)
		}
	}
	if !slices.Contains(bl, listedBatch{Batch: crashed, State: "staging"}) {
		t.Errorf("credit batch list does not show the crashed batch %d as staging: %+v", crashed, bl)
	}

	// The next run discards the crashed staging area and imports the whole file.
	r := s.run(importArgs(file)...)
	noBusyMessage(t, r)
	res := importOK(t, r)
	if res.AlreadyImportedAs != 0 || res.Batch == 0 || res.Batch == crashed {
		t.Fatalf("second run: batch %d, already_imported_as %d (crashed batch %d)\n%v", res.Batch, res.AlreadyImportedAs, crashed, r)
	}
	if res.Rows != rows {
		t.Errorf("second run read %d rows, want %d", res.Rows, rows)
	}
	if res.Revised != 0 || res.Duplicates != 0 || res.Reasons["record_locked"] != 0 || res.Reasons["duplicate_in_file"] != 0 {
		t.Errorf("second run met the crashed batch's records: revised %d, duplicates %d, reasons %v", res.Revised, res.Duplicates, res.Reasons)
	}
	if res.Accepted == 0 {
		t.Fatalf("second run accepted nothing\n%v", r)
	}
	if st := queryString(t, db, "SELECT state FROM batches WHERE id = ?", crashed); st != "discarded" {
		t.Errorf("crashed batch %d is %q after the next run, want discarded", crashed, st)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM audit_log WHERE action = 'batch.discard' AND object = ?", fmt.Sprintf("batch:%d", crashed)); n != 1 {
		t.Errorf("audit log has %d batch.discard entries for batch %d, want 1", n, crashed)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM records WHERE first_batch = ?", crashed); n != 0 {
		t.Errorf("%d records of the discarded batch remain", n)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM subjects WHERE first_batch = ?", crashed); n != 0 {
		t.Errorf("%d subjects created by the discarded batch remain", n)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM batches WHERE state = 'published'"); n != 1 {
		t.Errorf("%d batches published, want exactly 1", n)
	}
	if st := queryString(t, db, "SELECT state FROM batches WHERE id = ?", res.Batch); st != "published" {
		t.Errorf("batch %d is %q, want published", res.Batch, st)
	}
	records := s.storeSound(db)
	if records != int64(res.Accepted) {
		t.Errorf("%d records stored, the second run accepted %d", records, res.Accepted)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM records WHERE first_batch = ?", res.Batch); n != records {
		t.Errorf("%d of %d records belong to the published batch %d", n, records, res.Batch)
	}
}

// splitCSV writes the data rows of src into len(sizes) files of those sizes,
// each with src's header, in order: row ranges that do not overlap.
func splitCSV(t *testing.T, src string, sizes []int, paths []string) {
	t.Helper()
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	header, err := rd.Read()
	if err != nil {
		t.Fatal(err)
	}
	for k, n := range sizes {
		out, err := os.Create(paths[k])
		if err != nil {
			t.Fatal(err)
		}
		bw := bufio.NewWriterSize(out, 1<<20)
		w := csv.NewWriter(bw)
		w.Write(header)
		for range n {
			rec, err := rd.Read()
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			w.Write(rec)
		}
		w.Flush()
		if err := w.Error(); err != nil {
			t.Fatal(err)
		}
		if err := bw.Flush(); err != nil {
			t.Fatal(err)
		}
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := rd.Read(); err != io.EOF {
		t.Fatalf("%s has more rows than %v", src, sizes)
	}
}

// TestSharedStoreConcurrentImportsAndSmallWrites is issue 4 point 11 and
// SPEC §6 "shared use": three imports run at once in separate processes on
// one store while a stream of `batch list` reads and `user add` writes runs
// beside them. All finish; no process shows a locked-database message and
// no small write fails; every row is stored once. (The slowest lock wait is
// logged; scripts/publish_wait.sh reports it beside a large publish.)
func TestSharedStoreConcurrentImportsAndSmallWrites(t *testing.T) {
	s := newE2EStore(t)
	// One generated file split into three row ranges: gendata derives the
	// party codes and the 决定书文号 from the row index, so the three files
	// share no natural key and no organisation, and differ in content.
	sizes := sharedSizes // 24,000 rows in all in make test, 48,000 in make test-long (e2e_size_*_test.go)
	total := 0
	for _, n := range sizes {
		total += n
	}
	all := filepath.Join(s.dir, "all.csv")
	gen(t, total, 7, all)
	files := []string{filepath.Join(s.dir, "a.csv"), filepath.Join(s.dir, "b.csv"), filepath.Join(s.dir, "c.csv")}
	splitCSV(t, all, sizes, files)
	db := openRO(t, s.db)

	start := time.Now()
	type proc struct {
		cmd       *exec.Cmd
		out, errb bytes.Buffer
		exited    chan struct{}
		dur       time.Duration
	}
	procs := make([]*proc, len(files))
	for i, f := range files {
		p := &proc{exited: make(chan struct{})}
		p.cmd = s.command(importArgs(f)...)
		p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.errb
		procs[i] = p
	}
	for _, p := range procs {
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() {
			p.cmd.Wait()
			p.dur = time.Since(start)
			close(p.exited)
		}()
	}
	importsDone := make(chan struct{})
	go func() {
		for _, p := range procs {
			<-p.exited
		}
		close(importsDone)
	}()

	// The stream of reads and small writes, for as long as the imports run.
	var (
		mu            sync.Mutex
		small         []run
		usersAdded    int
		writesDuring  int
		maxWrite      time.Duration
		maxRead       time.Duration
		streamStopped = make(chan struct{})
	)
	go func() {
		defer close(streamStopped)
		for i := 1; ; i++ {
			select {
			case <-importsDone:
				return
			default:
			}
			rd := s.run("batch", "list", "--format", "json")
			wr := s.run("user", "add", fmt.Sprintf("e2e%04d", i), "--role", "viewer")
			during := false
			select {
			case <-importsDone:
			default:
				during = true
			}
			mu.Lock()
			small = append(small, rd, wr)
			if wr.code == 0 {
				usersAdded++
			}
			if during {
				writesDuring++
			}
			maxWrite = max(maxWrite, wr.dur)
			maxRead = max(maxRead, rd.dur)
			mu.Unlock()
		}
	}()
	select {
	case <-importsDone:
	case <-time.After(3 * time.Minute):
		for _, p := range procs {
			p.cmd.Process.Kill()
		}
		t.Fatal("the imports did not finish within 3 minutes")
	}
	<-streamStopped
	t.Logf("3 imports (%v rows) finished in %v; %d batch list + user add pairs ran, %d of them during the imports; slowest user add %v, slowest batch list %v (whole processes)",
		sizes, time.Since(start).Round(time.Millisecond), len(small)/2, writesDuring, maxWrite.Round(time.Millisecond), maxRead.Round(time.Millisecond))

	// All finished, none showed a locked store.
	var results []importResult
	for i, p := range procs {
		r := run{args: importArgs(files[i]), out: p.out.String(), err: p.errb.String(), code: p.cmd.ProcessState.ExitCode(), dur: p.dur}
		noBusyMessage(t, r)
		res := importOK(t, r)
		if res.Rows != sizes[i] {
			t.Errorf("%s: read %d rows, want %d", files[i], res.Rows, sizes[i])
		}
		if res.Revised != 0 || res.Duplicates != 0 || res.Reasons["record_locked"] != 0 || res.Reasons["duplicate_in_file"] != 0 {
			t.Errorf("%s: files share no key, yet revised %d, duplicates %d, reasons %v", files[i], res.Revised, res.Duplicates, res.Reasons)
		}
		t.Logf("%s: %d rows, %d accepted, %d rejected %v, %v", filepath.Base(files[i]), res.Rows, res.Accepted, res.Rejected, res.Reasons, r.dur.Round(time.Millisecond))
		results = append(results, res)
	}
	for _, r := range small {
		noBusyMessage(t, r)
		if r.code != 0 {
			t.Errorf("%v", r)
		}
	}
	if writesDuring < 3 {
		t.Errorf("only %d small writes ran during the imports: the test measured too little", writesDuring)
	}
	var writes []time.Duration
	for _, r := range small {
		if r.args[0] == "user" {
			writes = append(writes, r.dur)
		}
	}
	slices.Sort(writes)
	if len(writes) > 0 {
		t.Logf("user add wall times: median %v, p90 %v, max %v (of %d)", writes[len(writes)/2].Round(time.Millisecond),
			writes[len(writes)*9/10].Round(time.Millisecond), writes[len(writes)-1].Round(time.Millisecond), len(writes))
	}
	// Each write reports its own lock wait. The figure is logged, not
	// asserted: a timed assertion fails on a loaded machine whatever the
	// code does (the project's rules); scripts/publish_wait.sh measures the
	// longest wait beside a large publish. What is asserted above is that
	// no small write failed and none met a locked store.
	maxWait := 0
	for _, r := range small {
		if r.args[0] != "user" {
			continue
		}
		for _, line := range strings.Split(r.err, "\n") {
			if v, ok := strings.CutPrefix(line, "lock_wait_ms="); ok {
				ms, _ := strconv.Atoi(v)
				maxWait = max(maxWait, ms)
			}
		}
	}
	t.Logf("slowest lock wait of a small write: %d ms", maxWait)

	// Every row stored once: the records are exactly what the three imports accepted.
	var accepted int64
	batches := map[int64]bool{}
	for _, res := range results {
		accepted += int64(res.Accepted)
		batches[res.Batch] = true
		if st := queryString(t, db, "SELECT state FROM batches WHERE id = ?", res.Batch); st != "published" {
			t.Errorf("batch %d is %q, want published", res.Batch, st)
		}
		if n := queryInt(t, db, "SELECT count(*) FROM records WHERE first_batch = ?", res.Batch); n != int64(res.Accepted) {
			t.Errorf("batch %d: %d records stored, %d accepted", res.Batch, n, res.Accepted)
		}
	}
	if len(batches) != 3 {
		t.Errorf("the three imports reported batches %v", batches)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM batches WHERE state = 'published'"); n != 3 {
		t.Errorf("%d batches published, want 3", n)
	}
	records := s.storeSound(db)
	if records != accepted {
		t.Errorf("%d records stored, the imports accepted %d", records, accepted)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM users WHERE name LIKE 'e2e%'"); n != int64(usersAdded) {
		t.Errorf("%d users stored, %d user add runs succeeded", n, usersAdded)
	}
}

// TestSameFileTwiceStoresOnce is issue 4 point 5 through the binary: the same
// content again (under its own name or another) stores nothing, exits 0 and
// names the first batch in already_imported_as.
func TestSameFileTwiceStoresOnce(t *testing.T) {
	s := newE2EStore(t)
	file := filepath.Join(s.dir, "xzcf.csv")
	gen(t, 2_000, 3, file)
	db := openRO(t, s.db)

	first := importOK(t, s.run(importArgs(file)...))
	if first.Batch == 0 || first.AlreadyImportedAs != 0 || first.Accepted == 0 {
		t.Fatalf("first import: %+v", first)
	}
	records := queryInt(t, db, "SELECT count(*) FROM records")
	if records != int64(first.Accepted) {
		t.Fatalf("%d records stored, %d accepted", records, first.Accepted)
	}
	batches := queryInt(t, db, "SELECT count(*) FROM batches")

	copyPath := filepath.Join(s.dir, "同一文件-重新报送.csv")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(copyPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{file, copyPath} {
		r := s.run(importArgs(f)...)
		if r.code != 0 {
			t.Fatalf("re-import of %s: want exit 0 (SPEC §A: a re-import of a known file)\n%v", filepath.Base(f), r)
		}
		again := importOK(t, r)
		if again.AlreadyImportedAs != first.Batch {
			t.Errorf("re-import of %s: already_imported_as = %d, want %d\n%v", filepath.Base(f), again.AlreadyImportedAs, first.Batch, r)
		}
		if again.Accepted != 0 || again.Revised != 0 || again.Rejected != 0 {
			t.Errorf("re-import of %s reports stored rows: %+v", filepath.Base(f), again)
		}
	}
	if n := queryInt(t, db, "SELECT count(*) FROM batches"); n != batches {
		t.Errorf("re-imports created batches: %d, was %d", n, batches)
	}
	if got := s.storeSound(db); got != records {
		t.Errorf("%d records after the re-imports, was %d", got, records)
	}
}
