package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"credit/internal/civil"
	"credit/internal/clock"
	"credit/internal/store"
)

// syncBuffer is a buffer the server writes its log to while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// served is a running credit serve on free ports.
type served struct {
	http, ssh string
	log       *syncBuffer
	stop      func() int
}

var listenLine = regexp.MustCompile(`(https?|ssh) (?:正在监听|listening on) (\S+)`)

// startServe runs `credit serve` in-process on free ports over h's store,
// with the server's clock on the fixtures' date, until the test ends.
// serveClockFixed sets the served clock of every serve test once, for the
// rest of the package's run (no test wants another), so that serve tests
// may run in parallel (t.Parallel) without writing it under each other.
var serveClockFixed sync.Once

func fixServeClock() {
	serveClockFixed.Do(func() {
		serveClock = func(*App) clock.Clock { return clock.Fixed(civil.MustParse("2025-12-01")) }
	})
}

func startServe(t *testing.T, h *harness, extra ...string) *served {
	t.Helper()
	fixServeClock()
	ctx, cancel := context.WithCancel(context.Background())
	log := &syncBuffer{}
	done := make(chan int, 1)
	args := append([]string{"serve", "--http", "127.0.0.1:0", "--ssh", "127.0.0.1:0", "--host-key", filepath.Join(h.dir, "host_key")}, extra...)
	go func() {
		env := map[string]string{"CREDIT_DB": h.db}
		for k, v := range h.env {
			if k != "CREDIT_TODAY" { // the server's clock is serveClock
				env[k] = v
			}
		}
		f := false
		done <- Main(args, IO{In: strings.NewReader(""), Out: io.Discard, Err: log, Getenv: func(k string) string { return env[k] },
			TTY: &f, Login: h.login, Ctx: ctx})
	}()
	s := &served{log: log}
	for s.http == "" || s.ssh == "" {
		select {
		case code := <-done:
			cancel()
			t.Fatalf("credit serve exited %d:\n%s", code, log.String())
		case <-time.After(20 * time.Millisecond):
		}
		for _, m := range listenLine.FindAllStringSubmatch(log.String(), -1) {
			if m[1] == "ssh" {
				s.ssh = m[2]
			} else {
				s.http = m[2]
			}
		}
	}
	var once sync.Once
	code := 0
	s.stop = func() int {
		once.Do(func() {
			cancel()
			code = <-done
		})
		return code
	}
	t.Cleanup(func() {
		if c := s.stop(); c != 0 {
			t.Errorf("credit serve exited %d:\n%s", c, log.String())
		}
	})
	return s
}

// apiCall is one HTTP call: status, decoded body, headers.
type apiCall struct {
	Status int
	Body   map[string]any
	Raw    string
	Header http.Header
}

