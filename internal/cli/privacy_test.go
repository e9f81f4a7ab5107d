package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 16 (第二十一条, 第二十二条, 第三十六条; SPEC §C amendment): what
// identifies a natural person is masked inside free text in the public
// scope, wherever it stands. The planted values, and their masked forms
// worked by hand (first 6 + last 4 of an ID or card, first 3 + last 4 of a
// mobile number, a name's first character):
const (
	plantBadID    = "320602198001010014"  // archRepB with a wrong check digit (3 is right): still an ID
	plantPhone    = "13812345678"         // → 138****5678
	plantCard     = "6222021234567890123" // → 622202*********0123
	plantUSCCText = "913206020000026740"  // an all-digit USCC: stays readable
)

// plantedText is a free text naming 张三 (甲公司's legal representative, a
// personal field of the record) and every kind of number.
func plantedText(name string) string {
	return name + "（身份证" + personID + "，又报" + plantBadID + "）电话" + plantPhone + "，银行卡" + plantCard +
		"，关联企业" + plantUSCCText + "，文号通市监罚〔2025〕9号，罚款20000元，2025-06-10"
}

var plantedSecrets = []string{personID, plantBadID, plantPhone, plantCard}

// maskedForms are what the planted numbers become.
var maskedForms = []string{"110105********002X", "320602********0014", "138****5678", "622202*********0123"}

func privacyHarness(t *testing.T) *harness {
	h := archiveHarness(t)
	f := filepath.Join(h.dir, "planted.csv")
	writeCSV(t, f, archExtraHeader, [][]string{
		archRow(map[string]string{"行政处罚决定书文号": "通市监罚〔2025〕PLANT号", "处罚决定日期": "2025-07-02",
			"违法事实": plantedText("张三"), "处罚内容": "责令张三改正，" + plantedText("张三"), "备注": plantedText("张三")}, "", ""),
		archRow(map[string]string{"行政相对人名称": "王伟", "行政相对人类别": "自然人", "行政相对人代码_1（统一社会信用代码）": "",
			"法定代表人": "", "法定代表人证件类型": "", "法定代表人证件号码": "", "证件类型": "身份证", "证件号码": archWang1,
			"行政处罚决定书文号": "通市监罚〔2025〕PLANTP号", "处罚类别": "警告", "处罚内容": "警告，" + plantedText("王伟"),
			"罚款金额（万元）": "", "处罚决定日期": "2025-08-02", "违法事实": plantedText("王伟"), "备注": plantedText("王伟")}, "", ""),
	}, false)
	h.ok("import", f, "--provider", provider, "--item", "XZCF")
	return h
}

func mustNotHold(t *testing.T, what, out string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("%s holds %q unmasked:\n%s", what, s, out)
		}
	}
}

func mustHold(t *testing.T, what, out string, wants ...string) {
	t.Helper()
	for _, s := range wants {
		if !strings.Contains(out, s) {
			t.Errorf("%s lacks %q:\n%s", what, s, out)
		}
	}
}

// subject show, subject report: the public scope masks the planted numbers
// and names in 违法事实, 处罚内容 and 备注 in every format; the codes, the
// decision number, the amount and the date stay.
func TestPrivacyFreeTextSubjectShowAndReport(t *testing.T) {
	h := privacyHarness(t)
	for _, format := range []string{"json", "table", "csv", "md"} {
		out := h.ok("subject", "show", orgA, "--format", format, "--full").Out
		mustNotHold(t, "public show "+format, out, append(plantedSecrets, "张三")...)
		mustHold(t, "public show "+format, out, append(maskedForms, "张*（身份证", plantUSCCText, "通市监罚〔2025〕9号", "罚款20000元", "2025-06-10")...)
		out = h.ok("subject", "show", archWang1, "--format", format, "--full").Out
		mustNotHold(t, "public show person "+format, out, append(plantedSecrets, "王伟")...)
		mustHold(t, "public show person "+format, out, append(maskedForms, "王*（身份证")...)
	}
	r := showJSON(t, h, orgA).byDoc("通市监罚〔2025〕PLANT号")
	for _, f := range []string{"违法事实", "处罚内容", "备注"} {
		mustHold(t, "public "+f, r.Fields[f], maskedForms...)
	}
	for _, ext := range []string{"md", "html"} {
		p := filepath.Join(h.dir, "r."+ext)
		h.ok("subject", "report", archWang1, "-o", p)
		text := fileText(t, p)
		mustNotHold(t, "public report "+ext, text, append(plantedSecrets, "王伟")...)
		mustHold(t, "public report "+ext, text, maskedForms...)
	}

	// Authorized: the person's own name is the asker's to see; numbers in
	// free text stay masked (ID numbers as before; a phone or card cannot
	// be told from someone else's). An organisation's legal representative
	// is someone else: masked.
	out := h.ok("subject", "show", archWang1, "--scope", "authorized", "--authorization", "授权书2025-001", "--format", "json").Out
	mustNotHold(t, "authorized person", out, plantedSecrets...)
	mustHold(t, "authorized person", out, "王伟（身份证")
	out = h.ok("subject", "show", orgA, "--scope", "authorized", "--authorization", "授权书2025-002", "--format", "json").Out
	mustNotHold(t, "authorized org", out, append(plantedSecrets, "张三")...)

	// Shared and office: what the catalog allows them (SPEC §C): as stored.
	for _, args := range [][]string{{"--scope", "office"}, {"--scope", "shared", "--unit", archUnitA}} {
		out := h.ok(append([]string{"subject", "show", orgA, "--format", "json"}, args...)...).Out
		mustHold(t, strings.Join(args, " "), out, plantedText("张三"))
	}
}

