package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"credit/internal/catalog"
	"credit/internal/civil"
)

// Fixtures of the red/black list publication (第二十一条, 第二十四条 红黑名单公示).
// The store's date is 2025-12-01 (scHarness).
const (
	pubOrgScript = "914403001922038216" // 丙公司, whose name carries markup
	pubOrgGone   = "913206020000000149" // 丁公司, removed from the list
	pubPerson2   = "110101199003070011" // 李四, entered by hand, never approved
	// pubScriptName goes through the HTML page: markup and both quotes.
	pubScriptName = `丙公司<script>alert("x")</script>'&`
)

var pubHeader = []string{"主体名称", "主体类别", "统一社会信用代码", "证件类型", "证件号码", "法定代表人", "法定代表人证件类型", "法定代表人证件号码",
	"名单名称", "列入事由", "认定单位", "认定单位统一社会信用代码", "认定依据", "认定日期", "有效期至"}

func pubRow(set map[string]string) []string {
	return scRow(pubHeader, map[string]string{
		"主体类别": "法人及非法人组织", "名单名称": "市场监督管理严重违法失信名单", "列入事由": "提交虚假材料取得公司登记",
		"认定单位": "南通市市场监督管理局", "认定单位统一社会信用代码": agency, "认定依据": "《市场监督管理严重违法失信名单管理办法》第九条",
	}, set)
}

// pubHarness: a black list on 2025-12-01 with one entry in each state.
//
//	甲公司 orgA       imported, in force, its legal representative 张三 (personID); under objection
//	张三 personID     imported, a natural person, in force
//	乙公司 orgB       imported, expired 2025-01-09; and entered by hand (M1), approved, in force
//	丙公司 (markup)   imported, in force
//	丁公司            imported, removed on 2025-11-20
//	李四 pubPerson2   entered by hand (M2), pending
//	丙公司            entered by hand (M3), rejected
//
// It returns the imported entries' ids by subject code.
func pubHarness(t *testing.T) (*harness, map[string]string) {
	t.Helper()
	h := scHarness(t)
	h.ok("user", "add", "bob", "--role", "clerk")
	h.ok("user", "add", "rita", "--role", "reviewer")
	h.scImport("HEIMD", pubHeader,
		pubRow(map[string]string{"主体名称": "甲公司", "统一社会信用代码": orgA, "法定代表人": "张三", "法定代表人证件类型": "身份证",
			"法定代表人证件号码": personID, "认定日期": "2025-06-10", "有效期至": "2026-06-09"}),
		pubRow(map[string]string{"主体名称": "张三", "主体类别": "自然人", "证件类型": "身份证", "证件号码": personID,
			"名单名称": "失信被执行人名单", "列入事由": "有履行能力而拒不履行生效法律文书确定义务", "认定日期": "2025-03-01", "有效期至": "2028-02-29"}),
		pubRow(map[string]string{"主体名称": "乙公司", "统一社会信用代码": orgB, "认定日期": "2022-01-10", "有效期至": "2025-01-09"}),
		pubRow(map[string]string{"主体名称": pubScriptName, "统一社会信用代码": pubOrgScript, "认定日期": "2025-04-01", "有效期至": "2028-03-31"}),
		pubRow(map[string]string{"主体名称": "丁公司", "统一社会信用代码": pubOrgGone, "认定日期": "2025-05-01", "有效期至": "2028-04-30"}),
	)
	var list []scEntry
	if err := json.Unmarshal([]byte(h.ok("roster", "list", "--list", "black", "--format", "json").Out), &list); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, e := range list {
		ids[e.SubjectCode] = e.ID
	}
	if len(ids) != 5 {
		t.Fatalf("imported entries: %+v", list)
	}
	h.as("rita").ok("roster", "remove", ids[pubOrgGone], "--ground", "revoked", "--ref", "通市监信〔2025〕12号", "--date", "2025-11-20")
	h.as("bob").ok(scAddArgs(orgB, "black", "2025-11-03", "--subject-name", "乙公司")...)
	h.as("rita").ok("roster", "approve", "M1")
	h.as("bob").ok(scAddArgs(pubPerson2, "black", "2025-11-05", "--subject-name", "李四")...)
	h.as("bob").ok(scAddArgs(pubOrgScript, "black", "2025-11-06")...)
	h.as("rita").ok("roster", "reject", "M3")
	// An objection on 甲公司's entry: it stays public, with its mark (第三十二条).
	rec := strings.TrimPrefix(ids[orgA], "R")
	h.as("bob").ok("objection", "file", "--record", rec, "--ground", "wrong", "--applicant", "甲公司")
	return h, ids
}

