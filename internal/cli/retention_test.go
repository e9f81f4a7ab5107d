package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The retention procedure of 第八条 (docs/retention.md). Dates are worked by
// hand: a period counts from the end of the use period (第三十条: general 1
// year, serious 3 years from the decision), else from the decision date; it
// ends on the matching day (民法典 第二百零二条) and the record is past it
// from the next day.

type retentionRow struct {
	Record      int64    `json:"record"`
	Item        string   `json:"item"`
	Subject     string   `json:"subject"`
	SubjectKind string   `json:"subject_kind"`
	Basis       string   `json:"basis"`
	CountedFrom string   `json:"counted_from"`
	Period      string   `json:"period"`
	KeptThrough string   `json:"kept_through"`
	PastSince   string   `json:"past_since"`
	HeldBy      []string `json:"held_by"`
}

type purgeJSON struct {
	Ref    string `json:"ref"`
	Purged []struct {
		Record      int64  `json:"record"`
		Item        string `json:"item"`
		ContentHash string `json:"content_hash"`
		KeptThrough string `json:"kept_through"`
		Revisions   int    `json:"revisions"`
		Links       int    `json:"links_removed"`
	} `json:"purged"`
	Held    []int64 `json:"held"`
	Cleared int     `json:"subjects_cleared"`
}

const (
	retRef  = "通信用办〔2024〕9号"
	retRef2 = "通信用办〔2025〕3号"
)

// retentionHarness: the default catalog, then version 2018.2 (same effective
// date, applied later, so in force) with XZCF kept 2 years. Imported on
// 2021-10-08:
//
//	record 1 王伟 (archWang1), 警告 decided 2020-03-02, general: valid through
//	  2021-03-02, kept through 2023-03-02; revised on 2021-10-09 (one old revision)
//	record 2 甲公司, serious, decided 2020-05-01, legal representative 张三
//	  (personID), principal archPrincipal: valid through 2023-05-01, kept
//	  through 2025-05-01
//	record 3 甲公司, general, decided 2021-09-01: valid through 2022-09-01,
//	  kept through 2024-09-01
func retentionHarness(t *testing.T) *harness {
	t.Helper()
	h := queueHarness(t)
	// Before the short retention applies: every default item is permanent, so
	// nothing is ever listed, even decades on.
	h.importRetention(t, "2021-10-08", "a.csv", "违法事实")
	if rows := decode[[]retentionRow](t, h.ok("retention", "--today", "2090-01-01", "--format", "json").Out); len(rows) != 0 {
		t.Fatalf("permanent items listed: %+v", rows)
	}
	v2 := h.writeFile("v2.yaml", defaultYAML(t,
		`version: "2026.12"`, `version: "2018.2"`,
		"retention: permanent      # 第三十五条：修复后原始失信信息转为档案保存 [MEM]", "retention: 2y"))
	h.ok("catalog", "apply", v2)
	h.importRetention(t, "2021-10-09", "b.csv", "违法事实（更正）")
	return h
}

func (h *harness) importRetention(t *testing.T, today, name, fact string) {
	t.Helper()
	extra := []string{"失信程度", "主要负责人证件号码", "法定代表人负有责任"}
	person := archPerson("王伟", archWang1, "通市监罚〔2020〕1号", "2020-03-02")
	person["违法事实"] = fact // differs between the two files: a revision
	f := filepath.Join(h.dir, name)
	writeCSV(t, f, append(append([]string{}, xzcfHeader...), extra...), [][]string{
		append(xzcfRow(person), "一般", "", ""),
		append(xzcfRow(map[string]string{"行政处罚决定书文号": "通市监罚〔2020〕2号", "处罚决定日期": "2020-05-01"}), "严重", archPrincipal, "是"),
		append(xzcfRow(map[string]string{"行政处罚决定书文号": "通市监罚〔2021〕3号", "处罚决定日期": "2021-09-01"}), "一般", "", ""),
	}, false)
	r := h.run("import", f, "--provider", provider, "--item", "XZCF", "--today", today, "--format", "json")
	if r.Code != 0 {
		t.Fatalf("import %s: %d %s %s", name, r.Code, r.Out, r.Err)
	}
}

