package cli

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeSlowClients: clients that send their request head a byte at a
// time (slowloris) hold only their own connections, and only until
// header_timeout; others are answered meanwhile.
func TestServeSlowClients(t *testing.T) {
	parallel(t) // waits more than it computes: overlaps the other slow tests (make test budget, issue 17)
	h := archiveHarness(t)
	tok := newToken(t, h, archUnitA)
	cfg := filepath.Join(h.dir, "serve.yaml")
	os.WriteFile(cfg, []byte("header_timeout: 500ms\n"), 0o600)
	s := startServe(t, h, "--config", cfg)
	// More slow clients than the server has answer slots (32) and store
	// connections (16).
	const slow = 40
	closed := make(chan int, slow)
	var conns []net.Conn
	for i := range slow {
		c, err := net.Dial("tcp", s.http)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		go func() {
			// One header line every 100 ms, never the blank line that ends
			// the head; count the connection once the server has cut it.
			fmt.Fprintf(c, "GET /api/v1/subjects/%s?purpose=x HTTP/1.1\r\nHost: x\r\n", orgB)
			for j := 0; ; j++ {
				time.Sleep(100 * time.Millisecond)
				if _, err := fmt.Fprintf(c, "X-Slow-%d: %d\r\n", j, i); err != nil {
					break
				}
				if j > 300 { // 30 s: the server never cut this one
					closed <- -1
					return
				}
			}
			closed <- i
		}()
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	// Meanwhile a unit's lookups are answered.
	for range 5 {
		if c := call(t, "GET", "http://"+s.http+"/api/v1/subjects/"+orgB+"?purpose=审查", tok, ""); c.Status != 200 {
			t.Fatalf("lookup beside slow clients = %d %s", c.Status, c.Raw)
		}
	}
	// Every slow connection is cut by the server (what a reader of it sees
	// may be a 408 or nothing; writes fail once it is closed).
	for range slow {
		if i := <-closed; i < 0 {
			t.Fatal("a slow client kept its connection for 30 s")
		}
	}
	// A slow client's half-sent request is not a lookup: nothing was logged for it.
	var n int
	openTestStore(t, h).DB.QueryRow("SELECT count(*) FROM query_log WHERE token_id IS NOT NULL").Scan(&n)
	if n != 5 {
		t.Errorf("%d API lookups logged, want the 5 answered", n)
	}
}

// TestServeSIGTERMFinishesRequests: SIGTERM while a request is in flight
// (its body half sent): new connections are refused, the request finishes
// and is answered, the server stops with exit 0 and checkpoints the store.
func TestServeSIGTERMFinishesRequests(t *testing.T) {
	h := archiveHarness(t)
	tok := newToken(t, h, archUnitA)
	active := make(chan struct{}, 16)
	serveConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateActive {
			active <- struct{}{}
		}
	}
	defer func() { serveConnState = nil }()
	s := startServe(t, h)
	base := "http://" + s.http

	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", base+"/api/v1/checks", pr)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	type result struct {
		status int
		body   string
		err    error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
		if err != nil {
			res <- result{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		res <- result{status: resp.StatusCode, body: string(b)}
	}()
	fmt.Fprintf(pw, `{"codes":["%s","%s"],`, orgA, orgB)
	<-active // the server is reading the request

	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for i := 0; !strings.Contains(s.log.String(), "正在关闭"); i++ {
		if i > 1000 {
			t.Fatalf("SIGTERM did not start the shutdown:\n%s", s.log.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	// No new connection is accepted once shutdown has begun.
	if c, err := net.DialTimeout("tcp", s.http, 2*time.Second); err == nil {
		c.Close()
		t.Error("a new connection was accepted during shutdown")
	}
	// The request in flight completes.
	fmt.Fprint(pw, `"matter":"政府采购","purpose":"政府采购资格审查","case_ref":"采购-2025-099"}`)
	pw.Close()
	r := <-res
	if r.err != nil || r.status != 200 || !strings.Contains(r.body, `"subjects":2`) {
		t.Fatalf("request in flight: %v %d %s", r.err, r.status, r.body)
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("serve exited %d:\n%s", code, s.log.String())
	}
	log := s.log.String()
	if !strings.Contains(log, "已把预写日志（WAL）并入数据库文件") || !strings.Contains(log, "已关闭") {
		t.Errorf("no checkpoint or stop in the log:\n%s", log)
	}
	// Answered means logged.
	var n int
	openTestStore(t, h).DB.QueryRow("SELECT count(*) FROM query_log WHERE case_ref = '采购-2025-099'").Scan(&n)
	if n != 2 {
		t.Errorf("%d query-log entries for the finished check, want 2", n)
	}
}

// TestServeInternalErrorsAreJSON: an internal failure (the disk full when
// the query log is written) is answered with JSON: a stable code, a Chinese
// message and a request id, nothing of the archive (it was not logged), no
// SQL, stack, Go file or server path; the details are in the server's log
// under the same request id.
func TestServeInternalErrorsAreJSON(t *testing.T) {
	parallel(t) // waits more than it computes: overlaps the other slow tests (make test budget, issue 17)
	h := archiveHarness(t)
	tok := newToken(t, h, archUnitA)
	h.fillStore() // CREDIT_TEST_MAX_PAGES: the next write needing a page fails
	s := startServe(t, h, "--rate", "100000", "--burst", "100000")
	base := "http://" + s.http
	codes := strings.Repeat(`"`+orgB+`",`, 999) + `"` + orgA + `"`
	var fails []apiCall
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/v1/subjects/" + orgA + "?purpose=审查", ""},
		{"GET", "/api/v1/subjects?name=公司&purpose=审查", ""},
		{"POST", "/api/v1/checks", `{"codes":[` + codes + `],"matter":"政府采购","purpose":"审查","case_ref":"c-1"}`},
	} {
		// A lookup's entry may still fit in the last page's free room:
		// repeat until the store has no room left.
		for range 1000 {
			r := call(t, c.method, base+c.path, tok, c.body)
			if r.Status == 200 {
				continue
			}
			fails = append(fails, r)
			break
		}
	}
	if len(fails) != 3 {
		t.Fatalf("%d of 3 endpoints failed on a full store", len(fails))
	}
	leaks := regexp.MustCompile(`(?i)sql|goroutine|panic|\.go:\d|/tmp/|disk is full|` + regexp.QuoteMeta(h.dir))
	for _, r := range fails {
		e, _ := r.Body["error"].(map[string]any)
		if r.Status != 500 || r.errCode() != "internal" || !regexp.MustCompile(`\p{Han}`).MatchString(fmt.Sprint(e["message"])) || e["request_id"] == "" {
			t.Errorf("internal error answer = %d %s", r.Status, r.Raw)
		}
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
		}
		if m := leaks.FindString(r.Raw); m != "" {
			t.Errorf("the answer leaks %q: %s", m, r.Raw)
		}
		if strings.Contains(r.Raw, "records") || strings.Contains(r.Raw, orgA) {
			t.Errorf("an unlogged answer was given: %s", r.Raw)
		}
		// The office finds the cause in the server's log by the request id.
		sc := bufio.NewScanner(strings.NewReader(s.log.String()))
		found := false
		for sc.Scan() {
			if strings.Contains(sc.Text(), "request="+fmt.Sprint(e["request_id"])) && strings.Contains(sc.Text(), "full") {
				found = true
			}
		}
		if !found {
			t.Errorf("request %v is not in the server log with its cause:\n%s", e["request_id"], s.log.String())
		}
	}
	// The server lives on: health and refusals are still answered.
	if c := call(t, "GET", base+"/healthz", "", ""); c.Status != 200 {
		t.Errorf("healthz after the failures = %d", c.Status)
	}
}