type pubJSON struct {
	Title    string     `json:"title"`
	List     string     `json:"list"`
	Item     string     `json:"item"`
	Date     string     `json:"date"`
	Count    int        `json:"count"`
	Objected int        `json:"objected"`
	SHA256   string     `json:"entries_sha256"`
	HashForm string     `json:"entries_sha256_form"`
	Columns  []string   `json:"columns"`
	Entries  [][]string `json:"entries"`
}

func (h *harness) publish(list, name string) (string, string) {
	h.t.Helper()
	f := filepath.Join(h.dir, name)
	r := h.as("bob").ok("roster", "publish", "--list", list, "-o", f, "--force")
	return f, r.Out
}

func readPubJSON(t *testing.T, f string) pubJSON {
	t.Helper()
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	var p pubJSON
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err, string(b))
	}
	return p
}

// canonicalSHA256 recomputes the entries' hash as docs/rosters.md defines it,
// with encoding/json (not the code under test): the column names and each
// entry as a compact JSON array of strings, '<', '>' and '&' not escaped,
// one line feed after each.
func canonicalSHA256(t *testing.T, columns []string, entries [][]string) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b) // Encode ends each value with "\n"
	enc.SetEscapeHTML(false)
	for _, row := range append([][]string{columns}, entries...) {
		if err := enc.Encode(row); err != nil {
			t.Fatal(err)
		}
	}
	sum := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(sum[:])
}

// The entries in force that day and only they; the one under objection
// with its mark (第三十二条: 打上标识，但不影响其公示与应用).
func TestRosterPublishEntriesInForce(t *testing.T) {
	h, ids := pubHarness(t)
	f, out := h.publish("black", "black.json")
	p := readPubJSON(t, f)
	if p.List != "black" || p.Item != "HEIMD" || p.Date != "2025-12-01" {
		t.Fatalf("publication: %+v", p)
	}
	col := map[string]int{}
	for i, c := range p.Columns {
		col[c] = i
	}
	got := map[string][]string{}
	var order []string
	for _, e := range p.Entries {
		got[e[col["名单条目编号"]]] = e
		order = append(order, e[col["名单条目编号"]])
	}
	// By determination date: 张三 03-01, 丙公司 04-01, 甲公司 06-10, M1 11-03.
	want := []string{ids[personID], ids[pubOrgScript], ids[orgA], "M1"}
	if strings.Join(order, ",") != strings.Join(want, ",") || p.Count != 4 {
		t.Fatalf("entries %v (count %d), want %v", order, p.Count, want)
	}
	for _, absent := range []string{ids[orgB] /* expired */, ids[pubOrgGone] /* removed */, "M2" /* pending */, "M3" /* rejected */} {
		if _, ok := got[absent]; ok {
			t.Errorf("entry %s is published", absent)
		}
	}
	for id, e := range got {
		mark := e[col["异议标识"]]
		if (id == ids[orgA]) != (mark == "异议处理中") {
			t.Errorf("entry %s: mark %q", id, mark)
		}
	}
	if p.Objected != 1 {
		t.Errorf("objected = %d, want 1", p.Objected)
	}
	// The hand-made entry is laid out in the item's fields.
	m1 := got["M1"]
	if m1[col["主体名称"]] != "乙公司" || m1[col["统一社会信用代码"]] != orgB || m1[col["主体类别"]] != "法人及非法人组织" ||
		m1[col["认定日期"]] != "2025-11-03" || m1[col["认定单位统一社会信用代码"]] != provider || m1[col["名单名称"]] != "重大税收违法失信主体名单" {
		t.Errorf("M1 = %v", m1)
	}
	if !strings.Contains(out, "2025-12-01") || !strings.Contains(out, p.SHA256) {
		t.Errorf("stdout: %s", out)
	}
	// The day before 丁公司's removal (2025-11-20) it was on the list.
	f2 := filepath.Join(h.dir, "before.json")
	h.as("bob").ok("roster", "publish", "--list", "black", "-o", f2, "--today", "2025-11-19")
	if p2 := readPubJSON(t, f2); !containsEntry(p2, ids[pubOrgGone]) || p2.Date != "2025-11-19" {
		t.Errorf("on 2025-11-19: %v", p2.Entries)
	}
	// The red list is empty: a valid file with no entries.
	fr, _ := h.publish("red", "red.json")
	if pr := readPubJSON(t, fr); pr.Count != 0 || len(pr.Entries) != 0 || pr.Item != "HMD" || pr.SHA256 != canonicalSHA256(t, pr.Columns, nil) {
		t.Errorf("red list: %+v", pr)
	}
}