func (h *harness) retentionList(day string) []retentionRow {
	h.t.Helper()
	return decode[[]retentionRow](h.t, h.ok("retention", "list", "--today", day, "--format", "json").Out)
}

// retRow reads one value from the test store.
func (h *harness) retRow(dst any, q string, args ...any) {
	h.t.Helper()
	st := h.openStore()
	if err := st.DB.QueryRow(q, args...).Scan(dst); err != nil {
		h.t.Fatal(err)
	}
}

func recordIDs(rows []retentionRow) []int64 {
	var out []int64
	for _, r := range rows {
		out = append(out, r.Record)
	}
	return out
}

func TestRetentionListsExactlyTheRecordsPastRetention(t *testing.T) {
	h := retentionHarness(t)
	for _, c := range []struct {
		day  string
		want []int64
	}{
		{"2023-03-02", nil},        // record 1 kept through this day
		{"2023-03-03", []int64{1}}, // the day after
		{"2024-09-01", []int64{1}},
		{"2024-09-02", []int64{1, 3}},
		{"2025-05-01", []int64{1, 3}},
		{"2025-05-02", []int64{1, 2, 3}},
	} {
		if got := recordIDs(h.retentionList(c.day)); !slices.Equal(got, c.want) {
			t.Errorf("on %s: %v, want %v", c.day, got, c.want)
		}
	}
	rows := h.retentionList("2025-05-02")
	want := []retentionRow{
		{Record: 1, Item: "XZCF", Subject: "320602********0033", SubjectKind: "natural_person", Basis: "valid_until",
			CountedFrom: "2021-03-02", Period: "2y", KeptThrough: "2023-03-02", PastSince: "2023-03-03"},
		{Record: 2, Item: "XZCF", Subject: orgA, SubjectKind: "organisation", Basis: "valid_until",
			CountedFrom: "2023-05-01", Period: "2y", KeptThrough: "2025-05-01", PastSince: "2025-05-02"},
		{Record: 3, Item: "XZCF", Subject: orgA, SubjectKind: "organisation", Basis: "valid_until",
			CountedFrom: "2022-09-01", Period: "2y", KeptThrough: "2024-09-01", PastSince: "2024-09-02"},
	}
	for i, w := range want {
		g := rows[i]
		if g.Record != w.Record || g.Item != w.Item || g.Subject != w.Subject || g.SubjectKind != w.SubjectKind || g.Basis != w.Basis ||
			g.CountedFrom != w.CountedFrom || g.Period != w.Period || g.KeptThrough != w.KeptThrough || g.PastSince != w.PastSince || len(g.HeldBy) != 0 {
			t.Errorf("row %d: %+v, want %+v", i, g, w)
		}
	}
	// The table for people names the basis and masks the person's number.
	out := h.ok("retention", "--today", "2024-09-02").Out
	if !strings.Contains(out, "自使用期限届满日起算") || !strings.Contains(out, "320602********0033") || strings.Contains(out, archWang1) {
		t.Errorf("table:\n%s", out)
	}
	// Listing changes nothing: no audit entry.
	if n := h.scCount("SELECT count(*) FROM audit_log WHERE action LIKE 'retention.%'"); n != 0 {
		t.Errorf("list wrote %d audit entries", n)
	}
}