// export (the shared scope of a user unit, 第二十四条) sends what the catalog
// allows the unit: the texts as stored; a search in the public scope masks
// numbers inside a subject's name.
func TestPrivacyExportAndSearch(t *testing.T) {
	h := privacyHarness(t)
	out := filepath.Join(h.dir, "x.csv")
	h.as("bob").ok("export", "--unit", archUnitA, "--item", "XZCF", "-o", out)
	mustHold(t, "shared export", fileText(t, out), plantedText("张三"))

	f := filepath.Join(h.dir, "shop.csv")
	writeCSV(t, f, archExtraHeader, [][]string{archRow(map[string]string{"行政相对人名称": "丁商行（店主电话" + plantPhone + "）",
		"行政相对人代码_1（统一社会信用代码）": pubOrgGone, "行政处罚决定书文号": "通市监罚〔2025〕SHOP号"}, "", "")}, false)
	h.ok("import", f, "--provider", provider, "--item", "XZCF")
	s := h.ok("subject", "search", "丁商行", "--format", "json").Out
	mustNotHold(t, "public search", s, plantPhone)
	mustHold(t, "public search", s, "138****5678")
}

// roster publish: a list entry's texts (列入事由, 认定依据) in the public
// file mask the persons the entry names and every number kind.
func TestPrivacyRosterPublishFreeText(t *testing.T) {
	h := scHarness(t)
	h.ok("user", "add", "bob", "--role", "clerk")
	h.scImport("HEIMD", pubHeader,
		pubRow(map[string]string{"主体名称": "张三", "主体类别": "自然人", "证件类型": "身份证", "证件号码": personID,
			"列入事由": plantedText("张三"), "认定日期": "2025-03-01", "有效期至": "2028-02-29"}),
		pubRow(map[string]string{"主体名称": "甲公司", "统一社会信用代码": orgA, "法定代表人": "李四", "法定代表人证件类型": "身份证",
			"法定代表人证件号码": archRepB, "列入事由": plantedText("李四"), "认定日期": "2025-06-10", "有效期至": "2026-06-09"}),
	)
	for _, ext := range []string{"csv", "json", "xlsx", "html"} {
		p := filepath.Join(h.dir, "black."+ext)
		h.as("bob").ok("roster", "publish", "--list", "black", "-o", p)
		text := fileText(t, p)
		mustNotHold(t, "publication "+ext, text, append(plantedSecrets, "张三", "李四", archRepB)...)
		mustHold(t, "publication "+ext, text, append(maskedForms, "张*（身份证", "李*（身份证", plantUSCCText)...)
		os.Remove(p)
	}
}

// purpose and authorization texts are one short line (at most 200
// characters, no control characters): longer or multi-line ones are usage
// errors and nothing is logged.
func TestPurposeAndAuthorizationLimited(t *testing.T) {
	h := archiveHarness(t)
	queries := func() string { return h.ok("subject", "queries", orgA, "--format", "json").Out }
	before := queries()
	long := strings.Repeat("用", 201)
	for _, args := range [][]string{
		{"--purpose", long},
		{"--scope", "authorized", "--authorization", long},
		{"--purpose", "招标\n\x1b[2J审查"},
		{"--scope", "authorized", "--authorization", "授权书\r001"},
	} {
		r := h.fails(2, append([]string{"subject", "show", orgA}, args...)...)
		if strings.Contains(r.Err, long) {
			t.Errorf("the refusal echoes the whole text: %s", r.Err)
		}
	}
	if queries() != before {
		t.Error("a refused lookup was logged")
	}
	h.ok("subject", "show", orgA, "--purpose", strings.Repeat("用", 200))
	h.ok("subject", "show", orgA, "--scope", "authorized", "--authorization", "<b>授权书</b>|2025-001")
	if text := h.ok("subject", "queries", orgA, "--format", "md").Out; strings.Contains(text, "<b>") || !strings.Contains(text, "&lt;b&gt;授权书&lt;/b&gt;\\|2025-001") {
		t.Errorf("the authorization is not shown escaped:\n%s", text)
	}
}

// A reject message quotes a short excerpt of the bad value, never an ID
// number in full (the report's own columns keep the row as sent).
func TestRejectMessageNeverEchoesAnID(t *testing.T) {
	h := importHarness(t)
	src := filepath.Join(h.dir, "x.csv")
	writeCSV(t, src, xzcfHeader, [][]string{xzcfRow(map[string]string{"处罚决定日期": "见身份证" + personID + "的说明，另有很长很长很长很长的文字"})}, false)
	rej := filepath.Join(h.dir, "rej.csv")
	r := h.fails(3, "import", src, "--provider", provider, "--item", "XZCF", "--rejects", rej, "--format", "json")
	recs := readRejects(t, rej)
	msg := recs[1][len(recs[1])-1]
	for what, out := range map[string]string{"stdout": r.Out, "stderr": r.Err, "reject reason": msg, "batch rejects": h.ok("batch", "rejects", "1").Out} {
		if strings.Contains(out, personID) {
			t.Errorf("%s echoes the ID in full:\n%s", what, out)
		}
	}
	if !strings.Contains(msg, "“见身份证110105********002X的说…”") { // 4 + 18 + 2 = 24 characters
		t.Errorf("reject reason = %q, want the 24-character excerpt", msg)
	}
}