func (c apiCall) errCode() string {
	e, _ := c.Body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func call(t *testing.T, method, url, token, body string) apiCall {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	c := apiCall{Status: resp.StatusCode, Raw: string(raw), Header: resp.Header}
	json.Unmarshal(raw, &c.Body)
	return c
}

// newToken runs credit unit token add and checks stdout holds the token alone.
func newToken(t *testing.T, h *harness, args ...string) string {
	t.Helper()
	r := h.ok(append([]string{"unit", "token", "add"}, args...)...)
	tok := strings.TrimSpace(r.Out)
	if !regexp.MustCompile(`^crd_[A-Za-z0-9_-]{43}$`).MatchString(tok) {
		t.Fatalf("stdout should hold the token alone, got %q", r.Out)
	}
	if !strings.Contains(r.Err, "只显示这一次") {
		t.Errorf("stderr lacks the once-only notice: %q", r.Err)
	}
	return tok
}

func TestServeAPI(t *testing.T) {
	h := archiveHarness(t)
	tokA := newToken(t, h, archUnitA)
	tokB := newToken(t, h, archUnitB, "--expires", "2026-06-30")
	tokExpired := newToken(t, h, archUnitA, "--expires", "2025-11-30", "--today", "2025-11-01")
	tokRevoked := newToken(t, h, archUnitA)
	tokFar := newToken(t, h, archUnitA, "--allow", "10.0.0.0/8, 192.168.1.7")
	h.ok("unit", "token", "revoke", "4")
	h.fails(5, "unit", "token", "add", "113206000140000099") // not a registered unit
	h.fails(2, "unit", "token", "add", archUnitA, "--allow", "10.0.0.0/33")
	h.as("bob").fails(5, "unit", "token", "add", archUnitA) // clerks do not make tokens
	// The store keeps hashes only.
	st := openTestStore(t, h)
	var n int
	st.DB.QueryRow("SELECT count(*) FROM api_tokens WHERE hash = ? OR hash LIKE 'crd_%'", tokA).Scan(&n)
	if n != 0 {
		t.Fatal("a token is stored as given")
	}

	s := startServe(t, h)
	base := "http://" + s.http

	if c := call(t, "GET", base+"/healthz", "", ""); c.Status != 200 || c.Body["status"] != "ok" {
		t.Fatalf("healthz = %d %s", c.Status, c.Raw)
	}
	// Unit A (registered for XYCN): 甲公司's shared 信用承诺 and its two 行政处罚
	// (valid until 2026-06-10 and 2026-07-01, so valid on 2025-12-01).
	a := call(t, "GET", base+"/api/v1/subjects/"+orgA+"?purpose=招标资格审查", tokA, "")
	if a.Status != 200 {
		t.Fatalf("GET subject = %d %s", a.Status, a.Raw)
	}
	items := func(c apiCall) []string {
		var out []string
		for _, r := range c.Body["records"].([]any) {
			out = append(out, r.(map[string]any)["item"].(string))
		}
		sort.Strings(out)
		return out
	}
	if got := items(a); !slices.Equal(got, []string{"XYCN", "XZCF", "XZCF"}) || a.Body["scope"] != "shared" || a.Body["unit"] != archUnitA {
		t.Errorf("unit A sees %v (scope %v unit %v)", got, a.Body["scope"], a.Body["unit"])
	}
	// Shared scope shows personal fields (SPEC §C), as the CLI does.
	if !strings.Contains(a.Raw, personID) {
		t.Errorf("shared scope should show the legal representative's ID number")
	}
	// Unit B is not registered for XYCN.
	if got := items(call(t, "GET", base+"/api/v1/subjects/"+orgA+"?purpose=审查", tokB, "")); !slices.Equal(got, []string{"XZCF", "XZCF"}) {
		t.Errorf("unit B sees %v", got)
	}
	// 丙公司's only record expired after 2024-03-01: withheld.
	if got := items(call(t, "GET", base+"/api/v1/subjects/"+orgC+"?purpose=审查", tokA, "")); len(got) != 0 {
		t.Errorf("expired record shown: %v", got)
	}
	// One item: allowed when the unit sees it, 403 otherwise.
	if got := items(call(t, "GET", base+"/api/v1/subjects/"+orgA+"?purpose=审查&item=xycn", tokA, "")); !slices.Equal(got, []string{"XYCN"}) {
		t.Errorf("item=XYCN gives %v", got)
	}
	if c := call(t, "GET", base+"/api/v1/subjects/"+orgA+"?purpose=审查&item=XYCN", tokB, ""); c.Status != 403 || c.errCode() != "item_not_allowed" {
		t.Errorf("unregistered item = %d %s", c.Status, c.Raw)
	}
	// The same answer as the CLI's shared scope (apart from the query id).
	cli := decode[map[string]any](t, h.ok("subject", "show", orgA, "--scope", "shared", "--unit", archUnitA, "--purpose", "招标资格审查", "--format", "json").Out)
	delete(cli, "query_id")
	api := a.Body
	delete(api, "query_id")
	if cj, aj := mustJSON(t, cli), mustJSON(t, api); cj != aj {
		t.Errorf("API and CLI differ:\nAPI %s\nCLI %s", aj, cj)
	}

	// Refusals: each with its stable code and a Chinese message, nothing internal.
	for _, tc := range []struct {
		name, method, path, token, body string
		status                          int
		code                            string
	}{
		{"no token", "GET", "/api/v1/subjects/" + orgA + "?purpose=x", "", "", 401, "unauthorized"},
		{"wrong token", "GET", "/api/v1/subjects/" + orgA + "?purpose=x", "crd_nope", "", 401, "unauthorized"},
		{"expired token", "GET", "/api/v1/subjects/" + orgA + "?purpose=x", tokExpired, "", 401, "token_expired"},
		{"revoked token", "GET", "/api/v1/subjects/" + orgA + "?purpose=x", tokRevoked, "", 401, "token_revoked"},
		{"address not allowed", "GET", "/api/v1/subjects/" + orgA + "?purpose=x", tokFar, "", 403, "address_not_allowed"},
		{"no purpose", "GET", "/api/v1/subjects/" + orgA, tokA, "", 400, "purpose_required"},
		{"search no purpose", "GET", "/api/v1/subjects?name=乙公司", tokA, "", 400, "purpose_required"},
		{"search no name", "GET", "/api/v1/subjects?purpose=x", tokA, "", 400, "name_required"},
		{"invalid code", "GET", "/api/v1/subjects/91350100M000100Y4X?purpose=x", tokA, "", 400, "invalid_code"},
		{"malformed body", "POST", "/api/v1/checks", tokA, `{"codes": [`, 400, "malformed_body"},
		{"unknown field", "POST", "/api/v1/checks", tokA, `{"codes":["` + orgB + `"],"matter":"政府采购","purpose":"p","case_ref":"c","sql":"1"}`, 400, "malformed_body"},
		{"no purpose in body", "POST", "/api/v1/checks", tokA, `{"codes":["` + orgB + `"],"matter":"政府采购","case_ref":"c"}`, 400, "purpose_required"},
		{"no case ref", "POST", "/api/v1/checks", tokA, `{"codes":["` + orgB + `"],"matter":"政府采购","purpose":"p"}`, 400, "case_ref_required"},
		{"bad matter", "POST", "/api/v1/checks", tokA, `{"codes":["` + orgB + `"],"matter":"买菜","purpose":"p","case_ref":"c"}`, 400, "invalid_matter"},
		{"too many codes", "POST", "/api/v1/checks", tokA, `{"codes":[` + strings.Repeat(`"`+orgB+`",`, 1000) + `"` + orgB + `"],"matter":"政府采购","purpose":"p","case_ref":"c"}`, 400, "too_many_codes"},
		{"oversized body", "POST", "/api/v1/checks", tokA, `{"codes":[` + strings.Repeat(`"`+orgB+`",`, 60000) + `"` + orgB + `"]}`, 413, "body_too_large"},
		{"unknown route", "GET", "/api/v1/nope", tokA, "", 404, "not_found"},
	} {
		c := call(t, tc.method, base+tc.path, tc.token, tc.body)
		if c.Status != tc.status || c.errCode() != tc.code {
			t.Errorf("%s: %d %s, want %d %s", tc.name, c.Status, c.Raw, tc.status, tc.code)
			continue
		}
		msg := c.Body["error"].(map[string]any)["message"].(string)
		if !regexp.MustCompile(`\p{Han}`).MatchString(msg) {
			t.Errorf("%s: message not in Chinese: %q", tc.name, msg)
		}
		for _, leak := range []string{h.dir, "sql", "goroutine", ".go:"} {
			if strings.Contains(strings.ToLower(c.Raw), leak) {
				t.Errorf("%s: the answer leaks %q: %s", tc.name, leak, c.Raw)
			}
		}
		if tc.status == 401 && c.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: 401 without WWW-Authenticate", tc.name)
		}
	}

	// Search and check.
	sr := call(t, "GET", base+"/api/v1/subjects?name=乙公司&purpose=招标资格审查", tokA, "")
	if sr.Status != 200 || sr.Body["total"].(float64) != 1 || sr.Body["hits"].([]any)[0].(map[string]any)["code"] != orgB {
		t.Errorf("search = %d %s", sr.Status, sr.Raw)
	}
	ck := call(t, "POST", base+"/api/v1/checks", tokA, `{"codes":["`+orgB+`","`+orgC+`","91350100M000100Y4X"],"matter":"政府采购","purpose":"政府采购资格审查","case_ref":"采购-2025-017"}`)
	if ck.Status != 200 || ck.Body["subjects"].(float64) != 3 || ck.Body["hits"].(float64) != 1 || ck.Body["invalid"].(float64) != 1 {
		t.Fatalf("check = %d %s", ck.Status, ck.Raw)
	}

	// Every answer is in the query log with the unit, the token, the purpose,
	// how it came, and exactly the records and revisions returned.
	rows, err := st.QueriesOfToken(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	// token 1: 3 shows (甲公司, 丙公司, 甲公司 XYCN only), 1 search, 3 checked codes;
	// refused calls return nothing and log nothing.
	actions := map[string]int{}
	for _, r := range rows {
		actions[r.Action]++
		if r.Unit != archUnitA || r.Via != "api from 127.0.0.1" || r.Operator != "token:1" || r.Scope != "shared" || r.Purpose == "" {
			t.Errorf("query-log row = %+v", r)
		}
		if r.Action == "check" && (r.CaseRef != "采购-2025-017" || r.Purpose != "政府采购：政府采购资格审查") {
			t.Errorf("check row = %+v", r)
		}
	}
	if actions["show"] != 3 || actions["search"] != 1 || actions["check"] != 3 {
		t.Errorf("logged actions = %v", actions)
	}
	// The first lookup's logged records are the ones it returned.
	var qid int64
	st.DB.QueryRow("SELECT min(id) FROM query_log WHERE token_id = 1").Scan(&qid)
	logged := map[string]bool{}
	rs, _ := st.DB.Query("SELECT record_id, content_hash FROM query_log_records WHERE query_id = ?", qid)
	for rs.Next() {
		var id int64
		var hash string
		rs.Scan(&id, &hash)
		logged[fmt.Sprint(id, hash)] = true
	}
	rs.Close()
	for _, r := range a.Body["records"].([]any) {
		m := r.(map[string]any)
		if !logged[fmt.Sprint(int64(m["id"].(float64)), m["content_hash"])] {
			t.Errorf("record %v returned but not logged", m["id"])
		}
	}
	if len(logged) != 3 {
		t.Errorf("logged %d records, returned 3", len(logged))
	}
	// Token list shows the last use and the count.
	list := decode[[]map[string]any](t, h.ok("unit", "token", "list", "--format", "json").Out)
	if len(list) != 5 || list[0]["uses"].(float64) != float64(len(rows)) || list[0]["last_used"] == "" || list[1]["state"] != "expired" || list[2]["state"] != "revoked" || list[3]["state"] != "valid" {
		t.Errorf("token list = %v", list)
	}
	// No query string and no code in the server's log.
	if strings.Contains(s.log.String(), orgA) || strings.Contains(s.log.String(), "purpose=") {
		t.Errorf("server log holds what was asked:\n%s", s.log.String())
	}
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestServeRateLimit(t *testing.T) {
	h := archiveHarness(t)
	tok := newToken(t, h, archUnitA)
	other := newToken(t, h, archUnitA)
	// 3 at once, then one every 100 s: the 4th call is refused whatever the speed.
	s := startServe(t, h, "--rate", "0.01", "--burst", "3")
	url := "http://" + s.http + "/api/v1/subjects/" + orgB + "?purpose=审查"
	for i := range 3 {
		if c := call(t, "GET", url, tok, ""); c.Status != 200 {
			t.Fatalf("call %d = %d %s", i+1, c.Status, c.Raw)
		}
	}
	c := call(t, "GET", url, tok, "")
	if c.Status != 429 || c.errCode() != "rate_limited" || c.Header.Get("Retry-After") != "300" {
		t.Fatalf("4th call = %d %s Retry-After %q", c.Status, c.Raw, c.Header.Get("Retry-After"))
	}
	// The limit is per token.
	if c := call(t, "GET", url, other, ""); c.Status != 200 {
		t.Errorf("another token = %d", c.Status)
	}
}

// TestServeConcurrentClients: 10 clients × 20 lookups in make test (50 × 200
// in make test-long): no error, every lookup logged; p99 reported.
func TestServeConcurrentClients(t *testing.T) {
	parallel(t) // waits more than it computes: overlaps the other slow tests (make test budget, issue 17)
	concurrentLookups(t, 10, 20)
}

func concurrentLookups(t *testing.T, clients, each int) {
	h := archiveHarness(t)
	tok := newToken(t, h, archUnitA)
	s := startServe(t, h, "--rate", "100000", "--burst", "100000")
	url := "http://" + s.http + "/api/v1/subjects/" + orgB + "?purpose=并发"
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	errs := make(chan string, clients*each)
	for range clients {
		wg.Go(func() {
			client := &http.Client{}
			for range each {
				req, _ := http.NewRequest("GET", url, nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				start := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					errs <- err.Error()
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				d := time.Since(start)
				if resp.StatusCode != 200 {
					errs <- resp.Status
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("lookup failed: %s", e)
	}
	st := openTestStore(t, h)
	rows, err := st.QueriesOfToken(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != clients*each {
		t.Errorf("logged %d lookups, made %d", len(rows), clients*each)
	}
	slices.Sort(lat)
	if t.Failed() {
		for _, l := range strings.Split(s.log.String(), "\n") {
			if strings.Contains(l, "error") {
				t.Log(l)
				break
			}
		}
	}
	t.Logf("%d clients × %d lookups: p50 %v p99 %v max %v", clients, each, lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1])
}

// clerkKey makes an ed25519 key pair, registers its public half for user
// and returns the signer.
func clerkKey(t *testing.T, h *harness, user string) gossh.Signer {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := gossh.NewSignerFromKey(priv)
	sshPub, _ := gossh.NewPublicKey(pub)
	f := filepath.Join(t.TempDir(), user+".pub")
	os.WriteFile(f, gossh.MarshalAuthorizedKey(sshPub), 0o600)
	h.ok("user", "key", "add", user, f)
	return signer
}

func sshClient(t *testing.T, addr, user string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{User: user, Auth: auth, HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
}

// sshRun runs a command over a new session: stdout, stderr, exit code.
func sshRun(t *testing.T, c *gossh.Client, cmd string) (string, string, int) {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	var out, errb bytes.Buffer
	sess.Stdout, sess.Stderr = &out, &errb
	code := 0
	if err := sess.Run(cmd); err != nil {
		ee, ok := err.(*gossh.ExitError)
		if !ok {
			t.Fatalf("ssh %s: %v", cmd, err)
		}
		code = ee.ExitStatus()
	}
	return out.String(), errb.String(), code
}

func TestServeSSHCommands(t *testing.T) {
	h := archiveHarness(t)
	bob := clerkKey(t, h, "bob")
	h.as("bob").fails(5, "user", "key", "add", "bob", "-") // only administrators manage keys
	s := startServe(t, h)

	c, err := sshClient(t, s.ssh, "anyname", gossh.PublicKeys(bob))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// The same output and exit code as locally, as bob.
	out, _, code := sshRun(t, c, "subject show "+orgB+" --format json --scope office --today 2025-12-01")
	local := h.as("bob").ok("subject", "show", orgB, "--format", "json", "--scope", "office")
	strip := func(s string) string { return regexp.MustCompile(`"query_id":\s*\d+`).ReplaceAllString(s, "") }
	if code != 0 || strip(out) != strip(local.Out) {
		t.Errorf("over ssh (%d):\n%s\nlocally:\n%s", code, out, local.Out)
	}
	if _, errOut, code := sshRun(t, c, "subject show 91350100M000100Y4X"); code != 5 || !strings.Contains(errOut, "不是有效的") {
		t.Errorf("invalid code over ssh = %d %q", code, errOut)
	}
	// bob is a clerk: the role comes from the store.
	if _, _, code := sshRun(t, c, "user add mallory --role admin"); code != 5 {
		t.Errorf("a clerk added a user over ssh: exit %d", code)
	}
	// What would leave bob's identity or reach the server's files is refused.
	for _, cmd := range []string{
		"subject show " + orgB + " --as alice",
		"subject show " + orgB + " --db /tmp/other.db",
		"subject report " + orgB + " -o /tmp/x.md",
		"import /etc/passwd --provider " + provider + " --item XZCF",
		"backup /tmp/copy.db",
		"init",
		"serve --http :9999",
		"catalog apply x.yaml",
		"user key add bob /etc/ssh/ssh_host_ed25519_key.pub",
	} {
		if _, errOut, code := sshRun(t, c, cmd); code != 2 || !strings.Contains(errOut, "SSH") {
			t.Errorf("%q over ssh = %d %q", cmd, code, errOut)
		}
	}
	// A change is bob's, audited "via ssh from 127.0.0.1"; a lookup is logged so.
	if _, errOut, code := sshRun(t, c, "calendar add 2025-09-27 10"); code != 0 {
		t.Fatalf("calendar add over ssh: %d %s", code, errOut)
	}
	st := openTestStore(t, h)
	if _, errOut, code := sshRun(t, c, "objection file --record 3 --ground wrong --applicant 乙公司 --today 2025-12-01"); code != 0 {
		t.Fatalf("objection file over ssh: %d %s", code, errOut)
	}
	entries, err := st.AuditLog(context.Background(), store.AuditFilter{Action: "objection.file", Limit: 1})
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit: %v %v", entries, err)
	}
	if e := entries[0]; e.Operator != "bob" || !strings.HasPrefix(e.Details, `{"via":"ssh from 127.0.0.1"`) {
		t.Errorf("audit entry = %+v", e)
	}
	var via, op string
	// The first office lookup was the one over ssh; the next, local, has no via.
	st.DB.QueryRow("SELECT via, operator FROM query_log WHERE scope = 'office' ORDER BY id LIMIT 1").Scan(&via, &op)
	if via != "ssh from 127.0.0.1" || op != "bob" {
		t.Errorf("query log: via %q operator %q", via, op)
	}

	// Unknown keys, passwords and keyboard-interactive are refused.
	_, stranger, _ := ed25519.GenerateKey(rand.Reader)
	ss, _ := gossh.NewSignerFromKey(stranger)
	if _, err := sshClient(t, s.ssh, "bob", gossh.PublicKeys(ss)); err == nil {
		t.Error("an unknown key logged in")
	}
	if _, err := sshClient(t, s.ssh, "bob", gossh.Password("bob")); err == nil {
		t.Error("a password logged in")
	}
	if _, err := sshClient(t, s.ssh, "bob", gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return []string{"x"}, nil })); err == nil {
		t.Error("keyboard-interactive logged in")
	}
	// A removed key no longer logs in.
	h.ok("user", "key", "remove", "1")
	if _, err := sshClient(t, s.ssh, "bob", gossh.PublicKeys(bob)); err == nil {
		t.Error("a removed key logged in")
	}
	keys := decode[[]map[string]any](t, h.ok("user", "key", "list", "--all", "--format", "json").Out)
	if len(keys) != 1 || keys[0]["removed_by"] != "alice" {
		t.Errorf("keys = %v", keys)
	}
}

// TestServeSSHBinary drives the server with the system's ssh client.
func TestServeSSHBinary(t *testing.T) {
	bin, err := exec.LookPath("ssh")
	if err != nil {
		t.Log("no ssh binary on this machine: covered by TestServeSSHCommands' Go client")
		return
	}
	h := archiveHarness(t)
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	block, err := gossh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "id_ed25519")
	os.WriteFile(keyFile, pem.EncodeToMemory(block), 0o600)
	sshPub, _ := gossh.NewPublicKey(pub)
	h.runIn(string(gossh.MarshalAuthorizedKey(sshPub)), "user", "key", "add", "bob", "-")
	s := startServe(t, h)
	host, port, _ := strings.Cut(s.ssh, ":")
	cmd := exec.Command(bin, "-F", "/dev/null", "-i", keyFile, "-p", port, "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
		"-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "bob@"+host, "code", "check", orgB, "--format", "json")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("ssh: %v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), `"code": "`+orgB+`"`) && !strings.Contains(out.String(), `"code":"`+orgB+`"`) {
		t.Errorf("ssh output = %s", out.String())
	}
}

func TestServeSSHTerminalUI(t *testing.T) {
	h := archiveHarness(t)
	bob := clerkKey(t, h, "bob")
	s := startServe(t, h)
	c, err := sshClient(t, s.ssh, "bob", gossh.PublicKeys(bob))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := sess.RequestPty("xterm-256color", 40, 140, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	in, _ := sess.StdinPipe()
	out := &syncBuffer{}
	sess.Stdout, sess.Stderr = out, out
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	waitFor := func(what string) {
		t.Helper()
		for range 500 {
			if strings.Contains(out.String(), what) {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("the TUI never showed %q:\n%s", what, out.String())
	}
	waitFor("概览")
	in.Write([]byte("2")) // the archive view
	waitFor("档案")
	in.Write([]byte("\x03")) // ctrl+c quits
	done := make(chan error, 1)
	go func() { done <- sess.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("TUI session ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ctrl+c did not end the TUI session")
	}
}

// A clerk's terminal UI over SSH is in the session's language: CREDIT_LANG
// sent by the client, else the server's --lang (issue 19).
func TestServeSSHTerminalUILanguage(t *testing.T) {
	h := archiveHarness(t)
	bob := clerkKey(t, h, "bob")
	session := func(s *served, env map[string]string, want ...string) {
		t.Helper()
		c, err := sshClient(t, s.ssh, "bob", gossh.PublicKeys(bob))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		sess, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		defer sess.Close()
		for k, v := range env {
			if err := sess.Setenv(k, v); err != nil {
				t.Fatal(err)
			}
		}
		if err := sess.RequestPty("xterm-256color", 40, 140, gossh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
		in, _ := sess.StdinPipe()
		out := &syncBuffer{}
		sess.Stdout, sess.Stderr = out, out
		if err := sess.Shell(); err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			for i := 0; i < 500 && !strings.Contains(out.String(), w); i++ {
				time.Sleep(20 * time.Millisecond)
			}
			if !strings.Contains(out.String(), w) {
				t.Fatalf("the TUI never showed %q:\n%s", w, out.String())
			}
			in.Write([]byte("2")) // on to the archive view
		}
		in.Write([]byte("\x03"))
		sess.Wait()
	}
	s := startServe(t, h)
	session(s, map[string]string{"CREDIT_LANG": "en"}, "Overview · today's work", "Archive · press / to search by name or code")
	session(s, nil, "概览 · 今天要办的事", "档案 · 按 / 输入名称或代码查找")
	s.stop()
	s = startServe(t, h, "--lang", "en")
	session(s, nil, "Overview · today's work")
	session(s, map[string]string{"CREDIT_LANG": "zh"}, "概览 · 今天要办的事")
}

func TestServeShutdownTellsSessions(t *testing.T) {
	parallel(t) // waits out the 30 s shutdown timeout: overlaps the other slow tests (make test budget, issue 17)

	h := archiveHarness(t)
	bob := clerkKey(t, h, "bob")
	s := startServe(t, h)
	c, err := sshClient(t, s.ssh, "bob", gossh.PublicKeys(bob))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sess, _ := c.NewSession()
	sess.RequestPty("xterm", 30, 100, gossh.TerminalModes{})
	out := &syncBuffer{}
	sess.Stdout, sess.Stderr = out, out
	sess.Shell()
	for i := 0; i < 500 && !strings.Contains(out.String(), "概览"); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	sess.Wait()
	if !strings.Contains(out.String(), "服务器正在关闭") {
		t.Errorf("the session was not told:\n%s", out.String())
	}
	if !strings.Contains(s.log.String(), "已关闭") {
		t.Errorf("server log:\n%s", s.log.String())
	}
}

func TestServeCheckConfig(t *testing.T) {
	h := newHarness(t).initStore()
	cfg := filepath.Join(h.dir, "serve.yaml")
	os.WriteFile(cfg, []byte("http: 127.0.0.1:8080\nssh: :2222\nrate: 20\nburst: 40\nrequest_timeout: 10s\n"), 0o600)
	r := h.ok("serve", "--config", cfg, "--check")
	if !strings.Contains(r.Out, "配置有效") || !strings.Contains(r.Out, "http 127.0.0.1:8080") || !strings.Contains(r.Out, "20 次/秒、连续 40 次") {
		t.Errorf("check = %s", r.Out)
	}
	// A flag wins over the file.
	if r := h.ok("serve", "--config", cfg, "--check", "--http", ":9090"); !strings.Contains(r.Out, "http :9090") {
		t.Errorf("flag did not win: %s", r.Out)
	}
	os.WriteFile(cfg, []byte("http: :8080\nport: 1\n"), 0o600)
	if r := h.fails(2, "serve", "--config", cfg, "--check"); !strings.Contains(r.Err, "port") {
		t.Errorf("unknown key: %s", r.Err)
	}
	h.fails(2, "serve", "--check")                                           // nothing to listen on
	h.fails(2, "serve", "--http", "8080", "--check")                         // not host:port
	h.fails(2, "serve", "--http", ":8080", "--tls-cert", "c.pem", "--check") // cert without key
	h.fails(2, "serve", "--http", ":8080", "--check", "--today", "2025-12-01")
}

// credit serve remembers tokens, units and the catalog version between
// requests (store.Pin): a change made by another credit process — here the
// harness's own commands, on a store connection of their own — is seen by
// the very next request.
func TestServeSeesChangesMadeElsewhere(t *testing.T) {
	h := archiveHarness(t)
	tokB := newToken(t, h, archUnitB)
	s := startServe(t, h)
	url := "http://" + s.http + "/api/v1/subjects/" + orgA + "?purpose=审查"
	items := func() []string {
		t.Helper()
		c := call(t, "GET", url, tokB, "")
		if c.Status != 200 {
			t.Fatalf("GET = %d %s", c.Status, c.Raw)
		}
		var out []string
		for _, r := range c.Body["records"].([]any) {
			out = append(out, r.(map[string]any)["item"].(string))
		}
		sort.Strings(out)
		return out
	}
	// Unit B is registered for XZQZ only: 甲公司's shared 信用承诺 is not its.
	for range 3 { // asked again: answered from what the server remembers
		if got := items(); !slices.Equal(got, []string{"XZCF", "XZCF"}) {
			t.Fatalf("unit B before: %v", got)
		}
	}
	h.ok("unit", "add", archUnitB, "--items", "XYCN")
	if got := items(); !slices.Equal(got, []string{"XYCN", "XZCF", "XZCF"}) {
		t.Errorf("unit B after registering XYCN elsewhere: %v", got)
	}
	h.ok("unit", "token", "revoke", "1")
	if c := call(t, "GET", url, tokB, ""); c.Status != 401 || c.errCode() != "token_revoked" {
		t.Errorf("revoked elsewhere, next request = %d %s", c.Status, c.Raw)
	}
}