func TestRetentionPurgeNeedsAdminRefAndConfirmation(t *testing.T) {
	h := retentionHarness(t)
	day := "2024-09-02"
	// No --ref: usage.
	if r := h.failsOn(2, day, "retention", "purge", "--yes"); !strings.Contains(r.Err, "ref") {
		t.Errorf("no ref: %s", r.Err)
	}
	// A clerk or reviewer may not purge (exit 5).
	h.as("bob").failsOn(5, day, "retention", "purge", "--ref", retRef, "--yes")
	h.as("carol").failsOn(5, day, "retention", "purge", "--ref", retRef, "--yes")
	// Not on a terminal and no --yes: refused, after the backup reminder.
	r := h.failsOn(2, day, "retention", "purge", "--ref", retRef)
	if !strings.Contains(r.Err, "credit backup") || !strings.Contains(r.Err, "--yes") {
		t.Errorf("no --yes: %s", r.Err)
	}
	// On a terminal, answering no changes nothing.
	tty := *h
	tty.tty = true
	if r := tty.runIn("n\n", "retention", "purge", "--ref", retRef, "--today", day); r.Code != 1 || !strings.Contains(r.Err, "确认执行吗") || !strings.Contains(r.Err, "已取消") {
		t.Errorf("answer no: %d %s", r.Code, r.Err)
	}
	if n := h.scCount("SELECT count(*) FROM records WHERE status = 'purged'"); n != 0 {
		t.Fatalf("%d records purged without confirmation", n)
	}
	// Answering yes on a terminal purges.
	if r := tty.runIn("y\n", "retention", "purge", "--ref", retRef, "--today", day); r.Code != 0 || !strings.Contains(r.Out, "已依据 "+retRef+" 清除 2 条记录") {
		t.Errorf("answer yes: %d %s %s", r.Code, r.Out, r.Err)
	}
	if n := h.scCount("SELECT count(*) FROM records WHERE status = 'purged'"); n != 2 {
		t.Errorf("%d records purged, want 2", n)
	}
}

// fileHolds reports whether the store's files (the database and its
// write-ahead log) hold s anywhere, in free space included.
func (h *harness) fileHolds(s string) bool {
	h.t.Helper()
	for _, p := range []string{h.db, h.db + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			h.t.Fatal(err)
		}
		if bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}

