package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestServeKilledKeepsEveryAnsweredLookup (issue 18, SPEC §C: every answer
// is logged before it leaves): credit serve is killed (SIGKILL) while eight
// units' systems look subjects up, at a moment when answered entries wait in
// its query-log journal. Every query_id an answer carried is then in the
// query log, once, with the unit's token — moved there by the next credit
// process that reads the query log — and audit verify finds every seal
// intact.
func TestServeKilledKeepsEveryAnsweredLookup(t *testing.T) {
	s := newE2EStore(t)
	csv, codesFile := filepath.Join(s.dir, "in.csv"), filepath.Join(s.dir, "codes.tsv")
	out, err := exec.Command(gendataBin, "xzcf", "-n", "200", "-seed", "18", "-o", csv, "-codes", codesFile, "-today", e2eToday).CombinedOutput()
	if err != nil {
		t.Fatalf("gendata: %v\n%s", err, out)
	}
	importOK(t, s.run(importArgs(csv)...))
	b, err := os.ReadFile(codesFile)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		codes = append(codes, strings.Split(line, "\t")[0])
	}
	const unit = "113206000140000015"
	s.ok("unit", "add", unit, "--name", "某县政务服务中心", "--items", "XZCF")
	token := strings.TrimSpace(s.ok("unit", "token", "add", unit).out)

	srv := s.command("serve", "--http", "127.0.0.1:0", "--rate", "100000", "--burst", "100000")
	srv.Env = nil
	for _, kv := range s.env {
		if !strings.HasPrefix(kv, "CREDIT_TODAY=") { // credit serve answers on the real date only
			srv.Env = append(srv.Env, kv)
		}
	}
	stderr, err := srv.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Process.Kill()
	listen := regexp.MustCompile(`http (?:正在监听|listening on) (\S+)`)
	lines := bufio.NewScanner(stderr)
	addr, said := "", ""
	for addr == "" && lines.Scan() {
		said += lines.Text() + "\n"
		if m := listen.FindStringSubmatch(lines.Text()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		t.Fatalf("credit serve did not say where it listens:\n%s", said)
	}
	go func() { // keep draining the server's log
		for lines.Scan() {
		}
	}()

	var mu sync.Mutex
	var answered []int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; ; i += 8 {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/subjects/"+codes[i%len(codes)]+"?purpose=审查", nil)
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				var body struct {
					QueryID int64 `json:"query_id"`
				}
				err = json.NewDecoder(resp.Body).Decode(&body)
				resp.Body.Close()
				if resp.StatusCode != 200 || err != nil || body.QueryID == 0 {
					t.Errorf("lookup: status %d, query_id %d, %v", resp.StatusCode, body.QueryID, err)
					return
				}
				mu.Lock()
				answered = append(answered, body.QueryID)
				mu.Unlock()
			}
		}()
	}
	// Kill it once answers have been given and some of them wait in the
	// journal (read as another process would, read-only).
	journal := openRO(t, s.db+".qlog")
	waiting := int64(0)
	for start := time.Now(); time.Since(start) < 60*time.Second; time.Sleep(5 * time.Millisecond) {
		mu.Lock()
		n := len(answered)
		mu.Unlock()
		if n < 300 {
			continue
		}
		var c int64
		if journal.QueryRow("SELECT count(*) FROM entries").Scan(&c) == nil && c > 0 {
			waiting = c
			break
		}
	}
	srv.Process.Kill()
	srv.Wait()
	close(stop)
	wg.Wait()
	journal.Close()
	if waiting == 0 {
		t.Fatalf("no answered entry was seen waiting in the journal (%d answers): the test did not test the journal", len(answered))
	}

	// The next credit process that reads the query log moves the journal.
	var tokens []struct {
		Uses int `json:"uses"`
	}
	if err := json.Unmarshal([]byte(s.ok("unit", "token", "list", "--format", "json").out), &tokens); err != nil || len(tokens) != 1 {
		t.Fatalf("token list: %v %+v", err, tokens)
	}
	db := openRO(t, s.db)
	defer db.Close()
	for _, id := range answered {
		if n := queryInt(t, db, "SELECT count(*) FROM query_log WHERE id = ? AND token_id = 1 AND action = 'show'", id); n != 1 {
			t.Errorf("answered lookup %d: %d query-log entries, want 1", id, n)
		}
	}
	// Entries committed whose answers the kill cut off may be logged too
	// (logged and not answered, never the reverse).
	if logged := queryInt(t, db, "SELECT count(*) FROM query_log WHERE token_id = 1"); logged < int64(len(answered)) || tokens[0].Uses != int(logged) {
		t.Errorf("%d entries logged and %d uses listed for %d answers", logged, tokens[0].Uses, len(answered))
	}
	if left := queryInt(t, openRO(t, s.db+".qlog"), "SELECT count(*) FROM entries"); left != 0 {
		t.Errorf("%d entries left in the journal", left)
	}
	if r := s.run("audit", "verify"); r.code != 0 {
		t.Errorf("audit verify after the kill:\n%v", r)
	}
	t.Logf("%d answers, %d waiting in the journal at the kill", len(answered), waiting)
}