func containsEntry(p pubJSON, id string) bool {
	for _, e := range p.Entries {
		if e[0] == id {
			return true
		}
	}
	return false
}

// Every column is a field of the list item, which the catalog discloses to
// the public, or one of the two columns that hold no record content; a list
// item the catalog does not make public is not published at all.
func TestRosterPublishOnlyPublicFields(t *testing.T) {
	h, _ := pubHarness(t)
	f, _ := h.publish("black", "black.json")
	p := readPubJSON(t, f)
	st := h.openStore()
	cat, _, err := st.CatalogInForce(context.Background(), civil.MustParse("2025-12-01"))
	if err != nil {
		t.Fatal(err)
	}
	it := cat.Item("HEIMD")
	if it == nil || it.Disclosure != catalog.Public {
		t.Fatalf("HEIMD: %+v", it)
	}
	for _, c := range p.Columns {
		if c == "名单条目编号" || c == "异议标识" {
			continue
		}
		if it.Field(c) == nil {
			t.Errorf("column %q is not a field of HEIMD", c)
		}
	}
	// A catalog that keeps the black list to government sharing: refused,
	// naming the item and its disclosure, and no file.
	v2 := h.writeFile("v2.yaml", defaultYAML(t,
		`version: "2026.12"`, `version: "2025.2"`,
		"effective: 2018-01-01", "effective: 2025-11-01",
		"    roster: black\n    subjects: [organisation, unincorporated, individual_business, natural_person]\n    disclosure: public",
		"    roster: black\n    subjects: [organisation, unincorporated, individual_business, natural_person]\n    disclosure: shared"))
	h.ok("catalog", "apply", v2)
	g := filepath.Join(h.dir, "shared.html")
	r := h.as("bob").fails(5, "roster", "publish", "--list", "black", "-o", g)
	if !strings.Contains(r.Err, "HEIMD") || !strings.Contains(r.Err, "政府共享") {
		t.Errorf("refusal: %s", r.Err)
	}
	if _, err := os.Stat(g); !os.IsNotExist(err) {
		t.Errorf("a file was written: %v", err)
	}
}

