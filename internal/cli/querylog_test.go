package cli

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"credit/internal/ident"
	"credit/internal/store"
)

// archUnknownID is a valid 身份证号码 (GB 11643's example) of nobody on file
// in archiveHarness.
const archUnknownID = "440524188001010014"

type archLogged struct {
	ID     int64  `json:"id"`
	Action string `json:"action"`
	Scope  string `json:"scope"`
	Query  string `json:"query"`
}

// queryLogText is every value of every query_log row, as text, read with
// database/sql (not through the store package).
func queryLogText(t *testing.T, h *harness) string {
	t.Helper()
	db, err := sql.Open("sqlite", h.db)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT * FROM query_log")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if s, ok := v.([]byte); ok {
				v = string(s)
			}
			fmt.Fprintf(&b, "%v\t", v)
		}
		b.WriteString("\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

var anyEighteen = regexp.MustCompile(`[0-9]{17}[0-9Xx]`)

// SPEC §3 第三十六条: the query log holds ids and content hashes, never
// personal values. Searches for a person's name or ID number, and lookups,
// checks and verifications of a person not on file, keep what was typed
// only as a keyed digest; office staff find them by the same text.
func TestQueryLogKeepsNoTypedText(t *testing.T) {
	h := archiveHarness(t)
	guest, bob, carol := h.as("guest"), h.as("bob"), h.as("carol")
	guest.ok("subject", "search", "王伟")
	bob.ok("subject", "search", " 王 伟 ", "--scope", "office")
	guest.ok("subject", "search", archWang1)
	bob.ok("subject", "search", "3206021975", "--scope", "office")
	guest.ok("subject", "search", "甲公司")
	guest.ok("subject", "show", archUnknownID)
	h.ok("check", archUnknownID, "--matter", "政府采购", "--unit", archUnitA)
	f := filepath.Join(h.dir, "核查.csv")
	writeCSV(t, f, []string{"名称", "统一社会信用代码/身份证号码"}, [][]string{{"李四", archUnknownID}, {"王伟", archWang2}}, false)
	h.ok("verify", f)
	// An unknown organisation's code says nothing about a person: kept.
	guest.ok("subject", "show", agency)

	logged := queryLogText(t, h)
	if strings.Count(logged, "\n") != 10 {
		t.Fatalf("want 10 query-log entries:\n%s", logged)
	}
	for _, personal := range []string{"王伟", "王", "李四"} {
		if strings.Contains(logged, personal) {
			t.Errorf("the query log holds %q:\n%s", personal, logged)
		}
	}
	// 18-character codes: only organisations' (the unit asking, the unknown
	// organisation looked up).
	for _, m := range anyEighteen.FindAllString(logged, -1) {
		if r := ident.Check(m); !r.Valid || !r.Kind.Organisation() {
			t.Errorf("the query log holds the 18-digit number %s:\n%s", m, logged)
		}
	}
	if m := idPattern.FindAllString(logged, -1); len(m) > 0 || strings.Contains(logged, "3206021975") {
		t.Errorf("the query log holds ID numbers %v:\n%s", m, logged)
	}
	if !regexp.MustCompile(`\tname:2:sha256:[0-9a-f]{16}\t`).MatchString(logged) || !strings.Contains(logged, "\t"+agency+"\t") {
		t.Errorf("forms in the log:\n%s", logged)
	}

	// Office staff find the entries by the text; a viewer may not look.
	byText := func(text string) []archLogged {
		t.Helper()
		return decode[[]archLogged](t, bob.ok("subject", "queries", "--search-text", text, "--format", "json").Out)
	}
	wang := byText("王伟")
	if len(wang) != 2 || wang[0].Action != "search" || wang[0].Scope != "office" || wang[1].Scope != "public" ||
		wang[0].Query != wang[1].Query || !strings.HasPrefix(wang[0].Query, "name:2:sha256:") {
		t.Fatalf("searches for 王伟: %+v", wang)
	}
	if got := byText("王伟民"); len(got) != 0 {
		t.Errorf("王伟民 was never searched for: %+v", got)
	}
	// The unknown person: the show, the check and the verification.
	var actions []string
	for _, q := range byText(archUnknownID) {
		actions = append(actions, q.Action)
		if !strings.HasPrefix(q.Query, "id:18:sha256:") {
			t.Errorf("logged as %q", q.Query)
		}
	}
	if strings.Join(actions, ",") != "verify,check,show" {
		t.Errorf("lookups of the unknown person: %v", actions)
	}
	if got := byText(archWang1); len(got) != 1 || got[0].Action != "search" {
		t.Errorf("search by ID number: %+v", got)
	}
	if got := byText("3206021975"); len(got) != 1 || !strings.HasPrefix(got[0].Query, "code:10:sha256:") {
		t.Errorf("search by code prefix: %+v", got)
	}
	term := *bob
	term.tty = true
	out := term.ok("subject", "queries", "--search-text", "王伟").Out
	if !strings.Contains(out, "name:2:sha256:") || !strings.Contains(out, "共 2 次") {
		t.Errorf("table:\n%s", out)
	}
	carol.fails(5, "subject", "queries", "--search-text", "王伟")
	h.fails(2, "subject", "queries", orgA, "--search-text", "王伟")
	h.fails(2, "subject", "queries")
}

// A store from before the protection kept search texts as typed; credit init
// rewrites them when it upgrades the store, and audits how many.
func TestQueryLogUpgradeProtectsOldTexts(t *testing.T) {
	h := archiveHarness(t)
	db, err := sql.Open("sqlite", h.db)
	if err != nil {
		t.Fatal(err)
	}
	rewindSchema(t, db, 6)
	for _, q := range []string{
		`INSERT INTO query_log(at, today, operator, action, scope, query) VALUES
			('2025-11-30T01:00:00Z', '2025-11-30', 'bob', 'search', 'public', '王伟'),
			('2025-11-30T01:00:01Z', '2025-11-30', 'bob', 'search', 'public', '` + archWang1 + `'),
			('2025-11-30T01:00:02Z', '2025-11-30', 'bob', 'search', 'public', '` + orgA + `'),
			('2025-11-30T01:00:03Z', '2025-11-30', 'bob', 'export', 'shared', 'XZCF')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	db.Close()
	h.fails(1, "subject", "search", "王伟") // schema 6: run credit init first
	r := decode[map[string]any](t, h.ok("init", "--format", "json").Out)
	if r["status"] != "upgraded" || r["from"] != 6.0 || r["schema"] != float64(store.SchemaVersion()) {
		t.Fatalf("init: %v", r)
	}
	logged := queryLogText(t, h)
	if strings.Contains(logged, "王伟") || strings.Contains(logged, archWang1) || !strings.Contains(logged, orgA) || !strings.Contains(logged, "\tXZCF\t") {
		t.Fatalf("after the upgrade:\n%s", logged)
	}
	if got := decode[[]archLogged](t, h.ok("subject", "queries", "--search-text", "王伟", "--format", "json").Out); len(got) != 1 {
		t.Fatalf("the old search for 王伟: %+v", got)
	}
	if n := h.scCount(`SELECT count(*) FROM audit_log WHERE action = 'store.upgrade' AND details LIKE '%"query_texts_protected":2%'`); n != 1 {
		t.Fatalf("%d upgrade audit entries counting 2 protected texts", n)
	}
}
