package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestExchangeExportKilled is issue 20's crash safety: an export killed
// (SIGKILL) after writing its files to the temporary folder, or after
// renaming them into place but before recording the run, consumes no
// sequence number and marks no record sent; the next export takes the same
// sequence and writes the same files byte for byte, and only then records it.
// CREDIT_EXCHANGE_PAUSE stops the export at the named stage so that the kill
// lands there.
func TestExchangeExportKilled(t *testing.T) {
	s := newE2EStore(t)
	file := filepath.Join(s.dir, "xzcf.csv")
	gen(t, 200, 1, file)
	s.ok(importArgs(file)...)
	db := openRO(t, s.db)
	out := filepath.Join(s.dir, "out")
	var renamed map[string][]byte
	for _, stage := range []string{"written", "renamed"} {
		cmd := s.command("exchange", "export", "--to", "province", "-o", out)
		cmd.Env = append(append([]string{}, s.env...), "CREDIT_EXCHANGE_PAUSE="+stage)
		errPath := filepath.Join(s.dir, "stderr-"+stage)
		errf, err := os.Create(errPath)
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = errf
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		errf.Close()
		deadline := time.Now().Add(60 * time.Second)
		for {
			b, _ := os.ReadFile(errPath)
			if strings.Contains(string(b), "paused at "+stage) {
				break
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("the export never reached %s: %s", stage, b)
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		if n := queryInt(t, db, "SELECT count(*) FROM exchange_runs"); n != 0 {
			t.Fatalf("killed at %s: %d sequences recorded", stage, n)
		}
		if n := queryInt(t, db, "SELECT count(*) FROM exchange_sent"); n != 0 {
			t.Fatalf("killed at %s: %d records marked sent", stage, n)
		}
		files := readDir(t, out)
		switch stage {
		case "written":
			// Nothing under a final name: only the temporary folder, which the next export clears.
			for name := range files {
				if !strings.HasPrefix(name, ".exchange-") {
					t.Fatalf("killed before the rename, yet %s is in place", name)
				}
			}
		case "renamed":
			if _, ok := files["manifest.json"]; !ok || len(files) < 2 {
				t.Fatalf("killed after the rename: files %v", keys(files))
			}
			renamed = files
		}
	}
	// The next export takes sequence 1 again and writes the same bytes, then records it.
	s.ok("exchange", "export", "--to", "province", "-o", out)
	if n := queryInt(t, db, "SELECT count(*) FROM exchange_runs WHERE seq = 1"); n != 1 {
		t.Fatalf("sequence 1 recorded %d times", n)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM exchange_sent WHERE seq = 1"); n == 0 {
		t.Fatal("no record marked sent after the full export")
	}
	after := readDir(t, out)
	for name := range after {
		if strings.HasPrefix(name, ".exchange-") {
			t.Errorf("the killed export's temporary folder %s is still there", name)
		}
	}
	for name, b := range renamed {
		if strings.HasPrefix(name, ".exchange-") {
			continue
		}
		if !bytes.Equal(after[name], b) {
			t.Errorf("%s differs from what the killed export had put in place", name)
		}
	}
	if want := queryString(t, db, "SELECT manifest_sha256 FROM exchange_runs WHERE seq = 1"); want != sha256hex(after["manifest.json"]) {
		t.Errorf("recorded manifest hash %s differs from the file's", want)
	}
}

func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range ents {
		if e.IsDir() {
			out[e.Name()] = nil
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

func sha256hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