func TestRetentionPurgeRemovesPersonalValuesAndKeepsAccountability(t *testing.T) {
	h := retentionHarness(t)
	// A unit looked at 王伟's archive and 甲公司's before the purge: the query
	// log holds their record ids.
	h.ok("unit", "add", unitCode, "--name", "南通市发展和改革委员会", "--items", "XZCF")
	h.on("2021-10-10", "subject", "show", archWang1, "--scope", "office")
	h.on("2021-10-10", "subject", "show", orgA, "--scope", "office")
	logged := h.scCount("SELECT count(*) FROM query_log_records WHERE record_id IN (1, 3)")
	if logged != 2 {
		t.Fatalf("query log before: %d rows", logged)
	}
	if !h.fileHolds(archWang1) || !h.fileHolds("王伟") {
		t.Fatal("the fixture's person is not in the store to begin with")
	}
	res := decode[purgeJSON](t, h.on("2024-09-02", "retention", "purge", "--ref", retRef, "--yes", "--format", "json").Out)
	if res.Ref != retRef || len(res.Purged) != 2 || res.Purged[0].Record != 1 || res.Purged[1].Record != 3 ||
		res.Purged[0].Revisions != 1 || res.Purged[0].KeptThrough != "2023-03-02" || res.Cleared != 1 {
		t.Fatalf("purge: %+v", res)
	}
	// Nothing of 王伟 is left in the store's files: not his number, not his name.
	if h.fileHolds(archWang1) || h.fileHolds("王伟") {
		t.Error("the purged person's ID number or name is still in the store's files")
	}
	// The rows stay, with ids, item and hashes; the values are gone, the
	// superseded revision's too, and the natural key no longer holds the number.
	if n := h.scCount(`SELECT count(*) FROM records WHERE id IN (1, 3) AND status = 'purged' AND natural_key = 'purged:' || id
		AND NOT EXISTS (SELECT 1 FROM json_each(vals) WHERE value <> '')`); n != 2 {
		t.Errorf("purged records: %d as expected", n)
	}
	if n := h.scCount(`SELECT count(*) FROM record_history WHERE record_id = 1 AND NOT EXISTS (SELECT 1 FROM json_each(vals) WHERE value <> '')`); n != 1 {
		t.Errorf("purged revision: %d", n)
	}
	// Record 2 is untouched.
	if n := h.scCount(`SELECT count(*) FROM records WHERE id = 2 AND status = 'active' AND vals LIKE '%` + personID + `%'`); n != 1 {
		t.Error("record 2 was changed")
	}
	// The query log keeps its rows and record ids; the person's entry no
	// longer resolves to anybody.
	if n := h.scCount("SELECT count(*) FROM query_log_records WHERE record_id IN (1, 3)"); n != logged {
		t.Errorf("query log rows: %d, want %d", n, logged)
	}
	if n := h.scCount("SELECT count(*) FROM query_log q JOIN subjects s ON s.id = q.subject_id WHERE s.code = ?", archWang1); n != 0 {
		t.Errorf("query log still resolves to the person: %d", n)
	}
	// One audit entry per record: id, item, content hash, the document; no
	// personal value. The chain still verifies.
	var details []string
	for _, p := range res.Purged {
		var d string
		h.retRow(&d, "SELECT details FROM audit_log WHERE action = 'retention.purge' AND object = 'record:' || ?", p.Record)
		if !strings.Contains(d, `"content_hash":"`+p.ContentHash+`"`) || !strings.Contains(d, `"item":"XZCF"`) || !strings.Contains(d, retRef) {
			t.Errorf("audit of record %d: %s", p.Record, d)
		}
		details = append(details, d)
	}
	if n := h.scCount("SELECT count(*) FROM audit_log WHERE action = 'retention.purge'"); n != 2 {
		t.Errorf("%d purge audit entries, want 2", n)
	}
	if joined := strings.Join(details, " "); strings.Contains(joined, archWang1) || strings.Contains(joined, "王伟") {
		t.Errorf("audit holds personal values: %s", joined)
	}
	h.ok("audit", "verify")
	// The person is on file no more, in any scope.
	p := decode[archShow](t, h.on("2024-09-02", "subject", "show", archWang1, "--scope", "office", "--format", "json").Out)
	if len(p.Records) != 0 || p.Subject.Name != "" {
		t.Errorf("person after purge: %+v", p)
	}
	// The organisation's office view says what became of record 3, without content.
	o := decode[struct {
		Records []struct {
			ID     int64             `json:"id"`
			State  string            `json:"state"`
			Fields map[string]string `json:"fields"`
			Purge  *struct {
				Ref      string `json:"ref"`
				PurgedOn string `json:"purged_on"`
			} `json:"purge"`
		} `json:"records"`
	}](t, h.on("2024-09-02", "subject", "show", orgA, "--scope", "office", "--format", "json").Out)
	var seen bool
	for _, r := range o.Records {
		if r.ID == 3 {
			seen = true
			if r.State != "purged" || len(r.Fields) != 0 || r.Purge == nil || r.Purge.Ref != retRef || r.Purge.PurgedOn != "2024-09-02" {
				t.Errorf("office view of record 3: %+v", r)
			}
		}
	}
	if !seen {
		t.Error("record 3 is missing from the office view")
	}
	if out := h.on("2024-09-02", "subject", "show", orgA, "--scope", "office").Out; !strings.Contains(out, "已按保存期限清除（"+retRef+"）") {
		t.Errorf("office table:\n%s", out)
	}
	for _, scope := range []string{"public", "shared"} {
		args := []string{"subject", "show", orgA, "--scope", scope, "--format", "json"}
		if scope == "shared" {
			args = append(args, "--unit", unitCode)
		}
		for _, r := range decode[archShow](t, h.on("2024-09-02", args...).Out).Records {
			if r.ID == 3 {
				t.Errorf("purged record in the %s scope", scope)
			}
		}
	}
	purged := decode[[]map[string]any](t, h.ok("retention", "purged", "--format", "json").Out)
	if len(purged) != 2 || purged[0]["ref"] != retRef || purged[0]["state"] != "purged" {
		t.Errorf("purged list: %v", purged)
	}
	// An objection on a purged record is refused.
	if r := h.as("bob").failsOn(5, "2024-09-03", "objection", "file", "--record", "3", "--ground", "wrong", "--applicant", "甲公司"); !strings.Contains(r.Err, "保存期限") {
		t.Errorf("objection on a purged record: %s", r.Err)
	}
	// A second purge on the same day finds nothing to do.
	again := decode[purgeJSON](t, h.on("2024-09-02", "retention", "purge", "--ref", retRef, "--yes", "--format", "json").Out)
	if len(again.Purged) != 0 || h.scCount("SELECT count(*) FROM audit_log WHERE action = 'retention.purge'") != 2 {
		t.Errorf("second purge: %+v", again)
	}
	// On 2025-05-02 record 2 is due: its 第二十九条 links go, and with them
	// the persons they named (张三, the principal), who have nothing else.
	if got := recordIDs(h.retentionList("2025-05-02")); !slices.Equal(got, []int64{2}) {
		t.Errorf("list after purge: %v", got)
	}
	res = decode[purgeJSON](t, h.on("2025-05-02", "retention", "purge", "--ref", retRef2, "--yes", "--format", "json").Out)
	if len(res.Purged) != 1 || res.Purged[0].Record != 2 || res.Purged[0].Links == 0 || res.Cleared != 2 {
		t.Fatalf("second document: %+v", res)
	}
	for _, s := range []string{personID, archPrincipal, "张三"} {
		if h.fileHolds(s) {
			t.Errorf("%s is still in the store's files", s)
		}
	}
	if n := h.scCount("SELECT count(*) FROM record_links"); n != 0 {
		t.Errorf("%d links left", n)
	}
	h.ok("audit", "verify")
}

