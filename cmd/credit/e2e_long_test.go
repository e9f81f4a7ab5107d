//go:build long

package main

// The heaviest end-to-end case (300,000 rows, two importers and a kill -9),
// run by make test-long (and .ci/run) rather than make test: about 40 s of
// the two cores on its own (issue 17: make test within 90 s).

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestKilledImportSharingSubjectsWithAnother: two imports of files that name
// the same companies and people run at once, so each stages records under
// subjects the other's batch created; one is killed mid-file. The other
// publishes records that point at subjects of the crashed batch; the next
// run of the killed file discards the crashed batch without taking those
// subjects away, and completes. This is the case the import's staging writes
// rely on when they skip foreign-key enforcement (docs/import.md).
func TestKilledImportSharingSubjectsWithAnother(t *testing.T) {
	const rows = 300_000 // 150,000 per file, two rows per subject: one in each
	s := newE2EStore(t)
	all := filepath.Join(s.dir, "shared.csv")
	cmd := exec.Command(gendataBin, "xzcf-shared", "-n", fmt.Sprint(rows), "-per", "2", "-o", all, "-today", e2eToday)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gendata: %v\n%s", err, out)
	}
	fileA, fileB := filepath.Join(s.dir, "a.csv"), filepath.Join(s.dir, "b.csv")
	alternateCSV(t, all, fileA, fileB)
	db := openRO(t, s.db)

	a := s.command(importArgs(fileA)...)
	var aErr bytes.Buffer
	a.Stderr = &aErr
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	aExited := make(chan struct{})
	go func() { a.Wait(); close(aExited) }()
	// poll waits until cond holds, failing if import a ends first.
	poll := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for !cond() {
			select {
			case <-aExited:
				t.Fatalf("import a ended (%v) before %s: give it a bigger file\nstderr: %s", a.ProcessState, what, aErr.String())
			default:
			}
			if time.Now().After(deadline) {
				a.Process.Kill()
				t.Fatalf("not within 60 s: %s\nstderr: %s", what, aErr.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	staged := func(file string) (batch, records int64) {
		if db.QueryRow("SELECT id FROM batches WHERE state = 'staging' AND file_name = ?", file).Scan(&batch) == nil {
			records = queryInt(t, db, "SELECT count(*) FROM records WHERE first_batch = ?", batch)
		}
		return
	}
	// a goes first, so it creates the subjects of the rows both files share;
	// b, started once a is a few chunks in, stages rows under them.
	var crashed int64
	poll("a staged 4,000 records", func() bool { b, n := staged("a.csv"); crashed = b; return n >= 4_000 })
	bDone := make(chan run, 1)
	go func() { bDone <- s.run(importArgs(fileB)...) }()
	poll("b staged 2,000 records", func() bool { _, n := staged("b.csv"); return n >= 2_000 })
	a.Process.Kill()
	<-aExited
	if a.ProcessState.Exited() {
		t.Fatalf("import a finished before SIGKILL reached it")
	}

	rb := <-bDone
	noBusyMessage(t, rb)
	resB := importOK(t, rb)
	if resB.Accepted != rows/2 {
		t.Fatalf("import b accepted %d of %d rows\n%v", resB.Accepted, rows/2, rb)
	}
	shared := queryInt(t, db, `SELECT count(*) FROM records r JOIN subjects s ON s.id = r.subject_id
		WHERE r.first_batch = ? AND s.first_batch = ?`, resB.Batch, crashed)
	if shared == 0 {
		t.Fatalf("no record of batch %d points at a subject the crashed batch %d created: the test did not make the case it is for", resB.Batch, crashed)
	}
	t.Logf("killed batch %d; batch %d published %d records under subjects the killed batch created", crashed, resB.Batch, shared)

	// The killed file again: the crashed batch is discarded, b's subjects stay.
	ra := s.run(importArgs(fileA)...)
	noBusyMessage(t, ra)
	resA := importOK(t, ra)
	if resA.Accepted != rows/2 {
		t.Fatalf("second run of a accepted %d of %d rows\n%v", resA.Accepted, rows/2, ra)
	}
	if st := queryString(t, db, "SELECT state FROM batches WHERE id = ?", crashed); st != "discarded" {
		t.Errorf("crashed batch %d is %q, want discarded", crashed, st)
	}
	if n := queryInt(t, db, `SELECT count(*) FROM records r WHERE r.first_batch = ? AND NOT EXISTS (SELECT 1 FROM subjects s WHERE s.id = r.subject_id)`, resB.Batch); n != 0 {
		t.Fatalf("%d records of batch %d lost their subject", n, resB.Batch)
	}
	if records := s.storeSound(db); records != rows {
		t.Errorf("%d records stored, want %d", records, rows)
	}
}

// alternateCSV writes src's data rows alternately into a and b, each with
// src's header.
func alternateCSV(t *testing.T, src, a, b string) {
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
	var outs []*os.File
	var ws []*csv.Writer
	for _, p := range []string{a, b} {
		o, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, o)
		w := csv.NewWriter(o)
		w.Write(header)
		ws = append(ws, w)
	}
	for i := 0; ; i++ {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		ws[i%2].Write(rec)
	}
	for k, w := range ws {
		w.Flush()
		if err := w.Error(); err != nil {
			t.Fatal(err)
		}
		if err := outs[k].Close(); err != nil {
			t.Fatal(err)
		}
	}
}
