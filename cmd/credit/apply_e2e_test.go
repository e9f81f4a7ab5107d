package main

import (
	"bufio"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var e2eQueryID = regexp.MustCompile(`"query_id": ?[0-9]+`)

// TestImportKilledDuringApply is issue 16 / SPEC §7 "a kill -9 at any moment
// leaves nothing half-published", for the deferred apply of a published
// revision batch (internal/store/pending.go): the importer is killed after
// the first chunk of revisions reached the base tables and while the second
// is being applied. The store opens, shows the whole batch revised (through
// the views: every record's new content, every superseded content in its
// history), the audit chain and a verified backup are sound, and `credit
// init` finishes the apply without changing what any archive shows.
func TestImportKilledDuringApply(t *testing.T) {
	const n = applyRows // apply chunks of 2,000: three in make test, five in make test-long (e2e_size_*_test.go)
	s := newE2EStore(t)
	first := filepath.Join(s.dir, "first.csv")
	gen(t, n, 13, first)
	res1 := importOK(t, s.run(importArgs(first)...))
	revised := filepath.Join(s.dir, "revised.csv")
	reviseCSV(t, first, revised, "经复核更正")
	db := openRO(t, s.db)

	cmd := s.command(importArgs(revised)...)
	// Each chunk after the first waits 2 s and says so: the kill lands in
	// the second chunk, long before a third could start.
	cmd.Env = append(append([]string{}, cmd.Env...), "CREDIT_TEST_APPLY_PAUSE_MS=2000")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	second := make(chan struct{})
	var errText strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		seen := false
		for sc.Scan() {
			errText.WriteString(sc.Text() + "\n")
			if sc.Text() == "apply_chunk=1" && !seen {
				seen = true
				close(second)
			}
		}
	}()
	select {
	case <-second:
	case <-time.After(3 * time.Minute):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the apply never reached its second chunk\nstderr: %s", errText.String())
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if cmd.ProcessState.Exited() {
		t.Fatalf("the import finished (exit %d) before SIGKILL reached it", cmd.ProcessState.ExitCode())
	}
	batch := queryInt(t, db, "SELECT max(id) FROM batches WHERE state = 'published'")
	ref := fmt.Sprintf("batch:%d", batch)
	pending := queryInt(t, db, "SELECT count(*) FROM staged_revisions WHERE batch_id = ?", batch)
	applied := queryInt(t, db, "SELECT count(*) FROM record_history WHERE ref = ?", ref)
	t.Logf("killed with %d revisions applied and %d pending", applied, pending)
	if applied == 0 || pending == 0 || applied+pending != int64(res1.Accepted) {
		t.Fatalf("not killed mid-apply: %d applied, %d pending of %d", applied, pending, res1.Accepted)
	}

	// What everyone sees: the whole batch, nothing of the old content.
	if got := queryInt(t, db, "SELECT count(*) FROM current_records WHERE rev = 2 AND rev_batch = ? AND procedure = 'revision' AND vals LIKE '%经复核更正%'", batch); got != int64(res1.Accepted) {
		t.Errorf("%d records show the revision, want all %d", got, res1.Accepted)
	}
	if got := queryInt(t, db, "SELECT count(*) FROM current_record_history WHERE ref = ?", ref); got != int64(res1.Accepted) {
		t.Errorf("%d superseded contents shown for %s, want %d", got, ref, res1.Accepted)
	}
	// Two subjects: one whose record was applied, one whose record is pending.
	codes := []string{
		queryString(t, db, "SELECT s.code FROM record_history h JOIN records r ON r.id = h.record_id JOIN subjects s ON s.id = r.subject_id WHERE h.ref = ? ORDER BY h.record_id LIMIT 1", ref),
		queryString(t, db, "SELECT s.code FROM staged_revisions p JOIN records r ON r.id = p.record_id JOIN subjects s ON s.id = r.subject_id WHERE p.batch_id = ? ORDER BY p.record_id DESC LIMIT 1", batch),
	}
	look := func() map[string]string {
		out := map[string]string{}
		for _, c := range codes {
			for _, args := range [][]string{{"subject", "show", c, "--format", "json"}, {"subject", "history", c, "--format", "json"}} {
				r := s.ok(args...)
				if args[1] == "history" && !strings.Contains(r.out, "经复核更正") {
					t.Errorf("credit %s does not show the revision:\n%s", strings.Join(args, " "), r.out)
				}
				out[strings.Join(args, " ")] = e2eQueryID.ReplaceAllString(r.out, `"query_id": N`)
			}
		}
		return out
	}
	before := look()
	s.ok("audit", "verify")
	s.ok("backup", filepath.Join(s.dir, "mid-apply.db"))
	s.ok("backup", "--verify", filepath.Join(s.dir, "mid-apply.db"))

	// credit init finishes the apply; nothing seen changes.
	s.ok("init")
	if got := queryInt(t, db, "SELECT count(*) FROM staged_revisions"); got != 0 {
		t.Errorf("%d staged revisions left after credit init", got)
	}
	if got := queryInt(t, db, "SELECT count(*) FROM records WHERE rev = 2 AND rev_batch = ? AND vals LIKE '%经复核更正%'", batch); got != int64(res1.Accepted) {
		t.Errorf("%d base records carry the revision after the apply, want %d", got, res1.Accepted)
	}
	if got := queryInt(t, db, "SELECT count(*) FROM record_history WHERE ref = ?", ref); got != int64(res1.Accepted) {
		t.Errorf("%d history rows for %s after the apply, want %d (each once)", got, ref, res1.Accepted)
	}
	after := look()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("credit %s changed with the apply:\nbefore: %.600s\nafter:  %.600s", k, v, after[k])
		}
	}
	s.storeSound(db)
}