func TestRetentionHeldRecordWaitsForItsCase(t *testing.T) {
	h := retentionHarness(t)
	// An objection on record 3 is open on the purge date: the record waits.
	h.as("bob").on("2024-08-30", "objection", "file", "--record", "3", "--ground", "wrong", "--applicant", "甲公司")
	rows := h.retentionList("2024-09-02")
	if len(rows) != 2 || !slices.Equal(rows[1].HeldBy, []string{"objection"}) {
		t.Fatalf("list: %+v", rows)
	}
	r := h.on("2024-09-02", "retention", "purge", "--ref", retRef, "--yes", "--format", "json")
	res := decode[purgeJSON](t, r.Out)
	if len(res.Purged) != 1 || res.Purged[0].Record != 1 || !slices.Equal(res.Held, []int64{3}) {
		t.Errorf("purge: %+v", res)
	}
	if !strings.Contains(r.Err, "本办公室规则") {
		t.Errorf("held message: %s", r.Err)
	}
}

// 第八条: the catalog publishes each item's retention period (the default
// catalog: 信用承诺 5 years, 行政处罚 permanent), and the policy's period for
// repaired originals round-trips through export.
func TestCatalogPublishesRetention(t *testing.T) {
	h := newHarness(t).initStore()
	items := decode[[]map[string]any](t, h.ok("catalog", "show", "--format", "json").Out)
	got := map[string]any{}
	for _, it := range items {
		got[it["code"].(string)] = it["retention"]
	}
	if got["XYCN"] != "5y" || got["XZCF"] != "permanent" || got["HEIMD"] != "permanent" {
		t.Errorf("retention published: %v", got)
	}
	tty := *h
	tty.tty = true
	if out := tty.ok("catalog", "show", "XYCN").Out; !strings.Contains(out, "保存期限：5年") {
		t.Errorf("catalog show XYCN:\n%s", out)
	}
	exported := h.ok("catalog", "export").Out
	if !strings.Contains(exported, "repaired_retention: permanent") {
		t.Errorf("export lacks repaired_retention:\n%s", exported)
	}
	v2 := h.writeFile("v2.yaml", strings.Replace(strings.Replace(exported, "repaired_retention: permanent", "repaired_retention: 2y", 1),
		`version: "2026.12"`, `version: "2018.2"`, 1))
	if out := h.ok("catalog", "diff", v2).Out; !strings.Contains(out, "repaired_retention") {
		t.Errorf("diff:\n%s", out)
	}
	h.ok("catalog", "apply", v2)
	if !strings.Contains(h.ok("catalog", "export").Out, "repaired_retention: 2y") {
		t.Error("repaired_retention did not round-trip")
	}
}