// No natural person's name or ID number appears unmasked in any format:
// 张三 is on the list himself and is 甲公司's legal representative.
func TestRosterPublishMasksNaturalPersons(t *testing.T) {
	h, ids := pubHarness(t)
	for _, ext := range []string{"csv", "json", "xlsx", "html"} {
		f, _ := h.publish("black", "black."+ext)
		text := fileText(t, f)
		for _, secret := range []string{personID, "张三", "李四", pubPerson2} {
			if strings.Contains(text, secret) {
				t.Errorf("%s holds %s unmasked", ext, secret)
			}
		}
		// Masked as in the public archive: 张*, 110105********002X.
		if !strings.Contains(text, "张*") || !strings.Contains(text, "110105********002X") {
			t.Errorf("%s lacks the masked name or number", ext)
		}
	}
	// Organisations are named in full.
	f, _ := h.publish("black", "black.json")
	p := readPubJSON(t, f)
	for _, e := range p.Entries {
		if e[0] == ids[orgA] && (e[1] != "甲公司" || e[3] != orgA) {
			t.Errorf("甲公司's entry: %v", e)
		}
	}
}

// fileText is a file's text; a workbook's cells, sheet by sheet.
func fileText(t *testing.T, f string) string {
	t.Helper()
	if strings.HasSuffix(f, ".xlsx") {
		var b strings.Builder
		for _, rows := range xlsxSheets(t, f) {
			for _, r := range rows {
				b.WriteString(strings.Join(r, "\t") + "\n")
			}
		}
		return b.String()
	}
	data, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func xlsxSheets(t *testing.T, f string) map[string][][]string {
	t.Helper()
	x, err := excelize.OpenFile(f)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	out := map[string][][]string{}
	for _, s := range x.GetSheetList() {
		rows, err := x.GetRows(s)
		if err != nil {
			t.Fatal(err)
		}
		out[s] = rows
	}
	return out
}

// The hash in the file is the SHA-256 of the documented canonical form of
// its entries, recomputed here from each format's table; it is also in the
// audit log and the publication in the query log.
func TestRosterPublishHashAndFormats(t *testing.T) {
	h, ids := pubHarness(t)
	fj, _ := h.publish("black", "black.json")
	p := readPubJSON(t, fj)
	want := canonicalSHA256(t, p.Columns, p.Entries)
	if p.SHA256 != want || len(want) != 64 {
		t.Fatalf("json: entries_sha256 %s, recomputed %s", p.SHA256, want)
	}
	if !strings.Contains(p.HashForm, "RFC 8785") {
		t.Errorf("the file does not say how the hash is made: %q", p.HashForm)
	}

	// CSV: a header section (the date, the hash), an empty row, the table.
	fc, _ := h.publish("black", "black.csv")
	data, _ := os.ReadFile(fc)
	if !bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
		t.Error("csv lacks the BOM")
	}
	head, table, ok := strings.Cut(strings.TrimPrefix(string(data), "\uFEFF"), "\n\n")
	if !ok {
		t.Fatalf("csv has no empty row after its header section:\n%s", data)
	}
	if !strings.Contains(head, "名单日期,2025-12-01") || !strings.Contains(head, "条目 SHA-256,"+want) || !strings.Contains(head, "条目数,4") {
		t.Errorf("csv header section:\n%s", head)
	}
	rows, err := csv.NewReader(strings.NewReader(table)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := canonicalSHA256(t, rows[0], rows[1:]); got != want {
		t.Errorf("csv table hashes to %s, want %s", got, want)
	}

	// XLSX: the entries on the first sheet, the date and hash on 说明.
	fx, _ := h.publish("black", "black.xlsx")
	sheets := xlsxSheets(t, fx)
	x, _ := excelize.OpenFile(fx)
	first := x.GetSheetList()[0]
	x.Close()
	xr := sheets[first]
	for i := range xr { // trailing empty cells are left off by GetRows
		for len(xr[i]) < len(p.Columns) {
			xr[i] = append(xr[i], "")
		}
	}
	if got := canonicalSHA256(t, xr[0], xr[1:]); got != want {
		t.Errorf("xlsx sheet %s hashes to %s, want %s", first, got, want)
	}
	meta := map[string]string{}
	for _, r := range sheets["说明"] {
		if len(r) >= 2 {
			meta[r[0]] = r[1]
		}
	}
	if meta["名单日期"] != "2025-12-01" || meta["条目 SHA-256"] != want {
		t.Errorf("xlsx 说明: %v", meta)
	}

	// HTML: the date and the hash on the page; a page for phones.
	fh, _ := h.publish("black", "black.html")
	page := fileText(t, fh)
	for _, s := range []string{"名单日期：2025-12-01", "条目 SHA-256：" + want, `<meta name="viewport" content="width=device-width, initial-scale=1">`, "<table>"} {
		if !strings.Contains(page, s) {
			t.Errorf("html lacks %q", s)
		}
	}
	// No fixed widths (no px, no width attribute), no script of any kind.
	for _, s := range []string{"px", ` width="`, "<script", "javascript:", "onload=", "onerror=", "onclick="} {
		if strings.Contains(strings.ToLower(page), s) {
			t.Errorf("html holds %q", s)
		}
	}

	// Logged as an export is: one query-log entry per publication with the
	// imported entries' records; audited with the hash.
	st := h.openStore()
	var n, recs int
	if err := st.DB.QueryRow(`SELECT count(*), max(records) FROM query_log WHERE action = 'publish' AND scope = 'public' AND operator = 'bob' AND query = 'black 2025-12-01'`).
		Scan(&n, &recs); err != nil || n != 4 || recs != 3 {
		t.Errorf("query log: %d publications, %d records, %v", n, recs, err)
	}
	rec := strings.TrimPrefix(ids[orgA], "R")
	var logged int
	st.DB.QueryRow(`SELECT count(*) FROM query_log_records r JOIN query_log q ON q.id = r.query_id WHERE q.action = 'publish' AND r.record_id = ?`, rec).Scan(&logged)
	if logged != 4 {
		t.Errorf("甲公司's record in %d publications, want 4", logged)
	}
	var details string
	if err := st.DB.QueryRow(`SELECT details FROM audit_log WHERE action = 'roster.publish' AND object = 'roster:black' ORDER BY seq DESC LIMIT 1`).Scan(&details); err != nil ||
		!strings.Contains(details, want) || strings.Contains(details, personID) || strings.Contains(details, "张") {
		t.Errorf("audit: %s %v", details, err)
	}
}

// The page escapes what a provider typed: markup and quotes in a name are
// shown as text, never run.
func TestRosterPublishHTMLEscapes(t *testing.T) {
	h, _ := pubHarness(t)
	f, _ := h.publish("black", "black.html")
	page := fileText(t, f)
	if strings.Contains(page, "<script") || strings.Contains(page, `alert("x")`) || strings.Contains(page, "'&<") {
		t.Fatalf("markup from a name reached the page unescaped:\n%s", page)
	}
	if !strings.Contains(page, "丙公司&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&#39;&amp;") {
		t.Errorf("the name is not shown escaped:\n%s", page)
	}
	// The same name stands as typed in the JSON, and is hashed as typed.
	fj, _ := h.publish("black", "black.json")
	if p := readPubJSON(t, fj); !strings.Contains(strings.Join(p.Entries[1], "|"), pubScriptName) {
		t.Errorf("json entry: %v", p.Entries[1])
	}
}

// Usage and rights.
func TestRosterPublishRefusals(t *testing.T) {
	h := scHarness(t)
	h.ok("user", "add", "vic", "--role", "viewer")
	f := filepath.Join(h.dir, "x.html")
	h.fails(2, "roster", "publish", "--list", "grey", "-o", f)
	h.fails(2, "roster", "publish", "--list", "black")
	h.fails(2, "roster", "publish", "--list", "black", "-o", filepath.Join(h.dir, "x.md"))
	h.as("vic").fails(5, "roster", "publish", "--list", "black", "-o", f)
	if _, err := os.Stat(f); !os.IsNotExist(err) {
		t.Errorf("a refused publication left a file: %v", err)
	}
}
